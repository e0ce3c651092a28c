//! The desktop shell: a Tauri window over the web UI, and one IPC command
//! that hands every request to the core's command API. Nothing else lives
//! here: validation and SQL are in the core.

#![cfg_attr(not(debug_assertions), windows_subsystem = "windows")]

use std::path::PathBuf;
use std::sync::Mutex;

use daifuku::{api, ApiError, Store};
use tauri::{Manager, State};

/// `DAIFUKU_DB`, else the same default file as the CLI.
fn db_path() -> PathBuf {
    match std::env::var_os("DAIFUKU_DB") {
        Some(p) => PathBuf::from(p),
        None => dirs::data_dir()
            .unwrap_or_else(|| PathBuf::from("."))
            .join("daifuku")
            .join("daifuku.db"),
    }
}

/// The one command: a `Command` in, a `Response` or an `ApiError` out.
#[tauri::command]
fn api(
    store: State<'_, Mutex<Store>>,
    cmd: serde_json::Value,
) -> Result<serde_json::Value, ApiError> {
    let mut store = store
        .lock()
        .map_err(|_| ApiError::new("internal", "the database lock was poisoned"))?;
    let now = chrono::Local::now();
    let mut ctx = store.context(now.timestamp_millis())?;
    ctx.tz_offset_min = now.offset().local_minus_utc() / 60;
    api::execute_json(&mut store, &ctx, cmd)
}

fn main() {
    let path = db_path();
    let store = match Store::open(&path) {
        Ok(s) => s,
        Err(e) => {
            eprintln!("daifuku: cannot open {}: {e}", path.display());
            std::process::exit(1);
        }
    };
    tauri::Builder::default()
        .plugin(tauri_plugin_window_state::Builder::default().build())
        .manage(Mutex::new(store))
        .invoke_handler(tauri::generate_handler![api])
        .setup(|app| {
            if let Some(w) = app.get_webview_window("main") {
                let _ = w.set_title("大福 Daifuku");
            }
            Ok(())
        })
        .run(tauri::generate_context!())
        .expect("error while running the Daifuku window");
}
