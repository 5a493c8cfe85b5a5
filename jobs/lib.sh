# Shared by the batch scripts in jobs/ (sourced; not a job itself).
#
# Environment (all optional except where noted):
#   AEMIGAP_HOME    the repository (default: the directory sbatch was called from)
#   AEMIGAP_BIN     the binary (default: $AEMIGAP_HOME/build/aemigap)
#   AEMIGAP_CONFIG  the config file (default: $AEMIGAP_HOME/configs/quick.ini)
#   AEMIGAP_ARGS    extra options for every stage, e.g. "--store /scratch/me/a.h5"
#   AEMIGAP_LAUNCH  the MPI launcher (default: "srun --mpi=pmix" where Slurm has PMIx,
#                   else "mpirun"); a job's resources come from its #SBATCH lines or the
#                   sbatch command line (-N, -n, --cpus-per-task, --gres, -t).

set -uo pipefail
# Shared file systems (NFS, Lustre, GPFS) often lack the POSIX locks HDF5 asks for.
export HDF5_USE_FILE_LOCKING=FALSE

AEMIGAP_HOME=${AEMIGAP_HOME:-${SLURM_SUBMIT_DIR:-$PWD}}
AEMIGAP_BIN=${AEMIGAP_BIN:-$AEMIGAP_HOME/build/aemigap}
AEMIGAP_CONFIG=${AEMIGAP_CONFIG:-$AEMIGAP_HOME/configs/quick.ini}
AEMIGAP_ARGS=${AEMIGAP_ARGS:-}
job_tag="[${SLURM_JOB_NAME:-aemigap} ${SLURM_JOB_ID:-no-job}${SLURM_ARRAY_TASK_ID:+ task $SLURM_ARRAY_TASK_ID}]"

die() {
  echo "$job_tag ERROR: $*" >&2
  exit 1
}

[ -n "${SLURM_JOB_ID:-}" ] || die "not inside a Slurm job: submit this script with sbatch"
[ -x "$AEMIGAP_BIN" ] || die "no aemigap binary at $AEMIGAP_BIN (build with env/build.sh, or set AEMIGAP_BIN)"
[ -f "$AEMIGAP_CONFIG" ] || die "no config file at $AEMIGAP_CONFIG (set AEMIGAP_CONFIG)"

if [ -z "${AEMIGAP_LAUNCH:-}" ]; then
  if srun --mpi=list 2>&1 | grep -q pmix; then AEMIGAP_LAUNCH="srun --mpi=pmix"; else AEMIGAP_LAUNCH="mpirun"; fi
fi

echo "$job_tag $(date -Is) on ${SLURM_JOB_NODELIST:-?}: ${SLURM_NTASKS:-1} task(s) x ${SLURM_CPUS_PER_TASK:-?} CPU(s); config $AEMIGAP_CONFIG; launcher $AEMIGAP_LAUNCH"

# aemigap_run STAGE [options]: runs the stage on the job's tasks; fails the job loudly.
aemigap_run() {
  local stage rc
  stage=("$1")
  shift
  # experiment NAME: the name comes right after the command
  if [ "${stage[0]}" = experiment ] && [ $# -ge 1 ]; then stage+=("$1"); shift; fi
  # shellcheck disable=SC2086  # AEMIGAP_LAUNCH and AEMIGAP_ARGS are word lists
  $AEMIGAP_LAUNCH "$AEMIGAP_BIN" "${stage[@]}" --config "$AEMIGAP_CONFIG" $AEMIGAP_ARGS "$@"
  rc=$?
  [ $rc -eq 0 ] || die "aemigap ${stage[*]} failed with exit code $rc"
  echo "$job_tag $(date -Is) aemigap ${stage[*]} done"
}
