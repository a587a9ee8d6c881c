//! Times k-NN (k = 5) on a cached dataset: `cargo run --release -p classify-models --example knn_timing -- fashion-mnist [queries]`

use classify_models::{Classifier, Estimator, KNeighborsClassifier};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().collect();
    let name = args.get(1).map_or("mnist-sample", String::as_str);
    let data = classify_datasets::load(
        &classify_datasets::Source::Cached(name.to_string()),
        &classify_datasets::Cache::from_env()?,
    )?;
    let m: usize = args
        .get(2)
        .map_or(Ok(data.test.n_samples()), |s| s.parse())?;
    let y: Vec<usize> = data.train.labels();
    let q = data.test.data.slice(ndarray::s![..m, ..]);
    let t = std::time::Instant::now();
    let model = KNeighborsClassifier::default().fit((&data.train.data).into(), &y)?;
    let pred = model.predict(q.into())?;
    let secs = t.elapsed().as_secs_f64();
    let acc = pred
        .iter()
        .zip(&data.test.target)
        .filter(|(a, b)| **a == usize::from(**b))
        .count() as f64
        / m as f64;
    println!(
        "{name}: {m} queries x {} training rows: {secs:.2} s, accuracy {acc:.4}",
        y.len()
    );
    // With a third argument: write the predictions there (JSON), to compare with
    // scikit-learn's.
    if let Some(path) = args.get(3) {
        std::fs::write(path, serde_json::to_string(&pred)?)?;
    }
    Ok(())
}
