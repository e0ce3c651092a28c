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

pub mod clock;
pub mod crypto;
pub mod erase_sync;
pub mod folder;
pub mod format;
pub mod hlc;
pub mod merge;
pub mod round;

use serde::{Deserialize, Serialize};
use ts_rs::TS;

pub use folder::{FolderError, MemoryFolder, SyncFolder};
pub use merge::{ConflictChoice, ConflictLoser, ConflictReason, SyncConflict};
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
    /// This computer's clock is this far off from the other devices' (ms,
    /// positive: ahead), learned at the start of the round (`sync::clock`);
    /// the warning `sync_clock_skew` says so too.
    #[serde(default)]
    #[ts(type = "number | null")]
    pub clock_off_ms: Option<i64>,
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
    /// How far its clock is off from this computer's (ms, positive: ahead;
    /// for this device: off from the others'), when more than 5 minutes
    /// for certain (`sync::clock`).
    #[serde(default)]
    #[ts(type = "number | null")]
    pub clock_off_ms: Option<i64>,
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
    /// Live records under a company in the trash (`Store::orphans`, issue 19).
    #[serde(default)]
    #[ts(type = "number")]
    pub orphans: u64,
    pub devices: Vec<DeviceStatus>,
    /// Files of the folder that could not be read yet.
    pub unreadable_files: Vec<SyncIssue>,
    /// The app's sync setup (`SyncConfigure`); `None` when the app does not sync.
    pub setup: Option<SyncSetup>,
    /// Why the last round failed as a whole (wrong passphrase, folder
    /// unreachable, newer format…); cleared by the next round that succeeds.
    pub last_error: Option<SyncFailure>,
    /// A round is running now (set by the host, `daifuku_host::Host`; the
    /// database alone always says `false`).
    #[serde(default)]
    pub running: bool,
    /// The folder-sync passphrase is kept in this plain database file: this
    /// computer has no usable OS keychain (set by the host, issue 18; the
    /// database alone always says `false`). Encrypting the database
    /// protects it.
    #[serde(default)]
    pub passphrase_in_file: bool,
}

/// Where the app syncs. The passphrase itself never leaves the database.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct SyncSetup {
    /// The shared folder's path.
    pub folder: String,
    /// A workspace passphrase is saved (end-to-end encryption).
    pub encrypted: bool,
    /// The bucket, when the app syncs through S3-compatible storage (then
    /// `folder` is only its readable location). Absent for a folder.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub s3: Option<S3Setup>,
}

/// An S3-compatible bucket as the user gives it (`SyncConfigure`, `SyncTest`).
/// Keys absent (or empty): keep the saved ones.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, TS)]
pub struct S3Settings {
    /// e.g. `https://s3.example.jp`; empty for AWS itself.
    #[serde(default)]
    pub endpoint: String,
    #[serde(default)]
    pub bucket: String,
    /// A folder inside the bucket ("" for the root).
    #[serde(default)]
    pub prefix: String,
    /// Empty: `us-east-1`.
    #[serde(default)]
    pub region: String,
    #[serde(default)]
    #[ts(optional)]
    pub access_key_id: Option<String>,
    #[serde(default)]
    #[ts(optional)]
    pub secret_access_key: Option<String>,
}

/// What the sync panel shows of the saved bucket: never the keys.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct S3Setup {
    pub endpoint: String,
    pub bucket: String,
    pub prefix: String,
    pub region: String,
    /// An access key and its secret are saved (in this database only).
    pub has_secret: bool,
}

/// The part of [`S3Settings`] saved as JSON (the keys are saved apart).
#[derive(Serialize, Deserialize)]
struct S3Place {
    endpoint: String,
    bucket: String,
    prefix: String,
    region: String,
}

impl S3Settings {
    /// Checks the fields, each error on its own field.
    pub fn validate(&self) -> crate::Result<()> {
        let endpoint = self.endpoint.trim();
        if !endpoint.is_empty() && !(endpoint.starts_with("http://") || endpoint.starts_with("https://")) {
            return Err(crate::ApiError::field(
                "invalid_url",
                "endpoint",
                "the endpoint is a web address starting with https:// (empty for Amazon S3 itself)",
            ));
        }
        let bucket = self.bucket.trim();
        if bucket.is_empty() {
            return Err(crate::ApiError::field("required", "bucket", "enter the bucket's name"));
        }
        if bucket.contains(['/', ' ']) {
            return Err(crate::ApiError::field(
                "invalid_choice",
                "bucket",
                "a bucket name has no slashes or spaces (a folder inside the bucket goes into the prefix)",
            ));
        }
        check_s3_prefix(&self.prefix)
    }

    /// Both keys are given (after `sync_s3_with_saved_keys`).
    pub fn require_keys(&self) -> crate::Result<()> {
        if self.access_key_id.as_deref().is_none_or(|k| k.trim().is_empty()) {
            return Err(crate::ApiError::field("required", "access_key_id", "enter the access key ID"));
        }
        if self.secret_access_key.as_deref().is_none_or(str::is_empty) {
            return Err(crate::ApiError::field("required", "secret_access_key", "enter the secret key"));
        }
        Ok(())
    }

    /// Where it points, as the sync panel and the "moved folder" check see it.
    pub fn location(&self) -> String {
        let place = format!("s3://{}/{}", self.bucket.trim(), self.prefix.trim().trim_matches('/'));
        let place = place.trim_end_matches('/').to_string();
        match self.endpoint.trim().trim_end_matches('/') {
            "" => place,
            e => format!("{place} ({e})"),
        }
    }
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

/// What a plain database holds instead of the folder-sync passphrase when the
/// host keeps the passphrase in the OS keychain (issue 18: never plain text).
pub const PASSPHRASE_IN_KEYCHAIN: &str = "\u{1}os-keychain";

impl crate::store::Store {
    /// The sync panel's data.
    pub fn sync_status(&mut self) -> crate::Result<SyncStatus> {
        let me = self.device_id()?;
        let last_report: Option<SyncReport> =
            self.sync_state_get("last_report")?.and_then(|s| serde_json::from_str(&s).ok());
        let shipped = self.sync_state_i64("shipped_seq")?;
        let offsets: std::collections::BTreeMap<String, i64> =
            self.sync_state_get("clock_offsets")?.and_then(|s| serde_json::from_str(&s).ok()).unwrap_or_default();
        let mut devices: Vec<DeviceStatus> = self
            .sync_peers()?
            .into_values()
            .filter(|p| p.device_id != me)
            .map(|p| DeviceStatus {
                clock_off_ms: offsets.get(&p.device_id).copied(),
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
                clock_off_ms: offsets.get(&me).copied(),
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
            orphans: self.orphan_count()?,
            devices,
            unreadable_files,
            setup: self.sync_setup()?,
            last_error: self.sync_state_get("last_error")?.and_then(|s| serde_json::from_str(&s).ok()),
            running: false,
            passphrase_in_file: false,
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
        Ok(self.sync_state_get(SETUP_FOLDER)?.filter(|f| !f.is_empty()).map(|folder| SyncSetup {
            folder,
            encrypted: self.sync_passphrase().ok().flatten().is_some(),
            s3: self.sync_s3().ok().flatten().map(|s| S3Setup {
                has_secret: s.access_key_id.is_some() && s.secret_access_key.is_some(),
                endpoint: s.endpoint,
                bucket: s.bucket,
                prefix: s.prefix,
                region: s.region,
            }),
        }))
    }

    /// The saved bucket with its keys (kept in this database only, like the
    /// passphrase), if the app syncs through S3-compatible storage.
    pub fn sync_s3(&self) -> crate::Result<Option<S3Settings>> {
        let Some(place) = self.sync_state_get(SETUP_S3)?.filter(|s| !s.is_empty()) else {
            return Ok(None);
        };
        let place: S3Place = serde_json::from_str(&place)?;
        Ok(Some(S3Settings {
            endpoint: place.endpoint,
            bucket: place.bucket,
            prefix: place.prefix,
            region: place.region,
            access_key_id: self.sync_state_get(SETUP_S3_KEY_ID)?.filter(|k| !k.is_empty()),
            secret_access_key: self.sync_state_get(SETUP_S3_SECRET)?.filter(|k| !k.is_empty()),
        }))
    }

    /// `given` with the saved keys where it has none (the form does not
    /// show the saved secret, so saving or testing again keeps it).
    pub fn sync_s3_with_saved_keys(&self, given: &S3Settings) -> crate::Result<S3Settings> {
        let saved = self.sync_s3()?;
        let keep = |g: &Option<String>, s: Option<&Option<String>>| {
            g.clone().filter(|k| !k.trim().is_empty()).or_else(|| s.cloned().flatten())
        };
        Ok(S3Settings {
            access_key_id: keep(&given.access_key_id, saved.as_ref().map(|s| &s.access_key_id)),
            secret_access_key: keep(&given.secret_access_key, saved.as_ref().map(|s| &s.secret_access_key)),
            ..given.clone()
        })
    }

    /// The saved workspace passphrase as this database holds it: the
    /// passphrase itself (an encrypted database, or no OS keychain), or
    /// [`PASSPHRASE_IN_KEYCHAIN`] when the host keeps it in the OS keychain
    /// (a plain database; see ARCHITECTURE.md and daifuku-host's `lock.rs`).
    pub fn sync_passphrase(&self) -> crate::Result<Option<String>> {
        Ok(self.sync_state_get(SETUP_PASSPHRASE)?.filter(|p| !p.is_empty()))
    }

    /// Notes that the host moved the saved passphrase to the OS keychain:
    /// the value is overwritten where it lay (`secure_delete`) and the WAL
    /// is checkpointed and truncated, so no copy stays in the files.
    pub fn sync_passphrase_moved_to_keychain(&self) -> crate::Result<()> {
        let before: i64 = self.conn().pragma_query_value(None, "secure_delete", |r| r.get(0))?;
        self.conn().pragma_update(None, "secure_delete", "ON")?;
        let set = self.sync_state_set(SETUP_PASSPHRASE, PASSPHRASE_IN_KEYCHAIN);
        self.conn().pragma_update(None, "secure_delete", before)?;
        set?;
        self.conn().query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |_| Ok(()))?;
        Ok(())
    }

    /// Sets up the app's sync: the folder, the passphrase (`None`: keep the
    /// saved one; empty: none) and this computer's name (`None` or empty: keep).
    /// With `s3`, a bucket instead of the folder (its keys: `None` keeps the saved ones).
    pub fn sync_configure(
        &mut self,
        folder: &str,
        s3: Option<&S3Settings>,
        passphrase: Option<&str>,
        device_name: Option<&str>,
    ) -> crate::Result<SyncStatus> {
        let s3 = match s3 {
            Some(given) => {
                given.validate()?;
                let s3 = self.sync_s3_with_saved_keys(given)?;
                s3.require_keys()?;
                Some(s3)
            }
            None => None,
        };
        let location = s3.as_ref().map(S3Settings::location);
        let folder = location.as_deref().unwrap_or(folder).trim();
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
        match &s3 {
            Some(s3) => {
                let place = S3Place {
                    endpoint: s3.endpoint.trim().to_string(),
                    bucket: s3.bucket.trim().to_string(),
                    prefix: s3.prefix.trim().trim_matches('/').to_string(),
                    region: s3.region.trim().to_string(),
                };
                self.sync_state_set(SETUP_S3, &serde_json::to_string(&place)?)?;
                self.sync_state_set(SETUP_S3_KEY_ID, s3.access_key_id.as_deref().unwrap_or_default().trim())?;
                self.sync_state_set(SETUP_S3_SECRET, s3.secret_access_key.as_deref().unwrap_or_default())?;
            }
            None => self.forget_s3()?,
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
        self.forget_s3()?;
        self.sync_state_set("last_error", "")?;
        self.sync_status()
    }

    fn forget_s3(&self) -> crate::Result<()> {
        for key in [SETUP_S3, SETUP_S3_KEY_ID, SETUP_S3_SECRET] {
            self.sync_state_set(key, "")?;
        }
        Ok(())
    }
}

const SETUP_FOLDER: &str = "app_folder";
/// The folder the app last synced through successfully.
pub(crate) const SYNCED_FOLDER: &str = "app_synced_folder";
const SETUP_PASSPHRASE: &str = "app_passphrase";
/// The app's bucket (JSON of `S3Place`) and its keys, kept apart so status never reads them.
const SETUP_S3: &str = "app_s3";
const SETUP_S3_KEY_ID: &str = "app_s3_key_id";
const SETUP_S3_SECRET: &str = "app_s3_secret";

/// A bucket's prefix holds only ASCII letters, digits, `-`, `_`, `.` and `/`
/// (`sync_s3_bad_prefix`): object_store escapes other characters in names,
/// so a round would not find the files it wrote under them (the app's 同期
/// screen and `daifuku sync --s3-prefix` both check it).
pub fn check_s3_prefix(prefix: &str) -> crate::Result<()> {
    if prefix.trim().chars().all(|c| c.is_ascii_alphanumeric() || "-_./".contains(c)) {
        return Ok(());
    }
    Err(crate::ApiError::field(
        "sync_s3_bad_prefix",
        "prefix",
        "the prefix may hold only ASCII letters, digits, - _ . and /",
    ))
}
