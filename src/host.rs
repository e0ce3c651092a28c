//! What the front ends (the CLI, `daifuku serve`, the desktop shell) share
//! that reaches beyond the database: folder sync on real storage, and the one
//! dispatcher of the app's requests. This is the one module of the library
//! that opens a folder (through `daifuku-folder`) and draws random numbers;
//! the rest of the core gets both through [`SyncFolder`] and [`SyncOptions`].
//! Callers still pass the time.
//!
//! - [`Host`]: what `daifuku serve` and the desktop shell call for every
//!   request ([`Host::dispatch`]). It owns the UI's connection, the
//!   background [`Jobs`] and a [`SyncHost`]; `sync_now` runs the round on a
//!   connection of its own, so a slow folder never holds up the UI.
//! - [`SyncHost::round`]: one round against a folder or bucket (the CLI's
//!   `daifuku sync`).
//! - [`SyncHost::sync_now`]: one round with the setup saved by
//!   `Command::SyncConfigure` (the app's 「今すぐ同期」, on change and periodically).
//!
//! A `SyncHost` lives as long as its front end so the key derived from the
//! workspace passphrase (Argon2id, slow on purpose) is derived once.

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};

use daifuku_folder::{ObjectFolder, S3Config};
use rand::RngExt;
use serde_json::Value;

use crate::api::{self, Command, Response};
use crate::error::{ApiError, Result};
use crate::jobs::{self, Jobs};
use crate::store::Store;
use crate::sync::crypto::Keyring;
use crate::sync::folder::{FolderError, SyncFolder};
use crate::sync::{sync_round, SnapshotPolicy, SyncOptions, SyncReport, SyncStatus};

/// Where to sync.
#[derive(Debug, Clone)]
pub enum SyncTarget {
    /// A local, network (SMB/NAS) or cloud-drive folder. With `create`, a
    /// missing folder is made; without, a missing one is an error (an
    /// unplugged share must not turn into an empty local folder).
    Folder { path: PathBuf, create: bool },
    /// An S3-compatible bucket.
    S3(S3Config),
}

/// A folder on real storage, seen through the core's trait.
pub struct ObjectSyncFolder(pub ObjectFolder);

fn folder_error(e: daifuku_folder::FolderError) -> FolderError {
    use daifuku_folder::FolderError as E;
    match e {
        E::NotFound => FolderError::NotFound,
        E::AlreadyExists => FolderError::AlreadyExists,
        E::ReadOnly => FolderError::ReadOnly,
        E::Full => FolderError::Full,
        E::Other(s) => FolderError::Other(s),
    }
}

impl SyncFolder for ObjectSyncFolder {
    fn list(&mut self, prefix: &str) -> std::result::Result<Vec<String>, FolderError> {
        self.0.list(prefix).map_err(folder_error)
    }
    fn read(&mut self, name: &str) -> std::result::Result<Vec<u8>, FolderError> {
        self.0.read(name).map_err(folder_error)
    }
    fn create(&mut self, name: &str, bytes: &[u8]) -> std::result::Result<(), FolderError> {
        self.0.create(name, bytes).map_err(folder_error)
    }
    fn delete(&mut self, name: &str) -> std::result::Result<(), FolderError> {
        self.0.delete(name).map_err(folder_error)
    }
}

/// Opens the folder or bucket, with errors a salesperson can act on.
pub fn open_folder(target: &SyncTarget) -> Result<ObjectSyncFolder> {
    let folder = match target {
        SyncTarget::Folder { path, create } => {
            if !*create && !path.is_dir() {
                return Err(ApiError::new(
                    "sync_folder_missing",
                    format!(
                        "The sync folder {} cannot be found. Check that the shared drive is connected (or that the cloud drive app is running), or choose the folder again.",
                        path.display()
                    ),
                ));
            }
            ObjectFolder::local(path)
        }
        SyncTarget::S3(cfg) => ObjectFolder::s3(cfg),
    };
    folder.map(ObjectSyncFolder).map_err(|e| {
        let e = folder_error(e);
        let code = match e {
            FolderError::ReadOnly => "sync_folder_read_only",
            _ => "sync_folder_unreachable",
        };
        ApiError::new(code, format!("The sync folder cannot be opened: {e}. Check that it is connected."))
    })
}

/// This computer's name, the default device name on first sync.
pub fn host_name() -> Option<String> {
    let from_env = ["HOSTNAME", "COMPUTERNAME"].iter().find_map(|v| std::env::var(v).ok().filter(|s| !s.is_empty()));
    from_env.or_else(|| {
        std::fs::read_to_string("/etc/hostname").ok().map(|s| s.trim().to_string()).filter(|s| !s.is_empty())
    })
}

/// One round's settings beyond the store.
#[derive(Debug, Clone)]
pub struct RoundRequest {
    pub target: SyncTarget,
    /// The workspace passphrase (end-to-end encryption), if any.
    pub passphrase: Option<String>,
    /// This device's name; on first sync the host name when absent.
    pub device_name: Option<String>,
    pub snapshot: SnapshotPolicy,
    pub compact: bool,
    pub retire: Vec<String>,
    /// The caller's clock (ms since the epoch).
    pub now_ms: i64,
}

impl RoundRequest {
    pub fn new(target: SyncTarget, now_ms: i64) -> RoundRequest {
        let defaults = SyncOptions::new(now_ms);
        RoundRequest {
            target,
            passphrase: None,
            device_name: None,
            snapshot: defaults.snapshot,
            compact: defaults.compact,
            retire: vec![],
            now_ms,
        }
    }
}

/// How a [`SyncHost`] opens a folder: [`open_folder`], or in tests a double
/// (a slow folder, a folder that fails).
pub type FolderOpener = dyn Fn(&SyncTarget) -> Result<Box<dyn SyncFolder>> + Send + Sync;

/// A front end's sync state across rounds: the keys derived from the
/// passphrase, and how folders are opened.
pub struct SyncHost {
    keys: Option<(Option<String>, Keyring)>,
    opener: Arc<FolderOpener>,
}

impl Default for SyncHost {
    fn default() -> SyncHost {
        SyncHost::with_opener(|target| Ok(Box::new(open_folder(target)?) as Box<dyn SyncFolder>))
    }
}

impl SyncHost {
    /// Opens folders and buckets with [`open_folder`].
    pub fn new() -> SyncHost {
        SyncHost::default()
    }

    /// Opens folders with `opener` instead (tests).
    pub fn with_opener(
        opener: impl Fn(&SyncTarget) -> Result<Box<dyn SyncFolder>> + Send + Sync + 'static,
    ) -> SyncHost {
        SyncHost { keys: None, opener: Arc::new(opener) }
    }

    /// The keyring of `passphrase`, reused while the passphrase stays the same.
    fn keyring(&mut self, passphrase: Option<String>) -> &mut Keyring {
        let passphrase = passphrase.filter(|p| !p.is_empty());
        if self.keys.as_ref().is_none_or(|(p, _)| *p != passphrase) {
            self.keys = Some((passphrase.clone(), Keyring::new(passphrase)));
        }
        &mut self.keys.as_mut().expect("just set").1
    }

    /// Runs one round: opens the folder, runs `sync::sync_round`. A failure
    /// is also remembered for the sync panel (`SyncStatus::last_error`).
    pub fn round(&mut self, store: &mut Store, req: &RoundRequest) -> Result<SyncReport> {
        let mut folder = match (self.opener)(&req.target) {
            Ok(f) => f,
            Err(e) => {
                store.sync_note_failure(Some(&e), req.now_ms)?;
                return Err(e);
            }
        };
        let mut opts = SyncOptions::new(req.now_ms);
        opts.device_name = req.device_name.clone();
        if opts.device_name.is_none() && store.sync_state_get("device_name")?.is_none() {
            opts.device_name = host_name();
        }
        opts.entropy = rand::rng().random();
        opts.snapshot = req.snapshot;
        opts.compact = req.compact;
        opts.retire = req.retire.clone();
        let keys = self.keyring(req.passphrase.clone());
        sync_round(store, &mut *folder, keys, &opts)
    }

    /// One round with the app's saved setup (`Command::SyncConfigure`);
    /// answers the sync panel's status.
    /// `retire`: devices gone for good.
    pub fn sync_now(&mut self, store: &mut Store, now_ms: i64, retire: &[String]) -> Result<SyncStatus> {
        let Some(setup) = store.sync_setup()? else {
            return Err(ApiError::new(
                "sync_not_configured",
                "Sync is not set up on this computer: choose the shared folder first.",
            ));
        };
        let mut req =
            RoundRequest::new(SyncTarget::Folder { path: PathBuf::from(&setup.folder), create: false }, now_ms);
        req.passphrase = store.sync_passphrase()?;
        req.retire = retire.to_vec();
        self.round(store, &req)?;
        store.sync_note_synced_folder(&setup.folder)?;
        store.sync_status()
    }
}

/// The app's side of every request, shared by `daifuku serve` and the
/// desktop shell: one [`Host::dispatch`] for the JSON commands, called from
/// as many threads as the front end likes.
///
/// - The UI's connection (`Mutex<Store>`) answers the commands of
///   `api::execute`, one at a time, each short.
/// - Background imports run on their own thread and connection ([`Jobs`]).
/// - `sync_now` runs the round on a connection of its own, opened for the
///   round, without the UI's lock: listing, reading and writing a slow NAS or
///   a cloud folder still downloading holds up nothing but the request that
///   asked for the round. Only the round's short apply transactions touch the
///   database (WAL: the UI's connection keeps reading, and a UI write waits
///   at most for one apply). One round at a time: a `sync_now` while one runs
///   answers the status at once with `running: true`. For a database in
///   memory (tests) the round runs on the UI's connection.
pub struct Host {
    db: Option<PathBuf>,
    store: Mutex<Store>,
    /// Locked by the one running round only (its keyring).
    sync: Mutex<SyncHost>,
    jobs: Jobs,
    round_running: AtomicBool,
}

/// Clears the "round running" state when the round ends, however it ends.
struct RoundGuard<'a>(&'a AtomicBool);

impl Drop for RoundGuard<'_> {
    fn drop(&mut self) {
        self.0.store(false, Ordering::SeqCst);
    }
}

fn sync_running_error() -> ApiError {
    ApiError::new("sync_running", "a sync round is running; wait for it to finish first")
}

impl Host {
    /// A host over `store` (the UI's connection), opening sync folders with
    /// [`open_folder`].
    pub fn new(store: Store) -> Host {
        Host::with_sync(store, SyncHost::new())
    }

    /// A host with its own [`SyncHost`] (tests give one with a folder double).
    pub fn with_sync(store: Store, sync: SyncHost) -> Host {
        Host {
            db: store.path(),
            store: Mutex::new(store),
            sync: Mutex::new(sync),
            jobs: Jobs::new(),
            round_running: AtomicBool::new(false),
        }
    }

    /// The database file; `None` in memory.
    pub fn db_path(&self) -> Option<&Path> {
        self.db.as_deref()
    }

    pub fn jobs(&self) -> &Jobs {
        &self.jobs
    }

    /// Whether a sync round is running.
    pub fn round_running(&self) -> bool {
        self.round_running.load(Ordering::SeqCst)
    }

    /// The UI's connection, for the front end's own reads (e.g. the CLI's clock context).
    pub fn store(&self) -> Result<MutexGuard<'_, Store>> {
        self.store.lock().map_err(|_| ApiError::new("internal", "the database lock was poisoned"))
    }

    /// Answers one request: a `Command` as JSON in, a `Response` as JSON
    /// out. `now_ms` and `tz_offset_min` are the caller's clock. Every
    /// `sync_status` answer (also of `sync_now`, `sync_configure`…) says
    /// whether a round is running. `restore_backup` is refused while a round
    /// runs (`sync_running`), and a `sync_now` during a restore starts no round.
    pub fn dispatch(&self, cmd: Value, now_ms: i64, tz_offset_min: i32) -> Result<Value> {
        let name = cmd.get("cmd").and_then(Value::as_str).unwrap_or_default();
        if name == "sync_now" {
            let Command::SyncNow { retire } = serde_json::from_value::<Command>(cmd)? else {
                return Err(ApiError::new("bad_request", "expected sync_now"));
            };
            let status = self.sync_now(now_ms, retire.as_deref().unwrap_or_default())?;
            return Ok(serde_json::to_value(Response::SyncStatus(status))?);
        }
        // A restore under a running round would mix the two databases; and
        // no round starts while a restore replaces the database.
        let _restoring = if name == "restore_backup" {
            if self.round_running.swap(true, Ordering::SeqCst) {
                return Err(sync_running_error());
            }
            Some(RoundGuard(&self.round_running))
        } else {
            None
        };
        let mut v = {
            let mut store = self.store()?;
            let mut ctx = store.context(now_ms)?;
            ctx.tz_offset_min = tz_offset_min;
            match jobs::intercept(&self.jobs, &store, &ctx, &cmd) {
                Some(r) => r?,
                None => api::execute_json(&mut store, &ctx, cmd)?,
            }
        };
        if v.get("type").and_then(Value::as_str) == Some("sync_status") {
            if let Some(data) = v.get_mut("data").and_then(Value::as_object_mut) {
                data.insert("running".into(), Value::Bool(self.round_running()));
            }
        }
        Ok(v)
    }

    /// One round with the app's saved setup, answering the sync panel's
    /// status. Blocks the caller until the round ends; while it runs, a
    /// second call answers the status at once with `running: true`.
    pub fn sync_now(&self, now_ms: i64, retire: &[String]) -> Result<SyncStatus> {
        if self.round_running.swap(true, Ordering::SeqCst) {
            let mut status = self.store()?.sync_status()?;
            status.running = true;
            return Ok(status);
        }
        let guard = RoundGuard(&self.round_running);
        let mut sync = self.sync.lock().map_err(|_| ApiError::new("internal", "the sync lock was poisoned"))?;
        let result = match &self.db {
            // Its own connection, like an import's: the UI's stays free.
            Some(db) => Store::open(db).and_then(|mut store| sync.sync_now(&mut store, now_ms, retire)),
            None => sync.sync_now(&mut *self.store()?, now_ms, retire),
        };
        drop(sync);
        drop(guard);
        let mut status = result?;
        status.running = self.round_running();
        Ok(status)
    }
}
