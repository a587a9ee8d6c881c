"""Writes tests/fixtures/digits8x8: scikit-learn's 8 x 8 digits as an IDX folder (by
scripts/digits_to_idx.py's rule: bytes v * 255 // 16, the first 1,437 images train, the last
360 test) and sklearn.json, what scikit-learn computes on exactly those files:

- KNeighborsClassifier() fitted on the training images: test accuracy;
- StratifiedKFold(5) and StratifiedKFold(3, shuffle=True, random_state=42) on the training
  labels: the test rows of each fold;
- GridSearchCV(KNeighborsClassifier(), {"weights": ["uniform", "distance"],
  "n_neighbors": [3, 4, 5, 6]}, cv=5) on every training image (`classify tune knn`'s grid):
  candidates in order, fold scores, means, ranks, the best, and the refit's test accuracy.

The digits are the UCI "Optical Recognition of Handwritten Digits" test set as shipped in
scikit-learn (`sklearn/datasets/data/digits.csv.gz`, BSD-3-Clause package; data CC BY 4.0,
E. Alpaydin and C. Kaynak).

    pip install scikit-learn==1.9.1 numpy
    python3 scripts/digits_fixtures.py
"""

import gzip
import json
import pathlib
import sys

import numpy as np
import sklearn
from sklearn.model_selection import GridSearchCV, StratifiedKFold
from sklearn.neighbors import KNeighborsClassifier

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent))
import digits_to_idx  # noqa: E402

ROOT = pathlib.Path(__file__).resolve().parent.parent
OUT = ROOT / "tests/fixtures/digits8x8"


def idx(name):
    raw = gzip.open(OUT / name).read()
    rank = raw[3]
    dims = [int.from_bytes(raw[4 + 4 * i: 8 + 4 * i], "big") for i in range(rank)]
    return np.frombuffer(raw, np.uint8, offset=4 + 4 * rank).reshape(dims)


def main() -> None:
    digits_to_idx.write_folder(OUT)
    # Read back what was written: the numbers below are for exactly those bytes.
    x = idx("train-images-idx3-ubyte.gz").reshape(-1, 64).astype(np.float64)
    y = idx("train-labels-idx1-ubyte.gz").astype(int)
    xt = idx("t10k-images-idx3-ubyte.gz").reshape(-1, 64).astype(np.float64)
    yt = idx("t10k-labels-idx1-ubyte.gz").astype(int)
    knn = KNeighborsClassifier().fit(x, y)
    folds = {
        "stratified_5": [t.tolist() for _, t in StratifiedKFold(5).split(x, y)],
        "stratified_3_shuffled_42": [
            t.tolist()
            for _, t in StratifiedKFold(3, shuffle=True, random_state=42).split(x, y)
        ],
    }
    grid = {"weights": ["uniform", "distance"], "n_neighbors": [3, 4, 5, 6]}
    search = GridSearchCV(KNeighborsClassifier(), grid, cv=5).fit(x, y)
    r = search.cv_results_
    out = {
        "sklearn": sklearn.__version__,
        "n_train": len(y),
        "n_test": len(yt),
        "knn_test_accuracy": float(knn.score(xt, yt)),
        "folds": folds,
        "grid": {
            "params": [
                {k: (v if isinstance(v, str) else int(v)) for k, v in p.items()}
                for p in r["params"]
            ],
            "fold_scores": [
                [float(r[f"split{i}_test_score"][c]) for i in range(5)]
                for c in range(len(r["params"]))
            ],
            "mean": [float(v) for v in r["mean_test_score"]],
            "rank": [int(v) for v in r["rank_test_score"]],
            "best_params": {
                k: (v if isinstance(v, str) else int(v))
                for k, v in search.best_params_.items()
            },
            "best_score": float(search.best_score_),
            "test_accuracy": float(search.score(xt, yt)),
        },
    }
    (OUT / "sklearn.json").write_text(json.dumps(out, indent=1) + "\n")
    print(f"wrote {OUT}: k-NN {out['knn_test_accuracy']}, best {search.best_params_}")


if __name__ == "__main__":
    main()
