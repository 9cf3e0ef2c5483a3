//! Self-scaled BFGS over a flat vector of parameters (`bfgs(...)` in the
//! `train` block): Al-Baali's scaling as Urbán et al. (2024) and Kiyani
//! et al. (2025) use it for PINNs, with a strong Wolfe line search.
//!
//! Input: an objective `x ↦ (f(x), ∇f(x))`. State: the dense inverse
//! Hessian approximation `H` (`n × n`, so the stage refuses models with
//! more than [`MAX_PARAMETERS`] parameters), the point, its value and
//! gradient. Each iteration takes `p = -H g`, finds a step `α` along it
//! meeting the strong Wolfe conditions, and with `s = α p`, `y = g⁺ - g`,
//! `ρ = 1 / yᵀs`:
//!
//! ```text
//! b = -α ρ sᵀg,  τ = min(1, 1/b),  H ← H / τ          (self-scaling)
//! H ← H - ρ (H y sᵀ + s (H y)ᵀ) + ρ (1 + ρ yᵀH y) s sᵀ   (BFGS)
//! ```
//!
//! `scaling = none` keeps `τ = 1`: plain BFGS. An update with `yᵀs` not
//! positive (the line search failed) is skipped; a direction that does
//! not descend restarts from `H = I`.
//!
//! `H` is the cost that grows fastest (`n²`), so an iteration reads it
//! twice, not three times: one pass for `H g⁺` (which gives `H y = H g⁺ +
//! H g = H g⁺ - p`), one that updates each row and takes the next
//! direction's entry from it; both split the rows across the cores.

/// The most parameters the stage accepts: `H` then takes 512 MiB.
pub const MAX_PARAMETERS: usize = 8192;

/// Sufficient decrease and curvature constants of the strong Wolfe
/// conditions (Nocedal and Wright's, SciPy's and PyTorch's defaults).
const C1: f64 = 1e-4;
const C2: f64 = 0.9;
/// Objective evaluations per line search at most.
const MAX_EVALUATIONS: usize = 25;

/// The function minimised: a point's value and gradient.
pub type Objective<'a> = dyn FnMut(&[f64]) -> (f64, Vec<f64>) + 'a;

/// A BFGS run's state between iterations.
#[derive(Clone, Debug)]
pub struct Bfgs {
    n: usize,
    /// The inverse Hessian approximation, row major.
    h: Vec<f64>,
    /// The previous iteration's value, for the first trial step.
    f_previous: Option<f64>,
    self_scaled: bool,
    /// `-H g` at the current point, made by the last update.
    direction: Option<Vec<f64>>,
}

/// What one call of [`Bfgs::run`] did.
pub struct Outcome {
    pub x: Vec<f64>,
    pub f: f64,
    /// Objective evaluations made.
    pub evaluations: usize,
    /// True when an iteration made no progress: the gradient vanished or
    /// the line search could not lower the objective.
    pub converged: bool,
}

impl Bfgs {
    pub fn new(n: usize, self_scaled: bool) -> Bfgs {
        let mut h = vec![0.0; n * n];
        for i in 0..n {
            h[i * n + i] = 1.0;
        }
        Bfgs {
            n,
            h,
            f_previous: None,
            self_scaled,
            direction: None,
        }
    }

    /// The state as numbers, for a checkpoint: the previous value (NaN
    /// for none), then `H`.
    pub fn to_vec(&self) -> Vec<f64> {
        let mut out = Vec::with_capacity(1 + self.h.len());
        out.push(self.f_previous.unwrap_or(f64::NAN));
        out.extend(&self.h);
        out
    }

    /// The state [`Bfgs::to_vec`] wrote, if it is one of `n` parameters.
    pub fn from_vec(values: &[f64], n: usize, self_scaled: bool) -> Option<Bfgs> {
        if values.len() != 1 + n * n {
            return None;
        }
        Some(Bfgs {
            n,
            h: values[1..].to_vec(),
            f_previous: Some(values[0]).filter(|f| f.is_finite()),
            self_scaled,
            direction: None,
        })
    }

    /// `iterations` iterations from `x`.
    pub fn run(&mut self, mut x: Vec<f64>, iterations: u64, objective: &mut Objective) -> Outcome {
        let n = self.n;
        let (mut f, mut g) = objective(&x);
        let mut evaluations = 1;
        // The objective may have changed since the last call (new points).
        self.direction = None;
        for _ in 0..iterations {
            let gnorm = dot(&g, &g).sqrt();
            if gnorm == 0.0 || !f.is_finite() {
                return Outcome {
                    x,
                    f,
                    evaluations,
                    converged: true,
                };
            }
            let mut p = match self.direction.take() {
                Some(p) => p,
                None => rows(&mut self.h, n, |_, row| -dot(row, &g)),
            };
            let mut gtd = dot(&g, &p);
            if gtd.is_nan() || gtd >= 0.0 {
                *self = Bfgs::new(n, self.self_scaled);
                p = g.iter().map(|v| -v).collect();
                gtd = -gnorm * gnorm;
            }
            let f_previous = self.f_previous.unwrap_or(f + gnorm / 2.0);
            let mut alpha = (1.01 * 2.0 * (f - f_previous) / gtd).min(1.0);
            if alpha.is_nan() || alpha <= 0.0 {
                alpha = 1.0;
            }
            let search = strong_wolfe(&x, &p, f, &g, gtd, alpha, objective);
            evaluations += search.evaluations;
            if search.f.is_nan() || search.f >= f {
                return Outcome {
                    x,
                    f,
                    evaluations,
                    converged: true,
                };
            }
            let s: Vec<f64> = p.iter().map(|v| search.alpha * v).collect();
            let y: Vec<f64> = search.g.iter().zip(&g).map(|(a, b)| a - b).collect();
            self.update(&s, &y, &g, &p, search.alpha, &search.g);
            for (xi, si) in x.iter_mut().zip(&s) {
                *xi += si;
            }
            self.f_previous = Some(f);
            (f, g) = (search.f, search.g);
        }
        Outcome {
            x,
            f,
            evaluations,
            converged: false,
        }
    }

    /// The self-scaled BFGS update of `H` from the step `s` (taken along
    /// `p = -H g` with length `alpha`), the gradient change `y`, the old
    /// gradient `g` and the new one `g_new`; leaves the next direction
    /// `-H g_new` in [`Bfgs::direction`].
    fn update(&mut self, s: &[f64], y: &[f64], g: &[f64], p: &[f64], alpha: f64, g_new: &[f64]) {
        let n = self.n;
        let hg_new = rows(&mut self.h, n, |_, row| dot(row, g_new));
        let ys = dot(y, s);
        if ys.is_nan() || ys <= f64::EPSILON * dot(s, s).sqrt() * dot(y, y).sqrt() {
            self.direction = Some(hg_new.iter().map(|v| -v).collect());
            return;
        }
        let rho = 1.0 / ys;
        // H / τ, applied in the update's pass.
        let mut scale = 1.0;
        if self.self_scaled {
            let b = -alpha * rho * dot(s, g);
            let tau = (1.0 / b).min(1.0);
            if tau > 0.0 && tau.is_finite() && tau < 1.0 {
                scale = 1.0 / tau;
            }
        }
        // H y = H g_new - H g = H g_new + p, scaled.
        let hy: Vec<f64> = hg_new.iter().zip(p).map(|(a, b)| scale * (a + b)).collect();
        let ss = rho * (1.0 + rho * dot(y, &hy));
        let next = rows(&mut self.h, n, |i, row| {
            let (si, hyi) = (s[i], hy[i]);
            for j in 0..n {
                row[j] = scale * row[j] + ss * si * s[j] - rho * (hyi * s[j] + si * hy[j]);
            }
            -dot(row, g_new)
        });
        self.direction = Some(next);
    }
}

/// `f(i, row)` for every row of the `n x n` matrix `h`, the rows split
/// across the cores; the results in row order. Each row's result is the
/// same however the rows are split.
fn rows(h: &mut [f64], n: usize, f: impl Fn(usize, &mut [f64]) -> f64 + Sync) -> Vec<f64> {
    let threads = std::thread::available_parallelism()
        .map_or(1, |t| t.get())
        .min(n / 128)
        .max(1);
    let per = n.div_ceil(threads);
    let mut out = vec![0.0; n];
    std::thread::scope(|scope| {
        for (k, (block, results)) in h.chunks_mut(per * n).zip(out.chunks_mut(per)).enumerate() {
            let f = &f;
            scope.spawn(move || {
                for (r, (row, result)) in block.chunks_exact_mut(n).zip(results).enumerate() {
                    *result = f(k * per + r, row);
                }
            });
        }
    });
    out
}

fn dot(a: &[f64], b: &[f64]) -> f64 {
    a.iter().zip(b).map(|(x, y)| x * y).sum()
}

/// The point a line search stopped at.
struct Search {
    alpha: f64,
    f: f64,
    g: Vec<f64>,
    evaluations: usize,
}

/// A step along `p` from `x` (value `f`, gradient `g`, slope `gtd < 0`)
/// meeting the strong Wolfe conditions, from the trial step `alpha`:
/// bracketing, then zooming by cubic interpolation (Nocedal and Wright,
/// algorithms 3.5 and 3.6, as PyTorch's L-BFGS does). When evaluations
/// run out it returns the best point of its bracket.
fn strong_wolfe(
    x: &[f64],
    p: &[f64],
    f: f64,
    g: &[f64],
    gtd: f64,
    mut alpha: f64,
    objective: &mut Objective,
) -> Search {
    let p_norm = p.iter().fold(0.0f64, |m, v| m.max(v.abs()));
    let mut evaluate = |alpha: f64| {
        let moved: Vec<f64> = x.iter().zip(p).map(|(xi, pi)| xi + alpha * pi).collect();
        let (f, g) = objective(&moved);
        let gtd = dot(&g, p);
        Trial { alpha, f, g, gtd }
    };
    let start = Trial {
        alpha: 0.0,
        f,
        g: g.to_vec(),
        gtd,
    };
    let mut previous = start.clone();
    let mut trial = evaluate(alpha);
    let mut evaluations = 1;
    // Bracketing: grow the step until an interval holds a Wolfe point.
    let mut bracket = loop {
        if !trial.f.is_finite() {
            // Too far: back off towards the last finite point.
            if evaluations >= MAX_EVALUATIONS {
                break [start.clone(), previous];
            }
            alpha = previous.alpha + (alpha - previous.alpha) / 10.0;
            trial = evaluate(alpha);
            evaluations += 1;
            continue;
        }
        if trial.f > f + C1 * trial.alpha * gtd || (evaluations > 1 && trial.f >= previous.f) {
            break [previous, trial];
        }
        if trial.gtd.abs() <= -C2 * gtd {
            return trial.found(evaluations);
        }
        if trial.gtd >= 0.0 {
            break [previous, trial];
        }
        if evaluations >= MAX_EVALUATIONS {
            break [start.clone(), trial];
        }
        let (lo, hi) = (
            trial.alpha + 0.01 * (trial.alpha - previous.alpha),
            trial.alpha * 10.0,
        );
        alpha = cubic_minimum(&previous, &trial, Some((lo, hi)));
        previous = trial;
        trial = evaluate(alpha);
        evaluations += 1;
    };
    // Zoom: shrink the bracket, keeping its lower end the best point.
    let mut insufficient = false;
    while evaluations < MAX_EVALUATIONS {
        let (low, high) = if bracket[0].f <= bracket[1].f {
            (0, 1)
        } else {
            (1, 0)
        };
        let (a, b) = (bracket[0].alpha, bracket[1].alpha);
        if (b - a).abs() * p_norm < 1e-12 {
            break;
        }
        let (min, max) = (a.min(b), a.max(b));
        let mut alpha = cubic_minimum(&bracket[0], &bracket[1], None);
        let eps = 0.1 * (max - min);
        if (max - alpha).min(alpha - min) < eps {
            // Too close to an end: move in unless the last step did not.
            if insufficient || alpha >= max || alpha <= min {
                alpha = if (alpha - max).abs() < (alpha - min).abs() {
                    max - eps
                } else {
                    min + eps
                };
                insufficient = false;
            } else {
                insufficient = true;
            }
        } else {
            insufficient = false;
        }
        let trial = evaluate(alpha);
        evaluations += 1;
        if !trial.f.is_finite() || trial.f > f + C1 * alpha * gtd || trial.f >= bracket[low].f {
            bracket[high] = trial;
        } else {
            if trial.gtd.abs() <= -C2 * gtd {
                return trial.found(evaluations);
            }
            if trial.gtd * (bracket[high].alpha - bracket[low].alpha) >= 0.0 {
                bracket[high] = bracket[low].clone();
            }
            bracket[low] = trial;
        }
    }
    let best = if bracket[0].f <= bracket[1].f { 0 } else { 1 };
    let [first, second] = bracket;
    let best = if best == 0 { first } else { second };
    best.found(evaluations)
}

/// The objective along the search line at one step.
#[derive(Clone)]
struct Trial {
    alpha: f64,
    f: f64,
    g: Vec<f64>,
    gtd: f64,
}

impl Trial {
    fn found(self, evaluations: usize) -> Search {
        Search {
            alpha: self.alpha,
            f: self.f,
            g: self.g,
            evaluations,
        }
    }
}

/// The minimiser of the cubic through two points with their slopes,
/// clamped to `bounds` (default: between the points); the midpoint when
/// the cubic has none.
fn cubic_minimum(a: &Trial, b: &Trial, bounds: Option<(f64, f64)>) -> f64 {
    let (lo, hi) = bounds.unwrap_or((a.alpha.min(b.alpha), a.alpha.max(b.alpha)));
    let d1 = a.gtd + b.gtd - 3.0 * (a.f - b.f) / (a.alpha - b.alpha);
    let square = d1 * d1 - a.gtd * b.gtd;
    if square >= 0.0 {
        let d2 = square.sqrt();
        let at = if a.alpha <= b.alpha {
            b.alpha - (b.alpha - a.alpha) * ((b.gtd + d2 - d1) / (b.gtd - a.gtd + 2.0 * d2))
        } else {
            a.alpha - (a.alpha - b.alpha) * ((a.gtd + d2 - d1) / (a.gtd - b.gtd + 2.0 * d2))
        };
        if at.is_finite() {
            return at.clamp(lo, hi);
        }
    }
    (lo + hi) / 2.0
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rosenbrock(x: &[f64]) -> (f64, Vec<f64>) {
        let n = x.len();
        let mut f = 0.0;
        let mut g = vec![0.0; n];
        for i in 0..n - 1 {
            let (a, b) = (1.0 - x[i], x[i + 1] - x[i] * x[i]);
            f += a * a + 100.0 * b * b;
            g[i] += -2.0 * a - 400.0 * x[i] * b;
            g[i + 1] += 200.0 * b;
        }
        (f, g)
    }

    #[test]
    fn minimises_rosenbrock_to_machine_precision() {
        for self_scaled in [false, true] {
            let mut bfgs = Bfgs::new(6, self_scaled);
            let start = vec![-1.2, 1.0, -1.2, 1.0, -1.2, 1.0];
            let out = bfgs.run(start, 300, &mut rosenbrock);
            let error = out.x.iter().map(|v| (v - 1.0).abs()).fold(0.0, f64::max);
            assert!(
                error < 1e-7,
                "self-scaled {self_scaled}: x off by {error:e}, f {:e}",
                out.f
            );
        }
    }

    /// On a quadratic with exact line searches BFGS ends in n steps; with
    /// Wolfe steps it still ends far sooner than gradient descent would
    /// on a condition number of 1e4.
    #[test]
    fn solves_an_ill_conditioned_quadratic() {
        let scales = [1.0, 10.0, 100.0, 1e3, 1e4];
        let mut quadratic = |x: &[f64]| {
            let f = x.iter().zip(scales).map(|(v, s)| 0.5 * s * v * v).sum();
            (f, x.iter().zip(scales).map(|(v, s)| s * v).collect())
        };
        let mut bfgs = Bfgs::new(5, true);
        let out = bfgs.run(vec![1.0; 5], 40, &mut quadratic);
        assert!(out.f < 1e-20, "f = {:e} after 40 iterations", out.f);
    }

    #[test]
    fn state_round_trips() {
        let mut bfgs = Bfgs::new(3, true);
        bfgs.run(vec![0.5, -0.5, 2.0], 3, &mut rosenbrock);
        let again = Bfgs::from_vec(&bfgs.to_vec(), 3, true).expect("a state of 3");
        assert_eq!(again.h, bfgs.h);
        assert_eq!(again.f_previous, bfgs.f_previous);
        assert!(Bfgs::from_vec(&bfgs.to_vec(), 4, true).is_none());
    }
}
