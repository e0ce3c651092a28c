//! Long work off the UI's lock (issue #17): through `daifuku_host::Host`,
//! exports, the mailing list, backups, the whole-database duplicate scan,
//! the reading dictionary and saving a file run without the UI's connection,
//! so lists and searches keep answering while they run; a restore makes
//! every other command answer `restoring` and the UI's connection sees the
//! restored database after it; a UI write during an import's write is
//! refused at once with `busy` and nothing is lost.
//!
//! "Still running" is made observable with the host's test hook
//! (`Host::on_long_work`): the long command waits at its start until the
//! test releases it.

use std::path::Path;
use std::sync::mpsc;
use std::sync::{Arc, Condvar, Mutex};
use std::time::{Duration, Instant};

use daifuku::store::Store;
use daifuku::ApiError;
use daifuku_host::Host;
use serde_json::{json, Value};

const T0: i64 = 1_790_000_000_000;
/// JST, as the desktop passes it.
const TZ: i32 = 540;
/// How long a UI command may take before the test calls it blocked.
const ANSWER_WITHIN: Duration = Duration::from_secs(10);

/// Holds a host's long commands at their start until the test releases them.
#[derive(Default)]
struct Gate {
    /// The commands that reached the hook, and whether they may go on.
    state: Mutex<(Vec<String>, bool)>,
    changed: Condvar,
}

impl Gate {
    fn hold(&self, name: &str) {
        let mut s = self.state.lock().unwrap();
        s.0.push(name.to_string());
        self.changed.notify_all();
        while !s.1 {
            s = self.changed.wait(s).unwrap();
        }
    }

    /// Waits until `name` is held; false after [`ANSWER_WITHIN`].
    fn entered(&self, name: &str) -> bool {
        let s = self.state.lock().unwrap();
        let (s, _) = self.changed.wait_timeout_while(s, ANSWER_WITHIN, |s| !s.0.iter().any(|n| n == name)).unwrap();
        s.0.iter().any(|n| n == name)
    }

    fn release(&self) {
        self.state.lock().unwrap().1 = true;
        self.changed.notify_all();
    }
}

/// Releases the gate when a test ends, also by a failed assertion, so the
/// held command's thread does not wait forever.
struct ReleaseOnDrop(Arc<Gate>);

impl Drop for ReleaseOnDrop {
    fn drop(&mut self) {
        self.0.release();
    }
}

fn dispatch(host: &Host, cmd: Value) -> Result<Value, ApiError> {
    host.dispatch(cmd, T0, TZ)
}

fn add(host: &Host, kind: &str, fields: Value) -> String {
    let v = dispatch(host, json!({"cmd": "add", "kind": kind, "fields": fields})).unwrap();
    v["data"]["id"].as_str().unwrap_or_else(|| panic!("{v}")).to_string()
}

/// An office's database: a company entered twice (the same 代表 number), and
/// a contact with a mailing address.
struct Office {
    _dir: tempfile::TempDir,
    dir: std::path::PathBuf,
    db: std::path::PathBuf,
    host: Arc<Host>,
    gate: Arc<Gate>,
    yamada: String,
    yamada_again: String,
    contact: String,
}

fn office() -> Office {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().to_path_buf();
    let db = dir.join("office.db");
    let host = Arc::new(Host::new(Store::open(&db).unwrap()));
    let gate = Arc::new(Gate::default());
    let held = gate.clone();
    host.on_long_work(move |name| held.hold(name));
    let yamada = add(&host, "company", json!({"name": "株式会社山田商事", "phone": "03-3213-1111（代）"}));
    let yamada_again = add(&host, "company", json!({"name": "山田商事", "phone": "03-3213-1111"}));
    let contact = add(
        &host,
        "contact",
        json!({"company_id": yamada, "family_name": "佐藤", "given_name": "花子", "phone": "03-3213-1111（代）内線1234",
               "postal_code": "100-0005", "address": "東京都千代田区丸の内1-1-1"}),
    );
    Office { _dir: tmp, dir, db, host, gate, yamada, yamada_again, contact }
}

/// Runs `cmd` on a thread of its own, and while it is held at its start,
/// asks for a list, a search and a record through the same host on another
/// thread: they must answer within [`ANSWER_WITHIN`], with the stored values.
/// Then releases the command and answers its result.
fn beside_the_ui(o: &Office, cmd: Value) -> Result<Value, ApiError> {
    let name = cmd["cmd"].as_str().unwrap().to_string();
    let release = ReleaseOnDrop(o.gate.clone());
    let long = {
        let host = o.host.clone();
        std::thread::spawn(move || dispatch(&host, cmd))
    };
    assert!(o.gate.entered(&name), "{name} never started: {:?}", long.join());

    let (tx, rx) = mpsc::channel();
    {
        let host = o.host.clone();
        std::thread::spawn(move || {
            let listed = dispatch(&host, json!({"cmd": "list", "kind": "company", "query": {}}));
            let found = dispatch(&host, json!({"cmd": "search", "q": "佐藤"}));
            let _ = tx.send((listed, found));
        });
    }
    let (listed, found) =
        rx.recv_timeout(ANSWER_WITHIN).unwrap_or_else(|_| panic!("a list and a search waited for {name}"));
    let listed = listed.unwrap();
    let items = listed["data"]["items"].as_array().unwrap_or_else(|| panic!("{listed}"));
    let phones: Vec<(&str, &str)> =
        items.iter().map(|c| (c["id"].as_str().unwrap(), c["data"]["phone"].as_str().unwrap())).collect();
    assert!(phones.contains(&(o.yamada.as_str(), "03-3213-1111 (代表)")), "{listed}");
    assert!(phones.contains(&(o.yamada_again.as_str(), "03-3213-1111")), "{listed}");
    let found = found.unwrap();
    assert!(found["data"].as_array().unwrap().iter().any(|h| h["id"] == json!(o.contact)), "{found}");
    // A write of the UI goes through as well.
    let memo = dispatch(
        &o.host,
        json!({"cmd": "patch", "kind": "company", "id": o.yamada, "fields": {"notes": format!("{name} の間に入力")}}),
    )
    .unwrap();
    assert_eq!(memo["data"]["data"]["notes"], json!(format!("{name} の間に入力")));
    assert!(!long.is_finished(), "{name} finished before it was released");

    drop(release);
    long.join().unwrap()
}

fn decode(base64: &str) -> Vec<u8> {
    daifuku::import::decode_base64(base64).unwrap()
}

#[test]
fn an_export_runs_beside_the_ui() {
    let o = office();
    let v = beside_the_ui(
        &o,
        json!({"cmd": "export", "kind": "company",
               "options": {"format": "csv", "encoding": "shift_jis", "headers": "ja"}}),
    )
    .unwrap();
    assert_eq!(v["data"]["rows"], json!(2), "{v}");
    let bytes = decode(v["data"]["base64"].as_str().unwrap());
    let (text, _, bad) = encoding_rs::SHIFT_JIS.decode(&bytes);
    assert!(!bad);
    assert!(text.contains("株式会社山田商事") && text.contains("03-3213-1111 (代表)"), "{text}");
}

#[test]
fn a_mailing_list_runs_beside_the_ui() {
    let o = office();
    let v = beside_the_ui(&o, json!({"cmd": "mailing_list", "export": {"format": "csv", "headers": "ja"}})).unwrap();
    let rows = v["data"]["list"]["rows"].as_array().unwrap_or_else(|| panic!("{v}"));
    assert_eq!(rows.len(), 1, "{v}");
    assert_eq!(rows[0]["contact_id"], json!(o.contact));
    assert_eq!(rows[0]["address"], json!("東京都千代田区丸の内1-1-1"));
    assert_eq!(rows[0]["postal_code"], json!("100-0005"));
    let file = decode(v["data"]["file"]["base64"].as_str().unwrap());
    assert!(String::from_utf8_lossy(&file).contains("佐藤"), "the file holds the label");
}

fn company_in(db: &Path, id: &str) -> daifuku::Stored {
    Store::open(db).unwrap().get(daifuku::Kind::Company, id).unwrap()
}

#[test]
fn a_backup_runs_beside_the_ui() {
    let o = office();
    let path = o.dir.join("手動バックアップ.db");
    let v = beside_the_ui(&o, json!({"cmd": "backup", "path": path})).unwrap();
    assert!(v["data"]["bytes"].as_u64().unwrap() > 0, "{v}");
    assert_eq!(company_in(&path, &o.yamada).display_name, "株式会社山田商事");
}

#[test]
fn a_rolling_backup_runs_beside_the_ui() {
    let o = office();
    let dir = o.dir.join("backups");
    let v = beside_the_ui(&o, json!({"cmd": "rolling_backup", "dir": dir, "keep": 7})).unwrap();
    let created = v["data"]["created"]["path"].as_str().unwrap_or_else(|| panic!("{v}"));
    // The caller's day in Japan.
    assert!(created.ends_with("daifuku-backup-2026-09-21.db"), "{created}");
    assert_eq!(company_in(Path::new(created), &o.yamada_again).display_name, "山田商事");
}

#[test]
fn the_duplicate_scan_runs_beside_the_ui() {
    let o = office();
    let v = beside_the_ui(&o, json!({"cmd": "find_duplicates", "kind": "company"})).unwrap();
    let groups = v["data"].as_array().unwrap_or_else(|| panic!("{v}"));
    assert_eq!(groups.len(), 1, "{v}");
    let ids: Vec<&str> =
        groups[0]["records"].as_array().unwrap().iter().map(|r| r["id"].as_str().unwrap()).collect::<Vec<_>>();
    assert!(ids.contains(&o.yamada.as_str()) && ids.contains(&o.yamada_again.as_str()), "{v}");
}

/// Home and the reports over every customer (0.5–0.7 s at 100k companies)
/// run beside the UI: the first list the app asks for at start does not
/// wait behind Home.
#[test]
fn home_and_the_customer_reports_run_beside_the_ui() {
    let o = office();
    let v = beside_the_ui(&o, json!({"cmd": "home", "mine": false})).unwrap();
    assert_eq!(v["type"], "home", "{v}");
    assert!(v["data"]["today"].is_string(), "{v}");
    for cmd in [json!({"cmd": "report_abc"}), json!({"cmd": "contact_rhythm"}), json!({"cmd": "dormant"})] {
        let o = office();
        let v = beside_the_ui(&o, cmd.clone()).unwrap();
        assert!(v["data"].is_object() || v["data"].is_array(), "{cmd}: {v}");
    }
}

#[test]
fn a_reading_suggestion_runs_beside_the_ui() {
    // The first suggestion builds the dictionary from the system's IPADIC
    // sources (seconds) or loads the one built before.
    daifuku::reading::configure(daifuku::reading::ReadingConfig {
        pack: None,
        ipadic_dir: daifuku::reading::DEBIAN_IPADIC_DIR.into(),
        cache_dir: Path::new(env!("CARGO_TARGET_TMPDIR")).join("reading-cache"),
    });
    let o = office();
    let v = beside_the_ui(&o, json!({"cmd": "suggest_reading", "text": "株式会社山田商事"})).unwrap();
    assert_eq!(v["data"]["reading"], json!("ヤマダショウジ"), "{v}");
    assert_eq!(v["data"]["complete"], json!(true), "{v}");
}

#[test]
fn saving_a_file_runs_beside_the_ui() {
    let o = office();
    let path = o.dir.join("取引先一覧.csv");
    let bytes = encoding_rs::SHIFT_JIS.encode("会社名,電話番号\r\n株式会社山田商事,03-3213-1111（代）\r\n").0.to_vec();
    let file = daifuku::export::FileData::new("取引先一覧.csv", &bytes);
    let v = beside_the_ui(&o, json!({"cmd": "save_file", "path": path, "file": file})).unwrap();
    assert_eq!(v["data"]["path"], json!(path.display().to_string()), "{v}");
    assert_eq!(std::fs::read(&path).unwrap(), bytes);
}

#[test]
fn a_restore_answers_restoring_meanwhile_and_the_ui_sees_the_backup_after() {
    let o = office();
    let backup = o.dir.join("月曜のバックアップ.db");
    // The backup is made on its own connection: let it through the gate.
    let _release = ReleaseOnDrop(o.gate.clone());
    o.gate.release();
    dispatch(&o.host, json!({"cmd": "backup", "path": backup})).unwrap();
    // After the backup: a company that the restore takes away, and an edit it undoes.
    let later = add(&o.host, "company", json!({"name": "有限会社 鈴木工務店", "phone": "045-123-4567"}));
    dispatch(&o.host, json!({"cmd": "patch", "kind": "company", "id": o.yamada, "fields": {"phone": "03-3213-2222"}}))
        .unwrap();

    let gate = Arc::new(Gate::default());
    let host = Arc::new(Host::new(Store::open(&o.db).unwrap()));
    let held = gate.clone();
    host.on_long_work(move |name| held.hold(name));
    let release = ReleaseOnDrop(gate.clone());
    let restore = {
        let host = host.clone();
        let cmd = json!({"cmd": "restore_backup", "path": backup, "confirm": true});
        std::thread::spawn(move || host.dispatch(cmd, T0 + 3_600_000, TZ))
    };
    assert!(gate.entered("restore_backup"), "the restore never started: {:?}", restore.join());
    assert!(host.restoring());

    // Every other command answers at once, with the code the UI shows 復元中… for.
    for cmd in [
        json!({"cmd": "list", "kind": "company", "query": {}}),
        json!({"cmd": "search", "q": "山田"}),
        json!({"cmd": "get", "kind": "company", "id": o.yamada}),
        json!({"cmd": "add", "kind": "company", "fields": {"name": "復元中に入力した会社"}}),
        json!({"cmd": "sync_now"}),
        json!({"cmd": "sync_status"}),
        json!({"cmd": "export", "kind": "company"}),
        json!({"cmd": "import_start", "file": {"path": "/nowhere.csv"}}),
        json!({"cmd": "restore_backup", "path": backup, "confirm": true}),
    ] {
        let (tx, rx) = mpsc::channel();
        let h = host.clone();
        let sent = cmd.clone();
        std::thread::spawn(move || {
            let _ = tx.send(h.dispatch(sent, T0, TZ));
        });
        let answer = rx.recv_timeout(ANSWER_WITHIN).unwrap_or_else(|_| panic!("{cmd} waited for the restore"));
        assert_eq!(answer.map_err(|e| e.code), Err("restoring".to_string()), "{cmd}");
    }
    assert!(!restore.is_finished());
    drop(release);
    let restored = restore.join().unwrap().unwrap();
    assert_eq!(restored["type"], json!("restored"), "{restored}");
    assert!(!host.restoring());

    // The UI's connection sees the backup's data: the later company is gone,
    // the edit undone; the database as it was is kept beside it.
    let e = dispatch(&host, json!({"cmd": "get", "kind": "company", "id": later})).unwrap_err();
    assert_eq!(e.code, "not_found");
    let got = dispatch(&host, json!({"cmd": "get", "kind": "company", "id": o.yamada})).unwrap();
    assert_eq!(got["data"]["data"]["phone"], json!("03-3213-1111 (代表)"), "{got}");
    let found = dispatch(&host, json!({"cmd": "search", "q": "鈴木工務店"})).unwrap();
    assert_eq!(found["data"], json!([]), "{found}");
    let previous = restored["data"]["previous"]["path"].as_str().unwrap();
    assert_eq!(company_in(Path::new(previous), &later).display_name, "有限会社 鈴木工務店");
    // And it writes again.
    let after = add(&host, "company", json!({"name": "株式会社 復元後商事", "phone": "06-6123-4567（代）"}));
    let got = dispatch(&host, json!({"cmd": "get", "kind": "company", "id": after})).unwrap();
    assert_eq!(got["data"]["data"]["phone"], json!("06-6123-4567 (代表)"));
}

/// A company list as Excel saves it in a Japanese office: CP932, CRLF,
/// 代表 numbers with （代）.
fn company_csv(rows: usize) -> Vec<u8> {
    let mut s = String::from("会社名,フリガナ,電話番号,住所\r\n");
    for i in 0..rows {
        s.push_str(&format!(
            "株式会社 関東精工{i},カントウセイコウ,03-{:04}-{:04}（代）,東京都港区芝公園{}-1-1\r\n",
            2000 + i / 10_000,
            i % 10_000,
            i % 9 + 1
        ));
    }
    encoding_rs::SHIFT_JIS.encode(&s).0.to_vec()
}

#[test]
fn a_ui_write_during_an_import_is_refused_at_once_and_nothing_is_lost() {
    let o = office();
    // Nothing here is held at its start.
    o.gate.release();
    let rows = 20_000;
    let csv = o.dir.join("取引先.csv");
    std::fs::write(&csv, company_csv(rows)).unwrap();
    let job = dispatch(
        &o.host,
        json!({"cmd": "import_start", "file": {"path": csv}, "options": {"kind": "company", "encoding": "shift_jis"}}),
    )
    .unwrap();
    let id = job["data"]["id"].as_str().unwrap().to_string();
    let progress = |host: &Host| dispatch(host, json!({"cmd": "import_progress", "job": id})).unwrap()["data"].clone();
    // Wait until the import writes rows: its transaction holds the database.
    let mut p = progress(&o.host);
    while !(p["phase"] == json!("write") && p["done"].as_u64().unwrap_or(0) > 0) {
        assert_eq!(p["state"], json!("running"), "the import ended before it wrote: {p}");
        std::thread::sleep(Duration::from_millis(2));
        p = progress(&o.host);
    }

    let fields = json!({"name": "株式会社 取込中商事", "phone": "052-123-4567（代）"});
    let started = Instant::now();
    let answer = dispatch(&o.host, json!({"cmd": "add", "kind": "company", "fields": fields}));
    let waited = started.elapsed();
    let p = progress(&o.host);
    assert_eq!(p["state"], json!("running"), "the import ended before the write was refused: {p}");
    let e = answer.unwrap_err();
    assert_eq!(e.code, "busy");
    assert!(e.message.starts_with("Not saved"), "{e:?}");
    // Refused at once: the UI's other commands did not wait behind it.
    assert!(waited < Duration::from_secs(2), "the write waited {waited:?}");
    // A restore now would mix the two databases.
    let backup = o.dir.join("backup.db");
    let e = dispatch(&o.host, json!({"cmd": "restore_backup", "path": backup, "confirm": true})).unwrap_err();
    assert_eq!(e.code, "import_running");
    assert!(!o.host.restoring());
    // Reads still answer during the import.
    let got = dispatch(&o.host, json!({"cmd": "get", "kind": "company", "id": o.yamada})).unwrap();
    assert_eq!(got["data"]["display_name"], json!("株式会社山田商事"));

    let done = o.host.jobs().wait(&id).unwrap();
    assert_eq!(serde_json::to_value(done.state).unwrap(), json!("done"), "{done:?}");
    // Saved again, it goes through; nothing of either is lost.
    let mine = add(&o.host, "company", fields);
    let listed = dispatch(&o.host, json!({"cmd": "list", "kind": "company", "query": {}})).unwrap();
    assert_eq!(listed["data"]["total"], json!(rows + 3), "{}", listed["data"]["total"]);
    let got = dispatch(&o.host, json!({"cmd": "get", "kind": "company", "id": mine})).unwrap();
    assert_eq!(got["data"]["data"]["phone"], json!("052-123-4567 (代表)"));
    let found = dispatch(&o.host, json!({"cmd": "search", "q": "関東精工12345"})).unwrap();
    let hit = &found["data"][0];
    let row = dispatch(&o.host, json!({"cmd": "get", "kind": "company", "id": hit["id"]})).unwrap();
    assert_eq!(row["data"]["display_name"], json!("株式会社 関東精工12345"), "{found}");
    assert_eq!(row["data"]["data"]["phone"], json!("03-2001-2345 (代表)"));
    assert_eq!(row["data"]["data"]["name_reading"], json!("カントウセイコウ"));
}

/// The desktop shell gets a job's progress pushed (Tauri events) instead of
/// polling: the job's start, where it is while it runs (at most every 100 ms),
/// and its end, each once the host's listener is set.
#[test]
fn a_jobs_start_progress_and_end_are_pushed_to_the_listener() {
    use daifuku_host::jobs::{JobState, JobStatus};
    use daifuku_host::HostEvent;
    let o = office();
    o.gate.release();
    let events = Arc::new(Mutex::new(Vec::<HostEvent>::new()));
    let sink = events.clone();
    o.host.on_event(move |e| sink.lock().unwrap().push(e.clone()));
    let rows = 20_000;
    let csv = o.dir.join("取引先.csv");
    std::fs::write(&csv, company_csv(rows)).unwrap();
    let started = Instant::now();
    let job = dispatch(
        &o.host,
        json!({"cmd": "import_start", "file": {"path": csv}, "options": {"kind": "company", "encoding": "shift_jis"}}),
    )
    .unwrap();
    let id = job["data"]["id"].as_str().unwrap().to_string();
    let end = o.host.jobs().wait(&id).unwrap();
    let took = started.elapsed();
    assert_eq!(end.state, JobState::Done);
    let seen: Vec<JobStatus> = events
        .lock()
        .unwrap()
        .iter()
        .filter_map(|e| match e {
            HostEvent::ImportJob(s) if s.id == id => Some(s.clone()),
            _ => None,
        })
        .collect();
    let first = seen.first().expect("the start was pushed");
    assert_eq!((first.state, first.done), (JobState::Running, 0));
    let moving: Vec<&JobStatus> = seen.iter().filter(|s| s.state == JobState::Running && s.done > 0).collect();
    assert!(!moving.is_empty(), "progress while it ran: {seen:?}");
    // In order: each phase (checking, writing, indexing) once, counting up.
    let mut phases = Vec::new();
    for w in moving.windows(2) {
        if w[0].phase == w[1].phase {
            assert!(w[0].done <= w[1].done, "counts up: {w:?}");
        } else {
            phases.push(w[0].phase);
        }
    }
    phases.push(moving.last().unwrap().phase);
    let distinct: std::collections::BTreeSet<String> = phases.iter().map(|p| format!("{p:?}")).collect();
    assert_eq!(distinct.len(), phases.len(), "a phase came back: {phases:?}");
    assert!(moving.len() as u128 <= took.as_millis() / 100 + 2, "{} updates in {took:?}", moving.len());
    let last = seen.last().unwrap();
    assert_eq!(last.state, JobState::Done);
    assert_eq!(last.report.as_ref().map(|r| r.created), Some(rows as u32), "{last:?}");
}
