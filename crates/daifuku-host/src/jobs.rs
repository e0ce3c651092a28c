//! Background work for the hosts (the desktop shell, the HTTP bridge): imports
//! and their dry runs (previews) that report progress and can be cancelled,
//! and the daily rolling backup.
//!
//! An import job runs on its own thread with its own [`Store`] connection on
//! the same database file, so the host keeps answering commands (the UI polls
//! `import_progress`) while it runs. The import itself is the core's
//! one-transaction `import_apply`: a cancelled or failed job leaves the
//! database as it was.
//!
//! The host's dispatcher ([`crate::Host::answer`]) hands the job commands
//! ([`HostCommand`]: `import_start`, `import_progress`, `import_cancel`) to
//! [`Jobs::handle`]; the core does not know them, since a one-shot caller
//! (the CLI) has no thread to run them on.
//!
//! Nothing here reads the clock: the caller passes the [`Ctx`] of the import
//! and, for backups, a function giving today's date.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use daifuku::api::{self, Command, Response};
use daifuku::error::{ApiError, Result};
use daifuku::import::{FileSource, Flow, ImportOptions, ImportPreview, ImportReport, Phase, Progress};
use daifuku::store::{Ctx, Store};

use crate::HostCommand;

/// Where a job is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum JobState {
    Running,
    /// Finished and committed: `report` says what it did.
    Done,
    /// Stopped by an error: nothing was written; `error` says why.
    Failed,
    /// Stopped by the user: nothing was written.
    Cancelled,
}

/// A background import as the UI sees it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct JobStatus {
    pub id: String,
    pub state: JobState,
    /// `plan` (reading and checking) or `write`; absent before the first rows.
    pub phase: Option<Phase>,
    /// Rows done and in all.
    #[ts(type = "number")]
    pub done: u64,
    #[ts(type = "number")]
    pub total: u64,
    /// Whether the user asked to cancel (the job stops at the next rows).
    pub cancel_requested: bool,
    /// A dry run: the job makes a preview and writes nothing.
    pub dry_run: bool,
    pub report: Option<ImportReport>,
    /// The preview, once a dry run finished.
    pub preview: Option<ImportPreview>,
    pub error: Option<ApiError>,
}

/// Told a job's status as it changes (see [`Jobs::on_change`]).
pub type JobListener = dyn Fn(&JobStatus) + Send + Sync;

/// How often a running job tells its listener where it is.
const TELL_EVERY: std::time::Duration = std::time::Duration::from_millis(100);

struct Job {
    status: Mutex<JobStatus>,
    cancel: AtomicBool,
    thread: Mutex<Option<JoinHandle<()>>>,
    listener: Option<Arc<JobListener>>,
    last_told: Mutex<Option<std::time::Instant>>,
    #[cfg(test)]
    on_progress: Option<fn(&Job)>,
}

impl Job {
    fn status(&self) -> JobStatus {
        let mut s = self.status.lock().unwrap_or_else(|e| e.into_inner()).clone();
        s.cancel_requested = self.cancel.load(Ordering::SeqCst);
        s
    }

    fn update(&self, f: impl FnOnce(&mut JobStatus)) {
        f(&mut self.status.lock().unwrap_or_else(|e| e.into_inner()));
    }

    /// Tells the listener the status: always when `now`, else at most every [`TELL_EVERY`].
    fn tell(&self, now: bool) {
        let Some(listener) = &self.listener else { return };
        {
            let mut last = self.last_told.lock().unwrap_or_else(|e| e.into_inner());
            if !now && last.is_some_and(|t| t.elapsed() < TELL_EVERY) {
                return;
            }
            *last = Some(std::time::Instant::now());
        }
        listener(&self.status());
    }

    /// The progress callback of the import: records where it is, answers
    /// whether to go on.
    fn progress(&self, p: Progress) -> Flow {
        self.update(|s| {
            s.phase = Some(p.phase);
            s.done = p.done;
            s.total = p.total;
        });
        self.tell(false);
        #[cfg(test)]
        if let Some(hook) = self.on_progress {
            hook(self);
        }
        if self.cancel.load(Ordering::SeqCst) {
            Flow::Cancel
        } else {
            Flow::Continue
        }
    }
}

pub(crate) fn running_error() -> ApiError {
    ApiError::new("import_running", "an import is running; wait for it to finish or cancel it first")
}

/// How many finished jobs are remembered (for a late progress poll).
const KEEP_FINISHED: usize = 16;

/// The host's background jobs.
#[derive(Default)]
pub struct Jobs {
    inner: Mutex<(u64, BTreeMap<u64, Arc<Job>>)>,
    listener: std::sync::OnceLock<Arc<JobListener>>,
}

impl Jobs {
    pub fn new() -> Jobs {
        Jobs::default()
    }

    /// `listener` is told every job's status as it changes: when it starts,
    /// every 100 ms while it runs, and when it ends (the desktop shell turns
    /// these into events for the UI instead of polling). Set once; later
    /// calls are ignored. Jobs started before are not told.
    pub fn on_change(&self, listener: impl Fn(&JobStatus) + Send + Sync + 'static) {
        let _ = self.listener.set(Arc::new(listener));
    }

    fn get(&self, id: &str) -> Result<Arc<Job>> {
        let n: u64 = id.strip_prefix("import-").and_then(|n| n.parse().ok()).unwrap_or(u64::MAX);
        self.inner
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .1
            .get(&n)
            .cloned()
            .ok_or_else(|| ApiError::not_found("job", id))
    }

    /// Starts importing a file into the database at `db` on a new thread
    /// (with its own connection); answers at once with the job's status.
    pub fn start_import(
        &self,
        db: &Path,
        ctx: Ctx,
        file: FileSource,
        options: ImportOptions,
        accept_errors: bool,
    ) -> Result<JobStatus> {
        self.start(db, ctx, file, options, Some(accept_errors), None)
    }

    /// Starts a dry run (the preview) of importing a file, like
    /// [`Jobs::start_import`]; its status carries the preview when done.
    /// Dry runs write nothing and may run beside an import.
    pub fn start_preview(&self, db: &Path, ctx: Ctx, file: FileSource, options: ImportOptions) -> Result<JobStatus> {
        self.start(db, ctx, file, options, None, None)
    }

    fn start(
        &self,
        db: &Path,
        ctx: Ctx,
        file: FileSource,
        options: ImportOptions,
        // `None`: a dry run.
        accept_errors: Option<bool>,
        #[allow(unused_variables)] on_progress: Option<fn(&Job)>,
    ) -> Result<JobStatus> {
        let dry_run = accept_errors.is_none();
        // One import at a time: a second would wait for the first one's
        // transaction and fail.
        if !dry_run && self.running() {
            return Err(running_error());
        }
        // Opened here so that a database that cannot be opened fails the command itself.
        let mut store = Store::open(db)?;
        let (id, job) = {
            let mut inner = self.inner.lock().unwrap_or_else(|e| e.into_inner());
            inner.0 += 1;
            let n = inner.0;
            let id = format!("import-{n}");
            let job = Arc::new(Job {
                status: Mutex::new(JobStatus {
                    id: id.clone(),
                    state: JobState::Running,
                    phase: None,
                    done: 0,
                    total: 0,
                    cancel_requested: false,
                    dry_run,
                    report: None,
                    preview: None,
                    error: None,
                }),
                cancel: AtomicBool::new(false),
                thread: Mutex::new(None),
                listener: self.listener.get().cloned(),
                last_told: Mutex::new(None),
                #[cfg(test)]
                on_progress,
            });
            inner.1.insert(n, job.clone());
            // Forget the oldest finished jobs.
            let finished: Vec<u64> =
                inner.1.iter().filter(|(_, j)| j.status().state != JobState::Running).map(|(n, _)| *n).collect();
            for n in finished.iter().take(finished.len().saturating_sub(KEEP_FINISHED)) {
                inner.1.remove(n);
            }
            (id, job)
        };
        let worker = job.clone();
        let handle = std::thread::Builder::new()
            .name(id.clone())
            .spawn(move || {
                let cmd = match accept_errors {
                    Some(accept_errors) => Command::ImportApply { file, options, accept_errors },
                    None => Command::ImportPreview { file, options },
                };
                let mut progress = |p: Progress| worker.progress(p);
                let result = api::execute_with_progress(&mut store, &ctx, cmd, &mut progress);
                worker.update(|s| match result {
                    Ok(Response::ImportReport(r)) => {
                        s.state = JobState::Done;
                        s.report = Some(r);
                    }
                    Ok(Response::ImportPreview(p)) => {
                        s.state = JobState::Done;
                        s.preview = Some(p);
                    }
                    Ok(_) => {
                        s.state = JobState::Failed;
                        s.error = Some(ApiError::new("internal", "an import answered something else than a report"));
                    }
                    Err(e) if e.code == "cancelled" => {
                        s.state = JobState::Cancelled;
                        s.error = Some(e);
                    }
                    Err(e) => {
                        s.state = JobState::Failed;
                        s.error = Some(e);
                    }
                });
                worker.tell(true);
            })
            .map_err(|e| ApiError::new("internal", format!("cannot start the import: {e}")))?;
        *job.thread.lock().unwrap_or_else(|e| e.into_inner()) = Some(handle);
        job.tell(true);
        Ok(job.status())
    }

    /// Whether an import (not a dry run) is running.
    pub fn running(&self) -> bool {
        self.inner
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .1
            .values()
            .any(|j| j.status().state == JobState::Running && !j.status().dry_run)
    }

    /// Where a job is.
    pub fn progress(&self, id: &str) -> Result<JobStatus> {
        Ok(self.get(id)?.status())
    }

    /// Asks a job to stop; it rolls back at its next progress point. A
    /// finished job is left as it is.
    pub fn cancel(&self, id: &str) -> Result<JobStatus> {
        let job = self.get(id)?;
        if job.status().state == JobState::Running {
            job.cancel.store(true, Ordering::SeqCst);
            job.tell(true);
        }
        Ok(job.status())
    }

    /// Waits until a job has finished and returns its final status.
    pub fn wait(&self, id: &str) -> Result<JobStatus> {
        let job = self.get(id)?;
        let handle = job.thread.lock().unwrap_or_else(|e| e.into_inner()).take();
        if let Some(h) = handle {
            h.join().map_err(|_| ApiError::new("internal", "the import thread panicked"))?;
        }
        Ok(job.status())
    }

    /// Answers the job commands (any other host command is `internal`).
    pub fn handle(&self, store: &Store, ctx: &Ctx, cmd: HostCommand) -> Result<JobStatus> {
        match cmd {
            HostCommand::ImportStart { file, options, accept_errors, dry_run } => match store.path() {
                Some(db) => {
                    let accept = if dry_run.unwrap_or(false) { None } else { Some(accept_errors) };
                    self.start(&db, ctx.clone(), file, options, accept, None)
                }
                None => Err(ApiError::new("not_available", "an in-memory database cannot run background imports")),
            },
            HostCommand::ImportProgress { job } => self.progress(&job),
            HostCommand::ImportCancel { job } => self.cancel(&job),
            _ => Err(ApiError::new("internal", "not a job command")),
        }
    }
}

/// How often the automatic backup looks whether today's backup exists.
const BACKUP_CHECK_EVERY: std::time::Duration = std::time::Duration::from_secs(3600);

/// Pause between two steps of tidying the search index: the app's own
/// writes take the database between them.
pub const TIDY_PAUSE: std::time::Duration = std::time::Duration::from_millis(20);

/// The daily tidy of the search index of the database at `db`: when
/// [`Store::search_tidy_due`] on `today`, merges each full-text index into
/// one segment, [`TIDY_PAGES`](daifuku::store::TIDY_PAGES) at a time with
/// `pause` between the steps, and notes the day. True when it tidied.
pub fn tidy_search_daily(db: &Path, today: &str, pause: std::time::Duration) -> Result<bool> {
    let mut store = Store::open(db)?;
    if !store.search_tidy_due(today)? {
        return Ok(false);
    }
    while store.tidy_search_index(daifuku::store::TIDY_PAGES)? {
        std::thread::sleep(pause);
    }
    store.mark_search_tidied(today)?;
    Ok(true)
}

/// The daily upkeep of the database at `db`: the automatic rolling backup,
/// then the tidy of the search index ([`tidy_search_daily`]). `first_after`
/// start (the desktop app waits a minute so that copying a large database
/// does not compete with its start), then every hour (today's file is made
/// once a day; see [`Store::auto_backup`]), on a thread of its own with its
/// own connection. `today` gives the local date
/// (`YYYY-MM-DD`); failures are reported to `log` and retried the next hour.
pub fn spawn_auto_backup(
    db: PathBuf,
    first_after: std::time::Duration,
    today: impl Fn() -> String + Send + 'static,
    log: impl Fn(&ApiError) + Send + 'static,
) -> std::io::Result<JoinHandle<()>> {
    std::thread::Builder::new().name("daily-upkeep".into()).spawn(move || {
        std::thread::sleep(first_after);
        loop {
            let day = today();
            if let Err(e) = Store::open(&db).and_then(|s| s.auto_backup(&day)) {
                log(&e);
            }
            if let Err(e) = tidy_search_daily(&db, &day, TIDY_PAUSE) {
                log(&e);
            }
            std::thread::sleep(BACKUP_CHECK_EVERY);
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use daifuku::model::Kind;
    use daifuku::store::ListQuery;
    use serde_json::Value;

    fn csv(rows: usize, bad_every: Option<usize>) -> FileSource {
        let mut s = String::from("会社名,電話番号,メール\n");
        for i in 0..rows {
            let bad = bad_every.is_some_and(|n| i % n == n - 1);
            let mail = if bad { "not-an-email".to_string() } else { format!("info{i}@example.co.jp") };
            s.push_str(&format!("テスト商事{i}株式会社,03-1234-{:04},{mail}\n", i % 10000));
        }
        FileSource::Data { name: "companies.csv".into(), base64: daifuku::import::encode_base64(s.as_bytes()) }
    }

    fn setup() -> (tempfile::TempDir, PathBuf, Store, Ctx) {
        let dir = tempfile::tempdir().unwrap();
        let db = dir.path().join("jobs.db");
        let mut store = Store::open(&db).unwrap();
        let ctx = store.context(1_700_000_000_000).unwrap();
        (dir, db, store, ctx)
    }

    fn companies(store: &Store) -> u64 {
        store.list(Kind::Company, &ListQuery::default()).unwrap().total.unwrap_or(0) as u64
    }

    /// What a host does with a request.
    fn run(jobs: &Jobs, store: &mut Store, ctx: &Ctx, cmd: Value) -> Result<Value> {
        match crate::Request::parse(cmd)? {
            crate::Request::Host(cmd) => {
                Ok(serde_json::to_value(crate::HostResponse::ImportJob(jobs.handle(store, ctx, cmd)?))?)
            }
            crate::Request::Core(cmd) => Ok(serde_json::to_value(api::execute(store, ctx, cmd)?)?),
        }
    }

    fn opts() -> ImportOptions {
        ImportOptions { kind: Some(Kind::Company), ..Default::default() }
    }

    /// The daily upkeep merges a fragmented search index into one segment,
    /// at most once a day, and only when there is more than one.
    #[test]
    fn the_search_index_is_tidied_once_a_day() {
        let (_dir, db, mut store, ctx) = setup();
        let add = |store: &mut Store, name: String| {
            let fields = serde_json::json!({"name": name}).as_object().unwrap().clone();
            store.create_fields(&ctx, Kind::Company, fields).unwrap();
        };
        for i in 0..40 {
            add(&mut store, format!("テスト商事{i}"));
        }
        let one = (1, 1);
        assert_ne!(store.search_index_segments().unwrap(), one);
        let pause = std::time::Duration::ZERO;
        assert!(tidy_search_daily(&db, "2026-11-23", pause).unwrap());
        assert_eq!(store.search_index_segments().unwrap(), one);
        add(&mut store, "後から商事".into());
        assert_ne!(store.search_index_segments().unwrap(), one);
        assert!(!tidy_search_daily(&db, "2026-11-23", pause).unwrap(), "tidied twice a day");
        assert_ne!(store.search_index_segments().unwrap(), one);
        assert!(tidy_search_daily(&db, "2026-11-24", pause).unwrap());
        assert_eq!(store.search_index_segments().unwrap(), one);
        assert!(!tidy_search_daily(&db, "2026-11-25", pause).unwrap(), "a tidy index has nothing to do");
        assert_eq!(store.search("後から", 20, &[]).unwrap().len(), 1);
        assert_eq!(store.search("テスト商事3", 20, &[]).unwrap().len(), 11);
    }

    #[test]
    fn a_job_reports_progress_and_its_report() {
        let (_dir, db, store, ctx) = setup();
        let jobs = Jobs::new();
        let started = jobs.start_import(&db, ctx, csv(600, None), opts(), false).unwrap();
        assert_eq!(started.id, "import-1");
        let done = jobs.wait(&started.id).unwrap();
        assert_eq!(done.state, JobState::Done, "{:?}", done.error);
        assert_eq!((done.phase, done.done, done.total), (Some(Phase::Index), 1000, 1000));
        assert_eq!(done.report.as_ref().unwrap().created, 600);
        assert_eq!(companies(&store), 600, "the main connection sees the committed rows");
        // Polling again answers the same; an unknown job is not found.
        assert_eq!(jobs.progress("import-1").unwrap(), done);
        assert_eq!(jobs.progress("import-9").unwrap_err().code, "not_found");
    }

    #[test]
    fn a_cancelled_job_leaves_the_database_as_it_was() {
        let (_dir, db, mut store, ctx) = setup();
        // Something already there, which must survive untouched.
        api::execute(
            &mut store,
            &ctx,
            Command::ImportApply { file: csv(3, None), options: opts(), accept_errors: false },
        )
        .unwrap();
        let before = store.export_json().unwrap();
        let jobs = Jobs::new();
        // The import stops at its first 250 rows and waits there until the
        // test has checked what a running import refuses and asked to cancel.
        static GATE: (Mutex<u8>, std::sync::Condvar) = (Mutex::new(0), std::sync::Condvar::new());
        fn pause_at_250(job: &Job) {
            if job.status().done == 250 {
                let mut state = GATE.0.lock().unwrap();
                *state = 1;
                GATE.1.notify_all();
                while *state != 2 {
                    state = GATE.1.wait(state).unwrap();
                }
            }
        }
        let id = jobs.start(&db, ctx.clone(), csv(1000, None), opts(), Some(false), Some(pause_at_250)).unwrap().id;
        {
            let mut state = GATE.0.lock().unwrap();
            while *state != 1 {
                state = GATE.1.wait(state).unwrap();
            }
        }
        assert!(jobs.running());
        let seen = jobs.progress(&id).unwrap();
        assert_eq!((seen.state, seen.phase, seen.done, seen.total), (JobState::Running, Some(Phase::Write), 250, 1000));
        // While it runs, a second import is refused (and a restore: tests/host_jobs.rs).
        let second = jobs.start_import(&db, ctx.clone(), csv(2, None), opts(), false);
        assert_eq!(second.unwrap_err().code, "import_running");
        // A dry run may still run beside it (it only reads).
        let dry = jobs.start_preview(&db, ctx.clone(), csv(2, None), opts()).unwrap();
        let dry = jobs.wait(&dry.id).unwrap();
        assert_eq!((dry.state, dry.dry_run), (JobState::Done, true));
        assert_eq!(dry.preview.unwrap().summary.rows, 2);
        assert!(jobs.cancel(&id).unwrap().cancel_requested);
        *GATE.0.lock().unwrap() = 2;
        GATE.1.notify_all();
        let end = jobs.wait(&id).unwrap();
        assert!(!jobs.running());
        assert_eq!(end.state, JobState::Cancelled);
        assert!(end.cancel_requested);
        assert_eq!((end.done, end.total), (250, 1000), "stopped at the first progress point after the cancel");
        assert_eq!(end.error.unwrap().code, "cancelled");
        assert_eq!(companies(&store), 3);
        assert_eq!(store.export_json().unwrap(), before, "nothing of the cancelled import was kept");
        // Cancelling a finished job changes nothing.
        assert_eq!(jobs.cancel(&id).unwrap().state, JobState::Cancelled);
    }

    #[test]
    fn a_dry_run_job_makes_the_preview_and_writes_nothing() {
        let (_dir, _db, mut store, ctx) = setup();
        let before = store.export_json().unwrap();
        let jobs = Jobs::new();
        let cmd =
            serde_json::json!({"cmd": "import_start", "file": csv(700, Some(100)), "options": opts(), "dry_run": true});
        let id = run(&jobs, &mut store, &ctx, cmd).unwrap()["data"]["id"].as_str().unwrap().to_string();
        let end = jobs.wait(&id).unwrap();
        assert_eq!((end.state, end.dry_run, end.phase), (JobState::Done, true, Some(Phase::Plan)));
        assert_eq!((end.done, end.total), (700, 700));
        assert!(end.report.is_none());
        let p = end.preview.unwrap();
        assert_eq!((p.summary.rows, p.summary.create, p.summary.error), (700, 693, 7));
        assert!(p.error_csv.is_some());
        assert_eq!(store.export_json().unwrap(), before);
    }

    #[test]
    fn a_failed_job_leaves_the_database_as_it_was() {
        let (_dir, _db, mut store, ctx) = setup();
        let before = store.export_json().unwrap();
        let jobs = Jobs::new();
        // Every 10th row is bad and the errors were not accepted.
        let cmd = serde_json::json!({"cmd": "import_start", "file": csv(500, Some(10)), "options": opts()});
        let v = run(&jobs, &mut store, &ctx, cmd).unwrap();
        assert_eq!(v["type"], "import_job");
        let id = v["data"]["id"].as_str().unwrap().to_string();
        let end = jobs.wait(&id).unwrap();
        assert_eq!(end.state, JobState::Failed);
        assert_eq!(end.error.unwrap().code, "import_has_errors");
        assert_eq!(store.export_json().unwrap(), before);
        // Accepting the errors imports the good rows only.
        let cmd = serde_json::json!({"cmd": "import_start", "file": csv(500, Some(10)), "options": opts(), "accept_errors": true});
        let id = run(&jobs, &mut store, &ctx, cmd).unwrap()["data"]["id"].as_str().unwrap().to_string();
        let end = jobs.wait(&id).unwrap();
        assert_eq!(end.state, JobState::Done);
        assert_eq!(end.report.unwrap().failed, 50);
        assert_eq!(companies(&store), 450);
        // The progress command goes through the same entry point; other commands reach the API.
        let v = run(&jobs, &mut store, &ctx, serde_json::json!({"cmd": "import_progress", "job": id})).unwrap();
        assert_eq!(v["data"]["state"], "done");
        let v = run(&jobs, &mut store, &ctx, serde_json::json!({"cmd": "import_cancel", "job": "import-99"}));
        assert_eq!(v.unwrap_err().code, "not_found");
        assert_eq!(
            run(&jobs, &mut store, &ctx, serde_json::json!({"cmd": "get_settings"})).unwrap()["type"],
            "settings"
        );
        // The core does not know the job commands: only a host runs them.
        assert!(serde_json::from_value::<Command>(serde_json::json!({"cmd": "import_progress", "job": id})).is_err());
    }
}
