//! Tuning k-NN: a grid search for the best k-NN (`classify tune knn`), refitted and scored on
//! the test images.

use classify_datasets::TrainTest;
use classify_metrics::accuracy_score;
use classify_models::{Classifier, Estimator, KNeighborsClassifier, Weights};
use classify_selection::{grid_search, Candidate, Cv, ParamGrid, Params, Scoring};
use serde::Serialize;

use crate::{thousands, Error, Progress, Result};

/// What the grid search is asked for.
#[derive(Debug, Clone, Copy)]
pub struct TuneOptions {
    /// Search on the first `search` training images (the refit uses all of them).
    pub search: usize,
    /// Stratified folds.
    pub folds: usize,
}

/// The grid search's numbers (`classify tune knn --json`).
#[derive(Debug, Serialize)]
pub struct Tuned {
    /// The dataset's name.
    pub dataset: String,
    /// Images searched on.
    pub search_images: usize,
    /// Folds.
    pub folds: usize,
    /// Every candidate's scores and rank.
    pub candidates: Vec<Candidate>,
    /// The best candidate's parameters.
    pub best_params: Params,
    /// Its mean score.
    pub best_score: f64,
    /// Training images of the refit.
    pub n_train: usize,
    /// Test images.
    pub n_test: usize,
    /// The refitted best model's test accuracy.
    pub test_accuracy: f64,
    /// Seconds the search took.
    pub search_seconds: f64,
    /// Seconds the refit and the test predictions took.
    pub refit_seconds: f64,
}

fn knn_from(p: &Params) -> classify_selection::Result<KNeighborsClassifier> {
    use classify_selection::Error;
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

/// The book's grid search of k-NN (`GridSearchCV` over weights in {uniform, distance} ×
/// n_neighbors in {3, 4, 5, 6}, accuracy on stratified folds of the first `search` training
/// images), then the best refitted on every training image and measured on the test images.
///
/// ```
/// use classify_workflow::{tune_knn, TuneOptions};
///
/// let data = classify_datasets::mnist_sample()?;
/// let tuned = tune_knn(&data, &TuneOptions { search: 500, folds: 3 }, &())?;
/// assert_eq!(tuned.candidates.len(), 8);
/// assert!(tuned.test_accuracy > 0.9);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn tune_knn(data: &TrainTest, opts: &TuneOptions, progress: &dyn Progress) -> Result<Tuned> {
    let (train, test) = (&data.train, &data.test);
    let (n, folds) = (opts.search.min(train.n_samples()), opts.folds);
    if n == 0 {
        return Err(Error::option("search", opts.search, "must be at least 1"));
    }
    let sub = train.head(n);
    let y: Vec<usize> = sub.labels();
    let grid = ParamGrid::new()
        .add("weights", ["uniform", "distance"])
        .add("n_neighbors", [3usize, 4, 5, 6]);
    progress.step(&format!(
        "grid search: 8 candidates x {folds} folds on {} images",
        thousands(n)
    ));
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
    progress.step(&format!(
        "refit on {} images, scoring {} test images",
        thousands(train.n_samples()),
        thousands(test.n_samples())
    ));
    let t = std::time::Instant::now();
    let best = knn_from(result.best_params())?;
    let y_all: Vec<usize> = train.labels();
    let model = best.fit((&train.data).into(), &y_all)?;
    let pred = model.predict((&test.data).into())?;
    let refit_seconds = t.elapsed().as_secs_f64();
    let truth: Vec<usize> = test.labels();
    Ok(Tuned {
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
    })
}
