#!/usr/bin/env bash
# Results for other tools, read back by them: export (TSV.gz by pandas, h5ad by anndata),
# score-pairs (input order, every identifier kind, unknown identifiers with a reason), and
# each subcommand's own --help. Ranks are checked against pandas' own ranking of the scores.
set -euo pipefail
bin=$1 src=$2 work=$3 py=$4
rm -rf "$work"; mkdir -p "$work"; cd "$work"
zcat "$src/data/mirtarbase7_hsa_pairs.tsv.gz" | awk -F'\t' 'NR == 1 { print; next } { if (!($1 in m)) { if (n >= 12) next; m[$1] = 1; n++ } print }' > small.tsv
cfg=(--config "$src/configs/smoke.ini" --pairs "$work/small.tsv" --results-dir "$work/res" --cv-protocols paper
     --cv-subsample 0 --threads 2 --gene-ids "$src/data/gene_ids.tsv.gz")
for stage in ingest embed negatives train-ae cv score; do
  "$bin" $stage "${cfg[@]}" --store s.h5 > $stage.log 2>&1 || { cat $stage.log; echo "FAIL: $stage"; exit 1; }
done

"$bin" export "${cfg[@]}" --store s.h5 > export.log 2>&1 || { cat export.log; echo "FAIL: export"; exit 1; }
[ -s res/ranking.tsv.gz ] || { echo "FAIL: no res/ranking.tsv.gz"; exit 1; }
"$py" - <<'PY'
import h5py, numpy as np, pandas as pd
df = pd.read_csv("res/ranking.tsv.gz", sep="\t", dtype={"entrez_id": str})
f = h5py.File("s.h5", "r")
pool = int(f["pairs"].attrs["n_unknown_pool"])
assert len(df) == pool, (len(df), pool)
want = ["mirna", "mirbase_accession", "gene_symbol", "entrez_id", "ensembl_gene_id", "score", "probability",
        "global_rank", "percentile", "rank_in_mirna", "rank_in_gene", "family_members", "family_validated",
        "family_targetscan", "als_percentile", "targetscan", "training_negative"]
assert list(df.columns) == want, list(df.columns)
# the values are the store's
names = f["mirna/name"].asstr()[:]; genes = f["gene/name"].asstr()[:]
mi = {n: i for i, n in enumerate(names)}; gi = {n: i for i, n in enumerate(genes)}
r = f["scores/ranking"][:]; p = f["scores/matrix"][:]
rows = df.mirna.map(mi).to_numpy(); cols = df.gene_symbol.map(gi).to_numpy()
assert np.array_equal(r[rows, cols], df.score.to_numpy(np.float32)), "score is not /scores/ranking"
assert np.array_equal(p[rows, cols], df.probability.to_numpy(np.float32)), "probability is not /scores/matrix"
# every unknown pair exactly once, no validated one
assert not df.duplicated(["mirna", "gene_symbol"]).any()
assert not np.isnan(r[rows, cols]).any()
# ranks, as pandas ranks the scores (ties share the better rank)
assert (df.score.rank(method="min", ascending=False).astype(int) == df.global_rank).all(), "global_rank"
assert (df.groupby("mirna").score.rank(method="min", ascending=False).astype(int) == df.rank_in_mirna).all()
assert (df.groupby("gene_symbol").score.rank(method="min", ascending=False).astype(int) == df.rank_in_gene).all()
assert df.percentile.max() == 100.0 and df.loc[df.global_rank.idxmin(), "percentile"] == 100.0
# rows by miRNA, then rank_in_mirna
assert (df.groupby("mirna", sort=False).rank_in_mirna.apply(lambda s: s.is_monotonic_increasing)).all()
# identifiers and annotations
kras = df[df.gene_symbol == "KRAS"]
assert len(kras) and (kras.entrez_id == "3845").all() and (kras.ensembl_gene_id == "ENSG00000133703").all(), kras.head()
assert df.mirbase_accession.str.startswith("MIMAT").mean() > 0.9
assert df.training_negative.sum() == len(f["pairs/negative"]), "training negatives"
assert set(df.targetscan.unique()) <= {0, 1}
print(f"ok: export TSV.gz read by pandas: {len(df)} pairs (the pool), ranks equal pandas' ranking, KRAS = Entrez 3845")
PY
# R's read.delim, as docs/results-usage.md shows it (Debian r-base-core)
if command -v Rscript > /dev/null; then
  Rscript --vanilla - > r.log 2>&1 <<'RS' || { cat r.log; echo "FAIL: R read.delim of the export"; exit 1; }
df <- read.delim("res/ranking.tsv.gz", colClasses = c(entrez_id = "character"))
top <- head(df[order(df$global_rank), ], 30)
kras <- subset(df, gene_symbol == "KRAS" & rank_in_gene <= 10)
stopifnot(nrow(top) == 30, top$global_rank[1] == 1, all(diff(top$global_rank) >= 0))
stopifnot(nrow(kras) >= 1, all(kras$entrez_id == "3845"), all(kras$rank_in_gene <= 10))
stopifnot(all(rank(-df$score, ties.method = "min") == df$global_rank))
cat(sprintf("ok: R %s read.delim: %d pairs, the top 30 and KRAS's best %d; ranks equal R's rank()\n",
            getRversion(), nrow(df), nrow(kras)))
RS
  cat r.log
else
  echo "FAIL: no Rscript (env/install-debian.sh dev installs r-base-core)"; exit 1
fi

# filters: miRNAs by name and by MIMAT (and one unknown, reported), the top 5 per miRNA
read -r first mimat < <("$py" -c "
import pandas as pd
df = pd.read_csv('res/ranking.tsv.gz', sep='\t')
first = df.mirna.iloc[0]
print(first, df[(df.mirna != first) & df.mirbase_accession.str.startswith('MIMAT', na=False)].mirbase_accession.iloc[0])")
printf '%s\n# a comment\n%s\nhsa-miR-not-a-mirna\n' "$first" "$mimat" > mirnas.txt
"$bin" export "${cfg[@]}" --store s.h5 --export-mirnas mirnas.txt --top-per-mirna 5 --output top5.tsv > top5.log 2>&1 ||
  { cat top5.log; echo "FAIL: filtered export"; exit 1; }
grep -q "1 of 3 identifiers match no miRNA" top5.log || { cat top5.log; echo "FAIL: unknown miRNA not reported"; exit 1; }
grep -q "unknown miRNA identifier 'hsa-miR-not-a-mirna'" top5.log || { cat top5.log; echo "FAIL: no reason"; exit 1; }
"$py" - "$first" "$mimat" <<'PY'
import sys, pandas as pd
df = pd.read_csv("top5.tsv", sep="\t")
assert df.mirna.nunique() == 2 and sys.argv[1] in set(df.mirna), df.mirna.unique()
assert sys.argv[2] in set(df.mirbase_accession)
assert (df.rank_in_mirna <= 5).all() and (df.groupby("mirna").size() >= 5).all(), df.groupby("mirna").size()
print(f"ok: export --export-mirnas (name, MIMAT) --top-per-mirna 5: {len(df)} rows of 2 miRNAs")
PY
"$bin" export "${cfg[@]}" --store s.h5 --min-percentile 99 --output p99.tsv.gz > p99.log 2>&1 || { cat p99.log; exit 1; }
"$py" -c "
import pandas as pd
df = pd.read_csv('p99.tsv.gz', sep='\t'); assert len(df) and (df.percentile >= 99).all(); print('ok: --min-percentile 99:', len(df), 'rows')"

# h5ad, opened by Debian's anndata
"$bin" export "${cfg[@]}" --store s.h5 --export-format h5ad > h5ad.log 2>&1 || { cat h5ad.log; echo "FAIL: h5ad"; exit 1; }
"$py" - <<'PY'
import anndata, h5py, numpy as np
a = anndata.read_h5ad("res/ranking.h5ad")
f = h5py.File("s.h5", "r")
assert a.shape == f["scores/matrix"].shape, a.shape
assert np.array_equal(a.X, f["scores/matrix"][:], equal_nan=True)
assert np.array_equal(a.layers["ranking"], f["scores/ranking"][:], equal_nan=True)
assert list(a.obs_names) == list(f["mirna/name"].asstr()[:]) and list(a.var_names) == list(f["gene/name"].asstr()[:])
assert a.var.loc["KRAS", "entrez_id"] == "3845", a.var.loc["KRAS"]
assert a.obs.mirbase_accession.str.startswith("MIMAT").mean() > 0.9
assert a.uns["ranker"] == f["scores/ranking"].attrs["ranker"]
assert int(a.obs.n_validated.sum()) == len(f["pairs/positive"])
print(f"ok: h5ad read by anndata {anndata.__version__}: {a.n_obs} x {a.n_vars}, X and layers['ranking'] equal the store")
PY

# score-pairs: your rows, your order, scores appended; every identifier kind; unknowns explained
"$py" - <<'PY'
import gzip, h5py
f = h5py.File("s.h5", "r")
pos = f["pairs/positive"][0]
m0 = f["mirna/name"].asstr()[pos[0]]; g0 = f["gene/name"].asstr()[pos[1]]
lines = ["id\tmirna\tgene\tnote",
         "a\thsa-let-7b-5p\tKRAS\tsymbol",
         "b\tMIMAT0000063\t3845\tMIMAT and Entrez",
         "c\tHSA-LET-7B-5P\tENSG00000133703\tcase and Ensembl",
         f"d\t{m0}\t{g0}\ta validated pair",
         "e\thsa-miR-nope\tKRAS\tunknown miRNA",
         "f\thsa-let-7b-5p\tNOTAGENE1\tunknown gene",
         "g\thsa-let-7b-5p\tC-K-RAS\talias"]
# miRNAs by sequence: the store's let-7b-5p by its own sequence, and a new one (its 3' end
# changed, the seed kept) as RNA and as lower-case DNA, and with an unknown gene
seqs = dict(zip(f["mirna/name"].asstr()[:], f["mirna/sequence"].asstr()[:]))
known = seqs["hsa-let-7b-5p"]
new = known[:-2] + ("AA" if not known.endswith("AA") else "CC")
assert new not in seqs.values()
lines += [f"h\t{known}\tKRAS\tthe sequence of let-7b-5p",
          f"i\t{new}\tKRAS\ta new sequence",
          f"j\t{new.lower().replace('u', 't')}\tKRAS\tthe same as DNA",
          f"k\t{new}\tNOTAGENE2\ta new sequence, unknown gene"]
open("new_sequence.txt", "w").write(new)
open("pairs.tsv", "w").write("\n".join(lines) + "\n")
open("pairs.csv", "w").write('id,mirna,gene,note\nx,hsa-let-7b-5p,KRAS,"quoted, with a comma"\n')
PY
"$bin" score-pairs "${cfg[@]}" --store s.h5 --input pairs.tsv --output scored.tsv > sp.log 2>&1 || { cat sp.log; echo "FAIL: score-pairs"; exit 1; }
"$bin" score-pairs "${cfg[@]}" --store s.h5 --input pairs.csv > spc.log 2>&1 || { cat spc.log; echo "FAIL: score-pairs csv"; exit 1; }
"$py" - <<'PY'
import pandas as pd
s = pd.read_csv("scored.tsv", sep="\t", dtype=str, keep_default_na=False)
assert list(s.id) == list("abcdefghijk"), list(s.id)
assert list(s.columns[:4]) == ["id", "mirna", "gene", "note"] and "reason" in s.columns
ok = s.set_index("id")
for k in "abcgh":
    assert ok.loc[k, "status"] == "ok" and ok.loc[k, "aemigap_gene"] == "KRAS", ok.loc[k]
assert len(set(ok.loc[list("abcgh"), "score"])) == 1, "the same pair by five identifiers"
new = open("new_sequence.txt").read()
for k in "ij":
    assert ok.loc[k, "status"] == "new" and ok.loc[k, "aemigap_mirna"] == new and ok.loc[k, "score"] != "", ok.loc[k]
    assert "scored from its sequence" in ok.loc[k, "reason"] and ok.loc[k, "training_negative"] == "0", ok.loc[k]
assert ok.loc["i", "score"] == ok.loc["j", "score"] and ok.loc["i", "global_rank"] == ok.loc["j", "global_rank"]
assert ok.loc["k", "status"] == "unknown" and ok.loc["k", "reason"] == "unknown gene identifier 'NOTAGENE2'", ok.loc["k"]
open("new_score.txt", "w").write(ok.loc["i", "score"])
assert ok.loc["d", "status"] == "validated" and ok.loc["d", "score"] == ""
for k, why in (("e", "unknown miRNA identifier 'hsa-miR-nope'"), ("f", "unknown gene identifier 'NOTAGENE1'")):
    assert ok.loc[k, "status"] == "unknown" and why in ok.loc[k, "reason"] and ok.loc[k, "score"] == "", ok.loc[k]
full = pd.read_csv("res/ranking.tsv.gz", sep="\t")
row = full[(full.mirna == "hsa-let-7b-5p") & (full.gene_symbol == "KRAS")].iloc[0]
assert float(ok.loc["a", "score"]) == row.score and int(ok.loc["a", "global_rank"]) == row.global_rank
c = pd.read_csv("pairs.csv.scored.csv")
assert c.note[0] == "quoted, with a comma" and c.status[0] == "ok" and float(c.score[0]) == row.score
print("ok: score-pairs: 11 rows in input order; symbol, alias, MIMAT, Entrez, Ensembl, case and its sequence all find "
      "let-7b-5p x KRAS; a new sequence (RNA or DNA) scored; "
      "validated and unknown rows kept with a reason; CSV quoting kept")
PY
grep -q "3 of 11 rows could not be scored" sp.log || { cat sp.log; echo "FAIL: unknown rows not counted"; exit 1; }
# a new sequence scores as `query --sequence` scores it
"$bin" query "${cfg[@]}" --store s.h5 --sequence "$(cat new_sequence.txt)" --top 100000 > q.tsv 2> q.log ||
  { cat q.log; echo "FAIL: query --sequence"; exit 1; }
"$py" - <<'PY'
import pandas as pd
q = pd.read_csv("q.tsv", sep="\t")
want = float(q.set_index(q.columns[1]).loc["KRAS", "score"])
got = float(open("new_score.txt").read())
assert abs(got - want) < 1e-6, (got, want)
print(f"ok: a new sequence: score-pairs {got:.6f} = query --sequence {want:.6f} on KRAS")
PY
if "$bin" score-pairs "${cfg[@]}" --store s.h5 --input pairs.tsv --gene-column symbol > bad.log 2>&1; then
  echo "FAIL: a missing column was accepted"; exit 1; fi
grep -q "pairs.tsv:1: no column 'symbol' (option gene-column); the header has: id, mirna, gene, note" bad.log ||
  { cat bad.log; echo "FAIL: missing-column message"; exit 1; }
echo "ok: a missing column names the file, the line and the columns there are"

# each subcommand's --help lists its own options
"$bin" export --help > help.txt
grep -q -- "--top-per-mirna" help.txt && grep -q -- "--store" help.txt || { cat help.txt; echo "FAIL: export --help"; exit 1; }
if grep -q -- "--embed-k" help.txt; then echo "FAIL: export --help lists embed options"; exit 1; fi
"$bin" embed --help | grep -q -- "--embed-k" || { echo "FAIL: embed --help"; exit 1; }
[ "$("$bin" --help | grep -c -- '--embed-k')" = 1 ] || { echo "FAIL: --help lost an option"; exit 1; }
echo "ok: export --help and embed --help list their own options; --help lists all"
# --version names the instruction set the hot kernels run with (the run manifests too)
"$bin" --version | grep -qE "^hot kernels: (x86-64|native build|the compiler)" || { "$bin" --version; echo "FAIL: --version"; exit 1; }

# every plot has its data beside it: ROC and confusion (with rates) of cv, the histogram of
# report over the scores' own range (was: clamped to [0, 1], ALS scores piled in the end bins)
"$bin" report "${cfg[@]}" --store s.h5 --report-genes KRAS > report.log 2>&1 || { cat report.log; echo "FAIL: report"; exit 1; }
"$py" - <<'PY'
import h5py, numpy as np, pandas as pd
roc = pd.read_csv("res/roc_paper.tsv", sep="\t")
assert list(roc.columns) == ["fold", "fpr", "tpr", "threshold"] and roc.fold.nunique() == 3 and len(roc) > 10
cm = pd.read_csv("res/confusion_paper.tsv", sep="\t", comment="#")
assert len(cm) == 4 and np.allclose(cm.groupby("actual").rate_of_actual.sum(), 1.0), cm
h = pd.read_csv("res/score_histogram.tsv", sep="\t", comment="#")
r = h5py.File("s.h5", "r")["scores/ranking"][:]
v = r[~np.isnan(r)]
assert h.pairs.sum() == v.size, (h.pairs.sum(), v.size)
assert np.isclose(h.bin_low.iloc[0], v.min(), rtol=1e-5) and np.isclose(h.bin_high.iloc[-1], v.max(), rtol=1e-5)
assert "rate" in open("res/confusion_paper.svg").read() or "of actual" in open("res/confusion_paper.svg").read()
print(f"ok: roc/confusion/histogram TSV beside their SVG; histogram over [{v.min():.3g}, {v.max():.3g}], {v.size} pairs")
PY
