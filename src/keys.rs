//! Derived values stored beside the raw record: its display name, its sort key
//! (あいうえお order by reading) and its normalized match keys (search and
//! duplicate detection). Recomputed on every write, so they are never stale.

use serde_json::{Map, Value};

use crate::model::Kind;
use crate::normalize;

fn s<'a>(m: &'a Map<String, Value>, k: &str) -> &'a str {
    m.get(k).and_then(Value::as_str).unwrap_or("")
}

/// The name a record is shown under in lists, timelines and the trash.
pub fn display_name(kind: Kind, m: &Map<String, Value>) -> String {
    let meta = kind.meta();
    let parts: Vec<String> = meta
        .title_fields
        .iter()
        .filter_map(|f| match m.get(*f) {
            Some(Value::String(v)) if !v.is_empty() => Some(v.clone()),
            Some(Value::Number(n)) => Some(n.to_string()),
            _ => None,
        })
        .collect();
    let joined = parts.join(" ");
    if !joined.is_empty() {
        return joined;
    }
    match kind {
        Kind::Activity => s(m, "occurred_at").replace('T', " "),
        _ => meta.label_ja.to_string(),
    }
}

/// The key lists sort on by default: the katakana reading when there is one
/// (designators such as カブシキガイシャ removed), else the folded name.
pub fn sort_key(kind: Kind, m: &Map<String, Value>, display: &str) -> String {
    let reading: String = kind.meta().reading_fields.iter().map(|f| s(m, f)).collect::<Vec<_>>().concat();
    match kind {
        Kind::Company if !reading.is_empty() => normalize::company_reading_key(&reading),
        Kind::Company => normalize::company_name_key(display),
        _ if !reading.is_empty() => normalize::reading_key(&reading),
        _ => normalize::fold(display),
    }
}

/// Normalized match keys of a record: `(key type, key)` pairs.
pub fn match_keys(kind: Kind, m: &Map<String, Value>) -> Vec<(&'static str, String)> {
    let mut keys: Vec<(&'static str, String)> = Vec::new();
    let mut push = |t: &'static str, k: Option<String>| {
        if let Some(k) = k.filter(|k| !k.is_empty()) {
            if !keys.iter().any(|(t2, k2)| *t2 == t && *k2 == k) {
                keys.push((t, k));
            }
        }
    };
    let some = |v: &str| {
        if v.is_empty() {
            None
        } else {
            Some(v.to_string())
        }
    };
    match kind {
        Kind::Company => {
            push("name", Some(normalize::company_name_key(s(m, "name"))));
            push("reading", some(s(m, "name_reading")).map(|r| normalize::company_reading_key(&r)));
            push("corporate_number", some(s(m, "corporate_number")));
            push("code", some(s(m, "code")).map(|c| normalize::fold(&c)));
            for f in ["phone", "fax"] {
                push("phone", normalize::phone_key(s(m, f)));
            }
            push("email", normalize::email_key(s(m, "email")));
            push("postal", normalize::postal_key(s(m, "postal_code")));
            let addr = format!("{}{}{}", s(m, "prefecture"), s(m, "city"), s(m, "street"));
            push("address", some(&addr).map(|a| normalize::address_key(&a)));
        }
        Kind::Contact => {
            push("person", Some(normalize::person_name_key(s(m, "family_name"), s(m, "given_name"))));
            let reading = format!("{}{}", s(m, "family_reading"), s(m, "given_reading"));
            push("reading", some(&reading).map(|r| normalize::reading_key(&r)));
            for f in ["phone", "mobile"] {
                push("phone", normalize::phone_key(s(m, f)));
            }
            push("email", normalize::email_key(s(m, "email")));
        }
        Kind::Product => {
            push("name", Some(normalize::fold(s(m, "name"))));
            push("reading", some(s(m, "name_reading")).map(|r| normalize::reading_key(&r)));
        }
        Kind::User => {
            push("person", Some(normalize::fold(s(m, "name")).replace(' ', "")));
            push("email", normalize::email_key(s(m, "email")));
        }
        _ => {}
    }
    keys
}
