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
from sklearn.model_selection import (
    KFold,
    ShuffleSplit,
    StratifiedKFold,
    StratifiedShuffleSplit,
    train_test_split,
)

ROOT = pathlib.Path(__file__).resolve().parent.parent
OUT = ROOT / "crates/selection/tests/fixtures/folds.json"
SHUFFLED = ROOT / "crates/selection/tests/fixtures/shuffled.json"
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


def shuffled():
    """Shuffled folds, train/test splits and (stratified) shuffle splits: NumPy's RandomState
    draws, seed by seed."""
    cases = []
    rng = np.random.RandomState(1)
    for i in range(40):
        n = int(rng.randint(4, 80))
        k = int(rng.randint(2, 6))
        seed = int([0, 1, 42, 2**32 - 1, rng.randint(0, 2**31)][i % 5])
        labels = rng.randint(0, int(rng.randint(2, 5)), n) * 2
        cases.append({"name": f"kfold-{i}", "kind": "kfold", "k": k, "n": n, "seed": seed,
                      "folds": assignment(KFold(n_splits=k, shuffle=True, random_state=seed), labels)})
        case = {"name": f"stratified-{i}", "kind": "stratified", "k": k, "y": labels.tolist(), "seed": seed}
        try:
            case["folds"] = assignment(StratifiedKFold(n_splits=k, shuffle=True, random_state=seed), labels)
        except ValueError as e:
            case["error"] = str(e)
        cases.append(case)
        test_size = [0.2, 0.25, 3, 0.5][i % 4]
        stratify = labels if i % 2 else None
        split = {"name": f"split-{i}", "kind": "split", "n": n, "seed": seed, "test_size": test_size,
                 "y": labels.tolist() if stratify is not None else None}
        try:
            train, test = train_test_split(np.arange(n), test_size=test_size, random_state=seed, stratify=stratify)
            split["train"], split["test"] = train.tolist(), test.tolist()
        except ValueError as e:
            split["error"] = str(e)
        cases.append(split)
    # ShuffleSplit and StratifiedShuffleSplit: several splits from one generator, every
    # combination of sizes (fractions round the test part up and the training part down).
    sizes = [(None, None), (0.2, None), (None, 0.6), (3, None), (0.25, 0.5), (2, 5), (0.7, 0.5)]
    for i in range(40):
        n = int(rng.randint(6, 60))
        seed = int([0, 1, 42, 2**32 - 1, rng.randint(0, 2**31)][i % 5])
        labels = rng.randint(0, int(rng.randint(2, 4)), n) * 3
        test_size, train_size = sizes[i % len(sizes)]
        n_splits = int(rng.randint(1, 5))
        for kind, splitter, y in [
            ("shuffle_split", ShuffleSplit, None),
            ("stratified_shuffle_split", StratifiedShuffleSplit, labels),
        ]:
            case = {"name": f"{kind}-{i}", "kind": kind, "n": n, "seed": seed, "n_splits": n_splits,
                    "test_size": test_size, "train_size": train_size, "y": labels.tolist()}
            try:
                cv = splitter(n_splits=n_splits, test_size=test_size, train_size=train_size, random_state=seed)
                case["splits"] = [[a.tolist(), b.tolist()] for a, b in cv.split(np.zeros((n, 1)), labels)]
            except ValueError as e:
                case["error"] = str(e)
            cases.append(case)
    SHUFFLED.write_text(json.dumps({"sklearn": sklearn.__version__, "cases": cases}, separators=(",", ":")) + "\n")
    print(f"wrote {len(cases)} cases to {SHUFFLED}")


if __name__ == "__main__":
    main()
    shuffled()
