//! Networks and training settings of a checked model, defaults filled in.

use super::CoordId;
use super::FuncId;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Activation {
    Tanh,
    Sin,
    Gelu,
    Softplus,
    Swish,
}

impl Activation {
    pub const ALL: &[(&str, Activation)] = &[
        ("tanh", Activation::Tanh),
        ("sin", Activation::Sin),
        ("gelu", Activation::Gelu),
        ("softplus", Activation::Softplus),
        ("swish", Activation::Swish),
    ];

    pub fn name(self) -> &'static str {
        Activation::ALL
            .iter()
            .find(|(_, a)| *a == self)
            .map_or("?", |(n, _)| n)
    }
}

/// One neural network: an MLP from its inputs to its outputs.
#[derive(Clone, Debug)]
pub struct Net {
    pub outputs: Vec<FuncId>,
    pub inputs: Vec<CoordId>,
    pub depth: u32,
    pub width: u32,
    pub activation: Activation,
    /// Number of random Fourier features of the input (0: none).
    pub fourier: u32,
    pub fourier_scale: f64,
    /// Whether the user wrote a `net` statement (else defaults).
    pub declared: bool,
}

#[derive(Clone, Debug, PartialEq)]
pub enum Optimizer {
    Adam {
        lr: f64,
        steps: u64,
        beta1: f64,
        beta2: f64,
    },
    Lbfgs {
        lr: f64,
        steps: u64,
        history: u64,
        tolerance: f64,
    },
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Sampler {
    Lhs,
    Sobol,
    Uniform,
}

/// Where resampling puts new points: fresh draws of the sampler, or draws
/// from a large pool weighted by the residual there (RAR-D, Wu et al.
/// 2023: density ∝ |r| / mean |r| + 1).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum ResampleBy {
    #[default]
    Sampler,
    Residual,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Balance {
    Fixed,
    GradNorm,
}

/// L-BFGS stops when the loss, a step or the directional derivative falls
/// below this. PINN losses go below 1e-5 while still improving, where the
/// directional derivative is about 1e-9: PyTorch's 1e-9 stops them early.
pub const LBFGS_TOLERANCE: f64 = 1e-12;

/// The `train` block with defaults filled in.
#[derive(Clone, Debug, PartialEq)]
pub struct Train {
    pub stages: Vec<Optimizer>,
    pub seed: u64,
    pub sampler: Sampler,
    /// Collocation points per constraint with no count of its own.
    pub points: u64,
    /// Per-label point counts.
    pub label_points: Vec<(String, u64)>,
    /// Per-label loss weights (1 where absent).
    pub weights: Vec<(String, f64)>,
    /// Resample collocation points every this many steps (0: never).
    pub resample: u64,
    pub resample_by: ResampleBy,
    pub balance: Balance,
    /// Causal weighting tolerance (0: off).
    pub causal: f64,
    /// Runge-Kutta steps per interval between observations in `ode` fits.
    pub ode_steps: u64,
    pub log_every: u64,
    pub checkpoint_every: u64,
    /// Stop after this many logged steps without improvement (0: never).
    pub patience: u64,
}

impl Default for Train {
    fn default() -> Train {
        Train {
            stages: vec![
                Optimizer::Adam {
                    lr: 1e-3,
                    steps: 5000,
                    beta1: 0.9,
                    beta2: 0.999,
                },
                Optimizer::Lbfgs {
                    lr: 1.0,
                    steps: 2000,
                    history: 50,
                    tolerance: LBFGS_TOLERANCE,
                },
            ],
            seed: 0,
            sampler: Sampler::Lhs,
            points: 2000,
            label_points: vec![],
            weights: vec![],
            resample: 0,
            resample_by: ResampleBy::Sampler,
            balance: Balance::Fixed,
            causal: 0.0,
            ode_steps: 1,
            log_every: 100,
            checkpoint_every: 1000,
            patience: 0,
        }
    }
}
