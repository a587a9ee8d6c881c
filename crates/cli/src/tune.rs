//! `classify tune knn` (grid search for the best k-NN) and `classify augment` (the same
//! k-NN on a training set grown with shifted copies).

use classify_metrics::accuracy_score;
use classify_models::{Classifier, Estimator, KNeighborsClassifier, Weights};
use classify_selection::{grid_search, Candidate, Cv, Error, ParamGrid, Params, Scoring};
use serde::Serialize;

use crate::args::{Common, KnnWeights};
use crate::data::load;
use crate::output::{self, spinner, thousands};

#[derive(Serialize)]
struct TuneReport {
    dataset: String,
    search_images: usize,
    folds: usize,
    candidates: Vec<Candidate>,
    best_params: Params,
    best_score: f64,
    n_train: usize,
    n_test: usize,
    test_accuracy: f64,
    search_seconds: f64,
    refit_seconds: f64,
}

fn knn_from(p: &Params) -> classify_selection::Result<KNeighborsClassifier> {
    let k = p.int("n_neighbors")?;
    Ok(KNeighborsClassifier {
        n_neighbors: usize::try_from(k)
            .map_err(|_| Error::InvalidGrid(format!("n_neighbors = {k}")))?,
        weights: match p.text("weights")? {
            "uniform" => Weights::Uniform,
            "distance" => Weights::Distance,
            other => return Err(Error::InvalidGrid(format!("weights = {other}"))),
        },
        ..Default::default()
    })
}

pub fn tune_knn(common: &Common, search: usize, folds: usize) -> anyhow::Result<()> {
    let data = load(common)?;
    let (train, test) = (&data.train, &data.test);
    let n = search.min(train.n_samples());
    if n == 0 {
        anyhow::bail!("--search must be at least 1");
    }
    let sub = train.head(n);
    let y: Vec<usize> = sub.target.iter().map(|&l| usize::from(l)).collect();
    let grid = ParamGrid::new()
        .add("weights", ["uniform", "distance"])
        .add("n_neighbors", [3usize, 4, 5, 6]);
    let bar = spinner(
        common,
        &format!(
            "grid search: 8 candidates x {folds} folds on {} images",
            thousands(n)
        ),
    );
    let t = std::time::Instant::now();
    let result = grid_search(
        knn_from,
        &grid,
        (&sub.data).into(),
        &y,
        &Cv::Stratified(folds),
        Scoring::Accuracy,
        false,
    )?;
    let search_seconds = t.elapsed().as_secs_f64();
    bar.set_message(format!(
        "refit on {} images, scoring {} test images",
        thousands(train.n_samples()),
        thousands(test.n_samples())
    ));
    let t = std::time::Instant::now();
    let best = knn_from(result.best_params())?;
    let y_all: Vec<usize> = train.target.iter().map(|&l| usize::from(l)).collect();
    let model = best.fit((&train.data).into(), &y_all)?;
    let pred = model.predict((&test.data).into())?;
    let refit_seconds = t.elapsed().as_secs_f64();
    bar.finish_and_clear();
    let truth: Vec<usize> = test.target.iter().map(|&l| usize::from(l)).collect();
    let report = TuneReport {
        dataset: data.name.clone(),
        search_images: n,
        folds,
        best_params: result.best_params().clone(),
        best_score: result.best_score(),
        candidates: result.candidates,
        n_train: train.n_samples(),
        n_test: test.n_samples(),
        test_accuracy: accuracy_score(&truth, &pred, None)?,
        search_seconds,
        refit_seconds,
    };
    if common.json {
        return output::json(&report);
    }
    print_tune(&report);
    Ok(())
}

fn print_tune(r: &TuneReport) {
    println!(
        "grid search on {} of {}: {}-fold cross-validation ({:.1} s)",
        thousands(r.search_images),
        r.dataset,
        r.folds,
        r.search_seconds
    );
    for c in &r.candidates {
        println!(
            "  {:<32} mean {:.4}  std {:.4}  rank {}",
            c.params.to_string(),
            c.mean_score,
            c.std_score,
            c.rank
        );
    }
    println!(
        "best: {} (mean {:.4}); refitted on {} images: test accuracy {:.4} ({:.1} s)",
        r.best_params,
        r.best_score,
        thousands(r.n_train),
        r.test_accuracy,
        r.refit_seconds
    );
}

#[derive(Serialize)]
struct AugmentReport {
    dataset: String,
    k: usize,
    weights: &'static str,
    n_train: usize,
    n_augmented: usize,
    n_test: usize,
    test_accuracy: f64,
    test_accuracy_augmented: f64,
    error_rate: f64,
    error_rate_augmented: f64,
    error_rate_change: f64,
}

pub fn augment(common: &Common, k: usize, weights: KnnWeights) -> anyhow::Result<()> {
    let data = load(common)?;
    let (train, test) = (&data.train, &data.test);
    let params = weights.knn(k);
    let truth: Vec<usize> = test.target.iter().map(|&l| usize::from(l)).collect();
    let bar = spinner(
        common,
        &format!("k-NN on {} images", thousands(train.n_samples())),
    );
    let score = |x: &ndarray::Array2<u8>, y: &ndarray::Array1<u8>| -> anyhow::Result<f64> {
        let y: Vec<usize> = y.iter().map(|&l| usize::from(l)).collect();
        let pred = params.fit(x.into(), &y)?.predict((&test.data).into())?;
        Ok(accuracy_score(&truth, &pred, None)?)
    };
    let plain = score(&train.data, &train.target)?;
    bar.set_message("shifting every image one pixel left, right, up and down");
    let big = classify_datasets::augment::augment_with_shifts(
        train,
        &classify_datasets::augment::FOUR_SHIFTS,
        Some(common.seed),
    )?;
    let x5 = &big.data;
    bar.set_message(format!("k-NN on {} images", thousands(x5.nrows())));
    let augmented = score(&big.data, &big.target)?;
    bar.finish_and_clear();
    let report = AugmentReport {
        dataset: data.name.clone(),
        k,
        weights: weights.name(),
        n_train: train.n_samples(),
        n_augmented: x5.nrows(),
        n_test: truth.len(),
        test_accuracy: plain,
        test_accuracy_augmented: augmented,
        error_rate: 1.0 - plain,
        error_rate_augmented: 1.0 - augmented,
        error_rate_change: ((1.0 - augmented) - (1.0 - plain))
            / (1.0 - plain).max(f64::MIN_POSITIVE),
    };
    if common.json {
        return output::json(&report);
    }
    println!(
        "k-NN (k = {k}, {} weights) on {}: {} training images, then {} with four one-pixel shifts of each",
        report.weights,
        report.dataset,
        thousands(report.n_train),
        thousands(report.n_augmented)
    );
    println!(
        "test accuracy {:.4} -> {:.4}; error rate {:.2} % -> {:.2} % ({:+.1} %)",
        plain,
        augmented,
        report.error_rate * 100.0,
        report.error_rate_augmented * 100.0,
        report.error_rate_change * 100.0
    );
    Ok(())
}
