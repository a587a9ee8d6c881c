//! Several labels per image: two labels per digit (`classify multilabel`), scored by
//! cross-validated F1, with a classifier chain of any model.

use classify_datasets::TrainTest;
use classify_metrics::{
    multilabel_precision_recall_fscore_support, Average, Indicator, PrfOptions,
};
use classify_models::{
    Estimator, Features, KNeighborsClassifier, MultiOutputClassifier, MultiOutputEstimator,
};
use classify_multiclass::{ChainOrder, ClassifierChain};
use classify_selection::{cross_val_predict_multi, Cv, Response};
use ndarray::{Array2, ArrayView2};
use serde::Serialize;

use crate::detector::check_index;
use crate::model::{Model, ModelTask};
use crate::{thousands, Images, Progress, Result};

/// The two labels of the multilabel step: "large" (the top 30 % of the classes: 7, 8, 9 of
/// ten; 2 of three) and "odd".
#[derive(Debug, Clone, Copy)]
pub struct TwoLabels {
    /// The smallest large class.
    pub large_from: usize,
}

impl TwoLabels {
    /// The labels for a dataset of `n_classes` classes.
    pub fn new(n_classes: usize) -> TwoLabels {
        TwoLabels {
            large_from: n_classes - (3 * n_classes).div_ceil(10),
        }
    }

    /// One row (large, odd) of 0/1 per class label.
    pub fn targets(&self, labels: impl IntoIterator<Item = usize>) -> Array2<usize> {
        let labels: Vec<usize> = labels.into_iter().collect();
        Array2::from_shape_fn((labels.len(), 2), |(i, j)| match j {
            0 => usize::from(labels[i] >= self.large_from),
            _ => labels[i] % 2,
        })
    }

    /// "large (7, 8, 9)" for ten classes.
    pub fn large_name(&self, n_classes: usize) -> String {
        let classes: Vec<String> = (self.large_from..n_classes)
            .map(|c| c.to_string())
            .collect();
        format!("large ({})", classes.join(", "))
    }
}

/// What the multilabel step is asked for.
#[derive(Debug, Clone, Copy)]
pub struct MultilabelOptions {
    /// Neighbours of the k-NN that predicts both labels at once.
    pub k: usize,
    /// A classifier chain of this model instead of k-NN (later links trained on 3-fold
    /// out-of-fold labels, the book's `ClassifierChain(SVC(), cv=3)`).
    pub chain: Option<Model>,
    /// Unshuffled folds (scikit-learn's for multilabel targets).
    pub folds: usize,
    /// The training image whose labels are shown.
    pub index: usize,
}

/// The multilabel numbers (`classify multilabel --json`).
#[derive(Debug, Serialize)]
pub struct Multilabel {
    /// The dataset's name.
    pub dataset: String,
    /// Training images.
    pub n_train: usize,
    /// The model, in words.
    pub model: String,
    /// The two labels' names.
    pub labels: [String; 2],
    /// One training image's labels.
    pub image: LabelledImage,
    /// Folds.
    pub folds: usize,
    /// The out-of-fold F1 scores.
    #[serde(flatten)]
    pub f1: LabelF1,
}

/// One training image's labels.
#[derive(Debug, Clone, Serialize)]
pub struct LabelledImage {
    /// Its row.
    pub index: usize,
    /// Its class.
    pub digit: u8,
    /// Its true labels.
    pub truth: Vec<usize>,
    /// The labels the model fitted on every image gives it.
    pub predicted: Vec<usize>,
}

/// F1 of predicted labels against the true ones: macro, weighted and per label.
#[derive(Debug, Clone, Serialize)]
pub struct LabelF1 {
    /// Unweighted mean over the labels.
    pub f1_macro: f64,
    /// Mean weighted by each label's support.
    pub f1_weighted: f64,
    /// Each label's.
    pub f1_per_label: Vec<f64>,
}

impl LabelF1 {
    /// The F1 scores of `pred` against `truth` (0/1, one column per label).
    pub fn of(truth: &Array2<usize>, pred: &Array2<usize>) -> Result<LabelF1> {
        let to_u8 = |a: &Array2<usize>| a.iter().map(|&v| v as u8).collect::<Vec<u8>>();
        let (t, p) = (to_u8(truth), to_u8(pred));
        let f1 = |average| -> Result<Vec<f64>> {
            let prf = multilabel_precision_recall_fscore_support(
                Indicator::new(&t, truth.ncols())?,
                Indicator::new(&p, pred.ncols())?,
                &PrfOptions {
                    average,
                    ..PrfOptions::default()
                },
            )?;
            Ok(prf.fbeta.values().to_vec())
        };
        Ok(LabelF1 {
            f1_macro: f1(Some(Average::Macro))?[0],
            f1_weighted: f1(Some(Average::Weighted))?[0],
            f1_per_label: f1(None)?,
        })
    }
}

/// Runs the multilabel step: (large, odd) for every training image, out-of-fold predictions
/// of k-NN (or a classifier chain) on unshuffled folds, their F1 scores, and the labels the
/// model fitted on every image gives image `index`.
///
/// ```
/// use classify_workflow::{multilabel, MultilabelOptions};
///
/// let mut data = classify_datasets::mnist_sample()?;
/// data.train = data.train.head(1000);
/// let opts = MultilabelOptions { k: 5, chain: None, folds: 3, index: 0 };
/// let result = multilabel(&data, &opts, &())?;
/// assert_eq!(result.labels[1], "odd");
/// assert!(result.f1.f1_macro > 0.8);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn multilabel(
    data: &TrainTest,
    opts: &MultilabelOptions,
    progress: &dyn Progress,
) -> Result<Multilabel> {
    let train = &data.train;
    let index = opts.index;
    check_index(index, train.n_samples(), Images::Training)?;
    let two = TwoLabels::new(train.n_classes());
    let y = two.targets(train.target.iter().map(|&d| usize::from(d)));
    let one = train.data.slice(ndarray::s![index..index + 1, ..]);
    progress.step(&format!(
        "{}-fold cross-validation on {} images",
        opts.folds,
        thousands(y.nrows())
    ));
    let task = Labelled {
        x: (&train.data).into(),
        y: y.view(),
        row: one.into(),
        folds: opts.folds,
    };
    let (model, (oof, predicted)) = match opts.chain {
        None => (
            format!("k-NN (k = {}), both labels at once", opts.k),
            task.multi(&KNeighborsClassifier {
                n_neighbors: opts.k,
                ..Default::default()
            })?,
        ),
        Some(chain) => (
            format!("classifier chain of {} (cv = 3)", chain.name()),
            chain.run(task)?,
        ),
    };
    Ok(Multilabel {
        dataset: data.name.clone(),
        n_train: y.nrows(),
        model,
        labels: [two.large_name(train.n_classes()), "odd".to_string()],
        image: LabelledImage {
            index,
            digit: train.target[index],
            truth: y.row(index).to_vec(),
            predicted,
        },
        folds: opts.folds,
        f1: LabelF1::of(&y, &oof)?,
    })
}

/// Out-of-fold label predictions, and the labels of one image by the model fitted on all.
type Multilabelled = (Array2<usize>, Vec<usize>);

/// Out-of-fold predictions (unshuffled folds, as scikit-learn for multilabel targets), a
/// fit on everything, and the prediction for one row.
struct Labelled<'a> {
    x: Features<'a>,
    y: ArrayView2<'a, usize>,
    row: Features<'a>,
    folds: usize,
}

impl Labelled<'_> {
    fn multi<E: MultiOutputEstimator>(&self, est: &E) -> Result<Multilabelled> {
        let oof = cross_val_predict_multi(est, self.x, self.y, &Cv::KFold(self.folds))?;
        let model = est.fit_multi(self.x, self.y)?;
        Ok((oof, model.predict_multi(self.row)?.row(0).to_vec()))
    }
}

/// A chain of the model over the labels in order.
impl ModelTask for Labelled<'_> {
    type Output = Multilabelled;

    fn run<E, R>(self, estimator: E, _response: R) -> Result<Multilabelled>
    where
        E: Estimator,
        R: Response<E::Model>,
    {
        self.multi(&ClassifierChain {
            estimator,
            order: ChainOrder::Natural,
            cv: Some(3),
        })
    }
}
