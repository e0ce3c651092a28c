//! 第三者提供記録 (APPI Art. 29): an export marked "for a third party"
//! names the recipient and the purpose, leaves out every person whose use
//! is stopped (利用停止), and keeps a record — date, recipient, purpose,
//! items, people — for the retention period (rule 14): 3 years, or 1 year
//! from the last provision to that recipient where a contract stands in for
//! the record. Expired records are shown as such, never removed silently.
//!
//! The records are this device's (`provisions`, `provision_people`: local
//! tables, like the audit trail).

use rusqlite::{params, OptionalExtension};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use super::super::audit::AuditEntry;
use super::super::{new_id, Ctx, ListQuery, Store, Stored};
use crate::error::{ApiError, FieldError, Result};
use crate::export::{ExportOptions, ExportResult};
use crate::model::Kind;

/// What the user says about a provision to a third party.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, TS)]
#[serde(default)]
pub struct ThirdParty {
    /// Who receives the data (a company or person's name).
    pub recipient: String,
    /// What they will use it for.
    pub purpose: String,
    /// A contract with the recipient stands in for the record (記録の作成方法の特例):
    /// then the record is kept 1 year from the last provision to them.
    pub contract: bool,
}

/// One provision to a third party, as kept.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct Provision {
    pub id: String,
    /// When (ms since the epoch, UTC).
    #[ts(type = "number")]
    pub at: i64,
    /// The provider's local date, `YYYY-MM-DD`.
    pub provided_on: String,
    pub user_id: Option<String>,
    pub user_name: Option<String>,
    pub device_id: String,
    pub recipient: String,
    pub purpose: String,
    /// The record kind exported.
    pub kind: String,
    pub format: Option<String>,
    /// The items (columns) provided, by their Japanese labels.
    pub items: Vec<String>,
    /// How many people were provided.
    #[ts(type = "number")]
    pub people: i64,
    pub contract: bool,
    /// Kept until this date (inclusive): 3 years after, or with a contract
    /// 1 year after the last provision to the same recipient.
    pub keep_until: String,
}

/// What an export for a third party answers.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
pub struct ThirdPartyExport {
    pub export: ExportResult,
    pub provision: Provision,
    /// People left out because their use is stopped (利用停止).
    pub use_stopped_left_out: u32,
}

fn add_years(date: &str, years: i32) -> String {
    use chrono::{Datelike, NaiveDate};
    match NaiveDate::parse_from_str(date, "%Y-%m-%d") {
        // 29 February → 28 February of a non-leap year.
        Ok(d) => d
            .with_year(d.year() + years)
            .or_else(|| d.pred_opt().and_then(|p| p.with_year(d.year() + years)))
            .map(|x| x.format("%Y-%m-%d").to_string())
            .unwrap_or_else(|| date.to_string()),
        Err(_) => date.to_string(),
    }
}

/// The last day a record must be kept (rule 14): 3 years from its date, or
/// with a contract, 1 year from the last provision to the same recipient
/// under a contract.
pub fn keep_until(provided_on: &str, contract: bool, last_contract_provision: Option<&str>) -> String {
    if contract {
        add_years(last_contract_provision.unwrap_or(provided_on).max(provided_on), 1)
    } else {
        add_years(provided_on, 3)
    }
}

fn required(field: &str, value: &str, what: &str) -> Option<FieldError> {
    if value.trim().is_empty() {
        Some(FieldError::new("required", field, format!("give the {what}")))
    } else if value.chars().count() > 1000 {
        Some(
            FieldError::new("too_long", field, format!("the {what} is longer than 1,000 characters"))
                .with_detail("1000"),
        )
    } else {
        None
    }
}

impl Store {
    /// Exports contacts for a third party: the people whose use is stopped
    /// are left out, and the provision is recorded (with who was in it) and
    /// audited in one transaction before the file is handed over.
    pub fn export_third_party(
        &mut self,
        ctx: &Ctx,
        kind: Kind,
        query: &ListQuery,
        options: &ExportOptions,
        path: Option<&str>,
        third: &ThirdParty,
    ) -> Result<ThirdPartyExport> {
        if kind != Kind::Contact {
            return Err(ApiError::field(
                "third_party_contacts_only",
                "kind",
                "an export for a third party is of contacts (people): choose the contacts list",
            ));
        }
        let errors: Vec<FieldError> =
            [required("recipient", &third.recipient, "recipient"), required("purpose", &third.purpose, "purpose")]
                .into_iter()
                .flatten()
                .collect();
        if !errors.is_empty() {
            return Err(ApiError::validation(errors));
        }
        let all = crate::export::fetch_all(self, kind, query)?;
        let before = all.len();
        let people: Vec<Stored> = all.into_iter().filter(|s| !super::is_use_stopped(&s.record)).collect();
        let left_out = (before - people.len()) as u32;
        let today = ctx.today();
        let exported = crate::export::export_records(self, kind, &people, options, &today)?;
        let items: Vec<String> = kind
            .meta()
            .fields
            .iter()
            .filter(|f| !crate::store::privacy::is_local_only(kind, f.name))
            .map(|f| f.label_ja.to_string())
            .collect();
        let format = serde_json::to_value(options.format).ok().and_then(|v| v.as_str().map(String::from));
        let id = new_id(&mut self.ids, ctx.now_ms);
        let recipient = third.recipient.trim().to_string();
        let purpose = third.purpose.trim().to_string();
        let tx = self.conn.unchecked_transaction()?;
        tx.prepare_cached(
            "INSERT INTO provisions (id, at, provided_on, user_id, device_id, recipient, purpose, kind, format, items, people, contract)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)",
        )?
        .execute(params![
            id,
            ctx.now_ms,
            today,
            ctx.user_id,
            ctx.device_id,
            recipient,
            purpose,
            kind.as_str(),
            format,
            serde_json::to_string(&items)?,
            people.len() as i64,
            third.contract
        ])?;
        {
            let mut link =
                tx.prepare_cached("INSERT OR IGNORE INTO provision_people (contact_id, provision_id) VALUES (?1, ?2)")?;
            for p in &people {
                link.execute(params![p.id, id])?;
            }
        }
        self.audit(
            ctx,
            &AuditEntry {
                kind: Some(kind.as_str().into()),
                format: format.clone(),
                filter: serde_json::to_string(query).ok(),
                count: Some(people.len() as i64),
                detail: Some(
                    serde_json::json!({ "provision": id, "recipient": recipient, "purpose": purpose, "path": path })
                        .to_string(),
                ),
                ..AuditEntry::new("third_party_export")
            },
        )?;
        tx.commit()?;
        let export = exported.deliver(path)?;
        let provision = self.provision(&id)?.ok_or_else(|| ApiError::not_found("provision", &id))?;
        Ok(ThirdPartyExport { export, provision, use_stopped_left_out: left_out })
    }

    fn provision(&self, id: &str) -> Result<Option<Provision>> {
        Ok(self.provisions_where("p.id = ?1", id)?.into_iter().next())
    }

    /// The provision records, newest first; with `contact_id`, those that
    /// held that person.
    pub fn provisions(&self, contact_id: Option<&str>) -> Result<Vec<Provision>> {
        match contact_id {
            Some(c) => {
                self.provisions_where("p.id IN (SELECT provision_id FROM provision_people WHERE contact_id = ?1)", c)
            }
            None => self.provisions_where("?1 IS NOT NULL", ""),
        }
    }

    fn provisions_where(&self, cond: &str, arg: &str) -> Result<Vec<Provision>> {
        let mut stmt = self.conn.prepare(&format!(
            "SELECT p.id, p.at, p.provided_on, p.user_id, u.name, p.device_id, p.recipient, p.purpose, p.kind, p.format,
                    p.items, p.people, p.contract,
                    (SELECT MAX(q.provided_on) FROM provisions q WHERE q.recipient = p.recipient AND q.contract = 1)
             FROM provisions p LEFT JOIN users u ON u.id = p.user_id
             WHERE {cond} ORDER BY p.at DESC, p.id DESC"
        ))?;
        let rows = stmt
            .query_map([arg], |r| {
                let provided_on: String = r.get(2)?;
                let contract: bool = r.get(12)?;
                let last: Option<String> = r.get(13)?;
                let items: String = r.get(10)?;
                Ok(Provision {
                    id: r.get(0)?,
                    at: r.get(1)?,
                    keep_until: keep_until(&provided_on, contract, last.as_deref()),
                    provided_on,
                    user_id: r.get(3)?,
                    user_name: r.get(4)?,
                    device_id: r.get(5)?,
                    recipient: r.get(6)?,
                    purpose: r.get(7)?,
                    kind: r.get(8)?,
                    format: r.get(9)?,
                    items: serde_json::from_str(&items).unwrap_or_default(),
                    people: r.get(11)?,
                    contract,
                })
            })?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        Ok(rows)
    }

    /// Whether a provision held this person.
    pub(crate) fn provision_held(&self, provision_id: &str, contact_id: &str) -> Result<bool> {
        Ok(self
            .conn
            .prepare_cached("SELECT 1 FROM provision_people WHERE contact_id = ?1 AND provision_id = ?2")?
            .query_row([contact_id, provision_id], |_| Ok(()))
            .optional()?
            .is_some())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn retention_is_three_years_or_one_year_after_the_last_contract_provision() {
        let cases: &[(&str, bool, Option<&str>, &str)] = &[
            ("2026-04-01", false, None, "2029-04-01"),
            ("2024-02-29", false, None, "2027-02-28"),
            ("2026-04-01", true, None, "2027-04-01"),
            ("2026-04-01", true, Some("2026-09-15"), "2027-09-15"),
            // The last provision cannot be before this one.
            ("2026-04-01", true, Some("2025-01-01"), "2027-04-01"),
        ];
        for &(on, contract, last, want) in cases {
            assert_eq!(keep_until(on, contract, last), want, "{on} contract={contract} last={last:?}");
        }
    }
}
