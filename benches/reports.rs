//! `cargo bench --bench reports`: priorities and cross-sell (issue 21) over
//! 100k companies and 1M purchases (10 per company over three years, 24
//! products), 2 activities per company. Goals: ABC ≤ 200 ms; the rules over
//! 1M purchases (a full rebuild of the cache) ≤ 2 s.
//!
//! The generator (`daifuku_gen`) makes about one purchase per customer, so
//! this bench writes its own rows straight into a fresh database (cached in
//! `target/bench-data/reports-<n>.db`; `DAIFUKU_BENCH_COMPANIES` changes n):
//! only the columns the reports read are filled. Every insert goes through
//! the schema's triggers, as an import would.

use std::cell::RefCell;
use std::path::PathBuf;
use std::sync::OnceLock;

use daifuku::{Ctx, Store};
use rand::{RngExt, SeedableRng};
use rusqlite::params;

mod common;
use common::NOW;

#[global_allocator]
static ALLOCATOR: daifuku::Allocator = daifuku::Allocator;

fn today() -> String {
    Ctx::new(NOW, "bench").today()
}

fn db() -> &'static PathBuf {
    static DB: OnceLock<PathBuf> = OnceLock::new();
    DB.get_or_init(|| {
        let n = common::companies();
        let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join(format!("target/bench-data/reports-{n}.db"));
        if path.exists() {
            return path;
        }
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        let tmp = path.with_extension("db.partial");
        let _ = std::fs::remove_file(&tmp);
        let store = Store::open(&tmp).unwrap();
        let started = std::time::Instant::now();
        let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(7);
        let tx = store.conn().unchecked_transaction().unwrap();
        let products: Vec<(String, i64)> = (0..24)
            .map(|i| (format!("p{i:02}"), [30_000, 120_000, 400_000, 1_200_000][i % 4]))
            .collect();
        for (i, (id, price)) in products.iter().enumerate() {
            tx.execute(
                "INSERT INTO products (id, created_at, updated_at, display_name, name, side, category, tier, price) VALUES (?1, ?2, ?2, ?3, ?3, 'own', ?4, ?5, ?6)",
                params![id, NOW, format!("商品{i}"), format!("カテゴリ{}", i / 4), (i % 4 + 1) as i64, price],
            )
            .unwrap();
        }
        let day = |back: i64| Ctx::new(NOW - back * 86_400_000, "bench").today();
        let ranks = ["A", "B", "C"];
        let mut co = tx
            .prepare("INSERT INTO companies (id, created_at, updated_at, display_name, name, status, rank) VALUES (?1, ?2, ?2, ?3, ?3, 'customer', ?4)")
            .unwrap();
        let mut pu = tx
            .prepare("INSERT INTO purchases (id, created_at, updated_at, company_id, product_id, amount, contract_date, expiry_date, status) VALUES (?1, ?2, ?2, ?3, ?4, ?5, ?6, ?7, ?8)")
            .unwrap();
        let mut ac = tx
            .prepare("INSERT INTO activities (id, created_at, updated_at, kind, occurred_at, company_id) VALUES (?1, ?2, ?2, 'visit', ?3, ?4)")
            .unwrap();
        for c in 0..n {
            let cid = format!("c{c:07}");
            co.execute(params![cid, NOW, format!("会社{c}"), ranks[c % 3]]).unwrap();
            // Each company favours a few products (so that rules exist).
            let base = rng.random_range(0..24usize);
            for k in 0..10 {
                let p = if rng.random_range(0..10) < 7 { (base + k % 3) % 24 } else { rng.random_range(0..24usize) };
                let back = rng.random_range(0..1095i64);
                let amount = products[p].1 * rng.random_range(1..5i64);
                let contract = rng.random_range(0..3) == 0;
                pu.execute(params![
                    format!("{cid}-p{k}"),
                    NOW,
                    cid,
                    products[p].0,
                    amount,
                    day(back),
                    contract.then(|| day(back - 365)),
                    contract.then_some("active"),
                ])
                .unwrap();
            }
            for k in 0..2 {
                ac.execute(params![format!("{cid}-a{k}"), NOW, format!("{}T10:00", day(rng.random_range(0..400))), cid])
                    .unwrap();
            }
        }
        drop((co, pu, ac));
        tx.commit().unwrap();
        store.conn().execute_batch("PRAGMA wal_checkpoint(TRUNCATE); ANALYZE;").unwrap();
        eprintln!("wrote {n} companies, {} purchases in {:.1} s", n * 10, started.elapsed().as_secs_f64());
        drop(store);
        std::fs::rename(&tmp, &path).unwrap();
        path
    })
}

fn main() {
    db();
    divan::main();
}

/// ABC over the last 12 months (a third of the purchases).
#[divan::bench(sample_count = 10)]
fn abc_12_months(b: divan::Bencher) {
    let store = Store::open(db()).unwrap();
    let today = today();
    b.bench_local(|| store.abc_report(&today, None).unwrap());
}

/// The rules from scratch: every company's basket again, over all purchases.
#[divan::bench(sample_count = 3)]
fn cross_sell_rules_full(b: divan::Bencher) {
    let store = RefCell::new(Store::open(db()).unwrap());
    b.with_inputs(|| {
        store
            .borrow()
            .conn()
            .execute_batch(
                "INSERT OR IGNORE INTO cross_sell_dirty (company_id) SELECT DISTINCT company_id FROM purchases",
            )
            .unwrap();
    })
    .bench_local_values(|()| store.borrow_mut().cross_sell_rules().unwrap());
}

/// After one new purchase: only that company's basket is refreshed.
#[divan::bench(sample_count = 20)]
fn cross_sell_rules_after_one_purchase(b: divan::Bencher) {
    let store = RefCell::new(Store::open(db()).unwrap());
    store.borrow_mut().cross_sell_rules().unwrap();
    let mut i = 0;
    b.with_inputs(|| {
        i += 1;
        let product = format!("p{:02}", i % 24);
        // A purchase that moves and comes back: the basket really changes.
        store
            .borrow()
            .conn()
            .execute("UPDATE purchases SET product_id = ?1 WHERE id = 'c0000001-p0'", [product])
            .unwrap();
    })
    .bench_local_values(|()| store.borrow_mut().cross_sell_rules().unwrap());
}

/// One company's suggestions with the cache up to date.
#[divan::bench(sample_count = 50)]
fn cross_sell_one_company(b: divan::Bencher) {
    let mut store = Store::open(db()).unwrap();
    store.cross_sell_rules().unwrap();
    let today = today();
    b.bench_local(|| store.cross_sell(&today, "c0000042").unwrap());
}

/// Home's overdue-contact and dormant lists over every ranked company.
#[divan::bench(sample_count = 10)]
fn home_priorities(b: divan::Bencher) {
    let store = Store::open(db()).unwrap();
    let today = today();
    b.bench_local(|| store.priorities(&today, None).unwrap());
}
