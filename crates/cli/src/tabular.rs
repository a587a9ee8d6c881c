//! `classify tabular --dataset FILE.csv --label COLUMN`: any table through the Titanic
//! exercise's path — numbers imputed by median and scaled, text one-hot encoded after
//! most-frequent imputation — and a random forest against an SVC by stratified
//! cross-validation (scikit-learn's `cross_val_score` of the same pipelines).

use std::path::Path;

use anyhow::Context;
use classify_models::{Gamma, RandomForestClassifier, Svc, SvcKernel};
use classify_preprocessing::{
    cross_val_accuracy, Column, ColumnTransformer, Group, HandleUnknown, Impute, Pipeline, Step,
    Table,
};
use classify_selection::Cv;
use serde::Serialize;

use crate::args::Common;
use crate::data::cache;
use crate::output::{self, spinner};

/// The two pipelines of a comparison and their fold accuracies.
pub struct Compared {
    /// Random forest (100 trees, `random_state` = `--seed`) after the preparation.
    pub forest: Pipeline<RandomForestClassifier>,
    /// RBF SVC after the preparation.
    pub svc: Pipeline<Svc>,
    /// The forest's accuracy on each fold.
    pub forest_scores: Vec<f64>,
    /// The SVC's.
    pub svc_scores: Vec<f64>,
}

/// A random forest and an RBF SVC (kernel width `gamma`), each after `prepare`, scored on the
/// same `folds` stratified folds of `table`'s rows.
pub fn compare(
    common: &Common,
    table: &Table,
    y: &[usize],
    prepare: ColumnTransformer,
    (folds, gamma): (usize, Gamma),
) -> anyhow::Result<Compared> {
    let cv = Cv::Stratified(folds);
    let forest = Pipeline {
        prepare: prepare.clone(),
        model: RandomForestClassifier {
            random_state: common.seed,
            ..Default::default()
        },
    };
    let forest_scores = cross_val_accuracy(&forest, table, y, &cv)?;
    let svc = Pipeline {
        prepare,
        model: Svc {
            kernel: SvcKernel::Rbf { gamma },
            ..Default::default()
        },
    };
    let svc_scores = cross_val_accuracy(&svc, table, y, &cv)?;
    Ok(Compared {
        forest,
        svc,
        forest_scores,
        svc_scores,
    })
}

impl Compared {
    /// The box plot of both models' fold accuracies, written to `out`.
    pub fn box_plot(&self, title: String, out: &Path) -> anyhow::Result<()> {
        classify_plot::BoxPlot {
            title,
            y_label: "Accuracy".into(),
            groups: vec![
                ("random forest".into(), self.forest_scores.clone()),
                ("SVC".into(), self.svc_scores.clone()),
            ],
        }
        .write(out)?;
        Ok(())
    }
}

/// The mean of `v` (0 when empty).
pub fn mean(v: &[f64]) -> f64 {
    v.iter().sum::<f64>() / v.len().max(1) as f64
}

#[derive(Serialize)]
struct TabularReport {
    dataset: String,
    label: String,
    classes: Vec<String>,
    n_rows: usize,
    numeric_columns: Vec<String>,
    text_columns: Vec<String>,
    n_features: usize,
    folds: usize,
    forest_fold_accuracy: Vec<f64>,
    forest_mean_accuracy: f64,
    svc_fold_accuracy: Vec<f64>,
    svc_mean_accuracy: f64,
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

/// The label column as class indices, and the class names: sorted numbers, or sorted text
/// (scikit-learn's `np.unique` order).
fn classes(column: &Column, label: &str) -> anyhow::Result<(Vec<usize>, Vec<String>)> {
    let missing = |i: usize| anyhow::anyhow!("row {}: no {label}", i + 1);
    let (y, names): (Vec<usize>, Vec<String>) = match column {
        Column::Numeric(v) => {
            if let Some(i) = v.iter().position(|x| x.is_nan()) {
                return Err(missing(i));
            }
            let mut values = v.clone();
            values.sort_by(f64::total_cmp);
            values.dedup();
            let y = v
                .iter()
                .map(|x| values.partition_point(|u| u < x))
                .collect();
            (y, values.iter().map(f64::to_string).collect())
        }
        Column::Text(v) => {
            let texts: Vec<&str> = v
                .iter()
                .enumerate()
                .map(|(i, t)| t.as_deref().ok_or_else(|| missing(i)))
                .collect::<anyhow::Result<_>>()?;
            let mut names: Vec<&str> = texts.clone();
            names.sort_unstable();
            names.dedup();
            let y = texts
                .iter()
                .map(|t| names.partition_point(|u| u < t))
                .collect();
            (y, names.into_iter().map(String::from).collect())
        }
    };
    if names.len() < 2 {
        anyhow::bail!("{label} holds a single class; a classifier needs at least two");
    }
    Ok((y, names))
}

/// The preparation of every column but `label` and `drop`: numbers imputed by median and
/// scaled, text by the most frequent value and one-hot encoded; with the two groups' columns.
fn preparation(
    table: &Table,
    label: &str,
    drop: &[String],
) -> anyhow::Result<(ColumnTransformer, Vec<String>, Vec<String>)> {
    for d in drop {
        table.column(d).with_context(|| format!("--drop {d}"))?;
    }
    let (mut numeric, mut text) = (Vec::new(), Vec::new());
    for name in table
        .names()
        .iter()
        .filter(|n| *n != label && !drop.contains(n))
    {
        match table.column(name)? {
            Column::Numeric(_) => numeric.push(name.clone()),
            Column::Text(_) => text.push(name.clone()),
        }
    }
    if numeric.is_empty() && text.is_empty() {
        anyhow::bail!("no feature columns besides --label {label}");
    }
    let mut groups = Vec::new();
    if !numeric.is_empty() {
        groups.push(Group {
            name: "numbers".into(),
            columns: numeric.clone(),
            steps: vec![Step::Impute(Impute::Median), Step::Scale],
        });
    }
    if !text.is_empty() {
        groups.push(Group {
            name: "text".into(),
            columns: text.clone(),
            steps: vec![
                Step::Impute(Impute::MostFrequent),
                Step::OneHot(HandleUnknown::Ignore),
            ],
        });
    }
    Ok((ColumnTransformer { groups }, numeric, text))
}

pub fn tabular(common: &Common, label: &str, drop: &[String]) -> anyhow::Result<()> {
    let folds = common.folds(5)?;
    let table = read_table(common)?;
    // The table's error names the columns there are.
    let column = table
        .column(label)
        .with_context(|| format!("--label {label}"))?;
    let (y, class_names) = classes(column, label)?;
    let (prepare, numeric, text) = preparation(&table, label, drop)?;
    let bar = spinner(common, &format!("{folds}-fold cross-validation"));
    let compared = compare(common, &table, &y, prepare, (folds, Gamma::Scale))?;
    let n_features = compared.forest.prepare.fit(&table)?.n_features();
    if let Some(out) = &common.out {
        // The table's name, not its whole path, titles the figure.
        let name = Path::new(&common.dataset)
            .file_stem()
            .map_or(common.dataset.clone(), |s| s.to_string_lossy().into_owned());
        compared.box_plot(format!("{name}: {folds}-fold accuracy"), out)?;
    }
    bar.finish_and_clear();
    let report = TabularReport {
        dataset: common.dataset.clone(),
        label: label.to_string(),
        classes: class_names,
        n_rows: table.n_rows(),
        numeric_columns: numeric,
        text_columns: text,
        n_features,
        folds,
        forest_mean_accuracy: mean(&compared.forest_scores),
        forest_fold_accuracy: compared.forest_scores,
        svc_mean_accuracy: mean(&compared.svc_scores),
        svc_fold_accuracy: compared.svc_scores,
        figure: common.out.as_ref().map(|p| p.display().to_string()),
    };
    if common.json {
        return output::json(&report);
    }
    println!(
        "{}: {} rows, {} classes of {label} ({}); {} numeric and {} text columns -> {} features",
        report.dataset,
        report.n_rows,
        report.classes.len(),
        report.classes.join(", "),
        report.numeric_columns.len(),
        report.text_columns.len(),
        report.n_features
    );
    println!(
        "{folds}-fold accuracy: random forest {:.4}, SVC {:.4}",
        report.forest_mean_accuracy, report.svc_mean_accuracy
    );
    Ok(())
}
