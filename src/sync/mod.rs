//! Folder sync: every laptop of a small office points at one shared folder
//! (a network share, a cloud-drive folder or an S3-compatible bucket) and they
//! converge on the same data with no server.
//!
//! - [`format`]: file names, the checksummed (optionally encrypted) envelope
//!   and the documents inside. Every device writes only its own files, each
//!   once; readers accept only complete files of the expected names.
//! - [`hlc`] and [`merge`]: field-level last-writer-wins by version with the
//!   device id as tie-break; concurrent losers are kept as conflicts. Pure.
//! - [`round`]: one sync round (read, apply, write, acknowledge, snapshot,
//!   compact) over a [`folder::SyncFolder`] the caller provides.
//! - `store::sync_apply`: the SQL side.
//!
//! The core never opens a folder, reads the clock or draws random numbers on
//! its own: the caller passes the folder, `now` and some entropy.

pub mod crypto;
pub mod folder;
pub mod format;
pub mod hlc;
pub mod merge;
pub mod round;

use serde::{Deserialize, Serialize};
use ts_rs::TS;

pub use folder::{FolderError, MemoryFolder, SyncFolder};
pub use merge::{ConflictChoice, ConflictReason, SyncConflict};
pub use round::{sync_round, SnapshotPolicy, SyncOptions};

/// Something a sync round wants the user to know, in words.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct SyncIssue {
    /// Stable code the UI switches on, e.g. `folder_read_only`, `clock_ahead`.
    pub code: String,
    /// English explanation (the UI localizes by `code`).
    pub message: String,
    pub file: Option<String>,
    pub device: Option<String>,
}

impl SyncIssue {
    pub fn new(code: &str, message: impl Into<String>) -> SyncIssue {
        SyncIssue { code: code.into(), message: message.into(), file: None, device: None }
    }
    pub fn file(mut self, f: &str) -> SyncIssue {
        self.file = Some(f.into());
        self
    }
    pub fn device(mut self, d: &str) -> SyncIssue {
        self.device = Some(d.into());
        self
    }
}

/// What one sync round did.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, TS)]
pub struct SyncReport {
    pub device_id: String,
    #[ts(type = "number")]
    pub at: i64,
    /// False when something could not be done (see `errors`); what was done stays done.
    pub ok: bool,
    #[ts(type = "number")]
    pub files_read: u64,
    /// Other devices' changes applied here.
    #[ts(type = "number")]
    pub changes_applied: u64,
    #[ts(type = "number")]
    pub fields_applied: u64,
    /// Incoming field values that lost to a newer local value.
    #[ts(type = "number")]
    pub fields_kept_local: u64,
    #[ts(type = "number")]
    pub records_created: u64,
    #[ts(type = "number")]
    pub files_written: u64,
    /// This device's changes written to the folder.
    #[ts(type = "number")]
    pub changes_written: u64,
    /// Conflicts found this round / open in all.
    #[ts(type = "number")]
    pub conflicts_new: u64,
    #[ts(type = "number")]
    pub conflicts_open: u64,
    pub snapshot_loaded: Option<String>,
    pub snapshot_written: Option<String>,
    /// Old files removed by compaction.
    #[ts(type = "number")]
    pub files_deleted: u64,
    /// Local changes not in the folder yet.
    #[ts(type = "number")]
    pub pending_local: u64,
    /// Other devices' changes seen in the folder but not applied yet
    /// (unreadable or waiting for earlier files).
    #[ts(type = "number")]
    pub waiting_remote: u64,
    pub warnings: Vec<SyncIssue>,
    pub errors: Vec<SyncIssue>,
    /// Attachment files (`a/<sha256>.dfk`) written / read this round.
    #[serde(default)]
    #[ts(type = "number")]
    pub attachments_written: u64,
    #[serde(default)]
    #[ts(type = "number")]
    pub attachments_read: u64,
    /// Attachments whose bytes have not arrived here yet (their records have).
    #[serde(default)]
    #[ts(type = "number")]
    pub attachments_pending: u64,
}

/// Another device (or this one) as this device knows it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct DeviceStatus {
    pub device_id: String,
    pub name: Option<String>,
    /// That device's clock when it last wrote to the folder (ms).
    #[ts(type = "number | null")]
    pub last_seen: Option<i64>,
    /// Its changes applied here.
    #[ts(type = "number")]
    pub applied: u64,
    pub retired: bool,
    pub this_device: bool,
}

/// The sync panel: last round, what is waiting, who is out there.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct SyncStatus {
    pub device_id: String,
    pub device_name: Option<String>,
    /// When a round last finished (ms), and what it did.
    #[ts(type = "number | null")]
    pub last_sync_at: Option<i64>,
    pub last_report: Option<SyncReport>,
    /// Local changes not in the folder yet.
    #[ts(type = "number")]
    pub pending_changes: i64,
    #[ts(type = "number")]
    pub open_conflicts: i64,
    pub devices: Vec<DeviceStatus>,
    /// Files of the folder that could not be read yet.
    pub unreadable_files: Vec<SyncIssue>,
    /// The app's sync setup (`SyncConfigure`); `None` when the app does not sync.
    pub setup: Option<SyncSetup>,
    /// Why the last round failed as a whole (wrong passphrase, folder
    /// unreachable, newer format…); cleared by the next round that succeeds.
    pub last_error: Option<SyncFailure>,
    /// A round is running now (set by the host, `daifuku::host::Host`; the
    /// database alone always says `false`).
    #[serde(default)]
    pub running: bool,
}

/// Where the app syncs. The passphrase itself never leaves the database.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct SyncSetup {
    /// The shared folder's path.
    pub folder: String,
    /// A workspace passphrase is saved (end-to-end encryption).
    pub encrypted: bool,
}

/// A round that could not run.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct SyncFailure {
    /// The `ApiError` code, e.g. `sync_wrong_passphrase` (the UI words it).
    pub code: String,
    /// English explanation.
    pub message: String,
    #[ts(type = "number")]
    pub at: i64,
}

impl crate::store::Store {
    /// The sync panel's data.
    pub fn sync_status(&mut self) -> crate::Result<SyncStatus> {
        let me = self.device_id()?;
        let last_report: Option<SyncReport> =
            self.sync_state_get("last_report")?.and_then(|s| serde_json::from_str(&s).ok());
        let shipped = self.sync_state_i64("shipped_seq")?;
        let mut devices: Vec<DeviceStatus> = self
            .sync_peers()?
            .into_values()
            .filter(|p| p.device_id != me)
            .map(|p| DeviceStatus {
                device_id: p.device_id,
                name: p.name,
                last_seen: p.last_seen,
                applied: p.applied,
                retired: p.retired,
                this_device: false,
            })
            .collect();
        let name = self.sync_state_get("device_name")?;
        devices.insert(
            0,
            DeviceStatus {
                device_id: me.clone(),
                name: name.clone(),
                last_seen: last_report.as_ref().map(|r| r.at),
                applied: self.sync_state_i64("out_seq")? as u64,
                retired: false,
                this_device: true,
            },
        );
        let unreadable_files = self
            .sync_bad_files()?
            .into_iter()
            .map(|(name, problem, _, tries)| {
                SyncIssue::new(
                    "file_unreadable",
                    format!("{name} could not be read yet ({problem}; tried {tries}×); it is retried every round"),
                )
                .file(&name)
            })
            .collect();
        Ok(SyncStatus {
            device_id: me,
            device_name: name,
            last_sync_at: last_report.as_ref().map(|r| r.at),
            last_report,
            pending_changes: self.sync_pending(shipped)?,
            open_conflicts: self.sync_open_conflicts()?,
            devices,
            unreadable_files,
            setup: self.sync_setup()?,
            last_error: self.sync_state_get("last_error")?.and_then(|s| serde_json::from_str(&s).ok()),
            running: false,
        })
    }

    /// Remembers why a round failed (or, with `None`, that one succeeded).
    pub fn sync_note_failure(&self, error: Option<&crate::ApiError>, now_ms: i64) -> crate::Result<()> {
        let value = match error {
            Some(e) => {
                serde_json::to_string(&SyncFailure { code: e.code.clone(), message: e.message.clone(), at: now_ms })?
            }
            None => String::new(),
        };
        self.sync_state_set("last_error", &value)
    }

    /// The app's sync setup, if it syncs.
    pub fn sync_setup(&self) -> crate::Result<Option<SyncSetup>> {
        Ok(self
            .sync_state_get(SETUP_FOLDER)?
            .filter(|f| !f.is_empty())
            .map(|folder| SyncSetup { folder, encrypted: self.sync_passphrase().ok().flatten().is_some() }))
    }

    /// The saved workspace passphrase (kept in this database only; see ARCHITECTURE.md).
    pub fn sync_passphrase(&self) -> crate::Result<Option<String>> {
        Ok(self.sync_state_get(SETUP_PASSPHRASE)?.filter(|p| !p.is_empty()))
    }

    /// Sets up the app's sync: the folder, the passphrase (`None`: keep the
    /// saved one; empty: none) and this computer's name (`None` or empty: keep).
    pub fn sync_configure(
        &mut self,
        folder: &str,
        passphrase: Option<&str>,
        device_name: Option<&str>,
    ) -> crate::Result<SyncStatus> {
        let folder = folder.trim();
        if folder.is_empty() {
            return Err(crate::ApiError::field("required", "folder", "choose the shared folder to sync through"));
        }
        if let Some(name) = device_name.map(str::trim).filter(|n| !n.is_empty()) {
            if name.chars().count() > 100 {
                return Err(crate::ApiError::field(
                    "too_long",
                    "device_name",
                    "a device name has at most 100 characters",
                ));
            }
            self.sync_state_set("device_name", name)?;
        }
        let same = |a: &str, b: &str| a.trim_end_matches(['/', '\\']) == b.trim_end_matches(['/', '\\']);
        if let Some(synced) = self.sync_state_get(SYNCED_FOLDER)?.filter(|f| !f.is_empty() && !same(f, folder)) {
            // This device's bookkeeping (what it wrote, what it applied) belongs
            // to that folder: starting in another one would leave the new
            // folder with a gap the other devices wait on forever.
            return Err(crate::ApiError::field(
                "sync_folder_change",
                "folder",
                format!("this computer already syncs through {synced}; moving to another folder is not supported yet (every computer would have to start over there)"),
            ));
        }
        if let Some(p) = passphrase {
            self.sync_state_set(SETUP_PASSPHRASE, p)?;
        }
        self.sync_state_set(SETUP_FOLDER, folder)?;
        self.sync_status()
    }

    /// Notes that a round through the app's `folder` succeeded.
    pub fn sync_note_synced_folder(&self, folder: &str) -> crate::Result<()> {
        self.sync_state_set(SYNCED_FOLDER, folder)
    }

    /// Stops the app's syncing (what was synced stays; setting up again resumes).
    pub fn sync_disable(&mut self) -> crate::Result<SyncStatus> {
        self.sync_state_set(SETUP_FOLDER, "")?;
        self.sync_state_set(SETUP_PASSPHRASE, "")?;
        self.sync_state_set("last_error", "")?;
        self.sync_status()
    }
}

const SETUP_FOLDER: &str = "app_folder";
/// The folder the app last synced through successfully.
pub(crate) const SYNCED_FOLDER: &str = "app_synced_folder";
const SETUP_PASSPHRASE: &str = "app_passphrase";
