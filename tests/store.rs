//! The store through its public API: writes, validation, history, trash,
//! lists, timelines, export and migrations.

use daifuku::api::{self, Command, Response};
use daifuku::model::*;
use daifuku::store::{Filter, FilterOp, ListQuery, TimelineOwner};
use daifuku::{ApiError, Ctx, Kind, Record, Store, Stored};
use serde_json::{json, Map, Value};

const T0: i64 = 1_790_000_000_000; // 2026-09-21 23:13 in Japan

fn ctx(t: i64) -> Ctx {
    Ctx::new(t, "dev-a")
}

fn fields(v: Value) -> Map<String, Value> {
    v.as_object().unwrap().clone()
}

fn add(store: &mut Store, kind: Kind, v: Value) -> Stored {
    store.create_fields(&ctx(T0), kind, fields(v)).unwrap_or_else(|e| panic!("{kind:?}: {e}"))
}

fn count(store: &Store, sql: &str) -> i64 {
    store.conn().query_row(sql, [], |r| r.get(0)).unwrap()
}

fn company(r: &Stored) -> &Company {
    match &r.record {
        Record::Company(c) => c,
        other => panic!("not a company: {other:?}"),
    }
}

#[test]
fn create_get_and_log() {
    let mut s = Store::open_in_memory().unwrap();
    let c = add(
        &mut s,
        Kind::Company,
        json!({"name": " 株式会社 山田商事 ", "name_reading": "やまだしょうじ", "employees": "1,200", "tags": "重点,展示会", "corporate_number": "7000012050002"}),
    );
    assert_eq!(c.version, 1);
    assert_eq!(c.display_name, "株式会社 山田商事");
    assert_eq!(c.created_at, T0);
    let got = s.get(Kind::Company, &c.id).unwrap();
    assert_eq!(got, c);
    let co = company(&got);
    assert_eq!(co.employees, Some(1200));
    assert_eq!(co.tags, vec!["重点", "展示会"]);
    assert_eq!(co.corporate_number.as_deref(), Some("7000012050002"));
    // The id is a UUIDv7 carrying the caller's time.
    let uuid = uuid::Uuid::parse_str(&c.id).unwrap();
    assert_eq!(uuid.get_version_num(), 7);
    // One change row holding every set field, stamped with a hybrid logical clock.
    let (op, hlc, logged): (String, String, String) = s
        .conn()
        .query_row("SELECT op, hlc, fields FROM changes WHERE record_id = ?1", [&c.id], |r| {
            Ok((r.get(0)?, r.get(1)?, r.get(2)?))
        })
        .unwrap();
    assert_eq!(op, "create");
    assert!(hlc.starts_with(&format!("{T0:015}-000000-dev-a")), "{hlc}");
    let logged: Value = serde_json::from_str(&logged).unwrap();
    assert_eq!(logged["employees"], json!(1200));
    assert!(logged.get("fax").is_none(), "unset fields are not logged");
}

#[test]
fn bad_input_gives_field_errors_and_writes_nothing() {
    let mut s = Store::open_in_memory().unwrap();
    let e = s
        .create_fields(
            &ctx(T0),
            Kind::Company,
            fields(json!({"name": "", "email": "abc", "corporate_number": "1234567890123", "postal_code": "12-34"})),
        )
        .unwrap_err();
    let mut got: Vec<(String, String)> = e.details.iter().map(|d| (d.field.clone(), d.code.clone())).collect();
    got.sort();
    assert_eq!(
        got,
        vec![
            ("corporate_number".into(), "invalid_corporate_number".into()),
            ("email".into(), "invalid_email".into()),
            ("name".into(), "required".into()),
            ("postal_code".into(), "invalid_postal_code".into()),
        ]
    );
    assert_eq!(e.field.as_deref(), Some(e.details[0].field.as_str()));
    assert_eq!(count(&s, "SELECT COUNT(*) FROM companies"), 0);
    assert_eq!(count(&s, "SELECT COUNT(*) FROM changes"), 0);
    // A reference to nothing is a field error too.
    let e = s
        .create_fields(&ctx(T0), Kind::Contact, fields(json!({"family_name": "山田", "company_id": "nope"})))
        .unwrap_err();
    assert_eq!((e.code.as_str(), e.field.as_deref()), ("unknown_reference", Some("company_id")));
    // A failure in a later step of a multi-record write rolls back the earlier ones.
    let batch = vec![(Kind::Company, fields(json!({"name": "A社"}))), (Kind::Company, fields(json!({"name": ""})))];
    assert!(s.create_many(&ctx(T0), &batch).is_err());
    assert_eq!(count(&s, "SELECT COUNT(*) FROM companies"), 0);
}

#[test]
fn update_is_versioned_and_logs_only_changes() {
    let mut s = Store::open_in_memory().unwrap();
    let c = add(&mut s, Kind::Company, json!({"name": "東洋精機", "phone": "03-1111-2222"}));
    let u = s
        .update(
            &ctx(T0 + 10),
            Kind::Company,
            &c.id,
            Some(1),
            fields(json!({"phone": "03-9999-0000", "name": "東洋精機"})),
        )
        .unwrap();
    assert_eq!(u.version, 2);
    assert_eq!(u.updated_at, T0 + 10);
    let last: String =
        s.conn().query_row("SELECT fields FROM changes ORDER BY seq DESC LIMIT 1", [], |r| r.get(0)).unwrap();
    assert_eq!(serde_json::from_str::<Value>(&last).unwrap(), json!({"phone": "03-9999-0000"}));
    // Editing an old version is refused, naming the conflict.
    let e =
        s.update(&ctx(T0 + 20), Kind::Company, &c.id, Some(1), fields(json!({"phone": "03-0000-0000"}))).unwrap_err();
    assert_eq!(e.code, "stale");
    assert_eq!(company(&s.get(Kind::Company, &c.id).unwrap()).phone.as_deref(), Some("03-9999-0000"));
    // No change, no new version.
    let same = s.update(&ctx(T0 + 30), Kind::Company, &c.id, None, fields(json!({"phone": "03-9999-0000"}))).unwrap();
    assert_eq!(same.version, 2);
    // A bad value leaves the record as it was.
    let e = s.update(&ctx(T0 + 40), Kind::Company, &c.id, None, fields(json!({"email": "x@"}))).unwrap_err();
    assert_eq!(e.field.as_deref(), Some("email"));
    assert_eq!(s.get(Kind::Company, &c.id).unwrap().version, 2);
    // Unknown ids are errors with a code.
    let e = s.update(&ctx(T0), Kind::Company, "missing", None, Map::new()).unwrap_err();
    assert_eq!(e.code, "not_found");
}

#[test]
fn title_change_keeps_position_history() {
    let mut s = Store::open_in_memory().unwrap();
    let co = add(&mut s, Kind::Company, json!({"name": "山田商事"}));
    let p = add(
        &mut s,
        Kind::Contact,
        json!({"company_id": co.id, "family_name": "佐藤", "given_name": "花子", "department": "営業部", "title": "課長"}),
    );
    let day2 = T0 + 86_400_000 * 30;
    s.update(&ctx(day2), Kind::Contact, &p.id, None, fields(json!({"title": "部長"}))).unwrap();
    let hist = s
        .list(
            Kind::ContactPosition,
            &ListQuery {
                filters: vec![Filter { field: "contact_id".into(), op: FilterOp::Eq, value: json!(p.id) }],
                sort: Some("from_date".into()),
                ..Default::default()
            },
        )
        .unwrap();
    let rows: Vec<(Option<String>, Option<String>, Option<String>)> = hist
        .items
        .iter()
        .map(|r| match &r.record {
            Record::ContactPosition(cp) => (cp.title.clone(), cp.from_date.clone(), cp.to_date.clone()),
            _ => unreachable!(),
        })
        .collect();
    assert_eq!(
        rows,
        vec![
            (Some("課長".into()), Some("2026-09-21".into()), Some("2026-10-21".into())),
            (Some("部長".into()), Some("2026-10-21".into()), None),
        ]
    );
    // The contact's timeline shows the position changes.
    let tl = s.timeline(&TimelineOwner::Contact(p.id.clone()), 0, 10).unwrap();
    assert_eq!(tl.iter().filter(|e| e.kind == Kind::ContactPosition).count(), 2);
}

#[test]
fn trash_and_restore() {
    let mut s = Store::open_in_memory().unwrap();
    let a = add(&mut s, Kind::Company, json!({"name": "A商事", "code": "C001"}));
    s.delete(&ctx(T0 + 1), Kind::Company, &a.id).unwrap();
    assert_eq!(s.list(Kind::Company, &ListQuery::default()).unwrap().total, Some(0));
    let trash = s.trash(0, 10).unwrap();
    assert_eq!((trash.len(), trash[0].id.as_str(), trash[0].kind), (1, a.id.as_str(), Kind::Company));
    assert_eq!(s.delete(&ctx(T0 + 2), Kind::Company, &a.id).unwrap_err().code, "already_deleted");
    assert_eq!(s.update(&ctx(T0 + 2), Kind::Company, &a.id, None, Map::new()).unwrap_err().code, "deleted");
    // Its customer code is free while it is in the trash …
    let b = add(&mut s, Kind::Company, json!({"name": "B商事", "code": "C001"}));
    // … so restoring it would make two live records with one code.
    let e = s.restore(&ctx(T0 + 3), Kind::Company, &a.id).unwrap_err();
    assert_eq!((e.code.as_str(), e.field.as_deref()), ("duplicate_value", Some("code")));
    s.update(&ctx(T0 + 4), Kind::Company, &b.id, None, fields(json!({"code": "C002"}))).unwrap();
    let back = s.restore(&ctx(T0 + 5), Kind::Company, &a.id).unwrap();
    assert_eq!(back.deleted_at, None);
    assert_eq!(s.list(Kind::Company, &ListQuery::default()).unwrap().total, Some(2));
    assert!(s.trash(0, 10).unwrap().is_empty());
    // Codes stay unique among live records.
    let e = s.create_fields(&ctx(T0), Kind::Company, fields(json!({"name": "C商事", "code": "C002"}))).unwrap_err();
    assert_eq!(e.field.as_deref(), Some("code"));
}

#[test]
fn the_trash_pages_past_500_with_its_count() {
    let mut s = Store::open_in_memory().unwrap();
    let companies: Vec<(Kind, Map<String, Value>)> =
        (0..700).map(|i| (Kind::Company, fields(json!({"name": format!("ゴミ箱商事{i}")})))).collect();
    let ids = s.create_many(&ctx(T0), &companies).unwrap();
    let contact = add(&mut s, Kind::Contact, json!({"family_name": "削除", "given_name": "太郎"}));
    for (i, id) in ids.iter().enumerate() {
        s.delete(&ctx(T0 + 1 + i as i64), Kind::Company, id).unwrap();
    }
    s.delete(&ctx(T0 + 10_000), Kind::Contact, &contact.id).unwrap();
    assert_eq!(s.trash_count().unwrap(), 701);
    // Pages of 300 cover everything once, newest first, across kinds.
    let mut seen = Vec::new();
    for page in 0..3 {
        seen.extend(s.trash(page * 300, 300).unwrap());
    }
    assert_eq!(seen.len(), 701);
    assert_eq!((seen[0].kind, seen[0].id.as_str()), (Kind::Contact, contact.id.as_str()));
    let distinct: std::collections::BTreeSet<&str> = seen.iter().map(|t| t.id.as_str()).collect();
    assert_eq!(distinct.len(), 701);
    assert!(seen.windows(2).all(|w| w[0].deleted_at >= w[1].deleted_at));
    // Through the command API, as the trash screen asks.
    let c = s.context(T0).unwrap();
    match api::execute(&mut s, &c, Command::TrashCount).unwrap() {
        Response::TrashCount(n) => assert_eq!(n, 701),
        other => panic!("{other:?}"),
    }
    s.restore(&ctx(T0 + 20_000), Kind::Company, &ids[0]).unwrap();
    assert_eq!(s.trash_count().unwrap(), 700);
}

#[test]
fn lists_sort_by_reading_and_filter() {
    let mut s = Store::open_in_memory().unwrap();
    for (name, reading, status, pref, tags) in [
        ("株式会社ワタナベ", "カブシキガイシャワタナベ", "customer", "東京都", "重点"),
        ("㈱あおば", "あおば", "prospect", "大阪府", ""),
        ("佐藤工業", "サトウコウギョウ", "customer", "東京都", "重点,展示会"),
        ("いろは堂", "ｲﾛﾊﾄﾞｳ", "lost", "愛知県", ""),
        ("漢字のみ", "", "customer", "東京都", ""),
    ] {
        add(
            &mut s,
            Kind::Company,
            json!({"name": name, "name_reading": reading, "status": status, "prefecture": pref, "tags": tags}),
        );
    }
    let names = |q: ListQuery| -> Vec<String> {
        s.list(Kind::Company, &q).unwrap().items.into_iter().map(|r| r.display_name).collect()
    };
    assert_eq!(names(ListQuery::default()), vec!["㈱あおば", "いろは堂", "佐藤工業", "株式会社ワタナベ", "漢字のみ"]);
    let f = |field: &str, op, value: Value| Filter { field: field.into(), op, value };
    assert_eq!(
        names(ListQuery {
            filters: vec![f("status", FilterOp::Eq, json!("customer")), f("prefecture", FilterOp::Eq, json!("東京都"))],
            ..Default::default()
        }),
        vec!["佐藤工業", "株式会社ワタナベ", "漢字のみ"]
    );
    assert_eq!(
        names(ListQuery { filters: vec![f("tags", FilterOp::Has, json!("展示会"))], ..Default::default() }),
        vec!["佐藤工業"]
    );
    assert_eq!(
        names(ListQuery {
            filters: vec![f("status", FilterOp::In, json!(["lost", "prospect"]))],
            ..Default::default()
        }),
        vec!["㈱あおば", "いろは堂"]
    );
    assert_eq!(names(ListQuery { q: Some("さとう".into()), ..Default::default() }), vec!["佐藤工業"]);
    assert_eq!(
        names(ListQuery { sort: Some("display_name".into()), desc: Some(true), limit: Some(2), ..Default::default() })
            .len(),
        2
    );
    // Pages put together give the whole list, in order, both directions.
    for desc in [false, true] {
        let whole = names(ListQuery { desc: Some(desc), sort: Some("sort_key".into()), ..Default::default() });
        let paged: Vec<String> = (0..3)
            .flat_map(|p| {
                names(ListQuery {
                    desc: Some(desc),
                    sort: Some("sort_key".into()),
                    offset: Some(p * 2),
                    limit: Some(2),
                    ..Default::default()
                })
            })
            .collect();
        assert_eq!(paged, whole);
    }
    let page = s.list(Kind::Company, &ListQuery { offset: Some(4), limit: Some(2), ..Default::default() }).unwrap();
    assert_eq!((page.items.len(), page.total), (1, Some(5)));
    let e = s
        .list(Kind::Company, &ListQuery { filters: vec![f("password", FilterOp::Eq, json!(1))], ..Default::default() })
        .unwrap_err();
    assert_eq!(e.code, "unknown_field");
    let e = s
        .list(Kind::Company, &ListQuery { sort: Some("name; DROP TABLE companies".into()), ..Default::default() })
        .unwrap_err();
    assert_eq!(e.code, "unknown_field");
}

#[test]
fn timelines_mix_history_newest_first() {
    let mut s = Store::open_in_memory().unwrap();
    let co = add(&mut s, Kind::Company, json!({"name": "山田商事"}));
    let other = add(&mut s, Kind::Company, json!({"name": "別会社"}));
    let p = add(&mut s, Kind::Contact, json!({"company_id": co.id, "family_name": "山田"}));
    add(
        &mut s,
        Kind::Activity,
        json!({"kind": "meeting", "occurred_at": "2026-09-01 10:00", "subject": "初回商談", "company_id": co.id, "contact_ids": [p.id], "content": "# 議題\n価格"}),
    );
    add(
        &mut s,
        Kind::Activity,
        json!({"kind": "inquiry", "occurred_at": "2026-09-10 15:30", "subject": "見積依頼", "company_id": co.id}),
    );
    add(
        &mut s,
        Kind::Activity,
        json!({"kind": "call", "occurred_at": "2026-09-11 09:00", "subject": "他社の電話", "company_id": other.id}),
    );
    add(
        &mut s,
        Kind::Purchase,
        json!({"company_id": co.id, "product_name": "保守契約", "contract_date": "2026-09-05", "amount": 120000}),
    );
    add(&mut s, Kind::CardExchange, json!({"contact_id": p.id, "exchanged_on": "2026-08-20", "place": "展示会"}));
    let tl = s.timeline(&TimelineOwner::Company(co.id.clone()), 0, 50).unwrap();
    let got: Vec<(Kind, String)> = tl.iter().map(|e| (e.kind, e.at.clone())).collect();
    assert_eq!(
        got,
        vec![
            (Kind::Activity, "2026-09-10T15:30".into()),
            (Kind::Purchase, "2026-09-05".into()),
            (Kind::Activity, "2026-09-01T10:00".into()),
            (Kind::CardExchange, "2026-08-20".into()),
        ]
    );
    assert_eq!(tl[2].summary.as_deref(), Some("# 議題\n価格"));
    let tl = s.timeline(&TimelineOwner::Contact(p.id.clone()), 0, 50).unwrap();
    assert_eq!(tl.iter().map(|e| e.kind).collect::<Vec<_>>(), vec![Kind::Activity, Kind::CardExchange]);
    assert_eq!(s.timeline(&TimelineOwner::Company("nope".into()), 0, 5).unwrap_err().code, "not_found");
}

#[test]
fn home_shows_due_tasks_renewals_and_recent_work() {
    let mut s = Store::open_in_memory().unwrap();
    let co = add(&mut s, Kind::Company, json!({"name": "山田商事"}));
    // T0 is 2026-09-21 in Japan.
    for (title, due, done) in [
        ("昨日の電話", "2026-09-20", false),
        ("今日の見積", "2026-09-21", false),
        ("来週", "2026-09-25", false),
        ("済み", "2026-09-19", true),
        ("遠い", "2026-12-01", false),
    ] {
        add(
            &mut s,
            Kind::Task,
            json!({"title": title, "due": due, "done": done, "done_on": if done { json!("2026-09-19") } else { json!(null) }}),
        );
    }
    add(&mut s, Kind::Purchase, json!({"company_id": co.id, "product_name": "火災保険", "expiry_date": "2026-11-30"}));
    add(&mut s, Kind::Purchase, json!({"company_id": co.id, "product_name": "来年", "expiry_date": "2027-09-30"}));
    add(&mut s, Kind::Activity, json!({"kind": "visit", "occurred_at": "2026-09-20 10:00", "company_id": co.id}));
    let h = s.home(&ctx(T0).today(), None).unwrap();
    let titles = |v: &[Stored]| v.iter().map(|r| r.display_name.clone()).collect::<Vec<_>>();
    assert_eq!(h.today, "2026-09-21");
    assert_eq!(titles(&h.overdue_tasks), vec!["昨日の電話"]);
    assert_eq!(titles(&h.today_tasks), vec!["今日の見積"]);
    assert_eq!(titles(&h.upcoming_tasks), vec!["来週"]);
    assert_eq!(titles(&h.renewals), vec!["火災保険"]);
    assert_eq!(h.recent_activities.len(), 1);
}

#[test]
fn the_command_api_round_trips_json() {
    let mut s = Store::open_in_memory().unwrap();
    let c = ctx(T0);
    let r = api::execute_json(
        &mut s,
        &c,
        json!({"cmd": "add", "kind": "company", "fields": {"name": "大福商店", "capital": "3,000,000"}}),
    )
    .unwrap();
    assert_eq!(r["type"], "record");
    assert_eq!(r["data"]["kind"], "company");
    assert_eq!(r["data"]["data"]["capital"], json!(3_000_000));
    let id = r["data"]["id"].as_str().unwrap().to_string();
    // A typed whole-record update, as the UI's forms send it.
    let Response::Record(stored) =
        api::execute(&mut s, &c, Command::Get { kind: Kind::Company, id: id.clone() }).unwrap()
    else {
        panic!()
    };
    let Record::Company(mut co) = stored.record else { panic!() };
    co.rank = Some("A".into());
    let Response::Record(after) =
        api::execute(&mut s, &c, Command::Update { id: id.clone(), version: Some(1), record: Record::Company(co) })
            .unwrap()
    else {
        panic!()
    };
    assert_eq!((after.version, company(&after).rank.as_deref()), (2, Some("A")));
    let r = api::execute_json(&mut s, &c, json!({"cmd": "list", "kind": "company", "query": {"limit": 10}})).unwrap();
    assert_eq!(r["data"]["total"], json!(1));
    let e: ApiError =
        api::execute_json(&mut s, &c, json!({"cmd": "add", "kind": "company", "fields": {"name": "x", "fax": "abc"}}))
            .unwrap_err();
    assert_eq!((e.code.as_str(), e.field.as_deref()), ("invalid_phone", Some("fax")));
    assert_eq!(api::execute_json(&mut s, &c, json!({"cmd": "launch_rockets"})).unwrap_err().code, "bad_request");
    let r = api::execute_json(&mut s, &c, json!({"cmd": "schema"})).unwrap();
    assert_eq!(r["data"].as_array().unwrap().len(), Kind::ALL.len());
    assert_eq!(r["data"][0]["fields"][1]["label_ja"], "会社名");
}

#[test]
fn export_is_stable_and_complete() {
    let build = || {
        let mut s = Store::open_in_memory().unwrap();
        s.seed_ids(7);
        let co = add(&mut s, Kind::Company, json!({"name": "山田商事", "tags": ["b", "a"]}));
        add(&mut s, Kind::Contact, json!({"company_id": co.id, "family_name": "山田", "title": "部長"}));
        s.delete(&ctx(T0 + 5), Kind::Company, &co.id).unwrap();
        serde_json::to_string(&s.export_json().unwrap()).unwrap()
    };
    let a = build();
    assert_eq!(a, build());
    let v: Value = serde_json::from_str(&a).unwrap();
    assert_eq!(v["records"]["company"][0]["deleted"], json!(true));
    assert_eq!(v["records"]["contact_position"].as_array().unwrap().len(), 1);
    assert_eq!(v["records"].as_object().unwrap().len(), Kind::ALL.len());
}

#[test]
fn upgrades_a_database_made_by_migration_1() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("old.db");
    std::fs::copy(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/v1.db"), &path).unwrap();
    let mut s = Store::open(&path).unwrap();
    assert_eq!(s.schema_version().unwrap(), daifuku::store::latest_schema_version());
    // One schema version per migration file: a file left out of the list (or listed twice) shows here.
    let files = std::fs::read_dir(concat!(env!("CARGO_MANIFEST_DIR"), "/crates/daifuku-core/migrations"))
        .unwrap()
        .filter(|e| e.as_ref().unwrap().path().extension().is_some_and(|x| x == "sql"))
        .count();
    assert_eq!(daifuku::store::latest_schema_version(), files as i64);
    let page = s.list(Kind::Company, &ListQuery::default()).unwrap();
    // Migration 7 counted the old records.
    assert_eq!(page.total, Some(3));
    assert_eq!(
        page.items.iter().map(|r| r.display_name.as_str()).collect::<Vec<_>>(),
        vec!["有限会社あおば", "㈱東洋精機", "株式会社 山田商事"]
    );
    // Migration 2 filled the match keys of the old records.
    let keys = count(&s, "SELECT COUNT(*) FROM match_keys WHERE key_type = 'name' AND key = '山田商事'");
    assert_eq!(keys, 1);
    let phone = count(&s, "SELECT COUNT(*) FROM match_keys WHERE key_type = 'phone' AND key = '+81312345678'");
    assert_eq!(phone, 1);
    // And the database works as a new one.
    let yamada = &page.items[2].id;
    add(&mut s, Kind::Activity, json!({"kind": "call", "occurred_at": "2026-01-05 10:00", "company_id": yamada}));
    s.update(&ctx(T0), Kind::Contact, "0190a000-0000-7000-8000-000000000010", None, fields(json!({"title": "取締役"})))
        .unwrap();
    drop(s);
    // Reopening is a no-op.
    let s = Store::open(&path).unwrap();
    assert_eq!(s.timeline(&TimelineOwner::Company(yamada.clone()), 0, 5).unwrap().len(), 1);
}

#[test]
fn refuses_a_database_from_a_newer_app() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("new.db");
    {
        let conn = rusqlite::Connection::open(&path).unwrap();
        conn.pragma_update(None, "user_version", 99).unwrap();
    }
    let e = Store::open(&path).err().unwrap();
    assert_eq!(e.code, "newer_database");
}

/// Unfiltered list totals come from trigger-kept counts (migration 0007);
/// they must agree with a real COUNT after every kind of write.
#[test]
fn live_counts_follow_every_write_path() {
    let mut s = Store::open_in_memory().unwrap();
    let check = |s: &Store, when: &str| {
        for kind in Kind::ALL {
            let table = kind.meta().table;
            let real = count(s, &format!("SELECT COUNT(*) FROM {table} WHERE deleted_at IS NULL"));
            let listed = s.list(*kind, &ListQuery::default()).unwrap().total.unwrap() as i64;
            assert_eq!(listed, real, "{table} after {when}");
        }
    };
    let a = add(&mut s, Kind::Company, json!({"name": "山田商事", "phone": "03-1234-5678"}));
    let b = add(&mut s, Kind::Company, json!({"name": "㈱山田商事", "phone": "0312345678"}));
    let c = add(&mut s, Kind::Contact, json!({"company_id": b.id, "family_name": "山田"}));
    check(&s, "create");
    s.delete(&ctx(T0 + 1), Kind::Contact, &c.id).unwrap();
    check(&s, "delete");
    s.restore(&ctx(T0 + 2), Kind::Contact, &c.id).unwrap();
    check(&s, "restore");
    s.update(&ctx(T0 + 3), Kind::Company, &a.id, None, fields(json!({"notes": "x"}))).unwrap();
    check(&s, "update");
    let m = s.merge(&ctx(T0 + 4), Kind::Company, &a.id, &b.id, &Default::default()).unwrap();
    check(&s, "merge");
    assert_eq!(s.list(Kind::Company, &ListQuery::default()).unwrap().total, Some(1));
    s.undo_merge(&ctx(T0 + 5), &m.id).unwrap();
    check(&s, "undo merge");
    assert_eq!(s.list(Kind::Company, &ListQuery::default()).unwrap().total, Some(2));
    s.conn().execute("DELETE FROM contacts", []).unwrap();
    check(&s, "a raw delete");
}
