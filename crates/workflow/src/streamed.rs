//! Learning from a training set read a block at a time ([`Streamed`]): SGD trained by
//! `partial_fit` over the blocks for a number of passes (`classify binary --stream`,
//! `classify multiclass --stream`), and exact k-nearest neighbours searched block by block
//! (`classify knn --stream`). Memory is a few blocks and the test set, whatever the size of
//! the training set.

use std::time::Instant;

use classify_datasets::{Block, Streamed};
use classify_metrics::{
    accuracy_score, precision_recall_fscore_support, roc_auc_score, PrfOptions,
};
use classify_models::{
    Classifier, DecisionFunction, KNeighborsClassifier, SgdClassifier, SgdProgress, SgdSolver,
    StreamedNeighbors, Weights,
};
use serde::Serialize;

use crate::detector::check_index;
use crate::neighbors::{weights_name, Neighbours};
use crate::{thousands, Error, Images, Progress, Result};

/// How a streamed step reads the training set.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Reading {
    /// Rows per block.
    pub block: usize,
    /// Only the first rows (`None`: all).
    pub limit: Option<usize>,
}

impl Reading {
    fn check(&self, data: &Streamed) -> Result<usize> {
        if self.block == 0 {
            return Err(Error::option("block", 0, "a block holds at least one row"));
        }
        let n = data.train.n_samples();
        if n == 0 {
            return Err(Error::Data(classify_datasets::Error::InvalidArgument(
                format!("{} holds no training images", data.name),
            )));
        }
        match self.limit {
            Some(limit) if limit == 0 || limit > n => Err(Error::option(
                "train",
                limit,
                format!("between 1 and the {} training images", thousands(n)),
            )),
            Some(limit) => Ok(limit),
            None => Ok(n),
        }
    }
}

/// Calls `each` on every block of the first `n` training rows, in order, while the next
/// block is read on another thread into a block given back (memory: three blocks at most,
/// allocated once).
fn for_each_block(
    data: &Streamed,
    reading: &Reading,
    n: usize,
    pool: &mut Vec<Vec<u8>>,
    mut each: impl FnMut(&Block) -> Result<()>,
) -> Result<()> {
    let mut blocks = data.train.blocks(reading.block.min(n))?;
    std::thread::scope(|s| {
        let (tx, rx) = std::sync::mpsc::sync_channel::<classify_datasets::Result<Block>>(1);
        let (back, returned) = std::sync::mpsc::channel::<Vec<u8>>();
        for pixels in pool.drain(..) {
            let _ = back.send(pixels);
        }
        let reader = s.spawn(move || loop {
            if let Ok(pixels) = returned.try_recv() {
                blocks.recycle(pixels);
            }
            let Some(block) = blocks.next() else {
                break returned;
            };
            let stop = block.as_ref().map_or(true, |b| b.start >= n);
            if stop && block.is_ok() {
                break returned;
            }
            if tx.send(block).is_err() || stop {
                // The blocks not given back yet stay for the next pass.
                break returned;
            }
        });
        for block in rx {
            let mut block = block?;
            let keep = (n - block.start).min(block.data.nrows());
            if keep < block.data.nrows() {
                block.data = block.data.slice_move(ndarray::s![..keep, ..]);
                block.target = block.target.slice_move(ndarray::s![..keep]);
            }
            each(&block)?;
            let (pixels, _) = block.data.into_raw_vec_and_offset();
            // The reader may have stopped already; the block then waits for the next pass.
            let _ = back.send(pixels);
        }
        drop(back);
        let returned = reader.join().expect("reading blocks does not panic");
        pool.extend(returned.try_iter());
        Ok(())
    })
}

/// What the streamed SGD learns: one class against the rest, or every class.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Target {
    /// A detector of this class.
    Detect(u8),
    /// All classes (one-vs-rest, as scikit-learn's SGD).
    AllClasses,
}

/// Options of [`sgd_stream`].
#[derive(Debug, Clone, Copy)]
pub struct StreamOptions {
    /// What to learn.
    pub target: Target,
    /// Passes over the training set: `partial_fit` on every block, in order, per pass.
    pub passes: usize,
    /// How the training set is read.
    pub reading: Reading,
    /// SGD's `random_state` (each `partial_fit` shuffles its block with it, as scikit-learn).
    pub seed: u64,
}

/// SGD trained on a streamed training set (`classify binary --stream --json`).
#[derive(Debug, Serialize)]
pub struct StreamedSgd {
    /// The dataset.
    pub dataset: String,
    /// Training images learned from.
    pub n_train: usize,
    /// Test images.
    pub n_test: usize,
    /// The detected class (`None`: every class).
    pub digit: Option<u8>,
    /// Rows per block (per `partial_fit`).
    pub block: usize,
    /// Passes made.
    pub passes: usize,
    /// Seconds of each pass (reading and learning).
    pub pass_seconds: Vec<f64>,
    /// Training images learned from per second, over all passes.
    pub images_per_second: f64,
    /// Test accuracy after each pass.
    pub test_accuracy_per_pass: Vec<f64>,
    /// Test accuracy at the end.
    pub test_accuracy: f64,
    /// Detector only: test precision, recall, F1 and ROC AUC.
    pub detector: Option<TestScores>,
}

/// A detector's scores on the test images.
#[derive(Debug, Clone, Serialize)]
pub struct TestScores {
    /// Precision.
    pub precision: f64,
    /// Recall.
    pub recall: f64,
    /// F1.
    pub f1: f64,
    /// ROC AUC of the decision values.
    pub roc_auc: f64,
}

/// scikit-learn's `SGDClassifier(random_state=seed).partial_fit` over the training blocks in
/// order, `passes` times, then scored on the test images: the same weights as scikit-learn
/// calling `partial_fit` on the same blocks (each call one epoch over its block, shuffled
/// inside the call). The detector's labels are `label == digit`.
///
/// ```
/// use classify_datasets::{open_stream, Cache, Source};
/// use classify_workflow::{sgd_stream, Reading, StreamOptions, Target};
///
/// let data = open_stream(&Source::Sample, &Cache::new(std::env::temp_dir()))?;
/// let opts = StreamOptions {
///     target: Target::Detect(5),
///     passes: 2,
///     reading: Reading { block: 2000, limit: None },
///     seed: 42,
/// };
/// let five = sgd_stream(&data, &opts, &())?;
/// assert_eq!(five.test_accuracy_per_pass.len(), 2);
/// assert!(five.test_accuracy > 0.9);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn sgd_stream(
    data: &Streamed,
    opts: &StreamOptions,
    progress: &dyn Progress,
) -> Result<StreamedSgd> {
    let n = opts.reading.check(data)?;
    if opts.passes == 0 {
        return Err(Error::option("passes", 0, "at least one pass"));
    }
    let n_classes = data.train.target_names().len();
    let (classes, relabel): (Vec<usize>, Box<dyn Fn(u8) -> usize + Sync>) = match opts.target {
        Target::Detect(d) if usize::from(d) >= n_classes => {
            return Err(Error::option(
                "digit",
                d,
                format!("the dataset has {n_classes} classes"),
            ))
        }
        Target::Detect(d) => (vec![0, 1], Box::new(move |l| usize::from(l == d))),
        Target::AllClasses => ((0..n_classes).collect(), Box::new(usize::from)),
    };
    let sgd = SgdClassifier {
        random_state: opts.seed,
        solver: SgdSolver::ScikitLearn,
        ..Default::default()
    };
    let truth: Vec<usize> = data.test.target.iter().map(|&l| relabel(l)).collect();
    let mut state: Option<SgdProgress> = None;
    let (mut pass_seconds, mut accuracy) = (Vec::new(), Vec::new());
    let mut pool = Vec::new();
    for pass in 0..opts.passes {
        let start = Instant::now();
        for_each_block(data, &opts.reading, n, &mut pool, |block| {
            progress.step(&format!(
                "pass {} of {}: rows {} to {} of {}",
                pass + 1,
                opts.passes,
                thousands(block.start),
                thousands(block.start + block.data.nrows()),
                thousands(n)
            ));
            let y: Vec<usize> = block.target.iter().map(|&l| relabel(l)).collect();
            state = Some(sgd.partial_fit(state.as_ref(), (&block.data).into(), &y, &classes)?);
            Ok(())
        })?;
        pass_seconds.push(start.elapsed().as_secs_f64());
        let model = &state.as_ref().expect("at least one block").model;
        let pred = model.predict((&data.test.data).into())?;
        accuracy.push(accuracy_score(&truth, &pred, None)?);
    }
    let model = &state.as_ref().expect("at least one block").model;
    let detector = match opts.target {
        Target::Detect(_) => Some(test_scores(model, data, &truth)?),
        Target::AllClasses => None,
    };
    let total: f64 = pass_seconds.iter().sum();
    Ok(StreamedSgd {
        dataset: data.name.clone(),
        n_train: n,
        n_test: truth.len(),
        digit: match opts.target {
            Target::Detect(d) => Some(d),
            Target::AllClasses => None,
        },
        block: opts.reading.block,
        passes: opts.passes,
        images_per_second: (n * opts.passes) as f64 / total.max(1e-9),
        pass_seconds,
        test_accuracy: *accuracy.last().expect("at least one pass"),
        test_accuracy_per_pass: accuracy,
        detector,
    })
}

fn test_scores<M: Classifier + DecisionFunction>(
    model: &M,
    data: &Streamed,
    truth: &[usize],
) -> Result<TestScores> {
    let scores = model.decision_function((&data.test.data).into())?;
    let scores: Vec<f64> = scores.column(0).to_vec();
    let pred: Vec<usize> = scores.iter().map(|&s| usize::from(s > 0.0)).collect();
    let prf = precision_recall_fscore_support(truth, &pred, &PrfOptions::default())?;
    Ok(TestScores {
        precision: prf.precision.values()[0],
        recall: prf.recall.values()[0],
        f1: prf.fbeta.values()[0],
        roc_auc: roc_auc_score(truth, &scores, None)?,
    })
}

/// Options of [`knn_stream`].
#[derive(Debug, Clone, Copy)]
pub struct KnnStreamOptions {
    /// Neighbours that vote.
    pub k: usize,
    /// How they vote.
    pub weights: Weights,
    /// How the training set is read.
    pub reading: Reading,
    /// The test image whose neighbours are shown.
    pub index: usize,
}

/// k-NN of the test images against a streamed training set (`classify knn --stream`).
#[derive(Debug, Serialize)]
pub struct StreamedKnn {
    /// The dataset.
    pub dataset: String,
    /// Training images searched.
    pub n_train: usize,
    /// Test images.
    pub n_test: usize,
    /// Neighbours.
    pub k: usize,
    /// How they vote.
    pub weights: &'static str,
    /// Rows per block.
    pub block: usize,
    /// Test accuracy.
    pub test_accuracy: f64,
    /// Seconds: reading, searching and voting.
    pub seconds: f64,
    /// One test image (`index`) and its neighbours.
    pub image: Neighbours,
    /// Every test image's neighbours' training rows, nearest first (`n_test × k`).
    #[serde(skip)]
    pub neighbor_rows: ndarray::Array2<usize>,
}

/// The exact `k` nearest training images of every test image, the training set read a block
/// at a time (each block searched by the pruned engine, the lists merged by distance, then
/// training row): the neighbours, and so the predictions, of a search over all rows at once.
pub fn knn_stream(
    data: &Streamed,
    opts: &KnnStreamOptions,
    progress: &dyn Progress,
) -> Result<StreamedKnn> {
    let n = opts.reading.check(data)?;
    check_index(opts.index, data.test.n_samples(), Images::Test)?;
    let params = KNeighborsClassifier {
        n_neighbors: opts.k,
        weights: opts.weights,
        ..Default::default()
    };
    let start = Instant::now();
    let queries = (&data.test.data).into();
    let mut found = StreamedNeighbors::new(params, data.test.n_samples())?;
    for_each_block(data, &opts.reading, n, &mut Vec::new(), |block| {
        progress.step(&format!(
            "{} test images against rows {} to {} of {}",
            thousands(data.test.n_samples()),
            thousands(block.start),
            thousands(block.start + block.data.nrows()),
            thousands(n)
        ));
        let y: Vec<usize> = block.target.iter().map(|&l| usize::from(l)).collect();
        found.add_block((&block.data).into(), &y, block.start, queries)?;
        Ok(())
    })?;
    let pred = found.predict()?;
    let seconds = start.elapsed().as_secs_f64();
    let truth = data.test.labels();
    let neighbors = found.neighbors()?;
    let (i, labels) = (opts.index, data.train.labels());
    let rows = neighbors.indices.row(i).to_vec();
    let image = Neighbours {
        index: i,
        label: data.test.target[i],
        predicted: pred[i],
        neighbor_labels: rows.iter().map(|&r| labels[r]).collect(),
        neighbors: rows,
        distances: neighbors.distances.row(i).to_vec(),
    };
    Ok(StreamedKnn {
        image,
        neighbor_rows: neighbors.indices,
        dataset: data.name.clone(),
        n_train: n,
        n_test: truth.len(),
        k: opts.k,
        weights: weights_name(opts.weights),
        block: opts.reading.block,
        test_accuracy: accuracy_score(&truth, &pred, None)?,
        seconds,
    })
}
