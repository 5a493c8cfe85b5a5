#!/usr/bin/env bash
# experiment recovery on the bundled data (smoke embeddings, tiny budgets): the table and
# TSV are written for every split x model, the numbers are sane (random ~0.5, ALS well above
# it on a random split, cold miRNAs invisible to the graph models), and a bad option fails clearly.
set -euo pipefail
bin=$1 src=$2 work=$3 py=$4
rm -rf "$work"; mkdir -p "$work"; cd "$work"
base=(--config "$src/configs/smoke.ini" --store s.h5)
cfg=("${base[@]}" --results-dir "$work/res")
"$bin" ingest "${cfg[@]}" > /dev/null 2>&1
"$bin" embed "${cfg[@]}" 2> /dev/null > /dev/null
"$bin" experiment recovery "${cfg[@]}" --recovery-splits random,cold-mirna --recovery-pool-fraction 0.005 \
  --recovery-models random,degree-product,gene-popularity,embedding-distance,als,lstm-paper,lstm-pool,als+lstm-pool \
  --train-samples 2000 --als-iterations 5 --als-factors 16 --recovery-repeats 1 | tee out.txt
[ -s res/recovery.md ] && [ -s res/recovery.tsv ] || { echo "FAIL: recovery.{md,tsv} missing"; exit 1; }
grep -q '^## Split: cold-mirna' res/recovery.md && grep -q '^| als+lstm-pool | ' res/recovery.md
grep -q 'Best on the random split by recall@10k' res/recovery.md
"$py" - <<'PY'
import csv, math
rows = list(csv.DictReader(open("res/recovery.tsv"), delimiter="\t"))
models = ["random", "degree-product", "gene-popularity", "embedding-distance", "als", "lstm-paper", "lstm-pool",
          "als+lstm-pool"]
for split in ("random", "cold-mirna"):
    for m in models:
        r = [x for x in rows if x["split"] == split and x["model"] == m]
        assert [int(x["k"]) for x in r] == [100, 1000, 10000, 100000], (split, m, r)
        rec = [float(x["recall"]) for x in r]
        assert all(0 <= a <= b <= 1 for a, b in zip(rec, rec[1:])), (split, m, rec)  # recall grows with K
        for key in ("auc", "auc_distance", "mirna_auc"):
            v = float(r[0][key])
            assert 0 <= v <= 1, (split, m, key, v)
get = lambda s, m, k: float(next(x[k] for x in rows if x["split"] == s and x["model"] == m))
assert abs(get("random", "random", "auc") - 0.5) < 0.03, get("random", "random", "auc")
assert get("random", "als", "auc") > 0.8, get("random", "als", "auc")
assert get("random", "als", "auc") > get("random", "gene-popularity", "auc")
# A cold miRNA has no training pair: ALS gives it a zero vector and the degree product is 0,
# so every pair of those rows ties, against the pool and against the distance negatives.
for m in ("als", "degree-product"):
    for key in ("auc", "auc_distance", "mirna_auc"):
        assert abs(get("cold-mirna", m, key) - 0.5) < 1e-9, (m, key, get("cold-mirna", m, key))
print("recovery.tsv: 2 splits x 8 models x 4 K, sane values")
PY
# The evidence sources, the lookups and the ensemble on the cold-family and independent
# splits (two repeats: mean ± sd), beside gene popularity.
"$bin" experiment recovery "${base[@]}" --results-dir "$work/res2" --recovery-splits cold-family,independent,cold-mirna \
  --recovery-pool-fraction 0.01 --recovery-repeats 2 --als-iterations 5 --als-factors 16 --ensemble-trees 40 \
  --recovery-models gene-popularity,evidence,lookup-targetscan,lookup-family,ensemble,ensemble-no-targetscan > out2.txt
grep -q '^## Split: independent' res2/recovery.md; grep -q '^## Split: cold-family' res2/recovery.md
grep -qE '^\| ensemble \| [0-9.]+ ± [0-9.]+ \|' res2/recovery.md || { grep ensemble res2/recovery.md; echo "FAIL: no mean ± sd"; exit 1; }
"$py" - <<'PY2'
import csv
rows = list(csv.DictReader(open("res2/recovery.tsv"), delimiter="\t"))
models = {r["model"] for r in rows}
ev = sorted(m for m in models if m.startswith("evidence:"))
assert len(ev) == 23, ev
for m in ("gene-popularity", "lookup-targetscan", "lookup-family", "ensemble", "ensemble-no-targetscan"):
    assert m in models, m
assert {r["repeat"] for r in rows} == {"1", "2"}
mean = lambda s, m, k: sum(float(r[k]) for r in rows if r["split"] == s and r["model"] == m and r["k"] == "1000") / 2
# A held-out miRNA (or family) has no known pair: its family, TargetScan and sequence evidence
# must still rank its genes above gene popularity.
for split in ("cold-mirna", "cold-family"):
    e, p = mean(split, "ensemble", "mirna_auc"), mean(split, "gene-popularity", "mirna_auc")
    assert e > p + 0.02, (split, e, p)
    e, p = mean(split, "ensemble", "recall"), mean(split, "gene-popularity", "recall")
    assert e > p, (split, e, p)
ind = [r for r in rows if r["split"] == "independent" and r["model"] == "ensemble"]
assert ind and all(0.5 < float(r["mirna_auc"]) < 1 for r in ind), ind
print("recovery with evidence: 3 splits x", len(models), "models x 2 repeats; ensemble above popularity on cold miRNAs and families")
PY2
if "$bin" experiment recovery "${cfg[@]}" --recovery-models als,magic 2> err.txt > /dev/null; then
  echo "FAIL: an unknown model was accepted"; exit 1
fi
grep -q "magic" err.txt || { cat err.txt; echo "FAIL: unclear error"; exit 1; }
echo PASS
