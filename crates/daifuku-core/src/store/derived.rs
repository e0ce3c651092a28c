//! Derived rows: match keys, list links and search documents, recomputed
//! from a record's fields on every write, and the defer/flush machinery that
//! bulk writes (imports, `create_many`, sync rounds, snapshot loads) use to
//! write them at the end of their transaction. The writers call this module;
//! it calls nothing back (only `read::get` for the rebuilds of migrations).
//!
//! The layout of the full-text rows (document ids, columns, rowids) lives
//! here too; the query side (`search.rs`) reads it.

use std::collections::HashMap;

use rusqlite::{params, Connection, OptionalExtension};
use serde_json::{Map, Value};

use super::read;
use super::sql::{is_empty, multi_row_sql, MAX_ROWS};
use crate::error::Result;
use crate::keys::{self, SearchDoc, SEARCH_KINDS};
use crate::model::Kind;
use crate::schema::FieldType;

/// Rewrites the match keys, list links and search document of one record.
/// `fresh`: the record was inserted by this write (no derived rows to replace).
pub(crate) fn write_derived(
    conn: &Connection,
    kind: Kind,
    id: &str,
    fields: &Map<String, Value>,
    fresh: bool,
) -> Result<()> {
    if !index(conn, kind, id, fields, fresh)? {
        write_keys(conn, kind, id, fresh, &keys::match_keys(kind, fields))?;
    }
    let list_fields: Vec<&str> =
        kind.meta().fields.iter().filter(|f| matches!(f.ty, FieldType::RefList { .. })).map(|f| f.name).collect();
    if !list_fields.is_empty() {
        if !fresh {
            conn.prepare_cached("DELETE FROM record_links WHERE record_id = ?1")?.execute([id])?;
        }
        let links: Vec<(&str, &str)> = list_fields
            .iter()
            .filter_map(|f| match fields.get(*f) {
                Some(Value::Array(targets)) => Some(targets.iter().filter_map(Value::as_str).map(move |t| (*f, t))),
                _ => None,
            })
            .flatten()
            .collect();
        for chunk in links.chunks(MAX_ROWS) {
            let sql = multi_row_sql(
                "INSERT OR IGNORE INTO record_links (record_id, field, target_id) VALUES",
                1,
                chunk.len(),
            );
            let mut values: Vec<&dyn rusqlite::ToSql> = vec![&id];
            for (f, t) in chunk {
                values.push(f);
                values.push(t);
            }
            conn.prepare_cached(&sql)?.execute(values.as_slice())?;
        }
    }
    Ok(())
}

/// Replaces a record's match keys (one statement for all of them).
pub(crate) fn write_keys(
    conn: &Connection,
    kind: Kind,
    id: &str,
    fresh: bool,
    keys: &[(&'static str, String)],
) -> Result<()> {
    if !fresh {
        delete_keys(conn, id)?;
    }
    let kind_name = kind.as_str();
    for chunk in keys.chunks(MAX_ROWS) {
        let sql =
            multi_row_sql("INSERT OR IGNORE INTO match_keys (kind, record_id, key_type, key) VALUES", 2, chunk.len());
        let mut values: Vec<&dyn rusqlite::ToSql> = vec![&kind_name, &id];
        for (t, k) in chunk {
            values.push(t);
            values.push(k);
        }
        conn.prepare_cached(&sql)?.execute(values.as_slice())?;
    }
    Ok(())
}

/// Removes a record's match keys (a record in the trash has none).
pub(crate) fn delete_keys(conn: &Connection, id: &str) -> Result<()> {
    conn.prepare_cached("DELETE FROM match_keys WHERE record_id = ?1")?.execute([id])?;
    Ok(())
}

/// Recomputes derived tables for every record (used by migrations).
pub(crate) fn rebuild_derived(conn: &Connection) -> Result<()> {
    for kind in Kind::ALL {
        let exists: bool = conn.query_row(
            "SELECT EXISTS (SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?1)",
            [kind.meta().table],
            |r| r.get(0),
        )?;
        if !exists {
            continue; // a kind a later migration adds (run from an earlier migration's hook)
        }
        let ids: Vec<String> = conn
            .prepare(&format!("SELECT id FROM {} WHERE deleted_at IS NULL", kind.meta().table))?
            .query_map([], |r| r.get(0))?
            .collect::<rusqlite::Result<_>>()?;
        for id in ids {
            let fields = read::get(conn, *kind, &id)?.record.to_fields();
            write_derived(conn, *kind, &id, &fields, false)?;
        }
    }
    Ok(())
}

/// Bits below a kind's rank in a document id.
const KIND_SHIFT: u32 = 40;
/// Bits below a column number in a full-text rowid.
const COLUMN_SHIFT: u32 = 44;
pub(crate) const DOC_MASK: i64 = (1 << COLUMN_SHIFT) - 1;

/// What a full-text row holds. Each non-empty value of a document is one
/// row, `rowid = column << 44 | doc`, columns numbered in the order search
/// ranks a match in them (migration 0012): one `MATCH` over all columns
/// returns its rows best rank first, then by kind, and one column or one
/// kind of one column is a rowid range.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Column {
    Reading = 0,
    Name = 1,
    Code = 2,
    Phone = 3,
    Email = 4,
    Body = 5,
}

pub(crate) const TEXT_COLUMNS: [Column; 6] =
    [Column::Reading, Column::Name, Column::Code, Column::Phone, Column::Email, Column::Body];
/// The columns with grams (1–2 character queries): the first three.
pub(crate) const GRAM_COLUMNS: [Column; 3] = [Column::Reading, Column::Name, Column::Code];

impl Column {
    /// The column of a full-text rowid.
    pub(crate) fn of(rowid: i64) -> Column {
        TEXT_COLUMNS[((rowid >> COLUMN_SHIFT) as usize).min(TEXT_COLUMNS.len() - 1)]
    }
}

pub(crate) fn kind_rank(kind: Kind) -> i64 {
    SEARCH_KINDS.iter().position(|k| *k == kind).map_or(SEARCH_KINDS.len() as i64 + 1, |p| p as i64 + 1)
}

/// The document ids of one kind: `[lo, hi)`.
fn doc_range(kind: Kind) -> (i64, i64) {
    let rank = kind_rank(kind);
    (rank << KIND_SHIFT, (rank + 1) << KIND_SHIFT)
}

fn rowid(column: Column, doc: i64) -> i64 {
    ((column as i64) << COLUMN_SHIFT) | doc
}

/// The full-text rowids of one column, for all documents (`kinds` = None)
/// or one kind: `[lo, hi)`.
pub(crate) fn row_range(column: Column, kind: Option<Kind>) -> (i64, i64) {
    match kind {
        Some(k) => {
            let (lo, hi) = doc_range(k);
            (rowid(column, lo), rowid(column, hi))
        }
        None => (rowid(column, 0), rowid(column, DOC_MASK) + 1),
    }
}

fn doc_text(doc: &SearchDoc, column: Column) -> &str {
    match column {
        Column::Name => &doc.name,
        Column::Reading => &doc.reading,
        Column::Code => &doc.code,
        Column::Email => &doc.email,
        Column::Phone => &doc.phone,
        Column::Body => &doc.body,
    }
}

fn doc_grams(doc: &SearchDoc, column: Column) -> &str {
    match column {
        Column::Name => &doc.name_grams,
        Column::Reading => &doc.reading_grams,
        Column::Code => &doc.code_grams,
        _ => "",
    }
}

/// FNV-1a of the indexed text: a document whose text did not change is not
/// re-indexed (most edits touch other fields).
fn digest(doc: &SearchDoc) -> i64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for c in TEXT_COLUMNS {
        for b in doc_text(doc, c).bytes().chain([0xff]) {
            h ^= u64::from(b);
            h = h.wrapping_mul(0x0100_0000_01b3);
        }
    }
    for c in GRAM_COLUMNS {
        for b in doc_grams(doc, c).bytes().chain([0xff]) {
            h ^= u64::from(b);
            h = h.wrapping_mul(0x0100_0000_01b3);
        }
    }
    h as i64
}

/// The search tables exist from migration 4 on; the derived rows rebuilt by
/// migration 2 are written before that, and migration 4 indexes everything.
fn index_exists(conn: &Connection) -> Result<bool> {
    Ok(conn.prepare_cached("SELECT 1 FROM sqlite_schema WHERE type = 'table' AND name = 'search_docs'")?.exists([])?)
}

/// Writes (or rewrites) the search document of a record, from
/// `write_derived` on every write; a record in the trash gets none. Kinds the
/// search box does not look in are ignored. Moving a record to the trash
/// removes its document by trigger (migration 0004), whoever does it.
///
/// Inside a bulk write ([`defer`]) the record is only noted, its match keys
/// too: returns whether they are deferred (then the caller does not write
/// them). `fresh`: the record was inserted by this write (it has no derived
/// rows).
pub(crate) fn index(conn: &Connection, kind: Kind, id: &str, fields: &Map<String, Value>, fresh: bool) -> Result<bool> {
    let deferred = PENDING.with(|p| match p.borrow_mut().as_mut() {
        Some(pending) => {
            pending.push(kind, id, fields, fresh);
            true
        }
        None => false,
    });
    if deferred {
        return Ok(true);
    }
    if let Some(doc) = keys::search_doc(kind, fields) {
        write_docs(conn, [Derived { kind, id: id.to_string(), doc: Some(doc), keys: None }], 1, &mut |_| true)?;
    }
    Ok(false)
}

/// The derived rows of one record, made from its fields: the search
/// document (search kinds) and, when deferred, the match keys.
struct Derived {
    kind: Kind,
    id: String,
    doc: Option<SearchDoc>,
    /// (fresh, keys): see [`index`].
    keys: Option<(bool, Vec<(&'static str, String)>)>,
}

/// A bulk write's progress callback: thousandths done; `false` stops it.
pub(crate) type Step<'a> = &'a mut dyn FnMut(u64) -> bool;

/// Records or full-text rows between two calls of a [`Step`].
const STEP: usize = 500;

/// The part of the flush (in thousandths) that goes to the records' match
/// keys and document rows; the full-text rows take the rest (5.9 s and
/// 3.6 s in the import benchmark).
const KEYS_SHARE: usize = 620;

fn cancelled() -> crate::error::ApiError {
    crate::error::ApiError::new("cancelled", "cancelled while indexing")
}

/// Writes derived rows: match keys and the document table (a record in the
/// trash gets none; unchanged text is left alone), then the full-text rows in
/// ascending rowid order (see [`Deferred`]).
/// `step` is told how far the writing is, in thousandths, every [`STEP`]
/// records or full-text rows (`total`: how many records `docs` brings);
/// answering `false` stops with a `cancelled` error.
fn write_docs(conn: &Connection, docs: impl IntoIterator<Item = Derived>, total: usize, step: Step) -> Result<()> {
    let indexed = index_exists(conn)?;
    let mut next_doc: HashMap<Kind, i64> = HashMap::new();
    let mut stale: Vec<i64> = Vec::new();
    let mut fresh: Vec<(i64, SearchDoc)> = Vec::new();
    for (done, Derived { kind, id, doc, keys }) in docs.into_iter().enumerate() {
        if done % STEP == 0 && !step((KEYS_SHARE * done / total.max(1)) as u64) {
            return Err(cancelled());
        }
        // Folder sync writes the derived rows of records it keeps in the trash.
        let live: bool = conn
            .prepare_cached(&format!("SELECT deleted_at IS NULL FROM {} WHERE id = ?1", kind.meta().table))?
            .query_row([&id], |r| r.get(0))
            .optional()?
            .unwrap_or(false);
        if !live {
            if keys.is_some() {
                delete_keys(conn, &id)?;
            }
            if indexed && doc.is_some() {
                unindex(conn, &id)?;
            }
            continue;
        }
        // A record inserted by this bulk write has no derived rows yet.
        let new_record = matches!(keys, Some((true, _)));
        if let Some((fresh, keys)) = keys {
            write_keys(conn, kind, &id, fresh, &keys)?;
        }
        let Some(doc) = doc.filter(|_| indexed) else { continue };
        let digest = digest(&doc);
        let existing: Option<(i64, i64)> = if new_record {
            None
        } else {
            conn.prepare_cached("SELECT doc, digest FROM search_docs WHERE record_id = ?1")?
                .query_row([&id], |r| Ok((r.get(0)?, r.get(1)?)))
                .optional()?
        };
        let number = match existing {
            Some((_, old)) if old == digest => continue,
            Some((number, _)) => {
                conn.prepare_cached("UPDATE search_docs SET digest = ?2 WHERE doc = ?1")?
                    .execute(params![number, digest])?;
                stale.push(number);
                number
            }
            None => {
                let number = match next_doc.get(&kind) {
                    Some(n) => *n,
                    None => {
                        let (lo, hi) = doc_range(kind);
                        let last: Option<i64> = conn
                            .prepare_cached("SELECT MAX(doc) FROM search_docs WHERE doc >= ?1 AND doc < ?2")?
                            .query_row(params![lo, hi], |r| r.get(0))?;
                        last.map_or(lo, |d| d + 1)
                    }
                };
                next_doc.insert(kind, number + 1);
                conn.prepare_cached("INSERT INTO search_docs (doc, kind, record_id, digest) VALUES (?1, ?2, ?3, ?4)")?
                    .execute(params![number, kind.as_str(), id, digest])?;
                number
            }
        };
        fresh.push((number, doc));
    }
    if !indexed {
        return Ok(());
    }
    for number in stale {
        delete_text(conn, number)?;
    }
    // FTS5 starts a new segment whenever a rowid is lower than the one
    // before: rows go in ascending rowid order (column by column).
    let mut rows: Vec<(i64, &str)> = Vec::new();
    let mut gram_rows: Vec<(i64, &str)> = Vec::new();
    for (number, doc) in &fresh {
        for c in TEXT_COLUMNS {
            let t = doc_text(doc, c);
            if !t.is_empty() {
                rows.push((rowid(c, *number), t));
            }
        }
        for c in GRAM_COLUMNS {
            let g = doc_grams(doc, c);
            if !g.is_empty() {
                gram_rows.push((rowid(c, *number), g));
            }
        }
    }
    rows.sort_unstable_by_key(|r| r.0);
    gram_rows.sort_unstable_by_key(|r| r.0);
    let all = rows.len() + gram_rows.len();
    let mut text = conn.prepare_cached("INSERT INTO search_text (rowid, text) VALUES (?1, ?2)")?;
    let mut grams = conn.prepare_cached("INSERT INTO search_grams (rowid, grams) VALUES (?1, ?2)")?;
    let tagged = rows.into_iter().map(|r| (false, r)).chain(gram_rows.into_iter().map(|r| (true, r)));
    for (n, (is_grams, (id, t))) in tagged.enumerate() {
        if n % STEP == 0 && !step((KEYS_SHARE + (1000 - KEYS_SHARE) * n / all) as u64) {
            return Err(cancelled());
        }
        if is_grams { &mut grams } else { &mut text }.execute(params![id, t])?;
    }
    Ok(())
}

// ---------------------------------------------------------------------------
// Deferred indexing for bulk writes
// ---------------------------------------------------------------------------

/// Records to index at the end of a bulk write, the latest fields per record.
#[derive(Default)]
struct Pending {
    order: Vec<(Kind, String)>,
    /// Fields, and whether the record was new when first noted.
    fields: HashMap<String, (Map<String, Value>, bool)>,
}

impl Pending {
    fn push(&mut self, kind: Kind, id: &str, fields: &Map<String, Value>, fresh: bool) {
        let fields = set_values(fields);
        match self.fields.get_mut(id) {
            // A record inserted earlier in this write still has no derived rows.
            Some(entry) => entry.0 = fields,
            None => {
                self.fields.insert(id.to_string(), (fields, fresh));
                self.order.push((kind, id.to_string()));
            }
        }
    }
}

/// The fields that hold a value: what derived rows are made of (an unset
/// field, an empty list and `false` derive nothing). A clean record has every
/// field of its kind, most of them unset; a bulk write keeps each record's
/// fields until the flush, so only these are kept.
fn set_values(fields: &Map<String, Value>) -> Map<String, Value> {
    fields.iter().filter(|(_, v)| !is_empty(v)).map(|(k, v)| (k.clone(), v.clone())).collect()
}

thread_local! {
    static PENDING: std::cell::RefCell<Option<Pending>> = const { std::cell::RefCell::new(None) };
}

/// While the returned guard lives, [`index`] on this thread only notes the
/// records it is given; [`Deferred::flush`] then writes all their documents
/// at once. Bulk writes (imports, sync rounds) need this: FTS5 flushes its
/// in-memory buffer to new index segments at every statement savepoint, so
/// full-text rows written between other writes cost a segment (and merge
/// work) per record — about ten times the cost of writing them together.
/// Dropping the guard without flushing forgets the notes (the transaction
/// they belong to is rolled back anyway).
///
/// Match keys are deferred the same way: until the flush, lookups by match
/// key see the keys from before the bulk write. An import relies on that to
/// decide each row as its preview did (rows of the file it already wrote
/// are matched as rows of the file, not through the database).
pub(crate) struct Deferred(());

pub(crate) fn defer() -> Deferred {
    PENDING.with(|p| *p.borrow_mut() = Some(Pending::default()));
    Deferred(())
}

impl Deferred {
    /// Writes the noted documents, inside the caller's transaction: first
    /// the document table, then the full-text rows back to back. A second
    /// thread makes the documents (normalization, phone parsing, grams: a
    /// sixth of a bulk write's time) while this one writes them.
    pub(crate) fn flush(self, conn: &Connection) -> Result<()> {
        self.flush_with(conn, &mut |_| true)
    }

    /// [`Deferred::flush`] telling `step` how far it is (an import shows
    /// it: the flush is about half of an import's time).
    pub(crate) fn flush_with(self, conn: &Connection, step: Step) -> Result<()> {
        let Pending { order, mut fields } = PENDING.with(|p| p.borrow_mut().take()).unwrap_or_default();
        if order.is_empty() {
            return Ok(());
        }
        let records: Vec<(Kind, String, Map<String, Value>, bool)> = order
            .into_iter()
            .filter_map(|(kind, id)| fields.remove(&id).map(|(f, fresh)| (kind, id, f, fresh)))
            .collect();
        derive_and_write(
            conn,
            records.into_iter().map(|(kind, id, f, fresh)| (kind, id, f, Some(fresh))).collect(),
            step,
        )
    }
}

/// A record to derive rows for: kind, id, fields, and `Some(fresh)` when
/// its match keys are made too.
type ToDerive = (Kind, String, Map<String, Value>, Option<bool>);

/// Makes the derived rows of `records` on a second thread while this one
/// writes them: the search document, and the match keys of the records
/// given `Some(fresh)`.
fn derive_and_write(conn: &Connection, records: Vec<ToDerive>, step: Step) -> Result<()> {
    let total = records.len();
    std::thread::scope(|scope| {
        let (tx, rx) = std::sync::mpsc::sync_channel::<Derived>(1024);
        scope.spawn(move || {
            for (kind, id, fields, fresh) in records {
                let doc = keys::search_doc(kind, &fields);
                let keys = fresh.map(|fresh| (fresh, keys::match_keys(kind, &fields)));
                if tx.send(Derived { kind, id, doc, keys }).is_err() {
                    return; // the writer stopped on an error
                }
            }
        });
        write_docs(conn, rx, total, step)
    })
}

/// Records read, derived and written per step of [`reindex`].
const REINDEX_BATCH: usize = 20_000;

/// Indexes every live record of the search kinds into empty search tables
/// (migration 0012), a batch at a time, then merges the full-text indexes
/// into one segment each: every batch starts new segments, as its rows come
/// column by column.
pub(crate) fn reindex(conn: &Connection) -> Result<()> {
    for kind in SEARCH_KINDS {
        let ids: Vec<String> = conn
            .prepare(&format!("SELECT id FROM {} WHERE deleted_at IS NULL ORDER BY rowid", kind.meta().table))?
            .query_map([], |r| r.get(0))?
            .collect::<rusqlite::Result<_>>()?;
        for batch in ids.chunks(REINDEX_BATCH) {
            let mut records = Vec::with_capacity(batch.len());
            for id in batch {
                let fields = read::get(conn, *kind, id)?.record.to_fields();
                records.push((*kind, id.clone(), fields, None));
            }
            derive_and_write(conn, records, &mut |_| true)?;
        }
    }
    conn.execute_batch(
        "INSERT INTO search_text (search_text) VALUES ('optimize');
         INSERT INTO search_grams (search_grams) VALUES ('optimize');",
    )?;
    Ok(())
}

/// Indexes the live records of `kinds` that have no search document yet
/// (migration 0017: kinds added to the search), a batch at a time.
pub(crate) fn index_kinds(conn: &Connection, kinds: &[Kind]) -> Result<()> {
    for kind in kinds {
        let ids: Vec<String> = conn
            .prepare(&format!(
                "SELECT id FROM {} WHERE deleted_at IS NULL AND id NOT IN (SELECT record_id FROM search_docs) ORDER BY rowid",
                kind.meta().table
            ))?
            .query_map([], |r| r.get(0))?
            .collect::<rusqlite::Result<_>>()?;
        for batch in ids.chunks(REINDEX_BATCH) {
            let mut records = Vec::with_capacity(batch.len());
            for id in batch {
                let fields = read::get(conn, *kind, id)?.record.to_fields();
                records.push((*kind, id.clone(), fields, None));
            }
            derive_and_write(conn, records, &mut |_| true)?;
        }
    }
    Ok(())
}

impl Drop for Deferred {
    fn drop(&mut self) {
        PENDING.with(|p| *p.borrow_mut() = None);
    }
}

/// Deletes a document's full-text rows (deleting a row that is not there
/// does nothing).
fn delete_text(conn: &Connection, doc: i64) -> Result<()> {
    let mut text = conn.prepare_cached("DELETE FROM search_text WHERE rowid = ?1")?;
    for c in TEXT_COLUMNS {
        text.execute([rowid(c, doc)])?;
    }
    let mut grams = conn.prepare_cached("DELETE FROM search_grams WHERE rowid = ?1")?;
    for c in GRAM_COLUMNS {
        grams.execute([rowid(c, doc)])?;
    }
    Ok(())
}

/// Removes a record's search document.
fn unindex(conn: &Connection, id: &str) -> Result<()> {
    let doc: Option<i64> = conn
        .prepare_cached("SELECT doc FROM search_docs WHERE record_id = ?1")?
        .query_row([id], |r| r.get(0))
        .optional()?;
    if let Some(rowid) = doc {
        delete_text(conn, rowid)?;
        conn.prepare_cached("DELETE FROM search_docs WHERE doc = ?1")?.execute([rowid])?;
    }
    Ok(())
}
