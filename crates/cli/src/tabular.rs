//! `classify tabular --dataset FILE.csv --label COLUMN`: any table through the Titanic
//! exercise's path, printed from [`classify_workflow::tabular`].

use std::path::Path;

use anyhow::Context;
use classify_preprocessing::Table;
use classify_workflow::{Tabular, TabularOptions};
use serde::Serialize;

use crate::args::Common;
use crate::data::cache;
use crate::output;

/// The box plot of both models' fold accuracies, written to `out`.
pub fn box_plot(title: String, (forest, svc): (&[f64], &[f64]), out: &Path) -> anyhow::Result<()> {
    classify_plot::BoxPlot {
        title,
        y_label: "Accuracy".into(),
        groups: vec![
            ("random forest".into(), forest.to_vec()),
            ("SVC".into(), svc.to_vec()),
        ],
    }
    .write(out)?;
    Ok(())
}

#[derive(Serialize)]
struct TabularReport<'a> {
    dataset: String,
    label: String,
    #[serde(flatten)]
    result: &'a Tabular,
    figure: Option<String>,
}

/// The table `--dataset` names: a CSV file, or a tabular dataset of the cache (its first file).
fn read_table(common: &Common) -> anyhow::Result<Table> {
    let name = &common.dataset;
    if let Some(info) = classify_datasets::tabular::tabular(name) {
        let files = cache(common)?.load_tabular(info)?;
        let (file, bytes) = files.first().context("the dataset has no files")?;
        return Table::from_csv(bytes.as_slice()).with_context(|| format!("reading {file}"));
    }
    let path = Path::new(name);
    if !path.is_file() {
        anyhow::bail!(
            "--dataset {name}: `classify tabular` reads a CSV file (--dataset FILE.csv) or titanic"
        );
    }
    let file = std::fs::File::open(path).with_context(|| format!("opening {name}"))?;
    Table::from_csv(std::io::BufReader::new(file)).with_context(|| format!("reading {name}"))
}

pub fn tabular(common: &Common, label: &str, drop: &[String]) -> anyhow::Result<()> {
    let opts = TabularOptions {
        label: label.to_string(),
        drop: drop.to_vec(),
        folds: common.folds(5)?,
        seed: common.seed,
    };
    let table = read_table(common)?;
    let result = output::with_progress(common, |p| classify_workflow::tabular(&table, &opts, p))?;
    let folds = opts.folds;
    if let Some(out) = &common.out {
        // The table's name, not its whole path, titles the figure.
        let name = Path::new(&common.dataset)
            .file_stem()
            .map_or(common.dataset.clone(), |s| s.to_string_lossy().into_owned());
        let scores = (
            &result.forest_fold_accuracy[..],
            &result.svc_fold_accuracy[..],
        );
        box_plot(format!("{name}: {folds}-fold accuracy"), scores, out)?;
    }
    let report = TabularReport {
        dataset: common.dataset.clone(),
        label: label.to_string(),
        result: &result,
        figure: common.out.as_ref().map(|p| p.display().to_string()),
    };
    if common.json {
        return output::json(&report);
    }
    let r = &result;
    println!(
        "{}: {} rows, {} classes of {label} ({}); {} numeric and {} text columns -> {} features",
        report.dataset,
        r.n_rows,
        r.classes.len(),
        r.classes.join(", "),
        r.numeric_columns.len(),
        r.text_columns.len(),
        r.n_features
    );
    println!(
        "{folds}-fold accuracy: random forest {:.4}, SVC {:.4}",
        r.forest_mean_accuracy, r.svc_mean_accuracy
    );
    Ok(())
}
