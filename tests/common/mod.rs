//! Helpers shared by integration tests that drive the command API and the
//! hosts' sync (`tests/sync_host.rs`, `tests/attachments.rs`). Each test
//! binary uses a part of them.
#![allow(dead_code)]

use std::path::Path;

use daifuku::api::{execute, Command, Response};
use daifuku::host::SyncHost;
use daifuku::store::Store;
use daifuku::sync::SyncStatus;
use daifuku::ApiError;
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
                passphrase: passphrase.map(String::from),
                device_name: Some(name.into()),
            },
        )
        .unwrap(),
    )
}

/// `SyncNow` as a host answers it: through `SyncHost::intercept`.
pub fn sync_now(host: &mut SyncHost, store: &mut Store, now: i64) -> Result<SyncStatus, ApiError> {
    let c = store.context(now).unwrap();
    let v = host.intercept(store, &c, &json!({"cmd": "sync_now"})).expect("sync_now is the host's")?;
    assert_eq!(v["type"], json!("sync_status"), "{v}");
    Ok(serde_json::from_value(v["data"].clone()).unwrap())
}
