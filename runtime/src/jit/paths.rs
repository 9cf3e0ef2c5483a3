//! The paths of a multi-scale Fourier network on the JIT's flat jets.
//!
//! Input: a Fourier embedding's jet over a chunk of `c` points, laid out as
//! in [`super::network`] (entry `k` in rows `k·c ..`). Output: each scale's
//! block as rows of its own, so the hidden layers run every path as more
//! points (entry `k`'s rows of path `s` at `(k·paths + s)·c`); the paths'
//! whole jets and, side by side per point, the last layer's input; and the
//! inverses the reverse pass needs. Every function copies; none changes
//! a value.

use super::Real;

/// A Fourier embedding's jet `a` (`[K·c × 2F]`, each scale's `m` sines
/// then, `F` columns on, its cosines) as one row block per scale and
/// entry: `[K·paths·c × 2m]`, entry `k`'s rows of scale `s` at
/// `k·paths·c + s·c`.
pub(super) fn stack_paths<T: Real>(a: &[T], k: usize, c: usize, paths: usize) -> Vec<T> {
    let width = a.len() / (k * c);
    let (features, m) = (width / 2, width / (2 * paths));
    let mut out = Vec::with_capacity(a.len());
    for entry in 0..k {
        for s in 0..paths {
            for p in 0..c {
                let row = &a[(entry * c + p) * width..(entry * c + p + 1) * width];
                out.extend_from_slice(&row[s * m..(s + 1) * m]);
                out.extend_from_slice(&row[features + s * m..features + (s + 1) * m]);
            }
        }
    }
    out
}

/// Each path's whole jet (`[K·c × w]`, entry-major) from the stacked
/// value rows `value` (`[paths·c × w]`) and derivative rows `rest`.
pub(super) fn path_jets<T: Real>(
    value: &[T],
    rest: &[T],
    k: usize,
    c: usize,
    paths: usize,
    width: usize,
) -> Vec<Vec<T>> {
    let cw = c * width;
    (0..paths)
        .map(|s| {
            let mut jet = Vec::with_capacity(k * cw);
            jet.extend_from_slice(&value[s * cw..(s + 1) * cw]);
            for entry in 1..k {
                let at = ((entry - 1) * paths + s) * cw;
                jet.extend_from_slice(&rest[at..at + cw]);
            }
            jet
        })
        .collect()
}

/// Whole jets of `w` columns side by side: `[K·c × blocks·w]`.
pub(super) fn side_by_side<T: Real>(blocks: &[Vec<T>], k: usize, c: usize, width: usize) -> Vec<T> {
    let mut out = Vec::with_capacity(blocks.len() * k * c * width);
    for row in 0..k * c {
        for block in blocks {
            out.extend_from_slice(&block[row * width..(row + 1) * width]);
        }
    }
    out
}

/// The inverse of [`side_by_side`]: `n` whole jets of `w` columns.
pub(super) fn apart<T: Real>(
    joined: &[T],
    k: usize,
    c: usize,
    n: usize,
    width: usize,
) -> Vec<Vec<T>> {
    (0..n)
        .map(|q| {
            (0..k * c)
                .flat_map(|row| {
                    let at = (row * n + q) * width;
                    joined[at..at + width].iter().copied()
                })
                .collect()
        })
        .collect()
}

/// Whole jets of the paths stacked as the hidden layers hold them: entry
/// `k`'s rows of path `s` at `(k·paths + s)·c`.
pub(super) fn stacked<T: Real>(paths: &[Vec<T>], k: usize, c: usize, width: usize) -> Vec<T> {
    let cw = c * width;
    let mut out = Vec::with_capacity(paths.len() * k * cw);
    for entry in 0..k {
        for path in paths {
            out.extend_from_slice(&path[entry * cw..(entry + 1) * cw]);
        }
    }
    out
}

/// The spatio-temporal pairs: each space path (the first `space`) with
/// each time path, space outer.
pub(super) fn pairs(space: usize, paths: usize) -> impl Iterator<Item = (usize, usize)> {
    (0..space).flat_map(move |s| (space..paths).map(move |r| (s, r)))
}
