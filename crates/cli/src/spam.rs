//! `classify spam`: the SpamAssassin spam filter, printed from [`classify_workflow::spam`].

use classify_preprocessing::EmailOptions;
use classify_workflow::{SpamFilter, SpamOptions};

use crate::args::{Common, SpamArgs};
use crate::data::cache;
use crate::output::{self, thousands};

pub fn spam(common: &Common, args: &SpamArgs) -> anyhow::Result<()> {
    let opts = SpamOptions {
        email: EmailOptions {
            strip_headers: !args.keep_headers,
            lower_case: !args.keep_case,
            remove_punctuation: !args.keep_punctuation,
            replace_urls: !args.keep_urls,
            replace_numbers: !args.keep_numbers,
            stem: !args.no_stem,
        },
        vocabulary: args.vocabulary,
        binary: !args.counts,
        folds: common.folds(3)?,
        seed: common.seed,
    };
    let emails = cache(common)?.load_spam()?;
    let report = output::with_progress(common, |p| classify_workflow::spam(&emails, &opts, p))?;
    output::emit(common, &report, print_text)
}

fn print_text(report: &SpamFilter) {
    println!(
        "spam filter: {} e-mails ({} spam); {} to train, {} to test; vocabulary of {} words",
        thousands(report.n_emails),
        thousands(report.n_spam),
        thousands(report.n_train),
        thousands(report.n_test),
        report.vocabulary_size
    );
    println!("most frequent words: {}", report.top_words.join(" "));
    let folds: Vec<String> = report
        .fold_accuracy
        .iter()
        .map(|a| format!("{a:.4}"))
        .collect();
    println!(
        "logistic regression, {}-fold accuracy {} (mean {:.4})",
        report.fold_accuracy.len(),
        folds.join("  "),
        report.mean_accuracy
    );
    println!(
        "test: precision {:.2} %, recall {:.2} %, accuracy {:.4}",
        report.test_precision * 100.0,
        report.test_recall * 100.0,
        report.test_accuracy
    );
}
