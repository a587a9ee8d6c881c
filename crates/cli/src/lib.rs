//! The `classify` command line: one subcommand per step of the MNIST classification workflow.
//!
//! Every workflow subcommand shares one grammar: `--dataset NAME` (default: the embedded
//! `mnist-sample`), `--train N` (use the first N training images), `--index I` (the image to
//! show or explain), `--seed S`, `--out PATH` (figures; the format follows the extension),
//! `--json` (exactly one JSON document on stdout, nothing else there), `--quiet` (no progress
//! bars), and `--data-dir DIR` (the dataset cache; default `$CLASSIFY_DATA`, else the
//! platform data directory).
//!
//! The binary is a thin `main` over [`run`]; this crate holds the commands so they can be
//! tested and embedded.
//!
//! ```no_run
//! std::process::exit(classify_cli::run(["classify", "data", "info", "--json"]));
//! ```

mod args;
mod augment;
mod binary;
mod data;
mod denoise;
mod errors;
mod figures;
mod knn;
mod multiclass;
mod multilabel;
mod output;
mod predict;
mod report;
mod serve;
mod spam;
mod streamed;
mod tabular;
mod titanic;
mod train;
mod tune;

use std::ffi::OsString;

use clap::Parser;

pub use args::{Cli, Command, Common};

/// Parses `args` (the program name first), runs the command, and returns the exit code:
/// 0 on success, 1 on a failure (reported on stderr), 2 on a usage error.
pub fn run<I, T>(args: I) -> i32
where
    I: IntoIterator<Item = T>,
    T: Into<OsString> + Clone,
{
    let args: Vec<OsString> = args.into_iter().map(Into::into).collect();
    // Spellings removed: an error that names what replaced them.
    const REMOVED: [(&str, &str); 2] = [
        (
            "--folds",
            "is now --cv N (scikit-learn's name, the same in every command), e.g. classify tune knn --cv 5",
        ),
        (
            "--strip-headers",
            "is the default now: classify spam reads subject and body; --keep-headers reads every header too",
        ),
    ];
    for arg in args.iter().skip(1).filter_map(|a| a.to_str()) {
        let flag = arg.split('=').next().unwrap_or(arg);
        if let Some((old, why)) = REMOVED.iter().find(|(old, _)| *old == flag) {
            eprintln!("error: {old} {why}");
            return 2;
        }
    }
    let cli = match Cli::try_parse_from(args) {
        Ok(cli) => cli,
        Err(e) => {
            let code = e.exit_code();
            let _ = e.print();
            return code;
        }
    };
    match execute(&cli) {
        Ok(()) => 0,
        // `classify ... | head`: the reader left; that is not a failure.
        Err(e)
            if e.downcast_ref::<std::io::Error>()
                .is_some_and(|io| io.kind() == std::io::ErrorKind::BrokenPipe) =>
        {
            0
        }
        // A library's typed error, told with the flags and commands that set or repair it.
        Err(e) => {
            eprintln!("error: {}", errors::message(&e));
            1
        }
    }
}

/// Runs a parsed command line.
pub fn execute(cli: &Cli) -> anyhow::Result<()> {
    if let Some(run) = streamed::execute(cli)? {
        return run;
    }
    match &cli.command {
        Command::Data(cmd) => data::run(cmd, &cli.common),
        Command::Binary {
            digit,
            target_precision,
            calibrate,
            figure,
            cv,
            stream: _,
        } => binary::binary(
            &cli.common,
            cv,
            binary::Options {
                digit: *digit,
                target: *target_precision,
                calibrate: calibrate.map(Into::into),
                figure: *figure,
            },
        ),
        Command::Multiclass {
            cv,
            strategy,
            normalize,
            errors_only,
            figure,
            stream: _,
        } => multiclass::multiclass(
            &cli.common,
            cv,
            *strategy,
            multiclass::Figure {
                kind: *figure,
                normalize: *normalize,
                errors_only: *errors_only,
            },
        ),
        Command::Multilabel { k, chain } => {
            let chain = chain.map(|c| c.standalone(&cli.common));
            multilabel::multilabel(&cli.common, *k, chain)
        }
        Command::Denoise {
            k,
            test_images,
            save_noisy,
        } => denoise::denoise(&cli.common, *k, *test_images, save_noisy.as_deref()),
        Command::Knn { k, weights, .. } => knn::knn(&cli.common, *k, *weights),
        Command::Report => report::report(&cli.common),
        Command::Spam(args) => spam::spam(&cli.common, args),
        Command::Serve { model, host, port } => {
            serve::serve(&cli.common, model.as_deref(), host, *port)
        }
        Command::Tabular { label, drop } => tabular::tabular(&cli.common, label, drop),
        Command::Titanic { submission } => {
            titanic::titanic(&cli.common, cli.common.folds(10)?, submission.as_deref())
        }
        Command::Tune(args::TuneCommand::Knn { search }) => {
            tune::tune_knn(&cli.common, *search, cli.common.folds(5)?)
        }
        Command::Augment { k, weights } => augment::augment(&cli.common, *k, *weights),
        Command::Train {
            model,
            save,
            format,
        } => train::train(
            &cli.common,
            model.standalone(&cli.common),
            save.as_deref(),
            (*format).into(),
        ),
        Command::Predict { model, image } => predict::predict(&cli.common, model, image),
    }
}
