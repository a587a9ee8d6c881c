//! `classify augment`: the k-NN on a training set grown with shifted copies, printed from
//! [`classify_workflow::augment`].

use classify_workflow::AugmentOptions;

use crate::args::{Common, KnnWeights};
use crate::data::load;
use crate::output::{self, thousands};

pub fn augment(common: &Common, k: usize, weights: KnnWeights) -> anyhow::Result<()> {
    let data = load(common)?;
    let opts = AugmentOptions {
        k,
        weights: weights.into(),
        seed: common.seed,
    };
    let report = output::with_progress(common, |p| classify_workflow::augment(&data, &opts, p))?;
    if common.json {
        return output::json(&report);
    }
    println!(
        "k-NN (k = {}, {} weights) on {}: {} training images, then {} with four one-pixel shifts of each",
        report.k,
        report.weights,
        report.dataset,
        thousands(report.n_train),
        thousands(report.n_augmented)
    );
    println!(
        "test accuracy {:.4} -> {:.4}; error rate {:.2} % -> {:.2} % ({:+.1} %)",
        report.test_accuracy,
        report.test_accuracy_augmented,
        report.error_rate * 100.0,
        report.error_rate_augmented * 100.0,
        report.error_rate_change * 100.0
    );
    Ok(())
}
