#!/usr/bin/env bash
# ingest -> embed -> negatives on the bundled data (smoke preset):
#  - embed --deterministic twice gives identical vectors;
#  - negatives under mpiexec -np 1..4 gives the identical /pairs/negative and counts;
#  - the store holds both results with their attributes.
set -euo pipefail
bin=$1 src=$2 work=$3 py=$4; shift 4
mpiexec=("$@")   # e.g. mpiexec --oversubscribe --allow-run-as-root
rm -rf "$work"; mkdir -p "$work"; cd "$work"
cfg=(--config "$src/configs/smoke.ini")
"$bin" ingest "${cfg[@]}" --store base.h5 > /dev/null
cp base.h5 a.h5; cp base.h5 b.h5
"$bin" embed "${cfg[@]}" --store a.h5 --deterministic
"$bin" embed "${cfg[@]}" --store b.h5 --deterministic 2> /dev/null
for np in 1 2 3 4; do
  cp a.h5 np$np.h5
  "${mpiexec[@]}" -np $np "$bin" negatives "${cfg[@]}" --store np$np.h5 --threads 1 > neg$np.txt
done
cat neg1.txt
"$py" - <<'PY'
import h5py, numpy as np
a, b = h5py.File("a.h5", "r"), h5py.File("b.h5", "r")
for k in ("mirna/embedding", "gene/embedding"):
    assert a[k].shape[1] == 64 and np.isfinite(a[k][:]).all(), k
    assert np.array_equal(a[k][:], b[k][:]), "deterministic embed differs: " + k
print("embed --deterministic: identical vectors", a["mirna/embedding"].shape, a["gene/embedding"].shape)
ref = h5py.File("np1.h5", "r")
neg = ref["pairs/negative"][:]
pos = ref["pairs/positive"][:]
assert neg.shape == pos.shape, (neg.shape, pos.shape)
nm, ng = len(ref["mirna/name"]), len(ref["gene/name"])
key = lambda p: p[:, 0].astype(np.int64) * ng + p[:, 1]
assert len(np.intersect1d(key(neg), key(pos))) == 0, "a positive was drawn as a negative"
assert len(np.unique(key(neg))) == len(neg), "duplicate negatives"
at = ref["pairs/negative"].attrs
assert at["n_pool"] == nm * ng - len(pos)
assert at["n_above_all"] <= min(at["n_above_euclidean"], at["n_above_cosine"], at["n_above_mahalanobis"])
for np_ in (2, 3, 4):
    other = h5py.File(f"np{np_}.h5", "r")
    assert np.array_equal(other["pairs/negative"][:], neg), f"np={np_} drew different negatives"
    for k in ("n_above_euclidean", "n_above_cosine", "n_above_mahalanobis", "n_above_all", "threshold_euclidean"):
        assert other["pairs/negative"].attrs[k] == at[k], (np_, k)
print("negatives identical for 1..4 ranks:", len(neg), "pairs of", at["n_candidates"], "candidates")
PY
echo PASS
