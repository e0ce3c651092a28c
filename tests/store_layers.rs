//! The store's modules import each other in one direction only (issue 17):
//! the homes of derived rows (`derived.rs`), per-kind SQL (`sql.rs`) and the
//! change log with its clocks (`changelog.rs`) are called by the writers and
//! call nothing back, and `crates/daifuku-core/src/sync/` is imported by the store only through
//! its pure parts (`format`, `hlc`, `merge`, `crypto`).
//!
//! The graph is read from the source text, as `use` lines and paths name
//! modules: a file of `crates/daifuku-core/src/store/` or `crates/daifuku-core/src/sync/` points at a sibling it names
//! (`super::write`, `crate::store::search`, `crate::sync::hlc`), and at the
//! other folder's `mod.rs` when it names an item defined there
//! (`crate::store::Store`, `crate::sync::SyncConflict`). A child naming an
//! item of its own `mod.rs` (`super::Store`, `super::Ctx`) is not an edge:
//! those are the types every module of the folder shares. A `mod.rs` points
//! at a child it calls (`migrations::migrate`), not at one it only declares
//! or re-exports. Comments are skipped.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

/// One file of the graph: `store/write`, `sync/mod` …
type Node = String;

fn is_ident(c: char) -> bool {
    c.is_ascii_alphanumeric() || c == '_'
}

/// The source without comments (line comments, doc comments and block
/// comments), so that prose naming a module is not read as an import.
fn code_of(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    let mut in_str = false;
    while let Some(c) = rest.chars().next() {
        if !in_str && rest.starts_with("//") {
            let end = rest.find('\n').unwrap_or(rest.len());
            rest = &rest[end..];
            continue;
        }
        if !in_str && rest.starts_with("/*") {
            let end = rest.find("*/").map_or(rest.len(), |e| e + 2);
            rest = &rest[end..];
            continue;
        }
        if c == '"' && !out.ends_with('\\') && !out.ends_with('\'') {
            in_str = !in_str;
        }
        out.push(c);
        rest = &rest[c.len_utf8()..];
    }
    out
}

/// The first path segment of each item of a `use` group body (`a, b::c,
/// d::{e, f}` → a, b, d), nested groups skipped.
fn group_heads(body: &str) -> Vec<String> {
    let mut heads = Vec::new();
    let mut depth = 0;
    let mut item = String::new();
    for c in body.chars().chain([',']) {
        match c {
            '{' => depth += 1,
            '}' => depth -= 1,
            ',' if depth == 0 => {
                let head: String = item.trim().chars().take_while(|c| is_ident(*c)).collect();
                if !head.is_empty() {
                    heads.push(head);
                }
                item.clear();
                continue;
            }
            _ => {}
        }
        if depth == 0 {
            item.push(c);
        }
    }
    heads
}

/// Every name that follows `prefix` in `code`: `prefix name` or each head of
/// `prefix {group}`.
fn names_after(code: &str, prefix: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut from = 0;
    while let Some(at) = code[from..].find(prefix) {
        let start = from + at;
        from = start + prefix.len();
        let before = code[..start].chars().next_back();
        if before.is_some_and(|c| is_ident(c) || c == ':') {
            continue; // `super::super::…`, `foo_super::…`
        }
        let rest = &code[from..];
        if let Some(body) = rest.strip_prefix('{') {
            let mut depth = 1;
            let end = body
                .char_indices()
                .find(|(_, c)| {
                    match c {
                        '{' => depth += 1,
                        '}' => depth -= 1,
                        _ => {}
                    }
                    depth == 0
                })
                .map_or(body.len(), |(i, _)| i);
            out.extend(group_heads(&body[..end]));
        } else {
            let name: String = rest.chars().take_while(|c| is_ident(*c)).collect();
            if !name.is_empty() {
                out.push(name);
            }
        }
    }
    out
}

/// `mod.rs` lines that only declare or re-export children.
fn is_declaration(line: &str) -> bool {
    let line = line.trim_start();
    line.starts_with("mod ") || line.starts_with("pub mod ") || line.starts_with("pub use ")
}

/// The import graph of `crates/daifuku-core/src/store/` and `crates/daifuku-core/src/sync/`.
fn graph(root: &Path) -> BTreeMap<Node, BTreeSet<Node>> {
    let folders = ["store", "sync"];
    let mut modules: BTreeMap<&str, BTreeSet<String>> = BTreeMap::new();
    let mut sources: BTreeMap<Node, String> = BTreeMap::new();
    for folder in folders {
        let dir = root.join("src").join(folder);
        let mut names = BTreeSet::new();
        for entry in std::fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            if path.extension().is_some_and(|e| e == "rs") {
                let stem = path.file_stem().unwrap().to_string_lossy().to_string();
                sources.insert(format!("{folder}/{stem}"), code_of(&std::fs::read_to_string(&path).unwrap()));
                names.insert(stem);
            }
        }
        modules.insert(folder, names);
    }
    let mut edges: BTreeMap<Node, BTreeSet<Node>> = BTreeMap::new();
    for (node, code) in &sources {
        let (folder, stem) = node.split_once('/').unwrap();
        let out = edges.entry(node.clone()).or_default();
        let mut target = |to_folder: &str, name: &str, own_face_counts: bool| {
            if modules[to_folder].contains(name) && name != "mod" {
                let to = format!("{to_folder}/{name}");
                if to != *node {
                    out.insert(to);
                }
            } else if to_folder != folder || own_face_counts {
                let to = format!("{to_folder}/mod");
                if to != *node {
                    out.insert(to);
                }
            }
        };
        let code: String = if stem == "mod" {
            code.lines().filter(|l| !is_declaration(l)).collect::<Vec<_>>().join("\n")
        } else {
            code.clone()
        };
        if stem == "mod" {
            // A face calls its children by their bare module name.
            for child in &modules[folder] {
                if !names_after(&code, &format!("{child}::")).is_empty() {
                    target(folder, child, false);
                }
            }
        } else {
            for name in names_after(&code, "super::") {
                target(folder, &name, false);
            }
        }
        for to_folder in folders {
            for name in names_after(&code, &format!("crate::{to_folder}::")) {
                target(to_folder, &name, to_folder != folder);
            }
        }
    }
    edges
}

/// Groups of files that reach each other (Tarjan), larger than one file.
fn cycles(edges: &BTreeMap<Node, BTreeSet<Node>>) -> Vec<Vec<Node>> {
    struct State<'a> {
        edges: &'a BTreeMap<Node, BTreeSet<Node>>,
        index: BTreeMap<&'a str, usize>,
        low: BTreeMap<&'a str, usize>,
        stack: Vec<&'a str>,
        on_stack: BTreeSet<&'a str>,
        found: Vec<Vec<Node>>,
    }
    fn visit<'a>(s: &mut State<'a>, v: &'a str) {
        let n = s.index.len();
        s.index.insert(v, n);
        s.low.insert(v, n);
        s.stack.push(v);
        s.on_stack.insert(v);
        let edges = s.edges;
        for w in edges.get(v).into_iter().flatten() {
            if !s.index.contains_key(w.as_str()) {
                visit(s, w);
                let low = s.low[v].min(s.low[w.as_str()]);
                s.low.insert(v, low);
            } else if s.on_stack.contains(w.as_str()) {
                let low = s.low[v].min(s.index[w.as_str()]);
                s.low.insert(v, low);
            }
        }
        if s.low[v] == s.index[v] {
            let mut group = Vec::new();
            while let Some(w) = s.stack.pop() {
                s.on_stack.remove(w);
                group.push(w.to_string());
                if w == v {
                    break;
                }
            }
            if group.len() > 1 {
                group.sort();
                s.found.push(group);
            }
        }
    }
    let mut s = State {
        edges,
        index: BTreeMap::new(),
        low: BTreeMap::new(),
        stack: Vec::new(),
        on_stack: BTreeSet::new(),
        found: Vec::new(),
    };
    for v in edges.keys() {
        if !s.index.contains_key(v.as_str()) {
            visit(&mut s, v);
        }
    }
    s.found
}

/// The core crate (whose `src/` holds the store and sync modules).
fn root() -> std::path::PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("crates/daifuku-core")
}

#[test]
fn no_import_cycle_among_the_stores_modules() {
    let edges = graph(&root());
    let found = cycles(&edges);
    assert!(found.is_empty(), "import cycles: {found:?}\nedges: {edges:#?}");
}

#[test]
fn the_homes_call_no_writer() {
    let edges = graph(&root());
    let writers = ["write", "search", "sync_apply", "import_apply", "snapshot", "merge", "migrations", "attachments"];
    for home in ["sql", "derived", "changelog"] {
        let named: Vec<&Node> = edges[&format!("store/{home}")]
            .iter()
            .filter(|to| writers.iter().any(|w| to.as_str() == format!("store/{w}")))
            .collect();
        assert!(named.is_empty(), "store/{home} imports {named:?}");
    }
    assert!(edges["store/sql"].iter().all(|to| !to.starts_with("store/")), "sql.rs: {:?}", edges["store/sql"]);
}

#[test]
fn the_store_uses_only_the_pure_parts_of_sync() {
    let edges = graph(&root());
    let pure = ["sync/format", "sync/hlc", "sync/merge", "sync/crypto"];
    for (from, to) in edges.iter().filter(|(from, _)| from.starts_with("store/")) {
        for t in to.iter().filter(|t| t.starts_with("sync/")) {
            assert!(pure.contains(&t.as_str()), "{from} imports {t}");
        }
    }
}

/// The reader itself: a cycle written in the way the store's files write
/// imports is found, and comments naming modules are not read as imports.
#[test]
fn the_reader_finds_a_cycle_and_skips_comments() {
    let dir = tempfile::tempdir().unwrap();
    for folder in ["store", "sync"] {
        std::fs::create_dir_all(dir.path().join("src").join(folder)).unwrap();
    }
    let write = |path: &str, text: &str| std::fs::write(dir.path().join("src").join(path), text).unwrap();
    write("store/mod.rs", "mod a;\nmod b;\npub use a::X;\nfn open() { b::setup(); }\n");
    write("store/a.rs", "//! calls super::b in prose only\nuse super::{Store, c::{self, Y}};\n");
    write("store/b.rs", "use crate::sync::{Conflict, hlc};\n");
    write("store/c.rs", "/* super::a */ fn f() { super::b::g(); }\n");
    write("sync/mod.rs", "pub mod hlc;\nimpl crate::store::Store {}\n");
    write("sync/hlc.rs", "");
    let edges = graph(dir.path());
    assert_eq!(edges["store/a"], BTreeSet::from(["store/c".to_string()]));
    assert_eq!(edges["store/c"], BTreeSet::from(["store/b".to_string()]));
    assert_eq!(edges["store/mod"], BTreeSet::from(["store/b".to_string()]));
    assert_eq!(edges["store/b"], BTreeSet::from(["sync/mod".to_string(), "sync/hlc".to_string()]));
    assert_eq!(cycles(&edges), vec![vec!["store/b".to_string(), "store/mod".to_string(), "sync/mod".to_string()]]);
}
