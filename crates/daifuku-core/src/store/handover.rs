//! Hand-over (引き継ぎ, issue 21 item 4): when someone leaves or a
//! territory changes, everything one user owns moves to another in one
//! step — their companies (optionally only those in a prefecture or of a
//! rank), their contacts and open deals (of those companies, under a
//! filter) and their open tasks. Upcoming renewals (purchases) have no
//! owner: they follow their company, and the preview lists them.
//!
//! What stays: closed deals (won/lost) keep their owner, done tasks their
//! assignee, and activities are never touched (their author and attendees
//! are history).
//!
//! Every owner change is an ordinary logged update (so it syncs, and shows
//! in each company's history); a `handovers` row (this device's, like a
//! merge's undo data) keeps what moved, for the undo: each record whose
//! owner is still the new one gets the old one back; a record someone has
//! handed on or edited since keeps its later owner.

use rusqlite::{params, params_from_iter, Connection, OptionalExtension};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use ts_rs::TS;

use super::write::update_with;
use super::{new_id, read, Ctx, Store};
use crate::error::{ApiError, FieldError, Result};
use crate::model::Kind;

/// How far ahead a renewal counts as upcoming in the preview (days).
pub const RENEWAL_HORIZON_DAYS: u64 = 180;

/// Which of the user's companies move (empty: all of them).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, TS)]
pub struct HandoverFilter {
    /// 都道府県, as stored (東京都).
    #[serde(default)]
    #[ts(optional)]
    pub prefecture: Option<String>,
    /// Rank A, B or C.
    #[serde(default)]
    #[ts(optional)]
    pub rank: Option<String>,
}

impl HandoverFilter {
    fn is_empty(&self) -> bool {
        self.prefecture.as_deref().unwrap_or("").is_empty() && self.rank.as_deref().unwrap_or("").is_empty()
    }
}

/// One record a hand-over moves (or, for a renewal, that follows its company).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct HandoverItem {
    pub kind: Kind,
    pub id: String,
    pub name: String,
    /// The owner field that changes (`owner_id`, `assignee_id`; null for a renewal).
    pub field: Option<String>,
    pub company_id: Option<String>,
    pub company_name: Option<String>,
    /// A deal's stage, a task's due date, a renewal's date.
    pub detail: Option<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, TS)]
pub struct HandoverCounts {
    pub companies: u32,
    pub contacts: u32,
    pub deals: u32,
    pub tasks: u32,
    pub renewals: u32,
}

/// What a hand-over would move.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct HandoverPlan {
    pub from_user_id: String,
    pub from_name: String,
    pub to_user_id: String,
    pub to_name: String,
    pub filter: HandoverFilter,
    pub counts: HandoverCounts,
    pub companies: Vec<HandoverItem>,
    pub contacts: Vec<HandoverItem>,
    pub deals: Vec<HandoverItem>,
    pub tasks: Vec<HandoverItem>,
    /// Contracts expiring or up for renewal in the next 180 days at the
    /// companies that move: they follow their company.
    pub renewals: Vec<HandoverItem>,
}

/// An owner field a hand-over set.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct HandoverMove {
    pub kind: Kind,
    pub id: String,
    pub field: String,
}

/// One hand-over, as recorded.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct Handover {
    pub id: String,
    pub from_user_id: String,
    pub to_user_id: String,
    pub filter: HandoverFilter,
    #[ts(type = "number")]
    pub made_at: i64,
    pub made_by: Option<String>,
    pub counts: HandoverCounts,
    pub moved: Vec<HandoverMove>,
    #[ts(type = "number | null")]
    pub undone_at: Option<i64>,
    pub undone_by: Option<String>,
    /// After an undo: records left with their later owner (someone changed it since).
    #[serde(default)]
    pub kept: u32,
}

/// A user's name, and whether they have left by `today` (a 退職日 on or
/// before it: the 在籍 box alone is not trusted, since a user added without
/// ticking it is still in the office).
fn user_name(conn: &Connection, field: &str, id: &str, today: &str) -> Result<(String, bool)> {
    match read::get(conn, Kind::User, id) {
        Ok(s) if s.deleted_at.is_none() => {
            let left =
                matches!(&s.record, crate::model::Record::User(u) if u.left_on.as_deref().is_some_and(|d| d <= today));
            Ok((s.display_name, left))
        }
        _ => Err(ApiError::validation(vec![FieldError::new(
            "unknown_reference",
            field,
            format!("no user with id {id}"),
        )
        .with_detail(id.to_string())])),
    }
}

/// The company conditions of a filter, as SQL on alias `c`, and their values.
fn company_where(from: &str, filter: &HandoverFilter) -> (String, Vec<String>) {
    let mut sql = String::from("c.deleted_at IS NULL AND c.owner_id = ?1");
    let mut values = vec![from.to_string()];
    if let Some(p) = filter.prefecture.as_deref().filter(|p| !p.is_empty()) {
        values.push(p.to_string());
        sql.push_str(&format!(" AND c.prefecture = ?{}", values.len()));
    }
    if let Some(r) = filter.rank.as_deref().filter(|r| !r.is_empty()) {
        values.push(r.to_string());
        sql.push_str(&format!(" AND c.rank = ?{}", values.len()));
    }
    (sql, values)
}

fn items(
    conn: &Connection,
    sql: &str,
    values: &[String],
    kind: Kind,
    field: Option<&str>,
) -> Result<Vec<HandoverItem>> {
    Ok(conn
        .prepare(sql)?
        .query_map(params_from_iter(values), |r| {
            Ok(HandoverItem {
                kind,
                id: r.get(0)?,
                name: r.get(1)?,
                field: field.map(String::from),
                company_id: r.get(2)?,
                company_name: r.get(3)?,
                detail: r.get(4)?,
            })
        })?
        .collect::<rusqlite::Result<_>>()?)
}

fn plan(conn: &Connection, today: &str, from: &str, to: &str, filter: &HandoverFilter) -> Result<HandoverPlan> {
    let mut errors = Vec::new();
    if from == to {
        errors.push(FieldError::new("handover_same_user", "to_user_id", "choose another user to hand over to"));
    }
    let (from_name, _) = user_name(conn, "from_user_id", from, today)?;
    let (to_name, to_left) = user_name(conn, "to_user_id", to, today)?;
    if to_left {
        errors.push(
            FieldError::new(
                "handover_inactive_user",
                "to_user_id",
                format!("{to_name} has left: choose someone in the office"),
            )
            .with_detail(to_name.clone()),
        );
    }
    if let Some(r) = filter.rank.as_deref().filter(|r| !r.is_empty() && !crate::model::RANKS.contains(r)) {
        errors.push(FieldError::new("invalid_choice", "rank", format!("{r} is not a rank (A, B, C)")).with_detail(r));
    }
    if !errors.is_empty() {
        return Err(ApiError::validation(errors));
    }
    let (cw, values) = company_where(from, filter);
    let companies = items(
        conn,
        &format!(
            "SELECT c.id, c.display_name, c.id, c.display_name, c.prefecture FROM companies c WHERE {cw} ORDER BY c.sort_key, c.id"
        ),
        &values,
        Kind::Company,
        Some("owner_id"),
    )?;
    // With a filter, only records of the companies that move; without one,
    // also the user's records of other companies or of none.
    let scope = |alias: &str| -> String {
        if filter.is_empty() {
            "1".to_string()
        } else {
            format!("{alias}.company_id IN (SELECT c.id FROM companies c WHERE {cw})")
        }
    };
    let contacts = items(
        conn,
        &format!(
            "SELECT x.id, x.display_name, x.company_id, co.display_name, x.title FROM contacts x
               LEFT JOIN companies co ON co.id = x.company_id
              WHERE x.deleted_at IS NULL AND x.owner_id = ?1 AND ({}) ORDER BY co.sort_key, x.sort_key, x.id",
            scope("x")
        ),
        &values,
        Kind::Contact,
        Some("owner_id"),
    )?;
    let deals = items(
        conn,
        &format!(
            "SELECT x.id, x.display_name, x.company_id, co.display_name, x.stage FROM deals x
               LEFT JOIN companies co ON co.id = x.company_id
              WHERE x.deleted_at IS NULL AND x.owner_id = ?1 AND x.stage NOT IN ('won', 'lost') AND ({})
              ORDER BY co.sort_key, x.sort_key, x.id",
            scope("x")
        ),
        &values,
        Kind::Deal,
        Some("owner_id"),
    )?;
    let tasks = items(
        conn,
        &format!(
            "SELECT x.id, x.display_name, x.company_id, co.display_name, x.due FROM tasks x
               LEFT JOIN companies co ON co.id = x.company_id
              WHERE x.deleted_at IS NULL AND x.assignee_id = ?1 AND x.done = 0 AND ({})
              ORDER BY x.due IS NULL, x.due, x.id",
            scope("x")
        ),
        &values,
        Kind::Task,
        Some("assignee_id"),
    )?;
    let horizon = chrono::NaiveDate::parse_from_str(today, "%Y-%m-%d")
        .map(|d| (d + chrono::Days::new(RENEWAL_HORIZON_DAYS)).format("%Y-%m-%d").to_string())
        .unwrap_or_else(|_| today.to_string());
    let mut rv = values.clone();
    rv.push(today.to_string());
    rv.push(horizon);
    let (t, h) = (rv.len() - 1, rv.len());
    let renewals = items(
        conn,
        &format!(
            "SELECT x.id, x.display_name, x.company_id, co.display_name, COALESCE(x.renewal_date, x.expiry_date) AS due
               FROM purchases x JOIN companies co ON co.id = x.company_id
              WHERE x.deleted_at IS NULL AND COALESCE(x.status, '') NOT IN ('expired', 'cancelled')
                AND x.company_id IN (SELECT c.id FROM companies c WHERE {cw})
                AND COALESCE(x.renewal_date, x.expiry_date) BETWEEN ?{t} AND ?{h}
              ORDER BY due, x.id"
        ),
        &rv,
        Kind::Purchase,
        None,
    )?;
    let counts = HandoverCounts {
        companies: companies.len() as u32,
        contacts: contacts.len() as u32,
        deals: deals.len() as u32,
        tasks: tasks.len() as u32,
        renewals: renewals.len() as u32,
    };
    Ok(HandoverPlan {
        from_user_id: from.to_string(),
        from_name,
        to_user_id: to.to_string(),
        to_name,
        filter: filter.clone(),
        counts,
        companies,
        contacts,
        deals,
        tasks,
        renewals,
    })
}

fn load(conn: &Connection, id: &str) -> Result<Handover> {
    conn.prepare_cached(
        "SELECT id, from_user, to_user, filter, made_at, made_by, moved, undone_at, undone_by FROM handovers WHERE id = ?1",
    )?
    .query_row([id], row)
    .optional()?
    .ok_or_else(|| ApiError::not_found("handover", id))
}

fn row(r: &rusqlite::Row) -> rusqlite::Result<Handover> {
    let filter: String = r.get(3)?;
    let moved: String = r.get(6)?;
    let (moved, counts, kept): (Vec<HandoverMove>, HandoverCounts, u32) =
        serde_json::from_str(&moved).unwrap_or_default();
    Ok(Handover {
        id: r.get(0)?,
        from_user_id: r.get(1)?,
        to_user_id: r.get(2)?,
        filter: serde_json::from_str(&filter).unwrap_or_default(),
        made_at: r.get(4)?,
        made_by: r.get(5)?,
        counts,
        moved,
        undone_at: r.get(7)?,
        undone_by: r.get(8)?,
        kept,
    })
}

fn one(field: &str, v: &str) -> Map<String, Value> {
    let mut m = Map::new();
    m.insert(field.to_string(), Value::String(v.to_string()));
    m
}

impl Store {
    /// What handing `from`'s records over to `to` would move.
    pub fn handover_preview(&self, ctx: &Ctx, from: &str, to: &str, filter: &HandoverFilter) -> Result<HandoverPlan> {
        super::read(&self.conn, || plan(&self.conn, &ctx.today(), from, to, filter))
    }

    /// Hands `from`'s records over to `to` in one transaction (see the
    /// module docs); fails with `handover_empty` when nothing would move.
    pub fn handover_apply(&mut self, ctx: &Ctx, from: &str, to: &str, filter: &HandoverFilter) -> Result<Handover> {
        let tx = self.conn.transaction()?;
        let p = plan(&tx, &ctx.today(), from, to, filter)?;
        let all: Vec<&HandoverItem> = p.companies.iter().chain(&p.contacts).chain(&p.deals).chain(&p.tasks).collect();
        if all.is_empty() {
            let message = format!("{} has nothing to hand over with these conditions", p.from_name);
            let mut e = ApiError::validation(vec![
                FieldError::new("handover_empty", "from_user_id", message.clone()).with_detail(p.from_name.clone())
            ]);
            e.message = message;
            return Err(e);
        }
        let mut moved = Vec::with_capacity(all.len());
        for item in all {
            let field = item.field.as_deref().unwrap_or("owner_id");
            update_with(&tx, &mut self.ids, ctx, item.kind, &item.id, None, &one(field, to), true)?;
            moved.push(HandoverMove { kind: item.kind, id: item.id.clone(), field: field.to_string() });
        }
        let id = new_id(&mut self.ids, ctx.now_ms);
        tx.prepare_cached(
            "INSERT INTO handovers (id, from_user, to_user, filter, made_at, made_by, moved) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
        )?
        .execute(params![
            id,
            from,
            to,
            serde_json::to_string(filter)?,
            ctx.now_ms,
            ctx.user_id,
            serde_json::to_string(&(&moved, &p.counts, 0u32))?
        ])?;
        let h = load(&tx, &id)?;
        tx.commit()?;
        Ok(h)
    }

    /// Undoes a hand-over: every record it moved whose owner is still the
    /// new one gets the old one back, in one transaction.
    pub fn handover_undo(&mut self, ctx: &Ctx, id: &str) -> Result<Handover> {
        let tx = self.conn.transaction()?;
        let h = load(&tx, id)?;
        if h.undone_at.is_some() {
            return Err(ApiError::new("handover_already_undone", "this hand-over was already undone"));
        }
        let mut kept = 0u32;
        for m in &h.moved {
            let current = read::get(&tx, m.kind, &m.id)?;
            let now = current.record.to_fields().get(&m.field).cloned().unwrap_or(Value::Null);
            if current.deleted_at.is_some() || now != Value::String(h.to_user_id.clone()) {
                kept += 1;
                continue;
            }
            update_with(&tx, &mut self.ids, ctx, m.kind, &m.id, None, &one(&m.field, &h.from_user_id), true)?;
        }
        tx.prepare_cached("UPDATE handovers SET undone_at = ?2, undone_by = ?3, moved = ?4 WHERE id = ?1")?
            .execute(params![id, ctx.now_ms, ctx.user_id, serde_json::to_string(&(&h.moved, &h.counts, kept))?])?;
        let h = load(&tx, id)?;
        tx.commit()?;
        Ok(h)
    }

    /// Recent hand-overs made on this computer, newest first.
    pub fn handovers(&self, limit: u32) -> Result<Vec<Handover>> {
        Ok(self
            .conn
            .prepare_cached(
                "SELECT id, from_user, to_user, filter, made_at, made_by, moved, undone_at, undone_by
                   FROM handovers ORDER BY made_at DESC, id DESC LIMIT ?1",
            )?
            .query_map([limit.clamp(1, 1000)], row)?
            .collect::<rusqlite::Result<_>>()?)
    }
}
