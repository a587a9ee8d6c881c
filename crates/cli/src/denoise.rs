//! `classify denoise`: every clean pixel predicted from noisy ones, printed from
//! [`classify_workflow::denoise`], with the picture and the noisy arrays.

use anyhow::Context;
use classify_workflow::{DenoiseOptions, Denoised, DenoisedImages};
use ndarray::Array2;
use serde::Serialize;

use crate::args::Common;
use crate::data::load;
use crate::output::{self, thousands};

/// `classify denoise --json`: the step's numbers and where the picture went.
#[derive(Serialize)]
struct DenoiseReport<'a> {
    #[serde(flatten)]
    result: &'a Denoised,
    picture: String,
}

pub fn denoise(
    common: &Common,
    k: usize,
    test_images: usize,
    save_noisy: Option<&std::path::Path>,
) -> anyhow::Result<()> {
    let opts = DenoiseOptions {
        k,
        test_images,
        index: common.index,
        seed: common.seed,
    };
    let data = load(common)?;
    let result = output::with_progress(common, |p| classify_workflow::denoise(&data, &opts, p))?;
    let images = &result.images;
    if let Some(dir) = save_noisy {
        save_noisy_arrays(dir, &images.noisy_train, &images.noisy_test)?;
    }
    let out = common
        .out
        .clone()
        .unwrap_or_else(|| std::path::PathBuf::from("denoise.png"));
    write_triple(&out, data.test.image_shape, images, opts.index)?;
    let report = DenoiseReport {
        result: &result,
        picture: out.display().to_string(),
    };
    if common.json {
        return output::json(&report);
    }
    print_denoise(&report, opts.index);
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
        classify_datasets::npy::write_u16(&path, a)
            .with_context(|| format!("writing {}", path.display()))?;
    }
    Ok(())
}

/// One test image noisy, cleaned and clean, side by side, written to `out`.
fn write_triple(
    out: &std::path::Path,
    shape: Option<[usize; 2]>,
    images: &DenoisedImages,
    index: usize,
) -> anyhow::Result<()> {
    classify_plot::digit_grid(
        images.triple(index)?.view(),
        shape.unwrap_or([28, 28]),
        3,
        out,
        &classify_plot::DigitStyle::default(),
    )
    .with_context(|| format!("writing {}", out.display()))?;
    Ok(())
}

fn print_denoise(report: &DenoiseReport<'_>, index: usize) {
    let r = report.result;
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
        report.picture
    );
}
