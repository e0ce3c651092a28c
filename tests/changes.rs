//! "What changed since I last looked" (issue 21 item 5): the company panel
//! (fields old → new, who, when; activities added, deals moved, contacts
//! added or left), the list badge, the office feed, changes that arrived by
//! folder sync from another laptop, and `daifuku changes`.

use daifuku::api::{Command, Response};
use daifuku::store::{ChangeEntry, CompanyChanges, FeedPeriod, Store};
use daifuku::Kind;
use daifuku_host::SyncHost;
use serde_json::{json, Map, Value};

mod common;
use common::{cli, configure, run, sync_now, T0};

const MIN: i64 = 60_000;

fn fields(v: Value) -> Map<String, Value> {
    v.as_object().unwrap().clone()
}

fn add(store: &mut Store, now: i64, kind: Kind, f: Value) -> String {
    match run(store, now, Command::Add { kind, fields: fields(f) }).unwrap() {
        Response::Record(s) => s.id,
        other => panic!("{other:?}"),
    }
}

fn patch(store: &mut Store, now: i64, kind: Kind, id: &str, f: Value) {
    run(store, now, Command::Patch { kind, id: id.into(), version: None, fields: fields(f) }).unwrap();
}

/// Opens the company page as the current user: the changes since the last
/// visit, and the visit noted.
fn open(store: &mut Store, now: i64, company: &str) -> CompanyChanges {
    let cmd = Command::CompanyChanges { company_id: company.into(), since: None, mark_seen: true };
    match run(store, now, cmd).unwrap() {
        Response::CompanyChanges(c) => c,
        other => panic!("{other:?}"),
    }
}

fn badge(store: &mut Store, now: i64) -> Vec<(String, u32)> {
    match run(store, now, Command::ChangedCompanies).unwrap() {
        Response::ChangedCompanies(l) => l.into_iter().map(|c| (c.company_id, c.changes)).collect(),
        other => panic!("{other:?}"),
    }
}

fn feed(store: &mut Store, now: i64, period: FeedPeriod, user: Option<&str>) -> Vec<ChangeEntry> {
    match run(store, now, Command::OfficeFeed { period, user_id: user.map(String::from), limit: None }).unwrap() {
        Response::OfficeFeed(l) => l,
        other => panic!("{other:?}"),
    }
}

/// (category, record name, [(field, old, new)]) of each entry, oldest first.
fn summary(c: &CompanyChanges) -> Vec<(String, String, Vec<(String, Value, Value)>)> {
    c.entries
        .iter()
        .rev()
        .map(|e| {
            let f = e.fields.iter().map(|f| (f.field.clone(), f.old.clone(), f.new.clone())).collect();
            (e.category.clone(), e.record_name.clone(), f)
        })
        .collect()
}

fn s(v: &str) -> String {
    v.to_string()
}

#[test]
fn the_panel_shows_what_others_changed_since_my_last_visit() {
    let mut store = Store::open_in_memory().unwrap();
    let sato = add(&mut store, T0, Kind::User, json!({"name": "佐藤 一郎"}));
    let suzuki = add(&mut store, T0, Kind::User, json!({"name": "鈴木 花子"}));
    store.set_current_user(Some(&sato)).unwrap();
    let company = add(
        &mut store,
        T0,
        Kind::Company,
        json!({"name": "株式会社 丸の内商事", "phone": "03-3211-0001（代）", "owner_id": sato, "rank": "B"}),
    );
    let other = add(&mut store, T0, Kind::Company, json!({"name": "㈱ 新宿物産"}));
    let tanaka =
        add(&mut store, T0, Kind::Contact, json!({"company_id": company, "family_name": "田中", "title": "課長"}));
    let deal =
        add(&mut store, T0, Kind::Deal, json!({"company_id": company, "title": "複合機リプレース", "stage": "lead"}));

    // First visit: nothing to compare with.
    let first = open(&mut store, T0 + MIN, &company);
    assert_eq!((first.seen_at, first.entries.len()), (None, 0));
    // My own edit after the visit is not news to me.
    patch(&mut store, T0 + 2 * MIN, Kind::Company, &company, json!({"notes": "年度末に予算あり"}));

    // 鈴木 works on the same computer's database (or on hers: see the sync test).
    store.set_current_user(Some(&suzuki)).unwrap();
    patch(&mut store, T0 + 3 * MIN, Kind::Company, &company, json!({"phone": "03-3211-0002（代）", "rank": "A"}));
    add(
        &mut store,
        T0 + 4 * MIN,
        Kind::Activity,
        json!({"kind": "visit", "occurred_at": "2026-09-21T15:00", "company_id": company, "subject": "新製品の説明"}),
    );
    patch(&mut store, T0 + 5 * MIN, Kind::Deal, &deal, json!({"stage": "proposal"}));
    add(
        &mut store,
        T0 + 6 * MIN,
        Kind::Contact,
        json!({"company_id": company, "family_name": "山田", "given_name": "太郎"}),
    );
    // 田中 moves to another company: he left this one.
    patch(&mut store, T0 + 7 * MIN, Kind::Contact, &tanaka, json!({"company_id": other}));

    store.set_current_user(Some(&sato)).unwrap();
    assert_eq!(badge(&mut store, T0 + 8 * MIN), vec![(company.clone(), 5)]);
    let c = open(&mut store, T0 + 8 * MIN, &company);
    assert_eq!((c.seen_at, c.since), (Some(T0 + MIN), Some(T0 + MIN)));
    assert_eq!(
        summary(&c),
        vec![
            (
                s("company"),
                s("株式会社 丸の内商事"),
                vec![
                    (s("rank"), json!("B"), json!("A")),
                    (s("phone"), json!("03-3211-0001 (代表)"), json!("03-3211-0002 (代表)")),
                ]
            ),
            (s("activity_added"), s("新製品の説明"), vec![]),
            (s("deal_moved"), s("複合機リプレース"), vec![(s("stage"), json!("lead"), json!("proposal"))]),
            (s("contact_added"), s("山田 太郎"), vec![]),
            (s("contact_left"), s("田中"), vec![(s("company_id"), json!("株式会社 丸の内商事"), json!("㈱ 新宿物産"))]),
        ]
    );
    let e = c.entries.last().unwrap();
    assert_eq!((e.author_name.as_deref(), e.at, e.origin.as_str()), (Some("鈴木 花子"), T0 + 3 * MIN, "local"));
    assert_eq!(e.fields[0].label_ja, "ランク");
    assert_eq!((c.counts.company_fields, c.counts.activities_added, c.counts.deals_moved), (1, 1, 1));
    assert_eq!((c.counts.contacts_added, c.counts.contacts_left), (1, 1));
    // Seen now: no badge, an empty panel next time.
    assert!(badge(&mut store, T0 + 9 * MIN).is_empty());
    assert!(open(&mut store, T0 + 9 * MIN, &company).entries.is_empty());
    // 田中 joined the other company: it shows there (to whoever looked at it before).
    let since =
        Command::CompanyChanges { company_id: other.clone(), since: Some("2026-09-21T23:15".into()), mark_seen: false };
    let Response::CompanyChanges(o) = run(&mut store, T0 + 9 * MIN, since).unwrap() else { panic!() };
    assert_eq!(
        o.entries.iter().map(|e| (e.category.as_str(), e.movement.as_deref())).collect::<Vec<_>>(),
        vec![("contact_added", Some("joined"))]
    );
}

#[test]
fn a_change_made_on_another_laptop_shows_when_it_arrives() {
    let dir = tempfile::tempdir().unwrap();
    let folder = dir.path().join("shared");
    std::fs::create_dir(&folder).unwrap();
    let mut a = Store::open(&dir.path().join("sato.db")).unwrap();
    let mut b = Store::open(&dir.path().join("suzuki.db")).unwrap();
    let (mut host_a, mut host_b) = (SyncHost::new(), SyncHost::new());
    let sato = add(&mut a, T0, Kind::User, json!({"name": "佐藤 一郎"}));
    let suzuki = add(&mut a, T0, Kind::User, json!({"name": "鈴木 花子"}));
    a.set_current_user(Some(&sato)).unwrap();
    let company = add(&mut a, T0, Kind::Company, json!({"name": "浪速工業 株式会社", "phone": "06-6201-0001（代）"}));
    add(&mut b, T0, Kind::NoteTemplate, json!({"name": "訪問メモ"}));
    configure(&mut a, &folder, None, "佐藤のPC");
    configure(&mut b, &folder, None, "鈴木のPC");
    sync_now(&mut host_a, &mut a, T0 + MIN).unwrap();
    sync_now(&mut host_b, &mut b, T0 + MIN + 1).unwrap();
    assert_eq!(b.get(Kind::Company, &company).unwrap().display_name, "浪速工業 株式会社");

    // 佐藤 looks at the company at 10 past.
    assert!(open(&mut a, T0 + 10 * MIN, &company).entries.is_empty());
    // 鈴木 changed it on her laptop at 5 past, offline: it reaches 佐藤 at 30 past.
    b.set_current_user(Some(&suzuki)).unwrap();
    patch(&mut b, T0 + 5 * MIN, Kind::Company, &company, json!({"phone": "06-6201-0002（代）"}));
    add(
        &mut b,
        T0 + 5 * MIN,
        Kind::Activity,
        json!({"kind": "call", "occurred_at": "2026-09-21T23:18", "company_id": company, "subject": "値上げの相談"}),
    );
    sync_now(&mut host_b, &mut b, T0 + 20 * MIN).unwrap();
    assert!(badge(&mut a, T0 + 25 * MIN).is_empty(), "nothing arrived yet");
    sync_now(&mut host_a, &mut a, T0 + 30 * MIN).unwrap();

    assert_eq!(badge(&mut a, T0 + 31 * MIN), vec![(company.clone(), 2)]);
    let c = open(&mut a, T0 + 31 * MIN, &company);
    assert_eq!(
        summary(&c),
        vec![
            (
                s("company"),
                s("浪速工業 株式会社"),
                vec![(s("phone"), json!("06-6201-0001 (代表)"), json!("06-6201-0002 (代表)"))]
            ),
            (s("activity_added"), s("値上げの相談"), vec![]),
        ]
    );
    for e in &c.entries {
        assert_eq!((e.origin.as_str(), e.author_name.as_deref()), ("sync", Some("鈴木 花子")));
        assert_eq!((e.at, e.arrived_at), (T0 + 5 * MIN, T0 + 30 * MIN));
    }
    // The office feed of today shows them, filtered by who made them.
    let today = feed(&mut a, T0 + 32 * MIN, FeedPeriod::Today, Some(&suzuki));
    assert_eq!(
        today.iter().map(|e| e.record_name.as_str()).collect::<Vec<_>>(),
        vec!["値上げの相談", "浪速工業 株式会社"]
    );
    let mine = feed(&mut a, T0 + 32 * MIN, FeedPeriod::Today, Some(&sato));
    assert!(mine.iter().all(|e| e.author.as_deref() == Some(sato.as_str())) && !mine.is_empty());
    // "Seen" stays on this laptop: noting a visit writes nothing to the change log, so it never syncs.
    let logged = |a: &Store| a.conn().query_row("SELECT COUNT(*) FROM changes", [], |r| r.get::<_, i64>(0)).unwrap();
    let before = logged(&a);
    open(&mut a, T0 + 40 * MIN, &company);
    assert_eq!(logged(&a), before);
    assert_eq!(a.company_seen_at(Some(&sato), &company).unwrap(), Some(T0 + 40 * MIN));
}

#[test]
fn the_feed_covers_today_or_this_week() {
    let mut store = Store::open_in_memory().unwrap();
    let sato = add(&mut store, T0, Kind::User, json!({"name": "佐藤 一郎"}));
    store.set_current_user(Some(&sato)).unwrap();
    // T0 is Monday 2026-09-21 23:13 in Japan; a day later is Tuesday.
    let monday = add(&mut store, T0, Kind::Company, json!({"name": "月曜商事"}));
    let tuesday = add(&mut store, T0 + 24 * 60 * MIN, Kind::Company, json!({"name": "火曜物産"}));
    let now = T0 + 24 * 60 * MIN + MIN;
    let names = |l: Vec<ChangeEntry>| l.into_iter().map(|e| e.record_id).collect::<Vec<_>>();
    assert_eq!(names(feed(&mut store, now, FeedPeriod::Today, None)), vec![tuesday.clone()]);
    assert_eq!(names(feed(&mut store, now, FeedPeriod::Week, None)), vec![tuesday, monday]);
    // A week later, Monday's is gone from this week.
    assert!(feed(&mut store, T0 + 7 * 24 * 60 * MIN, FeedPeriod::Week, None).is_empty());
}

#[test]
fn cli_changes_since_a_time() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("office.db");
    let company = {
        let mut store = Store::open(&db).unwrap();
        let sato = add(&mut store, T0, Kind::User, json!({"name": "佐藤 一郎"}));
        store.set_current_user(Some(&sato)).unwrap();
        let company = add(&mut store, T0, Kind::Company, json!({"name": "株式会社 丸の内商事", "rank": "B"}));
        patch(&mut store, T0 + 10 * MIN, Kind::Company, &company, json!({"rank": "A"}));
        company
    };
    // T0 + 10 min is 23:23 in Japan.
    let out = cli(&db, T0 + 20 * MIN, &["changes", "--company", &company, "--since", "2026-09-21T23:20", "--json"]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    let entries = v["entries"].as_array().unwrap();
    assert_eq!(entries.len(), 1);
    assert_eq!(
        entries[0]["fields"],
        json!([{"field": "rank", "label_ja": "ランク", "label_en": "Rank", "old": "B", "new": "A"}])
    );
    assert_eq!(entries[0]["author_name"], "佐藤 一郎");
    let out = cli(&db, T0 + 20 * MIN, &["changes", "--company", &company, "--since", "2026-09-21T23:24"]);
    assert_eq!(String::from_utf8(out.stdout).unwrap().trim(), "変更はありません / no changes");
    let out = cli(&db, T0 + 20 * MIN, &["changes", "--company", &company, "--since", "2026/09/21 23:20", "--json"]);
    assert!(!out.status.success());
    let e: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(
        (e["code"].as_str(), e["details"][0]["detail"].as_str()),
        (Some("invalid_since"), Some("2026/09/21 23:20"))
    );
    let text = String::from_utf8(
        cli(&db, T0 + 20 * MIN, &["changes", "--company", &company, "--since", "2026-09-21T23:00"]).stdout,
    )
    .unwrap();
    assert!(text.contains("ランク: B → A") && text.contains("佐藤 一郎"), "{text}");
}

#[test]
fn without_a_chosen_user_every_change_shows() {
    let mut store = Store::open_in_memory().unwrap();
    let company = add(&mut store, T0, Kind::Company, json!({"name": "株式会社 丸の内商事", "rank": "B"}));
    assert!(open(&mut store, T0 + MIN, &company).entries.is_empty());
    patch(&mut store, T0 + 2 * MIN, Kind::Company, &company, json!({"rank": "A"}));
    assert_eq!(badge(&mut store, T0 + 3 * MIN), vec![(company.clone(), 1)]);
    let c = open(&mut store, T0 + 3 * MIN, &company);
    assert_eq!(summary(&c), vec![(s("company"), s("株式会社 丸の内商事"), vec![(s("rank"), json!("B"), json!("A"))])]);
    assert_eq!(c.entries[0].author, None);
}
