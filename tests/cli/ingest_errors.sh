#!/usr/bin/env bash
# Bad input through the binary: non-zero exit, a message naming file and line, and the
# existing store left byte-for-byte as it was (no temp files either).
set -euo pipefail
bin=$1 src=$2 work=$3
rm -rf "$work"; mkdir -p "$work"; cd "$work"
printf '>hsa-miR-1\nACGU\n' > m.fa
printf '>KRAS\nMTEY\n' > g.fa
printf 'miRNA\tgene\nhsa-miR-1\tKRAS\n' > ok.tsv
"$bin" ingest --store s.h5 --pairs ok.tsv --mirna-fasta m.fa --gene-fasta g.fa --aliases "" > /dev/null
sum_before=$(sha256sum s.h5)

expect_fail() {  # expect_fail "needle" args...
  local needle=$1; shift
  if "$bin" ingest --store s.h5 "$@" > out.txt 2> err.txt; then echo "FAIL: succeeded: $*"; exit 1; fi
  grep -qF -- "$needle" err.txt || { echo "FAIL: stderr lacks '$needle':"; cat err.txt; exit 1; }
  echo "ok: $(cat err.txt)"
  [ "$(sha256sum s.h5)" = "$sum_before" ] || { echo "FAIL: store changed"; exit 1; }
  if ls -a | grep -q '\.tmp-'; then echo "FAIL: temp file left"; exit 1; fi
}
printf 'miRNA\tgene\nhsa-miR-1\tKRAS\textra\n' > bad.tsv
expect_fail "bad.tsv:2: expected 2 tab-separated columns" --pairs bad.tsv --mirna-fasta m.fa --gene-fasta g.fa --aliases ""
printf '>hsa-miR-1\nACGZ\n' > badm.fa
expect_fail "badm.fa:2: illegal letter 'Z'" --pairs ok.tsv --mirna-fasta badm.fa --gene-fasta g.fa --aliases ""
expect_fail "missing.fa: file not found" --pairs ok.tsv --mirna-fasta missing.fa --gene-fasta g.fa --aliases ""
cp ok.tsv ok.xlsx
expect_fail "unknown pair-table format" --pairs ok.xlsx --mirna-fasta m.fa --gene-fasta g.fa --aliases ""
printf 'seed = 1\nmirna-fsta = x\n' > bad.ini
expect_fail "bad.ini:2: unknown option 'mirna-fsta' (did you mean mirna-fasta?)" --config bad.ini
expect_fail "option 'pairs-format': 'xlsx' is not one of" --pairs-format xlsx
echo "PASS"
