//! 宛名ラベル: the mailing list on A4 label sheets.
//!
//! Sheets (the common Japanese layouts, e.g. A-one's; no gaps between labels):
//!
//! | layout | labels | label size    | columns × rows | left/right margin | top/bottom margin |
//! |--------|--------|---------------|----------------|-------------------|-------------------|
//! | 12面   | 12     | 86.4 × 42.3 mm | 2 × 6         | 18.6 mm           | 21.6 mm           |
//! | 24面   | 24     | 66.0 × 33.9 mm | 3 × 8         | 6.0 mm            | 12.9 mm           |
//!
//! A label reads 〒 postal code, address, company, department and title,
//! and the name with 様; a company without a person (asked for with
//! `companies_without_contacts`) is addressed to the company with 御中.
//! Text that does not fit a label is made smaller, never cut off.

use std::collections::HashSet;

use daifuku::export::fetch_all;
use daifuku::export::mailing::{closed_companies, mailing_list, MailingOptions};
use daifuku::model::Company;
use daifuku::store::ListQuery;
use daifuku::{ApiError, Kind, Record, Store};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::layout::{render, wrap, Footer, Op, A4_H, A4_W, MM};
use crate::{record_print, Printed, Printer};

/// A label sheet.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, TS)]
pub enum LabelLayout {
    /// 12面: 86.4 × 42.3 mm, 2 × 6.
    #[default]
    #[serde(rename = "12")]
    Twelve,
    /// 24面: 66.0 × 33.9 mm, 3 × 8.
    #[serde(rename = "24")]
    TwentyFour,
}

/// A sheet's geometry in millimetres.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Sheet {
    pub cols: usize,
    pub rows: usize,
    pub w: f32,
    pub h: f32,
    pub left: f32,
    pub top: f32,
    /// Space inside a label before the text.
    pub inset: f32,
    /// Text size relative to the 12面 label's.
    pub scale: f32,
}

impl LabelLayout {
    pub fn sheet(self) -> Sheet {
        match self {
            LabelLayout::Twelve => {
                Sheet { cols: 2, rows: 6, w: 86.4, h: 42.3, left: 18.6, top: 21.6, inset: 5.0, scale: 1.0 }
            }
            LabelLayout::TwentyFour => {
                Sheet { cols: 3, rows: 8, w: 66.0, h: 33.9, left: 6.0, top: 12.9, inset: 3.5, scale: 0.8 }
            }
        }
    }
    pub fn per_sheet(self) -> usize {
        let s = self.sheet();
        s.cols * s.rows
    }
    fn name(self) -> &'static str {
        match self {
            LabelLayout::Twelve => "12",
            LabelLayout::TwentyFour => "24",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize, TS)]
#[serde(default)]
pub struct LabelOptions {
    /// Which contacts, as for the mailing list (bounced, moved and closed companies are left out).
    pub mailing: MailingOptions,
    pub layout: LabelLayout,
    /// Also a label for every company that has no contact at all, addressed 御中
    /// (closed companies, bounced or moved addresses and `exclude_status` left out).
    pub companies_without_contacts: bool,
}

/// What one label says.
#[derive(Debug, Clone, PartialEq)]
pub struct Label {
    pub postal_code: Option<String>,
    pub address: String,
    pub company: Option<String>,
    /// Department and title.
    pub position: Option<String>,
    /// The person; `None` for a company (御中).
    pub name: Option<String>,
}

impl Label {
    /// 様 for a person, 御中 for a company without one.
    pub fn honorific(&self) -> &'static str {
        if self.name.is_some() {
            "様"
        } else {
            "御中"
        }
    }
}

/// The labels to print: the mailing list's rows (様), then the companies
/// without contacts when asked (御中).
pub fn label_list(store: &Store, today: &str, opts: &LabelOptions) -> Result<Vec<Label>, ApiError> {
    let list = mailing_list(store, today, &opts.mailing)?;
    let mut out: Vec<Label> = list
        .rows
        .into_iter()
        .map(|r| {
            let position = [r.department.clone().unwrap_or_default(), r.title.clone().unwrap_or_default()]
                .into_iter()
                .filter(|s| !s.is_empty())
                .collect::<Vec<_>>()
                .join(" ");
            Label {
                postal_code: r.postal_code,
                address: r.address,
                company: r.company_name,
                position: Some(position).filter(|p| !p.is_empty()),
                name: Some(r.name).filter(|n| !n.trim().is_empty()),
            }
        })
        .collect();
    if opts.companies_without_contacts {
        let with_contacts: HashSet<String> = fetch_all(store, Kind::Contact, &ListQuery::default())?
            .into_iter()
            .filter_map(|s| match s.record {
                Record::Contact(c) => c.company_id,
                _ => None,
            })
            .collect();
        let closed = closed_companies(store)?;
        for s in fetch_all(store, Kind::Company, &ListQuery::default())? {
            let Record::Company(c) = s.record else { continue };
            if with_contacts.contains(&s.id)
                || closed.contains(&s.id)
                || matches!(c.address_status.as_deref(), Some("bounced" | "moved"))
                || c.status.as_ref().is_some_and(|st| opts.mailing.exclude_status.contains(st))
            {
                continue;
            }
            let address = company_address(&c);
            if address.is_empty() {
                continue;
            }
            out.push(Label { postal_code: c.postal_code, address, company: Some(c.name), position: None, name: None });
        }
    }
    Ok(out)
}

fn company_address(c: &Company) -> String {
    [&c.prefecture, &c.city, &c.street, &c.building].iter().filter_map(|p| p.as_deref()).collect::<Vec<_>>().join("")
}

/// One line of a label: text and size.
struct Line {
    text: String,
    size: f32,
    right: bool,
}

/// The lines of a label at `scale`, each no wider than `width`: the
/// address wraps; the company and name lines shrink to fit.
fn label_lines(printer: &Printer, l: &Label, width: f32, scale: f32) -> Vec<Line> {
    let font = &printer.font;
    let shrink = |text: &str, size: f32| -> f32 {
        let w = font.width(text, size);
        if w > width {
            size * width / w
        } else {
            size
        }
    };
    let mut lines = Vec::new();
    if let Some(p) = l.postal_code.as_deref().filter(|p| !p.is_empty()) {
        lines.push(Line { text: format!("〒{p}"), size: 9.0 * scale, right: false });
    }
    for t in wrap(font, &l.address, 9.0 * scale, width) {
        lines.push(Line { text: t, size: 9.0 * scale, right: false });
    }
    match (&l.company, &l.name) {
        (Some(co), None) => {
            let text = format!("{co} {}", l.honorific());
            let size = shrink(&text, 11.5 * scale);
            lines.push(Line { text, size, right: false });
        }
        (co, Some(name)) => {
            if let Some(co) = co {
                lines.push(Line { text: co.clone(), size: shrink(co, 9.5 * scale), right: false });
            }
            if let Some(pos) = &l.position {
                lines.push(Line { text: pos.clone(), size: shrink(pos, 8.5 * scale), right: false });
            }
            let text = format!("{name} {}", l.honorific());
            let size = shrink(&text, 12.5 * scale);
            lines.push(Line { text, size, right: true });
        }
        (None, None) => {}
    }
    lines
}

fn lines_height(lines: &[Line]) -> f32 {
    lines.iter().map(|l| l.size * 1.3).sum()
}

/// 宛名ラベル: the labels on A4 sheets (12 or 24 a sheet). An empty list is
/// refused (`print_no_labels`): there is nothing to print.
pub fn labels(store: &Store, printer: &Printer, opts: &LabelOptions) -> Result<Printed, ApiError> {
    let list = label_list(store, &printer.date, opts)?;
    if list.is_empty() {
        return Err(ApiError::new(
            "print_no_labels",
            "No addresses to print: the mailing list is empty with these conditions. Change the conditions, or add addresses to the contacts.",
        ));
    }
    let sheet = opts.layout.sheet();
    let mut pages: Vec<Vec<Op>> = Vec::new();
    let inner_w = (sheet.w - 2.0 * sheet.inset) * MM;
    let inner_h = (sheet.h - 2.0 * sheet.inset) * MM;
    for (i, l) in list.iter().enumerate() {
        let slot = i % opts.layout.per_sheet();
        if slot == 0 {
            pages.push(vec![]);
        }
        let (col, row) = (slot % sheet.cols, slot / sheet.cols);
        let x0 = (sheet.left + col as f32 * sheet.w + sheet.inset) * MM;
        let y0 = (sheet.top + row as f32 * sheet.h + sheet.inset) * MM;
        // Smaller until it fits the label's height (and each line its width).
        let mut scale = sheet.scale;
        let mut lines = label_lines(printer, l, inner_w, scale);
        while lines_height(&lines) > inner_h && scale > 0.3 {
            scale *= 0.92;
            lines = label_lines(printer, l, inner_w, scale);
        }
        let page = pages.last_mut().expect("a page");
        let mut y = y0;
        for line in lines {
            y += line.size * 1.3;
            let x = if line.right { x0 + inner_w - printer.font.width(&line.text, line.size) } else { x0 };
            page.push(Op::Text { x, y: y - line.size * 0.3, size: line.size, text: line.text });
        }
    }
    let footer = Footer {
        text: printer.footer_text(),
        // In the sheet's bottom margin.
        y: A4_H - (sheet.top * MM) / 2.0 + 2.5,
        left: sheet.left.max(8.0) * MM,
        right: A4_W - sheet.left.max(8.0) * MM,
    };
    let bytes = render(&pages, &printer.font, &footer, "宛名ラベル")?;
    record_print(store, printer, "labels", None);
    Ok(Printed {
        name: format!("宛名ラベル_{}面_{}.pdf", opts.layout.name(), printer.date),
        bytes,
        pages: pages.len() as u32,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The sheets fit A4 exactly: margins on both sides, labels edge to edge.
    #[test]
    fn sheets_fit_a4() {
        for (layout, n) in [(LabelLayout::Twelve, 12), (LabelLayout::TwentyFour, 24)] {
            let s = layout.sheet();
            assert_eq!(layout.per_sheet(), n);
            assert!((2.0 * s.left + s.cols as f32 * s.w - 210.0).abs() < 0.05, "{layout:?} width");
            assert!((2.0 * s.top + s.rows as f32 * s.h - 297.0).abs() < 0.05, "{layout:?} height");
        }
        assert_eq!(serde_json::to_value(LabelLayout::TwentyFour).unwrap(), "24");
    }

    #[test]
    fn honorifics() {
        let mut l = Label {
            postal_code: None,
            address: "東京都".into(),
            company: Some("株式会社大福".into()),
            position: None,
            name: Some("山田 太郎".into()),
        };
        assert_eq!(l.honorific(), "様");
        l.name = None;
        assert_eq!(l.honorific(), "御中");
    }
}
