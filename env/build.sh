#!/usr/bin/env bash
# Configures and builds aemigap into build/ (Ninja, Release). Extra arguments go to cmake.
set -euo pipefail
cd "$(dirname "$0")/.."
BUILD_DIR=${AEMIGAP_BUILD_DIR:-build}
cmake -S . -B "$BUILD_DIR" -G Ninja -DCMAKE_BUILD_TYPE=Release "$@"
cmake --build "$BUILD_DIR" -j "${AEMIGAP_BUILD_JOBS:-$(nproc)}"
