//! `daifuku search`, `duplicates`, `merge`, `unmerge`, `merges`, `reading`:
//! one record per customer (issue 4), through the command API.

use std::collections::BTreeMap;

use clap::{Arg, ArgMatches, Command};
use daifuku::api::{self, Response};
use daifuku::store::MergeChoice;
use daifuku::{ApiError, Kind, Store};

use crate::{now_ctx, Output};

pub fn commands() -> Vec<Command> {
    vec![
        Command::new("search")
            .about("Search companies, contacts, deals, products and activities (any notation: ㈱/株式会社, カナ/かな, phone numbers)")
            .arg(Arg::new("query").required(true).num_args(1..).value_name("QUERY"))
            .arg(Arg::new("limit").long("limit").default_value("20").value_parser(clap::value_parser!(u32)))
            .arg(
                Arg::new("kind")
                    .long("kind")
                    .value_name("KIND,KIND…")
                    .help("Only these kinds: company, contact, deal, product, activity"),
            ),
        Command::new("duplicates")
            .about("Groups of possible duplicate companies or contacts in the whole database")
            .arg(
                Arg::new("kind")
                    .long("kind")
                    .required(true)
                    .value_parser(["companies", "contacts", "company", "contact"]),
            ),
        Command::new("merge")
            .about("Merge LOSER into SURVIVOR: references move to the survivor, the loser goes to the trash")
            .arg(Arg::new("kind").long("kind").required(true).value_parser(["company", "contact"]))
            .arg(Arg::new("survivor").required(true).value_name("SURVIVOR_ID"))
            .arg(Arg::new("loser").required(true).value_name("LOSER_ID"))
            .arg(
                Arg::new("take")
                    .long("take")
                    .value_name("FIELD,FIELD…")
                    .help("Fields whose value the survivor takes from the loser"),
            ),
        Command::new("unmerge")
            .about("Undo a merge")
            .arg(Arg::new("merge").required(true).value_name("MERGE_ID")),
        Command::new("merges")
            .about("Recent merges, newest first")
            .arg(Arg::new("limit").long("limit").default_value("20").value_parser(clap::value_parser!(u32))),
        Command::new("reading")
            .about("Suggest the reading (フリガナ) of a name written in kanji")
            .arg(Arg::new("text").required(true).num_args(1..).value_name("TEXT")),
        Command::new("tidy-index")
            .about("Merge the search index into one segment for faster searches (the app does this once a day)"),
    ]
}

fn call(store: &mut Store, cmd: api::Command) -> Result<Response, ApiError> {
    let ctx = now_ctx(store)?;
    api::execute(store, &ctx, cmd)
}

fn parse_kind(s: &str) -> Result<Kind, ApiError> {
    let singular = match s {
        "companies" => "company",
        "contacts" => "contact",
        "activities" => "activity",
        other => other.trim_end_matches('s'),
    };
    Kind::parse(singular).ok_or_else(|| ApiError::new("usage", format!("unknown kind {s}")))
}

pub fn run(store: &mut Store, name: &str, sub: &ArgMatches) -> Result<Output, ApiError> {
    let words = |id: &str| -> String {
        sub.get_many::<String>(id).map(|v| v.cloned().collect::<Vec<_>>().join(" ")).unwrap_or_default()
    };
    match name {
        "search" => {
            let kinds = match sub.get_one::<String>("kind") {
                Some(list) => Some(
                    list.split(',')
                        .filter(|s| !s.trim().is_empty())
                        .map(|s| parse_kind(s.trim()))
                        .collect::<Result<Vec<_>, _>>()?,
                ),
                None => None,
            };
            let cmd = api::Command::Search { q: words("query"), limit: sub.get_one::<u32>("limit").copied(), kinds };
            let Response::Search(hits) = call(store, cmd)? else { unreachable!("search answers hits") };
            let text = hits
                .iter()
                .map(|h| {
                    let mut line = format!("{:<8} {}", h.kind.meta().label_ja, h.display_name);
                    for extra in [&h.code, &h.company_name].into_iter().flatten() {
                        line.push_str(&format!("  {extra}"));
                    }
                    if let Some(s) = &h.snippet {
                        if s.field != "name" {
                            line.push_str(&format!("  — {}[{}]{}", s.before, s.matched, s.after));
                        }
                    }
                    format!("{line}  ({})", h.id)
                })
                .collect::<Vec<_>>()
                .join("\n");
            let text = if text.is_empty() { "見つかりません / no match".to_string() } else { text };
            Ok(Output::Both(text, serde_json::to_value(&hits)?))
        }
        "duplicates" => {
            let kind = parse_kind(sub.get_one::<String>("kind").expect("required"))?;
            let Response::DuplicateGroups(groups) = call(store, api::Command::FindDuplicates { kind })? else {
                unreachable!("duplicates answers groups")
            };
            let mut text = format!("{} グループ / groups", groups.len());
            for (i, g) in groups.iter().enumerate() {
                let rules: Vec<String> = g
                    .links
                    .iter()
                    .map(|l| {
                        format!(
                            "{} {}",
                            serde_json::to_value(l.rule).unwrap_or_default().as_str().unwrap_or(""),
                            l.value
                        )
                    })
                    .collect();
                text.push_str(&format!("\n\n#{} {}", i + 1, rules.join(", ")));
                for r in &g.records {
                    text.push_str(&format!(
                        "\n  {}  {}  担当 {}  最終接触 {}",
                        r.id,
                        r.display_name,
                        r.owner_name.as_deref().unwrap_or("-"),
                        r.last_contacted.as_deref().unwrap_or("-"),
                    ));
                }
            }
            Ok(Output::Both(text, serde_json::to_value(&groups)?))
        }
        "merge" => {
            let kind = parse_kind(sub.get_one::<String>("kind").expect("required"))?;
            let choices: BTreeMap<String, MergeChoice> = sub
                .get_one::<String>("take")
                .map(|list| {
                    list.split(',')
                        .map(str::trim)
                        .filter(|f| !f.is_empty())
                        .map(|f| (f.replace('-', "_"), MergeChoice::Loser))
                        .collect()
                })
                .unwrap_or_default();
            let cmd = api::Command::Merge {
                kind,
                survivor_id: sub.get_one::<String>("survivor").expect("required").clone(),
                loser_id: sub.get_one::<String>("loser").expect("required").clone(),
                choices,
            };
            let Response::Merge(m) = call(store, cmd)? else { unreachable!("merge answers a merge") };
            let text = format!(
                "merged {} into {} ({} references moved); undo: daifuku unmerge {}",
                m.loser_name,
                m.survivor_name,
                m.moved.len(),
                m.id
            );
            Ok(Output::Both(text, serde_json::to_value(&m)?))
        }
        "unmerge" => {
            let merge_id = sub.get_one::<String>("merge").expect("required").clone();
            let Response::Merge(m) = call(store, api::Command::UndoMerge { merge_id })? else {
                unreachable!("unmerge answers a merge")
            };
            let text = format!("{} and {} are two records again", m.survivor_name, m.loser_name);
            Ok(Output::Both(text, serde_json::to_value(&m)?))
        }
        "merges" => {
            let limit = sub.get_one::<u32>("limit").copied();
            let Response::Merges(list) = call(store, api::Command::Merges { limit })? else {
                unreachable!("merges answers merges")
            };
            let text = list
                .iter()
                .map(|m| {
                    format!(
                        "{}  {}  {} ← {}{}",
                        m.id,
                        m.kind.as_str(),
                        m.survivor_name,
                        m.loser_name,
                        if m.undone_at.is_some() { "  (undone)" } else { "" }
                    )
                })
                .collect::<Vec<_>>()
                .join("\n");
            Ok(Output::Both(text, serde_json::to_value(&list)?))
        }
        "reading" => {
            let Response::Reading(r) = call(store, api::Command::SuggestReading { text: words("text") })? else {
                unreachable!("reading answers a reading")
            };
            let text = if r.complete { r.reading.clone() } else { format!("{} (incomplete)", r.reading) };
            Ok(Output::Both(text, serde_json::to_value(&r)?))
        }
        "tidy-index" => {
            let before = store.search_index_segments()?;
            let started = std::time::Instant::now();
            let mut steps = 0;
            while store.tidy_search_index(daifuku::store::TIDY_PAGES)? {
                steps += 1;
            }
            let secs = started.elapsed().as_secs_f64();
            let after = store.search_index_segments()?;
            Ok(Output::Both(
                format!(
                    "検索索引を整理しました / search index tidied: text {} → {} segments, grams {} → {} ({steps} steps, {secs:.1} s)",
                    before.0, after.0, before.1, after.1
                ),
                serde_json::json!({
                    "before": {"text": before.0, "grams": before.1},
                    "after": {"text": after.0, "grams": after.1},
                    "steps": steps,
                    "seconds": secs,
                }),
            ))
        }
        other => Err(ApiError::new("usage", format!("unknown command {other}"))),
    }
}
