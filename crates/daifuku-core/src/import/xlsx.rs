//! Excel workbooks (xlsx, xlsm, xlsb, xls, ods) through calamine: the first
//! or the chosen sheet, cells as text. Dates become `YYYY-MM-DD` (with
//! `HH:MM` when they have a time), whole numbers lose their `.0`.

use std::io::Cursor;

use calamine::{open_workbook_auto_from_rs, Data, Reader};

use super::{RawTable, SourceFormat};
use crate::error::{ApiError, Result};

pub fn read(bytes: &[u8], sheet: Option<&str>) -> Result<RawTable> {
    let mut book = open_workbook_auto_from_rs(Cursor::new(bytes.to_vec()))
        .map_err(|e| ApiError::new("invalid_excel", format!("the file is not a readable workbook: {e}")))?;
    let sheets = book.sheet_names();
    let name = match sheet {
        Some(s) => sheets.iter().find(|n| n.as_str() == s).cloned().ok_or_else(|| {
            ApiError::field(
                "unknown_sheet",
                "sheet",
                format!("the workbook has no sheet {s:?} (sheets: {})", sheets.join(", ")),
            )
        })?,
        None => sheets.first().cloned().ok_or_else(|| ApiError::new("empty_file", "the workbook has no sheets"))?,
    };
    let range =
        book.worksheet_range(&name).map_err(|e| ApiError::new("invalid_excel", format!("sheet {name}: {e}")))?;
    // Rows above the used range (empty top rows) still count for row numbers.
    let (top, left) = range.start().unwrap_or((0, 0));
    let mut rows: Vec<Vec<String>> = vec![vec![]; top as usize];
    for row in range.rows() {
        let mut cells: Vec<String> = vec![String::new(); left as usize];
        cells.extend(row.iter().map(cell_text));
        while cells.last().is_some_and(String::is_empty) {
            cells.pop();
        }
        rows.push(cells);
    }
    let mut table = RawTable::new(SourceFormat::Excel, rows);
    table.sheets = sheets;
    table.sheet = Some(name);
    Ok(table)
}

/// One cell as the text a person sees in it (without number formatting).
pub fn cell_text(cell: &Data) -> String {
    match cell {
        Data::Empty => String::new(),
        Data::String(s) => s.clone(),
        Data::Int(i) => i.to_string(),
        Data::Float(f) => number_text(*f),
        Data::Bool(b) => if *b { "TRUE" } else { "FALSE" }.to_string(),
        Data::DateTime(dt) if dt.is_datetime() => {
            let (y, mo, d, h, mi, _, _) = dt.to_ymd_hms_milli();
            if dt.as_f64().fract() == 0.0 {
                format!("{y:04}-{mo:02}-{d:02}")
            } else if dt.as_f64() < 1.0 {
                format!("{h:02}:{mi:02}")
            } else {
                format!("{y:04}-{mo:02}-{d:02} {h:02}:{mi:02}")
            }
        }
        Data::DateTime(dt) => number_text(dt.as_f64()),
        Data::DateTimeIso(s) | Data::DurationIso(s) => s.clone(),
        Data::Error(e) => format!("#{e:?}"),
    }
}

/// A number without a useless `.0`, and without exponent for whole numbers
/// (a 13-digit 法人番号 typed as a number stays 13 digits).
fn number_text(f: f64) -> String {
    if f.fract() == 0.0 && f.abs() < 1e17 {
        format!("{}", f as i64)
    } else {
        let s = format!("{f}");
        s
    }
}
