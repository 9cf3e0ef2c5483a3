//! A model's trainable values as one float64 vector, for optimisers that
//! work on vectors ([`crate::bfgs`], [`crate::soap`]).
//!
//! Order: for each network, for each dense layer (the layers, then a
//! modified MLP's or PirateNet's gates), its weight (row major), its bias
//! and, where weights are factorised, its scales, then a PirateNet's block
//! factors; then the learned scalars. These are
//! the values the optimiser moves (a factorised layer's `V` and `g`, not
//! their product). [`assign`] keeps every parameter's id, device, float
//! type and gradient tracking, so the other optimisers and the checkpoint
//! find them again.

use crate::net::values;
use crate::program::Trainable;
use burn::module::Param;
use burn::optim::GradientsParams;
use burn::tensor::{Tensor, TensorData};

/// Calls `matrix` or `vector` on every trainable parameter of `t`, in order.
fn visit(
    t: &Trainable,
    mut matrix: impl FnMut(&Param<Tensor<2>>),
    mut vector: impl FnMut(&Param<Tensor<1>>),
) {
    for net in &t.nets {
        for i in 0..net.dense_count() {
            let layer = net.dense(i);
            matrix(&layer.weight);
            if let Some(b) = &layer.bias {
                vector(b);
            }
            if let Some(g) = net.scales.get(i) {
                vector(g);
            }
        }
        for alpha in &net.residual {
            vector(alpha);
        }
    }
    for s in &t.scalars {
        vector(s);
    }
}

/// A parameter's shape: a weight matrix `[inputs, outputs]`, or a vector.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Shape {
    Matrix(usize, usize),
    Vector(usize),
}

impl Shape {
    /// How many values it holds.
    pub fn count(self) -> usize {
        match self {
            Shape::Matrix(a, b) => a * b,
            Shape::Vector(n) => n,
        }
    }
}

/// The shape of each parameter of `t`, in [`parameters`]' order.
pub fn shapes(t: &Trainable) -> Vec<Shape> {
    let out = std::cell::RefCell::new(vec![]);
    visit(
        t,
        |p| {
            let [a, b] = p.val().dims();
            out.borrow_mut().push(Shape::Matrix(a, b));
        },
        |p| out.borrow_mut().push(Shape::Vector(p.val().dims()[0])),
    );
    out.into_inner()
}

/// Where network `n`'s last layer (its weight, row major, then its bias)
/// sits in [`parameters`]' order.
pub fn last_layer(t: &Trainable, n: usize) -> std::ops::Range<usize> {
    let mut at = 0;
    for (k, net) in t.nets.iter().enumerate() {
        for i in 0..net.dense_count() {
            let layer = net.dense(i);
            let [inputs, outputs] = layer.weight.val().dims();
            let own = inputs * outputs + layer.bias.as_ref().map_or(0, |_| outputs);
            if k == n && i + 1 == net.layers.len() {
                return at..at + own;
            }
            at += own + net.scales.get(i).map_or(0, |_| outputs);
        }
        at += net.residual.len();
    }
    panic!("no network {n}")
}

/// The parameters of `t`, flat.
pub fn parameters(t: &Trainable) -> Vec<f64> {
    let out = std::cell::RefCell::new(vec![]);
    visit(
        t,
        |p| out.borrow_mut().extend(values(p.val())),
        |p| out.borrow_mut().extend(values(p.val())),
    );
    out.into_inner()
}

/// A gradient in the same order (zeros for a parameter it lacks).
pub fn gradient(grads: &GradientsParams, t: &Trainable) -> Vec<f64> {
    let out = std::cell::RefCell::new(vec![]);
    visit(
        t,
        |p| {
            let n = p.val().shape().num_elements();
            out.borrow_mut()
                .extend(grads.get::<2>(p.id).map_or(vec![0.0; n], values));
        },
        |p| {
            let n = p.val().shape().num_elements();
            out.borrow_mut()
                .extend(grads.get::<1>(p.id).map_or(vec![0.0; n], values));
        },
    );
    out.into_inner()
}

/// `t` with its parameters replaced by `x` (in [`parameters`]' order).
pub fn assign(mut t: Trainable, x: &[f64]) -> Trainable {
    let mut at = 0;
    for net in &mut t.nets {
        let layers = net.layers.len();
        let mut scales = std::mem::take(&mut net.scales).into_iter();
        let mut refilled = vec![];
        for i in 0..net.dense_count() {
            let layer = if i < layers {
                &mut net.layers[i]
            } else {
                &mut net.gates[i - layers]
            };
            layer.weight = refill(layer.weight.clone(), x, &mut at);
            layer.bias = layer.bias.take().map(|b| refill(b, x, &mut at));
            if let Some(g) = scales.next() {
                refilled.push(refill(g, x, &mut at));
            }
        }
        net.scales = refilled;
        net.residual = std::mem::take(&mut net.residual)
            .into_iter()
            .map(|alpha| refill(alpha, x, &mut at))
            .collect();
    }
    t.scalars = std::mem::take(&mut t.scalars)
        .into_iter()
        .map(|s| refill(s, x, &mut at))
        .collect();
    debug_assert_eq!(at, x.len());
    t
}

/// `p` holding the next values of `x` from `at` on.
fn refill<const D: usize>(p: Param<Tensor<D>>, x: &[f64], at: &mut usize) -> Param<Tensor<D>> {
    p.map(|old| {
        let n = old.shape().num_elements();
        let values = x[*at..*at + n].to_vec();
        *at += n;
        replaced(old, values)
    })
}

/// A tensor like `old` (shape, device, float type, gradient tracking)
/// holding `values`.
fn replaced<const D: usize>(old: Tensor<D>, values: Vec<f64>) -> Tensor<D> {
    let shape = old.shape();
    let data = TensorData::new(values, shape).convert_dtype(old.dtype());
    let new = Tensor::<D>::from_data(data, &old.device());
    if old.is_require_grad() {
        new.require_grad()
    } else {
        new
    }
}
