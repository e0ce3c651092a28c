//! Snapshots as database images: a new device installs one, a device with
//! records of its own merges one, parts are encrypted with the workspace
//! passphrase, damaged parts are retried, and a folder of the older format
//! is taken over.

use daifuku::store::Store;
use daifuku::sync::crypto::{KdfParams, Keyring};
use daifuku::sync::format::{self, Body, FileName, SnapshotManifest, FORMAT_VERSION};
use daifuku::sync::{sync_round, MemoryFolder, SnapshotPolicy, SyncFolder, SyncOptions, SyncReport};
use daifuku::Kind;
use serde_json::{json, Map, Value};

const T0: i64 = 1_790_000_000_000;

fn obj(v: Value) -> Map<String, Value> {
    v.as_object().unwrap().clone()
}

/// A device with companies (one trashed), a contact and a conflict.
fn writer() -> Store {
    let mut a = Store::open_in_memory().unwrap();
    a.seed_ids(1);
    let ctx = a.context(T0).unwrap();
    let yamada = a
        .create_fields(
            &ctx,
            Kind::Company,
            obj(json!({"name": "山田商事株式会社", "name_reading": "ヤマダショウジ", "phone": "03-1234-5678", "prefecture": "東京都"})),
        )
        .unwrap();
    a.create_fields(&ctx, Kind::Company, obj(json!({"name": "㈱アシスト", "prefecture": "大阪府"}))).unwrap();
    a.create_fields(&ctx, Kind::Company, obj(json!({"name": "株式会社アシスト", "prefecture": "大阪府"}))).unwrap();
    let gone = a.create_fields(&ctx, Kind::Company, obj(json!({"name": "閉鎖商会"}))).unwrap();
    a.delete(&ctx, Kind::Company, &gone.id).unwrap();
    a.create_fields(
        &ctx,
        Kind::Contact,
        obj(json!({"company_id": yamada.id, "family_name": "山田", "given_name": "太郎", "family_reading": "ヤマダ", "email": "Taro@Yamada.example"})),
    )
    .unwrap();
    // Enough notes for an image of several parts.
    for i in 0..300 {
        a.create_fields(
            &ctx,
            Kind::Activity,
            obj(json!({
                "kind": "meeting",
                "occurred_at": "2026-09-01T10:00",
                "company_id": yamada.id,
                "subject": format!("打合せ {i}"),
                "content": format!("見積の相談 {i} 回目。次回は来週。"),
            })),
        )
        .unwrap();
    }
    a
}

fn opts(now: i64, snapshot: SnapshotPolicy) -> SyncOptions {
    let mut o = SyncOptions::new(now);
    o.snapshot = snapshot;
    o.snapshot_part_bytes = 64 << 10;
    o.kdf = KdfParams::TEST;
    o
}

fn round(store: &mut Store, folder: &mut MemoryFolder, keys: &mut Keyring, now: i64) -> SyncReport {
    let r = sync_round(store, folder, keys, &opts(now, SnapshotPolicy::Never)).unwrap();
    assert!(r.ok, "{r:?}");
    r
}

/// The writer's snapshot, after compaction: its change files are gone, so a
/// new device can only join from the snapshot.
fn folder_with_snapshot(a: &mut Store, keys: &mut Keyring) -> MemoryFolder {
    let mut folder = MemoryFolder::new();
    let r = sync_round(a, &mut folder, keys, &opts(T0 + 1, SnapshotPolicy::Always)).unwrap();
    assert!(r.snapshot_written.is_some(), "{r:?}");
    sync_round(a, &mut folder, keys, &opts(T0 + 2, SnapshotPolicy::Never)).unwrap();
    assert!(!folder.files.keys().any(|f| f.contains("/c-")), "change files compacted: {:?}", folder.files.keys());
    let parts = folder.files.keys().filter(|f| f.starts_with("s/") && f.contains("/p-")).count();
    assert!(parts > 1, "an image of several parts: {parts}");
    // The image holds no table of the writer's own (change log, settings …).
    let mut image = Vec::new();
    for (name, bytes) in folder.files.iter().filter(|(n, _)| n.starts_with("s/") && n.contains("/p-")) {
        image.extend(format::open(name, bytes, keys).unwrap());
    }
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("image.db"), &image).unwrap();
    let conn = rusqlite::Connection::open(dir.path().join("image.db")).unwrap();
    for t in ["changes", "settings", "sync_state", "sync_peers", "clock", "merges", "blobs"] {
        let n: i64 = conn.query_row(&format!("SELECT COUNT(*) FROM {t}"), [], |r| r.get(0)).unwrap();
        assert_eq!(n, 0, "{t}");
    }
    let n: i64 = conn.query_row("SELECT COUNT(*) FROM companies", [], |r| r.get(0)).unwrap();
    assert_eq!(n, 4);
    let free: i64 = conn.query_row("PRAGMA freelist_count", [], |r| r.get(0)).unwrap();
    assert_eq!(free, 0, "no free pages shipped");
    folder
}

fn count(store: &Store, sql: &str) -> i64 {
    store.conn().query_row(sql, [], |r| r.get(0)).unwrap()
}

#[test]
fn a_new_device_installs_the_image_and_keeps_its_own_settings() {
    let mut a = writer();
    let mut folder = folder_with_snapshot(&mut a, &mut Keyring::default());
    let dir = tempfile::tempdir().unwrap();
    let mut b = Store::open(&dir.path().join("b.db")).unwrap();
    let b_id = b.device_id().unwrap();
    // Scratch files a crash left behind: a stale one goes, a recent one
    // (another process's join) stays.
    let stale = dir.path().join(".daifuku-join-crashed.db");
    let recent = dir.path().join(".daifuku-join-running.db");
    for (path, age_s) in [(&stale, 2 * 3600), (&recent, 60)] {
        let f = std::fs::File::create(path).unwrap();
        f.set_modified(std::time::SystemTime::now() - std::time::Duration::from_secs(age_s)).unwrap();
    }
    let r = round(&mut b, &mut folder, &mut Keyring::default(), T0 + 10);
    assert!(!stale.exists());
    assert!(recent.exists());
    std::fs::remove_file(&recent).unwrap();
    assert!(r.snapshot_loaded.is_some(), "{r:?}");
    // The same records, and this device is still itself.
    assert_eq!(b.export_json().unwrap(), a.export_json().unwrap());
    assert_eq!(b.device_id().unwrap(), b_id);
    assert_ne!(b_id, a.device_id().unwrap());
    // The writer's change log stayed with the writer; nothing to send.
    assert_eq!(count(&b, "SELECT COUNT(*) FROM changes"), 0);
    assert_eq!(b.sync_status().unwrap().pending_changes, 0);
    // Derived tables came along: search (trigram, phone, reading) and duplicate keys.
    let hits =
        |s: &Store, q: &str| s.search(q, 10, &[]).unwrap().into_iter().map(|h| h.display_name).collect::<Vec<_>>();
    for q in ["山田商事", "0312345678", "ヤマダ", "見積の相談"] {
        assert_eq!(hits(&b, q), hits(&a, q), "{q}");
        assert!(!hits(&b, q).is_empty(), "{q}");
    }
    assert_eq!(b.find_duplicates(Kind::Company).unwrap().len(), 1);
    assert_eq!(count(&b, "SELECT COUNT(*) FROM live_counts WHERE tbl = 'companies' AND n = 3"), 1);
    let check: String = b.conn().query_row("PRAGMA integrity_check", [], |r| r.get(0)).unwrap();
    assert_eq!(check, "ok");
    b.conn().execute("INSERT INTO search_text (search_text) VALUES ('integrity-check')", []).unwrap();
    let mode: String = b.conn().query_row("PRAGMA journal_mode", [], |r| r.get(0)).unwrap();
    assert_eq!(mode, "wal");
    // It works as a device: an edit travels back.
    let ctx = b.context(T0 + 20).unwrap();
    let yamada = b.search("山田商事", 1, &[Kind::Company]).unwrap()[0].id.clone();
    b.update(&ctx, Kind::Company, &yamada, None, obj(json!({"rank": "A"}))).unwrap();
    round(&mut b, &mut folder, &mut Keyring::default(), T0 + 21);
    let r = round(&mut a, &mut folder, &mut Keyring::default(), T0 + 22);
    assert_eq!(r.changes_applied, 1, "{r:?}");
    assert_eq!(b.export_json().unwrap(), a.export_json().unwrap());
    // Reopening the joined file works (the image is a normal database).
    drop(b);
    let b = Store::open(&dir.path().join("b.db")).unwrap();
    assert_eq!(b.export_json().unwrap(), a.export_json().unwrap());
    // No scratch file is left beside the database.
    let left: Vec<_> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().to_string())
        .filter(|n| n.starts_with(".daifuku-"))
        .collect();
    assert!(left.is_empty(), "{left:?}");
}

#[test]
fn a_device_with_records_of_its_own_merges_the_image() {
    let mut a = writer();
    let mut folder = folder_with_snapshot(&mut a, &mut Keyring::default());
    let mut b = Store::open_in_memory().unwrap();
    b.seed_ids(2);
    let ctx = b.context(T0 + 5).unwrap();
    b.create_fields(&ctx, Kind::Company, obj(json!({"name": "鈴木工業", "phone": "06-1111-2222"}))).unwrap();
    let r = round(&mut b, &mut folder, &mut Keyring::default(), T0 + 10);
    assert!(r.snapshot_loaded.is_some(), "{r:?}");
    assert_eq!(b.search("鈴木工業", 5, &[]).unwrap().len(), 1);
    assert_eq!(b.search("山田商事", 5, &[Kind::Company]).unwrap().len(), 1);
    // Its own record still goes out, and both end up the same.
    assert!(r.changes_written >= 1, "{r:?}");
    round(&mut a, &mut folder, &mut Keyring::default(), T0 + 11);
    assert_eq!(b.export_json().unwrap(), a.export_json().unwrap());
}

#[test]
fn snapshot_parts_are_encrypted_with_the_workspace_passphrase() {
    let mut a = writer();
    let mut keys = Keyring::new(Some("合言葉 passphrase".into()));
    let mut folder = folder_with_snapshot(&mut a, &mut keys);
    for (name, bytes) in folder.files.iter().filter(|(n, _)| n.starts_with("s/")) {
        assert!(format::is_encrypted(bytes), "{name}");
    }
    let mut b = Store::open_in_memory().unwrap();
    let e = sync_round(&mut b, &mut folder, &mut Keyring::default(), &opts(T0 + 9, SnapshotPolicy::Never)).unwrap_err();
    assert_eq!(e.code, "sync_passphrase_required");
    let r = round(&mut b, &mut folder, &mut Keyring::new(Some("合言葉 passphrase".into())), T0 + 10);
    assert!(r.snapshot_loaded.is_some(), "{r:?}");
    assert_eq!(b.export_json().unwrap(), a.export_json().unwrap());
}

#[test]
fn a_damaged_part_is_retried_and_the_device_stays_empty() {
    let mut a = writer();
    let mut folder = folder_with_snapshot(&mut a, &mut Keyring::default());
    let part = folder.files.keys().find(|f| f.ends_with("/p-000000000001.dfk")).unwrap().clone();
    let good = folder.files[&part].clone();
    folder.files.insert(part.clone(), good[..good.len() / 2].to_vec());
    let mut b = Store::open_in_memory().unwrap();
    let r = sync_round(&mut b, &mut folder, &mut Keyring::default(), &opts(T0 + 10, SnapshotPolicy::Never)).unwrap();
    assert_eq!(r.snapshot_loaded, None);
    assert!(r.warnings.iter().any(|w| w.code == "file_incomplete" && w.file.as_deref() == Some(&part)), "{r:?}");
    assert!(b.sync_is_blank().unwrap());
    // The sync service finishes copying: the next round joins.
    folder.files.insert(part, good);
    let r = round(&mut b, &mut folder, &mut Keyring::default(), T0 + 11);
    assert!(r.snapshot_loaded.is_some(), "{r:?}");
    assert_eq!(b.export_json().unwrap(), a.export_json().unwrap());
}

/// A folder of format 1 (JSON snapshots): this app marks it as its format,
/// so older apps ask to be updated, and skips the old snapshot quietly.
#[test]
fn a_folder_of_the_older_format_is_taken_over() {
    let mut folder = MemoryFolder::new();
    let v1 = FileName::Format(1);
    folder.create(&v1.to_path(), &format::seal_body(&v1, &Body::Format { version: 1 }, None)).unwrap();
    let old = FileName::SnapshotManifest { device: "olddev1".into(), n: 1 };
    let manifest = Body::SnapshotManifest(SnapshotManifest {
        device: "olddev1".into(),
        n: 1,
        parts: 0,
        records: 0,
        vector: [("olddev1".to_string(), 5u64)].into(),
        written_at: T0,
        image_bytes: 0,
        schema: 0,
    });
    folder.create(&old.to_path(), &format::seal_body(&old, &manifest, None)).unwrap();
    let mut b = Store::open_in_memory().unwrap();
    let r = round(&mut b, &mut folder, &mut Keyring::default(), T0);
    assert_eq!(r.snapshot_loaded, None);
    assert!(r.warnings.is_empty(), "{r:?}");
    assert!(folder.files.contains_key(&FileName::Format(FORMAT_VERSION as u32).to_path()));
}

/// A laptop compacted its changes into its own snapshot while its files had
/// not reached the others yet; meanwhile another laptop wrote a bigger
/// snapshot without them. The others must load the laptop's snapshot to
/// close the gap, not wait forever for change files that are gone (seed 6476
/// of the simulation).
#[test]
fn a_gap_is_closed_by_the_snapshot_that_covers_it_not_the_biggest() {
    let keys = || Keyring::default();
    // Laptop B starts the office folder.
    let mut fb = MemoryFolder::new();
    let mut b = writer();
    round(&mut b, &mut fb, &mut keys(), T0);
    // Laptop A sees only the folder's key file yet (its cloud client is
    // behind): a few records, a snapshot, its change files compacted, then
    // one more record in a change file.
    let mut fa = MemoryFolder::new();
    for (k, v) in fb.files.iter().filter(|(k, _)| !k.contains('/')) {
        fa.files.insert(k.clone(), v.clone());
    }
    let mut a = Store::open_in_memory().unwrap();
    a.seed_ids(4);
    let ctx = a.context(T0).unwrap();
    a.create_fields(&ctx, Kind::Company, obj(json!({"name": "青葉物産株式会社", "phone": "022-111-2222"}))).unwrap();
    sync_round(&mut a, &mut fa, &mut keys(), &opts(T0 + 1, SnapshotPolicy::Always)).unwrap();
    round(&mut a, &mut fa, &mut keys(), T0 + 2);
    assert!(!fa.files.keys().any(|f| f.contains("/c-")), "compacted: {:?}", fa.files.keys());
    let ctx = a.context(T0 + 3).unwrap();
    a.create_fields(&ctx, Kind::Company, obj(json!({"name": "株式会社みどり製作所"}))).unwrap();
    round(&mut a, &mut fa, &mut keys(), T0 + 4);
    assert!(fa.files.keys().any(|f| f.contains("/c-")), "the later record is in a change file");

    // Meanwhile C joins B, and B writes a bigger snapshot without A.
    let mut c = Store::open_in_memory().unwrap();
    c.seed_ids(3);
    round(&mut c, &mut fb, &mut keys(), T0 + 6);
    let r = sync_round(&mut b, &mut fb, &mut keys(), &opts(T0 + 7, SnapshotPolicy::Always)).unwrap();
    assert!(r.snapshot_written.is_some(), "{r:?}");

    // The cloud delivers A's files late.
    for (k, v) in &fa.files {
        fb.files.insert(k.clone(), v.clone());
    }
    for (who, store) in [("B", &mut b), ("C", &mut c)] {
        let mut last = None;
        for t in 0..3 {
            last = Some(round(store, &mut fb, &mut keys(), T0 + 10 + t));
        }
        let r = last.unwrap();
        assert_eq!(r.waiting_remote, 0, "{who}: {r:?}");
        for name in ["青葉物産", "みどり製作所"] {
            assert_eq!(store.search(name, 5, &[Kind::Company]).unwrap().len(), 1, "{who}: {name}");
        }
    }
    round(&mut a, &mut fb, &mut keys(), T0 + 20);
    assert_eq!(b.export_json().unwrap(), a.export_json().unwrap());
    assert_eq!(c.export_json().unwrap(), a.export_json().unwrap());
}
