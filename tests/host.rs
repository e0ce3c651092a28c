//! `daifuku_host::Host`, the dispatcher `daifuku serve` and the desktop
//! shell share: a sync round on a slow shared folder (a NAS, a cloud folder
//! still downloading) runs on its own connection, so the UI's commands keep
//! answering while it runs, and one round runs at a time.

use std::path::Path;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Duration;

use daifuku::store::Store;
use daifuku::sync::folder::SyncFolder;
use daifuku::sync::SyncStatus;
use daifuku::ApiError;
use daifuku_host::{open_folder, Host, SyncHost};
use serde_json::{json, Value};

mod common;
use common::{colleague_wrote, configure, SlowFolder, T0};

/// JST, as the desktop passes it.
const TZ: i32 = 540;

fn status(v: &Value) -> SyncStatus {
    assert_eq!(v["type"], json!("sync_status"), "{v}");
    serde_json::from_value(v["data"].clone()).unwrap()
}

/// A host over `db` whose folders answer after `delay` per operation;
/// `opened` counts the folders opened (one per round).
fn slow_host(db: &Path, delay: Duration, opened: Arc<AtomicUsize>) -> Host {
    let sync = SyncHost::with_opener(move |target| {
        opened.fetch_add(1, Ordering::SeqCst);
        Ok(Box::new(SlowFolder { inner: open_folder(target)?, delay }) as Box<dyn SyncFolder>)
    });
    Host::with_sync(Store::open(db).unwrap(), sync)
}

#[test]
fn the_host_can_be_shared_between_threads() {
    fn shared<T: Send + Sync>() {}
    shared::<Host>();
}

#[test]
fn ui_commands_answer_while_a_round_runs_on_a_slow_folder() {
    let dir = tempfile::tempdir().unwrap();
    let folder = dir.path().join("shared");
    std::fs::create_dir(&folder).unwrap();
    // A colleague's twelve rounds of thirty companies: twelve change files
    // and more; at 200 ms per file operation the round takes seconds.
    let theirs = colleague_wrote(&dir.path().join("colleague.db"), &folder, 12, 30);

    let db = dir.path().join("mine.db");
    let opened = Arc::new(AtomicUsize::new(0));
    let host = Arc::new(slow_host(&db, Duration::from_millis(200), opened.clone()));
    configure(&mut host.store().unwrap(), &folder, None, "営業一課のPC");
    let mine = host
        .dispatch(
            json!({"cmd": "add", "kind": "contact", "fields": {
                "family_name": "山田", "given_name": "太郎", "family_reading": "ヤマダ", "given_reading": "タロウ", "phone": "03-3213-1111（代）内線1234",
            }}),
            T0,
            TZ,
        )
        .unwrap()["data"]["id"]
        .as_str()
        .unwrap()
        .to_string();

    let round = {
        let host = host.clone();
        std::thread::spawn(move || host.dispatch(json!({"cmd": "sync_now"}), T0 + 60_000, TZ))
    };
    while !host.round_running() {
        assert!(!round.is_finished(), "the round ended before it was seen running: {:?}", round.join());
        std::thread::sleep(Duration::from_millis(5));
    }

    // The UI's commands, on this thread, while the round lists and reads the folder.
    let found = host.dispatch(json!({"cmd": "search", "q": "山田"}), T0 + 60_001, TZ).unwrap();
    let hits = found["data"].as_array().unwrap_or_else(|| panic!("{found}"));
    assert!(hits.iter().any(|h| h["id"] == json!(mine)), "{found}");
    let got = host.dispatch(json!({"cmd": "get", "kind": "contact", "id": mine}), T0 + 60_002, TZ).unwrap();
    assert_eq!(got["data"]["display_name"], json!("山田 太郎"), "{got}");
    let listed = host
        .dispatch(json!({"cmd": "list", "kind": "contact", "query": {"filters": [], "no_total": false}}), T0, TZ)
        .unwrap();
    assert_eq!(listed["data"]["items"][0]["id"], json!(mine), "{listed}");
    // The panel's status says a round runs, and a second 「今すぐ同期」 answers
    // at once without starting another round.
    assert!(status(&host.dispatch(json!({"cmd": "sync_status"}), T0, TZ).unwrap()).running);
    let second = status(&host.dispatch(json!({"cmd": "sync_now"}), T0 + 60_003, TZ).unwrap());
    assert!(second.running);
    // Restoring a backup under a running round would mix two databases.
    let e =
        host.dispatch(json!({"cmd": "restore_backup", "path": "/nowhere.db", "confirm": true}), T0, TZ).unwrap_err();
    assert_eq!(e.code, "sync_running");
    assert!(host.round_running(), "the round was still running when the UI's commands had their answers");
    assert_eq!(opened.load(Ordering::SeqCst), 1, "one round, one folder opened");

    // The round's own answer, once it ends.
    let done = status(&round.join().unwrap().unwrap());
    assert!(!done.running);
    let report = done.last_report.expect("a report");
    assert!(report.ok, "{report:?}");
    assert_eq!(report.changes_applied, theirs.len() as u64);
    assert_eq!(report.changes_written, 1);
    assert!(!status(&host.dispatch(json!({"cmd": "sync_status"}), T0, TZ).unwrap()).running);
    assert_eq!(opened.load(Ordering::SeqCst), 1);

    // What the round pulled on its connection, the UI's connection sees,
    // field for field as the colleague stored it.
    let colleague = Store::open(&dir.path().join("colleague.db")).unwrap();
    for (n, id) in theirs.iter().enumerate().step_by(37) {
        let got = host.dispatch(json!({"cmd": "get", "kind": "company", "id": id}), T0, TZ).unwrap();
        assert_eq!(got["data"]["display_name"], json!(format!("株式会社 東海精機{n}")), "{got}");
        assert!(got["data"]["data"]["phone"].as_str().is_some_and(|p| p.starts_with("052-")), "{got}");
        let want = serde_json::to_value(colleague.get(daifuku::Kind::Company, id).unwrap()).unwrap();
        assert_eq!(got["data"]["data"], want["data"]);
    }
    let found = host.dispatch(json!({"cmd": "search", "q": "東海精機"}), T0, TZ).unwrap();
    assert!(found["data"].as_array().unwrap().iter().any(|h| h["id"] == json!(theirs[0])), "{found}");
    // And the next round starts again (the running state was cleared).
    let again = status(&host.dispatch(json!({"cmd": "sync_now"}), T0 + 120_000, TZ).unwrap());
    assert!(!again.running && again.last_error.is_none(), "{again:?}");
    assert_eq!(opened.load(Ordering::SeqCst), 2);
}

#[test]
fn a_failed_round_clears_the_running_state_and_is_remembered() {
    let dir = tempfile::tempdir().unwrap();
    let host = Host::new(Store::open(&dir.path().join("a.db")).unwrap());
    let e: ApiError = host.dispatch(json!({"cmd": "sync_now"}), T0, TZ).unwrap_err();
    assert_eq!(e.code, "sync_not_configured");
    assert!(!host.round_running());
    let gone = dir.path().join("unplugged-share");
    configure(&mut host.store().unwrap(), &gone, None, "PC");
    let e = host.dispatch(json!({"cmd": "sync_now"}), T0 + 1, TZ).unwrap_err();
    assert_eq!(e.code, "sync_folder_missing");
    assert!(!host.round_running());
    let s = status(&host.dispatch(json!({"cmd": "sync_status"}), T0, TZ).unwrap());
    assert_eq!(s.last_error.map(|f| (f.code, f.at)), Some(("sync_folder_missing".to_string(), T0 + 1)));
    assert!(!s.running);
}

#[test]
fn in_memory_the_round_runs_on_the_ui_connection() {
    let dir = tempfile::tempdir().unwrap();
    let folder = dir.path().join("shared");
    std::fs::create_dir(&folder).unwrap();
    let theirs = colleague_wrote(&dir.path().join("colleague.db"), &folder, 2, 3);
    let host = Host::new(Store::open_in_memory().unwrap());
    assert!(host.db_path().is_none());
    configure(&mut host.store().unwrap(), &folder, None, "PC");
    let s = status(&host.dispatch(json!({"cmd": "sync_now"}), T0 + 60_000, TZ).unwrap());
    assert_eq!(s.last_report.unwrap().changes_applied, 6);
    let got = host.dispatch(json!({"cmd": "get", "kind": "company", "id": theirs[4]}), T0, TZ).unwrap();
    assert_eq!(got["data"]["display_name"], json!("株式会社 東海精機4"));
}

/// A round's start and end are pushed to the host's listener (the desktop
/// shell's events), so a window that did not start it needs no polling; a
/// failed round is pushed with its error.
#[test]
fn a_rounds_start_and_end_are_pushed_to_the_listener() {
    use daifuku_host::HostEvent;
    use std::sync::Mutex;
    let dir = tempfile::tempdir().unwrap();
    let folder = dir.path().join("shared");
    std::fs::create_dir(&folder).unwrap();
    colleague_wrote(&dir.path().join("colleague.db"), &folder, 2, 3);
    let host = Host::new(Store::open(&dir.path().join("mine.db")).unwrap());
    configure(&mut host.store().unwrap(), &folder, None, "PC");
    let events = Arc::new(Mutex::new(Vec::<SyncStatus>::new()));
    let sink = events.clone();
    host.on_event(move |e| {
        if let HostEvent::SyncStatus(s) = e {
            sink.lock().unwrap().push(s.clone());
        }
    });
    status(&host.dispatch(json!({"cmd": "sync_now"}), T0 + 60_000, TZ).unwrap());
    let seen = std::mem::take(&mut *events.lock().unwrap());
    assert_eq!(seen.iter().map(|s| s.running).collect::<Vec<_>>(), [true, false], "{seen:?}");
    assert_eq!(seen[1].last_report.as_ref().map(|r| r.changes_applied), Some(6));

    // The share goes away: the end is pushed with the error.
    std::fs::remove_dir_all(&folder).unwrap();
    assert!(host.dispatch(json!({"cmd": "sync_now"}), T0 + 120_000, TZ).is_err());
    let seen = std::mem::take(&mut *events.lock().unwrap());
    assert_eq!(seen.iter().map(|s| s.running).collect::<Vec<_>>(), [true, false], "{seen:?}");
    assert_eq!(seen[1].last_error.as_ref().map(|f| f.code.as_str()), Some("sync_folder_missing"));
}
