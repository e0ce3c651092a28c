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

/// Starts moto_server and waits (bounded) until it answers. The port is
/// chosen free, but another server (the other test's, started at the same
/// moment) may take it first: then ours exits at once and the answer came
/// from someone else's — so an answer counts only while our process runs,
/// and a server that exited is started again on another port.
fn start() -> (Server, u16) {
    let deadline = Instant::now() + Duration::from_secs(30);
    'spawn: loop {
        let port = free_port();
        let child = Command::new("moto_server")
            .args(["-H", "127.0.0.1", "-p", &port.to_string()])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("moto_server (pip install 'moto[server]'; scripts/setup.sh does)");
        let mut server = Server(child);
        loop {
            assert!(Instant::now() < deadline, "moto_server did not start");
            if server.0.try_wait().ok().flatten().is_some() {
                continue 'spawn; // the port was taken
            }
            if let Ok(mut s) = TcpStream::connect(("127.0.0.1", port)) {
                // Create the bucket (moto accepts any credentials).
                write!(
                    s,
                    "PUT /daifuku HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"
                )
                .unwrap();
                let mut answer = String::new();
                let _ = s.read_to_string(&mut answer);
                if answer.starts_with("HTTP/1.1 200") && server.0.try_wait().ok().flatten().is_none() {
                    return (server, port);
                }
            }
            std::thread::sleep(Duration::from_millis(100));
        }
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

/// The app's 同期 screen set up with a bucket: `sync_configure` with `s3`,
/// 「接続をテスト」 (`sync_test`), two hosts syncing a company through it with
/// `sync_now`, and the secret key never in the status.
#[test]
fn the_app_syncs_through_a_bucket_set_up_in_its_sync_screen() {
    use daifuku::store::Store;
    use daifuku_host::Host;

    let (_server, port) = start();
    let endpoint = format!("http://127.0.0.1:{port}");
    let dir = tempfile::tempdir().unwrap();
    let now = 1_780_000_000_000_i64;
    let host = |name: &str| Host::new(Store::open(&dir.path().join(name)).unwrap());
    let (a, b) = (host("a.db"), host("b.db"));
    let secret = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYzEXAMPLEKEY";
    let s3 = |bucket: &str, secret: Option<&str>| {
        let mut s = json!({"endpoint": endpoint, "bucket": bucket, "prefix": "osaka-eigyo/", "region": "ap-northeast-1",
            "access_key_id": "AKIAIOSFODNN7EXAMPLE"});
        if let Some(k) = secret {
            s["secret_access_key"] = json!(k);
        }
        s
    };

    // Test connection: the right bucket answers; a wrong one says so; nothing is written.
    let ok = a.dispatch(json!({"cmd": "sync_test", "s3": s3("daifuku", Some(secret))}), now, 540).unwrap();
    assert_eq!(ok, json!({"type": "sync_tested", "data": 0}));
    let e = a.dispatch(json!({"cmd": "sync_test", "s3": s3("no-such-bucket", Some(secret))}), now, 540).unwrap_err();
    assert_eq!(e.code, "sync_s3_bucket_missing", "{e:?}");
    let e = a
        .dispatch(json!({"cmd": "sync_test", "s3": {"endpoint": "127.0.0.1:9000", "bucket": "daifuku"}}), now, 540)
        .unwrap_err();
    assert_eq!((e.code.as_str(), e.field.as_deref()), ("invalid_url", Some("endpoint")), "{e:?}");
    // Saving needs the secret the first time; errors sit on their fields.
    let e = a.dispatch(json!({"cmd": "sync_configure", "s3": s3("daifuku", None)}), now, 540).unwrap_err();
    assert_eq!((e.code.as_str(), e.field.as_deref()), ("required", Some("secret_access_key")), "{e:?}");
    let mut japanese_prefix = s3("daifuku", Some(secret));
    japanese_prefix["prefix"] = json!("大阪営業所");
    let e = a.dispatch(json!({"cmd": "sync_configure", "s3": japanese_prefix}), now, 540).unwrap_err();
    assert_eq!((e.code.as_str(), e.field.as_deref()), ("sync_s3_bad_prefix", Some("prefix")), "{e:?}");
    let e = a.dispatch(json!({"cmd": "sync_configure", "s3": s3("", Some(secret))}), now, 540).unwrap_err();
    assert_eq!((e.code.as_str(), e.field.as_deref()), ("required", Some("bucket")), "{e:?}");

    for (h, name) in [(&a, "営業部 田中PC"), (&b, "営業部 佐藤PC")] {
        let st = h
            .dispatch(
                json!({"cmd": "sync_configure", "s3": s3("daifuku", Some(secret)), "device_name": name}),
                now,
                540,
            )
            .unwrap();
        let setup = &st["data"]["setup"];
        assert_eq!(setup["s3"]["bucket"], json!("daifuku"), "{st}");
        assert_eq!(setup["s3"]["prefix"], json!("osaka-eigyo"));
        assert_eq!(setup["s3"]["endpoint"], json!(endpoint));
        assert_eq!(setup["s3"]["has_secret"], json!(true));
        assert_eq!(setup["encrypted"], json!(false));
    }
    // Testing again after saving uses the saved keys (the form does not hold the secret).
    let ok = a.dispatch(json!({"cmd": "sync_test", "s3": s3("daifuku", None)}), now, 540).unwrap();
    assert_eq!(ok["type"], json!("sync_tested"));

    let created = a
        .dispatch(
            json!({"cmd": "add", "kind": "company", "fields": {"name": "株式会社 なにわ精機", "phone": "06-6123-4567（代）"}}),
            now,
            540,
        )
        .unwrap();
    let id = created["data"]["id"].as_str().unwrap().to_string();
    let st = a.dispatch(json!({"cmd": "sync_now"}), now + 1_000, 540).unwrap();
    assert_eq!(st["data"]["last_report"]["changes_written"], json!(1), "{st}");
    assert!(st["data"]["last_error"].is_null(), "{st}");
    let st = b.dispatch(json!({"cmd": "sync_now"}), now + 2_000, 540).unwrap();
    assert_eq!(st["data"]["last_report"]["changes_applied"], json!(1), "{st}");
    let got = b.dispatch(json!({"cmd": "get", "kind": "company", "id": id}), now + 3_000, 540).unwrap();
    assert_eq!(got["data"]["display_name"], json!("株式会社 なにわ精機"), "{got}");
    assert!(got["data"]["data"]["phone"].as_str().is_some_and(|p| p.starts_with("06-6123-4567")), "{got}");
    // The files landed under the prefix in the bucket.
    let ok = b.dispatch(json!({"cmd": "sync_test", "s3": s3("daifuku", None)}), now, 540).unwrap();
    assert!(ok["data"].as_u64().unwrap() >= 2, "{ok}");

    // The secret never leaves the database through the status.
    for h in [&a, &b] {
        let st = h.dispatch(json!({"cmd": "sync_status"}), now + 4_000, 540).unwrap().to_string();
        assert!(!st.contains(secret) && !st.contains("wJalrXUtnFEMI"), "{st}");
        assert!(st.contains("\"has_secret\":true"), "{st}");
    }
    // Stopping forgets the bucket and its keys.
    let st = a.dispatch(json!({"cmd": "sync_disable"}), now, 540).unwrap();
    assert!(st["data"]["setup"].is_null(), "{st}");
    let e = a.dispatch(json!({"cmd": "sync_test", "s3": s3("daifuku", None)}), now, 540).unwrap_err();
    assert_eq!((e.code.as_str(), e.field.as_deref()), ("required", Some("secret_access_key")), "{e:?}");
}
