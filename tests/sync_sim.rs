//! Deterministic simulation of folder sync: 2–6 devices make random edits
//! and sync in random orders through a simulated cloud drive that delivers
//! files late, out of order, twice, truncated, corrupted, as "conflicted
//! copies" and with changed case; devices have clocks off by ±1 h or a year,
//! crash between writing a file and noting it, meet a read-only folder and a
//! full disk, join late from a snapshot, and are retired. After every file is
//! delivered, every device's export must be identical, and every accepted
//! write must be current, knowingly overwritten, or recorded as a conflict;
//! every device lists the same conflicts, each with the record's value now.
//!
//! `DAIFUKU_SIM_SEEDS=10000 cargo test --release --test sync_sim` for a long
//! run; `DAIFUKU_SIM_SEED=N` replays one seed.

use std::collections::{BTreeMap, BTreeSet};

use daifuku::store::Store;
use daifuku::sync::crypto::{KdfParams, Keyring};
use daifuku::sync::folder::{FolderError, SyncFolder};
use daifuku::sync::{sync_round, ConflictChoice, SnapshotPolicy, SyncOptions, SyncReport};
use daifuku::{Ctx, Kind};
use rand::{RngExt, SeedableRng};
use rand_chacha::ChaCha8Rng;
use serde_json::{json, Map, Value};

const T0: i64 = 1_790_000_000_000;
const HOUR: i64 = 3_600_000;
const YEAR: i64 = 365 * 24 * HOUR;

/// Faults a device's view of the folder has right now.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum WriteFault {
    None,
    ReadOnly,
    Full,
    /// The process dies after writing the temporary file, before the rename.
    CrashBeforeRename,
    /// The process dies right after the rename, before noting the file.
    CrashAfterRename,
}

/// What one device sees of the shared folder: its sync client's local copy.
#[derive(Default)]
struct View {
    files: BTreeMap<String, Vec<u8>>,
    /// Created here, not uploaded yet.
    outbox: Vec<String>,
    /// Deleted here, deletion not uploaded yet.
    deleted: Vec<String>,
    fault: Option<WriteFault>,
    temp_counter: u64,
}

impl SyncFolder for View {
    fn list(&mut self, prefix: &str) -> Result<Vec<String>, FolderError> {
        Ok(self.files.keys().filter(|k| k.starts_with(prefix)).cloned().collect())
    }
    fn read(&mut self, name: &str) -> Result<Vec<u8>, FolderError> {
        self.files.get(name).cloned().ok_or(FolderError::NotFound)
    }
    fn create(&mut self, name: &str, bytes: &[u8]) -> Result<(), FolderError> {
        match self.fault.unwrap_or(WriteFault::None) {
            WriteFault::ReadOnly => return Err(FolderError::ReadOnly),
            WriteFault::Full => {
                // A partial temporary file may be left behind.
                self.temp_counter += 1;
                let tmp = format!("{name}.tmp{}", self.temp_counter);
                self.files.insert(tmp, bytes[..bytes.len() / 3].to_vec());
                return Err(FolderError::Full);
            }
            WriteFault::CrashBeforeRename => {
                self.temp_counter += 1;
                let tmp = format!(".{}.tmp{}", name.replace('/', "_"), self.temp_counter);
                self.files.insert(tmp.clone(), bytes.to_vec());
                self.outbox.push(tmp);
                self.fault = None;
                return Err(FolderError::Other("crashed".into()));
            }
            WriteFault::CrashAfterRename | WriteFault::None => {}
        }
        if self.files.contains_key(name) {
            return Err(FolderError::AlreadyExists);
        }
        self.files.insert(name.to_string(), bytes.to_vec());
        self.outbox.push(name.to_string());
        if self.fault == Some(WriteFault::CrashAfterRename) {
            self.fault = None;
            return Err(FolderError::Other("crashed".into()));
        }
        Ok(())
    }
    fn delete(&mut self, name: &str) -> Result<(), FolderError> {
        if self.fault == Some(WriteFault::ReadOnly) {
            return Err(FolderError::ReadOnly);
        }
        if self.files.remove(name).is_some() {
            self.deleted.push(name.to_string());
        }
        Ok(())
    }
}

/// One field write accepted on some device: the oracle's record.
#[derive(Debug, Clone)]
struct Write {
    version: String,
    prev: String,
    value: Value,
}

struct Device {
    store: Store,
    /// The folder holding this device's database file (and nothing else of
    /// this device's at the end: scratch files of rounds are gone).
    dir: tempfile::TempDir,
    view: View,
    keys: Keyring,
    skew: i64,
    alive: bool,
    name: String,
}

struct Sim {
    rng: ChaCha8Rng,
    now: i64,
    devices: Vec<Device>,
    /// The cloud: what has been uploaded (name → bytes); deletions remove.
    cloud: BTreeMap<String, Vec<u8>>,
    /// Every accepted field write, by (record, field).
    writes: BTreeMap<(String, String), Vec<Write>>,
    passphrase: Option<String>,
    snapshot_after: u64,
    log: Vec<String>,
}

fn version_of(hlc: &str, prev: &str) -> String {
    let device = hlc.splitn(3, '-').nth(2).unwrap_or("");
    daifuku::sync::hlc::version_of(hlc, prev, device)
}

impl Sim {
    fn new(seed: u64) -> Sim {
        let mut rng = ChaCha8Rng::seed_from_u64(seed);
        let n = rng.random_range(2..=6);
        let passphrase = (rng.random_range(0..4) == 0).then(|| "合言葉-secret".to_string());
        let mut sim = Sim {
            rng,
            now: T0,
            devices: vec![],
            cloud: BTreeMap::new(),
            writes: BTreeMap::new(),
            passphrase,
            snapshot_after: 0,
            log: vec![],
        };
        sim.snapshot_after = sim.rng.random_range(20..200);
        for i in 0..n {
            sim.add_device(seed * 100 + i as u64);
        }
        sim
    }

    fn add_device(&mut self, id_seed: u64) {
        // On disk, like a laptop's: a round's scratch files (snapshot images
        // being written or joined) go beside the database, and are checked.
        let dir = tempfile::tempdir().unwrap();
        let mut store = Store::open(&dir.path().join("daifuku.db")).unwrap();
        store.seed_ids(id_seed);
        let skew = match self.rng.random_range(0..10) {
            0 => HOUR,
            1 => -HOUR,
            2 => YEAR,
            3 => 37_000,
            _ => 0,
        };
        let i = self.devices.len();
        self.devices.push(Device {
            store,
            dir,
            view: View::default(),
            keys: Keyring::new(self.passphrase.clone()),
            skew,
            alive: true,
            name: format!("PC-{i}"),
        });
    }

    fn ctx(&mut self, i: usize) -> Ctx {
        let now = self.now + self.devices[i].skew;
        self.devices[i].store.context(now).unwrap()
    }

    fn live(&self, i: usize, kind: Kind) -> Vec<String> {
        self.devices[i]
            .store
            .conn()
            .prepare(&format!("SELECT id FROM {} WHERE deleted_at IS NULL ORDER BY id", kind.meta().table))
            .unwrap()
            .query_map([], |r| r.get(0))
            .unwrap()
            .map(Result::unwrap)
            .collect()
    }

    fn trashed(&self, i: usize, kind: Kind) -> Vec<String> {
        self.devices[i]
            .store
            .conn()
            .prepare(&format!("SELECT id FROM {} WHERE deleted_at IS NOT NULL ORDER BY id", kind.meta().table))
            .unwrap()
            .query_map([], |r| r.get(0))
            .unwrap()
            .map(Result::unwrap)
            .collect()
    }

    fn pick<T: Clone>(&mut self, v: &[T]) -> Option<T> {
        if v.is_empty() {
            None
        } else {
            Some(v[self.rng.random_range(0..v.len())].clone())
        }
    }

    /// Records the field writes of local changes after `before`.
    fn note_writes(&mut self, i: usize, before: i64) {
        let rows: Vec<(String, String, String, Option<String>)> = self.devices[i]
            .store
            .conn()
            .prepare("SELECT hlc, record_id, fields, prev FROM changes WHERE seq > ?1 ORDER BY seq")
            .unwrap()
            .query_map([before], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)))
            .unwrap()
            .map(Result::unwrap)
            .collect();
        for (hlc, id, fields, prev) in rows {
            let fields: Map<String, Value> = serde_json::from_str(&fields).unwrap();
            let prev: Map<String, Value> = prev.map(|p| serde_json::from_str(&p).unwrap()).unwrap_or_default();
            for (f, v) in fields {
                if f == "_resolved" {
                    continue;
                }
                let p = prev.get(&f).or_else(|| prev.get("")).and_then(Value::as_str).unwrap_or("").to_string();
                self.writes.entry((id.clone(), f)).or_default().push(Write {
                    version: version_of(&hlc, &p),
                    prev: p,
                    value: v,
                });
            }
        }
    }

    fn random_edit(&mut self, i: usize) {
        let before = self.devices[i].store.sync_last_seq().unwrap();
        let ctx = self.ctx(i);
        let names = ["山田商事", "あおば有限会社", "株式会社ミドリ", "東都精機", "北星物産"];
        let titles = ["部長", "課長", "主任", "担当", "社長"];
        let choice = self.rng.random_range(0..100);
        let companies = self.live(i, Kind::Company);
        let contacts = self.live(i, Kind::Contact);
        let result = if choice < 15 || companies.is_empty() {
            let name = self.pick(&names).unwrap();
            let mut f = Map::new();
            f.insert("name".into(), json!(format!("{name}{}", self.rng.random_range(0..50))));
            if self.rng.random_bool(0.5) {
                f.insert("rank".into(), json!(self.pick(&["A", "B", "C"]).unwrap()));
            }
            self.devices[i].store.create_fields(&ctx, Kind::Company, f).map(|_| ())
        } else if choice < 25 {
            let company = self.pick(&companies).unwrap();
            let mut f = Map::new();
            f.insert("company_id".into(), json!(company));
            f.insert("family_name".into(), json!(self.pick(&["佐藤", "鈴木", "高橋", "田中"]).unwrap()));
            f.insert("title".into(), json!(self.pick(&titles).unwrap()));
            self.devices[i].store.create_fields(&ctx, Kind::Contact, f).map(|_| ())
        } else if choice < 55 {
            let id = self.pick(&companies).unwrap();
            let mut f = Map::new();
            match self.rng.random_range(0..5) {
                0 => f.insert(
                    "name".into(),
                    json!(format!("{}{}", self.pick(&names).unwrap(), self.rng.random_range(0..50))),
                ),
                1 => f.insert("rank".into(), json!(self.pick(&["A", "B", "C"]).unwrap())),
                2 => f.insert(
                    "phone".into(),
                    json!(format!("03-{:04}-{:04}", self.rng.random_range(0..10000), self.rng.random_range(0..10000))),
                ),
                3 => f.insert("tags".into(), json!([self.pick(&["重要", "新規", "休眠"]).unwrap()])),
                _ => f.insert(
                    "employees".into(),
                    if self.rng.random_bool(0.2) { Value::Null } else { json!(self.rng.random_range(1..5000)) },
                ),
            };
            self.devices[i].store.update(&ctx, Kind::Company, &id, None, f).map(|_| ())
        } else if choice < 70 && !contacts.is_empty() {
            let id = self.pick(&contacts).unwrap();
            let mut f = Map::new();
            match self.rng.random_range(0..3) {
                0 => f.insert("title".into(), json!(self.pick(&titles).unwrap())),
                1 => f.insert(
                    "phone".into(),
                    json!(format!("090-{:04}-{:04}", self.rng.random_range(0..10000), self.rng.random_range(0..10000))),
                ),
                _ => f.insert("memos".into(), json!(format!("メモ {}", self.rng.random_range(0..1000)))),
            };
            self.devices[i].store.update(&ctx, Kind::Contact, &id, None, f).map(|_| ())
        } else if choice < 80 {
            let kind = if self.rng.random_bool(0.7) || contacts.is_empty() { Kind::Company } else { Kind::Contact };
            let ids = self.live(i, kind);
            match self.pick(&ids) {
                // As the app does: a company takes its contacts along.
                Some(id) => self.devices[i].store.delete_cascading(&ctx, kind, &id).map(|_| ()),
                None => Ok(()),
            }
        } else if choice < 88 {
            let kind = if self.rng.random_bool(0.7) { Kind::Company } else { Kind::Contact };
            let ids = self.trashed(i, kind);
            match self.pick(&ids) {
                Some(id) => self.devices[i].store.restore_cascading(&ctx, kind, &id).map(|_| ()),
                None => Ok(()),
            }
        } else if choice < 92 {
            // An attachment (issue 5): a few distinct contents, so devices
            // attach the same bytes too; they travel as `a/<sha256>.dfk`.
            let (kind, ids) = if self.rng.random_bool(0.5) || contacts.is_empty() {
                (Kind::Company, companies.clone())
            } else {
                (Kind::Contact, contacts.clone())
            };
            let owner = self.pick(&ids).unwrap();
            let n = self.rng.random_range(0..6u8);
            let bytes: Vec<u8> = (0..64 + n as usize * 40).map(|k| (k as u8).wrapping_mul(n + 1)).collect();
            self.devices[i].store.attach_file(&ctx, kind, &owner, &format!("名刺{n}.png"), None, &bytes).map(|_| ())
        } else {
            let open = self.devices[i].store.sync_conflicts(100).unwrap();
            match self.pick(&open) {
                Some(c) => {
                    let choice =
                        if self.rng.random_bool(0.5) { ConflictChoice::Current } else { ConflictChoice::Other };
                    self.devices[i].store.resolve_conflict(&ctx, c.id, choice, None).map(|_| ())
                }
                None => Ok(()),
            }
        };
        let _ = result; // rejected writes (validation, stale refs) are not accepted writes
        self.note_writes(i, before);
    }

    fn options(&mut self, i: usize) -> SyncOptions {
        let mut o = SyncOptions::new(self.now + self.devices[i].skew);
        o.device_name = Some(self.devices[i].name.clone());
        o.entropy = self.rng.random();
        o.kdf = KdfParams::TEST;
        o.snapshot = SnapshotPolicy::After(self.snapshot_after);
        o.changes_per_file = self.rng.random_range(1..40);
        o.snapshot_part_bytes = self.rng.random_range(4096..65536);
        o.info_every_ms = HOUR;
        o
    }

    fn sync(&mut self, i: usize, retire: Vec<String>) -> Option<SyncReport> {
        let mut opts = self.options(i);
        opts.retire = retire;
        let d = &mut self.devices[i];
        match sync_round(&mut d.store, &mut d.view, &mut d.keys, &opts) {
            Ok(r) => {
                if std::env::var("DAIFUKU_SIM_DEBUG").is_ok() && (r.snapshot_loaded.is_some() || r.conflicts_new > 0) {
                    eprintln!(
                        "device {i} at {}: loaded {:?} conflicts {}",
                        self.now, r.snapshot_loaded, r.conflicts_new
                    );
                }
                Some(r)
            }
            Err(e) => {
                // Only "wait" kinds of failure are acceptable here.
                assert!(
                    ["sync_waiting", "sync_folder_unreachable", "sync_folder_error"].contains(&e.code.as_str()),
                    "device {i}: {e:?}"
                );
                None
            }
        }
    }

    /// The sync client of device `i` uploads one pending file or deletion.
    fn upload(&mut self, i: usize) {
        let v = &mut self.devices[i].view;
        if !v.deleted.is_empty() && self.rng.random_bool(0.5) {
            let name = v.deleted.remove(0);
            self.cloud.remove(&name);
            return;
        }
        if v.outbox.is_empty() {
            return;
        }
        let k = self.rng.random_range(0..v.outbox.len());
        let name = v.outbox.remove(k);
        if let Some(bytes) = v.files.get(&name) {
            self.cloud.insert(name, bytes.clone());
        }
    }

    /// The sync client of device `i` downloads one file, perhaps badly.
    fn download(&mut self, i: usize, faults: bool) {
        let missing: Vec<String> = self
            .cloud
            .iter()
            .filter(|(k, b)| self.devices[i].view.files.get(*k) != Some(*b))
            .map(|(k, _)| k.clone())
            .collect();
        let gone: Vec<String> = self.devices[i]
            .view
            .files
            .keys()
            .filter(|k| !self.cloud.contains_key(*k) && !self.devices[i].view.outbox.contains(k))
            .cloned()
            .collect();
        if !gone.is_empty() && self.rng.random_bool(0.3) {
            let g = self.pick(&gone).unwrap();
            self.devices[i].view.files.remove(&g);
            return;
        }
        let Some(name) = self.pick(&missing) else { return };
        let bytes = self.cloud[&name].clone();
        let roll = if faults { self.rng.random_range(0..100) } else { 99 };
        let view = &mut self.devices[i].view;
        match roll {
            0..=7 => {
                let cut = self.rng.random_range(0..bytes.len());
                view.files.insert(name, bytes[..cut].to_vec());
            }
            8..=11 => {
                let mut b = bytes.clone();
                let at = self.rng.random_range(0..b.len());
                b[at] ^= 1 << self.rng.random_range(0..8);
                view.files.insert(name, b);
            }
            12..=15 => {
                let copy = name.replace(".dfk", " (PC-9's conflicted copy 2026-01-01).dfk");
                view.files.insert(copy, bytes.clone());
                view.files.insert(name, bytes);
            }
            16..=18 => {
                view.files.insert(name.to_uppercase(), bytes.clone());
            }
            _ => {
                view.files.insert(name, bytes);
            }
        }
    }

    fn step(&mut self, faults: bool) {
        self.now += self.rng.random_range(1..120_000);
        let alive: Vec<usize> = (0..self.devices.len()).filter(|i| self.devices[*i].alive).collect();
        let i = self.pick(&alive).unwrap();
        let roll = self.rng.random_range(0..100);
        if faults && roll < 4 {
            let fault = match self.rng.random_range(0..4) {
                0 => WriteFault::ReadOnly,
                1 => WriteFault::Full,
                2 => WriteFault::CrashBeforeRename,
                _ => WriteFault::CrashAfterRename,
            };
            self.devices[i].view.fault = Some(fault);
        } else if roll < 10 {
            if matches!(self.devices[i].view.fault, Some(WriteFault::ReadOnly | WriteFault::Full)) {
                self.devices[i].view.fault = None;
            }
        } else if roll < 50 {
            self.random_edit(i);
        } else if roll < 65 {
            self.sync(i, vec![]);
        } else if roll < 82 {
            self.upload(i);
        } else {
            self.download(i, faults);
        }
    }

    /// Stops faults and delivers everything until every device is quiet.
    fn settle(&mut self, seed: u64) {
        for d in &mut self.devices {
            d.view.fault = None;
        }
        for pass in 0..40 {
            // Rounds run every minute or so, as in the app.
            self.now += 60_000;
            let mut busy = false;
            for i in 0..self.devices.len() {
                if !self.devices[i].alive {
                    continue;
                }
                // Deliver everything, both ways, completely.
                while !self.devices[i].view.outbox.is_empty() || !self.devices[i].view.deleted.is_empty() {
                    self.upload(i);
                }
            }
            for i in 0..self.devices.len() {
                if !self.devices[i].alive {
                    continue;
                }
                let cloud = self.cloud.clone();
                let view = &mut self.devices[i].view;
                view.files.retain(|k, _| cloud.contains_key(k) || view.outbox.contains(k));
                for (k, b) in cloud {
                    view.files.insert(k, b);
                }
                let r = self.sync(i, vec![]).expect("sync works once faults are gone");
                assert!(r.errors.is_empty(), "seed {seed} device {i}: {:?}", r.errors);
                if r.changes_applied > 0
                    || r.changes_written > 0
                    || r.pending_local > 0
                    || r.waiting_remote > 0
                    || r.attachments_pending > 0
                    || r.snapshot_loaded.is_some()
                {
                    busy = true;
                }
                if !self.devices[i].view.outbox.is_empty() {
                    busy = true;
                }
            }
            if !busy && pass > 0 {
                return;
            }
        }
        if std::env::var("DAIFUKU_SIM_DEBUG").is_ok() {
            let mut names: Vec<&String> =
                self.cloud.keys().filter(|k| k.starts_with("s/") || k.starts_with("r/")).collect();
            names.sort();
            for n in names {
                let name = daifuku::sync::format::FileName::parse(n).unwrap();
                let body = daifuku::sync::format::open_body(&name, &self.cloud[n], &self.devices[0].keys);
                eprintln!("{n}: {body:?}");
            }
            for (i, d) in self.devices.iter_mut().enumerate() {
                eprintln!("device {i} alive {} id {:?} peers {:?}", d.alive, d.store.device_id(), d.store.sync_peers());
            }
        }
        panic!("seed {seed}: devices did not settle");
    }
}

fn run_seed(seed: u64) {
    let mut sim = Sim::new(seed);
    // Up to 500 operations; most seeds are shorter (keeps CI fast).
    let u: f64 = sim.rng.random();
    let ops = 20 + (480.0 * u * u * u) as usize;
    let late_at = (sim.rng.random_bool(0.4)).then(|| sim.rng.random_range(ops / 3..ops));
    let retire_at = (sim.devices.len() > 2 && sim.rng.random_bool(0.3)).then(|| sim.rng.random_range(ops / 2..ops));
    for op in 0..ops {
        if Some(op) == late_at {
            sim.add_device(seed * 100 + 99);
            sim.log.push(format!("op {op}: device {} joins", sim.devices.len() - 1));
        }
        if Some(op) == retire_at {
            // Device 1 leaves for good after sending everything it has.
            let mut tries = 0;
            loop {
                sim.devices[1].view.fault = None;
                let r = sim.sync(1, vec![]);
                while !sim.devices[1].view.outbox.is_empty() {
                    sim.upload(1);
                }
                tries += 1;
                if std::env::var("DAIFUKU_SIM_DEBUG").is_ok() {
                    eprintln!("retiring device 1, try {tries}: {r:?}");
                }
                if r.is_some_and(|r| r.pending_local == 0 && r.errors.is_empty()) || tries > 5 {
                    break;
                }
            }
            sim.devices[1].alive = false;
            let gone = sim.devices[1].store.device_id().unwrap();
            sim.sync(0, vec![gone]);
            sim.log.push(format!("op {op}: device 1 retired"));
        }
        sim.step(true);
    }
    sim.settle(seed);
    check(&mut sim, seed);
}

fn check(sim: &mut Sim, seed: u64) {
    let alive: Vec<usize> = (0..sim.devices.len()).filter(|i| sim.devices[*i].alive).collect();
    let exports: Vec<String> = alive
        .iter()
        .map(|i| serde_json::to_string_pretty(&sim.devices[*i].store.export_json().unwrap()).unwrap())
        .collect();
    for (k, e) in exports.iter().enumerate().skip(1) {
        if *e != exports[0] {
            let a: Vec<&str> = exports[0].lines().collect();
            let b: Vec<&str> = e.lines().collect();
            let at = a.iter().zip(&b).position(|(x, y)| x != y).unwrap_or(a.len().min(b.len()));
            panic!(
                "seed {seed}: device {} differs from device {} at line {at}:\n{}\nvs\n{}\nlog: {:?}",
                alive[k],
                alive[0],
                a[at.saturating_sub(5)..(at + 5).min(a.len())].join("\n"),
                b[at.saturating_sub(5)..(at + 5).min(b.len())].join("\n"),
                sim.log
            );
        }
    }
    // The derived rows agree too: a device's own writes make match keys and
    // search documents at once, received changes at the end of the round
    // (on a second thread), snapshots by copying them.
    let derived = |i: usize| -> (Vec<String>, Vec<String>) {
        let conn = sim.devices[i].store.conn();
        let rows = |sql: &str| -> Vec<String> {
            conn.prepare(sql).unwrap().query_map([], |r| r.get::<_, String>(0)).unwrap().map(|r| r.unwrap()).collect()
        };
        (
            rows("SELECT kind || ' ' || record_id || ' ' || key_type || ' ' || key FROM match_keys ORDER BY 1"),
            rows("SELECT kind || ' ' || record_id || ' ' || digest FROM search_docs ORDER BY 1"),
        )
    };
    let first = derived(alive[0]);
    for &i in &alive[1..] {
        let other = derived(i);
        assert_eq!(other.0, first.0, "seed {seed}: device {i}'s match keys differ from device {}'s", alive[0]);
        assert_eq!(other.1, first.1, "seed {seed}: device {i}'s search documents differ from device {}'s", alive[0]);
    }
    // The conflict list is shared office data: every device lists the same
    // entries (same ids, same losing values, same current version), and no
    // entry shows a stale current value: it is the record's value now.
    let conflicts = |i: usize| -> Vec<String> {
        let store = &sim.devices[i].store;
        let mut out: Vec<String> = store
            .sync_conflicts(10_000)
            .unwrap()
            .into_iter()
            .map(|c| {
                let rec = store.get(c.kind, &c.record_id).unwrap();
                let live = if c.field == "_deleted" {
                    json!(rec.deleted_at.is_some())
                } else {
                    rec.record.to_fields().get(&c.field).cloned().unwrap_or(Value::Null)
                };
                if c.reason == daifuku::sync::ConflictReason::EditedWhileDeleted {
                    assert!(rec.deleted_at.is_some(), "seed {seed}: device {i}: {c:?} but the record is not deleted");
                } else {
                    let blank = |v: &Value| v.is_null() || v == &json!("") || v == &json!([]);
                    assert!(
                        c.kept_value == live || (blank(&c.kept_value) && blank(&live)),
                        "seed {seed}: device {i} shows a stale current value {} (now {live}) in {c:?}",
                        c.kept_value
                    );
                }
                let losers: Vec<String> =
                    c.losers.iter().map(|l| format!("{}={}({:?})", l.version, l.value, l.reason)).collect();
                format!("{} {} {:?} kept {} losers {:?}", c.id, c.key, c.reason, c.kept_version, losers)
            })
            .collect();
        out.sort();
        out
    };
    let first = conflicts(alive[0]);
    for &i in &alive[1..] {
        let other = conflicts(i);
        assert_eq!(
            other, first,
            "seed {seed}: device {i}'s conflict list differs from device {}'s; log: {:?}",
            alive[0], sim.log
        );
    }
    // No live record under a company in the trash goes unnoticed: each such
    // contact is in the orphan list (shown with the conflicts), and every
    // device lists the same orphans.
    let orphans = |i: usize| -> Vec<String> {
        let mut out: Vec<String> = sim.devices[i]
            .store
            .orphans()
            .unwrap()
            .into_iter()
            .map(|o| format!("{} {} under {}", o.kind.as_str(), o.id, o.company_id))
            .collect();
        out.sort();
        out
    };
    for &i in &alive {
        let listed = orphans(i);
        let conn = sim.devices[i].store.conn();
        let under_trash: Vec<String> = conn
            .prepare(
                "SELECT 'contact ' || t.id || ' under ' || c.id FROM contacts t JOIN companies c ON c.id = t.company_id \
                 WHERE t.deleted_at IS NULL AND c.deleted_at IS NOT NULL ORDER BY 1",
            )
            .unwrap()
            .query_map([], |r| r.get::<_, String>(0))
            .unwrap()
            .map(|r| r.unwrap())
            .collect();
        if !under_trash.is_empty() && i == alive[0] {
            SEEDS_WITH_ORPHANS.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        }
        for o in &under_trash {
            assert!(
                listed.contains(o),
                "seed {seed}: device {i} has {o} (company in the trash) but lists no orphan for it"
            );
        }
    }
    let first_orphans = orphans(alive[0]);
    for &i in &alive[1..] {
        assert_eq!(orphans(i), first_orphans, "seed {seed}: device {i}'s orphans differ from device {}'s", alive[0]);
    }
    // No round left a temporary file beside any database.
    for (i, d) in sim.devices.iter().enumerate() {
        let mut left: Vec<String> = std::fs::read_dir(d.dir.path())
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .filter(|n| !["daifuku.db", "daifuku.db-wal", "daifuku.db-shm"].contains(&n.as_str()))
            .collect();
        left.sort();
        assert!(left.is_empty(), "seed {seed}: device {i} left temporary files beside its database: {left:?}");
    }
    // Every attachment's bytes arrived everywhere, and are the named content.
    for &i in &alive {
        let store = &sim.devices[i].store;
        assert_eq!(
            store.sync_blobs_missing().unwrap(),
            Vec::<String>::new(),
            "seed {seed}: device {i} lacks attachment bytes"
        );
        for sha in store.sync_blobs_held().unwrap() {
            assert_eq!(daifuku::sync::format::sha256_hex(&store.sync_blob(&sha).unwrap().unwrap()), sha, "seed {seed}");
        }
    }
    // No accepted write is lost: each is an ancestor of the current value,
    // or equal in value to one, or recorded as a conflict (itself or a later
    // write of its own line) on every device.
    for &i in &alive {
        let store = &sim.devices[i].store;
        let clocks: BTreeMap<String, BTreeMap<String, String>> = store
            .conn()
            .prepare("SELECT record_id, clocks FROM record_clocks")
            .unwrap()
            .query_map([], |r| Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?)))
            .unwrap()
            .map(Result::unwrap)
            .map(|(id, c)| (id, serde_json::from_str(&c).unwrap()))
            .collect();
        let recorded: BTreeSet<(String, String, String)> = store
            .conn()
            .prepare("SELECT record_id, field, loser_version FROM sync_conflicts")
            .unwrap()
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
            .unwrap()
            .map(Result::unwrap)
            .collect();
        for ((id, field), writes) in &sim.writes {
            // Exports are identical, so a record missing here is missing on
            // every device: one a retired device made and never got to send.
            let Some(c) = clocks.get(id) else { continue };
            let current = c.get(field).or_else(|| c.get("")).cloned().unwrap_or_default();
            let by_version: BTreeMap<&str, &Write> = writes.iter().map(|w| (w.version.as_str(), w)).collect();
            let mut ancestors = BTreeSet::new();
            let mut at = current.as_str();
            let mut values = Vec::new();
            while let Some(w) = by_version.get(at) {
                ancestors.insert(w.version.clone());
                values.push(w.value.clone());
                at = w.prev.as_str();
            }
            for w in writes {
                if ancestors.contains(&w.version) || values.contains(&w.value) {
                    continue;
                }
                // w or a later write of the same line was kept as a conflict.
                let mut line = vec![w.version.clone()];
                let mut k = 0;
                while k < line.len() {
                    let parent = line[k].clone();
                    for x in writes.iter().filter(|x| x.prev == parent) {
                        line.push(x.version.clone());
                    }
                    k += 1;
                }
                // Covered: a write of its line (its author's later writes) is
                // recorded, or lives on in the current value's history.
                // (Equal values count as one: a value kept once is not lost.)
                let recorded_values: Vec<&Value> = writes
                    .iter()
                    .filter(|x| recorded.contains(&(id.clone(), field.clone(), x.version.clone())))
                    .map(|x| &x.value)
                    .collect();
                let kept = line.iter().any(|v| {
                    recorded.contains(&(id.clone(), field.clone(), v.clone()))
                        || ancestors.contains(v)
                        || by_version
                            .get(v.as_str())
                            .is_some_and(|x| values.contains(&x.value) || recorded_values.contains(&&x.value))
                }) || (field == "_deleted" && w.value == json!(false));
                assert!(
                    kept,
                    "seed {seed}: device {i} lost write {w:?} of {id}.{field} (current {current}); all writes: {writes:#?}; recorded: {:?}; log: {:?}",
                    recorded.iter().filter(|r| r.0 == *id).collect::<Vec<_>>(),
                    sim.log
                );
            }
        }
    }
}

fn seeds() -> Vec<u64> {
    if let Ok(s) = std::env::var("DAIFUKU_SIM_SEED") {
        return vec![s.parse().unwrap()];
    }
    let n: u64 = std::env::var("DAIFUKU_SIM_SEEDS").ok().and_then(|s| s.parse().ok()).unwrap_or(200);
    (1..=n).collect()
}

#[test]
fn devices_converge_and_lose_nothing_under_faults() {
    let seeds = seeds();
    let threads = 2;
    // Every seed runs even after one fails, and the failures are listed
    // together (a long run reports all its bad seeds, not the first).
    let failed = std::sync::Mutex::new(Vec::new());
    std::thread::scope(|s| {
        for t in 0..threads {
            let mine: Vec<u64> = seeds.iter().copied().filter(|x| x % threads == t).collect();
            let failed = &failed;
            s.spawn(move || {
                for seed in mine {
                    if std::panic::catch_unwind(|| run_seed(seed)).is_err() {
                        failed.lock().unwrap().push(seed);
                    }
                }
            });
        }
    });
    let mut failed = failed.into_inner().unwrap();
    failed.sort();
    assert!(
        failed.is_empty(),
        "{} of {} seeds failed: {failed:?} (replay one with DAIFUKU_SIM_SEED=N)",
        failed.len(),
        seeds.len()
    );
    // The orphan property was put to the test, not vacuously true.
    let with_orphans = SEEDS_WITH_ORPHANS.load(std::sync::atomic::Ordering::Relaxed);
    eprintln!("{with_orphans} of {} seeds ended with orphans, each listed", seeds.len());
    if seeds.len() >= 100 {
        assert!(
            SEEDS_WITH_ORPHANS.load(std::sync::atomic::Ordering::Relaxed) > 0,
            "no seed ended with a live contact under a company in the trash"
        );
    }
}

/// Seeds that ended with live records under a trashed company (checked as orphans).
static SEEDS_WITH_ORPHANS: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);

/// A folder written by a newer app is refused with "please update", and the
/// local database is left as it was.
#[test]
fn a_newer_folder_format_is_refused_and_nothing_is_lost() {
    let mut store = Store::open_in_memory().unwrap();
    let ctx = store.context(T0).unwrap();
    store.create_fields(&ctx, Kind::Company, json!({"name": "山田商事"}).as_object().unwrap().clone()).unwrap();
    let mut folder = daifuku::sync::MemoryFolder::new();
    let newer = format!("format-{:04}.dfk", daifuku::sync::format::FORMAT_VERSION + 1);
    folder.create(&newer, b"from the future").unwrap();
    let before = store.export_json().unwrap();
    let e = sync_round(&mut store, &mut folder, &mut Keyring::default(), &SyncOptions::new(T0)).unwrap_err();
    assert_eq!(e.code, "sync_format_newer");
    assert!(e.message.contains("update"));
    assert_eq!(folder.files.len(), 1, "nothing written");
    assert_eq!(store.export_json().unwrap(), before);
    assert_eq!(store.sync_status().unwrap().pending_changes, 1);
}

/// Two devices edit the same field concurrently: the later edit wins on both,
/// the other is a conflict on both, and resolving it syncs too.
#[test]
fn concurrent_edits_become_a_conflict_that_resolves_everywhere() {
    let mut folder = daifuku::sync::MemoryFolder::new();
    let mut a = Store::open_in_memory().unwrap();
    a.seed_ids(1);
    let mut b = Store::open_in_memory().unwrap();
    b.seed_ids(2);
    let mut keys = Keyring::default();
    let ctx = a.context(T0).unwrap();
    let id = a.create_fields(&ctx, Kind::Company, json!({"name": "山田商事"}).as_object().unwrap().clone()).unwrap().id;
    let round = |s: &mut Store, f: &mut daifuku::sync::MemoryFolder, now: i64| {
        sync_round(s, f, &mut Keyring::default(), &SyncOptions::new(now)).unwrap()
    };
    round(&mut a, &mut folder, T0 + 1);
    let r = round(&mut b, &mut folder, T0 + 2);
    assert_eq!(r.records_created, 1);
    let patch = |v: &str| json!({ "phone": v }).as_object().unwrap().clone();
    let ca = a.context(T0 + 10).unwrap();
    a.update(&ca, Kind::Company, &id, None, patch("03-1111-1111")).unwrap();
    let cb = b.context(T0 + 20).unwrap();
    b.update(&cb, Kind::Company, &id, None, patch("03-2222-2222")).unwrap();
    round(&mut a, &mut folder, T0 + 30);
    round(&mut b, &mut folder, T0 + 31);
    round(&mut a, &mut folder, T0 + 32);
    for s in [&a, &b] {
        assert_eq!(s.get(Kind::Company, &id).unwrap().record.to_fields()["phone"], json!("03-2222-2222"));
        let c = s.sync_conflicts(10).unwrap();
        assert_eq!(c.len(), 1, "{c:?}");
        assert_eq!(c[0].other_value, json!("03-1111-1111"));
        assert_eq!(c[0].kept_value, json!("03-2222-2222"));
    }
    // A takes its own value back.
    let conflict = a.sync_conflicts(10).unwrap()[0].id;
    let ca = a.context(T0 + 40).unwrap();
    a.resolve_conflict(&ca, conflict, ConflictChoice::Other, None).unwrap();
    round(&mut a, &mut folder, T0 + 41);
    round(&mut b, &mut folder, T0 + 42);
    for s in [&a, &b] {
        assert_eq!(s.get(Kind::Company, &id).unwrap().record.to_fields()["phone"], json!("03-1111-1111"));
        assert!(s.sync_conflicts(10).unwrap().is_empty());
    }
    assert_eq!(a.export_json().unwrap(), b.export_json().unwrap());
    let _ = &mut keys;
}

/// An edit made while another device deleted the record shows up in the trash
/// as a conflict on both devices; restoring brings the edit back.
#[test]
fn an_edit_concurrent_with_a_delete_is_a_conflict_in_the_trash() {
    let mut folder = daifuku::sync::MemoryFolder::new();
    let mut a = Store::open_in_memory().unwrap();
    a.seed_ids(1);
    let mut b = Store::open_in_memory().unwrap();
    b.seed_ids(2);
    let round = |s: &mut Store, f: &mut daifuku::sync::MemoryFolder, now: i64| {
        sync_round(s, f, &mut Keyring::default(), &SyncOptions::new(now)).unwrap()
    };
    let ctx = a.context(T0).unwrap();
    let id = a.create_fields(&ctx, Kind::Company, json!({"name": "山田商事"}).as_object().unwrap().clone()).unwrap().id;
    round(&mut a, &mut folder, T0 + 1);
    round(&mut b, &mut folder, T0 + 2);
    let ca = a.context(T0 + 10).unwrap();
    a.delete(&ca, Kind::Company, &id).unwrap();
    let cb = b.context(T0 + 20).unwrap();
    b.update(&cb, Kind::Company, &id, None, json!({"phone": "03-5555-5555"}).as_object().unwrap().clone()).unwrap();
    round(&mut a, &mut folder, T0 + 30);
    round(&mut b, &mut folder, T0 + 31);
    round(&mut a, &mut folder, T0 + 32);
    for s in [&a, &b] {
        let rec = s.get(Kind::Company, &id).unwrap();
        assert!(rec.deleted_at.is_some());
        assert_eq!(rec.record.to_fields()["phone"], json!("03-5555-5555"));
        let c = s.sync_conflicts(10).unwrap();
        assert_eq!(c.len(), 1, "{c:?}");
        assert_eq!(c[0].reason, daifuku::sync::ConflictReason::EditedWhileDeleted);
        assert_eq!(s.trash(0, 10).unwrap()[0].id, id);
    }
    let conflict = b.sync_conflicts(10).unwrap()[0].id;
    let cb = b.context(T0 + 40).unwrap();
    b.resolve_conflict(&cb, conflict, ConflictChoice::Other, None).unwrap();
    round(&mut b, &mut folder, T0 + 41);
    round(&mut a, &mut folder, T0 + 42);
    for s in [&a, &b] {
        assert!(s.get(Kind::Company, &id).unwrap().deleted_at.is_none());
        assert!(s.sync_conflicts(10).unwrap().is_empty());
    }
    assert_eq!(a.export_json().unwrap(), b.export_json().unwrap());
}

/// A device whose clock is a year ahead cannot freeze anyone's edits: an
/// edit made after seeing its value wins everywhere, and it is warned about.
#[test]
fn a_clock_a_year_ahead_is_warned_about_and_does_not_freeze_edits() {
    let mut folder = daifuku::sync::MemoryFolder::new();
    let mut a = Store::open_in_memory().unwrap();
    a.seed_ids(1);
    let mut b = Store::open_in_memory().unwrap();
    b.seed_ids(2);
    let round = |s: &mut Store, f: &mut daifuku::sync::MemoryFolder, now: i64| {
        sync_round(s, f, &mut Keyring::default(), &SyncOptions::new(now)).unwrap()
    };
    let future = T0 + YEAR;
    let cf = a.context(future).unwrap();
    let id = a.create_fields(&cf, Kind::Company, json!({"name": "未来商事"}).as_object().unwrap().clone()).unwrap().id;
    round(&mut a, &mut folder, future + 1);
    let r = round(&mut b, &mut folder, T0 + 2);
    assert!(r.warnings.iter().any(|w| w.code == "clock_ahead"), "{:?}", r.warnings);
    let cb = b.context(T0 + 3).unwrap();
    b.update(&cb, Kind::Company, &id, None, json!({"name": "現在商事"}).as_object().unwrap().clone()).unwrap();
    round(&mut b, &mut folder, T0 + 4);
    round(&mut a, &mut folder, future + 5);
    for s in [&a, &b] {
        assert_eq!(s.get(Kind::Company, &id).unwrap().record.to_fields()["name"], json!("現在商事"));
    }
    // B's own clock was not dragged a year ahead.
    assert!(b.sync_clock_ms().unwrap() <= T0 + 4 + daifuku::store::CLOCK_ADVANCE_CAP_MS);
}
