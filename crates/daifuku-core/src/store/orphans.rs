//! Orphans (issue 19): live records under a company in the trash — a contact
//! added or a deal edited on another laptop while a colleague deleted the
//! company there. A local delete takes these along (`trash_groups.rs`), so
//! after a sync round whatever is left is news for the user; it is listed
//! with the conflicts with three ways out: restore the company, move the
//! record to another company, or delete it too. Each is an ordinary logged
//! write, so it syncs. Derived from the rows on every read (nothing stored),
//! so every device shows the same list once the folder is read.

use rusqlite::OptionalExtension;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use ts_rs::TS;

use super::changelog::load_clocks;
use super::read;
use super::trash_groups::{member_condition, restore_company_in, MEMBER_KINDS};
use super::write::{set_deleted_in, update_in};
use super::{Ctx, Store, Stored};
use crate::error::{ApiError, Result};
use crate::model::Kind;
use crate::sync::hlc::Hlc;

/// A live record under a company in the trash.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct Orphan {
    pub kind: Kind,
    pub id: String,
    pub display_name: String,
    /// `added`: made after (or unaware of) the delete and never edited since;
    /// `edited`: an older record someone changed.
    pub change: OrphanChange,
    /// Who made the last change of the record (user name when known, else id).
    pub changed_by: Option<String>,
    #[ts(type = "number")]
    pub changed_at: i64,
    pub company_id: String,
    pub company_name: String,
    /// Who deleted the company (user name when known, else id).
    pub deleted_by: Option<String>,
    #[ts(type = "number")]
    pub deleted_at: i64,
    /// The name of the device the delete came from (`None`: this device or unknown).
    pub deleted_on: Option<String>,
    /// The delete was made on this device.
    pub deleted_here: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum OrphanChange {
    Added,
    Edited,
}

/// How an orphan is settled.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(tag = "action", rename_all = "snake_case")]
pub enum OrphanAction {
    /// Brings the company (and what was deleted with it) back from the trash.
    RestoreParent,
    /// Moves the record to another (live) company.
    MoveTo { company_id: String },
    /// Moves the record to the trash too.
    Delete,
}

impl Store {
    /// Every live contact, deal, open task and activity of its own under a
    /// company in the trash, newest change first.
    pub fn orphans(&self) -> Result<Vec<Orphan>> {
        let own_device = self.setting("device_id")?.unwrap_or_default();
        let mut out = Vec::new();
        for kind in MEMBER_KINDS {
            let sql = format!(
                "SELECT t.id, t.display_name, t.created_at, t.updated_at, COALESCE(tu.name, t.updated_by), \
                        c.id, c.display_name, c.deleted_at, COALESCE(cu.name, c.deleted_by) \
                 FROM companies c CROSS JOIN {} t \
                 LEFT JOIN users tu ON tu.id = t.updated_by LEFT JOIN users cu ON cu.id = c.deleted_by \
                 WHERE t.company_id = c.id AND c.deleted_at IS NOT NULL AND t.deleted_at IS NULL AND {}",
                kind.meta().table,
                member_condition(kind)
            );
            let rows = self
                .conn
                .prepare_cached(&sql)?
                .query_map([], |r| {
                    let created_at: i64 = r.get(2)?;
                    let updated_at: i64 = r.get(3)?;
                    Ok(Orphan {
                        kind,
                        id: r.get(0)?,
                        display_name: r.get(1)?,
                        change: if created_at == updated_at { OrphanChange::Added } else { OrphanChange::Edited },
                        changed_by: r.get(4)?,
                        changed_at: updated_at,
                        company_id: r.get(5)?,
                        company_name: r.get(6)?,
                        deleted_at: r.get(7)?,
                        deleted_by: r.get(8)?,
                        deleted_on: None,
                        deleted_here: false,
                    })
                })?
                .collect::<rusqlite::Result<Vec<_>>>()?;
            out.extend(rows);
        }
        // The device of the company's delete: its `_deleted` version names it.
        for o in &mut out {
            let device = load_clocks(&self.conn, &o.company_id)?
                .and_then(|c| c.0.get("_deleted").cloned())
                .and_then(|v| Hlc::parse(&v))
                .map(|h| h.device);
            match device {
                Some(d) if d == own_device => o.deleted_here = true,
                Some(d) => {
                    o.deleted_on = self
                        .conn
                        .prepare_cached("SELECT name FROM sync_peers WHERE device_id = ?1")?
                        .query_row([&d], |r| r.get::<_, Option<String>>(0))
                        .optional()?
                        .flatten()
                }
                None => {}
            }
        }
        out.sort_by(|a, b| b.changed_at.cmp(&a.changed_at).then_with(|| a.id.cmp(&b.id)));
        Ok(out)
    }

    /// How many orphans there are (the sync panel's count: one indexed
    /// lookup per kind from the companies in the trash). `CROSS JOIN` keeps
    /// the trashed companies as the outer loop: left to itself, SQLite
    /// (no statistics) scanned every live child row instead — 1.8 s for the
    /// activities at 100k companies against 12 ms this way.
    pub fn orphan_count(&self) -> Result<u64> {
        let mut total = 0u64;
        for kind in MEMBER_KINDS {
            let sql = format!(
                "SELECT COUNT(*) FROM companies c CROSS JOIN {} t \
                 WHERE t.company_id = c.id AND c.deleted_at IS NOT NULL AND t.deleted_at IS NULL AND {}",
                kind.meta().table,
                member_condition(kind)
            );
            total += self.conn.prepare_cached(&sql)?.query_row([], |r| r.get::<_, i64>(0))? as u64;
        }
        Ok(total)
    }

    /// Settles orphan `id` of `kind`; answers the record as it is afterwards.
    pub fn resolve_orphan(&mut self, ctx: &Ctx, kind: Kind, id: &str, action: OrphanAction) -> Result<Stored> {
        if !MEMBER_KINDS.contains(&kind) {
            return Err(ApiError::new("not_orphan", format!("{} records are never orphans", kind.as_str())));
        }
        let tx = self.conn.transaction()?;
        let record = read::get(&tx, kind, id)?;
        let company_id = record.record.to_fields().get("company_id").and_then(Value::as_str).map(String::from);
        let orphaned = match &company_id {
            Some(c) if record.deleted_at.is_none() => read::get(&tx, Kind::Company, c)?.deleted_at.is_some(),
            _ => false,
        };
        if !orphaned {
            return Err(ApiError::new(
                "not_orphan",
                format!("{} {id} is not under a company in the trash (already settled?)", kind.as_str()),
            ));
        }
        match action {
            OrphanAction::RestoreParent => {
                restore_company_in(&tx, ctx, company_id.as_deref().unwrap_or_default())?;
            }
            OrphanAction::MoveTo { company_id: target } => {
                let mut patch = Map::new();
                patch.insert("company_id".into(), Value::String(target));
                update_in(&tx, &mut self.ids, ctx, kind, id, None, &patch)?;
            }
            OrphanAction::Delete => set_deleted_in(&tx, ctx, kind, id, true)?,
        }
        let stored = read::get(&tx, kind, id)?;
        tx.commit()?;
        Ok(stored)
    }
}
