//! Printing (issue #22 part 2): 顧客カード, 情報報告書 and 宛名ラベル as A4
//! PDFs, read back with independent tools (poppler-utils: `pdftotext`,
//! `pdffonts`, `pdfinfo`, `pdftoppm`): the Japanese text is there, the font
//! is embedded as a subset, a page renders with ink on it, long lists run
//! onto page 2, labels say 様 or 御中, every page has the footer.

mod common;

use std::path::Path;
use std::process::Command as Proc;

use daifuku::store::Ctx;
use daifuku::{Kind, Store};
use daifuku_host::Host;
use serde_json::{json, Map, Value};

const NOW: i64 = 1_775_000_000_000; // 2026-04-01 (Japan)

fn ctx(store: &mut Store) -> Ctx {
    store.context(NOW).unwrap()
}

fn add(store: &mut Store, kind: Kind, fields: Value) -> String {
    let Value::Object(m) = fields else { panic!("fields") };
    let c = ctx(store);
    store.create_fields(&c, kind, m as Map<String, Value>).unwrap().id
}

/// A customer with its people, deals, contracts and activities; a printing user.
struct Office {
    store: Store,
    company: String,
    report: String,
    user: String,
}

fn office(contacts: usize) -> Office {
    let mut store = Store::open_in_memory().unwrap();
    store.seed_ids(22);
    let user = add(&mut store, Kind::User, json!({"name": "佐々木 花子"}));
    store.set_current_user(Some(&user)).unwrap();
    let boss = add(&mut store, Kind::User, json!({"name": "髙橋 部長"}));
    let colleague = add(&mut store, Kind::User, json!({"name": "渡邉 一郎"}));
    let company = add(
        &mut store,
        Kind::Company,
        json!({"name": "株式会社大福商事", "name_reading": "ダイフクショウジ", "code": "C-0042",
               "postal_code": "100-0005", "prefecture": "東京都", "city": "千代田区", "street": "丸の内1-2-3",
               "building": "大福ビル5階", "phone": "03-1234-5678（代）", "status": "customer", "owner_id": user,
               "industry": "卸売業", "employees": 120, "capital": 100000000}),
    );
    let roles = ["decision_maker", "influencer", "gatekeeper", "user"];
    let mut first_contact = String::new();
    for i in 0..contacts {
        let id = add(
            &mut store,
            Kind::Contact,
            json!({"company_id": company, "family_name": format!("山田{i:02}"), "given_name": "太郎",
                   "department": "購買部", "title": if i == 0 { "部長" } else { "主任" },
                   "decision_role": roles[i % 4], "phone": "03-1234-5678 内線123"}),
        );
        if i == 0 {
            first_contact = id;
        }
    }
    add(
        &mut store,
        Kind::Purchase,
        json!({"company_id": company, "product_name": "大福クラウド 年間保守", "amount": 1200000,
               "contract_date": "2025-04-01", "expiry_date": "2026-03-31", "renewal_date": "2026-04-01", "status": "active"}),
    );
    add(
        &mut store,
        Kind::Deal,
        json!({"company_id": company, "title": "倉庫システム更新", "stage": "proposal", "amount": 5000000, "probability": 60}),
    );
    add(&mut store, Kind::Deal, json!({"company_id": company, "title": "受注済みの旧案件", "stage": "won"}));
    add(
        &mut store,
        Kind::Activity,
        json!({"kind": "visit", "occurred_at": "2026-03-10T10:00", "company_id": company, "subject": "定例訪問", "content": "新製品の説明"}),
    );
    let report = add(
        &mut store,
        Kind::Activity,
        json!({"kind": "info_report", "occurred_at": "2026-03-20T15:30", "company_id": company,
               "contact_ids": [first_contact], "our_attendee_ids": [user],
               "subject": "新社屋建設の計画", "info_kind": "設備投資",
               "source_who": "購買部 山田部長", "source_where": "先方応接室", "source_situation": "雑談の中で",
               "means": "face_to_face", "factuality": "speculation", "credibility": 4, "importance": 5, "urgency": 2,
               "content": "来年春に新社屋を建設する予定のようだ。", "how_to_use": "移転に合わせてネットワーク一式を提案する。",
               "shared_with_ids": [boss, colleague]}),
    );
    Office { store, company, report, user }
}

/// Sends a print command through the host as the app does; the PDF's bytes.
fn print(store: Store, cmd: Value) -> (Vec<u8>, Value) {
    let host = Host::new(store);
    let v = host.dispatch(cmd, NOW, 540).unwrap();
    assert_eq!(v["type"], "printed", "{v}");
    let b64 = v["data"]["base64"].as_str().unwrap();
    let bytes = daifuku::import::decode_base64(b64).unwrap();
    assert_eq!(v["data"]["bytes"].as_u64().unwrap(), bytes.len() as u64);
    (bytes, v["data"].clone())
}

fn tool(name: &str, args: &[&str]) -> String {
    let out = Proc::new(name).args(args).output().unwrap_or_else(|e| panic!("{name} (poppler-utils) missing: {e}"));
    assert!(out.status.success(), "{name} {args:?}: {}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8(out.stdout).unwrap()
}

fn save(dir: &Path, name: &str, bytes: &[u8]) -> String {
    assert!(bytes.starts_with(b"%PDF-"), "not a PDF");
    let p = dir.join(name);
    std::fs::write(&p, bytes).unwrap();
    p.to_string_lossy().to_string()
}

/// The text of `pages` (first, last) or of every page.
fn text(pdf: &str, pages: Option<(u32, u32)>) -> String {
    let mut args = vec![];
    let (f, l);
    if let Some((a, b)) = pages {
        f = a.to_string();
        l = b.to_string();
        args.extend(["-f", &f, "-l", &l]);
    }
    args.extend([pdf, "-"]);
    tool("pdftotext", &args)
}

fn page_count(pdf: &str) -> u32 {
    let info = tool("pdfinfo", &[pdf]);
    let line = info.lines().find(|l| l.starts_with("Pages:")).unwrap();
    line["Pages:".len()..].trim().parse().unwrap()
}

/// `pdffonts`: every font embedded and subset (name with the ABCDEF+ tag).
fn assert_subset_fonts(pdf: &str) {
    let out = tool("pdffonts", &[pdf]);
    let rows: Vec<&str> = out.lines().skip(2).collect();
    assert!(!rows.is_empty(), "no fonts: {out}");
    for r in rows {
        let cols: Vec<&str> = r.split_whitespace().collect();
        // name type [encoding …] emb sub uni object ID: emb/sub/uni are the 5th–3rd from the end.
        let n = cols.len();
        assert_eq!((cols[n - 5], cols[n - 4], cols[n - 3]), ("yes", "yes", "yes"), "not embedded/subset/unicode: {r}");
        assert!(cols[0].len() > 7 && cols[0].as_bytes()[6] == b'+', "no subset tag: {r}");
    }
}

/// Renders page `page` to PNG at 50 dpi; the share of pixels that are not white.
fn ink(pdf: &str, dir: &Path, page: u32) -> f64 {
    let stem = dir.join(format!("page{page}"));
    let p = page.to_string();
    tool("pdftoppm", &["-png", "-r", "50", "-f", &p, "-l", &p, "-singlefile", pdf, stem.to_str().unwrap()]);
    let decoder = png::Decoder::new(std::io::BufReader::new(std::fs::File::open(stem.with_extension("png")).unwrap()));
    let mut reader = decoder.read_info().unwrap();
    let mut buf = vec![0; reader.output_buffer_size().unwrap()];
    let info = reader.next_frame(&mut buf).unwrap();
    let channels = info.color_type.samples();
    let px = &buf[..info.buffer_size()];
    // A4 at 50 dpi: 413 × 585.
    assert!(
        (info.width as i32 - 413).abs() <= 1 && (info.height as i32 - 585).abs() <= 1,
        "{}x{}",
        info.width,
        info.height
    );
    let total = px.len() / channels;
    let dark = px.chunks(channels).filter(|c| c.iter().take(3.min(channels)).any(|v| *v < 200)).count();
    dark as f64 / total as f64
}

fn footer(store: &mut Store) -> String {
    format!("社外秘 — printed by 佐々木 花子, {}", ctx(store).today())
}

#[test]
fn customer_card_reads_back_with_its_people_contracts_and_deals() {
    let mut o = office(3);
    let want_footer = footer(&mut o.store);
    // The phone as the store keeps it (normalized on the way in).
    let phone = match o.store.get(Kind::Company, &o.company).unwrap().record {
        daifuku::Record::Company(c) => c.phone.unwrap(),
        _ => unreachable!(),
    };
    let contact_phone = match o.store.list(Kind::Contact, &Default::default()).unwrap().items[0].record.clone() {
        daifuku::Record::Contact(c) => c.phone.unwrap(),
        _ => unreachable!(),
    };
    let (pdf, data) = print(o.store, json!({"cmd": "print_company", "id": o.company}));
    let dir = tempfile::tempdir().unwrap();
    let file = save(dir.path(), "card.pdf", &pdf);
    assert!(data["name"].as_str().unwrap().starts_with("顧客カード_株式会社大福商事_"), "{data}");
    let t = text(&file, None);
    for want in [
        "顧客カード",
        "株式会社大福商事",
        "ダイフクショウジ",
        "C-0042",
        "〒100-0005 東京都千代田区丸の内1-2-3大福ビル5階",
        &phone,
        "山田00 太郎",
        "部長",
        "決裁者",
        "影響者",
        "窓口",
        "大福クラウド 年間保守",
        "1,200,000円",
        "2026/04/01",
        "倉庫システム更新",
        "提案",
        "60%",
        "定例訪問",
        "佐々木 花子",
        &want_footer,
    ] {
        assert!(t.contains(want), "{want:?} missing from the card:\n{t}");
    }
    // A cell wraps at a space: read across the line ends.
    assert!(t.replace('\n', " ").contains(&contact_phone), "{contact_phone:?} missing from the card:\n{t}");
    assert!(!t.contains("受注済みの旧案件"), "a won deal is not an open deal");
    assert_eq!(page_count(&file), 1);
    assert_eq!(data["pages"], 1);
    assert_subset_fonts(&file);
    let share = ink(&file, dir.path(), 1);
    assert!(share > 0.01, "page 1 looks blank: {share}");
}

#[test]
fn a_long_contact_list_continues_on_page_two_with_nothing_left_out() {
    let o = office(60);
    let (pdf, data) = print(o.store, json!({"cmd": "print_company", "id": o.company}));
    let dir = tempfile::tempdir().unwrap();
    let file = save(dir.path(), "long.pdf", &pdf);
    let pages = page_count(&file);
    assert!(pages >= 2, "60 contacts on {pages} page(s)");
    assert_eq!(data["pages"].as_u64().unwrap(), pages as u64);
    let all = text(&file, None);
    for i in 0..60 {
        assert!(all.contains(&format!("山田{i:02} 太郎")), "contact {i} cut off");
    }
    assert!(all.contains("担当者（60名）"));
    let two = text(&file, Some((2, 2)));
    assert!(two.contains("顧客カード 株式会社大福商事（続き）"), "page 2 says whose card it continues:\n{two}");
    assert!(two.contains("決裁での役割"), "the table header repeats on page 2:\n{two}");
    assert!(two.contains("山田3"), "page 2 goes on with the contacts:\n{two}");
    let last = text(&file, Some((pages, pages)));
    assert!(!text(&file, Some((1, 1))).contains("山田59 太郎") && all.contains("山田59 太郎"));
    assert!(last.contains("最近の活動"), "the sections after the list follow it:\n{last}");
    // Every page carries the footer and its number.
    for p in 1..=pages {
        let t = text(&file, Some((p, p)));
        assert!(t.contains("社外秘 — printed by 佐々木 花子"), "page {p} has no footer");
        assert!(t.contains(&format!("{p}/{pages}")), "page {p} has no number");
    }
    assert!(ink(&file, dir.path(), 2) > 0.01);
}

#[test]
fn information_report_is_the_seed_form() {
    let mut o = office(1);
    let want_footer = footer(&mut o.store);
    let (pdf, _) = print(o.store, json!({"cmd": "print_report", "id": o.report}));
    let dir = tempfile::tempdir().unwrap();
    let file = save(dir.path(), "report.pdf", &pdf);
    let t = text(&file, None);
    for want in [
        "情報報告書",
        "株式会社大福商事",
        "新社屋建設の計画",
        "設備投資",
        "購買部 山田部長",
        "先方応接室",
        "雑談の中で",
        "■対面",
        "□事実",
        "■推測",
        "●●●●○（4/5）",
        "●●●●●（5/5）",
        "●●○○○（2/5）",
        "来年春に新社屋を建設する予定のようだ。",
        "移転に合わせてネットワーク一式を提案する。",
        "回覧（2名）",
        "髙橋 部長",
        "渡邉 一郎",
        "確認印",
        "報告者 佐々木 花子",
        &want_footer,
    ] {
        assert!(t.contains(want), "{want:?} missing from the report:\n{t}");
    }
    assert_eq!(page_count(&file), 1);
    assert_subset_fonts(&file);
    assert!(ink(&file, dir.path(), 1) > 0.01);
}

#[test]
fn labels_on_sheets_of_12_and_24_with_sama_and_onchu() {
    let mut o = office(0);
    let c = o.company.clone();
    for i in 0..30 {
        add(
            &mut o.store,
            Kind::Contact,
            json!({"company_id": c, "family_name": format!("鈴木{i:02}"), "given_name": "次郎", "department": "総務部", "title": "課長"}),
        );
    }
    add(&mut o.store, Kind::Contact, json!({"company_id": c, "family_name": "不達", "address_status": "bounced"}));
    // A company with no contact: addressed to the company (御中).
    add(
        &mut o.store,
        Kind::Company,
        json!({"name": "有限会社さくら企画", "postal_code": "060-0001", "prefecture": "北海道", "city": "札幌市中央区", "street": "北1条西2丁目"}),
    );
    let db = tempfile::tempdir().unwrap();
    let path = db.path().join("labels.db");
    o.store.conn().execute("VACUUM INTO ?1", [path.to_str().unwrap()]).unwrap();
    for (layout, sheets) in [("12", 3u32), ("24", 2)] {
        let mut store = Store::open(&path).unwrap();
        let want_footer = footer(&mut store);
        let (pdf, data) = print(
            store,
            json!({"cmd": "print_labels", "options": {"layout": layout, "companies_without_contacts": true}}),
        );
        let file = save(db.path(), &format!("labels{layout}.pdf"), &pdf);
        // 30 people + 1 company.
        assert_eq!(page_count(&file), sheets, "layout {layout}");
        assert_eq!(data["pages"].as_u64().unwrap(), sheets as u64);
        assert_eq!(
            data["name"],
            format!("宛名ラベル_{layout}面_{}.pdf", ctx(&mut Store::open(&path).unwrap()).today())
        );
        let t = text(&file, None);
        assert_eq!(t.matches("様").count(), 30, "one 様 per person:\n{t}");
        assert_eq!(t.matches("御中").count(), 1, "one 御中 for the company without people:\n{t}");
        for i in 0..30 {
            assert!(t.contains(&format!("鈴木{i:02} 次郎 様")), "label {i} missing (layout {layout})");
        }
        assert!(t.contains("有限会社さくら企画 御中"));
        assert!(t.contains("〒100-0005"));
        assert!(t.contains("〒060-0001"));
        assert!(t.contains("総務部 課長"));
        assert!(!t.contains("不達"), "a bounced address is not printed");
        for p in 1..=sheets {
            assert!(text(&file, Some((p, p))).contains(&want_footer), "sheet {p} has no footer");
        }
        assert_subset_fonts(&file);
        assert!(ink(&file, db.path(), 1) > 0.005);
    }
    // Without the option, no 御中 label.
    let (pdf, _) = print(Store::open(&path).unwrap(), json!({"cmd": "print_labels", "options": {"layout": "24"}}));
    let file = save(db.path(), "people.pdf", &pdf);
    assert!(!text(&file, None).contains("御中"));
}

#[test]
fn an_empty_mailing_list_prints_nothing() {
    let mut store = Store::open_in_memory().unwrap();
    add(&mut store, Kind::Contact, json!({"family_name": "住所なし"}));
    let host = Host::new(store);
    let e = host.dispatch(json!({"cmd": "print_labels", "options": {"layout": "12"}}), NOW, 540).unwrap_err();
    assert_eq!(e.code, "print_no_labels");
}

#[test]
fn cli_prints_to_a_file_and_refuses_without_a_font() {
    let o = office(2);
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("cli.db");
    o.store.conn().execute("VACUUM INTO ?1", [db.to_str().unwrap()]).unwrap();
    let _ = o.user;
    let out_pdf = dir.path().join("out").join("card.pdf");
    let out = common::cli(&db, NOW, &["print", "company", &o.company, "--out", out_pdf.to_str().unwrap()]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let t = text(out_pdf.to_str().unwrap(), None);
    assert!(t.contains("株式会社大福商事") && t.contains("社外秘 — printed by 佐々木 花子"), "{t}");
    let labels = dir.path().join("labels.pdf");
    let out = common::cli(&db, NOW, &["print", "labels", "--layout", "24", "--out", labels.to_str().unwrap()]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(text(labels.to_str().unwrap(), None).contains("山田01 太郎 様"));
    let report = dir.path().join("report.pdf");
    let out = common::cli(&db, NOW, &["print", "report", &o.report, "--out", report.to_str().unwrap()]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(text(report.to_str().unwrap(), None).contains("新社屋建設の計画"));

    // No font: a clear code, no file.
    let missing = dir.path().join("missing.pdf");
    let out = Proc::new(env!("CARGO_BIN_EXE_daifuku"))
        .args([
            "--db",
            db.to_str().unwrap(),
            "--json",
            "print",
            "company",
            &o.company,
            "--out",
            missing.to_str().unwrap(),
        ])
        .env_remove("DAIFUKU_DB")
        .env("DAIFUKU_NOW", NOW.to_string())
        .env("DAIFUKU_PRINT_FONT", dir.path().join("no-such-font.ttf"))
        .output()
        .unwrap();
    assert!(!out.status.success());
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["code"], "print_font_missing", "{v}");
    assert!(!missing.exists());
    // Unknown records: not found.
    let out = common::cli(&db, NOW, &["print", "report", "no-such-activity", "--out", missing.to_str().unwrap()]);
    assert!(!out.status.success());
}
