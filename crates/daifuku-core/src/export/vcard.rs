//! Contacts as vCard 4.0 (RFC 6350) with Japanese readings as
//! `X-PHONETIC-LAST-NAME` / `X-PHONETIC-FIRST-NAME` / `X-PHONETIC-ORG`
//! (what iOS, macOS and Android read): CRLF, lines folded at 75 octets
//! without splitting a character.

use crate::model::{Company, Contact};

/// Escapes a text value (`\`, `,`, `;`, newlines).
pub fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            ',' => out.push_str("\\,"),
            ';' => out.push_str("\\;"),
            '\n' => out.push_str("\\n"),
            '\r' => {}
            c => out.push(c),
        }
    }
    out
}

/// Folds one content line at 75 octets (continuations start with a space).
pub fn fold_line(line: &str) -> String {
    let mut out = String::with_capacity(line.len() + 8);
    let mut width = 0;
    for c in line.chars() {
        let n = c.len_utf8();
        if width + n > 75 {
            out.push_str("\r\n ");
            width = 1;
        }
        out.push(c);
        width += n;
    }
    out.push_str("\r\n");
    out
}

fn opt(s: &Option<String>) -> &str {
    s.as_deref().unwrap_or("")
}

/// One contact as a vCard 4.0.
pub fn contact_vcard(id: &str, c: &Contact, company: Option<&Company>) -> String {
    let mut lines: Vec<String> = vec!["BEGIN:VCARD".into(), "VERSION:4.0".into()];
    lines.push(format!("UID:urn:uuid:{id}"));
    let full = [c.family_name.as_str(), opt(&c.given_name)]
        .iter()
        .filter(|s| !s.is_empty())
        .cloned()
        .collect::<Vec<_>>()
        .join(" ");
    lines.push(format!("FN:{}", escape(&full)));
    lines.push(format!("N:{};{};;;", escape(&c.family_name), escape(opt(&c.given_name))));
    if let Some(r) = &c.family_reading {
        lines.push(format!("X-PHONETIC-LAST-NAME:{}", escape(r)));
    }
    if let Some(r) = &c.given_reading {
        lines.push(format!("X-PHONETIC-FIRST-NAME:{}", escape(r)));
    }
    if let Some(co) = company {
        match &c.department {
            Some(d) => lines.push(format!("ORG:{};{}", escape(&co.name), escape(d))),
            None => lines.push(format!("ORG:{}", escape(&co.name))),
        }
        if let Some(r) = &co.name_reading {
            lines.push(format!("X-PHONETIC-ORG:{}", escape(r)));
        }
    } else if let Some(d) = &c.department {
        lines.push(format!("ORG:;{}", escape(d)));
    }
    if let Some(t) = &c.title {
        lines.push(format!("TITLE:{}", escape(t)));
    }
    if let Some(e) = &c.email {
        lines.push(format!("EMAIL;TYPE=work:{}", escape(e)));
    }
    if let Some(p) = &c.phone {
        lines.push(format!("TEL;VALUE=text;TYPE=work,voice:{}", escape(p)));
    }
    if let Some(p) = &c.mobile {
        lines.push(format!("TEL;VALUE=text;TYPE=cell,voice:{}", escape(p)));
    }
    if c.address.is_some() || c.postal_code.is_some() {
        lines.push(format!("ADR;TYPE=work:;;{};;;{};", escape(opt(&c.address)), escape(opt(&c.postal_code))));
    }
    if let Some(b) = &c.birthday {
        lines.push(format!("BDAY:{}", b.replace('-', "")));
    }
    if !c.tags.is_empty() {
        let tags: Vec<String> = c.tags.iter().map(|t| escape(t)).collect();
        lines.push(format!("CATEGORIES:{}", tags.join(",")));
    }
    if let Some(m) = &c.memos {
        lines.push(format!("NOTE:{}", escape(m)));
    }
    lines.push("END:VCARD".into());
    lines.iter().map(|l| fold_line(l)).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn folding_keeps_characters_whole() {
        let line = format!("NOTE:{}", "あ".repeat(40));
        let folded = fold_line(&line);
        for part in folded.split("\r\n").filter(|p| !p.is_empty()) {
            assert!(part.len() <= 75, "{part}");
        }
        let unfolded = folded.replace("\r\n ", "");
        assert_eq!(unfolded.trim_end(), line);
    }

    #[test]
    fn escapes() {
        assert_eq!(escape("a,b;c\\d\ne"), "a\\,b\\;c\\\\d\\ne");
    }
}
