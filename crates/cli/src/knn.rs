//! `classify knn`: k-nearest neighbours on the test set, printed from
//! [`classify_workflow::knn`].

use classify_workflow::KnnOptions;

use crate::args::{Common, KnnWeights};
use crate::data::load;
use crate::output::{self, thousands};

pub fn knn(common: &Common, k: usize, weights: KnnWeights) -> anyhow::Result<()> {
    let data = load(common)?;
    let opts = KnnOptions {
        k,
        weights: weights.into(),
        index: common.index,
    };
    let report = output::with_progress(common, |p| classify_workflow::knn(&data, &opts, p))?;
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
        report.test_accuracy, report.seconds
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
