//! SciPy's `L-BFGS-B` (`scipy.optimize.minimize(method="L-BFGS-B")`, version 3.0 of Zhu,
//! Byrd, Lu and Nocedal as SciPy runs it) on an unbounded problem: the iteration
//! scikit-learn's `LogisticRegression(solver="lbfgs")` runs, step for step.
//!
//! Without bounds the algorithm reduces to: the first step (and the first after a reset of the
//! memory) along `−g` from the generalised Cauchy point `x − g`, the others along the
//! quasi-Newton direction of the last 10 accepted pairs with `B₀ = θ·I`, `θ = yᵀy / sᵀy`;
//! Moré and Thuente's line search (MINPACK-2's `dcsrch`, `ftol = 10⁻³`, `gtol = 0.9`,
//! `xtol = 0.1`) from a first step of `1 / ‖d‖` on the first iteration and 1 after; a pair
//! kept when `sᵀy > ε·(−gᵀs)`; the memory cleared and the iteration restarted when a line
//! search fails after an update; the same two stopping tests (`max |g| ≤ pgtol`, and a
//! relative decrease `≤ factr·ε`) in the same order, and SciPy's count of iterations.
//!
//! The quasi-Newton direction comes from the two-loop recursion rather than L-BFGS-B's compact
//! form; the two are the same product `−H·g`, and differ in the last bits only.

use std::collections::VecDeque;

/// Corrections kept (SciPy's `maxcor`, default 10).
const MEMORY: usize = 10;
/// Function evaluations per line search at most (scikit-learn passes `maxls=50`).
const MAX_LINE_SEARCH: usize = 50;
/// Machine epsilon as L-BFGS-B uses it.
const EPS: f64 = f64::EPSILON;

/// How a minimisation ended.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Minimum {
    pub(crate) x: Vec<f64>,
    /// SciPy's `nit`: iterations completed.
    pub(crate) n_iter: usize,
    /// Whether a stopping test was met (SciPy's `status == 0`); `false` when `max_iter` was
    /// reached or the line search could not make progress.
    pub(crate) converged: bool,
}

/// Minimises `f` (which writes its gradient into the second argument and returns its value)
/// from `x` for at most `max_iter` iterations; `pgtol` is SciPy's `gtol` and `factr` its
/// `ftol / ε` (scikit-learn passes `gtol = tol`, `ftol = 64 ε`).
pub(crate) fn minimize(
    f: &mut dyn FnMut(&[f64], &mut [f64]) -> f64,
    mut x: Vec<f64>,
    max_iter: usize,
    pgtol: f64,
    factr: f64,
) -> Minimum {
    let n = x.len();
    let tol = factr * EPS;
    let mut g = vec![0.0; n];
    let mut fx = f(&x, &mut g);
    if projected_norm(&g) <= pgtol {
        return Minimum {
            x,
            n_iter: 0,
            converged: true,
        };
    }
    // (s, y, sᵀy) of the accepted pairs, oldest first, and θ.
    let mut memory: VecDeque<(Vec<f64>, Vec<f64>, f64)> = VecDeque::with_capacity(MEMORY);
    let mut theta = 1.0;
    // L-BFGS-B's `iter` (the line search's first step depends on it) and SciPy's count.
    let mut iter = 0usize;
    let mut n_iter = 0usize;
    loop {
        // The point the line search heads for: the Cauchy point without memory, the
        // quasi-Newton point with it.
        let z = target(&x, &g, &memory, theta);
        let d: Vec<f64> = z.iter().zip(&x).map(|(z, x)| z - x).collect();
        let search = line_search(f, &mut x, &mut g, &mut fx, &z, &d, iter == 0);
        let Some(LineSearch {
            stp,
            gd,
            gdold,
            old_g,
            fold,
        }) = search
        else {
            // x, g and f are back at the start of the search.
            if memory.is_empty() {
                // SciPy's abnormal termination: no iteration is counted.
                return Minimum {
                    x,
                    n_iter,
                    converged: false,
                };
            }
            memory.clear();
            theta = 1.0;
            continue;
        };
        iter += 1;
        // SciPy stops at `maxiter` before the convergence tests.
        n_iter += 1;
        if n_iter >= max_iter {
            return Minimum {
                x,
                n_iter,
                converged: false,
            };
        }
        if projected_norm(&g) <= pgtol || fold - fx <= tol * fold.abs().max(fx.abs()).max(1.0) {
            break;
        }
        let y: Vec<f64> = g.iter().zip(&old_g).map(|(a, b)| a - b).collect();
        if let Some(t) = update(&mut memory, d, y, stp, gd, gdold) {
            theta = t;
        }
    }
    Minimum {
        x,
        n_iter,
        converged: true,
    }
}

/// Keeps the pair `s = stp·d`, `y` when the curvature `sᵀy = stp·(gd − gdold)` is above
/// `ε·(−gdold·stp)` (dropping the oldest beyond [`MEMORY`]); returns the new `θ = yᵀy / sᵀy`,
/// or `None` when the update is skipped.
fn update(
    memory: &mut VecDeque<(Vec<f64>, Vec<f64>, f64)>,
    mut d: Vec<f64>,
    y: Vec<f64>,
    stp: f64,
    gd: f64,
    gdold: f64,
) -> Option<f64> {
    let rr = y.iter().map(|v| v * v).sum::<f64>();
    let (dr, ddum) = if stp == 1.0 {
        (gd - gdold, -gdold)
    } else {
        d.iter_mut().for_each(|v| *v *= stp);
        ((gd - gdold) * stp, -gdold * stp)
    };
    if dr <= EPS * ddum {
        return None;
    }
    if memory.len() == MEMORY {
        memory.pop_front();
    }
    memory.push_back((d, y, dr));
    Some(rr / dr)
}

/// The point the line search heads for: without memory the Cauchy point (no breakpoints
/// without bounds: `x + (1/θ)(−g)`, θ = 1 then), with it the quasi-Newton point `x − H·g`.
fn target(
    x: &[f64],
    g: &[f64],
    memory: &VecDeque<(Vec<f64>, Vec<f64>, f64)>,
    theta: f64,
) -> Vec<f64> {
    if memory.is_empty() {
        let dtm = 1.0 / theta;
        x.iter().zip(g).map(|(x, g)| x + dtm * -g).collect()
    } else {
        let step = two_loop(g, memory, theta);
        x.iter().zip(&step).map(|(x, s)| x + s).collect()
    }
}

/// `max |gᵢ|`, NaN if any component is NaN (L-BFGS-B's `projgr` without bounds).
fn projected_norm(g: &[f64]) -> f64 {
    let mut norm = 0.0f64;
    for &v in g {
        if v.is_nan() {
            return v;
        }
        norm = norm.max(v.abs());
    }
    norm
}

/// `−H·g` by the two-loop recursion, `H₀ = I/θ`.
fn two_loop(g: &[f64], memory: &VecDeque<(Vec<f64>, Vec<f64>, f64)>, theta: f64) -> Vec<f64> {
    let dot = |a: &[f64], b: &[f64]| a.iter().zip(b).map(|(x, y)| x * y).sum::<f64>();
    let mut q: Vec<f64> = g.iter().map(|v| -v).collect();
    let mut alphas = Vec::with_capacity(memory.len());
    for (s, y, sy) in memory.iter().rev() {
        let a = dot(s, &q) / sy;
        q.iter_mut().zip(y).for_each(|(q, y)| *q -= a * y);
        alphas.push(a);
    }
    q.iter_mut().for_each(|v| *v /= theta);
    for ((s, y, sy), a) in memory.iter().zip(alphas.iter().rev()) {
        let b = dot(y, &q) / sy;
        q.iter_mut().zip(s).for_each(|(q, s)| *q += (a - b) * s);
    }
    q
}

/// What a successful line search leaves for the update.
struct LineSearch {
    stp: f64,
    /// `gᵀd` at the accepted point and at the start.
    gd: f64,
    gdold: f64,
    /// The gradient at the start.
    old_g: Vec<f64>,
    fold: f64,
}

/// L-BFGS-B's `lnsrlb` without bounds: Moré–Thuente along `d` from `x`, `x` set to `z`
/// itself when the step is 1. Leaves `x`, `g`, `f` at the accepted point, or restores them
/// and returns `None` when `d` is not a descent direction or 50 evaluations did not do.
fn line_search(
    f: &mut dyn FnMut(&[f64], &mut [f64]) -> f64,
    x: &mut Vec<f64>,
    g: &mut Vec<f64>,
    fx: &mut f64,
    z: &[f64],
    d: &[f64],
    first: bool,
) -> Option<LineSearch> {
    let dnorm = d.iter().map(|v| v * v).sum::<f64>().sqrt();
    let stpmx = 1.0e10;
    let mut stp = if first { (1.0 / dnorm).min(stpmx) } else { 1.0 };
    let t = x.clone();
    let r = g.clone();
    let fold = *fx;
    let dot = |a: &[f64], b: &[f64]| a.iter().zip(b).map(|(x, y)| x * y).sum::<f64>();
    let gdold = dot(g, d);
    let restore = |x: &mut Vec<f64>, g: &mut Vec<f64>, fx: &mut f64| {
        x.copy_from_slice(&t);
        g.copy_from_slice(&r);
        *fx = fold;
    };
    if gdold >= 0.0 {
        return None;
    }
    let mut search = Dcsrch::start(fold, gdold, stp, stpmx);
    let mut ifun = 0usize;
    loop {
        ifun += 1;
        // L-BFGS-B's `iback = ifun − 1` against `maxls`.
        if ifun > MAX_LINE_SEARCH {
            restore(x, g, fx);
            return None;
        }
        if stp == 1.0 {
            x.copy_from_slice(z);
        } else {
            for ((x, d), t) in x.iter_mut().zip(d).zip(&t) {
                *x = stp * d + t;
            }
        }
        *fx = f(x, g);
        let gd = dot(g, d);
        match search.next(*fx, gd, &mut stp) {
            Next::Evaluate => {}
            Next::Done => {
                return Some(LineSearch {
                    stp,
                    gd,
                    gdold,
                    old_g: r,
                    fold,
                })
            }
        }
    }
}

/// What [`Dcsrch::next`] asks for.
enum Next {
    /// Evaluate at the new step.
    Evaluate,
    /// The step is accepted (converged, or a warning: the best point found).
    Done,
}

/// MINPACK-2's `dcsrch` (Moré and Thuente) with `ftol = 10⁻³`, `gtol = 0.9`, `xtol = 0.1`,
/// `stpmin = 0`.
struct Dcsrch {
    brackt: bool,
    stage: u8,
    ginit: f64,
    gtest: f64,
    finit: f64,
    stx: f64,
    fx: f64,
    gx: f64,
    sty: f64,
    fy: f64,
    gy: f64,
    stmin: f64,
    stmax: f64,
    width: f64,
    width1: f64,
    stpmax: f64,
}

const FTOL: f64 = 1e-3;
const GTOL: f64 = 0.9;
const XTOL: f64 = 0.1;
const STPMIN: f64 = 0.0;

impl Dcsrch {
    fn start(f: f64, g: f64, stp: f64, stpmax: f64) -> Dcsrch {
        let width = stpmax - STPMIN;
        Dcsrch {
            brackt: false,
            stage: 1,
            ginit: g,
            gtest: FTOL * g,
            finit: f,
            stx: 0.0,
            fx: f,
            gx: g,
            sty: 0.0,
            fy: f,
            gy: g,
            stmin: 0.0,
            stmax: stp + 4.0 * stp,
            width,
            width1: width / 0.5,
            stpmax,
        }
    }

    /// Takes `f` and `g = f'` at `stp`; accepts it or sets the next trial step.
    fn next(&mut self, f: f64, g: f64, stp: &mut f64) -> Next {
        let ftest = self.finit + *stp * self.gtest;
        if self.stage == 1 && f <= ftest && g >= 0.0 {
            self.stage = 2;
        }
        // Warnings (the search stops at the best step so far, which is `stp` itself here:
        // SciPy accepts the point last evaluated).
        let warn = (self.brackt
            && (*stp <= self.stmin
                || *stp >= self.stmax
                || self.stmax - self.stmin <= XTOL * self.stmax))
            || (*stp == self.stpmax && f <= ftest && g <= self.gtest)
            || (*stp == STPMIN && (f > ftest || g >= self.gtest));
        let converged = f <= ftest && g.abs() <= GTOL * -self.ginit;
        if warn || converged {
            return Next::Done;
        }
        let bounds = (self.stmin, self.stmax);
        if self.stage == 1 && f <= self.fx && f > ftest {
            // The modified function ψ(stp) = f(stp) − f(0) − ftol·stp·f'(0).
            let gtest = self.gtest;
            let (mut fxm, mut fym) = (self.fx - self.stx * gtest, self.fy - self.sty * gtest);
            let (mut gxm, mut gym) = (self.gx - gtest, self.gy - gtest);
            let bracket = Bracket {
                stx: &mut self.stx,
                fx: &mut fxm,
                dx: &mut gxm,
                sty: &mut self.sty,
                fy: &mut fym,
                dy: &mut gym,
            };
            dcstep(
                bracket,
                stp,
                f - *stp * gtest,
                g - gtest,
                &mut self.brackt,
                bounds,
            );
            self.fx = fxm + self.stx * gtest;
            self.fy = fym + self.sty * gtest;
            self.gx = gxm + gtest;
            self.gy = gym + gtest;
        } else {
            let bracket = Bracket {
                stx: &mut self.stx,
                fx: &mut self.fx,
                dx: &mut self.gx,
                sty: &mut self.sty,
                fy: &mut self.fy,
                dy: &mut self.gy,
            };
            dcstep(bracket, stp, f, g, &mut self.brackt, bounds);
        }
        if self.brackt {
            if (self.sty - self.stx).abs() >= 0.66 * self.width1 {
                *stp = self.stx + 0.5 * (self.sty - self.stx);
            }
            self.width1 = self.width;
            self.width = (self.sty - self.stx).abs();
        }
        if self.brackt {
            self.stmin = self.stx.min(self.sty);
            self.stmax = self.stx.max(self.sty);
        } else {
            self.stmin = *stp + 1.1 * (*stp - self.stx);
            self.stmax = *stp + 4.0 * (*stp - self.stx);
        }
        *stp = stp.max(STPMIN).min(self.stpmax);
        if self.brackt
            && (*stp <= self.stmin
                || *stp >= self.stmax
                || self.stmax - self.stmin <= XTOL * self.stmax)
        {
            *stp = self.stx;
        }
        Next::Evaluate
    }
}

/// A trial step's bracket: the best step so far (`stx`, `fx`, `dx`: its value and
/// derivative) and the other end (`sty`, `fy`, `dy`).
struct Bracket<'a> {
    stx: &'a mut f64,
    fx: &'a mut f64,
    dx: &'a mut f64,
    sty: &'a mut f64,
    fy: &'a mut f64,
    dy: &'a mut f64,
}

/// MINPACK-2's `dcstep`: a safeguarded cubic or quadratic step from `stp` (where the value
/// is `fp` and the derivative `dp`), and the bracket updated to contain a step satisfying
/// both conditions. The four cases are its four, operation for operation.
fn dcstep(b: Bracket<'_>, stp: &mut f64, fp: f64, dp: f64, brackt: &mut bool, bounds: (f64, f64)) {
    let (stx, fx, dx) = (*b.stx, *b.fx, *b.dx);
    let sgnd = dp * (dx / dx.abs());
    let stpf = if fp > fx {
        *brackt = true;
        higher_value(stx, fx, dx, *stp, fp, dp)
    } else if sgnd < 0.0 {
        *brackt = true;
        opposite_signs(stx, fx, dx, *stp, fp, dp)
    } else if dp.abs() < dx.abs() {
        smaller_derivative(stx, fx, dx, *b.sty, *stp, fp, dp, *brackt, bounds)
    } else if *brackt {
        cubic(*b.sty, *b.fy, *b.dy, *stp, fp, dp, *stp > *b.sty)
    } else if *stp > stx {
        bounds.1
    } else {
        bounds.0
    };
    if fp > fx {
        (*b.sty, *b.fy, *b.dy) = (*stp, fp, dp);
    } else {
        if sgnd < 0.0 {
            (*b.sty, *b.fy, *b.dy) = (stx, fx, dx);
        }
        (*b.stx, *b.fx, *b.dx) = (*stp, fp, dp);
    }
    *stp = stpf;
}

/// The minimiser of the cubic through `(s, f, d)` at both ends, taken from `stp`'s side:
/// `stp + r (other − stp)` (`negate`: the sign `dcstep` gives γ).
fn cubic(other: f64, f_other: f64, d_other: f64, stp: f64, fp: f64, dp: f64, negate: bool) -> f64 {
    let theta = 3.0 * (fp - f_other) / (other - stp) + d_other + dp;
    let s = theta.abs().max(d_other.abs().max(dp.abs()));
    let mut gamma = s * ((theta / s).powi(2) - (d_other / s) * (dp / s)).sqrt();
    if negate {
        gamma = -gamma;
    }
    let p = (gamma - dp) + theta;
    let q = ((gamma - dp) + gamma) + d_other;
    stp + (p / q) * (other - stp)
}

/// A higher value than at `stx`: the minimum is bracketed; the cubic step if it is closer to
/// `stx` than the quadratic one, else their mean.
fn higher_value(stx: f64, fx: f64, dx: f64, stp: f64, fp: f64, dp: f64) -> f64 {
    let theta = 3.0 * (fx - fp) / (stp - stx) + dx + dp;
    let s = theta.abs().max(dx.abs().max(dp.abs()));
    let mut gamma = s * ((theta / s).powi(2) - (dx / s) * (dp / s)).sqrt();
    if stp < stx {
        gamma = -gamma;
    }
    let p = (gamma - dx) + theta;
    let q = ((gamma - dx) + gamma) + dp;
    let stpc = stx + (p / q) * (stp - stx);
    let stpq = stx + ((dx / ((fx - fp) / (stp - stx) + dx)) / 2.0) * (stp - stx);
    if (stpc - stx).abs() < (stpq - stx).abs() {
        stpc
    } else {
        stpc + (stpq - stpc) / 2.0
    }
}

/// A lower value and derivatives of opposite signs: bracketed; the cubic step if it is
/// farther from `stp` than the secant step, else the secant step.
fn opposite_signs(stx: f64, fx: f64, dx: f64, stp: f64, fp: f64, dp: f64) -> f64 {
    let stpc = cubic(stx, fx, dx, stp, fp, dp, stp > stx);
    let stpq = stp + (dp / (dp - dx)) * (stx - stp);
    if (stpc - stp).abs() > (stpq - stp).abs() {
        stpc
    } else {
        stpq
    }
}

/// A lower value, derivatives of the same sign and a smaller derivative: the cubic step
/// where the cubic tends to infinity that way, else the bound; safeguarded.
#[allow(clippy::too_many_arguments)]
fn smaller_derivative(
    stx: f64,
    fx: f64,
    dx: f64,
    sty: f64,
    stp: f64,
    fp: f64,
    dp: f64,
    brackt: bool,
    (stpmin, stpmax): (f64, f64),
) -> f64 {
    let theta = 3.0 * (fx - fp) / (stp - stx) + dx + dp;
    let s = theta.abs().max(dx.abs().max(dp.abs()));
    let mut gamma = s * (0.0f64.max((theta / s).powi(2) - (dx / s) * (dp / s))).sqrt();
    if stp > stx {
        gamma = -gamma;
    }
    let p = (gamma - dp) + theta;
    let q = (gamma + (dx - dp)) + gamma;
    let r = p / q;
    let stpc = if r < 0.0 && gamma != 0.0 {
        stp + r * (stx - stp)
    } else if stp > stx {
        stpmax
    } else {
        stpmin
    };
    let stpq = stp + (dp / (dp - dx)) * (stx - stp);
    if brackt {
        let s = if (stpc - stp).abs() < (stpq - stp).abs() {
            stpc
        } else {
            stpq
        };
        if stp > stx {
            (stp + 0.66 * (sty - stp)).min(s)
        } else {
            (stp + 0.66 * (sty - stp)).max(s)
        }
    } else {
        let s = if (stpc - stp).abs() > (stpq - stp).abs() {
            stpc
        } else {
            stpq
        };
        stpmax.min(s).max(stpmin)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A convex quadratic: the minimiser is found, with SciPy's iteration count shape.
    #[test]
    fn minimises_a_quadratic() {
        let a = [1.0, 10.0, 100.0];
        let mut f = |x: &[f64], g: &mut [f64]| -> f64 {
            let mut v = 0.0;
            for i in 0..3 {
                let e = x[i] - (i as f64 + 1.0);
                v += 0.5 * a[i] * e * e;
                g[i] = a[i] * e;
            }
            v
        };
        let m = minimize(&mut f, vec![0.0; 3], 100, 1e-10, 10.0);
        assert!(m.converged);
        for (i, x) in m.x.iter().enumerate() {
            assert!((x - (i as f64 + 1.0)).abs() < 1e-8, "{:?}", m.x);
        }
        assert!(m.n_iter > 1 && m.n_iter < 30);
    }

    /// Rosenbrock's function, where the line search has to bracket and interpolate.
    #[test]
    fn minimises_rosenbrock() {
        let mut f = |x: &[f64], g: &mut [f64]| -> f64 {
            let (a, b) = (1.0 - x[0], x[1] - x[0] * x[0]);
            g[0] = -2.0 * a - 400.0 * x[0] * b;
            g[1] = 200.0 * b;
            a * a + 100.0 * b * b
        };
        let m = minimize(&mut f, vec![-1.2, 1.0], 200, 1e-8, 10.0);
        assert!(m.converged);
        assert!(
            (m.x[0] - 1.0).abs() < 1e-5 && (m.x[1] - 1.0).abs() < 1e-5,
            "{:?}",
            m.x
        );
    }

    /// The iteration limit stops it unconverged, as SciPy does.
    #[test]
    fn stops_at_max_iter() {
        let mut f = |x: &[f64], g: &mut [f64]| -> f64 {
            let (a, b) = (1.0 - x[0], x[1] - x[0] * x[0]);
            g[0] = -2.0 * a - 400.0 * x[0] * b;
            g[1] = 200.0 * b;
            a * a + 100.0 * b * b
        };
        let m = minimize(&mut f, vec![-1.2, 1.0], 3, 1e-8, 10.0);
        assert_eq!((m.n_iter, m.converged), (3, false));
    }
}
