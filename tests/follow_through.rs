//! Issue 21 items 3, 6 and 7: renewal reminders by lead time (Home and the
//! once-a-day notification), the calendar feed (CLI file and the token URL
//! of `daifuku serve`, read back with the `ical` crate's parser), related
//! companies from both sides, information reports shared with a user, case
//! studies by industry and size, and search over tasks, purchases, case
//! studies and information reports.

mod common;

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::process::{Command as Process, Stdio};

use daifuku::api::{self, Command, Response};
use daifuku::store::{CategoryLeadTimes, Filter, FilterOp, ListQuery, RenewalAlert, RenewalLeadTimes, Stored};
use daifuku::{Kind, Store};
use serde_json::{json, Map, Value};

/// 2027-01-01 10:00 in Japan, and the days after.
const JAN1: i64 = 1_798_765_200_000;
const DAY: i64 = 86_400_000;

fn run(s: &mut Store, now: i64, cmd: Command) -> Response {
    common::run(s, now, cmd).unwrap_or_else(|e| panic!("{e}"))
}

fn add(s: &mut Store, kind: Kind, fields: Value) -> Stored {
    let fields: Map<String, Value> = serde_json::from_value(fields).unwrap();
    match run(s, JAN1, Command::Add { kind, fields }) {
        Response::Record(r) => r,
        other => panic!("expected a record, got {other:?}"),
    }
}

fn home(s: &mut Store, now: i64) -> daifuku::store::Home {
    match run(s, now, Command::Home { mine: false }) {
        Response::Home(h) => h,
        other => panic!("{other:?}"),
    }
}

fn notify(s: &mut Store, now: i64) -> Vec<RenewalAlert> {
    match run(s, now, Command::RenewalNotify) {
        Response::RenewalAlerts(a) => a,
        other => panic!("{other:?}"),
    }
}

/// (purchase, lead, days left, date kind) of each alert.
fn brief(alerts: &[RenewalAlert]) -> Vec<(String, u32, i64, String)> {
    alerts.iter().map(|a| (a.purchase_id.clone(), a.lead_days, a.days_left, a.date_kind.clone())).collect()
}

#[test]
fn renewals_by_lead_time_on_home_and_notified_once_a_day() {
    let mut s = Store::open_in_memory().unwrap();
    let yamada = add(&mut s, Kind::Company, json!({"name": "株式会社山田商事"}));
    let hoshu = add(&mut s, Kind::Product, json!({"name": "複合機 保守契約", "side": "own", "category": "保守"}));
    let lic = add(&mut s, Kind::Product, json!({"name": "会計ソフト", "side": "own", "category": "ライセンス"}));
    // 59 days before its renewal: the 60-day reminder fell due yesterday.
    let p1 = add(
        &mut s,
        Kind::Purchase,
        json!({"company_id": yamada.id, "product_id": hoshu.id, "renewal_date": "2027-03-01", "amount": 120000}),
    );
    // Cancelled: never reminded.
    add(
        &mut s,
        Kind::Purchase,
        json!({"company_id": yamada.id, "product_id": hoshu.id, "renewal_date": "2027-03-01", "status": "cancelled"}),
    );
    // Expiry only (no renewal date), 33 days ahead: the 30-day reminder is in 3 days.
    let p3 = add(
        &mut s,
        Kind::Purchase,
        json!({"company_id": yamada.id, "product_id": lic.id, "expiry_date": "2027-02-03"}),
    );
    // Far away: nothing this week.
    add(
        &mut s,
        Kind::Purchase,
        json!({"company_id": yamada.id, "product_name": "年間サポート", "renewal_date": "2027-06-01"}),
    );

    let h = home(&mut s, JAN1);
    assert_eq!(
        brief(&h.renewal_alerts),
        // Soonest date first.
        [(p3.id.clone(), 30, 33, "expiry".to_string()), (p1.id.clone(), 60, 59, "renewal".to_string())]
    );
    let a = &h.renewal_alerts[1];
    assert_eq!(
        (a.company_name.as_str(), a.product_name.as_deref(), a.category.as_deref(), a.date.as_str()),
        ("株式会社山田商事", Some("複合機 保守契約"), Some("保守"), "2027-03-01")
    );
    assert_eq!(a.milestone, "2026-12-31");

    // Lead times per product category: 保守 reminds 45 and 14 days ahead, so
    // nothing of it falls due this week; ライセンス keeps the default.
    let leads = RenewalLeadTimes {
        default_days: vec![30, 60, 90],
        by_category: vec![CategoryLeadTimes { category: "保守".into(), days: vec![14, 45] }],
    };
    let Response::RenewalLeadTimes(saved) = run(&mut s, JAN1, Command::SetRenewalLeadTimes { lead_times: leads })
    else {
        panic!()
    };
    assert_eq!((saved.default_days.clone(), saved.by_category[0].days.clone()), (vec![90, 60, 30], vec![45, 14]));
    assert_eq!(brief(&home(&mut s, JAN1).renewal_alerts), [(p3.id.clone(), 30, 33, "expiry".to_string())]);
    let bad = common::run(
        &mut s,
        JAN1,
        Command::SetRenewalLeadTimes { lead_times: RenewalLeadTimes { default_days: vec![0], by_category: vec![] } },
    )
    .unwrap_err();
    assert_eq!((bad.code.as_str(), bad.field.as_deref()), ("out_of_range", Some("default_days")));
    run(&mut s, JAN1, Command::SetRenewalLeadTimes { lead_times: RenewalLeadTimes::default() });

    // The notification: what fell due in the last week, once a day.
    assert_eq!(brief(&notify(&mut s, JAN1)), [(p1.id.clone(), 60, 59, "renewal".to_string())]);
    assert!(notify(&mut s, JAN1 + 3_600_000).is_empty(), "the same day again");
    // Next day: a contract whose 30-day reminder is due that day; p1 is not repeated.
    let p5 = add(
        &mut s,
        Kind::Purchase,
        json!({"company_id": yamada.id, "product_name": "リース", "renewal_date": "2027-02-01"}),
    );
    assert_eq!(brief(&notify(&mut s, JAN1 + DAY)), [(p5.id.clone(), 30, 30, "renewal".to_string())]);
    // Three days on (the app not opened in between): p3's reminder of 2027-01-04.
    assert_eq!(brief(&notify(&mut s, JAN1 + 4 * DAY)), [(p3.id.clone(), 30, 29, "expiry".to_string())]);
}

#[test]
fn renewals_on_the_command_line() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("crm.db");
    {
        let mut s = Store::open(&db).unwrap();
        let c = add(&mut s, Kind::Company, json!({"name": "有限会社佐藤工務店"}));
        add(
            &mut s,
            Kind::Purchase,
            json!({"company_id": c.id, "product_name": "保守契約 X", "renewal_date": "2027-03-01"}),
        );
    }
    let out = common::cli(&db, JAN1, &["renewals"]);
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("有限会社佐藤工務店 保守契約 X: 更新日 2027-03-01 まで59日（60日前のお知らせ）"), "{text}");
    let out = common::cli(&db, JAN1, &["renewal-leads", "--default", "45,14", "--category", "保守=120,60", "--json"]);
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v, json!({"default_days": [45, 14], "by_category": [{"category": "保守", "days": [120, 60]}]}));
    let out = common::cli(&db, JAN1, &["renewals", "--json"]);
    assert_eq!(serde_json::from_slice::<Value>(&out.stdout).unwrap(), json!([]));
}

#[test]
fn shared_information_reports_reach_the_listed_users_home() {
    let mut s = Store::open_in_memory().unwrap();
    let yamada = add(&mut s, Kind::User, json!({"name": "山田 一郎"}));
    let sato = add(&mut s, Kind::User, json!({"name": "佐藤 花子"}));
    let suzuki = add(&mut s, Kind::User, json!({"name": "鈴木 次郎"}));
    let rival = add(&mut s, Kind::Company, json!({"name": "株式会社ライバル精機"}));
    run(&mut s, JAN1, Command::SetCurrentUser { user_id: Some(yamada.id.clone()) });
    let report = add(
        &mut s,
        Kind::Activity,
        json!({
            "kind": "info_report", "occurred_at": "2026-12-28 16:30", "subject": "ライバル精機が来春に値下げ",
            "company_id": rival.id, "info_kind": "競合動向", "source_who": "代理店の田中部長",
            "source_where": "展示会", "means": "face_to_face", "factuality": "speculation",
            "credibility": 3, "importance": 5, "urgency": 4,
            "how_to_use": "既存顧客へ先回りして保守の延長を提案", "to_find_out": "値下げ幅",
            "shared_with_ids": [sato.id],
        }),
    );
    // Out of the 1–5 scale: refused with the field named.
    let e = common::run(
        &mut s,
        JAN1,
        Command::Add {
            kind: Kind::Activity,
            fields: serde_json::from_value(
                json!({"kind": "info_report", "occurred_at": "2026-12-28 16:30", "credibility": 6}),
            )
            .unwrap(),
        },
    )
    .unwrap_err();
    assert_eq!((e.code.as_str(), e.field.as_deref()), ("out_of_range", Some("credibility")));

    // 山田 wrote it but it was not shared with him; 佐藤 sees it; 鈴木 does not.
    assert!(home(&mut s, JAN1).shared_reports.is_empty());
    run(&mut s, JAN1, Command::SetCurrentUser { user_id: Some(sato.id.clone()) });
    let feed = home(&mut s, JAN1).shared_reports;
    assert_eq!(feed.iter().map(|r| r.id.as_str()).collect::<Vec<_>>(), [report.id.as_str()]);
    let f = feed[0].record.to_fields();
    assert_eq!(
        (&f["factuality"], &f["credibility"], &f["importance"], &f["urgency"], &f["source_who"]),
        (&json!("speculation"), &json!(3), &json!(5), &json!(4), &json!("代理店の田中部長"))
    );
    assert_eq!(feed[0].created_by.as_deref(), Some(yamada.id.as_str()));
    run(&mut s, JAN1, Command::SetCurrentUser { user_id: Some(suzuki.id.clone()) });
    assert!(home(&mut s, JAN1).shared_reports.is_empty());
    // Shared with 鈴木 instead: it moves to his feed and leaves 佐藤's.
    let fields: Map<String, Value> = serde_json::from_value(json!({"shared_with_ids": [suzuki.id]})).unwrap();
    run(&mut s, JAN1, Command::Patch { kind: Kind::Activity, id: report.id.clone(), version: None, fields });
    assert_eq!(home(&mut s, JAN1).shared_reports.len(), 1);
    run(&mut s, JAN1, Command::SetCurrentUser { user_id: Some(sato.id.clone()) });
    assert!(home(&mut s, JAN1).shared_reports.is_empty());
}

fn relations(s: &mut Store, company: &str) -> Vec<(String, String, bool, Option<String>)> {
    match run(s, JAN1, Command::CompanyRelations { company_id: company.into() }) {
        Response::CompanyRelations(r) => {
            r.into_iter().map(|r| (r.relation, r.name, r.recorded_here, r.since)).collect()
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn related_companies_show_on_both_sides_and_mergers_in_lists() {
    let mut s = Store::open_in_memory().unwrap();
    let hd = add(&mut s, Kind::Company, json!({"name": "大福ホールディングス株式会社"}));
    let sub = add(&mut s, Kind::Company, json!({"name": "大福物流株式会社"}));
    let aff = add(&mut s, Kind::Company, json!({"name": "株式会社大福システム"}));
    let old = add(&mut s, Kind::Company, json!({"name": "旧・丸山印刷株式会社"}));
    let new = add(&mut s, Kind::Company, json!({"name": "丸山ホールディングス株式会社"}));
    let rel = |s: &mut Store, on: &str, relation: &str, to: &str, since: Option<&str>| {
        add(
            s,
            Kind::CompanyRelation,
            json!({"company_id": on, "relation": relation, "related_company_id": to, "since": since}),
        )
    };
    rel(&mut s, &sub.id, "parent", &hd.id, None);
    rel(&mut s, &aff.id, "affiliate", &hd.id, None);
    rel(&mut s, &old.id, "merged_into", &new.id, Some("2026-10-01"));

    assert_eq!(
        relations(&mut s, &hd.id),
        [
            ("subsidiary".into(), "大福物流株式会社".into(), false, None),
            ("affiliate".into(), "株式会社大福システム".into(), false, None)
        ]
    );
    assert_eq!(relations(&mut s, &sub.id), [("parent".into(), "大福ホールディングス株式会社".into(), true, None)]);
    assert_eq!(
        relations(&mut s, &new.id),
        [("merged_from".into(), "旧・丸山印刷株式会社".into(), false, Some("2026-10-01".into()))]
    );
    // Recorded on both sides: shown once, as recorded on this company.
    rel(&mut s, &hd.id, "subsidiary", &sub.id, None);
    assert_eq!(relations(&mut s, &hd.id).iter().filter(|r| r.0 == "subsidiary").count(), 1);
    assert!(relations(&mut s, &hd.id).iter().any(|r| r.0 == "subsidiary" && r.2));

    // The merged company is marked in lists (the ids a list shows).
    let ids = vec![hd.id.clone(), old.id.clone(), new.id.clone()];
    let Response::CompanyFates(fates) = run(&mut s, JAN1, Command::CompanyFates { ids }) else { panic!() };
    assert_eq!(fates.len(), 1);
    assert_eq!(
        (fates[0].company_id.as_str(), fates[0].relation.as_str(), fates[0].other_name.as_str()),
        (old.id.as_str(), "merged_into", "丸山ホールディングス株式会社")
    );
    assert_eq!(
        (fates[0].other_company_id.as_deref(), fates[0].since.as_deref()),
        (Some(new.id.as_str()), Some("2026-10-01"))
    );

    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("crm.db");
    s.backup_to(&db).unwrap();
    let out = common::cli(&db, JAN1, &["related", "--company", &new.id, "--json"]);
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v[0]["relation"], json!("merged_from"));
    assert_eq!(v[0]["company_id"], json!(old.id));
}

#[test]
fn case_studies_by_industry_and_size() {
    let mut s = Store::open_in_memory().unwrap();
    let cases = [
        ("金型工場の在庫削減", "製造業", "medium"),
        ("大手自動車部品の営業日報", "製造業", "large"),
        ("地域スーパーの顧客台帳", "小売業", "medium"),
    ];
    for (title, industry, size) in cases {
        add(
            &mut s,
            Kind::CaseStudy,
            json!({"title": title, "industry": industry, "company_size": size,
            "before": "Excelの顧客台帳が営業ごとにばらばら", "after": "引き継ぎが1日で完了"}),
        );
    }
    let filter = |field: &str, v: &str| Filter { field: field.into(), op: FilterOp::Eq, value: json!(v) };
    let query = ListQuery {
        filters: vec![filter("industry", "製造業"), filter("company_size", "medium")],
        ..Default::default()
    };
    let Response::Page(page) = run(&mut s, JAN1, Command::List { kind: Kind::CaseStudy, query }) else { panic!() };
    let titles: Vec<&str> = page.items.iter().map(|r| r.display_name.as_str()).collect();
    assert_eq!(titles, ["金型工場の在庫削減"]);
    // Searched by the industry's words, case studies only.
    let Response::Search(hits) =
        run(&mut s, JAN1, Command::Search { q: "製造業".into(), limit: None, kinds: Some(vec![Kind::CaseStudy]) })
    else {
        panic!()
    };
    let mut found: Vec<&str> = hits.iter().map(|h| h.display_name.as_str()).collect();
    found.sort();
    assert_eq!(found, ["大手自動車部品の営業日報", "金型工場の在庫削減"]);
}

fn search(s: &mut Store, q: &str) -> Vec<(Kind, String)> {
    match run(s, JAN1, Command::Search { q: q.into(), limit: None, kinds: None }) {
        Response::Search(h) => h.into_iter().map(|h| (h.kind, h.display_name)).collect(),
        other => panic!("{other:?}"),
    }
}

#[test]
fn search_finds_tasks_purchases_case_studies_and_reports_with_their_kind() {
    let mut s = Store::open_in_memory().unwrap();
    let c = add(&mut s, Kind::Company, json!({"name": "株式会社山田商事"}));
    let task = add(&mut s, Kind::Task, json!({"title": "見積書を再送する", "company_id": c.id, "due": "2027-01-10"}));
    add(&mut s, Kind::Purchase, json!({"company_id": c.id, "product_name": "クラウド会計 年間保守", "amount": 240000}));
    add(&mut s, Kind::CaseStudy, json!({"title": "税理士事務所の紙台帳を一元化", "industry": "士業"}));
    add(
        &mut s,
        Kind::Activity,
        json!({"kind": "info_report", "occurred_at": "2026-12-28 16:30",
        "subject": "競合が値下げの噂", "company_id": c.id}),
    );
    assert_eq!(search(&mut s, "見積書"), [(Kind::Task, "見積書を再送する".to_string())]);
    assert_eq!(search(&mut s, "年間保守"), [(Kind::Purchase, "クラウド会計 年間保守".to_string())]);
    assert_eq!(search(&mut s, "紙台帳"), [(Kind::CaseStudy, "税理士事務所の紙台帳を一元化".to_string())]);
    assert_eq!(search(&mut s, "値下げ"), [(Kind::Activity, "競合が値下げの噂".to_string())]);
    let Response::Search(hits) = run(&mut s, JAN1, Command::Search { q: "見積書".into(), limit: None, kinds: None })
    else {
        panic!()
    };
    assert_eq!(hits[0].company_name.as_deref(), Some("株式会社山田商事"));
    // A task in the trash leaves the search.
    run(&mut s, JAN1, Command::Delete { kind: Kind::Task, id: task.id.clone() });
    assert!(search(&mut s, "見積書").is_empty());
    run(&mut s, JAN1, Command::Restore { kind: Kind::Task, id: task.id });
    assert_eq!(search(&mut s, "見積書").len(), 1);
}

/// A database from before migration 0017: its tasks, purchases and case
/// studies get their search documents when it is opened.
#[test]
fn the_migration_indexes_existing_tasks_purchases_and_case_studies() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("old.db");
    {
        let mut s = Store::open(&db).unwrap();
        let c = add(&mut s, Kind::Company, json!({"name": "株式会社山田商事"}));
        add(&mut s, Kind::Task, json!({"title": "見積書を再送する", "company_id": c.id}));
        add(&mut s, Kind::Purchase, json!({"company_id": c.id, "product_name": "クラウド会計 年間保守"}));
        add(&mut s, Kind::CaseStudy, json!({"title": "税理士事務所の紙台帳を一元化"}));
        // Back to schema 16: no documents of these kinds, no triggers.
        s.conn()
            .execute_batch(
                "DELETE FROM search_text WHERE rowid IN (SELECT d.doc | (c.value << 44) FROM search_docs d,
                     json_each('[0,1,2,3,4,5]') c WHERE d.kind IN ('task', 'purchase', 'case_study'));
                 DELETE FROM search_grams WHERE rowid IN (SELECT d.doc | (c.value << 44) FROM search_docs d,
                     json_each('[0,1,2]') c WHERE d.kind IN ('task', 'purchase', 'case_study'));
                 DELETE FROM search_docs WHERE kind IN ('task', 'purchase', 'case_study');
                 DROP TRIGGER tasks_leave_search; DROP TRIGGER purchases_leave_search;
                 DROP TRIGGER case_studies_leave_search; PRAGMA user_version = 16;",
            )
            .unwrap();
        assert!(search(&mut s, "見積書").is_empty());
    }
    let mut s = Store::open(&db).unwrap();
    assert_eq!(search(&mut s, "見積書"), [(Kind::Task, "見積書を再送する".to_string())]);
    assert_eq!(search(&mut s, "年間保守").len(), 1);
    assert_eq!(search(&mut s, "紙台帳").len(), 1);
    assert_eq!(search(&mut s, "株式会社山田商事")[0].0, Kind::Company, "companies still rank first");
}

/// Calendar data as an office has it: a task with a due date and notes
/// full of commas, semicolons and a 内線 number; a done task; a task
/// without a date; a visit with two of their people; an e-mail (not an appointment).
fn calendar_data(s: &mut Store) -> (String, String, String) {
    let c = add(s, Kind::Company, json!({"name": "株式会社山田商事"}));
    let taro = add(s, Kind::Contact, json!({"family_name": "山田", "given_name": "太郎", "company_id": c.id}));
    let hanako = add(s, Kind::Contact, json!({"family_name": "佐藤", "given_name": "花子", "company_id": c.id}));
    let task = add(
        s,
        Kind::Task,
        json!({"title": "見積書を再送する", "due": "2027-01-10", "company_id": c.id, "contact_id": taro.id,
               "notes": "価格は,保守込み;年額で。\n連絡先: 03-1234-5678（代）内線 123、午前中がよい。念のため担当の佐藤様にもCCで送付すること。"}),
    );
    let done = add(s, Kind::Task, json!({"title": "年賀状の送付", "due": "2026-12-20", "done": true}));
    add(s, Kind::Task, json!({"title": "いつか整理する"}));
    let visit = add(
        s,
        Kind::Activity,
        json!({"kind": "visit", "occurred_at": "2027-01-12 14:00", "subject": "定例訪問", "company_id": c.id,
               "contact_ids": [taro.id, hanako.id], "content": "新製品のデモ"}),
    );
    add(s, Kind::Activity, json!({"kind": "email", "occurred_at": "2027-01-12 09:00", "subject": "お礼メール"}));
    (task.id, done.id, visit.id)
}

fn prop<'a>(props: &'a [ical::property::Property], name: &str) -> &'a ical::property::Property {
    props.iter().find(|p| p.name == name).unwrap_or_else(|| panic!("no {name}"))
}

fn value(props: &[ical::property::Property], name: &str) -> String {
    prop(props, name).value.clone().unwrap_or_default()
}

fn param(p: &ical::property::Property, name: &str) -> Option<String> {
    p.params.as_ref()?.iter().find(|(k, _)| k == name).map(|(_, v)| v.join(","))
}

/// RFC 5545 text unescaped (the parser gives the raw value).
fn unescape(s: &str) -> String {
    s.replace("\\n", "\n").replace("\\N", "\n").replace("\\,", ",").replace("\\;", ";").replace("\\\\", "\\")
}

/// Parses a feed with the `ical` crate and checks what it must say.
fn check_feed(ics: &str, task: &str, done: &str, visit: &str) {
    for line in ics.split("\r\n") {
        assert!(line.len() <= 75, "a line of {} octets: {line}", line.len());
    }
    let cal = ical::IcalParser::new(BufReader::new(ics.as_bytes())).next().expect("one calendar").expect("parses");
    assert_eq!(value(&cal.timezones[0].properties, "TZID"), "Asia/Tokyo");
    let uids: Vec<String> = cal.todos.iter().map(|t| value(&t.properties, "UID")).collect();
    assert_eq!(uids, [format!("{done}@daifuku"), format!("{task}@daifuku")], "dated tasks only, by due date");
    let t = &cal.todos[1].properties;
    assert_eq!(unescape(&value(t, "SUMMARY")), "見積書を再送する(株式会社山田商事)");
    assert_eq!(value(t, "DUE"), "20270110");
    assert_eq!(param(prop(t, "DUE"), "VALUE").as_deref(), Some("DATE"));
    assert_eq!(value(t, "STATUS"), "NEEDS-ACTION");
    let description = unescape(&value(t, "DESCRIPTION"));
    assert!(
        description.starts_with("会社: 株式会社山田商事\n担当者: 山田 太郎\n\n価格は,保守込み;年額で。\n"),
        "{description}"
    );
    assert!(description.contains("03-1234-5678（代）内線 123"), "{description}");
    assert_eq!(value(&cal.todos[0].properties, "STATUS"), "COMPLETED");

    assert_eq!(cal.events.len(), 1, "the e-mail is not an appointment");
    let e = &cal.events[0].properties;
    assert_eq!(value(e, "UID"), format!("{visit}@daifuku"));
    assert_eq!(value(e, "DTSTART"), "20270112T140000");
    assert_eq!(param(prop(e, "DTSTART"), "TZID").as_deref(), Some("Asia/Tokyo"));
    assert_eq!(value(e, "DTEND"), "20270112T150000");
    assert_eq!(unescape(&value(e, "SUMMARY")), "訪問: 定例訪問(株式会社山田商事)");
    assert_eq!(
        unescape(&value(e, "DESCRIPTION")),
        "会社: 株式会社山田商事\n担当者: 佐藤 花子、山田 太郎\n\n新製品のデモ"
    );
}

#[test]
fn calendar_feed_as_a_file_parses_with_an_independent_parser() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("crm.db");
    let (task, done, visit) = calendar_data(&mut Store::open(&db).unwrap());
    let out_path = dir.path().join("daifuku.ics");
    let out = common::cli(&db, JAN1, &["export", "--format", "ics", "--out", out_path.to_str().unwrap()]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let ics = std::fs::read_to_string(&out_path).unwrap();
    check_feed(&ics, &task, &done, &visit);
    // Stable: the same records give the same file (UIDs from ids, DTSTAMP from the last change).
    let again = common::cli(&db, JAN1 + DAY, &["export", "--format", "ics"]);
    assert_eq!(String::from_utf8(again.stdout).unwrap(), ics);
}

/// One HTTP/1.1 request to `daifuku serve`: (status, content type, body).
fn http(port: u16, method: &str, path: &str, token: Option<&str>, body: &str) -> (u16, String, String) {
    let mut s = TcpStream::connect(("127.0.0.1", port)).unwrap();
    let auth = token.map(|t| format!("Authorization: Bearer {t}\r\n")).unwrap_or_default();
    write!(
        s,
        "{method} {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n{auth}Content-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    )
    .unwrap();
    let mut resp = Vec::new();
    s.read_to_end(&mut resp).unwrap();
    let resp = String::from_utf8(resp).unwrap();
    let (head, body) = resp.split_once("\r\n\r\n").unwrap();
    let status = head.split(' ').nth(1).unwrap().parse().unwrap();
    let ctype = head
        .lines()
        .find_map(|l| l.strip_prefix("Content-Type: ").or_else(|| l.strip_prefix("content-type: ")))
        .unwrap_or("")
        .to_string();
    (status, ctype, body.to_string())
}

#[test]
fn serve_publishes_the_feed_at_its_own_token_url() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("crm.db");
    let (task, done, visit) = calendar_data(&mut Store::open(&db).unwrap());
    let mut child = Process::new(env!("CARGO_BIN_EXE_daifuku"))
        .arg("--db")
        .arg(&db)
        .args(["serve", "--port", "0", "--ui-dir"])
        .arg(dir.path())
        .env("DAIFUKU_NOW", JAN1.to_string())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut line = String::new();
    BufReader::new(child.stdout.take().unwrap()).read_line(&mut line).unwrap();
    let url = line.trim().strip_prefix("DAIFUKU_URL=").unwrap().to_string();
    let port: u16 = url["http://127.0.0.1:".len()..].split('/').next().unwrap().parse().unwrap();
    let ui_token = url.split("#token=").nth(1).unwrap().to_string();

    // No feed until one is made; the UI's token is not the feed's.
    assert_eq!(http(port, "GET", &format!("/calendar/{ui_token}.ics"), None, "").0, 404);
    let info = |port| {
        let (status, _, body) = http(port, "POST", "/api", Some(&ui_token), r#"{"cmd":"calendar_feed_info"}"#);
        assert_eq!(status, 200, "{body}");
        serde_json::from_str::<Value>(&body).unwrap()["data"]["token"].clone()
    };
    assert_eq!(info(port), Value::Null);
    let new_token = || {
        let (status, _, body) = http(port, "POST", "/api", Some(&ui_token), r#"{"cmd":"calendar_new_token"}"#);
        assert_eq!(status, 200, "{body}");
        serde_json::from_str::<Value>(&body).unwrap()["data"]["token"].as_str().unwrap().to_string()
    };
    let token = new_token();
    assert!(token.len() >= 32 && token.bytes().all(|b| b.is_ascii_alphanumeric()), "{token}");
    assert_eq!(info(port), json!(token));
    // No bearer header needed: a calendar app only has the address.
    let (status, ctype, body) = http(port, "GET", &format!("/calendar/{token}.ics"), None, "");
    assert_eq!((status, ctype.as_str()), (200, "text/calendar; charset=utf-8"));
    check_feed(&body, &task, &done, &visit);
    assert_eq!(http(port, "GET", &format!("/calendar/{}x.ics", &token[..token.len() - 1]), None, "").0, 404);
    // A new secret: the old address stops working.
    let newer = new_token();
    assert_ne!(newer, token);
    assert_eq!(http(port, "GET", &format!("/calendar/{token}.ics"), None, "").0, 404);
    assert_eq!(http(port, "GET", &format!("/calendar/{newer}.ics"), None, "").0, 200);
    child.kill().unwrap();
    child.wait().unwrap();
}

#[test]
fn home_and_feed_through_the_json_api() {
    // The wire names the UI uses.
    let mut s = Store::open_in_memory().unwrap();
    let ctx = s.context(JAN1).unwrap();
    let v = api::execute_json(&mut s, &ctx, json!({"cmd": "renewal_lead_times"})).unwrap();
    assert_eq!(v, json!({"type": "renewal_lead_times", "data": {"default_days": [90, 60, 30], "by_category": []}}));
    let v = api::execute_json(&mut s, &ctx, json!({"cmd": "home", "mine": false})).unwrap();
    assert_eq!((v["data"]["renewal_alerts"].clone(), v["data"]["shared_reports"].clone()), (json!([]), json!([])));
    let v = api::execute_json(&mut s, &ctx, json!({"cmd": "calendar_feed"})).unwrap();
    assert_eq!(v["type"], json!("calendar"));
    assert!(v["data"]["ics"].as_str().unwrap().starts_with("BEGIN:VCALENDAR\r\n"));
}
