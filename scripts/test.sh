#!/usr/bin/env bash
# Runs every test of Daifuku: Rust unit and integration tests, UI unit tests,
# browser end-to-end tests against `daifuku serve`, and the real desktop app
# driven by tauri-driver under Xvfb. Installs whatever is missing first.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
# Each phase prints the seconds since the start (a cold CI run must stay
# under 35 minutes: these tell where the time goes).
SECONDS=0
source scripts/setup.sh
echo "== setup done (${SECONDS}s)"

if [ -f ui/package.json ]; then
  echo "== UI build (at ${SECONDS}s)"
  (cd ui && npm run build --silent)
fi

# csv-spectrum (npm): CSV edge cases the import must read exactly; the
# import test fails when DAIFUKU_CSV_SPECTRUM is set and the files are missing.
if [ ! -f target/csv-spectrum/node_modules/csv-spectrum/package.json ]; then
  echo "== npm install csv-spectrum (test data) (at ${SECONDS}s)"
  npm install --no-save --no-audit --no-fund --loglevel=error --prefix target/csv-spectrum csv-spectrum
fi
export DAIFUKU_CSV_SPECTRUM="$ROOT/target/csv-spectrum/node_modules/csv-spectrum"

echo "== cargo test --workspace (at ${SECONDS}s)"
cargo test --workspace --quiet

if [ -f ui/package.json ]; then
  echo "== UI unit tests (vitest) (at ${SECONDS}s)"
  (cd ui && npm test --silent)
  echo "== Browser end-to-end tests (playwright-core + Chromium against daifuku serve) (at ${SECONDS}s)"
  cargo build --quiet --bin daifuku
  # The UI was built above: `npm run e2e` would build it again, and a fresh
  # ui/dist makes cargo rebuild the desktop app for the next phase.
  (cd ui && node --test e2e/)
fi

if [ -x scripts/test-desktop.sh ]; then
  echo "== Desktop app under Xvfb (tauri-driver + WebKitWebDriver) (at ${SECONDS}s)"
  scripts/test-desktop.sh
fi

if [ -x scripts/test-installer.sh ]; then
  echo "== Installers (.deb/.rpm from the test build; the installed app under Xvfb) (at ${SECONDS}s)"
  scripts/test-installer.sh
fi

echo "== all tests passed (at ${SECONDS}s)"
