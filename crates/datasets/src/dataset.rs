//! In-memory datasets: images as rows of `u8` pixels with their labels.

use ndarray::{Array1, Array2, ArrayView1, ArrayView2, Axis};
use serde::Serialize;

use crate::error::{Error, Result};
use crate::formats::idx::IdxArray;

/// A labelled set of samples: one row of `u8` features per sample (for images, the pixels in
/// row-major order), one `u8` class label per row.
#[derive(Debug, Clone, PartialEq)]
pub struct Dataset {
    /// Samples × features.
    pub data: Array2<u8>,
    /// One label per sample (an index into `target_names`).
    pub target: Array1<u8>,
    /// `[height, width]` when the rows are images.
    pub image_shape: Option<[usize; 2]>,
    /// One name per feature column (`pixel0`, `pixel1`, ... for images).
    pub feature_names: Vec<String>,
    /// One name per class label.
    pub target_names: Vec<String>,
    /// Where the data comes from and what it holds.
    pub description: String,
}

impl Dataset {
    /// Builds an image dataset from decoded IDX images (`n × h × w`) and labels (`n`).
    ///
    /// Labels must be below `target_names.len()`.
    pub fn from_idx(
        images: IdxArray,
        labels: IdxArray,
        target_names: Vec<String>,
        description: String,
    ) -> Result<Self> {
        let [n, h, w] = match images.dims[..] {
            [n, h, w] => [n, h, w],
            _ => {
                return Err(Error::Shape(format!(
                    "images must have 3 dimensions (count, height, width), found {:?}",
                    images.dims
                )))
            }
        };
        if labels.dims.len() != 1 {
            return Err(Error::Shape(format!(
                "labels must have 1 dimension, found {:?}",
                labels.dims
            )));
        }
        if labels.dims[0] != n {
            return Err(Error::LengthMismatch {
                images: n,
                labels: labels.dims[0],
            });
        }
        let data = Array2::from_shape_vec((n, h * w), images.data)
            .map_err(|e| Error::Shape(e.to_string()))?;
        let target = Array1::from_vec(labels.data);
        let mut ds = Dataset {
            data,
            target,
            image_shape: Some([h, w]),
            feature_names: Vec::new(),
            target_names,
            description,
        };
        ds.feature_names = pixel_names(h * w);
        ds.check_labels()?;
        Ok(ds)
    }

    /// Checks every label is a known class.
    pub fn check_labels(&self) -> Result<()> {
        let n_classes = self.target_names.len();
        if let Some((row, &label)) = self
            .target
            .iter()
            .enumerate()
            .find(|(_, &l)| usize::from(l) >= n_classes)
        {
            return Err(Error::BadLabel {
                label,
                row,
                n_classes,
            });
        }
        Ok(())
    }

    /// Number of samples.
    pub fn n_samples(&self) -> usize {
        self.data.nrows()
    }

    /// Number of features per sample.
    pub fn n_features(&self) -> usize {
        self.data.ncols()
    }

    /// The labels as `usize`, as the estimators take them.
    pub fn labels(&self) -> Vec<usize> {
        self.target.iter().map(|&l| usize::from(l)).collect()
    }

    /// Number of classes (the length of `target_names`).
    pub fn n_classes(&self) -> usize {
        self.target_names.len()
    }

    /// The features of sample `index`.
    pub fn row(&self, index: usize) -> Result<ArrayView1<'_, u8>> {
        self.check_index(index)?;
        Ok(self.data.row(index))
    }

    /// Sample `index` as a `height × width` image.
    pub fn image(&self, index: usize) -> Result<ArrayView2<'_, u8>> {
        self.check_index(index)?;
        let [h, w] = self
            .image_shape
            .ok_or_else(|| Error::Shape("this dataset does not hold images".into()))?;
        let row = self.data.row(index);
        row.into_shape_with_order((h, w))
            .map_err(|e| Error::Shape(e.to_string()))
    }

    fn check_index(&self, index: usize) -> Result<()> {
        if index >= self.n_samples() {
            return Err(Error::InvalidArgument(format!(
                "index {index} is out of range: the set has {} samples",
                self.n_samples()
            )));
        }
        Ok(())
    }

    /// The features as `f32` (pixel values unchanged, 0–255).
    pub fn to_f32(&self) -> Array2<f32> {
        self.data.mapv(f32::from)
    }

    /// The features as `f64` (pixel values unchanged, 0–255).
    pub fn to_f64(&self) -> Array2<f64> {
        self.data.mapv(f64::from)
    }

    /// The first `n` samples (all of them if `n` is larger).
    pub fn head(&self, n: usize) -> Dataset {
        let n = n.min(self.n_samples());
        self.with_rows(
            self.data.slice(ndarray::s![..n, ..]).to_owned(),
            self.target.slice(ndarray::s![..n]).to_owned(),
        )
    }

    /// The samples at `indices`, in that order.
    pub fn select(&self, indices: &[usize]) -> Result<Dataset> {
        if let Some(&bad) = indices.iter().find(|&&i| i >= self.n_samples()) {
            self.check_index(bad)?;
        }
        Ok(self.with_rows(
            self.data.select(Axis(0), indices),
            self.target.select(Axis(0), indices),
        ))
    }

    /// A dataset with the same metadata and other rows.
    pub fn with_rows(&self, data: Array2<u8>, target: Array1<u8>) -> Dataset {
        Dataset {
            data,
            target,
            image_shape: self.image_shape,
            feature_names: self.feature_names.clone(),
            target_names: self.target_names.clone(),
            description: self.description.clone(),
        }
    }

    /// How many samples each class has, indexed by label.
    pub fn class_counts(&self) -> Vec<usize> {
        let mut counts = vec![0usize; self.n_classes().max(1)];
        for &l in &self.target {
            if let Some(c) = counts.get_mut(usize::from(l)) {
                *c += 1;
            }
        }
        counts
    }
}

/// `pixel0`, `pixel1`, ... as scikit-learn's `fetch_openml("mnist_784")` names them
/// (there 1-based: `pixel1`..`pixel784`; we follow that).
fn pixel_names(n: usize) -> Vec<String> {
    (1..=n).map(|i| format!("pixel{i}")).collect()
}

/// A dataset's canonical training and test sets, with what is known about where they came from.
#[derive(Debug, Clone)]
pub struct TrainTest {
    /// The dataset's name (`mnist-sample`, `mnist`, `fashion-mnist`, ...).
    pub name: String,
    /// The training set (e.g. MNIST's first 60,000 images).
    pub train: Dataset,
    /// The test set (e.g. MNIST's last 10,000 images).
    pub test: Dataset,
    /// Where the files are and how they were verified.
    pub source: String,
    /// Anything the user should know: partial files, unverified content.
    pub notes: Vec<String>,
}

impl TrainTest {
    /// Keeps only the first `n` training samples (at least one, at most all).
    pub fn limit_train(&mut self, n: usize) -> Result<()> {
        if n == 0 || n > self.train.n_samples() {
            return Err(Error::TrainCount {
                asked: n,
                available: self.train.n_samples(),
            });
        }
        self.train = self.train.head(n);
        Ok(())
    }

    /// A summary for display and JSON.
    pub fn summary(&self) -> Summary {
        Summary {
            name: self.name.clone(),
            source: self.source.clone(),
            description: self.train.description.clone(),
            image_shape: self.train.image_shape,
            n_features: self.train.n_features(),
            target_names: self.train.target_names.clone(),
            train: PartSummary::of(&self.train),
            test: PartSummary::of(&self.test),
            notes: self.notes.clone(),
        }
    }
}

/// What `classify data info` reports about a dataset.
#[derive(Debug, Clone, Serialize)]
pub struct Summary {
    /// Dataset name.
    pub name: String,
    /// Where it was loaded from.
    pub source: String,
    /// What it is.
    pub description: String,
    /// `[height, width]` of the images.
    pub image_shape: Option<[usize; 2]>,
    /// Features per sample.
    pub n_features: usize,
    /// Class names.
    pub target_names: Vec<String>,
    /// The training set.
    pub train: PartSummary,
    /// The test set.
    pub test: PartSummary,
    /// Partial or unverified content.
    pub notes: Vec<String>,
}

/// Counts for one part of a dataset.
#[derive(Debug, Clone, Serialize)]
pub struct PartSummary {
    /// Number of samples.
    pub n_samples: usize,
    /// Samples per class, indexed by label.
    pub class_counts: Vec<usize>,
}

impl PartSummary {
    pub(crate) fn of(ds: &Dataset) -> Self {
        PartSummary {
            n_samples: ds.n_samples(),
            class_counts: ds.class_counts(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tiny() -> Dataset {
        let images = IdxArray {
            dims: vec![3, 2, 2],
            data: (0..12).collect(),
        };
        let labels = IdxArray {
            dims: vec![3],
            data: vec![1, 0, 1],
        };
        Dataset::from_idx(images, labels, vec!["a".into(), "b".into()], String::new()).unwrap()
    }

    #[test]
    fn shapes_views_and_counts() {
        let ds = tiny();
        assert_eq!((ds.n_samples(), ds.n_features()), (3, 4));
        assert_eq!(ds.image(1).unwrap(), ndarray::arr2(&[[4, 5], [6, 7]]));
        assert_eq!(ds.class_counts(), vec![1, 2]);
        assert_eq!(ds.to_f64()[[2, 3]], 11.0);
        assert_eq!(ds.head(2).n_samples(), 2);
        assert_eq!(ds.select(&[2, 0]).unwrap().target.to_vec(), vec![1, 1]);
        assert!(ds.image(3).is_err());
        assert!(ds.select(&[5]).is_err());
        assert_eq!(ds.feature_names[0], "pixel1");
    }

    #[test]
    fn bad_labels_and_lengths() {
        let images = IdxArray {
            dims: vec![2, 1, 1],
            data: vec![0, 0],
        };
        let labels = IdxArray {
            dims: vec![2],
            data: vec![0, 9],
        };
        assert!(matches!(
            Dataset::from_idx(images.clone(), labels, vec!["a".into()], String::new()),
            Err(Error::BadLabel {
                label: 9,
                row: 1,
                ..
            })
        ));
        let short = IdxArray {
            dims: vec![1],
            data: vec![0],
        };
        assert!(matches!(
            Dataset::from_idx(images, short, vec!["a".into()], String::new()),
            Err(Error::LengthMismatch {
                images: 2,
                labels: 1
            })
        ));
    }
}
