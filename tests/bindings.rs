//! The TypeScript bindings in `ui/src/bindings` are generated from the Rust
//! types. This test regenerates them into a temporary folder and fails when
//! the committed files differ. Run with `DAIFUKU_UPDATE_BINDINGS=1` to rewrite
//! the committed files after changing a type.

use std::collections::BTreeMap;
use std::path::Path;

use daifuku::api::{Command, Response};
use ts_rs::TS;

fn read_dir(dir: &Path) -> BTreeMap<String, String> {
    let mut out = BTreeMap::new();
    if let Ok(entries) = std::fs::read_dir(dir) {
        for e in entries.flatten() {
            let name = e.file_name().to_string_lossy().to_string();
            if name.ends_with(".ts") {
                out.insert(name, std::fs::read_to_string(e.path()).unwrap());
            }
        }
    }
    out
}

fn export_to(dir: &Path) {
    let cfg = ts_rs::Config::new().with_out_dir(dir).with_large_int("number");
    Command::export_all(&cfg).unwrap();
    Response::export_all(&cfg).unwrap();
    daifuku_host::HostCommand::export_all(&cfg).unwrap();
    daifuku_host::HostResponse::export_all(&cfg).unwrap();
    daifuku_host::HostEvent::export_all(&cfg).unwrap();
    daifuku::ApiError::export_all(&cfg).unwrap();
    use daifuku::codes;
    let unions = [
        (
            "MessageCode",
            "Every code the UI words (errors, warnings, sync issues): crates/daifuku-core/src/codes.rs.",
            codes::MESSAGE_CODES,
        ),
        (
            "MatchReason",
            "The natural keys an import row can match by: crates/daifuku-core/src/codes.rs.",
            codes::MATCH_REASONS,
        ),
    ];
    for (name, doc, list) in unions {
        std::fs::write(dir.join(format!("{name}.ts")), codes::ts_union(name, doc, list)).unwrap();
    }
}

#[test]
fn committed_bindings_match_the_rust_types() {
    let committed = Path::new(env!("CARGO_MANIFEST_DIR")).join("ui/src/bindings");
    if std::env::var_os("DAIFUKU_UPDATE_BINDINGS").is_some() {
        let _ = std::fs::remove_dir_all(&committed);
        export_to(&committed);
    }
    let fresh = tempfile::tempdir().unwrap();
    export_to(fresh.path());
    let want = read_dir(fresh.path());
    let have = read_dir(&committed);
    assert!(want.len() > 20, "expected the whole API to be exported, got {}", want.len());
    let missing: Vec<&String> = want.keys().filter(|k| !have.contains_key(*k)).collect();
    let stale: Vec<&String> = have.keys().filter(|k| !want.contains_key(*k)).collect();
    let differ: Vec<&String> = want.keys().filter(|k| have.get(*k).is_some_and(|h| h != &want[*k])).collect();
    assert!(
        missing.is_empty() && stale.is_empty() && differ.is_empty(),
        "ui/src/bindings drifted from the Rust types (run DAIFUKU_UPDATE_BINDINGS=1 cargo test --test bindings): \
         missing {missing:?}, stale {stale:?}, differ {differ:?}"
    );
}
