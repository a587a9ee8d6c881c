//! `grid_search` against scikit-learn's `GridSearchCV` (`scripts/grid_fixtures.py`): the
//! same candidates in the same order, the same fold scores, ranks and best candidate.

use classify_models::{Classifier, KNeighborsClassifier, Weights};
use classify_selection::{grid_search, Cv, Error, ParamGrid, Params, Scoring};
use serde_json::Value;

fn knn(p: &Params) -> classify_selection::Result<KNeighborsClassifier> {
    Ok(KNeighborsClassifier {
        n_neighbors: p.int("n_neighbors")? as usize,
        weights: match p.text("weights")? {
            "uniform" => Weights::Uniform,
            "distance" => Weights::Distance,
            other => return Err(Error::InvalidGrid(format!("weights {other}"))),
        },
        ..Default::default()
    })
}

#[test]
fn knn_grid_matches_scikit_learn() {
    let f: Value = serde_json::from_str(
        &std::fs::read_to_string(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/tests/fixtures/grid.json"
        ))
        .unwrap(),
    )
    .unwrap();
    let s = classify_datasets::mnist_sample().unwrap();
    let n = f["train_rows"].as_u64().unwrap() as usize;
    let m = f["test_rows"].as_u64().unwrap() as usize;
    let tr = s.train.head(n);
    let te = s.test.head(m);
    let y: Vec<usize> = tr.target.iter().map(|&v| usize::from(v)).collect();
    let yt: Vec<usize> = te.target.iter().map(|&v| usize::from(v)).collect();
    let grid = ParamGrid::new()
        .add("weights", ["uniform", "distance"])
        .add("n_neighbors", [3usize, 4, 5, 6]);
    let search = grid_search(
        knn,
        &grid,
        (&tr.data).into(),
        &y,
        &Cv::Stratified(5),
        Scoring::Accuracy,
        true,
    )
    .unwrap();
    let want_params = f["params"].as_array().unwrap();
    assert_eq!(search.candidates.len(), want_params.len());
    for (i, (c, w)) in search.candidates.iter().zip(want_params).enumerate() {
        assert_eq!(
            c.params.int("n_neighbors").unwrap(),
            w["n_neighbors"].as_i64().unwrap()
        );
        assert_eq!(
            c.params.text("weights").unwrap(),
            w["weights"].as_str().unwrap()
        );
        let folds: Vec<f64> = f["fold_scores"][i]
            .as_array()
            .unwrap()
            .iter()
            .map(|v| v.as_f64().unwrap())
            .collect();
        assert_eq!(c.fold_scores, folds, "candidate {i}");
        assert_eq!(
            c.mean_score,
            f["mean"][i].as_f64().unwrap(),
            "candidate {i}"
        );
        assert!((c.std_score - f["std"][i].as_f64().unwrap()).abs() < 1e-12);
        assert_eq!(
            c.rank as u64,
            f["rank"][i].as_u64().unwrap(),
            "candidate {i}"
        );
    }
    assert_eq!(search.best_index as u64, f["best_index"].as_u64().unwrap());
    assert_eq!(search.best_score(), f["best_score"].as_f64().unwrap());
    let pred = search.predict((&te.data).into()).unwrap();
    let acc = pred.iter().zip(&yt).filter(|(a, b)| a == b).count() as f64 / m as f64;
    assert_eq!(acc, f["test_accuracy"].as_f64().unwrap());
    assert_eq!(search.best_model.as_ref().unwrap().classes().len(), 10);
}

#[test]
fn grid_errors_are_typed() {
    let s = classify_datasets::mnist_sample().unwrap();
    let tr = s.train.head(100);
    let y: Vec<usize> = tr.target.iter().map(|&v| usize::from(v)).collect();
    let empty = ParamGrid::new().add::<usize>("n_neighbors", []);
    assert!(matches!(
        grid_search(
            knn,
            &empty,
            (&tr.data).into(),
            &y,
            &Cv::KFold(2),
            Scoring::Accuracy,
            false
        ),
        Err(Error::InvalidGrid(_))
    ));
    let missing = ParamGrid::new().add("n_neighbors", [3usize]);
    assert!(matches!(
        grid_search(
            knn,
            &missing,
            (&tr.data).into(),
            &y,
            &Cv::KFold(2),
            Scoring::Accuracy,
            false
        ),
        Err(Error::InvalidGrid(_))
    ));
    let ok = ParamGrid::new()
        .add("n_neighbors", [1usize])
        .add("weights", ["uniform"]);
    let r = grid_search(
        knn,
        &ok,
        (&tr.data).into(),
        &y,
        &Cv::KFold(2),
        Scoring::Accuracy,
        false,
    )
    .unwrap();
    assert!(r.best_model.is_none());
    assert!(r.predict((&tr.data).into()).is_err());
}
