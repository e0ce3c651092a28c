//! The APPI toolkit on the command line (issue 18 item 4), through the
//! command API:
//!
//! - `daifuku contact disclose ID --out DIR` (開示),
//! - `daifuku contact update ID --reason TEXT --field VALUE…` (訂正),
//! - `daifuku contact stop-use ID --reason TEXT` / `resume-use ID` (利用停止),
//! - `daifuku export --kind contacts --third-party --recipient X --purpose Y [--contract]` (第三者提供),
//! - `daifuku provision list [--contact ID]` (第三者提供記録),
//! - `daifuku incident add|list` (漏えい等の報告).

use clap::{Arg, ArgAction, ArgMatches, Command};
use daifuku::api::{self, Response};
use daifuku::export::{ExportFormat, ExportOptions, HeaderStyle};
use daifuku::store::appi::incident::{Incident, IncidentInput};
use daifuku::store::appi::provision::{Provision, ThirdParty};
use daifuku::{ApiError, Kind, Store};
use serde_json::{Map, Value};

use crate::{now_ctx, Output};

/// Adds the person's APPI subcommands to `daifuku contact`, and `--reason`
/// (訂正) to its `update`.
pub fn extend_record_command(cmd: Command) -> Command {
    if cmd.get_name() != "contact" {
        return cmd;
    }
    cmd.mut_subcommand("update", |u| {
        u.arg(Arg::new("reason").long("reason").value_name("TEXT").help(
            "訂正 (APPI Art. 34): why the fields are corrected; kept in the audit trail with the changed fields' names",
        ))
    })
    .subcommand(
        Command::new("disclose")
            .about("開示 (APPI Art. 33): everything held about the person as a JSON file and a Japanese HTML page")
            .arg(Arg::new("id").required(true))
            .arg(
                Arg::new("out").long("out").required(true).value_name("DIR").help("Folder to write the two files into"),
            ),
    )
    .subcommand(
        Command::new("stop-use")
            .about("利用停止 (APPI Art. 35): keep the person out of mailing lists, third-party exports and suggestions")
            .arg(Arg::new("id").required(true))
            .arg(Arg::new("reason").long("reason").required(true).value_name("TEXT")),
    )
    .subcommand(
        Command::new("resume-use")
            .about("End a 利用停止")
            .arg(Arg::new("id").required(true))
            .arg(Arg::new("reason").long("reason").value_name("TEXT")),
    )
}

/// Whether `daifuku contact …` is one of the APPI actions (else the generic records' command runs).
pub fn handles_contact(m: &ArgMatches) -> bool {
    match m.subcommand() {
        Some(("disclose" | "stop-use" | "resume-use", _)) => true,
        Some(("update", u)) => u.get_one::<String>("reason").is_some(),
        _ => false,
    }
}

/// The fields given as `--field VALUE` flags (as `records.rs` reads them).
fn given_fields(m: &ArgMatches) -> Result<Map<String, Value>, ApiError> {
    let mut out = Map::new();
    for f in Kind::Contact.meta().fields {
        if let Some(v) = m.get_one::<String>(f.name) {
            out.insert(f.name.to_string(), if v.is_empty() { Value::Null } else { Value::String(v.clone()) });
        }
    }
    Ok(out)
}

pub fn run_contact(store: &mut Store, m: &ArgMatches) -> Result<Output, ApiError> {
    let ctx = now_ctx(store)?;
    let (action, sub) = m.subcommand().expect("subcommand required");
    let id = sub.get_one::<String>("id").cloned().unwrap_or_default();
    let reason = sub.try_get_one::<String>("reason").ok().flatten().cloned();
    let cmd = match action {
        "disclose" => api::Command::DiscloseContact { id, out_dir: sub.get_one::<String>("out").cloned() },
        "stop-use" => api::Command::SetUseStopped { id, stopped: true, reason },
        "resume-use" => api::Command::SetUseStopped { id, stopped: false, reason },
        "update" => {
            let fields = given_fields(sub)?;
            if fields.is_empty() {
                return Err(ApiError::new("usage", "give at least one --field VALUE to correct"));
            }
            api::Command::CorrectContact {
                id,
                version: sub.get_one::<i64>("expect-version").copied(),
                fields,
                reason: reason.unwrap_or_default(),
            }
        }
        _ => unreachable!("handles_contact chose it"),
    };
    let out_dir = match &cmd {
        api::Command::DiscloseContact { out_dir, .. } => out_dir.clone(),
        _ => None,
    };
    Ok(match api::execute(store, &ctx, cmd)? {
        Response::Disclosure(mut d) => {
            // The printable PDF beside the JSON and HTML.
            daifuku_print::add_disclosure_pdf(store, &ctx, &mut d, out_dir.as_deref())?;
            let p = &d.package;
            let text = format!(
                "開示 / disclosed: {} ({} 件: 役職履歴 {}, 名刺交換 {}, 活動 {}, タスク {}, 案件 {}, 添付 {}, 出力記録 {}, 第三者提供 {})\n  {}\n  {}",
                p.name,
                p.records(),
                p.positions.len(),
                p.card_exchanges.len(),
                p.activities.len(),
                p.tasks.len(),
                p.deals.len(),
                p.attachments.len(),
                p.exports.len(),
                p.provisions.len(),
                d.json.path.as_deref().unwrap_or(""),
                d.html.path.as_deref().unwrap_or("")
            );
            let pdf = d.pdf.as_ref().and_then(|f| f.path.clone());
            let text = format!("{text}\n  {}", pdf.as_deref().unwrap_or(""));
            Output::Both(
                text,
                serde_json::json!({ "json": d.json.path, "html": d.html.path, "pdf": pdf, "records": p.records() }),
            )
        }
        Response::Record(r) => {
            let verb = match action {
                "stop-use" => "利用停止しました / use stopped",
                "resume-use" => "利用停止を解除しました / use resumed",
                _ => "訂正しました / corrected",
            };
            Output::Both(format!("{verb}: {} {}", r.id, r.display_name), serde_json::to_value(&r)?)
        }
        other => Output::Json(serde_json::to_value(&other)?),
    })
}

/// `--third-party --recipient --purpose --contract` on `daifuku export`.
pub fn extend_export(cmd: Command) -> Command {
    cmd.arg(Arg::new("third-party").long("third-party").action(ArgAction::SetTrue).help(
        "第三者提供 (APPI Art. 29): an export of contacts for another company; recorded, stopped people left out",
    ))
    .arg(Arg::new("recipient").long("recipient").value_name("NAME").requires("third-party").help("Who receives it"))
    .arg(
        Arg::new("purpose")
            .long("purpose")
            .value_name("TEXT")
            .requires("third-party")
            .help("What they will use it for"),
    )
    .arg(
        Arg::new("contract")
            .long("contract")
            .action(ArgAction::SetTrue)
            .requires("third-party")
            .help("A contract with the recipient stands in for the record (kept 1 year after the last provision)"),
    )
}

pub fn is_third_party(m: &ArgMatches) -> bool {
    m.try_get_one::<bool>("third-party").ok().flatten().copied().unwrap_or(false)
}

pub fn export_third_party(store: &mut Store, m: &ArgMatches, json: bool) -> Result<Output, ApiError> {
    let kind = crate::transfer::parse_kind(m.get_one::<String>("kind").ok_or_else(|| {
        ApiError::field("usage", "kind", "an export for a third party is of contacts: give --kind contacts")
    })?)?;
    // Without --format: CSV (the whole-database JSON is not a list to give away).
    let format = match m.value_source("format") {
        Some(clap::parser::ValueSource::CommandLine) => {
            ExportFormat::parse(m.get_one::<String>("format").unwrap()).unwrap_or_default()
        }
        _ => ExportFormat::Csv,
    };
    let headers = match m.get_one::<String>("headers").map(String::as_str) {
        Some("en") => HeaderStyle::En,
        Some("field") => HeaderStyle::Field,
        _ => HeaderStyle::Ja,
    };
    let out = m.get_one::<String>("out");
    let cmd = api::Command::ExportThirdParty {
        kind,
        query: crate::transfer::list_query(m)?,
        options: ExportOptions { format, encoding: crate::transfer::encoding(m)?, headers },
        path: out.cloned(),
        third_party: ThirdParty {
            recipient: m.get_one::<String>("recipient").cloned().unwrap_or_default(),
            purpose: m.get_one::<String>("purpose").cloned().unwrap_or_default(),
            contract: m.get_flag("contract"),
        },
    };
    let ctx = now_ctx(store)?;
    let Response::ThirdPartyExport(r) = api::execute(store, &ctx, cmd)? else {
        unreachable!("an export for a third party answers a file")
    };
    eprintln!(
        "第三者提供記録 / provision recorded: {} → {} ({} 人, 保存期限 keep until {}); 利用停止で除外 left out (use stopped): {}",
        r.provision.provided_on, r.provision.recipient, r.provision.people, r.provision.keep_until, r.use_stopped_left_out
    );
    crate::transfer::deliver(r.export, out, json)
}

pub fn provision_command() -> Command {
    Command::new("provision")
        .about("第三者提供記録 (APPI Art. 29): the records of exports made for third parties")
        .subcommand_required(true)
        .subcommand(
            Command::new("list")
                .about("Records, newest first")
                .arg(Arg::new("contact").long("contact").value_name("ID").help("Only those that held this person")),
        )
}

fn provision_line(p: &Provision) -> String {
    format!(
        "{}  {}  目的 purpose: {}  {} 人  {}  保存期限 keep until {}{}",
        p.provided_on,
        p.recipient,
        p.purpose,
        p.people,
        p.format.as_deref().unwrap_or(""),
        p.keep_until,
        if p.contract { " (契約 contract)" } else { "" }
    )
}

pub fn run_provision(store: &mut Store, m: &ArgMatches) -> Result<Output, ApiError> {
    let ctx = now_ctx(store)?;
    let Some(("list", sub)) = m.subcommand() else { unreachable!("one subcommand") };
    let cmd = api::Command::Provisions { contact_id: sub.get_one::<String>("contact").cloned() };
    let Response::Provisions(list) = api::execute(store, &ctx, cmd)? else { unreachable!("provisions answer a list") };
    let text = if list.is_empty() {
        "第三者提供記録はありません / no provision records".to_string()
    } else {
        list.iter().map(provision_line).collect::<Vec<_>>().join("\n")
    };
    Ok(Output::Both(text, serde_json::to_value(&list)?))
}

pub fn incident_command() -> Command {
    let flag = |name: &'static str, help: &'static str| Arg::new(name).long(name).action(ArgAction::SetTrue).help(help);
    Command::new("incident")
        .about("漏えい等の報告 (APPI Art. 26): the incident register and whether a report is due")
        .subcommand_required(true)
        .subcommand(
            Command::new("add")
                .about("Add an incident")
                .arg(Arg::new("discovered-on").long("discovered-on").required(true).value_name("YYYY-MM-DD"))
                .arg(Arg::new("what").long("what").required(true).value_name("TEXT").help("What happened"))
                .arg(
                    Arg::new("people")
                        .long("people")
                        .required(true)
                        .value_parser(clap::value_parser!(u32))
                        .help("How many people's data"),
                )
                .arg(flag("sensitive", "Sensitive data (要配慮個人情報)"))
                .arg(flag("unauthorized-access", "Someone got in without authorization (不正アクセス)"))
                .arg(flag("financial-harm", "Financial harm may follow (財産的被害)"))
                .arg(flag("malicious", "Done with malicious intent (不正の目的)"))
                .arg(flag("encrypted", "The data was strongly encrypted (default: whether this database is)"))
                .arg(flag("not-encrypted", "The data was not encrypted").conflicts_with("encrypted")),
        )
        .subcommand(Command::new("list").about("The register, newest first"))
}

fn incident_text(i: &Incident) -> String {
    let a = &i.assessment;
    let verdict = if a.report_due {
        format!(
            "報告が必要 / report due ({}): 速報 preliminary by {} (速やかに, 3–5日), 確報 final by {} ({}日)",
            a.reasons.join(", "),
            a.preliminary_by.as_deref().unwrap_or("-"),
            a.final_by.as_deref().unwrap_or("-"),
            a.final_days.unwrap_or(0)
        )
    } else if a.exempt_encrypted {
        format!("報告不要: 高度な暗号化で保護 / no report: strongly encrypted ({})", a.reasons.join(", "))
    } else {
        "報告の対象外 / no report due".to_string()
    };
    format!("{}  {}  {} 人  {}", i.discovered_on, i.what, i.people, verdict)
}

pub fn run_incident(store: &mut Store, m: &ArgMatches) -> Result<Output, ApiError> {
    let ctx = now_ctx(store)?;
    match m.subcommand() {
        Some(("add", sub)) => {
            let encrypted = if sub.get_flag("encrypted") {
                Some(true)
            } else if sub.get_flag("not-encrypted") {
                Some(false)
            } else {
                None
            };
            let incident = IncidentInput {
                discovered_on: sub.get_one::<String>("discovered-on").cloned().unwrap_or_default(),
                what: sub.get_one::<String>("what").cloned().unwrap_or_default(),
                people: *sub.get_one::<u32>("people").unwrap(),
                sensitive: sub.get_flag("sensitive"),
                unauthorized_access: sub.get_flag("unauthorized-access"),
                encrypted,
                financial_harm: sub.get_flag("financial-harm"),
                malicious: sub.get_flag("malicious"),
            };
            let Response::Incident(i) = api::execute(store, &ctx, api::Command::IncidentAdd { incident })? else {
                unreachable!("incident_add answers the incident")
            };
            Ok(Output::Both(incident_text(&i), serde_json::to_value(&i)?))
        }
        Some(("list", _)) => {
            let Response::Incidents(reg) = api::execute(store, &ctx, api::Command::Incidents)? else {
                unreachable!("incidents answer the register")
            };
            let mut lines: Vec<String> = reg.incidents.iter().map(incident_text).collect();
            if lines.is_empty() {
                lines.push("登録された事案はありません / no incidents".into());
            }
            if reg.database_encrypted {
                lines.push("このパソコンのデータベースは暗号化されています(紛失・盗難では報告不要となり得ます) / this database is encrypted at rest".into());
            }
            Ok(Output::Both(lines.join("\n"), serde_json::to_value(&reg)?))
        }
        _ => unreachable!("subcommand required"),
    }
}
