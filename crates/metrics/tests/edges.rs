//! Behaviour the scikit-learn fixture does not cover: other label types, rejected input,
//! the helpers, and the optional features.

use classify_metrics::*;

#[test]
fn bool_and_char_labels() {
    let t = [true, false, true, true];
    let p = [true, true, false, true];
    let prf = precision_recall_fscore_support(&t, &p, &PrfOptions::default()).unwrap();
    assert_eq!(prf.labels, vec![true]);
    assert_eq!(prf.precision.value(), Some(2.0 / 3.0));
    let roc = roc_curve(&t, &[0.9, 0.1, 0.8, 0.7], &CurveOptions::roc()).unwrap();
    assert_eq!(roc.tpr.last(), Some(&1.0));
    let cm = confusion_matrix(&['a', 'b', 'a'], &['a', 'a', 'a']).unwrap();
    assert_eq!(cm.labels(), &['a', 'b']);
}

#[test]
fn rejected_input_is_a_typed_error() {
    assert_eq!(
        roc_curve(&[0, 1], &[0.5, f64::NAN], &CurveOptions::roc()),
        Err(Error::NonFinite {
            what: "scores",
            index: 1
        })
    );
    assert!(matches!(
        accuracy_score(&[1, 2], &[1], None),
        Err(Error::LengthMismatch {
            left: 2,
            right: 1,
            ..
        })
    ));
    assert_eq!(accuracy_score::<u8>(&[], &[], None), Err(Error::Empty));
    assert_eq!(
        roc_auc_score(&[1, 1, 1], &[0.1, 0.2, 0.3], None),
        Err(Error::SingleClass)
    );
    // A zero weight removes the only negative: one class left.
    assert_eq!(
        roc_auc_score(&[0, 1, 1], &[0.1, 0.2, 0.3], Some(&[0.0, 1.0, 1.0])),
        Err(Error::SingleClass)
    );
    assert!(matches!(
        roc_curve(&["a", "b"], &[0.1, 0.2], &CurveOptions::roc()),
        Err(Error::PosLabelRequired { .. })
    ));
    assert!(matches!(
        precision_recall_curve(&[0, 1, 2], &[0.1, 0.2, 0.3], &CurveOptions::pr()),
        Err(Error::NotBinary { .. })
    ));
    assert!(matches!(
        accuracy_score(&[1, 2], &[1, 2], Some(&[1.0, f64::INFINITY])),
        Err(Error::NonFinite {
            what: "sample_weight",
            ..
        })
    ));
    assert!(matches!(
        Indicator::new(&[0, 2], 2),
        Err(Error::InvalidIndicator(_))
    ));
    assert!(matches!(
        calibration_curve(&[0, 1], &[0.2, 1.5], None, 5, BinStrategy::Uniform),
        Err(Error::InvalidScores(_))
    ));
    assert!(matches!(
        roc_auc_score_multiclass(
            &[0, 1, 2],
            &[0.5, 0.5, 0.0, 0.2, 0.2, 0.2, 0.1, 0.1, 0.8],
            None,
            MultiClass::Ovr,
            Average::Macro,
            None
        ),
        Err(Error::InvalidScores(_))
    ));
    // Every error explains itself.
    assert!(Error::NoLabelInTrue.to_string().contains("y_true"));
}

#[test]
fn multiclass_auc_with_explicit_labels() {
    let y = ["b", "a", "c", "a", "b", "c"];
    let p = [
        0.2, 0.7, 0.1, //
        0.8, 0.1, 0.1, //
        0.1, 0.2, 0.7, //
        0.6, 0.3, 0.1, //
        0.3, 0.4, 0.3, //
        0.2, 0.2, 0.6,
    ];
    let labels = ["a", "b", "c"];
    for mc in [MultiClass::Ovr, MultiClass::Ovo] {
        let auc =
            roc_auc_score_multiclass(&y, &p, Some(&labels), mc, Average::Macro, None).unwrap();
        assert_eq!(auc, 1.0, "{mc:?}");
    }
    assert!(roc_auc_score_multiclass(
        &y,
        &p,
        Some(&["c", "b", "a"]),
        MultiClass::Ovr,
        Average::Macro,
        None
    )
    .is_err());
}

#[test]
fn fraction_of_positives_in_a_probability_band() {
    let y = [0, 1, 1, 0, 1];
    let p = [0.1, 0.85, 0.9, 0.82, 0.95];
    assert_eq!(
        fraction_positive_in(&y, &p, None, 0.8, 0.9).unwrap(),
        Some((0.5, 2))
    );
    assert_eq!(fraction_positive_in(&y, &p, None, 0.3, 0.5).unwrap(), None);
}

#[test]
fn per_label_and_weighted_scores() {
    let t = [0, 1, 2, 0, 1, 2];
    let p = [0, 2, 1, 0, 0, 1];
    let per = f1_score(&t, &p, &PrfOptions::average(None)).unwrap();
    assert_eq!(per.values(), &[0.8, 0.0, 0.0]);
    let macro_f1 = f1_score(&t, &p, &PrfOptions::average(Some(Average::Macro))).unwrap();
    assert!((macro_f1.value().unwrap() - 0.8 / 3.0).abs() < 1e-15);
}

#[cfg(feature = "ndarray")]
#[test]
fn confusion_matrix_as_an_array() {
    let cm = confusion_matrix(&[0, 1, 1], &[0, 1, 0]).unwrap();
    assert_eq!(cm.to_array(), ndarray::arr2(&[[1.0, 0.0], [1.0, 1.0]]));
}

#[cfg(feature = "serde")]
#[test]
fn results_serialize() {
    let report = classification_report(&[0, 1], &[0, 1], &ReportOptions::default()).unwrap();
    let json = serde_json::to_value(&report).unwrap();
    assert_eq!(json["accuracy"], 1.0);
}

/// Multiclass curves: bad shapes, NaN, unknown or unsorted labels and a class without
/// positives are typed errors; given labels name the columns.
#[test]
fn multiclass_curves_reject_bad_input() {
    let y = [0, 1, 2, 1];
    let s = [0.7, 0.2, 0.1, 0.1, 0.8, 0.1, 0.2, 0.2, 0.6, 0.3, 0.4, 0.3];
    assert!(roc_curve_micro(&y, &s, None, true).is_ok());
    assert!(matches!(
        roc_curve_micro(&y, &s[..11], None, true),
        Err(Error::InvalidScores(_))
    ));
    let mut nan = s;
    nan[4] = f64::NAN;
    assert!(precision_recall_curve_micro(&y, &nan, None).is_err());
    assert!(matches!(
        roc_curve_micro(&[], &[], None::<&[i32]>, true),
        Err(Error::Empty)
    ));
    assert!(average_precision_score_multiclass(&y, &s, Some(&[2, 1, 0]), Average::Macro).is_err());
    assert!(average_precision_score_multiclass(&y, &s, None, Average::Samples).is_err());
    // A column whose class never occurs: no ROC curve to average.
    let two = [0, 1, 0, 1];
    assert!(matches!(
        roc_curve_macro(&two, &s, Some(&[0, 1, 2])),
        Err(Error::InvalidArgument(_))
    ));
    // Perfect scores: every average is 1.
    let perfect = [1.0, 0.0, 0.0, 0.0, 1.0, 0.0, 0.0, 0.0, 1.0, 0.0, 1.0, 0.0];
    for average in [Average::Micro, Average::Macro, Average::Weighted] {
        assert_eq!(
            average_precision_score_multiclass(&y, &perfect, None, average).unwrap(),
            1.0
        );
    }
    let macro_roc = roc_curve_macro(&y, &perfect, None).unwrap();
    assert_eq!(auc(&macro_roc.fpr, &macro_roc.tpr).unwrap(), 1.0);
}
