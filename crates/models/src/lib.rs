//! Classifiers for classify, with scikit-learn's semantics and linfa's conventions.
//!
//! Parameters are plain values (`Clone`, serde) implementing [`Estimator`]; `fit` returns a
//! fitted model; prediction never mutates it. Fitted models implement [`Classifier`]
//! (sorted `classes`, `predict`) and, where they can, [`DecisionFunction`] and
//! [`PredictProba`].
//!
//! Every estimator also implements linfa's `Fit` on a `linfa::Dataset` of `u8`, `f32` or
//! `f64` records with targets of any label type (`usize`, `bool`, `String`, `&str`, …): the
//! fitted [`Fitted`] model predicts those labels through linfa's `Predict`, and gives
//! probabilities and scores with columns in the sorted labels' order (its [`LabelEncoder`]).
//! linfa's `Predict` cannot return an error, so there a bad input panics with the typed
//! error's message; `Fitted::try_predict` returns it. (Import either linfa's `Fit` or our
//! [`Estimator`] in a scope, not both: both name their method `fit`.)
//!
//! ```
//! use classify_models::RandomForestClassifier;
//! use linfa::prelude::*;
//! use ndarray::array;
//!
//! let x = array![[0.1, 0.0], [0.0, 0.2], [4.9, 5.0], [5.1, 5.2]];
//! let labels = array!["ham", "ham", "spam", "spam"].mapv(String::from);
//! let model = RandomForestClassifier::default().fit(&Dataset::new(x.clone(), labels))?;
//! assert_eq!(model.predict(&x).to_vec(), ["ham", "ham", "spam", "spam"]);
//! assert_eq!(model.classes(), ["ham", "spam"]);
//! assert_eq!(model.predict_proba(&x)?.ncols(), 2);
//! # Ok::<(), classify_models::Error>(())
//! ```
//!
//! Decisions a user should know:
//! - Input is [`Features`]: `u8` (raw pixels, read as they are, no conversion), `f32` or
//!   `f64`, any view (non-contiguous ones are copied once). NaN or infinity is an error, as
//!   is a feature count at predict time that differs from fit time. On `f64`: the trees and
//!   the forest read values as `f32` (scikit-learn's trees do too); SGD trains `f32` weights
//!   on the values rounded to `f32`; k-NN, logistic regression and SVC compute in `f64`
//!   (k-NN takes its pruned `f32` search when every value is an `f32` number, which gives
//!   the same neighbours, and an exact brute-force `f64` search otherwise).
//! - Labels are `usize`; `classes()` is sorted like scikit-learn's `classes_`. For two
//!   classes the positive class is `classes()[1]` and the decision function has one column.
//! - [`SgdClassifier`] trains as scikit-learn 1.9's `SGDClassifier` (hinge / log / modified
//!   Huber losses, L2 / L1 / elastic-net / no penalty, "optimal" learning rate, stopping on
//!   the mean objective) with scikit-learn's seeds and shuffles, in `f64`: the same weights
//!   for the same `random_state` (to 1e-9 on the fixtures, the binary ones bit for bit).
//!   [`SgdSolver::Fast`] is the `f32` solver whose one-vs-rest problems share each shuffle
//!   (about a fifth faster on ten classes; other numbers). Multiclass is one-vs-rest, classes in
//!   parallel, the same result at any thread count.
//! - [`KNeighborsClassifier`] finds exact neighbours (integer distances for `u8`); at exactly
//!   equal distances it keeps the lowest training index, where scikit-learn's bounded heap
//!   keeps an arbitrary one. On real digits the two agree on every neighbour (fixture test).
//!
//! # Why our own engines and not linfa's models
//!
//! linfa's own estimators run beside ours and scikit-learn's in `cargo xtask bench` (its linfa
//! column). On full Fashion-MNIST (60,000 × 784, 2 cores, linfa 0.8.1; one `cargo xtask bench`
//! --all of 2026-11-29 05:58, the kd-tree figure from an earlier criterion run):
//! - k-NN on few features: linfa-nn's kd-tree holds up and is used ([`Algorithm::KdTree`],
//!   chosen by [`Algorithm::Auto`] for ≤ 4 features from 1,000 rows, ≤ 8 from 16,384): on
//!   20,000 rows of 4 features, 1,000 queries in 12.2 ms against 50.8 ms by brute force; its
//!   candidates are re-ranked with our exact distances, so the neighbours stay brute force's.
//! - k-NN on images, linfa-nn's exact linear search (`f64`, queries in parallel): the same test accuracy
//!   (0.8554) in 124.0 s, against 0.65 s here (tiles skipped by proven bounds, integer dots).
//! - SVC, linfa-svm: the same dual and tolerance, so one-vs-rest on 2,000 images gives our fold
//!   and test accuracies exactly, in 31.0 s against 1.05 s. It is binary only (no one-vs-one
//!   SVC) and builds every kernel value it needs one pair at a time. It stays a test oracle.
//! - Random forest, linfa-ensemble over linfa-trees: √d features drawn once per tree instead of
//!   at every split, and a majority vote instead of averaged probabilities: ROC AUC 0.9979
//!   against 0.9988 (scikit-learn's too), 233.7 s against 3.17 s for the 3 folds.
//! - Logistic regression, linfa-logistic (multinomial, L-BFGS through argmin), standard scaling
//!   then 100 iterations on every image: test accuracy 0.8429 (ours 0.8446, scikit-learn's
//!   0.8439) in 435.0 s, against 2.59 s here.
//!
//! ```
//! use classify_models::{Classifier, DecisionFunction, Estimator, SgdClassifier};
//! use ndarray::array;
//!
//! let x = array![[0u8, 0], [0, 1], [10, 10], [10, 11]];
//! let y = [0, 0, 1, 1];
//! let model = SgdClassifier::default().fit((&x).into(), &y)?;
//! assert_eq!(model.predict((&x).into())?, vec![0, 0, 1, 1]);
//! assert_eq!(model.decision_function((&x).into())?.ncols(), 1);
//! # Ok::<(), classify_models::Error>(())
//! ```

// Modules as scikit-learn's: `sklearn.dummy`, `sklearn.linear_model`, `sklearn.neighbors`,
// `sklearn.svm`, `sklearn.tree` (with the forest, `sklearn.ensemble`'s); every estimator is
// also at the crate root.
pub mod dummy;
mod huge;
pub mod linear_model;
pub mod neighbors;
mod rand_r;
mod simd;
pub mod svm;
pub mod tree;

pub use dummy::{Dummy, DummyClassifier, DummyStrategy};
pub use linear_model::{
    Logistic, LogisticRegression, Loss, Penalty, Sgd, SgdClassifier, SgdProgress, SgdSolver,
};
pub use neighbors::{
    Algorithm, KNeighbors, KNeighborsClassifier, KNeighborsMultiOutput, Neighbors,
    StreamedNeighbors, Weights,
};
pub use svm::{Gamma, Svc, SvcFitOptions, SvcKernel, SvcModel, SvcPair};
#[doc(hidden)]
pub use tree::v2 as tree_v2;
pub use tree::{
    Criterion, DecisionTree, DecisionTreeClassifier, ForestClassWeight, MaxFeatures, RandomForest,
    RandomForestClassifier, TreeStructure,
};
// The vocabulary every model speaks, from `classify-core`, so that depending on this crate
// alone is enough to fit and predict.
pub use classify_core::{
    Classifier, Csr, DecisionFunction, Error, Estimator, Features, Fitted, LabelEncoder,
    MultiOutputClassifier, MultiOutputEstimator, OwnedFeatures, PredictProba, Result, Row,
};

// linfa's `Fit` (and, through `Fitted`, `Predict`) for every estimator: `u8`, `f32` or `f64`
// records, targets of any label type.
classify_core::impl_linfa_fit!(SgdClassifier);
classify_core::impl_linfa_fit!(DummyClassifier);
classify_core::impl_linfa_fit!(KNeighborsClassifier);
classify_core::impl_linfa_fit!(DecisionTreeClassifier);
classify_core::impl_linfa_fit!(RandomForestClassifier);
classify_core::impl_linfa_fit!(LogisticRegression);
classify_core::impl_linfa_fit!(Svc);

#[doc(hidden)]
pub fn bench_dot(w: &[f32], x: Row<'_>) -> f32 {
    simd::rows::dot(w, x)
}

#[doc(hidden)]
pub fn bench_axpy(w: &mut [f32], a: f32, x: Row<'_>) -> f64 {
    simd::rows::axpy(w, a, x)
}
