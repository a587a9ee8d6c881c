//! One model per target column.

use classify_core::{
    Classifier, Error, Estimator, Features, MultiOutputClassifier, MultiOutputEstimator, Result,
};
use ndarray::{Array2, ArrayView2};
use rayon::prelude::*;
use serde::{Deserialize, Serialize};

/// One model per target column, fitted in parallel (scikit-learn's
/// `MultiOutputClassifier`), for models without native multi-output support.
///
/// ```
/// use classify_core::{MultiOutputClassifier, MultiOutputEstimator};
/// use classify_models::KNeighborsClassifier;
/// use classify_multiclass::{MultiOutput};
/// use linfa::prelude::{Dataset, Fit, Predict};
/// use ndarray::array;
///
/// let x = array![[0.0, 0.1], [0.2, 0.0], [0.1, 0.3], [5.0, 5.2], [5.3, 4.9], [4.8, 5.1]];
/// let knn = KNeighborsClassifier { n_neighbors: 1, ..Default::default() };
/// // Native: one row of `usize` targets per sample.
/// let y = array![[0, 1], [0, 1], [0, 0], [1, 0], [1, 0], [1, 1]];
/// let model = MultiOutputEstimator::fit_multi(&MultiOutput::new(knn), (&x).into(), y.view())?;
/// assert_eq!(model.predict_multi((&x).into())?, y);
/// // linfa: 2-D targets of any label type, each column's labels sorted on their own.
/// let targets = array![["cat", "odd"], ["cat", "odd"], ["cat", "even"], ["dog", "even"], ["dog", "even"], ["dog", "odd"]];
/// let model = Fit::fit(&MultiOutput::new(knn), &Dataset::new(x.clone(), targets.clone()))?;
/// assert_eq!(model.classes(1), ["even", "odd"]);
/// assert_eq!(model.predict(&x), targets);
/// # Ok::<(), classify_core::Error>(())
/// ```
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
