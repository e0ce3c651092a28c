//! `cargo run -p daifuku-cards --release --example probe -- CARD.png X Y W H [LANG]`:
//! one region of a flattened card read as a single line at several glyph heights,
//! raw and binarised (for choosing the re-read's preprocessing).
use daifuku_cards::image::{self, imageops, GrayImage};

fn main() {
    let a: Vec<String> = std::env::args().skip(1).collect();
    let card = image::open(&a[0]).unwrap().to_luma8();
    let n = |i: usize| a[i].parse::<u32>().unwrap();
    let (x, y, w, h) = (n(1), n(2), n(3), n(4));
    let pad = h / 2;
    let crop: GrayImage =
        imageops::crop_imm(&card, x.saturating_sub(pad), y.saturating_sub(pad), w + 2 * pad, h + 2 * pad).to_image();
    let lang = a.get(5).map(String::as_str).unwrap_or("jpn");
    let engine = daifuku_cards::OcrEngine::default();
    for target in [20u32, 28, 36, 44, 56, 72] {
        let s = target as f32 / h as f32;
        let img = imageops::resize(
            &crop,
            (crop.width() as f32 * s) as u32,
            (crop.height() as f32 * s) as u32,
            imageops::FilterType::CatmullRom,
        );
        let level = imageproc::contrast::otsu_level(&img);
        let bin = imageproc::contrast::threshold(&img, level, imageproc::contrast::ThresholdType::Binary);
        for (kind, im) in [("gray", &img), ("bin", &bin)] {
            for psm in ["7", "13"] {
                let lines = engine.read_with(im, lang, psm).unwrap_or_default();
                let text: Vec<String> = lines.iter().map(|l| format!("{} ({:.0})", l.text(), l.conf())).collect();
                println!("{target:3} {kind:4} psm{psm:2}: {}", text.join(" | "));
            }
        }
    }
}
