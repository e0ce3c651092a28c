//! `daifuku import | export --kind | mailing-list | backup | restore`:
//! getting customer data in and out, through the command API.

use std::io::{IsTerminal, Write};

use clap::{Arg, ArgAction, ArgMatches, Command};
use daifuku::api::{self, Response};
use daifuku::export::mailing::MailingOptions;
use daifuku::export::{ExportFormat, ExportOptions, ExportResult, HeaderStyle};
use daifuku::import::{ColumnMap, FileSource, Flow, ImportOptions, OnMatch, Progress, TextEncoding};
use daifuku::store::ListQuery;
use daifuku::{ApiError, Kind, Store};
use serde_json::Value;

use crate::{now_ctx, Output};

fn filter_args(cmd: Command) -> Command {
    cmd.arg(
        Arg::new("filter")
            .long("filter")
            .action(ArgAction::Append)
            .value_name("FIELD=VALUE | FIELD~TEXT")
            .help("Filter (repeatable), as in `list`: = equals, ~ contains"),
    )
    .arg(Arg::new("q").long("q").value_name("TEXT").help("Free text in the name or reading"))
}

fn encoding_arg() -> Arg {
    Arg::new("encoding")
        .long("encoding")
        .value_name("utf8|sjis")
        .help("CSV text encoding: utf8 (with BOM, default) or sjis (Shift_JIS/CP932 for old Excel)")
}

/// The `export` subcommand: the whole database as JSON, or one kind's list.
pub fn export_command() -> Command {
    filter_args(
        Command::new("export")
            .about("Export every record (JSON), or one kind's list with --kind as CSV, XLSX, vCard or JSON")
            .arg(
                Arg::new("kind")
                    .long("kind")
                    .value_name("KIND")
                    .help("companies, contacts, activities, purchases … (any list)"),
            )
            .arg(
                Arg::new("format")
                    .long("format")
                    .default_value("json")
                    .value_parser(["json", "csv", "xlsx", "vcf", "ics"]),
            )
            .arg(encoding_arg())
            .arg(
                Arg::new("headers")
                    .long("headers")
                    .default_value("ja")
                    .value_parser(["ja", "en", "field"])
                    .help("Header row: Japanese labels, English labels or field names"),
            )
            .arg(Arg::new("out").long("out").short('o').value_name("FILE").help("Write to FILE instead of stdout")),
    )
}

/// Whether `export` was asked for one kind's list (else the full JSON dump).
pub fn is_list_export(m: &ArgMatches) -> bool {
    m.get_one::<String>("kind").is_some() || m.get_one::<String>("format").map(String::as_str) != Some("json")
}

pub fn commands() -> Vec<Command> {
    vec![
        Command::new("import")
            .about("Import a CSV (UTF-8, Shift_JIS, UTF-16), Excel or vCard file; all or nothing")
            .arg(Arg::new("file").required(true).value_name("FILE"))
            .arg(Arg::new("kind").long("kind").value_name("KIND").help("companies|contacts|activities|deals|purchases|products|tasks|users (guessed from the headers)"))
            .arg(Arg::new("mapping").long("mapping").value_name("FILE").help("Column mapping: JSON {\"header\": \"field\"} or the mapping of a --dry-run --json"))
            .arg(Arg::new("dry-run").long("dry-run").action(ArgAction::SetTrue).help("Show what would happen; write nothing"))
            .arg(
                Arg::new("on-match")
                    .long("on-match")
                    .default_value("update")
                    .value_parser(["update", "skip", "create"])
                    .help("A row matching an existing record: update it, skip it, or create a new record anyway"),
            )
            .arg(Arg::new("accept-errors").long("accept-errors").action(ArgAction::SetTrue).help("Import the good rows even if some rows have errors"))
            .arg(
                Arg::new("create-missing-users")
                    .long("create-missing-users")
                    .action(ArgAction::SetTrue)
                    .help("Create the users (担当営業 …) the rows name that do not exist yet, instead of refusing those rows"),
            )
            .arg(Arg::new("errors-out").long("errors-out").value_name("FILE").help("Write the rows with errors and their reasons to FILE (CSV)"))
            .arg(Arg::new("encoding").long("encoding").value_name("utf8|sjis|utf16|euc-jp").help("Text encoding of a CSV (detected by default)"))
            .arg(Arg::new("delimiter").long("delimiter").value_name("CHAR").help("CSV delimiter (detected by default; `tab` for tabs)"))
            .arg(Arg::new("sheet").long("sheet").value_name("NAME").help("Excel sheet (the first by default)"))
            .arg(Arg::new("header-row").long("header-row").value_name("N").value_parser(clap::value_parser!(u32)).help("Row of the headers (detected by default)")),
        filter_args(
            Command::new("mailing-list")
                .about("Mailing list (DM): current title, department and address; no bounced/moved addresses or closed companies")
                .arg(Arg::new("exclude-bought-within").long("exclude-bought-within").value_name("DAYS").value_parser(clap::value_parser!(u32)).help("Leave out customers who bought within DAYS"))
                .arg(Arg::new("exclude-status").long("exclude-status").action(ArgAction::Append).value_name("STATUS").help("Leave out companies with this status (e.g. lost)"))
                .arg(Arg::new("format").long("format").value_parser(["csv", "xlsx", "json"]).help("Write the list as a file (stdout or --out)"))
                .arg(encoding_arg())
                .arg(Arg::new("out").long("out").short('o').value_name("FILE")),
        ),
        Command::new("backup")
            .about("Back up the database (safe while the app runs); with --dir, the daily rolling backup")
            .arg(Arg::new("out").long("out").short('o').value_name("FILE").conflicts_with("dir").help("Backup file to write"))
            .arg(Arg::new("dir").long("dir").value_name("DIR").help("Folder of daily backups (daifuku-backup-YYYY-MM-DD.db)"))
            .arg(Arg::new("keep").long("keep").default_value("7").value_parser(clap::value_parser!(u32)).help("Daily backups to keep (with --dir)")),
        Command::new("restore")
            .about("Replace the database with a backup (the current one is kept beside it)")
            .arg(Arg::new("file").required(true).value_name("FILE"))
            .arg(Arg::new("yes").long("yes").action(ArgAction::SetTrue).help("Confirm: every record is replaced by the backup's")),
    ]
}

/// `companies` → company, `contacts` → contact, `case-studies` → case_study.
pub fn parse_kind(s: &str) -> Result<Kind, ApiError> {
    let s = s.trim().to_lowercase().replace('-', "_");
    let singular = if let Some(stem) = s.strip_suffix("ies") {
        format!("{stem}y")
    } else {
        s.strip_suffix('s').unwrap_or(&s).to_string()
    };
    Kind::parse(&s)
        .or_else(|| Kind::parse(&singular))
        .ok_or_else(|| ApiError::field("usage", "kind", format!("unknown kind {s}")))
}

pub(crate) fn encoding(m: &ArgMatches) -> Result<Option<TextEncoding>, ApiError> {
    match m.get_one::<String>("encoding").map(String::as_str) {
        None | Some("auto") => Ok(None),
        Some(e) => TextEncoding::parse(e).map(Some).ok_or_else(|| {
            ApiError::field("usage", "encoding", format!("unknown encoding {e} (utf8, sjis, utf16, euc-jp)"))
        }),
    }
}

pub(crate) fn list_query(m: &ArgMatches) -> Result<ListQuery, ApiError> {
    let filters = crate::records::filters(m)?;
    Ok(ListQuery { filters, q: m.get_one::<String>("q").cloned(), ..Default::default() })
}

/// A mapping file: `{"header": "field" | null}`, a list of `{column, header,
/// target}`, or a preview (`{"mapping": [...]}`).
fn read_mapping(path: &str) -> Result<Vec<ColumnMap>, ApiError> {
    let text = std::fs::read_to_string(path).map_err(|e| ApiError::new("io", format!("{path}: {e}")))?;
    let v: Value = serde_json::from_str(&text)
        .map_err(|e| ApiError::field("invalid_mapping", "mapping", format!("{path}: {e}")))?;
    let v = match v {
        Value::Object(mut o) if o.get("mapping").is_some_and(Value::is_array) => o.remove("mapping").unwrap(),
        other => other,
    };
    match v {
        Value::Array(_) => {
            serde_json::from_value(v).map_err(|e| ApiError::field("invalid_mapping", "mapping", format!("{path}: {e}")))
        }
        Value::Object(o) => Ok(o
            .into_iter()
            .map(|(header, target)| ColumnMap { column: u32::MAX, header, target: target.as_str().map(str::to_string) })
            .collect()),
        _ => Err(ApiError::field("invalid_mapping", "mapping", format!("{path}: expected an object or a list"))),
    }
}

fn write_out(path: &str, bytes: &[u8]) -> Result<(), ApiError> {
    std::fs::write(path, bytes).map_err(|e| ApiError::new("io", format!("{path}: {e}")))
}

pub fn run(store: &mut Store, name: &str, m: &ArgMatches, json: bool) -> Result<Output, ApiError> {
    match name {
        "import" => import(store, m, json),
        "mailing-list" => mailing_list(store, m),
        "backup" => backup(store, m),
        "restore" => restore(store, m),
        "export" => export(store, m, json),
        _ => unreachable!("clap knows the subcommands"),
    }
}

fn import(store: &mut Store, m: &ArgMatches, json: bool) -> Result<Output, ApiError> {
    let file = m.get_one::<String>("file").unwrap().clone();
    let options = ImportOptions {
        kind: m.get_one::<String>("kind").map(|k| parse_kind(k)).transpose()?,
        encoding: encoding(m)?,
        delimiter: m.get_one::<String>("delimiter").cloned(),
        sheet: m.get_one::<String>("sheet").cloned(),
        header_row: m.get_one::<u32>("header-row").copied(),
        mapping: m.get_one::<String>("mapping").map(|p| read_mapping(p)).transpose()?,
        on_match: OnMatch::parse(m.get_one::<String>("on-match").unwrap()).unwrap_or_default(),
        create_missing_users: m.get_flag("create-missing-users"),
    };
    let ctx = now_ctx(store)?;
    let source = FileSource::Path { path: file.clone() };
    let tty = std::io::stderr().is_terminal() && !json;
    let mut progress = |p: Progress| {
        if tty {
            // Ctrl+C stops the import: the open transaction is never
            // committed, so the database stays as it was.
            use daifuku::import::Phase;
            let at = match p.phase {
                Phase::Plan => format!("checking {}/{}", p.done, p.total),
                Phase::Write => format!("importing {}/{}", p.done, p.total),
                // Thousandths; padded to cover the longer text before it.
                Phase::Index => format!("indexing {:>3}%{:20}", p.done / 10, ""),
            };
            eprint!("\r取り込み中 {at} (Ctrl+C で中止 / to cancel)");
            if p.done == p.total {
                eprintln!();
            }
        }
        Flow::Continue
    };
    let dry_run = m.get_flag("dry-run");
    if dry_run || m.get_one::<String>("errors-out").is_some() {
        let cmd = api::Command::ImportPreview { file: source.clone(), options: options.clone() };
        let Response::ImportPreview(p) = api::execute_with_progress(store, &ctx, cmd, &mut progress)? else {
            unreachable!("a preview answers a preview")
        };
        if let (Some(out), Some(csv)) = (m.get_one::<String>("errors-out"), &p.error_csv) {
            write_out(out, &csv.bytes()?)?;
        }
        if dry_run {
            return Ok(Output::Both(preview_text(&file, &p, options.create_missing_users), serde_json::to_value(&p)?));
        }
    }
    let cmd = api::Command::ImportApply { file: source, options, accept_errors: m.get_flag("accept-errors") };
    match api::execute_with_progress(store, &ctx, cmd, &mut progress) {
        Ok(Response::ImportReport(r)) => {
            let text = format!(
                "取り込みました / imported {}: 新規 created {}, 更新 updated {}, スキップ skipped {}, エラーで除外 failed {}{}{}",
                r.kind.as_str(),
                r.created,
                r.updated,
                r.skipped,
                r.failed,
                if r.companies_created > 0 { format!(", 新しい会社 companies created {}", r.companies_created) } else { String::new() },
                if r.users_created > 0 { format!(", 新しいユーザー users created {}", r.users_created) } else { String::new() }
            );
            Ok(Output::Both(text, serde_json::to_value(&r)?))
        }
        Ok(_) => unreachable!("an import answers a report"),
        Err(e) if e.code == "import_has_errors" => Err(ApiError {
            message: format!(
                "{} — see them with --dry-run (or --errors-out FILE), or rerun with --accept-errors to import the good rows only",
                e.message
            ),
            ..e
        }),
        Err(e) => Err(e),
    }
}

fn preview_text(file: &str, p: &daifuku::import::ImportPreview, create_users: bool) -> String {
    let kind_label = p.kind.meta().label_ja;
    let mut lines = vec![format!(
        "この表は『{kind_label}』として読み込みます{} / read as {}{}",
        if p.kind_guessed { "(推定)" } else { "" },
        p.kind.as_str(),
        if p.kind_guessed { " (guessed from the headers; choose another with --kind)" } else { "" },
    )];
    lines.push(format!(
        "{} → {} ({}{}{}), header row {}, mapping {:?}",
        file,
        p.kind.as_str(),
        serde_json::to_value(p.format).ok().and_then(|v| v.as_str().map(str::to_string)).unwrap_or_default(),
        p.encoding.map(|e| format!(", {}", e.as_str())).unwrap_or_default(),
        p.sheet.as_ref().map(|s| format!(", sheet {s}")).unwrap_or_default(),
        p.header_row,
        p.mapping_source,
    ));
    for c in &p.mapping {
        lines.push(format!("  {:<16} → {}", c.header, c.target.as_deref().unwrap_or("(ignored)")));
    }
    let s = &p.summary;
    lines.push(format!(
        "行 rows {} | 新規 create {} | 更新 update {} | スキップ skip {} | エラー error {} | 警告 warning {} | ファイル内重複 in-file duplicates {} | 登録済み一致 matches {} | 新しい会社 new companies {}",
        s.rows, s.create, s.update, s.skip, s.error, s.warning, s.duplicate_in_file, s.duplicate_in_database, s.new_companies
    ));
    for n in &p.notices {
        lines.push(format!("  note: {}", n.message));
    }
    if !p.missing_users.is_empty() {
        lines.push(if create_users {
            format!("作成するユーザー users to create ({}):", p.missing_users.len())
        } else {
            format!(
                "存在しない担当者 {} 名 / {} users the rows name do not exist (--create-missing-users creates them):",
                p.missing_users.len(),
                p.missing_users.len()
            )
        });
        for u in p.missing_users.iter().take(50) {
            lines.push(format!("  {} ({} 行 rows)", u.name, u.rows));
        }
        if p.missing_users.len() > 50 {
            lines.push(format!("  … 他 {} 名 / {} more", p.missing_users.len() - 50, p.missing_users.len() - 50));
        }
    }
    for r in p.rows.iter().filter(|r| !r.errors.is_empty() || !r.warnings.is_empty()).take(50) {
        for e in &r.errors {
            lines.push(format!("  row {}: error {} ({}): {}", r.row, e.code, e.field, e.message));
        }
        for w in &r.warnings {
            lines.push(format!("  row {}: warning {} ({}): {}", r.row, w.code, w.field, w.message));
        }
    }
    lines.join("\n")
}

/// Writes an exported file: to `--out`, else its bytes to stdout (xlsx needs --out).
pub(crate) fn deliver(r: ExportResult, out: Option<&String>, json: bool) -> Result<Output, ApiError> {
    let text = match (&r.path, r.warnings.is_empty()) {
        (Some(p), true) => format!("{} 件 → {p}", r.rows),
        (Some(p), false) => {
            let warnings: Vec<&str> = r.warnings.iter().map(|w| w.message.as_str()).collect();
            format!("{} 件 → {p}\nwarning: {}", r.rows, warnings.join("\nwarning: "))
        }
        (None, _) => String::new(),
    };
    if out.is_some() || json {
        return Ok(Output::Both(text, serde_json::to_value(&r)?));
    }
    for w in &r.warnings {
        eprintln!("warning: {w}");
    }
    let bytes = daifuku::import::decode_base64(r.base64.as_deref().unwrap_or(""))?;
    if r.name.ends_with(".xlsx") {
        return Err(ApiError::field("usage", "out", "an XLSX file is binary: give --out FILE"));
    }
    // On a terminal or pipe the BOM is noise; files (--out) keep it for Excel.
    let bytes = bytes.strip_prefix(&[0xEF, 0xBB, 0xBF][..]).unwrap_or(&bytes);
    let _ = std::io::stdout().lock().write_all(bytes);
    Ok(Output::Text(String::new()))
}

fn export(store: &mut Store, m: &ArgMatches, json: bool) -> Result<Output, ApiError> {
    if m.get_one::<String>("format").map(String::as_str) == Some("ics") {
        // The calendar feed: tasks and scheduled activities, not a list of one kind.
        return crate::follow_up::export_ics(store, m.get_one::<String>("out"));
    }
    let kind = parse_kind(m.get_one::<String>("kind").ok_or_else(|| {
        ApiError::field(
            "usage",
            "kind",
            "CSV, XLSX and vCard exports are of one list: give --kind (companies, contacts …)",
        )
    })?)?;
    let format = ExportFormat::parse(m.get_one::<String>("format").unwrap()).unwrap_or_default();
    let headers = match m.get_one::<String>("headers").map(String::as_str) {
        Some("en") => HeaderStyle::En,
        Some("field") => HeaderStyle::Field,
        _ => HeaderStyle::Ja,
    };
    let out = m.get_one::<String>("out");
    let cmd = api::Command::Export {
        kind,
        query: list_query(m)?,
        options: ExportOptions { format, encoding: encoding(m)?, headers },
        path: out.cloned(),
    };
    let ctx = now_ctx(store)?;
    let Response::Exported(r) = api::execute(store, &ctx, cmd)? else { unreachable!("an export answers a file") };
    deliver(r, out, json)
}

fn mailing_list(store: &mut Store, m: &ArgMatches) -> Result<Output, ApiError> {
    let options = MailingOptions {
        query: list_query(m)?,
        exclude_bought_within_days: m.get_one::<u32>("exclude-bought-within").copied(),
        exclude_status: m.get_many::<String>("exclude-status").into_iter().flatten().cloned().collect(),
    };
    let out = m.get_one::<String>("out");
    let export = match m.get_one::<String>("format").map(String::as_str) {
        Some("csv") => {
            Some(ExportOptions { format: ExportFormat::Csv, encoding: encoding(m)?, headers: HeaderStyle::Ja })
        }
        Some("xlsx") => Some(ExportOptions { format: ExportFormat::Xlsx, encoding: None, headers: HeaderStyle::Ja }),
        _ => None,
    };
    let as_file = export.is_some();
    let cmd = api::Command::MailingList { options, export, path: out.cloned() };
    let ctx = now_ctx(store)?;
    let Response::MailingList(r) = api::execute(store, &ctx, cmd)? else {
        unreachable!("a mailing list answers a list")
    };
    let e = &r.list.excluded;
    let summary = format!(
        "{} 件 / rows; 除外 excluded: 不達 bounced {}, 移転 moved {}, 会社不達 company bounced {}, 会社移転 company moved {}, 合併・閉鎖 closed {}, ステータス status {}, 最近購入 bought recently {}, 住所なし no address {}, 利用停止 use stopped {}",
        r.list.rows.len(), e.contact_bounced, e.contact_moved, e.company_bounced, e.company_moved, e.company_closed, e.company_status, e.bought_recently, e.no_address, e.use_stopped
    );
    if as_file {
        eprintln!("{summary}");
        let file = r.file.clone().expect("asked for a file");
        return deliver(file, out, false);
    }
    let mut lines: Vec<String> = r
        .list
        .rows
        .iter()
        .map(|row| {
            format!(
                "〒{} {}  {} {} {} {} {}",
                row.postal_code.as_deref().unwrap_or(""),
                row.address,
                row.company_name.as_deref().unwrap_or(""),
                row.department.as_deref().unwrap_or(""),
                row.title.as_deref().unwrap_or(""),
                row.name,
                row.honorific
            )
        })
        .collect();
    lines.push(summary);
    Ok(Output::Both(lines.join("\n"), serde_json::to_value(&r)?))
}

fn backup(store: &mut Store, m: &ArgMatches) -> Result<Output, ApiError> {
    let ctx = now_ctx(store)?;
    let cmd = match (m.get_one::<String>("out"), m.get_one::<String>("dir")) {
        (Some(out), _) => api::Command::Backup { path: out.clone() },
        (None, Some(dir)) => api::Command::RollingBackup { dir: dir.clone(), keep: *m.get_one::<u32>("keep").unwrap() },
        (None, None) => {
            return Err(ApiError::new("usage", "give --out FILE, or --dir DIR [--keep N] for daily backups"))
        }
    };
    Ok(match api::execute(store, &ctx, cmd)? {
        Response::Backup(b) => Output::Both(
            format!("バックアップしました / backed up: {} ({} bytes)", b.path, b.bytes),
            serde_json::to_value(&b)?,
        ),
        Response::Rotation(r) => {
            let made = match &r.created {
                Some(b) => format!("バックアップしました / backed up: {} ({} bytes)", b.path, b.bytes),
                None => "today's backup exists already".to_string(),
            };
            Output::Both(
                format!("{made}; kept {}, deleted {}", r.kept.len(), r.deleted.len()),
                serde_json::to_value(&r)?,
            )
        }
        _ => unreachable!("a backup answers a backup"),
    })
}

fn restore(store: &mut Store, m: &ArgMatches) -> Result<Output, ApiError> {
    let file = m.get_one::<String>("file").unwrap().clone();
    if !m.get_flag("yes") {
        let version = daifuku::store::check_backup(std::path::Path::new(&file))?;
        return Err(ApiError::new(
            "confirmation_required",
            format!(
                "{file} is a Daifuku backup (schema {version}). Restoring replaces every record of the database with the backup's; the current database is kept beside it as a .before-restore file. Run again with --yes to restore"
            ),
        ));
    }
    let ctx = now_ctx(store)?;
    let Response::Restored(r) =
        api::execute(store, &ctx, api::Command::RestoreBackup { path: file, confirm: true, passphrase: None })?
    else {
        unreachable!("a restore answers a restore")
    };
    Ok(Output::Both(
        format!("復元しました / restored {} (the previous database is kept at {})", r.restored, r.previous.path),
        serde_json::to_value(&r)?,
    ))
}
