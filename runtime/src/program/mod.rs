//! The compiler's loss program evaluated on burn tensors.
//!
//! Input: a [`LossProgram`]. [`Program::new`] builds its networks (weights
//! drawn from the program's seed) and draws each batch's points into input
//! tensors ([`points`] keeps them: resampling, sharing, anchors). [`Program::losses`] evaluates, per batch, the jets of the
//! networks its residuals read (each once), then the residual DAG node by
//! node (each once; numbers stay scalars; a network read at arguments that
//! read networks is evaluated there, in the DAG's order, so the gradient
//! flows through its inputs), and returns each batch's weighted
//! mean squared residual (of the violation only, for inequalities; weighted
//! by time slab with causal weighting, see [`crate::causal`]).
//! [`Program::predict`] evaluates the program's field values the same way,
//! so a hard constraint's output transform is written once, in the
//! compiler. The trainable parameters are the networks and the learned
//! scalars ([`Trainable`]).

use crate::causal;
use crate::minibatch::MiniBatches;
use crate::net::{Hidden, Jet, JetPlan, Mlp, feature_jet};
use burn::module::{Module, Param};
use burn::tensor::{Device, Tensor, TensorData, activation};
use physc_compiler::ir::{ExprId, Node};
use physc_compiler::model::{CoordId, FuncId, NetId, Relation};
use physc_compiler::program::features::FeatureMap;
use physc_compiler::program::geometry::Rng;
use physc_compiler::program::interp::Weights;
use physc_compiler::program::ode::Schedule;
use physc_compiler::program::sample::Point;
use physc_compiler::program::{BatchId, LossProgram, Residual};
use std::collections::HashMap;
use value::Value;

mod ode;
mod points;
mod value;

/// Points evaluated in one tensor at most by [`Program::predict`].
const CHUNK: usize = 65_536;

/// Mixed into the model's seed to order the rows of mini-batches.
const MINIBATCH_SEED: u64 = 0x6d69_6e69_6261_7463;

/// Everything training changes: one network per `net` and the learned scalars.
#[derive(Module, Debug)]
pub struct Trainable {
    pub nets: Vec<Mlp>,
    pub scalars: Vec<Param<Tensor<1>>>,
}

impl Trainable {
    /// The device its parameters live on (without autodiff after
    /// `valid()`), where inputs to it must be made.
    fn device(&self) -> Option<Device> {
        let weight = self.nets.first().map(|n| n.layers[0].weight.val());
        weight
            .map(|w| w.device())
            .or_else(|| self.scalars.first().map(|s| s.val().device()))
    }

    /// Every weight and learned scalar in float64, for the reference
    /// interpreter.
    pub fn weights(&self) -> Weights {
        Weights {
            nets: self.nets.iter().map(Mlp::weights).collect(),
            scalars: self
                .scalars
                .iter()
                .map(|s| s.val().into_scalar::<f64>())
                .collect(),
        }
    }
}

/// What a DAG reads at some points besides the weights: each network's
/// inputs (for the networks read) and the values of the other leaves.
struct Inputs {
    /// By [`NetId`]: the sites the DAG reads the network at, and their
    /// inputs stacked site after site, `[sites * points, inputs]`.
    nets: Vec<Option<(Vec<Site>, Tensor<2>)>>,
    /// By [`NetId`]: a featured network's input jet at those inputs, for
    /// the plans the inputs were made for (fixed with the points, so made
    /// with them, not at every evaluation).
    features: Vec<Option<Jet>>,
    /// For each field node read: its network's site, by position.
    site_of: HashMap<ExprId, usize>,
    /// Field nodes read at arguments that read networks: their network and
    /// site, evaluated once the arguments are (see
    /// [`LossProgram::moves_with_weights`]).
    composed: HashMap<ExprId, (NetId, Site)>,
    /// The coordinates such sites take from the point.
    own: HashMap<CoordId, Tensor<2>>,
    leaves: HashMap<ExprId, Tensor<2>>,
    points: usize,
}

/// Where a network is evaluated: each input at the point itself, or at an
/// argument of a field read elsewhere (`u(-x, t)`).
type Site = Vec<Arg>;

#[derive(Clone, Debug, PartialEq, Eq, Hash)]
enum Arg {
    Own(CoordId),
    At(ExprId),
}

/// One batch of the loss program, drawn.
pub struct Batch {
    pub label: String,
    id: BatchId,
    /// Where it is evaluated now.
    pub points: Vec<Point>,
    inputs: Inputs,
    /// The averages over time slabs when the loss is causally weighted.
    causal: Option<Tensor<2>>,
}

/// The loss program ready to evaluate.
pub struct Program {
    device: Device,
    pub loss: LossProgram,
    /// By [`NetId`]: the jets the loss reads.
    plans: Vec<JetPlan>,
    /// By [`NetId`]: the value alone, for predictions.
    values: Vec<JetPlan>,
    /// By [`NetId`]: the input features of the networks that read them.
    features: Vec<Option<FeatureMap>>,
    pub batches: Vec<Batch>,
    /// By `ode` system: where its trajectories are integrated (fixed by
    /// the data, so made once).
    schedules: Vec<Schedule>,
    /// Draws every batch's points, first and on each resampling.
    sampler: Rng,
    /// Causal weights held while a quasi-Newton call runs (see
    /// [`crate::causal`]): by batch and residual, those of the first
    /// evaluation after [`Program::hold_causal`]. `None`: weights follow
    /// the residuals.
    held: std::sync::Mutex<Option<HashMap<(usize, usize), Tensor<2>>>>,
    /// By batch: the mini-batches of a data set with `points(LABEL = n)`,
    /// and whether the batch holds every row now.
    minibatches: Vec<Option<(MiniBatches, bool)>>,
    /// By batch: its anchors, which join every draw of its points.
    anchors: Vec<Vec<Point>>,
    /// By batch: the points adaptive refinement added (`refine(...)`),
    /// which join every later draw as its anchors do.
    refined: Vec<Vec<Point>>,
}

impl Program {
    /// Builds the networks and draws each batch's points.
    pub fn new(loss: &LossProgram, device: &Device) -> Result<(Program, Trainable), String> {
        let plan = |jets: &[physc_compiler::ir::MultiIndex], inputs: usize| {
            JetPlan::new(&jets.iter().map(|d| d.to_vec()).collect::<Vec<_>>(), inputs)
        };
        let plans = loss
            .nets
            .iter()
            .map(|n| plan(&n.jets, n.inputs.len()))
            .collect();
        let values = loss
            .nets
            .iter()
            .map(|n| plan(&[], n.inputs.len()))
            .collect();
        let mut init = Rng::new(loss.init_seed);
        let nets: Vec<Mlp> = loss
            .nets
            .iter()
            .map(|net| {
                Mlp::new(
                    net.inputs.len(),
                    net.outputs,
                    Hidden {
                        depth: net.depth,
                        width: net.width,
                        architecture: net.architecture,
                        factorized: net.factorized,
                    },
                    &net.embedding,
                    &mut init,
                    device,
                )
            })
            .collect();
        let scalars = loss
            .scalars
            .iter()
            .map(|s| {
                Param::from_tensor(Tensor::<1>::from_data(
                    TensorData::new(vec![s.init], [1]),
                    device,
                ))
            })
            .collect();
        let mut program = Program {
            device: device.clone(),
            loss: loss.clone(),
            plans,
            values,
            features: (loss.nets.iter())
                .map(|plan| FeatureMap::new(&loss.graph, plan))
                .collect(),
            batches: vec![],
            schedules: loss
                .systems
                .iter()
                .map(|s| s.schedule(&loss.model))
                .collect(),
            sampler: loss.sampler(),
            held: Default::default(),
            minibatches: vec![],
            anchors: (0..loss.batches.len())
                .map(|b| loss.anchors(BatchId(b as u32)))
                .collect::<Result<_, _>>()?,
            refined: vec![vec![]; loss.batches.len()],
        };
        for b in 0..loss.batches.len() {
            let id = BatchId(b as u32);
            // A batch at another's points takes them below.
            let pts = match loss.batch(id).points.same_as {
                Some(_) => vec![],
                None => loss.draw(id, &mut program.sampler)?,
            };
            // A marched window's rows may be fewer than a mini-batch.
            let minibatch = loss.batch(id).points.minibatch.filter(|n| *n < pts.len());
            let seed = loss.sample_seed ^ MINIBATCH_SEED ^ ((b as u64) << 32);
            program
                .minibatches
                .push(minibatch.map(|n| (MiniBatches::new(pts.clone(), n, seed), true)));
            let batch = program.batch(id, &pts);
            program.batches.push(batch);
        }
        program.share_points();
        Ok((program, Trainable { nets, scalars }))
    }

    /// The network a field node reads and where (see
    /// [`LossProgram::site`]).
    fn site(&self, node: &Node) -> Option<(NetId, Site)> {
        let (output, args) = self.loss.site(node)?;
        let inputs = &self.loss.net(output.net).inputs;
        let site = inputs
            .iter()
            .zip(args)
            .map(|(&c, arg)| arg.map_or(Arg::Own(c), Arg::At))
            .collect();
        Some((output.net, site))
    }

    /// The network and column of a function's part.
    fn output(&self, function: FuncId, part: physc_compiler::ir::Part) -> (NetId, usize) {
        let o = self
            .loss
            .output(function, part)
            .expect("every field read has an output");
        (o.net, o.column)
    }

    /// Each batch's weighted loss, in batch order (each `ode` system
    /// integrated once).
    pub fn losses(&self, t: &Trainable) -> Vec<Tensor<1>> {
        let mut integrated: Vec<Option<Vec<Tensor<1>>>> = vec![None; self.loss.systems.len()];
        self.batches
            .iter()
            .map(|b| match self.loss.ode_term(b.id) {
                Some((s, state)) => {
                    let errors = integrated[s].get_or_insert_with(|| self.ode_errors(s, t));
                    errors[state]
                        .clone()
                        .mul_scalar(self.loss.batch(b.id).weight)
                }
                None => self.batch_loss(b, t),
            })
            .collect()
    }

    /// Batch `b`'s weighted loss.
    pub fn loss(&self, b: usize, t: &Trainable) -> Tensor<1> {
        let batch = &self.batches[b];
        match self.loss.ode_term(batch.id) {
            Some((s, state)) => self.ode_errors(s, t)[state]
                .clone()
                .mul_scalar(self.loss.batch(batch.id).weight),
            None => self.batch_loss(batch, t),
        }
    }

    /// The value of every node under `roots`.
    fn node_values(
        &self,
        roots: &[ExprId],
        inputs: &Inputs,
        plans: &[JetPlan],
        t: &Trainable,
    ) -> HashMap<ExprId, Value> {
        let jets: Vec<Option<Vec<Option<Tensor<2>>>>> = inputs
            .nets
            .iter()
            .enumerate()
            .map(|(n, x)| {
                let activation = self.loss.nets[n].activation;
                let features = inputs.features[n].clone();
                Some(t.nets[n].jets(x.as_ref()?.1.clone(), activation, &plans[n], features))
            })
            .collect();
        let mut values: HashMap<ExprId, Value> = HashMap::new();
        // The jets at each site whose inputs are node values, once each.
        let mut composed: HashMap<(NetId, Site), Vec<Option<Tensor<2>>>> = HashMap::new();
        for id in self.loss.graph.reachable(roots) {
            let v = match inputs.composed.get(&id) {
                Some(at) => {
                    let jets = composed
                        .entry(at.clone())
                        .or_insert_with(|| self.composed_jets(at, inputs, plans, t, &values));
                    self.read_jet(self.loss.graph.node(id), plans, jets, None)
                }
                None => self.node_value(id, inputs, plans, t, &jets, &values),
            };
            values.insert(id, v);
        }
        values
    }

    /// A network's jets at a site whose arguments are nodes already
    /// evaluated: its inputs are those values, so the gradient flows
    /// through them into whatever they read.
    fn composed_jets(
        &self,
        (net, site): &(NetId, Site),
        inputs: &Inputs,
        plans: &[JetPlan],
        t: &Trainable,
        values: &HashMap<ExprId, Value>,
    ) -> Vec<Option<Tensor<2>>> {
        self.jets_at(
            net,
            site,
            &|c| inputs.own[&c].clone(),
            inputs.points,
            plans,
            t,
            values,
        )
    }

    /// A network's jets at `n` points, each input the point's own
    /// coordinate (`own`) or a node already evaluated.
    #[allow(clippy::too_many_arguments)]
    fn jets_at(
        &self,
        net: &NetId,
        site: &Site,
        own: &dyn Fn(CoordId) -> Tensor<2>,
        n: usize,
        plans: &[JetPlan],
        t: &Trainable,
        values: &HashMap<ExprId, Value>,
    ) -> Vec<Option<Tensor<2>>> {
        let device = t.device().unwrap_or_else(|| self.device.clone());
        let columns: Vec<Tensor<2>> = site
            .iter()
            .map(|arg| match arg {
                Arg::Own(c) => own(*c),
                Arg::At(id) => values[id].column(n, &device),
            })
            .collect();
        let x = Tensor::cat(columns, 1);
        let (activation, plan) = (self.loss.nets[net.index()].activation, &plans[net.index()]);
        let features =
            (self.features[net.index()].as_ref()).map(|f| feature_jet(f, x.clone(), plan));
        t.nets[net.index()].jets(x, activation, plan, features)
    }

    /// A field node's value from its network's jets at its site (`rows`:
    /// the site's rows, where several sites are stacked).
    fn read_jet(
        &self,
        node: &Node,
        plans: &[JetPlan],
        jets: &[Option<Tensor<2>>],
        rows: Option<(usize, usize)>,
    ) -> Value {
        let (Node::Field {
            function,
            part,
            derivative,
        }
        | Node::Apply {
            function,
            part,
            derivative,
            ..
        }) = node
        else {
            unreachable!("a field node")
        };
        let (net, column) = self.output(*function, *part);
        let k = plans[net.index()]
            .position(derivative)
            .expect("planned from the program's jets");
        match &jets[k] {
            Some(j) => {
                let j = match rows {
                    Some((start, n)) => j.clone().narrow(0, start, n),
                    None => j.clone(),
                };
                Value::Tensor(j.narrow(1, column, 1))
            }
            None => Value::Scalar(0.0),
        }
    }

    /// Batch `b`'s residuals (one per part: two for a complex equation)
    /// at `pts`.
    pub fn residuals_at(&self, t: &Trainable, b: BatchId, pts: &[Point]) -> Vec<Vec<f64>> {
        let residuals = &self.loss.batch(b).residuals;
        let roots: Vec<ExprId> = residuals.iter().map(|r| r.expr).collect();
        self.evaluate(t, &roots, &self.plans, pts)
    }

    /// A field's values (per part: real, or real then imaginary) at `pts`,
    /// through the output transform of its hard constraint if it has one.
    /// Evaluated on `t` as given: pass `t.valid()` to record nothing.
    pub fn predict(&self, t: &Trainable, f: FuncId, pts: &[Point]) -> Vec<Vec<f64>> {
        let Some(field) = self.loss.field(f) else {
            return vec![];
        };
        let roots: Vec<ExprId> = field.parts.iter().map(|(_, e)| *e).collect();
        self.chunked(t, &roots, pts)
    }

    /// The value of expression `root` of the program at `pts`, reading the
    /// networks' jets the loss reads.
    pub fn values_at(&self, t: &Trainable, root: ExprId, pts: &[Point]) -> Vec<f64> {
        self.evaluate(t, &[root], &self.plans, pts)
            .pop()
            .expect("one root")
    }

    /// A field's exact solution (per part) at `pts`, if the model states
    /// one.
    pub fn exact(&self, t: &Trainable, f: FuncId, pts: &[Point]) -> Option<Vec<Vec<f64>>> {
        let roots = self.loss.field(f)?.exact.clone()?;
        Some(self.chunked(t, &roots, pts))
    }

    /// The values of `roots` at `pts`, at most [`CHUNK`] points at a time.
    fn chunked(&self, t: &Trainable, roots: &[ExprId], pts: &[Point]) -> Vec<Vec<f64>> {
        let mut out = vec![Vec::with_capacity(pts.len()); roots.len()];
        for chunk in pts.chunks(CHUNK) {
            for (column, values) in out
                .iter_mut()
                .zip(self.evaluate(t, roots, &self.values, chunk))
            {
                column.extend(values);
            }
        }
        out
    }

    /// The values of `roots` at `pts`, one vector per root.
    fn evaluate(
        &self,
        t: &Trainable,
        roots: &[ExprId],
        plans: &[JetPlan],
        pts: &[Point],
    ) -> Vec<Vec<f64>> {
        let device = t.device().unwrap_or_else(|| self.device.clone());
        let inputs = self.inputs(roots, pts, plans, &device);
        let values = self.node_values(roots, &inputs, plans, t);
        roots
            .iter()
            .map(|root| match &values[root] {
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

    /// Holds the causal weights of the next evaluation for the ones after
    /// it (`true`), or lets them follow the residuals again (`false`).
    pub fn hold_causal(&mut self, hold: bool) {
        if let Ok(held) = self.held.get_mut() {
            *held = hold.then(HashMap::new);
        }
    }

    /// The causal weights of residual `key` (batch, residual): `live`, or
    /// the held ones while they are held.
    fn causal_weights(&self, key: (usize, usize), live: impl FnOnce() -> Tensor<2>) -> Tensor<2> {
        match self.held.lock().as_deref_mut() {
            Ok(Some(held)) => held.entry(key).or_insert_with(live).clone(),
            _ => live(),
        }
    }

    fn batch_loss(&self, batch: &Batch, t: &Trainable) -> Tensor<1> {
        let spec = self.loss.batch(batch.id);
        let roots: Vec<ExprId> = spec.residuals.iter().map(|r| r.expr).collect();
        let values = self.node_values(&roots, &batch.inputs, &self.plans, t);
        let mut total: Option<Tensor<1>> = None;
        for (r, Residual { expr, relation, .. }) in spec.residuals.iter().enumerate() {
            let r_value = match &values[expr] {
                Value::Tensor(r) => r.clone(),
                Value::Scalar(s) => {
                    Tensor::<2>::from_data(TensorData::new(vec![*s], [1, 1]), &self.device)
                }
            };
            let violation = match relation {
                Relation::Eq => r_value,
                Relation::Ge | Relation::Gt => activation::relu(-r_value),
                Relation::Le | Relation::Lt => activation::relu(r_value),
            };
            let squared = violation.powi_scalar(2);
            let loss = match (&batch.causal, spec.causal) {
                (Some(means), Some(c)) => {
                    let slabs = causal::slab_losses(squared, means);
                    let weights = self
                        .causal_weights((batch.id.index(), r), || causal::weights(&slabs, c.eps));
                    causal::weighted_loss(slabs, weights)
                }
                _ => squared.mean(),
            };
            total = Some(match total {
                None => loss,
                Some(acc) => acc + loss,
            });
        }
        total
            .expect("a batch has a residual")
            .mul_scalar(spec.weight)
    }

    fn node_value(
        &self,
        id: ExprId,
        inputs: &Inputs,
        plans: &[JetPlan],
        t: &Trainable,
        jets: &[Option<Vec<Option<Tensor<2>>>>],
        values: &HashMap<ExprId, Value>,
    ) -> Value {
        let node = self.loss.graph.node(id);
        if let Some(v) = arithmetic(node, values) {
            return v;
        }
        match node {
            node @ (Node::Field { function, part, .. } | Node::Apply { function, part, .. }) => {
                let (net, _) = self.output(*function, *part);
                let s = inputs.site_of[&id];
                let (sites, _) = inputs.nets[net.index()]
                    .as_ref()
                    .expect("inputs for every network read");
                let jet = jets[net.index()]
                    .as_ref()
                    .expect("inputs for every network read");
                let rows = (sites.len() > 1).then_some((s * inputs.points, inputs.points));
                self.read_jet(node, plans, jet, rows)
            }
            Node::Learned(l) => Value::Tensor(t.scalars[l.index()].val().reshape([1, 1])),
            Node::Coord(_) | Node::Column { .. } | Node::Normal(_) => {
                Value::Tensor(inputs.leaves[&id].clone())
            }
            _ => unreachable!("arithmetic is evaluated above"),
        }
    }
}

/// An arithmetic node's value from its operands' values; `None` for
/// leaves and field nodes.
fn arithmetic(node: &Node, values: &HashMap<ExprId, Value>) -> Option<Value> {
    let v = |x: &ExprId| values[x].clone();
    Some(match node {
        Node::Num(bits) => Value::Scalar(f64::from_bits(*bits)),
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
        _ => return None,
    })
}
