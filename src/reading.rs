//! Reading (フリガナ) suggestions from kanji: 山田商事 → ヤマダショウジ.
//!
//! Morphological analysis by lindera with the IPADIC dictionary, built on
//! first use from Debian's `mecab-ipadic` CSV files (EUC-JP, a few seconds)
//! into a cache directory, and loaded from there afterwards (~0.1 s).
//! Nothing is downloaded, at build or at run time.
//!
//! The core reads no environment: a front end calls [`configure`] with the
//! dictionary source and the cache directory before the first suggestion.
//! The loaded dictionary is shared by the whole process.

use std::borrow::Cow;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use lindera::dictionary::{load_fs_dictionary, DictionaryBuilder, Metadata};
use lindera::mode::Mode;
use lindera::segmenter::Segmenter;
use serde::{Deserialize, Serialize};
use ts_rs::TS;
use unicode_normalization::UnicodeNormalization;

use crate::error::{ApiError, Result};
use crate::normalize;

/// Where Debian's `mecab-ipadic` package puts the dictionary sources.
pub const DEBIAN_IPADIC_DIR: &str = "/usr/share/mecab/dic/ipadic";

/// Where the dictionary comes from and where the built one is kept.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReadingConfig {
    /// mecab-ipadic sources: `*.csv`, `matrix.def`, `char.def`, `unk.def` (EUC-JP).
    pub ipadic_dir: PathBuf,
    /// A directory the app may write to; the built dictionary (~50 MB) goes
    /// into a subdirectory named after the lindera version.
    pub cache_dir: PathBuf,
}

/// A suggested reading.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct ReadingSuggestion {
    pub text: String,
    /// Katakana; corporate designators (株式会社, ㈱ …) left out, as
    /// readings are kept for あいうえお order.
    pub reading: String,
    /// False when some kanji had no reading in the dictionary (they are
    /// kept as written): the user should complete it.
    pub complete: bool,
}

/// Corporate designators left out of a company's reading (after NFKC).
const DESIGNATORS: &[&str] = &[
    "特定非営利活動法人",
    "一般社団法人",
    "一般財団法人",
    "公益社団法人",
    "公益財団法人",
    "社会福祉法人",
    "医療法人社団",
    "医療法人財団",
    "医療法人",
    "学校法人",
    "社団法人",
    "財団法人",
    "NPO法人",
    "株式会社",
    "有限会社",
    "合同会社",
    "合資会社",
    "合名会社",
    "(株)",
    "(有)",
    "(同)",
    "(資)",
    "(名)",
];

/// A loaded dictionary, ready to suggest readings.
pub struct Reader {
    segmenter: Segmenter,
}

fn unavailable(message: String) -> ApiError {
    ApiError::new("reading_unavailable", message)
}

impl Reader {
    /// Loads the dictionary from `cfg.cache_dir`, building it there first
    /// when it is not there yet.
    pub fn open(cfg: &ReadingConfig) -> Result<Reader> {
        let dir = built_dictionary(cfg)?;
        let dictionary = load_fs_dictionary(&dir)
            .map_err(|e| unavailable(format!("cannot load the dictionary in {}: {e}", dir.display())))?;
        Ok(Reader { segmenter: Segmenter::new(Mode::Normal, dictionary, None) })
    }

    /// The katakana reading of `text` (a company or a person's name).
    pub fn suggest(&self, text: &str) -> Result<ReadingSuggestion> {
        let mut cleaned = prepare(text);
        for d in DESIGNATORS {
            if cleaned.len() > d.len() {
                cleaned = cleaned.replace(d, " ");
            }
        }
        let mut tokens = self
            .segmenter
            .segment(Cow::Borrowed(cleaned.as_str()))
            .map_err(|e| unavailable(format!("cannot analyse {text:?}: {e}")))?;
        let mut reading = String::new();
        let mut complete = true;
        for token in tokens.iter_mut() {
            let surface = token.surface.to_string();
            if surface.trim().is_empty() {
                continue;
            }
            let details = token.details();
            match details.get(7).filter(|r| **r != "*" && !r.is_empty()) {
                Some(r) => reading.push_str(r),
                None => {
                    if surface.chars().any(is_kanji) {
                        complete = false;
                    }
                    reading.push_str(&normalize::to_katakana(&surface));
                }
            }
        }
        Ok(ReadingSuggestion { text: text.to_string(), reading: reading.replace(' ', ""), complete })
    }
}

fn is_kanji(c: char) -> bool {
    matches!(c, '\u{4E00}'..='\u{9FFF}' | '\u{3400}'..='\u{4DBF}' | '\u{F900}'..='\u{FAFF}' | '\u{20000}'..='\u{2FFFF}' | '々')
}

/// NFKC, variant kanji to their everyday form (髙 → 高: the dictionary
/// knows 高橋, not 髙橋); Latin letters keep their case.
fn prepare(text: &str) -> String {
    text.nfkc()
        .map(|c| if c.is_ascii() || c.is_whitespace() { c.to_string() } else { normalize::fold(&c.to_string()) })
        .collect()
}

/// The built dictionary's directory, building it when missing. Built into a
/// temporary directory and renamed, so a half-built dictionary is never used.
fn built_dictionary(cfg: &ReadingConfig) -> Result<PathBuf> {
    let dir = cfg.cache_dir.join(format!("ipadic-lindera-{}", lindera::get_version()));
    if dir.join("metadata.json").is_file() {
        return Ok(dir);
    }
    if !cfg.ipadic_dir.join("matrix.def").is_file() {
        return Err(unavailable(format!(
            "no IPADIC dictionary sources in {} (install the Debian package mecab-ipadic)",
            cfg.ipadic_dir.display()
        )));
    }
    let io = |e: std::io::Error, p: &Path| unavailable(format!("{}: {e}", p.display()));
    std::fs::create_dir_all(&cfg.cache_dir).map_err(|e| io(e, &cfg.cache_dir))?;
    let partial = cfg.cache_dir.join(format!(".ipadic-building-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&partial);
    let metadata = Metadata { name: "ipadic".into(), encoding: "EUC-JP".into(), ..Metadata::default() };
    DictionaryBuilder::new(metadata).build_dictionary(&cfg.ipadic_dir, &partial).map_err(|e| {
        let _ = std::fs::remove_dir_all(&partial);
        unavailable(format!("cannot build the dictionary from {}: {e}", cfg.ipadic_dir.display()))
    })?;
    if let Err(e) = std::fs::rename(&partial, &dir) {
        let _ = std::fs::remove_dir_all(&partial);
        // Another process may have finished first.
        if !dir.join("metadata.json").is_file() {
            return Err(io(e, &dir));
        }
    }
    Ok(dir)
}

struct Shared {
    config: Option<ReadingConfig>,
    reader: Option<Arc<Reader>>,
}

static SHARED: Mutex<Shared> = Mutex::new(Shared { config: None, reader: None });

/// Tells the core where the dictionary is (called once by a front end).
pub fn configure(config: ReadingConfig) {
    let mut shared = SHARED.lock().unwrap_or_else(|e| e.into_inner());
    if shared.config.as_ref() != Some(&config) {
        shared.config = Some(config);
        shared.reader = None;
    }
}

/// The reading of `text` with the configured dictionary (built and loaded
/// on first use).
pub fn suggest(text: &str) -> Result<ReadingSuggestion> {
    let reader = {
        let mut shared = SHARED.lock().unwrap_or_else(|e| e.into_inner());
        match &shared.reader {
            Some(r) => r.clone(),
            None => {
                let config = shared.config.clone().ok_or_else(|| {
                    unavailable("reading suggestions are not set up (no dictionary configured)".into())
                })?;
                let r = Arc::new(Reader::open(&config)?);
                shared.reader = Some(r.clone());
                r
            }
        }
    };
    reader.suggest(text)
}
