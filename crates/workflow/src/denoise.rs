//! Every clean pixel predicted from noisy ones (`classify denoise`): k-NN with one output per
//! pixel, fitted on the book's noisy copies of the training images.

use classify_datasets::TrainTest;
use classify_metrics::root_mean_squared_error;
use classify_models::KNeighborsClassifier;
use ndarray::{Array2, ArrayView1, ArrayView2, Axis};
use serde::Serialize;

use crate::detector::check_index;
use crate::{thousands, Error, Images, Progress, Result};

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
