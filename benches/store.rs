//! `cargo bench --bench store`: the foundation's figures on generated data.
//!
//! The database is generated once by `daifuku_gen` (100k companies, ~300k
//! contacts, ~1M activities by default; `DAIFUKU_BENCH_COMPANIES` changes the
//! size) and cached in `target/bench-data/`. Goal: each ≤ 5 ms.

use daifuku::store::{ListQuery, TimelineOwner};
mod common;
use common::{db, NOW};
use daifuku::{Ctx, Kind, Store};
use serde_json::json;

fn sample_companies(store: &Store) -> Vec<String> {
    let mut stmt = store
        .conn()
        .prepare("SELECT id FROM companies WHERE deleted_at IS NULL ORDER BY id LIMIT 200 OFFSET 1000")
        .unwrap();
    stmt.query_map([], |r| r.get(0)).unwrap().map(Result::unwrap).collect()
}

#[global_allocator]
static ALLOCATOR: daifuku::Allocator = daifuku::Allocator;

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
