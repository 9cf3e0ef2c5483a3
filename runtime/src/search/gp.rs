//! Gaussian-process regression and expected improvement: the surrogate of
//! `physc tune`'s Bayesian optimisation (as scikit-optimize's
//! `gp_minimize`, which DeepXDE's hyperparameter example calls).
//!
//! Input: points of the unit cube and their scores, lower better. Output:
//! the posterior mean and standard deviation anywhere, and the expected
//! improvement over the best score. Matérn 5/2 kernel; the scores are
//! standardised, and the length scale and noise level are those of largest
//! marginal likelihood on a small grid.
//!
//! Invariant: the kernel matrix is factorised once per fit (Cholesky, with
//! the noise on its diagonal), so a fit of `n` points costs O(n³) and a
//! prediction O(n²): searches have tens of points.

/// Length scales tried (the cube's side is 1).
const LENGTHS: [f64; 7] = [0.05, 0.1, 0.2, 0.3, 0.5, 0.8, 1.2];
/// Noise variances tried, relative to the standardised scores' unit
/// variance: training runs are noisy.
const NOISES: [f64; 4] = [1e-6, 1e-3, 1e-2, 1e-1];

/// A fitted Gaussian process.
pub struct Gp {
    x: Vec<Vec<f64>>,
    /// The lower Cholesky factor of the kernel matrix plus noise.
    chol: Vec<Vec<f64>>,
    /// `K⁻¹ y` of the standardised scores.
    alpha: Vec<f64>,
    length: f64,
    mean: f64,
    scale: f64,
}

impl Gp {
    /// Fits scores `y` at points `x` (at least one).
    pub fn fit(x: &[Vec<f64>], y: &[f64]) -> Gp {
        let n = y.len() as f64;
        let mean = y.iter().sum::<f64>() / n;
        let var = y.iter().map(|v| (v - mean).powi(2)).sum::<f64>() / n;
        let scale = if var > 0.0 { var.sqrt() } else { 1.0 };
        let z: Vec<f64> = y.iter().map(|v| (v - mean) / scale).collect();
        let mut best: Option<(f64, Gp)> = None;
        for &length in &LENGTHS {
            for &noise in &NOISES {
                let Some(chol) = cholesky(&kernel_matrix(x, length, noise)) else {
                    continue;
                };
                let alpha = solve(&chol, &z);
                // log p(z) = -z·α/2 - Σ log L_ii - n log(2π)/2; the constant
                // is the same for every candidate.
                let fit =
                    -0.5 * dot(&z, &alpha) - (0..x.len()).map(|i| chol[i][i].ln()).sum::<f64>();
                if best.as_ref().is_none_or(|(b, _)| fit > *b) {
                    let gp = Gp {
                        x: x.to_vec(),
                        chol,
                        alpha,
                        length,
                        mean,
                        scale,
                    };
                    best = Some((fit, gp));
                }
            }
        }
        best.expect("the largest noise keeps the matrix positive definite")
            .1
    }

    /// The posterior mean and standard deviation of the score at `p`.
    pub fn predict(&self, p: &[f64]) -> (f64, f64) {
        let k: Vec<f64> = self.x.iter().map(|q| matern(p, q, self.length)).collect();
        let m = dot(&k, &self.alpha);
        let v = forward(&self.chol, &k);
        let var = (1.0 - dot(&v, &v)).max(0.0);
        (self.mean + self.scale * m, self.scale * var.sqrt())
    }
}

/// The expected improvement over `best` of a normal score of mean `mean`
/// and deviation `sd` (lower is better), less a margin `xi`.
pub fn expected_improvement(mean: f64, sd: f64, best: f64, xi: f64) -> f64 {
    let gain = best - mean - xi;
    if sd <= 0.0 {
        return gain.max(0.0);
    }
    let z = gain / sd;
    gain * normal_cdf(z) + sd * (-0.5 * z * z).exp() / (2.0 * std::f64::consts::PI).sqrt()
}

fn normal_cdf(z: f64) -> f64 {
    0.5 * erfc(-z / std::f64::consts::SQRT_2)
}

/// The complementary error function (Numerical Recipes' `erfcc`, relative
/// error below 1.2e-7: ample for an acquisition function).
fn erfc(x: f64) -> f64 {
    let t = 1.0 / (1.0 + 0.5 * x.abs());
    let poly = -x * x - 1.265_512_23
        + t * (1.000_023_68
            + t * (0.374_091_96
                + t * (0.096_784_18
                    + t * (-0.186_288_06
                        + t * (0.278_868_07
                            + t * (-1.135_203_98
                                + t * (1.488_515_87 + t * (-0.822_152_23 + t * 0.170_872_77))))))));
    let r = t * poly.exp();
    if x >= 0.0 { r } else { 2.0 - r }
}

/// Matérn 5/2 of unit variance.
fn matern(a: &[f64], b: &[f64], length: f64) -> f64 {
    let d = a
        .iter()
        .zip(b)
        .map(|(x, y)| (x - y).powi(2))
        .sum::<f64>()
        .sqrt()
        / length;
    let s = 5f64.sqrt() * d;
    (1.0 + s + s * s / 3.0) * (-s).exp()
}

fn kernel_matrix(x: &[Vec<f64>], length: f64, noise: f64) -> Vec<Vec<f64>> {
    (0..x.len())
        .map(|i| {
            (0..x.len())
                .map(|j| matern(&x[i], &x[j], length) + if i == j { noise } else { 0.0 })
                .collect()
        })
        .collect()
}

/// The lower Cholesky factor; `None` when the matrix is not positive
/// definite in floating point.
fn cholesky(a: &[Vec<f64>]) -> Option<Vec<Vec<f64>>> {
    let n = a.len();
    let mut l = vec![vec![0.0; n]; n];
    for i in 0..n {
        for j in 0..=i {
            let s = a[i][j] - (0..j).map(|k| l[i][k] * l[j][k]).sum::<f64>();
            if i == j {
                if s <= 0.0 {
                    return None;
                }
                l[i][i] = s.sqrt();
            } else {
                l[i][j] = s / l[j][j];
            }
        }
    }
    Some(l)
}

/// `L⁻¹ b`.
fn forward(l: &[Vec<f64>], b: &[f64]) -> Vec<f64> {
    let mut y = vec![0.0; b.len()];
    for i in 0..b.len() {
        y[i] = (b[i] - (0..i).map(|k| l[i][k] * y[k]).sum::<f64>()) / l[i][i];
    }
    y
}

/// `(L Lᵀ)⁻¹ b`.
fn solve(l: &[Vec<f64>], b: &[f64]) -> Vec<f64> {
    let y = forward(l, b);
    let n = b.len();
    let mut x = vec![0.0; n];
    for i in (0..n).rev() {
        x[i] = (y[i] - (i + 1..n).map(|k| l[k][i] * x[k]).sum::<f64>()) / l[i][i];
    }
    x
}

fn dot(a: &[f64], b: &[f64]) -> f64 {
    a.iter().zip(b).map(|(x, y)| x * y).sum()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A smooth function seen at eight points: the posterior mean follows
    /// it between them, and is sure of it at them.
    #[test]
    fn the_posterior_interpolates_a_smooth_function() {
        let f = |x: f64| (6.0 * x).sin() + x;
        let x: Vec<Vec<f64>> = (0..8).map(|k| vec![k as f64 / 7.0]).collect();
        let y: Vec<f64> = x.iter().map(|p| f(p[0])).collect();
        let gp = Gp::fit(&x, &y);
        for k in 0..8 {
            let (m, sd) = gp.predict(&x[k]);
            assert!(
                (m - y[k]).abs() < 1e-2,
                "at a seen point: {m} against {}",
                y[k]
            );
            assert!(sd < 0.05, "sure at a seen point: {sd}");
        }
        for p in [0.07, 0.36, 0.64, 0.93] {
            let (m, _) = gp.predict(&[p]);
            assert!((m - f(p)).abs() < 0.1, "at {p}: {m} against {}", f(p));
        }
        let (_, far) = gp.predict(&[3.0]);
        assert!(far > 0.5, "unsure far away: {far}");
    }

    #[test]
    fn expected_improvement_matches_its_closed_form() {
        // Mean at the best, unit deviation: sd * φ(0) = 1/sqrt(2π).
        let ei = expected_improvement(1.0, 1.0, 1.0, 0.0);
        assert!((ei - 1.0 / (2.0 * std::f64::consts::PI).sqrt()).abs() < 1e-7);
        // Certain scores improve by their gain, or not at all.
        assert_eq!(expected_improvement(0.5, 0.0, 1.0, 0.0), 0.5);
        assert_eq!(expected_improvement(2.0, 0.0, 1.0, 0.0), 0.0);
        // Φ(1.5) from the closed form of erfc.
        assert!((normal_cdf(1.5) - 0.933_192_798_731_141_9).abs() < 1e-7);
    }
}
