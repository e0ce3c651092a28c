//! Backups: a consistent copy of the database while the app runs (SQLite's
//! online backup API), rolling daily backups, and restore.
//!
//! - [`Store::backup_to`] copies into `FILE.partial`, switches the copy to
//!   a self-contained rollback journal (no `-wal` beside it), then renames
//!   it to `FILE`: a backup file is either complete or absent.
//! - Rolling backups are `daifuku-backup-YYYY-MM-DD.db` files in a folder the
//!   caller chooses. [`Store::daily_backup`] makes today's if it is missing,
//!   then [`rotate`] deletes all but the newest `keep`; which to delete is
//!   decided by the pure [`plan_rotation`]. Other files are never touched.
//!   The caller decides *when* (the desktop shell on start, `daifuku backup
//!   --dir D --keep N` from a scheduler).
//! - [`Store::restore_from`] checks that the file is a Daifuku database of a
//!   schema this app knows (refusing newer ones), keeps the current
//!   database as a backup file, copies the backup into the open database
//!   (the same online backup API, so the open connection stays valid) and
//!   migrates it if it is older.

use std::path::{Path, PathBuf};

use rusqlite::backup::{Backup, StepResult};
use rusqlite::{Connection, OpenFlags};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use super::{migrations, Store};
use crate::error::{ApiError, Result};

/// A backup file written.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct BackupInfo {
    pub path: String,
    #[ts(type = "number")]
    pub bytes: u64,
}

/// What a rolling backup did.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct Rotation {
    /// Today's backup, when it was made now (absent: it existed already).
    pub created: Option<BackupInfo>,
    /// Backups kept, newest first.
    pub kept: Vec<String>,
    /// Old backups deleted.
    pub deleted: Vec<String>,
}

/// What a restore did.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct RestoreInfo {
    /// The backup restored.
    pub restored: String,
    /// Where the database as it was before the restore was kept.
    pub previous: BackupInfo,
    /// The backup's schema version, and the version after migrating it.
    #[ts(type = "number")]
    pub from_schema: i64,
    #[ts(type = "number")]
    pub schema: i64,
}

/// The automatic backup: whether it runs, how many daily files it keeps,
/// where, and the backups that are there.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct BackupSettings {
    pub enabled: bool,
    pub keep: u32,
    /// The folder of the daily backups in use.
    pub dir: String,
    /// The folder chosen by the user (absent: `backups` beside the database).
    pub custom_dir: Option<String>,
    /// The database file (absent for an in-memory database).
    pub db_path: Option<String>,
    /// Backup files (`*.db`) in the folder, newest name first.
    pub backups: Vec<BackupInfo>,
}

/// Daily backups kept when the user has not chosen.
pub const DEFAULT_KEEP: u32 = 7;

const PREFIX: &str = "daifuku-backup-";
const SUFFIX: &str = ".db";

/// Unfinished copies of earlier days' backups (the app was closed while it
/// copied): a copy of a large database is gigabytes that nothing else
/// removes. Today's is left to [`Store::backup_to`], which starts it over.
fn remove_stale_partials(dir: &Path, today: &str) {
    let Ok(entries) = std::fs::read_dir(dir) else { return };
    let todays = format!("{}.partial", backup_name(today));
    for e in entries.flatten() {
        let name = e.file_name().to_string_lossy().to_string();
        let partial = name.starts_with(PREFIX) && (name.ends_with(".partial") || name.ends_with(".partial-journal"));
        if partial && !name.starts_with(&todays) {
            let _ = std::fs::remove_file(e.path());
        }
    }
}

/// The file name of the rolling backup of a day (`YYYY-MM-DD`).
pub fn backup_name(date: &str) -> String {
    format!("{PREFIX}{date}{SUFFIX}")
}

/// The date of a rolling backup file name; `None` for any other file.
fn backup_date(name: &str) -> Option<&str> {
    let date = name.strip_prefix(PREFIX)?.strip_suffix(SUFFIX)?;
    chrono::NaiveDate::parse_from_str(date, "%Y-%m-%d").ok()?;
    Some(date)
}

/// Which files of a backup folder to delete: all rolling backups but the
/// newest `keep` (at least one is always kept). Other names are ignored.
/// Returns (kept newest first, deleted).
pub fn plan_rotation(names: &[String], keep: usize) -> (Vec<String>, Vec<String>) {
    let mut backups: Vec<(&str, &String)> = names.iter().filter_map(|n| backup_date(n).map(|d| (d, n))).collect();
    backups.sort_by(|a, b| b.0.cmp(a.0));
    let keep = keep.max(1);
    let kept = backups.iter().take(keep).map(|(_, n)| (*n).clone()).collect();
    let deleted = backups.iter().skip(keep).map(|(_, n)| (*n).clone()).collect();
    (kept, deleted)
}

fn io(path: &Path, e: std::io::Error) -> ApiError {
    ApiError::new("io", format!("{}: {e}", path.display()))
}

/// Deletes all rolling backups in `dir` but the newest `keep`.
pub fn rotate(dir: &Path, keep: usize) -> Result<(Vec<String>, Vec<String>)> {
    let mut names = Vec::new();
    for entry in std::fs::read_dir(dir).map_err(|e| io(dir, e))? {
        let entry = entry.map_err(|e| io(dir, e))?;
        if entry.file_type().map(|t| t.is_file()).unwrap_or(false) {
            names.push(entry.file_name().to_string_lossy().to_string());
        }
    }
    let (kept, deleted) = plan_rotation(&names, keep);
    for name in &deleted {
        let p = dir.join(name);
        std::fs::remove_file(&p).map_err(|e| io(&p, e))?;
    }
    Ok((kept, deleted))
}

/// Opens a database file read-only without touching it (no lock, no `-shm`).
fn open_untouched(path: &Path) -> Result<Connection> {
    super::alloc::install();
    let escaped = path.to_string_lossy().replace('%', "%25").replace('?', "%3f").replace('#', "%23");
    Connection::open_with_flags(
        format!("file:{escaped}?immutable=1"),
        OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_URI | OpenFlags::SQLITE_OPEN_NO_MUTEX,
    )
    .map_err(|e| ApiError::new("not_a_backup", format!("{}: {e}", path.display())))
    .and_then(|conn| {
        // An encrypted backup opens with its key (the database's, or one unlocked for it).
        super::crypto::key_connection(&conn, path)?;
        Ok(conn)
    })
}

/// Checks that `path` holds a Daifuku database this app can open; returns
/// its schema version.
pub fn check_backup(path: &Path) -> Result<i64> {
    if !path.is_file() {
        return Err(ApiError::new("not_found", format!("{} does not exist", path.display())));
    }
    let conn = open_untouched(path)?;
    let not_ours =
        |why: &str| ApiError::new("not_a_backup", format!("{} is not a Daifuku database ({why})", path.display()));
    let check: String = conn.query_row("PRAGMA quick_check", [], |r| r.get(0)).map_err(|e| not_ours(&e.to_string()))?;
    if check != "ok" {
        return Err(not_ours(&format!("damaged: {check}")));
    }
    let version: i64 =
        conn.pragma_query_value(None, "user_version", |r| r.get(0)).map_err(|e| not_ours(&e.to_string()))?;
    // Tables every schema since the first has.
    for table in ["companies", "contacts", "activities", "deals", "purchases"] {
        let n: i64 = conn
            .query_row("SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name = ?1", [table], |r| r.get(0))
            .map_err(|e| not_ours(&e.to_string()))?;
        if n == 0 {
            return Err(not_ours(&format!("no table {table}")));
        }
    }
    if version < 1 {
        return Err(not_ours("no schema version"));
    }
    if version > migrations::latest() as i64 {
        return Err(ApiError::new(
            "newer_database",
            format!(
                "{} was made by a newer Daifuku (schema {version}, this app knows {}); please update the app first",
                path.display(),
                migrations::latest()
            ),
        ));
    }
    Ok(version)
}

/// Copies all of `from` into `to` with the online backup API.
fn copy(from: &Connection, to: &mut Connection) -> Result<()> {
    let backup = Backup::new(from, to)?;
    let mut waits = 0;
    loop {
        match backup.step(-1)? {
            StepResult::Done => return Ok(()),
            StepResult::More => {}
            _ => {
                waits += 1;
                if waits > 100 {
                    return Err(ApiError::new("busy", "the database stayed busy; try the backup again"));
                }
                std::thread::sleep(std::time::Duration::from_millis(50));
            }
        }
    }
}

fn same_file(a: &Path, b: &Path) -> bool {
    match (a.canonicalize(), b.canonicalize()) {
        (Ok(a), Ok(b)) => a == b,
        _ => false,
    }
}

impl Store {
    /// The database file this store has open (`None` for an in-memory one).
    pub fn path(&self) -> Option<PathBuf> {
        self.conn.path().filter(|p| !p.is_empty()).map(PathBuf::from)
    }

    /// Writes a consistent copy of the database to `path`, also while other
    /// connections write (online backup API).
    pub fn backup_to(&self, path: &Path) -> Result<BackupInfo> {
        if let Some(db) = self.path() {
            if same_file(&db, path) {
                return Err(ApiError::field("invalid_path", "path", "a backup cannot overwrite the database itself"));
            }
        }
        if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
            std::fs::create_dir_all(dir).map_err(|e| io(dir, e))?;
        }
        let mut partial = path.as_os_str().to_owned();
        partial.push(".partial");
        let partial = PathBuf::from(partial);
        let _ = std::fs::remove_file(&partial);
        {
            let mut dest = Connection::open(&partial)?;
            // The backup of an encrypted database is encrypted with the same key and salt (issue 18).
            if let Some(key) = self.db_key() {
                super::crypto::apply(&dest, &key, &partial)?;
            }
            copy(&self.conn, &mut dest)?;
            // A self-contained file: no -wal/-shm beside the backup.
            dest.pragma_update(None, "journal_mode", "DELETE")?;
        }
        std::fs::rename(&partial, path).map_err(|e| io(path, e))?;
        let bytes = std::fs::metadata(path).map_err(|e| io(path, e))?.len();
        Ok(BackupInfo { path: path.display().to_string(), bytes })
    }

    /// The rolling backup: today's file in `dir` unless it exists, then all
    /// but the newest `keep` deleted.
    pub fn daily_backup(&self, dir: &Path, today: &str, keep: usize) -> Result<Rotation> {
        remove_stale_partials(dir, today);
        let path = dir.join(backup_name(today));
        let created = if path.exists() { None } else { Some(self.backup_to(&path)?) };
        let (kept, deleted) = rotate(dir, keep)?;
        Ok(Rotation { created, kept, deleted })
    }

    /// The automatic backup settings (on, keeping 7, in `backups` beside the
    /// database, until the user chooses otherwise) and the backups there.
    pub fn backup_settings(&self) -> Result<BackupSettings> {
        let enabled = self.setting("backup.enabled")?.is_none_or(|v| v != "0");
        let keep = self.setting("backup.keep")?.and_then(|v| v.parse().ok()).unwrap_or(DEFAULT_KEEP);
        let custom_dir = self.setting("backup.dir")?.filter(|d| !d.trim().is_empty());
        let db = self.path();
        let dir = match (&custom_dir, &db) {
            (Some(d), _) => PathBuf::from(d),
            (None, Some(db)) => db.parent().unwrap_or(Path::new(".")).join("backups"),
            (None, None) => PathBuf::new(),
        };
        let mut backups = Vec::new();
        if let Ok(entries) = std::fs::read_dir(&dir) {
            for e in entries.flatten() {
                let name = e.file_name().to_string_lossy().to_string();
                let is_file = e.file_type().map(|t| t.is_file()).unwrap_or(false);
                if is_file && name.ends_with(SUFFIX) {
                    let bytes = e.metadata().map(|m| m.len()).unwrap_or(0);
                    backups.push(BackupInfo { path: e.path().display().to_string(), bytes });
                }
            }
        }
        backups.sort_by(|a, b| b.path.cmp(&a.path));
        Ok(BackupSettings {
            enabled,
            keep,
            dir: dir.display().to_string(),
            custom_dir,
            db_path: db.map(|p| p.display().to_string()),
            backups,
        })
    }

    /// Saves the automatic backup settings (`keep` at least 1; an empty
    /// `dir`: beside the database).
    pub fn set_backup_settings(&self, enabled: bool, keep: u32, dir: Option<&str>) -> Result<BackupSettings> {
        if keep == 0 || keep > 365 {
            return Err(ApiError::field("out_of_range", "keep", "keep between 1 and 365 daily backups"));
        }
        self.set_setting("backup.enabled", Some(if enabled { "1" } else { "0" }))?;
        self.set_setting("backup.keep", Some(&keep.to_string()))?;
        self.set_setting("backup.dir", dir.map(str::trim).filter(|d| !d.is_empty()))?;
        self.backup_settings()
    }

    /// The automatic backup, as the hosts run it at start-up and then
    /// hourly: today's rolling backup (made once a day) when it is on.
    /// `None` when it is off or the database is in memory.
    pub fn auto_backup(&self, today: &str) -> Result<Option<Rotation>> {
        let s = self.backup_settings()?;
        if !s.enabled || s.db_path.is_none() {
            return Ok(None);
        }
        self.daily_backup(Path::new(&s.dir), today, s.keep as usize).map(Some)
    }

    /// Replaces the database's content with the backup at `backup`, after
    /// keeping the current content at `keep_previous`.
    pub fn restore_from(&mut self, backup: &Path, keep_previous: &Path) -> Result<RestoreInfo> {
        let from_schema = check_backup(backup)?;
        if let Some(db) = self.path() {
            if same_file(&db, backup) {
                return Err(ApiError::field("invalid_path", "path", "that file is the open database itself"));
            }
        }
        let previous = self.backup_to(keep_previous)?;
        // SQLite's backup API cannot copy between an encrypted and a plain
        // file (SQLCipher refuses): such a backup is first exported into a
        // scratch copy in this database's form (issue 18).
        let key = self.db_key();
        let backup_key = super::crypto::key_for(backup);
        let same_form = match (&key, &backup_key) {
            (None, None) => true,
            (Some(a), Some(b)) => a.salt() == b.salt(),
            _ => false,
        };
        if same_form {
            let src = open_untouched(backup)?;
            copy(&src, &mut self.conn)?;
        } else {
            let scratch = self
                .path()
                .map(|p| super::crypto::sibling(&p, ".restore"))
                .ok_or_else(|| ApiError::new("io", "no database file to restore into"))?;
            let _ = std::fs::remove_file(&scratch);
            super::crypto::export_file(backup, backup_key.as_ref(), &scratch, key.as_ref())?;
            let copied = Connection::open(&scratch).map_err(ApiError::from).and_then(|src| {
                if let Some(k) = &key {
                    super::crypto::apply(&src, k, &scratch)?;
                }
                copy(&src, &mut self.conn)
            });
            let _ = std::fs::remove_file(&scratch);
            copied?;
        }
        self.conn.flush_prepared_statement_cache();
        self.conn.pragma_update(None, "journal_mode", "WAL")?;
        migrations::migrate(&mut self.conn)?;
        Ok(RestoreInfo {
            restored: backup.display().to_string(),
            previous,
            from_schema,
            schema: self.schema_version()?,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rotation_keeps_the_newest() {
        let names: Vec<String> = [
            "daifuku-backup-2024-04-01.db",
            "daifuku-backup-2024-04-03.db",
            "daifuku-backup-2024-04-02.db",
            "daifuku-backup-2024-03-31.db",
            "daifuku-backup-2024-04-03.db.partial",
            "daifuku-backup-2024-13-01.db",
            "notes.txt",
            "daifuku.db",
        ]
        .iter()
        .map(|s| s.to_string())
        .collect();
        let (kept, deleted) = plan_rotation(&names, 2);
        assert_eq!(kept, vec!["daifuku-backup-2024-04-03.db", "daifuku-backup-2024-04-02.db"]);
        assert_eq!(deleted, vec!["daifuku-backup-2024-04-01.db", "daifuku-backup-2024-03-31.db"]);
        let (kept, deleted) = plan_rotation(&names, 0);
        assert_eq!((kept.len(), deleted.len()), (1, 3));
        assert_eq!(plan_rotation(&[], 3), (vec![], vec![]));
    }
}
