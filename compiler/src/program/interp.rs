//! The reference interpreter of the loss program: the whole loss in
//! float64, one point at a time, networks and their jets included.
//!
//! Input: a [`LossProgram`], the weights of its networks and learned
//! scalars ([`Weights`]) and each batch's points. Output: each batch's
//! weighted loss, and the residuals and field values at points. It is the
//! yardstick every back end is tested against, so it shares nothing with
//! them but the IR's scalar semantics ([`crate::ir::eval`]): a network's
//! jets are truncated multivariate Taylor polynomials ([`super::taylor`]),
//! an activation is composed with them through its univariate Taylor
//! series at the point (computed by power-series arithmetic, not by
//! derivative formulas), and the loss follows its definition term by term.

use super::features::FeatureMap;
pub use super::taylor::erf;
use super::taylor::{Basis, activation_series, series};
use super::*;
use crate::ir::eval::{Env, Interpreter, Leaf};
use crate::ir::lower::derivative_sets;
use std::cell::RefCell;
use std::collections::HashMap;

/// Every trainable value, in float64.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Weights {
    /// By [`NetId`].
    pub nets: Vec<NetWeights>,
    /// By [`crate::model::LearnId`].
    pub scalars: Vec<f64>,
}

/// A network's layers: fixed embeddings first, then the affine layers,
/// each followed by the activation except the last. Weights are the ones
/// applied (a factorised weight multiplied out).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct NetWeights {
    /// The periodic embedding, then Fourier features, where present.
    pub embeddings: Vec<Sines>,
    pub layers: Vec<Affine>,
    /// A modified MLP's encoders `U` and `V` of the embedded input (empty
    /// for a plain MLP): each hidden layer's activation `Z` becomes
    /// `V + Z (U - V)`.
    pub gates: Vec<Affine>,
    /// A PirateNet's block mixing factors `alpha`, one per block of three
    /// layers (empty otherwise): the first two layers of a block are gated,
    /// the third's activation `H` becomes `alpha H + (1 - alpha) x` with
    /// `x` the block's input.
    pub residual: Vec<f64>,
}

impl NetWeights {
    /// Whether hidden layer `l`'s activation is gated by `U` and `V`, and
    /// the block whose residual mix it ends, if any.
    pub fn joint(&self, l: usize) -> (bool, Option<usize>) {
        joint(!self.gates.is_empty(), !self.residual.is_empty(), l)
    }
}

/// How hidden layer `l`'s activation is joined to the next layer, for a
/// network with gates (`gated`) and, if `residual`, PirateNet blocks of
/// three layers: gated (all but each block's third layer), and the block
/// whose residual mix it ends (each block's third layer).
pub fn joint(gated: bool, residual: bool, l: usize) -> (bool, Option<usize>) {
    match residual {
        true if l % 3 == 2 => (false, Some(l / 3)),
        _ => (gated, None),
    }
}

/// `z = a W + b`, with `W` row-major `[inputs, outputs]`.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Affine {
    pub inputs: usize,
    pub outputs: usize,
    pub weight: Vec<f64>,
    pub bias: Vec<f64>,
}

/// A fixed layer `z = a W + phase`, passed through in its first `linear`
/// columns and `sin(z)` in the others.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Sines {
    pub affine: Affine,
    pub linear: usize,
}

/// The Taylor coefficients of the inputs themselves at `x`.
fn input_series(basis: &Basis, x: &[f64]) -> Vec<Vec<f64>> {
    x.iter()
        .enumerate()
        .map(|(i, &xi)| {
            let mut c = vec![0.0; basis.len()];
            c[0] = xi;
            if let Some(k) = basis.indices.iter().position(|alpha| {
                alpha
                    .iter()
                    .enumerate()
                    .all(|(j, &o)| o == u8::from(j == i))
            }) {
                c[k] = 1.0;
            }
            c
        })
        .collect()
}

/// The Taylor coefficients of each feature at `x`: `∂^α φ / α!`.
fn feature_series(map: &FeatureMap, basis: &Basis, x: &[f64]) -> Vec<Vec<f64>> {
    let d = map.jets(&basis.indices, x, 1);
    (0..map.count())
        .map(|j| {
            (0..basis.len())
                .map(|k| d[k * map.count() + j] / basis.factorial(k))
                .collect()
        })
        .collect()
}

/// One network's jets at one point: `[outputs][basis]` coefficients.
fn net_jets(
    plan: &NetPlan,
    w: &NetWeights,
    features: Option<&FeatureMap>,
    basis: &Basis,
    x: &[f64],
) -> Vec<Vec<f64>> {
    let mut a: Vec<Vec<f64>> = match features {
        Some(map) => feature_series(map, basis, x),
        None => input_series(basis, x),
    };
    for e in &w.embeddings {
        let z = affine(&e.affine, &a, basis);
        a = z
            .into_iter()
            .enumerate()
            .map(|(j, zj)| match j < e.linear {
                true => zj,
                false => basis.compose(&series::sin(zj[0], basis.max_order), &zj),
            })
            .collect();
    }
    let activate = |layer: &Affine, a: &[Vec<f64>]| -> Vec<Vec<f64>> {
        affine(layer, a, basis)
            .into_iter()
            .map(|z| {
                basis.compose(
                    &activation_series(plan.activation, z[0], basis.max_order),
                    &z,
                )
            })
            .collect()
    };
    let gates: Vec<Vec<Vec<f64>>> = w.gates.iter().map(|g| activate(g, &a)).collect();
    let (hidden, last) = w.layers.split_at(w.layers.len() - 1);
    let body = |a: Vec<Vec<f64>>| hidden_layers(hidden, w, &gates, basis, &activate, a);
    let a = match plan.embedding.separate {
        // Each scale's sines and cosines through the hidden layers; the
        // paths (or each space path times each time path) side by side.
        true => {
            let paths = plan.embedding.paths();
            let (sines, cosines) = a.split_at(a.len() / 2);
            let m = sines.len() / paths;
            let outs: Vec<Vec<Vec<f64>>> = (0..paths)
                .map(|s| {
                    let block = [&sines[s * m..(s + 1) * m], &cosines[s * m..(s + 1) * m]];
                    body(block.concat())
                })
                .collect();
            match plan.embedding.time_scales.len() {
                0 => outs.concat(),
                _ => {
                    let space = plan.embedding.scales.len();
                    let (xs, ts) = outs.split_at(space);
                    xs.iter()
                        .flat_map(|x| {
                            ts.iter()
                                .flat_map(move |t| x.iter().zip(t).map(|(x, t)| basis.mul(x, t)))
                        })
                        .collect()
                }
            }
        }
        false => body(a),
    };
    affine(&last[0], &a, basis)
}

/// A layer's activation jet from its input's, by coefficient.
type Activate<'a> = dyn Fn(&Affine, &[Vec<f64>]) -> Vec<Vec<f64>> + 'a;

/// The hidden layers' activation jet from the embedded input's `a`.
fn hidden_layers(
    hidden: &[Affine],
    w: &NetWeights,
    gates: &[Vec<Vec<f64>>],
    basis: &Basis,
    activate: &Activate,
    mut a: Vec<Vec<f64>>,
) -> Vec<Vec<f64>> {
    // A PirateNet block's input, kept for its residual mix.
    let mut block_input = vec![];
    for (l, layer) in hidden.iter().enumerate() {
        if l % 3 == 0 && !w.residual.is_empty() {
            block_input = a.clone();
        }
        a = activate(layer, &a);
        let (gated, residual) = w.joint(l);
        if let Some(block) = residual {
            let alpha = w.residual[block];
            for (h, x) in a.iter_mut().zip(&block_input) {
                for (hk, xk) in h.iter_mut().zip(x) {
                    *hk = alpha * *hk + (1.0 - alpha) * xk;
                }
            }
        }
        if let ([u, v], true) = (gates, gated) {
            for ((h, u), v) in a.iter_mut().zip(u).zip(v) {
                let gap: Vec<f64> = u.iter().zip(v).map(|(u, v)| u - v).collect();
                *h = basis
                    .mul(h, &gap)
                    .iter()
                    .zip(v)
                    .map(|(p, v)| p + v)
                    .collect();
            }
        }
    }
    a
}

/// `a W + b` for every coefficient; the bias only reaches the value.
fn affine(layer: &Affine, a: &[Vec<f64>], basis: &Basis) -> Vec<Vec<f64>> {
    (0..layer.outputs)
        .map(|j| {
            let mut z: Vec<f64> = (0..basis.len())
                .map(|k| {
                    (0..layer.inputs)
                        .map(|i| a[i][k] * layer.weight[i * layer.outputs + j])
                        .sum()
                })
                .collect();
            z[0] += layer.bias[j];
            z
        })
        .collect()
}

/// The leaves of the IR at one point: the networks' jets there, the point's
/// coordinates, parameters and data row, and the learned scalars; and the
/// networks at other arguments.
struct PointEnv<'a> {
    program: &'a LossProgram,
    weights: &'a Weights,
    point: &'a Point,
    /// By [`NetId`]: the basis, for the networks read.
    bases: &'a [Option<Basis>],
    /// By [`NetId`]: the input features, for the networks that have them.
    features: &'a [Option<FeatureMap>],
    /// By [`NetId`]: the outputs' coefficients at the point.
    jets: Vec<Option<Vec<Vec<f64>>>>,
    /// The outputs' coefficients at other arguments, by network and inputs.
    elsewhere: RefCell<HashMap<Elsewhere, Vec<Vec<f64>>>>,
}

/// A network and the bits of the inputs it is evaluated at.
type Elsewhere = (usize, Vec<u64>);

impl PointEnv<'_> {
    /// Function `function`'s part `part`, derivative `derivative`, from its
    /// network's coefficients `jets`.
    fn read(&self, function: FuncId, part: Part, derivative: &[u8], jets: &[Vec<f64>]) -> f64 {
        let o = self.program.output(function, part).expect("an output");
        let basis = self.bases[o.net.index()].as_ref().expect("a basis");
        match basis.indices.iter().position(|a| a[..] == derivative[..]) {
            Some(k) => basis.derivative(&jets[o.column], k),
            None => 0.0,
        }
    }
}

impl Env for PointEnv<'_> {
    fn leaf(&self, leaf: &Leaf) -> f64 {
        match leaf {
            Leaf::Field {
                function,
                part,
                derivative,
            } => {
                let o = self.program.output(*function, *part).expect("an output");
                let jets = self.jets[o.net.index()].as_ref().expect("jets");
                self.read(*function, *part, derivative, jets)
            }
            Leaf::Learned(l) => self.weights.scalars[l.index()],
            other => point_leaf(&self.program.model, other, self.point).expect("a point's leaf"),
        }
    }

    fn apply(&self, function: FuncId, part: Part, derivative: &[u8], args: &[f64]) -> f64 {
        let o = self.program.output(function, part).expect("an output");
        let n = o.net.index();
        let plan = &self.program.nets[n];
        let x = net_input(
            plan,
            &self.program.model.function(function).coords,
            args,
            self.point,
        );
        let key = (n, x.iter().map(|v| v.to_bits()).collect());
        let mut cache = self.elsewhere.borrow_mut();
        let jets = cache.entry(key).or_insert_with(|| {
            let basis = self.bases[n].as_ref().expect("a basis");
            let features = self.features[n].as_ref();
            net_jets(plan, &self.weights.nets[n], features, basis, &x)
        });
        self.read(function, part, derivative, jets)
    }
}

/// A network's inputs for a function of `coords` read at `args`: each input
/// the function has from its argument, any other from the point.
fn net_input(plan: &NetPlan, coords: &[CoordId], args: &[f64], point: &Point) -> Vec<f64> {
    plan.inputs
        .iter()
        .map(|c| match coords.iter().position(|x| x == c) {
            Some(k) => args[k],
            None => point.coords[c.index()],
        })
        .collect()
}

/// The values of `roots` at each point, `[point][root]`; `wanted` gives
/// the jets each network must carry besides those the roots read.
fn values_at(
    program: &LossProgram,
    weights: &Weights,
    roots: &[ExprId],
    points: &[Point],
    wanted: &dyn Fn(&NetPlan) -> Vec<MultiIndex>,
) -> Vec<Vec<f64>> {
    let evaluator = Evaluator::with_jets(program, weights, roots, wanted);
    let mut scratch = vec![];
    points
        .iter()
        .map(|point| evaluator.at(point, &mut scratch))
        .collect()
}

/// Fixed roots evaluated at one point after another (a simulation's
/// states): the interpreter and the networks' jet bases are built once.
pub struct Evaluator<'p> {
    program: &'p LossProgram,
    weights: &'p Weights,
    interpreter: Interpreter,
    /// By [`NetId`], for the networks the roots read.
    bases: Vec<Option<Basis>>,
    /// By [`NetId`]: the input features of the networks that have them.
    features: Vec<Option<FeatureMap>>,
}

impl<'p> Evaluator<'p> {
    pub fn new(program: &'p LossProgram, weights: &'p Weights, roots: &[ExprId]) -> Self {
        Self::with_jets(program, weights, roots, &|_| vec![])
    }

    fn with_jets(
        program: &'p LossProgram,
        weights: &'p Weights,
        roots: &[ExprId],
        wanted: &dyn Fn(&NetPlan) -> Vec<MultiIndex>,
    ) -> Self {
        let interpreter = Interpreter::new(&program.graph, roots);
        // By NetId, for the networks read: what the roots read of them.
        let mut read: Vec<Option<Vec<MultiIndex>>> = vec![None; program.nets.len()];
        for (function, set) in derivative_sets(&program.graph, roots) {
            for o in program.outputs.iter().filter(|o| o.function == function) {
                read[o.net.index()]
                    .get_or_insert_with(Vec::new)
                    .extend(set.iter().cloned());
            }
        }
        let bases = program
            .nets
            .iter()
            .zip(read)
            .map(|(plan, read)| {
                let mut all = read?;
                all.extend(wanted(plan));
                Some(Basis::new(&all, plan.inputs.len()))
            })
            .collect();
        Evaluator {
            program,
            weights,
            interpreter,
            bases,
            features: (program.nets.iter())
                .map(|plan| FeatureMap::new(&program.graph, plan))
                .collect(),
        }
    }

    /// The roots' values at `point`; `scratch` is reused between calls.
    pub fn at(&self, point: &Point, scratch: &mut Vec<f64>) -> Vec<f64> {
        let program = self.program;
        let jets = program
            .nets
            .iter()
            .enumerate()
            .map(|(n, plan)| {
                let basis = self.bases[n].as_ref()?;
                let x: Vec<f64> = plan
                    .inputs
                    .iter()
                    .map(|c| point.coords[c.index()])
                    .collect();
                let features = self.features[n].as_ref();
                Some(net_jets(plan, &self.weights.nets[n], features, basis, &x))
            })
            .collect();
        let env = PointEnv {
            program,
            weights: self.weights,
            point,
            bases: &self.bases,
            features: &self.features,
            jets,
            elsewhere: RefCell::new(HashMap::new()),
        };
        self.interpreter.eval(&env, scratch)
    }
}

/// A batch's residuals at `points`, `[residual][point]`.
pub fn residuals(
    program: &LossProgram,
    weights: &Weights,
    batch: BatchId,
    points: &[Point],
) -> Vec<Vec<f64>> {
    let roots: Vec<ExprId> = program
        .batch(batch)
        .residuals
        .iter()
        .map(|r| r.expr)
        .collect();
    transpose(
        values_at(program, weights, &roots, points, &|plan| plan.jets.clone()),
        roots.len(),
    )
}

/// A field's value per part at `points`, `[part][point]`.
pub fn field(
    program: &LossProgram,
    weights: &Weights,
    function: FuncId,
    points: &[Point],
) -> Vec<Vec<f64>> {
    let Some(field) = program.field(function) else {
        return vec![];
    };
    let roots: Vec<ExprId> = field.parts.iter().map(|(_, e)| *e).collect();
    transpose(
        values_at(program, weights, &roots, points, &|_| vec![]),
        roots.len(),
    )
}

fn transpose(rows: Vec<Vec<f64>>, width: usize) -> Vec<Vec<f64>> {
    (0..width)
        .map(|r| rows.iter().map(|row| row[r]).collect())
        .collect()
}

/// A batch's weighted loss at `points`: the sum over its residuals of the
/// mean squared residual (of the violation, for an inequality), causally
/// weighted by time slab where the batch says so, times its weight. The
/// causal weights come from the residuals at `held`: they are constants of
/// the reverse pass, so a gradient of the loss holds them there. An `ode`
/// batch's loss is its state's error after integration
/// ([`super::ode::squared_errors`]), whatever `points`.
pub fn batch_loss(
    program: &LossProgram,
    weights: &Weights,
    held: &Weights,
    batch: BatchId,
    points: &[Point],
) -> f64 {
    let b = program.batch(batch);
    if let Some((s, state)) = program.ode_term(batch) {
        return b.weight * super::ode::squared_errors(program, weights, s)[state];
    }
    let squared = squared_violations(program, weights, batch, points);
    // The held residuals, once for all the batch's residuals.
    let at_held = b
        .causal
        .map(|_| squared_violations(program, held, batch, points));
    let mut total = 0.0;
    for (r, squared) in squared.iter().enumerate() {
        total += match (b.causal, &at_held) {
            (Some(c), Some(at_held)) => causal_mean(squared, &at_held[r], points, c),
            _ => squared.iter().sum::<f64>() / squared.len() as f64,
        };
    }
    b.weight * total
}

/// Each residual's squared violation at each point, `[residual][point]`.
fn squared_violations(
    program: &LossProgram,
    weights: &Weights,
    batch: BatchId,
    points: &[Point],
) -> Vec<Vec<f64>> {
    let b = program.batch(batch);
    let values = residuals(program, weights, batch, points);
    b.residuals
        .iter()
        .zip(values)
        .map(|(r, values)| {
            values
                .iter()
                .map(|&v| {
                    let violation = match r.relation {
                        Relation::Eq => v,
                        Relation::Ge | Relation::Gt => (-v).max(0.0),
                        Relation::Le | Relation::Lt => v.max(0.0),
                    };
                    violation * violation
                })
                .collect()
        })
        .collect()
}

/// `(1/M) sum_k exp(-eps sum_(j<k) H_j) L_k` over the M time slabs that
/// hold points, `L_k` the mean of `squared` over slab k and `H_k` that of
/// `held`; the plain mean when the points do not spread over time.
fn causal_mean(squared: &[f64], held: &[f64], points: &[Point], c: Causal) -> f64 {
    let times: Vec<f64> = points.iter().map(|p| p.coords[c.time.index()]).collect();
    let lo = times.iter().copied().fold(f64::INFINITY, f64::min);
    let hi = times.iter().copied().fold(f64::NEG_INFINITY, f64::max);
    // (`min` and `max` skip NaN: times all NaN leave lo = inf, hi = -inf.)
    if hi <= lo {
        return squared.iter().sum::<f64>() / squared.len() as f64;
    }
    let slab = |t: f64| (((t - lo) / (hi - lo) * c.slabs as f64) as usize).min(c.slabs - 1);
    let means = |values: &[f64]| {
        let mut sums = vec![0.0; c.slabs];
        let mut counts = vec![0usize; c.slabs];
        for (t, v) in times.iter().zip(values) {
            sums[slab(*t)] += v;
            counts[slab(*t)] += 1;
        }
        (0..c.slabs)
            .filter(|&k| counts[k] > 0)
            .map(|k| sums[k] / counts[k] as f64)
            .collect::<Vec<f64>>()
    };
    let (slabs, held) = (means(squared), means(held));
    let mut earlier = 0.0;
    let mut total = 0.0;
    for (m, h) in slabs.iter().zip(&held) {
        total += (-c.eps * earlier).exp() * m;
        earlier += h;
    }
    total / slabs.len() as f64
}

/// Every batch's weighted loss, each at its own points.
pub fn losses(program: &LossProgram, weights: &Weights, points: &[Vec<Point>]) -> Vec<f64> {
    losses_held(program, weights, weights, points)
}

/// Every batch's weighted loss with causal weights held at `held` (see
/// [`batch_loss`]): the function whose gradient a back end's reverse pass
/// computes at `held`.
pub fn losses_held(
    program: &LossProgram,
    weights: &Weights,
    held: &Weights,
    points: &[Vec<Point>],
) -> Vec<f64> {
    (0..program.batches.len())
        .map(|b| batch_loss(program, weights, held, BatchId(b as u32), &points[b]))
        .collect()
}

/// The jets of one network at one point: `[output][jet]`, the derivatives
/// the program lists in `jets`, in that order.
pub fn jets_at(graph: &Graph, plan: &NetPlan, w: &NetWeights, x: &[f64]) -> Vec<Vec<f64>> {
    let basis = Basis::new(&plan.jets, plan.inputs.len());
    let features = FeatureMap::new(graph, plan);
    let jets = net_jets(plan, w, features.as_ref(), &basis, x);
    let positions: Vec<usize> = plan
        .jets
        .iter()
        .map(|d| {
            basis
                .indices
                .iter()
                .position(|a| a[..] == d[..])
                .expect("in the basis")
        })
        .collect();
    jets.iter()
        .map(|c| positions.iter().map(|&k| basis.derivative(c, k)).collect())
        .collect()
}
