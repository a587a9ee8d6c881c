//! k-nearest neighbours fitted on the training images and measured on the test images, with
//! one test image's neighbours (`classify knn`).

use classify_datasets::TrainTest;
use classify_metrics::accuracy_score;
use classify_models::{Classifier, Estimator, KNeighborsClassifier, Weights};
use serde::Serialize;

use crate::detector::check_index;
use crate::{thousands, Images, Progress, Result};

/// What the k-NN step is asked for.
#[derive(Debug, Clone, Copy)]
pub struct KnnOptions {
    /// Neighbours that vote.
    pub k: usize,
    /// How they vote.
    pub weights: Weights,
    /// The test image whose neighbours are shown.
    pub index: usize,
}

/// The k-NN step's numbers (`classify knn --json`).
#[derive(Debug, Serialize)]
pub struct Knn {
    /// The dataset's name.
    pub dataset: String,
    /// Training images.
    pub n_train: usize,
    /// Test images.
    pub n_test: usize,
    /// Neighbours.
    pub k: usize,
    /// How they vote ("uniform", "distance").
    pub weights: &'static str,
    /// Accuracy on the test images.
    pub test_accuracy: f64,
    /// Seconds the fit and the test predictions took.
    pub seconds: f64,
    /// One test image and its neighbours.
    pub image: Neighbours,
}

/// A test image's prediction and neighbours.
#[derive(Debug, Clone, Serialize)]
pub struct Neighbours {
    /// Its row in the test set.
    pub index: usize,
    /// Its label.
    pub label: u8,
    /// The predicted class.
    pub predicted: usize,
    /// Rows of its `k` nearest training images, nearest first.
    pub neighbors: Vec<usize>,
    /// Their labels.
    pub neighbor_labels: Vec<u8>,
    /// Their Euclidean distances.
    pub distances: Vec<f64>,
}

/// scikit-learn's name of a vote.
pub fn weights_name(w: Weights) -> &'static str {
    match w {
        Weights::Uniform => "uniform",
        Weights::Distance => "distance",
    }
}

/// k-NN fitted on every training image, its test accuracy, and the neighbours of test image
/// `index`.
///
/// ```
/// use classify_models::Weights;
/// use classify_workflow::{knn, KnnOptions};
///
/// let data = classify_datasets::mnist_sample()?;
/// let opts = KnnOptions { k: 3, weights: Weights::Uniform, index: 0 };
/// let result = knn(&data, &opts, &())?;
/// assert!(result.test_accuracy > 0.9);
/// assert_eq!(result.image.neighbors.len(), 3);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn knn(data: &TrainTest, opts: &KnnOptions, progress: &dyn Progress) -> Result<Knn> {
    let (train, test) = (&data.train, &data.test);
    let index = opts.index;
    check_index(index, test.n_samples(), Images::Test)?;
    let y: Vec<usize> = train.labels();
    let params = KNeighborsClassifier {
        n_neighbors: opts.k,
        weights: opts.weights,
        ..Default::default()
    };
    progress.step(&format!(
        "{} test images against {} training images",
        thousands(test.n_samples()),
        thousands(y.len())
    ));
    let start = std::time::Instant::now();
    let model = params.fit((&train.data).into(), &y)?;
    let pred = model.predict((&test.data).into())?;
    let seconds = start.elapsed().as_secs_f64();
    let one = test.data.slice(ndarray::s![index..index + 1, ..]);
    let nb = model.kneighbors(one.into(), opts.k)?;
    let truth: Vec<usize> = test.labels();
    let neighbors: Vec<usize> = nb.indices.row(0).to_vec();
    Ok(Knn {
        dataset: data.name.clone(),
        n_train: y.len(),
        n_test: truth.len(),
        k: opts.k,
        weights: weights_name(opts.weights),
        test_accuracy: accuracy_score(&truth, &pred, None)?,
        seconds,
        image: Neighbours {
            index,
            label: test.target[index],
            predicted: pred[index],
            neighbor_labels: neighbors.iter().map(|&i| train.target[i]).collect(),
            neighbors,
            distances: nb.distances.row(0).to_vec(),
        },
    })
}
