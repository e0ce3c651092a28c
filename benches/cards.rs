//! `cargo bench --bench cards`: 名刺取り込み accuracy and speed on a corpus
//! generated here (daifuku_cards::corpus: Debian's Japanese fonts, three
//! horizontal layouts and a vertical one, each card as a clean scan and as a
//! phone photo on a desk — perspective, rotation, uneven light, blur, noise,
//! JPEG).
//!
//! First it reads the whole corpus (`DAIFUKU_CARDS_BENCH_N` cards, default
//! 40, so 80 images) one card at a time and prints per-field exact-match
//! accuracy (stored forms, spaces ignored) for clean scans and for photos
//! and the seconds per card; then divan times one clean scan and one photo.
//! Goals (issue 22): ≥ 95% clean, ≥ 85% photos, ≤ 3 s a card on 2 cores.
//!
//! Needs tesseract-ocr(-jpn, -jpn-vert) and fonts-ipaexfont/fonts-noto-cjk
//! (scripts/setup.sh). The same corpus as files: scripts/make-card-corpus.sh.

use daifuku_cards::corpus::{self, Accuracy, Fonts};
use daifuku_cards::OcrEngine;
use divan::Bencher;

#[global_allocator]
static ALLOCATOR: daifuku::Allocator = daifuku::Allocator;

fn report(label: &str, a: &Accuracy) {
    println!(
        "{label}: {}/{} fields exact = {:.1}%  ({} cards, {} refused, {:.2} s/card)",
        a.exact(),
        a.total(),
        a.ratio() * 100.0,
        a.cards,
        a.failed,
        a.seconds_per_card()
    );
    for (f, (e, t)) in &a.per_field {
        println!("    {:15} {:>3}/{:<3} {:5.1}%", f.as_str(), e, t, *e as f64 * 100.0 / (*t).max(1) as f64);
    }
}

fn main() {
    let n: usize = std::env::var("DAIFUKU_CARDS_BENCH_N").ok().and_then(|v| v.parse().ok()).unwrap_or(40);
    let fonts = Fonts::system().expect("Japanese fonts: scripts/setup.sh");
    let items = corpus::corpus(&fonts, 2026, n);
    let (clean, photos, misses) = corpus::evaluate(&items, &OcrEngine::default());
    if std::env::var_os("DAIFUKU_CARDS_BENCH_MISSES").is_some() {
        for m in &misses {
            println!("  miss: {m}");
        }
    }
    report("clean scans", &clean);
    report("photos", &photos);
    divan::main();
}

#[divan::bench(sample_count = 5)]
fn clean_scan(b: Bencher) {
    let fonts = Fonts::system().expect("fonts");
    let png = corpus::png(&corpus::card(&fonts, 7, false).image);
    b.bench(|| daifuku_cards::scan_bytes(&png, &OcrEngine::default(), false).unwrap());
}

#[divan::bench(sample_count = 5)]
fn phone_photo(b: Bencher) {
    let fonts = Fonts::system().expect("fonts");
    let jpg = corpus::jpeg(&corpus::photo(&corpus::card(&fonts, 7, false).image, 7));
    b.bench(|| daifuku_cards::scan_bytes(&jpg, &OcrEngine::default(), false).unwrap());
}

#[divan::bench(sample_count = 5)]
fn vertical_card(b: Bencher) {
    let fonts = Fonts::system().expect("fonts");
    let png = corpus::png(&corpus::card(&fonts, 5, true).image);
    b.bench(|| daifuku_cards::scan_bytes(&png, &OcrEngine::default(), false).unwrap());
}
