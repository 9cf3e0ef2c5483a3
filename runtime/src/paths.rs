//! The paths of a multi-scale Fourier network on burn tensors.
//!
//! Input: a Fourier embedding's jet (each entry `[N × 2F]`: every scale's
//! sines, then its cosines). Output: each scale's block as a jet of its
//! own, for the hidden layers to run as a path; and jets of the same
//! points side by side, the last layer's input.

use crate::net::Jet;
use burn::tensor::Tensor;

/// Each scale's block of a Fourier embedding's jet `a` (its sines, then
/// its cosines; `rows` points): one jet per scale.
pub(crate) fn split_scales(a: &[Option<Tensor<2>>], scales: usize, rows: usize) -> Vec<Jet> {
    (0..scales)
        .map(|s| {
            a.iter()
                .map(|entry| {
                    let t = entry.clone()?;
                    let [n, width] = t.dims();
                    // A first derivative of the inputs may be one row for all.
                    let t = if n < rows { t.repeat_dim(0, rows) } else { t };
                    let (features, m) = (width / 2, width / (2 * scales));
                    Some(Tensor::cat(
                        vec![
                            t.clone().narrow(1, s * m, m),
                            t.narrow(1, features + s * m, m),
                        ],
                        1,
                    ))
                })
                .collect()
        })
        .collect()
}

/// Jets of the same points side by side, column blocks in order.
pub(crate) fn join_paths(paths: Vec<Jet>) -> Jet {
    (0..paths[0].len())
        .map(|k| {
            // The paths' jets have one structure: an entry is zero on all.
            let blocks: Option<Vec<Tensor<2>>> = paths.iter().map(|p| p[k].clone()).collect();
            blocks.map(|b| Tensor::cat(b, 1))
        })
        .collect()
}
