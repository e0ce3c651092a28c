//! `daifuku sync`: one round of folder sync through a local/network folder or
//! an S3-compatible bucket; `daifuku conflicts`: review and resolve what sync
//! kept aside. The CLI reads the clock and the environment (passphrase, S3
//! keys) here; opening the folder and running the round is
//! `daifuku_host`, shared with the app.

use clap::{Arg, ArgAction, ArgMatches, Command};
use daifuku::api;
use daifuku::sync::{ConflictChoice, SnapshotPolicy, SyncReport};
use daifuku::{ApiError, Store};
use daifuku_folder::S3Config;
use daifuku_host::{RoundRequest, SyncHost, SyncTarget};

use crate::Output;

pub fn commands() -> Vec<Command> {
    vec![
        Command::new("sync")
            .about("Sync with the other devices through a shared folder (one round)")
            .arg(
                Arg::new("folder")
                    .long("folder")
                    .value_name("PATH")
                    .help("Shared folder (SMB/NAS share, Dropbox/OneDrive/Google Drive folder); default: the one the app was set up with"),
            )
            .arg(
                Arg::new("s3-endpoint")
                    .long("s3-endpoint")
                    .value_name("URL")
                    .help("S3-compatible endpoint instead of a folder"),
            )
            .arg(Arg::new("bucket").long("bucket").value_name("NAME"))
            .arg(Arg::new("s3-prefix").long("s3-prefix").value_name("PATH").default_value(""))
            .arg(Arg::new("s3-region").long("s3-region").default_value("us-east-1"))
            .arg(
                Arg::new("s3-access-key-env")
                    .long("s3-access-key-env")
                    .default_value("AWS_ACCESS_KEY_ID")
                    .help("Variable holding the access key id"),
            )
            .arg(
                Arg::new("s3-secret-key-env")
                    .long("s3-secret-key-env")
                    .default_value("AWS_SECRET_ACCESS_KEY")
                    .help("Variable holding the secret key"),
            )
            .arg(
                Arg::new("passphrase-env")
                    .long("passphrase-env")
                    .value_name("VAR")
                    .help("Variable holding the workspace passphrase (end-to-end encryption)"),
            )
            .arg(
                Arg::new("device-name")
                    .long("device-name")
                    .value_name("NAME")
                    .help("This computer's name, shown to the others (default: the host name, on first sync)"),
            )
            .arg(
                Arg::new("snapshot")
                    .long("snapshot")
                    .action(ArgAction::SetTrue)
                    .help("Write a snapshot now (new devices join from it)"),
            )
            .arg(Arg::new("no-compact").long("no-compact").action(ArgAction::SetTrue).help("Keep old change files"))
            .arg(
                Arg::new("retire")
                    .long("retire")
                    .value_name("DEVICE_ID")
                    .action(ArgAction::Append)
                    .help("A device gone for good: stop waiting for it"),
            )
            .arg(
                Arg::new("status")
                    .long("status")
                    .action(ArgAction::SetTrue)
                    .help("Show the sync status without syncing"),
            )
            .subcommand(
                Command::new("skewed-edits")
                    .about("Edits made on a computer whose clock was far ahead (check them)")
                    .arg(Arg::new("limit").long("limit").default_value("100").value_parser(clap::value_parser!(u32))),
            ),
        Command::new("conflicts")
            .about("Values sync kept aside when two devices edited the same thing")
            .arg(Arg::new("limit").long("limit").default_value("100").value_parser(clap::value_parser!(u32)))
            .subcommand(
                Command::new("resolve")
                    .about("Settle a conflict: keep the current value, or take the other one")
                    .arg(Arg::new("id").required(true).value_parser(clap::value_parser!(i64)))
                    .arg(Arg::new("take").long("take").required(true).value_parser(["current", "other"]))
                    .arg(
                        Arg::new("version")
                            .long("version")
                            .value_name("VERSION")
                            .help("With --take other: which losing value (default the newest)"),
                    ),
            ),
    ]
}

fn env(var: &str) -> Option<String> {
    std::env::var(var).ok().filter(|v| !v.is_empty())
}

fn summary(r: &SyncReport) -> String {
    let mut lines = vec![format!(
        "同期 / sync: read {} files, applied {} changes ({} fields), wrote {} changes in {} files; {} new conflicts ({} open); {} local changes waiting, {} remote waiting",
        r.files_read, r.changes_applied, r.fields_applied, r.changes_written, r.files_written, r.conflicts_new, r.conflicts_open, r.pending_local, r.waiting_remote
    )];
    if let Some(s) = &r.snapshot_loaded {
        lines.push(format!("joined from snapshot {s}"));
    }
    if let Some(s) = &r.snapshot_written {
        lines.push(format!("wrote snapshot {s}"));
    }
    if r.files_deleted > 0 {
        lines.push(format!("removed {} old files", r.files_deleted));
    }
    if r.attachments_written + r.attachments_read + r.attachments_pending > 0 {
        lines.push(format!(
            "attachments: sent {}, received {}, {} still coming",
            r.attachments_written, r.attachments_read, r.attachments_pending
        ));
    }
    for w in &r.warnings {
        lines.push(format!("warning: {}", w.message));
    }
    for e in &r.errors {
        lines.push(format!("error: {}", e.message));
    }
    lines.join("\n")
}

pub fn run_sync(store: &mut Store, sub: &ArgMatches) -> Result<Output, ApiError> {
    let ctx = crate::now_ctx(store)?;
    if let Some(("skewed-edits", r)) = sub.subcommand() {
        let cmd = api::Command::SyncSkewedEdits { limit: Some(*r.get_one::<u32>("limit").unwrap()) };
        let data = serde_json::to_value(api::execute(store, &ctx, cmd)?)?["data"].clone();
        let text = data
            .as_array()
            .into_iter()
            .flatten()
            .map(|e| {
                format!(
                    "{} {} {}: {} (device {}, stamped {} ms, {} ms ahead)",
                    e["kind"].as_str().unwrap_or(""),
                    e["display_name"].as_str().unwrap_or(""),
                    e["field"].as_str().unwrap_or(""),
                    e["value"],
                    e["device"].as_str().unwrap_or(""),
                    e["stamped_at"],
                    e["stamped_at"].as_i64().unwrap_or(0) - e["known_at"].as_i64().unwrap_or(0)
                )
            })
            .collect::<Vec<_>>()
            .join("\n");
        return Ok(Output::Both(text, data));
    }
    if sub.get_flag("status") {
        let v = serde_json::to_value(store.sync_status()?)?;
        return Ok(Output::Both(serde_json::to_string_pretty(&v)?, v));
    }
    let target = match (sub.get_one::<String>("folder"), sub.get_one::<String>("s3-endpoint")) {
        (Some(path), None) => SyncTarget::Folder { path: path.into(), create: true },
        (None, Some(endpoint)) => {
            let bucket = sub
                .get_one::<String>("bucket")
                .ok_or_else(|| ApiError::new("usage", "--s3-endpoint needs --bucket"))?;
            let key = |flag: &str| env(sub.get_one::<String>(flag).unwrap()).unwrap_or_default();
            daifuku::sync::check_s3_prefix(sub.get_one::<String>("s3-prefix").unwrap())?;
            SyncTarget::S3(S3Config {
                endpoint: endpoint.clone(),
                bucket: bucket.clone(),
                prefix: sub.get_one::<String>("s3-prefix").unwrap().clone(),
                region: sub.get_one::<String>("s3-region").unwrap().clone(),
                access_key_id: key("s3-access-key-env"),
                secret_access_key: key("s3-secret-key-env"),
            })
        }
        (None, None) if store.sync_setup()?.is_some() => {
            // The folder the app was set up with (`SyncConfigure`).
            let setup = store.sync_setup()?.expect("checked");
            SyncTarget::Folder { path: setup.folder.into(), create: false }
        }
        _ => {
            return Err(ApiError::new(
                "usage",
                "give --folder PATH or --s3-endpoint URL --bucket NAME (or set up sync in the app first)",
            ))
        }
    };
    let saved = sub.get_one::<String>("folder").is_none() && sub.get_one::<String>("s3-endpoint").is_none();
    let mut req = RoundRequest::new(target, ctx.now_ms);
    req.passphrase = match sub.get_one::<String>("passphrase-env") {
        Some(var) => Some(env(var).ok_or_else(|| {
            ApiError::new("sync_passphrase_required", format!("the variable {var} holding the passphrase is not set"))
        })?),
        None if saved => daifuku_host::lock::saved_sync_passphrase(&store)?,
        None => None,
    };
    req.device_name = sub.get_one::<String>("device-name").cloned();
    if sub.get_flag("snapshot") {
        req.snapshot = SnapshotPolicy::Always;
    }
    req.compact = !sub.get_flag("no-compact");
    req.retire = sub.get_many::<String>("retire").map(|v| v.cloned().collect()).unwrap_or_default();
    let report = SyncHost::new().round(store, &req)?;
    let mut v = serde_json::to_value(&report)?;
    // Records left under a company deleted on another computer (issue 19).
    let orphans = store.orphan_count()?;
    v["orphans"] = orphans.into();
    let mut text = summary(&report);
    if orphans > 0 {
        text += &format!("\n削除された会社の下に残っている記録: {orphans}件 (daifuku orphans) / records left under a deleted company");
    }
    Ok(Output::Both(text, v))
}

pub fn run_conflicts(store: &mut Store, sub: &ArgMatches) -> Result<Output, ApiError> {
    let ctx = crate::now_ctx(store)?;
    let cmd = match sub.subcommand() {
        Some(("resolve", r)) => api::Command::ResolveConflict {
            id: *r.get_one::<i64>("id").unwrap(),
            choice: if r.get_one::<String>("take").unwrap() == "other" {
                ConflictChoice::Other
            } else {
                ConflictChoice::Current
            },
            version: r.get_one::<String>("version").cloned(),
        },
        _ => api::Command::SyncConflicts { limit: Some(*sub.get_one::<u32>("limit").unwrap()) },
    };
    let resp = serde_json::to_value(api::execute(store, &ctx, cmd)?)?;
    let data = resp["data"].clone();
    let rows = match &data {
        Value::Array(items) => items.clone(),
        other => vec![other.clone()],
    };
    let text = rows
        .iter()
        .map(|c| {
            format!(
                "#{}  {} {} [{}] {}: now {} / other {} ({}; {} losing values)",
                c["id"],
                c["kind"].as_str().unwrap_or(""),
                c["display_name"].as_str().unwrap_or(""),
                c["reason"].as_str().unwrap_or(""),
                c["field"].as_str().unwrap_or(""),
                c["kept_value"],
                c["other_value"],
                c["other_device"].as_str().unwrap_or(""),
                c["losers"].as_array().map(Vec::len).unwrap_or(1)
            )
        })
        .collect::<Vec<_>>()
        .join("\n");
    Ok(Output::Both(text, data))
}

use serde_json::Value;
