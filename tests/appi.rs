//! Issue 18 item 4, the APPI toolkit per person: 開示 (disclosure package:
//! the person's data, their activities and the provision records, and NOT
//! another person's data nor private memos — searched in the files' bytes),
//! 訂正 (correction with a reason in the audit trail), 利用停止 (a stopped
//! person is absent from the mailing list and third-party exports — bytes
//! again), 第三者提供記録 (recipient, purpose, items, people, retention) and
//! the 漏えい等 incident register (whether a report is due, by when).
//! Driven through the `daifuku` command line where the user would use it.

mod common;

use std::path::Path;

use common::bytes::{contains, db_bytes};
use common::{cli, run, T0};
use daifuku::api::{Command, Response};
use daifuku::model::Kind;
use daifuku::store::Store;
use serde_json::{json, Map, Value};

/// The day in Japan (T0 is 2026-09-21 23:13 JST).
const TODAY: &str = "2026-09-21";

// The person who asks for disclosure.
const YAMADA_EMAIL: &str = "taro.yamada@yamada-shoji.co.jp";
const YAMADA_MEMO_PRIVATE: &str = "自分用:奥様の入院の件は口外しない";
const MEETING_SHARED: &str = "山田太郎様と新型複合機の導入時期を相談";
const NAMED_ONLY: &str = "山田太郎様から紹介の連絡あり";
const PRIVATE_ACTIVITY_TEXT: &str = "自分用:山田様は転職を考えている様子";
const HOSTILE: &str = "<script>alert('x')</script>";
// Another person at the same company, in the same meeting.
const SUZUKI_FAMILY: &str = "鈴木";
const SUZUKI_GIVEN: &str = "花子";
const SUZUKI_EMAIL: &str = "hanako.suzuki@yamada-shoji.co.jp";
const SUZUKI_MOBILE: &str = "090-8765-4321";

fn fields(v: Value) -> Map<String, Value> {
    v.as_object().unwrap().clone()
}

fn add(store: &mut Store, now: i64, kind: Kind, v: Value) -> String {
    match run(store, now, Command::Add { kind, fields: fields(v) }).unwrap() {
        Response::Record(s) => s.id,
        other => panic!("{other:?}"),
    }
}

fn sjis(s: &str) -> Vec<u8> {
    encoding_rs::SHIFT_JIS.encode(s).0.into_owned()
}

fn ok(out: &std::process::Output) -> String {
    assert!(
        out.status.success(),
        "stdout: {}\nstderr: {}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout.clone()).unwrap()
}

fn json_out(out: &std::process::Output) -> Value {
    serde_json::from_str(&ok(out)).unwrap()
}

struct Seeded {
    company: String,
    yamada: String,
    suzuki: String,
}

/// A company with two people; a meeting both attended, an activity naming
/// 山田太郎 in its text only, a private activity, a card exchange, a title
/// change (position history), a task, a deal, an attachment.
fn seed(db: &Path) -> Seeded {
    let mut store = Store::open(db).unwrap();
    let company = add(
        &mut store,
        T0,
        Kind::Company,
        json!({"name": "株式会社山田商事", "phone": "03-1234-5678（代）", "prefecture": "東京都", "city": "千代田区", "street": "丸の内1-1"}),
    );
    let yamada = add(
        &mut store,
        T0,
        Kind::Contact,
        json!({"company_id": company, "family_name": "山田", "given_name": "太郎", "family_reading": "ヤマダ",
               "department": "総務部", "title": "課長", "email": YAMADA_EMAIL, "phone": "03-1234-5678 内線 123",
               "postal_code": "100-0005", "address": "東京都千代田区丸の内1-1", "memos": HOSTILE,
               "private_memo": YAMADA_MEMO_PRIVATE}),
    );
    let suzuki = add(
        &mut store,
        T0,
        Kind::Contact,
        json!({"company_id": company, "family_name": SUZUKI_FAMILY, "given_name": SUZUKI_GIVEN, "email": SUZUKI_EMAIL,
               "mobile": SUZUKI_MOBILE, "postal_code": "100-0005", "address": "東京都千代田区丸の内1-1"}),
    );
    // A title change keeps the old position in the history.
    run(
        &mut store,
        T0 + 1,
        Command::Patch {
            kind: Kind::Contact,
            id: yamada.clone(),
            version: None,
            fields: fields(json!({"title": "部長"})),
        },
    )
    .unwrap();
    add(
        &mut store,
        T0 + 2,
        Kind::Activity,
        json!({"kind": "meeting", "occurred_at": "2026-09-10T14:00", "company_id": company,
               "contact_ids": [yamada, suzuki], "other_attendees": "田中一郎(同席)", "content": MEETING_SHARED}),
    );
    add(
        &mut store,
        T0 + 3,
        Kind::Activity,
        json!({"kind": "call", "occurred_at": "2026-09-12T09:30", "company_id": company, "content": NAMED_ONLY}),
    );
    add(
        &mut store,
        T0 + 4,
        Kind::Activity,
        json!({"kind": "meeting", "occurred_at": "2026-09-15T11:00", "company_id": company, "contact_ids": [yamada],
               "private": true, "content": PRIVATE_ACTIVITY_TEXT}),
    );
    add(
        &mut store,
        T0 + 5,
        Kind::CardExchange,
        json!({"contact_id": yamada, "exchanged_on": "2026-04-08", "place": "展示会 東京ビッグサイト"}),
    );
    add(&mut store, T0 + 6, Kind::Task, json!({"title": "見積書を送る", "contact_id": yamada, "due": "2026-09-30"}));
    add(
        &mut store,
        T0 + 7,
        Kind::Deal,
        json!({"company_id": company, "title": "複合機の入替", "stage": "proposal", "contact_id": yamada}),
    );
    run(
        &mut store,
        T0 + 8,
        Command::AttachFile {
            owner_kind: Kind::Contact,
            owner_id: yamada.clone(),
            name: "名刺_山田太郎.png".into(),
            mime: None,
            base64: daifuku::import::encode_base64(b"\x89PNG\r\n\x1a\nnot really an image"),
        },
    )
    .unwrap();
    Seeded { company, yamada, suzuki }
}

#[test]
fn disclosure_holds_the_person_their_activities_and_provisions_and_nobody_else() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("crm.db");
    let s = seed(&db);
    // A provision to a third party that held both people.
    let shared = dir.path().join("shared.csv");
    ok(&cli(
        &db,
        T0 + 10,
        &[
            "export",
            "--kind",
            "contacts",
            "--third-party",
            "--recipient",
            "株式会社データ連携",
            "--purpose",
            "展示会の共同案内状の送付",
            "--out",
            shared.to_str().unwrap(),
        ],
    ));
    // An ordinary export of the contacts list.
    let list = dir.path().join("contacts.csv");
    ok(&cli(&db, T0 + 11, &["export", "--kind", "contacts", "--format", "csv", "--out", list.to_str().unwrap()]));

    // A printed company card of their company (as `daifuku_print::record_print` records it), and one of another.
    {
        let mut store = Store::open(&db).unwrap();
        for (at, company) in [(T0 + 12, s.company.as_str()), (T0 + 13, "0190a0b0-0000-7000-8000-000000000001")] {
            let ctx = store.context(at).unwrap();
            let entry = daifuku::store::audit::AuditEntry {
                kind: Some("company_card".into()),
                format: Some("pdf".into()),
                count: Some(1),
                detail: Some(company.into()),
                ..daifuku::store::audit::AuditEntry::new("print")
            };
            store.audit(&ctx, &entry).unwrap();
        }
    }

    // First: the searches find what they look for where it is.
    let db_now = db_bytes(&db);
    for needle in [SUZUKI_EMAIL, SUZUKI_MOBILE, YAMADA_MEMO_PRIVATE, PRIVATE_ACTIVITY_TEXT] {
        assert!(contains(&db_now, needle.as_bytes()), "{needle} is in the database");
    }
    let shared_bytes = std::fs::read(&shared).unwrap();
    assert!(contains(&shared_bytes, SUZUKI_EMAIL.as_bytes()), "the third party got 鈴木 too");

    let out_dir = dir.path().join("開示");
    let out = cli(&db, T0 + 20, &["--json", "contact", "disclose", &s.yamada, "--out", out_dir.to_str().unwrap()]);
    let v = json_out(&out);
    let json_path = v["json"].as_str().unwrap().to_string();
    let html_path = v["html"].as_str().unwrap().to_string();
    assert_eq!(json_path, out_dir.join(format!("disclosure-{}-{TODAY}.json", s.yamada)).to_str().unwrap());
    let json_bytes = std::fs::read(&json_path).unwrap();
    let html_bytes = std::fs::read(&html_path).unwrap();
    let p: Value = serde_json::from_slice(&json_bytes).unwrap();

    // The person's own fields, by label.
    let person: Vec<(String, String)> = p["person"]["fields"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| (f["name"].as_str().unwrap().to_string(), f["value"].as_str().unwrap().to_string()))
        .collect();
    let field = |name: &str| person.iter().find(|(n, _)| n == name).map(|(_, v)| v.clone());
    assert_eq!(field("email").as_deref(), Some(YAMADA_EMAIL));
    assert_eq!(field("company_id").as_deref(), Some("株式会社山田商事"));
    assert_eq!(field("title").as_deref(), Some("部長"));
    assert_eq!(field("private_memo"), None);
    // Position history (the old title), card exchange, task, deal, attachment.
    let titles = |key: &str| -> Vec<String> {
        p[key].as_array().unwrap().iter().map(|r| r["title"].as_str().unwrap().to_string()).collect()
    };
    let positions = p["positions"].as_array().unwrap();
    assert!(
        positions.iter().any(|r| r["fields"].as_array().unwrap().iter().any(|f| f["value"] == "課長")),
        "{positions:?}"
    );
    assert_eq!(positions.len(), 2);
    assert_eq!(p["card_exchanges"].as_array().unwrap().len(), 1);
    assert_eq!(titles("tasks"), vec!["見積書を送る"]);
    assert_eq!(titles("deals"), vec!["複合機の入替"]);
    assert_eq!(p["attachments"][0]["name"], "名刺_山田太郎.png");
    // Activities: the meeting, the call that names them, the private meeting (without its text).
    let activities = p["activities"].as_array().unwrap();
    assert_eq!(activities.len(), 3, "{activities:?}");
    let texts: String = activities.iter().map(|a| a.to_string()).collect();
    assert!(texts.contains(MEETING_SHARED) && texts.contains(NAMED_ONLY));
    // The provision record and the exports that held them.
    assert_eq!(p["provisions"][0]["recipient"], "株式会社データ連携");
    assert_eq!(p["provisions"][0]["purpose"], "展示会の共同案内状の送付");
    assert_eq!(p["provisions"][0]["people"], 2);
    let actions: Vec<&str> = p["exports"].as_array().unwrap().iter().map(|e| e["action"].as_str().unwrap()).collect();
    // Newest first: the print of their company's card, the list export, the provision.
    assert_eq!(actions, vec!["print", "export", "third_party_export"]);

    // Nobody else's data and no private text, in either file.
    for (name, bytes) in [("json", &json_bytes), ("html", &html_bytes)] {
        for needle in [
            SUZUKI_EMAIL,
            SUZUKI_MOBILE,
            &format!("{SUZUKI_FAMILY} {SUZUKI_GIVEN}"),
            &format!("{SUZUKI_FAMILY}{SUZUKI_GIVEN}"),
            "田中一郎",
            YAMADA_MEMO_PRIVATE,
            PRIVATE_ACTIVITY_TEXT,
            s.suzuki.as_str(),
        ] {
            assert!(!contains(bytes, needle.as_bytes()), "{needle} is in the {name} file");
        }
    }
    // The PDF of the same package: read back with poppler's pdftotext (the
    // font is embedded and subset, so the text is not in the raw bytes).
    let pdf_path = v["pdf"].as_str().expect("a PDF beside the JSON and HTML").to_string();
    assert_eq!(pdf_path, out_dir.join(format!("disclosure-{}-{TODAY}.pdf", s.yamada)).to_str().unwrap());
    assert!(std::fs::read(&pdf_path).unwrap().starts_with(b"%PDF-"));
    let text = std::process::Command::new("pdftotext").args(["-layout", &pdf_path, "-"]).output().unwrap();
    assert!(text.status.success(), "pdftotext: {}", String::from_utf8_lossy(&text.stderr));
    // Layout may break long values across lines; compare without spaces and line breaks.
    let pdf_text: String = String::from_utf8_lossy(&text.stdout).chars().filter(|c| !c.is_whitespace()).collect();
    for want in
        ["保有個人データ開示書", YAMADA_EMAIL, "株式会社山田商事", "株式会社データ連携", "見積書を送る", "複合機の入替"]
    {
        assert!(pdf_text.contains(want), "{want} is in the PDF: {pdf_text}");
    }
    assert!(pdf_text.contains(&MEETING_SHARED.replace(char::is_whitespace, "")), "their meeting is in the PDF");
    for needle in [SUZUKI_EMAIL, SUZUKI_MOBILE, "田中一郎", YAMADA_MEMO_PRIVATE, PRIVATE_ACTIVITY_TEXT, "社外秘"]
    {
        assert!(!pdf_text.contains(&needle.replace(char::is_whitespace, "")), "{needle} is in the PDF");
    }

    // The HTML page is Japanese, escaped and runs nothing.
    let html = String::from_utf8(html_bytes).unwrap();
    assert!(
        html.contains("保有個人データ開示書") && html.contains(MEETING_SHARED) && html.contains("株式会社データ連携")
    );
    assert!(html.contains("&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;"), "the memo is shown escaped");
    assert!(!html.contains("<script"));
    assert!(html.contains("default-src 'none'"));

    // Audited: the disclosure, with the person's id and no values.
    let store = Store::open(&db).unwrap();
    let entries = store.audit_all().unwrap();
    let d = entries.iter().find(|e| e.entry.action == "disclose").expect("the disclosure is audited");
    assert!(d.entry.detail.as_deref().unwrap().contains(&s.yamada));
    // The person, 2 positions (課長, then 部長), 1 exchange, 3 activities, 1 task, 1 deal, 1 attachment.
    assert_eq!(d.entry.count, Some(10));
    assert!(!d.entry.detail.as_deref().unwrap().contains(YAMADA_EMAIL));
}

/// Contacts as an office has them: an Excel CSV in CP932 with （代） and 内線.
fn import_contacts(db: &Path, dir: &Path) {
    let csv = dir.join("担当者一覧.csv");
    let text = "姓,名,メール,電話番号,郵便番号,住所\r\n\
                佐藤,一郎,ichiro.sato@sato-kogyo.co.jp,03-3333-4444（代）,150-0001,東京都渋谷区神宮前1-1\r\n\
                高橋,美咲,misaki.takahashi@takahashi.co.jp,06-6123-4567 内線 12,530-0001,大阪府大阪市北区梅田1-1\r\n";
    std::fs::write(&csv, sjis(text)).unwrap();
    ok(&cli(db, T0, &["import", csv.to_str().unwrap(), "--kind", "contacts"]));
}

fn contact_id(db: &Path, family: &str) -> String {
    let v = json_out(&cli(db, T0, &["--json", "contact", "list", "--filter", &format!("family_name={family}")]));
    v["items"][0]["id"].as_str().unwrap().to_string()
}

fn mailing_csv(db: &Path, out: &Path, now: i64) -> Vec<u8> {
    ok(&cli(db, now, &["mailing-list", "--format", "csv", "--encoding", "sjis", "--out", out.to_str().unwrap()]));
    std::fs::read(out).unwrap()
}

#[test]
fn a_stopped_person_is_left_out_of_mailing_lists_and_third_party_exports() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("crm.db");
    import_contacts(&db, dir.path());
    let sato = contact_id(&db, "佐藤");
    let (sato_name, takahashi_name) = (sjis("佐藤"), sjis("高橋"));

    // Before: both are in the mailing list (the search finds them).
    let before = mailing_csv(&db, &dir.path().join("dm1.csv"), T0 + 1);
    assert!(contains(&before, &sato_name) && contains(&before, &takahashi_name));

    let out = json_out(&cli(
        &db,
        T0 + 2,
        &["--json", "contact", "stop-use", &sato, "--reason", "ご本人から電話で利用停止の請求"],
    ));
    assert_eq!(out["data"]["use_stopped"], true);
    assert_eq!(out["data"]["use_stopped_on"], TODAY);
    assert_eq!(out["data"]["use_stopped_reason"], "ご本人から電話で利用停止の請求");
    // Stored so, and it syncs like an edit (the change log holds it).
    let store = Store::open(&db).unwrap();
    match store.get(Kind::Contact, &sato).unwrap().record {
        daifuku::Record::Contact(c) => assert!(c.use_stopped && c.use_stopped_on.as_deref() == Some(TODAY)),
        other => panic!("{other:?}"),
    }
    drop(store);

    let after = mailing_csv(&db, &dir.path().join("dm2.csv"), T0 + 3);
    assert!(!contains(&after, &sato_name), "a stopped person is not in the mailing list");
    assert!(contains(&after, &takahashi_name));
    assert!(!contains(&after, b"ichiro.sato") && !contains(&after, &sjis("神宮前")));

    // Nor in an export for a third party; the record says one person went.
    let shared = dir.path().join("提供.csv");
    let err = cli(
        &db,
        T0 + 4,
        &[
            "export",
            "--kind",
            "contacts",
            "--third-party",
            "--recipient",
            "株式会社共同販促",
            "--purpose",
            "共同セミナーの案内",
            "--encoding",
            "sjis",
            "--out",
            shared.to_str().unwrap(),
        ],
    );
    ok(&err);
    assert!(String::from_utf8_lossy(&err.stderr).contains("left out (use stopped): 1"));
    let bytes = std::fs::read(&shared).unwrap();
    assert!(contains(&bytes, &takahashi_name) && !contains(&bytes, &sato_name) && !contains(&bytes, b"ichiro.sato"));
    let provisions = json_out(&cli(&db, T0 + 5, &["--json", "provision", "list"]));
    assert_eq!(provisions[0]["people"], 1);
    let held = json_out(&cli(&db, T0 + 5, &["--json", "provision", "list", "--contact", &sato]));
    assert_eq!(held.as_array().unwrap().len(), 0, "the stopped person was not provided");

    // A stop needs a reason; ending it brings the person back.
    let no_reason = run(
        &mut Store::open(&db).unwrap(),
        T0 + 6,
        Command::SetUseStopped { id: contact_id(&db, "高橋"), stopped: true, reason: Some("  ".into()) },
    )
    .unwrap_err();
    assert_eq!(no_reason.details[0].code, "reason_required");
    ok(&cli(&db, T0 + 7, &["contact", "resume-use", &sato]));
    let again = mailing_csv(&db, &dir.path().join("dm3.csv"), T0 + 8);
    assert!(contains(&again, &sato_name));
    let store = Store::open(&db).unwrap();
    let actions: Vec<String> = store.audit_all().unwrap().iter().map(|e| e.entry.action.clone()).collect();
    assert!(actions.contains(&"use_stop".to_string()) && actions.contains(&"use_resume".to_string()), "{actions:?}");
}

#[test]
fn a_correction_keeps_its_reason_in_the_audit_trail() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("crm.db");
    import_contacts(&db, dir.path());
    let sato = contact_id(&db, "佐藤");
    let out = json_out(&cli(
        &db,
        T0 + 1,
        &[
            "--json",
            "contact",
            "update",
            &sato,
            "--reason",
            "ご本人の申出: メールアドレスの誤り",
            "--email",
            "ichiro@sato-kogyo.co.jp",
        ],
    ));
    assert_eq!(out["data"]["email"], "ichiro@sato-kogyo.co.jp");
    let store = Store::open(&db).unwrap();
    let correct = store.audit_all().unwrap().into_iter().find(|e| e.entry.action == "correct").expect("audited");
    assert_eq!(correct.entry.filter.as_deref(), Some("email"));
    let detail = correct.entry.detail.unwrap();
    assert!(detail.contains("ご本人の申出: メールアドレスの誤り") && detail.contains(&sato));
    // The trail names the field, not the old or new value.
    assert!(!detail.contains("ichiro"), "{detail}");
    drop(store);
    // Without a reason nothing changes.
    let mut store = Store::open(&db).unwrap();
    let version = store.get(Kind::Contact, &sato).unwrap().version;
    let err = run(
        &mut store,
        T0 + 2,
        Command::CorrectContact {
            id: sato.clone(),
            version: None,
            fields: fields(json!({"email": "wrong@example.jp"})),
            reason: "".into(),
        },
    )
    .unwrap_err();
    assert_eq!(err.details[0].code, "reason_required");
    let now = store.get(Kind::Contact, &sato).unwrap();
    assert_eq!(now.version, version);
    // The plain update without --reason stays an ordinary edit, not audited as a correction.
    drop(store);
    ok(&cli(&db, T0 + 3, &["contact", "update", &sato, "--department", "営業部"]));
    let store = Store::open(&db).unwrap();
    assert_eq!(store.audit_all().unwrap().iter().filter(|e| e.entry.action == "correct").count(), 1);
}

#[test]
fn provision_records_say_who_got_what_and_how_long_they_are_kept() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("crm.db");
    import_contacts(&db, dir.path());
    let takahashi = contact_id(&db, "高橋");
    let out = dir.path().join("provided.xlsx");
    ok(&cli(
        &db,
        T0 + 1,
        &[
            "export",
            "--kind",
            "contacts",
            "--format",
            "xlsx",
            "--filter",
            "family_name=高橋",
            "--third-party",
            "--recipient",
            "大阪物流株式会社",
            "--purpose",
            "配送先の共有",
            "--contract",
            "--out",
            out.to_str().unwrap(),
        ],
    ));
    ok(&cli(
        &db,
        T0 + 2,
        &[
            "export",
            "--kind",
            "contacts",
            "--third-party",
            "--recipient",
            "株式会社名簿",
            "--purpose",
            "共同DM",
            "--out",
            dir.path().join("p2.csv").to_str().unwrap(),
        ],
    ));
    let list = json_out(&cli(&db, T0 + 3, &["--json", "provision", "list"]));
    let list = list.as_array().unwrap();
    assert_eq!(list.len(), 2);
    // Newest first.
    assert_eq!(list[0]["recipient"], "株式会社名簿");
    assert_eq!(list[0]["people"], 2);
    assert_eq!(list[0]["format"], "csv");
    assert_eq!(list[0]["contract"], false);
    assert_eq!(list[0]["keep_until"], "2029-09-21");
    assert_eq!(list[1]["recipient"], "大阪物流株式会社");
    assert_eq!(list[1]["purpose"], "配送先の共有");
    assert_eq!(list[1]["people"], 1);
    assert_eq!(list[1]["format"], "xlsx");
    assert_eq!(list[1]["keep_until"], "2027-09-21");
    assert_eq!(list[1]["provided_on"], TODAY);
    let items: Vec<&str> = list[1]["items"].as_array().unwrap().iter().map(|i| i.as_str().unwrap()).collect();
    assert!(items.contains(&"姓") && items.contains(&"メール") && !items.contains(&"自分用メモ"), "{items:?}");
    let of_takahashi = json_out(&cli(&db, T0 + 3, &["--json", "provision", "list", "--contact", &takahashi]));
    assert_eq!(of_takahashi.as_array().unwrap().len(), 2);
    // Only people; and the recipient and purpose are required.
    let e = cli(
        &db,
        T0 + 4,
        &["--json", "export", "--kind", "companies", "--third-party", "--recipient", "A", "--purpose", "B"],
    );
    assert!(!e.status.success());
    assert_eq!(serde_json::from_slice::<Value>(&e.stdout).unwrap()["code"], "third_party_contacts_only");
    let e = cli(&db, T0 + 4, &["--json", "export", "--kind", "contacts", "--third-party", "--purpose", "B"]);
    assert!(!e.status.success());
    let v: Value = serde_json::from_slice(&e.stdout).unwrap();
    assert_eq!(v["details"][0]["field"], "recipient");
    assert_eq!(json_out(&cli(&db, T0 + 5, &["--json", "provision", "list"])).as_array().unwrap().len(), 2);
}

#[test]
fn the_incident_register_says_when_a_report_is_due_and_by_when() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("crm.db");
    ok(&cli(&db, T0, &["init"]));
    let add = |args: &[&str]| -> Value {
        let mut all = vec!["--json", "incident", "add", "--discovered-on", "2026-09-20"];
        all.extend_from_slice(args);
        json_out(&cli(&db, T0, &all))
    };
    let small = add(&["--what", "名刺1枚の紛失", "--people", "1"]);
    assert_eq!(small["assessment"]["report_due"], false);
    assert_eq!(small["encrypted"], false, "a plain database: not encrypted unless said");
    let many = add(&["--what", "顧客一覧を誤って外部に送信", "--people", "1500"]);
    assert_eq!(many["assessment"]["report_due"], true);
    assert_eq!(many["assessment"]["reasons"], json!(["over_1000_people"]));
    assert_eq!(many["assessment"]["preliminary_by"], "2026-09-25");
    assert_eq!(many["assessment"]["final_by"], "2026-10-20");
    let attack = add(&["--what", "ノートPCへの不正アクセス", "--people", "20", "--unauthorized-access"]);
    assert_eq!(attack["assessment"]["final_by"], "2026-11-19");
    assert_eq!(attack["assessment"]["final_days"], 60);
    let lost = add(&["--what", "暗号化済みノートPCの紛失", "--people", "3000", "--sensitive", "--encrypted"]);
    assert_eq!(lost["assessment"]["report_due"], false);
    assert_eq!(lost["assessment"]["exempt_encrypted"], true);
    let reg = json_out(&cli(&db, T0 + 1, &["--json", "incident", "list"]));
    assert_eq!(reg["database_encrypted"], false);
    let stored = reg["incidents"].as_array().unwrap();
    assert_eq!(stored.len(), 4);
    let one = stored.iter().find(|i| i["what"] == "ノートPCへの不正アクセス").unwrap();
    assert_eq!((one["people"].clone(), one["unauthorized_access"].clone()), (json!(20), json!(true)));
    let store = Store::open(&db).unwrap();
    assert_eq!(store.audit_all().unwrap().iter().filter(|e| e.entry.action == "incident").count(), 4);
}

/// The CLI with the database passphrase in `DAIFUKU_PASSPHRASE`.
fn cli_keyed(db: &Path, args: &[&str]) -> std::process::Output {
    std::process::Command::new(env!("CARGO_BIN_EXE_daifuku"))
        .arg("--db")
        .arg(db)
        .args(args)
        .env_remove("DAIFUKU_DB")
        .env("DAIFUKU_NOW", T0.to_string())
        .env("DAIFUKU_PASSPHRASE", "社外秘の長いパスフレーズ 2026")
        .output()
        .unwrap()
}

#[test]
fn on_an_encrypted_database_a_lost_laptop_is_exempt_from_reporting() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("crm.db");
    import_contacts(&db, dir.path());
    ok(&cli_keyed(&db, &["encrypt"]));
    let lost = json_out(&cli_keyed(
        &db,
        &["--json", "incident", "add", "--discovered-on", "2026-09-20", "--what", "ノートPCの紛失", "--people", "2000"],
    ));
    assert_eq!(lost["encrypted"], true, "taken from the database when not said");
    assert_eq!(lost["assessment"]["report_due"], false);
    assert_eq!(lost["assessment"]["exempt_encrypted"], true);
    let reg = json_out(&cli_keyed(&db, &["--json", "incident", "list"]));
    assert_eq!(reg["database_encrypted"], true);
    assert!(ok(&cli_keyed(&db, &["incident", "list"])).contains("このパソコンのデータベースは暗号化されています"));
    // Said otherwise (a paper list was lost): due.
    let paper = json_out(&cli_keyed(
        &db,
        &[
            "--json",
            "incident",
            "add",
            "--discovered-on",
            "2026-09-20",
            "--what",
            "紙の名簿の紛失",
            "--people",
            "2000",
            "--not-encrypted",
        ],
    ));
    assert_eq!(paper["assessment"]["report_due"], true);
}

/// 利用停止 goes through its own step (reason, audit): an ordinary create or
/// edit that would set or clear it is refused, on the field, while an edit
/// carrying the fields as they are (the form sends the whole record) works.
#[test]
fn stopping_use_is_never_an_ordinary_edit() {
    let dir = tempfile::tempdir().unwrap();
    let mut store = Store::open(&dir.path().join("crm.db")).unwrap();
    let company = add(&mut store, T0, Kind::Company, json!({"name": "株式会社みなと商会"}));
    let err = run(
        &mut store,
        T0 + 1,
        Command::Add {
            kind: Kind::Contact,
            fields: fields(json!({"company_id": company, "family_name": "佐藤", "use_stopped": true})),
        },
    )
    .unwrap_err();
    assert_eq!((err.code.as_str(), err.field.as_deref()), ("reason_required", Some("use_stopped")));
    let id = add(&mut store, T0 + 2, Kind::Contact, json!({"company_id": company, "family_name": "佐藤"}));
    let patch = |store: &mut Store, f: Value| {
        run(store, T0 + 3, Command::Patch { kind: Kind::Contact, id: id.clone(), version: None, fields: fields(f) })
    };
    let err = patch(&mut store, json!({"use_stopped": true})).unwrap_err();
    assert_eq!((err.code.as_str(), err.field.as_deref()), ("reason_required", Some("use_stopped")));
    // The CLI's ordinary update says so too.
    let db = dir.path().join("crm.db");
    drop(store);
    let out = cli(&db, T0 + 4, &["--json", "contact", "update", &id, "--use-stopped", "true"]);
    assert!(!out.status.success() && String::from_utf8_lossy(&out.stdout).contains("reason_required"), "{out:?}");
    let mut store = Store::open(&db).unwrap();
    assert!(!store.get(Kind::Contact, &id).unwrap().record.to_fields()["use_stopped"].as_bool().unwrap_or(false));
    // Stopped with a reason; then an edit of the whole record (as the form sends it) still works.
    let ctx = store.context(T0 + 5).unwrap();
    store.set_use_stopped(&ctx, &id, true, Some("ご本人の請求")).unwrap();
    let mut record = store.get(Kind::Contact, &id).unwrap();
    let mut f = record.record.to_fields();
    f.insert("title".into(), json!("課長"));
    record.record = daifuku::Record::from_fields(Kind::Contact, f).unwrap();
    let replaced =
        run(&mut store, T0 + 6, Command::Update { id: id.clone(), version: None, record: record.record }).unwrap();
    match replaced {
        Response::Record(s) => {
            let f = s.record.to_fields();
            assert_eq!((f["title"].clone(), f["use_stopped"].clone()), (json!("課長"), json!(true)));
        }
        other => panic!("{other:?}"),
    }
    // Clearing it through an edit is refused as well.
    let err = patch(&mut store, json!({"use_stopped": false})).unwrap_err();
    assert_eq!(err.code, "reason_required");
}
