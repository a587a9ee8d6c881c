//! `classify report`: the whole MNIST classification workflow, run end to end, written as one
//! self-contained HTML page (figures embedded) and a machine-readable `results.json`.

use std::path::{Path, PathBuf};

use anyhow::Context;
use base64::Engine;
use classify_metrics::{
    confusion_matrix, confusion_matrix_with, false_positive_rate_at, precision_recall_curve,
    precision_recall_fscore_support, roc_auc_score, roc_curve, ConfusionOptions, CurveOptions,
    Normalize, PrfOptions, ThresholdPoint,
};
use classify_models::{
    DummyClassifier, Estimator, Features, KNeighborsClassifier, MultiOutputClassifier,
    MultiOutputEstimator, RandomForestClassifier, SgdClassifier, Svc,
};
use classify_plot::{BoxPlot, CellFormat, ConfusionMatrixPlot, DigitQuadrants, DigitStyle};
use classify_preprocessing::Scaled;
use classify_selection::{
    cross_val_decision_function, cross_val_predict, cross_val_predict_multi,
    cross_val_predict_proba, cross_val_response, scores_per_fold, CalibratedClassifierCV, Cv,
    Method, Proba, Scoring, StratifiedKFold,
};
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use ndarray::{Array2, Axis};
use serde::Serialize;

use crate::args::Common;
use crate::data::{default_detector, load, TwoLabels};
use crate::figures::{
    multilabel_f1, pixel_rmse, pr_chart, roc_chart, roc_cv_chart, threshold_chart,
};
use crate::output::{self, thousands};

/// Every number of the report.
#[derive(Serialize)]
struct Results {
    dataset: String,
    n_train: usize,
    n_test: usize,
    class_counts: Vec<usize>,
    detector: Detector,
    forest: Forest,
    /// The forest's out-of-fold probabilities, uncalibrated and calibrated.
    forest_calibration: Vec<Calibration>,
    multiclass: Multiclass,
    multilabel: Multilabel,
    denoising: Denoising,
    seconds: f64,
    figures: Vec<String>,
}

#[derive(Serialize)]
struct Detector {
    digit: u8,
    n_positive: usize,
    fold_accuracy: Vec<f64>,
    dummy_fold_accuracy: Vec<f64>,
    confusion_matrix: Vec<Vec<f64>>,
    precision: f64,
    recall: f64,
    f1: f64,
    roc_auc: f64,
    threshold_90_precision: Option<ThresholdPoint>,
}

#[derive(Serialize)]
struct Forest {
    precision: f64,
    recall: f64,
    f1: f64,
    roc_auc: f64,
}

/// The losses of out-of-fold probabilities, uncalibrated (`method` "none") or calibrated.
#[derive(Serialize)]
struct Calibration {
    method: &'static str,
    brier_score: f64,
    log_loss: f64,
}

fn loss_of(method: &'static str, y: &[usize], p: &[f64]) -> anyhow::Result<Calibration> {
    Ok(Calibration {
        method,
        brier_score: classify_metrics::brier_score_loss(y, p, None, None)?,
        log_loss: classify_metrics::log_loss(y, p, None, None)?,
    })
}

#[derive(Serialize)]
struct Multiclass {
    svc_train_images: usize,
    svc_test_accuracy: f64,
    /// One-vs-rest ROC AUC of SVC's scores on the test images: micro, macro.
    svc_test_roc_auc: [f64; 2],
    sgd_fold_accuracy: Vec<f64>,
    scaled_sgd_fold_accuracy: Vec<f64>,
    confusion_matrix: Vec<Vec<f64>>,
    error_pair: [usize; 2],
}

#[derive(Serialize)]
struct Multilabel {
    labels: [String; 2],
    f1_macro: f64,
    f1_weighted: f64,
}

#[derive(Serialize)]
struct Denoising {
    test_images: usize,
    rmse_noisy: f64,
    rmse_denoised: f64,
}

/// Steps of the progress bar.
const STEPS: u64 = 10;

fn bar(common: &Common) -> ProgressBar {
    let bar = ProgressBar::with_draw_target(Some(STEPS), ProgressDrawTarget::stderr());
    if common.quiet || common.json {
        bar.set_draw_target(ProgressDrawTarget::hidden());
    }
    bar.set_style(
        ProgressStyle::with_template("{bar:24} {pos}/{len} {msg} [{elapsed}]")
            .unwrap_or_else(|_| ProgressStyle::default_bar()),
    );
    bar
}

/// Precision, recall and F1 of the positive class (label 1).
fn prf(y: &[usize], p: &[usize]) -> anyhow::Result<(f64, f64, f64)> {
    let r = precision_recall_fscore_support(y, p, &PrfOptions::default())?;
    Ok((
        r.precision.values()[0],
        r.recall.values()[0],
        r.fbeta.values()[0],
    ))
}

pub fn report(common: &Common) -> anyhow::Result<()> {
    let start = std::time::Instant::now();
    let data = load(common)?;
    let out = common
        .out
        .clone()
        .unwrap_or_else(|| PathBuf::from("report"));
    std::fs::create_dir_all(&out).with_context(|| format!("creating {}", out.display()))?;
    let train = &data.train;
    let y: Vec<usize> = train.target.iter().map(|&l| usize::from(l)).collect();
    let x: Features<'_> = (&train.data).into();
    let shape = train.image_shape.unwrap_or([28, 28]);
    let mut figures: Vec<String> = Vec::new();
    let mut figure = |name: &str| -> PathBuf {
        figures.push(name.to_string());
        out.join(name)
    };
    let bar = bar(common);

    bar.set_message("the data");
    let n_grid = train.n_samples().min(50);
    classify_plot::digit_grid(
        train.data.slice(ndarray::s![..n_grid, ..]),
        shape,
        10,
        figure("digits.png"),
        &DigitStyle::default(),
    )?;
    bar.inc(1);

    // The book's 5-detector; on datasets with fewer classes, a detector of the last class.
    let n_classes = train.target_names.len();
    let digit = default_detector(n_classes);
    bar.set_message(format!(
        "the {digit}-detector: SGD, 3-fold cross-validation"
    ));
    let y5: Vec<usize> = y
        .iter()
        .map(|&c| usize::from(c == usize::from(digit)))
        .collect();
    let splits = StratifiedKFold::new(3).split(&y5)?;
    let cv = Cv::Splits(splits.clone());
    let sgd = SgdClassifier {
        random_state: common.seed,
        ..Default::default()
    };
    let scores = cross_val_decision_function(&sgd, x, &y5, &cv)?
        .column(0)
        .to_vec();
    let pred: Vec<usize> = scores.iter().map(|&s| usize::from(s > 0.0)).collect();
    let dummy = cross_val_predict(&DummyClassifier::most_frequent(), x, &y5, &cv)?;
    let (precision, recall, f1) = prf(&y5, &pred)?;
    let pr = precision_recall_curve(&y5, &scores, &CurveOptions::pr())?;
    let roc = roc_curve(&y5, &scores, &CurveOptions::roc())?;
    let chosen = pr.threshold_for_precision(0.90);
    let detector = Detector {
        digit,
        n_positive: y5.iter().sum(),
        fold_accuracy: scores_per_fold(&splits, &y5, &pred, Scoring::Accuracy)?,
        dummy_fold_accuracy: scores_per_fold(&splits, &y5, &dummy, Scoring::Accuracy)?,
        confusion_matrix: confusion_matrix(&y5, &pred)?.to_rows(),
        precision,
        recall,
        f1,
        roc_auc: roc_auc_score(&y5, &scores, None)?,
        threshold_90_precision: chosen,
    };
    bar.inc(1);

    bar.set_message(format!(
        "the {digit}-detector: random forest, 3-fold cross-validation"
    ));
    let forest_params = RandomForestClassifier {
        random_state: common.seed,
        ..Default::default()
    };
    let proba = cross_val_predict_proba(&forest_params, x, &y5, &cv)?
        .column(1)
        .to_vec();
    let forest_pred: Vec<usize> = proba.iter().map(|&p| usize::from(p > 0.5)).collect();
    let (fp, fr, ff) = prf(&y5, &forest_pred)?;
    let forest = Forest {
        precision: fp,
        recall: fr,
        f1: ff,
        roc_auc: roc_auc_score(&y5, &proba, None)?,
    };
    let forest_pr = precision_recall_curve(&y5, &proba, &CurveOptions::pr())?;
    let forest_roc = roc_curve(&y5, &proba, &CurveOptions::roc())?;
    bar.inc(1);

    bar.set_message("curves");
    threshold_chart(&pr, chosen.as_ref(), 0.90, "SGD").write(figure("threshold.png"))?;
    pr_chart(
        &[("SGD", &pr), ("Random forest", &forest_pr)],
        chosen.as_ref(),
        0.90,
    )
    .write(figure("precision-recall.png"))?;
    let point = chosen
        .as_ref()
        .map(|t| -> anyhow::Result<_> {
            let fpr = false_positive_rate_at(&y5, &scores, t.threshold, &CurveOptions::roc())?;
            Ok((fpr, t.recall))
        })
        .transpose()?;
    roc_chart(
        &[("SGD", &roc), ("Random forest", &forest_roc)],
        point,
        0.90,
    )
    .write(figure("roc.png"))?;
    roc_cv_chart(&y5, &scores, &splits, "SGD")?.write(figure("roc-folds.png"))?;
    crate::figures::det_chart(&y5, &[("SGD", &scores), ("Random forest", &proba)])?
        .write(figure("det.png"))?;
    bar.inc(1);

    // The forest's probabilities calibrated on 3 inner folds of each training part.
    bar.set_message(format!("the {digit}-detector: calibrating the forest"));
    let mut calibration = vec![loss_of("none", &y5, &proba)?];
    let mut curves = vec![("Random forest".to_string(), proba.clone())];
    for method in [Method::Sigmoid, Method::Isotonic] {
        let calibrated = CalibratedClassifierCV {
            cv: 3,
            ..CalibratedClassifierCV::new(forest_params, Proba)
        }
        .method(method);
        let p = cross_val_response(&calibrated, Proba, x, &y5, &cv)?
            .column(0)
            .to_vec();
        let name = if method == Method::Sigmoid {
            "sigmoid"
        } else {
            "isotonic"
        };
        calibration.push(loss_of(name, &y5, &p)?);
        curves.push((format!("Random forest, {name} calibration"), p));
    }
    let curves: Vec<(String, &[f64])> = curves
        .iter()
        .map(|(n, p)| (n.clone(), p.as_slice()))
        .collect();
    crate::figures::calibration_chart(&y5, &curves)?.write(figure("calibration.png"))?;
    bar.inc(1);

    bar.set_message("ten classes: SVC (one-vs-one)");
    let svc_n = train.n_samples().min(2000);
    let svc = Svc::default().fit(
        train.data.slice(ndarray::s![..svc_n, ..]).into(),
        &y[..svc_n],
    )?;
    let test_truth: Vec<usize> = data.test.target.iter().map(|&l| usize::from(l)).collect();
    let svc_pred = classify_models::Classifier::predict(&svc, (&data.test.data).into())?;
    let svc_test_accuracy = classify_metrics::accuracy_score(&test_truth, &svc_pred, None)?;
    let svc_scores =
        classify_models::DecisionFunction::decision_function(&svc, (&data.test.data).into())?;
    let svc_test_roc_auc = crate::multiclass::roc_figure(
        &figure("roc-classes.png"),
        &test_truth,
        &svc_scores,
        classify_models::Classifier::classes(&svc),
        &train.target_names,
        &format!("SVC ({} images)", thousands(svc_n)),
    )?;
    bar.inc(1);

    bar.set_message("ten classes: SGD, raw and scaled, 3-fold cross-validation");
    let msplits = StratifiedKFold::new(3).split(&y)?;
    let mcv = Cv::Splits(msplits.clone());
    let raw = cross_val_predict(&sgd, x, &y, &mcv)?;
    let scaled = cross_val_predict(&Scaled::new(sgd), x, &y, &mcv)?;
    let (raw_acc, scaled_acc) = (
        scores_per_fold(&msplits, &y, &raw, Scoring::Accuracy)?,
        scores_per_fold(&msplits, &y, &scaled, Scoring::Accuracy)?,
    );
    BoxPlot {
        title: "SGD accuracy per fold, ten classes".into(),
        y_label: "Accuracy".into(),
        groups: vec![
            ("raw pixels".into(), raw_acc.clone()),
            ("standard-scaled".into(), scaled_acc.clone()),
        ],
    }
    .write(figure("folds.png"))?;
    let labels: Vec<String> = train.target_names.clone();
    let cm = confusion_matrix(&y, &scaled)?;
    ConfusionMatrixPlot {
        title: "Confusion matrix (scaled SGD, out of fold)".into(),
        matrix: cm.to_rows(),
        labels: labels.clone(),
        format: CellFormat::Counts,
    }
    .write(figure("confusion.png"))?;
    let normalised = confusion_matrix_with(
        &y,
        &scaled,
        &ConfusionOptions {
            normalize: Some(Normalize::True),
            ..Default::default()
        },
    )?;
    ConfusionMatrixPlot {
        title: "Normalised by row (recall on the diagonal)".into(),
        matrix: normalised.to_rows(),
        labels: labels.clone(),
        format: CellFormat::Percent,
    }
    .write(figure("confusion-normalised.png"))?;
    let error_weight: Vec<f64> = y
        .iter()
        .zip(&scaled)
        .map(|(a, b)| f64::from(u8::from(a != b)))
        .collect();
    let errors = confusion_matrix_with(
        &y,
        &scaled,
        &ConfusionOptions {
            normalize: Some(Normalize::True),
            sample_weight: Some(&error_weight),
            ..Default::default()
        },
    )?;
    ConfusionMatrixPlot {
        title: "Errors only, normalised by row".into(),
        matrix: errors.to_rows(),
        labels,
        format: CellFormat::Percent,
    }
    .write(figure("confusion-errors.png"))?;
    // Error analysis on the book's pair, 3 and 5; with fewer classes, the pair most confused.
    let (a, b) = if n_classes > 5 {
        (3usize, 5usize)
    } else {
        let rows = cm.to_rows();
        let pairs = (0..n_classes).flat_map(|a| (a + 1..n_classes).map(move |b| (a, b)));
        pairs
            .max_by(|&(a, b), &(c, d)| {
                (rows[a][b] + rows[b][a])
                    .total_cmp(&(rows[c][d] + rows[d][c]))
                    .then((d, c).cmp(&(b, a)))
            })
            .unwrap_or((0, 1))
    };
    let pick = |t: usize, p: usize| -> Array2<u8> {
        let rows: Vec<usize> = (0..y.len())
            .filter(|&i| y[i] == t && scaled[i] == p)
            .take(25)
            .collect();
        train.data.select(Axis(0), &rows)
    };
    let quads = [pick(a, a), pick(a, b), pick(b, a), pick(b, b)];
    DigitQuadrants {
        groups: [
            quads[0].view(),
            quads[1].view(),
            quads[2].view(),
            quads[3].view(),
        ],
        captions: [
            format!("true {a}, predicted {a}"),
            format!("true {a}, predicted {b}"),
            format!("true {b}, predicted {a}"),
            format!("true {b}, predicted {b}"),
        ],
        shape,
        per_row: 5,
        scale: 3,
    }
    .write(figure("errors-3-5.png"))?;
    let multiclass = Multiclass {
        svc_train_images: svc_n,
        svc_test_accuracy,
        svc_test_roc_auc,
        sgd_fold_accuracy: raw_acc,
        scaled_sgd_fold_accuracy: scaled_acc,
        confusion_matrix: cm.to_rows(),
        error_pair: [a, b],
    };
    bar.inc(1);

    bar.set_message("multilabel: k-NN on (large, odd)");
    let two = TwoLabels::new(n_classes);
    let labels2 = two.targets(y.iter().copied());
    let oof = cross_val_predict_multi(
        &KNeighborsClassifier::default(),
        x,
        labels2.view(),
        &Cv::KFold(3),
    )?;
    let f1_of =
        |average| -> anyhow::Result<f64> { Ok(multilabel_f1(&labels2, &oof, Some(average))?[0]) };
    let multilabel = Multilabel {
        labels: [two.large_name(n_classes), "odd".to_string()],
        f1_macro: f1_of(classify_metrics::Average::Macro)?,
        f1_weighted: f1_of(classify_metrics::Average::Weighted)?,
    };
    bar.inc(1);

    bar.set_message("denoising: k-NN predicts every pixel");
    let m = data.test.n_samples().min(100);
    let clean = data.test.data.slice(ndarray::s![..m, ..]).to_owned();
    let (xn, xtn) = crate::multilabel::noisy_pair(train.data.view(), clean.view(), common.seed)?;
    let cleaned = KNeighborsClassifier::default()
        .fit_multi((&xn).into(), train.data.mapv(usize::from).view())?
        .predict_multi((&xtn).into())?;
    let clean_f = clean.mapv(f32::from);
    let denoising = Denoising {
        test_images: m,
        rmse_noisy: pixel_rmse(xtn.view(), clean_f.view(), |_| true)?.context("no test pixels")?,
        rmse_denoised: pixel_rmse(cleaned.mapv(|v| v as f32).view(), clean_f.view(), |_| true)?
            .context("no test pixels")?,
    };
    let triples: Vec<Array2<u8>> = (0..m.min(4))
        .map(|i| {
            ndarray::stack(
                Axis(0),
                &[
                    xtn.row(i).mapv(|v| v.min(255.0) as u8).view(),
                    cleaned.row(i).mapv(|v| v as u8).view(),
                    clean.row(i),
                ],
            )
        })
        .collect::<Result<_, _>>()?;
    let views: Vec<_> = triples.iter().map(|t| t.view()).collect();
    classify_plot::digit_grid(
        ndarray::concatenate(Axis(0), &views)?.view(),
        shape,
        3,
        figure("denoising.png"),
        &DigitStyle::default(),
    )?;
    bar.inc(1);

    bar.set_message("writing the page");
    let results = Results {
        dataset: data.name.clone(),
        n_train: train.n_samples(),
        n_test: data.test.n_samples(),
        class_counts: train.class_counts(),
        detector,
        forest,
        forest_calibration: calibration,
        multiclass,
        multilabel,
        denoising,
        seconds: start.elapsed().as_secs_f64(),
        figures: figures.clone(),
    };
    let json = serde_json::to_string_pretty(&results)?;
    write_atomic(&out.join("results.json"), json.as_bytes())?;
    let html = page(&results, &out)?;
    write_atomic(&out.join("index.html"), html.as_bytes())?;
    bar.inc(1);
    bar.finish_and_clear();
    if common.json {
        return output::json(&results);
    }
    println!(
        "report on {} ({} training images) in {:.1} s: {} with {} figures, and results.json",
        results.dataset,
        thousands(results.n_train),
        results.seconds,
        out.join("index.html").display(),
        results.figures.len()
    );
    Ok(())
}

/// Writes `bytes` to a temporary name, then renames it over `path`.
fn write_atomic(path: &Path, bytes: &[u8]) -> anyhow::Result<()> {
    let tmp = path.with_extension("part");
    std::fs::write(&tmp, bytes).with_context(|| format!("writing {}", tmp.display()))?;
    std::fs::rename(&tmp, path).with_context(|| format!("writing {}", path.display()))?;
    Ok(())
}

fn esc(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

fn pct(v: f64) -> String {
    format!("{:.1} %", v * 100.0)
}

fn list(v: &[f64]) -> String {
    v.iter()
        .map(|a| format!("{a:.4}"))
        .collect::<Vec<_>>()
        .join(", ")
}

/// The HTML page, every figure embedded as a data URI.
fn page(r: &Results, dir: &Path) -> anyhow::Result<String> {
    let img = |name: &str, alt: &str| -> anyhow::Result<String> {
        let bytes = std::fs::read(dir.join(name)).with_context(|| format!("reading {name}"))?;
        Ok(format!(
            "<figure><img alt=\"{}\" src=\"data:image/png;base64,{}\"><figcaption>{}</figcaption></figure>",
            esc(alt),
            base64::engine::general_purpose::STANDARD.encode(bytes),
            esc(alt)
        ))
    };
    let d = &r.detector;
    let f = &r.forest;
    let m = &r.multiclass;
    let rows = |pairs: &[(&str, String)]| -> String {
        pairs
            .iter()
            .map(|(k, v)| format!("<tr><th>{}</th><td>{}</td></tr>", esc(k), esc(v)))
            .collect::<String>()
    };
    let threshold = match &d.threshold_90_precision {
        Some(t) => format!(
            "{:.2} (precision {}, recall {})",
            t.threshold,
            pct(t.precision),
            pct(t.recall)
        ),
        None => "no threshold reaches 90 % precision".into(),
    };
    let cm = &d.confusion_matrix;
    let mut html = String::new();
    html.push_str(&format!(
        r#"<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>classify report: {ds}</title>
<style>
body {{ font-family: system-ui, sans-serif; max-width: 1100px; margin: 2em auto; padding: 0 1em; color: #222; }}
h1 {{ font-size: 1.8em; }} h2 {{ margin-top: 2em; border-bottom: 1px solid #ddd; }}
table {{ border-collapse: collapse; margin: 1em 0; }} th, td {{ padding: .3em .8em; border: 1px solid #ddd; text-align: left; }}
figure {{ display: inline-block; margin: .5em; vertical-align: top; }} img {{ max-width: 100%; border: 1px solid #eee; }}
figcaption {{ font-size: .9em; color: #555; }}
</style></head><body>
<h1>Classifying {ds}</h1>
<p>{n_train} training and {n_test} test images, made by <code>classify report</code> in {secs:.1} s. The numbers are also in <code>results.json</code>.</p>
"#,
        ds = esc(&r.dataset),
        n_train = thousands(r.n_train),
        n_test = thousands(r.n_test),
        secs = r.seconds
    ));
    html.push_str("<h2>The data</h2>");
    html.push_str(&format!(
        "<p>Training images per class: {}.</p>",
        r.class_counts
            .iter()
            .enumerate()
            .map(|(c, n)| format!("{c}: {}", thousands(*n)))
            .collect::<Vec<_>>()
            .join(", ")
    ));
    html.push_str(&img("digits.png", "The first training images")?);
    html.push_str(&format!(
        "<h2>A binary classifier: is it a {}?</h2><p>An SGD linear classifier (hinge loss), judged by 3-fold stratified cross-validation, against a baseline that always says \"not a {}\".</p><table>{}</table>",
        d.digit,
        d.digit,
        rows(&[
            ("positives", thousands(d.n_positive)),
            ("accuracy per fold (SGD)", list(&d.fold_accuracy)),
            ("accuracy per fold (dummy)", list(&d.dummy_fold_accuracy)),
            (
                "confusion matrix (out of fold)",
                format!(
                    "TN {} · FP {} · FN {} · TP {}",
                    cm[0][0], cm[0][1], cm[1][0], cm[1][1]
                ),
            ),
            ("precision", pct(d.precision)),
            ("recall", pct(d.recall)),
            ("F1", format!("{:.4}", d.f1)),
            ("ROC AUC", format!("{:.4}", d.roc_auc)),
            ("threshold for 90 % precision", threshold),
        ])
    ));
    html.push_str(&img(
        "threshold.png",
        "Precision and recall versus the threshold",
    )?);
    html.push_str("<h2>SGD against a random forest</h2>");
    html.push_str(&format!(
        "<table>{}</table>",
        rows(&[
            (
                "random forest (100 trees): precision / recall / F1",
                format!("{} / {} / {:.4}", pct(f.precision), pct(f.recall), f.f1)
            ),
            ("random forest ROC AUC", format!("{:.4}", f.roc_auc)),
            ("SGD ROC AUC", format!("{:.4}", d.roc_auc)),
        ])
    ));
    html.push_str(&img("precision-recall.png", "Precision versus recall")?);
    html.push_str(&img("roc.png", "ROC curves")?);
    html.push_str(&img(
        "roc-folds.png",
        "SGD's ROC curve on each fold's held-out images, their mean and ±1 std",
    )?);
    html.push_str(&img(
        "det.png",
        "Detection error tradeoff: false negatives against false positives",
    )?);
    html.push_str(&img(
        "calibration.png",
        "Calibration of the forest's out-of-fold probabilities, before and after",
    )?);
    let losses: Vec<(String, String)> = r
        .forest_calibration
        .iter()
        .map(|c| {
            (
                format!("forest, calibration: {}", c.method),
                format!(
                    "Brier score {:.4}, log loss {:.4}",
                    c.brier_score, c.log_loss
                ),
            )
        })
        .collect();
    let losses: Vec<(&str, String)> = losses
        .iter()
        .map(|(k, v)| (k.as_str(), v.clone()))
        .collect();
    html.push_str(&format!("<table>{}</table>", rows(&losses)));
    html.push_str("<h2>Ten classes</h2>");
    html.push_str(&format!(
        "<table>{}</table>",
        rows(&[
            (
                "SVC (RBF, one-vs-one) test accuracy",
                format!(
                    "{} (trained on {} images)",
                    pct(m.svc_test_accuracy),
                    thousands(m.svc_train_images)
                )
            ),
            (
                "SVC one-vs-rest ROC AUC on the test images (micro, macro)",
                list(&m.svc_test_roc_auc)
            ),
            (
                "SGD accuracy per fold, raw pixels",
                list(&m.sgd_fold_accuracy)
            ),
            (
                "SGD accuracy per fold, standard-scaled",
                list(&m.scaled_sgd_fold_accuracy)
            ),
        ])
    ));
    html.push_str(&img(
        "roc-classes.png",
        "SVC's one-vs-rest ROC curve of each class on the test images, micro and macro averages",
    )?);
    html.push_str(&img("folds.png", "Accuracy per fold, raw and scaled")?);
    html.push_str("<h2>Error analysis</h2>");
    html.push_str(&img("confusion.png", "Confusion matrix")?);
    html.push_str(&img("confusion-normalised.png", "Normalised by row")?);
    html.push_str(&img("confusion-errors.png", "Errors only")?);
    html.push_str(&img(
        "errors-3-5.png",
        &format!(
            "{}s and {}s, right and wrong",
            m.error_pair[0], m.error_pair[1]
        ),
    )?);
    html.push_str(&format!(
        "<h2>Multilabel and multi-output</h2><p>k-NN on two labels per image ({}; {}), 3-fold out of fold: macro F1 {:.4}, weighted F1 {:.4}.</p><p>Denoising: k-NN predicts all pixels of a clean image from a noisy one (noise 0–99 added). RMSE over {} test images: noisy {:.2}, cleaned {:.2}.</p>",
        r.multilabel.labels[0],
        r.multilabel.labels[1],
        r.multilabel.f1_macro,
        r.multilabel.f1_weighted,
        r.denoising.test_images,
        r.denoising.rmse_noisy,
        r.denoising.rmse_denoised
    ));
    html.push_str(&img("denoising.png", "Noisy, cleaned, clean")?);
    html.push_str("</body></html>\n");
    Ok(html)
}
