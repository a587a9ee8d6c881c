//! Every figure renders as PNG and SVG, with the same bytes each time. Set
//! `CLASSIFY_FIGURES=DIR` to keep them there and look at them.

use classify_plot::{
    normal_deviate, BoxPlot, CellFormat, ConfusionMatrixPlot, DigitQuadrants, LegendPosition,
    LineChart, Marker, Series,
};
use ndarray::Array2;
use sha2::Digest;
use std::path::{Path, PathBuf};

fn out_dir() -> (Option<tempfile::TempDir>, PathBuf) {
    match std::env::var_os("CLASSIFY_FIGURES") {
        Some(d) => (None, PathBuf::from(d)),
        None => {
            let t = tempfile::tempdir().unwrap();
            let p = t.path().to_path_buf();
            (Some(t), p)
        }
    }
}

fn hash(path: &Path) -> Vec<u8> {
    sha2::Sha256::digest(std::fs::read(path).unwrap()).to_vec()
}

/// Writes with `write` twice per format; checks the bytes agree and the file is substantial.
fn check(dir: &Path, name: &str, write: impl Fn(&Path) -> classify_plot::Result<()>) {
    for ext in ["png", "svg"] {
        let a = dir.join(format!("{name}.{ext}"));
        let b = dir.join(format!("{name}-again.{ext}"));
        write(&a).unwrap();
        write(&b).unwrap();
        assert_eq!(hash(&a), hash(&b), "{name}.{ext} is not deterministic");
        assert!(
            std::fs::metadata(&a).unwrap().len() > 2000,
            "{name}.{ext} is nearly empty"
        );
        std::fs::remove_file(&b).unwrap();
    }
    let svg = std::fs::read_to_string(dir.join(format!("{name}.svg"))).unwrap();
    assert!(svg.contains("<text"), "{name}.svg has no text");
}

fn curve(n: usize, f: impl Fn(f64) -> f64) -> (Vec<f64>, Vec<f64>) {
    let x: Vec<f64> = (0..=n).map(|i| i as f64 / n as f64).collect();
    let y = x.iter().map(|&v| f(v)).collect();
    (x, y)
}

#[test]
fn curves_boxes_matrices_and_quadrants() {
    let (_keep, dir) = out_dir();
    let (t, p) = curve(50, |v| 0.5 + 0.5 * v.powf(0.5));
    let (_, r) = curve(50, |v| 1.0 - v * v);
    let mut pr = LineChart::new(
        "Precision and recall versus the threshold",
        "Threshold",
        "Value",
    );
    pr.series.push(Series::new("Precision", t.clone(), p));
    pr.series.push(Series {
        dashed: true,
        ..Series::new("Recall", t, r)
    });
    pr.vlines.push((0.6, "threshold 0.60".into()));
    pr.markers.push(Marker {
        x: 0.6,
        y: 0.5 + 0.5 * 0.6f64.sqrt(),
        label: "90 % precision".into(),
    });
    pr.y_range = Some((0.0, 1.0));
    check(&dir, "threshold", |path| pr.write(path));

    let mut roc = LineChart::new(
        "ROC curve",
        "False positive rate",
        "True positive rate (recall)",
    );
    let (f, tp) = curve(40, |v| v.powf(0.2));
    let (_, tp2) = curve(40, |v| v.powf(0.5));
    roc.series.push(Series::new("Random forest", f.clone(), tp));
    roc.series.push(Series::new("SGD", f, tp2));
    roc.diagonal = Some("Random classifier".into());
    roc.legend = LegendPosition::LowerRight;
    roc.x_range = Some((0.0, 1.0));
    roc.y_range = Some((0.0, 1.0));
    check(&dir, "roc", |path| roc.write(path));

    let boxes = BoxPlot {
        title: "Accuracy per fold".into(),
        y_label: "Accuracy".into(),
        groups: vec![
            ("SVC".into(), vec![0.81, 0.83, 0.86, 0.79, 0.84]),
            (
                "Random forest".into(),
                vec![0.80, 0.82, 0.81, 0.78, 0.85, 0.83],
            ),
        ],
    };
    check(&dir, "boxes", |path| boxes.write(path));

    let counts: Vec<Vec<f64>> = (0..10)
        .map(|i| {
            (0..10)
                .map(|j| {
                    if i == j {
                        900.0 + i as f64
                    } else {
                        ((i * 7 + j * 3) % 40) as f64
                    }
                })
                .collect()
        })
        .collect();
    let labels: Vec<String> = (0..10).map(|i| i.to_string()).collect();
    let cm = ConfusionMatrixPlot {
        title: "Confusion matrix".into(),
        matrix: counts.clone(),
        labels: labels.clone(),
        format: CellFormat::Counts,
    };
    check(&dir, "confusion", |path| cm.write(path));
    let errors: Vec<Vec<f64>> = counts
        .iter()
        .enumerate()
        .map(|(i, r)| {
            let s: f64 = r
                .iter()
                .enumerate()
                .filter(|&(j, _)| j != i)
                .map(|(_, v)| v)
                .sum();
            r.iter()
                .enumerate()
                .map(|(j, v)| if i == j { 0.0 } else { v / s })
                .collect()
        })
        .collect();
    let pct = ConfusionMatrixPlot {
        title: "Errors normalised by row".into(),
        matrix: errors,
        labels,
        format: CellFormat::Percent,
    };
    check(&dir, "confusion-errors", |path| pct.write(path));

    let img = |seed: usize| {
        Array2::from_shape_fn((12, 784), |(i, j)| {
            let (y, x) = ((j / 28) as isize, (j % 28) as isize);
            if (x - 14).abs() + (y - 14).abs() < 6 + ((i + seed) % 5) as isize {
                200
            } else {
                0
            }
        })
    };
    let (a, b, c, d) = (img(0), img(1), img(2), img(3));
    let quads = DigitQuadrants {
        groups: [a.view(), b.view(), c.view(), d.view()],
        captions: [
            "true 3, predicted 3".into(),
            "true 3, predicted 5".into(),
            "true 5, predicted 3".into(),
            "true 5, predicted 5".into(),
        ],
        shape: [28, 28],
        per_row: 5,
        scale: 2,
    };
    check(&dir, "errors", |path| quads.write(path));
}

/// `normal_deviate` is scipy's `norm.ppf` to 1e-8 (values from scipy 1.x), and the DET chart
/// draws on its scale with its own tick labels.
#[test]
fn det_chart_on_the_normal_deviate_scale() {
    for (p, scipy) in [
        (1e-10, -6.361340902404056),
        (0.001, -3.090232306167813),
        (0.02, -2.053748910631823),
        (0.2, -0.8416212335729142),
        (0.5, 0.0),
        (0.975, 1.959963984540054),
        (0.999, 3.090232306167813),
        (1.0 - 1e-12, 7.0344869100478356),
    ] {
        let ours = normal_deviate(p);
        assert!(
            (ours - scipy).abs() <= 1e-8 * scipy.abs().max(1.0),
            "{p}: {ours} vs {scipy}"
        );
    }
    assert_eq!(normal_deviate(0.0), f64::NEG_INFINITY);
    assert_eq!(normal_deviate(1.0), f64::INFINITY);
    assert!(normal_deviate(1.5).is_nan() && normal_deviate(f64::NAN).is_nan());
    let (_keep, dir) = out_dir();
    let mut det = LineChart::det("DET curves");
    let fpr: Vec<f64> = (0..=40).map(|i| 1.0 - i as f64 / 40.0).collect();
    let fnr: Vec<f64> = fpr.iter().map(|f| (1.0 - f).powi(3)).collect();
    det.push_det("model", &fpr, &fnr);
    let labels: Vec<&str> = det
        .x_ticks
        .as_ref()
        .unwrap()
        .iter()
        .map(|(_, l)| l.as_str())
        .collect();
    assert_eq!(
        labels,
        ["0.1%", "1%", "5%", "20%", "50%", "80%", "95%", "99%", "99.9%"]
    );
    check(&dir, "det", |p| det.write(p));
    let svg = std::fs::read_to_string(dir.join("det.svg")).unwrap();
    // Ticks outside −3..3 (0.1 % and 99.9 %) are not shown, as matplotlib.
    assert!(
        svg.contains("\n99%\n") && !svg.contains("99.9%") && svg.contains("False negative rate")
    );
}

#[test]
fn bad_input_is_an_error() {
    let dir = tempfile::tempdir().unwrap();
    let cm = ConfusionMatrixPlot {
        title: String::new(),
        matrix: vec![vec![1.0, 2.0]],
        labels: vec!["a".into()],
        format: CellFormat::Counts,
    };
    assert!(cm.write(dir.path().join("x.png")).is_err());
    let mut c = LineChart::new("", "", "");
    c.series.push(Series::new("bad", vec![1.0], vec![]));
    assert!(c.write(dir.path().join("x.png")).is_err());
    assert!(LineChart::new("", "", "")
        .write(dir.path().join("x.gif"))
        .is_err());
    let b = BoxPlot {
        title: String::new(),
        y_label: String::new(),
        groups: vec![("a".into(), vec![f64::NAN])],
    };
    assert!(b.write(dir.path().join("x.svg")).is_err());
}
