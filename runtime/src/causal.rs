//! Causal weighting (`causal = eps` in the `train` block; Wang, Sankaran
//! and Perdikaris, "Respecting causality is all you need for training
//! physics-informed neural networks", 2022).
//!
//! Input: a constraint's points, which spread over the time coordinate `t`,
//! and its squared residual at them. Output: the loss the optimiser sees,
//! `(1/M) sum_k w_k L_k`, where `L_k` is the mean squared residual over
//! the k-th of M equal time slabs and `w_k = exp(-eps sum_{j<k} L_j)`
//! (held constant in the reverse pass). A slab's residual counts only once
//! the slabs before it are resolved, so the network cannot fit late times
//! before early ones. Slabs without points are left out.
//!
//! A quasi-Newton call holds the weights of its first evaluation for all
//! its iterations: with weights that follow the residuals, the loss would
//! not be the function whose gradient the reverse pass gives, and the
//! line search would stop at the first step that moves the weights.

use burn::tensor::{Device, Tensor, TensorData};
use physc_compiler::program::sample::Point;

/// The time slabs of a batch's points: each point's slab among the
/// occupied ones, and the points in each occupied slab. `slabs` equal
/// slabs span the points' times; `None` when they do not spread over time.
/// The JIT back end splits points the same way.
pub fn occupied_slabs(
    points: &[Point],
    time: usize,
    slabs: usize,
) -> Option<(Vec<usize>, Vec<usize>)> {
    let times: Vec<f64> = points.iter().map(|p| p.coords[time]).collect();
    let (lo, hi) = times
        .iter()
        .fold((f64::INFINITY, f64::NEG_INFINITY), |(lo, hi), &t| {
            (lo.min(t), hi.max(t))
        });
    // (`min` and `max` skip NaN: times all NaN leave lo = inf, hi = -inf.)
    if hi <= lo {
        return None;
    }
    let slab = |t: f64| (((t - lo) / (hi - lo) * slabs as f64) as usize).min(slabs - 1);
    let mut counts = vec![0usize; slabs];
    for &t in &times {
        counts[slab(t)] += 1;
    }
    let mut column = vec![0usize; slabs];
    let mut occupied = vec![];
    for k in 0..slabs {
        if counts[k] > 0 {
            column[k] = occupied.len();
            occupied.push(counts[k]);
        }
    }
    Some((times.iter().map(|&t| column[slab(t)]).collect(), occupied))
}

/// The averaging matrix of a batch's points over `slabs` equal time slabs
/// (the loss program says how many): `A[n][k]` is `1/|slab k|` when point n
/// lies in slab k. `None` when the points do not spread over time.
pub fn slab_means(
    points: &[Point],
    time: usize,
    slabs: usize,
    device: &Device,
) -> Option<Tensor<2>> {
    let (of, counts) = occupied_slabs(points, time, slabs)?;
    let m = counts.len();
    let mut matrix = vec![0.0; points.len() * m];
    for (n, &k) in of.iter().enumerate() {
        matrix[n * m + k] = 1.0 / counts[k] as f64;
    }
    Some(Tensor::from_data(
        TensorData::new(matrix, [points.len(), m]),
        device,
    ))
}

/// Each slab's mean squared residual (1 x M), from the squared residual
/// `squared` (N x 1) and the slab averages `means` (N x M) of
/// [`slab_means`].
pub fn slab_losses(squared: Tensor<2>, means: &Tensor<2>) -> Tensor<2> {
    squared.transpose().matmul(means.clone())
}

/// The slabs' weights `w_k = exp(-eps sum_{j<k} L_j)` (1 x M), constant
/// for the reverse pass.
pub fn weights(slabs: &Tensor<2>, eps: f64) -> Tensor<2> {
    let before = slabs.clone().detach();
    let earlier = before.clone().cumsum(1) - before;
    earlier.mul_scalar(-eps).exp()
}

/// The causally weighted loss `(1/M) sum_k w_k L_k`.
pub fn weighted_loss(slabs: Tensor<2>, weights: Tensor<2>) -> Tensor<1> {
    (slabs * weights).mean()
}
