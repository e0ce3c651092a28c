//! The mailing list (DM, ダイレクトメール): one row per contact with the
//! contact's *current* department, title and address only — never an old
//! title or an address that bounced (seed 003 tragedies 3 and 4).
//!
//! Left out, with a count per reason:
//! - contacts whose 住所・メールの状態 is `bounced` or `moved`;
//! - contacts of a company that no longer exists as such: a live
//!   `company_relation` of `merged_into`, `acquired_by` or `moved_to`
//!   (merged, acquired, business moved to another company). A company's
//!   status `lost` (失注) is *not* a closure — the company still exists and
//!   may be written to — unless the caller lists it in `exclude_status`;
//! - when a contact has no address of their own, the company's address is
//!   used, unless that is `bounced` or `moved`;
//! - optionally, customers who bought within the last N days (a purchase
//!   whose contract, start or delivery date is on or after today − N);
//! - rows without any address.

use std::collections::{HashMap, HashSet};

use serde::{Deserialize, Serialize};
use serde_json::Value;
use ts_rs::TS;

use super::{fetch_all, Cell, Sheet};
use crate::error::Result;
use crate::model::{Company, Kind};
use crate::store::{Filter, FilterOp, ListQuery, Store, Stored};
use crate::Record;

/// Relations that mean a company is gone (merged, acquired, moved to another).
pub const CLOSING_RELATIONS: &[&str] = &["merged_into", "acquired_by", "moved_to"];

#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize, TS)]
#[serde(default)]
pub struct MailingOptions {
    /// Filters on contacts (tags, owner …), as in the contact list.
    pub query: ListQuery,
    /// Leave out customers who bought within this many days.
    #[ts(optional)]
    pub exclude_bought_within_days: Option<u32>,
    /// Company statuses to leave out (e.g. `["lost"]`).
    pub exclude_status: Vec<String>,
}

/// One address label.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct MailingRow {
    pub contact_id: String,
    pub company_id: Option<String>,
    pub postal_code: Option<String>,
    pub address: String,
    pub company_name: Option<String>,
    pub department: Option<String>,
    pub title: Option<String>,
    pub name: String,
    /// 様
    pub honorific: String,
}

/// How many contacts were left out, by reason.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, TS)]
pub struct MailingExcluded {
    pub contact_bounced: u32,
    pub contact_moved: u32,
    pub company_bounced: u32,
    pub company_moved: u32,
    /// Company merged into / acquired by / moved to another.
    pub company_closed: u32,
    pub company_status: u32,
    pub bought_recently: u32,
    pub no_address: u32,
    /// 利用停止: the person asked that their data no longer be used (APPI Art. 35).
    #[serde(default)]
    pub use_stopped: u32,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct MailingList {
    pub rows: Vec<MailingRow>,
    pub excluded: MailingExcluded,
}

fn join_address(c: &Company) -> String {
    [&c.prefecture, &c.city, &c.street, &c.building]
        .iter()
        .filter_map(|p| p.as_deref())
        .filter(|p| !p.is_empty())
        .collect::<Vec<_>>()
        .join("")
}

/// Days before a `YYYY-MM-DD` date.
fn days_before(today: &str, days: u32) -> String {
    chrono::NaiveDate::parse_from_str(today, "%Y-%m-%d")
        .map(|d| (d - chrono::Duration::days(days as i64)).format("%Y-%m-%d").to_string())
        .unwrap_or_else(|_| today.to_string())
}

/// The companies that merged into, were acquired by or moved to another
/// (a closing relation): nobody there to write to.
pub fn closed_companies(store: &Store) -> Result<HashSet<String>> {
    Ok(fetch_all(
        store,
        Kind::CompanyRelation,
        &ListQuery {
            filters: vec![Filter {
                field: "relation".into(),
                op: FilterOp::In,
                value: Value::from(CLOSING_RELATIONS.to_vec()),
            }],
            ..Default::default()
        },
    )?
    .into_iter()
    .filter_map(|s| match s.record {
        Record::CompanyRelation(r) => Some(r.company_id),
        _ => None,
    })
    .collect())
}

/// The mailing list for `today` (the caller's local date).
pub fn mailing_list(store: &Store, today: &str, opts: &MailingOptions) -> Result<MailingList> {
    let closed = closed_companies(store)?;
    let mut bought: HashSet<String> = HashSet::new();
    if let Some(days) = opts.exclude_bought_within_days {
        let since = days_before(today, days);
        for field in ["contract_date", "start_date", "delivery_date"] {
            let q = ListQuery {
                filters: vec![
                    Filter { field: field.into(), op: FilterOp::Gte, value: Value::String(since.clone()) },
                    Filter { field: field.into(), op: FilterOp::Lte, value: Value::String(today.to_string()) },
                ],
                ..Default::default()
            };
            for s in fetch_all(store, Kind::Purchase, &q)? {
                if let Record::Purchase(p) = s.record {
                    if p.status.as_deref() != Some("cancelled") {
                        bought.insert(p.company_id);
                    }
                }
            }
        }
    }
    let mut companies: HashMap<String, Option<Company>> = HashMap::new();
    let mut excluded = MailingExcluded::default();
    let mut rows = Vec::new();
    for s in fetch_all(store, Kind::Contact, &opts.query)? {
        let Stored { id, record: Record::Contact(c), .. } = s else { continue };
        // 利用停止 (issue 18): never written to, whatever else is true.
        if c.use_stopped {
            excluded.use_stopped += 1;
            continue;
        }
        match c.address_status.as_deref() {
            Some("bounced") => {
                excluded.contact_bounced += 1;
                continue;
            }
            Some("moved") => {
                excluded.contact_moved += 1;
                continue;
            }
            _ => {}
        }
        let company = match &c.company_id {
            Some(cid) => companies
                .entry(cid.clone())
                .or_insert_with(|| match store.get(Kind::Company, cid) {
                    Ok(Stored { deleted_at: None, record: Record::Company(co), .. }) => Some(co),
                    _ => None,
                })
                .clone(),
            None => None,
        };
        if let Some(cid) = &c.company_id {
            if closed.contains(cid) {
                excluded.company_closed += 1;
                continue;
            }
            if bought.contains(cid) {
                excluded.bought_recently += 1;
                continue;
            }
        }
        if let Some(co) = &company {
            if co.status.as_ref().is_some_and(|st| opts.exclude_status.contains(st)) {
                excluded.company_status += 1;
                continue;
            }
        }
        let own = c.address.as_deref().filter(|a| !a.trim().is_empty());
        let (postal, address) = match (own, &company) {
            (Some(a), _) => (c.postal_code.clone(), a.to_string()),
            (None, Some(co)) => {
                match co.address_status.as_deref() {
                    Some("bounced") => {
                        excluded.company_bounced += 1;
                        continue;
                    }
                    Some("moved") => {
                        excluded.company_moved += 1;
                        continue;
                    }
                    _ => {}
                }
                (co.postal_code.clone(), join_address(co))
            }
            (None, None) => (c.postal_code.clone(), String::new()),
        };
        if address.is_empty() {
            excluded.no_address += 1;
            continue;
        }
        let name = [c.family_name.as_str(), c.given_name.as_deref().unwrap_or("")]
            .iter()
            .filter(|s| !s.is_empty())
            .cloned()
            .collect::<Vec<_>>()
            .join(" ");
        rows.push(MailingRow {
            contact_id: id,
            company_id: c.company_id.clone(),
            postal_code: postal,
            address,
            company_name: company.map(|co| co.name),
            department: c.department,
            title: c.title,
            name,
            honorific: "様".into(),
        });
    }
    Ok(MailingList { rows, excluded })
}

/// The mailing list as a sheet (宛名ラベル / 差し込み印刷 columns).
pub fn mailing_sheet(list: &MailingList) -> Sheet {
    let t = |s: &Option<String>| s.clone().map(Cell::Text).unwrap_or(Cell::Empty);
    Sheet {
        name: "DM宛先".into(),
        headers: ["郵便番号", "住所", "会社名", "部署", "役職", "氏名", "敬称"].iter().map(|s| s.to_string()).collect(),
        rows: list
            .rows
            .iter()
            .map(|r| {
                vec![
                    t(&r.postal_code),
                    Cell::Text(r.address.clone()),
                    t(&r.company_name),
                    t(&r.department),
                    t(&r.title),
                    Cell::Text(r.name.clone()),
                    Cell::Text(r.honorific.clone()),
                ]
            })
            .collect(),
        titles: list.rows.iter().map(|r| r.name.clone()).collect(),
    }
}
