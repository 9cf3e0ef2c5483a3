//! The loss program on burn tensors.
//!
//! Input: a lowered model. Each constraint becomes a [`Batch`]: its sampled
//! points as input tensors, and its residual roots. [`Program::losses`]
//! evaluates, per batch, the jets of the networks its residuals read (each
//! once), then the residual DAG node by node (each once; numbers stay
//! scalars), and returns each constraint's weighted mean squared residual
//! (for inequalities, of the violation only; weighted by time slab with
//! `causal`, see [`crate::causal`]). The trainable parameters are
//! the networks and the learned scalars ([`Trainable`]).

use crate::causal;
use crate::net::{Embedding, JetPlan, Mlp};
use burn::module::{Module, Param};
use burn::tensor::{Device, Tensor, TensorData, activation};
use physc_compiler::geometry::Rng;
use physc_compiler::ir::lower::Lowered;
use physc_compiler::ir::{ExprId, Func, Graph, Node, Part};
use physc_compiler::model::{
    CoordId, Enforcement, FuncId, Model, Relation, Symmetry, SymmetryMap, Where,
};
use physc_compiler::sample::{Point, points};
use std::collections::HashMap;

/// Everything training changes: one network per `net` and the learned scalars.
#[derive(Module, Debug)]
pub struct Trainable {
    pub nets: Vec<Mlp>,
    pub scalars: Vec<Param<Tensor<1>>>,
}

/// Where a function's output is: which network and which column.
#[derive(Clone, Copy, Debug)]
struct Output {
    net: usize,
    column: usize,
}

/// One constraint's points and residuals.
pub struct Batch {
    pub label: String,
    /// The constraint's index in the model.
    constraint: usize,
    pub weight: f64,
    residuals: Vec<(ExprId, Relation)>,
    /// Network inputs at the points, per network that the residuals read.
    inputs: HashMap<usize, Tensor<2>>,
    /// Leaf values at the points: coordinates, parameters and data columns.
    leaves: HashMap<ExprId, Tensor<2>>,
    /// The averages over time slabs when the loss is causally weighted.
    causal: Option<Tensor<2>>,
}

/// The lowered model ready to evaluate.
pub struct Program {
    device: Device,
    graph: Graph,
    outputs: HashMap<(FuncId, Part), Output>,
    plans: Vec<JetPlan>,
    activations: Vec<physc_compiler::model::Activation>,
    pub batches: Vec<Batch>,
    /// The model, for drawing new points.
    model: Model,
    /// Draws every batch's points, first and on each resampling.
    sampler: Rng,
}

/// What the runtime cannot train yet, one line each; empty when it can.
pub fn unsupported(model: &Model, lowered: &Lowered) -> Vec<String> {
    let mut out = vec![];
    let transformed = |k: usize| lowered.hard.iter().any(|h| h.constraint == k);
    if model
        .constraints
        .iter()
        .enumerate()
        .any(|(k, c)| c.enforcement == Enforcement::Hard && !transformed(k))
    {
        out.push(
            "hard constraints other than a real field's value, given by the coordinates, on slices \
             and on boundaries of balls and of boxes around the domain (one per field)"
                .to_string(),
        );
    }
    if model.symmetries.iter().any(|s| !built_in(model, s)) {
        out.push(
            "symmetries other than periodicity (`u(x + L, t) = u(x, t)`) of a field with its own network"
                .to_string(),
        );
    }
    if !model.conservation.is_empty() {
        out.push("conservation laws".to_string());
    }
    if !model.params.is_empty() {
        out.push("parameters (`param`)".to_string());
    }
    let roots: Vec<ExprId> = lowered.residuals.iter().map(|r| r.expr).collect();
    if lowered
        .graph
        .reachable(&roots)
        .iter()
        .any(|&id| matches!(lowered.graph.node(id), Node::Apply { .. }))
    {
        out.push("fields at other arguments, such as `u(x + 1, t)`".to_string());
    }
    out
}

/// Whether training builds symmetry `s` into its network: a periodic one
/// (`u(x + L, ...) = u(x, ...)`, exactly) of a function whose network
/// computes it alone.
fn built_in(model: &Model, s: &Symmetry) -> bool {
    let alone = model.nets.iter().any(|n| n.outputs == [s.function]);
    matches!(s.map, SymmetryMap::Periodic { .. }) && s.sign == 1.0 && !s.soft && alone
}

/// The period of network `net` in its input `coord`, if a symmetry makes it
/// periodic there.
fn period(model: &Model, net: &physc_compiler::model::Net, coord: CoordId) -> Option<f64> {
    model.symmetries.iter().find_map(|s| match s.map {
        SymmetryMap::Periodic { coord: c, period }
            if c == coord && built_in(model, s) && net.outputs == [s.function] =>
        {
            Some(period)
        }
        _ => None,
    })
}

impl Program {
    /// Samples each constraint's points and builds the networks.
    pub fn new(model: &Model, lowered: &Lowered, device: &Device) -> (Program, Trainable) {
        let mut outputs = HashMap::new();
        for (n, net) in model.nets.iter().enumerate() {
            let mut column = 0;
            for &f in &net.outputs {
                let parts: &[Part] = if model.function(f).complex {
                    &[Part::Re, Part::Im]
                } else {
                    &[Part::Real]
                };
                for &part in parts {
                    outputs.insert((f, part), Output { net: n, column });
                    column += 1;
                }
            }
        }
        let wanted: HashMap<FuncId, Vec<Vec<u8>>> = lowered
            .derivatives
            .iter()
            .map(|(f, set)| (*f, set.iter().map(|d| d.to_vec()).collect()))
            .collect();
        let plans: Vec<JetPlan> = model
            .nets
            .iter()
            .map(|net| {
                let all: Vec<Vec<u8>> = net
                    .outputs
                    .iter()
                    .flat_map(|f| wanted.get(f).cloned().unwrap_or_default())
                    .collect();
                JetPlan::new(&all, net.inputs.len())
            })
            .collect();
        let mut init = Rng::new(model.train.seed ^ 0x5eed_1417);
        let nets: Vec<Mlp> = model
            .nets
            .iter()
            .map(|net| {
                let width = net
                    .outputs
                    .iter()
                    .map(|f| if model.function(*f).complex { 2 } else { 1 })
                    .sum();
                let embedding = Embedding {
                    periods: net.inputs.iter().map(|c| period(model, net, *c)).collect(),
                    fourier: net.fourier as usize,
                    scale: net.fourier_scale,
                };
                Mlp::new(
                    net.inputs.len(),
                    width,
                    net.depth as usize,
                    net.width as usize,
                    &embedding,
                    &mut init,
                    device,
                )
            })
            .collect();
        let scalars = model
            .learned
            .iter()
            .map(|l| {
                Param::from_tensor(Tensor::<1>::from_data(
                    TensorData::new(vec![l.init], [1]),
                    device,
                ))
            })
            .collect();
        let mut program = Program {
            device: device.clone(),
            graph: lowered.graph.clone(),
            outputs,
            plans,
            activations: model.nets.iter().map(|n| n.activation).collect(),
            batches: vec![],
            model: model.clone(),
            sampler: Rng::new(model.train.seed ^ 0x9e37_79b9),
        };
        for (k, c) in model.constraints.iter().enumerate() {
            let residuals: Vec<(ExprId, Relation)> = lowered
                .residuals
                .iter()
                .filter(|r| r.constraint == k)
                .map(|r| (r.expr, r.relation))
                .collect();
            let weight = lowered
                .residuals
                .iter()
                .find(|r| r.constraint == k)
                .map_or(1.0, |r| r.weight);
            if residuals.is_empty() {
                // Built into the network (a hard constraint).
                continue;
            }
            let pts = program.draw(k);
            let batch = program.batch(k, c.label.clone(), weight, residuals, &pts);
            program.batches.push(batch);
        }
        (program, Trainable { nets, scalars })
    }

    /// New points for constraint `k`: as many as the `train` block gives it.
    fn draw(&mut self, k: usize) -> Vec<Point> {
        let model = &self.model;
        let c = &model.constraints[k];
        let n = model
            .train
            .label_points
            .iter()
            .find(|(l, _)| *l == c.label)
            .map_or(model.train.points, |(_, n)| *n);
        points(model, c, &c.on, n as usize, &mut self.sampler)
    }

    /// Draws new points for every constraint not on data (whose points are
    /// its rows). The draws follow from the seed and the number of earlier
    /// resamplings, so a resumed run replays them.
    pub fn resample(&mut self) {
        for b in 0..self.batches.len() {
            let k = self.batches[b].constraint;
            if matches!(self.model.constraints[k].on, Where::Data(_)) {
                continue;
            }
            let pts = self.draw(k);
            let old = &self.batches[b];
            let (label, weight, residuals) = (old.label.clone(), old.weight, old.residuals.clone());
            self.batches[b] = self.batch(k, label, weight, residuals, &pts);
        }
    }

    fn batch(
        &self,
        constraint: usize,
        label: String,
        weight: f64,
        residuals: Vec<(ExprId, Relation)>,
        pts: &[Point],
    ) -> Batch {
        let (model, device) = (&self.model, &self.device);
        let roots: Vec<ExprId> = residuals.iter().map(|(r, _)| *r).collect();
        let column = |values: Vec<f64>| {
            let n = values.len();
            Tensor::<2>::from_data(TensorData::new(values, [n, 1]), device)
        };
        let mut inputs = HashMap::new();
        let mut leaves = HashMap::new();
        for id in self.graph.reachable(&roots) {
            match self.graph.node(id) {
                Node::Field { function, part, .. } => {
                    let net = self.outputs[&(*function, *part)].net;
                    inputs.entry(net).or_insert_with(|| {
                        let coords = &model.nets[net].inputs;
                        let flat: Vec<f64> = pts
                            .iter()
                            .flat_map(|p| coords.iter().map(|c| p.coords[c.index()]))
                            .collect();
                        Tensor::<2>::from_data(
                            TensorData::new(flat, [pts.len(), coords.len()]),
                            device,
                        )
                    });
                }
                Node::Coord(c) => {
                    leaves.insert(
                        id,
                        column(pts.iter().map(|p| p.coords[c.index()]).collect()),
                    );
                }
                Node::Column { data, column: col } => {
                    let values = &model.data[data.index()].values[*col as usize];
                    leaves.insert(
                        id,
                        column(
                            pts.iter()
                                .map(|p| p.row.map_or(f64::NAN, |r| values[r]))
                                .collect(),
                        ),
                    );
                }
                _ => {}
            }
        }
        // Causal weighting orders the residuals over the whole domain in time.
        let time = model.coords.iter().position(|c| c.name == "t");
        let causal = match (time, &model.constraints[constraint].on) {
            (Some(time), Where::Domain) if model.train.causal > 0.0 => {
                causal::slab_means(pts, time, device)
            }
            _ => None,
        };
        Batch {
            label,
            constraint,
            weight,
            residuals,
            inputs,
            leaves,
            causal,
        }
    }

    /// Each batch's weighted loss, in batch order.
    pub fn losses(&self, t: &Trainable) -> Vec<Tensor<1>> {
        self.batches.iter().map(|b| self.batch_loss(b, t)).collect()
    }

    /// Batch `b`'s weighted loss.
    pub fn loss(&self, b: usize, t: &Trainable) -> Tensor<1> {
        self.batch_loss(&self.batches[b], t)
    }

    /// The value of every node under the batch's residuals.
    fn node_values(&self, batch: &Batch, t: &Trainable) -> HashMap<ExprId, Value> {
        let jets: HashMap<usize, Vec<Option<Tensor<2>>>> = batch
            .inputs
            .iter()
            .map(|(&net, x)| {
                (
                    net,
                    t.nets[net].jets(x.clone(), self.activations[net], &self.plans[net]),
                )
            })
            .collect();
        let roots: Vec<ExprId> = batch.residuals.iter().map(|(r, _)| *r).collect();
        let mut values: HashMap<ExprId, Value> = HashMap::new();
        for id in self.graph.reachable(&roots) {
            let v = self.node_value(id, batch, t, &jets, &values);
            values.insert(id, v);
        }
        values
    }

    /// Constraint `k`'s residuals (one per part: two for a complex
    /// equation) at `pts`.
    pub fn residuals_at(&self, t: &Trainable, k: usize, pts: &[Point]) -> Vec<Vec<f64>> {
        let Some(template) = self.batches.iter().find(|b| b.constraint == k) else {
            return vec![];
        };
        let batch = self.batch(
            k,
            template.label.clone(),
            template.weight,
            template.residuals.clone(),
            pts,
        );
        let values = self.node_values(&batch, t);
        batch
            .residuals
            .iter()
            .map(|(root, _)| match &values[root] {
                Value::Scalar(s) => vec![*s; pts.len()],
                Value::Tensor(r) => r
                    .clone()
                    .into_data()
                    .convert::<f64>()
                    .try_to_vec::<f64>()
                    .expect("float data"),
            })
            .collect()
    }

    fn batch_loss(&self, batch: &Batch, t: &Trainable) -> Tensor<1> {
        let values = self.node_values(batch, t);
        let mut total: Option<Tensor<1>> = None;
        for (root, relation) in &batch.residuals {
            let r = match &values[root] {
                Value::Tensor(r) => r.clone(),
                Value::Scalar(s) => {
                    Tensor::<2>::from_data(TensorData::new(vec![*s], [1, 1]), &self.device)
                }
            };
            let violation = match relation {
                Relation::Eq => r,
                Relation::Ge | Relation::Gt => activation::relu(-r),
                Relation::Le | Relation::Lt => activation::relu(r),
            };
            let squared = violation.powi_scalar(2);
            let loss = match &batch.causal {
                Some(slabs) => causal::weighted_loss(squared, slabs, self.model.train.causal),
                None => squared.mean(),
            };
            total = Some(match total {
                None => loss,
                Some(acc) => acc + loss,
            });
        }
        total
            .expect("a constraint has a residual")
            .mul_scalar(batch.weight)
    }

    fn node_value(
        &self,
        id: ExprId,
        batch: &Batch,
        t: &Trainable,
        jets: &HashMap<usize, Vec<Option<Tensor<2>>>>,
        values: &HashMap<ExprId, Value>,
    ) -> Value {
        let v = |x: &ExprId| values[x].clone();
        match self.graph.node(id) {
            Node::Num(bits) => Value::Scalar(f64::from_bits(*bits)),
            Node::Field {
                function,
                part,
                derivative,
            } => {
                let Output { net, column } = self.outputs[&(*function, *part)];
                let k = self.plans[net]
                    .position(derivative)
                    .expect("planned from the lowered derivatives");
                match &jets[&net][k] {
                    Some(j) => Value::Tensor(j.clone().narrow(1, column, 1)),
                    None => Value::Scalar(0.0),
                }
            }
            Node::Learned(l) => Value::Tensor(t.scalars[l.index()].val().reshape([1, 1])),
            Node::Coord(_) | Node::Column { .. } => Value::Tensor(batch.leaves[&id].clone()),
            Node::Param(_) | Node::Apply { .. } => unreachable!("rejected by `unsupported`"),
            Node::Add(xs) => xs
                .iter()
                .map(v)
                .reduce(|a, b| a.add(b))
                .expect("two or more terms"),
            Node::Mul(xs) => xs
                .iter()
                .map(v)
                .reduce(|a, b| a.mul(b))
                .expect("two or more factors"),
            Node::Pow(a, b) => v(a).pow(v(b)),
            Node::Call(f, a) => v(a).call(*f),
        }
    }
}

/// A node's value on a batch: a number, or one value per point `[N, 1]`.
// Values live for one evaluation; boxing the tensor would cost an
// allocation per node.
#[allow(clippy::large_enum_variant)]
#[derive(Clone, Debug)]
enum Value {
    Scalar(f64),
    Tensor(Tensor<2>),
}

impl Value {
    fn add(self, other: Value) -> Value {
        match (self, other) {
            (Value::Scalar(a), Value::Scalar(b)) => Value::Scalar(a + b),
            (Value::Tensor(a), Value::Scalar(b)) | (Value::Scalar(b), Value::Tensor(a)) => {
                Value::Tensor(a.add_scalar(b))
            }
            (Value::Tensor(a), Value::Tensor(b)) => Value::Tensor(a + b),
        }
    }

    fn mul(self, other: Value) -> Value {
        match (self, other) {
            (Value::Scalar(a), Value::Scalar(b)) => Value::Scalar(a * b),
            (Value::Tensor(a), Value::Scalar(b)) | (Value::Scalar(b), Value::Tensor(a)) => {
                Value::Tensor(a.mul_scalar(b))
            }
            (Value::Tensor(a), Value::Tensor(b)) => Value::Tensor(a * b),
        }
    }

    fn pow(self, exponent: Value) -> Value {
        match (self, exponent) {
            (Value::Scalar(a), Value::Scalar(e)) => {
                Value::Scalar(physc_compiler::ir::eval::pow(a, e))
            }
            (Value::Tensor(a), Value::Scalar(-1.0)) => Value::Tensor(a.recip()),
            (Value::Tensor(a), Value::Scalar(e)) if e.fract() == 0.0 && e > 0.0 && e <= 64.0 => {
                Value::Tensor(a.powi_scalar(e as i32))
            }
            (Value::Tensor(a), Value::Scalar(0.5)) => Value::Tensor(a.sqrt()),
            (Value::Tensor(a), Value::Scalar(e)) => Value::Tensor(a.powf_scalar(e)),
            (base, Value::Tensor(e)) => {
                let base = match base {
                    Value::Tensor(b) => b,
                    Value::Scalar(b) => e.zeros_like().add_scalar(b),
                };
                Value::Tensor(base.powf(e))
            }
        }
    }

    fn call(self, f: Func) -> Value {
        let t = match self {
            Value::Scalar(s) => return Value::Scalar(f.apply(s)),
            Value::Tensor(t) => t,
        };
        Value::Tensor(match f {
            Func::Sin => t.sin(),
            Func::Cos => t.cos(),
            Func::Tan => t.tan(),
            Func::Asin => t.asin(),
            Func::Acos => t.acos(),
            Func::Atan => t.atan(),
            Func::Exp => t.exp(),
            Func::Log => t.log(),
            Func::Abs => t.abs(),
            Func::Sinh => t.sinh(),
            Func::Cosh => t.cosh(),
            Func::Tanh => t.tanh(),
            Func::Sech => t.cosh().recip(),
        })
    }
}
