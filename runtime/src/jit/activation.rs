//! An activation's derivatives `[σ(z), σ'(z), ..., σ^(n)(z)]` at one
//! point, in float64, for the JIT back end's jets.
//!
//! The same recurrences as the burn back end (`crate::activation`), on
//! numbers: tanh and the logistic sigmoid solve Riccati equations
//! `f' = c₀ + c₁ f + c₂ f²`, so their higher derivatives follow from
//! Leibniz's rule on lower ones; sin cycles; swish and GELU are `z g(z)`.

use physc_compiler::model::Activation;
use physc_compiler::program::interp::erf;

/// Writes `σ^(k)(z)` into `out[k]` for every k in `out`.
pub fn derivatives(activation: Activation, z: f64, out: &mut [f64]) {
    let n = out.len() - 1;
    match activation {
        Activation::Tanh => {
            // 1 - 2/(e^(2z) + 1): cheaper than tanh; saturates correctly.
            out[0] = 1.0 - 2.0 / ((2.0 * z).exp() + 1.0);
            riccati(out, [1.0, 0.0, -1.0]);
        }
        Activation::Sin => {
            let (s, c) = z.sin_cos();
            for (k, o) in out.iter_mut().enumerate() {
                *o = [s, c, -s, -c][k % 4];
            }
        }
        Activation::Softplus => {
            // softplus' is the logistic sigmoid g, with g' = g - g².
            out[0] = z.max(0.0) + (-z.abs()).exp().ln_1p();
            if n > 0 {
                out[1] = logistic(z);
                riccati(&mut out[1..], [0.0, 1.0, -1.0]);
            }
        }
        // (z g)^(k) = z g^(k) + k g^(k-1)
        Activation::Swish => {
            let mut g = vec![0.0; n + 1];
            g[0] = logistic(z);
            riccati(&mut g, [0.0, 1.0, -1.0]);
            times_z(z, &g, out);
        }
        // (z Φ)^(k) = z Φ^(k) + k Φ^(k-1), Φ^(j) = (-1)^(j-1) He_(j-1)(z) φ(z)
        Activation::Gelu => {
            let phi = (-0.5 * z * z).exp() / (2.0 * std::f64::consts::PI).sqrt();
            let mut big_phi = vec![0.5 * (1.0 + erf(z * std::f64::consts::FRAC_1_SQRT_2))];
            let (mut he_prev, mut he) = (0.0, 1.0); // He_(-1) (unused), He_0
            for j in 1..=n {
                let sign = if (j - 1) % 2 == 0 { 1.0 } else { -1.0 };
                big_phi.push(sign * he * phi);
                // He_(j) = z He_(j-1) - (j-1) He_(j-2)
                let next = z * he - (j - 1) as f64 * he_prev;
                he_prev = he;
                he = next;
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

/// Fills `f[1..]` from `f[0]` for `f' = c₀ + c₁ f + c₂ f²`:
/// `f^(k+1) = c₁ f^(k) + c₂ Σ_j C(k, j) f^(j) f^(k-j)` (plus c₀ for k = 0).
fn riccati(f: &mut [f64], [c0, c1, c2]: [f64; 3]) {
    for k in 0..f.len() - 1 {
        let mut binomial = 1.0;
        let mut sum = 0.0;
        for j in 0..=k {
            sum += binomial * f[j] * f[k - j];
            binomial = binomial * (k - j) as f64 / (j + 1) as f64;
        }
        f[k + 1] = c1 * f[k] + c2 * sum + if k == 0 { c0 } else { 0.0 };
    }
}

fn times_z(z: f64, g: &[f64], out: &mut [f64]) {
    for k in 0..out.len() {
        out[k] = z * g[k] + if k > 0 { k as f64 * g[k - 1] } else { 0.0 };
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Each derivative against a central difference of the one below.
    #[test]
    fn derivatives_match_central_differences() {
        for (_, activation) in Activation::ALL {
            for z in [-2.3, -0.4, 0.0, 0.9, 3.1] {
                let (h, n) = (1e-5, 4);
                let (mut at, mut up, mut down) = (vec![0.0; n + 1], vec![0.0; n + 1], vec![0.0; n + 1]);
                derivatives(*activation, z, &mut at);
                derivatives(*activation, z + h, &mut up);
                derivatives(*activation, z - h, &mut down);
                for k in 0..n {
                    let fd = (up[k] - down[k]) / (2.0 * h);
                    assert!(
                        (fd - at[k + 1]).abs() < 1e-6 * at[k + 1].abs().max(1.0),
                        "{activation:?} order {} at {z}: {} vs {fd}",
                        k + 1,
                        at[k + 1]
                    );
                }
            }
        }
    }
}
