//! `cargo bench --bench host`: how long the UI's commands (list, search,
//! open a company) take while a sync round runs against a slow folder —
//! every file operation of the round waits 200 ms, as on a slow NAS share or
//! a cloud folder that is still downloading (issue 17, benchmark (a)).
//!
//! Two ways of running the round, each on a fresh copy of the same laptop
//! database pulling the same office from the same folder:
//! - `round under the UI's lock`: the round holds the UI's connection for
//!   its whole length, as the hosts did before `Host` ran rounds on their own
//!   connection (the desktop shell locked its one `Mutex<Store>` and synced);
//! - `round on its own connection`: `Host::dispatch` as the desktop shell and
//!   `daifuku serve` use it now.
//!
//! While the round runs, the UI asks every 50 ms, in turn: a page of the
//! company list, a search (Ctrl+K), and one company (the company page).
//! Prints p50 / p95 / max per way. `DAIFUKU_BENCH_HOST_COMPANIES` sets the
//! size of the office pulled (default 2,000 companies with their contacts,
//! deals, activities …) and `DAIFUKU_BENCH_HOST_DELAY_MS` the delay (200).

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, Instant};

// The slow folder double the tests use (tests/common).
#[path = "../tests/common/mod.rs"]
mod common;

use daifuku::sync::folder::SyncFolder;
use daifuku::{Ctx, Store};
use daifuku_host::{open_folder, Host, SyncHost};
use serde_json::{json, Value};

#[global_allocator]
static ALLOCATOR: daifuku::Allocator = daifuku::Allocator;

const NOW: i64 = 1_790_000_000_000;

fn env_usize(name: &str, default: usize) -> usize {
    std::env::var(name).ok().and_then(|s| s.parse().ok()).unwrap_or(default)
}

fn slow_sync(delay: Duration) -> SyncHost {
    SyncHost::with_opener(move |target| {
        Ok(Box::new(common::SlowFolder { inner: open_folder(target)?, delay }) as Box<dyn SyncFolder>)
    })
}

fn generate(path: &Path, companies: usize, seed: u64) -> Store {
    let mut store = Store::open(path).unwrap();
    let ctx: Ctx = store.context(NOW).unwrap();
    let opts = daifuku_gen::GenOptions { companies, seed, customers_only: false };
    daifuku_gen::generate(&mut store, &ctx, &opts, &mut |_, _| {}).unwrap();
    store
}

fn configure(host: &Host, folder: &Path, name: &str) {
    let cmd = json!({"cmd": "sync_configure", "folder": folder.to_str().unwrap(), "device_name": name});
    host.dispatch(cmd, NOW, 540).unwrap();
}

/// The UI's requests, in turn.
fn ui_commands(company_id: &str) -> Vec<(&'static str, Value)> {
    vec![
        ("list", json!({"cmd": "list", "kind": "company", "query": {"filters": [], "limit": 50, "no_total": false}})),
        ("search", json!({"cmd": "search", "q": "株式会社", "limit": 20})),
        ("open", json!({"cmd": "get", "kind": "company", "id": company_id})),
    ]
}

struct Figures {
    samples: Vec<Duration>,
    round: Duration,
}

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    sorted[((sorted.len() as f64 - 1.0) * p).round() as usize]
}

/// One round on a fresh copy of the laptop, with the UI asking meanwhile.
fn measure(laptop: &Path, folder: &Path, delay: Duration, under_lock: bool) -> Figures {
    let host = Arc::new(Host::with_sync(Store::open(laptop).unwrap(), slow_sync(delay)));
    configure(&host, folder, "営業部のノートPC");
    let company_id = {
        let v = host.dispatch(ui_commands("")[0].1.clone(), NOW, 540).unwrap();
        v["data"]["items"][0]["id"].as_str().unwrap().to_string()
    };
    let done = Arc::new(std::sync::atomic::AtomicBool::new(false));
    let started = Instant::now();
    let round = {
        let (host, done) = (host.clone(), done.clone());
        std::thread::spawn(move || {
            if under_lock {
                // As the hosts did: the UI's connection held for the round.
                let mut store = host.store().unwrap();
                slow_sync(delay).sync_now(&mut store, NOW + 60_000, &[]).unwrap();
            } else {
                host.sync_now(NOW + 60_000, &[]).unwrap();
            }
            done.store(true, std::sync::atomic::Ordering::SeqCst);
        })
    };
    // Let the round start before the first request.
    std::thread::sleep(Duration::from_millis(20));
    let commands = ui_commands(&company_id);
    let mut samples = Vec::new();
    let mut i = 0;
    while !done.load(std::sync::atomic::Ordering::SeqCst) {
        let t = Instant::now();
        host.dispatch(commands[i % commands.len()].1.clone(), NOW, 540).unwrap();
        samples.push(t.elapsed());
        i += 1;
        std::thread::sleep(Duration::from_millis(50));
    }
    round.join().unwrap();
    let round = started.elapsed();
    // The pulled office is there for the UI afterwards.
    let total = host
        .dispatch(
            json!({"cmd": "list", "kind": "company", "query": {"filters": [], "limit": 1, "no_total": false}}),
            NOW,
            540,
        )
        .unwrap()["data"]["total"]
        .as_u64()
        .unwrap();
    assert!(total > 0);
    samples.sort();
    Figures { samples, round }
}

fn main() {
    let companies = env_usize("DAIFUKU_BENCH_HOST_COMPANIES", 2_000);
    let delay = Duration::from_millis(env_usize("DAIFUKU_BENCH_HOST_DELAY_MS", 200) as u64);
    let dir = tempfile::tempdir().unwrap();
    let folder = dir.path().join("shared");
    std::fs::create_dir_all(&folder).unwrap();

    // The office: a colleague's laptop that synced its companies to the folder.
    {
        let colleague = generate(&dir.path().join("colleague.db"), companies, 1);
        let host = Host::new(colleague);
        configure(&host, &folder, "営業二課のPC");
        host.sync_now(NOW, &[]).unwrap();
    }
    let files = std::fs::read_dir(&folder).map(|d| d.count()).unwrap_or(0);
    // This laptop: its own customers, then it pulls the office.
    let laptop: PathBuf = dir.path().join("laptop.db");
    drop(generate(&laptop, 500, 2));

    println!("host: UI commands while a round pulls {companies} companies through a folder with {} ms per file operation ({files} entries at the top of the folder)", delay.as_millis());
    println!("{:<32} {:>8} {:>9} {:>9} {:>9} {:>8}", "", "round", "p50", "p95", "max", "samples");
    for (label, under_lock) in [("round under the UI's lock", true), ("round on its own connection", false)] {
        let copy = dir.path().join(format!("laptop-{under_lock}.db"));
        std::fs::copy(&laptop, &copy).unwrap();
        let f = measure(&copy, &folder, delay, under_lock);
        let ms = |d: Duration| format!("{:.1} ms", d.as_secs_f64() * 1000.0);
        println!(
            "{:<32} {:>8} {:>9} {:>9} {:>9} {:>8}",
            label,
            format!("{:.1} s", f.round.as_secs_f64()),
            ms(percentile(&f.samples, 0.5)),
            ms(percentile(&f.samples, 0.95)),
            ms(*f.samples.last().unwrap()),
            f.samples.len()
        );
    }
}
