//! Reading (フリガナ) suggestions from kanji: 山田商事 → ヤマダショウジ.
//!
//! Morphological analysis by lindera with the IPADIC dictionary. The
//! dictionary comes from, in this order:
//!
//! 1. the shipped pack: one zstd-compressed file the app carries as a
//!    resource (`daifuku reading-dict` makes it from the IPADIC sources at
//!    build time, [`build_pack`]). It is unpacked once into the cache
//!    directory, under a name made of the lindera version and the pack's
//!    content hash, and loaded from there;
//! 2. Debian's `mecab-ipadic` CSV files (EUC-JP), built on first use into the
//!    cache directory (a few seconds), as on a developer's machine.
//!
//! Why a pack and not lindera's `embed-ipadic` feature: that feature
//! downloads the dictionary while compiling, which fails on machines without
//! internet (CI, offline builds), and it would put ~46 MB into every binary
//! (CLI, desktop, tests). The pack is built offline from the same sources in
//! ~2 s, ships as one ~10 MB file and costs nothing until the first
//! suggestion. Nothing is downloaded, at build or at run time.
//!
//! IPADIC's licence (NAIST, with the ICOT terms) permits use, reproduction
//! and redistribution, original or modified, provided the copyright notice
//! and the no-warranty paragraphs go with every copy: the pack carries the
//! notice as its `COPYING` entry and `daifuku reading-dict` writes it next
//! to the pack (`COPYING.ipadic`).
//!
//! The core reads no environment: a front end calls [`configure`] with the
//! pack's path, the dictionary sources and the cache directory before the
//! first suggestion. The loaded dictionary is shared by the whole process.

use std::borrow::Cow;
use std::io::{BufReader, BufWriter, Read, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use lindera::dictionary::{load_fs_dictionary, DictionaryBuilder, Metadata};
use lindera::mode::Mode;
use lindera::segmenter::Segmenter;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use ts_rs::TS;
use unicode_normalization::UnicodeNormalization;

use crate::error::{ApiError, Result};
use crate::normalize;

/// Where Debian's `mecab-ipadic` package puts the dictionary sources.
pub const DEBIAN_IPADIC_DIR: &str = "/usr/share/mecab/dic/ipadic";

/// Where the dictionary comes from and where the built one is kept.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReadingConfig {
    /// The shipped dictionary pack ([`pack_file_name`]), from the app's
    /// resources; when absent or unreadable the sources below are used.
    pub pack: Option<PathBuf>,
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
    /// Loads the dictionary from `cfg.cache_dir`, unpacking the shipped pack
    /// there first, or else building it from the sources, when it is not
    /// there yet.
    pub fn open(cfg: &ReadingConfig) -> Result<Reader> {
        let dir = match cfg.pack.as_deref().filter(|p| p.is_file()) {
            Some(pack) => match unpack(pack, &cfg.cache_dir) {
                Ok(dir) => dir,
                // A damaged pack or one made for another lindera: the
                // sources, if this machine has them, else both reasons.
                Err(pack_error) => built_dictionary(cfg)
                    .map_err(|e| unavailable(format!("{}; and {}", pack_error.message, e.message)))?,
            },
            None => built_dictionary(cfg).map_err(|e| match &cfg.pack {
                Some(pack) => unavailable(format!("no dictionary pack at {}; and {}", pack.display(), e.message)),
                None => e,
            })?,
        };
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

/// The pack's file name: `ipadic-lindera-<version>.dict.zst`. A lindera
/// upgrade changes the dictionary's binary layout, so it changes the name.
pub fn pack_file_name() -> String {
    format!("ipadic-lindera-{}.dict.zst", lindera::get_version())
}

// The pack is a small format of our own rather than a tar archive: the
// dictionary is nine flat files, the project has no tar dependency, and the
// header must be readable without decompressing (to find the unpacked copy
// at start in microseconds). Layout, integers little-endian:
//
//   PACK_MAGIC (16 bytes) | format u32 | lindera version (u16 length, UTF-8)
//   | SHA-256 of the body (32 bytes) | body length u64 | zstd(body)
//
// body = entries, each: name (u16 length, UTF-8) | size u64 | bytes.
const PACK_MAGIC: &[u8; 16] = b"DAIFUKU-READING\0";
const PACK_FORMAT: u32 = 1;
/// The zstd level of the pack the app ships: 19 packs the 47.5 MB
/// dictionary into 8.5 MB (level 3: 12.0 MB, 9: 11.1 MB, 17: 10.4 MB) and
/// takes about a minute on 2 cores; every level unpacks in ~0.1 s.
/// Tests and CI, which need a pack but not a small one, pass 3 (0.3 s).
pub const SHIPPED_PACK_LEVEL: i32 = 19;

/// What [`build_pack`] made.
#[derive(Debug, Clone, Serialize)]
pub struct PackReport {
    pub path: PathBuf,
    /// Bytes of the pack file.
    pub packed_bytes: u64,
    /// Bytes of the unpacked dictionary (what lands in the cache directory).
    pub unpacked_bytes: u64,
    pub files: Vec<String>,
    /// Hex SHA-256 of the pack's body.
    pub content_hash: String,
}

fn io_error(e: std::io::Error, p: &Path) -> ApiError {
    ApiError::new("io", format!("{}: {e}", p.display()))
}

/// Builds the IPADIC dictionary from `ipadic_dir` (mecab-ipadic sources,
/// EUC-JP) with lindera's builder and writes it as one pack into `out_dir`
/// ([`pack_file_name`]). `notice` (IPADIC's licence text) is carried as the
/// pack's `COPYING` entry, as the licence asks of every copy. `level`: zstd's
/// (1–22; [`SHIPPED_PACK_LEVEL`] for what ships).
pub fn build_pack(ipadic_dir: &Path, notice: Option<&Path>, out_dir: &Path, level: i32) -> Result<PackReport> {
    if !ipadic_dir.join("matrix.def").is_file() {
        return Err(unavailable(format!("no IPADIC dictionary sources in {}", ipadic_dir.display())));
    }
    std::fs::create_dir_all(out_dir).map_err(|e| io_error(e, out_dir))?;
    let work = tempfile::tempdir_in(out_dir).map_err(|e| io_error(e, out_dir))?;
    let built = work.path().join("dict");
    let metadata = Metadata { name: "ipadic".into(), encoding: "EUC-JP".into(), ..Metadata::default() };
    DictionaryBuilder::new(metadata)
        .build_dictionary(ipadic_dir, &built)
        .map_err(|e| unavailable(format!("cannot build the dictionary from {}: {e}", ipadic_dir.display())))?;
    let mut entries: Vec<(String, PathBuf)> = Vec::new();
    for entry in std::fs::read_dir(&built).map_err(|e| io_error(e, &built))? {
        let entry = entry.map_err(|e| io_error(e, &built))?;
        if entry.file_type().map_err(|e| io_error(e, &built))?.is_file() {
            entries.push((entry.file_name().to_string_lossy().into_owned(), entry.path()));
        }
    }
    if let Some(notice) = notice {
        entries.push(("COPYING".into(), notice.to_path_buf()));
    }
    entries.sort();

    let path = out_dir.join(pack_file_name());
    let partial = work.path().join("pack.partial");
    let file = std::fs::File::create(&partial).map_err(|e| io_error(e, &partial))?;
    let mut out = BufWriter::new(file);
    let version = lindera::get_version();
    let mut header = Vec::new();
    header.extend_from_slice(PACK_MAGIC);
    header.extend_from_slice(&PACK_FORMAT.to_le_bytes());
    header.extend_from_slice(&(version.len() as u16).to_le_bytes());
    header.extend_from_slice(version.as_bytes());
    let hash_at = header.len() as u64;
    header.extend_from_slice(&[0; 32 + 8]); // hash and body length, filled in below
    out.write_all(&header).map_err(|e| io_error(e, &partial))?;

    let mut encoder = zstd::stream::write::Encoder::new(out, level).map_err(|e| io_error(e, &partial))?;
    let mut hasher = Sha256::new();
    let mut body_len = 0u64;
    let mut put = |bytes: &[u8], encoder: &mut zstd::stream::write::Encoder<'_, BufWriter<std::fs::File>>| {
        hasher.update(bytes);
        body_len += bytes.len() as u64;
        encoder.write_all(bytes).map_err(|e| io_error(e, &partial))
    };
    let mut unpacked_bytes = 0u64;
    for (name, source) in &entries {
        let bytes = std::fs::read(source).map_err(|e| io_error(e, source))?;
        put(&(name.len() as u16).to_le_bytes(), &mut encoder)?;
        put(name.as_bytes(), &mut encoder)?;
        put(&(bytes.len() as u64).to_le_bytes(), &mut encoder)?;
        put(&bytes, &mut encoder)?;
        unpacked_bytes += bytes.len() as u64;
    }
    let digest: [u8; 32] = hasher.finalize().into();
    let mut file =
        encoder.finish().and_then(|w| w.into_inner().map_err(|e| e.into_error())).map_err(|e| io_error(e, &partial))?;
    file.seek(SeekFrom::Start(hash_at)).map_err(|e| io_error(e, &partial))?;
    file.write_all(&digest).map_err(|e| io_error(e, &partial))?;
    file.write_all(&body_len.to_le_bytes()).map_err(|e| io_error(e, &partial))?;
    file.sync_all().map_err(|e| io_error(e, &partial))?;
    drop(file);
    std::fs::rename(&partial, &path).map_err(|e| io_error(e, &path))?;
    let packed_bytes = std::fs::metadata(&path).map_err(|e| io_error(e, &path))?.len();
    Ok(PackReport {
        path,
        packed_bytes,
        unpacked_bytes,
        files: entries.into_iter().map(|(n, _)| n).collect(),
        content_hash: hex::encode(digest),
    })
}

/// A pack's header: the lindera version it was made with, the body's hash and length.
struct PackHeader {
    version: String,
    hash: [u8; 32],
    body_len: u64,
}

fn read_header(r: &mut impl Read) -> std::io::Result<Option<PackHeader>> {
    let mut magic = [0u8; 16];
    r.read_exact(&mut magic)?;
    let mut u32b = [0u8; 4];
    r.read_exact(&mut u32b)?;
    if &magic != PACK_MAGIC || u32::from_le_bytes(u32b) != PACK_FORMAT {
        return Ok(None);
    }
    let mut u16b = [0u8; 2];
    r.read_exact(&mut u16b)?;
    let mut version = vec![0u8; u16::from_le_bytes(u16b) as usize];
    r.read_exact(&mut version)?;
    let mut hash = [0u8; 32];
    r.read_exact(&mut hash)?;
    let mut u64b = [0u8; 8];
    r.read_exact(&mut u64b)?;
    Ok(Some(PackHeader {
        version: String::from_utf8_lossy(&version).into_owned(),
        hash,
        body_len: u64::from_le_bytes(u64b),
    }))
}

/// Reads through to the inner reader, hashing and counting what passes.
struct Hashing<R> {
    inner: R,
    hasher: Sha256,
    read: u64,
}

impl<R: Read> Read for Hashing<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.hasher.update(&buf[..n]);
        self.read += n as u64;
        Ok(n)
    }
}

/// The unpacked dictionary of `pack` in `cache_dir`, unpacking it first
/// when it is not there yet (its directory is named after the lindera
/// version and the pack's content hash, so a new pack is unpacked anew).
/// Unpacked into a temporary directory, checked against the hash in the
/// header, then renamed: a damaged or half-written copy is never used.
pub fn unpack(pack: &Path, cache_dir: &Path) -> Result<PathBuf> {
    let bad = |why: String| unavailable(format!("the dictionary pack {} {why}", pack.display()));
    let file = std::fs::File::open(pack).map_err(|e| bad(format!("cannot be read: {e}")))?;
    let mut reader = BufReader::new(file);
    let header = read_header(&mut reader)
        .map_err(|e| bad(format!("cannot be read: {e}")))?
        .ok_or_else(|| bad("is not a Daifuku reading dictionary".into()))?;
    if header.version != lindera::get_version() {
        return Err(bad(format!(
            "was made for lindera {}, this app uses {} (make it again with `daifuku reading-dict`)",
            header.version,
            lindera::get_version()
        )));
    }
    let dir = cache_dir.join(format!("ipadic-lindera-{}-{}", header.version, &hex::encode(header.hash)[..16]));
    if dir.join("metadata.json").is_file() {
        return Ok(dir);
    }
    std::fs::create_dir_all(cache_dir).map_err(|e| io_error(e, cache_dir))?;
    let partial = cache_dir.join(format!(".ipadic-unpacking-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&partial);
    let result = unpack_body(reader, &header, &partial).map_err(|e| bad(format!("is damaged: {e}")));
    if let Err(e) = result {
        let _ = std::fs::remove_dir_all(&partial);
        return Err(e);
    }
    if let Err(e) = std::fs::rename(&partial, &dir) {
        let _ = std::fs::remove_dir_all(&partial);
        // Another process may have finished first.
        if !dir.join("metadata.json").is_file() {
            return Err(io_error(e, &dir));
        }
    }
    remove_older_packs(cache_dir, &dir);
    Ok(dir)
}

/// Removes the unpacked copies of other packs (an app update brings a new
/// one: ~48 MB each). Best effort: a copy still open elsewhere (Windows)
/// stays until a later start. The dictionary built from the system sources
/// (`ipadic-lindera-<version>`, no hash) is kept.
fn remove_older_packs(cache_dir: &Path, current: &Path) {
    let Ok(entries) = std::fs::read_dir(cache_dir) else { return };
    for entry in entries.flatten() {
        let name = entry.file_name().to_string_lossy().into_owned();
        let is_pack_copy = name
            .strip_prefix("ipadic-lindera-")
            .and_then(|rest| rest.rsplit_once('-'))
            .is_some_and(|(_, hash)| hash.len() == 16 && hash.bytes().all(|b| b.is_ascii_hexdigit()));
        if is_pack_copy && entry.path() != current {
            let _ = std::fs::remove_dir_all(entry.path());
        }
    }
}

fn unpack_body(reader: impl std::io::BufRead, header: &PackHeader, into: &Path) -> std::io::Result<()> {
    use std::io::{Error, ErrorKind};
    std::fs::create_dir_all(into)?;
    let decoder = zstd::stream::read::Decoder::with_buffer(reader)?;
    let mut body = Hashing { inner: decoder.take(header.body_len), hasher: Sha256::new(), read: 0 };
    while body.read < header.body_len {
        let mut u16b = [0u8; 2];
        body.read_exact(&mut u16b)?;
        let mut name = vec![0u8; u16::from_le_bytes(u16b) as usize];
        body.read_exact(&mut name)?;
        let name =
            String::from_utf8(name).map_err(|_| Error::new(ErrorKind::InvalidData, "a file name is not UTF-8"))?;
        // Flat names only: nothing may be written outside `into`.
        if name.is_empty() || !name.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-')) {
            return Err(Error::new(ErrorKind::InvalidData, format!("unexpected file name {name:?}")));
        }
        let mut u64b = [0u8; 8];
        body.read_exact(&mut u64b)?;
        let size = u64::from_le_bytes(u64b);
        let mut out = BufWriter::new(std::fs::File::create(into.join(&name))?);
        let copied = std::io::copy(&mut (&mut body).take(size), &mut out)?;
        if copied != size {
            return Err(Error::new(ErrorKind::UnexpectedEof, format!("{name} is cut short")));
        }
        out.flush()?;
    }
    if body.hasher.finalize().as_slice() != header.hash {
        return Err(Error::new(ErrorKind::InvalidData, "its content does not match its checksum"));
    }
    Ok(())
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
