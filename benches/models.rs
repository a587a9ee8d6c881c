//! Model hot paths: SGD fits and cross-validation on the bench data (`CLASSIFY_BENCH_DATA`,
//! set by `cargo xtask bench`; the embedded sample otherwise), "is it a 5?".

#![allow(missing_docs)] // criterion_group! generates undocumented functions

use std::hint::black_box;
use std::path::PathBuf;

use classify::datasets::idx;
use classify::models::{Estimator, SgdClassifier};
use classify::selection::{cross_val_score, Cv, Scoring};
use criterion::{criterion_group, criterion_main, Criterion};

fn data() -> (ndarray::Array2<u8>, Vec<usize>) {
    let dir = std::env::var_os("CLASSIFY_BENCH_DATA")
        .map(PathBuf::from)
        .unwrap_or_else(|| {
            PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("crates/datasets/data/mnist-sample")
        });
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

criterion_group!(benches, sgd);
criterion_main!(benches);
