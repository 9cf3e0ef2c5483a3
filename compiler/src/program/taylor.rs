//! Truncated multivariate Taylor polynomials, the reference interpreter's
//! arithmetic of jets.
//!
//! Input: the multi-indices a network's jets must reach. Output: a
//! [`Basis`] of every index below them, with products and composition with
//! a univariate series; and the activations' Taylor series at a point,
//! computed by power-series arithmetic ([`series`]) rather than by
//! derivative formulas, so that they check the back ends' formulas
//! independently. Invariant: `c[k]` is `d^alpha f / alpha!` for
//! `alpha = indices[k]`, the zero index first.

use super::MultiIndex;
use crate::model::Activation;

/// Truncated Taylor polynomials over a downward-closed set of
/// multi-indices: `c[k]` is `d^alpha f / alpha!` for `alpha = indices[k]`.
pub(crate) struct Basis {
    pub(crate) indices: Vec<Vec<u8>>,
    /// For each index, the pairs `(beta, alpha - beta)` of positions.
    products: Vec<Vec<(usize, usize)>>,
    pub(crate) max_order: usize,
}

/// Every multi-index below one of `wanted` (componentwise), the zero index
/// included: lowest total order first, then earlier inputs first.
pub(crate) fn below(wanted: &[MultiIndex], inputs: usize) -> Vec<Vec<u8>> {
    let mut indices: Vec<Vec<u8>> = vec![vec![0; inputs]];
    for w in wanted {
        let mut below: Vec<Vec<u8>> = vec![vec![]];
        for &top in w.iter() {
            below = below
                .into_iter()
                .flat_map(|prefix| {
                    (0..=top).map(move |o| {
                        let mut next = prefix.clone();
                        next.push(o);
                        next
                    })
                })
                .collect();
        }
        for b in below {
            if !indices.contains(&b) {
                indices.push(b);
            }
        }
    }
    indices.sort_by_key(|a| (order(a), std::cmp::Reverse(a.clone())));
    indices
}

/// The total order |α|.
fn order(alpha: &[u8]) -> usize {
    alpha.iter().map(|&o| o as usize).sum()
}

impl Basis {
    /// The indices below `wanted` (componentwise), the zero index first.
    pub(crate) fn new(wanted: &[MultiIndex], inputs: usize) -> Basis {
        let indices = below(wanted, inputs);
        let position = |a: &[u8]| indices.iter().position(|x| x == a);
        let products = indices
            .iter()
            .map(|alpha| {
                indices
                    .iter()
                    .enumerate()
                    .filter(|(_, beta)| beta.iter().zip(alpha).all(|(b, a)| b <= a))
                    .map(|(k, beta)| {
                        let rest: Vec<u8> = alpha.iter().zip(beta).map(|(a, b)| a - b).collect();
                        (k, position(&rest).expect("downward closed"))
                    })
                    .collect()
            })
            .collect();
        let max_order = indices.iter().map(|a| order(a)).max().unwrap_or(0);
        Basis {
            indices,
            products,
            max_order,
        }
    }

    pub(crate) fn len(&self) -> usize {
        self.indices.len()
    }

    pub(crate) fn mul(&self, p: &[f64], q: &[f64]) -> Vec<f64> {
        self.products
            .iter()
            .map(|pairs| pairs.iter().map(|&(b, r)| p[b] * q[r]).sum())
            .collect()
    }

    /// `f(z)` from `f`'s Taylor coefficients at `z[0]`: `sum_k f_k h^k`
    /// with `h = z - z[0]`.
    pub(crate) fn compose(&self, f: &[f64], z: &[f64]) -> Vec<f64> {
        let mut h = z.to_vec();
        h[0] = 0.0;
        let mut out = vec![0.0; self.len()];
        let mut power = vec![0.0; self.len()];
        power[0] = 1.0;
        for fk in f.iter().take(self.max_order + 1) {
            for (o, p) in out.iter_mut().zip(&power) {
                *o += fk * p;
            }
            power = self.mul(&power, &h);
        }
        out
    }

    /// The derivative `d^alpha` from the coefficient at `alpha`.
    pub(crate) fn derivative(&self, c: &[f64], k: usize) -> f64 {
        c[k] * self.factorial(k)
    }

    /// `alpha!` for `alpha = indices[k]`.
    pub(crate) fn factorial(&self, k: usize) -> f64 {
        self.indices[k]
            .iter()
            .map(|&o| (1..=o as u32).map(f64::from).product::<f64>())
            .product()
    }
}

/// Univariate Taylor coefficients of an activation at `z0`, to order `n`.
pub(crate) fn activation_series(activation: Activation, z0: f64, n: usize) -> Vec<f64> {
    let z = series::variable(z0, n);
    match activation {
        Activation::Tanh => {
            // 1 - 2 / (e^(2z) + 1)
            let e = series::exp(&series::scale(&z, 2.0));
            let r = series::recip(&series::shift(&e, 1.0));
            series::shift(&series::scale(&r, -2.0), 1.0)
        }
        Activation::Sin => series::sin(z0, n),
        Activation::Softplus => series::log(&series::shift(&series::exp(&z), 1.0)),
        Activation::Swish => series::mul(&z, &sigmoid(&z)),
        Activation::Sigmoid => sigmoid(&z),
        Activation::Gelu => series::mul(&z, &normal_cdf(z0, n)),
    }
}

fn sigmoid(z: &[f64]) -> Vec<f64> {
    series::recip(&series::shift(&series::exp(&series::scale(z, -1.0)), 1.0))
}

/// `Phi(z0 + t)`, the standard normal distribution, from `Phi' = phi`.
fn normal_cdf(z0: f64, n: usize) -> Vec<f64> {
    let z = series::variable(z0, n);
    let square = series::mul(&z, &z);
    let phi = series::scale(
        &series::exp(&series::scale(&square, -0.5)),
        1.0 / (2.0 * std::f64::consts::PI).sqrt(),
    );
    let mut out = vec![0.5 * (1.0 + series::erf(z0 / std::f64::consts::SQRT_2))];
    out.extend((1..=n).map(|k| phi[k - 1] / k as f64));
    out
}

/// The error function the interpreter uses, for other float64 evaluators.
pub use series::erf;

/// Truncated power series in one variable: `s[k]` is the coefficient of
/// `t^k`.
pub(crate) mod series {
    pub fn variable(z0: f64, n: usize) -> Vec<f64> {
        let mut s = vec![0.0; n + 1];
        s[0] = z0;
        if n > 0 {
            s[1] = 1.0;
        }
        s
    }

    pub fn scale(s: &[f64], c: f64) -> Vec<f64> {
        s.iter().map(|v| v * c).collect()
    }

    pub fn shift(s: &[f64], c: f64) -> Vec<f64> {
        let mut out = s.to_vec();
        out[0] += c;
        out
    }

    pub fn mul(p: &[f64], q: &[f64]) -> Vec<f64> {
        (0..p.len())
            .map(|k| (0..=k).map(|j| p[j] * q[k - j]).sum())
            .collect()
    }

    /// `b = e^a`: `b' = a' b`, so `k b_k = sum_j j a_j b_(k-j)`.
    pub fn exp(a: &[f64]) -> Vec<f64> {
        let mut b = vec![a[0].exp()];
        for k in 1..a.len() {
            let sum: f64 = (1..=k).map(|j| j as f64 * a[j] * b[k - j]).sum();
            b.push(sum / k as f64);
        }
        b
    }

    /// `q = 1 / p`: `p q = 1`.
    pub fn recip(p: &[f64]) -> Vec<f64> {
        let mut q = vec![1.0 / p[0]];
        for k in 1..p.len() {
            let sum: f64 = (1..=k).map(|j| p[j] * q[k - j]).sum();
            q.push(-sum / p[0]);
        }
        q
    }

    /// `l = log p`: `p l' = p'`.
    pub fn log(p: &[f64]) -> Vec<f64> {
        let mut l = vec![p[0].ln()];
        for k in 1..p.len() {
            let sum: f64 = (1..k).map(|j| j as f64 * l[j] * p[k - j]).sum();
            l.push((k as f64 * p[k] - sum) / (k as f64 * p[0]));
        }
        l
    }

    /// `sin(z0 + t)`: `sin(z0 + k pi/2) / k!`.
    pub fn sin(z0: f64, n: usize) -> Vec<f64> {
        let mut factorial = 1.0;
        (0..=n)
            .map(|k| {
                if k > 0 {
                    factorial *= k as f64;
                }
                (z0 + k as f64 * std::f64::consts::FRAC_PI_2).sin() / factorial
            })
            .collect()
    }

    pub use crate::ir::erf;
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Each activation's series against its derivatives at a point, by
    /// closed forms where they are short.
    #[test]
    fn activation_series_match_closed_forms() {
        let z = 0.37;
        let t = activation_series(Activation::Tanh, z, 3);
        let th = z.tanh();
        assert!((t[0] - th).abs() < 1e-15);
        assert!((t[1] - (1.0 - th * th)).abs() < 1e-15);
        // tanh'' = -2 tanh (1 - tanh^2), coefficient /2.
        assert!((t[2] - (-th * (1.0 - th * th))).abs() < 1e-15);
        let s = activation_series(Activation::Softplus, z, 2);
        let g = 1.0 / (1.0 + (-z).exp());
        assert!((s[0] - (1.0 + z.exp()).ln()).abs() < 1e-15);
        assert!((s[1] - g).abs() < 1e-15);
        assert!((s[2] - g * (1.0 - g) / 2.0).abs() < 1e-15);
        let sig = activation_series(Activation::Sigmoid, z, 2);
        assert!((sig[0] - g).abs() < 1e-15);
        assert!((sig[1] - g * (1.0 - g)).abs() < 1e-15);
        assert!((sig[2] - g * (1.0 - g) * (1.0 - 2.0 * g) / 2.0).abs() < 1e-15);
        let w = activation_series(Activation::Swish, z, 1);
        assert!((w[0] - z * g).abs() < 1e-15);
        assert!((w[1] - (g + z * g * (1.0 - g))).abs() < 1e-15);
        let phi = (-z * z / 2.0).exp() / (2.0 * std::f64::consts::PI).sqrt();
        let cdf = 0.5 * (1.0 + series::erf(z / std::f64::consts::SQRT_2));
        let gelu = activation_series(Activation::Gelu, z, 1);
        assert!((gelu[0] - z * cdf).abs() < 1e-15);
        assert!((gelu[1] - (cdf + z * phi)).abs() < 1e-15);
    }

    /// erf against reference values (Abramowitz and Stegun, table 7.1, and
    /// erfc(4) for the continued fraction).
    #[test]
    fn erf_matches_tables() {
        for (x, want) in [
            (0.5, 0.520_499_877_813_046_5),
            (1.0, 0.842_700_792_949_714_9),
            (2.0, 0.995_322_265_018_952_7),
            (-1.5, -0.966_105_146_475_310_7),
        ] {
            assert!((series::erf(x) - want).abs() < 1e-14, "erf({x})");
        }
        assert!((series::erf(4.0) - (1.0 - 1.541_725_790_028_002e-8)).abs() < 1e-15);
    }

    /// A jet composed through the basis: `exp(x y)` to second order.
    #[test]
    fn composed_jets_are_taylor_coefficients() {
        let wanted: Vec<MultiIndex> = vec![vec![2, 0].into(), vec![1, 1].into(), vec![0, 2].into()];
        let basis = Basis::new(&wanted, 2);
        let (x, y) = (0.3, -0.8);
        let var = |v: f64, axis: usize| {
            let mut c = vec![0.0; basis.len()];
            c[0] = v;
            let k = basis
                .indices
                .iter()
                .position(|a| a.iter().enumerate().all(|(j, &o)| o == u8::from(j == axis)))
                .expect("first order");
            c[k] = 1.0;
            c
        };
        let xy = basis.mul(&var(x, 0), &var(y, 1));
        let e = basis.compose(&series::exp(&series::variable(xy[0], 2)), &xy);
        let at = |alpha: [u8; 2]| {
            let k = basis
                .indices
                .iter()
                .position(|a| a[..] == alpha)
                .expect("in basis");
            basis.derivative(&e, k)
        };
        let v = (x * y).exp();
        assert!((at([0, 0]) - v).abs() < 1e-15);
        assert!((at([1, 0]) - y * v).abs() < 1e-15);
        assert!((at([2, 0]) - y * y * v).abs() < 1e-15);
        assert!((at([1, 1]) - (1.0 + x * y) * v).abs() < 1e-15);
        assert!((at([0, 2]) - x * x * v).abs() < 1e-15);
    }
}
