//! Networks and their Taylor-mode jets on burn tensors.
//!
//! An [`Mlp`] maps `inputs` coordinates to `outputs` values through `depth`
//! hidden layers of `width` units (Glorot-normal weights, zero biases).
//! [`Mlp::jets`] propagates, layer by layer, every derivative of the
//! activations that a [`JetPlan`] asks for: a linear layer maps each entry
//! (`dz = W da`; the bias only reaches the value), an activation follows
//! Faà di Bruno ([`crate::jets`]), a modified MLP's gate `V + Z (U - V)`
//! follows Leibniz's rule, and a PirateNet block's mix `x + α (H - x)` is
//! linear. The result is an ordinary first-order
//! tensor graph, so one reverse pass gives every weight's gradient.
//!
//! Factorised weights (`W = V diag(g)`) are multiplied out where a layer
//! is applied; [`Mlp::weights`] gives the product, so the other back ends
//! see plain dense layers.
//!
//! Entries known to be zero (second derivatives of the inputs) are `None`
//! and cost nothing; the input's first derivatives stay `[1, width]` rows
//! through the first layer and broadcast.

pub use crate::jets::JetPlan;
use crate::jets::{self, PlannedTerm};
use crate::paths::{join_paths, split_scales};
pub use crate::sines::SineLayer;
use burn::module::{Module, Param};
use burn::nn::Linear;
use burn::tensor::{Device, Tensor, TensorData};
use physc_compiler::model::{Activation, Architecture};
pub use physc_compiler::program::Embedding;
use physc_compiler::program::features::FeatureMap;
use physc_compiler::program::geometry::Rng;
use physc_compiler::program::interp::{Affine, NetWeights, joint};

/// A multilayer perceptron, with optional fixed embeddings of its inputs:
/// periodic coordinates first, then Fourier features.
#[derive(Module, Debug)]
pub struct Mlp {
    pub layers: Vec<Linear>,
    /// A modified MLP's encoders `U` and `V` (empty for a plain MLP).
    pub gates: Vec<Linear>,
    /// Factorised weights' column scales `g`, one per dense layer (the
    /// layers, then the gates); empty where weights are plain.
    pub scales: Vec<Param<Tensor<1>>>,
    /// A PirateNet's block mixing factors `alpha`, `[1]` each (empty
    /// otherwise).
    pub residual: Vec<Param<Tensor<1>>>,
    pub periodic: Option<SineLayer>,
    pub fourier: Option<SineLayer>,
    /// With `multiscale = separate`, the number of Fourier scales, each
    /// through the hidden layers on its own; else 1.
    #[module(skip)]
    pub paths: usize,
    /// Spatio-temporal: the first `space_paths` paths are of space, the
    /// rest of time, and each space path times each time path joins
    /// before the last layer; 0 otherwise.
    #[module(skip)]
    pub space_paths: usize,
}

/// A network's trained part between its embedding and its outputs.
#[derive(Clone, Copy, Debug)]
pub struct Hidden {
    pub depth: usize,
    pub width: usize,
    pub architecture: Architecture,
    pub factorized: bool,
}

impl Hidden {
    /// A plain MLP.
    pub fn mlp(depth: usize, width: usize) -> Hidden {
        Hidden {
            depth,
            width,
            architecture: Architecture::Mlp,
            factorized: false,
        }
    }
}

/// Random weight factorisation's initial scales: `g = exp(MEAN + STD ·
/// normal)`, as jaxpi's defaults.
const FACTOR_MEAN: f64 = 1.0;
const FACTOR_STD: f64 = 0.1;

/// A tensor's values in float64, row-major.
pub(crate) fn values<const D: usize>(t: Tensor<D>) -> Vec<f64> {
    t.into_data()
        .convert::<f64>()
        .try_to_vec::<f64>()
        .expect("float data")
}

impl Mlp {
    /// The network's weights in float64, for the reference interpreter.
    pub fn weights(&self) -> NetWeights {
        NetWeights {
            embeddings: self
                .periodic
                .iter()
                .chain(&self.fourier)
                .map(SineLayer::weights)
                .collect(),
            layers: (0..self.layers.len()).map(|i| self.affine(i)).collect(),
            gates: (self.layers.len()..self.dense_count())
                .map(|i| self.affine(i))
                .collect(),
            residual: self.residual.iter().map(|a| values(a.val())[0]).collect(),
        }
    }

    /// Dense layers in all: the layers, then the gates.
    pub fn dense_count(&self) -> usize {
        self.layers.len() + self.gates.len()
    }

    /// Dense layer `i` of the layers followed by the gates.
    pub fn dense(&self, i: usize) -> &Linear {
        self.layers
            .get(i)
            .unwrap_or_else(|| &self.gates[i - self.layers.len()])
    }

    /// Dense layer `i`'s applied weight `[inputs, outputs]`: its own, or
    /// `V diag(g)` where factorised.
    pub fn weight(&self, i: usize) -> Tensor<2> {
        let v = self.dense(i).weight.val();
        match self.scales.get(i) {
            Some(g) => v * g.val().unsqueeze::<2>(),
            None => v,
        }
    }

    fn affine(&self, i: usize) -> Affine {
        let weight = self.weight(i);
        let [inputs, outputs] = weight.dims();
        Affine {
            inputs,
            outputs,
            weight: values(weight),
            bias: self
                .dense(i)
                .bias
                .as_ref()
                .map_or(vec![0.0; outputs], |b| values(b.val())),
        }
    }

    /// `depth` hidden layers of `width` units between `inputs` and `outputs`,
    /// with Glorot-normal weights drawn from `rng` (so a seed fixes them,
    /// whatever else uses the device) and zero biases, after the
    /// `embedding` of the inputs. A plain MLP's draws come first, so adding
    /// gates or factorising leaves its layers' initial weights as they were.
    pub fn new(
        inputs: usize,
        outputs: usize,
        hidden: Hidden,
        embedding: &Embedding,
        rng: &mut Rng,
        device: &Device,
    ) -> Mlp {
        let Hidden { depth, width, .. } = hidden;
        // Features replace the inputs at the first layer.
        let inputs = embedding.features.as_ref().map_or(inputs, |f| f.count);
        let periodic = SineLayer::periodic(&embedding.periods, device);
        let embedded = periodic.as_ref().map_or(inputs, SineLayer::width);
        let features = embedding.fourier * (embedding.scales.len() + embedding.time_scales.len());
        // Which embedded columns are time's: a passed input's own, or the
        // sine and cosine of a periodic one.
        let (passed, periodic_inputs): (Vec<usize>, Vec<usize>) =
            (0..inputs).partition(|&i| embedding.periods.get(i).is_none_or(|p| p.is_none()));
        let time: Vec<bool> = match &periodic {
            Some(_) => passed
                .iter()
                .chain(periodic_inputs.iter().flat_map(|i| [i, i]))
                .map(|&i| embedding.time == Some(i))
                .collect(),
            None => (0..inputs).map(|i| embedding.time == Some(i)).collect(),
        };
        let fourier =
            (features > 0).then(|| SineLayer::fourier(embedded, embedding, &time, rng, device));
        let input = if features > 0 { 2 * features } else { embedded };
        // Separate scales: each path reads one scale's sines and cosines,
        // and the last layer reads every path's last hidden layer.
        let paths = embedding.paths();
        let input = input / paths;
        let mut sizes = vec![input];
        match hidden.architecture {
            // Each block returns to the embedding's size for its residual.
            Architecture::Pirate => {
                for _ in 0..depth {
                    sizes.extend([width, width, input]);
                }
            }
            _ => sizes.extend(std::iter::repeat_n(width, depth)),
        }
        sizes.push(outputs);
        let mut dense: Vec<(usize, usize, Vec<f64>)> = sizes
            .windows(2)
            .enumerate()
            .map(|(l, w)| match l == sizes.len() - 2 {
                true => glorot(embedding.joined() * w[0], w[1], rng),
                false => glorot(w[0], w[1], rng),
            })
            .collect();
        let gates = match hidden.architecture {
            Architecture::Mlp => 0,
            Architecture::Modified | Architecture::Pirate => 2,
        };
        for _ in 0..gates {
            dense.push(glorot(sizes[0], width, rng));
        }
        let mut scales = vec![];
        if hidden.factorized {
            for (_, fan_out, w) in &mut dense {
                let g: Vec<f64> = (0..*fan_out)
                    .map(|_| (FACTOR_MEAN + FACTOR_STD * rng.normal()).exp())
                    .collect();
                for (k, wk) in w.iter_mut().enumerate() {
                    *wk /= g[k % *fan_out];
                }
                scales.push(Param::from_tensor(Tensor::from_data(
                    TensorData::new(g, [*fan_out]),
                    device,
                )));
            }
        }
        let mut layers: Vec<Linear> = dense
            .into_iter()
            .map(|(fan_in, fan_out, weights)| Linear {
                weight: Param::from_tensor(Tensor::from_data(
                    TensorData::new(weights, [fan_in, fan_out]),
                    device,
                )),
                bias: Some(Param::from_tensor(Tensor::zeros([fan_out], device))),
            })
            .collect();
        let gates = layers.split_off(layers.len() - gates);
        let blocks = match hidden.architecture {
            Architecture::Pirate => depth,
            _ => 0,
        };
        let residual = (0..blocks)
            .map(|_| Param::from_tensor(Tensor::zeros([1], device)))
            .collect();
        Mlp {
            layers,
            gates,
            scales,
            residual,
            periodic,
            fourier,
            paths,
            space_paths: match embedding.time_scales.is_empty() {
                true => 0,
                false => embedding.scales.len(),
            },
        }
    }

    /// The derivatives of the outputs that `plan` asks for, one `[N,
    /// outputs]` tensor per multi-index of [`JetPlan::indices`] (`None`
    /// where it is identically zero), at the points `x: [N, inputs]`;
    /// a network with input features reads their jet at `x`
    /// ([`feature_jet`]) as `features`.
    pub fn jets(
        &self,
        x: Tensor<2>,
        activation: Activation,
        plan: &JetPlan,
        features: Option<Jet>,
    ) -> Vec<Option<Tensor<2>>> {
        let [_, inputs] = x.dims();
        let device = x.device();
        // The input's own jet: x itself, the unit vectors, and zeros; or
        // the features' derivatives.
        let mut a: Vec<Option<Tensor<2>>> = match features {
            Some(features) => features,
            None => plan
                .indices
                .iter()
                .map(|alpha| match jets::order(alpha) {
                    0 => Some(x.clone()),
                    1 => {
                        let k = alpha.iter().position(|&o| o == 1).expect("order one");
                        let mut unit = vec![0.0; inputs];
                        unit[k] = 1.0;
                        Some(Tensor::<2>::from_data(
                            TensorData::new(unit, [1, inputs]),
                            &device,
                        ))
                    }
                    _ => None,
                })
                .collect(),
        };
        if let Some(periodic) = &self.periodic {
            a = periodic.jet(&a, plan);
        }
        if let Some(fourier) = &self.fourier {
            a = fourier.jet(&a, plan);
        }
        if self.paths > 1 {
            let rows = x.dims()[0];
            let mut paths: Vec<Jet> = split_scales(&a, self.paths, rows)
                .into_iter()
                .map(|a| self.hidden_jets(activation, plan, a))
                .collect();
            if self.space_paths > 0 {
                let times = paths.split_off(self.space_paths);
                paths = paths
                    .iter()
                    .flat_map(|x| times.iter().map(|t| product(x, t, plan)))
                    .collect();
            }
            return self.linear_jet(self.layers.len() - 1, &join_paths(paths));
        }
        let a = self.hidden_jets(activation, plan, a);
        self.linear_jet(self.layers.len() - 1, &a)
    }

    /// The last hidden layer's jet from the embedded input's `a`.
    fn hidden_jets(
        &self,
        activation: Activation,
        plan: &JetPlan,
        mut a: Vec<Option<Tensor<2>>>,
    ) -> Vec<Option<Tensor<2>>> {
        let last = self.layers.len() - 1;
        let gates: Vec<Jet> = (last + 1..self.dense_count())
            .map(|i| activate(activation, self.linear_jet(i, &a), plan))
            .collect();
        // A PirateNet block's input, kept for its residual mix.
        let mut block_input = vec![];
        for l in 0..last {
            if l % 3 == 0 && !self.residual.is_empty() {
                block_input = a.clone();
            }
            a = activate(activation, self.linear_jet(l, &a), plan);
            let (gated, residual) = joint(!gates.is_empty(), !self.residual.is_empty(), l);
            if let Some(block) = residual {
                a = mix(&a, &block_input, self.residual[block].val());
            }
            if let ([u, v], true) = (&gates[..], gated) {
                a = gate(&a, u, v, plan);
            }
        }
        a
    }

    /// `z = a W + b` for every entry of a jet through dense layer `i`; the
    /// bias only reaches the value.
    fn linear_jet(&self, i: usize, a: &[Option<Tensor<2>>]) -> Jet {
        let weight = self.weight(i);
        let bias = self.dense(i).bias.as_ref().map(|b| b.val());
        a.iter()
            .enumerate()
            .map(|(k, entry)| {
                let z = entry.clone()?.matmul(weight.clone());
                Some(match (k, &bias) {
                    (0, Some(b)) => z + b.clone().unsqueeze::<2>(),
                    _ => z,
                })
            })
            .collect()
    }
}

/// A jet: one `[N, width]` tensor per entry of a [`JetPlan`], `None` where
/// identically zero.
pub type Jet = Vec<Option<Tensor<2>>>;

/// The features' jet at the points `x`, one `[N, features]` tensor per
/// multi-index of `plan`. Computed on the host: the features are fixed
/// functions of the points, so no gradient flows through them, and a
/// batch computes them once per draw of its points.
pub fn feature_jet(features: &FeatureMap, x: Tensor<2>, plan: &JetPlan) -> Vec<Option<Tensor<2>>> {
    let [n, _] = x.dims();
    let device = x.device();
    let (k, f) = (plan.indices.len(), features.count());
    let jets = features.jets(&plan.indices, &values(x), n);
    (0..k)
        .map(|i| {
            let rows: Vec<f64> = (0..n)
                .flat_map(|p| jets[(p * k + i) * f..(p * k + i + 1) * f].iter().copied())
                .collect();
            Some(Tensor::from_data(TensorData::new(rows, [n, f]), &device))
        })
        .collect()
}

/// Glorot-normal weights `[fan_in, fan_out]`, row major.
fn glorot(fan_in: usize, fan_out: usize, rng: &mut Rng) -> (usize, usize, Vec<f64>) {
    let std = (2.0 / (fan_in + fan_out) as f64).sqrt();
    let weights = (0..fan_in * fan_out).map(|_| std * rng.normal()).collect();
    (fan_in, fan_out, weights)
}

/// A PirateNet block's output `x + alpha (h - x)`, entry by entry (the
/// mix is linear).
fn mix(h: &[Option<Tensor<2>>], x: &[Option<Tensor<2>>], alpha: Tensor<1>) -> Jet {
    let alpha = alpha.unsqueeze::<2>();
    h.iter()
        .zip(x)
        .map(|(h, x)| match (h, x) {
            (Some(h), Some(x)) => Some(x.clone() + (h.clone() - x.clone()) * alpha.clone()),
            (Some(h), None) => Some(h.clone() * alpha.clone()),
            (None, Some(x)) => Some(x.clone() - x.clone() * alpha.clone()),
            (None, None) => None,
        })
        .collect()
}

/// The modified MLP's gate `V + Z (U - V)`, by Leibniz's rule entry by
/// entry: `∂^α (Z D) = Σ_{β ≤ α} C(α, β) ∂^β Z ∂^(α-β) D`.
fn gate(
    z: &[Option<Tensor<2>>],
    u: &[Option<Tensor<2>>],
    v: &[Option<Tensor<2>>],
    plan: &JetPlan,
) -> Jet {
    let gap: Jet = u
        .iter()
        .zip(v)
        .map(|(u, v)| match (u, v) {
            (Some(u), Some(v)) => Some(u.clone() - v.clone()),
            (Some(u), None) => Some(u.clone()),
            (None, Some(v)) => Some(v.clone().neg()),
            (None, None) => None,
        })
        .collect();
    product(z, &gap, plan)
        .into_iter()
        .zip(v)
        .map(|(p, v)| match (p, v) {
            (Some(p), Some(v)) => Some(p + v.clone()),
            (p, v) => p.or_else(|| v.clone()),
        })
        .collect()
}

/// The jet of a product `a b` by Leibniz's rule.
fn product(a: &[Option<Tensor<2>>], b: &[Option<Tensor<2>>], plan: &JetPlan) -> Jet {
    plan.products
        .iter()
        .map(|pairs| {
            let mut sum: Option<Tensor<2>> = None;
            for &(coefficient, i, j) in pairs {
                let (Some(ai), Some(bj)) = (&a[i], &b[j]) else {
                    continue;
                };
                let mut term = ai.clone() * bj.clone();
                if coefficient != 1.0 {
                    term = term.mul_scalar(coefficient);
                }
                sum = Some(match sum {
                    None => term,
                    Some(s) => s + term,
                });
            }
            sum
        })
        .collect()
}

/// The jet of `σ(z)` from the jet of `z`.
fn activate(
    activation: Activation,
    z: Vec<Option<Tensor<2>>>,
    plan: &JetPlan,
) -> Vec<Option<Tensor<2>>> {
    let derivatives =
        crate::activation::derivatives(activation, z[0].clone().expect("a value"), plan.max_order);
    compose(&derivatives, z, plan)
}

/// The jet of `σ(z)` from the jet of `z` and `σ`'s derivatives at `z[0]`.
pub(crate) fn compose(
    derivatives: &[Tensor<2>],
    z: Vec<Option<Tensor<2>>>,
    plan: &JetPlan,
) -> Vec<Option<Tensor<2>>> {
    plan.terms
        .iter()
        .enumerate()
        .map(|(i, terms)| {
            if i == 0 {
                Some(derivatives[0].clone())
            } else {
                combine(terms, derivatives, &z)
            }
        })
        .collect()
}

/// `Σ coefficient σ^(k)(z) Π z[B]` over the terms of one multi-index.
fn combine(
    terms: &[PlannedTerm],
    derivatives: &[Tensor<2>],
    z: &[Option<Tensor<2>>],
) -> Option<Tensor<2>> {
    let mut sum: Option<Tensor<2>> = None;
    for term in terms {
        let Some(factors) = term
            .blocks
            .iter()
            .map(|&b| z[b].clone())
            .collect::<Option<Vec<_>>>()
        else {
            continue;
        };
        let mut product = derivatives[term.derivative as usize].clone();
        for f in factors {
            product = product * f;
        }
        if term.coefficient != 1.0 {
            product = product.mul_scalar(term.coefficient);
        }
        sum = Some(match sum {
            None => product,
            Some(s) => s + product,
        });
    }
    sum
}
