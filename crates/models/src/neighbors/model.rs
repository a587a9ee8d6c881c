//! The fitted k-NN classifier: the training set in the search's form, its labels, and what a
//! model file holds of it (checked before the search is built on it).

use ndarray::Array2;
use rayon::prelude::*;
use serde::{Deserialize, Serialize};

use super::projection::Projected;
use super::search::{key_to_distance, nearest_block, nearest_in_tree, Scratch, QUERY_BLOCK};
use super::storage::{Train, TrainRows};
use super::{Algorithm, KNeighborsClassifier, Neighbors};
use classify_core::{check_features, top_classes, with_valid, Classifier, PredictProba};
use classify_core::{Element, Error, Features, Result};

/// A fitted k-NN classifier: the training set itself.
///
/// Model files hold the rows in their original order; in memory they are
/// kept once, in the form the search reads.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(try_from = "KNeighborsFile")]
pub struct KNeighbors {
    pub(super) params: KNeighborsClassifier,
    pub(super) classes: Vec<usize>,
    /// Class index of each training row.
    pub(super) labels: Vec<usize>,
    /// The rows as the search reads them (shared by the models a grid search fits on one
    /// fold).
    pub(super) train: std::sync::Arc<Train>,
}

/// What a model file holds.
#[derive(Serialize, Deserialize)]
pub(super) struct KNeighborsFile {
    params: KNeighborsClassifier,
    classes: Vec<usize>,
    labels: Vec<usize>,
    rows: TrainRows,
}

impl Serialize for KNeighbors {
    fn serialize<S: serde::Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        KNeighborsFile {
            params: self.params,
            classes: self.classes.clone(),
            labels: self.labels.clone(),
            rows: self.train.rows(),
        }
        .serialize(s)
    }
}

impl TryFrom<KNeighborsFile> for KNeighbors {
    type Error = Error;

    /// Checks what a (possibly edited) file says before building the search on it.
    fn try_from(f: KNeighborsFile) -> Result<KNeighbors> {
        let n = f.labels.len();
        let (len, d) = match &f.rows {
            TrainRows::U8 { data, n_features } => (data.len(), *n_features),
            TrainRows::F32 { data, n_features } => (data.len(), *n_features),
            TrainRows::F64 { data, n_features } => (data.len(), *n_features),
        };
        let bad = |why: String| Err(Error::InvalidParameter(format!("k-NN model file: {why}")));
        if d == 0 || n == 0 || len != n * d {
            return bad(format!("{len} values for {n} rows of {d} features"));
        }
        if f.labels.iter().any(|&l| l >= f.classes.len()) {
            return bad(format!(
                "a label is not one of the {} classes",
                f.classes.len()
            ));
        }
        if f.params.n_neighbors == 0 || f.params.n_neighbors > n {
            return bad(format!(
                "n_neighbors = {} with {n} training rows",
                f.params.n_neighbors
            ));
        }
        let train = match &f.rows {
            TrainRows::U8 { data, .. } => Train::build(Features::U8(
                ndarray::ArrayView2::from_shape((n, d), data).expect("checked: n × d values"),
            )),
            TrainRows::F32 { data, .. } => {
                if data.iter().any(|v| !v.is_finite()) {
                    return bad("a feature is NaN or infinite".into());
                }
                Train::build(Features::F32(
                    ndarray::ArrayView2::from_shape((n, d), data).expect("checked: n × d values"),
                ))
            }
            TrainRows::F64 { data, .. } => {
                if data.iter().any(|v| !v.is_finite()) {
                    return bad("a feature is NaN or infinite".into());
                }
                Train::build(Features::F64(
                    ndarray::ArrayView2::from_shape((n, d), data).expect("checked: n × d values"),
                ))
            }
        };
        Ok(KNeighbors {
            params: f.params,
            classes: f.classes,
            labels: f.labels,
            train: std::sync::Arc::new(train),
        })
    }
}

impl KNeighbors {
    /// The parameters it was fitted with.
    pub fn params(&self) -> &KNeighborsClassifier {
        &self.params
    }

    /// The queries projected for the bound (when the training set has one), and the order
    /// in which to search them: queries that fall in nearby tiles one after the other, so
    /// that they read the same training rows while those are in cache.
    pub(super) fn plan(train: &Train, x: Features<'_>) -> (Option<Projected>, Vec<usize>) {
        let n = x.n_samples();
        let all: Vec<usize> = (0..n).collect();
        let bound = match train {
            Train::U8 {
                pruned: Some(p), ..
            } => &p.bound,
            Train::F32 { bound: Some(b), .. } => b,
            Train::I16(s) => &s.bound,
            _ => return (None, all),
        };
        let projected = match x {
            Features::U8(a) => bound.project(a),
            Features::F32(a) => bound.project(a),
            // Searched by brute force (`nearest_block`): the bound is proven for `f32` only.
            Features::F64(_) => return (None, all),
        };
        let mut keyed: Vec<(usize, usize)> = projected
            .coords
            .rows()
            .into_iter()
            .map(|r| bound.leaf(r.as_slice().expect("standard layout")))
            .zip(all)
            .collect();
        keyed.sort_unstable();
        (Some(projected), keyed.into_iter().map(|(_, q)| q).collect())
    }

    pub(super) fn n_train(&self) -> usize {
        self.labels.len()
    }

    /// The `k` nearest other training rows of each training row (scikit-learn's
    /// `kneighbors()` without a query): the search over the training rows for `k + 1`, each
    /// row itself dropped — or, where more than `k` rows share its place, the first of them.
    pub fn kneighbors_of_training(&self, k: usize) -> Result<Neighbors> {
        let rows = self.train.rows();
        let found = match &rows {
            TrainRows::U8 { data, n_features } => self.kneighbors_in(data, *n_features, k)?,
            TrainRows::F32 { data, n_features } => self.kneighbors_in(data, *n_features, k)?,
            TrainRows::F64 { data, n_features } => self.kneighbors_in(data, *n_features, k)?,
        };
        let n = found.indices.nrows();
        let mut distances = Array2::zeros((n, k));
        let mut indices = Array2::zeros((n, k));
        for i in 0..n {
            let row = found.indices.row(i);
            let skip = row.iter().position(|&t| t == i).unwrap_or(0);
            let kept = (0..=k).filter(|&c| c != skip);
            for (c, from) in kept.enumerate() {
                indices[[i, c]] = row[from];
                distances[[i, c]] = found.distances[[i, from]];
            }
        }
        Ok(Neighbors { distances, indices })
    }

    fn kneighbors_in<T: Element>(&self, data: &[T], d: usize, k: usize) -> Result<Neighbors> {
        let view = ndarray::ArrayView2::from_shape((data.len() / d.max(1), d), data)
            .map_err(|e| Error::InvalidParameter(e.to_string()))?;
        self.kneighbors(T::features(view), k + 1)
    }

    /// The `k` nearest training rows of each query (scikit-learn's `kneighbors`).
    pub fn kneighbors(&self, x: Features<'_>, k: usize) -> Result<Neighbors> {
        check_features(&x, self.n_features())?;
        if k == 0 || k > self.n_train() {
            return Err(Error::InvalidParameter(format!(
                "k = {k} must be between 1 and the {} training samples",
                self.n_train()
            )));
        }
        let train = &self.train;
        with_valid(x, |x| {
            // `f64` queries that are all `f32` numbers are those numbers: the `f32` search,
            // pruned, gives exactly the neighbours and distances an `f64` search would.
            let narrow = match (train.as_ref(), x) {
                (Train::F64 { .. }, _) => None,
                (_, Features::F64(_)) => x.f64_as_exact_f32(),
                _ => None,
            };
            let x = match &narrow {
                Some(a) => a.into(),
                None => x.reborrow(),
            };
            let n = x.n_samples();
            let algorithm = self
                .params
                .algorithm
                .resolve(self.n_train(), self.n_features());
            if algorithm != Algorithm::Brute {
                return nearest_in_tree(algorithm, train, x, k);
            }
            let integer_keys = matches!((train.as_ref(), x), (Train::U8 { .. }, Features::U8(_)));
            let (projected, order) = Self::plan(train, x);
            let blocks: Vec<Vec<(Vec<u64>, Vec<usize>)>> = order
                .par_chunks(QUERY_BLOCK)
                .map_init(Scratch::default, |scratch, queries| {
                    nearest_block(train, x, projected.as_ref(), queries, k, scratch)
                })
                .collect();
            let mut distances = Array2::<f64>::zeros((n, k));
            let mut indices = Array2::<usize>::zeros((n, k));
            for (&i, (keys, idx)) in order.iter().zip(blocks.into_iter().flatten()) {
                for j in 0..k {
                    distances[[i, j]] = key_to_distance(integer_keys, keys[j]);
                    indices[[i, j]] = idx[j];
                }
            }
            Ok(Neighbors { distances, indices })
        })
    }

    /// Per-class vote weights of each query's neighbours.
    pub(super) fn votes(&self, x: Features<'_>) -> Result<Array2<f64>> {
        Ok(self.votes_among(&self.kneighbors(x, self.params.n_neighbors)?))
    }

    /// Per-class vote weights of the first `n_neighbors` of each query's `neighbors` (at
    /// least that many, nearest first).
    pub(super) fn votes_among(&self, neighbors: &Neighbors) -> Array2<f64> {
        let k = self.params.n_neighbors;
        let mut out = Array2::<f64>::zeros((neighbors.indices.nrows(), self.classes.len()));
        for ((mut o, idx), dist) in out
            .rows_mut()
            .into_iter()
            .zip(neighbors.indices.rows())
            .zip(neighbors.distances.rows())
        {
            let near = dist.slice(ndarray::s![..k]);
            for (&i, w) in idx
                .iter()
                .zip(super::vote_weights(self.params.weights, near))
            {
                o[self.labels[i]] += w;
            }
        }
        out
    }
}

impl Classifier for KNeighbors {
    fn classes(&self) -> &[usize] {
        &self.classes
    }

    fn n_features(&self) -> usize {
        self.train.n_features()
    }

    /// The class with the most (weighted) votes; the smallest class on a tie.
    fn predict(&self, x: Features<'_>) -> Result<Vec<usize>> {
        Ok(top_classes(&self.classes, &self.votes(x)?))
    }
}

impl PredictProba for KNeighbors {
    /// The (weighted) vote share of each class.
    fn predict_proba(&self, x: Features<'_>) -> Result<Array2<f64>> {
        let mut votes = self.votes(x)?;
        for mut r in votes.rows_mut() {
            let s: f64 = r.sum();
            let s = if s == 0.0 { 1.0 } else { s };
            r.mapv_inplace(|v| v / s);
        }
        Ok(votes)
    }
}
