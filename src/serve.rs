//! `daifuku serve`: the HTTP bridge. Serves the built UI and the command API
//! on 127.0.0.1 only, so the UI runs (and is tested) in a normal browser.
//!
//! - `GET /…` serves files of the UI directory (no token: they are the app).
//! - `POST /api` takes a `Command` as JSON and answers a `Response`, or an
//!   `ApiError` with a 4xx/5xx status. It requires `Authorization: Bearer
//!   <token>`, a random token printed at start, and a loopback `Host` header
//!   (no DNS rebinding).
//!
//! Requests are answered concurrently by [`WORKERS`] threads, each taking
//! requests from the one server and handing commands to the shared
//! `daifuku_host::Host`: a sync round on a slow folder holds up only the
//! request that started it, never the UI's other commands or its files.

use std::io::{Read, Write};
use std::path::{Component, Path, PathBuf};
use std::sync::Arc;

use clap::ArgMatches;
use daifuku::{ApiError, Store};
use daifuku_host::Host;
use rand::RngExt;
use tiny_http::{Header, Method, Request, Response, Server};

const MAX_BODY: u64 = 32 * 1024 * 1024;

/// Threads answering requests. A round blocks the one that asked for it; the
/// UI rarely has more than a command or two and a few files in flight.
const WORKERS: usize = 4;

pub fn run(store: Store, m: &ArgMatches) -> Result<(), ApiError> {
    let port = *m.get_one::<u16>("port").unwrap();
    let ui_dir = PathBuf::from(m.get_one::<String>("ui-dir").cloned().unwrap_or_else(|| "ui/dist".into()));
    let server = Server::http(("127.0.0.1", port))
        .map_err(|e| ApiError::new("io", format!("cannot listen on 127.0.0.1:{port}: {e}")))?;
    let port = server.server_addr().to_ip().map(|a| a.port()).unwrap_or(port);
    let token: String = {
        let bytes: [u8; 24] = rand::rng().random();
        bytes.iter().map(|b| format!("{b:02x}")).collect()
    };
    if !ui_dir.join("index.html").exists() {
        eprintln!("warning: no built UI in {} (run `npm run build` in ui/); the API still works", ui_dir.display());
    }
    println!("DAIFUKU_URL=http://127.0.0.1:{port}/#token={token}");
    std::io::stdout().flush().ok();
    let host = Arc::new(Host::new(store));
    // Background imports and the daily upkeep: the automatic backup, then
    // the tidy of the search index (daifuku_host::jobs).
    if let Some(db) = host.db_path() {
        let _ =
            daifuku_host::jobs::spawn_auto_backup(db.to_path_buf(), std::time::Duration::ZERO, now_ctx_today, |e| {
                eprintln!("daily upkeep: {e}")
            });
    }
    let server = Arc::new(server);
    let workers: Vec<_> = (0..WORKERS)
        .map(|i| {
            let (server, host, ui_dir, token) = (server.clone(), host.clone(), ui_dir.clone(), token.clone());
            std::thread::Builder::new().name(format!("serve-{i}")).spawn(move || loop {
                let request = match server.recv() {
                    Ok(r) => r,
                    // The listener failed (as `incoming_requests` ends): stop this worker.
                    Err(e) => {
                        eprintln!("serve: {e}");
                        break;
                    }
                };
                if let Err(e) = handle(&host, &ui_dir, &token, port, request) {
                    eprintln!("serve: {e}");
                }
            })
        })
        .collect::<std::io::Result<_>>()
        .map_err(|e| ApiError::new("io", format!("cannot start the server threads: {e}")))?;
    for w in workers {
        let _ = w.join();
    }
    Ok(())
}

/// The commands' clock: `DAIFUKU_NOW` (ms, UTC) when set, as every CLI
/// command's, else the local time and its offset.
fn clock() -> (i64, i32) {
    if let Some(ms) = std::env::var("DAIFUKU_NOW").ok().and_then(|v| v.parse::<i64>().ok()) {
        return (ms, 0);
    }
    let now = chrono::Local::now();
    (now.timestamp_millis(), now.offset().local_minus_utc() / 60)
}

/// Today's local date (`DAIFUKU_NOW` when set, as every command's clock).
fn now_ctx_today() -> String {
    let ms = std::env::var("DAIFUKU_NOW").ok().and_then(|v| v.parse::<i64>().ok());
    let now = chrono::Local::now();
    let mut ctx = daifuku::Ctx::new(ms.unwrap_or(now.timestamp_millis()), "");
    ctx.tz_offset_min = now.offset().local_minus_utc() / 60;
    ctx.today()
}

fn header(name: &str, value: &str) -> Header {
    Header::from_bytes(name.as_bytes(), value.as_bytes()).expect("static header")
}

fn json_response(status: u16, body: String) -> Response<std::io::Cursor<Vec<u8>>> {
    Response::from_string(body)
        .with_status_code(status)
        .with_header(header("Content-Type", "application/json; charset=utf-8"))
        .with_header(header("Cache-Control", "no-store"))
}

fn error_status(e: &ApiError) -> u16 {
    match e.code.as_str() {
        "unauthorized" => 401,
        "forbidden" => 403,
        "not_found" => 404,
        "stale" => 409,
        "bad_request" | "usage" => 400,
        "database" | "io" | "migration" => 500,
        _ => 422,
    }
}

fn handle(host: &Host, ui_dir: &Path, token: &str, port: u16, mut req: Request) -> std::io::Result<()> {
    let host_ok = req.headers().iter().find(|h| h.field.equiv("Host")).is_some_and(|h| {
        let host = h.value.as_str();
        host == format!("127.0.0.1:{port}") || host == format!("localhost:{port}")
    });
    if !host_ok {
        return req.respond(json_response(
            403,
            serde_json::to_string(&ApiError::new("forbidden", "bad Host header")).unwrap(),
        ));
    }
    let url = req.url().split('?').next().unwrap_or("/").to_string();
    match (req.method(), url.as_str()) {
        (Method::Post, "/api") => {
            let auth =
                req.headers().iter().find(|h| h.field.equiv("Authorization")).map(|h| h.value.as_str().to_string());
            if auth.as_deref() != Some(&format!("Bearer {token}")) {
                let e = ApiError::new("unauthorized", "missing or wrong token");
                return req.respond(json_response(401, serde_json::to_string(&e).unwrap()));
            }
            let mut body = String::new();
            if let Err(e) = req.as_reader().take(MAX_BODY).read_to_string(&mut body) {
                let e = ApiError::new("bad_request", format!("cannot read the request: {e}"));
                return req.respond(json_response(400, serde_json::to_string(&e).unwrap()));
            }
            let result = serde_json::from_str::<serde_json::Value>(&body).map_err(ApiError::from).and_then(|cmd| {
                let (now_ms, tz_offset_min) = clock();
                host.dispatch(cmd, now_ms, tz_offset_min)
            });
            match result {
                Ok(v) => req.respond(json_response(200, v.to_string())),
                Err(e) => req.respond(json_response(error_status(&e), serde_json::to_string(&e).unwrap())),
            }
        }
        (Method::Get | Method::Head, path) if path.starts_with("/calendar/") => calendar_feed(host, path, req),
        (Method::Get | Method::Head, path) => serve_file(ui_dir, path, req),
        _ => req.respond(Response::from_string("method not allowed").with_status_code(405)),
    }
}

/// `GET /calendar/<token>.ics`: the calendar feed for a calendar app to
/// subscribe to. Its own secret (settings; made and renewed in the app), not
/// the UI's bearer token: a calendar app cannot send a header. A wrong or
/// missing token is answered as an unknown path.
fn calendar_feed(host: &Host, path: &str, req: Request) -> std::io::Result<()> {
    let not_found = || Response::from_string("not found").with_status_code(404);
    let given = path.strip_prefix("/calendar/").and_then(|t| t.strip_suffix(".ics")).unwrap_or("");
    let (now_ms, tz_offset_min) = clock();
    let info = host.dispatch(serde_json::json!({"cmd": "calendar_feed_info"}), now_ms, tz_offset_min);
    let token = info.ok().and_then(|v| v["data"]["token"].as_str().map(str::to_string));
    let matches = token.is_some_and(|t| {
        // Compared in constant time: the answer's timing does not tell the secret.
        t.len() == given.len() && t.bytes().zip(given.bytes()).fold(0u8, |acc, (a, b)| acc | (a ^ b)) == 0
    });
    if !matches {
        return req.respond(not_found());
    }
    match host.dispatch(serde_json::json!({"cmd": "calendar_feed"}), now_ms, tz_offset_min) {
        Ok(v) => req.respond(
            Response::from_string(v["data"]["ics"].as_str().unwrap_or_default())
                .with_header(header("Content-Type", "text/calendar; charset=utf-8"))
                .with_header(header("Cache-Control", "no-store")),
        ),
        Err(e) => req.respond(json_response(error_status(&e), serde_json::to_string(&e).unwrap())),
    }
}

fn content_type(path: &Path) -> &'static str {
    match path.extension().and_then(|e| e.to_str()).unwrap_or("") {
        "html" => "text/html; charset=utf-8",
        "js" | "mjs" => "text/javascript; charset=utf-8",
        "css" => "text/css; charset=utf-8",
        "json" => "application/json",
        "svg" => "image/svg+xml",
        "png" => "image/png",
        "ico" => "image/x-icon",
        "woff2" => "font/woff2",
        _ => "application/octet-stream",
    }
}

fn serve_file(ui_dir: &Path, url_path: &str, req: Request) -> std::io::Result<()> {
    let rel = Path::new(url_path.trim_start_matches('/'));
    // Only plain path segments: no `..`, no absolute paths.
    if rel.components().any(|c| !matches!(c, Component::Normal(_))) {
        return req.respond(Response::from_string("not found").with_status_code(404));
    }
    let mut path = ui_dir.join(rel);
    if url_path == "/" || path.is_dir() {
        path = ui_dir.join("index.html");
    }
    match std::fs::read(&path) {
        Ok(bytes) => {
            let mut resp = Response::from_data(bytes).with_header(header("Content-Type", content_type(&path)));
            if path.extension().is_some_and(|e| e == "html") {
                resp = resp.with_header(header(
                    "Content-Security-Policy",
                    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; connect-src 'self'",
                ));
            }
            req.respond(resp)
        }
        Err(_) => req.respond(Response::from_string("not found").with_status_code(404)),
    }
}
