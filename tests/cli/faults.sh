#!/usr/bin/env bash
# Faults a careless user makes: each case asserts a non-zero exit, the message, and that a
# store that was complete before is byte-for-byte the same afterwards (no temp file left).
# Cases that failed before their fix are marked "was:" with what used to happen.
set -euo pipefail
bin=$1 src=$2 work=$3 py=$4 shim=$5
shift 5
mpiexec=("$@")
rm -rf "$work"; mkdir -p "$work"; cd "$work"
zcat "$src/data/mirtarbase7_hsa_pairs.tsv.gz" | awk -F'\t' 'NR == 1 { print; next } { if (!($1 in m)) { if (n >= 12) next; m[$1] = 1; n++ } print }' > small.tsv
cfg=(--config "$src/configs/smoke.ini" --pairs "$work/small.tsv" --results-dir "$work/res" --cv-protocols paper
     --cv-subsample 0 --threads 1)
"$bin" ingest "${cfg[@]}" --store bare.h5 > /dev/null 2>&1
cp bare.h5 full.h5
for stage in embed negatives train-ae cv score; do "$bin" $stage "${cfg[@]}" --store full.h5 > /dev/null 2>&1; done
[ -s res/model.pt ] || { echo "FAIL: no checkpoint"; exit 1; }

cases=0
expect_fail() {  # expect_fail STORE "needle" subcommand args...
  local store=$1 needle=$2; shift 2
  local before; before=$(sha256sum "$store")
  if "$bin" "$@" "${cfg[@]}" --store "$store" > out.txt 2> err.txt; then echo "FAIL: succeeded: $*"; exit 1; fi
  grep -qF -- "$needle" err.txt || { echo "FAIL: stderr of '$*' lacks '$needle':"; cat err.txt; exit 1; }
  [ "$(sha256sum "$store")" = "$before" ] || { echo "FAIL: '$*' changed $store"; exit 1; }
  if ls -a | grep -q '\.tmp'; then echo "FAIL: '$*' left a temp file"; ls -a; exit 1; fi
  cases=$((cases + 1))
  echo "ok: $* -> $( (grep -m1 '^aemigap:' err.txt || grep -m1 . err.txt) | cut -c1-160)"
}

# was: score committed a fresh, zeroed /scores and removed the ranking, then failed to load it
echo "not a checkpoint" > garbage.pt
expect_fail full.h5 "garbage.pt" score --checkpoint garbage.pt
# was: the same with a store that has no embeddings (the checkpoint is fine)
cp bare.h5 noemb.h5
expect_fail noemb.h5 "embed" score --checkpoint res/model.pt
# was: negatives-ratio 0.0001 drew 0 negatives and cv reported AUC 0.5 with F1 1.0
expect_fail full.h5 "asks for 0 negatives" negatives --negatives-ratio 0.0001
# was: cv-folds larger than the data ran folds of one pair
expect_fail full.h5 "more than the smaller class" cv --cv-folds 100000
# clear errors that already held: keep them
expect_fail full.h5 "must be a finite number" cv --lr inf
expect_fail full.h5 "must be a finite number" negatives --negatives-ratio inf
expect_fail full.h5 "is negative" embed --seed -1
expect_fail full.h5 "report-top" report --report-top -5 --report-genes KRAS
expect_fail bare.h5 "embed" negatives
expect_fail full.h5 "checkpoint not found" score --checkpoint missing.pt
# was: with the ranking step killed after score, reports fell back to the probability without a word
cp full.h5 norank.h5
"$py" -c "import h5py; f = h5py.File('norank.h5', 'a'); del f['scores/ranking']; del f['scores'].attrs['ranker']"
expect_fail norank.h5 "the ranking step after score did not finish" report
expect_fail norank.h5 "the ranking step after score did not finish" query --gene KRAS --top 3
"$bin" rank "${cfg[@]}" --store norank.h5 --ranker lstm > /dev/null 2>&1
"$bin" report "${cfg[@]}" --store norank.h5 --ranker lstm --report-genes KRAS > /dev/null 2>&1 ||
  { echo "FAIL: report after rank --ranker lstm"; exit 1; }
grep -q "ranker lstm" res/top_pairs.md || { echo "FAIL: lstm report"; exit 1; }
cases=$((cases + 1)); echo "ok: rank --ranker lstm, then report orders by the probability"

# was: a leading byte-order mark ate the first pair of a header-less TSV and broke FASTA
kept() { grep -E '^kept' "$1"; }
tail -n +2 small.tsv > nohead.tsv
base=(--config "$src/configs/smoke.ini" --threads 1)
"$bin" ingest "${base[@]}" --store nohead.h5 --pairs nohead.tsv > nohead.out 2>&1
{ printf '\xef\xbb\xbf'; cat nohead.tsv; } > bom.tsv
{ printf '\xef\xbb\xbf'; zcat "$src/data/hsa_mature.fa.gz"; } > bom_mature.fa
"$bin" ingest "${base[@]}" --store bom.h5 --pairs bom.tsv --mirna-fasta bom_mature.fa > bom.out 2>&1 ||
  { echo "FAIL: ingest with byte-order marks"; cat bom.out; exit 1; }
[ "$(kept bom.out)" = "$(kept nohead.out)" ] || { echo "FAIL: BOM changed what was kept: $(kept bom.out) vs $(kept nohead.out)"; exit 1; }
cases=$((cases + 1)); echo "ok: byte-order marks stripped ($(kept bom.out))"
# was: a symlinked store was replaced by a regular file
ln -sf full.h5 link.h5
before=$(sha256sum full.h5)
"$bin" rank "${cfg[@]}" --store link.h5 --ranker als > /dev/null 2>&1 || { echo "FAIL: rank through a link"; exit 1; }
[ -L link.h5 ] || { echo "FAIL: the link became a file"; exit 1; }
[ "$(sha256sum full.h5)" != "$before" ] || { echo "FAIL: the link's target was not updated"; exit 1; }
"$bin" rank "${cfg[@]}" --store full.h5 > /dev/null 2>&1  # back to the default ranker
cases=$((cases + 1)); echo "ok: a store reached through a symlink is updated in place of its target"
# was: a store whose name and sequence tables differ in length segfaulted negatives
cp full.h5 cut.h5
"$py" -c "
import h5py
f = h5py.File('cut.h5', 'a'); s = f['mirna/sequence'][:-1]; del f['mirna/sequence']; f['mirna/sequence'] = s"
expect_fail cut.h5 "an inconsistent store" negatives
# was: a full disk during a stage's copy left a partial temp file (one more per retry)
mnt="$work/full_disk"; mkdir -p "$mnt"
size=$(( $(stat -c %s full.h5) + 65536 ))
if mount -t tmpfs -o size=$size tmpfs "$mnt" 2> /dev/null; then
  cp full.h5 "$mnt/s.h5"
  before=$(sha256sum < "$mnt/s.h5")
  for try in 1 2; do
    if "$bin" rank "${cfg[@]}" --store "$mnt/s.h5" > /dev/null 2> err.txt; then echo "FAIL: rank on a full disk"; umount "$mnt"; exit 1; fi
    grep -q "disk full" err.txt || { cat err.txt; umount "$mnt"; echo "FAIL: no disk-full message"; exit 1; }
  done
  left=$(ls -a "$mnt" | grep -c 'tmp' || true)
  after=$(sha256sum < "$mnt/s.h5")
  umount "$mnt"
  [ "$left" = 0 ] || { echo "FAIL: $left temp files left on the full disk"; exit 1; }
  [ "$before" = "$after" ] || { echo "FAIL: the store changed on a full disk"; exit 1; }
  cases=$((cases + 1)); echo "ok: full disk: $(grep -m1 "disk full" err.txt | cut -c1-160)"
else
  echo "skipped: disk-full case (cannot mount a tmpfs here: needs root)"
fi

# The store lock. was: a stage committing while score wrote left score writing into the
# unlinked file (both exit 0, blocks lost); two scores at once and a query during a run gave
# misleading errors or partial answers with exit 0.
cp full.h5 busy.h5
"$bin" score "${cfg[@]}" --store busy.h5 --score-block-rows 1 > busy.log 2>&1 &
pid=$!
for _ in $(seq 600); do grep -q "block round" busy.log 2>/dev/null && break; sleep 0.05; done
grep -q "block round" busy.log || { echo "FAIL: no progress line"; cat busy.log; exit 1; }
kill -STOP $pid  # frozen mid-run, holding the lock
expect_fail busy.h5 "is being written by pid $pid (stage score)" rank
expect_fail busy.h5 "is being written by pid $pid (stage score)" score --resume
expect_fail busy.h5 "may be incomplete" query --gene KRAS --top 3
expect_fail busy.h5 "may be incomplete" report
# A killed writer leaves no stale lock: the kernel drops it with the process.
kill -9 $pid; wait $pid 2> /dev/null || true
# was: after embed --seed 99 a resumed score mixed rows of the old and new embeddings
cp busy.h5 changed.h5
"$bin" embed "${cfg[@]}" --store changed.h5 --seed 99 > /dev/null 2>&1
expect_fail changed.h5 "score: the cross-validation and its checkpoint (/cv) stem from other embeddings" score --resume --score-block-rows 1
# the same with a checkpoint that is not the store's own (so /cv is not asked): /scores itself refuses
"$py" -c "import h5py; del h5py.File('changed.h5', 'a')['cv'].attrs['checkpoint_id']"
expect_fail changed.h5 "score --resume (run without --resume to start over): the pool scores (/scores) stem from other embeddings" \
  score --resume --score-block-rows 1
"$bin" score "${cfg[@]}" --store busy.h5 --score-block-rows 1 --resume > resume.log 2>&1 ||
  { echo "FAIL: resume after a killed score"; cat resume.log; exit 1; }
grep -q "complete" resume.log || { echo "FAIL: resume did not complete"; cat resume.log; exit 1; }
cases=$((cases + 1)); echo "ok: score --resume after kill -9 of the lock holder"
# A reader holds the store (shared): writers wait their turn, other readers go ahead.
flock -s full.h5.lock sleep 30 &
holder=$!
sleep 0.3
expect_fail full.h5 "is being read by another aemigap process" rank
"$bin" query "${cfg[@]}" --store full.h5 --gene KRAS --top 3 > /dev/null 2> err.txt ||
  { echo "FAIL: a second reader was refused"; cat err.txt; exit 1; }
cases=$((cases + 1)); echo "ok: query beside another reader"
kill $holder; wait $holder 2> /dev/null || true

# Lineage. was: embed left stale negatives, autoencoder, cv and scores behind it, and every
# later stage read them as if they were current.
cp full.h5 stale.h5
"$bin" embed "${cfg[@]}" --store stale.h5 --seed 99 > stale.log 2>&1
grep -q "now stale in" stale.log || { echo "FAIL: embed did not say what it made stale"; cat stale.log; exit 1; }
for reader in train-ae cv score rank "report --report-genes KRAS" "query --gene KRAS --top 3"; do
  # shellcheck disable=SC2086
  expect_fail stale.h5 "stem from other embeddings" $reader
done
grep -q "rerun \`aemigap negatives\` and the stages after it" err.txt || { echo "FAIL: no stage to rerun named"; cat err.txt; exit 1; }
"$bin" negatives "${cfg[@]}" --store stale.h5 > /dev/null 2>&1
expect_fail stale.h5 "the autoencoder (/ae) stem from other embeddings" cv
"$bin" train-ae "${cfg[@]}" --store stale.h5 > /dev/null 2>&1
"$bin" cv "${cfg[@]/#$work\/res/$work/res_stale}" --store stale.h5 > /dev/null 2>&1 ||
  { echo "FAIL: cv after rebuilding the negatives and the autoencoder"; exit 1; }
cases=$((cases + 1)); echo "ok: rebuilt from negatives on, cv runs again"

# Integrity. was: corrupt bytes in /scores/matrix were reported as probabilities of 3.4e38.
cp full.h5 bad.h5
"$py" - <<'PY'
import h5py, numpy as np
with h5py.File('bad.h5', 'r') as f:
    d = f['scores/matrix']
    offsets = [d.id.get_chunk_info(i).byte_offset for i in range(d.id.get_num_chunks())]
with open('bad.h5', 'r+b') as raw:  # the 8th value of every row block: whatever a reader reads is damaged
    for off in offsets:
        raw.seek(off + 4 * 7); raw.write(np.float32(3.4e38).tobytes())
PY
for reader in rank "report --report-genes KRAS" "query --gene KRAS --top 3"; do
  # shellcheck disable=SC2086
  expect_fail bad.h5 "fail their checksum" $reader
done
cp full.h5 badrank.h5
"$py" -c "import h5py; f = h5py.File('badrank.h5', 'a'); f['scores/ranking'][1, 3] = 7.0"
expect_fail badrank.h5 "/scores/ranking rows 0-" query --gene KRAS --top 3

# A full disk at every point of a stage's writes (an LD_PRELOAD library makes writes to the
# stage's copy fail with ENOSPC at a chosen byte). was: the error named an HDF5 call, not
# the disk; a full disk at the open left the copy behind; a failed close crashed (SIGSEGV)
# inside MPI_Finalize, on the file HDF5 1.10 keeps after a failed H5Fclose.
cp full.h5 df.h5
before=$(sha256sum < df.h5)
AEMIGAP_FAULT_PATH=".df.h5.tmp-" AEMIGAP_FAULT_WRITE_LIMIT=-1 AEMIGAP_FAULT_REPORT="$work/df.bytes" LD_PRELOAD="$shim" \
  "$bin" rank "${cfg[@]}" --store df.h5 > /dev/null 2>&1 || { echo "FAIL: rank under the shim"; exit 1; }
total=$(cat df.bytes)
[ "$total" -gt 10000 ] || { echo "FAIL: the shim saw $total bytes written"; exit 1; }
cp full.h5 df.h5
for lim in 1 $((total / 5)) $((total * 2 / 5)) $((total * 3 / 5)) $((total * 4 / 5)) $((total - 1)); do
  rc=0
  AEMIGAP_FAULT_PATH=".df.h5.tmp-" AEMIGAP_FAULT_WRITE_LIMIT=$lim LD_PRELOAD="$shim" \
    "$bin" rank "${cfg[@]}" --store df.h5 > /dev/null 2> err.txt || rc=$?
  [ $rc = 1 ] || { echo "FAIL: disk full at byte $lim of $total: exit $rc"; cat err.txt; exit 1; }
  grep -q "disk full" err.txt || { echo "FAIL: disk full at byte $lim: no disk-full message"; cat err.txt; exit 1; }
  grep -q "is unchanged" err.txt || { echo "FAIL: disk full at byte $lim: not told the store is unchanged"; cat err.txt; exit 1; }
  [ "$(sha256sum < df.h5)" = "$before" ] || { echo "FAIL: disk full at byte $lim changed the store"; exit 1; }
  if ls -a | grep -q '\.df\.h5\.tmp'; then echo "FAIL: disk full at byte $lim left the copy"; exit 1; fi
  cases=$((cases + 1)); echo "ok: disk full at byte $lim of $total: $(grep -m1 -o 'disk full[^:]*' err.txt), store unchanged"
done

# kill -9 in the middle of each stage's writes (the shim kills at half of the bytes a full
# run writes to the stage's copy). The store stays as it was; the next writer removes the
# killed stage's copy. was: every killed stage left its copy for good (one more per kill).
cp full.h5 kk.h5
kcfg=("${cfg[@]/#$work\/res/$work/res_kill}")  # cv must not replace the checkpoint of res/
before=$(sha256sum < kk.h5)
for stage in embed negatives train-ae cv rank; do
  cp full.h5 kmeasure.h5  # the same store as kk.h5: HDF5 writes depend on the file's layout
  AEMIGAP_FAULT_PATH=".kmeasure.h5.tmp-" AEMIGAP_FAULT_WRITE_LIMIT=-1 AEMIGAP_FAULT_REPORT="$work/k.bytes" LD_PRELOAD="$shim" \
    "$bin" $stage "${kcfg[@]}" --store kmeasure.h5 > /dev/null 2>&1 || { echo "FAIL: $stage under the shim"; exit 1; }
  half=$(( $(cat k.bytes) / 2 ))
  rc=0
  (AEMIGAP_FAULT_PATH=".kk.h5.tmp-" AEMIGAP_FAULT_WRITE_LIMIT=$half AEMIGAP_FAULT_ACTION=kill LD_PRELOAD="$shim" \
    exec "$bin" $stage "${kcfg[@]}" --store kk.h5 > kill.log 2>&1) 2> /dev/null || rc=$?
  [ $rc = 137 ] || { echo "FAIL: $stage was not killed at byte $half: exit $rc"; cat kill.log; exit 1; }
  [ "$(sha256sum < kk.h5)" = "$before" ] || { echo "FAIL: kill -9 of $stage changed the store"; exit 1; }
  left=$(ls -a | grep -c '^\.kk\.h5\.tmp-' || true)
  [ "$left" = 1 ] || { echo "FAIL: after killing $stage: $left copies (the earlier ones were not removed)"; ls -a; exit 1; }
  cases=$((cases + 1)); echo "ok: kill -9 of $stage at byte $half: store unchanged, one copy left"
done
"$bin" query "${cfg[@]}" --store kk.h5 --gene KRAS --top 3 > /dev/null 2>&1 || { echo "FAIL: query after the kills"; exit 1; }
"$bin" rank "${cfg[@]}" --store kk.h5 > kill.log 2>&1 || { echo "FAIL: rank after the kills"; cat kill.log; exit 1; }
grep -q "the copy of a stage that was killed" kill.log || { echo "FAIL: no word of the removed copy"; cat kill.log; exit 1; }
if ls -a | grep -q '^\.kk\.h5\.tmp-'; then echo "FAIL: the killed stages' copies are still there"; exit 1; fi
cases=$((cases + 1)); echo "ok: the next writer removed the killed stage's copy"

# A rank killed under mpiexec mid-score: the job ends (bounded), the store stays consistent
# and --resume finishes it to the same matrix as an uninterrupted run.
cp full.h5 ref.h5; cp full.h5 mk.h5
"$bin" score "${cfg[@]}" --store ref.h5 --score-block-rows 1 > /dev/null 2>&1
# (each write to the store made slow, so the kill lands mid-run)
AEMIGAP_FAULT_PATH="/mk.h5$" AEMIGAP_FAULT_DELAY_MS=150 LD_PRELOAD="$shim" \
  timeout 120 "${mpiexec[@]}" -np 2 "$bin" score "${cfg[@]}" --store mk.h5 --score-block-rows 1 > mk.log 2>&1 &
job=$!
for _ in $(seq 600); do grep -q "block round 2/" mk.log 2>/dev/null && break; sleep 0.05; done
victim=""
for p in $(pgrep -f "aemigap score .*--store mk.h5" || true); do
  tr '\0' '\n' < /proc/$p/environ 2>/dev/null | grep -qx 'OMPI_COMM_WORLD_RANK=1' && victim=$p
done
[ -n "$victim" ] || { echo "FAIL: rank 1 not found"; cat mk.log; exit 1; }
kill -9 "$victim" || true  # (if it had already ended, the checks below say so)
rc=0; wait $job || rc=$?
[ $rc != 0 ] && [ $rc != 124 ] || { echo "FAIL: mpiexec after a killed rank: exit $rc (124: it hung)"; cat mk.log; exit 1; }
"$bin" score "${cfg[@]}" --store mk.h5 --score-block-rows 1 --resume > mk2.log 2>&1 || { echo "FAIL: resume"; cat mk2.log; exit 1; }
"$py" -c "
import h5py, numpy as np, sys
a = h5py.File('ref.h5', 'r')['scores/matrix'][:]; b = h5py.File('mk.h5', 'r')['scores/matrix'][:]
sys.exit(0 if np.array_equal(a, b, equal_nan=True) else 'the resumed matrix differs')"
cases=$((cases + 1)); echo "ok: rank 1 killed under mpiexec (exit $rc); --resume: $(grep -m1 -o '[0-9]* of [0-9]* blocks' mk2.log) left, matrix equal"

echo "$cases fault cases: clear errors, stores unchanged"
