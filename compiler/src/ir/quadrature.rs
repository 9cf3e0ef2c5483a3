//! Gauss-Legendre quadrature: the integrals of conserved quantities.
//!
//! Input: a number of nodes `n`. Output: the nodes and weights on
//! `[-1, 1]`, exact for polynomials of degree `2n - 1`, found by Newton's
//! method on the Legendre polynomial `P_n` from Chebyshev-like guesses
//! (converged to a few ulps in float64). [`nodes_per_axis`] says how many
//! nodes an integral over `d` coordinates uses on each: a tensor product
//! of a few hundred nodes at most, each a network evaluation per point.

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
