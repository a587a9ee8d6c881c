//! Times a 100-tree random forest on a cached dataset's 5-detector:
//! `cargo run --release -p classify-models --example forest_timing -- fashion-mnist [train rows] [classes] [seed]`
//! (`classes` = `binary` for y == 5, the default, or `all`).

use classify_models::{Classifier, Estimator, PredictProba, RandomForestClassifier};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().collect();
    let name = args.get(1).map_or("mnist-sample", String::as_str);
    let mut data = classify_datasets::load(
        &classify_datasets::Source::Cached(name.to_string()),
        &classify_datasets::Cache::from_env()?,
    )?;
    if let Some(n) = args.get(2) {
        data.limit_train(n.parse()?)?;
    }
    let binary = args.get(3).is_none_or(|c| c != "all");
    let label = |l: u8| {
        if binary {
            usize::from(l == 5)
        } else {
            usize::from(l)
        }
    };
    let y: Vec<usize> = data.train.target.iter().map(|&l| label(l)).collect();
    let yt: Vec<usize> = data.test.target.iter().map(|&l| label(l)).collect();
    let t = std::time::Instant::now();
    let params = RandomForestClassifier {
        random_state: args.get(4).map_or(Ok(42), |s| s.parse())?,
        ..Default::default()
    };
    let model = params.fit((&data.train.data).into(), &y)?;
    let fit = t.elapsed().as_secs_f64();
    let t = std::time::Instant::now();
    let proba = model.predict_proba((&data.test.data).into())?;
    let pred = model.predict((&data.test.data).into())?;
    let predict = t.elapsed().as_secs_f64();
    let acc = pred.iter().zip(&yt).filter(|(a, b)| a == b).count() as f64 / yt.len() as f64;
    println!(
        "{name}: fit {} rows {fit:.2} s, predict {} rows {predict:.2} s, accuracy {acc:.4}, mean P(class 1) {:.4}",
        y.len(),
        yt.len(),
        proba.column(1).mean().unwrap_or(0.0)
    );
    Ok(())
}
