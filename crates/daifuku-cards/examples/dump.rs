//! `cargo run -p daifuku-cards --release --example dump -- IMAGE… [--card-dir DIR]`:
//! the lines and fields read from each image (for looking into misses);
//! with `--card-dir` the flattened card handed to OCR is written there too.
use base64::Engine as _;

fn main() {
    let mut args: Vec<String> = std::env::args().skip(1).collect();
    let dir = args.iter().position(|a| a == "--card-dir").map(|i| {
        let d = args.remove(i + 1);
        args.remove(i);
        d
    });
    let engine = daifuku_cards::OcrEngine::default();
    for path in &args {
        println!("== {path}");
        let started = std::time::Instant::now();
        match daifuku_cards::scan_file(std::path::Path::new(path), &engine, dir.is_some()) {
            Ok(scan) => {
                println!(
                    "   {:?} outline={} {:.2}s",
                    scan.orientation,
                    scan.found_outline,
                    started.elapsed().as_secs_f64()
                );
                for l in &scan.lines {
                    println!("   | {l}");
                }
                for f in &scan.fields {
                    println!("   {:15} {:5.1} {:?}", f.name.as_str(), f.confidence, f.value);
                }
                if let Some(d) = &dir {
                    let name = std::path::Path::new(path).file_stem().unwrap().to_string_lossy().to_string();
                    let png = base64::engine::general_purpose::STANDARD.decode(&scan.card_png).unwrap();
                    std::fs::write(format!("{d}/{name}.card.png"), png).unwrap();
                }
            }
            Err(e) => println!("   {}: {}", e.code, e.message),
        }
    }
}
