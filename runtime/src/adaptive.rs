//! Resampling by residual (`resample_by = residual`): RAR-D, Wu, Zhu, Tan,
//! Kartha and Lu, "A comprehensive study of non-adaptive and residual-based
//! adaptive sampling for physics-informed neural networks" (2023); and the
//! candidates of largest residual that refinement adds ([`largest`],
//! [`crate::refine`]).
//!
//! Input: a batch's candidate pool (ten times its points, at least
//! 100,000) and the residual there. Output: the batch's new points, drawn
//! from the pool without replacement with density `|r| / mean |r| + 1`, so
//! points crowd where the equation is violated while every region keeps
//! some. The draws depend only on the seed, the resampling's number and the
//! batch, so a resumed run that restores the points goes on identically.

use crate::jit::violation;
use physc_compiler::model::Relation;
use physc_compiler::program::geometry::Rng;
use physc_compiler::program::sample::Point;

/// Candidates per point to be chosen, and the smallest pool.
const POOL_FACTOR: usize = 10;
const POOL_MIN: usize = 100_000;

/// The pool size for a batch of `count` points.
pub fn pool_size(count: usize) -> usize {
    (POOL_FACTOR * count).max(POOL_MIN)
}

/// The random stream of resampling number `round` of batch `batch`.
pub fn rng(seed: u64, round: u64, batch: usize) -> Rng {
    let mix = (round + 1).wrapping_mul(0x9e37_79b9_7f4a_7c15) ^ (batch as u64).rotate_left(32);
    Rng::new(seed ^ mix)
}

/// Each candidate's violation: the root of the sum of its residuals'
/// squared violations.
pub fn scores(residuals: &[Vec<f64>], relations: &[Relation]) -> Vec<f64> {
    let n = residuals.first().map_or(0, Vec::len);
    (0..n)
        .map(|i| {
            residuals
                .iter()
                .zip(relations)
                .map(|(r, rel)| violation(*rel, r[i]).0.powi(2))
                .sum::<f64>()
                .sqrt()
        })
        .collect()
}

/// `count` candidates drawn without replacement with probability
/// proportional to `score / mean + 1` (Efraimidis and Spirakis' keys
/// `log(u) / w`, the largest kept). Non-finite scores count as the largest
/// finite one, so a diverging region is sampled, not everything else.
pub fn choose(pool: Vec<Point>, scores: &[f64], count: usize, rng: &mut Rng) -> Vec<Point> {
    let largest = scores
        .iter()
        .copied()
        .filter(|s| s.is_finite())
        .fold(0.0f64, f64::max);
    let clean: Vec<f64> = scores
        .iter()
        .map(|&s| if s.is_finite() { s } else { largest })
        .collect();
    let mean = clean.iter().sum::<f64>() / clean.len().max(1) as f64;
    let mut keyed: Vec<(f64, usize)> = clean
        .iter()
        .enumerate()
        .map(|(i, &s)| {
            let weight = if mean > 0.0 { s / mean + 1.0 } else { 1.0 };
            // u in (0, 1]: log(u) <= 0, and a larger weight brings it nearer 0.
            let u = 1.0 - rng.unit();
            (u.ln() / weight, i)
        })
        .collect();
    let count = count.min(keyed.len());
    if count < keyed.len() {
        keyed.select_nth_unstable_by(count, |a, b| b.0.total_cmp(&a.0));
    }
    take(pool, keyed[..count].iter().map(|&(_, i)| i).collect())
}

/// The `count` candidates of largest score (non-finite ones first), in
/// pool order.
pub fn largest(pool: Vec<Point>, scores: &[f64], count: usize) -> Vec<Point> {
    let key = |s: f64| if s.is_nan() { f64::INFINITY } else { s };
    let mut order: Vec<usize> = (0..pool.len()).collect();
    let count = count.min(order.len());
    if count < order.len() {
        order.select_nth_unstable_by(count, |&a, &b| key(scores[b]).total_cmp(&key(scores[a])));
    }
    take(pool, order[..count].to_vec())
}

/// The pool's points at distinct indices `chosen`, in pool order: a choice
/// is a set.
fn take(pool: Vec<Point>, mut chosen: Vec<usize>) -> Vec<Point> {
    chosen.sort_unstable();
    let mut pool: Vec<Option<Point>> = pool.into_iter().map(Some).collect();
    chosen
        .into_iter()
        .map(|i| pool[i].take().expect("chosen once"))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn point(x: f64) -> Point {
        Point {
            coords: vec![x],
            row: None,
            normal: vec![],
        }
    }

    /// On [0, 1] with the residual 19 on [0, 0.1) and 0 elsewhere, the
    /// density is 1 + 19/mean there and 1 elsewhere: with mean 1.9 that is
    /// 11 against 1, so about 11/20 of the chosen points land in a tenth
    /// of the interval.
    #[test]
    fn points_crowd_where_the_residual_is_large() {
        let n = 100_000;
        let pool: Vec<Point> = (0..n).map(|i| point((i as f64 + 0.5) / n as f64)).collect();
        let scores: Vec<f64> = pool
            .iter()
            .map(|p| if p.coords[0] < 0.1 { 19.0 } else { 0.0 })
            .collect();
        let chosen = choose(pool, &scores, 2000, &mut Rng::new(7));
        assert_eq!(chosen.len(), 2000);
        let near = chosen.iter().filter(|p| p.coords[0] < 0.1).count() as f64 / 2000.0;
        assert!(
            (near - 0.55).abs() < 0.04,
            "{near} of the points near the residual"
        );
        let mut xs: Vec<f64> = chosen.iter().map(|p| p.coords[0]).collect();
        xs.dedup();
        assert_eq!(xs.len(), 2000, "without replacement");
    }

    #[test]
    fn a_zero_or_non_finite_residual_does_not_break_the_draw() {
        let pool: Vec<Point> = (0..100).map(|i| point(i as f64)).collect();
        let zero = choose(pool.clone(), &[0.0; 100], 10, &mut Rng::new(1));
        assert_eq!(zero.len(), 10);
        let mut scores = vec![1.0; 100];
        scores[3] = f64::NAN;
        scores[4] = f64::INFINITY;
        assert_eq!(choose(pool, &scores, 100, &mut Rng::new(1)).len(), 100);
    }

    #[test]
    fn refinement_takes_the_largest_residuals() {
        let pool: Vec<Point> = (0..10).map(|i| point(i as f64)).collect();
        let scores = [0.1, 5.0, 0.2, f64::NAN, 3.0, 0.0, 4.0, 0.3, 0.0, 1.0];
        let xs = |ps: Vec<Point>| ps.iter().map(|p| p.coords[0]).collect::<Vec<_>>();
        assert_eq!(xs(largest(pool.clone(), &scores, 3)), [1.0, 3.0, 6.0]);
        assert_eq!(xs(largest(pool.clone(), &scores, 1)), [3.0]);
        assert_eq!(largest(pool, &scores, 20).len(), 10);
    }

    #[test]
    fn inequalities_score_their_violation_only() {
        let r = vec![vec![-2.0, 3.0]];
        assert_eq!(scores(&r, &[Relation::Ge]), [2.0, 0.0]);
        assert_eq!(scores(&r, &[Relation::Le]), [0.0, 3.0]);
        assert_eq!(scores(&[vec![3.0], vec![4.0]], &[Relation::Eq; 2]), [5.0]);
    }
}
