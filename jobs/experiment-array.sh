#!/usr/bin/env bash
# Submits one of the paper's experiments (latent-sweep | folds | ae-vs-pair | models) as a
# job array over all its units (variant x protocol x fold, and each final model) plus a merge
# job that writes its tables when every task has succeeded; prints the job ids.
#   jobs/experiment-array.sh [--wait] NAME CONFIG [sbatch options for the tasks...]
# --wait: return when the merge job ends, with its exit status. Tasks of the latent sweep fit
# their latent's autoencoder when no task has cached it yet (tasks of one latent that start
# together may each fit it: the same result, written atomically).
set -euo pipefail
wait_flag=()
if [ "${1:-}" = --wait ]; then wait_flag=(--wait); shift; fi
[ $# -ge 2 ] || { echo "usage: jobs/experiment-array.sh [--wait] NAME CONFIG [sbatch options]" >&2; exit 2; }
here=$(cd "$(dirname "$0")" && pwd)
export AEMIGAP_HOME=${AEMIGAP_HOME:-$(dirname "$here")}
export AEMIGAP_BIN=${AEMIGAP_BIN:-$AEMIGAP_HOME/build/aemigap}
name=$1
AEMIGAP_CONFIG=$(realpath "$2")
export AEMIGAP_CONFIG
shift 2
# shellcheck disable=SC2086
n=$("$AEMIGAP_BIN" experiment "$name" --config "$AEMIGAP_CONFIG" ${AEMIGAP_ARGS:-} --list-tasks | grep -c .)
array=$(sbatch --parsable --array=1-$n --job-name="aemigap-exp-$name" "$@" "$here/experiment-array.sbatch" "$name")
merge=$(sbatch --parsable "${wait_flag[@]}" --dependency="afterok:$array" --kill-on-invalid-dep=yes \
        --job-name="aemigap-exp-$name-merge" --ntasks=1 "$here/stage.sbatch" experiment "$name" --experiment-merge) || {
  echo "experiment $name array $array: the merge job failed" >&2; exit 1; }
echo "experiment $name array job $array ($n tasks: \`aemigap experiment $name --list-tasks\` lists them), merge job $merge"
