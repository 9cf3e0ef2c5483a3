//! Neural ODE fits: a data set's `ode` equations as one system to
//! integrate, and the schedule every back end integrates it on.
//!
//! Input: the model's constraints enforced as [`Enforcement::Ode`] and
//! their batches. Output: one [`OdeSystem`] per data set, and its
//! [`Schedule`]: the data's trajectories (runs of rows whose time
//! increases), each integrated from its first row by the classical
//! fourth-order Runge-Kutta method, `steps` steps per interval between
//! observations; each later row is a prediction compared with the data.
//! The loss of state `k` is its batch's weight times the mean over
//! predicted rows of the squared difference. Gradients flow back through
//! the unrolled steps (reverse mode through the integrator, not the
//! adjoint ODE: the trajectories are short, the memory of the unrolled
//! steps small, and the gradient is that of the loss actually computed).
//!
//! Invariants: a system's rates read only its states, learned scalars and
//! numbers (the checker's); a system has a trajectory of two rows or more.

use super::interp::{Evaluator, Weights};
use super::sample::Point;
use super::{BatchId, LossProgram};
use crate::ir::ExprId;
use crate::model::{CoordId, DataId, Enforcement, Model, Where};
use std::ops::Range;

/// A data set's `ode` equations, integrated together.
#[derive(Clone, Debug)]
pub struct OdeSystem {
    pub data: DataId,
    /// The state variables, in the order of their equations.
    pub states: Vec<CoordId>,
    /// By state: its time derivative (its batch's residual root).
    pub rates: Vec<ExprId>,
    /// By state: its column in the data set.
    pub columns: Vec<usize>,
    /// By state: the batch whose loss is that state's error.
    pub batches: Vec<BatchId>,
    /// The time column.
    pub time: usize,
    /// Runge-Kutta steps per interval between observations.
    pub steps: usize,
}

/// Where a system is integrated, for back ends that advance every
/// trajectory together: interval `j` of every trajectory at once.
#[derive(Clone, Debug)]
pub struct Schedule {
    /// Row ranges of the trajectories of two rows or more.
    pub trajectories: Vec<Range<usize>>,
    /// By interval `j`, by trajectory: the step size in interval `j` (0
    /// where the trajectory has ended: its state stays).
    pub steps: Vec<Vec<f64>>,
    /// By interval `j`, by trajectory: the row predicted at its end, if
    /// the trajectory has one.
    pub rows: Vec<Vec<Option<usize>>>,
}

impl OdeSystem {
    /// The schedule of integration over `model`'s data.
    pub fn schedule(&self, model: &Model) -> Schedule {
        let times = &model.data[self.data.index()].values[self.time];
        let trajectories = trajectories(times);
        let intervals = trajectories.iter().map(|r| r.len() - 1).max().unwrap_or(0);
        let mut steps = vec![];
        let mut rows = vec![];
        for j in 0..intervals {
            let row = |r: &Range<usize>| (r.start + j + 1 < r.end).then_some(r.start + j + 1);
            rows.push(trajectories.iter().map(row).collect::<Vec<_>>());
            steps.push(
                trajectories
                    .iter()
                    .map(|r| {
                        row(r).map_or(0.0, |end| (times[end] - times[end - 1]) / self.steps as f64)
                    })
                    .collect(),
            );
        }
        Schedule {
            trajectories,
            steps,
            rows,
        }
    }
}

/// The runs of rows whose time increases, of two rows or more.
pub fn trajectories(times: &[f64]) -> Vec<Range<usize>> {
    let mut out = vec![];
    let mut start = 0;
    for r in 1..=times.len() {
        if r == times.len() || times[r] <= times[r - 1] || times[r].is_nan() {
            if r - start >= 2 {
                out.push(start..r);
            }
            start = r;
        }
    }
    out
}

/// One classical Runge-Kutta step of `y' = f(y)` with step `h`.
pub fn rk4_step(y: &[f64], h: f64, f: &mut dyn FnMut(&[f64]) -> Vec<f64>) -> Vec<f64> {
    let at = |k: &[f64], c: f64| -> Vec<f64> { y.iter().zip(k).map(|(y, k)| y + c * k).collect() };
    let k1 = f(y);
    let k2 = f(&at(&k1, h / 2.0));
    let k3 = f(&at(&k2, h / 2.0));
    let k4 = f(&at(&k3, h));
    (0..y.len())
        .map(|i| y[i] + h / 6.0 * (k1[i] + 2.0 * k2[i] + 2.0 * k3[i] + k4[i]))
        .collect()
}

/// The model's `ode` equations grouped by data set, given the batch of
/// each constraint.
pub(super) fn systems(
    model: &Model,
    batch_of: &dyn Fn(usize) -> Option<(BatchId, ExprId)>,
) -> Vec<OdeSystem> {
    let mut out: Vec<OdeSystem> = vec![];
    for (k, c) in model.constraints.iter().enumerate() {
        let (Enforcement::Ode { state, time }, Where::Data(data)) = (c.enforcement, &c.on) else {
            continue;
        };
        let Some((batch, rate)) = batch_of(k) else {
            continue;
        };
        let crate::model::Expr::Column { column, .. } = c.lhs else {
            unreachable!("an `ode` equation's lhs is its observed column")
        };
        let system = match out.iter().position(|s| s.data == *data) {
            Some(s) => &mut out[s],
            None => {
                out.push(OdeSystem {
                    data: *data,
                    states: vec![],
                    rates: vec![],
                    columns: vec![],
                    batches: vec![],
                    time,
                    steps: model.train.ode_steps as usize,
                });
                out.last_mut().expect("just pushed")
            }
        };
        system.states.push(state);
        system.rates.push(rate);
        system.columns.push(column);
        system.batches.push(batch);
    }
    out
}

impl LossProgram {
    /// The system a batch's loss integrates, and the batch's state in it.
    pub fn ode_term(&self, batch: BatchId) -> Option<(usize, usize)> {
        self.systems.iter().enumerate().find_map(|(s, system)| {
            let k = system.batches.iter().position(|b| *b == batch)?;
            Some((s, k))
        })
    }
}

/// By state of system `s`: the mean over the predicted rows of its
/// squared error, integrating in float64 through the reference
/// interpreter.
pub fn squared_errors(program: &LossProgram, weights: &Weights, s: usize) -> Vec<f64> {
    let system = &program.systems[s];
    let model = &program.model;
    let data = &model.data[system.data.index()];
    let times = &data.values[system.time];
    let evaluator = Evaluator::new(program, weights, &system.rates);
    let mut point = Point {
        coords: vec![0.0; model.coords.len()],
        row: None,
        normal: vec![],
    };
    let mut scratch = vec![];
    let mut rates = |y: &[f64]| {
        for (c, v) in system.states.iter().zip(y) {
            point.coords[c.index()] = *v;
        }
        evaluator.at(&point, &mut scratch)
    };
    let mut sums = vec![0.0; system.states.len()];
    let mut predicted = 0;
    for run in trajectories(times) {
        let observed =
            |r: usize| -> Vec<f64> { system.columns.iter().map(|c| data.values[*c][r]).collect() };
        let mut y = observed(run.start);
        for r in run.start + 1..run.end {
            let h = (times[r] - times[r - 1]) / system.steps as f64;
            for _ in 0..system.steps {
                y = rk4_step(&y, h, &mut rates);
            }
            for (k, o) in observed(r).iter().enumerate() {
                sums[k] += (y[k] - o).powi(2);
            }
            predicted += 1;
        }
    }
    sums.iter().map(|s| s / predicted.max(1) as f64).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn trajectories_are_runs_of_increasing_time() {
        let t = [0.0, 0.1, 0.2, 0.0, 0.5, 0.5, 0.7, 0.8, 0.1];
        assert_eq!(trajectories(&t), vec![0..3, 3..5, 5..8]);
        assert_eq!(trajectories(&[1.0, 1.0]), Vec::<Range<usize>>::new());
    }

    #[test]
    fn rk4_is_fourth_order() {
        // y' = y from 1 to t = 1: the error falls 16x when h halves.
        let error = |n: usize| {
            let mut y = vec![1.0];
            for _ in 0..n {
                y = rk4_step(&y, 1.0 / n as f64, &mut |y| y.to_vec());
            }
            (y[0] - 1f64.exp()).abs()
        };
        let ratio = error(8) / error(16);
        assert!((ratio - 16.0).abs() < 1.0, "ratio {ratio}");
    }
}
