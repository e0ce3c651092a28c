//! Private memos (自分用メモ, issue 18 item 2): what never leaves this device.
//!
//! A `private_memo` on companies, contacts and deals, and every text of an
//! activity marked `private`, stay in this database (and the user's own full
//! backup of it). They are never written to the change log's shipped fields
//! (so never to a sync change file), are blanked in snapshot images, and
//! every export (CSV, XLSX, vCard, JSON), the mailing list and the printed
//! forms leave them out. The one rule lives here: [`is_local_only`].

use rusqlite::Connection;
use serde_json::{Map, Value};

use crate::error::Result;
use crate::model::Kind;

/// The field of companies, contacts and deals that holds the private memo.
pub const PRIVATE_MEMO: &str = "private_memo";

/// The activity switch that keeps its texts on this device.
pub const PRIVATE_SWITCH: &str = "private";

/// The kinds that have a private memo.
pub const MEMO_KINDS: [Kind; 3] = [Kind::Company, Kind::Contact, Kind::Deal];

/// An activity's texts that a private activity keeps on this device.
pub const PRIVATE_ACTIVITY_TEXTS: &[&str] = &[
    "subject",
    "content",
    "outcome",
    "next_steps",
    "other_attendees",
    "how_to_use",
    "to_find_out",
    "supervisor_decision",
];

/// Whether `field` of a `kind` record never leaves this device, whatever its
/// value: the private memo.
pub fn is_local_only(kind: Kind, field: &str) -> bool {
    field == PRIVATE_MEMO && MEMO_KINDS.contains(&kind)
}

/// Whether `field` of this record stays on this device: the private memo,
/// and the texts of an activity whose `private` switch is on.
pub fn is_local_only_in(kind: Kind, field: &str, private_activity: bool) -> bool {
    is_local_only(kind, field)
        || (kind == Kind::Activity && private_activity && PRIVATE_ACTIVITY_TEXTS.contains(&field))
}

/// Whether a record's fields (as `Record::to_fields` or a change gives them)
/// say it is a private activity.
pub fn is_private_activity(kind: Kind, fields: &Map<String, Value>) -> bool {
    kind == Kind::Activity && fields.get(PRIVATE_SWITCH) == Some(&Value::Bool(true))
}

/// The fields without those that stay on this device (`None`: nothing to
/// drop, use the fields as they are). For an activity the stored switch is
/// read when the change does not carry it.
pub(crate) fn shareable(
    conn: &Connection,
    kind: Kind,
    id: &str,
    fields: &Map<String, Value>,
) -> Result<Option<Map<String, Value>>> {
    let private = match kind {
        Kind::Activity => match fields.get(PRIVATE_SWITCH) {
            Some(v) => v == &Value::Bool(true),
            None if fields.keys().any(|k| PRIVATE_ACTIVITY_TEXTS.contains(&k.as_str())) => stored_private(conn, id)?,
            None => false,
        },
        k if MEMO_KINDS.contains(&k) => false,
        _ => return Ok(None),
    };
    if !fields.keys().any(|k| is_local_only_in(kind, k, private)) {
        return Ok(None);
    }
    Ok(Some(
        fields
            .iter()
            .filter(|(k, _)| !is_local_only_in(kind, k, private))
            .map(|(k, v)| (k.clone(), v.clone()))
            .collect(),
    ))
}

/// The change's JSON (as the caller wrote it: often the set fields only)
/// without the keys [`shareable`] dropped.
pub(crate) fn strip_json(json: &str, kept: &Map<String, Value>) -> Result<String> {
    let mut m: Map<String, Value> = serde_json::from_str(json)?;
    m.retain(|k, _| kept.contains_key(k));
    Ok(serde_json::to_string(&m)?)
}

fn stored_private(conn: &Connection, id: &str) -> Result<bool> {
    use rusqlite::OptionalExtension;
    Ok(conn
        .prepare_cached("SELECT private FROM activities WHERE id = ?1")?
        .query_row([id], |r| r.get::<_, Option<i64>>(0))
        .optional()?
        .flatten()
        .unwrap_or(0)
        != 0)
}

/// Blanks in `fields` what stays on this device (exports, prints, mailing lists).
pub fn redact(kind: Kind, fields: &mut Map<String, Value>) {
    let private = is_private_activity(kind, fields);
    for (k, v) in fields.iter_mut() {
        if is_local_only_in(kind, k, private) {
            *v = Value::Null;
        }
    }
}

/// Blanks what stays on this device in a record about to leave it (exports,
/// mailing lists, printed forms).
pub fn redact_record(record: &mut crate::model::Record) {
    use crate::model::Record;
    match record {
        Record::Company(c) => c.private_memo = None,
        Record::Contact(c) => c.private_memo = None,
        Record::Deal(d) => d.private_memo = None,
        Record::Activity(a) if a.private => {
            for text in [
                &mut a.subject,
                &mut a.content,
                &mut a.outcome,
                &mut a.next_steps,
                &mut a.other_attendees,
                &mut a.how_to_use,
                &mut a.to_find_out,
                &mut a.supervisor_decision,
            ] {
                *text = None;
            }
        }
        _ => {}
    }
}

/// Blanks every local-only value in a snapshot image (a copy of this
/// database about to be shared): private memos, private activities' texts
/// `secure_delete` overwrites the
/// old values in the image's pages instead of leaving them in free space.
pub(crate) fn scrub_image(image: &Connection) -> Result<()> {
    image.execute_batch("PRAGMA secure_delete = ON;")?;
    for kind in MEMO_KINDS {
        image.execute(
            &format!("UPDATE {} SET {PRIVATE_MEMO} = NULL WHERE {PRIVATE_MEMO} IS NOT NULL", kind.meta().table),
            [],
        )?;
    }
    let sets: Vec<String> = PRIVATE_ACTIVITY_TEXTS.iter().map(|f| format!("{f} = NULL")).collect();
    image.execute(&format!("UPDATE activities SET {} WHERE private = 1", sets.join(", ")), [])?;
    // Their titles (made from the subject) as a device without the texts makes them.
    let rows: Vec<(String, String)> = image
        .prepare("SELECT id, occurred_at FROM activities WHERE private = 1")?
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?
        .collect::<rusqlite::Result<_>>()?;
    let mut title = image.prepare("UPDATE activities SET display_name = ?2, sort_key = ?3 WHERE id = ?1")?;
    for (id, occurred_at) in rows {
        let mut m = Map::new();
        m.insert("occurred_at".into(), Value::String(occurred_at));
        m.insert(PRIVATE_SWITCH.into(), Value::Bool(true));
        let display = crate::keys::display_name(Kind::Activity, &m);
        let sort = crate::keys::sort_key(Kind::Activity, &m, &display);
        title.execute(rusqlite::params![id, display, sort])?;
    }
    // The search index holds no private text: `keys::search_doc` leaves a
    // private activity's texts out, and the memo is not a searched field.
    Ok(())
}

/// Migration 0019's hook: the columns, where missing.
pub(crate) fn add_columns(conn: &Connection) -> Result<()> {
    let has = |table: &str, col: &str| -> Result<bool> {
        Ok(conn.query_row(
            &format!("SELECT COUNT(*) FROM pragma_table_info('{table}') WHERE name = ?1"),
            [col],
            |r| r.get::<_, i64>(0),
        )? > 0)
    };
    for kind in MEMO_KINDS {
        let table = kind.meta().table;
        if !has(table, PRIVATE_MEMO)? {
            conn.execute_batch(&format!("ALTER TABLE {table} ADD COLUMN {PRIVATE_MEMO} TEXT;"))?;
        }
    }
    if !has("activities", PRIVATE_SWITCH)? {
        conn.execute_batch("ALTER TABLE activities ADD COLUMN private INTEGER NOT NULL DEFAULT 0;")?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_the_memo_and_private_activity_texts_stay() {
        let cases: &[(Kind, &str, bool, bool)] = &[
            (Kind::Company, "private_memo", false, true),
            (Kind::Contact, "private_memo", false, true),
            (Kind::Deal, "private_memo", false, true),
            (Kind::Company, "notes", false, false),
            (Kind::Activity, "content", true, true),
            (Kind::Activity, "subject", true, true),
            (Kind::Activity, "content", false, false),
            (Kind::Activity, "occurred_at", true, false),
            (Kind::Activity, "private", true, false),
        ];
        for &(kind, field, private, want) in cases {
            assert_eq!(is_local_only_in(kind, field, private), want, "{kind:?}.{field} private={private}");
        }
    }
}
