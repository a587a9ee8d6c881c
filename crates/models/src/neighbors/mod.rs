//! k-nearest neighbours with exact distances (scikit-learn's `KNeighborsClassifier`,
//! Euclidean metric): our blocked, pruned brute force, or linfa-nn's kd-tree and ball tree
//! for low-dimensional features, re-ranked exactly.

//!
//! The module, by responsibility: the parameters, the estimator and the result of a search
//! (here); the fitted model and its file shape (`model`); the training rows in the forms the
//! searches read (`storage`); the searches — brute force in blocks, pruned by the
//! projection bound (`projection`), linfa-nn's trees — and the top-k they keep (`search`);
//! multi-output models (`multi_output`).

use ndarray::Array2;
use rayon::prelude::*;
use serde::{Deserialize, Serialize};

mod model;
mod multi_output;
mod projection;
mod search;
mod storage;
mod streamed;
#[cfg(test)]
mod tests;

pub use model::KNeighbors;
pub use multi_output::KNeighborsMultiOutput;
pub use streamed::StreamedNeighbors;

use self::storage::Train;
use classify_core::{check_targets, encode, top_classes, with_valid, Classifier, Estimator};
use classify_core::{Error, Features, Result};

/// How neighbours vote.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Weights {
    /// One vote each.
    Uniform,
    /// Votes weighted by 1 / distance; a neighbour at distance 0 takes all the weight (with
    /// any others at distance 0), as in scikit-learn.
    Distance,
}

/// How neighbours are found (scikit-learn's `algorithm`). Every choice finds the same
/// neighbours and distances; only the time differs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Algorithm {
    /// The kd-tree for few features and many rows, brute force otherwise (the crossover,
    /// measured: [`Algorithm::resolve`]).
    #[default]
    Auto,
    /// Every training row against every query: blocked kernels, integer dots for `u8`, and
    /// on large sets tiles of rows skipped by proven bounds.
    Brute,
    /// linfa-nn's kd-tree (from the `kdtree` crate), its candidates re-ranked exactly.
    KdTree,
    /// linfa-nn's ball tree, its candidates re-ranked exactly.
    BallTree,
}

impl Algorithm {
    /// The search `Auto` stands for on `n` training rows of `d` features: the kd-tree when
    /// `d ≤ 4` and `n ≥ 1,000`, or `d ≤ 8` and `n ≥ 16,384`; brute force otherwise.
    ///
    /// Measured (`cargo bench --bench models -- knn_algorithm`: 1,000 queries, k = 5, uniform
    /// `f64` features, 2 cores, AVX-512, 2026-11-27), milliseconds for brute force / kd-tree /
    /// ball tree: n = 1,000: d = 2 3.0 / 1.5 / 2.0, d = 4 3.9 / 2.9 / 5.1, d = 8 4.2 / 10.5 /
    /// 14.1; n = 4,096: d = 4 11.0 / 4.4 / 8.6, d = 8 14.2 / 22.0 / 36.7, d = 16 15.7 / 119.7 /
    /// 88.2; n = 20,000: d = 4 50.8 / 12.2 / 20.8, d = 8 58.6 / 37.9 / 104.2, d = 16 64.7 /
    /// 528.1 / 690.2. The ball tree never beat the kd-tree, so `Auto` never picks it.
    pub fn resolve(self, n: usize, d: usize) -> Algorithm {
        let tree = (d <= 4 && n >= 1_000) || (d <= 8 && n >= 16_384);
        match self {
            Algorithm::Auto if tree => Algorithm::KdTree,
            Algorithm::Auto => Algorithm::Brute,
            other => other,
        }
    }
}

/// Parameters of k-NN; `Default` is scikit-learn's `KNeighborsClassifier()`: 5 neighbours,
/// uniform weights, `algorithm="auto"`.
///
/// Neighbours are exactly scikit-learn's brute force: for `u8` features squared distances
/// are computed in integers (no rounding at all), and equal distances are broken by the
/// lower training index. Float features use `f64` arithmetic on the differences; the trees'
/// candidates are re-ranked with that same arithmetic, so every [`Algorithm`] agrees.
///
/// ```
/// use classify_models::{Algorithm, Classifier, Estimator, KNeighborsClassifier};
/// use ndarray::array;
///
/// let x = array![[0.0, 0.0], [0.0, 1.0], [5.0, 5.0], [5.0, 6.0], [6.0, 5.0]];
/// let y = [0, 0, 1, 1, 1];
/// let knn = KNeighborsClassifier { n_neighbors: 3, ..Default::default() };
/// let brute = knn.fit((&x).into(), &y)?;
/// let tree = KNeighborsClassifier { algorithm: Algorithm::KdTree, ..knn }.fit((&x).into(), &y)?;
/// let q = array![[0.2, 0.1], [5.5, 5.5]];
/// assert_eq!(brute.predict((&q).into())?, vec![0, 1]);
/// assert_eq!(tree.kneighbors((&q).into(), 3)?, brute.kneighbors((&q).into(), 3)?);
/// // Through linfa, with labels of any type.
/// use linfa::prelude::{Dataset, Predict};
/// let data = Dataset::new(x, array![false, false, true, true, true]);
/// let model = linfa::traits::Fit::fit(&knn, &data)?;
/// assert_eq!(model.predict(&q).to_vec(), vec![false, true]);
/// # Ok::<(), classify_models::Error>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct KNeighborsClassifier {
    /// Number of neighbours that vote.
    pub n_neighbors: usize,
    /// How they vote.
    pub weights: Weights,
    /// How they are found (model files written before this field read as `Auto`).
    #[serde(default)]
    pub algorithm: Algorithm,
}

impl Default for KNeighborsClassifier {
    fn default() -> Self {
        KNeighborsClassifier {
            n_neighbors: 5,
            weights: Weights::Uniform,
            algorithm: Algorithm::Auto,
        }
    }
}

/// The nearest training rows of each query, nearest first.
#[derive(Debug, Clone, PartialEq)]
pub struct Neighbors {
    /// Euclidean distances, one row per query.
    pub distances: Array2<f64>,
    /// Training row indices, one row per query.
    pub indices: Array2<usize>,
}

impl Estimator for KNeighborsClassifier {
    type Model = KNeighbors;

    /// At least one neighbour (no more than the training rows: checked by `fit`).
    fn validate(&self) -> Result<()> {
        classify_core::param::at_least("n_neighbors", self.n_neighbors, 1)
    }

    fn fit(&self, x: Features<'_>, y: &[usize]) -> Result<KNeighbors> {
        Ok(Self::fit_all(std::slice::from_ref(self), x, y)?.remove(0))
    }

    /// One search over the rows for all the estimators (they differ only in how many
    /// neighbours vote and how).
    fn fit_rows_many(
        estimators: &[Self],
        x: Features<'_>,
        y: &[usize],
        rows: &[usize],
    ) -> Result<Vec<KNeighbors>> {
        check_targets(x.n_samples(), y.len())?;
        let sub = x.select(rows);
        let y_sub: Vec<usize> = rows.iter().map(|&r| y[r]).collect();
        Self::fit_all(estimators, sub.view(), &y_sub)
    }

    /// One search of the neighbours for the largest `n_neighbors` of `models` when they share
    /// their training rows (as [`fit_rows_many`](Estimator::fit_rows_many) fits them); each
    /// model votes among the first `n_neighbors` of them. These are its own neighbours: the
    /// search orders them by distance, then training index, so a shorter list is a prefix of
    /// a longer one. The book's grid search (8 candidates, 5 folds of 10,000 Fashion-MNIST
    /// images) took 0.96 s with a search per candidate and takes 0.31 s with one per fold.
    fn predict_many(models: &[KNeighbors], x: Features<'_>) -> Result<Vec<Vec<usize>>> {
        let Some(first) = models.first() else {
            return Ok(Vec::new());
        };
        let shared = models.iter().all(|m| {
            std::sync::Arc::ptr_eq(&m.train, &first.train)
                && m.params.algorithm == first.params.algorithm
        });
        if !shared {
            return models.par_iter().map(|m| m.predict(x)).collect();
        }
        let k = models
            .iter()
            .map(|m| m.params.n_neighbors)
            .max()
            .unwrap_or(1);
        let neighbors = first.kneighbors(x, k)?;
        Ok(models
            .iter()
            .map(|m| top_classes(&m.classes, &m.votes_among(&neighbors)))
            .collect())
    }
}

impl KNeighborsClassifier {
    /// Fits every estimator of `estimators` on `x`, `y`, sharing the prepared rows.
    fn fit_all(estimators: &[Self], x: Features<'_>, y: &[usize]) -> Result<Vec<KNeighbors>> {
        check_targets(x.n_samples(), y.len())?;
        if x.n_samples() == 0 {
            return Err(Error::Empty("no samples"));
        }
        for e in estimators {
            e.validate()?;
            if e.n_neighbors > x.n_samples() {
                return Err(Error::InvalidParameter(format!(
                    "n_neighbors = {} but only {} training samples",
                    e.n_neighbors,
                    x.n_samples()
                )));
            }
        }
        with_valid(x, |x| {
            let (classes, labels) = encode(y);
            let train = std::sync::Arc::new(Train::build(x));
            Ok(estimators
                .iter()
                .map(|e| KNeighbors {
                    params: *e,
                    classes: classes.clone(),
                    labels: labels.clone(),
                    train: std::sync::Arc::clone(&train),
                })
                .collect())
        })
    }
}

/// Each neighbour's vote, nearest first: 1, or the inverse distance (only the exact matches
/// when there are any, as scikit-learn).
fn vote_weights(weights: Weights, dist: ndarray::ArrayView1<'_, f64>) -> Vec<f64> {
    let exact = dist.iter().any(|&d| d == 0.0);
    dist.iter()
        .map(|&d| match weights {
            Weights::Uniform => 1.0,
            Weights::Distance if exact => f64::from(u8::from(d == 0.0)),
            Weights::Distance => 1.0 / d,
        })
        .collect()
}
