//! The command-line grammar.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand};
use classify_workflow::ModelKind;

/// classify: the MNIST classification workflow, end to end, in Rust.
#[derive(Debug, Parser)]
#[command(name = "classify", version, about, max_term_width = 100)]
pub struct Cli {
    /// What to do.
    #[command(subcommand)]
    pub command: Command,
    /// Options every workflow subcommand takes.
    #[command(flatten)]
    pub common: Common,
}

/// How `classify train` writes a model file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum ModelFormat {
    /// The header and postcard bytes: compact, checked.
    Binary,
    /// JSON, to read or edit by hand (larger: every pixel of a k-NN as a number).
    Json,
}

impl From<ModelFormat> for classify_persist::Encoding {
    fn from(format: ModelFormat) -> Self {
        match format {
            ModelFormat::Binary => classify_persist::Encoding::Binary,
            ModelFormat::Json => classify_persist::Encoding::Json,
        }
    }
}

/// The options shared by every workflow subcommand.
#[derive(Debug, Clone, Args)]
pub struct Common {
    /// Dataset: mnist-sample (embedded), mnist, fashion-mnist (fetch those first).
    #[arg(long, global = true, default_value = classify_datasets::SAMPLE, value_name = "NAME")]
    pub dataset: String,
    /// Use only the first N training images.
    #[arg(long, global = true, value_name = "N")]
    pub train: Option<usize>,
    /// The image to show or explain (a row of the training set).
    #[arg(long, global = true, default_value_t = 0, value_name = "I")]
    pub index: usize,
    /// Seed for everything random: scikit-learn's `random_state`, in 0..2^32 (NumPy's range);
    /// shuffled folds and train/test splits draw exactly what scikit-learn draws for it.
    #[arg(
        long,
        global = true,
        default_value_t = 42,
        value_name = "S",
        value_parser = clap::value_parser!(u64).range(0..=u64::from(u32::MAX))
    )]
    pub seed: u64,
    /// Where to write the figure (.png or .svg).
    #[arg(long, global = true, value_name = "PATH")]
    pub out: Option<PathBuf>,
    /// Stratified folds of the cross-validation (scikit-learn's `cv`; default 3, 5 for
    /// `tune knn`, 10 for `titanic`).
    #[arg(long, global = true, value_name = "N")]
    pub cv: Option<usize>,
    /// Print one JSON document on stdout and nothing else there.
    #[arg(long, global = true)]
    pub json: bool,
    /// No progress bars.
    #[arg(long, short, global = true)]
    pub quiet: bool,
    /// Dataset cache folder (default: $CLASSIFY_DATA, else the platform data directory).
    #[arg(long, global = true, value_name = "DIR", env = "CLASSIFY_DATA")]
    pub data_dir: Option<PathBuf>,
}

/// The subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Look at the data: what a dataset holds, single digits, grids; fetch datasets.
    #[command(subcommand)]
    Data(DataCommand),
    /// A binary detector ("is it a 5?") judged by cross-validation: accuracy per fold, the
    /// dummy baseline, out-of-fold confusion matrix, precision, recall, F1, ROC AUC, and the
    /// threshold reaching 90 % precision.
    Binary {
        /// The digit (class label) to detect [default: 5, or the last class of a dataset
        /// with fewer than six].
        #[arg(long)]
        digit: Option<u8>,
        /// Precision the threshold search aims for (default 0.90). Given, the threshold is
        /// also tuned by cross-validation (TunedThresholdClassifierCV: the best recall at that
        /// precision) and checked on the test images.
        #[arg(long, value_name = "P")]
        target_precision: Option<f64>,
        /// Also calibrate the model's probabilities (CalibratedClassifierCV on --cv inner
        /// folds of each training part) and report the Brier score and log loss of the
        /// out-of-fold probabilities before and after.
        #[arg(long, value_enum, value_name = "METHOD")]
        calibrate: Option<CalibrationMethod>,
        /// Which figure --out writes.
        #[arg(long, value_enum, default_value_t = BinaryFigure::Threshold)]
        figure: BinaryFigure,
        /// Model and cross-validation.
        #[command(flatten)]
        cv: CvArgs,
        /// A training set read a block at a time.
        #[command(flatten)]
        stream: StreamArgs,
    },
    /// k-nearest neighbours: fit on the training set, accuracy on the test set, and the
    /// neighbours of the test image --index.
    Knn {
        /// Number of neighbours that vote.
        #[arg(long, default_value_t = 5)]
        k: usize,
        /// How neighbours vote.
        #[arg(long, value_enum, default_value_t = KnnWeights::Uniform)]
        weights: KnnWeights,
        /// A training set read a block at a time.
        #[command(flatten)]
        stream: StreamArgs,
    },
    /// Train a model on the training set, report its test accuracy, and save it for
    /// `classify predict` (a checked binary file; --format json for one to read).
    Train {
        /// Which model.
        #[arg(long, value_enum, default_value_t = ModelName(ModelKind::Knn))]
        model: ModelName,
        /// Where to save it (without it, nothing is written).
        #[arg(long, value_name = "FILE")]
        save: Option<PathBuf>,
        /// The file's format: binary (header with magic, version, kind and CRC-32, then the
        /// model as postcard bytes) or json.
        #[arg(long, value_enum, default_value_t = ModelFormat::Binary)]
        format: ModelFormat,
    },
    /// Classify your own picture (PNG, at least 28×28, dark ink on white or white on black)
    /// with a model saved by `classify train`; --out writes the prepared 28×28 image.
    Predict {
        /// The saved model.
        #[arg(long, value_name = "FILE")]
        model: PathBuf,
        /// The picture.
        image: PathBuf,
    },
    /// Tune a model by grid search with cross-validation, refit the best on the training set,
    /// score it on the test set.
    #[command(subcommand)]
    Tune(TuneCommand),
    /// Data augmentation: the k-NN refitted on the training set plus four one-pixel shifts of
    /// every image (5x), and the change in test error rate.
    Augment {
        /// Number of neighbours (the tuned value).
        #[arg(long, default_value_t = 4)]
        k: usize,
        /// How neighbours vote (the tuned value).
        #[arg(long, value_enum, default_value_t = KnnWeights::Distance)]
        weights: KnnWeights,
    },
    /// The Titanic exercise: imputation, scaling and one-hot encoding in a pipeline; random
    /// forest and SVC with 10-fold cross-validation (--out: box plot); a Kaggle submission.
    Titanic {
        /// Where to write the Kaggle submission (PassengerId,Survived); without it, none is
        /// written.
        #[arg(long, value_name = "FILE")]
        submission: Option<PathBuf>,
    },
    /// A local web page to draw a digit on: the prepared image, the predicted class, the class
    /// probabilities and the nearest training images of each drawing (without --model, a
    /// k-NN trained on --dataset at start).
    Serve {
        /// A model saved by `classify train --save FILE`.
        #[arg(long, value_name = "FILE")]
        model: Option<PathBuf>,
        /// The address to listen on (127.0.0.1: this machine only).
        #[arg(long, default_value = "127.0.0.1")]
        host: String,
        /// The port (0: any free one; the URL is printed).
        #[arg(long, default_value_t = 8000)]
        port: u16,
    },
    /// Any CSV table (--dataset FILE.csv) through the Titanic path: numbers imputed by median
    /// and scaled, text one-hot encoded; random forest against SVC by stratified
    /// cross-validation (default 5 folds).
    Tabular {
        /// The column holding the class (numbers or text).
        #[arg(long, default_value = "label", value_name = "COLUMN")]
        label: String,
        /// Columns not to use as features (identifiers, free text), comma-separated.
        #[arg(long, value_delimiter = ',', value_name = "COLUMNS")]
        drop: Vec<String>,
    },
    /// The spam filter: SpamAssassin e-mails to word counts, logistic regression, 3-fold
    /// accuracy, test precision and recall (after `cargo xtask fetch spamassassin`).
    Spam(SpamArgs),
    /// The whole workflow, end to end: every figure and number in one HTML page
    /// (--out DIR, default report/: index.html, the figures, results.json).
    Report,
    /// All classes at once: accuracy per fold, test accuracy, and the scores of training image
    /// --index; natively multiclass, or through one-vs-rest / one-vs-one.
    Multiclass {
        /// Model and cross-validation.
        #[command(flatten)]
        cv: CvArgs,
        /// Force a strategy (default: the model's own; SVC is one-vs-one, SGD one-vs-rest).
        #[arg(long, value_enum)]
        strategy: Option<StrategyArg>,
        /// Normalise the confusion matrix that --out draws (percentages).
        #[arg(long, value_enum)]
        normalize: Option<NormalizeArg>,
        /// Draw only the errors (the diagonal weighs nothing), as the book does.
        #[arg(long)]
        errors_only: bool,
        /// Which figure --out writes.
        #[arg(long, value_enum, default_value_t = MulticlassFigure::Confusion)]
        figure: MulticlassFigure,
        /// A training set read a block at a time.
        #[command(flatten)]
        stream: StreamArgs,
    },
    /// Two labels per digit (large: 7, 8, 9; odd): k-NN multilabel (or --chain svc), the
    /// labels of training image --index, 3-fold out-of-fold macro and weighted F1.
    Multilabel {
        /// Number of neighbours.
        #[arg(long, default_value_t = 5)]
        k: usize,
        /// Use a classifier chain of this model (trained on out-of-fold labels, cv = 3)
        /// instead of k-NN.
        #[arg(long, value_enum)]
        chain: Option<ModelName>,
    },
    /// Noise removal: k-NN predicts all 784 clean pixels from noisy ones; RMSE and PSNR over
    /// test images, and the noisy / cleaned / clean picture of test image --index (--out,
    /// default denoise.png).
    Denoise {
        /// Number of neighbours.
        #[arg(long, default_value_t = 5)]
        k: usize,
        /// How many test images to clean and score.
        #[arg(long, default_value_t = 200)]
        test_images: usize,
        /// Also write the noisy training and test images to DIR as NumPy files
        /// (`noisy-train.npy`, `noisy-test.npy`, uint16), so that other tools can be run
        /// on exactly the same inputs (`cargo xtask bench denoise` gives them to
        /// scikit-learn).
        #[arg(long, value_name = "DIR")]
        save_noisy: Option<PathBuf>,
    },
}

/// Which model a command trains (`--model` of `binary`, `multiclass` and `train`, `--chain` of
/// `multilabel`): any of the workflow's one list of models, [`ModelKind::ALL`], named and
/// explained on the command line as [`ModelKind::id`] and [`ModelKind::help`] say.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ModelName(pub ModelKind);

impl ModelName {
    /// The model of a chain's links or of a saved file ([`classify_workflow::Model::standalone`]).
    pub fn standalone(self, common: &Common) -> classify_workflow::Model {
        classify_workflow::Model::standalone(self.0, common.seed)
    }
}

impl clap::ValueEnum for ModelName {
    fn value_variants<'a>() -> &'a [Self] {
        const ALL: [ModelName; ModelKind::ALL.len()] = {
            let mut all = [ModelName(ModelKind::Sgd); ModelKind::ALL.len()];
            let mut i = 0;
            while i < all.len() {
                all[i] = ModelName(ModelKind::ALL[i]);
                i += 1;
            }
            all
        };
        &ALL
    }

    fn to_possible_value(&self) -> Option<clap::builder::PossibleValue> {
        Some(clap::builder::PossibleValue::new(self.0.id()).help(self.0.help()))
    }
}

impl std::fmt::Display for ModelName {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.0.id())
    }
}

impl From<StrategyArg> for classify_workflow::Strategy {
    fn from(s: StrategyArg) -> Self {
        match s {
            StrategyArg::Ovr => Self::OneVsRest,
            StrategyArg::Ovo => Self::OneVsOne,
        }
    }
}

/// Figures of `classify binary --out`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum BinaryFigure {
    /// Precision and recall against the threshold, the chosen one marked.
    Threshold,
    /// Precision against recall, the target-precision point marked.
    Pr,
    /// ROC curve with the random classifier's diagonal and the chosen point.
    Roc,
    /// The ROC curve of every fold's held-out images, their mean and ±1 standard
    /// deviation (as scikit-learn's `RocCurveDisplay.from_cv_results`).
    RocCv,
    /// The reliability diagram of the out-of-fold probabilities (10 bins), before and after
    /// --calibrate.
    Calibration,
    /// The detection error tradeoff curve: false negative against false positive rate on
    /// normal deviate scales (scikit-learn's DetCurveDisplay).
    Det,
}

/// How `--calibrate` maps scores to probabilities.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum CalibrationMethod {
    /// Platt's sigmoid.
    Sigmoid,
    /// Isotonic regression.
    Isotonic,
    /// Temperature scaling.
    Temperature,
}

impl From<CalibrationMethod> for classify_selection::Method {
    fn from(m: CalibrationMethod) -> Self {
        match m {
            CalibrationMethod::Sigmoid => Self::Sigmoid,
            CalibrationMethod::Isotonic => Self::Isotonic,
            CalibrationMethod::Temperature => Self::Temperature,
        }
    }
}

/// Figures of `classify multiclass --out`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum MulticlassFigure {
    /// The out-of-fold confusion matrix.
    Confusion,
    /// One-vs-rest ROC curves of every class on the test images, with their micro and
    /// macro averages.
    Roc,
}

/// Confusion-matrix normalisation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum NormalizeArg {
    /// Each row (true class) sums to 100 %.
    True,
    /// Each column (predicted class) sums to 100 %.
    Pred,
    /// The whole matrix sums to 100 %.
    All,
}

/// Multiclass strategies.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum StrategyArg {
    /// One binary model per class.
    Ovr,
    /// One binary model per pair of classes.
    Ovo,
}

/// How k-NN neighbours vote.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum KnnWeights {
    /// One vote each.
    Uniform,
    /// Votes weighted by 1 / distance.
    Distance,
}

impl From<KnnWeights> for classify_models::Weights {
    fn from(w: KnnWeights) -> Self {
        match w {
            KnnWeights::Uniform => Self::Uniform,
            KnnWeights::Distance => Self::Distance,
        }
    }
}

/// Options of the cross-validated workflows.
#[derive(Debug, Clone, Args)]
pub struct CvArgs {
    /// The model.
    #[arg(long, value_enum, default_value_t = ModelName(ModelKind::Sgd))]
    pub model: ModelName,
    /// Standard-scale the pixels (learned inside each fold).
    #[arg(long)]
    pub scale: bool,
    /// How SGD trains: `scikit-learn` (its steps and draws in f64: the same numbers as
    /// scikit-learn for the same --seed) or `fast` (f32, one shuffle shared by the classes:
    /// other numbers; on ten classes about a fifth faster).
    #[arg(
        long,
        value_enum,
        value_name = "SOLVER",
        default_value = "scikit-learn"
    )]
    pub solver: SolverArg,
}

/// How a training set larger than memory is read (`binary`, `multiclass`, `knn`).
#[derive(Debug, Clone, Copy, Args)]
pub struct StreamArgs {
    /// Read the training images from their file a block at a time instead of loading them
    /// whole (automatic when a cached training set holds more than 2 GiB of pixels). SGD then
    /// learns by scikit-learn's partial_fit over the blocks, --passes times, and is scored on
    /// the test images; k-NN searches each block and keeps the nearest.
    #[arg(long)]
    pub stream: bool,
    /// Passes over the training set (SGD with --stream).
    #[arg(long, default_value_t = 1, value_name = "N")]
    pub passes: usize,
    /// Training images per block with --stream (per partial_fit call).
    #[arg(long, default_value_t = 100_000, value_name = "N")]
    pub block: usize,
}

/// SGD's solver (see `--solver`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum SolverArg {
    /// scikit-learn's steps and draws.
    #[value(name = "scikit-learn")]
    ScikitLearn,
    /// f32 weights, shared shuffles.
    Fast,
}

impl CvArgs {
    /// The model these flags name, with `strategy` around it.
    pub fn model(
        &self,
        common: &Common,
        strategy: Option<StrategyArg>,
    ) -> classify_workflow::Model {
        classify_workflow::Model {
            kind: self.model.0,
            scale: self.scale,
            strategy: strategy.map(Into::into),
            solver: match self.solver {
                SolverArg::ScikitLearn => classify_models::SgdSolver::ScikitLearn,
                SolverArg::Fast => classify_models::SgdSolver::Fast,
            },
            seed: common.seed,
        }
    }
}

/// How `classify spam` reads e-mails. The defaults are the best combination measured here:
/// headers kept (they carry much of the evidence), word presence rather than counts, and
/// lower case, punctuation split, URLs and numbers replaced, stemming.
#[derive(Debug, Clone, Args)]
pub struct SpamArgs {
    /// Also read every header line (Received, X-Spam-..., Message-Id): the filter then learns
    /// how the corpus was collected ("spamassassin", "localhost"), which real mail does not
    /// carry. By default it reads the subject and the body, as the book's filter.
    #[arg(long)]
    pub keep_headers: bool,
    /// Keep upper case.
    #[arg(long)]
    pub keep_case: bool,
    /// Split on white space only.
    #[arg(long)]
    pub keep_punctuation: bool,
    /// Keep URLs as they are (default: the word URL).
    #[arg(long)]
    pub keep_urls: bool,
    /// Keep numbers as they are (default: the word NUMBER).
    #[arg(long)]
    pub keep_numbers: bool,
    /// No stemming.
    #[arg(long)]
    pub no_stem: bool,
    /// Word counts instead of presence (0/1).
    #[arg(long)]
    pub counts: bool,
    /// Vocabulary size (most frequent training words).
    #[arg(long, default_value_t = 1000)]
    pub vocabulary: usize,
}

/// `classify tune ...`
#[derive(Debug, Subcommand)]
pub enum TuneCommand {
    /// k-NN: weights in {uniform, distance} x n_neighbors in {3, 4, 5, 6}, as GridSearchCV.
    Knn {
        /// Search on the first N training images (refit uses all of them).
        #[arg(long, default_value_t = 10_000)]
        search: usize,
    },
}

/// `classify data ...`
#[derive(Debug, Subcommand)]
pub enum DataCommand {
    /// Shapes, class counts and source of a dataset.
    Info,
    /// One image: its label, drawn in the terminal, or written to --out.
    Show {
        /// Take the image from the test set instead of the training set.
        #[arg(long)]
        test: bool,
    },
    /// A grid of images starting at --index, written to --out (default digits.png).
    Grid {
        /// How many images.
        #[arg(long, default_value_t = 100)]
        count: usize,
        /// Images per row.
        #[arg(long, default_value_t = 10)]
        per_row: usize,
    },
    /// The datasets classify knows, and which are in the cache.
    List,
    /// Fetch a dataset into the cache: download it, or import it from a folder.
    Fetch {
        /// Dataset name (mnist, fashion-mnist, titanic, spamassassin), a new name for --from,
        /// or openml:<name or id> (as scikit-learn's fetch_openml; cached as openml-<name>).
        name: String,
        /// Import from this folder instead of downloading. Under a new NAME: a folder of IDX
        /// files laid out as MNIST's, of images as train/<class>/*.png|jpg and test/<class>/...,
        /// or a CSV of pixels with a `label` column (a .csv file, or a folder with train.csv
        /// and test.csv as Kaggle's digit-recognizer).
        #[arg(long, value_name = "PATH")]
        from: Option<PathBuf>,
        /// Images of a folder of images resized to HxW (e.g. 28x28; without it they must all
        /// have one size); for a CSV of pixels, the image shape (without it: the square).
        #[arg(long, value_name = "HxW", value_parser = parse_size)]
        size: Option<[usize; 2]>,
    },
    /// Re-hash every cached file of --dataset against the catalogue.
    Verify,
    /// Make a dataset of COUNT new training images by deforming --from's (infiMNIST's
    /// kind: a smooth random displacement field and a small rotation, scaling, shear and
    /// shift), written to the cache as NAME with --from's test set; --seed decides every
    /// image. Memory stays a few blocks of images whatever COUNT.
    Deform {
        /// The new dataset's name.
        name: String,
        /// The dataset whose training images are deformed (image i from image i mod n).
        #[arg(long, value_name = "DATASET")]
        from: String,
        /// How many training images to make (infiMNIST: 8,100,000).
        #[arg(long, value_name = "N", value_parser = parse_image_count)]
        count: usize,
        /// Standard deviation (pixels) of the Gaussian smoothing the displacement noise.
        #[arg(long, default_value_t = classify_datasets::deform::Deformation::default().sigma)]
        sigma: f32,
        /// Strength (pixels) of the smoothed displacement field.
        #[arg(long, default_value_t = classify_datasets::deform::Deformation::default().alpha)]
        alpha: f32,
        /// Replace a dataset of the same name.
        #[arg(long)]
        force: bool,
    },
}

/// An IDX file's image count: 1 to 2³² − 1.
fn parse_image_count(s: &str) -> Result<usize, String> {
    match s.parse::<u64>() {
        Ok(n @ 1..=0xFFFF_FFFF) => Ok(n as usize),
        _ => Err(format!(
            "between 1 and {} images (the IDX format counts in 32 bits)",
            u32::MAX
        )),
    }
}

/// `HxW` (or `H×W`) as `[height, width]`.
fn parse_size(s: &str) -> Result<[usize; 2], String> {
    let (h, w) = s
        .split_once(['x', '×'])
        .ok_or_else(|| format!("{s:?}: expected HxW, such as 28x28"))?;
    let side = |v: &str| {
        v.trim()
            .parse::<usize>()
            .map_err(|_| format!("{s:?}: expected HxW, such as 28x28"))
    };
    Ok([side(h)?, side(w)?])
}

impl Common {
    /// The folds `--cv` asks for, or the command's `default`; at least 2.
    pub fn folds(&self, default: usize) -> anyhow::Result<usize> {
        match self.cv.unwrap_or(default) {
            n if n >= 2 => Ok(n),
            n => anyhow::bail!("--cv {n}: cross-validation needs at least 2 folds"),
        }
    }
}
