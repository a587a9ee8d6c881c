//! One model per target column.

use classify_core::{
    Classifier, Error, Estimator, Features, MultiOutputClassifier, MultiOutputEstimator, Result,
};
use ndarray::{Array2, ArrayView2};
use rayon::prelude::*;
use serde::{Deserialize, Serialize};

/// One model per target column, fitted in parallel (scikit-learn's
/// `MultiOutputClassifier`), for models without native multi-output support.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MultiOutput<E> {
    /// The model of each column.
    pub estimator: E,
}

impl<E> MultiOutput<E> {
    /// Wraps `estimator`.
    pub fn new(estimator: E) -> Self {
        MultiOutput { estimator }
    }
}

/// A fitted [`MultiOutput`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MultiOutputModel<M> {
    estimators: Vec<M>,
    n_features: usize,
}

impl<M> MultiOutputModel<M> {
    /// The model of each column.
    pub fn estimators(&self) -> &[M] {
        &self.estimators
    }
}

/// Checks a multi-output target against the features.
pub(crate) fn check_multi(x: Features<'_>, y: ArrayView2<'_, usize>) -> Result<()> {
    if x.n_samples() != y.nrows() {
        return Err(Error::LengthMismatch {
            rows: x.n_samples(),
            targets: y.nrows(),
        });
    }
    if y.ncols() == 0 {
        return Err(Error::Empty("no target columns"));
    }
    Ok(())
}

impl<E: Estimator> MultiOutputEstimator for MultiOutput<E> {
    type Model = MultiOutputModel<E::Model>;

    fn fit_multi(&self, x: Features<'_>, y: ArrayView2<'_, usize>) -> Result<Self::Model> {
        check_multi(x, y)?;
        let estimators = (0..y.ncols())
            .into_par_iter()
            .map(|j| self.estimator.fit(x, &y.column(j).to_vec()))
            .collect::<Result<_>>()?;
        Ok(MultiOutputModel {
            estimators,
            n_features: x.n_features(),
        })
    }
}

impl<M: Classifier> MultiOutputClassifier for MultiOutputModel<M> {
    fn n_outputs(&self) -> usize {
        self.estimators.len()
    }

    fn n_features(&self) -> usize {
        self.n_features
    }

    fn predict_multi(&self, x: Features<'_>) -> Result<Array2<usize>> {
        let columns = self
            .estimators
            .par_iter()
            .map(|e| e.predict(x))
            .collect::<Result<Vec<_>>>()?;
        Ok(Array2::from_shape_fn(
            (x.n_samples(), columns.len()),
            |(i, j)| columns[j][i],
        ))
    }
}
