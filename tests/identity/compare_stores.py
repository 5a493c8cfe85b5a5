#!/usr/bin/env python3
"""Compares two aemigap stores (or two folders of stores) dataset by dataset, byte for byte.

Every dataset must exist in both with the same dtype, shape and bytes; every attribute
must be equal, except the few that record *when* and *with which binary* a stage ran
(timings, version, commit, the INI's first comment line). Used by compare_builds.sh to
show that a refactoring changed no result.

usage: compare_stores.py A.h5 B.h5
"""
import sys

import h5py
import numpy as np

# Attributes that say when, how fast or by which build: not results.
VOLATILE = {"last_written_utc", "git_commit", "aemigap_version", "seconds", "train_seconds", "scan_seconds",
            "words_per_second", "checkpoint_id",  # checkpoint_id: a hash of model.pt, which names the build
            "content_id", "made_from"}  # lineage ids: they chain checkpoint_id (the values are compared)


def normalise(name, value):
    if name == "config" and isinstance(value, (str, bytes)):
        text = value.decode() if isinstance(value, bytes) else value
        return "\n".join(l for l in text.splitlines() if not l.startswith("# aemigap "))
    if name == "report" and isinstance(value, (str, bytes)):  # its "scan" line is a timing
        text = value.decode() if isinstance(value, bytes) else value
        return "\n".join(l for l in text.splitlines() if not l.startswith("scan "))
    return value


def items(f):
    out = {}

    def visit(path, obj):
        out[path] = obj

    f.visititems(visit)
    return out


def same_attr(a, b):
    if isinstance(a, np.ndarray) or isinstance(b, np.ndarray):
        return np.array_equal(np.asarray(a), np.asarray(b), equal_nan=True)
    return a == b


def compare(pa, pb):
    problems = []
    with h5py.File(pa, "r") as fa, h5py.File(pb, "r") as fb:
        ia, ib = items(fa), items(fb)
        for p in sorted(set(ia) ^ set(ib)):
            problems.append(f"{p}: only in {'A' if p in ia else 'B'}")
        n = 0
        for p in sorted(set(ia) & set(ib)):
            a, b = ia[p], ib[p]
            if isinstance(a, h5py.Dataset):
                n += 1
                if a.dtype != b.dtype or a.shape != b.shape:
                    problems.append(f"{p}: {a.dtype}{a.shape} vs {b.dtype}{b.shape}")
                elif a.dtype.kind == "O":
                    if list(a.asstr()[:]) != list(b.asstr()[:]):
                        problems.append(f"{p}: strings differ")
                elif a[()].tobytes() != b[()].tobytes():
                    problems.append(f"{p}: bytes differ")
        for p in ["/"] + sorted(set(ia) & set(ib)):
            a, b = (fa, fb) if p == "/" else (ia[p], ib[p])
            for k in sorted(set(a.attrs) | set(b.attrs)):
                if k in VOLATILE:
                    continue
                if k not in a.attrs or k not in b.attrs:
                    problems.append(f"{p}@{k}: only in {'A' if k in a.attrs else 'B'}")
                elif not same_attr(normalise(k, a.attrs[k]), normalise(k, b.attrs[k])):
                    problems.append(f"{p}@{k}: {a.attrs[k]!r} vs {b.attrs[k]!r}"[:300])
    return n, problems


def main():
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    n, problems = compare(sys.argv[1], sys.argv[2])
    for p in problems:
        print("DIFFERS", p)
    print(f"{sys.argv[1]} vs {sys.argv[2]}: {n} datasets, {len(problems)} differences")
    sys.exit(1 if problems else 0)


if __name__ == "__main__":
    main()
