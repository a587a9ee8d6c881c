#!/usr/bin/env python3
"""Generate the scikit-learn k-NN fixture that classify-models is tested against.

Writes crates/models/tests/fixtures/knn.json: on the embedded sample (the first 3,000
training digits as the training set, the first 200 test digits as queries) and on a small
tie-heavy integer set, scikit-learn's brute-force neighbours (indices, distances) and
predictions / probabilities for several k and both weightings.

    pip install scikit-learn==1.9.1 numpy
    python3 scripts/knn_fixtures.py
"""

import gzip
import json
import pathlib

import numpy as np
import sklearn
from sklearn.neighbors import KNeighborsClassifier

ROOT = pathlib.Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "crates/datasets/data/mnist-sample"
OUT = ROOT / "crates/models/tests/fixtures/knn.json"


def idx(name):
    raw = gzip.open(SAMPLE / name).read()
    rank = raw[3]
    dims = [int.from_bytes(raw[4 + 4 * i: 8 + 4 * i], "big") for i in range(rank)]
    return np.frombuffer(raw, np.uint8, offset=4 + 4 * rank).reshape(dims)


def case(name, x, y, q, ks, embed=True):
    out = {"name": name, "runs": []}
    if embed:
        out.update({"x": x.tolist(), "y": y.tolist(), "q": q.tolist()})
    for k in ks:
        for weights in ["uniform", "distance"]:
            m = KNeighborsClassifier(n_neighbors=k, weights=weights, algorithm="brute").fit(x, y)
            dist, ind = m.kneighbors(q)
            out["runs"].append({
                "k": k, "weights": weights,
                "indices": ind.tolist(), "distances": dist.tolist(),
                "predict": m.predict(q).tolist(), "proba": m.predict_proba(q).tolist(),
            })
    return out


def main():
    x = idx("train-images-idx3-ubyte.gz").reshape(-1, 784)[:3000].astype(np.float64)
    y = idx("train-labels-idx1-ubyte.gz")[:3000].astype(int)
    q = idx("t10k-images-idx3-ubyte.gz").reshape(-1, 784)[:200].astype(np.float64)
    # The digits themselves are read by the test from the embedded sample.
    cases = [case("mnist-sample", x, y, q, [1, 3, 4, 5, 6], embed=False)]
    cases[0].update({"train_rows": 3000, "test_rows": 200})
    rng = np.random.RandomState(0)
    tx = rng.randint(0, 2, (120, 6)).astype(np.float64)  # many equal distances
    ty = rng.randint(0, 3, 120) * 2 + 1
    tq = rng.randint(0, 2, (40, 6)).astype(np.float64)
    cases.append(case("ties", tx, ty, tq, [1, 2, 4, 7]))
    # 2-D targets: multilabel (digit >= 7, digit odd) and multioutput (pixel values of a noisy copy).
    multi = {"name": "multioutput", "train_rows": 2000, "test_rows": 100, "targets": {}, "runs": []}
    xm, qm = x[:2000], q[:100]
    labels = y[:2000]
    multilabel = np.c_[labels >= 7, labels % 2 == 1].astype(int)
    pixels = x[:2000, 300:340].astype(int)  # 40 pixel outputs, up to 256 values each
    for target_name, target in [("multilabel", multilabel), ("pixels", pixels)]:
        multi["targets"][target_name] = target.tolist()
        for k, weights in [(5, "uniform"), (4, "uniform"), (5, "distance")]:
            m = KNeighborsClassifier(n_neighbors=k, weights=weights, algorithm="brute").fit(xm, target)
            multi["runs"].append({"target": target_name, "k": k, "weights": weights,
                                  "predict": m.predict(qm).tolist()})
    cases.append(multi)
    OUT.parent.mkdir(parents=True, exist_ok=True)
    OUT.write_text(json.dumps({"sklearn": sklearn.__version__, "cases": cases}, separators=(",", ":")) + "\n")
    print(f"wrote {OUT} ({OUT.stat().st_size} bytes)")


if __name__ == "__main__":
    main()
