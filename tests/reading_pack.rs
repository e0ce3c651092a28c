//! Readings (フリガナ) on every laptop: the dictionary pack the app ships
//! (`daifuku reading-dict`, crates/daifuku-core/src/reading.rs) gives suggestions on a machine
//! with no system dictionary and an empty cache; a damaged or foreign pack is
//! refused and leaves nothing behind; without pack and sources the answer is
//! `reading_unavailable`.
//!
//! The pack under test is the one scripts/setup.sh builds for the app
//! (`DAIFUKU_READING_DICT`) when set, else one built here from Debian's
//! mecab-ipadic.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::OnceLock;

use daifuku::reading::{self, Reader, ReadingConfig, DEBIAN_IPADIC_DIR};
use daifuku::{api, Ctx, Store};
use serde_json::{json, Value};

/// A new empty directory (unique: the tests run in parallel).
fn tmp_dir(name: &str) -> PathBuf {
    static N: AtomicUsize = AtomicUsize::new(0);
    let n = N.fetch_add(1, Ordering::Relaxed);
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join(format!("reading-pack-{name}-{}-{n}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// The pack the app ships, or one built here (zstd level 1: same format, faster).
fn pack() -> &'static Path {
    static PACK: OnceLock<PathBuf> = OnceLock::new();
    PACK.get_or_init(|| {
        if let Some(p) = std::env::var_os("DAIFUKU_READING_DICT").map(PathBuf::from).filter(|p| p.is_file()) {
            return p;
        }
        let out = tmp_dir("built");
        let report = reading::build_pack(Path::new(DEBIAN_IPADIC_DIR), None, &out, 1)
            .unwrap_or_else(|e| panic!("building the pack needs Debian's mecab-ipadic (scripts/setup.sh): {e}"));
        report.path
    })
}

/// No system dictionary: the sources' directory is empty.
fn no_sources() -> PathBuf {
    tmp_dir("no-sources")
}

/// The entries of a cache directory (the unpacked dictionaries and anything left over).
fn entries(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = match std::fs::read_dir(dir) {
        Ok(rd) => rd.map(|e| e.unwrap().file_name().to_string_lossy().into_owned()).collect(),
        Err(_) => Vec::new(),
    };
    names.sort();
    names
}

#[test]
fn the_shipped_pack_gives_readings_without_a_system_dictionary_or_a_cache() {
    let sources = no_sources();
    let cache = tmp_dir("cache");
    assert!(entries(&cache).is_empty());
    // After an update: the previous version's unpacked pack goes, a dictionary
    // built from system sources and other files stay.
    let version = lindera_version();
    let older = format!("ipadic-lindera-{version}-0123456789abcdef");
    let built = format!("ipadic-lindera-{version}");
    for d in [&older, &built] {
        std::fs::create_dir_all(cache.join(d)).unwrap();
        std::fs::write(cache.join(d).join("dict.words"), b"old").unwrap();
    }
    std::fs::write(cache.join("notes.txt"), b"kept").unwrap();
    reading::configure(ReadingConfig {
        pack: Some(pack().to_path_buf()),
        ipadic_dir: sources.clone(),
        cache_dir: cache.clone(),
    });
    let mut store = Store::open_in_memory().unwrap();
    let ctx = Ctx::new(1_790_000_000_000, "dev-a");
    for (text, expected) in [
        ("山田商事", "ヤマダショウジ"),
        ("株式会社山田商事", "ヤマダショウジ"),
        ("髙橋", "タカハシ"),
        ("渡辺 一郎", "ワタナベイチロウ"),
    ] {
        let v = api::execute_json(&mut store, &ctx, json!({"cmd": "suggest_reading", "text": text}))
            .unwrap_or_else(|e| panic!("{text}: {e:?}"));
        assert_eq!(v["data"]["reading"], json!(expected), "{text}: {v}");
        assert_eq!(v["data"]["complete"], json!(true), "{text}: {v}");
    }
    // Unpacked once into the cache, under the lindera version and the pack's hash.
    let mut unpacked = entries(&cache);
    assert_eq!(unpacked.len(), 3, "{unpacked:?}");
    assert!(unpacked.contains(&built) && unpacked.contains(&"notes.txt".to_string()), "{unpacked:?}");
    unpacked.retain(|d| d != &built && d != "notes.txt");
    let prefix = format!("ipadic-lindera-{version}-");
    assert!(unpacked[0].starts_with(&prefix) && unpacked[0].len() == prefix.len() + 16, "{unpacked:?}");
    let files = entries(&cache.join(&unpacked[0]));
    for f in ["dict.words", "matrix.mtx", "metadata.json", "char_def.bin", "unk.bin"] {
        assert!(files.contains(&f.to_string()), "{f} missing: {files:?}");
    }

    // The same machine without the pack: no suggestions, a clear code.
    reading::configure(ReadingConfig {
        pack: Some(sources.join("missing.dict.zst")),
        ipadic_dir: sources.clone(),
        cache_dir: tmp_dir("cache-without-pack"),
    });
    let e = api::execute_json(&mut store, &ctx, json!({"cmd": "suggest_reading", "text": "山田商事"})).unwrap_err();
    assert_eq!(e.code, "reading_unavailable", "{e:?}");
    assert!(e.message.contains("missing.dict.zst"), "the message names the missing pack: {}", e.message);
}

fn lindera_version() -> String {
    // The pack's file name carries it: ipadic-lindera-<version>.dict.zst.
    reading::pack_file_name().trim_start_matches("ipadic-lindera-").trim_end_matches(".dict.zst").to_string()
}

#[test]
fn a_pack_is_unpacked_once_and_then_loaded_from_the_cache() {
    let dir = tmp_dir("once");
    let copy = dir.join(reading::pack_file_name());
    std::fs::copy(pack(), &copy).unwrap();
    let cache = tmp_dir("once-cache");
    let cfg = ReadingConfig { pack: Some(copy.clone()), ipadic_dir: no_sources(), cache_dir: cache.clone() };
    let first = Reader::open(&cfg).unwrap();
    assert_eq!(first.suggest("大和田").unwrap().reading, "オオワダ");
    // Later starts read the pack's header only: with its body gone, the
    // unpacked copy is still found and used.
    let header_len = 16 + 4 + 2 + lindera_version().len() + 32 + 8;
    std::fs::OpenOptions::new().write(true).open(&copy).unwrap().set_len(header_len as u64 + 100).unwrap();
    let second = Reader::open(&cfg).unwrap_or_else(|e| panic!("the pack was unpacked again: {e:?}"));
    assert_eq!(second.suggest("青葉建設 株式会社").unwrap().reading, "アオバケンセツ");
    assert_eq!(entries(&cache).len(), 1, "{:?}", entries(&cache));
    // A fresh cache with that pack: refused as damaged.
    let fresh = ReadingConfig { cache_dir: tmp_dir("once-fresh"), ..cfg };
    assert!(Reader::open(&fresh).err().is_some_and(|e| e.message.contains("damaged")));
}

#[test]
fn a_damaged_or_foreign_pack_is_refused_and_leaves_nothing_behind() {
    let good = std::fs::read(pack()).unwrap();
    let dir = tmp_dir("damaged");
    // Header: 16 magic + 4 format + 2 + version + 32 hash + 8 length.
    let version = lindera_version();
    let body_at = 16 + 4 + 2 + version.len() + 32 + 8;
    let mut flipped = good.clone();
    let mid = body_at + (good.len() - body_at) / 2;
    flipped[mid] ^= 0x55;
    let cut = good[..good.len() - 1000].to_vec();
    let mut other_version = good.clone();
    other_version[22..22 + version.len()].copy_from_slice(&"9".repeat(version.len()).into_bytes());
    let mut not_a_pack = good.clone();
    not_a_pack[..16].copy_from_slice(b"PK\x03\x04 not ours!!!");
    // A pack whose content changed but still decompresses: only the checksum can tell.
    let mut body = zstd::decode_all(&good[body_at..]).unwrap();
    let n = body.len();
    body[n / 2] ^= 0x01;
    let mut altered = good[..body_at].to_vec();
    altered.extend(zstd::encode_all(&body[..], 1).unwrap());
    let cases: [(&str, Vec<u8>, &str); 5] = [
        ("altered", altered, "does not match its checksum"),
        ("flipped", flipped, "damaged"),
        ("cut", cut, "damaged"),
        ("other-version", other_version, "was made for lindera 99999"),
        ("not-a-pack", not_a_pack, "is not a Daifuku reading dictionary"),
    ];
    for (name, bytes, why) in cases {
        let path = dir.join(format!("{name}.dict.zst"));
        std::fs::write(&path, &bytes).unwrap();
        let cache = tmp_dir(&format!("damaged-cache-{name}"));
        let cfg = ReadingConfig { pack: Some(path), ipadic_dir: no_sources(), cache_dir: cache.clone() };
        let e = Reader::open(&cfg).err().unwrap_or_else(|| panic!("{name}: a bad pack was used"));
        assert_eq!(e.code, "reading_unavailable", "{name}: {e:?}");
        assert!(e.message.contains(why), "{name}: {}", e.message);
        assert!(entries(&cache).is_empty(), "{name}: left behind {:?}", entries(&cache));
    }
}

#[test]
fn a_damaged_pack_falls_back_to_the_system_dictionary() {
    let mut bytes = std::fs::read(pack()).unwrap();
    let n = bytes.len();
    bytes[n - 500] ^= 0x55;
    let dir = tmp_dir("fallback");
    let path = dir.join("damaged.dict.zst");
    std::fs::write(&path, &bytes).unwrap();
    let cfg = ReadingConfig {
        pack: Some(path),
        ipadic_dir: DEBIAN_IPADIC_DIR.into(),
        // Shared with tests/duplicates.rs: built from the sources once per target directory.
        cache_dir: Path::new(env!("CARGO_TARGET_TMPDIR")).join("reading-cache"),
    };
    let reader = Reader::open(&cfg).unwrap();
    assert_eq!(reader.suggest("山田商事").unwrap().reading, "ヤマダショウジ");
}

fn cli(args: &[&str], env: &[(&str, &Path)]) -> std::process::Output {
    let db = tmp_dir("cli-db").join("crm.db");
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_daifuku"));
    cmd.arg("--db").arg(db).args(args).env_remove("DAIFUKU_READING_DICT");
    for (k, v) in env {
        cmd.env(k, v);
    }
    cmd.output().unwrap()
}

#[test]
fn the_cli_builds_a_pack_with_the_ipadic_notice_and_suggests_from_it() {
    let out_dir = tmp_dir("cli-out");
    let out = cli(&["reading-dict", "--out", out_dir.to_str().unwrap(), "--level", "1", "--json"], &[]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    let pack_path = out_dir.join(reading::pack_file_name());
    assert_eq!(v["pack"]["path"], json!(pack_path), "{v}");
    let files: Vec<&str> = v["pack"]["files"].as_array().unwrap().iter().map(|f| f.as_str().unwrap()).collect();
    for f in ["COPYING", "dict.words", "dict.trie", "matrix.mtx", "metadata.json"] {
        assert!(files.contains(&f), "{f} missing: {v}");
    }
    let packed = v["pack"]["packed_bytes"].as_u64().unwrap();
    assert_eq!(packed, std::fs::metadata(&pack_path).unwrap().len());
    assert!(packed * 3 < v["pack"]["unpacked_bytes"].as_u64().unwrap(), "{v}");
    // IPADIC's licence goes with every copy: next to the pack and inside it.
    let notice = std::fs::read_to_string(out_dir.join("COPYING.ipadic")).unwrap();
    assert!(notice.contains("Nara Institute of Science") && notice.contains("NO WARRANTY"), "{notice}");
    let cache = tmp_dir("cli-cache");
    let config = Reader::open(&ReadingConfig {
        pack: Some(pack_path.clone()),
        ipadic_dir: no_sources(),
        cache_dir: cache.clone(),
    });
    assert!(config.is_ok());
    let unpacked = cache.join(&entries(&cache)[0]);
    assert_eq!(std::fs::read_to_string(unpacked.join("COPYING")).unwrap(), notice);

    // `daifuku reading` with the pack through its variable, no system dictionary, an empty cache.
    let sources = no_sources();
    let empty_cache = tmp_dir("cli-empty-cache");
    let out = cli(
        &["reading", "株式会社山田商事"],
        &[("DAIFUKU_READING_DICT", &pack_path), ("DAIFUKU_IPADIC_DIR", &sources), ("DAIFUKU_CACHE_DIR", &empty_cache)],
    );
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert_eq!(String::from_utf8_lossy(&out.stdout).trim(), "ヤマダショウジ");
    // And without it (a missing pack, not the one next to the executable).
    let missing = sources.join("none.dict.zst");
    let out = cli(
        &["reading", "山田商事"],
        &[
            ("DAIFUKU_READING_DICT", &missing),
            ("DAIFUKU_IPADIC_DIR", &sources),
            ("DAIFUKU_CACHE_DIR", &tmp_dir("cli-cache-2")),
        ],
    );
    assert!(!out.status.success());
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("reading_unavailable"),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}
