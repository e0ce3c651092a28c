//! Byte searches for privacy tests: a value said to be gone (or never to have
//! left the laptop) is looked for in the files as they lie on disk — the
//! database with its WAL and shared memory, every file under a folder, and
//! sync files both sealed and unpacked.

use std::path::{Path, PathBuf};

/// Whether `needle` occurs anywhere in `hay`.
pub fn contains(hay: &[u8], needle: &[u8]) -> bool {
    !needle.is_empty() && hay.windows(needle.len()).any(|w| w == needle)
}

/// Every file under `root`, in any depth, sorted.
pub fn files_under(root: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut stack = vec![root.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).unwrap().flatten() {
            if e.file_type().unwrap().is_dir() {
                stack.push(e.path());
            } else {
                out.push(e.path());
            }
        }
    }
    out.sort();
    out
}

/// A database's bytes as they lie on disk: the file, its WAL and its shared
/// memory file (those that exist).
pub fn db_bytes(db: &Path) -> Vec<u8> {
    let mut all = Vec::new();
    for suffix in ["", "-wal", "-shm"] {
        let mut p = db.as_os_str().to_owned();
        p.push(suffix);
        if let Ok(b) = std::fs::read(PathBuf::from(p)) {
            all.extend(b);
        }
    }
    all
}

/// A file of a sync folder (without a passphrase): its bytes, its unpacked
/// body when it is one of ours, and a snapshot part's image (compressed again
/// inside the body) unpacked too. A file being rewritten by an erase
/// (`.erase-tmp`) is opened under its final name.
pub fn sync_file_bytes(folder: &Path, path: &Path) -> Vec<u8> {
    let bytes = std::fs::read(path).unwrap();
    let rel = path.strip_prefix(folder).unwrap().to_str().unwrap().replace('\\', "/");
    let rel = rel.trim_end_matches(".erase-tmp").to_string();
    let keys = daifuku::sync::crypto::Keyring::new(None);
    let mut all = bytes.clone();
    if let Ok(body) = daifuku::sync::format::open(&rel, &bytes, &keys) {
        if let Ok(inner) = zstd::stream::decode_all(&body[..]) {
            all.extend(inner);
        }
        all.extend(body);
    }
    all
}
