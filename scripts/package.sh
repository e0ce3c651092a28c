#!/usr/bin/env bash
# Builds the desktop app's installers this Linux machine can make, with the
# Tauri bundler (npm @tauri-apps/cli v2, a devDependency of ui/): a .deb and an
# .rpm. Both build offline. AppImage, MSI/NSIS and .dmg bundling download tools
# at build time or need another OS: .github/workflows/release.yml builds them.
#
#   bash scripts/package.sh             release build (the default)
#   bash scripts/package.sh --debug     debug build: reuses the test build
#                                       (scripts/test-installer.sh)
#   bash scripts/package.sh --bundles deb   only the .deb
#   bash scripts/package.sh -- ARGS...      ARGS go to `tauri build` as they are
#
# The packages land in target/<profile>/bundle/{deb,rpm}/ (their sizes are
# printed at the end). They hold the app (usr/bin/daifuku-desktop), its menu
# entry (src-tauri/linux/daifuku.desktop: 大福, category Office), its icons
# (src-tauri/icons/) and the reading (フリガナ) dictionary pack as a resource
# (usr/lib/Daifuku/reading/, found by the app through Tauri's resource_dir).
# A release carries the smallest pack (zstd level 19, about a minute to make,
# kept in target/package/reading/); --debug carries the test pack that
# scripts/setup.sh builds into src-tauri/resources/reading/.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

profile=release
bundles=deb,rpm
extra=()
while [ $# -gt 0 ]; do
  case "$1" in
    --release) profile=release ;;
    --debug) profile=debug ;;
    --bundles) bundles="${2:?--bundles needs a list, e.g. deb,rpm}"; shift ;;
    --) shift; extra=("$@"); break ;;
    -h | --help) sed -n '2,21p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "package.sh: unknown option $1 (see --help)" >&2; exit 2 ;;
  esac
  shift
done

# System packages, the UI's npm packages (the Tauri CLI among them) and the
# test reading pack; exports DAIFUKU_READING_DICT (that pack).
source scripts/setup.sh
TARGET="${CARGO_TARGET_DIR:-$ROOT/target}"

# The UI the binary serves. A release always builds it afresh; a debug
# package uses the test build's UI when there is one (rebuilding it would
# touch ui/dist and make cargo rebuild the app).
if [ "$profile" = release ] || [ ! -f ui/dist/index.html ]; then
  echo "== UI build"
  (cd ui && npm run build --silent)
fi

tauri_args=(build --ci --no-sign --no-binary-patching --bundles "$bundles" ${extra[@]+"${extra[@]}"})
if [ "$profile" = debug ]; then
  tauri_args+=(--debug)
  pack="$DAIFUKU_READING_DICT"
else
  # The release reading pack, made once per lindera version. The config below
  # replaces the test pack's folder with it (a JSON merge patch: null drops a key).
  pack_dir="$TARGET/package/reading"
  pack="$pack_dir/$(basename "$DAIFUKU_READING_DICT")"
  if [ ! -f "$pack" ] || [ ! -f "$pack_dir/COPYING.ipadic" ]; then
    echo "== reading dictionary pack (release level; about a minute)"
    rm -rf "$pack_dir"
    cargo run --quiet --bin daifuku -- reading-dict --out "$pack_dir"
  fi
  tauri_args+=(--config "{\"bundle\":{\"resources\":{\"resources/reading/\":null,\"$pack_dir/\":\"reading/\"}}}")
fi

# Only this run's packages in the output folders (a test picks them by folder).
for b in ${bundles//,/ }; do rm -rf "$TARGET/$profile/bundle/$b"; done

echo "== tauri build ${tauri_args[*]}"
started=$SECONDS
# Run from ui/ (where the CLI is installed), pointed at the Tauri project.
(cd ui && TAURI_APP_PATH=../src-tauri npx --no-install tauri "${tauri_args[@]}")
# The bundler's work folders (a second copy of the binary, ~0.9 GB for a debug build): only the packages stay.
for b in ${bundles//,/ }; do find "$TARGET/$profile/bundle/$b" -mindepth 1 -maxdepth 1 -type d -exec rm -rf {} +; done
mb() { awk -v b="$(stat -c %s "$1")" 'BEGIN { printf "%8.1f MB", b / 1e6 }'; }
echo "== packages ($profile, $((SECONDS - started)) s)"
for b in ${bundles//,/ }; do
  for f in "$TARGET/$profile/bundle/$b"/*."$b"; do
    [ -f "$f" ] || { echo "package.sh: no .$b was made" >&2; exit 1; }
    echo "$(mb "$f")  ${f#"$ROOT"/}"
  done
done
echo "$(mb "$pack")  of each is the reading dictionary pack (usr/lib/Daifuku/reading/; zstd-compressed already)"
