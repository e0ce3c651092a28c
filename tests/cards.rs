//! 名刺取り込み (issue 22): cards generated here (daifuku_cards::corpus, with
//! Debian's Japanese fonts) read by Tesseract, the fields compared with the
//! generated truth; saving through the CLI and the host, dedupe on a second
//! scan; bad inputs refused with their codes and nothing written.
//!
//! Needs `tesseract-ocr`, `tesseract-ocr-jpn`, `tesseract-ocr-jpn-vert`,
//! `fonts-ipaexfont` and `fonts-noto-cjk` (scripts/setup.sh installs them).

mod common;

use std::path::Path;

use base64::Engine as _;
use daifuku::api::{Command, Response};
use daifuku::store::ListQuery;
use daifuku::{Kind, Record, Store};
use daifuku_cards::corpus::{self, Fonts};
use daifuku_cards::{CardFieldName, CardScan, OcrEngine};
use daifuku_host::Host;
use serde_json::{json, Value};

const NOW: i64 = 1_780_000_000_000; // 2026-05-29 05:26 JST
const TZ: i32 = 540;

fn fonts() -> Fonts {
    Fonts::system().expect("Japanese fonts (scripts/setup.sh installs fonts-ipaexfont fonts-noto-cjk)")
}

fn value(scan: &CardScan, name: CardFieldName) -> Option<String> {
    scan.fields.iter().find(|f| f.name == name).map(|f| f.value.clone())
}

/// The fields among `names` read differently from the truth.
fn misses(
    scan: &CardScan,
    truth: &std::collections::BTreeMap<CardFieldName, String>,
    names: &[CardFieldName],
) -> Vec<String> {
    names
        .iter()
        .filter(|n| !corpus::same(&value(scan, **n).unwrap_or_default(), &truth[n]))
        .map(|n| format!("{}: read {:?}, printed {:?}", n.as_str(), value(scan, *n), truth[n]))
        .collect()
}

use CardFieldName::*;

#[test]
fn a_clean_horizontal_card_is_read_field_by_field() {
    let card = corpus::card(&fonts(), 11, false);
    let scan = daifuku_cards::scan_bytes(&corpus::png(&card.image), &OcrEngine::default(), true).unwrap();
    assert_eq!(scan.orientation, daifuku_cards::Orientation::Horizontal);
    let m = misses(
        &scan,
        &card.truth,
        // Every line is read again alone (daifuku_cards::reread): the reading
        // (split at its printed space) and the address too.
        &[
            Company,
            Department,
            Title,
            FamilyName,
            GivenName,
            FamilyReading,
            GivenReading,
            PostalCode,
            Address,
            Phone,
            Fax,
            Email,
            Url,
        ],
    );
    assert!(m.is_empty(), "{m:#?}\nlines: {:#?}", scan.lines);
    // Stored forms: the phone as the core formats it, the postal code with its dash.
    let phone = value(&scan, Phone).unwrap();
    assert!(phone.starts_with('0') && phone.matches('-').count() == 2, "{phone}");
    // Boxes lie on the flattened card, whose PNG comes back.
    for f in &scan.fields {
        let b = f.boxes[0];
        assert!(b.x + b.w <= scan.width && b.y + b.h <= scan.height, "{f:?}");
    }
    assert!(base64::engine::general_purpose::STANDARD.decode(&scan.card_png).unwrap().starts_with(b"\x89PNG"));
}

#[test]
fn a_phone_photo_on_a_desk_is_found_straightened_and_read() {
    let card = corpus::card(&fonts(), 12, false);
    let photo = corpus::jpeg(&corpus::photo(&card.image, 12));
    let scan = daifuku_cards::scan_bytes(&photo, &OcrEngine::default(), false).unwrap();
    assert!(scan.found_outline, "the card's outline was not found");
    // Flattened to the card's proportions (91 × 55 mm).
    let ratio = scan.width as f64 / scan.height as f64;
    assert!((ratio - 91.0 / 55.0).abs() < 0.1, "{ratio}");
    let m = misses(&scan, &card.truth, &[Company, FamilyName, GivenName, PostalCode, Phone, Email]);
    assert!(m.is_empty(), "{m:#?}\nlines: {:#?}", scan.lines);
}

#[test]
fn a_vertical_card_is_read_with_the_vertical_model() {
    let card = corpus::card(&fonts(), 5, true);
    let scan = daifuku_cards::scan_bytes(&corpus::png(&card.image), &OcrEngine::default(), false).unwrap();
    assert_eq!(scan.orientation, daifuku_cards::Orientation::Vertical, "{:#?}", scan.lines);
    let m = misses(&scan, &card.truth, &[Company, Department, Title, FamilyName, GivenName, PostalCode, Phone]);
    assert!(m.is_empty(), "{m:#?}\nlines: {:#?}", scan.lines);
}

fn count(db: &Path, kind: Kind) -> u64 {
    let mut store = Store::open(db).unwrap();
    match common::run(&mut store, NOW, Command::List { kind, query: ListQuery::default() }).unwrap() {
        Response::Page(p) => p.total.map(u64::from).unwrap_or(p.items.len() as u64),
        other => panic!("{other:?}"),
    }
}

#[test]
fn bad_inputs_are_refused_with_their_codes_and_nothing_is_written() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("crm.db");
    let write = |name: &str, bytes: &[u8]| {
        let p = dir.path().join(name);
        std::fs::write(&p, bytes).unwrap();
        p
    };
    // A desk with no card on it: a dark texture, as a JPEG.
    let desk = daifuku_cards::image::RgbImage::from_fn(1200, 900, |x, y| {
        let v = 60 + ((x / 7 + y / 11) % 23) as u8;
        daifuku_cards::image::Rgb([v, v - 10, v - 20])
    });
    let mut truncated = corpus::jpeg(&corpus::photo(&corpus::card(&fonts(), 1, false).image, 1));
    truncated.truncate(truncated.len() / 3);
    truncated[200..400].fill(0);
    let cases = [
        (write("scan.pdf", b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj <<>> endobj\n"), "card_unsupported_format"),
        (write("iphone.heic", b"\0\0\0\x18ftypheic\0\0\0\0mif1heicmiaf"), "card_unsupported_format"),
        (write("broken.jpg", &truncated), "card_unreadable"),
        (write("desk.jpg", &corpus::jpeg(&desk)), "card_no_card"),
    ];
    for (path, code) in &cases {
        let out = common::cli(&db, NOW, &["card", "scan", "--create", "--json", path.to_str().unwrap()]);
        assert!(!out.status.success(), "{path:?}");
        let err: Value = serde_json::from_slice(&out.stdout)
            .or_else(|_| serde_json::from_slice(&out.stderr))
            .unwrap_or_else(|_| json!({"code": String::from_utf8_lossy(&out.stderr).to_string()}));
        let text = err.to_string();
        assert!(text.contains(code), "{path:?}: expected {code}, got {text}");
    }
    // A huge image is refused from its header (the library would allocate gigabytes).
    // A JPEG whose frame header (SOF0: no checksum) says 30000×30000.
    let mut jpeg =
        corpus::jpeg(&daifuku_cards::image::RgbImage::from_pixel(400, 300, daifuku_cards::image::Rgb([255, 255, 255])));
    let sof = jpeg.windows(2).position(|w| w == [0xFF, 0xC0]).expect("baseline JPEG");
    jpeg[sof + 5..sof + 7].copy_from_slice(&30000u16.to_be_bytes());
    jpeg[sof + 7..sof + 9].copy_from_slice(&30000u16.to_be_bytes());
    assert_eq!(daifuku_cards::scan_bytes(&jpeg, &OcrEngine::default(), false).unwrap_err().code, "card_too_large");
    assert_eq!(count(&db, Kind::Contact), 0);
    assert_eq!(count(&db, Kind::Company), 0);
}

#[test]
fn without_tesseract_the_user_is_told_how_to_install_it() {
    let engine = OcrEngine { program: "/nonexistent/tesseract".into(), ..OcrEngine::default() };
    let card = corpus::card(&fonts(), 11, false);
    let err = daifuku_cards::scan_bytes(&corpus::png(&card.image), &engine, false).unwrap_err();
    assert_eq!(err.code, "ocr_unavailable");
    assert!(err.message.contains("tesseract-ocr-jpn"), "{}", err.message);
    assert_eq!(engine.check().unwrap_err().code, "ocr_unavailable");
}

#[test]
fn cli_create_saves_contact_company_exchange_and_image_then_links_on_a_second_card() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("crm.db");
    let card = corpus::card(&fonts(), 11, false);
    let scan_path = dir.path().join("meishi.png");
    std::fs::write(&scan_path, corpus::png(&card.image)).unwrap();
    // Without --create nothing is written.
    let out = common::cli(&db, NOW, &["card", "scan", "--json", scan_path.to_str().unwrap()]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert_eq!(count(&db, Kind::Contact), 0);

    let out = common::cli(
        &db,
        NOW,
        &["card", "scan", "--create", "--json", "--place", "展示会", scan_path.to_str().unwrap()],
    );
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    let saved = &v[0]["saved"];
    assert_eq!(saved["contact_created"], true);
    assert_eq!(saved["company_created"], true);
    let mut store = Store::open(&db).unwrap();
    let contact = store.get(Kind::Contact, saved["contact_id"].as_str().unwrap()).unwrap();
    let Record::Contact(c) = contact.record else { panic!() };
    assert_eq!(c.family_name, card.truth[&FamilyName]);
    assert_eq!(c.given_name.as_deref(), Some(card.truth[&GivenName].as_str()));
    assert_eq!(c.email.as_deref(), Some(card.truth[&Email].as_str()));
    assert_eq!(c.phone.as_deref(), Some(card.truth[&Phone].as_str()));
    assert_eq!(c.company_id.as_deref(), saved["company_id"].as_str());
    let company = store.get(Kind::Company, saved["company_id"].as_str().unwrap()).unwrap();
    let Record::Company(co) = company.record else { panic!() };
    assert_eq!(co.name, card.truth[&Company]);
    assert_eq!(co.postal_code.as_deref(), Some(card.truth[&PostalCode].as_str()));
    assert_eq!(co.fax.as_deref(), Some(card.truth[&Fax].as_str()));
    assert!(co.prefecture.is_some(), "{co:?}");
    let x = store.get(Kind::CardExchange, saved["card_exchange_id"].as_str().unwrap()).unwrap();
    let Record::CardExchange(x) = x.record else { panic!() };
    assert_eq!(x.exchanged_on, "2026-05-29"); // today in Japan
    assert_eq!(x.place.as_deref(), Some("展示会"));
    assert_eq!(x.contact_id, c_id(&saved["contact_id"]));
    let atts = common::run(
        &mut store,
        NOW,
        Command::Attachments { owner_kind: Kind::Contact, owner_id: c_id(&saved["contact_id"]) },
    )
    .unwrap();
    let Response::Attachments(atts) = atts else { panic!() };
    assert_eq!(atts.len(), 1);
    assert_eq!(atts[0].name, "meishi.png");
    drop(store);

    // The same person's card again (a photo this time): linked, not duplicated.
    let photo_path = dir.path().join("meishi2.jpg");
    std::fs::write(&photo_path, corpus::jpeg(&corpus::photo(&card.image, 77))).unwrap();
    let out = common::cli(&db, NOW + 86_400_000, &["card", "scan", "--create", "--json", photo_path.to_str().unwrap()]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v[0]["saved"]["contact_created"], false, "{v}");
    assert_eq!(v[0]["saved"]["contact_id"], saved["contact_id"]);
    assert_eq!(v[0]["saved"]["company_id"], saved["company_id"]);
    assert_eq!(count(&db, Kind::Contact), 1);
    assert_eq!(count(&db, Kind::Company), 1);
    assert_eq!(count(&db, Kind::CardExchange), 2);
}

fn c_id(v: &Value) -> String {
    v.as_str().unwrap().to_string()
}

#[test]
fn host_scan_offers_the_existing_company_and_a_batch_runs_in_the_background() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("crm.db");
    let fonts = fonts();
    let card = corpus::card(&fonts, 11, false);
    let host = Host::new(Store::open(&db).unwrap());
    // The company is already known (same name and postal code).
    let existing = host
        .dispatch(
            json!({"cmd": "add", "kind": "company", "fields": {"name": card.truth[&Company], "postal_code": card.truth[&PostalCode]}}),
            NOW,
            TZ,
        )
        .unwrap();
    let b64 = |bytes: &[u8]| base64::engine::general_purpose::STANDARD.encode(bytes);
    let scanned = host
        .dispatch(
            json!({"cmd": "card_scan", "file": {"name": "a.png", "base64": b64(&corpus::png(&card.image))}}),
            NOW,
            TZ,
        )
        .unwrap();
    assert_eq!(scanned["type"], "card_scanned");
    let offers = &scanned["data"]["offers"]["companies"];
    assert_eq!(offers[0]["id"], existing["data"]["id"], "{offers}");
    // Saving with the offer taken links the company.
    let fields: serde_json::Map<String, Value> = scanned["data"]["scan"]["fields"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| (f["name"].as_str().unwrap().to_string(), f["value"].clone()))
        .collect();
    let saved = host
        .dispatch(
            json!({"cmd": "card_save", "card": {"fields": fields, "company_id": existing["data"]["id"], "exchanged_on": "2026-05-20"}}),
            NOW,
            TZ,
        )
        .unwrap();
    assert_eq!(saved["data"]["company_created"], false, "{saved}");
    assert_eq!(saved["data"]["company_id"], existing["data"]["id"]);
    assert_eq!(count(&db, Kind::Company), 1);

    // A batch of three (one a PDF): results as they come, the PDF's error among them.
    let files = json!([
        {"name": "1.png", "base64": b64(&corpus::png(&corpus::card(&fonts, 21, false).image))},
        {"name": "2.pdf", "base64": b64(b"%PDF-1.7\n")},
        {"name": "3.jpg", "base64": b64(&corpus::jpeg(&corpus::photo(&corpus::card(&fonts, 22, false).image, 22)))},
    ]);
    let started = host.dispatch(json!({"cmd": "card_batch_start", "files": files}), NOW, TZ).unwrap();
    assert_eq!(started["type"], "card_job");
    let job = started["data"]["id"].as_str().unwrap().to_string();
    let done = host.wait_card_batch(&job).unwrap();
    assert_eq!(done.total, 3);
    assert_eq!(done.items.len(), 3);
    let by_name = |n: &str| done.items.iter().find(|i| i.name == n).unwrap();
    assert_eq!(by_name("2.pdf").error.as_ref().unwrap().code, "card_unsupported_format");
    for n in ["1.png", "3.jpg"] {
        assert!(by_name(n).scan.as_ref().is_some_and(|s| !s.fields.is_empty()), "{n}: {:?}", by_name(n).error);
    }
    let later = host.dispatch(json!({"cmd": "card_batch_progress", "job": job, "since": 2}), NOW, TZ).unwrap();
    assert_eq!(later["data"]["items"].as_array().unwrap().len(), 1);
    // Reading wrote nothing: one company, one contact (the save above).
    assert_eq!(count(&db, Kind::Contact), 1);

    // Cancel: a batch of 12 stops early, keeping what was read.
    let many: Vec<Value> = (0..12)
        .map(|i| json!({"name": format!("{i}.png"), "base64": b64(&corpus::png(&corpus::card(&fonts, 30 + i, false).image))}))
        .collect();
    let started = host.dispatch(json!({"cmd": "card_batch_start", "files": many}), NOW, TZ).unwrap();
    let job = started["data"]["id"].as_str().unwrap().to_string();
    let cancelled = host.dispatch(json!({"cmd": "card_batch_cancel", "job": job}), NOW, TZ).unwrap();
    assert_eq!(cancelled["data"]["cancel_requested"], true);
    let end = host.wait_card_batch(&job).unwrap();
    assert_eq!(end.state, daifuku_cards::batch::CardJobState::Cancelled);
    assert!(end.items.len() < 12, "{}", end.items.len());
}
