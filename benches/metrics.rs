//! Metrics hot paths: ROC and PR curves and ROC AUC over 1,000,000 scores.
//!
//! The scores are written to `CLASSIFY_BENCH_SCORES` (default
//! `target/bench-data/scores-1m.bin`) so `cargo xtask bench` can time scikit-learn on the same
//! array: 1,000,000 little-endian `f64` scores, then 1,000,000 `u8` labels.

#![allow(missing_docs)] // criterion_group! generates undocumented functions

use std::hint::black_box;
use std::path::PathBuf;

use classify::metrics::{precision_recall_curve, roc_auc_score, roc_curve, CurveOptions};
use criterion::{criterion_group, criterion_main, Criterion};

const N: usize = 1_000_000;

/// 10 % positives; scores are a noisy signal rounded to 1e-4, so many are tied.
fn data() -> (Vec<u8>, Vec<f64>) {
    let mut state = 0x9E37_79B9_7F4A_7C15u64;
    let mut next = move || {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        (state >> 11) as f64 / (1u64 << 53) as f64
    };
    let mut y = Vec::with_capacity(N);
    let mut s = Vec::with_capacity(N);
    for _ in 0..N {
        let label = u8::from(next() < 0.1);
        let noise: f64 = (0..4).map(|_| next()).sum::<f64>() - 2.0;
        y.push(label);
        s.push(((f64::from(label) * 1.2 + noise) * 1e4).round() / 1e4);
    }
    (y, s)
}

fn write_for_python(y: &[u8], s: &[f64]) {
    let path = std::env::var_os("CLASSIFY_BENCH_SCORES")
        .map(PathBuf::from)
        .unwrap_or_else(|| {
            PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("target/bench-data/scores-1m.bin")
        });
    let mut bytes = Vec::with_capacity(N * 9);
    for v in s {
        bytes.extend_from_slice(&v.to_le_bytes());
    }
    bytes.extend_from_slice(y);
    if let Some(dir) = path.parent() {
        let _ = std::fs::create_dir_all(dir);
    }
    let _ = std::fs::write(&path, bytes);
}

fn curves(c: &mut Criterion) {
    let (y, s) = data();
    write_for_python(&y, &s);
    let mut group = c.benchmark_group("curves");
    group.sample_size(20);
    group.bench_function("roc_pr_auc_1m", |b| {
        b.iter(|| {
            let roc = roc_curve(&y, &s, &CurveOptions::roc()).expect("valid scores");
            let pr = precision_recall_curve(&y, &s, &CurveOptions::pr()).expect("valid scores");
            let auc = roc_auc_score(&y, &s, None).expect("two classes");
            black_box((roc, pr, auc))
        })
    });
    group.bench_function("roc_curve_1m", |b| {
        b.iter(|| black_box(roc_curve(&y, &s, &CurveOptions::roc())))
    });
    group.finish();
}

criterion_group!(benches, curves);
criterion_main!(benches);
