//! 開示 (APPI Art. 33): everything held about one person, as one package —
//! a JSON file and a readable Japanese HTML page — to hand to that person.
//!
//! What goes in: the contact's fields, position history, card exchanges,
//! the activities they took part in or are named in (by full name, in a
//! shared activity's texts), tasks and deals about them, the list of their
//! attachments, the audit entries of exports that (may have) included them,
//! and the records of provision to third parties (Art. 33(5)).
//!
//! What never goes in, since the package goes to someone else: private
//! memos and private activities' texts (`privacy::redact_record`), and other
//! people — an activity's other attendees (`contact_ids`, `other_attendees`)
//! and any reference to another contact are left out.

use serde::{Deserialize, Serialize};
use serde_json::Value;
use ts_rs::TS;

use super::super::audit::{AuditEntry, AuditRecord};
use super::super::{Ctx, Filter, FilterOp, ListQuery, Store, Stored};
use super::provision::Provision;
use crate::error::{ApiError, Result};
use crate::export::{ExportResult, Exported, FileData, RefNames};
use crate::model::{Kind, Record};
use crate::schema::FieldType;

/// One field as disclosed: its labels and its value as text.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct DisclosedField {
    pub name: String,
    pub label_ja: String,
    pub label_en: String,
    pub value: String,
}

/// One record as disclosed.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct DisclosedRecord {
    pub kind: Kind,
    pub id: String,
    pub title: String,
    pub fields: Vec<DisclosedField>,
}

/// An attachment, listed (its bytes are not in the package).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct DisclosedAttachment {
    pub name: String,
    pub mime: Option<String>,
    #[ts(type = "number")]
    pub size: i64,
    #[ts(type = "number")]
    pub added_at: i64,
}

/// An export (or mailing list, export for a third party, print) that held,
/// or by its filter may have held, the person.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct DisclosedExport {
    #[ts(type = "number")]
    pub at: i64,
    pub action: String,
    pub format: Option<String>,
    pub user_name: Option<String>,
    #[ts(type = "number | null")]
    pub count: Option<i64>,
}

/// The package.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct DisclosurePackage {
    /// `daifuku-disclosure`
    pub format: String,
    pub version: u32,
    /// When it was made (ms, UTC) and the local date.
    #[ts(type = "number")]
    pub made_at: i64,
    pub made_on: String,
    pub contact_id: String,
    pub name: String,
    pub person: DisclosedRecord,
    pub positions: Vec<DisclosedRecord>,
    pub card_exchanges: Vec<DisclosedRecord>,
    pub activities: Vec<DisclosedRecord>,
    pub tasks: Vec<DisclosedRecord>,
    pub deals: Vec<DisclosedRecord>,
    pub attachments: Vec<DisclosedAttachment>,
    pub exports: Vec<DisclosedExport>,
    pub provisions: Vec<Provision>,
}

impl DisclosurePackage {
    /// Records in the package (the person counted once).
    pub fn records(&self) -> usize {
        1 + self.positions.len()
            + self.card_exchanges.len()
            + self.activities.len()
            + self.tasks.len()
            + self.deals.len()
            + self.attachments.len()
    }
}

/// The package and its two files (written to the folder given, else their bytes).
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
pub struct Disclosure {
    pub package: DisclosurePackage,
    pub json: ExportResult,
    pub html: ExportResult,
    /// The same package as a printable PDF (A4, Japanese font embedded),
    /// added by the host and the CLI, which have the printing crate.
    #[ts(optional)]
    pub pdf: Option<ExportResult>,
}

/// Fields never disclosed whatever the kind: they name other people.
const OTHER_PEOPLE: &[&str] = &["other_attendees"];

fn value_text(kind: Kind, field: &crate::schema::FieldDef, v: &Value, refs: &mut RefNames, me: &str) -> Option<String> {
    let _ = kind;
    let text = match (field.ty, v) {
        (_, Value::Null) => return None,
        (FieldType::Ref { kind: Kind::Contact }, Value::String(id)) => {
            // Only the person themself; another contact is someone else's data.
            if id != me {
                return None;
            }
            refs.get(Kind::Contact, id).map(|(n, _)| n).unwrap_or_else(|| id.clone())
        }
        (FieldType::Ref { kind: target }, Value::String(id)) => {
            refs.get(target, id).map(|(n, _)| n).unwrap_or_else(|| id.clone())
        }
        (FieldType::RefList { kind: Kind::Contact }, _) => return None,
        (FieldType::RefList { kind: target }, Value::Array(ids)) => ids
            .iter()
            .filter_map(Value::as_str)
            .map(|id| refs.get(target, id).map(|(n, _)| n).unwrap_or_else(|| id.to_string()))
            .collect::<Vec<_>>()
            .join("、"),
        (_, Value::Array(items)) => items
            .iter()
            .map(|i| i.as_str().map(String::from).unwrap_or_else(|| i.to_string()))
            .collect::<Vec<_>>()
            .join("、"),
        (FieldType::Bool, Value::Bool(b)) => {
            if !*b {
                return None;
            }
            "はい".to_string()
        }
        (FieldType::Enum { .. }, Value::String(s)) => crate::import::values::enum_label(s).to_string(),
        (_, Value::String(s)) => s.clone(),
        (_, other) => other.to_string(),
    };
    (!text.trim().is_empty()).then_some(text)
}

fn disclosed(s: &Stored, refs: &mut RefNames, me: &str) -> DisclosedRecord {
    let mut record = s.record.clone();
    // Private memos and private activities' texts never go to someone else.
    crate::store::privacy::redact_record(&mut record);
    let kind = record.kind();
    let values = record.to_fields();
    let fields = kind
        .meta()
        .fields
        .iter()
        .filter(|f| !crate::store::privacy::is_local_only(kind, f.name) && !OTHER_PEOPLE.contains(&f.name))
        // The person's own reference on their positions, exchanges, tasks, deals: said by the section.
        .filter(|f| kind == Kind::Contact || f.name != "contact_id")
        .filter_map(|f| {
            let v = values.get(f.name)?;
            let text = value_text(kind, f, v, refs, me)?;
            Some(DisclosedField {
                name: f.name.to_string(),
                label_ja: f.label_ja.to_string(),
                label_en: f.label_en.to_string(),
                value: text,
            })
        })
        .collect();
    let title = match &record {
        // Made from the fields as disclosed: a private activity's subject stays out.
        Record::Activity(a) => format!("{} {}", a.occurred_at, crate::import::values::enum_label(&a.kind)),
        _ => s.display_name.clone(),
    };
    DisclosedRecord { kind, id: s.id.clone(), title, fields }
}

fn by_field(field: &str, op: FilterOp, id: &str) -> ListQuery {
    ListQuery {
        filters: vec![Filter { field: field.into(), op, value: Value::String(id.to_string()) }],
        ..Default::default()
    }
}

/// Minimal HTML escaping for text put into the page (the five characters
/// that can open markup or end an attribute). Written here rather than
/// taken from a crate: it is five replacements, and the page also carries a
/// Content-Security-Policy that allows no script at all.
fn esc(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

pub fn ms_date(ms: i64, tz_offset_min: i32) -> String {
    chrono::DateTime::from_timestamp_millis(ms + tz_offset_min as i64 * 60_000)
        .map(|d| d.naive_utc().format("%Y-%m-%d %H:%M").to_string())
        .unwrap_or_default()
}

pub fn action_ja(action: &str) -> &str {
    match action {
        "export" => "エクスポート",
        "mailing_list" => "宛名リスト(DM)",
        "third_party_export" => "第三者提供",
        "print" => "印刷",
        other => other,
    }
}

/// The readable Japanese page of a package. Every value is escaped.
pub fn render_html(p: &DisclosurePackage, tz_offset_min: i32) -> String {
    let mut h = String::new();
    h.push_str("<!DOCTYPE html>\n<html lang=\"ja\"><head><meta charset=\"utf-8\">\n");
    h.push_str(
        "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'\">\n",
    );
    h.push_str(&format!("<title>保有個人データ開示書 — {} 様</title>\n", esc(&p.name)));
    h.push_str("<style>body{font-family:sans-serif;max-width:60em;margin:2em auto;line-height:1.6}table{border-collapse:collapse;width:100%;margin:.5em 0 1.5em}th,td{border:1px solid #999;padding:.3em .5em;text-align:left;vertical-align:top;white-space:pre-wrap}th{background:#eee;width:14em}h2{border-bottom:2px solid #333;margin-top:2em}</style>\n</head><body>\n");
    h.push_str(&format!("<h1>保有個人データ開示書</h1>\n<p>{} 様</p>\n", esc(&p.name)));
    h.push_str(&format!(
        "<p>個人情報の保護に関する法律第33条に基づき、当社が保有するあなたの個人データを開示します。作成日: {}</p>\n",
        esc(&p.made_on)
    ));
    let record_table = |h: &mut String, r: &DisclosedRecord| {
        h.push_str("<table>\n");
        for f in &r.fields {
            h.push_str(&format!("<tr><th>{}</th><td>{}</td></tr>\n", esc(&f.label_ja), esc(&f.value)));
        }
        h.push_str("</table>\n");
    };
    h.push_str("<h2>基本情報</h2>\n");
    record_table(&mut h, &p.person);
    let sections: [(&str, &Vec<DisclosedRecord>); 5] = [
        ("部署・役職の履歴", &p.positions),
        ("名刺交換", &p.card_exchanges),
        ("活動(面談・電話・メールなど)", &p.activities),
        ("タスク", &p.tasks),
        ("案件", &p.deals),
    ];
    for (title, records) in sections {
        h.push_str(&format!("<h2>{} ({}件)</h2>\n", esc(title), records.len()));
        if records.is_empty() {
            h.push_str("<p>ありません。</p>\n");
        }
        for r in records {
            h.push_str(&format!("<h3>{}</h3>\n", esc(&r.title)));
            record_table(&mut h, r);
        }
    }
    h.push_str(&format!("<h2>添付ファイル ({}件)</h2>\n", p.attachments.len()));
    if p.attachments.is_empty() {
        h.push_str("<p>ありません。</p>\n");
    } else {
        h.push_str("<table><tr><th>ファイル名</th><th>種類</th><th>大きさ(バイト)</th><th>登録日時</th></tr>\n");
        for a in &p.attachments {
            h.push_str(&format!(
                "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>\n",
                esc(&a.name),
                esc(a.mime.as_deref().unwrap_or("")),
                a.size,
                esc(&ms_date(a.added_at, tz_offset_min))
            ));
        }
        h.push_str("</table>\n");
    }
    h.push_str(&format!("<h2>第三者提供の記録 ({}件)</h2>\n", p.provisions.len()));
    if p.provisions.is_empty() {
        h.push_str("<p>ありません。</p>\n");
    } else {
        h.push_str(
            "<table><tr><th>提供日</th><th>提供先</th><th>利用目的</th><th>提供した項目</th><th>保存期限</th></tr>\n",
        );
        for v in &p.provisions {
            h.push_str(&format!(
                "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>\n",
                esc(&v.provided_on),
                esc(&v.recipient),
                esc(&v.purpose),
                esc(&v.items.join("、")),
                esc(&v.keep_until)
            ));
        }
        h.push_str("</table>\n");
    }
    h.push_str(&format!("<h2>あなたのデータを含む(可能性のある)出力の記録 ({}件)</h2>\n", p.exports.len()));
    if p.exports.is_empty() {
        h.push_str("<p>ありません。</p>\n");
    } else {
        h.push_str("<table><tr><th>日時</th><th>種類</th><th>形式</th><th>件数</th></tr>\n");
        for e in &p.exports {
            h.push_str(&format!(
                "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>\n",
                esc(&ms_date(e.at, tz_offset_min)),
                esc(action_ja(&e.action)),
                esc(e.format.as_deref().unwrap_or("")),
                e.count.map(|c| c.to_string()).unwrap_or_default()
            ));
        }
        h.push_str("</table>\n");
    }
    h.push_str("</body></html>\n");
    h
}

/// Full name forms a shared activity's text may name the person by.
fn name_forms(c: &crate::model::Contact) -> Vec<String> {
    match c.given_name.as_deref().map(str::trim).filter(|g| !g.is_empty()) {
        Some(g) => {
            let f = c.family_name.trim();
            vec![format!("{f}{g}"), format!("{f} {g}"), format!("{f}\u{3000}{g}")]
        }
        // A family name alone would name every namesake.
        None => vec![],
    }
}

impl Store {
    /// Shared (not private) live activities whose texts name the person by full name.
    fn activities_naming(&self, names: &[String]) -> Result<Vec<String>> {
        let mut ids = Vec::new();
        let mut stmt = self.conn.prepare_cached(
            "SELECT id FROM activities WHERE deleted_at IS NULL AND private = 0 AND (
                 instr(coalesce(subject, ''), ?1) > 0 OR instr(coalesce(content, ''), ?1) > 0
              OR instr(coalesce(outcome, ''), ?1) > 0 OR instr(coalesce(next_steps, ''), ?1) > 0
              OR instr(coalesce(other_attendees, ''), ?1) > 0)",
        )?;
        for n in names {
            for id in stmt.query_map([n], |r| r.get::<_, String>(0))? {
                ids.push(id?);
            }
        }
        Ok(ids)
    }

    /// Audit entries of exports that held the person, or whose filter
    /// (read again now) takes them in: an unfiltered contact export made
    /// after the person was added, or a filter that finds them today.
    fn exports_including(&self, contact: &Stored) -> Result<Vec<DisclosedExport>> {
        let company_id = match &contact.record {
            Record::Contact(c) => c.company_id.as_deref(),
            _ => None,
        };
        let mut out = Vec::new();
        for e in self.audit_all()? {
            if e.at < contact.created_at {
                continue;
            }
            let entry: &AuditEntry = &e.entry;
            let included = match entry.action.as_str() {
                "third_party_export" => {
                    let provision = entry
                        .detail
                        .as_deref()
                        .and_then(|d| serde_json::from_str::<Value>(d).ok())
                        .and_then(|v| v["provision"].as_str().map(String::from));
                    match provision {
                        Some(p) => self.provision_held(&p, &contact.id)?,
                        None => false,
                    }
                }
                // The whole database as JSON (`daifuku export`): no kind.
                "export" if entry.kind.is_none() => true,
                // A printed company card lists the company's people; address
                // labels are printed from the mailing list.
                "print" => {
                    entry.kind.as_deref() == Some("labels")
                        || (company_id.is_some() && entry.detail.as_deref() == company_id)
                        || entry.detail.as_deref() == Some(contact.id.as_str())
                }
                "export" | "mailing_list" if entry.kind.as_deref() == Some("contact") => {
                    let names_id = [&entry.filter, &entry.detail]
                        .iter()
                        .any(|t| t.as_deref().is_some_and(|t| t.contains(&contact.id)));
                    let query = entry.filter.as_deref().and_then(|f| {
                        let v: Value = serde_json::from_str(f).ok()?;
                        // A mailing list's options hold the list query under `query`.
                        let q = if entry.action == "mailing_list" { v.get("query")?.clone() } else { v };
                        serde_json::from_value::<ListQuery>(q).ok()
                    });
                    names_id
                        || match query {
                            None => true,
                            Some(q) if q.filters.is_empty() && q.q.is_none() => true,
                            Some(mut q) => {
                                q.filters.push(Filter {
                                    field: "id".into(),
                                    op: FilterOp::Eq,
                                    value: Value::String(contact.id.clone()),
                                });
                                q.limit = Some(1);
                                // A filter that cannot be read again: say it may have.
                                self.list(Kind::Contact, &q).map(|p| !p.items.is_empty()).unwrap_or(true)
                            }
                        }
                }
                _ => false,
            };
            if included {
                out.push(exported(&e));
            }
        }
        Ok(out)
    }

    /// Gathers everything held about a contact (see the module's text).
    pub fn disclosure_package(&self, ctx: &Ctx, contact_id: &str) -> Result<DisclosurePackage> {
        let contact = self.get(Kind::Contact, contact_id)?;
        let Record::Contact(c) = &contact.record else {
            return Err(ApiError::not_found("contact", contact_id));
        };
        let me = contact.id.as_str();
        let mut refs = RefNames::new(self);
        let list =
            |kind: Kind, field: &str, op: FilterOp| crate::export::fetch_all(self, kind, &by_field(field, op, me));
        let mut activities = list(Kind::Activity, "contact_ids", FilterOp::Has)?;
        let named = self.activities_naming(&name_forms(c))?;
        for id in named {
            if !activities.iter().any(|a| a.id == id) {
                let mut s = self.get(Kind::Activity, &id)?;
                crate::store::privacy::redact_record(&mut s.record);
                activities.push(s);
            }
        }
        activities.sort_by(|a, b| match (&a.record, &b.record) {
            (Record::Activity(x), Record::Activity(y)) => y.occurred_at.cmp(&x.occurred_at),
            _ => std::cmp::Ordering::Equal,
        });
        let mut records = |v: Vec<Stored>| v.iter().map(|s| disclosed(s, &mut refs, me)).collect::<Vec<_>>();
        let positions = records(list(Kind::ContactPosition, "contact_id", FilterOp::Eq)?);
        let card_exchanges = records(list(Kind::CardExchange, "contact_id", FilterOp::Eq)?);
        let activities = records(activities);
        let tasks = records(list(Kind::Task, "contact_id", FilterOp::Eq)?);
        let deals = records(list(Kind::Deal, "contact_id", FilterOp::Eq)?);
        let person = disclosed(&contact, &mut refs, me);
        let attachments = self
            .attachments(Kind::Contact, me)?
            .into_iter()
            .map(|a| DisclosedAttachment { name: a.name, mime: a.mime, size: a.size, added_at: a.created_at })
            .collect();
        Ok(DisclosurePackage {
            format: "daifuku-disclosure".into(),
            version: 1,
            made_at: ctx.now_ms,
            made_on: ctx.today(),
            contact_id: contact.id.clone(),
            name: contact.display_name.clone(),
            person,
            positions,
            card_exchanges,
            activities,
            tasks,
            deals,
            attachments,
            exports: self.exports_including(&contact)?,
            provisions: self.provisions(Some(me))?,
        })
    }

    /// 開示: the package as `disclosure-<id>-<date>.json` and `.html`, written
    /// into `out_dir` when given (else their bytes come back), and recorded in
    /// the audit trail.
    pub fn disclose_contact(&mut self, ctx: &Ctx, contact_id: &str, out_dir: Option<&str>) -> Result<Disclosure> {
        let package = self.disclosure_package(ctx, contact_id)?;
        let base = format!("disclosure-{}-{}", package.contact_id, package.made_on);
        let json_text = serde_json::to_string_pretty(&package)? + "\n";
        let html_text = render_html(&package, ctx.tz_offset_min);
        let rows = package.records() as u32;
        let file =
            |name: String, text: &str| Exported { file: FileData::new(name, text.as_bytes()), rows, warnings: vec![] };
        let path = |ext: &str| {
            // The id may come from another device's files: never a path (issue 18).
            out_dir.map(|d| {
                crate::file_name::inside(std::path::Path::new(d), &format!("{base}.{ext}"))
                    .to_string_lossy()
                    .into_owned()
            })
        };
        let json = file(format!("{base}.json"), &json_text).deliver(path("json").as_deref())?;
        let html = file(format!("{base}.html"), &html_text).deliver(path("html").as_deref())?;
        self.audit(
            ctx,
            &AuditEntry {
                kind: Some("contact".into()),
                format: Some("json+html".into()),
                count: Some(rows as i64),
                detail: Some(serde_json::json!({ "id": package.contact_id, "out": out_dir }).to_string()),
                ..AuditEntry::new("disclose")
            },
        )?;
        Ok(Disclosure { package, json, html, pdf: None })
    }
}

fn exported(e: &AuditRecord) -> DisclosedExport {
    DisclosedExport {
        at: e.at,
        action: e.entry.action.clone(),
        format: e.entry.format.clone(),
        user_name: e.user_name.clone(),
        count: e.entry.count,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_value_on_the_page_is_escaped() {
        let cases: &[(&str, &str)] = &[
            ("<script>alert(1)</script>", "&lt;script&gt;alert(1)&lt;/script&gt;"),
            ("<img src=x onerror=\"alert('x')\">", "&lt;img src=x onerror=&quot;alert(&#39;x&#39;)&quot;&gt;"),
            ("山田 & 鈴木", "山田 &amp; 鈴木"),
            ("普通の文字", "普通の文字"),
        ];
        for &(input, want) in cases {
            assert_eq!(esc(input), want);
            let field = DisclosedField {
                name: "memos".into(),
                label_ja: input.into(),
                label_en: "Memos".into(),
                value: input.into(),
            };
            let p = DisclosurePackage {
                format: "daifuku-disclosure".into(),
                version: 1,
                made_at: 0,
                made_on: "2026-09-21".into(),
                contact_id: "c".into(),
                name: input.into(),
                person: DisclosedRecord {
                    kind: Kind::Contact,
                    id: "c".into(),
                    title: input.into(),
                    fields: vec![field],
                },
                positions: vec![],
                card_exchanges: vec![],
                activities: vec![],
                tasks: vec![],
                deals: vec![],
                attachments: vec![DisclosedAttachment {
                    name: input.into(),
                    mime: Some(input.into()),
                    size: 1,
                    added_at: 0,
                }],
                exports: vec![],
                provisions: vec![],
            };
            let html = render_html(&p, 540);
            if input.contains('<') {
                assert!(!html.contains(input), "{input} is on the page as markup");
            }
            assert!(html.matches(want).count() >= 4, "{input}: name, label, value and attachment escaped");
        }
    }
}
