//! How the JIT back end spreads a batch's points over threads: contiguous
//! ranges, one per thread, each run with scratch buffers from a pool.
//!
//! Input: a batch's point count and work per range. Output: each range's
//! result, in range order (so sums over them are the same at every run
//! with the same number of threads). Scoped threads: nothing spins while
//! idle, which matters on cores shared with other work.

use super::batch::Batch;
use super::mode::Mode;
use super::{CHUNK, Jit, Real, Scratch};

impl<T: Real> Jit<T> {
    /// Contiguous point ranges, one per thread (one range for small batches).
    pub(super) fn ranges(&self, n: usize) -> Vec<(usize, usize)> {
        let parts = self.threads.min(n.div_ceil(CHUNK)).max(1);
        let per = n.div_ceil(parts);
        (0..parts)
            .map(|k| (k * per, ((k + 1) * per).min(n)))
            .filter(|(lo, hi)| lo < hi)
            .collect()
    }

    /// `f` on each range, the first on this thread and the others on
    /// threads of their own, each with scratch space from the pool (so
    /// its buffers are not allocated, and paged in, at every evaluation).
    pub(super) fn each_range<R: Send>(
        &self,
        ranges: &[(usize, usize)],
        f: impl Fn(usize, usize, &mut Scratch<T>) -> R + Sync,
    ) -> Vec<R> {
        let run = |(lo, hi): (usize, usize)| {
            let mut scratch = self
                .pool
                .lock()
                .ok()
                .and_then(|mut p| p.pop())
                .unwrap_or_default();
            let result = f(lo, hi, &mut scratch);
            if let Ok(mut pool) = self.pool.lock() {
                pool.push(scratch);
            }
            result
        };
        let Some((&first, rest)) = ranges.split_first() else {
            return vec![];
        };
        std::thread::scope(|s| {
            let handles: Vec<_> = rest.iter().map(|&r| s.spawn(move || run(r))).collect();
            let mut out = vec![run(first)];
            out.extend(handles.into_iter().map(|h| h.join().expect("no panic")));
            out
        })
    }

    /// The reverse pass over a batch's points on every thread: each
    /// residual's loss and the gradient, summed.
    pub(super) fn parallel(
        &self,
        batch: &Batch<T>,
        params: &[T],
        mode: Mode,
    ) -> (Vec<f64>, Vec<f64>) {
        let ranges = self.ranges(batch.at.n);
        let mode = &mode;
        let parts = self.each_range(&ranges, |lo, hi, scratch| {
            scratch.grad.clear();
            scratch.grad.resize(self.layout.len, T::default());
            let loss = self.run_range(batch, &batch.at, params, lo, hi, mode, &mut [], scratch);
            (
                loss,
                scratch.grad.iter().map(|g| g.f64()).collect::<Vec<f64>>(),
            )
        });
        let mut gradient = vec![0.0; self.layout.len];
        let mut loss = vec![0.0; batch.relations.len()];
        for (l, g) in parts {
            for (acc, v) in loss.iter_mut().zip(l) {
                *acc += v;
            }
            for (acc, v) in gradient.iter_mut().zip(g) {
                *acc += v.f64();
            }
        }
        (loss, gradient)
    }
}

/// Threads per evaluation: `PHYSC_THREADS` where set (a machine shared
/// with other work), else the cores this process may use, at most 16.
pub(super) fn count() -> usize {
    std::env::var("PHYSC_THREADS")
        .ok()
        .and_then(|v| v.parse::<usize>().ok())
        .filter(|&n| n > 0)
        .unwrap_or_else(|| std::thread::available_parallelism().map_or(1, |n| n.get().min(16)))
}
