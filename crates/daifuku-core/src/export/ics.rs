//! The calendar feed (issue 21 item 6): tasks with a due date as VTODO and
//! scheduled visits, meetings and calls as VEVENT, in iCalendar (RFC 5545).
//!
//! The `icalendar` crate writes the lines (text escaping, 75-octet folding
//! on character boundaries, CRLF). What it cannot build is a VTIMEZONE (its
//! generic component has no public constructor), so the one for Asia/Tokyo
//! — a fixed +09:00 without daylight saving since 1951 — is a constant
//! block inserted before the first component; its lines are short ASCII
//! and need neither escaping nor folding.
//!
//! UIDs are the record ids (`<id>@daifuku`), so a calendar app updates an
//! entry instead of adding a second one; DTSTAMP is the record's last
//! change, so the feed reads no clock and the same records give the same file.

use chrono::{DateTime, Duration, NaiveDate, NaiveDateTime};
use icalendar::{Calendar, CalendarDateTime, Component, DatePerhapsTime, EventLike, Todo, TodoStatus};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

/// The time zone of every time in the feed: stored times are Japan's local time.
pub const TZID: &str = "Asia/Tokyo";

const VTIMEZONE: &str = "BEGIN:VTIMEZONE\r\nTZID:Asia/Tokyo\r\nBEGIN:STANDARD\r\nDTSTART:19700101T000000\r\n\
TZOFFSETFROM:+0900\r\nTZOFFSETTO:+0900\r\nTZNAME:JST\r\nEND:STANDARD\r\nEND:VTIMEZONE\r\n";

/// A task with a due date.
#[derive(Debug, Clone, PartialEq)]
pub struct CalendarTask {
    pub id: String,
    pub title: String,
    /// `YYYY-MM-DD`.
    pub due: String,
    pub done: bool,
    pub company: Option<String>,
    pub contact: Option<String>,
    pub notes: Option<String>,
    /// Last change, ms since the epoch (UTC).
    pub updated_at: i64,
}

/// A scheduled activity (visit, meeting, call).
#[derive(Debug, Clone, PartialEq)]
pub struct CalendarEvent {
    pub id: String,
    /// `meeting`, `visit`, `call` …
    pub kind: String,
    pub subject: Option<String>,
    /// `YYYY-MM-DDTHH:MM`, Japan's local time.
    pub starts: String,
    pub company: Option<String>,
    pub contacts: Vec<String>,
    pub content: Option<String>,
    pub updated_at: i64,
}

/// How long an activity is shown: the records keep a start time only.
const EVENT_MINUTES: i64 = 60;

/// What `calendar_feed` answers: the `.ics` text and what it holds.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct CalendarFeed {
    pub ics: String,
    pub todos: u32,
    pub events: u32,
}

fn kind_label(kind: &str) -> &str {
    match kind {
        "meeting" => "商談",
        "visit" => "訪問",
        "call" => "電話",
        "inquiry" => "問い合わせ",
        "email" => "メール",
        _ => "予定",
    }
}

fn stamp(ms: i64) -> DateTime<chrono::Utc> {
    DateTime::from_timestamp_millis(ms).unwrap_or_default()
}

fn local(dt: NaiveDateTime) -> DatePerhapsTime {
    DatePerhapsTime::DateTime(CalendarDateTime::WithTimezone { date_time: dt, tzid: TZID.to_string() })
}

/// Lines of the description: company, contacts, then the text.
fn description(company: Option<&str>, contacts: &[String], text: Option<&str>) -> String {
    let mut lines = Vec::new();
    if let Some(c) = company.filter(|c| !c.is_empty()) {
        lines.push(format!("会社: {c}"));
    }
    if !contacts.is_empty() {
        lines.push(format!("担当者: {}", contacts.join("、")));
    }
    if let Some(t) = text.filter(|t| !t.trim().is_empty()) {
        lines.push(String::new());
        lines.push(t.to_string());
    }
    lines.join("\n")
}

/// The feed as one `.ics` text.
pub fn calendar_ics(tasks: &[CalendarTask], events: &[CalendarEvent]) -> CalendarFeed {
    let mut cal = Calendar::new();
    cal.name("Daifuku").timezone(TZID);
    let mut todos = 0;
    for t in tasks {
        let Ok(due) = NaiveDate::parse_from_str(&t.due, "%Y-%m-%d") else { continue };
        let mut todo = Todo::new();
        todo.uid(&format!("{}@daifuku", t.id))
            .timestamp(stamp(t.updated_at))
            .summary(&match t.company.as_deref().filter(|c| !c.is_empty()) {
                Some(c) => format!("{}({c})", t.title),
                None => t.title.clone(),
            })
            .description(&description(t.company.as_deref(), t.contact.as_slice(), t.notes.as_deref()))
            .due(DatePerhapsTime::Date(due))
            .status(if t.done { TodoStatus::Completed } else { TodoStatus::NeedsAction });
        if t.done {
            todo.percent_complete(100);
        }
        cal.push(todo.done());
        todos += 1;
    }
    let mut n_events = 0;
    for e in events {
        let Some(start) = crate::validate::parse_datetime(&e.starts)
            .and_then(|s| NaiveDateTime::parse_from_str(&s, "%Y-%m-%dT%H:%M").ok())
        else {
            continue;
        };
        let what = e.subject.clone().filter(|s| !s.trim().is_empty()).unwrap_or_else(|| kind_label(&e.kind).into());
        let summary = match e.company.as_deref().filter(|c| !c.is_empty()) {
            Some(c) => format!("{}: {what}({c})", kind_label(&e.kind)),
            None => format!("{}: {what}", kind_label(&e.kind)),
        };
        let mut event = icalendar::Event::new();
        event
            .uid(&format!("{}@daifuku", e.id))
            .timestamp(stamp(e.updated_at))
            .summary(&summary)
            .description(&description(e.company.as_deref(), &e.contacts, e.content.as_deref()))
            .starts(local(start))
            .ends(local(start + Duration::minutes(EVENT_MINUTES)));
        cal.push(event.done());
        n_events += 1;
    }
    let text = cal.done().to_string();
    // The VTIMEZONE goes before the first component (see the module's note).
    let at = ["BEGIN:VTODO\r\n", "BEGIN:VEVENT\r\n", "END:VCALENDAR\r\n"]
        .iter()
        .filter_map(|m| text.find(m))
        .min()
        .unwrap_or(text.len());
    let ics = format!("{}{VTIMEZONE}{}", &text[..at], &text[at..]);
    CalendarFeed { ics, todos, events: n_events }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn task(notes: &str) -> CalendarTask {
        CalendarTask {
            id: "01J0TASK".into(),
            title: "見積書送付".into(),
            due: "2027-03-01".into(),
            done: false,
            company: Some("株式会社山田商事".into()),
            contact: Some("山田 太郎".into()),
            notes: Some(notes.into()),
            updated_at: 1_800_000_000_000,
        }
    }

    #[test]
    fn lines_are_folded_escaped_and_zoned() {
        let long = "価格は,保守込み;年額で（代）03-1234-5678 内線 123 へ連絡。".repeat(4);
        let event = CalendarEvent {
            id: "01J0EVENT".into(),
            kind: "visit".into(),
            subject: Some("定例訪問".into()),
            starts: "2027-03-02T10:30".into(),
            company: Some("山田商事".into()),
            contacts: vec!["山田 太郎".into(), "佐藤 花子".into()],
            content: None,
            updated_at: 1_800_000_000_000,
        };
        let feed = calendar_ics(&[task(&long)], &[event]);
        assert_eq!((feed.todos, feed.events), (1, 1));
        for line in feed.ics.split("\r\n") {
            assert!(line.len() <= 75, "{} octets: {line}", line.len());
        }
        let unfolded = feed.ics.replace("\r\n ", "");
        assert!(unfolded.contains("UID:01J0TASK@daifuku\r\n"));
        assert!(unfolded.contains("DUE;VALUE=DATE:20270301\r\n"), "{unfolded}");
        assert!(unfolded.contains("DTSTART;TZID=Asia/Tokyo:20270302T103000\r\n"), "{unfolded}");
        assert!(unfolded.contains("DTEND;TZID=Asia/Tokyo:20270302T113000\r\n"));
        assert!(unfolded.contains("保守込み\\;年額"), "semicolons escaped");
        assert!(unfolded.contains("価格は\\,"), "commas escaped");
        assert!(unfolded.contains("会社: 株式会社山田商事\\n担当者: 山田 太郎"));
        assert!(unfolded.contains("SUMMARY:訪問: 定例訪問(山田商事)"));
        // One VTIMEZONE, before the first component.
        let tz = unfolded.find("BEGIN:VTIMEZONE").unwrap();
        assert!(tz < unfolded.find("BEGIN:VTODO").unwrap());
        assert_eq!(unfolded.matches("BEGIN:VTIMEZONE").count(), 1);
    }

    #[test]
    fn the_same_records_give_the_same_file() {
        let a = calendar_ics(&[task("x")], &[]).ics;
        assert_eq!(a, calendar_ics(&[task("x")], &[]).ics);
        assert!(a.contains("DTSTAMP:20270115T080000Z"), "{a}");
    }
}
