//! Reads: one record, lists with filters/sort/paging, the trash, timelines
//! and the full export.

use rusqlite::{params, params_from_iter, Connection, OptionalExtension, Row};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use ts_rs::TS;

use super::{Store, Stored};
use crate::error::{ApiError, Result};
use crate::model::{Kind, Record};
use crate::normalize;
use crate::schema::FieldType;

const ENVELOPE: &str =
    "id, version, created_at, created_by, updated_at, updated_by, deleted_at, deleted_by, display_name";

pub(super) fn select_sql(kind: Kind) -> String {
    let names: Vec<&str> = kind.meta().fields.iter().map(|f| f.name).collect();
    format!("SELECT {ENVELOPE}, {} FROM {}", names.join(", "), kind.meta().table)
}

/// A field's column as JSON (`null` when empty; booleans and lists never are).
pub(crate) fn field_value(row: &Row, col: usize, ty: &FieldType) -> rusqlite::Result<Value> {
    let v = match ty {
        FieldType::Int { .. } | FieldType::Money => row.get::<_, Option<i64>>(col)?.map(Value::from),
        FieldType::Decimal { .. } => row.get::<_, Option<f64>>(col)?.map(Value::from),
        FieldType::Bool => Some(Value::Bool(row.get::<_, Option<i64>>(col)?.unwrap_or(0) != 0)),
        t if t.is_json() => Some(
            row.get::<_, Option<String>>(col)?
                .and_then(|s| serde_json::from_str(&s).ok())
                .unwrap_or(Value::Array(vec![])),
        ),
        _ => row.get::<_, Option<String>>(col)?.map(Value::String),
    };
    Ok(v.unwrap_or(Value::Null))
}

/// Builds a `Stored` from a row selected by `select_sql`.
pub(super) fn from_row(kind: Kind, row: &Row) -> rusqlite::Result<Stored> {
    let mut fields = Map::new();
    for (i, def) in kind.meta().fields.iter().enumerate() {
        let col = i + 9;
        fields.insert(def.name.to_string(), field_value(row, col, &def.ty)?);
    }
    let record = Record::from_fields(kind, fields)
        .map_err(|e| rusqlite::Error::FromSqlConversionFailure(9, rusqlite::types::Type::Text, Box::new(e)))?;
    Ok(Stored {
        id: row.get(0)?,
        version: row.get(1)?,
        created_at: row.get(2)?,
        created_by: row.get(3)?,
        updated_at: row.get(4)?,
        updated_by: row.get(5)?,
        deleted_at: row.get(6)?,
        deleted_by: row.get(7)?,
        display_name: row.get(8)?,
        record,
    })
}

/// One record, live or in the trash.
pub(crate) fn get(conn: &Connection, kind: Kind, id: &str) -> Result<Stored> {
    conn.prepare_cached(&format!("{} WHERE id = ?1", select_sql(kind)))?
        .query_row([id], |r| from_row(kind, r))
        .optional()?
        .ok_or_else(|| ApiError::not_found(kind.as_str(), id))
}

/// How to compare a field in a list filter.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum FilterOp {
    Eq,
    Ne,
    Lt,
    Lte,
    Gt,
    Gte,
    /// Text contains the value (case-insensitive for ASCII).
    Contains,
    /// Text starts with the value.
    Prefix,
    /// A list field (tags, attendees) contains the value.
    Has,
    /// The value is one of a list.
    In,
    IsNull,
    NotNull,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct Filter {
    pub field: String,
    pub op: FilterOp,
    #[serde(default)]
    #[ts(type = "unknown")]
    pub value: Value,
}

/// Paging, sorting and filtering of a list.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, TS)]
#[serde(default)]
pub struct ListQuery {
    pub filters: Vec<Filter>,
    /// Free text matched against the display name and reading.
    #[ts(optional)]
    pub q: Option<String>,
    /// A field name, or `sort_key` (reading order), `display_name`, `created_at`, `updated_at`.
    #[ts(optional)]
    pub sort: Option<String>,
    #[ts(optional)]
    pub desc: Option<bool>,
    #[ts(optional)]
    pub offset: Option<u32>,
    /// At most 1000; 50 when not given.
    #[ts(optional)]
    pub limit: Option<u32>,
    /// Skip counting the total (faster for infinite scrolling).
    pub no_total: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct Page {
    pub items: Vec<Stored>,
    /// Number of matching records (null when `no_total` was asked).
    pub total: Option<u32>,
    pub offset: u32,
    pub limit: u32,
}

const META_COLUMNS: &[&str] = &["sort_key", "display_name", "created_at", "updated_at", "id"];

fn sql_value(v: &Value) -> rusqlite::types::Value {
    use rusqlite::types::Value as S;
    match v {
        Value::Null => S::Null,
        Value::Bool(b) => S::Integer(*b as i64),
        Value::Number(n) => n.as_i64().map(S::Integer).unwrap_or_else(|| S::Real(n.as_f64().unwrap_or(0.0))),
        Value::String(s) => S::Text(s.clone()),
        other => S::Text(other.to_string()),
    }
}

fn like_escape(s: &str) -> String {
    s.replace('\\', "\\\\").replace('%', "\\%").replace('_', "\\_")
}

/// The WHERE clause (after `deleted_at IS NULL`) and its parameters.
fn where_clause(kind: Kind, q: &ListQuery) -> Result<(String, Vec<rusqlite::types::Value>)> {
    let mut sql = String::from("deleted_at IS NULL");
    let mut params: Vec<rusqlite::types::Value> = Vec::new();
    for f in &q.filters {
        let def = kind.field(&f.field);
        if def.is_none() && !META_COLUMNS.contains(&f.field.as_str()) {
            return Err(ApiError::field(
                "unknown_field",
                &f.field,
                format!("{} has no field {}", kind.as_str(), f.field),
            ));
        }
        let col = &f.field;
        let is_list = def.is_some_and(|d| d.ty.is_json());
        let mut push = |p: rusqlite::types::Value| {
            params.push(p);
            params.len()
        };
        let clause = match f.op {
            FilterOp::Eq | FilterOp::Ne | FilterOp::Lt | FilterOp::Lte | FilterOp::Gt | FilterOp::Gte => {
                let op = match f.op {
                    FilterOp::Eq => "=",
                    FilterOp::Ne => "IS NOT",
                    FilterOp::Lt => "<",
                    FilterOp::Lte => "<=",
                    FilterOp::Gt => ">",
                    _ => ">=",
                };
                let i = push(sql_value(&f.value));
                format!("{col} {op} ?{i}")
            }
            FilterOp::Contains => {
                let text = f.value.as_str().unwrap_or_default();
                let i = push(format!("%{}%", like_escape(text)).into());
                format!("{col} LIKE ?{i} ESCAPE '\\'")
            }
            FilterOp::Prefix => {
                let text = f.value.as_str().unwrap_or_default();
                let i = push(format!("{}%", like_escape(text)).into());
                format!("{col} LIKE ?{i} ESCAPE '\\'")
            }
            FilterOp::Has if is_list => {
                let i = push(sql_value(&f.value));
                format!("EXISTS (SELECT 1 FROM json_each({col}) WHERE value = ?{i})")
            }
            FilterOp::Has => return Err(ApiError::field("bad_filter", col, "`has` works on list fields only")),
            FilterOp::In => {
                let items = f.value.as_array().cloned().unwrap_or_default();
                if items.is_empty() {
                    "0".to_string()
                } else {
                    let marks: Vec<String> = items.iter().map(|v| format!("?{}", push(sql_value(v)))).collect();
                    format!("{col} IN ({})", marks.join(", "))
                }
            }
            FilterOp::IsNull if is_list => format!("({col} IS NULL OR {col} = '[]')"),
            FilterOp::IsNull => format!("{col} IS NULL"),
            FilterOp::NotNull if is_list => format!("({col} IS NOT NULL AND {col} != '[]')"),
            FilterOp::NotNull => format!("{col} IS NOT NULL"),
        };
        sql.push_str(" AND ");
        sql.push_str(&clause);
    }
    if let Some(text) = q.q.as_deref().map(str::trim).filter(|t| !t.is_empty()) {
        let folded = normalize::fold(text);
        params.push(format!("%{}%", like_escape(&folded)).into());
        let a = params.len();
        params.push(format!("%{}%", like_escape(&normalize::reading_key(text))).into());
        let b = params.len();
        sql.push_str(&format!(" AND (display_name LIKE ?{a} ESCAPE '\\' OR sort_key LIKE ?{b} ESCAPE '\\')"));
    }
    Ok((sql, params))
}

pub(crate) fn list(conn: &Connection, kind: Kind, q: &ListQuery) -> Result<Page> {
    let meta = kind.meta();
    let sort = q.sort.clone().unwrap_or_else(|| meta.default_sort.to_string());
    let sort_def = kind.field(&sort);
    if sort_def.is_none() && !META_COLUMNS.contains(&sort.as_str()) {
        return Err(ApiError::field("unknown_field", "sort", format!("cannot sort {} by {sort}", kind.as_str())));
    }
    let desc = q.desc.unwrap_or(if q.sort.is_none() { meta.default_desc } else { false });
    let dir = if desc { "DESC" } else { "ASC" };
    // Records without a value sort last whichever way; `sort_key` is never null.
    let nulls = if sort_def.is_some_and(|d| !d.required) { format!("{sort} IS NULL, ") } else { String::new() };
    let limit = q.limit.unwrap_or(50).clamp(1, 1000);
    let offset = q.offset.unwrap_or(0);
    let (wh, mut params) = where_clause(kind, q)?;
    let unfiltered = q.filters.is_empty() && q.q.as_deref().is_none_or(|t| t.trim().is_empty());
    let total = if q.no_total {
        None
    } else if unfiltered {
        // Kept by triggers (migration 0007): counting 100k index entries
        // costs more than the whole first page.
        let n: i64 =
            conn.prepare_cached("SELECT n FROM live_counts WHERE tbl = ?1")?.query_row([meta.table], |r| r.get(0))?;
        Some(n as u32)
    } else {
        let n: i64 = conn
            .prepare_cached(&format!("SELECT COUNT(*) FROM {} WHERE {wh}", meta.table))?
            .query_row(params_from_iter(params.iter()), |r| r.get(0))?;
        Some(n as u32)
    };
    params.push((limit as i64).into());
    params.push((offset as i64).into());
    // Page through row ids first (an index-only scan for the default order,
    // so deep offsets stay cheap), then read the full rows of that page.
    // Ties break on rowid, which the sort index already holds.
    let order = format!("{nulls}{sort} {dir}, rowid {dir}");
    let sql = format!(
        "{} WHERE rowid IN (SELECT rowid FROM {} WHERE {wh} ORDER BY {order} LIMIT ?{} OFFSET ?{}) ORDER BY {order}",
        select_sql(kind),
        meta.table,
        params.len() - 1,
        params.len()
    );
    let items = conn
        .prepare_cached(&sql)?
        .query_map(params_from_iter(params.iter()), |r| from_row(kind, r))?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    Ok(Page { items, total, offset, limit })
}

/// A record in the trash.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct TrashItem {
    pub kind: Kind,
    pub id: String,
    pub display_name: String,
    #[ts(type = "number")]
    pub deleted_at: i64,
    pub deleted_by: Option<String>,
}

/// A trash row selected as (kind, id, display_name, deleted_at, deleted_by).
pub(crate) fn trash_item(r: &Row) -> rusqlite::Result<TrashItem> {
    let kind: String = r.get(0)?;
    Ok(TrashItem {
        kind: Kind::parse(&kind).unwrap_or(Kind::Company),
        id: r.get(1)?,
        display_name: r.get(2)?,
        deleted_at: r.get(3)?,
        deleted_by: r.get(4)?,
    })
}

/// Whose timeline.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(tag = "kind", content = "id", rename_all = "snake_case")]
pub enum TimelineOwner {
    Company(String),
    Contact(String),
}

/// One entry of a company's or a contact's history, newest first.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct TimelineEntry {
    pub kind: Kind,
    pub id: String,
    /// `YYYY-MM-DD` or `YYYY-MM-DDTHH:MM`.
    pub at: String,
    pub title: String,
    /// Activity kind (`meeting`, `inquiry` …), purchase status, or null.
    pub subtype: Option<String>,
    /// The start of the content, for the list.
    pub summary: Option<String>,
}

impl Store {
    pub fn get(&self, kind: Kind, id: &str) -> Result<Stored> {
        get(&self.conn, kind, id)
    }

    pub fn list(&self, kind: Kind, q: &ListQuery) -> Result<Page> {
        list(&self.conn, kind, q)
    }

    /// Records in the trash, most recently deleted first.
    pub fn trash(&self, offset: u32, limit: u32) -> Result<Vec<TrashItem>> {
        let parts: Vec<String> = Kind::ALL
            .iter()
            .map(|k| {
                format!(
                    "SELECT '{}' AS kind, id, display_name, deleted_at, deleted_by FROM {} WHERE deleted_at IS NOT NULL",
                    k.as_str(),
                    k.meta().table
                )
            })
            .collect();
        let sql = format!("{} ORDER BY deleted_at DESC, id LIMIT ?1 OFFSET ?2", parts.join(" UNION ALL "));
        let rows = self
            .conn
            .prepare_cached(&sql)?
            .query_map(params![limit.clamp(1, 1000), offset], trash_item)?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        Ok(rows)
    }

    /// How many records are in the trash, of every kind (each table's
    /// partial index on `deleted_at` counts them). The trash screen pages
    /// through [`Store::trash`] with it: no cap on what it can show.
    pub fn trash_count(&self) -> Result<u64> {
        let mut total = 0u64;
        for kind in Kind::ALL {
            let sql = format!("SELECT COUNT(*) FROM {} WHERE deleted_at IS NOT NULL", kind.meta().table);
            total += self.conn.prepare_cached(&sql)?.query_row([], |r| r.get::<_, i64>(0))? as u64;
        }
        Ok(total)
    }

    /// Everything that happened with a company or a contact, newest first:
    /// activities, business-card exchanges, purchases, and (for a contact)
    /// position changes.
    pub fn timeline(&self, owner: &TimelineOwner, offset: u32, limit: u32) -> Result<Vec<TimelineEntry>> {
        let (sql, id) = match owner {
            TimelineOwner::Company(id) => {
                self.get(Kind::Company, id)?;
                (
                    "SELECT 'activity', id, occurred_at AS at, display_name, kind, substr(content, 1, 160) FROM activities
                       WHERE company_id = ?1 AND deleted_at IS NULL
                     UNION ALL
                     SELECT 'purchase', id, COALESCE(contract_date, start_date, delivery_date, ''), display_name, status, substr(notes, 1, 160)
                       FROM purchases WHERE company_id = ?1 AND deleted_at IS NULL
                     UNION ALL
                     SELECT 'card_exchange', e.id, e.exchanged_on, c.display_name, NULL, substr(e.context, 1, 160)
                       FROM card_exchanges e JOIN contacts c ON c.id = e.contact_id
                       WHERE c.company_id = ?1 AND e.deleted_at IS NULL AND c.deleted_at IS NULL
                     ORDER BY at DESC, 2 DESC LIMIT ?2 OFFSET ?3",
                    id,
                )
            }
            TimelineOwner::Contact(id) => {
                self.get(Kind::Contact, id)?;
                (
                    "SELECT 'activity', a.id, a.occurred_at AS at, a.display_name, a.kind, substr(a.content, 1, 160)
                       FROM record_links l JOIN activities a ON a.id = l.record_id
                       WHERE l.target_id = ?1 AND l.field = 'contact_ids' AND a.deleted_at IS NULL
                     UNION ALL
                     SELECT 'card_exchange', id, exchanged_on, COALESCE(place, ''), NULL, substr(context, 1, 160)
                       FROM card_exchanges WHERE contact_id = ?1 AND deleted_at IS NULL
                     UNION ALL
                     SELECT 'contact_position', id, COALESCE(from_date, ''), display_name, NULL, NULL
                       FROM contact_positions WHERE contact_id = ?1 AND deleted_at IS NULL
                     ORDER BY at DESC, 2 DESC LIMIT ?2 OFFSET ?3",
                    id,
                )
            }
        };
        let rows = self
            .conn
            .prepare_cached(sql)?
            .query_map(params![id, limit.clamp(1, 1000), offset], |r| {
                let kind: String = r.get(0)?;
                Ok(TimelineEntry {
                    kind: Kind::parse(&kind).unwrap_or(Kind::Activity),
                    id: r.get(1)?,
                    at: r.get(2)?,
                    title: r.get(3)?,
                    subtype: r.get(4)?,
                    summary: r.get(5)?,
                })
            })?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        Ok(rows)
    }

    /// A full, stably ordered dump of every record (kinds in a fixed order,
    /// records by id): equal databases give byte-identical exports.
    pub fn export_json(&self) -> Result<Value> {
        let mut kinds = Map::new();
        for kind in Kind::ALL {
            let mut stmt = self.conn.prepare(&format!("{} ORDER BY id", select_sql(*kind)))?;
            let rows = stmt.query_map([], |r| from_row(*kind, r))?;
            let mut out = Vec::new();
            for row in rows {
                let mut s = row?;
                // Private memos and private activities' texts never leave this device (issue 18).
                super::privacy::redact_record(&mut s.record);
                let mut fields = s.record.to_fields();
                fields.retain(|k, _| !super::privacy::is_local_only(*kind, k));
                let mut m = Map::new();
                m.insert("id".into(), Value::String(s.id.clone()));
                m.insert("deleted".into(), Value::Bool(s.deleted_at.is_some()));
                m.insert("fields".into(), Value::Object(fields));
                out.push(Value::Object(m));
            }
            kinds.insert(kind.as_str().to_string(), Value::Array(out));
        }
        let mut top = Map::new();
        top.insert("format".into(), Value::String("daifuku-export".into()));
        top.insert("version".into(), Value::from(1));
        top.insert("records".into(), Value::Object(kinds));
        Ok(Value::Object(top))
    }
}

/// What the Home screen shows: work due, contracts coming up, recent history.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct Home {
    pub today: String,
    /// Open tasks due before today.
    pub overdue_tasks: Vec<Stored>,
    /// Open tasks due today.
    pub today_tasks: Vec<Stored>,
    /// Open tasks due in the next 7 days.
    pub upcoming_tasks: Vec<Stored>,
    /// Contracts whose expiry or renewal date falls in the next 90 days.
    pub renewals: Vec<Stored>,
    /// The newest activities.
    pub recent_activities: Vec<Stored>,
    /// This week's renewal reminders by lead time (「更新日 2027-03-01 まで60日」).
    pub renewal_alerts: Vec<super::RenewalAlert>,
    /// Information reports shared with the current user, newest first.
    pub shared_reports: Vec<Stored>,
    /// Ranked companies overdue for contact and dormant customers (issue 21).
    pub priorities: crate::report::Priorities,
}

fn add_days(date: &str, days: i64) -> String {
    chrono::NaiveDate::parse_from_str(date, "%Y-%m-%d")
        .map(|d| (d + chrono::Duration::days(days)).format("%Y-%m-%d").to_string())
        .unwrap_or_else(|_| date.to_string())
}

impl Store {
    /// The Home screen for `today` (the caller's local date); with `user`,
    /// only that user's tasks.
    pub fn home(&self, today: &str, user: Option<&str>) -> Result<Home> {
        let tasks = |cond: &str, a: &str, b: &str| -> Result<Vec<Stored>> {
            let sql = format!(
                "{} WHERE deleted_at IS NULL AND done = 0 AND due IS NOT NULL AND {cond} AND (?3 IS NULL OR assignee_id = ?3) ORDER BY due, id LIMIT 200",
                select_sql(Kind::Task)
            );
            let mut stmt = self.conn.prepare_cached(&sql)?;
            let rows = stmt.query_map(params![a, b, user], |r| from_row(Kind::Task, r))?;
            Ok(rows.collect::<rusqlite::Result<Vec<_>>>()?)
        };
        let horizon = add_days(today, 90);
        let renewals = self
            .conn
            .prepare_cached(&format!(
                "{} WHERE deleted_at IS NULL AND (status IS NULL OR status NOT IN ('cancelled', 'expired', 'renewed'))
                   AND ((expiry_date >= ?1 AND expiry_date <= ?2) OR (renewal_date >= ?1 AND renewal_date <= ?2))
                 ORDER BY MIN(COALESCE(renewal_date, expiry_date), COALESCE(expiry_date, renewal_date)), id LIMIT 200",
                select_sql(Kind::Purchase)
            ))?
            .query_map(params![today, horizon], |r| from_row(Kind::Purchase, r))?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        let recent =
            list(&self.conn, Kind::Activity, &ListQuery { limit: Some(20), no_total: true, ..Default::default() })?
                .items;
        Ok(Home {
            today: today.to_string(),
            overdue_tasks: tasks("due < ?1 AND ?2 = ?2", today, today)?,
            today_tasks: tasks("due = ?1 AND ?2 = ?2", today, today)?,
            upcoming_tasks: tasks("due > ?1 AND due <= ?2", today, &add_days(today, 7))?,
            renewals,
            recent_activities: recent,
            renewal_alerts: self.renewal_alerts(today)?,
            priorities: self.priorities(today, user)?,
            shared_reports: match self.current_user()? {
                Some(me) => self.shared_reports(&me)?,
                None => vec![],
            },
        })
    }
}
