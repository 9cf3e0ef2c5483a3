//! The elementwise halves of the jets' algebra on flat arrays, forward
//! and reverse: an activation composed with a pre-activation jet (Faà di
//! Bruno's sums, [`compose`]) and the product of two whole jets
//! (Leibniz's rule, [`leibniz`]). Layout as in [`super::network`]: entry
//! `k` of a jet is the `cw` values from `k·cw` on.

use super::Real;
use super::wide::wide;
use crate::net::JetPlan;

wide! {
/// `out_α += Σ_{β ≤ α} C(α, β) x_β y_(α-β)` (Leibniz's rule for the
/// product of two whole jets), `cw` values per entry.
pub(super) fn leibniz<T: Real>(plan: &JetPlan, x: &[T], y: &[T], cw: usize, out: &mut [T]) {
    for (i, pairs) in plan.products.iter().enumerate() {
        let out = &mut out[i * cw..][..cw];
        for &(coefficient, b, r) in pairs {
            let coefficient = T::of(coefficient);
            let (xb, yr) = (&x[b * cw..][..cw], &y[r * cw..][..cw]);
            for e in 0..cw {
                out[e] += coefficient * xb[e] * yr[e];
            }
        }
    }
}
}

wide! {
/// The reverse of [`leibniz`]: from `out`'s adjoint, `x_adj` and `y_adj`
/// accumulated.
pub(super) fn leibniz_backward<T: Real>(
    plan: &JetPlan,
    x: &[T],
    y: &[T],
    out_adj: &[T],
    cw: usize,
    x_adj: &mut [T],
    y_adj: &mut [T],
) {
    for (i, pairs) in plan.products.iter().enumerate() {
        let adj = &out_adj[i * cw..][..cw];
        for &(coefficient, b, r) in pairs {
            let coefficient = T::of(coefficient);
            for e in 0..cw {
                let p = coefficient * adj[e];
                x_adj[b * cw + e] += p * y[r * cw + e];
                y_adj[r * cw + e] += p * x[b * cw + e];
            }
        }
    }
}
}

wide! {
/// `a_α = Σ coefficient σ^(j)(z₀) Π z_B` for each entry α ≠ 0 of the
/// plan, into `a` from its start (`a₀ = σ(z₀)` is block 0 of `d`); `cw`
/// values per entry.
pub(super) fn compose<T: Real>(plan: &JetPlan, d: &[T], z: &[T], cw: usize, a: &mut [T]) {
    for (i, terms) in plan.terms.iter().enumerate().skip(1) {
        let out = &mut a[(i - 1) * cw..i * cw];
        out.fill(T::default());
        for term in terms {
            let coefficient = T::of(term.coefficient);
            let dj = &d[term.derivative as usize * cw..][..cw];
            match term.blocks[..] {
                [b0] => {
                    let z0 = &z[b0 * cw..][..cw];
                    for e in 0..cw {
                        out[e] += coefficient * dj[e] * z0[e];
                    }
                }
                [b0, b1] => {
                    let (z0, z1) = (&z[b0 * cw..][..cw], &z[b1 * cw..][..cw]);
                    for e in 0..cw {
                        out[e] += coefficient * dj[e] * z0[e] * z1[e];
                    }
                }
                ref blocks => {
                    for e in 0..cw {
                        let mut product = coefficient * dj[e];
                        for &b in blocks {
                            product = product * z[b * cw + e];
                        }
                        out[e] += product;
                    }
                }
            }
        }
    }
}
}

wide! {
/// The reverse of [`compose`]: from the activation jet's adjoint `a_adj`,
/// the pre-activation jet's adjoint `z_adj` (zeroed by the caller).
pub(super) fn compose_backward<T: Real>(
    plan: &JetPlan,
    d: &[T],
    z: &[T],
    a_adj: &[T],
    cw: usize,
    z_adj: &mut [T],
    d_adj: &mut Vec<T>,
) {
    let orders = plan.max_order as usize + 1;
    d_adj.clear();
    d_adj.resize(orders * cw, T::default());
    d_adj[..cw].copy_from_slice(&a_adj[..cw]);
    for (i, terms) in plan.terms.iter().enumerate().skip(1) {
        let adj = &a_adj[i * cw..][..cw];
        for term in terms {
            let coefficient = T::of(term.coefficient);
            let j = term.derivative as usize;
            let dj = &d[j * cw..][..cw];
            let d_j = &mut d_adj[j * cw..][..cw];
            match term.blocks[..] {
                [b0] => {
                    let z0 = &z[b0 * cw..][..cw];
                    let z0_adj = &mut z_adj[b0 * cw..][..cw];
                    for e in 0..cw {
                        let p = coefficient * adj[e];
                        d_j[e] += p * z0[e];
                        z0_adj[e] += p * dj[e];
                    }
                }
                [b0, b1] if b0 == b1 => {
                    let z0 = &z[b0 * cw..][..cw];
                    let z0_adj = &mut z_adj[b0 * cw..][..cw];
                    let twice = coefficient + coefficient;
                    for e in 0..cw {
                        let p = coefficient * adj[e];
                        d_j[e] += p * z0[e] * z0[e];
                        z0_adj[e] += twice * adj[e] * dj[e] * z0[e];
                    }
                }
                [b0, b1] => {
                    let (z0, z1) = (&z[b0 * cw..][..cw], &z[b1 * cw..][..cw]);
                    let (z0_adj, z1_adj) = two_blocks(z_adj, b0, b1, cw);
                    for e in 0..cw {
                        let p = coefficient * adj[e];
                        d_j[e] += p * z0[e] * z1[e];
                        z0_adj[e] += p * dj[e] * z1[e];
                        z1_adj[e] += p * dj[e] * z0[e];
                    }
                }
                ref blocks => {
                    for e in 0..cw {
                        let p = coefficient * adj[e];
                        let mut product = p;
                        for &b in blocks {
                            product = product * z[b * cw + e];
                        }
                        d_j[e] += product;
                        for (q, &bq) in blocks.iter().enumerate() {
                            let mut others = p * dj[e];
                            for (r, &br) in blocks.iter().enumerate() {
                                if r != q {
                                    others = others * z[br * cw + e];
                                }
                            }
                            z_adj[bq * cw + e] += others;
                        }
                    }
                }
            }
        }
    }
    // σ^(j)(z₀) depends on z₀ through σ^(j+1).
    for j in 0..orders {
        let (adj, next) = (&d_adj[j * cw..][..cw], &d[(j + 1) * cw..][..cw]);
        for e in 0..cw {
            z_adj[e] += adj[e] * next[e];
        }
    }
}
}

/// Blocks `i` and `j` (different) of `v`, each `n` long, both mutable.
fn two_blocks<T>(v: &mut [T], i: usize, j: usize, n: usize) -> (&mut [T], &mut [T]) {
    if i < j {
        let (lo, hi) = v.split_at_mut(j * n);
        (&mut lo[i * n..][..n], &mut hi[..n])
    } else {
        let (lo, hi) = v.split_at_mut(i * n);
        (&mut hi[..n], &mut lo[j * n..][..n])
    }
}
