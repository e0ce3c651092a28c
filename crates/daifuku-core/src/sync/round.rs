//! One sync round: read what the other devices wrote, apply it, write this
//! device's new changes, acknowledge, and now and then write a snapshot and
//! compact. Every step can be interrupted (crash, full disk, read-only
//! folder) and the next round picks up: nothing is marked done before the
//! file that proves it exists, and no file is ever rewritten.

use std::collections::{BTreeMap, BTreeSet};
use std::io::{Read, Write};

use serde_json::Value;

use super::clock;
use super::crypto::{FileKey, KdfParams, Keyring};
use super::folder::{FolderError, SyncFolder};
use super::format::{
    self, Body, ChangeBatch, DeviceInfo, FileName, FileProblem, Packing, SnapshotManifest, Vector, FORMAT_VERSION,
};
use super::hlc::{self, valid_device_id};
use super::{SyncIssue, SyncReport};

/// An attachment file found damaged this many times, over at least this
/// long, is asked for again through this device's info file.
const BLOB_STUCK_TRIES: i64 = 3;
const BLOB_STUCK_MS: i64 = 10 * 60 * 1000;
use crate::error::{ApiError, Result};
use crate::store::{Peer, Store};

// The audit trail's files (issue 18): a child module, so it uses the round's helpers.
#[path = "audit_sync.rs"]
mod audit_sync;

/// When to write a snapshot.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SnapshotPolicy {
    Never,
    Always,
    /// When this many changes in the folder are not covered by a snapshot.
    After(u64),
}

/// What the caller decides for a round.
#[derive(Debug, Clone)]
pub struct SyncOptions {
    /// The caller's wall clock (ms since the epoch).
    pub now_ms: i64,
    /// A name for this device, shown to the others (kept once given).
    pub device_name: Option<String>,
    /// Random bytes from the caller: the salt of a new encrypted workspace.
    pub entropy: [u8; 16],
    /// Key derivation cost for a new encrypted workspace.
    pub kdf: KdfParams,
    pub snapshot: SnapshotPolicy,
    /// Changes per change file.
    pub changes_per_file: usize,
    /// Bytes of database image per snapshot part (before compression).
    pub snapshot_part_bytes: usize,
    /// Delete own files every device has acknowledged and a snapshot covers.
    pub compact: bool,
    /// Devices gone for good: their acknowledgements are no longer awaited.
    pub retire: Vec<String>,
    /// Write a fresh "I am here" file at least this often (ms).
    pub info_every_ms: i64,
    pub app_version: String,
}

impl SyncOptions {
    pub fn new(now_ms: i64) -> SyncOptions {
        SyncOptions {
            now_ms,
            device_name: None,
            entropy: [0; 16],
            kdf: KdfParams::DEFAULT,
            snapshot: SnapshotPolicy::After(20_000),
            changes_per_file: 5_000,
            snapshot_part_bytes: 32 << 20,
            compact: true,
            retire: vec![],
            info_every_ms: 3_600_000,
            app_version: env!("CARGO_PKG_VERSION").to_string(),
        }
    }
}

/// Clocks further ahead than this are reported.
const CLOCK_WARN_MS: i64 = 2 * 60_000;

fn folder_issue(e: &FolderError, doing: &str) -> SyncIssue {
    match e {
        FolderError::ReadOnly => SyncIssue::new(
            "folder_read_only",
            format!("Cannot {doing}: the sync folder is read-only. Ask whoever manages the shared folder for write access. Your changes are kept on this computer and sent later."),
        ),
        FolderError::Full => SyncIssue::new(
            "folder_full",
            format!("Cannot {doing}: the disk or the cloud storage is full. Free some space; your changes are kept on this computer and sent later."),
        ),
        other => SyncIssue::new(
            "folder_error",
            format!("Cannot {doing}: {other}. Check that the sync folder is reachable; nothing is lost, the next sync tries again."),
        ),
    }
}

fn newer_error(v: u16) -> ApiError {
    ApiError::new(
        "sync_format_newer",
        format!("This sync folder was written by a newer Daifuku (folder format {v}; this app reads up to {FORMAT_VERSION}). Please update Daifuku on this computer. Nothing was changed, and your changes are kept until you do."),
    )
}

/// A round's view of the folder.
struct Listing {
    files: BTreeSet<FileName>,
}

impl Listing {
    /// The change file of `device` to apply after its change `applied`: the
    /// one that continues from there and reaches furthest.
    fn next_changes(&self, device: &str, applied: u64) -> Option<(u64, u64)> {
        self.changes_of(device)
            .into_iter()
            .filter(|(first, last)| *first <= applied + 1 && *last > applied)
            .max_by_key(|r| r.1)
    }

    fn changes_of(&self, device: &str) -> Vec<(u64, u64)> {
        self.files
            .iter()
            .filter_map(|f| match f {
                FileName::Changes { device: d, first, last } if d == device => Some((*first, *last)),
                _ => None,
            })
            .collect()
    }
    fn devices(&self) -> BTreeSet<String> {
        self.files
            .iter()
            .filter_map(|f| match f {
                FileName::Changes { device, .. } | FileName::Info { device, .. } => Some(device.clone()),
                _ => None,
            })
            .collect()
    }
}

struct Round<'a> {
    store: &'a mut Store,
    folder: &'a mut dyn SyncFolder,
    keys: &'a mut Keyring,
    opts: &'a SyncOptions,
    me: String,
    report: SyncReport,
    write_key: Option<FileKey>,
    /// Nothing more may be written this round (the folder refused a write).
    writes_blocked: bool,
    /// A change file read ahead and being opened (decrypted, unpacked,
    /// parsed) on another thread while the current one is applied.
    prefetch: Option<Prefetch>,
    /// Attachment contents other devices keep finding damaged in the folder,
    /// with the newest info that said so (`DeviceInfo::damaged_blobs`).
    peer_damaged: BTreeMap<String, i64>,
}

struct Prefetch {
    name: FileName,
    opened: std::thread::JoinHandle<std::result::Result<Body, FileProblem>>,
}

impl Round<'_> {
    fn read_body(&mut self, name: &FileName) -> Result<Option<Body>> {
        let body = match self.prefetch.take() {
            Some(ahead) if ahead.name == *name => {
                self.report.files_read += 1;
                let opened =
                    ahead.opened.join().unwrap_or_else(|_| Err(FileProblem::Damaged("could not be opened".into())));
                self.settle(&name.to_path(), opened)?
            }
            _ => self.read_with(name, |bytes, keys| format::open_body(name, bytes, keys))?,
        };
        if let Some(Body::Changes(b)) = &body {
            if b.changes.iter().any(|c| hlc::Hlc::parse(&c.hlc).is_none()) {
                return self.bad_file(&name.to_path(), "a change has no valid clock").map(|_| None);
            }
        }
        Ok(body)
    }

    /// A file's unpacked bytes (a snapshot part).
    fn read_bytes(&mut self, name: &FileName) -> Result<Option<Vec<u8>>> {
        self.read_with(name, |bytes, keys| format::open(&name.to_path(), bytes, keys))
    }

    /// Reads and opens a file; `None` (with a warning) when it is missing,
    /// unreadable, locked or damaged, so the next round retries it.
    fn read_with<T>(
        &mut self,
        name: &FileName,
        open: impl FnOnce(&[u8], &Keyring) -> std::result::Result<T, FileProblem>,
    ) -> Result<Option<T>> {
        let path = name.to_path();
        let bytes = match self.folder.read(&path) {
            Ok(b) => b,
            Err(FolderError::NotFound) => return Ok(None),
            Err(e) => {
                self.report.warnings.push(
                    SyncIssue::new("file_unreadable", format!("Could not read {path}: {e}; it is retried next time."))
                        .file(&path),
                );
                return Ok(None);
            }
        };
        self.report.files_read += 1;
        self.settle(&path, open(&bytes, self.keys))
    }

    /// Starts reading and opening a file the round will probably ask for
    /// next. A file that cannot be read now is left to the normal read
    /// (which reports it).
    fn read_ahead(&mut self, name: FileName) {
        if self.prefetch.as_ref().is_some_and(|p| p.name == name) {
            return;
        }
        let Ok(bytes) = self.folder.read(&name.to_path()) else { return };
        let keys = self.keys.clone();
        let for_thread = name.clone();
        let opened = std::thread::spawn(move || format::open_body(&for_thread, &bytes, &keys));
        self.prefetch = Some(Prefetch { name, opened });
    }

    /// What opening a file gave: the value, or `None` with a warning (the
    /// next round retries), or the "please update" error.
    fn settle<T>(&mut self, path: &str, opened: std::result::Result<T, FileProblem>) -> Result<Option<T>> {
        match opened {
            Ok(v) => {
                self.store.sync_clear_bad_file(path)?;
                Ok(Some(v))
            }
            Err(FileProblem::Newer(v)) => Err(newer_error(v)),
            Err(FileProblem::Locked) => {
                self.report.warnings.push(
                    SyncIssue::new(
                        "file_locked",
                        format!("{path} is encrypted with a passphrase this device does not have."),
                    )
                    .file(path),
                );
                Ok(None)
            }
            Err(FileProblem::Damaged(why)) => self.bad_file(path, &why).map(|_| None),
        }
    }

    fn bad_file(&mut self, path: &str, why: &str) -> Result<()> {
        let tries = self.store.sync_note_bad_file(path, why, self.opts.now_ms)?;
        self.report.warnings.push(
            SyncIssue::new(
                "file_incomplete",
                format!("{path} is incomplete or damaged ({why}); probably still being copied by the sync service. Tried {tries}×, retried next time."),
            )
            .file(path),
        );
        Ok(())
    }

    fn create(&mut self, name: &FileName, bytes: &[u8], doing: &str) -> bool {
        if self.writes_blocked {
            return false;
        }
        match self.folder.create(&name.to_path(), bytes) {
            Ok(()) => {
                self.report.files_written += 1;
                true
            }
            Err(e) => {
                self.writes_blocked = true;
                self.report.errors.push(folder_issue(&e, doing).file(&name.to_path()));
                false
            }
        }
    }

    fn seal(&self, name: &FileName, body: &Body) -> Vec<u8> {
        format::seal_body(name, body, self.write_key.as_ref())
    }

    /// Sets up or checks the workspace passphrase.
    fn encryption(&mut self, listing: &Listing) -> Result<()> {
        let salts: Vec<String> = listing
            .files
            .iter()
            .filter_map(|f| match f {
                FileName::Crypt(s) => Some(s.clone()),
                _ => None,
            })
            .collect();
        if salts.is_empty() {
            if !self.keys.has_passphrase() {
                return Ok(());
            }
            let data: Vec<FileName> = listing
                .files
                .iter()
                .filter(|f| {
                    matches!(f, FileName::Changes { .. } | FileName::SnapshotManifest { .. } | FileName::Info { .. })
                })
                .cloned()
                .collect();
            if let Some(first) = data.first() {
                // Encrypted data whose salt file has not arrived yet: wait for it.
                let plain = self
                    .folder
                    .read(&first.to_path())
                    .is_ok_and(|b| format::open(&first.to_path(), &b, &Keyring::default()).is_ok());
                {
                    if !plain {
                        return Err(ApiError::new(
                            "sync_waiting",
                            "The sync folder's encryption settings are still being copied by the sync service; try again shortly.",
                        ));
                    }
                }
                return Err(ApiError::new(
                    "sync_folder_not_encrypted",
                    "This sync folder already holds unencrypted data, so a passphrase cannot be added to it. Choose an empty folder for an encrypted workspace, or sync without a passphrase.",
                ));
            }
            let salt = hex::encode(self.opts.entropy);
            let key = self.keys.key_for(&self.opts.entropy, self.opts.kdf)?.expect("a passphrase is set");
            let name = FileName::Crypt(salt.clone());
            let check = crypt_check(&key, &name);
            let body = Body::Crypt { salt, kdf: self.opts.kdf, check };
            let bytes = format::seal_body(&name, &body, None);
            match self.folder.create(&name.to_path(), &bytes) {
                Ok(()) | Err(FolderError::AlreadyExists) => {}
                Err(e) => {
                    return Err(ApiError::new("sync_folder_error", folder_issue(&e, "set up encryption").message))
                }
            }
            self.write_key = Some(key);
            return Ok(());
        }
        if !self.keys.has_passphrase() {
            return Err(ApiError::new(
                "sync_passphrase_required",
                "This sync folder is encrypted: enter the workspace passphrase to sync.",
            ));
        }
        for salt in &salts {
            let name = FileName::Crypt(salt.clone());
            let Some(Body::Crypt { salt: s, kdf, check }) = self.read_body(&name)? else {
                continue;
            };
            let salt_bytes = hex::decode(&s).unwrap_or_default();
            let Some(key) = self.keys.key_for(&salt_bytes, kdf)? else {
                continue;
            };
            if !verify_crypt_check(&key, &name, &check) {
                return Err(ApiError::new(
                    "sync_wrong_passphrase",
                    "The passphrase does not match this sync folder's. Check it with the person who set up sync.",
                ));
            }
            if self.write_key.is_none() {
                // Salts sort: every device writes with the same (smallest) one.
                self.write_key = Some(key);
            }
        }
        if self.write_key.is_none() {
            return Err(ApiError::new(
                "sync_waiting",
                "The sync folder's encryption settings are still being copied by the sync service; try again shortly.",
            ));
        }
        Ok(())
    }

    /// Recovers from a crash between writing a change file and noting it.
    fn recover_own_files(&mut self, listing: &Listing) -> Result<()> {
        let out_seq = self.store.sync_state_i64("out_seq")? as u64;
        let Some(&(first, last)) = listing.changes_of(&self.me).iter().max_by_key(|r| r.1) else {
            return Ok(());
        };
        if last <= out_seq {
            return Ok(());
        }
        let name = FileName::Changes { device: self.me.clone(), first, last };
        match self.read_body(&name)? {
            Some(Body::Changes(b)) => {
                let ours = b.changes.last().map(|c| c.hlc.clone());
                if self.store.sync_change_hlc(b.local_last)? == ours && ours.is_some() {
                    self.store.sync_state_set("out_seq", &last.to_string())?;
                    self.store.sync_state_set("shipped_seq", &b.local_last.to_string())?;
                    Ok(())
                } else {
                    Err(ApiError::new(
                        "sync_device_clash",
                        format!("The sync folder holds changes of device {} that this database does not have: another copy of this database (a backup or a copied file) synced here. Restore the newest copy, or start this database as a new device.", self.me),
                    ))
                }
            }
            _ => {
                self.writes_blocked = true;
                self.report.warnings.push(SyncIssue::new(
                    "own_file_unreadable",
                    "This device's last file in the sync folder cannot be read yet; sending new changes waits until it can.",
                ));
                Ok(())
            }
        }
    }

    fn applied(&self) -> Result<Vector> {
        Ok(self
            .store
            .sync_peers()?
            .into_iter()
            .filter(|(d, p)| *d != self.me && p.applied > 0)
            .map(|(d, p)| (d, p.applied))
            .collect())
    }

    /// The newest complete snapshot (the one covering most changes), with
    /// its manifest.
    fn newest_snapshot(&mut self, listing: &Listing) -> Result<Option<SnapshotManifest>> {
        Ok(self.complete_snapshots(listing)?.into_iter().max_by_key(|m| (covered(&m.vector), m.written_at)))
    }

    /// Every complete snapshot in the folder (manifest and all its parts).
    fn complete_snapshots(&mut self, listing: &Listing) -> Result<Vec<SnapshotManifest>> {
        let mut manifests: Vec<FileName> =
            listing.files.iter().filter(|f| matches!(f, FileName::SnapshotManifest { .. })).cloned().collect();
        manifests.sort();
        let mut all = Vec::new();
        for name in manifests {
            let Some(Body::SnapshotManifest(m)) = self.read_body(&name)? else {
                continue;
            };
            if m.image_bytes == 0 {
                continue;
            }
            let complete = (0..m.parts)
                .all(|part| listing.files.contains(&FileName::SnapshotPart { device: m.device.clone(), n: m.n, part }));
            if complete {
                all.push(m);
            }
        }
        Ok(all)
    }

    /// The snapshot to load this round, if any: one that closes a gap (a
    /// device whose next change files were compacted away: `gaps` maps it to
    /// the last change number missing), else for a device with nothing
    /// applied yet the newest that brings anything. The newest snapshot need
    /// not cover a gap: a device may have compacted its changes into its own
    /// snapshot before a device that wrote a bigger one had seen them (seed
    /// 6476 of the simulation: every laptop then waited for them forever).
    fn snapshot_to_load(
        &mut self,
        listing: &Listing,
        applied: &Vector,
        gaps: &BTreeMap<String, u64>,
        fresh: bool,
    ) -> Result<Option<SnapshotManifest>> {
        let have = |d: &String| applied.get(d).copied().unwrap_or(0);
        let me = self.me.clone();
        let useful =
            |m: &SnapshotManifest| m.vector.iter().any(|(d, n)| *d != me && *n > applied.get(d).copied().unwrap_or(0));
        let candidates = self.complete_snapshots(listing)?;
        let closing = candidates
            .iter()
            .filter(|m| gaps.iter().any(|(d, last)| m.vector.get(d).is_some_and(|n| *n >= *last && *n > have(d))))
            .max_by_key(|m| (covered(&m.vector), m.written_at));
        if let Some(m) = closing {
            return Ok(Some(m.clone()));
        }
        if fresh || !gaps.is_empty() {
            return Ok(candidates.into_iter().filter(|m| useful(m)).max_by_key(|m| (covered(&m.vector), m.written_at)));
        }
        Ok(None)
    }

    /// Loads a snapshot: puts its parts together into a database image in
    /// a scratch file, then installs it (an empty database) or merges its
    /// records (a database with records of its own). False when a part
    /// cannot be read yet (retried next round).
    fn load_snapshot(&mut self, m: &SnapshotManifest) -> Result<bool> {
        let scratch = scratch_file(self.store, "join")?;
        // Parts are checked and unpacked here while a second thread writes
        // the one before (two cores: unpacking and writing take about as long).
        let (tx, rx) = std::sync::mpsc::sync_channel::<Vec<u8>>(1);
        let file = scratch.as_file();
        let (complete, written) = std::thread::scope(|s| -> Result<(bool, std::io::Result<u64>)> {
            let writer = s.spawn(move || -> std::io::Result<u64> {
                let mut out = file;
                let mut n = 0u64;
                for chunk in rx {
                    out.write_all(&chunk)?;
                    n += chunk.len() as u64;
                }
                Ok(n)
            });
            let read = (|| -> Result<bool> {
                for part in 0..m.parts {
                    let name = FileName::SnapshotPart { device: m.device.clone(), n: m.n, part };
                    let Some(bytes) = self.read_bytes(&name)? else {
                        return Ok(false);
                    };
                    if tx.send(bytes).is_err() {
                        break; // the writer failed: its error is reported below
                    }
                }
                Ok(true)
            })();
            drop(tx);
            let written = writer.join().expect("the scratch writer does not panic");
            Ok((read?, written))
        })?;
        let written = written.map_err(|e| scratch_error(&scratch, e))?;
        if !complete {
            return Ok(false);
        }
        if written != m.image_bytes {
            let path = FileName::SnapshotManifest { device: m.device.clone(), n: m.n }.to_path();
            self.bad_file(&path, "its parts do not add up to the image it names")?;
            return Ok(false);
        }
        self.store.sync_load_image(scratch.path(), self.opts.now_ms)?;
        let mut vector = m.vector.clone();
        vector.remove(&self.me);
        self.store.sync_raise_applied(&vector)?;
        self.report.snapshot_loaded = Some(format!("s/{}-{:012}", m.device, m.n));
        Ok(true)
    }

    /// Applies every readable change file whose predecessors (on its device)
    /// and dependencies (on the others) are applied.
    fn apply_changes(&mut self, listing: &Listing) -> Result<()> {
        let devices: Vec<String> = listing.devices().into_iter().filter(|d| *d != self.me).collect();
        let mut cache: BTreeMap<FileName, ChangeBatch> = BTreeMap::new();
        let mut failed: BTreeSet<FileName> = BTreeSet::new();
        let mut warned_clock: BTreeSet<String> = BTreeSet::new();
        let erased = self.store.erased_ids()?;
        loop {
            let mut progress = false;
            let mut applied = self.applied()?;
            for d in &devices {
                loop {
                    let a = applied.get(d).copied().unwrap_or(0);
                    let Some((first, last)) = listing.next_changes(d, a) else { break };
                    let name = FileName::Changes { device: d.clone(), first, last };
                    if failed.contains(&name) {
                        break;
                    }
                    if !cache.contains_key(&name) {
                        match self.read_body(&name)? {
                            Some(Body::Changes(b)) => {
                                cache.insert(name.clone(), b);
                                // The file after it, opened while this one is applied.
                                if let Some((first, last)) = listing.next_changes(d, last) {
                                    self.read_ahead(FileName::Changes { device: d.clone(), first, last });
                                }
                            }
                            _ => {
                                failed.insert(name);
                                break;
                            }
                        }
                    }
                    let batch = &cache[&name];
                    let ready = batch.deps.iter().all(|(dev, n)| {
                        if *dev == self.me {
                            true
                        } else {
                            applied.get(dev).copied().unwrap_or(0) >= *n
                        }
                    });
                    if !ready {
                        break;
                    }
                    // Erased records (issue 18) stay erased: their changes are placeholders.
                    let (changes, erased_n) = super::erase_sync::without_erased(&batch.changes, &erased);
                    let mut stats = self.store.sync_apply_changes(d, first, &changes, self.opts.now_ms)?;
                    stats.skipped = stats.skipped.saturating_sub(erased_n);
                    self.report.changes_applied += stats.changes;
                    self.report.fields_applied += stats.fields_applied;
                    self.report.fields_kept_local += stats.fields_lost;
                    self.report.conflicts_new += stats.conflicts;
                    self.report.records_created += stats.created;
                    if stats.skipped > 0 {
                        self.report.warnings.push(
                            SyncIssue::new(
                                "changes_skipped",
                                format!("{} changes from {d} name records or kinds this app does not know; update Daifuku if this persists.", stats.skipped),
                            )
                            .device(d),
                        );
                    }
                    if !stats.max_hlc.is_empty() {
                        let ahead = hlc::millis(&stats.max_hlc) - self.opts.now_ms;
                        if ahead > CLOCK_WARN_MS && warned_clock.insert(d.clone()) {
                            self.report.warnings.push(
                                SyncIssue::new(
                                    "clock_ahead",
                                    format!("The clock of device {} is about {} ahead of this computer's. Its edits are merged, but please set its date and time correctly.", self.device_label(d), human_duration(ahead)),
                                )
                                .device(d),
                            );
                        }
                        self.store.sync_observe_clock(&stats.max_hlc, self.opts.now_ms)?;
                    }
                    applied.insert(d.clone(), last);
                    cache.remove(&name);
                    progress = true;
                }
            }
            if !progress {
                break;
            }
        }
        // What is known to exist but is not applied yet.
        let applied = self.applied()?;
        for d in &devices {
            let a = applied.get(d).copied().unwrap_or(0);
            let max = listing.changes_of(d).iter().map(|r| r.1).max().unwrap_or(0);
            if max > a {
                self.report.waiting_remote += max - a;
            }
        }
        Ok(())
    }

    fn device_label(&self, d: &str) -> String {
        match self.store.sync_peers().ok().and_then(|p| p.get(d).and_then(|p| p.name.clone())) {
            Some(n) => format!("\"{n}\" ({d})"),
            None => d.to_string(),
        }
    }

    /// Writes this device's changes not in the folder yet.
    fn write_changes(&mut self) -> Result<()> {
        loop {
            if self.writes_blocked {
                break;
            }
            let shipped = self.store.sync_state_i64("shipped_seq")?;
            let out_seq = self.store.sync_state_i64("out_seq")? as u64;
            let batch = self.store.sync_outgoing(shipped, self.opts.changes_per_file)?;
            if batch.is_empty() {
                break;
            }
            let first = out_seq + 1;
            let last = out_seq + batch.len() as u64;
            let local_last = batch.last().expect("not empty").0;
            let name = FileName::Changes { device: self.me.clone(), first, last };
            let body = Body::Changes(ChangeBatch {
                device: self.me.clone(),
                first,
                last,
                deps: self.applied()?,
                local_last,
                changes: batch.into_iter().map(|(_, c)| c).collect(),
            });
            let bytes = self.seal(&name, &body);
            if !self.create(&name, &bytes, "send your changes") {
                break;
            }
            self.store.sync_state_set("out_seq", &last.to_string())?;
            self.store.sync_state_set("shipped_seq", &local_last.to_string())?;
            self.report.changes_written += last - first + 1;
        }
        Ok(())
    }

    /// Writes the attachment bytes this device has that are not in the
    /// folder yet, each once as `a/<sha256>.dfk` (sealed like every file,
    /// encrypted with a passphrase; stored raw, images do not compress).
    fn write_blobs(&mut self, listing: &Listing) -> Result<()> {
        for sha in self.store.sync_blobs_held()? {
            if self.writes_blocked {
                break;
            }
            let name = FileName::Attachment(sha.clone());
            // Another device keeps finding the folder's copy damaged (a cloud
            // client that sent a partial copy under the name): write it again,
            // once per request (the name is the content's hash, so any holder's
            // copy is the same content).
            let request = self.peer_damaged.get(&sha).copied();
            let answered = format!("blob_rewritten:{sha}");
            let rewrite = match request {
                Some(at) => self.store.sync_state_i64(&answered)? < at,
                None => false,
            };
            if listing.files.contains(&name) && !rewrite {
                continue;
            }
            let Some(bytes) = self.store.sync_blob(&sha)? else { continue };
            let sealed = format::seal(&name.to_path(), &bytes, self.write_key.as_ref(), Packing::Raw);
            if rewrite {
                self.store.sync_state_set(&answered, &request.unwrap_or(0).to_string())?;
                if listing.files.contains(&name) {
                    if let Err(e) = self.folder.delete(&name.to_path()) {
                        self.writes_blocked = true;
                        self.report.errors.push(folder_issue(&e, "send an attachment again").file(&name.to_path()));
                        break;
                    }
                }
                self.report.warnings.push(
                    SyncIssue::new(
                        "attachment_file_replaced",
                        format!("{} arrived damaged on another computer; it is sent again.", name.to_path()),
                    )
                    .file(&name.to_path()),
                );
            }
            match self.folder.create(&name.to_path(), &sealed) {
                // Another device wrote the same content meanwhile: same bytes.
                Ok(()) | Err(FolderError::AlreadyExists) => {
                    self.report.files_written += 1;
                    self.report.attachments_written += 1;
                }
                Err(e) => {
                    self.writes_blocked = true;
                    self.report.errors.push(folder_issue(&e, "send an attachment").file(&name.to_path()));
                }
            }
        }
        Ok(())
    }

    /// An attachment file whose bytes do not match its name: usually still
    /// being copied, so it is retried. One that stays damaged (a cloud client
    /// that sent a partial copy under the name) is listed in this device's
    /// info file (`damaged_blobs`), and a device holding the bytes — which
    /// never reads the file itself — writes it again. Nothing is removed
    /// here: the damage may be this computer's copy alone.
    fn damaged_blob_file(&mut self, path: &str, why: &str) -> Result<()> {
        self.bad_file(path, why)
    }

    /// Attachment contents whose file this device found damaged
    /// [`BLOB_STUCK_TRIES`] times over at least [`BLOB_STUCK_MS`].
    fn stuck_blobs(&self) -> Result<Vec<String>> {
        Ok(self
            .store
            .sync_bad_files()?
            .into_iter()
            .filter(|(_, _, first_seen, tries)| {
                *tries >= BLOB_STUCK_TRIES && self.opts.now_ms - first_seen >= BLOB_STUCK_MS
            })
            .filter_map(|(name, ..)| match FileName::parse(&name) {
                Some(FileName::Attachment(sha)) => Some(sha),
                _ => None,
            })
            .collect())
    }

    /// Reads the attachment bytes other devices' records name and this
    /// device lacks. One not in the folder (yet) is pending, not an error.
    fn read_blobs(&mut self, listing: &Listing) -> Result<()> {
        let mut pending = 0u64;
        for sha in self.store.sync_blobs_missing()? {
            let name = FileName::Attachment(sha.clone());
            if !listing.files.contains(&name) {
                pending += 1;
                continue;
            }
            let path = name.to_path();
            let bytes = match self.folder.read(&path) {
                Ok(b) => b,
                Err(e) => {
                    if e != FolderError::NotFound {
                        self.report.warnings.push(
                            SyncIssue::new(
                                "file_unreadable",
                                format!("Could not read {path}: {e}; it is retried next time."),
                            )
                            .file(&path),
                        );
                    }
                    pending += 1;
                    continue;
                }
            };
            self.report.files_read += 1;
            match format::open(&path, &bytes, self.keys) {
                Ok(plain) if format::sha256_hex(&plain) == sha => {
                    self.store.sync_put_blob(&sha, &plain)?;
                    self.store.sync_clear_bad_file(&path)?;
                    self.report.attachments_read += 1;
                }
                Ok(_) => {
                    self.damaged_blob_file(&path, "content does not match its name")?;
                    pending += 1;
                }
                Err(FileProblem::Newer(v)) => return Err(newer_error(v)),
                Err(FileProblem::Locked) => {
                    self.report.warnings.push(
                        SyncIssue::new(
                            "file_locked",
                            format!("{path} is encrypted with a passphrase this device does not have."),
                        )
                        .file(&path),
                    );
                    pending += 1;
                }
                Err(FileProblem::Damaged(why)) => {
                    self.damaged_blob_file(&path, &why)?;
                    pending += 1;
                }
            }
        }
        self.report.attachments_pending = pending;
        Ok(())
    }

    /// Reads what the other devices last said about themselves.
    fn read_peers(&mut self, listing: &Listing) -> Result<BTreeMap<String, DeviceInfo>> {
        let mut latest: BTreeMap<String, u64> = BTreeMap::new();
        for f in &listing.files {
            match f {
                FileName::Info { device, n } if *device != self.me => {
                    let e = latest.entry(device.clone()).or_insert(*n);
                    *e = (*e).max(*n);
                }
                FileName::Retire { retired, .. } => {
                    self.store.sync_note_peer(&Peer {
                        device_id: retired.clone(),
                        retired: true,
                        ..Default::default()
                    })?;
                }
                _ => {}
            }
        }
        let mut infos = BTreeMap::new();
        for (device, n) in latest {
            let key = format!("info_read:{device}");
            let name = FileName::Info { device: device.clone(), n };
            let cached: Option<DeviceInfo> = self
                .store
                .sync_state_get(&key)?
                .and_then(|s| serde_json::from_str::<(u64, DeviceInfo)>(&s).ok())
                .filter(|(cn, _)| *cn == n)
                .map(|(_, i)| i);
            let info = match cached {
                Some(i) => Some(i),
                None => match self.read_body(&name)? {
                    Some(Body::Info(i)) => {
                        self.store.sync_state_set(&key, &serde_json::to_string(&(n, &i)).expect("serializes"))?;
                        // A clock reading: its clock when written, ours when first read.
                        self.store.sync_state_set(
                            &format!("clock_read:{device}"),
                            &serde_json::to_string(&(i.written_at, self.opts.now_ms)).expect("serializes"),
                        )?;
                        self.store.sync_note_peer(&Peer {
                            device_id: device.clone(),
                            name: i.name.clone(),
                            last_seen: Some(i.written_at),
                            acks: i.applied.clone(),
                            ..Default::default()
                        })?;
                        Some(i)
                    }
                    _ => None,
                },
            };
            if let Some(i) = info {
                infos.insert(device, i);
            }
        }
        Ok(infos)
    }

    /// This device's readings of the others' clocks (`clock_read:<device>`).
    fn clock_readings(&self, devices: impl Iterator<Item = String>) -> Result<BTreeMap<String, (i64, i64)>> {
        let mut out = BTreeMap::new();
        for d in devices {
            if let Some(r) = self
                .store
                .sync_state_get(&format!("clock_read:{d}"))?
                .and_then(|s| serde_json::from_str::<(i64, i64)>(&s).ok())
            {
                out.insert(d, r);
            }
        }
        Ok(out)
    }

    /// Clock honesty (issue 19; `sync::clock`): from the other devices'
    /// readings of this one and this one's of them, tells the user at once
    /// when this computer's clock is far off, and notes how far each other
    /// device's is for the sync panel. Ordering is not touched.
    fn check_clock(&mut self, infos: &BTreeMap<String, DeviceInfo>) -> Result<()> {
        let peers = self.store.sync_peers()?;
        let live: Vec<String> = infos.keys().filter(|d| !peers.get(*d).is_some_and(|p| p.retired)).cloned().collect();
        let read_them = self.clock_readings(live.iter().cloned())?;
        let mut clocks = BTreeMap::new();
        for d in &live {
            clocks.insert(
                d.clone(),
                clock::PeerClock {
                    read_me: infos.get(d).and_then(|i| i.clock_seen.get(&self.me)).copied(),
                    read_them: read_them.get(d).copied(),
                },
            );
        }
        let mut offsets: BTreeMap<String, i64> =
            clocks.iter().filter_map(|(d, c)| c.offset().map(|o| (d.clone(), o))).collect();
        let own = clock::own_offset(&clocks);
        if let Some(off) = own {
            offsets.insert(self.me.clone(), off);
            let (dir, what) = if off > 0 { ("ahead of", "win") } else { ("behind", "lose") };
            self.report.warnings.push(
                SyncIssue::new(
                    "sync_clock_skew",
                    format!(
                        "This computer's clock is {} {dir} the other computers'. Its edits {what} against theirs until it is fixed: turn on setting the date and time automatically.",
                        clock::about(off)
                    ),
                )
                .device(&self.me),
            );
        }
        self.report.clock_off_ms = own;
        self.store.sync_state_set("clock_offsets", &serde_json::to_string(&offsets)?)?;
        Ok(())
    }

    /// Writes this device's name and acknowledgements when they changed.
    fn write_info(&mut self, listing: &Listing) -> Result<()> {
        let mut applied = self.applied()?;
        applied.insert(self.me.clone(), self.store.sync_state_i64("out_seq")? as u64);
        let name = self.store.sync_state_get("device_name")?;
        let last: Option<(Vector, Option<String>, i64)> =
            self.store.sync_state_get("info_last")?.and_then(|s| serde_json::from_str(&s).ok());
        let own_infos: Vec<u64> = listing
            .files
            .iter()
            .filter_map(|f| match f {
                FileName::Info { device, n } if *device == self.me => Some(*n),
                _ => None,
            })
            .collect();
        let peers: BTreeSet<String> = listing.devices().into_iter().filter(|d| *d != self.me).collect();
        let clock_seen = self.clock_readings(peers.into_iter())?;
        // Written again when a device is read for the first time or its
        // reading crosses the skew limit (not on every new reading, or two
        // devices would answer each other's info files for ever).
        let clock_class: BTreeMap<&String, bool> =
            clock_seen.iter().map(|(d, (w, r))| (d, (r - w).abs() > clock::CLOCK_SKEW_MS)).collect();
        let clock_class = serde_json::to_string(&clock_class)?;
        let clock_changed = self.store.sync_state_get("info_clock")?.as_deref() != Some(clock_class.as_str());
        let damaged_blobs = self.stuck_blobs()?;
        let damaged_text = damaged_blobs.join(",");
        let damaged_changed = self.store.sync_state_get("info_damaged")?.unwrap_or_default() != damaged_text;
        // A clock that went back (one that ran ahead, fixed) sends a fresh
        // reading at once, so the warning ends soon after the fix.
        let stale = clock_changed
            || damaged_changed
            || match &last {
                None => true,
                Some((v, n, at)) => {
                    *v != applied
                        || *n != name
                        || self.opts.now_ms - at >= self.opts.info_every_ms
                        || self.opts.now_ms < *at
                        || own_infos.is_empty()
                }
            };
        if stale {
            let n = self.store.sync_state_i64("info_n")? as u64 + 1;
            let n = n.max(own_infos.iter().max().copied().unwrap_or(0) + 1);
            let file = FileName::Info { device: self.me.clone(), n };
            let body = Body::Info(DeviceInfo {
                device: self.me.clone(),
                name: name.clone(),
                written_at: self.opts.now_ms,
                app_version: self.opts.app_version.clone(),
                applied: applied.clone(),
                clock_seen,
                damaged_blobs,
            });
            let bytes = self.seal(&file, &body);
            if self.create(&file, &bytes, "update this device's status") {
                self.store.sync_state_set("info_n", &n.to_string())?;
                self.store.sync_state_set("info_clock", &clock_class)?;
                self.store.sync_state_set("info_damaged", &damaged_text)?;
                self.store.sync_state_set(
                    "info_last",
                    &serde_json::to_string(&(applied, name, self.opts.now_ms)).expect("serializes"),
                )?;
                for old in own_infos.iter().filter(|o| **o < n) {
                    self.delete(&FileName::Info { device: self.me.clone(), n: *old });
                }
            }
        }
        Ok(())
    }

    fn delete(&mut self, name: &FileName) {
        match self.folder.delete(&name.to_path()) {
            Ok(()) | Err(FolderError::NotFound) => self.report.files_deleted += 1,
            Err(e) => self.report.warnings.push(folder_issue(&e, "tidy up old files").file(&name.to_path())),
        }
    }

    fn write_snapshot(&mut self, listing: &Listing, newest: Option<&SnapshotManifest>) -> Result<()> {
        if self.writes_blocked {
            return Ok(());
        }
        let shipped = self.store.sync_state_i64("shipped_seq")?;
        if self.store.sync_pending(shipped)? > 0 {
            return Ok(());
        }
        let mut vector = self.applied()?;
        let out_seq = self.store.sync_state_i64("out_seq")? as u64;
        if out_seq > 0 {
            vector.insert(self.me.clone(), out_seq);
        }
        // Own snapshots made before an erase are replaced (issue 18).
        let forced = super::erase_sync::snapshot_due(self.store)?;
        let wanted = match self.opts.snapshot {
            SnapshotPolicy::Never => false,
            SnapshotPolicy::Always => true,
            SnapshotPolicy::After(k) => {
                let base = newest.map(|m| m.vector.clone()).unwrap_or_default();
                let mut uncovered = 0;
                for d in listing.devices() {
                    let max = if d == self.me {
                        out_seq
                    } else {
                        listing.changes_of(&d).iter().map(|r| r.1).max().unwrap_or(0)
                    };
                    uncovered += max.saturating_sub(base.get(&d).copied().unwrap_or(0));
                }
                uncovered >= k && k > 0
            }
        };
        let wanted = wanted || forced;
        if !wanted || (!forced && newest.is_some_and(|m| m.vector == vector)) {
            return Ok(());
        }
        let own_max = listing
            .files
            .iter()
            .filter_map(|f| match f {
                FileName::SnapshotPart { device, n, .. } | FileName::SnapshotManifest { device, n }
                    if *device == self.me =>
                {
                    Some(*n)
                }
                _ => None,
            })
            .max()
            .unwrap_or(0);
        let n = (self.store.sync_state_i64("snap_n")? as u64 + 1).max(own_max + 1);
        self.store.sync_state_set("snap_n", &n.to_string())?;
        let scratch = scratch_file(self.store, "snapshot")?;
        let records = self.store.sync_write_image(scratch.path())?;
        let schema = self.store.schema_version()?;
        let mut image = std::io::BufReader::with_capacity(1 << 20, scratch.as_file());
        let mut part = 0u64;
        let mut image_bytes = 0u64;
        let mut chunk = vec![0u8; self.opts.snapshot_part_bytes.max(1)];
        loop {
            let len = read_full(&mut image, &mut chunk).map_err(|e| scratch_error(&scratch, e))?;
            if len == 0 {
                break;
            }
            let name = FileName::SnapshotPart { device: self.me.clone(), n, part };
            let bytes = format::seal(&name.to_path(), &chunk[..len], self.write_key.as_ref(), Packing::Zstd);
            if !self.create(&name, &bytes, "write a snapshot") {
                return Ok(());
            }
            image_bytes += len as u64;
            part += 1;
        }
        let name = FileName::SnapshotManifest { device: self.me.clone(), n };
        let body = Body::SnapshotManifest(SnapshotManifest {
            device: self.me.clone(),
            n,
            parts: part,
            records,
            vector,
            written_at: self.opts.now_ms,
            image_bytes,
            schema,
        });
        let bytes = self.seal(&name, &body);
        if self.create(&name, &bytes, "write a snapshot") {
            self.report.snapshot_written = Some(format!("s/{}-{:012}", self.me, n));
        }
        Ok(())
    }

    /// Deletes own change files every active device acknowledged and the
    /// newest snapshot covers, own superseded snapshots, and the files of
    /// devices this device retired.
    fn compact(&mut self, listing: &Listing, infos: &BTreeMap<String, DeviceInfo>) -> Result<()> {
        let Some(snap) = self.newest_snapshot(listing)? else {
            return Ok(());
        };
        let peers = self.store.sync_peers()?;
        let retired: BTreeSet<String> = peers.values().filter(|p| p.retired).map(|p| p.device_id.clone()).collect();
        let active: Vec<String> =
            listing.devices().into_iter().filter(|d| *d != self.me && !retired.contains(d)).collect();
        let mine = self.applied()?;
        let me = self.me.clone();
        let acked = |owner: &str, last: u64| {
            // This device too must have applied a retired device's files.
            (owner == me || mine.get(owner).is_some_and(|n| *n >= last))
                && active
                    .iter()
                    .filter(|d| d.as_str() != owner)
                    .all(|d| infos.get(d).and_then(|i| i.applied.get(owner)).is_some_and(|n| *n >= last))
        };
        let mut owners = vec![self.me.clone()];
        for f in &listing.files {
            if let FileName::Retire { device, retired } = f {
                if *device == self.me {
                    owners.push(retired.clone());
                }
            }
        }
        let mut doomed = Vec::new();
        for owner in &owners {
            for (first, last) in listing.changes_of(owner) {
                if last <= snap.vector.get(owner).copied().unwrap_or(0) && acked(owner, last) {
                    doomed.push(FileName::Changes { device: owner.clone(), first, last });
                }
            }
        }
        // Own snapshots older than the newest complete one.
        for f in &listing.files {
            match f {
                FileName::SnapshotPart { device, n, .. } | FileName::SnapshotManifest { device, n }
                    if *device == self.me && (*device != snap.device || *n != snap.n) =>
                {
                    let older = *device != snap.device || *n < snap.n;
                    if older {
                        doomed.push(f.clone());
                    }
                }
                _ => {}
            }
        }
        // Manifests go first so no one trusts a snapshot missing its parts.
        doomed.sort_by_key(|f| !matches!(f, FileName::SnapshotManifest { .. }));
        for f in doomed {
            self.delete(&f);
        }
        Ok(())
    }
}

/// Scratch files older than this are left over from a crash.
const SCRATCH_STALE: std::time::Duration = std::time::Duration::from_secs(3600);

/// A scratch file for a snapshot image, removed when dropped. Beside a
/// database file, scratch files a crash left behind (an image can be
/// gigabytes) are removed: those last modified an hour before the new one
/// (the file system's clock on both sides, so a device's skewed clock
/// cannot make a running join's file look stale).
fn scratch_file(store: &Store, what: &str) -> Result<tempfile::NamedTempFile> {
    let dir = store.scratch_dir();
    let file = tempfile::Builder::new()
        .prefix(&format!(".daifuku-{what}-"))
        .suffix(".db")
        .tempfile_in(&dir)
        .map_err(|e| ApiError::new("io", format!("cannot make a scratch file in {}: {e}", dir.display())))?;
    let now = file.as_file().metadata().and_then(|m| m.modified()).ok();
    if let (Some(now), true) = (now, store.is_file_backed()) {
        for entry in std::fs::read_dir(&dir).into_iter().flatten().flatten() {
            let ours = entry.file_name().to_str().is_some_and(|n| {
                (n.starts_with(".daifuku-join-") || n.starts_with(".daifuku-snapshot-")) && n.ends_with(".db")
            });
            let modified = entry.metadata().and_then(|m| m.modified()).ok();
            if ours && modified.is_some_and(|m| now.duration_since(m).is_ok_and(|age| age > SCRATCH_STALE)) {
                let _ = std::fs::remove_file(entry.path());
            }
        }
    }
    Ok(file)
}

fn scratch_error(file: &tempfile::NamedTempFile, e: std::io::Error) -> ApiError {
    ApiError::new("io", format!("cannot use the scratch file {}: {e}", file.path().display()))
}

/// Fills `buf` as far as the reader goes; the length read (0 at the end).
fn read_full(r: &mut impl Read, buf: &mut [u8]) -> std::io::Result<usize> {
    let mut n = 0;
    while n < buf.len() {
        match r.read(&mut buf[n..])? {
            0 => break,
            k => n += k,
        }
    }
    Ok(n)
}

/// How many changes a vector covers in all (a snapshot's size in history).
fn covered(v: &Vector) -> u64 {
    v.values().sum()
}

fn crypt_check(key: &FileKey, name: &FileName) -> String {
    let (nonce, ct) = key.seal(&name.to_path(), b"check", b"daifuku");
    format!("{}{}", hex::encode(nonce), hex::encode(ct))
}

fn verify_crypt_check(key: &FileKey, name: &FileName, check: &str) -> bool {
    let Ok(bytes) = hex::decode(check) else {
        return false;
    };
    if bytes.len() < 24 {
        return false;
    }
    let mut nonce = [0u8; 24];
    nonce.copy_from_slice(&bytes[..24]);
    key.open(&name.to_path(), b"check", &nonce, &bytes[24..]).as_deref() == Some(b"daifuku".as_slice())
}

fn human_duration(ms: i64) -> String {
    let m = ms / 60_000;
    if m < 120 {
        format!("{m} minutes")
    } else if m < 48 * 60 {
        format!("{} hours", m / 60)
    } else {
        format!("{} days", m / 1440)
    }
}

/// Runs one sync round of `store` with `folder`.
///
/// Fails only when nothing may be done (the folder is of a newer format,
/// the passphrase is missing or wrong, the folder cannot be listed, or
/// another copy of this database synced here); problems with single files
/// or writes come back in the report's warnings and errors, and the next
/// round retries.
///
/// A failure is remembered (with `opts.now_ms`) for the sync panel until a
/// round succeeds: see `SyncStatus::last_error`.
pub fn sync_round(
    store: &mut Store,
    folder: &mut dyn SyncFolder,
    keys: &mut Keyring,
    opts: &SyncOptions,
) -> Result<SyncReport> {
    let result = run_round(store, folder, keys, opts);
    store.sync_note_failure(result.as_ref().err(), opts.now_ms)?;
    result
}

fn run_round(
    store: &mut Store,
    folder: &mut dyn SyncFolder,
    keys: &mut Keyring,
    opts: &SyncOptions,
) -> Result<SyncReport> {
    let me = store.device_id()?;
    if !valid_device_id(&me) {
        return Err(ApiError::new("sync_bad_device_id", format!("device id {me:?} cannot be used for sync")));
    }
    if let Some(name) = opts.device_name.as_deref().map(str::trim).filter(|n| !n.is_empty()) {
        store.sync_state_set("device_name", name)?;
    }
    let names = folder.list("").map_err(|e| {
        ApiError::new(
            "sync_folder_unreachable",
            format!("The sync folder cannot be opened: {e}. Check that it is connected."),
        )
    })?;
    let listing = Listing { files: names.iter().filter_map(|n| FileName::parse(n)).collect() };
    let mut round = Round {
        store,
        folder,
        keys,
        opts,
        me: me.clone(),
        report: SyncReport { device_id: me.clone(), at: opts.now_ms, ..Default::default() },
        write_key: None,
        writes_blocked: false,
        prefetch: None,
        peer_damaged: BTreeMap::new(),
    };
    // The folder's format.
    let newest_format = listing
        .files
        .iter()
        .filter_map(|f| match f {
            FileName::Format(v) => Some(*v),
            _ => None,
        })
        .max();
    match newest_format {
        Some(v) if v > FORMAT_VERSION as u32 => return Err(newer_error(v.min(u16::MAX as u32) as u16)),
        Some(v) if v == FORMAT_VERSION as u32 => {}
        // A new folder, or one of an older format: from now on this app's
        // files are in its format, and older apps are told to update.
        _ => {
            let name = FileName::Format(FORMAT_VERSION as u32);
            let bytes = format::seal_body(&name, &Body::Format { version: FORMAT_VERSION as u32 }, None);
            match round.folder.create(&name.to_path(), &bytes) {
                Ok(()) | Err(FolderError::AlreadyExists) => {}
                Err(e) => {
                    round.writes_blocked = true;
                    round.report.errors.push(folder_issue(&e, "set up the sync folder"));
                }
            }
        }
    }
    round.encryption(&listing)?;
    round.recover_own_files(&listing)?;
    for r in &opts.retire {
        if valid_device_id(r) && *r != me {
            let name = FileName::Retire { device: me.clone(), retired: r.clone() };
            if !listing.files.contains(&name) {
                let body = Body::Retire { device: me.clone(), retired: r.clone(), written_at: opts.now_ms };
                let bytes = round.seal(&name, &body);
                round.create(&name, &bytes, "retire a device");
            }
            round.store.sync_note_peer(&Peer { device_id: r.clone(), retired: true, ..Default::default() })?;
        }
    }
    let infos = round.read_peers(&listing)?;
    round.check_clock(&infos)?;
    for info in infos.values() {
        for sha in &info.damaged_blobs {
            let at = round.peer_damaged.entry(sha.clone()).or_insert(info.written_at);
            *at = (*at).max(info.written_at);
        }
    }
    // Join (or catch up after compaction) from a snapshot.
    let applied = round.applied()?;
    // Devices whose next changes are no longer in the folder, with the last
    // change number missing.
    let gaps: BTreeMap<String, u64> = listing
        .devices()
        .into_iter()
        .filter(|d| *d != me)
        .filter_map(|d| {
            let first = listing.changes_of(&d).iter().map(|r| r.0).min()?;
            let a = applied.get(&d).copied().unwrap_or(0);
            (first > a + 1).then_some((d, first - 1))
        })
        .collect();
    let fresh = applied.is_empty();
    if !gaps.is_empty() || fresh {
        if let Some(m) = round.snapshot_to_load(&listing, &applied, &gaps, fresh)? {
            round.load_snapshot(&m)?;
        }
    }
    let mut newest = None;
    if opts.compact || opts.snapshot != SnapshotPolicy::Never {
        newest = round.newest_snapshot(&listing)?;
    }
    // Erase markers first (issue 18): what they name is never applied again.
    super::erase_sync::read_markers(round.store, round.folder, round.keys, &me, &names, opts.now_ms)?;
    round.apply_changes(&listing)?;
    let (loaded, applied) = (round.report.snapshot_loaded.is_some(), round.report.changes_applied > 0);
    super::erase_sync::after_apply(round.store, loaded, applied, opts.now_ms)?;
    round.store.sync_observe_clock("", opts.now_ms)?;
    round.read_blobs(&listing)?;
    // Attachment bytes before the records naming them, so others rarely wait.
    round.write_blobs(&listing)?;
    round.write_changes()?;
    if !round.writes_blocked {
        super::erase_sync::scrub_own_files(
            round.store,
            round.folder,
            round.keys,
            round.write_key.as_ref(),
            &me,
            &names,
            opts.now_ms,
            &mut round.report,
        )?;
    }
    round.exchange_audit(&names)?;
    round.write_info(&listing)?;
    round.write_snapshot(&listing, newest.as_ref())?;
    if opts.compact && !round.writes_blocked {
        round.compact(&listing, &infos)?;
    }
    let written = round.report.snapshot_written.clone();
    super::erase_sync::drop_old_snapshots(round.store, round.folder, written.as_deref(), &mut round.report)?;
    let shipped = round.store.sync_state_i64("shipped_seq")?;
    round.report.pending_local = round.store.sync_pending(shipped)? as u64;
    round.report.conflicts_open = round.store.sync_open_conflicts()? as u64;
    round.report.ok = round.report.errors.is_empty();
    let report = round.report;
    store_report(round.store, &report)?;
    Ok(report)
}

fn store_report(store: &Store, report: &SyncReport) -> Result<()> {
    let v: Value = serde_json::to_value(report)?;
    store.sync_state_set("last_report", &v.to_string())
}
