#!/usr/bin/env python3
"""Checks `classify knn --stream --out ROWS.npy` against brute force in NumPy.

For a sample of test images, every training image's exact squared distance (float64 over
uint8 pixels: exact), read a block at a time from the uncompressed training file; the k
nearest by (distance, training row) must be the rows classify wrote.

    python3 benches/sklearn/knn_check.py --data DIR --rows ROWS.npy [--queries 20] [--seed 0]
"""

import argparse
import gzip
import json
import pathlib
import time

import numpy as np


def header(f):
    magic = f.read(4)
    return [int.from_bytes(f.read(4), "big") for _ in range(magic[3])]


def test_images(data: pathlib.Path) -> np.ndarray:
    for name in ("t10k-images-idx3-ubyte", "t10k-images-idx3-ubyte.gz"):
        path = data / name
        if path.is_file():
            opener = gzip.open if name.endswith(".gz") else open
            with opener(path, "rb") as f:
                n, h, w = header(f)
                return np.frombuffer(f.read(), dtype=np.uint8).reshape(n, h * w)
    raise SystemExit(f"{data}: no test images")


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--data", type=pathlib.Path, required=True)
    p.add_argument("--rows", type=pathlib.Path, required=True)
    p.add_argument("--queries", type=int, default=20)
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--block", type=int, default=100_000)
    args = p.parse_args()
    ours = np.load(args.rows)
    k = ours.shape[1]
    test = test_images(args.data)
    picked = np.random.RandomState(args.seed).choice(len(test), args.queries, replace=False)
    q = test[picked].astype(np.float64)
    q_sq = (q * q).sum(axis=1)
    best_d = np.full((len(picked), 0), np.inf)
    best_i = np.zeros((len(picked), 0), dtype=np.int64)
    start = time.perf_counter()
    with open(args.data / "train-images-idx3-ubyte", "rb") as f:
        n, h, w = header(f)
        for first in range(0, n, args.block):
            rows = min(args.block, n - first)
            x = np.fromfile(f, dtype=np.uint8, count=rows * h * w).reshape(rows, h * w)
            x = x.astype(np.float64)
            d = q_sq[:, None] - 2 * q @ x.T + (x * x).sum(axis=1)[None, :]
            idx = np.broadcast_to(np.arange(first, first + rows), d.shape)
            all_d = np.concatenate([best_d, d], axis=1)
            all_i = np.concatenate([best_i, idx], axis=1)
            keep_d, keep_i = [], []
            for r in range(len(picked)):
                order = np.lexsort((all_i[r], all_d[r]))[:k]
                keep_d.append(all_d[r, order])
                keep_i.append(all_i[r, order])
            best_d, best_i = np.array(keep_d), np.array(keep_i)
    same = [bool((best_i[r] == ours[picked[r]]).all()) for r in range(len(picked))]
    print(json.dumps({"queries": [int(i) for i in picked], "training_rows": int(n),
                      "same_neighbours": sum(same), "of": len(same),
                      "seconds": time.perf_counter() - start}))


if __name__ == "__main__":
    main()
