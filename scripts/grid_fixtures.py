#!/usr/bin/env python3
"""Generate the scikit-learn GridSearchCV fixture that classify-selection is tested against.

Writes crates/selection/tests/fixtures/grid.json: GridSearchCV(KNeighborsClassifier(),
{"weights": ["uniform", "distance"], "n_neighbors": [3, 4, 5, 6]}, cv=5) on the first
1,500 digits of the embedded sample: candidate order, per-fold scores, means, ranks, the
best candidate, and the refitted model's accuracy on the first 500 test digits.

    pip install scikit-learn==1.9.1 numpy
    python3 scripts/grid_fixtures.py
"""

import gzip
import json
import pathlib

import numpy as np
import sklearn
from sklearn.model_selection import GridSearchCV
from sklearn.neighbors import KNeighborsClassifier

ROOT = pathlib.Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "crates/datasets/data/mnist-sample"
OUT = ROOT / "crates/selection/tests/fixtures/grid.json"
TRAIN, TEST = 1500, 500


def idx(name):
    raw = gzip.open(SAMPLE / name).read()
    rank = raw[3]
    dims = [int.from_bytes(raw[4 + 4 * i: 8 + 4 * i], "big") for i in range(rank)]
    return np.frombuffer(raw, np.uint8, offset=4 + 4 * rank).reshape(dims)


x = idx("train-images-idx3-ubyte.gz").reshape(-1, 784)[:TRAIN].astype(np.float64)
y = idx("train-labels-idx1-ubyte.gz")[:TRAIN].astype(int)
xt = idx("t10k-images-idx3-ubyte.gz").reshape(-1, 784)[:TEST].astype(np.float64)
yt = idx("t10k-labels-idx1-ubyte.gz")[:TEST].astype(int)
grid = {"weights": ["uniform", "distance"], "n_neighbors": [3, 4, 5, 6]}
search = GridSearchCV(KNeighborsClassifier(), grid, cv=5).fit(x, y)
r = search.cv_results_
out = {
    "sklearn": sklearn.__version__,
    "train_rows": TRAIN,
    "test_rows": TEST,
    "params": [{k: (v if isinstance(v, str) else int(v)) for k, v in p.items()} for p in r["params"]],
    "fold_scores": [[float(r[f"split{i}_test_score"][c]) for i in range(5)] for c in range(len(r["params"]))],
    "mean": [float(v) for v in r["mean_test_score"]],
    "std": [float(v) for v in r["std_test_score"]],
    "rank": [int(v) for v in r["rank_test_score"]],
    "best_index": int(search.best_index_),
    "best_score": float(search.best_score_),
    "test_accuracy": float(search.score(xt, yt)),
}
OUT.write_text(json.dumps(out, indent=1))
print(f"wrote {OUT}: best {search.best_params_} {search.best_score_:.4f}")
