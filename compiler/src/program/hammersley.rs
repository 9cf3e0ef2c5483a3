//! Hammersley points in up to [`MAX_DIMENSIONS`] dimensions, shifted at
//! random modulo 1 (Cranley and Patterson 1976).
//!
//! Point `i` of `n` has first coordinate `(i + 1/2) / n` and, in dimension
//! `k > 0`, the radical inverse of `i + 1` in the `k`-th prime (the Halton
//! sequence without its origin, as DeepXDE's default sampler skips it).
//! The shift keeps the set's low discrepancy: the first coordinate still
//! puts one point in each of `n` equal slices, and no gap of a coordinate
//! grows. In one dimension the set is an evenly spaced grid at a random
//! offset, so no stretch of an interval is left without points.

use crate::program::geometry::Rng;

/// The bases of dimensions 1.. (dimension 0 is `(i + 1/2) / n`).
const PRIMES: [u64; 15] = [2, 3, 5, 7, 11, 13, 17, 19, 23, 29, 31, 37, 41, 43, 47];

/// Dimensions with a prime base.
pub const MAX_DIMENSIONS: usize = PRIMES.len() + 1;

/// `i` with its base-`b` digits mirrored about the point: in `[0, 1)`.
fn radical_inverse(mut i: u64, b: u64) -> f64 {
    let (mut x, mut scale) = (0.0, 1.0 / b as f64);
    while i > 0 {
        x += (i % b) as f64 * scale;
        i /= b;
        scale /= b as f64;
    }
    x
}

/// `n` points in `[0, 1)^dimensions`, one row each, each coordinate shifted
/// by a draw of `rng`. Panics above [`MAX_DIMENSIONS`].
pub fn points(n: usize, dimensions: usize, rng: &mut Rng) -> Vec<Vec<f64>> {
    assert!(
        dimensions <= MAX_DIMENSIONS,
        "Hammersley up to {MAX_DIMENSIONS} dimensions"
    );
    let shifts: Vec<f64> = (0..dimensions).map(|_| rng.unit()).collect();
    (0..n)
        .map(|i| {
            shifts
                .iter()
                .enumerate()
                .map(|(k, shift)| {
                    let x = match k {
                        0 => (i as f64 + 0.5) / n as f64,
                        _ => radical_inverse(i as u64 + 1, PRIMES[k - 1]),
                    };
                    (x + shift).fract()
                })
                .collect()
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn radical_inverses_are_the_published_ones() {
        let base2: Vec<f64> = (1..8).map(|i| radical_inverse(i, 2)).collect();
        assert_eq!(base2, [0.5, 0.25, 0.75, 0.125, 0.625, 0.375, 0.875]);
        let base3: Vec<f64> = (1..5).map(|i| radical_inverse(i, 3)).collect();
        let want = [1.0 / 3.0, 2.0 / 3.0, 1.0 / 9.0, 4.0 / 9.0];
        for (x, w) in base3.iter().zip(want) {
            assert!((x - w).abs() < 1e-15, "{x} against {w}");
        }
    }

    /// The first coordinate of shifted points keeps one point in each of n
    /// slices, and the largest gap of every coordinate is the unshifted one.
    #[test]
    fn shifted_points_keep_their_spacing() {
        let n = 35;
        let pts = points(n, 3, &mut Rng::new(5));
        let mut slices = vec![0; n];
        for p in &pts {
            slices[(p[0] * n as f64) as usize] += 1;
        }
        assert!(slices.iter().all(|&c| c == 1), "{slices:?}");
        for k in 0..3 {
            let mut xs: Vec<f64> = pts.iter().map(|p| p[k]).collect();
            xs.sort_by(f64::total_cmp);
            // The gap across 1 back to 0 counts too: the shift is modulo 1.
            let wrap = xs[0] + 1.0 - xs[n - 1];
            let gap = xs.windows(2).map(|w| w[1] - w[0]).fold(wrap, f64::max);
            // Slices of 1/n for the first coordinate. The radical inverses
            // of 1..=35 in base 2 and 3 leave, across the wrap, gaps of
            // 1/32 + 1/64 and 1/27 + 1/81.
            let bound = [1.0 / 35.0, 3.0 / 64.0, 4.0 / 81.0][k];
            assert!(gap <= bound + 1e-12, "dimension {k}: gap {gap}");
        }
    }
}
