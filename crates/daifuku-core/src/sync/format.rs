//! The folder format: file names, the envelope every file is wrapped in, and
//! the documents inside.
//!
//! Layout (every name lower case, every file written once, never rewritten):
//!
//! ```text
//! format-0001.dfk                     the folder's format version (newest wins)
//! crypt-<salt hex>.dfk                workspace salt + passphrase check (plain)
//! d/<device>/c-<first>-<last>.dfk     that device's changes, numbered 1, 2, 3 …
//! d/<device>/i-<n>.dfk                its name, clock and acknowledgements
//! d/<device>/r-<other device>.dfk     it retired another device
//! s/<device>-<n>/p-<part>.dfk         a snapshot: a database image, in parts
//! s/<device>-<n>/m.dfk                the snapshot's manifest, written last
//! a/<sha-256 hex>.dfk                 an attachment's bytes, by content
//! ```
//!
//! An attachment file holds the raw bytes (flag 4, not a JSON document);
//! readers also check that their SHA-256 is the one in the name. Nothing
//! deletes attachment files (they are shared by content).
//!
//! A snapshot part is a slice of a SQLite database image holding the shared
//! tables (records, their search index and match keys, per-field versions,
//! conflicts), zstd-compressed (flags 4 | 8). A new device installs the
//! image page by page instead of replaying every record; see
//! `store::snapshot`.
//!
//! Numbers are 12 digits. Anything else in the folder (a sync client's
//! "conflicted copy", a temporary file, a name whose case changed) is not
//! ours and is ignored.
//!
//! Envelope: `DFKSYNC\0`, format version (u16 LE), flags (u8: 1 encrypted,
//! 2 deflated, 4 raw bytes, 8 zstd), key id (8), nonce (24), body length (u64 LE),
//! body, then SHA-256 over the file name, a zero byte and everything before.
//! Every format version keeps the magic, the version and the SHA-256 trailer,
//! so an older app can tell "newer" from "damaged". A file shorter or longer
//! than its length says, or whose checksum fails, is incomplete: it is
//! retried later, never taken as a delete.

use std::collections::BTreeMap;
use std::io::{Read, Write};

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use sha2::{Digest, Sha256};

use super::crypto::{FileKey, KdfParams, Keyring};
use super::hlc::valid_device_id;
use super::merge::Change;

/// The folder format this build writes and reads (2: snapshots are
/// database images).
pub const FORMAT_VERSION: u16 = 2;
const MAGIC: &[u8; 8] = b"DFKSYNC\0";
const HEADER_LEN: usize = 8 + 2 + 1 + 8 + 24 + 8;
const TRAILER_LEN: usize = 32;
const FLAG_ENCRYPTED: u8 = 1;
const FLAG_DEFLATE: u8 = 2;
const FLAG_RAW: u8 = 4;
const FLAG_ZSTD: u8 = 8;
/// The largest unpacked part a reader allocates for up front (1 GiB).
const MAX_UNPACKED_PART: u64 = 1 << 30;
/// zstd's level for snapshot images: level 1 packs a database image to
/// about a third and unpacks at over 1 GB/s.
const ZSTD_LEVEL: i32 = 1;

/// How a file's body is packed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Packing {
    /// A JSON document, deflated.
    Document,
    /// Bytes as they are (attachments: already compressed, mostly).
    Raw,
    /// Bytes, zstd-compressed (snapshot images: fast to unpack).
    Zstd,
}

/// A file of ours, by its name.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub enum FileName {
    Format(u32),
    Crypt(String),
    Changes { device: String, first: u64, last: u64 },
    Info { device: String, n: u64 },
    Retire { device: String, retired: String },
    SnapshotPart { device: String, n: u64, part: u64 },
    SnapshotManifest { device: String, n: u64 },
    Attachment(String),
}

fn num12(s: &str) -> Option<u64> {
    if s.len() == 12 && s.bytes().all(|b| b.is_ascii_digit()) {
        s.parse().ok()
    } else {
        None
    }
}

fn lower_hex(s: &str, len: usize) -> bool {
    s.len() == len && s.bytes().all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
}

impl FileName {
    /// Parses a name relative to the folder root; `None` for foreign files.
    pub fn parse(name: &str) -> Option<FileName> {
        let stem = name.strip_suffix(".dfk")?;
        let parts: Vec<&str> = stem.split('/').collect();
        match parts.as_slice() {
            [top] => {
                if let Some(v) = top.strip_prefix("format-") {
                    if v.len() == 4 && v.bytes().all(|b| b.is_ascii_digit()) {
                        Some(FileName::Format(v.parse().ok()?))
                    } else {
                        None
                    }
                } else if let Some(salt) = top.strip_prefix("crypt-") {
                    lower_hex(salt, 32).then(|| FileName::Crypt(salt.into()))
                } else {
                    None
                }
            }
            ["d", device, file] if valid_device_id(device) => {
                let device = device.to_string();
                if let Some(range) = file.strip_prefix("c-") {
                    let (a, b) = range.split_once('-')?;
                    let (first, last) = (num12(a)?, num12(b)?);
                    (first >= 1 && first <= last).then_some(FileName::Changes { device, first, last })
                } else if let Some(n) = file.strip_prefix("i-") {
                    Some(FileName::Info { device, n: num12(n)? })
                } else if let Some(other) = file.strip_prefix("r-") {
                    valid_device_id(other).then(|| FileName::Retire { device, retired: other.into() })
                } else {
                    None
                }
            }
            ["s", dir, file] => {
                let (device, n) = dir.rsplit_once('-')?;
                if !valid_device_id(device) {
                    return None;
                }
                let n = num12(n)?;
                let device = device.to_string();
                if *file == "m" {
                    Some(FileName::SnapshotManifest { device, n })
                } else {
                    let part = num12(file.strip_prefix("p-")?)?;
                    Some(FileName::SnapshotPart { device, n, part })
                }
            }
            ["a", hash] if lower_hex(hash, 64) => Some(FileName::Attachment(hash.to_string())),
            _ => None,
        }
    }

    pub fn to_path(&self) -> String {
        match self {
            FileName::Format(v) => format!("format-{v:04}.dfk"),
            FileName::Crypt(salt) => format!("crypt-{salt}.dfk"),
            FileName::Changes { device, first, last } => format!("d/{device}/c-{first:012}-{last:012}.dfk"),
            FileName::Info { device, n } => format!("d/{device}/i-{n:012}.dfk"),
            FileName::Retire { device, retired } => format!("d/{device}/r-{retired}.dfk"),
            FileName::SnapshotPart { device, n, part } => {
                format!("s/{device}-{n:012}/p-{part:012}.dfk")
            }
            FileName::SnapshotManifest { device, n } => format!("s/{device}-{n:012}/m.dfk"),
            FileName::Attachment(hash) => format!("a/{hash}.dfk"),
        }
    }

    /// The device whose own file this is.
    pub fn owner(&self) -> Option<&str> {
        match self {
            FileName::Changes { device, .. }
            | FileName::Info { device, .. }
            | FileName::Retire { device, .. }
            | FileName::SnapshotPart { device, .. }
            | FileName::SnapshotManifest { device, .. } => Some(device),
            _ => None,
        }
    }
}

/// Why a file could not be read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FileProblem {
    /// Partial, damaged or not at its own name: retry later.
    Damaged(String),
    /// Written by a newer format: the app must be updated.
    Newer(u16),
    /// Encrypted and no key (passphrase) for it.
    Locked,
}

/// Wraps `body` into a file named `name`.
pub fn seal(name: &str, body: &[u8], key: Option<&FileKey>, packing: Packing) -> Vec<u8> {
    let mut flags = 0u8;
    let mut payload: Vec<u8> = match packing {
        Packing::Raw => {
            flags |= FLAG_RAW;
            body.to_vec()
        }
        Packing::Zstd => {
            flags |= FLAG_RAW | FLAG_ZSTD;
            zstd::bulk::compress(body, ZSTD_LEVEL).expect("in-memory")
        }
        Packing::Document => {
            flags |= FLAG_DEFLATE;
            let mut enc =
                flate2::write::DeflateEncoder::new(Vec::with_capacity(body.len() / 4), flate2::Compression::fast());
            enc.write_all(body).expect("in-memory");
            enc.finish().expect("in-memory")
        }
    };
    let mut key_id = [0u8; 8];
    let mut nonce = [0u8; 24];
    if let Some(k) = key {
        flags |= FLAG_ENCRYPTED;
        key_id = k.id;
        let fixed = fixed_header(flags, &key_id);
        let (n, ct) = k.seal(name, &fixed, &payload);
        nonce = n;
        payload = ct;
    }
    let mut out = Vec::with_capacity(HEADER_LEN + payload.len() + TRAILER_LEN);
    out.extend_from_slice(&fixed_header(flags, &key_id));
    out.extend_from_slice(&nonce);
    out.extend_from_slice(&(payload.len() as u64).to_le_bytes());
    out.extend_from_slice(&payload);
    let sum = checksum(name, &out);
    out.extend_from_slice(&sum);
    out
}

fn fixed_header(flags: u8, key_id: &[u8; 8]) -> Vec<u8> {
    let mut h = Vec::with_capacity(19);
    h.extend_from_slice(MAGIC);
    h.extend_from_slice(&FORMAT_VERSION.to_le_bytes());
    h.push(flags);
    h.extend_from_slice(key_id);
    h
}

fn checksum(name: &str, bytes: &[u8]) -> [u8; 32] {
    let mut h = Sha256::new();
    h.update(name.as_bytes());
    h.update([0u8]);
    h.update(bytes);
    h.finalize().into()
}

/// Unwraps a file: checks length, checksum (which covers the name), format
/// version and, when encrypted, decrypts with a key of `keys`.
pub fn open(name: &str, bytes: &[u8], keys: &Keyring) -> Result<Vec<u8>, FileProblem> {
    let damaged = |why: &str| Err(FileProblem::Damaged(why.to_string()));
    if bytes.len() < HEADER_LEN + TRAILER_LEN || &bytes[..8] != MAGIC {
        return damaged("too short or not a Daifuku file");
    }
    let (content, trailer) = bytes.split_at(bytes.len() - TRAILER_LEN);
    if checksum(name, content) != trailer {
        return damaged("checksum mismatch (incomplete, damaged or renamed)");
    }
    let version = u16::from_le_bytes([bytes[8], bytes[9]]);
    if version > FORMAT_VERSION {
        return Err(FileProblem::Newer(version));
    }
    let flags = bytes[10];
    let mut key_id = [0u8; 8];
    key_id.copy_from_slice(&bytes[11..19]);
    let mut nonce = [0u8; 24];
    nonce.copy_from_slice(&bytes[19..43]);
    let len = u64::from_le_bytes(bytes[43..51].try_into().expect("8 bytes")) as usize;
    if HEADER_LEN + len != content.len() {
        return damaged("length mismatch");
    }
    let decrypted;
    let mut payload: &[u8] = &content[HEADER_LEN..];
    if flags & FLAG_ENCRYPTED != 0 {
        let Some(k) = keys.get(&key_id) else {
            return Err(FileProblem::Locked);
        };
        decrypted = match k.open(name, &content[..19], &nonce, payload) {
            Some(p) => p,
            None => return damaged("cannot decrypt (wrong passphrase or damaged)"),
        };
        payload = &decrypted;
    }
    if flags & FLAG_DEFLATE != 0 {
        let mut out = Vec::with_capacity(payload.len() * 4);
        if flate2::read::DeflateDecoder::new(payload).read_to_end(&mut out).is_err() {
            return damaged("bad compressed data");
        }
        return Ok(out);
    }
    if flags & FLAG_ZSTD != 0 {
        // One allocation of the size the frame names (the writer's
        // `bulk::compress` records it), capped so a forged size cannot
        // ask for more than a part holds.
        let size = zstd::zstd_safe::get_frame_content_size(payload).ok().flatten();
        let unpacked = match size {
            Some(n) if n <= MAX_UNPACKED_PART => zstd::bulk::decompress(payload, n as usize),
            _ => zstd::stream::decode_all(payload),
        };
        return match unpacked {
            Ok(p) => Ok(p),
            Err(_) => damaged("bad compressed data"),
        };
    }
    Ok(payload.to_vec())
}

/// Whether the file at hand is encrypted (from its header alone).
pub fn is_encrypted(bytes: &[u8]) -> bool {
    bytes.len() > 10 && bytes[10] & FLAG_ENCRYPTED != 0
}

/// A device's acknowledgements: for each device, the number of its changes
/// applied here (changes are numbered 1, 2, 3 … per device).
pub type Vector = BTreeMap<String, u64>;

/// The documents inside files.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum Body {
    Format {
        version: u32,
    },
    Crypt {
        salt: String,
        kdf: KdfParams,
        /// "daifuku" encrypted under the derived key, for a clear "wrong passphrase".
        check: String,
    },
    Changes(ChangeBatch),
    Info(DeviceInfo),
    Retire {
        device: String,
        retired: String,
        written_at: i64,
    },
    SnapshotManifest(SnapshotManifest),
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ChangeBatch {
    pub device: String,
    pub first: u64,
    pub last: u64,
    /// What the writer had applied of the others: a reader applies this file
    /// only after those (causal delivery).
    pub deps: Vector,
    /// The writer's local change-log position of its last change (crash recovery).
    pub local_last: i64,
    pub changes: Vec<Change>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DeviceInfo {
    pub device: String,
    pub name: Option<String>,
    /// The writer's wall clock when writing (ms).
    pub written_at: i64,
    pub app_version: String,
    /// Changes applied here, per device (this device's own: how many it wrote).
    pub applied: Vector,
    /// Clock readings (issue 19): per other device, its info's `written_at`
    /// and this device's wall clock when it first read that info
    /// (`sync::clock`). Absent in files of older versions.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub clock_seen: BTreeMap<String, (i64, i64)>,
    /// Attachment contents (SHA-256) whose `a/` file this device keeps
    /// finding damaged: a device holding the bytes writes the file again
    /// (issue 19). Absent in files of older versions.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub damaged_blobs: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SnapshotManifest {
    pub device: String,
    pub n: u64,
    /// Parts of the image (`p-0` …), in order.
    pub parts: u64,
    /// Records in the image (all kinds, trashed ones too).
    pub records: u64,
    /// The changes the snapshot holds, per device.
    pub vector: Vector,
    pub written_at: i64,
    /// Size of the database image the parts add up to (0: a snapshot of
    /// format 1, whose parts were JSON records; no longer read).
    #[serde(default)]
    pub image_bytes: u64,
    /// Its schema version (a reader migrates an older one).
    #[serde(default)]
    pub schema: i64,
}

/// A record with its per-field versions, as a snapshot image is merged
/// into a database that already holds records.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SnapshotRecord {
    pub kind: String,
    pub id: String,
    pub fields: Map<String, Value>,
    pub clocks: BTreeMap<String, String>,
    pub deleted: bool,
    pub created_at: i64,
    pub created_by: Option<String>,
    pub updated_at: i64,
    pub updated_by: Option<String>,
    pub deleted_at: Option<i64>,
    pub deleted_by: Option<String>,
}

/// Serializes and seals a document.
pub fn seal_body(name: &FileName, body: &Body, key: Option<&FileKey>) -> Vec<u8> {
    let json = serde_json::to_vec(body).expect("documents serialize");
    seal(&name.to_path(), &json, key, Packing::Document)
}

/// Opens and parses a document; checks it belongs at its name.
pub fn open_body(name: &FileName, bytes: &[u8], keys: &Keyring) -> Result<Body, FileProblem> {
    let plain = open(&name.to_path(), bytes, keys)?;
    let body: Body =
        serde_json::from_slice(&plain).map_err(|e| FileProblem::Damaged(format!("not a document of ours: {e}")))?;
    let fits = match (name, &body) {
        (FileName::Format(v), Body::Format { version }) => v == version,
        (FileName::Crypt(s), Body::Crypt { salt, .. }) => s == salt,
        (FileName::Changes { device, first, last }, Body::Changes(b)) => {
            &b.device == device && b.first == *first && b.last == *last && b.changes.len() as u64 == last - first + 1
        }
        (FileName::Info { device, .. }, Body::Info(i)) => &i.device == device,
        (FileName::Retire { device, retired }, Body::Retire { device: d, retired: r, .. }) => {
            d == device && r == retired
        }
        (FileName::SnapshotManifest { device, n }, Body::SnapshotManifest(m)) => &m.device == device && m.n == *n,
        _ => false,
    };
    if fits {
        Ok(body)
    } else {
        Err(FileProblem::Damaged("content does not match its name".into()))
    }
}

/// SHA-256 hex of bytes.
pub fn sha256_hex(bytes: &[u8]) -> String {
    hex::encode(Sha256::digest(bytes))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip_and_foreign_names_are_ignored() {
        let ours = [
            "format-0001.dfk",
            "crypt-0123456789abcdef0123456789abcdef.dfk",
            "d/dev1/c-000000000001-000000000020.dfk",
            "d/dev1/i-000000000003.dfk",
            "d/dev1/r-dev2.dfk",
            "s/dev1-000000000002/p-000000000000.dfk",
            "s/dev1-000000000002/m.dfk",
            "a/0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef.dfk",
        ];
        for n in ours {
            assert_eq!(FileName::parse(n).unwrap().to_path(), n);
        }
        let foreign = [
            "d/dev1/c-000000000001-000000000020 (conflicted copy 2026-01-02).dfk",
            "d/dev1/c-000000000001-000000000020 (1).dfk",
            "D/dev1/c-000000000001-000000000020.dfk",
            "d/Dev1/c-000000000001-000000000020.dfk",
            "d/dev1/C-000000000001-000000000020.dfk",
            "d/dev1/c-000000000001-000000000020.DFK",
            "d/dev1/c-000000000005-000000000001.dfk",
            "d/dev1/c-000000000000-000000000001.dfk",
            "d/dev1/c-1-2.dfk",
            "d/dev1/.c-000000000001-000000000020.dfk.tmp",
            "d/dev1/c-000000000001-000000000020.dfk#1",
            "desktop.ini",
            ".DS_Store",
            "format-1.dfk",
        ];
        for n in foreign {
            assert_eq!(FileName::parse(n), None, "{n}");
        }
    }

    #[test]
    fn damaged_renamed_and_newer_files_are_told_apart() {
        let keys = Keyring::default();
        let name = "d/a/c-000000000001-000000000001.dfk";
        let file = seal(name, b"{\"x\":1}", None, Packing::Document);
        assert_eq!(open(name, &file, &keys).unwrap(), b"{\"x\":1}");
        for cut in [0, 10, HEADER_LEN, file.len() - 1] {
            assert!(matches!(open(name, &file[..cut], &keys), Err(FileProblem::Damaged(_))), "{cut}");
        }
        let mut flipped = file.clone();
        flipped[HEADER_LEN + 1] ^= 0x40;
        assert!(matches!(open(name, &flipped, &keys), Err(FileProblem::Damaged(_))));
        assert!(matches!(open("d/a/c-000000000002-000000000002.dfk", &file, &keys), Err(FileProblem::Damaged(_))));
        // A newer writer: same magic, higher version, valid checksum.
        let mut newer = file[..file.len() - TRAILER_LEN].to_vec();
        newer[8] = FORMAT_VERSION as u8 + 1;
        let sum = checksum(name, &newer);
        newer.extend_from_slice(&sum);
        assert_eq!(open(name, &newer, &keys), Err(FileProblem::Newer(FORMAT_VERSION + 1)));
    }

    #[test]
    fn encrypted_files_need_the_key() {
        let mut ring = Keyring::new(Some("pass".into()));
        let salt = [7u8; 16];
        let key = ring.key_for(&salt, KdfParams::TEST).unwrap().unwrap();
        let name = "d/a/i-000000000001.dfk";
        let file = seal(name, b"secret data", Some(&key), Packing::Document);
        assert!(!file.windows(6).any(|w| w == b"secret"));
        assert_eq!(open(name, &file, &ring).unwrap(), b"secret data");
        assert_eq!(open(name, &file, &Keyring::default()), Err(FileProblem::Locked));
        let mut wrong = Keyring::new(Some("other".into()));
        wrong.key_for(&salt, KdfParams::TEST).unwrap();
        assert!(matches!(open(name, &file, &wrong), Err(FileProblem::Damaged(_))));
    }
}
