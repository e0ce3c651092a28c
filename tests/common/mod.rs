//! Helpers shared by integration tests that drive the command API and the
//! hosts' sync (`tests/sync_host.rs`, `tests/attachments.rs`). Each test
//! binary uses a part of them.
#![allow(dead_code)]

pub mod bytes;

use std::path::Path;

use daifuku::api::{execute, Command, Response};
use daifuku::store::Store;
use daifuku::sync::SyncStatus;
use daifuku::ApiError;
use daifuku_host::SyncHost;
use serde_json::json;

pub const T0: i64 = 1_790_000_000_000;

/// One command at `now`, as the current user of `store`.
pub fn run(store: &mut Store, now: i64, cmd: Command) -> Result<Response, ApiError> {
    let c = store.context(now).unwrap();
    execute(store, &c, cmd)
}

pub fn status(r: Response) -> SyncStatus {
    match r {
        Response::SyncStatus(s) => s,
        other => panic!("expected a status, got {other:?}"),
    }
}

/// `SyncConfigure` with a folder on disk, an optional passphrase and a device name.
pub fn configure(store: &mut Store, folder: &Path, passphrase: Option<&str>, name: &str) -> SyncStatus {
    status(
        run(
            store,
            T0,
            Command::SyncConfigure {
                folder: folder.to_str().unwrap().to_string(),
                s3: None,
                passphrase: passphrase.map(String::from),
                device_name: Some(name.into()),
            },
        )
        .unwrap(),
    )
}

/// `SyncNow` with the app's saved setup, through `SyncHost::sync_now` (what
/// `daifuku_host::Host` runs on a connection of its own).
pub fn sync_now(host: &mut SyncHost, store: &mut Store, now: i64) -> Result<SyncStatus, ApiError> {
    host.sync_now(store, now, &[])
}

/// A folder on a slow NAS or a cloud drive still downloading: a real folder
/// with `delay` before every operation.
pub struct SlowFolder<F> {
    pub inner: F,
    pub delay: std::time::Duration,
}

impl<F: daifuku::sync::folder::SyncFolder> daifuku::sync::folder::SyncFolder for SlowFolder<F> {
    fn list(&mut self, prefix: &str) -> Result<Vec<String>, daifuku::sync::folder::FolderError> {
        std::thread::sleep(self.delay);
        self.inner.list(prefix)
    }
    fn read(&mut self, name: &str) -> Result<Vec<u8>, daifuku::sync::folder::FolderError> {
        std::thread::sleep(self.delay);
        self.inner.read(name)
    }
    fn create(&mut self, name: &str, bytes: &[u8]) -> Result<(), daifuku::sync::folder::FolderError> {
        std::thread::sleep(self.delay);
        self.inner.create(name, bytes)
    }
    fn delete(&mut self, name: &str) -> Result<(), daifuku::sync::folder::FolderError> {
        std::thread::sleep(self.delay);
        self.inner.delete(name)
    }
}

/// A colleague's database at `db` that synced `rounds` times through
/// `folder`, adding `per_round` companies before each round (so the folder
/// holds at least `rounds` change files). Answers the companies' ids.
pub fn colleague_wrote(db: &Path, folder: &Path, rounds: usize, per_round: usize) -> Vec<String> {
    let mut store = Store::open(db).unwrap();
    configure(&mut store, folder, None, "営業二課のPC");
    let mut ids = vec![];
    for r in 0..rounds {
        for i in 0..per_round {
            let n = r * per_round + i;
            let fields = json!({
                "name": format!("株式会社 東海精機{n}"),
                "phone": format!("052-{:03}-{:04}（代）", 200 + n % 700, n),
            });
            let cmd = Command::Add { kind: daifuku::Kind::Company, fields: fields.as_object().unwrap().clone() };
            match run(&mut store, T0 + n as i64, cmd).unwrap() {
                Response::Record(s) => ids.push(s.id),
                other => panic!("{other:?}"),
            }
        }
        sync_now(&mut SyncHost::new(), &mut store, T0 + 10_000 + r as i64).unwrap();
    }
    ids
}

/// Runs the `daifuku` command line on the database `db`, its clock pinned at
/// `now` (`DAIFUKU_NOW`), whatever `DAIFUKU_DB` the environment has.
pub fn cli(db: &Path, now: i64, args: &[&str]) -> std::process::Output {
    std::process::Command::new(env!("CARGO_BIN_EXE_daifuku"))
        .arg("--db")
        .arg(db)
        .args(args)
        .env_remove("DAIFUKU_DB")
        .env("DAIFUKU_NOW", now.to_string())
        .output()
        .unwrap()
}
