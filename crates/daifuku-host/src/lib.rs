//! The host layer: what the front ends (the CLI, `daifuku serve`, the
//! desktop shell) share that reaches beyond the core. It owns the database
//! path, the UI's connection, sync on real storage (through `daifuku-folder`),
//! background jobs ([`jobs`]) and demo data (`daifuku-gen`), and reads the
//! host's name for a first sync; the core gets the folder through
//! [`SyncFolder`] and randomness through [`SyncOptions`]. Callers still pass
//! the time.
//!
//! - [`Request`]: a wire request parsed once into a [`HostCommand`] or a
//!   core [`Command`]; answered as a [`HostResponse`] or a core [`Response`].
//! - [`Host`]: what `daifuku serve` and the desktop shell call for every
//!   request ([`Host::dispatch`]). It owns the UI's connection, the
//!   background [`Jobs`] and a [`SyncHost`]; `sync_now` runs the round on a
//!   connection of its own, so a slow folder never holds up the UI.
//! - [`SyncHost::round`]: one round against a folder or bucket (the CLI's
//!   `daifuku sync`).
//! - [`SyncHost::sync_now`]: one round with the setup saved by
//!   `Command::SyncConfigure` (the app's 「今すぐ同期」, on change and periodically).
//!
//! A `SyncHost` lives as long as its front end so the key derived from the
//! workspace passphrase (Argon2id, slow on purpose) is derived once.

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, OnceLock};

use daifuku_folder::{ObjectFolder, S3Config};
use rand::RngExt;
use serde_json::Value;

use daifuku::api::{self, Command, Response};
use daifuku::error::{ApiError, Result};
use daifuku::store::{Ctx, Store};
use daifuku::sync::crypto::Keyring;
use daifuku::sync::folder::{FolderError, SyncFolder};
use daifuku::sync::{sync_round, SnapshotPolicy, SyncOptions, SyncReport, SyncStatus};

mod cards;
pub mod jobs;
pub mod lock;
mod request;
pub mod scratch;

use jobs::Jobs;
pub use request::{Answer, HostCommand, HostEvent, HostResponse, PrintResult, Request};

/// Where to sync.
#[derive(Debug, Clone)]
pub enum SyncTarget {
    /// A local, network (SMB/NAS) or cloud-drive folder. With `create`, a
    /// missing folder is made; without, a missing one is an error (an
    /// unplugged share must not turn into an empty local folder).
    Folder { path: PathBuf, create: bool },
    /// An S3-compatible bucket.
    S3(S3Config),
}

/// A folder on real storage, seen through the core's trait.
pub struct ObjectSyncFolder(pub ObjectFolder);

impl SyncFolder for ObjectSyncFolder {
    fn list(&mut self, prefix: &str) -> std::result::Result<Vec<String>, FolderError> {
        self.0.list(prefix)
    }
    fn read(&mut self, name: &str) -> std::result::Result<Vec<u8>, FolderError> {
        self.0.read(name)
    }
    fn create(&mut self, name: &str, bytes: &[u8]) -> std::result::Result<(), FolderError> {
        self.0.create(name, bytes)
    }
    fn delete(&mut self, name: &str) -> std::result::Result<(), FolderError> {
        self.0.delete(name)
    }
}

/// Opens the folder or bucket, with errors a salesperson can act on.
pub fn open_folder(target: &SyncTarget) -> Result<ObjectSyncFolder> {
    let folder = match target {
        SyncTarget::Folder { path, create } => {
            if !*create && !path.is_dir() {
                return Err(ApiError::new(
                    "sync_folder_missing",
                    format!(
                        "The sync folder {} cannot be found. Check that the shared drive is connected (or that the cloud drive app is running), or choose the folder again.",
                        path.display()
                    ),
                ));
            }
            ObjectFolder::local(path)
        }
        SyncTarget::S3(cfg) => ObjectFolder::s3(cfg),
    };
    folder.map(ObjectSyncFolder).map_err(|e| {
        let code = match e {
            FolderError::ReadOnly => "sync_folder_read_only",
            _ => "sync_folder_unreachable",
        };
        ApiError::new(code, format!("The sync folder cannot be opened: {e}. Check that it is connected."))
    })
}

/// The bucket as `daifuku-folder` takes it (keys absent: empty).
pub fn s3_config(s3: &daifuku::sync::S3Settings) -> S3Config {
    S3Config {
        endpoint: s3.endpoint.trim().trim_end_matches('/').to_string(),
        bucket: s3.bucket.trim().to_string(),
        prefix: s3.prefix.trim().trim_matches('/').to_string(),
        region: s3.region.trim().to_string(),
        access_key_id: s3.access_key_id.as_deref().unwrap_or_default().trim().to_string(),
        secret_access_key: s3.secret_access_key.clone().unwrap_or_default(),
    }
}

/// 「接続をテスト」: opens the folder or bucket and lists it, writing nothing;
/// answers how many files it holds, or an error the user can act on.
pub fn test_connection(target: &SyncTarget) -> Result<u64> {
    let mut folder = open_folder(target)?;
    let files = folder.0.list("").map_err(|e| {
        let s3 = matches!(target, SyncTarget::S3(_));
        let text = e.to_string();
        let code = if s3 && (matches!(e, FolderError::NotFound) || text.contains("NoSuchBucket")) {
            "sync_s3_bucket_missing"
        } else if s3
            && (matches!(e, FolderError::ReadOnly)
                || ["InvalidAccessKeyId", "SignatureDoesNotMatch", "AccessDenied", "403"]
                    .iter()
                    .any(|t| text.contains(t)))
        {
            "sync_s3_access_denied"
        } else if matches!(e, FolderError::ReadOnly) {
            "sync_folder_read_only"
        } else {
            "sync_folder_unreachable"
        };
        ApiError::new(code, format!("The sync folder cannot be listed: {e}"))
    })?;
    Ok(files.len() as u64)
}

/// This computer's name, the default device name on first sync.
pub fn host_name() -> Option<String> {
    let from_env = ["HOSTNAME", "COMPUTERNAME"].iter().find_map(|v| std::env::var(v).ok().filter(|s| !s.is_empty()));
    from_env.or_else(|| {
        std::fs::read_to_string("/etc/hostname").ok().map(|s| s.trim().to_string()).filter(|s| !s.is_empty())
    })
}

/// The font override for prints: `DAIFUKU_PRINT_FONT` (a .ttf/.otf/.ttc
/// file, `path#index` for a face of a collection); else a system font.
pub fn print_font_override() -> Option<String> {
    std::env::var("DAIFUKU_PRINT_FONT").ok().filter(|s| !s.trim().is_empty())
}

/// Makes the PDF of a print command (`print_company`, `print_report`,
/// `print_labels`) for the current user and the caller's date, and writes
/// it to the command's `path` when one is given (else hands the bytes back).
pub fn print(store: &Store, ctx: &daifuku::Ctx, cmd: HostCommand) -> Result<PrintResult> {
    let printer = daifuku_print::Printer::new(store, ctx, print_font_override().as_deref())?;
    let (printed, path) = match cmd {
        HostCommand::PrintCompany { id, path } => (daifuku_print::company_card(store, &printer, &id)?, path),
        HostCommand::PrintReport { id, path } => (daifuku_print::info_report(store, &printer, &id)?, path),
        HostCommand::PrintLabels { options, path } => (daifuku_print::labels(store, &printer, &options)?, path),
        _ => return Err(ApiError::new("internal", "not a print command")),
    };
    let bytes = printed.bytes.len() as u64;
    let path = path.filter(|p| !p.trim().is_empty());
    if let Some(p) = &path {
        if let Some(dir) = Path::new(p).parent().filter(|d| !d.as_os_str().is_empty()) {
            std::fs::create_dir_all(dir).map_err(|e| ApiError::new("io", format!("{}: {e}", dir.display())))?;
        }
        std::fs::write(p, &printed.bytes).map_err(|e| ApiError::new("io", format!("{p}: {e}")))?;
    }
    Ok(PrintResult {
        name: printed.name,
        base64: path.is_none().then(|| daifuku::import::encode_base64(&printed.bytes)),
        path,
        pages: printed.pages,
        bytes,
    })
}

/// One round's settings beyond the store.
#[derive(Debug, Clone)]
pub struct RoundRequest {
    pub target: SyncTarget,
    /// The workspace passphrase (end-to-end encryption), if any.
    pub passphrase: Option<String>,
    /// This device's name; on first sync the host name when absent.
    pub device_name: Option<String>,
    pub snapshot: SnapshotPolicy,
    pub compact: bool,
    pub retire: Vec<String>,
    /// The caller's clock (ms since the epoch).
    pub now_ms: i64,
}

impl RoundRequest {
    pub fn new(target: SyncTarget, now_ms: i64) -> RoundRequest {
        let defaults = SyncOptions::new(now_ms);
        RoundRequest {
            target,
            passphrase: None,
            device_name: None,
            snapshot: defaults.snapshot,
            compact: defaults.compact,
            retire: vec![],
            now_ms,
        }
    }
}

/// How a [`SyncHost`] opens a folder: [`open_folder`], or in tests a double
/// (a slow folder, a folder that fails).
pub type FolderOpener = dyn Fn(&SyncTarget) -> Result<Box<dyn SyncFolder>> + Send + Sync;

/// A front end's sync state across rounds: the keys derived from the
/// passphrase, and how folders are opened.
pub struct SyncHost {
    keys: Option<(Option<String>, Keyring)>,
    opener: Arc<FolderOpener>,
}

impl Default for SyncHost {
    fn default() -> SyncHost {
        SyncHost::with_opener(|target| Ok(Box::new(open_folder(target)?) as Box<dyn SyncFolder>))
    }
}

impl SyncHost {
    /// Opens folders and buckets with [`open_folder`].
    pub fn new() -> SyncHost {
        SyncHost::default()
    }

    /// Opens folders with `opener` instead (tests).
    pub fn with_opener(
        opener: impl Fn(&SyncTarget) -> Result<Box<dyn SyncFolder>> + Send + Sync + 'static,
    ) -> SyncHost {
        SyncHost { keys: None, opener: Arc::new(opener) }
    }

    /// The keyring of `passphrase`, reused while the passphrase stays the same.
    fn keyring(&mut self, passphrase: Option<String>) -> &mut Keyring {
        let passphrase = passphrase.filter(|p| !p.is_empty());
        if self.keys.as_ref().is_none_or(|(p, _)| *p != passphrase) {
            self.keys = Some((passphrase.clone(), Keyring::new(passphrase)));
        }
        &mut self.keys.as_mut().expect("just set").1
    }

    /// Runs one round: opens the folder, runs `sync::sync_round`. A failure
    /// is also remembered for the sync panel (`SyncStatus::last_error`).
    pub fn round(&mut self, store: &mut Store, req: &RoundRequest) -> Result<SyncReport> {
        // Leftovers of killed rounds go first; this round's scratch file is
        // kept from other cleanups while it runs and removed when it ends.
        let _scratch = scratch::RoundScratch::begin(store);
        let mut folder = match (self.opener)(&req.target) {
            Ok(f) => f,
            Err(e) => {
                store.sync_note_failure(Some(&e), req.now_ms)?;
                return Err(e);
            }
        };
        let mut opts = SyncOptions::new(req.now_ms);
        opts.device_name = req.device_name.clone();
        if opts.device_name.is_none() && store.sync_state_get("device_name")?.is_none() {
            opts.device_name = host_name();
        }
        opts.entropy = rand::rng().random();
        opts.snapshot = req.snapshot;
        opts.compact = req.compact;
        opts.retire = req.retire.clone();
        let keys = self.keyring(req.passphrase.clone());
        sync_round(store, &mut *folder, keys, &opts)
    }

    /// One round with the app's saved setup (`Command::SyncConfigure`);
    /// answers the sync panel's status.
    /// `retire`: devices gone for good.
    pub fn sync_now(&mut self, store: &mut Store, now_ms: i64, retire: &[String]) -> Result<SyncStatus> {
        let Some(setup) = store.sync_setup()? else {
            return Err(ApiError::new(
                "sync_not_configured",
                "Sync is not set up on this computer: choose the shared folder first.",
            ));
        };
        let target = match store.sync_s3()? {
            Some(s3) => SyncTarget::S3(s3_config(&s3)),
            None => SyncTarget::Folder { path: PathBuf::from(&setup.folder), create: false },
        };
        let mut req = RoundRequest::new(target, now_ms);
        req.passphrase = lock::saved_sync_passphrase(store)?;
        req.retire = retire.to_vec();
        self.round(store, &req)?;
        store.sync_note_synced_folder(&setup.folder)?;
        store.sync_status()
    }
}

/// The app's side of every request, shared by `daifuku serve` and the
/// desktop shell: one [`Host::dispatch`] for the JSON commands, called from
/// as many threads as the front end likes.
///
/// - The UI's connection (`Mutex<Store>`) answers the commands of
///   `api::execute`, one at a time, each short.
/// - Background imports run on their own thread and connection ([`Jobs`]).
/// - `sync_now` runs the round on a connection of its own, opened for the
///   round, without the UI's lock: listing, reading and writing a slow NAS or
///   a cloud folder still downloading holds up nothing but the request that
///   asked for the round. Only the round's short apply transactions touch the
///   database (WAL: the UI's connection keeps reading, and a UI write waits
///   at most for one apply). One round at a time: a `sync_now` while one runs
///   answers the status at once with `running: true`. For a database in
///   memory (tests) the round runs on the UI's connection.
/// - The long reads ([`is_long_read`]: exports, the mailing list, backups, the
///   whole-database duplicate scan, Home and the customer-wide reports) run
///   each on a connection of their own,
///   opened for the command; the commands that need no database
///   ([`api::execute_without_store`]: a reading suggestion, whose first call
///   builds the dictionary, and saving a file) take no connection at all.
///   Several may run at once beside the UI's commands.
/// - `restore_backup` copies the backup in on a connection of its own; the
///   UI's connection then reads the restored database. While it runs, every
///   other command answers `restoring` at once.
/// - While an import writes, a UI write fails at once with `busy` (nothing
///   saved) instead of holding every UI command for the busy timeout.
pub struct Host {
    db: Option<PathBuf>,
    store: Mutex<Store>,
    /// Locked by the one running round only (its keyring).
    sync: Mutex<SyncHost>,
    jobs: Jobs,
    round_running: AtomicBool,
    restoring: AtomicBool,
    /// The database is encrypted and not unlocked: no connection (issue 18, `lock.rs`).
    locked: AtomicBool,
    /// Held while a restore or an import decides whether it may start, so
    /// that the two never both start.
    starting: Mutex<()>,
    long_work_hook: OnceLock<Box<LongWorkHook>>,
    events: Arc<OnceLock<Box<EventListener>>>,
    /// 名刺取り込み: background card batches and the OCR engine (`cards.rs`).
    card_jobs: daifuku_cards::batch::CardJobs,
    pub ocr: daifuku_cards::OcrEngine,
}

/// See [`Host::on_event`].
pub type EventListener = dyn Fn(&HostEvent) + Send + Sync;

/// See [`Host::on_long_work`].
pub type LongWorkHook = dyn Fn(&str) + Send + Sync;

/// Commands that read the whole database (or copy it) and take seconds on a
/// large one (exports, the mailing list, backups, the whole-database
/// duplicate scan), and Home and the reports that go over every customer
/// (0.5–0.7 s at 100k companies: the app asks for Home at start, and the
/// first list waited behind it): each runs on a connection of its own, off
/// the UI's lock.
pub fn is_long_read(cmd: &Command) -> bool {
    matches!(
        cmd,
        Command::Export { .. }
            | Command::MailingList { .. }
            | Command::Backup { .. }
            | Command::RollingBackup { .. }
            | Command::FindDuplicates { .. }
            | Command::Home { .. }
            | Command::ReportAbc { .. }
            | Command::ContactRhythm
            | Command::Dormant { .. }
            // 消去 (issue 18) rewrites the whole file (VACUUM): about 1 s per 100 MB.
            | Command::EraseContact { .. }
            | Command::TrashPurge { .. }
            | Command::TrashEmpty { .. }
            | Command::EraseInBackups { .. }
    )
}

/// A command's `cmd` name on the wire (for [`Host::on_long_work`]).
fn command_name(cmd: &Command) -> &'static str {
    match cmd {
        Command::Export { .. } => "export",
        Command::MailingList { .. } => "mailing_list",
        Command::Backup { .. } => "backup",
        Command::RollingBackup { .. } => "rolling_backup",
        Command::FindDuplicates { .. } => "find_duplicates",
        Command::Home { .. } => "home",
        Command::ReportAbc { .. } => "report_abc",
        Command::ContactRhythm => "contact_rhythm",
        Command::Dormant { .. } => "dormant",
        Command::SuggestReading { .. } => "suggest_reading",
        Command::SaveFile { .. } => "save_file",
        Command::RestoreBackup { .. } => "restore_backup",
        _ => "command",
    }
}

/// How long a UI write waits while an import holds the database for its
/// write: an import writes in one transaction that can last minutes, so the
/// write is refused (`busy`) almost at once rather than after the full
/// [`daifuku::store::BUSY_TIMEOUT`], during which every UI command would wait
/// for the UI's connection.
const WAIT_DURING_IMPORT: std::time::Duration = std::time::Duration::from_millis(200);

/// Clears a flag ("round running", "restoring") when its work ends, however it ends.
struct FlagGuard<'a>(&'a AtomicBool);

impl Drop for FlagGuard<'_> {
    fn drop(&mut self) {
        self.0.store(false, Ordering::SeqCst);
    }
}

fn sync_running_error() -> ApiError {
    ApiError::new("sync_running", "a sync round is running; wait for it to finish first")
}

/// What every command answers while a restore replaces the database.
pub fn restoring_error() -> ApiError {
    ApiError::new("restoring", "Restoring from a backup; wait until it finishes")
}

/// A write of the UI refused because another connection holds the database
/// for writing: nothing was saved, the form keeps what was typed.
fn busy_error() -> ApiError {
    ApiError::new(
        "busy",
        "Not saved: an import or a sync is writing to the database. What you entered is kept; save again in a moment.",
    )
}

impl Host {
    /// A host over `store` (the UI's connection), opening sync folders with
    /// [`open_folder`].
    pub fn new(store: Store) -> Host {
        Host::with_sync(store, SyncHost::new())
    }

    /// A host with its own [`SyncHost`] (tests give one with a folder double).
    pub fn with_sync(store: Store, sync: SyncHost) -> Host {
        // Scratch files of rounds a crash or a kill left behind (issue 19).
        scratch::clean_leftovers(&store);
        Host {
            db: store.path(),
            store: Mutex::new(store),
            sync: Mutex::new(sync),
            jobs: Jobs::new(),
            round_running: AtomicBool::new(false),
            restoring: AtomicBool::new(false),
            locked: AtomicBool::new(false),
            starting: Mutex::new(()),
            long_work_hook: OnceLock::new(),
            events: Arc::new(OnceLock::new()),
            card_jobs: daifuku_cards::batch::CardJobs::new(),
            ocr: daifuku_cards::OcrEngine::default(),
        }
    }

    /// `listener` is told what changes without a request: a background
    /// job's progress and end, a sync round's start and end ([`HostEvent`]).
    /// The desktop shell emits them to the UI as Tauri events. Set once;
    /// later calls are ignored.
    pub fn on_event(&self, listener: impl Fn(&HostEvent) + Send + Sync + 'static) {
        if self.events.set(Box::new(listener)).is_err() {
            return;
        }
        let events = self.events.clone();
        self.jobs.on_change(move |status| {
            if let Some(tell) = events.get() {
                tell(&HostEvent::ImportJob(status.clone()));
            }
        });
    }

    fn tell(&self, event: HostEvent) {
        if let Some(tell) = self.events.get() {
            tell(&event);
        }
    }

    /// The database file; `None` in memory.
    pub fn db_path(&self) -> Option<&Path> {
        self.db.as_deref()
    }

    pub fn jobs(&self) -> &Jobs {
        &self.jobs
    }

    /// Whether a sync round is running.
    pub fn round_running(&self) -> bool {
        self.round_running.load(Ordering::SeqCst)
    }

    /// Whether a restore is replacing the database.
    pub fn restoring(&self) -> bool {
        self.restoring.load(Ordering::SeqCst)
    }

    /// Tests only: `hook` is called with the command's name when a long
    /// command ([`is_long_read`], `suggest_reading`, `save_file`,
    /// `restore_backup`) has its connection and is about to start, on the
    /// thread that runs it. A test blocks there to see what answers while the
    /// command is still running. Set once; later calls are ignored.
    #[doc(hidden)]
    pub fn on_long_work(&self, hook: impl Fn(&str) + Send + Sync + 'static) {
        let _ = self.long_work_hook.set(Box::new(hook));
    }

    fn long_work_starts(&self, name: &str) {
        if let Some(hook) = self.long_work_hook.get() {
            hook(name);
        }
    }

    /// The UI's connection, for the front end's own reads (e.g. the CLI's clock context).
    pub fn store(&self) -> Result<MutexGuard<'_, Store>> {
        self.store.lock().map_err(|_| ApiError::new("internal", "the database lock was poisoned"))
    }

    fn starting(&self) -> MutexGuard<'_, ()> {
        self.starting.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Answers one request: a `Command` as JSON in, a `Response` as JSON
    /// out (see [`Host::answer`]).
    pub fn dispatch(&self, cmd: Value, now_ms: i64, tz_offset_min: i32) -> Result<Value> {
        if self.restoring() {
            return Err(restoring_error());
        }
        self.answer(Request::parse(cmd)?, now_ms, tz_offset_min)?.to_json()
    }

    /// Answers one parsed request. `now_ms` and `tz_offset_min` are the
    /// caller's clock. Every `sync_status` answer (also of `sync_now`,
    /// `sync_configure`…) says whether a round is running. `restore_backup`
    /// is refused while a round or an import runs (`sync_running`,
    /// `import_running`); while a restore runs, every command answers
    /// `restoring`.
    pub fn answer(&self, request: Request, now_ms: i64, tz_offset_min: i32) -> Result<Answer> {
        if self.restoring() {
            return Err(restoring_error());
        }
        // The lock screen's commands answer also while locked; nothing else does (issue 18).
        let request = match request {
            Request::Host(
                cmd @ (HostCommand::LockStatus
                | HostCommand::Unlock { .. }
                | HostCommand::Lock
                | HostCommand::LockSettings { .. }
                | HostCommand::Encryption { .. }),
            ) => return self.lock_command(cmd, now_ms, tz_offset_min),
            _ if self.is_locked() => return Err(lock::locked_error()),
            request => request,
        };
        let answer = match request {
            Request::Host(cmd) => self.host_command(cmd, now_ms, tz_offset_min)?,
            Request::Core(cmd) => Answer::Core(match cmd {
                cmd @ Command::RestoreBackup { .. } => self.restore(cmd, now_ms, tz_offset_min)?,
                cmd @ (Command::SuggestReading { .. } | Command::SaveFile { .. }) => {
                    self.long_work_starts(command_name(&cmd));
                    api::execute_without_store(cmd)
                        .unwrap_or_else(|_| Err(ApiError::new("internal", "not a storeless command")))?
                }
                cmd if is_long_read(&cmd) => self.long_read(cmd, now_ms, tz_offset_min)?,
                Command::DiscloseContact { id, out_dir } => {
                    self.on_ui_connection(now_ms, tz_offset_min, |store, ctx| {
                        let cmd = Command::DiscloseContact { id, out_dir: out_dir.clone() };
                        match api::execute(store, ctx, cmd)? {
                            // The printable PDF beside the JSON and HTML (issue 18, 開示).
                            Response::Disclosure(mut d) => {
                                daifuku_print::add_disclosure_pdf(store, ctx, &mut d, out_dir.as_deref())?;
                                Ok(Response::Disclosure(d))
                            }
                            other => Ok(other),
                        }
                    })?
                }
                cmd @ (Command::SyncConfigure { .. } | Command::SyncDisable) => {
                    self.on_ui_connection(now_ms, tz_offset_min, |store, ctx| {
                        let was_in_keychain = lock::sync_passphrase_in_keychain(store)?;
                        let answer = api::execute(store, ctx, cmd)?;
                        // The folder-sync passphrase never stays plain in a plain database (issue 18).
                        lock::protect_sync_passphrase(store, was_in_keychain)?;
                        Ok(answer)
                    })?
                }
                cmd => self.on_ui_connection(now_ms, tz_offset_min, |store, ctx| api::execute(store, ctx, cmd))?,
            }),
        };
        Ok(match answer {
            Answer::Core(Response::SyncStatus(mut status)) => {
                status.running = self.round_running();
                status.passphrase_in_file = lock::sync_passphrase_in_file(&*self.store()?)?;
                Answer::Core(Response::SyncStatus(status))
            }
            other => other,
        })
    }

    fn host_command(&self, cmd: HostCommand, now_ms: i64, tz_offset_min: i32) -> Result<Answer> {
        Ok(match cmd {
            HostCommand::SyncNow { retire } => {
                Response::SyncStatus(self.sync_now(now_ms, retire.as_deref().unwrap_or_default())?).into()
            }
            HostCommand::SyncTest { folder, s3 } => {
                let target = match s3 {
                    Some(s3) => {
                        s3.validate()?;
                        // The form does not hold the saved keys; the network waits outside the lock.
                        let s3 = self.store()?.sync_s3_with_saved_keys(&s3)?;
                        s3.require_keys()?;
                        SyncTarget::S3(s3_config(&s3))
                    }
                    None if folder.trim().is_empty() => {
                        return Err(ApiError::field("required", "folder", "choose the shared folder to sync through"))
                    }
                    None => SyncTarget::Folder { path: PathBuf::from(folder.trim()), create: false },
                };
                HostResponse::SyncTested(test_connection(&target)?).into()
            }
            HostCommand::DemoLoad { companies } => self
                .on_ui_connection(now_ms, tz_offset_min, |store, ctx| {
                    daifuku_gen::demo_load(store, ctx, companies.unwrap_or(200).clamp(1, 2000) as usize)?;
                    Ok(Response::FirstRun(api::first_run(store)?))
                })?
                .into(),
            cmd @ (HostCommand::PrintCompany { .. }
            | HostCommand::PrintReport { .. }
            | HostCommand::PrintLabels { .. }) => {
                // Its own connection (in memory: the UI's), like a long read: a PDF of
                // many labels takes a moment and holds up no UI command.
                let run = |store: &mut Store| {
                    let mut ctx = store.context(now_ms)?;
                    ctx.tz_offset_min = tz_offset_min;
                    print(store, &ctx, cmd)
                };
                let printed = match &self.db {
                    Some(db) => run(&mut Store::open(db)?)?,
                    None => run(&mut *self.store()?)?,
                };
                HostResponse::Printed(printed).into()
            }
            cmd @ (HostCommand::CardScan { .. }
            | HostCommand::CardOffers { .. }
            | HostCommand::CardSave { .. }
            | HostCommand::CardBatchStart { .. }
            | HostCommand::CardBatchProgress { .. }
            | HostCommand::CardBatchCancel { .. }) => self.card_command(cmd, now_ms, tz_offset_min)?,
            HostCommand::CalendarNewToken => self
                .on_ui_connection(now_ms, tz_offset_min, |store, _| {
                    store.set_calendar_token(&new_calendar_token())?;
                    Ok(Response::CalendarFeedInfo(api::CalendarFeedInfo { token: store.calendar_token()? }))
                })?
                .into(),
            cmd @ (HostCommand::ImportStart { .. }
            | HostCommand::ImportProgress { .. }
            | HostCommand::ImportCancel { .. }) => {
                // An import starts only when no restore does (see `restore`).
                let _starting = matches!(cmd, HostCommand::ImportStart { .. }).then(|| self.starting());
                if self.restoring() {
                    return Err(restoring_error());
                }
                let mut store = self.store()?;
                let mut ctx = store.context(now_ms)?;
                ctx.tz_offset_min = tz_offset_min;
                HostResponse::ImportJob(self.jobs.handle(&store, &ctx, cmd)?).into()
            }
            cmd @ (HostCommand::LockStatus
            | HostCommand::Unlock { .. }
            | HostCommand::Lock
            | HostCommand::LockSettings { .. }
            | HostCommand::Encryption { .. }) => self.lock_command(cmd, now_ms, tz_offset_min)?,
        })
    }

    /// Runs `f` on the UI's connection. During an import a UI write is
    /// refused at once with `busy` rather than holding every UI command for
    /// the busy timeout.
    fn on_ui_connection<T>(
        &self,
        now_ms: i64,
        tz_offset_min: i32,
        f: impl FnOnce(&mut Store, &Ctx) -> Result<T>,
    ) -> Result<T> {
        let mut store = self.store()?;
        let mut ctx = store.context(now_ms)?;
        ctx.tz_offset_min = tz_offset_min;
        let importing = self.jobs.running();
        if importing {
            store.conn().busy_timeout(WAIT_DURING_IMPORT)?;
        }
        let result = f(&mut store, &ctx);
        if importing {
            store.conn().busy_timeout(daifuku::store::BUSY_TIMEOUT)?;
        }
        result.map_err(|e| if e.code == "busy" { busy_error() } else { e })
    }

    /// A long read on a connection of its own (in memory: the UI's).
    fn long_read(&self, cmd: Command, now_ms: i64, tz_offset_min: i32) -> Result<Response> {
        let run = |store: &mut Store| {
            let mut ctx = store.context(now_ms)?;
            ctx.tz_offset_min = tz_offset_min;
            self.long_work_starts(command_name(&cmd));
            api::execute(store, &ctx, cmd)
        };
        match &self.db {
            Some(db) => run(&mut Store::open(db)?),
            None => run(&mut *self.store()?),
        }
    }

    /// Replaces the database with a backup. Refused during a sync round or
    /// an import; while it runs no round or import starts and every command
    /// answers `restoring`. The copy runs on a connection of its own (the
    /// online backup API writes the backup's pages as one write transaction);
    /// the UI's connection needs no reopening: its next read sees the new
    /// pages (WAL) and SQLite prepares its statements again on the changed
    /// schema.
    fn restore(&self, cmd: Command, now_ms: i64, tz_offset_min: i32) -> Result<Response> {
        let (_restoring, _no_round) = {
            let _starting = self.starting();
            if self.restoring.swap(true, Ordering::SeqCst) {
                return Err(restoring_error());
            }
            let restoring = FlagGuard(&self.restoring);
            // A restore under a running round or import would mix the two databases.
            if self.round_running.swap(true, Ordering::SeqCst) {
                return Err(sync_running_error());
            }
            let no_round = FlagGuard(&self.round_running);
            if self.jobs.running() {
                return Err(jobs::running_error());
            }
            (restoring, no_round)
        };
        let Some(db) = &self.db else {
            let mut store = self.store()?;
            let mut ctx = store.context(now_ms)?;
            ctx.tz_offset_min = tz_offset_min;
            return api::execute(&mut store, &ctx, cmd);
        };
        let mut store = Store::open(db)?;
        let mut ctx = store.context(now_ms)?;
        ctx.tz_offset_min = tz_offset_min;
        self.long_work_starts("restore_backup");
        api::execute(&mut store, &ctx, cmd)
    }

    /// One round with the app's saved setup, answering the sync panel's
    /// status. Blocks the caller until the round ends; while it runs, a
    /// second call answers the status at once with `running: true`.
    pub fn sync_now(&self, now_ms: i64, retire: &[String]) -> Result<SyncStatus> {
        if self.round_running.swap(true, Ordering::SeqCst) {
            let mut status = self.store()?.sync_status()?;
            status.running = true;
            return Ok(status);
        }
        let guard = FlagGuard(&self.round_running);
        if self.events.get().is_some() {
            if let Ok(mut status) = self.store().and_then(|mut s| s.sync_status()) {
                status.running = true;
                self.tell(HostEvent::SyncStatus(status));
            }
        }
        let mut sync = self.sync.lock().map_err(|_| ApiError::new("internal", "the sync lock was poisoned"))?;
        let result = match &self.db {
            // Its own connection, like an import's: the UI's stays free.
            Some(db) => Store::open(db).and_then(|mut store| sync.sync_now(&mut store, now_ms, retire)),
            None => sync.sync_now(&mut *self.store()?, now_ms, retire),
        };
        drop(sync);
        drop(guard);
        let status = match result {
            Ok(mut status) => {
                status.running = self.round_running();
                status
            }
            Err(e) => {
                // The panel learns of the failure too (`last_error`).
                if let Ok(mut status) = self.store().and_then(|mut s| s.sync_status()) {
                    status.running = self.round_running();
                    self.tell(HostEvent::SyncStatus(status));
                }
                return Err(e);
            }
        };
        self.tell(HostEvent::SyncStatus(status.clone()));
        Ok(status)
    }
}

/// A fresh secret for the calendar feed's address: 40 random letters and digits.
fn new_calendar_token() -> String {
    const ALPHABET: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
    let mut rng = rand::rng();
    (0..40).map(|_| ALPHABET[rng.random_range(0..ALPHABET.len())] as char).collect()
}
