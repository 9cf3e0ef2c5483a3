//! Gauss-Legendre quadrature: the integrals of conserved quantities.
//!
//! Input: a number of nodes `n`. Output: the nodes and weights on
//! `[-1, 1]`, exact for polynomials of degree `2n - 1`, found by Newton's
//! method on the Legendre polynomial `P_n` from Chebyshev-like guesses
//! (converged to a few ulps in float64). [`nodes_per_axis`] says how many
//! nodes an integral over `d` coordinates uses on each: a tensor product
//! of a few hundred nodes at most, each a network evaluation per point.
//! [`Lowerer`]'s integrals (of conserved quantities) are the weighted sums
//! of the integrand at the nodes, its fields read there (`Apply`).

use super::lower::Lowerer;
use super::subst::Substitution;
use super::*;
use crate::model::{self, CoordId};

impl Lowerer<'_> {
    /// The integral of `e` over the intervals of coordinates `over`, by
    /// Gauss-Legendre quadrature on their tensor product: `e` at each node
    /// (its fields read there), weighted.
    pub(super) fn integral(&mut self, e: ExprId, over: &[CoordId]) -> Result<ExprId, String> {
        let n = nodes_per_axis(over.len());
        let (unit_nodes, unit_weights) = gauss_legendre(n);
        let mut axes = vec![];
        for &c in over {
            let (lo, hi) = self.interval(c).ok_or_else(|| {
                format!(
                    "`{}` does not range over an interval, which integrals need",
                    self.model.coord(c).name
                )
            })?;
            let (mid, half) = ((lo + hi) / 2.0, (hi - lo) / 2.0);
            let nodes: Vec<f64> = unit_nodes.iter().map(|x| mid + half * x).collect();
            let weights: Vec<f64> = unit_weights.iter().map(|w| half * w).collect();
            axes.push((c, nodes, weights));
        }
        let mut terms = vec![];
        for k in 0..n.pow(over.len() as u32) {
            let mut replace = HashMap::new();
            let mut weight = 1.0;
            let mut rest = k;
            for (c, nodes, weights) in &axes {
                let (node, w) = (nodes[rest % n], weights[rest % n]);
                rest /= n;
                replace.insert(*c, self.graph.num(node));
                weight *= w;
            }
            let at = Substitution::new(&replace, &self.function_coords).apply(&mut self.graph, e);
            let w = self.graph.num(weight);
            terms.push(self.graph.mul(&[w, at]));
        }
        Ok(self.graph.add(&terms))
    }

    /// The interval coordinate `c` ranges over in the fields' domains.
    fn interval(&self, c: CoordId) -> Option<(f64, f64)> {
        self.model.functions.iter().find_map(|f| {
            f.domain
                .as_ref()?
                .factors
                .iter()
                .find_map(|factor| match factor {
                    model::Factor::Interval { coord, lo, hi } if *coord == c => Some((*lo, *hi)),
                    _ => None,
                })
        })
    }
}

/// Nodes per coordinate of an integral over `dims` coordinates.
pub fn nodes_per_axis(dims: usize) -> usize {
    match dims {
        0 | 1 => 32,
        2 => 12,
        _ => 6,
    }
}

/// The `n` nodes of Gauss-Legendre quadrature on `[-1, 1]`, ascending,
/// and their weights.
pub fn gauss_legendre(n: usize) -> (Vec<f64>, Vec<f64>) {
    let mut nodes = vec![0.0; n];
    let mut weights = vec![0.0; n];
    for i in 0..n.div_ceil(2) {
        let mut x = (std::f64::consts::PI * (i as f64 + 0.75) / (n as f64 + 0.5)).cos();
        let mut derivative = 0.0;
        for _ in 0..100 {
            let (p, dp) = legendre(n, x);
            derivative = dp;
            let step = p / dp;
            x -= step;
            if step.abs() < 1e-16 {
                break;
            }
        }
        let w = 2.0 / ((1.0 - x * x) * derivative * derivative);
        nodes[i] = -x;
        nodes[n - 1 - i] = x;
        weights[i] = w;
        weights[n - 1 - i] = w;
    }
    (nodes, weights)
}

/// Nodes in `(0, 1)` and weights of `∫_0^1 ξ^b f(ξ) dξ ≈ Σ w_j f(ξ_j)`
/// for `b > -1`, the weakly singular integrals of fractional operators.
/// Product integration on the `n` Gauss-Legendre nodes: `f` is replaced
/// by its interpolating polynomial, written in shifted Legendre
/// polynomials `P̃_k(ξ) = P_k(2ξ - 1)` (coefficients by the discrete
/// Legendre transform, exact below degree `n`), whose moments against
/// `ξ^b` are [`singular_moments`]. Exact for polynomials of degree below
/// `n`; spectrally accurate for smooth `f`.
pub fn singular_rule(b: f64, n: usize) -> (Vec<f64>, Vec<f64>) {
    let (nodes, basis) = singular_basis(n);
    let moments = singular_moments(b, n);
    let weights = basis
        .iter()
        .map(|row| row.iter().zip(&moments).map(|(c, m)| c * m).sum())
        .collect();
    (nodes, weights)
}

/// The singular rule's nodes and, for each, the coefficients `c_jk` of
/// its weight `w_j = Σ_k c_jk M_k(b)` in the moments `M_k` (so a weight
/// can be built for an order known only as an expression).
pub fn singular_basis(n: usize) -> (Vec<f64>, Vec<Vec<f64>>) {
    let (unit_nodes, unit_weights) = gauss_legendre(n);
    let nodes = unit_nodes.iter().map(|x| (1.0 + x) / 2.0).collect();
    let basis = unit_nodes
        .iter()
        .zip(&unit_weights)
        .map(|(&x, &w)| {
            let (mut p0, mut p1) = (1.0, x);
            let mut row = vec![w / 2.0];
            for k in 1..n {
                row.push(w / 2.0 * (2 * k + 1) as f64 * p1);
                let kf = k as f64 + 1.0;
                (p0, p1) = (p1, ((2.0 * kf - 1.0) * x * p1 - (kf - 1.0) * p0) / kf);
            }
            row
        })
        .collect();
    (nodes, basis)
}

/// `M_k(b) = ∫_0^1 ξ^b P̃_k(ξ) dξ = b(b-1)...(b-k+1) / ((b+1)...(b+k+1))`
/// for `k < n`: `M_0 = 1/(b + 1)`, `M_(k+1) = M_k (b - k)/(b + k + 2)`.
pub fn singular_moments(b: f64, n: usize) -> Vec<f64> {
    let mut moments = Vec::with_capacity(n);
    let mut m = 1.0 / (b + 1.0);
    for k in 0..n {
        moments.push(m);
        let k = k as f64;
        m *= (b - k) / (b + k + 2.0);
    }
    moments
}

/// `P_n(x)` and `P_n'(x)`, by the three-term recurrence.
fn legendre(n: usize, x: f64) -> (f64, f64) {
    let (mut p0, mut p1) = (1.0, x);
    if n == 0 {
        return (1.0, 0.0);
    }
    for k in 2..=n {
        let k = k as f64;
        let p2 = ((2.0 * k - 1.0) * x * p1 - (k - 1.0) * p0) / k;
        p0 = p1;
        p1 = p2;
    }
    let n = n as f64;
    (p1, n * (x * p1 - p0) / (x * x - 1.0))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Exact for every monomial up to degree `2n - 1`, against `∫ x^k`.
    #[test]
    fn gauss_legendre_integrates_polynomials_exactly() {
        for n in [1, 2, 5, 12, 32] {
            let (x, w) = gauss_legendre(n);
            for k in 0..2 * n {
                let got: f64 = x.iter().zip(&w).map(|(x, w)| w * x.powi(k as i32)).sum();
                let want = if k % 2 == 1 {
                    0.0
                } else {
                    2.0 / (k as f64 + 1.0)
                };
                assert!(
                    (got - want).abs() < 1e-13,
                    "n = {n}, x^{k}: {got} against {want}"
                );
            }
        }
    }

    /// The singular rule integrates `ξ^(b+k)` exactly below degree `n`,
    /// and `ξ^b e^ξ` to 1e-14 against its series `Σ 1/(j! (b + j + 1))`.
    #[test]
    fn singular_rule_meets_moments_and_a_series() {
        for b in [-0.8, -0.5, -0.2, 0.0, 0.7] {
            let (x, w) = singular_rule(b, 16);
            assert!(x.iter().all(|&x| x > 0.0 && x < 1.0));
            for k in 0..16 {
                let got: f64 = x.iter().zip(&w).map(|(x, w)| w * x.powi(k)).sum();
                let want = 1.0 / (b + k as f64 + 1.0);
                assert!(
                    (got - want).abs() < 1e-13 * want.max(1.0),
                    "b = {b}, k = {k}"
                );
            }
            let got: f64 = x.iter().zip(&w).map(|(x, w)| w * x.exp()).sum();
            let (mut want, mut factorial) = (0.0, 1.0);
            for j in 0..40 {
                if j > 0 {
                    factorial *= j as f64;
                }
                want += 1.0 / (factorial * (b + j as f64 + 1.0));
            }
            assert!(
                (got - want).abs() < 1e-14 * want,
                "b = {b}: {got} against {want}"
            );
        }
    }

    /// The three-node rule's closed form: `±sqrt(3/5)`, `0`; `5/9, 8/9`.
    #[test]
    fn three_nodes_are_the_closed_form() {
        let (x, w) = gauss_legendre(3);
        let r = (0.6f64).sqrt();
        for (got, want) in x.iter().zip([-r, 0.0, r]) {
            assert!((got - want).abs() < 1e-15);
        }
        for (got, want) in w.iter().zip([5.0 / 9.0, 8.0 / 9.0, 5.0 / 9.0]) {
            assert!((got - want).abs() < 1e-15);
        }
    }
}
