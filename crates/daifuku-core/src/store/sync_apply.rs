//! The SQL side of folder sync: per-field versions (kept on every local write
//! and every merge), applying other devices' changes through the pure merge
//! plan of `sync::merge`, conflicts, snapshots in and out, and this device's
//! sync bookkeeping.
//!
//! Remote values are applied without validation (they were validated on the
//! device that wrote them, and a merge must never fail on a constraint), but
//! derived rows are recomputed exactly as a local write does.

use std::collections::BTreeMap;

use rusqlite::{params, params_from_iter, Connection, OptionalExtension};
use serde_json::{Map, Value};

use super::changelog::{self, load_clocks, save_clocks, supersede_delete_conflicts};
use super::derived::{self, delete_keys, write_derived};
use super::sql::{cached_sql, to_sql, SqlPerKind};
use super::{read, Store};
use crate::error::Result;
use crate::keys;
use crate::model::Kind;
use crate::schema::FieldType;
use crate::sync::format::{SnapshotRecord, Vector};
use crate::sync::hlc;
use crate::sync::merge::{self, Change, Clocks, ConflictReason, RecordState, DELETED};

/// What applying a batch of changes did.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ApplyStats {
    pub changes: u64,
    pub fields_applied: u64,
    pub fields_lost: u64,
    pub conflicts: u64,
    pub created: u64,
    /// Changes naming a record that does not exist (should not happen with
    /// causal delivery) or a kind this build does not know.
    pub skipped: u64,
    /// The largest clock seen.
    pub max_hlc: String,
}

/// The stored empty value of a field not set by a create (as `validate`
/// cleans a blank value).
fn blank(ty: &FieldType) -> Value {
    match ty {
        FieldType::Tags | FieldType::RefList { .. } | FieldType::Json => Value::Array(vec![]),
        FieldType::Bool => Value::Bool(false),
        _ => Value::Null,
    }
}

struct Envelope {
    deleted_at: Option<i64>,
    deleted_by: Option<String>,
}

fn load_state(conn: &Connection, kind: Kind, id: &str) -> Result<Option<(RecordState, Envelope)>> {
    let stored = match read::get(conn, kind, id) {
        Ok(s) => s,
        Err(e) if e.code == "not_found" => return Ok(None),
        Err(e) => return Err(e),
    };
    let clocks = load_clocks(conn, id)?.unwrap_or_default();
    Ok(Some((
        RecordState { fields: stored.record.to_fields(), clocks, deleted: stored.deleted_at.is_some() },
        Envelope { deleted_at: stored.deleted_at, deleted_by: stored.deleted_by },
    )))
}

#[allow(clippy::too_many_arguments)]
fn insert_row(
    conn: &Connection,
    kind: Kind,
    id: &str,
    fields: &Map<String, Value>,
    created_at: i64,
    created_by: Option<&str>,
    updated_at: i64,
    updated_by: Option<&str>,
    deleted: Option<(i64, Option<&str>)>,
) -> Result<()> {
    // `fields` may lack fields (a change carries the non-empty ones): those
    // are stored blank, and the key functions read missing as blank.
    let meta = kind.meta();
    let display = keys::display_name(kind, fields);
    let sort = keys::sort_key(kind, fields, &display);
    let sql = cached_sql(&INSERT_SQL, kind, |kind| {
        let meta = kind.meta();
        let names: Vec<&str> = meta.fields.iter().map(|f| f.name).collect();
        format!(
            "INSERT INTO {} (id, version, created_at, created_by, updated_at, updated_by, deleted_at, deleted_by, display_name, sort_key, {}) \
             VALUES (?1, 1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, {})",
            meta.table,
            names.join(", "),
            (0..names.len()).map(|i| format!("?{}", i + 10)).collect::<Vec<_>>().join(", ")
        )
    });
    let mut values: Vec<rusqlite::types::Value> = vec![
        id.to_string().into(),
        created_at.into(),
        created_by.map(String::from).into(),
        updated_at.into(),
        updated_by.map(String::from).into(),
        deleted.map(|d| d.0).into(),
        deleted.and_then(|d| d.1.map(String::from)).into(),
        display.into(),
        sort.into(),
    ];
    for def in meta.fields {
        values.push(match fields.get(def.name) {
            Some(v) => remote_sql(&def.ty, v),
            None => to_sql(&def.ty, &blank(&def.ty)),
        });
    }
    conn.prepare_cached(sql)?.execute(params_from_iter(values))?;
    write_derived(conn, kind, id, fields, true)?;
    if deleted.is_some() {
        delete_keys(conn, id)?;
    }
    Ok(())
}

static INSERT_SQL: SqlPerKind = SqlPerKind::new();

/// A remote value as stored here. Remote values are not validated, but a
/// reading is brought to full-width katakana as every local write stores it
/// (a device of an older version may send one as typed).
fn remote_sql(ty: &FieldType, v: &Value) -> rusqlite::types::Value {
    match (ty, v) {
        (FieldType::Reading, Value::String(s)) => rusqlite::types::Value::Text(crate::normalize::reading_text(s)),
        _ => to_sql(ty, v),
    }
}

/// Writes merged field values (and the trash state) to an existing record.
#[allow(clippy::too_many_arguments)]
fn update_row(
    conn: &Connection,
    kind: Kind,
    id: &str,
    state: &RecordState,
    env: &Envelope,
    set: &Map<String, Value>,
    at: i64,
    by: Option<&str>,
) -> Result<()> {
    let meta = kind.meta();
    let mut full = state.fields.clone();
    let mut cols: Vec<(&'static str, rusqlite::types::Value)> = Vec::new();
    for def in meta.fields {
        if let Some(v) = set.get(def.name) {
            full.insert(def.name.to_string(), v.clone());
            cols.push((def.name, remote_sql(&def.ty, v)));
        }
    }
    let deleted = match set.get(DELETED) {
        Some(v) => v.as_bool().unwrap_or(false),
        None => state.deleted,
    };
    let display = keys::display_name(kind, &full);
    let sort = keys::sort_key(kind, &full, &display);
    let (deleted_at, deleted_by): (Option<i64>, Option<String>) = match (state.deleted, deleted) {
        (false, true) => (Some(at), by.map(String::from)),
        (true, true) => (env.deleted_at, env.deleted_by.clone()),
        _ => (None, None),
    };
    let mut sql = format!(
        "UPDATE {} SET version = version + 1, updated_at = ?1, updated_by = ?2, display_name = ?3, sort_key = ?4, deleted_at = ?5, deleted_by = ?6",
        meta.table
    );
    let mut values: Vec<rusqlite::types::Value> =
        vec![at.into(), by.map(String::from).into(), display.into(), sort.into(), deleted_at.into(), deleted_by.into()];
    for (name, v) in cols {
        values.push(v);
        sql.push_str(&format!(", {name} = ?{}", values.len()));
    }
    values.push(id.to_string().into());
    sql.push_str(&format!(" WHERE id = ?{}", values.len()));
    conn.prepare_cached(&sql)?.execute(params_from_iter(values))?;
    write_derived(conn, kind, id, &full, false)?;
    if deleted {
        delete_keys(conn, id)?;
    }
    Ok(())
}

/// `resolution`: who resolved and when, for a change that marks conflicts resolved.
fn record_conflicts(
    conn: &Connection,
    kind: Kind,
    id: &str,
    plan: &merge::ChangePlan,
    now_ms: i64,
    resolution: (i64, Option<&str>),
) -> Result<u64> {
    let (resolved_at, resolved_by) = resolution;
    let mut n = 0;
    for (field, version) in &plan.superseded {
        conn.prepare_cached(
            "UPDATE sync_conflicts SET state = 'superseded'
             WHERE record_id = ?1 AND field = ?2 AND loser_version = ?3 AND state = 'open'",
        )?
        .execute(params![id, field, version])?;
    }
    for c in &plan.conflicts {
        n += conn
            .prepare_cached(
                "INSERT INTO sync_conflicts (kind, record_id, field, reason, loser_version, loser_value, loser_author,
                   winner_version, winner_value, winner_author, detected_at)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)
                 ON CONFLICT DO NOTHING",
            )?
            .execute(params![
                kind.as_str(),
                id,
                c.field,
                c.reason.as_str(),
                c.loser_version,
                c.loser_value.to_string(),
                c.loser_author,
                c.winner_version,
                c.winner_value.to_string(),
                c.winner_author,
                now_ms
            ])? as u64;
    }
    for (field, version, reason) in &plan.resolved {
        conn.prepare_cached(
            "INSERT INTO sync_resolved (record_id, field, loser_version, reason, resolved_at, resolved_by)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6) ON CONFLICT DO NOTHING",
        )?
        .execute(params![id, field, version, reason, resolved_at, resolved_by])?;
    }
    Ok(n)
}

/// Applies one remote change inside an open transaction.
fn apply_change(conn: &Connection, ch: &Change, now_ms: i64, stats: &mut ApplyStats) -> Result<()> {
    stats.changes += 1;
    if ch.hlc > stats.max_hlc {
        stats.max_hlc = ch.hlc.clone();
    }
    let Some(kind) = Kind::parse(&ch.kind) else {
        stats.skipped += 1;
        return Ok(());
    };
    let loaded = load_state(conn, kind, &ch.id)?;
    let plan = merge::plan(loaded.as_ref().map(|(s, _)| s), ch);
    if plan.missing {
        stats.skipped += 1;
        return Ok(());
    }
    let at = hlc::millis(&ch.hlc);
    let by = ch.author.as_deref();
    if plan.create {
        insert_row(conn, kind, &ch.id, &plan.set, at, by, at, by, None)?;
        stats.created += 1;
    } else if let Some((state, env)) = &loaded {
        if !plan.set.is_empty() {
            update_row(conn, kind, &ch.id, state, env, &plan.set, at, by)?;
        }
    }
    if loaded.as_ref().map(|(s, _)| &s.clocks) != Some(&plan.clocks) {
        save_clocks(conn, kind, &ch.id, &plan.clocks)?;
    }
    if plan.set.get(DELETED) == Some(&Value::Bool(false)) {
        supersede_delete_conflicts(conn, &ch.id)?;
    }
    stats.conflicts +=
        record_conflicts(conn, kind, &ch.id, &plan, now_ms, (hlc::millis(&ch.hlc), ch.author.as_deref()))?;
    let device = hlc::Hlc::parse(&ch.hlc).map(|h| h.device).unwrap_or_default();
    let empty = Map::new();
    let prev = ch.prev.as_ref().unwrap_or(&empty);
    changelog::note_versions(conn, kind, &ch.id, &ch.op, &ch.hlc, &device, by, &ch.fields, prev, now_ms)?;
    // Per company, for "what changed since I last looked" (issue 21).
    let old_company =
        loaded.as_ref().map(|(s, _)| s.fields.get("company_id").and_then(Value::as_str).map(String::from));
    super::history::note_remote(conn, kind, &ch.id, &ch.op, &plan.set, old_company, &ch.hlc, by, now_ms)?;
    stats.fields_applied += plan.applied as u64;
    stats.fields_lost += plan.lost as u64;
    Ok(())
}

/// A device known to sync, as stored here.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Peer {
    pub device_id: String,
    pub applied: u64,
    pub name: Option<String>,
    pub last_seen: Option<i64>,
    pub acks: Vector,
    pub retired: bool,
}

impl Store {
    fn sync_tx_state_get(conn: &Connection, key: &str) -> Result<Option<String>> {
        Ok(conn
            .prepare_cached("SELECT value FROM sync_state WHERE key = ?1")?
            .query_row([key], |r| r.get(0))
            .optional()?)
    }

    /// A value of this device's sync bookkeeping.
    pub fn sync_state_get(&self, key: &str) -> Result<Option<String>> {
        Store::sync_tx_state_get(&self.conn, key)
    }

    pub fn sync_state_set(&self, key: &str, value: &str) -> Result<()> {
        self.conn
            .prepare_cached(
                "INSERT INTO sync_state (key, value) VALUES (?1, ?2) ON CONFLICT(key) DO UPDATE SET value = ?2",
            )?
            .execute(params![key, value])?;
        Ok(())
    }

    pub fn sync_state_i64(&self, key: &str) -> Result<i64> {
        Ok(self.sync_state_get(key)?.and_then(|v| v.parse().ok()).unwrap_or(0))
    }

    /// Local changes after change-log position `after`, oldest first, at most `limit`.
    pub fn sync_outgoing(&self, after: i64, limit: usize) -> Result<Vec<(i64, Change)>> {
        let rows = self
            .conn
            .prepare_cached(
                "SELECT seq, hlc, author, kind, record_id, op, fields, prev FROM changes
                 WHERE seq > ?1 ORDER BY seq LIMIT ?2",
            )?
            .query_map(params![after, limit as i64], |r| {
                let fields: String = r.get(6)?;
                let prev: Option<String> = r.get(7)?;
                Ok((
                    r.get::<_, i64>(0)?,
                    Change {
                        hlc: r.get(1)?,
                        author: r.get(2)?,
                        kind: r.get(3)?,
                        id: r.get(4)?,
                        op: r.get(5)?,
                        fields: serde_json::from_str(&fields).unwrap_or_default(),
                        prev: prev.and_then(|p| serde_json::from_str(&p).ok()),
                    },
                ))
            })?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        Ok(rows)
    }

    /// The change-log position and clock of a local change.
    pub fn sync_change_hlc(&self, seq: i64) -> Result<Option<String>> {
        Ok(self
            .conn
            .prepare_cached("SELECT hlc FROM changes WHERE seq = ?1")?
            .query_row([seq], |r| r.get(0))
            .optional()?)
    }

    /// How many local changes after position `after` are waiting to be shipped.
    pub fn sync_pending(&self, after: i64) -> Result<i64> {
        // `changes` only grows and its seq has no gaps (nothing deletes from
        // it), so this is the count of rows after `after` without reading
        // them: a COUNT(*) read the whole log (1.3 s at 2M changes, holding
        // the store while the app starts).
        Ok((self.sync_last_seq()? - after).max(0))
    }

    /// The last change-log position.
    pub fn sync_last_seq(&self) -> Result<i64> {
        Ok(self.conn.prepare_cached("SELECT COALESCE(MAX(seq), 0) FROM changes")?.query_row([], |r| r.get(0))?)
    }

    pub fn sync_peers(&self) -> Result<BTreeMap<String, Peer>> {
        let rows = self
            .conn
            .prepare_cached("SELECT device_id, applied, name, last_seen, acks, retired FROM sync_peers")?
            .query_map([], |r| {
                let acks: Option<String> = r.get(4)?;
                Ok(Peer {
                    device_id: r.get(0)?,
                    applied: r.get::<_, i64>(1)? as u64,
                    name: r.get(2)?,
                    last_seen: r.get(3)?,
                    acks: acks.and_then(|a| serde_json::from_str(&a).ok()).unwrap_or_default(),
                    retired: r.get::<_, i64>(5)? != 0,
                })
            })?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        Ok(rows.into_iter().map(|p| (p.device_id.clone(), p)).collect())
    }

    /// Records what a device says about itself (name, clock, acknowledgements).
    pub fn sync_note_peer(&self, p: &Peer) -> Result<()> {
        self.conn
            .prepare_cached(
                "INSERT INTO sync_peers (device_id, applied, name, last_seen, acks, retired) VALUES (?1, 0, ?2, ?3, ?4, ?5)
                 ON CONFLICT(device_id) DO UPDATE SET name = COALESCE(?2, name), last_seen = MAX(COALESCE(last_seen, 0), COALESCE(?3, 0)),
                   acks = COALESCE(?4, acks), retired = MAX(retired, ?5)",
            )?
            .execute(params![
                p.device_id,
                p.name,
                p.last_seen,
                (!p.acks.is_empty()).then(|| serde_json::to_string(&p.acks).unwrap()),
                p.retired as i64
            ])?;
        Ok(())
    }

    /// Applies changes `first..` of `device` (those not applied yet) in one
    /// transaction, and records how far that device is applied.
    pub fn sync_apply_changes(
        &mut self,
        device: &str,
        first: u64,
        changes: &[Change],
        now_ms: i64,
    ) -> Result<ApplyStats> {
        let _cache = Store::bulk_cache(&self.conn)?;
        let tx = self.conn.unchecked_transaction()?;
        let search = derived::defer();
        let applied: u64 = tx
            .prepare_cached("SELECT applied FROM sync_peers WHERE device_id = ?1")?
            .query_row([device], |r| r.get::<_, i64>(0))
            .optional()?
            .unwrap_or(0) as u64;
        let mut stats = ApplyStats::default();
        let last = first + changes.len() as u64 - 1;
        if last > applied {
            let skip = (applied + 1).saturating_sub(first) as usize;
            for ch in &changes[skip..] {
                apply_change(&tx, ch, now_ms, &mut stats)?;
            }
            tx.prepare_cached(
                "INSERT INTO sync_peers (device_id, applied) VALUES (?1, ?2)
                 ON CONFLICT(device_id) DO UPDATE SET applied = MAX(applied, ?2)",
            )?
            .execute(params![device, last as i64])?;
        }
        search.flush(&tx)?;
        tx.commit()?;
        Ok(stats)
    }

    /// Notes a file that could not be read; returns how often it failed.
    pub fn sync_note_bad_file(&self, name: &str, problem: &str, now_ms: i64) -> Result<i64> {
        self.conn
            .prepare_cached(
                "INSERT INTO sync_bad_files (name, problem, first_seen, tries) VALUES (?1, ?2, ?3, 1)
                 ON CONFLICT(name) DO UPDATE SET problem = ?2, tries = tries + 1",
            )?
            .execute(params![name, problem, now_ms])?;
        Ok(self
            .conn
            .prepare_cached("SELECT tries FROM sync_bad_files WHERE name = ?1")?
            .query_row([name], |r| r.get(0))?)
    }

    pub fn sync_clear_bad_file(&self, name: &str) -> Result<()> {
        self.conn.prepare_cached("DELETE FROM sync_bad_files WHERE name = ?1")?.execute([name])?;
        Ok(())
    }

    /// Files currently unreadable: (name, problem, first seen, tries).
    pub fn sync_bad_files(&self) -> Result<Vec<(String, String, i64, i64)>> {
        Ok(self
            .conn
            .prepare_cached("SELECT name, problem, first_seen, tries FROM sync_bad_files ORDER BY name")?
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)))?
            .collect::<rusqlite::Result<Vec<_>>>()?)
    }

    /// Merges a snapshot part: records not here are inserted as they are;
    /// records here take each field with the higher version. One transaction.
    pub fn sync_load_snapshot_part(
        &mut self,
        records: &[SnapshotRecord],
        conflicts: &[Value],
        resolved: &[Value],
        now_ms: i64,
    ) -> Result<u64> {
        let me = self.device_id()?;
        let me = me.as_str();
        let _cache = Store::bulk_cache(&self.conn)?;
        let tx = self.conn.unchecked_transaction()?;
        let search = derived::defer();
        let mut n = 0u64;
        for rec in records {
            let Some(kind) = Kind::parse(&rec.kind) else {
                continue;
            };
            let snap_clocks = Clocks(rec.clocks.clone());
            match load_state(&tx, kind, &rec.id)? {
                None => {
                    insert_row(
                        &tx,
                        kind,
                        &rec.id,
                        &rec.fields,
                        rec.created_at,
                        rec.created_by.as_deref(),
                        rec.updated_at,
                        rec.updated_by.as_deref(),
                        rec.deleted.then(|| (rec.deleted_at.unwrap_or(rec.updated_at), rec.deleted_by.as_deref())),
                    )?;
                    save_clocks(&tx, kind, &rec.id, &snap_clocks)?;
                }
                Some((state, env)) => {
                    let mut clocks = state.clocks.clone();
                    let mut set = Map::new();
                    let mut names: Vec<&str> = kind.meta().fields.iter().map(|f| f.name).collect();
                    names.push(DELETED);
                    let mut plan = merge::ChangePlan::default();
                    for f in names {
                        let (sv, lv) = (snap_clocks.version(f), state.clocks.version(f));
                        if sv > lv {
                            let value = if f == DELETED {
                                Value::Bool(rec.deleted)
                            } else {
                                rec.fields.get(f).cloned().unwrap_or_else(|| blank(&kind.field(f).expect("field").ty))
                            };
                            let local = if f == DELETED {
                                Value::Bool(state.deleted)
                            } else {
                                state.fields.get(f).cloned().unwrap_or(Value::Null)
                            };
                            // A snapshot does not say what its writer had seen:
                            // a different local value it replaces is kept.
                            if !lv.is_empty() && local != value {
                                plan.conflicts.push(merge::PlannedConflict {
                                    field: f.to_string(),
                                    reason: ConflictReason::ConcurrentEdit,
                                    loser_version: lv.to_string(),
                                    loser_value: local,
                                    loser_author: state.clocks.author(f).map(String::from),
                                    winner_version: sv.to_string(),
                                    winner_value: value.clone(),
                                    winner_author: snap_clocks.author(f).map(String::from),
                                });
                            }
                            clocks.set(f, sv.to_string(), snap_clocks.author(f));
                            set.insert(f.to_string(), value);
                        } else if !sv.is_empty()
                            && sv < lv
                            && hlc::Hlc::parse(sv).map(|h| h.device).as_deref() != Some(me)
                        {
                            // The local value wins; a different snapshot value
                            // (not an older one of this device's) is kept.
                            let value = if f == DELETED {
                                Value::Bool(rec.deleted)
                            } else {
                                rec.fields.get(f).cloned().unwrap_or_else(|| blank(&kind.field(f).expect("field").ty))
                            };
                            let local = if f == DELETED {
                                Value::Bool(state.deleted)
                            } else {
                                state.fields.get(f).cloned().unwrap_or(Value::Null)
                            };
                            if local != value {
                                plan.conflicts.push(merge::PlannedConflict {
                                    field: f.to_string(),
                                    reason: ConflictReason::ConcurrentEdit,
                                    loser_version: sv.to_string(),
                                    loser_value: value,
                                    loser_author: snap_clocks.author(f).map(String::from),
                                    winner_version: lv.to_string(),
                                    winner_value: local,
                                    winner_author: state.clocks.author(f).map(String::from),
                                });
                            }
                        }
                    }
                    record_conflicts(&tx, kind, &rec.id, &plan, now_ms, (now_ms, None))?;
                    if !set.is_empty() {
                        update_row(&tx, kind, &rec.id, &state, &env, &set, rec.updated_at, rec.updated_by.as_deref())?;
                        save_clocks(&tx, kind, &rec.id, &clocks)?;
                    }
                }
            }
            n += 1;
        }
        for c in conflicts {
            let Some(a) = c.as_array() else { continue };
            if a.len() != 12 {
                continue;
            }
            let s = |i: usize| a[i].as_str().map(String::from);
            tx.prepare_cached(
                "INSERT INTO sync_conflicts (kind, record_id, field, reason, loser_version, loser_value, loser_author,
                   winner_version, winner_value, winner_author, detected_at, state)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12) ON CONFLICT DO NOTHING",
            )?
            .execute(params![
                s(0),
                s(1),
                s(2),
                s(3),
                s(4),
                s(5),
                s(6),
                s(7),
                s(8),
                s(9),
                a[10].as_i64().unwrap_or(0),
                s(11)
            ])?;
        }
        for r in resolved {
            let Some(a) = r.as_array() else { continue };
            if a.len() != 6 {
                continue;
            }
            let s = |i: usize| a[i].as_str().map(String::from);
            tx.prepare_cached(
                "INSERT INTO sync_resolved (record_id, field, loser_version, reason, resolved_at, resolved_by)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6) ON CONFLICT DO NOTHING",
            )?
            .execute(params![s(0), s(1), s(2), s(3), a[4].as_i64().unwrap_or(0), s(5)])?;
        }
        search.flush(&tx)?;
        tx.commit()?;
        Ok(n)
    }

    /// Raises how far each device counts as applied (after a snapshot).
    pub fn sync_raise_applied(&self, vector: &Vector) -> Result<()> {
        for (device, n) in vector {
            self.conn
                .prepare_cached(
                    "INSERT INTO sync_peers (device_id, applied) VALUES (?1, ?2)
                     ON CONFLICT(device_id) DO UPDATE SET applied = MAX(applied, ?2)",
                )?
                .execute(params![device, *n as i64])?;
        }
        Ok(())
    }
}

/// Every record of a snapshot image with its versions; calls `out` in
/// batches of `batch` records. Runs in one read transaction.
pub(crate) fn snapshot_records(
    conn: &Connection,
    batch: usize,
    out: &mut dyn FnMut(Vec<SnapshotRecord>) -> Result<()>,
) -> Result<u64> {
    let tx = conn.unchecked_transaction()?;
    let mut n = 0u64;
    let mut buf = Vec::with_capacity(batch);
    for kind in Kind::ALL {
        let meta = kind.meta();
        let names: Vec<&str> = meta.fields.iter().map(|f| f.name).collect();
        let sql = format!(
            "SELECT t.id, t.created_at, t.created_by, t.updated_at, t.updated_by, t.deleted_at, t.deleted_by, c.clocks, {}
             FROM {} t LEFT JOIN record_clocks c ON c.record_id = t.id ORDER BY t.id",
            names.iter().map(|n| format!("t.{n}")).collect::<Vec<_>>().join(", "),
            meta.table
        );
        let mut stmt = tx.prepare(&sql)?;
        let mut rows = stmt.query([])?;
        while let Some(r) = rows.next()? {
            let mut fields = Map::new();
            for (i, def) in meta.fields.iter().enumerate() {
                let v = read::field_value(r, i + 8, &def.ty)?;
                if v != blank(&def.ty) {
                    fields.insert(def.name.to_string(), v);
                }
            }
            let clocks: Option<String> = r.get(7)?;
            let deleted_at: Option<i64> = r.get(5)?;
            buf.push(SnapshotRecord {
                kind: kind.as_str().to_string(),
                id: r.get(0)?,
                fields,
                clocks: clocks.map(|c| Clocks::from_json(&c).0).unwrap_or_default(),
                deleted: deleted_at.is_some(),
                created_at: r.get(1)?,
                created_by: r.get(2)?,
                updated_at: r.get(3)?,
                updated_by: r.get(4)?,
                deleted_at,
                deleted_by: r.get(6)?,
            });
            n += 1;
            if buf.len() >= batch {
                out(std::mem::take(&mut buf))?;
            }
        }
    }
    if !buf.is_empty() {
        out(buf)?;
    }
    tx.commit()?;
    Ok(n)
}

/// A snapshot image's conflicts (all states) and resolutions, as JSON rows
/// (the column order `sync_load_snapshot_part` reads).
pub(crate) fn conflict_rows(conn: &Connection) -> Result<(Vec<Value>, Vec<Value>)> {
    let conflicts = json_rows(
        conn,
        "SELECT kind, record_id, field, reason, loser_version, loser_value, loser_author,
                winner_version, winner_value, winner_author, detected_at, state FROM sync_conflicts ORDER BY id",
    )?;
    let resolved = json_rows(
        conn,
        "SELECT record_id, field, loser_version, reason, resolved_at, resolved_by FROM sync_resolved ORDER BY 1, 2, 3, 4",
    )?;
    Ok((conflicts, resolved))
}

/// Merges a snapshot image's field history (`sync_versions`) into this
/// database: unknown versions are added, replaced ones stay replaced.
pub(crate) fn merge_versions(conn: &mut Connection, image: &Connection, now_ms: i64) -> Result<()> {
    type Row = (String, String, String, String, Option<String>, Option<String>, Option<String>, i64);
    let rows: Vec<Row> = image
        .prepare("SELECT record_id, field, version, kind, value, author, seen, replaced FROM sync_versions")?
        .query_map([], |r| {
            Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?, r.get(5)?, r.get(6)?, r.get(7)?))
        })?
        .collect::<rusqlite::Result<_>>()?;
    let tx = conn.transaction()?;
    for (record_id, field, version, kind, value, author, seen, replaced) in rows {
        tx.prepare_cached(
            "INSERT INTO sync_versions (record_id, field, version, kind, value, author, seen, replaced, known_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)
             ON CONFLICT (record_id, field, version) DO UPDATE SET replaced = MAX(replaced, excluded.replaced),
               value = COALESCE(value, excluded.value), author = COALESCE(author, excluded.author),
               seen = COALESCE(seen, excluded.seen)",
        )?
        .execute(params![record_id, field, version, kind, value, author, seen, replaced, now_ms])?;
    }
    tx.commit()?;
    Ok(())
}

/// Each row of a query of text and integer columns as a JSON array.
fn json_rows(conn: &Connection, sql: &str) -> Result<Vec<Value>> {
    use rusqlite::types::Value as Sql;
    let mut stmt = conn.prepare(sql)?;
    let n = stmt.column_count();
    let rows = stmt
        .query_map([], |r| {
            (0..n)
                .map(|i| {
                    Ok(match r.get::<_, Sql>(i)? {
                        Sql::Text(s) => Value::String(s),
                        Sql::Integer(v) => Value::from(v),
                        Sql::Real(v) => Value::from(v),
                        Sql::Null | Sql::Blob(_) => Value::Null,
                    })
                })
                .collect::<rusqlite::Result<Vec<_>>>()
                .map(Value::Array)
        })?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    Ok(rows)
}
