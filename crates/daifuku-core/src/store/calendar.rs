//! What the calendar feed holds (issue 21 item 6) and its secret token.
//! The text itself is made by `export::ics`.

use chrono::{Duration, NaiveDate};
use rusqlite::params;

use super::Store;
use crate::error::{ApiError, Result};
use crate::export::ics::{calendar_ics, CalendarEvent, CalendarFeed, CalendarTask};

/// How far back the feed reaches: done tasks and past activities of the
/// last 90 days stay in the calendar; everything later is in it.
const PAST_DAYS: i64 = 90;
/// The most entries of each kind (a calendar app reads the whole feed on every refresh).
const MAX_ENTRIES: u32 = 5000;
/// Activity kinds that are appointments.
const SCHEDULED_KINDS: &str = "'meeting', 'visit', 'call'";

const TOKEN_KEY: &str = "calendar_token";

impl Store {
    /// The feed for `today`: open tasks with a due date, tasks done or due in
    /// the last 90 days, and meetings, visits and calls from 90 days ago on.
    pub fn calendar_feed(&self, today: &str) -> Result<CalendarFeed> {
        let since = NaiveDate::parse_from_str(today, "%Y-%m-%d")
            .map(|d| (d - Duration::days(PAST_DAYS)).format("%Y-%m-%d").to_string())
            .map_err(|_| ApiError::field("invalid_date", "today", "not a date"))?;
        let mut stmt = self.conn.prepare_cached(&format!(
            "SELECT t.id, t.title, t.due, t.done, c.display_name, p.display_name, t.notes, t.updated_at
             FROM tasks t
             LEFT JOIN companies c ON c.id = t.company_id AND c.deleted_at IS NULL
             LEFT JOIN contacts p ON p.id = t.contact_id AND p.deleted_at IS NULL
             WHERE t.deleted_at IS NULL AND t.due IS NOT NULL AND (t.done = 0 OR t.due >= ?1)
             ORDER BY t.due, t.id LIMIT {MAX_ENTRIES}"
        ))?;
        let tasks = stmt
            .query_map([&since], |r| {
                Ok(CalendarTask {
                    id: r.get(0)?,
                    title: r.get(1)?,
                    due: r.get(2)?,
                    done: r.get(3)?,
                    company: r.get(4)?,
                    contact: r.get(5)?,
                    notes: r.get(6)?,
                    updated_at: r.get(7)?,
                })
            })?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        let mut stmt = self.conn.prepare_cached(&format!(
            // A private activity's texts stay on this computer (issue 18): not in the feed.
            "SELECT a.id, a.kind, IIF(a.private = 1, NULL, a.subject), a.occurred_at, c.display_name,
                    IIF(a.private = 1, NULL, a.content), a.updated_at
             FROM activities a LEFT JOIN companies c ON c.id = a.company_id AND c.deleted_at IS NULL
             WHERE a.deleted_at IS NULL AND a.kind IN ({SCHEDULED_KINDS}) AND a.occurred_at >= ?1
             ORDER BY a.occurred_at, a.id LIMIT {MAX_ENTRIES}"
        ))?;
        let mut events = stmt
            .query_map([&since], |r| {
                Ok(CalendarEvent {
                    id: r.get(0)?,
                    kind: r.get(1)?,
                    subject: r.get(2)?,
                    starts: r.get(3)?,
                    company: r.get(4)?,
                    contacts: vec![],
                    content: r.get(5)?,
                    updated_at: r.get(6)?,
                })
            })?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        let mut names = self.conn.prepare_cached(
            "SELECT p.display_name FROM record_links l JOIN contacts p ON p.id = l.target_id AND p.deleted_at IS NULL
             WHERE l.record_id = ?1 AND l.field = 'contact_ids' ORDER BY p.sort_key, p.id",
        )?;
        for e in &mut events {
            e.contacts = names.query_map(params![e.id], |r| r.get(0))?.collect::<rusqlite::Result<_>>()?;
        }
        Ok(calendar_ics(&tasks, &events))
    }

    /// The secret of the feed's address (`/calendar/<token>.ics` of `daifuku
    /// serve`), if one was made.
    pub fn calendar_token(&self) -> Result<Option<String>> {
        self.setting(TOKEN_KEY)
    }

    /// Sets a new secret (the host draws it): the old address stops working.
    pub fn set_calendar_token(&self, token: &str) -> Result<()> {
        if token.len() < 32 || !token.bytes().all(|b| b.is_ascii_alphanumeric()) {
            return Err(ApiError::field("out_of_range", "token", "a feed token is at least 32 letters and digits"));
        }
        self.set_setting(TOKEN_KEY, Some(token))
    }
}
