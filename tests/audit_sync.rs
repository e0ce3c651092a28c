//! Issue 18 item 3: the audit trail travels through the sync folder, so the
//! office's 監査ログ shows who exported what from which laptop; every
//! device's chain stays verifiable, and an entry altered in the folder is
//! reported and named by `daifuku audit verify` on the device that got it.
//!
//! Two databases and a folder on disk; the syncs, lists and checks go
//! through the real CLI.

mod common;

use std::path::{Path, PathBuf};

use common::{cli, run, T0};
use daifuku::api::{Command, Response};
use daifuku::export::{ExportFormat, ExportOptions, HeaderStyle};
use daifuku::import::TextEncoding;
use daifuku::model::Kind;
use daifuku::store::Store;
use daifuku::sync::crypto::Keyring;
use daifuku::sync::format::{self, Packing};
use serde_json::{json, Value};

const COMPANIES: [&str; 3] = ["株式会社山田商事", "有限会社鈴木製作所", "田中工業株式会社"];

fn cli_json(db: &Path, now: i64, args: &[&str]) -> Value {
    let mut all = args.to_vec();
    all.push("--json");
    let out = cli(db, now, &all);
    assert!(
        out.status.success(),
        "{args:?}: {}{}",
        String::from_utf8_lossy(&out.stderr),
        String::from_utf8_lossy(&out.stdout)
    );
    serde_json::from_slice(&out.stdout).unwrap()
}

fn sync(db: &Path, now: i64, folder: &Path, name: &str) -> Value {
    let r = cli_json(db, now, &["sync", "--folder", folder.to_str().unwrap(), "--device-name", name]);
    assert_eq!(r["ok"], json!(true), "{r}");
    r
}

fn verify(db: &Path) -> (bool, String) {
    let out = cli(db, T0 + 600_000, &["audit", "verify"]);
    (out.status.success(), String::from_utf8_lossy(&out.stdout).to_string() + &String::from_utf8_lossy(&out.stderr))
}

/// Exports the companies as an Excel-style CSV (CP932) to `out`, as the store's current user.
fn export_companies(store: &mut Store, now: i64, out: &Path) {
    let options =
        ExportOptions { format: ExportFormat::Csv, encoding: Some(TextEncoding::ShiftJis), headers: HeaderStyle::Ja };
    let path = Some(out.to_str().unwrap().to_string());
    run(store, now, Command::Export { kind: Kind::Company, query: Default::default(), options, path }).unwrap();
}

/// Laptop A: a salesperson (佐藤 花子) with three customers who exported them once.
fn laptop_a(dir: &Path) -> PathBuf {
    let db = dir.join("a.db");
    let mut store = Store::open(&db).unwrap();
    let Response::Record(user) = run(
        &mut store,
        T0,
        Command::Add { kind: Kind::User, fields: json!({"name": "佐藤 花子"}).as_object().unwrap().clone() },
    )
    .unwrap() else {
        panic!()
    };
    run(&mut store, T0, Command::SetCurrentUser { user_id: Some(user.id) }).unwrap();
    for name in COMPANIES {
        let fields = json!({"name": name, "phone": "03-1234-5678（代）", "prefecture": "東京都"});
        run(&mut store, T0, Command::Add { kind: Kind::Company, fields: fields.as_object().unwrap().clone() }).unwrap();
    }
    export_companies(&mut store, T0 + 1_000, &dir.join("顧客一覧.csv"));
    db
}

/// The audit files of the folder (`d/<device>/l-…`), relative names.
fn audit_files(folder: &Path) -> Vec<String> {
    let mut out = Vec::new();
    let d = folder.join("d");
    for dev in std::fs::read_dir(&d).unwrap().flatten() {
        for f in std::fs::read_dir(dev.path()).unwrap().flatten() {
            let name = f.file_name().to_string_lossy().to_string();
            if name.starts_with("l-") {
                out.push(format!("d/{}/{name}", dev.file_name().to_string_lossy()));
            }
        }
    }
    out.sort();
    out
}

/// The plain document inside a file of the (unencrypted) folder.
fn plain(folder: &Path, name: &str) -> Vec<u8> {
    format::open(name, &std::fs::read(folder.join(name)).unwrap(), &Keyring::default()).unwrap()
}

fn entries_of(list: &Value, device: &str) -> Vec<Value> {
    list.as_array().unwrap().iter().filter(|e| e["device_id"] == json!(device)).cloned().collect()
}

#[test]
fn an_export_on_one_laptop_is_in_the_other_laptops_audit_trail_after_a_round() {
    let dir = tempfile::tempdir().unwrap();
    let folder = dir.path().join("shared");
    let a = laptop_a(dir.path());
    let b = dir.path().join("b.db");
    let ra = sync(&a, T0 + 10_000, &folder, "営業部のPC");
    let a_id = ra["device_id"].as_str().unwrap().to_string();
    let rb = sync(&b, T0 + 20_000, &folder, "社長のノート");
    let b_id = rb["device_id"].as_str().unwrap().to_string();
    assert!(rb["warnings"].as_array().unwrap().is_empty(), "{rb}");

    // On B: who (the user came with the records), which laptop, what, how many.
    let list = cli_json(&b, T0 + 30_000, &["audit", "list"]);
    let from_a = entries_of(&list, &a_id);
    assert_eq!(from_a.len(), 1, "{list}");
    let e = &from_a[0];
    assert_eq!(
        (&e["action"], &e["kind"], &e["format"], &e["count"], &e["user_name"], &e["device_name"], &e["at"]),
        (
            &json!("export"),
            &json!("company"),
            &json!("csv"),
            &json!(3),
            &json!("佐藤 花子"),
            &json!("営業部のPC"),
            &json!(T0 + 1_000)
        )
    );
    // The same entry, hash and all, as on A.
    let on_a = entries_of(&cli_json(&a, T0 + 30_000, &["audit", "list"]), &a_id);
    assert_eq!((&on_a[0]["hash"], &on_a[0]["prev_hash"]), (&e["hash"], &e["prev_hash"]));
    // The filters: device and action.
    let only_a = cli_json(&b, T0 + 30_000, &["audit", "list", "--device", &a_id]);
    assert_eq!(only_a.as_array().unwrap().len(), 1, "{only_a}");
    let only_b = cli_json(&b, T0 + 30_000, &["audit", "list", "--device", &b_id]);
    assert!(entries_of(&only_b, &a_id).is_empty(), "{only_b}");
    let (ok, text) = verify(&b);
    assert!(ok, "{text}");

    // The folder's audit file holds kinds and counts, never the customers'
    // names: the change file next to it does (the search finds them there).
    let files = audit_files(&folder);
    assert_eq!(files, [format!("d/{a_id}/l-000000000001-000000000001.dfk")]);
    let audit_doc = String::from_utf8(plain(&folder, &files[0])).unwrap();
    assert!(audit_doc.contains("\"export\""), "{audit_doc}");
    let change_file = std::fs::read_dir(folder.join("d").join(&a_id))
        .unwrap()
        .flatten()
        .map(|f| format!("d/{a_id}/{}", f.file_name().to_string_lossy()))
        .find(|n| n.contains("/c-"))
        .unwrap();
    let changes = String::from_utf8(plain(&folder, &change_file)).unwrap();
    for name in COMPANIES {
        assert!(changes.contains(name), "the search finds {name} in the change file");
        assert!(!audit_doc.contains(name), "{name} is not in the audit file");
    }

    // A second export on A and a backup on B: each chain continues in a new
    // file, and each laptop ends with both laptops' entries.
    let mut store = Store::open(&a).unwrap();
    export_companies(&mut store, T0 + 40_000, &dir.path().join("顧客一覧2.csv"));
    drop(store);
    let mut store = Store::open(&b).unwrap();
    run(&mut store, T0 + 41_000, Command::Backup { path: dir.path().join("b-backup.db").to_str().unwrap().into() })
        .unwrap();
    drop(store);
    sync(&a, T0 + 50_000, &folder, "営業部のPC");
    sync(&b, T0 + 60_000, &folder, "社長のノート");
    sync(&a, T0 + 70_000, &folder, "営業部のPC");
    assert_eq!(audit_files(&folder).len(), 3, "{:?}", audit_files(&folder));
    for db in [&a, &b] {
        let list = cli_json(db, T0 + 80_000, &["audit", "list"]);
        let a_seqs: Vec<i64> = entries_of(&list, &a_id).iter().map(|e| e["device_seq"].as_i64().unwrap()).collect();
        assert_eq!(a_seqs, [2, 1], "{list}");
        let b_backup: Vec<Value> = entries_of(&list, &b_id).into_iter().filter(|e| e["action"] == "backup").collect();
        assert_eq!(b_backup.len(), 1, "{list}");
        assert_eq!(b_backup[0]["device_name"], json!("社長のノート"));
        let (ok, text) = verify(db);
        assert!(ok, "{text}");
    }
}

#[test]
fn an_entry_altered_in_the_folder_is_reported_and_named_by_verify_on_the_other_laptop() {
    let dir = tempfile::tempdir().unwrap();
    let folder = dir.path().join("shared");
    let a = laptop_a(dir.path());
    let mut store = Store::open(&a).unwrap();
    export_companies(&mut store, T0 + 2_000, &dir.path().join("顧客一覧2.csv"));
    drop(store);
    let a_id = sync(&a, T0 + 10_000, &folder, "営業部のPC")["device_id"].as_str().unwrap().to_string();

    // Someone with access to the shared folder makes the first export look
    // smaller: the count goes from 3 to 1, and the file is sealed again so
    // it reads as a whole file.
    let name = format!("d/{a_id}/l-000000000001-000000000002.dfk");
    let mut doc: Value = serde_json::from_slice(&plain(&folder, &name)).unwrap();
    assert_eq!(doc["entries"][0]["count"], json!(3), "{doc}");
    doc["entries"][0]["count"] = json!(1);
    let sealed = format::seal(&name, &serde_json::to_vec(&doc).unwrap(), None, Packing::Document);
    std::fs::write(folder.join(&name), sealed).unwrap();

    let b = dir.path().join("b.db");
    let rb = sync(&b, T0 + 20_000, &folder, "社長のノート");
    let warnings: Vec<&Value> =
        rb["warnings"].as_array().unwrap().iter().filter(|w| w["code"] == "audit_entry_altered").collect();
    assert_eq!(warnings.len(), 1, "{rb}");
    assert_eq!(warnings[0]["device"], json!(a_id));
    assert!(warnings[0]["message"].as_str().unwrap().contains("Entry 1 "), "{rb}");

    // Kept as it arrived (so the screen shows what the folder claimed) and
    // named by verify: device and entry.
    let list = entries_of(&cli_json(&b, T0 + 30_000, &["audit", "list"]), &a_id);
    assert_eq!(list.iter().map(|e| e["count"].clone()).collect::<Vec<_>>(), [json!(3), json!(1)]);
    let out = cli(&b, T0 + 30_000, &["audit", "verify", "--json"]);
    assert!(!out.status.success());
    let text = String::from_utf8_lossy(&out.stdout).to_string() + &String::from_utf8_lossy(&out.stderr);
    assert!(text.contains("audit_chain_broken"), "{text}");
    assert!(text.contains(&format!("entry 1 of device {a_id}")), "{text}");
    // A's own chain is whole.
    let (ok, text) = verify(&a);
    assert!(ok, "{text}");
    // The next round does not take it again or warn again.
    let again = sync(&b, T0 + 40_000, &folder, "社長のノート");
    assert!(!again.to_string().contains("audit_entry_altered"), "{again}");
}

#[test]
fn a_received_entry_removed_on_the_receiving_laptop_is_found() {
    let dir = tempfile::tempdir().unwrap();
    let folder = dir.path().join("shared");
    let a = laptop_a(dir.path());
    let a_id = sync(&a, T0 + 10_000, &folder, "営業部のPC")["device_id"].as_str().unwrap().to_string();
    let b = dir.path().join("b.db");
    sync(&b, T0 + 20_000, &folder, "社長のノート");
    let (ok, text) = verify(&b);
    assert!(ok, "{text}");
    let conn = rusqlite::Connection::open(&b).unwrap();
    assert_eq!(conn.execute("DELETE FROM audit_log WHERE device_id = ?1", [&a_id]).unwrap(), 1);
    drop(conn);
    let (ok, text) = verify(&b);
    assert!(!ok, "{text}");
    assert!(text.contains(&a_id), "{text}");
}

/// A laptop that joins later, from a snapshot (which leaves the audit trail
/// out) and after the change files were compacted away, still gets every
/// laptop's entries: the audit files are never compacted.
#[test]
fn a_laptop_joining_from_a_snapshot_after_compaction_gets_the_audit_trail() {
    use daifuku::sync::{sync_round, MemoryFolder, SnapshotPolicy, SyncOptions};

    let dir = tempfile::tempdir().unwrap();
    let a = laptop_a(dir.path());
    let mut a = Store::open(&a).unwrap();
    let a_id = a.device_id().unwrap();
    let mut folder = MemoryFolder::new();
    let round = |store: &mut Store, folder: &mut MemoryFolder, now: i64| {
        let mut opts = SyncOptions::new(now);
        opts.snapshot = SnapshotPolicy::Always;
        let r = sync_round(store, folder, &mut Keyring::default(), &opts).unwrap();
        assert!(r.ok, "{r:?}");
        r
    };
    round(&mut a, &mut folder, T0 + 10_000);
    let mut b = Store::open(&dir.path().join("b.db")).unwrap();
    round(&mut b, &mut folder, T0 + 20_000);
    round(&mut a, &mut folder, T0 + 30_000);
    round(&mut b, &mut folder, T0 + 40_000);
    round(&mut a, &mut folder, T0 + 50_000);
    // Compacted: A's change files are gone; its audit file is not.
    let a_files: Vec<&String> = folder.files.keys().filter(|n| n.starts_with(&format!("d/{a_id}/"))).collect();
    assert!(!a_files.iter().any(|n| n.contains("/c-")), "{a_files:?}");
    assert!(a_files.iter().any(|n| n.contains("/l-")), "{a_files:?}");

    let mut c = Store::open(&dir.path().join("c.db")).unwrap();
    let r = round(&mut c, &mut folder, T0 + 60_000);
    assert!(r.snapshot_loaded.is_some(), "{r:?}");
    let entries = c.audit_list(&Default::default()).unwrap();
    let export: Vec<_> = entries.iter().filter(|e| e.device_id == a_id && e.entry.action == "export").collect();
    assert_eq!(export.len(), 1, "{entries:?}");
    assert_eq!((export[0].entry.count, export[0].user_name.as_deref()), (Some(3), Some("佐藤 花子")));
    let v = c.audit_verify().unwrap();
    assert!(v.ok, "{v:?}");
}

/// `daifuku audit list --from/--to` (the period, in local days) and
/// `--device`, as the screen filters.
#[test]
fn the_cli_lists_a_period_and_a_computer() {
    let dir = tempfile::tempdir().unwrap();
    let a = laptop_a(dir.path());
    let a_id = Store::open(&a).unwrap().device_id().unwrap();
    // T0 is 2026-09-21 (the export a second later): the days around it.
    let day = |ms: i64| chrono::DateTime::from_timestamp_millis(ms).unwrap().format("%Y-%m-%d").to_string();
    let (before, on, after) = (day(T0 - 2 * 86_400_000), day(T0 + 1_000), day(T0 + 2 * 86_400_000));
    let count = |args: &[&str]| cli_json(&a, T0 + 60_000, args).as_array().unwrap().len();
    assert_eq!(count(&["audit", "list", "--from", &before, "--to", &after]), 1);
    assert_eq!(count(&["audit", "list", "--from", &after]), 0);
    assert_eq!(count(&["audit", "list", "--to", &before]), 0);
    assert_eq!(count(&["audit", "list", "--from", &on, "--to", &on, "--device", &a_id]), 1);
    assert_eq!(count(&["audit", "list", "--device", "someone_else"]), 0);
    let out = cli(&a, T0, &["audit", "list", "--from", "21/09/2026"]);
    assert!(!out.status.success() && String::from_utf8_lossy(&out.stderr).contains("invalid_date"));
}
