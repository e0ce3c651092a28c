//! Shared conflicts (issue 19): the conflict list is derived from the synced
//! history in `sync_versions` (every value an update wrote, and which
//! versions later writes replaced), never kept per device. Once every change
//! is delivered every device holds the same rows, so every device lists the
//! same entries with the same ids; the current value is read live from the
//! record. Resolutions travel as the `_resolved` pseudo-field (`sync_resolved`).
//!
//! One entry per record field: its losing values are the versions of the
//! field that no known write replaced, other than the current one, whose
//! value differs from the current value (`concurrent_edit`); and, for a record
//! in the trash, the current value of a field when its writer had not seen
//! the delete and the delete had not seen it (`edited_while_deleted`).

use std::collections::{BTreeMap, BTreeSet};

use rusqlite::{params, Connection};
use serde_json::{Map, Value};
use sha2::{Digest, Sha256};

use super::changelog::{self, load_clocks};
use super::{read, write, Ctx, Store};
use crate::error::{ApiError, Result};
use crate::model::Kind;
use crate::sync::hlc;
use crate::sync::merge::{ConflictChoice, ConflictLoser, ConflictReason, SyncConflict, DELETED, RESOLVED};

/// A field version nobody replaced (a row of `sync_versions`).
struct Head {
    kind: String,
    version: String,
    value: Value,
    author: Option<String>,
    seen: Option<String>,
    known_at: i64,
}

/// The id of a record field's entry: the same on every device (the first
/// 53 bits of SHA-256 of record id and field, so it is a safe JS number).
pub fn conflict_id(record_id: &str, field: &str) -> i64 {
    let mut h = Sha256::new();
    h.update(record_id.as_bytes());
    h.update([0x1f]);
    h.update(field.as_bytes());
    let d = h.finalize();
    (u64::from_be_bytes(d[..8].try_into().expect("8 bytes")) >> 11) as i64
}

/// Blank values compare equal whatever their shape (a field a create left
/// empty is stored as null, "" or []).
fn same_value(a: &Value, b: &Value) -> bool {
    fn blank(v: &Value) -> bool {
        match v {
            Value::Null => true,
            Value::String(s) => s.is_empty(),
            Value::Array(a) => a.is_empty(),
            _ => false,
        }
    }
    a == b || (blank(a) && blank(b))
}

/// Records that may have an open entry: a field with two unreplaced
/// versions, or a record whose current trash state is a delete.
fn candidates(conn: &Connection) -> Result<BTreeSet<String>> {
    let mut out = BTreeSet::new();
    let mut stmt = conn.prepare_cached(
        "SELECT DISTINCT record_id FROM (SELECT record_id FROM sync_versions WHERE replaced = 0 AND value IS NOT NULL
           GROUP BY record_id, field HAVING COUNT(*) > 1)
         UNION SELECT record_id FROM sync_versions WHERE replaced = 0 AND field = ?1 AND value = 'true'",
    )?;
    for r in stmt.query_map([DELETED], |r| r.get::<_, String>(0))? {
        out.insert(r?);
    }
    Ok(out)
}

/// The open entries of one record.
fn record_entries(conn: &Connection, record_id: &str) -> Result<Vec<SyncConflict>> {
    let mut heads: BTreeMap<String, Vec<Head>> = BTreeMap::new();
    {
        let mut stmt = conn.prepare_cached(
            "SELECT field, version, kind, value, author, seen, known_at FROM sync_versions
             WHERE record_id = ?1 AND replaced = 0 AND value IS NOT NULL ORDER BY field, version",
        )?;
        let rows = stmt.query_map([record_id], |r| {
            let value: String = r.get(3)?;
            Ok((
                r.get::<_, String>(0)?,
                Head {
                    version: r.get(1)?,
                    kind: r.get(2)?,
                    value: serde_json::from_str(&value).unwrap_or(Value::Null),
                    author: r.get(4)?,
                    seen: r.get(5)?,
                    known_at: r.get(6)?,
                },
            ))
        })?;
        for row in rows {
            let (field, head) = row?;
            heads.entry(field).or_default().push(head);
        }
    }
    let Some(kind) = heads.values().flatten().next().and_then(|h| Kind::parse(&h.kind)) else {
        return Ok(vec![]);
    };
    let stored = match read::get(conn, kind, record_id) {
        Ok(s) => s,
        Err(e) if e.code == "not_found" => return Ok(vec![]),
        Err(e) => return Err(e),
    };
    let clocks = load_clocks(conn, record_id)?.unwrap_or_default();
    let live = stored.record.to_fields();
    let deleted = stored.deleted_at.is_some();
    let resolved: BTreeSet<(String, String)> = conn
        .prepare_cached("SELECT field, loser_version FROM sync_resolved WHERE record_id = ?1")?
        .query_map([record_id], |r| Ok((r.get(0)?, r.get(1)?)))?
        .collect::<rusqlite::Result<_>>()?;
    // What the delete that put the record in the trash had seen.
    let delete_version = clocks.version(DELETED).to_string();
    let delete_seen: Option<Map<String, Value>> = deleted
        .then(|| heads.get(DELETED))
        .flatten()
        .and_then(|hs| hs.iter().find(|h| h.version == delete_version))
        .and_then(|h| h.seen.as_deref())
        .and_then(|s| serde_json::from_str(s).ok());
    let mut out = Vec::new();
    for (field, hs) in &heads {
        let current_version = clocks.version(field).to_string();
        let current = if field == DELETED {
            Value::Bool(deleted)
        } else {
            live.get(field.as_str()).cloned().unwrap_or(Value::Null)
        };
        let loser = |h: &Head, reason: ConflictReason| ConflictLoser {
            value: h.value.clone(),
            device: hlc::Hlc::parse(&h.version).map(|v| v.device).unwrap_or_default(),
            author: h.author.clone(),
            at: hlc::millis(&h.version),
            version: h.version.clone(),
            reason,
            known_at: h.known_at,
        };
        let mut losers: Vec<ConflictLoser> = hs
            .iter()
            .filter(|h| h.version != current_version && !same_value(&h.value, &current))
            .filter(|h| !resolved.contains(&(field.clone(), h.version.clone())))
            .map(|h| loser(h, ConflictReason::ConcurrentEdit))
            .collect();
        let mut reason = ConflictReason::ConcurrentEdit;
        if let (Some(seen), false) = (&delete_seen, field == DELETED) {
            let delete_saw = seen.get(field.as_str()).or_else(|| seen.get("")).and_then(Value::as_str).unwrap_or("");
            if let Some(h) = hs.iter().find(|h| h.version == current_version) {
                let edit_saw_delete = h.seen.as_deref() == Some(delete_version.as_str());
                if !edit_saw_delete
                    && delete_saw != current_version
                    && !resolved.contains(&(field.clone(), h.version.clone()))
                {
                    reason = ConflictReason::EditedWhileDeleted;
                    losers.push(loser(h, ConflictReason::EditedWhileDeleted));
                }
            }
        }
        if losers.is_empty() {
            continue;
        }
        losers.sort_by(|a, b| b.version.cmp(&a.version));
        let newest = losers[0].clone();
        let (kept_value, kept_version) = if reason == ConflictReason::EditedWhileDeleted {
            (Value::Bool(true), delete_version.clone())
        } else {
            (current, current_version.clone())
        };
        let kept_field = if reason == ConflictReason::EditedWhileDeleted { DELETED } else { field.as_str() };
        out.push(SyncConflict {
            id: conflict_id(record_id, field),
            key: format!("{record_id}/{field}"),
            kind,
            record_id: record_id.to_string(),
            display_name: stored.display_name.clone(),
            field: field.clone(),
            reason,
            kept_device: hlc::Hlc::parse(&kept_version).map(|v| v.device).unwrap_or_default(),
            kept_author: clocks.author(kept_field).filter(|a| !a.is_empty()).map(String::from),
            kept_at: hlc::millis(&kept_version),
            kept_version,
            kept_value,
            other_value: newest.value.clone(),
            other_device: newest.device.clone(),
            other_author: newest.author.clone(),
            other_at: newest.at,
            other_version: newest.version.clone(),
            detected_at: losers.iter().map(|l| l.known_at).min().unwrap_or(0),
            record_deleted: deleted,
            losers,
        });
    }
    Ok(out)
}

/// Every open entry, newest losing value first (ties by id).
pub(crate) fn open_conflicts(conn: &Connection) -> Result<Vec<SyncConflict>> {
    let mut out = Vec::new();
    for id in candidates(conn)? {
        out.extend(record_entries(conn, &id)?);
    }
    out.sort_by(|a, b| b.other_version.cmp(&a.other_version).then(a.id.cmp(&b.id)));
    Ok(out)
}

/// A value stamped this far ahead of when this device learned it was made
/// under a wrong clock.
pub const SKEWED_EDIT_MS: i64 = 5 * 60_000;

/// An edit made under a clock far ahead (listed so someone can check it).
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize, ts_rs::TS)]
pub struct SkewedEdit {
    pub kind: Kind,
    pub record_id: String,
    pub display_name: String,
    pub field: String,
    #[ts(type = "unknown")]
    pub value: Value,
    pub device: String,
    pub author: Option<String>,
    /// The time its clock said (ms).
    #[ts(type = "number")]
    pub stamped_at: i64,
    /// When this device learned it (ms).
    #[ts(type = "number")]
    pub known_at: i64,
}

impl Store {
    /// Open conflicts: one entry per record field, the same on every device
    /// once everything is delivered, newest first.
    pub fn sync_conflicts(&self, limit: u32) -> Result<Vec<SyncConflict>> {
        let mut all = open_conflicts(&self.conn)?;
        all.truncate(limit.clamp(1, 10_000) as usize);
        Ok(all)
    }

    /// Number of open conflict entries.
    pub fn sync_open_conflicts(&self) -> Result<i64> {
        Ok(open_conflicts(&self.conn)?.len() as i64)
    }

    /// Edits stamped more than [`SKEWED_EDIT_MS`] ahead of when this device
    /// learned them: made on a computer whose clock was wrong. Newest first.
    pub fn sync_skewed_edits(&self, limit: u32) -> Result<Vec<SkewedEdit>> {
        let rows: Vec<(String, String, String, String, Option<String>, i64)> = self
            .conn
            .prepare_cached(
                "SELECT record_id, field, version, value, author, known_at FROM sync_versions
                 WHERE value IS NOT NULL AND known_at > 0 ORDER BY version DESC",
            )?
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?, r.get(5)?)))?
            .collect::<rusqlite::Result<_>>()?;
        let mut out = Vec::new();
        for (record_id, field, version, value, author, known_at) in rows {
            let stamped_at = hlc::millis(&version);
            if stamped_at - known_at <= SKEWED_EDIT_MS {
                continue;
            }
            let kind_s: String = self.conn.query_row(
                "SELECT kind FROM sync_versions WHERE record_id = ?1 AND field = ?2 AND version = ?3",
                params![record_id, field, version],
                |r| r.get(0),
            )?;
            let Some(kind) = Kind::parse(&kind_s) else { continue };
            let display_name = read::get(&self.conn, kind, &record_id).map(|s| s.display_name).unwrap_or_default();
            out.push(SkewedEdit {
                kind,
                record_id,
                display_name,
                field,
                value: serde_json::from_str(&value).unwrap_or(Value::Null),
                device: hlc::Hlc::parse(&version).map(|h| h.device).unwrap_or_default(),
                author,
                stamped_at,
                known_at,
            });
            if out.len() >= limit.clamp(1, 10_000) as usize {
                break;
            }
        }
        Ok(out)
    }

    /// Resolves a conflict entry on any device: keeps the current value, or
    /// takes a losing one (`version`, default the newest; for an edit made
    /// while deleted: restores the record). The choice is an ordinary logged
    /// write, and every losing value of the entry is marked resolved with
    /// the `_resolved` pseudo-field, so it syncs with who and when.
    pub fn resolve_conflict(
        &mut self,
        ctx: &Ctx,
        id: i64,
        choice: ConflictChoice,
        version: Option<&str>,
    ) -> Result<SyncConflict> {
        let conflict = open_conflicts(&self.conn)?
            .into_iter()
            .find(|c| c.id == id)
            .ok_or_else(|| ApiError::new("not_found", format!("no open conflict {id}")))?;
        let kind = conflict.kind;
        let taken = match version {
            Some(v) => Some(conflict.losers.iter().find(|l| l.version == v).ok_or_else(|| {
                ApiError::new("not_found", format!("conflict {id} has no losing value of version {v}"))
            })?),
            None => conflict.losers.first(),
        };
        let tx = self.conn.transaction()?;
        if choice == ConflictChoice::Other {
            let taken = taken.expect("an open entry has a losing value");
            let current = read::get(&tx, kind, &conflict.record_id)?;
            if taken.reason == ConflictReason::EditedWhileDeleted || conflict.field == DELETED {
                let want_deleted = conflict.field == DELETED && taken.value == Value::Bool(true);
                if current.deleted_at.is_some() != want_deleted {
                    write::set_deleted_in(&tx, ctx, kind, &conflict.record_id, want_deleted)?;
                }
            } else {
                if current.deleted_at.is_some() {
                    return Err(ApiError::new("deleted", "the record is in the trash; restore it first"));
                }
                let mut patch = Map::new();
                patch.insert(conflict.field.clone(), taken.value.clone());
                write::update_in(&tx, &mut self.ids, ctx, kind, &conflict.record_id, None, &patch)?;
            }
        }
        let items: Vec<Value> =
            conflict.losers.iter().map(|l| serde_json::json!([conflict.field, l.version, l.reason.as_str()])).collect();
        let mut mark = Map::new();
        mark.insert(RESOLVED.into(), Value::Array(items));
        changelog::log_change(&tx, ctx, kind, &conflict.record_id, "update", &mark)?;
        for l in &conflict.losers {
            tx.execute(
                "INSERT INTO sync_resolved (record_id, field, loser_version, reason, resolved_at, resolved_by)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6) ON CONFLICT DO NOTHING",
                params![conflict.record_id, conflict.field, l.version, l.reason.as_str(), ctx.now_ms, ctx.user_id],
            )?;
        }
        tx.commit()?;
        Ok(conflict)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    /// A database from before 0018: its open conflicts (per device) become
    /// entries of the derived list, with the live current value.
    #[test]
    fn open_conflicts_kept_before_0018_are_listed_after_it() {
        let mut s = Store::open_in_memory().unwrap();
        let ctx = s.context(1_790_000_000_000).unwrap();
        let fields = json!({"name": "山田商事", "phone": "03-1111-1111"}).as_object().unwrap().clone();
        let id = s.create_fields(&ctx, Kind::Company, fields).unwrap().id;
        let ctx = s.context(1_790_000_060_000).unwrap();
        let patch = json!({"phone": "03-2222-2222"}).as_object().unwrap().clone();
        s.update(&ctx, Kind::Company, &id, None, patch).unwrap();
        let current = load_clocks(&s.conn, &id).unwrap().unwrap().version("phone").to_string();
        let other = hlc::Hlc { ms: 1_790_000_030_000, counter: 0, device: "eigyo".into() }.format();
        s.conn.execute("DELETE FROM sync_versions", []).unwrap();
        s.conn
            .execute(
                "INSERT INTO sync_conflicts (kind, record_id, field, reason, loser_version, loser_value, loser_author,
                   winner_version, winner_value, winner_author, detected_at)
                 VALUES ('company', ?1, 'phone', 'concurrent_edit', ?2, '\"03-3333-3333\"', '鈴木', ?3, '\"03-2222-2222\"', NULL, 5)",
                params![id, other, current],
            )
            .unwrap();
        assert!(s.sync_conflicts(10).unwrap().is_empty(), "nothing in the history yet");
        s.conn.execute_batch(include_str!("../../migrations/0018_shared_conflicts.sql")).unwrap();
        let list = s.sync_conflicts(10).unwrap();
        assert_eq!(list.len(), 1, "{list:?}");
        assert_eq!(list[0].kept_value, json!("03-2222-2222"));
        assert_eq!(list[0].losers.len(), 1);
        assert_eq!(list[0].losers[0].value, json!("03-3333-3333"));
        assert_eq!(list[0].losers[0].author.as_deref(), Some("鈴木"));
        assert_eq!(list[0].losers[0].device, "eigyo");
        assert_eq!(list[0].id, conflict_id(&id, "phone"));
    }
}
