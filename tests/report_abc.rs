//! Priorities (issue 21 item 1): the ABC analysis over a period's purchases,
//! applying the suggested ranks in one undoable step, the contact rhythm and
//! dormant customers (also on Home), the settings, and the CLI's JSON.

mod common;

use common::{cli, run, T0};
use daifuku::api::{Command, Response};
use daifuku::report::{AbcReport, ReportSettings};
use daifuku::store::Store;
use daifuku::Kind;
use serde_json::{json, Value};

const DAY: i64 = 86_400_000;

fn today() -> String {
    daifuku::Ctx::new(T0, "t").today()
}

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

fn company(store: &mut Store, name: &str, rank: Option<&str>) -> String {
    add(store, Kind::Company, json!({"name": name, "rank": rank, "status": "customer"}))
}

fn purchase(store: &mut Store, company_id: &str, fields: Value) -> String {
    let mut f = fields.as_object().unwrap().clone();
    f.insert("company_id".into(), json!(company_id));
    add(store, Kind::Purchase, Value::Object(f))
}

fn abc(store: &mut Store, months: Option<u32>) -> AbcReport {
    match run(store, T0, Command::ReportAbc { months }).unwrap() {
        Response::Abc(r) => r,
        other => panic!("expected the ABC report, got {other:?}"),
    }
}

fn rank_of(store: &mut Store, id: &str) -> Option<String> {
    match run(store, T0, Command::Get { kind: Kind::Company, id: id.into() }).unwrap() {
        Response::Record(s) => s.record.to_fields().get("rank").and_then(|v| v.as_str().map(String::from)),
        other => panic!("expected a record, got {other:?}"),
    }
}

/// Four customers whose revenue is 500万 / 200万 / 200万 / 100万 in the last
/// 12 months (one of them as unit price × quantity), plus purchases the
/// report must leave out, and a ranked company without any revenue.
struct Office {
    store: Store,
    big: String,
    kita: String,
    minami: String,
    small: String,
    idle: String,
}

fn office() -> Office {
    let mut store = Store::open_in_memory().unwrap();
    let big = company(&mut store, "株式会社大山商事", Some("C"));
    let kita = company(&mut store, "北川工業株式会社", Some("A"));
    let minami = company(&mut store, "南田物産株式会社", None);
    let small = company(&mut store, "有限会社小池製作所", Some("C"));
    let idle = company(&mut store, "株式会社休山", Some("A"));
    purchase(&mut store, &big, json!({"product_name": "複合機", "amount": 3_000_000, "contract_date": days_ago(30)}));
    purchase(&mut store, &big, json!({"product_name": "保守", "amount": 2_000_000, "delivery_date": days_ago(200)}));
    purchase(
        &mut store,
        &kita,
        json!({"product_name": "販売管理", "amount": 2_000_000, "contract_date": days_ago(10)}),
    );
    // 単価 × 数量 when the amount is empty: 40万 × 5.
    purchase(
        &mut store,
        &minami,
        json!({"product_name": "カメラ", "unit_price": 400_000, "quantity": 5, "start_date": days_ago(100)}),
    );
    purchase(&mut store, &small, json!({"product_name": "帳票", "amount": 1_000_000, "contract_date": today()}));
    // Left out: older than 12 months, cancelled, in the trash.
    purchase(
        &mut store,
        &small,
        json!({"product_name": "旧契約", "amount": 9_000_000, "contract_date": days_ago(400)}),
    );
    purchase(
        &mut store,
        &kita,
        json!({"product_name": "取消", "amount": 9_000_000, "contract_date": days_ago(5), "status": "cancelled"}),
    );
    let gone = purchase(
        &mut store,
        &minami,
        json!({"product_name": "削除", "amount": 9_000_000, "contract_date": days_ago(5)}),
    );
    run(&mut store, T0, Command::Delete { kind: Kind::Purchase, id: gone }).unwrap();
    Office { store, big, kita, minami, small, idle }
}

#[test]
fn abc_ranks_revenue_of_the_period_with_shares_summing_to_one() {
    let Office { mut store, big, kita, minami, small, idle } = office();
    let r = abc(&mut store, None);
    assert_eq!(r.months, 12);
    assert_eq!(r.to, today());
    assert_eq!(r.total, 10_000_000);
    let got: Vec<(&str, i64, &str)> =
        r.companies.iter().map(|c| (c.company_id.as_str(), c.revenue, c.suggested_rank.as_str())).collect();
    // 北川 and 南田 tie at 200万: by name (北 sorts before 南 in code points).
    let mut tied = [kita.as_str(), minami.as_str()];
    tied.sort_by_key(|id| r.companies.iter().find(|c| c.company_id == *id).unwrap().name.clone());
    assert_eq!(
        got,
        vec![
            (big.as_str(), 5_000_000, "A"),
            (tied[0], 2_000_000, "A"),        // starts at 50%: A (ends on the 70% line)
            (tied[1], 2_000_000, "B"),        // starts at 70%: B
            (small.as_str(), 1_000_000, "C"), // starts at 90%: C
            (idle.as_str(), 0, "C"),
        ]
    );
    let shares: f64 = r.companies.iter().map(|c| c.share).sum();
    assert!((shares - 1.0).abs() < 1e-9, "shares sum to {shares}");
    assert_eq!(r.companies[0].share, 0.5);
    assert!((r.companies[1].cumulative_share - 0.7).abs() < 1e-12);
    assert!((r.companies[3].cumulative_share - 1.0).abs() < 1e-12);
    assert_eq!(r.companies[4].cumulative_share, 1.0);
    // The rank set by hand beside the suggestion.
    assert_eq!(r.companies[0].rank.as_deref(), Some("C"));
    let changes = r.companies.iter().filter(|c| c.rank.as_deref() != Some(c.suggested_rank.as_str())).count();
    assert_eq!(r.changes as usize, changes);

    // A longer period takes the purchase of 400 days ago in: 小池 becomes the biggest.
    let r = abc(&mut store, Some(14));
    assert_eq!(r.total, 19_000_000);
    assert_eq!(r.companies[0].company_id, small);
    assert_eq!(r.companies[0].revenue, 10_000_000);
}

#[test]
fn apply_suggestions_is_one_step_and_undo_puts_every_rank_back() {
    let Office { mut store, big, kita, minami, small, idle } = office();
    let before: Vec<Option<String>> =
        [&big, &kita, &minami, &small, &idle].iter().map(|id| rank_of(&mut store, id)).collect();
    let Response::RankApplication(app) = run(&mut store, T0, Command::ApplyRankSuggestions { months: None }).unwrap()
    else {
        panic!("expected an application")
    };
    let r = abc(&mut store, None);
    assert_eq!(r.changes, 0, "every company has its suggested rank");
    for c in &r.companies {
        assert_eq!(rank_of(&mut store, &c.company_id).as_deref(), Some(c.suggested_rank.as_str()));
    }
    assert_eq!(r.last_application.as_ref().map(|a| a.id.as_str()), Some(app.id.as_str()));
    assert_eq!(rank_of(&mut store, &idle).as_deref(), Some("C"));
    // Only the companies whose rank changed are in the step.
    let changed: Vec<&str> = app.changes.iter().map(|c| c.company_id.as_str()).collect();
    assert!(changed.contains(&big.as_str()) && changed.contains(&idle.as_str()));
    assert!(!changed.contains(&small.as_str()), "小池 was C already");
    // Each change is an ordinary logged update: in the change log that history and sync read.
    let logged: i64 = store
        .conn()
        .query_row(
            "SELECT COUNT(*) FROM changes WHERE record_id = ?1 AND op = 'update' AND fields LIKE '%\"rank\":\"A\"%'",
            [&big],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(logged, 1);

    // Nothing left to apply.
    let err = run(&mut store, T0, Command::ApplyRankSuggestions { months: None }).unwrap_err();
    assert_eq!(err.code, "nothing_to_apply");

    // Someone sets 大山 by hand afterwards: undo keeps that one.
    run(
        &mut store,
        T0,
        Command::Patch {
            kind: Kind::Company,
            id: big.clone(),
            version: None,
            fields: json!({"rank": "B"}).as_object().unwrap().clone(),
        },
    )
    .unwrap();
    let Response::RankApplication(undone) =
        run(&mut store, T0 + 1, Command::UndoRankSuggestions { id: app.id.clone() }).unwrap()
    else {
        panic!("expected an application")
    };
    assert_eq!(undone.kept, vec![big.clone()]);
    assert!(undone.undone_at.is_some());
    let after: Vec<Option<String>> =
        [&big, &kita, &minami, &small, &idle].iter().map(|id| rank_of(&mut store, id)).collect();
    assert_eq!(after[0].as_deref(), Some("B"));
    assert_eq!(after[1..], before[1..]);
    let err = run(&mut store, T0 + 2, Command::UndoRankSuggestions { id: app.id }).unwrap_err();
    assert_eq!(err.code, "already_undone");
}

#[test]
fn thresholds_are_settings_and_are_checked() {
    let Office { mut store, kita, minami, .. } = office();
    let bad = ReportSettings { abc_a: 0.9, abc_b: 0.8, ..Default::default() };
    let err = run(&mut store, T0, Command::SetReportSettings { settings: bad }).unwrap_err();
    assert_eq!(err.code, "threshold_order");
    assert_eq!(err.field.as_deref(), Some("abc_b"));
    let bad = ReportSettings { abc_a: 1.5, rhythm_a_days: 0, ..Default::default() };
    let err = run(&mut store, T0, Command::SetReportSettings { settings: bad }).unwrap_err();
    let fields: Vec<&str> = err.details.iter().map(|d| d.field.as_str()).collect();
    assert_eq!(fields, vec!["abc_a", "rhythm_a_days"]);
    // A at 50%: only 大山 (0 → 50%) is A; both 200万 customers are B.
    let s = ReportSettings { abc_a: 0.5, ..Default::default() };
    let Response::ReportSettings(saved) =
        run(&mut store, T0, Command::SetReportSettings { settings: s.clone() }).unwrap()
    else {
        panic!("expected settings")
    };
    assert_eq!(saved, s);
    let r = abc(&mut store, None);
    let rank = |id: &str| r.companies.iter().find(|c| c.company_id == id).unwrap().suggested_rank.clone();
    assert_eq!((rank(&kita).as_str(), rank(&minami).as_str()), ("B", "B"));
    assert_eq!(r.companies[0].suggested_rank, "A");
}

fn activity(store: &mut Store, company_id: &str, days: i64) {
    let at = format!("{}T10:00", days_ago(days));
    add(
        store,
        Kind::Activity,
        json!({"kind": "visit", "occurred_at": at, "company_id": company_id, "subject": "定期訪問"}),
    );
}

#[test]
fn contact_rhythm_and_dormant_customers_reach_home() {
    let mut store = Store::open_in_memory().unwrap();
    let a_late = company(&mut store, "A遅延株式会社", Some("A"));
    let b_ok = company(&mut store, "B順調株式会社", Some("B"));
    let a_never = company(&mut store, "A未接触株式会社", Some("A"));
    let a_fresh = company(&mut store, "A最近株式会社", Some("A"));
    let quiet = company(&mut store, "静か商事株式会社", None);
    let prospect = add(&mut store, Kind::Company, json!({"name": "見込み株式会社", "status": "prospect"}));
    activity(&mut store, &a_late, 47);
    activity(&mut store, &a_late, 60);
    activity(&mut store, &b_ok, 47);
    activity(&mut store, &a_fresh, 30); // exactly on target: not overdue
    activity(&mut store, &a_never, -3); // planned for later: not a contact yet
    activity(&mut store, &quiet, 181);
    activity(&mut store, &prospect, 400);

    let Response::ContactRhythm(due) = run(&mut store, T0, Command::ContactRhythm).unwrap() else { panic!() };
    let got: Vec<(&str, Option<i64>, u32, i64)> =
        due.iter().map(|d| (d.company_id.as_str(), d.days_since, d.target_days, d.overdue_days)).collect();
    assert_eq!(got, vec![(a_never.as_str(), None, 30, 30), (a_late.as_str(), Some(47), 30, 17)]);
    assert_eq!(due[1].last_contact.as_deref(), Some(days_ago(47).as_str()));

    // Dormant: customers silent for more than 180 days (default), or never contacted.
    let Response::Dormant(d) = run(&mut store, T0, Command::Dormant { days: None }).unwrap() else { panic!() };
    let ids: Vec<&str> = d.iter().map(|x| x.company_id.as_str()).collect();
    assert_eq!(ids, vec![a_never.as_str(), quiet.as_str()], "never contacted first, then the longest silence");
    assert_eq!(d[1].days_since, Some(181));
    let Response::Dormant(d) = run(&mut store, T0, Command::Dormant { days: Some(40) }).unwrap() else { panic!() };
    let ids: Vec<&str> = d.iter().map(|x| x.company_id.as_str()).collect();
    assert!(ids.contains(&a_late.as_str()) && ids.contains(&b_ok.as_str()) && !ids.contains(&a_fresh.as_str()));
    assert!(!ids.contains(&prospect.as_str()), "a prospect is not a dormant customer");

    // Targets are settings: A at 60 days makes 遅延 (47 days) on time.
    let s = ReportSettings { rhythm_a_days: 60, ..Default::default() };
    run(&mut store, T0, Command::SetReportSettings { settings: s }).unwrap();
    let Response::Home(home) = run(&mut store, T0, Command::Home { mine: false }).unwrap() else { panic!() };
    let p = &home.priorities;
    assert_eq!(p.contact_overdue.iter().map(|d| d.company_id.as_str()).collect::<Vec<_>>(), vec![a_never.as_str()]);
    assert_eq!(p.contact_overdue_total, 1);
    assert_eq!(p.dormant_total, 2);
    assert_eq!(p.dormant_days, 180);
}

#[test]
fn cli_report_abc_and_dormant_json() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("office.db");
    {
        let Office { store, .. } = office();
        store.conn().execute("VACUUM INTO ?1", [db.to_str().unwrap()]).unwrap();
    }
    let out = cli(&db, T0, &["report", "abc", "--json"]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    let first = &v["companies"][0];
    assert_eq!(first["name"], "株式会社大山商事");
    assert_eq!(first["revenue"], 5_000_000);
    assert_eq!(first["share"], 0.5);
    assert_eq!(first["cumulative_share"], 0.5);
    assert_eq!(first["suggested_rank"], "A");
    assert!(first["company_id"].is_string());
    assert_eq!(v["total"], 10_000_000);
    let out = cli(&db, T0, &["report", "abc", "--months", "14", "--json"]);
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["total"], 19_000_000);

    let out = cli(&db, T0, &["report", "dormant", "--days", "1", "--json"]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    let names: Vec<&str> = v.as_array().unwrap().iter().map(|r| r["name"].as_str().unwrap()).collect();
    assert_eq!(names.len(), 5, "every customer is silent: {names:?}");
    assert!(v[0]["company_id"].is_string() && v[0]["last_activity"].is_null());

    // Text output in Japanese; apply and undo through the CLI.
    let out = cli(&db, T0, &["report", "apply-ranks", "--json"]);
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    let id = v["id"].as_str().unwrap().to_string();
    let out = cli(&db, T0, &["report", "undo-ranks", &id]);
    assert!(String::from_utf8_lossy(&out.stdout).contains("元に戻しました"));
}
