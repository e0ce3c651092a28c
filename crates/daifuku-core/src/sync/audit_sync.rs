//! The audit trail through the sync folder (issue 18 item 3): the office's
//! 監査ログ shows who exported what from which laptop.
//!
//! Each device writes its own entries, in the order of its chain, as
//! `d/<device>/l-<first>-<last>.dfk` (numbers: the entries' `device_seq`,
//! 12 digits), sealed like every file of the folder (checksummed, and
//! encrypted with the workspace passphrase when there is one). What a device
//! has shipped is read from the folder's listing (its newest `l-` file), so
//! no bookkeeping can drift from the folder: a restored backup ships only
//! what the folder lacks. These files are never compacted: the entries are
//! few (one per export, backup, delete…) and a device that joins later, or
//! from a snapshot (which leaves the local `audit_log` out), reads every
//! device's chain from them.
//!
//! A reader stores the entries that continue a device's chain as they
//! arrived, after checking each one (`Store::audit_receive`). An entry that
//! was changed in the folder is reported in the round's warnings
//! (`audit_entry_altered`, naming the device and the entry), and
//! `daifuku audit verify` names it as long as it is held: a device cannot
//! tell the true values, but it never takes altered ones silently. Older
//! apps ignore these names (`FileName::parse` does not know them).
//!
//! Lives under `round` (a child module) so it can use the round's reading,
//! writing and reporting helpers.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::Round;
use crate::error::Result;
use crate::store::audit::AuditWire;
use crate::sync::folder::FolderError;
use crate::sync::format::{self, FileProblem, Packing};
use crate::sync::hlc::valid_device_id;
use crate::sync::SyncIssue;

/// Entries per file.
const ENTRIES_PER_FILE: usize = 1_000;

/// The document inside an `l-` file.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
struct AuditBatch {
    #[serde(rename = "type")]
    kind: String,
    device: String,
    first: i64,
    last: i64,
    entries: Vec<AuditWire>,
}

const BATCH_TYPE: &str = "audit";

fn num12(s: &str) -> Option<i64> {
    (s.len() == 12 && s.bytes().all(|b| b.is_ascii_digit())).then(|| s.parse().ok()).flatten()
}

/// `(device, first, last)` of an audit file's name; `None` for any other name.
pub fn parse_name(name: &str) -> Option<(String, i64, i64)> {
    let rest = name.strip_prefix("d/")?.strip_suffix(".dfk")?;
    let (device, file) = rest.split_once('/')?;
    if !valid_device_id(device) {
        return None;
    }
    let (a, b) = file.strip_prefix("l-")?.split_once('-')?;
    let (first, last) = (num12(a)?, num12(b)?);
    (first >= 1 && first <= last).then(|| (device.to_string(), first, last))
}

/// The name of `device`'s audit file of entries `first..=last`.
pub fn file_name(device: &str, first: i64, last: i64) -> String {
    format!("d/{device}/l-{first:012}-{last:012}.dfk")
}

impl Round<'_> {
    /// Reads the other devices' new audit entries, then writes this
    /// device's entries the folder lacks.
    pub(super) fn exchange_audit(&mut self, names: &[String]) -> Result<()> {
        let mut files: BTreeMap<String, Vec<(i64, i64)>> = BTreeMap::new();
        for n in names {
            if let Some((device, first, last)) = parse_name(n) {
                files.entry(device).or_default().push((first, last));
            }
        }
        for (device, ranges) in &files {
            if *device != self.me {
                self.receive_audit(device, ranges)?;
            }
        }
        let shipped = files.get(&self.me).and_then(|r| r.iter().map(|(_, last)| *last).max()).unwrap_or(0);
        self.send_audit(shipped)
    }

    fn receive_audit(&mut self, device: &str, ranges: &[(i64, i64)]) -> Result<()> {
        loop {
            let have = self.store.audit_last(device)?.map(|(seq, _)| seq).unwrap_or(0);
            let Some(&(first, last)) =
                ranges.iter().filter(|(f, l)| *f <= have + 1 && *l > have).max_by_key(|(_, l)| *l)
            else {
                return Ok(());
            };
            let path = file_name(device, first, last);
            let Some(batch) = self.read_audit_file(&path)? else {
                return Ok(());
            };
            let fits = batch.kind == BATCH_TYPE
                && batch.device == device
                && batch.first == first
                && batch.last == last
                && batch.entries.len() as i64 == last - first + 1
                && batch.entries.iter().zip(first..).all(|(e, seq)| e.device_seq == seq);
            if !fits {
                return self.bad_file(&path, "content does not match its name");
            }
            let problems = self.store.audit_receive(device, &batch.entries)?;
            for p in problems {
                let label = self.device_label(device);
                self.report.warnings.push(
                    SyncIssue::new(
                        "audit_entry_altered",
                        format!(
                            "Entry {} of the audit trail of device {label} was {} in the sync folder. It is kept as it arrived and `daifuku audit verify` names it; tell your administrator.",
                            p.device_seq, p.problem
                        ),
                    )
                    .device(device)
                    .file(&path),
                );
            }
            if self.store.audit_last(device)?.map(|(seq, _)| seq).unwrap_or(0) <= have {
                return Ok(()); // nothing new came of it: do not loop
            }
        }
    }

    /// Reads and opens an audit file; `None` (with a warning, retried next
    /// round) when it is missing, unreadable, locked or damaged.
    fn read_audit_file(&mut self, path: &str) -> Result<Option<AuditBatch>> {
        let bytes = match self.folder.read(path) {
            Ok(b) => b,
            Err(FolderError::NotFound) => return Ok(None),
            Err(e) => {
                self.report.warnings.push(
                    SyncIssue::new("file_unreadable", format!("Could not read {path}: {e}; it is retried next time."))
                        .file(path),
                );
                return Ok(None);
            }
        };
        self.report.files_read += 1;
        let opened = format::open(path, &bytes, self.keys).and_then(|plain| {
            serde_json::from_slice::<AuditBatch>(&plain)
                .map_err(|e| FileProblem::Damaged(format!("not a document of ours: {e}")))
        });
        self.settle(path, opened)
    }

    fn send_audit(&mut self, mut shipped: i64) -> Result<()> {
        let me = self.me.clone();
        loop {
            if self.writes_blocked {
                return Ok(());
            }
            let entries = self.store.audit_chain_after(&me, shipped, ENTRIES_PER_FILE)?;
            let (Some(first), Some(last)) = (entries.first(), entries.last()) else {
                return Ok(());
            };
            let (first, last) = (first.device_seq, last.device_seq);
            if last - first + 1 != entries.len() as i64 {
                // A hole in this device's own chain: `audit verify` reports
                // it; ship nothing a reader would refuse.
                return Ok(());
            }
            let path = file_name(&me, first, last);
            let body = AuditBatch { kind: BATCH_TYPE.into(), device: me.clone(), first, last, entries };
            let json = serde_json::to_vec(&body)?;
            let sealed = format::seal(&path, &json, self.write_key.as_ref(), Packing::Document);
            match self.folder.create(&path, &sealed) {
                // Another round of this device wrote the same entries meanwhile.
                Ok(()) | Err(FolderError::AlreadyExists) => self.report.files_written += 1,
                Err(e) => {
                    self.writes_blocked = true;
                    self.report.errors.push(super::folder_issue(&e, "send the audit trail").file(&path));
                    return Ok(());
                }
            }
            shipped = last;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn audit_file_names_round_trip_and_others_are_not_audit_files() {
        assert_eq!(parse_name(&file_name("dev1", 1, 20)), Some(("dev1".into(), 1, 20)));
        assert_eq!(file_name("dev1", 3, 4), "d/dev1/l-000000000003-000000000004.dfk");
        for other in [
            "d/dev1/c-000000000001-000000000020.dfk",
            "d/dev1/l-000000000005-000000000001.dfk",
            "d/dev1/l-000000000000-000000000001.dfk",
            "d/Dev1/l-000000000001-000000000001.dfk",
            "d/dev1/l-000000000001-000000000001 (1).dfk",
            "d/../l-000000000001-000000000001.dfk",
            "d/dev1/l-1-2.dfk",
        ] {
            assert_eq!(parse_name(other), None, "{other}");
        }
    }
}
