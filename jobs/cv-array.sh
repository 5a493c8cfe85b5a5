#!/usr/bin/env bash
# Submits the CV as a job array (one fold, or the final model, per task) plus a merge job that runs when every
# task has succeeded; prints the job ids.
#   jobs/cv-array.sh [--wait] CONFIG [sbatch options for the fold tasks...]
# --wait: return when the merge job ends, with its exit status.
set -euo pipefail
wait_flag=()
if [ "${1:-}" = --wait ]; then wait_flag=(--wait); shift; fi
[ $# -ge 1 ] || { echo "usage: jobs/cv-array.sh [--wait] CONFIG [sbatch options]" >&2; exit 2; }
here=$(cd "$(dirname "$0")" && pwd)
export AEMIGAP_HOME=${AEMIGAP_HOME:-$(dirname "$here")}
export AEMIGAP_BIN=${AEMIGAP_BIN:-$AEMIGAP_HOME/build/aemigap}
AEMIGAP_CONFIG=$(realpath "$1")
export AEMIGAP_CONFIG
shift
# The tasks: protocols x folds + the final model, as the binary lists them.
# shellcheck disable=SC2086
n=$("$AEMIGAP_BIN" cv --config "$AEMIGAP_CONFIG" ${AEMIGAP_ARGS:-} --list-tasks | grep -c .)
array=$(sbatch --parsable --array=1-$n "$@" "$here/cv-array.sbatch")
merge=$(sbatch --parsable "${wait_flag[@]}" --dependency="afterok:$array" --kill-on-invalid-dep=yes \
        --job-name=aemigap-cv-merge --ntasks=1 "$here/stage.sbatch" cv --cv-merge) || {
  echo "cv array $array: the merge job failed" >&2; exit 1; }
echo "cv array job $array ($n tasks: \`aemigap cv --list-tasks\` lists them), merge job $merge"
