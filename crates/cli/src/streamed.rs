//! `--stream` of `classify binary`, `multiclass` and `knn`: the training set read a block at
//! a time from its file ([`classify_workflow::sgd_stream`], [`classify_workflow::knn_stream`]),
//! chosen by the flag or by the size of the training set.

use anyhow::bail;
use classify_workflow::{
    KnnStreamOptions, ModelKind, Reading, StreamOptions, StreamedKnn, StreamedSgd, Target,
};

use crate::args::{Command, Common, CvArgs, KnnWeights, SolverArg, StreamArgs};
use crate::data::{cache, source};
use crate::output::{self, thousands};
use crate::Cli;

/// Training sets of more pixels than this are streamed without being asked.
const AUTO_STREAM_BYTES: usize = 2 << 30;

/// Runs `cli` streamed when it is `binary`, `multiclass` or `knn` and [`wanted`] says so;
/// `None` leaves it to the commands that hold the training set in memory.
pub fn execute(cli: &Cli) -> anyhow::Result<Option<anyhow::Result<()>>> {
    let common = &cli.common;
    Ok(Some(match &cli.command {
        Command::Binary {
            digit,
            target_precision,
            calibrate,
            cv,
            stream,
            ..
        } if wanted(common, stream)? => {
            let refused = [
                (target_precision.is_some(), "--target-precision"),
                (calibrate.is_some(), "--calibrate"),
            ];
            binary(common, cv, *digit, &refused, stream)
        }
        Command::Multiclass {
            cv,
            strategy,
            errors_only,
            stream,
            ..
        } if wanted(common, stream)? => {
            let refused = [
                (strategy.is_some(), "--strategy"),
                (*errors_only, "--errors-only"),
            ];
            multiclass(common, cv, &refused, stream)
        }
        Command::Knn { k, weights, stream } if wanted(common, stream)? => {
            knn(common, *k, *weights, stream)
        }
        _ => return Ok(None),
    }))
}

/// Whether the command reads the training set a block at a time: asked for, or a cached
/// training set of more than 2 GiB of pixels (a note on stderr says so).
pub fn wanted(common: &Common, args: &StreamArgs) -> anyhow::Result<bool> {
    if args.stream {
        return Ok(true);
    }
    let cache = cache(common)?;
    let Ok(info) = cache.find(&common.dataset) else {
        return Ok(false);
    };
    let [h, w] = info.image_shape;
    let items = info
        .file(classify_datasets::Role::TrainImages)
        .map_or(0, |f| f.items);
    let large = items.saturating_mul(h * w) > AUTO_STREAM_BYTES;
    if large && !common.quiet && !common.json {
        eprintln!(
            "note: {}'s {} training images hold more than 2 GiB of pixels: read a block at a time (--stream)",
            info.name,
            thousands(items)
        );
    }
    Ok(large)
}

fn open(common: &Common) -> anyhow::Result<classify_datasets::Streamed> {
    let cache = cache(common)?;
    Ok(classify_datasets::open_stream(
        &source(&common.dataset, &cache),
        &cache,
    )?)
}

fn reading(common: &Common, args: &StreamArgs) -> Reading {
    Reading {
        block: args.block,
        limit: common.train,
    }
}

/// The flags a streamed SGD cannot honour, refused by name.
fn check_sgd(common: &Common, cv: &CvArgs, extra: &[(bool, &str)]) -> anyhow::Result<()> {
    if cv.model.0 != ModelKind::Sgd {
        bail!(
            "--stream trains SGD (scikit-learn's partial_fit); --model {} needs its training set in memory",
            cv.model
        );
    }
    let refused = [
        (cv.scale, "--scale"),
        (cv.solver != SolverArg::ScikitLearn, "--solver fast"),
        (common.cv.is_some(), "--cv"),
        (common.out.is_some(), "--out"),
    ];
    if let Some((_, flag)) = refused.iter().chain(extra).find(|(given, _)| *given) {
        bail!("{flag} does not apply with --stream (SGD learns from the blocks in one pass each, then is scored on the test images)");
    }
    Ok(())
}

/// `classify binary --stream`.
pub fn binary(
    common: &Common,
    cv: &CvArgs,
    digit: Option<u8>,
    refused: &[(bool, &str)],
    args: &StreamArgs,
) -> anyhow::Result<()> {
    check_sgd(common, cv, refused)?;
    let data = open(common)?;
    let digit =
        digit.unwrap_or_else(|| classify_workflow::default_digit(data.train.target_names().len()));
    let opts = StreamOptions {
        target: Target::Detect(digit),
        passes: args.passes,
        reading: reading(common, args),
        seed: common.seed,
    };
    let report = output::with_progress(common, |p| classify_workflow::sgd_stream(&data, &opts, p))?;
    output::emit(common, &report, print_sgd)
}

/// `classify multiclass --stream`.
pub fn multiclass(
    common: &Common,
    cv: &CvArgs,
    refused: &[(bool, &str)],
    args: &StreamArgs,
) -> anyhow::Result<()> {
    check_sgd(common, cv, refused)?;
    let data = open(common)?;
    let opts = StreamOptions {
        target: Target::AllClasses,
        passes: args.passes,
        reading: reading(common, args),
        seed: common.seed,
    };
    let report = output::with_progress(common, |p| classify_workflow::sgd_stream(&data, &opts, p))?;
    output::emit(common, &report, print_sgd)
}

fn print_sgd(r: &StreamedSgd) {
    let what = match r.digit {
        Some(d) => format!("{d}-detector"),
        None => "all classes".to_string(),
    };
    println!(
        "SGD ({what}) on {}, streamed: {} training images in blocks of {}, {} pass(es); {} test images",
        r.dataset,
        thousands(r.n_train),
        thousands(r.block),
        r.passes,
        thousands(r.n_test)
    );
    for (i, (s, a)) in r
        .pass_seconds
        .iter()
        .zip(&r.test_accuracy_per_pass)
        .enumerate()
    {
        println!("pass {:>2}: {s:>7.2} s   test accuracy {a:.4}", i + 1);
    }
    println!(
        "test accuracy {:.4}   ({} images per second)",
        r.test_accuracy,
        thousands(r.images_per_second as usize)
    );
    if let Some(d) = &r.detector {
        println!(
            "test precision {:.4}  recall {:.4}  F1 {:.4}  ROC AUC {:.4}",
            d.precision, d.recall, d.f1, d.roc_auc
        );
    }
}

/// `classify knn --stream`.
pub fn knn(
    common: &Common,
    k: usize,
    weights: KnnWeights,
    args: &StreamArgs,
) -> anyhow::Result<()> {
    if args.passes != 1 {
        bail!("--passes applies to SGD; k-NN reads the training set once");
    }
    if let Some(out) = &common.out {
        if out.extension().is_none_or(|e| e != "npy") {
            bail!(
                "--out {}: k-NN --stream writes the neighbours' training rows as a .npy file",
                out.display()
            );
        }
    }
    let data = open(common)?;
    let opts = KnnStreamOptions {
        k,
        weights: weights.into(),
        reading: reading(common, args),
        index: common.index,
    };
    let report = output::with_progress(common, |p| classify_workflow::knn_stream(&data, &opts, p))?;
    if let Some(out) = &common.out {
        let rows = report.neighbor_rows.mapv(|r| r as u32);
        classify_datasets::npy::write_u32(out, &rows)?;
        if !common.json {
            eprintln!(
                "wrote {} (each test image's {k} neighbours' training rows)",
                out.display()
            );
        }
    }
    output::emit(common, &report, print_knn)
}

fn print_knn(r: &StreamedKnn) {
    println!(
        "k-NN (k = {}, {} weights) on {}, streamed: {} training images in blocks of {}, {} test images",
        r.k,
        r.weights,
        r.dataset,
        thousands(r.n_train),
        thousands(r.block),
        thousands(r.n_test)
    );
    crate::knn::print_result(r.test_accuracy, r.seconds, &r.image);
}
