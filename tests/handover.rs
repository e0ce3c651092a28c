//! Hand-over (引き継ぎ, issue 21 item 4): preview, apply in one step, undo,
//! what stays with its author, the change log, and the CLI.

use daifuku::api::{Command, Response};
use daifuku::store::{Handover, HandoverFilter, HandoverPlan, Store};
use daifuku::Kind;
use serde_json::{json, Map, Value};

mod common;
use common::{cli, run, T0};

fn fields(v: Value) -> Map<String, Value> {
    v.as_object().unwrap().clone()
}

fn add(store: &mut Store, kind: Kind, f: Value) -> String {
    match run(store, T0, Command::Add { kind, fields: fields(f) }).unwrap() {
        Response::Record(s) => s.id,
        other => panic!("{other:?}"),
    }
}

fn field(store: &Store, kind: Kind, id: &str, name: &str) -> Value {
    store.get(kind, id).unwrap().record.to_fields().get(name).cloned().unwrap_or(Value::Null)
}

fn preview(store: &mut Store, from: &str, to: &str, filter: HandoverFilter) -> HandoverPlan {
    let cmd = Command::HandoverPreview { from_user_id: from.into(), to_user_id: to.into(), filter };
    match run(store, T0 + 1_000, cmd).unwrap() {
        Response::HandoverPlan(p) => p,
        other => panic!("{other:?}"),
    }
}

fn apply(store: &mut Store, now: i64, from: &str, to: &str, filter: HandoverFilter) -> Handover {
    let cmd = Command::HandoverApply { from_user_id: from.into(), to_user_id: to.into(), filter };
    match run(store, now, cmd).unwrap() {
        Response::Handover(h) => h,
        other => panic!("{other:?}"),
    }
}

struct Office {
    sato: String,
    suzuki: String,
    left: String,
    tokyo_a: String,
    tokyo_b: String,
    osaka: String,
    yamada: String,
    kimura: String,
    open_deal: String,
    won_deal: String,
    open_task: String,
    done_task: String,
    loose_task: String,
    visit: String,
    renewal: String,
    old_contract: String,
}

/// 佐藤 leaves; 鈴木 takes over. 佐藤 owns two companies in 東京都 (A and
/// B) and one in 大阪府, contacts, an open and a won deal, an open and a
/// done task (and one with no company), a visit he wrote, and contracts.
fn office(store: &mut Store) -> Office {
    let sato = add(store, Kind::User, json!({"name": "佐藤 一郎"}));
    let suzuki = add(store, Kind::User, json!({"name": "鈴木 花子"}));
    let left = add(store, Kind::User, json!({"name": "田中 退職", "active": false, "left_on": "2026-03-31"}));
    store.set_current_user(Some(&sato)).unwrap();
    let tokyo_a = add(
        store,
        Kind::Company,
        json!({"name": "株式会社 丸の内商事", "prefecture": "東京都", "rank": "A", "owner_id": sato, "phone": "03-3211-0001（代）"}),
    );
    let tokyo_b = add(
        store,
        Kind::Company,
        json!({"name": "㈱ 新宿物産", "prefecture": "東京都", "rank": "B", "owner_id": sato}),
    );
    let osaka = add(
        store,
        Kind::Company,
        json!({"name": "浪速工業 株式会社", "prefecture": "大阪府", "rank": "A", "owner_id": sato}),
    );
    let yamada = add(
        store,
        Kind::Contact,
        json!({"company_id": tokyo_a, "family_name": "山田", "given_name": "太郎", "title": "部長", "owner_id": sato, "phone": "03-3211-0001 内線 123"}),
    );
    let kimura = add(store, Kind::Contact, json!({"company_id": osaka, "family_name": "木村", "owner_id": sato}));
    let open_deal = add(
        store,
        Kind::Deal,
        json!({"company_id": tokyo_a, "title": "複合機リプレース", "stage": "proposal", "owner_id": sato, "amount": 1_200_000}),
    );
    let won_deal =
        add(store, Kind::Deal, json!({"company_id": tokyo_a, "title": "保守契約", "stage": "won", "owner_id": sato}));
    let open_task = add(
        store,
        Kind::Task,
        json!({"title": "見積書を送る", "due": "2026-04-10", "assignee_id": sato, "company_id": tokyo_a}),
    );
    let done_task = add(
        store,
        Kind::Task,
        json!({"title": "名刺のお礼状", "assignee_id": sato, "company_id": tokyo_a, "done": true, "done_on": "2026-03-01"}),
    );
    let loose_task = add(store, Kind::Task, json!({"title": "経費精算", "assignee_id": sato}));
    let visit = add(
        store,
        Kind::Activity,
        json!({"kind": "visit", "occurred_at": "2026-03-02T10:00", "company_id": tokyo_a, "our_attendee_ids": [sato], "content": "新製品の説明"}),
    );
    // T0 is 2026-09-21 in Japan: a renewal in November is upcoming, one in 2028 is not.
    let renewal = add(
        store,
        Kind::Purchase,
        json!({"company_id": tokyo_a, "product_name": "保守パック", "amount": 360_000, "renewal_date": "2026-11-30", "status": "active"}),
    );
    let old_contract = add(
        store,
        Kind::Purchase,
        json!({"company_id": tokyo_a, "product_name": "旧ライセンス", "renewal_date": "2028-01-31", "status": "active"}),
    );
    Office {
        sato,
        suzuki,
        left,
        tokyo_a,
        tokyo_b,
        osaka,
        yamada,
        kimura,
        open_deal,
        won_deal,
        open_task,
        done_task,
        loose_task,
        visit,
        renewal,
        old_contract,
    }
}

fn ids(items: &[daifuku::store::HandoverItem]) -> Vec<String> {
    let mut v: Vec<String> = items.iter().map(|i| i.id.clone()).collect();
    v.sort();
    v
}

fn sorted(mut v: Vec<String>) -> Vec<String> {
    v.sort();
    v
}

#[test]
fn preview_lists_everything_that_moves_and_apply_moves_exactly_that() {
    let mut store = Store::open_in_memory().unwrap();
    let o = office(&mut store);
    let p = preview(&mut store, &o.sato, &o.suzuki, HandoverFilter::default());
    assert_eq!((p.from_name.as_str(), p.to_name.as_str()), ("佐藤 一郎", "鈴木 花子"));
    assert_eq!(ids(&p.companies), sorted(vec![o.tokyo_a.clone(), o.tokyo_b.clone(), o.osaka.clone()]));
    assert_eq!(ids(&p.contacts), sorted(vec![o.yamada.clone(), o.kimura.clone()]));
    assert_eq!(ids(&p.deals), vec![o.open_deal.clone()]);
    assert_eq!(ids(&p.tasks), sorted(vec![o.open_task.clone(), o.loose_task.clone()]));
    assert_eq!(ids(&p.renewals), vec![o.renewal.clone()]);
    assert_eq!(p.renewals[0].detail.as_deref(), Some("2026-11-30"));
    assert_eq!(p.deals[0].company_name.as_deref(), Some("株式会社 丸の内商事"));
    assert_eq!(
        (p.counts.companies, p.counts.contacts, p.counts.deals, p.counts.tasks, p.counts.renewals),
        (3, 2, 1, 2, 1)
    );
    // A preview writes nothing.
    assert_eq!(field(&store, Kind::Company, &o.tokyo_a, "owner_id"), json!(o.sato));

    let h = apply(&mut store, T0 + 2_000, &o.sato, &o.suzuki, HandoverFilter::default());
    assert_eq!(h.moved.len(), 8);
    for (kind, id, f) in [
        (Kind::Company, &o.tokyo_a, "owner_id"),
        (Kind::Company, &o.tokyo_b, "owner_id"),
        (Kind::Company, &o.osaka, "owner_id"),
        (Kind::Contact, &o.yamada, "owner_id"),
        (Kind::Contact, &o.kimura, "owner_id"),
        (Kind::Deal, &o.open_deal, "owner_id"),
        (Kind::Task, &o.open_task, "assignee_id"),
        (Kind::Task, &o.loose_task, "assignee_id"),
    ] {
        assert_eq!(field(&store, kind, id, f), json!(o.suzuki), "{kind:?} {id}");
        // Every move is an ordinary logged write, made by the one who did it: it syncs.
        let author: Option<String> = store
            .conn()
            .query_row(
                "SELECT author FROM changes WHERE record_id = ?1 AND op = 'update' AND fields LIKE ?2",
                [id.as_str(), &format!("%\"{f}\":\"{}\"%", o.suzuki)],
                |r| r.get(0),
            )
            .unwrap();
        assert_eq!(author.as_deref(), Some(o.sato.as_str()));
    }
    // What stays: the won deal, the done task, the visit and its attendee, the contracts.
    assert_eq!(field(&store, Kind::Deal, &o.won_deal, "owner_id"), json!(o.sato));
    assert_eq!(field(&store, Kind::Task, &o.done_task, "assignee_id"), json!(o.sato));
    assert_eq!(field(&store, Kind::Activity, &o.visit, "our_attendee_ids"), json!([o.sato]));
    let visit = store.get(Kind::Activity, &o.visit).unwrap();
    assert_eq!((visit.version, visit.created_by.as_deref()), (1, Some(o.sato.as_str())));
    assert_eq!(store.get(Kind::Purchase, &o.renewal).unwrap().version, 1);
    assert_eq!(store.get(Kind::Purchase, &o.old_contract).unwrap().version, 1);
    // Nothing left to hand over.
    let again = Command::HandoverApply {
        from_user_id: o.sato.clone(),
        to_user_id: o.suzuki.clone(),
        filter: HandoverFilter::default(),
    };
    let e = run(&mut store, T0 + 3_000, again).unwrap_err();
    assert_eq!((e.code.as_str(), e.details[0].detail.as_deref()), ("handover_empty", Some("佐藤 一郎")));
}

#[test]
fn a_filter_moves_only_those_companies_and_their_records() {
    let mut store = Store::open_in_memory().unwrap();
    let o = office(&mut store);
    let tokyo = HandoverFilter { prefecture: Some("東京都".into()), rank: None };
    let p = preview(&mut store, &o.sato, &o.suzuki, tokyo.clone());
    assert_eq!(ids(&p.companies), sorted(vec![o.tokyo_a.clone(), o.tokyo_b.clone()]));
    assert_eq!(ids(&p.contacts), vec![o.yamada.clone()]);
    // The task of no company stays with 佐藤 under a filter.
    assert_eq!(ids(&p.tasks), vec![o.open_task.clone()]);
    let tokyo_a_only = HandoverFilter { prefecture: Some("東京都".into()), rank: Some("A".into()) };
    let p = preview(&mut store, &o.sato, &o.suzuki, tokyo_a_only.clone());
    assert_eq!(ids(&p.companies), vec![o.tokyo_a.clone()]);
    apply(&mut store, T0 + 2_000, &o.sato, &o.suzuki, tokyo_a_only);
    assert_eq!(field(&store, Kind::Company, &o.tokyo_a, "owner_id"), json!(o.suzuki));
    assert_eq!(field(&store, Kind::Company, &o.tokyo_b, "owner_id"), json!(o.sato));
    assert_eq!(field(&store, Kind::Company, &o.osaka, "owner_id"), json!(o.sato));
    assert_eq!(field(&store, Kind::Contact, &o.kimura, "owner_id"), json!(o.sato));
    assert_eq!(field(&store, Kind::Task, &o.loose_task, "assignee_id"), json!(o.sato));
}

#[test]
fn undo_gives_every_owner_back_but_keeps_later_hand_ons() {
    let mut store = Store::open_in_memory().unwrap();
    let o = office(&mut store);
    let h = apply(&mut store, T0 + 2_000, &o.sato, &o.suzuki, HandoverFilter::default());
    // Meanwhile the manager gives 大阪 to someone else again.
    let third = add(&mut store, Kind::User, json!({"name": "高橋 次郎"}));
    let cmd = Command::Patch {
        kind: Kind::Company,
        id: o.osaka.clone(),
        version: None,
        fields: fields(json!({"owner_id": third})),
    };
    run(&mut store, T0 + 3_000, cmd).unwrap();
    let undone = match run(&mut store, T0 + 4_000, Command::HandoverUndo { handover_id: h.id.clone() }).unwrap() {
        Response::Handover(h) => h,
        other => panic!("{other:?}"),
    };
    assert_eq!((undone.undone_at, undone.kept), (Some(T0 + 4_000), 1));
    for (kind, id, f) in [
        (Kind::Company, &o.tokyo_a, "owner_id"),
        (Kind::Company, &o.tokyo_b, "owner_id"),
        (Kind::Contact, &o.yamada, "owner_id"),
        (Kind::Contact, &o.kimura, "owner_id"),
        (Kind::Deal, &o.open_deal, "owner_id"),
        (Kind::Task, &o.open_task, "assignee_id"),
        (Kind::Task, &o.loose_task, "assignee_id"),
    ] {
        assert_eq!(field(&store, kind, id, f), json!(o.sato), "{kind:?} {id}");
    }
    assert_eq!(field(&store, Kind::Company, &o.osaka, "owner_id"), json!(third));
    let e = run(&mut store, T0 + 5_000, Command::HandoverUndo { handover_id: h.id.clone() }).unwrap_err();
    assert_eq!(e.code, "handover_already_undone");
    let list = match run(&mut store, T0 + 5_000, Command::Handovers { limit: None }).unwrap() {
        Response::Handovers(l) => l,
        other => panic!("{other:?}"),
    };
    assert_eq!((list.len(), list[0].id.as_str(), list[0].counts.companies), (1, h.id.as_str(), 3));
}

#[test]
fn wrong_people_are_refused_with_what_to_do() {
    let mut store = Store::open_in_memory().unwrap();
    let o = office(&mut store);
    let same = Command::HandoverPreview {
        from_user_id: o.sato.clone(),
        to_user_id: o.sato.clone(),
        filter: HandoverFilter::default(),
    };
    assert_eq!(run(&mut store, T0, same).unwrap_err().code, "handover_same_user");
    let to_left = Command::HandoverApply {
        from_user_id: o.sato.clone(),
        to_user_id: o.left.clone(),
        filter: HandoverFilter::default(),
    };
    let e = run(&mut store, T0, to_left).unwrap_err();
    assert_eq!((e.code.as_str(), e.details[0].detail.as_deref()), ("handover_inactive_user", Some("田中 退職")));
    let nobody = Command::HandoverPreview {
        from_user_id: "no-such-user".into(),
        to_user_id: o.suzuki.clone(),
        filter: HandoverFilter::default(),
    };
    let e = run(&mut store, T0, nobody).unwrap_err();
    assert_eq!((e.code.as_str(), e.field.as_deref()), ("unknown_reference", Some("from_user_id")));
    // Nothing was written by the refused hand-over.
    assert_eq!(field(&store, Kind::Company, &o.tokyo_a, "owner_id"), json!(o.sato));
}

#[test]
fn cli_dry_run_then_apply_then_undo() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("office.db");
    let o = {
        let mut store = Store::open(&db).unwrap();
        office(&mut store)
    };
    let out = cli(&db, T0 + 1_000, &["handover", "--from", &o.sato, "--to", &o.suzuki, "--dry-run", "--json"]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let plan: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(plan["counts"], json!({"companies": 3, "contacts": 2, "deals": 1, "tasks": 2, "renewals": 1}));
    assert_eq!(field(&Store::open(&db).unwrap(), Kind::Company, &o.osaka, "owner_id"), json!(o.sato));

    let out = cli(&db, T0 + 2_000, &["handover", "--from", &o.sato, "--to", &o.suzuki, "--prefecture", "大阪府"]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(text.contains("佐藤 一郎 → 鈴木 花子") && text.contains("浪速工業"), "{text}");
    assert!(!text.contains("丸の内"), "{text}");
    let store = Store::open(&db).unwrap();
    assert_eq!(field(&store, Kind::Company, &o.osaka, "owner_id"), json!(o.suzuki));
    assert_eq!(field(&store, Kind::Contact, &o.kimura, "owner_id"), json!(o.suzuki));
    assert_eq!(field(&store, Kind::Company, &o.tokyo_a, "owner_id"), json!(o.sato));
    let id = store.handovers(1).unwrap()[0].id.clone();
    drop(store);

    let out = cli(&db, T0 + 3_000, &["handover", "--undo", &id, "--json"]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let store = Store::open(&db).unwrap();
    assert_eq!(field(&store, Kind::Company, &o.osaka, "owner_id"), json!(o.sato));
    assert_eq!(field(&store, Kind::Contact, &o.kimura, "owner_id"), json!(o.sato));

    let out = cli(&db, T0 + 4_000, &["handover", "--from", &o.sato, "--to", &o.sato, "--json"]);
    assert!(!out.status.success());
    let e: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(e["code"], "handover_same_user");
}
