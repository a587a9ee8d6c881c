//! `classify titanic`: the book's Titanic exercise, printed from
//! [`classify_workflow::titanic`], with a box plot and a Kaggle submission.

use std::path::Path;

use anyhow::Context;
use classify_preprocessing::Table;
use classify_workflow::Titanic;
use serde::Serialize;

use crate::args::Common;
use crate::data::cache;
use crate::output;
use crate::tabular::box_plot;

#[derive(Serialize)]
struct TitanicReport<'a> {
    #[serde(flatten)]
    result: &'a Titanic,
    /// Where the submission was written (`--submission`), if it was.
    submission: Option<String>,
    figure: Option<String>,
}

pub fn titanic(common: &Common, folds: usize, submission: Option<&Path>) -> anyhow::Result<()> {
    let (train, test, y) = read_titanic(common)?;
    let result = output::with_progress(common, |p| {
        classify_workflow::titanic(&train, &test, &y, (folds, common.seed), p)
    })?;
    if let Some(path) = submission {
        write_submission(path, &test, &result.predictions)?;
    }
    if let Some(out) = &common.out {
        let scores = (
            &result.forest_fold_accuracy[..],
            &result.svc_fold_accuracy[..],
        );
        box_plot(format!("Titanic: {folds}-fold accuracy"), scores, out)?;
    }
    let report = TitanicReport {
        result: &result,
        submission: submission.map(|p| p.display().to_string()),
        figure: common.out.as_ref().map(|p| p.display().to_string()),
    };
    if common.json {
        return output::json(&report);
    }
    let r = &result;
    println!(
        "Titanic: {} passengers to learn from, {} to predict; features: {}",
        r.n_train,
        r.n_test,
        r.features.join(", ")
    );
    println!(
        "{folds}-fold accuracy: random forest {:.4}, SVC {:.4}",
        r.forest_mean_accuracy, r.svc_mean_accuracy
    );
    let written = report
        .submission
        .as_deref()
        .unwrap_or("not written (--submission FILE)");
    println!(
        "submission ({}): {written} ({} of {} predicted to survive)",
        r.submission_model, r.predicted_survivors, r.n_test
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
