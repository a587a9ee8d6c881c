#!/usr/bin/env python3
"""The chapter's steps from Python, on one side: classify's estimators (``classify.sklearn``),
scikit-learn's, or scikit-learn's patched by Intel's extension (``sklearnex``). Run by
``cargo xtask bench --python`` once per side, on the same files; by hand:

    python3 benches/python/bench.py --side classify --data DIR [--quick] [STEP ...]

Prints one JSON object: {"<step>": {"seconds": s, "score": accuracy or AUC, "peak_mb": MB}}.
Each step runs in a fresh process so that its peak memory (RSS above the loaded data) is its
own; the data is read with NumPy (gzip + frombuffer), as ``uint8`` arrays, as a user has it.
"""

import argparse
import gzip
import json
import multiprocessing
import pathlib
import resource
import sys
import time

import numpy as np


def load_idx(path):
    with gzip.open(path, "rb") as f:
        raw = f.read()
    rank = raw[3]
    dims = [int.from_bytes(raw[4 + 4 * i : 8 + 4 * i], "big") for i in range(rank)]
    return np.frombuffer(raw, dtype=np.uint8, offset=4 + 4 * rank).reshape(dims)


def load(data):
    x = load_idx(data / "train-images-idx3-ubyte.gz")
    y = load_idx(data / "train-labels-idx1-ubyte.gz")[: len(x)]
    xt = load_idx(data / "t10k-images-idx3-ubyte.gz")
    yt = load_idx(data / "t10k-labels-idx1-ubyte.gz")[: len(xt)]
    return x.reshape(len(x), -1), y, xt.reshape(len(xt), -1), yt


def estimators(side):
    """The estimator classes of a side, imported as its users import them."""
    if side == "classify":
        from classify import sklearn as module

        return module
    if side == "sklearnex":
        from sklearnex import patch_sklearn

        patch_sklearn()
    import sklearn.ensemble
    import sklearn.linear_model
    import sklearn.neighbors
    import sklearn.svm

    class Module:
        KNeighborsClassifier = sklearn.neighbors.KNeighborsClassifier
        SGDClassifier = sklearn.linear_model.SGDClassifier
        RandomForestClassifier = sklearn.ensemble.RandomForestClassifier
        SVC = sklearn.svm.SVC

    return Module


# Each step: what it does, and a function of (estimators, data) returning its score.
def knn(m, d):
    x, y, xt, yt = d
    return m.KNeighborsClassifier(n_jobs=-1).fit(x, y).score(xt, yt)


def sgd_detector(m, d):
    x, y, xt, yt = d
    return m.SGDClassifier(random_state=42).fit(x, y == 5).score(xt, yt == 5)


def sgd_multiclass(m, d):
    x, y, xt, yt = d
    return m.SGDClassifier(random_state=42).fit(x, y).score(xt, yt)


def forest_probas(m, d):
    from sklearn.metrics import roc_auc_score
    from sklearn.model_selection import cross_val_predict

    x, y, _, _ = d
    probas = cross_val_predict(
        m.RandomForestClassifier(random_state=42, n_jobs=-1), x, y == 5, cv=3, method="predict_proba"
    )
    return roc_auc_score(y == 5, probas[:, 1])


def svc_2000(m, d):
    x, y, xt, yt = d
    return m.SVC(random_state=42).fit(x[:2000], y[:2000]).score(xt, yt)


STEPS = {
    "knn": ("k-NN fit on the training set + score the 10,000 test images", knn),
    "sgd-detector": ("SGDClassifier fit, the 5-detector on every training image", sgd_detector),
    "forest-probas": (
        "random forest 3-fold cross_val_predict probabilities (5-detector) + ROC AUC",
        forest_probas,
    ),
    "svc-2000": ("SVC fit on 2,000 images + score the test set", svc_2000),
    "sgd-multiclass": ("SGDClassifier fit, 10 classes, every training image (heavy)", sgd_multiclass),
}
HEAVY = {"sgd-multiclass"}


def run_step(args):
    side, data, name, quick, queue = args
    try:
        m = estimators(side)
        d = load(data)
        if quick:
            d = (d[0][:3000], d[1][:3000], d[2][:1000], d[3][:1000])
        before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        start = time.perf_counter()
        score = STEPS[name][1](m, d)
        seconds = time.perf_counter() - start
        after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        queue.put({"seconds": seconds, "score": float(score), "peak_mb": (after - before) / 1024})
    except Exception as e:  # reported in the table, the other steps go on
        queue.put({"error": f"{type(e).__name__}: {e}"})


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--side", choices=["classify", "sklearn", "sklearnex"], required=True)
    p.add_argument("--data", type=pathlib.Path, required=True)
    p.add_argument("--quick", action="store_true", help="3,000 training images")
    p.add_argument("--all", action="store_true", help="the heavy steps too")
    p.add_argument("steps", nargs="*")
    a = p.parse_args()
    names = a.steps or [s for s in STEPS if a.all or s not in HEAVY]
    unknown = [n for n in names if n not in STEPS]
    if unknown:
        sys.exit(f"no step {unknown}; steps: {', '.join(STEPS)}")
    out = {}
    ctx = multiprocessing.get_context("spawn")
    for name in names:
        queue = ctx.Queue()
        proc = ctx.Process(target=run_step, args=((a.side, a.data, name, a.quick, queue),))
        proc.start()
        result = queue.get()
        proc.join()
        out[name] = result
        print(f"{a.side} {name}: {result}", file=sys.stderr)
    json.dump({"steps": out, "order": names, "what": {n: STEPS[n][0] for n in names}}, sys.stdout)


if __name__ == "__main__":
    main()
