//! The two forms: 顧客カード (a company) and 情報報告書 (an activity).

use std::collections::HashMap;

use daifuku::export::fetch_all;
use daifuku::import::values::enum_label;
use daifuku::model::{Activity, Company, Contact, Deal, Purchase};
use daifuku::store::appi::disclosure::{action_ja, ms_date, DisclosedRecord, DisclosurePackage};
use daifuku::store::{Filter, FilterOp, ListQuery};
use daifuku::{ApiError, Kind, Record, Store, Stored};
use serde_json::Value;

use crate::layout::{render, wrap, Flow, Footer, Op, A4_H, MM};
use crate::{file_part, record_print, user_name, Printed, Printer};

/// Activities a customer card lists (the newest); the heading says how many there are in all.
pub const CARD_ACTIVITIES: u32 = 10;
/// An activity's content on the card is cut here (with …): the card is a summary.
const CARD_CONTENT_CHARS: usize = 120;

fn by(field: &str, id: &str) -> ListQuery {
    ListQuery {
        filters: vec![Filter { field: field.into(), op: FilterOp::Eq, value: Value::String(id.to_string()) }],
        ..Default::default()
    }
}

/// A live record, or `not_found`.
fn live(store: &Store, kind: Kind, id: &str) -> Result<Record, ApiError> {
    match store.get(kind, id)? {
        Stored { deleted_at: None, mut record, .. } => {
            // Private memos and private activities' texts are never printed (issue 18).
            daifuku::store::privacy::redact_record(&mut record);
            Ok(record)
        }
        _ => Err(ApiError::not_found(kind.as_str(), id)),
    }
}

fn opt(s: &Option<String>) -> String {
    s.clone().unwrap_or_default()
}

/// `2024-05-01` → `2024/05/01`; `2024-05-01T10:00` → `2024/05/01 10:00`.
pub(crate) fn date(s: &str) -> String {
    s.replacen('-', "/", 2).replace('T', " ")
}

fn opt_date(s: &Option<String>) -> String {
    s.as_deref().map(date).unwrap_or_default()
}

/// `1234567` → `1,234,567円`.
pub(crate) fn yen(v: Option<i64>) -> String {
    let Some(v) = v else { return String::new() };
    let digits = v.unsigned_abs().to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    format!("{}{out}円", if v < 0 { "-" } else { "" })
}

fn label(v: &Option<String>) -> String {
    v.as_deref().map(|v| enum_label(v).to_string()).unwrap_or_default()
}

/// Names of users by id, read once each.
struct Users<'a> {
    store: &'a Store,
    names: HashMap<String, String>,
}

impl Users<'_> {
    fn name(&mut self, id: &Option<String>) -> String {
        let Some(id) = id else { return String::new() };
        let store = self.store;
        self.names.entry(id.clone()).or_insert_with(|| user_name(store, id).unwrap_or_default()).clone()
    }
}

fn company_address(c: &Company) -> String {
    let addr: String = [&c.prefecture, &c.city, &c.street, &c.building]
        .iter()
        .filter_map(|p| p.as_deref())
        .collect::<Vec<_>>()
        .join("");
    match &c.postal_code {
        Some(p) if !p.is_empty() => format!("〒{p} {addr}"),
        _ => addr,
    }
}

fn person(c: &Contact) -> String {
    let name = [c.family_name.as_str(), c.given_name.as_deref().unwrap_or("")]
        .iter()
        .filter(|s| !s.is_empty())
        .cloned()
        .collect::<Vec<_>>()
        .join(" ");
    let reading = [c.family_reading.as_deref().unwrap_or(""), c.given_reading.as_deref().unwrap_or("")]
        .iter()
        .filter(|s| !s.is_empty())
        .cloned()
        .collect::<Vec<_>>()
        .join(" ");
    if reading.is_empty() {
        name
    } else {
        format!("{name}\n({reading})")
    }
}

/// The form's title at the top of page 1, with lines at the right (code, date …).
fn title(flow: &mut Flow, title: &str, right: &[String]) {
    let x = flow.left;
    let y = flow.y;
    flow.text(x, y + 18.0, 18.0, title);
    let rx = flow.right;
    for (i, line) in right.iter().enumerate() {
        let w = flow.font.width(line, 8.5);
        flow.text(rx - w, y + 8.0 + i as f32 * 11.0, 8.5, line.clone());
    }
    flow.y += 24.0f32.max(right.len() as f32 * 11.0 + 2.0);
    let (x1, x2, yy) = (flow.left, flow.right, flow.y);
    flow.op(Op::Line { x1, y1: yy, x2, y2: yy, width: 1.2 });
    flow.y += 6.0;
}

fn finish(flow: Flow, printer: &Printer, doc_title: &str, name: String) -> Result<Printed, ApiError> {
    let footer = Footer { text: printer.footer_text(), y: A4_H - 10.0 * MM, left: flow.left, right: flow.right };
    let bytes = render(&flow.pages, &printer.font, &footer, doc_title)?;
    Ok(Printed { name, bytes, pages: flow.pages.len() as u32 })
}

/// 顧客カード of a company: profile, contacts (titles, decision roles),
/// purchases and contracts (renewal dates), open deals, the newest
/// [`CARD_ACTIVITIES`] activities. Lists run on over as many pages as they
/// need, their header repeated; nothing is dropped without saying so.
pub fn company_card(store: &Store, printer: &Printer, company_id: &str) -> Result<Printed, ApiError> {
    let Record::Company(co) = live(store, Kind::Company, company_id)? else {
        return Err(ApiError::not_found("company", company_id));
    };
    let mut users = Users { store, names: HashMap::new() };
    let mut flow = Flow::new(&printer.font, format!("顧客カード {}（続き）", co.name));
    let mut right = vec![];
    if let Some(code) = &co.code {
        right.push(format!("顧客コード {code}"));
    }
    right.push(format!("作成日 {}", date(&printer.date)));
    title(&mut flow, "顧客カード", &right);

    let s = |v: &str| v.to_string();
    let employees = co.employees.map(|n| format!("{n}名")).unwrap_or_default();
    let pairs = vec![
        (s("会社名"), co.name.clone()),
        (s("フリガナ"), opt(&co.name_reading)),
        (s("ステータス"), label(&co.status)),
        (s("ランク"), opt(&co.rank)),
        (s("担当営業"), users.name(&co.owner_id)),
        (s("法人番号"), opt(&co.corporate_number)),
        (s("電話番号"), opt(&co.phone)),
        (s("FAX"), opt(&co.fax)),
        (s("メール"), opt(&co.email)),
        (s("Webサイト"), opt(&co.website)),
        (
            s("代表者"),
            [opt(&co.representative_title), opt(&co.representative)]
                .into_iter()
                .filter(|x| !x.is_empty())
                .collect::<Vec<_>>()
                .join(" "),
        ),
        (s("設立"), opt_date(&co.founded)),
        (s("従業員数"), employees),
        (s("資本金"), yen(co.capital)),
        (s("業種"), opt(&co.industry)),
        (s("決算月"), co.fiscal_month.map(|m| format!("{m}月")).unwrap_or_default()),
    ];
    flow.fields(&[(s("所在地"), company_address(&co))], 1, 22.0 * MM);
    flow.fields(&pairs, 2, 22.0 * MM);
    let mut wide = vec![(s("事業内容"), opt(&co.business_description))];
    for (l, v) in [
        ("取引銀行", co.banks.join("、")),
        ("購買決定プロセス", opt(&co.purchase_process)),
        ("信用評点", co.credit_score.map(|n| format!("{n}（{}）", opt(&co.credit_source))).unwrap_or_default()),
        ("メモ", opt(&co.notes)),
    ] {
        if !v.is_empty() {
            wide.push((s(l), v));
        }
    }
    flow.fields(&wide, 1, 22.0 * MM);

    // Contacts.
    let contacts: Vec<Contact> = fetch_all(store, Kind::Contact, &by("company_id", company_id))?
        .into_iter()
        .filter_map(|st| match st.record {
            Record::Contact(c) => Some(c),
            _ => None,
        })
        .collect();
    flow.gap(6.0);
    flow.section(&format!("担当者（{}名）", contacts.len()), 30.0);
    let rows: Vec<Vec<String>> = contacts
        .iter()
        .map(|c| {
            let phones = [opt(&c.phone), opt(&c.mobile)].into_iter().filter(|p| !p.is_empty()).collect::<Vec<_>>();
            vec![
                person(c),
                opt(&c.department),
                opt(&c.title),
                label(&c.decision_role),
                phones.join("\n"),
                opt(&c.email),
            ]
        })
        .collect();
    flow.table(
        &["氏名", "部署", "役職", "決裁での役割", "電話・携帯", "メール"],
        &[18.0, 16.0, 12.0, 11.0, 21.0, 22.0],
        &rows,
        "登録された担当者はいません",
    );

    // Purchases and contracts.
    let mut products: HashMap<String, String> = HashMap::new();
    let purchases: Vec<Purchase> = fetch_all(store, Kind::Purchase, &by("company_id", company_id))?
        .into_iter()
        .filter_map(|st| match st.record {
            Record::Purchase(p) => Some(p),
            _ => None,
        })
        .collect();
    flow.gap(6.0);
    flow.section(&format!("購入・契約（{}件）", purchases.len()), 30.0);
    let rows: Vec<Vec<String>> = purchases
        .iter()
        .map(|p| {
            let name = p.product_name.clone().filter(|n| !n.is_empty()).unwrap_or_else(|| match &p.product_id {
                Some(id) => products
                    .entry(id.clone())
                    .or_insert_with(|| match store.get(Kind::Product, id).map(|s| s.record) {
                        Ok(Record::Product(pr)) => pr.name,
                        _ => String::new(),
                    })
                    .clone(),
                None => String::new(),
            });
            vec![
                name,
                yen(p.amount),
                opt_date(&p.contract_date),
                opt_date(&p.expiry_date),
                opt_date(&p.renewal_date),
                label(&p.status),
            ]
        })
        .collect();
    flow.table(
        &["商品", "金額", "契約日", "満了日", "更新日", "状態"],
        &[30.0, 16.0, 14.0, 14.0, 14.0, 12.0],
        &rows,
        "購入・契約の記録はありません",
    );

    // Open deals.
    let deals: Vec<Deal> = fetch_all(store, Kind::Deal, &by("company_id", company_id))?
        .into_iter()
        .filter_map(|st| match st.record {
            Record::Deal(d) if d.stage != "won" && d.stage != "lost" => Some(d),
            _ => None,
        })
        .collect();
    flow.gap(6.0);
    flow.section(&format!("進行中の案件（{}件）", deals.len()), 30.0);
    let rows: Vec<Vec<String>> = deals
        .iter()
        .map(|d| {
            vec![
                d.title.clone(),
                enum_label(&d.stage).to_string(),
                yen(d.amount),
                d.probability.map(|p| format!("{p}%")).unwrap_or_default(),
                opt_date(&d.expected_close),
                users.name(&d.owner_id),
            ]
        })
        .collect();
    flow.table(
        &["案件名", "ステージ", "金額", "確度", "受注予定日", "担当"],
        &[32.0, 12.0, 16.0, 8.0, 14.0, 18.0],
        &rows,
        "進行中の案件はありません",
    );

    // Recent activities.
    let q = ListQuery {
        sort: Some("occurred_at".into()),
        desc: Some(true),
        limit: Some(CARD_ACTIVITIES),
        ..by("company_id", company_id)
    };
    let page = store.list(Kind::Activity, &q)?;
    let total = page.total.unwrap_or(page.items.len() as u32);
    let acts: Vec<Activity> = page
        .items
        .into_iter()
        .filter_map(|mut st| {
            match {
                daifuku::store::privacy::redact_record(&mut st.record);
                st.record
            } {
                Record::Activity(a) => Some(a),
                _ => None,
            }
        })
        .collect();
    flow.gap(6.0);
    let heading = if total as usize > acts.len() {
        format!("最近の活動（全{total}件のうち新しい{}件）", acts.len())
    } else {
        format!("最近の活動（{total}件）")
    };
    flow.section(&heading, 30.0);
    let rows: Vec<Vec<String>> = acts
        .iter()
        .map(|a| {
            let content = a.content.clone().unwrap_or_default();
            let cut = if content.chars().count() > CARD_CONTENT_CHARS {
                format!("{}…", content.chars().take(CARD_CONTENT_CHARS).collect::<String>())
            } else {
                content
            };
            vec![date(&a.occurred_at), enum_label(&a.kind).to_string(), opt(&a.subject), cut]
        })
        .collect();
    flow.table(&["日時", "種類", "件名", "内容"], &[16.0, 9.0, 25.0, 50.0], &rows, "活動の記録はありません");

    record_print(store, printer, "company_card", Some(company_id));
    let name = format!("顧客カード_{}_{}.pdf", file_part(&co.name), printer.date);
    finish(flow, printer, &format!("顧客カード {}", co.name), name)
}

/// `●●●○○（3/5）` for a 1–5 score.
fn score(v: Option<i32>) -> String {
    match v {
        Some(n @ 1..=5) => format!("{}{}（{n}/5）", "●".repeat(n as usize), "○".repeat(5 - n as usize)),
        _ => "○○○○○（未評価）".to_string(),
    }
}

/// `■事実　□推測`: every choice, the chosen one filled.
fn choices(value: &Option<String>, all: &[&str]) -> String {
    all.iter()
        .map(|v| format!("{}{}", if value.as_deref() == Some(*v) { "■" } else { "□" }, enum_label(v)))
        .collect::<Vec<_>>()
        .join("　")
}

/// 情報報告書 of an activity, as the seed-001 form: the source (who, where,
/// situation, means), the information with fact or speculation, credibility,
/// importance and urgency, how to use it, what to find out next, the
/// supervisor's decision, and the circulation list (shared-with users) with
/// a box for each reader's seal.
pub fn info_report(store: &Store, printer: &Printer, activity_id: &str) -> Result<Printed, ApiError> {
    let Record::Activity(a) = live(store, Kind::Activity, activity_id)? else {
        return Err(ApiError::not_found("activity", activity_id));
    };
    let mut users = Users { store, names: HashMap::new() };
    let company = match &a.company_id {
        Some(id) => match store.get(Kind::Company, id).map(|s| s.record) {
            Ok(Record::Company(c)) => c.name,
            _ => String::new(),
        },
        None => String::new(),
    };
    let contacts: Vec<String> = a
        .contact_ids
        .iter()
        .filter_map(|id| match store.get(Kind::Contact, id).ok()?.record {
            Record::Contact(c) => Some(
                [opt(&c.title), c.family_name.clone() + c.given_name.as_deref().unwrap_or("")]
                    .into_iter()
                    .filter(|s| !s.is_empty())
                    .collect::<Vec<_>>()
                    .join(" "),
            ),
            _ => None,
        })
        .collect();
    let reporters: Vec<String> =
        a.our_attendee_ids.iter().map(|id| users.name(&Some(id.clone()))).filter(|n| !n.is_empty()).collect();

    let mut flow = Flow::new(&printer.font, format!("情報報告書 {}（続き）", opt(&a.subject)));
    title(
        &mut flow,
        "情報報告書",
        &[format!("報告日 {}", date(&printer.date)), format!("報告者 {}", reporters.join("、"))],
    );
    let s = |v: &str| v.to_string();
    flow.fields(
        &[
            (s("顧客名"), company),
            (s("入手日時"), date(&a.occurred_at)),
            (s("先方"), contacts.join("、")),
            (s("活動の種類"), enum_label(&a.kind).to_string()),
        ],
        2,
        22.0 * MM,
    );
    flow.fields(&[(s("件名"), opt(&a.subject)), (s("情報の種類"), opt(&a.info_kind))], 1, 22.0 * MM);

    flow.gap(6.0);
    flow.section("情報の入手先と手段", 40.0);
    flow.fields(
        &[
            (s("誰から"), opt(&a.source_who)),
            (s("どこで"), opt(&a.source_where)),
            (s("状況"), opt(&a.source_situation)),
            (s("入手手段"), choices(&a.means, daifuku::model::MEANS)),
        ],
        1,
        22.0 * MM,
    );

    flow.gap(6.0);
    flow.section("情報内容", 60.0);
    flow.fields(
        &[
            (s("事実/推測"), choices(&a.factuality, daifuku::model::FACTUALITY)),
            (s("信憑性"), score(a.credibility)),
            (s("重要度"), score(a.importance)),
            (s("緊急度"), score(a.urgency)),
        ],
        2,
        22.0 * MM,
    );
    // The body gets room to write by hand when it is short.
    let body = |flow: &Flow, text: &Option<String>, min_lines: usize| {
        let mut t = opt(text);
        let lines = wrap(flow.font, &t, 9.0, flow.width() - 22.0 * MM - 5.0).len();
        for _ in lines..min_lines {
            t.push('\n');
        }
        t
    };
    let content = body(&flow, &a.content, 6);
    flow.fields(&[(s("内容"), content)], 1, 22.0 * MM);

    flow.gap(6.0);
    flow.section("活用と対応", 60.0);
    let how = body(&flow, &a.how_to_use, 3);
    let next = body(&flow, &a.to_find_out, 3);
    let boss = body(&flow, &a.supervisor_decision, 3);
    flow.fields(&[(s("活用方法"), how), (s("次に集める情報"), next), (s("上司の判断"), boss)], 1, 22.0 * MM);

    flow.gap(6.0);
    let readers: Vec<String> = a.shared_with_ids.iter().map(|id| users.name(&Some(id.clone()))).collect();
    flow.section(&format!("回覧（{}名）", readers.len()), 30.0);
    let rows: Vec<Vec<String>> = readers
        .iter()
        .enumerate()
        .map(|(i, n)| vec![(i + 1).to_string(), n.clone(), String::new(), "\n\n".into()])
        .collect();
    flow.table(&["No.", "回覧先", "確認日", "確認印"], &[8.0, 40.0, 26.0, 26.0], &rows, "回覧先の指定はありません");

    record_print(store, printer, "info_report", Some(activity_id));
    let name = format!("情報報告書_{}_{}.pdf", file_part(a.subject.as_deref().unwrap_or("活動")), printer.date);
    finish(flow, printer, &format!("情報報告書 {}", opt(&a.subject)), name)
}

/// 保有個人データ開示書 (APPI Art. 33) as a PDF: the same package as the
/// JSON and HTML files of [`Store::disclose_contact`] — the person's fields,
/// positions, card exchanges, activities, tasks, deals, attachments, the
/// outputs that held them and the records of provision to third parties.
/// It goes to the person: no 「社外秘」 footer, and no audit entry of its own
/// (the disclosure records itself).
pub fn disclosure(printer: &Printer, p: &DisclosurePackage) -> Result<Printed, ApiError> {
    let tz = printer.ctx.tz_offset_min;
    let mut flow = Flow::new(&printer.font, format!("保有個人データ開示書 {} 様（続き）", p.name));
    title(&mut flow, "保有個人データ開示書", &[format!("作成日 {}", p.made_on), format!("作成者 {}", printer.user)]);
    let s = |v: &str| v.to_string();
    flow.fields(
        &[
            (s("ご本人"), format!("{} 様", p.name)),
            (s("根拠"), s("個人情報の保護に関する法律第33条に基づき、当社が保有するあなたの個人データを開示します。")),
        ],
        1,
        26.0 * MM,
    );
    let pairs =
        |r: &DisclosedRecord| r.fields.iter().map(|f| (f.label_ja.clone(), f.value.clone())).collect::<Vec<_>>();
    flow.gap(6.0);
    flow.section("基本情報", 40.0);
    flow.fields(&pairs(&p.person), 1, 30.0 * MM);
    let sections: [(&str, &Vec<DisclosedRecord>); 5] = [
        ("部署・役職の履歴", &p.positions),
        ("名刺交換", &p.card_exchanges),
        ("活動（面談・電話・メールなど）", &p.activities),
        ("タスク", &p.tasks),
        ("案件", &p.deals),
    ];
    for (name, records) in sections {
        flow.gap(6.0);
        flow.section(&format!("{name}（{}件）", records.len()), 40.0);
        if records.is_empty() {
            flow.fields(&[(s(""), s("ありません。"))], 1, 30.0 * MM);
        }
        for r in records {
            let mut rows = vec![(s("件名"), r.title.clone())];
            rows.extend(pairs(r));
            flow.fields(&rows, 1, 30.0 * MM);
            flow.gap(3.0);
        }
    }
    flow.gap(6.0);
    flow.section(&format!("添付ファイル（{}件）", p.attachments.len()), 30.0);
    let rows: Vec<Vec<String>> = p
        .attachments
        .iter()
        .map(|a| vec![a.name.clone(), a.mime.clone().unwrap_or_default(), a.size.to_string(), ms_date(a.added_at, tz)])
        .collect();
    flow.table(
        &["ファイル名", "種類", "大きさ（バイト）", "登録日時"],
        &[70.0, 40.0, 30.0, 40.0],
        &rows,
        "ありません。",
    );
    flow.gap(6.0);
    flow.section(&format!("第三者提供の記録（{}件）", p.provisions.len()), 30.0);
    let rows: Vec<Vec<String>> = p
        .provisions
        .iter()
        .map(|v| {
            vec![
                v.provided_on.clone(),
                v.recipient.clone(),
                v.purpose.clone(),
                v.items.join("、"),
                v.keep_until.clone(),
            ]
        })
        .collect();
    flow.table(
        &["提供日", "提供先", "利用目的", "提供した項目", "保存期限"],
        &[24.0, 40.0, 40.0, 50.0, 26.0],
        &rows,
        "ありません。",
    );
    flow.gap(6.0);
    flow.section(&format!("あなたのデータを含む（可能性のある）出力の記録（{}件）", p.exports.len()), 30.0);
    let rows: Vec<Vec<String>> = p
        .exports
        .iter()
        .map(|e| {
            vec![
                ms_date(e.at, tz),
                action_ja(&e.action).to_string(),
                e.format.clone().unwrap_or_default(),
                e.count.map(|c| c.to_string()).unwrap_or_default(),
            ]
        })
        .collect();
    flow.table(&["日時", "種類", "形式", "件数"], &[45.0, 60.0, 40.0, 35.0], &rows, "ありません。");

    let footer = Footer {
        text: format!("保有個人データ開示書 — {} 様 — {}", p.name, p.made_on),
        y: A4_H - 10.0 * MM,
        left: flow.left,
        right: flow.right,
    };
    let bytes = render(&flow.pages, &printer.font, &footer, &format!("保有個人データ開示書 {} 様", p.name))?;
    let name = format!("disclosure-{}-{}.pdf", p.contact_id, p.made_on);
    Ok(Printed { name, bytes, pages: flow.pages.len() as u32 })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats() {
        for (v, want) in
            [(Some(0), "0円"), (Some(999), "999円"), (Some(1000), "1,000円"), (Some(-1234567), "-1,234,567円")]
        {
            assert_eq!(yen(v), want);
        }
        assert_eq!(yen(None), "");
        assert_eq!(date("2024-05-01T10:30"), "2024/05/01 10:30");
        assert_eq!(score(Some(3)), "●●●○○（3/5）");
        assert_eq!(choices(&Some("speculation".into()), daifuku::model::FACTUALITY), "□事実　■推測");
    }
}
