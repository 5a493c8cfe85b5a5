#!/usr/bin/env bash
# The GPU path checked in one command, its result a short table saved to a file:
#   1. builds aemigap and the checks (CMake; LibTorch from the PyTorch wheel on a GPU machine);
#   2. collectives_check --backend nccl (2 ranks; element by element, nccl-tests style);
#   3. dp_parity_check --nccl (2 ranks vs 1, DDP-style parity);
#   4. a smoke cv on the GPU (--device cuda) on the bundled data;
#   5. the scoring benchmark of the full pool's shape: the device scorer (fp32, bf16) on every
#      row, against the CPU kernel on two.
#
#   env/device-check.sh [--cpu-only] [--kit FILE|DIR] [--build-dir DIR] [--work DIR] [--out FILE]
#
# --cpu-only: the dry run on a machine without a GPU (ctest device_check_cpu_only). The same
# targets against the CPU LibTorch found by CMake, the MPI backend where NCCL would run, and
# --device cpu; nothing in it says anything about a GPU.
# Defaults: --build-dir build-device, --work out/device-check, --out WORK/device-check.md.
# --kit: MPI, HDF5, Boost.Program_options, GTest, XGBoost and nlohmann-json from the kit that
# env/device-kit.sh made (its tarball, or the folder it unpacks to), for a machine that has none
# of them and cannot fetch them; without it they are wherever CMake finds them (env/README.md).
# Exit status: the number of failed checks (0: all passed).
set -uo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
cpu_only=0 build=$here/build-device work=$here/out/device-check out= kit=
while [ $# -gt 0 ]; do
  case $1 in
    --cpu-only) cpu_only=1; shift ;;
    --build-dir) build=$2; shift 2 ;;
    --work) work=$2; shift 2 ;;
    --out) out=$2; shift 2 ;;
    --kit) kit=$2; shift 2 ;;
    *) echo "usage: env/device-check.sh [--cpu-only] [--kit FILE|DIR] [--build-dir DIR] [--work DIR] [--out FILE]" >&2; exit 2 ;;
  esac
done
mkdir -p "$work"
work=$(cd "$work" && pwd)
out=${out:-$work/device-check.md}
t_start=$(date +%s)
rows=()
failed=0
# check NAME WHAT CMD...: runs CMD (log in WORK/NAME.log), records a row; 77 = skipped
check() {
  local name=$1 what=$2 t0 rc status
  shift 2
  t0=$(date +%s)
  "$@" > "$work/$name.log" 2>&1
  rc=$?
  case $rc in
    0) status=passed ;;
    77) status="skipped: $(tail -n 1 "$work/$name.log")" ;;
    *) status="FAILED (exit $rc; $work/$name.log)"; failed=$((failed + 1)) ;;
  esac
  rows+=("| $name | $what | $status | $(( $(date +%s) - t0 )) s |")
  echo "[device-check] $name: $status"
}

# 1. build
cmake_args=(-DCMAKE_BUILD_TYPE=Release)
prefixes=()
if [ $cpu_only = 0 ]; then
  command -v nvcc > /dev/null || { echo "device-check: no nvcc (a CUDA toolkit is needed; --cpu-only for the dry run)" >&2; exit 2; }
  torch_prefix=$(python3 -c 'import torch; print(torch.utils.cmake_prefix_path)' 2> /dev/null) ||
    { echo "device-check: no PyTorch wheel (python3 -c 'import torch' failed): LibTorch comes from it" >&2; exit 2; }
  prefixes+=("$torch_prefix")
  # NCCL from the wheel (nvidia-nccl-cu*): its library has only the versioned name.
  nccl_dir=$(python3 -c 'import nvidia.nccl, os; print(list(nvidia.nccl.__path__)[0])' 2> /dev/null) || true
  if [ -n "$nccl_dir" ] && [ -f "$nccl_dir/include/nccl.h" ]; then
    nccl_lib=$(ls "$nccl_dir"/lib/libnccl.so* 2> /dev/null | head -n 1)
    [ -n "$nccl_lib" ] && cmake_args+=("-DNCCL_INCLUDE_DIR=$nccl_dir/include" "-DNCCL_LIBRARY=$nccl_lib")
  fi
fi
if [ -n "$kit" ]; then
  # The kit: unpacked (a tarball) outside the source tree (CMake refuses a library's include
  # folder inside it), then Open MPI and PMIx told where they now live (OPAL_*, PMIX_*: Debian
  # built them for /usr), HDF5's compiler wrapper rewritten for the kit's paths and shared
  # linking, the libraries on the loader's path for the build and every check after it.
  if [ -f "$kit" ]; then
    kit_root=${TMPDIR:-/tmp}/aemigap-device-kit
    rm -rf "$kit_root" && mkdir -p "$kit_root" && tar -C "$kit_root" -xzf "$kit" ||
      { echo "device-check: cannot unpack the kit $kit into $kit_root" >&2; exit 2; }
    kit=$kit_root/kit
  fi
  [ -f "$kit/KIT.md" ] || { echo "device-check: $kit is not a kit of env/device-kit.sh (no KIT.md)" >&2; exit 2; }
  kit=$(cd "$kit" && pwd)
  case $kit/ in
    "$here"/*) echo "device-check: the kit's folder $kit lies inside the source tree, where CMake refuses its include folders; pass the tarball or a folder elsewhere" >&2; exit 2 ;;
  esac
  klib=$(ls -d "$kit"/usr/lib/*-linux-gnu | head -n 1)  # the kit's own multiarch folder
  # development links to libraries the kit leaves to the host (zlib): to the host's copy
  for l in "$klib"/lib*.so; do
    [ -L "$l" ] && [ ! -e "$l" ] || continue
    name=$(basename "$l" .so)
    host=$(ldconfig -p | awk -v n="$name" '$1 ~ "^" n "\\.so\\.[0-9]+$" { print $NF; exit }')
    [ -n "$host" ] && ln -sf "$host" "$l"
  done
  export OPAL_PREFIX=$kit/usr OPAL_EXEC_PREFIX=$kit/usr OPAL_LIBDIR=$klib/openmpi/lib \
    OPAL_INCLUDEDIR=$klib/openmpi/include OPAL_DATADIR=$kit/usr/share OPAL_DATAROOTDIR=$kit/usr/share \
    OPAL_PKGDATADIR=$kit/usr/share/openmpi OPAL_PKGLIBDIR=$klib/openmpi/lib/openmpi3 \
    OPAL_SYSCONFDIR=$kit/etc/openmpi OPAL_BINDIR=$kit/usr/bin \
    PMIX_PREFIX=$klib/pmix2 PMIX_LIBDIR=$klib/pmix2/lib PMIX_PKGLIBDIR=$klib/pmix2/lib/pmix
  export PATH=$kit/usr/bin:$PATH
  export LD_LIBRARY_PATH=$klib:$klib/openmpi/lib:$klib/hdf5/openmpi${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}
  mkdir -p "$work/kit-bin"
  sed -e "s|^prefix=\"/usr\"|prefix=\"$kit/usr\"|" -e 's|^H5BLD_LIBS=.*|H5BLD_LIBS="-lsz -lz -ldl -lm "|' \
    -e 's|HDF5_USE_SHLIB:-no|HDF5_USE_SHLIB:-yes|' -e 's|mpicc.openmpi|mpicc|g' "$kit/usr/bin/h5pcc.openmpi" > "$work/kit-bin/h5pcc"
  chmod +x "$work/kit-bin/h5pcc"
  prefixes+=("$kit/usr")
  cmake_args+=("-DMPI_C_COMPILER=$kit/usr/bin/mpicc" "-DMPIEXEC_EXECUTABLE=$kit/usr/bin/mpiexec"
               "-DHDF5_C_COMPILER_EXECUTABLE=$work/kit-bin/h5pcc")
fi
if [ ${#prefixes[@]} -gt 0 ]; then
  cmake_args+=("-DCMAKE_PREFIX_PATH=$(IFS=';'; echo "${prefixes[*]}")")
fi
command -v ninja > /dev/null && [ ! -f "$build/CMakeCache.txt" ] && cmake_args+=(-G Ninja)
build_it() {
  { [ -f "$build/CMakeCache.txt" ] || cmake -S "$here" -B "$build" "${cmake_args[@]}"; } &&
    cmake --build "$build" -j "$(nproc)" --target aemigap collectives_check dp_parity_check aemigap_device_score_bench
}
check build "aemigap + checks ($([ $cpu_only = 1 ] && echo 'CPU LibTorch' || echo 'LibTorch of the PyTorch wheel'))" build_it
bin=$build/aemigap
find_target() { find "$build" -type f -name "$1" -perm -u+x | head -n 1; }
collectives=$(find_target collectives_check) parity=$(find_target dp_parity_check) bench=$(find_target aemigap_device_score_bench)
mpi=(mpiexec --oversubscribe --bind-to none)
[ "$(id -u)" = 0 ] && mpi+=(--allow-run-as-root)

if [ $cpu_only = 1 ]; then backend=mpi nccl_flag=() device=cpu; else backend=nccl nccl_flag=(--nccl) device=cuda; fi
# 2., 3.
check collectives "allreduce/broadcast/allgather(v)/split, 2 ranks, backend $backend" \
  "${mpi[@]}" -np 2 "$collectives" --backend "$backend"
rm -rf "$work/dp_parity"
check dp_parity "data-parallel training, 2 ranks vs 1 ($backend)" \
  "${mpi[@]}" -np 2 "$parity" "$work/dp_parity" "${nccl_flag[@]}"

# 4. the smoke preset, cv on the device: on a GPU the whole bundled data (the benchmark below
# then scores the full pool's shape, 2,568 x 13,101); in the dry run the first 24 miRNAs.
if [ $cpu_only = 1 ]; then pool="24 miRNAs"; else pool="the bundled data"; fi
smoke() {
  rm -rf "$work/smoke.h5" "$work/smoke.h5.lock" "$work/results"
  local pairs=(--cv-subsample 4000)
  if [ $cpu_only = 1 ]; then
    zcat "$here/data/mirtarbase7_hsa_pairs.tsv.gz" |
      awk -F'\t' 'NR == 1 { print; next } { if (!($1 in m)) { if (n >= 24) next; m[$1] = 1; n++ } print }' > "$work/pairs.tsv"
    pairs=(--pairs "$work/pairs.tsv" --cv-subsample 0)
  fi
  local cfg=(--config "$here/configs/smoke.ini" "${pairs[@]}" --store "$work/smoke.h5"
             --results-dir "$work/results" --cv-protocols paper --device "$device")
  local st
  for st in ingest embed negatives train-ae cv; do
    "$bin" $st "${cfg[@]}" || return 1
  done
  grep -q "lstm" "$work/results/cv_summary.md"
}
check smoke_cv "ingest -> cv, smoke preset, $pool, --device $device" smoke

# 5. the scoring benchmark: fp32 vs the kernel (<= 1e-5), bf16 vs fp32 (Spearman), rates
if [ $cpu_only = 1 ]; then bench_rows=(4 2 65536 2); else bench_rows=(100000 2 1048576 2); fi  # GPU: every row
check score_bench "device scorer fp32/bf16 vs the CPU kernel ($device)" \
  "$bench" "$work/smoke.h5" "$work/results/model.pt" "$device" "${bench_rows[@]}"

{
  echo "# env/device-check.sh$([ $cpu_only = 1 ] && echo ' --cpu-only (dry run: no GPU used)')"
  echo
  echo "$(date -Is) on $(hostname), $(nproc) CPUs$(command -v nvidia-smi > /dev/null && nvidia-smi --query-gpu=name --format=csv,noheader | head -n 1 | sed 's/^/, GPU /')"
  echo
  echo "| check | what | result | time |"
  echo "|---|---|---|---|"
  printf '%s\n' "${rows[@]}"
  echo
  echo "Scoring benchmark:"
  echo
  grep -E '^\||vs kernel|pool ' "$work/score_bench.log" 2> /dev/null || echo "(no output)"
  echo
  echo "Total $(( $(date +%s) - t_start )) s; $failed failed."
} > "$out"
cat "$out"
exit "$failed"
