//! Import through the core's public API: CSV in every encoding Japanese
//! offices have, Excel, vCard 2.1/3.0/4.0; mapping guessed and saved;
//! preview with row-level errors and the error CSV; upsert on natural keys
//! with the three on-match choices; all-or-nothing apply, cancel; the CLI.
//!
//! The csv-spectrum cases run when `DAIFUKU_CSV_SPECTRUM` names the
//! installed npm package (scripts/test.sh installs it: `npm install
//! --no-save --prefix target/csv-spectrum csv-spectrum`).

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use daifuku::export::fetch_all;
use daifuku::import::{
    self, ColumnMap, Flow, ImportOptions, ImportPreview, ImportReport, MappingSource, OnMatch, Phase, Progress,
    RowAction, SourceFormat, TextEncoding,
};
use daifuku::model::{Activity, Company, Contact, Purchase};
use daifuku::store::ListQuery;
use daifuku::{Ctx, Kind, Record, Store, Stored};
use serde_json::{json, Value};

const NOW: i64 = 1_775_000_000_000; // 2026-04-01 (Japan)

fn ctx() -> Ctx {
    Ctx::new(NOW, "test-device")
}

fn fixture(name: &str) -> Vec<u8> {
    let p = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/import").join(name);
    std::fs::read(&p).unwrap_or_else(|e| panic!("{}: {e}", p.display()))
}

/// A store in a database file, as the app and the CLI have: the apply then
/// plans its rows on a second thread, on its own read connection.
fn store() -> Store {
    static NEXT: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
    let n = NEXT.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join(format!("import-{}-{n}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    let mut s = Store::open(&dir.join("crm.db")).unwrap();
    s.seed_ids(7);
    s
}

/// A store in memory: the apply plans on the writing thread.
fn memory_store() -> Store {
    let mut s = Store::open_in_memory().unwrap();
    s.seed_ids(7);
    s
}

fn preview(s: &Store, name: &str, bytes: &[u8], opts: &ImportOptions) -> ImportPreview {
    let raw = import::read(name, bytes, opts).unwrap();
    s.import_preview(&raw, opts, &mut |_| Flow::Continue).unwrap()
}

fn apply(
    s: &mut Store,
    name: &str,
    bytes: &[u8],
    opts: &ImportOptions,
    accept_errors: bool,
) -> daifuku::Result<ImportReport> {
    let raw = import::read(name, bytes, opts)?;
    s.import_apply(&ctx(), &raw, opts, accept_errors, &mut |_| Flow::Continue)
}

fn all(s: &Store, kind: Kind) -> Vec<Stored> {
    fetch_all(s, kind, &ListQuery::default()).unwrap()
}

fn companies(s: &Store) -> Vec<(String, Company)> {
    let mut out: Vec<(String, Company)> = all(s, Kind::Company)
        .into_iter()
        .map(|st| match st.record {
            Record::Company(c) => (st.id, c),
            _ => unreachable!(),
        })
        .collect();
    out.sort_by(|a, b| a.1.code.cmp(&b.1.code).then(a.1.name.cmp(&b.1.name)));
    out
}

fn contacts(s: &Store) -> Vec<(String, Contact)> {
    let mut out: Vec<(String, Contact)> = all(s, Kind::Contact)
        .into_iter()
        .map(|st| match st.record {
            Record::Contact(c) => (st.id, c),
            _ => unreachable!(),
        })
        .collect();
    out.sort_by(|a, b| a.1.family_name.cmp(&b.1.family_name));
    out
}

fn by_code(s: &Store, code: &str) -> (String, Company) {
    companies(s)
        .into_iter()
        .find(|(_, c)| c.code.as_deref() == Some(code))
        .unwrap_or_else(|| panic!("no company {code}"))
}

fn opts(kind: Option<Kind>, on_match: OnMatch) -> ImportOptions {
    ImportOptions { kind, on_match, ..Default::default() }
}

/// Rows of an error CSV (BOM stripped): header, then rows.
fn parse_csv(bytes: &[u8]) -> Vec<Vec<String>> {
    let text = std::str::from_utf8(bytes.strip_prefix(&[0xEF, 0xBB, 0xBF][..]).expect("BOM")).unwrap();
    csv::ReaderBuilder::new()
        .has_headers(false)
        .from_reader(text.as_bytes())
        .records()
        .map(|r| r.unwrap().iter().map(str::to_string).collect())
        .collect()
}

fn changes_count(s: &Store) -> i64 {
    s.conn().query_row("SELECT COUNT(*) FROM changes", [], |r| r.get(0)).unwrap()
}

#[test]
fn utf8_csv_guesses_the_mapping_and_cleans_values() {
    let mut s = store();
    let bytes = fixture("companies_utf8.csv");
    let p = preview(&s, "companies_utf8.csv", &bytes, &ImportOptions::default());
    assert_eq!(p.kind, Kind::Company);
    assert_eq!(
        (p.format, p.encoding, p.delimiter.as_deref()),
        (SourceFormat::Csv, Some(TextEncoding::Utf8), Some(","))
    );
    assert_eq!(p.header_row, 1);
    assert_eq!(p.mapping_source, MappingSource::Guessed);
    let targets: Vec<(&str, Option<&str>)> =
        p.mapping.iter().map(|c| (c.header.as_str(), c.target.as_deref())).collect();
    assert_eq!(
        targets,
        vec![
            ("顧客コード", Some("code")),
            ("会社名", Some("name")),
            ("フリガナ", Some("name_reading")),
            ("法人番号", Some("corporate_number")),
            ("〒", Some("postal_code")),
            ("住所", Some("address")),
            ("TEL", Some("phone")),
            ("FAX", Some("fax")),
            ("代表者", Some("representative")),
            ("資本金", Some("capital")),
            ("従業員数", Some("employees")),
            ("業種", Some("industry")),
            ("E-mail", Some("email")),
            ("備考", Some("notes")),
        ]
    );
    assert_eq!((p.summary.rows, p.summary.create, p.summary.error), (4, 4, 0), "{:?}", p.rows);
    assert!(p.error_csv.is_none());
    assert!(p.targets.iter().any(|t| t.target == "address"));

    let r = apply(&mut s, "companies_utf8.csv", &bytes, &ImportOptions::default(), false).unwrap();
    assert_eq!((r.created, r.updated, r.failed), (4, 0, 0));
    let (_, yamada) = by_code(&s, "C001");
    assert_eq!(yamada.name, "株式会社 山田商事");
    assert_eq!(yamada.prefecture.as_deref(), Some("東京都"));
    assert_eq!(yamada.city.as_deref(), Some("千代田区"));
    assert_eq!(yamada.street.as_deref(), Some("丸の内1-2-3 丸の内ビル5F"));
    assert_eq!(yamada.postal_code.as_deref(), Some("100-0005"));
    assert_eq!(yamada.capital, Some(100_000_000));
    assert_eq!(yamada.employees, Some(120));
    assert_eq!(yamada.notes.as_deref(), Some("取引開始 2010年\n主要顧客"));
    let (_, takahashi) = by_code(&s, "C002");
    assert_eq!(takahashi.name, "㈱髙橋製作所");
    assert_eq!(takahashi.capital, Some(50_000_000));
    assert_eq!(takahashi.postal_code.as_deref(), Some("530-0001"));
    assert_eq!(takahashi.city.as_deref(), Some("大阪市北区"));
    assert_eq!(takahashi.notes.as_deref(), Some("\"特注品\", 短納期に強い"));
    let (_, sakura) = by_code(&s, "C003");
    assert_eq!(sakura.postal_code.as_deref(), Some("060-0001"));
    assert_eq!(sakura.notes.as_deref(), Some("①第一営業部の紹介"));
    assert_eq!(sakura.capital, Some(3_000_000));
}

#[test]
fn cp932_bom_and_utf16_files_import_the_same_records() {
    let mut reference = store();
    apply(&mut reference, "a.csv", &fixture("companies_utf8.csv"), &ImportOptions::default(), false).unwrap();
    let want: Vec<Company> = companies(&reference).into_iter().map(|(_, c)| c).collect();
    let cases = [
        ("companies_cp932.csv", TextEncoding::ShiftJis, ","),
        ("companies_bom_semicolon.csv", TextEncoding::Utf8, ";"),
        ("companies_utf16.txt", TextEncoding::Utf16le, "\t"),
    ];
    for (name, encoding, delimiter) in cases {
        let mut s = store();
        let bytes = fixture(name);
        let p = preview(&s, name, &bytes, &ImportOptions::default());
        assert_eq!(p.encoding, Some(encoding), "{name}");
        assert_eq!(p.delimiter.as_deref(), Some(delimiter), "{name}");
        assert!(p.notices.iter().all(|n| n.code != "file"), "{name}: {:?}", p.notices);
        apply(&mut s, name, &bytes, &ImportOptions::default(), false).unwrap();
        let got: Vec<Company> = companies(&s).into_iter().map(|(_, c)| c).collect();
        assert_eq!(got, want, "{name}");
    }
    // The wrong encoding, chosen by hand, is reported rather than silently kept.
    let s = store();
    let forced = ImportOptions { encoding: Some(TextEncoding::Utf8), ..Default::default() };
    let p = preview(&s, "x.csv", &fixture("companies_cp932.csv"), &forced);
    assert!(p.notices.iter().any(|n| n.code == "file"), "{:?}", p.notices);
}

#[test]
fn excel_style_quoting_survives() {
    let mut s = store();
    let csv = "会社名,備考\r\n\"A社, 本店\",\"1行目\r\n2行目 \"\"引用\"\"\"\r\n\"B社\",\"\"\r\n";
    apply(&mut s, "q.csv", csv.as_bytes(), &ImportOptions::default(), false).unwrap();
    let names: Vec<(String, Option<String>)> = companies(&s).into_iter().map(|(_, c)| (c.name, c.notes)).collect();
    assert_eq!(
        names,
        vec![("A社, 本店".to_string(), Some("1行目\r\n2行目 \"引用\"".to_string())), ("B社".to_string(), None),]
    );
}

/// What a row does with each on-match choice.
const UPSERT: &str = "顧客コード,会社名,電話番号,従業員数\n\
C001,山田商事,03-1234-5678,130\n\
,株式会社髙橋製作所,06-1111-2222,50\n\
C009,新規株式会社,03-9999-0000,5\n\
,合同会社みどり,,7\n";

fn seeded() -> Store {
    let mut s = store();
    apply(&mut s, "c.csv", &fixture("companies_utf8.csv"), &ImportOptions::default(), false).unwrap();
    s
}

#[test]
fn matching_rows_update_by_default() {
    let mut s = seeded();
    let p = preview(&s, "u.csv", UPSERT.as_bytes(), &ImportOptions::default());
    let actions: Vec<(u32, RowAction, Option<&str>)> =
        p.rows.iter().map(|r| (r.row, r.action, r.matched_by.as_deref())).collect();
    assert_eq!(
        actions,
        vec![
            (2, RowAction::Update, Some("code")),
            (3, RowAction::Update, Some("name+phone")),
            (4, RowAction::Create, None),
            (5, RowAction::Create, None),
        ]
    );
    assert_eq!(p.summary.duplicate_in_database, 2);
    // Same name, no key: a warning, not a silent merge.
    assert!(p.rows[3].warnings.iter().any(|w| w.code == "possible_duplicate"), "{:?}", p.rows[3]);
    let (yamada_id, _) = by_code(&s, "C001");
    assert_eq!(p.rows[0].target_id.as_deref(), Some(yamada_id.as_str()));

    let r = apply(&mut s, "u.csv", UPSERT.as_bytes(), &ImportOptions::default(), false).unwrap();
    assert_eq!((r.created, r.updated, r.skipped), (2, 2, 0));
    let (_, yamada) = by_code(&s, "C001");
    assert_eq!((yamada.employees, yamada.name.as_str()), (Some(130), "山田商事"));
    // Empty cells leave the record's values alone.
    assert_eq!(yamada.capital, Some(100_000_000));
    assert_eq!(by_code(&s, "C002").1.employees, Some(50));
    assert_eq!(companies(&s).len(), 6);
}

#[test]
fn matching_rows_can_be_skipped() {
    let mut s = seeded();
    let o = opts(None, OnMatch::Skip);
    let r = apply(&mut s, "u.csv", UPSERT.as_bytes(), &o, false).unwrap();
    assert_eq!((r.created, r.updated, r.skipped), (2, 0, 2));
    assert_eq!(by_code(&s, "C001").1.employees, Some(120));
    assert_eq!(by_code(&s, "C002").1.employees, Some(45));
}

#[test]
fn matching_rows_can_be_created_anyway_except_for_a_taken_code() {
    let mut s = seeded();
    let o = opts(None, OnMatch::Create);
    let p = preview(&s, "u.csv", UPSERT.as_bytes(), &o);
    assert_eq!(p.rows[0].action, RowAction::Error);
    assert_eq!(p.rows[0].errors[0].code, "duplicate_value");
    assert_eq!(p.rows[1].action, RowAction::Create);
    let r = apply(&mut s, "u.csv", UPSERT.as_bytes(), &o, true).unwrap();
    assert_eq!((r.created, r.failed, r.failed_rows.clone()), (3, 1, vec![2]));
    let takahashi: Vec<_> = companies(&s).into_iter().filter(|(_, c)| c.name.contains("髙橋製作所")).collect();
    assert_eq!(takahashi.len(), 2, "a second record to review as a duplicate");
}

#[test]
fn duplicates_within_the_file_become_one_record() {
    let mut s = store();
    let csv = "顧客コード,会社名,電話番号,メール\n\
C100,青葉商店,03-1111-0000,\n\
C100,青葉商店,,aoba@example.jp\n\
,あおば商店,03-1111-0000,\n\
,青葉商店,03-1111-0000,\n";
    let p = preview(&s, "d.csv", csv.as_bytes(), &ImportOptions::default());
    let got: Vec<(u32, RowAction, Option<u32>)> = p.rows.iter().map(|r| (r.row, r.action, r.same_as_row)).collect();
    assert_eq!(
        got,
        vec![
            (2, RowAction::Create, None),
            (3, RowAction::Update, Some(2)),
            (4, RowAction::Create, None),
            (5, RowAction::Update, Some(2)),
        ]
    );
    assert_eq!(p.summary.duplicate_in_file, 2);
    apply(&mut s, "d.csv", csv.as_bytes(), &ImportOptions::default(), false).unwrap();
    let cs = companies(&s);
    assert_eq!(cs.len(), 2);
    let (_, aoba) = by_code(&s, "C100");
    assert_eq!(aoba.email.as_deref(), Some("aoba@example.jp"));
    assert_eq!(aoba.phone.as_deref(), Some("03-1111-0000"));
}

const WITH_ERRORS: &str = "会社名,法人番号,メール,設立\n\
良い会社,,good@example.jp,2020-04-01\n\
悪いメール,,bad@@example,2020-04-01\n\
悪い法人番号,1234567890123,,2020-04-01\n\
悪い日付,,,2020-02-30\n\
令和の会社,,,令和2年4月1日\n";

#[test]
fn errors_are_listed_per_row_and_downloadable() {
    let mut s = store();
    let p = preview(&s, "e.csv", WITH_ERRORS.as_bytes(), &ImportOptions::default());
    assert_eq!((p.summary.create, p.summary.error), (2, 3));
    let errors: Vec<(u32, String, String)> = p
        .rows
        .iter()
        .filter(|r| r.action == RowAction::Error)
        .map(|r| (r.row, r.errors[0].code.clone(), r.errors[0].field.clone()))
        .collect();
    assert_eq!(
        errors,
        vec![
            (3, "invalid_email".to_string(), "email".to_string()),
            (4, "invalid_corporate_number".to_string(), "corporate_number".to_string()),
            (5, "invalid_date".to_string(), "founded".to_string()),
        ]
    );
    let csv = parse_csv(&p.error_csv.as_ref().unwrap().bytes().unwrap());
    assert_eq!(csv[0], vec!["行", "会社名", "法人番号", "メール", "設立", "エラー内容"]);
    assert_eq!(csv.len(), 4);
    assert_eq!(csv[1][..5], ["3", "悪いメール", "", "bad@@example", "2020-04-01"]);
    assert!(csv[1][5].starts_with("メール: メールアドレスの形式が正しくありません"), "{}", csv[1][5]);
    assert!(csv[2][5].contains("法人番号"), "{}", csv[2][5]);
    assert!(csv[3][5].contains("日付として読めません"), "{}", csv[3][5]);

    // Without the user's acceptance nothing is written.
    let before = s.export_json().unwrap();
    let err = apply(&mut s, "e.csv", WITH_ERRORS.as_bytes(), &ImportOptions::default(), false).unwrap_err();
    assert_eq!(err.code, "import_has_errors");
    assert_eq!(s.export_json().unwrap(), before);
    assert_eq!(changes_count(&s), 0);

    // Accepted: the good rows only.
    let r = apply(&mut s, "e.csv", WITH_ERRORS.as_bytes(), &ImportOptions::default(), true).unwrap();
    assert_eq!((r.created, r.failed, r.failed_rows.clone()), (2, 3, vec![3, 4, 5]));
    let names: Vec<String> = companies(&s).into_iter().map(|(_, c)| c.name).collect();
    assert_eq!(names, vec!["令和の会社", "良い会社"]);
    let reiwa = companies(&s).into_iter().find(|(_, c)| c.name == "令和の会社").unwrap().1;
    assert_eq!(reiwa.founded.as_deref(), Some("2020-04-01"));
}

#[test]
fn ten_thousand_rows_with_five_percent_bad_import_the_good_rows_once_accepted() {
    let mut s = store();
    let mut csv = String::from("顧客コード,会社名,メール,法人番号,設立\n");
    let mut bad_rows = BTreeSet::new();
    for i in 0..10_000u32 {
        let row = i + 2;
        let (mail, corp, date) = if i % 20 == 7 {
            bad_rows.insert(row);
            match (i / 20) % 3 {
                0 => (format!("t{i}@@example.jp"), String::new(), "2001-01-01".to_string()),
                1 => (format!("t{i}@example.jp"), "1234567890123".to_string(), "2001-01-01".to_string()),
                _ => (format!("t{i}@example.jp"), String::new(), "2001-13-01".to_string()),
            }
        } else {
            (format!("t{i}@example.jp"), String::new(), "2001-01-01".to_string())
        };
        csv.push_str(&format!("T{i:05},テスト商事{i},{mail},{corp},{date}\n"));
    }
    assert_eq!(bad_rows.len(), 500);
    let p = preview(&s, "big.csv", csv.as_bytes(), &ImportOptions::default());
    assert_eq!((p.summary.rows, p.summary.create, p.summary.error), (10_000, 9_500, 500));
    let listed: BTreeSet<u32> =
        parse_csv(&p.error_csv.unwrap().bytes().unwrap()).iter().skip(1).map(|r| r[0].parse().unwrap()).collect();
    assert_eq!(listed, bad_rows, "the error CSV lists exactly the bad rows");

    let err = apply(&mut s, "big.csv", csv.as_bytes(), &ImportOptions::default(), false).unwrap_err();
    assert_eq!(err.code, "import_has_errors");
    assert!(all(&s, Kind::Company).is_empty());

    let r = apply(&mut s, "big.csv", csv.as_bytes(), &ImportOptions::default(), true).unwrap();
    assert_eq!((r.created, r.failed), (9_500, 500));
    assert_eq!(r.failed_rows.iter().cloned().collect::<BTreeSet<_>>(), bad_rows);
    let page = s.list(Kind::Company, &ListQuery::default()).unwrap();
    assert_eq!(page.total, Some(9_500));
}

#[test]
fn progress_is_reported_and_cancel_leaves_the_database_as_it_was() {
    let mut s = seeded();
    let before = s.export_json().unwrap();
    let changes = changes_count(&s);
    let mut csv = String::from("会社名,電話番号\n");
    for i in 0..1000 {
        csv.push_str(&format!("キャンセル商事{i},03-5555-{i:04}\n"));
    }
    let raw = import::read("p.csv", csv.as_bytes(), &ImportOptions::default()).unwrap();
    let mut seen = Vec::new();
    let err = s
        .import_apply(&ctx(), &raw, &ImportOptions::default(), false, &mut |p| {
            seen.push(p);
            if p.done >= 500 {
                Flow::Cancel
            } else {
                Flow::Continue
            }
        })
        .unwrap_err();
    assert_eq!(err.code, "cancelled");
    assert_eq!(seen.iter().map(|p| p.done).collect::<Vec<_>>(), vec![0, 250, 500]);
    assert!(seen.iter().all(|p| p.total == 1000 && p.phase == Phase::Write));
    assert_eq!(s.export_json().unwrap(), before);
    assert_eq!(changes_count(&s), changes);

    // Cancelled while building the index, after every row was written:
    // nothing was written either.
    let mut phases = Vec::new();
    let err = s
        .import_apply(&ctx(), &raw, &ImportOptions::default(), false, &mut |p| {
            phases.push((p.phase, p.done));
            if p.phase == Phase::Index && p.done > 0 {
                Flow::Cancel
            } else {
                Flow::Continue
            }
        })
        .unwrap_err();
    assert_eq!(err.code, "cancelled");
    assert!(phases.contains(&(Phase::Write, 1000)), "{phases:?}");
    assert_eq!(phases.last().map(|p| p.0), Some(Phase::Index));
    assert_eq!(s.export_json().unwrap(), before);
    assert_eq!(changes_count(&s), changes);
    assert!(s.search("キャンセル商事", 5, &[]).unwrap().is_empty());

    // Not cancelled: the rows, then the index in thousandths, rising to the end.
    let mut seen = Vec::new();
    s.import_apply(&ctx(), &raw, &ImportOptions::default(), false, &mut |p| {
        seen.push(p);
        Flow::Continue
    })
    .unwrap();
    let (write, index): (Vec<Progress>, Vec<Progress>) = seen.iter().partition(|p| p.phase == Phase::Write);
    assert_eq!(
        write.iter().map(|p| (p.done, p.total)).collect::<Vec<_>>(),
        [0, 250, 500, 750, 1000].map(|d| (d, 1000))
    );
    assert!(index.len() > 2 && index.iter().all(|p| p.phase == Phase::Index && p.total == 1000), "{index:?}");
    assert!(index.windows(2).all(|w| w[0].done <= w[1].done), "{index:?}");
    assert_eq!(seen.last().map(|p| (p.phase, p.done)), Some((Phase::Index, 1000)));
    assert_eq!(companies(&s).len(), 1004);
    assert_eq!(s.search("キャンセル商事999", 5, &[]).unwrap().len(), 1);
}

/// A contact without e-mail or phone matches by name at its own company
/// only: namesakes at other companies are other people, and each row
/// updates the namesake at the company it names.
#[test]
fn a_contact_matches_by_name_at_its_own_company_only() {
    let mut s = seeded();
    let first = "顧客コード,氏名,役職,携帯\nC001,山田 太郎,部長,090-1111-0001\nC002,山田 太郎,課長,090-1111-0002\n";
    let r = apply(&mut s, "contacts.csv", first.as_bytes(), &ImportOptions::default(), false).unwrap();
    assert_eq!(r.created, 2);
    let at = |s: &Store, code: &str| -> (String, Contact) {
        let (company, _) = by_code(s, code);
        contacts(s).into_iter().find(|(_, c)| c.company_id.as_deref() == Some(company.as_str())).unwrap()
    };
    let (at_c1, at_c2) = (at(&s, "C001").0, at(&s, "C002").0);
    // Other order, other spacing, a third company with no 山田 太郎 yet.
    let again = "顧客コード,氏名,役職\nC002,山田　太郎,次長\nC001,山田太郎,本部長\nC003,山田 太郎,係長\n";
    let p = preview(&s, "contacts.csv", again.as_bytes(), &ImportOptions::default());
    let plan: Vec<(RowAction, Option<&str>, Option<&str>)> =
        p.rows.iter().map(|r| (r.action, r.matched_by.as_deref(), r.target_id.as_deref())).collect();
    assert_eq!(
        plan,
        vec![
            (RowAction::Update, Some("name+company"), Some(at_c2.as_str())),
            (RowAction::Update, Some("name+company"), Some(at_c1.as_str())),
            (RowAction::Create, None, None),
        ]
    );
    let r = apply(&mut s, "contacts.csv", again.as_bytes(), &ImportOptions::default(), false).unwrap();
    assert_eq!((r.created, r.updated), (1, 2));
    assert_eq!(at(&s, "C001").1.title.as_deref(), Some("本部長"));
    assert_eq!(at(&s, "C002").1.title.as_deref(), Some("次長"));
    assert_eq!(at(&s, "C003").1.title.as_deref(), Some("係長"));

    // Without a company, name + phone decides among the namesakes; a
    // company with the same name and postal code is the same company.
    let by_phone = "氏名,携帯,部署\n山田 太郎,090-1111-0002,第二営業部\n";
    let p = preview(&s, "contacts.csv", by_phone.as_bytes(), &ImportOptions::default());
    assert_eq!(
        (p.rows[0].matched_by.as_deref(), p.rows[0].target_id.as_deref()),
        (Some("name+phone"), Some(at_c2.as_str()))
    );
    let by_postal = "会社名,〒,業種\n山田商事株式会社,1000005,商社\n";
    let p = preview(&s, "companies.csv", by_postal.as_bytes(), &ImportOptions::default());
    let (yamada, _) = by_code(&s, "C001");
    assert_eq!(
        (p.rows[0].matched_by.as_deref(), p.rows[0].target_id.as_deref()),
        (Some("name+postal"), Some(yamada.as_str()))
    );
}

#[test]
fn contacts_link_to_companies_by_name_or_code_and_bring_new_ones() {
    let mut s = seeded();
    let csv = "会社名,顧客コード,氏名,フリガナ,部署,役職,メール,携帯\n\
山田商事,,山田 太郎,ヤマダ タロウ,営業部,部長,taro@yamada.example.jp,090-1111-2222\n\
,C002,髙橋 一美,タカハシ カズミ,総務部,,kazumi@takahashi.example.jp,\n\
新しい会社株式会社,,新井 健,,,,arai@new.example.jp,\n\
新しい会社株式会社,,新井 二郎,,,,jiro@new.example.jp,\n\
存在しない会社,C999,誰か,,,,,\n";
    let p = preview(&s, "contacts.csv", csv.as_bytes(), &ImportOptions::default());
    assert_eq!(p.kind, Kind::Contact);
    assert_eq!((p.summary.create, p.summary.error, p.summary.new_companies), (5, 0, 2), "{:#?}", p.rows);
    let r = apply(&mut s, "contacts.csv", csv.as_bytes(), &ImportOptions::default(), false).unwrap();
    assert_eq!((r.created, r.companies_created), (5, 2));
    let (yamada_id, _) = by_code(&s, "C001");
    let (takahashi_id, _) = by_code(&s, "C002");
    let (nowhere_id, nowhere) = by_code(&s, "C999");
    assert_eq!(nowhere.name, "存在しない会社");
    let cs = contacts(&s);
    let find = |family: &str, given: &str| {
        cs.iter()
            .find(|(_, c)| c.family_name == family && c.given_name.as_deref() == Some(given))
            .map(|(_, c)| c.clone())
            .unwrap()
    };
    let taro = find("山田", "太郎");
    assert_eq!(taro.company_id.as_deref(), Some(yamada_id.as_str()));
    assert_eq!((taro.family_reading.as_deref(), taro.given_reading.as_deref()), (Some("ヤマダ"), Some("タロウ")));
    assert_eq!((taro.department.as_deref(), taro.title.as_deref()), (Some("営業部"), Some("部長")));
    assert_eq!(find("髙橋", "一美").company_id.as_deref(), Some(takahashi_id.as_str()));
    assert_eq!(find("新井", "健").company_id, find("新井", "二郎").company_id);
    let dareka = cs.iter().find(|(_, c)| c.family_name == "誰か").unwrap();
    assert_eq!(dareka.1.company_id.as_deref(), Some(nowhere_id.as_str()));
    assert_eq!(companies(&s).len(), 6);

    // The same file again: every row finds its contact; nothing new.
    let again = preview(&s, "contacts.csv", csv.as_bytes(), &ImportOptions::default());
    let by: Vec<Option<&str>> = again.rows.iter().map(|r| r.matched_by.as_deref()).collect();
    assert_eq!(by, vec![Some("email"), Some("email"), Some("email"), Some("email"), Some("name+company")]);
    let r = apply(&mut s, "contacts.csv", csv.as_bytes(), &ImportOptions::default(), false).unwrap();
    assert_eq!((r.created, r.updated, r.companies_created), (0, 5, 0));
    assert_eq!((contacts(&s).len(), companies(&s).len()), (5, 6));
}

#[test]
fn activities_and_purchases_import_and_reimport_without_duplicates() {
    let mut s = seeded();
    let csv = "日付,顧客コード,会社名,種類,件名,内容\n\
2024/04/01 10:00,C001,,訪問,定例訪問,新製品の説明\n\
令和6年4月2日 14:30,,㈱髙橋製作所,電話,見積の件,\"金額を確認\n来週再連絡\"\n\
2024-04-03,,どこにもない会社,訪問,,\n";
    let p = preview(&s, "act.csv", csv.as_bytes(), &ImportOptions::default());
    assert_eq!(p.kind, Kind::Activity);
    assert_eq!((p.summary.create, p.summary.error), (2, 1));
    assert_eq!(p.rows[2].errors[0].code, "unknown_company");
    apply(&mut s, "act.csv", csv.as_bytes(), &ImportOptions::default(), true).unwrap();
    let acts: Vec<Activity> = all(&s, Kind::Activity)
        .into_iter()
        .map(|st| match st.record {
            Record::Activity(a) => a,
            _ => unreachable!(),
        })
        .collect();
    assert_eq!(acts.len(), 2);
    let call = acts.iter().find(|a| a.kind == "call").unwrap();
    assert_eq!(call.occurred_at, "2024-04-02T14:30");
    assert_eq!(call.company_id.as_deref(), Some(by_code(&s, "C002").0.as_str()));
    assert_eq!(call.content.as_deref(), Some("金額を確認\n来週再連絡"));
    let r = apply(&mut s, "act.csv", csv.as_bytes(), &ImportOptions::default(), true).unwrap();
    assert_eq!((r.created, r.updated), (0, 2));
    assert_eq!(all(&s, Kind::Activity).len(), 2);

    let csv = "顧客コード,商品名,契約日,満了日,金額,状態\n\
C001,大福クラウド,2024-04-01,2025-03-31,\"1,200,000円\",契約中\n\
C003,大福クラウド,2024/5/1,2024/4/30,10000,解約\n";
    let p = preview(&s, "pur.csv", csv.as_bytes(), &ImportOptions::default());
    assert_eq!(p.kind, Kind::Purchase);
    assert_eq!(p.rows[1].errors[0].code, "date_order", "{:?}", p.rows[1]);
    apply(&mut s, "pur.csv", csv.as_bytes(), &ImportOptions::default(), true).unwrap();
    let purchases: Vec<Purchase> = all(&s, Kind::Purchase)
        .into_iter()
        .map(|st| match st.record {
            Record::Purchase(p) => p,
            _ => unreachable!(),
        })
        .collect();
    assert_eq!(purchases.len(), 1);
    assert_eq!((purchases[0].amount, purchases[0].status.as_deref()), (Some(1_200_000), Some("active")));
}

fn workbook() -> Vec<u8> {
    use rust_xlsxwriter::{Format, Workbook};
    let mut book = Workbook::new();
    let notes = book.add_worksheet();
    notes.set_name("説明").unwrap();
    notes.write_string(0, 0, "このブックは顧客一覧です").unwrap();
    let ws = book.add_worksheet();
    ws.set_name("顧客一覧").unwrap();
    ws.write_string(0, 0, "顧客一覧(2024年4月現在)").unwrap();
    for (c, h) in ["社名", "TEL", "設立", "従業員数", "法人番号", "郵便番号"].iter().enumerate() {
        ws.write_string(2, c as u16, *h).unwrap();
    }
    let date = Format::new().set_num_format("yyyy/mm/dd");
    ws.write_string(3, 0, "株式会社エクセル商会").unwrap();
    ws.write_number(3, 1, 312345678.0).unwrap();
    ws.write_number_with_format(3, 2, 36_982.0, &date).unwrap(); // 2001-04-01
    ws.write_number(3, 3, 120.0).unwrap();
    ws.write_number(3, 4, 5_010_001_008_813.0).unwrap();
    ws.write_number(3, 5, 600001.0).unwrap();
    ws.write_string(4, 0, "シート商店").unwrap();
    ws.write_string(4, 1, "052-111-2222").unwrap();
    book.save_to_buffer().unwrap()
}

#[test]
fn xlsx_first_or_chosen_sheet_with_title_rows_and_excel_numbers() {
    let mut s = store();
    let bytes = workbook();
    let o = ImportOptions { sheet: Some("顧客一覧".into()), ..Default::default() };
    let p = preview(&s, "顧客.xlsx", &bytes, &o);
    assert_eq!(p.format, SourceFormat::Excel);
    assert_eq!(p.sheets, vec!["説明", "顧客一覧"]);
    assert_eq!(p.sheet.as_deref(), Some("顧客一覧"));
    assert_eq!(p.header_row, 3);
    assert_eq!((p.summary.create, p.summary.error), (2, 0), "{:?}", p.rows);
    let restored: Vec<&str> = p.rows[0].warnings.iter().map(|w| w.field.as_str()).collect();
    assert_eq!(restored, vec!["phone", "postal_code"]);
    apply(&mut s, "顧客.xlsx", &bytes, &o, false).unwrap();
    let c = companies(&s).into_iter().find(|(_, c)| c.name == "株式会社エクセル商会").unwrap().1;
    assert_eq!(c.phone.as_deref(), Some("03-1234-5678"));
    assert_eq!(c.founded.as_deref(), Some("2001-04-01"));
    assert_eq!(c.employees, Some(120));
    assert_eq!(c.corporate_number.as_deref(), Some("5010001008813"));
    assert_eq!(c.postal_code.as_deref(), Some("060-0001"));

    // The first sheet when none is chosen; an unknown sheet is an error.
    let first = import::read("顧客.xlsx", &bytes, &ImportOptions::default()).unwrap();
    assert_eq!(first.sheet.as_deref(), Some("説明"));
    let bad = ImportOptions { sheet: Some("なし".into()), ..Default::default() };
    assert_eq!(import::read("顧客.xlsx", &bytes, &bad).unwrap_err().code, "unknown_sheet");
}

#[test]
fn an_edited_mapping_is_saved_for_the_next_file_of_the_layout() {
    let mut s = store();
    let first = "取引先名称,ＴＥＬ番号,担当メモ\nみなと商会,045-111-2222,初回\n";
    let p = preview(&s, "a.csv", first.as_bytes(), &ImportOptions::default());
    assert_eq!(p.mapping_source, MappingSource::Guessed);
    assert_eq!(p.mapping[0].target, None, "an unknown header is not guessed");
    assert!(p.notices.iter().any(|n| n.code == "required_unmapped"));
    let mapping = vec![
        ColumnMap { column: 0, header: "取引先名称".into(), target: Some("name".into()) },
        ColumnMap { column: 1, header: "ＴＥＬ番号".into(), target: Some("phone".into()) },
        ColumnMap { column: 2, header: "担当メモ".into(), target: Some("notes".into()) },
    ];
    let o = ImportOptions { kind: Some(Kind::Company), mapping: Some(mapping.clone()), ..Default::default() };
    let r = apply(&mut s, "a.csv", first.as_bytes(), &o, false).unwrap();
    assert!(r.mapping_saved);
    let second = "取引先名称 ,ＴＥＬ番号,担当メモ\nやまて商会,045-333-4444,二回目\n";
    let p = preview(&s, "b.csv", second.as_bytes(), &ImportOptions::default());
    assert_eq!(p.mapping_source, MappingSource::Saved);
    let targets: Vec<Option<String>> = p.mapping.iter().map(|c| c.target.clone()).collect();
    assert_eq!(targets, vec![Some("name".into()), Some("phone".into()), Some("notes".into())]);
    apply(&mut s, "b.csv", second.as_bytes(), &ImportOptions::default(), false).unwrap();
    assert_eq!(companies(&s).len(), 2);
    // A mapping naming a field the kind does not have is refused.
    let bad = ImportOptions {
        kind: Some(Kind::Company),
        mapping: Some(vec![ColumnMap {
            column: 0, header: "取引先名称".into(), target: Some("shoe_size".into())
        }]),
        ..Default::default()
    };
    let raw = import::read("a.csv", first.as_bytes(), &bad).unwrap();
    let err = s.import_preview(&raw, &bad, &mut |_| Flow::Continue).unwrap_err();
    assert_eq!(err.code, "unknown_target");
}

#[test]
fn vcards_21_30_40_become_contacts_and_companies() {
    let mut s = store();
    let p = preview(&s, "cards_21.vcf", &fixture("cards_21.vcf"), &ImportOptions::default());
    assert_eq!((p.format, p.kind), (SourceFormat::Vcard, Kind::Contact));
    assert_eq!((p.summary.create, p.summary.error, p.summary.new_companies), (2, 0, 2), "{:#?}", p.rows);
    apply(&mut s, "cards_21.vcf", &fixture("cards_21.vcf"), &ImportOptions::default(), false).unwrap();
    let cs = contacts(&s);
    let taro = &cs.iter().find(|(_, c)| c.family_name == "山田").unwrap().1;
    assert_eq!(taro.given_name.as_deref(), Some("太郎"));
    assert_eq!((taro.family_reading.as_deref(), taro.given_reading.as_deref()), (Some("ヤマダ"), Some("タロウ")));
    assert_eq!((taro.department.as_deref(), taro.title.as_deref()), (Some("営業部"), Some("部長")));
    assert_eq!((taro.mobile.as_deref(), taro.phone.as_deref()), (Some("090-1111-2222"), Some("03-1234-5678")));
    assert_eq!(taro.email.as_deref(), Some("taro@yamada.example.jp"));
    assert_eq!(taro.address.as_deref(), Some("東京都千代田区丸の内1-2-3"));
    assert_eq!(taro.postal_code.as_deref(), Some("100-0005"));
    assert_eq!(taro.memos.as_deref(), Some("展示会で名刺交換\n次回訪問予定"));
    let hanako = &cs.iter().find(|(_, c)| c.family_name == "佐藤").unwrap().1;
    assert_eq!(hanako.family_reading.as_deref(), Some("サトウ"));
    assert_eq!(hanako.phone.as_deref(), Some("011-222-3333"));
    let names: Vec<String> = companies(&s).into_iter().map(|(_, c)| c.name).collect();
    assert_eq!(names, vec!["有限会社さくら企画", "株式会社山田商事"]);

    apply(&mut s, "cards_30.vcf", &fixture("cards_30.vcf"), &ImportOptions::default(), false).unwrap();
    let cs = contacts(&s);
    let saburo = &cs.iter().find(|(_, c)| c.family_name == "鈴木").unwrap().1;
    assert_eq!(
        (saburo.family_reading.as_deref(), saburo.given_reading.as_deref()),
        (Some("スズキ"), Some("サブロウ")),
        "hiragana readings are stored as katakana"
    );
    assert_eq!(saburo.department.as_deref(), Some("開発部, 第二課"));
    assert_eq!(saburo.mobile.as_deref(), Some("080-3333-4444"));
    assert_eq!(saburo.address.as_deref(), Some("福岡県福岡市中央区天神1-1"));
    assert_eq!(saburo.birthday.as_deref(), Some("1975-03-04"));
    assert_eq!(saburo.tags, vec!["展示会", "重要"]);
    assert_eq!(
        saburo.memos.as_deref(),
        Some("長い備考がここに入ります。折り返しのテストのために十分に長い文章を書いておきます。")
    );
    let john = &cs.iter().find(|(_, c)| c.family_name == "Smith").unwrap().1;
    assert_eq!(john.given_name.as_deref(), Some("John"));
    assert_eq!(companies(&s).len(), 4);

    apply(&mut s, "cards_40.vcf", &fixture("cards_40.vcf"), &ImportOptions::default(), false).unwrap();
    let cs = contacts(&s);
    let misaki = &cs.iter().find(|(_, c)| c.family_name == "田中").unwrap().1;
    let yamada_co = companies(&s).into_iter().find(|(_, c)| c.name == "株式会社山田商事").unwrap().0;
    assert_eq!(misaki.company_id.as_deref(), Some(yamada_co.as_str()), "linked to the existing company");
    assert_eq!(misaki.mobile.as_deref(), Some("090-5555-6666"));
    assert_eq!(misaki.birthday.as_deref(), Some("1990-07-15"));
    assert_eq!(misaki.given_reading.as_deref(), Some("ミサキ"));
    assert_eq!(companies(&s).len(), 4);
    // Reading the cards again finds every contact.
    let again = preview(&s, "cards_21.vcf", &fixture("cards_21.vcf"), &ImportOptions::default());
    assert_eq!((again.summary.update, again.summary.create), (2, 0));
}

/// csv-spectrum's shape: a CSV and the JSON objects it must give.
fn check_spectrum(name: &str, csv_bytes: &[u8], want: &Value) {
    let raw = import::read(&format!("{name}.csv"), csv_bytes, &ImportOptions::default()).unwrap();
    let header = &raw.rows[0];
    let got: Vec<Value> = raw.rows[1..]
        .iter()
        .map(|r| {
            Value::Object(header.iter().zip(r.iter()).map(|(h, v)| (h.clone(), Value::String(v.clone()))).collect())
        })
        .collect();
    assert_eq!(&Value::Array(got), want, "{name}");
}

#[test]
fn csv_spectrum_edge_cases() {
    // Written for this test in csv-spectrum's style, so the edge cases are
    // checked even where the npm package is not installed.
    let inline: &[(&str, &str, Value)] = &[
        ("comma_in_quotes", "first,last\r\n\"Doe, John\",x\r\n", json!([{"first": "Doe, John", "last": "x"}])),
        ("empty_fields", "a,b,c\n1,\"\",\n", json!([{"a": "1", "b": "", "c": ""}])),
        ("escaped_quotes", "a,b\n1,\"ha \"\"ha\"\" ha\"\n", json!([{"a": "1", "b": "ha \"ha\" ha"}])),
        ("newlines_crlf", "a,b\r\n\"x\r\ny\",2\r\n", json!([{"a": "x\r\ny", "b": "2"}])),
        ("no_final_newline", "a,b\n1,2", json!([{"a": "1", "b": "2"}])),
        ("utf8", "名前,町\n山田,\"千代田区, 東京\"\n", json!([{"名前": "山田", "町": "千代田区, 東京"}])),
    ];
    for (name, csv, want) in inline {
        check_spectrum(name, csv.as_bytes(), want);
    }
    let Some(dir) = std::env::var_os("DAIFUKU_CSV_SPECTRUM") else {
        eprintln!(
            "csv-spectrum package not checked: run scripts/test.sh, or\n  npm install --no-save --prefix target/csv-spectrum csv-spectrum\n  DAIFUKU_CSV_SPECTRUM=target/csv-spectrum/node_modules/csv-spectrum cargo test --test import"
        );
        return;
    };
    let dir = PathBuf::from(dir);
    let csvs = dir.join("csvs");
    let names: Vec<String> = std::fs::read_dir(&csvs)
        .unwrap_or_else(|e| panic!("DAIFUKU_CSV_SPECTRUM is set but {} is unreadable ({e}); install it with `npm install --no-save --prefix target/csv-spectrum csv-spectrum`", csvs.display()))
        .map(|e| e.unwrap().file_name().to_string_lossy().to_string())
        .filter(|n| n.ends_with(".csv"))
        .collect();
    assert!(names.len() >= 10, "csv-spectrum has 12 cases, found {names:?} in {}", csvs.display());
    for n in names {
        let stem = n.trim_end_matches(".csv");
        let csv = std::fs::read(csvs.join(&n)).unwrap();
        let mut json: Value =
            serde_json::from_slice(&std::fs::read(dir.join("json").join(format!("{stem}.json"))).unwrap()).unwrap();
        // csv-spectrum 2.0.0's location_coordinates.json is one object, not a
        // list, and gives a phone number its CSV does not have (2095257564 in
        // the CSV, 1234567890 in the JSON): fix the expectation, not the reader.
        if let Value::Object(mut row) = json {
            if stem == "location_coordinates" && row.get("Contact Phone Number") == Some(&json!("1234567890")) {
                row.insert("Contact Phone Number".into(), json!("2095257564"));
            }
            json = Value::Array(vec![Value::Object(row)]);
        }
        check_spectrum(stem, &csv, &json);
    }
}

// ---- the CLI ----

fn daifuku(db: &Path, args: &[&str]) -> std::process::Output {
    std::process::Command::new(env!("CARGO_BIN_EXE_daifuku"))
        .arg("--db")
        .arg(db)
        .args(args)
        .env_remove("DAIFUKU_DB")
        .env("DAIFUKU_NOW", NOW.to_string())
        .output()
        .unwrap()
}

fn json_of(out: &std::process::Output) -> Value {
    serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
        panic!("{e}: {}\n{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr))
    })
}

#[test]
fn cli_import_dry_run_errors_accept_and_on_match() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("crm.db");
    let file = dir.path().join("companies.csv");
    std::fs::write(&file, WITH_ERRORS).unwrap();
    let f = file.to_str().unwrap();

    let out = daifuku(&db, &["import", f, "--dry-run", "--json"]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let v = json_of(&out);
    assert_eq!(v["kind"], "company");
    assert_eq!(v["summary"]["error"], 3);
    assert_eq!(v["summary"]["create"], 2);

    let errors_out = dir.path().join("errors.csv");
    let out = daifuku(&db, &["import", f, "--errors-out", errors_out.to_str().unwrap()]);
    assert!(!out.status.success());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("import_has_errors") && stderr.contains("--accept-errors"), "{stderr}");
    assert_eq!(parse_csv(&std::fs::read(&errors_out).unwrap()).len(), 4);

    let out = daifuku(&db, &["import", f, "--accept-errors", "--kind", "companies", "--json"]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let v = json_of(&out);
    assert_eq!((v["created"].as_u64(), v["failed"].as_u64()), (Some(2), Some(3)));

    // A mapping file (header → field) and --on-match skip.
    let other = dir.path().join("other.csv");
    std::fs::write(&other, "取引先名称,メール欄\n良い会社,good@example.jp\n別の会社,other@example.jp\n").unwrap();
    let mapping = dir.path().join("mapping.json");
    std::fs::write(&mapping, r#"{"取引先名称": "name", "メール欄": "email"}"#).unwrap();
    let out = daifuku(
        &db,
        &["import", other.to_str().unwrap(), "--mapping", mapping.to_str().unwrap(), "--on-match", "skip", "--json"],
    );
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let v = json_of(&out);
    assert_eq!((v["created"].as_u64(), v["skipped"].as_u64()), (Some(1), Some(1)), "{v}");
    let out = daifuku(&db, &["company", "list", "--json"]);
    assert_eq!(json_of(&out)["total"], 3);

    let out = daifuku(&db, &["import", f, "--on-match", "sometimes"]);
    assert!(!out.status.success());
}

/// The apply decides every row as the preview did, also when an earlier row
/// of the file changes a key that a later row matches on: match keys are
/// those of the database before the import (plus the file's own rows).
#[test]
fn the_apply_decides_as_the_preview_when_a_row_changes_a_key() {
    let mut s = store();
    let first = "顧客コード,会社名,法人番号\r\nK1,テスト商事,9100000000007\r\n";
    apply(&mut s, "a.csv", first.as_bytes(), &ImportOptions::default(), false).unwrap();
    let (id, _) = by_code(&s, "K1");
    // Row 2 moves K1 to another 法人番号; row 3 names K1's old one.
    let second = "顧客コード,会社名,法人番号\r\nK1,テスト商事,1100000000014\r\n,別名商事,9100000000007\r\n";
    let p = preview(&s, "b.csv", second.as_bytes(), &ImportOptions::default());
    let planned: Vec<(RowAction, Option<String>)> = p.rows.iter().map(|r| (r.action, r.target_id.clone())).collect();
    assert_eq!(planned, vec![(RowAction::Update, Some(id.clone())), (RowAction::Update, Some(id.clone()))]);
    let r = apply(&mut s, "b.csv", second.as_bytes(), &ImportOptions::default(), false).unwrap();
    assert_eq!(r.summary, p.summary);
    assert_eq!((r.created, r.updated), (0, 2));
    assert_eq!(companies(&s).len(), 1);
}

/// The apply plans on a second thread for a database file and on the
/// writing thread in memory: the same imports give the same database, row
/// for row (ids included: both stores draw them from the same seed), and
/// the same reports.
#[test]
fn planning_on_a_second_thread_imports_exactly_as_planning_inline() {
    let steps: Vec<(&str, Vec<u8>, Kind, OnMatch)> = vec![
        ("c.csv", fixture("companies_utf8.csv"), Kind::Company, OnMatch::Update),
        (
            "contacts.csv",
            "会社名,顧客コード,氏名,フリガナ,メール\n山田商事,,山田 太郎,ヤマダ タロウ,taro@yamada.example.jp\n\
,C002,髙橋 一美,タカハシ カズミ,kazumi@takahashi.example.jp\n新しい会社株式会社,,新井 健,,arai@new.example.jp\n\
新しい会社株式会社,,新井 二郎,,jiro@new.example.jp\n山田商事,,山田 太郎,ヤマダ タロウ,taro@yamada.example.jp\n"
                .as_bytes()
                .to_vec(),
            Kind::Contact,
            OnMatch::Update,
        ),
        ("again.csv", fixture("companies_utf8.csv"), Kind::Company, OnMatch::Create),
        (
            "keys.csv",
            "顧客コード,会社名,法人番号\r\nC001,山田商事,1100000000014\r\n,別名商事,1100000000014\r\nK9,九番商事,\r\n"
                .as_bytes()
                .to_vec(),
            Kind::Company,
            OnMatch::Update,
        ),
    ];
    let mut file = store();
    let mut memory = memory_store();
    for (name, bytes, kind, on_match) in &steps {
        let o = opts(Some(*kind), *on_match);
        let a = apply(&mut file, name, bytes, &o, true);
        let b = apply(&mut memory, name, bytes, &o, true);
        match (a, b) {
            (Ok(a), Ok(b)) => assert_eq!(format!("{a:?}"), format!("{b:?}"), "{name}"),
            (Err(a), Err(b)) => assert_eq!((a.code, a.message), (b.code, b.message), "{name}"),
            (a, b) => panic!("{name}: file {a:?}, memory {b:?}"),
        }
    }
    assert!(companies(&file).len() > 3 && contacts(&file).len() >= 4);
    assert_eq!(file.export_json().unwrap(), memory.export_json().unwrap());
}
