#!/usr/bin/env bash
# `aemigap ingest` with the smoke preset on the bundled data: prints the documented counts,
# writes a store that h5py reads with one line per table, and stamps version/commit/config.
set -euo pipefail
bin=$1 src=$2 work=$3 py=$4
rm -rf "$work"; mkdir -p "$work"; cd "$work"
"$bin" ingest --config "$src/configs/smoke.ini" --store "$work/s.h5" > out.txt
cat out.txt
for want in "kept              351,118 positive pairs, 2,568 miRNAs, 13,101 genes" \
            "unknown pool      33,292,250 pairs (2,568 x 13,101 - 351,118)"; do
  grep -qF "$want" out.txt || { echo "FAIL: output lacks: $want"; exit 1; }
done
"$py" - "$work/s.h5" <<'PY'
import sys, h5py
f = h5py.File(sys.argv[1], "r")
names = f["mirna/name"].asstr()[:]
genes = f["gene/name"].asstr()[:]
pos = f["pairs/positive"][:]
assert len(names) == 2568 and len(genes) == 13101, (len(names), len(genes))
assert pos.shape == (351118, 2), pos.shape
assert pos[:, 0].max() < len(names) and pos[:, 1].max() < len(genes)
assert len(f["mirna/sequence"]) == 2568 and len(f["gene/sequence"]) == 13101
assert "KRAS" in set(genes) and "hsa-miR-92a-3p" in set(names)
assert f["pairs"].attrs["n_unknown_pool"] == 33292250
for a in ("aemigap_version", "git_commit", "config"):
    assert a in f.attrs, a
assert "pairs = " in f.attrs["config"]
print("h5py: store OK:", len(names), "miRNAs,", len(genes), "genes,", pos.shape[0], "positives")
PY
ls -a "$work" | grep -q '\.tmp-' && { echo "FAIL: temp file left behind"; exit 1; }
echo "PASS"
