//! Issue 18, on a computer without a usable OS keychain
//! (`DAIFUKU_TEST_KEYCHAIN=unavailable`; the keychain is chosen once per
//! process, hence a test binary of its own): the folder-sync passphrase then
//! stays in the database file, and the sync screen says so
//! (`SyncStatus.passphrase_in_file`) until the database is encrypted — which
//! encrypts the passphrase with it. Checked on the file's bytes.

mod common;

use common::bytes::{contains, db_bytes};
use daifuku::store::Store;
use daifuku_host::Host;
use serde_json::json;

const NOW: i64 = 1_790_000_000_000;
const PASS: &str = "営業部の合言葉-sakura-2027";
const DB_PASS: &str = "データベースの長いパスフレーズ-2027";

#[test]
fn without_a_keychain_the_sync_screen_says_the_passphrase_is_in_the_file_until_it_is_encrypted() {
    std::env::set_var("DAIFUKU_TEST_KEYCHAIN", "unavailable");
    let dir = tempfile::tempdir().unwrap();
    let shared = dir.path().join("shared");
    std::fs::create_dir(&shared).unwrap();
    let db = dir.path().join("daifuku.db");
    Store::open(&db).unwrap();
    let host = Host::open(&db).unwrap();

    // Sync set up without a passphrase: nothing to warn about.
    let status = host
        .dispatch(
            json!({"cmd": "sync_configure", "folder": shared.to_str().unwrap(), "device_name": "営業部のPC"}),
            NOW,
            540,
        )
        .unwrap()["data"]
        .clone();
    assert_eq!(status["passphrase_in_file"], json!(false), "{status}");

    // With one: it stays in the plain file (the search finds it there), and the status says so.
    let configure = json!({"cmd": "sync_configure", "folder": shared.to_str().unwrap(), "passphrase": PASS, "device_name": "営業部のPC"});
    let status = host.dispatch(configure, NOW, 540).unwrap()["data"].clone();
    assert_eq!(status["passphrase_in_file"], json!(true), "{status}");
    let status = host.dispatch(json!({"cmd": "sync_status"}), NOW, 540).unwrap()["data"].clone();
    assert_eq!(status["passphrase_in_file"], json!(true), "{status}");
    host.dispatch(json!({"cmd": "sync_now"}), NOW, 540).unwrap();
    assert!(contains(&db_bytes(&db), PASS.as_bytes()), "the passphrase is in the plain file");

    // 設定 encrypts the database: the passphrase is no longer readable in the
    // file, the warning goes, and sync still works.
    host.dispatch(json!({"cmd": "encryption", "action": "encrypt", "new_passphrase": DB_PASS}), NOW, 540).unwrap();
    assert!(!contains(&db_bytes(&db), PASS.as_bytes()), "the passphrase is readable in the encrypted file");
    let status = host.dispatch(json!({"cmd": "sync_now"}), NOW + 60_000, 540).unwrap()["data"].clone();
    assert_eq!(status["passphrase_in_file"], json!(false), "{status}");
    assert!(status["last_error"].is_null(), "{status}");
    assert!(status["last_sync_at"].is_number(), "{status}");
}
