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
    print_result(report.test_accuracy, report.seconds, &report.image);
    Ok(())
}

/// The test accuracy, the time and one test image's neighbours, as `knn` prints them.
pub(crate) fn print_result(accuracy: f64, seconds: f64, e: &classify_workflow::Neighbours) {
    println!("test accuracy {accuracy:.4}   ({seconds:.2} s)");
    println!(
        "test image {} (label {}): predicted {}",
        e.index, e.label, e.predicted
    );
    let width = thousands(e.neighbors.iter().copied().max().unwrap_or(0)).len();
    for ((i, l), d) in e.neighbors.iter().zip(&e.neighbor_labels).zip(&e.distances) {
        println!(
            "  neighbour: training image {:>width$}  label {l}  distance {d:.1}",
            thousands(*i)
        );
    }
}
