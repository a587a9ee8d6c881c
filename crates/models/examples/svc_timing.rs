//! Times `Svc::default()` (RBF, one-vs-one) fit on the first training rows of a cached dataset
//! and prediction of its test set:
//! `cargo run --release -p classify-models --example svc_timing -- fashion-mnist [train rows]`

use classify_models::{Classifier, Estimator, Svc};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().collect();
    let name = args.get(1).map_or("mnist-sample", String::as_str);
    let mut data = classify_datasets::load(
        &classify_datasets::Source::Cached(name.to_string()),
        &classify_datasets::Cache::from_env()?,
    )?;
    data.limit_train(args.get(2).map_or(Ok(2000), |s| s.parse())?)?;
    let y: Vec<usize> = data.train.labels();
    let t = std::time::Instant::now();
    let model = Svc::default().fit((&data.train.data).into(), &y)?;
    let fit = t.elapsed().as_secs_f64();
    let t = std::time::Instant::now();
    let pred = model.predict((&data.test.data).into())?;
    let predict = t.elapsed().as_secs_f64();
    let acc = pred
        .iter()
        .zip(&data.test.target)
        .filter(|(a, b)| **a == usize::from(**b))
        .count() as f64
        / pred.len() as f64;
    println!(
        "{name}: fit {} rows {fit:.2} s ({} support vectors, {} pairs), predict {} rows {predict:.2} s, accuracy {acc:.4}",
        y.len(),
        model.n_support(),
        model.n_pairs(),
        pred.len()
    );
    // With a third argument: write the one-vs-one decision values of the first 500 test
    // images there (JSON), to compare with scikit-learn's.
    if let Some(path) = args.get(3) {
        let q = data.test.data.slice(ndarray::s![..500, ..]);
        let dec = model.decision_function_ovo(q.into())?;
        let rows: Vec<Vec<f64>> = dec.rows().into_iter().map(|r| r.to_vec()).collect();
        std::fs::write(path, serde_json::to_string(&rows)?)?;
    }
    Ok(())
}
