#!/usr/bin/env python3
"""The scikit-learn / NumPy side of `cargo xtask bench` (with `--intelex`, scikit-learn patched by
Intel's extension: the third side of `cargo xtask bench --chapter`).

Times the same steps as the criterion benches, on the same files, and prints one JSON object:
{"<step>": {"median_s": seconds, "runs": n, ...}}. Run by `cargo xtask bench`; by hand:
    python3 benches/sklearn/bench.py --data DIR [--quick] [--intelex] [STEP ...]
"""

import argparse
import gzip
import json
import pathlib
import statistics
import sys
import time

import numpy as np


def load_idx(path: pathlib.Path) -> np.ndarray:
    """NumPy's idiom for MNIST: gzip + frombuffer, header parsed by hand."""
    with gzip.open(path, "rb") as f:
        raw = f.read()
    rank = raw[3]
    dims = [int.from_bytes(raw[4 + 4 * i: 8 + 4 * i], "big") for i in range(rank)]
    return np.frombuffer(raw, dtype=np.uint8, offset=4 + 4 * rank).reshape(dims)


def step_idx_load(data: pathlib.Path):
    names = ["train-images-idx3-ubyte.gz", "train-labels-idx1-ubyte.gz",
             "t10k-images-idx3-ubyte.gz", "t10k-labels-idx1-ubyte.gz"]

    def run():
        arrays = [load_idx(data / n) for n in names]
        arrays[0] = arrays[0].reshape(len(arrays[0]), -1)
        arrays[2] = arrays[2].reshape(len(arrays[2]), -1)
        return arrays

    return run


def step_curves_1m(path: pathlib.Path):
    from sklearn.metrics import precision_recall_curve, roc_auc_score, roc_curve

    raw = path.read_bytes()
    n = len(raw) // 9
    scores = np.frombuffer(raw, dtype="<f8", count=n)
    y = np.frombuffer(raw, dtype=np.uint8, offset=8 * n)

    def run():
        return (roc_curve(y, scores), precision_recall_curve(y, scores), roc_auc_score(y, scores))

    return run


def train_set(data: pathlib.Path):
    x = load_idx(data / "train-images-idx3-ubyte.gz")
    y = load_idx(data / "train-labels-idx1-ubyte.gz")[: len(x)]
    return x.reshape(len(x), -1).astype(np.float64), y


def test_set(data: pathlib.Path):
    xt = load_idx(data / "t10k-images-idx3-ubyte.gz")
    xt = xt.reshape(len(xt), -1).astype(np.float64)
    return xt, load_idx(data / "t10k-labels-idx1-ubyte.gz")[: len(xt)]


def step_sgd_fit(data: pathlib.Path):
    from sklearn.linear_model import SGDClassifier

    x, y = train_set(data)
    return lambda: SGDClassifier(random_state=42).fit(x, y == 5)


def step_sgd_cv_binary(data: pathlib.Path):
    from sklearn.linear_model import SGDClassifier
    from sklearn.model_selection import cross_val_score

    x, y = train_set(data)
    return lambda: {"fold_accuracy": cross_val_score(SGDClassifier(random_state=42), x, y == 5, cv=3).tolist()}


def step_detector(data: pathlib.Path):
    from sklearn.dummy import DummyClassifier
    from sklearn.linear_model import SGDClassifier
    from sklearn.metrics import (confusion_matrix, f1_score, precision_recall_curve, precision_score,
                                 recall_score, roc_auc_score, roc_curve)
    from sklearn.model_selection import cross_val_predict, cross_val_score

    x, y = train_set(data)
    y5 = y == 5

    def run():
        # The chapter's 5-detector as `classify binary --digit 5 --cv 3` runs it: a fit on every
        # image (to score one), 3-fold accuracy, the dummy's, out-of-fold predictions and
        # scores, the confusion matrix, precision, recall, F1, the threshold for 90 %
        # precision, the PR and ROC curves and the AUC.
        sgd = lambda: SGDClassifier(random_state=42)
        sgd().fit(x, y5).decision_function(x[:1])
        folds = cross_val_score(sgd(), x, y5, cv=3, scoring="accuracy")
        cross_val_score(DummyClassifier(), x, y5, cv=3, scoring="accuracy")
        pred = cross_val_predict(sgd(), x, y5, cv=3)
        confusion_matrix(y5, pred)
        precision_score(y5, pred), recall_score(y5, pred), f1_score(y5, pred)
        scores = cross_val_predict(sgd(), x, y5, cv=3, method="decision_function")
        precisions, _, thresholds = precision_recall_curve(y5, scores)
        thresholds[(precisions >= 0.90).argmax()]
        roc_curve(y5, scores)
        return {"fold_accuracy": folds.tolist(), "roc_auc": float(roc_auc_score(y5, scores))}

    return run


def step_sgd_cv_multi_scaled(data: pathlib.Path):
    from sklearn.linear_model import SGDClassifier
    from sklearn.model_selection import cross_val_score
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler

    x, y = train_set(data)
    xt, yt = test_set(data)

    def run():
        # The same work as `classify multiclass --scale --cv 3`: 3-fold CV, then a fit on
        # every training image and the test set.
        model = make_pipeline(StandardScaler(), SGDClassifier(random_state=42, n_jobs=-1))
        folds = cross_val_score(model, x, y, cv=3)
        pred = model.fit(x, y).predict(xt)
        return {"fold_accuracy": folds.tolist(), "test_accuracy": float((pred == yt).mean())}

    return run


def step_knn_predict(data: pathlib.Path):
    from sklearn.neighbors import KNeighborsClassifier

    x, y = train_set(data)
    xt, yt = test_set(data)

    def run():
        pred = KNeighborsClassifier(n_neighbors=5, n_jobs=-1).fit(x, y).predict(xt)
        return {"test_accuracy": float((pred == yt).mean())}

    return run


def step_forest_cv(data: pathlib.Path, scored: bool = True):
    from sklearn.ensemble import RandomForestClassifier
    from sklearn.metrics import roc_auc_score
    from sklearn.model_selection import cross_val_predict

    x, y = train_set(data)
    y5 = y == 5

    def run():
        # n_jobs=-1: every core, as classify uses.
        forest = RandomForestClassifier(random_state=42, n_jobs=-1)
        p = cross_val_predict(forest, x, y5, cv=3, method="predict_proba")[:, 1]
        return {"roc_auc": float(roc_auc_score(y5, p))} if scored else p

    return run


def step_forest_cv_proba(data: pathlib.Path):
    from sklearn.dummy import DummyClassifier
    from sklearn.linear_model import SGDClassifier
    from sklearn.metrics import roc_auc_score
    from sklearn.model_selection import cross_val_predict

    x, y = train_set(data)
    y5 = y == 5
    forest_only = step_forest_cv(data, scored=False)

    def run():
        # What `classify binary --model forest` computes: the forest's out-of-fold
        # probabilities, then the dummy's and SGD's on the same folds for comparison.
        p = forest_only()
        cross_val_predict(DummyClassifier(), x, y5, cv=3, method="predict_proba")
        s = cross_val_predict(SGDClassifier(random_state=42), x, y5, cv=3, method="decision_function")
        return {"roc_auc": float(roc_auc_score(y5, p)), "sgd_roc_auc": float(roc_auc_score(y5, s))}

    return run


def step_logistic_train(data: pathlib.Path):
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler

    x, y = train_set(data)
    xt, yt = test_set(data)

    def run():
        t = time.perf_counter()
        model = make_pipeline(StandardScaler(), LogisticRegression()).fit(x, y)
        fit_s = time.perf_counter() - t
        pred = model.predict(xt)
        return {"test_accuracy": float((pred == yt).mean()), "fit_seconds": fit_s}

    return run


def step_svc_2000(data: pathlib.Path):
    from sklearn.svm import SVC

    x, y = train_set(data)
    x, y = x[:2000], y[:2000]
    xt, yt = test_set(data)

    def run():
        pred = SVC().fit(x, y).predict(xt)
        return {"test_accuracy": float((pred == yt).mean())}

    return run


def step_svc_full(data: pathlib.Path):
    from sklearn.svm import SVC

    x, y = train_set(data)
    xt, yt = test_set(data)

    def run():
        t = time.perf_counter()
        model = SVC().fit(x, y)
        fit_s = time.perf_counter() - t
        pred = model.predict(xt)
        return {"test_accuracy": float((pred == yt).mean()), "fit_seconds": fit_s,
                "n_support": int(model.n_support_.sum())}

    return run


def step_svc_ovr_2000(data: pathlib.Path):
    from sklearn.model_selection import cross_val_score
    from sklearn.multiclass import OneVsRestClassifier
    from sklearn.svm import SVC

    x, y = train_set(data)
    x, y = x[:2000], y[:2000]
    xt, yt = test_set(data)

    def run():
        # The same work as `classify multiclass --model svc --strategy ovr`: 3-fold CV, then a
        # fit on all 2,000 and the test set.
        folds = cross_val_score(OneVsRestClassifier(SVC()), x, y, cv=3, n_jobs=-1)
        pred = OneVsRestClassifier(SVC(), n_jobs=-1).fit(x, y).predict(xt)
        return {"fold_accuracy": [float(v) for v in folds],
                "test_accuracy": float((pred == yt).mean())}

    return run


def step_tune_knn(data: pathlib.Path):
    from sklearn.model_selection import GridSearchCV
    from sklearn.neighbors import KNeighborsClassifier

    x, y = train_set(data)
    xt, yt = test_set(data)
    grid = {"weights": ["uniform", "distance"], "n_neighbors": [3, 4, 5, 6]}

    def run():
        n = min(10000, len(x))
        search = GridSearchCV(KNeighborsClassifier(), grid, cv=5, n_jobs=-1).fit(x[:n], y[:n])
        best = KNeighborsClassifier(**search.best_params_).fit(x, y)
        return {
            "best_params": {k: (v if isinstance(v, str) else int(v)) for k, v in search.best_params_.items()},
            "best_score": float(search.best_score_),
            "test_accuracy": float((best.predict(xt) == yt).mean()),
        }

    return run


def step_denoise(args, draw_noise: bool):
    from sklearn.neighbors import KNeighborsClassifier

    # The noisy arrays `classify denoise --save-noisy` wrote.
    saved = np.load(args.denoise / "noisy-train.npy")
    saved_test = np.load(args.denoise / "noisy-test.npy")
    clean, _ = train_set(args.data)
    clean_test, _ = test_set(args.data)
    clean, clean_test = clean[: len(saved)].astype(np.uint8), clean_test[: len(saved_test)]

    def noisy():
        # The book's noise, drawn as `classify denoise --seed 42` draws it: training set first,
        # then the test images, from one generator.
        rs = np.random.RandomState(42)
        x = clean + rs.randint(0, 100, clean.shape)
        xt = clean_test + rs.randint(0, 100, clean_test.shape)
        return x, xt

    if draw_noise:
        # The same inputs on both sides, checked once outside the timing.
        x, xt = noisy()
        if not (np.array_equal(x, saved) and np.array_equal(xt, saved_test)):
            sys.exit("denoise: NumPy's noise differs from the arrays classify denoise saved")

    def run():
        # `denoise` is the chapter's whole step (noise, fit, predict, error) as `classify
        # denoise` runs it; `denoise-knn` is the k-NN alone on the saved noisy arrays.
        x, xt = noisy() if draw_noise else (saved, saved_test)
        pred = KNeighborsClassifier(n_neighbors=5, n_jobs=-1).fit(x, clean).predict(xt)
        err = pred.astype(np.float64) - clean_test
        return {"rmse_denoised": float(np.sqrt(np.mean(err * err)))}

    return run


def step_multilabel(data: pathlib.Path):
    from sklearn.metrics import f1_score
    from sklearn.model_selection import cross_val_predict
    from sklearn.neighbors import KNeighborsClassifier

    x, y = train_set(data)
    labels = np.c_[y >= 7, y % 2 == 1].astype(np.int64)

    def run():
        oof = cross_val_predict(KNeighborsClassifier(n_jobs=-1), x, labels, cv=3)
        KNeighborsClassifier(n_jobs=-1).fit(x, labels).predict(x[:1])
        return {"f1_macro": float(f1_score(labels, oof, average="macro"))}

    return run


def step_sgd_cv_multi(data: pathlib.Path):
    from sklearn.linear_model import SGDClassifier
    from sklearn.model_selection import cross_val_score

    x, y = train_set(data)
    xt, yt = test_set(data)

    def run():
        # n_jobs=-1: the ten one-vs-rest problems in threads, as classify trains them.
        folds = cross_val_score(SGDClassifier(random_state=42, n_jobs=-1), x, y, cv=3)
        pred = SGDClassifier(random_state=42, n_jobs=-1).fit(x, y).predict(xt)
        return {"fold_accuracy": folds.tolist(), "test_accuracy": float((pred == yt).mean())}

    return run


def step_augment(data: pathlib.Path):
    from scipy.ndimage import shift
    from sklearn.neighbors import KNeighborsClassifier

    x, y = train_set(data)
    xt, yt = test_set(data)
    side = int(round(np.sqrt(x.shape[1])))

    def run():
        # The book's exercise as `classify augment` runs it: the tuned k-NN (4, distance) on
        # the training set, then on it plus four one-pixel shifts of every image, shuffled.
        knn = lambda: KNeighborsClassifier(n_neighbors=4, weights="distance", n_jobs=-1)
        plain = knn().fit(x, y).score(xt, yt)
        images = x.reshape(-1, side, side)
        parts = [x]
        for dx, dy in ((-1, 0), (1, 0), (0, -1), (0, 1)):
            shifted = [shift(im, [dy, dx], cval=0, mode="constant") for im in images]
            parts.append(np.array(shifted).reshape(len(x), -1))
        xa, ya = np.concatenate(parts), np.tile(y, len(parts))
        # The book's np.random.permutation after np.random.seed(42), as `classify augment`
        # draws it: the same order, so the same neighbours on both sides.
        order = np.random.RandomState(42).permutation(len(xa))
        augmented = knn().fit(xa[order], ya[order]).score(xt, yt)
        return {"test_accuracy": float(plain), "test_accuracy_augmented": float(augmented)}

    return run


# name: (argument holding the input, setup, heavy: one run without warm-up); "args" passes
# all the arguments.
STEPS = {
    "idx-load": ("data", step_idx_load, False),
    "curves-1m": ("scores", step_curves_1m, False),
    "sgd-fit": ("data", step_sgd_fit, True),
    "sgd-fit-fast": ("data", step_sgd_fit, True),
    "sgd-cv-binary": ("data", step_sgd_cv_binary, True),
    "sgd-cv-binary-acc": ("data", step_sgd_cv_binary, True),
    "detector-5": ("data", step_detector, True),
    "sgd-cv-multi-scaled": ("data", step_sgd_cv_multi_scaled, True),
    "knn-predict": ("data", step_knn_predict, True),
    "forest-cv": ("data", step_forest_cv, True),
    "forest-cv-proba": ("data", step_forest_cv_proba, True),
    "logistic-train": ("data", step_logistic_train, True),
    "svc-2000": ("data", step_svc_2000, True),
    "svc-ovr-2000": ("data", step_svc_ovr_2000, True),
    "svc-full": ("data", step_svc_full, True),
    "tune-knn": ("data", step_tune_knn, True),
    "denoise": ("args", lambda args: step_denoise(args, draw_noise=True), True),
    "denoise-knn": ("args", lambda args: step_denoise(args, draw_noise=False), True),
    "multilabel": ("data", step_multilabel, True),
    "sgd-cv-multi": ("data", step_sgd_cv_multi, True),
    "augment": ("data", step_augment, True),
}


def time_it(fn, runs: int, warm_up: bool = True):
    if warm_up:
        fn()
    times, extra = [], {}
    for _ in range(runs):
        t = time.perf_counter()
        out = fn()
        times.append(time.perf_counter() - t)
        if isinstance(out, dict):
            extra = out
    return {"median_s": statistics.median(times), "min_s": min(times), "runs": runs, **extra}


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--data", type=pathlib.Path, required=True)
    parser.add_argument("--scores", type=pathlib.Path, help="the metrics bench's 1M scores file")
    parser.add_argument("--denoise", type=pathlib.Path, help="the noisy arrays classify denoise wrote")
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--intelex", action="store_true",
                        help="patch scikit-learn with Intel's extension first (sklearnex.patch_sklearn)")
    parser.add_argument("steps", nargs="*")
    args = parser.parse_args()
    if args.intelex:
        from sklearnex import patch_sklearn

        patch_sklearn()
    steps = args.steps or list(STEPS)
    out = {}
    for name in steps:
        if name not in STEPS:
            sys.exit(f"unknown step {name}; steps: {', '.join(STEPS)}")
        source, make, heavy = STEPS[name]
        if name == "sgd-cv-binary-acc" and "sgd-cv-binary" in out:
            out[name] = out["sgd-cv-binary"]  # the same computation
            continue
        if name == "sgd-fit-fast" and "sgd-fit" in out:
            out[name] = out["sgd-fit"]  # scikit-learn has one solver
            continue
        made = make(args if source == "args" else getattr(args, source))
        if heavy:
            out[name] = time_it(made, 1, warm_up=False)
        else:
            out[name] = time_it(made, 3 if args.quick else 10)
    json.dump(out, sys.stdout, indent=2)
    print()


if __name__ == "__main__":
    main()
