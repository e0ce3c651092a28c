//! The workspace's seams (issue 17): the core links no command-line parser,
//! HTTP server, async runtime or object store, and the desktop app links no
//! command-line parser or HTTP server. Read from `cargo tree` over the
//! lockfile (offline), so a dependency that sneaks in through another crate
//! counts too.

use std::collections::BTreeSet;
use std::process::Command;

/// The crates (names) `package` links in a normal (non-dev) build.
fn linked(package: &str) -> BTreeSet<String> {
    let out = Command::new(env!("CARGO"))
        .args(["tree", "--offline", "--locked", "-e", "normal", "--prefix", "none", "-p", package])
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .expect("cargo runs");
    assert!(out.status.success(), "cargo tree -p {package}: {}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8(out.stdout)
        .unwrap()
        .lines()
        .filter_map(|l| l.split_whitespace().next())
        .map(str::to_string)
        .collect()
}

// The bridge's HTTP server is hyper, which the desktop app also links (the
// S3 client is built on it): only the core must stay free of it.
const CLI_AND_SERVER: &[&str] = &["clap"];
const RUNTIME_AND_STORAGE: &[&str] = &["tokio", "object_store", "daifuku-folder", "daifuku-host", "daifuku-gen"];

#[test]
fn the_core_links_no_cli_http_runtime_or_object_store() {
    let core = linked("daifuku-core");
    assert!(core.contains("rusqlite"), "the tree was read: {core:?}");
    for name in CLI_AND_SERVER.iter().chain(RUNTIME_AND_STORAGE).chain(&["tauri", "hyper"]) {
        assert!(!core.contains(*name), "the core links {name}");
    }
}

#[test]
fn the_desktop_app_links_no_cli_or_http_server() {
    let desktop = linked("daifuku-desktop");
    assert!(desktop.contains("tauri") && desktop.contains("daifuku-host"), "the tree was read");
    for name in CLI_AND_SERVER {
        assert!(!desktop.contains(*name), "the desktop app links {name}");
    }
    // The CLI itself does (the check can tell).
    let cli = linked("daifuku");
    assert!(CLI_AND_SERVER.iter().all(|n| cli.contains(*n)), "{cli:?}");
}
