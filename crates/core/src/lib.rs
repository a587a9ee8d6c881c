//! The shared vocabulary of classify's models, small enough for every crate to depend on.
//!
//! - [`Estimator`] (hyper-parameters that fit), [`Classifier`] (a fitted model: sorted
//!   `classes`, `predict`), [`DecisionFunction`], [`PredictProba`] and the multi-output pair
//!   [`MultiOutputEstimator`] / [`MultiOutputClassifier`], as scikit-learn's estimator API.
//! - [`Features`]: the input matrix, borrowed, `u8` (raw pixels, read as they are), `f32` or
//!   `f64`, from any ndarray view; [`Csr`] for sparse rows (word counts).
//! - [`Error`]: the typed error every model returns.
//!
//! The models live in `classify-models`; strategies (one-vs-rest, one-vs-one, chains,
//! multi-output) in `classify-multiclass`, cross-validation and grid search in
//! `classify-selection`, scaling and pipelines in `classify-preprocessing`. Those three name
//! the traits of this crate and never `classify-models` (beside `classify-metrics` and
//! `classify-random`, and each other in that order; `ARCHITECTURE.md` has the table), so
//! that a strategy or a metric-driven search never compiles a model it does not use.
//!
//! Names: an estimator carries scikit-learn's name and fits into that name without its
//! `Classifier` / `Regression` suffix (`RandomForestClassifier` → `RandomForest`), or with
//! `Model` added where it has none (`Svc` → `SvcModel`, `OneVsRest` → `OneVsRestModel`).
//!
//! linfa: [`impl_linfa_fit!`] gives an estimator linfa's `Fit` on a `DatasetBase` of `u8`,
//! `f32` or `f64` records with labels of any type, into a [`Fitted`] model that predicts those
//! labels through linfa's `Predict` ([`LabelEncoder`] keeps them sorted, as scikit-learn's
//! `classes_`); [`impl_linfa_fit_multi!`] does the same on 2-D targets. Every estimator and
//! strategy of classify has them.
//!
//! A classifier written outside classify works with all of them once it implements the
//! traits:
//!
//! ```
//! use classify_core::{check_targets, encode, Classifier, Estimator, Features, Result};
//!
//! /// Predicts the class of the training row with the largest first feature.
//! #[derive(Clone)]
//! struct Loudest;
//!
//! struct Fitted {
//!     classes: Vec<usize>,
//!     class: usize,
//!     n_features: usize,
//! }
//!
//! impl Estimator for Loudest {
//!     type Model = Fitted;
//!     fn fit(&self, x: Features<'_>, y: &[usize]) -> Result<Fitted> {
//!         check_targets(x.n_samples(), y.len())?;
//!         let first = x.to_f64().column(0).to_vec();
//!         let best = (0..y.len()).fold(0, |b, i| if first[i] > first[b] { i } else { b });
//!         let (classes, _) = encode(y);
//!         Ok(Fitted { classes, class: y[best], n_features: x.n_features() })
//!     }
//! }
//!
//! impl Classifier for Fitted {
//!     fn classes(&self) -> &[usize] {
//!         &self.classes
//!     }
//!     fn n_features(&self) -> usize {
//!         self.n_features
//!     }
//!     fn predict(&self, x: Features<'_>) -> Result<Vec<usize>> {
//!         Ok(vec![self.class; x.n_samples()])
//!     }
//! }
//!
//! let x = ndarray::array![[1u8, 0], [9, 0], [3, 0]];
//! let model = Loudest.fit((&x).into(), &[4, 7, 4])?;
//! assert_eq!(model.classes(), &[4, 7]);
//! assert_eq!(model.predict((&x).into())?, vec![7, 7, 7]);
//! # Ok::<(), classify_core::Error>(())
//! ```

mod adapter;
mod csr;
mod error;
mod features;
mod labels;
pub mod numpy;
mod ovr;
pub mod param;
mod traits;

pub use adapter::{fit_dataset, fit_multi_dataset, Fitted, FittedMulti};
pub use csr::Csr;
pub use error::{Error, Result};
pub use features::{
    check_features, with_valid, with_valid_f32, Element, Features, OwnedFeatures, Row,
};
pub use labels::LabelEncoder;
pub use ovr::ovr_decision_function;
pub use traits::{
    argmax, check_targets, encode, top_classes, Classifier, DecisionFunction, Estimator,
    MultiOutputClassifier, MultiOutputEstimator, PredictProba, Standardization,
};

// For `impl_linfa_fit!` in other crates: the paths it names, whatever their dependencies.
#[doc(hidden)]
pub use linfa as __linfa;
#[doc(hidden)]
pub use ndarray as __ndarray;
