#!/usr/bin/env bash
# workflow/Snakefile under Debian's snakemake on the smoke preset: every stage runs once in
# order and leaves its run manifest (status ok, the products it made); a second run does
# nothing (no manifest is rewritten); a changed pairs table reruns the whole chain.
set -euo pipefail
bin=$1 src=$2 work=$3 py=$4
command -v snakemake > /dev/null || { echo "FAIL: snakemake not installed (env/install-debian.sh installs it)"; exit 1; }
rm -rf "$work"; mkdir -p "$work"; cd "$work"
zcat "$src/data/mirtarbase7_hsa_pairs.tsv.gz" | awk -F'\t' 'NR == 1 { print; next } { if (!($1 in m)) { if (n >= 12) next; m[$1] = 1; n++ } print }' > small.tsv
args=(-s "$src/workflow/Snakefile" --directory "$work" --cores 2 --config "aemigap=$bin" "preset=$src/configs/smoke.ini"
      store=s.h5 results=res pairs=small.tsv "extra=--threads 1 --cv-protocols paper --cv-subsample 0 --report-genes KRAS")
export HOME="$work"  # snakemake keeps its own state under the working directory and HOME
snakemake "${args[@]}" > run1.log 2>&1 || { tail -40 run1.log; echo "FAIL: snakemake run"; exit 1; }
for stage in ingest embed negatives train-ae cv score report export; do
  [ -s res/runs/$stage.json ] || { echo "FAIL: no manifest of $stage"; tail -20 run1.log; exit 1; }
done
"$py" - <<'PY'
import json
made = {"ingest": "pairs", "embed": "embeddings", "negatives": "negatives", "train-ae": "autoencoder", "cv": "cv",
        "score": "scores"}
for stage, product in made.items():
    m = json.load(open(f"res/runs/{stage}.json"))
    assert m["status"] == "ok" and m["exit_code"] == 0, (stage, m["status"])
    assert product in m["outputs"]["products"], (stage, m["outputs"])
    assert m["cpu_kernels"].startswith(("x86-64", "native", "the compiler")), m["cpu_kernels"]
ingest = json.load(open("res/runs/ingest.json"))
assert any(f["option"] == "pairs" and f["path"].endswith("small.tsv") and len(f["hash"]) == 16 for f in ingest["inputs"]["files"])
score = json.load(open("res/runs/score.json"))
assert "ranking" in score["outputs"]["products"] and score["inputs"]["products"]["cv"] == json.load(open("res/runs/cv.json"))["outputs"]["products"]["cv"]
export = json.load(open("res/runs/export.json"))
assert any(f["path"].endswith("ranking.tsv.gz") for f in export["outputs"]["files"]), export["outputs"]
print("ok: 8 stages under snakemake, each manifest names what it read and made")
PY
before=$(stat -c %Y res/runs/*.json | md5sum)
snakemake "${args[@]}" > run2.log 2>&1 || { tail -20 run2.log; echo "FAIL: second snakemake run"; exit 1; }
grep -q "Nothing to be done" run2.log || { cat run2.log; echo "FAIL: the second run did something"; exit 1; }
[ "$(stat -c %Y res/runs/*.json | md5sum)" = "$before" ] || { echo "FAIL: a manifest was rewritten"; exit 1; }
echo "ok: a second run does nothing"
sleep 1; sed -i '$d' small.tsv  # one pair less (snakemake 7 ignores a touch that keeps the content)
snakemake "${args[@]}" -n > run3.log 2>&1 || { cat run3.log; exit 1; }
for rule in ingest embed score export; do
  grep -qE "^rule $rule:|^localrule $rule:" run3.log || { cat run3.log; echo "FAIL: a changed pairs table does not rerun $rule"; exit 1; }
done
echo "ok: a changed pairs table reruns the chain (dry run)"
