//! `cargo run -p daifuku-cards --release --example linescale -- N SEED [FIELD] [photo]`: for each
//! generated card, the line the field was read from is read again alone (psm 7) at several
//! glyph heights, gray and binarised; prints how often each variant gives the printed value.
use daifuku_cards::corpus::{self, Fonts};
use daifuku_cards::image::{imageops, GrayImage};
use daifuku_cards::CardFieldName;

fn main() {
    let a: Vec<String> = std::env::args().skip(1).collect();
    let n: usize = a.first().and_then(|s| s.parse().ok()).unwrap_or(20);
    let seed: u64 = a.get(1).and_then(|s| s.parse().ok()).unwrap_or(2026);
    let field = a.get(2).and_then(|s| CardFieldName::parse(s)).unwrap_or(CardFieldName::FamilyName);
    let photo = a.get(3).is_some_and(|s| s == "photo");
    let fonts = Fonts::system().unwrap();
    let engine = daifuku_cards::OcrEngine::default();
    let items = corpus::corpus(&fonts, seed, n);
    let targets = [16u32, 20, 24, 28, 32, 40, 48, 64];
    let mut hits = vec![[0u32; 2]; targets.len()];
    let mut any = 0;
    let mut total = 0;
    let mut base_ok = 0;
    for item in items.iter().filter(|i| i.photo == photo && !i.vertical) {
        let Some(truth) = item.truth.get(&field) else { continue };
        let scan = daifuku_cards::scan_bytes(&item.bytes, &engine, true).unwrap();
        let card = daifuku_cards::image::load_from_memory(
            &base64::Engine::decode(&base64::engine::general_purpose::STANDARD, &scan.card_png).unwrap(),
        )
        .unwrap()
        .to_luma8();
        let Some(f) = scan.fields.iter().find(|f| f.name == field) else {
            println!("{}: no field", item.name);
            continue;
        };
        total += 1;
        let ok0 = corpus::same(&f.value, truth);
        base_ok += ok0 as u32;
        let b = band(&card, f.boxes[0]);
        let pad = b.h / 2;
        let (x, y) = (b.x.saturating_sub(pad), b.y.saturating_sub(pad));
        let crop: GrayImage = imageops::crop_imm(
            &card,
            x,
            y,
            (b.w + 2 * pad).min(card.width() - x),
            (b.h + 2 * pad).min(card.height() - y),
        )
        .to_image();
        let mut row = String::new();
        let mut some = false;
        for (ti, &t) in targets.iter().enumerate() {
            let s = t as f32 / b.h as f32;
            let img = imageops::resize(
                &crop,
                (crop.width() as f32 * s) as u32,
                (crop.height() as f32 * s) as u32,
                imageops::FilterType::CatmullRom,
            );
            let level = imageproc::contrast::otsu_level(&img);
            let bin = imageproc::contrast::threshold(&img, level, imageproc::contrast::ThresholdType::Binary);
            for (k, im) in [&img, &bin].into_iter().enumerate() {
                let text: String =
                    engine.read_with(im, "jpn", "7").unwrap_or_default().iter().map(|l| l.text()).collect();
                let ok = text.contains(truth.as_str()) || corpus::same(&text, truth);
                hits[ti][k] += ok as u32;
                some |= ok;
                row.push_str(&format!(" {t}{}:{}", ["g", "b"][k], text.replace(' ', "_")));
            }
        }
        any += some as u32;
        println!("{} h={} base={} {:?} truth {truth}:{row}", item.name, b.h, ok0, f.value);
    }
    println!("{field:?}: base {base_ok}/{total}, some variant {any}/{total}");
    for (ti, t) in targets.iter().enumerate() {
        println!("  {t:3}px gray {:2}  bin {:2}", hits[ti][0], hits[ti][1]);
    }
}

/// The ink band around the middle of `b`: rows with dark pixels (in b's columns), gaps under 4 px bridged.
fn band(card: &GrayImage, b: daifuku_cards::BoxPx) -> daifuku_cards::BoxPx {
    let level = imageproc::contrast::otsu_level(card);
    let ink = |y: u32| (b.x..(b.x + b.w).min(card.width())).filter(|&x| card.get_pixel(x, y).0[0] < level).count() > 0;
    // Start at the row with most ink inside b.
    let mid = (b.y..(b.y + b.h).min(card.height()))
        .max_by_key(|&y| (b.x..(b.x + b.w).min(card.width())).filter(|&x| card.get_pixel(x, y).0[0] < level).count())
        .unwrap_or(b.y);
    let (mut top, mut bottom) = (mid, mid);
    let mut gap = 0;
    let mut y = mid;
    while y > 0 && gap < 4 {
        y -= 1;
        if ink(y) {
            top = y;
            gap = 0
        } else {
            gap += 1
        }
    }
    gap = 0;
    y = mid;
    while y + 1 < card.height() && gap < 4 {
        y += 1;
        if ink(y) {
            bottom = y;
            gap = 0
        } else {
            gap += 1
        }
    }
    let xs: Vec<u32> = (b.x..(b.x + b.w).min(card.width()))
        .filter(|&x| (top..=bottom).any(|y| card.get_pixel(x, y).0[0] < level))
        .collect();
    let (x0, x1) = (xs.first().copied().unwrap_or(b.x), xs.last().copied().unwrap_or(b.x + b.w));
    daifuku_cards::BoxPx { x: x0, y: top, w: x1 - x0 + 1, h: bottom - top + 1 }
}
