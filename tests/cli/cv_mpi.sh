#!/usr/bin/env bash
# aemigap cv under mpiexec with 1-4 ranks (smoke preset, protocols paper + cold-mirna, 3 folds):
#  - 2 and 3 ranks: fold groups of one rank -> cv_metrics.tsv identical to the 1-rank run;
#  - 8 ranks for 7 units (2 protocols x 3 folds + paper's final model): group 0 has 2 ranks
#    (fold 1 trained data-parallel) -> metrics within 0.02;
#  - the job-array path: every --cv-task alone, then --cv-merge -> identical outputs and the
#    same shipped model (the final model, trained on every sample);
#  - --resume after losing one fold's part: only that fold retrains, identical outputs;
#  - merge with a part missing: a clear error naming the task.
set -euo pipefail
bin=$1 src=$2 work=$3 py=$4 mpiexec=$5
shift 5
mpi=("$mpiexec" "$@")
rm -rf "$work"; mkdir -p "$work"; cd "$work"
# One thread per rank everywhere: then ranks x replicas is the same layout for every run
# below, and groups of one rank must match the 1-rank run bit for bit.
cfg=(--config "$src/configs/smoke.ini" --cv-protocols paper,cold-mirna --threads 1)
for stage in ingest embed negatives train-ae; do "$bin" $stage "${cfg[@]}" --store s.h5 > /dev/null 2>&1; done

run() {  # run NAME NP [extra args]: a fresh copy of the store per run
  local name=$1 np=$2
  shift 2
  cp s.h5 "$name.h5"
  "${mpi[@]}" -np "$np" "$bin" cv "${cfg[@]}" --store "$name.h5" --results-dir "$work/$name" "$@" > "$name.log" 2>&1 ||
    { cat "$name.log"; echo "FAIL: cv $name"; exit 1; }
}
run np1 1
for np in 2 3; do
  run np$np $np
  cmp np1/cv_metrics.tsv np$np/cv_metrics.tsv || { echo "FAIL: $np ranks differ from 1 rank"; exit 1; }
  echo "ok: $np ranks (fold groups of one rank): cv_metrics.tsv identical to 1 rank"
done
run np8 8
grep -q "8 ranks in 7 groups for 7 units (2 ranks in rank 0's group" np8.log || { cat np8.log; echo "FAIL: no 2-rank group"; exit 1; }
"$py" - <<'PY'
import csv
def rows(p):
    return {(r["protocol"], r["fold"]): r for r in csv.DictReader(open(p), delimiter="\t")}
a, b = rows("np1/cv_metrics.tsv"), rows("np8/cv_metrics.tsv")
assert a.keys() == b.keys()
worst = max(abs(float(a[k]["auc"]) - float(b[k]["auc"])) for k in a if k[1] not in ("mean", "sd"))
print(f"ok: 8 ranks (fold 1 data-parallel on 2 ranks): max |AUC difference| vs 1 rank {worst:.4f} (<= 0.02)")
assert worst <= 0.02, worst
for k in a:
    if k[1] in ("2", "3"):  # folds of the one-rank groups are bit-identical
        assert a[k] == b[k], (k, a[k], b[k])
PY

# Job-array path: one task per unit, then the merge.
cp s.h5 arr.h5
n=$("$bin" cv "${cfg[@]}" --store arr.h5 --results-dir "$work/arr" --list-tasks | grep -c .)
[ "$n" = 7 ] || { echo "FAIL: --list-tasks lists $n tasks, expected 7"; exit 1; }
"$bin" cv "${cfg[@]}" --store arr.h5 --results-dir "$work/arr" --list-tasks | grep -q "^4	paper final model$" ||
  { echo "FAIL: task 4 is not paper's final model"; exit 1; }
for t in $(seq "$n"); do
  "$bin" cv "${cfg[@]}" --store arr.h5 --results-dir "$work/arr" --cv-task $t > /dev/null 2>&1
done
[ -f arr/cv_parts/cold-mirna-fold3.part ] && [ -f arr/cv_parts/paper-final.part ] || { echo "FAIL: parts missing"; exit 1; }
[ ! -e arr/cv_metrics.tsv ] || { echo "FAIL: a task wrote the merged outputs"; exit 1; }
if "$bin" cv "${cfg[@]}" --store arr.h5 --results-dir "$work/arr" --cv-task 8 2> err.txt; then
  echo "FAIL: task 8 of 7 accepted"; exit 1; fi
grep -q "there are 7 tasks (2 protocols x 3 folds + 1 final model" err.txt || { cat err.txt; echo "FAIL: unclear error for task 8"; exit 1; }
mv arr/cv_parts/paper-fold2.part held.part
if "$bin" cv "${cfg[@]}" --store arr.h5 --results-dir "$work/arr" --cv-merge 2> err.txt; then
  echo "FAIL: merge with a missing part succeeded"; exit 1; fi
grep -q "task 2 (" err.txt || { cat err.txt; echo "FAIL: missing task not named"; exit 1; }
echo "ok: merge with a missing part fails and names task 2"
mv held.part arr/cv_parts/paper-fold2.part
"$bin" cv "${cfg[@]}" --store arr.h5 --results-dir "$work/arr" --cv-merge > /dev/null 2>&1
for f in cv_metrics.tsv cv_summary.md roc_paper.svg cv_independent.tsv; do
  cmp "np1/$f" "arr/$f" || { echo "FAIL: the merged $f differs from one run's"; exit 1; }
done
# The same model up to the config text it carries (its store, results-dir and cv-task lines
# differ, at equal lengths): entry by entry of the two archives, those lines taken out of the
# pickle. (Not `strings` of the files: the zip's CRCs differ with the text, and where their
# bytes happen to be printable they join the neighbouring strings: a false failure.)
"$py" - np1/model.pt arr/model.pt <<'PY' || { echo "FAIL: the merged model.pt differs from one run's"; exit 1; }
import re, sys, zipfile
a, b = (zipfile.ZipFile(p) for p in sys.argv[1:3])
assert a.namelist() == b.namelist(), "the archives hold different entries"
varying = re.compile(rb"^(store|results-dir|cv-task) = [^\n]*$", re.M)
for n in a.namelist():
    x, y = a.read(n), b.read(n)
    if n.endswith("/data.pkl"):
        x, y = varying.sub(b"", x), varying.sub(b"", y)
    assert x == y, f"archive entry {n} differs"
PY
# The checkpoint names what it is (its protocol string is stored uncompressed in the archive).
grep -aq "paper, trained on all" arr/model.pt || { echo "FAIL: the shipped model does not say it was trained on every sample"; exit 1; }
echo "ok: 7 array tasks + merge == one cv run (metrics, summary, ROC, independent AUC, model.pt)"

# Resume: drop one part; only that fold trains again.
rm np1/cv_parts/cold-mirna-fold2.part
cp np1.h5 res.h5
"$bin" cv "${cfg[@]}" --store res.h5 --results-dir "$work/np1" --resume > resume.log 2>&1
n_earlier=$(grep -c "finished earlier" resume.log || true)
[ "$n_earlier" = 6 ] || { cat resume.log; echo "FAIL: expected 6 reused units, got $n_earlier"; exit 1; }
cmp np1/cv_metrics.tsv np2/cv_metrics.tsv
echo "ok: --resume reused 6 finished units, retrained 1, identical outputs"
echo PASS
