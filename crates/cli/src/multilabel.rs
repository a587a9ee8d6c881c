//! `classify multilabel` and `classify denoise`: several targets per image.

use anyhow::Context;
use classify_metrics::Average;
use classify_models::{
    Features, KNeighborsClassifier, LogisticRegression, MultiOutputClassifier,
    MultiOutputEstimator, SgdClassifier, Svc,
};
use classify_multiclass::{ChainOrder, ClassifierChain};
use classify_preprocessing::Scaled;
use classify_selection::{cross_val_predict_multi, Cv};
use ndarray::{Array2, ArrayView2, Axis};
use serde::Serialize;

use crate::args::{ChainModel, Common};
use crate::data::{load, TwoLabels};
use crate::figures::{self, pixel_rmse};
use crate::output::{self, spinner, thousands};

#[derive(Serialize)]
struct MultilabelReport {
    dataset: String,
    n_train: usize,
    model: String,
    labels: [String; 2],
    image: LabelledImage,
    folds: usize,
    #[serde(flatten)]
    f1: LabelF1,
}

#[derive(Serialize)]
struct LabelledImage {
    index: usize,
    digit: u8,
    truth: Vec<usize>,
    predicted: Vec<usize>,
}

/// F1 of predicted labels against the true ones: macro, weighted and per label (what
/// `classify multilabel` reports and the report's multilabel section shows).
#[derive(Serialize)]
pub(crate) struct LabelF1 {
    pub(crate) f1_macro: f64,
    pub(crate) f1_weighted: f64,
    pub(crate) f1_per_label: Vec<f64>,
}

impl LabelF1 {
    pub(crate) fn of(truth: &Array2<usize>, pred: &Array2<usize>) -> anyhow::Result<LabelF1> {
        let f1 = |average| figures::multilabel_f1(truth, pred, average);
        Ok(LabelF1 {
            f1_macro: f1(Some(Average::Macro))?[0],
            f1_weighted: f1(Some(Average::Weighted))?[0],
            f1_per_label: f1(None)?,
        })
    }
}

/// Out-of-fold label predictions, and the labels of one image by the model fitted on all.
type Multilabelled = (Array2<usize>, Vec<usize>);

/// Out-of-fold predictions (`folds` unshuffled folds, as scikit-learn for multilabel
/// targets), a fit on everything, and the prediction for one row.
fn run<E: MultiOutputEstimator>(
    est: &E,
    x: Features<'_>,
    y: ArrayView2<'_, usize>,
    row: Features<'_>,
    folds: usize,
) -> anyhow::Result<Multilabelled> {
    let oof = cross_val_predict_multi(est, x, y, &Cv::KFold(folds))?;
    let model = est.fit_multi(x, y)?;
    Ok((oof, model.predict_multi(row)?.row(0).to_vec()))
}

pub fn multilabel(common: &Common, k: usize, chain: Option<ChainModel>) -> anyhow::Result<()> {
    let folds = common.folds(3)?;
    let data = load(common)?;
    let train = &data.train;
    let index = common.index;
    if index >= train.n_samples() {
        anyhow::bail!(
            "--index {index} is out of range: {} training images",
            train.n_samples()
        );
    }
    let two = TwoLabels::new(train.n_classes());
    let large = two.large_name(train.n_classes());
    let y = two.targets(train.target.iter().map(|&d| usize::from(d)));
    let x: Features<'_> = (&train.data).into();
    let one = train.data.slice(ndarray::s![index..index + 1, ..]);
    let bar = spinner(
        common,
        &format!(
            "{folds}-fold cross-validation on {} images",
            thousands(y.nrows())
        ),
    );
    let (model, (oof, predicted)) = chosen(common, k, chain, x, y.view(), one.into(), folds)?;
    bar.finish_and_clear();
    let report = MultilabelReport {
        dataset: data.name.clone(),
        n_train: y.nrows(),
        model,
        labels: [large.clone(), "odd".to_string()],
        image: LabelledImage {
            index,
            digit: train.target[index],
            truth: y.row(index).to_vec(),
            predicted,
        },
        folds,
        f1: LabelF1::of(&y, &oof)?,
    };
    if common.json {
        return output::json(&report);
    }
    print_multilabel(&report);
    Ok(())
}

/// The model `--chain` names (k-NN with both labels at once without it), cross-validated on
/// `x`, `y`; its name, out-of-fold predictions and the labels it gives `one`.
fn chosen(
    common: &Common,
    k: usize,
    chain: Option<ChainModel>,
    x: Features<'_>,
    y: ArrayView2<'_, usize>,
    one: Features<'_>,
    folds: usize,
) -> anyhow::Result<(String, Multilabelled)> {
    Ok(match chain {
        None => (
            format!("k-NN (k = {k}), both labels at once"),
            run(
                &KNeighborsClassifier {
                    n_neighbors: k,
                    ..Default::default()
                },
                x,
                y,
                one,
                folds,
            )?,
        ),
        Some(ChainModel::Svc) => (
            "classifier chain of SVC (cv = 3)".to_string(),
            run(&chained(Svc::default()), x, y, one, folds)?,
        ),
        Some(ChainModel::Logistic) => (
            "classifier chain of scaled logistic regression (cv = 3)".to_string(),
            run(
                &chained(Scaled::new(LogisticRegression::default())),
                x,
                y,
                one,
                folds,
            )?,
        ),
        Some(ChainModel::Sgd) => (
            "classifier chain of SGD (cv = 3)".to_string(),
            run(
                &chained(SgdClassifier {
                    random_state: common.seed,
                    ..Default::default()
                }),
                x,
                y,
                one,
                folds,
            )?,
        ),
    })
}

fn print_multilabel(report: &MultilabelReport) {
    let large = &report.labels[0];
    println!(
        "multilabel on {}: {} training images; labels: {large}, odd; model: {}",
        report.dataset,
        thousands(report.n_train),
        report.model
    );
    let yes = |v: usize| if v == 1 { "yes" } else { "no" };
    let e = &report.image;
    println!(
        "training image {} (a {}): large {}, odd {} (truth: large {}, odd {})",
        e.index,
        e.digit,
        yes(e.predicted[0]),
        yes(e.predicted[1]),
        yes(e.truth[0]),
        yes(e.truth[1])
    );
    println!(
        "{}-fold out-of-fold F1: macro {:.4}, weighted {:.4} (large {:.4}, odd {:.4})",
        report.folds,
        report.f1.f1_macro,
        report.f1.f1_weighted,
        report.f1.f1_per_label[0],
        report.f1.f1_per_label[1]
    );
}

#[derive(Serialize)]
struct DenoiseReport {
    dataset: String,
    n_train: usize,
    n_test: usize,
    k: usize,
    noise: &'static str,
    rmse_noisy: f64,
    rmse_denoised: f64,
    psnr_noisy_db: f64,
    psnr_denoised_db: f64,
    /// RMSE over the pixels that are blank in the clean images (where only noise can be);
    /// `null` when no pixel is.
    rmse_background_noisy: Option<f64>,
    rmse_background_denoised: Option<f64>,
    picture: String,
}

/// The book's noisy images: `np.random.seed(seed)`, then `randint(0, 100)` added to every
/// training pixel and then to every test pixel, from the one generator (NumPy's numbers for
/// the same seed: `--save-noisy` writes exactly the arrays the book's notebook makes).
pub(crate) fn noisy_pair(
    train: ArrayView2<'_, u8>,
    test: ArrayView2<'_, u8>,
    seed: u64,
) -> anyhow::Result<(Array2<f32>, Array2<f32>)> {
    use classify_datasets::augment::add_noise;
    let mut rs = classify_random::RandomState::new(seed)?;
    let x = add_noise(train, 100, &mut rs)?;
    Ok((x, add_noise(test, 100, &mut rs)?))
}

/// k-NN (`k` neighbours) with one output per pixel, fitted on the noisy training images
/// `x` with their clean pixels `y` as targets, as they are (`u8`); the cleaned `noisy` images.
/// `classify denoise` and the report's denoising section both clean images so.
pub(crate) fn clean_pixels(
    k: usize,
    x: &Array2<f32>,
    y: ArrayView2<'_, u8>,
    noisy: &Array2<f32>,
) -> anyhow::Result<Array2<f32>> {
    let model = KNeighborsClassifier {
        n_neighbors: k,
        ..Default::default()
    }
    .fit_multioutput(x.into(), y)?;
    Ok(model.predict(noisy.into())?.mapv(|v| v as f32))
}

/// The RMSE of the noisy and of the cleaned images against the clean ones, over every pixel.
pub(crate) fn rmse_before_after(
    noisy: &Array2<f32>,
    cleaned: &Array2<f32>,
    clean: &Array2<f32>,
) -> anyhow::Result<[f64; 2]> {
    let every =
        |a: &Array2<f32>| pixel_rmse(a.view(), clean.view(), |_| true)?.context("no test pixels");
    Ok([every(noisy)?, every(cleaned)?])
}

fn psnr(rmse: f64) -> f64 {
    20.0 * (255.0 / rmse).log10()
}

pub fn denoise(
    common: &Common,
    k: usize,
    test_images: usize,
    save_noisy: Option<&std::path::Path>,
) -> anyhow::Result<()> {
    let data = load(common)?;
    let (train, test) = (&data.train, &data.test);
    let m = test_images.min(test.n_samples());
    if m == 0 {
        anyhow::bail!("--test-images must be at least 1");
    }
    let index = common.index;
    if index >= m {
        anyhow::bail!(
            "--index {index} is out of range: {m} test images are cleaned (--test-images)"
        );
    }
    let bar = spinner(
        common,
        &format!(
            "cleaning {m} noisy test images with {} training pairs",
            thousands(train.n_samples())
        ),
    );
    let test_clean = test.data.slice(ndarray::s![..m, ..]).to_owned();
    let (x, xt) = noisy_pair(train.data.view(), test_clean.view(), common.seed)?;
    if let Some(dir) = save_noisy {
        save_noisy_arrays(dir, &x, &xt)?;
    }
    let cleaned = clean_pixels(k, &x, train.data.view(), &xt)?;
    bar.finish_and_clear();
    let clean = test_clean.mapv(f32::from);
    let blank = |v: f32| v == 0.0;
    let [rmse_noisy, rmse_denoised] = rmse_before_after(&xt, &cleaned, &clean)?;
    let out = common
        .out
        .clone()
        .unwrap_or_else(|| std::path::PathBuf::from("denoise.png"));
    write_triple(
        &out,
        test.image_shape,
        [xt.row(index), cleaned.row(index)],
        test_clean.row(index),
    )?;
    let report = DenoiseReport {
        dataset: data.name.clone(),
        n_train: train.n_samples(),
        n_test: m,
        k,
        noise: "uniform integers 0-99 added to every pixel",
        rmse_noisy,
        rmse_denoised,
        psnr_noisy_db: psnr(rmse_noisy),
        psnr_denoised_db: psnr(rmse_denoised),
        rmse_background_noisy: pixel_rmse(xt.view(), clean.view(), blank)?,
        rmse_background_denoised: pixel_rmse(cleaned.view(), clean.view(), blank)?,
        picture: out.display().to_string(),
    };
    if common.json {
        return output::json(&report);
    }
    print_denoise(&report, index);
    Ok(())
}

/// `--save-noisy DIR`: the noisy training and test images as NumPy files.
fn save_noisy_arrays(
    dir: &std::path::Path,
    x: &Array2<f32>,
    xt: &Array2<f32>,
) -> anyhow::Result<()> {
    if dir.exists() && !dir.is_dir() {
        anyhow::bail!("--save-noisy {}: a file, not a folder", dir.display());
    }
    std::fs::create_dir_all(dir).with_context(|| format!("creating {}", dir.display()))?;
    for (name, a) in [("noisy-train.npy", x), ("noisy-test.npy", xt)] {
        let path = dir.join(name);
        write_npy_u16(&path, a).with_context(|| format!("writing {}", path.display()))?;
    }
    Ok(())
}

/// One test image noisy, cleaned and clean, side by side, written to `out`.
fn write_triple(
    out: &std::path::Path,
    shape: Option<[usize; 2]>,
    [noisy, cleaned]: [ndarray::ArrayView1<'_, f32>; 2],
    clean: ndarray::ArrayView1<'_, u8>,
) -> anyhow::Result<()> {
    classify_plot::digit_grid(
        triple(noisy, cleaned, clean)?.view(),
        shape.unwrap_or([28, 28]),
        3,
        out,
        &classify_plot::DigitStyle::default(),
    )
    .with_context(|| format!("writing {}", out.display()))?;
    Ok(())
}

/// One image noisy (clipped to 255), cleaned and clean, as three rows of pixels.
pub(crate) fn triple(
    noisy: ndarray::ArrayView1<'_, f32>,
    cleaned: ndarray::ArrayView1<'_, f32>,
    clean: ndarray::ArrayView1<'_, u8>,
) -> anyhow::Result<Array2<u8>> {
    let (noisy, cleaned) = (
        noisy.mapv(|v| v.min(255.0) as u8),
        cleaned.mapv(|v| v as u8),
    );
    Ok(ndarray::stack(
        Axis(0),
        &[noisy.view(), cleaned.view(), clean.view()],
    )?)
}

fn print_denoise(r: &DenoiseReport, index: usize) {
    println!(
        "denoising {} on {}: k-NN (k = {}) maps noisy pixels to clean ones, {} training pairs",
        thousands(r.n_test),
        r.dataset,
        r.k,
        thousands(r.n_train)
    );
    println!(
        "RMSE: noisy {:.2} -> cleaned {:.2}   PSNR: {:.2} dB -> {:.2} dB",
        r.rmse_noisy, r.rmse_denoised, r.psnr_noisy_db, r.psnr_denoised_db
    );
    if let (Some(noisy), Some(denoised)) = (r.rmse_background_noisy, r.rmse_background_denoised) {
        println!(
            "background (blank in the clean image): RMSE {noisy:.2} -> {denoised:.2}; the rest \
             of the error is strokes drawn like a neighbour's rather than exactly like this \
             digit's"
        );
    }
    println!(
        "test image {index}: noisy, cleaned and clean written to {}",
        r.picture
    );
}

/// Writes `a` (whole numbers in `0..=65535`) as a NumPy `.npy` file (format 1.0,
/// little-endian uint16, C order), through a temporary file renamed into place.
fn write_npy_u16(path: &std::path::Path, a: &Array2<f32>) -> std::io::Result<()> {
    use std::io::Write;
    let (n, d) = a.dim();
    let mut header = format!("{{'descr': '<u2', 'fortran_order': False, 'shape': ({n}, {d}), }}");
    // Magic (6) + version (2) + length (2) + header + newline: a multiple of 64 bytes.
    while (10 + header.len() + 1) % 64 != 0 {
        header.push(' ');
    }
    header.push('\n');
    let tmp = path.with_extension("npy.part");
    {
        let mut f = std::io::BufWriter::new(std::fs::File::create(&tmp)?);
        f.write_all(b"\x93NUMPY\x01\x00")?;
        f.write_all(&(header.len() as u16).to_le_bytes())?;
        f.write_all(header.as_bytes())?;
        for &v in a.iter() {
            f.write_all(&(v as u16).to_le_bytes())?;
        }
        f.into_inner().map_err(|e| e.into_error())?.sync_all()?;
    }
    std::fs::rename(&tmp, path)
}

/// A chain over the labels in order, later links trained on 3-fold out-of-fold labels (the
/// book's `ClassifierChain(SVC(), cv=3)`).
fn chained<E>(estimator: E) -> ClassifierChain<E> {
    ClassifierChain {
        estimator,
        order: ChainOrder::Natural,
        cv: Some(3),
    }
}
