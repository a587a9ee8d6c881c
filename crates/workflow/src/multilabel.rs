//! Several targets per image: two labels per digit (`classify multilabel`), and every clean
//! pixel predicted from noisy ones (`classify denoise`).

use classify_datasets::TrainTest;
use classify_metrics::{
    multilabel_precision_recall_fscore_support, root_mean_squared_error, Average, Indicator,
    PrfOptions,
};
use classify_models::{
    Estimator, Features, KNeighborsClassifier, MultiOutputClassifier, MultiOutputEstimator,
};
use classify_multiclass::{ChainOrder, ClassifierChain};
use classify_selection::{cross_val_predict_multi, Cv, Response};
use ndarray::{Array2, ArrayView1, ArrayView2, Axis};
use serde::Serialize;

use crate::detector::check_index;
use crate::model::{Model, ModelTask};
use crate::{thousands, Error, Images, Progress, Result};

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

/// What the denoising step is asked for.
#[derive(Debug, Clone, Copy)]
pub struct DenoiseOptions {
    /// Neighbours.
    pub k: usize,
    /// How many test images to clean (at most the test set).
    pub test_images: usize,
    /// The test image to show (one of those cleaned).
    pub index: usize,
    /// The noise's seed.
    pub seed: u64,
}

/// The denoising numbers (`classify denoise --json`) and the images behind them.
#[derive(Debug, Serialize)]
pub struct Denoised {
    /// The dataset's name.
    pub dataset: String,
    /// Training pairs (noisy, clean).
    pub n_train: usize,
    /// Test images cleaned.
    pub n_test: usize,
    /// Neighbours.
    pub k: usize,
    /// The noise, in words.
    pub noise: &'static str,
    /// RMSE of the noisy test images against the clean ones.
    pub rmse_noisy: f64,
    /// RMSE of the cleaned ones.
    pub rmse_denoised: f64,
    /// PSNR of the noisy ones.
    pub psnr_noisy_db: f64,
    /// PSNR of the cleaned ones.
    pub psnr_denoised_db: f64,
    /// RMSE over the pixels that are blank in the clean images (where only noise can be);
    /// `null` when no pixel is.
    pub rmse_background_noisy: Option<f64>,
    /// The same, cleaned.
    pub rmse_background_denoised: Option<f64>,
    /// The images.
    #[serde(skip)]
    pub images: DenoisedImages,
}

/// The noisy inputs, the cleaned test images and the clean ones.
#[derive(Debug, Clone)]
pub struct DenoisedImages {
    /// Noisy training images.
    pub noisy_train: Array2<f32>,
    /// Noisy test images.
    pub noisy_test: Array2<f32>,
    /// The test images as k-NN cleaned them.
    pub cleaned: Array2<f32>,
    /// The clean test images.
    pub clean: Array2<u8>,
}

impl DenoisedImages {
    /// Test image `i` noisy (clipped to 255), cleaned and clean, as three rows of pixels.
    pub fn triple(&self, i: usize) -> Result<Array2<u8>> {
        triple(
            self.noisy_test.row(i),
            self.cleaned.row(i),
            self.clean.row(i),
        )
    }
}

/// Runs the denoising step: the book's noise (`np.random.seed(seed)`, then `randint(0, 100)`
/// added to every training pixel and then to every test pixel, from the one generator), then
/// k-NN with one output per pixel, fitted on the noisy training images with their clean
/// pixels as targets, cleans the first `test_images` noisy test images; RMSE and PSNR before
/// and after.
///
/// ```
/// use classify_workflow::{denoise, DenoiseOptions};
///
/// let data = classify_datasets::mnist_sample()?;
/// let opts = DenoiseOptions { k: 5, test_images: 20, index: 0, seed: 42 };
/// let result = denoise(&data, &opts, &())?;
/// assert!(result.rmse_denoised < result.rmse_noisy);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn denoise(
    data: &TrainTest,
    opts: &DenoiseOptions,
    progress: &dyn Progress,
) -> Result<Denoised> {
    let (train, test) = (&data.train, &data.test);
    let m = opts.test_images.min(test.n_samples());
    if m == 0 {
        return Err(Error::option(
            "test_images",
            opts.test_images,
            "must be at least 1",
        ));
    }
    check_index(opts.index, m, Images::Cleaned)?;
    progress.step(&format!(
        "cleaning {m} noisy test images with {} training pairs",
        thousands(train.n_samples())
    ));
    let clean = test.data.slice(ndarray::s![..m, ..]).to_owned();
    let mut rs = classify_random::RandomState::new(opts.seed)?;
    let noisy_train = classify_datasets::augment::add_noise(train.data.view(), 100, &mut rs)?;
    let noisy_test = classify_datasets::augment::add_noise(clean.view(), 100, &mut rs)?;
    let cleaned = KNeighborsClassifier {
        n_neighbors: opts.k,
        ..Default::default()
    }
    .fit_multioutput((&noisy_train).into(), train.data.view())?
    .predict((&noisy_test).into())?
    .mapv(|v| v as f32);
    let clean_f = clean.mapv(f32::from);
    let every = |a: &Array2<f32>| -> Result<f64> {
        pixel_rmse(a.view(), clean_f.view(), |_| true)?
            .ok_or_else(|| Error::option("test_images", m, "the images hold no pixels"))
    };
    let blank = |v: f32| v == 0.0;
    let (rmse_noisy, rmse_denoised) = (every(&noisy_test)?, every(&cleaned)?);
    Ok(Denoised {
        dataset: data.name.clone(),
        n_train: train.n_samples(),
        n_test: m,
        k: opts.k,
        noise: "uniform integers 0-99 added to every pixel",
        rmse_noisy,
        rmse_denoised,
        psnr_noisy_db: psnr(rmse_noisy),
        psnr_denoised_db: psnr(rmse_denoised),
        rmse_background_noisy: pixel_rmse(noisy_test.view(), clean_f.view(), blank)?,
        rmse_background_denoised: pixel_rmse(cleaned.view(), clean_f.view(), blank)?,
        images: DenoisedImages {
            noisy_train,
            noisy_test,
            cleaned,
            clean,
        },
    })
}

fn psnr(rmse: f64) -> f64 {
    20.0 * (255.0 / rmse).log10()
}

/// RMSE between images and clean ones (values 0–255; noisy ones may exceed 255), over the
/// pixels where `keep(clean value)` holds; `None` where no pixel does.
fn pixel_rmse(
    a: ArrayView2<'_, f32>,
    clean: ArrayView2<'_, f32>,
    keep: impl Fn(f32) -> bool,
) -> Result<Option<f64>> {
    let (kept, kept_clean): (Vec<f32>, Vec<f32>) = a
        .iter()
        .zip(clean)
        .filter(|(_, &c)| keep(c))
        .map(|(&x, &c)| (x, c))
        .unzip();
    if kept.is_empty() {
        return Ok(None);
    }
    Ok(Some(root_mean_squared_error(&kept_clean, &kept)?))
}

/// One image noisy (clipped to 255), cleaned and clean, as three rows of pixels.
fn triple(
    noisy: ArrayView1<'_, f32>,
    cleaned: ArrayView1<'_, f32>,
    clean: ArrayView1<'_, u8>,
) -> Result<Array2<u8>> {
    let (noisy, cleaned) = (
        noisy.mapv(|v| v.min(255.0) as u8),
        cleaned.mapv(|v| v as u8),
    );
    Ok(ndarray::stack(
        Axis(0),
        &[noisy.view(), cleaned.view(), clean.view()],
    )?)
}
