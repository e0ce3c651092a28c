//! Issue 18: the folder-sync passphrase is never plain text in a plain
//! database. Saved through the host (the app's 同期 screen, `daifuku serve`),
//! it goes to the OS keychain (here keyring-core's file-backed stand-in,
//! `DAIFUKU_TEST_KEYCHAIN`) and the database file and its WAL are searched
//! byte for byte for it — after the same search found it in a database where
//! only the core saved it. Sync keeps working from the keychain, also after
//! a restart; a passphrase saved before moves at the next start; turning
//! sync off forgets it in the keychain too.

use std::path::Path;

use daifuku::store::Store;
use daifuku_host::lock::keychain;
use daifuku_host::Host;
use serde_json::json;

const NOW: i64 = 1_790_000_000_000;
const PASS: &str = "営業部の合言葉-sakura-2027";

/// The database file and its WAL (what a copied disk holds), as bytes.
fn db_files(db: &Path) -> Vec<u8> {
    let mut out = Vec::new();
    for suffix in ["", "-wal", "-shm"] {
        if let Ok(b) = std::fs::read(format!("{}{suffix}", db.display())) {
            out.extend(b);
        }
    }
    out
}

fn holds(hay: &[u8], needle: &str) -> bool {
    hay.windows(needle.len()).any(|w| w == needle.as_bytes())
}

fn new_db(dir: &Path, name: &str) -> std::path::PathBuf {
    let db = dir.join(name);
    Store::open(&db).unwrap();
    db
}

#[test]
fn the_sync_passphrase_lives_in_the_keychain_not_in_a_plain_database() {
    let dir = tempfile::tempdir().unwrap();
    std::env::set_var("DAIFUKU_TEST_KEYCHAIN", dir.path().join("keychain.ron"));
    let shared = dir.path().join("shared");
    std::fs::create_dir(&shared).unwrap();
    let configure = json!({"cmd": "sync_configure", "folder": shared.to_str().unwrap(), "passphrase": PASS, "device_name": "営業部のPC"});

    // The search finds the passphrase where the core alone saves it.
    let control = new_db(dir.path(), "control.db");
    {
        let mut store = Store::open(&control).unwrap();
        let ctx = store.context(NOW).unwrap();
        daifuku::api::execute(&mut store, &ctx, serde_json::from_value(configure.clone()).unwrap()).unwrap();
    }
    assert!(holds(&db_files(&control), PASS), "the byte search finds a passphrase saved in the database");

    // Through the host: in the keychain, not in the database or its WAL.
    let db = new_db(dir.path(), "daifuku.db");
    let host = Host::open(&db).unwrap();
    let status = host.dispatch(configure.clone(), NOW, 540).unwrap()["data"].clone();
    assert_eq!(status["setup"]["encrypted"], json!(true), "{status}");
    assert_eq!(keychain::load_sync_passphrase(&db).as_deref(), Some(PASS));
    assert!(!holds(&db_files(&db), PASS), "the passphrase stayed in the plain database");
    // Sync works with it: the folder becomes an encrypted workspace.
    let status = host.dispatch(json!({"cmd": "sync_now"}), NOW, 540).unwrap()["data"].clone();
    assert!(status["last_error"].is_null(), "{status}");
    assert!(status["last_sync_at"].is_number(), "{status}");
    let crypt =
        std::fs::read_dir(&shared).unwrap().flatten().any(|e| e.file_name().to_string_lossy().starts_with("crypt-"));
    assert!(crypt, "the round set up the workspace passphrase");
    drop(host);
    assert!(!holds(&db_files(&db), PASS));

    // After a restart the round still finds it.
    let host = Host::open(&db).unwrap();
    let status = host.dispatch(json!({"cmd": "sync_now"}), NOW + 60_000, 540).unwrap()["data"].clone();
    assert!(status["last_error"].is_null(), "{status}");
    assert!(status["last_report"]["errors"].as_array().is_none_or(|e| e.is_empty()), "{status}");

    // Sync off: forgotten in the keychain too.
    host.dispatch(json!({"cmd": "sync_disable"}), NOW + 120_000, 540).unwrap();
    assert_eq!(keychain::load_sync_passphrase(&db), None);
    drop(host);

    // A passphrase an older version saved in the database moves at the next start.
    assert_eq!(keychain::load_sync_passphrase(&control), None);
    let host = Host::open(&control).unwrap();
    assert_eq!(keychain::load_sync_passphrase(&control).as_deref(), Some(PASS));
    drop(host);
    assert!(!holds(&db_files(&control), PASS), "the passphrase saved before stayed in the database");
}
