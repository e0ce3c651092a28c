//! The import plan: what each row of a file would do, computed without
//! writing. Pure — existing records are looked up through [`Lookup`], which
//! the store implements with SQL and tests with a map.
//!
//! A row becomes one [`RowPlan`]:
//! - its cells are brought to what validation accepts ([`super::values`]),
//!   pseudo-columns are split (氏名 → 姓/名, 住所 → 都道府県/市区町村/番地);
//! - references are resolved by name or code, never by id: a contact's
//!   company by 顧客コード, else by its normalized name (a company a contact
//!   names that does not exist yet is created with it); users, products and
//!   contacts by name;
//! - the row is matched on natural keys, in order: `id` (a column of a
//!   Daifuku export), 顧客コード, 法人番号, e-mail, then normalized name +
//!   phone (companies also name + postal code; contacts also name +
//!   company); activities and purchases on company + date + kind/subject or
//!   product. Earlier rows of the same file are matched the same way;
//! - what a match does is the user's choice ([`OnMatch`]): update (only the
//!   row's non-empty cells are written), skip, or create anyway;
//! - every problem is a field error (`invalid_email`, `required`,
//!   `unknown_company` …): the row is not imported. Warnings (a phone number
//!   whose leading 0 Excel dropped, a company of the same name …) do not stop it.

use std::collections::HashMap;

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use ts_rs::TS;

use super::mapping::ColumnMap;
use super::table::RowIssue;
use super::values;
use super::{ImportSummary, OnMatch, Prepared, RawTable};
use crate::error::{FieldError, Result};
use crate::keys;
use crate::model::Kind;
use crate::normalize;
use crate::schema::{FieldDef, FieldType};
use crate::validate;

/// Existing records, as the planner needs them.
pub trait Lookup {
    /// Live records of `kind` with the match key `(key_type, key)` (see
    /// `keys::match_keys`), oldest first.
    fn by_key(&self, kind: Kind, key_type: &str, key: &str) -> Result<Vec<String>>;
    /// Live records of `kind` with both match keys.
    fn by_key_pair(&self, kind: Kind, a: (&str, &str), b: (&str, &str)) -> Result<Vec<String>>;
    /// A live record's fields; `None` when no live record has that id.
    fn fields(&self, kind: Kind, id: &str) -> Result<Option<Map<String, Value>>>;
    /// Live records of `kind` whose display name is `name`.
    fn by_display_name(&self, kind: Kind, name: &str) -> Result<Vec<String>>;
    /// Live records of `kind` whose fields have these values (null matches null).
    fn by_fields(&self, kind: Kind, fields: &[(&str, Value)]) -> Result<Vec<String>>;
}

/// What a row does.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum RowAction {
    Create,
    Update,
    Skip,
    /// Not imported: see `errors`.
    Error,
}

/// A company a contact names that does not exist yet: created with the
/// first row naming it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct NewCompany {
    pub name: String,
    pub code: Option<String>,
    pub name_reading: Option<String>,
}

/// A user the rows name (担当営業 …) who does not exist yet: created by the
/// import when the user chose `create_missing_users`, else the rows naming
/// them are errors (`unknown_user`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct MissingUser {
    /// The name as the first row naming the user writes it.
    pub name: String,
    /// Rows naming the user.
    pub rows: u32,
}

/// A user a row names who is created with the import; the row's reference
/// fields hold [`new_user_placeholder`] until the apply knows the id.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct NewUserRef {
    pub key: String,
    pub name: String,
}

/// How users are matched by name, as `resolve_ref` and their `person`
/// match key do: folded, without spaces.
pub fn user_name_key(name: &str) -> String {
    normalize::fold(name).replace(' ', "")
}

/// What a reference to a user created by this import holds until the
/// apply writes the user (U+001F never appears in an id or a name key).
pub(crate) fn new_user_placeholder(key: &str) -> String {
    format!("\u{1f}new-user\u{1f}{key}")
}

/// The plan of one row.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct RowPlan {
    /// Row number as a spreadsheet shows it (the header row counts; for a
    /// vCard file, the card's number).
    pub row: u32,
    pub action: RowAction,
    /// The existing record this row updates or skips.
    pub target_id: Option<String>,
    /// The earlier row of the file that holds the same record.
    pub same_as_row: Option<u32>,
    /// The natural key that matched: `id`, `code`, `corporate_number`,
    /// `email`, `name+phone`, `name+postal`, `name+company`, `company+date`, `name`.
    pub matched_by: Option<String>,
    pub display_name: String,
    /// The values the row writes, cleaned (a field the row leaves empty is absent).
    #[ts(type = "Record<string, unknown>")]
    pub fields: Map<String, Value>,
    /// The company this contact belongs to and that does not exist yet.
    pub new_company: Option<NewCompany>,
    pub errors: Vec<FieldError>,
    pub warnings: Vec<FieldError>,
    /// A new record's every field as validation cleaned it (`company_id` is
    /// a placeholder when `new_company` is set): the apply stores these
    /// without cleaning the row a second time. Not shown in the preview.
    #[serde(skip)]
    pub(crate) clean: Option<Map<String, Value>>,
    /// Users this row names that the import creates first (with
    /// `create_missing_users`). Not shown in the preview, which lists them
    /// once for the whole file.
    #[serde(skip)]
    pub(crate) new_users: Vec<NewUserRef>,
}

/// What an earlier row of the file became, by natural key.
#[derive(Debug, Clone)]
struct Seen {
    row: u32,
    /// The existing record it matched (`None`: it creates a new one).
    id: Option<String>,
}

/// Plans rows one by one, remembering earlier rows' keys and the new
/// companies they make.
pub struct Planner {
    kind: Kind,
    on_match: OnMatch,
    /// (column index, target, scale of money columns).
    columns: Vec<(usize, String, i64)>,
    seen: HashMap<String, Seen>,
    new_companies: HashMap<String, NewCompany>,
    /// 顧客コード of new companies → their name key.
    new_company_codes: HashMap<String, String>,
    /// Records written by this import (apply): id → the row that created it.
    /// The database then holds them too; they count as rows of the file,
    /// so the apply decides exactly as the preview did.
    created: HashMap<String, u32>,
    /// Create the users rows name that do not exist (else: `unknown_user`).
    create_missing_users: bool,
    /// Users rows name that do not exist, in order of first mention, and
    /// their index there by [`user_name_key`].
    missing_users: Vec<MissingUser>,
    missing_user_index: HashMap<String, usize>,
    /// Problems the file's reader found, by row number (see [`Planner::with_reader_issues`]).
    reader_issues: HashMap<u32, Vec<RowIssue>>,
    /// Headers of the mapped columns, by column index.
    headers: HashMap<usize, String>,
    pub summary: ImportSummary,
}

/// The size of a column that is no field of its own (住所, 氏名, 顧客コード
/// of a company …, split or looked up later): one line of text.
const LINE: FieldDef = FieldDef::new(FieldType::Text, "", "Value");

fn fe(code: &str, field: &str, message: impl Into<String>) -> FieldError {
    FieldError::new(code, field, message)
}

fn text(m: &Map<String, Value>, k: &str) -> Option<String> {
    m.get(k).and_then(Value::as_str).map(str::trim).filter(|s| !s.is_empty()).map(str::to_string)
}

/// How a company reference of a row was resolved.
enum CompanyRef {
    Existing(String),
    New(NewCompany),
}

impl Planner {
    pub fn new(prepared: &Prepared, on_match: OnMatch) -> Planner {
        Planner::from_mapping(prepared.kind, &prepared.mapping, on_match)
    }

    pub fn from_mapping(kind: Kind, mapping: &[ColumnMap], on_match: OnMatch) -> Planner {
        let columns = mapping
            .iter()
            .filter_map(|c| {
                let t = c.target.clone()?;
                Some((c.column as usize, t, values::header_scale(&c.header)))
            })
            .collect();
        Planner {
            kind,
            on_match,
            columns,
            seen: HashMap::new(),
            new_companies: HashMap::new(),
            new_company_codes: HashMap::new(),
            created: HashMap::new(),
            create_missing_users: false,
            missing_users: Vec::new(),
            missing_user_index: HashMap::new(),
            reader_issues: HashMap::new(),
            headers: mapping
                .iter()
                .filter(|c| c.target.is_some())
                .map(|c| (c.column as usize, c.header.clone()))
                .collect(),
            summary: ImportSummary::default(),
        }
    }

    /// Adds the problems the reader found in the data rows of `raw` (a cell
    /// or a vCard property that could not be decoded …): planned with their
    /// row, as errors or warnings. An issue about a cell names the field its
    /// column is mapped to, and is an error when that field is required; a
    /// column that is not imported has no issue.
    pub fn with_reader_issues(mut self, raw: &RawTable, prepared: &Prepared) -> Planner {
        for issue in &raw.issues {
            // Row numbers as the store's `data_rows` gives them; header rows have none.
            let row = if raw.synthetic_header {
                issue.row
            } else if issue.row >= prepared.header_row as usize {
                issue.row + 1
            } else {
                continue;
            };
            if row > 0 {
                self.reader_issues.entry(row as u32).or_default().push(issue.clone());
            }
        }
        self
    }

    /// Creates the users the rows name that do not exist yet, instead of
    /// refusing those rows (`ImportOptions::create_missing_users`).
    pub fn create_missing_users(mut self, yes: bool) -> Planner {
        self.create_missing_users = yes;
        self
    }

    /// The users rows named so far that do not exist, with how many rows
    /// name each.
    pub fn missing_users(&self) -> &[MissingUser] {
        &self.missing_users
    }

    /// Makes room for the keys of `rows` rows: the map of keys seen in the
    /// file grows to a few entries per row, and growing it step by step
    /// rehashed it a dozen times (8% of a 100k-row preview).
    pub fn expect_rows(&mut self, rows: usize) {
        self.seen.reserve(rows * 4);
    }

    /// Tells the planner the record a row created (apply).
    pub fn created(&mut self, row: u32, id: &str) {
        self.created.insert(id.to_string(), row);
    }

    /// Plans one row; `None` for a row whose mapped cells are all empty.
    pub fn plan_row(&mut self, row: u32, cells: &[String], lookup: &dyn Lookup) -> Result<Option<RowPlan>> {
        let kind = self.kind;
        let mut raw: Map<String, Value> = Map::new();
        let mut errors: Vec<FieldError> = Vec::new();
        let mut warnings: Vec<FieldError> = Vec::new();
        for (col, target, scale) in &self.columns {
            let cell = values::unneutralise(cells.get(*col).map(|s| s.trim()).unwrap_or(""));
            if cell.is_empty() {
                continue;
            }
            // A cell over its field's size is refused before any work on
            // it (keys, splitting, the preview): a 50 MB cell took seconds.
            let def = kind.field(target).unwrap_or(&LINE);
            if let Err(mut e) = validate::check_text_size(def, cell) {
                e.field = target.clone();
                errors.push(e);
                continue;
            }
            let value = match kind.field(target) {
                Some(def) => prepare_value(def, cell, *scale, &mut warnings),
                None => Value::String(cell.to_string()),
            };
            raw.insert(target.clone(), value);
        }
        for issue in self.reader_issues.remove(&row).unwrap_or_default() {
            let RowIssue { column, mut error, issue: mut e, .. } = issue;
            if let Some(col) = column {
                let Some((_, target, _)) = self.columns.iter().find(|(c, _, _)| *c == col) else { continue };
                e.field = target.clone();
                if e.detail.is_none() {
                    e.detail = self.headers.get(&col).cloned();
                }
                error |= kind.field(target).is_some_and(|f| f.required)
                    || (target == "full_name" && kind.field("family_name").is_some_and(|f| f.required))
                    || (target == "company_code" && kind.field("company_id").is_some_and(|f| f.required));
            }
            if error {
                errors.push(e);
            } else {
                warnings.push(e);
            }
        }
        if raw.is_empty() && errors.is_empty() && warnings.is_empty() {
            return Ok(None);
        }
        self.summary.rows += 1;
        split_pseudo(kind, &mut raw);
        values::route_phone_numbers(kind, &mut raw, &mut warnings);
        let id_cell = text(&raw, "id");
        let code_cell = text(&raw, "company_code");
        let company_reading = text(&raw, "company_reading");
        for pseudo in ["id", "company_code", "company_reading"] {
            raw.remove(pseudo);
        }

        // References by name or code.
        let mut new_company: Option<NewCompany> = None;
        let mut company_key: Option<String> = None;
        if kind != Kind::Company && kind.field("company_id").is_some() {
            let name = text(&raw, "company_id");
            if name.is_some() || code_cell.is_some() {
                match self.resolve_company(
                    name.as_deref(),
                    code_cell.as_deref(),
                    company_reading,
                    lookup,
                    &mut errors,
                    &mut warnings,
                )? {
                    Some(CompanyRef::Existing(id)) => {
                        company_key = Some(id.clone());
                        raw.insert("company_id".into(), Value::String(id));
                    }
                    Some(CompanyRef::New(c)) => {
                        company_key = Some(format!("new:{}", normalize::company_name_key(&c.name)));
                        raw.remove("company_id");
                        new_company = Some(c);
                    }
                    None => {
                        raw.remove("company_id");
                    }
                }
            }
        }
        let company_id = raw.get("company_id").and_then(Value::as_str).map(str::to_string);
        let mut row_users: Vec<NewUserRef> = Vec::new();
        for def in kind.meta().fields {
            if def.name == "company_id" && kind != Kind::Company {
                continue;
            }
            match def.ty {
                FieldType::Ref { kind: Kind::User } => {
                    if let Some(v) = text(&raw, def.name) {
                        match self.resolve_user(&v, def, lookup, &mut warnings, &mut row_users)? {
                            Ok(id) => {
                                raw.insert(def.name.into(), Value::String(id));
                            }
                            Err(e) => {
                                errors.push(e);
                                raw.remove(def.name);
                            }
                        }
                    }
                }
                FieldType::RefList { kind: Kind::User } => {
                    if let Some(v) = text(&raw, def.name) {
                        let mut ids = Vec::new();
                        for name in v.split([',', '、', '，', ';', '\n']).map(str::trim).filter(|s| !s.is_empty()) {
                            match self.resolve_user(name, def, lookup, &mut warnings, &mut row_users)? {
                                Ok(id) => ids.push(Value::String(id)),
                                Err(e) => errors.push(e),
                            }
                        }
                        raw.insert(def.name.into(), Value::Array(ids));
                    }
                }
                FieldType::Ref { kind: target } => {
                    if let Some(v) = text(&raw, def.name) {
                        match resolve_ref(target, &v, company_id.as_deref(), lookup, def, &mut warnings)? {
                            Ok(id) => {
                                raw.insert(def.name.into(), Value::String(id));
                            }
                            // A product that is not registered is still a purchase of it.
                            Err(_)
                                if def.name == "product_id"
                                    && kind.field("product_name").is_some()
                                    && text(&raw, "product_name").is_none() =>
                            {
                                raw.remove(def.name);
                                raw.insert("product_name".into(), Value::String(v.clone()));
                                warnings.push(
                                    fe(
                                        "product_not_registered",
                                        def.name,
                                        format!("no product named {v} is registered: kept as the product name"),
                                    )
                                    .with_detail(v.clone()),
                                );
                            }
                            Err(e) => {
                                errors.push(e);
                                raw.remove(def.name);
                            }
                        }
                    }
                }
                FieldType::RefList { kind: target } => {
                    if let Some(v) = text(&raw, def.name) {
                        let mut ids = Vec::new();
                        for name in v.split([',', '、', '，', ';', '\n']).map(str::trim).filter(|s| !s.is_empty()) {
                            match resolve_ref(target, name, company_id.as_deref(), lookup, def, &mut warnings)? {
                                Ok(id) => ids.push(Value::String(id)),
                                Err(e) => errors.push(e),
                            }
                        }
                        raw.insert(def.name.into(), Value::Array(ids));
                    }
                }
                _ => {}
            }
        }

        // Natural keys of the row, strongest first.
        let keys = self.natural_keys(&raw, company_key.as_deref(), new_company.is_some());
        let mut db_matches: Vec<(String, String)> = Vec::new();
        if let Some(id) = &id_cell {
            if lookup.fields(kind, id)?.is_some() {
                db_matches.push(("id".into(), id.clone()));
            } else {
                warnings.push(
                    fe(
                        "unknown_id",
                        "id",
                        format!("no {} with id {id}: the row is imported as a new record", kind.as_str()),
                    )
                    .with_detail(id.to_string()),
                );
            }
        }
        let mut file_match: Option<(String, Seen)> = id_cell
            .as_ref()
            .and_then(|id| self.seen.get(&format!("id\u{1f}{id}")))
            .map(|s| ("id".to_string(), s.clone()));
        let seen_keys: Vec<String> = keys.iter().map(NaturalKey::seen_key).collect();
        for (key, seen_key) in keys.iter().zip(&seen_keys) {
            if file_match.is_none() {
                if let Some(s) = self.seen.get(seen_key) {
                    file_match = Some((key.label.clone(), s.clone()));
                }
            }
            if !key.in_database {
                continue;
            }
            for id in key.find(kind, lookup)? {
                if !db_matches.iter().any(|(_, d)| *d == id) {
                    db_matches.push((key.label.clone(), id));
                }
            }
        }
        // Records this import created are rows of the file, not the database.
        let mut i = 0;
        while i < db_matches.len() {
            match self.created.get(&db_matches[i].1) {
                Some(&origin) => {
                    let (by, _) = db_matches.remove(i);
                    if file_match.is_none() {
                        file_match = Some((by, Seen { row: origin, id: None }));
                    }
                }
                None => i += 1,
            }
        }
        // A row matching two different records, or an earlier row that made
        // a different record, cannot be imported without a decision.
        let deciding = self.on_match != OnMatch::Create;
        if deciding && db_matches.len() > 1 {
            let names: Vec<String> = db_matches.iter().map(|(by, id)| format!("{id} ({by})")).collect();
            errors.push(fe(
                "conflicting_match",
                "id",
                format!("the row matches several existing records: {}", names.join(", ")),
            ));
        }
        if let (true, Some((_, seen)), Some((by, id))) = (deciding, &file_match, db_matches.first()) {
            if seen.id.as_deref() != Some(id.as_str()) {
                errors.push(fe(
                    "conflicting_match",
                    "id",
                    format!(
                        "row {} of the file is another record than the one this row matches by {by} ({id})",
                        seen.row
                    ),
                ));
            }
        }
        let matched_by =
            db_matches.first().map(|(by, _)| by.clone()).or_else(|| file_match.as_ref().map(|(by, _)| by.clone()));
        let target_id = db_matches
            .first()
            .map(|(_, id)| id.clone())
            .or_else(|| file_match.as_ref().and_then(|(_, s)| s.id.clone()));
        let same_as_row = file_match.as_ref().map(|(_, s)| s.row);
        let matched = matched_by.is_some();
        let mut action = match (matched, self.on_match) {
            (false, _) | (true, OnMatch::Create) => RowAction::Create,
            (true, OnMatch::Update) => RowAction::Update,
            (true, OnMatch::Skip) => RowAction::Skip,
        };

        // Validation: a new record must be whole; an update must leave the
        // record valid; a repeat of an earlier new row is checked field by
        // field. Every problem of the row is reported at once.
        let mut fields = Map::new();
        let mut whole_clean = None;
        let mut found: Vec<FieldError> = Vec::new();
        match (action, &target_id) {
            (RowAction::Create, _) => {
                let mut whole = raw.clone();
                if new_company.is_some() {
                    // Created just before the row; a placeholder satisfies `required`.
                    whole.insert("company_id".into(), Value::String("new".into()));
                }
                match validate::clean_owned(kind, whole) {
                    Ok(clean) => {
                        fields = clean
                            .iter()
                            .filter(|(k, v)| raw.contains_key(*k) && !is_empty(v))
                            .map(|(k, v)| (k.clone(), v.clone()))
                            .collect();
                        self.check_unique_on_create(&fields, &db_matches, &file_match, &mut found);
                        whole_clean = Some(clean);
                    }
                    Err(es) => found.extend(es),
                }
            }
            (RowAction::Update, Some(id)) => {
                let mut merged = lookup.fields(kind, id)?.unwrap_or_default();
                for (k, v) in &raw {
                    merged.insert(k.clone(), v.clone());
                }
                match validate::clean_owned(kind, merged) {
                    Ok(clean) => {
                        fields = clean.into_iter().filter(|(k, _)| raw.contains_key(k)).collect();
                    }
                    Err(es) => found.extend(es),
                }
            }
            _ => {
                for (k, v) in &raw {
                    let Some(def) = kind.field(k) else { continue };
                    match validate::clean_field(def, v.clone()) {
                        Ok(v) => {
                            fields.insert(k.clone(), v);
                        }
                        Err(e) => found.push(e),
                    }
                }
            }
        }
        for e in found {
            if !errors.iter().any(|x| x.field == e.field) {
                errors.push(e);
            }
        }
        if !errors.is_empty() {
            action = RowAction::Error;
        }
        if action != RowAction::Error && matched {
            if target_id.is_some() && !db_matches.is_empty() {
                self.summary.duplicate_in_database += 1;
            }
            if same_as_row.is_some() {
                self.summary.duplicate_in_file += 1;
            }
        }
        // A company of the same name that no key matched: maybe the same one.
        if action == RowAction::Create && kind == Kind::Company && !matched {
            let name_key = keys
                .iter()
                .find(|k| k.a.0 == "name")
                .map(|k| k.a.1.clone())
                .or_else(|| text(&raw, "name").map(|n| normalize::company_name_key(&n)));
            if let Some(name_key) = name_key {
                let same = lookup.by_key(kind, "name", &name_key)?;
                if let Some(other) = same.first() {
                    warnings.push(fe(
                        "possible_duplicate",
                        "name",
                        format!("a company with the same name exists ({other}) but no code, 法人番号, e-mail or phone matched: a new company is created"),
                    ));
                }
            }
        }
        // Remember what this row became, for later rows of the file.
        if action != RowAction::Error {
            // Later rows repeating this record point at the row that made it.
            let seen = Seen {
                row: if action == RowAction::Create { row } else { same_as_row.unwrap_or(row) },
                id: if action == RowAction::Create { None } else { target_id.clone() },
            };
            if let Some(id) = &id_cell {
                self.seen.entry(format!("id\u{1f}{id}")).or_insert(seen.clone());
            }
            for seen_key in seen_keys {
                self.seen.entry(seen_key).or_insert(seen.clone());
            }
            if let Some(c) = &new_company {
                let k = normalize::company_name_key(&c.name);
                if !self.new_companies.contains_key(&k) {
                    if let Some(code) = &c.code {
                        self.new_company_codes.insert(normalize::fold(code), k.clone());
                    }
                    self.new_companies.insert(k, c.clone());
                    self.summary.new_companies += 1;
                }
            }
        }
        match action {
            RowAction::Create => self.summary.create += 1,
            RowAction::Update => self.summary.update += 1,
            RowAction::Skip => self.summary.skip += 1,
            RowAction::Error => self.summary.error += 1,
        }
        if !warnings.is_empty() {
            self.summary.warning += 1;
        }
        self.summary.new_users = self.missing_users.len() as u32;
        let mut shown = fields.clone();
        if let Some(c) = &new_company {
            shown.insert("company_id".into(), Value::String(c.name.clone()));
        }
        let display_name = keys::display_name(kind, if shown.is_empty() { &raw } else { &shown });
        Ok(Some(RowPlan {
            row,
            action,
            target_id: if action == RowAction::Error { None } else { target_id },
            same_as_row,
            matched_by,
            display_name,
            fields,
            new_company,
            errors,
            warnings,
            clean: whole_clean.filter(|_| action == RowAction::Create),
            new_users: if self.create_missing_users && action != RowAction::Error { row_users } else { Vec::new() },
        }))
    }

    /// A user by id or by name (as [`resolve_ref`] finds users). A name no
    /// user has is a missing user, counted once per row: with
    /// `create_missing_users` the reference holds a placeholder the apply
    /// replaces by the user it creates; without, it is the row error
    /// `unknown_user` naming the user.
    fn resolve_user(
        &mut self,
        v: &str,
        def: &FieldDef,
        lookup: &dyn Lookup,
        warnings: &mut Vec<FieldError>,
        row_users: &mut Vec<NewUserRef>,
    ) -> Result<std::result::Result<String, FieldError>> {
        let key = user_name_key(v);
        // A user an earlier row made missing stays missing: the apply's
        // planner must decide as the preview did.
        if !self.missing_user_index.contains_key(&key) {
            match resolve_ref(Kind::User, v, None, lookup, def, warnings)? {
                Ok(id) => return Ok(Ok(id)),
                Err(e) if e.code != "unknown_reference" || key.is_empty() => return Ok(Err(e)),
                Err(_) => {}
            }
        }
        if !row_users.iter().any(|u| u.key == key) {
            let i = match self.missing_user_index.get(&key) {
                Some(&i) => i,
                None => {
                    self.missing_users.push(MissingUser { name: v.to_string(), rows: 0 });
                    self.missing_user_index.insert(key.clone(), self.missing_users.len() - 1);
                    self.missing_users.len() - 1
                }
            };
            self.missing_users[i].rows += 1;
            row_users.push(NewUserRef { key: key.clone(), name: self.missing_users[i].name.clone() });
        }
        if self.create_missing_users {
            return Ok(Ok(new_user_placeholder(&key)));
        }
        Ok(Err(fe(
            "unknown_user",
            def.name,
            format!(
                "{}: no user is named {v}; create the missing users with the import (--create-missing-users) or add the user first",
                def.label_en
            ),
        )
        .with_detail(v.to_string())))
    }

    /// With "create anyway", a unique field (顧客コード) must not collide.
    fn check_unique_on_create(
        &self,
        fields: &Map<String, Value>,
        db_matches: &[(String, String)],
        file_match: &Option<(String, Seen)>,
        errors: &mut Vec<FieldError>,
    ) {
        for def in self.kind.meta().fields.iter().filter(|f| f.unique) {
            if fields.get(def.name).is_none() {
                continue;
            }
            let by_db = db_matches.iter().find(|(by, _)| by == def.name);
            let by_file = file_match.as_ref().filter(|(by, _)| by == def.name);
            if let Some((_, id)) = by_db {
                errors.push(fe(
                    "duplicate_value",
                    def.name,
                    format!("{} is already used by {id}: a second record cannot have it", def.label_en),
                ));
            } else if let Some((_, s)) = by_file {
                errors.push(fe(
                    "duplicate_value",
                    def.name,
                    format!("{} is already used by row {}: a second record cannot have it", def.label_en, s.row),
                ));
            }
        }
    }

    fn resolve_company(
        &mut self,
        name: Option<&str>,
        code: Option<&str>,
        reading: Option<String>,
        lookup: &dyn Lookup,
        errors: &mut Vec<FieldError>,
        warnings: &mut Vec<FieldError>,
    ) -> Result<Option<CompanyRef>> {
        // Companies this import makes come first: the apply has written
        // them already, and must decide as the preview did.
        if let Some(key) = code.and_then(|c| self.new_company_codes.get(&normalize::fold(c))) {
            if let Some(c) = self.new_companies.get(key) {
                return Ok(Some(CompanyRef::New(c.clone())));
            }
        }
        if let Some(c) = name.and_then(|n| self.new_companies.get(&normalize::company_name_key(n))) {
            if code.is_none() || c.code.is_none() {
                return Ok(Some(CompanyRef::New(c.clone())));
            }
        }
        if let Some(code) = code {
            let found = lookup.by_key(Kind::Company, "code", &normalize::fold(code))?;
            if let Some(id) = found.first() {
                if let Some(name) = name {
                    let fields = lookup.fields(Kind::Company, id)?.unwrap_or_default();
                    let theirs = text(&fields, "name").unwrap_or_default();
                    if normalize::company_name_key(&theirs) != normalize::company_name_key(name) && name != id {
                        warnings.push(
                            fe(
                                "company_mismatch",
                                "company_id",
                                format!("顧客コード {code} is {theirs}, not {name}: the code wins"),
                            )
                            .with_detail(format!("{code} = {theirs}")),
                        );
                    }
                }
                return Ok(Some(CompanyRef::Existing(id.clone())));
            }
        }
        let Some(name) = name else {
            errors.push(fe(
                "unknown_company",
                "company_code",
                format!("no company has the customer code {}", code.unwrap_or_default()),
            ));
            return Ok(None);
        };
        if lookup.fields(Kind::Company, name)?.is_some() {
            return Ok(Some(CompanyRef::Existing(name.to_string())));
        }
        let key = normalize::company_name_key(name);
        let found = lookup.by_key(Kind::Company, "name", &key)?;
        if let Some(id) = found.first() {
            if found.len() > 1 {
                warnings.push(fe(
                    "ambiguous_company",
                    "company_id",
                    format!("{} companies are named {name}; the row is linked to the oldest ({id}). Add a 顧客コード column to choose", found.len()),
                )
                .with_detail(format!("{name} ×{}", found.len())));
            }
            return Ok(Some(CompanyRef::Existing(id.clone())));
        }
        if self.kind == Kind::Contact {
            warnings.push(
                fe(
                    "new_company",
                    "company_id",
                    format!("no company named {name} yet: it is created with this contact"),
                )
                .with_detail(name.to_string()),
            );
            return Ok(Some(CompanyRef::New(NewCompany {
                name: name.to_string(),
                code: code.map(str::to_string),
                name_reading: reading,
            })));
        }
        errors.push(fe(
            "unknown_company",
            "company_id",
            format!("no company named {name}: import the companies first"),
        ));
        Ok(None)
    }

    fn natural_keys(&self, raw: &Map<String, Value>, company: Option<&str>, company_is_new: bool) -> Vec<NaturalKey> {
        let mut out = Vec::new();
        let t = |k: &str| text(raw, k);
        let mut push = |label: &str,
                        a: (&'static str, Option<String>),
                        b: Option<(&'static str, Option<String>)>,
                        in_database: bool| {
            let Some(ka) = a.1.filter(|s| !s.is_empty()) else { return };
            let second = match b {
                Some((tb, Some(kb))) if !kb.is_empty() => Some((tb, kb)),
                Some(_) => return,
                None => None,
            };
            out.push(NaturalKey { label: label.to_string(), a: (a.0, ka), b: second, fields: vec![], in_database });
        };
        match self.kind {
            Kind::Company => {
                push("code", ("code", t("code").map(|c| normalize::fold(&c))), None, true);
                push(
                    "corporate_number",
                    ("corporate_number", t("corporate_number").and_then(|c| normalize::corporate_number(&c).ok())),
                    None,
                    true,
                );
                push("email", ("email", t("email").and_then(|e| normalize::email_key(&e))), None, true);
                let name = t("name").map(|n| normalize::company_name_key(&n));
                for f in ["phone", "fax"] {
                    push(
                        "name+phone",
                        ("name", name.clone()),
                        Some(("phone", t(f).and_then(|p| normalize::phone_key(&p)))),
                        true,
                    );
                }
                push(
                    "name+postal",
                    ("name", name),
                    Some(("postal", t("postal_code").and_then(|p| normalize::postal_key(&p)))),
                    true,
                );
            }
            Kind::Contact => {
                push("email", ("email", t("email").and_then(|e| normalize::email_key(&e))), None, true);
                let person =
                    t("family_name").map(|f| normalize::person_name_key(&f, &t("given_name").unwrap_or_default()));
                for f in ["phone", "mobile"] {
                    push(
                        "name+phone",
                        ("person", person.clone()),
                        Some(("phone", t(f).and_then(|p| normalize::phone_key(&p)))),
                        true,
                    );
                }
                // The person at the company is one match key (as for the
                // duplicate rule): the person key alone returned every
                // namesake (900 佐藤一郎) and read each one to compare its
                // company, 14 ms a row.
                if let Some(key) = person.and_then(|p| keys::person_company_key(&p, company.unwrap_or(""))) {
                    out.push(NaturalKey {
                        label: "name+company".into(),
                        a: ("person_company", key),
                        b: None,
                        fields: Vec::new(),
                        in_database: !company_is_new,
                    });
                }
            }
            Kind::Product => {
                push("name", ("name", t("name").map(|n| normalize::fold(&n))), None, true);
            }
            Kind::User => {
                push("email", ("email", t("email").and_then(|e| normalize::email_key(&e))), None, true);
                push("name", ("person", t("name").map(|n| normalize::fold(&n).replace(' ', ""))), None, true);
            }
            Kind::Activity | Kind::Purchase => {
                let Some(c) = company else { return out };
                let (names, label): (&[&str], &str) = if self.kind == Kind::Activity {
                    (&["occurred_at", "kind", "subject"], "company+date")
                } else {
                    (&["product_name", "contract_date"], "company+product+date")
                };
                let mut fields = vec![("company_id", Value::String(c.to_string()))];
                for n in names {
                    let v = self.kind.field(n).map(|def| {
                        raw.get(*n).cloned().and_then(|v| validate::clean_field(def, v).ok()).unwrap_or(Value::Null)
                    });
                    fields.push((n, v.unwrap_or(Value::Null)));
                }
                if fields.iter().skip(1).all(|(_, v)| v.is_null()) {
                    return out;
                }
                out.push(NaturalKey {
                    label: label.into(),
                    a: ("", String::new()),
                    b: None,
                    fields,
                    in_database: !company_is_new,
                });
            }
            _ => {}
        }
        out
    }
}

/// One natural key of a row: a match key, a pair of them, or field values.
struct NaturalKey {
    label: String,
    a: (&'static str, String),
    b: Option<(&'static str, String)>,
    /// Field equality (activities, purchases).
    fields: Vec<(&'static str, Value)>,
    /// False when the key names a company created by this import: nothing
    /// in the database can match it yet.
    in_database: bool,
}

impl NaturalKey {
    fn seen_key(&self) -> String {
        let mut s = format!("{}\u{1f}{}\u{1f}{}", self.label, self.a.0, self.a.1);
        if let Some((t, k)) = &self.b {
            s.push_str(&format!("\u{1f}{t}\u{1f}{k}"));
        }
        for (f, v) in &self.fields {
            s.push_str(&format!("\u{1f}{f}={v}"));
        }
        s
    }

    fn find(&self, kind: Kind, lookup: &dyn Lookup) -> Result<Vec<String>> {
        if !self.fields.is_empty() {
            return lookup.by_fields(kind, &self.fields);
        }
        match &self.b {
            Some((t, k)) => lookup.by_key_pair(kind, (self.a.0, &self.a.1), (t, k)),
            None => lookup.by_key(kind, self.a.0, &self.a.1),
        }
    }
}

fn is_empty(v: &Value) -> bool {
    match v {
        Value::Null => true,
        Value::Array(a) => a.is_empty(),
        Value::Bool(false) => true,
        _ => false,
    }
}

/// A cell as the field's validation reads it, with spreadsheet habits undone.
fn prepare_value(def: &FieldDef, cell: &str, scale: i64, warnings: &mut Vec<FieldError>) -> Value {
    let s = cell.to_string();
    match def.ty {
        FieldType::Date => Value::String(values::date_text(&s)),
        FieldType::DateTime => Value::String(values::datetime_text(&s)),
        FieldType::Money => {
            if let Some(n) = values::yen_with_units(&s) {
                return Value::from(n);
            }
            let t: String =
                normalize::fold(&s).chars().filter(|c| !matches!(c, ',' | '円' | '¥' | '\\' | ' ')).collect();
            if let Ok(n) = t.parse::<i64>() {
                return Value::from(n.saturating_mul(scale));
            }
            match t.parse::<f64>() {
                Ok(f) if scale > 1 && f.is_finite() => Value::from((f * scale as f64).round() as i64),
                _ => Value::String(s),
            }
        }
        FieldType::Int { .. } => {
            let t = normalize::fold(&s);
            let t = t.trim_end_matches(['名', '人', '社', '件', '箇', '所', 'ヶ', 'か', 'ヵ', '拠', '点', '月', '%']);
            Value::String(t.to_string())
        }
        FieldType::Decimal { .. } => {
            let t = normalize::fold(&s);
            Value::String(t.trim_end_matches(['歳', '才', '%']).to_string())
        }
        FieldType::Enum { values: allowed } => Value::String(values::enum_value(&s, allowed).unwrap_or(s)),
        FieldType::Phone => match values::restore_phone_zero(&s) {
            Some(fixed) => {
                warnings.push(
                    fe(
                        "leading_zero_restored",
                        def.name,
                        format!("{}: {s} read as {fixed} (Excel drops the leading 0 of numbers)", def.label_en),
                    )
                    .with_detail(format!("{s} → {fixed}")),
                );
                Value::String(fixed)
            }
            None => Value::String(s),
        },
        FieldType::Postal => match values::restore_postal_zero(&s) {
            Some(fixed) => {
                warnings.push(
                    fe(
                        "leading_zero_restored",
                        def.name,
                        format!("{}: {s} read as {fixed} (Excel drops the leading 0 of numbers)", def.label_en),
                    )
                    .with_detail(format!("{s} → {fixed}")),
                );
                Value::String(fixed)
            }
            None => Value::String(s),
        },
        FieldType::Email => {
            Value::String(unicode_normalization::UnicodeNormalization::nfkc(s.trim()).collect::<String>())
        }
        _ => Value::String(s),
    }
}

/// Splits pseudo-columns into fields (never over a field the row sets itself).
fn split_pseudo(kind: Kind, raw: &mut Map<String, Value>) {
    let set = |raw: &mut Map<String, Value>, k: &str, v: Option<String>| {
        if let Some(v) = v.filter(|v| !v.is_empty()) {
            if text(raw, k).is_none() {
                raw.insert(k.into(), Value::String(v));
            }
        }
    };
    if let Some(full) = raw.remove("full_name").and_then(|v| v.as_str().map(str::to_string)) {
        let (family, given) = values::split_name(&full);
        set(raw, "family_name", Some(family));
        set(raw, "given_name", given);
    }
    if let Some(full) = raw.remove("full_reading").and_then(|v| v.as_str().map(str::to_string)) {
        let (family, given) = values::split_name(&full);
        set(raw, "family_reading", Some(family));
        set(raw, "given_reading", given);
    }
    if kind == Kind::Company {
        if let Some(addr) = raw.remove("address").and_then(|v| v.as_str().map(str::to_string)) {
            let (pref, city, rest) = values::split_address(&addr);
            set(raw, "prefecture", pref);
            set(raw, "city", city);
            set(raw, "street", Some(rest));
        }
    }
    if let Some(line2) = raw.remove("address2").and_then(|v| v.as_str().map(str::to_string)) {
        let joined = match text(raw, "address") {
            Some(a) => format!("{a} {line2}"),
            None => line2,
        };
        raw.insert("address".into(), Value::String(joined));
    }
}

/// A reference by id or by name (users, products, contacts, deals …).
fn resolve_ref(
    target: Kind,
    v: &str,
    company_id: Option<&str>,
    lookup: &dyn Lookup,
    def: &FieldDef,
    warnings: &mut Vec<FieldError>,
) -> Result<std::result::Result<String, FieldError>> {
    if lookup.fields(target, v)?.is_some() {
        return Ok(Ok(v.to_string()));
    }
    let mut found = match target {
        Kind::Contact => lookup.by_key(target, "person", &normalize::person_name_key(v, ""))?,
        Kind::User => lookup.by_key(target, "person", &normalize::fold(v).replace(' ', ""))?,
        Kind::Product => lookup.by_key(target, "name", &normalize::fold(v))?,
        Kind::Company => lookup.by_key(target, "name", &normalize::company_name_key(v))?,
        _ => lookup.by_display_name(target, v)?,
    };
    if found.len() > 1 {
        if let Some(company) = company_id {
            let mut same_company = Vec::new();
            for id in &found {
                let f = lookup.fields(target, id)?.unwrap_or_default();
                if f.get("company_id").and_then(Value::as_str) == Some(company) {
                    same_company.push(id.clone());
                }
            }
            if !same_company.is_empty() {
                found = same_company;
            }
        }
    }
    match found.len() {
        0 => Ok(Err(fe("unknown_reference", def.name, format!("{}: no {} named {v}", def.label_en, target.as_str())))),
        1 => Ok(Ok(found.remove(0))),
        n => {
            warnings.push(
                fe(
                    "ambiguous_reference",
                    def.name,
                    format!("{}: {n} records are named {v}; the oldest is used", def.label_en),
                )
                .with_detail(format!("{v} ×{n}")),
            );
            Ok(Ok(found.remove(0)))
        }
    }
}

/// A Japanese explanation of a field error code, for the error CSV.
pub fn reason_ja(code: &str) -> &'static str {
    match code {
        "required" => "必須項目が空です",
        "invalid_email" => "メールアドレスの形式が正しくありません",
        "invalid_phone" => "電話番号として読めません",
        "impossible_phone" => "存在しない電話番号です(桁数を確認してください)",
        "phone_multiple" => "電話番号が複数入っています",
        "invalid_url" => "URLとして読めません",
        "invalid_postal_code" => "郵便番号は7桁です",
        "invalid_corporate_number" => "法人番号が正しくありません(13桁・チェックディジット)",
        "invalid_prefecture" => "都道府県名ではありません",
        "invalid_date" => "日付として読めません",
        "invalid_datetime" => "日時として読めません",
        "invalid_number" => "数値として読めません",
        "out_of_range" => "範囲外の値です",
        "negative_amount" => "金額がマイナスです",
        "invalid_choice" => "選択肢にない値です",
        "invalid_bool" => "はい/いいえとして読めません",
        "invalid_list" | "invalid_json" | "invalid_type" => "形式が正しくありません",
        "date_order" => "日付の前後関係が正しくありません",
        "unknown_reference" => "該当するレコードがありません",
        "unknown_company" => "該当する会社がありません",
        "unknown_user" => "ユーザーにいません。取り込み時に作成できます(「存在しない担当者をユーザーとして作成する」)",
        "conflicting_match" => "複数の既存レコードに一致します",
        "duplicate_value" => "既に使われている値です",
        "inconsistent" => "他の項目と矛盾しています",
        "too_long" => "長すぎます(項目ごとの上限の文字数を超えています。短くしてください)",
        "too_many_items" => "項目の数が多すぎます(上限を超えています)",
        "undecodable_text" => "文字コードが合わず読めない文字があります(この項目は取り込みません)",
        "truncated_vcard" => "カードが途中で切れています(END:VCARDがありません)",
        "invalid_vcard" => "vCardとして読めないカードです",
        _ => "取り込めません",
    }
}

/// One line of the reason column: `ラベル: 日本語の説明 (English message)`.
pub fn reason_line(kind: Kind, errors: &[FieldError]) -> String {
    errors
        .iter()
        .map(|e| {
            let label = kind.field(&e.field).map(|f| f.label_ja).unwrap_or(e.field.as_str());
            format!("{label}: {} ({})", reason_ja(&e.code), e.message)
        })
        .collect::<Vec<_>>()
        .join(" / ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spreadsheet_units_are_undone_before_validation() {
        let deal = Kind::Deal.meta();
        let probability = deal.fields.iter().find(|f| f.name == "probability").unwrap();
        let mut warnings = Vec::new();
        for (cell, want) in [("50%", "50"), ("５０％", "50"), ("80", "80")] {
            let v = prepare_value(probability, cell, 1, &mut warnings);
            assert_eq!(v, Value::String(want.into()), "{cell}");
            assert_eq!(
                crate::validate::clean_field(probability, v).unwrap(),
                Value::from(want.parse::<i64>().unwrap())
            );
        }
        let stage = deal.fields.iter().find(|f| f.name == "stage").unwrap();
        assert_eq!(prepare_value(stage, "商談中", 1, &mut warnings), Value::String("qualified".into()));
        assert!(warnings.is_empty(), "{warnings:?}");
    }
}
