//! Trees against scikit-learn's, and their model files.

use super::columns::{transpose_into, transpose_u8_into};
use super::*;
use ndarray::array;

fn fit(x: &Array2<u8>, y: &[usize], p: DecisionTreeClassifier) -> DecisionTree {
    p.fit(x.into(), y).unwrap()
}

/// The first `n` training images of the embedded MNIST sample and their digits.
fn sample_digits(n: usize) -> (classify_datasets::TrainTest, Array2<u8>, Vec<u32>) {
    let s = classify_datasets::mnist_sample().unwrap();
    let x = s.train.data.slice(ndarray::s![..n, ..]).to_owned();
    let digits = s
        .train
        .target
        .iter()
        .take(n)
        .map(|&l| u32::from(l))
        .collect();
    (s, x, digits)
}

/// The register transpose of bytes equals the element-wise one, for row and column
/// counts around the 16 × 16 blocks, rows picked out of order and a strided view.
#[test]
fn byte_transpose_equals_elementwise() {
    let a = Array2::from_shape_fn((70, 53), |(i, j)| (i * 31 + j * 7 + i * j) as u8);
    for (n, d) in [(0, 53), (1, 53), (16, 16), (17, 33), (48, 53), (70, 15)] {
        let view = a.slice(ndarray::s![.., ..d]);
        let rows: Vec<usize> = (0..n).map(|i| (i * 37) % 70).collect();
        let (mut got, mut want) = (vec![0u8; n * d], vec![0u8; n * d]);
        transpose_u8_into(view, &rows, &mut got);
        transpose_into(view, &rows, &mut want, |v| v);
        assert_eq!(got, want, "{n} × {d}");
    }
}

/// Interleaved descents (groups of [`DESCENTS`] rows) give each row the leaves a lone
/// descent gives it, for every feature type.
#[test]
fn interleaved_descents_reach_the_same_leaves() {
    let n = 600;
    let (s, x, digits) = sample_digits(n);
    let w = vec![1u32; n];
    let cfg = Grow::new(&DecisionTreeClassifier::default(), x.ncols()).unwrap();
    let trees: Vec<Tree> = (0..3)
        .map(|seed| {
            grow(
                &Columns::new((&x).into(), None),
                &digits,
                &w,
                10,
                cfg,
                seed,
                None,
            )
        })
        .collect();
    let test = s.test.data.slice(ndarray::s![..37, ..]).to_owned();
    let (xf, xd) = (test.mapv(f32::from), test.mapv(f64::from));
    for features in [(&test).into(), (&xf).into(), (&xd).into()] {
        let together = leaf_average(features, &trees, 10);
        for i in 0..test.nrows() {
            let alone = match features {
                Features::U8(a) => {
                    leaf_average(a.slice(ndarray::s![i..i + 1, ..]).into(), &trees, 10)
                }
                Features::F32(a) => {
                    leaf_average(a.slice(ndarray::s![i..i + 1, ..]).into(), &trees, 10)
                }
                Features::F64(a) => {
                    leaf_average(a.slice(ndarray::s![i..i + 1, ..]).into(), &trees, 10)
                }
            };
            assert_eq!(together.row(i), alone.row(0), "row {i}");
        }
        assert!(together
            .rows()
            .into_iter()
            .any(|r| r.iter().all(|&p| p < 1.0)));
    }
}

/// Subtrees grown on node-local copies of the rows are the subtrees the shared columns
/// give: same nodes, thresholds, leaves and importances, for bytes and floats, two
/// classes and ten, bootstrap weights included.
#[test]
fn local_copies_grow_the_same_tree() {
    let n = 3000;
    let (_, x, digits) = sample_digits(n);
    let xf = x.mapv(f32::from);
    let fives: Vec<u32> = digits.iter().map(|&l| u32::from(l == 5)).collect();
    let w: Vec<u32> = (0..n as u32).map(|i| (i * 7919) % 3).collect();
    let p = DecisionTreeClassifier {
        max_features: MaxFeatures::Sqrt,
        ..Default::default()
    };
    let cfg = Grow::new(&p, x.ncols()).unwrap();
    for features in [Features::U8(x.view()), Features::F32(xf.view())] {
        for (y, nc) in [(&fives, 2), (&digits, 10)] {
            let shared = Columns::new(features, None);
            let mut no_copies = Columns::new(features, None);
            no_copies.source = None;
            let a = grow(&shared, y, &w, nc, cfg, 7, None);
            let b = grow(&no_copies, y, &w, nc, cfg, 7, None);
            assert!(a.nodes.len() > 100, "{} nodes", a.nodes.len());
            assert_eq!(a, b);
        }
    }
}

#[test]
fn separates_ties_that_straddle_nodes() {
    // linfa-trees leaves {0,0,1,1} unsplit here; a full tree must fit it exactly.
    let x = array![[0u8, 5], [0, 5], [1, 5], [1, 6], [2, 6], [2, 6]];
    let y = [0, 1, 0, 1, 0, 1];
    let t = fit(&x, &y, DecisionTreeClassifier::default());
    // Rows 0/1 and 4/5 are identical with different labels: the best a tree can do.
    let p = t.predict((&x).into()).unwrap();
    assert_eq!(p[2], 0);
    assert_eq!(p[3], 1);
    let proba = t.predict_proba((&x).into()).unwrap();
    assert_eq!(proba.row(0).to_vec(), vec![0.5, 0.5]);
}

#[test]
fn histogram_and_sorting_paths_choose_the_same_splits() {
    let mut rng = classify_random::RandomState::new(3).unwrap();
    let n = 3000;
    let x = Array2::from_shape_fn((n, 12), |_| rng.randint(0, 40).unwrap() as u8 * 6);
    let y: Vec<usize> = (0..n)
        .map(|i| usize::from(x[[i, 0]] / 6 + x[[i, 3]] / 12 > 30) + usize::from(x[[i, 7]] > 200))
        .collect();
    let xf = x.mapv(f32::from);
    for criterion in [Criterion::Gini, Criterion::Entropy] {
        let p = DecisionTreeClassifier {
            criterion,
            max_features: MaxFeatures::Sqrt,
            min_samples_leaf: 3,
            ..Default::default()
        };
        let a = p.fit((&x).into(), &y).unwrap();
        let b = p.fit((&xf).into(), &y).unwrap();
        assert_eq!(a, b, "{criterion:?}");
        assert!(a.n_leaves() > 10);
    }
}

#[test]
fn fully_grown_tree_fits_distinct_rows_exactly() {
    let x = Array2::from_shape_fn((200, 5), |(i, j)| ((i * 7 + j * 13) % 251) as u8);
    let y: Vec<usize> = (0..200).map(|i| (i * 31 % 7) % 3).collect();
    let t = fit(&x, &y, DecisionTreeClassifier::default());
    assert_eq!(t.predict((&x).into()).unwrap(), y);
    let imp = t.feature_importances();
    assert!((imp.iter().sum::<f64>() - 1.0).abs() < 1e-12);
}

#[test]
fn limits_are_respected() {
    let x = Array2::from_shape_fn((300, 4), |(i, j)| ((i * 17 + j * 5) % 97) as u8);
    let y: Vec<usize> = (0..300).map(|i| i % 2).collect();
    let t = fit(
        &x,
        &y,
        DecisionTreeClassifier {
            max_depth: Some(3),
            ..Default::default()
        },
    );
    assert!(t.depth() <= 3);
    assert!(t.n_leaves() <= 8);
    let t = fit(
        &x,
        &y,
        DecisionTreeClassifier {
            min_samples_leaf: 40,
            ..Default::default()
        },
    );
    assert!(t.n_leaves() <= 300 / 40);
}

#[test]
fn continuous_thresholds_are_midpoints() {
    let x = array![[0.25f32], [0.5], [2.0], [4.0]];
    let t = DecisionTreeClassifier::default()
        .fit((&x).into(), &[0, 0, 1, 1])
        .unwrap();
    assert_eq!(t.tree.nodes[0].threshold, 1.25);
    assert_eq!(
        t.predict((&array![[1.25f32], [1.26]]).into()).unwrap(),
        vec![0, 1]
    );
}

#[test]
fn errors_are_typed() {
    let x = array![[0u8, 1], [1, 0]];
    let t = DecisionTreeClassifier::default();
    assert!(matches!(
        t.fit((&x).into(), &[0]),
        Err(Error::LengthMismatch { .. })
    ));
    let bad = DecisionTreeClassifier {
        min_samples_split: 1,
        ..Default::default()
    };
    assert!(matches!(
        bad.fit((&x).into(), &[0, 1]),
        Err(Error::InvalidParameter(_))
    ));
    let m = t.fit((&x).into(), &[0, 1]).unwrap();
    assert!(matches!(
        m.predict((&array![[0u8]]).into()),
        Err(Error::FeatureMismatch { .. })
    ));
    let nan = array![[f32::NAN, 1.0], [0.0, 1.0]];
    assert!(matches!(
        t.fit((&nan).into(), &[0, 1]),
        Err(Error::NonFinite { .. })
    ));
    // One class: a single leaf, as scikit-learn.
    let one = t.fit((&x).into(), &[4, 4]).unwrap();
    assert_eq!(one.classes(), &[4]);
    assert_eq!(one.predict((&x).into()).unwrap(), vec![4, 4]);
}
