//! Time marching: one loss program per window of time.
//!
//! Input: a loss program whose model sets `windows = n` (the range of the
//! coordinate `t` split into `n` equal windows, trained in turn) and, for
//! each window after the first, the values the previous window's networks
//! give its initial conditions. Output: window `k`'s loss program: the
//! range of `t` narrowed to the window's and, after the first window, each
//! initial condition (a constraint on the slice `t = t0`) held at the
//! window's start against the previous window's value of its residual
//! there. For `L(u) = g` with residual `r(u) = L(u) - g`, the window's
//! residual `r(u_k) - r(u_{k-1})` at fixed points is `L(u_k) -
//! L(u_{k-1})`: the condition's left side carried across, whatever `g`
//! says at time zero (a value, a velocity, a complex state).
//!
//! [`refusals`] says, before any training, what a window cannot carry:
//! conditions elsewhere in time, data, learned scalars and functions,
//! conservation laws, hard constraints and symmetries that involve `t`.
//!
//! Invariants: the windows partition the range of `t` (the last one ends
//! at its end); a window's graph extends the whole program's, so an
//! expression id of the whole program means the same in every window;
//! the first window's program differs from the whole one only in the
//! range of `t`.

use super::sample::{self, Point};
use super::{BatchId, LossProgram};
use crate::diagnostics::{Code, Diagnostic};
use crate::model::{
    ConstraintId, CoordId, DataSet, Enforcement, Factor, FuncId, FunctionKind, Model, Relation,
    SymmetryMap, Where,
};
use std::path::PathBuf;

/// The time coordinate: the one named `t`.
pub fn time(model: &Model) -> Option<CoordId> {
    let k = model.coords.iter().position(|c| c.name == "t")?;
    Some(CoordId(k as u32))
}

/// The whole range of `t`: its interval in the first field that has one.
pub fn range(model: &Model) -> Option<(f64, f64)> {
    let t = time(model)?;
    model.functions.iter().find_map(|f| {
        f.domain
            .as_ref()?
            .factors
            .iter()
            .find_map(|factor| match factor {
                Factor::Interval { coord, lo, hi } if *coord == t => Some((*lo, *hi)),
                _ => None,
            })
    })
}

/// Window `k` of `n`: its range of `t`.
pub fn bounds(whole: (f64, f64), k: usize, n: usize) -> (f64, f64) {
    let (lo, hi) = whole;
    let at = |j: usize| match j == n {
        true => hi,
        false => lo + (hi - lo) * j as f64 / n as f64,
    };
    (at(k), at(k + 1))
}

/// The window that time `t` falls in: the last one holds its end, times
/// outside the range go to the nearest window.
pub fn window_of(whole: (f64, f64), n: usize, t: f64) -> usize {
    let (lo, hi) = whole;
    let k = ((t - lo) / (hi - lo) * n as f64).floor();
    (k.max(0.0) as usize).min(n - 1)
}

/// What time marching cannot carry from one window to the next, one
/// diagnostic per construct; none unless the model asks for windows.
pub fn refusals(model: &Model) -> Vec<Diagnostic> {
    let (Some(t), Some((t0, _))) = (time(model), range(model)) else {
        return vec![];
    };
    if model.train.windows <= 1 {
        return vec![];
    }
    let refuse = |span, label: &str, why: &str| {
        Diagnostic::error(
            Code::NotMarched,
            format!("time marching cannot carry {label} from one window to the next"),
        )
        .label(span, why.to_string())
        .help(
            "windows carry equations over the domain, conditions on other coordinates and \
             initial conditions at the start of `t`; leave out `windows` to train the whole \
             range at once",
        )
    };
    let mut out = vec![];
    for f in &model.functions {
        let Some(domain) = &f.domain else { continue };
        let interval = domain
            .factors
            .iter()
            .any(|x| matches!(x, Factor::Interval { coord, .. } if *coord == t));
        if f.kind == FunctionKind::Learned {
            out.push(refuse(
                f.span,
                &format!("`{}`", f.name),
                "a learned function",
            ));
        } else if !interval {
            out.push(refuse(
                f.span,
                &format!("`{}`", f.name),
                "windows split an interval of `t`, and this field has none",
            ));
        }
    }
    for l in &model.learned {
        out.push(refuse(l.span, &format!("`{}`", l.name), "a learned scalar"));
    }
    for c in &model.conservation {
        out.push(refuse(
            c.span,
            &format!("`{}`", c.label),
            "a conservation law",
        ));
    }
    for c in &model.constraints {
        let why = match &c.on {
            place if !mentions(place, t) => None,
            _ if c.enforcement == Enforcement::Hard => Some("a hard constraint in time"),
            Where::Slice { value, .. } if *value == t0 => None,
            Where::Slice { .. } => Some("a condition after the start of `t`"),
            Where::Data(_) => Some("data (not split among windows yet)"),
            _ => Some("a place in time other than its start alone"),
        };
        if let Some(why) = why {
            out.push(refuse(c.span, &format!("`{}`", c.label), why));
        }
    }
    for s in &model.symmetries {
        let f = model.function(s.function);
        let moves_time = match &s.map {
            SymmetryMap::Periodic { coord, .. } => *coord == t,
            SymmetryMap::Finite { images, .. } => f
                .coords
                .iter()
                .position(|c| *c == t)
                .is_some_and(|k| !images[k].is_unmoved(k, 1e-12)),
            SymmetryMap::Sampled { .. } => true,
        };
        if moves_time {
            out.push(refuse(
                s.span,
                &format!("this symmetry of `{}`", f.name),
                "it may move `t`",
            ));
        }
    }
    out
}

/// Whether a place restricts the time coordinate.
fn mentions(place: &Where, t: CoordId) -> bool {
    match place {
        Where::Domain => false,
        Where::Set { coords, .. } => coords.contains(&t),
        Where::Slice { coord, .. } => *coord == t,
        Where::Union(parts) => parts.iter().any(|p| mentions(p, t)),
        Where::Data(_) => true,
    }
}

/// The soft equations on the slice at the start of `t` that read any of
/// `fields`: what a least-squares initialisation of their network fits.
pub fn initial_conditions(model: &Model, fields: &[FuncId]) -> Vec<ConstraintId> {
    let (Some(t), Some((t0, _))) = (time(model), range(model)) else {
        return vec![];
    };
    (0..model.constraints.len())
        .filter(|&k| {
            let c = &model.constraints[k];
            let reads = c.lhs.functions().into_iter().chain(c.rhs.functions());
            c.enforcement == Enforcement::Soft
                && c.relation == Relation::Eq
                && matches!(c.on, Where::Slice { coord, value } if coord == t && value == t0)
                && reads.into_iter().any(|f| fields.contains(&f))
        })
        .map(|k| ConstraintId(k as u32))
        .collect()
}

/// The batches of the initial conditions: on the slice at the start of
/// `t`.
pub fn initial_batches(loss: &LossProgram) -> Vec<BatchId> {
    let (Some(t), Some((t0, _))) = (time(&loss.model), range(&loss.model)) else {
        return vec![];
    };
    (0..loss.batches.len())
        .filter(|&b| {
            matches!(loss.batches[b].points.place,
                Where::Slice { coord, value } if coord == t && value == t0)
        })
        .map(|b| BatchId(b as u32))
        .collect()
}

/// The points where window `k` holds initial condition `b`: the batch's
/// count of points on the slice at the window's start, drawn from the
/// program's point seed and the window.
pub fn initial_points(loss: &LossProgram, k: usize, b: BatchId) -> Result<Vec<Point>, String> {
    let (t, whole) = time(&loss.model)
        .zip(range(&loss.model))
        .ok_or("no time range")?;
    let (start, _) = bounds(whole, k, loss.model.train.windows as usize);
    let batch = loss.batch(b);
    let constraint = &loss.model.constraints[batch.constraint.index()];
    let mut rng = super::geometry::Rng::new(loss.sample_seed ^ ((k as u64) << 32));
    let place = Where::Slice {
        coord: t,
        value: start,
    };
    sample::points(
        &window_model(&loss.model, k),
        constraint,
        &place,
        batch.points.count,
        &mut rng,
    )
}

/// An initial condition of a window after the first: the batch, its
/// points at the window's start, and per residual the previous window's
/// value of the residual at each point.
pub struct Carried {
    pub batch: BatchId,
    pub points: Vec<Point>,
    pub values: Vec<Vec<f64>>,
}

/// Window `k`'s loss program, its initial conditions `carried` from the
/// previous window (none for the first).
pub fn window(loss: &LossProgram, k: usize, carried: &[Carried]) -> LossProgram {
    let mut out = loss.clone();
    out.model = window_model(&loss.model, k);
    for c in carried {
        let batch = loss.batch(c.batch);
        let data = crate::model::DataId(out.model.data.len() as u32);
        // The points' coordinates (those the constraint ranges over), then
        // one column per residual: the previous window's value.
        let present: Vec<usize> = (0..loss.model.coords.len())
            .filter(|&i| c.points.iter().all(|p| p.coords[i].is_finite()))
            .collect();
        let mut columns: Vec<String> = present
            .iter()
            .map(|&i| loss.model.coords[i].name.clone())
            .collect();
        let mut values: Vec<Vec<f64>> = present
            .iter()
            .map(|&i| c.points.iter().map(|p| p.coords[i]).collect())
            .collect();
        for (j, v) in c.values.iter().enumerate() {
            columns.push(format!("previous {j}"));
            values.push(v.clone());
        }
        out.model.data.push(DataSet {
            name: format!("{} at window {}", batch.label, k + 1),
            path: PathBuf::from(format!("window {} of {}", k + 1, loss.model.train.windows)),
            columns,
            values,
            span: loss.model.constraints[batch.constraint.index()].span,
        });
        let mut residuals = batch.residuals.clone();
        for (j, r) in residuals.iter_mut().enumerate() {
            let previous = out.graph.column(data, (present.len() + j) as u32);
            r.expr = out.graph.sub(r.expr, previous);
        }
        let b = &mut out.batches[c.batch.index()];
        b.residuals = residuals;
        b.points.place = Where::Data(data);
        b.points.count = c.points.len();
    }
    out
}

/// The model with the range of `t` narrowed to window `k`'s.
fn window_model(model: &Model, k: usize) -> Model {
    let mut out = model.clone();
    let (Some(t), Some(whole)) = (time(model), range(model)) else {
        return out;
    };
    let (lo, hi) = bounds(whole, k, model.train.windows as usize);
    for f in &mut out.functions {
        for factor in f.domain.iter_mut().flat_map(|d| d.factors.iter_mut()) {
            if let Factor::Interval {
                coord,
                lo: l,
                hi: h,
            } = factor
                && *coord == t
            {
                (*l, *h) = (lo, hi);
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn windows_partition_the_range() {
        let whole = (0.0, 1.0);
        let edges: Vec<(f64, f64)> = (0..4).map(|k| bounds(whole, k, 4)).collect();
        assert_eq!(edges, [(0.0, 0.25), (0.25, 0.5), (0.5, 0.75), (0.75, 1.0)]);
        assert_eq!(
            [0.0, 0.2, 0.25, 0.74, 0.75, 1.0, 1.5, -1.0].map(|t| window_of(whole, 4, t)),
            [0, 0, 1, 2, 3, 3, 3, 0]
        );
        // Thirds of [0, 1] meet where their ends say, and the last ends at 1.
        assert_eq!(bounds(whole, 2, 3).1, 1.0);
        assert_eq!(bounds(whole, 1, 3).0, bounds(whole, 0, 3).1);
    }
}
