//! `cargo bench --bench store`: the foundation's figures on generated data.
//!
//! The database is generated once by `daifuku::gen` (100k companies, ~300k
//! contacts, ~1M activities by default; `DAIFUKU_BENCH_COMPANIES` changes the
//! size) and cached in `target/bench-data/`. Goal: each ≤ 5 ms.

use std::path::PathBuf;
use std::sync::OnceLock;

use daifuku::store::{ListQuery, TimelineOwner};
use daifuku::{Ctx, Kind, Store};
use serde_json::json;

const NOW: i64 = 1_790_000_000_000;

fn companies() -> usize {
    std::env::var("DAIFUKU_BENCH_COMPANIES").ok().and_then(|s| s.parse().ok()).unwrap_or(100_000)
}

/// The generated database, made on first use.
fn db() -> &'static PathBuf {
    static DB: OnceLock<PathBuf> = OnceLock::new();
    DB.get_or_init(|| {
        let n = companies();
        let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("target/bench-data");
        let path = dir.join(format!("gen-{n}-seed1.db"));
        if !path.exists() {
            std::fs::create_dir_all(&dir).unwrap();
            let tmp = dir.join(format!("gen-{n}-seed1.db.partial"));
            let _ = std::fs::remove_file(&tmp);
            let mut store = Store::open(&tmp).unwrap();
            let ctx = Ctx::new(NOW, "bench");
            let started = std::time::Instant::now();
            let stats = daifuku::gen::generate(
                &mut store,
                &ctx,
                &daifuku::gen::GenOptions { companies: n, seed: 1 },
                &mut |d, t| {
                    if d % 10_000 == 0 {
                        eprintln!("generating {d}/{t}");
                    }
                },
            )
            .unwrap();
            eprintln!("generated {stats:?} in {:.1} s", started.elapsed().as_secs_f64());
            store.conn().execute_batch("PRAGMA wal_checkpoint(TRUNCATE); ANALYZE;").unwrap();
            drop(store);
            std::fs::rename(&tmp, &path).unwrap();
        }
        path
    })
}

fn sample_companies(store: &Store) -> Vec<String> {
    let mut stmt = store
        .conn()
        .prepare("SELECT id FROM companies WHERE deleted_at IS NULL ORDER BY id LIMIT 200 OFFSET 1000")
        .unwrap();
    stmt.query_map([], |r| r.get(0)).unwrap().map(Result::unwrap).collect()
}

fn main() {
    db();
    divan::main();
}

#[divan::bench(sample_count = 50)]
fn open_db() -> Store {
    Store::open(db()).unwrap()
}

#[divan::bench(sample_count = 200)]
fn company_list_first_page_by_reading(b: divan::Bencher) {
    let store = Store::open(db()).unwrap();
    b.bench_local(|| store.list(Kind::Company, &ListQuery { limit: Some(50), ..Default::default() }).unwrap());
}

#[divan::bench(sample_count = 200)]
fn company_timeline(b: divan::Bencher) {
    let store = Store::open(db()).unwrap();
    let ids = sample_companies(&store);
    let mut i = 0;
    b.bench_local(|| {
        i = (i + 1) % ids.len();
        store.timeline(&TimelineOwner::Company(ids[i].clone()), 0, 50).unwrap()
    });
}

#[divan::bench(sample_count = 200)]
fn create_one_company(b: divan::Bencher) {
    let mut store = Store::open(db()).unwrap();
    let ctx = Ctx::new(NOW, "bench");
    let fields = json!({"name": "株式会社ベンチ商事", "name_reading": "ベンチショウジ", "phone": "03-1234-5678", "prefecture": "東京都", "tags": ["bench"]});
    let fields = fields.as_object().unwrap().clone();
    b.bench_local(|| store.create_fields(&ctx, Kind::Company, fields.clone()).unwrap());
}

#[divan::bench(sample_count = 200)]
fn create_one_activity(b: divan::Bencher) {
    let mut store = Store::open(db()).unwrap();
    let ids = sample_companies(&store);
    let ctx = Ctx::new(NOW, "bench");
    let fields = json!({"kind": "meeting", "occurred_at": "2026-09-01 10:00", "subject": "定例", "company_id": ids[0], "content": "# 議題\n- 価格"});
    let fields = fields.as_object().unwrap().clone();
    b.bench_local(|| store.create_fields(&ctx, Kind::Activity, fields.clone()).unwrap());
}
