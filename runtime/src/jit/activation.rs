//! An activation's derivatives `[σ(z), σ'(z), ..., σ^(n)(z)]` over an
//! array of pre-activations, for the JIT back end's jets.
//!
//! tanh, the usual activation, runs in the float type of training, on a
//! vectorising `exp` of that type's precision; the others in float64.
//!
//! The same recurrences as the burn back end (`crate::activation`), on
//! numbers: tanh and the logistic sigmoid solve Riccati equations
//! `f' = c₀ + c₁ f + c₂ f²`, so their higher derivatives follow from
//! Leibniz's rule on lower ones; sin cycles; swish and GELU are `z g(z)`.

use super::Real;
use super::wide::wide;
use physc_compiler::model::Activation;
use physc_compiler::program::interp::erf;

/// `σ^(k)(z_e)` for every k below `orders`, into `out` as `orders` blocks
/// of `z.len()` values (block k holds the k-th derivative). Array by
/// array, so the recurrences vectorise; only σ itself is per value.
pub fn derivatives<T: Real>(
    activation: Activation,
    z: &[T],
    orders: usize,
    out: &mut Vec<T>,
    scratch: &mut (Vec<f64>, Vec<f64>),
) {
    let n = z.len();
    out.clear();
    out.resize(orders * n, T::default());
    if activation == Activation::Tanh {
        T::tanh(z, &mut out[..n]);
        riccati_in(out, n, [1.0, 0.0, -1.0]);
        return;
    }
    let (values, derivs) = scratch;
    values.clear();
    values.extend(z.iter().map(|v| v.f64()));
    derivatives_f64(activation, values, orders, derivs);
    for (o, v) in out.iter_mut().zip(derivs.iter()) {
        *o = T::of(*v);
    }
}

wide! {
/// [`derivatives`] in float64.
fn derivatives_f64(activation: Activation, z: &[f64], orders: usize, out: &mut Vec<f64>) {
    let n = z.len();
    out.clear();
    out.resize(orders * n, 0.0);
    match activation {
        Activation::Tanh => {
            // 1 - 2/(e^(2z) + 1): cheaper than tanh; saturates correctly.
            tanh_f64(z, &mut out[..n]);
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
        // The logistic sigmoid g, with g' = g - g².
        Activation::Sigmoid => {
            for (o, &v) in out.iter_mut().zip(z) {
                *o = logistic(v);
            }
            riccati(out, n, [0.0, 1.0, -1.0]);
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
}

wide! {
/// `tanh` of each value in float64: `1 - 2/(e^(2z) + 1)`, which saturates
/// correctly.
pub fn tanh_f64(z: &[f64], out: &mut [f64]) {
    for (o, &v) in out.iter_mut().zip(z) {
        *o = 1.0 - 2.0 / (exp(2.0 * v) + 1.0);
    }
}
}

wide! {
/// `tanh` of each value in float32, as [`tanh_f64`].
pub fn tanh_f32(z: &[f32], out: &mut [f32]) {
    for (o, &v) in out.iter_mut().zip(z) {
        *o = 1.0 - 2.0 / (exp_f32(2.0 * v) + 1.0);
    }
}
}

/// `e^x` in float32 as [`exp`] does it in float64, with the Taylor
/// polynomial of degree 7 (its error, 5e-9, is below float32's ulp).
#[inline(always)]
pub fn exp_f32(x: f32) -> f32 {
    const SHIFT: f32 = 12_582_912.0; // 1.5 · 2^23
    const LN2_HI: f32 = 0.693_359_4;
    const LN2_LO: f32 = -2.121_944_4e-4;
    let x = x.clamp(-87.0, 88.0);
    let shifted = x * std::f32::consts::LOG2_E + SHIFT;
    let n = shifted - SHIFT;
    let r = (x - n * LN2_HI) - n * LN2_LO;
    let mut p = INVERSE_FACTORIALS[7] as f32;
    for k in (0..7).rev() {
        p = p * r + INVERSE_FACTORIALS[k] as f32;
    }
    let integer = shifted.to_bits().wrapping_sub(SHIFT.to_bits()) as i32;
    p * f32::from_bits(((integer + 127) as u32) << 23)
}

/// `e^x` to about an ulp, in operations that vectorise (the C library's
/// `exp` is a call per value): `x = n ln 2 + r` with `|r| <= ln 2 / 2`,
/// `e^r` by its Taylor polynomial of degree 13, and `2^n` by building the
/// exponent bits. Saturates to 0 below -708 and to `e^709` above 709.
#[inline(always)]
pub fn exp(x: f64) -> f64 {
    const SHIFT: f64 = 6_755_399_441_055_744.0; // 1.5 · 2^52: rounds to an integer
    const LN2_HI: f64 = f64::from_bits(0x3fe6_2e42_fee0_0000); // ln 2, its top 32 bits
    const LN2_LO: f64 = f64::from_bits(0x3dea_39ef_3579_3c76); // ln 2 - LN2_HI
    let x = x.clamp(-708.0, 709.0);
    let shifted = x * std::f64::consts::LOG2_E + SHIFT;
    let n = shifted - SHIFT;
    let r = (x - n * LN2_HI) - n * LN2_LO;
    // Horner's rule on Σ r^k / k!, k = 0..=13.
    let mut p = INVERSE_FACTORIALS[13];
    for k in (0..13).rev() {
        p = p * r + INVERSE_FACTORIALS[k];
    }
    let integer = shifted.to_bits().wrapping_sub(SHIFT.to_bits()) as i64;
    p * f64::from_bits(((integer + 1023) as u64) << 52)
}

/// `1/k!` for k = 0..=13.
const INVERSE_FACTORIALS: [f64; 14] = {
    let mut out = [1.0; 14];
    let mut k = 1;
    while k < 14 {
        out[k] = out[k - 1] / k as f64;
        k += 1;
    }
    out
};

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
#[inline(always)]
fn riccati(f: &mut [f64], n: usize, coefficients: [f64; 3]) {
    riccati_in(f, n, coefficients)
}

wide! {
/// [`riccati`] in any float type.
fn riccati_in<T: Real>(f: &mut [T], n: usize, coefficients: [f64; 3]) {
    let [c0, c1, c2] = coefficients.map(T::of);
    let orders = f.len() / n;
    for k in 0..orders.saturating_sub(1) {
        let (lower, upper) = f.split_at_mut((k + 1) * n);
        let next = &mut upper[..n];
        let own = &lower[k * n..];
        let constant = if k == 0 { c0 } else { T::default() };
        for (o, v) in next.iter_mut().zip(own) {
            *o = c1 * *v + constant;
        }
        let mut binomial = 1.0;
        for j in 0..=k {
            let (a, b) = (&lower[j * n..][..n], &lower[(k - j) * n..][..n]);
            let c = c2 * T::of(binomial);
            for ((o, x), y) in next.iter_mut().zip(a).zip(b) {
                *o += c * *x * *y;
            }
            binomial = binomial * (k - j) as f64 / (j + 1) as f64;
        }
    }
}
}

/// `(z g)^(k) = z g^(k) + k g^(k-1)`, block by block.
#[inline(always)]
fn times_z(z: &[f64], g: &[f64], out: &mut [f64]) {
    let n = z.len();
    for k in 0..out.len() / n {
        for e in 0..n {
            let lower = if k > 0 {
                k as f64 * g[(k - 1) * n + e]
            } else {
                0.0
            };
            out[k * n + e] = z[e] * g[k * n + e] + lower;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn exp_is_within_two_ulps_of_the_library() {
        let mut x = -708.0;
        while x < 709.0 {
            let (got, want) = (exp(x), x.exp());
            assert!(
                (got - want).abs() <= 4.5e-16 * want,
                "exp({x}): {got:e} vs {want:e}"
            );
            x += 0.0137;
        }
        assert!((exp(-1e4) / (-708.0f64).exp() - 1.0).abs() < 1e-15);
        assert!(exp(1e4).is_finite());
        let mut x = -87.0f32;
        while x < 88.0 {
            let (got, want) = (exp_f32(x), x.exp());
            assert!(
                (got - want).abs() <= 2.5e-7 * want,
                "exp({x}): {got:e} vs {want:e}"
            );
            x += 0.0137;
        }
    }

    /// Each derivative against a central difference of the one below.
    #[test]
    fn derivatives_match_central_differences() {
        for (_, activation) in Activation::ALL {
            let z: [f64; 5] = [-2.3, -0.4, 0.0, 0.9, 3.1];
            let (h, orders, m) = (1e-5, 5, z.len());
            let (mut at, mut up, mut down): (Vec<f64>, Vec<f64>, Vec<f64>) =
                (vec![], vec![], vec![]);
            let scratch = &mut Default::default();
            derivatives(*activation, &z, orders, &mut at, scratch);
            derivatives(*activation, &z.map(|v| v + h), orders, &mut up, scratch);
            derivatives(*activation, &z.map(|v| v - h), orders, &mut down, scratch);
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
