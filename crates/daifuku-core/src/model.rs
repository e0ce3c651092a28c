//! The record model: every record type Daifuku stores, with every field the
//! product brief and the seeds name. Each struct and its field table are
//! declared together by `record!`; `KindMeta` says how a kind is stored,
//! titled, sorted and attached to its parent.

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::record;
use crate::schema::f::*;
use crate::schema::{FieldDef, FieldType};

/// Every record type.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum Kind {
    Company,
    CompanyFinancial,
    CompanyRelation,
    Contact,
    ContactPosition,
    CardExchange,
    Activity,
    Task,
    Deal,
    Product,
    ProductScore,
    CaseStudy,
    Purchase,
    User,
    NoteTemplate,
    Attachment,
}

pub const PREFECTURES: &[&str] = &[
    "北海道",
    "青森県",
    "岩手県",
    "宮城県",
    "秋田県",
    "山形県",
    "福島県",
    "茨城県",
    "栃木県",
    "群馬県",
    "埼玉県",
    "千葉県",
    "東京都",
    "神奈川県",
    "新潟県",
    "富山県",
    "石川県",
    "福井県",
    "山梨県",
    "長野県",
    "岐阜県",
    "静岡県",
    "愛知県",
    "三重県",
    "滋賀県",
    "京都府",
    "大阪府",
    "兵庫県",
    "奈良県",
    "和歌山県",
    "鳥取県",
    "島根県",
    "岡山県",
    "広島県",
    "山口県",
    "徳島県",
    "香川県",
    "愛媛県",
    "高知県",
    "福岡県",
    "佐賀県",
    "長崎県",
    "熊本県",
    "大分県",
    "宮崎県",
    "鹿児島県",
    "沖縄県",
];

pub const COMPANY_STATUS: &[&str] = &["prospect", "customer", "dormant", "lost"];
pub const RANKS: &[&str] = &["A", "B", "C"];
pub const ADDRESS_STATUS: &[&str] = &["ok", "bounced", "moved"];
pub const RELATIONS: &[&str] = &["parent", "subsidiary", "affiliate", "merged_into", "acquired_by", "moved_to"];
pub const DECISION_ROLES: &[&str] = &["decision_maker", "influencer", "gatekeeper", "user"];
pub const GENDERS: &[&str] = &["female", "male", "other"];
pub const ACTIVITY_KINDS: &[&str] = &["meeting", "inquiry", "call", "visit", "email", "info_report"];
pub const CHANNELS: &[&str] = &["phone", "email", "visit", "web", "fax", "other"];
pub const MEANS: &[&str] = &["face_to_face", "phone", "document", "email", "other"];
pub const FACTUALITY: &[&str] = &["fact", "speculation"];
pub const DEAL_STAGES: &[&str] = &["lead", "qualified", "proposal", "negotiation", "won", "lost"];
pub const PRODUCT_SIDES: &[&str] = &["own", "competitor"];
pub const SCALES: &[&str] = &["5", "10"];
pub const COMPANY_SIZES: &[&str] = &["micro", "small", "medium", "large", "enterprise"];
pub const PURCHASE_STATUS: &[&str] = &["active", "renewed", "expired", "cancelled"];
/// Kinds a file can be attached to.
pub const ATTACHMENT_OWNERS: &[&str] =
    &["company", "contact", "activity", "deal", "product", "case_study", "purchase", "task"];
/// The largest attachment, in bytes (20 MB).
pub const MAX_ATTACHMENT_BYTES: i64 = 20 * 1024 * 1024;

/// An SNS account of a company (service name and handle or URL).
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize, TS)]
pub struct SnsAccount {
    pub service: String,
    pub account: String,
}

/// Sales of one department in one fiscal year (部門別売上).
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize, TS)]
pub struct DepartmentSales {
    pub department: String,
    #[ts(type = "number")]
    pub amount: i64,
}

fn yes() -> bool {
    true
}

record! {
    /// 企業情報: a company profile (seeds 000, 001, 004).
    Company {
        code: Option<String> = text("顧客コード", "Customer code").unique(),
        name: String = text("会社名", "Company name").required(),
        name_reading: Option<String> = reading("フリガナ", "Reading"),
        corporate_number: Option<String> = of(FieldType::CorporateNumber, "法人番号", "Corporate number"),
        status: Option<String> = one_of(COMPANY_STATUS, "ステータス", "Status"),
        rank: Option<String> = one_of(RANKS, "ランク", "Rank"),
        owner_id: Option<String> = refers(Kind::User, "担当営業", "Owner"),
        tags: Vec<String> = of(FieldType::Tags, "タグ", "Tags"),
        postal_code: Option<String> = of(FieldType::Postal, "郵便番号", "Postal code").section("contact"),
        prefecture: Option<String> = of(FieldType::Prefecture, "都道府県", "Prefecture").section("contact"),
        city: Option<String> = text("市区町村", "City").section("contact"),
        street: Option<String> = text("番地", "Street address").section("contact"),
        building: Option<String> = text("建物名", "Building").section("contact"),
        address_status: Option<String> = one_of(ADDRESS_STATUS, "住所の状態", "Address status").section("contact"),
        phone: Option<String> = of(FieldType::Phone, "電話番号", "Phone").section("contact"),
        fax: Option<String> = of(FieldType::Phone, "FAX", "Fax").section("contact"),
        email: Option<String> = of(FieldType::Email, "メール", "E-mail").section("contact"),
        website: Option<String> = of(FieldType::Url, "Webサイト", "Website").section("contact"),
        sns: Vec<SnsAccount> = of(FieldType::Json, "SNS", "Social accounts").section("contact"),
        representative: Option<String> = text("代表者", "Representative").section("organization"),
        representative_title: Option<String> = text("代表者役職", "Representative's title").section("organization"),
        founded: Option<String> = of(FieldType::Date, "設立", "Founded").section("organization"),
        history: Option<String> = long("沿革", "History").section("organization"),
        employees: Option<i32> = int(0, 10_000_000, "従業員数", "Employees").section("organization"),
        average_age: Option<f64> = decimal(15.0, 100.0, "平均年齢", "Average age").section("organization"),
        female_ratio: Option<f64> = decimal(0.0, 100.0, "女性比率(%)", "Female ratio (%)").section("organization"),
        officers: Option<String> = long("役員構成", "Officers").section("organization"),
        sites: Option<i32> = int(0, 100_000, "拠点数", "Number of sites").section("organization"),
        associations: Vec<String> = of(FieldType::Tags, "加盟団体", "Associations").section("organization"),
        industry: Option<String> = text("業種", "Industry").section("business"),
        business_description: Option<String> = long("事業内容", "Business description").section("business"),
        market_position: Option<String> = long("業界での地位・シェア", "Market position / share").section("business"),
        target_market: Option<String> = long("ターゲット市場", "Target market").section("business"),
        reputation: Option<String> = long("市場での評判", "Market reputation").section("business"),
        first_deal_trigger: Option<String> = long("最初の取引のきっかけ", "First-deal trigger").section("business"),
        #[ts(type = "number | null")]
        capital: Option<i64> = of(FieldType::Money, "資本金", "Capital").section("finance"),
        fiscal_month: Option<i32> = int(1, 12, "決算月", "Fiscal year end month").section("finance"),
        banks: Vec<String> = of(FieldType::Tags, "取引銀行", "Banks").section("finance"),
        purchase_process: Option<String> = long("購買決定プロセス・決裁ルート", "Purchase decision process").section("decision"),
        meeting_timing: Option<String> = text("会議・決裁のタイミング", "Meeting / approval timing").section("decision"),
        credit_score: Option<i32> = int(0, 100, "信用評点", "Credit score").section("credit"),
        credit_source: Option<String> = text("評点の出典", "Credit score source").section("credit"),
        credit_date: Option<String> = of(FieldType::Date, "評点の日付", "Credit score date").section("credit"),
        notes: Option<String> = long("メモ", "Notes"),
        // Local-only (issue 18): never synced nor exported; see store/privacy.rs.
        private_memo: Option<String> = long("自分用メモ", "Private memo").section("private"),
    }
}

record! {
    /// 業績: one fiscal year of a company's financials.
    CompanyFinancial {
        company_id: String = refers(Kind::Company, "会社", "Company").required(),
        fiscal_year: i32 = int(1900, 2200, "年度", "Fiscal year").required(),
        #[ts(type = "number | null")]
        revenue: Option<i64> = of(FieldType::Money, "売上高", "Revenue"),
        #[ts(type = "number | null")]
        ordinary_profit: Option<i64> = int(i64::MIN / 2, i64::MAX / 2, "経常利益", "Ordinary profit"),
        department_sales: Vec<DepartmentSales> = of(FieldType::Json, "部門別売上", "Sales by department"),
        notes: Option<String> = long("メモ", "Notes"),
    }
}

record! {
    /// 関連会社: a relation to another company (parent, subsidiary, merged into …).
    CompanyRelation {
        company_id: String = refers(Kind::Company, "会社", "Company").required(),
        relation: String = one_of(RELATIONS, "関係", "Relation").required(),
        related_company_id: Option<String> = refers(Kind::Company, "関連会社", "Related company"),
        related_name: Option<String> = text("関連会社名(未登録)", "Related company name (not registered)"),
        since: Option<String> = of(FieldType::Date, "時期", "Since"),
        notes: Option<String> = long("メモ", "Notes"),
    }
}

record! {
    /// 担当者: a contact person (seeds 000, 003, 004).
    Contact {
        company_id: Option<String> = refers(Kind::Company, "会社", "Company"),
        family_name: String = text("姓", "Family name").required(),
        given_name: Option<String> = text("名", "Given name"),
        family_reading: Option<String> = reading("セイ", "Family name reading"),
        given_reading: Option<String> = reading("メイ", "Given name reading"),
        department: Option<String> = text("部署", "Department"),
        title: Option<String> = text("役職", "Title"),
        decision_role: Option<String> = one_of(DECISION_ROLES, "決裁での役割", "Decision role"),
        importance: Option<i32> = score5("重要度", "Importance"),
        owner_id: Option<String> = refers(Kind::User, "担当営業", "Owner"),
        tags: Vec<String> = of(FieldType::Tags, "タグ", "Tags"),
        email: Option<String> = of(FieldType::Email, "メール", "E-mail").section("contact"),
        phone: Option<String> = of(FieldType::Phone, "電話番号", "Phone").section("contact"),
        mobile: Option<String> = of(FieldType::Phone, "携帯電話", "Mobile").section("contact"),
        postal_code: Option<String> = of(FieldType::Postal, "郵便番号", "Postal code").section("contact"),
        address: Option<String> = text("住所", "Address").section("contact"),
        address_status: Option<String> = one_of(ADDRESS_STATUS, "住所・メールの状態", "Address status").section("contact"),
        birthday: Option<String> = of(FieldType::Date, "誕生日", "Birthday").section("personal"),
        gender: Option<String> = one_of(GENDERS, "性別", "Gender").section("personal"),
        education: Option<String> = text("学歴", "Education").section("personal"),
        hobbies: Option<String> = long("趣味", "Hobbies").section("personal"),
        family: Option<String> = long("家族", "Family").section("personal"),
        relationships: Option<String> = long("人脈", "Relationships").section("personal"),
        memos: Option<String> = long("メモ", "Memos"),
        // Local-only (issue 18): never synced nor exported; see store/privacy.rs.
        private_memo: Option<String> = long("自分用メモ", "Private memo").section("private"),
        // 利用停止 (APPI Art. 35, issue 18): out of mailing lists, third-party
        // exports and suggestions; see store/appi. Columns added by migration 0022.
        #[serde(default)]
        use_stopped: bool = of(FieldType::Bool, "利用停止", "Use stopped").section("appi"),
        use_stopped_on: Option<String> = of(FieldType::Date, "利用停止日", "Use stopped on").section("appi"),
        use_stopped_reason: Option<String> = long("利用停止の理由", "Reason for stopping use").section("appi"),
    }
}

record! {
    /// 部署・役職の履歴: one position a contact held, with dates (seed 003 tragedy 2).
    ContactPosition {
        contact_id: String = refers(Kind::Contact, "担当者", "Contact").required(),
        department: Option<String> = text("部署", "Department"),
        title: Option<String> = text("役職", "Title"),
        from_date: Option<String> = of(FieldType::Date, "開始", "From"),
        to_date: Option<String> = of(FieldType::Date, "終了", "To"),
    }
}

record! {
    /// 名刺交換: when, where, by whom and why a business card was exchanged (seed 003 tragedy 1).
    CardExchange {
        contact_id: String = refers(Kind::Contact, "担当者", "Contact").required(),
        exchanged_on: String = of(FieldType::Date, "交換日", "Date").required(),
        place: Option<String> = text("場所", "Place"),
        our_user_id: Option<String> = refers(Kind::User, "自社の担当", "Our person"),
        context: Option<String> = long("経緯", "Context"),
        importance: Option<i32> = score5("重要度", "Importance"),
    }
}

record! {
    /// 活動: a meeting, inquiry, call, visit, e-mail or information report (seeds 001, 002, 004).
    Activity {
        kind: String = one_of(ACTIVITY_KINDS, "種類", "Kind").required(),
        occurred_at: String = of(FieldType::DateTime, "日時", "Date and time").required(),
        subject: Option<String> = text("件名", "Subject"),
        company_id: Option<String> = refers(Kind::Company, "会社", "Company"),
        contact_ids: Vec<String> = refs(Kind::Contact, "先方出席者", "Their attendees"),
        other_attendees: Option<String> = text("その他の出席者", "Other attendees"),
        our_attendee_ids: Vec<String> = refs(Kind::User, "自社出席者", "Our attendees"),
        deal_id: Option<String> = refers(Kind::Deal, "案件", "Deal"),
        channel: Option<String> = one_of(CHANNELS, "チャネル", "Channel"),
        content: Option<String> = long("内容", "Content"),
        outcome: Option<String> = long("結果・回答", "Outcome / answer"),
        answered_by_id: Option<String> = refers(Kind::User, "対応者", "Answered by"),
        next_steps: Option<String> = long("次のステップ", "Next steps"),
        next_date: Option<String> = of(FieldType::Date, "次回予定日", "Next date"),
        template_id: Option<String> = refers(Kind::NoteTemplate, "テンプレート", "Template"),
        info_kind: Option<String> = text("情報の種類", "Kind of information").section("report"),
        source_who: Option<String> = text("情報源(誰から)", "Source: who").section("report"),
        source_where: Option<String> = text("情報源(どこで)", "Source: where").section("report"),
        source_situation: Option<String> = text("情報源(状況)", "Source: situation").section("report"),
        means: Option<String> = one_of(MEANS, "入手手段", "Means").section("report"),
        factuality: Option<String> = one_of(FACTUALITY, "事実/推測", "Fact or speculation").section("report"),
        credibility: Option<i32> = score5("信憑性", "Credibility").section("report"),
        importance: Option<i32> = score5("重要度", "Importance").section("report"),
        urgency: Option<i32> = score5("緊急度", "Urgency").section("report"),
        how_to_use: Option<String> = long("活用方法", "How to use it").section("report"),
        to_find_out: Option<String> = long("次に集める情報", "What to find out next").section("report"),
        supervisor_decision: Option<String> = long("上司の判断", "Supervisor's decision").section("report"),
        shared_with_ids: Vec<String> = refs(Kind::User, "共有先", "Shared with").section("report"),
        // Issue 18: a private activity's texts never leave this device (store/privacy.rs).
        private: bool = of(FieldType::Bool, "自分用(非公開)", "Private (this device only)"),
    }
}

record! {
    /// 次のアクション: a task with a due date and an assignee.
    Task {
        title: String = text("タイトル", "Title").required(),
        due: Option<String> = of(FieldType::Date, "期限", "Due"),
        assignee_id: Option<String> = refers(Kind::User, "担当者", "Assignee"),
        #[serde(default)]
        done: bool = of(FieldType::Bool, "完了", "Done"),
        done_on: Option<String> = of(FieldType::Date, "完了日", "Done on"),
        company_id: Option<String> = refers(Kind::Company, "会社", "Company"),
        contact_id: Option<String> = refers(Kind::Contact, "担当者(先方)", "Contact"),
        activity_id: Option<String> = refers(Kind::Activity, "元の活動", "From activity"),
        deal_id: Option<String> = refers(Kind::Deal, "案件", "Deal"),
        notes: Option<String> = long("メモ", "Notes"),
    }
}

record! {
    /// 案件: a deal moving through the pipeline.
    Deal {
        company_id: String = refers(Kind::Company, "会社", "Company").required(),
        title: String = text("案件名", "Title").required(),
        stage: String = one_of(DEAL_STAGES, "ステージ", "Stage").required(),
        #[ts(type = "number | null")]
        amount: Option<i64> = of(FieldType::Money, "金額", "Amount"),
        expected_close: Option<String> = of(FieldType::Date, "受注予定日", "Expected close"),
        probability: Option<i32> = int(0, 100, "確度(%)", "Probability (%)"),
        owner_id: Option<String> = refers(Kind::User, "担当営業", "Owner"),
        contact_id: Option<String> = refers(Kind::Contact, "先方担当者", "Contact"),
        product_id: Option<String> = refers(Kind::Product, "商品", "Product"),
        lost_reason: Option<String> = long("失注理由", "Lost reason"),
        notes: Option<String> = long("メモ", "Notes"),
        // Local-only (issue 18): never synced nor exported; see store/privacy.rs.
        private_memo: Option<String> = long("自分用メモ", "Private memo").section("private"),
    }
}

record! {
    /// 商品: our own product or a competitor's (seed 001).
    Product {
        name: String = text("商品名", "Product name").required(),
        name_reading: Option<String> = reading("フリガナ", "Reading"),
        side: String = one_of(PRODUCT_SIDES, "自社/競合", "Own or competitor").required(),
        maker: Option<String> = text("メーカー", "Maker"),
        category: Option<String> = text("カテゴリ", "Category"),
        #[ts(type = "number | null")]
        price: Option<i64> = of(FieldType::Money, "価格", "Price"),
        unit: Option<String> = text("単位", "Unit"),
        competes_with_id: Option<String> = refers(Kind::Product, "競合する自社商品", "Competes with"),
        description: Option<String> = long("説明", "Description"),
        strengths: Option<String> = long("強み", "Strengths"),
        weaknesses: Option<String> = long("弱み", "Weaknesses"),
        website: Option<String> = of(FieldType::Url, "Webサイト", "Website"),
        // Added by migration 0015 (a column appended to the table): last.
        tier: Option<i32> = int(1, 100, "グレード(上位ほど大きい)", "Grade (higher is better)"),
    }
}

record! {
    /// 比較評価: a product's score on one comparison criterion (価格, 品質, 知名度 …).
    ProductScore {
        product_id: String = refers(Kind::Product, "商品", "Product").required(),
        criterion: String = text("評価項目", "Criterion").required(),
        scale: String = one_of(SCALES, "尺度", "Scale").required(),
        score: i32 = int(1, 10, "評点", "Score").required(),
        notes: Option<String> = long("メモ", "Notes"),
    }
}

record! {
    /// 導入事例: a case study, findable by industry and size (seed 001).
    CaseStudy {
        title: String = text("タイトル", "Title").required(),
        product_id: Option<String> = refers(Kind::Product, "商品", "Product"),
        company_id: Option<String> = refers(Kind::Company, "導入企業", "Customer"),
        customer_name: Option<String> = text("導入企業名(未登録)", "Customer name (not registered)"),
        industry: Option<String> = text("業種", "Industry"),
        company_size: Option<String> = one_of(COMPANY_SIZES, "規模", "Company size"),
        before: Option<String> = long("導入前の課題", "Problem before"),
        after: Option<String> = long("導入後の効果", "Effect after"),
    }
}

record! {
    /// 購入・契約履歴: a purchase or contract with its dates (seed 003 tragedy 4).
    Purchase {
        company_id: String = refers(Kind::Company, "会社", "Company").required(),
        contact_id: Option<String> = refers(Kind::Contact, "先方担当者", "Contact"),
        product_id: Option<String> = refers(Kind::Product, "商品", "Product"),
        product_name: Option<String> = text("商品名", "Product name"),
        #[ts(type = "number | null")]
        unit_price: Option<i64> = of(FieldType::Money, "単価", "Unit price"),
        quantity: Option<f64> = decimal(0.0, 1e12, "数量", "Quantity"),
        #[ts(type = "number | null")]
        amount: Option<i64> = of(FieldType::Money, "金額", "Amount"),
        contract_date: Option<String> = of(FieldType::Date, "契約日", "Contract date"),
        start_date: Option<String> = of(FieldType::Date, "開始日", "Start date"),
        expiry_date: Option<String> = of(FieldType::Date, "満了日", "Expiry date"),
        renewal_date: Option<String> = of(FieldType::Date, "更新日", "Renewal date"),
        delivery_date: Option<String> = of(FieldType::Date, "納品日", "Delivery date"),
        status: Option<String> = one_of(PURCHASE_STATUS, "状態", "Status"),
        deal_id: Option<String> = refers(Kind::Deal, "案件", "Deal"),
        notes: Option<String> = long("メモ", "Notes"),
    }
}

record! {
    /// ユーザー: a person of the office.
    User {
        name: String = text("氏名", "Name").required(),
        name_reading: Option<String> = reading("フリガナ", "Reading"),
        email: Option<String> = of(FieldType::Email, "メール", "E-mail"),
        #[serde(default = "yes")]
        active: bool = of(FieldType::Bool, "在籍", "Active"),
        left_on: Option<String> = of(FieldType::Date, "退職日", "Left on"),
    }
}

record! {
    /// 議事録テンプレート: a note template the office edits (seed 002).
    NoteTemplate {
        name: String = text("テンプレート名", "Name").required(),
        activity_kind: Option<String> = one_of(ACTIVITY_KINDS, "活動の種類", "Activity kind"),
        body: Option<String> = long("本文", "Body"),
    }
}

record! {
    /// 添付ファイル: a file (a business-card image, a document) attached to a
    /// record. The record syncs like any other; the bytes are stored by
    /// content (SHA-256) in the `blobs` table and travel through the sync
    /// folder as `a/<sha256>.dfk` (see `store::attachments`).
    Attachment {
        owner_kind: String = one_of(ATTACHMENT_OWNERS, "添付先の種類", "Attached to (kind)").required(),
        owner_id: String = text("添付先", "Attached to").required(),
        name: String = text("ファイル名", "File name").required(),
        mime: Option<String> = text("ファイルの種類", "File type"),
        size: Option<i64> = int(0, MAX_ATTACHMENT_BYTES, "サイズ", "Size"),
        sha256: String = text("SHA-256", "SHA-256").required(),
    }
}

/// How a kind is stored and shown.
#[derive(Debug, Clone, Copy, Serialize, TS)]
pub struct KindMeta {
    pub kind: Kind,
    pub table: &'static str,
    pub label_ja: &'static str,
    pub label_en: &'static str,
    pub fields: &'static [FieldDef],
    /// Fields joined (with a space) to make the record's display name.
    pub title_fields: &'static [&'static str],
    /// Field holding the reading used for あいうえお sorting, if any.
    pub reading_fields: &'static [&'static str],
    /// Default list order: a column and whether it sorts descending.
    pub default_sort: &'static str,
    pub default_desc: bool,
    /// The field pointing at the owning record, for kinds that only live inside another.
    pub parent_field: Option<&'static str>,
}

macro_rules! kinds {
    ($( $variant:ident => $ty:ident, $table:literal, $ja:literal, $en:literal, title $title:expr, reading $reading:expr, sort $sort:literal $desc:literal, parent $parent:expr; )*) => {
        /// One record of any kind, tagged with its kind.
        #[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
        #[serde(tag = "kind", content = "data", rename_all = "snake_case")]
        pub enum Record {
            $( $variant($ty), )*
        }

        impl Record {
            pub fn kind(&self) -> Kind {
                match self { $( Record::$variant(_) => Kind::$variant, )* }
            }
            /// The record's fields as a JSON object.
            pub fn to_fields(&self) -> serde_json::Map<String, serde_json::Value> {
                let v = match self { $( Record::$variant(r) => serde_json::to_value(r), )* };
                match v { Ok(serde_json::Value::Object(m)) => m, _ => unreachable!("records serialize to objects") }
            }
            /// Builds a typed record of `kind` from a JSON object of fields.
            pub fn from_fields(kind: Kind, fields: serde_json::Map<String, serde_json::Value>) -> Result<Record, serde_json::Error> {
                let v = serde_json::Value::Object(fields);
                Ok(match kind { $( Kind::$variant => Record::$variant(serde_json::from_value(v)?), )* })
            }
        }

        impl Kind {
            pub const ALL: &'static [Kind] = &[ $( Kind::$variant, )* ];
            pub fn meta(self) -> &'static KindMeta {
                match self {
                    $( Kind::$variant => {
                        const M: KindMeta = KindMeta {
                            kind: Kind::$variant, table: $table, label_ja: $ja, label_en: $en,
                            fields: $ty::FIELDS, title_fields: $title, reading_fields: $reading,
                            default_sort: $sort, default_desc: $desc, parent_field: $parent,
                        };
                        &M
                    } )*
                }
            }
        }
    };
}

kinds! {
    Company => Company, "companies", "会社", "Companies", title &["name"], reading &["name_reading"], sort "sort_key" false, parent None;
    CompanyFinancial => CompanyFinancial, "company_financials", "業績", "Financials", title &["fiscal_year"], reading &[], sort "fiscal_year" true, parent Some("company_id");
    CompanyRelation => CompanyRelation, "company_relations", "関連会社", "Related companies", title &["relation", "related_name"], reading &[], sort "created_at" false, parent Some("company_id");
    Contact => Contact, "contacts", "担当者", "Contacts", title &["family_name", "given_name"], reading &["family_reading", "given_reading"], sort "sort_key" false, parent None;
    ContactPosition => ContactPosition, "contact_positions", "役職履歴", "Position history", title &["department", "title"], reading &[], sort "from_date" true, parent Some("contact_id");
    CardExchange => CardExchange, "card_exchanges", "名刺交換", "Card exchanges", title &["exchanged_on", "place"], reading &[], sort "exchanged_on" true, parent Some("contact_id");
    Activity => Activity, "activities", "活動", "Activities", title &["subject"], reading &[], sort "occurred_at" true, parent None;
    Task => Task, "tasks", "タスク", "Tasks", title &["title"], reading &[], sort "due" false, parent None;
    Deal => Deal, "deals", "案件", "Deals", title &["title"], reading &[], sort "expected_close" false, parent None;
    Product => Product, "products", "商品", "Products", title &["name"], reading &["name_reading"], sort "sort_key" false, parent None;
    ProductScore => ProductScore, "product_scores", "比較評価", "Comparison scores", title &["criterion"], reading &[], sort "criterion" false, parent Some("product_id");
    CaseStudy => CaseStudy, "case_studies", "導入事例", "Case studies", title &["title"], reading &[], sort "sort_key" false, parent None;
    Purchase => Purchase, "purchases", "購入・契約", "Purchases & contracts", title &["product_name"], reading &[], sort "contract_date" true, parent None;
    User => User, "users", "ユーザー", "Users", title &["name"], reading &["name_reading"], sort "sort_key" false, parent None;
    NoteTemplate => NoteTemplate, "note_templates", "テンプレート", "Note templates", title &["name"], reading &[], sort "sort_key" false, parent None;
    Attachment => Attachment, "attachments", "添付ファイル", "Attachments", title &["name"], reading &[], sort "created_at" true, parent None;
}

impl Kind {
    pub fn as_str(self) -> &'static str {
        // The serde name, e.g. `company_financial` (checked by a test).
        KIND_NAMES[Kind::ALL.iter().position(|k| *k == self).unwrap_or(0)]
    }
    pub fn parse(s: &str) -> Option<Kind> {
        KIND_NAMES.iter().position(|n| *n == s).map(|i| Kind::ALL[i])
    }
    pub fn field(self, name: &str) -> Option<&'static FieldDef> {
        self.meta().fields.iter().find(|f| f.name == name)
    }
}

const KIND_NAMES: &[&str] = &[
    "company",
    "company_financial",
    "company_relation",
    "contact",
    "contact_position",
    "card_exchange",
    "activity",
    "task",
    "deal",
    "product",
    "product_score",
    "case_study",
    "purchase",
    "user",
    "note_template",
    "attachment",
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kind_names_match_serde() {
        for k in Kind::ALL {
            let v = serde_json::to_value(k).unwrap();
            assert_eq!(v.as_str().unwrap(), k.as_str());
            assert_eq!(Kind::parse(k.as_str()), Some(*k));
        }
    }

    #[test]
    fn field_tables_match_structs() {
        // Every descriptor names a real struct field and vice versa.
        for k in Kind::ALL {
            let rec = Record::from_fields(*k, serde_json::Map::new()).unwrap();
            let mut keys: Vec<String> = rec.to_fields().keys().cloned().collect();
            let mut names: Vec<String> = k.meta().fields.iter().map(|f| f.name.to_string()).collect();
            keys.sort();
            names.sort();
            assert_eq!(keys, names, "{k:?}");
        }
    }
}
