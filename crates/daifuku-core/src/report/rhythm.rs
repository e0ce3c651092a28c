//! Contact rhythm and dormant customers: who to call this morning (seed 001,
//! "keep in touch before a customer drifts away").
//!
//! A ranked company is overdue when its last activity (any kind: visit,
//! call, e-mail, meeting …) is longer ago than its rank's target interval,
//! or when it has none. A customer (status 顧客 or 休眠, or any ranked
//! company) is dormant when it has had no activity for N days.

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use super::{days_between, ReportSettings};

/// A company overdue for contact, and why ("A社: 最終接触 47日前、目標30日").
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct ContactDue {
    pub company_id: String,
    pub name: String,
    pub rank: String,
    /// Date of the last activity (`YYYY-MM-DD`); none: never contacted.
    pub last_contact: Option<String>,
    /// Days since the last activity.
    #[ts(type = "number | null")]
    pub days_since: Option<i64>,
    pub target_days: u32,
    /// Days past the target (the whole target when never contacted).
    #[ts(type = "number")]
    pub overdue_days: i64,
}

/// A customer without activity for a long time.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct DormantCompany {
    pub company_id: String,
    pub name: String,
    pub rank: Option<String>,
    pub status: Option<String>,
    pub last_activity: Option<String>,
    #[ts(type = "number | null")]
    pub days_since: Option<i64>,
}

/// Home's priorities: the first of each list and how many there are.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize, TS)]
pub struct Priorities {
    pub contact_overdue: Vec<ContactDue>,
    pub contact_overdue_total: u32,
    pub dormant: Vec<DormantCompany>,
    pub dormant_total: u32,
    pub dormant_days: u32,
}

/// A company as the rhythm sees it: id, name, rank, status, last activity.
pub type Candidate = (String, String, Option<String>, Option<String>, Option<String>);

/// Overdue ranked companies, A first, then the most overdue, then by name.
pub fn overdue(candidates: &[Candidate], today: &str, s: &ReportSettings) -> Vec<ContactDue> {
    let mut out: Vec<ContactDue> = candidates
        .iter()
        .filter_map(|(id, name, rank, status, last)| {
            let rank = rank.as_deref()?;
            if status.as_deref() == Some("lost") {
                return None;
            }
            let target = s.rhythm_days(rank)?;
            let last_day = last.as_deref().and_then(|l| l.get(..10)).map(str::to_string);
            let days = last_day.as_deref().and_then(|l| days_between(l, today));
            let overdue_days = match days {
                Some(d) if d > target as i64 => d - target as i64,
                Some(_) => return None,
                None => target as i64,
            };
            Some(ContactDue {
                company_id: id.clone(),
                name: name.clone(),
                rank: rank.to_string(),
                last_contact: last_day,
                days_since: days,
                target_days: target,
                overdue_days,
            })
        })
        .collect();
    out.sort_by(|x, y| x.rank.cmp(&y.rank).then(y.overdue_days.cmp(&x.overdue_days)).then_with(|| x.name.cmp(&y.name)));
    out
}

/// Dormant customers: no activity for more than `days` (or none at all),
/// longest silence first.
pub fn dormant(candidates: &[Candidate], today: &str, days: u32) -> Vec<DormantCompany> {
    let mut out: Vec<DormantCompany> = candidates
        .iter()
        .filter_map(|(id, name, rank, status, last)| {
            let customer = matches!(status.as_deref(), Some("customer" | "dormant")) || rank.is_some();
            if !customer || status.as_deref() == Some("lost") {
                return None;
            }
            let last_day = last.as_deref().and_then(|l| l.get(..10)).map(str::to_string);
            let since = last_day.as_deref().and_then(|l| days_between(l, today));
            if matches!(since, Some(d) if d <= days as i64) {
                return None;
            }
            Some(DormantCompany {
                company_id: id.clone(),
                name: name.clone(),
                rank: rank.clone(),
                status: status.clone(),
                last_activity: last_day,
                days_since: since,
            })
        })
        .collect();
    out.sort_by(|x, y| {
        let key = |d: &DormantCompany| d.days_since.unwrap_or(i64::MAX);
        key(y).cmp(&key(x)).then_with(|| x.name.cmp(&y.name))
    });
    out
}
