#!/usr/bin/env bash
# The jobs/ scripts on a three-node Slurm cluster made of network namespaces
# (tests/cluster/netns_cluster.sh), on a reduced pool (the first 24 miRNAs of the bundled
# pairs, smoke-preset budgets, protocol paper with 2 folds: 3 CV units), Open MPI over TCP
# between the nodes (MCA settings below), compared with runs on one node (this namespace):
#  1. jobs/pipeline.sh --wait with 6 tasks per stage (2 per node): every stage's outputs,
#     cv_metrics.tsv and /scores/matrix, equal a one-node chain with mpiexec -np 6. In `cv`
#     the 6 ranks form 3 groups of 2 ranks, each group on two nodes (data-parallel across
#     nodes); /scores is written by 6 ranks on 3 nodes through parallel HDF5.
#  2. jobs/cv-array.sh, one task per node; the node of task 2 loses power mid-training: the
#     task is requeued, reruns on a remaining node, and the merged CV equals a one-node cv.
#  3. jobs/experiment-array.sh ae-vs-pair (6 tasks spread over the nodes) == a direct run.
#  4. jobs/score.sbatch on 3 nodes (-N 2-3 -n 3 --spread-job); node3 loses power mid-score:
#     the job leaves RUNNING within a bounded time (Slurm's SlurmdTimeout, 20 s here),
#     is requeued, resumes on the 2 remaining nodes, and its matrix equals a one-node run
#     byte for byte.
# A watchdog ends the test (and tears the cluster down) if anything hangs.
# CLUSTER_PARTS="2 4" runs only those parts (after the one-node references they compare with).
set -euo pipefail
bin=$1 src=$2 work=$3 py=$4 mpiexec=$5
shift 5
mpi=("$mpiexec" "$@")
lib=$src/tests/cluster/netns_cluster.sh
source "$lib"
if ! why=$(ncl_can_make_namespaces); then echo "SKIP: a namespace cluster cannot be made here: $why"; exit 77; fi
rm -rf "$work"; mkdir -p "$work"; cd "$work"
t_start=$(date +%s)
trap 'ncl_down' EXIT
# The watchdog: TERM to this script after 12 minutes (ctest's own timeout would kill it
# without running the EXIT trap, leaving the namespaces behind).
# Its sleep is killed with it: a leftover sleep would hold ctest's output pipe open.
( trap 'kill $sp 2> /dev/null; exit 0' TERM; sleep 720 & sp=$!; wait $sp; echo "FAIL: watchdog: the test ran 12 minutes"
  kill -TERM $$ ) &
watchdog=$!
trap 'kill $watchdog 2>/dev/null || true; ncl_down' EXIT
trap 'exit 1' TERM INT
ncl_up "$work/cluster" 3

head_() { local secs=$1; shift; timeout "$secs" bash "$lib" on head "$@"; }  # a command on the head node, bounded
fail() { echo "FAIL: $*"; exit 1; }
part() { [[ " ${CLUSTER_PARTS:-1 2 3 4} " == *" $1 "* ]]; }
job_field() { head_ 20 scontrol show job "$1" 2>/dev/null | tr ' ' '\n' | sed -n "s/^$2=//p" | head -1; }
release_requeued() {  # Slurm holds a requeued job for a while (Reason=BeginTime): the test need not wait
  local j
  for j in $(head_ 20 squeue -h -t PD -o '%i %r' 2>/dev/null | awk '$2 == "BeginTime" {print $1}'); do
    head_ 20 scontrol update JobId="$j" StartTime=now 2>/dev/null || true
  done
}
# wait_job ID SECONDS: until the job (or every task of an array) has ended
wait_job() {
  local id=$1 secs=$2 t0 states
  t0=$(date +%s)
  while :; do
    states=$(head_ 20 squeue -h -j "$id" -o '%i %T %r' 2>/dev/null || true)
    [ -z "$states" ] && return 0
    release_requeued
    [ $(( $(date +%s) - t0 )) -lt "$secs" ] || { echo "$states"; fail "job $id still queued or running after $secs s"; }
    sleep 1
  done
}

# Open MPI between the nodes: the ob1 PML over the TCP BTL (shared memory within a node),
# on the cluster's network only. A real cluster sets btl_tcp_if_include to its compute
# network (or uses UCX/OFI on InfiniBand); see docs/cluster.md.
export OMPI_MCA_pml=ob1 OMPI_MCA_btl=self,vader,tcp OMPI_MCA_btl_tcp_if_include=$NCL_NET.0/24 \
       OMPI_MCA_oob_tcp_if_include=$NCL_NET.0/24
export AEMIGAP_HOME=$src AEMIGAP_BIN=$bin AEMIGAP_CONFIG=$work/test.ini

zcat "$src/data/mirtarbase7_hsa_pairs.tsv.gz" |
  awk -F'\t' 'NR == 1 { print; next } { if (!($1 in m)) { if (n >= 24) next; m[$1] = 1; n++ } print }' > small.tsv
genes=$(tail -n +2 small.tsv | cut -f2 | sort | uniq -c | sort -k1,1nr -k2 | awk 'NR <= 3 {print $2}' | paste -sd,)
sed -e "s#\.\./data/#$src/data/#" -e "s#^pairs = .*#pairs = $work/small.tsv#" -e "s#^store = .*#store = $work/pipe.h5#" \
    -e "s#^results-dir = .*#results-dir = $work/pipe-res#" -e "s#^cv-protocols = .*#cv-protocols = paper#" \
    -e "s#^cv-folds = .*#cv-folds = 2#" -e "s#^cv-subsample = .*#cv-subsample = 0#" \
    -e "s#^report-genes = .*#report-genes = $genes#" "$src/configs/smoke.ini" > test.ini
echo "threads = 1" >> test.ini  # one thread per rank: equal rank counts train identically

# --- 1. the pipeline on 3 nodes vs the same chain on one node --------------------------------
for stage in ingest embed; do "$bin" $stage --config test.ini --store ref.h5 > /dev/null 2>&1 || fail "direct $stage"; done
for stage in negatives train-ae cv; do
  "${mpi[@]}" -np 6 "$bin" $stage --config test.ini --store ref.h5 --results-dir "$work/ref" > "ref-$stage.log" 2>&1 ||
    { cat "ref-$stage.log"; fail "direct mpiexec -np 6 $stage"; }
done
cp ref.h5 pre-score.h5  # the store as score finds it: the input of part 4
for stage in score report; do
  "${mpi[@]}" -np 6 "$bin" $stage --config test.ini --store ref.h5 --results-dir "$work/ref" > "ref-$stage.log" 2>&1 ||
    { cat "ref-$stage.log"; fail "direct mpiexec -np 6 $stage"; }
done
if part 1; then
t1=$(date +%s)
AEMIGAP_NTASKS=6 AEMIGAP_EMBED_CPUS=2 head_ 420 "$src/jobs/pipeline.sh" --wait test.ini | tee pipe.txt ||
  { tail -n 20 aemigap-*.out; fail "jobs/pipeline.sh on 3 nodes"; }
t_pipe=$(( $(date +%s) - t1 ))
cvout=$(ls aemigap-cv-*.out)
grep -q "on node\[1-3\]: 6 task(s)" "$cvout" || { cat "$cvout"; fail "the cv job did not run 6 tasks on node[1-3]"; }
grep -q "6 ranks in 3 groups for 3 units" "$cvout" || { cat "$cvout"; fail "cv did not form 3 groups of 2 ranks"; }
grep -q "on node\[1-3\]: 6 task(s)" aemigap-score-*.out || fail "the score job did not run on node[1-3]"
cmp ref/cv_metrics.tsv pipe-res/cv_metrics.tsv || fail "cv_metrics.tsv: 3 nodes != 1 node"
cmp <(grep -v ' in [0-9]* s' ref/cv_summary.md) <(grep -v ' in [0-9]* s' pipe-res/cv_summary.md) || fail "cv_summary.md differs"
cmp ref/top_pairs.tsv pipe-res/top_pairs.tsv || fail "top_pairs.tsv: 3 nodes != 1 node"
"$py" - <<'PY'
import h5py
a = h5py.File("ref.h5", "r")["scores/matrix"][:]
b = h5py.File("pipe.h5", "r")["scores/matrix"][:]
assert a.tobytes() == b.tobytes(), "matrices differ"
print(f"ok: pipeline on 3 nodes: {a.shape[0]} x {a.shape[1]} matrix byte-identical to one node")
PY
echo "ok: jobs/pipeline.sh --wait on 3 nodes x 2 tasks (7 jobs, $t_pipe s) == the chain on one node (mpiexec -np 6): cv_metrics, top_pairs, /scores/matrix"

fi

# --- 2. cv-array over the nodes; a node lost mid-task ---------------------------------------
if part 2; then
cp pre-score.h5 ref1.h5
"$bin" cv --config test.ini --store ref1.h5 --results-dir "$work/ref1" > ref1.log 2>&1 || fail "direct cv (1 rank)"
cp pre-score.h5 arr.h5
# --cpus-per-task=2: a task fills a node, so the 3 tasks start on 3 nodes.
AEMIGAP_ARGS="--store $work/arr.h5 --results-dir $work/arr" head_ 60 "$src/jobs/cv-array.sh" test.ini --cpus-per-task=2 | tee arr.txt
array=$(sed -n 's/^cv array job \([0-9]*\) .*/\1/p' arr.txt)
merge=$(sed -n 's/.* merge job \([0-9]*\)$/\1/p' arr.txt)
[ -n "$array" ] && [ -n "$merge" ] || fail "cv-array.sh printed no job ids"
for _ in $(seq 240); do grep -q "\[cv\] task 2: paper fold 2/2" "aemigap-cv-fold-${array}_2.out" 2>/dev/null && break; sleep 0.25; done
victim=$(job_field "${array}_2" NodeList)
state=$(job_field "${array}_2" JobState)
[ "$state" = RUNNING ] || fail "array task 2 is $state, not RUNNING, when its node should be lost"
echo "array task 2 runs on $victim: the node loses power"
ncl_lose "$victim"
wait_job "$merge" 240
[ "$(job_field "${array}_2" Restarts)" = 1 ] || fail "array task 2 was not requeued (Restarts=$(job_field "${array}_2" Restarts))"
[ "$(job_field "$merge" JobState)" = COMPLETED ] || { cat aemigap-cv-merge-*.out; fail "the merge job did not complete"; }
[ "$(job_field "${array}_2" NodeList)" != "$victim" ] || fail "array task 2 reran on the lost node"
cmp ref1/cv_metrics.tsv arr/cv_metrics.tsv || fail "cv-array after a lost node != direct cv"
echo "ok: jobs/cv-array.sh over 3 nodes, $victim lost under task 2: requeued, rerun on $(job_field "${array}_2" NodeList), merged cv == direct cv"
ncl_revive "$victim"
ncl_wait_idle 3 60 || fail "$victim did not come back"

fi

# --- 3. experiment-array over the nodes ------------------------------------------------------
if part 3; then
cp pre-score.h5 exp.h5
"$bin" experiment ae-vs-pair --config test.ini --store exp.h5 --results-dir "$work/exp-ref" > exp-ref.log 2>&1 ||
  { cat exp-ref.log; fail "direct experiment ae-vs-pair"; }
AEMIGAP_ARGS="--store $work/exp.h5 --results-dir $work/exp-arr" head_ 300 "$src/jobs/experiment-array.sh" --wait ae-vs-pair test.ini |
  tee exp.txt || fail "experiment-array.sh"
grep -q "(6 tasks: " exp.txt || fail "experiment-array.sh did not submit 6 tasks"
nodes=$(cat aemigap-exp-ae-vs-pair-*_[0-9].out | sed -n 's/.* on \(node[0-9]\): .*/\1/p' | sort -u | paste -sd,)
[ "$nodes" = node1,node2,node3 ] || fail "the experiment's tasks ran on $nodes, not on all 3 nodes"
cmp <(cut -f1-12 exp-ref/experiment_ae-vs-pair.tsv) <(cut -f1-12 exp-arr/experiment_ae-vs-pair.tsv) || fail "experiment TSV differs"
echo "ok: jobs/experiment-array.sh ae-vs-pair: 6 tasks on $nodes + merge == a direct run"

fi

# --- 4. score.sbatch on 3 nodes; node3 lost mid-score -----------------------------------------
if part 4; then
cp pre-score.h5 one.h5
"$bin" score --config test.ini --store one.h5 --results-dir "$work/ref" > one.log 2>&1 || fail "direct score (1 rank)"
cp pre-score.h5 sc.h5
id=$(AEMIGAP_ARGS="--store $work/sc.h5 --results-dir $work/ref --score-block-rows 1" \
     head_ 30 sbatch --parsable -N 2-3 -n 3 --spread-job -o score-job.out "$src/jobs/score.sbatch")
for _ in $(seq 240); do grep -q "\[score\] block round" score-job.out 2>/dev/null && break; sleep 0.25; done
[ "$(job_field "$id" NodeList)" = "node[1-3]" ] || fail "the score job runs on $(job_field "$id" NodeList), not node[1-3]"
t_lost=$(date +%s)
ncl_lose node3
for _ in $(seq 120); do [ "$(job_field "$id" Restarts)" = 1 ] && break; sleep 1; done
t_fail=$(( $(date +%s) - t_lost ))
[ "$(job_field "$id" Restarts)" = 1 ] || fail "the score job was not requeued 120 s after node3 was lost (a hang)"
[ "$t_fail" -le 90 ] || fail "the score job took $t_fail s to fail after the node loss"
wait_job "$id" 240
[ "$(job_field "$id" JobState)" = COMPLETED ] || { cat score-job.out; fail "score job $(job_field "$id" JobState)"; }
[ "$(job_field "$id" NodeList)" = "node[1-2]" ] || fail "the resumed score job ran on $(job_field "$id" NodeList)"
grep -q "DUE TO NODE FAILURE" score-job.out && grep -q "restart count 1" score-job.out ||
  { cat score-job.out; fail "no node failure and restart in the score log"; }
"$py" - <<'PY'
import h5py
a = h5py.File("one.h5", "r")["scores/matrix"][:]
f = h5py.File("sc.h5", "r")
assert f["scores/done"][:].all(), "not every block done"
assert a.tobytes() == f["scores/matrix"][:].tobytes(), "matrices differ"
print(f"ok: resumed matrix {a.shape[0]} x {a.shape[1]} byte-identical to a one-node run")
PY
grep -E "blocks of 1 miRNA rows to score" score-job.out
echo "ok: score.sbatch on node[1-3], node3 lost: requeued after $t_fail s, resumed on node[1-2], matrix == one node"
fi
echo "PASS in $(( $(date +%s) - t_start )) s"
