//! Linear models (scikit-learn's `sklearn.linear_model`): [`SgdClassifier`] (hinge, log and
//! modified-Huber losses by stochastic gradient descent) and [`LogisticRegression`]
//! (L-BFGS, dense or sparse rows).

mod logistic;
mod products;
mod sgd;

pub use logistic::{Logistic, LogisticRegression};
pub use sgd::{Loss, Penalty, Sgd, SgdClassifier, SgdSolver};
