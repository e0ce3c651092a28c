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
            let person = normalize::person_name_key(s(m, "family_name"), s(m, "given_name"));
            push("person_company", person_company_key(&person, s(m, "company_id")));
            push("person", Some(person));
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

/// Separates the person and the company in a `person_company` key; no
/// person key or record id contains it.
pub const PERSON_COMPANY_SEP: char = '\u{1f}';

/// The key of a contact's person name at its company (the duplicate rule
/// "same person at the same company"): one key, so that the rule is one
/// lookup on a form and one ordered range in the whole-database scan,
/// however many contacts share a common name (900 佐藤一郎 in the
/// benchmark data). None without a person or a company.
pub fn person_company_key(person: &str, company_id: &str) -> Option<String> {
    (!person.is_empty() && !company_id.is_empty()).then(|| format!("{person}{PERSON_COMPANY_SEP}{company_id}"))
}

/// The kinds of records that have match keys of `key_type` (see
/// [`match_keys`]), in search order: a search looks up a key only in these.
pub fn key_kinds(key_type: &str) -> &'static [Kind] {
    match key_type {
        "name" => &[Kind::Company, Kind::Product],
        "person" => &[Kind::Contact, Kind::User],
        "person_company" => &[Kind::Contact],
        "reading" => &[Kind::Company, Kind::Contact, Kind::Product],
        "corporate_number" | "code" | "postal" | "address" => &[Kind::Company],
        "phone" => &[Kind::Company, Kind::Contact],
        "email" => &[Kind::Company, Kind::Contact, Kind::User],
        _ => &[],
    }
}

/// Kinds the search box looks in, in the order hits of equal rank are listed.
/// Tasks, purchases and case studies came later (migration 0017): a kind's
/// place here is its rank in document ids, so new kinds go at the end.
pub const SEARCH_KINDS: &[Kind] = &[
    Kind::Company,
    Kind::Contact,
    Kind::Deal,
    Kind::Product,
    Kind::Activity,
    Kind::Task,
    Kind::Purchase,
    Kind::CaseStudy,
];

/// What the search index holds for one record (see `store::search`):
/// normalized text per column, never shown to the user. Several values of a
/// column are joined by `\n`, which no normalized query contains, so a match
/// never spans two values.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct SearchDoc {
    /// The folded display name and the name match key (designators and
    /// spaces removed), hiragana as katakana.
    pub name: String,
    /// Readings as katakana, also without designators (カブシキガイシャ).
    pub reading: String,
    /// The customer code, folded.
    pub code: String,
    /// Phone numbers as digits, national (`0312345678`) and international
    /// (`81312345678`).
    pub phone: String,
    /// E-mail addresses, folded.
    pub email: String,
    /// Other text (activity content, notes, addresses), folded.
    pub body: String,
    /// Unigrams and bigrams of the name, reading and code values, separated
    /// by spaces, for queries of one or two characters (the trigram index
    /// cannot match those). Empty for activities: short queries look at
    /// names only.
    pub name_grams: String,
    pub reading_grams: String,
    pub code_grams: String,
}

/// The fields of each searched kind whose text goes into [`SearchDoc::body`].
pub fn search_body_fields(kind: Kind) -> &'static [&'static str] {
    match kind {
        Kind::Company => {
            &["prefecture", "city", "street", "building", "representative", "industry", "business_description", "notes"]
        }
        Kind::Contact => &["department", "title", "address", "memos"],
        Kind::Deal => &["notes", "lost_reason"],
        Kind::Product => &["maker", "category", "description"],
        Kind::Activity => &[
            "content",
            "outcome",
            "next_steps",
            "other_attendees",
            "source_who",
            "how_to_use",
            "to_find_out",
            "supervisor_decision",
        ],
        Kind::Task => &["notes"],
        Kind::Purchase => &["notes"],
        Kind::CaseStudy => &["customer_name", "industry", "before", "after"],
        _ => &[],
    }
}

/// The fields holding phone numbers and e-mail addresses of a searched kind.
pub fn search_phone_fields(kind: Kind) -> &'static [&'static str] {
    match kind {
        Kind::Company => &["phone", "fax"],
        Kind::Contact => &["phone", "mobile"],
        _ => &[],
    }
}

/// The match key of a record's name: what "exact name" and "name prefix"
/// compare against (designators and spaces removed, hiragana as katakana).
pub fn search_name_key(kind: Kind, m: &Map<String, Value>, display: &str) -> String {
    let key = match kind {
        Kind::Company => normalize::company_name_key(s(m, "name")),
        Kind::Contact => normalize::person_name_key(s(m, "family_name"), s(m, "given_name")),
        _ => normalize::fold(display).replace(' ', ""),
    };
    normalize::to_katakana(&key)
}

/// The search document of a record, or `None` for kinds the search box does
/// not look in.
pub fn search_doc(kind: Kind, m: &Map<String, Value>) -> Option<SearchDoc> {
    if !SEARCH_KINDS.contains(&kind) {
        return None;
    }
    // A private activity's texts stay out of the index, which snapshots share (issue 18).
    let redacted;
    let m = if crate::store::privacy::is_private_activity(kind, m) {
        redacted = {
            let mut r = m.clone();
            crate::store::privacy::redact(kind, &mut r);
            r
        };
        &redacted
    } else {
        m
    };
    let display = display_name(kind, m);
    let mut doc = SearchDoc::default();
    let title = match kind {
        Kind::Activity => s(m, "subject").to_string(),
        // Not the kind's label that stands in for an empty product name.
        Kind::Purchase => s(m, "product_name").to_string(),
        _ => display,
    };
    let names = distinct(vec![normalize::to_katakana(&normalize::fold(&title)), search_name_key(kind, m, &title)]);
    let readings: Vec<String> = match kind {
        Kind::Company => {
            let r = s(m, "name_reading");
            vec![normalize::reading_key(r), normalize::company_reading_key(r)]
        }
        Kind::Contact => vec![normalize::reading_key(&format!("{}{}", s(m, "family_reading"), s(m, "given_reading")))],
        Kind::Product => vec![normalize::reading_key(s(m, "name_reading"))],
        _ => vec![],
    };
    let readings = distinct(readings);
    let codes = distinct(vec![normalize::fold(s(m, "code"))]);
    let mut phones = Vec::new();
    for f in search_phone_fields(kind) {
        phones.extend(phone_digits(s(m, f)));
    }
    let emails = distinct(vec![normalize::email_key(s(m, "email")).unwrap_or_default()]);
    let body: Vec<String> = search_body_fields(kind).iter().map(|f| normalize::fold(s(m, f))).collect();
    if kind != Kind::Activity {
        doc.name_grams = grams(&names);
        doc.reading_grams = grams(&readings);
        doc.code_grams = grams(&codes);
    }
    doc.name = names.join("\n");
    doc.reading = readings.join("\n");
    doc.code = codes.join("\n");
    doc.phone = distinct(phones).join("\n");
    doc.email = emails.join("\n");
    doc.body = distinct(body).join("\n");
    Some(doc)
}

/// A phone number as the digit strings the index holds: national
/// (`0312345678`) and international (`81312345678`). Empty when the text is
/// not a phone number.
pub fn phone_digits(raw: &str) -> Vec<String> {
    let Some(key) = normalize::phone_key(raw) else {
        return Vec::new();
    };
    let digits: String = key.chars().filter(char::is_ascii_digit).collect();
    match key.strip_prefix("+81") {
        Some(national) => vec![format!("0{national}"), digits],
        None => vec![digits],
    }
}

/// Non-empty values, each once, in order.
fn distinct(values: Vec<String>) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for v in values {
        if !v.is_empty() && !out.contains(&v) {
            out.push(v);
        }
    }
    out
}

/// The characters grams are made of: letters and digits of any script. The
/// gram index's tokenizer (unicode61) splits on everything else, so queries
/// are filtered the same way.
pub fn gram_chars(s: &str) -> String {
    s.chars().filter(|c| c.is_alphanumeric()).collect()
}

/// Every unigram and bigram of each value (of its letters and digits), each
/// once, separated by spaces.
pub fn grams(values: &[String]) -> String {
    // Grams as (char, optional next char): no string per gram.
    let mut seen: std::collections::HashSet<(char, Option<char>)> = std::collections::HashSet::new();
    let mut out = String::new();
    let mut push = |gram: (char, Option<char>), out: &mut String| {
        if seen.insert(gram) {
            if !out.is_empty() {
                out.push(' ');
            }
            out.push(gram.0);
            if let Some(c) = gram.1 {
                out.push(c);
            }
        }
    };
    for v in values {
        let chars: Vec<char> = gram_chars(v).chars().collect();
        for (i, c) in chars.iter().enumerate() {
            push((*c, None), &mut out);
            if let Some(next) = chars.get(i + 1) {
                push((*c, Some(*next)), &mut out);
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn doc(kind: Kind, v: Value) -> SearchDoc {
        search_doc(kind, v.as_object().unwrap()).unwrap()
    }

    #[test]
    fn search_doc_holds_normalized_text_per_column() {
        let d = doc(
            Kind::Company,
            json!({"name": "㈱やまだ商事", "name_reading": "ｶﾌﾞｼｷｶﾞｲｼｬ ﾔﾏﾀﾞｼｮｳｼﾞ", "code": "Ｃ-01",
                   "phone": "03-1234-5678", "fax": "+81 3 1234 5679", "email": "Info@Yamada.example",
                   "prefecture": "東京都", "notes": "ＡＢＣ社と競合"}),
        );
        assert_eq!(d.name, "(株)ヤマダ商事\nヤマダ商事");
        assert_eq!(d.reading, "カブシキガイシャヤマダショウジ\nヤマダショウジ");
        assert_eq!(d.code, "c-01");
        assert_eq!(d.phone, "0312345678\n81312345678\n0312345679\n81312345679");
        assert_eq!(d.email, "info@yamada.example");
        assert_eq!(d.body, "東京都\nabc社と競合");
        assert_eq!(d.code_grams, "c c0 0 01 1");
        let contact = doc(
            Kind::Contact,
            json!({"family_name": "山田", "given_name": "太郎", "family_reading": "やまだ", "given_reading": "たろう"}),
        );
        assert_eq!(contact.name, "山田 太郎\n山田太郎");
        assert_eq!(contact.reading, "ヤマダタロウ");
        // Activities: content, but no grams (short queries look at names only).
        let a = doc(Kind::Activity, json!({"subject": "定例", "content": "価格の件"}));
        assert_eq!((a.name.as_str(), a.body.as_str(), a.name_grams.as_str()), ("定例", "価格の件", ""));
        assert!(search_doc(Kind::User, &Map::new()).is_none());
    }

    /// `key_kinds` lists exactly the kinds `match_keys` makes keys of each
    /// type for: a record with every field filled has all its kind's keys.
    #[test]
    fn key_kinds_are_the_kinds_with_such_keys() {
        let mut made: Vec<(&str, Kind)> = Vec::new();
        for kind in Kind::ALL {
            let mut m = Map::new();
            for f in kind.meta().fields {
                let v = match f.name {
                    "email" => "a@example.jp",
                    "phone" | "fax" | "mobile" => "03-1234-5678",
                    "postal_code" => "100-0001",
                    "corporate_number" => "1234567890123",
                    _ => "山田",
                };
                m.insert(f.name.to_string(), Value::String(v.to_string()));
            }
            for (key_type, _) in match_keys(*kind, &m) {
                assert!(key_kinds(key_type).contains(kind), "{kind:?} has {key_type} keys");
                made.push((key_type, *kind));
            }
        }
        for key_type in [
            "name",
            "person",
            "person_company",
            "reading",
            "corporate_number",
            "code",
            "postal",
            "address",
            "phone",
            "email",
        ] {
            for kind in key_kinds(key_type) {
                assert!(made.contains(&(key_type, *kind)), "{kind:?} has no {key_type} keys");
            }
        }
    }

    #[test]
    fn grams_are_every_unigram_and_bigram_once() {
        let cases: &[(&[&str], &str)] = &[
            (&["山田"], "山 山田 田"),
            (&["山田", "田中"], "山 山田 田 田中 中"),
            (&["(株)a-b"], "株 株a a ab b"),
            (&["ー"], "ー"),
            (&[""], ""),
        ];
        for (values, expected) in cases {
            let values: Vec<String> = values.iter().map(|s| s.to_string()).collect();
            assert_eq!(grams(&values), *expected, "{values:?}");
        }
    }

    #[test]
    fn phone_digits_cases() {
        let cases: &[(&str, &[&str])] = &[
            ("03-1234-5678", &["0312345678", "81312345678"]),
            ("０９０（１２３４）５６７８", &["09012345678", "819012345678"]),
            ("+1 650-253-0000", &["16502530000"]),
            ("abc", &[]),
        ];
        for (raw, expected) in cases {
            assert_eq!(phone_digits(raw), *expected, "{raw}");
        }
    }
}
