//! classify: the classic "classify MNIST" workflow, end to end, in Rust — data, models,
//! cross-validation, metrics, model files — with scikit-learn's numbers.
//!
//! Fit, score, save and load:
//!
//! ```
//! use classify::prelude::*;
//!
//! let data = mnist_sample()?; // 8,000 + 2,000 real MNIST digits, embedded
//! let model = RandomForestClassifier::default().fit((&data.train.data).into(), &data.train.labels())?;
//! let predicted = model.predict((&data.test.data).into())?;
//! println!("test accuracy {:.4}", accuracy_score(&data.test.labels(), &predicted, None)?);
//! let trained = Trained { dataset: data.name.clone(), n_train: 8000, image_shape: [28, 28] };
//! let path = std::env::temp_dir().join("forest.classify");
//! ModelFile { trained, model: model.into() }.save(&path, Encoding::Binary)?;
//! let back = ModelFile::load(&path)?; // checked: magic, version, length, CRC-32, the model
//! assert_eq!(back.model.classifier()?.predict((&data.test.data).into())?, predicted);
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! The crates, re-exported so that one dependency brings them all:
//!
//! - [`core`]: the estimator traits, feature matrices and errors every model shares.
//! - [`datasets`]: IDX files, the verified cache, the embedded MNIST sample, augmentation,
//!   pictures.
//! - [`metrics`]: scikit-learn's classification metrics (embeddable on its own).
//! - [`models`]: classifiers (SGD, dummy, k-NN, forests, logistic regression, SVC), and why not
//!   linfa's.
//! - [`persist`]: checked model files, any fitted model saved and loaded.
//! - [`multiclass`]: one-vs-rest, one-vs-one, classifier chains, multi-output.
//! - [`selection`]: folds, splits, cross-validation, grid search, thresholds, calibration.
//! - [`preprocessing`]: standard scaling, tables with missing values, imputers, encoders,
//!   column transformer, pipelines, e-mail words.
//! - [`random`]: NumPy's legacy `RandomState`, bit for bit.
//! - [`workflow`]: the chapter's steps as functions returning serialisable results.
//! - [`plot`] (feature `plot`): figures as PNG and SVG.
//! - [`cli`] (feature `cli`, on by default): the `classify` command line.
//!
//! Features: `cli` (default) builds the command line and its binary, and with it `plot` and
//! `download` (datasets over HTTPS). With `default-features = false` nothing of clap, the
//! HTTP server and client, plotters or progress bars is compiled; add `plot` or `download`
//! alone where wanted. [`prelude`] holds what a program uses most.

pub mod prelude;

#[cfg(feature = "cli")]
pub use classify_cli as cli;
pub use classify_core as core;
pub use classify_datasets as datasets;
pub use classify_metrics as metrics;
pub use classify_models as models;
pub use classify_multiclass as multiclass;
pub use classify_persist as persist;
#[cfg(feature = "plot")]
pub use classify_plot as plot;
pub use classify_preprocessing as preprocessing;
pub use classify_random as random;
pub use classify_selection as selection;
pub use classify_workflow as workflow;
