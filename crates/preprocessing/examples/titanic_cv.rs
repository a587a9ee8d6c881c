//! 10-fold cross-validation of the book's Titanic pipelines on a `train.csv`:
//! `cargo run --release -p classify-preprocessing --example titanic_cv -- path/to/train.csv`

use classify_models::{Gamma, RandomForestClassifier, Svc, SvcKernel};
use classify_preprocessing::{
    cross_val_accuracy, ColumnTransformer, Group, HandleUnknown, Impute, Pipeline, Step, Table,
};
use classify_selection::Cv;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let path = std::env::args()
        .nth(1)
        .ok_or("usage: titanic_cv train.csv")?;
    let table = Table::from_csv(std::fs::File::open(path)?)?;
    let survived = table.column("Survived")?;
    let y: Vec<usize> = (0..table.n_rows())
        .map(|i| usize::from(survived.text_at(i).as_deref() == Some("1")))
        .collect();
    let names = |v: &[&str]| v.iter().map(|s| s.to_string()).collect::<Vec<_>>();
    let prepare = ColumnTransformer {
        groups: vec![
            Group {
                name: "num".into(),
                columns: names(&["Age", "SibSp", "Parch", "Fare"]),
                steps: vec![Step::Impute(Impute::Median), Step::Scale],
            },
            Group {
                name: "cat".into(),
                columns: names(&["Pclass", "Sex", "Embarked"]),
                steps: vec![
                    Step::Impute(Impute::MostFrequent),
                    Step::OneHot(HandleUnknown::Ignore),
                ],
            },
        ],
    };
    let cv = Cv::Stratified(10);
    let forest = Pipeline {
        prepare: prepare.clone(),
        model: RandomForestClassifier::default(),
    };
    let f = cross_val_accuracy(&forest, &table, &y, &cv)?;
    let svc = Pipeline {
        prepare,
        model: Svc {
            kernel: SvcKernel::Rbf { gamma: Gamma::Auto },
            ..Default::default()
        },
    };
    let s = cross_val_accuracy(&svc, &table, &y, &cv)?;
    let mean = |v: &[f64]| v.iter().sum::<f64>() / v.len() as f64;
    println!(
        "random forest 10-fold accuracy {:.4}; SVC(gamma=auto) {:.4}",
        mean(&f),
        mean(&s)
    );
    Ok(())
}
