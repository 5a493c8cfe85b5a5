#!/usr/bin/env bash
# cmake --install into a prefix, then from the prefix alone: the binary runs the smoke preset
# installed in share/aemigap, and a program outside the project builds against the exported
# package (find_package(aemigap)) and reads that store (counts equal h5py's).
set -euo pipefail
build=$1 src=$2 work=$3 py=$4
rm -rf "$work"; mkdir -p "$work"; cd "$work"
cmake --install "$build" --prefix "$work/prefix" > install.log || { cat install.log; echo "FAIL: cmake --install"; exit 1; }
p=$work/prefix
for f in bin/aemigap share/aemigap/configs/smoke.ini share/aemigap/data/gene_ids.tsv.gz share/aemigap/workflow/Snakefile \
         share/aemigap/jobs/score.sbatch include/aemigap/core/store.hpp lib/cmake/aemigap/aemigapConfig.cmake; do
  [ -e "$p/$f" ] || { echo "FAIL: $f not installed"; exit 1; }
done
"$p/bin/aemigap" --version
# every library the installed binary needs comes from a package of the runtime set
runtime=$("$src/env/install-debian.sh" --list runtime)
for lib in $(readelf -d "$p/bin/aemigap" | sed -n 's/.*(NEEDED).*\[\(.*\)\]/\1/p'); do
  path=$({ ldconfig -p || true; } | awk -v l="$lib" '$1 == l && /x86-64/ {print $NF; exit}')  # awk ends ldconfig early
  [ -n "$path" ] || { echo "FAIL: $lib (needed by bin/aemigap) not found by ldconfig"; exit 1; }
  real=$(readlink -f "$path") pkg=
  for f in "$real" "${real#/usr}" "$path"; do  # merged /usr: dpkg may list /lib/... for /usr/lib/...
    [ -n "$pkg" ] || pkg=$(dpkg -S "$f" 2>/dev/null | head -1 | cut -d: -f1) || true
  done
  if [ -z "$pkg" ]; then  # CUDA and NCCL of a GPU build come from outside Debian
    case "$real" in /usr/local/* | /opt/*) echo "note: $lib is $real, not from a Debian package"; continue ;; esac
    echo "FAIL: $lib ($real) belongs to no Debian package"; exit 1
  fi
  case "$pkg" in libc6 | libgcc-s1 | libstdc++6) continue ;; esac  # essential: on every Debian system
  grep -qx "$pkg" <<< "$runtime" || { echo "FAIL: $lib comes from $pkg, which env/install-debian.sh runtime lacks"; exit 1; }
done
echo "ok: every NEEDED library of bin/aemigap is in env/install-debian.sh's runtime set"
{ zcat "$p/share/aemigap/data/mirtarbase7_hsa_pairs.tsv.gz" || true; } | head -200 > small.tsv  # zcat ends on SIGPIPE
"$p/bin/aemigap" ingest --config "$p/share/aemigap/configs/smoke.ini" --pairs small.tsv --store s.h5 > ingest.log 2>&1 ||
  { cat ingest.log; echo "FAIL: the installed binary with the installed preset"; exit 1; }
cmake -S "$src/tests/install/consumer" -B consumer -DCMAKE_PREFIX_PATH="$p" -DCMAKE_BUILD_TYPE=Release > cfg.log 2>&1 ||
  { cat cfg.log; echo "FAIL: find_package(aemigap)"; exit 1; }
cmake --build consumer -j2 > build.log 2>&1 || { tail -30 build.log; echo "FAIL: the consumer does not build"; exit 1; }
got=$(./consumer/consumer s.h5 "$p/share/aemigap/data/gene_ids.tsv.gz")
want=$("$py" -c "
import h5py; f = h5py.File('s.h5', 'r')
print(len(f['mirna/name']), len(f['gene/name']), len(f['pairs/positive']), 'KRAS' if b'KRAS' in f['gene/name'][:] else '-', f['pairs'].attrs['content_id'])")
[ "$got" = "$want" ] || { echo "FAIL: consumer says '$got', h5py '$want'"; exit 1; }
echo "ok: installed to a prefix; the installed binary runs its preset; a consumer built with find_package(aemigap) reads the store: $got"
