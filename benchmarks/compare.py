"""benchmarks/compare: aemigap against the baselines a user would otherwise pick, alternating
runs of each side, medians and spread, one table of ratios at the end:
  embed:  doc2vec (gensim), the negatives scan (numpy/OpenBLAS);
  models: LSTM training and pool scoring (PyTorch, benchmarks/torch_reference.py), and the
          achieved GFLOP/s against the machine's fp32 GEMM peak (a large LibTorch matmul);
  portability: the portable build (the default: kernels chosen at run time) against a
          -march=native build of the same sources, on the three hot kernels (doc2vec, the
          negatives scan, LSTM scoring) and on scoring real pairs.

Both sides get the same corpus (the genes and miRNAs that `aemigap ingest` keeps from the
bundled data), the same settings and the same number of threads. Speeds count raw corpus
words x epochs per second of training (before down-sampling), as both programs report.
"""
import argparse, os, statistics, subprocess, sys, tempfile, time

import h5py
import numpy as np


def run(cmd, **kw):
    r = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, **kw)
    if r.returncode != 0:
        sys.exit(f"failed: {' '.join(cmd)}\n{r.stderr[-2000:]}")
    return r


def frames(seq, ns, k=3):
    return [[f"{ns}:{seq[i:i + k]}" for i in range(f, len(seq) - k + 1, k)] for f in range(k)]


def family_precision(vecs, seeds, k=5):
    """Mean precision@k of same-seed neighbours by cosine (as aemigap's family_eval)."""
    idx = [i for i, s in enumerate(seeds) if s]
    v = vecs[idx].astype(np.float64)
    v /= np.maximum(np.linalg.norm(v, axis=1, keepdims=True), 1e-300)
    s = np.array([seeds[i] for i in idx])
    sim = v @ v.T
    np.fill_diagonal(sim, -np.inf)
    total, n = 0.0, 0
    for a in range(len(idx)):
        if (s == s[a]).sum() < 2:
            continue
        top = np.argsort(-sim[a], kind="stable")[:k]
        total += (s[top] == s[a]).sum() / k
        n += 1
    return total / n


def gensim_train(docs, epochs, window, threads, seed):
    from gensim.models.doc2vec import Doc2Vec, TaggedDocument
    tagged = [TaggedDocument(w, [t]) for t, w in docs]
    m = Doc2Vec(vector_size=64, window=window, min_count=1, sample=1e-3, negative=5, hs=0, dm=1, dm_mean=1,
                alpha=0.025, min_alpha=0.0001, epochs=epochs, workers=threads, seed=seed)
    m.build_vocab(tagged)
    words = sum(len(w) for _, w in docs) * epochs
    t0 = time.perf_counter()
    m.train(tagged, total_examples=len(tagged), epochs=epochs)
    dt = time.perf_counter() - t0
    n_tags = max(t for t, _ in docs) + 1
    return words / dt, np.array([m.dv[i] for i in range(n_tags)])


def numpy_scan(store):
    """The distance filter as a numpy user would write it: whitening, BLAS products by blocks."""
    f = h5py.File(store, "r")
    m, g = f["mirna/embedding"][:].astype(np.float64), f["gene/embedding"][:].astype(np.float64)
    pos = f["pairs/positive"][:]
    t0 = time.perf_counter()
    allv = np.vstack([m, g])
    cov = np.cov(allv, rowvar=False)
    linv = np.linalg.inv(np.linalg.cholesky(cov))
    wm, wg = (m - allv.mean(0)) @ linv.T, (g - allv.mean(0)) @ linv.T
    pm, pg = pos[:, 0], pos[:, 1]
    te = np.linalg.norm(m[pm] - g[pg], axis=1).mean()
    tc = (1 - (m[pm] * g[pg]).sum(1) / (np.linalg.norm(m[pm], axis=1) * np.linalg.norm(g[pg], axis=1))).mean()
    tm = np.linalg.norm(wm[pm] - wg[pg], axis=1).mean()
    m32, g32, wm32, wg32 = (x.astype(np.float32) for x in (m, g, wm, wg))
    mn, gn = (m32 ** 2).sum(1), (g32 ** 2).sum(1)
    wmn, wgn = (wm32 ** 2).sum(1), (wg32 ** 2).sum(1)
    ispos = np.zeros((len(m), len(g)), dtype=bool)
    ispos[pm, pg] = True
    cand = 0
    for a in range(0, len(m), 256):
        b = min(len(m), a + 256)
        dot = m32[a:b] @ g32.T
        e2 = mn[a:b, None] + gn[None, :] - 2 * dot
        cosd = 1 - dot / np.sqrt(np.outer(mn[a:b], gn))
        m2 = wmn[a:b, None] + wgn[None, :] - 2 * (wm32[a:b] @ wg32.T)
        ok = (e2 > te * te) & (cosd > tc) & (m2 > tm * tm) & ~ispos[a:b]
        cand += int(ok.sum())
    return time.perf_counter() - t0, cand


def spread(xs):  # "median [min-max]"
    return f"{statistics.median(xs):,.0f} [{min(xs):,.0f}-{max(xs):,.0f}]"


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--root", required=True)
    ap.add_argument("--reps", type=int, default=3)
    ap.add_argument("--epochs", type=int, default=3, help="gene-model epochs per timing run")
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--parts", default="embed,models",
                    help="comma-separated: embed (doc2vec + negatives scan), models (LSTM training, scoring, GEMM peak), "
                         "portability (portable vs native build)")
    ap.add_argument("--build", default="build", help="the build to measure (portability: the portable one)")
    ap.add_argument("--native-build", default="build-native",
                    help="portability: a build configured with -DAEMIGAP_NATIVE=ON")
    ap.add_argument("--train-samples", type=int, default=25600, help="samples per LSTM training run")
    ap.add_argument("--score-rows", type=int, default=8, help="miRNA rows (x 13,101 genes) per scoring run")
    a = ap.parse_args()
    parts = set(a.parts.split(","))
    rows = []  # the ratio table, filled by each part
    if "embed" in parts:
        rows += embed_part(a)
    if "models" in parts:
        rows += models_part(a)
    if "portability" in parts:
        rows += portability_part(a)
    print()
    print(f"## benchmarks/compare ({a.threads} threads, {a.reps} runs per side, alternating; median [min-max])")
    print()
    print("| measure | aemigap | baseline | ratio |")
    print("|---|---|---|---|")
    for r in rows:
        print(r)


def embed_part(a):
    binary = os.path.join(a.root, a.build, "aemigap")
    cfg = os.path.join(a.root, "configs", "quick.ini")
    tmp = tempfile.mkdtemp(prefix="aemigap-compare-")
    base = os.path.join(tmp, "base.h5")
    run([binary, "ingest", "--config", cfg, "--store", base])
    f = h5py.File(base, "r")
    mir_names = list(f["mirna/name"].asstr()[:])
    mir_seqs = list(f["mirna/sequence"].asstr()[:])
    gene_seqs = list(f["gene/sequence"].asstr()[:])
    f.close()
    gene_docs = [(t, w) for t, s in enumerate(gene_seqs) for w in frames(s, "p")]
    mir_docs = [(t, w) for t, s in enumerate(mir_seqs) for w in frames(s, "n")]
    seeds_by_name = {}
    import gzip, shlex
    with gzip.open(os.path.join(a.root, "data", "targetscan8_human_miR_family_info.txt.gz"), "rt") as fh:
        header = shlex.split(fh.readline())
        for line in fh:
            row = shlex.split(line)
            row = row[len(row) - len(header):]
            name = row[header.index("MiRBase.ID")]
            if len(name) > 2 and name[-2] == "." and name[-1].isdigit():
                name = name[:-2]
            seeds_by_name.setdefault(name, row[header.index("Seed.m8")])
    seeds = [seeds_by_name.get(n, "") for n in mir_names]
    words_epoch = sum(len(w) for _, w in gene_docs)
    print(f"corpus: {len(gene_seqs)} genes, {words_epoch:,} words per epoch; {len(mir_seqs)} miRNAs, "
          f"{sum(len(w) for _, w in mir_docs):,} words per epoch; {a.threads} threads; {a.reps} runs each, alternating",
          flush=True)

    ours_wps, gensim_wps, ours_fp, gensim_fp, ours_scan, numpy_scan_s = [], [], [], [], [], []
    cand_ours = cand_numpy = None
    for rep in range(a.reps):
        store = os.path.join(tmp, f"ours{rep}.h5")
        subprocess.run(["cp", base, store], check=True)
        run([binary, "embed", "--config", cfg, "--store", store, "--embed-epochs", str(a.epochs),
             "--embed-mirna-epochs", "100", "--embed-mirna-window", "3", "--threads", str(a.threads),
             "--seed", str(42 + rep)])
        s = h5py.File(store, "r")
        ours_wps.append(float(s["embed/gene"].attrs["words_per_second"]))
        ours_fp.append(family_precision(s["mirna/embedding"][:], seeds))
        s.close()
        wps, _ = gensim_train(gene_docs, a.epochs, 7, a.threads, 42 + rep)
        gensim_wps.append(wps)
        _, mv = gensim_train(mir_docs, 100, 3, a.threads, 42 + rep)
        gensim_fp.append(family_precision(mv, seeds))
        run([binary, "negatives", "--config", cfg, "--store", store, "--threads", str(a.threads)])
        s = h5py.File(store, "r")
        ours_scan.append(float(s["pairs/negative"].attrs["scan_seconds"]))
        cand_ours = int(s["pairs/negative"].attrs["n_candidates"])
        s.close()
        dt, cand_numpy = numpy_scan(store)
        numpy_scan_s.append(dt)
        print(f"run {rep + 1}: ours {ours_wps[-1]:,.0f} words/s, gensim {gensim_wps[-1]:,.0f} words/s; "
              f"family p@5 ours {ours_fp[-1]:.3f} gensim {gensim_fp[-1]:.3f}; scan ours {ours_scan[-1]:.2f} s "
              f"numpy {dt:.2f} s (candidates {cand_ours:,} vs {cand_numpy:,})", flush=True)

    med = statistics.median
    out = []
    out.append(f"| doc2vec training, words/s (gene model, {a.epochs} epochs, window 7) | {spread(ours_wps)} | "
          f"gensim {gensim_version()}: {spread(gensim_wps)} | {med(ours_wps) / med(gensim_wps):.2f}x |")
    out.append(f"| miRNA seed-family precision@5 (window 3, 100 epochs) | {med(ours_fp):.3f} [{min(ours_fp):.3f}-{max(ours_fp):.3f}] | "
          f"gensim: {med(gensim_fp):.3f} [{min(gensim_fp):.3f}-{max(gensim_fp):.3f}] | {med(ours_fp) - med(gensim_fp):+.3f} |")
    out.append(f"| negatives scan of the whole pool, s | {med(ours_scan):.2f} [{min(ours_scan):.2f}-{max(ours_scan):.2f}] | "
          f"numpy/OpenBLAS: {med(numpy_scan_s):.2f} [{min(numpy_scan_s):.2f}-{max(numpy_scan_s):.2f}] | "
          f"{med(numpy_scan_s) / med(ours_scan):.1f}x |")
    print(f"candidates (last run): aemigap {cand_ours:,}, numpy {cand_numpy:,}"
          f" ({abs(cand_ours - cand_numpy)} differ: float rounding at the thresholds)")
    subprocess.run(["rm", "-rf", tmp])
    return out


# FLOPs per sample of the default classifier (12 steps; projection 16->128; 3 LSTM layers
# of 128 with 4 gates; multiply-add = 2 FLOPs). Training ~ 3x the forward (forward +
# backward for inputs and weights). The scoring kernel folds the projection into layer 0
# (input 16) and computes the 4 miRNA steps once per miRNA row, so a pair costs 8 steps.
STEPS, H = 12, 128
FWD_STEP = 2 * 16 * H + 3 * 2 * 4 * H * (H + H) + 2 * H
TRAIN_FLOPS = 3 * STEPS * FWD_STEP
SCORE_STEP = 2 * 4 * H * (16 + H) + 2 * 2 * 4 * H * (H + H)
SCORE_FLOPS = 8 * SCORE_STEP


def models_part(a):
    import re
    root = a.root
    bench = os.path.join(root, a.build, "benchmarks")
    ref = [sys.executable, os.path.join(root, "benchmarks", "torch_reference.py")]
    store = os.path.join(root, "out", "aemigap.h5")
    model = os.path.join(root, "out", "results", "model.pt")
    have_model = os.path.exists(store) and os.path.exists(model)
    if not have_model:
        print("models: no out/aemigap.h5 + out/results/model.pt (run env/main-job.sh first): scoring skipped", flush=True)

    def out_of(cmd):
        return subprocess.run(cmd, check=True, capture_output=True, text=True).stdout

    ours_tr, naive_tr, torch_tr, ours_sc, plain_sc, torch_sc, peak = [], [], [], [], [], [], []
    for rep in range(a.reps):
        t = out_of([os.path.join(bench, "aemigap_dp_bench"), "--threads", str(a.threads), "--samples", str(a.train_samples)])
        ours_tr.append(float(re.search(r"([\d.]+) samples/s", t).group(1)))
        t = out_of([os.path.join(bench, "aemigap_dp_bench"), "--threads", str(a.threads), "--replicas", "1",
                    "--samples", str(a.train_samples)])
        naive_tr.append(float(re.search(r"([\d.]+) samples/s", t).group(1)))
        t = out_of(ref + ["train", "--samples", str(a.train_samples), "--threads", str(a.threads)])
        torch_tr.append(float(t.split()[-1]))
        if have_model:
            t = out_of([os.path.join(bench, "aemigap_score_bench"), store, model, str(a.score_rows), str(a.threads), "1", "1e-5"])
            ours_sc.append(float(re.search(r"\| fast path \| ([\d.]+)", t).group(1)))
            plain_sc.append(float(re.search(r"\| plain forward \| ([\d.]+)", t).group(1)))
            t = out_of(ref + ["score", "--rows", str(a.score_rows), "--threads", str(a.threads)])
            torch_sc.append(float(t.split()[-1]))
        t = out_of(ref + ["gemm", "--threads", str(a.threads)])
        peak.append(float(t.split()[-1]))
        print(f"run {rep + 1}: training ours {ours_tr[-1]:,.0f} (1 replica {naive_tr[-1]:,.0f}) vs PyTorch "
              f"{torch_tr[-1]:,.0f} samples/s; scoring ours {ours_sc[-1] if ours_sc else 0:,.0f} (plain LibTorch "
              f"{plain_sc[-1] if plain_sc else 0:,.0f}) vs PyTorch {torch_sc[-1] if torch_sc else 0:,.0f} pairs/s; "
              f"GEMM peak {peak[-1]:.0f} GFLOP/s", flush=True)
    med = statistics.median
    pk = med(peak)
    out = [
        f"| LSTM training, samples/s (batch 128, {a.threads} replicas) | {spread(ours_tr)} | "
        f"PyTorch {torch_version()}: {spread(torch_tr)} | {med(ours_tr) / med(torch_tr):.2f}x |",
        f"| LSTM training, 1 replica with {a.threads} LibTorch threads | {spread(naive_tr)} | "
        f"PyTorch: {spread(torch_tr)} | {med(naive_tr) / med(torch_tr):.2f}x |",
        f"| training GFLOP/s ({TRAIN_FLOPS / 1e6:.1f} MFLOP/sample) vs fp32 GEMM peak | "
        f"{med(ours_tr) * TRAIN_FLOPS / 1e9:.1f} | peak {pk:.0f} [{min(peak):.0f}-{max(peak):.0f}] | "
        f"{100 * med(ours_tr) * TRAIN_FLOPS / 1e9 / pk:.0f} % of peak |",
    ]
    if have_model:
        out += [
            f"| scoring, pairs/s ({a.score_rows} miRNA rows x 13,101 genes, fast path) | {spread(ours_sc)} | "
            f"PyTorch: {spread(torch_sc)} | {med(ours_sc) / med(torch_sc):.2f}x |",
            f"| scoring, plain LibTorch forward | {spread(plain_sc)} | PyTorch: {spread(torch_sc)} | "
            f"{med(plain_sc) / med(torch_sc):.2f}x |",
            f"| scoring GFLOP/s ({SCORE_FLOPS / 1e6:.2f} MFLOP/pair executed) vs GEMM peak | "
            f"{med(ours_sc) * SCORE_FLOPS / 1e9:.1f} | peak {pk:.0f} | {100 * med(ours_sc) * SCORE_FLOPS / 1e9 / pk:.0f} % of peak |",
        ]
    return out


def portability_part(a):
    """The default (portable) build against a native one: same sources, same machine, runs
    alternating. Kernels single-threaded (the instruction set is a per-core matter; two
    threads on two shared vCPUs add noise), scoring of real pairs with a.threads."""
    import json, re
    builds = {"portable": os.path.join(a.root, a.build), "native": os.path.join(a.root, a.native_build)}
    for name, b in builds.items():
        if not os.path.exists(os.path.join(b, "benchmarks", "aemigap_micro")):
            sys.exit(f"portability: no {b}/benchmarks/aemigap_micro; configure the native build with "
                     f"cmake -S . -B {a.native_build} -G Ninja -DCMAKE_BUILD_TYPE=Release -DAEMIGAP_NATIVE=ON "
                     f"and build it (the portable one is env/build.sh)")
    store = os.path.join(a.root, "out", "aemigap.h5")
    model = os.path.join(a.root, "out", "results", "model.pt")
    have_model = os.path.exists(store) and os.path.exists(model)
    if not have_model:
        print("portability: no out/aemigap.h5 + out/results/model.pt: real-pair scoring skipped", flush=True)
    kernels = [("aemigap_micro", "BM_Doc2VecTrain/threads:1/dm:1/real_time", "words/s", "doc2vec training, words/s"),
               ("aemigap_micro", "BM_NegativesScan/threads:1/real_time", "pairs/s", "negatives scan, pairs/s"),
               ("aemigap_micro_models", "BM_ScoreLstmKernel/real_time", "items_per_second", "LSTM scoring kernel, sequences/s")]
    got = {(k[3], b): [] for k in kernels for b in builds}
    got.update({("scoring real pairs", b): [] for b in builds})
    isa = {}
    for rep in range(a.reps):
        order = list(builds) if rep % 2 == 0 else list(reversed(builds))
        for name in order:
            b = builds[name]
            for exe in ("aemigap_micro", "aemigap_micro_models"):
                mine = [k for k in kernels if k[0] == exe]
                filt = "|".join("^" + re.escape(k[1].replace("/real_time", "")) + "/" for k in mine)
                out = subprocess.run([os.path.join(b, "benchmarks", exe), f"--benchmark_filter={filt}",
                                      "--benchmark_format=json", "--benchmark_min_time=0.5"],
                                     check=True, capture_output=True, text=True).stdout
                res = {r["name"]: r for r in json.loads(out)["benchmarks"]}
                for k in mine:
                    got[(k[3], name)].append(float(res[k[1]][k[2]]))
            if have_model:
                t = subprocess.run([os.path.join(b, "benchmarks", "aemigap_score_bench"), store, model,
                                    str(a.score_rows), str(a.threads), "1", "1e-5"],
                                   check=True, capture_output=True, text=True).stdout
                got[("scoring real pairs", name)].append(float(re.search(r"\| fast path \| ([\d.]+)", t).group(1)))
            if name not in isa:
                h = subprocess.run([os.path.join(b, "aemigap"), "version"], capture_output=True, text=True).stdout
                isa[name] = h.strip().splitlines()[-1] if h.strip() else "?"
        print(f"run {rep + 1}: " + "; ".join(f"{m} {got[(m, 'portable')][-1]:,.0f} vs {got[(m, 'native')][-1]:,.0f}"
                                            for m, b in got if b == "portable" and got[(m, b)]), flush=True)
    for name, line in isa.items():
        print(f"{name} build: {line}")
    med = statistics.median
    out = []
    for (m, b), xs in got.items():
        if b != "portable" or not xs:
            continue
        label = m if m != "scoring real pairs" else f"scoring real pairs, pairs/s ({a.score_rows} miRNA rows x 13,101 genes, {a.threads} threads)"
        out.append(f"| {label}: portable build | {spread(xs)} | native build: {spread(got[(m, 'native')])} | "
                   f"{med(xs) / med(got[(m, 'native')]):.3f}x |")
    return out


def torch_version():
    import torch
    return torch.__version__


def gensim_version():
    import gensim
    return gensim.__version__


if __name__ == "__main__":
    main()
