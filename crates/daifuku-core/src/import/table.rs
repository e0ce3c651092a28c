//! Rows of text cells read from a file, and the CSV reader: encoding
//! detection (BOM, UTF-8, Shift_JIS/CP932, EUC-JP, UTF-16), delimiter
//! sniffing and Excel-style quoting (doubled quotes, quoted newlines).
//!
//! Text that did not decode cleanly is never handed on: a cell holding
//! bytes that are not text in the file's encoding is emptied and its row gets an
//! `undecodable_text` issue ([`RowIssue`]), which the planner turns into a
//! warning — or an error when the column fills a required field. A quote
//! that opens a cell and is never closed (or only after
//! [`MAX_QUOTED_LINES`] lines) refuses the whole file (`unterminated_quote`),
//! naming the line where it opened: read as the `csv` crate does, every
//! following row would silently become part of that one cell.

use super::{SourceFormat, TextEncoding};
use crate::error::{ApiError, FieldError, Result};

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
    /// Problems of single rows found by the reader (a cell or a vCard
    /// property that could not be decoded …): the planner adds them to the
    /// row's errors or warnings.
    pub issues: Vec<RowIssue>,
}

/// A problem the reader found in one row.
#[derive(Debug, Clone, PartialEq)]
pub struct RowIssue {
    /// Index of the row in [`RawTable::rows`] (the header row is index 0 of a vCard table).
    pub row: usize,
    /// The cell the issue is about, if one: the planner then names the
    /// field that column is mapped to (and drops the issue for a column
    /// that is not imported), and makes it an error when that field is
    /// required.
    pub column: Option<usize>,
    /// The row cannot be imported (otherwise it is imported with a warning).
    pub error: bool,
    pub issue: FieldError,
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
            issues: vec![],
        }
    }
}

/// Stands in the decoded text for bytes that are not text in the file's
/// encoding (where a lossy decoder writes U+FFFD): a noncharacter, so that
/// a U+FFFD the file itself holds (csv-spectrum has one) is told apart.
pub const UNDECODABLE: char = '\u{FDD0}';

/// Decodes text: the chosen encoding, else by byte-order mark, else UTF-8
/// when the bytes are valid UTF-8 (or mostly: a UTF-8 file with a few
/// broken bytes), else Shift_JIS (CP932) — or EUC-JP when only that
/// decodes cleanly. Returns the text, the encoding and whether some bytes
/// could not be decoded (each such sequence became [`UNDECODABLE`]).
pub fn decode(bytes: &[u8], chosen: Option<TextEncoding>) -> (String, TextEncoding, bool) {
    use encoding_rs::{EUC_JP, SHIFT_JIS, UTF_16BE, UTF_16LE, UTF_8};
    let with = |enc: TextEncoding, bytes: &[u8]| -> (String, bool) {
        let e = match enc {
            TextEncoding::Utf8 => UTF_8,
            TextEncoding::ShiftJis => SHIFT_JIS,
            TextEncoding::Utf16le => UTF_16LE,
            TextEncoding::EucJp => EUC_JP,
        };
        let bom = match encoding_rs::Encoding::for_bom(bytes) {
            Some((b, n)) if b == e => n,
            _ => 0,
        };
        decode_marked(e, &bytes[bom..])
    };
    if let Some(enc) = chosen {
        let (text, bad) = with(enc, bytes);
        return (text, enc, bad);
    }
    if let Some((enc, bom)) = encoding_rs::Encoding::for_bom(bytes) {
        let (text, bad) = decode_marked(enc, &bytes[bom..]);
        let label = if enc == UTF_8 { TextEncoding::Utf8 } else { TextEncoding::Utf16le };
        let _ = UTF_16BE;
        return (text, label, bad);
    }
    if looks_like_utf16le(bytes) {
        let (text, bad) = with(TextEncoding::Utf16le, bytes);
        return (text, TextEncoding::Utf16le, bad);
    }
    if let Ok(text) = std::str::from_utf8(bytes) {
        return (text.to_string(), TextEncoding::Utf8, false);
    }
    if mostly_utf8(bytes) {
        // A UTF-8 file with a few broken bytes: read as Shift_JIS, every
        // Japanese character would turn into mojibake without a single
        // decoding error (UTF-8's bytes are mostly valid Shift_JIS).
        let (text, bad) = with(TextEncoding::Utf8, bytes);
        return (text, TextEncoding::Utf8, bad);
    }
    let (sjis, bad) = with(TextEncoding::ShiftJis, bytes);
    if bad {
        let (euc, euc_bad) = with(TextEncoding::EucJp, bytes);
        if !euc_bad {
            return (euc, TextEncoding::EucJp, false);
        }
        // Nothing decodes cleanly: the encoding with the fewest broken
        // places (UTF-8 with many broken bytes still has fewer than read
        // as Shift_JIS, where each broken byte is broken too).
        let (_, invalid) = utf8_shape(bytes);
        let sjis_invalid = sjis.matches(UNDECODABLE).count();
        if invalid < sjis_invalid {
            let (text, _) = with(TextEncoding::Utf8, bytes);
            return (text, TextEncoding::Utf8, true);
        }
    }
    (sjis, TextEncoding::ShiftJis, bad)
}

/// `bytes` in `enc`, each malformed sequence written as [`UNDECODABLE`].
fn decode_marked(enc: &'static encoding_rs::Encoding, bytes: &[u8]) -> (String, bool) {
    let mut decoder = enc.new_decoder_without_bom_handling();
    let room = decoder.max_utf8_buffer_length_without_replacement(bytes.len()).unwrap_or(bytes.len() * 3);
    let mut out = String::with_capacity(room + 16);
    let (mut rest, mut bad) = (bytes, false);
    loop {
        let (result, read) = decoder.decode_to_string_without_replacement(rest, &mut out, true);
        rest = &rest[read..];
        match result {
            encoding_rs::DecoderResult::InputEmpty => return (out, bad),
            encoding_rs::DecoderResult::OutputFull => out.reserve(rest.len() * 3 + 16),
            encoding_rs::DecoderResult::Malformed(..) => {
                bad = true;
                if out.capacity() - out.len() < 4 {
                    out.reserve(rest.len() * 3 + 16);
                }
                out.push(UNDECODABLE);
            }
        }
    }
}

/// Non-ASCII characters that are valid UTF-8, and invalid sequences.
pub(crate) fn utf8_shape(bytes: &[u8]) -> (usize, usize) {
    let (mut multibyte, mut invalid) = (0, 0);
    for chunk in bytes.utf8_chunks() {
        multibyte += chunk.valid().chars().filter(|c| !c.is_ascii()).count();
        if !chunk.invalid().is_empty() {
            invalid += 1;
        }
    }
    (multibyte, invalid)
}

/// Text that is UTF-8 with a few broken bytes. Shift_JIS or EUC-JP text
/// read as UTF-8 gives about as many invalid sequences as characters
/// (their lead bytes 0x81–0x9F and 0xA1–0xFE rarely start a valid
/// sequence), so eight valid non-ASCII characters per invalid sequence
/// only happen with real UTF-8.
pub(crate) fn mostly_utf8(bytes: &[u8]) -> bool {
    let (multibyte, invalid) = utf8_shape(bytes);
    multibyte > 0 && multibyte >= 8 * invalid
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
    let mut first_line = 1;
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
                first_line = 2;
            }
        }
    }
    let delim = delim.unwrap_or_else(|| sniff_delimiter(body));
    check_quotes(body, delim, first_line)?;
    let mut reader =
        csv::ReaderBuilder::new().has_headers(false).flexible(true).delimiter(delim).from_reader(body.as_bytes());
    let mut rows = Vec::new();
    let mut issues = Vec::new();
    for record in reader.records() {
        let record = record.map_err(|e| ApiError::new("invalid_csv", format!("the file is not readable CSV: {e}")))?;
        let row = rows.len();
        let cells = record
            .iter()
            .enumerate()
            .map(|(column, cell)| {
                if !cell.contains(UNDECODABLE) {
                    return cell.to_string();
                }
                // Bytes that are not text in the file's encoding: the cell
                // is not imported, rather than stored damaged.
                issues.push(RowIssue {
                    row,
                    column: Some(column),
                    error: false,
                    issue: FieldError::new(
                        "undecodable_text",
                        "",
                        format!(
                            "column {} has bytes that are not valid {} text; the cell was left out (choose the file's encoding, or fix the cell)",
                            column + 1,
                            enc.as_str()
                        ),
                    ),
                });
                String::new()
            })
            .collect::<Vec<_>>();
        rows.push(cells);
    }
    let mut table = RawTable::new(SourceFormat::Csv, rows);
    table.encoding = Some(enc);
    table.delimiter = Some(delim);
    table.issues = issues;
    if bad {
        table.notices.push(format!(
            "some bytes are not valid {}; the cells holding them were left out. Choose another encoding if the text looks wrong",
            enc.as_str()
        ));
    }
    Ok(table)
}

/// Most lines one quoted cell may span. Excel holds at most 32,767
/// characters in a cell, and even a long memo is a few dozen lines; a quote
/// still open a thousand lines on is a missing closing quote whose cell is
/// swallowing the rows after it (closed at last by the next quote in the
/// file), not a real cell.
pub const MAX_QUOTED_LINES: usize = 1000;

/// Refuses a quote that opens a cell and is never closed, or closed more
/// than [`MAX_QUOTED_LINES`] lines later, or closed on a later line with
/// more text right after it: Excel never writes text after a closing
/// quote, so that quote is the opening quote of a later cell, and the
/// lines between were swallowed by a quote left open. Follows the `csv` crate's
/// reading (RFC 4180 with its leniency): a quote opens a cell only as its
/// first character, `""` inside a quoted cell is a quote, and `\r`, `\n` or
/// `\r\n` end a record. `first_line` is the file's line number of `text`'s
/// first line.
fn check_quotes(text: &str, delim: u8, first_line: usize) -> Result<()> {
    #[derive(Clone, Copy, PartialEq)]
    enum State {
        FieldStart,
        Unquoted,
        Quoted,
        /// A quote inside a quoted cell: closing, or the first of `""`.
        QuoteInQuoted,
    }
    let mut state = State::FieldStart;
    let mut line = first_line;
    let mut opened = first_line;
    let bytes = text.as_bytes();
    for (i, &b) in bytes.iter().enumerate() {
        let newline = b == b'\n' || (b == b'\r' && bytes.get(i + 1) != Some(&b'\n'));
        state = match state {
            State::FieldStart if b == b'"' => {
                opened = line;
                State::Quoted
            }
            State::FieldStart | State::Unquoted | State::QuoteInQuoted if b == delim || b == b'\r' || b == b'\n' => {
                State::FieldStart
            }
            State::QuoteInQuoted if b == b'"' => State::Quoted,
            State::QuoteInQuoted if line > opened => {
                return Err(unterminated_quote(opened, format!("closes only on line {line}, inside another cell")));
            }
            State::FieldStart | State::Unquoted | State::QuoteInQuoted => State::Unquoted,
            State::Quoted if b == b'"' => State::QuoteInQuoted,
            State::Quoted => State::Quoted,
        };
        if newline {
            line += 1;
            if state == State::Quoted && line - opened >= MAX_QUOTED_LINES {
                return Err(unterminated_quote(opened, format!("is still open {MAX_QUOTED_LINES} lines later")));
            }
        }
    }
    if state == State::Quoted {
        return Err(unterminated_quote(opened, "is never closed".into()));
    }
    Ok(())
}

fn unterminated_quote(line: usize, how: String) -> ApiError {
    let message = format!(
        "the quote (\") that opens a cell on line {line} {how}: the rows after it would be read as one cell. Close or remove that quote and import again; nothing was imported"
    );
    let mut e = ApiError::new("unterminated_quote", message.clone());
    e.details = vec![FieldError::new("unterminated_quote", "line", message).with_detail(line.to_string())];
    e
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

    #[test]
    fn unterminated_quotes_are_refused_naming_the_line() {
        let line = |csv: &str| -> Option<String> {
            match read_csv(csv.as_bytes(), None, None) {
                Ok(_) => None,
                Err(e) => {
                    assert_eq!(e.code, "unterminated_quote", "{e:?}");
                    e.details[0].detail.clone()
                }
            }
        };
        let many = format!("a,b\n\"{}\",x\n", "line\n".repeat(MAX_QUOTED_LINES - 1));
        let too_many = format!("a,b\n1,2\n\"{}\",x\n", "line\n".repeat(MAX_QUOTED_LINES));
        let cases: Vec<(&str, Option<&str>)> = vec![
            ("a,b\n1,2\n\"open,3\n4,5\n", Some("3")),
            ("a,b\r\n1,\"x\r\ny\"\r\n2,\"z\r\n", Some("4")),
            ("sep=,\na,b\n\"x", Some("3")),
            ("a,b\n\"ha \"\"ha\"\" ha\",1\n", None),
            ("a,b\n\"\"\"\",1\n", None),
            ("a,b\n5\" disk,1\n\"x\"y,2\n", None), // quotes inside a cell are text
            ("a,b\n\"\"\"\n", Some("2")),          // an escaped quote, then no closing one
            // Closed by the opening quote of a later cell: rows 3 to 5 were swallowed.
            ("a,b\n1,2\n\"open,3\n4,5\n6,\"x,y\"\n7,8\n", Some("3")),
            ("a,b\n\"two\nlines\",1\n\"\"\"quoted\"\" text\",2\n", None),
            (&many, None),
            (&too_many, Some("3")),
        ];
        for (csv, want) in cases {
            assert_eq!(line(csv).as_deref(), want, "{:?}", &csv[..csv.len().min(40)]);
        }
    }

    #[test]
    fn cells_that_did_not_decode_are_left_out() {
        // UTF-8 with one broken byte: read as UTF-8 (as Shift_JIS every
        // name would be mojibake), the broken cell left out.
        let mut bytes = "会社名,電話,住所\n株式会社山田商事,03-1234-5678,東京都千代田区\n".as_bytes().to_vec();
        bytes.extend_from_slice("株式会社".as_bytes());
        bytes.push(0xFF);
        bytes.extend_from_slice("みなと,045-111-2222,横浜市\n".as_bytes());
        let t = read_csv(&bytes, None, None).unwrap();
        assert_eq!(t.encoding, Some(TextEncoding::Utf8));
        assert_eq!(t.rows[1], vec!["株式会社山田商事", "03-1234-5678", "東京都千代田区"]);
        assert_eq!(t.rows[2], vec!["", "045-111-2222", "横浜市"]);
        let issues: Vec<(usize, Option<usize>, bool, &str)> =
            t.issues.iter().map(|i| (i.row, i.column, i.error, i.issue.code.as_str())).collect();
        assert_eq!(issues, vec![(2, Some(0), false, "undecodable_text")]);
        assert_eq!(t.notices.len(), 1);
        // Shift_JIS is still Shift_JIS.
        let sjis = encoding_rs::SHIFT_JIS.encode("会社名\nｶﾌﾞｼｷｶﾞｲｼｬ ﾔﾏﾀﾞ\n株式会社山田商事\n").0;
        let t = read_csv(&sjis, None, None).unwrap();
        assert_eq!(
            (t.encoding, t.rows[1][0].as_str(), t.issues.len()),
            (Some(TextEncoding::ShiftJis), "ｶﾌﾞｼｷｶﾞｲｼｬ ﾔﾏﾀﾞ", 0)
        );
    }
}
