//! The one command API. The desktop shell, the CLI and the HTTP bridge all
//! send a [`Command`] to [`execute`] and get a [`Response`] or an
//! [`ApiError`] back; nothing else of the core is called by a front end.

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use ts_rs::TS;

use crate::error::Result;
use crate::model::{Kind, KindMeta, Record};
use crate::reading::ReadingSuggestion;
use crate::store::{Ctx, Home, ListQuery, Page, Store, Stored, TimelineEntry, TimelineOwner, TrashItem};
use crate::store::{DuplicateCandidate, DuplicateGroup, Merge, MergeChoice, SearchHit};
use crate::sync::{ConflictChoice, SyncConflict, SyncStatus};
use std::collections::BTreeMap;

/// Everything a front end can ask of the core.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(tag = "cmd", rename_all = "snake_case")]
pub enum Command {
    /// The field tables of every record kind (labels, types, choices), for generic forms.
    Schema,
    /// Creates a record.
    Create { record: Record },
    /// Creates a record of `kind` from loosely typed fields (form inputs, CLI
    /// flags): numbers may come as text ("1,200"), lists as comma-separated
    /// text; every problem comes back as a field error.
    Add {
        kind: Kind,
        #[ts(type = "{ [field in string]?: unknown }")]
        fields: Map<String, Value>,
    },
    /// One record, live or in the trash.
    Get { kind: Kind, id: String },
    /// Replaces a record's fields (a whole form). With `version`, fails with
    /// `stale` if someone else saved since.
    Update {
        id: String,
        #[ts(type = "number | null")]
        version: Option<i64>,
        record: Record,
    },
    /// Changes some fields of a record (null clears a field).
    Patch {
        kind: Kind,
        id: String,
        #[ts(type = "number | null")]
        version: Option<i64>,
        #[ts(type = "{ [field in string]?: unknown }")]
        fields: Map<String, Value>,
    },
    /// Moves a record to the trash; a company takes along its contacts,
    /// deals, open tasks and its own activities (one group, each delete synced).
    Delete { kind: Kind, id: String },
    /// 監査ログ: entries of the audit trail, newest first (issue 18).
    AuditList {
        #[serde(default)]
        query: crate::store::audit::AuditQuery,
    },
    /// Checks the audit trail's hash chains.
    AuditVerify,
    // ---- the APPI toolkit, per person (issue 18 item 4; store/appi) ----
    /// 開示: everything held about a contact as a JSON file and a Japanese
    /// HTML page, written into `out_dir` (else their bytes come back). Audited.
    DiscloseContact {
        id: String,
        #[serde(default)]
        #[ts(optional)]
        out_dir: Option<String>,
    },
    /// 訂正: an edit of a contact with the reason, which goes to the audit trail.
    CorrectContact {
        id: String,
        #[serde(default)]
        #[ts(type = "number | null")]
        version: Option<i64>,
        #[ts(type = "{ [field in string]?: unknown }")]
        fields: Map<String, Value>,
        reason: String,
    },
    /// 利用停止 (or its end): keeps the person out of mailing lists, exports
    /// for third parties and suggestions. Stopping needs a reason. Audited.
    SetUseStopped {
        id: String,
        stopped: bool,
        #[serde(default)]
        #[ts(optional)]
        reason: Option<String>,
    },
    /// An export of contacts for a third party: the recipient and purpose
    /// are recorded with who was in it (第三者提供記録); people whose use is
    /// stopped are left out.
    ExportThirdParty {
        kind: Kind,
        #[serde(default)]
        query: ListQuery,
        #[serde(default)]
        options: crate::export::ExportOptions,
        #[serde(default)]
        #[ts(optional)]
        path: Option<String>,
        third_party: crate::store::appi::provision::ThirdParty,
    },
    /// The records of provision to third parties, newest first (of one person with `contact_id`).
    Provisions {
        #[serde(default)]
        #[ts(optional)]
        contact_id: Option<String>,
    },
    /// 漏えい等: adds an incident to the register; answers it with whether a report is due.
    IncidentAdd { incident: crate::store::appi::incident::IncidentInput },
    /// The incident register.
    Incidents,
    /// Brings a record back from the trash; a company brings back its group.
    Restore { kind: Kind, id: String },
    /// What deleting a record would move to the trash (the confirmation's counts).
    DeletePreview { kind: Kind, id: String },
    /// A page of the trash with each company's group folded in (`limit` ≤ 1000).
    TrashGroups { offset: u32, limit: u32 },
    /// 消去 (issue 18): a contact and what lives inside it, erased everywhere
    /// (this database, its WAL, and through the sync folder every device);
    /// `dry_run`: only what would go. Audited (ids only).
    EraseContact {
        id: String,
        #[serde(default)]
        #[ts(optional)]
        dry_run: Option<bool>,
    },
    /// 完全に削除: one record of the trash (a company with its group), erased like 消去.
    TrashPurge {
        kind: Kind,
        id: String,
        #[serde(default)]
        #[ts(optional)]
        dry_run: Option<bool>,
    },
    /// 空にする: everything in the trash, erased like 消去.
    TrashEmpty {
        #[serde(default)]
        #[ts(optional)]
        dry_run: Option<bool>,
    },
    /// Backups made before an erase that still hold the records: erase them
    /// there too (the file is rewritten) or delete the files.
    EraseInBackups { ids: Vec<String>, paths: Vec<String>, action: crate::store::erase::BackupErase },
    /// Live records under a company in the trash (from another laptop).
    Orphans,
    /// Settles one: restore the company, move the record, or delete it too.
    ResolveOrphan { kind: Kind, id: String, action: crate::store::OrphanAction },
    /// A page of live records of one kind.
    List { kind: Kind, query: ListQuery },
    /// Records in the trash, newest first (a page: `limit` ≤ 1000).
    Trash { offset: u32, limit: u32 },
    /// How many records are in the trash, of every kind.
    TrashCount,
    /// A company's or a contact's history, newest first.
    Timeline { owner: TimelineOwner, offset: u32, limit: u32 },
    /// The Home screen: tasks due, contracts up for renewal, recent activities.
    /// With `mine`, only the current user's tasks.
    Home { mine: bool },
    /// This database's settings.
    GetSettings,
    /// Chooses who is using the app (their writes carry this user).
    SetCurrentUser { user_id: Option<String> },
    /// One search over companies, contacts, deals, products and activities
    /// (Ctrl+K, list filters): ranked hits with a snippet. `kinds` narrows
    /// it (empty or absent: all); `limit` ≤ 200, default 20.
    Search {
        q: String,
        #[serde(default)]
        #[ts(optional)]
        limit: Option<u32>,
        #[serde(default)]
        #[ts(optional)]
        kinds: Option<Vec<Kind>>,
    },
    /// Records a company or contact being created or edited may duplicate,
    /// each with the rules that fired (`exclude_id`: the record being edited).
    /// Advice only: saving is never blocked.
    CheckDuplicates {
        kind: Kind,
        #[ts(type = "{ [field in string]?: unknown }")]
        fields: Map<String, Value>,
        #[serde(default)]
        #[ts(optional)]
        exclude_id: Option<String>,
    },
    /// Every group of possible duplicates of companies or contacts.
    FindDuplicates { kind: Kind },
    /// Merges `loser_id` into `survivor_id`: per field, whose value to keep
    /// (absent: the survivor's); every reference moves to the survivor and
    /// the loser goes to the trash.
    Merge {
        kind: Kind,
        survivor_id: String,
        loser_id: String,
        #[serde(default)]
        choices: BTreeMap<String, MergeChoice>,
    },
    /// Undoes a merge: both records and every moved reference as before.
    UndoMerge { merge_id: String },
    /// Recent merges, newest first.
    Merges {
        #[serde(default)]
        #[ts(optional)]
        limit: Option<u32>,
    },
    // ---- hand-over and "what changed since I last looked" (issue 21 items 4, 5) ----
    /// What handing one user's records over to another would move: their
    /// companies (optionally only those in a prefecture or of a rank), their
    /// contacts, open deals and open tasks, and the renewals that follow.
    HandoverPreview {
        from_user_id: String,
        to_user_id: String,
        #[serde(default)]
        filter: crate::store::HandoverFilter,
    },
    /// Hands them over in one undoable step (each owner change syncs).
    HandoverApply {
        from_user_id: String,
        to_user_id: String,
        #[serde(default)]
        filter: crate::store::HandoverFilter,
    },
    /// Gives back every owner a hand-over set (records handed on since keep theirs).
    HandoverUndo { handover_id: String },
    /// Recent hand-overs made on this computer, newest first.
    Handovers {
        #[serde(default)]
        #[ts(optional)]
        limit: Option<u32>,
    },
    /// What changed on a company and around it: since `since`
    /// (`YYYY-MM-DDTHH:MM`, local time, everyone's changes) or, without it,
    /// since the current user last opened it (others' changes). With
    /// `mark_seen`, notes that the user opened it now.
    CompanyChanges {
        company_id: String,
        #[serde(default)]
        #[ts(optional)]
        since: Option<String>,
        #[serde(default)]
        mark_seen: bool,
    },
    /// The companies the current user opened on this computer that others changed since.
    ChangedCompanies,
    /// Who changed what in the office today or this week, newest first,
    /// optionally by one user.
    OfficeFeed {
        period: crate::store::FeedPeriod,
        #[serde(default)]
        #[ts(optional)]
        user_id: Option<String>,
        #[serde(default)]
        #[ts(optional)]
        limit: Option<u32>,
    },
    /// A katakana reading (フリガナ) suggested for a name written in kanji.
    SuggestReading { text: String },
    /// Folder sync: last round, local changes waiting, other devices and
    /// when each was last seen, files that could not be read.
    SyncStatus,
    /// Values sync kept aside (two devices edited the same field, or a
    /// record was edited on one device while deleted on another), newest first.
    SyncConflicts {
        #[serde(default)]
        #[ts(optional)]
        limit: Option<u32>,
    },
    /// Edits made on a computer whose clock was far ahead when they were
    /// made (stamped more than 5 minutes after this device learned them).
    SyncSkewedEdits {
        #[serde(default)]
        #[ts(optional)]
        limit: Option<u32>,
    },
    /// Settles a conflict: keep the current value, or take the other one
    /// (for an edit made while deleted: restore the record). Syncs like an edit.
    ResolveConflict {
        #[ts(type = "number")]
        id: i64,
        choice: ConflictChoice,
        /// With `other`: which losing value (its version); default the newest.
        #[serde(default)]
        #[ts(optional)]
        version: Option<String>,
    },
    /// Sets up the app's folder sync: the shared folder, the workspace
    /// passphrase (absent or null: keep the saved one; "": no encryption) and
    /// this computer's name. Saved in this database only; answers the status.
    /// With `s3`: an S3-compatible bucket instead of the folder (`folder` is
    /// then ignored; keys absent: keep the saved ones).
    SyncConfigure {
        #[serde(default)]
        folder: String,
        #[serde(default)]
        #[ts(optional)]
        s3: Option<crate::sync::S3Settings>,
        #[serde(default)]
        #[ts(optional)]
        passphrase: Option<String>,
        #[serde(default)]
        #[ts(optional)]
        device_name: Option<String>,
    },
    /// Stops the app's syncing; what was synced stays.
    SyncDisable,
    /// Reads a file (CSV in UTF-8/Shift_JIS/UTF-16, Excel, vCard) and shows
    /// what importing it would do, without writing: the mapping (guessed,
    /// saved for this layout, or given), row-level errors and warnings,
    /// duplicates within the file and against the database, and the rows
    /// in error as a downloadable CSV.
    ImportPreview {
        file: crate::import::FileSource,
        #[serde(default)]
        options: crate::import::ImportOptions,
    },
    /// Imports a file in one transaction (all or nothing). If rows have
    /// errors it fails with `import_has_errors` unless `accept_errors`: the
    /// user chose to import the good rows only.
    ImportApply {
        file: crate::import::FileSource,
        #[serde(default)]
        options: crate::import::ImportOptions,
        #[serde(default)]
        accept_errors: bool,
    },
    /// A list view (a kind with its filters; paging ignored) as CSV (UTF-8
    /// with BOM or Shift_JIS), XLSX, vCard 4.0 (contacts) or JSON. With
    /// `path` the file is written there, else its bytes come back in base64.
    Export {
        kind: Kind,
        #[serde(default)]
        query: ListQuery,
        #[serde(default)]
        options: crate::export::ExportOptions,
        #[serde(default)]
        #[ts(optional)]
        path: Option<String>,
    },
    /// The mailing list (DM): current title, department and address only,
    /// without bounced or moved addresses, closed companies and (optionally)
    /// recent buyers. With `export`, also as a file (written to `path` if given).
    MailingList {
        #[serde(default)]
        options: crate::export::mailing::MailingOptions,
        #[serde(default)]
        #[ts(optional)]
        export: Option<crate::export::ExportOptions>,
        #[serde(default)]
        #[ts(optional)]
        path: Option<String>,
    },
    /// Writes a consistent copy of the database to `path` (safe while the app runs).
    Backup { path: String },
    /// The daily rolling backup: today's `daifuku-backup-YYYY-MM-DD.db` in
    /// `dir` unless it exists, then all but the newest `keep` deleted.
    RollingBackup { dir: String, keep: u32 },
    /// Replaces the database with a backup file, after checking it is a
    /// Daifuku database this app knows. The current database is kept beside
    /// it as `<db>.before-restore-<time>.db`. `confirm` must be true.
    RestoreBackup {
        path: String,
        confirm: bool,
        /// The backup's own passphrase, when it was encrypted under another
        /// one than the database's (made before a rekey, or on another
        /// computer); without it such a backup answers `wrong_passphrase`.
        #[serde(default)]
        #[ts(optional)]
        passphrase: Option<String>,
    },
    // ---- attachments (issue 5) ----
    /// Attaches a file (base64 bytes, at most 20 MB) to a company, contact,
    /// activity, deal, product, case study, purchase or task. The bytes are
    /// stored once per content (SHA-256) and sync as their own file.
    AttachFile {
        owner_kind: Kind,
        owner_id: String,
        name: String,
        #[serde(default)]
        #[ts(optional)]
        mime: Option<String>,
        base64: String,
    },
    /// A record's attachments, oldest first; `available: false` while the
    /// bytes are still coming from another computer.
    Attachments { owner_kind: Kind, owner_id: String },
    /// An attachment's bytes in base64 (`attachment_pending` while they are
    /// still coming from another computer).
    AttachmentData { sha256: String },
    /// Moves an attachment to the trash.
    DeleteAttachment { id: String },
    // ---- import jobs and backup settings (issue 6) ----
    /// Writes a file the core made (an export's or a mailing list's bytes,
    /// a preview's error CSV) to `path`: how the desktop app saves them,
    /// since its webview does not download.
    SaveFile { path: String, file: crate::export::FileData },
    /// The automatic backup settings, the backup folder and the backups in it.
    GetBackupSettings,
    /// Turns the automatic daily backup on or off, how many to keep, and
    /// the folder (absent or empty: `backups` beside the database).
    SetBackupSettings {
        enabled: bool,
        keep: u32,
        #[serde(default)]
        #[ts(optional)]
        dir: Option<String>,
    },
    /// What the About screen (バージョン情報) shows: the app's version, the
    /// schema version, the database file and its size, and record counts.
    AppInfo,
    // ---- first run (issue 23) ----
    /// What the welcome screen needs: is this database new (no records, no
    /// current user), was the welcome closed, how many demo records are live.
    FirstRunState,
    /// Moves every demo record to the trash in one step; the user's own
    /// records stay. Answers the first-run state.
    DemoRemove,
    /// Closes the welcome screen for good, with the user's company name.
    WelcomeDone {
        #[serde(default)]
        #[ts(optional)]
        company_name: Option<String>,
    },
    // ---- renewals, calendar feed, related companies (issue 21 items 3, 6, 7) ----
    /// The renewal reminders' lead times (days before a contract's renewal
    /// date; default 90, 60 and 30), overall and per product category.
    RenewalLeadTimes,
    /// Saves the lead times (each 1–730 days); answers them tidied.
    SetRenewalLeadTimes { lead_times: crate::store::RenewalLeadTimes },
    /// This week's renewal reminders (also on Home).
    RenewalAlerts,
    /// The reminders for the once-a-day desktop notification: those that fell
    /// due since the last day this computer was notified; empty when today
    /// was already notified (the day is remembered).
    RenewalNotify,
    /// A company's relations from its side, including those recorded on the
    /// other company (turned around: 親会社 ↔ 子会社).
    CompanyRelations { company_id: String },
    /// Of these companies, the ones merged into or acquired by another.
    CompanyFates { ids: Vec<String> },
    /// Tasks with a due date and scheduled visits, meetings and calls as
    /// iCalendar (RFC 5545) text.
    CalendarFeed,
    /// The calendar feed's secret token, if one was made (the host's
    /// `calendar_new_token` makes one).
    CalendarFeedInfo,
    // ---- priorities, cross-sell and up-sell (issue 21 items 1 and 2) ----
    /// ABC analysis of the purchases' revenue in the last `months` months
    /// (default: the saved setting, 12): each company's revenue, share,
    /// cumulative share, suggested and current rank.
    ReportAbc {
        #[serde(default)]
        #[ts(optional)]
        months: Option<u32>,
    },
    /// Sets every company's rank to the suggested one, in one undoable step.
    ApplyRankSuggestions {
        #[serde(default)]
        #[ts(optional)]
        months: Option<u32>,
    },
    /// Undoes an "apply suggestions": each rank back unless changed since.
    UndoRankSuggestions { id: String },
    /// Ranked companies overdue for contact (target interval per rank).
    ContactRhythm,
    /// Customers without activity for `days` days (default: the setting, 180).
    Dormant {
        #[serde(default)]
        #[ts(optional)]
        days: Option<u32>,
    },
    /// Products to propose to a company: cross-sell (association rules over
    /// the office's purchases, with their reason) and up-sell.
    CrossSell { company_id: String },
    /// Every association rule passing the minimums, best first.
    CrossSellRules,
    /// The priorities' and cross-sell's settings.
    ReportSettings,
    /// Saves them (every value checked).
    SetReportSettings { settings: crate::report::ReportSettings },
}

/// What a command returns.
#[derive(Debug, Clone, Serialize, TS)]
#[serde(tag = "type", content = "data", rename_all = "snake_case")]
pub enum Response {
    Schema(Vec<KindMeta>),
    Record(Stored),
    Page(Page),
    Trash(Vec<TrashItem>),
    AuditEntries(Vec<crate::store::audit::AuditRecord>),
    AuditVerification(crate::store::audit::AuditVerification),
    Disclosure(crate::store::appi::disclosure::Disclosure),
    ThirdPartyExport(crate::store::appi::provision::ThirdPartyExport),
    Provisions(Vec<crate::store::appi::provision::Provision>),
    Incident(crate::store::appi::incident::Incident),
    Incidents(crate::store::appi::incident::IncidentRegister),
    DeletePreview(crate::store::DeletePreview),
    Erased(crate::store::erase::ErasePlan),
    BackupsErased(crate::store::erase::BackupsErased),
    TrashGroups(crate::store::TrashGroups),
    Orphans(Vec<crate::store::Orphan>),
    TrashCount(#[ts(type = "number")] u64),
    Timeline(Vec<TimelineEntry>),
    Settings(Settings),
    Home(Home),
    Search(Vec<SearchHit>),
    DuplicateCandidates(Vec<DuplicateCandidate>),
    DuplicateGroups(Vec<DuplicateGroup>),
    Merge(Merge),
    Merges(Vec<Merge>),
    HandoverPlan(crate::store::HandoverPlan),
    Handover(crate::store::Handover),
    Handovers(Vec<crate::store::Handover>),
    CompanyChanges(crate::store::CompanyChanges),
    ChangedCompanies(Vec<crate::store::ChangedCompany>),
    OfficeFeed(Vec<crate::store::ChangeEntry>),
    Reading(ReadingSuggestion),
    SyncStatus(SyncStatus),
    SyncConflicts(Vec<SyncConflict>),
    ConflictResolved(SyncConflict),
    SkewedEdits(Vec<crate::store::sync_conflicts::SkewedEdit>),
    ImportPreview(crate::import::ImportPreview),
    ImportReport(crate::import::ImportReport),
    Exported(crate::export::ExportResult),
    MailingList(MailingListResult),
    Backup(crate::store::BackupInfo),
    Rotation(crate::store::Rotation),
    Restored(crate::store::RestoreInfo),
    Attachment(crate::store::AttachmentItem),
    Attachments(Vec<crate::store::AttachmentItem>),
    AttachmentData(crate::store::AttachmentData),
    BackupSettings(crate::store::BackupSettings),
    AppInfo(AppInfo),
    FirstRun(FirstRunState),
    RenewalLeadTimes(crate::store::RenewalLeadTimes),
    RenewalAlerts(Vec<crate::store::RenewalAlert>),
    CompanyRelations(Vec<crate::store::RelatedCompany>),
    CompanyFates(Vec<crate::store::CompanyFate>),
    Calendar(crate::export::ics::CalendarFeed),
    CalendarFeedInfo(CalendarFeedInfo),
    Abc(crate::report::AbcReport),
    RankApplication(crate::report::RankApplication),
    ContactRhythm(Vec<crate::report::ContactDue>),
    Dormant(Vec<crate::report::DormantCompany>),
    CrossSell(crate::report::CrossSellReport),
    CrossSellRules(Vec<crate::report::crosssell::Rule>),
    ReportSettings(crate::report::ReportSettings),
}

/// The calendar feed's address secret.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct CalendarFeedInfo {
    /// `None`: no feed address made yet.
    pub token: Option<String>,
}

/// The welcome screen's view of the database.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct FirstRunState {
    /// No live records and no current user: show the welcome screen.
    pub new: bool,
    /// The user closed the welcome screen (any choice there).
    pub welcome_done: bool,
    /// Live demo records, every kind (0: no demo data).
    #[ts(type = "number")]
    pub demo_records: u64,
    /// The user's own company, as given on the welcome screen.
    pub company_name: Option<String>,
}

/// Per-database settings.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct Settings {
    pub device_id: String,
    pub current_user_id: Option<String>,
    #[ts(type = "number")]
    pub schema_version: i64,
}

/// Runs one command; the audit trail records it when it is one of those it
/// keeps (exports, backups, deletes…: `store::audit`).
pub fn execute(store: &mut Store, ctx: &Ctx, cmd: Command) -> Result<Response> {
    let audit = crate::store::audit::AuditEntry::planned(&cmd);
    let response = execute_command(store, ctx, cmd)?;
    if let Some(entry) = audit {
        store.audit_response(ctx, entry, &response)?;
    }
    Ok(response)
}

fn execute_command(store: &mut Store, ctx: &Ctx, cmd: Command) -> Result<Response> {
    Ok(match cmd {
        Command::Schema => Response::Schema(Kind::ALL.iter().map(|k| *k.meta()).collect()),
        Command::Create { record } if record.kind() == Kind::Attachment => return Err(attach_with_bytes()),
        Command::Add { kind: Kind::Attachment, .. } => return Err(attach_with_bytes()),
        Command::Create { record } => {
            store.check_use_stopped_unchanged(record.kind(), None, &record.to_fields())?;
            Response::Record(store.create(ctx, record)?)
        }
        Command::Add { kind, fields } => {
            store.check_use_stopped_unchanged(kind, None, &fields)?;
            Response::Record(store.create_fields(ctx, kind, fields)?)
        }
        Command::Get { kind, id } => Response::Record(store.get(kind, &id)?),
        Command::Update { id, version, record } => {
            store.check_use_stopped_unchanged(record.kind(), Some(&id), &record.to_fields())?;
            Response::Record(store.replace(ctx, &id, version, record)?)
        }
        Command::Patch { kind, id, version, fields } => {
            store.check_use_stopped_unchanged(kind, Some(&id), &fields)?;
            Response::Record(store.update(ctx, kind, &id, version, fields)?)
        }
        Command::Delete { kind, id } => Response::Record(store.delete_cascading(ctx, kind, &id)?.0),
        Command::Restore { kind, id } => Response::Record(store.restore_cascading(ctx, kind, &id)?.0),
        Command::DeletePreview { kind, id } => Response::DeletePreview(store.delete_preview(kind, &id)?),
        Command::TrashGroups { offset, limit } => Response::TrashGroups(store.trash_groups(offset, limit)?),
        Command::EraseContact { id, dry_run } => {
            Response::Erased(store.erase_contact(ctx, &id, dry_run.unwrap_or(false))?)
        }
        Command::TrashPurge { kind, id, dry_run } => {
            Response::Erased(store.trash_purge(ctx, kind, &id, dry_run.unwrap_or(false))?)
        }
        Command::TrashEmpty { dry_run } => Response::Erased(store.trash_empty(ctx, dry_run.unwrap_or(false))?),
        Command::EraseInBackups { ids, paths, action } => {
            Response::BackupsErased(store.erase_in_backups(ctx, &ids, &paths, action)?)
        }
        Command::Orphans => Response::Orphans(store.orphans()?),
        Command::ResolveOrphan { kind, id, action } => Response::Record(store.resolve_orphan(ctx, kind, &id, action)?),
        Command::AuditList { query } => Response::AuditEntries(store.audit_list(&query)?),
        Command::AuditVerify => Response::AuditVerification(store.audit_verify()?),
        Command::DiscloseContact { id, out_dir } => {
            Response::Disclosure(store.disclose_contact(ctx, &id, out_dir.as_deref())?)
        }
        Command::CorrectContact { id, version, fields, reason } => {
            Response::Record(store.correct_contact(ctx, &id, version, &fields, Some(&reason))?)
        }
        Command::SetUseStopped { id, stopped, reason } => {
            Response::Record(store.set_use_stopped(ctx, &id, stopped, reason.as_deref())?)
        }
        Command::ExportThirdParty { kind, query, options, path, third_party } => Response::ThirdPartyExport(
            store.export_third_party(ctx, kind, &query, &options, path.as_deref(), &third_party)?,
        ),
        Command::Provisions { contact_id } => Response::Provisions(store.provisions(contact_id.as_deref())?),
        Command::IncidentAdd { incident } => Response::Incident(store.incident_add(ctx, &incident)?),
        Command::Incidents => Response::Incidents(store.incidents()?),
        Command::List { kind, query } => Response::Page(store.list(kind, &query)?),
        Command::Trash { offset, limit } => Response::Trash(store.trash(offset, limit)?),
        Command::TrashCount => Response::TrashCount(store.trash_count()?),
        Command::Timeline { owner, offset, limit } => Response::Timeline(store.timeline(&owner, offset, limit)?),
        Command::Home { mine } => {
            let user = if mine { store.current_user()? } else { None };
            Response::Home(store.home(&ctx.today(), user.as_deref())?)
        }
        Command::GetSettings => Response::Settings(settings(store)?),
        Command::SetCurrentUser { user_id } => {
            store.set_current_user(user_id.as_deref())?;
            Response::Settings(settings(store)?)
        }
        Command::Search { q, limit, kinds } => {
            Response::Search(store.search(&q, limit.unwrap_or(20), kinds.as_deref().unwrap_or_default())?)
        }
        Command::CheckDuplicates { kind, fields, exclude_id } => {
            Response::DuplicateCandidates(store.check_duplicates(kind, &fields, exclude_id.as_deref())?)
        }
        Command::FindDuplicates { kind } => Response::DuplicateGroups(store.find_duplicates(kind)?),
        Command::Merge { kind, survivor_id, loser_id, choices } => {
            Response::Merge(store.merge(ctx, kind, &survivor_id, &loser_id, &choices)?)
        }
        Command::UndoMerge { merge_id } => Response::Merge(store.undo_merge(ctx, &merge_id)?),
        Command::Merges { limit } => Response::Merges(store.merges(limit.unwrap_or(50))?),
        Command::HandoverPreview { from_user_id, to_user_id, filter } => {
            Response::HandoverPlan(store.handover_preview(ctx, &from_user_id, &to_user_id, &filter)?)
        }
        Command::HandoverApply { from_user_id, to_user_id, filter } => {
            Response::Handover(store.handover_apply(ctx, &from_user_id, &to_user_id, &filter)?)
        }
        Command::HandoverUndo { handover_id } => Response::Handover(store.handover_undo(ctx, &handover_id)?),
        Command::Handovers { limit } => Response::Handovers(store.handovers(limit.unwrap_or(20))?),
        Command::CompanyChanges { company_id, since, mark_seen } => {
            Response::CompanyChanges(company_changes(store, ctx, &company_id, since.as_deref(), mark_seen)?)
        }
        Command::ChangedCompanies => Response::ChangedCompanies(store.changed_companies(ctx.user_id.as_deref())?),
        Command::OfficeFeed { period, user_id, limit } => Response::OfficeFeed(store.office_feed(
            crate::store::period_start(ctx, period),
            user_id.as_deref(),
            limit.unwrap_or(200),
        )?),
        cmd @ (Command::SuggestReading { .. } | Command::SaveFile { .. }) => execute_without_store(cmd)
            .unwrap_or_else(|_| Err(crate::ApiError::new("internal", "not a storeless command")))?,
        Command::SyncStatus => Response::SyncStatus(store.sync_status()?),
        Command::SyncConflicts { limit } => Response::SyncConflicts(store.sync_conflicts(limit.unwrap_or(100))?),
        Command::SyncSkewedEdits { limit } => Response::SkewedEdits(store.sync_skewed_edits(limit.unwrap_or(100))?),
        Command::ResolveConflict { id, choice, version } => {
            Response::ConflictResolved(store.resolve_conflict(ctx, id, choice, version.as_deref())?)
        }
        Command::SyncConfigure { folder, s3, passphrase, device_name } => Response::SyncStatus(store.sync_configure(
            &folder,
            s3.as_ref(),
            passphrase.as_deref(),
            device_name.as_deref(),
        )?),
        Command::SyncDisable => Response::SyncStatus(store.sync_disable()?),
        cmd @ (Command::ImportPreview { .. } | Command::ImportApply { .. }) => {
            execute_with_progress(store, ctx, cmd, &mut |_| crate::import::Flow::Continue)?
        }
        Command::Export { kind, query, options, path } => Response::Exported(
            crate::export::export(store, kind, &query, &options, &ctx.today())?.deliver(path.as_deref())?,
        ),
        Command::MailingList { options, export, path } => {
            let list = crate::export::mailing::mailing_list(store, &ctx.today(), &options)?;
            let file = match export {
                Some(opts) => {
                    let sheet = crate::export::mailing::mailing_sheet(&list);
                    let name = format!("mailing-list-{}", ctx.today());
                    Some(crate::export::write_sheet(&sheet, &opts, &name)?.deliver(path.as_deref())?)
                }
                None => None,
            };
            Response::MailingList(MailingListResult { list, file })
        }
        Command::Backup { path } => Response::Backup(store.backup_to(std::path::Path::new(&path))?),
        Command::RollingBackup { dir, keep } => {
            Response::Rotation(store.daily_backup(std::path::Path::new(&dir), &ctx.today(), keep as usize)?)
        }
        Command::RestoreBackup { path, confirm, passphrase } => {
            if let Some(p) = passphrase.filter(|p| !p.is_empty()) {
                // Derived once here; the restore below opens the backup with it.
                crate::store::crypto::unlock(std::path::Path::new(&path), &p)?;
            }
            if !confirm {
                return Err(crate::ApiError::new(
                    "confirmation_required",
                    "restoring replaces every record with the backup's; confirm to go on",
                ));
            }
            let db = store.path().ok_or_else(|| {
                crate::ApiError::new("invalid_path", "an in-memory database has no file to restore into")
            })?;
            let stamp = ctx.local_datetime().replace([':', '-'], "");
            let keep = std::path::PathBuf::from(format!("{}.before-restore-{stamp}.db", db.display()));
            // The audit trail since the backup survives the restore (issue 18).
            let audit = store.audit_all()?;
            let restored = store.restore_from(std::path::Path::new(&path), &keep)?;
            store.audit_carry_over(&audit)?;
            Response::Restored(restored)
        }
        Command::AttachFile { owner_kind, owner_id, name, mime, base64 } => {
            let bytes = crate::store::decode_attachment(&base64)?;
            Response::Attachment(store.attach_file(ctx, owner_kind, &owner_id, &name, mime.as_deref(), &bytes)?)
        }
        Command::Attachments { owner_kind, owner_id } => {
            Response::Attachments(store.attachments(owner_kind, &owner_id)?)
        }
        Command::AttachmentData { sha256 } => Response::AttachmentData(store.attachment_data(&sha256)?),
        Command::DeleteAttachment { id } => Response::Record(store.delete_attachment(ctx, &id)?),
        Command::GetBackupSettings => Response::BackupSettings(store.backup_settings()?),
        Command::SetBackupSettings { enabled, keep, dir } => {
            Response::BackupSettings(store.set_backup_settings(enabled, keep, dir.as_deref())?)
        }
        Command::AppInfo => Response::AppInfo(app_info(store)?),
        Command::FirstRunState => Response::FirstRun(first_run(store)?),
        Command::DemoRemove => {
            store.demo_remove(ctx)?;
            Response::FirstRun(first_run(store)?)
        }
        Command::WelcomeDone { company_name } => {
            store.set_welcome_done(company_name.as_deref())?;
            Response::FirstRun(first_run(store)?)
        }
        Command::RenewalLeadTimes => Response::RenewalLeadTimes(store.renewal_lead_times()?),
        Command::SetRenewalLeadTimes { lead_times } => {
            Response::RenewalLeadTimes(store.set_renewal_lead_times(lead_times)?)
        }
        Command::RenewalAlerts => Response::RenewalAlerts(store.renewal_alerts(&ctx.today())?),
        Command::RenewalNotify => Response::RenewalAlerts(store.renewal_notify(&ctx.today())?),
        Command::CompanyRelations { company_id } => Response::CompanyRelations(store.company_relations(&company_id)?),
        Command::CompanyFates { ids } => Response::CompanyFates(store.company_fates(&ids)?),
        Command::CalendarFeed => Response::Calendar(store.calendar_feed(&ctx.today())?),
        Command::CalendarFeedInfo => Response::CalendarFeedInfo(CalendarFeedInfo { token: store.calendar_token()? }),
        Command::ReportAbc { months } => Response::Abc(store.abc_report(&ctx.today(), months)?),
        Command::ApplyRankSuggestions { months } => {
            Response::RankApplication(store.apply_rank_suggestions(ctx, months)?)
        }
        Command::UndoRankSuggestions { id } => Response::RankApplication(store.undo_rank_application(ctx, &id)?),
        Command::ContactRhythm => Response::ContactRhythm(store.contact_rhythm(&ctx.today(), None)?),
        Command::Dormant { days } => Response::Dormant(store.dormant(&ctx.today(), days, None)?),
        Command::CrossSell { company_id } => Response::CrossSell(store.cross_sell(&ctx.today(), &company_id)?),
        Command::CrossSellRules => Response::CrossSellRules(store.cross_sell_rules()?),
        Command::ReportSettings => Response::ReportSettings(store.report_settings()?),
        Command::SetReportSettings { settings } => Response::ReportSettings(store.set_report_settings(&settings)?),
    })
}

/// The app's version and what the database holds, for the About screen and
/// the 問い合わせ用情報 a user sends when asking for help. Counts only: no
/// record's content.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
pub struct AppInfo {
    /// The core's version (`Cargo.toml`), the app's version.
    pub version: String,
    #[ts(type = "number")]
    pub schema_version: i64,
    /// The database file (`None` in memory).
    pub database_path: Option<String>,
    /// The database file's size in bytes, with its write-ahead log
    /// (`-wal`) where one exists (`None` in memory).
    #[ts(type = "number | null")]
    pub database_bytes: Option<u64>,
    /// Live records of each kind (the trash not counted), every kind listed.
    pub counts: Vec<KindCount>,
}

#[derive(Debug, Clone, PartialEq, Serialize, TS)]
pub struct KindCount {
    pub kind: Kind,
    pub count: u32,
}

fn app_info(store: &Store) -> Result<AppInfo> {
    let path = store.path();
    // Only the database file the core was given (and its WAL beside it).
    let database_bytes = path.as_ref().map(|p| {
        let size = |p: &std::path::Path| std::fs::metadata(p).map(|m| m.len()).unwrap_or(0);
        let mut wal = p.clone().into_os_string();
        wal.push("-wal");
        size(p) + size(std::path::Path::new(&wal))
    });
    let mut counts = Vec::new();
    for kind in Kind::ALL {
        // An unfiltered list reads its total from `live_counts`: no scan.
        let page = store.list(*kind, &ListQuery { limit: Some(1), ..Default::default() })?;
        counts.push(KindCount { kind: *kind, count: page.total.unwrap_or(0) });
    }
    Ok(AppInfo {
        version: env!("CARGO_PKG_VERSION").to_string(),
        schema_version: store.schema_version()?,
        database_path: path.map(|p| p.display().to_string()),
        database_bytes,
        counts,
    })
}

/// The commands that need no database: a reading suggestion (the first one
/// builds the dictionary, seconds) and saving a file the core made. The hosts
/// run them without taking the UI's connection. Any other command is given back.
pub fn execute_without_store(cmd: Command) -> std::result::Result<Result<Response>, Box<Command>> {
    Ok(match cmd {
        Command::SuggestReading { text } => crate::reading::suggest(&text).map(Response::Reading),
        Command::SaveFile { path, file } => {
            // The UI passes `<folder>/<file's name>`; the name may come from
            // another laptop or a person (issue 18): it never leaves the folder.
            let path = crate::file_name::save_path(&path, &file.name);
            crate::export::Exported { file, rows: 0, warnings: vec![] }.deliver(Some(&path)).map(Response::Exported)
        }
        other => return Err(Box::new(other)),
    })
}

/// An attachment record without its bytes would stay "pending" forever.
fn attach_with_bytes() -> crate::ApiError {
    crate::ApiError::new("use_attach_file", "attachments are added with their file: use attach_file")
}

/// A company's changes since a time, or since the user last opened it
/// (then without their own changes); notes the visit with `mark_seen`.
fn company_changes(
    store: &mut Store,
    ctx: &Ctx,
    company_id: &str,
    since: Option<&str>,
    mark_seen: bool,
) -> Result<crate::store::CompanyChanges> {
    let user = ctx.user_id.as_deref();
    let seen_at = store.company_seen_at(user, company_id)?;
    let mut out = match since {
        Some(t) => store.company_changes(company_id, Some(crate::store::parse_local_time(ctx, t)?), None)?,
        None => store.company_changes(company_id, seen_at, user)?,
    };
    out.seen_at = seen_at;
    if mark_seen {
        store.mark_company_seen(ctx, company_id)?;
    }
    Ok(out)
}

/// The welcome screen's state (`first_run_state`).
pub fn first_run(store: &Store) -> Result<FirstRunState> {
    Ok(FirstRunState {
        new: store.live_records()? == 0 && store.current_user()?.is_none(),
        welcome_done: store.welcome_done()?,
        demo_records: store.demo_records()?,
        company_name: store.company_name()?,
    })
}

fn settings(store: &mut Store) -> Result<Settings> {
    Ok(Settings {
        device_id: store.device_id()?,
        current_user_id: store.current_user()?,
        schema_version: store.schema_version()?,
    })
}

/// Runs a command given as JSON and answers JSON: the shape every front end
/// (Tauri IPC, the HTTP bridge) uses on the wire.
pub fn execute_json(store: &mut Store, ctx: &Ctx, cmd: Value) -> Result<Value> {
    let cmd: Command = serde_json::from_value(cmd)?;
    Ok(serde_json::to_value(execute(store, ctx, cmd)?)?)
}

/// The mailing list, and the file made of it when one was asked for.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct MailingListResult {
    pub list: crate::export::mailing::MailingList,
    pub file: Option<crate::export::ExportResult>,
}

/// [`execute`] with a progress callback for long work (imports): called
/// every few hundred rows; answering `Flow::Cancel` stops the work and an
/// import rolls back. The desktop shell forwards progress as events and
/// answers `Cancel` once the user pressed cancel.
pub fn execute_with_progress(
    store: &mut Store,
    ctx: &Ctx,
    cmd: Command,
    progress: crate::import::ProgressFn,
) -> Result<Response> {
    match cmd {
        Command::ImportPreview { file, options } => {
            let raw = file.read(&options)?;
            Ok(Response::ImportPreview(store.import_preview(&raw, &options, progress)?))
        }
        Command::ImportApply { file, options, accept_errors } => {
            let audit = crate::store::audit::AuditEntry::import(&file);
            let raw = file.read(&options)?;
            let response = Response::ImportReport(store.import_apply(ctx, &raw, &options, accept_errors, progress)?);
            store.audit_response(ctx, audit, &response)?;
            Ok(response)
        }
        other => execute(store, ctx, other),
    }
}
