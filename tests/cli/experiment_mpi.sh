#!/usr/bin/env bash
# aemigap experiment (the paper's tables) as units of work over ranks and tasks, on a reduced
# pool (the first 48 miRNAs of the bundled pairs, smoke-preset budgets, protocol paper):
#  - latent-sweep under mpiexec -np 3 (3 groups of one rank; the 5 autoencoders fitted by
#    the groups) gives the same table as one rank;
#  - ae-vs-pair as one --experiment-task per unit, then --experiment-merge == one run;
#  - the merge with a part missing fails and names the task; --resume reuses the parts;
#  - an out-of-range task is a clear error naming the range;
#  - folds (Table 3): ae-per-fold rows differ from the shared autoencoder's;
#  - budget: its one-fold point trains fold 1 only, on the split of the full runs.
set -euo pipefail
bin=$1 src=$2 work=$3 py=$4 mpiexec=$5
shift 5
mpi=("$mpiexec" "$@")
rm -rf "$work"; mkdir -p "$work"; cd "$work"
zcat "$src/data/mirtarbase7_hsa_pairs.tsv.gz" |
  awk -F'\t' 'NR == 1 { print; next } { if (!($1 in m)) { if (n >= 48) next; m[$1] = 1; n++ } print }' > small.tsv
cfg=(--config "$src/configs/smoke.ini" --pairs "$work/small.tsv" --cv-subsample 0 --cv-protocols paper --threads 1
     --train-samples 600 --validation-fraction 0.05 --store "$work/s.h5")
for stage in ingest embed negatives train-ae; do "$bin" $stage "${cfg[@]}" > /dev/null 2>&1 || { echo "FAIL: $stage"; exit 1; }; done

# What must agree: the TSV without its timing column, the Markdown without its time line.
same() {  # same DIR_A DIR_B NAME
  cmp <(cut -f1-12 "$1/experiment_$3.tsv") <(cut -f1-12 "$2/experiment_$3.tsv") &&
    cmp <(grep -v '^Time:' "$1/experiment_$3.md") <(grep -v '^Time:' "$2/experiment_$3.md")
}

"${mpi[@]}" -np 1 "$bin" experiment latent-sweep "${cfg[@]}" --results-dir "$work/np1" > np1.log 2>&1 ||
  { cat np1.log; echo "FAIL: latent-sweep, 1 rank"; exit 1; }
"${mpi[@]}" -np 3 "$bin" experiment latent-sweep "${cfg[@]}" --results-dir "$work/np3" > np3.log 2>&1 ||
  { cat np3.log; echo "FAIL: latent-sweep, 3 ranks"; exit 1; }
grep -q "3 ranks in 3 groups for 40 units" np3.log || { cat np3.log; echo "FAIL: 3 ranks did not form 3 groups"; exit 1; }
# Rank 0 logs only its own group's fits; the cache holds all five.
[ "$(ls np3/experiment_latent-sweep/ae/latent*.h5 | wc -l)" = 5 ] || { echo "FAIL: expected 5 fitted autoencoders"; exit 1; }
[ "$(grep -c 'autoencoder of latent .* cached' np3.log)" -lt 5 ] || { echo "FAIL: rank 0 fitted every autoencoder"; exit 1; }
rows=$(grep -c '^| [AB] (' np1/experiment_latent-sweep.md)
[ "$rows" = 10 ] || { cat np1/experiment_latent-sweep.md; echo "FAIL: expected 10 table rows, got $rows"; exit 1; }
grep -q "independent per-miRNA AUC" np1/experiment_latent-sweep.md
same np1 np3 latent-sweep || { diff np1/experiment_latent-sweep.md np3/experiment_latent-sweep.md; echo "FAIL: 3 ranks != 1 rank"; exit 1; }
"$py" - np1/experiment_latent-sweep.tsv <<'PY'
import csv, sys
rows = list(csv.DictReader(open(sys.argv[1]), delimiter="\t"))
finals = [r for r in rows if r["fold"] == "final"]
assert len(finals) == 10 and len(rows) == 40, (len(finals), len(rows))
for r in finals:  # every final model was scored on the independent pairs
    assert 0 <= float(r["independent_mirna_auc"]) <= 1 and int(r["independent_n_mirna"]) > 0, r
print(f"ok: 40 units, 10 final models with an independent per-miRNA AUC ({finals[0]['independent_n_mirna']} miRNAs)")
PY
echo "ok: latent-sweep on 3 ranks (3 groups, autoencoders fitted by the groups) == 1 rank"

# The task path: every unit alone, then the merge.
"$bin" experiment ae-vs-pair "${cfg[@]}" --results-dir "$work/one" > one.log 2>&1 || { cat one.log; echo "FAIL: ae-vs-pair"; exit 1; }
n=$("$bin" experiment ae-vs-pair "${cfg[@]}" --results-dir "$work/arr" --list-tasks | grep -c .)
[ "$n" = 8 ] || { echo "FAIL: ae-vs-pair has $n tasks, expected 8 (2 variants x (3 folds + final))"; exit 1; }
for t in $(seq "$n"); do
  "$bin" experiment ae-vs-pair "${cfg[@]}" --results-dir "$work/arr" --experiment-task "$t" > task.log 2>&1 ||
    { cat task.log; echo "FAIL: task $t"; exit 1; }
done
[ ! -e arr/experiment_ae-vs-pair.md ] || { echo "FAIL: a task wrote the tables"; exit 1; }
if "$bin" experiment ae-vs-pair "${cfg[@]}" --results-dir "$work/arr" --experiment-task 9 2> err.txt; then
  echo "FAIL: task 9 of 8 accepted"; exit 1; fi
grep -q "there are 8 tasks" err.txt || { cat err.txt; echo "FAIL: unclear error for task 9"; exit 1; }
part=arr/experiment_ae-vs-pair/migap-pair-128/cv_parts/paper-fold2.part
[ -f "$part" ] || { find arr -name '*.part'; echo "FAIL: no part $part"; exit 1; }
mv "$part" held.part
if "$bin" experiment ae-vs-pair "${cfg[@]}" --results-dir "$work/arr" --experiment-merge 2> err.txt; then
  echo "FAIL: merge with a missing part succeeded"; exit 1; fi
grep -q "task 2 (" err.txt || { cat err.txt; echo "FAIL: missing task not named"; exit 1; }
mv held.part "$part"
"$bin" experiment ae-vs-pair "${cfg[@]}" --results-dir "$work/arr" --experiment-merge > merge.log 2>&1 ||
  { cat merge.log; echo "FAIL: merge"; exit 1; }
same one arr ae-vs-pair || { diff one/experiment_ae-vs-pair.md arr/experiment_ae-vs-pair.md; echo "FAIL: tasks + merge != one run"; exit 1; }
echo "ok: 8 experiment tasks + merge == one run; a missing part names task 2; task 9 of 8 refused"

# Resume: one part lost, only that unit trains again.
rm one/experiment_ae-vs-pair/aemigap-pair-latent/cv_parts/paper-final.part
"$bin" experiment ae-vs-pair "${cfg[@]}" --results-dir "$work/one" --resume > resume.log 2>&1 ||
  { cat resume.log; echo "FAIL: resume"; exit 1; }
[ "$(grep -c 'finished earlier' resume.log)" = 7 ] || { cat resume.log; echo "FAIL: expected 7 reused units"; exit 1; }
same one arr ae-vs-pair
echo "ok: --resume reused 7 units, retrained the lost final model, same table"
# Table 3 (folds): the autoencoder fitted once on every pair beside one fitted per training
# fold. The per-fold rows must differ from the shared ones (a per-fold autoencoder that was
# silently the shared one would give the same numbers).
"$bin" experiment folds "${cfg[@]}" --results-dir "$work/folds" > folds.log 2>&1 || { cat folds.log; echo "FAIL: folds"; exit 1; }
"$py" - folds/experiment_folds.tsv <<'PY'
import csv, sys
rows = list(csv.DictReader(open(sys.argv[1]), delimiter="\t"))
shared = [r for r in rows if "fitted once" in r["variant"] and r["fold"] != "final"]
per_fold = [r for r in rows if "per training fold" in r["variant"] and r["fold"] != "final"]
assert len(shared) == 3 and len(per_fold) == 3, (len(shared), len(per_fold))
assert all(s["auc"] != p["auc"] for s, p in zip(shared, per_fold)), "ae-per-fold gave the shared autoencoder's AUCs"
finals = [r for r in rows if r["fold"] == "final"]
assert len(finals) == 2 and all(r["independent_mirna_auc"] for r in finals), finals
print("ok: folds: shared and per-fold autoencoders give different folds, both final models checked independently")
PY
# The budget curve (small points): two 5-fold sample points, one autoencoder-epoch point and
# the one-fold point. The one-fold point trains fold 1 only (no final model), on the same
# split as the full runs, so at the same samples its AUC is the 600-sample row's fold 1; its
# independent AUC comes from that fold's model.
bud=(--budget-samples 300,600 --budget-ae-epochs 2 --budget-fold-samples 600)
n=$("$bin" experiment budget "${cfg[@]}" "${bud[@]}" --results-dir "$work/bud" --list-tasks | grep -c .)
[ "$n" = 13 ] || { echo "FAIL: budget has $n tasks, expected 13 (3 variants x (3 folds + final) + 1 fold)"; exit 1; }
"$bin" experiment budget "${cfg[@]}" "${bud[@]}" --results-dir "$work/bud" --list-tasks | tail -1 |
  grep -q "^13	600 samples, fold 1 of 3 only, .*: paper fold 1/3$" || { echo "FAIL: the last budget task is not the one-fold point"; exit 1; }
"$bin" experiment budget "${cfg[@]}" "${bud[@]}" --results-dir "$work/bud" > bud.log 2>&1 || { cat bud.log; echo "FAIL: budget"; exit 1; }
grep -q "600 samples, fold 1 of 3 only.* | paper | [0-9.]* (1 fold) |" bud/experiment_budget.md ||
  { cat bud/experiment_budget.md; echo "FAIL: the one-fold row is not marked"; exit 1; }
for f in bud/experiment_budget_samples.svg bud/experiment_budget_ae_epochs.svg; do
  grep -q "<polyline" "$f" || { echo "FAIL: $f has no curve"; exit 1; }
done
# The one-fold variant's own summary: no spread, no final model, fold 1's model checked.
one_dir=$(dirname "$(find bud/experiment_budget -path '*only*' -name cv_summary.md | head -1)")
[ -f "$one_dir/cv_summary.md" ] || { echo "FAIL: the one-fold variant has no cv_summary.md"; exit 1; }
grep -q "(1 fold)" "$one_dir/cv_summary.md" && ! grep -q "±" "$one_dir/cv_summary.md" &&
  grep -q "fold 1's model ranks" "$one_dir/cv_summary.md" ||
  { cat "$one_dir/cv_summary.md"; echo "FAIL: the one-fold summary shows a spread or a final model"; exit 1; }
! grep -q "	sd	" "$one_dir/cv_metrics.tsv" || { echo "FAIL: cv_metrics.tsv has an sd row for one fold"; exit 1; }
# A point listed twice is refused before anything runs.
if "$bin" experiment budget "${cfg[@]}" --budget-samples 300,300 --results-dir "$work/bud2" --list-tasks > dup.log 2>&1 ||
   ! grep -q "option 'budget-samples' lists 300 twice" dup.log; then
  cat dup.log; echo "FAIL: a duplicate budget point was not refused"; exit 1
fi
"$py" - bud/experiment_budget.tsv "$one_dir/cv_independent.tsv" <<'PY'
import csv, sys
rows = list(csv.DictReader(open(sys.argv[1]), delimiter="\t"))
one = [r for r in rows if "fold 1 of 3 only" in r["variant"]]
assert len(one) == 1 and one[0]["fold"] == "1", one  # fold 1 only, no final model
full = [r for r in rows if r["variant"].startswith("600 samples, autoencoder") and r["fold"] == "1"]
assert len(full) == 1, full
assert one[0]["auc"] == full[0]["auc"] and one[0]["n_train"] == full[0]["n_train"], (one, full)
assert 0 <= float(one[0]["independent_mirna_auc"]) <= 1 and int(one[0]["independent_n_mirna"]) > 0, one
ind = list(csv.DictReader(open(sys.argv[2]), delimiter="\t"))  # the one-fold variant's own
assert len(ind) == 1 and ind[0]["n_train_final"] == one[0]["n_train"], (ind, one)  # fold 1's model's samples
final600 = [r for r in rows if r["variant"] == full[0]["variant"] and r["fold"] == "final"]
assert final600 and final600[0]["independent_mirna_auc"], final600
print(f"ok: budget: one-fold point == fold 1 of the 5-fold run (AUC {one[0]['auc']}), "
      f"independent per-miRNA AUC {one[0]['independent_mirna_auc']} from fold 1's model")
PY
echo PASS
