//! vCards (2.1, 3.0, 4.0) into contact rows, with their company.
//!
//! Address books merged from an old feature phone and a smartphone mix
//! cards in Shift_JIS (vCard 2.1) and UTF-8 (3.0/4.0) in one file, so text
//! is decoded per card and per property, never per file:
//!
//! 1. The file is cut into cards at the byte level (`BEGIN:VCARD` …
//!    `END:VCARD`; line breaks, `:`, `;`, `=` and spaces are never
//!    Shift_JIS trail bytes, so this is safe before decoding). Lines
//!    outside cards are ignored; a card without `END:VCARD` is a row error.
//! 2. Per card, lines are unfolded (continuation lines, and the `=` soft
//!    line breaks of quoted-printable values) and each property's value
//!    bytes are taken: quoted-printable decoded to bytes first.
//! 3. The bytes are decoded with the property's `CHARSET=` where given;
//!    otherwise with the card's encoding: UTF-8 for 4.0; UTF-8 for 3.0
//!    unless the card is clean Shift_JIS and far from UTF-8 (old Japanese
//!    phones); for 2.1 (or no version) detected from the card's
//!    bytes — ISO-2022-JP when it has its escapes, UTF-8 when valid (or
//!    mostly valid: a UTF-8 card with one broken byte), else
//!    CP932/Shift_JIS when it decodes cleanly, else EUC-JP.
//! 4. A value that does not decode cleanly (a decoder error, or a U+FFFD
//!    in the text) is never stored: the property is left out and the row
//!    gets an `undecodable_text` issue naming the column it would have
//!    filled (detail: the property name) — a warning, or a row error when
//!    the name (N, and FN) cannot be read. Other cards are unaffected.
//!
//! The decoded card is written in 3.0 shape — bare 2.1 parameters
//! (`TEL;CELL;VOICE`) become `TYPE=` parameters, decoded line breaks become
//! `\n` — and read by the `ical` crate, one card at a time (a card it
//! cannot read is a row error, `invalid_vcard`). Readings come from
//! `SOUND;X-IRMC-N` (2.1, often half-width katakana) and
//! `X-PHONETIC-LAST-NAME`, `X-PHONETIC-FIRST-NAME`, `X-PHONETIC-ORG`
//! (3.0/4.0).
//!
//! Each card becomes a row of a table whose header row is made of mapping
//! targets (`family_name`, `company_id`, …), so cards go through the same
//! plan as CSV rows: matched on e-mail or name + phone or name + company,
//! companies found by name or created.

use std::io::BufReader;

use encoding_rs::{Encoding, EUC_JP, ISO_2022_JP, SHIFT_JIS, UTF_8};
use unicode_normalization::UnicodeNormalization;

use super::table::{mostly_utf8, utf8_shape, RowIssue};
use super::{RawTable, SourceFormat};
use crate::error::{ApiError, FieldError, Result};

/// The columns of the table cards become.
pub const COLUMNS: &[&str] = &[
    "family_name",
    "given_name",
    "family_reading",
    "given_reading",
    "company_id",
    "company_reading",
    "department",
    "title",
    "email",
    "phone",
    "mobile",
    "postal_code",
    "address",
    "birthday",
    "memos",
    "tags",
];

fn column(name: &str) -> usize {
    COLUMNS.iter().position(|c| *c == name).expect("known column")
}

/// Reads a vCard file into rows (one per card) and the cards' issues.
pub fn read(bytes: &[u8]) -> Result<RawTable> {
    let utf16;
    let bytes = match Encoding::for_bom(bytes) {
        Some((enc, bom)) if enc != UTF_8 => {
            // UTF-16 (Windows' contacts export): one encoding for the file.
            utf16 = enc.decode_without_bom_handling(&bytes[bom..]).0.into_owned();
            utf16.as_bytes()
        }
        Some((_, bom)) => &bytes[bom..],
        None => bytes,
    };
    let cards = split_cards(bytes);
    if cards.is_empty() && !bytes.trim_ascii().is_empty() {
        return Err(ApiError::new(
            "invalid_vcard",
            "the file holds no vCard (no BEGIN:VCARD line): choose a .vcf file, or a CSV or Excel file for a table",
        ));
    }
    let mut rows = vec![COLUMNS.iter().map(|s| s.to_string()).collect::<Vec<_>>()];
    let mut issues = Vec::new();
    for card in cards {
        let row = rows.len();
        let mut issue = |column: Option<usize>, error: bool, e: FieldError| {
            issues.push(RowIssue { row, column, error, issue: e });
        };
        if !card.complete {
            issue(
                None,
                true,
                FieldError::new(
                    "truncated_vcard",
                    "",
                    format!("card {row} ends without END:VCARD (the file was cut short?); it was not imported"),
                ),
            );
            rows.push(vec![String::new(); COLUMNS.len()]);
            continue;
        }
        let decoded = decode_card(&card.lines);
        let props = match parse_card(&decoded.text) {
            Ok(props) => props,
            Err(e) => {
                issue(
                    None,
                    true,
                    FieldError::new("invalid_vcard", "", format!("card {row} is not a readable vCard ({e})")),
                );
                rows.push(vec![String::new(); COLUMNS.len()]);
                continue;
            }
        };
        let values = card_row(&props);
        // The properties left out, by the column they would have filled.
        let name_read = !values[0].is_empty();
        let mut reported: Vec<(usize, &str)> = Vec::new();
        for (name, types) in &decoded.undecodable {
            let col = match name.as_str() {
                "N" | "FN" if name_read => {
                    if name == "N" {
                        Some(column("family_name"))
                    } else {
                        None // FN is not stored when N was read
                    }
                }
                "N" | "FN" => continue, // the row error below
                _ => target_column(name, types),
            };
            let Some(col) = col else { continue };
            if reported.contains(&(col, name.as_str())) {
                continue;
            }
            reported.push((col, name.as_str()));
            issue(
                Some(col),
                false,
                FieldError::new(
                    "undecodable_text",
                    COLUMNS[col],
                    format!("the card's {name} could not be decoded as text; it was left out"),
                )
                .with_detail(name.clone()),
            );
        }
        if !name_read {
            let names: Vec<&str> =
                decoded.undecodable.iter().map(|(n, _)| n.as_str()).filter(|n| *n == "N" || *n == "FN").collect();
            if !names.is_empty() {
                let mut names = names;
                names.dedup();
                let names = names.join(", ");
                issue(
                    Some(column("family_name")),
                    true,
                    FieldError::new(
                        "undecodable_text",
                        "family_name",
                        format!("the card's name ({names}) could not be decoded as text; the card was not imported"),
                    )
                    .with_detail(names),
                );
            }
        }
        rows.push(values);
    }
    let mut table = RawTable::new(SourceFormat::Vcard, rows);
    table.synthetic_header = true;
    table.issues = issues;
    Ok(table)
}

/// The column a property fills (as [`card_row`] reads it).
fn target_column(name: &str, types: &[String]) -> Option<usize> {
    let has = |t: &str| types.iter().any(|x| x == t);
    let col = match name {
        "N" | "FN" => "family_name",
        "SOUND" if has("x-irmc-n") => "family_reading",
        "X-PHONETIC-LAST-NAME" => "family_reading",
        "X-PHONETIC-FIRST-NAME" => "given_reading",
        "X-PHONETIC-ORG" => "company_reading",
        "ORG" => "company_id",
        "TITLE" => "title",
        "EMAIL" => "email",
        "TEL" if has("fax") => return None,
        "TEL" if has("cell") || has("mobile") || has("iphone") => "mobile",
        "TEL" => "phone",
        "ADR" => "address",
        "BDAY" => "birthday",
        "NOTE" => "memos",
        "CATEGORIES" => "tags",
        _ => return None,
    };
    Some(column(col))
}

/// Parses one card in 3.0 shape with the `ical` crate.
fn parse_card(text: &str) -> std::result::Result<Vec<Prop>, String> {
    let mut parser = ical::VcardParser::new(BufReader::new(text.as_bytes()));
    let card = match parser.next() {
        Some(Ok(card)) => card,
        Some(Err(e)) => return Err(e.to_string()),
        None => return Err("no card".into()),
    };
    Ok(card
        .properties
        .into_iter()
        .map(|p| Prop {
            name: p.name.to_ascii_uppercase(),
            types: p
                .params
                .unwrap_or_default()
                .into_iter()
                .filter(|(k, _)| k.eq_ignore_ascii_case("TYPE"))
                .flat_map(|(_, vs)| vs)
                .flat_map(|v| v.split(',').map(|s| s.trim().to_ascii_lowercase()).collect::<Vec<_>>())
                .collect(),
            value: p.value.unwrap_or_default(),
        })
        .collect())
}

struct Prop {
    name: String,
    types: Vec<String>,
    value: String,
}

/// The lines of one card, `BEGIN:VCARD` and `END:VCARD` left out.
struct Card<'a> {
    lines: Vec<&'a [u8]>,
    /// Ended by `END:VCARD` (not cut short by the end of the file or the next card).
    complete: bool,
}

/// Cuts a file into cards at `BEGIN:VCARD` / `END:VCARD` lines.
fn split_cards(bytes: &[u8]) -> Vec<Card<'_>> {
    let mut cards = Vec::new();
    let mut current: Option<Vec<&[u8]>> = None;
    for line in bytes.split(|b| *b == b'\n') {
        let line = line.strip_suffix(b"\r").unwrap_or(line);
        let bare = line.trim_ascii();
        if bare.eq_ignore_ascii_case(b"BEGIN:VCARD") {
            if let Some(lines) = current.take() {
                cards.push(Card { lines, complete: false });
            }
            current = Some(Vec::new());
        } else if bare.eq_ignore_ascii_case(b"END:VCARD") {
            if let Some(lines) = current.take() {
                cards.push(Card { lines, complete: true });
            }
        } else if let Some(lines) = current.as_mut() {
            lines.push(line);
        }
    }
    if let Some(lines) = current {
        cards.push(Card { lines, complete: false });
    }
    cards
}

/// A card decoded to text in 3.0 shape, and the properties (name, types)
/// whose values could not be decoded.
struct DecodedCard {
    text: String,
    undecodable: Vec<(String, Vec<String>)>,
}

/// One property line of a card, its value not decoded yet.
struct RawProp {
    name: String,
    /// Parameters in 3.0 shape (`TYPE=CELL`, `VALUE=uri` …).
    params: Vec<String>,
    types: Vec<String>,
    charset: Option<&'static Encoding>,
    quoted_printable: bool,
    /// The value's bytes (quoted-printable already decoded).
    value: Vec<u8>,
}

/// Decodes a card per property (see the module docs).
fn decode_card(lines: &[&[u8]]) -> DecodedCard {
    let props: Vec<RawProp> = unfold(lines).iter().filter_map(|l| raw_prop(l)).collect();
    let version = props
        .iter()
        .find(|p| p.name == "VERSION")
        .map(|p| String::from_utf8_lossy(&p.value).trim().to_string())
        .unwrap_or_default();
    // The card's encoding, for values without CHARSET.
    let mut plain: Vec<u8> = Vec::new();
    for p in props.iter().filter(|p| p.charset.is_none()) {
        plain.extend_from_slice(&p.value);
        plain.push(b'\n');
    }
    let card_encoding = card_encoding(&version, &plain);
    let mut out = String::from("BEGIN:VCARD\r\n");
    let mut undecodable = Vec::new();
    for p in props {
        let Some(text) = decode_strict(p.charset.unwrap_or(card_encoding), &p.value) else {
            undecodable.push((p.name, p.types));
            continue;
        };
        let text = if p.quoted_printable {
            // Decoded line breaks become vCard escapes again.
            text.replace("\r\n", "\\n").replace(['\n', '\r'], "\\n")
        } else {
            text
        };
        out.push_str(&p.name);
        for param in &p.params {
            out.push(';');
            out.push_str(param);
        }
        out.push(':');
        out.push_str(&text);
        out.push_str("\r\n");
    }
    out.push_str("END:VCARD\r\n");
    DecodedCard { text: out, undecodable }
}

/// The encoding of a card's values that name no CHARSET.
fn card_encoding(version: &str, bytes: &[u8]) -> &'static Encoding {
    let clean = |enc: &'static Encoding| enc.decode_without_bom_handling_and_without_replacement(bytes).is_some();
    if version.starts_with('4') {
        return UTF_8; // RFC 6350: always UTF-8
    }
    // ISO-2022-JP ("JIS", some old phones and mailers): 7-bit, so valid
    // UTF-8 too, with its escape sequences left in the text.
    if bytes.contains(&0x1B) && clean(ISO_2022_JP) {
        return ISO_2022_JP;
    }
    if std::str::from_utf8(bytes).is_ok() || mostly_utf8(bytes) {
        return UTF_8;
    }
    let (multibyte, invalid) = utf8_shape(bytes);
    if version.starts_with('3') {
        // 3.0 is UTF-8, but old Japanese phones wrote it in Shift_JIS: a
        // card that is clean Shift_JIS and far from UTF-8 is read so.
        return if multibyte * 2 < invalid && clean(SHIFT_JIS) { SHIFT_JIS } else { UTF_8 };
    }
    if clean(SHIFT_JIS) {
        SHIFT_JIS
    } else if clean(EUC_JP) {
        EUC_JP
    } else if multibyte > invalid {
        UTF_8
    } else {
        SHIFT_JIS
    }
}

/// Text, or `None` when the bytes are not clean text in `enc` (a decoder
/// error, or a replacement character already in the text).
fn decode_strict(enc: &'static Encoding, bytes: &[u8]) -> Option<String> {
    let text = enc.decode_without_bom_handling_and_without_replacement(bytes)?;
    (!text.contains('\u{FFFD}')).then(|| text.into_owned())
}

/// Joins continuation lines (a leading space or tab) and the `=` soft line
/// breaks of quoted-printable values, at the byte level.
fn unfold(lines: &[&[u8]]) -> Vec<Vec<u8>> {
    let mut out: Vec<Vec<u8>> = Vec::new();
    let mut lines = lines.iter().peekable();
    while let Some(line) = lines.next() {
        let mut current = line.to_vec();
        let qp = is_quoted_printable(&current);
        loop {
            if qp && current.ends_with(b"=") {
                // Soft line break: the value goes on in the next line.
                match lines.next() {
                    Some(next) => {
                        current.pop();
                        current.extend_from_slice(next.trim_ascii_start());
                        continue;
                    }
                    None => break,
                }
            }
            match lines.peek() {
                Some(next) if next.starts_with(b" ") || next.starts_with(b"\t") => {
                    current.extend_from_slice(&next[1..]);
                    lines.next();
                }
                _ => break,
            }
        }
        if !current.trim_ascii().is_empty() {
            out.push(current);
        }
    }
    out
}

/// A property line's name, parameters in 3.0 shape and value bytes.
/// `None` for a line that is not a property (no name, no `:`), and for
/// values in base64 (photos, sounds: not imported).
fn raw_prop(line: &[u8]) -> Option<RawProp> {
    let colon = value_colon(line)?;
    let (head, value) = (&line[..colon], &line[colon + 1..]);
    let mut parts = split_params(head).into_iter();
    let name = parts.next()?.trim_ascii();
    // `item1.TEL` (Apple's groups): the group is not needed.
    let name = name.rsplit(|b| *b == b'.').next().unwrap_or(name);
    if name.is_empty() || !name.iter().all(|b| b.is_ascii_alphanumeric() || *b == b'-') {
        return None;
    }
    let name = String::from_utf8_lossy(name).to_ascii_uppercase();
    let mut prop =
        RawProp { name, params: vec![], types: vec![], charset: None, quoted_printable: false, value: vec![] };
    for p in parts {
        let Ok(p) = std::str::from_utf8(p.trim_ascii()) else { continue };
        if p.is_empty() || !p.is_ascii() {
            continue;
        }
        match p.split_once('=') {
            Some((k, v)) if k.eq_ignore_ascii_case("ENCODING") => {
                if v.eq_ignore_ascii_case("QUOTED-PRINTABLE") {
                    prop.quoted_printable = true;
                } else if v.eq_ignore_ascii_case("BASE64") || v.eq_ignore_ascii_case("B") {
                    return None;
                }
            }
            Some((k, v)) if k.eq_ignore_ascii_case("CHARSET") => prop.charset = charset(v),
            Some((k, v)) => {
                if k.eq_ignore_ascii_case("TYPE") {
                    prop.types.extend(v.trim_matches('"').split(',').map(|t| t.trim().to_ascii_lowercase()));
                }
                prop.params.push(p.to_string());
            }
            None if p.eq_ignore_ascii_case("QUOTED-PRINTABLE") => prop.quoted_printable = true,
            None if p.eq_ignore_ascii_case("BASE64") => return None,
            None if p.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-') => {
                prop.types.push(p.to_ascii_lowercase());
                prop.params.push(format!("TYPE={p}"));
            }
            None => {}
        }
    }
    prop.value = if prop.quoted_printable { decode_quoted_printable(value) } else { value.to_vec() };
    Some(prop)
}

/// The encoding a `CHARSET=` parameter names (WHATWG labels, and CP932).
fn charset(label: &str) -> Option<&'static Encoding> {
    let label = label.trim().trim_matches('"');
    if label.eq_ignore_ascii_case("cp932") || label.eq_ignore_ascii_case("ms932") {
        return Some(SHIFT_JIS);
    }
    Encoding::for_label(label.as_bytes())
}

/// Splits a property's name and parameters at `;` outside quotes.
fn split_params(head: &[u8]) -> Vec<&[u8]> {
    let mut out = Vec::new();
    let mut quoted = false;
    let mut start = 0;
    for (i, b) in head.iter().enumerate() {
        match b {
            b'"' => quoted = !quoted,
            b';' if !quoted => {
                out.push(&head[start..i]);
                start = i + 1;
            }
            _ => {}
        }
    }
    out.push(&head[start..]);
    out
}

/// Splits a structured value at unescaped `;` and unescapes each part.
fn components(value: &str) -> Vec<String> {
    let mut out = vec![String::new()];
    let mut chars = value.chars();
    while let Some(c) = chars.next() {
        match c {
            '\\' => match chars.next() {
                Some('n') | Some('N') => out.last_mut().unwrap().push('\n'),
                Some(other) => out.last_mut().unwrap().push(other),
                None => {}
            },
            ';' => out.push(String::new()),
            c => out.last_mut().unwrap().push(c),
        }
    }
    out.into_iter().map(|s| s.trim().to_string()).collect()
}

fn unescape(value: &str) -> String {
    components(&value.replace(';', "\\;")).join("")
}

fn card_row(props: &[Prop]) -> Vec<String> {
    let mut row = vec![String::new(); COLUMNS.len()];
    let mut set = |col: &str, v: String| {
        let i = COLUMNS.iter().position(|c| *c == col).expect("known column");
        if row[i].is_empty() && !v.trim().is_empty() {
            row[i] = v.trim().to_string();
        }
    };
    let reading = |s: &str| s.nfkc().collect::<String>();
    for p in props {
        match p.name.as_str() {
            "N" => {
                let c = components(&p.value);
                set("family_name", c.first().cloned().unwrap_or_default());
                set("given_name", c.get(1).cloned().unwrap_or_default());
            }
            "SOUND" if p.types.iter().any(|t| t == "x-irmc-n") => {
                let c = components(&p.value);
                set("family_reading", reading(c.first().map(String::as_str).unwrap_or("")));
                set("given_reading", reading(c.get(1).map(String::as_str).unwrap_or("")));
            }
            "X-PHONETIC-LAST-NAME" => set("family_reading", reading(&unescape(&p.value))),
            "X-PHONETIC-FIRST-NAME" => set("given_reading", reading(&unescape(&p.value))),
            "X-PHONETIC-ORG" => set("company_reading", reading(&unescape(&p.value))),
            "ORG" => {
                let c = components(&p.value);
                set("company_id", c.first().cloned().unwrap_or_default());
                let dept: Vec<String> = c.iter().skip(1).filter(|s| !s.is_empty()).cloned().collect();
                set("department", dept.join(" "));
            }
            "TITLE" => set("title", unescape(&p.value)),
            "EMAIL" => set("email", unescape(&p.value)),
            "TEL" => {
                let number = unescape(&p.value);
                let number = number.strip_prefix("tel:").unwrap_or(&number).to_string();
                if p.types.iter().any(|t| t == "fax") {
                    continue;
                }
                if p.types.iter().any(|t| t == "cell" || t == "mobile" || t == "iphone") {
                    set("mobile", number);
                } else {
                    set("phone", number);
                }
            }
            "ADR" => {
                let c = components(&p.value);
                let part = |i: usize| c.get(i).cloned().unwrap_or_default();
                set("postal_code", part(5));
                let mut address = format!("{}{}{}", part(4), part(3), part(2));
                if !part(1).is_empty() {
                    address = format!("{address} {}", part(1));
                }
                set("address", address);
            }
            "BDAY" => {
                let v = unescape(&p.value);
                let digits: String = v.chars().filter(|c| c.is_ascii_digit()).collect();
                let v = if digits.len() == 8 && !v.starts_with("--") {
                    format!("{}-{}-{}", &digits[..4], &digits[4..6], &digits[6..])
                } else {
                    v
                };
                set("birthday", v);
            }
            "NOTE" => set("memos", unescape(&p.value)),
            "CATEGORIES" => {
                let tags: Vec<String> = p.value.split(',').map(unescape).collect();
                set("tags", tags.join(","));
            }
            _ => {}
        }
    }
    // No N: the formatted name, split at a space.
    if row[0].is_empty() {
        if let Some(fn_) = props.iter().find(|p| p.name == "FN") {
            let (family, given) = super::values::split_name(&unescape(&fn_.value));
            row[0] = family;
            row[1] = given.unwrap_or_default();
        }
    }
    row
}

fn is_quoted_printable(line: &[u8]) -> bool {
    match value_colon(line) {
        Some(colon) => line[..colon].to_ascii_uppercase().windows(16).any(|w| w == b"QUOTED-PRINTABLE"),
        None => false,
    }
}

/// The colon that starts the value (not one inside a quoted parameter).
fn value_colon(line: &[u8]) -> Option<usize> {
    let mut quoted = false;
    for (i, b) in line.iter().enumerate() {
        match b {
            b'"' => quoted = !quoted,
            b':' if !quoted => return Some(i),
            _ => {}
        }
    }
    None
}

/// Quoted-printable to bytes (`=XX` escapes; soft breaks are already joined).
pub fn decode_quoted_printable(b: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'=' && i + 2 < b.len() && b[i + 1].is_ascii_hexdigit() && b[i + 2].is_ascii_hexdigit() {
            let hex = |d: u8| (d as char).to_digit(16).expect("a hex digit") as u8;
            out.push(hex(b[i + 1]) << 4 | hex(b[i + 2]));
            i += 3;
            continue;
        }
        out.push(b[i]);
        i += 1;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn qp(bytes: &[u8]) -> String {
        bytes.iter().map(|b| format!("={b:02X}")).collect()
    }

    fn sjis(s: &str) -> Vec<u8> {
        let (b, _, bad) = SHIFT_JIS.encode(s);
        assert!(!bad, "{s} is not in CP932");
        b.into_owned()
    }

    #[test]
    fn quoted_printable() {
        assert_eq!(decode_quoted_printable(b"=E5=B1=B1=E7=94=B0"), "山田".as_bytes());
        assert_eq!(decode_quoted_printable(b"a=3Db=0D=0Ac"), b"a=b\r\nc");
        assert_eq!(decode_quoted_printable(b"50%=3"), b"50%=3");
        assert_eq!(decode_quoted_printable(b"=+1=4"), b"=+1=4", "a sign is not a hex digit");
    }

    #[test]
    fn a_21_card_comes_out_in_30_shape() {
        let card = format!(
            "VERSION:2.1\r\nN;CHARSET=SHIFT_JIS;ENCODING=QUOTED-PRINTABLE:{};=\r\n{}\r\nTEL;CELL;VOICE:090-1111-2222\r\nNOTE;ENCODING=QUOTED-PRINTABLE:a=0D=0Ab\r\n",
            qp(&sjis("山田")),
            qp(&sjis("太郎"))
        );
        let lines: Vec<&[u8]> =
            card.as_bytes().split(|b| *b == b'\n').map(|l| l.strip_suffix(b"\r").unwrap_or(l)).collect();
        let d = decode_card(&lines);
        assert_eq!(
            d.text,
            "BEGIN:VCARD\r\nVERSION:2.1\r\nN:山田;太郎\r\nTEL;TYPE=CELL;TYPE=VOICE:090-1111-2222\r\nNOTE:a\\nb\r\nEND:VCARD\r\n"
        );
        assert!(d.undecodable.is_empty());
    }

    /// One card per encoding in one file: each is read with its own.
    #[test]
    fn cards_are_decoded_one_by_one() {
        let mut file = Vec::new();
        // 2.1, Shift_JIS named by CHARSET, quoted-printable.
        file.extend_from_slice(
            format!(
                "BEGIN:VCARD\r\nVERSION:2.1\r\nN;CHARSET=SHIFT_JIS;ENCODING=QUOTED-PRINTABLE:{}\r\nEND:VCARD\r\n",
                qp(&sjis("望月;花子"))
            )
            .as_bytes(),
        );
        // 2.1, Shift_JIS in 8 bits, no CHARSET: detected for the card.
        file.extend_from_slice(b"BEGIN:VCARD\r\nVERSION:2.1\r\nN:");
        file.extend_from_slice(&sjis("渡辺;健一"));
        file.extend_from_slice(b"\r\nSOUND;X-IRMC-N:");
        file.extend_from_slice(&sjis("ﾜﾀﾅﾍﾞ;ｹﾝｲﾁ"));
        file.extend_from_slice(b"\r\nEND:VCARD\r\n");
        // 3.0 in UTF-8, folded in the middle of a character.
        let name = "N:髙橋;美穂".as_bytes();
        file.extend_from_slice(b"BEGIN:VCARD\r\nVERSION:3.0\r\n");
        file.extend_from_slice(&name[..4]);
        file.extend_from_slice(b"\r\n ");
        file.extend_from_slice(&name[4..]);
        file.extend_from_slice("\r\nORG:株式会社みなと\r\nEND:VCARD\r\n".as_bytes());
        // 2.1 in EUC-JP (old Unix tools).
        file.extend_from_slice(b"BEGIN:VCARD\r\nVERSION:2.1\r\nN:");
        file.extend_from_slice(&EUC_JP.encode("斎藤;一郎").0);
        file.extend_from_slice(b"\r\nEND:VCARD\r\n");
        let t = read(&file).unwrap();
        let names: Vec<(&str, &str)> = t.rows[1..].iter().map(|r| (r[0].as_str(), r[1].as_str())).collect();
        assert_eq!(names, vec![("望月", "花子"), ("渡辺", "健一"), ("髙橋", "美穂"), ("斎藤", "一郎")]);
        assert_eq!((t.rows[2][2].as_str(), t.rows[2][3].as_str()), ("ワタナベ", "ケンイチ"));
        assert_eq!(t.rows[3][4], "株式会社みなと");
        assert!(t.issues.is_empty(), "{:?}", t.issues);
    }

    /// A value that is not clean text is left out with an issue; the rest
    /// of the card and the file are read.
    #[test]
    fn undecodable_values_are_left_out() {
        let mut file = Vec::new();
        // A UTF-8 card whose ORG has a broken byte.
        file.extend_from_slice("BEGIN:VCARD\r\nVERSION:3.0\r\nN:山本;大輔\r\nORG:株式会社".as_bytes());
        file.push(0xFF);
        file.extend_from_slice("商事\r\nTEL;TYPE=CELL:090-1234-5678\r\nEND:VCARD\r\n".as_bytes());
        // CHARSET=SHIFT_JIS but the bytes are UTF-8 and the name cannot be read.
        file.extend_from_slice(
            format!(
                "BEGIN:VCARD\r\nVERSION:2.1\r\nN;CHARSET=SHIFT_JIS;ENCODING=QUOTED-PRINTABLE:{}=FF\r\nEND:VCARD\r\n",
                qp("中村".as_bytes())
            )
            .as_bytes(),
        );
        file.extend_from_slice("BEGIN:VCARD\r\nVERSION:4.0\r\nFN:小林 陽子\r\nEND:VCARD\r\n".as_bytes());
        // Cut short.
        file.extend_from_slice("BEGIN:VCARD\r\nVERSION:3.0\r\nN:加藤;".as_bytes());
        let t = read(&file).unwrap();
        assert_eq!(t.rows.len(), 5);
        assert_eq!(
            (t.rows[1][0].as_str(), t.rows[1][4].as_str(), t.rows[1][10].as_str()),
            ("山本", "", "090-1234-5678")
        );
        assert_eq!((t.rows[3][0].as_str(), t.rows[3][1].as_str()), ("小林", "陽子"));
        type Issue<'a> = (usize, Option<usize>, bool, &'a str, &'a str, Option<&'a str>);
        let issues: Vec<Issue> = t
            .issues
            .iter()
            .map(|i| {
                (i.row, i.column, i.error, i.issue.code.as_str(), i.issue.field.as_str(), i.issue.detail.as_deref())
            })
            .collect();
        assert_eq!(
            issues,
            vec![
                (1, Some(4), false, "undecodable_text", "company_id", Some("ORG")),
                (2, Some(0), true, "undecodable_text", "family_name", Some("N")),
                (4, None, true, "truncated_vcard", "", None),
            ]
        );
        assert!(t.rows.iter().flatten().all(|c| !c.contains('\u{FFFD}')));
    }

    #[test]
    fn a_broken_n_falls_back_to_fn_with_a_warning() {
        let mut file = b"BEGIN:VCARD\r\nVERSION:3.0\r\nN:".to_vec();
        file.extend_from_slice(&[0xFF, 0xFE]);
        file.extend_from_slice(";;;;\r\nFN:井上 真由美\r\nEND:VCARD\r\n".as_bytes());
        let t = read(&file).unwrap();
        assert_eq!((t.rows[1][0].as_str(), t.rows[1][1].as_str()), ("井上", "真由美"));
        let issues: Vec<(Option<usize>, bool, Option<&str>)> =
            t.issues.iter().map(|i| (i.column, i.error, i.issue.detail.as_deref())).collect();
        assert_eq!(issues, vec![(Some(0), false, Some("N"))]);
    }

    #[test]
    fn a_file_without_cards_is_refused() {
        assert_eq!(read("会社名,電話\n山田商事,03-1234-5678\n".as_bytes()).unwrap_err().code, "invalid_vcard");
        assert_eq!(read(b"\r\n").unwrap().rows.len(), 1, "an empty file has no rows");
    }

    #[test]
    fn a_utf16_file_is_read() {
        let text = "BEGIN:VCARD\r\nVERSION:3.0\r\nN:井上;真由美;;;\r\nEND:VCARD\r\n";
        let mut file = vec![0xFF, 0xFE];
        for u in text.encode_utf16() {
            file.extend_from_slice(&u.to_le_bytes());
        }
        let t = read(&file).unwrap();
        assert_eq!((t.rows.len(), t.rows[1][0].as_str(), t.rows[1][1].as_str()), (2, "井上", "真由美"));
    }

    #[test]
    fn card_encodings() {
        let utf8 = "山田太郎 株式会社山田商事".as_bytes();
        let mut utf8_broken = utf8.to_vec();
        utf8_broken.insert(3, 0x82);
        let sj = sjis("山田太郎 株式会社山田商事");
        let euc = EUC_JP.encode("山田太郎 株式会社山田商事").0.into_owned();
        let jis = ISO_2022_JP.encode("山田太郎 株式会社山田商事").0.into_owned();
        let cases: Vec<(&str, &[u8], &Encoding)> = vec![
            ("2.1", utf8, UTF_8),
            ("2.1", &utf8_broken, UTF_8),
            ("2.1", &sj, SHIFT_JIS),
            ("2.1", &euc, EUC_JP),
            ("2.1", &jis, ISO_2022_JP),
            ("2.1", b"Yamada Taro", UTF_8),
            ("", &sj, SHIFT_JIS),
            ("3.0", &sj, SHIFT_JIS),
            ("3.0", &utf8_broken, UTF_8),
            ("4.0", &sj, UTF_8),
        ];
        for (version, bytes, want) in cases {
            assert_eq!(card_encoding(version, bytes).name(), want.name(), "{version} {bytes:?}");
        }
    }
}
