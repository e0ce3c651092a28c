#!/usr/bin/env bash
# The installer check (issue 23, item 3), run by scripts/test.sh after the
# desktop test: builds the .deb and .rpm from the test (debug) build
# (scripts/package.sh --debug), checks what they hold, extracts the .deb into
# a temporary root (dpkg-deb -x) and starts the binary installed there under
# Xvfb, driven by tauri-driver (tests/installer/): the first-run welcome on an
# empty database, and a フリガナ suggestion from the dictionary inside the
# package — the repository's pack (DAIFUKU_READING_DICT), the system IPADIC
# and any unpacked cache are kept out of its reach.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

# Exports DAIFUKU_READING_DICT, the pack package.sh --debug puts in the package.
source scripts/setup.sh
command -v tauri-driver >/dev/null || cargo install tauri-driver --version ^2 --locked --quiet
export PATH="$HOME/.cargo/bin:$PATH"

started=$SECONDS
bash scripts/package.sh --debug "$@" # e.g. -- ARGS for tauri build
TARGET="${CARGO_TARGET_DIR:-$ROOT/target}"
deb="$(find "$TARGET/debug/bundle/deb" -maxdepth 1 -name '*.deb')"
rpm_file="$(find "$TARGET/debug/bundle/rpm" -maxdepth 1 -name '*.rpm')"
pack_name="$(basename "$DAIFUKU_READING_DICT")"

work="$(mktemp -d)"
cleanup() { [ -n "${driver:-}" ] && kill -- -"$driver" 2>/dev/null; rm -rf "$work"; }
trap cleanup EXIT

fail() { echo "installer check: $*" >&2; exit 1; }
# has LIST LINE: LIST (one entry a line) contains LINE exactly.
has() { grep -qxF -- "$2" <<<"$1" || fail "missing '$2' in: $(head -c 2000 <<<"$1")"; }

echo "== .deb: $(basename "$deb")"
[ "$(wc -w <<<"$deb")" = 1 ] || fail "expected one .deb, found: $deb"
info="$(dpkg-deb --info "$deb")"
for field in 'Package: daifuku' 'Version: 0.1.0' 'Architecture: amd64' 'Section: office'; do
  has "$(sed 's/^ *//' <<<"$info")" "$field"
done
grep -q '^ *Depends:.*libwebkit2gtk-4.1-0' <<<"$info" || fail "the .deb does not depend on libwebkit2gtk-4.1-0: $info"
# Paths only (the last column), without the leading "./".
contents="$(dpkg-deb --contents "$deb" | awk '{print $NF}' | sed 's|^\./||')"
desktop_entry=usr/share/applications/Daifuku.desktop
for path in usr/bin/daifuku-desktop "$desktop_entry" \
  usr/share/icons/hicolor/32x32/apps/daifuku-desktop.png \
  usr/share/icons/hicolor/256x256/apps/daifuku-desktop.png \
  "usr/lib/Daifuku/reading/$pack_name" usr/lib/Daifuku/reading/COPYING.ipadic; do
  has "$contents" "$path"
done

root="$work/root"
dpkg-deb -x "$deb" "$root"
entry="$(cat "$root/$desktop_entry")"
for line in 'Name[ja]=大福' 'Exec=daifuku-desktop' 'Icon=daifuku-desktop' 'Type=Application'; do
  has "$entry" "$line"
done
grep -qx 'Categories=\(.*;\)\{0,1\}Office;.*' <<<"$entry" || fail "the menu entry is not in Office: $entry"
# The PNG signature, then IHDR with width and height 256 (big-endian 0x100).
icon_head="$(od -An -tx1 -N24 "$root/usr/share/icons/hicolor/256x256/apps/daifuku-desktop.png" | tr -d ' \n')"
[ "$icon_head" = 89504e470d0a1a0a0000000d494844520000010000000100 ] || fail "the 256x256 icon is not a 256x256 PNG: $icon_head"
# The packaged pack is the one the build was given, whole.
cmp -s "$DAIFUKU_READING_DICT" "$root/usr/lib/Daifuku/reading/$pack_name" || fail "the packaged reading pack differs from $DAIFUKU_READING_DICT"

echo "== .rpm: $(basename "$rpm_file")"
[ "$(wc -w <<<"$rpm_file")" = 1 ] || fail "expected one .rpm, found: $rpm_file"
rpm -K --nosignature "$rpm_file" >/dev/null || fail "the .rpm's digests do not check: $(rpm -K --nosignature "$rpm_file" 2>&1)"
has "$(rpm -qp --qf '%{NAME} %{VERSION}\n' "$rpm_file" 2>/dev/null)" 'daifuku 0.1.0'
rpm_list="$(rpm -qlp "$rpm_file" 2>/dev/null)"
for path in /usr/bin/daifuku-desktop "/$desktop_entry" /usr/share/icons/hicolor/256x256/apps/daifuku-desktop.png \
  "/usr/lib/Daifuku/reading/$pack_name" /usr/lib/Daifuku/reading/COPYING.ipadic; do
  has "$rpm_list" "$path"
done

echo "== the installed app under Xvfb (tauri-driver)"
# The app sees only what an installed copy would: an empty database, fresh
# WebKit and config folders, an empty reading cache, no system IPADIC and no
# pack given by path — so readings can come only from usr/lib/Daifuku/reading.
unset DAIFUKU_READING_DICT
export DAIFUKU_IPADIC_DIR="$work/no-system-ipadic"
export DAIFUKU_CACHE_DIR="$work/cache"
export XDG_CONFIG_HOME="$work/config" XDG_DATA_HOME="$work/data" XDG_CACHE_HOME="$work/xdg-cache"
export DAIFUKU_DB="$work/data/first.db"
export DAIFUKU_INSTALLED_BIN="$root/usr/bin/daifuku-desktop"
mkdir -p "$DAIFUKU_CACHE_DIR" "$XDG_CONFIG_HOME" "$XDG_DATA_HOME" "$XDG_CACHE_HOME"

port=$((7444 + RANDOM % 1000))
export WEBDRIVER_URL="http://127.0.0.1:$port"
# WebKitWebDriver on a port of its own too (its default, 4445, may be taken by another run).
setsid xvfb-run -a -s "-screen 0 1280x800x24" tauri-driver --port "$port" --native-port "$((port + 1000))" >"$work/driver.log" 2>&1 &
driver=$!
for _ in $(seq 1 100); do
  curl -fs "$WEBDRIVER_URL/status" >/dev/null 2>&1 && break
  sleep 0.1
done
node --test tests/installer/ || { cat "$work/driver.log" >&2; exit 1; }
echo "== installer check: $((SECONDS - started)) s"
