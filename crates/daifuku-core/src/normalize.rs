//! Match keys for Japanese business data.
//!
//! Every function here is pure and deterministic: no I/O, no clock, no
//! locale. The keys are for matching, searching and sorting only; they are
//! never shown to the user, so they may look odd (`千代田` becomes `1000代田`
//! in an address key) as long as equal things get equal keys.
//!
//! `unicode-normalization` (NFKC) does the heavy lifting: full-width ASCII,
//! half-width katakana (with their dakuten), `㈱`, `㍿`, ideographic space.
//! NFKC does not fold dash variants or variant kanji, so small tables below
//! cover those.

use unicode_normalization::{is_nfkc_quick, IsNormalized, UnicodeNormalization};

/// Dash-like characters folded to ASCII `-` by [`fold`].
const DASHES: &[char] = &[
    '\u{2010}', // ‐ hyphen
    '\u{2011}', // ‑ non-breaking hyphen
    '\u{2012}', // ‒ figure dash
    '\u{2013}', // – en dash
    '\u{2014}', // — em dash
    '\u{2015}', // ― horizontal bar
    '\u{2043}', // ⁃ hyphen bullet
    '\u{2212}', // − minus sign
    '\u{FE58}', // ﹘ small em dash
    '\u{FE63}', // ﹣ small hyphen-minus
    '\u{FF0D}', // － full-width hyphen-minus
];

/// The katakana long-vowel mark. NFKC turns half-width `ｰ` into it; directly
/// after an ASCII digit it is a mistyped dash (`03ー1234ー5678`).
const LONG_VOWEL: char = 'ー';

/// Characters that carry nothing for matching (zero-width space/joiners, BOM).
const INVISIBLE: &[char] = &['\u{200B}', '\u{200C}', '\u{200D}', '\u{2060}', '\u{FEFF}'];

/// Variant (異体字) kanji common in names, folded to their everyday form.
const VARIANT_KANJI: &[(char, char)] = &[
    ('髙', '高'),
    ('\u{FA11}', '崎'), // 﨑 (a CJK compatibility ideograph NFKC leaves alone)
    ('碕', '崎'),
    ('嵜', '崎'),
    ('邉', '辺'),
    ('邊', '辺'),
    ('齋', '斎'),
    ('齊', '斎'),
    ('濵', '浜'),
    ('濱', '浜'),
    ('澤', '沢'),
    ('嶋', '島'),
    ('嶌', '島'),
    ('冨', '富'),
    ('櫻', '桜'),
    ('廣', '広'),
    ('國', '国'),
    ('藏', '蔵'),
    ('槇', '槙'),
    ('桒', '桑'),
];

/// Small kana folded to large by [`reading_fuzzy_key`] (katakana only: the
/// input has already been through [`to_katakana`]).
const SMALL_KANA: &[(char, char)] = &[
    ('ァ', 'ア'),
    ('ィ', 'イ'),
    ('ゥ', 'ウ'),
    ('ェ', 'エ'),
    ('ォ', 'オ'),
    ('ッ', 'ツ'),
    ('ャ', 'ヤ'),
    ('ュ', 'ユ'),
    ('ョ', 'ヨ'),
    ('ヮ', 'ワ'),
    ('ヵ', 'カ'),
    ('ヶ', 'ケ'),
];

/// Corporate designators removed by [`company_name_key`], in folded form
/// (after [`fold`] and with spaces removed). A longer entry must come before
/// any shorter entry it contains (医療法人社団 before 医療法人).
const COMPANY_DESIGNATORS: &[&str] = &[
    "株式会社",
    "株式會社",
    "有限会社",
    "有限會社",
    "合同会社",
    "合資会社",
    "合名会社",
    "一般社団法人",
    "一般財団法人",
    "公益社団法人",
    "公益財団法人",
    "社団法人",
    "財団法人",
    "社会福祉法人",
    "医療法人社団",
    "医療法人財団",
    "医療法人",
    "学校法人",
    "特定非営利活動法人",
    "npo法人",
    "(株)",
    "(有)",
    "(同)",
    "(資)",
    "(名)",
    "(一社)",
    "(一財)",
    "(公社)",
    "(公財)",
    "(社)",
    "(財)",
    "(福)",
    "(医)",
    "(学)",
    "(特非)",
];

/// Katakana readings of the designators, removed from names and readings.
const DESIGNATOR_READINGS: &[&str] = &[
    "カブシキガイシャ",
    "カブシキカイシャ",
    "ユウゲンガイシャ",
    "ユウゲンカイシャ",
    "ゴウドウガイシャ",
    "ゴウドウカイシャ",
    "ゴウシガイシャ",
    "ゴウシカイシャ",
    "ゴウメイガイシャ",
    "ゴウメイカイシャ",
    "イッパンシャダンホウジン",
    "イッパンザイダンホウジン",
    "コウエキシャダンホウジン",
    "コウエキザイダンホウジン",
    "シャカイフクシホウジン",
    "イリョウホウジン",
    "ガッコウホウジン",
    "トクテイヒエイリカツドウホウジン",
];

/// Abbreviations used in bank-transfer style kana (`ｶ)ﾔﾏﾀﾞ`, `ﾔﾏﾀﾞ(ｶ`,
/// `ﾔﾏﾀﾞ(ｶ)`): カ 株式会社, ユ 有限会社, ド 合同会社, シ 合資会社, メ 合名会社,
/// シャ 社団, ザイ 財団, フク 社会福祉法人, イ 医療法人, ガク 学校法人,
/// トクヒ 特定非営利活動法人. Only removed next to a parenthesis.
const DESIGNATOR_ABBREVIATIONS: &[&str] =
    &["カ", "ユ", "ド", "シ", "メ", "シャ", "ザイ", "フク", "イ", "ガク", "トクヒ"];

/// English company suffixes (folded, so lower-case), stripped from the end of
/// a name. Longer forms first.
const ENGLISH_SUFFIXES: &[&str] = &[
    "co., ltd.",
    "co.,ltd.",
    "co. ltd.",
    "co.ltd.",
    "co., ltd",
    "co.,ltd",
    "co ltd",
    "ltd.",
    "ltd",
    "inc.",
    "inc",
    "corp.",
    "corp",
    "k.k.",
    "g.k.",
    "llc",
];

/// Middle dots removed from company keys (NFKC turns half-width `･` into `・`).
const MIDDLE_DOTS: &[char] = &['・', '·'];

/// Address units that follow a number (番地 before 番).
const ADDRESS_UNITS: &[&str] = &["丁目", "番地", "番", "号"];

/// Characters that join two address numbers (`1の2`, `1ノ2`, `1ー2`).
const ADDRESS_JOINERS: &[char] = &['の', 'ノ', LONG_VOWEL, '-'];

/// General text fold for matching and search; see the module docs.
///
/// NFKC; dash variants (and `ー` directly after an ASCII digit) to `-`;
/// variant kanji to their everyday form; ASCII lower-cased; zero-width
/// characters dropped; runs of whitespace to one ASCII space, trimmed.
pub fn fold(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut prev: Option<char> = None;
    let mut pending_space = false;
    // Most text (kanji, kana, ASCII) is already NFKC: the quick check spares
    // the decompose/recompose pass over long activity notes.
    let normalized: std::borrow::Cow<str> =
        if is_nfkc_quick(s.chars()) == IsNormalized::Yes { s.into() } else { s.nfkc().collect::<String>().into() };
    for c in normalized.chars() {
        let after_digit = prev.is_some_and(|p| p.is_ascii_digit());
        prev = Some(c);
        if c.is_whitespace() {
            pending_space = true;
            continue;
        }
        if INVISIBLE.contains(&c) {
            continue;
        }
        if pending_space && !out.is_empty() {
            out.push(' ');
        }
        pending_space = false;
        out.push(fold_char(c, after_digit));
    }
    out
}

fn fold_char(c: char, after_digit: bool) -> char {
    if DASHES.contains(&c) || (c == LONG_VOWEL && after_digit) {
        return '-';
    }
    if let Some(&(_, to)) = VARIANT_KANJI.iter().find(|(from, _)| *from == c) {
        return to;
    }
    c.to_ascii_lowercase()
}

/// [`fold`], then hiragana to katakana and all spaces removed: the あいうえお
/// sort key of a reading, also used for reading search.
pub fn reading_key(s: &str) -> String {
    to_katakana(&fold(s)).replace(' ', "")
}

/// [`reading_key`], then small kana to large (ャ→ヤ, ッ→ツ) and the long-vowel
/// mark removed; voiced marks and ヴ are kept. For fuzzy reading comparison.
pub fn reading_fuzzy_key(s: &str) -> String {
    reading_key(s)
        .chars()
        .filter(|&c| c != LONG_VOWEL)
        .map(|c| match SMALL_KANA.iter().find(|(small, _)| *small == c) {
            Some(&(_, large)) => large,
            None => c,
        })
        .collect()
}

/// Offset between a hiragana and its katakana (あ U+3042 → ア U+30A2).
const KANA_OFFSET: u32 = 0x60;

fn is_hiragana(c: char) -> bool {
    // ぁ..ゖ plus the iteration marks ゝゞ
    matches!(c, '\u{3041}'..='\u{3096}' | '\u{309D}'..='\u{309E}')
}

fn is_katakana_with_hiragana(c: char) -> bool {
    // ァ..ヶ plus the iteration marks ヽヾ (ヷヸヹヺ have no hiragana)
    matches!(c, '\u{30A1}'..='\u{30F6}' | '\u{30FD}'..='\u{30FE}')
}

/// Hiragana to katakana; everything else (kanji, ASCII, ー, half-width kana)
/// is left unchanged.
pub fn to_katakana(s: &str) -> String {
    s.chars()
        .map(|c| match is_hiragana(c) {
            true => char::from_u32(c as u32 + KANA_OFFSET).unwrap_or(c),
            false => c,
        })
        .collect()
}

/// A reading (フリガナ) in its stored form: full-width katakana whatever the
/// input form — half-width katakana (`ﾆﾎﾝﾑｾﾝ`, `ｶﾞ`) and full-width
/// letters and digits through NFKC, hiragana to katakana; spaces as one
/// ASCII space, trimmed. Idempotent; [`reading_key`] of the result equals
/// [`reading_key`] of the input, so sort keys, match keys and the search
/// index do not change when a stored reading is brought to this form.
pub fn reading_text(s: &str) -> String {
    let normalized: std::borrow::Cow<str> =
        if is_nfkc_quick(s.chars()) == IsNormalized::Yes { s.into() } else { s.nfkc().collect::<String>().into() };
    let mut out = String::with_capacity(normalized.len());
    let mut pending_space = false;
    for c in normalized.chars() {
        if c.is_whitespace() {
            pending_space = true;
            continue;
        }
        if pending_space && !out.is_empty() {
            out.push(' ');
        }
        pending_space = false;
        out.push(if is_hiragana(c) { char::from_u32(c as u32 + KANA_OFFSET).unwrap_or(c) } else { c });
    }
    out
}

/// Katakana to hiragana; everything else is left unchanged.
pub fn to_hiragana(s: &str) -> String {
    s.chars()
        .map(|c| match is_katakana_with_hiragana(c) {
            true => char::from_u32(c as u32 - KANA_OFFSET).unwrap_or(c),
            false => c,
        })
        .collect()
}

/// Company name match key: [`fold`], English suffixes (`Co., Ltd.`, `Inc.`,
/// `K.K.`) stripped from the end, spaces and middle dots removed, then
/// corporate designators (株式会社, ㈱, （株）, 有限会社, NPO法人,
/// カブシキガイシャ, `ｶ)` …) removed wherever they stand.
pub fn company_name_key(name: &str) -> String {
    memo(&NAME_KEYS, name, company_name_key_uncached)
}

fn company_name_key_uncached(name: &str) -> String {
    let folded = strip_english_suffixes(&fold(name));
    let compact: String = folded.chars().filter(|c| *c != ' ' && !MIDDLE_DOTS.contains(c)).collect();
    let without_kanji = remove_all(&compact, COMPANY_DESIGNATORS);
    strip_designator_abbreviations(&remove_all(&without_kanji, DESIGNATOR_READINGS))
}

type Memo<T> = std::cell::RefCell<std::collections::HashMap<String, T>>;

thread_local! {
    static NAME_KEYS: Memo<String> = Memo::default();
    static PHONE_KEYS: Memo<Option<String>> = Memo::default();
}

/// Recent results of a costly key function on this thread. One write
/// computes the same name and phone keys several times (validation, match
/// keys, search document, import planning); phone parsing alone is ~20 µs.
fn memo<T: Clone>(cache: &'static std::thread::LocalKey<Memo<T>>, input: &str, compute: impl Fn(&str) -> T) -> T {
    if let Some(hit) = cache.with(|c| c.borrow().get(input).cloned()) {
        return hit;
    }
    let value = compute(input);
    cache.with(|c| {
        let mut c = c.borrow_mut();
        if c.len() >= 1024 {
            c.clear();
        }
        c.insert(input.to_string(), value.clone());
    });
    value
}

/// Reading of a company with designators removed: [`reading_key`], middle
/// dots removed, then カブシキガイシャ etc. and the `(カ)`, `カ)`, `(カ` forms.
pub fn company_reading_key(reading: &str) -> String {
    let key: String = reading_key(reading).chars().filter(|c| !MIDDLE_DOTS.contains(c)).collect();
    strip_designator_abbreviations(&remove_all(&key, DESIGNATOR_READINGS))
}

fn remove_all(s: &str, patterns: &[&str]) -> String {
    let mut out = s.to_string();
    for pattern in patterns {
        // A first-character scan (memchr) rules most patterns out cheaply.
        let first = pattern.chars().next().unwrap_or(' ');
        if out.contains(first) && out.contains(pattern) {
            out = out.replace(pattern, "");
        }
    }
    out
}

/// Removes `(カ)` anywhere, `カ)` at the start and `(カ` at the end, for every
/// abbreviation in [`DESIGNATOR_ABBREVIATIONS`].
fn strip_designator_abbreviations(s: &str) -> String {
    if !s.contains(['(', ')']) {
        return s.to_string(); // every form has a parenthesis
    }
    let mut key = s.to_string();
    for abbreviation in DESIGNATOR_ABBREVIATIONS {
        key = key.replace(&format!("({abbreviation})"), "");
        if let Some(rest) = key.strip_prefix(&format!("{abbreviation})")) {
            key = rest.to_string();
        }
        if let Some(rest) = key.strip_suffix(&format!("({abbreviation}")) {
            key = rest.to_string();
        }
    }
    key
}

/// Strips English suffixes from the end of a folded name, repeatedly
/// ("ABC Co., Ltd. Inc." loses both). A suffix only counts when it starts a
/// word: "zinc" keeps its "inc".
fn strip_english_suffixes(s: &str) -> String {
    let mut rest = s.trim_end_matches([' ', ',']);
    'strip: loop {
        for suffix in ENGLISH_SUFFIXES {
            if let Some(head) = rest.strip_suffix(suffix) {
                if !head.ends_with(|c: char| c.is_ascii_alphanumeric()) {
                    rest = head.trim_end_matches([' ', ',']);
                    continue 'strip;
                }
            }
        }
        return rest.to_string();
    }
}

/// Person name key: [`fold`] of family + given with all spaces removed.
pub fn person_name_key(family: &str, given: &str) -> String {
    fold(&format!("{family}{given}")).replace(' ', "")
}

/// Phone number in E.164 (`+81312345678`), Japan as the default region,
/// after [`fold`] (full-width digits, dash variants). `None` for empty input.
/// Annotations ([`crate::phone::recognise`]: `(代表)`, `内線12`, `ext. 12`,
/// `～9`, `TEL:`) are dropped from a valid number; of several numbers the
/// first counts. A
/// number that does not parse as valid gives its digits only (a leading `+`
/// kept) when there are at least 6 of them, else `None`.
pub fn phone_key(s: &str) -> Option<String> {
    memo(&PHONE_KEYS, s, phone_key_uncached)
}

fn phone_key_uncached(s: &str) -> Option<String> {
    let folded = fold(s);
    if folded.is_empty() {
        return None;
    }
    // The first number of the text, its annotations (代表, 内線, ～9) ignored:
    // a stored `03-1234-5678 (代表)` has the key of `03-1234-5678`.
    if let Some(entry) = crate::phone::recognise(&folded).ok().and_then(|e| e.into_iter().next()) {
        if let Ok(number) = crate::phone::parse_number(&entry.number) {
            return Some(number.e164);
        }
    }
    let digits: String = folded.chars().filter(|c| c.is_ascii_digit()).collect();
    if digits.len() < 6 {
        return None;
    }
    let plus = if folded.starts_with('+') { "+" } else { "" };
    Some(format!("{plus}{digits}"))
}

/// E-mail key: [`fold`], trimmed, lower-cased. `None` when empty.
pub fn email_key(s: &str) -> Option<String> {
    let key = fold(s).to_lowercase();
    let key = key.trim();
    (!key.is_empty()).then(|| key.to_string())
}

/// Postal code as 7 ASCII digits. Accepts `〒100-0001`, `１００－０００１`,
/// `1000001`; `None` unless exactly 7 digits remain after removing 〒, dashes
/// and spaces.
pub fn postal_key(s: &str) -> Option<String> {
    let key: String = fold(s).chars().filter(|c| !matches!(c, '〒' | '-' | ' ')).collect();
    (key.len() == 7 && key.chars().all(|c| c.is_ascii_digit())).then_some(key)
}

/// Address match key: [`fold`], kanji numerals to arabic (`二十三` → `23`),
/// spaces removed, 丁目/番地/番/号 after a number and の/ノ/ー between numbers
/// folded to `-` (a unit not followed by a number is dropped), repeated and
/// trailing `-` removed. "丸の内一丁目2番3号" and "丸の内1-2-3" agree.
///
/// All kanji numerals are converted, also inside place names (千代田 →
/// 1000代田): the key only has to be consistent, and "第一ビル" then matches
/// "第1ビル".
pub fn address_key(s: &str) -> String {
    let arabic = kanji_numerals_to_arabic(&fold(s)).replace(' ', "");
    let chars: Vec<char> = arabic.chars().collect();
    let mut out = String::with_capacity(arabic.len());
    let mut i = 0;
    while i < chars.len() {
        let after_digit = out.ends_with(|c: char| c.is_ascii_digit());
        let unit_len = ADDRESS_UNITS
            .iter()
            .map(|unit| unit.chars().count())
            .find(|&len| after_digit && starts_with_at(&chars, i, ADDRESS_UNITS, len));
        if let Some(len) = unit_len {
            i += len;
            if chars.get(i).is_some_and(|c| c.is_ascii_digit()) {
                out.push('-');
            }
            continue;
        }
        let c = chars[i];
        let before_digit = chars.get(i + 1).is_some_and(|c| c.is_ascii_digit());
        if ADDRESS_JOINERS.contains(&c) && after_digit && before_digit {
            out.push('-');
        } else if !(c == '-' && out.ends_with('-')) {
            out.push(c);
        }
        i += 1;
    }
    out.trim_end_matches('-').to_string()
}

/// Whether one of `units` with exactly `len` chars starts at `chars[i]`.
fn starts_with_at(chars: &[char], i: usize, units: &[&str], len: usize) -> bool {
    let Some(window) = chars.get(i..i + len) else {
        return false;
    };
    units.iter().any(|unit| unit.chars().count() == len && unit.chars().eq(window.iter().copied()))
}

fn kanji_digit(c: char) -> Option<u64> {
    "〇一二三四五六七八九".chars().position(|d| d == c).map(|p| p as u64)
}

fn kanji_multiplier(c: char) -> Option<u64> {
    match c {
        '十' => Some(10),
        '百' => Some(100),
        '千' => Some(1000),
        _ => None,
    }
}

/// Replaces each run of kanji numerals with its arabic value. A run with
/// 十/百/千 is read positionally (二十三 = 23, 千二百 = 1200); one without is
/// read digit by digit (一〇一 = 101).
fn kanji_numerals_to_arabic(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut run = String::new();
    for c in s.chars() {
        if kanji_digit(c).is_some() || kanji_multiplier(c).is_some() {
            run.push(c);
            continue;
        }
        out.push_str(&kanji_run_value(&run));
        run.clear();
        out.push(c);
    }
    out.push_str(&kanji_run_value(&run));
    out
}

fn kanji_run_value(run: &str) -> String {
    if run.is_empty() {
        return String::new();
    }
    if !run.chars().any(|c| kanji_multiplier(c).is_some()) {
        return run.chars().filter_map(kanji_digit).map(|d| d.to_string()).collect();
    }
    let (mut total, mut pending) = (0u64, None);
    for c in run.chars() {
        match (kanji_digit(c), kanji_multiplier(c)) {
            (Some(d), _) => pending = Some(d),
            (_, Some(m)) => total += pending.take().unwrap_or(1) * m,
            _ => {}
        }
    }
    (total + pending.unwrap_or(0)).to_string()
}

/// Why a 法人番号 was rejected by [`corporate_number`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CorporateNumberError {
    WrongLength,
    NotDigits,
    BadCheckDigit,
}

impl std::fmt::Display for CorporateNumberError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Self::WrongLength => "a corporate number has 13 digits",
            Self::NotDigits => "a corporate number contains only digits",
            Self::BadCheckDigit => "the corporate number's check digit is wrong",
        })
    }
}

impl std::error::Error for CorporateNumberError {}

/// Validates a 法人番号: 13 ASCII digits after NFKC and removal of dashes and
/// spaces, whose first digit is the check digit of the other twelve.
/// Returns the normalized 13-digit string.
pub fn corporate_number(s: &str) -> Result<String, CorporateNumberError> {
    let number: String = fold(s).chars().filter(|c| !matches!(c, '-' | ' ')).collect();
    if !number.chars().all(|c| c.is_ascii_digit()) {
        return Err(CorporateNumberError::NotDigits);
    }
    if number.len() != 13 {
        return Err(CorporateNumberError::WrongLength);
    }
    if u32::from(number.as_bytes()[0] - b'0') != corporate_check_digit(&number[1..]) {
        return Err(CorporateNumberError::BadCheckDigit);
    }
    Ok(number)
}

/// Check digit of a 法人番号's 12-digit base number (ASCII digits; the
/// caller checks them): 9 - (Σ digit × weight mod 9), the weight being 1 for
/// odd positions counted from the rightmost digit and 2 for even ones. The
/// one copy of the rule: validation, the demo-data generator and the
/// benchmarks all use it.
pub fn corporate_check_digit(base: &str) -> u32 {
    let sum: u32 = base
        .bytes()
        .rev()
        .enumerate()
        .map(|(i, b)| {
            let d = u32::from(b.wrapping_sub(b'0'));
            if i % 2 == 0 {
                d
            } else {
                d * 2
            }
        })
        .sum();
    9 - sum % 9
}

/// Search-query terms: [`fold`] then split on spaces, empties dropped.
pub fn query_terms(q: &str) -> Vec<String> {
    fold(q).split(' ').filter(|t| !t.is_empty()).map(str::to_string).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::fmt::Debug;

    /// Runs `f` over every row and reports all mismatches at once.
    fn check<T: PartialEq + Debug>(name: &str, f: impl Fn(&str) -> T, cases: &[(&str, T)]) {
        let failures: Vec<String> = cases
            .iter()
            .filter_map(|(input, expected)| {
                let got = f(input);
                (got != *expected).then(|| format!("{name}({input:?}) = {got:?}, expected {expected:?}"))
            })
            .collect();
        assert!(failures.is_empty(), "\n{}", failures.join("\n"));
    }

    fn some(s: &str) -> Option<String> {
        Some(s.to_string())
    }

    #[test]
    fn fold_cases() {
        check(
            "fold",
            fold,
            &[
                ("", String::new()),
                ("  山田　太郎  ", "山田 太郎".into()),
                ("a\t\tb\n\r\nc", "a b c".into()),
                ("ＡＢＣ ａｂｃ １２３", "abc abc 123".into()),
                ("NTTドコモ", "nttドコモ".into()),
                ("ﾀﾞｲﾌｸ ｶﾞｯｺｳ", "ダイフク ガッコウ".into()),
                ("ｳﾞｨﾗ ﾊﾟﾝ", "ヴィラ パン".into()),
                ("ｺｰﾋｰ", "コーヒー".into()),
                ("03ー1234ー5678", "03-1234-5678".into()),
                ("03ｰ1234ｰ5678", "03-1234-5678".into()),
                ("０３－１２３４－５６７８", "03-1234-5678".into()),
                ("1‐2‑3‒4–5—6―7−8﹣9－0", "1-2-3-4-5-6-7-8-9-0".into()),
                ("ABー", "abー".into()),
                ("髙橋 﨑 碕 嵜", "高橋 崎 崎 崎".into()),
                ("渡邉 渡邊 齋藤 齊藤", "渡辺 渡辺 斎藤 斎藤".into()),
                ("濵田 濱田 澤田 中嶋 大嶌", "浜田 浜田 沢田 中島 大島".into()),
                ("冨田 櫻井 廣瀬 國分 藏本 槇原 桒原", "富田 桜井 広瀬 国分 蔵本 槙原 桑原".into()),
                ("㈱山田 ㍿", "(株)山田 株式会社".into()),
                ("Ｔａｒｏ＠Ｅｘａｍｐｌｅ．ｃｏｍ", "taro@example.com".into()),
                ("ÄBC", "Äbc".into()),
                ("a\u{200B}b\u{FEFF}", "ab".into()),
                ("①", "1".into()),
            ],
        );
    }

    #[test]
    fn fold_is_idempotent() {
        for s in ["  ﾀﾞｲﾌｸ　髙橋 03ｰ1234ｰ5678 ＡＢＣ ㈱", "a\t b", "ｺｰﾋｰ−"] {
            assert_eq!(fold(&fold(s)), fold(s), "input {s:?}");
        }
    }

    #[test]
    fn kana_conversion_cases() {
        check(
            "to_katakana",
            to_katakana,
            &[
                ("やまだ たろう", "ヤマダ タロウ".to_string()),
                ("NTTドコモ", "NTTドコモ".into()),
                ("山田たろう", "山田タロウ".into()),
                ("ぁゔゕゖゝゞ", "ァヴヵヶヽヾ".into()),
                ("ｶﾀｶﾅ ー ABC", "ｶﾀｶﾅ ー ABC".into()),
            ],
        );
        check(
            "to_hiragana",
            to_hiragana,
            &[
                ("ヤマダ タロウ", "やまだ たろう".to_string()),
                ("NTTドコモ", "NTTどこも".into()),
                ("コーヒー", "こーひー".into()),
                ("ヴヵヶヽヾ", "ゔゕゖゝゞ".into()),
                ("ヷ山田", "ヷ山田".into()),
            ],
        );
    }

    #[test]
    fn reading_text_is_full_width_katakana() {
        check(
            "reading_text",
            reading_text,
            &[
                ("ﾆﾎﾝﾑｾﾝ", "ニホンムセン".to_string()),
                ("ｶﾞｽ ﾊﾟｲﾌﾟ", "ガス パイプ".to_string()),
                ("ﾄｳﾎｳｱｴﾝ", "トウホウアエン".to_string()),
                ("とうほうあえん", "トウホウアエン".to_string()),
                ("トウホウアエン", "トウホウアエン".to_string()),
                ("やまだ　たろう", "ヤマダ タロウ".to_string()),
                ("ゔぁいおりん", "ヴァイオリン".to_string()),
                ("ｴｰｱｲ ｼｽﾃﾑｽﾞ", "エーアイ システムズ".to_string()),
                ("ＮＴＴでーた", "NTTデータ".to_string()),
                ("  ｽｽﾞｷ  ", "スズキ".to_string()),
                ("", String::new()),
            ],
        );
        for s in ["ﾆﾎﾝﾑｾﾝ", "やまだ　たろう", "ｶﾌﾞｼｷｶﾞｲｼｬ ﾔﾏﾀﾞｼｮｳｼﾞ", "ゝゞ"]
        {
            assert_eq!(reading_text(&reading_text(s)), reading_text(s), "idempotent: {s}");
            assert_eq!(reading_key(&reading_text(s)), reading_key(s), "same reading key: {s}");
            assert_eq!(company_reading_key(&reading_text(s)), company_reading_key(s), "same company key: {s}");
        }
    }

    #[test]
    fn reading_key_cases() {
        check(
            "reading_key",
            reading_key,
            &[
                ("やまだ たろう", "ヤマダタロウ".to_string()),
                ("ﾔﾏﾀﾞ ﾀﾛｳ", "ヤマダタロウ".into()),
                ("　さいとう　", "サイトウ".into()),
                ("きょうと", "キョウト".into()),
                ("コーヒー", "コーヒー".into()),
                ("ＡＢＣ", "abc".into()),
            ],
        );
    }

    #[test]
    fn reading_fuzzy_key_cases() {
        check(
            "reading_fuzzy_key",
            reading_fuzzy_key,
            &[
                ("きょうと", "キヨウト".to_string()),
                ("がっこう", "ガツコウ".into()),
                ("コーヒー", "コヒ".into()),
                ("ｺｰﾋｰ", "コヒ".into()),
                ("ヴァイオリン", "ヴアイオリン".into()),
                ("ぁぃぅぇぉゎゕゖ", "アイウエオワカケ".into()),
                ("ﾀﾞｲﾌｸ", "ダイフク".into()),
                ("ぱぴ", "パピ".into()),
            ],
        );
    }

    #[test]
    fn company_name_key_cases() {
        check(
            "company_name_key",
            company_name_key,
            &[
                ("山田商事", "山田商事".to_string()),
                ("株式会社 山田商事", "山田商事".into()),
                ("株式会社山田商事", "山田商事".into()),
                ("㈱山田商事", "山田商事".into()),
                ("(株)山田商事", "山田商事".into()),
                ("（株）山田商事", "山田商事".into()),
                ("山田商事株式会社", "山田商事".into()),
                ("山田商事（株）", "山田商事".into()),
                ("山田商事 ㈱", "山田商事".into()),
                ("㍿山田商事", "山田商事".into()),
                ("株式會社山田商事", "山田商事".into()),
                ("山田　商事", "山田商事".into()),
                ("有限会社山田商事", "山田商事".into()),
                ("㈲山田商事", "山田商事".into()),
                ("合同会社山田商事", "山田商事".into()),
                ("山田商事(同)", "山田商事".into()),
                ("合資会社山田商事", "山田商事".into()),
                ("合名会社山田商事", "山田商事".into()),
                ("カブシキガイシャ山田商事", "山田商事".into()),
                ("髙島屋株式会社", "高島屋".into()),
                ("ﾔﾏﾀﾞｼｮｳｼﾞ(ｶ)", "ヤマダショウジ".into()),
                ("ｶ)ﾔﾏﾀﾞｼｮｳｼﾞ", "ヤマダショウジ".into()),
                ("ﾔﾏﾀﾞｼｮｳｼﾞ(ｶ", "ヤマダショウジ".into()),
                ("ｶﾌﾞｼｷｶﾞｲｼｬ ﾔﾏﾀﾞｼｮｳｼﾞ", "ヤマダショウジ".into()),
                ("ヤマダ・ショウジ", "ヤマダショウジ".into()),
                ("ﾔﾏﾀﾞ･ｼｮｳｼﾞ", "ヤマダショウジ".into()),
                ("カワカミ", "カワカミ".into()),
                ("Yamada Shoji Co., Ltd.", "yamadashoji".into()),
                ("YAMADA SHOJI CO.,LTD.", "yamadashoji".into()),
                ("Acme, Inc.", "acme".into()),
                ("Acme Corp.", "acme".into()),
                ("Sony K.K.", "sony".into()),
                ("Ｚｉｎｃ", "zinc".into()),
                ("NTTドコモ株式会社", "nttドコモ".into()),
                ("一般社団法人 日本ABC協会", "日本abc協会".into()),
                ("（一社）日本ABC協会", "日本abc協会".into()),
                ("一般財団法人日本財団", "日本財団".into()),
                ("公益財団法人 日本財団", "日本財団".into()),
                ("NPO法人 はなまる", "はなまる".into()),
                ("特定非営利活動法人はなまる", "はなまる".into()),
                ("医療法人社団 健康会", "健康会".into()),
                ("社会福祉法人 さくら会", "さくら会".into()),
                ("学校法人 山田学園", "山田学園".into()),
                ("株式会社", String::new()),
            ],
        );
    }

    #[test]
    fn company_tables_are_in_folded_form_and_longest_first() {
        for table in [COMPANY_DESIGNATORS, DESIGNATOR_READINGS, ENGLISH_SUFFIXES] {
            for (i, entry) in table.iter().enumerate() {
                assert_eq!(&fold(entry), entry, "entry {entry:?} is not folded");
                for later in &table[i + 1..] {
                    assert!(!later.contains(entry), "{later:?} can never match: {entry:?} comes first");
                }
            }
        }
    }

    #[test]
    fn company_reading_key_cases() {
        check(
            "company_reading_key",
            company_reading_key,
            &[
                ("ヤマダショウジ", "ヤマダショウジ".to_string()),
                ("カブシキガイシャ ヤマダショウジ", "ヤマダショウジ".into()),
                ("やまだしょうじ かぶしきがいしゃ", "ヤマダショウジ".into()),
                ("カブシキカイシャ ヤマダ", "ヤマダ".into()),
                ("ユウゲンガイシャ ヤマダ", "ヤマダ".into()),
                ("ゴウドウガイシャ ヤマダ", "ヤマダ".into()),
                ("ｶ)ﾔﾏﾀﾞｼｮｳｼﾞ", "ヤマダショウジ".into()),
                ("ﾔﾏﾀﾞｼｮｳｼﾞ(ｶ", "ヤマダショウジ".into()),
                ("（カ）ヤマダショウジ", "ヤマダショウジ".into()),
                ("ﾕ)ﾔﾏﾀﾞ", "ヤマダ".into()),
                ("ヤマダ・ショウジ", "ヤマダショウジ".into()),
                ("カワカミ", "カワカミ".into()),
                ("カブカ", "カブカ".into()),
            ],
        );
    }

    #[test]
    fn person_name_key_cases() {
        let cases: &[((&str, &str), &str)] = &[
            (("山田", "太郎"), "山田太郎"),
            ((" 山田　", "　花子 "), "山田花子"),
            (("髙橋", "一郎"), "高橋一郎"),
            (("渡邉", ""), "渡辺"),
            (("Smith ", " John"), "smithjohn"),
            (("ﾔﾏﾀﾞ", "ﾀﾛｳ"), "ヤマダタロウ"),
        ];
        for ((family, given), expected) in cases {
            assert_eq!(person_name_key(family, given), *expected, "{family:?} {given:?}");
        }
    }

    #[test]
    fn phone_key_cases() {
        let tokyo = some("+81312345678");
        check(
            "phone_key",
            phone_key,
            &[
                ("03-1234-5678", tokyo.clone()),
                ("0312345678", tokyo.clone()),
                ("(03)1234-5678", tokyo.clone()),
                ("（03）1234－5678", tokyo.clone()),
                ("+81 3 1234 5678", tokyo.clone()),
                ("+81-3-1234-5678", tokyo.clone()),
                ("０３−１２３４−５６７８", tokyo.clone()),
                ("０３－１２３４－５６７８", tokyo.clone()),
                ("03ー1234ー5678", tokyo.clone()),
                (" 03 1234 5678 ", tokyo.clone()),
                ("03-1234-5678 内線123", tokyo.clone()),
                ("03-1234-5678 ext. 12", tokyo.clone()),
                // The stored forms of annotated numbers have the bare number's key.
                ("03-1234-5678 (代表)", tokyo.clone()),
                ("03-1234-5678(代)", tokyo.clone()),
                ("03-1234-5678 (直通)", tokyo.clone()),
                ("03-1234-5678 内線 123", tokyo.clone()),
                ("03-1234-5678 ～9", tokyo.clone()),
                ("代表:03-1234-5678", tokyo.clone()),
                ("TEL 03-1234-5678 FAX 03-1234-5679", tokyo),
                ("090-1234-5678", some("+819012345678")),
                ("０９０１２３４５６７８", some("+819012345678")),
                ("0120-123-456", some("+81120123456")),
                ("050-1234-5678", some("+815012345678")),
                ("0570-012-345", some("+81570012345")),
                ("06-6123-4567", some("+81661234567")),
                ("+1 650-253-0000", some("+16502530000")),
                ("", None),
                ("　 ", None),
                ("12345", None),
                ("abc", None),
                ("123-456", some("123456")),
                ("+999 1234 5678", some("+99912345678")),
            ],
        );
    }

    #[test]
    fn email_key_cases() {
        check(
            "email_key",
            email_key,
            &[
                ("  Taro@Example.COM ", some("taro@example.com")),
                ("ｔａｒｏ＠ｅｘａｍｐｌｅ．ｃｏｍ", some("taro@example.com")),
                ("TARO.YAMADA+crm@example.co.jp", some("taro.yamada+crm@example.co.jp")),
                ("", None),
                ("　\t", None),
            ],
        );
    }

    #[test]
    fn postal_key_cases() {
        check(
            "postal_key",
            postal_key,
            &[
                ("〒100-0001", some("1000001")),
                ("１００－０００１", some("1000001")),
                ("1000001", some("1000001")),
                ("〒 100 0001", some("1000001")),
                ("100ー0001", some("1000001")),
                ("100−0001", some("1000001")),
                ("100-001", None),
                ("100-00011", None),
                ("100-000a", None),
                ("東京100-0001", None),
                ("", None),
            ],
        );
    }

    #[test]
    fn address_key_cases() {
        let marunouchi = "東京都1000代田区丸の内1-2-3".to_string();
        check(
            "address_key",
            address_key,
            &[
                ("東京都千代田区丸の内一丁目2番3号", marunouchi.clone()),
                ("東京都千代田区丸の内1-2-3", marunouchi.clone()),
                ("東京都千代田区丸の内１－２－３", marunouchi.clone()),
                ("東京都千代田区丸の内1丁目2-3", marunouchi.clone()),
                ("東京都千代田区丸の内1丁目2番地3", marunouchi.clone()),
                ("東京都 千代田区 丸の内 1丁目 2番 3号", marunouchi.clone()),
                ("東京都千代田区丸の内一の二の三", marunouchi.clone()),
                ("東京都千代田区丸の内1ー2ー3", marunouchi.clone()),
                ("東京都千代田区丸の内1-2-3-", marunouchi),
                ("港区六本木六丁目10番1号", "港区6本木6-10-1".to_string()),
                ("二十三番地", "23".into()),
                ("百五号", "105".into()),
                ("千二百三十四", "1234".into()),
                ("一〇一号室", "101室".into()),
                ("十", "10".into()),
                ("1番地の2", "1-2".into()),
                ("1丁目-2", "1-2".into()),
                ("三番町", "3町".into()),
                ("丸の内", "丸の内".into()),
                ("第一ビル 5F", "第1ビル5f".into()),
            ],
        );
    }

    #[test]
    fn corporate_number_cases() {
        use CorporateNumberError::*;
        // Check digits computed by hand (weights 1,2,1,2,… from the rightmost
        // of the 12 base digits; check = 9 - sum % 9):
        // 000012050002: 2·1+0·2+0·1+0·2+5·1+0·2+2·1+1·2 = 11; 11%9=2; 9-2=7 → 7000012050002
        // 010001008846: 6+4·2+8+8·2+0+0+1+0+0+0+1+0 = 40; 40%9=4; 9-4=5 → 5010001008846
        // 180301018771: 1+7·2+7+8·2+1+0+1+0+3+0+8+1·2 = 53; 53%9=8; 9-8=1 → 1180301018771
        // 123456789012: 2+1·2+0+9·2+8+7·2+6+5·2+4+3·2+2+1·2 = 74; 74%9=2 → 7123456789012
        // 000000000000: sum 0 → check 9 → 9000000000000
        check(
            "corporate_number",
            corporate_number,
            &[
                ("7000012050002", Ok("7000012050002".to_string())),
                ("5010001008846", Ok("5010001008846".into())),
                ("1180301018771", Ok("1180301018771".into())),
                ("7123456789012", Ok("7123456789012".into())),
                ("9000000000000", Ok("9000000000000".into())),
                ("７００００１２０５０００２", Ok("7000012050002".into())),
                ("7000-01-205000-2", Ok("7000012050002".into())),
                (" 7000 0120 5000 2 ", Ok("7000012050002".into())),
                ("7000012050003", Err(BadCheckDigit)),
                ("6000012050002", Err(BadCheckDigit)),
                ("0000000000000", Err(BadCheckDigit)),
                ("7123456789021", Err(BadCheckDigit)),
                ("700001205000", Err(WrongLength)),
                ("70000120500021", Err(WrongLength)),
                ("", Err(WrongLength)),
                ("700001205000X", Err(NotDigits)),
                ("T7000012050002", Err(NotDigits)),
            ],
        );
    }

    #[test]
    fn corporate_check_digit_matches_hand_computation() {
        for (base, check) in [
            ("000012050002", 7),
            ("010001008846", 5),
            ("180301018771", 1),
            ("123456789012", 7),
            ("000000000000", 9),
            ("111111111111", 9),
        ] {
            assert_eq!(corporate_check_digit(base), check, "base {base}");
        }
    }

    #[test]
    fn query_terms_cases() {
        check(
            "query_terms",
            query_terms,
            &[
                ("山田　商事", vec!["山田".to_string(), "商事".into()]),
                ("  ", vec![]),
                ("ＡＢＣ  ﾀﾞｲﾌｸ", vec!["abc".into(), "ダイフク".into()]),
                ("髙橋\t03ー1234", vec!["高橋".into(), "03-1234".into()]),
            ],
        );
    }
}
