//! k-NN with several target columns (multilabel, or one output per pixel for denoising):
//! each column predicted by its own vote among the same neighbours.

use ndarray::Array2;
use rayon::prelude::*;
use serde::{Deserialize, Serialize};

use super::{vote_weights, KNeighbors, KNeighborsClassifier};
use classify_core::{check_targets, Classifier, Estimator};
use classify_core::{Error, Features, Result};

/// A fitted k-NN model with several target columns (multilabel, or multioutput such as one
/// output per pixel for denoising), as scikit-learn's `KNeighborsClassifier` fitted on a 2-D
/// target: each column is predicted by its own vote among the same neighbours.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(try_from = "MultiOutputFile")]
pub struct KNeighborsMultiOutput {
    /// The neighbour search (its labels are those of the first column).
    search: KNeighbors,
    /// Targets, one row per training sample.
    targets: Targets,
}

/// Targets in the narrowest integer type that holds them: denoising's 60,000 × 784 pixel
/// targets take 47 MB as `u8` instead of 376 MB as `usize` (and the copy into the model
/// costs page faults in proportion).
#[derive(Debug, Clone, PartialEq)]
pub(super) enum Targets {
    U8(Array2<u8>),
    U16(Array2<u16>),
    Wide(Array2<usize>),
}

impl Targets {
    /// In parallel: denoising's 47 million pixel targets were two passes on one core.
    pub(super) fn new<L: Copy + Into<usize> + Sync>(y: ndarray::ArrayView2<'_, L>) -> Targets {
        fn narrow<L: Copy + Sync, T: Copy + Send>(
            y: ndarray::ArrayView2<'_, L>,
            f: impl Fn(L) -> T + Sync + Send,
        ) -> Array2<T> {
            ndarray::Zip::from(y).par_map_collect(|&v| f(v))
        }
        let max = ndarray::Zip::from(y).par_fold(|| 0, |m, &v| m.max(v.into()), usize::max);
        match max {
            m if m <= usize::from(u8::MAX) => Targets::U8(narrow(y, |v| v.into() as u8)),
            m if m <= usize::from(u16::MAX) => Targets::U16(narrow(y, |v| v.into() as u16)),
            _ => Targets::Wide(narrow(y, Into::into)),
        }
    }

    #[inline]
    pub(super) fn get(&self, i: usize, j: usize) -> usize {
        match self {
            Targets::U8(a) => usize::from(a[[i, j]]),
            Targets::U16(a) => usize::from(a[[i, j]]),
            Targets::Wide(a) => a[[i, j]],
        }
    }

    pub(super) fn dim(&self) -> (usize, usize) {
        match self {
            Targets::U8(a) => a.dim(),
            Targets::U16(a) => a.dim(),
            Targets::Wide(a) => a.dim(),
        }
    }
}

/// What a multi-output model file holds.
#[derive(Serialize, Deserialize)]
pub(super) struct MultiOutputFile {
    search: KNeighbors,
    targets: Array2<usize>,
}

impl Serialize for KNeighborsMultiOutput {
    fn serialize<S: serde::Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        let (n, m) = self.targets.dim();
        MultiOutputFile {
            search: self.search.clone(),
            targets: Array2::from_shape_fn((n, m), |(i, j)| self.targets.get(i, j)),
        }
        .serialize(s)
    }
}

impl TryFrom<MultiOutputFile> for KNeighborsMultiOutput {
    type Error = Error;

    fn try_from(f: MultiOutputFile) -> Result<KNeighborsMultiOutput> {
        if f.targets.nrows() != f.search.n_train() || f.targets.ncols() == 0 {
            return Err(Error::InvalidParameter(format!(
                "k-NN model file: {} target rows of {} columns for {} training rows",
                f.targets.nrows(),
                f.targets.ncols(),
                f.search.n_train()
            )));
        }
        Ok(KNeighborsMultiOutput {
            targets: Targets::new(f.targets.view()),
            search: f.search,
        })
    }
}

impl KNeighborsClassifier {
    /// Fits on a 2-D target: one row per sample, one column per output, of any unsigned
    /// integer type (pixels as `u8` for denoising need no wider copy).
    ///
    /// ```
    /// use classify_models::KNeighborsClassifier;
    /// use ndarray::array;
    ///
    /// let x = array![[0u8, 0], [0, 10], [10, 0], [10, 10]];
    /// let y = array![[0u8, 1], [0, 1], [1, 0], [1, 0]];
    /// let model = KNeighborsClassifier { n_neighbors: 1, ..Default::default() }
    ///     .fit_multioutput((&x).into(), y.view())
    ///     .unwrap();
    /// assert_eq!(model.predict((&array![[9u8, 1]]).into()).unwrap(), array![[1usize, 0]]);
    /// ```
    pub fn fit_multioutput<L: Copy + Into<usize> + Sync>(
        &self,
        x: Features<'_>,
        y: ndarray::ArrayView2<'_, L>,
    ) -> Result<KNeighborsMultiOutput> {
        if y.ncols() == 0 {
            return Err(Error::Empty("no target columns"));
        }
        check_targets(x.n_samples(), y.nrows())?;
        let first: Vec<usize> = y.column(0).iter().map(|&v| v.into()).collect();
        Ok(KNeighborsMultiOutput {
            search: self.fit(x, &first)?,
            targets: Targets::new(y),
        })
    }
}

impl KNeighborsMultiOutput {
    /// Number of target columns.
    pub fn n_outputs(&self) -> usize {
        self.targets.dim().1
    }

    /// The neighbour search (for [`KNeighbors::kneighbors`]).
    pub fn search(&self) -> &KNeighbors {
        &self.search
    }

    /// Each column's (weighted) most frequent value among the neighbours; the smallest value
    /// on a tie, as scikit-learn.
    pub fn predict(&self, x: Features<'_>) -> Result<Array2<usize>> {
        let params = self.search.params;
        let nb = self.search.kneighbors(x, params.n_neighbors)?;
        let m = self.targets.dim().1;
        let mut out = Array2::<usize>::zeros((nb.indices.nrows(), m));
        out.axis_iter_mut(ndarray::Axis(0))
            .into_par_iter()
            .zip(nb.indices.axis_iter(ndarray::Axis(0)))
            .zip(nb.distances.axis_iter(ndarray::Axis(0)))
            .for_each(|((mut o, idx), dist)| {
                let weights = vote_weights(params.weights, dist);
                let mut votes: Vec<(usize, f64)> = Vec::with_capacity(idx.len());
                for j in 0..m {
                    votes.clear();
                    for (&i, &w) in idx.iter().zip(&weights) {
                        let v = self.targets.get(i, j);
                        match votes.iter_mut().find(|(value, _)| *value == v) {
                            Some((_, total)) => *total += w,
                            None => votes.push((v, w)),
                        }
                    }
                    let mut best = votes[0];
                    for &(v, w) in &votes[1..] {
                        if w > best.1 || (w == best.1 && v < best.0) {
                            best = (v, w);
                        }
                    }
                    o[j] = best.0;
                }
            });
        Ok(out)
    }
}

impl KNeighborsMultiOutput {
    /// Each column's vote shares among the neighbours (weighted as [`predict`](Self::predict)
    /// weighs them): one array per target column, one row per sample and one column per
    /// value `0..=v` where `v` is the column's largest training value (scikit-learn's
    /// `predict_proba` for 2-D targets, on values encoded as positions in `classes_`).
    pub fn predict_proba(&self, x: Features<'_>) -> Result<Vec<Array2<f64>>> {
        let params = self.search.params;
        let nb = self.search.kneighbors(x, params.n_neighbors)?;
        let (n_train, m) = self.targets.dim();
        let widths: Vec<usize> = (0..m)
            .map(|j| {
                (0..n_train)
                    .map(|i| self.targets.get(i, j))
                    .max()
                    .unwrap_or(0)
                    + 1
            })
            .collect();
        let mut out: Vec<Array2<f64>> = widths
            .iter()
            .map(|&w| Array2::zeros((nb.indices.nrows(), w)))
            .collect();
        for (r, (idx, dist)) in nb
            .indices
            .axis_iter(ndarray::Axis(0))
            .zip(nb.distances.axis_iter(ndarray::Axis(0)))
            .enumerate()
        {
            let weights = vote_weights(params.weights, dist);
            let total: f64 = weights.iter().sum();
            let total = if total == 0.0 { 1.0 } else { total };
            for (j, shares) in out.iter_mut().enumerate() {
                for (&i, &w) in idx.iter().zip(&weights) {
                    shares[[r, self.targets.get(i, j)]] += w;
                }
                shares.row_mut(r).mapv_inplace(|v| v / total);
            }
        }
        Ok(out)
    }
}

impl crate::MultiOutputEstimator for KNeighborsClassifier {
    type Model = KNeighborsMultiOutput;

    fn fit_multi(
        &self,
        x: Features<'_>,
        y: ndarray::ArrayView2<'_, usize>,
    ) -> Result<KNeighborsMultiOutput> {
        self.fit_multioutput(x, y)
    }
}

impl crate::MultiOutputClassifier for KNeighborsMultiOutput {
    fn n_outputs(&self) -> usize {
        KNeighborsMultiOutput::n_outputs(self)
    }

    fn n_features(&self) -> usize {
        self.search.n_features()
    }

    fn predict_multi(&self, x: Features<'_>) -> Result<Array2<usize>> {
        self.predict(x)
    }
}
