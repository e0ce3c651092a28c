//! Per-kind SQL and the binding of field values: statement texts made once
//! per kind, JSON values as SQL values, multi-row inserts. Pure helpers for
//! the writers and the derived rows; they call nothing else of the store.

use rusqlite::types::{ToSqlOutput, ValueRef};
use serde_json::Value;

use crate::model::Kind;
use crate::schema::FieldType;

/// One SQL text per kind, made once: an insert names every column, and
/// formatting it for each row of a bulk write showed in profiles.
pub(crate) struct SqlPerKind(std::sync::OnceLock<std::collections::HashMap<Kind, String>>);

impl SqlPerKind {
    pub(crate) const fn new() -> Self {
        SqlPerKind(std::sync::OnceLock::new())
    }
}

pub(crate) fn cached_sql(cache: &'static SqlPerKind, kind: Kind, make: fn(Kind) -> String) -> &'static str {
    cache.0.get_or_init(|| Kind::ALL.iter().map(|k| (*k, make(*k))).collect())[&kind].as_str()
}

pub(crate) fn is_empty(v: &Value) -> bool {
    matches!(v, Value::Null) || matches!(v, Value::Array(a) if a.is_empty()) || *v == Value::Bool(false)
}

pub(crate) fn text(s: &str) -> ToSqlOutput<'_> {
    ToSqlOutput::Borrowed(ValueRef::Text(s.as_bytes()))
}

/// [`to_sql`] borrowing text from the JSON value (a bulk write binds
/// millions of values).
pub(crate) fn to_sql_ref<'a>(ty: &FieldType, v: &'a Value) -> ToSqlOutput<'a> {
    match v {
        Value::String(s) => text(s),
        other => ToSqlOutput::Owned(to_sql(ty, other)),
    }
}

/// A JSON field value as an SQL value of the field's column.
pub(crate) fn to_sql(ty: &FieldType, v: &Value) -> rusqlite::types::Value {
    use rusqlite::types::Value as S;
    match v {
        Value::Null => S::Null,
        Value::Bool(b) => S::Integer(*b as i64),
        Value::Number(n) => match ty {
            FieldType::Decimal { .. } => S::Real(n.as_f64().unwrap_or(0.0)),
            FieldType::Int { .. } | FieldType::Money => S::Integer(n.as_i64().unwrap_or(0)),
            _ => S::Text(n.to_string()),
        },
        Value::String(s) => S::Text(s.clone()),
        other => S::Text(other.to_string()),
    }
}

/// Rows per multi-row `INSERT` (two parameters each, far below SQLite's limit).
pub(crate) const MAX_ROWS: usize = 500;

/// `head` followed by `n` rows of `shared` parameters common to all rows and
/// two of their own: `(?1, ?2, ?3), (?1, ?4, ?5) …` for `shared` = 1. Made
/// once per statement and size on each thread.
pub(crate) fn multi_row_sql(head: &'static str, shared: usize, n: usize) -> String {
    thread_local! {
        static SQL: std::cell::RefCell<std::collections::HashMap<(&'static str, usize), String>> = std::cell::RefCell::default();
    }
    SQL.with(|cache| {
        cache
            .borrow_mut()
            .entry((head, n))
            .or_insert_with(|| {
                let common: String = (1..=shared).map(|i| format!("?{i}, ")).collect();
                let rows: Vec<String> =
                    (0..n).map(|i| format!("({common}?{}, ?{})", shared + 2 * i + 1, shared + 2 * i + 2)).collect();
                format!("{head} {}", rows.join(", "))
            })
            .clone()
    })
}
