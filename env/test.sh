#!/usr/bin/env bash
# The README's second command (and CI's): install, build, run the whole test suite.
# Extra arguments go to ctest (e.g. -L mpi, -R Fasta).
set -euo pipefail
cd "$(dirname "$0")/.."
env/install-debian.sh
env/build.sh
cd "${AEMIGAP_BUILD_DIR:-build}"
ctest --output-on-failure -j "${AEMIGAP_TEST_JOBS:-2}" "$@"
