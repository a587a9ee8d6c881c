//! Strategies that turn binary learners into multiclass, multilabel and multi-output
//! systems, for any model of classify (scikit-learn's `sklearn.multiclass` and
//! `sklearn.multioutput`).
//!
//! - [`OneVsRest`]: one binary model per class, fitted in parallel; scores per class.
//! - [`OneVsOne`]: one model per pair of classes, trained on those two classes only; votes
//!   plus confidences exactly as scikit-learn's `_ovr_decision_function`.
//! - [`ClassifierChain`]: one model per label, each also fed the labels before it (true
//!   labels, or out-of-fold predictions with `cv`).
//! - [`MultiOutput`]: one model per target column.
//!
//! Natively multiclass models (random forest, k-NN, logistic regression, SVC) need none of
//! these; scikit-learn's defaults are one-vs-one for SVC (built into `classify-models`'
//! `Svc`, which scores with the same [`ovr_decision_function`]) and one-vs-rest for SGD
//! (built into `SgdClassifier`). The strategies name the traits of `classify-core`, never a
//! model (`classify-selection` gives the chains their folds): any
//! [`Estimator`](classify_core::Estimator) works, classify's own or yours.
//!
//! ```
//! use classify_models::{Classifier, Estimator, SgdClassifier};
//! use classify_multiclass::OneVsOne;
//! use ndarray::array;
//!
//! let x = array![[0u8, 0], [0, 1], [9, 0], [9, 1], [0, 9], [1, 9]];
//! let y = [0, 0, 1, 1, 2, 2];
//! let model = OneVsOne::new(SgdClassifier::default()).fit((&x).into(), &y)?;
//! assert_eq!(model.estimators().len(), 3);
//! assert_eq!(model.predict((&x).into())?, vec![0, 0, 1, 1, 2, 2]);
//! # Ok::<(), classify_models::Error>(())
//! ```

mod chain;
mod multioutput;
mod ovo;
mod ovr;

pub use chain::{ChainOrder, ClassifierChain, ClassifierChainModel};
pub use classify_core::ovr_decision_function;
pub use multioutput::{MultiOutput, MultiOutputModel};
pub use ovo::{OneVsOne, OneVsOneModel};
pub use ovr::{OneVsRest, OneVsRestModel};

// linfa's `Fit` for the single-target strategies, over any estimator.
classify_core::impl_linfa_fit!(<E: classify_core::Estimator> OneVsRest<E>);
classify_core::impl_linfa_fit!(<E: classify_core::Estimator> OneVsOne<E>);
// And on 2-D targets for the multi-output ones.
classify_core::impl_linfa_fit_multi!(<E: classify_core::Estimator> ClassifierChain<E>);
classify_core::impl_linfa_fit_multi!(<E: classify_core::Estimator> MultiOutput<E>);
