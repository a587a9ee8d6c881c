//! `classify train --save` then `classify predict --model FILE image.png`.

use crate::util::{classify, classify_in};

/// Without `--save`, `classify train` fits and scores, and writes nothing where it runs.
#[test]
fn train_writes_a_file_only_where_asked() {
    let tmp = tempfile::tempdir().unwrap();
    let v = classify_in(
        tmp.path(),
        &["train", "--model", "sgd", "--train", "500", "--json"],
    )
    .json();
    assert_eq!(v["saved"], serde_json::Value::Null, "{v}");
    assert!(v["test_accuracy"].as_f64().unwrap() > 0.7, "{v}");
    let text = classify_in(tmp.path(), &["train", "--model", "sgd", "--train", "500"]);
    assert!(
        text.ok()
            .contains("not saved (--save FILE writes the model)"),
        "{}",
        text.stdout
    );
    let left: Vec<_> = std::fs::read_dir(tmp.path()).unwrap().flatten().collect();
    assert!(left.is_empty(), "{left:?}");
}

#[test]
fn a_saved_model_reads_a_picture() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    let model = dir.join("models/forest.classify");
    let m = model.to_str().unwrap();
    let t = classify(
        dir,
        &[
            "train", "--model", "forest", "--train", "2000", "--save", m, "--json",
        ],
    )
    .json();
    assert_eq!(t["n_train"], 2000);
    assert!(t["test_accuracy"].as_f64().unwrap() > 0.85, "{t}");
    // Test digits drawn as the book draws them (dark ink on white, 224 × 224 pixels): the
    // picture must be turned back into an MNIST-style 28 × 28 image to be read.
    let mut right = 0;
    for index in 0..10 {
        let png = dir.join(format!("digit{index}.png"));
        let p = png.to_str().unwrap();
        let shown = classify(
            dir,
            &[
                "data",
                "show",
                "--test",
                "--index",
                &index.to_string(),
                "--out",
                p,
                "--json",
            ],
        )
        .json();
        let v = classify(dir, &["predict", "--model", m, p, "--json"]).json();
        assert_eq!(v["inverted"], true);
        let probs = v["probabilities"].as_array().unwrap();
        assert_eq!(probs.len(), 10);
        let total: f64 = probs.iter().map(|p| p.as_f64().unwrap()).sum();
        assert!((total - 1.0).abs() < 1e-9);
        right += usize::from(v["predicted"] == shown["label"]);
    }
    assert!(right >= 8, "{right} of 10 read right");
    // The same model as JSON reads the same; the binary file is the smaller.
    let json = dir.join("models/forest-model.json");
    let j = json.to_str().unwrap();
    let tj = classify(
        dir,
        &[
            "train", "--model", "forest", "--train", "2000", "--save", j, "--format", "json",
            "--json",
        ],
    )
    .json();
    assert!(tj["bytes"].as_u64() > t["bytes"].as_u64(), "{tj} vs {t}");
    let png0 = dir.join("digit0.png");
    let from_json = classify(
        dir,
        &["predict", "--model", j, png0.to_str().unwrap(), "--json"],
    )
    .json();
    let from_binary = classify(
        dir,
        &["predict", "--model", m, png0.to_str().unwrap(), "--json"],
    )
    .json();
    assert_eq!(from_json["probabilities"], from_binary["probabilities"]);
    // A damaged binary file: cut short, or a byte changed.
    let bytes = std::fs::read(&model).unwrap();
    let cut = dir.join("cut.classify");
    std::fs::write(&cut, &bytes[..bytes.len() / 2]).unwrap();
    let e = classify(
        dir,
        &[
            "predict",
            "--model",
            cut.to_str().unwrap(),
            png0.to_str().unwrap(),
        ],
    );
    assert!(e.err().contains("truncated"), "{}", e.stderr);
    let mut changed = bytes.clone();
    let last = changed.len() - 1;
    changed[last] ^= 1;
    let bad = dir.join("changed.classify");
    std::fs::write(&bad, &changed).unwrap();
    let e = classify(
        dir,
        &[
            "predict",
            "--model",
            bad.to_str().unwrap(),
            png0.to_str().unwrap(),
        ],
    );
    assert!(e.err().contains("checksum mismatch"), "{}", e.stderr);
    // Bad inputs: not a model, not a PNG, a missing file.
    let junk = dir.join("junk.json");
    std::fs::write(&junk, "{\"format\": 1}").unwrap();
    let png = dir.join("digit0.png");
    let p = png.to_str().unwrap();
    let e = classify(dir, &["predict", "--model", junk.to_str().unwrap(), p]);
    assert!(
        e.err().contains("not a usable classify model file"),
        "{}",
        e.stderr
    );
    let e = classify(dir, &["predict", "--model", m, junk.to_str().unwrap()]);
    assert!(e.err().contains("not a readable PNG"), "{}", e.stderr);
    let e = classify(dir, &["predict", "--model", m, "nope.png"]);
    assert!(e.err().contains("nope.png"), "{}", e.stderr);
}
