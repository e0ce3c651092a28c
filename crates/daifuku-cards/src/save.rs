//! Saving a reviewed card: dedupe-aware. The existing company and person
//! the core's duplicate rules find are offered first ([`offers`], with
//! owner and last contact as on manual entry); the user links them or
//! makes new ones. The result is a contact (and a company if new), a
//! card-exchange record (date, who received it) and the photo as the
//! contact's attachment.
//!
//! Every record is checked (`validate::clean`) before the first write, so a
//! bad value fails the save with nothing written; a store error after the
//! first write takes back what this save made (moved to the trash).

use std::collections::BTreeMap;

use base64::Engine as _;
use daifuku::model::{Kind, PREFECTURES};
use daifuku::store::DuplicateCandidate;
use daifuku::{validate, ApiError, Ctx, Record, Store};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use ts_rs::TS;

use crate::extract::CardFieldName;

/// The photo as saved with the contact.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct CardImage {
    pub name: String,
    pub base64: String,
}

/// A reviewed card to save.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize, TS)]
pub struct CardSave {
    /// The values as the user left them (absent or empty: not on the card).
    pub fields: BTreeMap<CardFieldName, String>,
    /// Link the contact to this existing company (else a new company is made
    /// from the company field, or none).
    #[serde(default)]
    #[ts(optional)]
    pub company_id: Option<String>,
    /// The card is of this existing contact: it gets the card exchange, and
    /// the card's values for its empty fields (and a new department/title).
    #[serde(default)]
    #[ts(optional)]
    pub contact_id: Option<String>,
    /// 交換日 (default: today).
    #[serde(default)]
    #[ts(optional)]
    pub exchanged_on: Option<String>,
    /// Who received the card (a user id; default: the current user).
    #[serde(default)]
    #[ts(optional)]
    pub received_by: Option<String>,
    /// Where (展示会, 訪問…).
    #[serde(default)]
    #[ts(optional)]
    pub place: Option<String>,
    #[serde(default)]
    #[ts(optional)]
    pub image: Option<CardImage>,
}

/// What saving made or linked.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct CardSaved {
    pub company_id: Option<String>,
    pub company_created: bool,
    pub contact_id: String,
    pub contact_created: bool,
    pub card_exchange_id: String,
    pub attachment_id: Option<String>,
}

/// Existing records the card may be: offered before saving.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize, TS)]
pub struct CardOffers {
    pub companies: Vec<DuplicateCandidate>,
    pub contacts: Vec<DuplicateCandidate>,
}

fn get(fields: &BTreeMap<CardFieldName, String>, name: CardFieldName) -> Option<String> {
    fields.get(&name).map(|s| s.trim().to_string()).filter(|s| !s.is_empty())
}

/// An address split for a company's fields: prefecture, city, street, building.
pub fn split_address(address: &str) -> (Option<String>, Option<String>, Option<String>, Option<String>) {
    let address = address.trim();
    let (main, building) = match address.split_once(' ') {
        Some((a, b)) => (a, Some(b.trim().to_string()).filter(|b| !b.is_empty())),
        None => (address, None),
    };
    let prefecture = PREFECTURES.iter().find(|p| main.starts_with(**p)).map(|p| p.to_string());
    let rest = &main[prefecture.as_ref().map_or(0, |p| p.len())..];
    // The city ends at the last 市/区/郡/町/村 before the first digit (大阪市北区).
    let before_digit = rest.find(|c: char| c.is_ascii_digit()).unwrap_or(rest.len());
    let city_end = rest[..before_digit]
        .char_indices()
        .filter(|(_, c)| matches!(c, '市' | '区' | '郡' | '町' | '村'))
        .map(|(i, c)| i + c.len_utf8())
        .next_back();
    // 丸の内 / 梅田 stay with the street: cut after the first 市 or 区 (and a following …区).
    let city_end = city_end.map(|end| {
        let first = rest.char_indices().find(|(_, c)| matches!(c, '市' | '区' | '郡')).map(|(i, c)| i + c.len_utf8());
        match first {
            Some(f) if f < end => {
                let second =
                    rest[f..before_digit].char_indices().find(|(_, c)| *c == '区').map(|(i, c)| f + i + c.len_utf8());
                second.unwrap_or(f)
            }
            _ => end,
        }
    });
    let (city, street) = match city_end {
        Some(end) => (Some(rest[..end].to_string()), Some(rest[end..].to_string())),
        None => (None, Some(rest.to_string())),
    };
    let nonempty = |s: Option<String>| s.filter(|s| !s.is_empty());
    (prefecture, nonempty(city), nonempty(street), building)
}

fn company_fields(f: &BTreeMap<CardFieldName, String>) -> Map<String, Value> {
    let mut m = Map::new();
    let mut put = |k: &str, v: Option<String>| {
        if let Some(v) = v {
            m.insert(k.into(), Value::String(v));
        }
    };
    put("name", get(f, CardFieldName::Company));
    put("postal_code", get(f, CardFieldName::PostalCode));
    if let Some(a) = get(f, CardFieldName::Address) {
        let (p, c, s, b) = split_address(&a);
        put("prefecture", p);
        put("city", c);
        put("street", s);
        put("building", b);
    }
    put("phone", get(f, CardFieldName::Phone));
    put("fax", get(f, CardFieldName::Fax));
    put("website", get(f, CardFieldName::Url));
    m
}

fn contact_fields(f: &BTreeMap<CardFieldName, String>, company_id: Option<&str>) -> Map<String, Value> {
    let mut m = Map::new();
    if let Some(id) = company_id {
        m.insert("company_id".into(), Value::String(id.into()));
    }
    for name in [
        CardFieldName::FamilyName,
        CardFieldName::GivenName,
        CardFieldName::FamilyReading,
        CardFieldName::GivenReading,
        CardFieldName::Department,
        CardFieldName::Title,
        CardFieldName::Email,
        CardFieldName::Phone,
        CardFieldName::Mobile,
        CardFieldName::PostalCode,
        CardFieldName::Address,
    ] {
        if let Some(v) = get(f, name) {
            m.insert(name.as_str().into(), Value::String(v));
        }
    }
    m
}

fn check(kind: Kind, fields: &Map<String, Value>) -> Result<Map<String, Value>, ApiError> {
    validate::clean(kind, fields).map_err(ApiError::validation)
}

/// The existing companies and contacts this card may be (the core's
/// duplicate rules: 法人番号, name with prefecture or postal code, phone,
/// e-mail, a person's name at the same company).
pub fn offers(store: &Store, fields: &BTreeMap<CardFieldName, String>) -> Result<CardOffers, ApiError> {
    let company = company_fields(fields);
    let companies =
        if company.contains_key("name") { store.check_duplicates(Kind::Company, &company, None)? } else { vec![] };
    let mut contacts = Vec::new();
    // By name at the offered companies, by phone or e-mail anywhere (also
    // when the name was not read).
    let keys = [CardFieldName::FamilyName, CardFieldName::Email, CardFieldName::Phone, CardFieldName::Mobile];
    if keys.iter().any(|k| get(fields, *k).is_some()) {
        let mut seen = std::collections::BTreeSet::new();
        // The person at each offered company, and by phone/e-mail anywhere.
        let mut company_ids: Vec<Option<String>> = companies.iter().map(|c| Some(c.id.clone())).collect();
        company_ids.push(None);
        for cid in company_ids {
            for c in store.check_duplicates(Kind::Contact, &contact_fields(fields, cid.as_deref()), None)? {
                if seen.insert(c.id.clone()) {
                    contacts.push(c);
                }
            }
        }
    }
    Ok(CardOffers { companies, contacts })
}

/// Links the first offered company and contact (the CLI's `--create`,
/// non-interactive: the same rules the review screen offers by).
pub fn link_offers(store: &Store, save: &mut CardSave) -> Result<(), ApiError> {
    let o = offers(store, &save.fields)?;
    if save.company_id.is_none() {
        save.company_id = o.companies.first().map(|c| c.id.clone());
    }
    if save.contact_id.is_none() {
        // A person found at another company is not this card's person.
        save.contact_id = o
            .contacts
            .iter()
            .find(|c| {
                save.company_id.is_none()
                    || store
                        .get(Kind::Contact, &c.id)
                        .ok()
                        .and_then(|s| match s.record {
                            Record::Contact(ct) => Some(ct.company_id == save.company_id),
                            _ => None,
                        })
                        .unwrap_or(false)
            })
            .map(|c| c.id.clone());
    }
    Ok(())
}

/// Saves a reviewed card (see the module docs).
pub fn save(store: &mut Store, ctx: &Ctx, card: &CardSave) -> Result<CardSaved, ApiError> {
    let f = &card.fields;
    // Check everything before the first write.
    let new_company =
        card.company_id.is_none() && card.contact_id.is_none() && get(f, CardFieldName::Company).is_some();
    let company_in = if new_company { Some(check(Kind::Company, &company_fields(f))?) } else { None };
    if let Some(id) = &card.company_id {
        store.get(Kind::Company, id)?;
    }
    let existing = match &card.contact_id {
        Some(id) => Some(store.get(Kind::Contact, id)?),
        None => None,
    };
    let contact_in = contact_fields(f, card.company_id.as_deref());
    if existing.is_none() {
        if get(f, CardFieldName::FamilyName).is_none() {
            return Err(ApiError::validation(vec![daifuku::error::FieldError::new(
                "required",
                "family_name",
                "The family name is needed to save the card",
            )]));
        }
        check(Kind::Contact, &contact_in)?;
    }
    let exchanged_on = card.exchanged_on.clone().filter(|d| !d.trim().is_empty()).unwrap_or_else(|| ctx.today());
    let mut exchange = Map::new();
    exchange.insert("contact_id".into(), Value::String("pending".into()));
    exchange.insert("exchanged_on".into(), Value::String(exchanged_on));
    if let Some(u) = card.received_by.clone().or_else(|| ctx.user_id.clone()) {
        exchange.insert("our_user_id".into(), Value::String(u));
    }
    if let Some(p) = card.place.clone().filter(|p| !p.trim().is_empty()) {
        exchange.insert("place".into(), Value::String(p));
    }
    exchange.insert("context".into(), Value::String("名刺取り込み (card scan)".into()));
    let exchange = check(Kind::CardExchange, &exchange)?;
    let image = match &card.image {
        Some(img) => Some((
            img.name.clone(),
            base64::engine::general_purpose::STANDARD
                .decode(img.base64.as_bytes())
                .map_err(|_| ApiError::new("invalid_base64", "the card image is not valid base64"))?,
        )),
        None => None,
    };

    // Writes; on failure, what this save made goes to the trash.
    let mut made: Vec<(Kind, String)> = Vec::new();
    let result = (|| -> Result<CardSaved, ApiError> {
        let company_id = match (company_in, &card.company_id) {
            (Some(fields), _) => {
                let c = store.create_fields(ctx, Kind::Company, fields)?;
                made.push((Kind::Company, c.id.clone()));
                Some(c.id)
            }
            (None, id) => id.clone(),
        };
        let (contact_id, contact_created) = match existing {
            Some(stored) => {
                // The card's values fill the contact's empty fields; a new
                // department or title is a move (the core keeps the history).
                let current = stored.record.to_fields();
                let mut patch = Map::new();
                for (k, v) in contact_fields(f, company_id.as_deref()) {
                    let empty = current.get(&k).is_none_or(|c| c.is_null() || c.as_str() == Some(""));
                    let moved = matches!(k.as_str(), "department" | "title") && current.get(&k) != Some(&v);
                    if (empty || moved) && k != "company_id" {
                        patch.insert(k, v);
                    }
                }
                if !patch.is_empty() {
                    store.update(ctx, Kind::Contact, &stored.id, None, patch)?;
                }
                (stored.id, false)
            }
            None => {
                let mut fields = contact_in.clone();
                if let Some(id) = &company_id {
                    fields.insert("company_id".into(), Value::String(id.clone()));
                }
                let c = store.create_fields(ctx, Kind::Contact, fields)?;
                made.push((Kind::Contact, c.id.clone()));
                (c.id, true)
            }
        };
        let mut exchange = exchange.clone();
        exchange.insert("contact_id".into(), Value::String(contact_id.clone()));
        let x = store.create_fields(ctx, Kind::CardExchange, exchange)?;
        made.push((Kind::CardExchange, x.id.clone()));
        let attachment_id = match &image {
            Some((name, bytes)) => {
                let mime = if bytes.starts_with(b"\x89PNG") { "image/png" } else { "image/jpeg" };
                Some(store.attach_file(ctx, Kind::Contact, &contact_id, name, Some(mime), bytes)?.id)
            }
            None => None,
        };
        Ok(CardSaved {
            company_id,
            company_created: new_company,
            contact_id,
            contact_created,
            card_exchange_id: x.id,
            attachment_id,
        })
    })();
    if result.is_err() {
        for (kind, id) in made.iter().rev() {
            let _ = store.delete(ctx, *kind, id);
        }
    }
    result
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn addresses_split_for_a_company() {
        let s = |a: &str| {
            let (p, c, st, b) = split_address(a);
            [p, c, st, b].map(|x| x.unwrap_or_default())
        };
        assert_eq!(s("東京都千代田区丸の内1-2-3 丸の内ビル5F"), ["東京都", "千代田区", "丸の内1-2-3", "丸の内ビル5F"]);
        assert_eq!(s("大阪府大阪市北区梅田2-4-9"), ["大阪府", "大阪市北区", "梅田2-4-9", ""]);
        assert_eq!(s("神奈川県横浜市西区みなとみらい3-1-1"), ["神奈川県", "横浜市西区", "みなとみらい3-1-1", ""]);
        assert_eq!(s("渋谷区渋谷2-1-1"), ["", "渋谷区", "渋谷2-1-1", ""]);
    }
}
