//! Phone numbers as Japanese offices write them, through an import and the
//! CLI (issue #20, items 1 and 2): main-line and direct-line annotations,
//! extensions, ranges, `代表:` / `TEL` / `FAX` labels, two numbers in one cell,
//! full-width digits, and numbers that cannot exist.

use crate::common;

use std::path::Path;

use daifuku::export::fetch_all;
use daifuku::import::{self, Flow, ImportOptions, ImportPreview, RowAction};
use daifuku::model::{Company, Contact};
use daifuku::store::ListQuery;
use daifuku::{Ctx, Kind, Record, Store};
use serde_json::Value;

const NOW: i64 = 1_775_000_000_000; // 2026-04-01 (Japan)

fn ctx() -> Ctx {
    Ctx::new(NOW, "test-device")
}

fn store() -> Store {
    let mut s = Store::open_in_memory().unwrap();
    s.seed_ids(20);
    s
}

/// A sheet as Excel saves it with 「CSV (コンマ区切り)」: CP932, CRLF, the
/// cells holding a comma or a quote quoted.
fn excel_csv(rows: &[&[&str]]) -> Vec<u8> {
    let mut text = String::new();
    for row in rows {
        let cells: Vec<String> = row
            .iter()
            .map(|c| if c.contains([',', '"']) { format!("\"{}\"", c.replace('"', "\"\"")) } else { c.to_string() })
            .collect();
        text.push_str(&cells.join(","));
        text.push_str("\r\n");
    }
    let (bytes, _, unmappable) = encoding_rs::SHIFT_JIS.encode(&text);
    assert!(!unmappable, "the test file holds only CP932 characters");
    bytes.into_owned()
}

fn preview(s: &Store, bytes: &[u8], kind: Kind) -> ImportPreview {
    let opts = ImportOptions { kind: Some(kind), ..Default::default() };
    let raw = import::read("list.csv", bytes, &opts).unwrap();
    s.import_preview(&raw, &opts, &mut |_| Flow::Continue).unwrap()
}

fn apply(s: &mut Store, bytes: &[u8], kind: Kind) -> import::ImportReport {
    let opts = ImportOptions { kind: Some(kind), ..Default::default() };
    let raw = import::read("list.csv", bytes, &opts).unwrap();
    s.import_apply(&ctx(), &raw, &opts, true, &mut |_| Flow::Continue).unwrap()
}

fn companies(s: &Store) -> Vec<(String, Company)> {
    let mut out: Vec<(String, Company)> = fetch_all(s, Kind::Company, &ListQuery::default())
        .unwrap()
        .into_iter()
        .map(|st| match st.record {
            Record::Company(c) => (st.id, c),
            _ => unreachable!(),
        })
        .collect();
    out.sort_by(|a, b| a.1.code.cmp(&b.1.code));
    out
}

fn contacts(s: &Store) -> Vec<Contact> {
    let mut out: Vec<Contact> = fetch_all(s, Kind::Contact, &ListQuery::default())
        .unwrap()
        .into_iter()
        .map(|st| match st.record {
            Record::Contact(c) => c,
            _ => unreachable!(),
        })
        .collect();
    out.sort_by(|a, b| a.family_name.cmp(&b.family_name));
    out
}

/// (code, field, detail) of a warning or error.
type Note = (String, String, Option<String>);
/// (code or family name, phone, fax or mobile, memo)
type Phones = (String, Option<String>, Option<String>, Option<String>);

/// (code, field, detail) of a row's warnings or errors.
fn notes(list: &[daifuku::error::FieldError]) -> Vec<Note> {
    list.iter().map(|e| (e.code.clone(), e.field.clone(), e.detail.clone())).collect()
}

fn w(code: &str, field: &str, detail: &str) -> Note {
    (code.into(), field.into(), Some(detail.into()))
}

const HEADER: &[&str] = &["顧客コード", "会社名", "TEL", "FAX", "備考"];

/// (code, name, TEL, FAX, 備考)
const COMPANY_ROWS: &[[&str; 5]] = &[
    ["C01", "株式会社山田商事", "03-1234-5678(代)", "03-1234-5699", ""],
    ["C02", "高岡物産株式会社", "0766-26-5865（代）", "", ""],
    ["C03", "名古屋精機株式会社", "052-222-8256（代表）", "", ""],
    ["C04", "丸の内商会", "03-3456-7890 内線123", "", ""],
    ["C05", "なにわ工業株式会社", "06-1234-5678（直通）", "", ""],
    ["C06", "有限会社青葉", "代表:03-5555-1234", "FAX:03-5555-1235", ""],
    ["C07", "株式会社レンジ", "03-2222-3330～9", "", ""],
    ["C08", "二番商事", "03-4444-5555/03-4444-5556", "", "取引開始 2019年"],
    ["C09", "テルファクス株式会社", "TEL 03-6666-7777 FAX 03-6666-7778", "", ""],
    ["C10", "全角電話株式会社", "０３－３２１０－９８７６（代）", "", ""],
    ["C11", "桁多すぎ株式会社", "03-1234-56789", "", ""],
    ["C12", "フリーダイヤル株式会社", "03-3333-4444", "0120-12-345", ""],
    ["C13", "エクセル数値株式会社", "312345670", "", ""],
];

fn company_file() -> Vec<u8> {
    let mut rows: Vec<&[&str]> = vec![HEADER];
    rows.extend(COMPANY_ROWS.iter().map(|r| &r[..]));
    excel_csv(&rows)
}

#[test]
fn a_cp932_company_list_with_annotated_numbers_imports_every_good_row() {
    let mut s = store();
    let bytes = company_file();
    let p = preview(&s, &bytes, Kind::Company);
    assert_eq!(p.encoding, Some(import::TextEncoding::ShiftJis));
    let by_row = |row: u32| p.rows.iter().find(|r| r.row == row).unwrap_or_else(|| panic!("row {row}"));
    // Row numbers as the spreadsheet shows them: the header is row 1.
    let expect_warnings: &[(u32, Vec<Note>)] = &[
        (2, vec![w("phone_annotation", "phone", "代表番号")]),
        (3, vec![w("phone_annotation", "phone", "代表番号")]),
        (4, vec![w("phone_annotation", "phone", "代表番号")]),
        (5, vec![w("phone_annotation", "phone", "内線 123")]),
        (6, vec![w("phone_annotation", "phone", "直通")]),
        (7, vec![w("phone_annotation", "phone", "代表番号")]),
        (8, vec![w("phone_annotation", "phone", "～9")]),
        (9, vec![w("phone_second_number", "phone", "03-4444-5556 → メモ")]),
        (10, vec![w("phone_second_number", "phone", "03-6666-7778 → FAX")]),
        (11, vec![w("phone_annotation", "phone", "代表番号")]),
        (14, vec![w("leading_zero_restored", "phone", "312345670 → 0312345670")]),
    ];
    for (row, want) in expect_warnings {
        let plan = by_row(*row);
        assert_eq!(plan.action, RowAction::Create, "row {row}: {:?}", plan.errors);
        assert_eq!(&notes(&plan.warnings), want, "row {row}");
    }
    // Numbers that cannot exist are row errors naming the number.
    let bad = by_row(12);
    assert_eq!(bad.action, RowAction::Error);
    assert_eq!(notes(&bad.errors), vec![w("impossible_phone", "phone", "03-1234-56789")]);
    assert!(bad.errors[0].message.contains("10 digits"), "{}", bad.errors[0].message);
    let bad = by_row(13);
    assert_eq!(bad.action, RowAction::Error);
    assert_eq!(notes(&bad.errors), vec![w("impossible_phone", "fax", "0120-12-345")]);
    assert_eq!((p.summary.rows, p.summary.create, p.summary.error), (13, 11, 2));

    let report = apply(&mut s, &bytes, Kind::Company);
    assert_eq!((report.created, report.failed, report.failed_rows.clone()), (11, 2, vec![12, 13]));
    let stored: Vec<Phones> =
        companies(&s).into_iter().map(|(_, c)| (c.code.unwrap_or_default(), c.phone, c.fax, c.notes)).collect();
    let some = |s: &str| Some(s.to_string());
    let want = vec![
        ("C01".to_string(), some("03-1234-5678 (代表)"), some("03-1234-5699"), None),
        ("C02".into(), some("0766-26-5865 (代表)"), None, None),
        ("C03".into(), some("052-222-8256 (代表)"), None, None),
        ("C04".into(), some("03-3456-7890 内線 123"), None, None),
        ("C05".into(), some("06-1234-5678 (直通)"), None, None),
        ("C06".into(), some("03-5555-1234 (代表)"), some("03-5555-1235"), None),
        ("C07".into(), some("03-2222-3330 ～9"), None, None),
        ("C08".into(), some("03-4444-5555"), None, some("取引開始 2019年\n電話番号(2): 03-4444-5556")),
        ("C09".into(), some("03-6666-7777"), some("03-6666-7778"), None),
        ("C10".into(), some("03-3210-9876 (代表)"), None, None),
        ("C13".into(), some("03-1234-5670"), None, None),
    ];
    assert_eq!(stored, want);

    // Search by the bare number finds the annotated records.
    let find = |q: &str| -> Vec<String> {
        s.search(q, 20, &[Kind::Company]).unwrap().into_iter().filter_map(|h| h.code).collect()
    };
    assert_eq!(find("0312345678"), vec!["C01".to_string()]);
    assert_eq!(find("03-3456-7890"), vec!["C04".to_string()]);
    assert_eq!(find("0766265865"), vec!["C02".to_string()]);
    assert_eq!(find("03-6666-7778"), vec!["C09".to_string()]);

    // Importing the same file again matches every record (name + the
    // annotated number's key): nothing new, nothing changed.
    let again = preview(&s, &bytes, Kind::Company);
    assert_eq!((again.summary.create, again.summary.update, again.summary.error), (0, 11, 2));
    let before = companies(&s);
    apply(&mut s, &bytes, Kind::Company);
    assert_eq!(companies(&s), before);
}

#[test]
fn a_second_number_goes_to_the_empty_mobile_field_or_the_memo() {
    let mut s = store();
    let bytes = excel_csv(&[
        &["会社名", "姓", "名", "電話番号", "携帯電話", "メモ"],
        &["株式会社山田商事", "山田", "太郎", "03-1234-5678・090-1234-5678", "", ""],
        &["株式会社山田商事", "佐藤", "花子", "03-1234-5678 内線 45/080-1111-2222", "090-9999-8888", "週末は不在"],
        &["株式会社山田商事", "鈴木", "一郎", "携帯 070-3333-4444", "", ""],
        &["株式会社山田商事", "田中", "次郎", "03-1234-5678(直通)・03-1234-5600(代)", "", ""],
    ]);
    let p = preview(&s, &bytes, Kind::Contact);
    let warnings: Vec<Vec<Note>> = p
        .rows
        .iter()
        .map(|r| notes(&r.warnings).into_iter().filter(|(c, _, _)| c.starts_with("phone")).collect())
        .collect();
    assert_eq!(
        warnings,
        vec![
            vec![w("phone_second_number", "phone", "090-1234-5678 → 携帯電話")],
            vec![w("phone_annotation", "phone", "内線 45"), w("phone_second_number", "phone", "080-1111-2222 → メモ")],
            vec![],
            vec![
                w("phone_annotation", "phone", "直通"),
                w("phone_second_number", "phone", "03-1234-5600 (代表) → メモ")
            ],
        ]
    );
    let report = apply(&mut s, &bytes, Kind::Contact);
    assert_eq!((report.created, report.failed), (4, 0));
    let got: Vec<Phones> = contacts(&s).into_iter().map(|c| (c.family_name, c.phone, c.mobile, c.memos)).collect();
    let some = |s: &str| Some(s.to_string());
    let mut want = vec![
        ("山田".to_string(), some("03-1234-5678"), some("090-1234-5678"), None),
        (
            "佐藤".into(),
            some("03-1234-5678 内線 45"),
            some("090-9999-8888"),
            some("週末は不在\n電話番号(2): 080-1111-2222"),
        ),
        ("鈴木".into(), some("070-3333-4444"), None, None),
        ("田中".into(), some("03-1234-5678 (直通)"), None, some("電話番号(2): 03-1234-5600 (代表)")),
    ];
    want.sort_by(|a, b| a.0.cmp(&b.0));
    assert_eq!(got, want);
    // The mobile number moved out of the phone cell is found by search.
    let hits = s.search("09012345678", 20, &[Kind::Contact]).unwrap();
    assert_eq!(hits.iter().map(|h| h.display_name.as_str()).collect::<Vec<_>>(), vec!["山田 太郎"]);
}

// ---- the CLI ----

fn daifuku(db: &Path, args: &[&str]) -> std::process::Output {
    common::cli(db, NOW, args)
}

#[test]
fn the_cli_stores_annotated_numbers_and_refuses_impossible_ones() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("crm.db");
    let out = daifuku(&db, &["company", "add", "--name", "X", "--phone", "03-1234-5678(代)", "--json"]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["data"]["phone"].as_str(), Some("03-1234-5678 (代表)"));

    let out = daifuku(&db, &["company", "add", "--name", "Y", "--phone", "03-1234-56789", "--json"]);
    assert_eq!(out.status.code(), Some(1));
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!((v["code"].as_str(), v["field"].as_str()), (Some("impossible_phone"), Some("phone")));
    assert_eq!(v["details"][0]["detail"].as_str(), Some("03-1234-56789"));

    let out = daifuku(&db, &["company", "add", "--name", "Z", "--phone", "03-1234-5678/03-1234-5679"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("phone_multiple (phone)"));
}
