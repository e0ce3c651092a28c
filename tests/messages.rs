//! One catalog of the words the user reads: every code the sources return
//! or report (errors, import warnings, export warnings, sync issues) and
//! every natural key an import row can match by is listed in crates/daifuku-core/src/codes.rs,
//! and the UI's catalog (ui/src/errors.ts) has a Japanese and an English
//! text for each. The UI's build checks the same through the generated
//! `MessageCode` type; this test names what is missing.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use daifuku::codes::{MATCH_REASONS, MESSAGE_CODES};

fn sources(dir: &Path, out: &mut Vec<PathBuf>) {
    for e in std::fs::read_dir(dir).unwrap().flatten() {
        let p = e.path();
        if p.is_dir() {
            sources(&p, out);
        } else if p.extension().is_some_and(|x| x == "rs") {
            out.push(p);
        }
    }
}

/// The string literal right after each occurrence of `call` (skipping white space).
fn literals_after(text: &str, call: &str, out: &mut BTreeSet<String>) {
    let mut rest = text;
    while let Some(at) = rest.find(call) {
        rest = &rest[at + call.len()..];
        let t = rest.trim_start();
        if let Some(lit) = t.strip_prefix('"') {
            if let Some(end) = lit.find('"') {
                let code = &lit[..end];
                if !code.is_empty() && code.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_') {
                    out.insert(code.to_string());
                }
            }
        }
    }
}

/// Codes the sources make, through the calls that make them.
fn codes_in_sources() -> BTreeSet<String> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut files = Vec::new();
    for dir in ["src", "src-tauri/src", "crates"] {
        if root.join(dir).is_dir() {
            sources(&root.join(dir), &mut files);
        }
    }
    let calls = [
        "ApiError::new(",
        "ApiError::field(",
        "FieldError::new(",
        "SyncIssue::new(",
        " err(",
        "(err(",
        " fe(",
        "(fe(",
        // A struct literal: `code: "x".into()`.
        "code: ",
        "warnings.cell(",
    ];
    let mut out = BTreeSet::new();
    for f in files {
        let text = std::fs::read_to_string(&f).unwrap();
        for call in calls {
            if call == "warnings.cell(" {
                // warnings.cell(sheet, row, column, "code", …)
                for part in text.split(call).skip(1) {
                    if let Some(code) = part.split('"').nth(1) {
                        out.insert(code.to_string());
                    }
                }
            } else {
                literals_after(&text, call, &mut out);
            }
        }
    }
    out
}

/// The keys of an object literal `const NAME: … = { key: { ja, en }, … };` in errors.ts.
fn catalog_keys(ts: &str, name: &str) -> BTreeSet<String> {
    let start = ts.find(&format!("const {name}")).unwrap_or_else(|| panic!("errors.ts has no {name}"));
    let body = &ts[start..];
    let body = &body[..body.find("\n};").expect("the table ends")];
    let mut keys = BTreeSet::new();
    for line in body.lines().skip(1) {
        let l = line.trim_start();
        if let Some((key, rest)) = l.split_once(':') {
            let key = key.trim().trim_matches('\'').trim_matches('"');
            let indent = line.len() - l.len();
            if indent == 2 && !key.is_empty() && !key.starts_with("//") && rest.trim_start().starts_with('{') {
                keys.insert(key.to_string());
            }
        }
    }
    keys
}

/// Each entry of an object literal in errors.ts: its key and its text (up to the next entry).
fn catalog_entries(ts: &str, name: &str) -> Vec<(String, String)> {
    let start = ts.find(&format!("const {name}")).unwrap();
    let body = &ts[start..];
    let body = &body[body.find('\n').unwrap() + 1..body.find("\n};").unwrap()];
    let mut out: Vec<(String, String)> = Vec::new();
    for line in body.lines() {
        let l = line.trim_start();
        let indent = line.len() - l.len();
        if l.starts_with("//") || l.starts_with('}') || l.is_empty() {
            continue;
        }
        if indent == 2 {
            let key = l.split(':').next().unwrap().trim().trim_matches('\'').to_string();
            out.push((key, l.to_string()));
        } else if let Some(last) = out.last_mut() {
            last.1.push_str(l);
        }
    }
    out
}

fn errors_ts() -> String {
    std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("ui/src/errors.ts")).unwrap()
}

#[test]
fn every_code_the_sources_use_is_listed() {
    let listed: BTreeSet<String> = MESSAGE_CODES.iter().map(|s| s.to_string()).collect();
    let used = codes_in_sources();
    // The scan finds the codes it should (it is not blind).
    for known in ["required", "invalid_email", "unterminated_quote", "sync_wrong_passphrase", "cell_truncated"] {
        assert!(used.contains(known), "the scan missed {known}: {used:?}");
    }
    let unlisted: Vec<&String> = used.iter().filter(|c| !listed.contains(*c)).collect();
    assert!(
        unlisted.is_empty(),
        "codes used in the sources but not listed in crates/daifuku-core/src/codes.rs: {unlisted:?}"
    );
    let mut sorted = MESSAGE_CODES.to_vec();
    sorted.sort();
    sorted.dedup();
    assert_eq!(
        sorted, MESSAGE_CODES,
        "crates/daifuku-core/src/codes.rs: keep MESSAGE_CODES sorted and without repeats"
    );
}

#[test]
fn every_listed_code_has_a_japanese_and_an_english_text() {
    let ts = errors_ts();
    let messages = catalog_keys(&ts, "MESSAGES");
    assert!(messages.contains("required") && messages.len() > 50, "{messages:?}");
    let missing: Vec<&&str> = MESSAGE_CODES.iter().filter(|c| !messages.contains(**c)).collect();
    assert!(missing.is_empty(), "codes without a text in ui/src/errors.ts MESSAGES: {missing:?}");
    let reasons = catalog_keys(&ts, "MATCH_REASONS");
    let missing: Vec<&&str> = MATCH_REASONS.iter().filter(|c| !reasons.contains(**c)).collect();
    assert!(missing.is_empty(), "match reasons without a text in ui/src/errors.ts MATCH_REASONS: {missing:?}");
    // Each entry has both languages, the Japanese one in Japanese.
    for (key, entry) in catalog_entries(&ts, "MESSAGES").into_iter().chain(catalog_entries(&ts, "MATCH_REASONS")) {
        let text = |lang: &str| entry.split(&format!("{lang}: '")).nth(1).and_then(|r| r.split('\'').next());
        let (ja, en) = (text("ja"), text("en"));
        assert!(ja.is_some_and(|t| !t.is_empty()) && en.is_some_and(|t| !t.is_empty()), "{key}: {entry}");
        let japanese = |c: char| ('\u{3040}'..='\u{30ff}').contains(&c) || ('\u{4e00}'..='\u{9fff}').contains(&c);
        assert!(ja.unwrap().chars().any(japanese), "{key}: the Japanese text is not Japanese");
        assert!(!en.unwrap().chars().any(japanese), "{key}: the English text holds Japanese");
    }
}

#[test]
fn every_natural_key_label_of_the_planner_is_a_match_reason() {
    let plan =
        std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("crates/daifuku-core/src/import/plan.rs"))
            .unwrap();
    let mut labels = BTreeSet::new();
    for call in ["push(", "label: "] {
        let mut rest = plan.as_str();
        while let Some(at) = rest.find(call) {
            rest = &rest[at + call.len()..];
            if let Some(lit) = rest.trim_start().strip_prefix('"') {
                let l = &lit[..lit.find('"').unwrap()];
                if l.chars().all(|c| c.is_ascii_lowercase() || c == '_' || c == '+') && !l.is_empty() {
                    labels.insert(l.to_string());
                }
            }
        }
    }
    assert!(labels.contains("name+company") && labels.contains("email"), "{labels:?}");
    let unlisted: Vec<&String> = labels.iter().filter(|l| !MATCH_REASONS.contains(&l.as_str())).collect();
    assert!(unlisted.is_empty(), "natural keys not in crates/daifuku-core/src/codes.rs MATCH_REASONS: {unlisted:?}");
}
