//! Lower bounds on the rows' margins kept between visits ([`Margins`]): SGD passes over a
//! row whose bound still clears the loss's margin, without reading it.

use classify_core::Features;
use rayon::prelude::*;

use super::super::{Penalty, SgdClassifier};
use super::{simd64, View, MARGIN_ROUNDING, SCREEN_MAX_FEATURES};

/// Lower bounds on the rows' margins, carried from one visit of a row to the next, so that
/// a row settled by a wide margin is passed over without reading it, epoch after epoch,
/// until the weights may have moved far enough to bring it back.
///
/// A visit that screens row `k` learns a lower bound `l` on `y · w·φ(xₖ)` (the weights `w`
/// before their scale, the row `φ(xₖ)` as training sees it). However the weights move from
/// then on, `y · w'·φ(xₖ) ≥ l − ‖w' − w‖ · ‖φ(xₖ)‖` (Cauchy–Schwarz). The distance is bounded
/// through a snapshot of the weights: `‖w' − w‖ ≤ reach' − (path − distance)`, where
/// `distance` is `‖w − snapshot‖` (computed after every step that moves the weights, a pass
/// of `d` products, and rounded up), and `path` sums the distances between successive
/// snapshots (each renewal adds the distance it ends), `reach = path + distance`. So each
/// row keeps one number, `l + (path − distance) · ‖φ(xₖ)‖` rounded down, and a later visit
/// bounds the row's margin by it minus `reach · ‖φ(xₖ)‖`: no memory of the row itself is
/// read when that settles it. The weights' scale and the intercept enter as they are at
/// that later visit, exactly ([`Screen::beyond`]).
///
/// On the scaled 10-class SGD, late epochs move the weights by 0.3–5 (in units of the
/// scores) while half the rows are settled by 200–1,700: three visits in four pass over
/// their row. On raw pixels the weights move so far each epoch that almost none do (0.5 %),
/// and keeping the margins only costs: an epoch that passes over fewer than one visit in
/// [`MARGINS_WORTH`] pauses them for a number of epochs that doubles each time (up to
/// [`MARGINS_MAX_PAUSE`]); they start afresh after it.
pub(super) struct Margins<'a> {
    /// `‖φ(xₖ)‖` of each row, rounded up.
    norms: &'a [f32],
    /// Each row's `l + (path − distance) · ‖φ(xₖ)‖`, rounded down; −∞ before its first
    /// screen.
    lower: Vec<f32>,
    snapshot: Vec<f64>,
    path: f64,
    distance: f64,
    /// Whether the margins are kept (not paused); whether this is their first epoch (whose
    /// rows have no margins yet).
    active: bool,
    first: bool,
    /// Epochs left of a pause; the length of the next.
    paused: u32,
    pause: u32,
    /// This epoch's visits, and those passed over.
    visits: u32,
    passed: u32,
}

/// [`Margins`] are kept while an epoch passes over at least one visit in this many.
const MARGINS_WORTH: u32 = 8;
/// The longest pause of [`Margins`], in epochs.
const MARGINS_MAX_PAUSE: u32 = 16;

impl<'a> Margins<'a> {
    /// Whether training keeps margins: rows of bytes (screened) standardised, a loss that
    /// vanishes beyond a margin, and weights that move only by steps and their scale (no
    /// L1 truncation, which would move every weight at every step). Not on raw pixels: steps
    /// 255 times the size move the weights too far each epoch (1 visit in 350 passed over in
    /// the 10-class SGD on Fashion-MNIST) and the checks cost (29.1 / 26.6 s against
    /// 30.1 / 31.4 s with them, 3-fold CV on 60,000 images, Zen 3).
    pub(super) fn apply(params: &SgdClassifier, x: Features<'_>, view: View<'_>) -> bool {
        matches!(view, View::Standard(_))
            && matches!(x, Features::U8(_))
            && x.n_features() <= SCREEN_MAX_FEATURES
            && params.loss.vanishes_above().is_some()
            && matches!(params.penalty, Penalty::L2 | Penalty::None)
    }

    pub(super) fn new(norms: &'a [f32], w: &[f64]) -> Self {
        Margins {
            norms,
            lower: vec![f32::NEG_INFINITY; norms.len()],
            snapshot: w.to_vec(),
            path: 0.0,
            distance: 0.0,
            active: true,
            first: true,
            paused: 0,
            pause: 1,
            visits: 0,
            passed: 0,
        }
    }

    /// Whether row `k`'s margin settles it now (`beyond` decides from the bound and the
    /// magnitude of its terms); counts the visit.
    pub(super) fn pass_over(&mut self, k: usize, beyond: impl FnOnce(f64, f64) -> bool) -> bool {
        let Some((lower, magnitude)) = self.bound(k) else {
            return false;
        };
        self.visits += 1;
        let passed = beyond(lower, magnitude);
        self.passed += u32::from(passed);
        passed
    }

    /// The lower bound on `y · w·φ(xₖ)` now, with the magnitude of the terms it was the
    /// difference of; `None` while the margins are paused.
    pub(super) fn bound(&self, k: usize) -> Option<(f64, f64)> {
        if !self.active {
            return None;
        }
        let (lower, far) = (
            f64::from(self.lower[k]),
            (self.path + self.distance) * f64::from(self.norms[k]),
        );
        Some((lower - far, lower.abs() + far))
    }

    /// Keeps `lower`, a lower bound on `y · w·φ(xₖ)` now.
    pub(super) fn record(&mut self, k: usize, lower: f64) {
        if !self.active {
            return;
        }
        let back = (self.path - self.distance) * f64::from(self.norms[k]);
        let kept = lower + back - (lower.abs() + back.abs()) * MARGIN_ROUNDING;
        self.lower[k] = f32_below(kept);
    }

    /// Follows the weights after they moved (not their scale).
    pub(super) fn moved(&mut self, w: &[f64]) {
        if !self.active {
            return;
        }
        self.distance = simd64::distance_sq(w, &self.snapshot).sqrt() * (1.0 + MARGIN_ROUNDING);
    }

    /// At the end of an epoch: a new snapshot (renewing it less often bounded the rows'
    /// margins less tightly: the weights drift in a direction, and the distance from an old
    /// snapshot grows as fast as the path); or a pause, or its end.
    pub(super) fn epoch_ended(&mut self, w: &[f64]) {
        let (visits, passed) = (self.visits, self.passed);
        (self.visits, self.passed) = (0, 0);
        if !self.active {
            self.paused -= 1;
            if self.paused == 0 {
                self.restart(w);
            }
            return;
        }
        if !self.first && passed < visits / MARGINS_WORTH {
            self.active = false;
            self.paused = self.pause;
            self.pause = (self.pause * 2).min(MARGINS_MAX_PAUSE);
            return;
        }
        self.first = false;
        self.path = (self.path + self.distance) * (1.0 + MARGIN_ROUNDING);
        self.distance = 0.0;
        self.snapshot.copy_from_slice(w);
    }

    /// The weights were multiplied out (their scale reset to 1): the bounds, in units of
    /// the old scale, are dropped.
    pub(super) fn multiplied_out(&mut self, w: &[f64]) {
        if self.active {
            self.restart(w);
        }
    }

    /// No margins yet, the snapshot `w`.
    pub(super) fn restart(&mut self, w: &[f64]) {
        self.lower.fill(f32::NEG_INFINITY);
        self.snapshot.copy_from_slice(w);
        self.path = 0.0;
        self.distance = 0.0;
        self.active = true;
        self.first = true;
    }
}

/// The largest `f32` at or below `v` (−∞ for NaN).
fn f32_below(v: f64) -> f32 {
    let f = v as f32;
    if f.is_nan() {
        f32::NEG_INFINITY
    } else if f64::from(f) > v {
        f.next_down()
    } else {
        f
    }
}

/// The smallest `f32` at or above `v`.
fn f32_above(v: f64) -> f32 {
    let f = v as f32;
    if f64::from(f) < v {
        f.next_up()
    } else {
        f
    }
}

/// `‖φ(x)‖` of each row as training sees it (standardised or not), rounded up: computed in
/// `f64` (within `(n + 4) · 2⁻⁵³` of the real norm), raised by 2⁻⁴⁰ and rounded up to `f32`.
pub(super) fn row_norms(x: Features<'_>, rows: &[usize], view: View<'_>) -> Vec<f32> {
    rows.par_iter()
        .map(|&r| {
            let mut sq = 0.0;
            x.row(r).for_each_f64(|j, v| {
                let f = match view {
                    View::Standard(st) => (v - st.mean[j]) / st.scale[j],
                    View::Plain => v,
                };
                sq += f * f;
            });
            f32_above(sq.sqrt() * (1.0 + MARGIN_ROUNDING))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::super::{dot64, Row64, Scorer, Standard, Weights};
    use super::*;
    use crate::linear_model::sgd::Loss;
    use classify_core::Row;
    use ndarray::Array2;
    use rand::{Rng, SeedableRng};
    use rand_chacha::ChaCha8Rng;

    /// A row its kept margin passes over scores beyond the margin in `f64`, however the
    /// weights moved since it was screened: steps of rows, their scale, snapshots renewed at
    /// the ends of epochs, scores placed from just below the margin to far beyond it. And
    /// the margins do pass over rows well beyond it.
    #[test]
    fn kept_margins_pass_over_only_rows_beyond_the_margin() {
        let mut rng = ChaCha8Rng::seed_from_u64(11);
        let d = 784;
        let n = 64;
        let rows: Vec<Vec<u8>> = (0..n)
            .map(|_| {
                (0..d)
                    .map(|_| if rng.gen_bool(0.5) { 0 } else { rng.r#gen() })
                    .collect()
            })
            .collect();
        let x = Array2::from_shape_vec((n, d), rows.concat()).unwrap();
        let mean: Vec<f64> = (0..d).map(|_| rng.gen_range(0.0..128.0)).collect();
        let scale: Vec<f64> = (0..d).map(|_| rng.gen_range(0.5..90.0)).collect();
        let standard = Standard {
            inv_scale: scale.iter().map(|k| 1.0 / k).collect(),
            mean: &mean,
            scale: &scale,
        };
        let view = View::Standard(&standard);
        let index: Vec<usize> = (0..n).collect();
        let norms = row_norms((&x).into(), &index, view);
        let (mut passed, mut tried) = (0, 0);
        for trial in 0..40 {
            let mut w = Weights::from_vec((0..d).map(|_| rng.gen_range(-1.0..1.0)).collect());
            let mut scorer = Scorer::new((&x).into(), view, Loss::Hinge, &w.w, Some(&norms));
            let y: Vec<f64> = (0..n)
                .map(|_| if rng.gen_bool(0.5) { 1.0 } else { -1.0 })
                .collect();
            // The real score of each row at the start, and intercepts that place them.
            let shadow = |w: &Weights| {
                let v: Vec<f64> =
                    w.w.iter()
                        .zip(&standard.inv_scale)
                        .map(|(w, r)| w * r)
                        .collect();
                let c = dot64(&v, Row64::F64(&mean));
                (v, c)
            };
            let (v, c) = shadow(&w);
            let k0 = trial % n;
            let s0 = dot64(&v, Row64::U8(x.row(k0).as_slice().unwrap())) - c;
            let beyond = [0.0, 1e-6, 1e-3, 0.1, 1.0, 10.0, 1e3][trial % 7];
            let intercept = y[k0] * (1.0 + beyond) + y[k0] * 5.0 - s0;
            for (k, &yk) in y.iter().enumerate() {
                scorer.score(k, &w, Row::U8(x.row(k).as_slice().unwrap()), yk, intercept);
            }
            // Steps of other rows, sized to keep the moves comparable to the margins.
            for epoch in 0..6 {
                for _ in 0..4 {
                    let j = rng.gen_range(0..n);
                    let step = rng.gen_range(-1e-3..1e-3);
                    view.add(&mut w, Row::U8(x.row(j).as_slice().unwrap()), &mut [], step);
                    if rng.gen_bool(0.3) {
                        w.scale(rng.gen_range(0.9..1.0));
                    }
                    scorer.follow(&w.w);
                }
                for (k, &yk) in y.iter().enumerate() {
                    let raw = x.row(k);
                    let raw = raw.as_slice().unwrap();
                    tried += 1;
                    if scorer.kept_beyond(k, &w, yk, intercept) {
                        passed += 1;
                        let (v, c) = shadow(&w);
                        let p = (dot64(&v, Row64::U8(raw)) - c) * w.wscale + intercept;
                        assert!(
                            yk * p > 1.0,
                            "trial {trial} epoch {epoch}: passed over at y·p = {}",
                            yk * p
                        );
                    }
                }
                scorer.epoch_ended(&w.w);
            }
        }
        assert!(passed > tried / 20, "passed over {passed} of {tried}");
    }
}
