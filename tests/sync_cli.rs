//! `daifuku sync` end to end: real processes, a real folder on disk.

use std::path::Path;
use std::process::{Child, Command, Output, Stdio};

use serde_json::{json, Value};

fn cmd(db: &Path, args: &[&str]) -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_daifuku"));
    c.arg("--db").arg(db).args(args).env_remove("DAIFUKU_DB").env_remove("DAIFUKU_NOW");
    c
}

fn ok_json(db: &Path, args: &[&str]) -> Value {
    let mut all = args.to_vec();
    all.push("--json");
    let out = cmd(db, &all).output().unwrap();
    parse(args, out)
}

fn parse(args: &[&str], out: Output) -> Value {
    assert!(
        out.status.success(),
        "{args:?}: {}{}",
        String::from_utf8_lossy(&out.stderr),
        String::from_utf8_lossy(&out.stdout)
    );
    serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("{args:?}: {e}: {}", String::from_utf8_lossy(&out.stdout)))
}

fn sync(db: &Path, folder: &Path, name: &str) -> Value {
    let r = ok_json(db, &["sync", "--folder", folder.to_str().unwrap(), "--device-name", name]);
    assert_eq!(r["ok"], json!(true), "{r}");
    r
}

fn export(db: &Path) -> Value {
    let out = cmd(db, &["export", "--format", "json"]).output().unwrap();
    parse(&["export"], out)
}

#[test]
fn two_databases_sync_edits_and_conflicts_through_a_folder() {
    let dir = tempfile::tempdir().unwrap();
    let (a, b, folder) = (dir.path().join("a.db"), dir.path().join("b.db"), dir.path().join("shared"));
    let c = ok_json(&a, &["company", "add", "--name", "株式会社 山田商事", "--phone", "03-1234-5678"]);
    let id = c["id"].as_str().unwrap().to_string();
    let r = sync(&a, &folder, "営業部のPC");
    assert_eq!(r["changes_written"], json!(1));
    let r = sync(&b, &folder, "社長のノート");
    assert_eq!(r["changes_applied"], json!(1));
    assert_eq!(r["records_created"], json!(1));
    assert_eq!(export(&a), export(&b));
    // Both edit the phone number without seeing each other's edit.
    ok_json(&a, &["company", "update", &id, "--phone", "03-1111-1111"]);
    ok_json(&b, &["company", "update", &id, "--phone", "03-2222-2222"]);
    sync(&a, &folder, "営業部のPC");
    sync(&b, &folder, "社長のノート");
    sync(&a, &folder, "営業部のPC");
    assert_eq!(export(&a), export(&b));
    let ca = ok_json(&a, &["conflicts"]);
    let cb = ok_json(&b, &["conflicts"]);
    assert_eq!(ca.as_array().unwrap().len(), 1, "{ca}");
    assert_eq!(cb.as_array().unwrap().len(), 1, "{cb}");
    assert_eq!(ca[0]["field"], json!("phone"));
    // Status names the other device.
    let status = ok_json(&a, &["sync", "--status"]);
    assert!(status["devices"].as_array().unwrap().iter().any(|d| d["name"] == json!("社長のノート")), "{status}");
    assert_eq!(status["open_conflicts"], json!(1));
    // Resolve on A by taking the other value; B sees it resolved.
    let kept = ca[0]["kept_value"].clone();
    let other = ca[0]["other_value"].clone();
    ok_json(&a, &["conflicts", "resolve", &ca[0]["id"].to_string(), "--take", "other"]);
    sync(&a, &folder, "営業部のPC");
    sync(&b, &folder, "社長のノート");
    assert_eq!(ok_json(&b, &["conflicts"]), json!([]));
    let rec = ok_json(&b, &["company", "show", &id]);
    assert_eq!(rec["data"]["phone"], other);
    assert_ne!(other, kept);
    assert_eq!(export(&a), export(&b));
}

fn spawn_sync(db: &Path, folder: &Path, name: &str) -> Child {
    cmd(db, &["sync", "--folder", folder.to_str().unwrap(), "--device-name", name, "--json"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap()
}

/// Two `daifuku` processes sync through one folder at the same time, round
/// after round, while both keep editing; afterwards both hold the same data.
#[test]
fn two_processes_syncing_at_the_same_time_converge() {
    let dir = tempfile::tempdir().unwrap();
    let (a, b, folder) = (dir.path().join("a.db"), dir.path().join("b.db"), dir.path().join("shared"));
    let mut ids = vec![];
    for round in 0..6 {
        // Edits on both sides between rounds.
        let ca = ok_json(&a, &["company", "add", "--name", &format!("A商事{round}")]);
        let cb = ok_json(&b, &["company", "add", "--name", &format!("B物産{round}")]);
        ids.push(ca["id"].as_str().unwrap().to_string());
        ids.push(cb["id"].as_str().unwrap().to_string());
        if round > 0 {
            let shared = ids[0].clone();
            let _ = cmd(&a, &["company", "update", &shared, "--rank", "A"]).output();
            let _ = cmd(&b, &["company", "update", &shared, "--rank", "B"]).output();
        }
        // Both sync at once.
        let pa = spawn_sync(&a, &folder, "PC-A");
        let pb = spawn_sync(&b, &folder, "PC-B");
        for (p, what) in [(pa, "a"), (pb, "b")] {
            let out = p.wait_with_output().unwrap();
            let r = parse(&["sync", what], out);
            assert_eq!(r["ok"], json!(true), "{r}");
        }
    }
    // Then once more each, one after the other, until nothing moves.
    for _ in 0..3 {
        sync(&a, &folder, "PC-A");
        sync(&b, &folder, "PC-B");
    }
    let (ea, eb) = (export(&a), export(&b));
    assert_eq!(ea, eb);
    assert_eq!(ea["records"]["company"].as_array().unwrap().len(), 12);
}

#[test]
fn an_encrypted_workspace_needs_the_passphrase() {
    let dir = tempfile::tempdir().unwrap();
    let (a, b, folder) = (dir.path().join("a.db"), dir.path().join("b.db"), dir.path().join("shared"));
    ok_json(&a, &["company", "add", "--name", "秘密商事"]);
    let f = folder.to_str().unwrap();
    let out = cmd(&a, &["sync", "--folder", f, "--passphrase-env", "DFK_PASS", "--json"])
        .env("DFK_PASS", "正しい合言葉")
        .output()
        .unwrap();
    assert_eq!(parse(&["sync a"], out)["ok"], json!(true));
    // Nothing readable in the folder.
    for entry in walk(&folder) {
        let bytes = std::fs::read(&entry).unwrap();
        assert!(!String::from_utf8_lossy(&bytes).contains("秘密商事"), "{entry:?}");
    }
    let out = cmd(&b, &["sync", "--folder", f, "--json"]).output().unwrap();
    assert!(!out.status.success());
    let e: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(e["code"], json!("sync_passphrase_required"));
    let out = cmd(&b, &["sync", "--folder", f, "--passphrase-env", "DFK_PASS", "--json"])
        .env("DFK_PASS", "違う")
        .output()
        .unwrap();
    let e: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(e["code"], json!("sync_wrong_passphrase"));
    let out = cmd(&b, &["sync", "--folder", f, "--passphrase-env", "DFK_PASS", "--json"])
        .env("DFK_PASS", "正しい合言葉")
        .output()
        .unwrap();
    assert_eq!(parse(&["sync b"], out)["changes_applied"], json!(1));
    assert_eq!(export(&a), export(&b));
}

fn walk(dir: &Path) -> Vec<std::path::PathBuf> {
    let mut out = vec![];
    for e in std::fs::read_dir(dir).unwrap() {
        let p = e.unwrap().path();
        if p.is_dir() {
            out.extend(walk(&p));
        } else {
            out.push(p);
        }
    }
    out
}
