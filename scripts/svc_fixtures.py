#!/usr/bin/env python3
"""Generate the scikit-learn SVC fixture that classify-models is tested against.

Writes crates/models/tests/fixtures/svc.json: on the embedded sample (the first 600 training
digits, the first 100 test digits as queries, raw pixels), scikit-learn's SVC() for ten
classes and for the 5-detector, and a linear and a polynomial kernel: gamma, number of
support vectors, solver iterations per pair, intercepts, one-vs-one and one-vs-rest decision
values, predictions; and with
probability=True, random_state=0 the probabilities (libsvm's internal folds, which
classify-models draws as scikit-learn seeds them).

    pip install scikit-learn==1.9.1 numpy
    python3 scripts/svc_fixtures.py
"""

import gzip
import json
import pathlib

import numpy as np
import sklearn
from sklearn.svm import SVC

ROOT = pathlib.Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "crates/datasets/data/mnist-sample"
OUT = ROOT / "crates/models/tests/fixtures/svc.json"
TRAIN, TEST = 600, 100


def idx(name):
    raw = gzip.open(SAMPLE / name).read()
    rank = raw[3]
    dims = [int.from_bytes(raw[4 + 4 * i: 8 + 4 * i], "big") for i in range(rank)]
    return np.frombuffer(raw, np.uint8, offset=4 + 4 * rank).reshape(dims)


def main():
    x = idx("train-images-idx3-ubyte.gz").reshape(-1, 784)[:TRAIN].astype(np.float64)
    y = idx("train-labels-idx1-ubyte.gz")[:TRAIN].astype(int)
    q = idx("t10k-images-idx3-ubyte.gz").reshape(-1, 784)[:TEST].astype(np.float64)
    cases = []
    for name, target, params in [
        ("rbf multiclass", y, {}),
        ("rbf 5-detector", (y == 5).astype(int), {}),
        ("linear multiclass", y, {"kernel": "linear", "C": 1e-6}),
        ("poly multiclass", y, {"kernel": "poly", "degree": 2, "coef0": 1.0}),
    ]:
        m = SVC(decision_function_shape="ovo", **params).fit(x, target)
        ovr = SVC(**params).fit(x, target)
        p = SVC(probability=True, random_state=0, **params).fit(x, target)
        cases.append({
            "name": name,
            "params": params,
            "target": target.tolist(),
            "gamma": float(m._gamma),
            "n_support": int(m.support_.size),
            "n_iter": [int(v) for v in m.n_iter_],
            "intercept": m.intercept_.tolist(),
            "support": m.support_.tolist(),
            "ovo": m.decision_function(q).tolist(),
            "ovr": ovr.decision_function(q).tolist(),
            "predict": m.predict(q).tolist(),
            "proba": p.predict_proba(q).tolist(),
        })
    OUT.write_text(json.dumps({"sklearn": sklearn.__version__, "train_rows": TRAIN,
                               "test_rows": TEST, "cases": cases}))
    print(f"wrote {OUT} ({OUT.stat().st_size} bytes)")


main()
