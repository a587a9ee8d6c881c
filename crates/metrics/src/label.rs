//! What a class label can be.

use std::fmt::{Debug, Display};

/// A class label: any ordered, printable value (integers, `bool`, `char`, `String`, `&str`).
///
/// Labels are kept sorted, as scikit-learn's `np.unique` sorts them.
/// [`Label::as_int`] says whether the label is a number, which decides the default positive
/// label (`1`) and whether a curve may infer it (labels {0, 1} or {-1, 1}).
pub trait Label: Ord + Clone + Debug + Display {
    /// The label as an integer, if it is one (`bool` counts as 0/1, as in NumPy).
    fn as_int(&self) -> Option<i128>;
}

macro_rules! int_label {
    ($($t:ty),*) => {$(
        impl Label for $t {
            fn as_int(&self) -> Option<i128> {
                Some(*self as i128)
            }
        }
    )*};
}
int_label!(u8, u16, u32, u64, usize, i8, i16, i32, i64, isize);

impl Label for bool {
    fn as_int(&self) -> Option<i128> {
        Some(i128::from(*self))
    }
}

impl Label for char {
    fn as_int(&self) -> Option<i128> {
        None
    }
}

impl Label for String {
    fn as_int(&self) -> Option<i128> {
        None
    }
}

impl Label for &str {
    fn as_int(&self) -> Option<i128> {
        None
    }
}

/// The sorted distinct labels of one or more label slices.
///
/// One pass with a small sorted set: O(n log k) for k distinct labels, no copy of the input.
pub fn unique_labels<L: Label>(slices: &[&[L]]) -> Vec<L> {
    let mut set: Vec<L> = Vec::new();
    for slice in slices {
        let mut last: Option<&L> = None;
        for label in slice.iter() {
            if last == Some(label) {
                continue;
            }
            if let Err(pos) = set.binary_search(label) {
                set.insert(pos, label.clone());
            }
            last = Some(label);
        }
    }
    set
}

/// The classes a metric of scores or probabilities works with: the sorted distinct `labels`
/// when given (every label of `y_true` must be among them), else those of `y_true`.
pub(crate) fn classes_of<L: Label>(y_true: &[L], labels: Option<&[L]>) -> crate::Result<Vec<L>> {
    let Some(given) = labels else {
        return Ok(unique_labels(&[y_true]));
    };
    let classes = unique_labels(&[given]);
    match y_true.iter().find(|l| classes.binary_search(l).is_err()) {
        Some(bad) => Err(crate::Error::InvalidArgument(format!(
            "y_true holds {bad:?}, which is not one of the labels {}",
            list(&classes)
        ))),
        None => Ok(classes),
    }
}

/// `[a, b, c]` for messages.
pub(crate) fn list<L: Display>(labels: &[L]) -> String {
    let items: Vec<String> = labels.iter().map(|l| l.to_string()).collect();
    format!("[{}]", items.join(", "))
}

/// The positive label when none is given: `1` if the labels are numeric and a subset of
/// {0, 1} or {-1, 1} (scikit-learn's `_check_pos_label_consistency`).
///
/// `Ok(None)` means the positive label (1) is absent: no sample is positive.
pub(crate) fn infer_pos_label<L: Label>(present: &[L]) -> crate::Result<Option<L>> {
    let ints: Option<Vec<i128>> = present.iter().map(Label::as_int).collect();
    let ok = matches!(ints.as_deref(), Some([0, 1] | [-1, 1] | [0] | [-1] | [1]));
    if !ok {
        return Err(crate::Error::PosLabelRequired {
            present: list(present),
        });
    }
    Ok(present.iter().find(|l| l.as_int() == Some(1)).cloned())
}
