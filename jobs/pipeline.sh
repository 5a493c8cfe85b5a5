#!/usr/bin/env bash
# Submits the whole pipeline as dependent Slurm jobs (each starts when the previous one
# succeeded; a failure cancels the rest) and prints the job ids:
#   ingest -> embed -> negatives -> train-ae -> cv -> score -> report
#
#   jobs/pipeline.sh [--wait] CONFIG
# --wait: return when the last job ends, with its exit status.
# Resources per stage, from the environment (defaults in brackets):
#   AEMIGAP_NTASKS [2]  MPI tasks of negatives, train-ae, cv, score, report
#   AEMIGAP_CPUS   [1]  CPUs per task (threads per rank) of every stage; embed uses
#                       AEMIGAP_EMBED_CPUS [AEMIGAP_NTASKS x AEMIGAP_CPUS] threads in one task
#   AEMIGAP_SBATCH []   extra sbatch options for every job (partition, account, time, ...)
set -euo pipefail
wait_flag=()
if [ "${1:-}" = --wait ]; then wait_flag=(--wait); shift; fi
[ $# -eq 1 ] || { echo "usage: jobs/pipeline.sh [--wait] CONFIG" >&2; exit 2; }
here=$(cd "$(dirname "$0")" && pwd)
export AEMIGAP_HOME=${AEMIGAP_HOME:-$(dirname "$here")}
AEMIGAP_CONFIG=$(realpath "$1")
export AEMIGAP_CONFIG
ntasks=${AEMIGAP_NTASKS:-2} cpus=${AEMIGAP_CPUS:-1}
embed_cpus=${AEMIGAP_EMBED_CPUS:-$((ntasks * cpus))}
# shellcheck disable=SC2206
extra=(${AEMIGAP_SBATCH:-} --parsable --kill-on-invalid-dep=yes)
dep=()
submit() {  # submit NAME TASKS CPUS SCRIPT [args]: prints the job id
  local name=$1 n=$2 c=$3 script=$4 id
  shift 4
  id=$(sbatch "${extra[@]}" "${dep[@]}" --job-name="aemigap-$name" --ntasks="$n" --cpus-per-task="$c" "$@" \
       "$here/$script" "${args[@]}") || { echo "$id"; return 1; }
  echo "$id"
}
ids=()
for stage in ingest embed negatives train-ae cv score report; do
  args=()
  case $stage in
    ingest) n=1 c=$cpus script=stage.sbatch args=(ingest) ;;
    embed) n=1 c=$embed_cpus script=stage.sbatch args=(embed) ;;
    cv) n=$ntasks c=$cpus script=cv.sbatch ;;
    score) n=$ntasks c=$cpus script=score.sbatch ;;
    *) n=$ntasks c=$cpus script=stage.sbatch args=("$stage") ;;
  esac
  last=()
  [ $stage = report ] && last=("${wait_flag[@]}")
  id=$(submit "$stage" "$n" "$c" "$script" "${last[@]}") || { echo "pipeline: the $stage job $id failed (earlier: ${ids[*]}); see aemigap-$stage-$id.out" >&2; exit 1; }
  ids+=("$stage=$id")
  dep=("--dependency=afterok:$id")
done
echo "pipeline submitted: ${ids[*]}"
