//! `classify report`: the whole workflow as one page.

use crate::util::classify;

#[test]
fn report_writes_page_figures_and_numbers() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("rep");
    let v = classify(
        tmp.path(),
        &[
            "report",
            "--train",
            "3000",
            "--out",
            out.to_str().unwrap(),
            "--json",
        ],
    )
    .json();
    let figures: Vec<String> = v["figures"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f.as_str().unwrap().to_string())
        .collect();
    assert_eq!(figures.len(), 14);
    let html = std::fs::read_to_string(out.join("index.html")).unwrap();
    // Self-contained: every figure embedded.
    assert_eq!(html.matches("data:image/png;base64,").count(), 14);
    for f in &figures {
        let png = std::fs::read(out.join(f)).unwrap();
        assert_eq!(&png[1..4], b"PNG", "{f}");
    }
    let saved: serde_json::Value =
        serde_json::from_slice(&std::fs::read(out.join("results.json")).unwrap()).unwrap();
    assert_eq!(saved, v);
    assert_eq!(v["n_train"], 3000);
    let d = &v["detector"];
    assert!(d["roc_auc"].as_f64().unwrap() > 0.9, "{d}");
    assert!(v["forest"]["roc_auc"].as_f64().unwrap() > d["roc_auc"].as_f64().unwrap());
    assert!(v["multiclass"]["svc_test_accuracy"].as_f64().unwrap() > 0.85);
    assert!(v["multilabel"]["f1_macro"].as_f64().unwrap() > 0.9);
    let dn = &v["denoising"];
    assert!(dn["rmse_denoised"].as_f64().unwrap() < dn["rmse_noisy"].as_f64().unwrap());
    // Same seed, same figures, byte for byte.
    let again = tmp.path().join("again");
    classify(
        tmp.path(),
        &[
            "report",
            "--train",
            "3000",
            "--out",
            again.to_str().unwrap(),
            "--quiet",
        ],
    )
    .ok();
    for f in &figures {
        assert_eq!(
            std::fs::read(out.join(f)).unwrap(),
            std::fs::read(again.join(f)).unwrap(),
            "{f} differs between runs"
        );
    }
}

#[test]
fn workflow_commands_draw_their_figures() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    for (args, file) in [
        (
            vec!["binary", "--train", "1500", "--figure", "roc"],
            "figs/roc.svg",
        ),
        (vec!["binary", "--train", "1500"], "figs/threshold.png"),
        (
            vec!["binary", "--train", "1500", "--figure", "pr"],
            "figs/pr.png",
        ),
        (
            vec!["binary", "--train", "1500", "--figure", "det"],
            "figs/det.svg",
        ),
        (
            vec!["multiclass", "--train", "1500", "--normalize", "pred"],
            "figs/cm.png",
        ),
        (
            vec!["multiclass", "--train", "1500", "--errors-only"],
            "figs/errors.svg",
        ),
    ] {
        let out = dir.join(file);
        let mut all = args.clone();
        all.extend(["--json", "--out", out.to_str().unwrap()]);
        classify(dir, &all).json();
        let bytes = std::fs::read(&out).unwrap();
        assert!(bytes.len() > 2000, "{file}");
    }
    let svg = std::fs::read_to_string(dir.join("figs/errors.svg")).unwrap();
    assert!(svg.contains("Errors (out of fold)"));
    let det = std::fs::read_to_string(dir.join("figs/det.svg")).unwrap();
    assert!(det.contains("False negative rate") && det.contains("\n95%\n"));
}
