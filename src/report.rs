//! `daifuku report abc | rhythm | dormant | cross-sell | apply-ranks | undo-ranks`:
//! priorities and cross-sell (issue 21), through the command API.

use clap::{Arg, ArgMatches, Command};
use daifuku::api::{self, Response};
use daifuku::{ApiError, Store};

use crate::{now_ctx, Output};

pub fn command() -> Command {
    let months = || {
        Arg::new("months")
            .long("months")
            .value_name("N")
            .value_parser(clap::value_parser!(u32))
            .help("The period: the last N months up to today (default: the saved setting, 12)")
    };
    Command::new("report")
        .about("Priorities (ABC / Pareto ranks, contact rhythm, dormant customers) and cross-sell suggestions")
        .subcommand_required(true)
        .subcommand(
            Command::new("abc")
                .about("ABC analysis of the purchases' revenue: share, cumulative share, suggested rank")
                .arg(months()),
        )
        .subcommand(
            Command::new("apply-ranks")
                .about("Set every company's rank to the suggested one (one step; undo with undo-ranks)")
                .arg(months()),
        )
        .subcommand(
            Command::new("undo-ranks")
                .about("Undo an apply-ranks")
                .arg(Arg::new("id").required(true).value_name("APPLICATION_ID")),
        )
        .subcommand(Command::new("rhythm").about("Ranked companies overdue for contact (target days per rank)"))
        .subcommand(
            Command::new("dormant")
                .about("Customers without any activity for N days")
                .arg(Arg::new("days").long("days").value_name("N").value_parser(clap::value_parser!(u32))),
        )
        .subcommand(
            Command::new("cross-sell")
                .about("Products to propose to a company (cross-sell with confidence and lift, best first; up-sell)")
                .arg(Arg::new("company").long("company").required(true).value_name("ID")),
        )
}

fn call(store: &mut Store, cmd: api::Command) -> Result<Response, ApiError> {
    let ctx = now_ctx(store)?;
    api::execute(store, &ctx, cmd)
}

fn pct(v: f64) -> String {
    format!("{:.1}%", v * 100.0)
}

fn yen(v: i64) -> String {
    let digits = v.unsigned_abs().to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    format!("{}{out}円", if v < 0 { "-" } else { "" })
}

pub fn run(store: &mut Store, sub: &ArgMatches) -> Result<Output, ApiError> {
    let (name, m) = sub.subcommand().expect("subcommand required");
    match name {
        "abc" => {
            let months = m.get_one::<u32>("months").copied();
            let Response::Abc(r) = call(store, api::Command::ReportAbc { months })? else { unreachable!() };
            let mut text = format!(
                "{} 〜 {}  売上合計 {}  (A ≤ {} / B ≤ {})",
                r.from,
                r.to,
                yen(r.total),
                pct(r.a_threshold),
                pct(r.b_threshold)
            );
            for c in &r.companies {
                text.push_str(&format!(
                    "\n{}  {}  {}  {}  累計 {}  現在 {}  ({})",
                    c.suggested_rank,
                    c.name,
                    yen(c.revenue),
                    pct(c.share),
                    pct(c.cumulative_share),
                    c.rank.as_deref().unwrap_or("-"),
                    c.company_id
                ));
            }
            Ok(Output::Both(text, serde_json::to_value(&r)?))
        }
        "apply-ranks" => {
            let months = m.get_one::<u32>("months").copied();
            let Response::RankApplication(a) = call(store, api::Command::ApplyRankSuggestions { months })? else {
                unreachable!()
            };
            let text =
                format!("{} 社のランクを変更しました (取り消し: daifuku report undo-ranks {})", a.changes.len(), a.id);
            Ok(Output::Both(text, serde_json::to_value(&a)?))
        }
        "undo-ranks" => {
            let id = m.get_one::<String>("id").expect("required").clone();
            let Response::RankApplication(a) = call(store, api::Command::UndoRankSuggestions { id })? else {
                unreachable!()
            };
            let text = format!(
                "{} 社のランクを元に戻しました ({} 社はその後に変更されたため、そのままです)",
                a.changes.len() - a.kept.len(),
                a.kept.len()
            );
            Ok(Output::Both(text, serde_json::to_value(&a)?))
        }
        "rhythm" => {
            let Response::ContactRhythm(rows) = call(store, api::Command::ContactRhythm)? else { unreachable!() };
            let text = rows
                .iter()
                .map(|r| match r.days_since {
                    Some(d) => format!(
                        "[{}] {}: 最終接触 {}日前、目標{}日  ({})",
                        r.rank, r.name, d, r.target_days, r.company_id
                    ),
                    None => {
                        format!("[{}] {}: 接触記録なし、目標{}日  ({})", r.rank, r.name, r.target_days, r.company_id)
                    }
                })
                .collect::<Vec<_>>()
                .join("\n");
            let text =
                if text.is_empty() { "接触が遅れている会社はありません".to_string() } else { text };
            Ok(Output::Both(text, serde_json::to_value(&rows)?))
        }
        "dormant" => {
            let days = m.get_one::<u32>("days").copied();
            let Response::Dormant(rows) = call(store, api::Command::Dormant { days })? else { unreachable!() };
            let text = rows
                .iter()
                .map(|r| match (&r.last_activity, r.days_since) {
                    (Some(last), Some(d)) => format!("{}: 最終活動 {last} ({d}日前)  ({})", r.name, r.company_id),
                    _ => format!("{}: 活動記録なし  ({})", r.name, r.company_id),
                })
                .collect::<Vec<_>>()
                .join("\n");
            let text = if text.is_empty() { "休眠顧客はいません".to_string() } else { text };
            Ok(Output::Both(text, serde_json::to_value(&rows)?))
        }
        "cross-sell" => {
            let company_id = m.get_one::<String>("company").expect("required").clone();
            let Response::CrossSell(r) = call(store, api::Command::CrossSell { company_id })? else { unreachable!() };
            let mut lines: Vec<String> = r
                .suggestions
                .iter()
                .map(|s| {
                    format!(
                        "{}: {} を買った会社の {} が購入 (リフト {:.2})  ({})",
                        s.name,
                        s.because_name,
                        pct(s.confidence),
                        s.lift,
                        s.product_id
                    )
                })
                .collect();
            for u in &r.upsell {
                lines.push(format!("{}: {} の上位商品 ({})  ({})", u.name, u.from_name, u.category, u.product_id));
            }
            let text =
                if lines.is_empty() { "提案できる商品はありません".to_string() } else { lines.join("\n") };
            Ok(Output::Both(text, serde_json::to_value(&r)?))
        }
        other => Err(ApiError::new("usage", format!("unknown report {other}"))),
    }
}
