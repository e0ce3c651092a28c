//! The SQL of the follow-through reports (`crate::report`): revenue per
//! company, last contacts, the rank applications and their undo, and the
//! cross-sell cache (`cross_sell_baskets`, `cross_sell_pairs`, refreshed from
//! the companies `cross_sell_dirty` lists: triggers on `purchases` fill it on
//! every write — the app's, an import's, a sync round's, a merge's).

use std::collections::{HashMap, HashSet};

use rusqlite::{params, Connection, OptionalExtension};
use serde_json::{Map, Value};

use super::write::update_in;
use super::{new_id, read, Ctx, Store};
use crate::error::{ApiError, FieldError, Result};
use crate::model::{Kind, Record};
use crate::report::abc::{self, AbcReport, RankApplication, RankChange};
use crate::report::crosssell::{self, CompanyBasket, Counts, CrossSellReport, ProductInfo, Rule};
use crate::report::rhythm::{self, Candidate, ContactDue, DormantCompany, Priorities};
use crate::report::{add_days, date, ReportSettings};

const SETTINGS_KEY: &str = "report_settings";

/// A purchase's date for reports: contract, else delivery, else start (the
/// same expression as the `purchases_revenue` index).
const PURCHASE_DATE: &str = "COALESCE(contract_date, delivery_date, start_date)";

/// Dirty companies above which the cache is rebuilt in one scan.
const FULL_REBUILD_AT: i64 = 2_000;

/// How many overdue / dormant companies Home lists.
const HOME_ROWS: usize = 20;

/// The first day of the last `months` months up to `today` (both included).
pub fn period_from(today: &str, months: u32) -> String {
    date(today)
        .and_then(|d| d.checked_sub_months(chrono::Months::new(months)))
        .map(|d| (d + chrono::Duration::days(1)).format("%Y-%m-%d").to_string())
        .unwrap_or_default()
}

impl Store {
    /// The reports' settings (defaults until saved).
    pub fn report_settings(&self) -> Result<ReportSettings> {
        Ok(match self.setting(SETTINGS_KEY)? {
            Some(json) => serde_json::from_str(&json).unwrap_or_default(),
            None => ReportSettings::default(),
        })
    }

    /// Saves the reports' settings after checking every value.
    pub fn set_report_settings(&mut self, s: &ReportSettings) -> Result<ReportSettings> {
        s.check()?;
        self.set_setting(SETTINGS_KEY, Some(&serde_json::to_string(s)?))?;
        self.report_settings()
    }

    /// The ABC analysis of the last `months` months (default: the settings').
    pub fn abc_report(&self, today: &str, months: Option<u32>) -> Result<AbcReport> {
        read(&self.conn, || abc_in(&self.conn, today, months, &self.report_settings()?))
    }

    /// Sets every company's rank to the suggested one, in one transaction
    /// recorded for [`Store::undo_rank_application`]. Each change is an
    /// ordinary logged update (history, sync).
    pub fn apply_rank_suggestions(&mut self, ctx: &Ctx, months: Option<u32>) -> Result<RankApplication> {
        let settings = self.report_settings()?;
        let tx = self.conn.transaction()?;
        let report = abc_in(&tx, &ctx.today(), months, &settings)?;
        let changes: Vec<RankChange> = report
            .companies
            .iter()
            .filter(|r| r.rank.as_deref() != Some(r.suggested_rank.as_str()))
            .map(|r| RankChange {
                company_id: r.company_id.clone(),
                name: r.name.clone(),
                before: r.rank.clone(),
                after: r.suggested_rank.clone(),
            })
            .collect();
        if changes.is_empty() {
            return Err(ApiError::new("nothing_to_apply", "every company already has its suggested rank"));
        }
        for c in &changes {
            let mut patch = Map::new();
            patch.insert("rank".into(), Value::from(c.after.clone()));
            update_in(&tx, &mut self.ids, ctx, Kind::Company, &c.company_id, None, &patch)?;
        }
        let app = RankApplication {
            id: new_id(&mut self.ids, ctx.now_ms),
            applied_at: ctx.now_ms,
            applied_by: ctx.user_id.clone(),
            from: report.from,
            to: report.to,
            changes,
            undone_at: None,
            kept: vec![],
        };
        tx.execute(
            "INSERT INTO rank_applications (id, applied_at, applied_by, period_from, period_to, changes) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
            params![app.id, app.applied_at, app.applied_by, app.from, app.to, serde_json::to_string(&app.changes)?],
        )?;
        tx.commit()?;
        Ok(app)
    }

    /// Puts back the ranks an application changed. A company whose rank
    /// someone changed since (or that is in the trash) keeps its rank and is
    /// listed in `kept`.
    pub fn undo_rank_application(&mut self, ctx: &Ctx, id: &str) -> Result<RankApplication> {
        let tx = self.conn.transaction()?;
        let mut app = load_application(&tx, id)?.ok_or_else(|| ApiError::not_found("rank_application", id))?;
        if app.undone_at.is_some() {
            return Err(ApiError::new("already_undone", "these rank changes were already undone"));
        }
        for c in &app.changes {
            let current = read::get(&tx, Kind::Company, &c.company_id)?;
            let rank = match &current.record {
                Record::Company(co) => co.rank.clone(),
                _ => None,
            };
            if current.deleted_at.is_some() || rank.as_deref() != Some(c.after.as_str()) {
                app.kept.push(c.company_id.clone());
                continue;
            }
            let mut patch = Map::new();
            patch.insert("rank".into(), c.before.clone().map(Value::from).unwrap_or(Value::Null));
            update_in(&tx, &mut self.ids, ctx, Kind::Company, &c.company_id, None, &patch)?;
        }
        tx.execute(
            "UPDATE rank_applications SET undone_at = ?1, undone_by = ?2 WHERE id = ?3",
            params![ctx.now_ms, ctx.user_id, id],
        )?;
        app.undone_at = Some(ctx.now_ms);
        tx.commit()?;
        Ok(app)
    }

    /// Ranked companies overdue for contact (with `owner`: theirs only).
    pub fn contact_rhythm(&self, today: &str, owner: Option<&str>) -> Result<Vec<ContactDue>> {
        let s = self.report_settings()?;
        Ok(rhythm::overdue(&candidates(&self.conn, today, owner)?, today, &s))
    }

    /// Customers without activity for `days` (default: the settings').
    pub fn dormant(&self, today: &str, days: Option<u32>, owner: Option<&str>) -> Result<Vec<DormantCompany>> {
        let days = days.unwrap_or(self.report_settings()?.dormant_days);
        Ok(rhythm::dormant(&candidates(&self.conn, today, owner)?, today, days))
    }

    /// Home's overdue and dormant lists (the first rows of each).
    pub fn priorities(&self, today: &str, owner: Option<&str>) -> Result<Priorities> {
        let s = self.report_settings()?;
        let cands = read(&self.conn, || candidates(&self.conn, today, owner))?;
        let mut overdue = rhythm::overdue(&cands, today, &s);
        let mut dormant = rhythm::dormant(&cands, today, s.dormant_days);
        let (o, d) = (overdue.len() as u32, dormant.len() as u32);
        overdue.truncate(HOME_ROWS);
        dormant.truncate(HOME_ROWS);
        Ok(Priorities {
            contact_overdue: overdue,
            contact_overdue_total: o,
            dormant,
            dormant_total: d,
            dormant_days: s.dormant_days,
        })
    }

    /// Brings the cross-sell cache up to date with the purchases: the
    /// changed companies' baskets, or every basket in one scan after a
    /// large import or sync. Returns how many companies were refreshed.
    pub fn refresh_cross_sell(&mut self) -> Result<u64> {
        let dirty: i64 = self.conn.query_row("SELECT COUNT(*) FROM cross_sell_dirty", [], |r| r.get(0))?;
        if dirty == 0 {
            return Ok(0);
        }
        let _cache = Store::bulk_cache(&self.conn)?;
        let tx = self.conn.unchecked_transaction()?;
        if dirty > FULL_REBUILD_AT {
            rebuild_all(&tx)?;
        } else {
            let ids: Vec<String> = tx
                .prepare("SELECT company_id FROM cross_sell_dirty")?
                .query_map([], |r| r.get(0))?
                .collect::<rusqlite::Result<_>>()?;
            for id in ids {
                refresh_company(&tx, &id)?;
            }
            tx.execute("DELETE FROM cross_sell_dirty", [])?;
        }
        tx.commit()?;
        Ok(dirty as u64)
    }

    /// The basket counts (after a refresh).
    pub fn cross_sell_counts(&mut self) -> Result<Counts> {
        self.refresh_cross_sell()?;
        load_counts(&self.conn)
    }

    /// Every association rule passing the saved minimums, best first.
    pub fn cross_sell_rules(&mut self) -> Result<Vec<Rule>> {
        let s = self.report_settings()?;
        Ok(self.cross_sell_counts()?.rules(&s))
    }

    /// What can be proposed to a company: cross-sell and up-sell.
    pub fn cross_sell(&mut self, today: &str, company_id: &str) -> Result<CrossSellReport> {
        let company = self.get(Kind::Company, company_id)?;
        if company.deleted_at.is_some() {
            return Err(ApiError::new("deleted", format!("company {company_id} is in the trash; restore it first")));
        }
        let s = self.report_settings()?;
        let counts = self.cross_sell_counts()?;
        let rules = counts.rules(&s);
        let conn = &self.conn;
        read(conn, || {
            let basket = company_basket(conn, company_id, today, s.suppress_days)?;
            let catalogue = catalogue(conn)?;
            Ok(crosssell::suggest(company_id, &counts, &rules, &basket, &catalogue))
        })
    }
}

fn abc_in(conn: &Connection, today: &str, months: Option<u32>, s: &ReportSettings) -> Result<AbcReport> {
    let months = months.unwrap_or(s.abc_months);
    if months == 0 || months > 120 {
        return Err(ApiError::validation(vec![FieldError::new(
            "out_of_range",
            "months",
            "give a number of months from 1 to 120",
        )
        .with_detail(months.to_string())]));
    }
    let from = period_from(today, months);
    // Summed here rather than by GROUP BY: SQLite would sort the period's
    // rows in a temporary B-tree; the index range is read once, in order.
    let mut revenue: HashMap<String, i64> = HashMap::new();
    let sql = format!(
        "SELECT company_id, COALESCE(amount, CAST(ROUND(unit_price * quantity) AS INTEGER), 0)
           FROM purchases INDEXED BY purchases_revenue
          WHERE deleted_at IS NULL AND {PURCHASE_DATE} >= ?1 AND {PURCHASE_DATE} <= ?2
            AND (status IS NULL OR status <> 'cancelled')"
    );
    let mut stmt = conn.prepare_cached(&sql)?;
    let mut q = stmt.query(params![from, today])?;
    while let Some(r) = q.next()? {
        let amount: i64 = r.get(1)?;
        let id = r.get_ref(0)?.as_str().map_err(rusqlite::Error::from)?;
        match revenue.get_mut(id) {
            Some(sum) => *sum = sum.saturating_add(amount),
            None => {
                revenue.insert(id.to_string(), amount);
            }
        }
    }
    // Names and ranks in one pass over the companies (ranked companies
    // without revenue are listed too, suggested C): cheaper than a lookup
    // per company with revenue.
    let mut rows: Vec<(String, String, i64, Option<String>)> = Vec::with_capacity(revenue.len());
    let mut stmt = conn.prepare_cached("SELECT id, display_name, rank FROM companies WHERE deleted_at IS NULL")?;
    let mut q = stmt.query([])?;
    while let Some(r) = q.next()? {
        let rank: Option<String> = r.get(2)?;
        let id = r.get_ref(0)?.as_str().map_err(rusqlite::Error::from)?;
        let sum = revenue.get(id).copied();
        if sum.is_none() && rank.is_none() {
            continue;
        }
        rows.push((id.to_string(), r.get(1)?, sum.unwrap_or(0), rank));
    }
    let (total, companies) = abc::rank(rows, s.abc_a, s.abc_b);
    let changes = companies.iter().filter(|r| r.rank.as_deref() != Some(r.suggested_rank.as_str())).count() as u32;
    let last_application = conn
        .prepare_cached("SELECT id FROM rank_applications ORDER BY applied_at DESC, rowid DESC LIMIT 1")?
        .query_row([], |r| r.get::<_, String>(0))
        .optional()?
        .map(|id| load_application(conn, &id))
        .transpose()?
        .flatten();
    Ok(AbcReport {
        from,
        to: today.to_string(),
        months,
        total,
        a_threshold: s.abc_a,
        b_threshold: s.abc_b,
        companies,
        changes,
        last_application,
    })
}

fn load_application(conn: &Connection, id: &str) -> Result<Option<RankApplication>> {
    let row = conn
        .prepare_cached(
            "SELECT id, applied_at, applied_by, period_from, period_to, changes, undone_at FROM rank_applications WHERE id = ?1",
        )?
        .query_row([id], |r| {
            Ok((
                r.get::<_, String>(0)?,
                r.get::<_, i64>(1)?,
                r.get::<_, Option<String>>(2)?,
                r.get::<_, String>(3)?,
                r.get::<_, String>(4)?,
                r.get::<_, String>(5)?,
                r.get::<_, Option<i64>>(6)?,
            ))
        })
        .optional()?;
    let Some((id, applied_at, applied_by, from, to, changes, undone_at)) = row else { return Ok(None) };
    Ok(Some(RankApplication {
        id,
        applied_at,
        applied_by,
        from,
        to,
        changes: serde_json::from_str(&changes)?,
        undone_at,
        kept: vec![],
    }))
}

/// Companies the rhythm looks at, with their last activity up to today.
fn candidates(conn: &Connection, today: &str, owner: Option<&str>) -> Result<Vec<Candidate>> {
    // `occurred_at` is `YYYY-MM-DDTHH:MM`: everything of today sorts below `…T~`.
    let end = format!("{today}T~");
    let rows = conn
        .prepare_cached(
            "SELECT c.id, c.display_name, c.rank, c.status,
                    (SELECT MAX(a.occurred_at) FROM activities a
                      WHERE a.company_id = c.id AND a.deleted_at IS NULL AND a.occurred_at <= ?1)
               FROM companies c
              WHERE c.deleted_at IS NULL AND (c.rank IS NOT NULL OR c.status IN ('customer', 'dormant'))
                AND (?2 IS NULL OR c.owner_id = ?2)",
        )?
        .query_map(params![end, owner], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?)))?
        .collect::<rusqlite::Result<Vec<Candidate>>>()?;
    Ok(rows)
}

/// The purchases that make baskets: live, with a product, not cancelled.
const BASKET_WHERE: &str =
    "deleted_at IS NULL AND product_id IS NOT NULL AND (status IS NULL OR status <> 'cancelled')";

/// Adds (`sign` 1) or removes (−1) one basket's counts: each product (a = b),
/// each pair (a < b) and the number of baskets (`''`, `''`).
fn count_basket(conn: &Connection, basket: &[String], sign: i64) -> Result<()> {
    if basket.is_empty() {
        return Ok(());
    }
    let mut up = conn.prepare_cached(
        "INSERT INTO cross_sell_pairs (a, b, n) VALUES (?1, ?2, ?3) ON CONFLICT(a, b) DO UPDATE SET n = n + ?3",
    )?;
    up.execute(params!["", "", sign])?;
    for (i, x) in basket.iter().enumerate() {
        up.execute(params![x, x, sign])?;
        for y in &basket[i + 1..] {
            up.execute(params![x, y, sign])?;
        }
    }
    Ok(())
}

fn refresh_company(conn: &Connection, company_id: &str) -> Result<()> {
    let old: Vec<String> = conn
        .prepare_cached("SELECT product_id FROM cross_sell_baskets WHERE company_id = ?1 ORDER BY product_id")?
        .query_map([company_id], |r| r.get(0))?
        .collect::<rusqlite::Result<_>>()?;
    let new: Vec<String> = conn
        .prepare_cached(&format!(
            "SELECT DISTINCT product_id FROM purchases WHERE company_id = ?1 AND {BASKET_WHERE} ORDER BY product_id"
        ))?
        .query_map([company_id], |r| r.get(0))?
        .collect::<rusqlite::Result<_>>()?;
    if old == new {
        return Ok(());
    }
    count_basket(conn, &old, -1)?;
    count_basket(conn, &new, 1)?;
    conn.execute("DELETE FROM cross_sell_pairs WHERE n <= 0", [])?;
    conn.prepare_cached("DELETE FROM cross_sell_baskets WHERE company_id = ?1")?.execute([company_id])?;
    let mut ins = conn.prepare_cached("INSERT INTO cross_sell_baskets (company_id, product_id) VALUES (?1, ?2)")?;
    for p in &new {
        ins.execute(params![company_id, p])?;
    }
    Ok(())
}

/// Every basket again, in one scan of the purchases (sorted by company).
fn rebuild_all(conn: &Connection) -> Result<()> {
    conn.execute_batch("DELETE FROM cross_sell_baskets; DELETE FROM cross_sell_pairs; DELETE FROM cross_sell_dirty;")?;
    let mut counts: HashMap<(String, String), i64> = HashMap::new();
    let mut baskets: i64 = 0;
    let mut ins = conn.prepare_cached("INSERT INTO cross_sell_baskets (company_id, product_id) VALUES (?1, ?2)")?;
    let mut stmt = conn.prepare(&format!(
        "SELECT company_id, product_id FROM purchases WHERE {BASKET_WHERE} ORDER BY company_id, product_id"
    ))?;
    let mut rows = stmt.query([])?;
    let mut current: Option<String> = None;
    let mut basket: Vec<String> = Vec::new();
    let mut flush = |company: &str, basket: &mut Vec<String>| -> Result<()> {
        if basket.is_empty() {
            return Ok(());
        }
        baskets += 1;
        for (i, x) in basket.iter().enumerate() {
            ins.execute(params![company, x])?;
            *counts.entry((x.clone(), x.clone())).or_default() += 1;
            for y in &basket[i + 1..] {
                *counts.entry((x.clone(), y.clone())).or_default() += 1;
            }
        }
        basket.clear();
        Ok(())
    };
    while let Some(r) = rows.next()? {
        let company: String = r.get(0)?;
        let product: String = r.get(1)?;
        if current.as_deref() != Some(company.as_str()) {
            if let Some(c) = current.take() {
                flush(&c, &mut basket)?;
            }
            current = Some(company);
        }
        if basket.last() != Some(&product) {
            basket.push(product);
        }
    }
    if let Some(c) = current.take() {
        flush(&c, &mut basket)?;
    }
    drop(flush);
    counts.insert((String::new(), String::new()), baskets);
    let mut up = conn.prepare_cached("INSERT INTO cross_sell_pairs (a, b, n) VALUES (?1, ?2, ?3)")?;
    for ((a, b), n) in counts {
        up.execute(params![a, b, n])?;
    }
    Ok(())
}

fn load_counts(conn: &Connection) -> Result<Counts> {
    let mut c = Counts::default();
    let mut stmt = conn.prepare_cached("SELECT a, b, n FROM cross_sell_pairs WHERE n > 0")?;
    let mut rows = stmt.query([])?;
    while let Some(r) = rows.next()? {
        let (a, b, n): (String, String, i64) = (r.get(0)?, r.get(1)?, r.get(2)?);
        if a.is_empty() {
            c.baskets = n as u64;
        } else if a == b {
            c.items.insert(a, n as u64);
        } else {
            c.pairs.insert((a, b), n as u64);
        }
    }
    Ok(c)
}

/// A company's products: every one bought (with its latest date) and those
/// it holds. A product is held when one of its purchases is a one-off (no
/// expiry date), a contract that has not ended, or dated within the last
/// `suppress_days` days; only a contract that lapsed before the window is
/// a product to propose again.
fn company_basket(conn: &Connection, company_id: &str, today: &str, suppress_days: u32) -> Result<CompanyBasket> {
    let since = add_days(today, -(suppress_days as i64));
    let mut bought: HashMap<String, String> = HashMap::new();
    let mut held: HashSet<String> = HashSet::new();
    let mut stmt = conn.prepare_cached(&format!(
        "SELECT product_id, {PURCHASE_DATE}, status, expiry_date FROM purchases WHERE company_id = ?1 AND {BASKET_WHERE}"
    ))?;
    let mut rows = stmt.query([company_id])?;
    while let Some(r) = rows.next()? {
        let product: String = r.get(0)?;
        let when: Option<String> = r.get(1)?;
        let status: Option<String> = r.get(2)?;
        let expiry: Option<String> = r.get(3)?;
        let lapsed = status.as_deref() == Some("expired") || expiry.as_deref().is_some_and(|e| e < today);
        let one_off = expiry.is_none() && !lapsed;
        let recent = suppress_days > 0
            && [when.as_deref(), expiry.as_deref()].into_iter().flatten().any(|d| d >= since.as_str() && d <= today);
        if one_off || !lapsed || recent {
            held.insert(product.clone());
        }
        let e = bought.entry(product).or_default();
        if let Some(d) = when {
            if d > *e {
                *e = d;
            }
        }
    }
    Ok(CompanyBasket { bought, held })
}

fn catalogue(conn: &Connection) -> Result<HashMap<String, ProductInfo>> {
    let mut out = HashMap::new();
    let mut stmt =
        conn.prepare_cached("SELECT id, display_name, side, category, tier FROM products WHERE deleted_at IS NULL")?;
    let mut rows = stmt.query([])?;
    while let Some(r) = rows.next()? {
        let side: String = r.get(2)?;
        out.insert(
            r.get::<_, String>(0)?,
            ProductInfo { name: r.get(1)?, own: side == "own", category: r.get(3)?, tier: r.get(4)? },
        );
    }
    Ok(out)
}
