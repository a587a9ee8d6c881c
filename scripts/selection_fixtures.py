#!/usr/bin/env python3
"""Generate the scikit-learn fold fixture that classify-selection is tested against.

Writes crates/selection/tests/fixtures/folds.json: for the embedded sample's 8,000 MNIST
training labels (digits, and the 5-detector's booleans) and for small random label vectors,
the fold each sample is tested in under scikit-learn's StratifiedKFold(n_splits=k) and
KFold(n_splits=k), or the error scikit-learn raised.

    pip install scikit-learn==1.9.1 numpy
    python3 scripts/selection_fixtures.py
"""

import gzip
import json
import pathlib
import warnings

import numpy as np
import sklearn
from sklearn.model_selection import KFold, StratifiedKFold

ROOT = pathlib.Path(__file__).resolve().parent.parent
OUT = ROOT / "crates/selection/tests/fixtures/folds.json"
warnings.simplefilter("ignore")


def sample_labels():
    raw = gzip.open(ROOT / "crates/datasets/data/mnist-sample/train-labels-idx1-ubyte.gz").read()
    return np.frombuffer(raw, dtype=np.uint8, offset=8).astype(int)


def assignment(splitter, y):
    folds = np.full(len(y), -1)
    for f, (_, test) in enumerate(splitter.split(np.zeros((len(y), 1)), y)):
        folds[test] = f
    return folds.tolist()


def main():
    cases = []
    y = sample_labels()
    for name, labels in [("mnist-sample", y), ("mnist-sample-is-5", (y == 5).astype(int))]:
        for k in [2, 3, 5, 10]:
            cases.append({"name": f"{name}-k{k}", "kind": "stratified", "k": k, "y": labels.tolist(),
                          "folds": assignment(StratifiedKFold(n_splits=k), labels)})
    rng = np.random.RandomState(0)
    for i in range(40):
        n = rng.randint(2, 60)
        k = rng.randint(2, 7)
        n_classes = rng.randint(1, 6)
        labels = rng.randint(0, n_classes, n) * 3 + 1  # sparse label values
        case = {"name": f"random-{i}", "kind": "stratified", "k": int(k), "y": labels.tolist()}
        try:
            case["folds"] = assignment(StratifiedKFold(n_splits=int(k)), labels)
        except ValueError as e:
            case["error"] = str(e)
        cases.append(case)
        kcase = {"name": f"kfold-{i}", "kind": "kfold", "k": int(k), "n": int(n)}
        try:
            kcase["folds"] = assignment(KFold(n_splits=int(k)), labels)
        except ValueError as e:
            kcase["error"] = str(e)
        cases.append(kcase)
    OUT.parent.mkdir(parents=True, exist_ok=True)
    OUT.write_text(json.dumps({"sklearn": sklearn.__version__, "cases": cases}, separators=(",", ":")) + "\n")
    print(f"wrote {len(cases)} cases to {OUT}")


if __name__ == "__main__":
    main()
