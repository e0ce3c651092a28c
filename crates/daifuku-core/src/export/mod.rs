//! Export: a list view (a kind with its filters) to CSV (UTF-8 with BOM, or
//! Shift_JIS for old Excel), XLSX or vCard 4.0, and the mailing list (DM).
//!
//! A [`Sheet`] is built from records through the store's public reads (no
//! SQL here), then written by a writer. Columns: `ID`, then every field by
//! its Japanese label (or English label, or field name). References are
//! written as names — a company as its name plus a 顧客コード column — so a
//! file exported here imports back into the same records (import matches
//! the `ID` column, else the natural keys).

pub mod ics;
pub mod mailing;
pub mod vcard;

use std::borrow::Cow;
use std::collections::HashMap;

use serde::{Deserialize, Serialize};
use serde_json::Value;
use ts_rs::TS;

use crate::error::{ApiError, Result};
use crate::import::values;
use crate::import::TextEncoding;
use crate::model::Kind;
use crate::schema::FieldType;
use crate::store::{ListQuery, Store, Stored};

/// A file made by the core: its suggested name and its bytes in base64.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct FileData {
    pub name: String,
    pub base64: String,
}

impl FileData {
    pub fn new(name: impl Into<String>, bytes: &[u8]) -> FileData {
        FileData { name: name.into(), base64: crate::import::encode_base64(bytes) }
    }
    pub fn bytes(&self) -> Result<Vec<u8>> {
        crate::import::decode_base64(&self.base64)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum ExportFormat {
    #[default]
    Csv,
    Xlsx,
    /// vCard 4.0 (contacts only).
    Vcf,
    /// The records as JSON (the stable export format of one kind).
    Json,
}

impl ExportFormat {
    pub fn parse(s: &str) -> Option<ExportFormat> {
        match s {
            "csv" => Some(ExportFormat::Csv),
            "xlsx" | "excel" => Some(ExportFormat::Xlsx),
            "vcf" | "vcard" => Some(ExportFormat::Vcf),
            "json" => Some(ExportFormat::Json),
            _ => None,
        }
    }
    pub fn extension(self) -> &'static str {
        match self {
            ExportFormat::Csv => "csv",
            ExportFormat::Xlsx => "xlsx",
            ExportFormat::Vcf => "vcf",
            ExportFormat::Json => "json",
        }
    }
}

/// What the header row says.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum HeaderStyle {
    /// Japanese labels; enum values and yes/no in Japanese too (default).
    #[default]
    Ja,
    /// English labels; enum values as stored.
    En,
    /// Field names; values as stored (for scripts).
    Field,
}

#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize, TS)]
#[serde(default)]
pub struct ExportOptions {
    pub format: ExportFormat,
    /// CSV only: UTF-8 (with BOM, default) or Shift_JIS.
    #[ts(optional)]
    pub encoding: Option<TextEncoding>,
    pub headers: HeaderStyle,
}

/// An exported file.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct Exported {
    pub file: FileData,
    /// Records written.
    pub rows: u32,
    /// Cells cut at Excel's limit, characters Shift_JIS cannot hold.
    pub warnings: Vec<ExportWarning>,
}

/// Something the user should know about a file before sending it: a cell
/// cut at Excel's limit, characters Shift_JIS cannot hold. The UI shows it
/// in the user's language by `code`, with `record`, `field` and `detail`
/// as they are.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct ExportWarning {
    /// `cell_truncated` (detail: the cell's full length in characters),
    /// `unencodable_chars` (detail: the characters, written as 〓), or
    /// `more_warnings` (the list stops at [`MAX_WARNINGS`]; detail: how
    /// many more there were).
    pub code: String,
    /// English explanation (CLI); the UI localizes by `code`.
    pub message: String,
    /// The row in the file (the header is row 1).
    #[ts(optional)]
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub row: Option<u32>,
    /// The record's title, as its list shows it.
    #[ts(optional)]
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub record: Option<String>,
    /// The column's header, as the file writes it.
    #[ts(optional)]
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub field: Option<String>,
    #[ts(optional)]
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub detail: Option<String>,
}

/// The most warnings an export lists; the rest are counted in one
/// `more_warnings` (a Shift_JIS export of 100k contacts named 髙橋 in
/// 𠮷-style characters must not make a result larger than the file).
pub const MAX_WARNINGS: usize = 500;

/// The warnings of one export, at most [`MAX_WARNINGS`] of them.
#[derive(Default)]
struct Warnings {
    list: Vec<ExportWarning>,
    more: u32,
}

impl Warnings {
    /// A warning about the cell of `sheet`'s data row `r` (0-based) in column `c`.
    fn cell(&mut self, sheet: &Sheet, r: Option<usize>, c: usize, code: &str, detail: String, message: &str) {
        if self.list.len() >= MAX_WARNINGS {
            self.more += 1;
            return;
        }
        let record = r.and_then(|r| sheet.titles.get(r)).filter(|t| !t.is_empty()).cloned();
        let field = sheet.headers.get(c).cloned();
        let row = r.map(|r| r as u32 + 2).unwrap_or(1);
        let place = match (&record, &field) {
            (Some(t), Some(f)) => format!("row {row} ({t}), {f}"),
            (None, Some(f)) => format!("row {row}, {f}"),
            _ => format!("row {row}"),
        };
        self.list.push(ExportWarning {
            code: code.into(),
            message: format!("{place}: {message}"),
            row: Some(row),
            record,
            field,
            detail: Some(detail),
        });
    }

    fn finish(mut self) -> Vec<ExportWarning> {
        if self.more > 0 {
            self.list.push(ExportWarning {
                code: "more_warnings".into(),
                message: format!("and {} more warnings", self.more),
                row: None,
                record: None,
                field: None,
                detail: Some(self.more.to_string()),
            });
        }
        self.list
    }
}

/// One cell of a sheet.
#[derive(Debug, Clone, PartialEq)]
pub enum Cell {
    Empty,
    Text(String),
    Int(i64),
    Float(f64),
}

impl Cell {
    pub fn text(&self) -> String {
        match self {
            Cell::Empty => String::new(),
            Cell::Text(s) => s.clone(),
            Cell::Int(i) => i.to_string(),
            Cell::Float(f) => f.to_string(),
        }
    }
}

/// A table to write: a header row and rows of cells.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Sheet {
    pub name: String,
    pub headers: Vec<String>,
    pub rows: Vec<Vec<Cell>>,
    /// Each row's record title (as its list shows it), for warnings; may be empty.
    pub titles: Vec<String>,
}

/// Every live record of `kind` matching the list query's filters (paging ignored).
pub fn fetch_all(store: &Store, kind: Kind, query: &ListQuery) -> Result<Vec<Stored>> {
    let mut q = query.clone();
    q.limit = Some(1000);
    q.no_total = true;
    let mut out = Vec::new();
    let mut offset = 0u32;
    loop {
        q.offset = Some(offset);
        let page = store.list(kind, &q)?;
        let n = page.items.len() as u32;
        // Private memos and private activities' texts never leave this device (issue 18).
        out.extend(page.items.into_iter().map(|mut s| {
            crate::store::privacy::redact_record(&mut s.record);
            s
        }));
        if n < 1000 {
            return Ok(out);
        }
        offset += n;
    }
}

/// Names (and a company's code) of referenced records, fetched once each.
/// A referenced record's display name and, for a person, their company's name.
type RefName = Option<(String, Option<String>)>;

pub struct RefNames<'a> {
    store: &'a Store,
    cache: HashMap<(Kind, String), RefName>,
}

impl<'a> RefNames<'a> {
    pub fn new(store: &'a Store) -> RefNames<'a> {
        RefNames { store, cache: HashMap::new() }
    }
    /// The display name and (companies) the code of a record.
    pub fn get(&mut self, kind: Kind, id: &str) -> Option<(String, Option<String>)> {
        let store = self.store;
        self.cache
            .entry((kind, id.to_string()))
            .or_insert_with(|| {
                store.get(kind, id).ok().map(|s| {
                    let code = match &s.record {
                        crate::Record::Company(c) => c.code.clone(),
                        _ => None,
                    };
                    (s.display_name, code)
                })
            })
            .clone()
    }
}

fn header(style: HeaderStyle, name: &str, ja: &str, en: &str) -> String {
    match style {
        HeaderStyle::Ja => ja.to_string(),
        HeaderStyle::En => en.to_string(),
        HeaderStyle::Field => name.to_string(),
    }
}

/// Whether a kind's company reference gets a 顧客コード column beside it.
fn has_company_code(kind: Kind) -> bool {
    kind != Kind::Company && kind.field("company_id").is_some()
}

/// The sheet of a list of records.
pub fn records_sheet(kind: Kind, records: &[Stored], refs: &mut RefNames, style: HeaderStyle) -> Sheet {
    let meta = kind.meta();
    let mut headers = vec![header(style, "id", "ID", "ID")];
    let shared: Vec<&crate::schema::FieldDef> =
        meta.fields.iter().filter(|f| !crate::store::privacy::is_local_only(kind, f.name)).collect();
    for f in shared.iter().copied() {
        headers.push(header(style, f.name, f.label_ja, f.label_en));
        if f.name == "company_id" && has_company_code(kind) {
            headers.push(header(style, "company_code", "顧客コード", "Company's customer code"));
        }
    }
    let mut rows = Vec::with_capacity(records.len());
    let titles = records.iter().map(|r| r.display_name.clone()).collect();
    for r in records {
        let fields = r.record.to_fields();
        let mut row = vec![Cell::Text(r.id.clone())];
        for f in shared.iter().copied() {
            let v = fields.get(f.name).unwrap_or(&Value::Null);
            let cell = match (f.ty, v) {
                // No company: its name and its customer code columns both empty.
                (_, Value::Null) if f.name == "company_id" && has_company_code(kind) => {
                    row.push(Cell::Empty);
                    Cell::Empty
                }
                (_, Value::Null) => Cell::Empty,
                (FieldType::Ref { kind: target }, Value::String(id)) => {
                    let named = refs.get(target, id);
                    if f.name == "company_id" && has_company_code(kind) {
                        let (name, code) = named.clone().unwrap_or((id.clone(), None));
                        row.push(Cell::Text(name));
                        row.push(code.map(Cell::Text).unwrap_or(Cell::Empty));
                        continue;
                    }
                    Cell::Text(named.map(|(n, _)| n).unwrap_or_else(|| id.clone()))
                }
                (FieldType::RefList { kind: target }, Value::Array(ids)) => {
                    let names: Vec<String> = ids
                        .iter()
                        .filter_map(Value::as_str)
                        .map(|id| refs.get(target, id).map(|(n, _)| n).unwrap_or_else(|| id.to_string()))
                        .collect();
                    if names.is_empty() {
                        Cell::Empty
                    } else {
                        Cell::Text(names.join(", "))
                    }
                }
                (FieldType::Tags, Value::Array(items)) => {
                    let items: Vec<&str> = items.iter().filter_map(Value::as_str).collect();
                    if items.is_empty() {
                        Cell::Empty
                    } else {
                        Cell::Text(items.join(", "))
                    }
                }
                (FieldType::Json, Value::Array(a)) if a.is_empty() => Cell::Empty,
                (FieldType::Json, v) => Cell::Text(v.to_string()),
                (FieldType::Bool, Value::Bool(b)) => Cell::Text(
                    match (style, b) {
                        (HeaderStyle::Ja, true) => "はい",
                        (HeaderStyle::Ja, false) => "いいえ",
                        (_, true) => "true",
                        (_, false) => "false",
                    }
                    .into(),
                ),
                (FieldType::Enum { .. }, Value::String(s)) if style == HeaderStyle::Ja => {
                    Cell::Text(values::enum_label(s).to_string())
                }
                (_, Value::Number(n)) => match n.as_i64() {
                    Some(i) => Cell::Int(i),
                    None => Cell::Float(n.as_f64().unwrap_or(0.0)),
                },
                (_, Value::String(s)) => Cell::Text(s.clone()),
                (_, other) => Cell::Text(other.to_string()),
            };
            row.push(cell);
        }
        rows.push(row);
    }
    Sheet { name: meta.label_ja.to_string(), headers, rows, titles }
}

/// What makes a spreadsheet read a CSV cell as a formula (OWASP, "CSV
/// Injection"): `=`, `+`, `-`, `@`, and tab and CR, which some programs skip
/// before looking at the next character.
pub const FORMULA_STARTS: [char; 6] = ['=', '+', '-', '@', '\t', '\r'];

/// A CSV text cell a spreadsheet would run as a formula, made inert with a
/// leading `'` (OWASP's recommendation): LibreOffice evaluated `=1+3` and
/// `=HYPERLINK(…)` from our files before. Numbers (a negative amount) are
/// `Cell::Int`/`Cell::Float` and never pass here. The import takes the `'`
/// off again (`import::values::unneutralise`), so export → import gives the
/// text as it was.
pub fn neutralise(s: &str) -> Cow<'_, str> {
    if s.starts_with(FORMULA_STARTS) {
        Cow::Owned(format!("'{s}"))
    } else {
        Cow::Borrowed(s)
    }
}

/// Characters Japanese text holds under a code point the Shift_JIS (CP932)
/// encoder does not know, mapped to the CP932 form Excel reads back as the
/// same mark: the JIS and Microsoft tables map these JIS X 0208 characters
/// differently, so text typed on a Mac or converted by a JIS-table tool has
/// the first form. Each pair is checked against encoding_rs in the tests
/// (U+2212 the encoder already maps itself).
const CP932_FORMS: [(char, char); 7] = [
    ('\u{301C}', '\u{FF5E}'), // 〜 wave dash → ～ full-width tilde
    ('\u{2212}', '\u{FF0D}'), // − minus sign → － full-width hyphen-minus
    ('\u{2016}', '\u{2225}'), // ‖ double vertical line → ∥ parallel to
    ('\u{00A2}', '\u{FFE0}'), // ¢ → ￠
    ('\u{00A3}', '\u{FFE1}'), // £ → ￡
    ('\u{00AC}', '\u{FFE2}'), // ¬ → ￢
    ('\u{2014}', '\u{2015}'), // — em dash → ― horizontal bar
];

/// What a character CP932 cannot hold is written as: 〓 (げた, the JIS
/// substitution mark), not `?` — it shows a reader that a character is
/// missing where `?` reads as punctuation (`ご都合?`), and searching the
/// file for 〓 finds every loss.
pub const SJIS_SUBSTITUTE: char = '〓';

/// `s` as Shift_JIS (CP932) can hold it: CP932 forms mapped, every other
/// character it cannot hold replaced by [`SJIS_SUBSTITUTE`]; and the
/// characters lost, each once, in order.
pub fn to_cp932_text(s: &str) -> (Cow<'_, str>, Vec<char>) {
    // ASCII and most Japanese text pass untouched: only a text with a
    // character the encoder refuses, or one to map, is rebuilt.
    let mut enc = encoding_rs::SHIFT_JIS.new_encoder();
    let needs_map = s.chars().any(|c| CP932_FORMS.iter().any(|(from, _)| *from == c));
    if !needs_map && encodes_cleanly(&mut enc, s) {
        return (Cow::Borrowed(s), Vec::new());
    }
    let mut out = String::with_capacity(s.len());
    let mut lost = Vec::new();
    let mut buf = [0u8; 4];
    for c in s.chars() {
        let c = CP932_FORMS.iter().find(|(from, _)| *from == c).map(|(_, to)| *to).unwrap_or(c);
        if c.is_ascii() || encodes_cleanly(&mut enc, c.encode_utf8(&mut buf)) {
            out.push(c);
        } else {
            out.push(SJIS_SUBSTITUTE);
            if !lost.contains(&c) {
                lost.push(c);
            }
        }
    }
    (Cow::Owned(out), lost)
}

fn encodes_cleanly(enc: &mut encoding_rs::Encoder, s: &str) -> bool {
    let mut rest = s;
    let mut buf = [0u8; 1024];
    loop {
        let (result, read, _) = enc.encode_from_utf8_without_replacement(rest, &mut buf, false);
        rest = &rest[read..];
        match result {
            encoding_rs::EncoderResult::InputEmpty => return true,
            encoding_rs::EncoderResult::OutputFull => continue,
            encoding_rs::EncoderResult::Unmappable(_) => return false,
        }
    }
}

/// `c (U+XXXX)` for a message.
fn char_names(chars: &[char]) -> String {
    chars.iter().map(|c| format!("{c} (U+{:04X})", *c as u32)).collect::<Vec<_>>().join(", ")
}

/// CSV bytes: CRLF line ends, quotes where needed (Excel's dialect). Text
/// cells a spreadsheet would run as formulas get a leading `'`
/// ([`neutralise`]). UTF-8 gets a BOM so Excel reads it as UTF-8; for
/// Shift_JIS (CP932) each cell is brought to what CP932 holds
/// ([`to_cp932_text`]) and each cell that lost characters is a warning
/// naming its row, record and column.
pub fn csv_bytes(sheet: &Sheet, encoding: TextEncoding) -> Result<(Vec<u8>, Vec<ExportWarning>)> {
    let sjis = encoding == TextEncoding::ShiftJis;
    let mut warnings = Warnings::default();
    let mut fit = |text: Cow<'_, str>, r: Option<usize>, c: usize| -> String {
        if !sjis {
            return text.into_owned();
        }
        let (cp932, lost) = to_cp932_text(&text);
        if !lost.is_empty() {
            let message = format!(
                "Shift_JIS cannot hold {} (written as {SJIS_SUBSTITUTE}); export as UTF-8 to keep them",
                char_names(&lost)
            );
            warnings.cell(sheet, r, c, "unencodable_chars", lost.iter().collect(), &message);
        }
        cp932.into_owned()
    };
    let mut w = csv::WriterBuilder::new().terminator(csv::Terminator::CRLF).from_writer(Vec::new());
    let io = |e: csv::Error| ApiError::new("io", e.to_string());
    let headers: Vec<String> = sheet.headers.iter().enumerate().map(|(c, h)| fit(neutralise(h), None, c)).collect();
    w.write_record(&headers).map_err(io)?;
    for (r, row) in sheet.rows.iter().enumerate() {
        let cells: Vec<String> = row
            .iter()
            .enumerate()
            .map(|(c, cell)| match cell {
                Cell::Text(s) => fit(neutralise(s), Some(r), c),
                other => other.text(),
            })
            .collect();
        w.write_record(&cells).map_err(io)?;
    }
    let utf8 = w.into_inner().map_err(|e| ApiError::new("io", e.to_string()))?;
    let text = String::from_utf8(utf8).map_err(|e| ApiError::new("io", e.to_string()))?;
    let (bytes, mut rest) = encode_text(&text, encoding)?;
    let mut list = warnings.finish();
    list.append(&mut rest);
    Ok((bytes, list))
}

/// Text in an encoding: UTF-8 with BOM, or Shift_JIS with CP932 forms
/// mapped and [`SJIS_SUBSTITUTE`] for the rest (one warning listing them).
pub fn encode_text(text: &str, encoding: TextEncoding) -> Result<(Vec<u8>, Vec<ExportWarning>)> {
    match encoding {
        TextEncoding::Utf8 => {
            let mut out = vec![0xEF, 0xBB, 0xBF];
            out.extend_from_slice(text.as_bytes());
            Ok((out, vec![]))
        }
        TextEncoding::ShiftJis => {
            let (cp932, lost) = to_cp932_text(text);
            let (bytes, _, _) = encoding_rs::SHIFT_JIS.encode(&cp932);
            let warnings = if lost.is_empty() {
                vec![]
            } else {
                vec![ExportWarning {
                    code: "unencodable_chars".into(),
                    message: format!(
                        "Shift_JIS cannot hold {} (written as {SJIS_SUBSTITUTE}); export as UTF-8 to keep them",
                        char_names(&lost)
                    ),
                    row: None,
                    record: None,
                    field: None,
                    detail: Some(lost.iter().collect()),
                }]
            };
            Ok((bytes.into_owned(), warnings))
        }
        other => Err(ApiError::field(
            "unsupported_encoding",
            "encoding",
            format!("exports are written as UTF-8 or Shift_JIS, not {}", other.as_str()),
        )),
    }
}

/// An XLSX workbook of one sheet: bold, frozen header row with a filter;
/// numbers as numbers, everything else as text (never formulas).
pub fn xlsx_bytes(sheet: &Sheet) -> Result<(Vec<u8>, Vec<ExportWarning>)> {
    use rust_xlsxwriter::{Format, Workbook};
    let err = |e: rust_xlsxwriter::XlsxError| ApiError::new("xlsx", e.to_string());
    let mut book = Workbook::new();
    let ws = book.add_worksheet();
    // Sheet names: at most 31 characters, none of []:*?/\.
    let name: String = sheet.name.chars().filter(|c| !"[]:*?/\\".contains(*c)).take(31).collect();
    if !name.is_empty() {
        ws.set_name(name).map_err(err)?;
    }
    let bold = Format::new().set_bold();
    let mut warnings = Warnings::default();
    let mut widths: Vec<usize> = sheet.headers.iter().map(|h| display_width(h)).collect();
    for (c, h) in sheet.headers.iter().enumerate() {
        ws.write_string_with_format(0, c as u16, h, &bold).map_err(err)?;
    }
    for (i, row) in sheet.rows.iter().enumerate() {
        let r = i as u32 + 1;
        for (c, cell) in row.iter().enumerate() {
            let col = c as u16;
            match cell {
                Cell::Empty => {}
                Cell::Text(s) => {
                    let (text, full) = fit_excel_cell(s);
                    if let Some(n) = full {
                        let message = format!(
                            "{n} characters are more than an Excel cell holds; cut at {XLSX_CELL_MAX} with a mark (export as CSV to keep them)"
                        );
                        warnings.cell(sheet, Some(i), c, "cell_truncated", n.to_string(), &message);
                    }
                    ws.write_string(r, col, text.as_ref()).map_err(err)?;
                }
                Cell::Int(i) => {
                    ws.write_number(r, col, *i as f64).map_err(err)?;
                }
                Cell::Float(f) => {
                    ws.write_number(r, col, *f).map_err(err)?;
                }
            }
            if let Some(w) = widths.get_mut(c) {
                *w = (*w).max(display_width(&cell.text()).min(60));
            }
        }
    }
    for (c, w) in widths.iter().enumerate() {
        ws.set_column_width(c as u16, (*w as f64 + 2.0).min(62.0)).map_err(err)?;
    }
    ws.set_freeze_panes(1, 0).map_err(err)?;
    if !sheet.headers.is_empty() {
        ws.autofilter(0, 0, sheet.rows.len() as u32, sheet.headers.len() as u16 - 1).map_err(err)?;
    }
    Ok((book.save_to_buffer().map_err(err)?, warnings.finish()))
}

/// The most an Excel cell holds: 32,767 characters, counted in UTF-16 units
/// (Excel's and rust_xlsxwriter's count; a character outside the BMP such as
/// 𠮷 counts twice).
pub const XLSX_CELL_MAX: usize = 32_767;

/// A text as an Excel cell holds it: as it is when it fits, else cut with a
/// visible mark at the end (`…［以下省略：全40,000文字］`) within the limit,
/// and the full length in characters.
pub fn fit_excel_cell(s: &str) -> (Cow<'_, str>, Option<usize>) {
    // At most 2 UTF-16 units per 4 UTF-8 bytes: a short text fits uncounted.
    if s.len() <= XLSX_CELL_MAX || s.encode_utf16().count() <= XLSX_CELL_MAX {
        return (Cow::Borrowed(s), None);
    }
    let n = s.chars().count();
    let mark = format!("…［以下省略：全{}文字］", group_thousands(n));
    let room = XLSX_CELL_MAX - mark.encode_utf16().count();
    let mut used = 0;
    let mut cut = 0;
    for (i, ch) in s.char_indices() {
        if used + ch.len_utf16() > room {
            break;
        }
        used += ch.len_utf16();
        cut = i + ch.len_utf8();
    }
    (Cow::Owned(format!("{}{mark}", &s[..cut])), Some(n))
}

/// `123456` → `123,456`.
fn group_thousands(n: usize) -> String {
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, d) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(d);
    }
    out
}

/// Rough column width: wide (CJK) characters count twice.
fn display_width(s: &str) -> usize {
    s.lines().map(|l| l.chars().map(|c| if (c as u32) < 0x1100 { 1 } else { 2 }).sum()).max().unwrap_or(0)
}

/// Writes a sheet in a format.
pub fn write_sheet(sheet: &Sheet, opts: &ExportOptions, base_name: &str) -> Result<Exported> {
    let (bytes, warnings) = match opts.format {
        ExportFormat::Csv => csv_bytes(sheet, opts.encoding.unwrap_or(TextEncoding::Utf8))?,
        ExportFormat::Xlsx => xlsx_bytes(sheet)?,
        other => {
            return Err(ApiError::field(
                "unsupported_format",
                "format",
                format!("this list cannot be written as {}", other.extension()),
            ))
        }
    };
    Ok(Exported {
        file: FileData::new(format!("{base_name}.{}", opts.format.extension()), &bytes),
        rows: sheet.rows.len() as u32,
        warnings,
    })
}

/// Exports the records of a list view (a kind and its filters).
pub fn export(store: &Store, kind: Kind, query: &ListQuery, opts: &ExportOptions, today: &str) -> Result<Exported> {
    let records = fetch_all(store, kind, query)?;
    export_records(store, kind, &records, opts, today)
}

/// Writes records [`fetch_all`] gave (private values already out) in a
/// format: an export of a chosen set of them (for a third party, without
/// the people whose use is stopped: `store/appi/provision.rs`).
pub fn export_records(
    store: &Store,
    kind: Kind,
    records: &[Stored],
    opts: &ExportOptions,
    today: &str,
) -> Result<Exported> {
    let base = format!("{}-{}", kind.as_str(), today);
    match opts.format {
        ExportFormat::Json => {
            let items: Vec<Value> = records
                .iter()
                .map(|s| {
                    serde_json::json!({
                        "id": s.id,
                        "fields": Value::Object(
                            s.record
                                .to_fields()
                                .into_iter()
                                .filter(|(k, _)| !crate::store::privacy::is_local_only(kind, k))
                                .collect()
                        ),
                    })
                })
                .collect();
            let doc = serde_json::json!({
                "format": "daifuku-export",
                "version": 1,
                "kind": kind.as_str(),
                "records": items,
            });
            let text = serde_json::to_string_pretty(&doc)? + "\n";
            Ok(Exported {
                file: FileData::new(format!("{base}.json"), text.as_bytes()),
                rows: records.len() as u32,
                warnings: vec![],
            })
        }
        ExportFormat::Vcf => {
            if kind != Kind::Contact {
                return Err(ApiError::field("unsupported_format", "format", "vCard export is for contacts"));
            }
            let mut companies: HashMap<String, Option<crate::model::Company>> = HashMap::new();
            let mut text = String::new();
            for s in records {
                let crate::Record::Contact(c) = &s.record else { continue };
                let company = c.company_id.as_ref().and_then(|id| {
                    companies
                        .entry(id.clone())
                        .or_insert_with(|| match store.get(Kind::Company, id) {
                            Ok(Stored { record: crate::Record::Company(co), .. }) => Some(co),
                            _ => None,
                        })
                        .clone()
                });
                text.push_str(&vcard::contact_vcard(&s.id, c, company.as_ref()));
            }
            Ok(Exported {
                file: FileData::new(format!("{base}.vcf"), text.as_bytes()),
                rows: records.len() as u32,
                warnings: vec![],
            })
        }
        _ => {
            let mut refs = RefNames::new(store);
            let sheet = records_sheet(kind, records, &mut refs, opts.headers);
            write_sheet(&sheet, opts, &base)
        }
    }
}

/// The error CSV of an import: row number, the row's original cells and a
/// reason column (UTF-8 with BOM).
pub fn error_csv(headers: &[String], rows: &[(u32, Vec<String>, String)]) -> Result<Vec<u8>> {
    let mut sheet = Sheet {
        name: "errors".into(),
        headers: Vec::with_capacity(headers.len() + 2),
        rows: Vec::with_capacity(rows.len()),
        titles: Vec::new(),
    };
    sheet.headers.push("行".into());
    sheet.headers.extend(headers.iter().cloned());
    sheet.headers.push("エラー内容".into());
    for (row, cells, reason) in rows {
        let mut out = vec![Cell::Int(*row as i64)];
        for i in 0..headers.len() {
            // A cell refused as too long is cut as an Excel cell is, with a
            // mark: the file is opened in Excel to fix the rows.
            let cell = cells.get(i).map(|c| fit_excel_cell(c).0.into_owned()).unwrap_or_default();
            out.push(Cell::Text(cell));
        }
        out.push(Cell::Text(reason.clone()));
        sheet.rows.push(out);
    }
    Ok(csv_bytes(&sheet, TextEncoding::Utf8)?.0)
}

/// What an export command answers: the file's bytes (base64) when no path
/// was given, else where it was written.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct ExportResult {
    pub name: String,
    /// Where the file was written (the caller's path).
    pub path: Option<String>,
    /// The file's bytes, when it was not written to a path.
    pub base64: Option<String>,
    pub rows: u32,
    pub warnings: Vec<ExportWarning>,
}

impl Exported {
    /// Writes the file to `path` (when given) or hands its bytes back.
    pub fn deliver(self, path: Option<&str>) -> Result<ExportResult> {
        match path {
            Some(p) => {
                if let Some(dir) = std::path::Path::new(p).parent().filter(|d| !d.as_os_str().is_empty()) {
                    std::fs::create_dir_all(dir).map_err(|e| ApiError::new("io", format!("{}: {e}", dir.display())))?;
                }
                std::fs::write(p, self.file.bytes()?).map_err(|e| ApiError::new("io", format!("{p}: {e}")))?;
                Ok(ExportResult {
                    name: self.file.name,
                    path: Some(p.to_string()),
                    base64: None,
                    rows: self.rows,
                    warnings: self.warnings,
                })
            }
            None => Ok(ExportResult {
                name: self.file.name,
                path: None,
                base64: Some(self.file.base64),
                rows: self.rows,
                warnings: self.warnings,
            }),
        }
    }
}

impl std::fmt::Display for ExportWarning {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.message)
    }
}
