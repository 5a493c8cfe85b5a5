#!/usr/bin/env bash
# Our precision, recall, accuracy, F1 and AUC against scikit-learn on the same predictions.
set -euo pipefail
dump=$1 work=$2 py=$3
rm -rf "$work"; mkdir -p "$work"
"$dump" "$work/pred.tsv" "$work/ours.tsv"
"$py" - "$work/pred.tsv" "$work/ours.tsv" <<'PY'
import sys, numpy as np
from sklearn import metrics as M
d = np.loadtxt(sys.argv[1], delimiter="\t")
s, y = d[:, 0].astype(np.float32), d[:, 1].astype(int)
ours = dict(l.split("\t") for l in open(sys.argv[2]).read().split("\n") if l)
pred = (s >= 0.5).astype(int)
ref = {"precision": M.precision_score(y, pred), "recall": M.recall_score(y, pred), "accuracy": M.accuracy_score(y, pred),
       "f1": M.f1_score(y, pred), "auc": M.roc_auc_score(y, s)}
bad = 0
for k, v in ref.items():
    o = float(ours[k])
    ok = abs(o - v) < 1e-9
    bad += not ok
    print(f"{k:9s} ours {o:.12f} sklearn {v:.12f} {'ok' if ok else 'MISMATCH'}")
sys.exit(1 if bad else 0)
PY
echo PASS
