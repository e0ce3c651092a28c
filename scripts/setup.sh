#!/usr/bin/env bash
# Installs what Daifuku needs on a fresh Debian 12 machine (as root), and only
# what is missing: system packages, the UI's npm packages, tauri-driver.
# Sourced by run.sh and test.sh.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"

need_apt=()
# dunst, dbus (dbus-daemon, dbus-send): a real notification daemon on a private session bus for the
# desktop test of the renewal notification (tests/desktop/renewal_notification.test.mjs).
# tesseract-ocr(-jpn, -jpn-vert): 名刺取り込み reads cards with Tesseract 5's Japanese models (crates/daifuku-cards).
# mecab-ipadic: the IPADIC sources reading suggestions (フリガナ) are built from (crates/daifuku-core/src/reading.rs).
# fonts-noto-color-emoji: the UI's icons are emoji; without a color emoji font the
# browsers draw empty boxes in their place (and in the e2e screenshots).
# rpm: scripts/test-installer.sh reads the .rpm that scripts/package.sh makes (rpm -qlp).
# fonts-ipaexfont: the font printed PDFs embed (daifuku-print; Noto CJK is the fallback); poppler-utils: tests/print reads the PDFs back.
for pkg in build-essential pkg-config libssl-dev libwebkit2gtk-4.1-dev xvfb xauth webkit2gtk-driver chromium fonts-noto-cjk fonts-noto-color-emoji curl mecab-ipadic rpm fonts-ipaexfont poppler-utils tesseract-ocr tesseract-ocr-jpn tesseract-ocr-jpn-vert dunst dbus dbus-bin; do
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

# The reading (フリガナ) dictionary pack the app ships (crates/daifuku-core/src/reading.rs): built
# from mecab-ipadic into the desktop app's resources (src-tauri/tauri.conf.json),
# so the tests, `daifuku serve` and the desktop app use it as a user's laptop
# does. Level 3 here (~3 s); a release pack is made at the default level 19
# (smaller, about a minute): `daifuku reading-dict --out src-tauri/resources/reading`.
lindera_version="$(grep -A1 '^name = "lindera"$' "$ROOT/Cargo.lock" | sed -n 's/^version = "\(.*\)"$/\1/p')"
export DAIFUKU_READING_DICT="$ROOT/src-tauri/resources/reading/ipadic-lindera-$lindera_version.dict.zst"
if [ ! -f "$DAIFUKU_READING_DICT" ]; then
  echo "== reading dictionary pack"
  (cd "$ROOT" && cargo run --quiet --bin daifuku -- reading-dict --out src-tauri/resources/reading --level "${DAIFUKU_READING_DICT_LEVEL:-3}")
fi
