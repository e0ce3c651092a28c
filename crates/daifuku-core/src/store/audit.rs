//! 監査ログ, the audit trail (issue 18 item 3): every export, print, backup,
//! restore, merge/unmerge, delete, import, hand-over and change of the sync
//! settings, with when, who, which device, what (kind, filter, format) and
//! how many records.
//!
//! Append-only and hash-chained per device: an entry's `hash` is SHA-256
//! over its values and `prev_hash`, the hash of the same device's previous
//! entry (`device_seq` one less). [`Store::audit_verify`] recomputes the
//! chain and names the first entry altered, removed or out of place; the
//! chain's head is also kept in `settings`, so removing the newest entries
//! is found too. The table refuses UPDATE by trigger (migration 0019).
//!
//! The commands that are audited are recorded in one place,
//! [`AuditEntry::planned`] + [`Store::audit_response`], called by
//! `api::execute` after a command succeeds (an import: by
//! `api::execute_with_progress`); what hosts do outside the core
//! (printing) calls [`Store::audit`].
//!
//! Entries travel through the sync folder (`sync::round`'s `audit_sync`:
//! `d/<device>/l-<first>-<last>.dfk`, never compacted), so the office's
//! 監査ログ shows every laptop's entries. A device stores the entries it
//! receives as they arrived, after checking each one's hash and its link to
//! the one before ([`Store::audit_receive`]): an entry altered in the folder
//! is reported by the round (`audit_entry_altered`) and by
//! [`Store::audit_verify`], which checks every device's chain it holds.
//! `audit_log` stays out of snapshot images (a local table): a new device
//! gets the entries from those files.

use rusqlite::{params, OptionalExtension};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use ts_rs::TS;

use super::{Ctx, Store};
use crate::api::{Command, Response};
use crate::error::{ApiError, Result};

/// The hash before a device's first entry.
pub const GENESIS: &str = "0000000000000000000000000000000000000000000000000000000000000000";

/// What an entry is about, as the caller knows it before the count.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, TS)]
pub struct AuditEntry {
    /// `export`, `mailing_list`, `print`, `backup`, `restore`, `merge`,
    /// `unmerge`, `delete`, `import`, `handover`, `handover_undo`,
    /// `sync_configure`, `sync_disable`.
    pub action: String,
    /// The record kind (or print form) concerned.
    pub kind: Option<String>,
    /// The file format (csv, xlsx, vcard, json, pdf…).
    pub format: Option<String>,
    /// The filter or the records' ids, as JSON or text.
    pub filter: Option<String>,
    /// How many records.
    #[ts(type = "number | null")]
    pub count: Option<i64>,
    /// Anything else: a path, a record id.
    pub detail: Option<String>,
}

/// One stored entry.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct AuditRecord {
    #[ts(type = "number")]
    pub seq: i64,
    pub device_id: String,
    #[ts(type = "number")]
    pub device_seq: i64,
    /// Milliseconds since the Unix epoch (UTC).
    #[ts(type = "number")]
    pub at: i64,
    pub user_id: Option<String>,
    /// The user's name when the user record exists.
    pub user_name: Option<String>,
    /// The device's name as it told the sync folder (this device's: its own).
    pub device_name: Option<String>,
    #[serde(flatten)]
    #[ts(flatten)]
    pub entry: AuditEntry,
    pub prev_hash: String,
    pub hash: String,
}

/// An entry as it travels through the sync folder: its device is the
/// file's. Kinds, filters, counts and record ids; never a customer's values
/// beyond what the entry itself holds.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AuditWire {
    pub device_seq: i64,
    pub at: i64,
    pub user_id: Option<String>,
    #[serde(flatten)]
    pub entry: AuditEntry,
    pub prev_hash: String,
    pub hash: String,
}

/// A received entry that does not check out: its place in its device's
/// chain and what is wrong (`altered`: its hash does not match its values
/// or it does not link to the entry before).
#[derive(Debug, Clone, PartialEq)]
pub struct AuditProblem {
    pub device_seq: i64,
    pub problem: &'static str,
}

/// Which entries to list.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, TS)]
#[serde(default)]
pub struct AuditQuery {
    #[ts(optional)]
    pub user_id: Option<String>,
    #[ts(optional)]
    pub action: Option<String>,
    /// Only the entries made on this device.
    #[ts(optional)]
    pub device_id: Option<String>,
    /// From this time (ms, inclusive).
    #[ts(optional, type = "number")]
    pub from_ms: Option<i64>,
    /// Before this time (ms, exclusive).
    #[ts(optional, type = "number")]
    pub to_ms: Option<i64>,
    #[ts(optional)]
    pub limit: Option<u32>,
}

/// The result of checking the chains.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct AuditVerification {
    pub ok: bool,
    #[ts(type = "number")]
    pub entries: i64,
    /// The first broken entry: its device and place in that device's chain.
    pub broken_device: Option<String>,
    #[ts(type = "number | null")]
    pub broken_device_seq: Option<i64>,
    /// `altered`, `removed` or `head_removed`.
    pub problem: Option<String>,
}

fn head_key(device: &str) -> String {
    format!("audit_head:{device}")
}

/// The hash of an entry: SHA-256 over a JSON array of its values (one
/// unambiguous encoding, no separator a value could contain).
pub fn entry_hash(prev: &str, device: &str, device_seq: i64, at: i64, user: Option<&str>, e: &AuditEntry) -> String {
    let doc = serde_json::json!([
        prev, device, device_seq, at, user, e.action, e.kind, e.format, e.filter, e.count, e.detail
    ]);
    hex::encode(Sha256::digest(doc.to_string().as_bytes()))
}

impl AuditEntry {
    pub fn new(action: &str) -> AuditEntry {
        AuditEntry { action: action.to_string(), ..Default::default() }
    }

    /// An import's entry: the file's name (its kind and count come from the report).
    pub fn import(file: &crate::import::FileSource) -> AuditEntry {
        let name = match file {
            crate::import::FileSource::Path { path } => path.clone(),
            crate::import::FileSource::Data { name, .. } => name.clone(),
        };
        AuditEntry { detail: Some(name), ..AuditEntry::new("import") }
    }

    /// The entry a command will be recorded with when it succeeds, or `None`
    /// for commands the audit trail does not record.
    pub fn planned(cmd: &Command) -> Option<AuditEntry> {
        Some(match cmd {
            Command::Export { kind, query, options, path } => AuditEntry {
                action: "export".into(),
                kind: Some(kind.as_str().into()),
                format: serde_json::to_value(options.format).ok().and_then(|v| v.as_str().map(String::from)),
                filter: json(query),
                detail: path.clone(),
                ..Default::default()
            },
            Command::MailingList { options, export: Some(ex), path } => AuditEntry {
                action: "mailing_list".into(),
                kind: Some("contact".into()),
                format: serde_json::to_value(ex.format).ok().and_then(|v| v.as_str().map(String::from)),
                filter: json(options),
                detail: path.clone(),
                ..Default::default()
            },
            Command::Backup { path } => AuditEntry { detail: Some(path.clone()), ..AuditEntry::new("backup") },
            Command::RollingBackup { dir, .. } => AuditEntry { detail: Some(dir.clone()), ..AuditEntry::new("backup") },
            Command::RestoreBackup { path, .. } => {
                AuditEntry { detail: Some(path.clone()), ..AuditEntry::new("restore") }
            }
            Command::Merge { kind, survivor_id, loser_id, .. } => AuditEntry {
                kind: Some(kind.as_str().into()),
                filter: Some(format!("{loser_id} → {survivor_id}")),
                count: Some(2),
                ..AuditEntry::new("merge")
            },
            Command::UndoMerge { merge_id } => {
                AuditEntry { detail: Some(merge_id.clone()), ..AuditEntry::new("unmerge") }
            }
            Command::Delete { kind, id } => AuditEntry {
                kind: Some(kind.as_str().into()),
                detail: Some(id.clone()),
                count: Some(1),
                ..AuditEntry::new("delete")
            },
            Command::HandoverApply { from_user_id, to_user_id, filter } => AuditEntry {
                filter: json(filter),
                detail: Some(format!("{from_user_id} → {to_user_id}")),
                ..AuditEntry::new("handover")
            },
            Command::HandoverUndo { handover_id } => {
                AuditEntry { detail: Some(handover_id.clone()), ..AuditEntry::new("handover_undo") }
            }
            Command::SyncConfigure { folder, s3, passphrase, device_name } => AuditEntry {
                // Never the passphrase or keys: only whether one was given.
                detail: Some(
                    serde_json::json!({
                        "folder": folder,
                        "s3": s3.is_some(),
                        "passphrase_changed": passphrase.is_some(),
                        "device_name": device_name,
                    })
                    .to_string(),
                ),
                ..AuditEntry::new("sync_configure")
            },
            Command::SyncDisable => AuditEntry::new("sync_disable"),
            _ => return None,
        })
    }

    /// The count (and what else the answer tells) from a command's response.
    fn complete(mut self, response: &Response) -> AuditEntry {
        let v = serde_json::to_value(response).unwrap_or_default();
        let data = v.get("data").cloned().unwrap_or_default();
        let n = |key: &str| data.get(key).and_then(|x| x.as_i64());
        match self.action.as_str() {
            "export" => self.count = n("rows").or_else(|| n("count")).or_else(|| n("records")),
            "mailing_list" => {
                self.count =
                    data.get("list").and_then(|l| l.get("rows")).and_then(|e| e.as_array()).map(|a| a.len() as i64)
            }
            "import" => {
                self.count = n("created").zip(n("updated")).map(|(a, b)| a + b);
                self.kind = data.get("kind").and_then(|k| k.as_str()).map(String::from).or(self.kind);
            }
            "handover" => self.count = data.get("moved").and_then(|i| i.as_array()).map(|a| a.len() as i64),
            "backup" | "restore" => self.count = n("records"),
            _ => {}
        }
        self
    }
}

/// A value as JSON text for the `filter` column.
fn json<T: Serialize>(v: &T) -> Option<String> {
    serde_json::to_string(v).ok()
}

impl Store {
    /// Appends an entry to this device's chain.
    pub fn audit(&self, ctx: &Ctx, e: &AuditEntry) -> Result<AuditRecord> {
        let conn = &self.conn;
        let last: Option<(i64, String)> = conn
            .prepare_cached(
                "SELECT device_seq, hash FROM audit_log WHERE device_id = ?1 ORDER BY device_seq DESC LIMIT 1",
            )?
            .query_row([&ctx.device_id], |r| Ok((r.get(0)?, r.get(1)?)))
            .optional()?;
        let (prev_seq, prev_hash) = last.unwrap_or((0, GENESIS.to_string()));
        let device_seq = prev_seq + 1;
        let user = ctx.user_id.as_deref();
        let hash = entry_hash(&prev_hash, &ctx.device_id, device_seq, ctx.now_ms, user, e);
        conn.prepare_cached(
            "INSERT INTO audit_log (device_id, device_seq, at, user_id, action, kind, format, filter, count, detail, prev_hash, hash)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)",
        )?
        .execute(params![
            ctx.device_id,
            device_seq,
            ctx.now_ms,
            user,
            e.action,
            e.kind,
            e.format,
            e.filter,
            e.count,
            e.detail,
            prev_hash,
            hash
        ])?;
        let seq = conn.last_insert_rowid();
        conn.prepare_cached(
            "INSERT INTO settings (key, value) VALUES (?1, ?2) ON CONFLICT(key) DO UPDATE SET value = ?2",
        )?
        .execute(params![head_key(&ctx.device_id), format!("{device_seq}:{hash}")])?;
        Ok(AuditRecord {
            seq,
            device_id: ctx.device_id.clone(),
            device_seq,
            at: ctx.now_ms,
            user_id: ctx.user_id.clone(),
            user_name: None,
            device_name: None,
            entry: e.clone(),
            prev_hash,
            hash,
        })
    }

    /// Records a command that succeeded, when the audit trail records its kind.
    pub fn audit_response(&self, ctx: &Ctx, planned: AuditEntry, response: &Response) -> Result<()> {
        self.audit(ctx, &planned.complete(response)).map(|_| ())
    }

    /// Every entry, for [`Store::audit_carry_over`].
    pub fn audit_all(&self) -> Result<Vec<AuditRecord>> {
        self.audit_list(&AuditQuery { limit: Some(u32::MAX), ..Default::default() })
    }

    /// After a restore: the entries made since the backup (held in `kept`,
    /// read before the restore) go back into the restored trail, unchanged
    /// (their hashes still link), and each device's head follows them. A
    /// restore must not erase the record of what happened in between (a
    /// backup, an export, then a restore would otherwise hide the export).
    pub fn audit_carry_over(&self, kept: &[AuditRecord]) -> Result<usize> {
        let mut insert = self.conn.prepare(
            "INSERT OR IGNORE INTO audit_log (device_id, device_seq, at, user_id, action, kind, format, filter, count, detail, prev_hash, hash)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)",
        )?;
        let mut added = 0;
        for r in kept.iter().rev() {
            let e = &r.entry;
            added += insert.execute(params![
                r.device_id,
                r.device_seq,
                r.at,
                r.user_id,
                e.action,
                e.kind,
                e.format,
                e.filter,
                e.count,
                e.detail,
                r.prev_hash,
                r.hash
            ])?;
        }
        let heads: Vec<(String, i64, String)> = self
            .conn
            .prepare(
                "SELECT device_id, device_seq, hash FROM audit_log a
                 WHERE device_seq = (SELECT MAX(device_seq) FROM audit_log b WHERE b.device_id = a.device_id)",
            )?
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?
            .collect::<rusqlite::Result<_>>()?;
        for (device, seq, hash) in heads {
            self.conn
                .prepare_cached(
                    "INSERT INTO settings (key, value) VALUES (?1, ?2) ON CONFLICT(key) DO UPDATE SET value = ?2",
                )?
                .execute(params![head_key(&device), format!("{seq}:{hash}")])?;
        }
        Ok(added)
    }

    /// Entries, newest first.
    pub fn audit_list(&self, q: &AuditQuery) -> Result<Vec<AuditRecord>> {
        let limit = q.limit.unwrap_or(500);
        let mut stmt = self.conn.prepare(&format!(
            "SELECT a.seq, a.device_id, a.device_seq, a.at, a.user_id, u.name, a.action, a.kind, a.format, a.filter,
                    a.count, a.detail, a.prev_hash, a.hash,
                    COALESCE(p.name, CASE WHEN a.device_id = (SELECT value FROM settings WHERE key = 'device_id')
                        THEN (SELECT value FROM sync_state WHERE key = 'device_name') END)
             FROM audit_log a LEFT JOIN users u ON u.id = a.user_id
                  LEFT JOIN sync_peers p ON p.device_id = a.device_id
             WHERE (?1 IS NULL OR a.user_id = ?1) AND (?2 IS NULL OR a.action = ?2)
               AND (?3 IS NULL OR a.at >= ?3) AND (?4 IS NULL OR a.at < ?4)
               AND (?5 IS NULL OR a.device_id = ?5)
             ORDER BY a.at DESC, a.seq DESC LIMIT {limit}"
        ))?;
        let rows = stmt
            .query_map(params![q.user_id, q.action, q.from_ms, q.to_ms, q.device_id], |r| {
                Ok(AuditRecord {
                    seq: r.get(0)?,
                    device_id: r.get(1)?,
                    device_seq: r.get(2)?,
                    at: r.get(3)?,
                    user_id: r.get(4)?,
                    user_name: r.get(5)?,
                    device_name: r.get(14)?,
                    entry: entry_at(r, 6)?,
                    prev_hash: r.get(12)?,
                    hash: r.get(13)?,
                })
            })?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        Ok(rows)
    }

    /// The newest entry held of `device`'s chain: its place and hash.
    pub fn audit_last(&self, device: &str) -> Result<Option<(i64, String)>> {
        Ok(self
            .conn
            .prepare_cached(
                "SELECT device_seq, hash FROM audit_log WHERE device_id = ?1 ORDER BY device_seq DESC LIMIT 1",
            )?
            .query_row([device], |r| Ok((r.get(0)?, r.get(1)?)))
            .optional()?)
    }

    /// `device`'s entries after its entry `after`, oldest first, at most `limit`
    /// (what a round ships of this device's chain).
    pub fn audit_chain_after(&self, device: &str, after: i64, limit: usize) -> Result<Vec<AuditWire>> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT device_seq, at, user_id, action, kind, format, filter, count, detail, prev_hash, hash
             FROM audit_log WHERE device_id = ?1 AND device_seq > ?2 ORDER BY device_seq LIMIT ?3",
        )?;
        let rows = stmt
            .query_map(params![device, after, limit as i64], |r| {
                Ok(AuditWire {
                    device_seq: r.get(0)?,
                    at: r.get(1)?,
                    user_id: r.get(2)?,
                    entry: entry_at(r, 3)?,
                    prev_hash: r.get(9)?,
                    hash: r.get(10)?,
                })
            })?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        Ok(rows)
    }

    /// Stores another device's entries as they arrived (in one transaction),
    /// those that continue its chain held here; entries already held are
    /// skipped. Each is checked first: its hash over its values and its link
    /// to the entry before. One that fails is still stored — so the 監査ログ
    /// shows it and [`Store::audit_verify`] names it for as long as it is
    /// there — and returned, for the round to report. The device's head moves
    /// to the newest entry stored, so a received entry removed here later is
    /// found too.
    pub fn audit_receive(&mut self, device: &str, entries: &[AuditWire]) -> Result<Vec<AuditProblem>> {
        let (mut have, mut last_hash) = self.audit_last(device)?.unwrap_or((0, GENESIS.to_string()));
        let mut problems = Vec::new();
        let mut stored = false;
        let tx = self.conn.transaction()?;
        {
            let mut insert = tx.prepare_cached(
                "INSERT OR IGNORE INTO audit_log (device_id, device_seq, at, user_id, action, kind, format, filter, count, detail, prev_hash, hash)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)",
            )?;
            for w in entries {
                if w.device_seq <= have {
                    continue; // held already
                }
                if w.device_seq != have + 1 {
                    break; // a gap: the caller hands files in order, so this is a damaged batch
                }
                let e = &w.entry;
                let recomputed = entry_hash(&w.prev_hash, device, w.device_seq, w.at, w.user_id.as_deref(), e);
                if w.prev_hash != last_hash || recomputed != w.hash {
                    problems.push(AuditProblem { device_seq: w.device_seq, problem: "altered" });
                }
                insert.execute(params![
                    device,
                    w.device_seq,
                    w.at,
                    w.user_id,
                    e.action,
                    e.kind,
                    e.format,
                    e.filter,
                    e.count,
                    e.detail,
                    w.prev_hash,
                    w.hash
                ])?;
                have = w.device_seq;
                last_hash = w.hash.clone();
                stored = true;
            }
            if stored {
                tx.prepare_cached(
                    "INSERT INTO settings (key, value) VALUES (?1, ?2) ON CONFLICT(key) DO UPDATE SET value = ?2",
                )?
                .execute(params![head_key(device), format!("{have}:{last_hash}")])?;
            }
        }
        tx.commit()?;
        Ok(problems)
    }

    /// Checks every device's chain: each entry's hash, its link to the one
    /// before, no gap in `device_seq`, and the newest entry against the head
    /// kept in settings.
    pub fn audit_verify(&self) -> Result<AuditVerification> {
        let mut stmt = self.conn.prepare(
            "SELECT device_id, device_seq, at, user_id, action, kind, format, filter, count, detail, prev_hash, hash
             FROM audit_log ORDER BY device_id, device_seq",
        )?;
        let mut rows = stmt.query([])?;
        let mut entries = 0i64;
        let mut current: Option<(String, i64, String)> = None;
        let broken = |device: &str, seq: i64, problem: &str| AuditVerification {
            ok: false,
            entries: 0,
            broken_device: Some(device.to_string()),
            broken_device_seq: Some(seq),
            problem: Some(problem.to_string()),
        };
        let mut heads: Vec<(String, i64, String)> = Vec::new();
        while let Some(r) = rows.next()? {
            entries += 1;
            let device: String = r.get(0)?;
            let seq: i64 = r.get(1)?;
            let user: Option<String> = r.get(3)?;
            let e = AuditEntry {
                action: r.get(4)?,
                kind: r.get(5)?,
                format: r.get(6)?,
                filter: r.get(7)?,
                count: r.get(8)?,
                detail: r.get(9)?,
            };
            let prev_hash: String = r.get(10)?;
            let hash: String = r.get(11)?;
            let (expect_seq, expect_prev) = match &current {
                Some((d, s, h)) if *d == device => (s + 1, h.clone()),
                _ => {
                    if let Some(c) = current.take() {
                        heads.push(c);
                    }
                    (1, GENESIS.to_string())
                }
            };
            if seq != expect_seq {
                // An entry (or more) before this one is missing.
                return Ok(broken(&device, expect_seq, "removed"));
            }
            if prev_hash != expect_prev || entry_hash(&prev_hash, &device, seq, r.get(2)?, user.as_deref(), &e) != hash
            {
                return Ok(broken(&device, seq, "altered"));
            }
            current = Some((device, seq, hash));
        }
        heads.extend(current);
        drop(rows);
        // Devices whose chain was emptied entirely still have their head.
        let mut stmt = self.conn.prepare("SELECT key, value FROM settings WHERE key LIKE 'audit_head:%'")?;
        let saved: Vec<(String, String)> =
            stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?.collect::<rusqlite::Result<_>>()?;
        for (key, value) in saved {
            let device = key.trim_start_matches("audit_head:");
            let (seq, hash) = value.split_once(':').unwrap_or(("0", ""));
            let seq: i64 = seq.parse().unwrap_or(0);
            match heads.iter().find(|(d, _, _)| d == device) {
                Some((_, s, h)) if *s == seq && h == hash => {}
                Some((_, s, _)) if *s < seq => return Ok(broken(device, s + 1, "head_removed")),
                None => return Ok(broken(device, 1, "head_removed")),
                Some((_, s, _)) => return Ok(broken(device, *s, "altered")),
            }
        }
        Ok(AuditVerification { ok: true, entries, broken_device: None, broken_device_seq: None, problem: None })
    }
}

/// The error `daifuku audit verify` exits with.
pub fn broken_error(v: &AuditVerification) -> ApiError {
    ApiError::new(
        "audit_chain_broken",
        format!(
            "the audit trail was changed: entry {} of device {} was {}",
            v.broken_device_seq.unwrap_or(0),
            v.broken_device.as_deref().unwrap_or("?"),
            v.problem.as_deref().unwrap_or("altered")
        ),
    )
}

/// The entry's own columns (action, kind, format, filter, count, detail),
/// read from a row where they stand in that order from column `at`.
fn entry_at(r: &rusqlite::Row<'_>, at: usize) -> rusqlite::Result<AuditEntry> {
    Ok(AuditEntry {
        action: r.get(at)?,
        kind: r.get(at + 1)?,
        format: r.get(at + 2)?,
        filter: r.get(at + 3)?,
        count: r.get(at + 4)?,
        detail: r.get(at + 5)?,
    })
}
