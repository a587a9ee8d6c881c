//! A grown tree: its nodes (a split, or a leaf pointing at its class fractions), the leaf
//! values, the features' importances; checked when read from a file.

use serde::{Deserialize, Serialize};

use classify_core::{Error, Result};

/// Marks a leaf in [`Node::feature`].
pub(super) const LEAF: u32 = u32::MAX;

/// One node: a split (`feature`, `threshold`, children) or a leaf (`left` is the offset of its
/// class distribution).
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub(crate) struct Node {
    pub(super) feature: u32,
    pub(super) left: u32,
    pub(super) right: u32,
    /// Samples with `x[feature] <= threshold` go left.
    pub(super) threshold: f64,
}

/// What a node held when it was grown: its training samples (distinct rows), their weight
/// and its impurity (scikit-learn's `tree_.n_node_samples`, `weighted_n_node_samples` and
/// `impurity`).
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub(crate) struct NodeStats {
    pub(crate) samples: u32,
    pub(crate) weight: f64,
    pub(crate) impurity: f64,
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
    /// One per node, in node order (empty in model files written before they were kept).
    #[serde(default)]
    pub(super) stats: Vec<NodeStats>,
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
        if !self.stats.is_empty() && self.stats.len() != self.nodes.len() {
            return bad(format!(
                "{} node statistics for {} nodes",
                self.stats.len(),
                self.nodes.len()
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

    /// The tree as scikit-learn's `tree_` arrays, if its nodes' statistics were kept.
    pub(crate) fn structure(&self, n_classes: usize) -> Option<TreeStructure> {
        if self.stats.len() != self.nodes.len() {
            return None;
        }
        let n = self.nodes.len();
        let mut value = vec![0.0; n * n_classes];
        // Children come after their parents: fill from the last node back.
        for i in (0..n).rev() {
            let node = self.nodes[i];
            if node.feature == LEAF {
                let at = node.left as usize;
                value[i * n_classes..(i + 1) * n_classes]
                    .copy_from_slice(&self.values[at..at + n_classes]);
            } else {
                let (l, r) = (node.left as usize, node.right as usize);
                let (wl, wr) = (self.stats[l].weight, self.stats[r].weight);
                let total = wl + wr;
                for c in 0..n_classes {
                    let v = wl * value[l * n_classes + c] + wr * value[r * n_classes + c];
                    value[i * n_classes + c] = if total > 0.0 { v / total } else { 0.0 };
                }
            }
        }
        let child = |c: u32, leaf: bool| if leaf { -1 } else { i64::from(c) };
        Some(TreeStructure {
            children_left: self
                .nodes
                .iter()
                .map(|n| child(n.left, n.feature == LEAF))
                .collect(),
            children_right: self
                .nodes
                .iter()
                .map(|n| child(n.right, n.feature == LEAF))
                .collect(),
            feature: self
                .nodes
                .iter()
                .map(|n| {
                    if n.feature == LEAF {
                        -2
                    } else {
                        i64::from(n.feature)
                    }
                })
                .collect(),
            threshold: self
                .nodes
                .iter()
                .map(|n| if n.feature == LEAF { -2.0 } else { n.threshold })
                .collect(),
            n_node_samples: self.stats.iter().map(|s| i64::from(s.samples)).collect(),
            weighted_n_node_samples: self.stats.iter().map(|s| s.weight).collect(),
            impurity: self.stats.iter().map(|s| s.impurity).collect(),
            value,
            max_depth: self.depth,
        })
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

/// A fitted tree's nodes as scikit-learn's `tree_` lays them out: node `i`'s children (−1
/// for a leaf), split feature (−2 for a leaf) and threshold (−2 for a leaf; a row goes left
/// where its value is at most the threshold), training samples, their weight, impurity, and
/// class fractions (`value`, `n_classes` per node, the weighted shares of the node's training
/// samples).
#[derive(Debug, Clone, PartialEq)]
pub struct TreeStructure {
    /// Each node's left child, −1 for a leaf.
    pub children_left: Vec<i64>,
    /// Each node's right child, −1 for a leaf.
    pub children_right: Vec<i64>,
    /// Each node's split feature, −2 for a leaf.
    pub feature: Vec<i64>,
    /// Each node's threshold, −2 for a leaf.
    pub threshold: Vec<f64>,
    /// Training rows that reached each node.
    pub n_node_samples: Vec<i64>,
    /// Their weight (bootstrap counts times class weights).
    pub weighted_n_node_samples: Vec<f64>,
    /// Each node's impurity (the criterion's).
    pub impurity: Vec<f64>,
    /// `n_classes` class fractions per node.
    pub value: Vec<f64>,
    /// The deepest leaf's depth.
    pub max_depth: usize,
}

impl Tree {
    /// Appends a leaf holding the class fractions of `weights`.
    pub(super) fn push_leaf(&mut self, weights: &[f64]) {
        let total: f64 = weights.iter().sum();
        let at = self.values.len() as u32;
        // A leaf of weight 0 (its classes all weighted 0) predicts no class (all zero), as
        // scikit-learn's normalised probabilities are then.
        self.values.extend(
            weights
                .iter()
                .map(|&c| if total > 0.0 { c / total } else { 0.0 }),
        );
        self.nodes.push(Node {
            feature: LEAF,
            left: at,
            right: at,
            threshold: 0.0,
        });
    }
}
