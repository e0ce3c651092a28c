//! Encryption at rest (issue 18): SQLCipher 4 through rusqlite's
//! `bundled-sqlcipher`.
//!
//! Keys. SQLCipher derives a page key from a passphrase with
//! PBKDF2-HMAC-SHA512 (256,000 iterations) and the 16-byte salt it keeps in
//! the first bytes of the file: ~0.2 s on every `PRAGMA key = 'passphrase'`.
//! The app opens several connections (the UI's store, jobs, sync rounds,
//! import planning, backups), so we run that same derivation once per
//! unlock with the `pbkdf2` crate and give every connection the raw key and
//! salt (`PRAGMA key = "x'<64 hex key><32 hex salt>'"`), which SQLCipher
//! uses without deriving. Because it is SQLCipher's own derivation with
//! SQLCipher's own salt, the file still opens with the passphrase in any
//! SQLCipher 4 tool (a way back if this app is gone). The raw key is held in
//! memory only (zeroed when dropped), in the process's key table below; it
//! is never written to a file.
//!
//! Why a process-wide table: every `Connection` the app opens on a database
//! file (`Store::open`, the import planner's reader, backups, restores,
//! snapshot images) must be keyed first thing. Handing a key through every
//! caller would miss one sooner or later; instead the front end unlocks a
//! path once ([`unlock`]) and every opener of that path asks [`key_for`].
//! A backup written from an encrypted database carries the same key and
//! salt, so the table also finds a key by the file's salt.
//!
//! Rewrites (encrypt, decrypt, rekey) never change the file in place: the
//! database is exported (`ATTACH … KEY …; SELECT sqlcipher_export(…)`) into
//! `DB.rewrite` beside it, checked (quick_check, and every table's rows
//! counted in both), fsynced, then renamed over `DB` (atomic). The old file
//! is first hard-linked to `DB.old`, so after the swap its bytes can be
//! overwritten before it is removed; a leftover `.old` (the process died) is
//! wiped the next time ([`finish_pending`]). At every moment `DB` is the
//! old file or the new one, never neither.

use std::fs::{File, OpenOptions};
use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use rand::RngExt;
use rusqlite::Connection;
use zeroize::Zeroize;
pub use zeroize::Zeroizing;

use crate::error::{ApiError, Result};

/// SQLCipher 4's default key derivation (kdf_iter).
pub const KDF_ITER: u32 = 256_000;
const SALT_LEN: usize = 16;
const PLAIN_HEADER: &[u8; 16] = b"SQLite format 3\0";

/// A database key: the raw 256-bit key and the salt of the file it opens.
#[derive(Clone)]
pub struct DbKey {
    key: Zeroizing<[u8; 32]>,
    salt: [u8; SALT_LEN],
}

impl std::fmt::Debug for DbKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("DbKey(…)")
    }
}

impl DbKey {
    /// SQLCipher 4's derivation of `passphrase` with `salt` (~0.2 s).
    pub fn derive(passphrase: &str, salt: [u8; SALT_LEN]) -> DbKey {
        let mut key = Zeroizing::new([0u8; 32]);
        pbkdf2::pbkdf2_hmac::<sha2::Sha512>(passphrase.as_bytes(), &salt, KDF_ITER, &mut *key);
        DbKey { key, salt }
    }

    /// A key for a new encrypted file: `passphrase` with a fresh random salt.
    pub fn fresh(passphrase: &str) -> DbKey {
        DbKey::derive(passphrase, rand::rng().random())
    }

    pub fn salt(&self) -> [u8; SALT_LEN] {
        self.salt
    }

    /// The key and salt as one secret (48 bytes), for the OS keychain's
    /// "remember on this computer"; never for a file.
    pub fn to_secret(&self) -> Zeroizing<Vec<u8>> {
        let mut v = Zeroizing::new(Vec::with_capacity(32 + SALT_LEN));
        v.extend_from_slice(&*self.key);
        v.extend_from_slice(&self.salt);
        v
    }

    /// A key given back by the keychain ([`DbKey::to_secret`]).
    pub fn from_secret(secret: &[u8]) -> Option<DbKey> {
        if secret.len() != 32 + SALT_LEN {
            return None;
        }
        let mut key = Zeroizing::new([0u8; 32]);
        key.copy_from_slice(&secret[..32]);
        Some(DbKey { key, salt: secret[32..].try_into().ok()? })
    }

    /// The SQL literal SQLCipher takes a raw key and salt as.
    fn literal(&self) -> Zeroizing<String> {
        let mut hex = hex::encode(*self.key);
        let s = Zeroizing::new(format!("\"x'{hex}{}'\"", hex::encode(self.salt)));
        hex.zeroize();
        s
    }
}

/// What a database file is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FileState {
    /// No file, or an empty one (SQLite writes the header with the first table).
    Missing,
    /// A plain SQLite file.
    Plain,
    /// Not a plain SQLite header: an SQLCipher file, whose first 16 bytes are its salt.
    Encrypted { salt: [u8; SALT_LEN] },
    /// Neither: too short, or not whole pages (SQLite reports it as not a database).
    Other,
}

/// Reads the first 16 bytes of `path` (nothing else, nothing written).
pub fn file_state(path: &Path) -> Result<FileState> {
    let mut f = match File::open(path) {
        Ok(f) => f,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(FileState::Missing),
        Err(e) => return Err(io(path, e)),
    };
    let mut head = [0u8; SALT_LEN];
    let mut got = 0;
    while got < SALT_LEN {
        match f.read(&mut head[got..]).map_err(|e| io(path, e))? {
            0 => break,
            n => got += n,
        }
    }
    // An encrypted file is whole pages (512 bytes at least); anything else is no database at all.
    let len = f.metadata().map_err(|e| io(path, e))?.len();
    Ok(match got {
        0 => FileState::Missing,
        SALT_LEN if &head == PLAIN_HEADER => FileState::Plain,
        SALT_LEN if len >= 512 && len % 512 == 0 => FileState::Encrypted { salt: head },
        _ => FileState::Other,
    })
}

pub fn is_encrypted(path: &Path) -> Result<bool> {
    Ok(matches!(file_state(path)?, FileState::Encrypted { .. }))
}

fn io(path: &Path, e: std::io::Error) -> ApiError {
    ApiError::new("io", format!("{}: {e}", path.display()))
}

pub fn wrong_passphrase(path: &Path) -> ApiError {
    ApiError::new(
        "wrong_passphrase",
        format!("{} is encrypted and the passphrase is missing or wrong; nothing was changed", path.display()),
    )
}

/// The process's unlocked databases: canonical path → key.
static KEYS: Mutex<Vec<(PathBuf, DbKey)>> = Mutex::new(Vec::new());

/// The path as the key table knows it: the canonical folder and the file's name
/// (the file itself may not exist yet).
fn canonical(path: &Path) -> PathBuf {
    let name = path.file_name().map(|n| n.to_os_string()).unwrap_or_default();
    let dir = path.parent().filter(|d| !d.as_os_str().is_empty()).unwrap_or(Path::new("."));
    dir.canonicalize().unwrap_or_else(|_| dir.to_path_buf()).join(name)
}

/// Remembers `key` for `path` until [`forget`].
pub fn remember(path: &Path, key: DbKey) {
    let p = canonical(path);
    let mut keys = KEYS.lock().unwrap_or_else(|e| e.into_inner());
    keys.retain(|(q, _)| *q != p);
    keys.push((p, key));
}

/// Forgets the key of `path` (locks it for this process's new connections).
pub fn forget(path: &Path) {
    let p = canonical(path);
    KEYS.lock().unwrap_or_else(|e| e.into_inner()).retain(|(q, _)| *q != p);
}

/// The key for `path`: the one remembered for it, else (an encrypted file
/// such as a backup) one remembered with the file's salt.
pub fn key_for(path: &Path) -> Option<DbKey> {
    let p = canonical(path);
    let keys = KEYS.lock().unwrap_or_else(|e| e.into_inner());
    if let Some((_, k)) = keys.iter().find(|(q, _)| *q == p) {
        return Some(k.clone());
    }
    let Ok(FileState::Encrypted { salt }) = file_state(path) else { return None };
    keys.iter().find(|(_, k)| k.salt == salt).map(|(_, k)| k.clone())
}

/// Unlocks `path` with `passphrase`: derives the key once (from the file's
/// salt), checks it opens the file (read only: the file is not touched) and
/// remembers it. `Ok(false)`: the file is not encrypted (nothing to unlock).
pub fn unlock(path: &Path, passphrase: &str) -> Result<bool> {
    let FileState::Encrypted { salt } = file_state(path)? else { return Ok(false) };
    let key = DbKey::derive(passphrase, salt);
    check_key(path, &key)?;
    remember(path, key);
    Ok(true)
}

/// Does `key` open the file at `path`? Read only, nothing written.
pub fn check_key(path: &Path, key: &DbKey) -> Result<()> {
    super::alloc::install();
    let conn = Connection::open_with_flags(
        path,
        rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY | rusqlite::OpenFlags::SQLITE_OPEN_NO_MUTEX,
    )
    .map_err(|_| wrong_passphrase(path))?;
    apply(&conn, key, path)
}

/// Keys `conn` (just opened, nothing read yet) with `key`, and proves it:
/// a wrong key gives `wrong_passphrase`.
pub fn apply(conn: &Connection, key: &DbKey, path: &Path) -> Result<()> {
    // A wrong key is an answer (`wrong_passphrase`), not a line on stderr from SQLCipher's log.
    conn.execute_batch("PRAGMA cipher_log_level = NONE;")?;
    conn.execute_batch(&format!("PRAGMA key = {};", key.literal().as_str()))?;
    conn.query_row("SELECT count(*) FROM sqlite_schema", [], |r| r.get::<_, i64>(0))
        .map_err(|_| wrong_passphrase(path))?;
    Ok(())
}

/// Keys a connection just opened on the file at `path`, when it is
/// encrypted: with the remembered key, or fails with `wrong_passphrase`
/// before anything is read or written.
pub fn key_connection(conn: &Connection, path: &Path) -> Result<()> {
    if let Some(key) = key_for(path) {
        return apply(conn, &key, path);
    }
    if is_encrypted(path)? {
        return Err(wrong_passphrase(path));
    }
    Ok(())
}

/// The statement that attaches `file` as `alias` with `key` (or plain).
pub(crate) fn attach_sql(file: &Path, alias: &str, key: Option<&DbKey>) -> Result<Zeroizing<String>> {
    let f = file.to_str().ok_or_else(|| ApiError::new("io", format!("{}: not a UTF-8 path", file.display())))?;
    let f = f.replace('\'', "''");
    let k = match key {
        Some(k) => k.literal(),
        None => Zeroizing::new("''".to_string()),
    };
    Ok(Zeroizing::new(format!("ATTACH DATABASE '{f}' AS {alias} KEY {};", k.as_str())))
}

/// Exports the main database of `conn` into the new (or empty) file `to`,
/// keyed with `to_key` (`None`: plain), with its schema version.
/// `incremental`: the copy gets `auto_vacuum = INCREMENTAL` (snapshot images).
pub(crate) fn export_conn(conn: &Connection, to: &Path, to_key: Option<&DbKey>, incremental: bool) -> Result<()> {
    let version: i64 = conn.pragma_query_value(None, "user_version", |r| r.get(0))?;
    conn.execute_batch(attach_sql(to, "export_target", to_key)?.as_str())?;
    let done = (|| -> Result<()> {
        if incremental {
            conn.execute_batch("PRAGMA export_target.auto_vacuum = INCREMENTAL;")?;
        }
        conn.query_row("SELECT sqlcipher_export('export_target')", [], |_| Ok(()))?;
        // sqlcipher_export copies schema and rows, not the header's user_version.
        conn.execute_batch(&format!("PRAGMA export_target.user_version = {version};"))?;
        Ok(())
    })();
    conn.execute_batch("DETACH DATABASE export_target;")?;
    done
}

/// Writes a copy of the database file `from` (opened with `from_key`, or
/// plain) into the new file `to`, keyed with `to_key` (or plain).
pub fn export_file(from: &Path, from_key: Option<&DbKey>, to: &Path, to_key: Option<&DbKey>) -> Result<()> {
    super::alloc::install();
    let conn = Connection::open(from)?;
    match from_key {
        Some(k) => apply(&conn, k, from)?,
        None if is_encrypted(from)? => return Err(wrong_passphrase(from)),
        None => {}
    }
    export_conn(&conn, to, to_key, false)
}

/// A step of a rewrite, for fault-injection tests (the CLI aborts the process there).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Step {
    /// The new file is written (`DB.rewrite`).
    Exported,
    /// It opens with its key and holds the same rows.
    Checked,
    /// It is on disk (fsync).
    Synced,
    /// The old file has its second name `DB.old`.
    Linked,
    /// The new file is `DB`.
    Swapped,
    /// The old file's bytes are overwritten and removed.
    Wiped,
}

impl Step {
    pub const ALL: [Step; 6] = [Step::Exported, Step::Checked, Step::Synced, Step::Linked, Step::Swapped, Step::Wiped];
    pub fn name(self) -> &'static str {
        match self {
            Step::Exported => "exported",
            Step::Checked => "checked",
            Step::Synced => "synced",
            Step::Linked => "linked",
            Step::Swapped => "swapped",
            Step::Wiped => "wiped",
        }
    }
}

/// `path` with `suffix` added to its name (`crm.db` → `crm.db-wal`).
pub fn sibling(path: &Path, suffix: &str) -> PathBuf {
    let mut s = path.as_os_str().to_owned();
    s.push(suffix);
    PathBuf::from(s)
}

/// Overwrites a file's bytes with zeros, syncs, and removes it.
fn wipe(path: &Path) -> Result<()> {
    let len = std::fs::metadata(path).map_err(|e| io(path, e))?.len();
    {
        let mut f = OpenOptions::new().write(true).open(path).map_err(|e| io(path, e))?;
        let zeros = vec![0u8; 1 << 20];
        let mut left = len;
        while left > 0 {
            let n = left.min(zeros.len() as u64) as usize;
            f.write_all(&zeros[..n]).map_err(|e| io(path, e))?;
            left -= n as u64;
        }
        f.sync_all().map_err(|e| io(path, e))?;
    }
    std::fs::remove_file(path).map_err(|e| io(path, e))
}

fn sync_dir(path: &Path) {
    // Directories cannot be opened for syncing on every platform (Windows); best effort.
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        if let Ok(d) = File::open(dir) {
            let _ = d.sync_all();
        }
    }
}

/// Cleans up after a rewrite that did not finish: removes a half-written
/// `DB.rewrite`, and wipes a `DB.old` left after the swap (or just unlinks
/// it when it is still the database itself: the swap did not happen).
pub fn finish_pending(path: &Path) -> Result<()> {
    for leftover in [sibling(path, ".rewrite"), sibling(path, ".rewrite-journal")] {
        if leftover.exists() {
            std::fs::remove_file(&leftover).map_err(|e| io(&leftover, e))?;
        }
    }
    let old = sibling(path, ".old");
    if old.exists() {
        if same_file::is_same_file(&old, path).unwrap_or(false) {
            std::fs::remove_file(&old).map_err(|e| io(&old, e))?;
        } else {
            wipe(&old)?;
        }
    }
    Ok(())
}

/// Rows of every ordinary table, by name (virtual tables are counted through their shadow tables).
fn table_counts(conn: &Connection, schema: &str) -> Result<Vec<(String, i64)>> {
    let names: Vec<String> = conn
        .prepare(&format!(
            "SELECT name FROM {schema}.sqlite_schema WHERE type = 'table' AND sql NOT LIKE 'CREATE VIRTUAL%' ORDER BY name"
        ))?
        .query_map([], |r| r.get(0))?
        .collect::<rusqlite::Result<_>>()?;
    let mut out = Vec::with_capacity(names.len());
    for n in names {
        let c: i64 =
            conn.query_row(&format!("SELECT count(*) FROM {schema}.\"{}\"", n.replace('"', "\"\"")), [], |r| r.get(0))?;
        out.push((n, c));
    }
    Ok(out)
}

/// What a rewrite did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rewritten {
    /// Tables copied and checked.
    pub tables: usize,
    /// Rows in them.
    pub rows: i64,
}

/// Rewrites the database at `path` (opened with the key remembered for it,
/// or plain) into a new file keyed with `to` (`None`: plain), checks it and
/// swaps it in (see the module's comment). No other connection may have the
/// database open (`database_in_use`). On success the table remembers `to`
/// for `path` (or forgets it). `at` is called after each step.
pub fn rewrite(path: &Path, to: Option<&DbKey>, at: &mut dyn FnMut(Step)) -> Result<Rewritten> {
    if file_state(path)? == FileState::Missing {
        return Err(ApiError::new("not_found", format!("{} does not exist", path.display())));
    }
    finish_pending(path)?;
    let wal = sibling(path, "-wal");
    let in_use = || {
        ApiError::new("database_in_use", format!("{} is open in another program; close Daifuku first", path.display()))
    };
    let target = sibling(path, ".rewrite");
    let (tables, rows) = {
        super::alloc::install();
        let conn = Connection::open(path)?;
        key_connection(&conn, path)?;
        // Every page in the main file and the WAL gone: the WAL must not outlive the swap
        // (SQLite would replay the old file's frames onto the new one).
        conn.execute_batch("PRAGMA journal_mode = DELETE;").map_err(|_| in_use())?;
        let version: i64 = conn.pragma_query_value(None, "user_version", |r| r.get(0))?;
        let before = table_counts(&conn, "main")?;
        export_conn(&conn, &target, to, false)?;
        // Back to WAL for the file as it stays (the rewrite fails later, or this is the old file).
        conn.execute_batch("PRAGMA journal_mode = WAL;")?;
        conn.close().map_err(|(_, e)| e)?;
        at(Step::Exported);

        let check = Connection::open(&target)?;
        match to {
            Some(k) => apply(&check, k, &target)?,
            None => {
                check.query_row("SELECT count(*) FROM sqlite_schema", [], |r| r.get::<_, i64>(0))?;
            }
        }
        let ok: String = check.query_row("PRAGMA quick_check", [], |r| r.get(0))?;
        let after = table_counts(&check, "main")?;
        let v: i64 = check.pragma_query_value(None, "user_version", |r| r.get(0))?;
        if ok != "ok" || after != before || v != version {
            drop(check);
            let _ = std::fs::remove_file(&target);
            return Err(ApiError::new(
                "rewrite_check_failed",
                format!("the rewritten copy of {} did not check out; the database was not changed", path.display()),
            ));
        }
        check.execute_batch("PRAGMA journal_mode = WAL;")?;
        check.close().map_err(|(_, e)| e)?;
        at(Step::Checked);
        (before.len(), before.iter().map(|(_, n)| n).sum())
    };
    File::open(&target).and_then(|f| f.sync_all()).map_err(|e| io(&target, e))?;
    sync_dir(path);
    at(Step::Synced);
    if std::fs::metadata(&wal).map(|m| m.len() > 0).unwrap_or(false) {
        let _ = std::fs::remove_file(&target);
        return Err(in_use());
    }
    let _ = std::fs::remove_file(&wal);
    let _ = std::fs::remove_file(sibling(path, "-shm"));
    let old = sibling(path, ".old");
    std::fs::hard_link(path, &old).map_err(|e| io(&old, e))?;
    sync_dir(path);
    at(Step::Linked);
    std::fs::rename(&target, path).map_err(|e| io(path, e))?;
    sync_dir(path);
    match to {
        Some(k) => remember(path, k.clone()),
        None => forget(path),
    }
    at(Step::Swapped);
    wipe(&old)?;
    sync_dir(path);
    at(Step::Wiped);
    Ok(Rewritten { tables, rows })
}

/// Minutes without use after which the app locks an encrypted database, when the user has not chosen.
pub const DEFAULT_IDLE_MINUTES: u32 = 15;

impl super::Store {
    /// 設定: minutes without use before the app locks (1–480; default 15).
    pub fn lock_idle_minutes(&self) -> Result<u32> {
        Ok(self.setting("lock.idle_minutes")?.and_then(|v| v.parse().ok()).unwrap_or(DEFAULT_IDLE_MINUTES))
    }

    pub fn set_lock_idle_minutes(&self, minutes: u32) -> Result<u32> {
        if !(1..=480).contains(&minutes) {
            return Err(ApiError::field("out_of_range", "idle_minutes", "lock after 1 to 480 minutes"));
        }
        self.set_setting("lock.idle_minutes", Some(&minutes.to_string()))?;
        Ok(minutes)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn plain_db(dir: &Path) -> PathBuf {
        let p = dir.join("t.db");
        let c = Connection::open(&p).unwrap();
        c.execute_batch(
            "PRAGMA journal_mode = WAL; CREATE TABLE t(x TEXT); INSERT INTO t VALUES ('株式会社テスト'), ('03-1234-5678');
             CREATE VIRTUAL TABLE f USING fts5(x, tokenize = 'trigram'); INSERT INTO f VALUES ('株式会社テスト');
             PRAGMA user_version = 7;",
        )
        .unwrap();
        p
    }

    trait Mk {
        fn tap_mkdir(self) -> PathBuf;
    }
    impl Mk for PathBuf {
        fn tap_mkdir(self) -> PathBuf {
            std::fs::create_dir_all(&self).unwrap();
            self
        }
    }
    fn apply_new(c: &Connection, key: &DbKey) {
        c.execute_batch(&format!("PRAGMA key = {};", key.literal().as_str())).unwrap();
    }

    fn contains(hay: &[u8], needle: &str) -> bool {
        hay.windows(needle.len()).any(|w| w == needle.as_bytes())
    }

    #[test]
    fn the_raw_key_opens_what_the_passphrase_opens_and_fts5_works() {
        let dir = tempfile::tempdir().unwrap();
        let p = plain_db(dir.path());
        assert!(contains(&std::fs::read(&p).unwrap(), "株式会社テスト") || p.with_extension("db-wal").exists());
        let key = DbKey::fresh("秘密のパスフレーズ");
        rewrite(&p, Some(&key), &mut |_| {}).unwrap();
        let bytes = std::fs::read(&p).unwrap();
        assert!(!contains(&bytes, "株式会社テスト") && !contains(&bytes, "03-1234-5678"));
        assert_eq!(file_state(&p).unwrap(), FileState::Encrypted { salt: key.salt() });
        // SQLCipher's own derivation from the passphrase opens it: the raw key is the same key.
        let c = Connection::open(&p).unwrap();
        c.execute_batch("PRAGMA key = '秘密のパスフレーズ';").unwrap();
        let n: i64 = c.query_row("SELECT count(*) FROM f WHERE x LIKE '%社テス%'", [], |r| r.get(0)).unwrap();
        assert_eq!(n, 1);
        let v: i64 = c.pragma_query_value(None, "user_version", |r| r.get(0)).unwrap();
        assert_eq!(v, 7);
        drop(c);
        let wrong = Connection::open(&p).unwrap();
        assert_eq!(apply(&wrong, &DbKey::derive("違う", key.salt()), &p).unwrap_err().code, "wrong_passphrase");
        forget(&p);
    }

    /// What the store's code relies on: VACUUM INTO from an encrypted database
    /// writes an encrypted copy (so snapshot images are exported plain
    /// instead); the backup API copies encrypted to encrypted with the same
    /// key and salt, and refuses plain to encrypted and back (restores and
    /// snapshot installs convert first).
    #[test]
    fn sqlcipher_facts_the_store_relies_on() {
        let dir = tempfile::tempdir().unwrap();
        let p = plain_db(dir.path());
        let key = DbKey::fresh("pw");
        rewrite(&p, Some(&key), &mut |_| {}).unwrap();
        let c = Connection::open(&p).unwrap();
        key_connection(&c, &p).unwrap();
        let img = dir.path().join("img.db");
        c.execute("VACUUM INTO ?1", [img.to_str().unwrap()]).unwrap();
        assert!(is_encrypted(&img).unwrap());
        let copy = |from: &Connection, to: &Path, key: Option<&DbKey>| {
            let mut dest = Connection::open(to).unwrap();
            if let Some(k) = key {
                apply_new(&dest, k);
            }
            rusqlite::backup::Backup::new(from, &mut dest)
                .and_then(|b| b.run_to_completion(100, std::time::Duration::ZERO, None))
        };
        let same = dir.path().join("same.db");
        copy(&c, &same, Some(&key)).unwrap();
        assert_eq!(file_state(&same).unwrap(), FileState::Encrypted { salt: key.salt() });
        assert!(copy(&c, &dir.path().join("plain.db"), None).is_err(), "encrypted to plain");
        let plain = plain_db(&dir.path().join("x").tap_mkdir());
        let pc = Connection::open(&plain).unwrap();
        assert!(copy(&pc, &dir.path().join("e2.db"), Some(&key)).is_err(), "plain to encrypted");
        forget(&p);
    }
}
