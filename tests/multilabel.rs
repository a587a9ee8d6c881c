//! `classify multiclass --strategy`, `classify multilabel`, `classify denoise`.

use crate::util::classify;

#[test]
fn multiclass_strategies_report_scores_and_estimators() {
    let tmp = tempfile::tempdir().unwrap();
    let run = |extra: &[&str]| {
        let mut args = vec!["multiclass", "--train", "1000", "--cv", "2", "--json"];
        args.extend_from_slice(extra);
        classify(tmp.path(), &args).json()
    };
    for (extra, strategy, n) in [
        (&["--model", "svc"][..], "native (one-vs-one)", 45),
        (
            &["--model", "svc", "--strategy", "ovr"][..],
            "one-vs-rest",
            10,
        ),
        (
            &["--model", "sgd", "--strategy", "ovo"][..],
            "one-vs-one",
            45,
        ),
        (&["--model", "sgd"][..], "native (one-vs-rest)", 10),
    ] {
        let v = run(extra);
        assert_eq!(v["strategy"], strategy, "{v}");
        assert_eq!(v["n_estimators"], n, "{v}");
        assert_eq!(v["classes"].as_array().unwrap().len(), 10);
        let scores: Vec<f64> = v["image"]["scores"]
            .as_array()
            .unwrap()
            .iter()
            .map(|s| s.as_f64().unwrap())
            .collect();
        assert_eq!(scores.len(), 10);
        // The predicted class has the top score.
        let top = (0..10).fold(0, |b, j| if scores[j] > scores[b] { j } else { b });
        assert_eq!(v["image"]["predicted"], top, "{v}");
        assert!(v["test_accuracy"].as_f64().unwrap() > 0.8, "{v}");
    }
    let e = classify(
        tmp.path(),
        &["multiclass", "--model", "forest", "--strategy", "ovr"],
    );
    assert!(e.err().contains("--strategy"));
}

#[test]
fn multilabel_knn_and_chain() {
    let tmp = tempfile::tempdir().unwrap();
    let v = classify(tmp.path(), &["multilabel", "--json"]).json();
    // Image 0 of the sample is a 9: large and odd.
    assert_eq!(v["image"]["digit"], 9);
    assert_eq!(v["image"]["truth"], serde_json::json!([1, 1]));
    assert_eq!(v["image"]["predicted"], serde_json::json!([1, 1]));
    let macro_f1 = v["f1_macro"].as_f64().unwrap();
    assert!(macro_f1 >= 0.95, "{v}");
    assert!(v["f1_weighted"].as_f64().unwrap() >= macro_f1 - 0.02);
    let c = classify(
        tmp.path(),
        &["multilabel", "--chain", "sgd", "--train", "1500", "--json"],
    )
    .json();
    assert!(c["model"].as_str().unwrap().contains("chain"));
    assert!(c["f1_macro"].as_f64().unwrap() > 0.75, "{c}");
}

#[test]
fn denoise_removes_the_noise() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("figs/denoise.png");
    let v = classify(
        tmp.path(),
        &[
            "denoise",
            "--test-images",
            "100",
            "--index",
            "4",
            "--out",
            out.to_str().unwrap(),
            "--json",
        ],
    )
    .json();
    let f = |k: &str| v[k].as_f64().unwrap();
    // Uniform noise 0–99 has an RMSE of about 57.
    assert!((f("rmse_noisy") - 57.3).abs() < 1.0, "{v}");
    assert!(f("rmse_denoised") < f("rmse_noisy"), "{v}");
    assert!(
        f("rmse_background_denoised") < 0.3 * f("rmse_background_noisy"),
        "{v}"
    );
    assert!(f("psnr_denoised_db") > f("psnr_noisy_db"));
    let png = std::fs::read(&out).unwrap();
    assert_eq!(&png[1..4], b"PNG");
    // --save-noisy: the noisy inputs as NumPy files (header, then uint16 values).
    let dir = tmp.path().join("noisy");
    classify(
        tmp.path(),
        &[
            "denoise",
            "--test-images",
            "20",
            "--save-noisy",
            dir.to_str().unwrap(),
            "--json",
        ],
    )
    .json();
    let npy = std::fs::read(dir.join("noisy-test.npy")).unwrap();
    assert_eq!(&npy[..8], b"\x93NUMPY\x01\x00");
    let header_len = usize::from(u16::from_le_bytes([npy[8], npy[9]]));
    let header = std::str::from_utf8(&npy[10..10 + header_len]).unwrap();
    assert!(
        header.contains("'<u2'") && header.contains("(20, 784)"),
        "{header}"
    );
    assert_eq!((10 + header_len) % 64, 0);
    assert_eq!(npy.len(), 10 + header_len + 20 * 784 * 2);
    let values = npy[10 + header_len..]
        .chunks_exact(2)
        .map(|b| u16::from_le_bytes([b[0], b[1]]));
    assert!(values.clone().all(|v| v < 255 + 100) && values.clone().any(|v| v > 0));
    // The book's noise for the default seed 42: `np.random.seed(42)` then
    // `randint(0, 100, X_train.shape)`, whose first values are 51, 92, 14, 71, 60 (the
    // first training image's top-left pixels are blank).
    let train = std::fs::read(dir.join("noisy-train.npy")).unwrap();
    let first: Vec<u16> = train[10 + header_len..10 + header_len + 10]
        .chunks_exact(2)
        .map(|b| u16::from_le_bytes([b[0], b[1]]))
        .collect();
    assert_eq!(first, [51, 92, 14, 71, 60]);
    // A file where the folder should be is an error.
    let file = tmp.path().join("a-file");
    std::fs::write(&file, b"x").unwrap();
    let failed = classify(
        tmp.path(),
        &[
            "denoise",
            "--test-images",
            "5",
            "--quiet",
            "--save-noisy",
            file.to_str().unwrap(),
        ],
    );
    assert_ne!(failed.code, 0);
    assert!(failed.stderr.contains("not a folder"), "{}", failed.stderr);
}
