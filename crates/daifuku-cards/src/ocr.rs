//! Reading the cleaned card with Tesseract 5 through its command line.
//!
//! Why the CLI and not the `tesseract` crate: the crate builds against
//! libtesseract-dev, libleptonica-dev and libclang (bindgen) at compile time,
//! which Windows and macOS build machines and laptops do not have; the CLI is
//! the same program on every OS (Debian's package, the UB-Mannheim Windows
//! installer, Homebrew), its `tsv` output gives every word's box and
//! confidence, and a crash or hang of the engine stays in a child process
//! (killed after a timeout) instead of taking the app down. The cost — one
//! process start and a PNG encode per run, ~30 ms — is small next to the
//! recognition itself.
//!
//! Page segmentation mode 3 (automatic): mode 6 (one block) drops the large
//! name line of a card.

use std::io::{Read, Write};
use std::path::PathBuf;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use daifuku::ApiError;
use image::GrayImage;
use serde::{Deserialize, Serialize};
use ts_rs::TS;

/// Where a word or a field was read, in the flattened card's pixels.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize, TS)]
pub struct BoxPx {
    pub x: u32,
    pub y: u32,
    pub w: u32,
    pub h: u32,
}

impl BoxPx {
    pub fn union(self, o: BoxPx) -> BoxPx {
        let (x, y) = (self.x.min(o.x), self.y.min(o.y));
        let r = (self.x + self.w).max(o.x + o.w);
        let b = (self.y + self.h).max(o.y + o.h);
        BoxPx { x, y, w: r - x, h: b - y }
    }
}

/// One word as Tesseract read it.
#[derive(Debug, Clone, PartialEq)]
pub struct Word {
    pub text: String,
    /// 0–100.
    pub conf: f32,
    pub bbox: BoxPx,
}

/// One line (a column, in vertical writing) of words.
#[derive(Debug, Clone, PartialEq)]
pub struct Line {
    pub words: Vec<Word>,
    pub bbox: BoxPx,
}

impl Line {
    /// The words joined: CJK words without a space, others with one where
    /// the gap is wider than a third of the line's height.
    pub fn text(&self) -> String {
        let horizontal = self.bbox.w >= self.bbox.h;
        let unit = self.bbox.h.min(self.bbox.w).max(1) as f32;
        let gaps: Vec<f32> = self
            .words
            .windows(2)
            .map(|p| {
                if horizontal {
                    p[1].bbox.x as f32 - (p[0].bbox.x + p[0].bbox.w) as f32
                } else {
                    p[1].bbox.y as f32 - (p[0].bbox.y + p[0].bbox.h) as f32
                }
            })
            .collect();
        // A space where the gap is wide for the font size and, with several
        // gaps (kana read one by one), clearly wider than the usual one.
        let mut sorted = gaps.clone();
        sorted.sort_by(|a, b| a.total_cmp(b));
        let median = sorted.get(sorted.len() / 2).copied().unwrap_or(0.0);
        let mut out = String::new();
        for (i, w) in self.words.iter().enumerate() {
            if i > 0 {
                let gap = gaps[i - 1];
                if gap > unit * 0.45 && (gaps.len() < 2 || gap > median * 1.8) {
                    out.push(' ');
                }
            }
            out.push_str(&w.text);
        }
        out
    }

    pub fn conf(&self) -> f32 {
        let n: usize = self.words.iter().map(|w| w.text.chars().count()).sum();
        if n == 0 {
            return 0.0;
        }
        self.words.iter().map(|w| w.conf * w.text.chars().count() as f32).sum::<f32>() / n as f32
    }
}

/// Tesseract's language models.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Model {
    /// `jpn`: horizontal Japanese (with Latin).
    Horizontal,
    /// `jpn_vert`: vertical (縦書き) Japanese.
    Vertical,
}

impl Model {
    fn lang(self) -> &'static str {
        match self {
            Model::Horizontal => "jpn",
            Model::Vertical => "jpn_vert",
        }
    }
}

/// How to run the engine.
#[derive(Debug, Clone)]
pub struct OcrEngine {
    /// The `tesseract` program (default: `tesseract` on the PATH, or
    /// `$DAIFUKU_TESSERACT`; the desktop app passes its bundled copy).
    pub program: PathBuf,
    /// Its `tessdata` folder, if not the engine's default.
    pub tessdata: Option<PathBuf>,
    pub timeout: Duration,
}

impl Default for OcrEngine {
    fn default() -> OcrEngine {
        OcrEngine {
            program: std::env::var_os("DAIFUKU_TESSERACT").map(PathBuf::from).unwrap_or_else(|| "tesseract".into()),
            tessdata: std::env::var_os("DAIFUKU_TESSDATA").map(PathBuf::from),
            timeout: Duration::from_secs(60),
        }
    }
}

pub fn unavailable(why: &str) -> ApiError {
    ApiError::new(
        "ocr_unavailable",
        format!(
            "The OCR engine (Tesseract 5 with its Japanese models) is not available: {why}. Install it (Debian/Ubuntu: sudo apt install tesseract-ocr tesseract-ocr-jpn tesseract-ocr-jpn-vert; Windows and macOS: it comes with the app) and try again."
        ),
    )
}

impl OcrEngine {
    /// Checks the engine runs and has both Japanese models.
    pub fn check(&self) -> Result<(), ApiError> {
        let mut cmd = Command::new(&self.program);
        cmd.arg("--list-langs");
        if let Some(d) = &self.tessdata {
            cmd.arg("--tessdata-dir").arg(d);
        }
        let out = cmd.output().map_err(|e| unavailable(&format!("cannot start {}: {e}", self.program.display())))?;
        let text = String::from_utf8_lossy(&out.stdout).to_string() + &String::from_utf8_lossy(&out.stderr);
        let langs: Vec<&str> = text.lines().map(str::trim).collect();
        for lang in ["jpn", "jpn_vert"] {
            if !langs.contains(&lang) {
                return Err(unavailable(&format!("the model {lang} is not installed")));
            }
        }
        Ok(())
    }

    /// Reads `card` with `model` in page segmentation mode 3 (automatic);
    /// the lines in reading order.
    pub fn read(&self, card: &GrayImage, model: Model) -> Result<Vec<Line>, ApiError> {
        self.run(card, model.lang(), "3")
    }

    /// Reads `card` with `model` in mode 4 (one column of lines of any
    /// size): it keeps lines mode 3's layout analysis sometimes takes for
    /// pictures (a large name, a logo-like company name on a photo).
    pub fn read_column(&self, card: &GrayImage, model: Model) -> Result<Vec<Line>, ApiError> {
        self.run(card, model.lang(), "4")
    }

    /// Reads `card` in mode 11 (sparse text, no layout): the last resort
    /// for a name line both other modes dropped.
    pub fn read_sparse(&self, card: &GrayImage, model: Model) -> Result<Vec<Line>, ApiError> {
        self.run(card, model.lang(), "11")
    }

    /// Reads one line of Latin text (an e-mail address, a web address)
    /// with the English model, which knows `.co.jp` better than the
    /// Japanese one. `None` when the engine has no English model.
    pub fn read_latin_line(&self, crop: &GrayImage) -> Option<Line> {
        let lines = self.run(crop, "eng", "7").ok()?;
        let words: Vec<Word> = lines.into_iter().flat_map(|l| l.words).collect();
        let bbox = words.iter().map(|w| w.bbox).reduce(BoxPx::union)?;
        Some(Line { words, bbox })
    }

    /// Reads one small line (a kana reading under the name) enlarged 2×
    /// with the Japanese model as one line.
    pub fn read_small_line(&self, crop: &GrayImage) -> Option<Line> {
        let big =
            image::imageops::resize(crop, crop.width() * 2, crop.height() * 2, image::imageops::FilterType::CatmullRom);
        let lines = self.run(&big, "jpn", "7").ok()?;
        let mut words: Vec<Word> = lines.into_iter().flat_map(|l| l.words).collect();
        for w in &mut words {
            w.bbox = BoxPx { x: w.bbox.x / 2, y: w.bbox.y / 2, w: w.bbox.w / 2, h: w.bbox.h / 2 };
        }
        let bbox = words.iter().map(|w| w.bbox).reduce(BoxPx::union)?;
        Some(Line { words, bbox })
    }

    /// Reads `img` with any installed model (`jpn`, `eng`…) in page
    /// segmentation mode `psm`.
    pub fn read_with(&self, img: &GrayImage, lang: &str, psm: &str) -> Result<Vec<Line>, ApiError> {
        self.run(img, lang, psm)
    }

    fn run(&self, card: &GrayImage, lang: &str, psm: &str) -> Result<Vec<Line>, ApiError> {
        let mut png = Vec::new();
        image::codecs::png::PngEncoder::new_with_quality(
            &mut png,
            image::codecs::png::CompressionType::Fast,
            image::codecs::png::FilterType::NoFilter,
        )
        .write_image_gray(card)?;
        let mut cmd = Command::new(&self.program);
        cmd.args(["stdin", "stdout", "-l", lang, "--psm", psm, "-c", "preserve_interword_spaces=1"]);
        // 380 dpi: the flattened card's long side is 1400 px for 91 mm.
        cmd.args(["--dpi", "380"]);
        if let Some(d) = &self.tessdata {
            cmd.arg("--tessdata-dir").arg(d);
        }
        cmd.arg("tsv");
        // One thread per run: the two models (or a batch's cards) run side by side on the 2+ cores.
        cmd.env("OMP_THREAD_LIMIT", "1");
        cmd.stdin(Stdio::piped()).stdout(Stdio::piped()).stderr(Stdio::piped());
        let mut child = match cmd.spawn() {
            Ok(c) => c,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                return Err(unavailable(&format!("{} was not found", self.program.display())))
            }
            Err(e) => return Err(unavailable(&format!("cannot start {}: {e}", self.program.display()))),
        };
        let mut stdin = child.stdin.take().expect("piped");
        let writer = std::thread::spawn(move || stdin.write_all(&png));
        let mut stdout = child.stdout.take().expect("piped");
        let mut stderr = child.stderr.take().expect("piped");
        let reader = std::thread::spawn(move || {
            let mut s = String::new();
            let _ = stdout.read_to_string(&mut s);
            s
        });
        let err_reader = std::thread::spawn(move || {
            let mut s = String::new();
            let _ = stderr.read_to_string(&mut s);
            s
        });
        let start = Instant::now();
        let status = loop {
            if let Some(st) = child.try_wait().map_err(|e| unavailable(&e.to_string()))? {
                break st;
            }
            if start.elapsed() > self.timeout {
                let _ = child.kill();
                let _ = child.wait();
                return Err(ApiError::new(
                    "card_unreadable",
                    "Reading the card took too long. Take the photo again closer to the card.",
                ));
            }
            std::thread::sleep(Duration::from_millis(10));
        };
        let _ = writer.join();
        let tsv = reader.join().unwrap_or_default();
        let err = err_reader.join().unwrap_or_default();
        if !status.success() {
            if err.contains("Failed loading language") || err.contains("Error opening data file") {
                return Err(unavailable(&format!("the model {lang} is not installed")));
            }
            return Err(ApiError::new(
                "card_unreadable",
                format!("The OCR engine could not read the image: {}", err.lines().last().unwrap_or("")),
            ));
        }
        Ok(parse_tsv(&tsv))
    }
}

trait WriteGray {
    fn write_image_gray(self, img: &GrayImage) -> Result<(), ApiError>;
}

impl<W: Write> WriteGray for image::codecs::png::PngEncoder<W> {
    fn write_image_gray(self, img: &GrayImage) -> Result<(), ApiError> {
        use image::ImageEncoder;
        self.write_image(img.as_raw(), img.width(), img.height(), image::ExtendedColorType::L8)
            .map_err(|e| ApiError::new("internal", format!("cannot encode the card for OCR: {e}")))
    }
}

fn overlap(a: BoxPx, b: BoxPx) -> f32 {
    let w = ((a.x + a.w).min(b.x + b.w) as i64 - a.x.max(b.x) as i64).max(0);
    let h = ((a.y + a.h).min(b.y + b.h) as i64 - a.y.max(b.y) as i64).max(0);
    let inter = (w * h) as f32;
    let smaller = ((a.w * a.h).min(b.w * b.h)).max(1) as f32;
    inter / smaller
}

/// Two readings of one card merged: `extra`'s lines where `base` has none
/// (or a clearly less confident one), in reading order.
pub fn merge(base: Vec<Line>, extra: Vec<Line>, vertical: bool) -> Vec<Line> {
    let mut out = base;
    for line in extra {
        let hits: Vec<usize> = (0..out.len()).filter(|&i| overlap(out[i].bbox, line.bbox) > 0.3).collect();
        match hits.as_slice() {
            [] => out.push(line),
            [i] if line.conf() > out[*i].conf() + 8.0
                && line.text().chars().count() >= out[*i].text().chars().count() =>
            {
                out[*i] = line
            }
            _ => {}
        }
    }
    if vertical {
        out.sort_by_key(|l| (std::cmp::Reverse(l.bbox.x + l.bbox.w), l.bbox.y));
    } else {
        out.sort_by_key(|l| (l.bbox.y + l.bbox.h / 2, l.bbox.x));
    }
    out
}

/// Tesseract's TSV (level, page, block, par, line, word, left, top, width,
/// height, conf, text) grouped into lines; empty words dropped.
pub fn parse_tsv(tsv: &str) -> Vec<Line> {
    let mut lines: Vec<((u32, u32, u32), Line)> = Vec::new();
    for row in tsv.lines().skip(1) {
        let cols: Vec<&str> = row.splitn(12, '\t').collect();
        if cols.len() < 12 || cols[0] != "5" {
            continue;
        }
        let text = cols[11].trim();
        if text.is_empty() {
            continue;
        }
        let n = |i: usize| cols[i].parse::<u32>().unwrap_or(0);
        let key = (n(2), n(3), n(4));
        let word = Word {
            text: text.to_string(),
            conf: cols[10].parse::<f32>().unwrap_or(0.0).max(0.0),
            bbox: BoxPx { x: n(6), y: n(7), w: n(8), h: n(9) },
        };
        match lines.last_mut() {
            Some((k, line)) if *k == key => {
                line.bbox = line.bbox.union(word.bbox);
                line.words.push(word);
            }
            _ => lines.push((key, Line { bbox: word.bbox, words: vec![word] })),
        }
    }
    lines.into_iter().map(|(_, l)| l).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tsv_rows_group_into_lines_with_boxes() {
        let tsv = "level\tpage_num\tblock_num\tpar_num\tline_num\tword_num\tleft\ttop\twidth\theight\tconf\ttext\n\
                   1\t1\t0\t0\t0\t0\t0\t0\t1400\t800\t-1\t\n\
                   5\t1\t1\t1\t1\t1\t100\t50\t60\t60\t96.5\t山田\n\
                   5\t1\t1\t1\t1\t2\t200\t50\t60\t60\t90.1\t太郎\n\
                   5\t1\t1\t1\t2\t1\t100\t150\t60\t30\t80\tTEL\n\
                   5\t1\t1\t1\t2\t2\t410\t150\t200\t30\t70\t03-1234-5678\n\
                   5\t1\t2\t1\t1\t1\t100\t300\t20\t20\t-1\t \n";
        let lines = parse_tsv(tsv);
        assert_eq!(lines.len(), 2);
        assert_eq!(lines[0].text(), "山田 太郎");
        assert_eq!(lines[0].bbox, BoxPx { x: 100, y: 50, w: 160, h: 60 });
        assert!((lines[0].conf() - 93.3).abs() < 0.01);
        assert_eq!(lines[1].text(), "TEL 03-1234-5678");
    }
}
