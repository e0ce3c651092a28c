#!/usr/bin/env bash
# The real desktop app under Xvfb, driven by tauri-driver + WebKitWebDriver.
# Called by scripts/test.sh after the UI is built.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

command -v tauri-driver >/dev/null || cargo install tauri-driver --version ^2 --locked --quiet
export PATH="$HOME/.cargo/bin:$PATH"

cargo build --quiet --bin daifuku
cargo build --quiet -p daifuku-desktop
work="$(mktemp -d)"
cleanup() { [ -n "${driver:-}" ] && kill -- -"$driver" 2>/dev/null; rm -rf "$work"; }
trap cleanup EXIT

export DAIFUKU_DB="$work/desktop.db"
TARGET="${CARGO_TARGET_DIR:-$ROOT/target}"
export DAIFUKU_BIN="$TARGET/debug/daifuku"
export DAIFUKU_DESKTOP_BIN="$TARGET/debug/daifuku-desktop"
"$DAIFUKU_BIN" gen --companies 300 --seed 5 >/dev/null 2>&1

port=$((4444 + RANDOM % 1000))
export WEBDRIVER_URL="http://127.0.0.1:$port"
# The native driver (WebKitWebDriver) on a port of its own too: its default, 4445, is taken
# when another test run is under way on this machine.
setsid xvfb-run -a -s "-screen 0 1280x800x24" tauri-driver --port "$port" --native-port "$((port + 1000))" >"$work/driver.log" 2>&1 &
driver=$!
for _ in $(seq 1 100); do
  curl -fs "$WEBDRIVER_URL/status" >/dev/null 2>&1 && break
  sleep 0.1
done
# One file at a time: tauri-driver drives one app session at a time. first_run.test.mjs
# starts its own app on a new database of its own (a launcher script sets DAIFUKU_DB).
node --test --test-concurrency=1 tests/desktop/ || { cat "$work/driver.log" >&2; exit 1; }
