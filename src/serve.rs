//! `daifuku serve`: the HTTP bridge. Serves the built UI and the command API
//! on 127.0.0.1 only, so the UI runs (and is tested) in a normal browser.
//!
//! - `GET /…` serves files of the UI directory (no token: they are the app).
//! - `POST /api` takes a `Command` as JSON and answers a `Response`, or an
//!   `ApiError` with a 4xx/5xx status. It requires `Authorization: Bearer
//!   <token>`, a random token printed at start, and a loopback `Host` header
//!   (no DNS rebinding). A request whose `Origin` is another site's (or
//!   `null`), or that the browser marks `Sec-Fetch-Site: cross-site`, is
//!   refused with 403 before anything else.
//!
//! Requests are answered concurrently: hyper's HTTP/1 server on a small
//! tokio runtime serves every connection on its own task, and each command
//! runs on a blocking thread against the shared `daifuku_host::Host`, so a
//! sync round on a slow folder holds up only the request that started it,
//! never the UI's other commands or its files.

use std::convert::Infallible;
use std::path::{Component, Path, PathBuf};
use std::sync::Arc;

use bytes::Bytes;
use clap::ArgMatches;
use daifuku::ApiError;
use daifuku_host::Host;
use http_body_util::{BodyExt, Full, Limited};
use hyper::body::Incoming;
use hyper::header::{HeaderValue, AUTHORIZATION, CACHE_CONTROL, CONTENT_TYPE, HOST};
use hyper::{Method, Request, Response, StatusCode};
use rand::RngExt;

const MAX_BODY: usize = 32 * 1024 * 1024;

/// Threads running commands (tokio's blocking pool): a round blocks the one
/// that asked for it; the UI rarely has more than a command or two in flight.
const COMMAND_THREADS: usize = 8;

type Reply = Response<Full<Bytes>>;

struct State {
    host: Host,
    ui_dir: PathBuf,
    token: String,
    port: u16,
}

pub fn run(host: Host, m: &ArgMatches) -> Result<(), ApiError> {
    let port = *m.get_one::<u16>("port").unwrap();
    let ui_dir = PathBuf::from(m.get_one::<String>("ui-dir").cloned().unwrap_or_else(|| "ui/dist".into()));
    let listener = std::net::TcpListener::bind(("127.0.0.1", port))
        .map_err(|e| ApiError::new("io", format!("cannot listen on 127.0.0.1:{port}: {e}")))?;
    let port = listener.local_addr().map(|a| a.port()).unwrap_or(port);
    let io_err = |e: std::io::Error| ApiError::new("io", format!("cannot start the server: {e}"));
    listener.set_nonblocking(true).map_err(io_err)?;
    let token: String = {
        let bytes: [u8; 24] = rand::rng().random();
        bytes.iter().map(|b| format!("{b:02x}")).collect()
    };
    if !ui_dir.join("index.html").exists() {
        eprintln!("warning: no built UI in {} (run `npm run build` in ui/); the API still works", ui_dir.display());
    }
    // Background imports and the daily upkeep: the automatic backup, then
    // the tidy of the search index (daifuku_host::jobs).
    if let Some(db) = host.db_path() {
        let _ =
            daifuku_host::jobs::spawn_auto_backup(db.to_path_buf(), std::time::Duration::ZERO, now_ctx_today, |e| {
                eprintln!("daily upkeep: {e}")
            });
    }
    let state = Arc::new(State { host, ui_dir, token, port });
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .max_blocking_threads(COMMAND_THREADS)
        .thread_name("serve")
        .enable_io()
        .build()
        .map_err(io_err)?;
    runtime.block_on(async move {
        let listener = tokio::net::TcpListener::from_std(listener).map_err(io_err)?;
        // Printed once the listener is ready: tests wait for this line.
        println!("DAIFUKU_URL=http://127.0.0.1:{port}/#token={}", state.token);
        std::io::Write::flush(&mut std::io::stdout()).ok();
        loop {
            let stream = match listener.accept().await {
                Ok((stream, _)) => stream,
                // Out of file descriptors and the like: try the next one.
                Err(e) => {
                    eprintln!("serve: {e}");
                    continue;
                }
            };
            let _ = stream.set_nodelay(true);
            let state = state.clone();
            tokio::spawn(async move {
                let service = hyper::service::service_fn(move |req| {
                    let state = state.clone();
                    async move { Ok::<_, Infallible>(handle(state, req).await) }
                });
                // A client that goes away mid-request is not an error worth a line.
                let _ = hyper::server::conn::http1::Builder::new()
                    .serve_connection(hyper_util::rt::TokioIo::new(stream), service)
                    .await;
            });
        }
    })
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

fn reply(status: u16, content_type: &'static str, body: impl Into<Bytes>) -> Reply {
    let mut resp = Response::new(Full::new(body.into()));
    *resp.status_mut() = StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    resp.headers_mut().insert(CONTENT_TYPE, HeaderValue::from_static(content_type));
    resp
}

fn json_response(status: u16, body: String) -> Reply {
    let mut resp = reply(status, "application/json; charset=utf-8", body);
    resp.headers_mut().insert(CACHE_CONTROL, HeaderValue::from_static("no-store"));
    resp
}

fn error_response(e: &ApiError) -> Reply {
    json_response(error_status(e), serde_json::to_string(e).unwrap())
}

fn not_found() -> Reply {
    reply(404, "text/plain; charset=utf-8", "not found")
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

/// Runs blocking work (a command, a file read) on the blocking pool.
async fn blocking<T: Send + 'static>(f: impl FnOnce() -> T + Send + 'static) -> Result<T, ApiError> {
    tokio::task::spawn_blocking(f).await.map_err(|e| ApiError::new("io", format!("the request failed: {e}")))
}

async fn handle(state: Arc<State>, req: Request<Incoming>) -> Reply {
    let port = state.port;
    let host_ok = req
        .headers()
        .get(HOST)
        .and_then(|h| h.to_str().ok())
        .is_some_and(|host| host == format!("127.0.0.1:{port}") || host == format!("localhost:{port}"));
    if !host_ok {
        return error_response(&ApiError::new("forbidden", "bad Host header"));
    }
    // A page of another site (or a file:// page: Origin `null`) may not
    // call the API nor read the UI's files, whatever it sends (issue 18).
    // Browsers send Origin on every cross-origin request and on every POST.
    let origin_ok = match req.headers().get(hyper::header::ORIGIN).map(|o| o.to_str()) {
        None => true,
        Some(Ok(o)) => o == format!("http://127.0.0.1:{port}") || o == format!("http://localhost:{port}"),
        Some(Err(_)) => false,
    };
    let cross_site =
        req.headers().get("sec-fetch-site").and_then(|v| v.to_str().ok()).is_some_and(|v| v == "cross-site");
    if !origin_ok || cross_site {
        return error_response(&ApiError::new("forbidden", "requests from other sites are refused"));
    }
    let path = req.uri().path().to_string();
    match (req.method().clone(), path.as_str()) {
        (Method::POST, "/api") => {
            let auth = req.headers().get(AUTHORIZATION).and_then(|h| h.to_str().ok());
            if auth != Some(&format!("Bearer {}", state.token)) {
                return error_response(&ApiError::new("unauthorized", "missing or wrong token"));
            }
            let body = match Limited::new(req.into_body(), MAX_BODY).collect().await {
                Ok(b) => b.to_bytes(),
                Err(e) => {
                    return error_response(&ApiError::new("bad_request", format!("cannot read the request: {e}")))
                }
            };
            let result = blocking(move || {
                serde_json::from_slice::<serde_json::Value>(&body).map_err(ApiError::from).and_then(|cmd| {
                    let (now_ms, tz_offset_min) = clock();
                    state.host.dispatch(cmd, now_ms, tz_offset_min)
                })
            })
            .await
            .and_then(|r| r);
            match result {
                Ok(v) => json_response(200, v.to_string()),
                Err(e) => error_response(&e),
            }
        }
        (Method::GET | Method::HEAD, p) if p.starts_with("/calendar/") => {
            let p = p.to_string();
            blocking(move || calendar_feed(&state.host, &p)).await.unwrap_or_else(|e| error_response(&e))
        }
        (Method::GET | Method::HEAD, _) => {
            blocking(move || serve_file(&state.ui_dir, &path)).await.unwrap_or_else(|e| error_response(&e))
        }
        _ => reply(405, "text/plain; charset=utf-8", "method not allowed"),
    }
}

/// `GET /calendar/<token>.ics`: the calendar feed for a calendar app to
/// subscribe to. Its own secret (settings; made and renewed in the app), not
/// the UI's bearer token: a calendar app cannot send a header. A wrong or
/// missing token is answered as an unknown path.
fn calendar_feed(host: &Host, path: &str) -> Reply {
    let given = path.strip_prefix("/calendar/").and_then(|t| t.strip_suffix(".ics")).unwrap_or("");
    let (now_ms, tz_offset_min) = clock();
    let info = host.dispatch(serde_json::json!({"cmd": "calendar_feed_info"}), now_ms, tz_offset_min);
    let token = info.ok().and_then(|v| v["data"]["token"].as_str().map(str::to_string));
    let matches = token.is_some_and(|t| {
        // Compared in constant time: the answer's timing does not tell the secret.
        t.len() == given.len() && t.bytes().zip(given.bytes()).fold(0u8, |acc, (a, b)| acc | (a ^ b)) == 0
    });
    if !matches {
        return not_found();
    }
    match host.dispatch(serde_json::json!({"cmd": "calendar_feed"}), now_ms, tz_offset_min) {
        Ok(v) => {
            let mut resp =
                reply(200, "text/calendar; charset=utf-8", v["data"]["ics"].as_str().unwrap_or_default().to_string());
            resp.headers_mut().insert(CACHE_CONTROL, HeaderValue::from_static("no-store"));
            resp
        }
        Err(e) => error_response(&e),
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

fn serve_file(ui_dir: &Path, url_path: &str) -> Reply {
    let rel = Path::new(url_path.trim_start_matches('/'));
    // Only plain path segments: no `..`, no absolute paths.
    if rel.components().any(|c| !matches!(c, Component::Normal(_))) {
        return not_found();
    }
    let mut path = ui_dir.join(rel);
    if url_path == "/" || path.is_dir() {
        path = ui_dir.join("index.html");
    }
    match std::fs::read(&path) {
        Ok(bytes) => {
            let mut resp = reply(200, content_type(&path), bytes);
            if path.extension().is_some_and(|e| e == "html") {
                resp.headers_mut().insert(
                    "content-security-policy",
                    HeaderValue::from_static(
                        "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; connect-src 'self'; frame-ancestors 'none'; object-src 'none'; base-uri 'none'",
                    ),
                );
            }
            // Another site may neither frame the app (clickjacking) nor have a
            // file read as another type than it is (issue 18).
            resp.headers_mut().insert("x-content-type-options", HeaderValue::from_static("nosniff"));
            resp
        }
        Err(_) => not_found(),
    }
}
