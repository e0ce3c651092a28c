//! Import: customer data from CSV (UTF-8, UTF-8 with BOM, Shift_JIS/CP932,
//! UTF-16), Excel workbooks and vCards into records.
//!
//! Plan, then apply. Reading a file gives a [`RawTable`] (cells as text);
//! [`prepare`] picks the header row, the record kind and the column mapping
//! (given, saved for this layout, or guessed from Japanese and English
//! headers); [`plan::Planner`] turns each row into a [`RowPlan`] — create,
//! update, skip or error, with field-level errors and warnings — looking
//! existing records up through the [`plan::Lookup`] trait. The preview runs
//! the planner alone; the store's `import_apply` runs the same planner inside
//! one transaction and writes as it goes, so an import is all or nothing.
//!
//! Everything here is pure: callers pass the file's bytes; the store owns the
//! SQL (`store/import_apply.rs`).

pub mod mapping;
pub mod plan;
pub mod table;
pub mod values;
pub mod vcard;
pub mod xlsx;

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::error::{ApiError, FieldError, Result};
use crate::model::Kind;

pub use mapping::{ColumnMap, MappingSource, MappingTarget};
pub use plan::{Lookup, MissingUser, Planner, RowAction, RowPlan};
pub use table::RawTable;

/// A text encoding of a CSV file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum TextEncoding {
    /// UTF-8 (a byte-order mark is skipped on import and written on export).
    Utf8,
    /// Shift_JIS as Windows writes it (CP932, with NEC/IBM extensions).
    ShiftJis,
    /// UTF-16 little endian (Excel's "Unicode text").
    Utf16le,
    /// EUC-JP (old Unix exports).
    EucJp,
}

impl TextEncoding {
    /// Parses a user's choice: `utf8`, `utf-8`, `sjis`, `shift_jis`, `cp932`, `utf16`, `euc-jp`.
    pub fn parse(s: &str) -> Option<TextEncoding> {
        match s.to_ascii_lowercase().replace(['-', '_'], "").as_str() {
            "utf8" | "utf8bom" => Some(TextEncoding::Utf8),
            "sjis" | "shiftjis" | "cp932" | "windows31j" | "ms932" => Some(TextEncoding::ShiftJis),
            "utf16" | "utf16le" | "unicode" => Some(TextEncoding::Utf16le),
            "eucjp" => Some(TextEncoding::EucJp),
            _ => None,
        }
    }
    pub fn as_str(self) -> &'static str {
        match self {
            TextEncoding::Utf8 => "utf8",
            TextEncoding::ShiftJis => "shift_jis",
            TextEncoding::Utf16le => "utf16le",
            TextEncoding::EucJp => "euc_jp",
        }
    }
}

/// What a row that matches an existing record (or an earlier row of the
/// file) does.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum OnMatch {
    /// Write the row's non-empty cells into the existing record (default).
    #[default]
    Update,
    /// Leave the existing record alone.
    Skip,
    /// Create a new record anyway (review the duplicates afterwards).
    Create,
}

impl OnMatch {
    pub fn parse(s: &str) -> Option<OnMatch> {
        match s {
            "update" => Some(OnMatch::Update),
            "skip" => Some(OnMatch::Skip),
            "create" => Some(OnMatch::Create),
            _ => None,
        }
    }
}

/// How to read and map a file. Everything is optional: left out, it is
/// detected (encoding, delimiter, sheet, header row), remembered (mapping of
/// a layout imported before) or guessed (kind, mapping).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, TS)]
#[serde(default)]
pub struct ImportOptions {
    /// The record kind rows become; guessed from the headers when absent.
    #[ts(optional)]
    pub kind: Option<Kind>,
    /// CSV text encoding; detected when absent (BOM, valid UTF-8, else Shift_JIS).
    #[ts(optional)]
    pub encoding: Option<TextEncoding>,
    /// CSV delimiter (one character); sniffed when absent (`,` tab `;` `|`).
    #[ts(optional)]
    pub delimiter: Option<String>,
    /// Excel sheet name; the first sheet when absent.
    #[ts(optional)]
    pub sheet: Option<String>,
    /// 1-based row holding the headers; detected when absent (title rows
    /// above the table are skipped).
    #[ts(optional)]
    pub header_row: Option<u32>,
    /// The column mapping; the saved mapping of this layout or a guess when absent.
    #[ts(optional)]
    pub mapping: Option<Vec<ColumnMap>>,
    pub on_match: OnMatch,
    /// Create the users (担当営業 …) that rows name and that do not exist
    /// yet, matched by name, instead of refusing those rows (`unknown_user`):
    /// what importing an export into a new database needs.
    pub create_missing_users: bool,
}

/// The file being imported: a path the caller chose, or its bytes.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(untagged)]
pub enum FileSource {
    /// A file on this computer (desktop file dialog, CLI).
    Path { path: String },
    /// The file's name (for its extension) and its bytes in base64 (browser upload).
    Data { name: String, base64: String },
}

/// Format of a source file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum SourceFormat {
    Csv,
    Excel,
    Vcard,
}

impl SourceFormat {
    /// From the file name's extension, else from the content.
    pub fn detect(name: &str, bytes: &[u8]) -> SourceFormat {
        let lower = name.to_ascii_lowercase();
        let ext = lower.rsplit('.').next().unwrap_or("");
        match ext {
            "xlsx" | "xlsm" | "xlsb" | "xls" | "ods" => return SourceFormat::Excel,
            "vcf" | "vcard" => return SourceFormat::Vcard,
            "csv" | "tsv" | "txt" => return SourceFormat::Csv,
            _ => {}
        }
        if bytes.starts_with(b"PK\x03\x04") || bytes.starts_with(&[0xD0, 0xCF, 0x11, 0xE0]) {
            return SourceFormat::Excel;
        }
        let head = String::from_utf8_lossy(&bytes[..bytes.len().min(64)]).to_ascii_uppercase();
        if head.trim_start_matches('\u{feff}').trim_start().starts_with("BEGIN:VCARD") {
            return SourceFormat::Vcard;
        }
        SourceFormat::Csv
    }
}

/// Reads a file's bytes into rows of text cells.
pub fn read(name: &str, bytes: &[u8], opts: &ImportOptions) -> Result<RawTable> {
    match SourceFormat::detect(name, bytes) {
        SourceFormat::Csv => table::read_csv(bytes, opts.encoding, delimiter(opts)?),
        SourceFormat::Excel => xlsx::read(bytes, opts.sheet.as_deref()),
        SourceFormat::Vcard => vcard::read(bytes),
    }
}

fn delimiter(opts: &ImportOptions) -> Result<Option<u8>> {
    match opts.delimiter.as_deref() {
        None | Some("") => Ok(None),
        Some("\\t") | Some("tab") => Ok(Some(b'\t')),
        Some(d) if d.len() == 1 => Ok(Some(d.as_bytes()[0])),
        Some(d) => Err(ApiError::field(
            "invalid_delimiter",
            "delimiter",
            format!("the delimiter must be one ASCII character, not {d:?}"),
        )),
    }
}

/// Decodes `FileSource::Data`'s base64.
pub fn decode_base64(s: &str) -> Result<Vec<u8>> {
    use base64::Engine;
    base64::engine::general_purpose::STANDARD
        .decode(s.trim().as_bytes())
        .map_err(|e| ApiError::field("invalid_file", "base64", format!("not base64: {e}")))
}

pub fn encode_base64(bytes: &[u8]) -> String {
    use base64::Engine;
    base64::engine::general_purpose::STANDARD.encode(bytes)
}

/// A table ready to plan: its kind, header row, mapping and data rows.
#[derive(Debug, Clone)]
pub struct Prepared {
    pub kind: Kind,
    pub headers: Vec<String>,
    /// 1-based row number of the header row (0 for vCards, which have none).
    pub header_row: u32,
    pub mapping: Vec<ColumnMap>,
    pub mapping_source: MappingSource,
    pub fingerprint: String,
    /// The kind was guessed from the headers ([`mapping::guess_kind`]).
    pub kind_guessed: bool,
}

/// A mapping saved after an import, for the next file of the same layout.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct SavedMapping {
    pub fingerprint: String,
    pub kind: Kind,
    pub mapping: Vec<ColumnMap>,
}

/// Chooses the header row, the kind and the mapping. `saved` is the mapping
/// stored for this layout, if any (the store looks it up by
/// [`mapping::fingerprint`] of the headers, see [`header_candidates`]).
pub fn prepare(raw: &RawTable, opts: &ImportOptions, saved: &dyn Fn(&str) -> Option<SavedMapping>) -> Result<Prepared> {
    let header_index = match opts.header_row {
        Some(0) => return Err(ApiError::field("invalid_header_row", "header_row", "rows are numbered from 1")),
        Some(n) if (n as usize) > raw.rows.len() => {
            return Err(ApiError::field(
                "invalid_header_row",
                "header_row",
                format!("the file has only {} rows", raw.rows.len()),
            ))
        }
        Some(n) => n as usize - 1,
        None if raw.synthetic_header => 0,
        None => mapping::find_header_row(&raw.rows, opts.kind),
    };
    let Some(header_cells) = raw.rows.get(header_index) else {
        return Err(ApiError::new("empty_file", "the file has no rows"));
    };
    let headers: Vec<String> = header_cells.iter().map(|h| h.trim().to_string()).collect();
    let fingerprint = mapping::fingerprint(&headers);
    let (kind, mapping, source) = if let Some(given) = &opts.mapping {
        let kind = opts.kind.unwrap_or_else(|| mapping::guess_kind(&headers).0);
        (kind, mapping::normalize_given(kind, &headers, given)?, MappingSource::Given)
    } else if let Some(s) = saved(&fingerprint).filter(|s| opts.kind.is_none_or(|k| k == s.kind)) {
        let m = mapping::normalize_given(s.kind, &headers, &s.mapping)?;
        (s.kind, m, MappingSource::Saved)
    } else {
        let kind = opts.kind.unwrap_or_else(|| mapping::guess_kind(&headers).0);
        (kind, mapping::guess(kind, &headers), MappingSource::Guessed)
    };
    if !importable(kind) {
        return Err(ApiError::field(
            "not_importable",
            "kind",
            format!("{} records cannot be imported on their own", kind.as_str()),
        ));
    }
    Ok(Prepared {
        kind,
        header_row: if raw.synthetic_header { 0 } else { header_index as u32 + 1 },
        headers,
        mapping,
        kind_guessed: opts.kind.is_none() && source != MappingSource::Saved,
        mapping_source: source,
        fingerprint,
    })
}

/// Kinds a file can be imported into: those that stand on their own
/// (financials, positions … live inside another record).
pub fn importable(kind: Kind) -> bool {
    kind.meta().parent_field.is_none()
}

/// Counts of a plan.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, TS)]
pub struct ImportSummary {
    /// Data rows in the file (empty rows not counted).
    pub rows: u32,
    pub create: u32,
    pub update: u32,
    pub skip: u32,
    /// Rows with errors: not imported (or the import refused without `accept_errors`).
    pub error: u32,
    /// Rows with at least one warning (they are imported).
    pub warning: u32,
    /// Rows repeating a record of an earlier row of the file.
    pub duplicate_in_file: u32,
    /// Rows matching a record already in the database.
    pub duplicate_in_database: u32,
    /// Companies that contacts name but that do not exist yet: created with them.
    pub new_companies: u32,
    /// Users the rows name who do not exist yet (see `ImportPreview::missing_users`).
    pub new_users: u32,
}

/// What the preview (dry run) shows.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct ImportPreview {
    pub kind: Kind,
    /// The kind was guessed from the headers (neither chosen nor saved for this layout).
    pub kind_guessed: bool,
    pub format: SourceFormat,
    /// Detected or chosen encoding (CSV).
    pub encoding: Option<TextEncoding>,
    /// Detected or chosen delimiter (CSV).
    pub delimiter: Option<String>,
    /// Sheets of a workbook, and the one read.
    pub sheets: Vec<String>,
    pub sheet: Option<String>,
    /// 1-based row of the headers (0: none, vCard).
    pub header_row: u32,
    pub headers: Vec<String>,
    pub mapping: Vec<ColumnMap>,
    pub mapping_source: MappingSource,
    /// Identifies the layout (its headers) for saved mappings.
    pub fingerprint: String,
    /// Everything a column can be mapped to, for the mapping editor.
    pub targets: Vec<MappingTarget>,
    /// Warnings about the file as a whole (unmapped columns, columns mapped twice).
    pub notices: Vec<FieldError>,
    pub summary: ImportSummary,
    /// The first rows, then every row with an error, a warning or a match,
    /// in file order (at most `ROW_LIMIT`).
    pub rows: Vec<RowPlan>,
    /// True when `rows` was cut at `ROW_LIMIT`.
    pub rows_truncated: bool,
    /// The rows with errors as a CSV (UTF-8 with BOM): the original cells and
    /// a reason column. Absent when every row is fine.
    pub error_csv: Option<crate::export::FileData>,
    /// Users the rows name who do not exist yet, with how many rows name
    /// each: created by the import with `create_missing_users`, else those
    /// rows are errors (`unknown_user`).
    pub missing_users: Vec<MissingUser>,
}

/// How many planned rows a preview lists.
pub const ROW_LIMIT: usize = 1000;
/// How many rows a preview lists even when they are fine.
pub const SAMPLE_ROWS: usize = 20;

/// What an applied import did.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct ImportReport {
    pub kind: Kind,
    pub summary: ImportSummary,
    pub created: u32,
    pub updated: u32,
    pub skipped: u32,
    /// Rows left out because of errors (only with `accept_errors`).
    pub failed: u32,
    pub companies_created: u32,
    /// Users created for the rows that named them (`create_missing_users`).
    pub users_created: u32,
    /// Row numbers of the rows left out.
    pub failed_rows: Vec<u32>,
    /// Whether the mapping was saved for the next file of this layout.
    pub mapping_saved: bool,
}

/// Where an import is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct Progress {
    /// `plan` (preview); `write`, then `index` (apply).
    pub phase: Phase,
    #[ts(type = "number")]
    pub done: u64,
    #[ts(type = "number")]
    pub total: u64,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum Phase {
    Plan,
    Write,
    /// After the rows are written: their match keys and search index.
    /// `done` / `total` are thousandths (`total` = 1000).
    Index,
}

/// What a progress callback answers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Flow {
    Continue,
    Cancel,
}

/// The progress callback of long work: called every few hundred rows and
/// at the end; answering [`Flow::Cancel`] stops the work (an import then
/// rolls back, leaving the database as it was).
pub type ProgressFn<'a> = &'a mut dyn FnMut(Progress) -> Flow;

/// Rows between two progress calls.
pub const PROGRESS_EVERY: usize = 250;

pub(crate) fn cancelled() -> ApiError {
    ApiError::new("cancelled", "the import was cancelled; nothing was written")
}

/// The largest file an import reads: 200 MB. A 100k-row company list in
/// Excel or CSV is 20–40 MB; reading a file takes several times its size
/// in memory (text, cells, plans), so a larger one is refused before it is
/// read rather than exhausting a laptop's memory.
pub const MAX_FILE_BYTES: u64 = 200 * 1024 * 1024;

fn file_too_large(size: u64) -> ApiError {
    let mb = |b: u64| b.div_ceil(1024 * 1024);
    ApiError::field(
        "file_too_large",
        "file",
        format!("the file is {} MB; files of at most {} MB can be imported: split it", mb(size), mb(MAX_FILE_BYTES)),
    )
}

impl FileSource {
    /// The file's name and bytes (reads the caller's path); `file_too_large`
    /// over [`MAX_FILE_BYTES`], checked before reading.
    pub fn load(&self) -> Result<(String, Vec<u8>)> {
        match self {
            FileSource::Path { path } => {
                let size = std::fs::metadata(path).map_err(|e| ApiError::new("io", format!("{path}: {e}")))?.len();
                if size > MAX_FILE_BYTES {
                    return Err(file_too_large(size));
                }
                let bytes = std::fs::read(path).map_err(|e| ApiError::new("io", format!("{path}: {e}")))?;
                Ok((path.clone(), bytes))
            }
            FileSource::Data { name, base64 } => {
                // Four base64 characters hold three bytes.
                let size = base64.trim().len() as u64 / 4 * 3;
                if size > MAX_FILE_BYTES {
                    return Err(file_too_large(size));
                }
                Ok((name.clone(), decode_base64(base64)?))
            }
        }
    }

    /// Reads the file into rows.
    pub fn read(&self, opts: &ImportOptions) -> Result<RawTable> {
        let (name, bytes) = self.load()?;
        read(&name, &bytes, opts)
    }
}
