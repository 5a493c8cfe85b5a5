#!/usr/bin/env bash
# train-ae + cv with the smoke preset on the bundled data: every protocol's metrics in the
# store and as files, plots, a checkpoint that loads; a failing stage leaves the store as it was.
set -euo pipefail
bin=$1 src=$2 work=$3 py=$4
rm -rf "$work"; mkdir -p "$work"; cd "$work"
cfg=(--config "$src/configs/smoke.ini" --store s.h5 --results-dir "$work/res")
"$bin" ingest "${cfg[@]}" > /dev/null 2>&1
"$bin" embed "${cfg[@]}" 2> /dev/null
"$bin" negatives "${cfg[@]}" > /dev/null 2>&1
"$bin" train-ae "${cfg[@]}"
"$bin" cv "${cfg[@]}" | tee cv.txt
for f in cv_metrics.tsv cv_summary.md ae_loss.tsv model.pt roc_paper.svg roc_uniform.svg roc_cold-mirna.svg \
         roc_cold-gene.svg confusion_paper.svg; do
  [ -s "res/$f" ] || { echo "FAIL: res/$f missing"; exit 1; }
done
grep -q '^| paper | ' cv.txt && grep -q '^| cold-gene | ' cv.txt
"$py" - <<'PY'
import h5py, numpy as np
f = h5py.File("s.h5", "r")
for p in ("paper", "uniform", "cold-mirna", "cold-gene"):
    m = f[f"cv/{p}/metrics"][:]
    assert m.shape == (3, 11), m.shape
    auc = m[:, 4]
    assert ((auc >= 0) & (auc <= 1)).all(), auc
    assert (m[:, 5:9].sum(1) == m[:, 10]).all(), "confusion counts != test pairs"
    assert len(f[f"cv/{p}/roc_fold1"]) >= 2
assert len(f["ae/train_loss"]) == 1 and "params" in f["ae"]
print("store: /cv for 4 protocols, /ae OK")
# The shipped model is paper's final model: only it is scored on the independent pairs.
ind = f["cv/paper"].attrs["independent"]
assert 0 <= ind[0] <= 1 and 0 <= ind[1] <= 1 and ind[2] > 0 and ind[4] > 0, ind
assert "independent" not in f["cv/uniform"].attrs
import csv
rows = list(csv.DictReader(open("res/cv_independent.tsv"), delimiter="\t"))
assert [r["protocol"] for r in rows] == ["paper"], rows
assert abs(float(rows[0]["mirna_auc"]) - ind[1]) < 1e-6 and int(rows[0]["n_train_final"]) == 4000, rows
print(f"independent: paper's final model (4000 samples), per-miRNA AUC {ind[1]:.4f} over {int(ind[4])} miRNAs")
PY
grep -aq "paper, trained on all 4000 samples" res/model.pt || { echo "FAIL: model.pt is not the final model"; exit 1; }
grep -q "independent per-miRNA AUC" res/cv_summary.md
# cv needs the autoencoder for pair+latent: without it, a clear error and an untouched store
cp s.h5 noae.h5
"$py" -c "import h5py; f=h5py.File('noae.h5','a'); del f['ae']"
sum=$(sha256sum noae.h5)
if "$bin" cv --config "$src/configs/smoke.ini" --results-dir "$work/res" --store noae.h5 2> err.txt; then echo "FAIL: cv without /ae succeeded"; exit 1; fi
grep -q "run \`aemigap train-ae\` first" err.txt || { cat err.txt; echo "FAIL: unclear error"; exit 1; }
[ "$(sha256sum noae.h5)" = "$sum" ] || { echo "FAIL: store changed"; exit 1; }
echo PASS
