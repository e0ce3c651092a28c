//! Export → import into a new database, as a new user does it (issue 20,
//! item 6): every list the app exports reads back without `--kind` (the
//! kind is guessed from its headers: deals as deals, purchases as
//! purchases), and the owners (担当営業), which are users the new database
//! does not have, are created by name when the user asks for it
//! (`create_missing_users`) instead of failing every row (`unknown_user`).
//! Also a deals and a purchases sheet as users write them (CP932, Excel's
//! Japanese headers), and the CLI's `--create-missing-users`.

use std::path::{Path, PathBuf};
use std::process::Output;

use daifuku::api::{self, Response};
use daifuku::export::{fetch_all, ExportFormat, ExportOptions, HeaderStyle};
use daifuku::import::{self, Flow, ImportOptions, ImportPreview, ImportReport, RowAction, TextEncoding};
use daifuku::store::ListQuery;
use daifuku::{Ctx, Kind, Record, Store, Stored};
use serde_json::{json, Map, Value};

const NOW: i64 = 1_775_000_000_000; // 2026-04-01 (Japan)

/// A stored deal: title, company, stage, amount, expected close, probability, owner, has a contact.
type DealRow = (String, String, String, Option<i64>, Option<String>, Option<i32>, String, bool);
/// A stored purchase: company, product, unit price, quantity, amount, contract date, status.
type PurchaseRow = (String, String, Option<i64>, Option<f64>, Option<i64>, Option<String>, Option<String>);
/// A stored deal: title, stage, amount, probability, owner.
type HandwrittenDeal = (String, String, Option<i64>, Option<i32>, String);

fn ctx() -> Ctx {
    Ctx::new(NOW, "test-device")
}

fn dir() -> PathBuf {
    static NEXT: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
    let n = NEXT.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join(format!("roundtrip-{}-{n}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// A store in a database file, as the app and the CLI have (the apply
/// plans on a second thread), or in memory (it plans on the writing one).
fn store(in_memory: bool) -> Store {
    static SEED: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(11);
    let mut s = if in_memory { Store::open_in_memory().unwrap() } else { Store::open(&dir().join("crm.db")).unwrap() };
    // Each database draws other ids, as databases on two computers do (a
    // new database drawing the ids of the file's records would find them).
    s.seed_ids(SEED.fetch_add(1, std::sync::atomic::Ordering::Relaxed));
    s
}

fn fields(v: Value) -> Map<String, Value> {
    match v {
        Value::Object(m) => m,
        _ => unreachable!(),
    }
}

fn create(s: &mut Store, kind: Kind, v: Value) -> String {
    s.create_fields(&ctx(), kind, fields(v)).unwrap_or_else(|e| panic!("{kind:?}: {e:?}")).id
}

fn all(s: &Store, kind: Kind) -> Vec<Stored> {
    fetch_all(s, kind, &ListQuery::default()).unwrap()
}

/// The office the files come from: users, companies with owners (one
/// without), contacts, deals and purchases.
fn source_database() -> Store {
    let mut s = store(false);
    let yamada = create(&mut s, Kind::User, json!({"name": "山田 太郎", "email": "yamada@daifuku.example"}));
    let sato = create(&mut s, Kind::User, json!({"name": "佐藤花子"}));
    let kimura = create(&mut s, Kind::User, json!({"name": "木村 一郎"}));
    let a = create(
        &mut s,
        Kind::Company,
        json!({"name": "株式会社山田商事", "code": "C-001", "owner_id": yamada, "phone": "03-1234-5678",
               "prefecture": "東京都", "city": "千代田区", "street": "丸の内1-1-1", "status": "customer", "rank": "A"}),
    );
    let b = create(
        &mut s,
        Kind::Company,
        json!({"name": "有限会社佐藤工業", "code": "C-002", "owner_id": sato, "phone": "06-6123-4567"}),
    );
    let c = create(&mut s, Kind::Company, json!({"name": "北海水産株式会社", "code": "C-003", "owner_id": yamada}));
    create(&mut s, Kind::Company, json!({"name": "担当なし合同会社", "code": "C-004"}));
    let tanaka = create(
        &mut s,
        Kind::Contact,
        json!({"company_id": a, "family_name": "田中", "given_name": "誠", "title": "部長", "owner_id": yamada,
               "email": "tanaka@yamada-shoji.example"}),
    );
    create(
        &mut s,
        Kind::Contact,
        json!({"company_id": b, "family_name": "鈴木", "given_name": "花", "department": "購買部"}),
    );
    // 木村 owns a deal but no company: the deals file is the first to name him.
    create(
        &mut s,
        Kind::Deal,
        json!({"company_id": a, "title": "基幹システム更改", "stage": "proposal", "amount": 12_000_000,
               "expected_close": "2026-06-30", "probability": 60, "owner_id": yamada, "contact_id": tanaka}),
    );
    create(
        &mut s,
        Kind::Deal,
        json!({"company_id": c, "title": "冷凍倉庫の保守契約", "stage": "negotiation", "amount": 3_500_000,
               "expected_close": "2026-05-15", "probability": 80, "owner_id": kimura}),
    );
    create(
        &mut s,
        Kind::Purchase,
        json!({"company_id": a, "product_name": "大福クラウド 年間ライセンス", "unit_price": 120_000, "quantity": 10,
               "amount": 1_200_000, "contract_date": "2025-04-01", "expiry_date": "2026-03-31", "status": "active"}),
    );
    create(
        &mut s,
        Kind::Purchase,
        json!({"company_id": b, "product_name": "保守サポート", "amount": 300_000, "contract_date": "2025-10-01",
               "status": "renewed"}),
    );
    s
}

/// A list exported the way the app does it (the `Export` command, Japanese headers).
fn export(s: &mut Store, kind: Kind, encoding: TextEncoding) -> Vec<u8> {
    export_as(s, kind, ExportFormat::Csv, Some(encoding), HeaderStyle::Ja)
}

fn export_as(
    s: &mut Store,
    kind: Kind,
    format: ExportFormat,
    encoding: Option<TextEncoding>,
    headers: HeaderStyle,
) -> Vec<u8> {
    let cmd = api::Command::Export {
        kind,
        query: ListQuery::default(),
        options: ExportOptions { format, encoding, headers },
        path: None,
    };
    let Response::Exported(r) = api::execute(s, &ctx(), cmd).unwrap() else { unreachable!() };
    import::decode_base64(r.base64.as_deref().unwrap()).unwrap()
}

fn opts(create_missing_users: bool) -> ImportOptions {
    ImportOptions { create_missing_users, ..Default::default() }
}

fn preview(s: &Store, name: &str, bytes: &[u8], o: &ImportOptions) -> ImportPreview {
    let raw = import::read(name, bytes, o).unwrap();
    s.import_preview(&raw, o, &mut |_| Flow::Continue).unwrap()
}

fn apply(s: &mut Store, name: &str, bytes: &[u8], o: &ImportOptions) -> daifuku::Result<ImportReport> {
    let raw = import::read(name, bytes, o)?;
    s.import_apply(&ctx(), &raw, o, false, &mut |_| Flow::Continue)
}

/// User id → name.
fn user_names(s: &Store) -> std::collections::BTreeMap<String, String> {
    all(s, Kind::User)
        .into_iter()
        .map(|st| match st.record {
            Record::User(u) => (st.id, u.name),
            _ => unreachable!(),
        })
        .collect()
}

/// The missing users of a preview, by name.
fn missing(p: &ImportPreview) -> Vec<(String, u32)> {
    let mut out: Vec<(String, u32)> = p.missing_users.iter().map(|u| (u.name.clone(), u.rows)).collect();
    out.sort();
    out
}

#[test]
fn an_export_reads_back_into_a_new_database_with_its_owners_created() {
    let mut src = source_database();
    // Companies as Excel users keep them (CP932), the rest in UTF-8 with BOM.
    let companies_csv = export(&mut src, Kind::Company, TextEncoding::ShiftJis);
    let contacts_csv = export(&mut src, Kind::Contact, TextEncoding::Utf8);
    let deals_csv = export(&mut src, Kind::Deal, TextEncoding::Utf8);
    let purchases_csv = export(&mut src, Kind::Purchase, TextEncoding::Utf8);
    assert!(encoding_rs::SHIFT_JIS.decode_without_bom_handling(&companies_csv).0.contains("担当営業"));

    let mut new = store(false);

    // Without the option: every company with an owner is an error naming the owner.
    let p = preview(&new, "companies.csv", &companies_csv, &opts(false));
    assert_eq!((p.kind, p.kind_guessed), (Kind::Company, true));
    assert_eq!(missing(&p), [("佐藤花子".to_string(), 1), ("山田 太郎".to_string(), 2)]);
    assert_eq!((p.summary.error, p.summary.create, p.summary.new_users), (3, 1, 2));
    let mut named: Vec<(String, String, String, Option<String>)> = p
        .rows
        .iter()
        .filter(|r| r.action == RowAction::Error)
        .flat_map(|r| {
            r.errors.iter().map(move |e| (r.display_name.clone(), e.code.clone(), e.field.clone(), e.detail.clone()))
        })
        .collect();
    named.sort();
    assert_eq!(
        named,
        [
            ("北海水産株式会社".into(), "unknown_user".into(), "owner_id".into(), Some("山田 太郎".into())),
            ("有限会社佐藤工業".into(), "unknown_user".into(), "owner_id".into(), Some("佐藤花子".into())),
            ("株式会社山田商事".into(), "unknown_user".into(), "owner_id".into(), Some("山田 太郎".into())),
        ]
    );
    // The error CSV explains it in Japanese.
    let errors = String::from_utf8(p.error_csv.unwrap().bytes().unwrap()).unwrap();
    assert!(errors.contains("担当営業: ユーザーにいません。取り込み時に作成できます"), "{errors}");
    let e = apply(&mut new, "companies.csv", &companies_csv, &opts(false)).unwrap_err();
    assert_eq!(e.code, "import_has_errors");
    assert!(user_names(&new).is_empty() && all(&new, Kind::Company).is_empty(), "nothing written");

    // With it: the preview lists who is created, and no row is an error.
    let p = preview(&new, "companies.csv", &companies_csv, &opts(true));
    assert_eq!(missing(&p), [("佐藤花子".to_string(), 1), ("山田 太郎".to_string(), 2)]);
    assert_eq!((p.summary.error, p.summary.create), (0, 4));
    // The rows show the owner by name until the apply links the user.
    let owners: std::collections::BTreeSet<&str> =
        p.rows.iter().filter_map(|r| r.fields.get("owner_id").and_then(Value::as_str)).collect();
    assert_eq!(owners, ["佐藤花子", "山田 太郎"].into());
    let r = apply(&mut new, "companies.csv", &companies_csv, &opts(true)).unwrap();
    assert_eq!((r.kind, r.created, r.users_created, r.failed), (Kind::Company, 4, 2, 0));
    let users = user_names(&new);
    assert_eq!(
        users.values().cloned().collect::<std::collections::BTreeSet<_>>(),
        ["佐藤花子", "山田 太郎"].map(String::from).into()
    );
    let owner_of = |s: &Store, code: &str| -> Option<String> {
        all(s, Kind::Company).into_iter().find_map(|st| match st.record {
            Record::Company(c) if c.code.as_deref() == Some(code) => {
                Some(c.owner_id.map(|id| user_names(s)[&id].clone()))
            }
            _ => None,
        })?
    };
    assert_eq!(owner_of(&new, "C-001").as_deref(), Some("山田 太郎"));
    assert_eq!(owner_of(&new, "C-002").as_deref(), Some("佐藤花子"));
    assert_eq!(owner_of(&new, "C-003").as_deref(), Some("山田 太郎"));
    assert_eq!(owner_of(&new, "C-004"), None);
    let yamada_co = all(&new, Kind::Company)
        .into_iter()
        .find_map(|st| match st.record {
            Record::Company(c) if c.code.as_deref() == Some("C-001") => Some(c),
            _ => None,
        })
        .unwrap();
    assert_eq!((yamada_co.name.as_str(), yamada_co.phone.as_deref()), ("株式会社山田商事", Some("03-1234-5678")));
    assert_eq!((yamada_co.status.as_deref(), yamada_co.rank.as_deref()), (Some("customer"), Some("A")));

    // Contacts: guessed, their owner is the user just created (no new one).
    let p = preview(&new, "contacts.csv", &contacts_csv, &opts(true));
    assert_eq!((p.kind, p.summary.error, p.summary.new_users), (Kind::Contact, 0, 0));
    let r = apply(&mut new, "contacts.csv", &contacts_csv, &opts(true)).unwrap();
    assert_eq!((r.created, r.users_created), (2, 0));
    let tanaka = all(&new, Kind::Contact)
        .into_iter()
        .find_map(|st| match st.record {
            Record::Contact(c) if c.family_name == "田中" => Some(c),
            _ => None,
        })
        .unwrap();
    assert_eq!(user_names(&new)[tanaka.owner_id.as_ref().unwrap()], "山田 太郎");
    assert_eq!(tanaka.title.as_deref(), Some("部長"));

    // Deals: guessed as deals (they were guessed as purchases), 木村 is new.
    let p = preview(&new, "deals.csv", &deals_csv, &opts(false));
    assert_eq!((p.kind, p.kind_guessed), (Kind::Deal, true));
    assert_eq!(missing(&p), [("木村 一郎".to_string(), 1)]);
    assert_eq!(p.summary.error, 1);
    let r = apply(&mut new, "deals.csv", &deals_csv, &opts(true)).unwrap();
    assert_eq!((r.kind, r.created, r.users_created), (Kind::Deal, 2, 1));
    let users = user_names(&new);
    assert_eq!(users.len(), 3);
    let company_names: std::collections::BTreeMap<String, String> = all(&new, Kind::Company)
        .into_iter()
        .map(|st| match st.record {
            Record::Company(c) => (st.id, c.name),
            _ => unreachable!(),
        })
        .collect();
    let mut deals: Vec<DealRow> = all(&new, Kind::Deal)
        .into_iter()
        .map(|st| match st.record {
            Record::Deal(d) => (
                d.title,
                company_names[&d.company_id].clone(),
                d.stage,
                d.amount,
                d.expected_close,
                d.probability,
                users[d.owner_id.as_ref().unwrap()].clone(),
                d.contact_id.is_some(),
            ),
            _ => unreachable!(),
        })
        .collect();
    deals.sort();
    assert_eq!(
        deals,
        [
            (
                "冷凍倉庫の保守契約".into(),
                "北海水産株式会社".into(),
                "negotiation".into(),
                Some(3_500_000),
                Some("2026-05-15".into()),
                Some(80),
                "木村 一郎".into(),
                false
            ),
            (
                "基幹システム更改".into(),
                "株式会社山田商事".into(),
                "proposal".into(),
                Some(12_000_000),
                Some("2026-06-30".into()),
                Some(60),
                "山田 太郎".into(),
                true
            ),
        ]
    );

    // Purchases: guessed as purchases.
    let p = preview(&new, "purchases.csv", &purchases_csv, &opts(false));
    assert_eq!((p.kind, p.kind_guessed, p.summary.error), (Kind::Purchase, true, 0));
    let r = apply(&mut new, "purchases.csv", &purchases_csv, &opts(false)).unwrap();
    assert_eq!((r.kind, r.created), (Kind::Purchase, 2));
    let mut purchases: Vec<PurchaseRow> = all(&new, Kind::Purchase)
        .into_iter()
        .map(|st| match st.record {
            Record::Purchase(p) => (
                company_names[&p.company_id].clone(),
                p.product_name.unwrap_or_default(),
                p.unit_price,
                p.quantity,
                p.amount,
                p.contract_date,
                p.status,
            ),
            _ => unreachable!(),
        })
        .collect();
    purchases.sort_by(|a, b| a.5.cmp(&b.5));
    assert_eq!(
        purchases,
        [
            (
                "株式会社山田商事".into(),
                "大福クラウド 年間ライセンス".into(),
                Some(120_000),
                Some(10.0),
                Some(1_200_000),
                Some("2025-04-01".into()),
                Some("active".into())
            ),
            (
                "有限会社佐藤工業".into(),
                "保守サポート".into(),
                None,
                None,
                Some(300_000),
                Some("2025-10-01".into()),
                Some("renewed".into())
            ),
        ]
    );
}

#[test]
fn an_excel_or_english_export_reads_back_with_its_owners_too() {
    let mut src = source_database();
    let files = [
        ("companies.xlsx", export_as(&mut src, Kind::Company, ExportFormat::Xlsx, None, HeaderStyle::Ja)),
        ("companies.csv", export_as(&mut src, Kind::Company, ExportFormat::Csv, None, HeaderStyle::En)),
        ("deals.xlsx", export_as(&mut src, Kind::Deal, ExportFormat::Xlsx, None, HeaderStyle::En)),
    ];
    for (name, bytes) in files {
        let mut new = store(true);
        let p = preview(&new, name, &bytes, &opts(false));
        let want = if name.starts_with("deals") { Kind::Deal } else { Kind::Company };
        assert_eq!((p.kind, p.kind_guessed), (want, true), "{name}");
        if want == Kind::Deal {
            // No companies in this database: the deals wait for them, whoever owns them.
            assert_eq!(missing(&p), [("山田 太郎".to_string(), 1), ("木村 一郎".to_string(), 1)], "{name}");
            continue;
        }
        assert_eq!(missing(&p), [("佐藤花子".to_string(), 1), ("山田 太郎".to_string(), 2)], "{name}");
        let r = apply(&mut new, name, &bytes, &opts(true)).unwrap();
        assert_eq!((r.created, r.users_created), (4, 2), "{name}");
        let users = user_names(&new);
        let mut owners: Vec<(String, String)> = all(&new, Kind::Company)
            .into_iter()
            .filter_map(|st| match st.record {
                Record::Company(c) => Some((c.code?, users[&c.owner_id?].clone())),
                _ => None,
            })
            .collect();
        owners.sort();
        assert_eq!(
            owners,
            [("C-001", "山田 太郎"), ("C-002", "佐藤花子"), ("C-003", "山田 太郎")].map(|(a, b)| (a.into(), b.into())),
            "{name}"
        );
    }
}

/// A deals sheet as a sales office writes it in Excel (CP932): its own
/// headers, one owner spelled three ways (full-width space, none, ASCII
/// space), one owner who is a user already.
fn handwritten_deals() -> Vec<u8> {
    let text = "会社名,商談名,フェーズ,確度,受注予定日,見込金額,担当者,備考\r\n\
                山田商事,複合機入替,提案,50,2026/7/1,\"1,800,000\",山田　太郎,\r\n\
                山田商事,保守延長,交渉,70,2026/8/31,250000,山田太郎,更新時期\r\n\
                佐藤工業,新工場ネットワーク,リード,20,2026/12/1,9800000,山田 太郎,\r\n\
                佐藤工業,監視カメラ,受注,100,2026/3/15,640000,佐藤 花子,\r\n";
    let (bytes, _, bad) = encoding_rs::SHIFT_JIS.encode(text);
    assert!(!bad);
    bytes.into_owned()
}

#[test]
fn a_handwritten_deals_sheet_is_guessed_and_names_users_the_way_users_are_matched() {
    for in_memory in [false, true] {
        let mut s = store(in_memory);
        let sato = create(&mut s, Kind::User, json!({"name": "佐藤花子"}));
        create(&mut s, Kind::Company, json!({"name": "株式会社山田商事"}));
        create(&mut s, Kind::Company, json!({"name": "佐藤工業株式会社"}));
        let csv = handwritten_deals();
        let p = preview(&s, "商談一覧.csv", &csv, &opts(false));
        assert_eq!((p.kind, p.kind_guessed), (Kind::Deal, true), "in memory: {in_memory}");
        // 山田 太郎 three ways is one missing user; 佐藤 花子 is 佐藤花子.
        assert_eq!(missing(&p), [("山田　太郎".to_string(), 3)]);
        assert_eq!((p.summary.error, p.summary.create), (3, 1));
        let p = preview(&s, "商談一覧.csv", &csv, &opts(true));
        assert_eq!((p.summary.error, p.summary.create), (0, 4), "{:?}", p.rows);
        let r = apply(&mut s, "商談一覧.csv", &csv, &opts(true)).unwrap();
        assert_eq!((r.created, r.users_created), (4, 1));
        let users = user_names(&s);
        assert_eq!(users.len(), 2);
        let mut deals: Vec<HandwrittenDeal> = all(&s, Kind::Deal)
            .into_iter()
            .map(|st| match st.record {
                Record::Deal(d) => {
                    let owner = d.owner_id.unwrap();
                    (
                        d.title,
                        d.stage,
                        d.amount,
                        d.probability,
                        if owner == sato { "佐藤".into() } else { users[&owner].clone() },
                    )
                }
                _ => unreachable!(),
            })
            .collect();
        deals.sort();
        assert_eq!(
            deals,
            [
                ("保守延長".into(), "negotiation".into(), Some(250_000), Some(70), "山田　太郎".into()),
                ("新工場ネットワーク".into(), "lead".into(), Some(9_800_000), Some(20), "山田　太郎".into()),
                ("監視カメラ".into(), "won".into(), Some(640_000), Some(100), "佐藤".into()),
                ("複合機入替".into(), "proposal".into(), Some(1_800_000), Some(50), "山田　太郎".into()),
            ]
        );
    }
}

#[test]
fn a_handwritten_purchases_sheet_is_guessed_as_purchases() {
    let mut s = store(true);
    create(&mut s, Kind::Company, json!({"name": "株式会社山田商事"}));
    let text = "得意先名,品名,購入日,数量,単価,金額,契約開始日,契約終了日,更新日\r\n\
                山田商事,大福クラウド,2025/4/1,10,\"120,000\",\"1,200,000\",2025/4/1,2026/3/31,2026/4/1\r\n";
    let (bytes, _, _) = encoding_rs::SHIFT_JIS.encode(text);
    let p = preview(&s, "購入履歴.csv", &bytes, &opts(false));
    assert_eq!((p.kind, p.kind_guessed, p.summary.error), (Kind::Purchase, true, 0), "{:?}", p.rows);
    apply(&mut s, "購入履歴.csv", &bytes, &opts(false)).unwrap();
    let Record::Purchase(got) = all(&s, Kind::Purchase).remove(0).record else { unreachable!() };
    assert_eq!(
        (got.product_name.as_deref(), got.quantity, got.unit_price, got.amount),
        (Some("大福クラウド"), Some(10.0), Some(120_000), Some(1_200_000))
    );
    assert_eq!(
        (
            got.contract_date.as_deref(),
            got.start_date.as_deref(),
            got.expiry_date.as_deref(),
            got.renewal_date.as_deref()
        ),
        (Some("2025-04-01"), Some("2025-04-01"), Some("2026-03-31"), Some("2026-04-01"))
    );
}

fn cli(db: &Path, args: &[&str]) -> Output {
    crate::common::cli(db, NOW, args)
}

#[test]
fn cli_imports_an_export_into_a_new_database_with_create_missing_users() {
    let d = dir();
    let old = d.join("old.db");
    {
        let mut s = Store::open(&old).unwrap();
        let yamada = create(&mut s, Kind::User, json!({"name": "山田 太郎"}));
        create(&mut s, Kind::Company, json!({"name": "株式会社山田商事", "code": "C-001", "owner_id": yamada}));
        create(&mut s, Kind::Company, json!({"name": "北海水産株式会社", "code": "C-002", "owner_id": yamada}));
    }
    let file = d.join("companies.csv");
    let out = cli(
        &old,
        &["export", "--format", "csv", "--kind", "company", "--encoding", "sjis", "--out", file.to_str().unwrap()],
    );
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let new = d.join("new.db");
    let f = file.to_str().unwrap();

    // The dry run says what the file is read as, and who is missing.
    let out = cli(&new, &["import", f, "--dry-run"]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("この表は『会社』として読み込みます(推定)"), "{text}");
    assert!(text.contains("存在しない担当者 1 名"), "{text}");
    assert!(text.contains("山田 太郎 (2 行 rows)"), "{text}");

    // Without the flag: refused, the reason names the user, nothing written.
    let out = cli(&new, &["import", f]);
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("unknown_user") || err.contains("ユーザーにいません"), "{err}");
    assert!(err.contains("山田 太郎"), "{err}");

    // With it: the owner is created once and linked.
    let out = cli(&new, &["import", f, "--create-missing-users", "--json"]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let report: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(
        (report["kind"].as_str(), report["created"].as_u64(), report["users_created"].as_u64()),
        (Some("company"), Some(2), Some(1))
    );
    let s = Store::open(&new).unwrap();
    let users = user_names(&s);
    assert_eq!(users.values().collect::<Vec<_>>(), ["山田 太郎"]);
    for st in all(&s, Kind::Company) {
        let Record::Company(c) = st.record else { unreachable!() };
        assert_eq!(users[c.owner_id.as_ref().unwrap()], "山田 太郎", "{}", c.name);
    }
}
