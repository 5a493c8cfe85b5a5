#!/usr/bin/env bash
# The portable binary must start on any x86-64 CPU: outside the hot kernels' per-level
# functions (namespaces level_v3 and level_v4, src/core/cpu_levels.inc), no instruction may
# use an AVX register (ymm/zmm) or an AVX-512 mask register. Counts the functions that do.
set -euo pipefail
bin=$1
objdump -d --no-show-raw-insn -C "$bin" | awk '
  /^[0-9a-f]+ <.*>:$/ { name = $0; next }
  /%[yz]mm[0-9]|%k[1-7]/ { if (name !~ /::level_v[34]::/) bad[name]++; else ok[name]++ }
  END {
    n = 0; for (f in bad) { print "uses AVX outside a level function: " f; n++ }
    m = 0; for (f in ok) m++
    printf "%d level_v3/level_v4 functions use AVX registers; %d other functions do\n", m, n
    exit n > 0 || m == 0
  }'
