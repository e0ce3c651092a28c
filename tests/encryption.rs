//! Issue 18 item 1: encryption at rest. The database, its WAL and its
//! backups are searched byte for byte for a company name and a phone number
//! (found in the plain files first); every CLI command works with the
//! passphrase; a wrong or missing one leaves the file byte-identical; rekey,
//! decrypt, restore of an encrypted backup; a kill at every step of a
//! rewrite leaves the old or the new file; sync snapshots between encrypted
//! devices.

mod common;
use common::bytes::{contains, db_bytes};

use std::path::{Path, PathBuf};
use std::process::Output;

use daifuku::store::crypto;
use daifuku::store::Store;
use daifuku::sync::crypto::{KdfParams, Keyring};
use daifuku::sync::{sync_round, MemoryFolder, SnapshotPolicy, SyncOptions};
use daifuku::Kind;
use serde_json::{json, Map, Value};

const NOW: i64 = 1_790_000_000_000;
const COMPANY: &str = "株式会社あおば精機";
/// Typed as Japanese offices write it; stored as `03-5211-4470 (代表)`.
const PHONE_IN: &str = "０３－５２１１－４４７０（代）";
const PHONE: &str = "03-5211-4470";
const LATER: &str = "いろは物産株式会社";
const PASS: &str = "桜の咲く頃に会いましょう";
const NEW_PASS: &str = "new passphrase 2027 春";

fn obj(v: Value) -> Map<String, Value> {
    v.as_object().unwrap().clone()
}

/// Runs the CLI on `db` with `DAIFUKU_PASSPHRASE` (and more variables) set as given.
fn cli(db: &Path, pass: Option<&str>, extra: &[(&str, &str)], args: &[&str]) -> Output {
    let mut c = std::process::Command::new(env!("CARGO_BIN_EXE_daifuku"));
    c.arg("--db").arg(db).args(args).env_remove("DAIFUKU_DB").env("DAIFUKU_NOW", NOW.to_string());
    c.env_remove("DAIFUKU_PASSPHRASE").env_remove("DAIFUKU_NEW_PASSPHRASE").env_remove("DAIFUKU_TEST_ABORT_AT");
    if let Some(p) = pass {
        c.env("DAIFUKU_PASSPHRASE", p);
    }
    for (k, v) in extra {
        c.env(k, v);
    }
    c.output().unwrap()
}

fn ok(out: &Output) -> Value {
    assert!(out.status.success(), "{}\n{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
    serde_json::from_slice(&out.stdout).unwrap_or(Value::Null)
}

fn error_code(out: &Output) -> String {
    assert!(!out.status.success(), "should fail: {}", String::from_utf8_lossy(&out.stdout));
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    v["code"].as_str().unwrap().to_string()
}

/// A plain database with a company (and its phone) and a contact, written
/// through the store as the app does.
fn plain_db(dir: &Path) -> PathBuf {
    let db = dir.join("crm.db");
    let mut s = Store::open(&db).unwrap();
    s.seed_ids(7);
    let ctx = s.context(NOW).unwrap();
    let c = s
        .create_fields(
            &ctx,
            Kind::Company,
            obj(json!({"name": COMPANY, "name_reading": "アオバセイキ", "phone": PHONE_IN})),
        )
        .unwrap();
    s.create_fields(
        &ctx,
        Kind::Contact,
        obj(json!({"company_id": c.id, "family_name": "青葉", "given_name": "一郎", "mobile": "090-1234-5678"})),
    )
    .unwrap();
    db
}

fn names(v: &Value) -> Vec<String> {
    let mut n: Vec<String> =
        v["items"].as_array().unwrap().iter().map(|r| r["display_name"].as_str().unwrap().to_string()).collect();
    n.sort();
    n
}

fn sorted(names: &[&str]) -> Vec<String> {
    let mut n: Vec<String> = names.iter().map(|s| s.to_string()).collect();
    n.sort();
    n
}

#[test]
fn encrypted_files_hold_no_name_or_phone_and_every_command_works_with_the_passphrase() {
    let dir = tempfile::tempdir().unwrap();
    let db = plain_db(dir.path());
    // The search finds the values in the plain files first.
    let plain = db_bytes(&db);
    assert!(contains(&plain, COMPANY.as_bytes()) && contains(&plain, PHONE.as_bytes()), "the plain file holds them");
    let plain_backup = dir.path().join("plain-backup.db");
    ok(&cli(&db, None, &[], &["backup", "--out", plain_backup.to_str().unwrap(), "--json"]));
    assert!(contains(&std::fs::read(&plain_backup).unwrap(), COMPANY.as_bytes()));

    // A second name of the plain file's inode: what a disk reader finds of it after the swap.
    let inode_view = dir.path().join("inode-view");
    std::fs::hard_link(&db, &inode_view).unwrap();
    let out = ok(&cli(&db, Some(PASS), &[], &["encrypt", "--json"]));
    assert_eq!(out["action"], "encrypt");
    // The old file's bytes were overwritten before it was removed.
    let old = std::fs::read(&inode_view).unwrap();
    assert!(old.len() > 4096 && old.iter().all(|b| *b == 0), "the plain file was overwritten");
    std::fs::remove_file(&inode_view).unwrap();
    assert!(out["rows"].as_i64().unwrap() > 2, "{out}");
    let bytes = db_bytes(&db);
    assert!(
        !contains(&bytes, COMPANY.as_bytes())
            && !contains(&bytes, PHONE.as_bytes())
            && !contains(&bytes, "SQLite format 3".as_bytes())
    );
    // No plain copy left beside it.
    let leftovers: Vec<String> = std::fs::read_dir(dir.path())
        .unwrap()
        .flatten()
        .map(|e| e.file_name().to_string_lossy().to_string())
        .filter(|n| n.starts_with("crm.db."))
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");

    // Every command works with the passphrase: add, list, search, export, audit.
    ok(&cli(&db, Some(PASS), &[], &["company", "add", "--name", LATER, "--json"]));
    let list = ok(&cli(&db, Some(PASS), &[], &["company", "list", "--json"]));
    assert_eq!(names(&list), sorted(&[COMPANY, LATER]));
    let hits = ok(&cli(&db, Some(PASS), &[], &["search", "あおば", "--json"]));
    assert!(hits.to_string().contains(COMPANY), "{hits}");
    let json_out = dir.path().join("all.json");
    ok(&cli(&db, Some(PASS), &[], &["export", "--out", json_out.to_str().unwrap()]));
    assert!(std::fs::read_to_string(&json_out).unwrap().contains(PHONE));
    let audit = ok(&cli(&db, Some(PASS), &[], &["audit", "list", "--json"]));
    assert!(audit.to_string().contains("\"encrypt\""), "{audit}");
    ok(&cli(&db, Some(PASS), &[], &["audit", "verify", "--json"]));

    // The WAL of the encrypted database while a connection writes: no values.
    crypto::unlock(&db, PASS).unwrap();
    {
        let mut s = Store::open(&db).unwrap();
        let ctx = s.context(NOW + 1).unwrap();
        s.create_fields(&ctx, Kind::Company, obj(json!({"name": "うさぎ運輸株式会社", "phone": "06-6344-0001"})))
            .unwrap();
        let wal = std::fs::read(crypto::sibling(&db, "-wal")).unwrap();
        assert!(wal.len() > 4096, "the write is in the WAL");
        assert!(!contains(&wal, "うさぎ運輸".as_bytes()) && !contains(&wal, "06-6344-0001".as_bytes()));
    }
    crypto::forget(&db);

    // Backups, manual and daily: encrypted with the same key, no values.
    let manual = dir.path().join("manual.db");
    ok(&cli(&db, Some(PASS), &[], &["backup", "--out", manual.to_str().unwrap(), "--json"]));
    let daily = dir.path().join("daily");
    ok(&cli(&db, Some(PASS), &[], &["backup", "--dir", daily.to_str().unwrap(), "--json"]));
    let daily_file = std::fs::read_dir(&daily).unwrap().flatten().next().unwrap().path();
    for b in [&manual, &daily_file] {
        let bytes = std::fs::read(b).unwrap();
        assert!(bytes.len() > 4096);
        assert!(
            !contains(&bytes, COMPANY.as_bytes())
                && !contains(&bytes, PHONE.as_bytes())
                && !contains(&bytes, "SQLite format 3".as_bytes()),
            "{b:?}"
        );
        assert!(crypto::is_encrypted(b).unwrap());
    }
    // A restore of the encrypted backup needs its passphrase, and works with it.
    ok(&cli(&db, Some(PASS), &[], &["company", "add", "--name", "えびす商店", "--json"]));
    let code = error_code(&cli(&db, None, &[], &["restore", manual.to_str().unwrap(), "--yes", "--json"]));
    assert_eq!(code, "wrong_passphrase");
    ok(&cli(&db, Some(PASS), &[], &["restore", manual.to_str().unwrap(), "--yes", "--json"]));
    let list = ok(&cli(&db, Some(PASS), &[], &["company", "list", "--json"]));
    assert_eq!(names(&list), sorted(&["うさぎ運輸株式会社", COMPANY, LATER]));
    assert!(!contains(&db_bytes(&db), COMPANY.as_bytes()), "still encrypted after the restore");
    // A plain backup restores into the encrypted database (SQLCipher's backup API cannot copy it directly).
    ok(&cli(&db, Some(PASS), &[], &["restore", plain_backup.to_str().unwrap(), "--yes", "--json"]));
    let list = ok(&cli(&db, Some(PASS), &[], &["company", "list", "--json"]));
    assert_eq!(names(&list), vec![COMPANY.to_string()]);
    assert!(!contains(&db_bytes(&db), COMPANY.as_bytes()), "still encrypted after restoring a plain backup");
}

#[test]
fn a_wrong_or_missing_passphrase_fails_and_leaves_every_file_byte_identical() {
    let dir = tempfile::tempdir().unwrap();
    let db = plain_db(dir.path());
    ok(&cli(&db, Some(PASS), &[], &["encrypt", "--json"]));
    let snapshot = || {
        let mut files: Vec<(String, Vec<u8>)> = std::fs::read_dir(dir.path())
            .unwrap()
            .flatten()
            .map(|e| (e.file_name().to_string_lossy().to_string(), std::fs::read(e.path()).unwrap()))
            .collect();
        files.sort();
        files
    };
    let before = snapshot();
    let wrong = "桜の咲く頃に会いましょ";
    let new = [("DAIFUKU_NEW_PASSPHRASE", NEW_PASS)];
    for (pass, args) in [
        (None, &["company", "list", "--json"][..]),
        (Some(wrong), &["company", "list", "--json"][..]),
        (Some(wrong), &["company", "add", "--name", LATER, "--json"][..]),
        (Some(wrong), &["backup", "--dir", "x", "--json"][..]),
        (Some(wrong), &["decrypt", "--json"][..]),
        (None, &["decrypt", "--json"][..]),
        (Some(wrong), &["rekey", "--json"][..]),
        (Some(""), &["init", "--json"][..]),
    ] {
        let out = cli(&db, pass, &new, args);
        assert_eq!(error_code(&out), "wrong_passphrase", "{args:?}");
        assert_eq!(snapshot(), before, "{args:?} changed the files");
    }
    // Without --json: a non-zero exit and the code in the message.
    let out = cli(&db, Some(wrong), &[], &["company", "list"]);
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("wrong_passphrase"));
    // Another variable, named by --passphrase-env.
    let list =
        ok(&cli(&db, None, &[("MY_CRM_KEY", PASS)], &["--passphrase-env", "MY_CRM_KEY", "company", "list", "--json"]));
    assert_eq!(names(&list), vec![COMPANY.to_string()]);
    // Encrypting twice, or with a short passphrase, is refused.
    assert_eq!(error_code(&cli(&db, Some(PASS), &[], &["encrypt", "--json"])), "already_encrypted");
    let dir2 = tempfile::tempdir().unwrap();
    let db2 = plain_db(dir2.path());
    assert_eq!(error_code(&cli(&db2, Some("短い"), &[], &["encrypt", "--json"])), "passphrase_too_short");
    assert_eq!(error_code(&cli(&db2, None, &[], &["encrypt", "--json"])), "passphrase_required");
    assert!(!crypto::is_encrypted(&db2).unwrap());
}

#[test]
fn rekey_changes_the_passphrase_and_decrypt_gives_the_plain_file_back() {
    let dir = tempfile::tempdir().unwrap();
    let db = plain_db(dir.path());
    let rows_plain = ok(&cli(&db, None, &[], &["company", "list", "--json"]));
    ok(&cli(&db, Some(PASS), &[], &["encrypt", "--json"]));
    let salt_before = crypto::file_state(&db).unwrap();
    let b = dir.path().join("backup-old-key.db");
    ok(&cli(&db, Some(PASS), &[], &["backup", "--out", b.to_str().unwrap(), "--json"]));
    ok(&cli(&db, Some(PASS), &[("DAIFUKU_NEW_PASSPHRASE", NEW_PASS)], &["rekey", "--json"]));
    assert_ne!(crypto::file_state(&db).unwrap(), salt_before, "a new salt");
    assert_eq!(error_code(&cli(&db, Some(PASS), &[], &["company", "list", "--json"])), "wrong_passphrase");
    let list = ok(&cli(&db, Some(NEW_PASS), &[], &["company", "list", "--json"]));
    assert_eq!(names(&list), names(&rows_plain));
    assert!(!contains(&db_bytes(&db), COMPANY.as_bytes()));
    // A backup made before the rekey keeps the old passphrase: the restore asks for it.
    let old_backup = dir.path().join("before-rekey.db");
    std::fs::copy(dir.path().join("backup-old-key.db"), &old_backup).unwrap();
    let out = cli(&db, Some(NEW_PASS), &[], &["restore", old_backup.to_str().unwrap(), "--yes", "--json"]);
    assert_eq!(error_code(&out), "wrong_passphrase");
    // In the app (設定 → バックアップ): the restore answers wrong_passphrase, the
    // dialog asks for the backup's passphrase, and a wrong one changes nothing.
    {
        let before = std::fs::read(&db).unwrap();
        crypto::unlock(&db, NEW_PASS).unwrap();
        let host = daifuku_host::Host::open(&db).unwrap();
        let restore = |pass: Option<&str>| {
            let mut cmd = json!({"cmd": "restore_backup", "path": old_backup.to_str().unwrap(), "confirm": true});
            if let Some(p) = pass {
                cmd["passphrase"] = json!(p);
            }
            host.dispatch(cmd, NOW, 540)
        };
        assert_eq!(restore(None).unwrap_err().code, "wrong_passphrase");
        assert_eq!(restore(Some("not the passphrase")).unwrap_err().code, "wrong_passphrase");
        assert_eq!(std::fs::read(&db).unwrap(), before, "a refused restore leaves the database as it was");
        assert_eq!(restore(Some(PASS)).unwrap()["type"], json!("restored"));
    }
    let extra = [("DAIFUKU_BACKUP_PASSPHRASE", PASS)];
    ok(&cli(&db, Some(NEW_PASS), &extra, &["restore", old_backup.to_str().unwrap(), "--yes", "--json"]));
    let list = ok(&cli(&db, Some(NEW_PASS), &[], &["company", "list", "--json"]));
    assert_eq!(names(&list), names(&rows_plain));

    ok(&cli(&db, Some(NEW_PASS), &[], &["decrypt", "--json"]));
    assert_eq!(crypto::file_state(&db).unwrap(), crypto::FileState::Plain);
    let bytes = db_bytes(&db);
    assert!(contains(&bytes, COMPANY.as_bytes()) && contains(&bytes, PHONE.as_bytes()), "plain again");
    let list = ok(&cli(&db, None, &[], &["company", "list", "--json"]));
    assert_eq!(list["items"], rows_plain["items"]);
    let audit = ok(&cli(&db, None, &[], &["audit", "list", "--json"]));
    for action in ["\"encrypt\"", "\"rekey\"", "\"decrypt\""] {
        assert!(audit.to_string().contains(action), "{action} audited: {audit}");
    }
    ok(&cli(&db, None, &[], &["audit", "verify", "--json"]));
}

#[test]
fn a_kill_at_any_step_of_encrypt_or_rekey_leaves_the_old_or_the_new_file() {
    for step in crypto::Step::ALL {
        for rekey in [false, true] {
            let dir = tempfile::tempdir().unwrap();
            let db = plain_db(dir.path());
            let (old_pass, new_pass) = if rekey {
                ok(&cli(&db, Some(PASS), &[], &["encrypt", "--json"]));
                (Some(PASS), NEW_PASS)
            } else {
                (None, PASS)
            };
            let abort = [("DAIFUKU_TEST_ABORT_AT", step.name()), ("DAIFUKU_NEW_PASSPHRASE", NEW_PASS)];
            let out = if rekey {
                cli(&db, old_pass, &abort, &["rekey", "--json"])
            } else {
                cli(&db, Some(new_pass), &abort, &["encrypt", "--json"])
            };
            assert!(!out.status.success(), "{step:?}: the process was killed");
            // The database is there, with the old passphrase or the new one.
            let swapped = matches!(step, crypto::Step::Swapped | crypto::Step::Wiped);
            let opens_with = if swapped { Some(new_pass) } else { old_pass };
            let list = ok(&cli(&db, opens_with, &[], &["company", "list", "--json"]));
            assert_eq!(names(&list), vec![COMPANY.to_string()], "{step:?} rekey={rekey}");
            match (opens_with, if swapped { old_pass } else { Some(new_pass) }) {
                // Still the plain file: not encrypted at all.
                (None, _) => assert!(!crypto::is_encrypted(&db).unwrap(), "{step:?}"),
                (Some(_), other) => {
                    let out = cli(&db, other, &[], &["company", "list", "--json"]);
                    assert_eq!(error_code(&out), "wrong_passphrase", "{step:?} rekey={rekey}");
                }
            }
            // The next run cleans up: no copy of the old file is left.
            let left: Vec<String> = std::fs::read_dir(dir.path())
                .unwrap()
                .flatten()
                .map(|e| e.file_name().to_string_lossy().to_string())
                .filter(|n| n.ends_with(".old") || n.ends_with(".rewrite"))
                .collect();
            assert!(left.is_empty(), "{step:?} rekey={rekey}: {left:?}");
            if !rekey && swapped {
                // The plain file's bytes went with it: only the encrypted file has the name's pages.
                assert!(!contains(&db_bytes(&db), COMPANY.as_bytes()));
            }
        }
    }
}

fn sync_opts(now: i64) -> SyncOptions {
    let mut o = SyncOptions::new(now);
    o.snapshot = SnapshotPolicy::Always;
    o.kdf = KdfParams::TEST;
    o
}

#[test]
fn encrypted_devices_write_and_install_sync_snapshots() {
    let dir = tempfile::tempdir().unwrap();
    let a_db = plain_db(dir.path());
    ok(&cli(&a_db, Some(PASS), &[], &["encrypt", "--json"]));
    crypto::unlock(&a_db, PASS).unwrap();
    let mut a = Store::open(&a_db).unwrap();
    let mut folder = MemoryFolder::new();
    let r = sync_round(&mut a, &mut folder, &mut Keyring::default(), &sync_opts(NOW + 1)).unwrap();
    assert!(r.ok && r.snapshot_written.is_some(), "{r:?}");

    // A new encrypted device joins from the image.
    let b_dir = tempfile::tempdir().unwrap();
    let b_db = b_dir.path().join("b.db");
    drop(Store::open(&b_db).unwrap());
    ok(&cli(&b_db, Some(NEW_PASS), &[], &["encrypt", "--json"]));
    crypto::unlock(&b_db, NEW_PASS).unwrap();
    let mut b = Store::open(&b_db).unwrap();
    let mut o = sync_opts(NOW + 2);
    o.snapshot = SnapshotPolicy::Never;
    let r = sync_round(&mut b, &mut folder, &mut Keyring::default(), &o).unwrap();
    assert!(r.ok && r.snapshot_loaded.is_some(), "{r:?}");
    assert_eq!(b.export_json().unwrap()["records"], a.export_json().unwrap()["records"]);
    drop(b);
    assert!(!contains(&db_bytes(&b_db), COMPANY.as_bytes()), "the installed image is encrypted on disk");
    let left: Vec<_> = std::fs::read_dir(b_dir.path()).unwrap().flatten().map(|e| e.file_name()).collect();
    assert_eq!(left.len(), 1, "no scratch copy left: {left:?}");
    crypto::forget(&a_db);
    crypto::forget(&b_db);
}

#[test]
fn the_host_starts_locked_answers_locked_and_unlocks_with_the_passphrase_or_the_keychain() {
    use daifuku_host::Host;
    // keyring-core's sample store stands in for the OS keychain (a file, test only).
    let dir = tempfile::tempdir().unwrap();
    std::env::set_var("DAIFUKU_TEST_KEYCHAIN", dir.path().join("keychain.ron"));
    let db = plain_db(dir.path());
    // A plain database: the host is open.
    let host = Host::open(&db).unwrap();
    assert!(!host.is_locked());
    let status = host.dispatch(json!({"cmd": "lock_status"}), NOW, 540).unwrap();
    assert_eq!(status["data"]["encrypted"], false);
    // 設定 encrypts it (too short a passphrase is refused first).
    let err = host
        .dispatch(json!({"cmd": "encryption", "action": "encrypt", "new_passphrase": "短い"}), NOW, 540)
        .unwrap_err();
    assert_eq!(err.code, "passphrase_too_short");
    let status =
        host.dispatch(json!({"cmd": "encryption", "action": "encrypt", "new_passphrase": PASS}), NOW, 540).unwrap();
    assert_eq!((status["data"]["encrypted"].as_bool(), status["data"]["locked"].as_bool()), (Some(true), Some(false)));
    assert!(!contains(&db_bytes(&db), COMPANY.as_bytes()));
    let list = host.dispatch(json!({"cmd": "list", "kind": "company", "query": {}}), NOW, 540).unwrap();
    assert_eq!(names(&list["data"]), vec![COMPANY.to_string()]);
    // The idle lock: nothing but the lock commands answers.
    host.dispatch(json!({"cmd": "lock"}), NOW, 540).unwrap();
    assert!(host.is_locked());
    for cmd in [
        json!({"cmd": "list", "kind": "company", "query": {}}),
        json!({"cmd": "sync_now"}),
        json!({"cmd": "search", "q": "あおば"}),
    ] {
        assert_eq!(host.dispatch(cmd, NOW, 540).unwrap_err().code, "locked");
    }
    drop(host);
    // A new start: locked (the key is not remembered); a wrong passphrase is refused, the file untouched.
    let host = Host::open(&db).unwrap();
    assert!(host.is_locked());
    let before = std::fs::read(&db).unwrap();
    let err = host.dispatch(json!({"cmd": "unlock", "passphrase": "違う"}), NOW, 540).unwrap_err();
    assert_eq!(err.code, "wrong_passphrase");
    assert_eq!(std::fs::read(&db).unwrap(), before);
    let status = host.dispatch(json!({"cmd": "unlock", "passphrase": PASS, "remember": true}), NOW, 540).unwrap();
    assert_eq!(status["data"]["remembered"], true);
    let list = host.dispatch(json!({"cmd": "list", "kind": "company", "query": {}}), NOW, 540).unwrap();
    assert_eq!(names(&list["data"]), vec![COMPANY.to_string()]);
    // Locking forgets the key in the process; the keychain still has it: the next start opens.
    host.dispatch(json!({"cmd": "lock"}), NOW, 540).unwrap();
    drop(host);
    assert!(crypto::key_for(&db).is_none());
    let host = Host::open(&db).unwrap();
    assert!(!host.is_locked(), "opened from the keychain");
    // Turning encryption off asks for the current passphrase.
    let err =
        host.dispatch(json!({"cmd": "encryption", "action": "decrypt", "passphrase": "違う"}), NOW, 540).unwrap_err();
    assert_eq!(err.code, "wrong_passphrase");
    let status =
        host.dispatch(json!({"cmd": "encryption", "action": "decrypt", "passphrase": PASS}), NOW, 540).unwrap();
    assert_eq!(
        (status["data"]["encrypted"].as_bool(), status["data"]["remembered"].as_bool()),
        (Some(false), Some(false))
    );
    assert!(contains(&db_bytes(&db), COMPANY.as_bytes()), "plain again");
    let audit = host.dispatch(json!({"cmd": "audit_list", "query": {}}), NOW, 540).unwrap().to_string();
    assert!(audit.contains("\"encrypt\"") && audit.contains("\"decrypt\""), "{audit}");
}
