//! `classify multilabel`: two labels per digit, printed from [`classify_workflow::multilabel`].

use classify_workflow::{Model, Multilabel, MultilabelOptions};

use crate::args::Common;
use crate::data::load;
use crate::output::{self, thousands};

pub fn multilabel(common: &Common, k: usize, chain: Option<Model>) -> anyhow::Result<()> {
    let opts = MultilabelOptions {
        k,
        chain,
        folds: common.folds(3)?,
        index: common.index,
    };
    let data = load(common)?;
    let report = output::with_progress(common, |p| classify_workflow::multilabel(&data, &opts, p))?;
    output::emit(common, &report, print_multilabel)
}

fn print_multilabel(report: &Multilabel) {
    let large = &report.labels[0];
    println!(
        "multilabel on {}: {} training images; labels: {large}, odd; model: {}",
        report.dataset,
        thousands(report.n_train),
        report.model
    );
    let yes = |v: usize| if v == 1 { "yes" } else { "no" };
    let e = &report.image;
    println!(
        "training image {} (a {}): large {}, odd {} (truth: large {}, odd {})",
        e.index,
        e.digit,
        yes(e.predicted[0]),
        yes(e.predicted[1]),
        yes(e.truth[0]),
        yes(e.truth[1])
    );
    println!(
        "{}-fold out-of-fold F1: macro {:.4}, weighted {:.4} (large {:.4}, odd {:.4})",
        report.folds,
        report.f1.f1_macro,
        report.f1.f1_weighted,
        report.f1.f1_per_label[0],
        report.f1.f1_per_label[1]
    );
}
