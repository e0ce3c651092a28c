//! Column mapping: which field of the record each column of the file fills.
//!
//! Guessed from the headers: every field's Japanese and English label and
//! name (from `model.rs`), plus the words Japanese offices actually put in
//! their sheets (会社名/社名/企業名, 〒, TEL, 携帯 …). Besides fields, a
//! column can fill a *pseudo-target* that the planner splits or resolves:
//! `id`, `address` (a company's whole address → prefecture, city, street),
//! `full_name` / `full_reading` (氏名 → family and given name),
//! `company_code` / `company_reading` (the company a contact belongs to),
//! `address2` (a contact's building line).

use std::collections::HashMap;
use std::sync::OnceLock;

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::error::{ApiError, Result};
use crate::model::Kind;
use crate::normalize;

/// One column of the file and what it fills (`None`: ignored).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct ColumnMap {
    /// 0-based column index.
    pub column: u32,
    /// The column's header, as in the file.
    pub header: String,
    /// A field name of the kind, a pseudo-target, or null to ignore the column.
    pub target: Option<String>,
}

/// Where a mapping came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum MappingSource {
    /// Guessed from the headers.
    Guessed,
    /// Saved by an earlier import of a file with the same headers.
    Saved,
    /// Given by the user (edited in the preview, `--mapping FILE`).
    Given,
}

/// Something a column can be mapped to, for the mapping editor.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct MappingTarget {
    pub target: String,
    pub label_ja: String,
    pub label_en: String,
}

/// Pseudo-targets: (target, kinds it exists for (empty: all), ja, en).
const PSEUDO: &[(&str, &[Kind], &str, &str)] = &[
    ("id", &[], "ID", "Record id"),
    ("address", &[Kind::Company], "住所(一括)", "Whole address"),
    ("full_name", &[Kind::Contact], "氏名", "Full name"),
    ("full_reading", &[Kind::Contact], "氏名フリガナ", "Full name reading"),
    ("address2", &[Kind::Contact], "住所2(建物名)", "Address line 2"),
    ("company_code", &[], "会社の顧客コード", "Company's customer code"),
    ("company_reading", &[Kind::Contact], "会社名フリガナ", "Company reading"),
];

fn pseudo_applies(target: &str, kind: Kind) -> bool {
    PSEUDO.iter().any(|(t, kinds, _, _)| {
        *t == target
            && if *t == "company_code" {
                kind != Kind::Company && kind.field("company_id").is_some()
            } else {
                kinds.is_empty() || kinds.contains(&kind)
            }
    })
}

/// Every target a column of `kind` can be mapped to.
pub fn targets(kind: Kind) -> Vec<MappingTarget> {
    let mut out: Vec<MappingTarget> = kind
        .meta()
        .fields
        .iter()
        .map(|f| MappingTarget {
            target: f.name.to_string(),
            label_ja: f.label_ja.to_string(),
            label_en: f.label_en.to_string(),
        })
        .collect();
    for (t, _, ja, en) in PSEUDO {
        if pseudo_applies(t, kind) {
            out.push(MappingTarget { target: t.to_string(), label_ja: ja.to_string(), label_en: en.to_string() });
        }
    }
    out
}

pub fn is_target(kind: Kind, target: &str) -> bool {
    pseudo_applies(target, kind) || kind.field(target).is_some()
}

/// Header words per kind and target, beyond the field labels.
const SYNONYMS: &[(Kind, &str, &[&str])] = &[
    (
        Kind::Company,
        "name",
        &[
            "会社名",
            "社名",
            "企業名",
            "法人名",
            "会社",
            "取引先",
            "取引先名",
            "得意先",
            "得意先名",
            "顧客名",
            "商号",
            "屋号",
            "company",
            "companyname",
            "organization",
            "org",
            "name",
            "account",
            "accountname",
        ],
    ),
    (
        Kind::Company,
        "name_reading",
        &[
            "フリガナ",
            "ふりがな",
            "カナ",
            "かな",
            "よみ",
            "読み",
            "ヨミ",
            "会社名カナ",
            "社名カナ",
            "会社名フリガナ",
            "furigana",
            "kana",
            "reading",
            "namereading",
        ],
    ),
    (
        Kind::Company,
        "code",
        &[
            "顧客コード",
            "顧客番号",
            "顧客id",
            "取引先コード",
            "得意先コード",
            "会社コード",
            "コード",
            "code",
            "customercode",
            "customerid",
            "accountnumber",
        ],
    ),
    (Kind::Company, "corporate_number", &["法人番号", "corporatenumber", "houjinbangou"]),
    (Kind::Company, "postal_code", &["郵便番号", "〒", "郵便", "zip", "zipcode", "postalcode", "postcode"]),
    (Kind::Company, "prefecture", &["都道府県", "都道府県名", "県", "prefecture", "state"]),
    (Kind::Company, "city", &["市区町村", "市町村", "city"]),
    (Kind::Company, "street", &["番地", "町名番地", "住所1以降"]),
    (Kind::Company, "building", &["住所2", "建物名", "ビル名", "建物", "address2", "building"]),
    (
        Kind::Company,
        "address",
        &["住所", "所在地", "本社所在地", "本店所在地", "本社住所", "住所1", "address", "address1", "streetaddress"],
    ),
    (
        Kind::Company,
        "phone",
        &["電話番号", "電話", "tel", "代表電話", "代表電話番号", "電話番号(代表)", "phone", "telephone", "phonenumber"],
    ),
    (Kind::Company, "fax", &["fax", "fax番号", "ファックス", "ファクス", "ファクシミリ"]),
    (Kind::Company, "email", &["メール", "メールアドレス", "e-mail", "eメール", "email", "mail", "mailaddress"]),
    (
        Kind::Company,
        "website",
        &["url", "ホームページ", "hp", "webサイト", "ウェブサイト", "website", "web", "homepage"],
    ),
    (
        Kind::Company,
        "representative",
        &["代表者", "代表者名", "代表取締役", "代表", "representative", "ceo", "president"],
    ),
    (Kind::Company, "representative_title", &["代表者役職", "代表者肩書"]),
    (Kind::Company, "capital", &["資本金", "capital"]),
    (Kind::Company, "employees", &["従業員数", "社員数", "従業員", "employees", "numberofemployees", "headcount"]),
    (Kind::Company, "industry", &["業種", "業界", "industry"]),
    (Kind::Company, "founded", &["設立", "設立日", "設立年月日", "創業", "創業日", "founded", "established"]),
    (Kind::Company, "fiscal_month", &["決算月", "決算期"]),
    (Kind::Company, "notes", &["備考", "メモ", "注記", "notes", "memo", "remarks", "note"]),
    (Kind::Company, "status", &["ステータス", "状態", "status"]),
    (Kind::Company, "rank", &["ランク", "rank"]),
    (Kind::Company, "tags", &["タグ", "tags"]),
    (
        Kind::Contact,
        "company_id",
        &[
            "会社名",
            "社名",
            "企業名",
            "会社",
            "所属",
            "所属会社",
            "勤務先",
            "取引先",
            "取引先名",
            "company",
            "companyname",
            "organization",
            "org",
        ],
    ),
    (Kind::Contact, "company_code", &["顧客コード", "取引先コード", "会社コード", "customercode"]),
    (Kind::Contact, "company_reading", &["会社名カナ", "会社名フリガナ", "社名カナ", "社名フリガナ"]),
    (
        Kind::Contact,
        "full_name",
        &["氏名", "名前", "お名前", "担当者名", "担当者", "氏名(漢字)", "fullname", "name", "contactname"],
    ),
    (Kind::Contact, "family_name", &["姓", "苗字", "名字", "氏", "lastname", "familyname", "surname"]),
    (Kind::Contact, "given_name", &["名", "firstname", "givenname"]),
    (
        Kind::Contact,
        "full_reading",
        &[
            "フリガナ",
            "ふりがな",
            "カナ",
            "かな",
            "よみ",
            "読み",
            "ヨミ",
            "氏名カナ",
            "氏名フリガナ",
            "氏名(カナ)",
            "furigana",
            "kana",
            "reading",
        ],
    ),
    (
        Kind::Contact,
        "family_reading",
        &["セイ", "せい", "姓カナ", "姓フリガナ", "姓(カナ)", "姓(フリガナ)", "lastnamekana"],
    ),
    (
        Kind::Contact,
        "given_reading",
        &["メイ", "めい", "名カナ", "名フリガナ", "名(カナ)", "名(フリガナ)", "firstnamekana"],
    ),
    (Kind::Contact, "department", &["部署", "部署名", "所属部署", "部門", "部課", "department", "dept", "division"]),
    (Kind::Contact, "title", &["役職", "役職名", "肩書", "肩書き", "title", "jobtitle", "position"]),
    (Kind::Contact, "email", &["メール", "メールアドレス", "e-mail", "eメール", "email", "mail", "mailaddress"]),
    (
        Kind::Contact,
        "phone",
        &["電話番号", "電話", "tel", "会社電話", "直通", "直通電話", "phone", "telephone", "workphone"],
    ),
    (
        Kind::Contact,
        "mobile",
        &["携帯", "携帯電話", "携帯番号", "携帯電話番号", "mobile", "cell", "cellphone", "mobilephone"],
    ),
    (Kind::Contact, "postal_code", &["郵便番号", "〒", "郵便", "zip", "zipcode", "postalcode"]),
    (Kind::Contact, "address", &["住所", "所在地", "会社住所", "住所1", "address", "address1"]),
    (Kind::Contact, "address2", &["住所2", "建物名", "ビル名", "address2"]),
    (Kind::Contact, "birthday", &["誕生日", "生年月日", "birthday"]),
    (Kind::Contact, "gender", &["性別", "gender"]),
    (Kind::Contact, "memos", &["備考", "メモ", "notes", "memo", "remarks"]),
    (Kind::Contact, "tags", &["タグ", "tags"]),
    (
        Kind::Activity,
        "occurred_at",
        &[
            "日時",
            "日付",
            "活動日",
            "活動日時",
            "訪問日",
            "実施日",
            "対応日",
            "対応日時",
            "date",
            "datetime",
            "dateandtime",
        ],
    ),
    (Kind::Activity, "kind", &["種類", "種別", "活動種別", "区分", "type", "kind"]),
    (Kind::Activity, "subject", &["件名", "タイトル", "用件", "subject", "title"]),
    (
        Kind::Activity,
        "content",
        &["内容", "詳細", "本文", "議事録", "メモ", "content", "details", "description", "notes"],
    ),
    (Kind::Activity, "outcome", &["結果", "回答", "outcome", "result"]),
    (Kind::Activity, "next_steps", &["次のステップ", "次回アクション", "nextsteps"]),
    (Kind::Activity, "next_date", &["次回予定日", "次回日", "次回"]),
    (Kind::Activity, "contact_ids", &["先方出席者", "先方担当者", "面談者", "contacts", "attendees"]),
    (Kind::Activity, "channel", &["チャネル", "経路", "channel"]),
    (Kind::Purchase, "product_name", &["商品名", "品名", "製品名", "商品", "品目", "product", "productname", "item"]),
    (Kind::Purchase, "unit_price", &["単価", "unitprice"]),
    (Kind::Purchase, "quantity", &["数量", "個数", "qty", "quantity"]),
    (Kind::Purchase, "amount", &["金額", "合計", "合計金額", "売上", "売上金額", "amount", "total"]),
    (
        Kind::Purchase,
        "contract_date",
        &["契約日", "受注日", "購入日", "注文日", "contractdate", "orderdate", "purchasedate"],
    ),
    (Kind::Purchase, "start_date", &["開始日", "契約開始日", "利用開始日", "startdate"]),
    (
        Kind::Purchase,
        "expiry_date",
        &["満了日", "契約満了日", "終了日", "契約終了日", "有効期限", "expirydate", "enddate"],
    ),
    (Kind::Purchase, "renewal_date", &["更新日", "契約更新日", "renewaldate"]),
    (Kind::Purchase, "delivery_date", &["納品日", "納入日", "出荷日", "deliverydate"]),
    (Kind::Purchase, "status", &["状態", "ステータス", "契約状態", "status"]),
    (Kind::Purchase, "contact_id", &["先方担当者"]),
    (Kind::Purchase, "notes", &["備考", "メモ", "notes", "memo"]),
    (
        Kind::Deal,
        "title",
        &[
            "商談名",
            "案件名",
            "商談",
            "案件タイトル",
            "商談タイトル",
            "deal",
            "dealname",
            "opportunity",
            "opportunityname",
        ],
    ),
    (
        Kind::Deal,
        "stage",
        &["ステージ", "フェーズ", "段階", "進捗", "商談ステータス", "ステータス", "状態", "phase", "stage", "status"],
    ),
    (Kind::Deal, "probability", &["確度", "受注確度", "確率", "見込度", "probability"]),
    (
        Kind::Deal,
        "expected_close",
        &[
            "受注予定日",
            "受注予定",
            "成約予定日",
            "クローズ予定日",
            "契約予定日",
            "closedate",
            "expectedclose",
            "expectedclosedate",
        ],
    ),
    (
        Kind::Deal,
        "amount",
        &["見込金額", "見込み金額", "受注見込金額", "受注見込額", "見積金額", "予算", "金額", "amount", "dealamount"],
    ),
    (Kind::Deal, "owner_id", &["担当営業", "営業担当", "営業担当者", "担当者", "担当", "owner", "dealowner"]),
    (Kind::Deal, "contact_id", &["先方担当者", "顧客担当者", "contact"]),
    (Kind::Deal, "product_id", &["商品", "商品名", "製品", "製品名", "product"]),
    (Kind::Deal, "lost_reason", &["失注理由", "失注要因", "lostreason"]),
    (Kind::Deal, "notes", &["備考", "メモ", "notes", "memo"]),
    (Kind::Company, "owner_id", &["担当営業", "営業担当", "営業担当者", "owner"]),
    (Kind::Task, "due", &["期限", "期日", "締切", "締め切り", "duedate", "due"]),
    (Kind::Task, "assignee_id", &["担当者", "担当", "assignee"]),
    (Kind::Product, "maker", &["メーカー", "メーカー名", "製造元", "maker", "manufacturer"]),
    (Kind::Product, "price", &["価格", "定価", "単価", "price", "listprice"]),
    (Kind::User, "active", &["在籍", "在籍中", "active"]),
    (Kind::User, "left_on", &["退職日", "leftat"]),
];

/// The columns that tell a kind apart: a file can hold the kind only when
/// each group has one of its targets mapped (a deal its title, stage,
/// probability or expected close, with its company; a purchase its
/// product, dates or quantities, with its company …). Companies need none:
/// they are what a file is when nothing else fits.
const TELLING: &[(Kind, &[&[&str]])] = &[
    (Kind::Contact, &[&["full_name", "family_name"]]),
    (Kind::Activity, &[&["occurred_at"], &["content", "kind", "subject"]]),
    (
        Kind::Deal,
        &[&["title", "stage", "probability", "expected_close", "lost_reason"], &["company_id", "company_code"]],
    ),
    (
        Kind::Purchase,
        &[
            &[
                "product_name",
                "product_id",
                "contract_date",
                "start_date",
                "expiry_date",
                "renewal_date",
                "delivery_date",
                "unit_price",
                "quantity",
            ],
            &["company_id", "company_code"],
        ],
    ),
    (Kind::Task, &[&["title"], &["due", "done", "done_on", "assignee_id"]]),
    (
        Kind::Product,
        &[&["name"], &["side", "maker", "category", "price", "unit", "competes_with_id", "strengths", "weaknesses"]],
    ),
    (Kind::CaseStudy, &[&["title"], &["before", "after", "customer_name", "company_size"]]),
    (Kind::User, &[&["name"], &["active", "left_on"]]),
    (Kind::NoteTemplate, &[&["name"], &["body", "activity_kind"]]),
    (Kind::Attachment, &[&["sha256"], &["owner_kind", "owner_id"]]),
];

/// Company columns in files of other kinds.
const COMPANY_REF_WORDS: &[&str] = &[
    "会社名",
    "社名",
    "企業名",
    "会社",
    "取引先",
    "取引先名",
    "得意先",
    "得意先名",
    "顧客名",
    "company",
    "companyname",
];
const COMPANY_CODE_WORDS: &[&str] = &["顧客コード", "取引先コード", "得意先コード", "会社コード", "customercode"];

const READING_WORDS: &[&str] =
    &["フリガナ", "ふりがな", "カナ", "かな", "ヨミ", "よみ", "読み", "kana", "furigana", "reading"];

/// A header as compared: NFKC, lower case, without spaces, punctuation
/// that varies (`_ - ・ : * ※`) and `(必須)` / `(任意)` marks.
pub fn normalize_header(h: &str) -> String {
    // A header is a few words: a long cell is data (header detection reads
    // every cell of the first rows, for every kind; a 5 MB cell took 12 s).
    if h.len() > MAX_HEADER_BYTES {
        return String::new();
    }
    let mut s = normalize::fold(h);
    for mark in ["(必須)", "(任意)", "[必須]", "【必須】", "(required)", "(optional)"] {
        s = s.replace(mark, "");
    }
    s.chars().filter(|c| !matches!(c, ' ' | '_' | '-' | '・' | ':' | '*' | '※' | '.' | '　')).collect()
}

/// The longest cell read as a header (about 100 Japanese characters).
const MAX_HEADER_BYTES: usize = 300;

/// Every header word of a kind, normalized, with its target; in order of
/// precedence (the kind's own labels first, so a Daifuku export reads back
/// exactly; then pseudo-targets; then the words offices use). Built once.
fn words(kind: Kind) -> &'static HashMap<String, &'static str> {
    static TABLES: OnceLock<HashMap<Kind, HashMap<String, &'static str>>> = OnceLock::new();
    let tables = TABLES.get_or_init(|| {
        Kind::ALL
            .iter()
            .map(|&kind| {
                let mut m: HashMap<String, &'static str> = HashMap::new();
                let mut add = |word: &str, target: &'static str| {
                    let w = normalize_header(word);
                    if !w.is_empty() {
                        m.entry(w).or_insert(target);
                    }
                };
                add("id", "id");
                for f in kind.meta().fields {
                    add(f.name, f.name);
                    add(f.label_ja, f.name);
                    add(f.label_en, f.name);
                }
                for (t, _, ja, en) in PSEUDO {
                    if pseudo_applies(t, kind) {
                        add(t, t);
                        add(ja, t);
                        add(en, t);
                    }
                }
                for (k, target, list) in SYNONYMS {
                    if *k == kind {
                        for w in *list {
                            add(w, target);
                        }
                    }
                }
                if kind != Kind::Company && kind.field("company_id").is_some() {
                    for w in COMPANY_CODE_WORDS {
                        add(w, "company_code");
                    }
                    for w in COMPANY_REF_WORDS {
                        add(w, "company_id");
                    }
                }
                (kind, m)
            })
            .collect()
    });
    &tables[&kind]
}

fn exact(kind: Kind, h: &str) -> Option<String> {
    words(kind).get(h).map(|t| t.to_string())
}

/// The reading field that goes with a name field.
fn reading_of(kind: Kind, target: &str) -> Option<&'static str> {
    let r = match target {
        "name" => "name_reading",
        "full_name" => "full_reading",
        "family_name" => "family_reading",
        "given_name" => "given_reading",
        "company_id" if kind == Kind::Contact => "company_reading",
        _ => return None,
    };
    is_target(kind, r).then_some(r)
}

/// Guesses the target of one header.
pub fn guess_one(kind: Kind, header: &str) -> Option<String> {
    let h = normalize_header(header);
    if let Some(t) = exact(kind, &h) {
        return Some(t);
    }
    // 氏名(フリガナ), 会社名カナ: the reading of the named field.
    let (base, paren) = match h.find('(') {
        Some(i) => (h[..i].to_string(), h[i..].to_string()),
        None => (h.clone(), String::new()),
    };
    for w in READING_WORDS {
        let w = normalize_header(w);
        let stem = if paren.contains(&w) { Some(base.clone()) } else { base.strip_suffix(&w).map(str::to_string) };
        if let Some(stem) = stem.filter(|s| !s.is_empty()) {
            if let Some(r) = exact(kind, &stem).and_then(|t| reading_of(kind, &t)) {
                return Some(r.to_string());
            }
        }
    }
    // 資本金(千円), 会社名(漢字): without the parenthesis.
    if !paren.is_empty() && !base.is_empty() {
        if let Some(t) = exact(kind, &base) {
            return Some(t);
        }
    }
    // 電話番号1, 住所１: without a trailing number.
    let trimmed = base.trim_end_matches(|c: char| c.is_ascii_digit());
    if trimmed.len() < base.len() && !trimmed.is_empty() {
        return exact(kind, trimmed);
    }
    None
}

/// Guesses every column's target; a target goes to its first column only.
pub fn guess(kind: Kind, headers: &[String]) -> Vec<ColumnMap> {
    let mut used: Vec<String> = Vec::new();
    headers
        .iter()
        .enumerate()
        .map(|(i, h)| {
            let target = guess_one(kind, h).filter(|t| !used.contains(t));
            if let Some(t) = &target {
                used.push(t.clone());
            }
            ColumnMap { column: i as u32, header: h.clone(), target }
        })
        .collect()
}

fn mapped(m: &[ColumnMap], target: &str) -> bool {
    m.iter().any(|c| c.target.as_deref() == Some(target))
}

/// How well a guessed mapping fits its kind: 3 per column named exactly
/// like one of the kind's fields (label or name), 1 per other mapped column.
fn fit(kind: Kind, m: &[ColumnMap]) -> usize {
    m.iter()
        .filter_map(|c| {
            let t = c.target.as_deref()?;
            let h = normalize_header(&c.header);
            let own = kind
                .field(t)
                .is_some_and(|f| [f.name, f.label_ja, f.label_en].iter().any(|l| normalize_header(l) == h));
            Some(if own { 3 } else { 1 })
        })
        .sum()
}

/// The kind a file most likely holds, with how well its guess fits. Every
/// importable kind is weighed; a kind needs its telling columns
/// ([`TELLING`]); among those that have them, the best fit wins, the
/// earlier kind (companies first) on a tie.
pub fn guess_kind(headers: &[String]) -> (Kind, usize) {
    let company = guess(Kind::Company, headers);
    let mut best = (Kind::Company, fit(Kind::Company, &company));
    for &kind in Kind::ALL.iter().filter(|&&k| k != Kind::Company && super::importable(k)) {
        let Some((_, groups)) = TELLING.iter().find(|(k, _)| *k == kind) else { continue };
        let m = guess(kind, headers);
        if !groups.iter().all(|group| group.iter().any(|t| mapped(&m, t))) {
            continue;
        }
        let score = fit(kind, &m);
        if score > best.1 {
            best = (kind, score);
        }
    }
    best
}

/// The header row among the first rows: the one whose cells map to the
/// most fields (title rows above a table map to none). 0 when in doubt.
pub fn find_header_row(rows: &[Vec<String>], kind: Option<Kind>) -> usize {
    let mut best = (0usize, 0usize);
    for (i, row) in rows.iter().take(10).enumerate() {
        let score = match kind {
            Some(k) => guess(k, row).iter().filter(|c| c.target.is_some()).count(),
            None => guess_kind(row).1,
        };
        if score > best.1 {
            best = (i, score);
        }
    }
    best.0
}

/// Identifies a layout: a hash of the normalized headers, in order.
pub fn fingerprint(headers: &[String]) -> String {
    use sha2::{Digest, Sha256};
    let joined: Vec<String> = headers.iter().map(|h| normalize_header(h)).collect();
    let digest = Sha256::digest(joined.join("\u{1f}").as_bytes());
    hex::encode(&digest[..8])
}

/// Checks a given (or saved) mapping against the file: targets must exist
/// for the kind, columns are matched by header when the index does not fit,
/// and every column of the file gets an entry (unmentioned ones: ignored).
pub fn normalize_given(kind: Kind, headers: &[String], given: &[ColumnMap]) -> Result<Vec<ColumnMap>> {
    let mut out: Vec<ColumnMap> = headers
        .iter()
        .enumerate()
        .map(|(i, h)| ColumnMap { column: i as u32, header: h.clone(), target: None })
        .collect();
    for g in given {
        let by_index = headers
            .get(g.column as usize)
            .filter(|h| g.header.is_empty() || normalize_header(h) == normalize_header(&g.header))
            .map(|_| g.column as usize);
        let col = by_index.or_else(|| headers.iter().position(|h| normalize_header(h) == normalize_header(&g.header)));
        let Some(col) = col else {
            return Err(ApiError::field(
                "unknown_column",
                "mapping",
                format!(
                    "the file has no column {:?}",
                    if g.header.is_empty() { g.column.to_string() } else { g.header.clone() }
                ),
            ));
        };
        if let Some(t) = g.target.as_deref().filter(|t| !t.is_empty()) {
            if !is_target(kind, t) {
                return Err(ApiError::field(
                    "unknown_target",
                    "mapping",
                    format!("{} has no field {t} (column {:?})", kind.as_str(), headers[col]),
                ));
            }
            if let Some(other) = out.iter().find(|c| c.target.as_deref() == Some(t) && c.column as usize != col) {
                return Err(ApiError::field(
                    "duplicate_target",
                    "mapping",
                    format!("{t} is mapped from two columns: {:?} and {:?}", other.header, headers[col]),
                ));
            }
            out[col].target = Some(t.to_string());
        } else {
            out[col].target = None;
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(kind: Kind, cases: &[(&str, Option<&str>)]) {
        for (header, want) in cases {
            assert_eq!(guess_one(kind, header).as_deref(), *want, "{kind:?} {header}");
        }
    }

    #[test]
    fn company_headers() {
        check(
            Kind::Company,
            &[
                ("会社名", Some("name")),
                ("社名", Some("name")),
                ("企業名", Some("name")),
                ("Company Name", Some("name")),
                ("フリガナ", Some("name_reading")),
                ("会社名（フリガナ）", Some("name_reading")),
                ("ﾌﾘｶﾞﾅ", Some("name_reading")),
                ("顧客コード", Some("code")),
                ("法人番号", Some("corporate_number")),
                ("〒", Some("postal_code")),
                ("郵便番号", Some("postal_code")),
                ("都道府県", Some("prefecture")),
                ("住所", Some("address")),
                ("所在地", Some("address")),
                ("TEL", Some("phone")),
                ("電話番号", Some("phone")),
                ("FAX", Some("fax")),
                ("代表者", Some("representative")),
                ("資本金(千円)", Some("capital")),
                ("従業員数", Some("employees")),
                ("業種", Some("industry")),
                ("E-mail", Some("email")),
                ("Webサイト", Some("website")),
                ("電話番号2", Some("phone")),
                ("会社名*", Some("name")),
                ("会社名(必須)", Some("name")),
                ("好きな食べ物", None),
                ("", None),
            ],
        );
    }

    #[test]
    fn contact_headers() {
        check(
            Kind::Contact,
            &[
                ("氏名", Some("full_name")),
                ("姓", Some("family_name")),
                ("名", Some("given_name")),
                ("氏名(フリガナ)", Some("full_reading")),
                ("ふりがな", Some("full_reading")),
                ("セイ", Some("family_reading")),
                ("姓カナ", Some("family_reading")),
                ("会社名", Some("company_id")),
                ("会社名カナ", Some("company_reading")),
                ("顧客コード", Some("company_code")),
                ("部署", Some("department")),
                ("役職", Some("title")),
                ("メール", Some("email")),
                ("携帯", Some("mobile")),
                ("携帯電話", Some("mobile")),
                ("Last Name", Some("family_name")),
                ("First Name", Some("given_name")),
                ("Mobile", Some("mobile")),
            ],
        );
    }

    #[test]
    fn kinds_are_guessed() {
        let h = |v: &[&str]| v.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        assert_eq!(guess_kind(&h(&["会社名", "電話番号", "住所"])).0, Kind::Company);
        assert_eq!(guess_kind(&h(&["会社名", "氏名", "部署", "役職"])).0, Kind::Contact);
        assert_eq!(guess_kind(&h(&["日付", "会社名", "種類", "内容"])).0, Kind::Activity);
        assert_eq!(guess_kind(&h(&["会社名", "商品名", "契約日", "金額"])).0, Kind::Purchase);
    }

    /// Headers as the export writes them (`export::records_sheet`): ID,
    /// every field, a 顧客コード column after the company.
    fn export_headers(kind: Kind, style: &str) -> Vec<String> {
        let mut out = vec!["ID".to_string()];
        for f in kind.meta().fields {
            out.push(
                match style {
                    "ja" => f.label_ja,
                    "en" => f.label_en,
                    _ => f.name,
                }
                .to_string(),
            );
            if f.name == "company_id" && kind != Kind::Company {
                out.push(
                    match style {
                        "ja" => "顧客コード",
                        "en" => "Company's customer code",
                        _ => "company_code",
                    }
                    .to_string(),
                );
            }
        }
        out
    }

    #[test]
    fn deals_and_purchases_are_told_apart() {
        let h = |v: &[&str]| v.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        // As users write them.
        let cases: &[(&[&str], Kind)] = &[
            (&["会社名", "商談名", "フェーズ", "確度", "受注予定日", "見込金額", "担当者", "備考"], Kind::Deal),
            (&["顧客名", "案件名", "ステージ", "金額"], Kind::Deal),
            (&["取引先", "商談名", "確度(%)", "受注予定日"], Kind::Deal),
            (&["Company", "Opportunity Name", "Stage", "Amount", "Close Date"], Kind::Deal),
            (&["会社名", "商品名", "購入日", "数量", "単価", "金額"], Kind::Purchase),
            (&["得意先名", "品名", "契約日", "契約開始日", "契約終了日", "更新日", "金額"], Kind::Purchase),
            (&["会社名", "製品名", "受注日", "数量", "合計"], Kind::Purchase),
            (&["タイトル", "期限", "担当者", "完了"], Kind::Task),
            (&["商品名", "自社/競合", "メーカー", "価格"], Kind::Product),
            (&["氏名", "メール", "在籍", "退職日"], Kind::User),
            (&["テンプレート名", "本文"], Kind::NoteTemplate),
            (&["タイトル", "導入企業名(未登録)", "導入前の課題", "導入後の効果"], Kind::CaseStudy),
        ];
        for (headers, want) in cases {
            assert_eq!(guess_kind(&h(headers)).0, *want, "{headers:?}");
        }
        // As our own export writes every importable kind, in every header style.
        for &kind in Kind::ALL.iter().filter(|k| super::super::importable(**k) && **k != Kind::Attachment) {
            for style in ["ja", "en", "field"] {
                assert_eq!(guess_kind(&export_headers(kind, style)).0, kind, "{kind:?} export, {style} headers");
            }
        }
    }

    #[test]
    fn every_importable_kind_has_telling_columns() {
        for &kind in Kind::ALL.iter().filter(|k| super::super::importable(**k) && **k != Kind::Company) {
            let (_, groups) = TELLING.iter().find(|(k, _)| *k == kind).unwrap_or_else(|| panic!("{kind:?}"));
            for t in groups.iter().flat_map(|g| g.iter()) {
                assert!(is_target(kind, t), "{kind:?} has no target {t}");
            }
        }
    }

    #[test]
    fn header_row_skips_titles() {
        let rows: Vec<Vec<String>> = vec![
            vec!["顧客一覧 2024年4月".into()],
            vec![],
            vec!["会社名".into(), "電話番号".into(), "住所".into()],
            vec!["山田商事".into(), "03-1234-5678".into(), "東京都".into()],
        ];
        assert_eq!(find_header_row(&rows, None), 2);
    }

    #[test]
    fn given_mappings_are_checked() {
        let headers: Vec<String> = vec!["社名".into(), "TEL".into()];
        let given = vec![ColumnMap { column: 99, header: "TEL".into(), target: Some("fax".into()) }];
        let m = normalize_given(Kind::Company, &headers, &given).unwrap();
        assert_eq!(m[1].target.as_deref(), Some("fax"));
        assert_eq!(m[0].target, None);
        let bad = vec![ColumnMap { column: 0, header: "社名".into(), target: Some("nope".into()) }];
        assert_eq!(normalize_given(Kind::Company, &headers, &bad).unwrap_err().code, "unknown_target");
    }
}
