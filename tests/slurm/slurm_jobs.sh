#!/usr/bin/env bash
# The jobs/ scripts on a real single-node Slurm (tests/slurm/cluster.sh), on a reduced
# pool (the first 48 miRNAs of the bundled pairs, smoke-preset budgets):
#  - sbatch --wait jobs/cv.sbatch (2 tasks) == a direct `aemigap cv` (cv_metrics.tsv, summary);
#  - jobs/cv-array.sh (one array task per unit + dependent merge) == the same;
#  - jobs/experiment-array.sh ae-vs-pair (one task per unit + merge) == a direct experiment;
#  - jobs/score.sbatch interrupted with `scancel --signal=USR1 --batch` mid-run requeues
#    itself, resumes, and its /scores/matrix equals an uninterrupted run byte for byte;
#  - jobs/pipeline.sh --wait runs ingest -> ... -> report as dependent jobs;
#  - a failing stage fails its job loudly and cancels the jobs that depend on it.
set -euo pipefail
bin=$1 src=$2 work=$3 py=$4
if [ "$(id -u)" != 0 ]; then echo "SKIP: a test Slurm needs root (slurmd starts jobs as their user)"; exit 77; fi
rm -rf "$work"; mkdir -p "$work"; cd "$work"
source "$src/tests/slurm/cluster.sh"
trap slurm_down EXIT
slurm_up "$work/slurm"

zcat "$src/data/mirtarbase7_hsa_pairs.tsv.gz" |
  awk -F'\t' 'NR == 1 { print; next } { if (!($1 in m)) { if (n >= 48) next; m[$1] = 1; n++ } print }' > small.tsv
genes=$(tail -n +2 small.tsv | cut -f2 | sort | uniq -c | sort -k1,1nr -k2 | awk 'NR <= 3 {print $2}' | paste -sd,)
# The smoke preset with the reduced pairs and three of its genes in the reports; paths absolute (a config's paths are relative to it).
sed -e "s#\.\./data/#$src/data/#" -e "s#^pairs = .*#pairs = $work/small.tsv#" -e "s#^store = .*#store = $work/pipe.h5#" \
    -e "s#^results-dir = .*#results-dir = $work/pipe-res#" -e "s#^cv-protocols = .*#cv-protocols = paper,cold-mirna#" \
    -e "s#^cv-subsample = .*#cv-subsample = 0#" -e "s#^report-genes = .*#report-genes = $genes#" \
    "$src/configs/smoke.ini" > test.ini
# One thread (and so one model replica) per rank: direct runs and jobs train identically.
echo "threads = 1" >> test.ini
export AEMIGAP_HOME=$src AEMIGAP_BIN=$bin AEMIGAP_CONFIG=$work/test.ini
for stage in ingest embed negatives train-ae; do "$bin" $stage --config test.ini --store base.h5 > /dev/null 2>&1; done

# Direct reference runs.
cp base.h5 ref.h5
"$bin" cv --config test.ini --store ref.h5 --results-dir "$work/ref" > /dev/null 2>&1
cp ref.h5 ref-score.h5
"$bin" score --config test.ini --store ref-score.h5 --results-dir "$work/ref" --threads 1 > /dev/null 2>&1

# cv.sbatch: one MPI job of 2 tasks (2 fold groups).
cp base.h5 cv.h5
AEMIGAP_ARGS="--store $work/cv.h5 --results-dir $work/cv" sbatch --wait -o cv-job.out "$src/jobs/cv.sbatch" > /dev/null ||
  { cat cv-job.out; echo "FAIL: cv.sbatch"; exit 1; }
grep -q "2 ranks in 2 groups for 7 units" cv-job.out || { cat cv-job.out; echo "FAIL: cv.sbatch did not use 2 ranks"; exit 1; }
cmp ref/cv_metrics.tsv cv/cv_metrics.tsv; cmp ref/cv_summary.md cv/cv_summary.md
echo "ok: sbatch --wait jobs/cv.sbatch (2 tasks) == direct cv"

# cv-array.sh: 7 array tasks (2 protocols x 3 folds + the final model) + the dependent merge.
cp base.h5 arr.h5
AEMIGAP_ARGS="--store $work/arr.h5 --results-dir $work/arr" "$src/jobs/cv-array.sh" --wait test.ini | tee arr.txt
grep -q "(7 tasks: " arr.txt
ls aemigap-cv-fold-*_7.out > /dev/null
cmp ref/cv_metrics.tsv arr/cv_metrics.tsv; cmp ref/cv_summary.md arr/cv_summary.md
echo "ok: jobs/cv-array.sh (7 array tasks + merge) == direct cv"

# experiment-array.sh: the paper's Table 11 (ae-vs-pair) as 8 array tasks + the merge job.
xargs_exp="--cv-protocols paper"
"$bin" experiment ae-vs-pair --config test.ini --store base.h5 --results-dir "$work/exp-ref" $xargs_exp > /dev/null 2>&1
AEMIGAP_ARGS="--store $work/base.h5 --results-dir $work/exp-arr $xargs_exp" \
  "$src/jobs/experiment-array.sh" --wait ae-vs-pair test.ini | tee exp.txt
grep -q "(8 tasks: " exp.txt || { echo "FAIL: experiment-array.sh did not submit 8 tasks"; exit 1; }
ls aemigap-exp-ae-vs-pair-*_8.out > /dev/null
cmp <(cut -f1-12 exp-ref/experiment_ae-vs-pair.tsv) <(cut -f1-12 exp-arr/experiment_ae-vs-pair.tsv)
cmp <(grep -v '^Time:' exp-ref/experiment_ae-vs-pair.md) <(grep -v '^Time:' exp-arr/experiment_ae-vs-pair.md)
echo "ok: jobs/experiment-array.sh ae-vs-pair (8 array tasks + merge) == a direct experiment run"

# score.sbatch: USR1 mid-run -> finish the block, requeue, resume, same matrix.
cp ref.h5 sc.h5
id=$(AEMIGAP_ARGS="--store $work/sc.h5 --results-dir $work/ref --score-block-rows 1 --threads 1" \
     sbatch --parsable -o score-job.out "$src/jobs/score.sbatch")
for _ in $(seq 240); do grep -q "\[score\] block round" score-job.out 2>/dev/null && break; sleep 0.25; done
scancel --signal=USR1 --batch "$id"
for _ in $(seq 300); do
  info=$(scontrol show job "$id" 2>/dev/null)
  state=$(sed -n 's/.*JobState=\([A-Z_]*\).*/\1/p' <<< "$info")
  restarts=$(sed -n 's/.*Restarts=\([0-9]*\).*/\1/p' <<< "$info")
  [ "$state" = COMPLETED ] && break
  # Slurm holds a requeued job for a while (Reason=BeginTime); the test need not wait.
  if [ "$state" = PENDING ] && grep -q "Reason=BeginTime" <<< "$info"; then scontrol update JobId="$id" StartTime=now; fi
  case $state in FAILED|CANCELLED|TIMEOUT|NODE_FAIL) cat score-job.out; echo "FAIL: score job $state"; exit 1 ;; esac
  sleep 1
done
[ "$state" = COMPLETED ] || { cat score-job.out; echo "FAIL: score job still $state"; exit 1; }
[ "$restarts" = 1 ] || { cat score-job.out; echo "FAIL: expected 1 restart, got $restarts"; exit 1; }
grep -q "requeueing job $id" score-job.out && grep -q "stopped on a signal" score-job.out &&
  grep -q "restart count 1" score-job.out || { cat score-job.out; echo "FAIL: no requeue in the log"; exit 1; }
"$py" - <<'PY'
import h5py, numpy as np
a = h5py.File("ref-score.h5", "r")["scores/matrix"][:]
f = h5py.File("sc.h5", "r")
b = f["scores/matrix"][:]
assert f["scores/done"][:].all(), "not every block done"
assert a.tobytes() == b.tobytes(), "matrices differ"
print(f"ok: score.sbatch interrupted by USR1, requeued, resumed: {a.shape[0]} x {a.shape[1]} matrix byte-identical")
PY

# pipeline.sh: every stage as a dependent job, to the reports.
AEMIGAP_NTASKS=2 "$src/jobs/pipeline.sh" --wait test.ini | tee pipe.txt
for f in cv_metrics.tsv model.pt top_pairs.tsv top_mirnas_per_gene.tsv score_histogram.svg; do
  [ -s "pipe-res/$f" ] || { echo "FAIL: pipeline output pipe-res/$f missing"; exit 1; }
done
n_jobs=$(grep -o '[a-z-]*=[0-9]*' pipe.txt | wc -l)
[ "$n_jobs" = 7 ] || { echo "FAIL: expected 7 jobs, got $n_jobs"; exit 1; }
echo "ok: jobs/pipeline.sh --wait: 7 dependent jobs, reports written"

# A failing stage: its job fails with the message, the dependent job is cancelled.
if AEMIGAP_ARGS="--store $work/missing.h5" sbatch --wait -o fail-job.out "$src/jobs/cv.sbatch" > /dev/null 2>&1; then
  echo "FAIL: cv on a missing store succeeded"; exit 1; fi
grep -q "ERROR: aemigap cv failed with exit code" fail-job.out || { cat fail-job.out; echo "FAIL: no loud failure"; exit 1; }
first=$(AEMIGAP_ARGS="--store $work/missing.h5" sbatch --parsable -o fail2.out "$src/jobs/cv.sbatch")
second=$(sbatch --parsable --dependency="afterok:$first" --kill-on-invalid-dep=yes -o never.out "$src/jobs/stage.sbatch" report)
for _ in $(seq 60); do
  s2=$(scontrol show job "$second" 2>/dev/null | sed -n 's/.*JobState=\([A-Z_]*\).*/\1/p')
  [ "$s2" = CANCELLED ] && break
  sleep 1
done
[ "$s2" = CANCELLED ] || { echo "FAIL: dependent job is $s2, not CANCELLED"; exit 1; }
echo "ok: a failing stage fails its job loudly and cancels the dependent job"
echo PASS
