#!/usr/bin/env python3
"""Generate the scikit-learn fixture that classify-metrics is tested against.

Writes crates/metrics/tests/fixtures/sklearn.json: a few hundred cases (random binary,
multiclass, multilabel, weighted, tied scores, degenerate classes, string labels, and inputs
scikit-learn rejects), each with its inputs and scikit-learn's output or the fact that it
raised. NaN and infinities are written as the strings "nan", "inf", "-inf".

    pip install scikit-learn==1.9.1 numpy
    python3 scripts/metrics_fixtures.py
"""

import json
import pathlib
import warnings

import numpy as np
import sklearn
from sklearn import metrics
from sklearn.calibration import calibration_curve

OUT = pathlib.Path(__file__).resolve().parent.parent / "crates/metrics/tests/fixtures/sklearn.json"
warnings.simplefilter("ignore")


def enc(v):
    """JSON-ready copy with special floats as strings and numpy types as Python types."""
    if isinstance(v, dict):
        return {k: enc(x) for k, x in v.items()}
    if isinstance(v, (list, tuple)):
        return [enc(x) for x in v]
    if isinstance(v, np.ndarray):
        return enc(v.tolist())
    if isinstance(v, (np.bool_, bool)):
        return bool(v)
    if isinstance(v, (np.integer,)):
        return int(v)
    if isinstance(v, (float, np.floating)):
        v = float(v)
        if np.isnan(v):
            return "nan"
        if np.isinf(v):
            return "inf" if v > 0 else "-inf"
        return v
    return v


CASES = []


def case(kind, name, inputs, call):
    try:
        out = {"ok": call()}
    except ValueError as e:
        out = {"error": str(e)}
    CASES.append(enc({"kind": kind, "name": name, **inputs, **out}))


def labels_of(rng, n, k, strings=False):
    y = rng.randint(0, k, n)
    if strings:
        names = np.array(["ant", "bee", "cat", "dog", "eel", "fox", "gnu"])
        return names[y]
    return y


def confusion_cases():
    for seed in range(30):
        rng = np.random.RandomState(seed)
        n, k = rng.randint(1, 60), rng.randint(1, 6)
        strings = seed % 5 == 4
        yt, yp = labels_of(rng, n, k, strings), labels_of(rng, n, k, strings)
        w = rng.rand(n).round(3) if seed % 3 == 1 else None
        present = sorted(set(yt.tolist()) | set(yp.tolist()))
        labels = None
        if seed % 4 == 2:
            labels = list(rng.permutation(present))[: max(1, len(present) - 1)]
        for normalize in [None, "true", "pred", "all"]:
            inputs = {"y_true": yt, "y_pred": yp, "sample_weight": w, "labels": labels, "normalize": normalize}
            case("confusion_matrix", f"seed{seed}-{normalize}", inputs,
                 lambda: metrics.confusion_matrix(yt, yp, labels=labels, sample_weight=w, normalize=normalize))
        case("accuracy", f"seed{seed}", {"y_true": yt, "y_pred": yp, "sample_weight": w},
             lambda: metrics.accuracy_score(yt, yp, sample_weight=w))
    # Raises: no given label in y_true; empty labels; empty input.
    case("confusion_matrix", "no-label-in-true", {"y_true": [1, 1], "y_pred": [1, 2], "labels": [5], "sample_weight": None, "normalize": None},
         lambda: metrics.confusion_matrix([1, 1], [1, 2], labels=[5]))
    case("confusion_matrix", "empty-labels", {"y_true": [1, 1], "y_pred": [1, 2], "labels": [], "sample_weight": None, "normalize": None},
         lambda: metrics.confusion_matrix([1, 1], [1, 2], labels=[]))
    case("confusion_matrix", "empty", {"y_true": [], "y_pred": [], "labels": None, "sample_weight": None, "normalize": None},
         lambda: metrics.confusion_matrix([], []))


def prf_call(yt, yp, average, labels, pos_label, beta, w, zd):
    def run():
        p, r, f, s = metrics.precision_recall_fscore_support(
            yt, yp, beta=beta, labels=labels, pos_label=pos_label, average=average,
            sample_weight=w, zero_division=zd)
        return {"precision": p, "recall": r, "fbeta": f, "support": s}
    return run


def prf_cases():
    i = 0
    for seed in range(60):
        rng = np.random.RandomState(100 + seed)
        n = rng.randint(1, 40)
        k = [1, 2, 2, 3, 4, 6][seed % 6]
        strings = seed % 7 == 3
        yt, yp = labels_of(rng, n, k, strings), labels_of(rng, n, k, strings)
        if seed % 9 == 5:  # a label never predicted, another never true
            yp = np.where(yp == max(yp), min(yp), yp)
        w = rng.rand(n).round(2) if seed % 4 == 3 else None
        present = sorted(set(yt.tolist()) | set(yp.tolist()))
        pos = (present[-1] if strings else 1)
        if seed % 10 == 7 and not strings:
            pos = 0
        beta = [1.0, 0.5, 2.0, 0.0, float("inf")][seed % 5]
        zd = [0.0, 1.0, np.nan][seed % 3]
        extra = "zzz" if strings else 99
        labels_opts = [None, present[:1] + [extra]]
        for average in ["binary", "micro", "macro", "weighted", "samples", None]:
            for labels in labels_opts:
                if average == "binary" and labels is not None:
                    continue
                inputs = {"y_true": yt, "y_pred": yp, "average": average, "labels": labels, "pos_label": pos,
                          "beta": beta, "sample_weight": w, "zero_division": zd}
                case("prf", f"seed{seed}-{average}-{labels is not None}", inputs,
                     prf_call(yt, yp, average, labels, pos, beta, w, zd))
                i += 1
    # pos_label not present among two labels; binary average on three labels.
    for name, yt, yp, pos in [("bad-pos", [0, 2, 2], [2, 0, 2], 1), ("three-labels", [0, 1, 2], [0, 1, 1], 1),
                              ("string-default-pos", ["a", "b"], ["b", "b"], 1)]:
        inputs = {"y_true": yt, "y_pred": yp, "average": "binary", "labels": None, "pos_label": pos,
                  "beta": 1.0, "sample_weight": None, "zero_division": 0.0}
        case("prf", name, inputs, prf_call(yt, yp, "binary", None, pos, 1.0, None, 0.0))


def multilabel_cases():
    for seed in range(20):
        rng = np.random.RandomState(200 + seed)
        n, k = rng.randint(1, 30), rng.randint(2, 5)
        yt = (rng.rand(n, k) < 0.4).astype(int)
        yp = (rng.rand(n, k) < 0.4).astype(int)
        w = rng.rand(n).round(2) if seed % 3 == 0 else None
        zd = [0.0, 1.0, np.nan][seed % 3]
        for average in ["micro", "macro", "weighted", "samples", None]:
            for labels in [None, [k - 1, 0]]:
                inputs = {"y_true": yt, "y_pred": yp, "average": average, "labels": labels,
                          "beta": 1.0, "sample_weight": w, "zero_division": zd}
                case("multilabel_prf", f"seed{seed}-{average}-{labels is not None}", inputs,
                     prf_call(yt, yp, average, labels, 1, 1.0, w, zd))
        case("multilabel_accuracy", f"seed{seed}", {"y_true": yt, "y_pred": yp, "sample_weight": w},
             lambda: metrics.accuracy_score(yt, yp, sample_weight=w))


def scores_of(rng, n, ties):
    s = rng.randn(n)
    return s.round(1) if ties else s


def curve_cases():
    for seed in range(40):
        rng = np.random.RandomState(300 + seed)
        n = rng.randint(1, 80)
        kind = seed % 5
        y = rng.randint(0, 2, n)
        if kind == 1:
            y = np.where(y == 0, -1, 1)
        labels_pos = None
        if kind == 2:
            y = np.array(["ham", "spam"])[y]
            labels_pos = "spam"
        if kind == 3 and seed % 2:
            y = np.zeros(n, dtype=int)  # one class only
        s = scores_of(rng, n, ties=seed % 2 == 0)
        w = None
        if seed % 3 == 0:
            w = rng.rand(n).round(2)
            w[rng.rand(n) < 0.2] = 0.0
        for drop in [True, False]:
            inputs = {"y_true": y, "scores": s, "pos_label": labels_pos, "sample_weight": w, "drop_intermediate": drop}
            case("roc_curve", f"seed{seed}-{drop}", inputs, lambda: dict(zip(
                ["fpr", "tpr", "thresholds"],
                metrics.roc_curve(y, s, pos_label=labels_pos, sample_weight=w, drop_intermediate=drop))))
            case("pr_curve", f"seed{seed}-{drop}", inputs, lambda: dict(zip(
                ["precision", "recall", "thresholds"],
                metrics.precision_recall_curve(y, s, pos_label=labels_pos, sample_weight=w, drop_intermediate=drop))))
        for drop in [True, False]:
            inputs = {"y_true": y, "scores": s, "pos_label": labels_pos, "sample_weight": w, "drop_intermediate": drop}
            if drop:
                case("counts_at_thresholds", f"seed{seed}", inputs, lambda: dict(zip(
                    ["tns", "fps", "fns", "tps", "thresholds"],
                    metrics.confusion_matrix_at_thresholds(y, s, pos_label=labels_pos, sample_weight=w))))
            case("det_curve", f"seed{seed}-{drop}", inputs, lambda: dict(zip(
                ["fpr", "fnr", "thresholds"],
                metrics.det_curve(y, s, pos_label=labels_pos, sample_weight=w, drop_intermediate=drop))))
        inputs = {"y_true": y, "scores": s, "sample_weight": w, "pos_label": labels_pos}
        case("roc_auc", f"seed{seed}", inputs, lambda: metrics.roc_auc_score(y, s, sample_weight=w))
        pos_ap = labels_pos if labels_pos is not None else 1
        case("average_precision", f"seed{seed}", {**inputs, "pos_label": pos_ap},
             lambda: metrics.average_precision_score(y, s, pos_label=pos_ap, sample_weight=w))
    # NaN and infinite scores are rejected.
    for name, s in [("nan", [0.1, float("nan"), 0.3]), ("inf", [0.1, float("inf"), 0.3])]:
        inputs = {"y_true": [0, 1, 1], "scores": s, "pos_label": None, "sample_weight": None, "drop_intermediate": True}
        case("roc_curve", name, inputs, lambda: metrics.roc_curve([0, 1, 1], s))
    # auc on both directions, and a non-monotonic x.
    for name, x, y in [("up", [0, 0.5, 0.5, 1], [0, 0.3, 0.8, 1]), ("down", [1, 0.6, 0.2, 0], [1, 0.9, 0.1, 0]),
                       ("zigzag", [0, 1, 0.5], [0, 1, 1])]:
        case("auc", name, {"x": x, "y": y}, lambda: metrics.auc(x, y))


def multiclass_auc_cases():
    for seed in range(20):
        rng = np.random.RandomState(400 + seed)
        n, k = rng.randint(6, 60), rng.randint(3, 6)
        y = np.concatenate([np.arange(k), rng.randint(0, k, n - k)])
        p = rng.rand(n, k) ** 2
        p = p / p.sum(axis=1, keepdims=True)
        w = rng.rand(n).round(2) if seed % 2 else None
        for mc, averages in [("ovr", ["macro", "weighted", "micro"]), ("ovo", ["macro", "weighted"])]:
            for average in averages:
                ww = w if mc == "ovr" else None
                inputs = {"y_true": y, "proba": p, "multi_class": mc, "average": average, "sample_weight": ww}
                case("roc_auc_multiclass", f"seed{seed}-{mc}-{average}", inputs,
                     lambda: metrics.roc_auc_score(y, p, multi_class=mc, average=average, sample_weight=ww))


def multiclass_curve_cases():
    """Micro and macro one-vs-rest curves and average precision of multiclass scores (the
    recipes of scikit-learn's ROC and precision-recall examples)."""
    from sklearn.preprocessing import label_binarize

    for seed in range(16):
        rng = np.random.RandomState(1400 + seed)
        n, k = rng.randint(8, 70), rng.randint(3, 6)
        y = np.concatenate([np.arange(k), rng.randint(0, k, n - k)])
        s = rng.rand(n, k)
        if seed % 3 == 0:
            s = s.round(1)  # ties
        big = rng.randint(0, 2)
        y_lab = y * 2 + 1 if big else y  # labels that are not column numbers
        Y = label_binarize(y_lab, classes=np.unique(y_lab))
        inputs = {"y_true": y_lab, "scores": s}
        case("roc_micro", f"seed{seed}", inputs, lambda: dict(zip(("fpr", "tpr", "thresholds"), metrics.roc_curve(Y.ravel(), s.ravel()))))

        def macro():
            grid = np.linspace(0.0, 1.0, 1000)
            mean = np.zeros_like(grid)
            for c in range(k):
                fpr, tpr, _ = metrics.roc_curve(Y[:, c], s[:, c])
                mean += np.interp(grid, fpr, tpr)
            mean /= k
            return {"fpr": grid, "tpr": mean, "auc": metrics.auc(grid, mean)}

        case("roc_macro", f"seed{seed}", inputs, macro)
        case("pr_micro", f"seed{seed}", inputs, lambda: dict(zip(("precision", "recall", "thresholds"), metrics.precision_recall_curve(Y.ravel(), s.ravel()))))
        for average in ["micro", "macro", "weighted"]:
            case("ap_multiclass", f"seed{seed}-{average}", {**inputs, "average": average},
                 lambda: metrics.average_precision_score(y_lab, s, average=average))


def brier_cases():
    for seed in range(24):
        rng = np.random.RandomState(800 + seed)
        n = rng.randint(1, 90)
        p = rng.rand(n)
        if seed % 4 == 0:
            p = p.round(1)
        y = (rng.rand(n) < p).astype(int)
        pos = None
        if seed % 5 == 1:
            y = np.array(["ham", "spam"])[y]
            pos = "spam" if seed % 2 else None  # strings without pos_label: an error
        if seed % 7 == 2:
            y = np.where(y == 0, -1, 1)
        w = rng.rand(n).round(2) if seed % 3 == 0 else None
        inputs = {"y_true": y, "prob": p, "sample_weight": w, "pos_label": pos}
        case("brier", f"seed{seed}", inputs,
             lambda: metrics.brier_score_loss(y, p, sample_weight=w, pos_label=pos))
    for name, y, p in [("above-one", [0, 1], [0.2, 1.5]), ("three-classes", [0, 1, 2], [0.1, 0.5, 0.9]),
                       ("nan", [0, 1], [0.1, float("nan")])]:
        case("brier", name, {"y_true": y, "prob": p, "sample_weight": None, "pos_label": None},
             lambda: metrics.brier_score_loss(y, p))


def log_loss_cases():
    for seed in range(30):
        rng = np.random.RandomState(900 + seed)
        n, k = rng.randint(2, 70), rng.randint(2, 6)
        y = np.concatenate([np.arange(k), rng.randint(0, k, n)])
        labels = None
        if seed % 6 == 5:
            labels = list(range(k + 1))  # a class absent from y_true
            k += 1
        p = rng.rand(len(y), k) ** 3
        if seed % 4 == 2:
            p[rng.rand(len(y)) < 0.3] = 0.0
            p[:, 0] += 1e-300
        p = p / p.sum(axis=1, keepdims=True)
        if seed % 5 == 1:
            p = p.round(3)  # rows not summing to one exactly: scikit-learn warns only
        if k == 2 and seed % 2:
            p = p[:, 1]  # one column: the larger class
        if seed % 7 == 3 and labels is None:
            y = np.array(["ant", "bee", "cat", "dog", "eel", "fox"])[y]
        w = rng.rand(len(y)).round(2) if seed % 3 == 0 else None
        inputs = {"y_true": y, "proba": p, "labels": labels, "sample_weight": w}
        case("log_loss", f"seed{seed}", inputs, lambda: metrics.log_loss(y, p, labels=labels, sample_weight=w))
    for name, y, p, labels in [("one-class", [1, 1], [0.2, 0.9], None), ("above-one", [0, 1], [0.2, 1.5], None),
                               ("nan", [0, 1], [0.1, float("nan")], None), ("columns", [0, 1, 2], [[0.5, 0.5]] * 3, None),
                               ("undeclared", [0, 1, 5], [[0.2, 0.8]] * 3, [0, 1])]:
        case("log_loss", name, {"y_true": y, "proba": p, "labels": labels, "sample_weight": None},
             lambda: metrics.log_loss(y, p, labels=labels))


def top_k_cases():
    for seed in range(30):
        rng = np.random.RandomState(1000 + seed)
        n, c = rng.randint(1, 60), rng.randint(2, 7)
        y = rng.randint(0, c, n)
        labels = None
        if len(np.unique(y)) != c:
            labels = list(range(c))
        s = rng.randn(n, c).round(1 if seed % 2 else 6)  # ties on odd seeds
        if c == 2 and len(np.unique(y)) <= 2:
            s = s[:, 1] if seed % 3 else rng.rand(n)  # one column: scores, or probabilities
        if seed % 5 == 4 and labels is None:
            y = np.array(["ant", "bee", "cat", "dog", "eel", "fox"])[y]
        w = rng.rand(n).round(2) if seed % 3 == 0 else None
        for k in [1, 2, 3]:
            for normalize in [True, False]:
                inputs = {"y_true": y, "scores": s, "k": k, "labels": labels, "normalize": normalize, "sample_weight": w}
                case("top_k", f"seed{seed}-{k}-{normalize}", inputs,
                     lambda: metrics.top_k_accuracy_score(y, s, k=k, labels=labels, normalize=normalize, sample_weight=w))
    for name, y, s, labels in [("unsorted-labels", [0, 1, 2], [[0.1, 0.2, 0.7]] * 3, [2, 1, 0]),
                               ("binary-2d", [0, 1, 1], [[0.1, 0.2, 0.7]] * 3, None),
                               ("missing-label", [0, 1, 3], [[0.1, 0.2, 0.7]] * 3, [0, 1, 2]),
                               ("nan", [0, 1, 2], [[0.1, float("nan"), 0.7]] * 3, None)]:
        case("top_k", name, {"y_true": y, "scores": s, "k": 2, "labels": labels, "normalize": True, "sample_weight": None},
             lambda: metrics.top_k_accuracy_score(y, s, k=2, labels=labels))


def calibration_cases():
    for seed in range(20):
        rng = np.random.RandomState(500 + seed)
        n = rng.randint(1, 100)
        p = rng.rand(n)
        if seed % 3 == 0:
            p = p.round(1)
        y = (rng.rand(n) < p).astype(int)
        for strategy in ["uniform", "quantile"]:
            for n_bins in [1, 3, 5, 10]:
                inputs = {"y_true": y, "prob": p, "n_bins": n_bins, "strategy": strategy}
                case("calibration", f"seed{seed}-{strategy}-{n_bins}", inputs,
                     lambda: dict(zip(["prob_true", "prob_pred"], calibration_curve(y, p, n_bins=n_bins, strategy=strategy))))


def score_cases():
    """balanced_accuracy_score (plain and adjusted) and matthews_corrcoef."""
    for seed in range(30):
        rng = np.random.RandomState(700 + seed)
        strings = seed % 4 == 1
        n, k = rng.randint(1, 120), rng.randint(2, 8 if strings else 12)
        yt, yp = labels_of(rng, n, k, strings), labels_of(rng, n, k, strings)
        if seed % 7 == 3:
            yp = yt.copy()  # perfect
        if seed % 7 == 5:
            yp = np.full_like(yt, yt[0])  # one predicted class
        if seed % 11 == 4:
            yt = np.full_like(yt, yt[0])  # one true class
        w = rng.rand(n).round(2) if seed % 3 == 2 else None
        inputs = {"y_true": yt, "y_pred": yp, "sample_weight": w}
        for adjusted in [False, True]:
            case("balanced_accuracy", f"seed{seed}-{adjusted}", {**inputs, "adjusted": adjusted},
                 lambda: metrics.balanced_accuracy_score(yt, yp, sample_weight=w, adjusted=adjusted))
        case("matthews", f"seed{seed}", inputs, lambda: metrics.matthews_corrcoef(yt, yp, sample_weight=w))
    for seed in range(24):
        rng = np.random.RandomState(1100 + seed)
        n = rng.randint(1, 60)
        yt, yp = rng.randint(0, 2, n), rng.randint(0, 2, n)
        if seed % 6 == 1:
            yp = yt.copy()  # no false positive, no false negative
        if seed % 6 == 2:
            yt = np.ones(n, dtype=int)  # no negative
        if seed % 6 == 3:
            yt = np.zeros(n, dtype=int)  # no positive
        labels = [0, 1] if seed % 6 in (2, 3) else None
        if seed % 8 == 5:
            yt, yp = np.array(["ham", "spam"])[yt], np.array(["ham", "spam"])[yp]
            labels = ["ham", "spam"] if labels else None
        w = rng.rand(n).round(2) if seed % 3 == 0 else None
        for replace in [None, (1.0, 1.0), (2.5, 0.3)]:
            inputs = {"y_true": yt, "y_pred": yp, "labels": labels, "sample_weight": w, "replace": replace}
            arg = np.nan if replace is None else {"LR+": replace[0], "LR-": replace[1]}
            case("likelihood_ratios", f"seed{seed}-{replace}", inputs,
                 lambda: list(metrics.class_likelihood_ratios(yt, yp, labels=labels, sample_weight=w, replace_undefined_by=arg)))
    case("likelihood_ratios", "multiclass", {"y_true": [0, 1, 2], "y_pred": [0, 1, 2], "labels": None, "sample_weight": None, "replace": None},
         lambda: list(metrics.class_likelihood_ratios([0, 1, 2], [0, 1, 2])))
    case("likelihood_ratios", "bad-replace", {"y_true": [0, 1], "y_pred": [0, 1], "labels": None, "sample_weight": None, "replace": [0.5, 0.3]},
         lambda: list(metrics.class_likelihood_ratios([0, 1], [0, 1], replace_undefined_by={"LR+": 0.5, "LR-": 0.3})))
    case("matthews", "empty", {"y_true": [], "y_pred": [], "sample_weight": None},
         lambda: metrics.matthews_corrcoef([], []))


def report_cases():
    for seed in range(12):
        rng = np.random.RandomState(600 + seed)
        n, k = rng.randint(5, 200), rng.randint(2, 11)
        yt, yp = labels_of(rng, n, k), labels_of(rng, n, k)
        w = rng.rand(n).round(2) if seed % 4 == 3 else None
        labels = sorted(set(yt.tolist()) | set(yp.tolist()))
        labels_opt = labels[:-1] if seed % 3 == 1 and len(labels) > 1 else None
        names = [f"class {l}" for l in (labels_opt or labels)] if seed % 5 == 2 else None
        digits = [2, 3, 4][seed % 3]
        inputs = {"y_true": yt, "y_pred": yp, "labels": labels_opt, "target_names": names, "sample_weight": w, "digits": digits}
        case("report", f"seed{seed}", inputs, lambda: {
            "text": metrics.classification_report(yt, yp, labels=labels_opt, target_names=names, sample_weight=w, digits=digits, zero_division=0),
            "dict": metrics.classification_report(yt, yp, labels=labels_opt, target_names=names, sample_weight=w, output_dict=True, zero_division=0),
        })


def main():
    confusion_cases()
    prf_cases()
    multilabel_cases()
    curve_cases()
    multiclass_auc_cases()
    multiclass_curve_cases()
    calibration_cases()
    brier_cases()
    log_loss_cases()
    top_k_cases()
    score_cases()
    report_cases()
    OUT.parent.mkdir(parents=True, exist_ok=True)
    doc = {"sklearn": sklearn.__version__, "numpy": np.__version__, "cases": CASES}
    OUT.write_text(json.dumps(doc, separators=(",", ":")) + "\n")
    kinds = {}
    for c in CASES:
        kinds[c["kind"]] = kinds.get(c["kind"], 0) + 1
    print(f"wrote {len(CASES)} cases to {OUT}: {kinds}")


if __name__ == "__main__":
    main()
