//! `daifuku <kind> add|list|show|update|delete|restore`: one generic set of
//! subcommands per record kind, with a `--field-name VALUE` flag per field,
//! all built from the field tables.

use clap::{Arg, ArgAction, ArgMatches, Command};
use daifuku::api::{self, Response};
use daifuku::schema::FieldType;
use daifuku::store::{Filter, FilterOp, ListQuery};
use daifuku::{ApiError, Kind, Store, Stored};
use serde_json::{Map, Value};
use unicode_width::UnicodeWidthStr;

use crate::{now_ctx, Output};

fn cli_name(kind: Kind) -> String {
    kind.as_str().replace('_', "-")
}

fn flag(field: &str) -> String {
    field.replace('_', "-")
}

fn field_args(kind: Kind) -> Vec<Arg> {
    kind.meta()
        .fields
        .iter()
        .map(|f| {
            let help = format!("{} / {}{}", f.label_ja, f.label_en, if f.required { " (required)" } else { "" });
            Arg::new(f.name).long(flag(f.name)).value_name(value_name(&f.ty)).help(help)
        })
        .collect()
}

fn value_name(ty: &FieldType) -> &'static str {
    match ty {
        FieldType::Date => "YYYY-MM-DD",
        FieldType::DateTime => "YYYY-MM-DDTHH:MM",
        FieldType::Int { .. } | FieldType::Decimal { .. } | FieldType::Money => "NUMBER",
        FieldType::Ref { .. } => "ID",
        FieldType::RefList { .. } => "ID,ID…",
        FieldType::Tags => "A,B…",
        FieldType::Bool => "yes|no",
        FieldType::Json => "JSON",
        _ => "TEXT",
    }
}

pub fn commands() -> Vec<Command> {
    Kind::ALL
        .iter()
        .map(|&kind| {
            let m = kind.meta();
            Command::new(cli_name(kind))
                .about(format!("{} / {}", m.label_ja, m.label_en))
                .subcommand_required(true)
                .subcommand(Command::new("add").about("Create a record").args(field_args(kind)))
                .subcommand(
                    Command::new("list")
                        .about("List records (あいうえお順 by default)")
                        .arg(Arg::new("q").long("q").value_name("TEXT").help("Free text in the name or reading"))
                        .arg(
                            Arg::new("filter")
                                .long("filter")
                                .action(ArgAction::Append)
                                .value_name("FIELD=VALUE | FIELD~TEXT")
                                .help("Filter (repeatable): = equals, ~ contains"),
                        )
                        .arg(Arg::new("sort").long("sort").value_name("FIELD"))
                        .arg(Arg::new("desc").long("desc").action(ArgAction::SetTrue))
                        .arg(Arg::new("limit").long("limit").default_value("50").value_parser(clap::value_parser!(u32)))
                        .arg(
                            Arg::new("offset").long("offset").default_value("0").value_parser(clap::value_parser!(u32)),
                        ),
                )
                .subcommand(Command::new("show").about("Show one record").arg(Arg::new("id").required(true)))
                .subcommand(
                    Command::new("update")
                        .about("Change fields of a record (an empty value clears a field)")
                        .arg(Arg::new("id").required(true))
                        .arg(
                            Arg::new("expect-version")
                                .long("expect-version")
                                .value_parser(clap::value_parser!(i64))
                                .help("Fail if the record changed since this version"),
                        )
                        .args(field_args(kind)),
                )
                .subcommand(Command::new("delete").about("Move to the trash").arg(Arg::new("id").required(true)))
                .subcommand(
                    Command::new("restore").about("Bring back from the trash").arg(Arg::new("id").required(true)),
                )
                // 消去 (issue 18): a person, everywhere.
                .subcommands(if kind == Kind::Contact { crate::erase::contact_commands() } else { vec![] })
        })
        .collect()
}

/// The fields given on the command line, as loosely typed JSON for the core.
fn given_fields(kind: Kind, m: &ArgMatches) -> Result<Map<String, Value>, ApiError> {
    let mut out = Map::new();
    for f in kind.meta().fields {
        if let Some(v) = m.get_one::<String>(f.name) {
            let value = match f.ty {
                FieldType::Json if !v.trim().is_empty() => serde_json::from_str(v)
                    .map_err(|e| ApiError::field("invalid_json", f.name, format!("--{}: {e}", flag(f.name))))?,
                _ if v.is_empty() => Value::Null,
                _ => Value::String(v.clone()),
            };
            out.insert(f.name.to_string(), value);
        }
    }
    Ok(out)
}

pub fn run(store: &mut Store, kind_name: &str, m: &ArgMatches) -> Result<Output, ApiError> {
    let kind = Kind::parse(&kind_name.replace('-', "_"))
        .ok_or_else(|| ApiError::new("usage", format!("unknown command {kind_name}")))?;
    let (action, sub) = m.subcommand().expect("subcommand required");
    if matches!(action, "erase" | "erase-backups") {
        return crate::erase::run_contact(store, action, sub);
    }
    let ctx = now_ctx(store)?;
    let id = || sub.get_one::<String>("id").cloned().unwrap_or_default();
    if matches!(action, "delete" | "restore") {
        // A company goes to (and comes back from) the trash with its group:
        // say how many records went along.
        let (r, with) = if action == "delete" {
            let (r, with) = store.delete_cascading(&ctx, kind, &id())?;
            // The audit trail (issue 18): what went to the trash, with its group.
            let entry = daifuku::store::audit::AuditEntry {
                kind: Some(kind.as_str().into()),
                detail: Some(r.id.clone()),
                count: Some(1 + with.total() as i64),
                ..daifuku::store::audit::AuditEntry::new("delete")
            };
            store.audit(&ctx, &entry)?;
            (r, with)
        } else {
            store.restore_cascading(&ctx, kind, &id())?
        };
        let verb = if action == "delete" {
            "ゴミ箱に移しました / moved to trash"
        } else {
            "元に戻しました / restored"
        };
        let mut text = format!("{verb}: {} {}", r.id, r.display_name);
        if with.total() > 0 {
            text += &format!(
                "\n  + 担当者 {}件・商談 {}件・タスク {}件・活動 {}件 / contacts {}, deals {}, tasks {}, activities {}",
                with.contacts,
                with.deals,
                with.tasks,
                with.activities,
                with.contacts,
                with.deals,
                with.tasks,
                with.activities
            );
        }
        let mut json = serde_json::to_value(&r)?;
        json["with"] = serde_json::to_value(&with)?;
        return Ok(Output::Both(text, json));
    }
    let cmd = match action {
        "add" => api::Command::Add { kind, fields: given_fields(kind, sub)? },
        "show" => api::Command::Get { kind, id: id() },
        "update" => {
            let fields = given_fields(kind, sub)?;
            if fields.is_empty() {
                return Err(ApiError::new("usage", "give at least one --field VALUE to change"));
            }
            api::Command::Patch { kind, id: id(), version: sub.get_one::<i64>("expect-version").copied(), fields }
        }
        "delete" => api::Command::Delete { kind, id: id() },
        "restore" => api::Command::Restore { kind, id: id() },
        "list" => api::Command::List { kind, query: list_query(sub)? },
        _ => unreachable!("clap knows the actions"),
    };
    let response = api::execute(store, &ctx, cmd)?;
    Ok(match response {
        Response::Record(r) => {
            let verb = match action {
                "add" => "作成しました / created",
                "update" => "更新しました / updated",
                "delete" => "ゴミ箱に移しました / moved to trash",
                "restore" => "元に戻しました / restored",
                _ => "",
            };
            let text = if action == "show" { show(&r) } else { format!("{verb}: {} {}", r.id, r.display_name) };
            Output::Both(text, serde_json::to_value(&r)?)
        }
        Response::Page(p) => {
            let text = table(kind, &p.items) + &format!("\n{} / {} 件", p.items.len(), p.total.unwrap_or(0));
            Output::Both(text, serde_json::to_value(&p)?)
        }
        other => Output::Json(serde_json::to_value(&other)?),
    })
}

/// The `--filter FIELD=VALUE` / `FIELD~TEXT` flags of a list (also the exports').
pub(crate) fn filters(m: &ArgMatches) -> Result<Vec<Filter>, ApiError> {
    let mut filters = Vec::new();
    for f in m.get_many::<String>("filter").into_iter().flatten() {
        let (field, op, value) = if let Some((a, b)) = f.split_once('~') {
            (a, FilterOp::Contains, b)
        } else if let Some((a, b)) = f.split_once('=') {
            (a, FilterOp::Eq, b)
        } else {
            return Err(ApiError::field("usage", "filter", format!("--filter {f}: write FIELD=VALUE or FIELD~TEXT")));
        };
        let value = value.parse::<i64>().map(Value::from).unwrap_or_else(|_| Value::String(value.to_string()));
        filters.push(Filter { field: field.replace('-', "_"), op, value });
    }
    Ok(filters)
}

fn list_query(m: &ArgMatches) -> Result<ListQuery, ApiError> {
    let filters = filters(m)?;
    Ok(ListQuery {
        filters,
        q: m.get_one::<String>("q").cloned(),
        sort: m.get_one::<String>("sort").map(|s| s.replace('-', "_")),
        desc: m.get_flag("desc").then_some(true),
        offset: m.get_one::<u32>("offset").copied(),
        limit: m.get_one::<u32>("limit").copied(),
        no_total: false,
    })
}

fn plain(v: &Value) -> String {
    match v {
        Value::Null => String::new(),
        Value::String(s) => s.clone(),
        Value::Array(a) if a.iter().all(Value::is_string) => {
            a.iter().filter_map(Value::as_str).collect::<Vec<_>>().join(", ")
        }
        other => other.to_string(),
    }
}

fn show(r: &Stored) -> String {
    let kind = r.record.kind();
    let fields = r.record.to_fields();
    let mut lines = vec![format!("{} [{}] {}", r.display_name, kind.meta().label_ja, r.id)];
    if r.deleted_at.is_some() {
        lines.push("(ゴミ箱 / in the trash)".into());
    }
    let shown: Vec<(&str, String)> = kind
        .meta()
        .fields
        .iter()
        .map(|f| (f.label_ja, plain(&fields[f.name])))
        .filter(|(_, v)| !v.is_empty() && v != "false")
        .collect();
    let width = shown.iter().map(|(l, _)| l.width()).max().unwrap_or(0);
    for (label, v) in shown {
        lines.push(format!("  {label}{}  {}", " ".repeat(width - label.width()), v.replace('\n', "\n    ")));
    }
    lines.push(format!("  version {}", r.version));
    lines.join("\n")
}

/// Columns of the human list per kind.
fn columns(kind: Kind) -> &'static [&'static str] {
    match kind {
        Kind::Company => &["code", "name", "prefecture", "phone", "status", "rank"],
        Kind::Contact => &["family_name", "given_name", "department", "title", "email"],
        Kind::Activity => &["occurred_at", "kind", "subject"],
        Kind::Task => &["due", "title", "done"],
        Kind::Deal => &["title", "stage", "amount", "expected_close"],
        Kind::Purchase => &["product_name", "amount", "contract_date", "expiry_date"],
        Kind::ContactPosition => &["from_date", "to_date", "department", "title"],
        Kind::CardExchange => &["exchanged_on", "place", "importance"],
        _ => &[],
    }
}

fn table(kind: Kind, items: &[Stored]) -> String {
    let cols = columns(kind);
    let mut rows: Vec<Vec<String>> = vec![];
    let mut header = vec!["id".to_string()];
    if cols.is_empty() {
        header.push("name".into());
    }
    header.extend(cols.iter().map(|c| kind.field(c).map(|f| f.label_ja.to_string()).unwrap_or_else(|| c.to_string())));
    rows.push(header);
    for r in items {
        let f = r.record.to_fields();
        let mut row = vec![r.id.clone()];
        if cols.is_empty() {
            row.push(r.display_name.clone());
        }
        row.extend(cols.iter().map(|c| plain(&f[*c]).replace('\n', " ")));
        rows.push(row);
    }
    let n = rows[0].len();
    let widths: Vec<usize> = (0..n).map(|i| rows.iter().map(|r| r[i].width()).max().unwrap_or(0).min(40)).collect();
    rows.iter()
        .map(|r| {
            r.iter()
                .enumerate()
                .map(|(i, c)| format!("{c}{}", " ".repeat(widths[i].saturating_sub(c.width()))))
                .collect::<Vec<_>>()
                .join("  ")
                .trim_end()
                .to_string()
        })
        .collect::<Vec<_>>()
        .join("\n")
}
