//! Import, the store's half: existing records for the planner (the
//! [`Lookup`] in SQL), saved mappings, the preview (dry run) and the apply.
//!
//! The apply runs the planner again and writes the planned rows in one
//! transaction. The planner sees the database as it was before the import,
//! as the preview did, so their choices agree unless the data changed in
//! between: for a database file it runs on a second thread with its own
//! read connection (its snapshot taken as the apply starts) while this
//! thread writes; in memory it runs on the writing transaction and is told
//! which records earlier rows created. Rows with errors make the import fail (nothing
//! written) unless the user accepted importing the good rows only. Match
//! keys are written at the end of the apply (`derived::defer`): lookups by
//! key see the database as the preview saw it, even when an earlier row
//! changed a key a later row matches on. A cancel from the progress
//! callback, or any failed write, rolls the whole import back.

use std::collections::HashMap;

use rusqlite::{params, params_from_iter, Connection, OptionalExtension};
use serde_json::{Map, Value};

use super::{read, write, Ctx, Store};
use crate::error::{ApiError, FieldError, Result};
use crate::import::plan::{new_user_placeholder, reason_line, RowAction, RowPlan};
use crate::import::{
    self, cancelled, mapping, Flow, ImportOptions, ImportPreview, ImportReport, MappingSource, Phase, Planner,
    Prepared, Progress, ProgressFn, RawTable, SavedMapping, PROGRESS_EVERY, ROW_LIMIT, SAMPLE_ROWS,
};
use crate::model::Kind;
use crate::schema::FieldType;

/// Existing records through SQL.
pub struct SqlLookup<'a> {
    pub conn: &'a Connection,
}

/// How few records share one key of `key_type`, roughly: identifiers and
/// contact points (one or two records) over names (a few, or hundreds of
/// namesakes among contacts) over places (many).
fn key_rarity(key_type: &str) -> u8 {
    match key_type {
        "corporate_number" | "code" | "email" | "phone" => 2,
        "name" | "person" | "reading" | "person_company" => 1,
        _ => 0,
    }
}

impl import::Lookup for SqlLookup<'_> {
    fn by_key(&self, kind: Kind, key_type: &str, key: &str) -> Result<Vec<String>> {
        Ok(self
            .conn
            .prepare_cached(
                "SELECT DISTINCT record_id FROM match_keys WHERE key_type = ?1 AND key = ?2 AND kind = ?3 ORDER BY record_id",
            )?
            .query_map(params![key_type, key, kind.as_str()], |r| r.get(0))?
            .collect::<rusqlite::Result<_>>()?)
    }

    fn by_key_pair(&self, kind: Kind, a: (&str, &str), b: (&str, &str)) -> Result<Vec<String>> {
        // Read the records of the rarer key and probe each for the other:
        // a person key is shared by up to 900 contacts (佐藤博之) where a
        // phone number belongs to one or two, and a postal code by many
        // companies where a name belongs to one. Driven by the person key,
        // a name+phone lookup took 1.8 ms.
        let (drive, probe) = if key_rarity(b.0) > key_rarity(a.0) { (b, a) } else { (a, b) };
        Ok(self
            .conn
            .prepare_cached(
                "SELECT d.record_id FROM match_keys d
                  WHERE d.key_type = ?1 AND d.kind = ?3 AND d.key = ?2
                    AND EXISTS (SELECT 1 FROM match_keys p WHERE p.key_type = ?4 AND p.kind = ?3 AND p.key = ?5
                                                            AND p.record_id = d.record_id)
                  ORDER BY d.record_id",
            )?
            .query_map(params![drive.0, drive.1, kind.as_str(), probe.0, probe.1], |r| r.get(0))?
            .collect::<rusqlite::Result<_>>()?)
    }

    fn fields(&self, kind: Kind, id: &str) -> Result<Option<Map<String, Value>>> {
        match read::get(self.conn, kind, id) {
            Ok(s) if s.deleted_at.is_none() => Ok(Some(s.record.to_fields())),
            Ok(_) => Ok(None),
            Err(e) if e.code == "not_found" => Ok(None),
            Err(e) => Err(e),
        }
    }

    fn by_display_name(&self, kind: Kind, name: &str) -> Result<Vec<String>> {
        Ok(self
            .conn
            .prepare_cached(&format!(
                "SELECT id FROM {} WHERE display_name = ?1 AND deleted_at IS NULL ORDER BY id",
                kind.meta().table
            ))?
            .query_map([name], |r| r.get(0))?
            .collect::<rusqlite::Result<_>>()?)
    }

    fn by_fields(&self, kind: Kind, fields: &[(&str, Value)]) -> Result<Vec<String>> {
        let mut conds = Vec::new();
        let mut values = Vec::new();
        for (i, (name, v)) in fields.iter().enumerate() {
            // Field names come from the field tables, never from the file.
            let def = kind.field(name).ok_or_else(|| ApiError::new("internal", format!("no field {name}")))?;
            conds.push(format!("{} IS ?{}", def.name, i + 1));
            values.push(super::sql::to_sql(&def.ty, v));
        }
        Ok(self
            .conn
            .prepare_cached(&format!(
                "SELECT id FROM {} WHERE deleted_at IS NULL AND {} ORDER BY id",
                kind.meta().table,
                conds.join(" AND ")
            ))?
            .query_map(params_from_iter(values), |r| r.get(0))?
            .collect::<rusqlite::Result<_>>()?)
    }
}

fn saved_mapping(conn: &Connection, fingerprint: &str) -> Result<Option<SavedMapping>> {
    let row: Option<(String, String)> = conn
        .prepare_cached("SELECT kind, mapping FROM import_mappings WHERE fingerprint = ?1")?
        .query_row([fingerprint], |r| Ok((r.get(0)?, r.get(1)?)))
        .optional()?;
    Ok(row.and_then(|(kind, mapping)| {
        Some(SavedMapping {
            fingerprint: fingerprint.to_string(),
            kind: Kind::parse(&kind)?,
            mapping: serde_json::from_str(&mapping).ok()?,
        })
    }))
}

fn save_mapping(conn: &Connection, prepared: &Prepared, now_ms: i64) -> Result<()> {
    conn.execute(
        "INSERT INTO import_mappings (fingerprint, kind, headers, mapping, used_at) VALUES (?1, ?2, ?3, ?4, ?5)
         ON CONFLICT(fingerprint) DO UPDATE SET kind = ?2, headers = ?3, mapping = ?4, used_at = ?5",
        params![
            prepared.fingerprint,
            prepared.kind.as_str(),
            serde_json::to_string(&prepared.headers)?,
            serde_json::to_string(&prepared.mapping)?,
            now_ms
        ],
    )?;
    Ok(())
}

/// The data rows of a prepared table with their row numbers.
fn data_rows<'a>(raw: &'a RawTable, prepared: &Prepared) -> impl Iterator<Item = (u32, &'a Vec<String>)> {
    let skip = if raw.synthetic_header { 1 } else { prepared.header_row as usize };
    let first = if raw.synthetic_header { 1 } else { prepared.header_row + 1 };
    raw.rows.iter().skip(skip).enumerate().map(move |(i, r)| (first + i as u32, r))
}

/// Problems of the mapping as a whole, for the preview.
fn notices(raw: &RawTable, prepared: &Prepared) -> Vec<FieldError> {
    let mut out: Vec<FieldError> = raw.notices.iter().map(|n| FieldError::new("file", "", n.clone())).collect();
    for c in &prepared.mapping {
        if c.target.is_none() && !c.header.trim().is_empty() {
            out.push(FieldError {
                code: "unmapped_column".into(),
                field: c.header.clone(),
                message: format!("column {:?} is not imported (choose a field for it to import it)", c.header),
                detail: None,
            });
        }
    }
    let mapped = |t: &str| prepared.mapping.iter().any(|c| c.target.as_deref() == Some(t));
    for def in prepared.kind.meta().fields.iter().filter(|f| f.required) {
        let covered = mapped(def.name)
            || (def.name == "family_name" && mapped("full_name"))
            || (def.name == "company_id" && mapped("company_code"));
        if !covered {
            out.push(FieldError {
                code: "required_unmapped".into(),
                field: def.name.into(),
                message: format!("no column is mapped to {} ({}): every row will fail", def.label_ja, def.label_en),
                detail: None,
            });
        }
    }
    out
}

impl Store {
    /// The mapping saved for a layout, if any.
    pub fn saved_mapping(&self, fingerprint: &str) -> Result<Option<SavedMapping>> {
        saved_mapping(&self.conn, fingerprint)
    }

    /// Kind, header row and mapping of a file: given, saved for its layout, or guessed.
    pub fn import_prepare(&self, raw: &RawTable, opts: &ImportOptions) -> Result<Prepared> {
        import::prepare(raw, opts, &|fp| saved_mapping(&self.conn, fp).ok().flatten())
    }

    /// The dry run: what the import would do, row by row, without writing.
    pub fn import_preview(&self, raw: &RawTable, opts: &ImportOptions, progress: ProgressFn) -> Result<ImportPreview> {
        let prepared = self.import_prepare(raw, opts)?;
        // One read transaction: a consistent snapshot, and no lock per query.
        let snapshot = self.conn.unchecked_transaction()?;
        let lookup = SqlLookup { conn: &snapshot };
        let mut planner = Planner::new(&prepared, opts.on_match)
            .create_missing_users(opts.create_missing_users)
            .with_reader_issues(raw, &prepared);
        let total = data_rows(raw, &prepared).count() as u64;
        planner.expect_rows(total as usize);
        let mut rows: Vec<RowPlan> = Vec::new();
        let mut truncated = false;
        let mut error_rows: Vec<(u32, Vec<String>, String)> = Vec::new();
        for (i, (row_no, cells)) in data_rows(raw, &prepared).enumerate() {
            if i.is_multiple_of(PROGRESS_EVERY)
                && progress(Progress { phase: Phase::Plan, done: i as u64, total }) == Flow::Cancel
            {
                return Err(cancelled());
            }
            let Some(mut plan) = planner.plan_row(row_no, cells, &lookup)? else {
                continue;
            };
            plan.clean = None; // only the apply writes them
                               // A user the import creates is shown by name (the apply links its id).
            for u in std::mem::take(&mut plan.new_users) {
                link_new_user(prepared.kind, &mut plan.fields, &new_user_placeholder(&u.key), &u.name);
            }
            if plan.action == RowAction::Error {
                error_rows.push((row_no, cells.clone(), reason_line(prepared.kind, &plan.errors)));
            }
            let notable = plan.action != RowAction::Create || !plan.warnings.is_empty() || plan.same_as_row.is_some();
            if rows.len() < SAMPLE_ROWS || notable {
                if rows.len() < ROW_LIMIT {
                    rows.push(plan);
                } else {
                    truncated = true;
                }
            }
        }
        progress(Progress { phase: Phase::Plan, done: total, total });
        let error_csv = if error_rows.is_empty() {
            None
        } else {
            let bytes = crate::export::error_csv(&prepared.headers, &error_rows)?;
            Some(crate::export::FileData::new("import-errors.csv", &bytes))
        };
        let missing_users = planner.missing_users().to_vec();
        Ok(ImportPreview {
            kind: prepared.kind,
            kind_guessed: prepared.kind_guessed,
            format: raw.format,
            encoding: raw.encoding,
            delimiter: raw.delimiter.map(|d| (d as char).to_string()),
            sheets: raw.sheets.clone(),
            sheet: raw.sheet.clone(),
            header_row: prepared.header_row,
            headers: prepared.headers.clone(),
            mapping: prepared.mapping.clone(),
            mapping_source: prepared.mapping_source,
            fingerprint: prepared.fingerprint.clone(),
            targets: mapping::targets(prepared.kind),
            notices: notices(raw, &prepared),
            summary: planner.summary,
            rows,
            rows_truncated: truncated,
            error_csv,
            missing_users,
        })
    }

    /// Imports a file in one transaction. With rows in error, nothing is
    /// written unless `accept_errors` (the user chose to import the good
    /// rows only). Cancelling through `progress` rolls everything back.
    pub fn import_apply(
        &mut self,
        ctx: &Ctx,
        raw: &RawTable,
        opts: &ImportOptions,
        accept_errors: bool,
        progress: ProgressFn,
    ) -> Result<ImportReport> {
        let prepared = self.import_prepare(raw, opts)?;
        let total = data_rows(raw, &prepared).count() as u64;
        let _cache = Store::bulk_cache(&self.conn)?;
        let tx = self.conn.unchecked_transaction()?;
        let ids = &mut self.ids;
        let search = super::derived::defer();
        let reader = planning_connection(&tx)?;
        std::thread::scope(|scope| {
            let mut plans = Plans::start(scope, reader, raw, &prepared, opts);
            let mut report = write_plans(&tx, ids, ctx, &prepared, accept_errors, total, progress, &mut plans)?;
            progress(Progress { phase: Phase::Write, done: total, total });
            search
                .flush_with(&tx, &mut |done| {
                    progress(Progress { phase: Phase::Index, done, total: 1000 }) == Flow::Continue
                })
                .map_err(|e| if e.code == "cancelled" { cancelled() } else { e })?;
            progress(Progress { phase: Phase::Index, done: 1000, total: 1000 });
            report.summary = plans.finish()?;
            if !raw.synthetic_header && prepared.mapping_source != MappingSource::Saved {
                save_mapping(&tx, &prepared, ctx.now_ms)?;
                report.mapping_saved = true;
            } else if prepared.mapping_source == MappingSource::Saved {
                tx.execute(
                    "UPDATE import_mappings SET used_at = ?1 WHERE fingerprint = ?2",
                    params![ctx.now_ms, prepared.fingerprint],
                )?;
            }
            tx.commit()?;
            Ok(report)
        })
    }
}

/// A second, read-only connection to the database file for the planner
/// thread, its snapshot taken now: the database as it was before the
/// import, which is what the preview planned against. `None` for a
/// database in memory, or one not in WAL mode, where a reader would block
/// the writer (then the writing thread plans too).
fn planning_connection(conn: &Connection) -> Result<Option<Connection>> {
    let Some(path) = conn.path().filter(|p| !p.is_empty()) else {
        return Ok(None);
    };
    let mode: String = conn.pragma_query_value(None, "journal_mode", |r| r.get(0))?;
    if !mode.eq_ignore_ascii_case("wal") {
        return Ok(None);
    }
    let reader = Connection::open_with_flags(
        path,
        rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY | rusqlite::OpenFlags::SQLITE_OPEN_NO_MUTEX,
    )?;
    super::crypto::key_connection(&reader, std::path::Path::new(path))?;
    reader.busy_timeout(std::time::Duration::from_secs(5))?;
    reader.set_prepared_statement_cache_capacity(64);
    reader.execute_batch("BEGIN")?;
    // The first read starts the read transaction: its snapshot is fixed now.
    reader.query_row("SELECT COUNT(*) FROM sqlite_schema", [], |r| r.get::<_, i64>(0))?;
    Ok(Some(reader))
}

/// One planned row: its number and plan (`None`: an empty row).
type Planned = Result<(u32, Option<RowPlan>)>;

/// Where the apply's row plans come from. With a database file, a second
/// thread plans every row on its own read connection while this one writes
/// (planning — parsing, normalizing, phone numbers, key lookups — was a
/// third of an import's time). That connection sees the database as it
/// was before the import, as the preview did; records the import writes
/// are matched as rows of the file by the planner itself. In memory, rows
/// are planned here, on the writing transaction, one by one; the planner
/// is told the records earlier rows created, so that it treats them as
/// rows of the file there too.
enum Plans<'scope, 'a> {
    Thread {
        rx: std::sync::mpsc::Receiver<Planned>,
        handle: std::thread::ScopedJoinHandle<'scope, crate::import::ImportSummary>,
    },
    Here {
        planner: Box<Planner>,
        rows: Box<dyn Iterator<Item = (u32, &'a Vec<String>)> + 'a>,
    },
}

impl<'scope, 'a: 'scope> Plans<'scope, 'a> {
    fn start(
        scope: &'scope std::thread::Scope<'scope, '_>,
        reader: Option<Connection>,
        raw: &'a RawTable,
        prepared: &'a Prepared,
        opts: &ImportOptions,
    ) -> Plans<'scope, 'a> {
        let mut planner = Planner::new(prepared, opts.on_match)
            .create_missing_users(opts.create_missing_users)
            .with_reader_issues(raw, prepared);
        planner.expect_rows(data_rows(raw, prepared).count());
        let Some(reader) = reader else {
            return Plans::Here { planner: Box::new(planner), rows: Box::new(data_rows(raw, prepared)) };
        };
        let (tx, rx) = std::sync::mpsc::sync_channel::<Planned>(1024);
        let handle = scope.spawn(move || {
            let mut planner = planner;
            let lookup = SqlLookup { conn: &reader };
            for (row_no, cells) in data_rows(raw, prepared) {
                let planned = planner.plan_row(row_no, cells, &lookup).map(|p| (row_no, p));
                let failed = planned.is_err();
                // The writer stopped (an error, a cancel): so does the planner.
                if tx.send(planned).is_err() || failed {
                    break;
                }
            }
            planner.summary
        });
        Plans::Thread { rx, handle }
    }
}

impl Plans<'_, '_> {
    fn next(&mut self, conn: &Connection) -> Option<Planned> {
        match self {
            Plans::Thread { rx, .. } => rx.recv().ok(),
            Plans::Here { planner, rows } => {
                let (row_no, cells) = rows.next()?;
                Some(planner.plan_row(row_no, cells, &SqlLookup { conn }).map(|p| (row_no, p)))
            }
        }
    }

    fn created(&mut self, row: u32, id: &str) {
        if let Plans::Here { planner, .. } = self {
            planner.created(row, id);
        }
    }

    fn finish(self) -> Result<crate::import::ImportSummary> {
        match self {
            Plans::Thread { rx, handle } => {
                drop(rx);
                handle.join().map_err(|_| ApiError::new("internal", "the import's planner stopped unexpectedly"))
            }
            Plans::Here { planner, .. } => Ok(planner.summary),
        }
    }
}

/// Puts a created user's id where a row's user references hold its placeholder.
fn link_new_user(kind: Kind, fields: &mut Map<String, Value>, placeholder: &str, id: &str) {
    for def in kind.meta().fields {
        match (def.ty, fields.get_mut(def.name)) {
            (FieldType::Ref { kind: Kind::User }, Some(v)) if v.as_str() == Some(placeholder) => {
                *v = Value::String(id.to_string());
            }
            (FieldType::RefList { kind: Kind::User }, Some(Value::Array(items))) => {
                for v in items.iter_mut().filter(|v| v.as_str() == Some(placeholder)) {
                    *v = Value::String(id.to_string());
                }
            }
            _ => {}
        }
    }
}

/// Writes the planned rows in file order; returns the counts.
#[allow(clippy::too_many_arguments)]
fn write_plans(
    tx: &Connection,
    ids: &mut rand_chacha::ChaCha8Rng,
    ctx: &Ctx,
    prepared: &Prepared,
    accept_errors: bool,
    total: u64,
    progress: ProgressFn,
    plans: &mut Plans,
) -> Result<ImportReport> {
    let kind = prepared.kind;
    {
        let mut report = ImportReport {
            kind,
            summary: Default::default(),
            created: 0,
            updated: 0,
            skipped: 0,
            failed: 0,
            companies_created: 0,
            users_created: 0,
            failed_rows: vec![],
            mapping_saved: false,
        };
        // Records made by earlier rows, and companies made for contacts.
        let mut row_ids: HashMap<u32, String> = HashMap::new();
        let mut company_ids: HashMap<String, String> = HashMap::new();
        // Users created for rows naming them, by name key.
        let mut user_ids: HashMap<String, String> = HashMap::new();
        let mut i = 0usize;
        while let Some(planned) = plans.next(tx) {
            if i.is_multiple_of(PROGRESS_EVERY)
                && progress(Progress { phase: Phase::Write, done: i as u64, total }) == Flow::Cancel
            {
                return Err(cancelled());
            }
            i += 1;
            let (row_no, plan) = planned?;
            let Some(mut plan) = plan else { continue };
            if plan.action == RowAction::Error {
                if !accept_errors {
                    // Nothing will be kept: stop here (the transaction rolls back).
                    let mut e = ApiError::new(
                        "import_has_errors",
                        format!(
                            "row {row_no} has errors ({}), so nothing was imported. Fix the rows in error (the preview lists them all and gives them as a CSV), or import the good rows only",
                            reason_line(kind, &plan.errors)
                        ),
                    );
                    e.details = plan.errors;
                    return Err(e);
                }
                report.failed += 1;
                report.failed_rows.push(row_no);
                continue;
            }
            let at_row = |e: ApiError| ApiError { message: format!("row {row_no}: {}", e.message), ..e };
            for u in std::mem::take(&mut plan.new_users) {
                let id = match user_ids.get(&u.key) {
                    Some(id) => id.clone(),
                    None => {
                        let mut f = Map::new();
                        f.insert("name".into(), Value::String(u.name.clone()));
                        let id = write::insert(tx, ids, ctx, Kind::User, &f).map_err(at_row)?;
                        user_ids.insert(u.key.clone(), id.clone());
                        report.users_created += 1;
                        id
                    }
                };
                let placeholder = new_user_placeholder(&u.key);
                link_new_user(kind, &mut plan.fields, &placeholder, &id);
                if let Some(clean) = plan.clean.as_mut() {
                    link_new_user(kind, clean, &placeholder, &id);
                }
            }
            if let Some(c) = &plan.new_company {
                let key = crate::normalize::company_name_key(&c.name);
                let id = match company_ids.get(&key) {
                    Some(id) => id.clone(),
                    None => {
                        let mut f = Map::new();
                        f.insert("name".into(), Value::String(c.name.clone()));
                        if let Some(code) = &c.code {
                            f.insert("code".into(), Value::String(code.clone()));
                        }
                        if let Some(r) = &c.name_reading {
                            f.insert("name_reading".into(), Value::String(r.clone()));
                        }
                        let id = write::insert(tx, ids, ctx, Kind::Company, &f).map_err(at_row)?;
                        company_ids.insert(key, id.clone());
                        report.companies_created += 1;
                        id
                    }
                };
                plan.fields.insert("company_id".into(), Value::String(id.clone()));
                if let Some(clean) = plan.clean.as_mut() {
                    clean.insert("company_id".into(), Value::String(id));
                }
            }
            match plan.action {
                RowAction::Create => {
                    let id = match plan.clean.take() {
                        // Cleaned by the planner; cleaning again changes nothing.
                        Some(clean) => write::insert_clean(tx, ids, ctx, kind, clean),
                        None => write::insert(tx, ids, ctx, kind, &plan.fields),
                    }
                    .map_err(at_row)?;
                    plans.created(row_no, &id);
                    row_ids.insert(row_no, id);
                    report.created += 1;
                }
                RowAction::Update => {
                    let target = plan
                        .target_id
                        .clone()
                        .or_else(|| plan.same_as_row.and_then(|r| row_ids.get(&r).cloned()))
                        .ok_or_else(|| ApiError::new("internal", format!("row {row_no}: nothing to update")))?;
                    write::update_in(tx, ids, ctx, kind, &target, None, &plan.fields).map_err(at_row)?;
                    if let Some(r) = plan.same_as_row {
                        if let Some(id) = row_ids.get(&r).cloned() {
                            row_ids.insert(row_no, id);
                        }
                    }
                    report.updated += 1;
                }
                RowAction::Skip => report.skipped += 1,
                RowAction::Error => unreachable!("handled above"),
            }
        }
        Ok(report)
    }
}
