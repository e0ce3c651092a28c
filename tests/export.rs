//! Exports through the command API: list views to CSV (UTF-8 with BOM,
//! Shift_JIS), XLSX and vCard 4.0; round trips (export → import gives the
//! same records); the mailing list's exclusions; the CLI.

mod common;

use std::collections::BTreeMap;
use std::io::Cursor;
use std::path::Path;

use calamine::{open_workbook_auto_from_rs, Data, Reader};
use daifuku::api::{self, Command, Response};
use daifuku::export::mailing::MailingOptions;
use daifuku::export::{fetch_all, ExportFormat, ExportOptions, ExportResult, HeaderStyle};
use daifuku::import::{self, Flow, ImportOptions, TextEncoding};
use daifuku::store::{Filter, FilterOp, ListQuery};
use daifuku::{Ctx, Kind, Record, Store};
use serde_json::{json, Map, Value};

const NOW: i64 = 1_775_000_000_000; // 2026-04-01 (Japan)

fn ctx() -> Ctx {
    Ctx::new(NOW, "test-device")
}

fn store() -> Store {
    let mut s = Store::open_in_memory().unwrap();
    s.seed_ids(11);
    s
}

fn import_bytes(s: &mut Store, name: &str, bytes: &[u8]) {
    let opts = ImportOptions::default();
    let raw = import::read(name, bytes, &opts).unwrap();
    let r = s.import_apply(&ctx(), &raw, &opts, false, &mut |_| Flow::Continue).unwrap_or_else(|e| {
        let p = s.import_preview(&raw, &opts, &mut |_| Flow::Continue).unwrap();
        panic!("{name}: {e:?}\n{:#?}", p.rows.iter().filter(|r| !r.errors.is_empty()).collect::<Vec<_>>())
    });
    assert_eq!(r.failed, 0, "{name}");
}

const COMPANIES: &str = "顧客コード,会社名,フリガナ,法人番号,郵便番号,住所,電話番号,従業員数,資本金,ステータス,タグ,メモ\n\
C001,株式会社 山田商事,ヤマダショウジ,5010001008813,100-0005,東京都千代田区丸の内1-2-3,03-1234-5678,120,100000000,顧客,\"重要,関東\",\"複数行の\nメモ, カンマ入り\"\n\
C002,㈱髙橋製作所,タカハシセイサクショ,,530-0001,大阪府大阪市北区梅田1-1-1,06-1111-2222,45,,見込み客,,\n\
C003,有限会社さくら企画,サクラキカク,,060-0001,北海道札幌市中央区北1条西2丁目,011-222-3333,8,3000000,,,\n";

const CONTACTS: &str = "顧客コード,会社名,姓,名,セイ,メイ,部署,役職,メール,電話番号,携帯,誕生日,タグ\n\
C001,,山田,太郎,ヤマダ,タロウ,営業部,部長,taro@yamada.example.jp,03-1234-5678,090-1111-2222,1970-01-02,キーマン\n\
C002,,髙橋,一美,タカハシ,カズミ,総務部,,kazumi@takahashi.example.jp,,,,\n\
C003,,佐藤,花子,サトウ,ハナコ,,社長,,011-222-3333,,,\n";

const ACTIVITIES: &str = "日時,顧客コード,種類,件名,内容,先方出席者\n\
2026-03-01 10:00,C001,訪問,定例訪問,新製品の説明,山田 太郎\n\
2026-03-02 15:30,C002,電話,見積の件,\"金額を確認\n来週再連絡\",\n";

const PURCHASES: &str = "顧客コード,商品名,契約日,満了日,金額,状態,先方担当者\n\
C001,大福クラウド,2025-04-01,2026-03-31,1200000,契約中,山田 太郎\n\
C003,大福クラウド,2026-03-20,2027-03-19,300000,契約中,\n";

fn seeded() -> Store {
    let mut s = store();
    import_bytes(&mut s, "companies.csv", COMPANIES.as_bytes());
    import_bytes(&mut s, "contacts.csv", CONTACTS.as_bytes());
    import_bytes(&mut s, "activities.csv", ACTIVITIES.as_bytes());
    import_bytes(&mut s, "purchases.csv", PURCHASES.as_bytes());
    s
}

fn export(s: &mut Store, kind: Kind, query: ListQuery, options: ExportOptions) -> ExportResult {
    match api::execute(s, &ctx(), Command::Export { kind, query, options, path: None }).unwrap() {
        Response::Exported(r) => r,
        _ => unreachable!(),
    }
}

fn bytes(r: &ExportResult) -> Vec<u8> {
    import::decode_base64(r.base64.as_deref().unwrap()).unwrap()
}

fn csv_rows(text: &str) -> Vec<Vec<String>> {
    csv::ReaderBuilder::new()
        .has_headers(false)
        .from_reader(text.as_bytes())
        .records()
        .map(|r| r.unwrap().iter().map(str::to_string).collect())
        .collect()
}

/// Records of a kind with references replaced by the referenced record's
/// display name, ids dropped: comparable across databases.
fn comparable(s: &Store, kind: Kind) -> Vec<Map<String, Value>> {
    let mut out: Vec<Map<String, Value>> = fetch_all(s, kind, &ListQuery::default())
        .unwrap()
        .into_iter()
        .map(|st| {
            let mut f = st.record.to_fields();
            for def in kind.meta().fields {
                let name = |id: &str, k: Kind| s.get(k, id).map(|r| r.display_name).unwrap_or_default();
                match (def.ty, f.get(def.name).cloned()) {
                    (daifuku::schema::FieldType::Ref { kind: k }, Some(Value::String(id))) => {
                        f.insert(def.name.into(), Value::String(name(&id, k)));
                    }
                    (daifuku::schema::FieldType::RefList { kind: k }, Some(Value::Array(ids))) => {
                        let names: Vec<Value> =
                            ids.iter().filter_map(Value::as_str).map(|id| Value::String(name(id, k))).collect();
                        f.insert(def.name.into(), Value::Array(names));
                    }
                    _ => {}
                }
            }
            f
        })
        .collect();
    out.sort_by_key(|m| Value::Object(m.clone()).to_string());
    out
}

#[test]
fn csv_of_a_filtered_list_is_utf8_with_bom_japanese_headers_and_crlf() {
    let mut s = seeded();
    let q = ListQuery {
        filters: vec![Filter { field: "prefecture".into(), op: FilterOp::Eq, value: json!("東京都") }],
        ..Default::default()
    };
    let r = export(&mut s, Kind::Company, q, ExportOptions::default());
    assert_eq!((r.rows, r.name.as_str()), (1, "company-2026-04-01.csv"));
    let b = bytes(&r);
    assert!(b.starts_with(&[0xEF, 0xBB, 0xBF]), "BOM for Excel");
    let text = std::str::from_utf8(&b[3..]).unwrap();
    assert!(text.contains("\r\n"));
    let rows = csv_rows(text);
    assert_eq!(rows.len(), 2);
    let header = &rows[0];
    assert_eq!(&header[..4], &["ID", "顧客コード", "会社名", "フリガナ"]);
    let cell = |h: &str| rows[1][header.iter().position(|x| x == h).unwrap()].clone();
    assert_eq!(cell("会社名"), "株式会社 山田商事");
    assert_eq!(cell("ステータス"), "顧客");
    assert_eq!(cell("タグ"), "重要, 関東");
    assert_eq!(cell("メモ"), "複数行の\nメモ, カンマ入り");
    assert_eq!(cell("資本金"), "100000000");
    // English headers and stored values for scripts.
    let r = export(
        &mut s,
        Kind::Company,
        ListQuery::default(),
        ExportOptions { headers: HeaderStyle::Field, ..Default::default() },
    );
    let rows = csv_rows(std::str::from_utf8(&bytes(&r)[3..]).unwrap());
    assert_eq!(rows.len(), 4);
    assert!(rows[0].contains(&"status".to_string()));
    assert!(rows.iter().any(|r| r.contains(&"customer".to_string())));
}

#[test]
fn shift_jis_export_keeps_cp932_characters_and_reports_the_rest() {
    let mut s = seeded();
    let id = fetch_all(&s, Kind::Company, &ListQuery::default()).unwrap()[0].id.clone();
    let mut patch = Map::new();
    patch.insert("notes".into(), json!("𠮷野家で会食🍡"));
    s.update(&ctx(), Kind::Company, &id, None, patch).unwrap();
    let r = export(
        &mut s,
        Kind::Company,
        ListQuery::default(),
        ExportOptions { encoding: Some(TextEncoding::ShiftJis), ..Default::default() },
    );
    let b = bytes(&r);
    assert!(!b.starts_with(&[0xEF, 0xBB, 0xBF]));
    let (text, _, bad) = encoding_rs::SHIFT_JIS.decode(&b);
    assert!(!bad);
    assert!(text.contains("㈱髙橋製作所"), "CP932 has ㈱ and 髙");
    assert!(text.contains("〓野家で会食〓"), "lost characters are written as 〓");
    assert_eq!(r.warnings.len(), 1);
    assert_eq!(r.warnings[0].code, "unencodable_chars");
    assert_eq!(r.warnings[0].detail.as_deref(), Some("𠮷🍡"), "{:?}", r.warnings);
    assert!(r.warnings[0].message.contains("U+20BB7") && r.warnings[0].message.contains("U+1F361"), "{:?}", r.warnings);
}

#[test]
fn xlsx_export_has_a_japanese_sheet_and_numbers_as_numbers() {
    let mut s = seeded();
    let r = export(
        &mut s,
        Kind::Company,
        ListQuery::default(),
        ExportOptions { format: ExportFormat::Xlsx, ..Default::default() },
    );
    assert!(r.name.ends_with(".xlsx"));
    let mut book = open_workbook_auto_from_rs(Cursor::new(bytes(&r))).unwrap();
    assert_eq!(book.sheet_names(), vec!["会社"]);
    let range = book.worksheet_range("会社").unwrap();
    let rows: Vec<&[Data]> = range.rows().collect();
    assert_eq!(rows.len(), 4);
    let col = rows[0].iter().position(|c| c == &Data::String("従業員数".into())).unwrap();
    assert!(rows[1..].iter().all(|r| matches!(r[col], Data::Float(_) | Data::Int(_))), "{:?}", rows[1][col]);
}

#[test]
fn vcard_40_export_reads_back_as_the_same_contacts() {
    let mut a = seeded();
    let r = export(
        &mut a,
        Kind::Contact,
        ListQuery::default(),
        ExportOptions { format: ExportFormat::Vcf, ..Default::default() },
    );
    let text = String::from_utf8(bytes(&r)).unwrap();
    assert_eq!(text.matches("BEGIN:VCARD\r\nVERSION:4.0").count(), 3);
    assert!(text.contains("X-PHONETIC-LAST-NAME:ヤマダ"));
    assert!(text.lines().all(|l| l.len() <= 75), "lines are folded");
    let mut b = store();
    import_bytes(&mut b, "contacts.vcf", text.as_bytes());
    let keep = [
        "family_name",
        "given_name",
        "family_reading",
        "given_reading",
        "department",
        "title",
        "email",
        "phone",
        "mobile",
        "birthday",
        "tags",
        "company_id",
    ];
    let view = |s: &Store| -> Vec<BTreeMap<String, Value>> {
        comparable(s, Kind::Contact)
            .into_iter()
            .map(|m| m.into_iter().filter(|(k, _)| keep.contains(&k.as_str())).collect())
            .collect()
    };
    assert_eq!(view(&b), view(&a));
}

#[test]
fn export_then_import_gives_the_same_records_in_every_format() {
    let mut a = seeded();
    let formats = [
        ExportOptions::default(),
        ExportOptions { encoding: Some(TextEncoding::ShiftJis), ..Default::default() },
        ExportOptions { format: ExportFormat::Xlsx, ..Default::default() },
        ExportOptions { headers: HeaderStyle::En, ..Default::default() },
        ExportOptions { headers: HeaderStyle::Field, ..Default::default() },
    ];
    for (i, options) in formats.into_iter().enumerate() {
        // Other ids than the source's (as two databases have).
        let mut b = Store::open_in_memory().unwrap();
        b.seed_ids(1000 + i as u64);
        for kind in [Kind::Company, Kind::Contact, Kind::Activity, Kind::Purchase] {
            let r = export(&mut a, kind, ListQuery::default(), options.clone());
            import_bytes(&mut b, &r.name, &bytes(&r));
            assert_eq!(comparable(&b, kind), comparable(&a, kind), "{kind:?} {options:?}");
        }
    }
}

#[test]
fn reimporting_an_export_into_the_same_database_changes_nothing() {
    let mut s = seeded();
    let changes = |s: &Store| -> i64 { s.conn().query_row("SELECT COUNT(*) FROM changes", [], |r| r.get(0)).unwrap() };
    let before_export = s.export_json().unwrap();
    let before = changes(&s);
    for kind in [Kind::Company, Kind::Contact, Kind::Activity, Kind::Purchase] {
        let r = export(
            &mut s,
            kind,
            ListQuery::default(),
            ExportOptions { format: ExportFormat::Xlsx, ..Default::default() },
        );
        let opts = ImportOptions::default();
        let raw = import::read(&r.name, &bytes(&r), &opts).unwrap();
        let p = s.import_preview(&raw, &opts, &mut |_| Flow::Continue).unwrap();
        assert_eq!((p.summary.create, p.summary.update, p.summary.error), (0, r.rows, 0), "{kind:?}");
        assert!(p.rows.iter().all(|row| row.matched_by.as_deref() == Some("id")), "{kind:?}");
        s.import_apply(&ctx(), &raw, &opts, false, &mut |_| Flow::Continue).unwrap();
    }
    assert_eq!(changes(&s), before, "no field changed, nothing logged");
    assert_eq!(s.export_json().unwrap(), before_export);
}

#[test]
fn mailing_list_keeps_current_titles_and_leaves_out_what_would_bounce() {
    let mut s = store();
    import_bytes(
        &mut s,
        "companies.csv",
        "顧客コード,会社名,郵便番号,都道府県,市区町村,番地,住所の状態,ステータス\n\
A,エー商事,100-0001,東京都,千代田区,千代田1-1,,顧客\n\
B,ビー工業,530-0001,大阪府,大阪市北区,梅田1-1,不達,顧客\n\
C,シー産業,460-0001,愛知県,名古屋市中区,三の丸1-1,,顧客\n\
D,ディー物産,810-0001,福岡県,福岡市中央区,天神1-1,,失注\n\
E,イー販売,060-0001,北海道,札幌市中央区,北1条西1,,顧客\n"
            .as_bytes(),
    );
    import_bytes(
        &mut s,
        "contacts.csv",
        "顧客コード,氏名,部署,役職,郵便番号,住所,住所・メールの状態\n\
A,会社住所 太郎,営業部,課長,,,\n\
A,転居 次郎,総務部,,150-0001,東京都渋谷区神宮前1-1,移転\n\
B,会社不達 三郎,,,,,\n\
B,自宅 四郎,,,220-0001,神奈川県横浜市西区1-1,\n\
C,合併 五郎,,,,,\n\
D,失注先 六子,,,,,\n\
E,最近購入 七海,,,,,\n\
,住所なし 八郎,,,,,\n"
            .as_bytes(),
    );
    // 課長 → 部長: the list shows the current title only.
    let taro = fetch_all(&s, Kind::Contact, &ListQuery::default())
        .unwrap()
        .into_iter()
        .find(|c| c.display_name == "会社住所 太郎")
        .unwrap();
    let mut patch = Map::new();
    patch.insert("title".into(), json!("部長"));
    s.update(&ctx(), Kind::Contact, &taro.id, None, patch).unwrap();
    let id_of = |s: &Store, code: &str| {
        fetch_all(s, Kind::Company, &ListQuery::default())
            .unwrap()
            .into_iter()
            .find(|c| matches!(&c.record, Record::Company(co) if co.code.as_deref() == Some(code)))
            .unwrap()
            .id
    };
    let (a, c, e) = (id_of(&s, "A"), id_of(&s, "C"), id_of(&s, "E"));
    let mut rel = Map::new();
    rel.insert("company_id".into(), json!(c));
    rel.insert("relation".into(), json!("merged_into"));
    rel.insert("related_company_id".into(), json!(a));
    s.create_fields(&ctx(), Kind::CompanyRelation, rel).unwrap();
    let mut p = Map::new();
    p.insert("company_id".into(), json!(e));
    p.insert("product_name".into(), json!("大福クラウド"));
    p.insert("contract_date".into(), json!("2026-03-20"));
    s.create_fields(&ctx(), Kind::Purchase, p).unwrap();

    let run = |s: &mut Store, options: MailingOptions| match api::execute(
        s,
        &ctx(),
        Command::MailingList { options, export: Some(ExportOptions::default()), path: None },
    )
    .unwrap()
    {
        Response::MailingList(r) => r,
        _ => unreachable!(),
    };
    let r = run(&mut s, MailingOptions::default());
    let names: Vec<&str> = r.list.rows.iter().map(|r| r.name.as_str()).collect();
    assert_eq!(names, vec!["会社住所 太郎", "失注先 六子", "最近購入 七海", "自宅 四郎"]);
    let taro_row = r.list.rows.iter().find(|r| r.name == "会社住所 太郎").unwrap();
    assert_eq!(taro_row.title.as_deref(), Some("部長"));
    assert_eq!(
        (taro_row.postal_code.as_deref(), taro_row.address.as_str()),
        (Some("100-0001"), "東京都千代田区千代田1-1")
    );
    let shiro = r.list.rows.iter().find(|r| r.name == "自宅 四郎").unwrap();
    assert_eq!(shiro.address, "神奈川県横浜市西区1-1");
    let x = &r.list.excluded;
    assert_eq!(
        (x.contact_moved, x.company_bounced, x.company_closed, x.no_address, x.bought_recently, x.company_status),
        (1, 1, 1, 1, 0, 0)
    );
    let file = r.file.unwrap();
    let rows =
        csv_rows(std::str::from_utf8(&import::decode_base64(file.base64.as_deref().unwrap()).unwrap()[3..]).unwrap());
    assert_eq!(rows[0], vec!["郵便番号", "住所", "会社名", "部署", "役職", "氏名", "敬称"]);
    assert_eq!(rows.len(), 5);

    let r = run(
        &mut s,
        MailingOptions {
            exclude_bought_within_days: Some(30),
            exclude_status: vec!["lost".into()],
            ..Default::default()
        },
    );
    let names: Vec<&str> = r.list.rows.iter().map(|r| r.name.as_str()).collect();
    assert_eq!(names, vec!["会社住所 太郎", "自宅 四郎"]);
    assert_eq!((r.list.excluded.bought_recently, r.list.excluded.company_status), (1, 1));
}

fn daifuku(db: &Path, args: &[&str]) -> std::process::Output {
    common::cli(db, NOW, args)
}

#[test]
fn cli_export_kinds_formats_and_encodings() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("crm.db");
    let src = dir.path().join("companies.csv");
    std::fs::write(&src, COMPANIES).unwrap();
    let out = daifuku(&db, &["import", src.to_str().unwrap()]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));

    let sjis = dir.path().join("sjis.csv");
    let out = daifuku(
        &db,
        &[
            "export",
            "--kind",
            "companies",
            "--format",
            "csv",
            "--encoding",
            "sjis",
            "--filter",
            "prefecture=大阪府",
            "--out",
            sjis.to_str().unwrap(),
        ],
    );
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let file = std::fs::read(&sjis).unwrap();
    let (text, _, bad) = encoding_rs::SHIFT_JIS.decode(&file);
    assert!(!bad);
    assert_eq!(csv_rows(&text).len(), 2);
    assert!(text.contains("㈱髙橋製作所"));

    // CSV to stdout (no BOM on a pipe).
    let out = daifuku(&db, &["export", "--kind", "company", "--format", "csv"]);
    assert!(out.status.success());
    assert!(out.stdout.starts_with("ID,".as_bytes()));

    let xlsx = dir.path().join("c.xlsx");
    let out =
        daifuku(&db, &["export", "--kind", "companies", "--format", "xlsx", "--out", xlsx.to_str().unwrap(), "--json"]);
    assert!(out.status.success());
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["rows"], 3);
    assert!(open_workbook_auto_from_rs(Cursor::new(std::fs::read(&xlsx).unwrap())).is_ok());
    let out = daifuku(&db, &["export", "--kind", "companies", "--format", "xlsx"]);
    assert!(!out.status.success(), "xlsx needs --out");

    // Without --kind: the whole database as before.
    let out = daifuku(&db, &["export"]);
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["format"], "daifuku-export");

    let out = daifuku(&db, &["mailing-list", "--json"]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["list"]["rows"].as_array().unwrap().len(), 0, "no contacts yet");
}
