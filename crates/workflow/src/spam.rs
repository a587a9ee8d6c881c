//! The spam filter: SpamAssassin e-mails to words, a vocabulary from the training e-mails,
//! sparse vectors, logistic regression judged by stratified cross-validation (the vocabulary
//! learned inside each fold), test precision and recall — `classify spam`.

use std::collections::HashMap;

use classify_datasets::spam::Email;
use classify_metrics::{accuracy_score, precision_recall_fscore_support, PrfOptions};
use classify_models::{Csr, LogisticRegression};
use classify_preprocessing::{email_to_words, EmailOptions, Vocabulary};
use classify_selection::{train_test_split, Split, StratifiedKFold, TestSize};
use rayon::prelude::*;
use serde::Serialize;

use crate::detector::mean;
use crate::{thousands, Progress, Result};

/// What the spam filter is asked for.
#[derive(Debug, Clone)]
pub struct SpamOptions {
    /// How e-mails become words.
    pub email: EmailOptions,
    /// Vocabulary size (the most frequent training words).
    pub vocabulary: usize,
    /// Word presence (0/1) rather than counts.
    pub binary: bool,
    /// Stratified folds.
    pub folds: usize,
    /// The seed of the 80/20 train/test split.
    pub seed: u64,
}

/// The spam filter's numbers (`classify spam --json`).
#[derive(Debug, Serialize)]
pub struct SpamFilter {
    /// E-mails.
    pub n_emails: usize,
    /// Those that are spam.
    pub n_spam: usize,
    /// Training e-mails (80 %, stratified).
    pub n_train: usize,
    /// Test e-mails.
    pub n_test: usize,
    /// How e-mails became words.
    pub options: EmailOptions,
    /// Word presence rather than counts.
    pub binary: bool,
    /// Words in the vocabulary.
    pub vocabulary_size: usize,
    /// Its 20 most frequent words.
    pub top_words: Vec<String>,
    /// Accuracy on each fold of the training e-mails.
    pub fold_accuracy: Vec<f64>,
    /// Their mean.
    pub mean_accuracy: f64,
    /// Precision (spam) on the test e-mails.
    pub test_precision: f64,
    /// Recall (spam) on the test e-mails.
    pub test_recall: f64,
    /// Accuracy on the test e-mails.
    pub test_accuracy: f64,
}

fn model() -> LogisticRegression {
    LogisticRegression {
        max_iter: 1000,
        ..Default::default()
    }
}

fn precision_recall(truth: &[usize], pred: &[usize]) -> Result<(f64, f64)> {
    let prf = precision_recall_fscore_support(truth, pred, &PrfOptions::default())?;
    Ok((prf.precision.values()[0], prf.recall.values()[0]))
}

/// Runs the spam filter on `emails` (`Cache::load_spam`): a stratified 80/20 split, logistic
/// regression (`max_iter=1000`) cross-validated on the training e-mails, then fitted on them
/// and measured on the test e-mails.
pub fn spam(emails: &[Email], opts: &SpamOptions, progress: &dyn Progress) -> Result<SpamFilter> {
    let options = opts.email;
    progress.step(&format!("reading {} e-mails", thousands(emails.len())));
    let docs: Vec<_> = emails
        .par_iter()
        .map(|e| email_to_words(&e.raw, &options))
        .collect();
    let y: Vec<usize> = emails.iter().map(|e| usize::from(e.spam)).collect();
    let split = train_test_split(y.len(), TestSize::Fraction(0.2), opts.seed, Some(&y))?;
    let pick = |rows: &[usize]| -> (Vec<_>, Vec<usize>) {
        (
            rows.iter().map(|&r| docs[r].clone()).collect(),
            rows.iter().map(|&r| y[r]).collect(),
        )
    };
    let (train_docs, y_train) = pick(&split.train);
    let (test_docs, y_test) = pick(&split.test);
    let n_folds = opts.folds;
    progress.step(&format!(
        "{n_folds}-fold cross-validation of logistic regression"
    ));
    let folds = StratifiedKFold::new(n_folds).split(&y_train)?;
    let fold_accuracy = cross_validate(opts, &folds, &train_docs, &y_train)?;
    progress.step("fitting on the training e-mails, scoring the test e-mails");
    let vocab = Vocabulary::fit(&train_docs, opts.vocabulary)?;
    let x_train: Csr = vocab.transform(&train_docs, opts.binary)?;
    let m = model().fit_sparse(&x_train, &y_train)?;
    let pred = m.predict_sparse(&vocab.transform(&test_docs, opts.binary)?)?;
    let (test_precision, test_recall) = precision_recall(&y_test, &pred)?;
    Ok(SpamFilter {
        n_emails: emails.len(),
        n_spam: y.iter().sum(),
        n_train: y_train.len(),
        n_test: y_test.len(),
        options,
        binary: opts.binary,
        vocabulary_size: vocab.words().len(),
        top_words: vocab.words().iter().take(20).cloned().collect(),
        mean_accuracy: mean(&fold_accuracy),
        fold_accuracy,
        test_precision,
        test_recall,
        test_accuracy: accuracy_score(&y_test, &pred, None)?,
    })
}

/// Accuracy of logistic regression on each fold of the training e-mails; the vocabulary is
/// learned inside each fold, so no held-out word leaks in.
fn cross_validate(
    opts: &SpamOptions,
    folds: &[Split],
    train_docs: &[HashMap<String, u32>],
    y_train: &[usize],
) -> Result<Vec<f64>> {
    folds
        .par_iter()
        .map(|f| -> Result<f64> {
            let fit_docs: Vec<_> = f.train.iter().map(|&r| train_docs[r].clone()).collect();
            let held: Vec<_> = f.test.iter().map(|&r| train_docs[r].clone()).collect();
            let vocab = Vocabulary::fit(&fit_docs, opts.vocabulary)?;
            let x = vocab.transform(&fit_docs, opts.binary)?;
            let yt: Vec<usize> = f.train.iter().map(|&r| y_train[r]).collect();
            let m = model().fit_sparse(&x, &yt)?;
            let pred = m.predict_sparse(&vocab.transform(&held, opts.binary)?)?;
            let truth: Vec<usize> = f.test.iter().map(|&r| y_train[r]).collect();
            Ok(accuracy_score(&truth, &pred, None)?)
        })
        .collect()
}
