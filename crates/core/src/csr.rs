//! Sparse rows: a compressed-sparse-row matrix (SciPy's `csr_matrix`), the input of models
//! that take word counts.

use ndarray::Array2;
use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};

/// A sparse matrix in compressed sparse row form (as SciPy's `csr_matrix`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Csr {
    n_cols: usize,
    indptr: Vec<usize>,
    indices: Vec<u32>,
    data: Vec<f64>,
}

impl Csr {
    /// Builds a matrix from rows of `(column, value)` pairs (columns in any order, no
    /// repeats); `n_cols` columns.
    pub fn from_rows<R>(n_cols: usize, rows: impl IntoIterator<Item = R>) -> Result<Csr>
    where
        R: IntoIterator<Item = (usize, f64)>,
    {
        let mut m = Csr {
            n_cols,
            indptr: vec![0],
            indices: Vec::new(),
            data: Vec::new(),
        };
        for (r, row) in rows.into_iter().enumerate() {
            let mut entries: Vec<(usize, f64)> = row.into_iter().collect();
            entries.sort_unstable_by_key(|e| e.0);
            for (i, &(c, v)) in entries.iter().enumerate() {
                if c >= n_cols {
                    return Err(Error::InvalidParameter(format!(
                        "row {r}: column {c} outside {n_cols} columns"
                    )));
                }
                if i > 0 && entries[i - 1].0 == c {
                    return Err(Error::InvalidParameter(format!(
                        "row {r}: column {c} given twice"
                    )));
                }
                if !v.is_finite() {
                    return Err(Error::NonFinite { row: r, col: c });
                }
                m.indices.push(c as u32);
                m.data.push(v);
            }
            m.indptr.push(m.indices.len());
        }
        Ok(m)
    }

    /// Number of rows.
    pub fn n_rows(&self) -> usize {
        self.indptr.len() - 1
    }

    /// Number of columns.
    pub fn n_cols(&self) -> usize {
        self.n_cols
    }

    /// Number of stored values.
    pub fn nnz(&self) -> usize {
        self.data.len()
    }

    /// The stored `(column, value)` pairs of row `r`.
    pub fn row(&self, r: usize) -> impl Iterator<Item = (usize, f64)> + '_ {
        let (a, b) = (self.indptr[r], self.indptr[r + 1]);
        self.indices[a..b]
            .iter()
            .zip(&self.data[a..b])
            .map(|(&c, &v)| (c as usize, v))
    }

    /// The rows `rows`, in that order.
    pub fn select(&self, rows: &[usize]) -> Csr {
        let mut m = Csr {
            n_cols: self.n_cols,
            indptr: vec![0],
            indices: Vec::new(),
            data: Vec::new(),
        };
        for &r in rows {
            let (a, b) = (self.indptr[r], self.indptr[r + 1]);
            m.indices.extend_from_slice(&self.indices[a..b]);
            m.data.extend_from_slice(&self.data[a..b]);
            m.indptr.push(m.indices.len());
        }
        m
    }

    /// A dense copy.
    pub fn to_dense(&self) -> Array2<f32> {
        let mut out = Array2::zeros((self.n_rows(), self.n_cols));
        for r in 0..self.n_rows() {
            for (c, v) in self.row(r) {
                out[[r, c]] = v as f32;
            }
        }
        out
    }
}
