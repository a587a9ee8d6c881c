#!/usr/bin/env python3
"""Generate the scikit-learn fixture for classify-multiclass's one-vs-one arithmetic.

Writes crates/multiclass/tests/fixtures/ovo.json: random pairwise predictions and
confidences (with exact ties in votes and zero confidences) and scikit-learn's
`_ovr_decision_function` of them, for 2, 3, 4 and 10 classes.

    pip install scikit-learn==1.9.1 numpy
    python3 scripts/multiclass_fixtures.py
"""

import json
import pathlib

import numpy as np
import sklearn
from sklearn.utils.multiclass import _ovr_decision_function

OUT = pathlib.Path(__file__).resolve().parent.parent / "crates/multiclass/tests/fixtures/ovo.json"

rng = np.random.RandomState(0)
cases = []
for k in (2, 3, 4, 10):
    pairs = k * (k - 1) // 2
    n = 40
    predictions = rng.randint(0, 2, (n, pairs))
    confidences = np.round(rng.normal(0, 2, (n, pairs)), 2)
    confidences[:5] = 0.0  # ties broken by nothing: the first class wins
    confidences[5:10] = np.abs(confidences[5:10])
    scores = _ovr_decision_function(predictions, confidences, k)
    cases.append({
        "n_classes": k,
        "predictions": predictions.tolist(),
        "confidences": confidences.tolist(),
        "scores": scores.tolist(),
        "argmax": scores.argmax(axis=1).tolist(),
    })
OUT.write_text(json.dumps({"sklearn": sklearn.__version__, "cases": cases}))
print(f"wrote {OUT}")
