//! The steps of the MNIST classification workflow as library functions: each takes the data
//! and its options and returns a serialisable result, which the `classify` command line
//! prints (or emits as JSON) and `classify report` composes into one page. Nothing here
//! prints, parses flags or draws: progress goes to a [`Progress`] the caller chooses.
//!
//! The steps: [`detector`] (the binary detector judged by cross-validation, with threshold
//! tuning and calibration), [`forest_comparison`] (the forest on the detector's folds),
//! [`multiclass`], [`multilabel`], [`denoise`], [`knn`], [`tune_knn`], [`augment`], [`spam`],
//! [`tabular`] and [`titanic`]; over a training set read a block at a time (larger than
//! memory), [`sgd_stream`] and [`knn_stream`]. Option errors are [`Error::Option`] / [`Error::Index`], named
//! as the command line names the option.
//!
//! The model every step trains is one value, [`Model`]: the estimator ([`ModelKind`]),
//! standard scaling in front of it, a multiclass [`Strategy`] around it, SGD's solver and
//! the seed.
//!
//! ```
//! use classify_workflow::{detector, DetectorOptions, Model, ModelKind};
//!
//! let mut data = classify_datasets::mnist_sample()?;
//! data.train = data.train.head(2000);
//! let five = detector(&data, &DetectorOptions::new(Model::new(ModelKind::Sgd)), &())?;
//! println!("{}", serde_json::to_string_pretty(&five)?);
//! assert_eq!(five.folds, 3);
//! assert!(five.summary.precision > 0.5);
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

mod augment;
mod denoise;
mod detector;
mod error;
mod model;
mod multiclass;
mod multilabel;
mod neighbors;
mod progress;
mod spam;
mod streamed;
mod tabular;
#[cfg(test)]
mod tests;
mod tune;

pub use augment::{augment, AugmentOptions, Augmented};
pub use denoise::{denoise, DenoiseOptions, Denoised, DenoisedImages};
pub use detector::{
    default_digit, detector, detector_target, forest_comparison, mean, method_name,
    CalibrationLoss, CalibrationReport, Comparison, Detector, DetectorMetrics, DetectorOptions,
    ForestComparison, ImagePrediction, OutOfFold, ThresholdTuning,
};
pub use error::{Error, Images, Result};
pub use model::{Model, ModelKind, ModelTask, Strategy};
pub use multiclass::{
    multiclass, one_vs_rest_auc, Explained, Multiclass, MulticlassOptions, Predictions,
};
pub use multilabel::{
    multilabel, LabelF1, LabelledImage, Multilabel, MultilabelOptions, TwoLabels,
};
pub use neighbors::{knn, weights_name, Knn, KnnOptions, Neighbours};
pub use progress::Progress;
pub use spam::{spam, SpamFilter, SpamOptions};
pub use streamed::{
    knn_stream, sgd_stream, KnnStreamOptions, Reading, StreamOptions, StreamedKnn, StreamedSgd,
    Target, TestScores,
};
pub use tabular::{
    classes, compare, preparation, tabular, titanic, titanic_preparation, Compared, Tabular,
    TabularOptions, Titanic,
};
pub use tune::{tune_knn, TuneOptions, Tuned};

/// `12345` → `12,345`.
pub fn thousands(n: usize) -> String {
    let s = n.to_string();
    let mut out = String::with_capacity(s.len() + s.len() / 3);
    for (i, ch) in s.chars().enumerate() {
        if i > 0 && (s.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(ch);
    }
    out
}
