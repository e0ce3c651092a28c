//! The desktop shell: a Tauri window over the web UI, and one IPC command
//! that hands every request to `daifuku_host::Host` (the dispatcher it
//! shares with `daifuku serve`). Nothing else lives here: validation and SQL
//! are in the core.

#![cfg_attr(not(debug_assertions), windows_subsystem = "windows")]

use std::path::PathBuf;
use std::sync::Arc;

use daifuku::ApiError;
use daifuku_host::{Host, HostEvent};
use tauri::{Emitter, Manager, State};

/// `DAIFUKU_DB`, else the same default file as the CLI.
fn db_path() -> PathBuf {
    match std::env::var_os("DAIFUKU_DB") {
        Some(p) => PathBuf::from(p),
        None => dirs::data_dir().unwrap_or_else(|| PathBuf::from(".")).join("daifuku").join("daifuku.db"),
    }
}

/// The one command: a `Command` in, a `Response` or an `ApiError` out,
/// answered by the shared `daifuku_host::Host` on a blocking thread, so a
/// sync round on a slow folder ties up no async worker (and, running on its
/// own connection, holds up no other command).
#[tauri::command]
async fn api(host: State<'_, Arc<Host>>, cmd: serde_json::Value) -> Result<serde_json::Value, ApiError> {
    let host = host.inner().clone();
    let now = chrono::Local::now();
    let (now_ms, tz_offset_min) = (now.timestamp_millis(), now.offset().local_minus_utc() / 60);
    tauri::async_runtime::spawn_blocking(move || host.dispatch(cmd, now_ms, tz_offset_min))
        .await
        .map_err(|e| ApiError::new("internal", format!("the command stopped: {e}")))?
}

/// Reading suggestions (フリガナ): the dictionary pack the app ships in its
/// resources (`reading/`, tauri.conf.json; `DAIFUKU_READING_DICT` overrides),
/// unpacked once into the OS cache directory (the same place the CLI uses);
/// without it, Debian's mecab-ipadic sources built there.
fn configure_reading(resource_dir: Option<PathBuf>) {
    let pack = std::env::var_os("DAIFUKU_READING_DICT")
        .map(PathBuf::from)
        .or_else(|| resource_dir.map(|d| d.join("reading").join(daifuku::reading::pack_file_name())));
    let ipadic_dir = std::env::var_os("DAIFUKU_IPADIC_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(daifuku::reading::DEBIAN_IPADIC_DIR));
    let cache_dir = std::env::var_os("DAIFUKU_CACHE_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| dirs::cache_dir().unwrap_or_else(std::env::temp_dir).join("daifuku"));
    daifuku::reading::configure(daifuku::reading::ReadingConfig { pack, ipadic_dir, cache_dir });
}

#[global_allocator]
static ALLOCATOR: daifuku::Allocator = daifuku::Allocator;

fn main() {
    // WebKitGTK's accelerated compositing keeps GPU-style backing stores for
    // every layer of the page: ~110 MB more in the web process for this app
    // under Xvfb, and slower scrolling of the long lists (p50 27–47 ms vs
    // 12 ms with it off, tests/desktop/measure.mjs). The UI is flat 2D, so
    // it is off unless the user's environment says otherwise.
    #[cfg(target_os = "linux")]
    if std::env::var_os("WEBKIT_DISABLE_COMPOSITING_MODE").is_none() {
        std::env::set_var("WEBKIT_DISABLE_COMPOSITING_MODE", "1");
    }
    let path = db_path();
    // An encrypted database whose key this computer does not remember opens on the lock screen (issue 18).
    let host = match Host::open(&path) {
        Ok(h) => h,
        Err(e) => {
            eprintln!("daifuku: cannot open {}: {e}", path.display());
            std::process::exit(1);
        }
    };
    // The daily upkeep (daifuku_host::jobs): the automatic backup, then the tidy
    // of the search index; a minute after start (not competing with the
    // first screen), then checked hourly.
    let today = || chrono::Local::now().format("%Y-%m-%d").to_string();
    let _ = daifuku_host::jobs::spawn_auto_backup(path.clone(), std::time::Duration::from_secs(60), today, |e| {
        eprintln!("daily upkeep: {e}")
    });
    tauri::Builder::default()
        .plugin(tauri_plugin_window_state::Builder::default().build())
        .plugin(tauri_plugin_dialog::init())
        .plugin(tauri_plugin_notification::init())
        .manage(Arc::new(host))
        .invoke_handler(tauri::generate_handler![api])
        .setup(|app| {
            configure_reading(app.path().resource_dir().ok());
            // What changes without a request (a job's progress, a round's
            // start and end) reaches the UI as events instead of polls.
            let handle = app.handle().clone();
            app.state::<Arc<Host>>().on_event(move |event| {
                let _ = handle.emit(HostEvent::NAME, event);
            });
            if let Some(w) = app.get_webview_window("main") {
                let _ = w.set_title("大福 Daifuku");
            }
            Ok(())
        })
        .run(tauri::generate_context!())
        .expect("error while running the Daifuku window");
}
