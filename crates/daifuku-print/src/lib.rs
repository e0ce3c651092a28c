//! Printing (issue #22 part 2): A4 PDFs of the forms a Japanese sales office
//! prints, carries and circulates, with a Japanese system font embedded and
//! subset (krilla):
//!
//! - [`company_card`]: 顧客カード — a company's profile, contacts with titles
//!   and decision roles, recent activities, open deals, purchases and
//!   contracts with renewal dates (seed 000);
//! - [`info_report`]: 情報報告書 — an activity as the seed-001 form (fact or
//!   speculation, credibility, importance, urgency, circulation list);
//! - [`labels`]: 宛名ラベル — the mailing list on A4 label sheets of 12 or 24
//!   ([`LabelLayout`]), 様 for a person, 御中 for a company without one.
//!
//! Every page carries 「社外秘 — printed by USER, DATE」: the current user
//! and the caller's date ([`Printer::new`] reads both from the `Ctx`; this
//! crate never reads the clock). The font is found on the system at run time
//! ([`font::locate`]); none: `print_font_missing`.
//!
//! Not a dependency of the core: the host (`daifuku-host`) and the CLI call it.

pub mod font;
mod forms;
pub mod labels;
pub mod layout;

use daifuku::model::User;
use daifuku::{ApiError, Ctx, Kind, Record, Store};

pub use font::{FontSource, PrintFont};
pub use forms::{company_card, info_report};
pub use labels::{labels, LabelLayout, LabelOptions};

/// A finished print: the PDF and what it is.
#[derive(Debug, Clone)]
pub struct Printed {
    /// A file name to save it under (e.g. 顧客カード_株式会社山田商事_2026-12-05.pdf).
    pub name: String,
    pub bytes: Vec<u8>,
    pub pages: u32,
}

/// Who prints, when, and with which font.
#[derive(Debug, Clone)]
pub struct Printer {
    /// The current user's name (「ユーザー未設定」 when none is chosen).
    pub user: String,
    /// The caller's local date, `YYYY-MM-DD`.
    pub date: String,
    pub font: PrintFont,
}

impl Printer {
    /// The current user (`ctx.user_id`) and the caller's date; `font`: the
    /// override (a file, `path#index`), else a system font.
    pub fn new(store: &Store, ctx: &Ctx, font: Option<&str>) -> Result<Printer, ApiError> {
        let user = ctx
            .user_id
            .as_deref()
            .and_then(|id| user_name(store, id))
            .unwrap_or_else(|| "ユーザー未設定".to_string());
        Ok(Printer { user, date: ctx.today(), font: PrintFont::find(font)? })
    }

    /// 「社外秘 — printed by USER, DATE」
    pub fn footer_text(&self) -> String {
        format!("社外秘 — printed by {}, {}", self.user, self.date)
    }
}

/// A user's name, if the record exists.
pub(crate) fn user_name(store: &Store, id: &str) -> Option<String> {
    match store.get(Kind::User, id).ok()?.record {
        Record::User(User { name, .. }) => Some(name),
        _ => None,
    }
}

/// Where a print is recorded. The audit trail (issue #18) does not exist
/// yet: when it does, write an entry here (who, what record, which form,
/// when). Every print calls this with the form and the record printed.
// TODO(#18): record the print in the audit trail.
pub(crate) fn record_print(_store: &Store, _printer: &Printer, _form: &str, _record: Option<&str>) {}

/// A file-name-safe version of `s` (no path separators or characters
/// Windows refuses), at most 40 characters.
pub(crate) fn file_part(s: &str) -> String {
    s.chars()
        .map(|c| if "\\/:*?\"<>|".contains(c) || c.is_control() { '_' } else { c })
        .take(40)
        .collect::<String>()
        .trim()
        .to_string()
}
