//! The linfa column of `cargo xtask bench`: each step that linfa has a model for, done with
//! linfa's own crates on the same IDX files as `classify` and scikit-learn, timed once.
//!
//! `linfa-bench --data DIR STEP...` prints one JSON object on stdout, keyed by step, with
//! `median_s` (one run), the accuracies the other two sides report for that step, and `note`
//! saying where linfa's model differs from scikit-learn's. Steps linfa has no model for are
//! left out (linfa has no one-vs-one SVC, no multi-output k-NN, no SGD). Records are `f64` (what linfa's estimators take); loading and conversion are not
//! timed. Where linfa fits one model at a time (folds, one-vs-rest detectors, queries), this
//! program runs them in parallel with rayon, as a user with two cores would.
//!
//! Run through `cargo xtask bench`, which passes the same data directory as to the other sides.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::time::Instant;

use anyhow::{bail, Context};
use classify_selection::{Split, StratifiedKFold};
use linfa::prelude::*;
use linfa_nn::{distance::L2Dist, CommonNearestNeighbour, NearestNeighbour};
use ndarray::{Array1, Array2, ArrayView2, Axis};
use rand_chacha::rand_core::SeedableRng;
use rayon::prelude::*;
use serde_json::{json, Value};

/// Training and test images as `f64` rows, with their labels.
struct Data {
    x: Array2<f64>,
    y: Vec<usize>,
    xt: Array2<f64>,
    yt: Vec<usize>,
}

fn read_images(path: &Path) -> anyhow::Result<Array2<f64>> {
    let a = classify_datasets::idx::read_idx_file(path)?;
    let n = a.dims.first().copied().unwrap_or(0);
    let d = a.dims[1..].iter().product();
    Ok(Array2::from_shape_vec((n, d), a.data)?.mapv(f64::from))
}

fn read_labels(path: &Path) -> anyhow::Result<Vec<usize>> {
    Ok(classify_datasets::idx::read_idx_file(path)?
        .data
        .into_iter()
        .map(usize::from)
        .collect())
}

impl Data {
    fn load(dir: &Path) -> anyhow::Result<Data> {
        let x = read_images(&dir.join("train-images-idx3-ubyte.gz"))?;
        let xt = read_images(&dir.join("t10k-images-idx3-ubyte.gz"))?;
        let mut y = read_labels(&dir.join("train-labels-idx1-ubyte.gz"))?;
        let mut yt = read_labels(&dir.join("t10k-labels-idx1-ubyte.gz"))?;
        y.truncate(x.nrows());
        yt.truncate(xt.nrows());
        if y.len() != x.nrows() || yt.len() != xt.nrows() {
            bail!("{}: fewer labels than images", dir.display());
        }
        Ok(Data { x, y, xt, yt })
    }
}

fn accuracy(truth: &[usize], pred: &[usize]) -> f64 {
    let right = truth.iter().zip(pred).filter(|(a, b)| a == b).count();
    right as f64 / truth.len().max(1) as f64
}

/// The most frequent label, the smallest on ties (scikit-learn's `mode`).
fn vote(labels: impl Iterator<Item = usize>) -> usize {
    let mut counts = BTreeMap::new();
    for l in labels {
        *counts.entry(l).or_insert(0usize) += 1;
    }
    let top = counts.values().copied().max().unwrap_or(0);
    counts
        .into_iter()
        .find(|&(_, c)| c == top)
        .map_or(0, |(l, _)| l)
}

/// `KNeighborsClassifier(5)`: linfa-nn's exact linear search over the training images (its
/// k-d and ball trees are slower in 784 dimensions), uniform vote.
fn knn_predict(d: &Data) -> anyhow::Result<Value> {
    let start = Instant::now();
    let index = CommonNearestNeighbour::LinearSearch
        .from_batch(&d.x, L2Dist)
        .context("linfa-nn index")?;
    let pred: Vec<usize> =
        d.xt.axis_iter(Axis(0))
            .into_par_iter()
            .map(|q| {
                let near = index.k_nearest(q, 5).expect("k within the training set");
                vote(near.iter().map(|&(_, i)| d.y[i]))
            })
            .collect();
    Ok(json!({
        "median_s": start.elapsed().as_secs_f64(),
        "test_accuracy": accuracy(&d.yt, &pred),
        "note": "linfa-nn LinearSearch (f64) + a uniform vote; queries in parallel",
    }))
}

/// scikit-learn's `gamma="scale"`: `1 / (n_features × var(x))`.
fn gamma_scale(x: ArrayView2<'_, f64>) -> f64 {
    let var = x.var(0.0);
    if var > 0.0 {
        1.0 / (x.ncols() as f64 * var)
    } else {
        1.0
    }
}

/// One-vs-rest RBF SVMs (`C = 1`, `gamma = "scale"`): linfa-svm is binary, so one detector
/// per class, in parallel; the class with the largest decision value wins.
fn ovr_svm(x: ArrayView2<'_, f64>, y: &[usize], test: ArrayView2<'_, f64>) -> Vec<usize> {
    let gamma = gamma_scale(x);
    let mut classes = y.to_vec();
    classes.sort_unstable();
    classes.dedup();
    let decisions: Vec<Vec<f64>> = classes
        .par_iter()
        .map(|&c| {
            let target: Array1<bool> = y.iter().map(|&l| l == c).collect();
            let model = linfa_svm::Svm::<f64, bool>::params()
                .gaussian_kernel(1.0 / gamma)
                .pos_neg_weights(1.0, 1.0)
                .eps(1e-3)
                .fit(&DatasetBase::new(x.to_owned(), target))
                .expect("linfa-svm fit");
            test.rows()
                .into_iter()
                .map(|r| model.weighted_sum(&r) - model.rho)
                .collect()
        })
        .collect();
    (0..test.nrows())
        .map(|i| {
            let best = (0..classes.len())
                .max_by(|&a, &b| decisions[a][i].total_cmp(&decisions[b][i]))
                .unwrap_or(0);
            classes[best]
        })
        .collect()
}

/// `OneVsRestClassifier(SVC())` on the first 2,000 images: 3-fold CV, then a fit on all 2,000
/// and the test set (what `classify multiclass --model svc --strategy ovr --train 2000` does).
fn svc_ovr_2000(d: &Data) -> anyhow::Result<Value> {
    let n = 2000.min(d.x.nrows());
    let (x, y) = (d.x.slice(ndarray::s![..n, ..]), &d.y[..n]);
    let splits = StratifiedKFold::new(3).split(y)?;
    let start = Instant::now();
    let fold_accuracy: Vec<f64> = splits
        .iter()
        .map(|s| {
            let pred = ovr_svm(
                x.select(Axis(0), &s.train).view(),
                &pick(y, &s.train),
                x.select(Axis(0), &s.test).view(),
            );
            accuracy(&pick(y, &s.test), &pred)
        })
        .collect();
    let pred = ovr_svm(x, y, d.xt.view());
    Ok(json!({
        "median_s": start.elapsed().as_secs_f64(),
        "fold_accuracy": fold_accuracy,
        "test_accuracy": accuracy(&d.yt, &pred),
        "note": "linfa-svm, one binary RBF SVM per class (C = 1, gamma = scale), detectors in parallel",
    }))
}

fn pick<T: Copy>(v: &[T], rows: &[usize]) -> Vec<T> {
    rows.iter().map(|&r| v[r]).collect()
}

/// 100 trees on one fold; returns the fraction of trees voting "5" for each test row.
fn forest_votes(x: ArrayView2<'_, f64>, y: &[usize], test: ArrayView2<'_, f64>) -> Vec<f64> {
    let sqrt = (x.ncols() as f64).sqrt().floor();
    let forest = linfa_ensemble::RandomForestParams::new_fixed_rng(
        linfa_trees::DecisionTree::params(),
        rand_chacha_rng(),
    )
    .ensemble_size(100)
    .bootstrap_proportion(1.0)
    .feature_proportion(sqrt / x.ncols() as f64)
    .fit(&DatasetBase::new(x.to_owned(), Array1::from(y.to_vec())))
    .expect("linfa-ensemble fit");
    let mut votes = vec![0.0; test.nrows()];
    for (tree, features) in forest.models.iter().zip(&forest.model_features) {
        let pred: Array1<usize> = tree.predict(&test.select(Axis(1), features));
        for (v, &p) in votes.iter_mut().zip(&pred) {
            *v += p as f64;
        }
    }
    let n = forest.models.len().max(1) as f64;
    votes.iter().map(|v| v / n).collect()
}

fn rand_chacha_rng() -> rand_chacha::ChaCha8Rng {
    rand_chacha::ChaCha8Rng::seed_from_u64(42)
}

/// `cross_val_predict(RandomForestClassifier(), x, y == 5, cv=3)`: linfa-ensemble's random
/// forest of 100 linfa-trees, bootstrap of every row; folds in parallel. linfa draws
/// √n_features features once per tree (scikit-learn draws them at every split) and votes by
/// majority: the ROC AUC uses the fraction of trees voting "5".
fn forest_cv(d: &Data) -> anyhow::Result<Value> {
    let y5: Vec<usize> = d.y.iter().map(|&l| usize::from(l == 5)).collect();
    let splits: Vec<Split> = StratifiedKFold::new(3).split(&y5)?;
    let start = Instant::now();
    let per_fold: Vec<Vec<f64>> = splits
        .par_iter()
        .map(|s| {
            forest_votes(
                d.x.select(Axis(0), &s.train).view(),
                &pick(&y5, &s.train),
                d.x.select(Axis(0), &s.test).view(),
            )
        })
        .collect();
    let secs = start.elapsed().as_secs_f64();
    let mut scores = vec![0.0; y5.len()];
    let mut fold_accuracy = Vec::new();
    for (s, votes) in splits.iter().zip(&per_fold) {
        for (&r, &v) in s.test.iter().zip(votes) {
            scores[r] = v;
        }
        let pred: Vec<usize> = votes.iter().map(|&v| usize::from(v > 0.5)).collect();
        fold_accuracy.push(accuracy(&pick(&y5, &s.test), &pred));
    }
    Ok(json!({
        "median_s": secs,
        "fold_accuracy": fold_accuracy,
        "roc_auc": classify_metrics::roc_auc_score(&y5, &scores, None)?,
        "note": "linfa-ensemble RandomForest (100 linfa-trees, features drawn once per tree, majority vote); folds in parallel",
    }))
}

/// `make_pipeline(StandardScaler(), LogisticRegression())` fit on every training image, then
/// the test set: linfa-logistic's multinomial model (`alpha = 1 / C = 1`, 100 L-BFGS
/// iterations at most, gradient tolerance 1e-4) on features standardised here (timed).
fn logistic_train(d: &Data) -> anyhow::Result<Value> {
    let start = Instant::now();
    let mean = d.x.mean_axis(Axis(0)).context("no rows")?;
    let std =
        d.x.std_axis(Axis(0), 0.0)
            .mapv(|s| if s > 0.0 { s } else { 1.0 });
    let scale = |x: &Array2<f64>| (x - &mean) / &std;
    let model = linfa_logistic::MultiLogisticRegression::default()
        .alpha(1.0)
        .max_iterations(100)
        .gradient_tolerance(1e-4)
        .fit(&DatasetBase::new(scale(&d.x), Array1::from(d.y.clone())))
        .context("linfa-logistic fit")?;
    let pred: Array1<usize> = model.predict(&scale(&d.xt));
    Ok(json!({
        "median_s": start.elapsed().as_secs_f64(),
        "test_accuracy": accuracy(&d.yt, pred.as_slice().unwrap_or(&[])),
        "note": "linfa-logistic MultiLogisticRegression (alpha 1, 100 iterations, tolerance 1e-4) after standard scaling",
    }))
}

type StepFn = fn(&Data) -> anyhow::Result<Value>;

/// The steps linfa has a model for, by the names `cargo xtask bench` uses.
const STEPS: &[(&str, StepFn)] = &[
    ("knn-predict", knn_predict),
    ("svc-ovr-2000", svc_ovr_2000),
    ("forest-cv", forest_cv),
    ("logistic-train", logistic_train),
];

fn main() -> anyhow::Result<()> {
    let mut args = std::env::args().skip(1);
    let mut data: Option<PathBuf> = None;
    let mut steps = Vec::new();
    while let Some(a) = args.next() {
        match a.as_str() {
            "--data" => data = Some(args.next().context("--data needs a directory")?.into()),
            "--list" => {
                for (name, _) in STEPS {
                    println!("{name}");
                }
                return Ok(());
            }
            s if s.starts_with('-') => bail!("unknown option {s}"),
            s => steps.push(s.to_string()),
        }
    }
    let data = Data::load(&data.context("--data DIR is required")?)?;
    let mut out = serde_json::Map::new();
    for name in &steps {
        // Steps without a linfa model are skipped: the column shows "—" for them.
        if let Some((_, run)) = STEPS.iter().find(|(n, _)| n == name) {
            eprintln!("linfa: {name}");
            out.insert(name.clone(), run(&data)?);
        }
    }
    println!("{}", serde_json::to_string_pretty(&Value::Object(out))?);
    Ok(())
}
