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

/// E-mail and web address lines read again with the English model (the
/// Japanese one reads `.co.jp` as `cojjp`), side by side; the new reading
/// is kept when it still looks like one.
fn reread_latin(card: &image::GrayImage, mut lines: Vec<ocr::Line>, engine: &OcrEngine) -> Vec<ocr::Line> {
    let is_latin = |l: &ocr::Line| {
        let t = l.text().to_lowercase();
        t.contains('@') || t.contains("http") || t.contains("www")
    };
    // A reading: mostly kana, short.
    let is_kana_line = |l: &ocr::Line| {
        let t: Vec<char> = l.text().chars().filter(|c| !c.is_whitespace()).collect();
        let kana = t.iter().filter(|c| matches!(**c, '\u{3041}'..='\u{30FF}')).count();
        (3..=16).contains(&t.len()) && kana * 10 >= t.len() * 7
    };
    let wanted: Vec<usize> =
        (0..lines.len()).filter(|&i| is_latin(&lines[i]) || is_kana_line(&lines[i])).take(6).collect();
    let crops: Vec<(usize, image::GrayImage, BoxPx)> = wanted
        .into_iter()
        .map(|i| {
            let b = lines[i].bbox;
            let pad = b.h / 2 + 4;
            let x = b.x.saturating_sub(pad);
            let y = b.y.saturating_sub(pad);
            let w = (b.w + 2 * pad).min(card.width() - x);
            let h = (b.h + 2 * pad).min(card.height() - y);
            (i, image::imageops::crop_imm(card, x, y, w, h).to_image(), BoxPx { x, y, w, h })
        })
        .collect();
    let results: Vec<(usize, Option<ocr::Line>, BoxPx)> = std::thread::scope(|s| {
        let handles: Vec<_> = crops
            .iter()
            .map(|(i, crop, at)| {
                let latin = is_latin(&lines[*i]);
                (
                    *i,
                    *at,
                    s.spawn(move || if latin { engine.read_latin_line(crop) } else { engine.read_small_line(crop) }),
                )
            })
            .collect();
        handles.into_iter().map(|(i, at, h)| (i, h.join().ok().flatten(), at)).collect()
    });
    for (i, line, at) in results {
        let Some(mut line) = line else { continue };
        let t = line.text().to_lowercase();
        let old = lines[i].text().to_lowercase();
        let kana = |s: &str| {
            let body: Vec<char> = s.chars().filter(|c| !c.is_whitespace()).collect();
            !body.is_empty() && body.iter().all(|c| matches!(*c, '\u{3041}'..='\u{30FF}'))
        };
        let keeps = (old.contains('@') && t.contains('@'))
            || (!old.contains('@') && (t.contains("http") || t.contains("www")))
            // A reading read again only where the first reading was not all kana.
            || (kana(&t) && !kana(&old) && t.chars().filter(|c| !c.is_whitespace()).count() >= 3);
        if keeps {
            // Back to the card's coordinates.
            for w in &mut line.words {
                w.bbox.x += at.x;
                w.bbox.y += at.y;
            }
            line.bbox.x += at.x;
            line.bbox.y += at.y;
            lines[i] = line;
        }
    }
    lines
}

/// A kana line read without its space (`シミズケイコ`: Tesseract's word
/// boxes on kana are unreliable) is split where the card shows the widest
/// blank between characters, if it is about a character wide: the
/// family and the given reading.
fn split_reading_at_gap(card: &image::GrayImage, line: &mut ocr::Line) {
    let text = line.text();
    let chars: Vec<char> = text.chars().collect();
    let all_kana = chars.iter().all(|c| matches!(*c, '\u{30A1}'..='\u{30FC}' | '\u{3041}'..='\u{3096}'));
    if !(4..=14).contains(&chars.len()) || !all_kana {
        return;
    }
    let b = line.bbox;
    if b.w < b.h * 2 || b.x + b.w > card.width() || b.y + b.h > card.height() {
        return;
    }
    let level = imageproc::contrast::otsu_level(&image::imageops::crop_imm(card, b.x, b.y, b.w, b.h).to_image());
    let ink: Vec<bool> =
        (b.x..b.x + b.w).map(|x| (b.y..b.y + b.h).any(|y| card.get_pixel(x, y).0[0] < level)).collect();
    // Blank runs inside the line.
    let (mut best, mut run_start) = ((0usize, 0usize), None);
    for (i, &dark) in ink.iter().enumerate() {
        match (dark, run_start) {
            (false, None) => run_start = Some(i),
            (true, Some(s)) => {
                if s > 0 && i - s > best.1 - best.0 {
                    best = (s, i);
                }
                run_start = None;
            }
            _ => {}
        }
    }
    let gap = (best.1 - best.0) as f32;
    // The widest blank must stand out: clearly wider than every other one.
    let mut second = 0usize;
    let mut run = 0usize;
    for (i, &dark) in ink.iter().enumerate() {
        if !dark {
            run += 1;
        } else {
            if run > 0 && i - run != best.0 {
                second = second.max(run);
            }
            run = 0;
        }
    }
    let em = b.w as f32 / (chars.len() as f32 + 0.5);
    if gap < second as f32 * 1.6 || gap < em * 0.25 {
        return;
    }
    // Kana are about one em each (a space about half): the blank's centre says after how many.
    let centre = (best.0 + best.1) as f32 / 2.0;
    let k = (centre / em - 0.25).round() as usize;
    if k == 0 || k >= chars.len() {
        return;
    }
    let conf = line.conf();
    let left: String = chars[..k].iter().collect();
    let right: String = chars[k..].iter().collect();
    line.words = vec![
        ocr::Word { text: left, conf, bbox: BoxPx { x: b.x, y: b.y, w: best.0 as u32, h: b.h } },
        ocr::Word { text: right, conf, bbox: BoxPx { x: b.x + best.1 as u32, y: b.y, w: b.w - best.1 as u32, h: b.h } },
    ];
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
        let mut lines = reread::reread(&card, lines, engine);
        for l in lines.iter_mut() {
            split_reading_at_gap(&card, l);
        }
        lines
    } else {
        lines
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
