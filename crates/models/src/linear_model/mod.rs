//! Linear models (scikit-learn's `sklearn.linear_model`): [`SgdClassifier`] (hinge, log and
//! modified-Huber losses by stochastic gradient descent) and [`LogisticRegression`]
//! (L-BFGS, dense or sparse rows).

mod lbfgsb;
mod logistic;
mod products;
mod sgd;

pub use logistic::{Logistic, LogisticRegression};
pub use sgd::{Loss, Penalty, Sgd, SgdClassifier, SgdProgress, SgdSolver};

use classify_core::{check_targets, Error, Features, Result};

/// The checks of [`classify_core::Estimator::fit_rows`]: one label per row, rows present and in range.
pub(crate) fn check_rows(x: Features<'_>, y: &[usize], rows: &[usize]) -> Result<()> {
    check_targets(x.n_samples(), y.len())?;
    if rows.is_empty() {
        return Err(Error::Empty("no samples"));
    }
    if let Some(&bad) = rows.iter().find(|&&r| r >= y.len()) {
        return Err(Error::InvalidParameter(format!(
            "row {bad} is out of range"
        )));
    }
    Ok(())
}
