//! A network's Taylor jets on a chunk of points, forward and reverse, on
//! flat arrays: the dense layers are matrix products ([`super::dense`]),
//! the activations are elementwise Faà di Bruno sums.
//!
//! Layout: a jet of width `w` over `c` points with `K` entries (the plan's
//! multi-indices, the value first) is row-major, entry `k` in rows
//! `k·c .. (k+1)·c`. A pre-activation jet `z = a W + b` is one `[K·c × w]`
//! matrix, made by two products: the value rows (with the bias) and every
//! derivative row at once. An activation's derivatives `σ^(j)(z₀)` are
//! `[(m+2)·c × w]`, one block per order up to the plan's highest plus one
//! (the reverse pass needs one more than the forward); block 0 is `σ(z₀)`,
//! which is also the next layer's value rows, so only the derivative rows
//! of an activation jet have a buffer of their own.
//!
//! The forward pass keeps each layer's input, pre-activation and
//! derivatives in a [`Pass`]; the reverse pass reads them and accumulates
//! the gradient of every weight and bias into a flat vector laid out as
//! [`super::layout::Layout`] says.
//!
//! A modified MLP also keeps its gates' jets `U`, `V` and each hidden
//! layer's activation jet `Z`; its layer outputs `V + Z (U - V)` are whole
//! jets of their own (Leibniz's rule, [`leibniz`]). A PirateNet is gated
//! the same way except in each block's third layer, whose activation `H`
//! is mixed into the block's input `x` as `x + α (H - x)`.

use super::Real;
use super::activation::derivatives;
pub use super::dense::Dense;
use super::dense::{affine, dense_backward, matmul};
use super::jet_algebra::{compose, compose_backward, leibniz, leibniz_backward};
use super::paths::{apart, pairs, path_jets, side_by_side, stack_paths, stacked};
use crate::net::JetPlan;
use physc_compiler::model::Activation;
use physc_compiler::program::features::FeatureMap;
use physc_compiler::program::interp::{Sines, joint};

/// A fixed input embedding: `sin(a W + phase)`, the first `linear` columns
/// passed through without the sine.
#[derive(Clone, Debug)]
pub struct Embedding<T> {
    inputs: usize,
    outputs: usize,
    weight: Vec<T>,
    phase: Vec<T>,
    linear: usize,
}

impl<T: Real> Embedding<T> {
    pub fn new(sines: &Sines) -> Embedding<T> {
        let a = &sines.affine;
        Embedding {
            inputs: a.inputs,
            outputs: a.outputs,
            weight: a.weight.iter().map(|&v| T::of(v)).collect(),
            phase: a.bias.iter().map(|&v| T::of(v)).collect(),
            linear: sines.linear,
        }
    }
}

/// One network: embeddings, then dense layers with the activation between,
/// gated by `gates` (a modified MLP's `U` and `V`) where there are any.
#[derive(Clone, Debug)]
pub struct Network<T> {
    pub inputs: usize,
    pub outputs: usize,
    /// The input features read in place of the inputs, if any.
    pub features: Option<FeatureMap>,
    pub embeddings: Vec<Embedding<T>>,
    pub layers: Vec<Dense>,
    pub gates: Vec<Dense>,
    /// A PirateNet's block mixing factors: where each `α` sits in the flat
    /// parameters (empty otherwise).
    pub residual: Vec<usize>,
    pub activation: Activation,
    /// With `multiscale = separate`, the Fourier scales, each through the
    /// hidden layers on its own; else 1.
    pub paths: usize,
    /// Spatio-temporal: the first `space_paths` paths are of space, the
    /// others of time, and each space path times each time path joins
    /// before the last layer; 0 otherwise.
    pub space_paths: usize,
}

/// What the forward pass keeps for the reverse pass, and the output.
#[derive(Default)]
pub struct Pass<T> {
    /// Points in the chunk.
    c: usize,
    /// Each dense layer's input jet.
    inputs: Vec<Vec<T>>,
    /// Each hidden layer's pre-activation jet and activation derivatives.
    pre: Vec<Vec<T>>,
    derivs: Vec<Vec<T>>,
    /// The output jet, `[K·c × outputs]`.
    pub out: Vec<T>,
    /// A modified MLP's: each gate's pre-activation, derivatives and jet,
    /// `U - V`, and each hidden layer's activation jet `Z` (whole jets).
    gated: bool,
    gate_pre: Vec<Vec<T>>,
    gate_derivs: Vec<Vec<T>>,
    gate_jets: Vec<Vec<T>>,
    gap: Vec<T>,
    acts: Vec<Vec<T>>,
    /// Reverse-pass scratch of the adjoints of `V` and `U - V`.
    gate_adj: (Vec<T>, Vec<T>),
    /// Reverse-pass scratch: a PirateNet block input's adjoint through the
    /// residual, `(1 - α) x̄`, until the pass reaches that input.
    skip: Vec<T>,
    /// Separate scales: each path's last hidden jet, whole (`[K·c × w]`),
    /// and the last layer's input, the paths (or their products) side by
    /// side (`[K·c × blocks·w]`).
    paths: Vec<Vec<T>>,
    joined: Vec<T>,
    /// Reverse-pass scratch.
    adjoint: Vec<T>,
    adjoint_next: Vec<T>,
    adjoint_derivs: Vec<T>,
    scratch: (Vec<f64>, Vec<f64>),
}

impl<T: Real> Pass<T> {
    /// Dense layer `l`'s input jet: its value rows (`values` numbers) and
    /// its derivative rows. The first layer's input is one buffer; a later
    /// layer's value rows are the activation values in block 0 of the
    /// previous layer's derivatives.
    fn input(&self, l: usize, values: usize) -> (&[T], &[T]) {
        match l {
            0 => self.inputs[0].split_at(values),
            _ if self.gated => self.inputs[l].split_at(values),
            _ => (&self.derivs[l - 1][..values], &self.inputs[l]),
        }
    }
}

/// The whole activation jet `σ(z)` of dense layer `layer` applied to the
/// jet `(value, rest)`: its pre-activation `z`, `σ`'s derivatives `d` (one
/// order more than the reverse pass needs) and the jet, each in a buffer
/// overwritten whole.
#[allow(clippy::too_many_arguments)]
fn activate<T: Real>(
    activation: Activation,
    layer: &Dense,
    params: &[T],
    plan: &JetPlan,
    (value, rest): (&[T], &[T]),
    c: usize,
    (z, d, jet): (&mut Vec<T>, &mut Vec<T>, &mut Vec<T>),
    scratch: &mut (Vec<f64>, Vec<f64>),
) {
    let k = plan.indices.len();
    let w = &params[layer.weight..layer.weight + layer.inputs * layer.outputs];
    let b = &params[layer.bias..layer.bias + layer.outputs];
    let cw = c * layer.outputs;
    z.resize(k * cw, T::default());
    affine(value, rest, layer.inputs, layer.outputs, w, b, c, z);
    derivatives(
        activation,
        &z[..cw],
        plan.max_order as usize + 2,
        d,
        scratch,
    );
    jet.resize(k * cw, T::default());
    jet[..cw].copy_from_slice(&d[..cw]);
    compose(plan, d, z, cw, &mut jet[cw..]);
}

/// A chunk's input jet (`[K·c × w]`, in `buffer`) from its points' rows
/// of [`Network::embed_points`] (`[c × K × w]`).
fn gather<T: Real>(points: &[T], mut buffer: Vec<T>, k: usize, c: usize, w: usize) -> Vec<T> {
    buffer.clear();
    buffer.resize(k * c * w, T::default());
    for q in 0..c {
        for i in 0..k {
            let (from, to) = ((q * k + i) * w, (i * c + q) * w);
            buffer[to..to + w].copy_from_slice(&points[from..from + w]);
        }
    }
    buffer
}

impl<T: Real> Network<T> {
    /// How hidden layer `l` is joined to the next: gated, and the PirateNet
    /// block it ends.
    fn joint(&self, l: usize) -> (bool, Option<usize>) {
        joint(!self.gates.is_empty(), !self.residual.is_empty(), l)
    }

    /// The width of the first dense layer's input per path: the last
    /// embedding's outputs, or the features' count, or the network's
    /// inputs.
    fn embedded_width(&self) -> usize {
        (self.embeddings.last().map(|e| e.outputs))
            .or(self.features.as_ref().map(FeatureMap::count))
            .unwrap_or(self.inputs)
    }

    /// The input jet of the `c` points `x` through the fixed embeddings,
    /// `[K·c × width]`, built in `a`: x itself, unit vectors for first
    /// derivatives, zero above (or the features' derivatives), then each
    /// embedding's sines composed.
    fn input_jet(&self, plan: &JetPlan, x: &[T], c: usize, mut a: Vec<T>) -> Vec<T> {
        let k = plan.indices.len();
        if let Some(features) = &self.features {
            let x: Vec<f64> = x[..c * self.inputs].iter().map(|v| v.f64()).collect();
            let points: Vec<T> = (features.jets(&plan.indices, &x, c).into_iter())
                .map(T::of)
                .collect();
            a = gather(&points, a, k, c, features.count());
        } else {
            a.clear();
            a.resize(k * c * self.inputs, T::default());
            a[..c * self.inputs].copy_from_slice(&x[..c * self.inputs]);
            for (i, alpha) in plan.indices.iter().enumerate().skip(1) {
                if alpha.iter().map(|&o| o as u32).sum::<u32>() == 1 {
                    let d = alpha.iter().position(|&o| o == 1).expect("order one");
                    for p in 0..c {
                        a[(i * c + p) * self.inputs + d] = T::of(1.0);
                    }
                }
            }
        }
        for e in &self.embeddings {
            let mut z = vec![T::default(); k * c * e.outputs];
            let (value, rest) = a.split_at(c * e.inputs);
            affine(
                value, rest, e.inputs, e.outputs, &e.weight, &e.phase, c, &mut z,
            );
            let mut d = vec![T::default(); (plan.max_order as usize + 1) * c * e.outputs];
            let cw = c * e.outputs;
            for p in 0..c {
                for col in 0..e.outputs {
                    let at = p * e.outputs + col;
                    let z0 = z[at].f64();
                    let (s, co) = z0.sin_cos();
                    for j in 0..=plan.max_order as usize {
                        d[j * cw + at] = T::of(if col < e.linear {
                            [z0, 1.0, 0.0][j.min(2)]
                        } else {
                            [s, co, -s, -co][j % 4]
                        });
                    }
                }
            }
            a = vec![T::default(); k * c * e.outputs];
            a[..cw].copy_from_slice(&d[..cw]);
            compose(plan, &d, &z, cw, &mut a[cw..]);
        }
        a
    }

    /// [`Self::input_jet`] of all `n` points `x`, point by point
    /// (`[n × K × width]`) so that any chunk reads its rows: it depends on
    /// the points alone, so a batch builds it once per draw rather than at
    /// every step (the sines were a tenth of a PirateNet's step). `None`
    /// without embeddings or features, whose input jet costs nothing to
    /// build.
    pub fn embed_points(&self, plan: &JetPlan, x: &[T], n: usize) -> Option<Vec<T>> {
        if self.embeddings.is_empty() && self.features.is_none() {
            return None;
        }
        let (k, w) = (plan.indices.len(), self.embedded_width());
        let mut out = vec![T::default(); n * k * w];
        let mut a = vec![];
        for start in (0..n).step_by(super::CHUNK) {
            let c = super::CHUNK.min(n - start);
            let x = &x[start * self.inputs..(start + c) * self.inputs];
            a = self.input_jet(plan, x, c, a);
            for i in 0..k {
                for q in 0..c {
                    let (from, to) = ((i * c + q) * w, ((start + q) * k + i) * w);
                    out[to..to + w].copy_from_slice(&a[from..from + w]);
                }
            }
        }
        Some(out)
    }

    /// The jets of `plan` at the `c` points `x` (`[c × inputs]`);
    /// `embedded`, where the batch keeps it, is their input jet through the
    /// embeddings point by point ([`Self::embed_points`]).
    pub fn forward(
        &self,
        plan: &JetPlan,
        params: &[T],
        (x, embedded): (&[T], Option<&[T]>),
        c: usize,
        pass: &mut Pass<T>,
    ) {
        let k = plan.indices.len();
        let hidden = self.layers.len() - 1;
        pass.c = c;
        pass.inputs.resize_with(self.layers.len(), Vec::new);
        pass.pre.resize_with(hidden, Vec::new);
        pass.derivs.resize_with(hidden, Vec::new);
        let buffer = std::mem::take(&mut pass.inputs[0]);
        let a = match embedded {
            Some(points) => gather(points, buffer, k, c, self.embedded_width()),
            None => self.input_jet(plan, x, c, buffer),
        };
        // Separate scales: the paths are rows of their own from here on.
        pass.inputs[0] = match self.paths {
            1 => a,
            _ => stack_paths(&a, k, c, self.paths),
        };
        let c = c * self.paths;
        pass.gated = !self.gates.is_empty();
        if pass.gated {
            self.forward_gates(plan, params, c, pass);
        }
        // Buffers are reused from chunk to chunk: each is overwritten whole.
        for (l, layer) in self.layers.iter().enumerate() {
            let w = &params[layer.weight..layer.weight + layer.inputs * layer.outputs];
            let b = &params[layer.bias..layer.bias + layer.outputs];
            let mut z = std::mem::take(if l == hidden {
                &mut pass.out
            } else {
                &mut pass.pre[l]
            });
            if l == hidden && self.paths > 1 {
                // Every path's last hidden jet (or each space path times
                // each time path) side by side, per point.
                let points = pass.c;
                let width = self.layers[l - 1].outputs;
                let (value, rest) = pass.input(l, c * width);
                let paths = path_jets(value, rest, k, points, self.paths, width);
                let joined = match self.space_paths {
                    0 => side_by_side(&paths, k, points, width),
                    space => {
                        let products: Vec<Vec<T>> = pairs(space, self.paths)
                            .map(|(s, r)| {
                                let mut out = vec![T::default(); paths[s].len()];
                                leibniz(plan, &paths[s], &paths[r], points * width, &mut out);
                                out
                            })
                            .collect();
                        side_by_side(&products, k, points, width)
                    }
                };
                z.resize(k * points * layer.outputs, T::default());
                let (value, rest) = joined.split_at(points * layer.inputs);
                affine(
                    value,
                    rest,
                    layer.inputs,
                    layer.outputs,
                    w,
                    b,
                    points,
                    &mut z,
                );
                pass.paths = paths;
                pass.joined = joined;
                pass.out = z;
                break;
            }
            z.resize(k * c * layer.outputs, T::default());
            let (value, rest) = pass.input(l, c * layer.inputs);
            affine(value, rest, layer.inputs, layer.outputs, w, b, c, &mut z);
            if l == hidden {
                pass.out = z;
                break;
            }
            let orders = plan.max_order as usize + 2;
            let cw = c * layer.outputs;
            let mut d = std::mem::take(&mut pass.derivs[l]);
            derivatives(self.activation, &z[..cw], orders, &mut d, &mut pass.scratch);
            if pass.gated {
                // H = V + Z (U - V), a whole jet.
                let mut act = std::mem::take(&mut pass.acts[l]);
                act.resize(k * cw, T::default());
                act[..cw].copy_from_slice(&d[..cw]);
                compose(plan, &d, &z, cw, &mut act[cw..]);
                let mut next = std::mem::take(&mut pass.inputs[l + 1]);
                next.clear();
                match self.joint(l) {
                    (_, Some(block)) => {
                        // x + α (H - x), x the block's input.
                        let alpha = params[self.residual[block]];
                        let x = &pass.inputs[3 * block];
                        next.extend(act.iter().zip(x).map(|(&h, &x)| x + alpha * (h - x)));
                    }
                    _ => {
                        next.extend_from_slice(&pass.gate_jets[1]);
                        leibniz(plan, &act, &pass.gap, cw, &mut next);
                    }
                }
                pass.inputs[l + 1] = next;
                pass.acts[l] = act;
                pass.derivs[l] = d;
                pass.pre[l] = z;
                continue;
            }
            // The next layer's value rows are σ(z₀), block 0 of `d`: only
            // the derivative rows are composed into a buffer of their own.
            let mut next = std::mem::take(&mut pass.inputs[l + 1]);
            next.resize((k - 1) * cw, T::default());
            compose(plan, &d, &z, cw, &mut next);
            pass.inputs[l + 1] = next;
            pass.derivs[l] = d;
            pass.pre[l] = z;
        }
    }

    /// A modified MLP's gate jets `U`, `V` of the embedded input, and `U -
    /// V`.
    fn forward_gates(&self, plan: &JetPlan, params: &[T], c: usize, pass: &mut Pass<T>) {
        let gates = self.gates.len();
        pass.gate_pre.resize_with(gates, Vec::new);
        pass.gate_derivs.resize_with(gates, Vec::new);
        pass.gate_jets.resize_with(gates, Vec::new);
        pass.acts.resize_with(self.layers.len() - 1, Vec::new);
        for (g, gate) in self.gates.iter().enumerate() {
            activate(
                self.activation,
                gate,
                params,
                plan,
                pass.inputs[0].split_at(c * gate.inputs),
                c,
                (
                    &mut pass.gate_pre[g],
                    &mut pass.gate_derivs[g],
                    &mut pass.gate_jets[g],
                ),
                &mut pass.scratch,
            );
        }
        let (u, v) = (&pass.gate_jets[0], &pass.gate_jets[1]);
        pass.gap.clear();
        pass.gap.extend(u.iter().zip(v).map(|(&u, &v)| u - v));
    }

    /// Accumulates into `grad` the gradient of `Σ out_adjoint · out` with
    /// respect to every weight and bias, for the jets of the last
    /// [`Network::forward`] in `pass`.
    pub fn backward(
        &self,
        plan: &JetPlan,
        params: &[T],
        pass: &mut Pass<T>,
        out_adjoint: &[T],
        grad: &mut [T],
    ) {
        let (k, points) = (plan.indices.len(), pass.c);
        // Rows per entry in the hidden layers (each path's points).
        let c = points * self.paths;
        let last = self.layers.len() - 1;
        let mut adjoint = std::mem::take(&mut pass.adjoint);
        let mut next = std::mem::take(&mut pass.adjoint_next);
        adjoint.clear();
        adjoint.extend_from_slice(out_adjoint);
        // A modified MLP's adjoints of `V` and of `U - V`, summed over layers.
        let mut v_adj = std::mem::take(&mut pass.gate_adj.0);
        let mut gap_adj = std::mem::take(&mut pass.gate_adj.1);
        if pass.gated {
            let n = pass.gap.len();
            v_adj.clear();
            v_adj.resize(n, T::default());
            gap_adj.clear();
            gap_adj.resize(n, T::default());
        }
        for l in (0..=last).rev() {
            let layer = &self.layers[l];
            if l < last {
                let cw = c * layer.outputs;
                match (pass.gated, self.joint(l)) {
                    (true, (_, Some(block))) => {
                        // `adjoint` is ō for o = x + α (H - x): on to α, x
                        // (held until the pass reaches it) and H.
                        let at = self.residual[block];
                        let alpha = params[at];
                        let x = &pass.inputs[3 * block];
                        let mut alpha_bar = T::default();
                        for ((&o, &h), &x) in adjoint.iter().zip(&pass.acts[l]).zip(x) {
                            alpha_bar += o * (h - x);
                        }
                        grad[at] += alpha_bar;
                        let keep = T::of(1.0) - alpha;
                        pass.skip.clear();
                        pass.skip.extend(adjoint.iter().map(|&o| keep * o));
                        for o in adjoint.iter_mut() {
                            *o = alpha * *o;
                        }
                    }
                    (true, _) => {
                        // `adjoint` is H̄ for H = V + Z (U - V): on to V, Z
                        // and U - V.
                        for (v, h) in v_adj.iter_mut().zip(&adjoint) {
                            *v += *h;
                        }
                        next.clear();
                        next.resize(k * cw, T::default());
                        leibniz_backward(
                            plan,
                            &pass.acts[l],
                            &pass.gap,
                            &adjoint,
                            cw,
                            &mut next,
                            &mut gap_adj,
                        );
                        std::mem::swap(&mut adjoint, &mut next);
                    }
                    (false, _) => {}
                }
                // `adjoint` is the activation output's: take it through σ.
                next.clear();
                next.resize(k * cw, T::default());
                compose_backward(
                    plan,
                    &pass.derivs[l],
                    &pass.pre[l],
                    &adjoint,
                    cw,
                    &mut next,
                    &mut pass.adjoint_derivs,
                );
                std::mem::swap(&mut adjoint, &mut next);
            }
            if l == last && self.paths > 1 {
                // Through the joined input, then back to each path's rows.
                let (n_in, n_out) = (layer.inputs, layer.outputs);
                let input = pass.joined.split_at(points * n_in);
                dense_backward(layer, input, &adjoint, points, k * points, grad);
                let w = &params[layer.weight..layer.weight + n_in * n_out];
                next.resize(k * points * n_in, T::default());
                matmul(
                    k * points,
                    n_in,
                    n_out,
                    &mut next,
                    false,
                    &adjoint,
                    false,
                    w,
                    true,
                );
                let width = self.layers[l - 1].outputs;
                let blocks = apart(&next, k, points, n_in / width, width);
                let paths = match self.space_paths {
                    0 => blocks,
                    space => {
                        let mut adj = vec![vec![T::default(); k * points * width]; self.paths];
                        for ((s, r), block) in pairs(space, self.paths).zip(&blocks) {
                            let (x, y) = (&pass.paths[s], &pass.paths[r]);
                            let (left, right) = adj.split_at_mut(r);
                            let cw = points * width;
                            leibniz_backward(plan, x, y, block, cw, &mut left[s], &mut right[0]);
                        }
                        adj
                    }
                };
                adjoint = stacked(&paths, k, points, width);
                continue;
            }
            let (rows, n_in, n_out) = (k * c, layer.inputs, layer.outputs);
            dense_backward(layer, pass.input(l, c * n_in), &adjoint, c, rows, grad);
            if l > 0 {
                // ā = z̄ Wᵀ
                let w = &params[layer.weight..layer.weight + n_in * n_out];
                next.resize(rows * n_in, T::default());
                matmul(
                    rows, n_in, n_out, &mut next, false, &adjoint, false, w, true,
                );
                std::mem::swap(&mut adjoint, &mut next);
                if l % 3 == 0 && l < last && !self.residual.is_empty() {
                    // The block's input: add its adjoint through the residual.
                    for (a, s) in adjoint.iter_mut().zip(&pass.skip) {
                        *a += *s;
                    }
                }
            }
        }
        if pass.gated {
            // Ū = (U - V)̄, V̄ -= (U - V)̄; then through each gate's σ and
            // dense layer (the embedded input is fixed).
            for (v, g) in v_adj.iter_mut().zip(&gap_adj) {
                *v -= *g;
            }
            for (g, gate) in self.gates.iter().enumerate() {
                let cw = c * gate.outputs;
                next.clear();
                next.resize(k * cw, T::default());
                compose_backward(
                    plan,
                    &pass.gate_derivs[g],
                    &pass.gate_pre[g],
                    if g == 0 { &gap_adj } else { &v_adj },
                    cw,
                    &mut next,
                    &mut pass.adjoint_derivs,
                );
                let input = pass.inputs[0].split_at(c * gate.inputs);
                dense_backward(gate, input, &next, c, k * c, grad);
            }
        }
        pass.gate_adj = (v_adj, gap_adj);
        pass.adjoint = adjoint;
        pass.adjoint_next = next;
    }
}
