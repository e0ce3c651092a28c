//! The lock of an encrypted database (issue 18): the host starts locked
//! when the database file is encrypted and its key is not remembered on
//! this computer; `unlock` derives the key once (SQLCipher's derivation,
//! ~0.2 s; see `daifuku::store::crypto`) and opens the UI's connection;
//! `lock` (the UI's idle lock) forgets the key and closes it. While locked
//! every other command answers `locked`.
//!
//! "Remember on this computer" keeps the raw key (never the passphrase) in
//! the OS keychain through keyring-core: Secret Service on Linux, Windows
//! Credential Manager, macOS Keychain (the `keyring` crate picks the store).
//! Never in a file. Tests set `DAIFUKU_TEST_KEYCHAIN` to a file path:
//! keyring-core's sample store (not secure, test only) then stands in for
//! the OS keychain and survives a restart of the app under test.

use std::path::Path;
use std::sync::{Arc, OnceLock};

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use daifuku::error::{ApiError, Result};
use daifuku::store::crypto::{self, DbKey};

/// What the lock screen and 設定 need to know.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct LockStatus {
    /// The database file is encrypted (SQLCipher).
    pub encrypted: bool,
    /// No connection is open: everything but the lock commands answers `locked`.
    pub locked: bool,
    /// Its key is kept in this computer's keychain (the app opens without asking).
    pub remembered: bool,
    /// Minutes without use before the app locks (known only while unlocked).
    #[ts(optional)]
    pub idle_minutes: Option<u32>,
}

/// What encryption change 設定 asks for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum EncryptionAction {
    Encrypt,
    Decrypt,
    Rekey,
}

impl EncryptionAction {
    pub fn as_str(self) -> &'static str {
        match self {
            EncryptionAction::Encrypt => "encrypt",
            EncryptionAction::Decrypt => "decrypt",
            EncryptionAction::Rekey => "rekey",
        }
    }
}

/// What every command but the lock commands answers while the database is locked.
pub fn locked_error() -> ApiError {
    ApiError::new("locked", "the database is locked; unlock it with its passphrase")
}

/// Shortest passphrase the app accepts for a new key (as the CLI).
pub const MIN_PASSPHRASE_CHARS: usize = 8;

pub fn check_new_passphrase(p: Option<&str>) -> Result<&str> {
    let p = p.filter(|p| !p.is_empty()).ok_or_else(|| {
        ApiError::field("passphrase_required", "new_passphrase", "enter a passphrase for the database")
    })?;
    if p.chars().count() < MIN_PASSPHRASE_CHARS {
        return Err(ApiError::field(
            "passphrase_too_short",
            "new_passphrase",
            format!("a passphrase needs at least {MIN_PASSPHRASE_CHARS} characters"),
        ));
    }
    Ok(p)
}

/// The OS keychain, through keyring-core.
pub mod keychain {
    use super::*;

    const SERVICE: &str = "daifuku";

    /// The test stand-in, kept to save it after each change (it writes its file only when asked).
    static SAMPLE: OnceLock<Option<Arc<keyring_core::sample::Store>>> = OnceLock::new();
    static READY: OnceLock<std::result::Result<(), String>> = OnceLock::new();

    fn ready() -> Result<()> {
        READY
            .get_or_init(|| {
                // `DAIFUKU_TEST_KEYCHAIN=unavailable`: a computer without a
                // usable keychain (tests of what the app does then).
                if std::env::var("DAIFUKU_TEST_KEYCHAIN").is_ok_and(|v| v == "unavailable") {
                    return Err("no keychain (DAIFUKU_TEST_KEYCHAIN=unavailable)".to_string());
                }
                let sample = SAMPLE.get_or_init(|| {
                    let path = std::env::var("DAIFUKU_TEST_KEYCHAIN").ok().filter(|p| !p.is_empty())?;
                    keyring_core::sample::Store::new_with_backing(&path).ok()
                });
                match sample {
                    Some(store) => {
                        keyring_core::set_default_store(store.clone());
                        Ok(())
                    }
                    // keyring's v1 entry point sets the platform's store as keyring-core's default.
                    None => keyring::Entry::store_status().as_ref().map(|_| ()).map_err(|e| e.to_string()),
                }
            })
            .clone()
            .map_err(|e| ApiError::new("keychain_unavailable", format!("the OS keychain cannot be used: {e}")))
    }

    fn entry(db: &Path) -> Result<keyring_core::Entry> {
        entry_of(db, "db-key")
    }

    /// The keychain entry `what` of the database at `db`.
    fn entry_of(db: &Path, what: &str) -> Result<keyring_core::Entry> {
        ready()?;
        let dir = db.parent().filter(|d| !d.as_os_str().is_empty()).unwrap_or(Path::new("."));
        let canon = dir.canonicalize().unwrap_or_else(|_| dir.to_path_buf()).join(db.file_name().unwrap_or_default());
        keyring_core::Entry::new(SERVICE, &format!("{what}:{}", canon.display()))
            .map_err(|e| ApiError::new("keychain_unavailable", format!("the OS keychain cannot be used: {e}")))
    }

    fn saved() {
        if let Some(Some(store)) = SAMPLE.get() {
            let _ = store.save();
        }
    }

    /// Keeps the key of `db` in the keychain.
    pub fn save(db: &Path, key: &DbKey) -> Result<()> {
        entry(db)?
            .set_secret(&key.to_secret())
            .map_err(|e| ApiError::new("keychain_unavailable", format!("the key could not be kept: {e}")))?;
        saved();
        Ok(())
    }

    /// The key of `db` kept in the keychain, if any.
    pub fn load(db: &Path) -> Option<DbKey> {
        let secret = crypto::Zeroizing::new(entry(db).ok()?.get_secret().ok()?);
        DbKey::from_secret(&secret)
    }

    const SYNC_PASSPHRASE: &str = "sync-passphrase";

    /// Keeps the folder-sync passphrase of `db` in the keychain.
    pub fn save_sync_passphrase(db: &Path, passphrase: &str) -> Result<()> {
        entry_of(db, SYNC_PASSPHRASE)?
            .set_password(passphrase)
            .map_err(|e| ApiError::new("keychain_unavailable", format!("the passphrase could not be kept: {e}")))?;
        saved();
        Ok(())
    }

    /// The folder-sync passphrase of `db` kept in the keychain, if any.
    pub fn load_sync_passphrase(db: &Path) -> Option<String> {
        entry_of(db, SYNC_PASSPHRASE).ok()?.get_password().ok()
    }

    /// Forgets the folder-sync passphrase of `db` (no error when there was none).
    pub fn delete_sync_passphrase(db: &Path) {
        if let Ok(e) = entry_of(db, SYNC_PASSPHRASE) {
            let _ = e.delete_credential();
            saved();
        }
    }

    /// Forgets the key of `db` (no error when there was none).
    pub fn delete(db: &Path) {
        if let Ok(e) = entry(db) {
            let _ = e.delete_credential();
            saved();
        }
    }
}

/// Keeps the folder-sync passphrase out of a plain database (issue 18):
/// saved there by `sync_configure`, it moves to the OS keychain and the
/// database keeps only [`PASSPHRASE_IN_KEYCHAIN`]. An encrypted database
/// keeps it (encrypted with everything else). Without a usable keychain it
/// stays where it is (ARCHITECTURE.md: encrypt the database then).
/// `was_in_keychain`: the database held the stand-in before the command —
/// a passphrase taken away since (sync off, or set up without one) is
/// forgotten in the keychain too. The keychain is not touched otherwise.
pub fn protect_sync_passphrase(store: &Store, was_in_keychain: bool) -> Result<()> {
    let Some(db) = store.path() else { return Ok(()) };
    match store.sync_passphrase()? {
        Some(p) if p == PASSPHRASE_IN_KEYCHAIN => {}
        Some(p) => {
            if store.db_key().is_none() && keychain::save_sync_passphrase(&db, &p).is_ok() {
                store.sync_passphrase_moved_to_keychain()?;
            }
        }
        None if was_in_keychain => keychain::delete_sync_passphrase(&db),
        None => {}
    }
    Ok(())
}

/// Whether the folder-sync passphrase lies in a plain database file: saved,
/// not in the keychain (this computer has none that works), and the file is
/// not encrypted. The sync screen then says so and what to do.
pub fn sync_passphrase_in_file(store: &Store) -> Result<bool> {
    if store.path().is_none() || store.db_key().is_some() {
        return Ok(false);
    }
    Ok(matches!(store.sync_passphrase()?, Some(p) if p != PASSPHRASE_IN_KEYCHAIN))
}

/// Whether the database keeps its folder-sync passphrase in the OS keychain.
pub fn sync_passphrase_in_keychain(store: &Store) -> Result<bool> {
    Ok(store.sync_passphrase()?.as_deref() == Some(PASSPHRASE_IN_KEYCHAIN))
}

/// The saved folder-sync passphrase, from the keychain when it is kept there.
pub fn saved_sync_passphrase(store: &Store) -> Result<Option<String>> {
    match store.sync_passphrase()? {
        Some(p) if p == PASSPHRASE_IN_KEYCHAIN => {
            let from_keychain = store.path().and_then(|db| keychain::load_sync_passphrase(&db));
            from_keychain.map(Some).ok_or_else(|| {
                ApiError::new(
                    "sync_passphrase_required",
                    "the sync passphrase kept in this computer's keychain cannot be read: enter it again in 同期",
                )
            })
        }
        other => Ok(other),
    }
}

/// Unlocks `db` from the keychain when its key is kept there and still
/// opens it (a key left from before a rekey is forgotten). Returns whether it did.
pub fn unlock_remembered(db: &Path) -> bool {
    let Some(key) = keychain::load(db) else { return false };
    if crypto::check_key(db, &key).is_ok() {
        crypto::remember(db, key);
        true
    } else {
        keychain::delete(db);
        false
    }
}

use std::sync::atomic::Ordering;

use crate::{Answer, Host, HostCommand, HostResponse, SyncHost};
use daifuku::store::audit::AuditEntry;
use daifuku::store::Store;
use daifuku::sync::PASSPHRASE_IN_KEYCHAIN;

impl Host {
    /// The host of the database at `db`: unlocked when it is plain or its
    /// key is remembered (this process, or the keychain), else locked.
    /// Leftovers of an encrypt/decrypt/rekey that did not finish are cleaned first.
    pub fn open(db: &Path) -> Result<Host> {
        crypto::finish_pending(db)?;
        if crypto::is_encrypted(db)? && crypto::key_for(db).is_none() && !unlock_remembered(db) {
            return Host::open_locked(db);
        }
        let store = Store::open(db)?;
        // A passphrase saved before it was kept in the keychain moves there now.
        protect_sync_passphrase(&store, false)?;
        Ok(Host::new(store))
    }

    /// A host with no database connection: only `lock_status` and `unlock` answer.
    /// (The UI's connection is an empty in-memory database until `unlock`.)
    pub fn open_locked(db: &Path) -> Result<Host> {
        let mut host = Host::with_sync(Store::open_in_memory()?, SyncHost::new());
        host.db = Some(db.to_path_buf());
        host.locked.store(true, Ordering::SeqCst);
        Ok(host)
    }

    /// Whether the database is locked.
    pub fn is_locked(&self) -> bool {
        self.locked.load(Ordering::SeqCst)
    }

    pub fn lock_status(&self) -> Result<LockStatus> {
        let Some(db) = &self.db else {
            return Ok(LockStatus { encrypted: false, locked: false, remembered: false, idle_minutes: None });
        };
        let locked = self.is_locked();
        let encrypted = crypto::is_encrypted(db)?;
        Ok(LockStatus {
            encrypted,
            locked,
            remembered: encrypted && keychain::load(db).is_some(),
            idle_minutes: if locked { None } else { Some(self.store()?.lock_idle_minutes()?) },
        })
    }

    /// The lock commands, which answer also while locked.
    pub(crate) fn lock_command(&self, cmd: HostCommand, now_ms: i64, tz_offset_min: i32) -> Result<Answer> {
        match cmd {
            HostCommand::LockStatus => {}
            HostCommand::Unlock { passphrase, remember } => self.unlock(&passphrase, remember)?,
            HostCommand::Lock => self.lock()?,
            HostCommand::LockSettings { idle_minutes } => {
                if self.is_locked() {
                    return Err(locked_error());
                }
                self.store()?.set_lock_idle_minutes(idle_minutes)?;
            }
            HostCommand::Encryption { action, passphrase, new_passphrase, remember } => {
                if self.is_locked() {
                    return Err(locked_error());
                }
                self.change_encryption(
                    action,
                    passphrase.as_deref(),
                    new_passphrase.as_deref(),
                    remember,
                    now_ms,
                    tz_offset_min,
                )?
            }
            _ => unreachable!("only the lock commands come here"),
        }
        Ok(HostResponse::LockStatus(self.lock_status()?).into())
    }

    fn unlock(&self, passphrase: &str, remember: bool) -> Result<()> {
        let Some(db) = self.db.clone() else { return Ok(()) };
        if !self.is_locked() {
            return Ok(());
        }
        if passphrase.is_empty() {
            return Err(ApiError::field("wrong_passphrase", "passphrase", "enter the passphrase"));
        }
        crypto::unlock(&db, passphrase).map_err(|e| {
            if e.code == "wrong_passphrase" {
                ApiError::field("wrong_passphrase", "passphrase", e.message)
            } else {
                e
            }
        })?;
        let store = Store::open(&db)?;
        *self.store()? = store;
        self.locked.store(false, Ordering::SeqCst);
        match (remember, crypto::key_for(&db)) {
            (true, Some(key)) => keychain::save(&db, &key)?,
            _ => keychain::delete(&db),
        }
        Ok(())
    }

    /// Closes the UI's connection and forgets the key (the keychain keeps a
    /// remembered one). Refused while an import, a restore or a sync round
    /// holds a connection of its own (`busy`).
    fn lock(&self) -> Result<()> {
        let Some(db) = self.db.clone() else { return Ok(()) };
        if self.is_locked() || !crypto::is_encrypted(&db)? {
            return Ok(());
        }
        if self.jobs.running() || self.round_running() || self.restoring() {
            return Err(ApiError::new("busy", "work is running on the database; the app locks when it ends"));
        }
        let mut store = self.store()?;
        *store = Store::open_in_memory()?;
        crypto::forget(&db);
        self.locked.store(true, Ordering::SeqCst);
        Ok(())
    }

    /// 設定: encryption on, off, or a new passphrase. The UI's connection is
    /// closed while the file is rewritten (`daifuku::store::crypto::rewrite`:
    /// a new file, checked, swapped in) and opened again after; every other
    /// command waits for it. Refused while other work holds a connection.
    fn change_encryption(
        &self,
        action: EncryptionAction,
        passphrase: Option<&str>,
        new_passphrase: Option<&str>,
        remember: bool,
        now_ms: i64,
        tz_offset_min: i32,
    ) -> Result<()> {
        let Some(db) = self.db.clone() else {
            return Err(ApiError::new("bad_request", "an in-memory database cannot be encrypted"));
        };
        let encrypted = crypto::is_encrypted(&db)?;
        match action {
            EncryptionAction::Encrypt if encrypted => {
                return Err(ApiError::new("already_encrypted", "the database is already encrypted"))
            }
            EncryptionAction::Decrypt | EncryptionAction::Rekey if !encrypted => {
                return Err(ApiError::new("not_encrypted", "the database is not encrypted"))
            }
            _ => {}
        }
        // Decrypting or changing the passphrase asks for the current one, whoever sits at the laptop.
        if encrypted {
            let key = crypto::key_for(&db).ok_or_else(locked_error)?;
            let given = DbKey::derive(passphrase.unwrap_or_default(), key.salt());
            if given.to_secret() != key.to_secret() {
                return Err(ApiError::field("wrong_passphrase", "passphrase", "the current passphrase is wrong"));
            }
        }
        let to = match action {
            EncryptionAction::Decrypt => None,
            _ => Some(DbKey::fresh(check_new_passphrase(new_passphrase)?)),
        };
        let _starting = self.starting();
        if self.jobs.running() || self.round_running() || self.restoring() {
            return Err(ApiError::new("busy", "an import, a restore or a sync is running; try again when it ends"));
        }
        let mut store = self.store()?;
        // The UI's connection closes: the rewrite needs the file to itself.
        let _ = std::mem::replace(&mut *store, Store::open_in_memory()?);
        let done = crypto::rewrite(&db, to.as_ref(), &mut |_| {});
        // Open again in any case: after a failed rewrite the old file is there.
        *store = Store::open(&db)?;
        let done = done?;
        match (&to, remember) {
            (Some(k), true) => keychain::save(&db, k)?,
            _ => keychain::delete(&db),
        }
        let mut ctx = store.context(now_ms)?;
        ctx.tz_offset_min = tz_offset_min;
        store.audit(&ctx, &AuditEntry { count: Some(done.rows), ..AuditEntry::new(action.as_str()) })?;
        Ok(())
    }
}
