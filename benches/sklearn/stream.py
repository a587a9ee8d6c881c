#!/usr/bin/env python3
"""The scikit-learn side of `cargo xtask bench-stream`, with classify's run beside it.

SGD learning a detector from a training set read a block at a time: classify's
`classify binary --stream` (run here as a child process, timed, its peak memory read from
the kernel's accounting of children), then scikit-learn's `SGDClassifier.partial_fit` called
on the same blocks, read with NumPy from the same uncompressed IDX file, in the same order,
for the same passes. Prints one JSON object: each side's seconds per pass, peak RSS and test
accuracy (the same weights give the same accuracy).

    python3 benches/sklearn/stream.py --data DIR --classify BIN --dataset NAME \
        [--block N] [--passes P] [--digit D] [--seed S]
"""

import argparse
import gzip
import json
import pathlib
import resource
import subprocess
import time

import numpy as np
from sklearn.linear_model import SGDClassifier


def header(f):
    magic = f.read(4)
    rank = magic[3]
    return [int.from_bytes(f.read(4), "big") for _ in range(rank)]


def read_whole(path: pathlib.Path) -> np.ndarray:
    opener = gzip.open if path.suffix == ".gz" else open
    with opener(path, "rb") as f:
        dims = header(f)
        return np.frombuffer(f.read(), dtype=np.uint8).reshape(dims[0], -1)


def find(data: pathlib.Path, stem: str) -> pathlib.Path:
    for name in (stem, stem + ".gz"):
        if (data / name).is_file():
            return data / name
    raise SystemExit(f"{data}: no {stem}")


def warm_page_cache(path: pathlib.Path) -> float:
    """Reads the file once so that neither side's first pass pays for the disk (where the
    file fits the page cache); returns the seconds it took."""
    start = time.perf_counter()
    with open(path, "rb") as f:
        while f.read(64 << 20):
            pass
    return time.perf_counter() - start


def ours(args) -> dict:
    cmd = [args.classify, "binary", "--stream", "--dataset", args.dataset, "--json", "-q",
           "--block", str(args.block), "--passes", str(args.passes), "--digit", str(args.digit),
           "--seed", str(args.seed)]
    start = time.perf_counter()
    out = subprocess.run(cmd, check=True, capture_output=True, text=True)
    seconds = time.perf_counter() - start
    report = json.loads(out.stdout)
    rss = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    return {"seconds": seconds, "pass_seconds": report["pass_seconds"],
            "test_accuracy": report["test_accuracy"], "peak_rss_mb": rss,
            "n_train": report["n_train"]}


def sklearn(args) -> dict:
    images = find(args.data, "train-images-idx3-ubyte")
    if images.suffix == ".gz":
        raise SystemExit("the streamed benchmark reads an uncompressed training file")
    y_all = read_whole(find(args.data, "train-labels-idx1-ubyte")).ravel() == args.digit
    x_test = read_whole(find(args.data, "t10k-images-idx3-ubyte"))
    y_test = read_whole(find(args.data, "t10k-labels-idx1-ubyte")).ravel() == args.digit
    clf = SGDClassifier(random_state=args.seed)
    classes = np.array([False, True])
    pass_seconds, accuracy = [], []
    for _ in range(args.passes):
        start = time.perf_counter()
        with open(images, "rb") as f:
            n, h, w = header(f)
            d = h * w
            for first in range(0, n, args.block):
                rows = min(args.block, n - first)
                x = np.fromfile(f, dtype=np.uint8, count=rows * d).reshape(rows, d)
                clf.partial_fit(x, y_all[first:first + rows], classes=classes)
        pass_seconds.append(time.perf_counter() - start)
        accuracy.append(float((clf.predict(x_test) == y_test).mean()))
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return {"seconds": sum(pass_seconds), "pass_seconds": pass_seconds,
            "test_accuracy": accuracy[-1], "peak_rss_mb": rss, "n_train": int(n)}


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--data", type=pathlib.Path, required=True)
    p.add_argument("--classify", required=True)
    p.add_argument("--dataset", required=True)
    p.add_argument("--block", type=int, default=100_000)
    p.add_argument("--passes", type=int, default=1)
    p.add_argument("--digit", type=int, default=5)
    p.add_argument("--seed", type=int, default=42)
    args = p.parse_args()
    warm = warm_page_cache(find(args.data, "train-images-idx3-ubyte"))
    result = {"classify": ours(args), "sklearn": sklearn(args), "warm_seconds": warm}
    print(json.dumps(result, indent=1))


if __name__ == "__main__":
    main()
