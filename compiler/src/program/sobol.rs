//! Sobol' points in up to [`MAX_DIMENSIONS`] dimensions, digitally shifted.
//!
//! Direction numbers from Joe and Kuo (2008, `new-joe-kuo-6.21201`), 32-bit.
//! A digital shift (each coordinate's bits XORed with a random word) keeps
//! the net's stratification, so any 2^k consecutive points from index 0
//! still put one point in each of 2^k equal slices of each coordinate, and
//! makes each draw (and each resampling) a different point set.

use crate::program::geometry::Rng;

/// Dimensions with direction numbers.
pub const MAX_DIMENSIONS: usize = 8;

/// `(s, a, m_1..m_s)` for dimensions 2..=8; dimension 1 is van der Corput.
const PRIMITIVES: [(u32, u32, &[u32]); MAX_DIMENSIONS - 1] = [
    (1, 0, &[1]),
    (2, 1, &[1, 3]),
    (3, 1, &[1, 3, 1]),
    (3, 2, &[1, 1, 1]),
    (4, 1, &[1, 1, 3, 3]),
    (4, 4, &[1, 3, 5, 13]),
    (5, 2, &[1, 1, 5, 5, 17]),
];

const BITS: usize = 32;

/// The direction numbers `v_1..v_32` of dimension `d` (0-based).
fn directions(d: usize) -> [u32; BITS] {
    let mut v = [0u32; BITS];
    if d == 0 {
        for (k, vk) in v.iter_mut().enumerate() {
            *vk = 1 << (BITS - 1 - k);
        }
        return v;
    }
    let (s, a, m) = PRIMITIVES[d - 1];
    let s = s as usize;
    for k in 0..s.min(BITS) {
        v[k] = m[k] << (BITS - 1 - k);
    }
    for k in s..BITS {
        let mut x = v[k - s] ^ (v[k - s] >> s);
        for j in 1..s {
            if (a >> (s - 1 - j)) & 1 == 1 {
                x ^= v[k - j];
            }
        }
        v[k] = x;
    }
    v
}

/// `n` points in `[0, 1)^dimensions`, one row each, shifted by words from
/// `rng`. Panics above [`MAX_DIMENSIONS`].
pub fn points(n: usize, dimensions: usize, rng: &mut Rng) -> Vec<Vec<f64>> {
    assert!(
        dimensions <= MAX_DIMENSIONS,
        "Sobol' up to {MAX_DIMENSIONS} dimensions"
    );
    let tables: Vec<[u32; BITS]> = (0..dimensions).map(directions).collect();
    let shifts: Vec<u32> = (0..dimensions).map(|_| rng.next_u64() as u32).collect();
    (0..n)
        .map(|i| {
            let gray = (i ^ (i >> 1)) as u64;
            tables
                .iter()
                .zip(&shifts)
                .map(|(v, shift)| {
                    let mut x = 0u32;
                    for (b, vb) in v.iter().enumerate() {
                        if (gray >> b) & 1 == 1 {
                            x ^= vb;
                        }
                    }
                    // The middle of the cell of width 2^-32, so never 0 or 1.
                    ((x ^ shift) as f64 + 0.5) / 4_294_967_296.0
                })
                .collect()
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The first points without a shift, as published (and as scipy gives).
    #[test]
    fn the_first_points_are_the_published_ones() {
        let want = [
            [0.0, 0.0, 0.0],
            [0.5, 0.5, 0.5],
            [0.75, 0.25, 0.25],
            [0.25, 0.75, 0.75],
            [0.375, 0.375, 0.625],
            [0.875, 0.875, 0.125],
            [0.625, 0.125, 0.875],
            [0.125, 0.625, 0.375],
        ];
        for (i, row) in want.iter().enumerate() {
            let gray = i ^ (i >> 1);
            for (d, w) in row.iter().enumerate() {
                let v = directions(d);
                let x = (0..BITS)
                    .filter(|b| (gray >> b) & 1 == 1)
                    .fold(0u32, |x, b| x ^ v[b]);
                assert_eq!(x as f64 / 4_294_967_296.0, *w, "point {i}, dimension {d}");
            }
        }
    }

    /// Every coordinate of 2^k shifted points puts one point in each slice
    /// of width 2^-k, and every pair of the first two coordinates one point
    /// in each of the 2^k cells of a (0, k, 2)-net with square-ish cells.
    #[test]
    fn shifted_points_stay_stratified() {
        let mut rng = Rng::new(11);
        let n = 1 << 10;
        let pts = points(n, MAX_DIMENSIONS, &mut rng);
        for d in 0..MAX_DIMENSIONS {
            let mut seen = vec![false; n];
            for p in &pts {
                let slice = (p[d] * n as f64) as usize;
                assert!(!seen[slice], "dimension {d}: two points in slice {slice}");
                seen[slice] = true;
            }
        }
        let mut cells = vec![false; n];
        for p in &pts {
            let cell = (p[0] * 32.0) as usize * 32 + (p[1] * 32.0) as usize;
            assert!(!cells[cell], "two points in cell {cell}");
            cells[cell] = true;
        }
    }
}
