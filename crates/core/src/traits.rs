//! The model traits: parameters fit into models; models predict, score and give probabilities.

use ndarray::Array2;

use crate::error::{Error, Result};
use crate::features::Features;

/// A per-feature standardisation `(x − mean) / scale`, as a fitted standard scaler holds it.
#[derive(Debug, Clone, Copy)]
pub struct Standardization<'a> {
    /// The value subtracted from each feature.
    pub mean: &'a [f64],
    /// The value each centred feature is divided by (never zero).
    pub scale: &'a [f64],
}

/// Hyper-parameters of a classifier: a plain value that fits into a model.
pub trait Estimator: Clone + Send + Sync {
    /// The fitted model.
    type Model: Classifier;

    /// Checks the parameters on their own, before any data: the error `fit` would return
    /// for them ([`Error::InvalidParameter`]). Every `fit` starts with it; grid search runs
    /// it on every candidate before fitting any. Parameters valid only for some data (a
    /// `k` larger than the training set) are checked by `fit`.
    fn validate(&self) -> Result<()> {
        Ok(())
    }

    /// Fits on every row of `x` with labels `y` (one per row).
    fn fit(&self, x: Features<'_>, y: &[usize]) -> Result<Self::Model>;

    /// Fits on the rows `rows` of `x` (`y` has one label per row of `x`). Cross-validation
    /// uses this; models that can read rows in place avoid the copy made here.
    fn fit_rows(&self, x: Features<'_>, y: &[usize], rows: &[usize]) -> Result<Self::Model> {
        check_targets(x.n_samples(), y.len())?;
        let sub = x.select(rows);
        let y_sub: Vec<usize> = rows.iter().map(|&r| y[r]).collect();
        self.fit(sub.view(), &y_sub)
    }

    /// Fits on the rows `rows` of `x` standardised as `(x − mean) / scale` (one `mean` and
    /// `scale` per feature), for an estimator that can read the features standardised without
    /// writing them out; `None` (the default) when it cannot, and a pipeline (the scaler in
    /// `classify-preprocessing`) then scales a copy first. The model is the one a fit on the
    /// scaled copy gives, up to rounding.
    fn fit_rows_standardized(
        &self,
        x: Features<'_>,
        y: &[usize],
        rows: &[usize],
        standard: Standardization<'_>,
    ) -> Option<Result<Self::Model>> {
        let _ = (x, y, rows, standard);
        None
    }

    /// Fits each of `estimators` (one kind, different parameters) on the rows `rows` of `x`,
    /// in parallel. Grid search calls this once per fold; an estimator whose preparation of
    /// the data does not depend on the parameters overrides it to do that work once (k-NN
    /// builds its search over the rows once for every `n_neighbors` and `weights`).
    fn fit_rows_many(
        estimators: &[Self],
        x: Features<'_>,
        y: &[usize],
        rows: &[usize],
    ) -> Result<Vec<Self::Model>>
    where
        Self: Sized,
    {
        use rayon::prelude::*;
        estimators
            .par_iter()
            .map(|e| e.fit_rows(x, y, rows))
            .collect()
    }

    /// The predictions of each of `models` on `x` (models of one kind fitted on the same rows,
    /// as [`fit_rows_many`](Self::fit_rows_many) returns them), in parallel. Grid search calls
    /// this once per fold; an estimator whose models can share the work of predicting
    /// overrides it (k-NN searches the neighbours once, for the largest `n_neighbors`, and
    /// each model votes among its first ones). The predictions are those of
    /// [`Classifier::predict`], model by model.
    fn predict_many(models: &[Self::Model], x: Features<'_>) -> Result<Vec<Vec<usize>>>
    where
        Self: Sized,
    {
        use rayon::prelude::*;
        models.par_iter().map(|m| m.predict(x)).collect()
    }
}

/// A fitted classifier.
pub trait Classifier: Send + Sync {
    /// The class labels, sorted (scikit-learn's `classes_`).
    fn classes(&self) -> &[usize];

    /// Number of features the model was fitted on.
    fn n_features(&self) -> usize;

    /// The predicted class of each row.
    fn predict(&self, x: Features<'_>) -> Result<Vec<usize>>;
}

/// Classifiers with real-valued decision scores.
pub trait DecisionFunction: Classifier {
    /// Scores, one row per sample: one column for two classes (positive = `classes()[1]`),
    /// one per class otherwise.
    fn decision_function(&self, x: Features<'_>) -> Result<Array2<f64>>;
}

/// Classifiers with class probabilities.
pub trait PredictProba: Classifier {
    /// Probabilities, one row per sample, one column per class in `classes()` order; rows
    /// sum to 1.
    fn predict_proba(&self, x: Features<'_>) -> Result<Array2<f64>>;
}

/// Hyper-parameters of a model fitted on several target columns at once (multilabel, or
/// multi-output such as one output per pixel).
pub trait MultiOutputEstimator: Clone + Send + Sync {
    /// The fitted model.
    type Model: MultiOutputClassifier;

    /// Fits on `x` with `y` holding one row of targets per sample.
    fn fit_multi(&self, x: Features<'_>, y: ndarray::ArrayView2<'_, usize>) -> Result<Self::Model>;
}

/// A fitted multi-output classifier.
pub trait MultiOutputClassifier: Send + Sync {
    /// Number of target columns.
    fn n_outputs(&self) -> usize;

    /// Number of features the model was fitted on.
    fn n_features(&self) -> usize;

    /// One row of predicted targets per sample.
    fn predict_multi(&self, x: Features<'_>) -> Result<Array2<usize>>;
}

/// One target per row of features, or [`Error::LengthMismatch`].
pub fn check_targets(rows: usize, targets: usize) -> Result<()> {
    if rows != targets {
        return Err(Error::LengthMismatch { rows, targets });
    }
    Ok(())
}

/// Position of the first largest value, as NumPy's `argmax` (ties go to the lower position,
/// so to the smaller class).
pub fn argmax(values: ndarray::ArrayView1<'_, f64>) -> usize {
    let mut best = 0;
    for (j, &v) in values.iter().enumerate() {
        if v > values[best] {
            best = j;
        }
    }
    best
}

/// The class of each row's highest score (the first on ties).
pub fn top_classes(classes: &[usize], scores: &Array2<f64>) -> Vec<usize> {
    scores
        .rows()
        .into_iter()
        .map(|r| classes[argmax(r)])
        .collect()
}

/// Sorted distinct labels and each label's index among them.
pub fn encode(y: &[usize]) -> (Vec<usize>, Vec<usize>) {
    let mut classes = y.to_vec();
    classes.sort_unstable();
    classes.dedup();
    let index = y
        .iter()
        .map(|l| classes.binary_search(l).unwrap_or(0))
        .collect();
    (classes, index)
}
