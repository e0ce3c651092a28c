#!/usr/bin/env bash
# Installs what Daifuku needs on a fresh Debian 12 machine (as root), and only
# what is missing: system packages, the UI's npm packages, tauri-driver.
# Sourced by run.sh and test.sh.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"

need_apt=()
# mecab-ipadic: the IPADIC sources reading suggestions (フリガナ) are built from (src/reading.rs).
# fonts-noto-color-emoji: the UI's icons are emoji; without a color emoji font the
# browsers draw empty boxes in their place (and in the e2e screenshots).
for pkg in build-essential pkg-config libssl-dev libwebkit2gtk-4.1-dev xvfb xauth webkit2gtk-driver chromium fonts-noto-cjk fonts-noto-color-emoji curl mecab-ipadic; do
  dpkg -s "$pkg" >/dev/null 2>&1 || need_apt+=("$pkg")
done
if [ ${#need_apt[@]} -gt 0 ]; then
  echo "== apt-get install ${need_apt[*]}"
  SUDO=""; [ "$(id -u)" = 0 ] || SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${need_apt[@]}" >/dev/null
fi

if ! command -v cargo >/dev/null; then
  echo "cargo is missing: install Rust (https://rustup.rs) first" >&2
  exit 1
fi

# The UI's packages, exactly as locked.
if [ -f "$ROOT/ui/package-lock.json" ]; then
  stamp="$ROOT/ui/node_modules/.daifuku-lock"
  if [ ! -f "$stamp" ] || ! cmp -s "$ROOT/ui/package-lock.json" "$stamp"; then
    echo "== npm ci (ui/)"
    (cd "$ROOT/ui" && npm ci --no-audit --no-fund --loglevel=error)
    cp "$ROOT/ui/package-lock.json" "$stamp"
  fi
fi

# An S3-compatible server on 127.0.0.1 for tests/sync_s3.rs (folder sync
# over object storage); the test starts and stops it.
# Where the system Python refuses user packages (PEP 668), a venv in target/.
[ -x "$ROOT/target/py/bin/moto_server" ] && export PATH="$ROOT/target/py/bin:$PATH"
if ! command -v moto_server >/dev/null; then
  echo "== pip install moto[server]"
  if ! python3 -m pip install --quiet "moto[server]" 2>/dev/null || ! command -v moto_server >/dev/null; then
    python3 -m venv "$ROOT/target/py"
    "$ROOT/target/py/bin/pip" install --quiet "moto[server]"
    export PATH="$ROOT/target/py/bin:$PATH"
  fi
fi
