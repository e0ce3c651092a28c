#!/usr/bin/env bash
# Regenerates the business-card test corpus (issue 22): clean scans (PNG) and
# phone-like photos (JPEG) of generated cards, horizontal and vertical, with
# their ground truth in truth.json. Rendered with Debian's Japanese fonts
# (fonts-ipaexfont, fonts-noto-cjk) by crates/daifuku-cards/src/corpus.rs;
# the same seed gives the same cards. Nothing of it is committed.
#
#   scripts/make-card-corpus.sh [OUT_DIR] [COUNT] [SEED]
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
OUT="${1:-$ROOT/target/card-corpus}"
COUNT="${2:-40}"
SEED="${3:-2026}"
cd "$ROOT"
cargo run --quiet --release --bin daifuku -- --db "$OUT.scratch.db" card corpus --out "$OUT" --count "$COUNT" --seed "$SEED"
rm -f "$OUT.scratch.db" "$OUT.scratch.db-wal" "$OUT.scratch.db-shm"
echo "Read them: cargo run --release --bin daifuku -- card scan $OUT/*.jpg   (accuracy: cargo bench --bench cards)"
