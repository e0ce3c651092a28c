//! `cargo bench --bench phone`: the cost of one phone number, with the
//! `phonenumber` crate alone and with `daifuku::phone`'s fast path, which
//! replays the library's verdict for numbers of a shape it has judged
//! (same first five national digits and length). An import parses every
//! phone, fax and mobile cell; divan prints numbers/s (items/s).
//!
//! The numbers: 10,000 as Japanese company and contact lists hold them —
//! landlines of 20 area codes (exchange and line random), mobiles, 050,
//! 0120 — written with dashes.

use daifuku::phone;
use divan::counter::ItemsCount;
use divan::Bencher;
use rand::{RngExt, SeedableRng};

#[global_allocator]
static ALLOCATOR: daifuku::Allocator = daifuku::Allocator;

fn main() {
    divan::main();
}

const AREAS: &[&str] = &[
    "03", "06", "011", "022", "025", "045", "048", "052", "075", "078", "082", "092", "098", "0466", "0476", "0766",
    "0836", "0995", "0299", "0282",
];

fn numbers() -> Vec<String> {
    let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(20);
    let digits = |n: usize, rng: &mut rand_chacha::ChaCha8Rng| -> String {
        (0..n)
            .map(|i| char::from(b'0' + if i == 0 { rng.random_range(2..10u8) } else { rng.random_range(0..10u8) }))
            .collect()
    };
    (0..10_000)
        .map(|i| match i % 10 {
            0..=5 => {
                let area = AREAS[rng.random_range(0..AREAS.len())];
                let exchange = digits(6 - area.len(), &mut rng);
                format!("{area}-{exchange}-{}", digits(4, &mut rng))
            }
            6 | 7 => format!("{}-{}-{}", ["090", "080", "070"][i % 3], digits(4, &mut rng), digits(4, &mut rng)),
            8 => format!("050-{}-{}", digits(4, &mut rng), digits(4, &mut rng)),
            _ => format!("0120-{}-{}", digits(3, &mut rng), digits(3, &mut rng)),
        })
        .collect()
}

/// The `phonenumber` crate: parse, `is_valid()`, national and E.164 format.
#[divan::bench]
fn library(bencher: Bencher) {
    let numbers = numbers();
    bencher.counter(ItemsCount::new(numbers.len())).bench(|| {
        for n in &numbers {
            divan::black_box(phone::parse_with_library(n).is_ok());
        }
    });
}

/// The fast path once it has seen the shapes (a large import, or the
/// second half of one).
#[divan::bench]
fn fast_path_warm(bencher: Bencher) {
    let numbers = numbers();
    for n in &numbers {
        let _ = phone::parse_number(n);
    }
    bencher.counter(ItemsCount::new(numbers.len())).bench(|| {
        for n in &numbers {
            divan::black_box(phone::parse_number(n).is_ok());
        }
    });
}

/// The fast path from nothing: each run on a new thread, whose cache of
/// shapes is empty (the first 10,000 numbers of an import).
#[divan::bench]
fn fast_path_cold(bencher: Bencher) {
    let numbers = std::sync::Arc::new(numbers());
    bencher.counter(ItemsCount::new(numbers.len())).bench(|| {
        let numbers = numbers.clone();
        std::thread::spawn(move || {
            for n in numbers.iter() {
                divan::black_box(phone::parse_number(n).is_ok());
            }
        })
        .join()
        .unwrap();
    });
}

/// A cell with an annotation to its stored form (`03-1234-5678 (代表)`).
#[divan::bench]
fn clean_annotated(bencher: Bencher) {
    let cells: Vec<String> = numbers().into_iter().map(|n| format!("{n}（代）")).collect();
    for c in &cells {
        let _ = phone::clean(c);
    }
    bencher.counter(ItemsCount::new(cells.len())).bench(|| {
        for c in &cells {
            divan::black_box(phone::clean(c).is_ok());
        }
    });
}
