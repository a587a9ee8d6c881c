//! A grown tree: its nodes (a split, or a leaf pointing at its class fractions), the leaf
//! values, the features' importances; checked when read from a file.

use serde::{Deserialize, Serialize};

use classify_core::{Error, Result};

/// Marks a leaf in [`Node::feature`].
pub(super) const LEAF: u32 = u32::MAX;

/// One node: a split (`feature`, `threshold`, children) or a leaf (`left` is the offset of its
/// class distribution).
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub(super) struct Node {
    pub(super) feature: u32,
    pub(super) left: u32,
    pub(super) right: u32,
    /// Samples with `x[feature] <= threshold` go left.
    pub(super) threshold: f64,
}

/// The fitted structure shared by trees and forests (classes live in the owner).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub(crate) struct Tree {
    pub(super) nodes: Vec<Node>,
    /// Class fractions of each leaf, `n_classes` per leaf (`f64`, as scikit-learn's
    /// `tree_.value`: the forest's mean is then scikit-learn's to the last bit).
    pub(super) values: Vec<f64>,
    /// Weighted impurity decrease per feature (unnormalised).
    pub(super) importances: Vec<f64>,
    pub(super) depth: usize,
}

impl Tree {
    /// Checks a deserialised tree: every child after its parent and inside the tree (so a
    /// descent ends), every split feature below `n_features`, every leaf's `n_classes`
    /// values inside `values`.
    pub(crate) fn check(&self, n_features: usize, n_classes: usize) -> Result<()> {
        let bad = |why: String| {
            Err(Error::InvalidParameter(format!(
                "tree in a model file: {why}"
            )))
        };
        if self.nodes.is_empty() || n_classes == 0 || n_features == 0 {
            return bad(format!(
                "{} nodes, {n_classes} classes, {n_features} features",
                self.nodes.len()
            ));
        }
        if self.importances.len() != n_features {
            return bad(format!(
                "{} importances for {n_features} features",
                self.importances.len()
            ));
        }
        for (i, n) in self.nodes.iter().enumerate() {
            if n.feature == LEAF {
                if n.left as usize + n_classes > self.values.len() {
                    return bad(format!("leaf {i} points past the leaf values"));
                }
            } else if n.feature as usize >= n_features {
                return bad(format!(
                    "node {i} splits on feature {} of {n_features}",
                    n.feature
                ));
            } else {
                let inside = |c: u32| (c as usize) > i && (c as usize) < self.nodes.len();
                if !inside(n.left) || !inside(n.right) {
                    return bad(format!("node {i} has children {} and {}", n.left, n.right));
                }
            }
        }
        Ok(())
    }

    pub(crate) fn n_leaves(&self) -> usize {
        self.nodes.iter().filter(|n| n.feature == LEAF).count()
    }

    /// Each node's split, in node order; `None` for a leaf.
    pub(crate) fn splits(&self) -> Vec<Option<(usize, f64)>> {
        self.nodes
            .iter()
            .map(|n| (n.feature != LEAF).then_some((n.feature as usize, n.threshold)))
            .collect()
    }

    /// Importances normalised to sum 1 (all zero for a single leaf).
    pub(crate) fn normalised_importances(&self) -> Vec<f64> {
        let total: f64 = self.importances.iter().sum();
        self.importances
            .iter()
            .map(|&v| if total > 0.0 { v / total } else { 0.0 })
            .collect()
    }
}

impl Tree {
    /// Appends a leaf holding the class fractions of `counts`.
    pub(super) fn push_leaf(&mut self, counts: &[u64]) {
        let total: u64 = counts.iter().sum();
        let at = self.values.len() as u32;
        self.values
            .extend(counts.iter().map(|&c| c as f64 / total as f64));
        self.nodes.push(Node {
            feature: LEAF,
            left: at,
            right: at,
            threshold: 0.0,
        });
    }
}
