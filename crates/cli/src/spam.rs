//! `classify spam`: the SpamAssassin spam filter: e-mails to word counts, a vocabulary from
//! the training e-mails, sparse vectors, logistic regression with 3-fold cross-validation,
//! test precision and recall.

use classify_metrics::{accuracy_score, precision_recall_fscore_support, PrfOptions};
use classify_models::{Csr, LogisticRegression};
use classify_preprocessing::{email_to_words, EmailOptions, Vocabulary};
use classify_selection::{train_test_split, Split, StratifiedKFold, TestSize};
use rayon::prelude::*;
use serde::Serialize;
use std::collections::HashMap;

use crate::args::{Common, SpamArgs};
use crate::data::cache;
use crate::output::{self, spinner, thousands};

#[derive(Serialize)]
struct SpamReport {
    n_emails: usize,
    n_spam: usize,
    n_train: usize,
    n_test: usize,
    options: EmailOptions,
    binary: bool,
    vocabulary_size: usize,
    top_words: Vec<String>,
    fold_accuracy: Vec<f64>,
    mean_accuracy: f64,
    test_precision: f64,
    test_recall: f64,
    test_accuracy: f64,
}

fn model() -> LogisticRegression {
    LogisticRegression {
        max_iter: 1000,
        ..Default::default()
    }
}

fn precision_recall(truth: &[usize], pred: &[usize]) -> anyhow::Result<(f64, f64)> {
    let prf = precision_recall_fscore_support(truth, pred, &PrfOptions::default())?;
    Ok((prf.precision.values()[0], prf.recall.values()[0]))
}

pub fn spam(common: &Common, args: &SpamArgs) -> anyhow::Result<()> {
    let emails = cache(common)?.load_spam()?;
    let options = EmailOptions {
        strip_headers: !args.keep_headers,
        lower_case: !args.keep_case,
        remove_punctuation: !args.keep_punctuation,
        replace_urls: !args.keep_urls,
        replace_numbers: !args.keep_numbers,
        stem: !args.no_stem,
    };
    let bar = spinner(
        common,
        &format!("reading {} e-mails", thousands(emails.len())),
    );
    let docs: Vec<_> = emails
        .par_iter()
        .map(|e| email_to_words(&e.raw, &options))
        .collect();
    let y: Vec<usize> = emails.iter().map(|e| usize::from(e.spam)).collect();
    let split = train_test_split(y.len(), TestSize::Fraction(0.2), common.seed, Some(&y))?;
    let pick = |rows: &[usize]| -> (Vec<_>, Vec<usize>) {
        (
            rows.iter().map(|&r| docs[r].clone()).collect(),
            rows.iter().map(|&r| y[r]).collect(),
        )
    };
    let (train_docs, y_train) = pick(&split.train);
    let (test_docs, y_test) = pick(&split.test);
    let n_folds = common.folds(3)?;
    bar.set_message(format!(
        "{n_folds}-fold cross-validation of logistic regression"
    ));
    let folds = StratifiedKFold::new(n_folds).split(&y_train)?;
    let fold_accuracy = cross_validate(args, &folds, &train_docs, &y_train)?;
    bar.set_message("fitting on the training e-mails, scoring the test e-mails");
    let vocab = Vocabulary::fit(&train_docs, args.vocabulary)?;
    let x_train: Csr = vocab.transform(&train_docs, !args.counts)?;
    let m = model().fit_sparse(&x_train, &y_train)?;
    let pred = m.predict_sparse(&vocab.transform(&test_docs, !args.counts)?)?;
    bar.finish_and_clear();
    let (test_precision, test_recall) = precision_recall(&y_test, &pred)?;
    let report = SpamReport {
        n_emails: emails.len(),
        n_spam: y.iter().sum(),
        n_train: y_train.len(),
        n_test: y_test.len(),
        options,
        binary: !args.counts,
        vocabulary_size: vocab.words().len(),
        top_words: vocab.words().iter().take(20).cloned().collect(),
        mean_accuracy: fold_accuracy.iter().sum::<f64>() / fold_accuracy.len() as f64,
        fold_accuracy,
        test_precision,
        test_recall,
        test_accuracy: accuracy_score(&y_test, &pred, None)?,
    };
    if common.json {
        return output::json(&report);
    }
    print_text(&report);
    Ok(())
}

/// Accuracy of logistic regression on each fold of the training e-mails; the vocabulary is
/// learned inside each fold, so no held-out word leaks in.
fn cross_validate(
    args: &SpamArgs,
    folds: &[Split],
    train_docs: &[HashMap<String, u32>],
    y_train: &[usize],
) -> anyhow::Result<Vec<f64>> {
    folds
        .par_iter()
        .map(|f| -> anyhow::Result<f64> {
            let fit_docs: Vec<_> = f.train.iter().map(|&r| train_docs[r].clone()).collect();
            let held: Vec<_> = f.test.iter().map(|&r| train_docs[r].clone()).collect();
            let vocab = Vocabulary::fit(&fit_docs, args.vocabulary)?;
            let x = vocab.transform(&fit_docs, !args.counts)?;
            let yt: Vec<usize> = f.train.iter().map(|&r| y_train[r]).collect();
            let m = model().fit_sparse(&x, &yt)?;
            let pred = m.predict_sparse(&vocab.transform(&held, !args.counts)?)?;
            let truth: Vec<usize> = f.test.iter().map(|&r| y_train[r]).collect();
            Ok(accuracy_score(&truth, &pred, None)?)
        })
        .collect()
}

fn print_text(report: &SpamReport) {
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
