//! The JIT back end: the loss program as native code on the CPU.
//!
//! Input: a [`LossProgram`], its initial weights and each batch's points.
//! Output: each batch's loss and the gradient of the (balanced) total with
//! respect to every weight, bias and learned scalar, in float32 or
//! float64.
//!
//! Per batch ([`batch`]), the compiler's IR gives the residuals, reverse
//! mode on the IR (`physc_compiler::ir::adjoint`) adds their derivatives
//! with respect to each field jet and learned scalar they read, and
//! cranelift compiles residuals and derivatives into one kernel that loops
//! over points. The networks' Taylor jets, forward
//! and reverse, run on chunks of [`CHUNK`] points that stay in cache
//! ([`network`]). A batch's points are split between threads (scoped
//! threads, which do not spin while idle); each sums its gradient, and the
//! sums are added at the end. Batches that share their points run as one
//! ([`group`]): the networks' jets are computed once for all of them.
//!
//! The loss is the one the burn back end computes: each residual's mean
//! squared violation times the batch's weight, or with causal weighting
//! `(1/M) Σ_k w_k L_k` over M time slabs with `w_k` held constant; the
//! reference interpreter checks both.

mod activation;
mod batch;
mod dense;
mod group;
mod jet_algebra;
pub mod layout;
mod mode;
mod network;
mod ntk;
mod paths;
mod threads;
mod wide;

use batch::{Batch, Points, Slot, compile, values};
use group::Group;
use layout::Layout;
use mode::Mode;
pub use mode::violation;
use network::{Network, Pass};
use physc_compiler::model::FuncId;
use physc_compiler::program::interp::Weights;
use physc_compiler::program::sample::Point;
use physc_compiler::program::{BatchId, LossProgram};

/// Points per chunk: a chunk's jets through every layer stay in cache.
const CHUNK: usize = 64;

/// The float types the back end computes in.
pub trait Real:
    Copy
    + Send
    + Sync
    + Default
    + std::fmt::Debug
    + 'static
    + std::ops::Add<Output = Self>
    + std::ops::Mul<Output = Self>
    + std::ops::Sub<Output = Self>
    + std::ops::SubAssign
    + std::ops::AddAssign
{
    fn of(v: f64) -> Self;
    fn f64(self) -> f64;
    /// `tanh` of each value, vectorised in this precision.
    fn tanh(z: &[Self], out: &mut [Self]);
}

impl Real for f32 {
    fn of(v: f64) -> f32 {
        v as f32
    }
    fn f64(self) -> f64 {
        self as f64
    }
    fn tanh(z: &[f32], out: &mut [f32]) {
        activation::tanh_f32(z, out)
    }
}

impl Real for f64 {
    fn of(v: f64) -> f64 {
        v
    }
    fn f64(self) -> f64 {
        self
    }
    fn tanh(z: &[f64], out: &mut [f64]) {
        activation::tanh_f64(z, out)
    }
}

/// Per residual of a batch, each point's scale in the loss (one value when
/// all are equal).
type Scales = Vec<Vec<f64>>;

/// A batch's loss and gradient, from one evaluation.
pub struct Evaluation {
    /// Each batch's weighted loss, in batch order.
    pub terms: Vec<f64>,
    /// The gradient of `Σ factor_b term_b`, laid out as [`Layout`] says.
    pub gradient: Vec<f64>,
}

/// One thread's buffers for [`Jit::run_range`], kept between evaluations.
#[derive(Default)]
struct Scratch<T> {
    passes: Vec<Pass<T>>,
    inputs: Vec<Vec<f64>>,
    outputs: Vec<Vec<f64>>,
    out_adjoints: Vec<Vec<T>>,
    seeds: Vec<f64>,
    grad: Vec<T>,
}

/// The loss program compiled for the CPU, in float type `T`.
pub struct Jit<T> {
    nets: Vec<Network<T>>,
    pub layout: Layout,
    batches: Vec<Batch<T>>,
    /// Batches at one set of points, compiled together.
    groups: Vec<Group<T>>,
    /// By function: its value (through its output transform), where it
    /// has a network.
    fields: Vec<Option<Batch<T>>>,
    threads: usize,
    pool: std::sync::Mutex<Vec<Scratch<T>>>,
    /// Causal per-point scales held while a quasi-Newton call runs (see
    /// `crate::causal`): by batch, those of the first reverse pass after
    /// [`Jit::hold_causal`]. `None`: they follow the residuals.
    held: std::sync::Mutex<Option<Vec<Option<Scales>>>>,
}

impl<T: Real> Jit<T> {
    /// Compiles every batch. An error says what the back end cannot do.
    pub fn new(loss: &LossProgram, weights: &Weights) -> Result<Jit<T>, String> {
        let roots: Vec<_> = loss
            .batches
            .iter()
            .flat_map(|b| b.residuals.iter().map(|r| r.expr))
            .chain(
                loss.fields
                    .iter()
                    .flat_map(|f| f.parts.iter().map(|(_, e)| *e)),
            )
            .collect();
        if !loss.systems.is_empty() {
            // The kernels evaluate each point independently; an `ode` loss
            // carries a state from one Runge-Kutta stage to the next.
            return Err("it integrates `ode` equations through trajectories".into());
        }
        if loss
            .graph
            .reachable(&roots)
            .into_iter()
            .any(|id| loss.moves_with_weights(id))
        {
            // The kernels take a network's inputs as data drawn with the
            // points; composing networks needs them inside the kernel.
            return Err("it reads a network at arguments that read networks".into());
        }
        let (nets, layout) = layout::networks(loss, weights);
        let mut graph = loss.graph.clone();
        let batches = (0..loss.batches.len())
            .map(|b| compile(loss, &mut graph, BatchId(b as u32)))
            .collect::<Result<_, _>>()?;
        let groups = group::groups(loss, &mut graph)?;
        let mut fields: Vec<Option<Batch<T>>> =
            (0..loss.model.functions.len()).map(|_| None).collect();
        for field in &loss.fields {
            let roots: Vec<_> = field.parts.iter().map(|(_, e)| *e).collect();
            fields[field.function.index()] = Some(values(loss, &mut graph, &roots)?);
        }
        let threads = threads::count();
        Ok(Jit {
            nets,
            layout,
            batches,
            groups,
            fields,
            threads,
            pool: Default::default(),
            held: Default::default(),
        })
    }

    /// The floating-point operations of one evaluation's matrix products
    /// (forward, and the two products per layer of the reverse pass) at
    /// the current points: the bulk of the work, for reporting achieved
    /// rates against the machine's peak.
    pub fn matmul_flops(&self) -> f64 {
        let mut flops = 0.0;
        let live = self.groups.iter().filter(|g| g.live);
        let grouped: Vec<usize> = live.clone().flat_map(|g| g.members.clone()).collect();
        let single = (self.batches.iter().enumerate())
            .filter(|(b, _)| !grouped.contains(b))
            .map(|(_, batch)| batch);
        for batch in single.chain(live.map(|g| &g.batch)) {
            for (net, plan) in &batch.nets {
                let network = &self.nets[*net];
                let products: usize = network
                    .layers
                    .iter()
                    .chain(&network.gates)
                    .map(|l| l.inputs * l.outputs)
                    .sum();
                flops += 6.0 * (plan.indices.len() * products * batch.at.n) as f64;
            }
        }
        flops
    }

    /// Sets batch `b`'s points.
    pub fn set_points(&mut self, loss: &LossProgram, b: usize, points: &[Point]) {
        self.batches[b].at = training_points(&self.nets, loss, &self.batches[b], points);
        for group in &mut self.groups {
            group.set_points(b, points, |batch| {
                training_points(&self.nets, loss, batch, points)
            });
        }
    }

    /// How many batches run together with others at this moment (their
    /// points are one list).
    pub fn grouped(&self) -> usize {
        let live = self.groups.iter().filter(|g| g.live);
        live.map(|g| g.members.len()).sum()
    }

    /// Batch `b`'s residuals (one vector per residual) at other points, as
    /// the points are scored for resampling by residual.
    pub fn residuals_at(
        &self,
        loss: &LossProgram,
        b: usize,
        params: &[T],
        points: &[Point],
    ) -> Vec<Vec<f64>> {
        let at = Points::new(loss, &self.batches[b], points);
        self.residuals(&self.batches[b], params, &at)
    }

    /// A field's values at `points`, one vector per part (real, or real
    /// then imaginary); `None` for a function without a network.
    pub fn predict(
        &self,
        loss: &LossProgram,
        f: FuncId,
        params: &[T],
        points: &[Point],
    ) -> Option<Vec<Vec<f64>>> {
        let field = self.fields.get(f.index())?.as_ref()?;
        let at = Points::new(loss, field, points);
        Some(self.residuals(field, params, &at))
    }

    /// Each batch's weighted loss.
    pub fn losses(&self, params: &[T]) -> Vec<f64> {
        let mut losses = vec![None; self.batches.len()];
        for group in self.groups.iter().filter(|g| g.live) {
            for (b, loss) in self.group_losses(group, params) {
                losses[b] = Some(loss);
            }
        }
        (losses.into_iter().enumerate())
            .map(|(b, loss)| {
                loss.unwrap_or_else(|| {
                    let batch = &self.batches[b];
                    self.batch_loss(b, &self.residuals(batch, params, &batch.at))
                        .0
                })
            })
            .collect()
    }

    /// Each batch's loss, and the gradient of `Σ factors[b] · loss_b`
    /// (a missing factor is 1).
    pub fn evaluate(&self, params: &[T], factors: &[f64]) -> Evaluation {
        let factor = |b: usize| factors.get(b).copied().unwrap_or(1.0);
        let mut gradient = vec![0.0; self.layout.len];
        let mut terms = vec![None; self.batches.len()];
        let mut add = |g: Vec<f64>| {
            for (acc, v) in gradient.iter_mut().zip(g) {
                *acc += v;
            }
        };
        for group in self.groups.iter().filter(|g| g.live) {
            let (losses, g) = self.group_gradient(group, params, factor);
            for (b, loss) in losses {
                terms[b] = Some(loss);
            }
            add(g);
        }
        let terms = (terms.into_iter().enumerate())
            .map(|(b, term)| {
                term.unwrap_or_else(|| {
                    let (loss, g) = self.batch_gradient(b, params, factor(b));
                    add(g);
                    loss
                })
            })
            .collect();
        Evaluation { terms, gradient }
    }

    /// The norm of each batch's gradient on its own (`balance =
    /// gradnorm`): one reverse pass per batch.
    pub fn gradient_norms(&self, params: &[T]) -> Vec<f64> {
        (0..self.batches.len())
            .map(|b| {
                let (_, g) = self.batch_gradient(b, params, 1.0);
                g.iter().map(|v| v * v).sum::<f64>().sqrt()
            })
            .collect()
    }

    /// Holds the causal weights of the next reverse pass for the ones
    /// after it (`true`), or lets them follow the residuals (`false`).
    pub fn hold_causal(&mut self, hold: bool) {
        if let Ok(held) = self.held.get_mut() {
            *held = hold.then(|| vec![None; self.batches.len()]);
        }
    }

    /// Batch `b`'s loss and the gradient of `factor` times it.
    fn batch_gradient(&self, b: usize, params: &[T], factor: f64) -> (f64, Vec<f64>) {
        let batch = &self.batches[b];
        let scales = self.scales(b, || self.residuals(batch, params, &batch.at));
        let factors = vec![factor; scales.len()];
        let (losses, g) = self.parallel(batch, params, Mode::Reverse { scales, factors });
        (losses.iter().sum(), g)
    }

    /// Batch `b`'s per-point loss scales, per residual; causal weights
    /// read its `residuals` (unless held).
    fn scales(&self, b: usize, residuals: impl FnOnce() -> Vec<Vec<f64>>) -> Scales {
        let batch = &self.batches[b];
        match batch.at.slabs {
            Some(_) => {
                let live = || self.batch_loss(b, &residuals()).1;
                match self.held.lock().as_deref_mut() {
                    Ok(Some(held)) => held[b].get_or_insert_with(live).clone(),
                    _ => live(),
                }
            }
            None => vec![vec![batch.weight / batch.at.n.max(1) as f64]; batch.relations.len()],
        }
    }

    /// A batch's residuals at `at`, per residual.
    fn residuals(&self, batch: &Batch<T>, params: &[T], at: &Points<T>) -> Vec<Vec<f64>> {
        let mut out = vec![vec![0.0; at.n]; batch.relations.len()];
        let ranges = self.ranges(at.n);
        let parts = self.each_range(&ranges, |lo, hi, scratch| {
            let mut r = vec![vec![]; batch.relations.len()];
            self.run_range(batch, at, params, lo, hi, &Mode::Forward, &mut r, scratch);
            r
        });
        for (&(lo, _), part) in ranges.iter().zip(parts) {
            for (column, values) in out.iter_mut().zip(part) {
                column[lo..lo + values.len()].copy_from_slice(&values);
            }
        }
        out
    }

    /// Batch `b`'s weighted loss from its residuals, and each residual's
    /// per-point loss scale for the reverse pass.
    fn batch_loss(&self, b: usize, residuals: &[Vec<f64>]) -> (f64, Vec<Vec<f64>>) {
        let batch = &self.batches[b];
        let mut total = 0.0;
        let mut scales = vec![];
        for (r, relation) in residuals.iter().zip(&batch.relations) {
            let squared: Vec<f64> = r
                .iter()
                .map(|&v| violation(*relation, v).0.powi(2))
                .collect();
            match (&batch.at.slabs, batch.causal) {
                (Some(slabs), Some(causal)) => {
                    let m = slabs.counts.len();
                    let mut means = vec![0.0; m];
                    for (s, &k) in squared.iter().zip(&slabs.of) {
                        means[k] += s / slabs.counts[k] as f64;
                    }
                    let mut earlier = 0.0;
                    let weights: Vec<f64> = means
                        .iter()
                        .map(|&l| {
                            let w = (-causal.eps * earlier).exp();
                            earlier += l;
                            w
                        })
                        .collect();
                    total += batch.weight
                        * weights.iter().zip(&means).map(|(w, l)| w * l).sum::<f64>()
                        / m as f64;
                    scales.push(
                        slabs
                            .of
                            .iter()
                            .map(|&k| batch.weight * weights[k] / (m * slabs.counts[k]) as f64)
                            .collect(),
                    );
                }
                _ => {
                    let n = squared.len().max(1) as f64;
                    total += batch.weight * squared.iter().sum::<f64>() / n;
                    scales.push(vec![batch.weight / n]);
                }
            }
        }
        (total, scales)
    }

    /// Evaluates points `lo..hi` of `batch` chunk by chunk. Forward: appends
    /// each residual to `residuals`. Reverse: returns each residual's loss
    /// and adds the gradient to `scratch.grad`.
    #[allow(clippy::too_many_arguments)]
    fn run_range(
        &self,
        batch: &Batch<T>,
        at: &Points<T>,
        params: &[T],
        lo: usize,
        hi: usize,
        mode: &Mode,
        residuals: &mut [Vec<f64>],
        scratch: &mut Scratch<T>,
    ) -> Vec<f64> {
        let (r_count, w_count) = (batch.relations.len(), batch.wrt.len());
        let Scratch {
            passes,
            inputs,
            outputs,
            out_adjoints,
            seeds,
            grad,
        } = scratch;
        passes.resize_with(batch.nets.len(), Pass::default);
        inputs.resize(batch.slots.len(), vec![0.0; CHUNK]);
        outputs.resize(r_count * (1 + w_count), vec![0.0; CHUNK]);
        out_adjoints.resize(batch.nets.len(), vec![]);
        seeds.resize(CHUNK * r_count, 0.0);
        let mut loss = vec![0.0; r_count];
        let mut start = lo;
        while start < hi {
            let c = CHUNK.min(hi - start);
            for (k, (net, plan)) in batch.nets.iter().enumerate() {
                let d = self.nets[*net].inputs;
                let x = &at.coords[k][start * d..(start + c) * d];
                let embedded = at.embedded.get(k).and_then(Option::as_deref).map(|e| {
                    let per_point = e.len() / at.n;
                    &e[start * per_point..(start + c) * per_point]
                });
                self.nets[*net].forward(plan, params, (x, embedded), c, &mut passes[k]);
            }
            for (s, slot) in batch.slots.iter().enumerate() {
                let column = &mut inputs[s];
                match *slot {
                    Slot::Field {
                        net,
                        entry,
                        column: col,
                    } => {
                        let outputs = self.nets[batch.nets[net].0].outputs;
                        let out = &passes[net].out;
                        for p in 0..c {
                            column[p] = out[(entry * c + p) * outputs + col].f64();
                        }
                    }
                    Slot::Learned(k) => column.fill(params[self.layout.scalars + k].f64()),
                    Slot::Point => column[..c].copy_from_slice(&at.values[s][start..start + c]),
                }
            }
            {
                let ins: Vec<&[f64]> = inputs.iter().map(|v| &v[..c]).collect();
                let mut outs: Vec<&mut [f64]> = outputs.iter_mut().map(|v| &mut v[..c]).collect();
                batch.kernel.run(&ins, &mut outs, c);
            }
            match mode {
                Mode::Forward => {
                    for (i, r) in residuals.iter_mut().enumerate() {
                        r.extend_from_slice(&outputs[i][..c]);
                    }
                }
                Mode::Reverse { .. } | Mode::Tangent { .. } => {
                    for (i, relation) in batch.relations.iter().enumerate() {
                        for p in 0..c {
                            let (v, slope) = violation(*relation, outputs[i][p]);
                            let (term, seed) = mode.seed(i, start + p, v, slope);
                            loss[i] += term;
                            seeds[i * CHUNK + p] = seed;
                        }
                    }
                    for (k, (net, plan)) in batch.nets.iter().enumerate() {
                        let size = plan.indices.len() * c * self.nets[*net].outputs;
                        out_adjoints[k].clear();
                        out_adjoints[k].resize(size, T::default());
                    }
                    for (w, &input) in batch.wrt.iter().enumerate() {
                        let adjoint = |p: usize| {
                            (0..r_count)
                                .map(|i| {
                                    seeds[i * CHUNK + p] * outputs[r_count + i * w_count + w][p]
                                })
                                .sum::<f64>()
                        };
                        match batch.slots[input] {
                            Slot::Field { net, entry, column } => {
                                let outputs = self.nets[batch.nets[net].0].outputs;
                                let adj = &mut out_adjoints[net];
                                for p in 0..c {
                                    adj[(entry * c + p) * outputs + column] += T::of(adjoint(p));
                                }
                            }
                            Slot::Learned(k) => {
                                let sum: f64 = (0..c).map(adjoint).sum();
                                grad[self.layout.scalars + k] += T::of(sum);
                            }
                            Slot::Point => {}
                        }
                    }
                    for (k, (net, plan)) in batch.nets.iter().enumerate() {
                        self.nets[*net].backward(
                            plan,
                            params,
                            &mut passes[k],
                            &out_adjoints[k],
                            grad,
                        );
                    }
                }
            }
            start += c;
        }
        loss
    }
}

/// A batch's points as its kernel reads them during training: with their
/// jets through the networks' fixed embeddings.
fn training_points<T: Real>(
    nets: &[Network<T>],
    loss: &LossProgram,
    batch: &Batch<T>,
    points: &[Point],
) -> Points<T> {
    let mut at = Points::new(loss, batch, points);
    at.embedded = (batch.nets.iter().enumerate())
        .map(|(k, (net, plan))| nets[*net].embed_points(plan, &at.coords[k], at.n))
        .collect();
    at
}
