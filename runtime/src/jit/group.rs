//! Batches at one set of points, evaluated together: a batch and those
//! that take its points (`points(fb = pde)`), or the constraints on the
//! rows of one data set (`u = obs.u on obs` and `v = obs.v on obs`).
//!
//! Input: the loss program and each batch's points as training sets them.
//! Output: per such set, one compiled [`Batch`] whose kernel computes
//! every member's residuals and adjoints, so the networks' jets, forward
//! and reverse, are computed once per point instead of once per member.
//!
//! Invariant: a group is used only while every member's points, anchors
//! and refined points included, are the same list ([`Group::live`]; not
//! so while mini-batches take different rows); otherwise each member runs
//! on its own, as without grouping. Its losses and gradient are the
//! members' own, to rounding.

use super::batch::{Batch, Points, build};
use super::mode::Mode;
use super::{Jit, Real};
use physc_compiler::ir::Graph;
use physc_compiler::model::{DataId, Relation, Where};
use physc_compiler::program::sample::Point;
use physc_compiler::program::{BatchId, LossProgram};

/// Batches that share their points, compiled as one.
pub(super) struct Group<T> {
    /// The member batches, in batch order.
    pub(super) members: Vec<usize>,
    /// Member `m`'s residuals are the group's `offsets[m]..offsets[m + 1]`.
    pub(super) offsets: Vec<usize>,
    /// Every member's residuals, at the group's points.
    pub(super) batch: Batch<T>,
    /// Whether the members' points are one list now.
    pub(super) live: bool,
    /// Each member's points as last set (to see when they agree).
    points: Vec<Vec<Point>>,
}

/// The groups of `loss`: batches whose points are one list at every draw.
pub(super) fn groups<T: Real>(loss: &LossProgram, g: &mut Graph) -> Result<Vec<Group<T>>, String> {
    let keys: Vec<Option<Key>> = (0..loss.batches.len()).map(|b| key(loss, b)).collect();
    let mut out = vec![];
    for (first, k) in keys.iter().enumerate() {
        let Some(k) = k else { continue };
        if keys[..first].contains(&Some(k.clone())) {
            continue;
        }
        let members: Vec<usize> = (first..keys.len())
            .filter(|&b| keys[b].as_ref() == Some(k))
            .collect();
        if members.len() < 2 {
            continue;
        }
        let mut roots = vec![];
        let mut relations: Vec<Relation> = vec![];
        let mut offsets = vec![0];
        for &m in &members {
            let spec = loss.batch(BatchId(m as u32));
            roots.extend(spec.residuals.iter().map(|r| r.expr));
            relations.extend(spec.residuals.iter().map(|r| r.relation));
            offsets.push(roots.len());
        }
        out.push(Group {
            batch: build(loss, g, &roots, true, 1.0, relations, None)?,
            points: vec![vec![]; members.len()],
            members,
            offsets,
            live: false,
        });
    }
    Ok(out)
}

impl<T: Real> Group<T> {
    /// Notes batch `b`'s new points; once every member's agree, the group
    /// takes them (through `at`, which builds a batch's [`Points`]).
    pub(super) fn set_points(
        &mut self,
        b: usize,
        points: &[Point],
        at: impl FnOnce(&Batch<T>) -> Points<T>,
    ) {
        let Some(m) = self.members.iter().position(|&x| x == b) else {
            return;
        };
        let changed = !same(&self.points[m], points);
        if changed {
            self.points[m] = points.to_vec();
        }
        let was = self.live;
        let first = &self.points[0];
        self.live = !first.is_empty() && self.points.iter().all(|p| same(p, first));
        if self.live && (changed || !was) {
            self.batch.at = at(&self.batch);
        }
    }

    /// The group's residuals (per residual) split by member.
    pub(super) fn split(&self, residuals: Vec<Vec<f64>>) -> Vec<Vec<Vec<f64>>> {
        let mut rest = residuals.into_iter();
        self.offsets
            .windows(2)
            .map(|w| rest.by_ref().take(w[1] - w[0]).collect())
            .collect()
    }
}

impl<T: Real> Jit<T> {
    /// Each member's weighted loss, from one pass over the group's points.
    pub(super) fn group_losses(&self, group: &Group<T>, params: &[T]) -> Vec<(usize, f64)> {
        let residuals = self.residuals(&group.batch, params, &group.batch.at);
        (group.members.iter().zip(group.split(residuals)))
            .map(|(&b, r)| (b, self.batch_loss(b, &r).0))
            .collect()
    }

    /// Each member's loss, and the gradient of `Σ factor(b) · loss_b` over
    /// the members, from one reverse pass over the group's points.
    pub(super) fn group_gradient(
        &self,
        group: &Group<T>,
        params: &[T],
        factor: impl Fn(usize) -> f64,
    ) -> (Vec<(usize, f64)>, Vec<f64>) {
        // Causal members' weights need the residuals first: once for all.
        let split = std::cell::OnceCell::new();
        let residuals = |m: usize| {
            split.get_or_init(|| group.split(self.residuals(&group.batch, params, &group.batch.at)))
                [m]
                .clone()
        };
        let (mut scales, mut factors) = (vec![], vec![]);
        for (m, &b) in group.members.iter().enumerate() {
            let s = self.scales(b, || residuals(m));
            factors.extend(vec![factor(b); s.len()]);
            scales.extend(s);
        }
        let (losses, gradient) =
            self.parallel(&group.batch, params, Mode::Reverse { scales, factors });
        let terms = (group.members.iter().enumerate())
            .map(|(m, &b)| {
                (
                    b,
                    losses[group.offsets[m]..group.offsets[m + 1]].iter().sum(),
                )
            })
            .collect();
        (terms, gradient)
    }
}

/// What makes batches' points one list: the batch whose drawn points they
/// take, or the data set whose rows they are.
#[derive(Clone, Debug, PartialEq)]
enum Key {
    Drawn(usize),
    Rows(DataId),
}

fn key(loss: &LossProgram, b: usize) -> Option<Key> {
    let set = &loss.batch(BatchId(b as u32)).points;
    let followed = (loss.batches.iter()).any(|o| o.points.same_as == Some(BatchId(b as u32)));
    match (&set.place, set.same_as) {
        (_, Some(leader)) => Some(Key::Drawn(leader.index())),
        _ if followed => Some(Key::Drawn(b)),
        (Where::Data(d), None) => Some(Key::Rows(*d)),
        _ => None,
    }
}

/// Whether two point lists are the same points, in the same order.
fn same(a: &[Point], b: &[Point]) -> bool {
    a.len() == b.len()
        && a.iter()
            .zip(b)
            .all(|(p, q)| p.coords == q.coords && p.row == q.row && p.normal == q.normal)
}
