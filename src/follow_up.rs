//! `daifuku renewals | renewal-leads | related | calendar-token` and
//! `daifuku export --format ics` (issue 21 items 3, 6, 7).

use clap::{Arg, ArgAction, ArgMatches, Command};
use daifuku::api::{self, Response};
use daifuku::store::{CategoryLeadTimes, RenewalLeadTimes};
use daifuku::{ApiError, Store};
use rand::RngExt;

use crate::{now_ctx, Output};

pub fn commands() -> Vec<Command> {
    vec![
        Command::new("renewals").about("This week's renewal reminders (contracts by lead time: 90, 60, 30 days …)"),
        Command::new("renewal-leads")
            .about("Show or set the renewal reminders' lead times (days before the renewal date)")
            .arg(Arg::new("default").long("default").value_name("DAYS").help("e.g. 90,60,30"))
            .arg(
                Arg::new("category")
                    .long("category")
                    .value_name("CATEGORY=DAYS")
                    .action(ArgAction::Append)
                    .help("lead times of one product category, e.g. 保守=120,60 (replaces the categories' list)"),
            ),
        Command::new("related")
            .about("A company's related companies, from its side (parent ↔ subsidiary, merged, acquired)")
            .arg(Arg::new("company").long("company").required(true).value_name("ID")),
        Command::new("calendar-token")
            .about("The calendar feed's secret (daifuku serve: /calendar/<token>.ics); --new makes a new one")
            .arg(Arg::new("new").long("new").action(ArgAction::SetTrue)),
    ]
}

fn days(s: &str, field: &str) -> Result<Vec<u32>, ApiError> {
    s.split([',', '、', ' '])
        .filter(|d| !d.trim().is_empty())
        .map(|d| {
            d.trim().parse::<u32>().map_err(|_| ApiError::field("invalid_number", field, "days are whole numbers"))
        })
        .collect()
}

fn exec(store: &mut Store, cmd: api::Command) -> Result<Response, ApiError> {
    let ctx = now_ctx(store)?;
    api::execute(store, &ctx, cmd)
}

/// A fresh feed secret: 32 random letters and digits.
pub fn new_token() -> String {
    const ALPHABET: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
    let mut rng = rand::rng();
    (0..40).map(|_| ALPHABET[rng.random_range(0..ALPHABET.len())] as char).collect()
}

pub fn run(store: &mut Store, name: &str, m: &ArgMatches) -> Result<Output, ApiError> {
    match name {
        "renewals" => {
            let Response::RenewalAlerts(alerts) = exec(store, api::Command::RenewalAlerts)? else { unreachable!() };
            let text = alerts
                .iter()
                .map(|a| {
                    let what = if a.date_kind == "renewal" { "更新日" } else { "満了日" };
                    format!(
                        "{}  {} {}: {what} {} まで{}日（{}日前のお知らせ）",
                        a.purchase_id,
                        a.company_name,
                        a.product_name.as_deref().unwrap_or("契約"),
                        a.date,
                        a.days_left,
                        a.lead_days
                    )
                })
                .collect::<Vec<_>>()
                .join("\n");
            Ok(Output::Both(text, serde_json::to_value(&alerts)?))
        }
        "renewal-leads" => {
            let Response::RenewalLeadTimes(mut leads) = exec(store, api::Command::RenewalLeadTimes)? else {
                unreachable!()
            };
            let change = m.get_one::<String>("default").is_some() || m.get_many::<String>("category").is_some();
            if let Some(d) = m.get_one::<String>("default") {
                leads.default_days = days(d, "default_days")?;
            }
            if let Some(cats) = m.get_many::<String>("category") {
                leads.by_category = cats
                    .map(|c| {
                        let (cat, d) = c.split_once('=').ok_or_else(|| {
                            ApiError::field("usage", "category", "write a category's lead times as CATEGORY=DAYS")
                        })?;
                        Ok(CategoryLeadTimes { category: cat.to_string(), days: days(d, "category")? })
                    })
                    .collect::<Result<_, ApiError>>()?;
            }
            if change {
                let Response::RenewalLeadTimes(saved) =
                    exec(store, api::Command::SetRenewalLeadTimes { lead_times: leads })?
                else {
                    unreachable!()
                };
                leads = saved;
            }
            Ok(Output::Both(leads_text(&leads), serde_json::to_value(&leads)?))
        }
        "related" => {
            let company_id = m.get_one::<String>("company").unwrap().clone();
            store.get(daifuku::model::Kind::Company, &company_id)?;
            let Response::CompanyRelations(rels) = exec(store, api::Command::CompanyRelations { company_id })? else {
                unreachable!()
            };
            let text = rels
                .iter()
                .map(|r| {
                    format!(
                        "{:<12} {}  {}{}",
                        r.relation,
                        r.name,
                        r.since.as_deref().unwrap_or(""),
                        if r.recorded_here { "" } else { "  (recorded on the other company)" }
                    )
                })
                .collect::<Vec<_>>()
                .join("\n");
            Ok(Output::Both(text, serde_json::to_value(&rels)?))
        }
        "calendar-token" => {
            if m.get_flag("new") {
                store.set_calendar_token(&new_token())?;
            }
            let token = store.calendar_token()?;
            let text = match &token {
                Some(t) => format!("{t}\n(daifuku serve: http://127.0.0.1:<port>/calendar/{t}.ics)"),
                None => "no calendar feed yet: daifuku calendar-token --new".to_string(),
            };
            Ok(Output::Both(text, serde_json::json!({ "token": token })))
        }
        _ => unreachable!("clap knows the subcommands"),
    }
}

fn leads_text(l: &RenewalLeadTimes) -> String {
    let list = |d: &[u32]| d.iter().map(u32::to_string).collect::<Vec<_>>().join(", ");
    let mut lines = vec![format!("default: {} days", list(&l.default_days))];
    for c in &l.by_category {
        lines.push(format!("{}: {} days", c.category, list(&c.days)));
    }
    lines.join("\n")
}

/// `daifuku export --format ics [--out FILE]`: the calendar feed.
pub fn export_ics(store: &mut Store, out: Option<&String>) -> Result<Output, ApiError> {
    let Response::Calendar(feed) = exec(store, api::Command::CalendarFeed)? else { unreachable!() };
    let summary = serde_json::json!({ "todos": feed.todos, "events": feed.events, "out": out });
    match out {
        Some(path) => {
            std::fs::write(path, &feed.ics).map_err(|e| ApiError::new("io", format!("{path}: {e}")))?;
            Ok(Output::Both(format!("{} tasks, {} events → {path}", feed.todos, feed.events), summary))
        }
        None => {
            use std::io::Write;
            let _ = std::io::stdout().lock().write_all(feed.ics.as_bytes());
            Ok(Output::Text(String::new()))
        }
    }
}
