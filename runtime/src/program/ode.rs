//! `ode` batches on burn tensors: a system integrated through its data's
//! trajectories.
//!
//! Input: a system of the loss program and its [`Schedule`]. Output: by
//! state, the mean squared error of the predicted rows, as the reference
//! interpreter computes it ([`physc_compiler::program::ode`]), with every
//! trajectory advanced together: interval `j` of all of them in one
//! evaluation of the rates, a trajectory that has ended stepping by zero.
//! The networks are read at the state, which depends on the weights, so
//! burn's reverse pass runs back through every Runge-Kutta stage.

use super::value::Value;
use super::{Arg, Program, Trainable, arithmetic};
use burn::tensor::{Tensor, TensorData};
use physc_compiler::ir::{ExprId, Node};
use physc_compiler::model::{CoordId, NetId};
use std::collections::HashMap;

impl Program {
    /// By state of system `s`: the mean over predicted rows of the squared
    /// error after integration, unweighted.
    pub(super) fn ode_errors(&self, s: usize, t: &Trainable) -> Vec<Tensor<1>> {
        let system = &self.loss.systems[s];
        let schedule = &self.schedules[s];
        let data = &self.loss.model.data[system.data.index()];
        let device = t.device().unwrap_or_else(|| self.device.clone());
        let runs = schedule.trajectories.len();
        let column = |values: Vec<f64>| {
            let n = values.len();
            Tensor::<2>::from_data(TensorData::new(values, [n, 1]), &device)
        };
        let mut y: Vec<Tensor<2>> = system
            .columns
            .iter()
            .map(|c| {
                column(
                    schedule
                        .trajectories
                        .iter()
                        .map(|r| data.values[*c][r.start])
                        .collect(),
                )
            })
            .collect();
        let mut predicted: Vec<Vec<Tensor<2>>> = vec![vec![]; y.len()];
        for h in &schedule.steps {
            let h = column(h.clone());
            for _ in 0..system.steps {
                y = self.rk4_step(s, &y, &h, t);
            }
            for (k, state) in y.iter().enumerate() {
                predicted[k].push(state.clone());
            }
        }
        // Interval-major, as the predictions were stacked.
        let rows: Vec<Option<usize>> = schedule.rows.iter().flatten().copied().collect();
        let mask = column(
            rows.iter()
                .map(|r| f64::from(u8::from(r.is_some())))
                .collect(),
        );
        let count = rows.iter().flatten().count().max(1) as f64;
        debug_assert_eq!(rows.len(), schedule.steps.len() * runs);
        system
            .columns
            .iter()
            .zip(predicted)
            .map(|(c, predicted)| {
                let observed = column(
                    rows.iter()
                        .map(|r| r.map_or(0.0, |r| data.values[*c][r]))
                        .collect(),
                );
                let error = (Tensor::cat(predicted, 0) - observed) * mask.clone();
                error.powi_scalar(2).sum().div_scalar(count)
            })
            .collect()
    }

    /// One classical Runge-Kutta step of system `s` from state `y`, step
    /// `h` per trajectory.
    fn rk4_step(&self, s: usize, y: &[Tensor<2>], h: &Tensor<2>, t: &Trainable) -> Vec<Tensor<2>> {
        let at = |k: &[Tensor<2>], c: f64| -> Vec<Tensor<2>> {
            y.iter()
                .zip(k)
                .map(|(y, k)| y.clone() + k.clone() * h.clone().mul_scalar(c))
                .collect()
        };
        let k1 = self.rates(s, y, t);
        let k2 = self.rates(s, &at(&k1, 0.5), t);
        let k3 = self.rates(s, &at(&k2, 0.5), t);
        let k4 = self.rates(s, &at(&k3, 1.0), t);
        (0..y.len())
            .map(|i| {
                let slope = k1[i].clone()
                    + k2[i].clone().mul_scalar(2.0)
                    + k3[i].clone().mul_scalar(2.0)
                    + k4[i].clone();
                y[i].clone() + slope * h.clone().div_scalar(6.0)
            })
            .collect()
    }

    /// The rates of system `s` at state `y` (one row per trajectory).
    fn rates(&self, s: usize, y: &[Tensor<2>], t: &Trainable) -> Vec<Tensor<2>> {
        let system = &self.loss.systems[s];
        let n = y[0].dims()[0];
        let device = y[0].device();
        let state: HashMap<CoordId, Tensor<2>> = system
            .states
            .iter()
            .copied()
            .zip(y.iter().cloned())
            .collect();
        let g = &self.loss.graph;
        let mut values: HashMap<ExprId, Value> = HashMap::new();
        let mut jets: HashMap<(NetId, Vec<Arg>), Vec<Option<Tensor<2>>>> = HashMap::new();
        for id in g.reachable(&system.rates) {
            let node = g.node(id);
            let v = match arithmetic(node, &values) {
                Some(v) => v,
                None => match node {
                    Node::Coord(c) => Value::Tensor(state[c].clone()),
                    Node::Learned(l) => Value::Tensor(t.scalars[l.index()].val().reshape([1, 1])),
                    Node::Field { .. } | Node::Apply { .. } => {
                        let (net, site) = self.site(node).expect("a field node has a site");
                        let own = |c: CoordId| state[&c].clone();
                        let jet = jets.entry((net, site)).or_insert_with_key(|(net, site)| {
                            self.jets_at(net, site, &own, n, &self.plans, t, &values)
                        });
                        self.read_jet(node, &self.plans, jet, None)
                    }
                    Node::Column { .. } | Node::Normal(_) => {
                        unreachable!("an integrated rate reads no data column or parameter")
                    }
                    _ => unreachable!("arithmetic is evaluated above"),
                },
            };
            values.insert(id, v);
        }
        system
            .rates
            .iter()
            .map(|r| values[r].column(n, &device))
            .collect()
    }
}
