//! vCards (2.1, 3.0, 4.0) into contact rows, with their company.
//!
//! vCard 2.1 — what Japanese phones and business-card apps still write — is
//! brought to 3.0 shape by a pre-pass: quoted-printable values (with `=`
//! soft line breaks) are decoded, `CHARSET=SHIFT_JIS` values decoded from
//! CP932, bare parameters (`TEL;CELL;VOICE`) become `TYPE=` parameters, and
//! the reading `SOUND;X-IRMC-N` becomes a phonetic name. A whole file in
//! Shift_JIS is decoded first. The `ical` crate then reads the properties.
//! Readings of 3.0/4.0 come from `X-PHONETIC-LAST-NAME`,
//! `X-PHONETIC-FIRST-NAME` and `X-PHONETIC-ORG`.
//!
//! Each card becomes a row of a table whose header row is made of mapping
//! targets (`family_name`, `company_id`, …), so cards go through the same
//! plan as CSV rows: matched on e-mail or name + phone or name + company,
//! companies found by name or created.

use std::io::BufReader;

use unicode_normalization::UnicodeNormalization;

use super::{RawTable, SourceFormat};
use crate::error::{ApiError, Result};

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

/// Reads a vCard file into rows (one per card).
pub fn read(bytes: &[u8]) -> Result<RawTable> {
    let text = decode_file(bytes);
    let normalized = prepass(&text);
    let parser = ical::VcardParser::new(BufReader::new(normalized.as_bytes()));
    let mut rows = vec![COLUMNS.iter().map(|s| s.to_string()).collect::<Vec<_>>()];
    for (i, card) in parser.enumerate() {
        let card = card.map_err(|e| ApiError::new("invalid_vcard", format!("card {}: {e}", i + 1)))?;
        let props: Vec<Prop> = card
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
            .collect();
        rows.push(card_row(&props));
    }
    let mut table = RawTable::new(SourceFormat::Vcard, rows);
    table.synthetic_header = true;
    Ok(table)
}

struct Prop {
    name: String,
    types: Vec<String>,
    value: String,
}

/// The whole file as text: UTF-8 (BOM skipped) when valid, else Shift_JIS.
fn decode_file(bytes: &[u8]) -> String {
    let bytes = bytes.strip_prefix(&[0xEF, 0xBB, 0xBF][..]).unwrap_or(bytes);
    match std::str::from_utf8(bytes) {
        Ok(s) => s.to_string(),
        Err(_) => encoding_rs::SHIFT_JIS.decode_without_bom_handling(bytes).0.into_owned(),
    }
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

/// Brings vCard 2.1 to 3.0 shape (see the module docs); 3.0/4.0 pass through.
pub fn prepass(text: &str) -> String {
    let mut logical: Vec<String> = Vec::new();
    let mut lines = text.split('\n').map(|l| l.strip_suffix('\r').unwrap_or(l)).peekable();
    while let Some(line) = lines.next() {
        let mut current = line.to_string();
        let qp = is_quoted_printable(&current);
        loop {
            if qp && current.ends_with('=') {
                // Soft line break: the value goes on in the next line.
                match lines.next() {
                    Some(next) => {
                        current.pop();
                        current.push_str(next.trim_start());
                        continue;
                    }
                    None => break,
                }
            }
            match lines.peek() {
                Some(next) if next.starts_with(' ') || next.starts_with('\t') => {
                    current.push_str(&next[1..]);
                    lines.next();
                }
                _ => break,
            }
        }
        if !current.trim().is_empty() {
            logical.push(current);
        }
    }
    let mut out = String::new();
    for line in logical {
        let Some(colon) = value_colon(&line) else { continue };
        let (head, value) = (&line[..colon], &line[colon + 1..]);
        let mut parts = head.split(';');
        let name = parts.next().unwrap_or("").trim().to_string();
        let mut params: Vec<String> = Vec::new();
        let mut qp = false;
        let mut charset: Option<String> = None;
        for p in parts {
            let p = p.trim();
            if p.is_empty() {
                continue;
            }
            match p.split_once('=') {
                Some((k, v)) if k.eq_ignore_ascii_case("ENCODING") => {
                    if v.eq_ignore_ascii_case("QUOTED-PRINTABLE") {
                        qp = true;
                    } else {
                        params.push(p.to_string());
                    }
                }
                Some((k, v)) if k.eq_ignore_ascii_case("CHARSET") => charset = Some(v.to_string()),
                Some(_) => params.push(p.to_string()),
                None if p.eq_ignore_ascii_case("QUOTED-PRINTABLE") => qp = true,
                None => params.push(format!("TYPE={p}")),
            }
        }
        let value = if qp {
            let bytes = decode_quoted_printable(value);
            let text = decode_charset(&bytes, charset.as_deref());
            // Decoded line breaks become vCard escapes again.
            text.replace("\r\n", "\\n").replace('\n', "\\n").replace('\r', "\\n")
        } else {
            value.to_string()
        };
        out.push_str(&name);
        for p in params {
            out.push(';');
            out.push_str(&p);
        }
        out.push(':');
        out.push_str(&value);
        out.push_str("\r\n");
    }
    out
}

fn is_quoted_printable(line: &str) -> bool {
    match value_colon(line) {
        Some(colon) => line[..colon].to_ascii_uppercase().contains("QUOTED-PRINTABLE"),
        None => false,
    }
}

/// The colon that starts the value (not one inside a quoted parameter).
fn value_colon(line: &str) -> Option<usize> {
    let mut quoted = false;
    for (i, c) in line.char_indices() {
        match c {
            '"' => quoted = !quoted,
            ':' if !quoted => return Some(i),
            _ => {}
        }
    }
    None
}

/// Quoted-printable to bytes (`=XX` escapes; soft breaks are already joined).
pub fn decode_quoted_printable(s: &str) -> Vec<u8> {
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'=' && i + 2 < b.len() {
            let hex = std::str::from_utf8(&b[i + 1..i + 3]).ok();
            if let Some(v) = hex.and_then(|h| u8::from_str_radix(h, 16).ok()) {
                out.push(v);
                i += 3;
                continue;
            }
        }
        out.push(b[i]);
        i += 1;
    }
    out
}

fn decode_charset(bytes: &[u8], charset: Option<&str>) -> String {
    let label = charset.unwrap_or("").to_ascii_lowercase();
    if let Some(enc) = encoding_rs::Encoding::for_label(label.as_bytes()) {
        return enc.decode_without_bom_handling(bytes).0.into_owned();
    }
    match std::str::from_utf8(bytes) {
        Ok(s) => s.to_string(),
        Err(_) => encoding_rs::SHIFT_JIS.decode_without_bom_handling(bytes).0.into_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quoted_printable() {
        assert_eq!(decode_quoted_printable("=E5=B1=B1=E7=94=B0"), "山田".as_bytes());
        assert_eq!(decode_quoted_printable("a=3Db=0D=0Ac"), b"a=b\r\nc");
        assert_eq!(decode_quoted_printable("50%=3"), b"50%=3");
    }

    #[test]
    fn prepass_brings_21_to_30() {
        let sjis = encoding_rs::SHIFT_JIS.encode("山田").0;
        let qp: String = sjis.iter().map(|b| format!("={b:02X}")).collect();
        let card = format!(
            "BEGIN:VCARD\r\nVERSION:2.1\r\nN;CHARSET=SHIFT_JIS;ENCODING=QUOTED-PRINTABLE:{qp};=\r\n=E5=A4=AA\r\nTEL;CELL;VOICE:090-1111-2222\r\nEND:VCARD\r\n"
        );
        let out = prepass(&card);
        assert!(out.contains("TEL;TYPE=CELL;TYPE=VOICE:090-1111-2222"), "{out}");
        // Mixed: the family name in Shift_JIS; the bytes after the soft break
        // are not valid Shift_JIS here, which the decoder replaces.
        assert!(out.starts_with("BEGIN:VCARD\r\nVERSION:2.1\r\nN:山田;"), "{out}");
    }
}
