//! Demo data: loaded from the welcome screen (the generator, `daifuku-gen`,
//! through the host's `demo_load`), removed in one step.
//!
//! Demo records are told apart by their author: the generator writes them
//! with `created_by` = [`DEMO_AUTHOR`] (no user record has that id: ids are
//! UUIDs). The mark travels with each record (its own row, its change log
//! entries, sync), so removal needs no list of ids, finds demo records synced
//! from another computer too, and a record the user made afterwards (their
//! own `created_by`) is never taken, even when it hangs under a demo company.

use rusqlite::params;

use super::write::set_deleted_in;
use super::{Ctx, Store};
use crate::error::{ApiError, Result};
use crate::model::Kind;

/// The `created_by` of every generated demo record.
pub const DEMO_AUTHOR: &str = "demo";

/// Setting: the user closed the welcome screen.
const WELCOME_DONE: &str = "welcome_done";
/// Setting: the user's own company name, given on the welcome screen.
const COMPANY_NAME: &str = "company_name";

impl Store {
    /// Live records (every kind) in this database, from the trigger-kept counts.
    pub fn live_records(&self) -> Result<u64> {
        let n: i64 = self.conn.query_row("SELECT COALESCE(SUM(n), 0) FROM live_counts", [], |r| r.get(0))?;
        Ok(n as u64)
    }

    /// Live demo records of every kind.
    pub fn demo_records(&self) -> Result<u64> {
        let mut n = 0u64;
        for kind in Kind::ALL {
            let c: i64 =
                self.conn.prepare_cached(&demo_rows_sql(kind.meta().table, "COUNT(*)"))?.query_row([], |r| r.get(0))?;
            n += c as u64;
        }
        Ok(n)
    }

    pub fn welcome_done(&self) -> Result<bool> {
        Ok(self.setting(WELCOME_DONE)?.is_some())
    }

    /// Closes the welcome screen for good, keeping the company name given there.
    pub fn set_welcome_done(&self, company_name: Option<&str>) -> Result<()> {
        let name = company_name.map(str::trim).filter(|s| !s.is_empty());
        if let Some(n) = name {
            if n.chars().count() > 1000 {
                return Err(ApiError::field("too_long", "company_name", "at most 1,000 characters"));
            }
        }
        self.set_setting(COMPANY_NAME, name)?;
        self.set_setting(WELCOME_DONE, Some("1"))
    }

    pub fn company_name(&self) -> Result<Option<String>> {
        self.setting(COMPANY_NAME)
    }

    /// Moves every live demo record to the trash in one transaction (the
    /// store's delete: derived rows, live counts and the change log stay
    /// true, and sync carries it). Answers how many went.
    pub fn demo_remove(&mut self, ctx: &Ctx) -> Result<u64> {
        let tx = self.conn.transaction()?;
        let mut n = 0u64;
        for kind in Kind::ALL {
            let ids: Vec<String> = tx
                .prepare(&demo_rows_sql(kind.meta().table, "id"))?
                .query_map([], |r| r.get(0))?
                .collect::<rusqlite::Result<_>>()?;
            for id in ids {
                set_deleted_in(&tx, ctx, *kind, &id, true)?;
                n += 1;
            }
        }
        // A demo salesperson chosen as the current user goes with the demo.
        let current: Option<String> =
            tx.query_row("SELECT value FROM settings WHERE key = 'current_user_id'", [], |r| r.get(0)).ok();
        if let Some(id) = current {
            let demo: bool = tx
                .query_row("SELECT created_by = ?2 FROM users WHERE id = ?1", params![id, DEMO_AUTHOR], |r| r.get(0))
                .unwrap_or(false);
            if demo {
                tx.execute("DELETE FROM settings WHERE key = 'current_user_id'", [])?;
            }
        }
        tx.commit()?;
        Ok(n)
    }
}

/// A query over a table's live demo rows. The author is written into the SQL
/// as a literal (a constant, never user input): SQLite uses a partial index
/// (`<table>_demo`, migration 0023) only when the query's WHERE names its
/// value, which a bound parameter does not.
fn demo_rows_sql(table: &str, what: &str) -> String {
    format!("SELECT {what} FROM {table} WHERE created_by = '{DEMO_AUTHOR}' AND deleted_at IS NULL")
}

#[cfg(test)]
mod demo_index_tests {
    use super::*;

    /// Every kind's demo rows are found through its partial index, not a
    /// scan of the table (the start of the app asks for them).
    #[test]
    fn demo_rows_are_found_by_index_in_every_table() {
        let store = Store::open_in_memory().unwrap();
        for kind in Kind::ALL {
            let table = kind.meta().table;
            let plan: Vec<String> = store
                .conn
                .prepare(&format!("EXPLAIN QUERY PLAN {}", demo_rows_sql(table, "COUNT(*)")))
                .unwrap()
                .query_map([], |r| r.get::<_, String>(3))
                .unwrap()
                .map(Result::unwrap)
                .collect();
            assert!(plan.iter().any(|p| p.contains(&format!("INDEX {table}_demo"))), "{table}: {plan:?}");
        }
    }
}
