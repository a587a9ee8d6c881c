#!/usr/bin/env python3
"""Generate the scikit-learn logistic-regression fixture that classify-models is tested against.

Writes crates/models/tests/fixtures/logistic.json: the first 500 of scikit-learn's bundled
8x8 digits (BSD-3-Clause, shipped in the scikit-learn wheel), and for a binary target
(digit == 3) and the ten classes, LogisticRegression's coefficients, intercepts and
probabilities for several C, solved to a tight tolerance (the optimum is unique, so any
correct solver must reach it).

    pip install scikit-learn==1.9.1 numpy
    python3 scripts/logistic_fixtures.py
"""

import json
import pathlib

import numpy as np
import sklearn
from sklearn.datasets import load_digits
from sklearn.linear_model import LogisticRegression

OUT = pathlib.Path(__file__).resolve().parent.parent / "crates/models/tests/fixtures/logistic.json"

X, y = load_digits(return_X_y=True)
X, y = X[:500].astype(int), y[:500].astype(int)
cases = []
for name, target in (("binary", (y == 3).astype(int)), ("multinomial", y)):
    for c in (0.01, 1.0):
        m = LogisticRegression(C=c, tol=1e-10, max_iter=10000).fit(X, target)
        cases.append(
            {
                "name": f"{name} C={c}",
                "target": target.tolist(),
                "c": c,
                "coef": m.coef_.tolist(),
                "intercept": m.intercept_.tolist(),
                "proba": m.predict_proba(X[:50]).tolist(),
                "predict": m.predict(X).tolist(),
            }
        )
OUT.write_text(
    json.dumps({"sklearn": sklearn.__version__, "x": X.tolist(), "cases": cases})
)
print(f"wrote {OUT} ({OUT.stat().st_size} bytes, {len(cases)} cases)")
