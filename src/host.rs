//! What the front ends (the CLI, `daifuku serve`, the desktop shell) share
//! that reaches beyond the database: folder sync on real storage. This is the
//! one module of the library that opens a folder (through `daifuku-folder`)
//! and draws random numbers; the rest of the core gets both through
//! [`SyncFolder`] and [`SyncOptions`]. Callers still pass the time.
//!
//! - [`SyncHost::round`]: one round against a folder or bucket (the CLI's
//!   `daifuku sync`).
//! - [`SyncHost::sync_now`]: one round with the setup saved by
//!   `Command::SyncConfigure` (the app's 「今すぐ同期」, on change and periodically).
//! - [`SyncHost::intercept`]: how a host answers the host-only
//!   `Command::SyncNow` before handing everything else to `api::execute`.
//!
//! A `SyncHost` lives as long as its front end so the key derived from the
//! workspace passphrase (Argon2id, slow on purpose) is derived once.

use std::path::PathBuf;

use daifuku_folder::{ObjectFolder, S3Config};
use rand::RngExt;
use serde_json::Value;

use crate::api::{Command, Response};
use crate::error::{ApiError, Result};
use crate::store::{Ctx, Store};
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

/// A front end's sync state across rounds: the keys derived from the passphrase.
#[derive(Default)]
pub struct SyncHost {
    keys: Option<(Option<String>, Keyring)>,
}

impl SyncHost {
    pub fn new() -> SyncHost {
        SyncHost::default()
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
        let mut folder = match open_folder(&req.target) {
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
        sync_round(store, &mut folder, keys, &opts)
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

    /// Answers the host-only commands (`SyncNow`); `None` for every other
    /// command, which the host hands to `api::execute_json`.
    pub fn intercept(&mut self, store: &mut Store, ctx: &Ctx, cmd: &Value) -> Option<Result<Value>> {
        if cmd.get("cmd").and_then(Value::as_str) != Some("sync_now") {
            return None;
        }
        Some((|| {
            let Command::SyncNow { retire } = serde_json::from_value::<Command>(cmd.clone())? else {
                return Err(ApiError::new("bad_request", "expected sync_now"));
            };
            let status = self.sync_now(store, ctx.now_ms, retire.as_deref().unwrap_or_default())?;
            Ok(serde_json::to_value(Response::SyncStatus(status))?)
        })())
    }
}
