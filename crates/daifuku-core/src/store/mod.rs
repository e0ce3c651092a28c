//! The SQLite store: opening and migrating the database, and every read and
//! write of records. All SQL of the core lives under this module.
//!
//! Invariants:
//! - every write runs in one transaction: on any error nothing is written;
//! - every write appends to the change log (`changes`), field by field, with a
//!   hybrid logical clock, so folder sync can ship it;
//! - display names, sort keys, match keys and list links are recomputed on
//!   every write, so they are never stale.

mod alloc;
// The APPI toolkit (issue 18 item 4): disclosure, correction, stop using, provision records, incidents.
pub mod appi;
mod attachments;
pub mod audit;
mod backup;
mod calendar;
mod changelog;
pub mod crypto;
mod demo;
mod derived;
mod duplicates;
pub mod erase;
mod follow_up;
mod handover;
mod history;
mod import_apply;
mod merge;
mod migrations;
mod orphans;
pub mod privacy;
mod read;
mod reports;
mod search;
mod settings;
mod snapshot;
mod sql;
mod sync_apply;
pub mod sync_conflicts;
mod trash_groups;
mod write;

use rand::{RngExt, SeedableRng};
use rand_chacha::ChaCha8Rng;
use rusqlite::Connection;
use serde::{Deserialize, Serialize};
use std::path::Path;
use ts_rs::TS;

use crate::error::Result;
use crate::model::Record;

/// The newest schema version this build knows (one per migration file).
pub fn latest_schema_version() -> i64 {
    migrations::latest() as i64
}

pub use attachments::{decode_attachment, guess_mime, AttachmentData, AttachmentItem};
pub use backup::{backup_name, check_backup, plan_rotation, rotate, BackupInfo, BackupSettings, RestoreInfo, Rotation};
pub use changelog::CLOCK_ADVANCE_CAP_MS;
pub use demo::DEMO_AUTHOR;
pub use duplicates::{DuplicateCandidate, DuplicateGroup, DuplicateLink, DuplicateRule};
pub use follow_up::{inverse_relation, CategoryLeadTimes, CompanyFate, RelatedCompany, RenewalAlert, RenewalLeadTimes};
pub use handover::{Handover, HandoverCounts, HandoverFilter, HandoverItem, HandoverMove, HandoverPlan};
pub use history::{
    parse_local_time, period_start, ChangeCounts, ChangeEntry, ChangedCompany, CompanyChanges, FeedPeriod, FieldChange,
};
pub use import_apply::SqlLookup;
pub use merge::{Merge, MergeChoice, MovedRef, TrashedRef};
pub use orphans::{Orphan, OrphanAction, OrphanChange};
pub use read::{Filter, FilterOp, Home, ListQuery, Page, TimelineEntry, TimelineOwner, TrashItem};
pub use reports::period_from;
pub use search::{MatchKind, SearchHit, Snippet, TIDY_PAGES};
pub use sync_apply::{ApplyStats, Peer};
pub use trash_groups::{DeletePreview, GroupCounts, TrashGroup, TrashGroups, GROUP_MEMBERS_SHOWN};

/// Who acts, when, and from which device. The core never reads the clock:
/// every caller passes one of these.
#[derive(Debug, Clone)]
pub struct Ctx {
    /// Wall-clock time of the caller, milliseconds since the Unix epoch (UTC).
    pub now_ms: i64,
    /// The caller's offset from UTC in minutes (Japan: 540), for "today".
    pub tz_offset_min: i32,
    /// The acting user (a `user` record id), if one is chosen.
    pub user_id: Option<String>,
    /// This device's id (stable per database).
    pub device_id: String,
}

impl Ctx {
    pub fn new(now_ms: i64, device_id: impl Into<String>) -> Ctx {
        Ctx { now_ms, tz_offset_min: 540, user_id: None, device_id: device_id.into() }
    }
    fn local(&self) -> chrono::NaiveDateTime {
        chrono::DateTime::from_timestamp_millis(self.now_ms + self.tz_offset_min as i64 * 60_000)
            .unwrap_or_default()
            .naive_utc()
    }
    /// The caller's local date, `YYYY-MM-DD`.
    pub fn today(&self) -> String {
        self.local().format("%Y-%m-%d").to_string()
    }
    /// The caller's local date and time, `YYYY-MM-DDTHH:MM`.
    pub fn local_datetime(&self) -> String {
        self.local().format("%Y-%m-%dT%H:%M").to_string()
    }
}

/// A record as stored: its envelope and its typed fields.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct Stored {
    pub id: String,
    /// Increases on every write; updates may name the version they edited.
    #[ts(type = "number")]
    pub version: i64,
    #[ts(type = "number")]
    pub created_at: i64,
    pub created_by: Option<String>,
    #[ts(type = "number")]
    pub updated_at: i64,
    pub updated_by: Option<String>,
    #[ts(type = "number | null")]
    pub deleted_at: Option<i64>,
    pub deleted_by: Option<String>,
    pub display_name: String,
    #[serde(flatten)]
    #[ts(flatten)]
    pub record: Record,
}

/// Page cache of a connection, negative: in KiB (64 MB; SQLite's default
/// is 2 MB). A search or a list reads a few hundred pages of indexes and
/// records; with the default cache, repeated searches read them from the
/// operating system again and again (a third of a search's time was the
/// read system calls).
const PAGE_CACHE_KIB: i64 = -65_536;

/// Page cache of a bulk write, negative: in KiB (256 MB).
const BULK_CACHE_KIB: i64 = -262_144;

pub(crate) struct BulkCache<'a> {
    conn: &'a Connection,
    before: i64,
}

impl Drop for BulkCache<'_> {
    fn drop(&mut self) {
        let _ = self.conn.pragma_update(None, "cache_size", self.before);
    }
}

/// Runs `f`, a read of several statements, in one read transaction: one
/// consistent view of the database, and one lock instead of one per
/// statement (each statement outside a transaction takes and releases the
/// WAL read lock: system calls that were a quarter of a search's time).
/// Inside a transaction already, `f` just runs.
pub(crate) fn read<T>(conn: &Connection, f: impl FnOnce() -> Result<T>) -> Result<T> {
    if !conn.is_autocommit() {
        return f();
    }
    let tx = conn.unchecked_transaction()?;
    let out = f()?;
    tx.commit()?;
    Ok(out)
}

/// How long a write waits for another connection's write transaction (a
/// sync round's apply, a step of the search index tidy) before failing with
/// `busy`.
pub const BUSY_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(5);

pub struct Store {
    conn: Connection,
    ids: ChaCha8Rng,
}

impl Store {
    /// Opens (creating if needed) and migrates the database at `path`.
    pub fn open(path: &Path) -> Result<Store> {
        if let Some(dir) = path.parent() {
            if !dir.as_os_str().is_empty() {
                std::fs::create_dir_all(dir)
                    .map_err(|e| crate::ApiError::new("io", format!("cannot create {}: {e}", dir.display())))?;
            }
        }
        alloc::install();
        let conn = Connection::open(path)?;
        // An encrypted file is keyed first thing (issue 18), with the key its
        // front end unlocked; without one: `wrong_passphrase`, nothing written.
        crypto::key_connection(&conn, path)?;
        Store::setup(conn)
    }

    /// The key this store's database file is opened with (`None`: plain or in memory).
    pub fn db_key(&self) -> Option<crypto::DbKey> {
        self.path().and_then(|p| crypto::key_for(&p))
    }

    /// A private in-memory database (tests, previews).
    pub fn open_in_memory() -> Result<Store> {
        alloc::install();
        Store::setup(Connection::open_in_memory()?)
    }

    fn setup(mut conn: Connection) -> Result<Store> {
        conn.busy_timeout(BUSY_TIMEOUT)?;
        conn.pragma_update(None, "journal_mode", "WAL")?;
        conn.pragma_update(None, "synchronous", "NORMAL")?;
        conn.pragma_update(None, "foreign_keys", true)?;
        // Statement journals (every insert into a table with triggers or
        // unique indexes inside a transaction keeps one) and sorter spills
        // in memory, not in temporary files: writing them showed as ~10% of
        // a bulk import's time in profiles.
        conn.pragma_update(None, "temp_store", "MEMORY")?;
        conn.pragma_update(None, "cache_size", PAGE_CACHE_KIB)?;
        // One write or search uses a few dozen statements (per kind, per
        // derived table); rusqlite keeps 16 by default and re-prepares the rest.
        conn.set_prepared_statement_cache_capacity(256);
        migrations::migrate(&mut conn)?;
        Ok(Store { conn, ids: ChaCha8Rng::from_rng(&mut rand::rng()) })
    }

    /// Gives a bulk write (an import, a sync round) a large page cache while
    /// the returned guard lives. With SQLite's default 2 MB, one transaction
    /// writing many records spills dirty pages to the WAL and reads them
    /// back over and over; the extra memory is freed when the guard drops.
    pub(crate) fn bulk_cache(conn: &Connection) -> Result<BulkCache<'_>> {
        let before: i64 = conn.pragma_query_value(None, "cache_size", |r| r.get(0))?;
        conn.pragma_update(None, "cache_size", BULK_CACHE_KIB)?;
        Ok(BulkCache { conn, before })
    }

    /// Makes record ids reproducible (tests, generated demo data).
    pub fn seed_ids(&mut self, seed: u64) {
        self.ids = ChaCha8Rng::seed_from_u64(seed);
    }

    /// The underlying connection, for read-only queries of other core modules.
    pub fn conn(&self) -> &Connection {
        &self.conn
    }

    /// The schema version the database is at.
    pub fn schema_version(&self) -> Result<i64> {
        Ok(self.conn.pragma_query_value(None, "user_version", |r| r.get(0))?)
    }
}

/// A new UUIDv7 from the caller's time and the store's random source.
fn new_id(ids: &mut ChaCha8Rng, now_ms: i64) -> String {
    let bytes: [u8; 10] = ids.random();
    uuid::Builder::from_unix_timestamp_millis(now_ms.max(0) as u64, &bytes).into_uuid().to_string()
}
