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

struct Data {
    /// The writer's change files (no snapshot).
    changes: MemoryFolder,
    /// A snapshot after compaction.
    snapshot: MemoryFolder,
    fields: u64,
    db_bytes: u64,
}

fn data() -> &'static Data {
    static D: OnceLock<Data> = OnceLock::new();
    D.get_or_init(|| {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("writer.db");
        // The database `benches/store.rs` caches, when one of this size exists
        // (generating 100k companies takes tens of minutes).
        let cached = common::cached_path(companies());
        let mut store = if cached.exists() {
            std::fs::copy(&cached, &path).unwrap();
            Store::open(&path).unwrap()
        } else {
            let mut store = Store::open(&path).unwrap();
            let ctx: Ctx = store.context(NOW).unwrap();
            daifuku::gen::generate(
                &mut store,
                &ctx,
                &daifuku::gen::GenOptions { companies: companies(), seed: 1 },
                &mut |_, _| {},
            )
            .unwrap();
            store
        };
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
        let mut snapshot = changes.clone();
        let mut opts = SyncOptions::new(NOW + 2);
        opts.snapshot = SnapshotPolicy::Always;
        sync_round(&mut store, &mut snapshot, &mut Keyring::default(), &opts).unwrap();
        sync_round(&mut store, &mut snapshot, &mut Keyring::default(), &SyncOptions::new(NOW + 3)).unwrap();
        store.conn().execute_batch("PRAGMA wal_checkpoint(TRUNCATE);").unwrap();
        let db_bytes = std::fs::metadata(&path).unwrap().len();
        eprintln!(
            "sync bench: {} companies; {} field values in {} change files ({} bytes); \
             folder after snapshot + compaction: {} files, {} bytes; database {} bytes ({:.2}x)",
            companies(),
            fields,
            changes.files.len(),
            changes.size(),
            snapshot.files.len(),
            snapshot.size(),
            db_bytes,
            snapshot.size() as f64 / db_bytes as f64
        );
        Data { changes, snapshot, fields: fields as u64, db_bytes }
    })
}

fn main() {
    let d = data();
    let _ = d.db_bytes;
    divan::main();
}

/// Another device's changes applied into an empty database.
#[divan::bench(sample_count = 3, sample_size = 1)]
fn merge_changes(b: divan::Bencher) {
    let d = data();
    b.counter(ItemsCount::new(d.fields))
        .with_inputs(|| (Store::open_in_memory().unwrap(), d.changes.clone()))
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
            while applied < d.fields {
                let r = sync_round(&mut store, &mut folder, &mut Keyring::default(), &opts).unwrap();
                applied += r.fields_applied.max(1);
                if r.changes_applied == 0 {
                    break;
                }
            }
            store
        });
}

/// A new device joining from the snapshot.
#[divan::bench(sample_count = 3, sample_size = 1)]
fn join_from_snapshot(b: divan::Bencher) {
    let d = data();
    b.with_inputs(|| (Store::open_in_memory().unwrap(), d.snapshot.clone())).bench_local_values(
        |(mut store, mut folder)| {
            let r = sync_round(&mut store, &mut folder, &mut Keyring::default(), &SyncOptions::new(NOW + 20)).unwrap();
            assert!(r.snapshot_loaded.is_some());
            store
        },
    );
}
