//! Issue 18 item 5, hardening: hostile texts are stored as typed and never
//! become markup in the HTML the app writes; `javascript:` and other
//! schemes are not web addresses; file names from people or other laptops
//! (attachments, packages, saved files) never leave their folder; `daifuku
//! serve` answers only its own page with its token.
//!
//! The browser and the desktop webview render the same corpus:
//! ui/e2e/hostile.test.mjs and tests/desktop/hostile.test.mjs.

mod common;

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Command as Process, Stdio};

use common::bytes::files_under;
use common::{run, T0};
use daifuku::api::{execute_without_store, Command, Response};
use daifuku::export::FileData;
use daifuku::model::Kind;
use daifuku::store::Store;
use serde_json::{json, Value};

/// Texts that would run script, restyle the page or fake its title if the
/// app ever put them into markup. Each sets `window.__pwned` or the title.
fn hostile_texts() -> Vec<String> {
    let pwn = "window.__pwned=1";
    vec![
        format!("<script>{pwn}</script>株式会社スクリプト"),
        format!("<img src=x onerror=\"{pwn}\">画像商事"),
        format!("\"><svg onload={pwn}>"),
        format!("<svg><script>{pwn}</script></svg>"),
        format!("<a href=\"javascript:{pwn}\">クリック</a>"),
        format!("<iframe srcdoc=\"<script>parent.__pwned=1</script>\"></iframe>"),
        "</title><script>document.title='pwned'</script>".to_string(),
        "<style>body{display:none}</style><div style=\"position:fixed;inset:0\">".to_string(),
        format!("{{{{constructor.constructor('{pwn}')()}}}}"),
        "\u{202E}gpj.exe 右から左".to_string(),
        format!("<details open ontoggle={pwn}>"),
    ]
}

fn fields(v: Value) -> serde_json::Map<String, Value> {
    v.as_object().unwrap().clone()
}

fn add(store: &mut Store, kind: Kind, v: Value) -> Result<String, daifuku::ApiError> {
    match run(store, T0, Command::Add { kind, fields: fields(v) })? {
        Response::Record(s) => Ok(s.id),
        other => panic!("{other:?}"),
    }
}

fn get(store: &mut Store, kind: Kind, id: &str) -> Value {
    match run(store, T0, Command::Get { kind, id: id.into() }).unwrap() {
        Response::Record(s) => serde_json::to_value(s).unwrap()["data"].clone(),
        other => panic!("{other:?}"),
    }
}

#[test]
fn hostile_texts_are_stored_as_typed_and_stay_text_in_the_html_package() {
    let dir = tempfile::tempdir().unwrap();
    let mut store = Store::open(&dir.path().join("crm.db")).unwrap();
    let texts = hostile_texts();
    let long_name = "長".repeat(1000);
    let company = add(
        &mut store,
        Kind::Company,
        json!({"name": texts[0], "notes": texts.join("\n"), "private_memo": texts[6], "phone": "03-1234-5678（代）"}),
    )
    .unwrap();
    let contact = add(
        &mut store,
        Kind::Contact,
        json!({"company_id": company, "family_name": texts[1], "given_name": texts[6], "memos": texts.join("\n"),
               "phone": "03-1234-5678 内線 123"}),
    )
    .unwrap();
    // Stored exactly as typed: the app shows them as text, it does not edit them.
    let c = get(&mut store, Kind::Company, &company);
    assert_eq!((c["name"].as_str(), c["notes"].as_str()), (Some(texts[0].as_str()), Some(texts.join("\n").as_str())));
    let p = get(&mut store, Kind::Contact, &contact);
    assert_eq!(p["family_name"].as_str(), Some(texts[1].as_str()));
    // A very long line is kept up to the field's size and refused beyond it.
    let long = add(&mut store, Kind::Company, json!({"name": long_name})).unwrap();
    assert_eq!(get(&mut store, Kind::Company, &long)["name"].as_str().map(|s| s.chars().count()), Some(1000));
    let e = add(&mut store, Kind::Company, json!({"name": format!("{long_name}長")})).unwrap_err();
    assert_eq!(e.details.first().map(|d| d.code.as_str()), Some("too_long"), "{e:?}");

    // Other schemes are not web addresses; a web address still is.
    for bad in
        ["javascript:window.__pwned=1", "JavaScript:alert(document.domain)", "data:text/html,<script>x.y</script>"]
    {
        let e = run(
            &mut store,
            T0,
            Command::Patch {
                kind: Kind::Company,
                id: company.clone(),
                version: None,
                fields: fields(json!({"website": bad})),
            },
        )
        .unwrap_err();
        assert_eq!(e.details.first().map(|d| d.code.as_str()), Some("invalid_url"), "{bad}: {e:?}");
    }
    run(
        &mut store,
        T0,
        Command::Patch {
            kind: Kind::Company,
            id: company.clone(),
            version: None,
            fields: fields(json!({"website": "https://example.co.jp/会社案内"})),
        },
    )
    .unwrap();
    assert_eq!(get(&mut store, Kind::Company, &company)["website"], json!("https://example.co.jp/会社案内"));

    // The 開示 package's readable page: every hostile text is there, escaped.
    let Response::Disclosure(d) =
        run(&mut store, T0, Command::DiscloseContact { id: contact.clone(), out_dir: None }).unwrap()
    else {
        panic!()
    };
    let html = String::from_utf8(daifuku::import::decode_base64(d.html.base64.as_deref().unwrap()).unwrap()).unwrap();
    assert!(html.contains("&lt;img src=x onerror="), "the person's name is on the page, as text");
    assert!(html.contains("&lt;/title&gt;&lt;script&gt;"), "{html}");
    for markup in
        ["<script", "<img", "<svg", "<iframe", "<a href=\"javascript", "<details", "<style>body{display:none}"]
    {
        assert!(!html.to_ascii_lowercase().contains(markup), "{markup} became markup");
    }
    assert_eq!(html.matches("</title>").count(), 1, "one title, not broken out of");
}

#[test]
fn hostile_file_names_never_leave_their_folder() {
    let dir = tempfile::tempdir().unwrap();
    // A root with the database and the exports folder a level down, so that
    // `../` from the exports folder would land in it (and be found there).
    let root = dir.path();
    let app = root.join("app");
    std::fs::create_dir_all(&app).unwrap();
    let exports = app.join("exports");
    let mut store = Store::open(&app.join("crm.db")).unwrap();
    let company = add(&mut store, Kind::Company, json!({"name": "株式会社山田商事"})).unwrap();
    let long = format!("{}.pdf", "見積".repeat(200));
    let names: Vec<String> = [
        "../escaped.txt",
        "../../escaped-too.txt",
        "/tmp/absolute.txt",
        "C:\\Windows\\win.ini",
        "..\\..\\escaped-win.txt",
        "nul\0hidden.txt",
        "CON",
        "com1.csv",
        "..",
        long.as_str(),
        "名刺\u{202E}gpj.exe",
    ]
    .iter()
    .map(|s| s.to_string())
    .collect();
    let bytes = "見積書の中身".as_bytes();
    for name in &names {
        // Attached by a person: the stored name is a plain, safe one.
        let Response::Attachment(a) = run(
            &mut store,
            T0,
            Command::AttachFile {
                owner_kind: Kind::Company,
                owner_id: company.clone(),
                name: name.clone(),
                mime: None,
                base64: daifuku::import::encode_base64(bytes),
            },
        )
        .unwrap() else {
            panic!()
        };
        for bad in ["/", "\\", "\0", "\u{202E}"] {
            assert!(!a.name.contains(bad), "{name:?} stored as {:?}", a.name);
        }
        assert!(a.name != ".." && a.name.len() <= 200 && !a.name.is_empty(), "{:?}", a.name);
        // Saved by the app as the desktop does (`<exports>/<name>`), with the
        // name as another laptop's files may carry it (not cleaned on the way).
        let path = format!("{}/{name}", exports.display());
        let r = execute_without_store(Command::SaveFile { path, file: FileData::new(name.clone(), bytes) })
            .unwrap_or_else(|_| panic!("save_file needs no store"));
        let Ok(Response::Exported(saved)) = r else { panic!("{name:?}: {r:?}") };
        let saved = PathBuf::from(saved.path.unwrap());
        assert_eq!(saved.parent(), Some(exports.as_path()), "{name:?} saved as {}", saved.display());
        assert_eq!(std::fs::read(&saved).unwrap(), bytes);
    }
    // Every file written is in the exports folder (the walk finds them there)
    // or is the database's own; nothing beside or above it, nothing in /tmp.
    let written = files_under(root);
    let in_exports = written.iter().filter(|p| p.parent() == Some(exports.as_path())).count();
    assert_eq!(in_exports, names.len(), "{written:?}");
    for p in &written {
        let ok = p.parent() == Some(exports.as_path())
            || (p.parent() == Some(app.as_path()) && p.file_name().unwrap().to_string_lossy().starts_with("crm.db"));
        assert!(ok, "written outside the folder: {}", p.display());
    }
    assert!(!Path::new("/tmp/absolute.txt").exists());
    // A path the caller chose is used as given (the CLI's `--out`).
    let chosen = root.join("chosen").join("一覧.csv");
    let r = execute_without_store(Command::SaveFile {
        path: chosen.to_string_lossy().into_owned(),
        file: FileData::new("companies.csv", b"a,b\n"),
    })
    .unwrap_or_else(|_| panic!());
    assert!(r.is_ok() && chosen.exists());
}

// ---- daifuku serve ----

fn start_serve(db: &Path, ui: &Path) -> (std::process::Child, u16, String) {
    let mut child = Process::new(env!("CARGO_BIN_EXE_daifuku"))
        .arg("--db")
        .arg(db)
        .args(["serve", "--port", "0", "--ui-dir"])
        .arg(ui)
        .env_remove("DAIFUKU_DB")
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut line = String::new();
    BufReader::new(child.stdout.take().unwrap()).read_line(&mut line).unwrap();
    let url = line.trim().strip_prefix("DAIFUKU_URL=").unwrap_or_else(|| panic!("{line}")).to_string();
    let port: u16 = url["http://127.0.0.1:".len()..].split('/').next().unwrap().parse().unwrap();
    let token = url.split("#token=").nth(1).unwrap().to_string();
    (child, port, token)
}

/// One request with the given headers (the Host header included); (status, body).
fn request(port: u16, method: &str, path: &str, headers: &[(&str, String)], body: &str) -> (u16, String) {
    let mut s = TcpStream::connect(("127.0.0.1", port)).unwrap();
    let mut head = format!("{method} {path} HTTP/1.1\r\n");
    for (k, v) in headers {
        head += &format!("{k}: {v}\r\n");
    }
    write!(
        s,
        "{head}Content-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    )
    .unwrap();
    let mut resp = String::new();
    s.read_to_string(&mut resp).unwrap();
    let status: u16 = resp.split(' ').nth(1).unwrap().parse().unwrap();
    (status, resp.split_once("\r\n\r\n").map(|(_, b)| b.to_string()).unwrap_or_default())
}

#[test]
fn serve_refuses_other_sites_and_requests_without_its_token() {
    let dir = tempfile::tempdir().unwrap();
    let ui = dir.path().join("ui");
    std::fs::create_dir_all(&ui).unwrap();
    std::fs::write(ui.join("index.html"), "<!doctype html><title>大福</title>").unwrap();
    std::fs::write(dir.path().join("secret.txt"), "社外秘").unwrap();
    let db = dir.path().join("crm.db");
    {
        let mut store = Store::open(&db).unwrap();
        add(&mut store, Kind::Company, json!({"name": "株式会社機密商事"})).unwrap();
    }
    let (mut child, port, token) = start_serve(&db, &ui);
    let host = ("Host", format!("127.0.0.1:{port}"));
    let bearer = ("Authorization", format!("Bearer {token}"));
    let own = ("Origin", format!("http://127.0.0.1:{port}"));
    let list = r#"{"cmd":"list","kind":"company","query":{}}"#;

    // The app itself: its origin and token get the data (the check below
    // would pass vacuously if the name were never in a response).
    let (status, body) = request(port, "POST", "/api", &[host.clone(), bearer.clone(), own.clone()], list);
    assert_eq!(status, 200, "{body}");
    assert!(body.contains("株式会社機密商事"));
    let (status, _) = request(port, "GET", "/", &[host.clone(), own.clone()], "");
    assert_eq!(status, 200);

    let foreign = ("Origin", "https://evil.example".to_string());
    let cases: Vec<(&str, Vec<(&str, String)>, u16)> = vec![
        ("a foreign page without the token", vec![host.clone(), foreign.clone()], 403),
        ("a foreign page that learned the token", vec![host.clone(), bearer.clone(), foreign.clone()], 403),
        (
            "another port on this computer",
            vec![host.clone(), bearer.clone(), ("Origin", "http://127.0.0.1:1".into())],
            403,
        ),
        ("a file:// page (Origin null)", vec![host.clone(), bearer.clone(), ("Origin", "null".into())], 403),
        ("a cross-site fetch", vec![host.clone(), bearer.clone(), ("Sec-Fetch-Site", "cross-site".into())], 403),
        ("DNS rebinding (foreign Host)", vec![("Host", format!("evil.example:{port}")), bearer.clone()], 403),
        ("no token", vec![host.clone(), own.clone()], 401),
        ("a wrong token", vec![host.clone(), own.clone(), ("Authorization", "Bearer 0000".into())], 401),
    ];
    for (what, headers, want) in cases {
        let (status, body) = request(port, "POST", "/api", &headers, list);
        assert_eq!(status, want, "{what}: {body}");
        assert!(!body.contains("株式会社機密商事"), "{what}: data in {body}");
    }
    // No other site may frame the app, run plugins, or reset its base URL.
    let mut sock = TcpStream::connect(("127.0.0.1", port)).unwrap();
    write!(sock, "GET / HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nConnection: close\r\n\r\n").unwrap();
    let mut page = String::new();
    sock.read_to_string(&mut page).unwrap();
    let head = page.split("\r\n\r\n").next().unwrap().to_ascii_lowercase();
    let csp = head.lines().find(|l| l.starts_with("content-security-policy:")).unwrap_or_else(|| panic!("{head}"));
    for directive in ["script-src 'self'", "frame-ancestors 'none'", "object-src 'none'", "base-uri 'none'"] {
        assert!(csp.contains(directive), "{directive} in {csp}");
    }
    assert!(head.contains("x-content-type-options: nosniff"), "{head}");
    // A foreign page cannot read the UI's files either, nor anything beside them.
    assert_eq!(request(port, "GET", "/", &[host.clone(), foreign.clone()], "").0, 403);
    for path in ["/../secret.txt", "/%2e%2e/secret.txt", "/..%2fsecret.txt", "//etc/passwd"] {
        let (status, body) = request(port, "GET", path, &[host.clone()], "");
        assert!(!body.contains("社外秘") && !body.contains("root:"), "{path}: {status} {body}");
    }
    child.kill().unwrap();
    child.wait().unwrap();
}

/// A laptop with a hostile copy of the app (or someone with access to the
/// shared folder) creates a contact whose id is a path. The id arrives with
/// the sync folder's files; the 開示 package named after it is still written
/// into the folder the user chose, and nowhere else.
#[test]
fn a_record_id_from_the_sync_folder_cannot_steer_a_package_out_of_its_folder() {
    use daifuku::sync::crypto::Keyring;
    use daifuku::sync::format::{self, Body, ChangeBatch, FileName};
    use daifuku::sync::hlc::Hlc;
    use daifuku::sync::merge::Change;
    use daifuku::sync::{sync_round, MemoryFolder, SyncFolder, SyncOptions};

    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    let out = root.join("packages").join("開示");
    std::fs::create_dir_all(&out).unwrap();
    let hostile_id = "../../../escaped";
    let change = Change {
        hlc: Hlc { ms: T0, counter: 0, device: "evil".into() }.format(),
        author: None,
        kind: "contact".into(),
        id: hostile_id.into(),
        op: "create".into(),
        fields: fields(json!({"family_name": "悪意", "given_name": "太郎"})),
        prev: None,
    };
    let name = FileName::Changes { device: "evil".into(), first: 1, last: 1 };
    let body = Body::Changes(ChangeBatch {
        device: "evil".into(),
        first: 1,
        last: 1,
        deps: Default::default(),
        local_last: 1,
        changes: vec![change],
    });
    let mut folder = MemoryFolder::new();
    folder.create(&name.to_path(), &format::seal_body(&name, &body, None)).unwrap();

    let mut store = Store::open(&root.join("crm.db")).unwrap();
    let report = sync_round(&mut store, &mut folder, &mut Keyring::default(), &SyncOptions::new(T0 + 1000)).unwrap();
    assert_eq!(report.changes_applied, 1, "{report:?}");
    // The contact is here under that id (else the package below proves nothing).
    assert_eq!(get(&mut store, Kind::Contact, hostile_id)["family_name"], json!("悪意"));
    let Response::Disclosure(d) = run(
        &mut store,
        T0 + 2000,
        Command::DiscloseContact { id: hostile_id.into(), out_dir: Some(out.to_string_lossy().into_owned()) },
    )
    .unwrap() else {
        panic!()
    };
    for written in [d.json.path.unwrap(), d.html.path.unwrap()] {
        let p = PathBuf::from(&written);
        assert_eq!(p.parent(), Some(out.as_path()), "{written}");
        assert!(p.exists(), "{written}");
    }
    let outside: Vec<PathBuf> = files_under(root)
        .into_iter()
        .filter(|p| {
            p.parent() != Some(out.as_path()) && !p.file_name().unwrap().to_string_lossy().starts_with("crm.db")
        })
        .collect();
    assert!(outside.is_empty(), "written outside the chosen folder: {outside:?}");
}
