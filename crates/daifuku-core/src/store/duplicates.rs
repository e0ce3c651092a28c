//! Duplicate detection for companies and contacts: the candidates a record
//! being created or edited may duplicate, and groups over the whole database.
//!
//! The rules (seed 003 tragedy 5, seed 004), each on the match keys of
//! `src/keys.rs`:
//! - companies: same 法人番号; same name key and same prefecture; same name
//!   key and same postal code; same phone (or fax); same e-mail;
//! - contacts: same phone (or mobile); same e-mail; same person name key at
//!   the same company.
//!
//! A name alone never makes a duplicate: different companies share names
//! (hundreds of 株式会社アシスト exist). A company's main number shared by its
//! staff does not either: a contact's phone that is also a company's phone
//! or fax (the switchboard) is not compared. The user may always save anyway.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use rusqlite::{Connection, OptionalExtension};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use ts_rs::TS;

use super::{read, Store};
use crate::error::{ApiError, Result};
use crate::keys;
use crate::model::Kind;
use crate::normalize;
use crate::validate;

/// Why two records may be the same.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum DuplicateRule {
    /// Same 法人番号 (companies).
    CorporateNumber,
    /// Same name (designators, width and spaces ignored) and same prefecture.
    NameAndPrefecture,
    /// Same name and same postal code.
    NameAndPostal,
    /// Same phone, fax or mobile number (any notation).
    Phone,
    /// Same e-mail address.
    Email,
    /// Same person name at the same company (contacts).
    PersonAndCompany,
}

/// A record that may be the same as another.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct DuplicateCandidate {
    pub kind: Kind,
    pub id: String,
    pub display_name: String,
    /// The rules that fired, in the order of [`DuplicateRule`].
    pub rules: Vec<DuplicateRule>,
    /// Who owns it (担当営業): a user id and name.
    pub owner_id: Option<String>,
    pub owner_name: Option<String>,
    /// When someone last had an activity with it (`YYYY-MM-DDTHH:MM`).
    pub last_contacted: Option<String>,
    /// A contact's company.
    pub company_name: Option<String>,
}

/// Records of one group share `value` under `rule`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct DuplicateLink {
    pub rule: DuplicateRule,
    /// The shared key, normalized (`+81312345678`, `山田商事 / 東京都` …).
    pub value: String,
    pub ids: Vec<String>,
}

/// Records the whole-database finder thinks may be one: connected through
/// one or more [`DuplicateLink`]s.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct DuplicateGroup {
    pub kind: Kind,
    /// Each record with the rules linking it to others of the group.
    pub records: Vec<DuplicateCandidate>,
    pub links: Vec<DuplicateLink>,
}

fn unsupported(kind: Kind) -> ApiError {
    ApiError::new(
        "unsupported_kind",
        format!("duplicates are checked for companies and contacts, not {}", kind.as_str()),
    )
}

fn text<'a>(m: &'a Map<String, Value>, k: &str) -> &'a str {
    m.get(k).and_then(Value::as_str).unwrap_or("")
}

/// Form input in stored form as far as it is valid: a half-filled form is
/// still checked (an invalid field is compared as typed).
fn lenient_clean(kind: Kind, fields: &Map<String, Value>) -> Map<String, Value> {
    let mut out = Map::new();
    for def in kind.meta().fields {
        let raw = fields.get(def.name).cloned().unwrap_or(Value::Null);
        let v = validate::clean_field(def, raw.clone()).unwrap_or(raw);
        out.insert(def.name.to_string(), v);
    }
    out
}

/// Live records of `kind` with the key `key_type` = `key`.
fn with_key(conn: &Connection, kind: Kind, key_type: &str, key: &str) -> Result<Vec<String>> {
    Ok(conn
        .prepare_cached(
            "SELECT record_id FROM match_keys WHERE key_type = ?1 AND key = ?2 AND kind = ?3 ORDER BY record_id",
        )?
        .query_map([key_type, key, kind.as_str()], |r| r.get(0))?
        .collect::<rusqlite::Result<_>>()?)
}

/// A company's phone or fax number (a switchboard, not a person's line).
fn is_company_number(conn: &Connection, key: &str) -> Result<bool> {
    Ok(conn
        .prepare_cached("SELECT 1 FROM match_keys WHERE key_type = 'phone' AND key = ?1 AND kind = 'company'")?
        .exists([key])?)
}

/// Prefecture and postal key of a company.
fn place(conn: &Connection, id: &str) -> Result<(String, Option<String>)> {
    let (pref, postal): (Option<String>, Option<String>) = conn
        .prepare_cached("SELECT prefecture, postal_code FROM companies WHERE id = ?1")?
        .query_row([id], |r| Ok((r.get(0)?, r.get(1)?)))?;
    Ok((pref.unwrap_or_default(), postal.as_deref().and_then(normalize::postal_key)))
}

fn company_name(conn: &Connection, id: &str) -> Result<Option<String>> {
    Ok(conn
        .prepare_cached("SELECT display_name FROM companies WHERE id = ?1")?
        .query_row([id], |r| r.get(0))
        .optional()?)
}

/// Contacts sharing a person key and a company, from their
/// `person_company` keys: `(person key, company id, ids)`. One ordered
/// range of the key table; a join of the person keys with the contacts
/// read every contact row (2.5 s warm, 9 s from a cold cache at 300k
/// contacts).
fn person_and_company(conn: &Connection) -> Result<Vec<(String, String, Vec<String>)>> {
    Ok(collisions(conn, Kind::Contact, "person_company")?
        .into_iter()
        .filter_map(|(key, ids)| {
            let (person, company) = key.split_once(keys::PERSON_COMPANY_SEP)?;
            Some((person.to_string(), company.to_string(), ids))
        })
        .collect())
}

/// Owner, last activity and company of a record, for the user to judge.
fn candidate(conn: &Connection, kind: Kind, id: &str, rules: Vec<DuplicateRule>) -> Result<DuplicateCandidate> {
    let stored = read::get(conn, kind, id)?;
    let m = stored.record.to_fields();
    let owner_id = m.get("owner_id").and_then(Value::as_str).map(String::from);
    let owner_name = match &owner_id {
        Some(uid) => conn
            .prepare_cached("SELECT display_name FROM users WHERE id = ?1")?
            .query_row([uid], |r| r.get(0))
            .optional()?,
        None => None,
    };
    let last_contacted: Option<String> = match kind {
        Kind::Company => conn
            .prepare_cached("SELECT MAX(occurred_at) FROM activities WHERE company_id = ?1 AND deleted_at IS NULL")?
            .query_row([id], |r| r.get(0))?,
        _ => conn
            .prepare_cached(
                "SELECT MAX(a.occurred_at) FROM record_links l JOIN activities a ON a.id = l.record_id
                  WHERE l.target_id = ?1 AND l.field = 'contact_ids' AND a.deleted_at IS NULL",
            )?
            .query_row([id], |r| r.get(0))?,
    };
    let company_name = match (kind, m.get("company_id").and_then(Value::as_str)) {
        (Kind::Contact, Some(cid)) => company_name(conn, cid)?,
        _ => None,
    };
    Ok(DuplicateCandidate {
        kind,
        id: id.to_string(),
        display_name: stored.display_name,
        rules,
        owner_id,
        owner_name,
        last_contacted,
        company_name,
    })
}

/// Candidates a record with `fields` may duplicate (`exclude_id`: the record
/// being edited). Most rules first, then most recently contacted.
pub(crate) fn check(
    conn: &Connection,
    kind: Kind,
    fields: &Map<String, Value>,
    exclude_id: Option<&str>,
) -> Result<Vec<DuplicateCandidate>> {
    if !matches!(kind, Kind::Company | Kind::Contact) {
        return Err(unsupported(kind));
    }
    let clean = lenient_clean(kind, fields);
    let mut found: BTreeMap<String, BTreeSet<DuplicateRule>> = BTreeMap::new();
    let mut fire = |id: String, rule: DuplicateRule| {
        found.entry(id).or_default().insert(rule);
    };
    for (key_type, key) in keys::match_keys(kind, &clean) {
        match (kind, key_type) {
            (Kind::Company, "corporate_number") => {
                for id in with_key(conn, kind, key_type, &key)? {
                    fire(id, DuplicateRule::CorporateNumber);
                }
            }
            (Kind::Company, "name") => {
                let pref = text(&clean, "prefecture");
                let postal = normalize::postal_key(text(&clean, "postal_code"));
                for id in with_key(conn, kind, key_type, &key)? {
                    let (their_pref, their_postal) = place(conn, &id)?;
                    if !pref.is_empty() && pref == their_pref {
                        fire(id.clone(), DuplicateRule::NameAndPrefecture);
                    }
                    if postal.is_some() && postal == their_postal {
                        fire(id, DuplicateRule::NameAndPostal);
                    }
                }
            }
            (Kind::Contact, "person_company") => {
                for id in with_key(conn, kind, key_type, &key)? {
                    fire(id, DuplicateRule::PersonAndCompany);
                }
            }
            (_, "phone") => {
                if kind == Kind::Contact && is_company_number(conn, &key)? {
                    continue;
                }
                for id in with_key(conn, kind, key_type, &key)? {
                    fire(id, DuplicateRule::Phone);
                }
            }
            (_, "email") => {
                for id in with_key(conn, kind, key_type, &key)? {
                    fire(id, DuplicateRule::Email);
                }
            }
            _ => {}
        }
    }
    let mut out = Vec::new();
    for (id, rules) in found {
        if Some(id.as_str()) != exclude_id {
            out.push(candidate(conn, kind, &id, rules.into_iter().collect())?);
        }
    }
    out.sort_by(|a, b| {
        b.rules
            .len()
            .cmp(&a.rules.len())
            .then_with(|| b.last_contacted.cmp(&a.last_contacted))
            .then_with(|| a.id.cmp(&b.id))
    });
    Ok(out)
}

/// Keys of `key_type` shared by two or more live records of `kind`, with
/// their records.
fn collisions(conn: &Connection, kind: Kind, key_type: &str) -> Result<Vec<(String, Vec<String>)>> {
    let rows: Vec<(String, String)> = conn
        .prepare_cached(
            "SELECT key, group_concat(record_id, ' ') FROM match_keys
              WHERE key_type = ?1 AND kind = ?2 GROUP BY key HAVING COUNT(*) > 1",
        )?
        .query_map([key_type, kind.as_str()], |r| Ok((r.get(0)?, r.get(1)?)))?
        .collect::<rusqlite::Result<_>>()?;
    Ok(rows
        .into_iter()
        .map(|(key, ids)| {
            let mut ids: Vec<String> = ids.split(' ').map(String::from).collect();
            ids.sort();
            ids.dedup();
            (key, ids)
        })
        .filter(|(_, ids)| ids.len() > 1)
        .collect())
}

/// Splits `ids` by `attr` (records without one are left out); the parts of
/// two or more.
fn split_by(ids: &[String], attr: impl Fn(&str) -> Result<Option<String>>) -> Result<Vec<(String, Vec<String>)>> {
    let mut parts: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for id in ids {
        if let Some(a) = attr(id)?.filter(|a| !a.is_empty()) {
            parts.entry(a).or_default().push(id.clone());
        }
    }
    Ok(parts.into_iter().filter(|(_, v)| v.len() > 1).collect())
}

/// Every group of possible duplicates of `kind` in the database: records
/// linked by any rule, transitively (union-find). Largest groups first.
pub(crate) fn find(conn: &Connection, kind: Kind) -> Result<Vec<DuplicateGroup>> {
    let mut links: Vec<DuplicateLink> = Vec::new();
    let mut link = |rule: DuplicateRule, value: String, ids: Vec<String>| {
        links.push(DuplicateLink { rule, value, ids });
    };
    match kind {
        Kind::Company => {
            for (key, ids) in collisions(conn, kind, "corporate_number")? {
                link(DuplicateRule::CorporateNumber, key, ids);
            }
            for (name, ids) in collisions(conn, kind, "name")? {
                for (pref, part) in split_by(&ids, |id| Ok(Some(place(conn, id)?.0)))? {
                    link(DuplicateRule::NameAndPrefecture, format!("{name} / {pref}"), part);
                }
                for (postal, part) in split_by(&ids, |id| Ok(place(conn, id)?.1))? {
                    link(DuplicateRule::NameAndPostal, format!("{name} / {postal}"), part);
                }
            }
            for (key, ids) in collisions(conn, kind, "phone")? {
                link(DuplicateRule::Phone, key, ids);
            }
        }
        Kind::Contact => {
            for (key, ids) in collisions(conn, kind, "phone")? {
                if !is_company_number(conn, &key)? {
                    link(DuplicateRule::Phone, key, ids);
                }
            }
            for (person, company, ids) in person_and_company(conn)? {
                // The company as the user knows it, not its id.
                let name = company_name(conn, &company)?.unwrap_or(company);
                link(DuplicateRule::PersonAndCompany, format!("{person} / {name}"), ids);
            }
        }
        _ => return Err(unsupported(kind)),
    }
    for (key, ids) in collisions(conn, kind, "email")? {
        link(DuplicateRule::Email, key, ids);
    }

    // Union-find over the linked records.
    let mut index: HashMap<String, usize> = HashMap::new();
    let mut names: Vec<String> = Vec::new();
    for l in &links {
        for id in &l.ids {
            index.entry(id.clone()).or_insert_with(|| {
                names.push(id.clone());
                names.len() - 1
            });
        }
    }
    let mut parent: Vec<usize> = (0..names.len()).collect();
    fn root(parent: &mut [usize], mut i: usize) -> usize {
        while parent[i] != i {
            parent[i] = parent[parent[i]];
            i = parent[i];
        }
        i
    }
    for l in &links {
        let first = index[&l.ids[0]];
        for id in &l.ids[1..] {
            let (a, b) = (root(&mut parent, first), root(&mut parent, index[id]));
            parent[a.max(b)] = a.min(b);
        }
    }
    let mut members: BTreeMap<usize, Vec<String>> = BTreeMap::new();
    for (i, id) in names.iter().enumerate() {
        let r = root(&mut parent, i);
        members.entry(r).or_default().push(id.clone());
    }
    let mut group_links: BTreeMap<usize, Vec<DuplicateLink>> = BTreeMap::new();
    for l in links {
        let r = root(&mut parent, index[&l.ids[0]]);
        group_links.entry(r).or_default().push(l);
    }
    let mut groups = Vec::with_capacity(members.len());
    for (r, mut ids) in members {
        ids.sort();
        let mut links = group_links.remove(&r).unwrap_or_default();
        links.sort_by(|a, b| (a.rule, &a.value).cmp(&(b.rule, &b.value)));
        let mut records = Vec::with_capacity(ids.len());
        for id in &ids {
            let rules: BTreeSet<DuplicateRule> = links.iter().filter(|l| l.ids.contains(id)).map(|l| l.rule).collect();
            records.push(candidate(conn, kind, id, rules.into_iter().collect())?);
        }
        groups.push(DuplicateGroup { kind, records, links });
    }
    groups.sort_by(|a, b| b.records.len().cmp(&a.records.len()).then_with(|| a.records[0].id.cmp(&b.records[0].id)));
    Ok(groups)
}

impl Store {
    /// Records of `kind` (companies, contacts) that a record with `fields`
    /// may duplicate, each with the rules that fired. `exclude_id`: the
    /// record being edited.
    pub fn check_duplicates(
        &self,
        kind: Kind,
        fields: &Map<String, Value>,
        exclude_id: Option<&str>,
    ) -> Result<Vec<DuplicateCandidate>> {
        check(&self.conn, kind, fields, exclude_id)
    }

    /// Every group of possible duplicates of `kind` in the database.
    pub fn find_duplicates(&self, kind: Kind) -> Result<Vec<DuplicateGroup>> {
        find(&self.conn, kind)
    }
}
