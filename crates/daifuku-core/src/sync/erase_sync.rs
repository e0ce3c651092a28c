//! Erase everywhere, in the sync folder (issue 18 item 4; the local erase
//! is `store::erase`).
//!
//! - An erase marker `d/<device>/e-<n>.dfk` (sealed and, in an encrypted
//!   workspace, encrypted like every file) names the erased records by kind
//!   and id: no value, no name. Older apps ignore the name (not one of
//!   theirs). Markers are never compacted: a device that comes back after a
//!   year still learns of the erase, and a change file delivered late cannot
//!   bring the record back.
//! - Every device, on its next round, reads the markers it has not read,
//!   erases those records (and what lives inside them) in its database, and
//!   then rewrites *its own* files in the folder that held their values:
//!   each change file with a change of an erased record is written again
//!   with that change replaced by a placeholder (same clock, no kind, id or
//!   fields: the numbering of changes by position stays true), and its
//!   snapshots are replaced by a fresh one (the round writes it) and
//!   deleted. Attachment files (`a/`) whose content only erased records
//!   used are deleted by the device that erased them.
//! - A file is rewritten through a staging copy `<name>.erase-tmp` (a name
//!   no reader takes for a file of ours): stage, delete, create, unstage. A
//!   round interrupted in between finishes the job from the staging copy
//!   next time, so the file is never lost. Other devices that read the old
//!   file meanwhile apply nothing of an erased record (below) or erase it
//!   when they read the marker.
//! - Incoming changes of erased records are replaced by placeholders before
//!   they are applied ([`without_erased`]), and after a snapshot is loaded
//!   every erased record it brought back is erased again.

use std::borrow::Cow;
use std::collections::{BTreeSet, HashSet};

use serde::{Deserialize, Serialize};

use super::crypto::{FileKey, Keyring};
use super::folder::{FolderError, SyncFolder};
use super::format::{self, Body, FileName, Packing};
use super::hlc::valid_device_id;
use super::merge::Change;
use super::{SyncIssue, SyncReport};
use crate::error::Result;
use crate::store::Store;

/// The op of a placeholder standing for an erased record's change.
pub const ERASED_OP: &str = "erased";
/// The suffix of a staging copy of a file being rewritten.
const STAGING: &str = ".erase-tmp";
/// Which markers of other devices this device has read (JSON list of names).
const MARKERS_READ: &str = "erase_markers_read";
/// The number of this device's last marker.
const MARKER_N: &str = "erase_marker_n";
/// Own snapshots to delete once a fresh one is written (JSON list of names).
const SNAPSHOT_DUE: &str = "erase_snapshot_due";

/// An erase marker's content.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
struct Marker {
    device: String,
    written_at: i64,
    /// `[kind, id]` of every record erased.
    records: Vec<(String, String)>,
}

/// `(device, n)` of an erase marker's name.
fn marker_name(name: &str) -> Option<(&str, u64)> {
    let rest = name.strip_prefix("d/")?;
    let (device, file) = rest.split_once('/')?;
    let n = file.strip_prefix("e-")?.strip_suffix(".dfk")?;
    if !valid_device_id(device) || n.len() != 12 || !n.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    Some((device, n.parse().ok()?))
}

fn marker_path(device: &str, n: u64) -> String {
    format!("d/{device}/e-{n:012}.dfk")
}

/// A placeholder for a change of an erased record: its clock only.
fn placeholder(c: &Change) -> Change {
    Change {
        hlc: c.hlc.clone(),
        author: None,
        kind: String::new(),
        id: String::new(),
        op: ERASED_OP.into(),
        fields: Default::default(),
        prev: None,
    }
}

/// `changes` with every change of an erased record replaced by a
/// placeholder (which the store skips), and how many placeholders it holds
/// (the round does not count them as changes it could not understand).
pub fn without_erased<'a>(changes: &'a [Change], erased: &HashSet<String>) -> (Cow<'a, [Change]>, u64) {
    let hit = |c: &Change| c.op == ERASED_OP || erased.contains(&c.id);
    let n = changes.iter().filter(|c| hit(c)).count() as u64;
    if n == 0 {
        return (Cow::Borrowed(changes), 0);
    }
    let out: Vec<Change> = changes.iter().map(|c| if hit(c) { placeholder(c) } else { c.clone() }).collect();
    (Cow::Owned(out), n)
}

fn folder_warning(report: &mut SyncReport, e: &FolderError, path: &str) {
    report.warnings.push(
        SyncIssue::new(
            "erase_folder_pending",
            format!("Could not finish erasing in the sync folder ({path}: {e}); the next sync tries again."),
        )
        .file(path),
    );
}

/// Reads the other devices' erase markers not read yet and erases what they
/// name here. Runs before the round applies changes.
pub fn read_markers(
    store: &mut Store,
    folder: &mut dyn SyncFolder,
    keys: &Keyring,
    me: &str,
    names: &[String],
    now_ms: i64,
) -> Result<()> {
    let mut read: BTreeSet<String> =
        store.sync_state_get(MARKERS_READ)?.and_then(|s| serde_json::from_str(&s).ok()).unwrap_or_default();
    let mut changed = false;
    // Every unread marker's records, erased at once: one rewrite of the file.
    let mut records: Vec<(String, String)> = Vec::new();
    let mut devices: BTreeSet<&str> = BTreeSet::new();
    for name in names {
        let Some((device, _)) = marker_name(name) else { continue };
        if device == me || read.contains(name) {
            continue;
        }
        let Ok(bytes) = folder.read(name) else { continue };
        // Damaged, partial or locked: retried next round.
        let Ok(body) = format::open(name, &bytes, keys) else { continue };
        let Ok(marker) = serde_json::from_slice::<Marker>(&body) else { continue };
        if marker.device != device {
            continue;
        }
        records.extend(marker.records);
        devices.insert(device);
        read.insert(name.clone());
        changed = true;
    }
    if !records.is_empty() {
        let origin = match devices.len() {
            1 => devices.first().copied().unwrap_or("sync"),
            _ => "sync",
        };
        store.erase_from_marker(origin, &records, now_ms)?;
    }
    if changed {
        store.sync_state_set(MARKERS_READ, &serde_json::to_string(&read)?)?;
    }
    Ok(())
}

/// After the round applied changes (and maybe loaded a snapshot): erases
/// again whatever of an erased record came back.
pub fn after_apply(store: &mut Store, snapshot_loaded: bool, applied: bool, now_ms: i64) -> Result<()> {
    if snapshot_loaded || applied {
        store.erase_returned(snapshot_loaded, now_ms)?;
    }
    Ok(())
}

/// Stage, delete, create, unstage (see the module's notes).
fn rewrite(folder: &mut dyn SyncFolder, path: &str, bytes: &[u8]) -> std::result::Result<(), FolderError> {
    let staging = format!("{path}{STAGING}");
    match folder.delete(&staging) {
        Ok(()) | Err(FolderError::NotFound) => {}
        Err(e) => return Err(e),
    }
    folder.create(&staging, bytes)?;
    finish_rewrite(folder, path, bytes)
}

fn finish_rewrite(folder: &mut dyn SyncFolder, path: &str, bytes: &[u8]) -> std::result::Result<(), FolderError> {
    match folder.delete(path) {
        Ok(()) | Err(FolderError::NotFound) => {}
        Err(e) => return Err(e),
    }
    folder.create(path, bytes)?;
    match folder.delete(&format!("{path}{STAGING}")) {
        Ok(()) | Err(FolderError::NotFound) => Ok(()),
        Err(e) => Err(e),
    }
}

/// Writes this device's erase markers, rewrites its own change files that
/// hold erased records, deletes attachment files only they used, and notes
/// its snapshots made before for replacement. Runs after the round wrote
/// its changes. Returns whether a fresh snapshot is wanted.
#[allow(clippy::too_many_arguments)]
pub fn scrub_own_files(
    store: &mut Store,
    folder: &mut dyn SyncFolder,
    keys: &Keyring,
    write_key: Option<&FileKey>,
    me: &str,
    names: &[String],
    now_ms: i64,
    report: &mut SyncReport,
) -> Result<()> {
    // A rewrite a crash interrupted.
    let own = format!("d/{me}/");
    for name in names.iter().filter(|n| n.starts_with(&own) && n.ends_with(STAGING)) {
        let path = name.trim_end_matches(STAGING);
        if let Ok(bytes) = folder.read(name) {
            if format::open(path, &bytes, keys).is_ok() {
                if let Err(e) = finish_rewrite(folder, path, &bytes) {
                    folder_warning(report, &e, path);
                    return Ok(());
                }
            }
        }
    }
    // Markers.
    let due = store.erase_markers_due()?;
    if !due.is_empty() {
        let taken = names.iter().filter_map(|n| marker_name(n)).filter(|(d, _)| *d == me).map(|(_, n)| n).max();
        let n = (store.sync_state_i64(MARKER_N)? as u64).max(taken.unwrap_or(0)) + 1;
        let path = marker_path(me, n);
        let marker = Marker { device: me.to_string(), written_at: now_ms, records: due.clone() };
        let bytes = format::seal(&path, &serde_json::to_vec(&marker)?, write_key, Packing::Document);
        match folder.create(&path, &bytes) {
            Ok(()) => {
                store.sync_state_set(MARKER_N, &n.to_string())?;
                let ids: Vec<String> = due.into_iter().map(|(_, id)| id).collect();
                store.erase_markers_written(&ids)?;
                report.files_written += 1;
            }
            Err(e) => {
                folder_warning(report, &e, &path);
                return Ok(());
            }
        }
    }
    let (ids, blobs) = store.erase_unscrubbed()?;
    if ids.is_empty() && blobs.is_empty() {
        return Ok(());
    }
    // Own change files.
    let files: Vec<FileName> = names.iter().filter_map(|n| FileName::parse(n)).collect();
    for name in &files {
        let FileName::Changes { device, .. } = name else { continue };
        if device != me {
            continue;
        }
        let path = name.to_path();
        let Ok(bytes) = folder.read(&path) else { continue };
        let Ok(Body::Changes(mut batch)) = format::open_body(name, &bytes, keys) else { continue };
        if !batch.changes.iter().any(|c| ids.contains(&c.id)) {
            continue;
        }
        for c in batch.changes.iter_mut() {
            if ids.contains(&c.id) {
                *c = placeholder(c);
            }
        }
        let sealed = format::seal_body(name, &Body::Changes(batch), write_key);
        if let Err(e) = rewrite(folder, &path, &sealed) {
            folder_warning(report, &e, &path);
            return Ok(());
        }
        report.files_written += 1;
    }
    // Attachment files only erased records used.
    for sha in &blobs {
        let path = FileName::Attachment(sha.clone()).to_path();
        match folder.delete(&path) {
            Ok(()) | Err(FolderError::NotFound) => {}
            Err(e) => {
                folder_warning(report, &e, &path);
                return Ok(());
            }
        }
    }
    // Own snapshots made before: replaced by a fresh one this round.
    let snapshots: Vec<String> = files
        .iter()
        .filter(|f| {
            matches!(f, FileName::SnapshotPart { device, .. } | FileName::SnapshotManifest { device, .. } if device == me)
        })
        .map(FileName::to_path)
        .collect();
    if snapshots.is_empty() {
        store.erase_scrubbed(&ids, &blobs)?;
    } else {
        store.sync_state_set(SNAPSHOT_DUE, &serde_json::to_string(&snapshots)?)?;
    }
    Ok(())
}

/// Whether the round must write a snapshot now (own snapshots hold erased records).
pub fn snapshot_due(store: &Store) -> Result<bool> {
    Ok(store.sync_state_get(SNAPSHOT_DUE)?.is_some_and(|s| !s.is_empty() && s != "[]"))
}

/// After the round's snapshot: once a fresh one is written, the own
/// snapshots made before the erase are deleted (manifests first) and the
/// erase is done in the folder.
pub fn drop_old_snapshots(
    store: &mut Store,
    folder: &mut dyn SyncFolder,
    written: Option<&str>,
    report: &mut SyncReport,
) -> Result<()> {
    if written.is_none() || !snapshot_due(store)? {
        return Ok(());
    }
    let mut old: Vec<String> =
        store.sync_state_get(SNAPSHOT_DUE)?.and_then(|s| serde_json::from_str(&s).ok()).unwrap_or_default();
    if let Some(w) = written {
        old.retain(|p| !p.starts_with(&format!("{w}/")));
    }
    old.sort_by_key(|p| !p.ends_with("/m.dfk"));
    for p in &old {
        match folder.delete(p) {
            Ok(()) | Err(FolderError::NotFound) => report.files_deleted += 1,
            Err(e) => {
                folder_warning(report, &e, p);
                return Ok(());
            }
        }
    }
    store.sync_state_set(SNAPSHOT_DUE, "[]")?;
    let (ids, blobs) = store.erase_unscrubbed()?;
    store.erase_scrubbed(&ids, &blobs)?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn change(id: &str, op: &str) -> Change {
        Change {
            hlc: "000001790000000000-0000-dev1".into(),
            author: Some("u".into()),
            kind: "contact".into(),
            id: id.into(),
            op: op.into(),
            fields: serde_json::json!({"family_name": "山田"}).as_object().unwrap().clone(),
            prev: None,
        }
    }

    #[test]
    fn marker_names_parse_and_others_do_not() {
        assert_eq!(marker_name("d/abcdef0123456789/e-000000000007.dfk"), Some(("abcdef0123456789", 7)));
        assert_eq!(marker_path("abcdef0123456789", 7), "d/abcdef0123456789/e-000000000007.dfk");
        for foreign in [
            "d/abcdef0123456789/e-7.dfk",
            "d/abcdef0123456789/c-000000000001-000000000002.dfk",
            "d/abcdef0123456789/e-000000000007.dfk.erase-tmp",
            "e-000000000007.dfk",
        ] {
            assert_eq!(marker_name(foreign), None, "{foreign}");
        }
    }

    #[test]
    fn changes_of_erased_records_become_placeholders_in_place() {
        let changes = vec![change("a", "create"), change("gone", "update"), change("b", "create")];
        let erased: HashSet<String> = ["gone".to_string()].into();
        let (out, n) = without_erased(&changes, &erased);
        assert_eq!(n, 1);
        assert_eq!(out.len(), 3, "positions are kept");
        assert_eq!(out[0], changes[0]);
        assert_eq!(out[1].op, ERASED_OP);
        assert_eq!((out[1].id.as_str(), out[1].kind.as_str(), out[1].fields.len()), ("", "", 0));
        assert_eq!(out[1].hlc, changes[1].hlc);
        assert_eq!(out[2], changes[2]);
        // A placeholder from a rewritten file counts too; nothing erased: borrowed as is.
        let (again, n) = without_erased(&out, &HashSet::new());
        assert_eq!((n, again.len()), (1, 3));
        let (same, n) = without_erased(&changes, &HashSet::new());
        assert!(matches!(same, Cow::Borrowed(_)) && n == 0);
    }
}
