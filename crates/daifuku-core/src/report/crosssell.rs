//! Cross-sell (クロスセリング) and up-sell (アップセリング) from the office's
//! own purchase history (seed 001).
//!
//! A company's basket is the set of products it ever bought. Over all
//! baskets, a rule X → Y has a support (share of baskets holding both), a
//! confidence (share of X's baskets that also hold Y: "X を買った会社の 64%
//! が Y も購入") and a lift (confidence ÷ Y's share of all baskets: above 1,
//! buying X makes Y likelier). Written here rather than taken from a crate:
//! the baskets are small sets over a short catalogue, so the rules of one
//! antecedent are plain pair counts (kept in the `cross_sell_pairs` cache),
//! and the Apriori crates on crates.io are unmaintained or work on
//! transactions held in memory.
//!
//! Suggested to a company: our own products that a rule from one of its
//! products points at, unless the company *holds* them — bought once (no
//! expiry), under a contract that has not ended, or bought or ended within
//! the suppression window (the DM's "recent buyers" days) — best confidence
//! first. A contract that lapsed before the window is proposed again
//! (`last_bought` says when it was bought).
//! Up-sell: in each category where the company holds or bought a product
//! with a grade (`tier`), the next higher own product of that category.

use std::collections::{HashMap, HashSet};

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use super::ReportSettings;

/// Basket counts: how many baskets, per product and per pair.
#[derive(Debug, Clone, Default)]
pub struct Counts {
    pub baskets: u64,
    pub items: HashMap<String, u64>,
    /// Pairs with `a < b`.
    pub pairs: HashMap<(String, String), u64>,
}

/// One association rule.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct Rule {
    pub from_product_id: String,
    pub to_product_id: String,
    /// Baskets holding both.
    pub both: u32,
    /// Baskets holding the antecedent.
    pub from_count: u32,
    pub support: f64,
    pub confidence: f64,
    pub lift: f64,
}

impl Counts {
    /// Every rule passing the settings' minimums.
    pub fn rules(&self, s: &ReportSettings) -> Vec<Rule> {
        let mut out = Vec::new();
        if self.baskets == 0 {
            return out;
        }
        let n = self.baskets as f64;
        for ((a, b), &both) in &self.pairs {
            for (x, y) in [(a, b), (b, a)] {
                let (Some(&nx), Some(&ny)) = (self.items.get(x), self.items.get(y)) else { continue };
                if nx == 0 || ny == 0 || both == 0 {
                    continue;
                }
                let support = both as f64 / n;
                let confidence = both as f64 / nx as f64;
                let lift = confidence / (ny as f64 / n);
                if support + 1e-12 < s.min_support || confidence + 1e-12 < s.min_confidence || lift + 1e-12 < s.min_lift
                {
                    continue;
                }
                out.push(Rule {
                    from_product_id: x.clone(),
                    to_product_id: y.clone(),
                    both: both as u32,
                    from_count: nx as u32,
                    support,
                    confidence,
                    lift,
                });
            }
        }
        out.sort_by(|p, q| {
            q.confidence
                .total_cmp(&p.confidence)
                .then(q.lift.total_cmp(&p.lift))
                .then_with(|| p.from_product_id.cmp(&q.from_product_id))
                .then_with(|| p.to_product_id.cmp(&q.to_product_id))
        });
        out
    }
}

/// A product of the catalogue, as suggestions need it.
#[derive(Debug, Clone)]
pub struct ProductInfo {
    pub name: String,
    pub own: bool,
    pub category: Option<String>,
    pub tier: Option<i32>,
}

/// A cross-sell suggestion with its reason.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct CrossSellSuggestion {
    pub product_id: String,
    pub name: String,
    /// The product the company has that the rule starts from (X of "X を買った会社の…").
    pub because_product_id: String,
    pub because_name: String,
    pub confidence: f64,
    pub lift: f64,
    pub support: f64,
    /// Companies that bought both, and that bought X.
    pub both: u32,
    pub because_count: u32,
    /// When the company last bought this product, if ever (outside the window).
    pub last_bought: Option<String>,
}

/// An up-sell suggestion: the next grade up in a category.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct UpSellSuggestion {
    pub product_id: String,
    pub name: String,
    pub category: String,
    pub tier: i32,
    /// The company's highest product of the category now.
    pub from_product_id: String,
    pub from_name: String,
    pub from_tier: i32,
}

/// What can be proposed to one company.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct CrossSellReport {
    pub company_id: String,
    /// Best first: confidence, then lift.
    pub suggestions: Vec<CrossSellSuggestion>,
    pub upsell: Vec<UpSellSuggestion>,
    /// Companies with at least one product (the rules' denominator).
    #[ts(type = "number")]
    pub baskets: u64,
    /// Products left out because the company holds them (window or contract).
    pub held: Vec<String>,
}

/// A company's purchases as suggestions need them.
pub struct CompanyBasket {
    /// Every product bought, with the latest purchase date (may be empty).
    pub bought: HashMap<String, String>,
    /// Products bought within the window or under contract.
    pub held: HashSet<String>,
}

/// The suggestions for one company from the rules and the catalogue.
pub fn suggest(
    company_id: &str,
    counts: &Counts,
    rules: &[Rule],
    basket: &CompanyBasket,
    catalogue: &HashMap<String, ProductInfo>,
) -> CrossSellReport {
    let mut best: HashMap<&str, &Rule> = HashMap::new();
    for r in rules {
        if !basket.bought.contains_key(&r.from_product_id) || basket.held.contains(&r.to_product_id) {
            continue;
        }
        if r.from_product_id == r.to_product_id {
            continue;
        }
        let Some(p) = catalogue.get(&r.to_product_id) else { continue };
        if !p.own {
            continue;
        }
        // Rules come best first: the first one per product is its reason.
        best.entry(r.to_product_id.as_str()).or_insert(r);
    }
    let name = |id: &str| catalogue.get(id).map(|p| p.name.clone()).unwrap_or_default();
    let mut suggestions: Vec<CrossSellSuggestion> = best
        .into_values()
        .map(|r| CrossSellSuggestion {
            product_id: r.to_product_id.clone(),
            name: name(&r.to_product_id),
            because_product_id: r.from_product_id.clone(),
            because_name: name(&r.from_product_id),
            confidence: r.confidence,
            lift: r.lift,
            support: r.support,
            both: r.both,
            because_count: r.from_count,
            last_bought: basket.bought.get(&r.to_product_id).filter(|d| !d.is_empty()).cloned(),
        })
        .collect();
    suggestions.sort_by(|p, q| {
        q.confidence.total_cmp(&p.confidence).then(q.lift.total_cmp(&p.lift)).then_with(|| p.name.cmp(&q.name))
    });

    // Up-sell: the company's top grade per category, then the next one up.
    let mut top: HashMap<&str, (&str, i32)> = HashMap::new();
    for id in basket.bought.keys().chain(basket.held.iter()) {
        let Some(p) = catalogue.get(id) else { continue };
        let (Some(cat), Some(tier)) = (p.category.as_deref(), p.tier) else { continue };
        let e = top.entry(cat).or_insert((id.as_str(), tier));
        if tier > e.1 || (tier == e.1 && id.as_str() < e.0) {
            *e = (id.as_str(), tier);
        }
    }
    let mut upsell = Vec::new();
    for (cat, (from, from_tier)) in top {
        let next = catalogue
            .iter()
            .filter(|(id, p)| {
                p.own
                    && p.category.as_deref() == Some(cat)
                    && p.tier.is_some_and(|t| t > from_tier)
                    && !basket.held.contains(*id)
            })
            .min_by(|(ia, a), (ib, b)| a.tier.cmp(&b.tier).then_with(|| ia.cmp(ib)));
        if let Some((id, p)) = next {
            upsell.push(UpSellSuggestion {
                product_id: id.clone(),
                name: p.name.clone(),
                category: cat.to_string(),
                tier: p.tier.unwrap_or_default(),
                from_product_id: from.to_string(),
                from_name: name(from),
                from_tier,
            });
        }
    }
    upsell.sort_by(|a, b| a.category.cmp(&b.category));
    let mut held: Vec<String> = basket.held.iter().cloned().collect();
    held.sort();
    CrossSellReport { company_id: company_id.to_string(), suggestions, upsell, baskets: counts.baskets, held }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn counts(baskets: &[&[&str]]) -> Counts {
        let mut c = Counts::default();
        for b in baskets {
            c.baskets += 1;
            let mut b: Vec<&str> = b.to_vec();
            b.sort();
            for (i, x) in b.iter().enumerate() {
                *c.items.entry(x.to_string()).or_default() += 1;
                for y in &b[i + 1..] {
                    *c.pairs.entry((x.to_string(), y.to_string())).or_default() += 1;
                }
            }
        }
        c
    }

    #[test]
    fn support_confidence_lift_by_hand() {
        // 5 baskets: X in 4, Y in 3, both in 3.
        let c = counts(&[&["X", "Y"], &["X", "Y"], &["X", "Y"], &["X"], &["Z"]]);
        let s = ReportSettings { min_support: 0.0, min_confidence: 0.0, min_lift: 0.0, ..Default::default() };
        let rules = c.rules(&s);
        let xy = rules.iter().find(|r| r.from_product_id == "X" && r.to_product_id == "Y").unwrap();
        assert_eq!(xy.support, 3.0 / 5.0);
        assert_eq!(xy.confidence, 3.0 / 4.0);
        assert!((xy.lift - (0.75 / 0.6)).abs() < 1e-12);
        let yx = rules.iter().find(|r| r.from_product_id == "Y" && r.to_product_id == "X").unwrap();
        assert_eq!(yx.confidence, 1.0);
        // Y → X first: higher confidence.
        assert_eq!(rules[0].from_product_id, "Y");
        // A minimum confidence of 0.8 keeps Y → X only.
        let strict =
            c.rules(&ReportSettings { min_confidence: 0.8, min_support: 0.0, min_lift: 0.0, ..Default::default() });
        assert_eq!(strict.len(), 1);
        assert_eq!(strict[0].to_product_id, "X");
    }
}
