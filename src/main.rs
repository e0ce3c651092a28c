//! The `daifuku` command line: the same command API as the desktop app, for
//! scripts, demos and tests. It reads the clock and the environment so the
//! core does not have to.

mod appi;
mod audit;
mod card;
mod crypto;
mod erase;
mod follow_up;
mod handover;
mod orphans;
mod print;
mod reading_dict;
mod records;
mod report;
mod search;
mod serve;
mod sync;
mod transfer;

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Arg, ArgAction, ArgMatches, Command};
use daifuku::{ApiError, Ctx, Store};

/// What a subcommand prints: a human text, or a JSON value with `--json`.
pub enum Output {
    Text(String),
    Json(serde_json::Value),
    Both(String, serde_json::Value),
}

fn cli() -> Command {
    Command::new("daifuku")
        .about("Daifuku (大福) — a local-first CRM for Japanese sales people")
        .version(env!("CARGO_PKG_VERSION"))
        .subcommand_required(true)
        .arg_required_else_help(true)
        .arg(
            Arg::new("db")
                .long("db")
                .global(true)
                .env("DAIFUKU_DB")
                .value_name("PATH")
                .help("Database file (default: the OS data directory, e.g. ~/.local/share/daifuku/daifuku.db)"),
        )
        .arg(Arg::new("json").long("json").global(true).action(ArgAction::SetTrue).help("Machine-readable JSON output"))
        .args(crypto::passphrase_args())
        .subcommand(Command::new("init").about("Create (or migrate) the database and show where it is"))
        .subcommands(records::commands().into_iter().map(appi::extend_record_command))
        .subcommands(search::commands())
        .subcommand(appi::extend_export(transfer::export_command()))
        .subcommand(appi::provision_command())
        .subcommand(appi::incident_command())
        .subcommands(transfer::commands())
        .subcommand(
            Command::new("gen")
                .about("Generate realistic Japanese demo data")
                .arg(
                    Arg::new("companies")
                        .long("companies")
                        .default_value("100")
                        .value_parser(clap::value_parser!(usize)),
                )
                .arg(Arg::new("seed").long("seed").default_value("1").value_parser(clap::value_parser!(u64)))
                .arg(
                    Arg::new("customers-only")
                        .long("customers-only")
                        .action(clap::ArgAction::SetTrue)
                        .help("Companies and contacts only (no deals, activities, purchases, tasks)"),
                ),
        )
        .subcommand(
            Command::new("serve")
                .about("Serve the UI and the command API on 127.0.0.1 (HTTP bridge for browsers and tests)")
                .arg(Arg::new("port").long("port").default_value("0").value_parser(clap::value_parser!(u16)))
                .arg(
                    Arg::new("ui-dir")
                        .long("ui-dir")
                        .env("DAIFUKU_UI_DIR")
                        .value_name("DIR")
                        .help("Built UI (default: ui/dist)"),
                ),
        )
        .subcommand(
            Command::new("timeline")
                .about("History of a company or a contact, newest first")
                .arg(Arg::new("company").long("company").value_name("ID").conflicts_with("contact"))
                .arg(Arg::new("contact").long("contact").value_name("ID"))
                .arg(Arg::new("limit").long("limit").default_value("50").value_parser(clap::value_parser!(u32))),
        )
        .subcommands(sync::commands())
        .subcommands(handover::commands())
        .subcommand(audit::command())
        .subcommands(crypto::commands())
        .subcommands(follow_up::commands())
        .subcommand(print::command())
        .subcommand(card::command())
        .subcommand(report::command())
        .subcommand(reading_dict::command())
        .subcommand(orphans::command())
        .subcommand(
            Command::new("trash")
                .about("Records in the trash (a company with the records deleted with it)")
                .arg(Arg::new("limit").long("limit").default_value("50").value_parser(clap::value_parser!(u32)))
                .arg(Arg::new("offset").long("offset").default_value("0").value_parser(clap::value_parser!(u32)))
                .subcommands(erase::trash_commands()),
        )
}

/// The default database path: `DAIFUKU_DB` is handled by clap; else the OS data dir.
pub fn db_path(m: &ArgMatches) -> PathBuf {
    match m.get_one::<String>("db") {
        Some(p) => PathBuf::from(p),
        None => dirs::data_dir().unwrap_or_else(|| PathBuf::from(".")).join("daifuku").join("daifuku.db"),
    }
}

/// The caller's clock and time zone, read here so the core never does.
/// `DAIFUKU_NOW` (milliseconds since the epoch, Japan time) pins the clock for
/// reproducible demo data and tests.
pub fn now_ctx(store: &mut Store) -> Result<Ctx, ApiError> {
    if let Some(ms) = std::env::var("DAIFUKU_NOW").ok().and_then(|v| v.parse::<i64>().ok()) {
        return store.context(ms);
    }
    let now = chrono::Local::now();
    let mut ctx = store.context(now.timestamp_millis())?;
    ctx.tz_offset_min = now.offset().local_minus_utc() / 60;
    Ok(ctx)
}

fn run(m: &ArgMatches) -> Result<Output, ApiError> {
    let path = db_path(m);
    let (name, sub) = m.subcommand().expect("subcommand required");
    if name == "reading-dict" {
        return reading_dict::run(sub);
    }
    // Encryption at rest (issue 18): rewrites of the file, or its passphrase from the environment.
    if matches!(name, "encrypt" | "decrypt" | "rekey") {
        return crypto::run(&path, name, sub, m);
    }
    if name == "serve" {
        // Encrypted and no (right) passphrase in the environment: the app starts on its lock screen.
        let _ = crypto::unlock(&path, m);
        return serve::run(daifuku_host::Host::open(&path)?, sub).map(|_| Output::Text(String::new()));
    }
    crypto::unlock(&path, m)?;
    if name == "restore" {
        crypto::unlock_backup(sub, m)?;
    }
    let mut store = Store::open(&path)?;
    // Scratch files of sync rounds a crash or a kill left behind (issue 19).
    daifuku_host::scratch::clean_leftovers(&store);
    match name {
        "init" => {
            let ctx = now_ctx(&mut store)?;
            let settings = daifuku::api::execute(&mut store, &ctx, daifuku::api::Command::GetSettings)?;
            let v = serde_json::to_value(&settings)?;
            Ok(Output::Both(
                format!("データベース / database: {}\nschema version {}", path.display(), v["data"]["schema_version"]),
                serde_json::json!({"db": path, "settings": v["data"]}),
            ))
        }
        // APPI (issue 18): 第三者提供, the person's rights, incidents.
        "export" if appi::is_third_party(sub) => appi::export_third_party(&mut store, sub, m.get_flag("json")),
        "contact" if appi::handles_contact(sub) => appi::run_contact(&mut store, sub),
        "provision" => appi::run_provision(&mut store, sub),
        "incident" => appi::run_incident(&mut store, sub),
        "export" if transfer::is_list_export(sub) => transfer::run(&mut store, name, sub, m.get_flag("json")),
        "import" | "mailing-list" | "backup" | "restore" => transfer::run(&mut store, name, sub, m.get_flag("json")),
        "export" => {
            let v = store.export_json()?;
            // The audit trail (issue 18): the whole database was exported.
            let records = v["records"]
                .as_object()
                .map(|k| k.values().filter_map(|r| r.as_array()).map(|r| r.len()).sum::<usize>());
            let entry = daifuku::store::audit::AuditEntry {
                format: Some("json".into()),
                count: records.map(|n| n as i64),
                detail: sub.get_one::<String>("out").cloned(),
                ..daifuku::store::audit::AuditEntry::new("export")
            };
            let ctx = now_ctx(&mut store)?;
            store.audit(&ctx, &entry)?;
            let text = serde_json::to_string_pretty(&v)?;
            match sub.get_one::<String>("out") {
                Some(out) => {
                    std::fs::write(out, text + "\n").map_err(|e| ApiError::new("io", format!("{out}: {e}")))?;
                    Ok(Output::Both(format!("exported to {out}"), serde_json::json!({"out": out})))
                }
                None => Ok(Output::Json(v)),
            }
        }
        "gen" => {
            let ctx = now_ctx(&mut store)?;
            let opts = daifuku_gen::GenOptions {
                companies: *sub.get_one::<usize>("companies").unwrap(),
                seed: *sub.get_one::<u64>("seed").unwrap(),
                customers_only: sub.get_flag("customers-only"),
            };
            let started = std::time::Instant::now();
            let stats = daifuku_gen::generate(&mut store, &ctx, &opts, &mut |done, total| {
                eprint!("\r生成中 generating {done}/{total} companies");
            })?;
            eprintln!();
            let secs = started.elapsed().as_secs_f64();
            let v = serde_json::to_value(&stats)?;
            Ok(Output::Both(format!("generated in {secs:.1} s: {v}"), v))
        }
        "timeline" => {
            let owner = match (sub.get_one::<String>("company"), sub.get_one::<String>("contact")) {
                (Some(id), _) => daifuku::store::TimelineOwner::Company(id.clone()),
                (_, Some(id)) => daifuku::store::TimelineOwner::Contact(id.clone()),
                _ => return Err(ApiError::new("usage", "give --company ID or --contact ID")),
            };
            let entries = store.timeline(&owner, 0, *sub.get_one::<u32>("limit").unwrap())?;
            let text = entries
                .iter()
                .map(|e| {
                    format!(
                        "{}  {:<14} {}  {}",
                        e.at.replace('T', " "),
                        e.subtype.clone().unwrap_or_else(|| e.kind.as_str().into()),
                        e.title,
                        e.summary.clone().unwrap_or_default().replace('\n', " ")
                    )
                })
                .collect::<Vec<_>>()
                .join("\n");
            Ok(Output::Both(text, serde_json::to_value(&entries)?))
        }
        "trash" if sub.subcommand().is_some() => erase::run_trash(&mut store, sub),
        "trash" => {
            let limit = *sub.get_one::<u32>("limit").unwrap();
            let offset = *sub.get_one::<u32>("offset").unwrap();
            let page = store.trash_groups(offset, limit)?;
            let mut lines: Vec<String> = Vec::new();
            for g in &page.groups {
                let t = &g.item;
                let mut line = format!("{}  {:<16} {}", t.id, t.kind.as_str(), t.display_name);
                if g.with.total() > 0 {
                    line += &format!(
                        "  (+ 担当者{}件 商談{}件 タスク{}件 活動{}件)",
                        g.with.contacts, g.with.deals, g.with.tasks, g.with.activities
                    );
                }
                lines.push(line);
            }
            lines.push(format!("{} / {} 件", page.groups.len(), page.total));
            Ok(Output::Both(lines.join("\n"), serde_json::to_value(&page)?))
        }
        "renewals" | "renewal-leads" | "related" | "calendar-token" => follow_up::run(&mut store, name, sub),
        "print" => print::run(&mut store, sub),
        "card" => card::run(&mut store, sub),
        "handover" | "changes" => handover::run(&mut store, name, sub),
        "audit" => audit::run(&mut store, sub),
        "report" => report::run(&mut store, sub),
        "sync" => sync::run_sync(&mut store, sub),
        "conflicts" => sync::run_conflicts(&mut store, sub),
        "orphans" => orphans::run(&mut store, sub),
        "search" | "duplicates" | "merge" | "unmerge" | "merges" | "reading" | "tidy-index" => {
            search::run(&mut store, name, sub)
        }
        kind => records::run(&mut store, kind, sub),
    }
}

/// Prints to stdout; a closed pipe (`daifuku export | head`) is not an error.
fn say(text: &str) {
    use std::io::Write;
    let _ = writeln!(std::io::stdout().lock(), "{text}");
}

#[global_allocator]
static ALLOCATOR: daifuku::Allocator = daifuku::Allocator;

fn main() -> ExitCode {
    let m = cli().get_matches();
    reading_dict::configure();
    let json = m.get_flag("json");
    match run(&m) {
        Ok(out) => {
            match (out, json) {
                (Output::Json(v) | Output::Both(_, v), true) | (Output::Json(v), false) => {
                    say(&serde_json::to_string_pretty(&v).unwrap())
                }
                (Output::Text(t) | Output::Both(t, _), false) => {
                    if !t.is_empty() {
                        say(&t)
                    }
                }
                (Output::Text(t), true) => say(&serde_json::json!({ "message": t }).to_string()),
            }
            ExitCode::SUCCESS
        }
        Err(e) => {
            if json {
                say(&serde_json::to_string_pretty(&e).unwrap());
            } else {
                eprintln!("error: {e}");
                for d in e.details.iter().skip(1) {
                    eprintln!("error: {} ({}): {}", d.code, d.field, d.message);
                }
            }
            ExitCode::FAILURE
        }
    }
}
