//! Mini-batches of a data set: `points(fit = 100)` on a constraint over a
//! data set of more rows.
//!
//! Input: a batch's rows and the mini-batch size `n`. Output: the rows of
//! each step. Steps walk epochs of a shuffled order of the rows, `n` at a
//! time, so every row is seen once an epoch (the last `N mod n` of an
//! epoch's order wait for a later epoch, as with PyTorch's `drop_last`).
//! Epoch `e`'s order is drawn from the seed and `e` alone, so the rows of
//! a step follow from the step: a resumed run sees the rows a run never
//! stopped would have seen.

use physc_compiler::program::geometry::Rng;
use physc_compiler::program::sample::Point;

/// One batch's rows and where its mini-batches come from.
#[derive(Clone, Debug)]
pub struct MiniBatches {
    rows: Vec<Point>,
    size: usize,
    seed: u64,
    /// The epoch whose order is drawn, and that order.
    order: Option<(u64, Vec<usize>)>,
}

impl MiniBatches {
    /// Mini-batches of `size` rows (at least 1, fewer than the rows) from
    /// `rows`, their orders drawn from `seed`.
    pub fn new(rows: Vec<Point>, size: usize, seed: u64) -> MiniBatches {
        debug_assert!(size >= 1 && size < rows.len());
        MiniBatches {
            rows,
            size,
            seed,
            order: None,
        }
    }

    /// Every row.
    pub fn rows(&self) -> &[Point] {
        &self.rows
    }

    /// The rows of step `step`.
    pub fn at(&mut self, step: u64) -> Vec<Point> {
        let per_epoch = (self.rows.len() / self.size) as u64;
        let (epoch, k) = (step / per_epoch, (step % per_epoch) as usize);
        if self.order.as_ref().is_none_or(|(e, _)| *e != epoch) {
            self.order = Some((epoch, self.shuffled(epoch)));
        }
        let (_, order) = self.order.as_ref().expect("drawn");
        order[k * self.size..(k + 1) * self.size]
            .iter()
            .map(|&i| self.rows[i].clone())
            .collect()
    }

    /// Epoch `epoch`'s order of the rows (Fisher-Yates).
    fn shuffled(&self, epoch: u64) -> Vec<usize> {
        let mut rng = Rng::new(self.seed ^ epoch.wrapping_mul(0x9e37_79b9_7f4a_7c15));
        let mut order: Vec<usize> = (0..self.rows.len()).collect();
        for i in (1..order.len()).rev() {
            let j = (rng.unit() * (i + 1) as f64) as usize;
            order.swap(i, j.min(i));
        }
        order
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rows(n: usize) -> Vec<Point> {
        (0..n)
            .map(|i| Point {
                coords: vec![i as f64],
                row: Some(i),
                normal: vec![],
            })
            .collect()
    }

    fn ids(points: &[Point]) -> Vec<usize> {
        points.iter().map(|p| p.row.expect("a row")).collect()
    }

    /// 10 rows in mini-batches of 3: three batches an epoch, each row at
    /// most once an epoch, every row seen over a few epochs, and the orders
    /// differ between epochs.
    #[test]
    fn epochs_see_each_row_once_in_a_new_order() {
        let mut m = MiniBatches::new(rows(10), 3, 7);
        let mut seen = std::collections::BTreeSet::new();
        let mut epochs = vec![];
        for epoch in 0..4 {
            let mut this: Vec<usize> = (0..3).flat_map(|k| ids(&m.at(epoch * 3 + k))).collect();
            epochs.push(this.clone());
            seen.extend(this.iter().copied());
            this.sort();
            this.dedup();
            assert_eq!(this.len(), 9, "epoch {epoch} repeats a row");
        }
        assert_eq!(seen.len(), 10, "some row is never seen");
        assert_ne!(epochs[0], epochs[1]);
    }

    /// A step's rows depend on the step alone, not on the steps before.
    #[test]
    fn a_step_gives_the_same_rows_whenever_it_is_asked() {
        let mut walked = MiniBatches::new(rows(50), 7, 3);
        let mut fresh = MiniBatches::new(rows(50), 7, 3);
        let along: Vec<Vec<usize>> = (0..40).map(|s| ids(&walked.at(s))).collect();
        for s in [33, 5, 21, 0] {
            assert_eq!(ids(&fresh.at(s)), along[s as usize]);
        }
    }
}
