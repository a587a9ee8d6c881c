//! Each step's options checked against the data: what does not fit is a typed error naming
//! the option (by its field) or the image index, before any model is fitted.

use classify_datasets::TrainTest;
use classify_models::Weights;
use classify_preprocessing::{Column, Table};

use crate::*;

/// The embedded sample, its first `n` training and `m` test images.
fn sample(n: usize, m: usize) -> TrainTest {
    let mut data = classify_datasets::mnist_sample().unwrap();
    data.train = data.train.head(n);
    data.test = data.test.head(m);
    data
}

/// The option a step refused, or the index error's images.
#[track_caller]
fn refused<T: std::fmt::Debug>(result: Result<T>) -> String {
    match result {
        Err(Error::Option { option, .. }) => option.to_string(),
        Err(Error::Index { index, n, of }) => format!("index {index} of {n} {of}"),
        Err(Error::TooFewPerClass {
            digit, n_positive, ..
        }) => {
            format!("{n_positive} of digit {digit}")
        }
        other => panic!("not an option error: {other:?}"),
    }
}

#[test]
fn the_detector_checks_its_options_against_the_data() {
    let data = sample(300, 50);
    let opts = |f: &dyn Fn(&mut DetectorOptions)| {
        let mut o = DetectorOptions::new(Model::new(ModelKind::Sgd));
        f(&mut o);
        o
    };
    let check = |o: DetectorOptions, expected: &str| {
        assert_eq!(refused(detector(&data, &o, &())), expected);
    };
    check(opts(&|o| o.target_precision = 1.5), "target_precision");
    check(opts(&|o| o.digit = Some(10)), "digit");
    check(opts(&|o| o.index = 300), "index 300 of 300 training images");
    // A digit with fewer images than folds: no fold could train on both classes.
    let counts = data.train.class_counts();
    let rare = (0..10).min_by_key(|&d| counts[d]).unwrap();
    let keep: Vec<usize> = (0..300)
        .filter(|&i| usize::from(data.train.target[i]) != rare)
        .chain(
            (0..300)
                .filter(|&i| usize::from(data.train.target[i]) == rare)
                .take(2),
        )
        .collect();
    let few = TrainTest {
        train: data.train.select(&keep).unwrap(),
        ..sample(300, 50)
    };
    let o = opts(&|o| o.digit = Some(rare as u8));
    assert_eq!(
        refused(detector(&few, &o, &())),
        format!("2 of digit {rare}")
    );
}

#[test]
fn the_other_steps_check_their_image_index_and_counts() {
    let data = sample(200, 30);
    let multiclass_opts = MulticlassOptions {
        model: Model::new(ModelKind::Sgd),
        folds: Some(3),
        refit: false,
        index: 200,
        test_scores: false,
    };
    assert_eq!(
        refused(multiclass(&data, &multiclass_opts, &())),
        "index 200 of 200 training images"
    );
    let forest_ovr = MulticlassOptions {
        index: 0,
        model: Model {
            strategy: Some(Strategy::OneVsRest),
            ..Model::new(ModelKind::Forest)
        },
        ..multiclass_opts
    };
    assert_eq!(refused(multiclass(&data, &forest_ovr, &())), "strategy");
    let multilabel_opts = MultilabelOptions {
        k: 5,
        chain: None,
        folds: 3,
        index: 250,
    };
    assert_eq!(
        refused(multilabel(&data, &multilabel_opts, &())),
        "index 250 of 200 training images"
    );
    let knn_opts = KnnOptions {
        k: 5,
        weights: Weights::Uniform,
        index: 30,
    };
    assert_eq!(
        refused(knn(&data, &knn_opts, &())),
        "index 30 of 30 test images"
    );
    let denoise_opts = |test_images, index| DenoiseOptions {
        k: 5,
        test_images,
        index,
        seed: 42,
    };
    assert_eq!(
        refused(denoise(&data, &denoise_opts(0, 0), &())),
        "test_images"
    );
    assert_eq!(
        refused(denoise(&data, &denoise_opts(5, 7), &())),
        "index 7 of 5 test images are cleaned"
    );
    let tune = TuneOptions {
        search: 0,
        folds: 5,
    };
    assert_eq!(refused(tune_knn(&data, &tune, &())), "search");
}

#[test]
fn a_table_needs_a_label_of_two_classes_and_known_columns() {
    let table = |label: Column| {
        Table::new(vec![
            (
                "x".into(),
                Column::Numeric(vec![1.0, 2.0, 3.0, 4.0, 5.0, 6.0]),
            ),
            ("label".into(), label),
        ])
        .unwrap()
    };
    let text = |v: &[&str]| Column::Text(v.iter().map(|s| Some(s.to_string())).collect());
    let two = table(text(&["a", "b", "a", "b", "a", "b"]));
    let opts = |label: &str, drop: &[&str]| TabularOptions {
        label: label.into(),
        drop: drop.iter().map(|d| d.to_string()).collect(),
        folds: 2,
        seed: 42,
    };
    assert_eq!(refused(tabular(&two, &opts("class", &[]), &())), "label");
    assert_eq!(
        refused(tabular(&two, &opts("label", &["nope"]), &())),
        "drop"
    );
    assert_eq!(refused(tabular(&two, &opts("label", &["x"]), &())), "label");
    let one = table(text(&["a"; 6]));
    assert_eq!(refused(tabular(&one, &opts("label", &[]), &())), "label");
    let missing = table(Column::Numeric(vec![0.0, 1.0, f64::NAN, 1.0, 0.0, 1.0]));
    assert_eq!(
        refused(tabular(&missing, &opts("label", &[]), &())),
        "label"
    );
}
