//! From OCR lines to a contact's fields, each with a confidence and where
//! it was read. Values end in the core's stored form (`validate::clean_field`
//! of the contact's or company's field: phones as `phone::clean` formats
//! them, postal codes `100-0005`, readings in katakana), so what the review
//! screen shows is what is saved.
//!
//! Hand-written rules, because no library parses Japanese business cards:
//! labels (TEL/FAX/携帯/E-mail), company designators (株式会社 before or
//! after the name, (株), 法人 forms), prefectures, title words, the largest
//! line for the name.

use daifuku::model::{Kind, PREFECTURES};
use daifuku::validate;
use serde::{Deserialize, Serialize};
use serde_json::Value;
use ts_rs::TS;
use unicode_normalization::UnicodeNormalization;

use crate::ocr::{BoxPx, Line};

/// The fields read from a card.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum CardFieldName {
    Company,
    Department,
    Title,
    FamilyName,
    GivenName,
    FamilyReading,
    GivenReading,
    PostalCode,
    Address,
    Phone,
    Mobile,
    Fax,
    Email,
    Url,
}

impl CardFieldName {
    pub const ALL: [CardFieldName; 14] = [
        CardFieldName::Company,
        CardFieldName::Department,
        CardFieldName::Title,
        CardFieldName::FamilyName,
        CardFieldName::GivenName,
        CardFieldName::FamilyReading,
        CardFieldName::GivenReading,
        CardFieldName::PostalCode,
        CardFieldName::Address,
        CardFieldName::Phone,
        CardFieldName::Mobile,
        CardFieldName::Fax,
        CardFieldName::Email,
        CardFieldName::Url,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            CardFieldName::Company => "company",
            CardFieldName::Department => "department",
            CardFieldName::Title => "title",
            CardFieldName::FamilyName => "family_name",
            CardFieldName::GivenName => "given_name",
            CardFieldName::FamilyReading => "family_reading",
            CardFieldName::GivenReading => "given_reading",
            CardFieldName::PostalCode => "postal_code",
            CardFieldName::Address => "address",
            CardFieldName::Phone => "phone",
            CardFieldName::Mobile => "mobile",
            CardFieldName::Fax => "fax",
            CardFieldName::Email => "email",
            CardFieldName::Url => "url",
        }
    }

    pub fn parse(s: &str) -> Option<CardFieldName> {
        CardFieldName::ALL.into_iter().find(|f| f.as_str() == s)
    }

    /// The record field whose rules clean this value.
    fn def(self) -> &'static daifuku::schema::FieldDef {
        let (kind, name) = match self {
            CardFieldName::Company => (Kind::Company, "name"),
            CardFieldName::Fax => (Kind::Company, "fax"),
            CardFieldName::Url => (Kind::Company, "website"),
            other => (Kind::Contact, other.as_str()),
        };
        kind.field(name).expect("card fields map to record fields")
    }
}

/// One field read from the card.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct CardField {
    pub name: CardFieldName,
    /// In the stored form.
    pub value: String,
    /// 0–100: Tesseract's confidence in the characters used (lowered when
    /// the value does not pass the field's check).
    pub confidence: f64,
    /// Where it was read, in the pixels of the flattened card image.
    pub boxes: Vec<BoxPx>,
    /// The field's check failed (`invalid_phone`, `invalid_email`…): the
    /// value is kept as read for the user to correct.
    pub problem: Option<String>,
}

/// Below this a field is shown for checking.
pub const LOW_CONFIDENCE: f64 = 75.0;

/// NFKC (full-width ASCII and digits to half-width, ㈱ to (株), half-width
/// kana to full-width), dash variants to `-` (and `ー` after a digit), runs
/// of spaces to one. Spaces between Japanese characters stay: the OCR line
/// has one only where the gap was wide (`山田 太郎`).
pub fn tidy(s: &str) -> String {
    let n: String = s.nfkc().collect();
    let mut out = String::with_capacity(n.len());
    let mut prev = ' ';
    for c in n.chars() {
        let c = match c {
            '‐' | '‑' | '‒' | '–' | '—' | '―' | '−' | '－' | '﹣' => '-',
            'ー' if prev.is_ascii_digit() => '-',
            c if c.is_whitespace() => ' ',
            c => c,
        };
        // Runs of spaces, and spaces just inside brackets (`( 代)`), go.
        if c == ' ' && (prev == ' ' || prev == '(') {
            continue;
        }
        if c == ')' && prev == ' ' {
            out.pop();
        }
        out.push(c);
        prev = c;
    }
    out.trim().to_string()
}

/// Spaces between two Japanese characters removed (`株式会社 北斗 技研`).
pub fn compact_cjk(s: &str) -> String {
    let chars: Vec<char> = s.chars().collect();
    let mut out = String::with_capacity(s.len());
    for (i, &c) in chars.iter().enumerate() {
        if c == ' ' {
            let before = if i > 0 { chars[i - 1] } else { ' ' };
            let after = chars.get(i + 1).copied().unwrap_or(' ');
            if !before.is_ascii() && !after.is_ascii() {
                continue;
            }
        }
        out.push(c);
    }
    out
}

fn is_kanji(c: char) -> bool {
    matches!(c, '\u{4E00}'..='\u{9FFF}' | '\u{3400}'..='\u{4DBF}' | '々' | '〆' | 'ヶ' | '\u{F900}'..='\u{FAFF}')
}

fn is_kana(c: char) -> bool {
    matches!(c, '\u{3041}'..='\u{309F}' | '\u{30A0}'..='\u{30FF}')
}

const DESIGNATORS: &[&str] = &[
    "株式会社",
    "有限会社",
    "合同会社",
    "合資会社",
    "合名会社",
    "(株)",
    "(有)",
    "(同)",
    "一般社団法人",
    "一般財団法人",
    "公益社団法人",
    "公益財団法人",
    "社会福祉法人",
    "医療法人",
    "学校法人",
    "独立行政法人",
    "税理士法人",
    "弁護士法人",
    "監査法人",
    "特定非営利活動法人",
    "NPO法人",
];

/// Title words, longest first within each family.
const TITLES: &[&str] = &[
    "代表取締役社長",
    "代表取締役会長",
    "代表取締役副社長",
    "代表取締役",
    "取締役副社長",
    "取締役社長",
    "専務取締役",
    "常務取締役",
    "取締役",
    "常務執行役員",
    "執行役員",
    "副社長",
    "社長",
    "会長",
    "専務",
    "常務",
    "監査役",
    "事業部長",
    "本部長",
    "副本部長",
    "部長代理",
    "副部長",
    "担当部長",
    "部長",
    "次長",
    "課長代理",
    "課長補佐",
    "担当課長",
    "課長",
    "係長",
    "主任",
    "主査",
    "主事",
    "支店長",
    "副支店長",
    "営業所長",
    "所長",
    "室長",
    "工場長",
    "センター長",
    "店長",
    "シニアマネージャー",
    "ゼネラルマネージャー",
    "マネージャー",
    "マネジャー",
    "グループリーダー",
    "チームリーダー",
    "リーダー",
    "チーフ",
    "顧問",
    "参与",
    "理事長",
    "理事",
    "院長",
    "営業担当",
];

const DEPARTMENT_WORDS: &[&str] = &[
    "本部",
    "事業部",
    "部",
    "課",
    "室",
    "局",
    "グループ",
    "センター",
    "支店",
    "支社",
    "営業所",
    "チーム",
    "部門",
    "工場",
    "研究所",
    "オフィス",
    "ユニット",
    "係",
];

/// Common family names of two characters or more (for a name printed
/// without a space); the rest splits by length.
const FAMILY_NAMES: &[&str] = &[
    "佐藤",
    "鈴木",
    "高橋",
    "田中",
    "伊藤",
    "渡辺",
    "山本",
    "中村",
    "小林",
    "加藤",
    "吉田",
    "山田",
    "佐々木",
    "山口",
    "松本",
    "井上",
    "木村",
    "林",
    "斎藤",
    "清水",
    "山崎",
    "森",
    "池田",
    "橋本",
    "阿部",
    "石川",
    "山下",
    "中島",
    "石井",
    "小川",
    "前田",
    "岡田",
    "長谷川",
    "藤田",
    "後藤",
    "近藤",
    "村上",
    "遠藤",
    "青木",
    "坂本",
    "斉藤",
    "福田",
    "太田",
    "西村",
    "藤井",
    "金子",
    "岡本",
    "藤原",
    "中野",
    "三浦",
    "原田",
    "中川",
    "松田",
    "竹内",
    "小野",
    "田村",
    "中山",
    "和田",
    "石田",
    "森田",
    "上田",
    "原",
    "内田",
    "柴田",
    "酒井",
    "宮崎",
    "横山",
    "高木",
    "安藤",
    "宮本",
    "大野",
    "小島",
    "谷口",
    "今井",
    "工藤",
    "高田",
    "増田",
    "丸山",
    "杉山",
    "村田",
    "大塚",
    "新井",
    "小山",
    "平野",
    "藤本",
    "河野",
    "上野",
    "野口",
    "武田",
    "松井",
    "千葉",
    "岩崎",
    "菅原",
    "木下",
    "久保",
    "佐野",
    "野村",
    "松尾",
    "菊地",
    "市川",
];

/// Second-level labels of Japanese domains (`.co.jp`).
const JP_SLDS: &[&str] = &["co", "ne", "or", "ac", "go", "ed", "gr", "lg"];

/// A domain as OCR tends to break it repaired: `towa.cojjp` / `towa.coJjp`
/// / `towa.co,jp` → `towa.co.jp` (the dot before `jp` read as a letter).
fn fix_domain(d: &str) -> String {
    let d = d.to_lowercase();
    for sld in JP_SLDS {
        let dotted = format!(".{sld}.jp");
        if d.ends_with(&dotted) {
            return d;
        }
        let head = format!(".{sld}");
        if let Some(pos) = d.rfind(&head) {
            let tail = &d[pos + head.len()..];
            // `jp` misread: `jjp`, `jjjp`, `jdp`, `jd`, `,jp` (a `.com` stays).
            let n = tail.chars().count();
            if (2..=4).contains(&n)
                && (tail.starts_with('j') || tail.ends_with("jp") || tail.ends_with('p') && tail.contains('j'))
            {
                return format!("{}{dotted}", &d[..pos]);
            }
        }
    }
    d
}

fn has_jp_sld(d: &str) -> bool {
    JP_SLDS.iter().any(|s| d.ends_with(&format!(".{s}.jp")))
}

fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut cur = vec![i + 1];
        for (j, cb) in b.iter().enumerate() {
            cur.push((prev[j] + (ca != *cb) as usize).min(prev[j + 1] + 1).min(cur[j] + 1));
        }
        prev = cur;
    }
    prev[b.len()]
}

/// `https:/www…` → `https://www…`, host lower-cased.
fn fix_url(u: &str) -> String {
    let lower = u.to_lowercase();
    let (scheme, rest) = if let Some(r) = lower.strip_prefix("https") {
        ("https://", r)
    } else if let Some(r) = lower.strip_prefix("http") {
        ("http://", r)
    } else {
        ("", lower.as_str())
    };
    let rest = rest.trim_start_matches([':', '/', ';', '.']);
    let (host, path) = match rest.find('/') {
        Some(p) => (&rest[..p], &u[u.len() - (rest.len() - p)..]),
        None => (rest, ""),
    };
    format!("{scheme}{}{path}", fix_domain(host))
}

/// E-mail and web site share the domain: where OCR broke one of them
/// (`aobarco.jp` beside `www.aoba.co.jp`), the one with a proper `.co.jp`
/// ending wins.
fn reconcile_domains(out: &mut Out) {
    let email = out.fields.iter().position(|f| f.name == CardFieldName::Email && f.problem.is_none());
    let url = out.fields.iter().position(|f| f.name == CardFieldName::Url && f.problem.is_none());
    let (Some(e), Some(u)) = (email, url) else { return };
    let Some((local, edomain)) = out.fields[e].value.split_once('@').map(|(a, b)| (a.to_string(), b.to_string()))
    else {
        return;
    };
    let uhost_full = out.fields[u]
        .value
        .split("://")
        .nth(1)
        .unwrap_or(&out.fields[u].value)
        .split('/')
        .next()
        .unwrap_or("")
        .to_string();
    let uhost = uhost_full.strip_prefix("www.").unwrap_or(&uhost_full).to_string();
    if edomain == uhost || edit_distance(&edomain, &uhost) > 2 {
        return;
    }
    if has_jp_sld(&uhost) && !has_jp_sld(&edomain) {
        out.fields[e].value = format!("{local}@{uhost}");
    } else if has_jp_sld(&edomain) && !has_jp_sld(&uhost) {
        let v = out.fields[u].value.replacen(&uhost, &edomain, 1);
        out.fields[u].value = v;
    }
}

/// In vertical writing a dash drawn as a vertical bar is read as `1`:
/// `092177813605` is `092-778-3605`. Tries dropping one or two `1`s and
/// keeps a valid number whose groups start where the `1`s were.
fn vertical_phone(digits: &str) -> Option<String> {
    let d: Vec<char> = digits.chars().filter(|c| c.is_ascii_digit()).collect();
    let ones: Vec<usize> = (2..d.len().saturating_sub(3)).filter(|&i| d[i] == '1').collect();
    for a in 0..ones.len() {
        for b in a + 1..ones.len() {
            let (i, j) = (ones[a], ones[b]);
            if j == i + 1 {
                continue;
            }
            let candidate = format!(
                "{}-{}-{}",
                d[..i].iter().collect::<String>(),
                d[i + 1..j].iter().collect::<String>(),
                d[j + 1..].iter().collect::<String>()
            );
            if let Ok(n) = daifuku::phone::parse_number(&candidate) {
                if n.formatted == candidate {
                    return Some(candidate);
                }
            }
        }
    }
    None
}

/// A reading never starts with a small kana: `ョシダ` is `ヨシダ`.
fn large_first_kana(s: &str) -> String {
    const SMALL: &[(char, char)] = &[
        ('ァ', 'ア'),
        ('ィ', 'イ'),
        ('ゥ', 'ウ'),
        ('ェ', 'エ'),
        ('ォ', 'オ'),
        ('ッ', 'ツ'),
        ('ャ', 'ヤ'),
        ('ュ', 'ユ'),
        ('ョ', 'ヨ'),
        ('ぁ', 'あ'),
        ('ぃ', 'い'),
        ('ぅ', 'う'),
        ('ぇ', 'え'),
        ('ぉ', 'お'),
        ('っ', 'つ'),
        ('ゃ', 'や'),
        ('ゅ', 'ゆ'),
        ('ょ', 'よ'),
    ];
    let mut chars = s.chars();
    match chars.next() {
        Some(c) => SMALL.iter().find(|(a, _)| *a == c).map_or(c, |(_, b)| *b).to_string() + chars.as_str(),
        None => String::new(),
    }
}

/// Katakana and kanji that look alike and that the engine swaps: ニ/二,
/// ロ/口, エ/工, カ/力, タ/夕, ト/卜, ハ/八, ー/一.
const LOOKALIKES: &[(char, char)] =
    &[('ニ', '二'), ('ロ', '口'), ('エ', '工'), ('カ', '力'), ('タ', '夕'), ('ト', '卜'), ('ハ', '八'), ('ー', '一')];

fn is_katakana(c: char) -> bool {
    matches!(c, '\u{30A1}'..='\u{30FA}' | 'ー')
}

/// A name in kanji with a lone katakana look-alike beside a kanji
/// (`浩ニ`, `ハ重子`) gets the kanji back (`浩二`, `八重子`); a katakana
/// run (`山田 ハナ`) stays.
pub fn name_kanji_lookalikes(s: &str) -> String {
    let chars: Vec<char> = s.chars().collect();
    let mut out = String::with_capacity(s.len());
    for (i, &c) in chars.iter().enumerate() {
        let prev = if i > 0 { chars.get(i - 1).copied() } else { None };
        let next = chars.get(i + 1).copied();
        let lone = !prev.is_some_and(is_katakana) && !next.is_some_and(is_katakana);
        let by_kanji = prev.is_some_and(is_kanji) || next.is_some_and(is_kanji);
        match LOOKALIKES.iter().find(|(k, _)| *k == c) {
            Some((_, kanji)) if lone && by_kanji => out.push(*kanji),
            _ => out.push(c),
        }
    }
    out
}

/// A reading (a line of katakana) with kanji look-alikes in it (`ユニ`
/// read `ユ二`, `ロ` read `口`): the katakana, when every other character is
/// katakana and there are at least two of them. `None`: not a reading.
pub fn reading_kana_lookalikes(s: &str) -> Option<String> {
    let body: Vec<char> = s.chars().filter(|c| !matches!(c, ' ' | '・')).collect();
    let kana = body.iter().filter(|c| is_katakana(**c)).count();
    let alike = body.iter().filter(|c| LOOKALIKES.iter().any(|(_, k)| k == *c)).count();
    if alike == 0 || kana < 2 || kana + alike != body.len() {
        return None;
    }
    Some(s.chars().map(|c| LOOKALIKES.iter().find(|(_, k)| *k == c).map_or(c, |(kana, _)| *kana)).collect())
}

/// A line as the rules see it.
struct L<'a> {
    line: &'a Line,
    text: String,
    used: bool,
}

/// The line's height across its writing direction (its font size).
fn size(b: BoxPx, vertical: bool) -> u32 {
    if vertical {
        b.w
    } else {
        b.h
    }
}

struct Out {
    fields: Vec<CardField>,
}

impl Out {
    fn has(&self, name: CardFieldName) -> bool {
        self.fields.iter().any(|f| f.name == name)
    }

    /// Adds a field in its stored form (or as read, with the problem).
    fn put(&mut self, name: CardFieldName, raw: &str, conf: f32, bbox: BoxPx) {
        let raw = raw.trim();
        if raw.is_empty() || self.has(name) {
            return;
        }
        let (value, problem, conf) = match validate::clean_field(name.def(), Value::String(raw.to_string())) {
            Ok(Value::String(v)) => (v, None, conf),
            Ok(_) => return,
            Err(e) => (raw.to_string(), Some(e.code), conf.min(40.0)),
        };
        self.fields.push(CardField {
            name,
            value,
            confidence: (conf as f64 * 10.0).round() / 10.0,
            boxes: vec![bbox],
            problem,
        });
    }
}

/// A number found in a line, with the label before it.
struct PhoneHit {
    label: Option<CardFieldName>,
    number: String,
}

fn label_of(before: &str) -> Option<CardFieldName> {
    let b = before.to_lowercase();
    let b = b.trim().trim_end_matches([':', '.', ' ', '/', '|']).trim();
    let tail: String = b.chars().rev().take(8).collect::<Vec<_>>().into_iter().rev().collect();
    if tail.contains("fax") || tail.contains("ファクス") || tail.contains("ファックス") || tail.ends_with('f')
    {
        Some(CardFieldName::Fax)
    } else if tail.contains("携帯")
        || tail.contains("mobile")
        || tail.contains("cell")
        || tail.ends_with('m')
        || tail.contains("ケータイ")
    {
        Some(CardFieldName::Mobile)
    } else if tail.contains("tel") || tail.contains("電話") || tail.ends_with('t') || tail.contains("直通") {
        Some(CardFieldName::Phone)
    } else {
        None
    }
}

/// Phone-like runs (digits, dashes, brackets; at least 10 digits) and the labels before them.
fn phone_hits(text: &str) -> Vec<PhoneHit> {
    let chars: Vec<char> = text.chars().collect();
    let mut hits = Vec::new();
    let mut i = 0;
    let mut last_end = 0;
    while i < chars.len() {
        let starts = chars[i].is_ascii_digit()
            || (chars[i] == '(' && chars.get(i + 1).is_some_and(char::is_ascii_digit))
            || chars[i] == '+';
        if !starts {
            i += 1;
            continue;
        }
        let mut j = i;
        let mut digits = 0;
        while j < chars.len() && (chars[j].is_ascii_digit() || matches!(chars[j], '-' | '(' | ')' | ' ' | '+' | '.')) {
            if chars[j].is_ascii_digit() {
                digits += 1;
            }
            // A space ends the number unless digits follow within the run (`03 1234 5678`).
            if chars[j] == ' ' && !chars.get(j + 1).is_some_and(|c| c.is_ascii_digit() || *c == '(') {
                break;
            }
            j += 1;
        }
        if (10..=13).contains(&digits) {
            let number: String = chars[i..j].iter().collect::<String>().trim_end_matches(['-', '(', ' ']).to_string();
            let end = i + number.chars().count();
            let before: String = chars[last_end..i].iter().collect();
            // An annotation right after the number: (代), (代表).
            let after: String = chars[end..].iter().take(8).collect::<String>().trim_start().to_string();
            let note =
                ["(代表)", "(代)"].iter().find(|a| after.starts_with(*a)).map(|a| a.to_string()).unwrap_or_default();
            hits.push(PhoneHit { label: label_of(&before), number: format!("{}{note}", number.trim()) });
            last_end = (end + note.chars().count()).max(j).min(chars.len());
            if !note.is_empty() {
                last_end = chars
                    .len()
                    .min(end + (chars[end..].iter().take_while(|c| **c == ' ').count()) + note.chars().count());
            }
            i = last_end.max(i + 1);
        } else {
            i = j.max(i + 1);
        }
    }
    hits
}

/// A postal code `NNN-NNNN` not inside a longer number; its byte range.
fn postal_in(text: &str) -> Option<(usize, usize)> {
    let b = text.as_bytes();
    for i in 0..b.len() {
        if i + 8 > b.len() {
            break;
        }
        let ok = b[i..i + 3].iter().all(u8::is_ascii_digit)
            && b[i + 3] == b'-'
            && b[i + 4..i + 8].iter().all(u8::is_ascii_digit)
            && (i == 0 || !(b[i - 1].is_ascii_digit() || b[i - 1] == b'-'))
            && (i + 8 == b.len() || !(b[i + 8].is_ascii_digit() || b[i + 8] == b'-'));
        if ok {
            return Some((i, i + 8));
        }
    }
    None
}

fn looks_like_address(s: &str) -> bool {
    if PREFECTURES.iter().any(|p| s.contains(p)) {
        return true;
    }
    let chars: Vec<char> = s.chars().collect();
    chars.iter().any(|c| matches!(c, '市' | '区' | '町' | '村' | '郡')) && chars.iter().any(char::is_ascii_digit)
}

fn looks_like_building(s: &str) -> bool {
    !s.contains('@')
        && !s.to_lowercase().contains("tel")
        && ["ビル", "階", "号館", "タワー", "ハイツ", "マンション", "プラザ", "センター", "F", "棟"]
            .iter()
            .any(|w| s.contains(w))
        && s.chars().count() <= 30
}

/// Strips a title word at the end of `s`: (rest, title).
fn split_title(s: &str) -> (String, Option<String>) {
    // The line as read (keeping a space between department parts) and with
    // the spaces OCR put inside words removed; the longest title wins
    // (`代表取締 役社長` is 代表取締役社長, not 社長 after `代表取締 役`).
    let mut best: Option<(String, &str)> = None;
    for t in [s.trim().to_string(), compact_cjk(s.trim())] {
        if let Some(title) = TITLES.iter().find(|title| t.ends_with(*title)) {
            if best.as_ref().is_none_or(|(_, b)| title.chars().count() > b.chars().count()) {
                best = Some((t[..t.len() - title.len()].trim().to_string(), title));
            }
        }
    }
    match best {
        Some((rest, title)) => (rest, Some(title.to_string())),
        // "部長 兼 課長" and English titles are left to the user.
        None => (s.trim().to_string(), None),
    }
}

/// Letters OCR reads for digits in an address's numbers (`丸の内ビルSF`,
/// `1-l-3`, `2O階`): S→5, O/o→0, l/I→1, B→8, Z→2, where the letter stands
/// in a run of digits and dashes or before the floor's F/階. A real letter
/// in an address (`Aビル`, `B棟`, `SOHO`) has no digit beside it.
pub fn address_digit_lookalikes(s: &str) -> String {
    let chars: Vec<char> = s.chars().collect();
    let digit_for = |c: char| match c {
        'S' => Some('5'),
        'O' | 'o' => Some('0'),
        'l' | 'I' => Some('1'),
        'B' => Some('8'),
        'Z' => Some('2'),
        _ => None,
    };
    let numeric = |c: Option<&char>| c.is_some_and(|c| c.is_ascii_digit() || *c == '-');
    let mut out = String::with_capacity(s.len());
    for (i, &c) in chars.iter().enumerate() {
        let prev = if i > 0 { chars.get(i - 1) } else { None };
        let next = chars.get(i + 1);
        let floor = next.is_some_and(|n| *n == 'F' || *n == '階') && !prev.is_some_and(|p| p.is_ascii_alphabetic());
        let inside = (numeric(prev) && (numeric(next) || floor))
            || (numeric(next)
                && !prev.is_some_and(|p| p.is_ascii_alphabetic())
                && prev.is_some_and(|p| *p == '-' || !p.is_ascii()));
        match digit_for(c) {
            Some(d) if floor || inside => out.push(d),
            _ => out.push(c),
        }
    }
    out
}

fn is_department(s: &str) -> bool {
    let s = s.trim();
    !s.is_empty()
        && s.chars().count() <= 40
        && DEPARTMENT_WORDS.iter().any(|w| s.contains(w))
        && !s.chars().any(|c| c.is_ascii_digit())
        && !looks_like_address(s)
}

/// Splits a name printed without a space into family and given name.
fn split_name(name: &str) -> (String, Option<String>) {
    if name.matches(' ').count() == 1 {
        let (f, g) = name.split_once(' ').expect("one space");
        return (f.to_string(), Some(g.to_string()));
    }
    let name = &name.replace(' ', "");
    let chars: Vec<char> = name.chars().collect();
    let mut best: Option<usize> = None;
    for f in FAMILY_NAMES {
        let n = f.chars().count();
        if name.starts_with(f) && chars.len() > n && best.is_none_or(|b| n > b) {
            best = Some(n);
        }
    }
    let cut = best.unwrap_or(match chars.len() {
        0 | 1 => chars.len(),
        2 | 3 => 1.max(chars.len() - 2).min(2),
        n => n / 2,
    });
    let family: String = chars[..cut].iter().collect();
    let given: String = chars[cut..].iter().collect();
    (family, (!given.is_empty()).then_some(given))
}

/// The fields of one card. `vertical`: read with the vertical model (font
/// size is then the columns' width).
pub fn extract(lines: &[Line], vertical: bool) -> Vec<CardField> {
    let mut ls: Vec<L> = lines.iter().map(|line| L { line, text: tidy(&line.text()), used: false }).collect();
    ls.retain(|l| !l.text.is_empty());
    let mut out = Out { fields: Vec::new() };

    // E-mail and URL.
    for l in ls.iter_mut() {
        let compact: String = l.text.chars().filter(|c| !c.is_whitespace()).collect();
        if let Some(at) = compact.find('@') {
            let left: String = compact[..at]
                .chars()
                .rev()
                .take_while(|c| c.is_ascii_alphanumeric() || "._%+-".contains(*c))
                .collect::<Vec<_>>()
                .into_iter()
                .rev()
                .collect();
            let right: String =
                compact[at + 1..].chars().take_while(|c| c.is_ascii_alphanumeric() || ".-".contains(*c)).collect();
            // A label glued on ("E-mail:taro@…", "Mailtaro@…") ends at the colon.
            let left = left.rsplit(':').next().unwrap_or(&left).to_string();
            let left = ["e-mail", "email", "mail"]
                .iter()
                .find_map(|p| left.to_lowercase().starts_with(p).then(|| left[p.len()..].to_string()))
                .unwrap_or(left);
            out.put(
                CardFieldName::Email,
                &format!("{}@{}", left.to_lowercase(), fix_domain(right.trim_end_matches('.'))),
                l.line.conf(),
                l.line.bbox,
            );
            l.used = true;
        } else if let Some(start) = compact.to_lowercase().find("http").or_else(|| compact.to_lowercase().find("www."))
        {
            let url: String = compact[start..]
                .chars()
                .take_while(|c| c.is_ascii_alphanumeric() || "./:_-~?=&%#".contains(*c))
                .collect();
            out.put(CardFieldName::Url, &fix_url(url.trim_end_matches('.')), l.line.conf(), l.line.bbox);
            l.used = true;
        }
    }

    // Phone, mobile, fax.
    for l in ls.iter_mut().filter(|l| !l.used) {
        let hits = phone_hits(&l.text);
        if hits.is_empty() {
            continue;
        }
        for mut h in hits {
            if vertical && daifuku::phone::parse_number(&h.number).is_err() {
                let note = ["(代表)", "(代)"].iter().find(|n| h.number.ends_with(*n)).copied().unwrap_or("");
                if let Some(fixed) = vertical_phone(h.number.trim_end_matches(note)) {
                    h.number = format!("{fixed}{note}");
                }
            }
            let mobile = daifuku::phone::parse_number(&h.number).map(|n| n.mobile).unwrap_or(false);
            let name = match h.label {
                Some(CardFieldName::Fax) => CardFieldName::Fax,
                _ if mobile => CardFieldName::Mobile,
                Some(n) => n,
                None if !out.has(CardFieldName::Phone) => CardFieldName::Phone,
                None => CardFieldName::Fax,
            };
            out.put(name, &h.number, l.line.conf(), l.line.bbox);
        }
        l.used = true;
    }

    // Postal code and address (the address may go on to a building line).
    let mut address_at: Option<usize> = None;
    for i in 0..ls.len() {
        if ls[i].used {
            continue;
        }
        let text = ls[i].text.clone();
        let mut text = text;
        if vertical && postal_in(&text).is_none() {
            // `〒812︱0046` read as `〒81210046`: the bar is the dash.
            if let Some(p) = text.find('〒') {
                let digits: String = text[p + '〒'.len_utf8()..].chars().take_while(char::is_ascii_digit).collect();
                if digits.len() == 8 && digits.as_bytes()[3] == b'1' {
                    let end = p + '〒'.len_utf8() + 8;
                    text = format!("{}〒{}-{}{}", &text[..p], &digits[..3], &digits[4..], &text[end..]);
                }
            }
        }
        let postal = postal_in(&text);
        let rest = match postal {
            Some((_, end)) => text[end..].trim().to_string(),
            None => text.clone(),
        };
        if let Some((a, b)) = postal {
            out.put(CardFieldName::PostalCode, &text[a..b], ls[i].line.conf(), ls[i].line.bbox);
            ls[i].used = true;
        }
        if address_at.is_none() && looks_like_address(&rest) {
            // What precedes the prefecture (a misread 〒, 住所:) is dropped.
            let start = PREFECTURES.iter().filter_map(|p| rest.find(p)).min().unwrap_or(0);
            let mut address = rest[start..].trim().to_string();
            let mut bbox = ls[i].line.bbox;
            let mut conf = ls[i].line.conf();
            if let Some(next) =
                ls.get(i + 1).filter(|n| !n.used && looks_like_building(&n.text) && !looks_like_address(&n.text))
            {
                address = format!("{address} {}", next.text);
                bbox = bbox.union(next.line.bbox);
                conf = (conf + next.line.conf()) / 2.0;
                ls[i + 1].used = true;
            }
            out.put(CardFieldName::Address, &address_digit_lookalikes(&address), conf, bbox);
            ls[i].used = true;
            address_at = Some(i);
        }
    }

    // Company: a line with a designator.
    for l in ls.iter_mut().filter(|l| !l.used) {
        let text = compact_cjk(&l.text);
        if DESIGNATORS.iter().any(|d| text.contains(d)) {
            out.put(CardFieldName::Company, &text, l.line.conf(), l.line.bbox);
            l.used = true;
            break;
        }
    }

    // Reading: a line of kana only.
    for l in ls.iter_mut().filter(|l| !l.used) {
        if let Some(kana) = reading_kana_lookalikes(&l.text) {
            l.text = kana;
        }
        let body: String = l.text.chars().filter(|c| !matches!(c, ' ' | '・')).collect();
        // A title or department in katakana (マネージャー, チーフ) is no reading.
        let (rest, title) = split_title(&body);
        if (title.is_some() && rest.is_empty()) || is_department(&body) {
            continue;
        }
        if body.chars().count() >= 3 && body.chars().all(is_kana) {
            let parts: Vec<&str> = l.text.split([' ', '・']).filter(|p| !p.is_empty()).collect();
            if parts.len() == 2 {
                out.put(CardFieldName::FamilyReading, &large_first_kana(parts[0]), l.line.conf(), l.line.bbox);
                out.put(CardFieldName::GivenReading, &large_first_kana(parts[1]), l.line.conf(), l.line.bbox);
                l.used = true;
                break;
            }
        }
    }

    // Name: the largest remaining line of 2–8 kanji/kana (a title before it stripped).
    let mut best: Option<(usize, u32)> = None;
    for (i, l) in ls.iter().enumerate() {
        if l.used {
            continue;
        }
        let (rest, _) = split_title(&l.text);
        let rest = TITLES.iter().find_map(|t| rest.strip_prefix(t).map(|r| r.trim().to_string())).unwrap_or(rest);
        let body: String = rest.chars().filter(|c| *c != ' ').collect();
        let n = body.chars().count();
        let ok = (2..=8).contains(&n)
            && body.chars().all(|c| is_kanji(c) || is_kana(c))
            && body.chars().any(is_kanji)
            && !is_department(&rest)
            && !looks_like_address(&rest);
        if ok {
            let s = size(l.line.bbox, vertical);
            if best.is_none_or(|(_, b)| s > b) {
                best = Some((i, s));
            }
        }
    }
    if let Some((i, _)) = best {
        let l = &ls[i];
        let (rest, title) = split_title(&l.text);
        let rest = TITLES.iter().find_map(|t| rest.strip_prefix(t).map(|r| r.trim().to_string())).unwrap_or(rest);
        let (family, given) = split_name(&name_kanji_lookalikes(rest.trim()));
        out.put(CardFieldName::FamilyName, &family, l.line.conf(), l.line.bbox);
        if let Some(g) = given {
            out.put(CardFieldName::GivenName, &g, l.line.conf(), l.line.bbox);
        }
        if let Some(t) = title {
            out.put(CardFieldName::Title, &t, l.line.conf(), l.line.bbox);
        }
        ls[i].used = true;
    }

    // Department and title.
    let mut departments: Vec<(String, f32, BoxPx)> = Vec::new();
    for l in ls.iter_mut().filter(|l| !l.used) {
        let (rest, title) = split_title(&l.text);
        let rest = rest.trim().to_string();
        if title.is_some() && (rest.is_empty() || is_department(&rest)) {
            if let Some(t) = title {
                out.put(CardFieldName::Title, &t, l.line.conf(), l.line.bbox);
            }
            if !rest.is_empty() {
                departments.push((rest, l.line.conf(), l.line.bbox));
            }
            l.used = true;
        } else if is_department(&rest) && !DESIGNATORS.iter().any(|d| rest.contains(d)) {
            departments.push((rest, l.line.conf(), l.line.bbox));
            l.used = true;
        }
    }
    if !departments.is_empty() {
        let text = departments.iter().map(|d| d.0.as_str()).collect::<Vec<_>>().join(" ");
        let conf = departments.iter().map(|d| d.1).sum::<f32>() / departments.len() as f32;
        let bbox = departments.iter().map(|d| d.2).reduce(BoxPx::union).expect("not empty");
        out.put(CardFieldName::Department, &text, conf, bbox);
    }

    reconcile_domains(&mut out);
    out.fields.sort_by_key(|f| f.name);
    out.fields
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ocr::Word;

    fn line(text: &str, y: u32, h: u32) -> Line {
        let bbox = BoxPx { x: 50, y, w: 20 * text.chars().count() as u32, h };
        Line { words: vec![Word { text: text.to_string(), conf: 90.0, bbox }], bbox }
    }

    fn get(fields: &[CardField], name: CardFieldName) -> Option<&str> {
        fields.iter().find(|f| f.name == name).map(|f| f.value.as_str())
    }

    #[test]
    fn a_typical_horizontal_card() {
        let lines = vec![
            line("サンプル商事株式会社", 20, 30),
            line("営業本部 第一営業部 課長", 70, 22),
            line("山田 太郎", 110, 60),
            line("ヤマダ タロウ", 180, 18),
            line("〒100-0005 東京都千代田区丸の内1-2-3", 230, 20),
            line("丸の内ビル5F", 255, 20),
            line("TEL 03-1234-5678（代） FAX 03-1234-5679", 290, 20),
            line("携帯 090-1234-5678", 315, 20),
            line("E-mail: taro.yamada@sample.co.jp", 340, 20),
            line("https://www.sample.co.jp", 365, 20),
        ];
        let f = extract(&lines, false);
        use CardFieldName::*;
        let expect = [
            (Company, "サンプル商事株式会社"),
            (Department, "営業本部 第一営業部"),
            (Title, "課長"),
            (FamilyName, "山田"),
            (GivenName, "太郎"),
            (FamilyReading, "ヤマダ"),
            (GivenReading, "タロウ"),
            (PostalCode, "100-0005"),
            (Address, "東京都千代田区丸の内1-2-3 丸の内ビル5F"),
            (Phone, "03-1234-5678 (代表)"),
            (Fax, "03-1234-5679"),
            (Mobile, "090-1234-5678"),
            (Email, "taro.yamada@sample.co.jp"),
            (Url, "https://www.sample.co.jp"),
        ];
        for (name, value) in expect {
            assert_eq!(get(&f, name), Some(value), "{name:?} in {f:#?}");
        }
    }

    #[test]
    fn designators_anywhere_and_names_without_a_space() {
        let f = extract(
            &[line("(株)アシスト", 10, 30), line("佐々木健一", 60, 60), line("代表取締役社長", 130, 20)],
            false,
        );
        assert_eq!(get(&f, CardFieldName::Company), Some("(株)アシスト"));
        assert_eq!(get(&f, CardFieldName::FamilyName), Some("佐々木"));
        assert_eq!(get(&f, CardFieldName::GivenName), Some("健一"));
        assert_eq!(get(&f, CardFieldName::Title), Some("代表取締役社長"));
        assert_eq!(get(&f, CardFieldName::Department), None);
        let f = extract(
            &[line("株式会社 北 斗 技 研", 10, 30), line("〶530-0001 大阪府大阪市北区梅田2-4-9", 60, 20)],
            false,
        );
        assert_eq!(get(&f, CardFieldName::Company), Some("株式会社北斗技研"));
        assert_eq!(get(&f, CardFieldName::PostalCode), Some("530-0001"));
        assert_eq!(get(&f, CardFieldName::Address), Some("大阪府大阪市北区梅田2-4-9"));
    }

    #[test]
    fn katakana_and_kanji_lookalikes_follow_their_neighbours() {
        assert_eq!(name_kanji_lookalikes("浩ニ"), "浩二");
        assert_eq!(name_kanji_lookalikes("ハ重子"), "八重子");
        assert_eq!(name_kanji_lookalikes("山田 ハナ"), "山田 ハナ");
        assert_eq!(name_kanji_lookalikes("カ"), "カ");
        assert_eq!(reading_kana_lookalikes("コウ二"), Some("コウニ".into()));
        assert_eq!(reading_kana_lookalikes("ヒ口シ"), Some("ヒロシ".into()));
        assert_eq!(reading_kana_lookalikes("タ一ナ"), Some("ターナ".into()));
        assert_eq!(reading_kana_lookalikes("コウジ"), None);
        assert_eq!(reading_kana_lookalikes("山口"), None);
        // Through extract: the name and the reading.
        let f = extract(&[line("中村 浩ニ", 10, 60), line("ナカムラ コウ二", 80, 20)], false);
        assert_eq!(get(&f, CardFieldName::GivenName), Some("浩二"));
        assert_eq!(get(&f, CardFieldName::GivenReading), Some("コウニ"));
    }

    #[test]
    fn titles_split_by_ocr_spaces_and_in_katakana() {
        assert_eq!(split_title("代表取締 役社長"), (String::new(), Some("代表取締役社長".into())));
        assert_eq!(split_title("営業本部 第一営業部 課長"), ("営業本部 第一営業部".into(), Some("課長".into())));
        // A katakana title is not taken for the reading.
        let f = extract(
            &[line("マネー ジャー", 10, 20), line("中村 浩二", 40, 60), line("ナカムラ コウジ", 110, 20)],
            false,
        );
        assert_eq!(get(&f, CardFieldName::Title), Some("マネージャー"));
        assert_eq!(get(&f, CardFieldName::FamilyReading), Some("ナカムラ"));
        assert_eq!(get(&f, CardFieldName::GivenReading), Some("コウジ"));
    }

    #[test]
    fn letters_read_for_digits_in_an_address() {
        assert_eq!(address_digit_lookalikes("梅田1-5-9 丸の内ビルSF"), "梅田1-5-9 丸の内ビル5F");
        assert_eq!(address_digit_lookalikes("丸の内1-l-3"), "丸の内1-1-3");
        assert_eq!(address_digit_lookalikes("栄2-O-17 第一ビル2O階"), "栄2-0-17 第一ビル20階");
        // Real letters stay.
        assert_eq!(address_digit_lookalikes("本町3-4 Bビル"), "本町3-4 Bビル");
        assert_eq!(address_digit_lookalikes("SOHOタワー8F"), "SOHOタワー8F");
        assert_eq!(address_digit_lookalikes("A棟 12F"), "A棟 12F");
        let f = extract(&[line("〒530-0001 大阪府大阪市北区梅田1-5-9 丸の内ビルSF", 10, 20)], false);
        assert_eq!(get(&f, CardFieldName::Address), Some("大阪府大阪市北区梅田1-5-9 丸の内ビル5F"));
    }

    #[test]
    fn spaces_inside_brackets_go() {
        assert_eq!(tidy("TEL 03-1234-5678( 代) FAX"), "TEL 03-1234-5678(代) FAX");
        assert_eq!(tidy("（ 株 ）北斗"), "(株)北斗");
        let f = extract(&[line("TEL022-303-9571( 代 ) FAX022-303-1070", 10, 20)], false);
        assert_eq!(get(&f, CardFieldName::Phone), Some("022-303-9571 (代表)"));
    }

    #[test]
    fn a_bad_number_is_kept_with_its_problem() {
        let f = extract(&[line("TEL 03-0000-00000", 10, 20)], false);
        let phone = f.iter().find(|f| f.name == CardFieldName::Phone).expect("phone kept");
        assert!(phone.problem.is_some(), "{phone:?}");
        assert!(phone.confidence <= 40.0);
    }
}
