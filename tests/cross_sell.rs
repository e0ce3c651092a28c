//! Cross-sell and up-sell (issue 21 item 2): association rules over the
//! office's purchases computed by hand, the exclusions (bought within the
//! suppression window, under contract, competitors' products), the next
//! grade up in a category, the cache kept up to date after writes and an
//! Excel (CP932) import, and the CLI's JSON.

mod common;

use common::{cli, run, T0};
use daifuku::api::{Command, Response};
use daifuku::report::{CrossSellReport, ReportSettings};
use daifuku::store::Store;
use daifuku::Kind;
use serde_json::{json, Value};

const DAY: i64 = 86_400_000;

fn days_ago(n: i64) -> String {
    daifuku::Ctx::new(T0 - n * DAY, "t").today()
}

fn add(store: &mut Store, kind: Kind, fields: Value) -> String {
    let Value::Object(fields) = fields else { panic!("fields are an object") };
    match run(store, T0, Command::Add { kind, fields }).unwrap() {
        Response::Record(r) => r.id,
        other => panic!("expected a record, got {other:?}"),
    }
}

fn product(store: &mut Store, name: &str, category: &str, tier: Option<i32>, side: &str) -> String {
    add(store, Kind::Product, json!({"name": name, "side": side, "category": category, "tier": tier}))
}

fn buy(store: &mut Store, company: &str, product: &str, date: &str) -> String {
    add(
        store,
        Kind::Purchase,
        json!({"company_id": company, "product_id": product, "amount": 100_000, "contract_date": date}),
    )
}

fn cross_sell(store: &mut Store, company: &str) -> CrossSellReport {
    match run(store, T0, Command::CrossSell { company_id: company.into() }).unwrap() {
        Response::CrossSell(r) => r,
        other => panic!("expected suggestions, got {other:?}"),
    }
}

/// Five companies: 複合機 in 4 baskets, 保守 in 3 (all with 複合機), カメラ
/// in 2 (one with 複合機), 帳票 in 1. The target company has 複合機 only.
struct Office {
    store: Store,
    target: String,
    others: Vec<String>,
    mfp: String,
    support: String,
    camera: String,
    forms: String,
    support_plus: String,
}

fn office() -> Office {
    let mut store = Store::open_in_memory().unwrap();
    let mfp = product(&mut store, "業務用複合機 DF-5000", "複合機", None, "own");
    let support = product(&mut store, "ネットワーク保守サポート", "保守サービス", Some(1), "own");
    let support_plus = product(&mut store, "ネットワーク保守サポート プレミアム", "保守サービス", Some(2), "own");
    let camera = product(&mut store, "防犯カメラ SC-200", "防犯機器", None, "own");
    let forms = product(&mut store, "電子帳票ソリューション", "文書管理", None, "own");
    let names = ["株式会社一番", "株式会社二番", "株式会社三番", "株式会社四番"];
    let others: Vec<String> =
        names.iter().map(|n| add(&mut store, Kind::Company, json!({"name": n, "status": "customer"}))).collect();
    let target = add(&mut store, Kind::Company, json!({"name": "株式会社ターゲット", "status": "customer"}));
    let old = days_ago(800);
    for c in &others[..3] {
        buy(&mut store, c, &mfp, &old);
        buy(&mut store, c, &support, &old);
    }
    buy(&mut store, &others[0], &camera, &old);
    buy(&mut store, &others[3], &camera, &old);
    buy(&mut store, &others[3], &forms, &old);
    buy(&mut store, &target, &mfp, &days_ago(500));
    Office { store, target, others, mfp, support, camera, forms, support_plus }
}

#[test]
fn rules_by_hand_best_first_with_the_reason() {
    let Office { mut store, target, mfp, support, camera, .. } = office();
    let r = cross_sell(&mut store, &target);
    assert_eq!(r.baskets, 5);
    // 複合機 → 保守: both 3, 複合機 in 4 (incl. the target): confidence 3/4,
    // lift 0.75 / (3/5) = 1.25. 複合機 → カメラ: 1/4, lift 0.25 / (2/5) = 0.625
    // (below the minimum lift 1: left out).
    let got: Vec<(&str, &str, u32, u32)> = r
        .suggestions
        .iter()
        .map(|s| (s.product_id.as_str(), s.because_product_id.as_str(), s.both, s.because_count))
        .collect();
    assert_eq!(got, vec![(support.as_str(), mfp.as_str(), 3, 4)]);
    let s = &r.suggestions[0];
    assert_eq!(s.confidence, 0.75);
    assert!((s.lift - 1.25).abs() < 1e-12);
    assert_eq!(s.support, 0.6);
    assert_eq!(s.because_name, "業務用複合機 DF-5000");
    assert!(s.last_bought.is_none());

    // With a minimum lift of 0, カメラ follows, after 保守 (lower confidence).
    let settings = ReportSettings { min_lift: 0.0, ..Default::default() };
    run(&mut store, T0, Command::SetReportSettings { settings }).unwrap();
    let r = cross_sell(&mut store, &target);
    let ids: Vec<&str> = r.suggestions.iter().map(|s| s.product_id.as_str()).collect();
    assert_eq!(ids, vec![support.as_str(), camera.as_str()]);
    assert_eq!(r.suggestions[1].confidence, 0.25);
    assert!((r.suggestions[1].lift - 0.625).abs() < 1e-12);
    // A minimum confidence of 80% leaves nothing.
    let settings = ReportSettings { min_lift: 0.0, min_confidence: 0.8, ..Default::default() };
    run(&mut store, T0, Command::SetReportSettings { settings }).unwrap();
    assert!(cross_sell(&mut store, &target).suggestions.is_empty());
}

#[test]
fn held_products_and_competitors_are_not_suggested() {
    let Office { mut store, target, others, support, mfp, .. } = office();
    // Bought 保守 once long ago (no expiry): the company has it, not suggested.
    let old = buy(&mut store, &target, &support, &days_ago(900));
    let r = cross_sell(&mut store, &target);
    assert!(r.suggestions.is_empty(), "bought once: {:?}", r.suggestions);
    let mut both = vec![mfp.clone(), support.clone()];
    both.sort();
    assert_eq!(r.held, both);
    // A contract that has not ended: not suggested.
    let patch =
        |expiry: String, status: &str| json!({"expiry_date": expiry, "status": status}).as_object().unwrap().clone();
    run(
        &mut store,
        T0,
        Command::Patch { kind: Kind::Purchase, id: old.clone(), version: None, fields: patch(days_ago(-30), "active") },
    )
    .unwrap();
    assert!(cross_sell(&mut store, &target).suggestions.is_empty(), "under contract");
    // The contract lapsed 500 days ago: proposed again, saying when it was bought.
    run(
        &mut store,
        T0,
        Command::Patch { kind: Kind::Purchase, id: old, version: None, fields: patch(days_ago(500), "expired") },
    )
    .unwrap();
    let r = cross_sell(&mut store, &target);
    assert_eq!(r.suggestions.iter().map(|s| s.product_id.as_str()).collect::<Vec<_>>(), vec![support.as_str()]);
    assert_eq!(r.suggestions[0].last_bought.as_deref(), Some(days_ago(900).as_str()));
    assert_eq!(r.held, vec![mfp.clone()]);
    // A second contract, bought 100 days ago and already ended: within the
    // suppression window (default 365 days), not suggested…
    let recent = add(
        &mut store,
        Kind::Purchase,
        json!({"company_id": target, "product_id": support, "contract_date": days_ago(100), "expiry_date": days_ago(10), "status": "expired"}),
    );
    assert!(cross_sell(&mut store, &target).suggestions.is_empty(), "in the suppression window");
    // …with a 5-day window it is proposed again.
    let settings = ReportSettings { suppress_days: 5, ..Default::default() };
    run(&mut store, T0, Command::SetReportSettings { settings }).unwrap();
    assert_eq!(cross_sell(&mut store, &target).suggestions.len(), 1);
    let _ = recent;

    // A competitor's product is never suggested, however strong its rule.
    let rival = product(&mut store, "キンタイプラス", "勤怠管理システム", None, "competitor");
    for c in &others[..3] {
        buy(&mut store, c, &rival, &days_ago(800));
    }
    let r = cross_sell(&mut store, &target);
    assert!(r.suggestions.iter().all(|s| s.product_id != rival));
}

#[test]
fn upsell_is_the_next_grade_in_the_category() {
    let Office { mut store, others, support, support_plus, .. } = office();
    let top = product(&mut store, "ネットワーク保守サポート エンタープライズ", "保守サービス", Some(3), "own");
    let r = cross_sell(&mut store, &others[0]);
    assert_eq!(r.upsell.len(), 1);
    let u = &r.upsell[0];
    assert_eq!(
        (u.product_id.as_str(), u.from_product_id.as_str(), u.tier, u.from_tier),
        (support_plus.as_str(), support.as_str(), 2, 1)
    );
    assert_eq!(u.category, "保守サービス");
    // Holding the premium grade now: the next one up is the enterprise grade.
    buy(&mut store, &others[0], &support_plus, &days_ago(10));
    let r = cross_sell(&mut store, &others[0]);
    assert_eq!(r.upsell.iter().map(|u| u.product_id.as_str()).collect::<Vec<_>>(), vec![top.as_str()]);
    // A company without a graded product gets no up-sell.
    assert!(cross_sell(&mut store, &others[3]).upsell.is_empty());
}

fn counts(store: &mut Store) -> (u64, Vec<(String, String, u64)>) {
    let c = store.cross_sell_counts().unwrap();
    let mut pairs: Vec<(String, String, u64)> = c.pairs.iter().map(|((a, b), n)| (a.clone(), b.clone(), *n)).collect();
    let mut items: Vec<(String, String, u64)> = c.items.iter().map(|(a, n)| (a.clone(), a.clone(), *n)).collect();
    pairs.append(&mut items);
    pairs.sort();
    (c.baskets, pairs)
}

#[test]
fn cache_follows_writes_and_an_excel_import() {
    let Office { mut store, target, others, mfp, camera, forms, .. } = office();
    let (baskets, before) = counts(&mut store);
    assert_eq!(baskets, 5);
    let n = |v: &[(String, String, u64)], a: &str, b: &str| {
        let (a, b) = if a <= b { (a, b) } else { (b, a) };
        v.iter().find(|(x, y, _)| x == a && y == b).map(|t| t.2).unwrap_or(0)
    };
    assert_eq!(n(&before, &mfp, &mfp), 4);
    assert_eq!(n(&before, &mfp, &camera), 1);
    // The target buys a camera: its basket changes, and only its pairs move.
    let p = buy(&mut store, &target, &camera, &days_ago(3));
    let (_, after) = counts(&mut store);
    assert_eq!(n(&after, &mfp, &camera), 2);
    assert_eq!(n(&after, &camera, &camera), 3);
    // In the trash: back as before.
    run(&mut store, T0, Command::Delete { kind: Kind::Purchase, id: p }).unwrap();
    assert_eq!(counts(&mut store).1, before);

    // An Excel CSV (Shift_JIS) of purchases: 四番 buys 複合機 and 帳票 again.
    let csv = format!(
        "会社,商品,金額,契約日\r\n株式会社四番,業務用複合機 DF-5000,\"1,200,000\",{}\r\n株式会社四番,電子帳票ソリューション,50000,{}\r\n",
        days_ago(20),
        days_ago(21)
    );
    let (bytes, _, bad) = encoding_rs::SHIFT_JIS.encode(&csv);
    assert!(!bad);
    let b64 = base64_encode(&bytes);
    let file: daifuku::import::FileSource =
        serde_json::from_value(json!({"name": "購入履歴.csv", "base64": b64})).unwrap();
    // The 商品 column chosen as the registered product (the wizard's guess keeps it as a name only).
    let mapping = json!([
        {"column": 0, "header": "会社", "target": "company_id"},
        {"column": 1, "header": "商品", "target": "product_id"},
        {"column": 2, "header": "金額", "target": "amount"},
        {"column": 3, "header": "契約日", "target": "contract_date"},
    ]);
    let options: daifuku::import::ImportOptions =
        serde_json::from_value(json!({"kind": "purchase", "mapping": mapping})).unwrap();
    let rep = run(&mut store, T0, Command::ImportApply { file, options, accept_errors: false });
    let rep = rep.unwrap_or_else(|e| panic!("import failed: {e:?}"));
    let Response::ImportReport(rep) = rep else { panic!() };
    let text = serde_json::to_string(&rep).unwrap();
    assert!(text.contains("\"created\":2"), "{text}");
    let (_, imported) = counts(&mut store);
    assert_eq!(n(&imported, &mfp, &forms), 1);
    assert_eq!(n(&imported, &mfp, &camera), 2, "四番 now holds 複合機 and カメラ");
    assert_eq!(n(&imported, &mfp, &mfp), 5);
    let _ = others;
}

fn base64_encode(bytes: &[u8]) -> String {
    const A: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::new();
    for chunk in bytes.chunks(3) {
        let b = [chunk[0], *chunk.get(1).unwrap_or(&0), *chunk.get(2).unwrap_or(&0)];
        let n = (b[0] as u32) << 16 | (b[1] as u32) << 8 | b[2] as u32;
        for i in 0..4 {
            if i <= chunk.len() {
                out.push(A[(n >> (18 - 6 * i)) as usize & 63] as char);
            } else {
                out.push('=');
            }
        }
    }
    out
}

#[test]
fn cli_cross_sell_json() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("office.db");
    let (target, support) = {
        let Office { store, target, support, .. } = office();
        store.conn().execute("VACUUM INTO ?1", [db.to_str().unwrap()]).unwrap();
        (target, support)
    };
    let out = cli(&db, T0, &["report", "cross-sell", "--company", &target, "--json"]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    let s = &v["suggestions"][0];
    assert_eq!(s["product_id"], support.as_str());
    assert_eq!(s["confidence"], 0.75);
    assert!((s["lift"].as_f64().unwrap() - 1.25).abs() < 1e-12);
    let out = cli(&db, T0, &["report", "cross-sell", "--company", &target]);
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("業務用複合機 DF-5000 を買った会社の 75.0% が購入"), "{text}");
    let out = cli(&db, T0, &["report", "cross-sell", "--company", "nope", "--json"]);
    assert!(!out.status.success());
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["code"], "not_found");
}
