//! Every line of a horizontal card read again on its own.
//!
//! The page reading (modes 3 and 4) finds the lines, but reads a large name
//! badly: its word boxes are off by half a character (`佐藤` → `佐衣`,
//! `森田` → `条田`) and the engine sees a 100-px-high line, far from the
//! ~20-px glyphs its models were trained on. So each line found is cut out
//! again by its ink (the rows and columns that hold dark pixels, not
//! Tesseract's boxes), scaled to a glyph height the model reads best, and read
//! as one line (page segmentation mode 7): Japanese lines with `jpn`, e-mail
//! and web addresses with `eng`.
//!
//! Measured on the generated corpus (examples/linescale.rs): the name line cut
//! by its ink and read alone at 16–28 px was right on 28–29 of 29 clean cards,
//! read in the page 23 of 29; at 48–64 px again only 22–24.

use image::{imageops, GrayImage};

use crate::ocr::{BoxPx, Line, OcrEngine, Word};

/// The glyph height (ink rows of a Japanese line) each line is scaled to.
pub const JPN_GLYPH_PX: u32 = 22;
/// The same for Latin lines (e-mail, web address: caps and descenders).
pub const LATIN_LINE_PX: u32 = 30;

/// Dark pixels: below the card's Otsu level.
fn ink_level(card: &GrayImage) -> u8 {
    imageproc::contrast::otsu_level(card)
}

/// The ink bands (lines of text) around a line Tesseract found at `b`: the
/// rows with dark pixels in `b`'s columns (followed past `b`), gaps of a few rows
/// bridged; each band as wide as its ink runs on (gaps up to 1.5 band heights,
/// so a name's space is bridged but a second column is not). Only bands that
/// lie mostly inside `b` are returned: a neighbour line caught in the window
/// is not read twice.
pub fn ink_bands(card: &GrayImage, b: BoxPx, level: u8) -> Vec<BoxPx> {
    let (cw, ch) = card.dimensions();
    if b.w == 0 || b.h == 0 || b.x >= cw || b.y >= ch {
        return vec![];
    }
    let x0 = b.x;
    let x1 = (b.x + b.w).min(cw);
    // All rows: a band the box cuts through is followed to its end.
    let (y0, y1) = (0, ch);
    let dark = |x: u32, y: u32| card.get_pixel(x, y).0[0] < level;
    // A row is ink when it has at least two dark pixels (one is noise).
    let rows: Vec<bool> = (y0..y1).map(|y| (x0..x1).filter(|&x| dark(x, y)).take(2).count() >= 2).collect();
    let bridge = (b.h / 12).max(2) as usize;
    let mut bands: Vec<(u32, u32)> = Vec::new();
    let mut start: Option<usize> = None;
    let mut last_ink = 0usize;
    for (i, &ink) in rows.iter().enumerate() {
        if ink {
            if start.is_none() {
                start = Some(i);
            }
            last_ink = i;
        } else if let Some(s) = start {
            if i - last_ink > bridge {
                bands.push((y0 + s as u32, y0 + last_ink as u32 + 1));
                start = None;
            }
        }
    }
    if let Some(s) = start {
        bands.push((y0 + s as u32, y0 + last_ink as u32 + 1));
    }
    let mut out = Vec::new();
    for (top, bottom) in bands {
        let h = bottom - top;
        if h < 6 {
            continue;
        }
        // Mostly inside Tesseract's box, or the box mostly inside it (a
        // word of the line read as a line of its own).
        let inside = bottom.min(b.y + b.h).saturating_sub(top.max(b.y));
        if inside * 2 < h && inside * 2 < b.h {
            continue;
        }
        let col = |x: u32| (top..bottom).any(|y| dark(x, y));
        let cols: Vec<u32> = (x0..x1).filter(|&x| col(x)).collect();
        let (Some(&first), Some(&last)) = (cols.first(), cols.last()) else { continue };
        // Run on left and right while the next ink is near.
        let reach = h + h / 2;
        let (mut left, mut right) = (first, last);
        let mut x = left;
        while x > 0 && left - x <= reach {
            x -= 1;
            if col(x) {
                left = x;
            }
        }
        let mut x = right;
        while x + 1 < cw && x - right <= reach {
            x += 1;
            if col(x) {
                right = x;
            }
        }
        out.push(BoxPx { x: left, y: top, w: right - left + 1, h });
    }
    out
}

/// Lines of text anywhere on the card, by their ink alone: bands of rows
/// with dark pixels, cut where the blank between two runs of ink is wider
/// than 1.5 band heights. Solid areas (a brand bar, a logo block: more than
/// half dark) are left out. For finding text the page reading dropped.
pub fn text_segments(card: &GrayImage, level: u8) -> Vec<BoxPx> {
    let (cw, ch) = card.dimensions();
    let dark = |x: u32, y: u32| card.get_pixel(x, y).0[0] < level;
    let rows: Vec<bool> = (0..ch).map(|y| (0..cw).filter(|&x| dark(x, y)).take(2).count() >= 2).collect();
    let mut bands = Vec::new();
    let mut y = 0usize;
    while y < rows.len() {
        if !rows[y] {
            y += 1;
            continue;
        }
        let top = y;
        let mut last = y;
        while y < rows.len() && (rows[y] || y - last <= 2) {
            if rows[y] {
                last = y;
            }
            y += 1;
        }
        bands.push((top as u32, last as u32 + 1));
    }
    let mut out = Vec::new();
    for (top, bottom) in bands {
        let h = bottom - top;
        if !(10..=250).contains(&h) {
            continue;
        }
        let cols: Vec<bool> = (0..cw).map(|x| (top..bottom).any(|y| dark(x, y))).collect();
        let reach = (h + h / 2) as usize;
        let mut x = 0usize;
        while x < cols.len() {
            if !cols[x] {
                x += 1;
                continue;
            }
            let left = x;
            let mut last = x;
            while x < cols.len() && (cols[x] || x - last <= reach) {
                if cols[x] {
                    last = x;
                }
                x += 1;
            }
            let seg = BoxPx { x: left as u32, y: top, w: (last - left + 1) as u32, h };
            let inked = (seg.x..seg.x + seg.w)
                .flat_map(|x| (top..bottom).map(move |y| (x, y)))
                .filter(|&(x, y)| dark(x, y))
                .count();
            if seg.w * 2 >= h && inked * 2 <= (seg.w * h) as usize {
                out.push(seg);
            }
        }
    }
    out
}

fn overlap(a: BoxPx, b: BoxPx) -> f32 {
    let w = ((a.x + a.w).min(b.x + b.w) as i64 - a.x.max(b.x) as i64).max(0);
    let h = ((a.y + a.h).min(b.y + b.h) as i64 - a.y.max(b.y) as i64).max(0);
    (w * h) as f32 / ((a.w * a.h).min(b.w * b.h)).max(1) as f32
}

/// `band` cut out with a margin and scaled so its size across the writing
/// (height; width for a vertical column) becomes `px`.
pub fn normalised_crop(card: &GrayImage, band: BoxPx, px: u32, vertical: bool) -> (GrayImage, f32, BoxPx) {
    let across = if vertical { band.w } else { band.h };
    let (pad_x, pad_y) = if vertical { (across / 2 + 2, across / 2 + 4) } else { (across / 2 + 4, across / 2 + 2) };
    let x = band.x.saturating_sub(pad_x);
    let y = band.y.saturating_sub(pad_y);
    let w = (band.w + 2 * pad_x).min(card.width() - x);
    let h = (band.h + 2 * pad_y).min(card.height() - y);
    let crop = imageops::crop_imm(card, x, y, w, h).to_image();
    let s = px as f32 / across.max(1) as f32;
    let (nw, nh) = (((w as f32 * s).round() as u32).max(1), ((h as f32 * s).round() as u32).max(1));
    let filter = if s < 1.0 { imageops::FilterType::Triangle } else { imageops::FilterType::CatmullRom };
    (imageops::resize(&crop, nw, nh, filter), s, BoxPx { x, y, w, h })
}

/// The image mirrored on its diagonal: columns become rows, so the line
/// finding of horizontal cards finds the columns of a 縦書き card.
fn transpose(img: &GrayImage) -> GrayImage {
    let mut t = GrayImage::new(img.height(), img.width());
    for (x, y, p) in img.enumerate_pixels() {
        t.put_pixel(y, x, *p);
    }
    t
}

fn transpose_box(b: BoxPx) -> BoxPx {
    BoxPx { x: b.y, y: b.x, w: b.h, h: b.w }
}

/// What a line is, for choosing the model: an e-mail or web address (also
/// when the page reading broke its `@`: `E-mail:hanakoco.j`).
fn is_latin(text: &str) -> bool {
    let t = text.to_lowercase();
    if t.contains('@') || t.contains("http") || t.contains("www") {
        return true;
    }
    let body: Vec<char> = t.chars().filter(|c| !c.is_whitespace()).collect();
    let ascii = body.iter().filter(|c| c.is_ascii()).count();
    ascii * 10 >= body.len() * 8 && ["mail", ".co", ".jp", ".com"].iter().any(|k| t.contains(k))
}

/// A Latin line as read: has the address it promised.
fn has_address(text: &str) -> bool {
    let t = text.to_lowercase();
    t.contains('@') || t.contains("http") || t.contains("www")
}

/// The model, page mode and size a band is read with.
fn how(latin: bool, vertical: bool) -> (u32, &'static str, &'static str) {
    match (latin, vertical) {
        (true, _) => (LATIN_LINE_PX, "eng", "7"),
        (false, false) => (JPN_GLYPH_PX, "jpn", "7"),
        // One column of vertical text.
        (false, true) => (JPN_GLYPH_PX, "jpn_vert", "5"),
    }
}

/// Every band read (`(band in the card's pixels, latin)`), on the card's
/// two cores. Bands read unsure (below [`RETRY_BELOW`]) are read once more
/// 1.5× larger (a short title, a thin Mincho line read better at 32 px) and
/// the more confident reading kept.
fn read_jobs(card: &GrayImage, jobs: &[(BoxPx, bool)], vertical: bool, engine: &OcrEngine) -> Vec<Option<Line>> {
    let pass = |idx: &[usize], scale: (u32, u32), stacked: bool| -> Vec<Option<Line>> {
        // Bands grouped by model, each group split in two halves, one per core.
        let mut buckets: [Vec<usize>; 2] = [vec![], vec![]];
        for latin in [false, true] {
            let group: Vec<usize> = idx.iter().copied().filter(|&i| jobs[i].1 == latin).collect();
            let half = group.len().div_ceil(2);
            let (a, b) = group.split_at(half);
            // The smaller bucket takes the bigger half.
            let (small, big) = if buckets[0].len() <= buckets[1].len() { (0, 1) } else { (1, 0) };
            buckets[small].extend_from_slice(a);
            buckets[big].extend_from_slice(b);
        }
        let run = |bucket: &[usize]| -> Vec<(usize, Option<Line>)> {
            let mut out = Vec::new();
            for latin in [false, true] {
                let mine: Vec<usize> = bucket.iter().copied().filter(|&i| jobs[i].1 == latin).collect();
                if mine.is_empty() {
                    continue;
                }
                let (px, lang, psm) = how(latin, vertical);
                let px = px * scale.0 / scale.1;
                if vertical || !stacked {
                    for &i in &mine {
                        out.push((i, read_band_at(card, jobs[i].0, px, lang, psm, vertical, engine)));
                    }
                } else {
                    let bands: Vec<BoxPx> = mine.iter().map(|&i| jobs[i].0).collect();
                    out.extend(mine.iter().copied().zip(read_stacked(card, &bands, px, lang, engine)));
                }
            }
            out
        };
        let mut got: Vec<(usize, Option<Line>)> = std::thread::scope(|s| {
            let other = s.spawn(|| run(&buckets[1]));
            let mut mine = run(&buckets[0]);
            mine.extend(other.join().unwrap_or_default());
            mine
        });
        got.sort_by_key(|(i, _)| *i);
        let mut out = vec![None; jobs.len()];
        for (i, l) in got {
            out[i] = l;
        }
        out
    };
    // All bands in one stacked run per core; the unsure ones again alone
    // (a stack's block layout sometimes loses a large line), then alone
    // at 1.5×.
    let all: Vec<usize> = (0..jobs.len()).collect();
    let mut best = pass(&all, (1, 1), !vertical);
    for (scale, tried) in [((1, 1), vertical), ((3, 2), false)] {
        if tried {
            continue;
        }
        let unsure: Vec<usize> =
            (0..jobs.len()).filter(|&i| best[i].as_ref().is_none_or(|l| l.conf() < RETRY_BELOW)).collect();
        if unsure.is_empty() {
            break;
        }
        let again = pass(&unsure, scale, false);
        for i in unsure {
            if let Some(b) = again[i].clone() {
                if best[i].as_ref().is_none_or(|a| b.conf() > a.conf()) {
                    best[i] = Some(b);
                }
            }
        }
    }
    best
}

/// Several horizontal bands read in one engine run (each run loads the
/// model, ~0.1 s): their crops, scaled alike, stacked one under the other
/// with blank rows between, read as a block of lines (mode 6); each word
/// goes back to the band whose rows hold its middle.
fn read_stacked(card: &GrayImage, bands: &[BoxPx], px: u32, lang: &str, engine: &OcrEngine) -> Vec<Option<Line>> {
    if bands.is_empty() {
        return vec![];
    }
    let crops: Vec<(GrayImage, f32, BoxPx)> = bands.iter().map(|b| normalised_crop(card, *b, px, false)).collect();
    let gap = px;
    let width = crops.iter().map(|c| c.0.width()).max().unwrap_or(1);
    let height = crops.iter().map(|c| c.0.height() + gap).sum::<u32>() + gap;
    let mut stack = GrayImage::from_pixel(width, height, image::Luma([255]));
    let mut tops = Vec::with_capacity(crops.len());
    let mut y = gap;
    for c in &crops {
        imageops::replace(&mut stack, &c.0, 0, y as i64);
        tops.push(y);
        y += c.0.height() + gap;
    }
    let Ok(lines) = engine.read_with(&stack, lang, "6") else { return vec![None; bands.len()] };
    let mut words: Vec<Vec<Word>> = vec![Vec::new(); bands.len()];
    for mut w in lines.into_iter().flat_map(|l| l.words) {
        let cy = w.bbox.y + w.bbox.h / 2;
        let Some(k) = tops.iter().rposition(|&t| t <= cy) else { continue };
        if cy >= tops[k] + crops[k].0.height() {
            continue;
        }
        let (_, s, at) = crops[k];
        let b = w.bbox;
        w.bbox = BoxPx {
            x: at.x + (b.x as f32 / s) as u32,
            y: at.y + (b.y.saturating_sub(tops[k]) as f32 / s) as u32,
            w: ((b.w as f32 / s) as u32).max(1),
            h: ((b.h as f32 / s) as u32).max(1),
        };
        words[k].push(w);
    }
    words
        .into_iter()
        .zip(bands)
        .map(|(mut ws, band)| {
            ws.sort_by_key(|w| w.bbox.x);
            (!ws.is_empty()).then(|| Line { words: ws, bbox: *band })
        })
        .collect()
}

/// Below this confidence a band is read a second time, larger.
const RETRY_BELOW: f32 = 85.0;

fn read_band_at(
    card: &GrayImage,
    band: BoxPx,
    px: u32,
    lang: &str,
    psm: &str,
    vertical: bool,
    engine: &OcrEngine,
) -> Option<Line> {
    let (img, s, at) = normalised_crop(card, band, px, vertical);
    let lines = engine.read_with(&img, lang, psm).ok()?;
    let mut words: Vec<Word> = lines.into_iter().flat_map(|l| l.words).collect();
    if words.is_empty() {
        return None;
    }
    for w in &mut words {
        let b = w.bbox;
        w.bbox = BoxPx {
            x: at.x + (b.x as f32 / s) as u32,
            y: at.y + (b.y as f32 / s) as u32,
            w: ((b.w as f32 / s) as u32).max(1),
            h: ((b.h as f32 / s) as u32).max(1),
        };
    }
    Some(Line { words, bbox: band })
}

/// The lines of a horizontal card read again, each on its own (see the
/// module's notes). A line whose ink cannot be found, or whose new reading
/// is empty, stays as the page read it; a Latin line's new reading is kept
/// only if it still looks like an address (`@`, `http`, `www`).
pub fn reread(card: &GrayImage, lines: Vec<Line>, engine: &OcrEngine, vertical: bool) -> Vec<Line> {
    let level = ink_level(card);
    // Bands are found on `geo` (the card, or for 縦書き its transpose) and
    // read on the card.
    let transposed;
    let geo: &GrayImage = if vertical {
        transposed = transpose(card);
        &transposed
    } else {
        card
    };
    let to_geo = |b: BoxPx| if vertical { transpose_box(b) } else { b };
    // (band, latin, the page lines with a word in it). A band with no word of
    // the line it was found from is text the page reading dropped (a title
    // under a tall name box): read too, added.
    let mut jobs: Vec<(BoxPx, bool, Vec<usize>)> = Vec::new();
    for (i, l) in lines.iter().enumerate() {
        let latin = is_latin(&l.text());
        for band in ink_bands(geo, to_geo(l.bbox), level) {
            let own = l.words.iter().any(|w| {
                let wb = to_geo(w.bbox);
                let cy = wb.y + wb.h / 2;
                cy >= band.y && cy < band.y + band.h
            });
            match jobs.iter_mut().find(|j| overlap(j.0, band) > 0.8) {
                Some(j) => {
                    j.1 |= latin && own;
                    if own {
                        j.2.push(i);
                    }
                }
                None => jobs.push((band, latin && own, if own { vec![i] } else { vec![] })),
            }
        }
    }
    // Text no page line covers (a large name the layout analysis took for a
    // picture): read as well.
    for seg in text_segments(geo, level) {
        let covered =
            jobs.iter().any(|j| overlap(j.0, seg) > 0.3) || lines.iter().any(|l| overlap(to_geo(l.bbox), seg) > 0.3);
        if !covered {
            jobs.push((seg, false, vec![]));
        }
    }
    let results = read_jobs(card, &jobs.iter().map(|j| (to_geo(j.0), j.1)).collect::<Vec<_>>(), vertical, engine);
    // Which new readings win. The engine's confidence decides, with a small
    // lead for the line read alone: short lines (a title, a reading) are
    // sometimes read worse without the page around them, and then say so.
    let accepted: Vec<Option<Line>> = jobs
        .iter()
        .zip(results)
        .map(|((_, latin, from), new)| {
            let new = new?;
            let text = new.text();
            if text.trim().is_empty() || (*latin && !has_address(&text)) {
                return None;
            }
            // The English model's reading of an address line wins when the
            // page's lost the address (its `@` or `www`) or was less sure.
            if *latin && from.iter().any(|&i| !has_address(&lines[i].text())) {
                return Some(new);
            }
            if from.is_empty() {
                // Text the page reading did not have: only when clearly read.
                return (new.conf() >= 80.0 && text.chars().filter(|c| !c.is_whitespace()).count() >= 2).then_some(new);
            }
            let (chars, sum) = from.iter().flat_map(|&i| &lines[i].words).fold((0usize, 0f32), |(n, s), w| {
                let k = w.text.chars().count();
                (n + k, s + w.conf * k as f32)
            });
            let old_conf = sum / chars.max(1) as f32;
            (new.conf() + 3.0 >= old_conf).then_some(new)
        })
        .collect();
    // A page line gives way only when every band with its words was read
    // again and won (a line Tesseract ran over two text lines stays whole
    // otherwise).
    let replaced: Vec<bool> = (0..lines.len())
        .map(|i| {
            let mine: Vec<usize> = (0..jobs.len()).filter(|&j| jobs[j].2.contains(&i)).collect();
            !mine.is_empty() && mine.iter().all(|&j| accepted[j].is_some())
        })
        .collect();
    let mut out: Vec<Line> = Vec::new();
    for (j, new) in accepted.into_iter().enumerate() {
        let Some(new) = new else { continue };
        let from = &jobs[j].2;
        if from.is_empty() || from.iter().all(|&i| replaced[i]) {
            out.push(new);
        }
    }
    for (i, l) in lines.into_iter().enumerate() {
        if !replaced[i] {
            out.push(l);
        }
    }
    if vertical {
        out.sort_by_key(|l| (std::cmp::Reverse(l.bbox.x + l.bbox.w / 2), l.bbox.y));
    } else {
        out.sort_by_key(|l| (l.bbox.y + l.bbox.h / 2, l.bbox.x));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use image::Luma;
    use imageproc::drawing::draw_filled_rect_mut;
    use imageproc::rect::Rect;

    #[test]
    fn bands_follow_the_ink_not_the_box() {
        let mut card = GrayImage::from_pixel(800, 400, Luma([250]));
        // A large "name" of two blocks with a space, and a small line under it.
        draw_filled_rect_mut(&mut card, Rect::at(100, 100).of_size(120, 80), Luma([10]));
        draw_filled_rect_mut(&mut card, Rect::at(260, 100).of_size(120, 80), Luma([10]));
        draw_filled_rect_mut(&mut card, Rect::at(100, 220).of_size(200, 20), Luma([10]));
        // Tesseract's box: too tall, and only over the first block.
        let bands = ink_bands(&card, BoxPx { x: 90, y: 90, w: 140, h: 120 }, 128);
        assert_eq!(bands, vec![BoxPx { x: 100, y: 100, w: 280, h: 80 }]);
        // A second column far to the right is not joined.
        draw_filled_rect_mut(&mut card, Rect::at(600, 110).of_size(100, 40), Luma([10]));
        let bands = ink_bands(&card, BoxPx { x: 100, y: 100, w: 120, h: 80 }, 128);
        assert_eq!(bands, vec![BoxPx { x: 100, y: 100, w: 280, h: 80 }]);
        // The small line's own box finds only it.
        let bands = ink_bands(&card, BoxPx { x: 100, y: 218, w: 200, h: 24 }, 128);
        assert_eq!(bands, vec![BoxPx { x: 100, y: 220, w: 200, h: 20 }]);
    }
}
