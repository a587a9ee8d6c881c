//! Model hot paths on the bench data (`CLASSIFY_BENCH_DATA`, set by `cargo xtask bench`; the
//! embedded sample otherwise): SGD fits and cross-validation ("is it a 5?"), the k-NN engine
//! (fit, and the neighbours of 1,000 test images as pixels and as floats), and the random
//! forest's 3-fold out-of-fold probabilities.

#![allow(missing_docs)] // criterion_group! generates undocumented functions

use std::hint::black_box;
use std::path::PathBuf;

use classify::datasets::idx;
use classify::models::{
    Algorithm, Estimator, KNeighborsClassifier, RandomForestClassifier, SgdClassifier, SgdSolver,
};
use classify::selection::{cross_val_predict_proba, cross_val_score, Cv, Scoring};
use criterion::{criterion_group, criterion_main, Criterion};

fn dir() -> PathBuf {
    std::env::var_os("CLASSIFY_BENCH_DATA")
        .map(PathBuf::from)
        .unwrap_or_else(|| {
            PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("crates/datasets/data/mnist-sample")
        })
}

/// The first `n` test images.
fn test_images(n: usize) -> ndarray::Array2<u8> {
    let images = idx::read_idx_file(dir().join("t10k-images-idx3-ubyte.gz")).expect("bench test");
    let all = images.dims[0];
    let x = ndarray::Array2::from_shape_vec((all, images.data.len() / all), images.data)
        .expect("shape");
    x.slice(ndarray::s![..n.min(all), ..]).to_owned()
}

fn data() -> (ndarray::Array2<u8>, Vec<usize>) {
    let dir = dir();
    let images = idx::read_idx_file(dir.join("train-images-idx3-ubyte.gz")).expect("bench images");
    let labels = idx::read_idx_file(dir.join("train-labels-idx1-ubyte.gz")).expect("bench labels");
    let n = images.dims[0];
    let x =
        ndarray::Array2::from_shape_vec((n, images.data.len() / n), images.data).expect("shape");
    let y = labels
        .data
        .iter()
        .take(n)
        .map(|&l| usize::from(l == 5))
        .collect();
    (x, y)
}

fn sgd(c: &mut Criterion) {
    let (x, y) = data();
    let model = SgdClassifier::default();
    let mut group = c.benchmark_group("sgd");
    group.sample_size(10);
    group.bench_function("fit_binary_5", |b| {
        b.iter(|| black_box(model.fit((&x).into(), &y).expect("fit")))
    });
    // The f32 solver on the same problem (other shuffles, so other epochs: a cost per fit,
    // not per epoch).
    let fast = SgdClassifier {
        solver: SgdSolver::Fast,
        ..model
    };
    group.bench_function("fit_binary_5_fast", |b| {
        b.iter(|| black_box(fast.fit((&x).into(), &y).expect("fit")))
    });
    group.bench_function("cv3_binary_5", |b| {
        b.iter(|| {
            black_box(
                cross_val_score(
                    &model,
                    (&x).into(),
                    &y,
                    &Cv::Stratified(3),
                    Scoring::Accuracy,
                )
                .expect("cv"),
            )
        })
    });
    group.finish();
}

fn knn(c: &mut Criterion) {
    let (x, y) = data();
    let q = test_images(1000);
    let (xf, qf) = (
        x.mapv(|v| f32::from(v) / 255.0),
        q.mapv(|v| f32::from(v) / 255.0),
    );
    let params = KNeighborsClassifier::default();
    let model = params.fit((&x).into(), &y).expect("fit");
    let model_f = params.fit((&xf).into(), &y).expect("fit");
    let mut group = c.benchmark_group("knn");
    group.sample_size(10);
    group.bench_function("fit_u8", |b| {
        b.iter(|| black_box(params.fit((&x).into(), &y).expect("fit")))
    });
    group.bench_function("kneighbors_1000_u8", |b| {
        b.iter(|| black_box(model.kneighbors((&q).into(), 5).expect("search")))
    });
    group.bench_function("kneighbors_1000_f32", |b| {
        b.iter(|| black_box(model_f.kneighbors((&qf).into(), 5).expect("search")))
    });
    group.finish();
}

/// Denoising as scikit-learn's side of `cargo xtask bench denoise` times it: the noisy arrays
/// `classify denoise` draws (seed 42) already made, `KNeighborsClassifier(5)` fitted on the
/// noisy training images with their clean pixels as 784 outputs, the first 1,000 noisy test
/// images predicted, and the RMSE against their clean pixels.
fn denoise(c: &mut Criterion) {
    use classify::datasets::augment::add_noise;
    let (x, _) = data();
    let clean_test = test_images(1000);
    let mut rs = classify::random::RandomState::new(42).expect("seed");
    let noisy: ndarray::Array2<f32> = add_noise(x.view(), 100, &mut rs).expect("noise");
    let noisy_test: ndarray::Array2<f32> =
        add_noise(clean_test.view(), 100, &mut rs).expect("noise");
    let params = KNeighborsClassifier {
        n_neighbors: 5,
        ..Default::default()
    };
    let mut group = c.benchmark_group("knn");
    group.sample_size(10);
    group.bench_function("denoise_1000", |b| {
        b.iter(|| {
            let model = params
                .fit_multioutput((&noisy).into(), x.view())
                .expect("fit");
            let cleaned = model.predict((&noisy_test).into()).expect("predict");
            let sq: f64 = cleaned
                .iter()
                .zip(&clean_test)
                .map(|(&a, &b)| (a as f64 - f64::from(b)).powi(2))
                .sum();
            black_box((sq / cleaned.len() as f64).sqrt())
        })
    });
    group.finish();
}

/// `cross_val_predict(RandomForestClassifier(), x, y == 5, cv=3, method="predict_proba")`:
/// the forest alone (`classify binary --model forest` also runs SGD on the same folds).
fn forest(c: &mut Criterion) {
    let (x, y) = data();
    let model = RandomForestClassifier::default();
    let mut group = c.benchmark_group("forest");
    group.sample_size(10);
    group.bench_function("cv3_proba_5", |b| {
        b.iter(|| {
            black_box(
                cross_val_predict_proba(&model, (&x).into(), &y, &Cv::Stratified(3)).expect("cv"),
            )
        })
    });
    group.finish();
}

/// The neighbours of 1,000 queries among `n` rows of `d` uniform `f64` features (a fixed
/// linear-congruential draw, so every run searches the same points), by each algorithm:
/// `cargo bench --bench models -- knn_algorithm`.
fn knn_algorithm(c: &mut Criterion) {
    let draw = |rows: usize, d: usize, seed: u64| {
        let mut state = seed;
        ndarray::Array2::from_shape_simple_fn((rows, d), || {
            state = state
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            (state >> 11) as f64 / (1u64 << 53) as f64
        })
    };
    let mut group = c.benchmark_group("knn_algorithm");
    group.sample_size(10);
    for n in [1_000, 4_096, 20_000] {
        for d in [2, 4, 8, 16] {
            let (x, q) = (draw(n, d, 1), draw(1000, d, 2));
            let y: Vec<usize> = (0..n).map(|i| i % 2).collect();
            for algorithm in [Algorithm::Brute, Algorithm::KdTree, Algorithm::BallTree] {
                let model = KNeighborsClassifier {
                    algorithm,
                    ..Default::default()
                }
                .fit((&x).into(), &y)
                .expect("fit");
                group.bench_function(format!("{algorithm:?}/n{n}/d{d}"), |b| {
                    b.iter(|| black_box(model.kneighbors((&q).into(), 5).expect("search")))
                });
            }
        }
    }
    group.finish();
}

criterion_group!(benches, sgd, knn, denoise, forest, knn_algorithm);
criterion_main!(benches);
