//! Tables: any CSV through the Titanic exercise's path — numbers imputed by median and
//! scaled, text one-hot encoded after most-frequent imputation — and a random forest against
//! an RBF SVC by stratified cross-validation (`classify tabular`, `classify titanic`).

use classify_models::{Gamma, RandomForestClassifier, Svc, SvcKernel};
use classify_preprocessing::{
    cross_val_accuracy, Column, ColumnTransformer, Group, HandleUnknown, Impute, Pipeline, Step,
    Table,
};
use classify_selection::Cv;
use serde::Serialize;

use crate::detector::mean;
use crate::{Error, Progress, Result};

/// The two pipelines of a comparison and their fold accuracies.
#[derive(Debug, Clone)]
pub struct Compared {
    /// Random forest (100 trees) after the preparation.
    pub forest: Pipeline<RandomForestClassifier>,
    /// RBF SVC after the preparation.
    pub svc: Pipeline<Svc>,
    /// The forest's accuracy on each fold.
    pub forest_scores: Vec<f64>,
    /// The SVC's.
    pub svc_scores: Vec<f64>,
}

/// A random forest (`random_state` = `seed`) and an RBF SVC (kernel width `gamma`), each
/// after `prepare`, scored on the same `folds` stratified folds of `table`'s rows.
pub fn compare(
    table: &Table,
    y: &[usize],
    prepare: ColumnTransformer,
    (folds, gamma, seed): (usize, Gamma, u64),
) -> Result<Compared> {
    let cv = Cv::Stratified(folds);
    let forest = Pipeline {
        prepare: prepare.clone(),
        model: RandomForestClassifier {
            random_state: seed,
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

/// The label column as class indices, and the class names: sorted numbers, or sorted text
/// (scikit-learn's `np.unique` order).
pub fn classes(column: &Column, label: &str) -> Result<(Vec<usize>, Vec<String>)> {
    let missing = |i: usize| Error::option("label", label, format!("row {}: no {label}", i + 1));
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
                .collect::<Result<_>>()?;
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
        return Err(Error::option(
            "label",
            label,
            "holds a single class; a classifier needs at least two",
        ));
    }
    Ok((y, names))
}

/// The preparation of every column but `label` and `drop`: numbers imputed by median and
/// scaled, text by the most frequent value and one-hot encoded; with the two groups' columns.
pub fn preparation(
    table: &Table,
    label: &str,
    drop: &[String],
) -> Result<(ColumnTransformer, Vec<String>, Vec<String>)> {
    for d in drop {
        table
            .column(d)
            .map_err(|e| Error::option("drop", d, e.to_string()))?;
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
        return Err(Error::option(
            "label",
            label,
            "no feature columns besides it",
        ));
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

/// What the table step is asked for.
#[derive(Debug, Clone)]
pub struct TabularOptions {
    /// The column holding the class.
    pub label: String,
    /// Columns not to use as features.
    pub drop: Vec<String>,
    /// Stratified folds.
    pub folds: usize,
    /// The forest's `random_state`.
    pub seed: u64,
}

/// The table step's numbers (`classify tabular --json`, less the figure).
#[derive(Debug, Serialize)]
pub struct Tabular {
    /// The class names, in label order.
    pub classes: Vec<String>,
    /// Rows.
    pub n_rows: usize,
    /// Numeric feature columns.
    pub numeric_columns: Vec<String>,
    /// Text feature columns.
    pub text_columns: Vec<String>,
    /// Features after preparation.
    pub n_features: usize,
    /// Folds.
    pub folds: usize,
    /// The forest's accuracy on each fold.
    pub forest_fold_accuracy: Vec<f64>,
    /// Their mean.
    pub forest_mean_accuracy: f64,
    /// The SVC's accuracy on each fold.
    pub svc_fold_accuracy: Vec<f64>,
    /// Their mean.
    pub svc_mean_accuracy: f64,
}

/// Any table: the label's classes, the preparation of the other columns, and the forest
/// against the SVC (`gamma="scale"`) by stratified cross-validation.
///
/// ```
/// use classify_preprocessing::Table;
/// use classify_workflow::{tabular, TabularOptions};
///
/// let mut csv = String::from("size,colour,label\n");
/// for i in 0..60 {
///     let big = i % 2 == 0;
///     csv.push_str(&format!("{},{},{}\n", if big { 10 + i } else { i % 5 }, if big { "red" } else { "blue" }, big));
/// }
/// let table = Table::from_csv(csv.as_bytes())?;
/// let opts = TabularOptions { label: "label".into(), drop: vec![], folds: 3, seed: 42 };
/// let result = tabular(&table, &opts, &())?;
/// assert_eq!(result.classes, ["false", "true"]);
/// assert_eq!(result.forest_mean_accuracy, 1.0);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn tabular(table: &Table, opts: &TabularOptions, progress: &dyn Progress) -> Result<Tabular> {
    let (label, folds) = (opts.label.as_str(), opts.folds);
    // The table's error names the columns there are.
    let column = table
        .column(label)
        .map_err(|e| Error::option("label", label, e.to_string()))?;
    let (y, class_names) = classes(column, label)?;
    let (prepare, numeric, text) = preparation(table, label, &opts.drop)?;
    progress.step(&format!("{folds}-fold cross-validation"));
    let compared = compare(table, &y, prepare, (folds, Gamma::Scale, opts.seed))?;
    let n_features = compared.forest.prepare.fit(table)?.n_features();
    Ok(Tabular {
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
    })
}

/// The Titanic step's numbers (`classify titanic --json`, less the files written).
#[derive(Debug, Serialize)]
pub struct Titanic {
    /// Passengers to learn from.
    pub n_train: usize,
    /// Passengers to predict.
    pub n_test: usize,
    /// Features after preparation.
    pub features: Vec<String>,
    /// Folds.
    pub folds: usize,
    /// The forest's accuracy on each fold.
    pub forest_fold_accuracy: Vec<f64>,
    /// Their mean.
    pub forest_mean_accuracy: f64,
    /// The SVC's accuracy on each fold.
    pub svc_fold_accuracy: Vec<f64>,
    /// Their mean.
    pub svc_mean_accuracy: f64,
    /// The model that predicted the test passengers (the better in cross-validation).
    pub submission_model: &'static str,
    /// Test passengers predicted to survive.
    pub predicted_survivors: usize,
    /// The prediction for each test passenger (1: survives).
    #[serde(skip)]
    pub predictions: Vec<usize>,
}

/// The book's Titanic preparation: numbers imputed by median and scaled; categories imputed
/// by the most frequent value and one-hot encoded (unknown ones ignored).
pub fn titanic_preparation() -> ColumnTransformer {
    let names = |v: &[&str]| v.iter().map(|s| s.to_string()).collect();
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

/// The Titanic exercise: the book's preparation, a random forest and an SVC
/// (`gamma="auto"`) on `folds` stratified folds of the training passengers (`y`: survived),
/// then the better of the two fitted on every passenger and predicting the test ones.
pub fn titanic(
    train: &Table,
    test: &Table,
    y: &[usize],
    (folds, seed): (usize, u64),
    progress: &dyn Progress,
) -> Result<Titanic> {
    progress.step(&format!("{folds}-fold cross-validation"));
    let compared = compare(train, y, titanic_preparation(), (folds, Gamma::Auto, seed))?;
    let (forest_scores, svc_scores) = (&compared.forest_scores, &compared.svc_scores);
    progress.step("fitting on all passengers, predicting the test set");
    let (pred, features, submission_model) = if mean(svc_scores) >= mean(forest_scores) {
        let m = compared.svc.fit(train, y)?;
        let features = m.prepare.feature_names().to_vec();
        (m.predict(test)?, features, "SVC (RBF, gamma = auto)")
    } else {
        let m = compared.forest.fit(train, y)?;
        let features = m.prepare.feature_names().to_vec();
        (m.predict(test)?, features, "random forest (100 trees)")
    };
    Ok(Titanic {
        n_train: train.n_rows(),
        n_test: test.n_rows(),
        features,
        folds,
        forest_mean_accuracy: mean(forest_scores),
        forest_fold_accuracy: forest_scores.clone(),
        svc_mean_accuracy: mean(svc_scores),
        svc_fold_accuracy: svc_scores.clone(),
        submission_model,
        predicted_survivors: pred.iter().sum(),
        predictions: pred,
    })
}
