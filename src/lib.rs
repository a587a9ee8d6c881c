//! classify: the classic "classify MNIST" workflow, end to end, in Rust.
//!
//! This facade re-exports the workspace's crates so one dependency brings them all:
//!
//! - [`core`]: the estimator traits, feature matrices and errors every model shares.
//! - [`datasets`]: IDX files, the verified cache, the embedded MNIST sample, augmentation.
//! - [`metrics`]: scikit-learn's classification metrics (embeddable on its own).
//! - [`models`]: classifiers (SGD, dummy, k-NN, forests, logistic regression, SVC), and why not linfa's.
//! - [`multiclass`]: one-vs-rest, one-vs-one, classifier chains, multi-output.
//! - [`selection`]: folds, splits, cross-validation, grid search.
//! - [`preprocessing`]: standard scaling, tables with missing values, imputers, encoders,
//!   column transformer, pipelines, e-mail words.
//! - [`plot`]: figures as PNG and SVG.
//! - [`random`]: NumPy's legacy `RandomState`, bit for bit.
//! - [`workflow`]: the chapter's steps as functions returning serialisable results.
//! - [`cli`]: the `classify` command line.
//!
//! ```
//! let data = classify::datasets::mnist_sample()?;
//! assert_eq!(data.train.n_samples(), 8000);
//! # Ok::<(), classify::datasets::Error>(())
//! ```

pub use classify_cli as cli;
pub use classify_core as core;
pub use classify_datasets as datasets;
pub use classify_metrics as metrics;
pub use classify_models as models;
pub use classify_multiclass as multiclass;
pub use classify_plot as plot;
pub use classify_preprocessing as preprocessing;
pub use classify_random as random;
pub use classify_selection as selection;
pub use classify_workflow as workflow;
