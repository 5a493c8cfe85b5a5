#!/usr/bin/env bash
# Installs what aemigap needs from the Debian 12 archive, in three nested sets:
#   runtime  the shared libraries an installed aemigap runs with, and mpiexec: a compute
#            node that runs a binary built elsewhere (cmake --install to a shared prefix)
#   build    runtime + compilers and headers: builds the project and runs the pipeline
#            (env/main-job.sh, the README's first command)
#   dev      build + tests, benchmarks, a test Slurm (one node, and three in namespaces), the Python side of the tests
#            and baselines, Snakemake (env/test.sh, the README's second command, and CI)
# Usage: env/install-debian.sh [runtime|build|dev]   (default: dev)
#        env/install-debian.sh --list SET            (print the set's packages, install nothing)
# Idempotent: does nothing (and needs no network) when every package is already installed.
# Uses sudo when not root.
set -euo pipefail

RUNTIME=(
  # LibTorch (+ OpenBLAS with OpenMP: without it LibTorch falls back to the reference BLAS
  # and runs ~14x slower), Open MPI and mpiexec, parallel HDF5, Boost, XGBoost, zlib
  libtorch1.13 libopenblas0-openmp
  libopenmpi3 openmpi-bin libhdf5-openmpi-103-1 hdf5-tools
  libboost-program-options1.74.0 libxgboost0 zlib1g
)
BUILD=(
  build-essential cmake ninja-build git pkg-config zlib1g-dev
  libtorch-dev libopenmpi-dev libhdf5-dev libhdf5-openmpi-dev
  libboost-program-options-dev libxgboost-dev nlohmann-json3-dev
)
DEV=(
  libgtest-dev libbenchmark-dev
  # a real Slurm for the jobs/ tests: one node, and three nodes in network namespaces
  slurmctld slurmd slurm-client munge iproute2 util-linux
  # Python side: h5py (store checks in tests), scikit-learn (metric checks), PyTorch and
  # gensim (the baselines of benchmarks/compare), pandas and anndata (the exports read back)
  python3 python3-h5py python3-sklearn python3-torch python3-gensim python3-numpy python3-pandas python3-anndata
  # R (the export read back by read.delim in a test) and workflow/Snakefile with its test
  r-base-core snakemake
)

list=0
if [ "${1:-}" = "--list" ]; then
  list=1
  shift
fi
set_name=${1:-dev}
case "$set_name" in
  runtime) PACKAGES=("${RUNTIME[@]}") ;;
  build) PACKAGES=("${RUNTIME[@]}" "${BUILD[@]}") ;;
  dev) PACKAGES=("${RUNTIME[@]}" "${BUILD[@]}" "${DEV[@]}") ;;
  *)
    echo "env/install-debian.sh: unknown set '$set_name' (runtime, build or dev)" >&2
    exit 2
    ;;
esac
if [ $list = 1 ]; then
  printf '%s\n' "${PACKAGES[@]}"
  exit 0
fi

missing=()
for p in "${PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
if [ ${#missing[@]} -eq 0 ]; then
  echo "env/install-debian.sh: all ${#PACKAGES[@]} packages of the $set_name set present"
  exit 0
fi

SUDO=()
[ "$(id -u)" -eq 0 ] || SUDO=(sudo)
echo "env/install-debian.sh: installing ${#missing[@]} packages of the $set_name set: ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
"${SUDO[@]}" apt-get update -q
"${SUDO[@]}" apt-get install -y -q --no-install-recommends "${missing[@]}"
