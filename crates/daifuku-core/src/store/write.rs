//! Writes: create, update, delete, restore — each in one transaction, each
//! logged field by field in the change log.

use rand_chacha::ChaCha8Rng;
use rusqlite::types::{ToSqlOutput, Value as SqlValue};
use rusqlite::{params, params_from_iter, Connection, OptionalExtension};
use serde_json::{Map, Value};

use super::changelog::{log_change, log_change_json};
use super::derived::{self, delete_keys, write_derived};
use super::sql::{cached_sql, is_empty, text, to_sql, to_sql_ref, SqlPerKind};
use super::{new_id, read, Ctx, Store, Stored};
use crate::error::{ApiError, FieldError, Result};
use crate::keys;
use crate::model::{Kind, Record};
use crate::schema::FieldType;
use crate::validate;

impl Store {
    /// Creates a record; returns it as stored.
    pub fn create(&mut self, ctx: &Ctx, record: Record) -> Result<Stored> {
        self.create_fields(ctx, record.kind(), record.to_fields())
    }

    /// Creates a record of `kind` from loosely typed fields (CLI, imports).
    pub fn create_fields(&mut self, ctx: &Ctx, kind: Kind, fields: Map<String, Value>) -> Result<Stored> {
        let tx = self.conn.transaction()?;
        let id = insert(&tx, &mut self.ids, ctx, kind, &fields)?;
        let stored = read::get(&tx, kind, &id)?;
        tx.commit()?;
        Ok(stored)
    }

    /// Creates many records in one transaction (all or nothing); returns their
    /// ids in order. Used by bulk work such as generated data and imports.
    pub fn create_many(&mut self, ctx: &Ctx, records: &[(Kind, Map<String, Value>)]) -> Result<Vec<String>> {
        let _cache = Store::bulk_cache(&self.conn)?;
        let tx = self.conn.unchecked_transaction()?;
        let search = derived::defer();
        let mut ids = Vec::with_capacity(records.len());
        for (kind, fields) in records {
            ids.push(insert(&tx, &mut self.ids, ctx, *kind, fields)?);
        }
        search.flush(&tx)?;
        tx.commit()?;
        Ok(ids)
    }

    /// Applies `patch` (field → new value; null clears) to a record. With
    /// `expected_version`, fails with `stale` when someone else wrote since.
    pub fn update(
        &mut self,
        ctx: &Ctx,
        kind: Kind,
        id: &str,
        expected_version: Option<i64>,
        patch: Map<String, Value>,
    ) -> Result<Stored> {
        let tx = self.conn.transaction()?;
        update_in(&tx, &mut self.ids, ctx, kind, id, expected_version, &patch)?;
        let stored = read::get(&tx, kind, id)?;
        tx.commit()?;
        Ok(stored)
    }

    /// Replaces a record's fields with `record` (a whole form).
    pub fn replace(&mut self, ctx: &Ctx, id: &str, expected_version: Option<i64>, record: Record) -> Result<Stored> {
        let kind = record.kind();
        self.update(ctx, kind, id, expected_version, record.to_fields())
    }

    /// Moves a record to the trash.
    pub fn delete(&mut self, ctx: &Ctx, kind: Kind, id: &str) -> Result<Stored> {
        self.set_deleted(ctx, kind, id, true)
    }

    /// Brings a record back from the trash.
    pub fn restore(&mut self, ctx: &Ctx, kind: Kind, id: &str) -> Result<Stored> {
        self.set_deleted(ctx, kind, id, false)
    }

    fn set_deleted(&mut self, ctx: &Ctx, kind: Kind, id: &str, deleted: bool) -> Result<Stored> {
        let tx = self.conn.transaction()?;
        set_deleted_in(&tx, ctx, kind, id, deleted)?;
        let stored = read::get(&tx, kind, id)?;
        tx.commit()?;
        Ok(stored)
    }
}

/// Moves a record to the trash (`deleted`) or back, inside an open transaction.
pub(crate) fn set_deleted_in(conn: &Connection, ctx: &Ctx, kind: Kind, id: &str, deleted: bool) -> Result<()> {
    let current = read::get(conn, kind, id)?;
    if current.deleted_at.is_some() == deleted {
        let what = if deleted { "already in the trash" } else { "not in the trash" };
        return Err(ApiError::new(
            if deleted { "already_deleted" } else { "not_deleted" },
            format!("{} {id} is {what}", kind.as_str()),
        ));
    }
    let table = kind.meta().table;
    let fields = current.record.to_fields();
    if deleted {
        conn.execute(
            &format!("UPDATE {table} SET deleted_at = ?1, deleted_by = ?2, version = version + 1 WHERE id = ?3"),
            params![ctx.now_ms, ctx.user_id, id],
        )?;
        delete_keys(conn, id)?;
    } else {
        check_unique(conn, kind, id, &fields)?;
        conn.execute(
            &format!("UPDATE {table} SET deleted_at = NULL, deleted_by = NULL, version = version + 1 WHERE id = ?1"),
            [id],
        )?;
        write_derived(conn, kind, id, &fields, false)?;
    }
    let mut change = Map::new();
    change.insert("_deleted".into(), Value::Bool(deleted));
    log_change(conn, ctx, kind, id, if deleted { "delete" } else { "restore" }, &change)?;
    Ok(())
}

/// Inserts a new record inside an open transaction; returns its id.
pub(crate) fn insert(
    conn: &Connection,
    ids: &mut ChaCha8Rng,
    ctx: &Ctx,
    kind: Kind,
    fields: &Map<String, Value>,
) -> Result<String> {
    let clean = validate::clean(kind, fields).map_err(ApiError::validation)?;
    insert_clean(conn, ids, ctx, kind, clean)
}

/// [`insert`] of fields `validate::clean` made (every field of the kind,
/// cleaned): references and unique fields are still checked.
pub(crate) fn insert_clean(
    conn: &Connection,
    ids: &mut ChaCha8Rng,
    ctx: &Ctx,
    kind: Kind,
    clean: Map<String, Value>,
) -> Result<String> {
    check_refs(conn, kind, &clean)?;
    let id = new_id(ids, ctx.now_ms);
    check_unique(conn, kind, &id, &clean)?;
    let meta = kind.meta();
    let display = keys::display_name(kind, &clean);
    let sort = keys::sort_key(kind, &clean, &display);
    let sql = cached_sql(&INSERT_SQL, kind, |kind| {
        let meta = kind.meta();
        let names: Vec<&str> = meta.fields.iter().map(|f| f.name).collect();
        format!(
            "INSERT INTO {} (id, version, created_at, created_by, updated_at, updated_by, display_name, sort_key, {}) \
             VALUES (?1, 1, ?2, ?3, ?2, ?3, ?4, ?5, {})",
            meta.table,
            names.join(", "),
            (0..names.len()).map(|i| format!("?{}", i + 6)).collect::<Vec<_>>().join(", ")
        )
    });
    let mut values: Vec<ToSqlOutput> = Vec::with_capacity(meta.fields.len() + 5);
    values.push(text(&id));
    values.push(ToSqlOutput::Owned(ctx.now_ms.into()));
    values.push(ctx.user_id.as_deref().map_or(ToSqlOutput::Owned(SqlValue::Null), text));
    values.push(text(&display));
    values.push(text(&sort));
    for def in meta.fields {
        values.push(to_sql_ref(&def.ty, clean.get(def.name).unwrap_or(&Value::Null)));
    }
    conn.prepare_cached(sql)?.execute(params_from_iter(values))?;
    write_derived(conn, kind, &id, &clean, true)?;
    // A new record's entry names the fields it sets (the clocks of a new
    // record do not look at its fields).
    log_change_json(conn, ctx, kind, &id, "create", &clean, serde_json::to_string(&SetValues(&clean))?)?;
    after_write(conn, ids, ctx, kind, &id, None, &clean)?;
    Ok(id)
}

static INSERT_SQL: SqlPerKind = SqlPerKind::new();

/// Serializes the fields of a map that hold a value (see [`is_empty`]).
struct SetValues<'a>(&'a Map<String, Value>);

impl serde::Serialize for SetValues<'_> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        s.collect_map(self.0.iter().filter(|(_, v)| !is_empty(v)))
    }
}

/// Updates a record inside an open transaction; returns the names of the fields that changed.
pub(crate) fn update_in(
    conn: &Connection,
    ids: &mut ChaCha8Rng,
    ctx: &Ctx,
    kind: Kind,
    id: &str,
    expected_version: Option<i64>,
    patch: &Map<String, Value>,
) -> Result<Vec<String>> {
    update_with(conn, ids, ctx, kind, id, expected_version, patch, true)
}

/// [`update_in`]; without `consequences` the kind-specific consequences (a
/// contact's position history) are skipped: a merge and its undo put values
/// back as they were rather than making history.
#[allow(clippy::too_many_arguments)]
pub(crate) fn update_with(
    conn: &Connection,
    ids: &mut ChaCha8Rng,
    ctx: &Ctx,
    kind: Kind,
    id: &str,
    expected_version: Option<i64>,
    patch: &Map<String, Value>,
    consequences: bool,
) -> Result<Vec<String>> {
    let current = read::get(conn, kind, id)?;
    if current.deleted_at.is_some() {
        return Err(ApiError::new("deleted", format!("{} {id} is in the trash; restore it first", kind.as_str())));
    }
    if let Some(v) = expected_version {
        if v != current.version {
            let by = current.updated_by.as_deref().unwrap_or("someone");
            return Err(ApiError::new(
                "stale",
                format!(
                    "{} was changed by {by} since you opened it (version {} → {}); reload and edit again",
                    current.display_name, v, current.version
                ),
            ));
        }
    }
    let old = current.record.to_fields();
    let mut merged = old.clone();
    for (k, v) in patch {
        merged.insert(k.clone(), v.clone());
    }
    let clean = validate::clean(kind, &merged).map_err(ApiError::validation)?;
    let changed: Vec<String> = kind
        .meta()
        .fields
        .iter()
        .filter(|f| clean.get(f.name) != old.get(f.name))
        .map(|f| f.name.to_string())
        .collect();
    if changed.is_empty() {
        return Ok(changed);
    }
    let changed_map: Map<String, Value> = changed.iter().map(|k| (k.clone(), clean[k].clone())).collect();
    check_refs(conn, kind, &changed_map)?;
    check_unique(conn, kind, id, &clean)?;
    let meta = kind.meta();
    let display = keys::display_name(kind, &clean);
    let sort = keys::sort_key(kind, &clean, &display);
    let sets: Vec<String> = changed.iter().enumerate().map(|(i, n)| format!("{n} = ?{}", i + 6)).collect();
    let sql = format!(
        "UPDATE {} SET version = version + 1, updated_at = ?1, updated_by = ?2, display_name = ?3, sort_key = ?4, {} WHERE id = ?5",
        meta.table,
        sets.join(", ")
    );
    let mut values: Vec<rusqlite::types::Value> =
        vec![ctx.now_ms.into(), ctx.user_id.clone().into(), display.into(), sort.into(), id.to_string().into()];
    for n in &changed {
        let def = kind.field(n).expect("changed fields come from the field table");
        values.push(to_sql(&def.ty, &clean[n]));
    }
    conn.prepare_cached(&sql)?.execute(params_from_iter(values))?;
    write_derived(conn, kind, id, &clean, false)?;
    log_change(conn, ctx, kind, id, "update", &changed_map)?;
    if consequences {
        after_write(conn, ids, ctx, kind, id, Some(&old), &clean)?;
    }
    Ok(changed)
}

/// Every `Ref`/`RefList` value names a live record of the right kind.
fn check_refs(conn: &Connection, kind: Kind, fields: &Map<String, Value>) -> Result<()> {
    let mut errors = Vec::new();
    for def in kind.meta().fields {
        let target = match def.ty {
            FieldType::Ref { kind } | FieldType::RefList { kind } => kind,
            _ => continue, // most fields: no lookup of their value
        };
        let ids: Vec<&str> = match fields.get(def.name) {
            Some(Value::String(s)) if matches!(def.ty, FieldType::Ref { .. }) => vec![s.as_str()],
            Some(Value::Array(a)) if matches!(def.ty, FieldType::RefList { .. }) => {
                a.iter().filter_map(Value::as_str).collect()
            }
            _ => continue,
        };
        for target_id in ids {
            let deleted: Option<Option<i64>> = conn
                .prepare_cached(&format!("SELECT deleted_at FROM {} WHERE id = ?1", target.meta().table))?
                .query_row([target_id], |r| r.get(0))
                .optional()?;
            let problem = match deleted {
                None => {
                    Some(("unknown_reference", format!("{}: no {} with id {target_id}", def.label_en, target.as_str())))
                }
                Some(Some(_)) => Some((
                    "deleted_reference",
                    format!("{}: {} {target_id} is in the trash", def.label_en, target.as_str()),
                )),
                Some(None) => None,
            };
            if let Some((code, message)) = problem {
                errors.push(FieldError::new(code, def.name, message));
            }
        }
    }
    if let (Kind::CompanyRelation, Some(a), Some(b)) =
        (kind, fields.get("company_id"), fields.get("related_company_id"))
    {
        if a == b {
            errors.push(FieldError {
                code: "self_reference".into(),
                field: "related_company_id".into(),
                message: "a company cannot be related to itself".into(),
                detail: None,
            });
        }
    }
    if errors.is_empty() {
        Ok(())
    } else {
        Err(ApiError::validation(errors))
    }
}

/// Unique-when-set fields, and one financial row per company and year.
fn check_unique(conn: &Connection, kind: Kind, id: &str, fields: &Map<String, Value>) -> Result<()> {
    let table = kind.meta().table;
    for def in kind.meta().fields.iter().filter(|f| f.unique) {
        if let Some(Value::String(v)) = fields.get(def.name) {
            let other: Option<String> = conn
                .prepare_cached(&format!(
                    "SELECT display_name FROM {table} WHERE {} = ?1 AND id != ?2 AND deleted_at IS NULL",
                    def.name
                ))?
                .query_row(params![v, id], |r| r.get(0))
                .optional()?;
            if let Some(name) = other {
                return Err(ApiError::field(
                    "duplicate_value",
                    def.name,
                    format!("{} {v} is already used by {name}", def.label_en),
                ));
            }
        }
    }
    if kind == Kind::CompanyFinancial {
        let other: Option<String> = conn
            .prepare_cached("SELECT id FROM company_financials WHERE company_id = ?1 AND fiscal_year = ?2 AND id != ?3 AND deleted_at IS NULL")?
            .query_row(params![fields["company_id"].as_str(), fields["fiscal_year"].as_i64(), id], |r| r.get(0))
            .optional()?;
        if other.is_some() {
            return Err(ApiError::field(
                "duplicate_value",
                "fiscal_year",
                "this company already has figures for that year",
            ));
        }
    }
    Ok(())
}

/// Kind-specific consequences of a write, inside the same transaction.
fn after_write(
    conn: &Connection,
    ids: &mut ChaCha8Rng,
    ctx: &Ctx,
    kind: Kind,
    id: &str,
    old: Option<&Map<String, Value>>,
    new: &Map<String, Value>,
) -> Result<()> {
    if kind == Kind::Contact {
        record_position_change(conn, ids, ctx, id, old, new)?;
    }
    Ok(())
}

/// Changing a contact's department or title closes the current position
/// (to = today) and opens a new one (from = today): old titles are kept with
/// their dates, never overwritten (seed 003 tragedy 2).
fn record_position_change(
    conn: &Connection,
    ids: &mut ChaCha8Rng,
    ctx: &Ctx,
    contact_id: &str,
    old: Option<&Map<String, Value>>,
    new: &Map<String, Value>,
) -> Result<()> {
    let pos = |m: &Map<String, Value>| {
        (m.get("department").cloned().unwrap_or(Value::Null), m.get("title").cloned().unwrap_or(Value::Null))
    };
    let now = pos(new);
    if let Some(old) = old {
        if pos(old) == now {
            return Ok(());
        }
        let open: Vec<String> = conn
            .prepare_cached(
                "SELECT id FROM contact_positions WHERE contact_id = ?1 AND to_date IS NULL AND deleted_at IS NULL",
            )?
            .query_map([contact_id], |r| r.get(0))?
            .collect::<rusqlite::Result<_>>()?;
        let mut close = Map::new();
        close.insert("to_date".into(), Value::String(ctx.today()));
        for pid in open {
            update_in(conn, ids, ctx, Kind::ContactPosition, &pid, None, &close)?;
        }
    }
    if now.0.is_null() && now.1.is_null() {
        return Ok(());
    }
    let mut p = Map::new();
    p.insert("contact_id".into(), Value::String(contact_id.into()));
    p.insert("department".into(), now.0);
    p.insert("title".into(), now.1);
    p.insert("from_date".into(), Value::String(ctx.today()));
    insert(conn, ids, ctx, Kind::ContactPosition, &p)?;
    Ok(())
}
