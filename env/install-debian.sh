#!/usr/bin/env bash
# Installs everything aemigap needs from the Debian 12 archive. Idempotent: does nothing
# (and needs no network) when every package is already installed. Uses sudo when not root.
set -euo pipefail

PACKAGES=(
  # build
  build-essential cmake ninja-build git pkg-config zlib1g-dev
  # the stack: LibTorch (+ OpenBLAS with OpenMP: without it LibTorch falls back to the
  # reference BLAS and runs ~14x slower), Open MPI, parallel HDF5, Boost, tests, benchmarks
  libtorch-dev libopenblas0-openmp
  libopenmpi-dev openmpi-bin libhdf5-dev libhdf5-openmpi-dev hdf5-tools
  libboost-program-options-dev libgtest-dev libbenchmark-dev
  # gradient boosting for the ensemble ranker (its C API)
  libxgboost-dev nlohmann-json3-dev
  # a real single-node Slurm for the jobs/ tests
  slurmctld slurmd slurm-client munge
  # Python side: h5py (store checks in tests), scikit-learn (metric checks), PyTorch and
  # gensim (the baselines of benchmarks/compare), pandas and anndata (the exports read back)
  python3 python3-h5py python3-sklearn python3-torch python3-gensim python3-numpy python3-pandas python3-anndata
  # workflow/Snakefile and its test
  snakemake
)

missing=()
for p in "${PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
if [ ${#missing[@]} -eq 0 ]; then
  echo "env/install-debian.sh: all ${#PACKAGES[@]} packages present"
  exit 0
fi

SUDO=()
[ "$(id -u)" -eq 0 ] || SUDO=(sudo)
echo "env/install-debian.sh: installing ${#missing[@]} packages: ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
"${SUDO[@]}" apt-get update -q
"${SUDO[@]}" apt-get install -y -q --no-install-recommends "${missing[@]}"
