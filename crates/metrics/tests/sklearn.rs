//! Every case of `tests/fixtures/sklearn.json` (made by `scripts/metrics_fixtures.py` from
//! scikit-learn) checked against this crate: numbers to 1e-12 relative, curves exactly,
//! reports character for character, and an error wherever scikit-learn raised.

use classify_metrics::*;
use serde_json::Value;

const FIXTURE: &str = include_str!("fixtures/sklearn.json");

fn f(v: &Value) -> f64 {
    match v {
        Value::Number(n) => n.as_f64().expect("number"),
        Value::String(s) if s == "nan" => f64::NAN,
        Value::String(s) if s == "inf" => f64::INFINITY,
        Value::String(s) if s == "-inf" => f64::NEG_INFINITY,
        Value::Bool(b) => f64::from(u8::from(*b)),
        other => panic!("not a number: {other}"),
    }
}

fn fs(v: &Value) -> Vec<f64> {
    v.as_array().expect("array").iter().map(f).collect()
}

fn opt_fs(v: &Value) -> Option<Vec<f64>> {
    (!v.is_null()).then(|| fs(v))
}

/// Flattens a matrix (array of arrays) row-major.
fn matrix(v: &Value) -> (Vec<f64>, usize) {
    let rows = v.as_array().expect("matrix");
    let cols = rows.first().map_or(0, |r| r.as_array().expect("row").len());
    (rows.iter().flat_map(fs).collect(), cols)
}

fn close(a: f64, b: f64) -> bool {
    (a.is_nan() && b.is_nan()) || a == b || (a - b).abs() <= 1e-12 * a.abs().max(b.abs())
}

#[track_caller]
fn check_close(what: &str, name: &str, got: &[f64], want: &[f64]) {
    assert_eq!(
        got.len(),
        want.len(),
        "{name}: {what} length: got {got:?}, want {want:?}"
    );
    for (i, (&g, &w)) in got.iter().zip(want).enumerate() {
        assert!(
            close(g, w),
            "{name}: {what}[{i}]: got {g:e}, want {w:e}\n got {got:?}\nwant {want:?}"
        );
    }
}

#[track_caller]
fn check_exact(what: &str, name: &str, got: &[f64], want: &[f64]) {
    let same = got.len() == want.len()
        && got
            .iter()
            .zip(want)
            .all(|(g, w)| g.to_bits() == w.to_bits() || (g.is_nan() && w.is_nan()));
    assert!(same, "{name}: {what} differs\n got {got:?}\nwant {want:?}");
}

/// Labels from JSON: all integers or all strings.
trait FromJson: Label + Sized {
    fn from_json(v: &Value) -> Option<Self>;
    fn list(v: &Value) -> Option<Vec<Self>> {
        v.as_array()?.iter().map(Self::from_json).collect()
    }
}

impl FromJson for i64 {
    fn from_json(v: &Value) -> Option<Self> {
        v.as_i64()
    }
}

impl FromJson for String {
    fn from_json(v: &Value) -> Option<Self> {
        v.as_str().map(str::to_string)
    }
}

/// Runs `check` with the case's labels as i64 if they are integers, else as String.
macro_rules! with_labels {
    ($case:expr, $check:ident) => {
        if i64::list(&$case["y_true"]).is_some() {
            $check::<i64>($case)
        } else {
            $check::<String>($case)
        }
    };
}

fn name(case: &Value) -> String {
    format!(
        "{}/{}",
        case["kind"].as_str().unwrap_or("?"),
        case["name"].as_str().unwrap_or("?")
    )
}

fn expect_error<T: std::fmt::Debug>(case: &Value, got: &Result<T>) -> bool {
    if let Some(msg) = case.get("error") {
        assert!(
            got.is_err(),
            "{}: scikit-learn raised {msg}, we returned {got:?}",
            name(case)
        );
        return true;
    }
    if let Err(e) = got {
        panic!("{}: unexpected error {e}", name(case));
    }
    false
}

fn confusion<L: FromJson>(case: &Value) {
    let (yt, yp) = (
        L::list(&case["y_true"]).unwrap(),
        L::list(&case["y_pred"]).unwrap(),
    );
    let labels = L::list(&case["labels"]);
    let weights = opt_fs(&case["sample_weight"]);
    let normalize = match case["normalize"].as_str() {
        None => None,
        Some("true") => Some(Normalize::True),
        Some("pred") => Some(Normalize::Pred),
        Some("all") => Some(Normalize::All),
        Some(other) => panic!("normalize {other}"),
    };
    let opts = ConfusionOptions {
        labels: labels.as_deref(),
        sample_weight: weights.as_deref(),
        normalize,
    };
    let got = confusion_matrix_with(&yt, &yp, &opts);
    if expect_error(case, &got) {
        return;
    }
    let (want, _) = matrix(&case["ok"]);
    check_close("matrix", &name(case), got.unwrap().values(), &want);
}

fn accuracy<L: FromJson>(case: &Value) {
    let (yt, yp) = (
        L::list(&case["y_true"]).unwrap(),
        L::list(&case["y_pred"]).unwrap(),
    );
    let weights = opt_fs(&case["sample_weight"]);
    let got = accuracy_score(&yt, &yp, weights.as_deref());
    if !expect_error(case, &got) {
        check_close("accuracy", &name(case), &[got.unwrap()], &[f(&case["ok"])]);
    }
}

fn balanced<L: FromJson>(case: &Value) {
    let (yt, yp) = (
        L::list(&case["y_true"]).unwrap(),
        L::list(&case["y_pred"]).unwrap(),
    );
    let weights = opt_fs(&case["sample_weight"]);
    let adjusted = case["adjusted"].as_bool().expect("adjusted");
    let got = balanced_accuracy_score(&yt, &yp, weights.as_deref(), adjusted);
    if !expect_error(case, &got) {
        check_close(
            "balanced accuracy",
            &name(case),
            &[got.unwrap()],
            &[f(&case["ok"])],
        );
    }
}

fn brier<L: FromJson>(case: &Value) {
    let yt = L::list(&case["y_true"]).unwrap();
    let prob = opt_fs(&case["prob"]).expect("probabilities");
    let weights = opt_fs(&case["sample_weight"]);
    let pos = L::from_json(&case["pos_label"]);
    let got = brier_score_loss(&yt, &prob, weights.as_deref(), pos.as_ref());
    if !expect_error(case, &got) {
        check_close("Brier", &name(case), &[got.unwrap()], &[f(&case["ok"])]);
    }
}

fn log_loss_case<L: FromJson>(case: &Value) {
    let yt = L::list(&case["y_true"]).unwrap();
    let proba = match case["proba"].as_array().and_then(|a| a.first()) {
        Some(Value::Array(_)) => matrix(&case["proba"]).0,
        _ => fs(&case["proba"]),
    };
    let labels = L::list(&case["labels"]);
    let weights = opt_fs(&case["sample_weight"]);
    let got = log_loss(&yt, &proba, labels.as_deref(), weights.as_deref());
    if !expect_error(case, &got) {
        check_close("log loss", &name(case), &[got.unwrap()], &[f(&case["ok"])]);
    }
}

fn top_k<L: FromJson>(case: &Value) {
    let yt = L::list(&case["y_true"]).unwrap();
    let scores = match case["scores"].as_array().and_then(|a| a.first()) {
        Some(Value::Array(_)) => matrix(&case["scores"]).0,
        _ => fs(&case["scores"]),
    };
    let labels = L::list(&case["labels"]);
    let weights = opt_fs(&case["sample_weight"]);
    let k = case["k"].as_u64().expect("k") as usize;
    let normalize = case["normalize"].as_bool().expect("normalize");
    let got = top_k_accuracy_score(
        &yt,
        &scores,
        k,
        labels.as_deref(),
        normalize,
        weights.as_deref(),
    );
    if !expect_error(case, &got) {
        check_close(
            "top-k accuracy",
            &name(case),
            &[got.unwrap()],
            &[f(&case["ok"])],
        );
    }
}

fn likelihood<L: FromJson>(case: &Value) {
    let (yt, yp) = (
        L::list(&case["y_true"]).unwrap(),
        L::list(&case["y_pred"]).unwrap(),
    );
    let labels = L::list(&case["labels"]);
    let weights = opt_fs(&case["sample_weight"]);
    let replace = opt_fs(&case["replace"]).map(|r| (r[0], r[1]));
    let got = class_likelihood_ratios(&yt, &yp, labels.as_deref(), weights.as_deref(), replace);
    if !expect_error(case, &got) {
        let (pos, neg) = got.unwrap();
        check_close("LR", &name(case), &[pos, neg], &fs(&case["ok"]));
    }
}

fn matthews<L: FromJson>(case: &Value) {
    let (yt, yp) = (
        L::list(&case["y_true"]).unwrap(),
        L::list(&case["y_pred"]).unwrap(),
    );
    let weights = opt_fs(&case["sample_weight"]);
    let got = matthews_corrcoef(&yt, &yp, weights.as_deref());
    if !expect_error(case, &got) {
        check_close("MCC", &name(case), &[got.unwrap()], &[f(&case["ok"])]);
    }
}

fn average_of(v: &Value) -> Option<Average> {
    match v.as_str() {
        None => None,
        Some("binary") => Some(Average::Binary),
        Some("micro") => Some(Average::Micro),
        Some("macro") => Some(Average::Macro),
        Some("weighted") => Some(Average::Weighted),
        Some("samples") => Some(Average::Samples),
        Some(other) => panic!("average {other}"),
    }
}

fn zero_of(v: &Value) -> ZeroDivision {
    let z = f(v);
    if z.is_nan() {
        ZeroDivision::Nan
    } else if z == 1.0 {
        ZeroDivision::One
    } else {
        ZeroDivision::Zero
    }
}

fn check_prf<L: std::fmt::Debug>(case: &Value, got: Result<Prf<L>>) {
    if expect_error(case, &got) {
        return;
    }
    let got = got.unwrap();
    let want = &case["ok"];
    let n = name(case);
    let as_vec = |v: &Value| if v.is_array() { fs(v) } else { vec![f(v)] };
    check_close(
        "precision",
        &n,
        got.precision.values(),
        &as_vec(&want["precision"]),
    );
    check_close("recall", &n, got.recall.values(), &as_vec(&want["recall"]));
    check_close("fbeta", &n, got.fbeta.values(), &as_vec(&want["fbeta"]));
    match (&got.support, want["support"].is_null()) {
        (None, true) => {}
        (Some(s), false) => check_close("support", &n, s, &fs(&want["support"])),
        (s, _) => panic!("{n}: support {s:?} vs {}", want["support"]),
    }
}

fn prf<L: FromJson>(case: &Value) {
    let (yt, yp) = (
        L::list(&case["y_true"]).unwrap(),
        L::list(&case["y_pred"]).unwrap(),
    );
    let labels = L::list(&case["labels"]);
    let weights = opt_fs(&case["sample_weight"]);
    // scikit-learn's pos_label=1 with string labels is a label that cannot occur.
    let pos_label = L::from_json(&case["pos_label"]);
    let has_pos = !case["pos_label"].is_null();
    let pos_missing = has_pos && pos_label.is_none();
    let opts = PrfOptions {
        beta: f(&case["beta"]),
        labels: labels.as_deref(),
        pos_label,
        average: average_of(&case["average"]),
        sample_weight: weights.as_deref(),
        zero_division: zero_of(&case["zero_division"]),
    };
    let got = precision_recall_fscore_support(&yt, &yp, &opts);
    if pos_missing && opts.average == Some(Average::Binary) {
        assert!(
            case.get("error").is_some() && got.is_err(),
            "{}",
            name(case)
        );
        return;
    }
    check_prf(case, got);
}

fn indicator(v: &Value) -> (Vec<u8>, usize) {
    let (m, cols) = matrix(v);
    (m.into_iter().map(|x| x as u8).collect(), cols)
}

fn multilabel_prf(case: &Value) {
    let ((t, k), (p, _)) = (indicator(&case["y_true"]), indicator(&case["y_pred"]));
    let labels: Option<Vec<usize>> = case["labels"]
        .as_array()
        .map(|a| a.iter().map(|v| v.as_u64().unwrap() as usize).collect());
    let weights = opt_fs(&case["sample_weight"]);
    let opts = PrfOptions {
        beta: f(&case["beta"]),
        labels: labels.as_deref(),
        pos_label: None,
        average: average_of(&case["average"]),
        sample_weight: weights.as_deref(),
        zero_division: zero_of(&case["zero_division"]),
    };
    let got = multilabel_precision_recall_fscore_support(
        Indicator::new(&t, k).unwrap(),
        Indicator::new(&p, k).unwrap(),
        &opts,
    );
    check_prf(case, got);
}

fn multilabel_accuracy(case: &Value) {
    let ((t, k), (p, _)) = (indicator(&case["y_true"]), indicator(&case["y_pred"]));
    let weights = opt_fs(&case["sample_weight"]);
    let got = multilabel_accuracy_score(
        Indicator::new(&t, k).unwrap(),
        Indicator::new(&p, k).unwrap(),
        weights.as_deref(),
    );
    check_close("accuracy", &name(case), &[got.unwrap()], &[f(&case["ok"])]);
}

fn curve_options<'a, L: FromJson>(case: &Value, weights: Option<&'a [f64]>) -> CurveOptions<'a, L> {
    CurveOptions {
        pos_label: L::from_json(&case["pos_label"]),
        sample_weight: weights,
        drop_intermediate: case["drop_intermediate"].as_bool().unwrap_or(true),
    }
}

fn roc<L: FromJson>(case: &Value) {
    let yt = L::list(&case["y_true"]).unwrap();
    let (s, w) = (fs(&case["scores"]), opt_fs(&case["sample_weight"]));
    let got = roc_curve(&yt, &s, &curve_options(case, w.as_deref()));
    if expect_error(case, &got) {
        return;
    }
    let (got, want, n) = (got.unwrap(), &case["ok"], name(case));
    check_exact("thresholds", &n, &got.thresholds, &fs(&want["thresholds"]));
    check_exact("fpr", &n, &got.fpr, &fs(&want["fpr"]));
    check_exact("tpr", &n, &got.tpr, &fs(&want["tpr"]));
}

fn pr<L: FromJson>(case: &Value) {
    let yt = L::list(&case["y_true"]).unwrap();
    let (s, w) = (fs(&case["scores"]), opt_fs(&case["sample_weight"]));
    let got = precision_recall_curve(&yt, &s, &curve_options(case, w.as_deref()));
    if expect_error(case, &got) {
        return;
    }
    let (got, want, n) = (got.unwrap(), &case["ok"], name(case));
    check_exact("thresholds", &n, &got.thresholds, &fs(&want["thresholds"]));
    check_exact("precision", &n, &got.precision, &fs(&want["precision"]));
    check_exact("recall", &n, &got.recall, &fs(&want["recall"]));
}

fn det<L: FromJson>(case: &Value) {
    let yt = L::list(&case["y_true"]).unwrap();
    let (s, w) = (fs(&case["scores"]), opt_fs(&case["sample_weight"]));
    let got = det_curve(&yt, &s, &curve_options(case, w.as_deref()));
    if expect_error(case, &got) {
        return;
    }
    let (got, want, n) = (got.unwrap(), &case["ok"], name(case));
    check_exact("thresholds", &n, &got.thresholds, &fs(&want["thresholds"]));
    check_exact("fpr", &n, &got.fpr, &fs(&want["fpr"]));
    check_exact("fnr", &n, &got.fnr, &fs(&want["fnr"]));
}

fn counts_at<L: FromJson>(case: &Value) {
    let yt = L::list(&case["y_true"]).unwrap();
    let (s, w) = (fs(&case["scores"]), opt_fs(&case["sample_weight"]));
    let got = confusion_matrix_at_thresholds(&yt, &s, &curve_options(case, w.as_deref()));
    if expect_error(case, &got) {
        return;
    }
    let (got, want, n) = (got.unwrap(), &case["ok"], name(case));
    check_exact("thresholds", &n, &got.thresholds, &fs(&want["thresholds"]));
    for (what, g) in [
        ("tns", &got.tns),
        ("fps", &got.fps),
        ("fns", &got.fns),
        ("tps", &got.tps),
    ] {
        check_exact(what, &n, g, &fs(&want[what]));
    }
}

fn roc_auc<L: FromJson>(case: &Value) {
    let yt = L::list(&case["y_true"]).unwrap();
    let (s, w) = (fs(&case["scores"]), opt_fs(&case["sample_weight"]));
    let got = roc_auc_score(&yt, &s, w.as_deref());
    let want = f(&case["ok"]);
    if want.is_nan() {
        // scikit-learn warns and returns NaN for a single class; we return a typed error.
        assert_eq!(got, Err(Error::SingleClass), "{}", name(case));
        return;
    }
    check_close("roc_auc", &name(case), &[got.unwrap()], &[want]);
}

fn average_precision<L: FromJson>(case: &Value) {
    let yt = L::list(&case["y_true"]).unwrap();
    let (s, w) = (fs(&case["scores"]), opt_fs(&case["sample_weight"]));
    let pos = L::from_json(&case["pos_label"]);
    let got = average_precision_score(&yt, &s, pos.as_ref(), w.as_deref());
    if !expect_error(case, &got) {
        check_close(
            "average_precision",
            &name(case),
            &[got.unwrap()],
            &[f(&case["ok"])],
        );
    }
}

fn area(case: &Value) {
    let got = auc(&fs(&case["x"]), &fs(&case["y"]));
    if !expect_error(case, &got) {
        check_close("auc", &name(case), &[got.unwrap()], &[f(&case["ok"])]);
    }
}

fn roc_auc_multi(case: &Value) {
    let yt = i64::list(&case["y_true"]).unwrap();
    let (p, _) = matrix(&case["proba"]);
    let w = opt_fs(&case["sample_weight"]);
    let mc = if case["multi_class"] == "ovo" {
        MultiClass::Ovo
    } else {
        MultiClass::Ovr
    };
    let average = average_of(&case["average"]).unwrap();
    let got = roc_auc_score_multiclass(&yt, &p, None, mc, average, w.as_deref());
    if !expect_error(case, &got) {
        check_close("roc_auc", &name(case), &[got.unwrap()], &[f(&case["ok"])]);
    }
}

/// Micro and macro one-vs-rest curves and average precision of multiclass scores.
fn multiclass_curve(case: &Value) {
    let yt = i64::list(&case["y_true"]).unwrap();
    let (s, _) = matrix(&case["scores"]);
    let (want, n) = (&case["ok"], name(case));
    match case["kind"].as_str().unwrap() {
        "roc_micro" => {
            let got = roc_curve_micro(&yt, &s, None, true).unwrap();
            check_exact("thresholds", &n, &got.thresholds, &fs(&want["thresholds"]));
            check_exact("fpr", &n, &got.fpr, &fs(&want["fpr"]));
            check_exact("tpr", &n, &got.tpr, &fs(&want["tpr"]));
        }
        "roc_macro" => {
            let got = roc_curve_macro(&yt, &s, None).unwrap();
            check_exact("fpr", &n, &got.fpr, &fs(&want["fpr"]));
            check_close("tpr", &n, &got.tpr, &fs(&want["tpr"]));
            let area = auc(&got.fpr, &got.tpr).unwrap();
            check_close("auc", &n, &[area], &[f(&want["auc"])]);
        }
        "pr_micro" => {
            let got = precision_recall_curve_micro(&yt, &s, None).unwrap();
            check_exact("thresholds", &n, &got.thresholds, &fs(&want["thresholds"]));
            check_exact("precision", &n, &got.precision, &fs(&want["precision"]));
            check_exact("recall", &n, &got.recall, &fs(&want["recall"]));
        }
        _ => {
            let average = average_of(&case["average"]).unwrap();
            let got = average_precision_score_multiclass(&yt, &s, None, average).unwrap();
            check_close("average precision", &n, &[got], &[f(want)]);
        }
    }
}

fn calibration(case: &Value) {
    let yt = i64::list(&case["y_true"]).unwrap();
    let p = fs(&case["prob"]);
    let strategy = if case["strategy"] == "quantile" {
        BinStrategy::Quantile
    } else {
        BinStrategy::Uniform
    };
    let n_bins = case["n_bins"].as_u64().unwrap() as usize;
    let got = calibration_curve(&yt, &p, None, n_bins, strategy);
    if expect_error(case, &got) {
        return;
    }
    let (got, n) = (got.unwrap(), name(case));
    check_close(
        "prob_true",
        &n,
        &got.prob_true,
        &fs(&case["ok"]["prob_true"]),
    );
    check_close(
        "prob_pred",
        &n,
        &got.prob_pred,
        &fs(&case["ok"]["prob_pred"]),
    );
}

fn report(case: &Value) {
    let (yt, yp) = (
        i64::list(&case["y_true"]).unwrap(),
        i64::list(&case["y_pred"]).unwrap(),
    );
    let labels = i64::list(&case["labels"]);
    let names: Option<Vec<String>> = case["target_names"]
        .as_array()
        .map(|a| a.iter().map(|v| v.as_str().unwrap().to_string()).collect());
    let name_refs: Option<Vec<&str>> = names
        .as_ref()
        .map(|v| v.iter().map(String::as_str).collect());
    let w = opt_fs(&case["sample_weight"]);
    let opts = ReportOptions {
        labels: labels.as_deref(),
        target_names: name_refs.as_deref(),
        sample_weight: w.as_deref(),
        digits: case["digits"].as_u64().unwrap() as usize,
        zero_division: ZeroDivision::Zero,
    };
    let got = classification_report(&yt, &yp, &opts).unwrap();
    let n = name(case);
    assert_eq!(got.to_string(), case["ok"]["text"].as_str().unwrap(), "{n}");
    let dict = &case["ok"]["dict"];
    for row in got.labels.iter().chain(&got.averages) {
        let want = &dict[&row.name];
        check_close(
            &row.name,
            &n,
            &[row.precision, row.recall, row.f1, row.support],
            &[
                f(&want["precision"]),
                f(&want["recall"]),
                f(&want["f1-score"]),
                f(&want["support"]),
            ],
        );
    }
    match got.accuracy {
        Some(a) => check_close("accuracy", &n, &[a], &[f(&dict["accuracy"])]),
        None => assert!(dict.get("accuracy").is_none(), "{n}"),
    }
}

#[test]
fn every_scikit_learn_case_matches() {
    let doc: Value = serde_json::from_str(FIXTURE).expect("fixture parses");
    let cases = doc["cases"].as_array().expect("cases");
    assert!(
        cases.len() > 300,
        "the fixture should hold a few hundred cases"
    );
    let mut counts = std::collections::BTreeMap::new();
    for case in cases {
        let kind = case["kind"].as_str().expect("kind");
        match kind {
            "confusion_matrix" => with_labels!(case, confusion),
            "accuracy" => with_labels!(case, accuracy),
            "prf" => with_labels!(case, prf),
            "multilabel_prf" => multilabel_prf(case),
            "multilabel_accuracy" => multilabel_accuracy(case),
            "roc_curve" => with_labels!(case, roc),
            "pr_curve" => with_labels!(case, pr),
            "det_curve" => with_labels!(case, det),
            "counts_at_thresholds" => with_labels!(case, counts_at),
            "roc_auc" => with_labels!(case, roc_auc),
            "average_precision" => with_labels!(case, average_precision),
            "auc" => area(case),
            "roc_auc_multiclass" => roc_auc_multi(case),
            "roc_micro" | "roc_macro" | "pr_micro" | "ap_multiclass" => multiclass_curve(case),
            "calibration" => calibration(case),
            "balanced_accuracy" => with_labels!(case, balanced),
            "matthews" => with_labels!(case, matthews),
            "likelihood_ratios" => with_labels!(case, likelihood),
            "brier" => with_labels!(case, brier),
            "log_loss" => with_labels!(case, log_loss_case),
            "top_k" => with_labels!(case, top_k),
            "report" => report(case),
            other => panic!("unknown case kind {other}"),
        }
        *counts.entry(kind).or_insert(0) += 1;
    }
    eprintln!(
        "checked {} cases against scikit-learn {}: {counts:?}",
        cases.len(),
        doc["sklearn"]
    );
}
