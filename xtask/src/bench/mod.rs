//! `cargo xtask bench`: our code and scikit-learn / NumPy side by side, same data, one run.
//!
//! 1. Picks the data: `--dataset NAME` from the cache (default `fashion-mnist`), falling back
//!    to the embedded sample when it is not cached.
//! 2. Runs `cargo bench` (criterion) with `CLASSIFY_BENCH_DATA` pointing at the files and
//!    reads each step's median from `target/criterion`.
//! 3. Runs `benches/sklearn/bench.py` on the same files in a venv under `target/bench-venv`
//!    (created with numpy and scikit-learn on first use).
//! 4. Runs `benches/linfa` (linfa's own crates: linfa-svm, linfa-ensemble, linfa-trees,
//!    linfa-nn, linfa-logistic) on the same files for the steps linfa has a model for (`--no-linfa` skips it).
//! 5. Prints one table: step, ours, scikit-learn's, ratio, linfa's, ratio (theirs / ours: above
//!    1 means we are faster), then each workflow step's accuracies on every side.
//!
//! Workflow steps run the release `classify` binary once and time it; heavy ones (minutes in
//! scikit-learn) run only when named or with `--all`.

mod chapter;

use std::path::{Path, PathBuf};
use std::process::Command;

use anyhow::{bail, Context};

use crate::{cargo, project_root, status};

/// One comparison: our side (a criterion benchmark, or one timed run of the `classify`
/// binary) and the matching Python step.
pub(crate) struct Step {
    /// Name shown in the table and passed to the Python script.
    pub(crate) name: &'static str,
    /// How our side is measured.
    ours: Ours,
    /// What is measured.
    pub(crate) what: &'static str,
    /// Heavy: skipped unless named or `--all` is given (scikit-learn takes many minutes).
    heavy: bool,
    /// scikit-learn-intelex accelerates (or may accelerate) the step: `--chapter` runs it on
    /// that side too; the others (SGD, the dummy, the curves) it leaves to scikit-learn.
    pub(crate) intelex: bool,
    /// Arguments of one untimed `classify` run first (to write inputs the Python side
    /// reads); empty for none. Steps with the same setup share one run.
    setup: &'static [&'static str],
}

enum Ours {
    /// A criterion benchmark: bench target (`benches/<bench>.rs`) and id `group/function`.
    Criterion {
        bench: &'static str,
        id: &'static str,
    },
    /// One run of `classify <args> --dataset <bench dataset> --json`, timed; its JSON may hold
    /// `fold_accuracy` to compare with scikit-learn's.
    Cli(&'static [&'static str]),
}

/// Writes the noisy arrays scikit-learn's denoising steps read.
const DENOISE_SETUP: &[&str] = &[
    "denoise",
    "--test-images",
    "1000",
    "--save-noisy",
    "target/bench-data/denoise",
];

const STEPS: &[Step] = &[
    Step {
        name: "idx-load",
        ours: Ours::Criterion {
            bench: "datasets",
            id: "idx/load_train_test",
        },
        what: "read train+test images and labels (4 gzip IDX files) into arrays",
        heavy: false,
        intelex: false,
        setup: &[],
    },
    Step {
        name: "curves-1m",
        ours: Ours::Criterion {
            bench: "metrics",
            id: "curves/roc_pr_auc_1m",
        },
        what: "roc_curve + precision_recall_curve + roc_auc_score, 1,000,000 scores",
        heavy: false,
        intelex: false,
        setup: &[],
    },
    Step {
        name: "sgd-fit",
        ours: Ours::Criterion {
            bench: "models",
            id: "sgd/fit_binary_5",
        },
        what: "SGDClassifier() fit, y == 5, raw pixels",
        heavy: false,
        intelex: false,
        setup: &[],
    },
    Step {
        name: "sgd-fit-fast",
        ours: Ours::Criterion {
            bench: "models",
            id: "sgd/fit_binary_5_fast",
        },
        what: "the same fit with SgdSolver::Fast (f32, our shuffles); scikit-learn's side is its own fit",
        heavy: false,
        intelex: false,
        setup: &[],
    },
    Step {
        name: "sgd-cv-binary",
        ours: Ours::Criterion {
            bench: "models",
            id: "sgd/cv3_binary_5",
        },
        what: "cross_val_score(SGD, y == 5, cv=3, accuracy)",
        heavy: false,
        intelex: false,
        setup: &[],
    },
    Step {
        name: "sgd-cv-binary-acc",
        ours: Ours::Cli(&["binary", "--digit", "5", "--cv", "3"]),
        what: "per-fold accuracy of the above (classify binary; time: whole workflow)",
        heavy: false,
        intelex: false,
        setup: &[],
    },
    Step {
        name: "detector-5",
        ours: Ours::Cli(&["binary", "--digit", "5", "--cv", "3"]),
        what: "the 5-detector: SGD fit, 3-fold accuracy and the dummy's, out-of-fold predictions and scores, confusion matrix, precision, recall, F1, the threshold for 90 % precision, PR and ROC curves, AUC (classify binary --digit 5 --cv 3)",
        heavy: true,
        intelex: false,
        setup: &[],
    },
    Step {
        name: "knn-predict",
        ours: Ours::Cli(&["knn", "--k", "5"]),
        what: "KNeighborsClassifier(5) fit + predict the test set (classify knn)",
        heavy: false,
        intelex: true,
        setup: &[],
    },
    Step {
        name: "forest-cv",
        ours: Ours::Criterion {
            bench: "models",
            id: "forest/cv3_proba_5",
        },
        what: "3-fold cross_val_predict(RandomForestClassifier(), y == 5, predict_proba): the forest alone",
        heavy: false,
        intelex: true,
        setup: &[],
    },
    Step {
        name: "forest-cv-proba",
        ours: Ours::Cli(&["binary", "--model", "forest", "--digit", "5", "--cv", "3"]),
        what: "the forest's 3-fold out-of-fold probabilities, SGD's decision function and the dummy's on the same folds, ROC AUCs (classify binary --model forest; scikit-learn: the same three cross_val_predict)",
        heavy: false,
        intelex: true,
        setup: &[],
    },
    Step {
        name: "logistic-train",
        ours: Ours::Cli(&[
            "train",
            "--model",
            "logistic",
            "--save",
            "target/bench-data/logistic.json",
        ]),
        what: "make_pipeline(StandardScaler(), LogisticRegression()) fit on every training image + predict the test set (classify train --model logistic)",
        heavy: false,
        intelex: true,
        setup: &[],
    },
    Step {
        name: "svc-2000",
        ours: Ours::Cli(&[
            "train",
            "--model",
            "svc",
            "--train",
            "2000",
            "--save",
            "target/bench-data/svc-2000.json",
        ]),
        what: "SVC() (RBF, one-vs-one) fit on 2,000 images + predict the test set (classify train --model svc)",
        heavy: false,
        intelex: true,
        setup: &[],
    },
    Step {
        name: "svc-ovr-2000",
        ours: Ours::Cli(&[
            "multiclass",
            "--model",
            "svc",
            "--strategy",
            "ovr",
            "--train",
            "2000",
            "--cv",
            "3",
        ]),
        what: "OneVsRestClassifier(SVC()) on 2,000 images: 3-fold CV, fit, test set (classify multiclass --model svc --strategy ovr)",
        heavy: false,
        intelex: true,
        setup: &[],
    },
    Step {
        name: "svc-full",
        ours: Ours::Cli(&[
            "train",
            "--model",
            "svc",
            "--save",
            "target/bench-data/svc-full.json",
        ]),
        what: "SVC() (RBF, one-vs-one) fit on every training image + predict the test set (classify train --model svc; scikit-learn: tens of minutes)",
        heavy: true,
        intelex: true,
        setup: &[],
    },
    Step {
        name: "denoise",
        ours: Ours::Cli(&[
            "denoise",
            "--test-images",
            "1000",
            "--k",
            "5",
            "--out",
            "target/bench-data/denoise.png",
        ]),
        what: "the book's step: noise drawn for 60,000 training and 1,000 test images (NumPy's randint(0, 100) after seed 42, on both sides: the same arrays, checked), KNeighborsClassifier(5) fit on the noisy images with their clean pixels as 784 outputs, predict the noisy test images, RMSE (classify denoise: ours also loads the data and writes its picture)",
        heavy: false,
        intelex: true,
        setup: DENOISE_SETUP,
    },
    Step {
        name: "denoise-knn",
        ours: Ours::Criterion {
            bench: "models",
            id: "knn/denoise_1000",
        },
        what: "the same fit + predict + RMSE on both sides from the same noisy arrays already in memory (ours draws them with the same seed: the same numbers)",
        heavy: false,
        intelex: false,
        setup: DENOISE_SETUP,
    },
    Step {
        name: "multilabel",
        ours: Ours::Cli(&["multilabel"]),
        what: "cross_val_predict(KNeighborsClassifier(), x, [large, odd], cv=3) + fit + predict one (classify multilabel)",
        heavy: false,
        intelex: true,
        setup: &[],
    },
    Step {
        name: "tune-knn",
        ours: Ours::Cli(&["tune", "knn", "--search", "10000", "--cv", "5"]),
        what: "GridSearchCV(KNN, weights x n_neighbors 3-6, cv=5) on 10,000 images, refit on all, test accuracy (classify tune knn)",
        heavy: true,
        intelex: true,
        setup: &[],
    },
    Step {
        name: "augment",
        ours: Ours::Cli(&["augment"]),
        what: "KNeighborsClassifier(4, distance) on the training set, then on it + 4 one-pixel shifts of every image (300,000 rows), test accuracy of each (classify augment; scikit-learn shifts with scipy.ndimage.shift)",
        heavy: true,
        intelex: true,
        setup: &[],
    },
    Step {
        name: "sgd-cv-multi",
        ours: Ours::Cli(&["multiclass", "--cv", "3"]),
        what: "3-fold CV of SGD on raw pixels, 10 classes, + a fit and the test set (classify multiclass; scikit-learn: minutes)",
        heavy: true,
        intelex: false,
        setup: &[],
    },
    Step {
        name: "sgd-cv-multi-scaled",
        ours: Ours::Cli(&["multiclass", "--scale", "--cv", "3"]),
        what: "3-fold CV of scaler + SGD, 10 classes, + a fit and the test set (classify multiclass --scale; scikit-learn: tens of minutes)",
        heavy: true,
        intelex: false,
        setup: &[],
    },
];

/// The command line of `cargo xtask bench`.
struct Args {
    quick: bool,
    all: bool,
    python: bool,
    linfa: bool,
    intelex: bool,
    chapter: bool,
    dataset: String,
    only: Vec<String>,
    simd: Simd,
}

/// Which of our kernels' paths to build and run.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Simd {
    /// The widest the CPU has (what users get).
    Widest,
    /// AVX2 + FMA on any x86-64 CPU that has them: built with `--cfg classify_no_avx512`
    /// (`classify-kernel`), in a target folder of its own.
    Avx2,
}

impl Simd {
    fn parse(s: &str) -> anyhow::Result<Simd> {
        match s {
            "widest" => Ok(Simd::Widest),
            "avx2" => Ok(Simd::Avx2),
            other => bail!(
                "--simd {other}: avx2 (AVX-512 left out of the build, as on a CPU without it) \
                 or widest (the default)"
            ),
        }
    }

    /// Points a cargo build or bench of ours at this path's build.
    pub(crate) fn configure(self, cmd: &mut Command) {
        if self == Simd::Avx2 {
            let mut flags = std::env::var("RUSTFLAGS").unwrap_or_default();
            flags.push_str(" --cfg classify_no_avx512");
            cmd.env("RUSTFLAGS", flags.trim())
                .env("CARGO_TARGET_DIR", self.target_dir());
        }
    }

    /// Where its build goes.
    fn target_dir(self) -> PathBuf {
        match self {
            Simd::Widest => project_root().join("target"),
            Simd::Avx2 => project_root().join("target/no-avx512"),
        }
    }

    /// The `classify` binary of this path.
    fn classify(self) -> PathBuf {
        self.target_dir().join("release/classify")
    }

    /// What the table's header says of it.
    pub(crate) fn describe(self) -> &'static str {
        match self {
            Simd::Widest => "the widest the CPU has",
            Simd::Avx2 => "AVX2 + FMA (AVX-512 left out of the build: --simd avx2)",
        }
    }
}

impl Args {
    /// The arguments, or `None` after printing the help.
    fn parse(args: &[String]) -> anyhow::Result<Option<Args>> {
        let mut a = Args {
            quick: false,
            all: false,
            python: true,
            linfa: true,
            intelex: true,
            chapter: false,
            dataset: "fashion-mnist".to_string(),
            only: Vec::new(),
            simd: Simd::Widest,
        };
        let mut it = args.iter();
        while let Some(arg) = it.next() {
            match arg.as_str() {
                "--quick" => a.quick = true,
                "--all" => a.all = true,
                "--no-python" => a.python = false,
                "--no-linfa" => a.linfa = false,
                "--no-intelex" => a.intelex = false,
                "--chapter" => a.chapter = true,
                "--dataset" => a.dataset = it.next().context("--dataset needs a name")?.clone(),
                "--simd" => {
                    a.simd = Simd::parse(it.next().context("--simd needs avx2 or widest")?)?
                }
                "-h" | "--help" => {
                    println!(
                        "{}\n\nsteps (heavy ones only with --all or by name):",
                        crate::USAGE
                    );
                    for s in STEPS {
                        let heavy = if s.heavy { " (heavy)" } else { "" };
                        println!("  {}{heavy}: {}", s.name, s.what);
                    }
                    return Ok(None);
                }
                s if s.starts_with('-') => {
                    bail!("unknown option {s}; cargo xtask bench --help lists them")
                }
                s => a.only.push(s.to_string()),
            }
        }
        Ok(Some(a))
    }

    /// The steps asked for: those named, else the chapter's with `--chapter`, else the light
    /// ones (every one with `--all`).
    fn steps(&self) -> anyhow::Result<Vec<&'static Step>> {
        let mut steps: Vec<&Step> = STEPS
            .iter()
            .filter(|s| {
                if !self.only.is_empty() {
                    self.only.iter().any(|o| o == s.name)
                } else if self.chapter {
                    chapter::STEPS.contains(&s.name)
                } else {
                    self.all || !s.heavy
                }
            })
            .collect();
        if self.chapter {
            // In the chapter's order.
            steps.sort_by_key(|s| chapter::STEPS.iter().position(|c| *c == s.name));
        }
        if steps.is_empty() {
            bail!(
                "no such step; steps: {}",
                STEPS.iter().map(|s| s.name).collect::<Vec<_>>().join(", ")
            );
        }
        Ok(steps)
    }
}

/// The names of every step.
#[cfg(test)]
pub(crate) fn step_names() -> Vec<&'static str> {
    STEPS.iter().map(|s| s.name).collect()
}

pub fn run(args: &[String]) -> anyhow::Result<()> {
    let Some(args) = Args::parse(args)? else {
        return Ok(());
    };
    let steps = args.steps()?;
    let data = data_dir(&args.dataset)?;
    // The workflow steps load through the cache; name the embedded sample when we fell back.
    let dataset = if data.ends_with("mnist-sample") {
        "mnist-sample"
    } else {
        args.dataset.as_str()
    };
    eprintln!("bench data: {}", data.display());

    criterion_side(&steps, &data, args.quick, args.simd)?;
    let cli_runs = cli_side(&steps, dataset, args.simd)?;
    let theirs = side(args.python, "scikit-learn", || {
        python_side(&sklearn_venv()?, &data, &steps, args.quick, false)
    });
    if args.chapter {
        let accelerated: Vec<&Step> = steps.iter().copied().filter(|s| s.intelex).collect();
        let enabled = args.python && args.intelex && !accelerated.is_empty();
        let intelex = side(enabled, "scikit-learn-intelex", || {
            let py = crate::bench_python::venv(
                "bench-intelex-venv",
                &[
                    PathBuf::from("scikit-learn"),
                    PathBuf::from("scikit-learn-intelex"),
                ],
            )?;
            python_side(&py, &data, &accelerated, args.quick, true)
        });
        let sides = chapter::Sides {
            ours: &cli_runs,
            sklearn: theirs.as_ref(),
            intelex: intelex.as_ref(),
        };
        return chapter::print(&steps, &data, &sides, args.simd);
    }
    let linfa = side(args.linfa, "linfa", || linfa_side(&data, &steps));
    let (theirs, linfa) = (theirs.as_ref(), linfa.as_ref());
    print_table(&steps, &data, &cli_runs, theirs, linfa, args.simd)
}

/// Another side's results, or `None` (with the reason on stderr) when it is off or failed:
/// the table then shows "-" for it.
fn side(
    enabled: bool,
    name: &str,
    run: impl FnOnce() -> anyhow::Result<serde_json::Value>,
) -> Option<serde_json::Value> {
    if !enabled {
        return None;
    }
    run()
        .map_err(|e| eprintln!("{name} side skipped: {e:#}"))
        .ok()
}

/// Runs the criterion benchmarks of the chosen steps (their medians are read back from
/// `target/criterion`).
fn criterion_side(steps: &[&Step], data: &Path, quick: bool, simd: Simd) -> anyhow::Result<()> {
    let mut benches: Vec<&str> = steps
        .iter()
        .filter_map(|s| match s.ours {
            Ours::Criterion { bench, .. } => Some(bench),
            Ours::Cli(_) => None,
        })
        .collect();
    benches.dedup();
    let mut filters: Vec<&str> = steps
        .iter()
        .filter_map(|s| match s.ours {
            Ours::Criterion { id, .. } => Some(id),
            Ours::Cli(_) => None,
        })
        .collect();
    filters.dedup();
    for bench in benches {
        let mut cmd = cargo();
        simd.configure(&mut cmd);
        cmd.args(["bench", "--bench", bench, "--"]);
        if quick {
            cmd.args(["--warm-up-time", "1", "--measurement-time", "3"]);
        }
        // Only the benchmarks of the chosen steps, matched exactly.
        let pattern = format!("^({})$", filters.join("|"));
        cmd.arg(pattern);
        cmd.env("CLASSIFY_BENCH_DATA", data);
        cmd.env("CLASSIFY_BENCH_SCORES", scores_file());
        status(&mut cmd)?;
    }
    Ok(())
}

/// Workflow steps: each step's setup run first (untimed), then one timed run of the release
/// binary each; returns the seconds and the JSON report of each.
fn cli_side<'s>(
    steps: &[&'s Step],
    dataset: &str,
    simd: Simd,
) -> anyhow::Result<std::collections::HashMap<&'s str, (f64, serde_json::Value)>> {
    let mut runs = std::collections::HashMap::new();
    if steps
        .iter()
        .any(|s| matches!(s.ours, Ours::Cli(_)) || !s.setup.is_empty())
    {
        let mut build = cargo();
        simd.configure(&mut build);
        status(build.args(["build", "--release", "--quiet", "--bin", "classify"]))?;
    }
    let bin = simd.classify();
    let mut setups: Vec<&[&str]> = steps.iter().map(|s| s.setup).collect();
    setups.retain(|s| !s.is_empty());
    setups.dedup();
    for setup in setups {
        eprintln!("preparing: classify {}", setup.join(" "));
        classify_json(&bin, setup, &[], dataset)?;
    }
    for step in steps {
        if let Ours::Cli(args) = step.ours {
            eprintln!("running classify {} on {dataset}", args.join(" "));
            runs.insert(step.name, classify_json(&bin, args, &[], dataset)?);
        }
    }
    Ok(runs)
}

/// Runs `classify ARGS EXTRA --dataset DATASET --json --quiet`: seconds and the JSON report.
fn classify_json(
    bin: &Path,
    args: &[&str],
    extra: &[&str],
    dataset: &str,
) -> anyhow::Result<(f64, serde_json::Value)> {
    let start = std::time::Instant::now();
    let out = Command::new(bin)
        .current_dir(project_root())
        .args(args)
        .args(extra)
        .args(["--dataset", dataset, "--json", "--quiet"])
        .output()
        .with_context(|| format!("running {}", bin.display()))?;
    let secs = start.elapsed().as_secs_f64();
    if !out.status.success() {
        bail!(
            "classify {}: {}",
            args.join(" "),
            String::from_utf8_lossy(&out.stderr)
        );
    }
    Ok((secs, serde_json::from_slice(&out.stdout)?))
}

/// The table: each step's time on every side and the ratios, the total lines, then each
/// step's results side by side.
fn print_table(
    steps: &[&Step],
    data: &Path,
    cli_runs: &std::collections::HashMap<&str, (f64, serde_json::Value)>,
    theirs: Option<&serde_json::Value>,
    linfa: Option<&serde_json::Value>,
    simd: Simd,
) -> anyhow::Result<()> {
    println!();
    println!("data: {}", data.display());
    println!("classify's kernels: {}", simd.describe());
    println!(
        "{:<20} {:>12} {:>14} {:>8} {:>12} {:>8}  what",
        "step", "classify", "scikit-learn", "ratio", "linfa", "ratio"
    );
    let mut accuracy_lines = Vec::new();
    // Seconds on each side, summed over the steps measured on both: (ours, theirs).
    let mut totals = (0.0, 0.0);
    let mut linfa_totals = (0.0, 0.0);
    for step in steps {
        let ours = match step.ours {
            Ours::Criterion { id, .. } => criterion_median(id, simd)?,
            Ours::Cli(_) => cli_runs.get(step.name).map_or(f64::NAN, |r| r.0),
        };
        let of = |all: Option<&serde_json::Value>| all.and_then(|t| t.get(step.name)).cloned();
        let (their, lin) = (of(theirs), of(linfa));
        let secs = |v: &Option<serde_json::Value>| {
            v.as_ref()
                .and_then(|v| v.get("median_s"))
                .and_then(serde_json::Value::as_f64)
        };
        let (other, linfa_s) = (secs(&their), secs(&lin));
        // Our results beside each other side's; for criterion steps (no results of ours),
        // linfa's beside scikit-learn's.
        let mine = cli_runs.get(step.name).map(|(_, json)| ("classify", json));
        let reference = mine.or(their.as_ref().map(|t| ("scikit-learn", t)));
        if let Some(a) = reference {
            for (who, v) in [("scikit-learn", &their), ("linfa", &lin)] {
                if let Some(v) = v.as_ref().filter(|_| who != a.0) {
                    accuracy_lines.extend(compare(step.name, a, (who, v)));
                }
            }
        }
        if let Some(note) = lin
            .as_ref()
            .and_then(|v| v.get("note"))
            .and_then(|n| n.as_str())
        {
            accuracy_lines.push(format!("{}: linfa side: {note}", step.name));
        }
        let cell = |t: Option<f64>, sums: &mut (f64, f64)| match t {
            Some(t) if ours.is_finite() => {
                sums.0 += ours;
                sums.1 += t;
                (format_secs(t), format!("{:.2}x", t / ours))
            }
            _ => ("-".into(), "-".into()),
        };
        let (other_s, ratio) = cell(other, &mut totals);
        let (linfa_cell, linfa_ratio) = cell(linfa_s, &mut linfa_totals);
        println!(
            "{:<20} {:>12} {:>14} {:>8} {:>12} {:>8}  {}",
            step.name,
            format_secs(ours),
            other_s,
            ratio,
            linfa_cell,
            linfa_ratio,
            step.what
        );
    }
    if totals.1 > 0.0 {
        println!(
            "{:<20} {:>12} {:>14} {:>8} {:>12} {:>8}  the steps above that ran on both sides",
            "total",
            format_secs(totals.0),
            format_secs(totals.1),
            format!("{:.2}x", totals.1 / totals.0),
            "",
            ""
        );
    }
    if linfa_totals.1 > 0.0 {
        println!(
            "{:<20} {:>12} {:>14} {:>8} {:>12} {:>8}  the steps linfa has a model for",
            "total (linfa steps)",
            format_secs(linfa_totals.0),
            "",
            "",
            format_secs(linfa_totals.1),
            format!("{:.2}x", linfa_totals.1 / linfa_totals.0)
        );
    }
    println!("ratio = other side's time / classify time (above 1: classify is faster); medians");
    for line in accuracy_lines {
        println!("{line}");
    }
    Ok(())
}

/// The results of one workflow step that both sides report, side by side: equal when both
/// computed the same thing (same neighbours, same pixels), close when the algorithms differ.
pub(crate) fn compare(
    step: &str,
    (me, ours): (&str, &serde_json::Value),
    (who, theirs): (&str, &serde_json::Value),
) -> Vec<String> {
    use serde_json::Value;
    let num = |v: &Value, key: &str| v.get(key).and_then(Value::as_f64);
    let folds = |v: &Value| -> Vec<f64> {
        v.get("fold_accuracy")
            .and_then(|a| a.as_array())
            .map(|a| a.iter().filter_map(Value::as_f64).collect())
            .unwrap_or_default()
    };
    let mut lines = Vec::new();
    if let (Some(x), Some(y)) = (num(ours, "roc_auc"), num(theirs, "roc_auc")) {
        lines.push(format!(
            "{step}: ROC AUC {me} {x:.4} vs {who} {y:.4} (difference {:+.4})",
            x - y
        ));
    }
    let sgd_auc = ours
        .get("comparison")
        .and_then(|c| c.get("roc_auc"))
        .and_then(Value::as_f64);
    if let (Some(x), Some(y)) = (sgd_auc, num(theirs, "sgd_roc_auc")) {
        lines.push(format!(
            "{step}: SGD on the same folds, ROC AUC {me} {x:.4} vs {who} {y:.4}"
        ));
    }
    if let (Some(a), Some(b)) = (ours.get("best_params"), theirs.get("best_params")) {
        let score = |v: &Value| num(v, "best_score").unwrap_or(f64::NAN);
        lines.push(format!(
            "{step}: best parameters {me} {a} vs {who} {b} ({}); best CV score {:.4} vs {:.4}",
            if a == b { "same" } else { "DIFFERENT" },
            score(ours),
            score(theirs)
        ));
    }
    if let (Some(x), Some(y)) = (
        num(ours, "test_accuracy_augmented"),
        num(theirs, "test_accuracy_augmented"),
    ) {
        lines.push(format!(
            "{step}: augmented test accuracy {me} {x:.4} vs {who} {y:.4} (the same shuffle: RandomState(42).permutation)"
        ));
    }
    for key in ["rmse_denoised", "f1_macro"] {
        if let (Some(x), Some(y)) = (num(ours, key), num(theirs, key)) {
            lines.push(format!(
                "{step}: {key} {me} {x} vs {who} {y} ({})",
                if x == y { "identical" } else { "DIFFERENT" }
            ));
        }
    }
    if let (Some(x), Some(y)) = (num(ours, "test_accuracy"), num(theirs, "test_accuracy")) {
        lines.push(format!("{step}: test accuracy {me} {x:.4} vs {who} {y:.4}"));
    }
    if let (Some(x), Some(y)) = (num(ours, "fit_seconds"), num(theirs, "fit_seconds")) {
        lines.push(format!(
            "{step}: fit alone {me} {x:.2} s vs {who} {y:.2} s ({:.2}x)",
            y / x
        ));
    }
    let (a, b) = (folds(ours), folds(theirs));
    if !a.is_empty() && a.len() == b.len() {
        let diffs: Vec<String> = a
            .iter()
            .zip(&b)
            .map(|(x, y)| format!("{:+.2}", (x - y) * 100.0))
            .collect();
        let mean = |v: &[f64]| v.iter().sum::<f64>() / v.len() as f64;
        let round = |v: &[f64]| {
            v.iter()
                .map(|v| (v * 1e4).round() / 1e4)
                .collect::<Vec<_>>()
        };
        lines.push(format!(
            "{step}: fold accuracy {me} {:?} vs {who} {:?}; difference (pp) {} ; means {:.4} vs {:.4}",
            round(&a),
            round(&b),
            diffs.join(" "),
            mean(&a),
            mean(&b)
        ));
    }
    lines
}

/// Runs `benches/linfa` (linfa's own crates) on the same data; steps without a linfa model
/// are absent from its answer.
fn linfa_side(data: &Path, steps: &[&Step]) -> anyhow::Result<serde_json::Value> {
    status(cargo().args([
        "build",
        "--release",
        "--quiet",
        "-p",
        "classify-bench-linfa",
    ]))?;
    let bin = project_root().join("target/release/linfa-bench");
    json_of(
        Command::new(&bin)
            .arg("--data")
            .arg(data)
            .args(steps.iter().map(|s| s.name)),
    )
}

/// The JSON a side prints on stdout (its stderr goes to ours), or why it failed.
pub(crate) fn json_of(cmd: &mut Command) -> anyhow::Result<serde_json::Value> {
    let out = cmd
        .stderr(std::process::Stdio::inherit())
        .output()
        .with_context(|| format!("running {cmd:?}"))?;
    if !out.status.success() {
        bail!("{cmd:?} failed: {}", out.status);
    }
    Ok(serde_json::from_slice(&out.stdout)?)
}

/// A NumPy side's command without `OPENBLAS_CORETYPE` and `OPENBLAS_L2_SIZE`, which slow
/// current NumPy (our sides do not read them; tests and CI never change them).
pub(crate) fn without_openblas_tuning(cmd: &mut Command) -> &mut Command {
    cmd.env_remove("OPENBLAS_CORETYPE")
        .env_remove("OPENBLAS_L2_SIZE")
}

/// The 1,000,000 scores the metrics bench writes and the Python side reads.
fn scores_file() -> PathBuf {
    project_root().join("target/bench-data/scores-1m.bin")
}

/// The dataset cache's root, as `classify` finds it ($CLASSIFY_DATA, else the platform data
/// directory).
pub(crate) fn cache_root() -> anyhow::Result<PathBuf> {
    std::env::var_os("CLASSIFY_DATA")
        .filter(|d| !d.is_empty())
        .map(PathBuf::from)
        .or_else(|| data_home().map(|d| d.join("classify")))
        .context("no dataset cache: set CLASSIFY_DATA")
}

/// The folder of IDX files both sides read.
pub(crate) fn data_dir(dataset: &str) -> anyhow::Result<PathBuf> {
    if let Some(dir) = cache_root().ok().map(|r| r.join(dataset)) {
        if dir.join("train-images-idx3-ubyte.gz").is_file() {
            return Ok(dir);
        }
        eprintln!(
            "{dataset} is not cached in {}; run `cargo xtask fetch {dataset}` for the real benchmark. Using the embedded sample.",
            dir.display()
        );
    }
    Ok(project_root().join("crates/datasets/data/mnist-sample"))
}

/// The platform data directory, as the `dirs` crate finds it on Linux and macOS.
fn data_home() -> Option<PathBuf> {
    if let Some(x) = std::env::var_os("XDG_DATA_HOME").filter(|x| !x.is_empty()) {
        return Some(PathBuf::from(x));
    }
    let home = PathBuf::from(std::env::var_os("HOME")?);
    if cfg!(target_os = "macos") {
        Some(home.join("Library/Application Support"))
    } else {
        Some(home.join(".local/share"))
    }
}

/// Median seconds of a criterion benchmark from its last run.
fn criterion_median(id: &str, simd: Simd) -> anyhow::Result<f64> {
    let path = simd
        .target_dir()
        .join("criterion")
        .join(id)
        .join("new/estimates.json");
    let text =
        std::fs::read_to_string(&path).with_context(|| format!("reading {}", path.display()))?;
    let v: serde_json::Value = serde_json::from_str(&text)?;
    let ns = v["median"]["point_estimate"]
        .as_f64()
        .context("no median in criterion estimates")?;
    Ok(ns * 1e-9)
}

/// The venv under `target/` with NumPy and scikit-learn (created on first use): its Python.
pub(crate) fn sklearn_venv() -> anyhow::Result<PathBuf> {
    let venv = project_root().join("target/bench-venv");
    let py = venv.join("bin/python");
    if !py.is_file() {
        eprintln!("creating {} with numpy and scikit-learn", venv.display());
        status(Command::new("python3").args(["-m", "venv"]).arg(&venv))?;
        status(Command::new(&py).args([
            "-m",
            "pip",
            "install",
            "--quiet",
            "numpy",
            "scikit-learn",
        ]))?;
    }
    Ok(py)
}

/// Runs the Python side with the venv's Python `py` (scikit-learn patched by Intel's
/// extension with `intelex`) and returns its JSON.
fn python_side(
    py: &Path,
    data: &Path,
    steps: &[&Step],
    quick: bool,
    intelex: bool,
) -> anyhow::Result<serde_json::Value> {
    let script = project_root().join("benches/sklearn/bench.py");
    let mut cmd = Command::new(py);
    cmd.arg(&script)
        .arg("--data")
        .arg(data)
        .arg("--scores")
        .arg(scores_file())
        .arg("--denoise")
        .arg(project_root().join("target/bench-data/denoise"));
    if quick {
        cmd.arg("--quick");
    }
    if intelex {
        cmd.arg("--intelex");
    }
    for s in steps {
        cmd.arg(s.name);
    }
    without_openblas_tuning(&mut cmd);
    let out = cmd
        .output()
        .with_context(|| format!("running {}", script.display()))?;
    if !out.status.success() {
        bail!(
            "{} failed: {}",
            script.display(),
            String::from_utf8_lossy(&out.stderr)
        );
    }
    Ok(serde_json::from_slice(&out.stdout)?)
}

pub(crate) fn format_secs(s: f64) -> String {
    if s >= 1.0 {
        format!("{s:.2} s")
    } else if s >= 1e-3 {
        format!("{:.1} ms", s * 1e3)
    } else {
        format!("{:.1} µs", s * 1e6)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `--simd avx2` builds ours without AVX-512 in a target folder of its own and reads
    /// criterion's results there; anything else is refused with the choices.
    #[test]
    fn simd_avx2_is_a_build_of_its_own() {
        let args: Vec<String> = ["--chapter", "--simd", "avx2", "denoise"]
            .iter()
            .map(|s| s.to_string())
            .collect();
        let a = Args::parse(&args).unwrap().unwrap();
        assert_eq!(a.simd, Simd::Avx2);
        assert_eq!(a.only, ["denoise"]);
        let mut cmd = cargo();
        Simd::Avx2.configure(&mut cmd);
        let env: std::collections::HashMap<_, _> = cmd
            .get_envs()
            .map(|(k, v)| (k.to_owned(), v.map(|v| v.to_owned())))
            .collect();
        let flags = env[std::ffi::OsStr::new("RUSTFLAGS")].clone().unwrap();
        assert!(flags
            .to_string_lossy()
            .ends_with("--cfg classify_no_avx512"));
        assert!(Simd::Avx2
            .classify()
            .starts_with(project_root().join("target/no-avx512")));
        let mut plain = cargo();
        Simd::Widest.configure(&mut plain);
        assert_eq!(plain.get_envs().count(), 0);
        let bad: Vec<String> = ["--simd", "sse9"].iter().map(|s| s.to_string()).collect();
        let err = Args::parse(&bad).err().unwrap().to_string();
        assert!(err.contains("avx2") && err.contains("widest"), "{err}");
    }
}
