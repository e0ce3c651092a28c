//! `daifuku handover` (引き継ぎ) and `daifuku changes` (what changed on a
//! company, or in the office): issue 21 items 4 and 5, through the command API.

use clap::{Arg, ArgAction, ArgMatches, Command};
use daifuku::api::{self, Response};
use daifuku::store::{ChangeEntry, FeedPeriod, HandoverFilter, HandoverItem, HandoverPlan};
use daifuku::{ApiError, Store};

use crate::{now_ctx, Output};

pub fn commands() -> Vec<Command> {
    vec![
        Command::new("handover")
            .about("Hand one user's companies, contacts, open deals and open tasks over to another (引き継ぎ)")
            .arg(Arg::new("from").long("from").value_name("USER_ID").required_unless_present_any(["undo", "list"]))
            .arg(Arg::new("to").long("to").value_name("USER_ID").required_unless_present_any(["undo", "list"]))
            .arg(
                Arg::new("prefecture")
                    .long("prefecture")
                    .value_name("都道府県")
                    .help("Only companies in this prefecture"),
            )
            .arg(Arg::new("rank").long("rank").value_parser(["A", "B", "C"]).help("Only companies of this rank"))
            .arg(
                Arg::new("dry-run")
                    .long("dry-run")
                    .action(ArgAction::SetTrue)
                    .help("Show what would move, change nothing"),
            )
            .arg(Arg::new("undo").long("undo").value_name("HANDOVER_ID").conflicts_with_all(["from", "to", "list"]))
            .arg(Arg::new("list").long("list").action(ArgAction::SetTrue).help("Recent hand-overs on this computer")),
        Command::new("changes")
            .about("What changed on a company and around it since a time, or in the office today / this week")
            .arg(Arg::new("company").long("company").value_name("ID").required_unless_present("feed"))
            .arg(
                Arg::new("since")
                    .long("since")
                    .value_name("YYYY-MM-DDTHH:MM")
                    .help("Local time (default: when the current user last opened the company)"),
            )
            .arg(
                Arg::new("feed")
                    .long("feed")
                    .value_parser(["today", "week"])
                    .conflicts_with_all(["company", "since"])
                    .help("The office feed instead of one company"),
            )
            .arg(Arg::new("user").long("user").value_name("USER_ID").requires("feed").help("Only this user's changes")),
    ]
}

fn call(store: &mut Store, cmd: api::Command) -> Result<Response, ApiError> {
    let ctx = now_ctx(store)?;
    api::execute(store, &ctx, cmd)
}

fn item_lines(title: &str, items: &[HandoverItem]) -> String {
    let mut text = format!("\n{title} {}件", items.len());
    for i in items {
        let mut line = format!("\n  {}", i.name);
        if let Some(c) = i.company_name.as_deref().filter(|c| *c != i.name) {
            line.push_str(&format!("  ({c})"));
        }
        if let Some(d) = &i.detail {
            line.push_str(&format!("  {d}"));
        }
        text.push_str(&format!("{line}  [{}]", i.id));
    }
    text
}

fn plan_text(p: &HandoverPlan) -> String {
    let mut text = format!("{} → {}", p.from_name, p.to_name);
    text.push_str(&item_lines("会社 companies", &p.companies));
    text.push_str(&item_lines("担当者 contacts", &p.contacts));
    text.push_str(&item_lines("案件 open deals", &p.deals));
    text.push_str(&item_lines("タスク open tasks", &p.tasks));
    text.push_str(&item_lines("更新予定 upcoming renewals (follow their company)", &p.renewals));
    text
}

fn value_text(v: &serde_json::Value) -> String {
    match v {
        serde_json::Value::Null => "—".into(),
        serde_json::Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

fn entry_text(e: &ChangeEntry) -> String {
    let when = chrono::DateTime::from_timestamp_millis(e.at + 9 * 3_600_000)
        .map(|t| t.format("%Y-%m-%d %H:%M").to_string())
        .unwrap_or_default();
    let who = e.author_name.clone().or(e.author.clone()).unwrap_or_else(|| "-".into());
    let via = if e.origin == "sync" { " (同期 sync)" } else { "" };
    let what = match (e.op.as_str(), e.movement.as_deref()) {
        (_, Some("left")) => "離脱 left",
        (_, Some("joined")) => "追加 joined",
        ("create", _) => "追加 created",
        ("delete", _) => "削除 deleted",
        ("restore", _) => "復元 restored",
        _ => "変更 changed",
    };
    let mut line =
        format!("{when}  {who}{via}  {} {} {}  {what}", e.company_name, e.kind.meta().label_ja, e.record_name);
    for f in &e.fields {
        line.push_str(&format!("\n    {}: {} → {}", f.label_ja, value_text(&f.old), value_text(&f.new)));
    }
    line
}

pub fn run(store: &mut Store, name: &str, sub: &ArgMatches) -> Result<Output, ApiError> {
    let opt = |id: &str| sub.get_one::<String>(id).cloned();
    match name {
        "handover" if sub.get_flag("list") => {
            let Response::Handovers(list) = call(store, api::Command::Handovers { limit: Some(50) })? else {
                unreachable!("handovers answers a list")
            };
            let text = list
                .iter()
                .map(|h| {
                    let undone = if h.undone_at.is_some() { "  (元に戻し済み undone)" } else { "" };
                    format!("{}  {} → {}  {:?}{undone}", h.id, h.from_user_id, h.to_user_id, h.counts)
                })
                .collect::<Vec<_>>()
                .join("\n");
            Ok(Output::Both(text, serde_json::to_value(&list)?))
        }
        "handover" => {
            if let Some(id) = opt("undo") {
                let Response::Handover(h) = call(store, api::Command::HandoverUndo { handover_id: id })? else {
                    unreachable!("undo answers the hand-over")
                };
                let text = format!(
                    "元に戻しました / undone: {} 件, {} 件はその後の担当のまま / kept",
                    h.moved.len() as u32 - h.kept,
                    h.kept
                );
                return Ok(Output::Both(text, serde_json::to_value(&h)?));
            }
            let (from, to) = (opt("from").unwrap_or_default(), opt("to").unwrap_or_default());
            let filter = HandoverFilter { prefecture: opt("prefecture"), rank: opt("rank") };
            let plan = api::Command::HandoverPreview {
                from_user_id: from.clone(),
                to_user_id: to.clone(),
                filter: filter.clone(),
            };
            let Response::HandoverPlan(p) = call(store, plan)? else { unreachable!("preview answers a plan") };
            if sub.get_flag("dry-run") {
                return Ok(Output::Both(plan_text(&p), serde_json::to_value(&p)?));
            }
            let apply = api::Command::HandoverApply { from_user_id: from, to_user_id: to, filter };
            let Response::Handover(h) = call(store, apply)? else { unreachable!("apply answers the hand-over") };
            let text = format!(
                "{}\n\n引き継ぎました / handed over: {} 件 (取り消し / undo: daifuku handover --undo {})",
                plan_text(&p),
                h.moved.len(),
                h.id
            );
            Ok(Output::Both(text, serde_json::to_value(&h)?))
        }
        "changes" => {
            let entries_text = |entries: &[ChangeEntry]| {
                if entries.is_empty() {
                    "変更はありません / no changes".to_string()
                } else {
                    entries.iter().map(entry_text).collect::<Vec<_>>().join("\n")
                }
            };
            if let Some(feed) = opt("feed") {
                let period = if feed == "week" { FeedPeriod::Week } else { FeedPeriod::Today };
                let cmd = api::Command::OfficeFeed { period, user_id: opt("user"), limit: Some(500) };
                let Response::OfficeFeed(entries) = call(store, cmd)? else { unreachable!("feed answers entries") };
                return Ok(Output::Both(entries_text(&entries), serde_json::to_value(&entries)?));
            }
            let cmd = api::Command::CompanyChanges {
                company_id: opt("company").unwrap_or_default(),
                since: opt("since"),
                mark_seen: false,
            };
            let Response::CompanyChanges(c) = call(store, cmd)? else { unreachable!("changes answers changes") };
            Ok(Output::Both(entries_text(&c.entries), serde_json::to_value(&c)?))
        }
        _ => unreachable!("handover::run is called for its own commands"),
    }
}
