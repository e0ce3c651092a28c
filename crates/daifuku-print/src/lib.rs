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
pub use forms::{company_card, disclosure, info_report};

/// Adds the PDF of a disclosure (開示) beside its JSON and HTML files: into
/// `out_dir` under the same name with `.pdf` (a path the id cannot steer),
/// or as bytes for a browser to download.
pub fn add_disclosure_pdf(
    store: &Store,
    ctx: &Ctx,
    d: &mut daifuku::store::appi::disclosure::Disclosure,
    out_dir: Option<&str>,
) -> Result<(), ApiError> {
    let printer = Printer::new(store, ctx, None)?;
    let printed = disclosure(&printer, &d.package)?;
    let path = out_dir.map(|dir| daifuku::file_name::inside(std::path::Path::new(dir), &printed.name));
    let file = daifuku::export::Exported {
        file: daifuku::export::FileData::new(printed.name, &printed.bytes),
        rows: d.package.records() as u32,
        warnings: vec![],
    };
    d.pdf = Some(file.deliver(path.as_ref().and_then(|p| p.to_str()))?);
    Ok(())
}
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
    /// Who and which device, for the audit trail's entry of each print.
    pub ctx: Ctx,
}

impl Printer {
    /// The current user (`ctx.user_id`) and the caller's date; `font`: the
    /// override (a file, `path#index`), else a system font.
    pub fn new(store: &Store, ctx: &Ctx, font: Option<&str>) -> Result<Printer, ApiError> {
        let user =
            ctx.user_id.as_deref().and_then(|id| user_name(store, id)).unwrap_or_else(|| "ユーザー未設定".to_string());
        Ok(Printer { user, date: ctx.today(), font: PrintFont::find(font)?, ctx: ctx.clone() })
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

/// Records a print in the audit trail (issue 18): who, which device, which
/// form, which record. Every print calls this with the form and the record
/// printed. A print whose entry cannot be written is not refused: the PDF
/// is already made, and failing here would only hide that it was.
pub(crate) fn record_print(store: &Store, printer: &Printer, form: &str, record: Option<&str>) {
    let entry = daifuku::store::audit::AuditEntry {
        kind: Some(form.to_string()),
        format: Some("pdf".into()),
        count: record.map(|_| 1),
        detail: record.map(String::from),
        ..daifuku::store::audit::AuditEntry::new("print")
    };
    if let Err(e) = store.audit(&printer.ctx, &entry) {
        eprintln!("daifuku: the print was not recorded in the audit trail: {}", e.code);
    }
}

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

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::{json, Value};

    fn add(store: &mut Store, ctx: &Ctx, kind: Kind, v: Value) -> String {
        let Value::Object(m) = v else { unreachable!() };
        store.create_fields(ctx, kind, m).unwrap().id
    }

    /// Lines never overflow the width; closing punctuation never starts a line.
    #[test]
    fn wrapping_japanese() {
        let font = PrintFont::find(None).unwrap();
        let text = "来年春に新社屋を建設する予定のようだ。移転に合わせて、ネットワーク一式を提案する。";
        for width in [40.0, 55.0, 80.0, 130.0] {
            let lines = layout::wrap(&font, text, 9.0, width);
            assert_eq!(lines.concat(), text);
            for l in &lines[1..] {
                let first = l.chars().next().unwrap();
                assert!(!"、。ッ".contains(first), "line starts with {first}: {lines:?}");
            }
            for l in &lines {
                assert!(font.width(l, 9.0) <= width + 0.01, "{l} wider than {width}");
            }
        }
        assert_eq!(layout::wrap(&font, "a\nb", 9.0, 100.0), vec!["a", "b"]);
        let latin = layout::wrap(&font, "taro.yamada@example.co.jp sales division", 9.0, 90.0);
        assert!(latin.iter().all(|l| !l.starts_with(' ')), "{latin:?}");
    }

    /// A card with many contacts: more pages, the footer's user and date.
    #[test]
    fn card_pages_grow_with_the_list() {
        let mut store = Store::open_in_memory().unwrap();
        let mut ctx = store.context(1_775_000_000_000).unwrap();
        let user = add(&mut store, &ctx, Kind::User, json!({"name": "佐藤 一郎"}));
        ctx.user_id = Some(user);
        let co = add(&mut store, &ctx, Kind::Company, json!({"name": "株式会社テスト"}));
        let printer = Printer::new(&store, &ctx, None).unwrap();
        assert_eq!(printer.footer_text(), format!("社外秘 — printed by 佐藤 一郎, {}", ctx.today()));
        let one = company_card(&store, &printer, &co).unwrap();
        assert_eq!(one.pages, 1);
        assert!(one.bytes.starts_with(b"%PDF-"));
        for i in 0..80 {
            add(&mut store, &ctx, Kind::Contact, json!({"company_id": co, "family_name": format!("山田{i}")}));
        }
        let many = company_card(&store, &printer, &co).unwrap();
        assert!(many.pages >= 2, "{}", many.pages);
        if let Ok(dir) = std::env::var("DAIFUKU_PRINT_SAMPLES") {
            std::fs::write(format!("{dir}/card.pdf"), &many.bytes).unwrap();
        }
    }

    #[test]
    fn file_names_are_safe() {
        assert_eq!(file_part("A/B:C*D"), "A_B_C_D");
    }
}
