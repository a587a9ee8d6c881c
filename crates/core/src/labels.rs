//! Labels of any type as class indices, as scikit-learn's `LabelEncoder` (and every
//! scikit-learn classifier's `classes_`): the distinct labels, sorted.

use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};

/// The sorted distinct labels of a target column; a label's class index is its position.
///
/// ```
/// use classify_core::LabelEncoder;
///
/// let enc = LabelEncoder::fit(&["spam", "ham", "spam"]);
/// assert_eq!(enc.classes(), &["ham", "spam"]);
/// assert_eq!(enc.transform(&["spam", "ham"])?, vec![1, 0]);
/// assert!(enc.transform(&["eggs"]).is_err());
/// # Ok::<(), classify_core::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LabelEncoder<L> {
    classes: Vec<L>,
}

impl<L: Ord + Clone + std::fmt::Debug> LabelEncoder<L> {
    /// The distinct labels of `labels`, sorted.
    pub fn fit<'a>(labels: impl IntoIterator<Item = &'a L>) -> LabelEncoder<L>
    where
        L: 'a,
    {
        let mut classes: Vec<L> = labels.into_iter().cloned().collect();
        classes.sort_unstable();
        classes.dedup();
        LabelEncoder { classes }
    }

    /// The classes, sorted.
    pub fn classes(&self) -> &[L] {
        &self.classes
    }

    /// The class index of each label; [`Error::UnknownLabel`] for a label not seen by `fit`.
    pub fn transform<'a>(&self, labels: impl IntoIterator<Item = &'a L>) -> Result<Vec<usize>>
    where
        L: 'a,
    {
        labels
            .into_iter()
            .map(|l| {
                self.classes
                    .binary_search(l)
                    .map_err(|_| Error::UnknownLabel(format!("{l:?}")))
            })
            .collect()
    }

    /// The label of class index `i`; [`Error::UnknownLabel`] when there is no such class.
    pub fn label(&self, i: usize) -> Result<&L> {
        self.classes.get(i).ok_or_else(|| {
            Error::UnknownLabel(format!(
                "class index {i} (the encoder has {} classes)",
                self.classes.len()
            ))
        })
    }
}
