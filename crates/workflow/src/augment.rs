//! The k-NN on a training set grown with shifted copies of every image (`classify augment`),
//! and the change in test error.

use classify_datasets::TrainTest;
use classify_metrics::accuracy_score;
use classify_models::{Classifier, Estimator, KNeighborsClassifier, Weights};
use serde::Serialize;

use crate::{thousands, Progress, Result};

/// What the augmentation step is asked for.
#[derive(Debug, Clone, Copy)]
pub struct AugmentOptions {
    /// Neighbours.
    pub k: usize,
    /// How they vote.
    pub weights: Weights,
    /// The seed of the augmented set's shuffle.
    pub seed: u64,
}

/// The augmentation's numbers (`classify augment --json`).
#[derive(Debug, Serialize)]
pub struct Augmented {
    /// The dataset's name.
    pub dataset: String,
    /// Neighbours.
    pub k: usize,
    /// How they vote ("uniform", "distance").
    pub weights: &'static str,
    /// Training images.
    pub n_train: usize,
    /// Training images with their shifted copies.
    pub n_augmented: usize,
    /// Test images.
    pub n_test: usize,
    /// Test accuracy of k-NN on the training images.
    pub test_accuracy: f64,
    /// Test accuracy of k-NN on the augmented set.
    pub test_accuracy_augmented: f64,
    /// 1 - test accuracy.
    pub error_rate: f64,
    /// The same, augmented.
    pub error_rate_augmented: f64,
    /// Relative change of the error rate.
    pub error_rate_change: f64,
}

/// k-NN fitted on the training images, then on them with four one-pixel shifts of each
/// (5×, shuffled), both measured on the test images.
///
/// ```
/// use classify_models::Weights;
/// use classify_workflow::{augment, AugmentOptions};
///
/// let mut data = classify_datasets::mnist_sample()?;
/// data.train = data.train.head(1000);
/// let opts = AugmentOptions { k: 4, weights: Weights::Distance, seed: 42 };
/// let result = augment(&data, &opts, &())?;
/// assert_eq!(result.n_augmented, 5000);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn augment(
    data: &TrainTest,
    opts: &AugmentOptions,
    progress: &dyn Progress,
) -> Result<Augmented> {
    let (train, test) = (&data.train, &data.test);
    let params = KNeighborsClassifier {
        n_neighbors: opts.k,
        weights: opts.weights,
        ..Default::default()
    };
    let truth: Vec<usize> = test.labels();
    progress.step(&format!("k-NN on {} images", thousands(train.n_samples())));
    let score = |x: &ndarray::Array2<u8>, y: &ndarray::Array1<u8>| -> Result<f64> {
        let y: Vec<usize> = y.iter().map(|&l| usize::from(l)).collect();
        let pred = params.fit(x.into(), &y)?.predict((&test.data).into())?;
        Ok(accuracy_score(&truth, &pred, None)?)
    };
    let plain = score(&train.data, &train.target)?;
    progress.step("shifting every image one pixel left, right, up and down");
    let big = classify_datasets::augment::augment_with_shifts(
        train,
        &classify_datasets::augment::FOUR_SHIFTS,
        Some(opts.seed),
    )?;
    progress.step(&format!("k-NN on {} images", thousands(big.data.nrows())));
    let augmented = score(&big.data, &big.target)?;
    Ok(Augmented {
        dataset: data.name.clone(),
        k: opts.k,
        weights: crate::weights_name(opts.weights),
        n_train: train.n_samples(),
        n_augmented: big.data.nrows(),
        n_test: truth.len(),
        test_accuracy: plain,
        test_accuracy_augmented: augmented,
        error_rate: 1.0 - plain,
        error_rate_augmented: 1.0 - augmented,
        error_rate_change: ((1.0 - augmented) - (1.0 - plain))
            / (1.0 - plain).max(f64::MIN_POSITIVE),
    })
}
