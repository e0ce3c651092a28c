//! Search through the public API: notation variants, readings, phone numbers,
//! short queries through an index, ranking, snippets, the trash, and the
//! `daifuku search` command.

use daifuku::store::{MatchKind, SearchHit};
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

fn search(store: &Store, q: &str) -> Vec<SearchHit> {
    store.search(q, 20, &[]).unwrap_or_else(|e| panic!("{q:?}: {e}"))
}

/// Every `(query, expected first hit, expected match kind)` row, all
/// mismatches reported at once.
fn check(store: &Store, cases: &[(&str, &str, MatchKind)]) {
    let failures: Vec<String> = cases
        .iter()
        .filter_map(|(q, id, kind)| {
            let hits = search(store, q);
            let first = hits.first().map(|h| (h.id.as_str(), h.matched));
            (first != Some((*id, *kind))).then(|| {
                let got: Vec<(String, MatchKind)> = hits.iter().map(|h| (h.display_name.clone(), h.matched)).collect();
                format!("{q:?}: expected {id} {kind:?} first, got {got:?}")
            })
        })
        .collect();
    assert!(failures.is_empty(), "\n{}", failures.join("\n"));
}

/// A small office: two companies with similar names, contacts, an activity.
struct Office {
    store: Store,
    yamada: String,
    toyo: String,
    taro: String,
    hanako: String,
    meeting: String,
}

fn office() -> Office {
    let mut store = Store::open_in_memory().unwrap();
    let yamada = add(
        &mut store,
        Kind::Company,
        json!({"name": "株式会社山田商事", "name_reading": "ヤマダショウジ", "code": "C-0012",
               "phone": "03-1234-5678", "email": "info@yamada-shoji.example", "prefecture": "東京都"}),
    )
    .id;
    let toyo = add(
        &mut store,
        Kind::Company,
        json!({"name": "㈱東洋精機", "name_reading": "とうようせいき", "phone": "06-6123-4567"}),
    )
    .id;
    add(&mut store, Kind::Company, json!({"name": "山田工業有限会社", "name_reading": "ヤマダコウギョウ"}));
    let taro = add(
        &mut store,
        Kind::Contact,
        json!({"company_id": yamada, "family_name": "山田", "given_name": "太郎",
               "family_reading": "やまだ", "given_reading": "たろう", "mobile": "090-1111-2222",
               "email": "taro@yamada-shoji.example"}),
    )
    .id;
    let hanako = add(
        &mut store,
        Kind::Contact,
        json!({"company_id": toyo, "family_name": "小山田", "given_name": "花子",
               "family_reading": "オヤマダ", "given_reading": "ハナコ"}),
    )
    .id;
    let meeting = add(
        &mut store,
        Kind::Activity,
        json!({"kind": "meeting", "occurred_at": "2026-09-01T10:00", "company_id": yamada,
               "subject": "定例会", "content": "## 議題\n- 価格改定について\n- 新型コピー機の導入スケジュールを確認した。先方は年内の稼働を希望。"}),
    )
    .id;
    Office { store, yamada, toyo, taro, hanako, meeting }
}

#[test]
fn designators_and_widths_never_hide_a_company() {
    let o = office();
    use MatchKind::*;
    check(
        &o.store,
        &[
            ("株式会社山田商事", &o.yamada, ExactName),
            ("山田商事", &o.yamada, ExactName),
            ("㈱山田商事", &o.yamada, ExactName),
            ("(株)山田商事", &o.yamada, ExactName),
            ("（株）山田商事", &o.yamada, ExactName),
            ("山田商事株式会社", &o.yamada, ExactName),
            ("山田商事 ㈱", &o.yamada, ExactName),
            ("株式会社 山田 商事", &o.yamada, ExactName),
            ("山田商", &o.yamada, NamePrefix),
            ("田商事", &o.yamada, Name),
            ("東洋精機", &o.toyo, ExactName),
            ("株式会社東洋精機", &o.toyo, ExactName),
            ("(株)東洋", &o.toyo, NamePrefix),
            ("洋精機", &o.toyo, Name),
            ("ｃ－００１２", &o.yamada, Code),
            ("C-0012", &o.yamada, Code),
            ("c-001", &o.yamada, Code),
        ],
    );
}

#[test]
fn readings_in_katakana_hiragana_or_half_width_find_the_kanji_name() {
    let o = office();
    use MatchKind::*;
    check(
        &o.store,
        &[
            ("ヤマダショウジ", &o.yamada, Reading),
            ("やまだしょうじ", &o.yamada, Reading),
            ("ﾔﾏﾀﾞｼｮｳｼﾞ", &o.yamada, Reading),
            ("ｶ)ﾔﾏﾀﾞｼｮｳｼﾞ", &o.yamada, Reading),
            ("カブシキガイシャヤマダショウジ", &o.yamada, Reading),
            ("しょうじ", &o.yamada, Reading),
            ("トウヨウセイキ", &o.toyo, Reading),
            ("ﾄｳﾖｳ", &o.toyo, Reading),
            ("せいき", &o.toyo, Reading),
            ("おやまだ", &o.hanako, Reading),
            ("ハナコ", &o.hanako, Reading),
            ("やまだたろう", &o.taro, Reading),
        ],
    );
}

#[test]
fn a_phone_number_in_any_format_finds_its_owner() {
    let o = office();
    use MatchKind::*;
    let yamada = o.yamada.as_str();
    let taro = o.taro.as_str();
    check(
        &o.store,
        &[
            ("03-1234-5678", yamada, Phone),
            ("0312345678", yamada, Phone),
            ("(03)1234-5678", yamada, Phone),
            ("（03）1234－5678", yamada, Phone),
            ("+81 3 1234 5678", yamada, Phone),
            ("+81-3-1234-5678", yamada, Phone),
            ("０３－１２３４－５６７８", yamada, Phone),
            ("０３１２３４５６７８", yamada, Phone),
            ("03 1234 5678", yamada, Phone),
            ("1234-5678", yamada, Phone),
            ("5678", yamada, Phone),
            ("090-1111-2222", taro, Phone),
            ("09011112222", taro, Phone),
            ("+81 90 1111 2222", taro, Phone),
            ("０９０（１１１１）２２２２", taro, Phone),
            ("06-6123-4567", &o.toyo, Phone),
        ],
    );
    let hit = &search(&o.store, "+81 3 1234 5678")[0];
    let snippet = hit.snippet.as_ref().unwrap();
    assert_eq!((snippet.field.as_str(), snippet.matched.as_str()), ("phone", "03-1234-5678"));
}

#[test]
fn one_and_two_character_queries_work() {
    let o = office();
    let names = |q: &str| -> Vec<(String, MatchKind)> {
        search(&o.store, q).into_iter().map(|h| (h.display_name, h.matched)).collect()
    };
    use MatchKind::*;
    // Companies first, then contacts; prefix before anywhere in the name.
    assert_eq!(
        names("山田"),
        vec![
            ("株式会社山田商事".to_string(), NamePrefix),
            ("山田工業有限会社".to_string(), NamePrefix),
            ("山田 太郎".to_string(), NamePrefix),
            ("小山田 花子".to_string(), Name),
        ]
    );
    assert_eq!(
        names("ヤマ"),
        vec![
            ("山田工業有限会社".to_string(), Reading),
            ("株式会社山田商事".to_string(), Reading),
            ("山田 太郎".to_string(), Reading),
            ("小山田 花子".to_string(), Reading),
        ]
    );
    assert_eq!(names("花"), vec![("小山田 花子".to_string(), Name)]);
    assert_eq!(names("はな"), vec![("小山田 花子".to_string(), Reading)]);
    assert_eq!(names("ｾｲ"), vec![("㈱東洋精機".to_string(), Reading)]);
    assert_eq!(names("㈱東"), vec![("㈱東洋精機".to_string(), NamePrefix)]);
    assert_eq!(names("c0"), vec![("株式会社山田商事".to_string(), Code)]);
    assert_eq!(names("山 花"), vec![("小山田 花子".to_string(), Name)]);
    // A long term and a short one: the full-text index filtered by the grams.
    assert_eq!(names("田商事 山"), vec![("株式会社山田商事".to_string(), Name)]);
    assert_eq!(names("ま だこうぎょう"), vec![("山田工業有限会社".to_string(), Reading)]);
    // Activity content is not searched by one or two characters.
    assert_eq!(names("価格"), vec![]);
    assert!(names("-").is_empty() && names(" ").is_empty() && names("").is_empty());
}

#[test]
fn no_query_scans_a_record_table() {
    let o = office();
    let tables: Vec<&str> = Kind::ALL.iter().map(|k| k.meta().table).collect();
    for q in [
        "山",
        "山田",
        "ヤマ",
        "c0",
        "山田商事",
        "株式会社山田",
        "やまだしょうじ",
        "03-1234-5678",
        "5678",
        "taro@yamada-shoji.example",
        "導入スケジュール",
        "山田 スケジュール",
        "山 花",
    ] {
        let plans = o.store.search_plans(q, 20).unwrap();
        assert!(!plans.is_empty(), "{q}: no statement ran");
        for line in &plans {
            let scanned = line.strip_prefix("SCAN ").map(|rest| rest.split_whitespace().next().unwrap_or(""));
            if let Some(table) = scanned {
                assert!(
                    !tables.contains(&table) && table != "match_keys" && table != "search_docs",
                    "{q}: {line}\n{plans:#?}"
                );
            }
        }
        // Full-text rows come in rowid order, which is rank order: never
        // sorted (a sort would read every match of a one-character query).
        assert!(!plans.iter().any(|l| l.contains("TEMP B-TREE")), "{q}: {plans:#?}");
        // Short queries use the gram index, long ones the trigram index.
        let uses = |t: &str| plans.iter().any(|l| l.contains(t));
        let short = q.chars().filter(|c| !c.is_whitespace()).count() < 3;
        if short {
            assert!(uses("search_grams") && !uses("search_text"), "{q}: {plans:#?}");
        }
    }
}

#[test]
fn ranking_follows_exact_prefix_reading_name_code_email_content() {
    let mut s = Store::open_in_memory().unwrap();
    let id = |s: &mut Store, kind: Kind, v: Value| add(s, kind, v).id;
    // Made in reverse order of the expected ranking, so creation order cannot explain it.
    let content = id(
        &mut s,
        Kind::Activity,
        json!({"kind": "call", "occurred_at": "2026-09-01T10:00", "subject": "電話", "content": "アオバ様の件で折り返し"}),
    );
    let email = id(&mut s, Kind::Contact, json!({"family_name": "佐藤", "email": "aoba@example.jp"}));
    let code = id(&mut s, Kind::Company, json!({"name": "松商店", "code": "aoba-7"}));
    let name = id(&mut s, Kind::Company, json!({"name": "新アオバ"}));
    let reading = id(&mut s, Kind::Company, json!({"name": "青葉建設", "name_reading": "アオバケンセツ"}));
    let prefix = id(&mut s, Kind::Company, json!({"name": "アオバ電機"}));
    let exact = id(&mut s, Kind::Company, json!({"name": "株式会社アオバ"}));
    let exact_contact = id(&mut s, Kind::Contact, json!({"family_name": "あおば"}));
    let hits = search(&s, "アオバ");
    let got: Vec<(&str, MatchKind)> = hits.iter().map(|h| (h.id.as_str(), h.matched)).collect();
    use MatchKind::*;
    assert_eq!(
        got,
        vec![
            (exact.as_str(), ExactName),
            (exact_contact.as_str(), ExactName),
            (prefix.as_str(), NamePrefix),
            (reading.as_str(), Reading),
            (name.as_str(), Name),
            (content.as_str(), Content),
        ],
        "{hits:#?}"
    );
    // Latin letters reach codes and e-mail addresses.
    let got: Vec<(String, MatchKind)> = search(&s, "AOBA").into_iter().map(|h| (h.id, h.matched)).collect();
    assert_eq!(got, vec![(code, Code), (email, Email)]);
    // The limit keeps the best.
    let top: Vec<MatchKind> = s.search("アオバ", 2, &[]).unwrap().iter().map(|h| h.matched).collect();
    assert_eq!(top, vec![ExactName, ExactName]);
}

#[test]
fn hits_carry_kind_code_company_and_a_snippet() {
    let o = office();
    let hits = search(&o.store, "スケジュール");
    assert_eq!(hits.len(), 1, "{hits:#?}");
    let h = &hits[0];
    assert_eq!((h.kind, h.id.as_str(), h.matched), (Kind::Activity, o.meeting.as_str(), MatchKind::Content));
    assert_eq!(h.company_name.as_deref(), Some("株式会社山田商事"));
    let sn = h.snippet.as_ref().unwrap();
    assert_eq!(sn.field, "content");
    assert_eq!(sn.matched, "スケジュール");
    assert!(sn.before.starts_with('…') && sn.before.ends_with("コピー機の導入"), "{sn:?}");
    assert!(sn.after.starts_with("を確認した。"), "{sn:?}");
    assert!(!sn.before.contains('\n'));

    let h = &search(&o.store, "やまだしょうじ")[0];
    assert_eq!(h.code.as_deref(), Some("C-0012"));
    let sn = h.snippet.as_ref().unwrap();
    assert_eq!((sn.field.as_str(), sn.matched.as_str()), ("name_reading", "ヤマダショウジ"));
    // The name snippet highlights the name as written (㈱ kept, width kept).
    let sn = search(&o.store, "株式会社東洋")[0].snippet.clone().unwrap();
    assert_eq!((sn.before.as_str(), sn.matched.as_str(), sn.after.as_str()), ("㈱", "東洋", "精機"));
    // Kinds can be narrowed (list filters).
    let contacts = o.store.search("山田", 20, &[Kind::Contact]).unwrap();
    assert!(contacts.iter().all(|h| h.kind == Kind::Contact) && contacts.len() == 2);
    assert_eq!(contacts[0].company_name.as_deref(), Some("株式会社山田商事"));
}

#[test]
fn deleted_records_are_never_found_and_edits_reindex() {
    let mut o = office();
    assert_eq!(search(&o.store, "東洋精機").len(), 1);
    o.store.delete(&ctx(), Kind::Company, &o.toyo).unwrap();
    for q in ["東洋精機", "東洋", "とうよう", "06-6123-4567"] {
        assert!(search(&o.store, q).iter().all(|h| h.id != o.toyo), "{q}");
    }
    o.store.restore(&ctx(), Kind::Company, &o.toyo).unwrap();
    assert_eq!(search(&o.store, "東洋")[0].id, o.toyo);
    // A rename: the old name is gone, the new one is found.
    o.store.update(&ctx(), Kind::Company, &o.toyo, None, fields(json!({"name": "株式会社トーヨー"}))).unwrap();
    assert!(search(&o.store, "東洋精機").is_empty());
    assert_eq!(search(&o.store, "とーよー")[0].id, o.toyo);
    // Activities and contacts too.
    o.store.delete(&ctx(), Kind::Activity, &o.meeting).unwrap();
    assert!(search(&o.store, "スケジュール").is_empty());
    o.store.delete(&ctx(), Kind::Contact, &o.hanako).unwrap();
    assert!(search(&o.store, "花子").is_empty() && search(&o.store, "花").is_empty());
    // One document per live searchable record, no more.
    let docs: i64 = o.store.conn().query_row("SELECT COUNT(*) FROM search_docs", [], |r| r.get(0)).unwrap();
    assert_eq!(docs, 4); // 3 companies, 1 contact
                         // And no full-text row of a document that is gone.
    for table in ["search_text", "search_grams"] {
        let orphans: i64 = o
            .store
            .conn()
            .query_row(
                &format!(
                    "SELECT COUNT(*) FROM {table} WHERE (rowid & ((1 << 44) - 1)) NOT IN (SELECT doc FROM search_docs)"
                ),
                [],
                |r| r.get(0),
            )
            .unwrap();
        assert_eq!(orphans, 0, "{table}");
    }
}

#[test]
fn every_searched_table_drops_trashed_records_from_the_index() {
    let s = Store::open_in_memory().unwrap();
    for kind in daifuku::keys::SEARCH_KINDS {
        let name = format!("{}_leave_search", kind.meta().table);
        let n: i64 = s
            .conn()
            .query_row("SELECT COUNT(*) FROM sqlite_schema WHERE type = 'trigger' AND name = ?1", [&name], |r| r.get(0))
            .unwrap();
        assert_eq!(n, 1, "missing trigger {name}");
    }
}

#[test]
fn an_upgraded_database_is_searchable() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("old.db");
    std::fs::copy(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/v1.db"), &path).unwrap();
    let s = Store::open(&path).unwrap();
    let hits = search(&s, "山田商事");
    assert_eq!(hits[0].display_name, "株式会社 山田商事");
    assert_eq!(search(&s, "0312345678")[0].matched, MatchKind::Phone);
    assert_eq!(search(&s, "東洋")[0].display_name, "㈱東洋精機");
    // Substrings come from the full-text index, which migration 0012
    // emptied and rebuilt in its new row order.
    let reading = search(&s, "ようせい");
    assert_eq!((reading[0].display_name.as_str(), reading[0].matched), ("㈱東洋精機", MatchKind::Reading));
    let name = search(&s, "精機");
    assert_eq!((name[0].display_name.as_str(), name[0].matched), ("㈱東洋精機", MatchKind::Name));
    let name = search(&s, "田商事");
    assert_eq!((name[0].display_name.as_str(), name[0].matched), ("株式会社 山田商事", MatchKind::Name));
}

/// One full-text query reads every column, best rank first, `limit` rows at
/// a time: a record matching in two columns takes two rows, and the page
/// still fills with distinct records, in rank order.
#[test]
fn a_page_fills_with_distinct_records_matching_in_several_columns() {
    let mut s = Store::open_in_memory().unwrap();
    let mut both = Vec::new();
    for i in 0..15 {
        // Name and reading both contain オバシ (neither starts with it).
        both.push(
            add(&mut s, Kind::Company, json!({"name": format!("アオバシ{i:02}"), "name_reading": "アオバシ"})).id,
        );
    }
    let mut names = Vec::new();
    for i in 0..10 {
        names.push(add(&mut s, Kind::Company, json!({"name": format!("トオバシ{i:02}")})).id);
    }
    let hits = search(&s, "おばし");
    let got: Vec<(&str, MatchKind)> = hits.iter().map(|h| (h.id.as_str(), h.matched)).collect();
    let mut expected: Vec<(&str, MatchKind)> = both.iter().map(|id| (id.as_str(), MatchKind::Reading)).collect();
    expected.extend(names.iter().take(5).map(|id| (id.as_str(), MatchKind::Name)));
    assert_eq!(got, expected, "{hits:#?}");
    // Limited to some kinds, each column is read kind by kind: the same page.
    let companies = s.search("おばし", 20, &[Kind::Company, Kind::Deal]).unwrap();
    assert_eq!(companies.iter().map(|h| (h.id.as_str(), h.matched)).collect::<Vec<_>>(), expected);
}

/// A search limited to some kinds ranks, within them, as the whole search.
#[test]
fn a_search_limited_to_kinds_keeps_the_ranking() {
    let mut s = Store::open_in_memory().unwrap();
    let company = add(&mut s, Kind::Company, json!({"name": "みどり工業", "phone": "03-5555-1234"})).id;
    let contact =
        add(&mut s, Kind::Contact, json!({"family_name": "緑川", "company_id": company, "mobile": "090-5555-1234"})).id;
    let content = add(
        &mut s,
        Kind::Activity,
        json!({"kind": "call", "occurred_at": "2026-09-01T10:00", "subject": "電話", "content": "折り返し 5555-1234 まで"}),
    )
    .id;
    let ids = |hits: Vec<SearchHit>| hits.into_iter().map(|h| (h.id, h.matched)).collect::<Vec<_>>();
    use MatchKind::*;
    assert_eq!(
        ids(search(&s, "5555-1234")),
        vec![(company.clone(), Phone), (contact.clone(), Phone), (content.clone(), Content)]
    );
    assert_eq!(
        ids(s.search("5555-1234", 20, &[Kind::Contact, Kind::Activity]).unwrap()),
        vec![(contact, Phone), (content, Content)]
    );
    assert_eq!(ids(s.search("5555-1234", 20, &[Kind::Company]).unwrap()), vec![(company, Phone)]);
}

#[test]
fn cli_search_prints_hits_as_json() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("crm.db");
    let run = |args: &[&str]| {
        let out = std::process::Command::new(env!("CARGO_BIN_EXE_daifuku"))
            .arg("--db")
            .arg(&db)
            .args(args)
            .env_remove("DAIFUKU_DB")
            .output()
            .unwrap();
        assert!(out.status.success(), "{args:?}: {}", String::from_utf8_lossy(&out.stderr));
        String::from_utf8(out.stdout).unwrap()
    };
    run(&[
        "company",
        "add",
        "--name",
        "株式会社山田商事",
        "--name-reading",
        "ヤマダショウジ",
        "--code",
        "C-0012",
        "--phone",
        "03-1234-5678",
    ]);
    run(&["company", "add", "--name", "山田工業", "--name-reading", "ヤマダコウギョウ"]);
    let hits: Value = serde_json::from_str(&run(&["search", "㈱山田商事", "--json"])).unwrap();
    assert_eq!(hits[0]["kind"], json!("company"));
    assert_eq!(hits[0]["display_name"], json!("株式会社山田商事"));
    assert_eq!(hits[0]["code"], json!("C-0012"));
    assert_eq!(hits[0]["matched"], json!("exact_name"));
    assert!(hits[0]["id"].as_str().is_some_and(|id| id.len() == 36));
    let hits: Value = serde_json::from_str(&run(&["search", "ヤマ", "--limit", "1", "--json"])).unwrap();
    assert_eq!(hits.as_array().unwrap().len(), 1);
    let text = run(&["search", "(03)1234-5678"]);
    assert!(text.contains("株式会社山田商事") && text.contains("C-0012"), "{text}");
    // Two writes made two segments; tidy-index merges them, and search still works.
    let tidied: Value = serde_json::from_str(&run(&["tidy-index", "--json"])).unwrap();
    assert_eq!(tidied["before"]["text"], json!(2), "{tidied}");
    assert_eq!((&tidied["after"]["text"], &tidied["after"]["grams"]), (&json!(1), &json!(1)), "{tidied}");
    let text = run(&["tidy-index"]);
    assert!(text.contains("text 1 → 1 segments"), "{text}");
    let hits: Value = serde_json::from_str(&run(&["search", "山田工業", "--json"])).unwrap();
    assert_eq!(hits[0]["display_name"], json!("山田工業"));
}

/// Bulk writes (create_many, imports) write search documents at the end of
/// their transaction, in rowid order; the index must come out the same as
/// with one write per record, and a record written twice in one import is
/// found by its last text only.
#[test]
fn bulk_writes_index_like_single_writes() {
    let records: Vec<(Kind, Map<String, Value>)> = (0..150)
        .map(|i| {
            (
                Kind::Company,
                fields(json!({
                    "name": format!("株式会社テスト{}商事", i),
                    "name_reading": format!("テストショウジ{i}"),
                    "code": format!("B-{i:04}"),
                    "phone": format!("03-5555-{:04}", i),
                    "email": format!("info{i}@bulk.example"),
                    "prefecture": "大阪府",
                })),
            )
        })
        .collect();
    let mut bulk = Store::open_in_memory().unwrap();
    bulk.seed_ids(7);
    bulk.create_many(&ctx(), &records).unwrap();
    let mut single = Store::open_in_memory().unwrap();
    single.seed_ids(7);
    for (kind, f) in &records {
        single.create_fields(&ctx(), *kind, f.clone()).unwrap();
    }
    for q in ["テ", "商事", "テスト12商事", "ショウジ25", "B-0042", "0355550099", "info7@", "大阪府", "bulk"]
    {
        let ids = |s: &Store| s.search(q, 200, &[]).unwrap().into_iter().map(|h| (h.id, h.matched)).collect::<Vec<_>>();
        let got = ids(&bulk);
        assert!(!got.is_empty(), "{q:?} finds nothing after a bulk write");
        assert_eq!(got, ids(&single), "{q:?}");
    }
    for store in [&bulk, &single] {
        for table in ["search_text", "search_grams"] {
            store
                .conn()
                .execute(&format!("INSERT INTO {table} ({table}) VALUES ('integrity-check')"), [])
                .unwrap_or_else(|e| panic!("{table}: {e}"));
        }
    }

    // An import whose later row updates the record an earlier row created.
    let csv = "顧客コード,会社名\nR-1,旧名前工業\nR-2,別会社\nR-1,新名前工業\n";
    let opts = daifuku::import::ImportOptions::default();
    let raw = daifuku::import::read("x.csv", csv.as_bytes(), &opts).unwrap();
    let report = bulk.import_apply(&ctx(), &raw, &opts, false, &mut |_| daifuku::import::Flow::Continue).unwrap();
    assert_eq!((report.created, report.updated), (2, 1));
    let names = |q: &str| search(&bulk, q).into_iter().map(|h| h.display_name).collect::<Vec<_>>();
    assert_eq!(names("新名前"), vec!["新名前工業"]);
    assert!(names("旧名前").is_empty(), "the overwritten name is still indexed");
    assert_eq!(names("別会社"), vec!["別会社"]);
}

/// The search index fragments as records are written one transaction at a
/// time; tidying merges each full-text index into one segment in bounded
/// steps, and every query finds what it found before.
#[test]
fn tidying_the_index_merges_it_into_one_segment_and_finds_the_same() {
    let dir = tempfile::tempdir().unwrap();
    let mut s = Store::open(&dir.path().join("crm.db")).unwrap();
    let mut ids = Vec::new();
    for i in 0..120 {
        let f = json!({"name": format!("株式会社テスト{i}商事"), "name_reading": format!("テストショウジ{i}"),
                       "code": format!("T-{i:04}"), "phone": format!("03-5555-{i:04}"), "prefecture": "大阪府"});
        ids.push(add(&mut s, Kind::Company, f).id);
    }
    // Edits and a deletion leave deleted entries in old segments.
    for id in ids.iter().take(30) {
        s.update(&ctx(), Kind::Company, id, None, fields(json!({"notes": "価格改定の打ち合わせ"}))).unwrap();
    }
    s.delete(&ctx(), Kind::Company, &ids[40]).unwrap();
    let (text, grams) = s.search_index_segments().unwrap();
    assert!(text > 1 && grams > 1, "{text} / {grams} segments: nothing to tidy");
    let queries =
        ["テ", "商事", "テスト12商事", "しょうじ25", "T-0042", "0355550099", "大阪府", "価格改定", "テスト40"];
    let found = |s: &Store| -> Vec<Vec<(String, MatchKind)>> {
        queries
            .iter()
            .map(|q| s.search(q, 200, &[]).unwrap().into_iter().map(|h| (h.id, h.matched)).collect())
            .collect()
    };
    let before = found(&s);
    // Every query finds something, except the deleted record's name.
    assert!(before[..8].iter().all(|hits| !hits.is_empty()), "{before:?}");
    assert!(before[8].is_empty(), "{:?}", before[8]);
    let mut steps = 0;
    while s.tidy_search_index(4).unwrap() {
        steps += 1;
        assert!(steps < 10_000, "tidying does not end");
    }
    assert!(steps > 1, "4 pages at a time took {steps} step(s)");
    assert_eq!(s.search_index_segments().unwrap(), (1, 1));
    assert_eq!(found(&s), before);
    assert!(!s.tidy_search_index(4).unwrap(), "a tidy index has nothing left to merge");
    for table in ["search_text", "search_grams"] {
        s.conn().execute(&format!("INSERT INTO {table} ({table}) VALUES ('integrity-check')"), []).unwrap();
    }
}

/// A search limited to some kinds (the product picker, `daifuku search
/// --kind product`) binds only the parameters of the lookups it makes: a
/// lookup of kinds not searched, last in line, once left a bound value no
/// statement named ("wrong number of parameters").
#[test]
fn a_search_limited_to_some_kinds_answers_for_every_kind() {
    let mut s = Store::open_in_memory().unwrap();
    let product = add(&mut s, Kind::Product, json!({"name": "ダイフク勤怠", "side": "own"}));
    let company = add(&mut s, Kind::Company, json!({"name": "株式会社ダイフク勤怠", "phone": "03-1234-5678"}));
    let hits = s.search("ダイフク勤怠", 20, &[Kind::Product]).unwrap();
    assert_eq!(hits.iter().map(|h| h.id.as_str()).collect::<Vec<_>>(), [product.id.as_str()]);
    for kind in Kind::ALL {
        for q in ["ダイフク勤怠", "03-1234-5678", "DK-01", "info@example.co.jp"] {
            s.search(q, 20, &[*kind]).unwrap_or_else(|e| panic!("{kind:?} {q}: {e}"));
        }
    }
    let hits = s.search("03-1234-5678", 20, &[Kind::Company]).unwrap();
    assert_eq!(hits.first().map(|h| h.id.as_str()), Some(company.id.as_str()));
}
