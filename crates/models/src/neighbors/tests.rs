//! The k-NN engine against brute force, scikit-learn's fixtures and damaged model files.

use ndarray::{arr2, Array2};

use super::search::exact_sq_f32;
use super::storage::{small_integers, small_integers_into};
use super::*;
use crate::simd::distance as kernels;
use classify_core::PredictProba;

/// The first `n` training digits of the embedded sample, their labels, and the first `m`
/// test digits.
fn sample(n: usize, m: usize) -> (Array2<u8>, Vec<usize>, Array2<u8>) {
    let s = classify_datasets::mnist_sample().unwrap();
    let x = s.train.data.slice(ndarray::s![..n, ..]).to_owned();
    let y = s.train.head(n).labels();
    (x, y, s.test.data.slice(ndarray::s![..m, ..]).to_owned())
}

/// Whatever this CPU dispatches to, and every kernel it can run (VNNI, AVX2, portable),
/// pixels against signed bytes are exact, at every length (tails, and rows longer than a
/// lane's safe run).
#[test]
fn pixel_by_signed_byte_dots_are_exact() {
    let dot = kernels::dot_u8_i8();
    let (_, every) = kernels::every_dot();
    for n in [
        0, 1, 15, 16, 17, 31, 32, 33, 47, 63, 64, 65, 784, 1000, 70_000, 200_003,
    ] {
        let a: Vec<u8> = (0..n).map(|i| 255 - (i * 7 % 256) as u8).collect();
        let b: Vec<i8> = (0..n)
            .map(|i| if i % 3 == 0 { -128 } else { (i % 251) as i8 })
            .collect();
        let want: i64 = a
            .iter()
            .zip(&b)
            .map(|(&x, &y)| i64::from(x) * i64::from(y))
            .sum();
        assert_eq!(dot(&a, &b), want, "n = {n}");
        for (i, kernel) in every.iter().enumerate() {
            assert_eq!(kernel(&a, &b), want, "kernel {i}, n = {n}");
        }
    }
}

/// `vpmaddwd` (AVX-512 and AVX2, where this CPU has them) and the portable loop agree
/// with `i64` arithmetic on signed values at every
/// length around the vector widths (the masked tail included), up to what `i32` lanes
/// hold for the length.
#[test]
fn signed_i16_dots_are_exact() {
    let (every, _) = kernels::every_dot();
    for n in [
        0, 1, 15, 16, 17, 31, 32, 33, 47, 63, 64, 65, 784, 1000, 65_536, 70_001,
    ] {
        let max = ((f64::from(i32::MAX) / n.max(1) as f64).sqrt() as i64).min(32767);
        let v = |i: usize, s: usize| ((i * s % 2001) as i64 - 1000) * max / 1000;
        let a: Vec<i16> = (0..n).map(|i| v(i, 7) as i16).collect();
        let b: Vec<i16> = (0..n).map(|i| v(i, 13) as i16).collect();
        let want: i64 = a
            .iter()
            .zip(&b)
            .map(|(&x, &y)| i64::from(x) * i64::from(y))
            .sum();
        assert_eq!(kernels::dot_i16(&a, &b), want, "n = {n}");
        for (i, kernel) in every.iter().enumerate() {
            assert_eq!(kernel(&a, &b), want, "kernel {i}, n = {n}");
        }
    }
}

/// The sample's first `n` training images and labels, a fold's training rows among them
/// (four in five) and its first `m` test images.
fn sample_fold(n: usize, m: usize) -> (Array2<u8>, Vec<usize>, Vec<usize>, Array2<u8>) {
    let s = classify_datasets::mnist_sample().unwrap();
    let x = s.train.data.slice(ndarray::s![..n, ..]).to_owned();
    let y = s.train.head(n).labels();
    let rows = (0..n).filter(|r| r % 5 != 0).collect();
    (
        x,
        y,
        rows,
        s.test.data.slice(ndarray::s![..m, ..]).to_owned(),
    )
}

/// Fitting several parameter sets on one fold shares the search and changes nothing.
#[test]
fn fits_sharing_the_rows_equal_separate_fits() {
    let (x, y, rows, q) = sample_fold(2500, 50);
    let params =
        [(3, Weights::Uniform), (6, Weights::Distance)].map(|(k, w)| KNeighborsClassifier {
            n_neighbors: k,
            weights: w,
            ..Default::default()
        });
    let shared = KNeighborsClassifier::fit_rows_many(&params, (&x).into(), &y, &rows).unwrap();
    for (p, m) in params.iter().zip(&shared) {
        let alone = p.fit_rows((&x).into(), &y, &rows).unwrap();
        assert_eq!(m, &alone);
        assert_eq!(
            m.predict_proba((&q).into()).unwrap(),
            alone.predict_proba((&q).into()).unwrap()
        );
    }
    let too_many = KNeighborsClassifier {
        n_neighbors: 3000,
        weights: Weights::Uniform,
        ..Default::default()
    };
    assert!(
        KNeighborsClassifier::fit_rows_many(&[params[0], too_many], (&x).into(), &y, &rows)
            .is_err()
    );
}

/// Models fitted together predict from one search for the largest `n_neighbors` exactly
/// what each predicts alone: pixels (the pruned search), the same scaled to `f64`, and
/// three coarse features (a tree search, many tied distances); queries include training
/// rows (zero distances).
#[test]
fn predictions_sharing_one_search_equal_each_models_own() {
    let (x, y, rows, mut q) = sample_fold(3000, 40);
    q.append(ndarray::Axis(0), x.slice(ndarray::s![..10, ..]))
        .unwrap();
    let params: Vec<KNeighborsClassifier> = [Weights::Uniform, Weights::Distance]
        .into_iter()
        .flat_map(|weights| {
            (1..=8).map(move |n_neighbors| KNeighborsClassifier {
                n_neighbors,
                weights,
                ..Default::default()
            })
        })
        .collect();
    let scaled = x.mapv(|v| f64::from(v) / 255.0);
    let q_scaled = q.mapv(|v| f64::from(v) / 255.0);
    let coarse = x
        .slice(ndarray::s![.., 400..403])
        .mapv(|v| f64::from(v / 64));
    let q_coarse = q
        .slice(ndarray::s![.., 400..403])
        .mapv(|v| f64::from(v / 64));
    let cases: [(Features<'_>, Features<'_>); 3] = [
        ((&x).into(), (&q).into()),
        ((&scaled).into(), (&q_scaled).into()),
        ((&coarse).into(), (&q_coarse).into()),
    ];
    for (case, (x, q)) in cases.into_iter().enumerate() {
        let models = KNeighborsClassifier::fit_rows_many(&params, x, &y, &rows).unwrap();
        let many = KNeighborsClassifier::predict_many(&models, q).unwrap();
        assert_eq!(many.len(), params.len());
        for (m, pred) in models.iter().zip(&many) {
            assert_eq!(pred, &m.predict(q).unwrap(), "case {case}, {:?}", m.params);
        }
    }
    // Models that do not share their rows each search their own.
    let apart: Vec<KNeighbors> = params[..2]
        .iter()
        .map(|p| p.fit_rows((&x).into(), &y, &rows).unwrap())
        .collect();
    let many = KNeighborsClassifier::predict_many(&apart, (&q).into()).unwrap();
    for (m, pred) in apart.iter().zip(&many) {
        assert_eq!(pred, &m.predict((&q).into()).unwrap());
    }
}

/// The `i16` form is taken only when every value is such an integer: one fraction, NaN,
/// infinity or value past `i16` anywhere in a row refuses it.
#[test]
fn small_integers_refuse_any_other_value() {
    let ok = [0.0, -0.0, 3.0, -7.0, 32767.0, -32767.0, 255.0];
    let mut out = [0i16; 7];
    assert_eq!(small_integers_into(&ok, &mut out), Some(32767));
    assert_eq!(out, [0, 0, 3, -7, 32767, -32767, 255]);
    assert_eq!(small_integers_into(&ok, &mut []), Some(32767));
    for bad in [
        0.5,
        f32::NAN,
        f32::INFINITY,
        -f32::INFINITY,
        32768.0,
        -32769.0,
        1e-30,
    ] {
        for at in [0, 3, 6] {
            let mut row = ok;
            row[at] = bad;
            assert_eq!(small_integers_into(&row, &mut out), None, "{bad} at {at}");
        }
        let mut many = vec![1.0f32; 5000];
        many[4321] = bad;
        assert_eq!(small_integers(&many, 1), None, "{bad}");
    }
    assert_eq!(small_integers(&[1.0, -3.0, 2.0, 0.0], 2), Some(3));
}

#[test]
fn blocked_kernel_equals_single_dots() {
    let q: Vec<Vec<i16>> = (0..4)
        .map(|k| (0..787).map(|i| ((i * (k + 3)) % 256) as i16).collect())
        .collect();
    let t: Vec<i16> = (0..787).map(|i| ((i * 7) % 256) as i16).collect();
    let four = kernels::dot4_i16([&q[0], &q[1], &q[2], &q[3]], &t);
    for k in 0..4 {
        assert_eq!(i64::from(four[k]), kernels::dot_i16(&q[k], &t));
    }
}

#[test]
fn ties_go_to_the_lower_index_and_votes_to_the_smaller_class() {
    // Rows 0 and 2 are both at distance 1 from the query; row 0 wins the single slot.
    let x = arr2(&[[1u8, 0], [5, 5], [0, 1], [9, 9]]);
    let y = [3, 1, 2, 1];
    let m = KNeighborsClassifier {
        n_neighbors: 1,
        weights: Weights::Uniform,
        ..Default::default()
    }
    .fit((&x).into(), &y)
    .unwrap();
    let q = arr2(&[[0u8, 0]]);
    let nb = m.kneighbors((&q).into(), 3).unwrap();
    assert_eq!(nb.indices.row(0).to_vec(), vec![0, 2, 1]);
    assert_eq!(nb.distances.row(0).to_vec(), vec![1.0, 1.0, 50f64.sqrt()]);
    assert_eq!(m.predict((&q).into()).unwrap(), vec![3]);
    // Two neighbours, one vote each for classes 3 and 2: the smaller class wins.
    let m2 = KNeighborsClassifier {
        n_neighbors: 2,
        weights: Weights::Uniform,
        ..Default::default()
    }
    .fit((&x).into(), &y)
    .unwrap();
    assert_eq!(m2.predict((&q).into()).unwrap(), vec![2]);
    assert_eq!(
        m2.predict_proba((&q).into()).unwrap().row(0).to_vec(),
        vec![0.0, 0.5, 0.5]
    );
}

#[test]
fn distance_weights_and_exact_matches() {
    let x = arr2(&[[0u8], [3], [4]]);
    let y = [0, 1, 1];
    let m = KNeighborsClassifier {
        n_neighbors: 3,
        weights: Weights::Distance,
        ..Default::default()
    }
    .fit((&x).into(), &y)
    .unwrap();
    // Query at 1: weights 1/1 for class 0, 1/2 + 1/3 for class 1.
    let p = m.predict_proba((&arr2(&[[1u8]])).into()).unwrap();
    assert!((p[[0, 0]] - 1.0 / (1.0 + 0.5 + 1.0 / 3.0)).abs() < 1e-15);
    // A query equal to a training row takes that row's class only.
    let p = m.predict_proba((&arr2(&[[3u8]])).into()).unwrap();
    assert_eq!(p.row(0).to_vec(), vec![0.0, 1.0]);
}

#[test]
fn pruned_search_equals_brute_force_with_ties() {
    let s = classify_datasets::mnist_sample().unwrap();
    // 3,000 digits plus exact copies of 200 of them (distance ties) and a few blank and
    // saturated rows: large enough for the projection bound.
    let mut x = s.train.data.slice(ndarray::s![..3000, ..]).to_owned();
    let copies = s.train.data.slice(ndarray::s![..200;2, ..]).to_owned();
    x.append(ndarray::Axis(0), copies.view()).unwrap();
    x.push_row(Array2::<u8>::zeros((1, 784)).row(0)).unwrap();
    x.push_row(Array2::<u8>::from_elem((1, 784), 255).row(0))
        .unwrap();
    let y: Vec<usize> = (0..x.nrows()).map(|i| i % 10).collect();
    let model = KNeighborsClassifier::default()
        .fit((&x).into(), &y)
        .unwrap();
    assert!(matches!(
        &*model.train,
        Train::U8 {
            pruned: Some(_),
            ..
        }
    ));
    // Queries: test digits, training rows (distance 0, tied with their copies), blank.
    let mut q = s.test.data.slice(ndarray::s![..150, ..]).to_owned();
    q.append(ndarray::Axis(0), x.slice(ndarray::s![..120;3, ..]))
        .unwrap();
    q.push_row(Array2::<u8>::zeros((1, 784)).row(0)).unwrap();
    let k = 12;
    let got = model.kneighbors((&q).into(), k).unwrap();
    // A model file holds the rows in their original order, and loads to the same search.
    let json = serde_json::to_string(&model).unwrap();
    let file: serde_json::Value = serde_json::from_str(&json).unwrap();
    let stored: Vec<u8> = serde_json::from_value(file["rows"]["U8"]["data"].clone()).unwrap();
    assert_eq!(stored, x.iter().copied().collect::<Vec<u8>>());
    let back: KNeighbors = serde_json::from_str(&json).unwrap();
    assert_eq!(back, model);
    // An edited file is an error, not a panic.
    let mut edited = file.clone();
    edited["rows"]["U8"]["n_features"] = serde_json::json!(783);
    assert!(serde_json::from_value::<KNeighbors>(edited).is_err());
    let mut edited = file;
    edited["labels"][0] = serde_json::json!(99);
    assert!(serde_json::from_value::<KNeighbors>(edited).is_err());
    for (i, qr) in q.rows().into_iter().enumerate() {
        let mut all: Vec<(u64, usize)> = x
            .rows()
            .into_iter()
            .enumerate()
            .map(|(t, r)| {
                let d: u64 = r
                    .iter()
                    .zip(qr)
                    .map(|(&a, &b)| (i64::from(a) - i64::from(b)).pow(2) as u64)
                    .sum();
                (d, t)
            })
            .collect();
        all.sort_unstable();
        let want: Vec<usize> = all[..k].iter().map(|&(_, t)| t).collect();
        assert_eq!(got.indices.row(i).to_vec(), want, "query {i}");
        for (j, &(d, _)) in all[..k].iter().enumerate() {
            assert_eq!(got.distances[[i, j]], (d as f64).sqrt());
        }
    }
}

/// Float features (noisy and scaled pixels, non-integer values, exact copies for ties)
/// searched with the projection bound give exactly brute force's neighbours and distances.
#[test]
fn pruned_float_search_equals_brute_force() {
    let s = classify_datasets::mnist_sample().unwrap();
    let mut x = s
        .train
        .data
        .slice(ndarray::s![..2600, ..])
        .mapv(|v| f32::from(v) / 255.0);
    // Deterministic "noise", values no longer integers.
    for (i, v) in x.iter_mut().enumerate() {
        *v += ((i * 2654435761) % 1000) as f32 * 1e-4 - 0.05;
    }
    let copies = x.slice(ndarray::s![..100;2, ..]).to_owned();
    x.append(ndarray::Axis(0), copies.view()).unwrap();
    let y: Vec<usize> = (0..x.nrows()).map(|i| i % 10).collect();
    let model = KNeighborsClassifier::default()
        .fit((&x).into(), &y)
        .unwrap();
    assert!(matches!(&*model.train, Train::F32 { bound: Some(_), .. }));
    let mut q = s
        .test
        .data
        .slice(ndarray::s![..80, ..])
        .mapv(|v| f32::from(v) / 255.0);
    q.append(ndarray::Axis(0), x.slice(ndarray::s![..60;3, ..]))
        .unwrap();
    let k = 7;
    let got = model.kneighbors((&q).into(), k).unwrap();
    for (i, qr) in q.rows().into_iter().enumerate() {
        let qr = qr.to_vec();
        let mut all: Vec<(u64, usize)> = x
            .rows()
            .into_iter()
            .enumerate()
            .map(|(t, r)| (exact_sq_f32(&qr, &r.to_vec()).to_bits(), t))
            .collect();
        all.sort_unstable();
        let want: Vec<usize> = all[..k].iter().map(|&(_, t)| t).collect();
        assert_eq!(got.indices.row(i).to_vec(), want, "query {i}");
        for (j, &(d, _)) in all[..k].iter().enumerate() {
            assert_eq!(got.distances[[i, j]], f64::from_bits(d).sqrt());
        }
    }
}

/// Floats that are all small integers (pixels with integer noise) take the `i16` form;
/// it finds brute force's neighbours and distances for integer, byte and fractional
/// queries alike (ties included), and a model file of it loads back equal.
#[test]
fn integer_valued_floats_are_searched_exactly() {
    let s = classify_datasets::mnist_sample().unwrap();
    let noise = |i: usize| ((i * 2654435761) % 100) as f32;
    let mut x = s.train.data.slice(ndarray::s![..2600, ..]).mapv(f32::from);
    x.iter_mut().enumerate().for_each(|(i, v)| *v += noise(i));
    let copies = x.slice(ndarray::s![..100;2, ..]).to_owned();
    x.append(ndarray::Axis(0), copies.view()).unwrap();
    let y: Vec<usize> = (0..x.nrows()).map(|i| i % 10).collect();
    let model = KNeighborsClassifier::default()
        .fit((&x).into(), &y)
        .unwrap();
    assert!(matches!(&*model.train, Train::I16(s) if s.max_abs == 354));
    let bytes = s.test.data.slice(ndarray::s![..40, ..]).to_owned();
    let mut ints = bytes.mapv(f32::from);
    ints.iter_mut()
        .enumerate()
        .for_each(|(i, v)| *v += noise(i + 7));
    ints.append(ndarray::Axis(0), x.slice(ndarray::s![..60;3, ..]))
        .unwrap();
    let fractions = ints.mapv(|v| v + 0.25);
    let k = 7;
    let check = |q: &Array2<f32>, got: Neighbors| {
        for (i, qr) in q.rows().into_iter().enumerate() {
            let qr = qr.to_vec();
            let mut all: Vec<(u64, usize)> = x
                .rows()
                .into_iter()
                .enumerate()
                .map(|(t, r)| (exact_sq_f32(&qr, &r.to_vec()).to_bits(), t))
                .collect();
            all.sort_unstable();
            let want: Vec<usize> = all[..k].iter().map(|&(_, t)| t).collect();
            assert_eq!(got.indices.row(i).to_vec(), want, "query {i}");
            for (j, &(d, _)) in all[..k].iter().enumerate() {
                assert_eq!(got.distances[[i, j]], f64::from_bits(d).sqrt());
            }
        }
    };
    for q in [&ints, &fractions] {
        check(q, model.kneighbors(q.into(), k).unwrap());
    }
    check(
        &bytes.mapv(f32::from),
        model.kneighbors((&bytes).into(), k).unwrap(),
    );
    let json = serde_json::to_string(&model).unwrap();
    assert_eq!(serde_json::from_str::<KNeighbors>(&json).unwrap(), model);
    // Values past what `i16` products sum exactly in `i32` stay floats.
    let wide = x.mapv(|v| v * 100.0);
    let model = KNeighborsClassifier::default()
        .fit((&wide).into(), &y)
        .unwrap();
    assert!(matches!(&*model.train, Train::F32 { bound: Some(_), .. }));
}

/// The kd-tree and the ball tree find brute force's neighbours and distances, ties to the
/// lower index included (a coarse grid of points has many equal distances), on `u8`,
/// `f32` and `f64` features, and `Auto` resolves by the measured crossover.
#[test]
fn trees_find_brute_forces_neighbours() {
    let n = 600;
    // Points on a coarse 3-D grid (many ties), plus a few repeated rows.
    let grid = Array2::from_shape_fn((n, 3), |(i, j)| ((i * (7 + 3 * j) + j) % 11) as f64 * 0.5);
    let q = Array2::from_shape_fn((40, 3), |(i, j)| ((i * (5 + j)) % 13) as f64 * 0.45);
    let y: Vec<usize> = (0..n).map(|i| i % 3).collect();
    let f32s = grid.mapv(|v| v as f32);
    let u8s = grid.mapv(|v| (v * 2.0) as u8);
    let q8 = q.mapv(|v| (v * 2.0) as u8);
    for k in [1, 4, 9] {
        let fit = |x: Features<'_>, algorithm| {
            KNeighborsClassifier {
                n_neighbors: k,
                algorithm,
                ..Default::default()
            }
            .fit(x, &y)
            .unwrap()
        };
        for (x, queries) in [
            (Features::from(&grid), Features::from(&q)),
            (Features::from(&f32s), Features::from(&q)),
            (Features::from(&u8s), Features::from(&q8)),
        ] {
            let brute = fit(x, Algorithm::Brute).kneighbors(queries, k).unwrap();
            for algorithm in [Algorithm::KdTree, Algorithm::BallTree] {
                let got = fit(x, algorithm).kneighbors(queries, k).unwrap();
                assert_eq!(got, brute, "{algorithm:?}, k = {k}");
            }
        }
    }
    assert_eq!(Algorithm::Auto.resolve(10_000, 4), Algorithm::KdTree);
    assert_eq!(Algorithm::Auto.resolve(10_000, 8), Algorithm::Brute);
    assert_eq!(Algorithm::Auto.resolve(20_000, 8), Algorithm::KdTree);
    assert_eq!(Algorithm::Auto.resolve(60_000, 784), Algorithm::Brute);
    assert_eq!(Algorithm::Auto.resolve(100, 4), Algorithm::Brute);
    assert_eq!(Algorithm::BallTree.resolve(100, 784), Algorithm::BallTree);
}

/// `f64` features that are not `f32` numbers take the brute-force `f64` search: on every
/// pairing of training and query types, the neighbours and distances of a direct
/// computation, ties to the lower index; a model file keeps them.
#[test]
fn f64_features_are_searched_exactly() {
    let (x, y, q) = sample(300, 12);
    // Pixels / 255 (not `f32` numbers), and the same rows as bytes.
    let x64 = x.mapv(|v| f64::from(v) / 255.0);
    let q64 = q.mapv(|v| f64::from(v) / 255.0);
    let reference = |train: &Array2<f64>, queries: &Array2<f64>| -> Vec<Vec<(u64, usize)>> {
        queries
            .rows()
            .into_iter()
            .map(|qr| {
                let qr = qr.to_vec();
                let mut all: Vec<(u64, usize)> = train
                    .rows()
                    .into_iter()
                    .enumerate()
                    .map(|(t, r)| (kernels::sq_dist(&qr, &r.to_vec()).to_bits(), t))
                    .collect();
                all.sort_unstable();
                all.truncate(5);
                all
            })
            .collect()
    };
    let check = |got: &Neighbors, want: Vec<Vec<(u64, usize)>>, what: &str| {
        for (i, w) in want.iter().enumerate() {
            for (j, &(key, t)) in w.iter().enumerate() {
                assert_eq!(got.indices[[i, j]], t, "{what}: query {i}, neighbour {j}");
                assert_eq!(got.distances[[i, j]], f64::from_bits(key).sqrt(), "{what}");
            }
        }
    };
    let m64 = KNeighborsClassifier::default()
        .fit((&x64).into(), &y)
        .unwrap();
    assert!(matches!(&*m64.train, Train::F64 { .. }));
    check(
        &m64.kneighbors((&q64).into(), 5).unwrap(),
        reference(&x64, &q64),
        "f64/f64",
    );
    let qb = q.mapv(f64::from);
    check(
        &m64.kneighbors((&q).into(), 5).unwrap(),
        reference(&x64, &qb),
        "f64/u8",
    );
    let m8 = KNeighborsClassifier::default()
        .fit((&x).into(), &y)
        .unwrap();
    let xb = x.mapv(f64::from);
    check(
        &m8.kneighbors((&q64).into(), 5).unwrap(),
        reference(&xb, &q64),
        "u8/f64",
    );
    let xf = x.mapv(|v| f32::from(v) / 255.0);
    let mf = KNeighborsClassifier::default()
        .fit((&xf).into(), &y)
        .unwrap();
    let xf64 = xf.mapv(f64::from);
    check(
        &mf.kneighbors((&q64).into(), 5).unwrap(),
        reference(&xf64, &q64),
        "f32/f64",
    );
    let json = serde_json::to_string(&m64).unwrap();
    let back: KNeighbors = serde_json::from_str(&json).unwrap();
    assert_eq!(
        back.predict((&q64).into()).unwrap(),
        m64.predict((&q64).into()).unwrap()
    );
}

#[test]
fn u8_and_f32_agree_and_bad_input_is_an_error() {
    let (x, y, q) = sample(500, 40);
    let m = KNeighborsClassifier::default()
        .fit((&x).into(), &y)
        .unwrap();
    let xf = x.mapv(f32::from);
    let mf = KNeighborsClassifier::default()
        .fit((&xf).into(), &y)
        .unwrap();
    let a = m.kneighbors((&q).into(), 5).unwrap();
    let b = mf.kneighbors((&q.mapv(f32::from)).into(), 5).unwrap();
    assert_eq!(a, b);
    // Float queries of a byte model: the same neighbours and distances.
    assert_eq!(m.kneighbors((&q.mapv(f32::from)).into(), 5).unwrap(), a);
    assert!(m.kneighbors((&q).into(), 501).is_err());
    assert!(matches!(
        m.predict((&arr2(&[[1u8, 2]])).into()),
        Err(Error::FeatureMismatch { .. })
    ));
    assert!(KNeighborsClassifier {
        n_neighbors: 0,
        weights: Weights::Uniform,
        ..Default::default()
    }
    .fit((&x).into(), &y)
    .is_err());
    // serde round trip predicts the same.
    let json = serde_json::to_string(&m).unwrap();
    let back: KNeighbors = serde_json::from_str(&json).unwrap();
    assert_eq!(
        back.predict((&q).into()).unwrap(),
        m.predict((&q).into()).unwrap()
    );
}

#[test]
fn blocks_searched_apart_give_the_whole_search() {
    let data = sample_with_repeats(3000, 200);
    let (x, y, q) = (&data.0, &data.1, &data.2);
    for weights in [Weights::Uniform, Weights::Distance] {
        let params = KNeighborsClassifier {
            n_neighbors: 5,
            weights,
            ..Default::default()
        };
        let whole = params.fit(x.into(), y).unwrap();
        for block in [700, 1000, 3000] {
            let mut streamed = StreamedNeighbors::new(params, q.nrows()).unwrap();
            for start in (0..x.nrows()).step_by(block) {
                let end = (start + block).min(x.nrows());
                let rows = x.slice(ndarray::s![start..end, ..]);
                streamed
                    .add_block(rows.into(), &y[start..end], start, q.into())
                    .unwrap();
            }
            assert_eq!(
                streamed.neighbors().unwrap(),
                whole.kneighbors(q.into(), 5).unwrap()
            );
            assert_eq!(
                streamed.predict().unwrap(),
                whole.predict(q.into()).unwrap()
            );
        }
    }
    // Too few rows yet, other queries, other widths.
    let params = KNeighborsClassifier::default();
    let mut s = StreamedNeighbors::new(params, q.nrows()).unwrap();
    let three = x.slice(ndarray::s![..3, ..]);
    s.add_block(three.into(), &y[..3], 0, q.into()).unwrap();
    assert!(s.predict().is_err());
    let fewer = q.slice(ndarray::s![..2, ..]);
    assert!(s.add_block(three.into(), &y[..3], 3, fewer.into()).is_err());
    let narrow = x.slice(ndarray::s![..3, ..10]);
    assert!(s.add_block(narrow.into(), &y[..3], 3, q.into()).is_err());
}

/// Pixels with many repeated rows (so that ties between blocks are tested), labels and
/// queries: `n` training rows, `m` queries.
fn sample_with_repeats(n: usize, m: usize) -> (Array2<u8>, Vec<usize>, Array2<u8>) {
    let (x, y, q) = sample(n, m);
    let mut x = x;
    for i in (0..n).step_by(7) {
        let from = x.row((i * 31) % n).to_owned();
        x.row_mut(i).assign(&from);
    }
    (x, y, q)
}
