//! `cargo run -p daifuku-cards --release --example eval -- N SEED [DIR]`: accuracy on a generated corpus.
fn main() {
    let args: Vec<String> = std::env::args().collect();
    let n: usize = args.get(1).and_then(|s| s.parse().ok()).unwrap_or(8);
    let seed: u64 = args.get(2).and_then(|s| s.parse().ok()).unwrap_or(1);
    let fonts = daifuku_cards::corpus::Fonts::system().expect("fonts");
    let items = daifuku_cards::corpus::corpus(&fonts, seed, n);
    if let Some(dir) = args.get(3) {
        std::fs::create_dir_all(dir).unwrap();
        for i in &items {
            std::fs::write(format!("{dir}/{}", i.name), &i.bytes).unwrap();
        }
    }
    let (clean, photos, misses) = daifuku_cards::corpus::evaluate(&items, &daifuku_cards::OcrEngine::default());
    for m in &misses {
        println!("{m}");
    }
    for (label, a) in [("clean", &clean), ("photo", &photos)] {
        println!(
            "{label}: {}/{} = {:.1}% exact, {:.2} s/card, {} failed",
            a.exact(),
            a.total(),
            a.ratio() * 100.0,
            a.seconds_per_card(),
            a.failed
        );
        for (f, (e, t)) in &a.per_field {
            println!("  {:15} {e}/{t}", f.as_str());
        }
    }
}
