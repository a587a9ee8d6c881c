//! `classify knn`: k-nearest neighbours on the test set.

use classify_metrics::accuracy_score;
use classify_models::{Classifier, Estimator};
use serde::Serialize;

use crate::args::{Common, KnnWeights};
use crate::data::load;
use crate::output::{self, spinner, thousands};

#[derive(Serialize)]
struct KnnReport {
    dataset: String,
    n_train: usize,
    n_test: usize,
    k: usize,
    weights: &'static str,
    test_accuracy: f64,
    seconds: f64,
    image: Explained,
}

#[derive(Serialize)]
struct Explained {
    index: usize,
    label: u8,
    predicted: usize,
    neighbors: Vec<usize>,
    neighbor_labels: Vec<u8>,
    distances: Vec<f64>,
}

pub fn knn(common: &Common, k: usize, weights: KnnWeights) -> anyhow::Result<()> {
    let data = load(common)?;
    let (train, test) = (&data.train, &data.test);
    if common.index >= test.n_samples() {
        anyhow::bail!(
            "--index {} is out of range: {} test images",
            common.index,
            test.n_samples()
        );
    }
    let y: Vec<usize> = train.target.iter().map(|&l| usize::from(l)).collect();
    let params = weights.knn(k);
    let bar = spinner(
        common,
        &format!(
            "{} test images against {} training images",
            thousands(test.n_samples()),
            thousands(y.len())
        ),
    );
    let start = std::time::Instant::now();
    let model = params.fit((&train.data).into(), &y)?;
    let pred = model.predict((&test.data).into())?;
    let seconds = start.elapsed().as_secs_f64();
    let one = test
        .data
        .slice(ndarray::s![common.index..common.index + 1, ..]);
    let nb = model.kneighbors(one.into(), k)?;
    bar.finish_and_clear();
    let truth: Vec<usize> = test.target.iter().map(|&l| usize::from(l)).collect();
    let neighbors: Vec<usize> = nb.indices.row(0).to_vec();
    let report = KnnReport {
        dataset: data.name.clone(),
        n_train: y.len(),
        n_test: truth.len(),
        k,
        weights: weights.name(),
        test_accuracy: accuracy_score(&truth, &pred, None)?,
        seconds,
        image: Explained {
            index: common.index,
            label: test.target[common.index],
            predicted: pred[common.index],
            neighbor_labels: neighbors.iter().map(|&i| train.target[i]).collect(),
            neighbors,
            distances: nb.distances.row(0).to_vec(),
        },
    };
    if common.json {
        return output::json(&report);
    }
    println!(
        "k-NN (k = {k}, {} weights) on {}: {} training, {} test images",
        report.weights,
        report.dataset,
        thousands(report.n_train),
        thousands(report.n_test)
    );
    println!(
        "test accuracy {:.4}   ({:.2} s)",
        report.test_accuracy, seconds
    );
    let e = &report.image;
    println!(
        "test image {} (label {}): predicted {}",
        e.index, e.label, e.predicted
    );
    for ((i, l), d) in e.neighbors.iter().zip(&e.neighbor_labels).zip(&e.distances) {
        println!("  neighbour: training image {i:>6}  label {l}  distance {d:.1}");
    }
    Ok(())
}
