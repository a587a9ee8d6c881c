//! `classify titanic`: the book's Titanic exercise: a column pipeline (median / most-frequent
//! imputation, scaling, one-hot encoding), random forest and SVC with 10-fold
//! cross-validation, a box plot, and a Kaggle submission.

use std::path::Path;

use anyhow::Context;
use classify_models::Gamma;
use classify_preprocessing::{ColumnTransformer, Group, HandleUnknown, Impute, Step, Table};
use serde::Serialize;

use crate::args::Common;
use crate::data::cache;
use crate::output::{self, spinner};
use crate::tabular::{compare, mean};

#[derive(Serialize)]
struct TitanicReport {
    n_train: usize,
    n_test: usize,
    features: Vec<String>,
    folds: usize,
    forest_fold_accuracy: Vec<f64>,
    forest_mean_accuracy: f64,
    svc_fold_accuracy: Vec<f64>,
    svc_mean_accuracy: f64,
    submission: String,
    submission_model: &'static str,
    predicted_survivors: usize,
    figure: Option<String>,
}

fn names(v: &[&str]) -> Vec<String> {
    v.iter().map(|s| s.to_string()).collect()
}

/// The book's preparation: numbers imputed by median and scaled; categories imputed by the
/// most frequent value and one-hot encoded (unknown ones ignored).
fn preparation() -> ColumnTransformer {
    ColumnTransformer {
        groups: vec![
            Group {
                name: "numbers".into(),
                columns: names(&["Age", "SibSp", "Parch", "Fare"]),
                steps: vec![Step::Impute(Impute::Median), Step::Scale],
            },
            Group {
                name: "categories".into(),
                columns: names(&["Pclass", "Sex", "Embarked"]),
                steps: vec![
                    Step::Impute(Impute::MostFrequent),
                    Step::OneHot(HandleUnknown::Ignore),
                ],
            },
        ],
    }
}

pub fn titanic(common: &Common, folds: usize, submission: &Path) -> anyhow::Result<()> {
    let (train, test, y) = read_titanic(common)?;
    let bar = spinner(common, &format!("{folds}-fold cross-validation"));
    let compared = compare(common, &train, &y, preparation(), (folds, Gamma::Auto))?;
    let (forest_scores, svc_scores) = (&compared.forest_scores, &compared.svc_scores);
    bar.set_message("fitting on all passengers, predicting the test set");
    // The better of the two in cross-validation writes the submission.
    let (use_svc, submission_model) = if mean(svc_scores) >= mean(forest_scores) {
        (true, "SVC (RBF, gamma = auto)")
    } else {
        (false, "random forest (100 trees)")
    };
    let (pred, features) = if use_svc {
        let m = compared.svc.fit(&train, &y)?;
        (m.predict(&test)?, m.prepare.feature_names().to_vec())
    } else {
        let m = compared.forest.fit(&train, &y)?;
        (m.predict(&test)?, m.prepare.feature_names().to_vec())
    };
    write_submission(submission, &test, &pred)?;
    if let Some(out) = &common.out {
        compared.box_plot(format!("Titanic: {folds}-fold accuracy"), out)?;
    }
    bar.finish_and_clear();
    let report = TitanicReport {
        n_train: train.n_rows(),
        n_test: test.n_rows(),
        features,
        folds,
        forest_mean_accuracy: mean(forest_scores),
        forest_fold_accuracy: forest_scores.clone(),
        svc_mean_accuracy: mean(svc_scores),
        svc_fold_accuracy: svc_scores.clone(),
        submission: submission.display().to_string(),
        submission_model,
        predicted_survivors: pred.iter().sum(),
        figure: common.out.as_ref().map(|p| p.display().to_string()),
    };
    if common.json {
        return output::json(&report);
    }
    println!(
        "Titanic: {} passengers to learn from, {} to predict; features: {}",
        report.n_train,
        report.n_test,
        report.features.join(", ")
    );
    println!(
        "{folds}-fold accuracy: random forest {:.4}, SVC {:.4}",
        report.forest_mean_accuracy, report.svc_mean_accuracy
    );
    println!(
        "submission ({}): {} ({} of {} predicted to survive)",
        report.submission_model, report.submission, report.predicted_survivors, report.n_test
    );
    Ok(())
}

/// Kaggle's two tables and the training passengers' `Survived` (0 or 1).
fn read_titanic(common: &Common) -> anyhow::Result<(Table, Table, Vec<usize>)> {
    let files = cache(common)?.load_tabular(&classify_datasets::tabular::TITANIC)?;
    let table = |name: &str| -> anyhow::Result<Table> {
        let bytes = &files
            .iter()
            .find(|(n, _)| n == name)
            .with_context(|| format!("{name} is not part of the titanic dataset"))?
            .1;
        Table::from_csv(bytes.as_slice()).with_context(|| format!("reading {name}"))
    };
    let (train, test) = (table("train.csv")?, table("test.csv")?);
    let survived = train.column("Survived")?;
    let y: Vec<usize> = (0..train.n_rows())
        .map(|i| match survived.text_at(i).as_deref() {
            Some("1") => Ok(1),
            Some("0") => Ok(0),
            other => anyhow::bail!("train.csv row {}: Survived is {other:?}", i + 1),
        })
        .collect::<anyhow::Result<_>>()?;
    Ok((train, test, y))
}

/// Kaggle's submission: `PassengerId,Survived`, one row per test passenger.
fn write_submission(path: &Path, test: &Table, pred: &[usize]) -> anyhow::Result<()> {
    let ids = test.column("PassengerId")?;
    let mut csv = String::from("PassengerId,Survived\n");
    for (i, p) in pred.iter().enumerate() {
        let id = ids
            .text_at(i)
            .with_context(|| format!("test.csv row {} has no PassengerId", i + 1))?;
        csv.push_str(&format!("{},{p}\n", id.trim_end_matches(".0")));
    }
    output::write_atomic(path, csv.as_bytes())
}
