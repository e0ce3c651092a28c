//! 漏えい等の報告 (APPI Art. 26; enforcement rules 7 and 8): a small
//! register of leaks, losses and damage of personal data, and whether a
//! report to the Personal Information Protection Commission (and a notice
//! to the people) is due.
//!
//! Rule 7: a report is due when the incident involves sensitive data
//! (要配慮個人情報), may cause financial harm (財産的被害), may have been
//! done with malicious intent (不正の目的; unauthorized access is the usual
//! case), or concerns more than 1,000 people — unless the data was
//! protected by strong encryption (高度な暗号化その他の措置), then no report
//! is due. Rule 8: a preliminary report promptly (about 3–5 days from
//! learning of it) and a final report within 30 days, 60 days in the
//! malicious cases. The assessment is pure ([`assess`]) and made again on
//! every read: the register keeps only the facts.

use chrono::NaiveDate;
use rusqlite::params;
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use super::super::audit::AuditEntry;
use super::super::{new_id, Ctx, Store};
use crate::error::{ApiError, FieldError, Result};

/// More people than this make a report due (rule 7 item 4).
pub const PEOPLE_THRESHOLD: u32 = 1000;

/// Days for the preliminary report ("速やかに": about 3–5 days; the later bound).
pub const PRELIMINARY_DAYS: i64 = 5;

/// The facts of an incident, as the user enters them.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, TS)]
#[serde(default)]
pub struct IncidentInput {
    /// When the business learned of it, `YYYY-MM-DD`.
    pub discovered_on: String,
    /// What happened (a lost laptop, a mail sent to the wrong address…).
    pub what: String,
    /// How many people's data.
    pub people: u32,
    /// Sensitive data (要配慮個人情報: health, criminal record…).
    pub sensitive: bool,
    /// Someone got in without authorization (不正アクセス).
    pub unauthorized_access: bool,
    /// The data was strongly encrypted. Absent: whether this database is
    /// encrypted at rest.
    #[ts(optional)]
    pub encrypted: Option<bool>,
    /// Financial harm may follow (credit card numbers, bank logins…).
    pub financial_harm: bool,
    /// Done with malicious intent (theft, ransomware…).
    pub malicious: bool,
}

/// What the rules say about an incident.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct IncidentAssessment {
    /// A report to the Commission (and a notice to the people) is due.
    pub report_due: bool,
    /// Why it would be due: `over_1000_people`, `sensitive_data`,
    /// `financial_harm`, `malicious` (incl. unauthorized access).
    pub reasons: Vec<String>,
    /// Not due only because the data was strongly encrypted.
    pub exempt_encrypted: bool,
    /// The preliminary report, promptly: by this date at the latest.
    pub preliminary_by: Option<String>,
    /// The final report: 30 days, or 60 in the malicious cases.
    pub final_by: Option<String>,
    #[ts(type = "number | null")]
    pub final_days: Option<i64>,
}

/// One incident as kept, with its assessment.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct Incident {
    pub id: String,
    #[ts(type = "number")]
    pub created_at: i64,
    pub created_by: Option<String>,
    pub discovered_on: String,
    pub what: String,
    pub people: u32,
    pub sensitive: bool,
    pub unauthorized_access: bool,
    pub encrypted: bool,
    pub financial_harm: bool,
    pub malicious: bool,
    pub assessment: IncidentAssessment,
}

/// The register: the incidents, newest first, and whether this database is
/// encrypted at rest (then a lost laptop's data is exempt from reporting).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct IncidentRegister {
    pub database_encrypted: bool,
    pub incidents: Vec<Incident>,
}

fn plus_days(date: &str, days: i64) -> Option<String> {
    NaiveDate::parse_from_str(date, "%Y-%m-%d")
        .ok()
        .map(|d| (d + chrono::Duration::days(days)).format("%Y-%m-%d").to_string())
}

/// Whether a report is due, why, and by when (rules 7 and 8).
#[allow(clippy::too_many_arguments)]
pub fn assess(
    discovered_on: &str,
    people: u32,
    sensitive: bool,
    unauthorized_access: bool,
    encrypted: bool,
    financial_harm: bool,
    malicious: bool,
) -> IncidentAssessment {
    let mut reasons = Vec::new();
    if people > PEOPLE_THRESHOLD {
        reasons.push("over_1000_people".to_string());
    }
    if sensitive {
        reasons.push("sensitive_data".to_string());
    }
    if financial_harm {
        reasons.push("financial_harm".to_string());
    }
    let bad_intent = malicious || unauthorized_access;
    if bad_intent {
        reasons.push("malicious".to_string());
    }
    let due = !reasons.is_empty() && !encrypted;
    let final_days = due.then_some(if bad_intent { 60 } else { 30 });
    IncidentAssessment {
        report_due: due,
        exempt_encrypted: !reasons.is_empty() && encrypted,
        reasons,
        preliminary_by: if due { plus_days(discovered_on, PRELIMINARY_DAYS) } else { None },
        final_by: final_days.and_then(|d| plus_days(discovered_on, d)),
        final_days,
    }
}

impl Store {
    /// Adds an incident to the register (audited: who entered it).
    pub fn incident_add(&mut self, ctx: &Ctx, input: &IncidentInput) -> Result<Incident> {
        let mut errors = Vec::new();
        if NaiveDate::parse_from_str(input.discovered_on.trim(), "%Y-%m-%d").is_err() {
            errors.push(
                FieldError::new("invalid_date", "discovered_on", "give the date it was found as YYYY-MM-DD")
                    .with_detail(input.discovered_on.clone()),
            );
        }
        if input.what.trim().is_empty() {
            errors.push(FieldError::new("required", "what", "say what happened"));
        } else if input.what.chars().count() > 10_000 {
            errors.push(
                FieldError::new("too_long", "what", "the description is longer than 10,000 characters")
                    .with_detail("10000"),
            );
        }
        if !errors.is_empty() {
            return Err(ApiError::validation(errors));
        }
        let encrypted = input.encrypted.unwrap_or_else(|| self.database_encrypted());
        let id = new_id(&mut self.ids, ctx.now_ms);
        let tx = self.conn.unchecked_transaction()?;
        tx.execute(
            "INSERT INTO incidents (id, created_at, created_by, discovered_on, what, people, sensitive,
                 unauthorized_access, encrypted, financial_harm, malicious)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)",
            params![
                id,
                ctx.now_ms,
                ctx.user_id,
                input.discovered_on.trim(),
                input.what.trim(),
                input.people,
                input.sensitive,
                input.unauthorized_access,
                encrypted,
                input.financial_harm,
                input.malicious
            ],
        )?;
        self.audit(
            ctx,
            &AuditEntry { detail: Some(id.clone()), count: Some(input.people as i64), ..AuditEntry::new("incident") },
        )?;
        tx.commit()?;
        self.incidents()?.incidents.into_iter().find(|i| i.id == id).ok_or_else(|| ApiError::not_found("incident", &id))
    }

    /// The register, newest first.
    pub fn incidents(&self) -> Result<IncidentRegister> {
        let mut stmt = self.conn.prepare(
            "SELECT id, created_at, created_by, discovered_on, what, people, sensitive, unauthorized_access,
                    encrypted, financial_harm, malicious
             FROM incidents ORDER BY discovered_on DESC, created_at DESC",
        )?;
        let incidents = stmt
            .query_map([], |r| {
                let discovered_on: String = r.get(3)?;
                let people: u32 = r.get(5)?;
                let (sensitive, unauthorized_access, encrypted, financial_harm, malicious): (
                    bool,
                    bool,
                    bool,
                    bool,
                    bool,
                ) = (r.get(6)?, r.get(7)?, r.get(8)?, r.get(9)?, r.get(10)?);
                Ok(Incident {
                    id: r.get(0)?,
                    created_at: r.get(1)?,
                    created_by: r.get(2)?,
                    assessment: assess(
                        &discovered_on,
                        people,
                        sensitive,
                        unauthorized_access,
                        encrypted,
                        financial_harm,
                        malicious,
                    ),
                    discovered_on,
                    what: r.get(4)?,
                    people,
                    sensitive,
                    unauthorized_access,
                    encrypted,
                    financial_harm,
                    malicious,
                })
            })?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        Ok(IncidentRegister { database_encrypted: self.database_encrypted(), incidents })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_report_is_due_by_the_rules() {
        // (people, sensitive, unauthorized, encrypted, financial, malicious) → (due, reasons, final days)
        type Case = (u32, bool, bool, bool, bool, bool, bool, &'static [&'static str], Option<i64>);
        let cases: &[Case] = &[
            (12, false, false, false, false, false, false, &[], None),
            (1000, false, false, false, false, false, false, &[], None),
            (1001, false, false, false, false, false, true, &["over_1000_people"], Some(30)),
            (3, true, false, false, false, false, true, &["sensitive_data"], Some(30)),
            (3, false, false, false, true, false, true, &["financial_harm"], Some(30)),
            (3, false, false, false, false, true, true, &["malicious"], Some(60)),
            (3, false, true, false, false, false, true, &["malicious"], Some(60)),
            // Strongly encrypted: exempt, whatever else is true.
            (
                5000,
                true,
                true,
                true,
                true,
                true,
                false,
                &["over_1000_people", "sensitive_data", "financial_harm", "malicious"],
                None,
            ),
        ];
        for &(people, sensitive, unauth, enc, fin, mal, due, reasons, days) in cases {
            let a = assess("2026-12-01", people, sensitive, unauth, enc, fin, mal);
            assert_eq!(a.report_due, due, "{people} {sensitive} {unauth} {enc} {fin} {mal}");
            assert_eq!(a.reasons, reasons.iter().map(|s| s.to_string()).collect::<Vec<_>>());
            assert_eq!(a.final_days, days);
            assert_eq!(a.exempt_encrypted, enc && !reasons.is_empty());
        }
        let a = assess("2026-12-30", 1500, false, false, false, false, true);
        assert_eq!(a.preliminary_by.as_deref(), Some("2027-01-04"));
        assert_eq!(a.final_by.as_deref(), Some("2027-02-28"));
        let a = assess("2026-12-30", 1500, false, false, false, false, false);
        assert_eq!(a.final_by.as_deref(), Some("2027-01-29"));
    }
}
