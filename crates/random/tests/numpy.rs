//! Every draw of `tests/fixtures/numpy.json` (made by `scripts/random_fixtures.py` from NumPy's
//! legacy `RandomState`) reproduced value for value.

use classify_random::{Error, RandomState};
use serde_json::Value;

const FIXTURE: &str = include_str!("fixtures/numpy.json");

fn ints(v: &Value) -> Vec<i128> {
    v.as_array()
        .expect("array")
        .iter()
        .map(|x| {
            x.as_i64()
                .map(i128::from)
                .or_else(|| x.as_u64().map(i128::from))
                .expect("integer")
        })
        .collect()
}

fn floats(v: &Value) -> Vec<f64> {
    v.as_array()
        .expect("array")
        .iter()
        .map(|x| x.as_f64().expect("number"))
        .collect()
}

#[test]
fn every_numpy_draw_matches() {
    let doc: Value = serde_json::from_str(FIXTURE).expect("fixture parses");
    for case in doc["cases"].as_array().expect("cases") {
        let seed = case["seed"].as_u64().expect("seed");
        let fresh = || RandomState::new(seed).unwrap();
        let head: Vec<i128> = fresh()
            .state_head(3)
            .iter()
            .map(|&v| i128::from(v))
            .collect();
        assert_eq!(head, ints(&case["state_head"]), "seed {seed}: state");
        let mut rs = fresh();
        let raw: Vec<i128> = (0..8).map(|_| i128::from(rs.next_u32())).collect();
        assert_eq!(raw, ints(&case["raw"]), "seed {seed}: raw outputs");
        let mut rs = fresh();
        let sample: Vec<f64> = (0..8).map(|_| rs.random_sample()).collect();
        let want = floats(&case["random_sample"]);
        assert!(
            sample
                .iter()
                .zip(&want)
                .all(|(a, b)| a.to_bits() == b.to_bits()),
            "seed {seed}: random_sample {sample:?} vs {want:?}"
        );
        for r in case["randint"].as_array().expect("randint") {
            let (low, high) = (r["low"].as_i64().unwrap(), r["high"].as_i64().unwrap());
            let mut rs = fresh();
            let got: Vec<i128> = (0..12)
                .map(|_| i128::from(rs.randint(low, high).unwrap()))
                .collect();
            assert_eq!(
                got,
                ints(&r["values"]),
                "seed {seed}: randint({low}, {high})"
            );
        }
        for (n, want) in case["permutation"].as_object().expect("permutations") {
            let n: usize = n.parse().unwrap();
            let got: Vec<i128> = fresh()
                .permutation(n)
                .into_iter()
                .map(|v| v as i128)
                .collect();
            assert_eq!(got, ints(want), "seed {seed}: permutation({n})");
        }
        // Two arrays from one generator, as the denoising example draws its noise.
        let mut rs = fresh();
        for part in ["train", "test"] {
            let want = ints(&case["noise"][part]);
            let got: Vec<i128> = rs
                .randints(0, 100)
                .unwrap()
                .take(want.len())
                .map(i128::from)
                .collect();
            assert_eq!(got, want, "seed {seed}: noise for {part}");
        }
        // The same two arrays drawn into `u16`s.
        let mut rs = fresh();
        for part in ["train", "test"] {
            let want = ints(&case["noise"][part]);
            let mut got = vec![0u16; want.len()];
            rs.randints(0, 100).unwrap().fill_u16(&mut got).unwrap();
            let got: Vec<i128> = got.into_iter().map(i128::from).collect();
            assert_eq!(got, want, "seed {seed}: u16 noise for {part}");
        }
        // `multinomial(1, pvals, size=40)`, one row at a time from one generator.
        for m in case["multinomial"].as_array().expect("multinomial") {
            let pvals = floats(&m["pvals"]);
            let mut rs = fresh();
            let got: Vec<i128> = (0..40)
                .map(|_| rs.multinomial_one(&pvals).unwrap() as i128)
                .collect();
            assert_eq!(got, ints(&m["index"]), "seed {seed}: multinomial {pvals:?}");
        }
        // One generator through a mixed sequence of calls: the state carries over.
        let mut rs = fresh();
        for step in case["mixed"].as_array().expect("mixed") {
            let (what, value) = (step[0].as_str().unwrap(), &step[1]);
            match what {
                "randint" => assert_eq!(
                    i128::from(rs.randint(0, 7).unwrap()),
                    i128::from(value.as_i64().unwrap()),
                    "seed {seed}: mixed randint"
                ),
                "random_sample" => assert_eq!(
                    rs.random_sample().to_bits(),
                    value.as_f64().unwrap().to_bits(),
                    "seed {seed}: mixed random_sample"
                ),
                "shuffle" => {
                    let mut x: Vec<i128> = (0..9).collect();
                    rs.shuffle(&mut x);
                    assert_eq!(x, ints(value), "seed {seed}: mixed shuffle");
                }
                other => panic!("unknown step {other}"),
            }
        }
    }
}

#[test]
fn seeds_outside_numpys_range_and_empty_ranges_are_errors() {
    assert_eq!(RandomState::new(-1).unwrap_err(), Error::SeedOutOfRange(-1));
    assert!(RandomState::new(1i128 << 32).is_err());
    assert!(RandomState::new(u32::MAX).is_ok());
    let mut rs = RandomState::new(0).unwrap();
    assert_eq!(
        rs.randint(3, 3).unwrap_err(),
        Error::EmptyRange { low: 3, high: 3 }
    );
    assert!(rs.randint(i64::MIN, i64::MAX).is_ok());
    assert!(rs.randints(5, 2).is_err());
    assert_eq!(
        rs.randints(4, 5).unwrap().take(3).collect::<Vec<_>>(),
        [4, 4, 4]
    );
}

#[test]
fn probabilities_numpy_refuses_are_errors() {
    let mut rs = RandomState::new(0).unwrap();
    for bad in [
        &[][..],
        &[0.5, -0.1, 0.6],
        &[f64::NAN, 1.0],
        &[0.7, 0.7, 0.0],
        &[1.5],
    ] {
        assert!(
            matches!(rs.multinomial_one(bad), Err(Error::Probabilities(_))),
            "{bad:?}"
        );
    }
    // The last probability is what is left, whatever is written there (as NumPy).
    assert_eq!(rs.multinomial_one(&[0.0, 0.0, 0.2]).unwrap(), 2);
}

#[test]
fn u16_draws_are_the_stream_of_every_range_that_fits() {
    for (low, high) in [
        (0, 1),
        (7, 8),
        (0, 2),
        (0, 100),
        (300, 301),
        (1, 65536),
        (0, 65536),
    ] {
        let mut a = vec![0u16; 5000];
        let mut rs = RandomState::new(3).unwrap();
        rs.randints(low, high).unwrap().fill_u16(&mut a).unwrap();
        let after_a = rs.next_u32();
        let mut b = vec![0i64; 5000];
        let mut rs = RandomState::new(3).unwrap();
        rs.randints(low, high).unwrap().fill(&mut b);
        assert!(
            a.iter().zip(&b).all(|(&a, &b)| i64::from(a) == b),
            "randint({low}, {high})"
        );
        assert_eq!(
            after_a,
            rs.next_u32(),
            "randint({low}, {high}): the state after"
        );
    }
    for (low, high) in [(-1, 5), (0, 65537), (65536, 65537)] {
        let mut rs = RandomState::new(3).unwrap();
        assert_eq!(
            rs.randints(low, high).unwrap().fill_u16(&mut [0; 4]),
            Err(Error::Unrepresentable {
                low,
                high,
                kind: "u16"
            })
        );
    }
}
