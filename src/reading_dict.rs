//! `daifuku reading-dict`: makes the reading dictionary pack the app ships
//! (crates/daifuku-core/src/reading.rs), and where the CLI and `daifuku serve` find it.

use std::path::{Path, PathBuf};
use std::time::Instant;

use clap::{Arg, ArgMatches, Command};
use daifuku::reading::{self, ReadingConfig, DEBIAN_IPADIC_DIR};
use daifuku::ApiError;

use crate::Output;

/// Debian's copy of IPADIC's licence (mecab-ipadic puts no COPYING beside the sources).
const DEBIAN_IPADIC_NOTICE: &str = "/usr/share/doc/mecab-ipadic/copyright";

pub fn command() -> Command {
    Command::new("reading-dict")
        .about("Build the reading (フリガナ) dictionary pack the app ships, from the IPADIC sources")
        .arg(Arg::new("out").long("out").required(true).value_name("DIR").help("Directory to write the pack into"))
        .arg(
            Arg::new("ipadic")
                .long("ipadic")
                .value_name("DIR")
                .default_value(DEBIAN_IPADIC_DIR)
                .help("mecab-ipadic sources (EUC-JP CSV and .def files)"),
        )
        .arg(
            Arg::new("level")
                .long("level")
                .value_name("1-22")
                .default_value(reading::SHIPPED_PACK_LEVEL.to_string())
                .value_parser(clap::value_parser!(i32).range(1..=22))
                .help(
                    "zstd level: the default makes the smallest pack (about a minute); 3 is for tests (under a second)",
                ),
        )
        .arg(Arg::new("notice").long("notice").value_name("FILE").help(
            "IPADIC's licence text, carried in the pack and written next to it as COPYING.ipadic \
             (default: COPYING in the sources, else Debian's copyright file)",
        ))
}

pub fn run(sub: &ArgMatches) -> Result<Output, ApiError> {
    let out = PathBuf::from(sub.get_one::<String>("out").unwrap());
    let ipadic = PathBuf::from(sub.get_one::<String>("ipadic").unwrap());
    let notice = match sub.get_one::<String>("notice") {
        Some(n) => PathBuf::from(n),
        None => [ipadic.join("COPYING"), PathBuf::from(DEBIAN_IPADIC_NOTICE)]
            .into_iter()
            .find(|p| p.is_file())
            .ok_or_else(|| ApiError::new("io", "no licence text for IPADIC found: give it with --notice FILE"))?,
    };
    let started = Instant::now();
    let report = reading::build_pack(&ipadic, Some(&notice), &out, *sub.get_one::<i32>("level").unwrap())?;
    let build_ms = started.elapsed().as_millis();
    let copying = out.join("COPYING.ipadic");
    std::fs::copy(&notice, &copying).map_err(|e| ApiError::new("io", format!("{}: {e}", copying.display())))?;
    let mb = |b: u64| b as f64 / 1e6;
    Ok(Output::Both(
        format!(
            "{}: {:.1} MB ({:.1} MB unpacked), built in {:.1} s",
            report.path.display(),
            mb(report.packed_bytes),
            mb(report.unpacked_bytes),
            build_ms as f64 / 1000.0
        ),
        serde_json::json!({"pack": report, "build_ms": build_ms, "notice": copying}),
    ))
}

/// Where reading suggestions come from, for the CLI and `daifuku serve`:
/// the pack at `DAIFUKU_READING_DICT`, else in `reading/` next to the
/// executable (where the desktop build and its installers put it); the
/// sources at `DAIFUKU_IPADIC_DIR` (default: Debian's mecab-ipadic); the
/// cache at `DAIFUKU_CACHE_DIR` (default: the OS cache directory).
pub fn configure() {
    let pack = std::env::var_os("DAIFUKU_READING_DICT").map(PathBuf::from).or_else(|| {
        let exe = std::env::current_exe().ok()?;
        Some(exe.parent().unwrap_or(Path::new(".")).join("reading").join(reading::pack_file_name()))
    });
    let ipadic_dir =
        std::env::var_os("DAIFUKU_IPADIC_DIR").map(PathBuf::from).unwrap_or_else(|| PathBuf::from(DEBIAN_IPADIC_DIR));
    let cache_dir = std::env::var_os("DAIFUKU_CACHE_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| dirs::cache_dir().unwrap_or_else(std::env::temp_dir).join("daifuku"));
    reading::configure(ReadingConfig { pack, ipadic_dir, cache_dir });
}
