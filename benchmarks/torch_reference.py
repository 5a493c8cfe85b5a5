"""The PyTorch baseline of benchmarks/compare: the identical classifier (and scoring path)
written the way a PyTorch user would, run with Debian's python3-torch (/usr/bin/python3).

  torch_reference.py train --samples S --threads T   -> "samples/s N"
  torch_reference.py score --rows R --threads T      -> "pairs/s N"  (R miRNA rows x 13,101 genes)
  torch_reference.py gemm --threads T                -> "gflops N"   (fp32 GEMM peak via LibTorch)

The model is aemigap's default: the 192-feature vector cut into 12 steps of 16, a dense
projection to 128, a 3-layer LSTM of 128, a linear head on the last step (398,593
parameters); BCE-with-logits, Adam 1e-3, batch 128. Scoring is the plain path: pair
vectors -> autoencoder encoder (128-112-96-64) -> [pair | latent] -> RobustScaler -> LSTM
-> sigmoid, in chunks of 8,192 pairs. Weights and inputs are random: only time matters.
"""
import argparse, time
import torch
import torch.nn as nn


class Classifier(nn.Module):
    def __init__(self, step=16, hidden=128, layers=3, features=192):
        super().__init__()
        self.step = step
        self.steps = (features + step - 1) // step
        self.proj = nn.Linear(step, hidden)
        self.lstm = nn.LSTM(hidden, hidden, num_layers=layers, batch_first=True)
        self.head = nn.Linear(hidden, 1)

    def forward(self, x):
        b = x.shape[0]
        pad = self.steps * self.step - x.shape[1]
        if pad:
            x = nn.functional.pad(x, (0, pad))
        h = self.proj(x.view(b, self.steps, self.step))
        out, _ = self.lstm(h)
        return self.head(out[:, -1]).squeeze(1)


def train(samples, threads):
    torch.manual_seed(1)
    n, d = 8192, 192
    x = torch.rand(n, d) * 2 - 1
    y = (x.sum(1) > 0).float()
    model = Classifier()
    opt = torch.optim.Adam(model.parameters(), lr=1e-3)
    loss_fn = nn.BCEWithLogitsLoss()
    done, t0 = 0, time.perf_counter()
    while done < samples:
        order = torch.randperm(n)
        for b in range(0, n, 128):
            if done >= samples:
                break
            idx = order[b:min(n, b + 128, b + samples - done)]
            opt.zero_grad()
            loss = loss_fn(model(x[idx]), y[idx])
            loss.backward()
            opt.step()
            done += len(idx)
    return done / (time.perf_counter() - t0)


def score(rows, threads, genes=13101):
    torch.manual_seed(2)
    mir = torch.rand(rows, 64)
    gene = torch.rand(genes, 64)
    enc = nn.Sequential(nn.Linear(128, 112), nn.ReLU(), nn.Linear(112, 96), nn.ReLU(), nn.Linear(96, 64), nn.ReLU())
    clf = Classifier().eval()
    center, scale = torch.rand(192), torch.rand(192) + 0.5
    lo, rng = torch.zeros(128), torch.ones(128)
    t0 = time.perf_counter()
    with torch.no_grad():
        for r in range(rows):
            for b in range(0, genes, 8192):
                g = gene[b:b + 8192]
                pair = torch.cat([mir[r].expand(len(g), 64), g], 1)
                z = enc(((pair - lo) / rng).clamp(0, 1))
                feats = (torch.cat([pair, z], 1) - center) / scale
                torch.sigmoid(clf(feats))
    return rows * genes / (time.perf_counter() - t0)


def gemm(threads, n=4096, reps=5):
    a, b = torch.rand(n, n), torch.rand(n, n)
    torch.mm(a, b)
    best = min(_timed(lambda: torch.mm(a, b)) for _ in range(reps))
    return 2 * n ** 3 / best / 1e9


def _timed(f):
    t0 = time.perf_counter()
    f()
    return time.perf_counter() - t0


if __name__ == "__main__":
    ap = argparse.ArgumentParser()
    ap.add_argument("what", choices=["train", "score", "gemm"])
    ap.add_argument("--samples", type=int, default=12800)
    ap.add_argument("--rows", type=int, default=8)
    ap.add_argument("--threads", type=int, default=2)
    a = ap.parse_args()
    torch.set_num_threads(a.threads)
    if a.what == "train":
        print(f"samples/s {train(a.samples, a.threads):.1f}")
    elif a.what == "score":
        print(f"pairs/s {score(a.rows, a.threads):.1f}")
    else:
        print(f"gflops {gemm(a.threads):.1f}")
