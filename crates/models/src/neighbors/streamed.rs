//! The nearest training rows of fixed queries when the training rows come a block at a time
//! (a training set larger than memory): each block searched as a training set of its own,
//! the lists merged.

use ndarray::Array2;
use rayon::prelude::*;

use super::{vote_weights, KNeighborsClassifier, Neighbors};
use classify_core::{top_classes, Error, Estimator, Features, Result};

/// The `n_neighbors` nearest training rows of `n_queries` queries among every block given so
/// far ([`add_block`](Self::add_block)), and the votes among them.
///
/// Each block is searched by the same engine as a fit on it (pruned brute force for pixels),
/// and the lists are merged by distance, then training row, the order a search over all
/// the rows at once keeps: for integer pixels, whose distances are exact, the neighbours
/// and so the predictions equal that search's, whatever the blocks.
///
/// ```
/// use classify_models::{Classifier, Estimator, KNeighborsClassifier, StreamedNeighbors};
/// use ndarray::{array, s};
///
/// let x = array![[0u8, 0], [9, 9], [1, 0], [8, 9], [0, 1], [9, 8]];
/// let y = [0, 1, 0, 1, 0, 1];
/// let q = array![[1u8, 1], [8, 8]];
/// let knn = KNeighborsClassifier { n_neighbors: 3, ..Default::default() };
/// let mut streamed = StreamedNeighbors::new(knn, q.nrows())?;
/// for start in [0, 2, 4] {
///     let block = x.slice(s![start..start + 2, ..]);
///     streamed.add_block(block.into(), &y[start..start + 2], start, (&q).into())?;
/// }
/// let all = knn.fit((&x).into(), &y)?;
/// assert_eq!(streamed.predict()?, all.predict((&q).into())?);
/// assert_eq!(streamed.neighbors()?, all.kneighbors((&q).into(), 3)?);
/// # Ok::<(), classify_models::Error>(())
/// ```
#[derive(Debug, Clone)]
pub struct StreamedNeighbors {
    params: KNeighborsClassifier,
    /// Per query, the best so far: (distance, training row, label), nearest first.
    best: Vec<Vec<(f64, usize, usize)>>,
    rows_seen: usize,
    n_features: Option<usize>,
}

impl StreamedNeighbors {
    /// Nothing seen yet, for `n_queries` queries.
    pub fn new(params: KNeighborsClassifier, n_queries: usize) -> Result<StreamedNeighbors> {
        params.validate()?;
        Ok(StreamedNeighbors {
            params,
            best: vec![Vec::new(); n_queries],
            rows_seen: 0,
            n_features: None,
        })
    }

    /// Training rows seen.
    pub fn rows_seen(&self) -> usize {
        self.rows_seen
    }

    /// Adds the training rows `x` (labels `y`), the first of them training row `first`,
    /// searched for `queries` (the same queries at every call).
    pub fn add_block(
        &mut self,
        x: Features<'_>,
        y: &[usize],
        first: usize,
        queries: Features<'_>,
    ) -> Result<()> {
        if queries.n_samples() != self.best.len() {
            return Err(Error::InvalidParameter(format!(
                "{} queries, {} at the start",
                queries.n_samples(),
                self.best.len()
            )));
        }
        if *self.n_features.get_or_insert(x.n_features()) != x.n_features() {
            return Err(Error::InvalidParameter(format!(
                "a block of {} features after blocks of {}",
                x.n_features(),
                self.n_features.unwrap_or(0)
            )));
        }
        let k = self.params.n_neighbors.min(x.n_samples());
        let block = KNeighborsClassifier {
            n_neighbors: k,
            ..self.params
        };
        let model = block.fit(x, y)?;
        let found = model.kneighbors(queries, k)?;
        let limit = self.params.n_neighbors;
        self.best
            .par_iter_mut()
            .zip(found.distances.outer_iter())
            .zip(found.indices.outer_iter())
            .for_each(|((best, dist), idx)| {
                let new = dist.iter().zip(idx).map(|(&d, &i)| (d, first + i, y[i]));
                *best = merge(best, new, limit);
            });
        self.rows_seen += x.n_samples();
        Ok(())
    }

    /// Each query's neighbours (an error before `n_neighbors` rows were seen).
    pub fn neighbors(&self) -> Result<Neighbors> {
        let k = self.params.n_neighbors;
        if self.rows_seen < k {
            return Err(Error::InvalidParameter(format!(
                "n_neighbors = {k} but only {} training samples",
                self.rows_seen
            )));
        }
        let n = self.best.len();
        let mut distances = Array2::zeros((n, k));
        let mut indices = Array2::zeros((n, k));
        for (q, best) in self.best.iter().enumerate() {
            for (j, &(d, i, _)) in best.iter().enumerate() {
                distances[[q, j]] = d;
                indices[[q, j]] = i;
            }
        }
        Ok(Neighbors { distances, indices })
    }

    /// The class with the most (weighted) votes among each query's neighbours; the smallest
    /// class on a tie, as [`KNeighbors`](super::KNeighbors) predicts.
    pub fn predict(&self) -> Result<Vec<usize>> {
        let found = self.neighbors()?;
        let mut classes: Vec<usize> = self.best.iter().flatten().map(|&(_, _, l)| l).collect();
        classes.sort_unstable();
        classes.dedup();
        let mut votes = Array2::<f64>::zeros((self.best.len(), classes.len()));
        for ((mut v, best), dist) in votes
            .outer_iter_mut()
            .zip(&self.best)
            .zip(found.distances.outer_iter())
        {
            for (&(_, _, label), w) in best.iter().zip(vote_weights(self.params.weights, dist)) {
                let c = classes.binary_search(&label).expect("a class seen");
                v[c] += w;
            }
        }
        Ok(top_classes(&classes, &votes))
    }
}

/// The `limit` nearest of two lists each ordered by (distance, row).
fn merge(
    old: &[(f64, usize, usize)],
    new: impl Iterator<Item = (f64, usize, usize)>,
    limit: usize,
) -> Vec<(f64, usize, usize)> {
    let mut all: Vec<(f64, usize, usize)> = old.iter().copied().chain(new).collect();
    all.sort_by(|a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)));
    all.truncate(limit);
    all
}
