#!/usr/bin/env bash
# aemigap score on a reduced pool (the first 24 miRNAs of the bundled pairs):
#  - every pair scored exactly once, identically, under mpiexec -np 1..4;
#  - a run killed with SIGKILL mid-way resumes (--resume) to a byte-identical matrix;
#  - SIGTERM makes it finish its block, exit 0 and leave a resumable store;
#  - the fast path equals the plain forward pass (max abs difference <= 1e-5) on real pairs;
#  - report's top-K equals a brute-force sort; query agrees with it.
set -euo pipefail
bin=$1 src=$2 work=$3 py=$4 bench=$5; shift 5
mpiexec=("$@")
rm -rf "$work"; mkdir -p "$work"; cd "$work"
zcat "$src/data/mirtarbase7_hsa_pairs.tsv.gz" | awk -F'\t' 'NR == 1 { print; next } { if (!($1 in m)) { if (n >= 24) next; m[$1] = 1; n++ } print }' > small.tsv
cfg=(--config "$src/configs/smoke.ini" --pairs "$work/small.tsv" --results-dir "$work/res" --cv-protocols paper --cv-subsample 0
     --ranker als+lstm)
"$bin" ingest "${cfg[@]}" --store base.h5 | grep -E '^(kept|unknown pool)'
for stage in embed negatives train-ae cv; do "$bin" $stage "${cfg[@]}" --store base.h5 > /dev/null 2>&1; done
[ -s res/model.pt ] || { echo "FAIL: no checkpoint"; exit 1; }

# fast path vs plain forward on every pair of the first 6 miRNAs (exit 1 if > 1e-5 apart)
"$bench" base.h5 res/model.pt 6 1 1 1e-5

cp base.h5 ref.h5
"$bin" score "${cfg[@]}" --store ref.h5 --score-block-rows 2 --threads 1 2>&1 | tail -1
for np in 2 3 4; do
  cp base.h5 np$np.h5
  "${mpiexec[@]}" -np $np "$bin" score "${cfg[@]}" --store np$np.h5 --score-block-rows 2 --threads 1 2>&1 | tail -1
done

# --device cuda: on a GPU machine the GPU scorer's matrix agrees with the CPU kernel's to
# 1e-5; without one the command fails before it touches the store, and names the CPU path.
cp base.h5 cuda.h5
if "$bin" score "${cfg[@]}" --store cuda.h5 --device cuda --score-block-rows 2 > cuda.log 2>&1; then
  "$py" -c "
import h5py, numpy as np
a = h5py.File('ref.h5', 'r')['scores/matrix'][:]; b = h5py.File('cuda.h5', 'r')['scores/matrix'][:]
assert (np.isnan(a) == np.isnan(b)).all(); d = np.nanmax(np.abs(a - b)); assert d <= 1e-5, d
print(f'--device cuda: GPU matrix within {d:.2g} of the CPU kernel')"
else
  grep -q -- "--device cpu" cuda.log || { cat cuda.log; echo "FAIL: --device cuda without a GPU: no clear error"; exit 1; }
  "$py" -c "import h5py, sys; sys.exit('scores' in h5py.File('cuda.h5', 'r'))" ||
    { echo "FAIL: --device cuda failed but wrote /scores"; exit 1; }
  echo "--device cuda without a GPU: refused before touching the store ($(grep -o 'no GPU is visible' cuda.log))"
fi

# Signals land after the first progress line (a block is done, ~1 s in), not after a fixed
# sleep that a faster machine could outrun; the checks below verify "mid-run" anyway.
wait_for_progress() {
  for _ in $(seq 600); do grep -q "block round" "$1" 2>/dev/null && return 0; sleep 0.05; done
  echo "FAIL: no progress line in $1"; cat "$1"; exit 1
}

# SIGKILL mid-run, then --resume
cp base.h5 kill.h5
"$bin" score "${cfg[@]}" --store kill.h5 --score-block-rows 1 --threads 1 > kill.log 2>&1 &
pid=$!
wait_for_progress kill.log
kill -9 $pid; wait $pid 2>/dev/null || true
"$py" -c "import h5py; d=h5py.File('kill.h5','r')['scores/done'][:]; print('after SIGKILL:', int(d.sum()), 'of', len(d), 'blocks done'); assert 0 < d.sum() < len(d), 'kill did not land mid-run'"
"$bin" score "${cfg[@]}" --store kill.h5 --score-block-rows 1 --threads 1 --resume 2>&1 | grep -E 'blocks of|complete'

# SIGTERM: finish the block, exit 75 (EX_TEMPFAIL: not done, resumable)
cp base.h5 term.h5
"$bin" score "${cfg[@]}" --store term.h5 --score-block-rows 1 --threads 1 > term.log 2>&1 &
pid=$!
wait_for_progress term.log
kill -TERM $pid
rc=0; wait $pid || rc=$?
[ $rc -eq 75 ] || { echo "FAIL: SIGTERM exit code $rc (want 75)"; cat term.log; exit 1; }
grep -q 'stopped on a signal' term.log || { echo "FAIL: no stop message"; cat term.log; exit 1; }
"$py" -c "import h5py; d=h5py.File('term.h5','r')['scores/done'][:]; print('after SIGTERM:', int(d.sum()), 'of', len(d), 'blocks done'); assert d.sum() < len(d)"
"$bin" score "${cfg[@]}" --store term.h5 --score-block-rows 1 --threads 1 --resume > /dev/null 2>&1

"$py" - <<'PY'
import h5py, numpy as np
ref = h5py.File("ref.h5", "r")
m = ref["scores/matrix"][:]
nm, ng = len(ref["mirna/name"]), len(ref["gene/name"])
pos = ref["pairs/positive"][:]
assert m.shape == (nm, ng)
assert ref["scores/done"][:].all()
nan = np.isnan(m)
want = np.zeros_like(nan); want[pos[:, 0], pos[:, 1]] = True
assert (nan == want).all(), "NaN exactly at the positives"
assert ((m[~nan] >= 0) & (m[~nan] <= 1)).all()
print(f"reference: {nm} x {ng} matrix, {int((~nan).sum())} scored pairs, {int(nan.sum())} positives as NaN")
for name in ("np2", "np3", "np4", "kill", "term"):
    f = h5py.File(name + ".h5", "r")
    assert f["scores/done"][:].all(), name + ": not every block done"
    other = f["scores/matrix"][:]
    assert other.tobytes() == m.tobytes(), name + ": matrix differs"
    assert f["scores/ranking"][:].tobytes() == ref["scores/ranking"][:].tobytes(), name + ": ranking differs"
    print(name + ": identical bytes (matrix and ranking)")
# The default ranker (als+lstm): the mean of the percentiles of the ALS score (from the stored
# factors) and of the probability over the unknown pairs, recomputed here.
from scipy.stats import rankdata
r = ref["scores/ranking"]
assert r.attrs["ranker"] == "als+lstm", r.attrs["ranker"]
r = r[:]
assert (np.isnan(r) == nan).all(), "ranking NaN exactly at the positives"
# (in float64, as aemigap sums them, then stored as float32: most ALS scores are tiny
# differences of larger terms, so float32 sums would reorder them by rounding alone)
als = (ref["als/mirna_factors"][:].astype(np.float64) @ ref["als/gene_factors"][:].astype(np.float64).T).astype(np.float32)
pct = lambda v: (rankdata(v, method="average") - 1) / (v.size - 1)
want = (pct(als[~nan]) + pct(m[~nan])) / 2
err = np.abs(r[~nan] - want).max()
assert err < 1e-4, err
loss = ref["als/loss"][:]
assert (np.diff(loss) <= 1e-9 * loss[:-1]).all(), loss
print(f"ranking: mean percentile of ALS and LSTM recomputed, max difference {err:.2g}; ALS loss {loss[0]:.4g} -> {loss[-1]:.4g}")
PY

# report: top-K from the stored matrix equals a brute-force sort, for 1 and 3 ranks
rep=(--config "$src/configs/smoke.ini" --store ref.h5 --report-genes KRAS,MACF1 --report-top 25 --report-per-gene 7)
"$bin" report "${rep[@]}" --results-dir "$work/rep1" > /dev/null 2>&1
"${mpiexec[@]}" -np 3 "$bin" report "${rep[@]}" --results-dir "$work/rep3" > /dev/null 2>&1
cmp rep1/top_pairs.tsv rep3/top_pairs.tsv; cmp rep1/top_mirnas_per_gene.tsv rep3/top_mirnas_per_gene.tsv
"$py" - <<'PY'
import h5py, numpy as np
f = h5py.File("ref.h5", "r")
m = f["scores/ranking"][:]   # what orders the pairs (the default ranker als+lstm)
names, genes = f["mirna/name"].asstr()[:], f["gene/name"].asstr()[:]
rows = [l.rstrip("\n").split("\t") for l in open("rep1/top_pairs.tsv") if not l.startswith("#")][1:]
flat = np.where(np.isnan(m), -np.inf, m).ravel()
order = np.lexsort((np.arange(flat.size), -flat))[:25]   # score desc, then (miRNA, gene) asc
want = [(names[i // m.shape[1]], genes[i % m.shape[1]]) for i in order]
got = [(r[1], r[2]) for r in rows]
assert got == want, (got[:3], want[:3])
k = list(genes).index("KRAS")
col = np.where(np.isnan(m[:, k]), -np.inf, m[:, k])
want_k = [names[i] for i in np.lexsort((np.arange(col.size), -col))[:7]]
got_k = [l.split("\t")[2] for l in open("rep1/top_mirnas_per_gene.tsv") if l.startswith("KRAS\t")]
assert got_k == want_k, (got_k, want_k)
print("report: top-25 and KRAS top-7 equal a brute-force sort; 1 and 3 ranks agree")
PY
[ -s rep1/score_histogram.svg ]; [ -s rep1/top_pairs.md ]
grep -q '^## Does this ranking find real interactions?' rep1/top_pairs.md; grep -q 'experiment recovery' rep1/top_pairs.md

# query agrees with the report; unknown names get suggestions
first=$(grep -v '^#' rep1/top_pairs.tsv | sed -n 2p)
m=$(cut -f2 <<< "$first"); g=$(cut -f3 <<< "$first"); sc=$(cut -f5 <<< "$first")
# without the config the TargetScan table beside the store is not found: a clear error
if "$bin" query --store ref.h5 --pair "$m,$g" 2> err.txt; then echo "FAIL: query without TargetScan"; exit 1; fi
grep -q "targetscan7_conserved_hsa.tsv.gz.*--config" err.txt || { cat err.txt; echo "FAIL: TargetScan hint"; exit 1; }
"$bin" query --config "$src/configs/smoke.ini" --store ref.h5 --pair "$m,$g" | tail -1 | grep -qP "^$m\t$g\t$sc" || { echo "FAIL: --pair"; exit 1; }
"$bin" query --config "$src/configs/smoke.ini" --store ref.h5 --mirna "$m" --top 3 | sed -n 2p | grep -qP "^1\t$m\t$g\t" || { echo "FAIL: --mirna"; exit 1; }
[ "$("$bin" query --config "$src/configs/smoke.ini" --store ref.h5 --gene KRAS --top 7 | tail -n +2 | cut -f2)" = "$(grep '^KRAS' rep1/top_mirnas_per_gene.tsv | cut -f3)" ] || { echo "FAIL: --gene"; exit 1; }
if "$bin" query --config "$src/configs/smoke.ini" --store ref.h5 --gene KRSA 2> err.txt; then echo "FAIL: unknown gene accepted"; exit 1; fi
grep -q "did you mean KRAS" err.txt || { cat err.txt; echo "FAIL: no suggestion"; exit 1; }
echo "query: pair, miRNA and gene answers agree with the report"
# a sequence not in the store: inferred embedding, scored against every gene
seq=$("$py" -c "import h5py; print(h5py.File('ref.h5','r')['mirna/sequence'].asstr()[0])")
"$bin" query --config "$src/configs/smoke.ini" --store ref.h5 --results-dir "$work/res" --sequence "$seq" --top 5 > seq.tsv
[ "$(tail -n +2 seq.tsv | wc -l)" = 5 ] || { cat seq.tsv; echo "FAIL: --sequence"; exit 1; }
tail -n +2 seq.tsv | awk -F'\t' '$3 < 0 || $3 > 1 { exit 1 }'
if "$bin" query --config "$src/configs/smoke.ini" --store ref.h5 --results-dir "$work/res" --sequence "XXXXXX" 2> err.txt; then exit 1; fi
grep -q "'X' at position 1 is not a letter of RNA" err.txt || { cat err.txt; echo "FAIL: unclear --sequence error"; exit 1; }
if "$bin" query --config "$src/configs/smoke.ini" --store ref.h5 --results-dir "$work/res" --sequence "NNNNNN" 2> err.txt; then exit 1; fi
grep -q "vocabulary" err.txt || { cat err.txt; echo "FAIL: unclear --sequence error"; exit 1; }
echo "query --sequence: inferred and scored"
# ranker als: the ALS score alone
"$bin" rank --config "$src/configs/smoke.ini" --store ref.h5 --ranker als 2>&1 | tail -1
"$py" - <<'PY'
import h5py, numpy as np
from scipy.stats import rankdata
f = h5py.File("ref.h5", "r")
m, r = f["scores/matrix"][:], f["scores/ranking"]
assert r.attrs["ranker"] == "als", r.attrs["ranker"]
r, nan = r[:], np.isnan(m)
als = (f["als/mirna_factors"][:].astype(np.float64) @ f["als/gene_factors"][:].astype(np.float64).T).astype(np.float32)
err = np.abs(r[~nan] - als[~nan]).max()
assert err < 1e-6 and (np.isnan(r) == nan).all(), err
print(f"ranker als: ALS scores recomputed from the factors, max difference {err:.2g}")
PY
"$bin" report "${rep[@]}" --results-dir "$work/rep_als" > /dev/null 2>&1
grep -q '^# model: ranker als: the score of implicit ALS' rep_als/top_pairs.tsv || { head -2 rep_als/top_pairs.tsv; echo "FAIL: model line"; exit 1; }
# ranker lstm: `aemigap rank` drops the ranking; reports and queries follow the probability
"$bin" rank --config "$src/configs/smoke.ini" --store ref.h5 --ranker lstm 2>&1 | tail -1
"$py" -c "import h5py; f=h5py.File('ref.h5','r'); assert 'ranking' not in f['scores'] and 'als' not in f"
"$bin" report "${rep[@]}" --results-dir "$work/rep_lstm" > /dev/null 2>&1
grep -q '^# model: ranker lstm: ' rep_lstm/top_pairs.tsv || { head -2 rep_lstm/top_pairs.tsv; echo "FAIL: model line"; exit 1; }
"$py" - <<'PY'
import h5py, numpy as np
f = h5py.File("ref.h5", "r")
m = f["scores/matrix"][:]
flat = np.where(np.isnan(m), -np.inf, m).ravel()
best = np.lexsort((np.arange(flat.size), -flat))[0]
row = [l.split("\t") for l in open("rep_lstm/top_pairs.tsv") if not l.startswith("#")][1]
assert float(row[4]) == float(row[5]) and abs(float(row[4]) - flat[best]) < 1e-6, row
print("ranker lstm: report ordered by the probability")
PY
grep -q '^# model: ranker als+lstm: mean percentile of implicit ALS' rep1/top_pairs.tsv || { head -2 rep1/top_pairs.tsv; echo "FAIL: model line"; exit 1; }
# ranker ensemble: boosted trees over the evidence, trained without leakage (unit tests);
# here: the store's ranking and trees, the report's evidence columns, queries, and a new
# sequence ranked by its seed family.
"$bin" rank --config "$src/configs/smoke.ini" --store ref.h5 --ranker ensemble --ensemble-trees 30 2>&1 | tail -1
"$py" - <<'PY'
import h5py, numpy as np
f = h5py.File("ref.h5", "r")
m, r = f["scores/matrix"][:], f["scores/ranking"]
assert r.attrs["ranker"] == "ensemble", r.attrs["ranker"]
r = r[:]
nan = np.isnan(m)
assert (np.isnan(r) == nan).all() and ((r[~nan] >= 0) & (r[~nan] <= 1)).all()
feats = list(f["ensemble/features"].asstr()[:])
assert len(feats) == len(f["ensemble/importance"][:]) == 23 and "fam7" in feats and "ts" in feats, feats
assert f["ensemble/model"].shape[0] > 1000 and f["ensemble"].attrs["trees"] == 30
assert "als" in f, "the ALS factors stay for queries"
print(f"ranker ensemble: {int((~nan).sum())} pairs in [0, 1], {len(feats)} features, model {f['ensemble/model'].shape[0]} bytes")
PY
"$bin" report "${rep[@]}" --results-dir "$work/rep_ens" > /dev/null 2>&1
grep -q '^# model: ranker ensemble: boosted trees' rep_ens/top_pairs.tsv || { head -2 rep_ens/top_pairs.tsv; echo "FAIL: model line"; exit 1; }
grep -q '^## What the ensemble learned' rep_ens/top_pairs.md; grep -q 'not independent of the ranking' rep_ens/top_pairs.md
sed -n 3p rep_ens/top_pairs.tsv | grep -q $'\tfamily_validated\tfamily_targetscan\tals_percentile$' || { sed -n 3p rep_ens/top_pairs.tsv; echo "FAIL: evidence columns"; exit 1; }
"$bin" query --store ref.h5 --config "$src/configs/smoke.ini" --mirna "$m" --top 3 > q_ens.tsv 2> /dev/null
head -1 q_ens.tsv | grep -q $'score\tprobability\tfamily_validated' || { cat q_ens.tsv; echo "FAIL: query evidence"; exit 1; }
"$bin" query --config "$src/configs/smoke.ini" --store ref.h5 --results-dir "$work/res" --sequence "$seq" --top 5 > seq_ens.tsv 2> seq_ens.log
grep -q 'ranked by the ensemble' seq_ens.log && [ "$(tail -n +2 seq_ens.tsv | wc -l)" = 5 ] || { cat seq_ens.log seq_ens.tsv; echo "FAIL: --sequence with the ensemble"; exit 1; }
echo "ranker ensemble: stored, reported with its evidence, queried (also a new sequence, by its family)"
# the default, ensemble-ts-first: the same kind of trees, every TargetScan site first
"$bin" rank --config "$src/configs/smoke.ini" --store ref.h5 --ensemble-trees 30 2>&1 | tail -1
"$py" - <<'PY'
import h5py, numpy as np
f = h5py.File("ref.h5", "r")
r = f["scores/ranking"]
assert r.attrs["ranker"] == "ensemble-ts-first", r.attrs["ranker"]
assert f["ensemble"].attrs["targetscan_first"] == 1
r = r[:]
v = r[~np.isnan(r)]
assert ((v >= 0) & (v <= 2)).all() and (v >= 1).sum() > 0 and (v < 1).sum() > 0
print(f"ranker ensemble-ts-first (default): {int((v >= 1).sum())} site pairs above {int((v < 1).sum())} others")
PY
echo PASS
