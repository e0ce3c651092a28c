//! What the benchmarks share: the generated database, made once by
//! `daifuku_gen` (100k companies, ~300k contacts, ~1M activities by default;
//! `DAIFUKU_BENCH_COMPANIES` changes the size) and cached in `target/bench-data/`.

use std::path::PathBuf;
use std::sync::OnceLock;
use std::time::Instant;

use daifuku::{Ctx, Store};

/// The clock every benchmark writes with.
pub const NOW: i64 = 1_790_000_000_000;

pub fn companies() -> usize {
    std::env::var("DAIFUKU_BENCH_COMPANIES").ok().and_then(|s| s.parse().ok()).unwrap_or(100_000)
}

/// Where the generated database of `n` companies is cached.
pub fn cached_path(n: usize) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join(format!("target/bench-data/gen-{n}-seed1.db"))
}

/// The generated database of `companies()` companies, made on first use.
#[allow(dead_code)] // not every benchmark uses it
pub fn db() -> &'static PathBuf {
    static DB: OnceLock<PathBuf> = OnceLock::new();
    DB.get_or_init(|| {
        let n = companies();
        let path = cached_path(n);
        if !path.exists() {
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            let tmp = path.with_extension("db.partial");
            let _ = std::fs::remove_file(&tmp);
            let mut store = Store::open(&tmp).unwrap();
            let ctx = Ctx::new(NOW, "bench");
            let started = Instant::now();
            let stats = daifuku_gen::generate(
                &mut store,
                &ctx,
                &daifuku_gen::GenOptions { companies: n, seed: 1, customers_only: false },
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
        encrypted_variant(path)
    })
}

/// `DAIFUKU_BENCH_ENCRYPTED=1`: the same database encrypted (SQLCipher, issue
/// 18), made once beside it and unlocked for this process, so every bench
/// runs on the encrypted file with the app's settings (64 MB page cache).
fn encrypted_variant(plain: PathBuf) -> PathBuf {
    if std::env::var("DAIFUKU_BENCH_ENCRYPTED").map_or(true, |v| v.is_empty() || v == "0") {
        return plain;
    }
    use daifuku::store::crypto;
    const PASS: &str = "bench passphrase 2026";
    let path = plain.with_extension("encrypted.db");
    if !path.exists() {
        let tmp = path.with_extension("partial");
        let _ = std::fs::remove_file(&tmp);
        let started = Instant::now();
        crypto::export_file(&plain, None, &tmp, Some(&crypto::DbKey::fresh(PASS))).unwrap();
        std::fs::rename(&tmp, &path).unwrap();
        eprintln!("encrypted copy made in {:.1} s", started.elapsed().as_secs_f64());
    }
    crypto::unlock(&path, PASS).unwrap();
    path
}
