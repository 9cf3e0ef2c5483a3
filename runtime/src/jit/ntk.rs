//! NTK traces (`balance = ntk`): each batch's neural tangent kernel trace
//! per point, from one reverse pass per point and residual.
//!
//! Input: the parameters and each batch's points. Output: per batch
//! `w_b mean_p Σ_i |∇ r_i(x_p)|²` over at most [`NTK_POINTS`] points
//! spread evenly through the batch (each `∇ r_i(x_p)` a Jacobian row, by
//! [`Mode::Tangent`]).

use super::mode::Mode;
use super::{Jit, Real};

/// Points per batch whose Jacobian rows give its NTK trace: jaxpi
/// measures on its batches of a few hundred.
pub const NTK_POINTS: usize = 256;

impl<T: Real> Jit<T> {
    /// Each batch's neural tangent kernel trace per point, times its
    /// weight (`balance = ntk`): `w_b mean_p Σ_i |∇ r_i(x_p)|²` over the
    /// batch's residuals `r_i`, each point's Jacobian row taken by a
    /// reverse pass of its own, over at most [`NTK_POINTS`] of the points
    /// spread evenly through the batch.
    pub fn ntk_traces(&self, params: &[T]) -> Vec<f64> {
        self.batches
            .iter()
            .map(|batch| {
                let n = batch.at.n;
                let m = n.min(NTK_POINTS);
                let picks: Vec<usize> = (0..m).map(|k| k * n / m).collect();
                let parts = self.each_range(&self.ranges(m), |lo, hi, scratch| {
                    let mut sum = 0.0;
                    for &p in &picks[lo..hi] {
                        for relation in 0..batch.relations.len() {
                            scratch.grad.clear();
                            scratch.grad.resize(self.layout.len, T::default());
                            let mode = Mode::Tangent { relation };
                            self.run_range(
                                batch,
                                &batch.at,
                                params,
                                p,
                                p + 1,
                                &mode,
                                &mut [],
                                scratch,
                            );
                            sum += scratch.grad.iter().map(|g| g.f64().powi(2)).sum::<f64>();
                        }
                    }
                    sum
                });
                batch.weight * parts.iter().sum::<f64>() / m.max(1) as f64
            })
            .collect()
    }
}
