//! Field descriptors: one static description of every field of every record
//! type. The store, validation, the CLI's flags, the JSON export and the UI's
//! generic forms are all driven by these tables, so a field is declared once
//! (in `model.rs`) and never repeated by hand elsewhere.

use serde::Serialize;
use ts_rs::TS;

/// What a field holds; decides its SQL column type, its validation and its UI widget.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, TS)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum FieldType {
    /// One line of text.
    Text,
    /// Several lines; markdown where the UI renders it.
    LongText,
    /// A kana reading (フリガナ); stored as full-width katakana whatever the input
    /// form (half-width katakana, hiragana: `normalize::reading_text`).
    Reading,
    Email,
    Phone,
    Url,
    /// 郵便番号, 7 digits.
    Postal,
    /// 法人番号, 13 digits with a check digit.
    CorporateNumber,
    /// One of the 47 prefectures (都道府県).
    Prefecture,
    /// `YYYY-MM-DD`.
    Date,
    /// `YYYY-MM-DDTHH:MM` local time.
    DateTime,
    /// A whole number within bounds.
    Int {
        #[ts(type = "number")]
        min: i64,
        #[ts(type = "number")]
        max: i64,
    },
    /// A decimal number within bounds.
    Decimal {
        min: f64,
        max: f64,
    },
    /// Japanese yen, whole, never negative.
    Money,
    /// One of a fixed list of values.
    Enum {
        values: &'static [&'static str],
    },
    /// The id of another record.
    Ref {
        kind: crate::model::Kind,
    },
    /// A list of ids of other records.
    RefList {
        kind: crate::model::Kind,
    },
    /// A list of short strings.
    Tags,
    Bool,
    /// Structured value (list of objects) stored as JSON.
    Json,
}

impl FieldType {
    /// The SQLite column type the field is stored in.
    pub fn sql_type(&self) -> &'static str {
        match self {
            FieldType::Int { .. } | FieldType::Money | FieldType::Bool => "INTEGER",
            FieldType::Decimal { .. } => "REAL",
            _ => "TEXT",
        }
    }
    /// Stored as a JSON document in a TEXT column.
    pub fn is_json(&self) -> bool {
        matches!(self, FieldType::RefList { .. } | FieldType::Tags | FieldType::Json)
    }
}

/// One field of a record type.
#[derive(Debug, Clone, Copy, Serialize, TS)]
pub struct FieldDef {
    pub name: &'static str,
    #[serde(flatten)]
    #[ts(flatten)]
    pub ty: FieldType,
    pub required: bool,
    /// Unique among live records when set (e.g. 顧客コード).
    pub unique: bool,
    pub label_ja: &'static str,
    pub label_en: &'static str,
    /// Section of the record page the field belongs to (e.g. `basic`, `finance`).
    pub section: &'static str,
}

impl FieldDef {
    pub const fn new(ty: FieldType, label_ja: &'static str, label_en: &'static str) -> Self {
        FieldDef { name: "", ty, required: false, unique: false, label_ja, label_en, section: "basic" }
    }
    /// Set by the `record!` macro from the struct field's own name.
    pub const fn named(mut self, name: &'static str) -> Self {
        self.name = name;
        self
    }
    pub const fn required(mut self) -> Self {
        self.required = true;
        self
    }
    pub const fn unique(mut self) -> Self {
        self.unique = true;
        self
    }
    pub const fn section(mut self, section: &'static str) -> Self {
        self.section = section;
        self
    }
}

/// Shorthands used by the field tables in `model.rs`.
pub mod f {
    use super::{FieldDef, FieldType};
    use crate::model::Kind;
    pub const fn text(ja: &'static str, en: &'static str) -> FieldDef {
        FieldDef::new(FieldType::Text, ja, en)
    }
    pub const fn long(ja: &'static str, en: &'static str) -> FieldDef {
        FieldDef::new(FieldType::LongText, ja, en)
    }
    pub const fn reading(ja: &'static str, en: &'static str) -> FieldDef {
        FieldDef::new(FieldType::Reading, ja, en)
    }
    pub const fn of(ty: FieldType, ja: &'static str, en: &'static str) -> FieldDef {
        FieldDef::new(ty, ja, en)
    }
    pub const fn int(min: i64, max: i64, ja: &'static str, en: &'static str) -> FieldDef {
        FieldDef::new(FieldType::Int { min, max }, ja, en)
    }
    pub const fn decimal(min: f64, max: f64, ja: &'static str, en: &'static str) -> FieldDef {
        FieldDef::new(FieldType::Decimal { min, max }, ja, en)
    }
    pub const fn one_of(values: &'static [&'static str], ja: &'static str, en: &'static str) -> FieldDef {
        FieldDef::new(FieldType::Enum { values }, ja, en)
    }
    pub const fn refers(kind: Kind, ja: &'static str, en: &'static str) -> FieldDef {
        FieldDef::new(FieldType::Ref { kind }, ja, en)
    }
    pub const fn refs(kind: Kind, ja: &'static str, en: &'static str) -> FieldDef {
        FieldDef::new(FieldType::RefList { kind }, ja, en)
    }
    pub const fn score5(ja: &'static str, en: &'static str) -> FieldDef {
        FieldDef::new(FieldType::Int { min: 1, max: 5 }, ja, en)
    }
}

/// Declares a record struct and its field table from one list, so the two can
/// never drift. Each field: attributes, `name: Type = descriptor`; the
/// descriptor's name is taken from the field itself.
#[macro_export]
macro_rules! record {
    (
        $(#[$sattr:meta])*
        $name:ident {
            $( $(#[$fattr:meta])* $field:ident : $fty:ty = $def:expr ),* $(,)?
        }
    ) => {
        $(#[$sattr])*
        #[derive(Debug, Clone, PartialEq, Default, serde::Serialize, serde::Deserialize, ts_rs::TS)]
        #[serde(default)]
        pub struct $name {
            $( $(#[$fattr])* pub $field: $fty, )*
        }

        impl $name {
            pub const FIELDS: &'static [$crate::schema::FieldDef] = &[ $( $def.named(stringify!($field)) ),* ];
        }
    };
}
