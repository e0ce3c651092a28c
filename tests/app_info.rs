//! `app_info` (the About screen, issue 23): the app's version, the schema
//! version, the database file and its size, live record counts per kind —
//! and no record's content.

use daifuku::api::{self, AppInfo, Command, Response};
use daifuku::{Ctx, Kind, Store};
use serde_json::{json, Map};

const NOW: i64 = 1_775_000_000_000;

fn ctx() -> Ctx {
    Ctx::new(NOW, "test-device")
}

fn info(s: &mut Store) -> AppInfo {
    match api::execute(s, &ctx(), Command::AppInfo).unwrap() {
        Response::AppInfo(i) => i,
        other => panic!("expected app_info, got {other:?}"),
    }
}

fn count(i: &AppInfo, kind: Kind) -> u32 {
    i.counts.iter().find(|c| c.kind == kind).map(|c| c.count).unwrap_or_else(|| panic!("{kind:?} not counted"))
}

#[test]
fn app_info_reports_version_file_size_and_counts_without_content() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("crm.db");
    let mut s = Store::open(&path).unwrap();
    let mut ids = Vec::new();
    for name in ["株式会社あおば商事", "いろは工業㈱"] {
        let mut f = Map::new();
        f.insert("name".into(), json!(name));
        ids.push(s.create_fields(&ctx(), Kind::Company, f).unwrap().id);
    }
    let mut f = Map::new();
    f.insert("family_name".into(), json!("山田"));
    f.insert("given_name".into(), json!("太郎"));
    f.insert("company_id".into(), json!(ids[0]));
    s.create_fields(&ctx(), Kind::Contact, f).unwrap();
    s.delete(&ctx(), Kind::Company, &ids[1]).unwrap();

    let i = info(&mut s);
    assert_eq!(i.version, env!("CARGO_PKG_VERSION"));
    assert_eq!(i.schema_version, s.schema_version().unwrap());
    assert!(i.schema_version > 0);
    assert_eq!(i.database_path.as_deref(), Some(path.to_str().unwrap()));
    let on_disk = std::fs::metadata(&path).unwrap().len();
    let wal = std::fs::metadata(dir.path().join("crm.db-wal")).map(|m| m.len()).unwrap_or(0);
    assert_eq!(i.database_bytes, Some(on_disk + wal));
    assert!(on_disk > 0);
    // The company in the trash is not counted.
    assert_eq!(count(&i, Kind::Company), 1);
    assert_eq!(count(&i, Kind::Contact), 1);
    assert_eq!(count(&i, Kind::Activity), 0);
    assert_eq!(i.counts.len(), Kind::ALL.len());

    let text = serde_json::to_string(&Response::AppInfo(i)).unwrap();
    for secret in ["あおば", "いろは", "山田", "太郎"] {
        assert!(!text.contains(secret), "app_info carries customer data ({secret})");
    }
}

#[test]
fn app_info_in_memory_has_no_file() {
    let mut s = Store::open_in_memory().unwrap();
    let i = info(&mut s);
    assert_eq!(i.database_path, None);
    assert_eq!(i.database_bytes, None);
    assert!(i.counts.iter().all(|c| c.count == 0));
}
