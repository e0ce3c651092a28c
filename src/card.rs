//! `daifuku card scan IMAGE… [--json] [--create]` and `daifuku card corpus`:
//! business cards in (issue 22), through `daifuku-cards`.

use std::path::{Path, PathBuf};

use base64::Engine as _;
use clap::{Arg, ArgAction, ArgMatches, Command};
use daifuku::{ApiError, Store};
use daifuku_cards::save::{link_offers, CardImage};
use daifuku_cards::{CardSave, OcrEngine, LOW_CONFIDENCE};
use serde_json::{json, Value};

use crate::{now_ctx, Output};

pub fn command() -> Command {
    Command::new("card")
        .about("Business cards (名刺): read photos or scans offline and make contacts")
        .subcommand_required(true)
        .subcommand(
            Command::new("scan")
                .about("Read card images and print the fields with their confidence (nothing is saved without --create)")
                .arg(Arg::new("images").required(true).num_args(1..).value_name("IMAGE"))
                .arg(
                    Arg::new("create")
                        .long("create")
                        .action(ArgAction::SetTrue)
                        .help("Save each card: link the existing company and person the duplicate rules find, else create them; add a card exchange and attach the image"),
                )
                .arg(Arg::new("date").long("date").value_name("YYYY-MM-DD").help("Exchange date (default: today)"))
                .arg(Arg::new("received-by").long("received-by").value_name("USER_ID").help("Who received the cards (default: the current user)"))
                .arg(Arg::new("place").long("place").value_name("TEXT").help("Where the cards were exchanged")),
        )
        .subcommand(
            Command::new("corpus")
                .about("Generate test cards with ground truth (clean scans as PNG, photos as JPEG, truth.json)")
                .arg(Arg::new("out").long("out").required(true).value_name("DIR"))
                .arg(Arg::new("count").long("count").default_value("20").value_parser(clap::value_parser!(usize)))
                .arg(Arg::new("seed").long("seed").default_value("1").value_parser(clap::value_parser!(u64))),
        )
}

fn scan_one(
    store: &mut Store,
    path: &Path,
    sub: &ArgMatches,
    create: bool,
    engine: &OcrEngine,
) -> Result<Value, ApiError> {
    let bytes =
        std::fs::read(path).map_err(|e| ApiError::new("file_unreadable", format!("{}: {e}", path.display())))?;
    let scan = daifuku_cards::scan_bytes(&bytes, engine, false)?;
    let mut out = json!({
        "file": path.display().to_string(),
        "orientation": scan.orientation,
        "found_outline": scan.found_outline,
        "mean_confidence": scan.mean_confidence,
        "fields": scan.fields,
    });
    if create {
        let mut card = CardSave {
            fields: scan.fields.iter().map(|f| (f.name, f.value.clone())).collect(),
            exchanged_on: sub.get_one::<String>("date").cloned(),
            received_by: sub.get_one::<String>("received-by").cloned(),
            place: sub.get_one::<String>("place").cloned(),
            image: Some(CardImage {
                name: path.file_name().map(|n| n.to_string_lossy().to_string()).unwrap_or_else(|| "card.jpg".into()),
                base64: base64::engine::general_purpose::STANDARD.encode(&bytes),
            }),
            ..Default::default()
        };
        link_offers(store, &mut card)?;
        let ctx = now_ctx(store)?;
        let saved = daifuku_cards::save(store, &ctx, &card)?;
        out["saved"] = serde_json::to_value(saved)?;
    }
    Ok(out)
}

fn text_of(v: &Value) -> String {
    let mut s = format!(
        "{} ({}{}; confidence {})\n",
        v["file"].as_str().unwrap_or(""),
        if v["orientation"] == "vertical" { "縦書き" } else { "横書き" },
        if v["found_outline"] == true { ", card found in the photo" } else { "" },
        v["mean_confidence"]
    );
    for f in v["fields"].as_array().into_iter().flatten() {
        let conf = f["confidence"].as_f64().unwrap_or(0.0);
        let flag = if conf < LOW_CONFIDENCE || !f["problem"].is_null() { "  ← check" } else { "" };
        s += &format!(
            "  {:15} {:5.1}  {}{flag}\n",
            f["name"].as_str().unwrap_or(""),
            conf,
            f["value"].as_str().unwrap_or("")
        );
    }
    if let Some(saved) = v.get("saved") {
        let verb = |created: &Value| if created == true { "created" } else { "linked" };
        s += &format!(
            "  → contact {} ({})",
            saved["contact_id"].as_str().unwrap_or(""),
            verb(&saved["contact_created"])
        );
        if let Some(c) = saved["company_id"].as_str() {
            s += &format!(", company {c} ({})", verb(&saved["company_created"]));
        }
        s += &format!(", card exchange {}\n", saved["card_exchange_id"].as_str().unwrap_or(""));
    }
    s
}

pub fn run(store: &mut Store, sub: &ArgMatches) -> Result<Output, ApiError> {
    let (name, m) = sub.subcommand().expect("subcommand required");
    match name {
        "scan" => {
            let engine = OcrEngine::default();
            engine.check()?;
            let create = m.get_flag("create");
            let mut results = Vec::new();
            let mut text = String::new();
            let mut failed = 0;
            for p in m.get_many::<String>("images").into_iter().flatten() {
                match scan_one(store, &PathBuf::from(p), m, create, &engine) {
                    Ok(v) => {
                        text += &text_of(&v);
                        results.push(v);
                    }
                    // One bad image does not stop the others; it is reported with its code.
                    Err(e) => {
                        failed += 1;
                        text += &format!("{p}: {} ({})\n", e.message, e.code);
                        results.push(json!({ "file": p, "error": e }));
                    }
                }
            }
            if failed == results.len() {
                let first = results[0]["error"].clone();
                return Err(serde_json::from_value(first).unwrap_or_else(|_| ApiError::new("internal", "no card read")));
            }
            Ok(Output::Both(text.trim_end().to_string(), Value::Array(results)))
        }
        "corpus" => {
            let out = PathBuf::from(m.get_one::<String>("out").expect("required"));
            let count = *m.get_one::<usize>("count").expect("default");
            let seed = *m.get_one::<u64>("seed").expect("default");
            let fonts = daifuku_cards::corpus::Fonts::system().map_err(|e| ApiError::new("not_available", e))?;
            std::fs::create_dir_all(&out)
                .map_err(|e| ApiError::new("invalid_path", format!("{}: {e}", out.display())))?;
            let mut truth = serde_json::Map::new();
            let items = daifuku_cards::corpus::corpus(&fonts, seed, count);
            for item in &items {
                std::fs::write(out.join(&item.name), &item.bytes)
                    .map_err(|e| ApiError::new("invalid_path", format!("{}: {e}", out.display())))?;
                truth.insert(
                    item.name.clone(),
                    json!({ "vertical": item.vertical, "photo": item.photo, "fields": item.truth.iter().map(|(k, v)| (k.as_str().to_string(), Value::String(v.clone()))).collect::<serde_json::Map<_, _>>() }),
                );
            }
            std::fs::write(out.join("truth.json"), serde_json::to_string_pretty(&truth)?)
                .map_err(|e| ApiError::new("invalid_path", format!("{}: {e}", out.display())))?;
            Ok(Output::Both(
                format!("{} images and truth.json in {}", items.len(), out.display()),
                json!({ "images": items.len() }),
            ))
        }
        _ => Err(ApiError::new("usage", "daifuku card scan|corpus")),
    }
}
