//! Field validation and cleaning: turns what a form, the CLI or an import sent
//! into the stored shape, or into field-level errors. Pure: reference checks
//! and uniqueness live in the store, which owns the SQL.

use serde_json::{Map, Value};

use crate::error::FieldError;
use crate::model::{Kind, PREFECTURES};
use crate::normalize;
use crate::schema::{FieldDef, FieldType};

fn err(code: &str, field: &str, message: impl Into<String>) -> FieldError {
    FieldError::new(code, field, message)
}

/// Cleans and checks every field of `kind` in `fields` (a complete record).
/// Strings are trimmed, empty strings become null, values are brought to their
/// stored form (corporate number digits, postal code `123-4567`, date-times
/// `YYYY-MM-DDTHH:MM`). Unknown fields are errors.
pub fn clean(kind: Kind, fields: &Map<String, Value>) -> Result<Map<String, Value>, Vec<FieldError>> {
    clean_owned(kind, fields.clone())
}

/// [`clean`] of fields the caller gives up: each value is cleaned in place
/// of a copy (an import cleans every row of its file).
pub fn clean_owned(kind: Kind, mut fields: Map<String, Value>) -> Result<Map<String, Value>, Vec<FieldError>> {
    let meta = kind.meta();
    let mut out = Map::new();
    let mut cleaned = Vec::with_capacity(meta.fields.len());
    for def in meta.fields {
        cleaned.push((def, clean_field(def, fields.remove(def.name).unwrap_or(Value::Null))));
    }
    // What is left is no field of the kind; those errors come first.
    let mut errors: Vec<FieldError> =
        fields.keys().map(|key| err("unknown_field", key, format!("{} has no field {key}", kind.as_str()))).collect();
    for (def, result) in cleaned {
        match result {
            Ok(v) => {
                out.insert(def.name.to_string(), v);
            }
            Err(e) => errors.push(e),
        }
    }
    if errors.is_empty() {
        cross_check(kind, &out, &mut errors);
    }
    if errors.is_empty() {
        Ok(out)
    } else {
        Err(errors)
    }
}

fn is_blank(v: &Value) -> bool {
    match v {
        Value::Null => true,
        Value::String(s) => s.trim().is_empty(),
        Value::Array(a) => a.is_empty(),
        _ => false,
    }
}

/// The largest value a field of `def`'s type holds, in characters (Unicode
/// scalar values, as a user counts them, not bytes); for lists, of each item
/// (see [`max_items`]). Chosen to hold every real value with room to spare
/// while keeping one record small enough to export, sync and index:
/// - one line of text (a company name, an address line, a title): 1,000 —
///   the longest registered company names are under 200 characters;
/// - a reading (フリガナ): 200, a name's reading is far shorter;
/// - an e-mail address: 254 (RFC 5321's limit on a path);
/// - a URL: 2,048 (what browsers and search engines reliably handle);
/// - a phone number: 100, with its annotations (`（代）`, `内線 123`);
/// - code-like values (postal code, 法人番号, prefecture, dates, numbers
///   typed as text such as `10,000,000円`, choices, yes/no): 100;
/// - long text (memos, meeting notes): 100,000 — about 60 pages, far more
///   than a note but bounded (an Excel cell holds 32,767; the XLSX export
///   cuts longer text with a mark);
/// - references: 1,000 (an id is 36 characters; an import may hold a name
///   there until it resolves it); tags: 100 each;
/// - structured (JSON) values: 100,000 characters serialized.
pub fn max_chars(def: &FieldDef) -> usize {
    match def.ty {
        FieldType::Text => 1_000,
        FieldType::LongText => 100_000,
        FieldType::Reading => 200,
        FieldType::Email => 254,
        FieldType::Url => 2_048,
        FieldType::Phone => 100,
        FieldType::Ref { .. } | FieldType::RefList { .. } => 1_000,
        FieldType::Tags => 100,
        FieldType::Json => 100_000,
        FieldType::Postal
        | FieldType::CorporateNumber
        | FieldType::Prefecture
        | FieldType::Date
        | FieldType::DateTime
        | FieldType::Int { .. }
        | FieldType::Decimal { .. }
        | FieldType::Money
        | FieldType::Enum { .. }
        | FieldType::Bool => 100,
    }
}

/// The most items a list field holds: 200 tags (a record with more is no
/// longer tagged), 1,000 references (the attendees of a large seminar).
pub fn max_items(def: &FieldDef) -> usize {
    match def.ty {
        FieldType::Tags => 200,
        _ => 1_000,
    }
}

/// Refuses a value longer than [`max_chars`] (or a list longer than
/// [`max_items`]) before any other work on it: counting characters is one
/// pass over the text, where cleaning, normalizing and the store's match
/// keys and search document each take several (a 50 MB name took 20 s and
/// 1.2 GB before this check).
fn check_size(def: &FieldDef, raw: &Value) -> Result<(), FieldError> {
    match (def.ty, raw) {
        (_, Value::String(s)) => check_text_size(def, s),
        (FieldType::Json, v) => within(def, count(def, &v.to_string())),
        (FieldType::Tags | FieldType::RefList { .. }, Value::Array(a)) => {
            items(def, a.len())?;
            within(def, a.iter().filter_map(Value::as_str).map(|s| count(def, s.trim())).max().unwrap_or(0))
        }
        _ => Ok(()),
    }
}

/// [`check_size`] of a text: what a form, the CLI or an import's cell gives
/// for `def` (a list as comma-separated items, as `clean_field` splits it).
/// An import checks each cell with it before reading anything from it.
pub fn check_text_size(def: &FieldDef, s: &str) -> Result<(), FieldError> {
    match def.ty {
        FieldType::Tags | FieldType::RefList { .. } => {
            items(def, s.split([',', '、', '，']).filter(|t| !t.trim().is_empty()).count())?;
            within(def, s.split([',', '、', '，']).map(|t| count(def, t.trim())).max().unwrap_or(0))
        }
        FieldType::Json => within(def, count(def, s)),
        _ => within(def, count(def, s.trim())),
    }
}

/// The characters of `s` when it may be over `def`'s maximum; 0 when it
/// cannot be (a text of at most `max` bytes has at most `max` characters).
fn count(def: &FieldDef, s: &str) -> usize {
    if s.len() <= max_chars(def) {
        0
    } else {
        s.chars().count()
    }
}

fn within(def: &FieldDef, n: usize) -> Result<(), FieldError> {
    let max = max_chars(def);
    if n > max {
        let message = format!("{}: at most {max} characters, this one has {n}", def.label_en);
        Err(err("too_long", def.name, message).with_detail(max.to_string()))
    } else {
        Ok(())
    }
}

fn items(def: &FieldDef, n: usize) -> Result<(), FieldError> {
    let most = max_items(def);
    if n > most {
        let message = format!("{}: at most {most} items, this one has {n}", def.label_en);
        Err(err("too_many_items", def.name, message).with_detail(most.to_string()))
    } else {
        Ok(())
    }
}

/// Cleans one field; a null result means "not set".
pub fn clean_field(def: &FieldDef, raw: Value) -> Result<Value, FieldError> {
    let name = def.name;
    let label = def.label_en;
    if is_blank(&raw) {
        if def.required && !matches!(def.ty, FieldType::Bool) {
            return Err(err("required", name, format!("{label} is required")));
        }
        return Ok(match def.ty {
            FieldType::Tags | FieldType::RefList { .. } | FieldType::Json => Value::Array(vec![]),
            FieldType::Bool => Value::Bool(false),
            _ => Value::Null,
        });
    }
    check_size(def, &raw)?;
    match def.ty {
        FieldType::Text => Ok(Value::String(as_text(&raw, name, label)?.trim().to_string())),
        // One rule for everyone (seed 004): full-width katakana whatever was typed.
        FieldType::Reading => Ok(Value::String(normalize::reading_text(&as_text(&raw, name, label)?))),
        FieldType::LongText => {
            let s = as_text(&raw, name, label)?;
            Ok(Value::String(s.trim_end().trim_start_matches(['\n', '\r']).to_string()))
        }
        FieldType::Email => {
            let s = as_text(&raw, name, label)?.trim().to_string();
            if is_email(&s) {
                Ok(Value::String(s))
            } else {
                Err(err("invalid_email", name, format!("{label}: \"{s}\" is not an e-mail address")))
            }
        }
        FieldType::Phone => {
            // Recognised annotations stay in the stored form: `03-1234-5678 (代表)`.
            let s = as_text(&raw, name, label)?;
            match crate::phone::clean(&s) {
                Ok(Some(stored)) => Ok(Value::String(stored)),
                Ok(None) => Ok(Value::Null),
                Err(problem) => Err(problem.error(name, label, s.trim())),
            }
        }
        FieldType::Url => {
            let s = as_text(&raw, name, label)?.trim().to_string();
            // A web address: http(s), or a bare host ("example.co.jp"); never
            // another scheme (`javascript:`, `data:`, `file:`…; issue 18).
            let lower = s.to_ascii_lowercase();
            let other_scheme = lower.split_once(':').is_some_and(|(scheme, _)| {
                !scheme.is_empty() && scheme.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'+' || b == b'-')
            }) && !lower.starts_with("http://")
                && !lower.starts_with("https://");
            let ok = !s.contains(char::is_whitespace)
                && !s.chars().any(char::is_control)
                && !other_scheme
                && (lower.starts_with("https://")
                    || lower.starts_with("http://")
                    || (s.contains('.') && !s.contains("://")));
            if ok {
                Ok(Value::String(s))
            } else {
                Err(err("invalid_url", name, format!("{label}: \"{s}\" is not a web address")))
            }
        }
        FieldType::Postal => {
            let s = as_text(&raw, name, label)?;
            match normalize::postal_key(&s) {
                Some(d) => Ok(Value::String(format!("{}-{}", &d[..3], &d[3..]))),
                None => Err(err("invalid_postal_code", name, format!("{label}: \"{s}\" is not a 7-digit postal code"))),
            }
        }
        FieldType::CorporateNumber => {
            let s = as_text(&raw, name, label)?;
            match normalize::corporate_number(&s) {
                Ok(n) => Ok(Value::String(n)),
                Err(normalize::CorporateNumberError::BadCheckDigit) => {
                    Err(err("invalid_corporate_number", name, format!("{label}: check digit of \"{s}\" is wrong")))
                }
                Err(_) => Err(err("invalid_corporate_number", name, format!("{label}: \"{s}\" is not 13 digits"))),
            }
        }
        FieldType::Prefecture => {
            let s = normalize::fold(&as_text(&raw, name, label)?);
            if PREFECTURES.contains(&s.as_str()) {
                return Ok(Value::String(s));
            }
            // Accept the short form (東京 → 東京都, 大阪 → 大阪府, 北海 is not a thing).
            match PREFECTURES
                .iter()
                .find(|p| p.len() > s.len() && p.starts_with(&s) && p.chars().count() == s.chars().count() + 1)
            {
                Some(p) if !s.is_empty() && s != "北海" => Ok(Value::String(p.to_string())),
                _ => Err(err("invalid_prefecture", name, format!("{label}: \"{s}\" is not a prefecture"))),
            }
        }
        FieldType::Date => {
            let s = as_text(&raw, name, label)?;
            parse_date(&s)
                .map(Value::String)
                .ok_or_else(|| err("invalid_date", name, format!("{label}: \"{s}\" is not a date (YYYY-MM-DD)")))
        }
        FieldType::DateTime => {
            let s = as_text(&raw, name, label)?;
            parse_datetime(&s).map(Value::String).ok_or_else(|| {
                err("invalid_datetime", name, format!("{label}: \"{s}\" is not a date and time (YYYY-MM-DD HH:MM)"))
            })
        }
        FieldType::Int { min, max } => {
            let n = as_int(&raw).ok_or_else(|| err("invalid_number", name, format!("{label}: not a whole number")))?;
            if n < min || n > max {
                Err(err("out_of_range", name, format!("{label}: {n} is not between {min} and {max}")))
            } else {
                Ok(Value::from(n))
            }
        }
        FieldType::Money => {
            let n = as_int(&raw)
                .ok_or_else(|| err("invalid_number", name, format!("{label}: not a whole number of yen")))?;
            if n < 0 {
                Err(err("negative_amount", name, format!("{label}: must not be negative")))
            } else {
                Ok(Value::from(n))
            }
        }
        FieldType::Decimal { min, max } => {
            let n = as_f64(&raw).ok_or_else(|| err("invalid_number", name, format!("{label}: not a number")))?;
            if n < min || n > max || !n.is_finite() {
                Err(err("out_of_range", name, format!("{label}: {n} is not between {min} and {max}")))
            } else {
                Ok(Value::from(n))
            }
        }
        FieldType::Enum { values } => {
            let s = as_text(&raw, name, label)?.trim().to_string();
            if values.contains(&s.as_str()) {
                Ok(Value::String(s))
            } else {
                Err(err("invalid_choice", name, format!("{label}: \"{s}\" is not one of {}", values.join(", "))))
            }
        }
        FieldType::Ref { .. } => {
            let s = as_text(&raw, name, label)?.trim().to_string();
            Ok(Value::String(s))
        }
        FieldType::RefList { .. } | FieldType::Tags => {
            let items: Vec<String> = match raw {
                Value::Array(a) => a
                    .into_iter()
                    .map(|v| match v {
                        Value::String(s) => Ok(s),
                        other => Err(err("invalid_list", name, format!("{label}: {other} is not text"))),
                    })
                    .collect::<Result<_, _>>()?,
                // A comma-separated string is accepted (CLI, imports).
                Value::String(s) => s.split([',', '、', '，']).map(str::to_string).collect(),
                _ => return Err(err("invalid_list", name, format!("{label}: not a list"))),
            };
            let mut seen = Vec::new();
            for s in items {
                let s = s.trim().to_string();
                if !s.is_empty() && !seen.contains(&s) {
                    seen.push(s);
                }
            }
            Ok(Value::Array(seen.into_iter().map(Value::String).collect()))
        }
        FieldType::Bool => match raw {
            Value::Bool(b) => Ok(Value::Bool(b)),
            Value::Number(n) => Ok(Value::Bool(n.as_i64() != Some(0))),
            Value::String(s) => match s.trim().to_lowercase().as_str() {
                "true" | "yes" | "1" | "はい" | "済" | "完了" => Ok(Value::Bool(true)),
                "false" | "no" | "0" | "いいえ" => Ok(Value::Bool(false)),
                _ => Err(err("invalid_bool", name, format!("{label}: \"{s}\" is not yes or no"))),
            },
            _ => Err(err("invalid_bool", name, format!("{label}: not yes or no"))),
        },
        FieldType::Json => match raw {
            Value::String(s) => {
                serde_json::from_str::<Value>(&s).map_err(|e| err("invalid_json", name, format!("{label}: {e}")))
            }
            v => Ok(v),
        },
    }
}

fn as_text(v: &Value, name: &str, label: &str) -> Result<String, FieldError> {
    match v {
        Value::String(s) => Ok(s.clone()),
        Value::Number(n) => Ok(n.to_string()),
        Value::Bool(b) => Ok(b.to_string()),
        _ => Err(err("invalid_type", name, format!("{label}: expected text"))),
    }
}

fn as_int(v: &Value) -> Option<i64> {
    match v {
        Value::Number(n) => n.as_i64().or_else(|| n.as_f64().filter(|f| f.fract() == 0.0).map(|f| f as i64)),
        Value::String(s) => {
            let t: String =
                normalize::fold(s).chars().filter(|c| !matches!(c, ',' | '円' | '¥' | '\\' | ' ')).collect();
            t.parse().ok()
        }
        _ => None,
    }
}

fn as_f64(v: &Value) -> Option<f64> {
    match v {
        Value::Number(n) => n.as_f64(),
        Value::String(s) => normalize::fold(s).replace([',', '%'], "").trim().parse().ok(),
        _ => None,
    }
}

/// `YYYY-MM-DD` (also `YYYY/MM/DD`, `YYYY.M.D` and full-width digits) to `YYYY-MM-DD`; None when not a real date.
pub fn parse_date(s: &str) -> Option<String> {
    let t = normalize::fold(s).replace(['/', '.'], "-");
    let t = t.replace(['年', '月'], "-").replace('日', "");
    let parts: Vec<&str> = t.trim().split('-').collect();
    if parts.len() != 3 {
        return None;
    }
    let y: i32 = parts[0].parse().ok()?;
    let m: u32 = parts[1].parse().ok()?;
    let d: u32 = parts[2].parse().ok()?;
    if !(1800..=2999).contains(&y) {
        return None;
    }
    chrono::NaiveDate::from_ymd_opt(y, m, d).map(|date| date.format("%Y-%m-%d").to_string())
}

/// A local date and time to `YYYY-MM-DDTHH:MM`; a bare date means midnight.
pub fn parse_datetime(s: &str) -> Option<String> {
    // fold() lower-cases ASCII, so the ISO separator `T` arrives as `t`.
    let t = normalize::fold(s);
    let t = t.trim();
    let (date, time) = match t.find(['t', ' ']) {
        Some(i) => (&t[..i], t[i + 1..].trim()),
        None => (t, "00:00"),
    };
    let date = parse_date(date)?;
    let hm: Vec<&str> = time.split(':').collect();
    if hm.len() < 2 || hm.len() > 3 {
        return None;
    }
    let h: u32 = hm[0].parse().ok()?;
    let m: u32 = hm[1].parse().ok()?;
    if h > 23 || m > 59 {
        return None;
    }
    Some(format!("{date}T{h:02}:{m:02}"))
}

fn is_email(s: &str) -> bool {
    let Some((local, domain)) = s.split_once('@') else {
        return false;
    };
    !local.is_empty()
        && !domain.is_empty()
        && domain.contains('.')
        && !domain.starts_with('.')
        && !domain.ends_with('.')
        && !domain.contains("..")
        && !s.contains(char::is_whitespace)
        && !domain.contains('@')
        && s.is_ascii()
}

fn text<'a>(m: &'a Map<String, Value>, k: &str) -> Option<&'a str> {
    m.get(k).and_then(Value::as_str)
}

/// Rules across fields of one record.
fn cross_check(kind: Kind, r: &Map<String, Value>, errors: &mut Vec<FieldError>) {
    let mut order = |from: &str, to: &str, msg: &str| {
        if let (Some(a), Some(b)) = (text(r, from), text(r, to)) {
            if a > b {
                errors.push(err("date_order", to, msg.to_string()));
            }
        }
    };
    match kind {
        Kind::ContactPosition => order("from_date", "to_date", "the end date is before the start date"),
        Kind::Purchase => {
            order("start_date", "expiry_date", "the expiry date is before the start date");
            order("contract_date", "expiry_date", "the expiry date is before the contract date");
        }
        _ => {}
    }
    match kind {
        Kind::CompanyRelation
            if r.get("related_company_id").is_none_or(Value::is_null)
                && r.get("related_name").is_none_or(Value::is_null) =>
        {
            errors.push(err("required", "related_company_id", "choose the related company or type its name"));
        }
        Kind::ProductScore => {
            let scale: i64 = text(r, "scale").and_then(|s| s.parse().ok()).unwrap_or(10);
            if let Some(score) = r.get("score").and_then(Value::as_i64) {
                if score > scale {
                    errors.push(err("out_of_range", "score", format!("Score: {score} is above the scale of {scale}")));
                }
            }
        }
        Kind::Task if r.get("done") == Some(&Value::Bool(false)) && r.get("done_on").is_some_and(|v| !v.is_null()) => {
            errors.push(err("inconsistent", "done_on", "a task that is not done has no done date"));
        }
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn check_field(kind: Kind, field: &str, input: Value, expected: Result<Value, &str>) {
        let def = kind.field(field).unwrap();
        let got = clean_field(def, input.clone()).map_err(|e| e.code);
        match expected {
            Ok(v) => {
                assert_eq!(got, Ok(v.clone()), "{field} {input}");
                // Cleaning a clean value changes nothing: an import stores
                // the values its planner cleaned without cleaning them again.
                assert_eq!(clean_field(def, v.clone()).map_err(|e| e.code), Ok(v), "{field} cleaned twice");
            }
            Err(code) => assert_eq!(got, Err(code.to_string()), "{field} {input}"),
        }
    }

    #[test]
    fn fields_clean_or_fail() {
        use Kind::*;
        let table: Vec<(Kind, &str, Value, Result<Value, &str>)> = vec![
            (Company, "name", json!("  山田商事 "), Ok(json!("山田商事"))),
            (Company, "name", json!(""), Err("required")),
            (Company, "name", json!(null), Err("required")),
            (Company, "code", json!(""), Ok(json!(null))),
            (Company, "email", json!("info@yamada.co.jp"), Ok(json!("info@yamada.co.jp"))),
            (Company, "email", json!("info@yamada"), Err("invalid_email")),
            (Company, "email", json!("info yamada@x.jp"), Err("invalid_email")),
            (Company, "phone", json!("03-1234-5678"), Ok(json!("03-1234-5678"))),
            (Company, "phone", json!("０３−１２３４−５６７８"), Ok(json!("03-1234-5678"))),
            (Company, "phone", json!("電話してね"), Err("invalid_phone")),
            (Company, "phone", json!("12"), Err("invalid_phone")),
            // Stored in the library's national format, annotations kept after the number.
            (Company, "phone", json!("0312345678"), Ok(json!("03-1234-5678"))),
            (Company, "phone", json!("03-1234-5678(代)"), Ok(json!("03-1234-5678 (代表)"))),
            (Company, "phone", json!("０７６６－２６－５８６５（代）"), Ok(json!("0766-26-5865 (代表)"))),
            (Company, "phone", json!("代表:052-222-8256"), Ok(json!("052-222-8256 (代表)"))),
            (Company, "phone", json!("06-1234-5678（直通）"), Ok(json!("06-1234-5678 (直通)"))),
            (Company, "phone", json!("03-1234-5678 内線123"), Ok(json!("03-1234-5678 内線 123"))),
            (Company, "phone", json!("03-1234-5678～9"), Ok(json!("03-1234-5678 ～9"))),
            (Company, "fax", json!("FAX:03-1234-5679"), Ok(json!("03-1234-5679"))),
            (Contact, "mobile", json!("09012345678"), Ok(json!("090-1234-5678"))),
            (Company, "phone", json!("+1 (650) 253-0000"), Ok(json!("+1 650-253-0000"))),
            (Company, "phone", json!("03-1234-56789"), Err("impossible_phone")),
            (Company, "phone", json!("0120-12-345"), Err("impossible_phone")),
            (Company, "phone", json!("03-1234-5678/03-1234-5679"), Err("phone_multiple")),
            (Company, "phone", json!("03-1234-5678 営業部"), Err("invalid_phone")),
            (Company, "postal_code", json!("〒１００−０００１"), Ok(json!("100-0001"))),
            (Company, "postal_code", json!("1000001"), Ok(json!("100-0001"))),
            (Company, "postal_code", json!("100-001"), Err("invalid_postal_code")),
            (Company, "corporate_number", json!("7000012050002"), Ok(json!("7000012050002"))),
            (Company, "corporate_number", json!("8000012050002"), Err("invalid_corporate_number")),
            (Company, "corporate_number", json!("700001205000"), Err("invalid_corporate_number")),
            (Company, "prefecture", json!("東京都"), Ok(json!("東京都"))),
            (Company, "prefecture", json!("大阪"), Ok(json!("大阪府"))),
            (Company, "prefecture", json!("東京県"), Err("invalid_prefecture")),
            (Company, "founded", json!("1987/4/1"), Ok(json!("1987-04-01"))),
            (Company, "founded", json!("1987年4月1日"), Ok(json!("1987-04-01"))),
            (Company, "founded", json!("2023-02-30"), Err("invalid_date")),
            (Company, "founded", json!("soon"), Err("invalid_date")),
            (Company, "employees", json!("1,200"), Ok(json!(1200))),
            (Company, "employees", json!(-3), Err("out_of_range")),
            (Company, "employees", json!("many"), Err("invalid_number")),
            (Company, "capital", json!("10,000,000円"), Ok(json!(10_000_000))),
            (Company, "capital", json!(-1), Err("negative_amount")),
            (Company, "fiscal_month", json!(13), Err("out_of_range")),
            (Company, "average_age", json!("41.5"), Ok(json!(41.5))),
            (Company, "status", json!("customer"), Ok(json!("customer"))),
            (Company, "status", json!("friend"), Err("invalid_choice")),
            (Company, "tags", json!("重点, 展示会,重点"), Ok(json!(["重点", "展示会"]))),
            (Company, "tags", json!([1]), Err("invalid_list")),
            (Company, "website", json!("https://example.co.jp"), Ok(json!("https://example.co.jp"))),
            (Company, "website", json!("not a url"), Err("invalid_url")),
            (Company, "website", json!("javascript:window.__pwned=1"), Err("invalid_url")),
            (Company, "website", json!("JavaScript:alert(document.domain)"), Err("invalid_url")),
            (Company, "website", json!("data:text/html,<script>x.y</script>"), Err("invalid_url")),
            (Company, "website", json!("HTTPS://Example.co.jp/a"), Ok(json!("HTTPS://Example.co.jp/a"))),
            (Activity, "occurred_at", json!("2026-11-22 14:05"), Ok(json!("2026-11-22T14:05"))),
            (Activity, "occurred_at", json!("2026-11-22"), Ok(json!("2026-11-22T00:00"))),
            (Activity, "occurred_at", json!("2026-11-22 25:00"), Err("invalid_datetime")),
            (Activity, "credibility", json!(6), Err("out_of_range")),
            (Task, "done", json!("yes"), Ok(json!(true))),
            (Task, "done", json!(null), Ok(json!(false))),
            (Task, "done", json!("maybe"), Err("invalid_bool")),
        ];
        for (kind, field, input, expected) in table {
            check_field(kind, field, input, expected);
        }
    }

    #[test]
    fn sizes_at_the_limits() {
        use Kind::*;
        let too_long = |kind: Kind, field: &str, v: Value| {
            let def = kind.field(field).unwrap();
            clean_field(def, v).map_err(|e| (e.code, e.detail))
        };
        let repeat = |c: &str, n: usize| c.repeat(n);
        // (kind, field, value of exactly max characters, the same value one longer)
        type Case<'a> = (Kind, &'a str, usize, Box<dyn Fn(usize) -> String>);
        let cases: Vec<Case> = vec![
            (Company, "name", 1_000, Box::new(move |n| repeat("株", n))),
            (Company, "notes", 100_000, Box::new(move |n| repeat("議", n))),
            (Company, "name_reading", 200, Box::new(move |n| repeat("ア", n))),
            (Company, "email", 254, Box::new(move |n| format!("{}@example.co.jp", "a".repeat(n - 14)))),
            (Company, "website", 2_048, Box::new(move |n| format!("https://example.co.jp/{}", "a".repeat(n - 22)))),
            (Company, "tags", 100, Box::new(move |n| repeat("重", n))),
        ];
        for (kind, field, max, make) in cases {
            let def = kind.field(field).unwrap();
            assert_eq!(max_chars(def), max, "{field}");
            let at = make(max);
            assert_eq!(at.chars().count(), max);
            assert!(too_long(kind, field, json!(at)).is_ok(), "{field} at its maximum");
            // Surrounding spaces are not counted: cleaning trims them.
            assert!(too_long(kind, field, json!(format!(" {at} "))).is_ok(), "{field} with spaces");
            let over = make(max + 1);
            assert_eq!(
                too_long(kind, field, json!(over)),
                Err(("too_long".to_string(), Some(max.to_string()))),
                "{field} one over"
            );
        }
        // A phone number of 100 characters is no phone number, but it is not too long.
        let phone = "0".repeat(100);
        assert_ne!(too_long(Company, "phone", json!(phone)).unwrap_err().0, "too_long");
        assert_eq!(too_long(Company, "phone", json!(phone + "0")).unwrap_err().0, "too_long");
        // Tags: 100 characters each, at most 200 of them (as a list or comma-separated).
        let tags: Vec<String> = (0..200).map(|i| format!("タグ{i}")).collect();
        assert!(too_long(Company, "tags", json!(tags)).is_ok());
        assert!(too_long(Company, "tags", json!(tags.join(","))).is_ok());
        let mut more = tags.clone();
        more.push("もう一つ".into());
        assert_eq!(too_long(Company, "tags", json!(more)), Err(("too_many_items".into(), Some("200".into()))));
        assert_eq!(
            too_long(Company, "tags", json!(more.join("、"))),
            Err(("too_many_items".into(), Some("200".into())))
        );
        assert_eq!(too_long(Company, "tags", json!(format!("短い,{}", "長".repeat(101)))).unwrap_err().0, "too_long");
        // JSON values: counted serialized.
        let sns = |n: usize| json!([{"service": "x", "account": "a".repeat(n)}]);
        let overhead = sns(0).to_string().chars().count();
        assert!(too_long(Company, "sns", sns(100_000 - overhead)).is_ok());
        assert_eq!(too_long(Company, "sns", sns(100_001 - overhead)).unwrap_err().0, "too_long");
        // Code-like values.
        assert_eq!(
            too_long(Company, "postal_code", json!("1".repeat(101))),
            Err(("too_long".into(), Some("100".into())))
        );
    }

    #[test]
    fn whole_record_reports_every_bad_field() {
        let fields = json!({"name": "", "email": "x", "nonsense": 1}).as_object().unwrap().clone();
        let errors = clean(Kind::Company, &fields).unwrap_err();
        let mut codes: Vec<(String, String)> = errors.into_iter().map(|e| (e.field, e.code)).collect();
        codes.sort();
        assert_eq!(
            codes,
            vec![
                ("email".into(), "invalid_email".into()),
                ("name".into(), "required".into()),
                ("nonsense".into(), "unknown_field".into())
            ]
        );
    }

    #[test]
    fn cross_field_rules() {
        let bad = json!({"company_id": "x", "start_date": "2026-05-01", "expiry_date": "2026-04-01"});
        let e = clean(Kind::Purchase, bad.as_object().unwrap()).unwrap_err();
        assert_eq!((e[0].code.as_str(), e[0].field.as_str()), ("date_order", "expiry_date"));
        let rel = json!({"company_id": "x", "relation": "parent"});
        let e = clean(Kind::CompanyRelation, rel.as_object().unwrap()).unwrap_err();
        assert_eq!(e[0].field, "related_company_id");
        let score = json!({"product_id": "p", "criterion": "価格", "scale": "5", "score": 7});
        let e = clean(Kind::ProductScore, score.as_object().unwrap()).unwrap_err();
        assert_eq!(e[0].field, "score");
        let ok = json!({"product_id": "p", "criterion": "価格", "scale": "10", "score": 7});
        assert!(clean(Kind::ProductScore, ok.as_object().unwrap()).is_ok());
    }
}
