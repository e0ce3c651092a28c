//! First run (issue 23): the welcome screen's state, demo data loaded with a
//! mark and removed in one step — the user's own records stay.

use daifuku::api::{self, Command, FirstRunState, Response};
use daifuku::{Ctx, Kind, Store};
use serde_json::{json, Map, Value};

const NOW: i64 = 1_775_000_000_000;

fn run(s: &mut Store, ctx: &Ctx, cmd: Command) -> Response {
    api::execute(s, ctx, cmd).unwrap()
}

fn state(s: &mut Store, ctx: &Ctx) -> FirstRunState {
    match run(s, ctx, Command::FirstRunState) {
        Response::FirstRun(f) => f,
        other => panic!("expected first_run, got {other:?}"),
    }
}

fn add(s: &mut Store, ctx: &Ctx, kind: Kind, fields: Value) -> daifuku::store::Stored {
    let fields: Map<String, Value> = serde_json::from_value(fields).unwrap();
    match run(s, ctx, Command::Add { kind, fields }) {
        Response::Record(r) => r,
        other => panic!("expected record, got {other:?}"),
    }
}

/// What the host's `demo_load` does: the generator, then the welcome's state.
fn demo_load(s: &mut Store, ctx: &Ctx, companies: usize) -> FirstRunState {
    daifuku_gen::demo_load(s, ctx, companies).unwrap();
    state(s, ctx)
}

/// Live rows per table, counted, beside the trigger-kept `live_counts`.
fn live_counts_true(s: &Store) {
    for kind in Kind::ALL {
        let t = kind.meta().table;
        let counted: i64 = s
            .conn()
            .query_row(&format!("SELECT COUNT(*) FROM {t} WHERE deleted_at IS NULL"), [], |r| r.get(0))
            .unwrap();
        let kept: i64 = s.conn().query_row("SELECT n FROM live_counts WHERE tbl = ?1", [t], |r| r.get(0)).unwrap();
        assert_eq!(counted, kept, "live count of {t}");
    }
}

fn live_demo_rows(s: &Store) -> i64 {
    Kind::ALL
        .iter()
        .map(|k| {
            s.conn()
                .query_row(
                    &format!(
                        "SELECT COUNT(*) FROM {} WHERE created_by = 'demo' AND deleted_at IS NULL",
                        k.meta().table
                    ),
                    [],
                    |r| r.get::<_, i64>(0),
                )
                .unwrap()
        })
        .sum()
}

fn live_total(s: &Store) -> i64 {
    s.conn().query_row("SELECT SUM(n) FROM live_counts", [], |r| r.get(0)).unwrap()
}

#[test]
fn welcome_then_demo_loaded_marked_and_removed_leaving_the_users_own_records() {
    let dir = tempfile::tempdir().unwrap();
    let mut s = Store::open(&dir.path().join("first.db")).unwrap();
    let ctx = s.context(NOW).unwrap();

    // A new database: the welcome screen shows.
    let st = state(&mut s, &ctx);
    assert_eq!(st, FirstRunState { new: true, welcome_done: false, demo_records: 0, company_name: None });

    // The welcome screen: the user's name, the current user, the company.
    let me = add(&mut s, &ctx, Kind::User, json!({"name": "佐藤 花子", "name_reading": "サトウ ハナコ"}));
    run(&mut s, &ctx, Command::SetCurrentUser { user_id: Some(me.id.clone()) });
    run(&mut s, &ctx, Command::WelcomeDone { company_name: Some(" 大福商事株式会社 ".into()) });
    let st = state(&mut s, &ctx);
    assert!(!st.new && st.welcome_done);
    assert_eq!(st.company_name.as_deref(), Some("大福商事株式会社"));

    // Demo data: every record but the user's own is marked.
    let ctx = s.context(NOW).unwrap();
    assert_eq!(ctx.user_id.as_deref(), Some(me.id.as_str()));
    let st = demo_load(&mut s, &ctx, 12);
    let companies = s.list(Kind::Company, &Default::default()).unwrap();
    assert_eq!(companies.total, Some(12));
    assert!(companies.items.iter().all(|c| c.created_by.as_deref() == Some("demo")));
    assert!(live_total(&s) > 100, "contacts, deals, activities… come with the companies");
    assert_eq!(st.demo_records as i64, live_total(&s) - 1, "all but the user's own user record");
    assert_eq!(s.current_user().unwrap().as_deref(), Some(me.id.as_str()), "the demo keeps the current user");
    let err = daifuku_gen::demo_load(&mut s, &ctx, 3).unwrap_err();
    assert_eq!(err.code, "demo_loaded");

    // The user's own company and a contact of theirs at a demo company.
    let demo_company = companies.items[0].clone();
    let own = add(
        &mut s,
        &ctx,
        Kind::Company,
        json!({"name": "株式会社みどり製作所", "name_reading": "ミドリセイサクショ", "phone": "03-1234-5678（代）"}),
    );
    let contact = add(
        &mut s,
        &ctx,
        Kind::Contact,
        json!({"family_name": "高橋", "given_name": "一郎", "company_id": demo_company.id, "title": "課長"}),
    );
    let before = live_total(&s);
    let demo_before = state(&mut s, &ctx).demo_records as i64;
    assert_eq!(live_demo_rows(&s), demo_before);

    // One step: every demo record goes, nothing else.
    let st = match run(&mut s, &ctx, Command::DemoRemove) {
        Response::FirstRun(f) => f,
        other => panic!("{other:?}"),
    };
    assert_eq!(st.demo_records, 0);
    assert_eq!(live_demo_rows(&s), 0);
    assert_eq!(live_total(&s), before - demo_before);
    live_counts_true(&s);
    assert_eq!(s.trash_count().unwrap() as i64, demo_before, "removed to the trash, every one");

    let companies = s.list(Kind::Company, &Default::default()).unwrap();
    assert_eq!(companies.total, Some(1));
    let kept = s.get(Kind::Company, &own.id).unwrap();
    assert!(kept.deleted_at.is_none());
    assert_eq!(kept.display_name, "株式会社みどり製作所");
    let fields = kept.record.to_fields();
    assert_eq!(fields["phone"], json!("03-1234-5678 (代表)"));
    assert!(s.get(Kind::Contact, &contact.id).unwrap().deleted_at.is_none(), "the user's contact stays");
    assert!(s.get(Kind::Company, &demo_company.id).unwrap().deleted_at.is_some());
    assert!(s.get(Kind::User, &me.id).unwrap().deleted_at.is_none());
    assert_eq!(s.current_user().unwrap().as_deref(), Some(me.id.as_str()));
    // Derived rows went with them: search finds the demo company no more.
    let hits = s.search(&demo_company.display_name, 20, &[Kind::Company]).unwrap();
    assert!(hits.iter().all(|h| h.id != demo_company.id), "{hits:?}");
    assert!(s.search("みどり製作所", 20, &[Kind::Company]).unwrap().iter().any(|h| h.id == own.id));

    // Demo data can be loaded again after a removal (fresh ids).
    let again = demo_load(&mut s, &ctx, 2);
    assert!(again.demo_records > 0);
}

#[test]
fn a_demo_user_chosen_as_current_user_goes_with_the_demo() {
    let mut s = Store::open_in_memory().unwrap();
    let ctx = s.context(NOW).unwrap();
    demo_load(&mut s, &ctx, 2);
    let users = s.list(Kind::User, &Default::default()).unwrap();
    let demo_user = users.items[0].id.clone();
    s.set_current_user(Some(&demo_user)).unwrap();
    assert!(!state(&mut s, &ctx).new);
    run(&mut s, &ctx, Command::DemoRemove);
    assert_eq!(s.current_user().unwrap(), None);
    assert_eq!(live_total(&s), 0);
    let st = state(&mut s, &ctx);
    assert!(st.new, "nothing left: the database reads as new again");
}
