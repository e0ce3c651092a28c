//! Readings (フリガナ) are stored and shown as full-width katakana whatever
//! the input form — half-width katakana, hiragana, full-width — in forms
//! (the command API and the CLI), imports (a CP932 CSV as Excel writes it),
//! changes arriving by sync, and readings stored as typed by older versions
//! (migration 0014). Search by any kana form keeps finding them.

use std::path::Path;

use daifuku::import::{self, Flow, ImportOptions, OnMatch};
use daifuku::store::ListQuery;
use daifuku::sync::merge::Change;
use daifuku::{Ctx, Kind, Store, Stored};
use serde_json::{json, Map, Value};

const T0: i64 = 1_790_000_000_000;

fn ctx() -> Ctx {
    Ctx::new(T0, "dev-a")
}

fn fields(v: Value) -> Map<String, Value> {
    v.as_object().unwrap().clone()
}

fn add(store: &mut Store, kind: Kind, v: Value) -> Stored {
    store.create_fields(&ctx(), kind, fields(v)).unwrap_or_else(|e| panic!("{kind:?}: {e}"))
}

fn field(store: &Store, kind: Kind, id: &str, name: &str) -> Value {
    store.get(kind, id).unwrap().record.to_fields().get(name).cloned().unwrap_or(Value::Null)
}

fn hit_ids(store: &Store, q: &str) -> Vec<String> {
    store.search(q, 20, &[]).unwrap().into_iter().map(|h| h.id).collect()
}

fn tmp_dir(name: &str) -> std::path::PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join(format!("readings-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

#[test]
fn forms_store_every_kana_form_as_full_width_katakana_and_search_finds_any_form() {
    let mut s = Store::open_in_memory().unwrap();
    let half = add(&mut s, Kind::Company, json!({"name": "東邦亜鉛株式会社", "name_reading": "ﾄｳﾎｳｱｴﾝ"}));
    let hira = add(&mut s, Kind::Company, json!({"name": "日本無線株式会社", "name_reading": "にほんむせん"}));
    let full = add(&mut s, Kind::Company, json!({"name": "東洋精機", "name_reading": "トウヨウセイキ"}));
    let voiced = add(&mut s, Kind::Company, json!({"name": "ガス工業", "name_reading": "ｶﾞｽ ｺｳｷﾞｮｳ"}));
    assert_eq!(field(&s, Kind::Company, &half.id, "name_reading"), json!("トウホウアエン"));
    assert_eq!(field(&s, Kind::Company, &hira.id, "name_reading"), json!("ニホンムセン"));
    assert_eq!(field(&s, Kind::Company, &full.id, "name_reading"), json!("トウヨウセイキ"));
    assert_eq!(field(&s, Kind::Company, &voiced.id, "name_reading"), json!("ガス コウギョウ"));

    let person = add(
        &mut s,
        Kind::Contact,
        json!({"company_id": half.id, "family_name": "山田", "given_name": "太郎",
               "family_reading": "やまだ", "given_reading": "ﾀﾛｳ"}),
    );
    assert_eq!(field(&s, Kind::Contact, &person.id, "family_reading"), json!("ヤマダ"));
    assert_eq!(field(&s, Kind::Contact, &person.id, "given_reading"), json!("タロウ"));

    // An edit in another form is stored the same way.
    s.update(&ctx(), Kind::Company, &full.id, None, fields(json!({"name_reading": "とうようせいき　こうぎょう"})))
        .unwrap();
    assert_eq!(field(&s, Kind::Company, &full.id, "name_reading"), json!("トウヨウセイキ コウギョウ"));

    // Lists show one form: the sort order is あいうえお order of the katakana.
    let page = s.list(Kind::Company, &ListQuery::default()).unwrap();
    let readings: Vec<Value> = page.items.iter().map(|r| r.record.to_fields()["name_reading"].clone()).collect();
    assert!(
        readings.iter().all(|r| r
            .as_str()
            .is_some_and(|r| !r.chars().any(|c| ('\u{FF61}'..='\u{FF9F}').contains(&c) || ('ぁ'..='ゖ').contains(&c)))),
        "{readings:?}"
    );

    // Search by any kana form finds the record.
    for q in ["とうほうあえん", "ﾄｳﾎｳｱｴﾝ", "トウホウアエン", "とうほう", "ﾄｳﾎ"] {
        assert!(hit_ids(&s, q).contains(&half.id), "{q}");
    }
    for q in ["にほんむせん", "ﾆﾎﾝﾑｾﾝ", "ニホンムセン"] {
        assert!(hit_ids(&s, q).contains(&hira.id), "{q}");
    }
    for q in ["やまだたろう", "ﾔﾏﾀﾞﾀﾛｳ", "ヤマダ"] {
        assert!(hit_ids(&s, q).contains(&person.id), "{q}");
    }
}

#[test]
fn a_cp932_csv_with_readings_in_three_forms_imports_them_as_katakana() {
    // As Excel saves "CSV (コンマ区切り)": CP932, CRLF, half-width kana where
    // the sheet had them (a 基幹システム export), hiragana typed by hand.
    let text = "会社名,フリガナ,電話番号\r\n\
                東邦亜鉛株式会社,ﾄｳﾎｳｱｴﾝ,03-1111-2222\r\n\
                日本無線株式会社,にほんむせん,03-3333-4444\r\n\
                株式会社ヴィッツ,ｳﾞｨｯﾂ,052-222-3333\r\n\
                東洋精機株式会社,トウヨウセイキ,06-6123-4567\r\n";
    let (bytes, _, unmappable) = encoding_rs::SHIFT_JIS.encode(text);
    assert!(!unmappable);
    let mut s = Store::open_in_memory().unwrap();
    let opts = ImportOptions { kind: Some(Kind::Company), on_match: OnMatch::Update, ..Default::default() };
    let raw = import::read("取引先.csv", &bytes, &opts).unwrap();
    let report = s.import_apply(&ctx(), &raw, &opts, false, &mut |_| Flow::Continue).unwrap();
    assert_eq!(report.summary.create, 4, "{report:?}");
    let page = s.list(Kind::Company, &ListQuery::default()).unwrap();
    let mut got: Vec<(String, String)> = page
        .items
        .iter()
        .map(|r| {
            let f = r.record.to_fields();
            (f["name"].as_str().unwrap().to_string(), f["name_reading"].as_str().unwrap().to_string())
        })
        .collect();
    got.sort();
    assert_eq!(
        got,
        vec![
            ("日本無線株式会社".to_string(), "ニホンムセン".to_string()),
            ("東洋精機株式会社".to_string(), "トウヨウセイキ".to_string()),
            ("東邦亜鉛株式会社".to_string(), "トウホウアエン".to_string()),
            ("株式会社ヴィッツ".to_string(), "ヴィッツ".to_string()),
        ]
    );
}

#[test]
fn readings_arriving_by_sync_are_stored_as_katakana() {
    // A device of an older version sends readings as typed.
    let mut s = Store::open_in_memory().unwrap();
    let change = Change {
        hlc: format!("{:013}-0000-dev-old", T0),
        author: None,
        kind: "contact".into(),
        id: "0190aaaa-0000-7000-8000-000000000001".into(),
        op: "create".into(),
        fields: fields(json!({"family_name": "佐藤", "given_name": "花子",
                             "family_reading": "さとう", "given_reading": "ﾊﾅｺ"})),
        prev: None,
    };
    s.sync_apply_changes("dev-old", 1, &[change], T0).unwrap();
    let id = "0190aaaa-0000-7000-8000-000000000001";
    assert_eq!(field(&s, Kind::Contact, id, "family_reading"), json!("サトウ"));
    assert_eq!(field(&s, Kind::Contact, id, "given_reading"), json!("ハナコ"));
    assert!(hit_ids(&s, "さとうはなこ").contains(&id.to_string()));
}

#[test]
fn migration_14_rewrites_readings_stored_as_typed_and_search_still_finds_them() {
    let dir = tmp_dir("migrate");
    let path = dir.join("crm.db");
    let (company, contact) = {
        let mut s = Store::open(&path).unwrap();
        let c = add(&mut s, Kind::Company, json!({"name": "東邦亜鉛株式会社", "name_reading": "トウホウアエン"}));
        let p =
            add(&mut s, Kind::Contact, json!({"company_id": c.id, "family_name": "山田", "family_reading": "ヤマダ"}));
        // As an older version stored them: as typed.
        s.conn()
            .execute_batch(&format!(
                "UPDATE companies SET name_reading = 'ﾄｳﾎｳｱｴﾝ' WHERE id = '{}';
                 UPDATE contacts SET family_reading = 'やまだ' WHERE id = '{}';
                 PRAGMA user_version = 13;",
                c.id, p.id
            ))
            .unwrap();
        assert_eq!(field(&s, Kind::Company, &c.id, "name_reading"), json!("ﾄｳﾎｳｱｴﾝ"), "the setup stored it as typed");
        (c.id, p.id)
    };
    let s = Store::open(&path).unwrap();
    assert_eq!(s.schema_version().unwrap(), daifuku::store::latest_schema_version());
    assert_eq!(field(&s, Kind::Company, &company, "name_reading"), json!("トウホウアエン"));
    assert_eq!(field(&s, Kind::Contact, &contact, "family_reading"), json!("ヤマダ"));
    for q in ["とうほう", "ﾄｳﾎｳｱｴﾝ", "トウホウアエン"] {
        assert!(hit_ids(&s, q).contains(&company), "{q}");
    }
    assert!(hit_ids(&s, "やまだ").contains(&contact));
    // The index is consistent with the rewritten values: FTS5's own check.
    for table in ["search_text", "search_grams"] {
        s.conn().execute(&format!("INSERT INTO {table} ({table}) VALUES ('integrity-check')"), []).unwrap();
    }
}

#[test]
fn the_cli_stores_half_width_readings_as_katakana() {
    let dir = tmp_dir("cli");
    let db = dir.join("crm.db");
    let run = |args: &[&str]| {
        let out = std::process::Command::new(env!("CARGO_BIN_EXE_daifuku"))
            .arg("--db")
            .arg(&db)
            .args(args)
            .env("DAIFUKU_NOW", T0.to_string())
            .output()
            .unwrap();
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
        serde_json::from_slice::<Value>(&out.stdout).unwrap()
    };
    let created = run(&["company", "add", "--name", "株式会社ヤマダ", "--name-reading", "ﾔﾏﾀﾞ", "--json"]);
    assert_eq!(created["data"]["name_reading"], json!("ヤマダ"), "{created}");
    let id = created["id"].as_str().unwrap().to_string();
    run(&["company", "update", &id, "--name-reading", "やまだしょうじ", "--json"]);
    let shown = run(&["company", "show", &id, "--json"]);
    assert_eq!(shown["data"]["name_reading"], json!("ヤマダショウジ"), "{shown}");
}
