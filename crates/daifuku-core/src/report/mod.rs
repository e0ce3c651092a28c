//! Follow-through reports (issue 21 items 1 and 2): what to do with the
//! records (seed 001).
//!
//! - [`abc`]: ABC / Pareto analysis of the revenue of a period, the suggested
//!   rank beside the one set by hand, applied in one undoable step;
//! - [`rhythm`]: the contact rhythm (a target interval per rank) and dormant
//!   customers, for Home;
//! - [`crosssell`]: association rules between products over the office's
//!   purchase history (cross-sell) and the higher product of a category
//!   (up-sell).
//!
//! The SQL lives in `store/reports.rs`; the arithmetic here is pure.

pub mod abc;
pub mod crosssell;
pub mod rhythm;

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::error::{ApiError, FieldError, Result};

pub use abc::{AbcReport, AbcRow, RankApplication, RankChange};
pub use crosssell::{CrossSellReport, CrossSellSuggestion, UpSellSuggestion};
pub use rhythm::{ContactDue, DormantCompany, Priorities};

/// The reports' settings, saved per database (`settings` table).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(default)]
pub struct ReportSettings {
    /// The ABC period: the last N months up to today.
    pub abc_months: u32,
    /// Cumulative share (0–1) up to which customers are A, and B.
    pub abc_a: f64,
    pub abc_b: f64,
    /// Target days between contacts, per rank.
    pub rhythm_a_days: u32,
    pub rhythm_b_days: u32,
    pub rhythm_c_days: u32,
    /// A customer without any activity for this many days is dormant.
    pub dormant_days: u32,
    /// Association rules: the least support (share of buying companies
    /// holding both products), confidence and lift a rule needs.
    pub min_support: f64,
    pub min_confidence: f64,
    pub min_lift: f64,
    /// A product the company bought within this many days is not suggested
    /// again (the DM's "recent buyers" window).
    pub suppress_days: u32,
}

impl Default for ReportSettings {
    fn default() -> Self {
        ReportSettings {
            abc_months: 12,
            abc_a: 0.7,
            abc_b: 0.9,
            rhythm_a_days: 30,
            rhythm_b_days: 90,
            rhythm_c_days: 180,
            dormant_days: 180,
            min_support: 0.01,
            min_confidence: 0.2,
            min_lift: 1.0,
            suppress_days: 365,
        }
    }
}

impl ReportSettings {
    /// Every bad value at once (`out_of_range`, `threshold_order`).
    pub fn check(&self) -> Result<()> {
        let mut errors = Vec::new();
        let mut frac = |v: f64, field: &str, open_zero: bool| {
            let bad = !v.is_finite() || v > 1.0 || v < 0.0 || (open_zero && v == 0.0);
            if bad {
                errors.push(FieldError::new("out_of_range", field, "give a share between 0 and 1 (e.g. 0.7 for 70%)"));
            }
        };
        frac(self.abc_a, "abc_a", true);
        frac(self.abc_b, "abc_b", true);
        frac(self.min_support, "min_support", false);
        frac(self.min_confidence, "min_confidence", false);
        if errors.is_empty() && self.abc_a >= self.abc_b {
            errors.push(
                FieldError::new("threshold_order", "abc_b", "the B threshold must be above the A threshold")
                    .with_detail(format!("{}% / {}%", pct(self.abc_a), pct(self.abc_b))),
            );
        }
        if !self.min_lift.is_finite() || self.min_lift < 0.0 || self.min_lift > 1000.0 {
            errors.push(FieldError::new("out_of_range", "min_lift", "give a lift between 0 and 1000"));
        }
        for (v, field, max) in [
            (self.abc_months, "abc_months", 120),
            (self.rhythm_a_days, "rhythm_a_days", 3650),
            (self.rhythm_b_days, "rhythm_b_days", 3650),
            (self.rhythm_c_days, "rhythm_c_days", 3650),
            (self.dormant_days, "dormant_days", 3650),
        ] {
            if v == 0 || v > max {
                errors.push(
                    FieldError::new("out_of_range", field, format!("give a number from 1 to {max}"))
                        .with_detail(v.to_string()),
                );
            }
        }
        if self.suppress_days > 3650 {
            errors.push(FieldError::new("out_of_range", "suppress_days", "give a number from 0 to 3650"));
        }
        if errors.is_empty() {
            Ok(())
        } else {
            Err(ApiError::validation(errors))
        }
    }

    /// The target contact interval of a rank.
    pub fn rhythm_days(&self, rank: &str) -> Option<u32> {
        match rank {
            "A" => Some(self.rhythm_a_days),
            "B" => Some(self.rhythm_b_days),
            "C" => Some(self.rhythm_c_days),
            _ => None,
        }
    }
}

fn pct(v: f64) -> String {
    format!("{}", (v * 1000.0).round() / 10.0)
}

/// `YYYY-MM-DD` as a date.
pub(crate) fn date(s: &str) -> Option<chrono::NaiveDate> {
    chrono::NaiveDate::parse_from_str(s.get(..10)?, "%Y-%m-%d").ok()
}

/// Days from `earlier` to `later` (both `YYYY-MM-DD…`).
pub(crate) fn days_between(earlier: &str, later: &str) -> Option<i64> {
    Some((date(later)? - date(earlier)?).num_days())
}

/// `today` moved by `days` (negative: back).
pub(crate) fn add_days(today: &str, days: i64) -> String {
    date(today).map(|d| (d + chrono::Duration::days(days)).format("%Y-%m-%d").to_string()).unwrap_or_default()
}
