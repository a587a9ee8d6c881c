//! `classify report`: the whole MNIST classification workflow, run end to end, written as one
//! self-contained HTML page (figures embedded) and a machine-readable `results.json`.

use std::cell::RefCell;
use std::path::{Path, PathBuf};

use anyhow::Context;
use base64::Engine;
use classify_metrics::{
    confusion_matrix, confusion_matrix_with, false_positive_rate_at, precision_recall_curve,
    roc_curve, ConfusionOptions, CurveOptions, Normalize, ThresholdPoint,
};
use classify_plot::{BoxPlot, CellFormat, ConfusionMatrixPlot, DigitQuadrants, DigitStyle};
use classify_selection::Method;
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use ndarray::{Array2, Axis};
use serde::Serialize;

use crate::args::Common;
use crate::data::load;
use crate::figures::{pr_chart, roc_chart, roc_cv_chart, threshold_chart};
use crate::output::{self, thousands};
use classify_datasets::TrainTest;
use classify_workflow::{
    default_digit, forest_comparison, method_name, CalibrationLoss, DetectorOptions,
    ForestComparison, Model, ModelKind, MulticlassOptions,
};

/// Every number of the report.
#[derive(Serialize)]
struct Results {
    dataset: String,
    n_train: usize,
    n_test: usize,
    class_counts: Vec<usize>,
    detector: Detector,
    forest: ForestComparison,
    /// The forest's out-of-fold probabilities, uncalibrated and calibrated.
    forest_calibration: Vec<CalibrationLoss>,
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
    #[serde(flatten)]
    summary: classify_workflow::DetectorMetrics,
    threshold_90_precision: Option<ThresholdPoint>,
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

/// What every section of the report reads: the training images and their classes, where
/// figures go (each section's figure names are kept, in order, for the page), the bar.
struct Ctx<'a> {
    common: &'a Common,
    data: &'a TrainTest,
    y: &'a [usize],
    shape: [usize; 2],
    n_classes: usize,
    out: &'a Path,
    figures: RefCell<Vec<String>>,
    bar: ProgressBar,
}

impl Ctx<'_> {
    /// The path of figure `name`, recorded for the page.
    fn figure(&self, name: &str) -> PathBuf {
        self.figures.borrow_mut().push(name.to_string());
        self.out.join(name)
    }

    /// Starts a step of the progress bar.
    fn step(&self, message: impl Into<std::borrow::Cow<'static, str>>) {
        self.bar.set_message(message);
    }
}

pub fn report(common: &Common) -> anyhow::Result<()> {
    let start = std::time::Instant::now();
    let data = load(common)?;
    let out = common
        .out
        .clone()
        .unwrap_or_else(|| PathBuf::from("report"));
    std::fs::create_dir_all(&out).with_context(|| format!("creating {}", out.display()))?;
    let y: Vec<usize> = data.train.labels();
    let ctx = Ctx {
        common,
        data: &data,
        y: &y,
        shape: data.train.image_shape.unwrap_or([28, 28]),
        n_classes: data.train.target_names.len(),
        out: &out,
        figures: RefCell::new(Vec::new()),
        bar: bar(common),
    };
    data_tour(&ctx)?;
    let (detector, sgd) = detector(&ctx)?;
    let forest = forest(&ctx, &sgd)?;
    let forest_calibration = forest_calibration(&ctx, &sgd.detector.out_of_fold.y, &forest)?;
    let multiclass = multiclass(&ctx)?;
    let multilabel = multilabel(&ctx)?;
    let denoising = denoising(&ctx)?;

    ctx.step("writing the page");
    let results = Results {
        dataset: data.name.clone(),
        n_train: data.train.n_samples(),
        n_test: data.test.n_samples(),
        class_counts: data.train.class_counts(),
        detector,
        forest,
        forest_calibration,
        multiclass,
        multilabel,
        denoising,
        seconds: start.elapsed().as_secs_f64(),
        figures: ctx.figures.take(),
    };
    let json = serde_json::to_string_pretty(&results)?;
    output::write_atomic(&out.join("results.json"), json.as_bytes())?;
    let html = page(&results, &out)?;
    output::write_atomic(&out.join("index.html"), html.as_bytes())?;
    ctx.bar.inc(1);
    ctx.bar.finish_and_clear();
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

/// The first training images as a grid.
fn data_tour(ctx: &Ctx<'_>) -> anyhow::Result<()> {
    ctx.step("the data");
    let train = &ctx.data.train;
    let n_grid = train.n_samples().min(50);
    classify_plot::digit_grid(
        train.data.slice(ndarray::s![..n_grid, ..]),
        ctx.shape,
        10,
        ctx.figure("digits.png"),
        &DigitStyle::default(),
    )?;
    ctx.bar.inc(1);
    Ok(())
}

/// The detector step's result (SGD's out-of-fold scores, which the forest's section compares
/// itself with) and its ROC curve.
struct DetectorScores {
    detector: classify_workflow::Detector,
    roc: classify_metrics::RocCurve,
}

/// The book's 5-detector (on datasets with fewer classes, a detector of the last class):
/// SGD's out-of-fold decision values on 3 stratified folds, against the dummy — the
/// workflow's detector step, as `classify binary` runs it.
fn detector(ctx: &Ctx<'_>) -> anyhow::Result<(Detector, DetectorScores)> {
    let digit = default_digit(ctx.n_classes);
    ctx.step(format!(
        "the {digit}-detector: SGD, 3-fold cross-validation"
    ));
    let model = Model {
        seed: ctx.common.seed,
        ..Model::new(ModelKind::Sgd)
    };
    let d = classify_workflow::detector(ctx.data, &DetectorOptions::new(model), &())?;
    let roc = roc_curve(
        &d.out_of_fold.y,
        &d.out_of_fold.scores,
        &CurveOptions::roc(),
    )?;
    let detector = Detector {
        digit,
        n_positive: d.n_positive,
        summary: d.summary.clone(),
        threshold_90_precision: d.threshold,
    };
    ctx.bar.inc(1);
    Ok((detector, DetectorScores { detector: d, roc }))
}

/// The random forest on the detector's folds (the workflow's forest comparison: out-of-fold
/// probabilities, calibrated by sigmoid and isotonic on 3 inner folds), and the curves of
/// both models.
fn forest(ctx: &Ctx<'_>, sgd: &DetectorScores) -> anyhow::Result<ForestComparison> {
    let digit = default_digit(ctx.n_classes);
    ctx.step(format!(
        "the {digit}-detector: random forest, 3-fold cross-validation and calibration"
    ));
    let methods = [Method::Sigmoid, Method::Isotonic];
    let forest = forest_comparison(ctx.data, &sgd.detector, ctx.common.seed, &methods, &())?;
    ctx.bar.inc(1);
    ctx.step("curves");
    let (d, proba) = (&sgd.detector, &forest.proba);
    let (y5, scores) = (&d.out_of_fold.y, &d.out_of_fold.scores);
    let forest_pr = precision_recall_curve(y5, proba, &CurveOptions::pr())?;
    let forest_roc = roc_curve(y5, proba, &CurveOptions::roc())?;
    let (chosen, pr) = (d.threshold.as_ref(), &d.out_of_fold.pr);
    threshold_chart(pr, chosen, 0.90, "SGD").write(ctx.figure("threshold.png"))?;
    pr_chart(&[("SGD", pr), ("Random forest", &forest_pr)], chosen, 0.90)
        .write(ctx.figure("precision-recall.png"))?;
    let point = chosen
        .map(|t| -> anyhow::Result<_> {
            let fpr = false_positive_rate_at(y5, scores, t.threshold, &CurveOptions::roc())?;
            Ok((fpr, t.recall))
        })
        .transpose()?;
    roc_chart(
        &[("SGD", &sgd.roc), ("Random forest", &forest_roc)],
        point,
        0.90,
    )
    .write(ctx.figure("roc.png"))?;
    roc_cv_chart(y5, scores, &d.out_of_fold.splits, "SGD")?.write(ctx.figure("roc-folds.png"))?;
    crate::figures::det_chart(y5, &[("SGD", scores), ("Random forest", proba)])?
        .write(ctx.figure("det.png"))?;
    ctx.bar.inc(1);
    Ok(forest)
}

/// The forest's probabilities' losses before and after calibration, and the reliability
/// diagram.
fn forest_calibration(
    ctx: &Ctx<'_>,
    y5: &[usize],
    forest: &ForestComparison,
) -> anyhow::Result<Vec<CalibrationLoss>> {
    let mut curves: Vec<(String, &[f64])> = vec![("Random forest".to_string(), &forest.proba)];
    for (method, p) in &forest.calibrated {
        let name = format!("Random forest, {} calibration", method_name(*method));
        curves.push((name, p.as_slice()));
    }
    crate::figures::calibration_chart(y5, &curves)?.write(ctx.figure("calibration.png"))?;
    ctx.bar.inc(1);
    Ok(forest.calibration.clone())
}

/// Ten classes: SVC on the first 2,000 images measured on the test set (with its one-vs-rest
/// ROC curves), then SGD on raw and scaled pixels by 3-fold cross-validation, the scaled
/// one's confusion matrices and its errors on the book's pair.
fn multiclass(ctx: &Ctx<'_>) -> anyhow::Result<Multiclass> {
    ctx.step("ten classes: SVC (one-vs-one)");
    let train = &ctx.data.train;
    let svc_n = train.n_samples().min(2000);
    let first = TrainTest {
        name: ctx.data.name.clone(),
        train: train.head(svc_n),
        test: ctx.data.test.clone(),
        source: ctx.data.source.clone(),
        notes: Vec::new(),
    };
    let step = |model: Model, data: &TrainTest, refit: bool| {
        let opts = MulticlassOptions {
            model,
            folds: (!refit).then_some(3),
            refit,
            index: 0,
            test_scores: refit,
        };
        classify_workflow::multiclass(data, &opts, &())
    };
    let svc = step(Model::new(ModelKind::Svc), &first, true)?;
    let (svc_test_accuracy, svc_scores) = svc
        .test_accuracy
        .zip(svc.predictions.test_scores.as_ref())
        .context("the SVC step scored no test images")?;
    let svc_test_roc_auc = crate::multiclass::roc_figure(
        &ctx.figure("roc-classes.png"),
        &svc.predictions.test_y,
        svc_scores,
        &svc.classes,
        &train.target_names,
        &format!("SVC ({} images)", thousands(svc_n)),
    )?;
    ctx.bar.inc(1);

    ctx.step("ten classes: SGD, raw and scaled, 3-fold cross-validation");
    let sgd = Model {
        seed: ctx.common.seed,
        ..Model::new(ModelKind::Sgd)
    };
    let raw = step(sgd, ctx.data, false)?;
    let scaled = step(Model { scale: true, ..sgd }, ctx.data, false)?;
    let (raw_acc, scaled_acc) = (raw.fold_accuracy, scaled.fold_accuracy);
    let scaled = scaled.predictions.out_of_fold;
    BoxPlot {
        title: "SGD accuracy per fold, ten classes".into(),
        y_label: "Accuracy".into(),
        groups: vec![
            ("raw pixels".into(), raw_acc.clone()),
            ("standard-scaled".into(), scaled_acc.clone()),
        ],
    }
    .write(ctx.figure("folds.png"))?;
    let cm = confusion_figures(ctx, &scaled)?;
    let pair = error_pair(&cm, ctx.n_classes);
    error_quadrants(ctx, &scaled, pair)?;
    ctx.bar.inc(1);
    Ok(Multiclass {
        svc_train_images: svc_n,
        svc_test_accuracy,
        svc_test_roc_auc,
        sgd_fold_accuracy: raw_acc,
        scaled_sgd_fold_accuracy: scaled_acc,
        confusion_matrix: cm,
        error_pair: pair.into(),
    })
}

/// The out-of-fold confusion matrix of `pred` drawn three ways (counts, normalised by row,
/// errors only); returns the counts.
fn confusion_figures(ctx: &Ctx<'_>, pred: &[usize]) -> anyhow::Result<Vec<Vec<f64>>> {
    let (y, labels) = (ctx.y, &ctx.data.train.target_names);
    let cm = confusion_matrix(y, pred)?.to_rows();
    let draw = |title: &str, matrix: Vec<Vec<f64>>, format, name: &str| {
        ConfusionMatrixPlot {
            title: title.into(),
            matrix,
            labels: labels.clone(),
            format,
        }
        .write(ctx.figure(name))
    };
    draw(
        "Confusion matrix (scaled SGD, out of fold)",
        cm.clone(),
        CellFormat::Counts,
        "confusion.png",
    )?;
    let by_row = |sample_weight| {
        confusion_matrix_with(
            y,
            pred,
            &ConfusionOptions {
                normalize: Some(Normalize::True),
                sample_weight,
                ..Default::default()
            },
        )
    };
    draw(
        "Normalised by row (recall on the diagonal)",
        by_row(None)?.to_rows(),
        CellFormat::Percent,
        "confusion-normalised.png",
    )?;
    let error_weight: Vec<f64> = y
        .iter()
        .zip(pred)
        .map(|(a, b)| f64::from(u8::from(a != b)))
        .collect();
    draw(
        "Errors only, normalised by row",
        by_row(Some(&error_weight))?.to_rows(),
        CellFormat::Percent,
        "confusion-errors.png",
    )?;
    Ok(cm)
}

/// The book's pair for error analysis, 3 and 5; with fewer classes, the pair most confused
/// in `cm`.
fn error_pair(cm: &[Vec<f64>], n_classes: usize) -> (usize, usize) {
    if n_classes > 5 {
        return (3, 5);
    }
    let pairs = (0..n_classes).flat_map(|a| (a + 1..n_classes).map(move |b| (a, b)));
    pairs
        .max_by(|&(a, b), &(c, d)| {
            (cm[a][b] + cm[b][a])
                .total_cmp(&(cm[c][d] + cm[d][c]))
                .then((d, c).cmp(&(b, a)))
        })
        .unwrap_or((0, 1))
}

/// Up to 25 images of each (true, predicted) combination of the pair, as four quadrants.
fn error_quadrants(ctx: &Ctx<'_>, pred: &[usize], (a, b): (usize, usize)) -> anyhow::Result<()> {
    let pick = |t: usize, p: usize| -> Array2<u8> {
        let rows: Vec<usize> = (0..ctx.y.len())
            .filter(|&i| ctx.y[i] == t && pred[i] == p)
            .take(25)
            .collect();
        ctx.data.train.data.select(Axis(0), &rows)
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
        shape: ctx.shape,
        per_row: 5,
        scale: 3,
    }
    .write(ctx.figure("errors-3-5.png"))?;
    Ok(())
}

/// Two labels per image (large, odd) predicted by k-NN out of fold: macro and weighted F1.
fn multilabel(ctx: &Ctx<'_>) -> anyhow::Result<Multilabel> {
    ctx.step("multilabel: k-NN on (large, odd)");
    let opts = classify_workflow::MultilabelOptions {
        k: 5,
        chain: None,
        folds: 3,
        index: 0,
    };
    let m = classify_workflow::multilabel(ctx.data, &opts, &())?;
    let multilabel = Multilabel {
        labels: m.labels,
        f1_macro: m.f1.f1_macro,
        f1_weighted: m.f1.f1_weighted,
    };
    ctx.bar.inc(1);
    Ok(multilabel)
}

/// k-NN with one output per pixel cleans up to 100 noisy test images (the workflow's
/// denoising step): RMSE before and after, and four of them as noisy / cleaned / clean triples.
fn denoising(ctx: &Ctx<'_>) -> anyhow::Result<Denoising> {
    ctx.step("denoising: k-NN predicts every pixel");
    let opts = classify_workflow::DenoiseOptions {
        k: 5,
        test_images: 100,
        index: 0,
        seed: ctx.common.seed,
    };
    let d = classify_workflow::denoise(ctx.data, &opts, &())?;
    let denoising = Denoising {
        test_images: d.n_test,
        rmse_noisy: d.rmse_noisy,
        rmse_denoised: d.rmse_denoised,
    };
    let triples: Vec<Array2<u8>> = (0..d.n_test.min(4))
        .map(|i| d.images.triple(i))
        .collect::<Result<_, _>>()?;
    let views: Vec<_> = triples.iter().map(|t| t.view()).collect();
    classify_plot::digit_grid(
        ndarray::concatenate(Axis(0), &views)?.view(),
        ctx.shape,
        3,
        ctx.figure("denoising.png"),
        &DigitStyle::default(),
    )?;
    ctx.bar.inc(1);
    Ok(denoising)
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
/// The HTML page being written: figures are read from `dir` and embedded.
struct Page<'a> {
    dir: &'a Path,
    html: String,
}

impl Page<'_> {
    fn push(&mut self, html: &str) {
        self.html.push_str(html);
    }

    /// Figure `name` embedded, captioned `alt`.
    fn img(&mut self, name: &str, alt: &str) -> anyhow::Result<()> {
        let bytes =
            std::fs::read(self.dir.join(name)).with_context(|| format!("reading {name}"))?;
        self.html.push_str(&format!(
            "<figure><img alt=\"{}\" src=\"data:image/png;base64,{}\"><figcaption>{}</figcaption></figure>",
            esc(alt),
            base64::engine::general_purpose::STANDARD.encode(bytes),
            esc(alt)
        ));
        Ok(())
    }

    /// A table of (heading, value) rows.
    fn table<K: AsRef<str>>(&mut self, pairs: &[(K, String)]) {
        self.html
            .push_str(&format!("<table>{}</table>", rows(pairs)));
    }
}

fn rows<K: AsRef<str>>(pairs: &[(K, String)]) -> String {
    pairs
        .iter()
        .map(|(k, v)| format!("<tr><th>{}</th><td>{}</td></tr>", esc(k.as_ref()), esc(v)))
        .collect()
}

fn page(r: &Results, dir: &Path) -> anyhow::Result<String> {
    let mut p = Page {
        dir,
        html: String::new(),
    };
    page_head(&mut p, r)?;
    detector_section(&mut p, &r.detector)?;
    forest_section(&mut p, r)?;
    ten_classes_section(&mut p, &r.multiclass)?;
    multi_section(&mut p, r)?;
    p.push("</body></html>\n");
    Ok(p.html)
}

/// The page's head, title and the data section.
fn page_head(p: &mut Page<'_>, r: &Results) -> anyhow::Result<()> {
    p.push(&format!(
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
    p.push("<h2>The data</h2>");
    p.push(&format!(
        "<p>Training images per class: {}.</p>",
        r.class_counts
            .iter()
            .enumerate()
            .map(|(c, n)| format!("{c}: {}", thousands(*n)))
            .collect::<Vec<_>>()
            .join(", ")
    ));
    p.img("digits.png", "The first training images")
}

fn detector_section(p: &mut Page<'_>, detector: &Detector) -> anyhow::Result<()> {
    let d = &detector.summary;
    let threshold = match &detector.threshold_90_precision {
        Some(t) => format!(
            "{:.2} (precision {}, recall {})",
            t.threshold,
            pct(t.precision),
            pct(t.recall)
        ),
        None => "no threshold reaches 90 % precision".into(),
    };
    let cm = &d.confusion_matrix;
    p.push(&format!(
        "<h2>A binary classifier: is it a {}?</h2><p>An SGD linear classifier (hinge loss), judged by 3-fold stratified cross-validation, against a baseline that always says \"not a {}\".</p>",
        detector.digit, detector.digit,
    ));
    p.table(&[
        ("positives", thousands(detector.n_positive)),
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
    ]);
    p.img("threshold.png", "Precision and recall versus the threshold")
}

fn forest_section(p: &mut Page<'_>, r: &Results) -> anyhow::Result<()> {
    let (d, f) = (&r.detector, &r.forest);
    p.push("<h2>SGD against a random forest</h2>");
    p.table(&[
        (
            "random forest (100 trees): precision / recall / F1",
            format!("{} / {} / {:.4}", pct(f.precision), pct(f.recall), f.f1),
        ),
        ("random forest ROC AUC", format!("{:.4}", f.roc_auc)),
        ("SGD ROC AUC", format!("{:.4}", d.summary.roc_auc)),
    ]);
    p.img("precision-recall.png", "Precision versus recall")?;
    p.img("roc.png", "ROC curves")?;
    p.img(
        "roc-folds.png",
        "SGD's ROC curve on each fold's held-out images, their mean and ±1 std",
    )?;
    p.img(
        "det.png",
        "Detection error tradeoff: false negatives against false positives",
    )?;
    p.img(
        "calibration.png",
        "Calibration of the forest's out-of-fold probabilities, before and after",
    )?;
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
    p.table(&losses);
    Ok(())
}

fn ten_classes_section(p: &mut Page<'_>, m: &Multiclass) -> anyhow::Result<()> {
    p.push("<h2>Ten classes</h2>");
    p.table(&[
        (
            "SVC (RBF, one-vs-one) test accuracy",
            format!(
                "{} (trained on {} images)",
                pct(m.svc_test_accuracy),
                thousands(m.svc_train_images)
            ),
        ),
        (
            "SVC one-vs-rest ROC AUC on the test images (micro, macro)",
            list(&m.svc_test_roc_auc),
        ),
        (
            "SGD accuracy per fold, raw pixels",
            list(&m.sgd_fold_accuracy),
        ),
        (
            "SGD accuracy per fold, standard-scaled",
            list(&m.scaled_sgd_fold_accuracy),
        ),
    ]);
    p.img(
        "roc-classes.png",
        "SVC's one-vs-rest ROC curve of each class on the test images, micro and macro averages",
    )?;
    p.img("folds.png", "Accuracy per fold, raw and scaled")?;
    p.push("<h2>Error analysis</h2>");
    p.img("confusion.png", "Confusion matrix")?;
    p.img("confusion-normalised.png", "Normalised by row")?;
    p.img("confusion-errors.png", "Errors only")?;
    p.img(
        "errors-3-5.png",
        &format!(
            "{}s and {}s, right and wrong",
            m.error_pair[0], m.error_pair[1]
        ),
    )
}

fn multi_section(p: &mut Page<'_>, r: &Results) -> anyhow::Result<()> {
    p.push(&format!(
        "<h2>Multilabel and multi-output</h2><p>k-NN on two labels per image ({}; {}), 3-fold out of fold: macro F1 {:.4}, weighted F1 {:.4}.</p><p>Denoising: k-NN predicts all pixels of a clean image from a noisy one (noise 0–99 added). RMSE over {} test images: noisy {:.2}, cleaned {:.2}.</p>",
        r.multilabel.labels[0],
        r.multilabel.labels[1],
        r.multilabel.f1_macro,
        r.multilabel.f1_weighted,
        r.denoising.test_images,
        r.denoising.rmse_noisy,
        r.denoising.rmse_denoised
    ));
    p.img("denoising.png", "Noisy, cleaned, clean")
}
