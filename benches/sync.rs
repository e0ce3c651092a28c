//! `cargo bench --bench sync`: folder-sync figures on generated data.
//!
//! - merge throughput: another device's change files applied into SQLite
//!   (field values per second);
//! - join: a new device loading a snapshot (seconds);
//! - folder size after compaction vs. the database size (printed).
//!
//! `DAIFUKU_BENCH_SYNC_COMPANIES` sets the size (default 2,000 companies with
//! their contacts, activities …; the 100k-company figure needs a
//! long run: `DAIFUKU_BENCH_SYNC_COMPANIES=100000`).
//! `DAIFUKU_BENCH_SYNC_CUSTOMERS_ONLY=1`: companies and contacts only (the
//! issue's "100k companies + 300k contacts"), without deals, activities,
//! purchases and tasks; `daifuku gen --customers-only` makes the same data
//! and the benchmark reuses `target/bench-data/gen-N-seed1-customers.db`.

use std::sync::OnceLock;

use daifuku::sync::crypto::Keyring;
use daifuku::sync::{sync_round, MemoryFolder, SnapshotPolicy, SyncOptions};
mod common;
use daifuku::{Ctx, Store};
use divan::counter::ItemsCount;

const NOW: i64 = 1_790_000_000_000;

fn companies() -> usize {
    std::env::var("DAIFUKU_BENCH_SYNC_COMPANIES").ok().and_then(|s| s.parse().ok()).unwrap_or(2_000)
}

/// The writer: a copy of the generated database (`benches/store.rs` caches
/// one when it exists: generating 100k companies takes tens of minutes).
fn customers_only() -> bool {
    std::env::var("DAIFUKU_BENCH_SYNC_CUSTOMERS_ONLY").is_ok_and(|v| v == "1")
}

fn writer(dir: &std::path::Path) -> (Store, std::path::PathBuf) {
    let path = dir.join("writer.db");
    let cached = if customers_only() {
        let full = common::cached_path(companies());
        full.with_file_name(format!("gen-{}-seed1-customers.db", companies()))
    } else {
        common::cached_path(companies())
    };
    let store = if cached.exists() {
        std::fs::copy(&cached, &path).unwrap();
        Store::open(&path).unwrap()
    } else {
        let mut store = Store::open(&path).unwrap();
        let ctx: Ctx = store.context(NOW).unwrap();
        daifuku_gen::generate(
            &mut store,
            &ctx,
            &daifuku_gen::GenOptions { companies: companies(), seed: 1, customers_only: customers_only() },
            &mut |_, _| {},
        )
        .unwrap();
        store
    };
    (store, path)
}

/// The writer's change files (no snapshot), and how many field values they hold.
fn changes() -> &'static (MemoryFolder, u64) {
    static D: OnceLock<(MemoryFolder, u64)> = OnceLock::new();
    D.get_or_init(|| {
        let dir = tempfile::tempdir().unwrap();
        let (mut store, _) = writer(dir.path());
        let mut changes = MemoryFolder::new();
        let mut opts = SyncOptions::new(NOW + 1);
        opts.snapshot = SnapshotPolicy::Never;
        opts.compact = false;
        sync_round(&mut store, &mut changes, &mut Keyring::default(), &opts).unwrap();
        let fields: i64 = store
            .conn()
            .query_row("SELECT COALESCE(SUM((SELECT COUNT(*) FROM json_each(fields))), 0) FROM changes", [], |r| {
                r.get(0)
            })
            .unwrap();
        eprintln!(
            "sync bench: {} companies; {} field values in {} change files ({} bytes)",
            companies(),
            fields,
            changes.files.len(),
            changes.size()
        );
        (changes, fields as u64)
    })
}

/// A folder holding the writer's snapshot after compaction.
fn snapshot() -> &'static MemoryFolder {
    static D: OnceLock<MemoryFolder> = OnceLock::new();
    D.get_or_init(|| {
        let dir = tempfile::tempdir().unwrap();
        let (mut store, path) = writer(dir.path());
        let mut folder = MemoryFolder::new();
        let mut opts = SyncOptions::new(NOW + 2);
        opts.snapshot = SnapshotPolicy::Always;
        let started = std::time::Instant::now();
        sync_round(&mut store, &mut folder, &mut Keyring::default(), &opts).unwrap();
        let written = started.elapsed();
        sync_round(&mut store, &mut folder, &mut Keyring::default(), &SyncOptions::new(NOW + 3)).unwrap();
        store.conn().execute_batch("PRAGMA wal_checkpoint(TRUNCATE);").unwrap();
        let db_bytes = std::fs::metadata(&path).unwrap().len();
        eprintln!(
            "sync bench: {} companies; first round with a snapshot {:.1} s; folder after snapshot + compaction: \
             {} files, {} bytes; database {} bytes ({:.2}x)",
            companies(),
            written.as_secs_f64(),
            folder.files.len(),
            folder.size(),
            db_bytes,
            folder.size() as f64 / db_bytes as f64
        );
        folder
    })
}

#[global_allocator]
static ALLOCATOR: daifuku::Allocator = daifuku::Allocator;

fn main() {
    divan::main();
}

/// Another device's changes applied into an empty database.
#[divan::bench(sample_count = 3, sample_size = 1)]
fn merge_changes(b: divan::Bencher) {
    let (changes, fields) = changes();
    b.counter(ItemsCount::new(*fields))
        .with_inputs(|| (Store::open_in_memory().unwrap(), changes.clone()))
        .bench_local_values(|(mut store, mut folder)| {
            let mut opts = SyncOptions::new(NOW + 10);
            opts.snapshot = SnapshotPolicy::Never;
            opts.compact = false;
            // A device that already holds data merges file by file (no snapshot).
            let ctx = store.context(NOW).unwrap();
            store
                .create_fields(
                    &ctx,
                    daifuku::Kind::Company,
                    serde_json::json!({"name": "既存"}).as_object().unwrap().clone(),
                )
                .unwrap();
            let mut applied = 0;
            while applied < *fields {
                let r = sync_round(&mut store, &mut folder, &mut Keyring::default(), &opts).unwrap();
                applied += r.fields_applied.max(1);
                if r.changes_applied == 0 {
                    break;
                }
            }
            store
        });
}

/// A new device (an empty database file) joining from the snapshot.
#[divan::bench(sample_count = 3, sample_size = 1)]
fn join_from_snapshot(b: divan::Bencher) {
    let folder = snapshot();
    b.with_inputs(|| {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(&dir.path().join("new.db")).unwrap();
        let folder = folder.clone();
        // A new laptop joins on a quiet disk: the previous sample's writes
        // (gigabytes at 100k) are flushed before the clock starts.
        let _ = std::process::Command::new("sync").status();
        (dir, store, folder)
    })
    .bench_local_values(|(dir, mut store, mut folder)| {
        let r = sync_round(&mut store, &mut folder, &mut Keyring::default(), &SyncOptions::new(NOW + 20)).unwrap();
        assert!(r.snapshot_loaded.is_some());
        (dir, store)
    });
}

/// The shared conflict list (issue 19) on the writer's data with an open
/// entry on every 10th company's phone number (two losing values each, from
/// two other laptops): what the sync panel and every round's count cost.
#[divan::bench(sample_count = 5, sample_size = 1)]
fn list_shared_conflicts(b: divan::Bencher) {
    let dir = tempfile::tempdir().unwrap();
    let (store, _) = writer(dir.path());
    let ids: Vec<String> = store
        .conn()
        .prepare("SELECT id FROM companies WHERE deleted_at IS NULL ORDER BY id")
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .map(Result::unwrap)
        .step_by(10)
        .collect();
    for (i, id) in ids.iter().enumerate() {
        for (k, device) in ["eigyo", "shacho"].iter().enumerate() {
            let version = format!("{:015}-{:06}-{device}", NOW - 1000 + k as i64, 0);
            store
                .conn()
                .execute(
                    "INSERT INTO sync_versions (record_id, field, version, kind, value, author, replaced, known_at)
                     VALUES (?1, 'phone', ?2, 'company', ?3, '山田', 0, ?4)",
                    rusqlite::params![id, version, format!("\"03-{:04}-{:04}\"", i % 10_000, k), NOW],
                )
                .unwrap();
        }
    }
    let entries = store.sync_open_conflicts().unwrap();
    eprintln!("sync bench: {} companies; {} open conflict entries", companies(), entries);
    b.counter(ItemsCount::new(entries as u64)).bench_local(|| store.sync_conflicts(100).unwrap().len());
}
