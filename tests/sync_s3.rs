//! Folder sync through a real S3-compatible server on 127.0.0.1 (moto's
//! `moto_server`, installed by scripts/setup.sh from PyPI), started and
//! stopped by the test: the same layout as a local folder, through
//! `object_store`'s S3 client.

use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::{json, Value};

struct Server(Child);

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port()
}

/// Starts moto_server and waits (bounded) until it answers.
fn start() -> (Server, u16) {
    let port = free_port();
    let child = Command::new("moto_server")
        .args(["-H", "127.0.0.1", "-p", &port.to_string()])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("moto_server (pip install 'moto[server]'; scripts/setup.sh does)");
    let server = Server(child);
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        if let Ok(mut s) = TcpStream::connect(("127.0.0.1", port)) {
            // Create the bucket (moto accepts any credentials).
            write!(
                s,
                "PUT /daifuku HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"
            )
            .unwrap();
            let mut answer = String::new();
            let _ = s.read_to_string(&mut answer);
            if answer.starts_with("HTTP/1.1 200") {
                return (server, port);
            }
        }
        assert!(Instant::now() < deadline, "moto_server did not start");
        std::thread::sleep(Duration::from_millis(100));
    }
}

fn daifuku(db: &Path, args: &[&str]) -> Value {
    let out = Command::new(env!("CARGO_BIN_EXE_daifuku"))
        .arg("--db")
        .arg(db)
        .args(args)
        .arg("--json")
        .env_remove("DAIFUKU_DB")
        .env("AWS_ACCESS_KEY_ID", "test")
        .env("AWS_SECRET_ACCESS_KEY", "test")
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{args:?}: {}{}",
        String::from_utf8_lossy(&out.stderr),
        String::from_utf8_lossy(&out.stdout)
    );
    serde_json::from_slice(&out.stdout).unwrap()
}

#[test]
fn two_devices_sync_through_an_s3_compatible_server() {
    let (_server, port) = start();
    let endpoint = format!("http://127.0.0.1:{port}");
    let dir = tempfile::tempdir().unwrap();
    let (a, b) = (dir.path().join("a.db"), dir.path().join("b.db"));
    let sync = |db: &Path, name: &str| {
        let r = daifuku(
            db,
            &[
                "sync",
                "--s3-endpoint",
                &endpoint,
                "--bucket",
                "daifuku",
                "--s3-prefix",
                "office",
                "--device-name",
                name,
            ],
        );
        assert_eq!(r["ok"], json!(true), "{r}");
        r
    };
    let c = daifuku(&a, &["company", "add", "--name", "株式会社 クラウド商事"]);
    let id = c["id"].as_str().unwrap().to_string();
    assert_eq!(sync(&a, "A")["changes_written"], json!(1));
    assert_eq!(sync(&b, "B")["changes_applied"], json!(1));
    daifuku(&b, &["company", "update", &id, "--rank", "A"]);
    sync(&b, "B");
    let r = sync(&a, "A");
    assert_eq!(r["changes_applied"], json!(1));
    // A snapshot and compaction work there too; a third device joins from it.
    let r = daifuku(
        &a,
        &["sync", "--s3-endpoint", &endpoint, "--bucket", "daifuku", "--s3-prefix", "office", "--snapshot"],
    );
    assert!(r["snapshot_written"].is_string(), "{r}");
    sync(&b, "B");
    let c3 = dir.path().join("c.db");
    let r = sync(&c3, "C");
    assert!(r["snapshot_loaded"].is_string(), "{r}");
    let export = |db: &Path| daifuku(db, &["export", "--format", "json"]);
    assert_eq!(export(&a), export(&b));
    assert_eq!(export(&a), export(&c3));
}
