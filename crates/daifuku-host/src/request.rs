//! The wire request, parsed once: a host command (what needs threads, the
//! sync folder or the demo-data generator) or a core command
//! ([`daifuku::api::Command`]). The JSON is the same for both —
//! `{"cmd": "sync_now"}`, `{"cmd": "search", "q": …}` — so the UI, scripts
//! and tests speak one protocol; the `cmd` name decides which enum reads it.

use serde::{Deserialize, Serialize};
use serde_json::Value;
use ts_rs::TS;

use daifuku::api::{Command, Response};
use daifuku::error::Result;
use daifuku::import::{FileSource, ImportOptions};
use daifuku::sync::{S3Settings, SyncStatus};

use crate::jobs::JobStatus;

/// What only a host can do: the core answers none of these.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(tag = "cmd", rename_all = "snake_case")]
pub enum HostCommand {
    /// 「接続をテスト」: opens the folder or bucket (same fields as
    /// `sync_configure`; S3 keys absent: the saved ones) and lists it; writes
    /// nothing. Answers `sync_tested` or the error.
    SyncTest {
        #[serde(default)]
        folder: String,
        #[serde(default)]
        #[ts(optional)]
        s3: Option<S3Settings>,
    },
    /// Runs one sync round now with the saved setup and answers the status
    /// (`sync_status`, with `running`); `retire`: devices gone for good,
    /// whose acknowledgements compaction stops waiting for.
    SyncNow {
        #[serde(default)]
        #[ts(optional)]
        retire: Option<Vec<String>>,
    },
    /// Starts an import on a background thread (same options as
    /// `import_apply`) and answers at once with the job; poll it with
    /// `import_progress`, stop it with `import_cancel` (nothing is written).
    /// With `dry_run`, the job makes the preview (`import_preview`) instead.
    ImportStart {
        file: FileSource,
        #[serde(default)]
        options: ImportOptions,
        #[serde(default)]
        accept_errors: bool,
        #[serde(default)]
        #[ts(optional)]
        dry_run: Option<bool>,
    },
    /// Where a background import is: rows done of all, and its report or
    /// error once it finished.
    ImportProgress {
        job: String,
    },
    /// Asks a background import to stop; it rolls back.
    ImportCancel {
        job: String,
    },
    /// Loads demo data (`companies`, at most 2,000; default 200), marked as
    /// demo so `demo_remove` can take it out again. Refused (`demo_loaded`)
    /// while demo data is loaded. Answers the first-run state (`first_run`).
    DemoLoad {
        #[serde(default)]
        #[ts(optional)]
        companies: Option<u32>,
    },
    /// 印刷: the 顧客カード of a company as an A4 PDF. Answers `printed`
    /// (the bytes in base64, or written to `path`); `print_font_missing`
    /// when no Japanese font is installed.
    PrintCompany {
        id: String,
        #[serde(default)]
        #[ts(optional)]
        path: Option<String>,
    },
    /// 印刷: the 情報報告書 of an activity as an A4 PDF (answers `printed`).
    PrintReport {
        id: String,
        #[serde(default)]
        #[ts(optional)]
        path: Option<String>,
    },
    /// 印刷: 宛名ラベル of the mailing list, 12 or 24 a sheet (answers
    /// `printed`; `print_no_labels` when the list is empty).
    PrintLabels {
        #[serde(default)]
        options: daifuku_print::LabelOptions,
        #[serde(default)]
        #[ts(optional)]
        path: Option<String>,
    },
    /// Makes a new secret for the calendar feed's address (`daifuku serve`:
    /// `/calendar/<token>.ics`); the old address stops working. Answers
    /// `calendar_feed_info`.
    CalendarNewToken,
    /// 名刺取り込み: reads one card image (JPEG/PNG, base64 or a path) and
    /// answers the fields with confidences and boxes, the flattened card
    /// image, and the existing companies and contacts it may be
    /// (`card_scanned`). Writes nothing.
    CardScan {
        file: daifuku_cards::batch::CardFile,
    },
    /// The existing companies and contacts reviewed card fields may be (`card_offers`).
    CardOffers {
        fields: std::collections::BTreeMap<daifuku_cards::CardFieldName, String>,
    },
    /// Saves a reviewed card: contact (and company if new, or linked), card
    /// exchange, the image as attachment (`card_saved`).
    CardSave {
        card: daifuku_cards::CardSave,
    },
    /// Reads many card images in the background (`card_job`); poll with
    /// `card_batch_progress` (results from `since` on), stop with `card_batch_cancel`.
    CardBatchStart {
        files: Vec<daifuku_cards::batch::CardFile>,
    },
    CardBatchProgress {
        job: String,
        #[serde(default)]
        since: u32,
    },
    CardBatchCancel {
        job: String,
    },
    /// Whether the database is encrypted and locked (`lock_status`). Answers also while locked.
    LockStatus,
    /// The lock screen: opens the encrypted database with its passphrase
    /// (`wrong_passphrase` otherwise); `remember` keeps its key in this
    /// computer's keychain (else a kept one is forgotten). Answers `lock_status`.
    Unlock {
        passphrase: String,
        #[serde(default)]
        remember: bool,
    },
    /// Locks an encrypted database now (the idle lock). Answers `lock_status`.
    Lock,
    /// 設定: minutes without use before the app locks. Answers `lock_status`.
    LockSettings {
        idle_minutes: u32,
    },
    /// 設定: turns encryption on (`new_passphrase`), off, or changes the
    /// passphrase (`passphrase`: the current one). Answers `lock_status`.
    Encryption {
        action: crate::lock::EncryptionAction,
        #[serde(default)]
        #[ts(optional)]
        passphrase: Option<String>,
        #[serde(default)]
        #[ts(optional)]
        new_passphrase: Option<String>,
        #[serde(default)]
        remember: bool,
    },
}

impl HostCommand {
    /// The `cmd` names of the host commands (checked against the enum by a test).
    pub const NAMES: &'static [&'static str] = &[
        "sync_test",
        "sync_now",
        "import_start",
        "import_progress",
        "import_cancel",
        "demo_load",
        "print_company",
        "print_report",
        "print_labels",
        "calendar_new_token",
        "card_scan",
        "card_offers",
        "card_save",
        "card_batch_start",
        "card_batch_progress",
        "card_batch_cancel",
        "lock_status",
        "unlock",
        "lock",
        "lock_settings",
        "encryption",
    ];
}

/// What only a host answers, on the wire beside the core's [`Response`]
/// (same `{"type", "data"}` shape).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(tag = "type", content = "data", rename_all = "snake_case")]
pub enum HostResponse {
    /// `sync_test` reached the folder or bucket: how many files it holds.
    SyncTested(#[ts(type = "number")] u64),
    /// A background import's status.
    ImportJob(JobStatus),
    /// A print's PDF (`print_company`, `print_report`, `print_labels`).
    Printed(PrintResult),
    /// `card_scan`: what was read, and who it may be.
    CardScanned(CardScanned),
    CardOffers(daifuku_cards::save::CardOffers),
    CardSaved(daifuku_cards::CardSaved),
    /// A card batch's status.
    CardJob(daifuku_cards::batch::CardJobStatus),
    /// Whether the database is encrypted, locked, its key remembered (issue 18).
    LockStatus(crate::lock::LockStatus),
}

/// One card read, and the existing records it may be.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct CardScanned {
    pub scan: daifuku_cards::CardScan,
    pub offers: daifuku_cards::save::CardOffers,
}

/// A PDF made by a print command: saved by the UI like an export's file.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct PrintResult {
    /// The file name to save it under (顧客カード_…_2026-12-05.pdf).
    pub name: String,
    /// Where it was written (the caller's `path`).
    #[ts(optional)]
    pub path: Option<String>,
    /// The PDF, when it was not written to a path.
    #[ts(optional)]
    pub base64: Option<String>,
    pub pages: u32,
    /// The PDF's size in bytes.
    #[ts(type = "number")]
    pub bytes: u64,
}

/// What the host tells the UI without being asked, where it can push (the
/// desktop shell emits each as the Tauri event [`HostEvent::NAME`]; the
/// browser bridge cannot push, so its UI polls `import_progress` and
/// `sync_status` instead). Same `{"type", "data"}` shape as the answers.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(tag = "type", content = "data", rename_all = "snake_case")]
pub enum HostEvent {
    /// A background job started, moved on (at most every 100 ms) or ended.
    ImportJob(JobStatus),
    /// A sync round started (`running: true`) or ended.
    SyncStatus(SyncStatus),
}

impl HostEvent {
    /// The event's name in the desktop shell.
    pub const NAME: &'static str = "daifuku://host-event";
}

/// One request off the wire.
#[derive(Debug, Clone, PartialEq)]
pub enum Request {
    Host(HostCommand),
    Core(Command),
}

impl Request {
    /// Reads the request once: its `cmd` names a host command or a core one.
    pub fn parse(v: Value) -> Result<Request> {
        let host = v.get("cmd").and_then(Value::as_str).is_some_and(|n| HostCommand::NAMES.contains(&n));
        Ok(if host { Request::Host(serde_json::from_value(v)?) } else { Request::Core(serde_json::from_value(v)?) })
    }
}

/// One answer for the wire.
#[derive(Debug, Clone)]
pub enum Answer {
    Host(HostResponse),
    Core(Response),
}

impl Answer {
    pub fn to_json(&self) -> Result<Value> {
        Ok(match self {
            Answer::Host(r) => serde_json::to_value(r)?,
            Answer::Core(r) => serde_json::to_value(r)?,
        })
    }
}

impl From<Response> for Answer {
    fn from(r: Response) -> Answer {
        Answer::Core(r)
    }
}

impl From<HostResponse> for Answer {
    fn from(r: HostResponse) -> Answer {
        Answer::Host(r)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    /// Every host command's name is in `NAMES` (else it would be read as a
    /// core command and refused as unknown), and no core command's is.
    #[test]
    fn the_names_match_the_enum() {
        let samples = [
            HostCommand::SyncTest { folder: String::new(), s3: None },
            HostCommand::SyncNow { retire: None },
            HostCommand::ImportStart {
                file: FileSource::Path { path: "a.csv".into() },
                options: ImportOptions::default(),
                accept_errors: false,
                dry_run: None,
            },
            HostCommand::ImportProgress { job: "j".into() },
            HostCommand::ImportCancel { job: "j".into() },
            HostCommand::DemoLoad { companies: None },
            HostCommand::PrintCompany { id: "c".into(), path: None },
            HostCommand::PrintReport { id: "a".into(), path: None },
            HostCommand::PrintLabels { options: Default::default(), path: None },
            HostCommand::CalendarNewToken,
            HostCommand::CardScan {
                file: daifuku_cards::batch::CardFile { name: "a.jpg".into(), base64: None, path: None },
            },
            HostCommand::CardOffers { fields: Default::default() },
            HostCommand::CardSave { card: Default::default() },
            HostCommand::CardBatchStart { files: vec![] },
            HostCommand::CardBatchProgress { job: "j".into(), since: 0 },
            HostCommand::CardBatchCancel { job: "j".into() },
            HostCommand::LockStatus,
            HostCommand::Unlock { passphrase: "p".into(), remember: false },
            HostCommand::Lock,
            HostCommand::LockSettings { idle_minutes: 15 },
            HostCommand::Encryption {
                action: crate::lock::EncryptionAction::Encrypt,
                passphrase: None,
                new_passphrase: None,
                remember: false,
            },
        ];
        let names: Vec<String> =
            samples.iter().map(|c| serde_json::to_value(c).unwrap()["cmd"].as_str().unwrap().to_string()).collect();
        assert_eq!(names, HostCommand::NAMES);
        for (c, name) in samples.iter().zip(&names) {
            assert_eq!(Request::parse(serde_json::to_value(c).unwrap()).unwrap(), Request::Host(c.clone()));
            // The core does not know it.
            assert!(serde_json::from_value::<Command>(json!({ "cmd": name })).is_err(), "{name}");
        }
    }

    #[test]
    fn core_commands_parse_as_core() {
        let r = Request::parse(json!({"cmd": "search", "q": "山田"})).unwrap();
        assert!(matches!(r, Request::Core(Command::Search { .. })), "{r:?}");
        assert!(Request::parse(json!({"cmd": "no_such_command"})).is_err());
        assert!(Request::parse(json!({"cmd": "sync_now", "retire": 3})).is_err());
    }
}
