//! Files that cannot hurt (issue 20, 5c–5e): CSV exports never carry live
//! formulas and come back as typed; XLSX exports cut a cell over Excel's
//! limit with a mark instead of failing; Shift_JIS exports map the wave dash
//! and its relatives and list what they cannot hold; fields have sizes, and
//! a huge value is refused through the API, the CLI and an import row.

use crate::common;

use std::io::Cursor;
use std::path::Path;

use calamine::{open_workbook_auto_from_rs, Data, Reader};
use daifuku::api::{self, Command, Response};
use daifuku::export::mailing::MailingOptions;
use daifuku::export::{
    csv_bytes, fit_excel_cell, Cell, ExportFormat, ExportOptions, ExportResult, Sheet, XLSX_CELL_MAX,
};
use daifuku::import::{self, FileSource, Flow, ImportOptions, RowAction, TextEncoding};
use daifuku::store::ListQuery;
use daifuku::{ApiError, Ctx, Kind, Store};
use serde_json::{json, Map, Value};

const NOW: i64 = 1_775_000_000_000; // 2026-04-01 (Japan)

fn ctx() -> Ctx {
    Ctx::new(NOW, "test-device")
}

fn store() -> Store {
    let mut s = Store::open_in_memory().unwrap();
    s.seed_ids(20);
    s
}

fn fields(v: Value) -> Map<String, Value> {
    v.as_object().unwrap().clone()
}

fn add(s: &mut Store, kind: Kind, v: Value) -> Result<String, ApiError> {
    match api::execute(s, &ctx(), Command::Add { kind, fields: fields(v) })? {
        Response::Record(r) => Ok(r.id),
        other => panic!("unexpected {other:?}"),
    }
}

fn export(s: &mut Store, kind: Kind, options: ExportOptions) -> ExportResult {
    let cmd = Command::Export { kind, query: ListQuery::default(), options, path: None };
    match api::execute(s, &ctx(), cmd).unwrap() {
        Response::Exported(r) => r,
        other => panic!("unexpected {other:?}"),
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

/// The cell of `column` in the data row whose `key` column is `value`.
fn cell<'a>(rows: &'a [Vec<String>], key: &str, value: &str, column: &str) -> &'a str {
    let header = &rows[0];
    let at = |h: &str| header.iter().position(|x| x == h).unwrap_or_else(|| panic!("no column {h}"));
    let row = rows[1..].iter().find(|r| r[at(key)] == value).unwrap_or_else(|| panic!("no row {key}={value}"));
    &row[at(column)]
}

/// Values a spreadsheet would run as formulas, by field of a company.
const HOSTILE: [(&str, &str); 6] = [
    ("name", "=HYPERLINK(\"http://x\",\"y\")"),
    ("code", "-5"),
    ("representative", "+81"),
    ("industry", "@SUM(A1)"),
    ("city", "=1+3"),
    ("notes", "\t字下げしたメモ"),
];

#[test]
fn csv_export_neutralises_formulas_and_import_gives_the_text_back() {
    let mut s = store();
    let mut v = Map::new();
    for (f, x) in HOSTILE {
        v.insert(f.into(), json!(x));
    }
    v.insert("phone".into(), json!("03-1234-5678"));
    let id = add(&mut s, Kind::Company, Value::Object(v)).unwrap();
    add(&mut s, Kind::Company, json!({"name": "株式会社 山田商事", "code": "C001"})).unwrap();
    add(&mut s, Kind::CompanyFinancial, json!({"company_id": id, "fiscal_year": 2025, "ordinary_profit": -5_000_000}))
        .unwrap();

    let r = export(&mut s, Kind::Company, ExportOptions::default());
    let b = bytes(&r);
    let rows = csv_rows(std::str::from_utf8(&b[3..]).unwrap());
    let at = |label: &str| cell(&rows, "電話番号", "03-1234-5678", label).to_string();
    assert_eq!(at("会社名"), "'=HYPERLINK(\"http://x\",\"y\")");
    assert_eq!(at("顧客コード"), "'-5");
    assert_eq!(at("代表者"), "'+81");
    assert_eq!(at("業種"), "'@SUM(A1)");
    assert_eq!(at("市区町村"), "'=1+3");
    assert_eq!(at("メモ"), "'\t字下げしたメモ");
    assert_eq!(at("電話番号"), "03-1234-5678", "other cells are written as they are");
    assert_eq!(cell(&rows, "顧客コード", "C001", "会社名"), "株式会社 山田商事");
    assert!(r.warnings.is_empty(), "{:?}", r.warnings);

    // A number column is no text: a negative amount is written as a number.
    let r = export(&mut s, Kind::CompanyFinancial, ExportOptions::default());
    let rows = csv_rows(std::str::from_utf8(&bytes(&r)[3..]).unwrap());
    assert_eq!(cell(&rows, "年度", "2025", "経常利益"), "-5000000");

    // Export → import into a new database gives the text as typed.
    let mut fresh = store();
    let opts = ImportOptions { kind: Some(Kind::Company), ..Default::default() };
    let raw = import::read("companies.csv", &b, &opts).unwrap();
    let report = fresh.import_apply(&ctx(), &raw, &opts, false, &mut |_| Flow::Continue).unwrap();
    assert_eq!(report.created, 2);
    let back = daifuku::export::fetch_all(&fresh, Kind::Company, &ListQuery::default()).unwrap();
    let hostile = back.iter().find(|c| c.display_name.starts_with("=HYPERLINK")).expect("the hostile company");
    let f = hostile.record.to_fields();
    for (field, typed) in HOSTILE {
        assert_eq!(f[field], json!(typed), "{field}");
    }
    // A `'` a user typed elsewhere, or before other text, stays.
    for typed in ["'quoted'", "O'Reilly", "'株式会社"] {
        assert_eq!(import::values::unneutralise(typed), typed);
    }
    assert_eq!(import::values::unneutralise("'=1+3"), "=1+3");
}

#[test]
fn csv_sheet_neutralises_every_formula_start_and_leaves_numbers() {
    let sheet = Sheet {
        name: "t".into(),
        headers: vec!["a".into(), "b".into(), "c".into(), "d".into()],
        rows: vec![
            vec![Cell::Text("\r=1+3".into()), Cell::Text("\t=1+3".into()), Cell::Int(-5), Cell::Float(-0.5)],
            vec![Cell::Text("-5".into()), Cell::Text("@x".into()), Cell::Text("+1".into()), Cell::Text("a=b".into())],
        ],
        titles: vec![],
    };
    for encoding in [TextEncoding::Utf8, TextEncoding::ShiftJis] {
        let (b, warnings) = csv_bytes(&sheet, encoding).unwrap();
        let (text, _, bad) = match encoding {
            TextEncoding::Utf8 => encoding_rs::UTF_8.decode(&b),
            _ => encoding_rs::SHIFT_JIS.decode(&b),
        };
        assert!(!bad && warnings.is_empty());
        let rows = csv_rows(text.trim_start_matches('\u{feff}'));
        assert_eq!(rows[1], ["'\r=1+3", "'\t=1+3", "-5", "-0.5"]);
        assert_eq!(rows[2], ["'-5", "'@x", "'+1", "a=b"]);
    }
}

#[test]
fn xlsx_export_cuts_a_cell_over_excels_limit_with_a_mark_and_a_warning() {
    let mut s = store();
    // 40,000 characters, one of them outside the BMP (two UTF-16 units in Excel).
    let memo: String = "𠮷".to_string() + &"議事録の本文です。".repeat(4_444) + "末尾。";
    assert_eq!(memo.chars().count(), 1 + 4_444 * 9 + 3);
    let full = memo.chars().count();
    add(&mut s, Kind::Company, json!({"name": "株式会社 長文商事", "notes": memo, "city": "=1+3"})).unwrap();
    add(&mut s, Kind::Company, json!({"name": "株式会社 短文商事", "notes": "短いメモ"})).unwrap();

    let r = export(&mut s, Kind::Company, ExportOptions { format: ExportFormat::Xlsx, ..Default::default() });
    assert_eq!(r.rows, 2);
    let mut book = open_workbook_auto_from_rs(Cursor::new(bytes(&r))).unwrap();
    let sheet_name = book.sheet_names()[0].clone();
    let range = book.worksheet_range(&sheet_name).unwrap();
    let text = |c: &Data| match c {
        Data::String(s) => s.clone(),
        Data::Empty => String::new(),
        other => other.to_string(),
    };
    let rows: Vec<Vec<String>> = range.rows().map(|r| r.iter().map(text).collect()).collect();
    let cut = cell(&rows, "会社名", "株式会社 長文商事", "メモ");
    assert!(cut.encode_utf16().count() <= XLSX_CELL_MAX, "{} UTF-16 units", cut.encode_utf16().count());
    assert!(cut.chars().count() > 32_000, "cut near the limit, not far below");
    assert!(cut.ends_with(&format!("…［以下省略：全{}文字］", "40,000")), "{}", &cut[cut.len() - 60..]);
    assert!(cut.starts_with("𠮷議事録の本文です。"));
    assert_eq!(full, 40_000);
    assert_eq!(cell(&rows, "会社名", "株式会社 短文商事", "メモ"), "短いメモ");

    // Every text cell is a string, never a formula (`=1+3` stays text).
    assert_eq!(cell(&rows, "会社名", "株式会社 長文商事", "市区町村"), "=1+3");
    let formulas = book.worksheet_formula(&sheet_name).unwrap();
    assert!(formulas.used_cells().all(|(_, _, f)| f.is_empty()), "no formulas");
    let header = range.rows().next().unwrap();
    let city = header.iter().position(|h| h == &Data::String("市区町村".into())).unwrap();
    assert!(range.rows().skip(1).any(|r| r[city] == Data::String("=1+3".into())));

    assert_eq!(r.warnings.len(), 1, "{:?}", r.warnings);
    let w = &r.warnings[0];
    assert_eq!(w.code, "cell_truncated");
    assert_eq!(w.record.as_deref(), Some("株式会社 長文商事"));
    assert_eq!(w.field.as_deref(), Some("メモ"));
    assert_eq!(w.detail.as_deref(), Some("40000"));
    assert!(w.row.is_some_and(|r| r >= 2));
}

#[test]
fn fit_excel_cell_at_the_limit() {
    let at = "あ".repeat(XLSX_CELL_MAX);
    let (same, n) = fit_excel_cell(&at);
    assert_eq!((same, n), (at.as_str().into(), None));
    let over = "あ".repeat(XLSX_CELL_MAX + 1);
    let (cut, n) = fit_excel_cell(&over);
    assert_eq!(n, Some(XLSX_CELL_MAX + 1));
    assert_eq!(cut.encode_utf16().count(), XLSX_CELL_MAX, "filled up to the limit");
    assert!(cut.ends_with("…［以下省略：全32,768文字］"));
    // Characters outside the BMP count twice: 16,384 of them are over.
    let wide = "𠮷".repeat(16_384);
    let (cut, n) = fit_excel_cell(&wide);
    assert_eq!(n, Some(16_384));
    assert!(cut.encode_utf16().count() <= XLSX_CELL_MAX);
    assert!(fit_excel_cell(&"𠮷".repeat(16_383)).1.is_none());
}

#[test]
fn shift_jis_export_maps_the_wave_dash_and_lists_what_it_cannot_hold() {
    let mut s = store();
    add(&mut s, Kind::Company, json!({"name": "株式会社〜波線", "notes": "−5℃ ‖ ¢£¬ — 𠮷野家で会食"})).unwrap();
    add(&mut s, Kind::Company, json!({"name": "株式会社 山田商事", "notes": "普通のメモ"})).unwrap();
    let opts = ExportOptions { encoding: Some(TextEncoding::ShiftJis), ..Default::default() };
    let r = export(&mut s, Kind::Company, opts);
    let b = bytes(&r);
    let (text, _, bad) = encoding_rs::SHIFT_JIS.decode(&b);
    assert!(!bad);
    let rows = csv_rows(&text);
    assert_eq!(cell(&rows, "会社名", "株式会社～波線", "メモ"), "－5℃ ∥ ￠￡￢ ― 〓野家で会食");
    assert_eq!(cell(&rows, "会社名", "株式会社 山田商事", "メモ"), "普通のメモ");
    assert_eq!(r.warnings.len(), 1, "{:?}", r.warnings);
    let w = &r.warnings[0];
    assert_eq!(w.code, "unencodable_chars");
    assert_eq!(w.record.as_deref(), Some("株式会社〜波線"), "the record as stored");
    assert_eq!(w.field.as_deref(), Some("メモ"));
    assert_eq!(w.detail.as_deref(), Some("𠮷"));
    assert!(w.message.contains("U+20BB7"), "{}", w.message);

    // The mailing list (DM) names the contact whose name Shift_JIS cannot hold.
    let company = add(
        &mut s,
        Kind::Company,
        json!({"name": "吉野商店", "postal_code": "100-0001", "prefecture": "東京都", "city": "千代田区", "street": "千代田1-1"}),
    )
    .unwrap();
    add(&mut s, Kind::Contact, json!({"company_id": company, "family_name": "𠮷田", "given_name": "一郎"})).unwrap();
    let cmd = Command::MailingList {
        options: MailingOptions::default(),
        export: Some(ExportOptions { encoding: Some(TextEncoding::ShiftJis), ..Default::default() }),
        path: None,
    };
    let Response::MailingList(m) = api::execute(&mut s, &ctx(), cmd).unwrap() else { panic!() };
    let file = m.file.unwrap();
    let b = import::decode_base64(file.base64.as_deref().unwrap()).unwrap();
    assert!(encoding_rs::SHIFT_JIS.decode(&b).0.contains("〓田 一郎"));
    assert_eq!(file.warnings.len(), 1, "{:?}", file.warnings);
    assert_eq!(file.warnings[0].record.as_deref(), Some("𠮷田 一郎"));
    assert_eq!(file.warnings[0].field.as_deref(), Some("氏名"));
}

/// A company name of `mb` megabytes (Japanese, 3 bytes a character in UTF-8).
fn huge_name(mb: usize) -> String {
    "株式会社".to_string() + &"巨大商事".repeat(mb * 1024 * 1024 / 12)
}

#[test]
fn a_huge_company_name_is_refused_through_the_api() {
    let mut s = store();
    let e = add(&mut s, Kind::Company, json!({"name": huge_name(50)})).unwrap_err();
    assert_eq!((e.code.as_str(), e.field.as_deref()), ("too_long", Some("name")));
    assert_eq!(e.details[0].detail.as_deref(), Some("1000"));
    assert!(e.message.contains("1000") && e.message.contains("17476268"), "{}", e.message);
    assert_eq!(daifuku::export::fetch_all(&s, Kind::Company, &ListQuery::default()).unwrap().len(), 0);
    // Exactly at the limit is fine.
    let id = add(&mut s, Kind::Company, json!({"name": "株".repeat(1000)})).unwrap();
    let e = api::execute(
        &mut s,
        &ctx(),
        Command::Patch {
            kind: Kind::Company,
            id,
            version: None,
            fields: fields(json!({"notes": "メ".repeat(100_001)})),
        },
    )
    .unwrap_err();
    assert_eq!((e.code.as_str(), e.details[0].detail.as_deref()), ("too_long", Some("100000")));
}

/// A CP932 company list as Excel saves it, with a huge name in row 3.
fn company_csv_with_a_huge_name(mb: usize) -> Vec<u8> {
    let text = format!(
        "会社名,電話番号,メモ\r\n株式会社 一番商事,03-1234-5678,普通の行\r\n{},06-2222-3333,巨大な行\r\n有限会社 三番企画,011-222-3333,普通の行\r\n",
        huge_name(mb)
    );
    encoding_rs::SHIFT_JIS.encode(&text).0.into_owned()
}

#[test]
fn a_huge_cell_fails_its_row_of_an_import_and_the_rest_imports() {
    let mut s = store();
    let csv = company_csv_with_a_huge_name(5);
    let opts = ImportOptions::default();
    let raw = import::read("会社一覧.csv", &csv, &opts).unwrap();
    let p = s.import_preview(&raw, &opts, &mut |_| Flow::Continue).unwrap();
    assert_eq!((p.summary.create, p.summary.error), (2, 1));
    let bad = p.rows.iter().find(|r| r.action == RowAction::Error).unwrap();
    assert_eq!(bad.row, 3);
    assert_eq!(bad.errors[0].code, "too_long");
    assert_eq!(bad.errors[0].field, "name");
    assert_eq!(bad.errors[0].detail.as_deref(), Some("1000"));
    assert!(bad.display_name.len() < 10_000, "the preview does not carry the 5 MB name");
    // The error CSV cuts the cell as Excel would, with the mark.
    let err_csv = p.error_csv.as_ref().unwrap().bytes().unwrap();
    assert!(err_csv.len() < 200_000, "{} bytes", err_csv.len());
    assert!(String::from_utf8_lossy(&err_csv).contains("以下省略"));

    let report = s.import_apply(&ctx(), &raw, &opts, true, &mut |_| Flow::Continue).unwrap();
    assert_eq!((report.created, report.failed, report.failed_rows.clone()), (2, 1, vec![3]));
    let mut names: Vec<String> = daifuku::export::fetch_all(&s, Kind::Company, &ListQuery::default())
        .unwrap()
        .into_iter()
        .map(|c| c.display_name)
        .collect();
    names.sort();
    assert_eq!(names, ["有限会社 三番企画", "株式会社 一番商事"]);

    // The same in a vCard: the card is refused, the others import.
    let card = |n: &str| format!("BEGIN:VCARD\r\nVERSION:3.0\r\nN:{n};;;;\r\nFN:{n}\r\nORG:山田商事\r\nEND:VCARD\r\n");
    let vcf = card("山田 太郎") + &card(&"長".repeat(2 * 1024 * 1024)) + &card("佐藤 花子");
    let raw = import::read("連絡先.vcf", vcf.as_bytes(), &opts).unwrap();
    let p = s.import_preview(&raw, &opts, &mut |_| Flow::Continue).unwrap();
    assert_eq!(p.summary.error, 1, "{:?}", p.rows.iter().map(|r| &r.errors).collect::<Vec<_>>());
    assert_eq!(p.summary.create, 2);
    let bad = p.rows.iter().find(|r| r.action == RowAction::Error).unwrap();
    assert!(bad.errors.iter().all(|e| e.code == "too_long"), "{:?}", bad.errors);
}

#[test]
fn an_import_file_over_the_size_limit_is_refused_before_it_is_read() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("huge.csv");
    // A sparse file: its size without writing its bytes.
    let f = std::fs::File::create(&path).unwrap();
    f.set_len(import::MAX_FILE_BYTES + 1).unwrap();
    let e = FileSource::Path { path: path.to_string_lossy().into() }.load().unwrap_err();
    assert_eq!(e.code, "file_too_large");
    assert!(e.message.contains("201 MB") && e.message.contains("200 MB"), "{}", e.message);
    f.set_len(1024).unwrap();
    assert_eq!(FileSource::Path { path: path.to_string_lossy().into() }.load().unwrap().1.len(), 1024);
}

fn daifuku(db: &Path, args: &[&str]) -> std::process::Output {
    common::cli(db, NOW, args)
}

#[test]
fn the_cli_refuses_a_huge_name_and_imports_the_other_rows() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("crm.db");
    // The longest single argument Linux passes is 128 KiB.
    let long = "A".repeat(100_000);
    let out = daifuku(&db, &["company", "add", "--name", &long, "--json"]);
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr).to_string() + &String::from_utf8_lossy(&out.stdout);
    assert!(err.contains("too_long") && err.contains("1000"), "{}", &err[..err.len().min(500)]);

    let src = dir.path().join("会社一覧.csv");
    std::fs::write(&src, company_csv_with_a_huge_name(5)).unwrap();
    let out = daifuku(&db, &["import", src.to_str().unwrap()]);
    assert!(!out.status.success(), "all or nothing: a row has an error");
    let out = daifuku(&db, &["import", src.to_str().unwrap(), "--accept-errors", "--json"]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!((v["created"].as_u64(), v["failed_rows"].clone()), (Some(2), json!([3])), "{v}");
    let out = daifuku(&db, &["company", "list", "--json"]);
    let list: Value = serde_json::from_slice(&out.stdout).unwrap();
    let text = list.to_string();
    assert!(text.contains("株式会社 一番商事") && text.contains("有限会社 三番企画") && !text.contains("巨大商事"));
}
