//! 消去, erase everywhere (issue 18 item 4), and the trash's 完全に削除 /
//! 空にする, which are the same erase.
//!
//! An erase takes a record and what only lives inside it (child kinds such
//! as position history and card exchanges, its attachments; for a company in
//! the trash its trash group) out of every table of this database: the
//! record rows, the search index (rows and, by an FTS5 `optimize`, the
//! index segments that still held its tokens), match keys and links, the
//! change log (entries already shipped keep their place with no fields, so
//! the sync bookkeeping by position stays true; entries not shipped yet are
//! removed), per-field versions and conflicts, company history, merge undo
//! data, and attachment bytes no other attachment shares. It runs with
//! `PRAGMA secure_delete = ON`, then `VACUUM` rewrites the file (free pages
//! and old cell space that held earlier versions of the values are gone) and
//! `wal_checkpoint(TRUNCATE)` empties the WAL.
//!
//! An `erasures` row (ids and times only, migration 0021) remembers each
//! erased record: the sync round (`sync::erase_sync`) writes an erase
//! marker for it into the folder, rewrites this device's own files without
//! it, and never lets it come back from a late change file or an old
//! snapshot. Backups made before are listed in the result (those that hold
//! one of the records, or cannot be checked); [`Store::erase_in_backups`]
//! rewrites or deletes them. The audit entry says `erase`, the kind, the
//! record id and how many records went; never a value.

use std::collections::{BTreeSet, HashSet};
use std::path::{Path, PathBuf};

use rusqlite::{params, Connection, OpenFlags, OptionalExtension};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use super::audit::AuditEntry;
use super::trash_groups::MEMBER_KINDS;
use super::{Ctx, Store};
use crate::error::{ApiError, Result};
use crate::model::Kind;

/// One record an erase takes.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize, TS)]
pub struct ErasedRecord {
    pub kind: Kind,
    pub id: String,
    /// Its title, for the confirmation (empty once erased).
    pub display_name: String,
}

/// What an erase removes besides the record rows.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, TS)]
pub struct EraseCounts {
    #[ts(type = "number")]
    pub records: u64,
    /// Change-log entries holding their values.
    #[ts(type = "number")]
    pub changes: u64,
    /// Stored field values of sync (versions and conflicts).
    #[ts(type = "number")]
    pub versions: u64,
    #[ts(type = "number")]
    pub attachments: u64,
    /// Attachment files whose bytes no other record uses.
    #[ts(type = "number")]
    pub blobs: u64,
}

/// A backup file that may still hold what was erased.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct HeldBackup {
    pub path: String,
    #[ts(type = "number")]
    pub bytes: u64,
    /// False: the file could not be opened to check (another key, damaged).
    pub checked: bool,
}

/// An erase: what goes (a preview) or what went.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct ErasePlan {
    /// The records, the ones asked for first.
    pub records: Vec<ErasedRecord>,
    pub counts: EraseCounts,
    /// Backups made before that hold one of the records (see [`Store::erase_in_backups`]).
    pub backups: Vec<HeldBackup>,
    /// The sync folder is set up: an erase marker goes there and every device erases too.
    pub synced: bool,
    /// False for a preview.
    pub done: bool,
}

/// What to do with backups that hold erased records.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum BackupErase {
    /// Erase the records in the backup too (the file is rewritten).
    Rewrite,
    /// Delete the backup file.
    Delete,
}

/// What happened to each backup.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct BackupsErased {
    pub rewritten: Vec<String>,
    pub deleted: Vec<String>,
}

/// The record kind whose id a child kind's parent field holds.
fn parent_kind(field: &str) -> Option<Kind> {
    match field {
        "company_id" => Some(Kind::Company),
        "contact_id" => Some(Kind::Contact),
        "product_id" => Some(Kind::Product),
        _ => None,
    }
}

fn table_exists(conn: &Connection, name: &str) -> Result<bool> {
    Ok(conn
        .prepare_cached("SELECT EXISTS (SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?1)")?
        .query_row([name], |r| r.get(0))?)
}

/// `(display_name, deleted_at)` of a record, if it is here.
fn row(conn: &Connection, kind: Kind, id: &str) -> Result<Option<(String, Option<i64>)>> {
    Ok(conn
        .prepare_cached(&format!("SELECT display_name, deleted_at FROM {} WHERE id = ?1", kind.meta().table))?
        .query_row([id], |r| Ok((r.get(0)?, r.get(1)?)))
        .optional()?)
}

/// The kind of the record `id`, looked up in every record table.
fn locate(conn: &Connection, id: &str) -> Result<Option<Kind>> {
    for kind in Kind::ALL.iter().copied() {
        if table_exists(conn, kind.meta().table)? && row(conn, kind, id)?.is_some() {
            return Ok(Some(kind));
        }
    }
    Ok(None)
}

/// The records `roots` take with them: for a company in the trash with
/// `group`, its trash group; then, for every record, the records of child
/// kinds pointing at it and its attachments (transitively).
pub(crate) fn closure(conn: &Connection, roots: &[(Kind, String)], group: bool) -> Result<Vec<(Kind, String)>> {
    let mut out: Vec<(Kind, String)> = Vec::new();
    let mut seen: HashSet<String> = HashSet::new();
    let mut push = |out: &mut Vec<(Kind, String)>, k: Kind, id: String| {
        if seen.insert(id.clone()) {
            out.push((k, id));
        }
    };
    for (k, id) in roots {
        push(&mut out, *k, id.clone());
    }
    if group {
        for (k, id) in roots.iter().cloned() {
            if k != Kind::Company {
                continue;
            }
            let Some((_, Some(_))) = row(conn, k, &id)? else { continue };
            for mk in MEMBER_KINDS {
                let sql = format!(
                    "SELECT t.id FROM {} t JOIN companies g ON g.id = t.company_id \
                     WHERE g.id = ?1 AND t.deleted_at = g.deleted_at AND t.deleted_by IS g.deleted_by ORDER BY t.id",
                    mk.meta().table
                );
                let ids: Vec<String> =
                    conn.prepare_cached(&sql)?.query_map([&id], |r| r.get(0))?.collect::<rusqlite::Result<_>>()?;
                for m in ids {
                    push(&mut out, mk, m);
                }
            }
        }
    }
    let attachments = table_exists(conn, "attachments")?;
    let mut i = 0;
    while i < out.len() {
        let (k, id) = out[i].clone();
        for ck in Kind::ALL.iter().copied() {
            let Some(field) = ck.meta().parent_field else { continue };
            if parent_kind(field) != Some(k) || !table_exists(conn, ck.meta().table)? {
                continue;
            }
            let sql = format!("SELECT id FROM {} WHERE {field} = ?1 ORDER BY id", ck.meta().table);
            let ids: Vec<String> =
                conn.prepare_cached(&sql)?.query_map([&id], |r| r.get(0))?.collect::<rusqlite::Result<_>>()?;
            for c in ids {
                push(&mut out, ck, c);
            }
        }
        if attachments && k != Kind::Attachment {
            let ids: Vec<String> = conn
                .prepare_cached("SELECT id FROM attachments WHERE owner_id = ?1 ORDER BY id")?
                .query_map([&id], |r| r.get(0))?
                .collect::<rusqlite::Result<_>>()?;
            for c in ids {
                push(&mut out, Kind::Attachment, c);
            }
        }
        i += 1;
    }
    Ok(out)
}

fn count(conn: &Connection, sql: &str, id: &str) -> Result<u64> {
    Ok(conn.prepare_cached(sql)?.query_row([id], |r| r.get::<_, i64>(0))? as u64)
}

/// Attachment contents used only by `items` (after they go, no attachment names them).
fn orphaned_blobs(conn: &Connection, items: &[(Kind, String)]) -> Result<BTreeSet<String>> {
    let ids: HashSet<&str> = items.iter().filter(|(k, _)| *k == Kind::Attachment).map(|(_, id)| id.as_str()).collect();
    let mut out = BTreeSet::new();
    for id in &ids {
        let Some(sha): Option<String> = conn
            .prepare_cached("SELECT sha256 FROM attachments WHERE id = ?1")?
            .query_row([id], |r| r.get(0))
            .optional()?
        else {
            continue;
        };
        let users: Vec<String> = conn
            .prepare_cached("SELECT id FROM attachments WHERE sha256 = ?1")?
            .query_map([&sha], |r| r.get(0))?
            .collect::<rusqlite::Result<_>>()?;
        if users.iter().all(|u| ids.contains(u.as_str())) {
            out.insert(sha);
        }
    }
    Ok(out)
}

/// How much of `items` is stored here.
fn measure(conn: &Connection, items: &[(Kind, String)]) -> Result<EraseCounts> {
    let mut c = EraseCounts::default();
    let versions = table_exists(conn, "sync_versions")?;
    for (k, id) in items {
        if row(conn, *k, id)?.is_some() {
            c.records += 1;
            if *k == Kind::Attachment {
                c.attachments += 1;
            }
        }
        c.changes += count(conn, "SELECT COUNT(*) FROM changes WHERE record_id = ?1 AND fields <> '{}'", id)?;
        c.versions += count(conn, "SELECT COUNT(*) FROM sync_conflicts WHERE record_id = ?1", id)?;
        if versions {
            c.versions += count(conn, "SELECT COUNT(*) FROM sync_versions WHERE record_id = ?1", id)?;
        }
    }
    c.blobs = orphaned_blobs(conn, items)?.len() as u64;
    Ok(c)
}

/// Removes `items` from every table of `conn` (one transaction is the
/// caller's). `shipped`: change-log entries up to this position are in the
/// sync folder already (kept in place, emptied); later ones are removed.
/// Returns the attachment contents removed.
pub(crate) fn erase_rows(conn: &Connection, items: &[(Kind, String)], shipped: i64) -> Result<BTreeSet<String>> {
    let blobs = orphaned_blobs(conn, items)?;
    let has = |t: &str| table_exists(conn, t);
    let (versions, history, seen, merges, resolved) =
        (has("sync_versions")?, has("company_history")?, has("company_seen")?, has("merges")?, has("sync_resolved")?);
    let search = has("search_docs")?;
    for (k, id) in items {
        if search {
            // As the trash triggers of migration 0004 do, for every column.
            conn.prepare_cached(
                "DELETE FROM search_text WHERE rowid IN (SELECT d.doc | (c.value << 44) FROM search_docs d, \
                 json_each('[0,1,2,3,4,5]') c WHERE d.record_id = ?1)",
            )?
            .execute([id])?;
            conn.prepare_cached(
                "DELETE FROM search_grams WHERE rowid IN (SELECT d.doc | (c.value << 44) FROM search_docs d, \
                 json_each('[0,1,2]') c WHERE d.record_id = ?1)",
            )?
            .execute([id])?;
            conn.prepare_cached("DELETE FROM search_docs WHERE record_id = ?1")?.execute([id])?;
        }
        conn.prepare_cached("DELETE FROM match_keys WHERE record_id = ?1")?.execute([id])?;
        conn.prepare_cached("DELETE FROM record_links WHERE record_id = ?1 OR target_id = ?1")?.execute([id])?;
        conn.prepare_cached("UPDATE changes SET fields = '{}', prev = NULL WHERE record_id = ?1 AND seq <= ?2")?
            .execute(params![id, shipped])?;
        conn.prepare_cached("DELETE FROM changes WHERE record_id = ?1 AND seq > ?2")?.execute(params![id, shipped])?;
        conn.prepare_cached("DELETE FROM record_clocks WHERE record_id = ?1")?.execute([id])?;
        conn.prepare_cached("DELETE FROM sync_conflicts WHERE record_id = ?1")?.execute([id])?;
        if resolved {
            conn.prepare_cached("DELETE FROM sync_resolved WHERE record_id = ?1")?.execute([id])?;
        }
        if versions {
            conn.prepare_cached("DELETE FROM sync_versions WHERE record_id = ?1")?.execute([id])?;
        }
        if history {
            conn.prepare_cached("DELETE FROM company_history WHERE record_id = ?1 OR company_id = ?1")?
                .execute([id])?;
        }
        if seen && *k == Kind::Company {
            conn.prepare_cached("DELETE FROM company_seen WHERE company_id = ?1")?.execute([id])?;
        }
        if merges {
            // Merge undo data holds both records' values.
            conn.prepare_cached("DELETE FROM merges WHERE survivor_id = ?1 OR loser_id = ?1")?.execute([id])?;
        }
        conn.prepare_cached(&format!("DELETE FROM {} WHERE id = ?1", k.meta().table))?.execute([id])?;
    }
    for sha in &blobs {
        conn.prepare_cached("DELETE FROM blobs WHERE sha256 = ?1")?.execute([sha])?;
    }
    Ok(blobs)
}

/// After the rows are gone: the search index's segments rewritten without
/// their tokens, the file rewritten (`VACUUM`), the WAL emptied.
pub(crate) fn wipe_free_space(conn: &Connection) -> Result<()> {
    if table_exists(conn, "search_docs")? {
        conn.execute_batch(
            "INSERT INTO search_text(search_text) VALUES('optimize');
             INSERT INTO search_grams(search_grams) VALUES('optimize');",
        )?;
    }
    vacuum(conn)?;
    checkpoint(conn)
}

/// `VACUUM` with its scratch copy in a temporary file, not in memory (the
/// store keeps temporary data in memory, and the copy is the size of the
/// whole database: 4.6 GB took 6 GB of memory at 100k companies). The copy
/// holds only what is left after the erase; with SQLCipher it is attached
/// without a key of its own, so it is encrypted with the database's key.
fn vacuum(conn: &Connection) -> Result<()> {
    let before: i64 = conn.pragma_query_value(None, "temp_store", |r| r.get(0))?;
    conn.pragma_update(None, "temp_store", "FILE")?;
    let out = conn.execute_batch("VACUUM;");
    let _ = conn.pragma_update(None, "temp_store", before);
    Ok(out?)
}

/// Empties the WAL into the file and truncates it (a few tries while a
/// reader holds an old snapshot).
fn checkpoint(conn: &Connection) -> Result<()> {
    for _ in 0..20 {
        let busy: i64 = conn.query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |r| r.get(0))?;
        if busy == 0 {
            return Ok(());
        }
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
    Ok(())
}

/// Runs `f` with `secure_delete` on (deleted content overwritten with zeros).
fn securely<T>(conn: &Connection, f: impl FnOnce() -> Result<T>) -> Result<T> {
    let before: i64 = conn.pragma_query_value(None, "secure_delete", |r| r.get(0))?;
    conn.pragma_update(None, "secure_delete", 1)?;
    let out = f();
    let _ = conn.pragma_update(None, "secure_delete", before);
    out
}

impl Store {
    fn shipped_seq(&self) -> Result<i64> {
        Ok(self.sync_state_get("shipped_seq")?.and_then(|v| v.parse().ok()).unwrap_or(0))
    }

    /// Sync is set up or has run here (the keys `sync::` keeps in
    /// `sync_state`: the app's folder or bucket, the folder synced with,
    /// what this device sent). Read here so the store does not import `sync`.
    fn sync_configured(&self) -> bool {
        self.conn
            .query_row(
                "SELECT EXISTS (SELECT 1 FROM sync_state WHERE key IN \
                 ('app_folder', 'app_s3', 'app_synced_folder', 'out_seq') AND value <> '')",
                [],
                |r| r.get(0),
            )
            .unwrap_or(false)
    }

    /// Erases `items` here: rows, derived rows, free space and WAL. Records
    /// an `erasures` row for each (`origin`: `local` or the device whose
    /// marker said so).
    pub(crate) fn erase_here(&self, items: &[(Kind, String)], origin: &str, now_ms: i64) -> Result<BTreeSet<String>> {
        let shipped = self.shipped_seq()?;
        let local = origin == "local";
        let blobs = securely(&self.conn, || {
            let tx = self.conn.unchecked_transaction()?;
            let blobs = erase_rows(&tx, items, shipped)?;
            let mut note = tx.prepare_cached(
                "INSERT INTO erasures (record_id, kind, erased_at, origin, marker_written, scrubbed)
                 VALUES (?1, ?2, ?3, ?4, ?5, 0)
                 ON CONFLICT(record_id) DO UPDATE SET scrubbed = 0",
            )?;
            for (k, id) in items {
                note.execute(params![id, k.as_str(), now_ms, origin, !local as i64])?;
            }
            drop(note);
            for sha in &blobs {
                tx.prepare_cached(
                    "INSERT INTO erased_blobs (sha256, erased_at, scrubbed) VALUES (?1, ?2, 0)
                     ON CONFLICT(sha256) DO UPDATE SET scrubbed = 0",
                )?
                .execute(params![sha, now_ms])?;
            }
            tx.commit()?;
            wipe_free_space(&self.conn)?;
            Ok(blobs)
        })?;
        Ok(blobs)
    }

    fn plan_for(&self, items: Vec<(Kind, String)>) -> Result<ErasePlan> {
        let mut records = Vec::with_capacity(items.len());
        for (k, id) in &items {
            let name = row(&self.conn, *k, id)?.map(|(n, _)| n).unwrap_or_default();
            records.push(ErasedRecord { kind: *k, id: id.clone(), display_name: name });
        }
        let counts = measure(&self.conn, &items)?;
        let ids: Vec<String> = items.iter().map(|(_, id)| id.clone()).collect();
        Ok(ErasePlan {
            records,
            counts,
            backups: self.backups_holding(&ids)?,
            synced: self.sync_configured(),
            done: false,
        })
    }

    /// Erases (or, `dry_run`, previews) `roots` and what goes with them, and
    /// records it in the audit trail.
    fn erase_roots(
        &mut self,
        ctx: &Ctx,
        roots: Vec<(Kind, String)>,
        group: bool,
        dry_run: bool,
        what: &str,
    ) -> Result<ErasePlan> {
        let items = closure(&self.conn, &roots, group)?;
        let mut plan = self.plan_for(items.clone())?;
        if dry_run {
            return Ok(plan);
        }
        self.erase_here(&items, "local", ctx.now_ms)?;
        let kind = match roots.as_slice() {
            [(k, _)] => Some(k.as_str().to_string()),
            _ => None,
        };
        let detail = match roots.as_slice() {
            [(_, id)] => Some(id.clone()),
            _ => Some(what.to_string()),
        };
        let entry = AuditEntry { kind, count: Some(items.len() as i64), detail, ..AuditEntry::new("erase") };
        self.audit(ctx, &entry)?;
        for r in &mut plan.records {
            r.display_name.clear();
        }
        plan.done = true;
        Ok(plan)
    }

    /// 消去: a contact (live or in the trash), its position history, card
    /// exchanges and attachments, everywhere.
    pub fn erase_contact(&mut self, ctx: &Ctx, id: &str, dry_run: bool) -> Result<ErasePlan> {
        if row(&self.conn, Kind::Contact, id)?.is_none() {
            return Err(ApiError::not_found("contact", id));
        }
        self.erase_roots(ctx, vec![(Kind::Contact, id.to_string())], false, dry_run, "contact")
    }

    /// 完全に削除: one record of the trash (a company: with its group).
    pub fn trash_purge(&mut self, ctx: &Ctx, kind: Kind, id: &str, dry_run: bool) -> Result<ErasePlan> {
        match row(&self.conn, kind, id)? {
            None => Err(ApiError::not_found(kind.as_str(), id)),
            Some((_, None)) => Err(ApiError::new(
                "not_in_trash",
                format!("{} {id} is not in the trash: move it to the trash first", kind.as_str()),
            )),
            Some(_) => self.erase_roots(ctx, vec![(kind, id.to_string())], true, dry_run, "trash"),
        }
    }

    /// 空にする: every record in the trash.
    pub fn trash_empty(&mut self, ctx: &Ctx, dry_run: bool) -> Result<ErasePlan> {
        let mut roots = Vec::new();
        for kind in Kind::ALL.iter().copied() {
            let ids: Vec<String> = self
                .conn
                .prepare(&format!(
                    "SELECT id FROM {} WHERE deleted_at IS NOT NULL ORDER BY deleted_at DESC, id",
                    kind.meta().table
                ))?
                .query_map([], |r| r.get(0))?
                .collect::<rusqlite::Result<_>>()?;
            roots.extend(ids.into_iter().map(|id| (kind, id)));
        }
        self.erase_roots(ctx, roots, false, dry_run, "trash_empty")
    }

    /// Backup files this device knows of: the daily backups' folder and the
    /// files the audit trail says backups and restores were written to.
    fn known_backups(&self) -> Result<Vec<PathBuf>> {
        let mut out: BTreeSet<PathBuf> = BTreeSet::new();
        if let Ok(s) = self.backup_settings() {
            out.extend(s.backups.into_iter().map(|b| PathBuf::from(b.path)));
        }
        let details: Vec<String> = self
            .conn
            .prepare("SELECT detail FROM audit_log WHERE action IN ('backup', 'restore') AND detail IS NOT NULL")?
            .query_map([], |r| r.get(0))?
            .collect::<rusqlite::Result<_>>()?;
        for d in details {
            let p = PathBuf::from(&d);
            if p.is_dir() {
                for e in std::fs::read_dir(&p).into_iter().flatten().flatten() {
                    if e.file_name().to_string_lossy().ends_with(".db") {
                        out.insert(e.path());
                    }
                }
            } else {
                out.insert(p);
            }
        }
        let me = self.path();
        Ok(out.into_iter().filter(|p| p.is_file() && me.as_deref() != Some(p.as_path())).collect())
    }

    /// The known backups that hold one of `ids` (or cannot be checked).
    pub fn backups_holding(&self, ids: &[String]) -> Result<Vec<HeldBackup>> {
        let mut out = Vec::new();
        for path in self.known_backups()? {
            let bytes = std::fs::metadata(&path).map(|m| m.len()).unwrap_or(0);
            let held = backup_holds(&path, ids);
            let path = path.display().to_string();
            match held {
                Some(false) => {}
                Some(true) => out.push(HeldBackup { path, bytes, checked: true }),
                None => out.push(HeldBackup { path, bytes, checked: false }),
            }
        }
        Ok(out)
    }

    /// Erases `ids` in the backups at `paths` too, or deletes those files.
    /// Only files this device knows as backups are touched.
    pub fn erase_in_backups(
        &mut self,
        ctx: &Ctx,
        ids: &[String],
        paths: &[String],
        action: BackupErase,
    ) -> Result<BackupsErased> {
        let known = self.known_backups()?;
        let mut done = BackupsErased { rewritten: vec![], deleted: vec![] };
        for p in paths {
            let path = PathBuf::from(p);
            if !known.iter().any(|k| same(k, &path)) {
                return Err(ApiError::validation(vec![crate::error::FieldError::new(
                    "not_a_backup",
                    "paths",
                    format!("{p} is not a backup of this database"),
                )
                .with_detail(p)]));
            }
        }
        for p in paths {
            let path = Path::new(p);
            match action {
                BackupErase::Delete => {
                    std::fs::remove_file(path)
                        .map_err(|e| ApiError::new("io", format!("cannot delete {}: {e}", path.display())))?;
                    done.deleted.push(p.clone());
                }
                BackupErase::Rewrite => {
                    erase_in_file(path, ids)?;
                    done.rewritten.push(p.clone());
                }
            }
        }
        let entry = AuditEntry {
            count: Some(paths.len() as i64),
            detail: Some(ids.join(",")),
            format: Some(match action {
                BackupErase::Rewrite => "rewrite".into(),
                BackupErase::Delete => "delete".into(),
            }),
            ..AuditEntry::new("erase_backup")
        };
        self.audit(ctx, &entry)?;
        Ok(done)
    }

    // --- for the sync round (`sync::erase_sync`) ---

    /// Every record id erased here.
    pub fn erased_ids(&self) -> Result<HashSet<String>> {
        Ok(self
            .conn
            .prepare_cached("SELECT record_id FROM erasures")?
            .query_map([], |r| r.get(0))?
            .collect::<rusqlite::Result<_>>()?)
    }

    /// `(kind, id)` of local erases whose marker is not in the folder yet.
    pub fn erase_markers_due(&self) -> Result<Vec<(String, String)>> {
        Ok(self
            .conn
            .prepare_cached("SELECT kind, record_id FROM erasures WHERE marker_written = 0 ORDER BY record_id")?
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?
            .collect::<rusqlite::Result<_>>()?)
    }

    pub fn erase_markers_written(&self, ids: &[String]) -> Result<()> {
        let tx = self.conn.unchecked_transaction()?;
        for id in ids {
            tx.prepare_cached("UPDATE erasures SET marker_written = 1 WHERE record_id = ?1")?.execute([id])?;
        }
        tx.commit()?;
        Ok(())
    }

    /// Record ids and attachment contents whose values this device's own
    /// files in the folder may still hold.
    pub fn erase_unscrubbed(&self) -> Result<(HashSet<String>, Vec<String>)> {
        let ids = self
            .conn
            .prepare_cached("SELECT record_id FROM erasures WHERE scrubbed = 0")?
            .query_map([], |r| r.get(0))?
            .collect::<rusqlite::Result<_>>()?;
        let blobs = self
            .conn
            .prepare_cached("SELECT sha256 FROM erased_blobs WHERE scrubbed = 0 ORDER BY sha256")?
            .query_map([], |r| r.get(0))?
            .collect::<rusqlite::Result<_>>()?;
        Ok((ids, blobs))
    }

    pub fn erase_scrubbed(&self, ids: &HashSet<String>, blobs: &[String]) -> Result<()> {
        let tx = self.conn.unchecked_transaction()?;
        for id in ids {
            tx.prepare_cached("UPDATE erasures SET scrubbed = 1 WHERE record_id = ?1")?.execute([id])?;
        }
        for sha in blobs {
            tx.prepare_cached("UPDATE erased_blobs SET scrubbed = 1 WHERE sha256 = ?1")?.execute([sha])?;
        }
        tx.commit()?;
        Ok(())
    }

    /// Erases here what another device's erase marker names (and what goes
    /// with it here), unless erased already. Returns how many records.
    pub fn erase_from_marker(&self, device: &str, items: &[(String, String)], now_ms: i64) -> Result<u64> {
        let known = self.erased_ids()?;
        let mut roots = Vec::new();
        for (kind, id) in items {
            let Some(kind) = Kind::parse(kind) else { continue };
            if !known.contains(id) {
                roots.push((kind, id.clone()));
            }
        }
        if roots.is_empty() {
            return Ok(0);
        }
        let items = closure(&self.conn, &roots, false)?;
        self.erase_here(&items, device, now_ms)?;
        Ok(items.len() as u64)
    }

    /// Erases again what came back after an erase: records inside an erased
    /// one (a card exchange or attachment another device added before it
    /// learned of the erase) and, with `all` (a snapshot made before the
    /// erase was loaded), any erased record present again.
    pub fn erase_returned(&self, all: bool, now_ms: i64) -> Result<u64> {
        let any: bool =
            self.conn.prepare_cached("SELECT EXISTS (SELECT 1 FROM erasures)")?.query_row([], |r| r.get(0))?;
        if !any {
            return Ok(0);
        }
        let mut roots = Vec::new();
        if all {
            for id in self.erased_ids()? {
                if let Some(kind) = locate(&self.conn, &id)? {
                    roots.push((kind, id));
                }
            }
        }
        for kind in Kind::ALL.iter().copied() {
            let Some(field) = kind.meta().parent_field else { continue };
            let sql = format!(
                "SELECT id FROM {} WHERE {field} IN (SELECT record_id FROM erasures) ORDER BY id",
                kind.meta().table
            );
            let ids: Vec<String> =
                self.conn.prepare_cached(&sql)?.query_map([], |r| r.get(0))?.collect::<rusqlite::Result<_>>()?;
            roots.extend(ids.into_iter().map(|id| (kind, id)));
        }
        let ids: Vec<String> = self
            .conn
            .prepare_cached(
                "SELECT id FROM attachments WHERE owner_id IN (SELECT record_id FROM erasures) ORDER BY id",
            )?
            .query_map([], |r| r.get(0))?
            .collect::<rusqlite::Result<_>>()?;
        roots.extend(ids.into_iter().map(|id| (Kind::Attachment, id)));
        if roots.is_empty() {
            return Ok(0);
        }
        let items = closure(&self.conn, &roots, false)?;
        self.erase_here(&items, "sync", now_ms)?;
        Ok(items.len() as u64)
    }
}

fn same(a: &Path, b: &Path) -> bool {
    match (a.canonicalize(), b.canonicalize()) {
        (Ok(a), Ok(b)) => a == b,
        _ => a == b,
    }
}

/// Whether the database file at `path` holds a row of one of `ids` (a
/// record, a change-log entry, a field version); `None` when it cannot be read.
fn backup_holds(path: &Path, ids: &[String]) -> Option<bool> {
    let conn = Connection::open_with_flags(path, OpenFlags::SQLITE_OPEN_READ_ONLY).ok()?;
    // An encrypted backup opens with the database's key (same key and salt).
    super::crypto::key_connection(&conn, path).ok()?;
    let mut held = false;
    for id in ids {
        if locate(&conn, id).ok()?.is_some() {
            held = true;
        }
        let in_log: bool = conn
            .query_row("SELECT EXISTS (SELECT 1 FROM changes WHERE record_id = ?1 AND fields <> '{}')", [id], |r| {
                r.get(0)
            })
            .ok()?;
        held |= in_log;
    }
    Some(held)
}

/// Erases `ids` (and what goes with them) inside the backup file at `path`,
/// then rewrites it (`VACUUM`) so nothing of them is left in its free space.
/// The file stays a self-contained rollback-journal database.
fn erase_in_file(path: &Path, ids: &[String]) -> Result<()> {
    let conn = Connection::open(path)?;
    super::crypto::key_connection(&conn, path)?;
    let mut roots = Vec::new();
    for id in ids {
        if let Some(k) = locate(&conn, id)? {
            roots.push((k, id.clone()));
        } else {
            roots.push((Kind::Contact, id.clone())); // gone already: its log entries still go
        }
    }
    securely(&conn, || {
        let items = closure(&conn, &roots, false)?;
        let tx = conn.unchecked_transaction()?;
        // A backup ships nothing: every log entry of the records goes.
        erase_rows(&tx, &items, 0)?;
        tx.commit()?;
        if table_exists(&conn, "search_docs")? {
            conn.execute_batch(
                "INSERT INTO search_text(search_text) VALUES('optimize');
                 INSERT INTO search_grams(search_grams) VALUES('optimize');",
            )?;
        }
        vacuum(&conn)
    })
}
