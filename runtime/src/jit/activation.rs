//! An activation's derivatives `[σ(z), σ'(z), ..., σ^(n)(z)]` at one
//! point, in float64, for the JIT back end's jets.
//!
//! The same recurrences as the burn back end (`crate::activation`), on
//! numbers: tanh and the logistic sigmoid solve Riccati equations
//! `f' = c₀ + c₁ f + c₂ f²`, so their higher derivatives follow from
//! Leibniz's rule on lower ones; sin cycles; swish and GELU are `z g(z)`.

use physc_compiler::model::Activation;
use physc_compiler::program::interp::erf;

/// `σ^(k)(z_e)` for every k below `orders`, into `out` as `orders` blocks
/// of `z.len()` values (block k holds the k-th derivative). Array by
/// array, so the recurrences vectorise; only σ itself is per value.
pub fn derivatives(activation: Activation, z: &[f64], orders: usize, out: &mut Vec<f64>) {
    let n = z.len();
    out.clear();
    out.resize(orders * n, 0.0);
    match activation {
        Activation::Tanh => {
            // 1 - 2/(e^(2z) + 1): cheaper than tanh; saturates correctly.
            for (o, &v) in out.iter_mut().zip(z) {
                *o = 1.0 - 2.0 / ((2.0 * v).exp() + 1.0);
            }
            riccati(out, n, [1.0, 0.0, -1.0]);
        }
        Activation::Sin => {
            for (e, &v) in z.iter().enumerate() {
                let (s, c) = v.sin_cos();
                for k in 0..orders {
                    out[k * n + e] = [s, c, -s, -c][k % 4];
                }
            }
        }
        Activation::Softplus => {
            // softplus' is the logistic sigmoid g, with g' = g - g².
            for (e, &v) in z.iter().enumerate() {
                out[e] = v.max(0.0) + (-v.abs()).exp().ln_1p();
                if orders > 1 {
                    out[n + e] = logistic(v);
                }
            }
            if orders > 1 {
                riccati(&mut out[n..], n, [0.0, 1.0, -1.0]);
            }
        }
        // (z g)^(k) = z g^(k) + k g^(k-1)
        Activation::Swish => {
            let mut g = vec![0.0; orders * n];
            for (o, &v) in g.iter_mut().zip(z) {
                *o = logistic(v);
            }
            riccati(&mut g, n, [0.0, 1.0, -1.0]);
            times_z(z, &g, out);
        }
        // (z Φ)^(k) = z Φ^(k) + k Φ^(k-1), Φ^(j) = (-1)^(j-1) He_(j-1)(z) φ(z)
        Activation::Gelu => {
            let mut big_phi = vec![0.0; orders * n];
            for (e, &v) in z.iter().enumerate() {
                let phi = (-0.5 * v * v).exp() / (2.0 * std::f64::consts::PI).sqrt();
                big_phi[e] = 0.5 * (1.0 + erf(v * std::f64::consts::FRAC_1_SQRT_2));
                let (mut he_prev, mut he) = (0.0, 1.0); // He_(j-2), He_(j-1)
                for j in 1..orders {
                    let sign = if (j - 1) % 2 == 0 { 1.0 } else { -1.0 };
                    big_phi[j * n + e] = sign * he * phi;
                    let next = v * he - (j - 1) as f64 * he_prev;
                    he_prev = he;
                    he = next;
                }
            }
            times_z(z, &big_phi, out);
        }
    }
}

fn logistic(z: f64) -> f64 {
    if z >= 0.0 {
        1.0 / (1.0 + (-z).exp())
    } else {
        let e = z.exp();
        e / (1.0 + e)
    }
}

/// Fills blocks `1..` of `f` (blocks of `n`) from block 0 for
/// `f' = c₀ + c₁ f + c₂ f²`:
/// `f^(k+1) = c₁ f^(k) + c₂ Σ_j C(k, j) f^(j) f^(k-j)` (plus c₀ for k = 0).
fn riccati(f: &mut [f64], n: usize, [c0, c1, c2]: [f64; 3]) {
    let orders = f.len() / n;
    for k in 0..orders.saturating_sub(1) {
        let (lower, upper) = f.split_at_mut((k + 1) * n);
        let next = &mut upper[..n];
        let own = &lower[k * n..];
        let constant = if k == 0 { c0 } else { 0.0 };
        for (o, v) in next.iter_mut().zip(own) {
            *o = c1 * v + constant;
        }
        let mut binomial = 1.0;
        for j in 0..=k {
            let (a, b) = (&lower[j * n..][..n], &lower[(k - j) * n..][..n]);
            let c = c2 * binomial;
            for ((o, x), y) in next.iter_mut().zip(a).zip(b) {
                *o += c * x * y;
            }
            binomial = binomial * (k - j) as f64 / (j + 1) as f64;
        }
    }
}

/// `(z g)^(k) = z g^(k) + k g^(k-1)`, block by block.
fn times_z(z: &[f64], g: &[f64], out: &mut [f64]) {
    let n = z.len();
    for k in 0..out.len() / n {
        for e in 0..n {
            let lower = if k > 0 { k as f64 * g[(k - 1) * n + e] } else { 0.0 };
            out[k * n + e] = z[e] * g[k * n + e] + lower;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Each derivative against a central difference of the one below.
    #[test]
    fn derivatives_match_central_differences() {
        for (_, activation) in Activation::ALL {
            let z = [-2.3, -0.4, 0.0, 0.9, 3.1];
            let (h, orders, m) = (1e-5, 5, z.len());
            let (mut at, mut up, mut down) = (vec![], vec![], vec![]);
            derivatives(*activation, &z, orders, &mut at);
            derivatives(*activation, &z.map(|v| v + h), orders, &mut up);
            derivatives(*activation, &z.map(|v| v - h), orders, &mut down);
            for k in 0..orders - 1 {
                for e in 0..m {
                    let fd = (up[k * m + e] - down[k * m + e]) / (2.0 * h);
                    let exact = at[(k + 1) * m + e];
                    assert!(
                        (fd - exact).abs() < 1e-6 * exact.abs().max(1.0),
                        "{activation:?} order {} at {}: {exact} vs {fd}",
                        k + 1,
                        z[e]
                    );
                }
            }
        }
    }
}
