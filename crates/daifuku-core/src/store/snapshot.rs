//! Snapshots as database images (folder sync, issue 5).
//!
//! A snapshot is a compact SQLite image of the tables every device holds the
//! same: the records, their derived tables (match keys, links, the search
//! index, live counts), per-field versions and conflicts. A device joining
//! with an empty database installs the image page by page (the online backup
//! API) instead of replaying every record, which would compute every match
//! key and search document again; a device that already holds records merges
//! the image's records field by field like any other snapshot.
//!
//! Everything else is the device's own and never leaves it: its change log,
//! clock, settings (the device id), sync bookkeeping, saved import mappings,
//! merge undo data and attachment bytes (those travel as `a/` files).

use std::path::{Path, PathBuf};

use rusqlite::types::Value as SqlValue;
use rusqlite::{Connection, OpenFlags};

use super::Store;
use crate::error::{ApiError, Result};
use crate::model::Kind;

/// The device's own tables: emptied in an image, kept when one is installed.
pub(crate) const LOCAL_TABLES: &[&str] = &[
    "changes",
    "clock",
    "settings",
    "sync_state",
    "sync_peers",
    "sync_bad_files",
    "import_mappings",
    "merges",
    "company_history",
    "company_seen",
    "handovers",
    "blobs",
    // Undo of "apply suggested ranks" (issue 21): this device's steps.
    "rank_applications",
    // Erased records and contents (issue 18): this device's bookkeeping of its sync duties.
    "erasures",
    "erased_blobs",
    // The audit trail (issue 18): each device's chain travels in files of its
    // own (sync/audit_sync.rs), never in images.
    "audit_log",
    // APPI (issue 18): provision records and the incident register, this device's for now (store/appi).
    "provisions",
    "provision_people",
    "incidents",
];

/// Records merged per transaction when an image meets local records.
const MERGE_BATCH: usize = 5_000;

/// Pages copied per step when an image is installed (64 MB of 4 kB pages).
const INSTALL_PAGES_PER_STEP: i32 = 16_384;

fn io_error(doing: &str, path: &Path, e: impl std::fmt::Display) -> ApiError {
    ApiError::new("io", format!("cannot {doing} {}: {e}", path.display()))
}

impl Store {
    /// Whether the database is a file (not in memory).
    pub fn is_file_backed(&self) -> bool {
        self.conn.path().is_some_and(|p| !p.is_empty())
    }

    /// Where large scratch files go: beside the database file (same disk,
    /// usually the roomiest), or the system's temporary folder for a
    /// database in memory.
    pub fn scratch_dir(&self) -> PathBuf {
        match self.conn.path().filter(|p| !p.is_empty()).map(Path::new).and_then(Path::parent) {
            Some(dir) if !dir.as_os_str().is_empty() => dir.to_path_buf(),
            _ => std::env::temp_dir(),
        }
    }

    /// Writes the shared tables as a compact database image to `path` (a
    /// new file); returns how many records it holds.
    ///
    /// `VACUUM INTO` writes a defragmented copy in one pass; the copy gets
    /// incremental auto-vacuum so that emptying the local tables (the change
    /// log can be a third of the file) gives its pages back without a second
    /// rebuild.
    pub fn sync_write_image(&self, path: &Path) -> Result<u64> {
        let path_str = path.to_str().ok_or_else(|| io_error("write", path, "not a UTF-8 path"))?;
        let before: i64 = self.conn.pragma_query_value(None, "auto_vacuum", |r| r.get(0))?;
        // Only the copy takes it: on a database with tables, the setting
        // waits for a VACUUM, and main is never vacuumed in place.
        self.conn.pragma_update(None, "auto_vacuum", "INCREMENTAL")?;
        // From an encrypted database VACUUM INTO writes an encrypted copy;
        // the image travels as plain SQLite (the sync folder's own encryption
        // covers it), so it is exported plain instead (issue 18).
        let copied = match self.db_key() {
            Some(_) => super::crypto::export_conn(&self.conn, path, None, true).map(|_| 0),
            None => self.conn.execute("VACUUM INTO ?1", [path_str]).map_err(Into::into),
        };
        self.conn.pragma_update(None, "auto_vacuum", before)?;
        copied?;
        let image = rusqlite::Connection::open(path)?;
        image.execute_batch("PRAGMA journal_mode = OFF; PRAGMA synchronous = OFF;")?;
        for t in LOCAL_TABLES {
            // No WHERE and no triggers: SQLite drops the pages without visiting rows.
            image.execute(&format!("DELETE FROM {t}"), [])?;
        }
        // Private memos and private activities' texts never leave this device (issue 18).
        super::privacy::scrub_image(&image)?;
        // Stepped to the end: each step gives back one page.
        let mut stmt = image.prepare("PRAGMA incremental_vacuum")?;
        let mut rows = stmt.query([])?;
        while rows.next()?.is_some() {}
        drop(rows);
        drop(stmt);
        image.execute_batch("PRAGMA journal_mode = DELETE;")?;
        let mut records = 0u64;
        for kind in Kind::ALL {
            let n: i64 = image.query_row(&format!("SELECT COUNT(*) FROM {}", kind.meta().table), [], |r| r.get(0))?;
            records += n as u64;
        }
        image.close().map_err(|(_, e)| e)?;
        Ok(records)
    }

    /// Loads a snapshot image written by [`Store::sync_write_image`] (of
    /// this or an older schema): installs it into an empty database, or
    /// merges its records field by field into one with records of its own.
    pub fn sync_load_image(&mut self, path: &Path, now_ms: i64) -> Result<()> {
        let image = rusqlite::Connection::open_with_flags(path, OpenFlags::SQLITE_OPEN_READ_ONLY)?;
        let schema: i64 = image.pragma_query_value(None, "user_version", |r| r.get(0))?;
        if schema > self.schema_version()? {
            return Err(ApiError::new(
                "sync_format_newer",
                "A snapshot in the sync folder was written by a newer Daifuku. Please update Daifuku on this computer. Nothing was changed.",
            ));
        }
        let mut migrated = None;
        let image = if schema < self.schema_version()? {
            drop(image);
            &migrated.insert(Store::open(path)?).conn
        } else {
            &image
        };
        if self.sync_is_blank()? {
            // SQLCipher's backup API copies only between files of one form:
            // an encrypted database installs an encrypted copy of the image (issue 18).
            if let Some(key) = self.db_key() {
                let keyed = super::crypto::sibling(path, ".keyed");
                let _ = std::fs::remove_file(&keyed);
                super::crypto::export_file(path, None, &keyed, Some(&key))?;
                let installed = rusqlite::Connection::open(&keyed)
                    .map_err(Into::into)
                    .and_then(|c| super::crypto::apply(&c, &key, &keyed).map(|_| c))
                    .and_then(|c| self.install_image(&c));
                let _ = std::fs::remove_file(&keyed);
                return installed;
            }
            self.install_image(image)
        } else {
            self.merge_image(image, now_ms)
        }
    }

    /// Whether this database never held a record or a change of its own:
    /// then a snapshot image can simply be installed.
    pub fn sync_is_blank(&self) -> Result<bool> {
        for t in Kind::ALL.iter().map(|k| k.meta().table).chain(["changes", "sync_conflicts"]) {
            let any: bool = self.conn.query_row(&format!("SELECT EXISTS (SELECT 1 FROM {t})"), [], |r| r.get(0))?;
            if any {
                return Ok(false);
            }
        }
        Ok(true)
    }

    /// Installs a snapshot image into this blank database: every shared
    /// table becomes the image's, this device's own tables stay as they are.
    fn install_image(&mut self, image: &Connection) -> Result<()> {
        let mut saved: Vec<(&str, usize, Vec<Vec<SqlValue>>)> = Vec::new();
        for t in LOCAL_TABLES {
            let mut stmt = self.conn.prepare(&format!("SELECT * FROM {t}"))?;
            let cols = stmt.column_count();
            let rows = stmt
                .query_map([], |r| (0..cols).map(|i| r.get::<_, SqlValue>(i)).collect::<rusqlite::Result<Vec<_>>>())?
                .collect::<rusqlite::Result<Vec<_>>>()?;
            saved.push((t, cols, rows));
        }
        // A file in WAL mode would take every page twice (into the WAL, then
        // back); the rollback journal only keeps the few pages overwritten.
        // Another connection (a backup, an import) keeps WAL on: then so be it.
        let file_backed = self.is_file_backed();
        if file_backed {
            let _ = self.conn.pragma_update(None, "journal_mode", "DELETE");
        }
        let copied = rusqlite::backup::Backup::new(image, &mut self.conn)
            .and_then(|b| b.run_to_completion(INSTALL_PAGES_PER_STEP, std::time::Duration::ZERO, None));
        if file_backed {
            self.conn.pragma_update(None, "journal_mode", "WAL")?;
        }
        copied?;
        let tx = self.conn.transaction()?;
        for (t, cols, rows) in saved {
            tx.execute(&format!("DELETE FROM {t}"), [])?;
            let sql = format!("INSERT INTO {t} VALUES ({})", vec!["?"; cols].join(", "));
            let mut stmt = tx.prepare(&sql)?;
            for row in rows {
                stmt.execute(rusqlite::params_from_iter(row))?;
            }
        }
        tx.commit()?;
        Ok(())
    }

    /// Merges a snapshot image's records, conflicts and resolutions into
    /// this database, a batch of records per transaction.
    fn merge_image(&mut self, image: &Connection, now_ms: i64) -> Result<()> {
        let (conflicts, resolved) = super::sync_apply::conflict_rows(image)?;
        self.sync_load_snapshot_part(&[], &conflicts, &resolved, now_ms)?;
        super::sync_apply::merge_versions(&mut self.conn, image, now_ms)?;
        super::sync_apply::snapshot_records(image, MERGE_BATCH, &mut |records| {
            self.sync_load_snapshot_part(&records, &[], &[], now_ms).map(|_| ())
        })?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Tables that are not records but every device holds the same.
    const SHARED_TABLES: &[&str] = &[
        "match_keys",
        "record_links",
        "search_docs",
        "search_text",
        "search_grams",
        "live_counts",
        "record_clocks",
        "sync_conflicts",
        "sync_resolved",
        // Every value written to a field: shared conflicts are derived from it.
        "sync_versions",
        // The cross-sell cache: made from the purchases the image carries.
        "cross_sell_baskets",
        "cross_sell_pairs",
        "cross_sell_dirty",
    ];

    /// Every table of the schema is either the device's own or shared, so a
    /// new table cannot leak into (or go missing from) snapshots unnoticed.
    #[test]
    fn every_table_is_local_or_shared() {
        let store = Store::open_in_memory().unwrap();
        let tables: Vec<String> = store
            .conn
            .prepare(
                "SELECT name FROM sqlite_schema WHERE type = 'table' AND name NOT LIKE 'sqlite_%'
                   AND name NOT LIKE 'search_text_%' AND name NOT LIKE 'search_grams_%' ORDER BY name",
            )
            .unwrap()
            .query_map([], |r| r.get(0))
            .unwrap()
            .collect::<rusqlite::Result<_>>()
            .unwrap();
        let mut known: Vec<String> = Kind::ALL
            .iter()
            .map(|k| k.meta().table.to_string())
            .chain(LOCAL_TABLES.iter().chain(SHARED_TABLES).map(|t| t.to_string()))
            .collect();
        known.sort();
        assert_eq!(tables, known);
    }
}
