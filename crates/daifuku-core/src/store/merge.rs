//! Merging two records of one kind into one, and undoing it.
//!
//! A merge, in one transaction: every live record referring to the loser (any
//! `Ref`/`RefList` field of any kind: contacts, activities, deals, purchases,
//! tasks, card exchanges, positions …) is changed to refer to the survivor;
//! the loser goes to the trash; the survivor takes the values chosen field
//! by field; a `merges` row keeps both records' fields before, the
//! survivor's after, and every reference moved. Every step is an ordinary
//! logged write (`update`, `delete`), plus a `merge` entry on the survivor.
//!
//! A company relation that would relate the survivor to itself is moved to
//! the trash instead. Records already in the trash are not moved.
//!
//! Undo puts everything back: each survivor field the merge changed gets its
//! old value, the loser comes back from the trash, each moved reference
//! points at the loser again, trashed relations come back. Edits made since
//! the merge are kept where they do not collide: a survivor field the merge
//! changed and someone changed again is a conflict, and undo refuses
//! (`merge_changed`, one detail per field); a field the merge did not touch
//! keeps its later value; a reference someone has changed since (or whose
//! record is now in the trash) stays as it is. With no edits since, both
//! records and every moved record are exactly as before the merge.

use std::collections::BTreeMap;

use rusqlite::{params, Connection, OptionalExtension};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use ts_rs::TS;

use super::changelog::log_change;
use super::write::{set_deleted_in, update_with};
use super::{new_id, read, Ctx, Store};
use crate::error::{ApiError, FieldError, Result};
use crate::model::Kind;
use crate::schema::FieldType;

/// Whose value the survivor keeps for a field.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum MergeChoice {
    Survivor,
    Loser,
}

/// A reference the merge changed: field `field` of record `id` held
/// `before` (the loser) and was set to `after` (the survivor).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct MovedRef {
    pub kind: Kind,
    pub id: String,
    pub field: String,
    #[ts(type = "unknown")]
    pub before: Value,
    #[ts(type = "unknown")]
    pub after: Value,
}

/// A record the merge moved to the trash (a relation of the survivor to itself).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct TrashedRef {
    pub kind: Kind,
    pub id: String,
}

/// One merge, as recorded.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct Merge {
    pub id: String,
    pub kind: Kind,
    pub survivor_id: String,
    pub loser_id: String,
    /// Display names at the time of the merge.
    pub survivor_name: String,
    pub loser_name: String,
    #[ts(type = "number")]
    pub merged_at: i64,
    pub merged_by: Option<String>,
    #[ts(type = "{ [field in string]?: unknown }")]
    pub survivor_before: Map<String, Value>,
    #[ts(type = "{ [field in string]?: unknown }")]
    pub survivor_after: Map<String, Value>,
    #[ts(type = "{ [field in string]?: unknown }")]
    pub loser_before: Map<String, Value>,
    pub moved: Vec<MovedRef>,
    pub trashed: Vec<TrashedRef>,
    #[ts(type = "number | null")]
    pub undone_at: Option<i64>,
    pub undone_by: Option<String>,
}

#[derive(Serialize, Deserialize)]
struct Extra {
    survivor_name: String,
    loser_name: String,
    trashed: Vec<TrashedRef>,
}

fn load(conn: &Connection, merge_id: &str) -> Result<Merge> {
    conn.prepare_cached(
        "SELECT id, kind, survivor_id, loser_id, merged_at, merged_by, survivor_before, survivor_after, loser_before, moved, undone_at, undone_by
           FROM merges WHERE id = ?1",
    )?
    .query_row([merge_id], row)
    .optional()?
    .ok_or_else(|| ApiError::not_found("merge", merge_id))
}

fn json<T: serde::de::DeserializeOwned>(i: usize, s: &str) -> rusqlite::Result<T> {
    serde_json::from_str(s)
        .map_err(|e| rusqlite::Error::FromSqlConversionFailure(i, rusqlite::types::Type::Text, Box::new(e)))
}

fn row(r: &rusqlite::Row) -> rusqlite::Result<Merge> {
    let kind: String = r.get(1)?;
    let moved: String = r.get(9)?;
    let (moved, extra): (Vec<MovedRef>, Extra) = json(9, &moved)?;
    Ok(Merge {
        id: r.get(0)?,
        kind: Kind::parse(&kind).unwrap_or(Kind::Company),
        survivor_id: r.get(2)?,
        loser_id: r.get(3)?,
        survivor_name: extra.survivor_name,
        loser_name: extra.loser_name,
        merged_at: r.get(4)?,
        merged_by: r.get(5)?,
        survivor_before: json(6, &r.get::<_, String>(6)?)?,
        survivor_after: json(7, &r.get::<_, String>(7)?)?,
        loser_before: json(8, &r.get::<_, String>(8)?)?,
        moved,
        trashed: extra.trashed,
        undone_at: r.get(10)?,
        undone_by: r.get(11)?,
    })
}

/// Live records of `kind` whose field `field` (a list field when `list`)
/// refers to `target`.
fn referring(conn: &Connection, kind: Kind, field: &str, list: bool, target: &str) -> Result<Vec<String>> {
    let table = kind.meta().table;
    let (sql, args) = if list {
        (
            format!("SELECT id FROM {table} WHERE id IN (SELECT record_id FROM record_links WHERE target_id = ?1 AND field = ?2) AND deleted_at IS NULL ORDER BY id"),
            vec![target, field],
        )
    } else {
        (format!("SELECT id FROM {table} WHERE {field} = ?1 AND deleted_at IS NULL ORDER BY id"), vec![target])
    };
    Ok(conn
        .prepare_cached(&sql)?
        .query_map(rusqlite::params_from_iter(args), |r| r.get(0))?
        .collect::<rusqlite::Result<_>>()?)
}

/// Whether a field value is, or lists, `id`.
fn refers_to(v: &Value, id: &str) -> bool {
    match v {
        Value::String(s) => s == id,
        Value::Array(a) => a.iter().any(|x| x.as_str() == Some(id)),
        _ => false,
    }
}

fn field_value(conn: &Connection, kind: Kind, id: &str, field: &str) -> Result<(Value, bool)> {
    let stored = read::get(conn, kind, id)?;
    let v = stored.record.to_fields().remove(field).unwrap_or(Value::Null);
    Ok((v, stored.deleted_at.is_some()))
}

fn one(field: &str, v: Value) -> Map<String, Value> {
    let mut m = Map::new();
    m.insert(field.to_string(), v);
    m
}

impl Store {
    /// Merges `loser_id` into `survivor_id` (both live records of `kind`):
    /// the survivor keeps its values except where `choices` says `loser`,
    /// every reference to the loser moves to the survivor, the loser goes to
    /// the trash. Returns the merge as recorded (its id undoes it).
    pub fn merge(
        &mut self,
        ctx: &Ctx,
        kind: Kind,
        survivor_id: &str,
        loser_id: &str,
        choices: &BTreeMap<String, MergeChoice>,
    ) -> Result<Merge> {
        if survivor_id == loser_id {
            return Err(ApiError::new("same_record", "a record cannot be merged with itself"));
        }
        let mut loser_fields = Vec::new();
        let mut errors = Vec::new();
        for (field, choice) in choices {
            if kind.field(field).is_none() {
                errors.push(FieldError {
                    code: "unknown_field".into(),
                    field: field.clone(),
                    message: format!("{} has no field {field}", kind.as_str()),
                    detail: None,
                });
                continue;
            }
            if *choice == MergeChoice::Loser {
                loser_fields.push(field.clone());
            }
        }
        if !errors.is_empty() {
            return Err(ApiError::validation(errors));
        }
        let tx = self.conn.transaction()?;
        let survivor = read::get(&tx, kind, survivor_id)?;
        let loser = read::get(&tx, kind, loser_id)?;
        for r in [&survivor, &loser] {
            if r.deleted_at.is_some() {
                return Err(ApiError::new("deleted", format!("{} is in the trash; restore it first", r.display_name)));
            }
        }
        let survivor_before = survivor.record.to_fields();
        let loser_before = loser.record.to_fields();
        let merge_id = new_id(&mut self.ids, ctx.now_ms);

        // Every live reference to the loser, in any field of any kind.
        let mut moved = Vec::new();
        let mut trashed = Vec::new();
        for child_kind in Kind::ALL {
            for def in child_kind.meta().fields {
                let list = match def.ty {
                    FieldType::Ref { kind: k } if k == kind => false,
                    FieldType::RefList { kind: k } if k == kind => true,
                    _ => continue,
                };
                for child in referring(&tx, *child_kind, def.name, list, loser_id)? {
                    if child == loser_id {
                        continue; // goes to the trash with the loser
                    }
                    let (before, _) = field_value(&tx, *child_kind, &child, def.name)?;
                    let after = if list {
                        let mut ids: Vec<Value> = Vec::new();
                        for v in before.as_array().into_iter().flatten() {
                            let v = if v.as_str() == Some(loser_id) {
                                Value::String(survivor_id.into())
                            } else {
                                v.clone()
                            };
                            if !ids.contains(&v) && (child != survivor_id || v.as_str() != Some(survivor_id)) {
                                ids.push(v);
                            }
                        }
                        Value::Array(ids)
                    } else if child == survivor_id {
                        Value::Null // the survivor would refer to itself
                    } else {
                        Value::String(survivor_id.into())
                    };
                    let self_relation = *child_kind == Kind::CompanyRelation && {
                        let other = if def.name == "company_id" { "related_company_id" } else { "company_id" };
                        field_value(&tx, *child_kind, &child, other)?.0.as_str() == Some(survivor_id)
                    };
                    if self_relation {
                        set_deleted_in(&tx, ctx, *child_kind, &child, true)?;
                        trashed.push(TrashedRef { kind: *child_kind, id: child });
                        continue;
                    }
                    update_with(
                        &tx,
                        &mut self.ids,
                        ctx,
                        *child_kind,
                        &child,
                        None,
                        &one(def.name, after.clone()),
                        false,
                    )?;
                    if child == survivor_id {
                        continue; // kept in `survivor_before` / `survivor_after`
                    }
                    moved.push(MovedRef { kind: *child_kind, id: child, field: def.name.to_string(), before, after });
                }
            }
        }

        // Its attachments (issue 5) move too: they name their owner by kind and id.
        let owned: Vec<String> = tx
            .prepare_cached(
                "SELECT id FROM attachments WHERE owner_id = ?1 AND owner_kind = ?2 AND deleted_at IS NULL ORDER BY id",
            )?
            .query_map(params![loser_id, kind.as_str()], |r| r.get(0))?
            .collect::<rusqlite::Result<_>>()?;
        for child in owned {
            let after = Value::String(survivor_id.into());
            update_with(
                &tx,
                &mut self.ids,
                ctx,
                Kind::Attachment,
                &child,
                None,
                &one("owner_id", after.clone()),
                false,
            )?;
            moved.push(MovedRef {
                kind: Kind::Attachment,
                id: child,
                field: "owner_id".into(),
                before: Value::String(loser_id.into()),
                after,
            });
        }

        // The loser leaves first, so its unique values (customer code) can move.
        set_deleted_in(&tx, ctx, kind, loser_id, true)?;
        let patch: Map<String, Value> =
            loser_fields.iter().map(|f| (f.clone(), loser_before.get(f).cloned().unwrap_or(Value::Null))).collect();
        update_with(&tx, &mut self.ids, ctx, kind, survivor_id, None, &patch, false)?;
        let mut marker = Map::new();
        marker.insert("_merge".into(), Value::String(merge_id.clone()));
        marker.insert("_merged_from".into(), Value::String(loser_id.into()));
        log_change(&tx, ctx, kind, survivor_id, "merge", &marker)?;

        let survivor_after = read::get(&tx, kind, survivor_id)?.record.to_fields();
        let extra =
            Extra { survivor_name: survivor.display_name.clone(), loser_name: loser.display_name.clone(), trashed };
        tx.prepare_cached(
            "INSERT INTO merges (id, kind, survivor_id, loser_id, merged_at, merged_by, survivor_before, survivor_after, loser_before, moved)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
        )?
        .execute(params![
            merge_id,
            kind.as_str(),
            survivor_id,
            loser_id,
            ctx.now_ms,
            ctx.user_id,
            Value::Object(survivor_before).to_string(),
            Value::Object(survivor_after).to_string(),
            Value::Object(loser_before).to_string(),
            serde_json::to_string(&(&moved, &extra))?,
        ])?;
        let merge = load(&tx, &merge_id)?;
        tx.commit()?;
        Ok(merge)
    }

    /// Undoes a merge (see the module docs for what is restored and when
    /// it refuses).
    pub fn undo_merge(&mut self, ctx: &Ctx, merge_id: &str) -> Result<Merge> {
        let tx = self.conn.transaction()?;
        let m = load(&tx, merge_id)?;
        if m.undone_at.is_some() {
            return Err(ApiError::new("already_undone", "this merge was already undone"));
        }
        let survivor = read::get(&tx, m.kind, &m.survivor_id)?;
        if survivor.deleted_at.is_some() {
            return Err(ApiError::new(
                "deleted",
                format!("{} is in the trash; restore it before undoing the merge", survivor.display_name),
            ));
        }
        let loser = read::get(&tx, m.kind, &m.loser_id)?;
        if loser.deleted_at.is_none() {
            return Err(ApiError::new(
                "merge_changed",
                format!("{} was restored from the trash since the merge", loser.display_name),
            ));
        }
        let now = survivor.record.to_fields();
        let mut patch = Map::new();
        let mut conflicts = Vec::new();
        for def in m.kind.meta().fields {
            let get = |f: &Map<String, Value>| f.get(def.name).cloned().unwrap_or(Value::Null);
            let (before, after, current) = (get(&m.survivor_before), get(&m.survivor_after), get(&now));
            if before == after {
                continue; // not the merge's doing: a later edit stays
            }
            if current == after {
                patch.insert(def.name.to_string(), before);
            } else {
                conflicts.push(FieldError {
                    code: "merge_changed".into(),
                    field: def.name.to_string(),
                    message: format!("{} was changed after the merge", def.label_en),
                    detail: None,
                });
            }
        }
        if !conflicts.is_empty() {
            let mut e = ApiError::validation(conflicts);
            e.code = "merge_changed".into();
            e.message = format!(
                "{} was edited after the merge in fields the merge set; change them back or merge again",
                survivor.display_name
            );
            return Err(e);
        }
        // Values naming the loser wait until it is back; the others go first,
        // so a unique value (customer code) the survivor took is free again.
        let (later, first): (Map<String, Value>, Map<String, Value>) =
            patch.into_iter().partition(|(_, v)| refers_to(v, &m.loser_id));
        update_with(&tx, &mut self.ids, ctx, m.kind, &m.survivor_id, None, &first, false)?;
        set_deleted_in(&tx, ctx, m.kind, &m.loser_id, false)?;
        update_with(&tx, &mut self.ids, ctx, m.kind, &m.survivor_id, None, &later, false)?;
        for t in &m.trashed {
            if read::get(&tx, t.kind, &t.id)?.deleted_at.is_some() {
                set_deleted_in(&tx, ctx, t.kind, &t.id, false)?;
            }
        }
        for r in m.moved.iter().rev() {
            let (current, deleted) = field_value(&tx, r.kind, &r.id, &r.field)?;
            if !deleted && current == r.after {
                update_with(&tx, &mut self.ids, ctx, r.kind, &r.id, None, &one(&r.field, r.before.clone()), false)?;
            }
        }
        let mut marker = Map::new();
        marker.insert("_merge".into(), Value::String(m.id.clone()));
        log_change(&tx, ctx, m.kind, &m.survivor_id, "unmerge", &marker)?;
        tx.prepare_cached("UPDATE merges SET undone_at = ?2, undone_by = ?3 WHERE id = ?1")?.execute(params![
            m.id,
            ctx.now_ms,
            ctx.user_id
        ])?;
        let m = load(&tx, merge_id)?;
        tx.commit()?;
        Ok(m)
    }

    /// Recent merges, newest first (to offer undo).
    pub fn merges(&self, limit: u32) -> Result<Vec<Merge>> {
        Ok(self
            .conn
            .prepare_cached(
                "SELECT id, kind, survivor_id, loser_id, merged_at, merged_by, survivor_before, survivor_after, loser_before, moved, undone_at, undone_by
                   FROM merges ORDER BY merged_at DESC, id DESC LIMIT ?1",
            )?
            .query_map([limit.clamp(1, 1000)], row)?
            .collect::<rusqlite::Result<_>>()?)
    }

    /// One merge.
    pub fn get_merge(&self, merge_id: &str) -> Result<Merge> {
        load(&self.conn, merge_id)
    }
}
