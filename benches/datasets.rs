//! Dataset hot paths: reading IDX files, shift augmentation.
//!
//! `CLASSIFY_BENCH_DATA` names a folder of MNIST-style `.gz` files (set by `cargo xtask bench`);
//! without it the embedded sample's files are used.

#![allow(missing_docs)] // criterion_group! generates undocumented functions

use std::hint::black_box;
use std::path::PathBuf;

use classify::datasets::{augment, idx, mnist_sample};
use criterion::{criterion_group, criterion_main, Criterion};

fn data_dir() -> PathBuf {
    std::env::var_os("CLASSIFY_BENCH_DATA")
        .map(PathBuf::from)
        .unwrap_or_else(|| {
            PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("crates/datasets/data/mnist-sample")
        })
}

fn idx_load(c: &mut Criterion) {
    let dir = data_dir();
    let names = [
        "train-images-idx3-ubyte.gz",
        "train-labels-idx1-ubyte.gz",
        "t10k-images-idx3-ubyte.gz",
        "t10k-labels-idx1-ubyte.gz",
    ];
    let mut group = c.benchmark_group("idx");
    group.sample_size(10);
    group.bench_function("load_train_test", |b| {
        b.iter(|| {
            let arrays: Vec<_> = names
                .iter()
                .map(|n| idx::read_idx_file(dir.join(n)).expect("bench data must be valid IDX"))
                .collect();
            black_box(arrays)
        })
    });
    group.finish();
}

fn shifts(c: &mut Criterion) {
    let train = mnist_sample().expect("embedded sample").train;
    c.bench_function("augment/four_shifts_8000", |b| {
        b.iter(|| {
            black_box(augment::augment_with_shifts(
                &train,
                &augment::FOUR_SHIFTS,
                Some(42),
            ))
        })
    });
}

criterion_group!(benches, idx_load, shifts);
criterion_main!(benches);
