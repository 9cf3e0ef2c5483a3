//! Where each trainable parameter sits in the JIT back end's flat vector,
//! and the conversions to and from the burn module that the optimisers,
//! checkpoints and reports use.
//!
//! Order: for each network, for each dense layer (the layers, then a
//! modified MLP's or PirateNet's two gates), its weight (`[inputs ×
//! outputs]`, row major, as burn's `Linear` stores it) then its bias, then
//! a PirateNet's block factors `α`; then the learned scalars.
//! Embeddings are fixed and not in it. A factorised weight `V diag(g)` is
//! held multiplied out: the kernels see a plain dense layer, and
//! [`Layout::gradients`] takes its gradient on to `V` and `g`.

use super::Real;
use super::network::{Dense, Embedding, Network};
use crate::net;
use crate::program::Trainable;
use burn::optim::GradientsParams;
use burn::tensor::{Tensor, TensorData};
use physc_compiler::program::LossProgram;
use physc_compiler::program::features::FeatureMap;
use physc_compiler::program::interp::{Affine, Weights};

/// The flat layout of a program's parameters.
#[derive(Clone, Debug)]
pub struct Layout {
    /// Where the learned scalars start.
    pub scalars: usize,
    /// Parameters in all.
    pub len: usize,
}

/// The networks and the layout, from the initial weights.
pub fn networks<T: Real>(loss: &LossProgram, weights: &Weights) -> (Vec<Network<T>>, Layout) {
    let mut offset = 0;
    let nets = loss
        .nets
        .iter()
        .zip(&weights.nets)
        .map(|(plan, w)| {
            let mut place = |a: &Affine| {
                let dense = Dense {
                    inputs: a.inputs,
                    outputs: a.outputs,
                    weight: offset,
                    bias: offset + a.inputs * a.outputs,
                };
                offset += a.inputs * a.outputs + a.outputs;
                dense
            };
            Network {
                inputs: plan.inputs.len(),
                outputs: plan.outputs,
                features: FeatureMap::new(&loss.graph, plan),
                embeddings: w.embeddings.iter().map(Embedding::new).collect(),
                layers: w.layers.iter().map(&mut place).collect(),
                gates: w.gates.iter().map(&mut place).collect(),
                residual: w
                    .residual
                    .iter()
                    .map(|_| {
                        offset += 1;
                        offset - 1
                    })
                    .collect(),
                activation: plan.activation,
                paths: plan.embedding.paths(),
                space_paths: match plan.embedding.time_scales.is_empty() {
                    true => 0,
                    false => plan.embedding.scales.len(),
                },
            }
        })
        .collect();
    let layout = Layout {
        scalars: offset,
        len: offset + weights.scalars.len(),
    };
    (nets, layout)
}

impl Layout {
    /// The parameters of `weights`, flat.
    pub fn flatten<T: Real>(&self, weights: &Weights) -> Vec<T> {
        let mut flat = Vec::with_capacity(self.len);
        for net in &weights.nets {
            for layer in net.layers.iter().chain(&net.gates) {
                flat.extend(layer.weight.iter().map(|&v| T::of(v)));
                flat.extend(layer.bias.iter().map(|&v| T::of(v)));
            }
            flat.extend(net.residual.iter().map(|&v| T::of(v)));
        }
        flat.extend(weights.scalars.iter().map(|&v| T::of(v)));
        debug_assert_eq!(flat.len(), self.len);
        flat
    }

    /// A flat gradient as burn's per-parameter gradients of `t`.
    pub fn gradients(&self, grad: &[f64], t: &Trainable) -> GradientsParams {
        let mut out = GradientsParams::new();
        let mut offset = 0;
        let mut take = |n: usize| {
            let slice = grad[offset..offset + n].to_vec();
            offset += n;
            slice
        };
        for net in &t.nets {
            for i in 0..net.dense_count() {
                let layer = net.dense(i);
                let weight = layer.weight.val();
                let dims = weight.dims();
                let values = take(dims[0] * dims[1]);
                match net.scales.get(i) {
                    None => out.register(layer.weight.id, like(&weight, values, dims)),
                    Some(g) => {
                        // W = V diag(g): V̄ = W̄ diag(g), ḡ_j = Σ_i W̄_ij V_ij.
                        let (v, scale) = (net::values(weight.clone()), net::values(g.val()));
                        let columns = dims[1];
                        let mut g_bar = vec![0.0; columns];
                        let v_bar: Vec<f64> = values
                            .iter()
                            .enumerate()
                            .map(|(k, w_bar)| {
                                g_bar[k % columns] += w_bar * v[k];
                                w_bar * scale[k % columns]
                            })
                            .collect();
                        out.register(layer.weight.id, like(&weight, v_bar, dims));
                        out.register(g.id, like(&g.val(), g_bar, [columns]));
                    }
                }
                if let Some(bias) = &layer.bias {
                    let b = bias.val();
                    let dims = b.dims();
                    let values = take(dims[0]);
                    out.register(bias.id, like(&b, values, dims));
                }
            }
            for alpha in &net.residual {
                let a: Tensor<1> = alpha.val();
                let values = take(1);
                out.register(alpha.id, like(&a, values, [1]));
            }
        }
        for scalar in &t.scalars {
            let s: Tensor<1> = scalar.val();
            let values = take(1);
            out.register(scalar.id, like(&s, values, [1]));
        }
        out
    }
}

/// A gradient tensor for `param`: its device and float type, without
/// autodiff (as burn's own gradients are).
fn like<const D: usize>(param: &Tensor<D>, values: Vec<f64>, dims: [usize; D]) -> Tensor<D> {
    let dtype = param.dtype();
    Tensor::<D>::from_data(
        TensorData::new(values, dims).convert_dtype(dtype),
        &param.device(),
    )
    .inner()
}
