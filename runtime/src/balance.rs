//! Gradient-norm loss balancing (`balance = gradnorm` in the `train`
//! block): the learning-rate annealing of Wang, Teng and Perdikaris (2021)
//! in the form of Wang et al., "An expert's guide to training
//! physics-informed neural networks" (2023).
//!
//! Input: the loss program and the parameters. Output: one factor per loss
//! term, multiplying the term's fixed `weight`. Every [`EVERY`] Adam steps
//! each term's gradient norm `g_i = |grad L_i|` is measured (one reverse
//! pass per term), and the factor moves towards `sum_j g_j / g_i` (a
//! moving average with memory [`MEMORY`]; the first measurement is taken
//! as it is): after balancing, every term pulls on the weights equally
//! hard. L-BFGS keeps the last factors, as it needs one fixed objective.
//! A term whose gradient vanishes keeps its factor.
//!
//! `balance = ntk` is the same update on another measure: each term's
//! neural tangent kernel trace per point (Wang, Yu and Perdikaris, "When
//! and why PINNs fail to train", 2022), `w_i mean_p |grad r_i(x_p)|²`
//! from the Jacobian rows of up to 256 of its points
//! ([`crate::jit::Jit::ntk_traces`]), so that every term converges at
//! the same rate in the kernel regime.
//!
//! `balance = initial` divides each term by its value at the start, once
//! ([`initial`]), as DeepXDE's examples weight terms by their initial
//! losses.

use crate::program::{Program, Trainable};
use burn::module::{Module, ModuleVisitor, Param};
use burn::tensor::{Gradients, Tensor};

/// Adam steps between measurements.
pub const EVERY: u64 = 100;

/// How much of the old factor an update keeps.
pub const MEMORY: f64 = 0.9;

/// `balance = initial`'s factors, fixed for the whole run: the reciprocal
/// of each term at the start (1 for a term that is zero or not finite
/// there, which no factor could scale to 1).
pub fn initial(terms: &[f64]) -> Vec<f64> {
    terms
        .iter()
        .map(|&t| {
            if t > 0.0 && t.is_finite() {
                1.0 / t
            } else {
                1.0
            }
        })
        .collect()
}

/// Updates `factors` (empty before the first measurement) from each
/// term's gradient norm.
pub fn update(norms: &[f64], factors: &mut Vec<f64>) {
    let total: f64 = norms.iter().sum();
    let first = factors.is_empty();
    if first {
        factors.resize(norms.len(), 1.0);
    }
    for (factor, norm) in factors.iter_mut().zip(norms) {
        if *norm > 0.0 && total.is_finite() {
            let target = total / norm;
            *factor = if first {
                target
            } else {
                MEMORY * *factor + (1.0 - MEMORY) * target
            };
        }
    }
}

/// `|grad L_i|` over every parameter, for each loss term.
pub fn gradient_norms(program: &Program, t: &Trainable) -> Vec<f64> {
    (0..program.batches.len())
        .map(|b| {
            let loss = program.loss(b, t);
            if !loss.is_tracked() {
                return 0.0;
            }
            let grads = loss.backward();
            let mut visitor = SquaredNorm {
                grads: &grads,
                sum: None,
            };
            t.visit(&mut visitor);
            visitor.sum.map_or(0.0, |s| s.into_scalar::<f64>().sqrt())
        })
        .collect()
}

/// Sums the squares of every parameter's gradient.
struct SquaredNorm<'a> {
    grads: &'a Gradients,
    sum: Option<Tensor<1>>,
}

impl ModuleVisitor for SquaredNorm<'_> {
    fn visit_float<const D: usize>(&mut self, param: &Param<Tensor<D>>) {
        if let Some(g) = param.val().grad(self.grads) {
            let squares = g.powi_scalar(2).sum();
            self.sum = Some(match self.sum.take() {
                None => squares,
                Some(acc) => acc + squares,
            });
        }
    }
}
