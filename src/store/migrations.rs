//! Forward-only numbered migrations, embedded in the binary.
//! A migration is never edited once released: add a new file instead.

use rusqlite::Connection;
use rusqlite_migration::{Migrations, M};

use crate::error::{ApiError, Result};

const MIGRATIONS: &[&str] = &[
    include_str!("../../migrations/0001_records.sql"),
    include_str!("../../migrations/0002_changes_keys_links.sql"),
    include_str!("../../migrations/0003_home_indexes.sql"),
];

pub fn migrate(conn: &mut Connection) -> Result<()> {
    let mut ms: Vec<M> = MIGRATIONS.iter().map(|sql| M::up(sql)).collect();
    // 0002 introduces derived tables: fill them for records made before it.
    ms[1] = M::up_with_hook(MIGRATIONS[1], |tx: &rusqlite::Transaction| {
        super::write::rebuild_derived(tx).map_err(|e| rusqlite_migration::HookError::Hook(e.message))
    });
    let current: usize = conn.pragma_query_value(None, "user_version", |r| r.get::<_, i64>(0))? as usize;
    if current > MIGRATIONS.len() {
        return Err(ApiError::new(
            "newer_database",
            format!("this database was made by a newer Daifuku (schema {current}); please update the app"),
        ));
    }
    Migrations::new(ms).to_latest(conn).map_err(|e| ApiError::new("migration", e.to_string()))
}

/// Number of migrations this build knows.
#[cfg(test)]
pub const LATEST: usize = MIGRATIONS.len();

#[cfg(test)]
pub(crate) fn only_first(conn: &mut Connection) {
    Migrations::new(vec![M::up(MIGRATIONS[0])]).to_latest(conn).unwrap();
}

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
