//! Business cards (名刺) in, offline: a photo or scan of a card becomes a
//! contact.
//!
//! - [`load`]: the file's bytes → an image (JPEG/PNG; PDFs, HEIC, huge,
//!   tiny and corrupt files refused with `card_*` codes).
//! - [`locate`]: the card found in the photo, flattened (perspective),
//!   deskewed and cleaned.
//! - [`ocr`]: Tesseract 5 through its command line (`jpn`, `jpn_vert`).
//! - [`extract`]: the OCR lines → fields with confidences and boxes.
//! - [`save`]: the reviewed fields → a contact (and company if new), a
//!   card-exchange record and the photo as an attachment, dedupe-aware.
//! - [`batch`]: many photos as a background job with progress and cancel.
//! - [`corpus`]: generated cards with ground truth (tests, benchmark).
//!
//! Not a dependency of the core: the host and the CLI use it.

pub mod batch;
pub mod corpus;
pub mod extract;
pub mod load;
pub mod locate;
pub mod ocr;
pub mod reread;
pub mod save;

use base64::Engine as _;
use daifuku::ApiError;
use serde::{Deserialize, Serialize};
use ts_rs::TS;

pub use extract::{CardField, CardFieldName, LOW_CONFIDENCE};
/// The image library, for callers that make test images.
pub use image;
pub use ocr::{BoxPx, Model, OcrEngine};
pub use save::{save, CardSave, CardSaved};

/// How the card's text runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum Orientation {
    Horizontal,
    /// 縦書き.
    Vertical,
}

/// What reading one card found (nothing is written).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct CardScan {
    pub fields: Vec<CardField>,
    pub orientation: Orientation,
    /// A card outline was found in the photo and straightened (false: the
    /// image was taken as the card, like a scan).
    pub found_outline: bool,
    /// Mean confidence over the characters read (0–100).
    pub mean_confidence: f64,
    /// The flattened card the boxes refer to: its size and a PNG in base64.
    pub width: u32,
    pub height: u32,
    pub card_png: String,
    /// Every line read, in order (for copying what the rules missed).
    pub lines: Vec<String>,
}

fn no_card() -> ApiError {
    ApiError::new(
        "card_no_card",
        "No business card was found in the image. Put the card on a darker surface, fill most of the photo with it and try again.",
    )
}

/// Confident characters of a reading: the measure its two models compete on.
fn score(lines: &[ocr::Line]) -> f32 {
    lines
        .iter()
        .flat_map(|l| &l.words)
        .map(|w| if w.conf >= 50.0 { w.conf / 100.0 * w.text.chars().count() as f32 } else { 0.0 })
        .sum()
}

/// Where a kana line printed as `シミズ ケイコ` but read without its space
/// splits: after how many of its `n` characters, from the columns of its
/// ink (`ink[x]`: the band has a dark pixel in column x).
///
/// Kana are set on a fixed pitch, so the space is the blank run whose left
/// side is a whole number of characters wide (the blank inside `ハ` or `ル`
/// lies half a character in) and that is wider than the usual gap between
/// two kana. Written here because no OCR engine reports the space reliably
/// in a run of kana (Tesseract's word boxes on kana are off).
pub fn reading_split(ink: &[bool], n: usize) -> Option<usize> {
    let first = ink.iter().position(|&d| d)?;
    let last = ink.iter().rposition(|&d| d)?;
    if n < 3 || last <= first {
        return None;
    }
    // Blank runs inside the ink: (start, end) relative to the first ink column.
    let mut runs = Vec::new();
    let mut start = None;
    for (x, &dark) in ink.iter().enumerate().take(last + 1).skip(first) {
        match (dark, start) {
            (false, None) => start = Some(x),
            (true, Some(s)) => {
                runs.push((s - first, x - first));
                start = None;
            }
            _ => {}
        }
    }
    let width = (last + 1 - first) as f32;
    let mut best: Option<(usize, f32)> = None;
    for &(s, e) in &runs {
        let gap = (e - s) as f32;
        let (left, right) = (s as f32, width - e as f32);
        let pitch = (left + right) / n as f32;
        if pitch <= 0.0 || gap < pitch * 0.3 {
            continue;
        }
        let at = left / (left + right) * n as f32;
        let k = at.round();
        let off = (at - k).abs();
        if k < 1.0 || k > (n - 1) as f32 || off > 0.3 {
            continue;
        }
        let score = gap / pitch - off;
        if best.is_none_or(|(_, b)| score > b) {
            best = Some((k as usize, score));
        }
    }
    best.map(|(k, _)| k)
}

/// A kana line read without its space (`シミズケイコ`) split into the
/// family and the given reading where the card shows the space
/// ([`reading_split`]), measured on the line's ink band.
fn split_reading_at_gap(card: &image::GrayImage, line: &mut ocr::Line) {
    let text = line.text();
    let chars: Vec<char> = text.chars().collect();
    let all_kana = chars.iter().all(|c| matches!(*c, '\u{30A1}'..='\u{30FC}' | '\u{3041}'..='\u{3096}'));
    if !(4..=14).contains(&chars.len()) || !all_kana {
        return;
    }
    let level = imageproc::contrast::otsu_level(card);
    let Some(b) = reread::ink_bands(card, line.bbox, level).into_iter().max_by_key(|b| b.w) else { return };
    let ink: Vec<bool> =
        (b.x..b.x + b.w).map(|x| (b.y..b.y + b.h).any(|y| card.get_pixel(x, y).0[0] < level)).collect();
    let Some(k) = reading_split(&ink, chars.len()) else { return };
    let conf = line.conf();
    let left: String = chars[..k].iter().collect();
    let right: String = chars[k..].iter().collect();
    // One word with the space in it: the line's text is then `シミズ ケイコ`.
    line.words = vec![ocr::Word { text: format!("{left} {right}"), conf, bbox: b }];
    line.bbox = b;
}

/// Reads one card from a file's bytes. With `with_image`, the flattened
/// card comes back as a PNG for the review screen.
pub fn scan_bytes(bytes: &[u8], engine: &OcrEngine, with_image: bool) -> Result<CardScan, ApiError> {
    let img = load::decode(bytes)?;
    let gray = img.to_luma8();
    drop(img);
    let flat = locate::flatten(&gray);
    drop(gray);
    let card = flat.card;
    // Portrait cards are mostly 縦書き, but not always: both models run side
    // by side (one thread each) and the reading with more confident
    // characters wins. Landscape cards are read horizontally.
    let (lines, orientation) = if card.height() > card.width() {
        let (h, v) = std::thread::scope(|s| {
            let h = s.spawn(|| engine.read(&card, Model::Horizontal));
            let v = engine.read(&card, Model::Vertical);
            (h.join().unwrap_or_else(|_| Err(ApiError::new("internal", "OCR thread panicked"))), v)
        });
        let (h, v) = (h?, v?);
        let (lines, orientation, model) = if score(&v) > score(&h) {
            (v, Orientation::Vertical, Model::Vertical)
        } else {
            (h, Orientation::Horizontal, Model::Horizontal)
        };
        let column = engine.read_column(&card, model)?;
        (ocr::merge(lines, column, orientation == Orientation::Vertical), orientation)
    } else {
        // Modes 3 and 4 side by side: each keeps lines the other drops.
        let (auto, column) = std::thread::scope(|s| {
            let c = s.spawn(|| engine.read_column(&card, Model::Horizontal));
            let a = engine.read(&card, Model::Horizontal);
            (a, c.join().unwrap_or_else(|_| Err(ApiError::new("internal", "OCR thread panicked"))))
        });
        (ocr::merge(auto?, column?, false), Orientation::Horizontal)
    };
    if score(&lines) < 4.0 {
        return Err(no_card());
    }
    let lines = if orientation == Orientation::Horizontal {
        let mut lines = reread::reread(&card, lines, engine, false);
        for l in lines.iter_mut() {
            split_reading_at_gap(&card, l);
        }
        lines
    } else {
        reread::reread(&card, lines, engine, true)
    };
    let chars: usize = lines.iter().flat_map(|l| &l.words).map(|w| w.text.chars().count()).sum();
    let mean = lines.iter().flat_map(|l| &l.words).map(|w| w.conf * w.text.chars().count() as f32).sum::<f32>()
        / chars.max(1) as f32;
    let vertical = orientation == Orientation::Vertical;
    let mut fields = extract::extract(&lines, vertical);
    let mut lines = lines;
    if !fields.iter().any(|f| f.name == CardFieldName::FamilyName) {
        // No name line read: sparse mode finds text the layout analysis took for a picture.
        let model = if vertical { Model::Vertical } else { Model::Horizontal };
        if let Ok(sparse) = engine.read_sparse(&card, model) {
            lines = ocr::merge(lines, sparse, vertical);
            fields = extract::extract(&lines, vertical);
        }
    }
    let card_png = if with_image {
        let mut png = Vec::new();
        use image::ImageEncoder;
        image::codecs::png::PngEncoder::new(&mut png)
            .write_image(card.as_raw(), card.width(), card.height(), image::ExtendedColorType::L8)
            .map_err(|e| ApiError::new("internal", format!("cannot encode the card image: {e}")))?;
        base64::engine::general_purpose::STANDARD.encode(png)
    } else {
        String::new()
    };
    Ok(CardScan {
        fields,
        orientation,
        found_outline: flat.found_outline,
        mean_confidence: (mean as f64 * 10.0).round() / 10.0,
        width: card.width(),
        height: card.height(),
        card_png,
        lines: lines.iter().map(|l| extract::tidy(&l.text())).collect(),
    })
}

/// Reads one card from a file.
pub fn scan_file(path: &std::path::Path, engine: &OcrEngine, with_image: bool) -> Result<CardScan, ApiError> {
    let meta =
        std::fs::metadata(path).map_err(|e| ApiError::new("file_unreadable", format!("{}: {e}", path.display())))?;
    if meta.len() > load::MAX_FILE_BYTES as u64 {
        return Err(load::too_large(format!("{} MB", meta.len() / (1024 * 1024))));
    }
    let bytes =
        std::fs::read(path).map_err(|e| ApiError::new("file_unreadable", format!("{}: {e}", path.display())))?;
    scan_bytes(&bytes, engine, with_image)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Ink columns of kana on a fixed pitch: each glyph `glyph` columns of
    /// ink inside a `pitch`-wide cell, `blank_in` = Some(i) puts a blank in
    /// the middle of glyph i (as in ハ), a space of `space` columns after
    /// glyph `after`.
    fn kana_ink(
        n: usize,
        pitch: usize,
        glyph: usize,
        after: Option<usize>,
        space: usize,
        blank_in: Option<usize>,
    ) -> Vec<bool> {
        let mut ink = vec![false; 5];
        for i in 0..n {
            let side = (pitch - glyph) / 2;
            ink.extend(std::iter::repeat_n(false, side));
            for x in 0..glyph {
                let hole = blank_in == Some(i) && (glyph / 4..glyph * 3 / 4).contains(&x);
                ink.push(!hole);
            }
            ink.extend(std::iter::repeat_n(false, pitch - glyph - side));
            if after == Some(i) {
                ink.extend(std::iter::repeat_n(false, space));
            }
        }
        ink.extend([false; 5]);
        ink
    }

    #[test]
    fn a_reading_splits_at_the_space_not_inside_a_kana() {
        // イノウエ ユミ: 6 kana, the space after the 4th.
        assert_eq!(reading_split(&kana_ink(6, 30, 24, Some(3), 10, None), 6), Some(4));
        // サトウ ハナコ with the blank inside ハ (12) wider than the space's (10).
        assert_eq!(reading_split(&kana_ink(6, 30, 24, Some(2), 4, Some(3)), 6), Some(3));
        // No space printed: no split (the blank inside ハ is half a kana in).
        assert_eq!(reading_split(&kana_ink(6, 30, 24, None, 0, Some(3)), 6), None);
        // Too short to be two names.
        assert_eq!(reading_split(&kana_ink(2, 30, 24, Some(0), 10, None), 2), None);
    }
}
