//! `classify predict --model FILE IMAGE.png`: a saved model ([`classify_persist`]) classifies
//! a user's own picture, prepared the way MNIST digits were
//! ([`classify_datasets::picture`]).

use std::path::Path;

use anyhow::Context;
use classify_datasets::picture::{decode_png, prepare, Preparation, Prepared};
use classify_persist::ModelFile;
use ndarray::Array2;
use serde::Serialize;

use crate::args::Common;
use crate::output;

#[derive(Serialize)]
struct PredictReport {
    image: String,
    model_dataset: String,
    predicted: usize,
    classes: Vec<usize>,
    probabilities: Option<Vec<f64>>,
    inverted: bool,
    preparation: Preparation,
}

/// Reads and checks the model file at `path`; an error that is not the file system's names
/// the file as unusable.
pub fn load_model(path: &Path) -> anyhow::Result<ModelFile> {
    ModelFile::load(path).map_err(|e| match e {
        classify_persist::Error::Io { .. } => anyhow::Error::new(e),
        e => anyhow::Error::new(e).context(unusable(path)),
    })
}

fn unusable(path: &Path) -> String {
    format!("{}: not a usable classify model file", path.display())
}

/// The PNG `png` as the `h × w` input of a model (one row); `unreadable` says which picture
/// could not be decoded.
pub fn picture_input(
    png: &[u8],
    [h, w]: [usize; 2],
    unreadable: impl FnOnce() -> String,
) -> anyhow::Result<(Array2<u8>, Prepared)> {
    let (gray, width, height) = decode_png(png).with_context(unreadable)?;
    let prepared = prepare(&gray, width, height, [h, w])?;
    let x = Array2::from_shape_vec((1, h * w), prepared.pixels.clone())?;
    Ok((x, prepared))
}

pub fn predict(common: &Common, model_path: &Path, image: &Path) -> anyhow::Result<()> {
    let file = load_model(model_path)?;
    let [h, w] = file.trained.image_shape;
    let png = std::fs::read(image).with_context(|| format!("opening {}", image.display()))?;
    let (x, prepared) = picture_input(&png, [h, w], || {
        format!("{} is not a readable PNG", image.display())
    })?;
    let predicted = file.model.classifier()?.predict((&x).into())?[0];
    let proba = file
        .model
        .predict_proba((&x).into())?
        .map(|p| p.row(0).to_vec());
    if let Some(out) = &common.out {
        classify_plot::digit(x.row(0), [h, w], out, &classify_plot::DigitStyle::default())?;
        if !common.json {
            eprintln!("wrote the prepared {h}×{w} image to {}", out.display());
        }
    }
    let report = PredictReport {
        image: image.display().to_string(),
        model_dataset: file.trained.dataset,
        predicted,
        classes: file.model.classifier()?.classes().to_vec(),
        probabilities: proba,
        inverted: prepared.inverted,
        preparation: prepared.preparation,
    };
    output::emit(common, &report, print)
}

fn print(report: &PredictReport) {
    println!("{}: {}", report.image, report.predicted);
    if let Some(p) = &report.probabilities {
        let mut ranked: Vec<(usize, f64)> = report
            .classes
            .iter()
            .copied()
            .zip(p.iter().copied())
            .collect();
        ranked.sort_by(|a, b| b.1.total_cmp(&a.1));
        let top: Vec<String> = ranked
            .iter()
            .take(3)
            .map(|(c, p)| format!("{c} ({:.1} %)", p * 100.0))
            .collect();
        println!("most likely: {}", top.join(", "));
    }
    if let Preparation::MnistStyle = report.preparation {
        println!("(prepared MNIST-style: the ink's box scaled into the frame, centred by mass)");
    }
}
