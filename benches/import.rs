//! `cargo bench --bench import`: importing a 100k-row company CSV (mapping,
//! normalization, natural-key matching with 2% repeated keys, validation,
//! all derived data and the change log, one transaction) against bulk
//! inserts of the same rows:
//! - `store_create_many`: the store's own bulk insert of the already-clean
//!   records (same derived data and change log, no file, no planning);
//! - `raw_sql_insert`: bare `INSERT`s of the same values into the
//!   companies table (no derived data, no change log) — the floor the goal
//!   is set against;
//! - `written_rows_sql_insert`: bare `INSERT`s of every row the store
//!   writes for these records (the record, its match keys, change-log entry,
//!   field clocks, search document and full-text rows), made beforehand and
//!   each table in its cheapest order — the floor of any import that keeps
//!   search, duplicate detection and sync working.
//!
//! Goal: ≥ 50k rows/s and ≤ 3× the raw insert. `DAIFUKU_BENCH_ROWS`
//! changes the size (default 100000). divan prints rows/s (items/s).

use daifuku::import::{self, Flow, ImportOptions};
use daifuku::normalize::corporate_check_digit;
use daifuku::{Ctx, Kind, Store};
use divan::counter::ItemsCount;
use divan::Bencher;
use serde_json::{Map, Value};

const NOW: i64 = 1_790_000_000_000;

fn rows() -> usize {
    std::env::var("DAIFUKU_BENCH_ROWS").ok().and_then(|s| s.parse().ok()).unwrap_or(100_000)
}

const PREFS: &[(&str, &str, &str)] = &[
    ("東京都", "千代田区", "100"),
    ("大阪府", "大阪市北区", "530"),
    ("愛知県", "名古屋市中区", "460"),
    ("福岡県", "福岡市中央区", "810"),
    ("北海道", "札幌市中央区", "060"),
];

/// One company row: (code, name, reading, corporate number, postal, address, phone, employees, capital, e-mail).
fn row(i: usize, n: usize) -> [String; 10] {
    // Every 50th row repeats an earlier customer code: an update of that record.
    let k = if i % 50 == 49 { i - 25 } else { i };
    let base = format!("{:012}", 100_000_000_000u64 + k as u64 * 7);
    let (pref, city, zip) = PREFS[k % PREFS.len()];
    [
        format!("K{k:06}"),
        format!("株式会社テスト商事{k}"),
        format!("テストショウジ{k}"),
        format!("{}{base}", corporate_check_digit(&base)),
        format!("{zip}-{:04}", k % 10_000),
        format!("{pref}{city}丸の内{}-{}-{}", k % 9 + 1, k % 20 + 1, k % 30 + 1),
        // 03-0xxx cannot exist (validation refuses it): exchanges from 2000.
        format!("03-{:04}-{:04}", 2000 + (k / 10_000) % 8_000, k % 10_000),
        format!("{}", 10 + k % 500),
        format!("{}万円", 100 + k % 9_000),
        format!("info{k}@example{}.co.jp", k % (n / 10 + 1)),
    ]
}

fn csv_bytes(n: usize) -> Vec<u8> {
    let mut out = String::from("顧客コード,会社名,フリガナ,法人番号,郵便番号,住所,電話番号,従業員数,資本金,メール\r\n");
    for i in 0..n {
        out.push_str(&row(i, n).join(","));
        out.push_str("\r\n");
    }
    out.into_bytes()
}

/// The same rows as clean company fields (what the store stores).
fn records(n: usize) -> Vec<(Kind, Map<String, Value>)> {
    (0..n)
        .filter(|i| i % 50 != 49)
        .map(|i| {
            let r = row(i, n);
            let k = i;
            let (pref, city, _) = PREFS[k % PREFS.len()];
            let mut m = Map::new();
            m.insert("code".into(), Value::String(r[0].clone()));
            m.insert("name".into(), Value::String(r[1].clone()));
            m.insert("name_reading".into(), Value::String(r[2].clone()));
            m.insert("corporate_number".into(), Value::String(r[3].clone()));
            m.insert("postal_code".into(), Value::String(r[4].clone()));
            m.insert("prefecture".into(), Value::String(pref.into()));
            m.insert("city".into(), Value::String(city.into()));
            m.insert("street".into(), Value::String(r[5][pref.len() + city.len()..].to_string()));
            m.insert("phone".into(), Value::String(r[6].clone()));
            m.insert("employees".into(), Value::from(10 + k % 500));
            m.insert("capital".into(), Value::from((100 + k % 9_000) as i64 * 10_000));
            m.insert("email".into(), Value::String(r[9].clone()));
            (Kind::Company, m)
        })
        .collect()
}

fn fresh() -> (tempfile::TempDir, Store) {
    let dir = tempfile::tempdir().unwrap();
    let mut store = Store::open(&dir.path().join("bench.db")).unwrap();
    store.seed_ids(1);
    (dir, store)
}

#[divan::bench(sample_count = 3, sample_size = 1)]
fn import_csv(bencher: Bencher) {
    let n = rows();
    let bytes = csv_bytes(n);
    bencher.counter(ItemsCount::new(n)).with_inputs(fresh).bench_local_values(|(dir, mut store)| {
        let opts = ImportOptions::default();
        let raw = import::read("bench.csv", &bytes, &opts).unwrap();
        let r = store.import_apply(&Ctx::new(NOW, "bench"), &raw, &opts, false, &mut |_| Flow::Continue).unwrap();
        assert_eq!(r.created as usize + r.updated as usize, n);
        (dir, store)
    });
}

#[divan::bench(sample_count = 3, sample_size = 1)]
fn import_preview(bencher: Bencher) {
    let n = rows();
    let bytes = csv_bytes(n);
    bencher.counter(ItemsCount::new(n)).with_inputs(fresh).bench_local_values(|(dir, store)| {
        let opts = ImportOptions::default();
        let raw = import::read("bench.csv", &bytes, &opts).unwrap();
        let p = store.import_preview(&raw, &opts, &mut |_| Flow::Continue).unwrap();
        assert_eq!(p.summary.rows as usize, n);
        (dir, store)
    });
}

#[divan::bench(sample_count = 3, sample_size = 1)]
fn store_create_many(bencher: Bencher) {
    let n = rows();
    let recs = records(n);
    bencher.counter(ItemsCount::new(recs.len())).with_inputs(fresh).bench_local_values(|(dir, mut store)| {
        store.create_many(&Ctx::new(NOW, "bench"), &recs).unwrap();
        (dir, store)
    });
}

#[divan::bench(sample_count = 3, sample_size = 1)]
fn raw_sql_insert(bencher: Bencher) {
    let n = rows();
    let recs = records(n);
    let cols = [
        "code",
        "name",
        "name_reading",
        "corporate_number",
        "postal_code",
        "prefecture",
        "city",
        "street",
        "phone",
        "employees",
        "capital",
        "email",
    ];
    bencher
        .counter(ItemsCount::new(recs.len()))
        .with_inputs(fresh)
        .bench_local_values(|(dir, store)| {
            let conn = store.conn();
            conn.execute_batch("BEGIN").unwrap();
            {
                let sql = format!(
                    "INSERT INTO companies (id, version, created_at, updated_at, display_name, sort_key, {}) VALUES (?1, 1, ?2, ?2, ?3, ?4, {})",
                    cols.join(", "),
                    (0..cols.len()).map(|i| format!("?{}", i + 5)).collect::<Vec<_>>().join(", ")
                );
                let mut stmt = conn.prepare(&sql).unwrap();
                for (i, (_, m)) in recs.iter().enumerate() {
                    let mut values: Vec<rusqlite::types::Value> = vec![
                        format!("0190{i:028}").into(),
                        NOW.into(),
                        m["name"].as_str().unwrap().to_string().into(),
                        m["name_reading"].as_str().unwrap().to_string().into(),
                    ];
                    for c in cols {
                        values.push(match &m[c] {
                            Value::Number(x) => x.as_i64().unwrap().into(),
                            Value::String(s) => s.clone().into(),
                            _ => rusqlite::types::Value::Null,
                        });
                    }
                    stmt.execute(rusqlite::params_from_iter(values)).unwrap();
                }
            }
            conn.execute_batch("COMMIT").unwrap();
            (dir, store)
        });
}

#[global_allocator]
static ALLOCATOR: daifuku::Allocator = daifuku::Allocator;

fn main() {
    divan::main();
}

/// Every row `create_many` wrote, per table, made once per process (the
/// setup runs a whole `create_many`): table, column list, rows in the
/// cheapest order (rowid or key order; full-text rows by rowid).
type Tables = Vec<(&'static str, String, Vec<Vec<rusqlite::types::Value>>)>;

fn written_rows(n: usize) -> Tables {
    use rusqlite::types::Value as S;
    let recs = records(n);
    let (_dir, mut store) = fresh();
    let ids = store.create_many(&Ctx::new(NOW, "bench"), &recs).unwrap();
    let conn = store.conn();
    let dump = |sql: &str| -> Vec<Vec<S>> {
        let mut st = conn.prepare(sql).unwrap();
        let n = st.column_count();
        st.query_map([], |r| (0..n).map(|i| r.get::<_, S>(i)).collect()).unwrap().map(|r| r.unwrap()).collect()
    };
    let columns = |table: &str| -> String {
        let names: Vec<String> = conn
            .prepare(&format!("SELECT name FROM pragma_table_info('{table}') ORDER BY cid"))
            .unwrap()
            .query_map([], |r| r.get(0))
            .unwrap()
            .map(|r| r.unwrap())
            .collect();
        names.join(", ")
    };
    let mut tables: Tables = Vec::new();
    for (table, order) in [
        ("companies", "rowid"),
        ("match_keys", "key_type, kind, key, record_id"),
        ("changes", "seq"),
        ("record_clocks", "record_id"),
        ("search_docs", "doc"),
    ] {
        tables.push((table, columns(table), dump(&format!("SELECT * FROM {table} ORDER BY {order}"))));
    }
    // The full-text tables are contentless: their text is made again from the
    // records. Rowid = column << 44 | document, columns in rank order (as in
    // crates/daifuku-core/src/store/search.rs).
    let docs: std::collections::HashMap<String, i64> = conn
        .prepare("SELECT record_id, doc FROM search_docs")
        .unwrap()
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
        .unwrap()
        .map(|r| r.unwrap())
        .collect();
    let (mut text, mut grams) = (Vec::new(), Vec::new());
    for (id, (kind, fields)) in ids.iter().zip(&recs) {
        let d = daifuku::keys::search_doc(*kind, fields).unwrap();
        let doc = docs[id];
        for (column, t) in [&d.reading, &d.name, &d.code, &d.phone, &d.email, &d.body].into_iter().enumerate() {
            if !t.is_empty() {
                text.push(vec![S::Integer(((column as i64) << 44) | doc), S::Text(t.clone())]);
            }
        }
        for (column, g) in [&d.reading_grams, &d.name_grams, &d.code_grams].into_iter().enumerate() {
            if !g.is_empty() {
                grams.push(vec![S::Integer(((column as i64) << 44) | doc), S::Text(g.clone())]);
            }
        }
    }
    let rowid = |r: &Vec<S>| match r[0] {
        S::Integer(i) => i,
        _ => unreachable!(),
    };
    text.sort_by_key(rowid);
    grams.sort_by_key(rowid);
    tables.push(("search_text", "rowid, text".into(), text));
    tables.push(("search_grams", "rowid, grams".into(), grams));
    tables
}

#[divan::bench(sample_count = 3, sample_size = 1)]
fn written_rows_sql_insert(bencher: Bencher) {
    let tables = written_rows(rows());
    bencher.counter(ItemsCount::new(tables[0].2.len())).with_inputs(fresh).bench_local_values(|(dir, store)| {
        let conn = store.conn();
        conn.pragma_update(None, "cache_size", -262_144).unwrap();
        conn.execute_batch("BEGIN").unwrap();
        for (table, columns, rows) in &tables {
            let params: Vec<String> = (1..=rows[0].len()).map(|i| format!("?{i}")).collect();
            let mut stmt =
                conn.prepare(&format!("INSERT INTO {table} ({columns}) VALUES ({})", params.join(", "))).unwrap();
            for row in rows {
                stmt.execute(rusqlite::params_from_iter(row.iter())).unwrap();
            }
        }
        conn.execute_batch("COMMIT").unwrap();
        (dir, store)
    });
}
