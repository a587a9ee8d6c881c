//! `classify tune knn`: a grid search for the best k-NN, printed from
//! [`classify_workflow::tune_knn`].

use classify_workflow::{TuneOptions, Tuned};

use crate::args::Common;
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
