//! `daifuku audit list|verify` (監査ログ, issue 18 item 3), through the command API.

use clap::{Arg, ArgMatches, Command};
use daifuku::api::{self, Response};
use daifuku::store::audit::{broken_error, AuditQuery};
use daifuku::{ApiError, Store};

use crate::{now_ctx, Output};

pub fn command() -> Command {
    Command::new("audit")
        .about("The audit trail (監査ログ): who exported, printed, backed up, deleted… and from which computer")
        .subcommand_required(true)
        .subcommand(
            Command::new("list")
                .about("Entries, newest first")
                .arg(Arg::new("user").long("user").value_name("USER_ID").help("Only this user's entries"))
                .arg(Arg::new("action").long("action").value_name("ACTION").help("export, print, backup, delete…"))
                .arg(
                    Arg::new("device")
                        .long("device")
                        .value_name("DEVICE_ID")
                        .help("Only the entries made on this computer"),
                )
                .arg(Arg::new("from").long("from").value_name("YYYY-MM-DD").help("From this day (local time)"))
                .arg(Arg::new("to").long("to").value_name("YYYY-MM-DD").help("Up to and including this day"))
                .arg(Arg::new("limit").long("limit").value_parser(clap::value_parser!(u32)).default_value("500")),
        )
        .subcommand(
            Command::new("verify")
                .about("Check the hash chains; exits non-zero naming the first altered or removed entry"),
        )
}

pub fn run(store: &mut Store, sub: &ArgMatches) -> Result<Output, ApiError> {
    let ctx = now_ctx(store)?;
    match sub.subcommand() {
        Some(("list", m)) => {
            let query = AuditQuery {
                user_id: m.get_one::<String>("user").cloned(),
                action: m.get_one::<String>("action").cloned(),
                device_id: m.get_one::<String>("device").cloned(),
                from_ms: day_start(m.get_one::<String>("from"), ctx.tz_offset_min, 0)?,
                to_ms: day_start(m.get_one::<String>("to"), ctx.tz_offset_min, 1)?,
                limit: m.get_one::<u32>("limit").copied(),
                ..Default::default()
            };
            let Response::AuditEntries(entries) = api::execute(store, &ctx, api::Command::AuditList { query })? else {
                unreachable!("audit_list answers entries")
            };
            let lines: Vec<String> = entries
                .iter()
                .map(|e| {
                    let at = chrono::DateTime::from_timestamp_millis(e.at + ctx.tz_offset_min as i64 * 60_000)
                        .map(|t| t.format("%Y-%m-%d %H:%M").to_string())
                        .unwrap_or_default();
                    let who = e.user_name.clone().or_else(|| e.user_id.clone()).unwrap_or_else(|| "-".into());
                    let device = e.device_name.as_deref().unwrap_or(&e.device_id);
                    let mut line = format!("{at}  {who}  {device}#{}  {}", e.device_seq, e.entry.action);
                    for part in [&e.entry.kind, &e.entry.format].into_iter().flatten() {
                        line += &format!(" {part}");
                    }
                    if let Some(n) = e.entry.count {
                        line += &format!(" {n}件");
                    }
                    line
                })
                .collect();
            let text = if lines.is_empty() { "監査ログは空です".to_string() } else { lines.join("\n") };
            Ok(Output::Both(text, serde_json::to_value(&entries)?))
        }
        Some(("verify", _)) => {
            let Response::AuditVerification(v) = api::execute(store, &ctx, api::Command::AuditVerify)? else {
                unreachable!("audit_verify answers a verification")
            };
            if !v.ok {
                return Err(broken_error(&v));
            }
            Ok(Output::Both(format!("監査ログは改ざんされていません ({}件)", v.entries), serde_json::to_value(&v)?))
        }
        _ => unreachable!("clap requires a subcommand"),
    }
}

/// Local midnight of `day` (plus `days_after` days) in ms since the epoch.
fn day_start(day: Option<&String>, tz_offset_min: i32, days_after: i64) -> Result<Option<i64>, ApiError> {
    let Some(day) = day else { return Ok(None) };
    let date = chrono::NaiveDate::parse_from_str(day.trim(), "%Y-%m-%d")
        .map_err(|_| ApiError::new("invalid_date", format!("{day}: give a day as YYYY-MM-DD")))?;
    let midnight = date.and_hms_opt(0, 0, 0).expect("midnight exists").and_utc().timestamp_millis();
    Ok(Some(midnight - tz_offset_min as i64 * 60_000 + days_after * 86_400_000))
}
