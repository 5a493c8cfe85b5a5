#!/usr/bin/env bash
# Runs one fixed sequence of aemigap commands with two binaries (e.g. before and after a
# refactoring) on the smoke preset and checks that every result is the same: every store
# dataset byte for byte (compare_stores.py), every TSV/Markdown/SVG result file and every
# query answer. Timings, the version and the commit are the only things allowed to differ.
#
#   tests/identity/compare_builds.sh OLD_BINARY NEW_BINARY WORKDIR [MIRNAS]
#
# MIRNAS (default 40): the pairs of the first MIRNAS miRNAs of the bundled table, so the
# pool is small enough to score in a minute; one thread and deterministic embeddings, so a
# run is reproducible bit for bit.
set -euo pipefail
old=$(realpath "$1") new=$(realpath "$2") work=$3 nmirna=${4:-40}
src=$(cd "$(dirname "$0")/../.." && pwd)
py=${PYTHON:-/usr/bin/python3}
# The old binary's results are kept in WORKDIR/old and reused while that binary is unchanged.
mkdir -p "$work"; work=$(realpath "$work"); cd "$work"
old_id="$(sha256sum "$old" | cut -c1-16) $nmirna"
[ -f old/.binary ] && [ "$(cat old/.binary)" = "$old_id" ] || rm -rf old
rm -rf new run
zcat "$src/data/mirtarbase7_hsa_pairs.tsv.gz" |
  awk -F'\t' -v n="$nmirna" 'NR == 1 { print; next } { if (!($1 in m)) { if (k >= n) next; m[$1] = 1; k++ } print }' \
  > "$work/pairs.tsv"

run_all() {  # run_all BINARY OUTDIR
  local bin=$1 out=$2
  mkdir -p "$out"
  local base=(--config "$src/configs/smoke.ini" --pairs "$work/pairs.tsv" --threads 1 --deterministic
              --cv-subsample 0 --log-level quiet --report-genes KRAS,MACF1)
  local cfg=("${base[@]}" --store "$out/s.h5" --results-dir "$out/res")
  "$bin" ingest "${cfg[@]}" > "$out/ingest.txt"
  "$bin" embed "${cfg[@]}"
  "$bin" negatives "${cfg[@]}"
  "$bin" train-ae "${cfg[@]}"
  "$bin" cv "${cfg[@]}" > "$out/cv.txt"
  "$bin" score "${cfg[@]}"
  "$bin" report "${cfg[@]}" > "$out/report.txt"
  local m g
  m=$("$py" -c "import h5py; print(h5py.File('$out/s.h5','r')['mirna/name'].asstr()[3])")
  g=KRAS
  "$bin" query "${cfg[@]}" --pair "$m,$g" > "$out/q_pair.txt"
  "$bin" query "${cfg[@]}" --mirna "$m" --top 20 > "$out/q_mirna.txt"
  "$bin" query "${cfg[@]}" --gene "$g" --top 20 > "$out/q_gene.txt"
  "$bin" query "${cfg[@]}" --sequence UGAGGUAGUAGGUUGUAUAGUU --top 20 > "$out/q_seq_mirna.txt"
  "$bin" query "${cfg[@]}" --sequence MTEYKLVVVGAGGVGKSALTIQLIQNHFVDEYDPTIEDSYRKQVVIDGETCLLDILDTAGQEEY \
    --sequence-kind gene --top 20 > "$out/q_seq_gene.txt"
  for r in als+lstm lstm als; do
    "$bin" rank "${cfg[@]}" --ranker "$r"
    cp "$out/s.h5" "$out/ranked_$r.h5"
    "$bin" report "${base[@]}" --store "$out/s.h5" --results-dir "$out/res_$r" > /dev/null
  done
  # the GRU fast path and the transformer's plain forward, on the paper protocol
  for a in gru transformer; do
    cp "$out/s.h5" "$out/$a.h5"
    "$bin" cv "${base[@]}" --store "$out/$a.h5" --results-dir "$out/res_$a" --classifier "$a" --cv-protocols paper > /dev/null
    "$bin" score "${base[@]}" --store "$out/$a.h5" --results-dir "$out/res_$a"
  done
  "$bin" experiment recovery "${base[@]}" --store "$out/s.h5" --results-dir "$out/res_recovery" --recovery-pool-fraction 0.2 \
    --als-iterations 5 --als-factors 16 > /dev/null
  "$bin" experiment models "${base[@]}" --store "$out/s.h5" --results-dir "$out/res_models" --cv-protocols paper > /dev/null
}

# Both run in the same folder (paths are part of the results: configs, report lines).
if [ -d old ]; then echo "== old: $old (results of an earlier run)"
else echo "== old: $old"; run_all "$old" "$work/run"; echo "$old_id" > run/.binary; mv "$work/run" "$work/old"; fi
echo "== new: $new"; run_all "$new" "$work/run"; mv "$work/run" "$work/new"

fail=0
for f in "$work"/old/*.h5; do
  b=$(basename "$f")
  "$py" "$src/tests/identity/compare_stores.py" "$f" "$work/new/$b" || fail=1
done
# Text results: the same bytes, but for lines that carry a wall time.
strip() { grep -v -E '^Command: |in [0-9.]+ ?(s|min|h)\b' "$1" | { [[ $1 == *recovery.tsv ]] && cut -f1-11 || cat; }; }
n=0
while IFS= read -r f; do
  rel=${f#"$work/old/"}
  n=$((n + 1))
  if ! cmp -s <(strip "$f") <(strip "$work/new/$rel"); then
    echo "DIFFERS $rel"; diff <(strip "$f") <(strip "$work/new/$rel") | head -5; fail=1
  fi
done < <(find "$work/old" -type f \( -name '*.tsv' -o -name '*.md' -o -name '*.svg' -o -name '*.txt' \) | sort)
echo "$n text files compared"
[ $fail -eq 0 ] && echo "IDENTICAL: every dataset and result file" || { echo "FAIL: results differ"; exit 1; }
