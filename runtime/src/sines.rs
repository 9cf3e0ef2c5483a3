//! Fixed sine embeddings of a network's inputs on burn tensors: periodic
//! coordinates made exact, and random Fourier features.
//!
//! Input: the network's [`Embedding`] and a random stream (Fourier
//! frequencies are drawn from the seed, not trained or recorded). Output:
//! a [`SineLayer`] whose jet follows Faà di Bruno with the sine's
//! derivatives, and its weights in float64 for the other back ends.

use crate::jets::JetPlan;
use crate::net::{compose, values};
use burn::module::Module;
use burn::tensor::{Device, Tensor, TensorData};
use physc_compiler::model::Activation;
use physc_compiler::program::Embedding;
use physc_compiler::program::geometry::Rng;
use physc_compiler::program::interp::{Affine, Sines};

/// A fixed input layer `[x P, sin(x W + φ)]`: the first `linear` columns
/// pass inputs through, the others are sines (a cosine is a sine with
/// phase π/2). Its tensors are constants of the module: neither trained
/// nor recorded (the seed redraws them).
///
/// Two layers take this form. Periodic inputs made exact: a coordinate `x`
/// of period `L` enters as `sin(2πx/L)` and `cos(2πx/L)`, so every
/// function of the embedding has period `L` in `x`, value and derivatives
/// alike, and the other inputs pass through. Random Fourier features
/// `[sin(2π x B), cos(2π x B)]`, with `B` an `[inputs, m]` matrix of
/// normal draws times the scale: `W = 2π [B B]`, no passed columns.
#[derive(Module, Debug)]
pub struct SineLayer {
    pub weight: Tensor<2>,
    pub phase: Tensor<1>,
    #[module(skip)]
    pub linear: usize,
}

impl SineLayer {
    /// The periodic embedding of inputs with these periods (`None` where
    /// no input is periodic).
    pub(crate) fn periodic(periods: &[Option<f64>], device: &Device) -> Option<SineLayer> {
        let periodic: Vec<(usize, f64)> = periods
            .iter()
            .enumerate()
            .filter_map(|(i, p)| Some((i, (*p)?)))
            .collect();
        if periodic.is_empty() {
            return None;
        }
        let inputs = periods.len();
        let linear = inputs - periodic.len();
        let width = linear + 2 * periodic.len();
        let mut weight = vec![0.0; inputs * width];
        let mut phase = vec![0.0; width];
        let passed = (0..inputs).filter(|i| periods[*i].is_none());
        for (column, i) in passed.enumerate() {
            weight[i * width + column] = 1.0;
        }
        for (k, (i, period)) in periodic.into_iter().enumerate() {
            let (sine, cosine) = (linear + 2 * k, linear + 2 * k + 1);
            let omega = 2.0 * std::f64::consts::PI / period;
            weight[i * width + sine] = omega;
            weight[i * width + cosine] = omega;
            phase[cosine] = std::f64::consts::FRAC_PI_2;
        }
        Some(SineLayer {
            weight: Tensor::from_data(TensorData::new(weight, [inputs, width]), device),
            phase: Tensor::from_data(TensorData::new(phase, [width]), device),
            linear,
        })
    }

    /// `per_scale` random Fourier features of `inputs` at each scale of
    /// the embedding; spatio-temporal, those of the time input at each of
    /// its scales after those of the others at theirs.
    pub(crate) fn fourier(
        inputs: usize,
        embedding: &Embedding,
        time: &[bool],
        rng: &mut Rng,
        device: &Device,
    ) -> SineLayer {
        let per_scale = embedding.fourier;
        let scales: Vec<f64> = embedding
            .scales
            .iter()
            .chain(&embedding.time_scales)
            .copied()
            .collect();
        // Column j has frequencies of scale `scales[j / per_scale]`; a
        // spatio-temporal space column reads no time, a time column only it.
        let features = per_scale * scales.len();
        let space = embedding.scales.len();
        let reads = |input: usize, column: usize| match embedding.time {
            Some(_) => time[input] == (column / per_scale >= space),
            None => true,
        };
        let b: Vec<f64> = (0..inputs * features)
            .map(|k| {
                let (input, column) = (k / features, k % features);
                let draw = scales[column / per_scale] * rng.normal();
                if reads(input, column) { draw } else { 0.0 }
            })
            .collect();
        let two_pi = 2.0 * std::f64::consts::PI;
        let weight: Vec<f64> = (0..inputs)
            .flat_map(|i| {
                let row = &b[i * features..(i + 1) * features];
                row.iter()
                    .chain(row)
                    .map(|v| two_pi * v)
                    .collect::<Vec<_>>()
            })
            .collect();
        let phase: Vec<f64> = (0..2 * features)
            .map(|j| {
                if j < features {
                    0.0
                } else {
                    std::f64::consts::FRAC_PI_2
                }
            })
            .collect();
        SineLayer {
            weight: Tensor::from_data(TensorData::new(weight, [inputs, 2 * features]), device),
            phase: Tensor::from_data(TensorData::new(phase, [2 * features]), device),
            linear: 0,
        }
    }

    pub(crate) fn width(&self) -> usize {
        self.weight.dims()[1]
    }

    /// The layer's jet from its input's: Faà di Bruno with the sine's
    /// derivatives on the sine columns and 1, 0, 0, ... on the passed ones.
    pub(crate) fn jet(&self, a: &[Option<Tensor<2>>], plan: &JetPlan) -> Vec<Option<Tensor<2>>> {
        let z = affine_jet(&self.weight, &self.phase, a);
        let value = z[0].clone().expect("a value");
        let [n, width] = value.dims();
        if self.linear == 0 {
            let sines = crate::activation::derivatives(Activation::Sin, value, plan.max_order);
            return compose(&sines, z, plan);
        }
        let sines = crate::activation::derivatives(
            Activation::Sin,
            value.clone().narrow(1, self.linear, width - self.linear),
            plan.max_order,
        );
        let device = value.device();
        let derivatives: Vec<Tensor<2>> = sines
            .into_iter()
            .enumerate()
            .map(|(k, sine)| {
                let passed = match k {
                    0 => value.clone().narrow(1, 0, self.linear),
                    1 => Tensor::ones([n, self.linear], &device),
                    _ => Tensor::zeros([n, self.linear], &device),
                };
                Tensor::cat(vec![passed, sine], 1)
            })
            .collect();
        compose(&derivatives, z, plan)
    }
}

/// `x W + φ` for every entry of a jet; the phase only reaches the value.
fn affine_jet(
    weight: &Tensor<2>,
    phase: &Tensor<1>,
    a: &[Option<Tensor<2>>],
) -> Vec<Option<Tensor<2>>> {
    a.iter()
        .enumerate()
        .map(|(i, entry)| {
            let z = entry.clone()?.matmul(weight.clone());
            Some(if i == 0 {
                z + phase.clone().unsqueeze::<2>()
            } else {
                z
            })
        })
        .collect()
}

impl SineLayer {
    pub(crate) fn weights(&self) -> Sines {
        let [inputs, outputs] = self.weight.dims();
        Sines {
            affine: Affine {
                inputs,
                outputs,
                weight: values(self.weight.clone()),
                bias: values(self.phase.clone()),
            },
            linear: self.linear,
        }
    }
}
