//! Follow-through on what the records say (issue 21 items 3 and 7): contract
//! renewals by lead time (Home's 「今週の更新」 and the once-a-day desktop
//! notification), information reports shared with a user (their Home
//! feed), and the two sides of a company relation (子会社 ↔ 親会社, merged
//! into / acquired by).

use chrono::{Duration, NaiveDate};
use rusqlite::params;
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use super::read::{from_row, select_sql};
use super::{Store, Stored};
use crate::error::{FieldError, Result};
use crate::model::Kind;
use crate::normalize;

/// Lead times of renewal reminders: days before a contract's renewal (or
/// expiry) date, by product category (保守契約, ライセンス …), and the
/// default for every other contract.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct RenewalLeadTimes {
    pub default_days: Vec<u32>,
    #[serde(default)]
    pub by_category: Vec<CategoryLeadTimes>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct CategoryLeadTimes {
    /// A product category as written on the product (カテゴリ).
    pub category: String,
    pub days: Vec<u32>,
}

impl Default for RenewalLeadTimes {
    fn default() -> Self {
        RenewalLeadTimes { default_days: vec![90, 60, 30], by_category: vec![] }
    }
}

/// The longest lead time (two years) and how many one list may hold.
const MAX_LEAD_DAYS: u32 = 730;
const MAX_LEADS: usize = 10;
/// A milestone counts as "this week" from 6 days before to 6 days after today.
const WEEK: i64 = 6;

impl RenewalLeadTimes {
    /// Checks and tidies the lead times: each list sorted longest first,
    /// each day once; categories trimmed and each once.
    pub fn cleaned(mut self) -> std::result::Result<Self, Vec<FieldError>> {
        let mut errors = Vec::new();
        let tidy = |days: &mut Vec<u32>, field: String, errors: &mut Vec<FieldError>| {
            days.sort_unstable_by(|a, b| b.cmp(a));
            days.dedup();
            if days.is_empty() {
                errors.push(FieldError::new("required", &field, "give at least one lead time (days)"));
            } else if days.len() > MAX_LEADS {
                errors.push(FieldError::new("too_many_items", &field, format!("at most {MAX_LEADS} lead times")));
            } else if let Some(d) = days.iter().find(|d| **d == 0 || **d > MAX_LEAD_DAYS) {
                errors.push(
                    FieldError::new("out_of_range", &field, format!("lead times are 1 to {MAX_LEAD_DAYS} days"))
                        .with_detail(d.to_string()),
                );
            }
        };
        tidy(&mut self.default_days, "default_days".into(), &mut errors);
        let mut seen: Vec<String> = Vec::new();
        for (i, c) in self.by_category.iter_mut().enumerate() {
            c.category = c.category.trim().to_string();
            let key = normalize::fold(&c.category);
            if c.category.is_empty() {
                errors.push(FieldError::new("required", &format!("by_category.{i}.category"), "name the category"));
            } else if seen.contains(&key) {
                errors.push(
                    FieldError::new("duplicate_value", &format!("by_category.{i}.category"), "category listed twice")
                        .with_detail(c.category.clone()),
                );
            }
            seen.push(key);
            tidy(&mut c.days, format!("by_category.{i}.days"), &mut errors);
        }
        if errors.is_empty() {
            Ok(self)
        } else {
            Err(errors)
        }
    }

    /// The lead times of a contract whose product has `category`.
    pub fn days_for(&self, category: Option<&str>) -> &[u32] {
        let key = category.map(normalize::fold).filter(|k| !k.is_empty());
        key.and_then(|k| self.by_category.iter().find(|c| normalize::fold(&c.category) == k))
            .map_or(&self.default_days, |c| &c.days)
    }
}

/// A contract whose reminder falls due: 「保守契約 X: 更新日 2027-03-01 まで60日」.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct RenewalAlert {
    pub purchase_id: String,
    pub company_id: String,
    pub company_name: String,
    /// The product's name (or the purchase's own product name).
    pub product_name: Option<String>,
    pub category: Option<String>,
    /// `renewal` (更新日) or `expiry` (満了日, when no renewal date is set).
    pub date_kind: String,
    pub date: String,
    /// Days from today to `date`.
    #[ts(type = "number")]
    pub days_left: i64,
    /// The lead time this reminder is for (90, 60, 30 …).
    pub lead_days: u32,
    /// `date` minus `lead_days`: the day the reminder falls due.
    pub milestone: String,
}

fn parse(date: &str) -> Option<NaiveDate> {
    NaiveDate::parse_from_str(date, "%Y-%m-%d").ok()
}

fn fmt(d: NaiveDate) -> String {
    d.format("%Y-%m-%d").to_string()
}

/// The reminder of one contract whose milestone lies in `[from, to]`: of
/// several, the shortest lead time (the most urgent one).
fn alert_in(
    c: &Candidate,
    leads: &RenewalLeadTimes,
    today: NaiveDate,
    from: NaiveDate,
    to: NaiveDate,
) -> Option<RenewalAlert> {
    let date = parse(&c.date)?;
    if date < today {
        return None;
    }
    let lead = leads
        .days_for(c.category.as_deref())
        .iter()
        .copied()
        .filter(|l| {
            let m = date - Duration::days(*l as i64);
            m >= from && m <= to
        })
        .min()?;
    Some(RenewalAlert {
        purchase_id: c.id.clone(),
        company_id: c.company_id.clone(),
        company_name: c.company_name.clone(),
        product_name: c.product_name.clone(),
        category: c.category.clone(),
        date_kind: c.date_kind.to_string(),
        date: c.date.clone(),
        days_left: (date - today).num_days(),
        lead_days: lead,
        milestone: fmt(date - Duration::days(lead as i64)),
    })
}

struct Candidate {
    id: String,
    company_id: String,
    company_name: String,
    product_name: Option<String>,
    category: Option<String>,
    date_kind: &'static str,
    date: String,
}

const LEADS_KEY: &str = "renewal_lead_times";
const NOTIFIED_KEY: &str = "renewal_notified_on";

impl Store {
    /// The renewal lead times (default 90, 60 and 30 days).
    pub fn renewal_lead_times(&self) -> Result<RenewalLeadTimes> {
        Ok(self.setting(LEADS_KEY)?.and_then(|s| serde_json::from_str(&s).ok()).unwrap_or_default())
    }

    pub fn set_renewal_lead_times(&self, leads: RenewalLeadTimes) -> Result<RenewalLeadTimes> {
        let leads = leads.cleaned().map_err(crate::ApiError::validation)?;
        self.set_setting(LEADS_KEY, Some(&serde_json::to_string(&leads)?))?;
        Ok(leads)
    }

    /// Live contracts, not cancelled, expired or renewed, whose renewal
    /// date (else expiry date) is between `today` and `last`.
    fn renewal_candidates(&self, today: &str, last: &str) -> Result<Vec<Candidate>> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT p.id, p.company_id, COALESCE(c.display_name, ''), COALESCE(pr.name, p.product_name), pr.category,
                    p.renewal_date IS NOT NULL, COALESCE(p.renewal_date, p.expiry_date)
             FROM purchases p
             LEFT JOIN companies c ON c.id = p.company_id
             LEFT JOIN products pr ON pr.id = p.product_id AND pr.deleted_at IS NULL
             WHERE p.deleted_at IS NULL AND (c.deleted_at IS NULL)
               AND (p.status IS NULL OR p.status NOT IN ('cancelled', 'expired', 'renewed'))
               AND ((p.renewal_date >= ?1 AND p.renewal_date <= ?2)
                    OR (p.renewal_date IS NULL AND p.expiry_date >= ?1 AND p.expiry_date <= ?2))
             ORDER BY COALESCE(p.renewal_date, p.expiry_date), p.id",
        )?;
        let rows = stmt.query_map(params![today, last], |r| {
            Ok(Candidate {
                id: r.get(0)?,
                company_id: r.get(1)?,
                company_name: r.get(2)?,
                product_name: r.get(3)?,
                category: r.get(4)?,
                date_kind: if r.get::<_, bool>(5)? { "renewal" } else { "expiry" },
                date: r.get(6)?,
            })
        })?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// Reminders whose milestone (date − lead time) falls in `[from, to]`.
    fn renewal_alerts_between(&self, today: NaiveDate, from: NaiveDate, to: NaiveDate) -> Result<Vec<RenewalAlert>> {
        let leads = self.renewal_lead_times()?;
        let longest = leads.by_category.iter().flat_map(|c| c.days.iter()).chain(&leads.default_days).max();
        let last = to + Duration::days(*longest.unwrap_or(&90) as i64);
        let candidates = self.renewal_candidates(&fmt(today), &fmt(last))?;
        Ok(candidates.iter().filter_map(|c| alert_in(c, &leads, today, from, to)).collect())
    }

    /// This week's renewal reminders for Home: contracts whose reminder
    /// (renewal date minus a lead time) falls within 6 days of `today`,
    /// soonest date first.
    pub fn renewal_alerts(&self, today: &str) -> Result<Vec<RenewalAlert>> {
        let Some(t) = parse(today) else { return Ok(vec![]) };
        self.renewal_alerts_between(t, t - Duration::days(WEEK), t + Duration::days(WEEK))
    }

    /// What the once-a-day desktop notification says: the reminders that
    /// fell due since the last day notified (at most a week back), once a
    /// day on this computer. Empty when today was already notified.
    pub fn renewal_notify(&self, today: &str) -> Result<Vec<RenewalAlert>> {
        let Some(t) = parse(today) else { return Ok(vec![]) };
        let last = self.setting(NOTIFIED_KEY)?.as_deref().and_then(parse);
        if last.is_some_and(|l| l >= t) {
            return Ok(vec![]);
        }
        let from = last.map_or(t - Duration::days(WEEK), |l| (l + Duration::days(1)).max(t - Duration::days(WEEK)));
        let alerts = self.renewal_alerts_between(t, from, t)?;
        self.set_setting(NOTIFIED_KEY, Some(today))?;
        Ok(alerts)
    }

    /// Information reports (情報報告書) shared with `user`, newest first:
    /// the circulated sheet of seed 001, in that user's Home feed.
    pub fn shared_reports(&self, user: &str) -> Result<Vec<Stored>> {
        let sql = format!(
            "{} WHERE deleted_at IS NULL AND kind = 'info_report' AND id IN
               (SELECT record_id FROM record_links WHERE target_id = ?1 AND field = 'shared_with_ids')
             ORDER BY occurred_at DESC, id LIMIT 50",
            select_sql(Kind::Activity)
        );
        let mut stmt = self.conn.prepare_cached(&sql)?;
        let rows = stmt.query_map([user], |r| from_row(Kind::Activity, r))?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// Every relation of a company, from its side: the ones recorded on it
    /// and, turned around, the ones other companies recorded about it (A's
    /// 親会社 B shows on B as 子会社 A). A relation recorded on both sides
    /// shows once.
    pub fn company_relations(&self, company_id: &str) -> Result<Vec<RelatedCompany>> {
        let mut out: Vec<RelatedCompany> = Vec::new();
        let mut own = self.conn.prepare_cached(
            "SELECT r.id, r.relation, r.related_company_id, COALESCE(c.display_name, r.related_name, ''), r.since, r.notes
             FROM company_relations r LEFT JOIN companies c ON c.id = r.related_company_id AND c.deleted_at IS NULL
             WHERE r.company_id = ?1 AND r.deleted_at IS NULL ORDER BY r.since, r.created_at, r.rowid",
        )?;
        let rows = own.query_map([company_id], |r| {
            Ok(RelatedCompany {
                relation_id: r.get(0)?,
                relation: r.get(1)?,
                recorded_here: true,
                company_id: r.get(2)?,
                name: r.get(3)?,
                since: r.get(4)?,
                notes: r.get(5)?,
            })
        })?;
        for row in rows {
            out.push(row?);
        }
        let mut other = self.conn.prepare_cached(
            "SELECT r.id, r.relation, r.company_id, c.display_name, r.since, r.notes
             FROM company_relations r JOIN companies c ON c.id = r.company_id AND c.deleted_at IS NULL
             WHERE r.related_company_id = ?1 AND r.deleted_at IS NULL AND r.company_id <> ?1
             ORDER BY r.since, r.created_at, r.rowid",
        )?;
        let rows = other.query_map([company_id], |r| {
            Ok(RelatedCompany {
                relation_id: r.get(0)?,
                relation: inverse_relation(&r.get::<_, String>(1)?).to_string(),
                recorded_here: false,
                company_id: r.get(2)?,
                name: r.get(3)?,
                since: r.get(4)?,
                notes: r.get(5)?,
            })
        })?;
        for row in rows {
            let row = row?;
            let twin =
                out.iter().any(|o| o.recorded_here && o.company_id == row.company_id && o.relation == row.relation);
            if !twin {
                out.push(row);
            }
        }
        Ok(out)
    }

    /// Of the given companies, those marked merged into or acquired by
    /// another (合併・買収), with the other company and the date: the badge
    /// in lists and the banner on the company's page.
    pub fn company_fates(&self, ids: &[String]) -> Result<Vec<CompanyFate>> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT r.company_id, r.relation, r.related_company_id, COALESCE(c.display_name, r.related_name, ''), r.since
             FROM company_relations r LEFT JOIN companies c ON c.id = r.related_company_id AND c.deleted_at IS NULL
             WHERE r.company_id = ?1 AND r.deleted_at IS NULL AND r.relation IN ('merged_into', 'acquired_by')
             ORDER BY r.since DESC, r.created_at DESC LIMIT 1",
        )?;
        let mut out = Vec::new();
        for id in ids.iter().take(1000) {
            let fate = stmt
                .query_map([id], |r| {
                    Ok(CompanyFate {
                        company_id: r.get(0)?,
                        relation: r.get(1)?,
                        other_company_id: r.get(2)?,
                        other_name: r.get(3)?,
                        since: r.get(4)?,
                    })
                })?
                .next()
                .transpose()?;
            out.extend(fate);
        }
        Ok(out)
    }
}

/// A relation as the other company sees it. The ones without a name of
/// their own (`merged_from`: 吸収合併した, `acquired`: 買収した,
/// `moved_from`: 移転元) are only ever shown, never stored.
pub fn inverse_relation(relation: &str) -> &'static str {
    match relation {
        "parent" => "subsidiary",
        "subsidiary" => "parent",
        "merged_into" => "merged_from",
        "acquired_by" => "acquired",
        "moved_to" => "moved_from",
        _ => "affiliate",
    }
}

/// One relation on a company's page, from that company's side.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct RelatedCompany {
    /// The `company_relation` record (on this company or on the other one).
    pub relation_id: String,
    /// parent, subsidiary, affiliate, merged_into, acquired_by, moved_to,
    /// or (turned around) merged_from, acquired, moved_from.
    pub relation: String,
    /// False: the other company's record, turned around.
    pub recorded_here: bool,
    /// The other company (None: a name not registered as a company).
    pub company_id: Option<String>,
    pub name: String,
    pub since: Option<String>,
    pub notes: Option<String>,
}

/// A company merged into or acquired by another.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct CompanyFate {
    pub company_id: String,
    /// `merged_into` or `acquired_by`.
    pub relation: String,
    pub other_company_id: Option<String>,
    pub other_name: String,
    pub since: Option<String>,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn candidate(date: &str, category: Option<&str>) -> Candidate {
        Candidate {
            id: "p".into(),
            company_id: "c".into(),
            company_name: "山田商事".into(),
            product_name: Some("保守契約".into()),
            category: category.map(str::to_string),
            date_kind: "renewal",
            date: date.into(),
        }
    }

    fn d(s: &str) -> NaiveDate {
        parse(s).unwrap()
    }

    /// (renewal date, category, today) → (lead, days left) of this week's reminder.
    #[test]
    fn this_weeks_reminder_is_the_shortest_lead_in_the_window() {
        let leads = RenewalLeadTimes {
            default_days: vec![90, 60, 30],
            by_category: vec![
                CategoryLeadTimes { category: "ライセンス".into(), days: vec![120, 14] },
                CategoryLeadTimes { category: "短期".into(), days: vec![14, 10] },
            ],
        };
        let cases: &[(&str, Option<&str>, &str, Option<(u32, i64)>)] = &[
            ("2027-03-01", None, "2027-01-01", Some((60, 59))), // milestone yesterday
            ("2027-03-01", None, "2026-12-26", Some((60, 65))), // milestone in 4 days
            ("2027-03-01", None, "2026-12-20", None),           // 60-day milestone 11 days away
            ("2027-03-01", None, "2027-01-29", Some((30, 31))),
            ("2027-03-01", None, "2027-03-02", None), // past
            ("2027-03-01", Some("ライセンス"), "2027-01-01", None),
            ("2027-03-01", Some("ﾗｲｾﾝｽ"), "2027-02-14", Some((14, 15))), // category matched folded
            ("2027-02-14", Some("短期"), "2027-02-02", Some((10, 12))),  // two in the window: the shorter
        ];
        for (date, cat, today, want) in cases {
            let t = d(today);
            let got = alert_in(&candidate(date, *cat), &leads, t, t - Duration::days(WEEK), t + Duration::days(WEEK))
                .map(|a| (a.lead_days, a.days_left));
            assert_eq!(got, *want, "{date} {cat:?} {today}");
        }
    }

    #[test]
    fn lead_times_are_checked_and_tidied() {
        let ok = RenewalLeadTimes {
            default_days: vec![30, 90, 60, 30],
            by_category: vec![CategoryLeadTimes { category: " 保守 ".into(), days: vec![7, 45] }],
        }
        .cleaned()
        .unwrap();
        assert_eq!(ok.default_days, [90, 60, 30]);
        assert_eq!((ok.by_category[0].category.as_str(), ok.by_category[0].days.as_slice()), ("保守", &[45, 7][..]));
        let bad = RenewalLeadTimes {
            default_days: vec![],
            by_category: vec![
                CategoryLeadTimes { category: "保守".into(), days: vec![0] },
                CategoryLeadTimes { category: "保守".into(), days: vec![800] },
            ],
        }
        .cleaned()
        .unwrap_err();
        let codes: Vec<(&str, &str)> = bad.iter().map(|e| (e.code.as_str(), e.field.as_str())).collect();
        assert_eq!(
            codes,
            [
                ("required", "default_days"),
                ("out_of_range", "by_category.0.days"),
                ("duplicate_value", "by_category.1.category"),
                ("out_of_range", "by_category.1.days")
            ]
        );
    }

    #[test]
    fn relations_turn_around() {
        for (r, inv) in [("parent", "subsidiary"), ("subsidiary", "parent"), ("affiliate", "affiliate")] {
            assert_eq!(inverse_relation(r), inv);
        }
        assert_eq!(inverse_relation("merged_into"), "merged_from");
        assert_eq!(inverse_relation("acquired_by"), "acquired");
    }
}
