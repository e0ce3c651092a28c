//! Duplicate prevention through the public API: candidates per rule (and a
//! name alone is never one), the whole-database finder, merge and undo,
//! reading suggestions, and the `daifuku duplicates` / `merge` commands.

use std::collections::BTreeMap;

use daifuku::api::{self, Command, Response};
use daifuku::schema::FieldType;
use daifuku::store::{DuplicateCandidate, DuplicateRule, MergeChoice};
use daifuku::{Ctx, Kind, Store, Stored};
use serde_json::{json, Map, Value};

const T0: i64 = 1_790_000_000_000;

fn ctx() -> Ctx {
    Ctx::new(T0, "dev-a")
}

fn fields(v: Value) -> Map<String, Value> {
    v.as_object().unwrap().clone()
}

fn add(store: &mut Store, kind: Kind, v: Value) -> Stored {
    store.create_fields(&ctx(), kind, fields(v)).unwrap_or_else(|e| panic!("{kind:?}: {e}"))
}

fn rules(found: &[DuplicateCandidate]) -> Vec<(String, Vec<DuplicateRule>)> {
    found.iter().map(|c| (c.id.clone(), c.rules.clone())).collect()
}

/// Every `(fields, expected candidates)` row, all mismatches reported at once.
fn check(store: &Store, kind: Kind, cases: &[(Value, Vec<(&str, Vec<DuplicateRule>)>)]) {
    let failures: Vec<String> = cases
        .iter()
        .filter_map(|(input, expected)| {
            let got = rules(&store.check_duplicates(kind, &fields(input.clone()), None).unwrap());
            let want: Vec<(String, Vec<DuplicateRule>)> =
                expected.iter().map(|(id, r)| (id.to_string(), r.clone())).collect();
            (got != want).then(|| format!("{input}: expected {want:?}, got {got:?}"))
        })
        .collect();
    assert!(failures.is_empty(), "\n{}", failures.join("\n"));
}

/// Each group as its record ids and its `(rule, value)` links.
type Shape = Vec<(Vec<String>, Vec<(DuplicateRule, String)>)>;

fn shape(groups: &[daifuku::store::DuplicateGroup]) -> Shape {
    groups
        .iter()
        .map(|g| {
            (
                g.records.iter().map(|r| r.id.clone()).collect(),
                g.links.iter().map(|l| (l.rule, l.value.clone())).collect(),
            )
        })
        .collect()
}

#[test]
fn company_candidates_per_rule_and_never_by_name_alone() {
    let mut s = Store::open_in_memory().unwrap();
    let sato = add(&mut s, Kind::User, json!({"name": "佐藤 一郎"})).id;
    let a = add(
        &mut s,
        Kind::Company,
        json!({"name": "株式会社アシスト", "prefecture": "東京都", "postal_code": "100-0001",
               "corporate_number": "7000012050002", "phone": "03-1111-2222", "fax": "03-1111-2223",
               "email": "info@assist.example", "owner_id": sato}),
    )
    .id;
    add(&mut s, Kind::Activity, json!({"kind": "visit", "occurred_at": "2026-08-01T10:00", "company_id": a}));
    add(&mut s, Kind::Activity, json!({"kind": "call", "occurred_at": "2026-07-01T09:00", "company_id": a}));
    // Same name elsewhere: hundreds of 株式会社アシスト exist.
    let osaka = add(&mut s, Kind::Company, json!({"name": "アシスト株式会社", "prefecture": "大阪府"})).id;
    use DuplicateRule::*;
    let a = a.as_str();
    check(
        &s,
        Kind::Company,
        &[
            (json!({"name": "アシスト", "corporate_number": "7000012050002"}), vec![(a, vec![CorporateNumber])]),
            (
                json!({"name": "別の会社", "corporate_number": "７０００－０１－２０５０００－２"}),
                vec![(a, vec![CorporateNumber])],
            ),
            (json!({"name": "(株)アシスト", "prefecture": "東京都"}), vec![(a, vec![NameAndPrefecture])]),
            (json!({"name": "ｱｼｽﾄ株式会社", "postal_code": "〒100-0001"}), vec![(a, vec![NameAndPostal])]),
            (json!({"name": "全然違う商事", "phone": "(03)1111-2222"}), vec![(a, vec![Phone])]),
            (json!({"name": "全然違う商事", "fax": "+81 3 1111 2223"}), vec![(a, vec![Phone])]),
            (json!({"name": "全然違う商事", "email": "INFO@assist.example"}), vec![(a, vec![Email])]),
            (json!({"name": "株式会社アシスト"}), vec![]),
            (json!({"name": "株式会社アシスト", "prefecture": "福岡県", "postal_code": "810-0001"}), vec![]),
            (json!({"name": "㈱アシスト", "prefecture": "大阪府"}), vec![(&osaka, vec![NameAndPrefecture])]),
            (
                json!({"name": "アシスト", "corporate_number": "7000012050002", "prefecture": "東京都",
                       "postal_code": "1000001", "phone": "0311112222", "email": "info@assist.example"}),
                vec![(a, vec![CorporateNumber, NameAndPrefecture, NameAndPostal, Phone, Email])],
            ),
            // A half-filled form is still checked (the required name is missing).
            (json!({"phone": "03-1111-2222"}), vec![(a, vec![Phone])]),
        ],
    );
    // Who owns it and when it was last contacted, to decide.
    let found =
        s.check_duplicates(Kind::Company, &fields(json!({"name": "x", "phone": "03-1111-2222"})), None).unwrap();
    let c = &found[0];
    assert_eq!(c.kind, Kind::Company);
    assert_eq!(c.display_name, "株式会社アシスト");
    assert_eq!(c.owner_id.as_deref(), Some(sato.as_str()));
    assert_eq!(c.owner_name.as_deref(), Some("佐藤 一郎"));
    assert_eq!(c.last_contacted.as_deref(), Some("2026-08-01T10:00"));
    // Editing the record itself: it is not its own duplicate.
    let own = s.get(Kind::Company, a).unwrap().record.to_fields();
    assert!(s.check_duplicates(Kind::Company, &own, Some(a)).unwrap().is_empty());
    // Deleted records are not candidates.
    s.delete(&ctx(), Kind::Company, a).unwrap();
    assert!(s.check_duplicates(Kind::Company, &own, None).unwrap().is_empty());
    // Other kinds are not checked.
    let e = s.check_duplicates(Kind::Deal, &Map::new(), None).unwrap_err();
    assert_eq!(e.code, "unsupported_kind");
}

#[test]
fn contact_candidates_per_rule() {
    let mut s = Store::open_in_memory().unwrap();
    let c1 = add(&mut s, Kind::Company, json!({"name": "山田商事", "phone": "03-5555-0000"})).id;
    let c2 = add(&mut s, Kind::Company, json!({"name": "東洋精機"})).id;
    let taro = add(
        &mut s,
        Kind::Contact,
        json!({"company_id": c1, "family_name": "山田", "given_name": "太郎", "mobile": "090-1234-5678",
               "email": "taro@yamada.example", "phone": "03-5555-0000"}),
    )
    .id;
    let meeting = json!({"kind": "meeting", "occurred_at": "2026-09-01T15:00", "contact_ids": [taro]});
    add(&mut s, Kind::Activity, meeting);
    use DuplicateRule::*;
    let t = taro.as_str();
    check(
        &s,
        Kind::Contact,
        &[
            (json!({"family_name": "山田", "given_name": "太郎", "company_id": c1}), vec![(t, vec![PersonAndCompany])]),
            (
                json!({"family_name": "山田 ", "given_name": "　太郎", "company_id": c1}),
                vec![(t, vec![PersonAndCompany])],
            ),
            // A name alone, or at another company, is not a duplicate.
            (json!({"family_name": "山田", "given_name": "太郎"}), vec![]),
            (json!({"family_name": "山田", "given_name": "太郎", "company_id": c2}), vec![]),
            (json!({"family_name": "別人", "mobile": "０９０１２３４５６７８"}), vec![(t, vec![Phone])]),
            (json!({"family_name": "別人", "phone": "+81 90 1234 5678"}), vec![(t, vec![Phone])]),
            (json!({"family_name": "別人", "email": "Taro@Yamada.example"}), vec![(t, vec![Email])]),
            // The company's switchboard, shared by its staff, is not compared.
            (json!({"family_name": "鈴木", "phone": "03-5555-0000", "company_id": c1}), vec![]),
        ],
    );
    let found = s
        .check_duplicates(Kind::Contact, &fields(json!({"family_name": "x", "email": "taro@yamada.example"})), None)
        .unwrap();
    assert_eq!(found[0].company_name.as_deref(), Some("山田商事"));
    assert_eq!(found[0].last_contacted.as_deref(), Some("2026-09-01T15:00"));
}

#[test]
fn the_finder_groups_records_linked_by_any_rule() {
    let mut s = Store::open_in_memory().unwrap();
    let a = add(&mut s, Kind::Company, json!({"name": "青葉建設", "corporate_number": "7000012050002"})).id;
    let b = add(
        &mut s,
        Kind::Company,
        json!({"name": "(株)あおば", "corporate_number": "7000012050002", "phone": "03-1234-5678"}),
    )
    .id;
    let c = add(&mut s, Kind::Company, json!({"name": "アオバ", "phone": "0312345678"})).id;
    // Same name, other prefecture: not a group. Same name, same prefecture: a group.
    add(&mut s, Kind::Company, json!({"name": "株式会社アシスト", "prefecture": "東京都"}));
    add(&mut s, Kind::Company, json!({"name": "アシスト株式会社", "prefecture": "大阪府"}));
    let d =
        add(&mut s, Kind::Company, json!({"name": "山田商事", "prefecture": "北海道", "postal_code": "060-0001"})).id;
    let e =
        add(&mut s, Kind::Company, json!({"name": "㈱山田商事", "prefecture": "北海道", "postal_code": "0600001"})).id;
    add(&mut s, Kind::Company, json!({"name": "ひとり商店"}));
    let groups = s.find_duplicates(Kind::Company).unwrap();
    let shape = shape(&groups);
    let mut abc = vec![a.clone(), b.clone(), c.clone()];
    abc.sort();
    let mut de = vec![d.clone(), e.clone()];
    de.sort();
    use DuplicateRule::*;
    assert_eq!(
        shape,
        vec![
            (abc, vec![(CorporateNumber, "7000012050002".into()), (Phone, "+81312345678".into())]),
            (de, vec![(NameAndPrefecture, "山田商事 / 北海道".into()), (NameAndPostal, "山田商事 / 0600001".into())]),
        ]
    );
    // Each record carries the rules linking it.
    let rec = |id: &str| groups[0].records.iter().find(|r| r.id == id).unwrap().rules.clone();
    assert_eq!(rec(&a), vec![CorporateNumber]);
    assert_eq!(rec(&b), vec![CorporateNumber, Phone]);
    assert_eq!(rec(&c), vec![Phone]);

    // Contacts: same person at the same company; the switchboard links nobody.
    let co = add(&mut s, Kind::Company, json!({"name": "東洋精機", "phone": "06-6123-4567"})).id;
    let p1 = add(
        &mut s,
        Kind::Contact,
        json!({"company_id": co, "family_name": "髙橋", "given_name": "一郎", "phone": "06-6123-4567"}),
    )
    .id;
    let p2 = add(&mut s, Kind::Contact, json!({"company_id": co, "family_name": "高橋", "given_name": "一郎"})).id;
    add(&mut s, Kind::Contact, json!({"company_id": co, "family_name": "佐藤", "phone": "06-6123-4567"}));
    add(&mut s, Kind::Contact, json!({"family_name": "高橋", "given_name": "一郎"}));
    let groups = s.find_duplicates(Kind::Contact).unwrap();
    assert_eq!(groups.len(), 1, "{groups:#?}");
    let mut ids: Vec<String> = groups[0].records.iter().map(|r| r.id.clone()).collect();
    ids.sort();
    let mut want = vec![p1, p2];
    want.sort();
    assert_eq!(ids, want);
    assert_eq!(groups[0].links[0].rule, PersonAndCompany);
    assert_eq!(s.find_duplicates(Kind::Task).unwrap_err().code, "unsupported_kind");
}

/// The rule "same person at the same company" follows a contact that moves
/// to another company, leaves for the trash or comes back, and a database
/// from before its key (schema 12) gets the keys every write makes.
#[test]
fn same_person_at_same_company_follows_edits_and_upgrades() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("crm.db");
    let mut s = Store::open(&path).unwrap();
    let a = add(&mut s, Kind::Company, json!({"name": "山田商事"})).id;
    let b = add(&mut s, Kind::Company, json!({"name": "東洋精機"})).id;
    let x = add(&mut s, Kind::Contact, json!({"company_id": a, "family_name": "山田", "given_name": "太郎"})).id;
    let y = add(&mut s, Kind::Contact, json!({"company_id": b, "family_name": "山田", "given_name": "太郎"})).id;
    add(&mut s, Kind::Contact, json!({"family_name": "山田", "given_name": "太郎"}));
    add(&mut s, Kind::Contact, json!({"company_id": a, "family_name": "山田", "given_name": "花子"}));
    let groups = |s: &Store| shape(&s.find_duplicates(Kind::Contact).unwrap());
    assert_eq!(groups(&s), vec![]);
    let at_a = |s: &Store| {
        s.check_duplicates(
            Kind::Contact,
            &fields(json!({"family_name": "山田", "given_name": "太郎", "company_id": a})),
            None,
        )
        .unwrap()
        .len()
    };
    assert_eq!(at_a(&s), 1);

    // y moves to x's company: now the same person at the same company.
    s.update(&ctx(), Kind::Contact, &y, None, fields(json!({"company_id": a}))).unwrap();
    let mut pair = vec![x.clone(), y.clone()];
    pair.sort();
    let same = vec![(pair, vec![(DuplicateRule::PersonAndCompany, "山田太郎 / 山田商事".to_string())])];
    assert_eq!(groups(&s), same);
    assert_eq!(at_a(&s), 2);
    s.delete(&ctx(), Kind::Contact, &y).unwrap();
    assert_eq!(groups(&s), vec![]);
    s.restore(&ctx(), Kind::Contact, &y).unwrap();
    assert_eq!(groups(&s), same);

    // A database from before the key: migration 0013 makes exactly the keys
    // the writes made.
    let keys = |s: &Store| -> Vec<(String, String)> {
        let mut stmt = s
            .conn()
            .prepare("SELECT key, record_id FROM match_keys WHERE key_type = 'person_company' ORDER BY 1, 2")
            .unwrap();
        stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?))).unwrap().map(Result::unwrap).collect()
    };
    let made = keys(&s);
    assert_eq!(made.len(), 3, "{made:?}");
    s.conn()
        .execute_batch("DELETE FROM match_keys WHERE key_type = 'person_company'; PRAGMA user_version = 12;")
        .unwrap();
    drop(s);
    let s = Store::open(&path).unwrap();
    assert_eq!(s.schema_version().unwrap(), daifuku::store::latest_schema_version());
    assert_eq!(keys(&s), made);
    assert_eq!(groups(&s), same);
}

/// Live records of any kind whose `Ref`/`RefList` fields point at `id`.
fn references_to(s: &Store, target: Kind, id: &str) -> Vec<(Kind, &'static str, i64)> {
    let mut out = Vec::new();
    for kind in Kind::ALL {
        for def in kind.meta().fields {
            let sql = match def.ty {
                FieldType::Ref { kind: k } if k == target => {
                    format!("SELECT COUNT(*) FROM {} WHERE {} = ?1 AND deleted_at IS NULL", kind.meta().table, def.name)
                }
                FieldType::RefList { kind: k } if k == target => format!(
                    "SELECT COUNT(*) FROM {} t, json_each(t.{}) j WHERE j.value = ?1 AND t.deleted_at IS NULL",
                    kind.meta().table,
                    def.name
                ),
                _ => continue,
            };
            let n: i64 = s.conn().query_row(&sql, [id], |r| r.get(0)).unwrap();
            out.push((*kind, def.name, n));
        }
    }
    out
}

fn export_without_logs(s: &Store) -> Value {
    s.export_json().unwrap()
}

#[test]
fn merging_companies_moves_every_child_and_undo_restores_exactly() {
    let mut s = Store::open_in_memory().unwrap();
    let user = add(&mut s, Kind::User, json!({"name": "佐藤"})).id;
    let keep = add(
        &mut s,
        Kind::Company,
        json!({"name": "株式会社山田商事", "code": "C-1", "phone": "03-1234-5678", "owner_id": user}),
    )
    .id;
    let lose = add(&mut s, Kind::Company, json!({"name": "㈱山田商事", "code": "C-2", "phone": "03-9999-0000", "email": "info@yamada.example", "notes": "展示会で名刺交換"})).id;
    let other = add(&mut s, Kind::Company, json!({"name": "東洋精機"})).id;
    let product = add(&mut s, Kind::Product, json!({"name": "複合機A", "side": "own"})).id;
    // Children of the loser, one per kind of reference to a company.
    let contact = add(&mut s, Kind::Contact, json!({"company_id": lose, "family_name": "山田", "title": "課長"})).id;
    add(&mut s, Kind::CardExchange, json!({"contact_id": contact, "exchanged_on": "2026-04-01"}));
    let deal = add(
        &mut s,
        Kind::Deal,
        json!({"company_id": lose, "title": "複合機入替", "stage": "proposal", "contact_id": contact}),
    )
    .id;
    add(
        &mut s,
        Kind::Activity,
        json!({"kind": "meeting", "occurred_at": "2026-09-01T10:00", "company_id": lose, "contact_ids": [contact], "deal_id": deal}),
    );
    add(&mut s, Kind::Task, json!({"title": "見積送付", "company_id": lose, "deal_id": deal}));
    add(
        &mut s,
        Kind::Purchase,
        json!({"company_id": lose, "product_id": product, "product_name": "複合機A", "contract_date": "2025-04-01"}),
    );
    add(&mut s, Kind::CompanyFinancial, json!({"company_id": lose, "fiscal_year": 2025, "revenue": 1000}));
    add(&mut s, Kind::CaseStudy, json!({"title": "導入事例", "company_id": lose}));
    let self_relation = add(
        &mut s,
        Kind::CompanyRelation,
        json!({"company_id": lose, "relation": "affiliate", "related_company_id": keep}),
    )
    .id;
    add(&mut s, Kind::CompanyRelation, json!({"company_id": other, "relation": "parent", "related_company_id": lose}));
    // A child already in the trash stays where it is.
    let trashed_task = add(&mut s, Kind::Task, json!({"title": "古いタスク", "company_id": lose})).id;
    s.delete(&ctx(), Kind::Task, &trashed_task).unwrap();

    // The fixture refers to the loser through every company reference there is.
    let before_refs = references_to(&s, Kind::Company, &lose);
    let missing: Vec<_> = before_refs.iter().filter(|(_, _, n)| *n == 0).collect();
    assert!(missing.is_empty(), "fixture lacks {missing:?}");
    let before = export_without_logs(&s);

    let choices: BTreeMap<String, MergeChoice> =
        [("code".to_string(), MergeChoice::Loser), ("email".to_string(), MergeChoice::Loser)].into();
    let m = s.merge(&ctx(), Kind::Company, &keep, &lose, &choices).unwrap();
    assert_eq!((m.survivor_name.as_str(), m.loser_name.as_str()), ("株式会社山田商事", "㈱山田商事"));
    // Nothing live refers to the loser any more; the self-relation went to the trash.
    let left: Vec<_> = references_to(&s, Kind::Company, &lose).into_iter().filter(|(_, _, n)| *n > 0).collect();
    assert!(left.is_empty(), "{left:?}");
    assert_eq!(m.trashed.len(), 1);
    assert_eq!(m.trashed[0].id, self_relation);
    assert_eq!(m.moved.len(), before_refs.iter().map(|(_, _, n)| n).sum::<i64>() as usize - 1);
    assert!(s.get(Kind::Company, &lose).unwrap().deleted_at.is_some());
    let survivor = s.get(Kind::Company, &keep).unwrap().record.to_fields();
    assert_eq!(survivor["code"], json!("C-2"));
    assert_eq!(survivor["email"], json!("info@yamada.example"));
    assert_eq!(survivor["phone"], json!("03-1234-5678"));
    assert_eq!(survivor["notes"], Value::Null, "not chosen: the survivor's value stays");
    assert_eq!(s.get(Kind::Task, &trashed_task).unwrap().record.to_fields()["company_id"], json!(lose));
    // The contact did not get a new position from moving company.
    let positions: i64 = s
        .conn()
        .query_row("SELECT COUNT(*) FROM contact_positions WHERE contact_id = ?1", [&contact], |r| r.get(0))
        .unwrap();
    assert_eq!(positions, 1);
    // One record now: search finds the survivor by the loser's code, and the
    // timeline of the survivor holds the loser's history.
    let hits = s.search("C-2", 10, &[]).unwrap();
    assert_eq!(hits.iter().map(|h| h.id.as_str()).collect::<Vec<_>>(), vec![keep.as_str()]);
    assert_eq!(s.timeline(&daifuku::store::TimelineOwner::Company(keep.clone()), 0, 10).unwrap().len(), 3);
    assert!(s.find_duplicates(Kind::Company).unwrap().is_empty());
    // Logged: a merge entry on the survivor.
    let ops: Vec<String> = s
        .conn()
        .prepare("SELECT op FROM changes WHERE record_id = ?1 ORDER BY seq")
        .unwrap()
        .query_map([&keep], |r| r.get(0))
        .unwrap()
        .map(Result::unwrap)
        .collect();
    assert_eq!(ops.last().map(String::as_str), Some("merge"));
    assert_eq!(s.merges(10).unwrap()[0].id, m.id);

    let undone = s.undo_merge(&ctx(), &m.id).unwrap();
    assert!(undone.undone_at.is_some());
    assert_eq!(export_without_logs(&s), before, "undo restores every record exactly");
    assert_eq!(s.search("C-2", 10, &[]).unwrap()[0].id, lose);
    let again = s.undo_merge(&ctx(), &m.id).unwrap_err();
    assert_eq!(again.code, "already_undone");
}

#[test]
fn merging_contacts_and_undo_keep_lists_and_positions_exact() {
    let mut s = Store::open_in_memory().unwrap();
    let co = add(&mut s, Kind::Company, json!({"name": "山田商事"})).id;
    let keep = add(
        &mut s,
        Kind::Contact,
        json!({"company_id": co, "family_name": "山田", "given_name": "太郎", "title": "課長"}),
    )
    .id;
    let lose = add(&mut s, Kind::Contact, json!({"company_id": co, "family_name": "山田", "given_name": "太郎", "title": "部長", "mobile": "090-1111-2222"})).id;
    let both = add(
        &mut s,
        Kind::Activity,
        json!({"kind": "meeting", "occurred_at": "2026-09-01T10:00", "contact_ids": [keep, lose]}),
    )
    .id;
    let only =
        add(&mut s, Kind::Activity, json!({"kind": "call", "occurred_at": "2026-09-02T10:00", "contact_ids": [lose]}))
            .id;
    add(&mut s, Kind::CardExchange, json!({"contact_id": lose, "exchanged_on": "2026-04-01"}));
    let before = export_without_logs(&s);
    let candidates = s
        .check_duplicates(Kind::Contact, &s.get(Kind::Contact, &keep).unwrap().record.to_fields(), Some(&keep))
        .unwrap();
    assert_eq!(candidates.len(), 1);
    assert_eq!(candidates[0].id, lose);

    let choices: BTreeMap<String, MergeChoice> =
        [("title".to_string(), MergeChoice::Loser), ("mobile".to_string(), MergeChoice::Loser)].into();
    let m = s.merge(&ctx(), Kind::Contact, &keep, &lose, &choices).unwrap();
    let list = |id: &str| s.get(Kind::Activity, id).unwrap().record.to_fields()["contact_ids"].clone();
    assert_eq!(list(&both), json!([keep]), "no attendee twice");
    assert_eq!(list(&only), json!([keep]));
    let survivor = s.get(Kind::Contact, &keep).unwrap().record.to_fields();
    assert_eq!((survivor["title"].clone(), survivor["mobile"].clone()), (json!("部長"), json!("090-1111-2222")));
    // Both positions are history now; the merge made no new one.
    let positions: i64 = s
        .conn()
        .query_row(
            "SELECT COUNT(*) FROM contact_positions WHERE contact_id = ?1 AND deleted_at IS NULL",
            [&keep],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(positions, 2);
    assert_eq!(s.search("09011112222", 5, &[]).unwrap()[0].id, keep);

    s.undo_merge(&ctx(), &m.id).unwrap();
    assert_eq!(export_without_logs(&s), before);
}

#[test]
fn undo_keeps_later_edits_and_refuses_conflicting_ones() {
    let mut s = Store::open_in_memory().unwrap();
    let keep = add(&mut s, Kind::Company, json!({"name": "青葉建設", "code": "A-1"})).id;
    let lose =
        add(&mut s, Kind::Company, json!({"name": "青葉建設株式会社", "code": "A-2", "phone": "03-1234-5678"})).id;
    let choices: BTreeMap<String, MergeChoice> = [("phone".to_string(), MergeChoice::Loser)].into();
    let m = s.merge(&ctx(), Kind::Company, &keep, &lose, &choices).unwrap();
    // A field the merge did not touch: the later edit survives the undo.
    s.update(&ctx(), Kind::Company, &keep, None, fields(json!({"notes": "合併後のメモ"}))).unwrap();
    // A field the merge set, edited again: undo refuses, naming the field.
    s.update(&ctx(), Kind::Company, &keep, None, fields(json!({"phone": "03-9876-0000"}))).unwrap();
    let e = s.undo_merge(&ctx(), &m.id).unwrap_err();
    assert_eq!(e.code, "merge_changed");
    assert_eq!(e.details.iter().map(|d| d.field.as_str()).collect::<Vec<_>>(), vec!["phone"]);
    assert!(s.get(Kind::Company, &lose).unwrap().deleted_at.is_some(), "nothing written");
    // Put back, undo works and keeps the note.
    s.update(&ctx(), Kind::Company, &keep, None, fields(json!({"phone": "03-1234-5678"}))).unwrap();
    s.undo_merge(&ctx(), &m.id).unwrap();
    let k = s.get(Kind::Company, &keep).unwrap().record.to_fields();
    assert_eq!((k["phone"].clone(), k["notes"].clone()), (Value::Null, json!("合併後のメモ")));
    assert!(s.get(Kind::Company, &lose).unwrap().deleted_at.is_none());
    // Bad requests.
    let same = s.merge(&ctx(), Kind::Company, &keep, &keep, &BTreeMap::new()).unwrap_err();
    assert_eq!(same.code, "same_record");
    let unknown: BTreeMap<String, MergeChoice> = [("nope".to_string(), MergeChoice::Loser)].into();
    let e = s.merge(&ctx(), Kind::Company, &keep, &lose, &unknown).unwrap_err();
    assert_eq!((e.code.as_str(), e.field.as_deref()), ("unknown_field", Some("nope")));
}

#[test]
fn the_command_api_carries_duplicates_and_merges() {
    let mut s = Store::open_in_memory().unwrap();
    let c = ctx();
    let a = add(&mut s, Kind::Company, json!({"name": "山田商事", "phone": "03-1234-5678"})).id;
    let b = add(&mut s, Kind::Company, json!({"name": "ヤマダ", "phone": "0312345678"})).id;
    let cmd: Command = serde_json::from_value(json!({"cmd": "check_duplicates", "kind": "company", "fields": {"name": "x", "phone": "03-1234-5678"}, "exclude_id": a})).unwrap();
    let v = serde_json::to_value(api::execute(&mut s, &c, cmd).unwrap()).unwrap();
    assert_eq!(v["type"], json!("duplicate_candidates"));
    assert_eq!(v["data"][0]["id"], json!(b));
    assert_eq!(v["data"][0]["rules"], json!(["phone"]));
    let v = api::execute_json(&mut s, &c, json!({"cmd": "find_duplicates", "kind": "company"})).unwrap();
    let mut ids = vec![a.clone(), b.clone()];
    ids.sort();
    assert_eq!(v["data"][0]["links"][0], json!({"rule": "phone", "value": "+81312345678", "ids": ids}));
    let v = api::execute_json(
        &mut s,
        &c,
        json!({"cmd": "merge", "kind": "company", "survivor_id": a, "loser_id": b, "choices": {"name": "loser"}}),
    )
    .unwrap();
    assert_eq!(v["type"], json!("merge"));
    let merge_id = v["data"]["id"].as_str().unwrap().to_string();
    assert_eq!(s.get(Kind::Company, &a).unwrap().display_name, "ヤマダ");
    let v = api::execute_json(&mut s, &c, json!({"cmd": "search", "q": "やまだ"})).unwrap();
    assert_eq!(v["type"], json!("search"));
    assert_eq!(v["data"].as_array().unwrap().len(), 1);
    let Response::Merges(list) = api::execute(&mut s, &c, Command::Merges { limit: None }).unwrap() else { panic!() };
    assert_eq!(list.len(), 1);
    let v = api::execute_json(&mut s, &c, json!({"cmd": "undo_merge", "merge_id": merge_id})).unwrap();
    assert!(v["data"]["undone_at"].is_number());
    assert_eq!(s.get(Kind::Company, &a).unwrap().display_name, "山田商事");
}

#[test]
fn readings_are_suggested_from_an_offline_dictionary() {
    let cfg = daifuku::reading::ReadingConfig {
        pack: None,
        ipadic_dir: daifuku::reading::DEBIAN_IPADIC_DIR.into(),
        // Built once per target directory (a few seconds), then loaded.
        cache_dir: std::path::Path::new(env!("CARGO_TARGET_TMPDIR")).join("reading-cache"),
    };
    let reader = daifuku::reading::Reader::open(&cfg).unwrap();
    let cases = [
        ("山田商事", "ヤマダショウジ", true),
        ("株式会社山田商事", "ヤマダショウジ", true),
        ("㈱東洋精機", "トウヨウセイキ", true),
        ("青葉建設 株式会社", "アオバケンセツ", true),
        ("佐藤", "サトウ", true),
        ("花子", "ハナコ", true),
        ("髙橋", "タカハシ", true),
        ("渡辺 一郎", "ワタナベイチロウ", true),
        ("NTTドコモ", "NTTドコモ", true),
        ("さくら会", "サクラカイ", true),
    ];
    let failures: Vec<String> = cases
        .iter()
        .filter_map(|(text, reading, complete)| {
            let got = reader.suggest(text).unwrap();
            (got.reading != *reading || got.complete != *complete)
                .then(|| format!("{text}: expected {reading} ({complete}), got {got:?}"))
        })
        .collect();
    assert!(failures.is_empty(), "\n{}", failures.join("\n"));
    // Through the command API, once configured.
    daifuku::reading::configure(cfg);
    let mut s = Store::open_in_memory().unwrap();
    let v = api::execute_json(&mut s, &ctx(), json!({"cmd": "suggest_reading", "text": "大和田"})).unwrap();
    assert_eq!(v["data"]["reading"], json!("オオワダ"));
    // Without the sources, a clear error.
    let missing = daifuku::reading::Reader::open(&daifuku::reading::ReadingConfig {
        pack: None,
        ipadic_dir: "/nonexistent".into(),
        cache_dir: std::env::temp_dir().join("daifuku-no-dict"),
    });
    assert_eq!(missing.err().unwrap().code, "reading_unavailable");
}

#[test]
fn cli_duplicates_merge_and_unmerge() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("crm.db");
    let run = |args: &[&str]| -> Value {
        let out = std::process::Command::new(env!("CARGO_BIN_EXE_daifuku"))
            .arg("--db")
            .arg(&db)
            .args(args)
            .arg("--json")
            .env_remove("DAIFUKU_DB")
            .output()
            .unwrap();
        assert!(out.status.success(), "{args:?}: {}", String::from_utf8_lossy(&out.stdout));
        serde_json::from_slice(&out.stdout).unwrap()
    };
    let a =
        run(&["company", "add", "--name", "株式会社山田商事", "--corporate-number", "7000012050002", "--code", "Y-1"])
            ["id"]
            .as_str()
            .unwrap()
            .to_string();
    let b = run(&["company", "add", "--name", "山田商事", "--corporate-number", "7000-01-205000-2"])["id"]
        .as_str()
        .unwrap()
        .to_string();
    run(&["contact", "add", "--company-id", &b, "--family-name", "山田"]);
    let groups = run(&["duplicates", "--kind", "companies"]);
    assert_eq!(groups.as_array().unwrap().len(), 1);
    assert_eq!(groups[0]["links"][0]["rule"], json!("corporate_number"));
    assert_eq!(groups[0]["records"].as_array().unwrap().len(), 2);
    let m = run(&["merge", "--kind", "company", &a, &b, "--take", "name"]);
    assert_eq!(m["moved"].as_array().unwrap().len(), 1);
    assert_eq!(run(&["duplicates", "--kind", "companies"]), json!([]));
    assert_eq!(run(&["company", "show", &a])["display_name"], json!("山田商事"));
    let id = m["id"].as_str().unwrap();
    assert_eq!(run(&["merges"])[0]["id"], json!(id));
    run(&["unmerge", id]);
    assert_eq!(run(&["duplicates", "--kind", "companies"])[0]["records"].as_array().unwrap().len(), 2);
    assert_eq!(run(&["company", "show", &a])["display_name"], json!("株式会社山田商事"));
}
