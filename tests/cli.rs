//! The `daifuku` binary end to end: subcommands, JSON output, exit codes,
//! and the HTTP bridge.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::Path;
use std::process::{Command, Output, Stdio};

use serde_json::{json, Value};

fn daifuku(db: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_daifuku"))
        .arg("--db")
        .arg(db)
        .args(args)
        .env_remove("DAIFUKU_DB")
        .output()
        .unwrap()
}

fn ok_json(db: &Path, args: &[&str]) -> Value {
    let mut all = args.to_vec();
    all.push("--json");
    let out = daifuku(db, &all);
    assert!(out.status.success(), "{args:?}: {}", String::from_utf8_lossy(&out.stderr));
    serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("{args:?}: {e}: {}", String::from_utf8_lossy(&out.stdout)))
}

#[test]
fn company_contact_activity_lifecycle() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("crm.db");
    let init = ok_json(&db, &["init"]);
    assert_eq!(init["settings"]["schema_version"], json!(daifuku::store::latest_schema_version()));
    assert!(db.exists());

    let c = ok_json(
        &db,
        &[
            "company",
            "add",
            "--name",
            "株式会社 山田商事",
            "--name-reading",
            "ヤマダショウジ",
            "--corporate-number",
            "7000012050002",
            "--prefecture",
            "東京都",
            "--employees",
            "1,200",
        ],
    );
    let id = c["id"].as_str().unwrap().to_string();
    assert_eq!(c["data"]["employees"], json!(1200));
    ok_json(&db, &["company", "add", "--name", "あおば有限会社", "--name-reading", "アオバユウゲンガイシャ"]);

    // Human output: a table, sorted by reading.
    let out = daifuku(&db, &["company", "list"]);
    let text = String::from_utf8(out.stdout).unwrap();
    let aoba = text.find("あおば有限会社").unwrap();
    let yamada = text.find("株式会社 山田商事").unwrap();
    assert!(aoba < yamada, "{text}");
    assert!(text.contains("2 / 2 件"));

    let shown = String::from_utf8(daifuku(&db, &["company", "show", &id]).stdout).unwrap();
    assert!(shown.contains("法人番号") && shown.contains("7000012050002"), "{shown}");

    let updated =
        ok_json(&db, &["company", "update", &id, "--rank", "A", "--tags", "重点,展示会", "--expect-version", "1"]);
    assert_eq!((updated["version"].clone(), updated["data"]["tags"].clone()), (json!(2), json!(["重点", "展示会"])));
    let stale = daifuku(&db, &["company", "update", &id, "--rank", "B", "--expect-version", "1"]);
    assert!(!stale.status.success());
    assert!(String::from_utf8_lossy(&stale.stderr).contains("stale"));

    let filtered = ok_json(&db, &["company", "list", "--filter", "rank=A"]);
    assert_eq!(filtered["total"], json!(1));

    let p = ok_json(
        &db,
        &["contact", "add", "--company-id", &id, "--family-name", "佐藤", "--given-name", "花子", "--title", "課長"],
    );
    let pid = p["id"].as_str().unwrap().to_string();
    ok_json(&db, &["contact", "update", &pid, "--title", "部長"]);
    let hist = ok_json(&db, &["contact-position", "list", "--filter", &format!("contact_id={pid}")]);
    let titles: Vec<&str> =
        hist["items"].as_array().unwrap().iter().map(|r| r["data"]["title"].as_str().unwrap()).collect();
    assert_eq!(titles.len(), 2);
    assert!(titles.contains(&"課長") && titles.contains(&"部長"));

    ok_json(
        &db,
        &[
            "activity",
            "add",
            "--kind",
            "meeting",
            "--occurred-at",
            "2026-11-20 14:00",
            "--company-id",
            &id,
            "--contact-ids",
            &pid,
            "--subject",
            "定例",
        ],
    );
    let acts = ok_json(&db, &["activity", "list", "--filter", &format!("company_id={id}")]);
    assert_eq!(acts["items"][0]["data"]["subject"], json!("定例"));
    let tl = ok_json(&db, &["timeline", "--contact", &pid]);
    assert!(tl.as_array().unwrap().iter().any(|e| e["kind"] == json!("activity")));

    ok_json(&db, &["company", "delete", &id]);
    assert_eq!(ok_json(&db, &["company", "list"])["total"], json!(1));
    assert_eq!(ok_json(&db, &["trash"])["groups"][0]["id"], json!(id));
    ok_json(&db, &["company", "restore", &id]);
    assert_eq!(ok_json(&db, &["company", "list"])["total"], json!(2));
}

#[test]
fn errors_are_clear_and_exit_non_zero() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("crm.db");
    let out = daifuku(&db, &["company", "add", "--name", "", "--email", "abc"]);
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8(out.stderr).unwrap();
    assert!(err.contains("required (name)") && err.contains("invalid_email (email)"), "{err}");
    let out = daifuku(&db, &["company", "add", "--corporate-number", "1234567890123", "--name", "x", "--json"]);
    assert_eq!(out.status.code(), Some(1));
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!((v["code"].as_str(), v["field"].as_str()), (Some("invalid_corporate_number"), Some("corporate_number")));
    let out = daifuku(&db, &["company", "show", "nope"]);
    assert!(String::from_utf8_lossy(&out.stderr).contains("not_found"));
    assert_eq!(out.status.code(), Some(1));
}

#[test]
fn export_and_gen_are_deterministic() {
    let dir = tempfile::tempdir().unwrap();
    let a = dir.path().join("a.db");
    let b = dir.path().join("b.db");
    for db in [&a, &b] {
        let out = Command::new(env!("CARGO_BIN_EXE_daifuku"))
            .arg("--db")
            .arg(db)
            .args(["gen", "--companies", "15", "--seed", "3"])
            .env("DAIFUKU_NOW", "1790000000000")
            .output()
            .unwrap();
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    }
    let ea = ok_json(&a, &["export", "--format", "json"]);
    let eb = ok_json(&b, &["export", "--format", "json"]);
    // Generated ids and values depend only on the seed; timestamps are not exported.
    assert!(ea == eb, "same seed and clock, different data");
    assert_eq!(ea["records"]["company"].as_array().unwrap().len(), 15);
    assert!(ea["records"]["activity"].as_array().unwrap().len() > 50);
}

/// Sends one HTTP/1.1 request to the bridge and returns (status, body).
fn http(port: u16, method: &str, path: &str, token: Option<&str>, body: &str) -> (u16, String) {
    let mut s = TcpStream::connect(("127.0.0.1", port)).unwrap();
    let auth = token.map(|t| format!("Authorization: Bearer {t}\r\n")).unwrap_or_default();
    write!(
        s,
        "{method} {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n{auth}Content-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    )
    .unwrap();
    let mut resp = String::new();
    s.read_to_string(&mut resp).unwrap();
    let status: u16 = resp.split(' ').nth(1).unwrap().parse().unwrap();
    let body = resp.split_once("\r\n\r\n").map(|(_, b)| b.to_string()).unwrap_or_default();
    (status, body)
}

/// Starts `daifuku serve` on a free port over `ui`; returns (child, port, token).
fn start_serve(db: &Path, ui: &Path) -> (std::process::Child, u16, String) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_daifuku"))
        .arg("--db")
        .arg(db)
        .args(["serve", "--port", "0", "--ui-dir"])
        .arg(ui)
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut line = String::new();
    BufReader::new(child.stdout.take().unwrap()).read_line(&mut line).unwrap();
    let url = line.trim().strip_prefix("DAIFUKU_URL=").unwrap_or_else(|| panic!("{line}")).to_string();
    assert!(url.starts_with("http://127.0.0.1:"), "{url}");
    let port: u16 = url["http://127.0.0.1:".len()..].split('/').next().unwrap().parse().unwrap();
    let token = url.split("#token=").nth(1).unwrap().to_string();
    (child, port, token)
}

#[test]
fn serve_bridges_the_command_api_on_loopback_with_a_token() {
    let dir = tempfile::tempdir().unwrap();
    let ui = dir.path().join("ui");
    std::fs::create_dir_all(&ui).unwrap();
    std::fs::write(ui.join("index.html"), "<!doctype html><title>大福</title>").unwrap();
    let (mut child, port, token) = start_serve(&dir.path().join("s.db"), &ui);
    assert!(token.len() >= 32);

    let (status, body) = http(port, "GET", "/", None, "");
    assert_eq!(status, 200);
    assert!(body.contains("大福"));
    assert_eq!(http(port, "GET", "/../Cargo.toml", None, "").0, 404);

    let cmd = r#"{"cmd":"add","kind":"company","fields":{"name":"ブリッジ商事"}}"#;
    assert_eq!(http(port, "POST", "/api", None, cmd).0, 401);
    assert_eq!(http(port, "POST", "/api", Some("wrong"), cmd).0, 401);
    let (status, body) = http(port, "POST", "/api", Some(&token), cmd);
    assert_eq!(status, 200, "{body}");
    let v: Value = serde_json::from_str(&body).unwrap();
    assert_eq!(v["data"]["display_name"], json!("ブリッジ商事"));

    let (status, body) = http(
        port,
        "POST",
        "/api",
        Some(&token),
        r#"{"cmd":"add","kind":"company","fields":{"name":"x","email":"nope"}}"#,
    );
    assert_eq!(status, 422);
    let e: Value = serde_json::from_str(&body).unwrap();
    assert_eq!((e["code"].as_str(), e["field"].as_str()), (Some("invalid_email"), Some("email")));

    let (status, body) = http(port, "POST", "/api", Some(&token), r#"{"cmd":"list","kind":"company","query":{}}"#);
    assert_eq!(status, 200);
    assert_eq!(serde_json::from_str::<Value>(&body).unwrap()["data"]["total"], json!(1));
    child.kill().unwrap();
    child.wait().unwrap();
}

/// A bucket prefix object_store would escape (a round would not find its own
/// files under it) is refused before anything is opened, as in the app.
#[test]
fn cli_sync_refuses_a_bucket_prefix_it_could_not_list() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("crm.db");
    let args = ["sync", "--s3-endpoint", "http://127.0.0.1:9", "--bucket", "daifuku", "--s3-prefix"];
    let out = daifuku(&db, &[&args[..], &["大阪営業所"]].concat());
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("sync_s3_bad_prefix"), "{err}");
    // An ASCII prefix gets past the check (and fails only on the closed port).
    let out = daifuku(&db, &[&args[..], &["osaka/eigyo"]].concat());
    assert!(!String::from_utf8_lossy(&out.stderr).contains("sync_s3_bad_prefix"));
}

/// Reads one HTTP/1.1 response (with Content-Length) from a kept-alive
/// connection: (status, body).
fn read_response(r: &mut BufReader<TcpStream>) -> (u16, Vec<u8>) {
    let mut status_line = String::new();
    r.read_line(&mut status_line).unwrap();
    let status: u16 = status_line.split(' ').nth(1).unwrap_or_else(|| panic!("{status_line:?}")).parse().unwrap();
    let mut len = 0usize;
    loop {
        let mut h = String::new();
        r.read_line(&mut h).unwrap();
        if h == "\r\n" {
            break;
        }
        if let Some((k, v)) = h.split_once(':') {
            if k.eq_ignore_ascii_case("content-length") {
                len = v.trim().parse().unwrap();
            }
        }
    }
    let mut body = vec![0; len];
    r.read_exact(&mut body).unwrap();
    (status, body)
}

/// A browser opens many kept-alive connections at once while loading the
/// app: every file must arrive, whole, on each of them, also while a command
/// is running. (tiny_http, the bridge's former server, left a transfer
/// pending forever now and then under this load.)
#[test]
fn serve_answers_every_file_on_many_kept_alive_connections_at_once() {
    let dir = tempfile::tempdir().unwrap();
    let ui = dir.path().join("ui");
    std::fs::create_dir_all(ui.join("assets")).unwrap();
    std::fs::write(ui.join("index.html"), "<!doctype html><title>大福</title>").unwrap();
    let files: Vec<(String, Vec<u8>)> = (0..40)
        .map(|i| {
            // Sizes from a few bytes to ~600 kB, as a built UI's chunks.
            let len = 7 + (i * i * 397) % 600_000;
            let bytes: Vec<u8> = (0..len).map(|j| (j * 31 + i) as u8).collect();
            (format!("/assets/chunk-{i}.js"), bytes)
        })
        .collect();
    for (path, bytes) in &files {
        std::fs::write(ui.join(path.trim_start_matches('/')), bytes).unwrap();
    }
    let (mut child, port, token) = start_serve(&dir.path().join("s.db"), &ui);
    let files = std::sync::Arc::new(files);
    let threads: Vec<_> = (0..32)
        .map(|t| {
            let (files, token) = (files.clone(), token.clone());
            std::thread::spawn(move || {
                let s = TcpStream::connect(("127.0.0.1", port)).unwrap();
                // A hang fails the test instead of blocking it forever.
                s.set_read_timeout(Some(std::time::Duration::from_secs(60))).unwrap();
                let mut w = s.try_clone().unwrap();
                let mut r = BufReader::new(s);
                for k in 0..6 {
                    if (t + k) % 5 == 0 {
                        let cmd = r#"{"cmd":"list","kind":"company","query":{}}"#;
                        write!(
                            w,
                            "POST /api HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nAuthorization: Bearer {token}\r\nContent-Length: {}\r\n\r\n{cmd}",
                            cmd.len()
                        )
                        .unwrap();
                        let (status, body) = read_response(&mut r);
                        assert_eq!(status, 200, "{}", String::from_utf8_lossy(&body));
                        continue;
                    }
                    let (path, bytes) = &files[(t * 7 + k * 13) % files.len()];
                    write!(w, "GET {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nConnection: keep-alive\r\n\r\n").unwrap();
                    let (status, body) = read_response(&mut r);
                    assert_eq!(status, 200, "{path}");
                    assert!(body == *bytes, "{path}: {} bytes instead of {}", body.len(), bytes.len());
                }
            })
        })
        .collect();
    let results: Vec<_> = threads.into_iter().map(|t| t.join()).collect();
    child.kill().unwrap();
    child.wait().unwrap();
    assert!(results.iter().all(|r| r.is_ok()), "a connection failed");
}
