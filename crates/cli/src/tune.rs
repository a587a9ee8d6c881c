//! `classify tune knn` (grid search for the best k-NN) and `classify augment` (the same
//! k-NN on a training set grown with shifted copies), printed from
//! [`classify_workflow::tune_knn`] and [`classify_workflow::augment`].

use classify_workflow::{AugmentOptions, TuneOptions, Tuned};

use crate::args::{Common, KnnWeights};
use crate::data::load;
use crate::output::{self, thousands};

pub fn tune_knn(common: &Common, search: usize, folds: usize) -> anyhow::Result<()> {
    let data = load(common)?;
    let report = output::with_progress(common, |p| {
        classify_workflow::tune_knn(&data, &TuneOptions { search, folds }, p)
    })?;
    output::emit(common, &report, print_tune)
}

fn print_tune(r: &Tuned) {
    println!(
        "grid search on {} of {}: {}-fold cross-validation ({:.1} s)",
        thousands(r.search_images),
        r.dataset,
        r.folds,
        r.search_seconds
    );
    for c in &r.candidates {
        println!(
            "  {:<32} mean {:.4}  std {:.4}  rank {}",
            c.params.to_string(),
            c.mean_score,
            c.std_score,
            c.rank
        );
    }
    println!(
        "best: {} (mean {:.4}); refitted on {} images: test accuracy {:.4} ({:.1} s)",
        r.best_params,
        r.best_score,
        thousands(r.n_train),
        r.test_accuracy,
        r.refit_seconds
    );
}

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
