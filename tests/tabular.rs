//! `classify tabular`: a generic CSV (scikit-learn's wine data with empty cells and a text
//! column, `tests/fixtures/tabular`, from `scripts/tabular_fixtures.py`) gives
//! scikit-learn's `cross_val_score` of the same pipelines, to the last digit.

use std::path::Path;

use crate::util::classify;

fn fixture(name: &str) -> String {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/tabular")
        .join(name)
        .to_str()
        .unwrap()
        .to_string()
}

#[test]
fn a_generic_csv_gives_scikit_learns_fold_accuracies() {
    let want: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(fixture("sklearn.json")).unwrap()).unwrap();
    let tmp = tempfile::tempdir().unwrap();
    let plot = tmp.path().join("box.svg");
    let got = classify(
        tmp.path(),
        &[
            "tabular",
            "--dataset",
            &fixture("wine.csv"),
            "--out",
            plot.to_str().unwrap(),
            "--json",
            "--quiet",
        ],
    )
    .json();
    for key in [
        "n_rows",
        "classes",
        "n_features",
        "forest_fold_accuracy",
        "svc_fold_accuracy",
    ] {
        assert_eq!(got[key], want[key], "{key}");
    }
    assert_eq!(got["text_columns"], serde_json::json!(["cellar"]));
    assert!(plot.is_file());
    // Dropping the text column leaves the 13 numbers.
    let dropped = classify(
        tmp.path(),
        &[
            "tabular",
            "--dataset",
            &fixture("wine.csv"),
            "--drop",
            "cellar",
            "--cv",
            "3",
            "--json",
        ],
    )
    .json();
    assert_eq!(dropped["n_features"], 13);
    assert_eq!(dropped["folds"], 3);
}

#[test]
fn bad_tables_and_labels_are_refused_with_the_reason() {
    let tmp = tempfile::tempdir().unwrap();
    let write = |name: &str, text: &str| {
        let path = tmp.path().join(name);
        std::fs::write(&path, text).unwrap();
        path.to_str().unwrap().to_string()
    };
    let one_class = write("one.csv", "x,label\n1,a\n2,a\n3,a\n");
    let no_label = write("nolabel.csv", "x,y\n1,a\n2,b\n");
    let empty_label = write("empty.csv", "x,label\n1,a\n2,\n3,b\n");
    let ragged = write("ragged.csv", "x,label\n1,a\n2\n");
    for (file, extra, expected) in [
        (&one_class, &[][..], "a single class"),
        (
            &no_label,
            &[],
            r#"--label label: table: no column "label" (columns: ["x", "y"])"#,
        ),
        (&empty_label, &[], "row 2: no label"),
        (&ragged, &[], "ragged.csv: CSV: record 2"),
        (&no_label, &["--label", "y", "--drop", "z"], "--drop z"),
    ] {
        let mut args = vec!["tabular", "--dataset", file.as_str()];
        args.extend(extra);
        let run = classify(tmp.path(), &args);
        assert!(run.err().contains(expected), "{expected}: {}", run.stderr);
    }
    let run = classify(tmp.path(), &["tabular", "--dataset", "nowhere.csv"]);
    assert!(run.err().contains("reads a CSV file"), "{}", run.stderr);
}
