//! ABC analysis (パレート分析): customers ordered by their revenue in a
//! period, each with its share and the cumulative share; a customer is A
//! while the cumulative share *before* it is below the A threshold (so the
//! customer that crosses 70% is still A, and a single customer holding 90%
//! is A, not B), B while it is below the B threshold, else C. Shares are
//! compared in integers (revenue × 10,000 against the threshold in basis
//! points × total), so a customer exactly on a boundary is ranked the same
//! on every machine.

use serde::{Deserialize, Serialize};
use ts_rs::TS;

/// One company's line of the report.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct AbcRow {
    pub company_id: String,
    pub name: String,
    /// Revenue of the period in yen (purchases' amount, else unit price × quantity).
    #[ts(type = "number")]
    pub revenue: i64,
    /// Share of the period's total revenue (0–1).
    pub share: f64,
    /// Share of this company and every one above it (0–1).
    pub cumulative_share: f64,
    pub suggested_rank: String,
    /// The rank set on the company now.
    pub rank: Option<String>,
}

/// The report for one period.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct AbcReport {
    /// The period, both days included.
    pub from: String,
    pub to: String,
    pub months: u32,
    #[ts(type = "number")]
    pub total: i64,
    pub a_threshold: f64,
    pub b_threshold: f64,
    /// Companies with revenue in the period, best first, then ranked
    /// companies without any (suggested C).
    pub companies: Vec<AbcRow>,
    /// How many companies would change rank if the suggestions were applied.
    pub changes: u32,
    /// The latest "apply suggestions", for its undo button.
    pub last_application: Option<RankApplication>,
}

/// One company whose rank an application changed.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct RankChange {
    pub company_id: String,
    pub name: String,
    pub before: Option<String>,
    pub after: String,
}

/// One "apply the suggested ranks" step.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct RankApplication {
    pub id: String,
    #[ts(type = "number")]
    pub applied_at: i64,
    pub applied_by: Option<String>,
    pub from: String,
    pub to: String,
    pub changes: Vec<RankChange>,
    #[ts(type = "number | null")]
    pub undone_at: Option<i64>,
    /// On undo: companies whose rank someone changed since, left as they are.
    #[serde(default)]
    pub kept: Vec<String>,
}

/// Ranks `rows` (company id, name, revenue, current rank): best first, ties
/// by name then id; companies whose revenue is not above zero are C with a
/// share of 0.
pub fn rank(mut rows: Vec<(String, String, i64, Option<String>)>, a: f64, b: f64) -> (i64, Vec<AbcRow>) {
    rows.sort_by(|x, y| y.2.cmp(&x.2).then_with(|| x.1.cmp(&y.1)).then_with(|| x.0.cmp(&y.0)));
    let total: i64 = rows.iter().map(|r| r.2.max(0)).sum();
    let a_bp = (a * 10_000.0).round() as i128;
    let b_bp = (b * 10_000.0).round() as i128;
    let mut before: i64 = 0;
    let out = rows
        .into_iter()
        .map(|(company_id, name, revenue, rank)| {
            let positive = revenue.max(0);
            let prev = before as i128 * 10_000;
            let t = total as i128;
            let suggested = if positive == 0 || total == 0 {
                "C"
            } else if prev < a_bp * t {
                "A"
            } else if prev < b_bp * t {
                "B"
            } else {
                "C"
            };
            before += positive;
            let (share, cumulative_share) =
                if total > 0 { (positive as f64 / total as f64, before as f64 / total as f64) } else { (0.0, 0.0) };
            AbcRow { company_id, name, revenue, share, cumulative_share, suggested_rank: suggested.into(), rank }
        })
        .collect();
    (total, out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rows(revenues: &[i64]) -> Vec<(String, String, i64, Option<String>)> {
        revenues.iter().enumerate().map(|(i, r)| (format!("c{i}"), format!("会社{i}"), *r, None)).collect()
    }

    #[test]
    fn boundary_customer_belongs_to_the_class_it_crosses_into() {
        // 50 + 20 = 70% exactly: the third starts at 70%, so it is B.
        let (total, out) = rank(rows(&[20, 50, 10, 20]), 0.7, 0.9);
        assert_eq!(total, 100);
        let got: Vec<(&str, &str)> = out.iter().map(|r| (r.company_id.as_str(), r.suggested_rank.as_str())).collect();
        assert_eq!(got, vec![("c1", "A"), ("c0", "A"), ("c3", "B"), ("c2", "C")]);
        assert_eq!(out[1].cumulative_share, 0.7);
        assert_eq!(out[3].cumulative_share, 1.0);
    }

    #[test]
    fn one_big_customer_is_a() {
        let (_, out) = rank(rows(&[95, 5]), 0.7, 0.9);
        assert_eq!(out[0].suggested_rank, "A");
        assert_eq!(out[1].suggested_rank, "C");
    }

    #[test]
    fn zero_or_negative_revenue_is_c_with_no_share() {
        let (total, out) = rank(rows(&[0, -5, 10]), 0.7, 0.9);
        assert_eq!(total, 10);
        assert_eq!(out[0].suggested_rank, "A");
        assert!(out[1..].iter().all(|r| r.suggested_rank == "C" && r.share == 0.0));
    }
}
