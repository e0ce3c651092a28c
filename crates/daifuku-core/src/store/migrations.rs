//! Forward-only numbered migrations, embedded in the binary.
//! A migration is never edited once released: add a new file instead.

use rusqlite::Connection;
use rusqlite_migration::{Migrations, M};

use crate::error::{ApiError, Result};

const MIGRATIONS: &[&str] = &[
    include_str!("../../migrations/0001_records.sql"),
    include_str!("../../migrations/0002_changes_keys_links.sql"),
    include_str!("../../migrations/0003_home_indexes.sql"),
    SEARCH,
    SYNC,
    IMPORT,
    include_str!("../../migrations/0007_live_counts.sql"),
    // 0008: attachments (a record kind) and their content-addressed bytes (issue 5).
    include_str!("../../migrations/0008_attachments.sql"),
    // 0009: a covering index for duplicate scans and per-kind key lookups (issue 4).
    include_str!("../../migrations/0009_match_keys_by_kind.sql"),
    // 0010: match_keys_by_key is redundant with 0009's index.
    include_str!("../../migrations/0010_drop_match_keys_by_key.sql"),
    // 0011: match_keys keyed like 0009's index, without a rowid table beside it.
    include_str!("../../migrations/0011_match_keys_without_rowid.sql"),
    SEARCH_RANK_ORDER,
    // 0013: one match key per contact for "same person at the same company".
    include_str!("../../migrations/0013_person_company_keys.sql"),
    READINGS,
    REPORTS,
    // 0016: company history as this device got it, "seen" per user, hand-overs (issue 21).
    include_str!("../../migrations/0016_changes_seen_handover.sql"),
    SEARCH_MORE_KINDS,
    // 0018: every value written to a field, so conflicts are derived the same on every device (issue 19).
    include_str!("../../migrations/0018_shared_conflicts.sql"),
    PRIVACY_AUDIT,
    // 0020: no trash indexes by company after all (issue 19; measured).
    include_str!("../../migrations/0020_no_trash_by_company.sql"),
    // 0021: erased records and attachment contents, ids only (issue 18: erase everywhere).
    include_str!("../../migrations/0021_erasures.sql"),
    APPI,
    // 0023: demo rows found by partial indexes, not a scan of every table (issue 17: start at 100k).
    include_str!("../../migrations/0023_demo_index.sql"),
];

/// 0022: the APPI toolkit — 利用停止 on contacts (the hook adds the columns),
/// provision records and the incident register (issue 18).
const APPI: &str = include_str!("../../migrations/0022_appi.sql");

/// 0019: private memos (the hook adds the columns) and the audit trail (issue 18).
const PRIVACY_AUDIT: &str = include_str!("../../migrations/0019_privacy_audit.sql");

/// 0015: product grades, the revenue index, rank applications and the
/// cross-sell cache (issue 21); the hook adds the grade column.
const REPORTS: &str = include_str!("../../migrations/0015_reports.sql");

/// 0017: search also finds tasks, purchases and case studies; the hook indexes them.
const SEARCH_MORE_KINDS: &str = include_str!("../../migrations/0017_search_more_kinds.sql");

/// 0014: stored readings become full-width katakana; the hook rewrites them.
const READINGS: &str = include_str!("../../migrations/0014_readings_katakana.sql");

/// 0012: full-text rows renumbered in rank order; the hook indexes again.
const SEARCH_RANK_ORDER: &str = include_str!("../../migrations/0012_search_rank_order.sql");

/// 0004: search index and merges (issue 4).
const SEARCH: &str = include_str!("../../migrations/0004_search.sql");

/// 0005: folder sync (per-field versions, conflicts, peers).
const SYNC: &str = include_str!("../../migrations/0005_sync.sql");

/// 0006: import mappings saved per file layout (issue 6).
const IMPORT: &str = include_str!("../../migrations/0006_import.sql");

/// Number of migrations this build knows (the newest schema version).
pub(crate) fn latest() -> usize {
    MIGRATIONS.len()
}

pub fn migrate(conn: &mut Connection) -> Result<()> {
    let mut ms: Vec<M> = MIGRATIONS.iter().map(|sql| M::up(sql)).collect();
    // 0002 introduces derived tables: fill them for records made before it.
    ms[1] = M::up_with_hook(MIGRATIONS[1], |tx: &rusqlite::Transaction| {
        super::derived::rebuild_derived(tx).map_err(|e| rusqlite_migration::HookError::Hook(e.message))
    });
    // 0005 gives every record per-field versions from the change log.
    let sync = MIGRATIONS.iter().position(|m| *m == SYNC).expect("0005 is listed");
    ms[sync] = M::up_with_hook(SYNC, |tx: &rusqlite::Transaction| {
        super::changelog::rebuild_clocks(tx).map_err(|e| rusqlite_migration::HookError::Hook(e.message))
    });
    // 0004 adds the search index: fill it (and the match keys) for existing records.
    let search = MIGRATIONS.iter().position(|m| *m == SEARCH).expect("0004 is listed");
    ms[search] = M::up_with_hook(SEARCH, |tx: &rusqlite::Transaction| {
        super::derived::rebuild_derived(tx).map_err(|e| rusqlite_migration::HookError::Hook(e.message))
    });
    let reindex = MIGRATIONS.iter().position(|m| *m == SEARCH_RANK_ORDER).expect("0012 is listed");
    ms[reindex] = M::up_with_hook(SEARCH_RANK_ORDER, |tx: &rusqlite::Transaction| {
        super::derived::reindex(tx).map_err(|e| rusqlite_migration::HookError::Hook(e.message))
    });
    let readings = MIGRATIONS.iter().position(|m| *m == READINGS).expect("0014 is listed");
    ms[readings] = M::up_with_hook(READINGS, |tx: &rusqlite::Transaction| {
        normalize_readings(tx).map(|_| ()).map_err(|e| rusqlite_migration::HookError::Hook(e.message))
    });
    // 0015 adds products.tier where it is missing (ALTER TABLE has no IF NOT EXISTS).
    let reports = MIGRATIONS.iter().position(|m| *m == REPORTS).expect("0015 is listed");
    ms[reports] = M::up_with_hook(REPORTS, |tx: &rusqlite::Transaction| {
        let has: bool = tx
            .query_row("SELECT COUNT(*) FROM pragma_table_info('products') WHERE name = 'tier'", [], |r| r.get(0))
            .map_err(|e| rusqlite_migration::HookError::Hook(e.to_string()))?;
        if !has {
            tx.execute_batch("ALTER TABLE products ADD COLUMN tier INTEGER;")
                .map_err(|e| rusqlite_migration::HookError::Hook(e.to_string()))?;
        }
        Ok(())
    });
    let more = MIGRATIONS.iter().position(|m| *m == SEARCH_MORE_KINDS).expect("0017 is listed");
    ms[more] = M::up_with_hook(SEARCH_MORE_KINDS, |tx: &rusqlite::Transaction| {
        let kinds = [crate::model::Kind::Task, crate::model::Kind::Purchase, crate::model::Kind::CaseStudy];
        super::derived::index_kinds(tx, &kinds).map_err(|e| rusqlite_migration::HookError::Hook(e.message))
    });
    let privacy = MIGRATIONS.iter().position(|m| *m == PRIVACY_AUDIT).expect("0019 is listed");
    ms[privacy] = M::up_with_hook(PRIVACY_AUDIT, |tx: &rusqlite::Transaction| {
        super::privacy::add_columns(tx).map_err(|e| rusqlite_migration::HookError::Hook(e.message))
    });
    let appi = MIGRATIONS.iter().position(|m| *m == APPI).expect("0022 is listed");
    ms[appi] = M::up_with_hook(APPI, |tx: &rusqlite::Transaction| {
        super::appi::add_columns(tx).map_err(|e| rusqlite_migration::HookError::Hook(e.message))
    });
    let current: usize = conn.pragma_query_value(None, "user_version", |r| r.get::<_, i64>(0))? as usize;
    if current > MIGRATIONS.len() {
        return Err(ApiError::new(
            "newer_database",
            format!("this database was made by a newer Daifuku (schema {current}); please update the app"),
        ));
    }
    // 0019's columns are read by every record read, also by the hooks of
    // older migrations that rebuild derived rows: on a database that has the
    // tables, they come first (re-runnable: only where missing).
    if current >= 1 && current < MIGRATIONS.len() {
        super::privacy::add_columns(conn)?;
        // 0022's contact columns likewise (issue 18, APPI).
        super::appi::add_columns(conn)?;
    }
    Migrations::new(ms).to_latest(conn).map_err(|e| ApiError::new("migration", e.to_string()))
}

/// Brings every stored reading (フリガナ) to full-width katakana
/// (`normalize::reading_text`), as every write now stores it. Only the
/// reading columns change: sort keys, match keys and search documents are
/// made from `reading_key`, which gives the same result for both forms.
/// Every device runs this on its own copy, so nothing is logged for sync.
/// Returns how many values changed.
pub(crate) fn normalize_readings(conn: &Connection) -> Result<usize> {
    let mut changed = 0;
    for kind in crate::model::Kind::ALL {
        let meta = kind.meta();
        for def in meta.fields.iter().filter(|f| matches!(f.ty, crate::schema::FieldType::Reading)) {
            let (table, col) = (meta.table, def.name);
            let rows: Vec<(String, String)> = conn
                .prepare(&format!("SELECT id, {col} FROM {table} WHERE {col} IS NOT NULL"))?
                .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?
                .collect::<rusqlite::Result<_>>()?;
            let mut update = conn.prepare(&format!("UPDATE {table} SET {col} = ?2 WHERE id = ?1"))?;
            for (id, value) in rows {
                let normalized = crate::normalize::reading_text(&value);
                if normalized != value {
                    update.execute(rusqlite::params![id, normalized])?;
                    changed += 1;
                }
            }
        }
    }
    Ok(changed)
}

/// Number of migrations this build knows.
#[cfg(test)]
pub const LATEST: usize = MIGRATIONS.len();

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Kind;

    /// The committed SQL and the field tables of `model.rs` agree: every field
    /// has a column of the right type, and there are no stray columns.
    #[test]
    fn migrated_schema_matches_the_model() {
        let mut conn = Connection::open_in_memory().unwrap();
        migrate(&mut conn).unwrap();
        for kind in Kind::ALL {
            let meta = kind.meta();
            let cols: Vec<(String, String)> = conn
                .prepare(&format!("SELECT name, type FROM pragma_table_info('{}')", meta.table))
                .unwrap()
                .query_map([], |r| Ok((r.get(0).unwrap(), r.get(1).unwrap())))
                .unwrap()
                .map(Result::unwrap)
                .collect();
            let envelope = 10;
            assert_eq!(cols.len(), envelope + meta.fields.len(), "{}", meta.table);
            for (def, (name, ty)) in meta.fields.iter().zip(cols.iter().skip(envelope)) {
                assert_eq!((def.name, def.ty.sql_type()), (name.as_str(), ty.as_str()), "{}", meta.table);
            }
        }
        assert_eq!(conn.pragma_query_value(None, "user_version", |r| r.get::<_, i64>(0)).unwrap(), LATEST as i64);
    }
}
