#!/usr/bin/env bash
# Prepares, on a Debian 12 machine with network (the CPU machine), the kit of Debian packages
# that env/device-check.sh --kit builds against on a bare GPU machine: one that has CUDA,
# nvcc, CMake, ninja and a PyTorch wheel (LibTorch and NCCL come from the wheel) but no MPI,
# HDF5, Boost or GTest, and that cannot fetch anything.
#
#   env/device-kit.sh [--out FILE] [--check]
#
# The kit is one tarball (default device-kit.tar.gz at the repository root; ignored by git):
#   - Open MPI 4.1 (libraries, mpicc, mpiexec), parallel HDF5 1.10 (openmpi flavour),
#     Boost.Program_options 1.74 (its library and only the Boost headers the project's
#     includes reach), GoogleTest/GoogleMock 1.12, XGBoost 1.7 (C API), nlohmann-json, zlib
#     headers: the packages Debian 12 names in env/install-debian.sh's build set;
#   - plus every shared library those need (ELF NEEDED, followed to a fixed point) that is not
#     part of glibc, the GCC runtime (libstdc++, libgcc_s, libgomp) or zlib, which any machine
#     with a compiler has;
#   - without the plugins for networks a one-node check never uses (InfiniBand verbs, UCX,
#     libfabric, PSM, munge), Fortran bindings, static libraries other than GoogleTest's,
#     documentation (each package's copyright file, its licence, is kept) and manuals.
# KIT.md inside it lists every package with its version (the provenance: the Debian 12
# archive this machine's apt points at). The binaries need glibc >= 2.36 (Debian 12's).
#
# --check: then runs env/device-check.sh --cpu-only --kit FILE with the system's own copies of
# the kit's packages hidden (a private mount namespace; root only), so that the build can only
# succeed from the kit: the dry run of the kit itself, on the CPU LibTorch.
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
out=$here/device-kit.tar.gz
check=0
while [ $# -gt 0 ]; do
  case $1 in
    --out) out=$2; shift 2 ;;
    --check) check=1; shift ;;
    *) echo "usage: env/device-kit.sh [--out FILE] [--check]" >&2; exit 2 ;;
  esac
done
command -v apt-get > /dev/null && command -v dpkg-deb > /dev/null ||
  { echo "device-kit: needs Debian's apt-get and dpkg-deb (a Debian 12 machine)" >&2; exit 2; }
limit_mib=60
arch=$(dpkg-architecture -qDEB_HOST_MULTIARCH 2> /dev/null || echo x86_64-linux-gnu)

# The packages the build needs, by name; their libraries' dependencies are found below.
ROOTS=(
  libopenmpi3 libopenmpi-dev openmpi-bin openmpi-common
  libhdf5-openmpi-103-1 libhdf5-openmpi-dev libaec0 libaec-dev libsz2
  libboost1.74-dev libboost-program-options1.74.0 libboost-program-options1.74-dev
  libgtest-dev libxgboost0 libxgboost-dev libdmlc0 nlohmann-json3-dev zlib1g-dev
)
# Libraries any machine with a compiler has: not carried (their Debian copies would shadow the
# host's newer ones).
BASE_SONAMES='^(ld-linux-x86-64|libc|libm|libdl|libpthread|librt|libresolv|libutil|libstdc\+\+|libgcc_s|libgomp|libz)\.so'
# Plugins for networks and services a one-node check does not use: dropped, with whatever
# needs them, instead of carrying their stacks.
DROP_NEEDED='^(libmca_common_(ofi|ucx|verbs)|libnl-|libfabric|libuc[pstm]|libpsm|libibverbs|librdmacm|libmunge|libgfortran|libnvidia|libcuda|libOpenCL|libGL|libX|libjvm)'

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
root=$work/kit
mkdir -p "$work/debs" "$root"
declare -A fetched=()

fetch() {  # fetch PKG...: download (the candidate version) and unpack into the kit
  local p new=()
  for p in "$@"; do [ -n "${fetched[$p]:-}" ] || { fetched[$p]=1; new+=("$p"); }; done
  [ ${#new[@]} -gt 0 ] || return 0
  echo "[device-kit] downloading ${new[*]}"
  (cd "$work/debs" && apt-get download -qq "${new[@]}") ||
    { echo "device-kit: apt-get download failed (no network, or a package unknown to this apt)" >&2; exit 1; }
  local deb
  for p in "${new[@]}"; do
    deb=$(ls "$work/debs/${p}_"*.deb | head -n 1)
    dpkg-deb -x "$deb" "$root"
    echo "$p $(dpkg-deb -f "$deb" Version)" >> "$work/packages"
  done
}

elf_files() { find "$root" -type f \( -name '*.so*' -o -perm -u+x \) -exec sh -c 'head -c 4 "$1" | grep -q ELF && echo "$1"' _ {} \; ; }
needed() { readelf -d "$1" 2> /dev/null | sed -n 's/.*(NEEDED).*\[\(.*\)\]/\1/p'; }

# Drops the plugins of Open MPI, PMIx and hwloc that need what the kit does not carry, and
# the Fortran and Java bindings. A core library that needs such a soname is not dropped: its
# dependency enters the closure like any other.
drop_unneeded() {  # the ELF files on standard input
  local f
  while read -r f; do
    case $f in
      *fortran* | *mpifh* | *usempi* | *mpi_java*) rm -f "$f" ;;
      */openmpi/lib/openmpi3/* | */libmca_common_* | */pmix2/lib/pmix/* | */hwloc/*)
        if needed "$f" | grep -Eq "$DROP_NEEDED"; then rm -f "$f"; fi ;;
    esac
  done
}

fetch "${ROOTS[@]}"
# The shared-library closure: every NEEDED soname is in the kit or in the base set; a missing
# one is found by the package that holds it on this machine (env/install-debian.sh installed
# them), fetched, and the loop repeats.
while :; do
  elves=$(elf_files)  # one scan per round: the drop and the closure share it
  drop_unneeded <<< "$elves"
  provided=$(find "$root" -name '*.so*' -xtype f -printf '%f\n' | sort -u)  # a dangling link provides nothing
  missing=()
  for f in $elves; do
    [ -f "$f" ] || continue  # dropped
    for s in $(needed "$f"); do
      [[ $s =~ $BASE_SONAMES ]] && continue
      grep -qxF "$s" <<< "$provided" || missing+=("$s")
    done
  done
  [ ${#missing[@]} -gt 0 ] || break
  pkgs=()
  for s in $(printf '%s\n' "${missing[@]}" | sort -u); do
    p=$(dpkg -S "*/$s" 2> /dev/null | head -n 1 | cut -d: -f1) ||
      true
    [ -n "$p" ] || { echo "device-kit: no installed package holds $s (run env/install-debian.sh first)" >&2; exit 1; }
    pkgs+=("$p")
  done
  before=${#fetched[@]}
  fetch "${pkgs[@]}"
  [ ${#fetched[@]} -gt "$before" ] ||
    { echo "device-kit: ${missing[*]} still missing after fetching their packages" >&2; exit 1; }
done

# Prune: documentation but the copyright files, manuals, static libraries but GoogleTest's,
# GoogleTest's sources, the JavaScript of Open MPI's docs, HDF5's examples.
find "$root/usr/share/doc" -type f ! -name copyright -delete 2> /dev/null || true
rm -rf "$root"/usr/share/{man,info,lintian,bug,doc-base,javascript,locale} "$root/usr/src" \
  "$root"/usr/share/hdf5* "$root"/usr/lib/"$arch"/hdf5/openmpi/examples
find "$root" -name '*.a' ! -name 'libgtest*' ! -name 'libgmock*' -delete
# Open MPI: no Fortran modules, OpenSHMEM or Java (the project uses MPI's C API), and of its
# internal headers only the C++ bindings that mpi.h reaches.
lib=$root/usr/lib/$arch
ompi_inc=$lib/openmpi/include
rm -rf "$lib/fortran" "$lib"/liboshmem* "$ompi_inc"/openshmem "$ompi_inc"/*shmem* "$ompi_inc"/mpif* \
  "$root"/usr/bin/{osh,shmem,mpif,mpijava}* "$root"/usr/bin/h5pfc* "$root"/usr/bin/oshmem_info
for c in spml sshmem atomic scoll memheap; do rm -f "$lib"/openmpi/lib/openmpi3/mca_${c}_*; done
find "$ompi_inc/openmpi" -mindepth 1 -maxdepth 1 ! -name ompi -exec rm -rf {} +
find "$ompi_inc/openmpi/ompi" -mindepth 1 -maxdepth 1 ! -name mpi -exec rm -rf {} +
find "$ompi_inc/openmpi/ompi/mpi" -mindepth 1 -maxdepth 1 ! -name cxx -exec rm -rf {} +
# Boost: the headers the project's #include <boost/...> reach with this compiler, and all of
# boost/config (it picks its files by compiler and library, which may differ on the GPU host).
boost_inc=$(grep -rhoE '#include <boost/[^>]+>' "$here/src" "$here/include" "$here/tests" "$here/benchmarks" | sort -u)
keep=$work/boost-keep
printf '%s\n' "$boost_inc" | g++ -std=c++17 -x c++ -M -I"$root/usr/include" - -o "$work/boost.d"
tr ' \\' '\n\n' < "$work/boost.d" | grep "^$root/usr/include/boost/" | sort -u > "$keep"
find "$root/usr/include/boost/config" -type f >> "$keep"
echo "$root/usr/include/boost/version.hpp" >> "$keep"
find "$root/usr/include/boost" -type f | sort | comm -23 - <(sort -u "$keep") | xargs -r rm -f
find "$root/usr/include/boost" -type d -empty -delete
# The same copyright file in several packages (Boost's is 2 MB): one copy, hard links.
find "$root/usr/share/doc" -name copyright -type f -exec md5sum {} + | sort | awk '
  $1 == last { printf "%s\t%s\n", first, $2; next } { last = $1; first = $2 }' |
  while IFS=$'\t' read -r a b; do ln -f "$a" "$b"; done
# Open MPI's and HDF5's commands under their plain names (Debian makes these links with
# update-alternatives at install time, not in the packages).
for t in mpicc mpicxx mpic++ mpiexec mpirun ompi_info; do
  [ -e "$root/usr/bin/$t.openmpi" ] && ln -sf "$t.openmpi" "$root/usr/bin/$t"
done
ln -sf h5pcc.openmpi "$root/usr/bin/h5pcc"
# /lib merged into /usr/lib (as on Debian 12 itself), so that one folder holds the libraries;
# absolute links inside the packages (e.g. to /lib/...) made relative to the kit.
if [ -d "$root/lib" ]; then
  cp -a "$root/lib/." "$root/usr/lib/"
  rm -rf "$root/lib"
fi
find "$root" -type l | while read -r l; do
  t=$(readlink "$l")
  case $t in
    /lib/*) t=/usr$t ;&
    /*) ln -sfn "$(realpath -m --relative-to="$(dirname "$l")" "$root$t")" "$l" ;;
  esac
done

{
  echo "# aemigap device kit"
  echo
  echo "Made by env/device-kit.sh on $(date -u +%Y-%m-%d) from the Debian $(cat /etc/debian_version) archive"
  echo "($(apt-cache policy libopenmpi3 | sed -n 's/^ *[0-9]* \(http[^ ]*\).*/\1/p' | head -n 1)). Use: env/device-check.sh --kit THIS.tar.gz."
  echo "Each package's licence: usr/share/doc/PACKAGE/copyright. The binaries need glibc >= 2.36."
  echo
  echo "| package | version |"
  echo "|---|---|"
  sort "$work/packages" | awk '{ printf "| %s | %s |\n", $1, $2 }'
} > "$root/KIT.md"

size_kib=$(du -sk "$root" | cut -f1)
tar -C "$work" -czf "$out" kit
echo "[device-kit] $(wc -l < "$work/packages") packages, $((size_kib / 1024)) MiB unpacked, $(($(stat -c %s "$out") / 1048576)) MiB packed: $out"
if [ $((size_kib / 1024)) -gt $limit_mib ]; then
  echo "device-kit: the kit is over $limit_mib MiB unpacked" >&2
  exit 1
fi

if [ $check = 1 ]; then
  [ "$(id -u)" = 0 ] || { echo "device-kit --check: needs root (a private mount namespace)" >&2; exit 2; }
  # Every file the system's copies of the kit's packages installed, hidden behind an empty
  # file (Boost's header folder behind an empty tmpfs), in this process's namespace. Links are
  # not followed: a development link (libz.so) would hide the base library it points to.
  hide=$work/hide
  for p in $(cut -d' ' -f1 "$work/packages"); do dpkg -L "$p" 2> /dev/null; done |
    grep -v '^/usr/include/boost/' | sort -u > "$hide.list"
  : > "$hide.empty"
  unshare -m bash -c '
    set -e
    mount --make-rprivate /
    mount -t tmpfs tmpfs /usr/include/boost
    n=0
    while read -r f; do
      if [ -f "$f" ] && [ ! -L "$f" ]; then mount --bind "$2" "$f" 2> /dev/null && n=$((n + 1)) || true; fi
    done < "$1"
    echo "[device-kit] hid $n files of the system'"'"'s copies of the kit'"'"'s packages"
    shift 2
    exec "$@"
  ' _ "$hide.list" "$hide.empty" "$here/env/device-check.sh" --cpu-only --kit "$out" \
    --build-dir "$here/build-kit" --work "$here/out/device-kit-check"
fi
