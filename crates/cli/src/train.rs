//! `classify train [--save FILE]`: a model fitted on the training set, scored on the test set
//! and saved as a checked model file ([`classify_persist`]).

use std::path::Path;

use classify_models::Features;
use classify_persist::{Encoding, ModelFile, Trained};
use classify_workflow::{Model, ModelKind};
use serde::Serialize;

use crate::args::Common;
use crate::data::load;
use crate::output::{self, spinner, thousands};

#[derive(Serialize)]
struct TrainReport {
    dataset: String,
    model: String,
    n_train: usize,
    test_accuracy: f64,
    /// Seconds spent fitting, and predicting the test set.
    fit_seconds: f64,
    test_seconds: f64,
    /// Where the model was saved (`--save`), if it was, and its size.
    saved: Option<String>,
    bytes: Option<u64>,
}

pub fn train(
    common: &Common,
    model: Model,
    save: Option<&Path>,
    encoding: Encoding,
) -> anyhow::Result<()> {
    if model.kind == ModelKind::Dummy {
        anyhow::bail!(
            "--model dummy: classify train saves knn, forest, sgd, logistic or svc (a dummy \
             predicts one class)"
        );
    }
    let data = load(common)?;
    let y: Vec<usize> = data.train.labels();
    let x: Features<'_> = (&data.train.data).into();
    let bar = spinner(
        common,
        &format!("training on {} images", thousands(y.len())),
    );
    let start = std::time::Instant::now();
    let model = model.fit_any(x, &y)?;
    let fit_seconds = start.elapsed().as_secs_f64();
    bar.set_message("scoring the test set");
    let start = std::time::Instant::now();
    let pred = model.classifier()?.predict((&data.test.data).into())?;
    let test_seconds = start.elapsed().as_secs_f64();
    let truth: Vec<usize> = data.test.labels();
    let test_accuracy = classify_metrics::accuracy_score(&truth, &pred, None)?;
    let file = ModelFile {
        trained: Trained {
            dataset: data.name.clone(),
            n_train: y.len(),
            image_shape: data.train.image_shape.unwrap_or([28, 28]),
        },
        model,
    };
    let bytes = match save {
        Some(path) => {
            bar.set_message("saving");
            Some(file.save(path, encoding)?)
        }
        None => None,
    };
    bar.finish_and_clear();
    let report = TrainReport {
        dataset: data.name.clone(),
        model: file.model.describe(),
        n_train: y.len(),
        test_accuracy,
        fit_seconds,
        test_seconds,
        saved: save.map(|p| p.display().to_string()),
        bytes,
    };
    output::emit(common, &report, print)
}

fn print(report: &TrainReport) {
    println!(
        "{} trained on {} images of {} in {:.2} s: test accuracy {:.4} ({:.2} s)",
        report.model,
        thousands(report.n_train),
        report.dataset,
        report.fit_seconds,
        report.test_accuracy,
        report.test_seconds
    );
    match (&report.saved, report.bytes) {
        (Some(path), Some(n)) => println!("saved to {path} ({} bytes)", thousands(n as usize)),
        _ => println!("not saved (--save FILE writes the model)"),
    }
}
