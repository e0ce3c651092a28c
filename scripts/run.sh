#!/usr/bin/env bash
# Installs whatever is missing, builds Daifuku and starts the desktop app on
# its local database. On first run the app's welcome screen offers demo data,
# an empty start or an import. DAIFUKU_DB chooses another database file.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
source scripts/setup.sh

echo "== build UI"
(cd ui && npm run build --silent)
echo "== build app (first build takes a few minutes)"
cargo build --release --bin daifuku -p daifuku -p daifuku-desktop

DB="${DAIFUKU_DB:-${XDG_DATA_HOME:-$HOME/.local/share}/daifuku/daifuku.db}"
export DAIFUKU_DB="$DB"

if [ -z "${DISPLAY:-}" ] && [ -z "${WAYLAND_DISPLAY:-}" ]; then
  echo "no display: starting under Xvfb (xvfb-run)"
  exec xvfb-run -a -s "-screen 0 1280x800x24" target/release/daifuku-desktop
fi
exec target/release/daifuku-desktop
