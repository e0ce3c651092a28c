//! "What changed since I last looked" (issue 21 item 5): every write that
//! touches a company or a record around it is noted per company as it
//! arrives on this device — written here, or applied by folder sync — in
//! `company_history`; opening a company page notes when this user saw it
//! (`company_seen`). The company page's panel, the list badge and the
//! office feed are reads of these two tables.
//!
//! Both tables are this device's own and never synced (they are in
//! `snapshot::LOCAL_TABLES`): "seen" is what one person saw on one
//! computer's screen. Syncing it would turn every page view into a change
//! shipped to every laptop of the office, tell colleagues who looked at
//! what, and mean nothing on a computer where the changes arrive at other
//! times. The history is this device's view of arrivals: a change made on
//! another laptop yesterday but received today is new today.
//!
//! Old values are not stored: the value a change replaced is the one the
//! record's previous entry (here, or in the change log for writes made
//! before this table existed) set for the same field.

use rusqlite::{params, Connection, OptionalExtension};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use ts_rs::TS;

use super::{read, Ctx, Store};
use crate::error::{ApiError, Result};
use crate::model::Kind;
use crate::schema::FieldType;
use crate::sync::hlc;

/// The field that ties a record of `kind` to its company, for the kinds
/// whose changes show on a company page.
fn company_field(kind: Kind) -> Option<&'static str> {
    match kind {
        Kind::Contact
        | Kind::Activity
        | Kind::Task
        | Kind::Deal
        | Kind::Purchase
        | Kind::CompanyFinancial
        | Kind::CompanyRelation => Some("company_id"),
        _ => None,
    }
}

fn is_tracked(kind: Kind) -> bool {
    kind == Kind::Company || company_field(kind).is_some()
}

#[allow(clippy::too_many_arguments)]
fn insert(
    conn: &Connection,
    company_id: &str,
    arrived_at: i64,
    hlc: &str,
    author: Option<&str>,
    origin: &str,
    kind: Kind,
    id: &str,
    op: &str,
    movement: Option<&str>,
    change_seq: Option<i64>,
    fields: Option<&str>,
) -> Result<()> {
    conn.prepare_cached(
        "INSERT INTO company_history (company_id, arrived_at, hlc, author, origin, kind, record_id, op, movement, change_seq, fields)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)",
    )?
    .execute(params![company_id, arrived_at, hlc, author, origin, kind.as_str(), id, op, movement, change_seq, fields])?;
    Ok(())
}

/// The record's company as stored now (after the write).
fn current_company(conn: &Connection, kind: Kind, id: &str) -> Result<Option<String>> {
    let Some(field) = company_field(kind) else { return Ok(None) };
    Ok(conn
        .prepare_cached(&format!("SELECT {field} FROM {} WHERE id = ?1", kind.meta().table))?
        .query_row([id], |r| r.get::<_, Option<String>>(0))
        .optional()?
        .flatten())
}

/// The record's company before the write being noted: its last entry here,
/// else the last change-log entry that set it (writes made before 0016).
fn previous_company(conn: &Connection, id: &str, before_change: i64) -> Result<Option<String>> {
    let here: Option<(String, Option<String>)> = conn
        .prepare_cached(
            "SELECT company_id, movement FROM company_history WHERE record_id = ?1 ORDER BY seq DESC LIMIT 1",
        )?
        .query_row([id], |r| Ok((r.get(0)?, r.get(1)?)))
        .optional()?;
    if let Some((company, movement)) = here {
        // A last entry "left" names the company it left: it has none now
        // unless a later entry says so.
        return Ok(if movement.as_deref() == Some("left") { None } else { Some(company) });
    }
    Ok(conn
        .prepare_cached(
            "SELECT json_extract(fields, '$.company_id') FROM changes
              WHERE record_id = ?1 AND seq < ?2 AND json_type(fields, '$.company_id') IS NOT NULL
              ORDER BY seq DESC LIMIT 1",
        )?
        .query_row(params![id, before_change], |r| r.get::<_, Option<String>>(0))
        .optional()?
        .flatten())
}

/// Notes one write; `old_company` is where the record was before it when
/// the write moved it to another company.
#[allow(clippy::too_many_arguments)]
fn note(
    conn: &Connection,
    kind: Kind,
    id: &str,
    op: &str,
    hlc: &str,
    author: Option<&str>,
    origin: &str,
    arrived_at: i64,
    moved_from: Option<Option<String>>,
    change_seq: Option<i64>,
    fields: Option<&str>,
) -> Result<()> {
    if kind == Kind::Company {
        return insert(conn, id, arrived_at, hlc, author, origin, kind, id, op, None, change_seq, fields);
    }
    let now = current_company(conn, kind, id)?;
    match moved_from {
        Some(before) if before != now => {
            if let Some(before) = before {
                insert(conn, &before, arrived_at, hlc, author, origin, kind, id, op, Some("left"), change_seq, fields)?;
            }
            if let Some(now) = now {
                let movement = if op == "create" { None } else { Some("joined") };
                insert(conn, &now, arrived_at, hlc, author, origin, kind, id, op, movement, change_seq, fields)?;
            }
        }
        _ => {
            if let Some(now) = now {
                insert(conn, &now, arrived_at, hlc, author, origin, kind, id, op, None, change_seq, fields)?;
            }
        }
    }
    Ok(())
}

/// Called by the change log for every local write (after its row).
#[allow(clippy::too_many_arguments)]
pub(crate) fn note_local(
    conn: &Connection,
    ctx: &Ctx,
    kind: Kind,
    id: &str,
    op: &str,
    fields: &Map<String, Value>,
    hlc: &str,
    change_seq: i64,
) -> Result<()> {
    if !is_tracked(kind) || op == "merge" || op == "unmerge" {
        return Ok(()); // markers: the merge's own updates are noted one by one
    }
    let moved_from = match company_field(kind) {
        Some(f) if op != "create" && fields.contains_key(f) => Some(previous_company(conn, id, change_seq)?),
        _ => None,
    };
    note(conn, kind, id, op, hlc, ctx.user_id.as_deref(), "local", ctx.now_ms, moved_from, Some(change_seq), None)
}

/// Called by folder sync for every remote change it applied (after the
/// row): `set` is what it wrote, `old_company` the record's company before.
#[allow(clippy::too_many_arguments)]
pub(crate) fn note_remote(
    conn: &Connection,
    kind: Kind,
    id: &str,
    op: &str,
    set: &Map<String, Value>,
    old_company: Option<Option<String>>,
    hlc: &str,
    author: Option<&str>,
    now_ms: i64,
) -> Result<()> {
    if !is_tracked(kind) || set.is_empty() {
        return Ok(());
    }
    let moved_from = match company_field(kind) {
        Some(f) if set.contains_key(f) => old_company,
        _ => None,
    };
    let fields = serde_json::to_string(set)?;
    note(conn, kind, id, op, hlc, author, "sync", now_ms, moved_from, None, Some(&fields))
}

/// One field a change set: its labels, and the value before and after
/// (references as the name of what they refer to; null: empty or unknown).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct FieldChange {
    pub field: String,
    pub label_ja: String,
    pub label_en: String,
    #[ts(type = "unknown")]
    pub old: Value,
    #[ts(type = "unknown")]
    pub new: Value,
}

/// One change that touched a company or a record around it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct ChangeEntry {
    #[ts(type = "number")]
    pub seq: i64,
    pub company_id: String,
    pub company_name: String,
    pub kind: Kind,
    pub record_id: String,
    pub record_name: String,
    /// `create`, `update`, `delete` or `restore`.
    pub op: String,
    /// `joined` / `left`: the record's company changed to / away from this one.
    pub movement: Option<String>,
    /// What the change is about, for grouping: `company` (its own fields),
    /// `activity_added`, `deal_moved` (stage), `contact_added`,
    /// `contact_left`, or `other`.
    pub category: String,
    /// When the author made it (ms).
    #[ts(type = "number")]
    pub at: i64,
    /// When this computer got it (ms): written here, or received by sync.
    #[ts(type = "number")]
    pub arrived_at: i64,
    pub author: Option<String>,
    pub author_name: Option<String>,
    /// `local` or `sync`.
    pub origin: String,
    /// Fields an update set, with the value before (empty for the others).
    pub fields: Vec<FieldChange>,
}

/// The counts of a company's changes, by category.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, TS)]
pub struct ChangeCounts {
    pub company_fields: u32,
    pub activities_added: u32,
    pub deals_moved: u32,
    pub contacts_added: u32,
    pub contacts_left: u32,
    pub other: u32,
}

/// What changed on a company (and around it) since a time.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct CompanyChanges {
    pub company_id: String,
    /// When this user last opened the company before now (null: never).
    #[ts(type = "number | null")]
    pub seen_at: Option<i64>,
    /// The changes shown arrived after this (ms; null: none shown).
    #[ts(type = "number | null")]
    pub since: Option<i64>,
    pub counts: ChangeCounts,
    /// Newest first (at most 500).
    pub entries: Vec<ChangeEntry>,
    /// More changes than listed.
    pub truncated: bool,
}

/// A company with changes its user has not seen.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct ChangedCompany {
    pub company_id: String,
    #[ts(type = "number")]
    pub seen_at: i64,
    pub changes: u32,
}

/// The office feed's period.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum FeedPeriod {
    Today,
    Week,
}

const PANEL_LIMIT: usize = 500;
const NO_USER: &str = "";

struct Row {
    seq: i64,
    company_id: String,
    arrived_at: i64,
    hlc: String,
    author: Option<String>,
    origin: String,
    kind: String,
    record_id: String,
    op: String,
    movement: Option<String>,
    fields: Option<String>,
}

const ROW_SQL: &str =
    "SELECT h.seq, h.company_id, h.arrived_at, h.hlc, h.author, h.origin, h.kind, h.record_id, h.op, h.movement,
        COALESCE(h.fields, c.fields)
   FROM company_history h LEFT JOIN changes c ON c.seq = h.change_seq";

fn row(r: &rusqlite::Row) -> rusqlite::Result<Row> {
    Ok(Row {
        seq: r.get(0)?,
        company_id: r.get(1)?,
        arrived_at: r.get(2)?,
        hlc: r.get(3)?,
        author: r.get(4)?,
        origin: r.get(5)?,
        kind: r.get(6)?,
        record_id: r.get(7)?,
        op: r.get(8)?,
        movement: r.get(9)?,
        fields: r.get(10)?,
    })
}

fn parse_fields(s: Option<&str>) -> Map<String, Value> {
    s.and_then(|s| serde_json::from_str(s).ok()).unwrap_or_default()
}

/// The value `field` of record `id` held before the entry `seq` (made at
/// `hlc`): the last earlier entry here that set it (a create that did not
/// set it: empty), else the change log's.
fn value_before(conn: &Connection, id: &str, seq: i64, hlc: &str, field: &str) -> Result<Value> {
    let earlier: Vec<(String, Option<String>)> = conn
        .prepare_cached(
            "SELECT h.op, COALESCE(h.fields, c.fields) FROM company_history h LEFT JOIN changes c ON c.seq = h.change_seq
              WHERE h.record_id = ?1 AND h.seq < ?2 ORDER BY h.seq DESC",
        )?
        .query_map(params![id, seq], |r| Ok((r.get(0)?, r.get(1)?)))?
        .collect::<rusqlite::Result<_>>()?;
    for (op, fields) in earlier {
        if let Some(v) = parse_fields(fields.as_deref()).get(field) {
            return Ok(v.clone());
        }
        if op == "create" {
            return Ok(Value::Null);
        }
    }
    let logged: Vec<String> = conn
        .prepare_cached("SELECT fields FROM changes WHERE record_id = ?1 AND hlc < ?2 ORDER BY seq DESC")?
        .query_map(params![id, hlc], |r| r.get(0))?
        .collect::<rusqlite::Result<_>>()?;
    for fields in logged {
        if let Some(v) = parse_fields(Some(&fields)).get(field) {
            return Ok(v.clone());
        }
    }
    Ok(Value::Null)
}

/// A reference shown as the name of what it refers to.
fn shown(conn: &Connection, ty: &FieldType, v: Value) -> Value {
    match (ty, &v) {
        (FieldType::Ref { kind }, Value::String(id)) => {
            read::get(conn, *kind, id).map(|s| Value::String(s.display_name)).unwrap_or(v)
        }
        _ => v,
    }
}

fn display_name(conn: &Connection, kind: Kind, id: &str) -> String {
    read::get(conn, kind, id).map(|s| s.display_name).unwrap_or_default()
}

fn category(kind: Kind, op: &str, movement: Option<&str>, fields: &Map<String, Value>) -> &'static str {
    match (kind, op, movement) {
        (Kind::Company, _, _) => "company",
        (Kind::Activity, "create", _) => "activity_added",
        (Kind::Deal, _, _) if fields.contains_key("stage") => "deal_moved",
        (Kind::Contact, "create" | "restore", _) | (Kind::Contact, _, Some("joined")) => "contact_added",
        (Kind::Contact, "delete", _) | (Kind::Contact, _, Some("left")) => "contact_left",
        _ => "other",
    }
}

fn entry(conn: &Connection, r: Row) -> Result<ChangeEntry> {
    let kind = Kind::parse(&r.kind).unwrap_or(Kind::Company);
    let set = parse_fields(r.fields.as_deref());
    let mut fields = Vec::new();
    if r.op == "update" {
        for def in kind.meta().fields {
            let Some(new) = set.get(def.name) else { continue };
            let old = value_before(conn, &r.record_id, r.seq, &r.hlc, def.name)?;
            fields.push(FieldChange {
                field: def.name.to_string(),
                label_ja: def.label_ja.to_string(),
                label_en: def.label_en.to_string(),
                old: shown(conn, &def.ty, old),
                new: shown(conn, &def.ty, new.clone()),
            });
        }
    }
    Ok(ChangeEntry {
        seq: r.seq,
        company_name: display_name(conn, Kind::Company, &r.company_id),
        record_name: display_name(conn, kind, &r.record_id),
        category: category(kind, &r.op, r.movement.as_deref(), &set).to_string(),
        author_name: r.author.as_deref().map(|a| display_name(conn, Kind::User, a)).filter(|n| !n.is_empty()),
        at: hlc::millis(&r.hlc),
        company_id: r.company_id,
        kind,
        record_id: r.record_id,
        op: r.op,
        movement: r.movement,
        arrived_at: r.arrived_at,
        author: r.author,
        origin: r.origin,
        fields,
    })
}

fn count(counts: &mut ChangeCounts, e: &ChangeEntry) {
    match e.category.as_str() {
        "company" => counts.company_fields += 1,
        "activity_added" => counts.activities_added += 1,
        "deal_moved" => counts.deals_moved += 1,
        "contact_added" => counts.contacts_added += 1,
        "contact_left" => counts.contacts_left += 1,
        _ => counts.other += 1,
    }
}

impl Store {
    /// When `user` last opened `company_id` (null: never, on this computer).
    pub fn company_seen_at(&self, user: Option<&str>, company_id: &str) -> Result<Option<i64>> {
        Ok(self
            .conn
            .prepare_cached("SELECT seen_at FROM company_seen WHERE user_id = ?1 AND company_id = ?2")?
            .query_row(params![user.unwrap_or(NO_USER), company_id], |r| r.get(0))
            .optional()?)
    }

    /// Notes that `ctx`'s user opened `company_id` now.
    pub fn mark_company_seen(&self, ctx: &Ctx, company_id: &str) -> Result<()> {
        self.conn
            .prepare_cached(
                "INSERT INTO company_seen (user_id, company_id, seen_at) VALUES (?1, ?2, ?3)
                 ON CONFLICT (user_id, company_id) DO UPDATE SET seen_at = MAX(seen_at, ?3)",
            )?
            .execute(params![ctx.user_id.as_deref().unwrap_or(NO_USER), company_id, ctx.now_ms])?;
        Ok(())
    }

    /// What changed on a company and the records around it after `since`
    /// (ms, as this computer got it), newest first. `except_author`: leave
    /// out that user's own changes (none: everyone's, also those of no user).
    pub fn company_changes(
        &self,
        company_id: &str,
        since: Option<i64>,
        except_author: Option<&str>,
    ) -> Result<CompanyChanges> {
        super::read(&self.conn, || {
            read::get(&self.conn, Kind::Company, company_id)?;
            let mut out = CompanyChanges {
                company_id: company_id.to_string(),
                seen_at: None,
                since,
                counts: ChangeCounts::default(),
                entries: Vec::new(),
                truncated: false,
            };
            let Some(since) = since else { return Ok(out) };
            let rows: Vec<Row> = self
                .conn
                .prepare_cached(&format!(
                    "{ROW_SQL} WHERE h.company_id = ?1 AND h.arrived_at > ?2 AND (?3 IS NULL OR h.author IS NOT ?3)
                      ORDER BY h.seq DESC LIMIT {}",
                    PANEL_LIMIT + 1
                ))?
                .query_map(params![company_id, since, except_author], row)?
                .collect::<rusqlite::Result<_>>()?;
            out.truncated = rows.len() > PANEL_LIMIT;
            for r in rows.into_iter().take(PANEL_LIMIT) {
                let e = entry(&self.conn, r)?;
                count(&mut out.counts, &e);
                out.entries.push(e);
            }
            Ok(out)
        })
    }

    /// The companies `user` has opened on this computer that changed since
    /// (by someone else), with how many changes.
    pub fn changed_companies(&self, user: Option<&str>) -> Result<Vec<ChangedCompany>> {
        Ok(self
            .conn
            .prepare_cached(
                "SELECT s.company_id, s.seen_at, COUNT(*) FROM company_seen s
                   JOIN company_history h ON h.company_id = s.company_id AND h.arrived_at > s.seen_at
                  WHERE s.user_id = ?1 AND (?2 IS NULL OR h.author IS NOT ?2)
                  GROUP BY s.company_id ORDER BY s.company_id",
            )?
            .query_map(params![user.unwrap_or(NO_USER), user], |r| {
                Ok(ChangedCompany { company_id: r.get(0)?, seen_at: r.get(1)?, changes: r.get(2)? })
            })?
            .collect::<rusqlite::Result<_>>()?)
    }

    /// Who changed what in the office, newest first: changes that reached
    /// this computer since `since` (ms), by one author or all.
    pub fn office_feed(&self, since: i64, author: Option<&str>, limit: u32) -> Result<Vec<ChangeEntry>> {
        super::read(&self.conn, || {
            let rows: Vec<Row> = self
                .conn
                .prepare_cached(&format!(
                    "{ROW_SQL} WHERE h.arrived_at >= ?1 AND (?2 IS NULL OR h.author = ?2) ORDER BY h.seq DESC LIMIT ?3"
                ))?
                .query_map(params![since, author, limit.clamp(1, 1000)], row)?
                .collect::<rusqlite::Result<_>>()?;
            rows.into_iter().map(|r| entry(&self.conn, r)).collect()
        })
    }
}

/// `YYYY-MM-DDTHH:MM` (or `YYYY-MM-DD`, midnight) in the caller's time zone, as ms.
pub fn parse_local_time(ctx: &Ctx, text: &str) -> Result<i64> {
    let t = text.trim();
    let parsed = chrono::NaiveDateTime::parse_from_str(t, "%Y-%m-%dT%H:%M")
        .or_else(|_| chrono::NaiveDateTime::parse_from_str(t, "%Y-%m-%d %H:%M"))
        .or_else(|_| {
            chrono::NaiveDate::parse_from_str(t, "%Y-%m-%d").map(|d| d.and_hms_opt(0, 0, 0).unwrap_or_default())
        })
        .map_err(|_| {
            ApiError::validation(vec![crate::error::FieldError::new(
                "invalid_since",
                "since",
                format!("{t}: give the time as YYYY-MM-DDTHH:MM"),
            )
            .with_detail(t.to_string())])
        })?;
    Ok(parsed.and_utc().timestamp_millis() - ctx.tz_offset_min as i64 * 60_000)
}

/// The start of the feed's period in the caller's time zone, as ms: today
/// at midnight, or Monday of this week at midnight.
pub fn period_start(ctx: &Ctx, period: FeedPeriod) -> i64 {
    use chrono::Datelike;
    let offset = ctx.tz_offset_min as i64 * 60_000;
    let local = chrono::DateTime::from_timestamp_millis(ctx.now_ms + offset).unwrap_or_default().date_naive();
    let day = match period {
        FeedPeriod::Today => local,
        FeedPeriod::Week => local - chrono::Days::new(local.weekday().num_days_from_monday() as u64),
    };
    day.and_hms_opt(0, 0, 0).unwrap_or_default().and_utc().timestamp_millis() - offset
}
