//! `cargo bench --bench search`: search and duplicate-scan figures on the
//! generated database (100k companies / ~300k contacts / ~1M activities by
//! default; `DAIFUKU_BENCH_COMPANIES` changes the size). The database is the
//! one `benches/store.rs` makes, cached in `target/bench-data/`.
//!
//! First a report: p50/p95 of `Store::search` per query class (1, 2, 3+
//! characters, readings, phone numbers), each beside the same query as one
//! raw FTS5 `MATCH … LIMIT 20`, and the whole-database duplicate scans
//! (from a cold OS cache where the process may drop it, then warm).
//! Goals: p95 ≤ 10 ms and ≤ 1.5× raw FTS5; duplicate scan ≤ 5 s. Then the
//! divan benchmarks of the same calls.

use std::time::{Duration, Instant};

mod common;
use common::db;
use daifuku::{normalize, Kind, Store};

const LIMIT: u32 = 20;

fn open() -> Store {
    let started = Instant::now();
    let store = Store::open(db()).unwrap();
    let took = started.elapsed();
    if took > Duration::from_secs(1) {
        eprintln!("opened (and migrated) in {:.1} s", took.as_secs_f64());
    }
    store
}

fn column(store: &Store, sql: &str) -> Vec<String> {
    store.conn().prepare(sql).unwrap().query_map([], |r| r.get::<_, String>(0)).unwrap().map(Result::unwrap).collect()
}

/// A query as the user types it, and the same text as one raw FTS5 query.
struct Case {
    q: String,
    raw_table: &'static str,
    raw: String,
}

fn phrase(s: &str) -> String {
    format!("\"{}\"", s.replace('"', "\"\""))
}

/// Realistic queries of each class, taken from the data (40 rows spread
/// over each table).
fn classes(store: &Store) -> Vec<(&'static str, Vec<Case>)> {
    let sample = |column_sql: &str, table: &str, cond: &str| {
        column(
            store,
            &format!(
                "SELECT {column_sql} FROM {table} WHERE deleted_at IS NULL AND {cond}
                   AND rowid % (SELECT MAX(1, COUNT(*) / 40) FROM {table}) = 0 LIMIT 40"
            ),
        )
    };
    let families = sample("family_name", "contacts", "1");
    let company_names = sample("name", "companies", "1");
    let readings = sample("name_reading", "companies", "name_reading IS NOT NULL");
    let phones = sample("phone", "companies", "phone IS NOT NULL");
    let grams = |q: String| Case { raw_table: "search_grams", raw: phrase(&q), q };
    let text = |q: String, raw: String| Case { raw_table: "search_text", raw: phrase(&raw), q };
    let one: Vec<Case> = families.iter().filter_map(|f| f.chars().next()).map(|c| grams(c.to_string())).collect();
    let two: Vec<Case> = families
        .iter()
        .filter(|f| f.chars().count() >= 2)
        .map(|f| grams(f.chars().take(2).collect()))
        .chain(readings.iter().take(10).map(|r| grams(normalize::to_hiragana(&r.chars().take(2).collect::<String>()))))
        .collect();
    let mut three: Vec<Case> = company_names
        .iter()
        .map(|n| {
            let key: String = normalize::company_name_key(n).chars().take(4).collect();
            text(key.clone(), key)
        })
        .collect();
    for word in ["打ち合わせ", "見積", "導入スケジュール", "価格改定", "キーマン", "展示会"] {
        three.push(text(word.into(), word.into()));
    }
    let reading: Vec<Case> = readings
        .iter()
        .map(|r| {
            let hira: String = normalize::to_hiragana(r).chars().take(5).collect();
            let raw = normalize::reading_key(&hira);
            text(hira, raw)
        })
        .collect();
    let phone: Vec<Case> = phones
        .iter()
        .enumerate()
        .map(|(i, p)| {
            let digits: String = p.chars().filter(char::is_ascii_digit).collect();
            let q = match i % 4 {
                0 => p.clone(),
                1 => digits.clone(),
                2 => format!("+81 {}", &digits[1..]),
                _ => p
                    .chars()
                    .map(|c| match c {
                        '0'..='9' => char::from_u32(c as u32 - '0' as u32 + '０' as u32).unwrap(),
                        '-' => '－',
                        c => c,
                    })
                    .collect(),
            };
            Case { q, raw_table: "search_text", raw: phrase(&digits) }
        })
        .collect();
    vec![
        ("1 character", one),
        ("2 characters", two),
        ("3+ characters", three),
        ("reading (ひらがな)", reading),
        ("phone number", phone),
    ]
}

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    let i = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[i.min(sorted.len() - 1)]
}

fn ms(d: Duration) -> String {
    format!("{:.2} ms", d.as_secs_f64() * 1000.0)
}

fn time(f: impl FnOnce()) -> Duration {
    let t = Instant::now();
    f();
    t.elapsed()
}

/// The same query as one raw FTS5 `MATCH … LIMIT 20` (rowids only).
fn raw_match(store: &Store, c: &Case) -> Vec<i64> {
    let sql = format!("SELECT rowid FROM {} WHERE {} MATCH ?1 LIMIT {LIMIT}", c.raw_table, c.raw_table);
    let mut stmt = store.conn().prepare_cached(&sql).unwrap();
    let rows = stmt.query_map([&c.raw], |r| r.get::<_, i64>(0)).unwrap();
    rows.map(Result::unwrap).collect()
}

/// The raw `MATCH`, then each hit's record and display name: the least a
/// search box must do with the rowids.
fn raw_match_with_names(store: &Store, c: &Case) -> usize {
    // One read transaction, as the search takes: one lock, not one per statement.
    let tx = store.conn().unchecked_transaction().unwrap();
    let mut names = 0;
    for rowid in raw_match(store, c) {
        let (kind, id): (String, String) = store
            .conn()
            .prepare_cached("SELECT kind, record_id FROM search_docs WHERE doc = ?1")
            .unwrap()
            .query_row([rowid & ((1 << 44) - 1)], |r| Ok((r.get(0)?, r.get(1)?)))
            .unwrap();
        let table = Kind::parse(&kind).unwrap().meta().table;
        let name: String = store
            .conn()
            .prepare_cached(&format!("SELECT display_name FROM {table} WHERE id = ?1"))
            .unwrap()
            .query_row([&id], |r| r.get(0))
            .unwrap();
        names += name.len();
    }
    tx.commit().unwrap();
    names
}

fn report() {
    let store = open();
    let counts = column(
        &store,
        "SELECT (SELECT COUNT(*) FROM companies) || ' companies, ' || (SELECT COUNT(*) FROM contacts) || ' contacts, ' || (SELECT COUNT(*) FROM activities) || ' activities'",
    );
    println!("\nsearch on {} (limit {LIMIT})", counts[0]);
    println!(
        "{:<20} {:>7} {:>9} {:>9} {:>9} {:>9} {:>8} {:>9} {:>9} {:>8}",
        "class", "queries", "p50", "p95", "raw p50", "raw p95", "p95/raw", "+names50", "+names95", "p95/+n"
    );
    for (name, cases) in classes(&store) {
        // Warm the cache, then run every query several times.
        for c in &cases {
            store.search(&c.q, LIMIT, &[]).unwrap();
            raw_match_with_names(&store, c);
        }
        // The three are interleaved query by query, so that each sees the
        // same caches and the same load on the machine.
        let runs = cases.len() * 10;
        let (mut ours, mut raw, mut named) = (Vec::new(), Vec::new(), Vec::new());
        for i in 0..runs {
            let c = &cases[i % cases.len()];
            ours.push(time(|| {
                store.search(&c.q, LIMIT, &[]).unwrap();
            }));
            raw.push(time(|| {
                raw_match(&store, c);
            }));
            named.push(time(|| {
                raw_match_with_names(&store, c);
            }));
        }
        for times in [&mut ours, &mut raw, &mut named] {
            times.sort();
        }
        let (p95, raw95, named95) = (percentile(&ours, 0.95), percentile(&raw, 0.95), percentile(&named, 0.95));
        let ratio = |a: Duration, b: Duration| a.as_secs_f64() / b.as_secs_f64().max(1e-9);
        println!(
            "{:<20} {:>7} {:>9} {:>9} {:>9} {:>9} {:>7.1}× {:>9} {:>9} {:>7.1}×",
            name,
            cases.len(),
            ms(percentile(&ours, 0.5)),
            ms(p95),
            ms(percentile(&raw, 0.5)),
            ms(raw95),
            ratio(p95, raw95),
            ms(percentile(&named, 0.5)),
            ms(named95),
            ratio(p95, named95),
        );
        if std::env::var_os("DAIFUKU_BENCH_VERBOSE").is_some() {
            for c in &cases {
                let t = Instant::now();
                let hits = store.search(&c.q, LIMIT, &[]).unwrap();
                println!("    {:<24} {:>9} {} hits", c.q, ms(t.elapsed()), hits.len());
            }
        }
    }
    // The duplicate hint of a contact form for the most common name (900
    // namesakes in the generated data) at the company of one of them.
    let common: Vec<String> = column(
        &store,
        "SELECT c.family_name || char(9) || c.given_name || char(9) || c.company_id FROM contacts c
          WHERE c.id = (SELECT record_id FROM match_keys WHERE key_type = 'person' AND kind = 'contact'
                         AND key = (SELECT key FROM match_keys WHERE key_type = 'person' AND kind = 'contact'
                                     GROUP BY key ORDER BY COUNT(*) DESC LIMIT 1) LIMIT 1)",
    );
    if let [row] = common.as_slice() {
        let parts: Vec<&str> = row.split('\t').collect();
        let form = serde_json::json!({"family_name": parts[0], "given_name": parts[1], "company_id": parts[2]});
        let form = form.as_object().unwrap().clone();
        let mut times: Vec<Duration> =
            (0..20).map(|_| time(|| drop(store.check_duplicates(Kind::Contact, &form, None).unwrap()))).collect();
        times.sort();
        println!(
            "duplicate hint of a contact form ({} {}, the most common name): p50 {} p95 {}",
            parts[0],
            parts[1],
            ms(percentile(&times, 0.5)),
            ms(percentile(&times, 0.95))
        );
    }
    contact_import_preview(&store);
    for kind in [Kind::Company, Kind::Contact] {
        // Cold first, as the first scan after the app starts (when this
        // process may drop the OS page cache: root on Linux), on a new
        // connection; then warm.
        let cold = drop_os_cache();
        let fresh = open();
        for label in [if cold { "cold" } else { "first" }, "warm"] {
            let t = Instant::now();
            let groups = fresh.find_duplicates(kind).unwrap();
            println!(
                "duplicate scan of all {} ({label}): {:.2} s, {} groups",
                kind.meta().table,
                t.elapsed().as_secs_f64(),
                groups.len()
            );
        }
    }
    println!();
}

/// The dry run of importing 5,000 contacts that are already in the
/// database, by company name, person name and phones only (no e-mail or id
/// to match by): every row is one of hundreds of namesakes (佐藤 …), so it
/// must be found by name+company or name+phone without reading them all.
fn contact_import_preview(store: &Store) {
    use daifuku::import::{self, Flow, ImportOptions};
    let rows = column(
        store,
        "SELECT '\"' || replace(co.display_name, '\"', '\"\"') || '\",' || c.family_name || ',' || ifnull(c.given_name, '')
                || ',' || ifnull(c.phone, '') || ',' || ifnull(c.mobile, '')
           FROM contacts c JOIN companies co ON co.id = c.company_id
          WHERE c.deleted_at IS NULL AND c.family_name = '佐藤' ORDER BY c.rowid LIMIT 5000",
    );
    let csv = format!("会社,姓,名,電話番号,携帯電話\n{}\n", rows.join("\n"));
    let opts = ImportOptions { kind: Some(Kind::Contact), ..Default::default() };
    let raw = import::read("contacts.csv", csv.as_bytes(), &opts).unwrap();
    let t = Instant::now();
    let p = store.import_preview(&raw, &opts, &mut |_| Flow::Continue).unwrap();
    println!(
        "contact import preview, {} rows of namesakes: {:.2} s, {} updates",
        p.summary.rows,
        t.elapsed().as_secs_f64(),
        p.summary.update
    );
}

/// Writes the OS's cached file pages back and drops them (Linux, as root);
/// false where that is not allowed.
fn drop_os_cache() -> bool {
    let synced = std::process::Command::new("sync").status().is_ok_and(|s| s.success());
    synced && std::fs::write("/proc/sys/vm/drop_caches", "3").is_ok()
}

#[global_allocator]
static ALLOCATOR: daifuku::Allocator = daifuku::Allocator;

fn main() {
    db();
    report();
    divan::main();
}

fn bench_class(b: divan::Bencher, class: usize) {
    let store = open();
    let cases = classes(&store).swap_remove(class).1;
    let mut i = 0;
    b.bench_local(|| {
        i = (i + 1) % cases.len();
        store.search(&cases[i].q, LIMIT, &[]).unwrap()
    });
}

#[divan::bench(sample_count = 200)]
fn search_1_char(b: divan::Bencher) {
    bench_class(b, 0);
}

#[divan::bench(sample_count = 200)]
fn search_2_chars(b: divan::Bencher) {
    bench_class(b, 1);
}

#[divan::bench(sample_count = 200)]
fn search_3_plus_chars(b: divan::Bencher) {
    bench_class(b, 2);
}

#[divan::bench(sample_count = 200)]
fn search_reading(b: divan::Bencher) {
    bench_class(b, 3);
}

#[divan::bench(sample_count = 200)]
fn search_phone(b: divan::Bencher) {
    bench_class(b, 4);
}

#[divan::bench(sample_count = 3, sample_size = 1)]
fn duplicate_scan_companies(b: divan::Bencher) {
    let store = open();
    b.bench_local(|| store.find_duplicates(Kind::Company).unwrap());
}

#[divan::bench(sample_count = 3, sample_size = 1)]
fn duplicate_scan_contacts(b: divan::Bencher) {
    let store = open();
    b.bench_local(|| store.find_duplicates(Kind::Contact).unwrap());
}
