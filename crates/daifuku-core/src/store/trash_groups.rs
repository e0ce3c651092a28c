//! Cascading trash (issue 19): deleting a company moves to the trash with it
//! its contacts, deals, open tasks and the activities that belong only to it,
//! each as an ordinary logged delete (so other devices trash them too), all
//! stamped with the company's `deleted_at`. A trash *group* is that company
//! and the records of these kinds that point at it and went to the trash at
//! the same moment by the same person: derived from the rows on every device
//! (a synced delete keeps one `deleted_at` for the whole group), so no table
//! of groups has to sync. Restoring the company restores its group in one
//! transaction.
//!
//! The same member rule finds *orphans* (`orphans.rs`): live records that a
//! cascade would have taken, under a company in the trash.

use rusqlite::{params, Connection};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use super::read::{self, TrashItem};
use super::write::set_deleted_in;
use super::{Ctx, Store, Stored};
use crate::error::Result;
use crate::model::Kind;

/// The kinds a company's delete takes with it, in the order they go.
pub(crate) const MEMBER_KINDS: [Kind; 4] = [Kind::Contact, Kind::Deal, Kind::Task, Kind::Activity];

/// The extra condition (on table alias `t`, company id `?1`) for a record of
/// `kind` pointing at the company to belong to it: open tasks only, and an
/// activity only when none of its attendees is a live contact of another
/// live company (a meeting with two companies stays with the other one).
pub(crate) fn member_condition(kind: Kind) -> &'static str {
    match kind {
        Kind::Task => "t.done = 0",
        Kind::Activity => {
            "NOT EXISTS (SELECT 1 FROM json_each(t.contact_ids) j JOIN contacts oc ON oc.id = j.value \
             JOIN companies og ON og.id = oc.company_id \
             WHERE oc.company_id <> t.company_id AND oc.deleted_at IS NULL AND og.deleted_at IS NULL)"
        }
        _ => "1",
    }
}

/// How many records of each kind a delete takes along (or took, for a group).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, TS)]
pub struct GroupCounts {
    #[ts(type = "number")]
    pub contacts: u64,
    #[ts(type = "number")]
    pub deals: u64,
    #[ts(type = "number")]
    pub tasks: u64,
    #[ts(type = "number")]
    pub activities: u64,
}

impl GroupCounts {
    fn add(&mut self, kind: Kind, n: u64) {
        match kind {
            Kind::Contact => self.contacts += n,
            Kind::Deal => self.deals += n,
            Kind::Task => self.tasks += n,
            Kind::Activity => self.activities += n,
            _ => {}
        }
    }
    pub fn total(&self) -> u64 {
        self.contacts + self.deals + self.tasks + self.activities
    }
}

/// What deleting a record would move to the trash (the confirmation's counts).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct DeletePreview {
    pub kind: Kind,
    pub id: String,
    pub display_name: String,
    /// The records that go with it (all zero but for a company).
    pub with: GroupCounts,
}

/// One entry of the trash: a record, and for a company the records deleted with it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct TrashGroup {
    #[serde(flatten)]
    pub item: TrashItem,
    pub with: GroupCounts,
    /// The first records of the group (at most [`GROUP_MEMBERS_SHOWN`]), by kind then name.
    pub members: Vec<TrashItem>,
}

/// How many members a trash group lists (its counts cover them all).
pub const GROUP_MEMBERS_SHOWN: usize = 50;

/// A page of the trash, groups folded.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct TrashGroups {
    pub groups: Vec<TrashGroup>,
    /// Entries (groups and single records) in the whole trash.
    #[ts(type = "number")]
    pub total: u64,
    pub offset: u32,
    pub limit: u32,
}

/// `(kind, id)` of the live members of company `id`.
pub(crate) fn live_members(conn: &Connection, company_id: &str) -> Result<Vec<(Kind, String)>> {
    let mut out = Vec::new();
    for kind in MEMBER_KINDS {
        let sql = format!(
            "SELECT t.id FROM {} t WHERE t.company_id = ?1 AND t.deleted_at IS NULL AND {} ORDER BY t.id",
            kind.meta().table,
            member_condition(kind)
        );
        let ids = conn
            .prepare_cached(&sql)?
            .query_map([company_id], |r| r.get::<_, String>(0))?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        out.extend(ids.into_iter().map(|id| (kind, id)));
    }
    Ok(out)
}

/// The condition (on alias `t`) for a trashed record of a member kind to be
/// folded into its company's group.
fn in_group_sql() -> &'static str {
    "EXISTS (SELECT 1 FROM companies g WHERE g.id = t.company_id AND g.deleted_at = t.deleted_at \
     AND g.deleted_by IS t.deleted_by)"
}

/// `(kind, id, display_name, deleted_at, deleted_by)` of the trashed members of
/// the group of company `id` deleted at `deleted_at` by `deleted_by`.
fn group_members(
    conn: &Connection,
    company_id: &str,
    deleted_at: i64,
    deleted_by: Option<&str>,
) -> Result<Vec<TrashItem>> {
    let mut out = Vec::new();
    for kind in MEMBER_KINDS {
        let sql = format!(
            "SELECT t.id, t.display_name, t.deleted_at, t.deleted_by FROM {} t \
             WHERE t.company_id = ?1 AND t.deleted_at = ?2 AND t.deleted_by IS ?3 ORDER BY t.sort_key, t.id",
            kind.meta().table
        );
        let rows = conn
            .prepare_cached(&sql)?
            .query_map(params![company_id, deleted_at, deleted_by], |r| {
                Ok(TrashItem {
                    kind,
                    id: r.get(0)?,
                    display_name: r.get(1)?,
                    deleted_at: r.get(2)?,
                    deleted_by: r.get(3)?,
                })
            })?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        out.extend(rows);
    }
    Ok(out)
}

/// The union of every kind's trashed rows that are not folded into a group.
fn top_level_sql() -> String {
    Kind::ALL
        .iter()
        .map(|k| {
            let fold = if MEMBER_KINDS.contains(k) { format!(" AND NOT {}", in_group_sql()) } else { String::new() };
            format!(
                "SELECT '{}' AS kind, t.id, t.display_name, t.deleted_at, t.deleted_by FROM {} t \
                 WHERE t.deleted_at IS NOT NULL{fold}",
                k.as_str(),
                k.meta().table
            )
        })
        .collect::<Vec<_>>()
        .join(" UNION ALL ")
}

/// Deletes company `id` and its live members inside an open transaction;
/// answers how many members went.
pub(crate) fn delete_company_in(conn: &Connection, ctx: &Ctx, id: &str) -> Result<GroupCounts> {
    // Checks that the company exists and is live before anything moves.
    let company = read::get(conn, Kind::Company, id)?;
    if company.deleted_at.is_some() {
        set_deleted_in(conn, ctx, Kind::Company, id, true)?; // the usual `already_deleted`
    }
    let mut counts = GroupCounts::default();
    for (kind, member) in live_members(conn, id)? {
        set_deleted_in(conn, ctx, kind, &member, true)?;
        counts.add(kind, 1);
    }
    set_deleted_in(conn, ctx, Kind::Company, id, true)?;
    Ok(counts)
}

/// Restores company `id` and the records deleted with it, inside an open transaction.
pub(crate) fn restore_company_in(conn: &Connection, ctx: &Ctx, id: &str) -> Result<GroupCounts> {
    let company = read::get(conn, Kind::Company, id)?;
    let Some(deleted_at) = company.deleted_at else {
        set_deleted_in(conn, ctx, Kind::Company, id, false)?; // the usual `not_deleted`
        return Ok(GroupCounts::default());
    };
    let members = group_members(conn, id, deleted_at, company.deleted_by.as_deref())?;
    set_deleted_in(conn, ctx, Kind::Company, id, false)?;
    let mut counts = GroupCounts::default();
    for m in members {
        set_deleted_in(conn, ctx, m.kind, &m.id, false)?;
        counts.add(m.kind, 1);
    }
    Ok(counts)
}

impl Store {
    /// Moves a record to the trash; a company takes its group along (one
    /// transaction). Answers the record and how many went with it.
    pub fn delete_cascading(&mut self, ctx: &Ctx, kind: Kind, id: &str) -> Result<(Stored, GroupCounts)> {
        if kind != Kind::Company {
            return Ok((self.delete(ctx, kind, id)?, GroupCounts::default()));
        }
        let tx = self.conn.transaction()?;
        let counts = delete_company_in(&tx, ctx, id)?;
        let stored = read::get(&tx, kind, id)?;
        tx.commit()?;
        Ok((stored, counts))
    }

    /// Brings a record back from the trash; a company brings back its group.
    pub fn restore_cascading(&mut self, ctx: &Ctx, kind: Kind, id: &str) -> Result<(Stored, GroupCounts)> {
        if kind != Kind::Company {
            return Ok((self.restore(ctx, kind, id)?, GroupCounts::default()));
        }
        let tx = self.conn.transaction()?;
        let counts = restore_company_in(&tx, ctx, id)?;
        let stored = read::get(&tx, kind, id)?;
        tx.commit()?;
        Ok((stored, counts))
    }

    /// What deleting the record would move to the trash.
    pub fn delete_preview(&self, kind: Kind, id: &str) -> Result<DeletePreview> {
        let stored = self.get(kind, id)?;
        let mut with = GroupCounts::default();
        if kind == Kind::Company && stored.deleted_at.is_none() {
            for (k, _) in live_members(&self.conn, id)? {
                with.add(k, 1);
            }
        }
        Ok(DeletePreview { kind, id: stored.id, display_name: stored.display_name, with })
    }

    /// A page of the trash with each company's group folded into it, most
    /// recently deleted first.
    pub fn trash_groups(&self, offset: u32, limit: u32) -> Result<TrashGroups> {
        let limit = limit.clamp(1, 1000);
        let union = top_level_sql();
        let total: i64 =
            self.conn.prepare_cached(&format!("SELECT COUNT(*) FROM ({union})"))?.query_row([], |r| r.get(0))?;
        let sql = format!("{union} ORDER BY deleted_at DESC, id LIMIT ?1 OFFSET ?2");
        let items = self
            .conn
            .prepare_cached(&sql)?
            .query_map(params![limit, offset], read::trash_item)?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        let mut groups = Vec::with_capacity(items.len());
        for item in items {
            let mut with = GroupCounts::default();
            let mut members = Vec::new();
            if item.kind == Kind::Company {
                let all = group_members(&self.conn, &item.id, item.deleted_at, item.deleted_by.as_deref())?;
                for m in &all {
                    with.add(m.kind, 1);
                }
                members = all.into_iter().take(GROUP_MEMBERS_SHOWN).collect();
            }
            groups.push(TrashGroup { item, with, members });
        }
        Ok(TrashGroups { groups, total: total as u64, offset, limit })
    }
}
