//! Finding the card in a photo and making it a clean, upright scan:
//! grayscale → threshold (Otsu) → the largest bright region → its four
//! corners → perspective warp to a flat card → deskew → contrast.
//!
//! Written here on `imageproc`'s primitives (Otsu, connected components,
//! `Projection::from_control_points`, `warp_into`) because no maintained
//! Rust crate does document detection; OpenCV bindings need a system OpenCV
//! and libclang to build, which Windows and macOS laptops do not have.

use image::{imageops, GrayImage, Luma};
use imageproc::contrast::otsu_level;
use imageproc::geometric_transformations::{rotate_about_center, warp_into, Interpolation, Projection};
use imageproc::region_labelling::{connected_components, Connectivity};

/// The long side of the flattened card handed to OCR: about 380 dpi for a
/// 91 mm card, where Tesseract's Japanese models read best.
pub const CARD_LONG_SIDE: u32 = 1400;

/// What [`flatten`] found.
pub struct Flattened {
    /// The card, upright and cleaned (grayscale, contrast stretched).
    pub card: GrayImage,
    /// Whether a card outline was found in the photo (false: the whole
    /// image was taken as the card, as for a flatbed scan).
    pub found_outline: bool,
    /// The deskew angle applied, in degrees.
    pub deskew_deg: f32,
}

/// A card's four corners in the photo: top-left, top-right, bottom-right, bottom-left.
type Quad = [(f32, f32); 4];

/// Finds the card's outline in a downscaled copy: the largest region
/// brighter than Otsu's threshold that does not touch most of the border
/// (a card lies on a darker desk). `None` when there is no such region
/// (a scan: the card is the whole image).
fn find_quad(gray: &GrayImage) -> Option<Quad> {
    let (w, h) = gray.dimensions();
    let scale = (800.0 / w.max(h) as f32).min(1.0);
    let small = imageops::resize(
        gray,
        ((w as f32 * scale) as u32).max(1),
        ((h as f32 * scale) as u32).max(1),
        imageops::FilterType::Triangle,
    );
    let small = imageproc::filter::gaussian_blur_f32(&small, 2.0);
    let level = otsu_level(&small);
    let mut mask = small.clone();
    for p in mask.pixels_mut() {
        p.0[0] = if p.0[0] > level { 255 } else { 0 };
    }
    let labels = connected_components(&mask, Connectivity::Four, Luma([0u8]));
    let (sw, sh) = mask.dimensions();
    let mut area: std::collections::HashMap<u32, u64> = std::collections::HashMap::new();
    for p in labels.pixels() {
        if p.0[0] != 0 {
            *area.entry(p.0[0]).or_default() += 1;
        }
    }
    let (&label, &biggest) = area.iter().max_by_key(|(_, a)| **a)?;
    let total = sw as u64 * sh as u64;
    // Too small to be the card, or the whole image (a scan, a white desk).
    if biggest * 100 < total * 12 || biggest * 100 > total * 93 {
        return None;
    }
    // Border pixels of the region: if it covers most of the frame's border
    // the photo is a close-up of the card itself.
    let mut border = 0u64;
    let mut border_total = 0u64;
    for x in 0..sw {
        for y in [0, sh - 1] {
            border_total += 1;
            border += (labels.get_pixel(x, y).0[0] == label) as u64;
        }
    }
    for y in 0..sh {
        for x in [0, sw - 1] {
            border_total += 1;
            border += (labels.get_pixel(x, y).0[0] == label) as u64;
        }
    }
    if border * 100 > border_total * 40 {
        return None;
    }
    // Corners: extremes of x+y and x−y over the region (holds for a convex
    // quadrilateral turned less than ~40°).
    let (mut tl, mut br, mut tr, mut bl) = ((0.0, 0.0), (0.0, 0.0), (0.0, 0.0), (0.0, 0.0));
    let (mut min_s, mut max_s, mut max_d, mut min_d) = (f32::MAX, f32::MIN, f32::MIN, f32::MAX);
    for (x, y, p) in labels.enumerate_pixels() {
        if p.0[0] != label {
            continue;
        }
        let (x, y) = (x as f32, y as f32);
        let (s, d) = (x + y, x - y);
        if s < min_s {
            min_s = s;
            tl = (x, y);
        }
        if s > max_s {
            max_s = s;
            br = (x + 1.0, y + 1.0);
        }
        if d > max_d {
            max_d = d;
            tr = (x + 1.0, y);
        }
        if d < min_d {
            min_d = d;
            bl = (x, y + 1.0);
        }
    }
    let inv = 1.0 / scale;
    let q = [tl, tr, br, bl].map(|(x, y)| (x * inv, y * inv));
    // A degenerate quad (corners too close) is no card.
    let side = |a: (f32, f32), b: (f32, f32)| ((a.0 - b.0).powi(2) + (a.1 - b.1).powi(2)).sqrt();
    if side(q[0], q[1]) < 50.0 || side(q[1], q[2]) < 50.0 {
        return None;
    }
    Some(q)
}

/// Warps the quad to a flat rectangle of the card's proportions.
fn warp_quad(gray: &GrayImage, q: Quad) -> Option<GrayImage> {
    let side = |a: (f32, f32), b: (f32, f32)| ((a.0 - b.0).powi(2) + (a.1 - b.1).powi(2)).sqrt();
    let w = (side(q[0], q[1]) + side(q[3], q[2])) / 2.0;
    let h = (side(q[0], q[3]) + side(q[1], q[2])) / 2.0;
    let scale = CARD_LONG_SIDE as f32 / w.max(h);
    let (ow, oh) = ((w * scale).round().max(1.0), (h * scale).round().max(1.0));
    let to = [(0.0, 0.0), (ow, 0.0), (ow, oh), (0.0, oh)];
    let projection = Projection::from_control_points(q, to)?;
    let mut out = GrayImage::new(ow as u32, oh as u32);
    warp_into(gray, &projection, Interpolation::Bilinear, Luma([255]), &mut out);
    Some(out)
}

/// Scales the whole image so its long side is [`CARD_LONG_SIDE`].
fn fit(gray: &GrayImage) -> GrayImage {
    let (w, h) = gray.dimensions();
    let scale = CARD_LONG_SIDE as f32 / w.max(h) as f32;
    if (scale - 1.0).abs() < 0.05 {
        return gray.clone();
    }
    imageops::resize(
        gray,
        ((w as f32 * scale) as u32).max(1),
        ((h as f32 * scale) as u32).max(1),
        imageops::FilterType::CatmullRom,
    )
}

/// The skew of the text in degrees (−8…8): the angle whose row profile of
/// dark pixels is sharpest (text lines line up with rows). Columns are
/// tried too, for vertical writing.
pub fn skew_angle(card: &GrayImage) -> f32 {
    let (w, h) = card.dimensions();
    let scale = (500.0 / w.max(h) as f32).min(1.0);
    let small = imageops::resize(
        card,
        ((w as f32 * scale) as u32).max(1),
        ((h as f32 * scale) as u32).max(1),
        imageops::FilterType::Triangle,
    );
    let level = otsu_level(&small);
    let dark: Vec<(f32, f32)> =
        small.enumerate_pixels().filter(|(_, _, p)| p.0[0] < level).map(|(x, y, _)| (x as f32, y as f32)).collect();
    if dark.len() < 50 {
        return 0.0;
    }
    let (sw, sh) = (small.width() as f32, small.height() as f32);
    let score = |deg: f32| -> f64 {
        let (s, c) = deg.to_radians().sin_cos();
        let n = (sw + sh) as usize * 2 + 4;
        let mut rows = vec![0u32; n];
        let mut cols = vec![0u32; n];
        for &(x, y) in &dark {
            let r = (-x * s + y * c + sw) as usize;
            let k = (x * c + y * s + sh) as usize;
            rows[r.min(n - 1)] += 1;
            cols[k.min(n - 1)] += 1;
        }
        let sq = |v: &[u32]| v.iter().map(|&x| (x as f64) * (x as f64)).sum::<f64>();
        sq(&rows).max(sq(&cols))
    };
    let mut best = (0.0f32, score(0.0));
    let mut deg = -8.0f32;
    while deg <= 8.0 {
        let s = score(deg);
        if s > best.1 * 1.0001 {
            best = (deg, s);
        }
        deg += 0.5;
    }
    // Refine around the best half degree.
    let centre = best.0;
    let mut d = centre - 0.4;
    while d <= centre + 0.4 {
        let s = score(d);
        if s > best.1 * 1.0001 {
            best = (d, s);
        }
        d += 0.1;
    }
    best.0
}

/// Stretches the contrast between the 1st and 99th percentiles (faded
/// photos, grey paper, dim light).
pub fn stretch(card: &mut GrayImage) {
    let mut hist = [0u64; 256];
    for p in card.pixels() {
        hist[p.0[0] as usize] += 1;
    }
    let total: u64 = hist.iter().sum();
    let pick = |frac: f64| {
        let mut acc = 0;
        for (i, &c) in hist.iter().enumerate() {
            acc += c;
            if acc as f64 >= total as f64 * frac {
                return i as u8;
            }
        }
        255
    };
    let (lo, hi) = (pick(0.01), pick(0.99));
    if hi > lo + 10 {
        imageproc::contrast::stretch_contrast_mut(card, lo, hi, 0, 255);
    }
}

/// Finds the card, flattens it, deskews it and cleans it.
pub fn flatten(gray: &GrayImage) -> Flattened {
    let quad = find_quad(gray);
    let (mut card, found_outline) = match quad.and_then(|q| warp_quad(gray, q)) {
        Some(card) => (card, true),
        None => (fit(gray), false),
    };
    let angle = skew_angle(&card);
    if angle.abs() >= 0.2 {
        card = rotate_about_center(&card, -angle.to_radians(), Interpolation::Bilinear, Luma([255]));
    }
    // A 3×3 median takes out the sensor noise of a phone photo (and JPEG
    // speckle) that Tesseract's binarisation turns into broken strokes.
    stretch(&mut card);
    let card = imageproc::filter::median_filter(&card, 1, 1);
    Flattened { card, found_outline, deskew_deg: angle }
}

#[cfg(test)]
mod tests {
    use super::*;
    use imageproc::drawing::draw_filled_rect_mut;
    use imageproc::rect::Rect;

    /// A white card with black bars on a dark desk, turned by `deg`.
    fn photo(deg: f32) -> GrayImage {
        let mut card = GrayImage::from_pixel(910, 550, Luma([245]));
        for i in 0..6 {
            draw_filled_rect_mut(&mut card, Rect::at(80, 80 + i * 70).of_size(600, 24), Luma([20]));
        }
        let mut desk = GrayImage::from_pixel(1600, 1200, Luma([60]));
        imageops::overlay(&mut desk, &card, 340, 320);
        rotate_about_center(&desk, deg.to_radians(), Interpolation::Bilinear, Luma([60]))
    }

    #[test]
    fn finds_and_straightens_a_turned_card() {
        for deg in [0.0f32, 6.0, -12.0] {
            let f = flatten(&photo(deg));
            assert!(f.found_outline, "{deg}");
            let ratio = f.card.width() as f32 / f.card.height() as f32;
            assert!((ratio - 910.0 / 550.0).abs() < 0.08, "{deg}: ratio {ratio}");
            assert!(f.deskew_deg.abs() < 1.0, "{deg}: left a skew of {}", f.deskew_deg);
        }
    }

    #[test]
    fn a_scan_is_taken_whole_and_deskewed() {
        let mut card = GrayImage::from_pixel(1000, 600, Luma([250]));
        for i in 0..6 {
            draw_filled_rect_mut(&mut card, Rect::at(80, 80 + i * 70).of_size(700, 20), Luma([10]));
        }
        let tilted = rotate_about_center(&card, 3f32.to_radians(), Interpolation::Bilinear, Luma([250]));
        let f = flatten(&tilted);
        assert!(!f.found_outline);
        assert!((f.deskew_deg - 3.0).abs() < 0.4, "measured {}", f.deskew_deg);
    }
}
