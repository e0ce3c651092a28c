//! Issue 19: cascading trash (a company goes with its contacts, deals, open
//! tasks and own activities, and comes back with them), orphans from another
//! laptop (a record added under a company deleted concurrently), and crash
//! litter (a killed join leaves no scratch file after the next start).

mod common;

use std::path::Path;

use common::{configure, run, sync_now, T0};
use daifuku::api::{Command, Response};
use daifuku::store::{DeletePreview, GroupCounts, Orphan, OrphanAction, OrphanChange, Store, Stored, TrashGroups};
use daifuku::Kind;
use daifuku_host::SyncHost;
use serde_json::{json, Value};

fn add(store: &mut Store, now: i64, kind: Kind, fields: Value) -> String {
    match run(store, now, Command::Add { kind, fields: fields.as_object().unwrap().clone() }).unwrap() {
        Response::Record(s) => s.id,
        other => panic!("{other:?}"),
    }
}

fn get(store: &Store, kind: Kind, id: &str) -> Stored {
    store.get(kind, id).unwrap()
}

fn live(store: &Store, kind: Kind, id: &str) -> bool {
    get(store, kind, id).deleted_at.is_none()
}

fn field(store: &Store, kind: Kind, id: &str, name: &str) -> Value {
    get(store, kind, id).record.to_fields().get(name).cloned().unwrap_or(Value::Null)
}

fn trash_groups(store: &mut Store, offset: u32, limit: u32) -> TrashGroups {
    match run(store, T0, Command::TrashGroups { offset, limit }).unwrap() {
        Response::TrashGroups(t) => t,
        other => panic!("{other:?}"),
    }
}

fn orphans(store: &mut Store) -> Vec<Orphan> {
    match run(store, T0, Command::Orphans).unwrap() {
        Response::Orphans(o) => o,
        other => panic!("{other:?}"),
    }
}

fn counts(contacts: u64, deals: u64, tasks: u64, activities: u64) -> GroupCounts {
    GroupCounts { contacts, deals, tasks, activities }
}

/// A user of the office, made current on `store`.
fn user(store: &mut Store, now: i64, name: &str) -> String {
    let id = add(store, now, Kind::User, json!({ "name": name }));
    run(store, now, Command::SetCurrentUser { user_id: Some(id.clone()) }).unwrap();
    id
}

/// 株式会社 北斗商事 with three contacts, a deal, an open and a done task, an
/// activity of its own and a meeting it shared with 東和電機 (a live company).
struct Office {
    company: String,
    other: String,
    contacts: Vec<String>,
    deal: String,
    open_task: String,
    done_task: String,
    own_activity: String,
    shared_activity: String,
}

fn office(store: &mut Store) -> Office {
    let company = add(
        store,
        T0,
        Kind::Company,
        json!({ "name": "株式会社 北斗商事", "name_reading": "ホクトショウジ", "phone": "03-3211-4567（代）" }),
    );
    let other = add(store, T0, Kind::Company, json!({ "name": "東和電機㈱", "phone": "06-6345-1200 内線 215" }));
    let contacts: Vec<String> =
        [("田中", "一郎", "090-1234-5678"), ("佐藤", "花子", "03-3211-4567 内線 301"), ("鈴木", "健", "")]
            .iter()
            .map(|(f, g, p)| {
                add(
                    store,
                    T0 + 1,
                    Kind::Contact,
                    json!({ "company_id": company, "family_name": f, "given_name": g, "phone": p }),
                )
            })
            .collect();
    let outsider =
        add(store, T0 + 1, Kind::Contact, json!({ "company_id": other, "family_name": "高橋", "given_name": "誠" }));
    let deal = add(
        store,
        T0 + 2,
        Kind::Deal,
        json!({ "company_id": company, "title": "基幹システム更新", "stage": "proposal", "amount": 4_800_000 }),
    );
    let open_task =
        add(store, T0 + 3, Kind::Task, json!({ "company_id": company, "title": "見積書を送る", "due": "2026-10-01" }));
    let done_task = add(
        store,
        T0 + 3,
        Kind::Task,
        json!({ "company_id": company, "title": "名刺のお礼状", "done": true, "done_on": "2026-09-01" }),
    );
    let own_activity = add(
        store,
        T0 + 4,
        Kind::Activity,
        json!({ "company_id": company, "kind": "meeting", "occurred_at": "2026-09-10T10:00", "subject": "定例会議",
                "contact_ids": [contacts[0]] }),
    );
    let shared_activity = add(
        store,
        T0 + 4,
        Kind::Activity,
        json!({ "company_id": company, "kind": "meeting", "occurred_at": "2026-09-12T15:00", "subject": "三社打合せ",
                "contact_ids": [contacts[1], outsider] }),
    );
    Office { company, other, contacts, deal, open_task, done_task, own_activity, shared_activity }
}

#[test]
fn a_company_goes_to_the_trash_with_its_group_and_comes_back_in_one_step() {
    let mut s = Store::open_in_memory().unwrap();
    let o = office(&mut s);
    // A contact deleted on its own earlier is not part of the company's group.
    let earlier = add(&mut s, T0 + 5, Kind::Contact, json!({ "company_id": o.company, "family_name": "伊藤" }));
    run(&mut s, T0 + 6, Command::Delete { kind: Kind::Contact, id: earlier.clone() }).unwrap();

    let preview =
        match run(&mut s, T0 + 7, Command::DeletePreview { kind: Kind::Company, id: o.company.clone() }).unwrap() {
            Response::DeletePreview(p) => p,
            other => panic!("{other:?}"),
        };
    assert_eq!(
        preview,
        DeletePreview {
            kind: Kind::Company,
            id: o.company.clone(),
            display_name: "株式会社 北斗商事".into(),
            with: counts(3, 1, 1, 1)
        }
    );

    run(&mut s, T0 + 10, Command::Delete { kind: Kind::Company, id: o.company.clone() }).unwrap();
    for id in &o.contacts {
        assert_eq!(get(&s, Kind::Contact, id).deleted_at, Some(T0 + 10));
    }
    assert_eq!(get(&s, Kind::Deal, &o.deal).deleted_at, Some(T0 + 10));
    assert_eq!(get(&s, Kind::Task, &o.open_task).deleted_at, Some(T0 + 10));
    assert_eq!(get(&s, Kind::Activity, &o.own_activity).deleted_at, Some(T0 + 10));
    assert!(live(&s, Kind::Task, &o.done_task), "a done task stays (history)");
    assert!(live(&s, Kind::Activity, &o.shared_activity), "a meeting with a live company's contact stays");
    assert!(live(&s, Kind::Company, &o.other));
    // Nothing it left behind counts as an orphan.
    assert_eq!(orphans(&mut s), vec![]);

    let t = trash_groups(&mut s, 0, 50);
    assert_eq!(t.total, 2, "the group and the contact deleted on its own");
    let g = &t.groups[0];
    assert_eq!(
        (g.item.kind, g.item.id.as_str(), g.item.display_name.as_str()),
        (Kind::Company, o.company.as_str(), "株式会社 北斗商事")
    );
    assert_eq!(g.with, counts(3, 1, 1, 1));
    let mut names: Vec<&str> = g.members.iter().map(|m| m.display_name.as_str()).collect();
    names.sort();
    assert_eq!(names, ["佐藤 花子", "基幹システム更新", "定例会議", "田中 一郎", "見積書を送る", "鈴木 健"]);
    assert_eq!((t.groups[1].item.id.as_str(), t.groups[1].with.total()), (earlier.as_str(), 0));

    run(&mut s, T0 + 20, Command::Restore { kind: Kind::Company, id: o.company.clone() }).unwrap();
    assert!(live(&s, Kind::Company, &o.company));
    for id in &o.contacts {
        assert!(live(&s, Kind::Contact, id));
    }
    assert!(
        live(&s, Kind::Deal, &o.deal)
            && live(&s, Kind::Task, &o.open_task)
            && live(&s, Kind::Activity, &o.own_activity)
    );
    assert_eq!(field(&s, Kind::Contact, &o.contacts[1], "phone"), json!("03-3211-4567 内線 301"));
    assert!(!live(&s, Kind::Contact, &earlier), "deleted on its own: stays in the trash");
    let t = trash_groups(&mut s, 0, 50);
    assert_eq!((t.total, t.groups[0].item.id.as_str()), (1, earlier.as_str()));
}

#[test]
fn the_trash_pages_past_a_thousand_entries() {
    let mut s = Store::open_in_memory().unwrap();
    let ctx = s.context(T0).unwrap();
    let records: Vec<(Kind, serde_json::Map<String, Value>)> = (0..1205)
        .map(|i| (Kind::Company, json!({ "name": format!("有限会社 丸{i}商店") }).as_object().unwrap().clone()))
        .collect();
    let ids = s.create_many(&ctx, &records).unwrap();
    for (i, id) in ids.iter().enumerate() {
        let ctx = s.context(T0 + i as i64).unwrap();
        s.delete(&ctx, Kind::Company, id).unwrap();
    }
    let mut seen = Vec::new();
    let mut offset = 0;
    loop {
        let page = trash_groups(&mut s, offset, 500);
        assert_eq!(page.total, 1205);
        if page.groups.is_empty() {
            break;
        }
        offset += page.groups.len() as u32;
        seen.extend(page.groups.into_iter().map(|g| g.item.id));
    }
    assert_eq!(seen.len(), 1205);
    assert_eq!(seen[0], ids[1204], "newest first");
    assert_eq!(seen[1204], ids[0]);
}

/// Two laptops through one folder on disk: 営業部のPC (山田) and 本社のPC (佐々木).
fn two_laptops(dir: &Path) -> (Store, Store) {
    let folder = dir.join("shared");
    std::fs::create_dir(&folder).unwrap();
    let mut a = Store::open(&dir.join("a.db")).unwrap();
    let mut b = Store::open(&dir.join("b.db")).unwrap();
    configure(&mut a, &folder, None, "営業部のPC");
    configure(&mut b, &folder, None, "本社のPC");
    (a, b)
}

fn round(store: &mut Store, now: i64) {
    sync_now(&mut SyncHost::new(), store, now).unwrap();
}

#[test]
fn a_cascade_syncs_as_ordinary_deletes_and_the_other_laptop_restores_the_group() {
    let dir = tempfile::tempdir().unwrap();
    let (mut a, mut b) = two_laptops(dir.path());
    user(&mut a, T0, "山田 太郎");
    let o = office(&mut a);
    round(&mut a, T0 + 100);
    round(&mut b, T0 + 200);
    assert!(live(&b, Kind::Contact, &o.contacts[0]));

    run(&mut a, T0 + 1_000, Command::Delete { kind: Kind::Company, id: o.company.clone() }).unwrap();
    round(&mut a, T0 + 1_100);
    round(&mut b, T0 + 1_200);
    for id in &o.contacts {
        assert!(!live(&b, Kind::Contact, id), "the cascade reached the other laptop");
    }
    assert!(!live(&b, Kind::Deal, &o.deal) && !live(&b, Kind::Task, &o.open_task));
    assert!(live(&b, Kind::Task, &o.done_task) && live(&b, Kind::Activity, &o.shared_activity));
    let t = trash_groups(&mut b, 0, 50);
    assert_eq!(t.total, 1, "one group on the other laptop too: {t:?}");
    assert_eq!(t.groups[0].with, counts(3, 1, 1, 1));
    assert_eq!(orphans(&mut b), vec![]);

    user(&mut b, T0 + 2_000, "佐々木 恵");
    run(&mut b, T0 + 2_000, Command::Restore { kind: Kind::Company, id: o.company.clone() }).unwrap();
    round(&mut b, T0 + 2_100);
    round(&mut a, T0 + 2_200);
    assert!(live(&a, Kind::Company, &o.company));
    for id in &o.contacts {
        assert!(live(&a, Kind::Contact, id), "the group came back on the first laptop");
    }
    assert!(live(&a, Kind::Deal, &o.deal) && live(&a, Kind::Activity, &o.own_activity));
    assert_eq!(trash_groups(&mut a, 0, 50).total, 0);
}

#[test]
fn a_contact_added_under_a_company_deleted_on_another_laptop_is_listed_until_settled() {
    let dir = tempfile::tempdir().unwrap();
    let (mut a, mut b) = two_laptops(dir.path());
    user(&mut a, T0, "山田 太郎");
    let x = add(&mut a, T0 + 1, Kind::Company, json!({ "name": "株式会社X", "phone": "045-201-3300（代）" }));
    let y = add(&mut a, T0 + 1, Kind::Company, json!({ "name": "株式会社Y" }));
    let old_deal = add(&mut a, T0 + 2, Kind::Deal, json!({ "company_id": x, "title": "保守契約", "stage": "lead" }));
    let done_task = add(
        &mut a,
        T0 + 2,
        Kind::Task,
        json!({ "company_id": x, "title": "訪問日程の調整", "done": true, "done_on": "2026-09-01" }),
    );
    round(&mut a, T0 + 100);
    round(&mut b, T0 + 200);

    // Concurrently: 山田 deletes 株式会社X on 営業部のPC (its done task stays);
    // 佐々木 adds 田中一郎 under it and reopens the task on 本社のPC.
    run(&mut a, T0 + 1_000, Command::Delete { kind: Kind::Company, id: x.clone() }).unwrap();
    user(&mut b, T0 + 1_000, "佐々木 恵");
    let tanaka = add(
        &mut b,
        T0 + 1_001,
        Kind::Contact,
        json!({ "company_id": x, "family_name": "田中", "given_name": "一郎", "phone": "045-201-3300 内線 12" }),
    );
    run(
        &mut b,
        T0 + 1_002,
        Command::Patch {
            kind: Kind::Task,
            id: done_task.clone(),
            version: None,
            fields: json!({ "done": false, "done_on": null, "due": "2026-11-02" }).as_object().unwrap().clone(),
        },
    )
    .unwrap();
    round(&mut a, T0 + 1_100);
    round(&mut b, T0 + 1_200);
    let status = sync_now(&mut SyncHost::new(), &mut a, T0 + 1_300).unwrap();
    assert_eq!(status.orphans, 2, "the round's status counts them");
    assert_eq!(b.sync_status().unwrap().orphans, 2);

    for (store, here) in [(&mut a, true), (&mut b, false)] {
        let list = orphans(store);
        let names: Vec<&str> = list.iter().map(|o| o.display_name.as_str()).collect();
        assert_eq!(names, ["訪問日程の調整", "田中 一郎"], "newest change first ({here})");
        let t = &list[1];
        assert_eq!((t.kind, t.id.as_str()), (Kind::Contact, tanaka.as_str()));
        assert_eq!(t.change, OrphanChange::Added);
        assert_eq!(list[0].change, OrphanChange::Edited);
        assert_eq!((t.company_id.as_str(), t.company_name.as_str()), (x.as_str(), "株式会社X"));
        assert_eq!(t.changed_by.as_deref(), Some("佐々木 恵"));
        assert_eq!(t.deleted_by.as_deref(), Some("山田 太郎"));
        assert_eq!(t.deleted_here, here);
        assert_eq!(t.deleted_on.as_deref(), if here { None } else { Some("営業部のPC") });
    }
    // The deal was not touched on 本社のPC: the cascade took it on both.
    assert!(!live(&a, Kind::Deal, &old_deal) && !live(&b, Kind::Deal, &old_deal));

    // Settled on 営業部のPC: 田中一郎 moves to 株式会社Y, the task goes too.
    let moved = match run(
        &mut a,
        T0 + 2_000,
        Command::ResolveOrphan {
            kind: Kind::Contact,
            id: tanaka.clone(),
            action: OrphanAction::MoveTo { company_id: y.clone() },
        },
    )
    .unwrap()
    {
        Response::Record(r) => r,
        other => panic!("{other:?}"),
    };
    assert_eq!(moved.record.to_fields()["company_id"], json!(y));
    let task = orphans(&mut a)[0].id.clone();
    run(
        &mut a,
        T0 + 2_001,
        Command::ResolveOrphan { kind: Kind::Task, id: task.clone(), action: OrphanAction::Delete },
    )
    .unwrap();
    assert_eq!(orphans(&mut a), vec![]);
    let again = run(
        &mut a,
        T0 + 2_002,
        Command::ResolveOrphan { kind: Kind::Task, id: task.clone(), action: OrphanAction::Delete },
    );
    assert_eq!(again.unwrap_err().code, "not_orphan");

    round(&mut a, T0 + 2_100);
    round(&mut b, T0 + 2_200);
    assert_eq!(orphans(&mut b), vec![], "settled on one laptop, settled on both");
    assert_eq!(b.sync_status().unwrap().orphans, 0);
    assert_eq!(field(&b, Kind::Contact, &tanaka, "company_id"), json!(y));
    assert_eq!(field(&b, Kind::Contact, &tanaka, "phone"), json!("045-201-3300 内線 12"));
    assert!(!live(&b, Kind::Task, &task));
    assert!(!live(&b, Kind::Company, &x));
}

#[test]
fn restoring_the_company_settles_its_orphans_and_brings_back_its_group() {
    let dir = tempfile::tempdir().unwrap();
    let (mut a, mut b) = two_laptops(dir.path());
    let x = add(&mut a, T0 + 1, Kind::Company, json!({ "name": "合同会社 みなと物流" }));
    let kept = add(&mut a, T0 + 2, Kind::Contact, json!({ "company_id": x, "family_name": "中村" }));
    round(&mut a, T0 + 100);
    round(&mut b, T0 + 200);
    run(&mut a, T0 + 1_000, Command::Delete { kind: Kind::Company, id: x.clone() }).unwrap();
    let added = add(&mut b, T0 + 1_001, Kind::Contact, json!({ "company_id": x, "family_name": "小林" }));
    round(&mut a, T0 + 1_100);
    round(&mut b, T0 + 1_200);
    let list = orphans(&mut b);
    assert_eq!(list.iter().map(|o| o.id.as_str()).collect::<Vec<_>>(), [added.as_str()]);
    run(
        &mut b,
        T0 + 2_000,
        Command::ResolveOrphan { kind: Kind::Contact, id: added.clone(), action: OrphanAction::RestoreParent },
    )
    .unwrap();
    assert!(live(&b, Kind::Company, &x) && live(&b, Kind::Contact, &kept) && live(&b, Kind::Contact, &added));
    assert_eq!(orphans(&mut b), vec![]);
    round(&mut b, T0 + 2_100);
    round(&mut a, T0 + 2_200);
    assert!(live(&a, Kind::Company, &x) && live(&a, Kind::Contact, &kept) && live(&a, Kind::Contact, &added));
    assert_eq!(orphans(&mut a), vec![]);
}

fn scratch_files(dir: &Path) -> Vec<String> {
    std::fs::read_dir(dir)
        .unwrap()
        .flatten()
        .filter_map(|e| e.file_name().to_str().map(String::from))
        .filter(|n| n.starts_with(".daifuku-join-") || n.starts_with(".daifuku-snapshot-"))
        .collect()
}

#[test]
fn a_join_killed_midway_leaves_nothing_after_the_next_start() {
    let dir = tempfile::tempdir().unwrap();
    let folder = dir.path().join("共有フォルダ");
    let writer_db = dir.path().join("writer.db");
    {
        let mut w = Store::open(&writer_db).unwrap();
        let ctx = w.context(T0).unwrap();
        daifuku_gen::demo_load(&mut w, &ctx, 3_000).unwrap();
    }
    let f = folder.to_str().unwrap();
    for args in [&["sync", "--folder", f, "--snapshot"][..], &["sync", "--folder", f][..]] {
        let out = common::cli(&writer_db, T0 + 10, args);
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    }

    // A new laptop joins from the snapshot; it is killed while joining.
    let laptop = dir.path().join("laptop");
    std::fs::create_dir(&laptop).unwrap();
    let db = laptop.join("daifuku.db");
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_daifuku"))
        .arg("--db")
        .arg(&db)
        .args(["sync", "--folder", f])
        .env_remove("DAIFUKU_DB")
        .env("DAIFUKU_NOW", (T0 + 20).to_string())
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    let started = std::time::Instant::now();
    loop {
        let big =
            scratch_files(&laptop).iter().any(|n| std::fs::metadata(laptop.join(n)).is_ok_and(|m| m.len() > 64 * 1024));
        if big {
            break;
        }
        assert!(child.try_wait().unwrap().is_none(), "the join finished before it could be killed");
        assert!(started.elapsed() < std::time::Duration::from_secs(120), "no scratch file appeared");
        std::thread::sleep(std::time::Duration::from_millis(2));
    }
    child.kill().unwrap(); // SIGKILL
    child.wait().unwrap();
    assert!(!scratch_files(&laptop).is_empty(), "the kill left the join's scratch file");

    // The next start of the app (here the CLI) removes it, and only it.
    let out = common::cli(&db, T0 + 30, &["company", "list", "--json"]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert_eq!(scratch_files(&laptop), Vec::<String>::new());
    assert!(db.exists());
    // And the laptop can still join.
    let out = common::cli(&db, T0 + 40, &["sync", "--folder", f]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let joined = Store::open(&db).unwrap().list(Kind::Company, &daifuku::store::ListQuery::default()).unwrap();
    assert!(joined.total.unwrap() >= 3_000, "{:?}", joined.total);
    assert_eq!(scratch_files(&laptop), Vec::<String>::new(), "a finished round leaves none either");
}

fn cli_json(db: &Path, now: i64, args: &[&str]) -> Value {
    let mut all = args.to_vec();
    all.push("--json");
    let out = common::cli(db, now, &all);
    assert!(out.status.success(), "{args:?}: {}", String::from_utf8_lossy(&out.stderr));
    serde_json::from_slice(&out.stdout).unwrap_or_else(|e| panic!("{args:?}: {e}"))
}

fn cli_text(db: &Path, now: i64, args: &[&str]) -> String {
    let out = common::cli(db, now, args);
    assert!(out.status.success(), "{args:?}: {}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8(out.stdout).unwrap()
}

#[test]
fn the_command_line_counts_the_group_shows_it_and_settles_orphans() {
    let dir = tempfile::tempdir().unwrap();
    let folder = dir.path().join("shared");
    let f = folder.to_str().unwrap();
    let (a, b) = (dir.path().join("a.db"), dir.path().join("b.db"));
    let x = cli_json(&a, T0, &["company", "add", "--name", "株式会社 浜松楽器", "--phone", "053-441-1111（代）"])["id"]
        .as_str()
        .unwrap()
        .to_string();
    for (family, given) in [("田中", "一郎"), ("佐藤", "花子")] {
        cli_json(&a, T0 + 1, &["contact", "add", "--company-id", &x, "--family-name", family, "--given-name", given]);
    }
    cli_json(&a, T0 + 2, &["deal", "add", "--company-id", &x, "--title", "楽器保守", "--stage", "lead"]);
    cli_json(&a, T0 + 3, &["sync", "--folder", f, "--device-name", "営業部のPC"]);
    cli_json(&b, T0 + 4, &["sync", "--folder", f, "--device-name", "本社のPC"]);

    let said = cli_text(&a, T0 + 10, &["company", "delete", &x]);
    assert!(said.contains("担当者 2件・商談 1件・タスク 0件・活動 0件"), "{said}");
    let trash = cli_json(&a, T0 + 11, &["trash"]);
    assert_eq!(trash["total"], json!(1));
    assert_eq!(trash["groups"][0]["id"], json!(x));
    assert_eq!(trash["groups"][0]["with"], json!({ "contacts": 2, "deals": 1, "tasks": 0, "activities": 0 }));
    let text = cli_text(&a, T0 + 11, &["trash"]);
    assert!(text.contains("株式会社 浜松楽器  (+ 担当者2件 商談1件 タスク0件 活動0件)"), "{text}");

    // Meanwhile on 本社のPC a contact is added to the company.
    let kato = cli_json(&b, T0 + 12, &["contact", "add", "--company-id", &x, "--family-name", "加藤"])["id"]
        .as_str()
        .unwrap()
        .to_string();
    cli_json(&a, T0 + 20, &["sync", "--folder", f]);
    let round = cli_json(&b, T0 + 21, &["sync", "--folder", f]);
    assert_eq!(round["orphans"], json!(1));
    let list = cli_json(&b, T0 + 22, &["orphans"]);
    assert_eq!(list.as_array().unwrap().len(), 1);
    assert_eq!(
        (&list[0]["id"], &list[0]["deleted_on"], &list[0]["change"]),
        (&json!(kato), &json!("営業部のPC"), &json!("added"))
    );
    let text = cli_text(&b, T0 + 22, &["orphans"]);
    assert!(text.contains("担当者 加藤 は 株式会社 浜松楽器 に追加されましたが、その会社は"), "{text}");
    assert!(text.contains("営業部のPC で削除しました"), "{text}");

    cli_json(&b, T0 + 30, &["orphans", "resolve", "contact", &kato, "--restore-company"]);
    assert_eq!(cli_json(&b, T0 + 31, &["orphans"]), json!([]));
    cli_json(&b, T0 + 32, &["sync", "--folder", f]);
    cli_json(&a, T0 + 33, &["sync", "--folder", f]);
    let contacts = cli_json(&a, T0 + 34, &["contact", "list"]);
    assert_eq!(contacts["total"], json!(3), "the group and 加藤 are back on 営業部のPC");
    assert_eq!(cli_json(&a, T0 + 35, &["trash"])["total"], json!(0));
}
