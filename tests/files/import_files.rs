//! Files as Japanese offices really have them, through the real import
//! path (issue #20): an address book merged from a feature phone (vCard 2.1
//! in Shift_JIS, quoted-printable, half-width kana readings) and a
//! smartphone (3.0/4.0 in UTF-8), with a card holding a broken byte and one
//! whose name cannot be read; Excel CSVs in CP932 with a broken cell and
//! with a quote that never closes. Every file is made here.
//!
//! Then property tests over the CSV and vCard readers: random bytes never
//! panic and never give undecodable text; good cards and rows keep their
//! exact values whatever broken ones are next to them.

use crate::common;

use std::path::Path;

use daifuku::api::{self, Command, Response};
use daifuku::export::fetch_all;
use daifuku::import::table::UNDECODABLE;
use daifuku::import::{self, FileSource, Flow, ImportOptions, ImportPreview, ImportReport, RowAction, RowPlan};
use daifuku::model::{Company, Contact};
use daifuku::store::ListQuery;
use daifuku::{Ctx, Kind, Record, Store};
use encoding_rs::{SHIFT_JIS, UTF_8};
use rand::{RngExt, SeedableRng};
use rand_chacha::ChaCha8Rng;

const NOW: i64 = 1_775_000_000_000; // 2026-04-01 (Japan)

fn ctx() -> Ctx {
    Ctx::new(NOW, "test-device")
}

/// A store in a database file, as the app and the CLI have.
fn store() -> Store {
    static NEXT: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
    let n = NEXT.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join(format!("import-files-{}-{n}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    let mut s = Store::open(&dir.join("crm.db")).unwrap();
    s.seed_ids(7);
    s
}

fn preview(s: &Store, name: &str, bytes: &[u8]) -> ImportPreview {
    let raw = import::read(name, bytes, &ImportOptions::default()).unwrap();
    s.import_preview(&raw, &ImportOptions::default(), &mut |_| Flow::Continue).unwrap()
}

fn apply(s: &mut Store, name: &str, bytes: &[u8], accept_errors: bool) -> daifuku::Result<ImportReport> {
    let raw = import::read(name, bytes, &ImportOptions::default())?;
    s.import_apply(&ctx(), &raw, &ImportOptions::default(), accept_errors, &mut |_| Flow::Continue)
}

fn companies(s: &Store) -> Vec<(String, Company)> {
    fetch_all(s, Kind::Company, &ListQuery::default())
        .unwrap()
        .into_iter()
        .map(|st| match st.record {
            Record::Company(c) => (st.id, c),
            _ => unreachable!(),
        })
        .collect()
}

fn contacts(s: &Store) -> Vec<Contact> {
    fetch_all(s, Kind::Contact, &ListQuery::default())
        .unwrap()
        .into_iter()
        .map(|st| match st.record {
            Record::Contact(c) => c,
            _ => unreachable!(),
        })
        .collect()
}

fn sjis(s: &str) -> Vec<u8> {
    let (b, _, unmappable) = SHIFT_JIS.encode(s);
    assert!(!unmappable, "{s} is not in CP932");
    b.into_owned()
}

/// Quoted-printable as feature phones write it: every byte escaped, lines
/// cut at 76 characters with `=` soft line breaks.
fn qp(bytes: &[u8]) -> String {
    let mut out = String::new();
    let mut line = 0;
    for b in bytes {
        if line + 3 > 73 {
            out.push_str("=\r\n");
            line = 0;
        }
        out.push_str(&format!("={b:02X}"));
        line += 3;
    }
    out
}

/// (code, field, detail) of a row's errors or warnings.
fn issues(list: &[daifuku::error::FieldError]) -> Vec<(String, String, Option<String>)> {
    list.iter().map(|e| (e.code.clone(), e.field.clone(), e.detail.clone())).collect()
}

fn row(p: &ImportPreview, n: u32) -> &RowPlan {
    p.rows.iter().find(|r| r.row == n).unwrap_or_else(|| panic!("row {n} not in the preview: {:#?}", p.rows))
}

/// Every text value stored anywhere in the database: records, match keys,
/// the change log, settings …
fn every_stored_text(s: &Store) -> Vec<String> {
    let conn = s.conn();
    let tables: Vec<String> = conn
        .prepare("SELECT name FROM sqlite_schema WHERE type = 'table'")
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    let mut out = Vec::new();
    for t in tables {
        let mut stmt = conn.prepare(&format!("SELECT * FROM \"{t}\"")).unwrap();
        let n = stmt.column_count();
        let mut rows = stmt.query([]).unwrap();
        while let Some(r) = rows.next().unwrap() {
            for i in 0..n {
                if let rusqlite::types::ValueRef::Text(b) = r.get_ref(i).unwrap() {
                    out.push(String::from_utf8_lossy(b).into_owned());
                }
            }
        }
    }
    out
}

/// What a UTF-8 name looks like when read as Shift_JIS (`望月` → `譛帶怦`),
/// up to the first character that did not decode.
fn mojibake(name: &str) -> String {
    let (text, _) = SHIFT_JIS.decode_without_bom_handling(name.as_bytes());
    text.chars().take_while(|c| *c != '\u{FFFD}').collect()
}

/// The merged address book: feature phone cards (2.1, Shift_JIS) and
/// smartphone cards (3.0/4.0, UTF-8), CRLF line ends.
fn merged_address_book() -> Vec<u8> {
    let mut f: Vec<u8> = Vec::new();
    let mut put = |b: &[u8]| f.extend_from_slice(b);
    // 1: feature phone, every Japanese value in Shift_JIS quoted-printable,
    // the reading in half-width katakana as 8-bit Shift_JIS.
    put(b"BEGIN:VCARD\r\nVERSION:2.1\r\n");
    put(format!("N;CHARSET=SHIFT_JIS;ENCODING=QUOTED-PRINTABLE:{}\r\n", qp(&sjis("望月;花子;;;"))).as_bytes());
    put(b"SOUND;X-IRMC-N;CHARSET=SHIFT_JIS:");
    put(&sjis("ﾓﾁﾂﾞｷ;ﾊﾅｺ;;;"));
    put(b"\r\n");
    put(format!("ORG;CHARSET=SHIFT_JIS;ENCODING=QUOTED-PRINTABLE:{}\r\n", qp(&sjis("株式会社北陸精機;営業部")))
        .as_bytes());
    put(b"TEL;CELL;VOICE:090-1234-5678\r\nTEL;WORK;VOICE:0766-26-5865\r\nTEL;WORK;FAX:0766-26-5866\r\n");
    put(b"EMAIL;INTERNET:hanako@hokuriku-seiki.example.jp\r\nEND:VCARD\r\n");
    // 2: feature phone, Shift_JIS in 8 bits with CHARSET (渡邉: 邉 is CP932).
    put(b"BEGIN:VCARD\r\nVERSION:2.1\r\nN;CHARSET=SHIFT_JIS:");
    put(&sjis("渡邉;健一;;;"));
    put(b"\r\nSOUND;X-IRMC-N;CHARSET=SHIFT_JIS:");
    put(&sjis("ﾜﾀﾅﾍﾞ;ｹﾝｲﾁ;;;"));
    put(b"\r\nORG;CHARSET=SHIFT_JIS:");
    put(&sjis("株式会社北陸精機;製造部"));
    put(b"\r\nTEL;WORK;VOICE:076-222-3333\r\nEND:VCARD\r\n");
    // 3: smartphone, 3.0, a note folded in the middle of a character.
    let note = "来月の展示会で新製品の説明をお願いする予定。".as_bytes();
    put("BEGIN:VCARD\r\nVERSION:3.0\r\nN:髙橋;美穂;;;\r\nFN:髙橋 美穂\r\n".as_bytes());
    put("X-PHONETIC-LAST-NAME:タカハシ\r\nX-PHONETIC-FIRST-NAME:ミホ\r\n".as_bytes());
    put("ORG:合同会社みなと企画;総務部\r\nX-PHONETIC-ORG:ミナトキカク\r\n".as_bytes());
    put(b"TEL;TYPE=WORK,VOICE:045-111-2222\r\nTEL;TYPE=CELL:080-2222-3333\r\nNOTE:");
    put(&note[..31]);
    put(b"\r\n ");
    put(&note[31..]);
    put(b"\r\nEND:VCARD\r\n");
    // 4: 3.0, readings in hiragana, the same company as the feature phone's cards.
    put("BEGIN:VCARD\r\nVERSION:3.0\r\nN:斎藤;一郎;;;\r\nFN:斎藤 一郎\r\n".as_bytes());
    put("X-PHONETIC-LAST-NAME:さいとう\r\nX-PHONETIC-FIRST-NAME:いちろう\r\n".as_bytes());
    put("ORG:株式会社北陸精機\r\nEMAIL;TYPE=INTERNET,WORK:saito@hokuriku-seiki.example.jp\r\nEND:VCARD\r\n".as_bytes());
    // 5: 4.0.
    put("BEGIN:VCARD\r\nVERSION:4.0\r\nFN:小林 陽子\r\nN:小林;陽子;;;\r\nORG:合同会社みなと企画\r\n".as_bytes());
    put(b"TEL;VALUE=uri;TYPE=\"voice,cell\":tel:+81-90-5555-6666\r\nEND:VCARD\r\n");
    // 6: 3.0 with one broken byte in the company name.
    put("BEGIN:VCARD\r\nVERSION:3.0\r\nN:中村;翔太;;;\r\nORG:株式会社".as_bytes());
    put(&[0xFF]);
    put("東海物産\r\nTEL;TYPE=WORK:052-222-8256\r\nEND:VCARD\r\n".as_bytes());
    // 7: a feature phone card whose name is not Shift_JIS (broken bytes).
    put(b"BEGIN:VCARD\r\nVERSION:2.1\r\n");
    let mut broken = sjis("石川");
    broken.extend_from_slice(&[0x85, 0xFF, b';']);
    put(format!("N;CHARSET=SHIFT_JIS;ENCODING=QUOTED-PRINTABLE:{}\r\n", qp(&broken)).as_bytes());
    put(b"TEL;HOME:03-3333-4444\r\nEND:VCARD\r\n");
    f
}

#[test]
fn a_merged_address_book_becomes_contacts_with_every_card_decoded_in_its_own_encoding() {
    let file = merged_address_book();
    assert!(std::str::from_utf8(&file).is_err(), "the file mixes encodings");
    let mut s = store();
    let p = preview(&s, "merged.vcf", &file);
    assert_eq!(p.kind, Kind::Contact);
    assert_eq!((p.summary.rows, p.summary.create, p.summary.error), (7, 6, 1), "{:#?}", p.rows);
    assert_eq!(p.summary.new_companies, 2, "{:#?}", p.rows);
    // The card with a broken byte: imported without the company, with a warning.
    let nakamura = row(&p, 6);
    assert_eq!(nakamura.action, RowAction::Create);
    assert!(
        issues(&nakamura.warnings).contains(&("undecodable_text".into(), "company_id".into(), Some("ORG".into()))),
        "{:?}",
        nakamura.warnings
    );
    assert_eq!(nakamura.fields.get("company_id"), None);
    // The card whose name cannot be read: a row error.
    let broken = row(&p, 7);
    assert_eq!(broken.action, RowAction::Error);
    assert_eq!(issues(&broken.errors), vec![("undecodable_text".into(), "family_name".into(), Some("N".into()))]);
    // The summary counts the reader's warnings and errors.
    let warned = p.rows.iter().filter(|r| !r.warnings.is_empty()).count() as u32;
    assert_eq!(p.summary.warning, warned);
    assert!(p.rows.len() as u32 == p.summary.rows, "every row is listed");

    // Nothing is written while a row has errors, unless accepted.
    assert_eq!(apply(&mut s, "merged.vcf", &file, false).unwrap_err().code, "import_has_errors");
    assert!(contacts(&s).is_empty());
    let r = apply(&mut s, "merged.vcf", &file, true).unwrap();
    assert_eq!((r.created, r.failed, r.failed_rows.clone(), r.companies_created), (6, 1, vec![7], 2));

    let cos = companies(&s);
    let mut names: Vec<&str> = cos.iter().map(|(_, c)| c.name.as_str()).collect();
    names.sort();
    assert_eq!(names, vec!["合同会社みなと企画", "株式会社北陸精機"], "one company per real company");
    let company = |id: &Option<String>| -> Option<String> {
        let id = id.as_ref()?;
        cos.iter().find(|(i, _)| i == id).map(|(_, c)| c.name.clone())
    };
    let minato = &cos.iter().find(|(_, c)| c.name == "合同会社みなと企画").unwrap().1;
    assert_eq!(minato.name_reading.as_deref(), Some("ミナトキカク"));

    // (family, given, family reading, given reading, company, department, phone, mobile, e-mail)
    type Row = (
        String,
        Option<String>,
        Option<String>,
        Option<String>,
        Option<String>,
        Option<String>,
        Option<String>,
        Option<String>,
        Option<String>,
    );
    let mut got: Vec<Row> = contacts(&s)
        .into_iter()
        .map(|c| {
            (
                c.family_name.clone(),
                c.given_name.clone(),
                c.family_reading.clone(),
                c.given_reading.clone(),
                company(&c.company_id),
                c.department.clone(),
                c.phone.clone(),
                c.mobile.clone(),
                c.email.clone(),
            )
        })
        .collect();
    got.sort();
    let o = |s: &str| Some(s.to_string());
    let mut want: Vec<Row> = vec![
        (
            "望月".into(),
            o("花子"),
            o("モチヅキ"),
            o("ハナコ"),
            o("株式会社北陸精機"),
            o("営業部"),
            o("0766-26-5865"),
            o("090-1234-5678"),
            o("hanako@hokuriku-seiki.example.jp"),
        ),
        (
            "渡邉".into(),
            o("健一"),
            o("ワタナベ"),
            o("ケンイチ"),
            o("株式会社北陸精機"),
            o("製造部"),
            o("076-222-3333"),
            None,
            None,
        ),
        (
            "髙橋".into(),
            o("美穂"),
            o("タカハシ"),
            o("ミホ"),
            o("合同会社みなと企画"),
            o("総務部"),
            o("045-111-2222"),
            o("080-2222-3333"),
            None,
        ),
        (
            "斎藤".into(),
            o("一郎"),
            o("サイトウ"),
            o("イチロウ"),
            o("株式会社北陸精機"),
            None,
            None,
            None,
            o("saito@hokuriku-seiki.example.jp"),
        ),
        ("小林".into(), o("陽子"), None, None, o("合同会社みなと企画"), None, None, o("090-5555-6666"), None),
        ("中村".into(), o("翔太"), None, None, None, None, o("052-222-8256"), None, None),
    ];
    want.sort();
    assert_eq!(got, want);
    let takahashi = contacts(&s).into_iter().find(|c| c.family_name == "髙橋").unwrap();
    assert_eq!(takahashi.memos.as_deref(), Some("来月の展示会で新製品の説明をお願いする予定。"));

    // No garbled text anywhere in the database. First: the search finds
    // the names where they are.
    let texts = every_stored_text(&s);
    for name in ["望月", "渡邉", "髙橋", "斎藤", "株式会社北陸精機", "合同会社みなと企画", "モチヅキ"]
    {
        assert!(texts.iter().any(|t| t.contains(name)), "{name} is stored, so the search must find it");
    }
    let names =
        ["望月", "渡邉", "髙橋", "斎藤", "小林", "中村", "株式会社北陸精機", "合同会社みなと企画", "東海物産", "石川"];
    let garbled: Vec<String> = names.iter().map(|n| mojibake(n)).filter(|m| m.chars().count() >= 2).collect();
    assert!(garbled.len() >= 6 && garbled.contains(&"譛帶怦".to_string()), "{garbled:?}");
    for t in &texts {
        assert!(!t.contains('\u{FFFD}') && !t.contains(UNDECODABLE), "undecodable text stored: {t:?}");
        for g in &garbled {
            assert!(!t.contains(g.as_str()), "mojibake {g:?} stored: {t:?}");
        }
        assert!(!t.contains("東海物産") && !t.contains("石川"), "a value that did not decode was stored: {t:?}");
    }
}

/// An Excel CSV in CP932 where a quote opens and is never closed (line 5,
/// after a cell with a line break of its own).
fn csv_with_open_quote() -> Vec<u8> {
    sjis(
        "会社名,電話番号,住所,備考\r\n\
株式会社山田商事,03-1234-5678（代）,東京都千代田区丸の内1-2-3,\r\n\
有限会社さくら企画,011-222-3333,\"北海道札幌市中央区\r\n北1条西2丁目\",住所が2行\r\n\
\"株式会社ひかり,06-1111-2222 内線123,大阪府大阪市北区梅田1-1,\r\n\
株式会社つばさ,092-111-2222,福岡県福岡市中央区天神1-1,\r\n\
株式会社みなと,045-111-2222,神奈川県横浜市中区1-1,\r\n",
    )
}

/// The same with a quoted cell further down: its opening quote closes the
/// one left open, and a lenient reader (the `csv` crate) reads the rows in
/// between as one cell and goes on without a word.
fn csv_with_open_quote_closed_later() -> Vec<u8> {
    let mut f = csv_with_open_quote();
    f.extend(sjis("株式会社あおば,03-3211-1111,東京都港区芝公園1-1,\"重要顧客, 年2回訪問\"\r\n"));
    f
}

fn count(s: &Store, sql: &str) -> i64 {
    s.conn().query_row(sql, [], |r| r.get(0)).unwrap()
}

/// An Excel CSV in CP932 with bytes that are not CP932 in two cells.
fn csv_with_broken_cells() -> Vec<u8> {
    let mut f = sjis("会社名,フリガナ,電話番号,住所\r\n株式会社山田商事,ヤマダショウジ,03-1234-5678（代）,東京都千代田区丸の内1-2-3\r\n");
    f.extend(sjis("有限会社さくら企画,ｻｸﾗｷｶｸ,011-222-3333,北海道札幌市中央区"));
    f.push(0xFD); // not CP932: the address cannot be read
    f.extend(sjis("北1条西2丁目\r\n"));
    f.push(0xA0); // in the company name, which is required
    f.extend(sjis("株式会社ひかり,ヒカリ,06-1111-2222,大阪府大阪市北区梅田1-1\r\n"));
    f.extend(sjis("株式会社つばさ,つばさ,092-111-2222 内線123,福岡県福岡市中央区天神1-1\r\n"));
    f
}

#[test]
fn csv_cells_that_do_not_decode_are_left_out_and_the_good_rows_imported() {
    let mut s = store();
    let file = csv_with_broken_cells();
    let p = preview(&s, "顧客一覧.csv", &file);
    assert_eq!(p.kind, Kind::Company);
    assert_eq!(p.encoding, Some(import::TextEncoding::ShiftJis));
    assert_eq!((p.summary.rows, p.summary.create, p.summary.error), (4, 3, 1), "{:#?}", p.rows);
    let sakura = row(&p, 3);
    assert_eq!(sakura.action, RowAction::Create);
    assert!(
        issues(&sakura.warnings).contains(&("undecodable_text".into(), "address".into(), Some("住所".into()))),
        "{:?}",
        sakura.warnings
    );
    assert_eq!(issues(&row(&p, 4).errors), vec![("undecodable_text".into(), "name".into(), Some("会社名".into()))]);
    let warned = p.rows.iter().filter(|r| !r.warnings.is_empty()).count() as u32;
    assert_eq!(p.summary.warning, warned);
    assert!(p.error_csv.is_some(), "the row in error is offered as a CSV");

    let r = apply(&mut s, "顧客一覧.csv", &file, true).unwrap();
    assert_eq!((r.created, r.failed_rows.clone()), (3, vec![4]));
    type Row = (String, Option<String>, Option<String>, Option<String>, Option<String>, Option<String>);
    let mut got: Vec<Row> = companies(&s)
        .into_iter()
        .map(|(_, c)| (c.name, c.name_reading, c.phone, c.prefecture, c.city, c.street))
        .collect();
    got.sort();
    let o = |s: &str| Some(s.to_string());
    let mut want: Vec<Row> = vec![
        (
            "株式会社つばさ".into(),
            o("ツバサ"),
            o("092-111-2222 内線 123"),
            o("福岡県"),
            o("福岡市中央区"),
            o("天神1-1"),
        ),
        (
            "株式会社山田商事".into(),
            o("ヤマダショウジ"),
            o("03-1234-5678 (代表)"),
            o("東京都"),
            o("千代田区"),
            o("丸の内1-2-3"),
        ),
        ("有限会社さくら企画".into(), o("サクラキカク"), o("011-222-3333"), None, None, None),
    ];
    want.sort();
    assert_eq!(got, want);
    for t in every_stored_text(&s) {
        assert!(!t.contains('\u{FFFD}') && !t.contains(UNDECODABLE), "undecodable text stored: {t:?}");
        assert!(!t.contains("北1条西2丁目") && !t.contains("ひかり"), "a cell that did not decode was stored: {t:?}");
    }
}

#[test]
fn a_csv_with_a_quote_that_never_closes_is_refused_naming_the_line() {
    let mut s = store();
    let file = csv_with_open_quote();
    let mut commands = Vec::new();
    for f in [&file, &csv_with_open_quote_closed_later()] {
        let source = FileSource::Data { name: "顧客一覧.csv".into(), base64: import::encode_base64(f) };
        commands.push(Command::ImportPreview { file: source.clone(), options: ImportOptions::default() });
        commands.push(Command::ImportApply { file: source, options: ImportOptions::default(), accept_errors: true });
    }
    for cmd in commands {
        let e = match api::execute(&mut s, &ctx(), cmd) {
            Err(e) => e,
            Ok(Response::ImportPreview(p)) => panic!("the file was read: {:?}", p.summary),
            Ok(_) => panic!("the file was imported"),
        };
        assert_eq!(e.code, "unterminated_quote");
        assert!(e.message.contains("line 5"), "{}", e.message);
        assert_eq!(issues(&e.details), vec![("unterminated_quote".into(), "line".into(), Some("5".into()))]);
    }
    assert_eq!(count(&s, "SELECT COUNT(*) FROM companies"), 0);
    assert_eq!(count(&s, "SELECT COUNT(*) FROM changes"), 0);

    // The same file with the quote closed imports every row.
    let fixed = String::from_utf8(UTF_8.encode(&SHIFT_JIS.decode(&file).0).0.into_owned())
        .unwrap()
        .replace("\"株式会社ひかり,", "\"株式会社ひかり\",");
    let r = apply(&mut s, "顧客一覧.csv", &sjis(&fixed), false).unwrap();
    assert_eq!(r.created, 5);
    let sakura = companies(&s).into_iter().find(|(_, c)| c.name == "有限会社さくら企画").unwrap().1;
    assert_eq!(
        (sakura.prefecture.as_deref(), sakura.city.as_deref(), sakura.street.as_deref()),
        (Some("北海道"), Some("札幌市中央区"), Some("北1条西2丁目")),
        "the quoted line break is kept inside its cell"
    );
}

fn daifuku(db: &Path, args: &[&str]) -> std::process::Output {
    common::cli(db, NOW, args)
}

#[test]
fn the_cli_import_of_a_csv_with_an_open_quote_exits_non_zero_and_writes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("crm.db");
    let file = dir.path().join("顧客一覧.csv");
    std::fs::write(&file, csv_with_open_quote()).unwrap();
    for args in [&["import", file.to_str().unwrap()][..], &["import", file.to_str().unwrap(), "--dry-run"][..]] {
        let out = daifuku(&db, args);
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(!out.status.success(), "{args:?}: {stderr}");
        assert!(stderr.contains("unterminated_quote") && stderr.contains("line 5"), "{stderr}");
    }
    let out = daifuku(&db, &["company", "list", "--json"]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["total"], 0);
}

// ---- property tests over the readers ----

/// (kanji, reading in full-width katakana, in half-width katakana)
const FAMILIES: &[(&str, &str, &str)] = &[
    ("山田", "ヤマダ", "ﾔﾏﾀﾞ"),
    ("佐藤", "サトウ", "ｻﾄｳ"),
    ("鈴木", "スズキ", "ｽｽﾞｷ"),
    ("高橋", "タカハシ", "ﾀｶﾊｼ"),
    ("渡邉", "ワタナベ", "ﾜﾀﾅﾍﾞ"),
    ("中村", "ナカムラ", "ﾅｶﾑﾗ"),
    ("小林", "コバヤシ", "ｺﾊﾞﾔｼ"),
    ("斎藤", "サイトウ", "ｻｲﾄｳ"),
    ("望月", "モチヅキ", "ﾓﾁﾂﾞｷ"),
    ("長谷川", "ハセガワ", "ﾊｾｶﾞﾜ"),
];
const GIVENS: &[(&str, &str, &str)] = &[
    ("太郎", "タロウ", "ﾀﾛｳ"),
    ("花子", "ハナコ", "ﾊﾅｺ"),
    ("健一", "ケンイチ", "ｹﾝｲﾁ"),
    ("美穂", "ミホ", "ﾐﾎ"),
    ("翔太", "ショウタ", "ｼｮｳﾀ"),
    ("陽子", "ヨウコ", "ﾖｳｺ"),
    ("さくら", "サクラ", "ｻｸﾗ"),
    ("大輔", "ダイスケ", "ﾀﾞｲｽｹ"),
];
const COMPANIES: &[(&str, &str)] = &[
    ("株式会社北陸精機", "ホクリクセイキ"),
    ("合同会社みなと企画", "ミナトキカク"),
    ("有限会社さくら商店", "サクラショウテン"),
    ("株式会社東海物産", "トウカイブッサン"),
    ("ＡＢＣ株式会社", "エービーシー"),
];
const DEPARTMENTS: &[&str] = &["営業部", "総務部", "製造部", "開発部"];

/// One person of an address book, and the row the reader must give.
#[derive(Debug, Clone)]
struct Person {
    family: (&'static str, &'static str, &'static str),
    given: (&'static str, &'static str, &'static str),
    company: Option<(&'static str, &'static str)>,
    department: Option<&'static str>,
    phone: Option<String>,
    mobile: Option<String>,
    email: Option<String>,
    /// Two lines.
    memo: Option<(String, String)>,
}

fn pick<T: Copy>(rng: &mut ChaCha8Rng, items: &[T]) -> T {
    items[rng.random_range(0..items.len())]
}

fn person(rng: &mut ChaCha8Rng) -> Person {
    let company = rng.random_bool(0.8).then(|| pick(rng, COMPANIES));
    Person {
        family: pick(rng, FAMILIES),
        given: pick(rng, GIVENS),
        company,
        department: company.and_then(|_| rng.random_bool(0.5).then(|| pick(rng, DEPARTMENTS))),
        phone: rng.random_bool(0.7).then(|| {
            let exchange = pick(rng, &["03-3211", "06-6341", "052-222", "0766-26", "011-222"]);
            format!("{exchange}-{:04}", rng.random_range(0..10000))
        }),
        mobile: rng.random_bool(0.5).then(|| {
            format!("0{}0-{}-{:04}", pick(rng, &[8, 9]), rng.random_range(1000..10000), rng.random_range(0..10000))
        }),
        email: rng.random_bool(0.5).then(|| format!("user{}@example.co.jp", rng.random_range(0..100000))),
        memo: rng
            .random_bool(0.3)
            .then(|| ("展示会で名刺交換".to_string(), format!("次回は{}月に訪問", rng.random_range(1..13)))),
    }
}

impl Person {
    /// The reader's row (`vcard::COLUMNS`).
    fn row(&self, company_reading: bool) -> Vec<String> {
        let mut r = vec![String::new(); import::vcard::COLUMNS.len()];
        let mut set = |col: &str, v: &str| {
            r[import::vcard::COLUMNS.iter().position(|c| *c == col).unwrap()] = v.to_string();
        };
        set("family_name", self.family.0);
        set("given_name", self.given.0);
        set("family_reading", self.family.1);
        set("given_reading", self.given.1);
        if let Some((name, reading)) = self.company {
            set("company_id", name);
            if company_reading {
                set("company_reading", reading);
            }
        }
        set("department", self.department.unwrap_or(""));
        set("email", self.email.as_deref().unwrap_or(""));
        set("phone", self.phone.as_deref().unwrap_or(""));
        set("mobile", self.mobile.as_deref().unwrap_or(""));
        if let Some((a, b)) = &self.memo {
            set("memos", &format!("{a}\n{b}"));
        }
        r
    }

    fn org(&self) -> Option<String> {
        let (name, _) = self.company?;
        Some(match self.department {
            Some(d) => format!("{name};{d}"),
            None => name.to_string(),
        })
    }

    /// vCard 2.1 from a feature phone: Shift_JIS, quoted-printable, the
    /// reading in half-width katakana.
    fn card_21_sjis(&self) -> Vec<u8> {
        let mut c = b"BEGIN:VCARD\r\nVERSION:2.1\r\n".to_vec();
        let n = format!("{};{};;;", self.family.0, self.given.0);
        c.extend(format!("N;CHARSET=SHIFT_JIS;ENCODING=QUOTED-PRINTABLE:{}\r\n", qp(&sjis(&n))).bytes());
        c.extend(b"SOUND;X-IRMC-N;CHARSET=SHIFT_JIS:");
        c.extend(sjis(&format!("{};{};;;", self.family.2, self.given.2)));
        c.extend(b"\r\n");
        if let Some(org) = self.org() {
            c.extend(format!("ORG;CHARSET=SHIFT_JIS;ENCODING=QUOTED-PRINTABLE:{}\r\n", qp(&sjis(&org))).bytes());
        }
        self.common_21(&mut c, sjis, "CHARSET=SHIFT_JIS;");
        c
    }

    /// vCard 2.1 written in UTF-8 without CHARSET (some PC tools).
    fn card_21_utf8(&self) -> Vec<u8> {
        let mut c = b"BEGIN:VCARD\r\nVERSION:2.1\r\n".to_vec();
        c.extend(
            format!(
                "N:{};{};;;\r\nSOUND;X-IRMC-N:{};{};;;\r\n",
                self.family.0, self.given.0, self.family.1, self.given.1
            )
            .bytes(),
        );
        if let Some(org) = self.org() {
            c.extend(format!("ORG:{org}\r\n").bytes());
        }
        self.common_21(&mut c, |s| s.as_bytes().to_vec(), "");
        c
    }

    fn common_21(&self, c: &mut Vec<u8>, enc: impl Fn(&str) -> Vec<u8>, charset: &str) {
        if let Some(p) = &self.phone {
            c.extend(format!("TEL;WORK;VOICE:{p}\r\n").bytes());
        }
        if let Some(m) = &self.mobile {
            c.extend(format!("TEL;CELL:{m}\r\n").bytes());
        }
        if let Some(e) = &self.email {
            c.extend(format!("EMAIL;INTERNET:{e}\r\n").bytes());
        }
        if let Some((a, b)) = &self.memo {
            c.extend(
                format!("NOTE;{charset}ENCODING=QUOTED-PRINTABLE:{}\r\n", qp(&enc(&format!("{a}\r\n{b}")))).bytes(),
            );
        }
        c.extend(b"END:VCARD\r\n");
    }

    /// vCard 3.0 (iPhone, Android): UTF-8, readings in X-PHONETIC-*, long
    /// lines folded every 40 bytes, in the middle of characters.
    fn card_30(&self) -> Vec<u8> {
        let mut lines = vec![
            "VERSION:3.0".to_string(),
            format!("N:{};{};;;", self.family.0, self.given.0),
            format!("FN:{} {}", self.family.0, self.given.0),
            format!("X-PHONETIC-LAST-NAME:{}", self.family.1),
            format!("X-PHONETIC-FIRST-NAME:{}", self.given.1),
        ];
        if let Some(org) = self.org() {
            lines.push(format!("ORG:{org}"));
            lines.push(format!("X-PHONETIC-ORG:{}", self.company.unwrap().1));
        }
        if let Some(p) = &self.phone {
            lines.push(format!("TEL;TYPE=WORK,VOICE:{p}"));
        }
        if let Some(m) = &self.mobile {
            lines.push(format!("TEL;TYPE=CELL:{m}"));
        }
        if let Some(e) = &self.email {
            lines.push(format!("EMAIL;TYPE=INTERNET,WORK:{e}"));
        }
        if let Some((a, b)) = &self.memo {
            lines.push(format!("NOTE:{a}\\n{b}"));
        }
        let mut c = b"BEGIN:VCARD\r\n".to_vec();
        for l in lines {
            for (i, chunk) in l.as_bytes().chunks(40).enumerate() {
                if i > 0 {
                    c.push(b' ');
                }
                c.extend_from_slice(chunk);
                c.extend_from_slice(b"\r\n");
            }
        }
        c.extend(b"END:VCARD\r\n");
        c
    }

    /// vCard 4.0: UTF-8, `tel:` URIs, LF line ends.
    fn card_40(&self) -> Vec<u8> {
        let mut c = format!(
            "BEGIN:VCARD\nVERSION:4.0\nFN:{} {}\nN:{};{};;;\nX-PHONETIC-LAST-NAME:{}\nX-PHONETIC-FIRST-NAME:{}\n",
            self.family.0, self.given.0, self.family.0, self.given.0, self.family.1, self.given.1
        );
        if let Some(org) = self.org() {
            c.push_str(&format!("ORG:{org}\nX-PHONETIC-ORG:{}\n", self.company.unwrap().1));
        }
        if let Some(p) = &self.phone {
            c.push_str(&format!("TEL;VALUE=uri;TYPE=\"voice,work\":tel:{p}\n"));
        }
        if let Some(m) = &self.mobile {
            c.push_str(&format!("TEL;VALUE=uri;TYPE=\"voice,cell\":tel:{m}\n"));
        }
        if let Some(e) = &self.email {
            c.push_str(&format!("EMAIL;TYPE=work:{e}\n"));
        }
        if let Some((a, b)) = &self.memo {
            c.push_str(&format!("NOTE:{a}\\n{b}\n"));
        }
        c.push_str("END:VCARD\n");
        c.into_bytes()
    }
}

/// Asserts no cell holds text that did not decode.
fn no_undecodable_cells(t: &import::RawTable, input: &[u8], literal_fffd_allowed: bool) {
    let had_fffd = input.windows(3).any(|w| w == [0xEF, 0xBF, 0xBD]);
    for (i, r) in t.rows.iter().enumerate() {
        for c in r {
            assert!(!c.contains(UNDECODABLE), "row {i}: {c:?}");
            assert!(!c.contains('\u{FFFD}') || (literal_fffd_allowed && had_fffd), "row {i}: {c:?}");
        }
    }
    for issue in &t.issues {
        assert!(issue.row < t.rows.len(), "{issue:?}");
    }
}

/// Random bytes, and random strings of vCard and CSV pieces: the readers
/// never panic, and never hand on text that did not decode.
#[test]
fn random_bytes_never_panic_nor_give_undecodable_text() {
    let mut rng = ChaCha8Rng::seed_from_u64(20);
    let pieces: Vec<Vec<u8>> = vec![
        b"BEGIN:VCARD\r\n".to_vec(),
        b"END:VCARD\r\n".to_vec(),
        b"VERSION:2.1\r\n".to_vec(),
        b"VERSION:3.0\r\n".to_vec(),
        b"N;CHARSET=SHIFT_JIS;ENCODING=QUOTED-PRINTABLE:".to_vec(),
        b"SOUND;X-IRMC-N;CHARSET=SHIFT_JIS:".to_vec(),
        b"TEL;TYPE=\"cell".to_vec(),
        b"ORG:".to_vec(),
        b"=8E=52=".to_vec(),
        b"=\r\n".to_vec(),
        b"\"".to_vec(),
        b"\"\"".to_vec(),
        b",".to_vec(),
        b"\r\n".to_vec(),
        b"\n".to_vec(),
        b"\r".to_vec(),
        b";".to_vec(),
        b":".to_vec(),
        b" ".to_vec(),
        b"\xEF\xBB\xBF".to_vec(),
        b"sep=;\n".to_vec(),
        sjis("山田商事"),
        sjis("ﾔﾏﾀﾞ"),
        "株式会社髙橋".as_bytes().to_vec(),
        encoding_rs::EUC_JP.encode("斎藤").0.into_owned(),
    ];
    for case in 0..3000 {
        let mut input = Vec::new();
        let len = rng.random_range(0..60);
        for _ in 0..len {
            if rng.random_bool(0.5) {
                for _ in 0..rng.random_range(1..8) {
                    input.push(rng.random::<u8>());
                }
            } else {
                input.extend_from_slice(&pieces[rng.random_range(0..pieces.len())]);
            }
        }
        if case % 3 == 0 && !input.is_empty() {
            // A BOM for UTF-16 now and then: the whole file is then UTF-16.
            input.splice(0..0, [0xFF, 0xFE]);
        }
        for name in ["a.vcf", "a.csv"] {
            match import::read(name, &input, &ImportOptions::default()) {
                Ok(t) => no_undecodable_cells(&t, &input, name == "a.csv"),
                Err(e) => assert!(
                    matches!(e.code.as_str(), "unterminated_quote" | "invalid_csv" | "invalid_vcard"),
                    "case {case} {name}: {e:?}"
                ),
            }
        }
    }
}

/// Good cards (2.1 Shift_JIS quoted-printable, 2.1 UTF-8, 3.0, 4.0) mixed
/// with broken ones (a broken byte, garbage lines, cut short, nonsense
/// lines): every good card's row comes out with its exact values and no
/// issue, wherever it is.
#[test]
fn good_cards_survive_next_to_broken_ones() {
    let mut rng = ChaCha8Rng::seed_from_u64(2021);
    let mut broken_kinds = [0usize; 4];
    let mut issues_seen = 0;
    for case in 0..400 {
        let mut file: Vec<u8> = Vec::new();
        // (row index, expected row) of the good cards.
        let mut good: Vec<(usize, Vec<String>)> = Vec::new();
        let mut cards = 0usize;
        for _ in 0..rng.random_range(1..12) {
            let p = person(&mut rng);
            let format = rng.random_range(0..4);
            let (bytes, company_reading) = match format {
                0 => (p.card_21_sjis(), false),
                1 => (p.card_21_utf8(), false),
                2 => (p.card_30(), true),
                _ => (p.card_40(), true),
            };
            if rng.random_bool(0.6) {
                cards += 1;
                good.push((cards, p.row(company_reading)));
                file.extend_from_slice(&bytes);
                continue;
            }
            let kind = rng.random_range(0..4);
            broken_kinds[kind] += 1;
            match kind {
                // A broken byte somewhere inside the card.
                0 => {
                    let body_start = bytes.iter().position(|b| *b == b'\n').unwrap() + 1;
                    let end = bytes.len() - if bytes.ends_with(b"\r\n") { 11 } else { 10 };
                    let at = rng.random_range(body_start..end);
                    let mut b = bytes.clone();
                    b.insert(at, rng.random_range(0x80..=0xFF));
                    cards += 1;
                    file.extend_from_slice(&b);
                }
                // Garbage lines between cards (not a card).
                1 => {
                    for _ in 0..rng.random_range(1..4) {
                        let line: Vec<u8> = (0..rng.random_range(0..40))
                            .map(|_| rng.random::<u8>())
                            .filter(|b| *b != b'\n' && *b != b'\r')
                            .collect();
                        file.extend_from_slice(&line);
                        file.extend_from_slice(b"\r\n");
                    }
                }
                // Cut short after some line.
                2 => {
                    let lines: Vec<&[u8]> = bytes.split_inclusive(|b| *b == b'\n').collect();
                    let keep = rng.random_range(1..lines.len() - 1);
                    for l in &lines[..keep] {
                        file.extend_from_slice(l);
                    }
                    cards += 1;
                }
                // Nonsense lines inside the card.
                _ => {
                    let mut b = bytes.clone();
                    let at = bytes.iter().position(|b| *b == b'\n').unwrap() + 1;
                    let junk = pick(
                        &mut rng,
                        &[&b";;;:::\r\n"[..], b"\"unclosed:x\r\n", b"NOCOLON\r\n", b"=41=\r\n", b":\r\n"],
                    );
                    b.splice(at..at, junk.iter().copied());
                    cards += 1;
                    file.extend_from_slice(&b);
                }
            }
        }
        let t = match import::read("address-book.vcf", &file, &ImportOptions::default()) {
            Ok(t) => t,
            Err(e) if cards == 0 => {
                assert_eq!(e.code, "invalid_vcard", "case {case}: only garbage lines");
                continue;
            }
            Err(e) => panic!("case {case}: {e:?}"),
        };
        assert_eq!(t.rows.len(), cards + 1, "case {case}: one row per card");
        no_undecodable_cells(&t, &file, false);
        issues_seen += t.issues.len();
        for (i, want) in &good {
            assert_eq!(&t.rows[*i], want, "case {case}, card {i}");
            assert!(t.issues.iter().all(|x| x.row != *i), "case {case}, card {i}: {:?}", t.issues);
        }
        // Through the planner: every good card is planned, none in error.
        if case % 20 == 0 {
            let s = Store::open_in_memory().unwrap();
            let p = s.import_preview(&t, &ImportOptions::default(), &mut |_| Flow::Continue).unwrap();
            for (i, _) in &good {
                let r = row(&p, *i as u32);
                assert_ne!(r.action, RowAction::Error, "case {case}, card {i}: {:?}", r.errors);
            }
        }
    }
    assert!(broken_kinds.iter().all(|n| *n > 50), "{broken_kinds:?}");
    assert!(issues_seen > 200, "the broken cards are reported ({issues_seen} issues)");
}

/// Good CSV rows (CP932 or UTF-8, Excel quoting: commas, doubled quotes,
/// line breaks in cells) next to rows with a byte that is not text in the
/// file's encoding: every good row keeps its exact cells, a broken row
/// loses only the broken cell, with an issue naming it.
#[test]
fn good_csv_rows_survive_next_to_rows_with_broken_bytes() {
    let mut rng = ChaCha8Rng::seed_from_u64(932);
    let mut broken_cells = 0;
    for case in 0..400 {
        let cp932 = rng.random_bool(0.5);
        let enc = |s: &str| if cp932 { sjis(s) } else { s.as_bytes().to_vec() };
        let bad_bytes: &[&[u8]] = if cp932 {
            &[b"\xFD", b"\xFE", b"\xFF", b"\xA0"]
        } else {
            &[b"\xFF", b"\xFE", b"\xC0", b"\x80", b"\xE3\x81"]
        };
        let mut file = if !cp932 && rng.random_bool(0.5) { b"\xEF\xBB\xBF".to_vec() } else { Vec::new() };
        file.extend(enc("会社名,フリガナ,電話番号,住所,備考\r\n"));
        let mut want: Vec<Vec<String>> =
            vec![["会社名", "フリガナ", "電話番号", "住所", "備考"].map(String::from).to_vec()];
        let mut broken: Vec<(usize, usize)> = Vec::new();
        let rows = rng.random_range(1..30);
        for r in 0..rows {
            let (name, reading) = pick(&mut rng, COMPANIES);
            let cells: Vec<String> = vec![
                format!("{name}{}", pick(&mut rng, &["", " 本社", "　大阪支店", ", 東京営業所"])),
                if rng.random_bool(0.5) {
                    reading.to_string()
                } else {
                    pick(&mut rng, &["ﾎｸﾘｸｾｲｷ", "ﾐﾅﾄｷｶｸ"]).to_string()
                },
                pick(
                    &mut rng,
                    &["03-1234-5678（代）", "0766-26-5865", "052-222-8256(代表)", "06-1111-2222 内線123", ""],
                )
                .to_string(),
                pick(
                    &mut rng,
                    &["東京都千代田区丸の内1-2-3", "北海道札幌市中央区\r\n北1条西2丁目", "大阪府大阪市北区梅田1-1"],
                )
                .to_string(),
                pick(&mut rng, &["", "\"重要\"顧客", "初回訪問済み、次回は3月", "A,B,C"]).to_string(),
            ];
            // At most one broken row in four, each with one broken cell
            // (a UTF-8 file broken more often than that is no longer
            // told apart from Shift_JIS).
            let bad_cell = (r % 4 == 3 && rng.random_bool(0.7)).then(|| rng.random_range(0..cells.len()));
            let mut line = Vec::new();
            for (i, cell) in cells.iter().enumerate() {
                if i > 0 {
                    line.push(b',');
                }
                let quoted = cell.contains([',', '"', '\n']) || rng.random_bool(0.2);
                let text = if quoted { format!("\"{}\"", cell.replace('"', "\"\"")) } else { cell.clone() };
                let mut bytes = enc(&text);
                if bad_cell == Some(i) {
                    // Between two characters (after the opening quote, if any).
                    let chars: Vec<(usize, char)> = text.char_indices().collect();
                    let k = rng.random_range(usize::from(quoted)..chars.len().max(1 + usize::from(quoted)));
                    let at = enc(&text[..chars.get(k).map(|c| c.0).unwrap_or(text.len())]).len();
                    let at = if quoted { at.max(1).min(bytes.len() - 1) } else { at };
                    bytes.splice(at..at, pick(&mut rng, bad_bytes).iter().copied());
                }
                line.extend(bytes);
            }
            line.extend(b"\r\n");
            file.extend(line);
            let mut row = cells.clone();
            if let Some(i) = bad_cell {
                row[i] = String::new();
                broken.push((want.len(), i));
            }
            want.push(row);
        }
        let t = import::read("顧客.csv", &file, &ImportOptions::default()).unwrap();
        let expected_encoding = if cp932 { import::TextEncoding::ShiftJis } else { import::TextEncoding::Utf8 };
        assert_eq!(t.encoding, Some(expected_encoding), "case {case}");
        no_undecodable_cells(&t, &file, false);
        assert_eq!(t.rows, want, "case {case}");
        let got: Vec<(usize, usize)> = t.issues.iter().map(|i| (i.row, i.column.unwrap())).collect();
        assert_eq!(got, broken, "case {case}");
        broken_cells += broken.len();
    }
    assert!(broken_cells > 300, "{broken_cells} broken cells");
}
