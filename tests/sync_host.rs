//! The hosts' shared sync (`daifuku_host`): two databases set up with
//! `SyncConfigure` sync through a real folder on disk via `SyncHost::sync_now`,
//! what `Host` runs for `SyncNow` in `daifuku serve` and the desktop shell
//! (`tests/host.rs` drives `Host` itself).

use std::path::Path;

use daifuku::api::{Command, Response};
use daifuku::store::Store;
use daifuku::sync::ConflictChoice;
use daifuku::Kind;
use daifuku_host::SyncHost;
use serde_json::{json, Map, Value};

mod common;
use common::{configure, run, status, sync_now, T0};

fn fields(v: Value) -> Map<String, Value> {
    v.as_object().unwrap().clone()
}

fn add_company(store: &mut Store, now: i64, name: &str, phone: &str) -> String {
    match run(store, now, Command::Add { kind: Kind::Company, fields: fields(json!({"name": name, "phone": phone})) })
        .unwrap()
    {
        Response::Record(s) => s.id,
        other => panic!("{other:?}"),
    }
}

fn patch(store: &mut Store, now: i64, id: &str, f: Value) {
    run(store, now, Command::Patch { kind: Kind::Company, id: id.into(), version: None, fields: fields(f) }).unwrap();
}

fn all_files(dir: &Path) -> Vec<(String, Vec<u8>)> {
    let mut out = vec![];
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                stack.push(p);
            } else {
                out.push((p.strip_prefix(dir).unwrap().to_string_lossy().into_owned(), std::fs::read(&p).unwrap()));
            }
        }
    }
    out
}

#[test]
fn two_databases_converge_through_a_folder_with_a_passphrase() {
    let dir = tempfile::tempdir().unwrap();
    let folder = dir.path().join("shared");
    std::fs::create_dir(&folder).unwrap();
    let mut a = Store::open(&dir.path().join("a.db")).unwrap();
    let mut b = Store::open(&dir.path().join("b.db")).unwrap();
    let (mut host_a, mut host_b) = (SyncHost::new(), SyncHost::new());

    // Not set up yet: a clear error, remembered for the panel.
    let e = sync_now(&mut host_a, &mut a, T0).unwrap_err();
    assert_eq!(e.code, "sync_not_configured");
    // The core alone cannot sync: sync_now is the host's (a HostCommand).
    assert!(serde_json::from_value::<Command>(serde_json::json!({"cmd": "sync_now"})).is_err());
    assert!(matches!(
        daifuku_host::Request::parse(serde_json::json!({"cmd": "sync_now"})).unwrap(),
        daifuku_host::Request::Host(daifuku_host::HostCommand::SyncNow { retire: None })
    ));
    // A folder is required.
    let e =
        run(&mut a, T0, Command::SyncConfigure { folder: " ".into(), s3: None, passphrase: None, device_name: None })
            .unwrap_err();
    assert_eq!((e.code.as_str(), e.field.as_deref()), ("required", Some("folder")));

    let s = configure(&mut a, &folder, Some("大福の合言葉"), "営業部のPC");
    let setup = s.setup.expect("set up");
    assert!(setup.encrypted);
    assert_eq!(setup.folder, folder.to_str().unwrap());
    assert_eq!(s.device_name.as_deref(), Some("営業部のPC"));
    let s = serde_json::to_string(&status(run(&mut a, T0, Command::SyncStatus).unwrap())).unwrap();
    assert!(!s.contains("大福の合言葉"), "the passphrase never leaves the database: {s}");

    let id = add_company(&mut a, T0 + 1, "株式会社 山田商事", "03-1234-5678");
    assert_eq!(status(run(&mut a, T0, Command::SyncStatus).unwrap()).pending_changes, 1);
    let s = sync_now(&mut host_a, &mut a, T0 + 10).unwrap();
    assert_eq!(s.pending_changes, 0);
    assert_eq!(s.last_sync_at, Some(T0 + 10));
    assert!(s.last_error.is_none());
    let report = s.last_report.unwrap();
    assert!(report.ok, "{report:?}");
    assert_eq!(report.changes_written, 1);

    // Every file but the salt is encrypted: no plain text in the folder.
    let files = all_files(&folder);
    assert!(files.iter().any(|(n, _)| n.starts_with("crypt-")), "{:?}", files.iter().map(|f| &f.0).collect::<Vec<_>>());
    for (name, bytes) in &files {
        let text = String::from_utf8_lossy(bytes);
        assert!(!text.contains("山田商事") && !text.contains("営業部"), "{name} is readable");
    }

    // B without the passphrase, then with a wrong one: refused in words, remembered, nothing applied.
    configure(&mut b, &folder, None, "社長のノート");
    let e = sync_now(&mut host_b, &mut b, T0 + 20).unwrap_err();
    assert_eq!(e.code, "sync_passphrase_required");
    configure(&mut b, &folder, Some("違う合言葉"), "社長のノート");
    let e = sync_now(&mut host_b, &mut b, T0 + 21).unwrap_err();
    assert_eq!(e.code, "sync_wrong_passphrase");
    let s = status(run(&mut b, T0, Command::SyncStatus).unwrap());
    assert_eq!(s.last_error.as_ref().map(|f| (f.code.as_str(), f.at)), Some(("sync_wrong_passphrase", T0 + 21)));
    assert!(b.get(Kind::Company, &id).is_err());

    // The right passphrase: B gets the company, and the error is gone.
    configure(&mut b, &folder, Some("大福の合言葉"), "社長のノート");
    let s = sync_now(&mut host_b, &mut b, T0 + 30).unwrap();
    assert!(s.last_error.is_none(), "{s:?}");
    assert_eq!(s.last_report.as_ref().unwrap().changes_applied, 1);
    assert_eq!(b.get(Kind::Company, &id).unwrap().display_name, "株式会社 山田商事");
    // B sees A by name.
    assert!(s.devices.iter().any(|d| !d.this_device && d.name.as_deref() == Some("営業部のPC")), "{:?}", s.devices);

    // Once synced, the folder cannot silently change (the new one would miss
    // everything already sent); the same folder written differently is fine.
    let other = dir.path().join("other");
    std::fs::create_dir(&other).unwrap();
    let e = run(
        &mut b,
        T0,
        Command::SyncConfigure {
            folder: other.to_str().unwrap().into(),
            s3: None,
            passphrase: None,
            device_name: None,
        },
    )
    .unwrap_err();
    assert_eq!((e.code.as_str(), e.field.as_deref()), ("sync_folder_change", Some("folder")));
    assert_eq!(status(run(&mut b, T0, Command::SyncStatus).unwrap()).setup.unwrap().folder, folder.to_str().unwrap());
    let slash = format!("{}/", folder.to_str().unwrap());
    run(&mut b, T0, Command::SyncConfigure { folder: slash, s3: None, passphrase: None, device_name: None }).unwrap();

    // Reconfiguring without a passphrase keeps the saved one.
    let s = status(
        run(
            &mut b,
            T0,
            Command::SyncConfigure {
                folder: folder.to_str().unwrap().into(),
                s3: None,
                passphrase: None,
                device_name: None,
            },
        )
        .unwrap(),
    );
    assert!(s.setup.unwrap().encrypted);

    // The same field edited on both: one wins everywhere, the other is a conflict.
    patch(&mut a, T0 + 100, &id, json!({"phone": "03-1111-1111"}));
    patch(&mut b, T0 + 101, &id, json!({"phone": "03-2222-2222"}));
    sync_now(&mut host_a, &mut a, T0 + 200).unwrap();
    sync_now(&mut host_b, &mut b, T0 + 201).unwrap();
    sync_now(&mut host_a, &mut a, T0 + 202).unwrap();
    assert_eq!(a.export_json().unwrap(), b.export_json().unwrap());
    let conflicts = match run(&mut b, T0, Command::SyncConflicts { limit: None }).unwrap() {
        Response::SyncConflicts(c) => c,
        other => panic!("{other:?}"),
    };
    assert_eq!(conflicts.len(), 1, "{conflicts:?}");
    let c = &conflicts[0];
    assert_eq!((c.record_id.as_str(), c.field.as_str()), (id.as_str(), "phone"));
    let mut values = [c.kept_value.clone(), c.other_value.clone()];
    values.sort_by_key(|v| v.to_string());
    assert_eq!(values, [json!("03-1111-1111"), json!("03-2222-2222")]);
    // Taking the other value on B reaches A too.
    let other = c.other_value.clone();
    run(&mut b, T0 + 300, Command::ResolveConflict { id: c.id, choice: ConflictChoice::Other, version: None }).unwrap();
    sync_now(&mut host_b, &mut b, T0 + 301).unwrap();
    sync_now(&mut host_a, &mut a, T0 + 302).unwrap();
    let phone = |s: &Store| serde_json::to_value(s.get(Kind::Company, &id).unwrap()).unwrap()["data"]["phone"].clone();
    assert_eq!(phone(&a), other);
    assert_eq!(phone(&b), other);
    assert_eq!(status(run(&mut b, T0, Command::SyncStatus).unwrap()).open_conflicts, 0);

    // A retires B (gone for good): B is shown retired, and a retire file is in the folder.
    let b_id = b.device_id().unwrap();
    let s = host_a.sync_now(&mut a, T0 + 400, std::slice::from_ref(&b_id)).unwrap();
    assert!(s.devices.iter().any(|d| d.device_id == b_id && d.retired), "{:?}", s.devices);
    assert!(all_files(&folder).iter().any(|(n, _)| n.contains(&format!("r-{b_id}"))));
}

#[test]
fn a_missing_folder_is_an_error_and_never_created() {
    let dir = tempfile::tempdir().unwrap();
    let mut a = Store::open(&dir.path().join("a.db")).unwrap();
    let gone = dir.path().join("unplugged-share").join("daifuku");
    configure(&mut a, &gone, None, "PC");
    let e = sync_now(&mut SyncHost::new(), &mut a, T0).unwrap_err();
    assert_eq!(e.code, "sync_folder_missing");
    assert!(!gone.exists(), "an unplugged share must not become an empty local folder");
    let s = status(run(&mut a, T0, Command::SyncStatus).unwrap());
    assert_eq!(s.last_error.map(|f| f.code), Some("sync_folder_missing".into()));
    // Disabling forgets the setup and the error.
    let s = status(run(&mut a, T0, Command::SyncDisable).unwrap());
    assert!(s.setup.is_none() && s.last_error.is_none());
}

#[test]
fn the_cli_syncs_with_the_setup_the_app_saved() {
    let dir = tempfile::tempdir().unwrap();
    let folder = dir.path().join("shared");
    std::fs::create_dir(&folder).unwrap();
    let db = dir.path().join("a.db");
    {
        let mut a = Store::open(&db).unwrap();
        configure(&mut a, &folder, Some("合言葉"), "営業部のPC");
        add_company(&mut a, T0, "株式会社 山田商事", "03-1234-5678");
    }
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_daifuku"))
        .arg("--db")
        .arg(&db)
        .args(["sync", "--json"])
        .env_remove("DAIFUKU_DB")
        .env_remove("DAIFUKU_NOW")
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let r: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!((r["ok"].clone(), r["changes_written"].clone()), (json!(true), json!(1)), "{r}");
    // With the saved passphrase: the folder is encrypted.
    assert!(all_files(&folder).iter().any(|(n, _)| n.starts_with("crypt-")));
}
