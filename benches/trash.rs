//! `cargo bench --bench trash`: cascading trash and orphans (issue 19) on the
//! generated database (100k companies, ~300k contacts, ~1M activities by
//! default; `DAIFUKU_BENCH_COMPANIES` changes the size). Every company the
//! benchmark deletes is restored, so the cached database keeps its records.

use daifuku::{Ctx, Kind, Store};
mod common;
use common::{db, NOW};

#[global_allocator]
static ALLOCATOR: daifuku::Allocator = daifuku::Allocator;

fn main() {
    db();
    divan::main();
}

/// Live companies with contacts, a sample from the middle of the table.
fn companies_with_contacts(store: &Store, n: usize) -> Vec<String> {
    let mut stmt = store
        .conn()
        .prepare(&format!(
            "SELECT c.id FROM companies c WHERE c.deleted_at IS NULL \
             AND EXISTS (SELECT 1 FROM contacts t WHERE t.company_id = c.id AND t.deleted_at IS NULL) \
             ORDER BY c.id LIMIT {n} OFFSET 2000"
        ))
        .unwrap();
    stmt.query_map([], |r| r.get(0)).unwrap().map(Result::unwrap).collect()
}

/// The count the delete confirmation shows.
#[divan::bench(sample_count = 200)]
fn delete_preview(b: divan::Bencher) {
    let store = Store::open(db()).unwrap();
    let ids = companies_with_contacts(&store, 200);
    let mut i = 0;
    b.bench_local(|| {
        i = (i + 1) % ids.len();
        store.delete_preview(Kind::Company, &ids[i]).unwrap()
    });
}

/// A company to the trash with its group, and back in one step.
#[divan::bench(sample_count = 100)]
fn delete_and_restore_a_company_with_its_group(b: divan::Bencher) {
    let mut store = Store::open(db()).unwrap();
    let ctx = Ctx::new(NOW, "bench");
    let ids = companies_with_contacts(&store, 100);
    let mut i = 0;
    b.bench_local(|| {
        i = (i + 1) % ids.len();
        let (_, with) = store.delete_cascading(&ctx, Kind::Company, &ids[i]).unwrap();
        store.restore_cascading(&ctx, Kind::Company, &ids[i]).unwrap();
        with
    });
}

/// The trash's first page and the orphan count with 1,000 companies (and
/// their groups) in the trash.
#[divan::bench(sample_count = 100)]
fn trash_first_page_and_orphan_count_with_1000_groups(b: divan::Bencher) {
    let mut store = Store::open(db()).unwrap();
    let ctx = Ctx::new(NOW, "bench");
    let ids = companies_with_contacts(&store, 1000);
    for id in &ids {
        store.delete_cascading(&ctx, Kind::Company, id).unwrap();
    }
    b.bench_local(|| (store.trash_groups(0, 100).unwrap().total, store.orphan_count().unwrap()));
    for id in &ids {
        store.restore_cascading(&ctx, Kind::Company, id).unwrap();
    }
}
