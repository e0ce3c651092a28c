//! Search: one query over companies, contacts, deals, products and
//! activities, ranked, with a snippet around the match.
//!
//! Ranking, best first ([`MatchKind`]): exact name, name prefix, reading,
//! name (anywhere), customer code, phone, e-mail, then other text (activity
//! content, notes, addresses). Hits of one rank are listed company, contact,
//! deal, product, activity.
//!
//! Every step reads an index, whatever the query length:
//! - exact and prefix matches of names, readings, codes, phones and e-mails
//!   are range scans of `match_keys (key_type, key)`;
//! - substrings of 3+ characters come from the trigram index `search_text`;
//! - substrings of 1–2 characters come from `search_grams`, which holds every
//!   unigram and bigram of names, readings and codes (not of other text: a
//!   one- or two-character query does not look into activity content).
//!
//! Each rank is asked for at most `limit` rows, best rank first, and lower
//! ranks are skipped once the page is full. The index is kept by `derived::index`,
//! called by the store on every write, and by triggers that drop the
//! document of a record moved to the trash: deleted records are never found.

use std::collections::HashMap;

use rusqlite::types::Value as SqlValue;
use rusqlite::{params_from_iter, Connection, OptionalExtension};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use ts_rs::TS;

use super::derived::{kind_rank, row_range, Column, DOC_MASK, GRAM_COLUMNS, TEXT_COLUMNS};
use super::sql::{cached_sql, SqlPerKind};
use super::Store;
use crate::error::Result;
use crate::keys::{self, SEARCH_KINDS};
use crate::model::Kind;
use crate::normalize;

/// Why a record was found; hits are ranked in this order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum MatchKind {
    /// The name equals the query (ignoring 株式会社/㈱, spaces, width, kana).
    ExactName,
    /// The name starts with the query.
    NamePrefix,
    /// The reading (フリガナ) contains the query.
    Reading,
    /// The name contains the query.
    Name,
    /// The customer code contains the query.
    Code,
    /// A phone or fax number contains the query's digits.
    Phone,
    /// The e-mail address contains the query.
    Email,
    /// Other text: activity content, notes, addresses.
    Content,
}

/// One search result.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct SearchHit {
    pub kind: Kind,
    pub id: String,
    pub display_name: String,
    /// The customer code (companies).
    pub code: Option<String>,
    /// The company a contact, deal or activity belongs to.
    pub company_name: Option<String>,
    pub matched: MatchKind,
    /// The text that matched, cut around the match.
    pub snippet: Option<Snippet>,
}

/// A piece of a field's text around a match: show `before`, then `matched`
/// highlighted, then `after`. `before`/`after` start/end with `…` when cut.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct Snippet {
    /// The field the text comes from (`name`, `content`, `phone` …).
    pub field: String,
    pub before: String,
    pub matched: String,
    pub after: String,
}

/// The rank of a match in each full-text column (their layout: `derived.rs`).
impl Column {
    fn tier(self) -> MatchKind {
        match self {
            Column::Reading => MatchKind::Reading,
            Column::Name => MatchKind::Name,
            Column::Code => MatchKind::Code,
            Column::Phone => MatchKind::Phone,
            Column::Email => MatchKind::Email,
            Column::Body => MatchKind::Content,
        }
    }
}

/// The setting holding the day the search index was last tidied.
const TIDIED_ON: &str = "search.tidied_on";

/// Full-text index pages one tidy step writes at most (about 1 MB): a
/// step is a short write transaction, so the app's own writes go between
/// the steps.
pub const TIDY_PAGES: u32 = 256;

/// Segments (b-trees) of the text and the gram index. Every write
/// transaction adds one and FTS5's own automerge leaves about ten in a
/// database that grows by imports and daily edits; a query reads each of
/// them. On the benchmark database grown so (13 text segments), merging
/// them made a raw `MATCH` up to 2× faster and a phone-number search
/// 1.8 → 1.3 ms (p50).
pub(crate) fn segments(conn: &Connection) -> Result<(u32, u32)> {
    // `%_idx` has a row per leaf page of each segment, keyed by segment.
    let count = |table: &str| -> Result<u32> {
        Ok(conn.query_row(&format!("SELECT COUNT(DISTINCT segid) FROM {table}_idx"), [], |r| r.get(0))?)
    };
    Ok((count("search_text")?, count("search_grams")?))
}

/// One step of merging every segment of both full-text indexes into one
/// (FTS5's incremental `merge` with a negative page count: segments of
/// every level are merged, as few as two at a time). True while there was
/// work: call again until false.
pub(crate) fn tidy_step(conn: &Connection, pages: u32) -> Result<bool> {
    let pages = -i64::from(pages.max(1));
    let mut worked = false;
    for table in ["search_text", "search_grams"] {
        // The index's structure record (row 10 of `%_data`: its segments
        // and the progress of a merge) changes exactly when the merge did
        // something; the merge's own INSERT counts as a change either way.
        let structure = format!("SELECT block FROM {table}_data WHERE id = 10");
        let before: Option<Vec<u8>> = conn.prepare_cached(&structure)?.query_row([], |r| r.get(0)).optional()?;
        conn.prepare_cached(&format!("INSERT INTO {table} ({table}, rank) VALUES ('merge', ?1)"))?.execute([pages])?;
        let after: Option<Vec<u8>> = conn.prepare_cached(&structure)?.query_row([], |r| r.get(0)).optional()?;
        worked |= before != after;
    }
    Ok(worked)
}

// ---------------------------------------------------------------------------
// The query
// ---------------------------------------------------------------------------

/// One space-separated term of the query, in the forms each column holds.
#[derive(Debug, Default)]
struct Term {
    /// Forms matched against names: katakana, with and without designators.
    names: Vec<String>,
    /// Forms matched against readings (katakana).
    readings: Vec<String>,
    /// Forms matched against codes, e-mails and other text: folded, with
    /// and without designators.
    texts: Vec<String>,
    /// Shorter than 3 characters once designators are removed: looked up in
    /// the gram index (names, readings, codes), whose tokens these forms are.
    short: bool,
}

fn distinct(values: impl IntoIterator<Item = String>, min_chars: usize) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for v in values {
        if v.chars().count() >= min_chars && !out.contains(&v) {
            out.push(v);
        }
    }
    out
}

impl Term {
    fn new(folded: &str) -> Option<Term> {
        let key = normalize::company_name_key(folded);
        let main = if key.is_empty() { folded.to_string() } else { key.clone() };
        if main.chars().count() < 3 {
            let gram = keys::gram_chars(&main);
            if gram.is_empty() {
                return None;
            }
            let short_form = |s: String| (s.chars().count() <= 2).then_some(s);
            return Some(Term {
                names: distinct(short_form(normalize::to_katakana(&gram)), 1),
                readings: distinct(short_form(keys::gram_chars(&normalize::reading_key(&main))), 1),
                texts: distinct(short_form(gram), 1),
                short: true,
            });
        }
        Some(Term {
            names: distinct([normalize::to_katakana(folded), normalize::to_katakana(&key)], 3),
            readings: distinct([normalize::reading_key(folded), normalize::company_reading_key(folded)], 3),
            texts: distinct([folded.to_string(), key], 3),
            short: false,
        })
    }
}

/// The query in the forms the indexes hold.
#[derive(Debug, Default)]
struct Query {
    terms: Vec<Term>,
    /// `match_keys` name keys: the company key and the folded query, as
    /// typed, in katakana and in hiragana (names are keyed as written).
    name_keys: Vec<String>,
    /// `match_keys` person keys: folded, spaces removed, in the same scripts.
    person_keys: Vec<String>,
    /// Name forms a record's name key is compared with (katakana).
    name_forms: Vec<String>,
    reading_keys: Vec<String>,
    code_key: String,
    /// The E.164 key and the digits, when the query looks like a phone number.
    phone_key: Option<String>,
    phone_digits: Option<String>,
    /// Every ASCII digit of the query (a partial phone number matches the
    /// digits of the phone column).
    digits: String,
    email_key: Option<String>,
}

/// Each text as typed, in katakana and in hiragana.
fn kana_forms(texts: &[&str]) -> Vec<String> {
    texts.iter().flat_map(|t| [t.to_string(), normalize::to_katakana(t), normalize::to_hiragana(t)]).collect()
}

/// Digits, spaces, `+ - ( ) .` only, with at least 4 digits.
fn phone_like(folded: &str) -> Option<String> {
    let digits: String = folded.chars().filter(char::is_ascii_digit).collect();
    let only_phone_chars = folded.chars().all(|c| c.is_ascii_digit() || matches!(c, ' ' | '+' | '-' | '(' | ')' | '.'));
    (only_phone_chars && digits.len() >= 4).then_some(digits)
}

impl Query {
    fn new(q: &str) -> Query {
        let folded = normalize::fold(q);
        let compact = folded.replace(' ', "");
        let terms: Vec<Term> = normalize::query_terms(q).iter().filter_map(|t| Term::new(t)).collect();
        let phone_digits = phone_like(&folded);
        let name_key = normalize::company_name_key(&folded);
        Query {
            terms,
            name_keys: distinct(kana_forms(&[&name_key, &folded]), 1),
            person_keys: distinct(kana_forms(&[&compact]), 1),
            name_forms: distinct([normalize::to_katakana(&name_key), normalize::to_katakana(&compact)], 1),
            reading_keys: distinct([normalize::reading_key(&folded), normalize::company_reading_key(&folded)], 1),
            code_key: folded.clone(),
            phone_key: phone_digits.as_ref().and_then(|_| normalize::phone_key(&folded)),
            phone_digits,
            digits: folded.chars().filter(char::is_ascii_digit).collect(),
            email_key: (!folded.contains(' ')).then(|| normalize::email_key(&folded)).flatten(),
        }
    }
}

// ---------------------------------------------------------------------------
// Full-text expressions
// ---------------------------------------------------------------------------

fn phrase(s: &str) -> String {
    format!("\"{}\"", s.replace('"', "\"\""))
}

/// Every form of a term. One full-text query looks in all columns at once,
/// so each column is matched with every form: a form that cannot occur in
/// a column (katakana in a kanji name, digits in a reading) finds nothing
/// there, and one that can (a reading form in activity text) is a match.
fn term_forms(t: &Term) -> Vec<String> {
    distinct(t.names.iter().chain(&t.readings).chain(&t.texts).cloned(), 1)
}

/// `("a" OR "b") AND ("c")`: every term, in one of its forms.
fn all_terms<'a>(terms: impl Iterator<Item = &'a Term>) -> String {
    let parts: Vec<String> = terms
        .map(|t| {
            let phrases: Vec<String> = term_forms(t).iter().map(|s| phrase(s)).collect();
            format!("({})", phrases.join(" OR "))
        })
        .collect();
    parts.join(" AND ")
}

/// One full-text query and the columns it looks in.
struct FullText {
    table: &'static str,
    expr: String,
    /// Short terms next to long ones: the rows must be in the gram index too.
    grams: Option<String>,
    columns: &'static [Column],
}

/// The full-text queries of a search, in rank order. Long terms are looked
/// up in the trigram index, in every column; short ones (1–2 characters)
/// in the gram index, which has names, readings and codes only. A query
/// that looks like a phone number also matches its digits (phone numbers
/// are indexed as digits).
fn full_text(q: &Query) -> Vec<FullText> {
    let long: Vec<&Term> = q.terms.iter().filter(|t| !t.short).collect();
    let short: Vec<&Term> = q.terms.iter().filter(|t| t.short).collect();
    // A query of digits only is already its own digits.
    let digits_only = matches!(&q.terms[..], [t] if q.phone_digits.as_ref().is_some_and(|d| term_forms(t).contains(d)));
    let digits = q.phone_digits.as_deref().filter(|_| !digits_only).map(phrase);
    let mut out = Vec::new();
    if short.is_empty() {
        let mut expr = all_terms(long.into_iter());
        if let Some(d) = digits {
            expr = format!("({expr}) OR {d}");
        }
        out.push(FullText { table: "search_text", expr, grams: None, columns: &TEXT_COLUMNS });
        return out;
    }
    let grams = all_terms(short.into_iter());
    out.push(match long.is_empty() {
        true => FullText { table: "search_grams", expr: grams, grams: None, columns: &GRAM_COLUMNS },
        false => FullText {
            table: "search_text",
            expr: all_terms(long.into_iter()),
            grams: Some(grams),
            columns: &GRAM_COLUMNS,
        },
    });
    if let Some(d) = digits {
        out.push(FullText { table: "search_text", expr: d, grams: None, columns: &[Column::Phone] });
    }
    out
}

// ---------------------------------------------------------------------------
// Running the passes
// ---------------------------------------------------------------------------

struct Candidate {
    kind: Kind,
    id: String,
    tier: MatchKind,
}

/// A lookup of one match key: records whose `key_type` key equals `key`
/// (rank `exact`) or, with `prefix`, starts with it (rank `prefix`).
struct Lookup {
    key_type: &'static str,
    key: String,
    exact: MatchKind,
    prefix: Option<MatchKind>,
}

struct Search<'a> {
    conn: &'a Connection,
    kinds: Vec<Kind>,
    limit: usize,
    found: Vec<Candidate>,
    seen: HashMap<String, usize>,
    /// With `Some`, the query plan of every statement run is collected.
    plans: Option<Vec<String>>,
}

impl Search<'_> {
    /// Whether the hits of rank `tier` or better fill the page: then no
    /// lookup of that rank or worse can change it.
    fn full_at(&self, tier: MatchKind) -> bool {
        self.found.iter().filter(|c| c.tier <= tier).count() >= self.limit
    }

    fn add(&mut self, kind: Kind, id: String, tier: MatchKind) {
        if !self.kinds.contains(&kind) {
            return;
        }
        match self.seen.get(&id) {
            Some(&i) => {
                if tier < self.found[i].tier {
                    self.found[i].tier = tier;
                }
            }
            None => {
                self.seen.insert(id.clone(), self.found.len());
                self.found.push(Candidate { kind, id, tier });
            }
        }
    }

    /// Runs a statement; every row is read by `row`. Callers write `LIMIT`
    /// as a literal: SQLite prepares a statement again on every run when
    /// its `LIMIT` is a bound parameter (it counts it among the values the
    /// plan depends on), which was a third of a search's time.
    fn query<T>(
        &mut self,
        sql: &str,
        values: &[SqlValue],
        row: impl FnMut(&rusqlite::Row<'_>) -> rusqlite::Result<T>,
    ) -> Result<Vec<T>> {
        if let Some(plans) = self.plans.as_mut() {
            let mut stmt = self.conn.prepare(&format!("EXPLAIN QUERY PLAN {sql}"))?;
            let details = stmt
                .query_map(params_from_iter(values.iter()), |r| r.get::<_, String>(3))?
                .collect::<rusqlite::Result<Vec<_>>>()?;
            plans.extend(details);
        }
        let rows = self
            .conn
            .prepare_cached(sql)?
            .query_map(params_from_iter(values.iter()), row)?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        Ok(rows)
    }

    /// All `lookups` in one statement: a primary-key range of `match_keys`
    /// per lookup and kind that has such keys (kinds in rank order), each
    /// stopping at `limit` rows. A range is read in key order, so an exact
    /// key comes before the longer keys it prefixes. No `ORDER BY key`: with
    /// it SQLite reads and sorts every key of the range (20k person keys
    /// start with 山).
    fn keys(&mut self, lookups: Vec<Lookup>) -> Result<()> {
        let lookups: Vec<Lookup> =
            lookups.into_iter().filter(|l| !l.key.is_empty() && !self.full_at(l.exact)).collect();
        if lookups.is_empty() {
            return Ok(());
        }
        let mut values: Vec<SqlValue> = Vec::new();
        let mut parts: Vec<String> = Vec::new();
        for (i, l) in lookups.iter().enumerate() {
            let kinds: Vec<&Kind> = keys::key_kinds(l.key_type).iter().filter(|k| self.kinds.contains(k)).collect();
            // A lookup of kinds not searched binds nothing: SQLite counts
            // the parameters up to the highest one the statement names.
            if kinds.is_empty() {
                continue;
            }
            values.push(l.key_type.to_string().into());
            let key_type = values.len();
            values.push(l.key.clone().into());
            let key = values.len();
            let cond = match l.prefix {
                Some(_) => {
                    values.push(format!("{}{}", l.key, char::MAX).into());
                    format!("key >= ?{key} AND key < ?{}", values.len())
                }
                None => format!("key = ?{key}"),
            };
            for kind in kinds {
                parts.push(format!(
                    "SELECT * FROM (SELECT {i}, kind, record_id, key FROM match_keys
                      WHERE key_type = ?{key_type} AND kind = '{}' AND {cond} LIMIT {})",
                    kind.as_str(),
                    self.limit
                ));
            }
        }
        if parts.is_empty() {
            return Ok(());
        }
        let rows = self.query(&parts.join(" UNION ALL "), &values, |r| {
            Ok((r.get::<_, i64>(0)?, r.get::<_, String>(1)?, r.get::<_, String>(2)?, r.get::<_, String>(3)?))
        })?;
        for (i, kind, id, found) in rows {
            let (Some(l), Some(kind)) = (lookups.get(i as usize), Kind::parse(&kind)) else { continue };
            let tier = if found == l.key { l.exact } else { l.prefix.unwrap_or(l.exact) };
            self.add(kind, id, tier);
        }
        Ok(())
    }

    /// The records one full-text query finds, best rank first: one `MATCH`
    /// over all its columns (one rowid range; per column and kind when the
    /// search is limited to some kinds). Its rows come in rowid order, which
    /// is rank order, `limit` at a time until the page is full.
    fn fts(&mut self, ft: &FullText) -> Result<()> {
        let (Some(first), Some(last)) = (ft.columns.first(), ft.columns.last()) else {
            return Ok(());
        };
        let ranges: Vec<(i64, i64)> = if SEARCH_KINDS.iter().all(|k| self.kinds.contains(k)) {
            vec![(row_range(*first, None).0, row_range(*last, None).1)]
        } else {
            let mut kinds = self.kinds.clone();
            kinds.sort_by_key(|k| kind_rank(*k));
            ft.columns.iter().flat_map(|c| kinds.iter().map(|k| row_range(*c, Some(*k)))).collect()
        };
        let table = ft.table;
        let mut sql = format!(
            "SELECT d.kind, d.record_id, {table}.rowid FROM {table} JOIN search_docs d ON d.doc = ({table}.rowid & {DOC_MASK})
              WHERE {table} MATCH ?1 AND {table}.rowid >= ?2 AND {table}.rowid < ?3"
        );
        if ft.grams.is_some() {
            // `+ 0`: a filter, not a rowid lookup. As a lookup, SQLite would
            // drive the query from the gram list and sort every match; so the
            // full-text query drives, in rank order, and stops at the limit.
            sql.push_str(
                " AND (search_text.rowid + 0) IN (SELECT rowid FROM search_grams WHERE search_grams MATCH ?4 AND rowid >= ?2 AND rowid < ?3)",
            );
        }
        sql.push_str(&format!(" ORDER BY {table}.rowid LIMIT {}", self.limit));
        for (lo, hi) in ranges {
            let mut from = lo;
            while from < hi && !self.full_at(Column::of(from).tier()) {
                let mut values: Vec<SqlValue> = vec![ft.expr.clone().into(), from.into(), hi.into()];
                if let Some(g) = &ft.grams {
                    values.push(g.clone().into());
                }
                let rows = self.query(&sql, &values, |r| {
                    Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?, r.get::<_, i64>(2)?))
                })?;
                for (kind, id, rowid) in &rows {
                    if let Some(kind) = Kind::parse(kind) {
                        self.add(kind, id.clone(), Column::of(*rowid).tier());
                    }
                }
                // A record matching in several columns takes several rows:
                // read on when the page is not full yet.
                match rows.last() {
                    Some((_, _, rowid)) if rows.len() >= self.limit => from = rowid + 1,
                    _ => break,
                }
            }
        }
        Ok(())
    }

    fn run(&mut self, q: &Query) -> Result<()> {
        use MatchKind::*;
        if q.terms.is_empty() {
            return Ok(());
        }
        let lookup = |key_type, key: &String, exact, prefix| Lookup { key_type, key: key.clone(), exact, prefix };
        let mut lookups: Vec<Lookup> = Vec::new();
        lookups.extend(q.name_keys.iter().map(|k| lookup("name", k, ExactName, Some(NamePrefix))));
        lookups.extend(q.person_keys.iter().map(|k| lookup("person", k, ExactName, Some(NamePrefix))));
        lookups.extend(q.reading_keys.iter().map(|k| lookup("reading", k, Reading, Some(Reading))));
        lookups.push(lookup("code", &q.code_key, Code, Some(Code)));
        lookups.extend(q.phone_key.iter().map(|k| lookup("phone", k, Phone, None)));
        lookups.extend(q.email_key.iter().map(|k| lookup("email", k, Email, Some(Email))));
        self.keys(lookups)?;
        for ft in full_text(q) {
            self.fts(&ft)?;
        }
        Ok(())
    }
}

// ---------------------------------------------------------------------------
// Hits and snippets
// ---------------------------------------------------------------------------

fn text<'a>(m: &'a Map<String, Value>, k: &str) -> &'a str {
    m.get(k).and_then(Value::as_str).unwrap_or("")
}

/// `raw` folded one piece at a time (a character with its combining marks),
/// with the byte range of `raw` each folded character comes from.
fn fold_mapped(raw: &str, katakana: bool) -> (Vec<char>, Vec<(usize, usize)>) {
    let mut chars = Vec::new();
    let mut spans = Vec::new();
    let mut pieces: Vec<(usize, usize)> = Vec::new();
    for (i, c) in raw.char_indices() {
        let combining = matches!(c, '\u{3099}' | '\u{309A}' | '\u{FF9E}' | '\u{FF9F}')
            || unicode_normalization::char::is_combining_mark(c);
        match pieces.last_mut() {
            Some(last) if combining => last.1 = i + c.len_utf8(),
            _ => pieces.push((i, i + c.len_utf8())),
        }
    }
    for (start, end) in pieces {
        let piece = &raw[start..end];
        let mut folded = normalize::fold(piece);
        if folded.is_empty() && piece.chars().all(char::is_whitespace) {
            folded = " ".into();
        }
        if katakana {
            folded = normalize::to_katakana(&folded);
        }
        for c in folded.chars() {
            chars.push(c);
            spans.push((start, end));
        }
    }
    (chars, spans)
}

/// The byte range in `raw` of the first of `needles` (folded forms) found.
fn find(raw: &str, needles: &[String], katakana: bool) -> Option<(usize, usize)> {
    // Most text is already in folded form: look for the needles in `raw`
    // with only length-preserving folds (ASCII case, hiragana to katakana)…
    let mut direct = raw.to_ascii_lowercase();
    if katakana {
        direct = normalize::to_katakana(&direct);
    }
    for needle in needles.iter().filter(|n| !n.is_empty()) {
        if let Some(i) = direct.find(needle.as_str()) {
            return Some((i, i + needle.len()));
        }
    }
    // …else fold it piece by piece (㈱, half-width kana, full-width digits).
    let (hay, spans) = fold_mapped(raw, katakana);
    for needle in needles {
        let n: Vec<char> = needle.chars().collect();
        if n.is_empty() || n.len() > hay.len() {
            continue;
        }
        if let Some(i) = (0..=hay.len() - n.len()).find(|&i| hay[i..i + n.len()] == n[..]) {
            return Some((spans[i].0, spans[i + n.len() - 1].1));
        }
    }
    None
}

const BEFORE_CHARS: usize = 20;
const AFTER_CHARS: usize = 60;

fn one_line(s: &str) -> String {
    s.chars().map(|c| if c == '\n' || c == '\r' || c == '\t' { ' ' } else { c }).collect()
}

fn cut(field: &str, raw: &str, at: Option<(usize, usize)>) -> Snippet {
    let (start, end) = at.unwrap_or((0, 0));
    let before: Vec<char> = raw[..start].chars().collect();
    let after: Vec<char> = raw[end..].chars().collect();
    let mut b: String = before[before.len().saturating_sub(BEFORE_CHARS)..].iter().collect();
    if before.len() > BEFORE_CHARS {
        b.insert(0, '…');
    }
    let mut a: String = after.iter().take(AFTER_CHARS).collect();
    if after.len() > AFTER_CHARS {
        a.push('…');
    }
    Snippet { field: field.to_string(), before: one_line(&b), matched: one_line(&raw[start..end]), after: one_line(&a) }
}

/// The reading of a record as one text, and the field it is shown as.
fn reading_text(kind: Kind, m: &Map<String, Value>) -> (&'static str, String) {
    match kind {
        Kind::Contact => {
            ("family_reading", format!("{} {}", text(m, "family_reading"), text(m, "given_reading")).trim().to_string())
        }
        _ => ("name_reading", text(m, "name_reading").to_string()),
    }
}

/// What a snippet looks for, made once per search. The full-text query
/// matches every column with every form of the query (see `term_forms`):
/// a snippet looks for the forms meant for its field first, then for any
/// form, kana folded to katakana.
struct Needles {
    names: Vec<String>,
    readings: Vec<String>,
    texts: Vec<String>,
    any: Vec<String>,
}

impl Needles {
    fn new(q: &Query) -> Needles {
        let any: Vec<String> = distinct(
            q.terms
                .iter()
                .flat_map(term_forms)
                .chain(q.name_forms.iter().cloned())
                .chain(q.reading_keys.iter().cloned())
                .map(|f| normalize::to_katakana(&f)),
            1,
        );
        let with_any = |own: Vec<String>| distinct(own.into_iter().chain(any.iter().cloned()), 1);
        Needles {
            names: with_any(q.terms.iter().flat_map(|t| t.names.clone()).chain(q.name_forms.clone()).collect()),
            readings: with_any(q.terms.iter().flat_map(|t| t.readings.clone()).chain(q.reading_keys.clone()).collect()),
            texts: q.terms.iter().flat_map(|t| t.texts.clone()).collect(),
            any,
        }
    }
}

fn snippet(
    kind: Kind,
    m: &Map<String, Value>,
    title: &str,
    tier: MatchKind,
    q: &Query,
    n: &Needles,
) -> Option<Snippet> {
    let Needles { names, readings, texts, any } = n;
    let name_snippet = || {
        let at = find(title, names, true);
        cut("name", title, at)
    };
    let field_snippet = |field: &str| {
        let raw = text(m, field);
        find(raw, texts, false).or_else(|| find(raw, any, true)).map(|at| cut(field, raw, Some(at)))
    };
    Some(match tier {
        MatchKind::ExactName | MatchKind::NamePrefix | MatchKind::Name => name_snippet(),
        MatchKind::Reading => {
            let (field, raw) = reading_text(kind, m);
            let at = find(&raw, readings, true);
            cut(field, &raw, at)
        }
        MatchKind::Code => field_snippet("code").unwrap_or_else(|| cut("code", text(m, "code"), None)),
        MatchKind::Phone => {
            let digits = q.phone_digits.clone().unwrap_or_else(|| q.digits.clone());
            let field = keys::search_phone_fields(kind).iter().copied().find(|f| {
                let raw = text(m, f);
                normalize::phone_key(raw).is_some_and(|k| Some(&k) == q.phone_key.as_ref())
                    || keys::phone_digits(raw).iter().any(|d| d.contains(&digits))
            })?;
            let raw = text(m, field);
            cut(field, raw, Some((0, raw.len())))
        }
        MatchKind::Email => field_snippet("email").unwrap_or_else(|| cut("email", text(m, "email"), None)),
        MatchKind::Content => {
            keys::search_body_fields(kind).iter().find_map(|f| field_snippet(f)).unwrap_or_else(name_snippet)
        }
    })
}

/// The fields a hit of `kind` and its snippet read (other text only for
/// `Content`).
fn hit_columns(kind: Kind, content: bool) -> Vec<&'static str> {
    let meta = kind.meta();
    let mut cols: Vec<&'static str> = Vec::new();
    let wanted = meta
        .title_fields
        .iter()
        .chain(meta.reading_fields)
        .chain(keys::search_phone_fields(kind))
        .chain(&["name", "subject", "code", "email"])
        .chain(if content { keys::search_body_fields(kind) } else { &[] });
    for f in wanted {
        if kind.field(f).is_some() && !cols.contains(f) {
            cols.push(f);
        }
    }
    cols
}

/// The statement reading a hit: display name, company name, `hit_columns`.
fn hit_statement(kind: Kind, content: bool) -> String {
    let (company, join) = match kind.field("company_id").is_some() {
        true => ("c.display_name", " LEFT JOIN companies c ON c.id = r.company_id"),
        false => ("NULL", ""),
    };
    let list: Vec<String> = hit_columns(kind, content).iter().map(|c| format!("r.{c}")).collect();
    format!("SELECT r.display_name, {company}, {} FROM {} r{join} WHERE r.id = ?1", list.join(", "), kind.meta().table)
}

static HIT_SQL: SqlPerKind = SqlPerKind::new();
static CONTENT_HIT_SQL: SqlPerKind = SqlPerKind::new();

/// The text fields a hit and its snippet need, as a field map (names,
/// readings, code, phones, e-mail, and other text for `Content`), and the
/// name of the company the record belongs to: one statement per hit.
fn hit_fields(
    conn: &Connection,
    kind: Kind,
    id: &str,
    content: bool,
) -> Result<(String, Map<String, Value>, Option<String>)> {
    let sql = match content {
        false => cached_sql(&HIT_SQL, kind, |k| hit_statement(k, false)),
        true => cached_sql(&CONTENT_HIT_SQL, kind, |k| hit_statement(k, true)),
    };
    let cols = hit_columns(kind, content);
    let (display, company_name, values) = conn.prepare_cached(sql)?.query_row([id], |r| {
        let mut values = Vec::with_capacity(cols.len());
        for i in 0..cols.len() {
            values.push(r.get::<_, Option<String>>(i + 2)?);
        }
        Ok((r.get::<_, String>(0)?, r.get::<_, Option<String>>(1)?, values))
    })?;
    let m = cols.iter().zip(values).map(|(c, v)| (c.to_string(), v.map_or(Value::Null, Value::String))).collect();
    Ok((display, m, company_name))
}

fn hit(conn: &Connection, c: &Candidate, q: &Query, needles: &Needles) -> Result<SearchHit> {
    let (display_name, m, company_name) = hit_fields(conn, c.kind, &c.id, c.tier == MatchKind::Content)?;
    let title = if c.kind == Kind::Activity { text(&m, "subject").to_string() } else { display_name.clone() };
    let mut tier = c.tier;
    let key = match tier {
        MatchKind::ExactName => String::new(),
        _ => keys::search_name_key(c.kind, &m, &title),
    };
    if !key.is_empty() {
        if q.name_forms.contains(&key) {
            tier = MatchKind::ExactName;
        } else if tier > MatchKind::NamePrefix && q.name_forms.iter().any(|f| key.starts_with(f.as_str())) {
            tier = MatchKind::NamePrefix;
        }
    }
    Ok(SearchHit {
        kind: c.kind,
        id: c.id.clone(),
        display_name,
        code: Some(text(&m, "code").to_string()).filter(|s| !s.is_empty()),
        company_name,
        matched: tier,
        snippet: snippet(c.kind, &m, &title, tier, q, needles),
    })
}

/// Most hits one search returns.
pub const MAX_LIMIT: u32 = 200;

pub(crate) fn search(
    conn: &Connection,
    q: &str,
    limit: u32,
    kinds: &[Kind],
    plans: Option<&mut Vec<String>>,
) -> Result<Vec<SearchHit>> {
    let query = Query::new(q);
    let kinds: Vec<Kind> = if kinds.is_empty() {
        SEARCH_KINDS.to_vec()
    } else {
        SEARCH_KINDS.iter().copied().filter(|k| kinds.contains(k)).collect()
    };
    let mut s = Search {
        conn,
        kinds,
        limit: limit.clamp(1, MAX_LIMIT) as usize,
        found: Vec::new(),
        seen: HashMap::new(),
        plans: plans.is_some().then(Vec::new),
    };
    s.run(&query)?;
    // The lookups may find more than a page (each stops at `limit` rows of
    // its own): only the best `limit` become hits.
    s.found.sort_by_key(|c| (c.tier, kind_rank(c.kind)));
    s.found.truncate(s.limit);
    let needles = Needles::new(&query);
    let mut hits = Vec::with_capacity(s.found.len());
    for c in &s.found {
        hits.push(hit(conn, c, &query, &needles)?);
    }
    hits.sort_by_key(|h| (h.matched, kind_rank(h.kind)));
    hits.truncate(s.limit);
    if let (Some(out), Some(collected)) = (plans, s.plans) {
        *out = collected;
    }
    Ok(hits)
}

impl Store {
    /// Searches companies, contacts, deals, products and activities (all of
    /// them when `kinds` is empty); at most `limit` hits (≤ 200), best first.
    pub fn search(&self, q: &str, limit: u32, kinds: &[Kind]) -> Result<Vec<SearchHit>> {
        super::read(&self.conn, || search(&self.conn, q, limit, kinds, None))
    }

    /// Segments of the text and the gram index (see [`Store::tidy_search_index`]).
    pub fn search_index_segments(&self) -> Result<(u32, u32)> {
        segments(&self.conn)
    }

    /// One step of merging the search index into one segment, at most
    /// `pages` pages ([`TIDY_PAGES`]) in one short write transaction. True
    /// while there was work: call again (the daily upkeep in
    /// `daifuku_host::jobs::tidy_search_daily` steps until false).
    pub fn tidy_search_index(&mut self, pages: u32) -> Result<bool> {
        let tx = self.conn.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
        let worked = tidy_step(&tx, pages)?;
        tx.commit()?;
        Ok(worked)
    }

    /// Whether the daily tidy of the search index is due: the index has more
    /// than one segment and was not tidied on `today` (the host's local
    /// date, `YYYY-MM-DD`).
    pub fn search_tidy_due(&self, today: &str) -> Result<bool> {
        let (text, grams) = segments(&self.conn)?;
        Ok(self.setting(TIDIED_ON)?.as_deref() != Some(today) && (text > 1 || grams > 1))
    }

    /// Notes that the search index was tidied on `today`.
    pub fn mark_search_tidied(&self, today: &str) -> Result<()> {
        self.set_setting(TIDIED_ON, Some(today))
    }

    /// The query plans (`EXPLAIN QUERY PLAN` details) of every statement a
    /// search for `q` runs, for diagnostics and for tests that check no
    /// record table is scanned.
    pub fn search_plans(&self, q: &str, limit: u32) -> Result<Vec<String>> {
        let mut plans = Vec::new();
        search(&self.conn, q, limit, &[], Some(&mut plans))?;
        Ok(plans)
    }
}
