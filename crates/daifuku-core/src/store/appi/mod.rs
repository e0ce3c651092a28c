//! The APPI toolkit (個人情報保護法, issue 18 item 4), per person (contact):
//!
//! - 開示 disclosure (Art. 33): [`disclosure`] gathers everything held about
//!   a person into one package (JSON and a Japanese HTML page).
//! - 訂正 correction (Art. 34): [`Store::correct_contact`], an ordinary edit
//!   whose reason goes to the audit trail.
//! - 利用停止 stop using (Art. 35): the contact's `use_stopped` field (with
//!   date and reason, [`Store::set_use_stopped`]); [`is_use_stopped`] is the
//!   one rule that keeps a person out of mailing lists and third-party exports.
//! - 第三者提供記録 (Art. 29): [`provision`], the record kept of every export
//!   made for a third party.
//! - 漏えい等の報告 (Art. 26, rules 7–8): [`incident`], the incident register
//!   and whether a report is due.
//!
//! Every action here is recorded in the audit trail (`store/audit.rs`); the
//! audit entries carry record ids, field names and the reason given, never a
//! person's values.

pub mod disclosure;
pub mod incident;
pub mod provision;

use rusqlite::Connection;
use serde_json::{Map, Value};

use super::audit::AuditEntry;
use super::{read, write, Ctx, Store, Stored};
use crate::error::{ApiError, FieldError, Result};
use crate::model::{Kind, Record};

/// The contact's 利用停止 switch, its date and its reason.
pub const USE_STOPPED: &str = "use_stopped";
pub const USE_STOPPED_ON: &str = "use_stopped_on";
pub const USE_STOPPED_REASON: &str = "use_stopped_reason";

/// Whether a contact is stopped from use (利用停止): never in a mailing list,
/// an export for a third party or a suggestion that names people.
pub fn is_use_stopped(record: &Record) -> bool {
    matches!(record, Record::Contact(c) if c.use_stopped)
}

/// Migration 0022's hook: the contact columns, where missing. Also run
/// before older migrations' hooks, which read records (see `migrations.rs`).
pub(crate) fn add_columns(conn: &Connection) -> Result<()> {
    let has = |col: &str| -> Result<bool> {
        Ok(conn.query_row("SELECT COUNT(*) FROM pragma_table_info('contacts') WHERE name = ?1", [col], |r| {
            r.get::<_, i64>(0)
        })? > 0)
    };
    if !has(USE_STOPPED)? {
        conn.execute_batch("ALTER TABLE contacts ADD COLUMN use_stopped INTEGER NOT NULL DEFAULT 0;")?;
    }
    for col in [USE_STOPPED_ON, USE_STOPPED_REASON] {
        if !has(col)? {
            conn.execute_batch(&format!("ALTER TABLE contacts ADD COLUMN {col} TEXT;"))?;
        }
    }
    Ok(())
}

/// A reason is required for a correction and for stopping use: it is what
/// the business answers the person with.
fn reason_required(reason: Option<&str>) -> Result<String> {
    match reason.map(str::trim).filter(|r| !r.is_empty()) {
        Some(r) if r.chars().count() <= 1000 => Ok(r.to_string()),
        Some(_) => Err(ApiError::validation(vec![FieldError::new(
            "too_long",
            "reason",
            "the reason is longer than 1,000 characters",
        )
        .with_detail("1000")])),
        None => Err(ApiError::validation(vec![FieldError::new(
            "reason_required",
            "reason",
            "say why (the person's request, what was wrong): it is kept in the audit trail",
        )])),
    }
}

impl Store {
    /// 利用停止 is its own step (`set_use_stopped`: a reason, the audit
    /// trail): an ordinary create or edit of a contact may carry the three
    /// fields only as they are (the edit form sends the whole record).
    pub fn check_use_stopped_unchanged(&self, kind: Kind, id: Option<&str>, fields: &Map<String, Value>) -> Result<()> {
        if kind != Kind::Contact {
            return Ok(());
        }
        let current = match id {
            Some(id) => self.get(Kind::Contact, id)?.record.to_fields(),
            None => Map::new(),
        };
        let blank = |v: Option<&Value>| {
            v.is_none_or(|v| v.is_null() || *v == Value::Bool(false) || *v == Value::String(String::new()))
        };
        for f in [USE_STOPPED, USE_STOPPED_ON, USE_STOPPED_REASON] {
            let (given, now) = (fields.get(f), current.get(f));
            let same = given.is_none() || given == now || (blank(given) && blank(now));
            if !same {
                return Err(ApiError::field(
                    "reason_required",
                    f,
                    "stopping use (利用停止) is its own step with a reason: `daifuku contact stop-use ID --reason …` or the contact page's button",
                ));
            }
        }
        Ok(())
    }

    /// 訂正: changes a contact's fields like an edit and records the reason
    /// and the changed fields' names (not their values) in the audit trail,
    /// in the same transaction.
    pub fn correct_contact(
        &mut self,
        ctx: &Ctx,
        id: &str,
        expected_version: Option<i64>,
        fields: &Map<String, Value>,
        reason: Option<&str>,
    ) -> Result<Stored> {
        let reason = reason_required(reason)?;
        if fields.keys().any(|k| k.starts_with("use_stopped")) {
            return Err(ApiError::field(
                "bad_request",
                "fields",
                "stopping use is its own step (set_use_stopped), not a correction",
            ));
        }
        let tx = self.conn.unchecked_transaction()?;
        let changed = write::update_in(&tx, &mut self.ids, ctx, Kind::Contact, id, expected_version, fields)?;
        let stored = read::get(&tx, Kind::Contact, id)?;
        self.audit(
            ctx,
            &AuditEntry {
                kind: Some("contact".into()),
                filter: Some(changed.join(",")),
                count: Some(1),
                detail: Some(serde_json::json!({ "id": id, "reason": reason }).to_string()),
                ..AuditEntry::new("correct")
            },
        )?;
        tx.commit()?;
        Ok(stored)
    }

    /// 利用停止 (or its end): sets the switch, the date (today) and the
    /// reason, as an ordinary logged edit (it syncs: every laptop stops), and
    /// records it in the audit trail. Stopping needs a reason.
    pub fn set_use_stopped(&mut self, ctx: &Ctx, id: &str, stopped: bool, reason: Option<&str>) -> Result<Stored> {
        let mut patch = Map::new();
        patch.insert(USE_STOPPED.into(), Value::Bool(stopped));
        let reason = if stopped {
            let r = reason_required(reason)?;
            patch.insert(USE_STOPPED_ON.into(), Value::String(ctx.today()));
            patch.insert(USE_STOPPED_REASON.into(), Value::String(r.clone()));
            Some(r)
        } else {
            patch.insert(USE_STOPPED_ON.into(), Value::Null);
            patch.insert(USE_STOPPED_REASON.into(), Value::Null);
            reason.map(str::to_string)
        };
        let tx = self.conn.unchecked_transaction()?;
        write::update_in(&tx, &mut self.ids, ctx, Kind::Contact, id, None, &patch)?;
        let stored = read::get(&tx, Kind::Contact, id)?;
        self.audit(
            ctx,
            &AuditEntry {
                kind: Some("contact".into()),
                count: Some(1),
                detail: Some(serde_json::json!({ "id": id, "reason": reason }).to_string()),
                ..AuditEntry::new(if stopped { "use_stop" } else { "use_resume" })
            },
        )?;
        tx.commit()?;
        Ok(stored)
    }

    /// Whether the database file is encrypted at rest: it was opened with a
    /// key (`store/crypto.rs`), or its first bytes are not SQLite's plain
    /// header (SQLCipher encrypts the whole file, header included). In memory: no.
    pub fn database_encrypted(&self) -> bool {
        use std::io::Read;
        if self.db_key().is_some() {
            return true;
        }
        let Some(path) = self.path() else { return false };
        let mut head = [0u8; 16];
        match std::fs::File::open(path).and_then(|mut f| f.read_exact(&mut head)) {
            Ok(()) => &head != b"SQLite format 3\0",
            Err(_) => false,
        }
    }
}
