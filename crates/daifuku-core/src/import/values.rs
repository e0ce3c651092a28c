//! What spreadsheets contain, brought to what `validate` accepts: Japanese
//! era dates (令和6年4月1日, R6.4.1), yen with 万/億 (1億2,000万円), enum
//! values by their Japanese labels (見込み客 → prospect), phone numbers and
//! postal codes that lost their leading zero in Excel, full names split
//! into family and given name, addresses split into prefecture, city and
//! street. And the reverse labels for exports.

use unicode_normalization::UnicodeNormalization;

use serde_json::{Map, Value};

use crate::error::FieldError;
use crate::model::{Kind, PREFECTURES};
use crate::normalize;
use crate::phone;
use crate::schema::FieldType;

/// Japanese eras: name, one-letter abbreviation, first (Gregorian) year.
const ERAS: &[(&str, char, i32)] =
    &[("令和", 'r', 2019), ("平成", 'h', 1989), ("昭和", 's', 1926), ("大正", 't', 1912), ("明治", 'm', 1868)];

/// A date written with a Japanese era (令和6年4月1日, 令和元年5月1日,
/// H31.4.30, R6/4/1) as `YYYY-MM-DD`; `None` when it is not one.
pub fn wareki_date(s: &str) -> Option<String> {
    let t = normalize::fold(s).replace(' ', "");
    let (base, rest) = ERAS.iter().find_map(|(name, letter, base)| {
        t.strip_prefix(name).or_else(|| t.strip_prefix(*letter)).map(|rest| (*base, rest))
    })?;
    let rest = rest.replacen('元', "1", 1);
    let digits_end = rest.find(|c: char| !c.is_ascii_digit())?;
    let year: i32 = rest[..digits_end].parse().ok()?;
    if year == 0 {
        return None;
    }
    let tail =
        rest[digits_end..].trim_start_matches(['年', '.', '/', '-']).replace(['月', '.', '/'], "-").replace('日', "");
    let mut parts = tail.split('-').filter(|p| !p.is_empty());
    let month: u32 = parts.next()?.parse().ok()?;
    let day: u32 = parts.next()?.parse().ok()?;
    if parts.next().is_some() {
        return None;
    }
    chrono::NaiveDate::from_ymd_opt(base + year - 1, month, day).map(|d| d.format("%Y-%m-%d").to_string())
}

/// A date cell as `validate` reads it: era dates converted, a time of
/// midnight dropped (`2024/04/01 0:00:00` from Excel).
pub fn date_text(s: &str) -> String {
    if let Some(d) = wareki_date(s) {
        return d;
    }
    let t = s.trim();
    for suffix in [" 0:00:00", " 00:00:00", " 0:00", " 00:00", "T00:00:00"] {
        if let Some(d) = t.strip_suffix(suffix) {
            return d.to_string();
        }
    }
    t.to_string()
}

/// A date-time cell: an era date keeps its time; `2024/4/1 9:30` is left
/// for `validate`.
pub fn datetime_text(s: &str) -> String {
    let t = s.trim();
    if let Some((date, time)) = t.split_once([' ', 'T']) {
        if let Some(d) = wareki_date(date) {
            return format!("{d} {time}");
        }
    }
    match wareki_date(t) {
        Some(d) => d,
        None => t.to_string(),
    }
}

/// Yen with Japanese units: `1億2,000万円` → 120000000, `3千万` →
/// 30000000, `1.5億` → 150000000. `None` when the text has no unit (plain
/// numbers are left to `validate`) or does not parse.
pub fn yen_with_units(s: &str) -> Option<i64> {
    let t: String = normalize::fold(s).chars().filter(|c| !matches!(c, ',' | '円' | '¥' | '\\' | ' ' | '約')).collect();
    if !t.contains(['万', '億', '兆', '千', '百']) {
        return None;
    }
    let mut total = 0f64;
    let mut section = 0f64;
    let mut number = String::new();
    let take = |number: &mut String| -> Option<f64> {
        if number.is_empty() {
            Some(1.0)
        } else {
            let n = number.parse::<f64>().ok();
            number.clear();
            n
        }
    };
    for c in t.chars() {
        match c {
            '0'..='9' | '.' => number.push(c),
            '百' => section += take(&mut number)? * 100.0,
            '千' => section += take(&mut number)? * 1000.0,
            '万' | '億' | '兆' => {
                let unit = match c {
                    '万' => 1e4,
                    '億' => 1e8,
                    _ => 1e12,
                };
                if !number.is_empty() {
                    section += take(&mut number)?;
                }
                total += section.max(if section == 0.0 { 1.0 } else { section }) * unit;
                section = 0.0;
            }
            _ => return None,
        }
    }
    if !number.is_empty() {
        section += take(&mut number)?;
    }
    total += section;
    (total.is_finite() && total >= 0.0).then_some(total.round() as i64)
}

/// The scale a header gives its numbers: `資本金(千円)` → 1000,
/// `売上(百万円)` → 1,000,000, `(万円)` → 10,000.
pub fn header_scale(header: &str) -> i64 {
    let h = normalize::fold(header);
    if h.contains("百万円") {
        1_000_000
    } else if h.contains("千円") {
        1_000
    } else if h.contains("万円") {
        10_000
    } else {
        1
    }
}

/// Japanese (and English) labels of enum values: `(label, value)`. The
/// first label of a value is the one exports write (the UI's labels).
pub const ENUM_LABELS: &[(&str, &str)] = &[
    ("見込み客", "prospect"),
    ("見込み", "prospect"),
    ("見込", "prospect"),
    ("見込客", "prospect"),
    ("顧客", "customer"),
    ("既存顧客", "customer"),
    ("取引中", "customer"),
    ("休眠", "dormant"),
    ("休眠顧客", "dormant"),
    ("失注", "lost"),
    ("取引終了", "lost"),
    ("正常", "ok"),
    ("有効", "ok"),
    ("不達", "bounced"),
    ("宛先不明", "bounced"),
    ("返送", "bounced"),
    ("移転", "moved"),
    ("転居", "moved"),
    ("親会社", "parent"),
    ("子会社", "subsidiary"),
    ("関連会社", "affiliate"),
    ("合併先", "merged_into"),
    ("買収元", "acquired_by"),
    ("移転・承継先", "moved_to"),
    ("決裁者", "decision_maker"),
    ("影響者", "influencer"),
    ("窓口", "gatekeeper"),
    ("利用者", "user"),
    ("女性", "female"),
    ("女", "female"),
    ("男性", "male"),
    ("男", "male"),
    ("その他", "other"),
    ("商談", "meeting"),
    ("打ち合わせ", "meeting"),
    ("打合せ", "meeting"),
    ("会議", "meeting"),
    ("ミーティング", "meeting"),
    ("問い合わせ", "inquiry"),
    ("問合せ", "inquiry"),
    ("引き合い", "inquiry"),
    ("電話", "call"),
    ("電話", "phone"),
    ("架電", "call"),
    ("訪問", "visit"),
    ("来訪", "visit"),
    ("メール", "email"),
    ("e-mail", "email"),
    ("情報報告", "info_report"),
    ("web", "web"),
    ("ウェブ", "web"),
    ("fax", "fax"),
    ("対面", "face_to_face"),
    ("文書", "document"),
    ("資料", "document"),
    ("事実", "fact"),
    ("推測", "speculation"),
    ("リード", "lead"),
    ("見込み確定", "qualified"),
    ("提案", "proposal"),
    ("交渉", "negotiation"),
    ("受注", "won"),
    // Deal stages as sales sheets write them (a label of another field, such
    // as 見込み for a company's status, is only taken where the field has it).
    ("見込み", "lead"),
    ("見込", "lead"),
    ("商談中", "qualified"),
    ("提案中", "proposal"),
    ("見積提出", "proposal"),
    ("交渉中", "negotiation"),
    ("成約", "won"),
    ("受注済み", "won"),
    ("自社", "own"),
    ("競合", "competitor"),
    ("他社", "competitor"),
    ("5段階", "5"),
    ("10段階", "10"),
    ("零細(〜5名)", "micro"),
    ("零細", "micro"),
    ("小規模(〜50名)", "small"),
    ("小規模", "small"),
    ("中規模(〜300名)", "medium"),
    ("中規模", "medium"),
    ("大規模(300名〜)", "large"),
    ("大規模", "large"),
    ("大企業・上場", "enterprise"),
    ("大企業", "enterprise"),
    ("契約中", "active"),
    ("継続", "active"),
    ("更新済", "renewed"),
    ("更新済み", "renewed"),
    ("満了", "expired"),
    ("期限切れ", "expired"),
    ("解約", "cancelled"),
    ("キャンセル", "cancelled"),
];

/// An enum cell as one of `values`: the value itself (any case), or one of
/// its labels. `None` when nothing fits (validation then reports it).
pub fn enum_value(s: &str, values: &[&str]) -> Option<String> {
    let t = normalize::fold(s);
    if let Some(v) = values.iter().find(|v| v.to_ascii_lowercase() == t) {
        return Some(v.to_string());
    }
    // English labels: "Decision maker" → decision_maker.
    let snake = t.replace([' ', '-'], "_");
    if let Some(v) = values.iter().find(|v| **v == snake) {
        return Some(v.to_string());
    }
    ENUM_LABELS
        .iter()
        .find(|(label, value)| values.contains(value) && normalize::fold(label) == t)
        .map(|(_, v)| v.to_string())
}

/// The label an export writes for an enum value (Japanese).
pub fn enum_label(value: &str) -> &str {
    ENUM_LABELS.iter().find(|(_, v)| *v == value).map(|(label, _)| *label).unwrap_or(value)
}

/// A cell our CSV export made inert (`export::neutralise`): `'` followed
/// by one of `=`, `+`, `-`, `@`, tab or CR. Such a cell comes back without
/// the `'`, so export → import gives the text as it was; every other cell,
/// a `'` anywhere else included, is kept as typed. A cell a user typed as
/// `'=…` loses its `'`: spreadsheets treat a leading `'` as "this is
/// text", not as part of the text, so the user meant `=…` too.
pub fn unneutralise(cell: &str) -> &str {
    match cell.strip_prefix('\'') {
        Some(rest) if rest.starts_with(crate::export::FORMULA_STARTS) => rest,
        _ => cell,
    }
}

/// A phone number that Excel turned into a number loses its leading 0
/// (`312345678`): puts it back. `None` when nothing was missing.
pub fn restore_phone_zero(s: &str) -> Option<String> {
    let t = s.trim();
    (t.len() >= 9 && t.len() <= 10 && t.bytes().all(|b| b.is_ascii_digit()) && !t.starts_with('0'))
        .then(|| format!("0{t}"))
}

/// A postal code that lost its leading 0 (`600001` for 060-0001).
pub fn restore_postal_zero(s: &str) -> Option<String> {
    let t = s.trim();
    (t.len() == 6 && t.bytes().all(|b| b.is_ascii_digit())).then(|| format!("0{t}"))
}

/// A full name split at the first space (ASCII or full-width): `山田 太郎`
/// → (山田, 太郎); without a space everything is the family name.
pub fn split_name(s: &str) -> (String, Option<String>) {
    let t = s.trim().replace('\u{3000}', " ");
    match t.split_once(' ') {
        Some((family, given)) if !given.trim().is_empty() => {
            (family.trim().to_string(), Some(given.trim().to_string()))
        }
        _ => (t.trim().to_string(), None),
    }
}

/// An address split into prefecture, city (市区町村) and the rest:
/// `東京都千代田区丸の内1-2-3 丸の内ビル5F` → (東京都, 千代田区, 丸の内1-2-3 丸の内ビル5F).
/// Parts that cannot be found are `None` / left in the rest.
pub fn split_address(s: &str) -> (Option<String>, Option<String>, String) {
    let t: String = s.trim().nfkc().collect::<String>().trim().to_string();
    let t = t.trim_start_matches('〒');
    // A leading postal code is not part of the address.
    let t = match t.char_indices().find(|(_, c)| !c.is_ascii_digit() && *c != '-') {
        Some((i, _)) if i >= 7 => t[i..].trim_start(),
        _ => t,
    };
    let (prefecture, rest) = match PREFECTURES.iter().find(|p| t.starts_with(**p)) {
        Some(p) => (Some(p.to_string()), t[p.len()..].trim_start()),
        None => (None, t),
    };
    let (city, rest) = split_city(rest);
    (prefecture, city, rest.trim().to_string())
}

/// 市区町村 at the start of an address: a designated city with its ward
/// (横浜市西区), a ward of Tokyo (千代田区), a city (市川市, 四日市市, 大町市),
/// or a district's town or village (西多摩郡瑞穂町).
fn split_city(s: &str) -> (Option<String>, &str) {
    let cs: Vec<char> = s.chars().collect();
    // The first of `units` at char index >= from, looking at most `span` chars.
    let find = |from: usize, units: &[char], span: usize| -> Option<usize> {
        (from..cs.len().min(from + span)).find(|&i| units.contains(&cs[i]))
    };
    let cut = |chars: usize| -> (Option<String>, &str) {
        let byte: usize = cs[..chars].iter().map(|c| c.len_utf8()).sum();
        (Some(s[..byte].to_string()), &s[byte..])
    };
    let Some(first) = find(1, &['市', '区', '町', '村', '郡'], 8) else {
        return (None, s);
    };
    let mut end = first + 1;
    match cs[first] {
        '郡' => match find(end + 1, &['町', '村'], 6) {
            Some(town) => end = town + 1,
            None => return (None, s),
        },
        '市' => {
            if cs.get(end) == Some(&'市') {
                end += 1; // 四日市市
            }
            if let Some(ward) = find(end + 1, &['区'], 4) {
                end = ward + 1; // 横浜市西区
            }
        }
        '町' | '村' if cs.get(end) == Some(&'市') => end += 1, // 大町市
        _ => {}
    }
    cut(end)
}

/// The phone cells of one row (see [`crate::phone`]). Each phone field
/// keeps its first number in the stored form (`03-1234-5678 (代表)`), with a
/// `phone_annotation` warning naming what was recognised (代表番号, 内線 123,
/// 直通, ～9). A second number is never dropped: it goes to an empty mobile
/// field when it is a mobile number (contacts), to an empty fax field when it
/// was marked FAX (companies), else to the memo as 「電話番号(2): 03-…」; each
/// with a `phone_second_number` warning (detail: the number → where it went).
/// A cell that cannot be read is left as it is for validation to refuse.
pub fn route_phone_numbers(kind: Kind, raw: &mut Map<String, Value>, warnings: &mut Vec<FieldError>) {
    let memo = ["notes", "memos"].into_iter().find_map(|f| kind.field(f));
    for def in kind.meta().fields.iter().filter(|d| matches!(d.ty, FieldType::Phone)) {
        let Some(cell) = raw.get(def.name).and_then(Value::as_str) else { continue };
        let Ok(entries) = phone::recognise(cell) else { continue };
        let mut entries = entries.into_iter();
        let Some(first) = entries.next() else { continue };
        let extras: Vec<phone::Entry> = entries.collect();
        if !extras.is_empty() && memo.is_none() {
            continue; // validation refuses the cell (phone_multiple)
        }
        match phone::parse_number(&first.number) {
            Ok(number) => {
                if !first.notes.is_empty() {
                    let detail: Vec<String> = first.notes.iter().map(phone::Note::detail).collect();
                    warnings.push(
                        FieldError::new(
                            "phone_annotation",
                            def.name,
                            format!("{}: {cell} read as {}", def.label_en, phone::stored(&number, &first.notes)),
                        )
                        .with_detail(detail.join("・")),
                    );
                }
                raw.insert(def.name.into(), Value::String(phone::stored(&number, &first.notes)));
            }
            // Validation names the number that cannot exist.
            Err(_) if !extras.is_empty() => {
                raw.insert(def.name.into(), Value::String(first.number.clone()));
            }
            Err(_) => {}
        }
        for (i, extra) in extras.into_iter().enumerate() {
            let parsed = phone::parse_number(&extra.number);
            let text = match &parsed {
                Ok(number) => phone::stored(number, &extra.notes),
                Err(_) => {
                    let notes: Vec<String> = extra.notes.iter().map(phone::Note::stored).collect();
                    [extra.number.clone()].into_iter().chain(notes).collect::<Vec<_>>().join(" ")
                }
            };
            let empty = |raw: &Map<String, Value>, f: &str| {
                kind.field(f).is_some() && f != def.name && raw.get(f).and_then(Value::as_str).is_none_or(str::is_empty)
            };
            let is_mobile = parsed.as_ref().is_ok_and(|n| n.mobile) || extra.labels.contains(&phone::Label::Mobile);
            let is_fax = extra.labels.contains(&phone::Label::Fax);
            let target = if parsed.is_ok() && kind == Kind::Contact && is_mobile && empty(raw, "mobile") {
                kind.field("mobile")
            } else if parsed.is_ok() && kind == Kind::Company && is_fax && empty(raw, "fax") {
                kind.field("fax")
            } else {
                None
            };
            let (to, label) = match (target, memo) {
                (Some(t), _) => {
                    raw.insert(t.name.into(), Value::String(text.clone()));
                    (t.name, t.label_ja)
                }
                (None, Some(m)) => {
                    let line = format!("{}({}): {text}", def.label_ja, i + 2);
                    let joined = match raw.get(m.name).and_then(Value::as_str).filter(|s| !s.trim().is_empty()) {
                        Some(before) => format!("{before}\n{line}"),
                        None => line,
                    };
                    raw.insert(m.name.into(), Value::String(joined));
                    (m.name, m.label_ja)
                }
                (None, None) => unreachable!("checked above"),
            };
            warnings.push(
                FieldError::new(
                    "phone_second_number",
                    def.name,
                    format!("{}: the number {text} was moved to {to}", def.label_en),
                )
                .with_detail(format!("{text} → {label}")),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn era_dates() {
        let cases = [
            ("令和6年4月1日", Some("2024-04-01")),
            ("令和元年5月1日", Some("2019-05-01")),
            ("平成31年4月30日", Some("2019-04-30")),
            ("H31.4.30", Some("2019-04-30")),
            ("R6/4/1", Some("2024-04-01")),
            ("昭和64年1月7日", Some("1989-01-07")),
            ("Ｒ６．４．１", Some("2024-04-01")),
            ("2024-04-01", None),
            ("令和6年2月30日", None),
            ("令和", None),
        ];
        for (input, want) in cases {
            assert_eq!(wareki_date(input).as_deref(), want, "{input}");
        }
        assert_eq!(date_text("2024/04/01 0:00:00"), "2024/04/01");
    }

    #[test]
    fn yen() {
        let cases = [
            ("1億2,000万円", Some(120_000_000)),
            ("3千万", Some(30_000_000)),
            ("1.5億", Some(150_000_000)),
            ("5000万円", Some(50_000_000)),
            ("１０万円", Some(100_000)),
            ("1,000,000", None),
            ("abc万", None),
        ];
        for (input, want) in cases {
            assert_eq!(yen_with_units(input), want, "{input}");
        }
        assert_eq!(header_scale("資本金（千円）"), 1000);
        assert_eq!(header_scale("売上高(百万円)"), 1_000_000);
        assert_eq!(header_scale("資本金"), 1);
    }

    #[test]
    fn enums() {
        let status = crate::model::COMPANY_STATUS;
        assert_eq!(enum_value("見込み客", status).as_deref(), Some("prospect"));
        assert_eq!(enum_value("Customer", status).as_deref(), Some("customer"));
        assert_eq!(enum_value("？", status), None);
        let kinds = crate::model::ACTIVITY_KINDS;
        assert_eq!(enum_value("電話", kinds).as_deref(), Some("call"));
        assert_eq!(enum_value("電話", crate::model::CHANNELS).as_deref(), Some("phone"));
        assert_eq!(enum_value("Info report", kinds).as_deref(), Some("info_report"));
        assert_eq!(enum_label("prospect"), "見込み客");
        // The same word is a company status and a deal stage.
        let stages = crate::model::DEAL_STAGES;
        assert_eq!(enum_value("見込み", status).as_deref(), Some("prospect"));
        assert_eq!(enum_value("見込み", stages).as_deref(), Some("lead"));
        assert_eq!(enum_value("商談中", stages).as_deref(), Some("qualified"));
        assert_eq!(enum_value("提案中", stages).as_deref(), Some("proposal"));
        assert_eq!(enum_value("交渉中", stages).as_deref(), Some("negotiation"));
        assert_eq!(enum_value("成約", stages).as_deref(), Some("won"));
        assert_eq!(enum_label("lead"), "リード");
    }

    #[test]
    fn addresses() {
        let cases = [
            ("東京都千代田区丸の内1-2-3 丸の内ビル5F", (Some("東京都"), Some("千代田区"), "丸の内1-2-3 丸の内ビル5F")),
            ("神奈川県横浜市西区みなとみらい2-2-1", (Some("神奈川県"), Some("横浜市西区"), "みなとみらい2-2-1")),
            ("大阪府大阪市北区梅田1-1", (Some("大阪府"), Some("大阪市北区"), "梅田1-1")),
            ("千葉県市川市八幡1-1", (Some("千葉県"), Some("市川市"), "八幡1-1")),
            ("東京都町田市原町田6-1", (Some("東京都"), Some("町田市"), "原町田6-1")),
            ("東京都西多摩郡瑞穂町箱根ケ崎2335", (Some("東京都"), Some("西多摩郡瑞穂町"), "箱根ケ崎2335")),
            ("〒100-0005 東京都千代田区丸の内1-1", (Some("東京都"), Some("千代田区"), "丸の内1-1")),
            ("北海道札幌市中央区北1条西2丁目", (Some("北海道"), Some("札幌市中央区"), "北1条西2丁目")),
            ("三重県四日市市諏訪町1-5", (Some("三重県"), Some("四日市市"), "諏訪町1-5")),
            ("東京都新宿区市谷八幡町1", (Some("東京都"), Some("新宿区"), "市谷八幡町1")),
            ("長野県大町市大町1", (Some("長野県"), Some("大町市"), "大町1")),
            ("丸の内1-1", (None, None, "丸の内1-1")),
            (
                "京都府京都市中京区寺町通御池上る上本能寺前町488",
                (Some("京都府"), Some("京都市中京区"), "寺町通御池上る上本能寺前町488"),
            ),
        ];
        for (input, (p, c, rest)) in cases {
            let got = split_address(input);
            assert_eq!((got.0.as_deref(), got.1.as_deref(), got.2.as_str()), (p, c, rest), "{input}");
        }
    }

    #[test]
    fn names_and_zeros() {
        assert_eq!(split_name("山田　太郎"), ("山田".into(), Some("太郎".into())));
        assert_eq!(split_name("山田太郎"), ("山田太郎".into(), None));
        assert_eq!(restore_phone_zero("312345678").as_deref(), Some("0312345678"));
        assert_eq!(restore_phone_zero("9012345678").as_deref(), Some("09012345678"));
        assert_eq!(restore_phone_zero("03-1234-5678"), None);
        assert_eq!(restore_postal_zero("600001").as_deref(), Some("0600001"));
    }
}
