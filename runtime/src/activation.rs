//! An activation's derivatives `[σ(z), σ'(z), ..., σ^(n)(z)]` on burn
//! tensors, as few tensor operations as possible: they run once per hidden
//! layer per step, on every point.
//!
//! Two savings matter on the CPU backend. First, burn's autodiff recomputes
//! `tanh`, `sin`, `exp` and the sigmoid from their input in the reverse pass,
//! although the jet has already computed the derivative; so the
//! transcendental value is computed on detached tensors and reattached by
//! its first-order expansion `v = v₀ + v'₀ (z - z₀)` (exactly `v₀` in value,
//! slope `v'₀` in the reverse pass: `attach`). Second, tanh and the
//! logistic sigmoid solve Riccati equations `f' = c₀ + c₁ f + c₂ f²`, so
//! their higher derivatives follow from Leibniz's rule on products of lower
//! ones (`riccati`) instead of polynomials evaluated from scratch.

use crate::jets;
use burn::tensor::{Tensor, activation};
use physc_compiler::model::Activation;

/// `[σ(z), σ'(z), ..., σ^(n)(z)]`, each carrying its gradient.
pub fn derivatives(activation: Activation, z: Tensor<2>, n: u32) -> Vec<Tensor<2>> {
    let z0 = z.clone().detach();
    let dz = z.clone() - z0.clone();
    match activation {
        Activation::Tanh => {
            // 1 - 2/(e^(2z) + 1): exp is cheaper than tanh on the CPU
            // backend; near 0 the error is an ulp of 1, not of tanh.
            let s0 = z0
                .mul_scalar(2.0)
                .exp()
                .add_scalar(1.0)
                .recip()
                .mul_scalar(-2.0)
                .add_scalar(1.0);
            let slope = s0.clone().powi_scalar(2).neg().add_scalar(1.0);
            riccati(attach(&dz, s0, slope), [1.0, 0.0, -1.0], n)
        }
        Activation::Sin => {
            let (s0, c0) = (z0.clone().sin(), z0.cos());
            let s = attach(&dz, s0.clone(), c0.clone());
            let c = attach(&dz, c0, s0.neg());
            (0..=n)
                .map(|k| match k % 4 {
                    0 => s.clone(),
                    1 => c.clone(),
                    2 => -s.clone(),
                    _ => -c.clone(),
                })
                .collect()
        }
        // softplus' is the logistic sigmoid g, and g' = g - g².
        Activation::Softplus => {
            let g = logistic(&dz, z0.clone());
            let mut out = vec![attach(
                &dz,
                activation::softplus(z0, 1.0),
                g.clone().detach(),
            )];
            if n > 0 {
                out.extend(riccati(g, [0.0, 1.0, -1.0], n - 1));
            }
            out
        }
        // The logistic sigmoid g, with g' = g - g².
        Activation::Sigmoid => riccati(logistic(&dz, z0), [0.0, 1.0, -1.0], n),
        // (z g)^(k) = z g^(k) + k g^(k-1)
        Activation::Swish => {
            let g = riccati(logistic(&dz, z0), [0.0, 1.0, -1.0], n);
            times_z(&z, &g)
        }
        // (z Φ)^(k) = z Φ^(k) + k Φ^(k-1), Φ^(j) = (-1)^(j-1) He_(j-1)(z) φ(z)
        Activation::Gelu => {
            let phi0 = (z0.clone().powi_scalar(2).mul_scalar(-0.5))
                .exp()
                .mul_scalar(1.0 / (2.0 * std::f64::consts::PI).sqrt());
            let cdf0 = (z0.clone().mul_scalar(std::f64::consts::FRAC_1_SQRT_2))
                .erf()
                .add_scalar(1.0)
                .mul_scalar(0.5);
            let phi = attach(&dz, phi0.clone(), (z0 * phi0.clone()).neg());
            let mut big_phi = vec![attach(&dz, cdf0, phi0)];
            let hermite = hermite_polynomials(n as usize);
            for j in 1..=n as usize {
                let sign = if (j - 1) % 2 == 0 { 1.0 } else { -1.0 };
                big_phi.push(polynomial(&hermite[j - 1], &z) * phi.clone().mul_scalar(sign));
            }
            times_z(&z, &big_phi)
        }
    }
}

/// `v₀ + slope₀ · dz` where `dz = z - z₀` is zero: the value `v₀` exactly,
/// with gradient `slope₀` with respect to `z`.
fn attach(dz: &Tensor<2>, value: Tensor<2>, slope: Tensor<2>) -> Tensor<2> {
    dz.clone() * slope + value
}

/// The logistic sigmoid of `z = z₀ + dz`, attached.
fn logistic(dz: &Tensor<2>, z0: Tensor<2>) -> Tensor<2> {
    let g0 = activation::sigmoid(z0);
    let slope = g0.clone() - g0.clone().powi_scalar(2);
    attach(dz, g0, slope)
}

/// `[f, f', ..., f^(n)]` for `f' = c₀ + c₁ f + c₂ f²`, by
/// `f^(k+1) = c₁ f^(k) + c₂ Σ_j C(k, j) f^(j) f^(k-j)`.
fn riccati(f: Tensor<2>, [c0, c1, c2]: [f64; 3], n: u32) -> Vec<Tensor<2>> {
    let mut out = vec![f.clone()];
    if n == 0 {
        return out;
    }
    let mut first = f.clone().powi_scalar(2).mul_scalar(c2);
    if c1 != 0.0 {
        first = first + f.mul_scalar(c1);
    }
    out.push(if c0 != 0.0 {
        first.add_scalar(c0)
    } else {
        first
    });
    for k in 1..n as usize {
        let mut next: Option<Tensor<2>> = None;
        // Pairs j < k - j appear twice in the sum; the middle one once.
        for j in 0..=k / 2 {
            let twice = if 2 * j == k { 1.0 } else { 2.0 };
            let coefficient = c2 * twice * binomial(k, j);
            let term = scaled(out[j].clone() * out[k - j].clone(), coefficient);
            next = Some(match next {
                None => term,
                Some(sum) => sum + term,
            });
        }
        let mut next = next.expect("k >= 1 has a term");
        if c1 != 0.0 {
            next = next + scaled(out[k].clone(), c1);
        }
        out.push(next);
    }
    out
}

/// `[(z g)^(0), ..., (z g)^(n)]` from `g`'s derivatives: `z g^(k) + k g^(k-1)`.
fn times_z(z: &Tensor<2>, g: &[Tensor<2>]) -> Vec<Tensor<2>> {
    (0..g.len())
        .map(|k| {
            let own = z.clone() * g[k].clone();
            if k == 0 {
                own
            } else {
                own + scaled(g[k - 1].clone(), k as f64)
            }
        })
        .collect()
}

fn scaled(t: Tensor<2>, c: f64) -> Tensor<2> {
    if c == 1.0 { t } else { t.mul_scalar(c) }
}

fn binomial(n: usize, k: usize) -> f64 {
    (0..k).fold(1.0, |acc, i| acc * (n - i) as f64 / (i + 1) as f64)
}

/// Probabilists' Hermite polynomials He_0 ..= He_n.
fn hermite_polynomials(n: usize) -> Vec<jets::Poly> {
    let mut out: Vec<jets::Poly> = vec![vec![1.0], vec![0.0, 1.0]];
    for k in 1..n {
        let mut next = vec![0.0; k + 2];
        for (i, c) in out[k].iter().enumerate() {
            next[i + 1] += c;
        }
        for (i, c) in out[k - 1].iter().enumerate() {
            next[i] -= k as f64 * c;
        }
        out.push(next);
    }
    out.truncate(n + 1);
    out
}

/// `p(s)` on a tensor by Horner's rule, starting from the leading term.
fn polynomial(p: &[f64], s: &Tensor<2>) -> Tensor<2> {
    let Some((&lead, rest)) = p.split_last() else {
        return s.zeros_like();
    };
    if rest.is_empty() {
        return s.zeros_like().add_scalar(lead);
    }
    let mut acc = s.clone().mul_scalar(lead);
    for (i, &c) in rest.iter().enumerate().rev() {
        if c != 0.0 {
            acc = acc.add_scalar(c);
        }
        if i > 0 {
            acc = acc * s.clone();
        }
    }
    acc
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn binomials() {
        assert_eq!(binomial(4, 2), 6.0);
        assert_eq!(binomial(5, 0), 1.0);
        assert_eq!(binomial(5, 5), 1.0);
    }
}
