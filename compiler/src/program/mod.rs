//! The loss program: everything a model means for training, decided once.
//!
//! Input: a checked model and its residuals in the IR ([`crate::ir::lower`]).
//! Output: a [`LossProgram`], the hand-off to every back end: the networks
//! (architecture, fixed input embeddings, the seed their weights are drawn
//! from, the jets the loss reads from each), where each field's outputs sit
//! among the networks' columns, the expression that gives each field's
//! value (through a hard constraint's output transform, or averaged over
//! its symmetry group, where there is one), the learned scalars, one batch
//! per constraint in the loss (residual roots, relation, weight, causal
//! weighting, and the point set it is evaluated on; soft symmetries and
//! conservation laws among them), and the conserved quantities. A back end evaluates it and decides nothing about what
//! the model means; what no back end can train yet is refused here, by
//! [`build`], with a coded diagnostic on the construct.
//!
//! Point sets are drawn by [`sample`], through the geometry of sets
//! ([`geometry`]) and the low-discrepancy sequences of the samplers
//! ([`sobol`], [`hammersley`]). [`print`] shows the program (`physc ir --stage program`);
//! [`interp`] is its reference interpreter in float64; [`dynamics`] reads
//! the learned dynamics out of it for simulation; [`ode`] groups `ode`
//! equations into systems integrated through observed trajectories.
//!
//! Invariants: every id indexes the table it names; every `Field` or
//! `Apply` node reachable from a batch's residuals or a field's value has
//! an [`Output`] (an `Apply`'s arguments may read networks and learned
//! scalars: see [`LossProgram::moves_with_weights`]); every derivative such
//! a node reads is in its network's `jets`; a batch has at least one
//! residual.

mod build;
pub mod dynamics;
pub mod features;
pub mod geometry;
pub mod hammersley;
pub mod interp;
pub mod march;
pub mod ode;
pub mod print;
pub mod sample;
pub mod sobol;
mod taylor;

pub use build::build;

use crate::ir::eval::{Env, Leaf};
use crate::ir::{ExprId, Graph, MultiIndex, Node, Part};
use crate::model::{
    Activation, Anchors, Architecture, ConstraintId, CoordId, EDGE, Factor, FuncId, Model, NetId,
    Relation, Where,
};
use geometry::Rng;
use sample::{Point, points};

/// Mixed into the model's seed to draw initial weights and Fourier features.
pub const INIT_SEED: u64 = 0x5eed_1417;
/// Mixed into the model's seed to draw every point set, first and on each
/// resampling.
pub const SAMPLE_SEED: u64 = 0x9e37_79b9;
/// Keeps the draws of anchors apart from those of the points.
const ANCHOR_STREAM: u64 = 0xa4c4_0125;

ids!(BatchId);

/// The program every back end evaluates.
#[derive(Clone, Debug)]
pub struct LossProgram {
    /// The checked model it was built from: domains and data for sampling,
    /// names for reports.
    pub model: Model,
    /// The IR of the residuals and field values.
    pub graph: Graph,
    /// By [`NetId`]: one network per `net` of the model.
    pub nets: Vec<NetPlan>,
    /// Where each real output of each function is computed.
    pub outputs: Vec<Output>,
    /// Per field with a domain: its value, part by part, for predictions.
    pub fields: Vec<FieldValue>,
    /// By [`crate::model::LearnId`]: the learned scalars, trained with the
    /// networks.
    pub scalars: Vec<Scalar>,
    /// By [`BatchId`]: the loss terms, in the model's order.
    pub batches: Vec<Batch>,
    /// The `ode` equations, one system per data set: their batches' losses
    /// integrate the system through the data's trajectories.
    pub systems: Vec<ode::OdeSystem>,
    /// The conserved quantities, whose drift a run reports.
    pub conserved: Vec<Conserved>,
    /// Learned functions stated exactly and read at arguments, whose error
    /// a run reports.
    pub recovered: Vec<Recovered>,
    /// The seed of the initial weights and fixed embeddings, drawn network
    /// by network in order.
    pub init_seed: u64,
    /// The seed of the point sets.
    pub sample_seed: u64,
}

/// A multilayer perceptron and what the loss reads from it.
#[derive(Clone, Debug)]
pub struct NetPlan {
    /// Its outputs' names, as `u` or `u, v, p`.
    pub name: String,
    pub inputs: Vec<CoordId>,
    /// Real outputs: one per real function, two per complex one.
    pub outputs: usize,
    pub architecture: Architecture,
    pub depth: usize,
    pub width: usize,
    pub activation: Activation,
    /// Weights trained as `W = V diag(g)` (random weight factorisation).
    pub factorized: bool,
    pub embedding: Embedding,
    /// The derivatives of the outputs, by multi-index over `inputs`, that
    /// the loss reads; lowest order first. The value is always provided.
    pub jets: Vec<MultiIndex>,
}

/// How a network sees its inputs before the first layer: fixed, not
/// trained.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Embedding {
    /// Each input's period where a symmetry makes the network periodic in
    /// it (`cos` and `sin` of `2 pi x / L` replace `x`).
    pub periods: Vec<Option<f64>>,
    /// Random Fourier features of the (embedded) inputs per scale, 0 for
    /// none.
    pub fourier: usize,
    /// The standard deviations of the Fourier frequencies, one block of
    /// `fourier` features each.
    pub scales: Vec<f64>,
    /// Each scale's block through the hidden layers on its own, the
    /// results side by side before the last layer; else the blocks side by
    /// side in one input.
    pub separate: bool,
    /// Spatio-temporal: the scales of the time input's own Fourier
    /// features (`scales` are then those of the other inputs), and that
    /// input's position; every space path times every time path joins
    /// before the last layer. Empty and `None` otherwise.
    pub time_scales: Vec<f64>,
    pub time: Option<usize>,
    /// Input features (`features = [...]`) the network reads in place of
    /// its inputs, with their derivatives; `None` for the inputs
    /// themselves.
    pub features: Option<features::Features>,
}

impl Embedding {
    /// Paths through the hidden layers: one per scale when they are
    /// separate (space scales, then time scales), else one.
    pub fn paths(&self) -> usize {
        match self.separate {
            true => self.scales.len() + self.time_scales.len(),
            false => 1,
        }
    }

    /// Paths joined before the last layer: a space path times a time path
    /// for each pair when spatio-temporal, else each path.
    pub fn joined(&self) -> usize {
        match self.time_scales.len() {
            0 => self.paths(),
            t => self.scales.len() * t,
        }
    }
}

/// A function's real output: network `net`, column `column`.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Output {
    pub function: FuncId,
    pub part: Part,
    pub net: NetId,
    pub column: usize,
}

/// A field's value in the IR, per part (`Real`, or `Re` then `Im`): the
/// network's output, the output transform of a hard constraint, or the
/// network's average over the field's symmetry group.
#[derive(Clone, Debug)]
pub struct FieldValue {
    pub function: FuncId,
    pub parts: Vec<(Part, ExprId)>,
    /// The hard constraint built into it, if any.
    pub hard: Option<ConstraintId>,
    /// The `exact` solution per part, where the model states one: what
    /// errors are measured against.
    pub exact: Option<Vec<ExprId>>,
}

/// A learned function the model states exactly (`exact N = ...`) and
/// reads at arguments in a batch (`u_t = N(u, u_x, u_xx)`, hidden
/// physics): the network there and the exact form there, compared on the
/// batch's points, where the states the equation visits are.
#[derive(Clone, Debug)]
pub struct Recovered {
    pub function: FuncId,
    pub batch: BatchId,
    pub learned: ExprId,
    pub exact: ExprId,
}

/// A conserved quantity (an integral over space) as a function of time.
#[derive(Clone, Debug)]
pub struct Conserved {
    /// The label of its loss term.
    pub label: String,
    pub quantity: ExprId,
    pub time: CoordId,
}

/// A learned scalar and its initial value.
#[derive(Clone, Debug)]
pub struct Scalar {
    pub name: String,
    pub init: f64,
}

/// One constraint's term of the loss: `weight * sum over residuals of the
/// mean (or causally weighted mean) of the squared residual`, of its
/// violation for an inequality.
#[derive(Clone, Debug)]
pub struct Batch {
    pub label: String,
    pub constraint: ConstraintId,
    pub residuals: Vec<Residual>,
    pub weight: f64,
    pub points: PointSet,
    pub causal: Option<Causal>,
}

#[derive(Clone, Copy, Debug)]
pub struct Residual {
    pub part: Part,
    pub expr: ExprId,
    pub relation: Relation,
}

/// Where a batch is evaluated: `count` points of `place`, or the rows of a
/// data set.
#[derive(Clone, Debug)]
pub struct PointSet {
    pub place: Where,
    pub count: usize,
    /// Points that join every draw (`anchors(LABEL = ...)`).
    pub anchors: Option<Anchors>,
    /// On a data set: the rows each first-order step takes
    /// (`points(LABEL = n)`, fewer than the rows); `None` for every row.
    pub minibatch: Option<usize>,
    /// The batch whose drawn points this one takes (`points(fb = pde)`),
    /// at every draw; `None` for points of its own.
    pub same_as: Option<BatchId>,
}

impl PointSet {
    /// Whether resampling draws new points (data rows stay).
    pub fn resampled(&self) -> bool {
        !matches!(self.place, Where::Data(_))
    }
}

/// Causal weighting of a batch's squared residual over `slabs` time slabs.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Causal {
    pub time: CoordId,
    pub eps: f64,
    pub slabs: usize,
}

/// A leaf of the IR at a point, for those a point gives: coordinates,
/// parameters and data columns (NaN off the data rows). `None` for networks
/// and learned scalars, which the weights give.
pub fn point_leaf(model: &Model, leaf: &Leaf, point: &Point) -> Option<f64> {
    Some(match leaf {
        Leaf::Coord(c) => point.coords[c.index()],
        Leaf::Normal(c) => point.normal_component(*c),
        Leaf::Column { data, column } => {
            let values = &model.data[data.index()].values[*column as usize];
            point.row.map_or(f64::NAN, |r| values[r])
        }
        Leaf::Field { .. } | Leaf::Apply(_) | Leaf::Learned(_) => return None,
    })
}

/// The leaves one point gives, as an [`Env`]: NaN for networks and learned
/// scalars. Expressions of the point alone (the arguments of a field read
/// elsewhere) are evaluated through it.
pub struct PointLeaves<'a> {
    pub model: &'a Model,
    pub point: &'a Point,
}

impl Env for PointLeaves<'_> {
    fn leaf(&self, leaf: &Leaf) -> f64 {
        point_leaf(self.model, leaf, self.point).unwrap_or(f64::NAN)
    }
}

/// FNV-1a, 64 bits: a stable hash of bytes (the same on every machine and
/// in every physc build).
pub fn fnv1a(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xcbf2_9ce4_8422_2325, |h, &b| {
        (h ^ b as u64).wrapping_mul(0x0000_0100_0000_01b3)
    })
}

impl LossProgram {
    /// A hash of everything the program decides (networks, fields, batches,
    /// point counts, seeds): two programs with one fingerprint train the
    /// same weights on the same points.
    pub fn fingerprint(&self) -> u64 {
        fnv1a(print::program(self).as_bytes())
    }

    pub fn net(&self, id: NetId) -> &NetPlan {
        &self.nets[id.index()]
    }

    pub fn batch(&self, id: BatchId) -> &Batch {
        &self.batches[id.index()]
    }

    /// Where a field node (`Field` or `Apply`) reads its network: the
    /// output, and for each of the network's inputs the argument it is
    /// evaluated at, `None` for the point's own coordinate (an argument
    /// that is the input's own coordinate counts as the point's). `None`
    /// for other nodes.
    pub fn site(&self, node: &Node) -> Option<(Output, Vec<Option<ExprId>>)> {
        let (function, part, args) = match node {
            Node::Field { function, part, .. } => (*function, *part, None),
            Node::Apply {
                function,
                part,
                args,
                ..
            } => (*function, *part, Some(args)),
            _ => return None,
        };
        let output = self.output(function, part)?;
        let coords = &self.model.function(function).coords;
        let site = self
            .net(output.net)
            .inputs
            .iter()
            .map(|&c| {
                let arg = args.and_then(|a| Some(a[coords.iter().position(|x| *x == c)?]));
                arg.filter(|id| self.graph.node(*id) != &Node::Coord(c))
            })
            .collect();
        Some((output, site))
    }

    /// Whether node `id` reads a network at arguments that read a network
    /// or a learned scalar (`N(u, u_x)`, or `u(x - c*t, 0)` with `learn
    /// c`): where it is evaluated moves with the weights, so its arguments
    /// are part of the differentiated program, not inputs drawn with the
    /// points.
    pub fn moves_with_weights(&self, id: ExprId) -> bool {
        let g = &self.graph;
        match g.node(id) {
            Node::Apply { args, .. } => g.reads_weights(args),
            _ => false,
        }
    }

    /// Where a function's part is computed.
    pub fn output(&self, function: FuncId, part: Part) -> Option<Output> {
        self.outputs
            .iter()
            .copied()
            .find(|o| o.function == function && o.part == part)
    }

    /// The value of a field, part by part, if it has a domain.
    pub fn field(&self, function: FuncId) -> Option<&FieldValue> {
        self.fields.iter().find(|f| f.function == function)
    }

    /// The generator of the point sets, fresh: the first draw and every
    /// resampling follow from it in order, so a resumed run replays them.
    pub fn sampler(&self) -> Rng {
        Rng::new(self.sample_seed)
    }

    /// New points for a batch (its data rows for a data set); its
    /// [`LossProgram::anchors`] join them wherever a batch is evaluated.
    pub fn draw(&self, batch: BatchId, rng: &mut Rng) -> Result<Vec<Point>, String> {
        self.draw_n(batch, self.batch(batch).points.count, rng)
    }

    /// A batch's anchor points in the domain of the batch's fields (a
    /// marched window's for a window), in its interior for an equation
    /// with a fractional operator (which has no value on the boundary): its
    /// anchor data set's rows read as points (their other columns are not
    /// read), or the points drawn in its anchor region. Drawn anchors
    /// depend only on the sample seed, the region and the count, so every
    /// batch that names the same ones gets the same points; an error when
    /// the region is too thin to fill.
    pub fn anchors(&self, batch: BatchId) -> Result<Vec<Point>, String> {
        let b = self.batch(batch);
        let c = &self.model.constraints[b.constraint.index()];
        let candidates = match &b.points.anchors {
            None => return Ok(vec![]),
            Some(Anchors::Data(d)) => sample::data_points(&self.model, *d),
            Some(Anchors::Drawn { place, count, .. }) => {
                let mut rng = Rng::new(self.sample_seed ^ ANCHOR_STREAM ^ count);
                points(&self.model, c, place, *count as usize, &mut rng)?
            }
        };
        let functions = c.lhs.functions().into_iter().chain(c.rhs.functions());
        let factors: Vec<&Factor> = functions
            .filter_map(|f| self.model.function(f).domain.as_ref())
            .flat_map(|domain| &domain.factors)
            .collect();
        let admitted = |p: &Point| {
            factors.iter().all(|factor| match factor {
                Factor::Interval { coord, lo, hi } => {
                    let slack = EDGE * (hi - lo).abs().max(1.0);
                    let v = p.coords[coord.index()];
                    match c.fractional {
                        true => v > lo + slack && v < hi - slack,
                        false => v >= lo - slack && v <= hi + slack,
                    }
                }
                Factor::Set { coords, set, .. } => {
                    let q: Vec<f64> = coords.iter().map(|k| p.coords[k.index()]).collect();
                    match c.fractional {
                        true => geometry::interior(set, &q),
                        false => geometry::contains(set, &q),
                    }
                }
            })
        };
        Ok(candidates
            .into_iter()
            .filter(admitted)
            .map(|p| Point { row: None, ..p })
            .collect())
    }

    /// `count` new points where a batch lives (a pool of candidates for
    /// resampling by residual; a data set gives its rows whatever `count`).
    pub fn draw_n(
        &self,
        batch: BatchId,
        count: usize,
        rng: &mut Rng,
    ) -> Result<Vec<Point>, String> {
        let b = self.batch(batch);
        let c = &self.model.constraints[b.constraint.index()];
        points(&self.model, c, &b.points.place, count, rng)
    }
}
