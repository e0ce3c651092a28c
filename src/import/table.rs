//! Rows of text cells read from a file, and the CSV reader: encoding
//! detection (BOM, UTF-8, Shift_JIS/CP932, EUC-JP, UTF-16), delimiter
//! sniffing and Excel-style quoting (doubled quotes, quoted newlines).

use super::{SourceFormat, TextEncoding};
use crate::error::{ApiError, Result};

/// A file read into rows of text cells, before any mapping.
#[derive(Debug, Clone, PartialEq)]
pub struct RawTable {
    pub format: SourceFormat,
    pub encoding: Option<TextEncoding>,
    pub delimiter: Option<u8>,
    /// Sheets of a workbook, and the one read.
    pub sheets: Vec<String>,
    pub sheet: Option<String>,
    /// Every row of the file, the header row(s) included.
    pub rows: Vec<Vec<String>>,
    /// The first row was made by the reader (vCard): its cells are mapping
    /// targets, and row numbers count records from 1.
    pub synthetic_header: bool,
    /// Problems of the file as a whole (undecodable bytes …).
    pub notices: Vec<String>,
}

impl RawTable {
    pub fn new(format: SourceFormat, rows: Vec<Vec<String>>) -> RawTable {
        RawTable {
            format,
            encoding: None,
            delimiter: None,
            sheets: vec![],
            sheet: None,
            rows,
            synthetic_header: false,
            notices: vec![],
        }
    }
}

/// Decodes text: the chosen encoding, else by byte-order mark, else UTF-8
/// when the bytes are valid UTF-8, else Shift_JIS (CP932) — or EUC-JP when
/// only that decodes cleanly. Returns the text, the encoding and whether
/// some bytes could not be decoded (they became U+FFFD).
pub fn decode(bytes: &[u8], chosen: Option<TextEncoding>) -> (String, TextEncoding, bool) {
    use encoding_rs::{EUC_JP, SHIFT_JIS, UTF_16BE, UTF_16LE, UTF_8};
    let with = |enc: TextEncoding, bytes: &[u8]| -> (String, bool) {
        let e = match enc {
            TextEncoding::Utf8 => UTF_8,
            TextEncoding::ShiftJis => SHIFT_JIS,
            TextEncoding::Utf16le => UTF_16LE,
            TextEncoding::EucJp => EUC_JP,
        };
        let (text, bad) = e.decode_with_bom_removal(bytes);
        (text.into_owned(), bad)
    };
    if let Some(enc) = chosen {
        let (text, bad) = with(enc, bytes);
        return (text, enc, bad);
    }
    if let Some((enc, bom)) = encoding_rs::Encoding::for_bom(bytes) {
        let (text, bad) = enc.decode_without_bom_handling(&bytes[bom..]);
        let label = if enc == UTF_8 { TextEncoding::Utf8 } else { TextEncoding::Utf16le };
        let _ = UTF_16BE;
        return (text.into_owned(), label, bad);
    }
    if looks_like_utf16le(bytes) {
        let (text, bad) = with(TextEncoding::Utf16le, bytes);
        return (text, TextEncoding::Utf16le, bad);
    }
    if let Ok(text) = std::str::from_utf8(bytes) {
        return (text.to_string(), TextEncoding::Utf8, false);
    }
    let (sjis, bad) = with(TextEncoding::ShiftJis, bytes);
    if bad {
        let (euc, euc_bad) = with(TextEncoding::EucJp, bytes);
        if !euc_bad {
            return (euc, TextEncoding::EucJp, false);
        }
    }
    (sjis, TextEncoding::ShiftJis, bad)
}

/// UTF-16LE without a BOM: ASCII text has a zero in every odd byte.
fn looks_like_utf16le(bytes: &[u8]) -> bool {
    let head = &bytes[..bytes.len().min(200) & !1];
    head.len() >= 4 && head.chunks(2).filter(|p| p[1] == 0 && p[0] != 0).count() * 10 >= head.len() / 2 * 8
}

/// Reads CSV (or TSV) bytes into rows.
pub fn read_csv(bytes: &[u8], encoding: Option<TextEncoding>, delimiter: Option<u8>) -> Result<RawTable> {
    let (text, enc, bad) = decode(bytes, encoding);
    let mut body = text.as_str();
    // Excel's `sep=;` first line names the delimiter.
    let mut delim = delimiter;
    if let Some(rest) = body.strip_prefix("sep=") {
        if let Some(d) = rest.chars().next().filter(|d| d.is_ascii() && !matches!(d, '\r' | '\n')) {
            let after = &rest[1..];
            let line_end = after
                .strip_prefix("\r\n")
                .or_else(|| after.strip_prefix('\n'))
                .or_else(|| after.is_empty().then_some(after));
            if let Some(next) = line_end {
                delim = delim.or(Some(d as u8));
                body = next;
            }
        }
    }
    let delim = delim.unwrap_or_else(|| sniff_delimiter(body));
    let mut reader =
        csv::ReaderBuilder::new().has_headers(false).flexible(true).delimiter(delim).from_reader(body.as_bytes());
    let mut rows = Vec::new();
    for record in reader.records() {
        let record = record.map_err(|e| ApiError::new("invalid_csv", format!("the file is not readable CSV: {e}")))?;
        rows.push(record.iter().map(str::to_string).collect::<Vec<_>>());
    }
    let mut table = RawTable::new(SourceFormat::Csv, rows);
    table.encoding = Some(enc);
    table.delimiter = Some(delim);
    if bad {
        table.notices.push(format!(
            "some bytes are not valid {}; they were replaced by �. Choose another encoding if the text looks wrong",
            enc.as_str()
        ));
    }
    Ok(table)
}

/// The delimiter Excel (or another tool) used: the candidate found most
/// consistently on the first lines, outside quotes. `,` when in doubt.
pub fn sniff_delimiter(text: &str) -> u8 {
    const CANDIDATES: [u8; 4] = [b',', b'\t', b';', b'|'];
    let mut lines: Vec<[usize; 4]> = Vec::new();
    let mut counts = [0usize; 4];
    let mut quoted = false;
    for b in text.bytes().take(64 * 1024) {
        match b {
            b'"' => quoted = !quoted,
            b'\n' if !quoted => {
                lines.push(counts);
                counts = [0; 4];
                if lines.len() == 20 {
                    break;
                }
            }
            _ if !quoted => {
                if let Some(i) = CANDIDATES.iter().position(|c| *c == b) {
                    counts[i] += 1;
                }
            }
            _ => {}
        }
    }
    if counts.iter().any(|c| *c > 0) {
        lines.push(counts);
    }
    let score = |i: usize| -> (usize, usize) {
        let min = lines.iter().map(|l| l[i]).min().unwrap_or(0);
        let total = lines.iter().map(|l| l[i]).sum();
        (min, total)
    };
    (0..4)
        .max_by(|&a, &b| score(a).cmp(&score(b)).then(b.cmp(&a)))
        .filter(|&i| score(i).1 > 0)
        .map(|i| CANDIDATES[i])
        .unwrap_or(b',')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn encodings_are_detected() {
        let text = "会社名,電話\n山田商事,03-1234-5678\n";
        let (sjis, _, _) = encoding_rs::SHIFT_JIS.encode(text);
        let (euc, _, _) = encoding_rs::EUC_JP.encode(text);
        let mut bom = vec![0xEF, 0xBB, 0xBF];
        bom.extend_from_slice(text.as_bytes());
        let mut utf16 = vec![0xFF, 0xFE];
        for u in text.encode_utf16() {
            utf16.extend_from_slice(&u.to_le_bytes());
        }
        let cases: Vec<(&[u8], TextEncoding)> = vec![
            (text.as_bytes(), TextEncoding::Utf8),
            (&bom, TextEncoding::Utf8),
            (&sjis, TextEncoding::ShiftJis),
            (&euc, TextEncoding::EucJp),
            (&utf16, TextEncoding::Utf16le),
        ];
        for (bytes, want) in cases {
            let (got, enc, bad) = decode(bytes, None);
            assert_eq!((got.as_str(), enc, bad), (text, want, false));
        }
    }

    #[test]
    fn delimiters_are_sniffed() {
        let cases = [
            ("a,b,c\n1,2,3\n", b','),
            ("a\tb\tc\n1\t2,5\t3\n", b'\t'),
            ("a;b;c\n\"1,5\";2;3\n", b';'),
            ("a|b\n1|2", b'|'),
            ("only one column\nx\n", b','),
        ];
        for (text, want) in cases {
            assert_eq!(sniff_delimiter(text) as char, want as char, "{text:?}");
        }
    }

    #[test]
    fn excel_sep_line_and_quoting() {
        let t = read_csv(b"sep=;\r\na;b\r\n\"x;\"\"y\"\"\r\nz\";2\r\n", None, None).unwrap();
        assert_eq!(t.delimiter, Some(b';'));
        assert_eq!(t.rows, vec![vec!["a", "b"], vec!["x;\"y\"\r\nz", "2"]]);
    }
}
