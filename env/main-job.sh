#!/usr/bin/env bash
# The README's first command: install, build, and run the whole pipeline on the bundled
# data with the quick preset. Results go to out/ (the store out/aemigap.h5 and reports).
set -euo pipefail
cd "$(dirname "$0")/.."
env/install-debian.sh build
env/build.sh
mkdir -p out
build/aemigap run --config configs/quick.ini "$@"
