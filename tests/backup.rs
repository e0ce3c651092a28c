//! Backups: consistent while another connection writes, restore round
//! trip keeping the replaced database, refusal of foreign and newer files,
//! restore of an old schema, rolling daily backups, and the CLI.

mod common;

use std::path::Path;

use daifuku::api::{self, Command, Response};
use daifuku::store::ListQuery;
use daifuku::{Ctx, Kind, Store};
use serde_json::{json, Map, Value};

const NOW: i64 = 1_775_000_000_000;

fn ctx() -> Ctx {
    Ctx::new(NOW, "test-device")
}

fn company(s: &mut Store, name: &str) -> String {
    let mut f = Map::new();
    f.insert("name".into(), json!(name));
    s.create_fields(&ctx(), Kind::Company, f).unwrap().id
}

fn names(s: &Store) -> Vec<String> {
    s.list(Kind::Company, &ListQuery::default()).unwrap().items.into_iter().map(|r| r.display_name).collect()
}

fn file_store(dir: &Path) -> Store {
    let mut s = Store::open(&dir.join("crm.db")).unwrap();
    s.seed_ids(3);
    s
}

#[test]
fn a_backup_is_consistent_while_another_connection_writes() {
    let dir = tempfile::tempdir().unwrap();
    let mut s = file_store(dir.path());
    for n in ["あおば商事", "いろは工業", "うさぎ物産"] {
        company(&mut s, n);
    }
    let expected = s.export_json().unwrap();
    // Another writer (the app's other window, a sync round) is mid-transaction.
    let other = rusqlite::Connection::open(dir.path().join("crm.db")).unwrap();
    other.execute_batch("BEGIN IMMEDIATE; UPDATE companies SET name = 'half-written';").unwrap();
    let backup = dir.path().join("backups/manual.db");
    let info = s.backup_to(&backup).unwrap();
    assert!(info.bytes > 0);
    other.execute_batch("ROLLBACK").unwrap();
    assert!(!dir.path().join("backups/manual.db.partial").exists());
    assert!(!dir.path().join("backups/manual.db-wal").exists(), "a self-contained file");
    let copy = Store::open(&backup).unwrap();
    assert_eq!(copy.export_json().unwrap(), expected);
    // A backup never overwrites the database itself.
    let err = s.backup_to(&dir.path().join("crm.db")).unwrap_err();
    assert_eq!(err.code, "invalid_path");
}

#[test]
fn restore_brings_the_backup_back_and_keeps_the_replaced_database() {
    let dir = tempfile::tempdir().unwrap();
    let mut s = file_store(dir.path());
    let aoba = company(&mut s, "あおば商事");
    company(&mut s, "いろは工業");
    let backup = dir.path().join("b.db");
    s.backup_to(&backup).unwrap();
    let at_backup = s.export_json().unwrap();
    s.delete(&ctx(), Kind::Company, &aoba).unwrap();
    company(&mut s, "えがお販売");
    let changed = s.export_json().unwrap();

    let r = match api::execute(
        &mut s,
        &ctx(),
        Command::RestoreBackup { path: backup.display().to_string(), confirm: false, passphrase: None },
    ) {
        Err(e) => e,
        Ok(_) => panic!("a restore needs a confirmation"),
    };
    assert_eq!(r.code, "confirmation_required");
    assert_eq!(s.export_json().unwrap(), changed);

    let Response::Restored(info) = api::execute(
        &mut s,
        &ctx(),
        Command::RestoreBackup { path: backup.display().to_string(), confirm: true, passphrase: None },
    )
    .unwrap() else {
        unreachable!()
    };
    assert_eq!(s.export_json().unwrap(), at_backup);
    assert_eq!(names(&s), vec!["あおば商事", "いろは工業"]);
    assert!(info.previous.path.contains("crm.db.before-restore-"), "{}", info.previous.path);
    let previous = Store::open(Path::new(&info.previous.path)).unwrap();
    assert_eq!(previous.export_json().unwrap(), changed);
    // The store goes on working after the restore, and so does a reopen.
    company(&mut s, "おおぞら運輸");
    drop(s);
    let s = Store::open(&dir.path().join("crm.db")).unwrap();
    assert_eq!(names(&s), vec!["あおば商事", "いろは工業", "おおぞら運輸"]);
}

#[test]
fn restore_refuses_files_that_are_not_daifuku_backups_of_a_known_schema() {
    let dir = tempfile::tempdir().unwrap();
    let mut s = file_store(dir.path());
    company(&mut s, "あおば商事");
    let before = s.export_json().unwrap();
    let keep = dir.path().join("keep.db");

    let junk = dir.path().join("junk.db");
    std::fs::write(&junk, b"this is not a database at all, just some text").unwrap();
    let other = dir.path().join("other.db");
    rusqlite::Connection::open(&other).unwrap().execute_batch("CREATE TABLE t (x); INSERT INTO t VALUES (1);").unwrap();
    let newer = dir.path().join("newer.db");
    s.backup_to(&newer).unwrap();
    rusqlite::Connection::open(&newer).unwrap().pragma_update(None, "user_version", 99).unwrap();

    for (file, code) in [
        (&junk, "not_a_backup"),
        (&other, "not_a_backup"),
        (&newer, "newer_database"),
        (&dir.path().join("missing.db"), "not_found"),
    ] {
        let err = s.restore_from(file, &keep).unwrap_err();
        assert_eq!(err.code, code, "{}", file.display());
        assert_eq!(s.export_json().unwrap(), before);
        assert!(!keep.exists(), "nothing is replaced before the check passes");
    }
}

#[test]
fn an_older_backup_is_migrated_on_restore() {
    let dir = tempfile::tempdir().unwrap();
    let mut s = file_store(dir.path());
    company(&mut s, "あとで消える会社");
    let old = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/v1.db");
    assert_eq!(daifuku::store::check_backup(&old).unwrap(), 1);
    let info = s.restore_from(&old, &dir.path().join("keep.db")).unwrap();
    assert_eq!(info.from_schema, 1);
    assert_eq!(info.schema, s.schema_version().unwrap());
    assert!(info.schema >= 6);
    assert_eq!(names(&s), vec!["有限会社あおば", "㈱東洋精機", "株式会社 山田商事"]);
    // The migrated data is whole: search keys were rebuilt.
    let hits = s.search("山田", 10, &[]).unwrap();
    assert!(hits.iter().any(|h| h.display_name == "株式会社 山田商事"));
}

#[test]
fn daily_backups_roll_and_keep_the_newest() {
    let dir = tempfile::tempdir().unwrap();
    let mut s = file_store(dir.path());
    company(&mut s, "あおば商事");
    let backups = dir.path().join("backups");
    std::fs::create_dir_all(&backups).unwrap();
    std::fs::write(backups.join("readme.txt"), "not a backup").unwrap();
    for day in 1..=6 {
        let today = format!("2026-04-{day:02}");
        let r = s.daily_backup(&backups, &today, 3).unwrap();
        assert!(r.created.is_some());
        let again = s.daily_backup(&backups, &today, 3).unwrap();
        assert!(again.created.is_none(), "one backup a day");
    }
    let mut files: Vec<String> =
        std::fs::read_dir(&backups).unwrap().map(|e| e.unwrap().file_name().to_string_lossy().to_string()).collect();
    files.sort();
    assert_eq!(
        files,
        vec![
            "daifuku-backup-2026-04-04.db",
            "daifuku-backup-2026-04-05.db",
            "daifuku-backup-2026-04-06.db",
            "readme.txt"
        ]
    );
    let newest = Store::open(&backups.join("daifuku-backup-2026-04-06.db")).unwrap();
    assert_eq!(names(&newest), vec!["あおば商事"]);
}

#[test]
fn automatic_backups_follow_the_settings() {
    let dir = tempfile::tempdir().unwrap();
    let mut s = file_store(dir.path());
    company(&mut s, "あおば商事");
    let run = |s: &mut Store, cmd: Command| api::execute(s, &ctx(), cmd).unwrap();
    // On by default, keeping 7, in `backups` beside the database.
    let Response::BackupSettings(b) = run(&mut s, Command::GetBackupSettings) else { panic!() };
    assert!(b.enabled);
    assert_eq!(b.keep, 7);
    assert_eq!(Path::new(&b.dir), dir.path().join("backups"));
    assert_eq!(b.custom_dir, None);
    assert!(b.backups.is_empty());
    // What the hosts run at start-up and hourly: one file a day.
    let r = s.auto_backup("2026-04-01").unwrap().unwrap();
    assert!(r.created.is_some());
    assert!(s.auto_backup("2026-04-01").unwrap().unwrap().created.is_none());
    // An unfinished copy of an earlier day (the app was closed while it
    // copied) is removed by the next day's backup; other files stay.
    let backups = dir.path().join("backups");
    std::fs::write(backups.join("daifuku-backup-2026-03-30.db.partial"), b"half a copy").unwrap();
    std::fs::write(backups.join("daifuku-backup-2026-03-30.db.partial-journal"), b"j").unwrap();
    std::fs::write(backups.join("notes.partial"), b"mine").unwrap();
    s.auto_backup("2026-04-02").unwrap();
    assert!(!backups.join("daifuku-backup-2026-03-30.db.partial").exists());
    assert!(!backups.join("daifuku-backup-2026-03-30.db.partial-journal").exists());
    assert!(backups.join("notes.partial").exists(), "not a backup of ours");
    std::fs::remove_file(backups.join("notes.partial")).unwrap();
    let Response::BackupSettings(b) = run(&mut s, Command::GetBackupSettings) else { panic!() };
    let listed: Vec<String> =
        b.backups.iter().map(|x| Path::new(&x.path).file_name().unwrap().to_string_lossy().to_string()).collect();
    assert_eq!(listed, vec!["daifuku-backup-2026-04-02.db", "daifuku-backup-2026-04-01.db"]);
    assert!(b.backups.iter().all(|x| x.bytes > 0));
    // Keep 1 in another folder; then off.
    let other = dir.path().join("elsewhere");
    let cmd = Command::SetBackupSettings { enabled: true, keep: 1, dir: Some(other.display().to_string()) };
    let Response::BackupSettings(b) = run(&mut s, cmd) else { panic!() };
    assert_eq!((b.keep, Path::new(&b.dir)), (1, other.as_path()));
    s.auto_backup("2026-04-03").unwrap();
    s.auto_backup("2026-04-04").unwrap();
    let files: Vec<String> =
        std::fs::read_dir(&other).unwrap().map(|e| e.unwrap().file_name().to_string_lossy().to_string()).collect();
    assert_eq!(files, vec!["daifuku-backup-2026-04-04.db"]);
    run(&mut s, Command::SetBackupSettings { enabled: false, keep: 1, dir: None });
    assert_eq!(s.auto_backup("2026-04-05").unwrap(), None);
    assert!(!dir.path().join("backups/daifuku-backup-2026-04-05.db").exists());
    let e = api::execute(&mut s, &ctx(), Command::SetBackupSettings { enabled: true, keep: 0, dir: None }).unwrap_err();
    assert_eq!((e.code.as_str(), e.field.as_deref()), ("out_of_range", Some("keep")));
}

#[test]
fn save_file_writes_a_made_file_into_a_new_folder() {
    let dir = tempfile::tempdir().unwrap();
    let mut s = file_store(dir.path());
    let path = dir.path().join("exports/sub/errors.csv");
    let file = daifuku::export::FileData::new("errors.csv", "\u{feff}会社名,理由\r\n".as_bytes());
    let cmd = Command::SaveFile { path: path.display().to_string(), file };
    let Response::Exported(r) = api::execute(&mut s, &ctx(), cmd).unwrap() else { panic!() };
    assert_eq!(r.path.as_deref(), Some(path.to_str().unwrap()));
    assert_eq!(std::fs::read(&path).unwrap(), "\u{feff}会社名,理由\r\n".as_bytes());
}

fn daifuku(db: &Path, args: &[&str]) -> std::process::Output {
    common::cli(db, NOW, args)
}

#[test]
fn cli_backup_rolling_backup_and_restore_with_confirmation() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("crm.db");
    let ok = |args: &[&str]| {
        let out = daifuku(&db, args);
        assert!(out.status.success(), "{args:?}: {}", String::from_utf8_lossy(&out.stderr));
        out
    };
    ok(&["company", "add", "--name", "あおば商事"]);
    let backup = dir.path().join("b.db");
    let out = ok(&["backup", "--out", backup.to_str().unwrap(), "--json"]);
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert!(v["bytes"].as_u64().unwrap() > 0);
    ok(&["company", "add", "--name", "いろは工業"]);

    let out = daifuku(&db, &["restore", backup.to_str().unwrap()]);
    assert!(!out.status.success(), "a restore needs --yes");
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("--yes") && err.contains("confirmation_required"), "{err}");
    let out = ok(&["company", "list", "--json"]);
    assert_eq!(serde_json::from_slice::<Value>(&out.stdout).unwrap()["total"], 2);

    ok(&["restore", backup.to_str().unwrap(), "--yes"]);
    let out = ok(&["company", "list", "--json"]);
    assert_eq!(serde_json::from_slice::<Value>(&out.stdout).unwrap()["total"], 1);
    let kept = std::fs::read_dir(dir.path())
        .unwrap()
        .filter(|e| e.as_ref().unwrap().file_name().to_string_lossy().contains(".before-restore-"))
        .count();
    assert!(kept >= 1, "the replaced database is kept");

    let rolling = dir.path().join("daily");
    let out = ok(&["backup", "--dir", rolling.to_str().unwrap(), "--keep", "2", "--json"]);
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["created"]["path"], json!(rolling.join("daifuku-backup-2026-04-01.db").display().to_string()));
    let out = daifuku(&db, &["restore", dir.path().join("nope.db").to_str().unwrap(), "--yes"]);
    assert!(!out.status.success());
}
