//! The change log and its clocks: every write appends one entry stamped
//! with the next hybrid logical clock, and moves the record's per-field
//! versions (`record_clocks`) that folder sync ships and merges by. The
//! writers (local writes, merges, conflict resolution) call this module; it
//! calls nothing else of the store.

use std::collections::BTreeMap;

use rusqlite::{params, Connection, OptionalExtension};
use serde_json::{Map, Value};

use super::{Ctx, Store};
use crate::error::Result;
use crate::model::Kind;
use crate::sync::hlc;
use crate::sync::merge::{Clocks, DELETED};

/// How far a clock read from another device may move this device's clock
/// ahead of its own wall clock. Beyond it the remote clock is reported, not
/// followed (versions stay ordered by [`hlc::version_of`] anyway).
pub const CLOCK_ADVANCE_CAP_MS: i64 = 5 * 60_000;

/// Appends one write to the change log, stamped with the next hybrid logical clock.
pub(crate) fn log_change(
    conn: &Connection,
    ctx: &Ctx,
    kind: Kind,
    id: &str,
    op: &str,
    fields: &Map<String, Value>,
) -> Result<()> {
    log_change_json(conn, ctx, kind, id, op, fields, serde_json::to_string(fields)?)
}

/// [`log_change`] with the entry's fields already written as JSON.
pub(crate) fn log_change_json(
    conn: &Connection,
    ctx: &Ctx,
    kind: Kind,
    id: &str,
    op: &str,
    fields: &Map<String, Value>,
    json: String,
) -> Result<()> {
    // Issue 18: a private memo (a private activity's texts) never enters the shipped change.
    let shared = super::privacy::shareable(conn, kind, id, fields)?;
    let (fields, json) = match &shared {
        Some(f) => (f, super::privacy::strip_json(&json, f)?),
        None => (fields, json),
    };
    let hlc = next_hlc(conn, ctx)?;
    // Per-field versions for folder sync, and what this write replaced.
    let prev = log_local_clocks(conn, ctx, kind, id, op, &hlc, fields)?;
    conn.prepare_cached(
        "INSERT INTO changes (hlc, device_id, author, kind, record_id, op, fields, prev) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
    )?
    .execute(params![hlc, ctx.device_id, ctx.user_id, kind.as_str(), id, op, json, prev])?;
    // Per company, for "what changed since I last looked" (issue 21).
    super::history::note_local(conn, ctx, kind, id, op, fields, &hlc, conn.last_insert_rowid())?;
    Ok(())
}

/// Hybrid logical clock: `max(wall clock, last)` in ms, plus a counter for
/// writes in the same ms, plus the device id as tie-break. Sortable as text.
fn next_hlc(conn: &Connection, ctx: &Ctx) -> Result<String> {
    let last: Option<(i64, i64)> = conn
        .prepare_cached("SELECT hlc_ms, hlc_counter FROM clock WHERE id = 1")?
        .query_row([], |r| Ok((r.get(0)?, r.get(1)?)))
        .optional()?;
    let (last_ms, last_counter) = last.unwrap_or((0, 0));
    let (ms, counter) = if ctx.now_ms > last_ms { (ctx.now_ms, 0) } else { (last_ms, last_counter + 1) };
    conn.prepare_cached("INSERT INTO clock (id, hlc_ms, hlc_counter) VALUES (1, ?1, ?2) ON CONFLICT(id) DO UPDATE SET hlc_ms = ?1, hlc_counter = ?2")?
        .execute(params![ms, counter])?;
    Ok(format_hlc(ms, counter, &ctx.device_id))
}

pub fn format_hlc(ms: i64, counter: i64, device: &str) -> String {
    format!("{ms:015}-{counter:06}-{device}")
}

pub(crate) fn load_clocks(conn: &Connection, id: &str) -> Result<Option<Clocks>> {
    Ok(conn
        .prepare_cached("SELECT clocks FROM record_clocks WHERE record_id = ?1")?
        .query_row([id], |r| r.get::<_, String>(0))
        .optional()?
        .map(|s| Clocks::from_json(&s)))
}

pub(crate) fn save_clocks(conn: &Connection, kind: Kind, id: &str, clocks: &Clocks) -> Result<()> {
    conn.prepare_cached(
        "INSERT INTO record_clocks (record_id, kind, clocks) VALUES (?1, ?2, ?3)
         ON CONFLICT(record_id) DO UPDATE SET clocks = ?3",
    )?
    .execute(params![id, kind.as_str(), clocks.to_json()])?;
    Ok(())
}

/// Called by the change log for every local write: moves the per-field
/// versions of the record forward and returns what the write saw (`prev`).
pub(crate) fn log_local_clocks(
    conn: &Connection,
    ctx: &Ctx,
    kind: Kind,
    id: &str,
    op: &str,
    hlc: &str,
    fields: &Map<String, Value>,
) -> Result<Option<String>> {
    let author = ctx.user_id.as_deref();
    if op == "create" {
        save_clocks(conn, kind, id, &Clocks::created(hlc, author))?;
        return Ok(None);
    }
    let mut clocks = load_clocks(conn, id)?.unwrap_or_default();
    let mut prev = Map::new();
    if fields.get(DELETED) == Some(&Value::Bool(true)) {
        // A delete records every version it saw, so a receiver can tell
        // which edits it did not see.
        for (k, v) in &clocks.0 {
            if !k.starts_with('@') {
                prev.insert(k.clone(), Value::String(v.clone()));
            }
        }
    }
    for field in fields.keys() {
        if field.starts_with('_') && field != DELETED {
            continue; // markers (`_resolved`, `_merge` …) carry no value
        }
        let seen = clocks.version(field).to_string();
        let version = hlc::version_of(hlc, &seen, &ctx.device_id);
        prev.insert(field.clone(), Value::String(seen));
        clocks.set(field, version, author);
    }
    if !fields.contains_key(DELETED) {
        prev.insert(DELETED.into(), Value::String(clocks.version(DELETED).to_string()));
    }
    if fields.get(DELETED) == Some(&Value::Bool(false)) {
        supersede_delete_conflicts(conn, id)?;
    }
    save_clocks(conn, kind, id, &clocks)?;
    note_versions(conn, kind, id, op, hlc, &ctx.device_id, author, fields, &prev, ctx.now_ms)?;
    Ok(Some(Value::Object(prev).to_string()))
}

/// Keeps every value an update writes (and marks the versions it replaced)
/// in `sync_versions`, the history shared conflicts are derived from. Local
/// writes and applied remote changes both call it, with the change's clock
/// and `prev`, so every device ends with the same rows.
#[allow(clippy::too_many_arguments)]
pub(crate) fn note_versions(
    conn: &Connection,
    kind: Kind,
    id: &str,
    op: &str,
    hlc: &str,
    device: &str,
    author: Option<&str>,
    fields: &Map<String, Value>,
    prev: &Map<String, Value>,
    now_ms: i64,
) -> Result<()> {
    if op == "create" {
        return Ok(());
    }
    let prev_of = |f: &str| prev.get(f).or_else(|| prev.get("")).and_then(Value::as_str).unwrap_or("").to_string();
    for (field, value) in fields {
        if field.starts_with('_') && field != DELETED {
            continue;
        }
        let seen_version = prev_of(field);
        let version = hlc::version_of(hlc, &seen_version, device);
        let seen = if field == DELETED { Value::Object(prev.clone()).to_string() } else { prev_of(DELETED) };
        conn.prepare_cached(
            "INSERT INTO sync_versions (record_id, field, version, kind, value, author, seen, replaced, known_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, 0, ?8)
             ON CONFLICT (record_id, field, version) DO UPDATE SET value = excluded.value, author = excluded.author,
               seen = excluded.seen, known_at = MIN(known_at, excluded.known_at) WHERE value IS NULL",
        )?
        .execute(params![id, field, version, kind.as_str(), value.to_string(), author, seen, now_ms])?;
        if !seen_version.is_empty() {
            conn.prepare_cached(
                "INSERT INTO sync_versions (record_id, field, version, kind, value, replaced, known_at)
                 VALUES (?1, ?2, ?3, ?4, NULL, 1, ?5)
                 ON CONFLICT (record_id, field, version) DO UPDATE SET replaced = 1",
            )?
            .execute(params![id, field, seen_version, kind.as_str(), now_ms])?;
        }
    }
    Ok(())
}

/// A restored record's "edited while deleted" conflicts are settled: the
/// edits are visible again.
pub(crate) fn supersede_delete_conflicts(conn: &Connection, id: &str) -> Result<()> {
    conn.prepare_cached(
        "UPDATE sync_conflicts SET state = 'superseded'
         WHERE record_id = ?1 AND reason = 'edited_while_deleted' AND state = 'open'",
    )?
    .execute([id])?;
    Ok(())
}

/// A row of the change log: seq, hlc, device, author, kind, record id, op, fields.
type LoggedChange = (i64, String, String, Option<String>, String, String, String, String);

/// Fills `record_clocks` and `changes.prev` from the change log (migration
/// 0005, for databases written before sync existed).
pub(crate) fn rebuild_clocks(conn: &Connection) -> Result<()> {
    let rows: Vec<LoggedChange> = conn
        .prepare("SELECT seq, hlc, device_id, author, kind, record_id, op, fields FROM changes ORDER BY seq")?
        .query_map([], |r| {
            Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?, r.get(5)?, r.get(6)?, r.get(7)?))
        })?
        .collect::<rusqlite::Result<_>>()?;
    let mut all: BTreeMap<String, (String, Clocks)> = BTreeMap::new();
    for (seq, hlc, device, author, kind, id, op, fields) in rows {
        let fields: Map<String, Value> = serde_json::from_str(&fields).unwrap_or_default();
        let mut ctx = Ctx::new(hlc::millis(&hlc), device);
        ctx.user_id = author;
        if op == "create" {
            all.insert(id, (kind, Clocks::created(&hlc, ctx.user_id.as_deref())));
            continue;
        }
        let entry = all.entry(id.clone()).or_insert_with(|| (kind.clone(), Clocks::default()));
        let mut prev = Map::new();
        if fields.get(DELETED) == Some(&Value::Bool(true)) {
            for (k, v) in &entry.1 .0 {
                if !k.starts_with('@') {
                    prev.insert(k.clone(), Value::String(v.clone()));
                }
            }
        }
        for field in fields.keys() {
            if field.starts_with('_') && field != DELETED {
                continue;
            }
            let seen = entry.1.version(field).to_string();
            let version = hlc::version_of(&hlc, &seen, &ctx.device_id);
            prev.insert(field.clone(), Value::String(seen));
            entry.1.set(field, version, ctx.user_id.as_deref());
        }
        if !fields.contains_key(DELETED) {
            prev.insert(DELETED.into(), Value::String(entry.1.version(DELETED).to_string()));
        }
        conn.execute("UPDATE changes SET prev = ?1 WHERE seq = ?2", params![Value::Object(prev).to_string(), seq])?;
    }
    for (id, (kind, clocks)) in all {
        if let Some(kind) = Kind::parse(&kind) {
            save_clocks(conn, kind, &id, &clocks)?;
        }
    }
    Ok(())
}

impl Store {
    /// Moves this device's clock after a clock read from another device, but
    /// never more than [`CLOCK_ADVANCE_CAP_MS`] past the wall clock; a clock
    /// of this device that ran ahead of that is brought back (versions keep
    /// every later edit ordered after what it replaced regardless).
    pub fn sync_observe_clock(&self, remote: &str, now_ms: i64) -> Result<()> {
        let last: Option<(i64, i64)> = self
            .conn
            .prepare_cached("SELECT hlc_ms, hlc_counter FROM clock WHERE id = 1")?
            .query_row([], |r| Ok((r.get(0)?, r.get(1)?)))
            .optional()?;
        let cap = now_ms + CLOCK_ADVANCE_CAP_MS;
        let mut local = last.unwrap_or((0, 0));
        if local.0 > cap {
            local = (now_ms, 0);
        }
        if let Some(h) = hlc::Hlc::parse(remote) {
            let r = if h.ms > cap { (cap, 0) } else { (h.ms, h.counter) };
            local = local.max(r);
        }
        if Some(local) != last {
            self.conn.execute(
                "INSERT INTO clock (id, hlc_ms, hlc_counter) VALUES (1, ?1, ?2)
                 ON CONFLICT(id) DO UPDATE SET hlc_ms = ?1, hlc_counter = ?2",
                params![local.0, local.1],
            )?;
        }
        Ok(())
    }

    /// This device's clock (ms part).
    pub fn sync_clock_ms(&self) -> Result<i64> {
        Ok(self
            .conn
            .prepare_cached("SELECT hlc_ms FROM clock WHERE id = 1")?
            .query_row([], |r| r.get(0))
            .optional()?
            .unwrap_or(0))
    }
}
