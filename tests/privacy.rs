//! Issue 18 items 2 and 3: private memos never leave the laptop (sync change
//! files, snapshot images, every export format, the mailing list), and the
//! audit trail records exports and the like in a hash chain that
//! `daifuku audit verify` checks.

mod common;

use std::path::{Path, PathBuf};

use common::bytes::{contains, db_bytes, files_under, sync_file_bytes};
use common::{cli, configure, run, sync_now, T0};
use daifuku::api::{Command, Response};
use daifuku::export::{ExportFormat, ExportOptions, HeaderStyle};
use daifuku::import::TextEncoding;
use daifuku::model::Kind;
use daifuku::store::Store;
use daifuku_host::SyncHost;
use serde_json::{json, Map, Value};

const COMPANY_SECRET: &str = "ひみつ社長は来期退任予定";
const CONTACT_SECRET: &str = "ひみつ奥様が入院中";
const DEAL_SECRET: &str = "ひみつ値引き上限十五";
const ACTIVITY_SECRET: &str = "ひみつ競合A社の見積は八百万";
const ACTIVITY_SUBJECT: &str = "ひみつ件名の打合せ";
const SECRETS: [&str; 5] = [COMPANY_SECRET, CONTACT_SECRET, DEAL_SECRET, ACTIVITY_SECRET, ACTIVITY_SUBJECT];
/// A shared value beside the secrets: the exports do carry the records.
const SHARED_NOTE: &str = "公開の商談メモ";

fn fields(v: Value) -> Map<String, Value> {
    v.as_object().unwrap().clone()
}

fn add(store: &mut Store, kind: Kind, v: Value) -> String {
    match run(store, T0, Command::Add { kind, fields: fields(v) }).unwrap() {
        Response::Record(s) => s.id,
        other => panic!("{other:?}"),
    }
}

/// A company, a contact, a deal with private memos, a private activity and an ordinary one.
fn seed(store: &mut Store) -> String {
    let company = add(
        store,
        Kind::Company,
        json!({"name": "株式会社山田商事", "phone": "03-1234-5678（代）", "notes": SHARED_NOTE, "private_memo": COMPANY_SECRET,
               "postal_code": "100-0001", "prefecture": "東京都", "city": "千代田区", "street": "千代田1-1"}),
    );
    add(
        store,
        Kind::Contact,
        json!({"company_id": company, "family_name": "山田", "given_name": "太郎", "family_reading": "ヤマダ",
               "phone": "03-1234-5678 内線 123", "email": "yamada@example.co.jp", "address": "東京都千代田区千代田1-1",
               "postal_code": "100-0001", "private_memo": CONTACT_SECRET}),
    );
    add(
        store,
        Kind::Deal,
        json!({"company_id": company, "title": "複合機の入替", "stage": "proposal", "amount": 1200000,
               "notes": SHARED_NOTE, "private_memo": DEAL_SECRET}),
    );
    add(
        store,
        Kind::Activity,
        json!({"kind": "meeting", "occurred_at": "2026-12-01T10:00", "company_id": company, "private": true,
               "subject": ACTIVITY_SUBJECT, "content": ACTIVITY_SECRET}),
    );
    add(
        store,
        Kind::Activity,
        json!({"kind": "call", "occurred_at": "2026-12-02T10:00", "company_id": company, "subject": "定例の電話",
               "content": SHARED_NOTE}),
    );
    company
}

/// The forms a secret can take in a file: UTF-8 and CP932 (Shift_JIS CSVs).
fn needles(s: &str) -> Vec<Vec<u8>> {
    let (sjis, _, _) = encoding_rs::SHIFT_JIS.encode(s);
    vec![s.as_bytes().to_vec(), sjis.into_owned()]
}

/// Which secrets occur in `bytes`.
fn found(bytes: &[u8]) -> Vec<&'static str> {
    SECRETS.iter().copied().filter(|s| needles(s).iter().any(|n| contains(bytes, n))).collect()
}

fn export(store: &mut Store, kind: Kind, format: ExportFormat, encoding: Option<TextEncoding>, out: &Path) -> Vec<u8> {
    let options = ExportOptions { format, encoding, headers: HeaderStyle::Ja };
    let path = out.to_str().unwrap().to_string();
    run(store, T0, Command::Export { kind, query: Default::default(), options, path: Some(path) }).unwrap();
    std::fs::read(out).unwrap()
}

/// Every cell of an XLSX file, as one text (its bytes are zipped).
fn xlsx_text(path: &Path) -> Vec<u8> {
    use calamine::{open_workbook_auto, Reader};
    let mut wb = open_workbook_auto(path).unwrap();
    let mut text = String::new();
    for name in wb.sheet_names() {
        let range = wb.worksheet_range(&name).unwrap();
        for row in range.rows() {
            for cell in row {
                text.push_str(&cell.to_string());
                text.push('\t');
            }
        }
    }
    text.into_bytes()
}

#[test]
fn private_memos_appear_in_no_export() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("laptop.db");
    let mut store = Store::open(&db).unwrap();
    seed(&mut store);
    // The search finds the secrets where they are: in this laptop's database.
    assert_eq!(found(&db_bytes(&db)), SECRETS.to_vec());

    let mut checked = 0;
    for kind in [Kind::Company, Kind::Contact, Kind::Deal, Kind::Activity] {
        for (format, encoding, ext) in [
            (ExportFormat::Csv, None, "csv"),
            (ExportFormat::Csv, Some(TextEncoding::ShiftJis), "sjis.csv"),
            (ExportFormat::Xlsx, None, "xlsx"),
            (ExportFormat::Json, None, "json"),
            (ExportFormat::Vcf, None, "vcf"),
        ] {
            if format == ExportFormat::Vcf && kind != Kind::Contact {
                continue;
            }
            let out = dir.path().join(format!("{}.{ext}", kind.as_str()));
            let mut bytes = export(&mut store, kind, format, encoding, &out);
            if format == ExportFormat::Xlsx {
                bytes = xlsx_text(&out);
            }
            assert_eq!(found(&bytes), Vec::<&str>::new(), "{kind:?} {ext}");
            // The records themselves are there: the shared text, the names.
            let shared = if kind == Kind::Contact {
                "山田"
            } else if kind == Kind::Company {
                SHARED_NOTE
            } else {
                ""
            };
            if !shared.is_empty() {
                assert!(needles(shared).iter().any(|n| contains(&bytes, n)), "{kind:?} {ext} lacks the records");
            }
            checked += 1;
        }
    }
    assert_eq!(checked, 17);
    // The deal and the ordinary activity keep their shared notes in the export.
    let deals = export(&mut store, Kind::Deal, ExportFormat::Json, None, &dir.path().join("d.json"));
    let doc: Value = serde_json::from_slice(&deals).unwrap();
    assert_eq!(doc["records"][0]["fields"]["notes"], json!(SHARED_NOTE));
    assert!(doc["records"][0]["fields"].get("private_memo").is_none());
    let acts = export(&mut store, Kind::Activity, ExportFormat::Json, None, &dir.path().join("a.json"));
    let doc: Value = serde_json::from_slice(&acts).unwrap();
    let records = doc["records"].as_array().unwrap();
    let private = records.iter().find(|r| r["fields"]["private"] == json!(true)).unwrap();
    assert_eq!((&private["fields"]["subject"], &private["fields"]["content"]), (&Value::Null, &Value::Null));
    let open = records.iter().find(|r| r["fields"]["private"] == json!(false)).unwrap();
    assert_eq!(open["fields"]["content"], json!(SHARED_NOTE));

    // The mailing list, as a file.
    let out = dir.path().join("dm.csv");
    let r = run(
        &mut store,
        T0,
        Command::MailingList {
            options: Default::default(),
            export: Some(ExportOptions::default()),
            path: Some(out.to_str().unwrap().into()),
        },
    )
    .unwrap();
    let Response::MailingList(list) = r else { panic!() };
    assert_eq!(list.list.rows.len(), 1, "the contact is on the list");
    assert_eq!(found(&std::fs::read(&out).unwrap()), Vec::<&str>::new());

    // The calendar feed (published to calendar apps) leaves the private activity's texts out.
    let feed = run(&mut store, T0, Command::CalendarFeed).unwrap();
    let feed = serde_json::to_string(&feed).unwrap();
    assert!(feed.contains("定例の電話"), "the ordinary call is in the feed");
    assert_eq!(found(feed.as_bytes()), Vec::<&str>::new());

    // `daifuku export` (every record as JSON) leaves them out too, and is in the audit trail.
    drop(store);
    let out = cli(&db, T0 + 5000, &["export"]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(contains(&out.stdout, SHARED_NOTE.as_bytes()));
    assert_eq!(found(&out.stdout), Vec::<&str>::new());
    let mut store = Store::open(&db).unwrap();
    let last = store.audit_list(&Default::default()).unwrap().remove(0);
    assert_eq!((last.entry.action.as_str(), last.entry.kind.as_deref(), last.entry.count), ("export", None, Some(5)));

    // The user's own full backup keeps them.
    let backup = dir.path().join("backup.db");
    run(&mut store, T0, Command::Backup { path: backup.to_str().unwrap().into() }).unwrap();
    assert_eq!(found(&std::fs::read(&backup).unwrap()), SECRETS.to_vec());
    // The private memo is kept and shown on this laptop.
    let Response::Page(page) =
        run(&mut store, T0, Command::List { kind: Kind::Company, query: Default::default() }).unwrap()
    else {
        panic!()
    };
    assert_eq!(page.items[0].record.to_fields()["private_memo"], json!(COMPANY_SECRET));
}

#[test]
fn private_memos_never_reach_the_sync_folder_nor_the_other_laptop() {
    let dir = tempfile::tempdir().unwrap();
    let (a, b, folder) = (dir.path().join("a.db"), dir.path().join("b.db"), dir.path().join("shared"));
    std::fs::create_dir_all(&folder).unwrap();
    let mut store_a = Store::open(&a).unwrap();
    let company = seed(&mut store_a);
    // Edit the memo again and turn an ordinary activity private afterwards: later writes too.
    run(
        &mut store_a,
        T0 + 1000,
        Command::Patch {
            kind: Kind::Company,
            id: company.clone(),
            version: None,
            fields: fields(json!({"private_memo": format!("{COMPANY_SECRET}追記")})),
        },
    )
    .unwrap();
    assert_eq!(found(&db_bytes(&a)), SECRETS.to_vec());
    let mut store_b = Store::open(&b).unwrap();
    configure(&mut store_a, &folder, None, "営業部のPC");
    configure(&mut store_b, &folder, None, "社長のノート");
    let (mut host_a, mut host_b) = (SyncHost::new(), SyncHost::new());
    sync_now(&mut host_a, &mut store_a, T0 + 2000).unwrap();
    sync_now(&mut host_b, &mut store_b, T0 + 3000).unwrap();
    sync_now(&mut host_a, &mut store_a, T0 + 4000).unwrap();

    let files = files_under(&folder);
    assert!(!files.is_empty());
    let mut searched = 0;
    for f in &files {
        let body = sync_file_bytes(&folder, f);
        assert_eq!(found(&body), Vec::<&str>::new(), "{}", f.display());
        searched += 1;
    }
    assert!(searched >= 2, "{files:?}");
    // The other laptop got the records, not the private text.
    let Response::Record(got) =
        run(&mut store_b, T0 + 5000, Command::Get { kind: Kind::Company, id: company }).unwrap()
    else {
        panic!()
    };
    assert_eq!(got.record.to_fields()["notes"], json!(SHARED_NOTE));
    assert_eq!(got.record.to_fields()["private_memo"], Value::Null);
    drop(store_b);
    assert_eq!(found(&db_bytes(&b)), Vec::<&str>::new());

    // A snapshot image of laptop A (what a new laptop installs) holds none either.
    let image = dir.path().join("image.db");
    let n = store_a.sync_write_image(&image).unwrap();
    assert!(n >= 5);
    assert_eq!(found(&std::fs::read(&image).unwrap()), Vec::<&str>::new());
    // Nor does its search index: the words of the private activity find nothing there.
    let hits =
        |store: &mut Store, q: &str| match run(store, T0, Command::Search { q: q.into(), limit: None, kinds: None })
            .unwrap()
        {
            Response::Search(h) => h.len(),
            other => panic!("{other:?}"),
        };
    assert_eq!(hits(&mut store_a, "競合A社の見積"), 0, "not even on this laptop: the index is what images share");
    assert_eq!(hits(&mut store_a, "定例の電話"), 1, "the ordinary activity is found");
    let mut from_image = Store::open(&image).unwrap();
    assert_eq!(hits(&mut from_image, "定例の電話"), 1);
    assert_eq!(hits(&mut from_image, "競合A社の見積"), 0);
    assert_eq!(hits(&mut from_image, "打合せ"), 0);
    // …while laptop A keeps them.
    assert_eq!(found(&db_bytes(&a)), SECRETS.to_vec());
}

/// Prints as the desktop app does (顧客カード, 情報報告書): the PDFs' text holds
/// no private text, and each print is in the audit trail with its form.
#[test]
fn prints_leave_private_text_out_and_are_audited() {
    let dir = tempfile::tempdir().unwrap();
    let mut store = Store::open(&dir.path().join("laptop.db")).unwrap();
    let company = seed(&mut store);
    let ctx = store.context(T0).unwrap();
    let printer = daifuku_print::Printer::new(&store, &ctx, None).unwrap();
    let card = daifuku_print::company_card(&store, &printer, &company).unwrap();
    let Response::Page(acts) =
        run(&mut store, T0, Command::List { kind: Kind::Activity, query: Default::default() }).unwrap()
    else {
        panic!()
    };
    let private = acts.items.iter().find(|s| s.record.to_fields()["private"] == json!(true)).unwrap();
    let report = daifuku_print::info_report(&store, &printer, &private.id).unwrap();
    for (name, pdf) in [("card", &card.bytes), ("report", &report.bytes)] {
        let path = dir.path().join(format!("{name}.pdf"));
        std::fs::write(&path, pdf).unwrap();
        let out = std::process::Command::new("pdftotext").arg(&path).arg("-").output().unwrap();
        let text = String::from_utf8_lossy(&out.stdout).replace(['\n', ' '], "");
        assert!(text.contains("山田商事"), "{name}: {text}");
        assert_eq!(found(text.as_bytes()), Vec::<&str>::new(), "{name}");
    }
    let entries = store.audit_list(&Default::default()).unwrap();
    let prints: Vec<(Option<&str>, Option<&str>)> = entries
        .iter()
        .filter(|e| e.entry.action == "print")
        .map(|e| (e.entry.kind.as_deref(), e.entry.detail.as_deref()))
        .collect();
    assert_eq!(
        prints,
        [(Some("info_report"), Some(private.id.as_str())), (Some("company_card"), Some(company.as_str()))]
    );
}

// ---- the audit trail ----

fn cli_json(db: &Path, args: &[&str]) -> Value {
    let mut all = args.to_vec();
    all.push("--json");
    let out = cli(db, T0 + 60_000, &all);
    assert!(out.status.success(), "{args:?}: {}", String::from_utf8_lossy(&out.stderr));
    serde_json::from_slice(&out.stdout).unwrap()
}

fn verify(db: &Path) -> (bool, String) {
    let out = cli(db, T0 + 60_000, &["audit", "verify"]);
    (out.status.success(), String::from_utf8_lossy(&out.stdout).to_string() + &String::from_utf8_lossy(&out.stderr))
}

/// A database with a user, three companies and the audited actions of a day.
fn audited_db(dir: &Path) -> PathBuf {
    let db = dir.join("office.db");
    let mut store = Store::open(&db).unwrap();
    let user = add(&mut store, Kind::User, json!({"name": "佐藤 花子"}));
    run(&mut store, T0, Command::SetCurrentUser { user_id: Some(user) }).unwrap();
    for name in ["株式会社山田商事", "有限会社鈴木製作所", "田中工業株式会社"] {
        add(&mut store, Kind::Company, json!({"name": name, "prefecture": "東京都"}));
    }
    let out = dir.join("companies.csv");
    let options =
        ExportOptions { format: ExportFormat::Csv, encoding: Some(TextEncoding::ShiftJis), headers: HeaderStyle::Ja };
    run(
        &mut store,
        T0 + 1000,
        Command::Export {
            kind: Kind::Company,
            query: Default::default(),
            options,
            path: Some(out.to_str().unwrap().into()),
        },
    )
    .unwrap();
    run(&mut store, T0 + 2000, Command::Backup { path: dir.join("b.db").to_str().unwrap().into() }).unwrap();
    let Response::Page(page) =
        run(&mut store, T0, Command::List { kind: Kind::Company, query: Default::default() }).unwrap()
    else {
        panic!()
    };
    let id = page.items[0].id.clone();
    run(&mut store, T0 + 3000, Command::Delete { kind: Kind::Company, id }).unwrap();
    db
}

#[test]
fn the_audit_trail_records_who_exported_what_and_verifies() {
    let dir = tempfile::tempdir().unwrap();
    let db = audited_db(dir.path());
    let list = cli_json(&db, &["audit", "list"]);
    let actions: Vec<&str> = list.as_array().unwrap().iter().map(|e| e["action"].as_str().unwrap()).collect();
    assert_eq!(actions, ["delete", "backup", "export"]);
    let export = &list[2];
    assert_eq!(
        (&export["kind"], &export["format"], &export["count"], &export["user_name"], &export["device_seq"]),
        (&json!("company"), &json!("csv"), &json!(3), &json!("佐藤 花子"), &json!(1))
    );
    assert_eq!(export["at"], json!(T0 + 1000));
    assert_eq!(list[0]["prev_hash"], list[1]["hash"]);
    // Filters: who and what.
    let only = cli_json(&db, &["audit", "list", "--action", "export"]);
    assert_eq!(only.as_array().unwrap().len(), 1);
    // An export through the CLI is recorded too.
    let out = cli(&db, T0 + 10_000, &["export", "--kind", "companies", "--format", "json"]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let list = cli_json(&db, &["audit", "list"]);
    assert_eq!(
        (list[0]["action"].as_str(), list[0]["format"].as_str(), list[0]["count"].as_i64()),
        (Some("export"), Some("json"), Some(2))
    );
    // A delete from the command line too, with what went along with the company.
    let company = &cli_json(&db, &["company", "list"])["items"][0]["id"];
    let contact =
        cli_json(&db, &["contact", "add", "--family-name", "山田", "--company-id", company.as_str().unwrap()]);
    assert!(contact["id"].is_string());
    let out = cli(&db, T0 + 20_000, &["company", "delete", company.as_str().unwrap()]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let list = cli_json(&db, &["audit", "list"]);
    assert_eq!((list[0]["action"].as_str(), list[0]["count"].as_i64()), (Some("delete"), Some(2)));
    assert_eq!(&list[0]["detail"], company);
    let (ok, text) = verify(&db);
    assert!(ok, "{text}");
    assert!(text.contains("5件"), "{text}");
}

#[test]
fn audit_verify_names_an_altered_entry() {
    let dir = tempfile::tempdir().unwrap();
    let db = audited_db(dir.path());
    assert!(verify(&db).0);
    let conn = rusqlite::Connection::open(&db).unwrap();
    // The table refuses an UPDATE; someone who drops the trigger first is still found out.
    assert!(conn.execute("UPDATE audit_log SET count = 1 WHERE action = 'export'", []).is_err());
    conn.execute_batch("DROP TRIGGER audit_log_append_only; UPDATE audit_log SET count = 1 WHERE action = 'export';")
        .unwrap();
    drop(conn);
    let (ok, text) = verify(&db);
    assert!(!ok, "{text}");
    assert!(text.contains("entry 1 of device") && text.contains("altered"), "{text}");
}

#[test]
fn audit_verify_names_a_removed_entry() {
    let dir = tempfile::tempdir().unwrap();
    let db = audited_db(dir.path());
    let conn = rusqlite::Connection::open(&db).unwrap();
    conn.execute("DELETE FROM audit_log WHERE action = 'backup'", []).unwrap();
    drop(conn);
    let (ok, text) = verify(&db);
    assert!(!ok, "{text}");
    assert!(text.contains("entry 2 of device") && text.contains("removed"), "{text}");

    // Removing the newest entry (the delete) is found by the head kept beside the chain.
    let dir2 = tempfile::tempdir().unwrap();
    let db = audited_db(dir2.path());
    let conn = rusqlite::Connection::open(&db).unwrap();
    conn.execute("DELETE FROM audit_log WHERE action = 'delete'", []).unwrap();
    drop(conn);
    let (ok, text) = verify(&db);
    assert!(!ok, "{text}");
    assert!(text.contains("entry 3 of device"), "{text}");
}

/// Merge, undo, import (a Shift_JIS CSV as Excel writes it), hand-over,
/// mailing list, restore and the sync settings are recorded too; the sync
/// passphrase never is.
#[test]
fn every_audited_action_is_recorded_without_secrets() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("office.db");
    let mut store = Store::open(&db).unwrap();
    let sato = add(&mut store, Kind::User, json!({"name": "佐藤 花子"}));
    let suzuki = add(&mut store, Kind::User, json!({"name": "鈴木 一郎"}));
    run(&mut store, T0, Command::SetCurrentUser { user_id: Some(sato.clone()) }).unwrap();
    let a = add(&mut store, Kind::Company, json!({"name": "株式会社山田商事", "owner_id": sato}));
    let b = add(&mut store, Kind::Company, json!({"name": "㈱山田商事", "owner_id": sato}));
    let merged = match run(
        &mut store,
        T0 + 1,
        Command::Merge { kind: Kind::Company, survivor_id: a.clone(), loser_id: b, choices: Default::default() },
    )
    .unwrap()
    {
        Response::Merge(m) => m.id,
        other => panic!("{other:?}"),
    };
    run(&mut store, T0 + 2, Command::UndoMerge { merge_id: merged }).unwrap();
    let csv = dir.path().join("顧客一覧.csv");
    let text = "会社名,電話番号\r\n田中工業株式会社,03-1234-5678（代）\r\n有限会社鈴木製作所,06-6123-4567 内線 12\r\n";
    std::fs::write(&csv, encoding_rs::SHIFT_JIS.encode(text).0).unwrap();
    let file = daifuku::import::FileSource::Path { path: csv.to_str().unwrap().into() };
    let options = daifuku::import::ImportOptions { kind: Some(Kind::Company), ..Default::default() };
    run(&mut store, T0 + 3, Command::ImportApply { file, options, accept_errors: false }).unwrap();
    run(
        &mut store,
        T0 + 4,
        Command::HandoverApply { from_user_id: sato.clone(), to_user_id: suzuki, filter: Default::default() },
    )
    .unwrap();
    let folder = dir.path().join("shared");
    std::fs::create_dir_all(&folder).unwrap();
    run(
        &mut store,
        T0 + 5,
        Command::SyncConfigure {
            folder: folder.to_str().unwrap().into(),
            s3: None,
            passphrase: Some("ひみつの合言葉2026".into()),
            device_name: Some("営業部のPC".into()),
        },
    )
    .unwrap();
    run(&mut store, T0 + 6, Command::SyncDisable).unwrap();
    let backup = dir.path().join("before.db");
    run(&mut store, T0 + 7, Command::Backup { path: backup.to_str().unwrap().into() }).unwrap();
    run(
        &mut store,
        T0 + 8,
        Command::RestoreBackup { path: backup.to_str().unwrap().into(), confirm: true, passphrase: None },
    )
    .unwrap();

    let entries = store.audit_list(&Default::default()).unwrap();
    let got: Vec<(&str, Option<i64>)> =
        entries.iter().rev().map(|e| (e.entry.action.as_str(), e.entry.count)).collect();
    assert_eq!(
        got,
        [
            ("merge", Some(2)),
            ("unmerge", None),
            ("import", Some(2)),
            ("handover", Some(2)),
            ("sync_configure", None),
            ("sync_disable", None),
            ("backup", None),
            ("restore", None),
        ]
    );
    let import = entries.iter().find(|e| e.entry.action == "import").unwrap();
    assert_eq!(import.entry.kind.as_deref(), Some("company"));
    assert!(import.entry.detail.as_deref().unwrap().ends_with("顧客一覧.csv"));
    assert!(entries.iter().all(|e| e.user_name.as_deref() == Some("佐藤 花子")));
    let sync = entries.iter().find(|e| e.entry.action == "sync_configure").unwrap();
    assert!(sync.entry.detail.as_deref().unwrap().contains(r#""passphrase_changed":true"#));
    drop(store);
    let store = Store::open(&db).unwrap();
    let rows = serde_json::to_string(&store.audit_list(&Default::default()).unwrap()).unwrap();
    assert!(!rows.contains("ひみつの合言葉"), "the passphrase is not in the audit trail");
    let v = store.audit_verify().unwrap();
    assert!(v.ok, "{v:?}");
}
