//! `cargo bench --bench print`: how long printing takes and how big the PDFs
//! are (issue #22 part 2): the 顧客カード of the company with the most
//! contacts, the 情報報告書 of an information report, and 宛名ラベル (24 a
//! sheet) for the contacts of 50 companies, on the generated database
//! (`DAIFUKU_BENCH_COMPANIES`, default 100k; printing reads only the records
//! it prints, so the size matters little). Prints pages and bytes per PDF once.

mod common;

use daifuku::export::mailing::MailingOptions;
use daifuku::store::{Filter, FilterOp, ListQuery};
use daifuku::Store;
use daifuku_print::{LabelLayout, LabelOptions, Printer};
use serde_json::Value;

#[global_allocator]
static ALLOCATOR: daifuku::Allocator = daifuku::Allocator;

struct Subjects {
    company: String,
    report: String,
    labels: LabelOptions,
}

fn subjects(store: &Store) -> Subjects {
    let one = |sql: &str| -> String { store.conn().query_row(sql, [], |r| r.get(0)).unwrap() };
    let company = one("SELECT company_id FROM contacts WHERE deleted_at IS NULL AND company_id IS NOT NULL \
         GROUP BY company_id ORDER BY count(*) DESC LIMIT 1");
    let report = one("SELECT id FROM activities WHERE kind = 'info_report' AND deleted_at IS NULL LIMIT 1");
    let mut stmt = store.conn().prepare("SELECT id FROM companies WHERE deleted_at IS NULL LIMIT 50").unwrap();
    let ids: Vec<String> = stmt.query_map([], |r| r.get(0)).unwrap().map(Result::unwrap).collect();
    let labels = LabelOptions {
        mailing: MailingOptions {
            query: ListQuery {
                filters: vec![Filter { field: "company_id".into(), op: FilterOp::In, value: Value::from(ids) }],
                ..Default::default()
            },
            ..Default::default()
        },
        layout: LabelLayout::TwentyFour,
        companies_without_contacts: false,
    };
    Subjects { company, report, labels }
}

fn setup() -> (Store, Printer, Subjects) {
    let mut store = Store::open(common::db()).unwrap();
    let mut ctx = store.context(common::NOW).unwrap();
    ctx.user_id = store.conn().query_row("SELECT id FROM users LIMIT 1", [], |r| r.get(0)).ok();
    let printer = Printer::new(&store, &ctx, None).unwrap();
    let s = subjects(&store);
    (store, printer, s)
}

fn main() {
    let (store, printer, s) = setup();
    let card = daifuku_print::company_card(&store, &printer, &s.company).unwrap();
    let report = daifuku_print::info_report(&store, &printer, &s.report).unwrap();
    let labels = daifuku_print::labels(&store, &printer, &s.labels).unwrap();
    for (what, p) in [("company card", &card), ("information report", &report), ("labels (24)", &labels)] {
        println!("{what}: {} page(s), {} bytes", p.pages, p.bytes.len());
    }
    divan::main();
}

#[divan::bench(sample_count = 20)]
fn company_card(b: divan::Bencher) {
    let (store, printer, s) = setup();
    b.bench_local(|| daifuku_print::company_card(&store, &printer, &s.company).unwrap());
}

#[divan::bench(sample_count = 20)]
fn info_report(b: divan::Bencher) {
    let (store, printer, s) = setup();
    b.bench_local(|| daifuku_print::info_report(&store, &printer, &s.report).unwrap());
}

#[divan::bench(sample_count = 10)]
fn labels_24(b: divan::Bencher) {
    let (store, printer, s) = setup();
    b.bench_local(|| daifuku_print::labels(&store, &printer, &s.labels).unwrap());
}
