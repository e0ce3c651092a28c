//! A small page layout of our own on top of krilla (which places glyphs but
//! does not lay out text): pages are lists of drawing operations in points
//! (top-left origin, y down); [`Flow`] fills A4 pages from the top, wraps
//! Japanese text by character (with the basic 禁則: no line starts with
//! closing punctuation), and carries a row that does not fit, or a table's
//! remaining rows, onto the next page, repeating the table's header there.
//! [`render`] adds the footer to every page and writes the PDF.
//!
//! Written here rather than through typst: the forms are a handful of boxes
//! and tables, and typst as a library would bring its whole compiler (and a
//! second copy of krilla) into every binary that links the host.

use daifuku::ApiError;
use krilla::color::luma;
use krilla::geom::{PathBuilder, Point};
use krilla::page::PageSettings;
use krilla::paint::{Fill, Stroke};
use krilla::text::TextDirection;
use krilla::Document;

use crate::font::PrintFont;

/// Points per millimetre.
pub const MM: f32 = 72.0 / 25.4;
pub const A4_W: f32 = 210.0 * MM;
pub const A4_H: f32 = 297.0 * MM;

/// One drawing operation.
#[derive(Debug, Clone, PartialEq)]
pub enum Op {
    /// Text with its baseline at `y`.
    Text {
        x: f32,
        y: f32,
        size: f32,
        text: String,
    },
    Line {
        x1: f32,
        y1: f32,
        x2: f32,
        y2: f32,
        width: f32,
    },
    /// A rectangle, filled with a grey (0 black … 255 white) and/or stroked with a width.
    Rect {
        x: f32,
        y: f32,
        w: f32,
        h: f32,
        fill: Option<u8>,
        stroke: Option<f32>,
    },
}

/// Characters a line must not start with (行頭禁則, the common subset).
const NO_LINE_START: &str = "、。，．・：；？！ー）」』】〕］｝〉》’”ぁぃぅぇぉっゃゅょァィゥェォッャュョ,.)]}:;!?%";

/// Breaks `text` into lines no wider than `width` at `size` (hard breaks at
/// newlines). Japanese breaks between any two characters, except before
/// closing punctuation and small kana, which take the character before them
/// to the next line (追い出し); a run of Latin letters and digits breaks at a
/// space when it can.
pub fn wrap(font: &PrintFont, text: &str, size: f32, width: f32) -> Vec<String> {
    let mut out = Vec::new();
    for para in text.replace("\r\n", "\n").split('\n') {
        let chars: Vec<char> = para.chars().collect();
        let mut line = String::new();
        let mut w = 0.0;
        let mut i = 0;
        while i < chars.len() {
            let c = chars[i];
            let cw = font.char_width(c) * size;
            if w + cw > width && !line.is_empty() {
                // Latin word: move it whole to the next line when the line has a space to break at.
                let mut carry = String::new();
                if NO_LINE_START.contains(c) {
                    // 追い出し: the character before goes down with it (a line of one character keeps it).
                    if line.chars().count() > 1 {
                        if let Some(last) = line.pop() {
                            carry.push(last);
                        }
                    }
                    if carry.is_empty() {
                        line.push(c);
                        w += cw;
                        i += 1;
                        continue;
                    }
                } else if c.is_ascii_alphanumeric() {
                    if let Some(sp) = line.rfind(' ') {
                        let tail = &line[sp + 1..];
                        if !tail.is_empty() && tail.chars().all(|t| t.is_ascii_graphic()) {
                            carry = tail.to_string();
                            line.truncate(sp);
                        }
                    }
                }
                out.push(line.trim_end().to_string());
                w = font.width(&carry, size);
                line = carry;
            }
            line.push(c);
            w += cw;
            i += 1;
        }
        out.push(line.trim_end().to_string());
    }
    out
}

/// Cuts `text` to one line of `width`, ending in … when cut.
pub fn fit_line(font: &PrintFont, text: &str, size: f32, width: f32) -> String {
    if font.width(text, size) <= width {
        return text.to_string();
    }
    let ell = font.width("…", size);
    let mut out = String::new();
    let mut w = 0.0;
    for c in text.chars() {
        let cw = font.char_width(c) * size;
        if w + cw + ell > width {
            break;
        }
        out.push(c);
        w += cw;
    }
    out.push('…');
    out
}

/// One cell of a row: where it is, what it says.
#[derive(Debug, Clone)]
pub struct Cell {
    pub x: f32,
    pub w: f32,
    pub lines: Vec<String>,
    pub size: f32,
    /// Background grey (labels and headers).
    pub fill: Option<u8>,
}

/// Fills pages from top to bottom.
pub struct Flow<'a> {
    pub font: &'a PrintFont,
    pub pages: Vec<Vec<Op>>,
    pub y: f32,
    pub left: f32,
    pub right: f32,
    pub top: f32,
    pub bottom: f32,
    /// Written at the top of every page after the first (the form and whose it is, 「（続き）」).
    pub continued: String,
    /// A table's header, drawn again at the top of a new page.
    header: Option<Vec<Cell>>,
}

pub const PAD: f32 = 2.5;

impl<'a> Flow<'a> {
    /// An A4 page with 15 mm margins (20 mm at the bottom for the footer).
    pub fn new(font: &'a PrintFont, continued: impl Into<String>) -> Flow<'a> {
        Flow {
            font,
            pages: vec![vec![]],
            y: 15.0 * MM,
            left: 15.0 * MM,
            right: A4_W - 15.0 * MM,
            top: 15.0 * MM,
            bottom: A4_H - 20.0 * MM,
            continued: continued.into(),
            header: None,
        }
    }

    pub fn width(&self) -> f32 {
        self.right - self.left
    }

    pub fn op(&mut self, op: Op) {
        self.pages.last_mut().expect("a page").push(op);
    }

    pub fn text(&mut self, x: f32, y: f32, size: f32, text: impl Into<String>) {
        let text = text.into();
        if !text.is_empty() {
            self.op(Op::Text { x, y, size, text });
        }
    }

    pub fn room(&self) -> f32 {
        self.bottom - self.y
    }

    /// Starts a new page: the continuation line, then a table's header if one is open.
    pub fn new_page(&mut self) {
        self.pages.push(vec![]);
        self.y = self.top;
        let c = self.continued.clone();
        self.text(self.left, self.y + 9.0, 9.0, c);
        self.y += 14.0;
        if let Some(h) = self.header.clone() {
            self.draw_row(&h, row_height(&h));
        }
    }

    /// Moves to a new page unless `h` points fit on this one.
    pub fn need(&mut self, h: f32) {
        if h > self.room() {
            self.new_page();
        }
    }

    pub fn gap(&mut self, h: f32) {
        self.y += h;
    }

    /// A section heading: a grey band with the title; keeps `keep` points below it on the same page.
    pub fn section(&mut self, title: &str, keep: f32) {
        self.header = None;
        self.need(18.0 + keep);
        let (x, w) = (self.left, self.width());
        self.op(Op::Rect { x, y: self.y, w, h: 15.0, fill: Some(225), stroke: None });
        self.text(x + 4.0, self.y + 11.0, 10.5, title);
        self.y += 18.0;
    }

    fn draw_row(&mut self, cells: &[Cell], h: f32) {
        for c in cells {
            self.op(Op::Rect { x: c.x, y: self.y, w: c.w, h, fill: c.fill, stroke: Some(0.5) });
            let lh = c.size * 1.35;
            for (i, l) in c.lines.iter().enumerate() {
                let y = self.y + PAD + c.size + i as f32 * lh;
                self.text(c.x + PAD, y, c.size, l.clone());
            }
        }
        self.y += h;
    }

    /// Draws a row of cells; a row that does not fit moves to the next page,
    /// and a row taller than a page is split between pages line by line.
    pub fn row(&mut self, cells: Vec<Cell>) {
        let mut cells = cells;
        loop {
            let h = row_height(&cells);
            if h <= self.room() {
                self.draw_row(&cells, h);
                return;
            }
            let fresh = self.bottom - self.top - 14.0 - self.header.as_ref().map(|h| row_height(h)).unwrap_or(0.0);
            if h <= fresh {
                self.new_page();
                continue;
            }
            // Taller than a page: what fits here, the rest on the next page.
            let fit =
                cells.iter().map(|c| ((self.room() - 2.0 * PAD) / (c.size * 1.35)).floor() as usize).min().unwrap_or(0);
            if fit == 0 {
                self.new_page();
                continue;
            }
            let (now, rest): (Vec<Cell>, Vec<Cell>) = cells
                .iter()
                .map(|c| {
                    let k = fit.min(c.lines.len());
                    (
                        Cell { lines: c.lines[..k].to_vec(), ..c.clone() },
                        Cell { lines: c.lines[k..].to_vec(), ..c.clone() },
                    )
                })
                .unzip();
            let h = row_height(&now);
            self.draw_row(&now, h);
            self.new_page();
            cells = rest;
        }
    }

    /// A cell of relative width `x0..x0+w` of the text width, wrapped.
    pub fn cell(&self, x: f32, w: f32, text: &str, size: f32, fill: Option<u8>) -> Cell {
        Cell { x, w, lines: wrap(self.font, text, size, w - 2.0 * PAD), size, fill }
    }

    /// Label/value pairs in `columns` pairs per row (label cells grey).
    pub fn fields(&mut self, pairs: &[(String, String)], columns: usize, label_w: f32) {
        self.header = None;
        let col_w = self.width() / columns as f32;
        for chunk in pairs.chunks(columns) {
            let mut cells = Vec::new();
            for (i, (label, value)) in chunk.iter().enumerate() {
                let x = self.left + i as f32 * col_w;
                // The last pair of a short chunk takes the rest of the row.
                let w = if i + 1 == chunk.len() { self.right - x } else { col_w };
                cells.push(self.cell(x, label_w, label, 8.0, Some(240)));
                cells.push(self.cell(x + label_w, w - label_w, value, 9.0, None));
            }
            self.row(cells);
        }
    }

    /// A table: `widths` are fractions of the text width; the header row
    /// repeats on every page the table continues onto. No rows: `empty`.
    pub fn table(&mut self, headers: &[&str], widths: &[f32], rows: &[Vec<String>], empty: &str) {
        let total: f32 = widths.iter().sum();
        let mut xs = Vec::new();
        let mut x = self.left;
        for w in widths {
            let w = w / total * self.width();
            xs.push((x, w));
            x += w;
        }
        let header: Vec<Cell> =
            headers.iter().zip(&xs).map(|(h, (x, w))| self.cell(*x, *w, h, 8.0, Some(240))).collect();
        self.header = None;
        self.need(row_height(&header) + 20.0);
        self.draw_row(&header, row_height(&header));
        self.header = Some(header);
        if rows.is_empty() {
            let c = self.cell(self.left, self.width(), empty, 9.0, None);
            self.row(vec![c]);
        }
        for r in rows {
            let cells = r.iter().zip(&xs).map(|(t, (x, w))| self.cell(*x, *w, t, 9.0, None)).collect();
            self.row(cells);
        }
        self.header = None;
    }
}

pub fn row_height(cells: &[Cell]) -> f32 {
    cells.iter().map(|c| c.lines.len().max(1) as f32 * c.size * 1.35).fold(0.0, f32::max) + 2.0 * PAD
}

/// The footer every page carries.
#[derive(Debug, Clone)]
pub struct Footer {
    /// 「社外秘 — printed by USER, DATE」
    pub text: String,
    /// Baseline of the footer, from the top of the page.
    pub y: f32,
    pub left: f32,
    pub right: f32,
}

/// Writes the pages as an A4 PDF, the footer and 「n/N」 on every page.
pub fn render(pages: &[Vec<Op>], font: &PrintFont, footer: &Footer, title: &str) -> Result<Vec<u8>, ApiError> {
    let mut doc = Document::new();
    doc.set_metadata(
        krilla::metadata::Metadata::new().title(title.to_string()).language("ja".into()).creator("Daifuku".into()),
    );
    let n = pages.len();
    for (i, ops) in pages.iter().enumerate() {
        let settings = PageSettings::from_wh(A4_W, A4_H).ok_or_else(|| ApiError::new("internal", "page size"))?;
        let mut page = doc.start_page_with(settings);
        let mut s = page.surface();
        let mut all = ops.clone();
        all.push(Op::Text { x: footer.left, y: footer.y, size: 7.5, text: footer.text.clone() });
        let num = format!("{}/{}", i + 1, n);
        let nw = font.width(&num, 7.5);
        all.push(Op::Text { x: footer.right - nw, y: footer.y, size: 7.5, text: num });
        for op in &all {
            match op {
                Op::Text { x, y, size, text } => {
                    s.set_fill(Some(Fill::default()));
                    s.set_stroke(None);
                    s.draw_text(Point::from_xy(*x, *y), font.krilla.clone(), *size, text, false, TextDirection::Auto);
                }
                Op::Line { x1, y1, x2, y2, width } => {
                    let mut pb = PathBuilder::new();
                    pb.move_to(*x1, *y1);
                    pb.line_to(*x2, *y2);
                    if let Some(path) = pb.finish() {
                        s.set_fill(None);
                        s.set_stroke(Some(Stroke { width: *width, ..Default::default() }));
                        s.draw_path(&path);
                    }
                }
                Op::Rect { x, y, w, h, fill, stroke } => {
                    let mut pb = PathBuilder::new();
                    if let Some(r) = krilla::geom::Rect::from_xywh(*x, *y, *w, *h) {
                        pb.push_rect(r);
                    }
                    if let Some(path) = pb.finish() {
                        s.set_fill(fill.map(|g| Fill { paint: luma::Color::new(g).into(), ..Default::default() }));
                        s.set_stroke(stroke.map(|width| Stroke { width, ..Default::default() }));
                        s.draw_path(&path);
                    }
                }
            }
        }
        s.finish();
        page.finish();
    }
    doc.finish().map_err(|e| ApiError::new("internal", format!("the PDF could not be written: {e:?}")))
}
