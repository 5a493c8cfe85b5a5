#!/usr/bin/env bash
# docs/config.md is generated from the Config definition; fail when it is out of date,
# and check that --help lists every option the presets use.
set -euo pipefail
bin=$1 src=$2 work=$3
rm -rf "$work"; mkdir -p "$work"
"$bin" config --markdown > "$work/config.md"
if ! diff -u "$src/docs/config.md" "$work/config.md"; then
  echo "FAIL: docs/config.md is stale; regenerate: build/aemigap config --markdown > docs/config.md"
  exit 1
fi
"$bin" --help > "$work/help.txt"
for preset in "$src"/configs/*.ini; do
  for key in $(grep -E '^[a-z0-9-]+ *=' "$preset" | cut -d= -f1); do
    grep -q -- "--$key " "$work/help.txt" || { echo "FAIL: --help lacks --$key (used in $preset)"; exit 1; }
  done
  "$bin" config --config "$preset" > /dev/null || { echo "FAIL: preset $preset does not parse"; exit 1; }
done
echo "PASS"
