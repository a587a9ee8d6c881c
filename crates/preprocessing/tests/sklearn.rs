//! The column transformer against scikit-learn's (`scripts/preprocessing_fixtures.py`):
//! median / most-frequent imputation, scaling, one-hot with unknown categories ignored,
//! ordinal codes, fitted on one table and applied to another.

use classify_models::RandomForestClassifier;
use classify_preprocessing::{
    cross_val_accuracy, ColumnTransformer, Error, Group, HandleUnknown, Impute, Pipeline, Step,
    Table,
};
use classify_selection::Cv;
use serde_json::Value;

fn fixture(name: &str) -> String {
    std::fs::read_to_string(format!(
        "{}/tests/fixtures/{name}",
        env!("CARGO_MANIFEST_DIR")
    ))
    .unwrap()
}

fn strings(v: &[&str]) -> Vec<String> {
    v.iter().map(|s| s.to_string()).collect()
}

fn transformer(unknown: HandleUnknown) -> ColumnTransformer {
    ColumnTransformer {
        groups: vec![
            Group {
                name: "num".into(),
                columns: strings(&["age", "fare", "sibsp"]),
                steps: vec![Step::Impute(Impute::Median), Step::Scale],
            },
            Group {
                name: "cat".into(),
                columns: strings(&["pclass", "sex", "port"]),
                steps: vec![Step::Impute(Impute::MostFrequent), Step::OneHot(unknown)],
            },
            Group {
                name: "ord".into(),
                columns: strings(&["deck"]),
                steps: vec![Step::Impute(Impute::MostFrequent), Step::Ordinal],
            },
        ],
    }
}

#[test]
fn column_transformer_matches_scikit_learn() {
    let train = Table::from_csv(fixture("train.csv").as_bytes()).unwrap();
    let test = Table::from_csv(fixture("test.csv").as_bytes()).unwrap();
    let expected: Value = serde_json::from_str(&fixture("expected.json")).unwrap();
    let fitted = transformer(HandleUnknown::Ignore).fit(&train).unwrap();
    assert_eq!(
        fitted.feature_names(),
        [
            "age",
            "fare",
            "sibsp",
            "pclass_1",
            "pclass_2",
            "pclass_3",
            "sex_female",
            "sex_male",
            "port_C",
            "port_Q",
            "port_S",
            "deck"
        ]
    );
    for (table, key) in [(&train, "train"), (&test, "test")] {
        let got = fitted.transform(table).unwrap();
        let want = expected[key].as_array().unwrap();
        assert_eq!(got.nrows(), want.len());
        for (i, row) in want.iter().enumerate() {
            for (j, v) in row.as_array().unwrap().iter().enumerate() {
                let v = v.as_f64().unwrap();
                assert!(
                    (f64::from(got[[i, j]]) - v).abs() < 1e-5,
                    "{key} [{i}, {j}]: {} vs {v}",
                    got[[i, j]]
                );
            }
        }
    }
    // The test table has a port unseen in training: an error unless ignored.
    let strict = transformer(HandleUnknown::Error).fit(&train).unwrap();
    assert!(matches!(
        strict.transform(&test),
        Err(Error::UnknownCategory { .. })
    ));
    // Saved and loaded, the same features.
    let json = serde_json::to_string(&fitted).unwrap();
    let back: classify_preprocessing::ColumnTransformerModel = serde_json::from_str(&json).unwrap();
    assert_eq!(
        back.transform(&test).unwrap(),
        fitted.transform(&test).unwrap()
    );
}

#[test]
fn pipeline_cross_validates_without_leakage() {
    let train = Table::from_csv(fixture("train.csv").as_bytes()).unwrap();
    // A learnable target: women in first or second class.
    let sex = train.column("sex").unwrap();
    let pclass = train.column("pclass").unwrap();
    let y: Vec<usize> = (0..train.n_rows())
        .map(|i| {
            let woman = sex.text_at(i).as_deref() == Some("female");
            let upper = pclass.text_at(i).is_some_and(|c| c != "3");
            usize::from(woman && upper)
        })
        .collect();
    let pipeline = Pipeline {
        prepare: transformer(HandleUnknown::Ignore),
        model: RandomForestClassifier {
            n_estimators: 30,
            ..Default::default()
        },
    };
    let scores = cross_val_accuracy(&pipeline, &train, &y, &Cv::Stratified(5)).unwrap();
    assert_eq!(scores.len(), 5);
    let mean = scores.iter().sum::<f64>() / 5.0;
    assert!(mean > 0.9, "{scores:?}");
}

#[test]
fn bad_tables_are_typed_errors() {
    assert!(matches!(
        Table::from_csv("a,b\n1,2\n3\n".as_bytes()),
        Err(Error::Csv(_))
    ));
    let t = Table::from_csv("a,b\n1,x\n,y\n".as_bytes()).unwrap();
    let no_impute = ColumnTransformer {
        groups: vec![Group {
            name: "n".into(),
            columns: vec!["a".into()],
            steps: vec![Step::Scale],
        }],
    };
    assert!(matches!(no_impute.fit(&t), Err(Error::Table(_))));
    let text_scaled = ColumnTransformer {
        groups: vec![Group {
            name: "t".into(),
            columns: vec!["b".into()],
            steps: vec![Step::Scale],
        }],
    };
    assert!(matches!(text_scaled.fit(&t), Err(Error::Table(_))));
    let missing = ColumnTransformer {
        groups: vec![Group {
            name: "m".into(),
            columns: vec!["nope".into()],
            steps: vec![],
        }],
    };
    assert!(matches!(missing.fit(&t), Err(Error::Table(_))));
}
