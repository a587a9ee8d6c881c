//! Times `SgdClassifier` on a cached dataset: `cargo run --release -p classify-models --example sgd_timing -- fashion-mnist 5`

use classify_models::{Classifier, Estimator, SgdClassifier};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().collect();
    let name = args.get(1).map_or("mnist-sample", String::as_str);
    let digit: u8 = args.get(2).map_or(Ok(5), |s| s.parse())?;
    let data = classify_datasets::load(
        &classify_datasets::Source::Cached(name.to_string()),
        &classify_datasets::Cache::from_env()?,
    )?;
    let y: Vec<usize> = data
        .train
        .target
        .iter()
        .map(|&l| usize::from(l == digit))
        .collect();
    let t = std::time::Instant::now();
    let shuffle = std::env::var("NOSHUF").is_err();
    let model = SgdClassifier {
        shuffle,
        ..Default::default()
    }
    .fit((&data.train.data).into(), &y)?;
    let secs = t.elapsed().as_secs_f64();
    let pred = model.predict((&data.train.data).into())?;
    let acc = pred.iter().zip(&y).filter(|(a, b)| a == b).count() as f64 / y.len() as f64;
    println!(
        "{name}: fit {secs:.3} s, {} epochs ({:.1} ms/epoch), training accuracy {acc:.4}",
        model.n_iter[0],
        secs * 1e3 / model.n_iter[0] as f64
    );
    Ok(())
}
