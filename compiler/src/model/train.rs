//! Networks and training settings of a checked model, defaults filled in.

use super::CoordId;
use super::DataId;
use super::Expr;
use super::FuncId;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Activation {
    Tanh,
    Sin,
    Gelu,
    Softplus,
    Swish,
    Sigmoid,
}

impl Activation {
    pub const ALL: &[(&str, Activation)] = &[
        ("tanh", Activation::Tanh),
        ("sin", Activation::Sin),
        ("gelu", Activation::Gelu),
        ("softplus", Activation::Softplus),
        ("swish", Activation::Swish),
        ("sigmoid", Activation::Sigmoid),
    ];

    pub fn name(self) -> &'static str {
        Activation::ALL
            .iter()
            .find(|(_, a)| *a == self)
            .map_or("?", |(n, _)| n)
    }
}

/// How a network's hidden layers are joined.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Architecture {
    /// Dense layers with the activation between them.
    #[default]
    Mlp,
    /// The modified MLP of Wang, Teng and Perdikaris (2021): two encoders
    /// `U = σ(x W_u + b_u)`, `V = σ(x W_v + b_v)` of the (embedded) input
    /// gate every hidden layer, `H ← Z ⊙ U + (1 − Z) ⊙ V` with `Z = σ(H W
    /// + b)`.
    Modified,
    /// PirateNets (Wang, Sankaran, Perdikaris 2024): the modified MLP's
    /// encoders, and `depth` adaptive residual blocks. Block `x ↦ α H +
    /// (1 − α) x` with `H = σ(G₂ W₃ + b₃)`, `G_k` the gated `σ(· W_k +
    /// b_k)` as in the modified MLP, `H` of the embedded input's size and
    /// `α` a trained scalar per block starting at 0: the network starts
    /// as a linear function of the embedding and grows its depth.
    Pirate,
}

impl Architecture {
    pub const ALL: &[(&str, Architecture)] = &[
        ("mlp", Architecture::Mlp),
        ("modified_mlp", Architecture::Modified),
        ("pirate_net", Architecture::Pirate),
    ];

    pub fn name(self) -> &'static str {
        Architecture::ALL
            .iter()
            .find(|(_, a)| *a == self)
            .map_or("?", |(n, _)| n)
    }
}

/// One neural network from its inputs to its outputs.
#[derive(Clone, Debug)]
pub struct Net {
    pub outputs: Vec<FuncId>,
    pub inputs: Vec<CoordId>,
    pub architecture: Architecture,
    pub depth: u32,
    pub width: u32,
    pub activation: Activation,
    /// Random weight factorisation (Wang et al. 2023): every dense
    /// layer's weight is trained as `W = V diag(g)`, a scale per output.
    pub factorized: bool,
    /// `init = least_squares`: before training, the last layer is set to
    /// the least-squares fit of the initial conditions (jaxpi's
    /// physics-informed initialisation, Wang et al. 2024); else it keeps
    /// its random draw.
    pub fit_initial: bool,
    /// Number of random Fourier features of the input per scale (0: none).
    pub fourier: u32,
    /// The standard deviations of the Fourier frequencies: one block of
    /// `fourier` features for each (`scale = [1, 10]`).
    pub fourier_scales: Vec<f64>,
    /// Each scale's Fourier features through the hidden layers on their
    /// own, the results joined before the last layer (`multiscale =
    /// separate`: Wang, Wang and Perdikaris 2021's multi-scale Fourier
    /// feature network); else every scale side by side in one input.
    pub separate_scales: bool,
    /// Spatio-temporal scales (`time_scale = [1, 10]`): the Fourier
    /// features of `t` at these scales and of the other coordinates at
    /// `fourier_scales` are separate paths, and every space path times
    /// every time path joins before the last layer (Wang, Wang and
    /// Perdikaris 2021's ST-MsFFN); empty for none.
    pub time_scales: Vec<f64>,
    /// Input features (`features = [r*sin(theta), r*cos(theta)]`): the
    /// network reads these expressions of its fields' coordinates instead
    /// of the coordinates (its inputs stay the coordinates: the features
    /// are a fixed embedding); empty for none.
    pub features: Vec<Expr>,
    /// Whether the user wrote a `net` statement (else defaults).
    pub declared: bool,
}

#[derive(Clone, Debug, PartialEq)]
pub enum Optimizer {
    /// Adam, or with `soap` SOAP (Vyas et al. 2024): Adam in the eigenbasis
    /// of each weight matrix's Shampoo preconditioner, the basis refreshed
    /// every `soap` steps (`soap(..., precondition = n)`).
    Adam {
        lr: f64,
        steps: u64,
        beta1: f64,
        beta2: f64,
        decay: Decay,
        soap: Option<u64>,
        /// Early stopping of this stage (`patience = 2000`).
        stop: Option<EarlyStop>,
    },
    Lbfgs {
        lr: f64,
        steps: u64,
        history: u64,
        tolerance: f64,
    },
    /// Dense BFGS, self-scaled (Al-Baali) unless `scaling = none`.
    Bfgs { steps: u64, self_scaled: bool },
}

impl Optimizer {
    /// The stage's steps.
    pub fn steps(&self) -> u64 {
        match *self {
            Optimizer::Adam { steps, .. }
            | Optimizer::Lbfgs { steps, .. }
            | Optimizer::Bfgs { steps, .. } => steps,
        }
    }

    /// Its name in the `train` block.
    pub fn name(&self) -> &'static str {
        match self {
            Optimizer::Adam { soap: None, .. } => "adam",
            Optimizer::Adam { soap: Some(_), .. } => "soap",
            Optimizer::Lbfgs { .. } => "lbfgs",
            Optimizer::Bfgs { .. } => "bfgs",
        }
    }
}

/// `adam(..., patience = 2000, min_delta = 1e-4)`: the stage ends once
/// `patience` steps pass without the total loss falling by `min_delta` (0:
/// by a relative 1e-4), as DeepXDE's `EarlyStopping` callback; checked at
/// logged steps.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct EarlyStop {
    pub patience: u64,
    pub min_delta: f64,
}

/// How Adam's learning rate falls with the stage's step `k`: `adam(lr,
/// decay = r, every = n, schedule = ...)`.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Decay {
    Constant,
    /// `lr * r^floor(k / n)`: step decay, as DeepXDE and PyTorch's StepLR.
    Step {
        rate: f64,
        every: u64,
    },
    /// `lr * r^(k / n)`: the same rate, continuously.
    Exponential {
        rate: f64,
        every: u64,
    },
    /// `lr / (1 + r k / n)`: DeepXDE's inverse time decay.
    InverseTime {
        rate: f64,
        every: u64,
    },
}

impl Decay {
    /// The schedules by name, as `schedule = ...` spells them.
    pub const NAMES: &[&str] = &["step", "exponential", "inverse_time"];

    /// The learning rate's multiplier at step `k` of the stage.
    pub fn factor(self, k: u64) -> f64 {
        match self {
            Decay::Constant => 1.0,
            Decay::Step { rate, every } => rate.powi((k / every) as i32),
            Decay::Exponential { rate, every } => rate.powf(k as f64 / every as f64),
            Decay::InverseTime { rate, every } => 1.0 / (1.0 + rate * k as f64 / every as f64),
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Sampler {
    Lhs,
    Sobol,
    Hammersley,
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

/// Fixed points a constraint is evaluated at besides its draws:
/// `anchors(pde = obs)` or `anchors(pde = sample(strike, 1000))`.
#[derive(Clone, Debug, PartialEq)]
pub enum Anchors {
    /// A data set's rows, read as points.
    Data(DataId),
    /// `count` points drawn once in a named region by the run's sampler and
    /// seed: the same for every constraint that names the same region and
    /// count (DeepXDE's `np.random.uniform` anchors shared by the
    /// residuals).
    Drawn {
        region: String,
        place: super::Where,
        count: u64,
    },
}

/// `refine(pde = 1, until = 0.005, rounds = 10)`: residual-based adaptive
/// refinement (RAR, Lu, Meng, Mao and Karniadakis 2021, as DeepXDE's
/// `Burgers_RAR` loops). The stages after it in the `train` block are a
/// round, run up to `rounds` times. Before each round every named
/// constraint's mean |residual| over a pool of random candidates is
/// measured: refinement ends once each is at most `until`; else each gains
/// its count of the candidates of largest residual, kept through every
/// later draw of its points.
#[derive(Clone, Debug, PartialEq)]
pub struct Refine {
    /// Points added to each named constraint per round.
    pub add: Vec<(String, u64)>,
    /// The mean |residual| that ends refinement (0: every round runs).
    pub until: f64,
    pub rounds: u64,
    /// The index in [`Train::stages`] of a round's first stage.
    pub first: usize,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Balance {
    Fixed,
    GradNorm,
    /// Neural tangent kernel weights (Wang, Yu and Perdikaris 2022): each
    /// term scaled by the sum of the terms' NTK traces over its own.
    Ntk,
    /// Each term divided by its own value at the start, once, so that every
    /// term starts at 1 (DeepXDE's examples' `loss_weights = c /
    /// initial_losses`).
    Initial,
}

impl Balance {
    /// The choices by name, as `balance = ...` spells them.
    pub const ALL: &[(&str, Balance)] = &[
        ("fixed", Balance::Fixed),
        ("gradnorm", Balance::GradNorm),
        ("ntk", Balance::Ntk),
        ("initial", Balance::Initial),
    ];
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
    /// Constraints evaluated at another's points, `(follower, leader)`:
    /// `points(fb = pde)` (DeepXDE's residuals share one set of points).
    pub shared_points: Vec<(String, String)>,
    /// Per-label loss weights (1 where absent).
    pub weights: Vec<(String, f64)>,
    /// Per-label anchor points added to every draw of the label's points
    /// (DeepXDE's `anchors`).
    pub anchors: Vec<(String, Anchors)>,
    /// Resample collocation points every this many steps (0: never).
    pub resample: u64,
    pub resample_by: ResampleBy,
    pub refine: Option<Refine>,
    pub balance: Balance,
    /// Causal weighting tolerance (0: off).
    pub causal: f64,
    /// Time marching: the range of `t` is split into this many equal
    /// windows, trained in turn, each from the previous one's end state
    /// (1: one training over the whole range).
    pub windows: u64,
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
                    decay: Decay::Constant,
                    soap: None,
                    stop: None,
                },
                Optimizer::Lbfgs {
                    lr: 1.0,
                    steps: 2000,
                    history: 50,
                    tolerance: LBFGS_TOLERANCE,
                },
            ],
            seed: 0,
            sampler: Sampler::Hammersley,
            points: 2000,
            label_points: vec![],
            shared_points: vec![],
            anchors: vec![],
            weights: vec![],
            resample: 0,
            resample_by: ResampleBy::Sampler,
            refine: None,
            balance: Balance::Fixed,
            causal: 0.0,
            windows: 1,
            ode_steps: 1,
            log_every: 100,
            checkpoint_every: 1000,
            patience: 0,
        }
    }
}

impl Train {
    /// How many stages run at most: those before `refine`, then each
    /// round's.
    pub fn schedule_len(&self) -> usize {
        match &self.refine {
            None => self.stages.len(),
            Some(r) => r.first + r.rounds as usize * (self.stages.len() - r.first),
        }
    }

    /// Stage `i` of the schedule.
    pub fn scheduled(&self, i: usize) -> &Optimizer {
        match &self.refine {
            Some(r) if i >= r.first => {
                &self.stages[r.first + (i - r.first) % (self.stages.len() - r.first)]
            }
            _ => &self.stages[i],
        }
    }

    /// The round (from 0) that stage `i` of the schedule begins, if it
    /// begins one.
    pub fn round_starting(&self, i: usize) -> Option<u64> {
        let r = self.refine.as_ref()?;
        let per_round = self.stages.len() - r.first;
        let k = i.checked_sub(r.first)?;
        (k.is_multiple_of(per_round) && k / per_round < r.rounds as usize)
            .then_some((k / per_round) as u64)
    }

    /// The most steps the schedule takes.
    pub fn total_steps(&self) -> u64 {
        (0..self.schedule_len())
            .map(|i| self.scheduled(i).steps())
            .sum()
    }
}

#[cfg(test)]
mod tests {
    use super::{Decay, Optimizer, Refine, Train};

    #[test]
    fn refinement_repeats_the_stages_after_it() {
        let adam = |steps| Optimizer::Adam {
            lr: 1e-3,
            steps,
            beta1: 0.9,
            beta2: 0.999,
            decay: Decay::Constant,
            soap: None,
            stop: None,
        };
        let train = Train {
            stages: vec![adam(1), adam(2), adam(3)],
            refine: Some(Refine {
                add: vec![("pde".into(), 1)],
                until: 0.0,
                rounds: 3,
                first: 1,
            }),
            ..Train::default()
        };
        assert_eq!(train.schedule_len(), 7);
        let steps: Vec<u64> = (0..7).map(|i| train.scheduled(i).steps()).collect();
        assert_eq!(steps, [1, 2, 3, 2, 3, 2, 3]);
        let rounds: Vec<Option<u64>> = (0..8).map(|i| train.round_starting(i)).collect();
        assert_eq!(
            rounds,
            [None, Some(0), None, Some(1), None, Some(2), None, None]
        );
        assert_eq!(train.total_steps(), 16);
    }

    #[test]
    fn schedules_fall_as_their_formulas_say() {
        let step = Decay::Step {
            rate: 0.5,
            every: 10,
        };
        assert_eq!(
            [0, 9, 10, 25].map(|k| step.factor(k)),
            [1.0, 1.0, 0.5, 0.25]
        );
        let exponential = Decay::Exponential {
            rate: 0.5,
            every: 10,
        };
        assert!((exponential.factor(5) - 0.5f64.sqrt()).abs() < 1e-15);
        assert_eq!(exponential.factor(20), 0.25);
        let inverse = Decay::InverseTime {
            rate: 0.5,
            every: 10,
        };
        assert_eq!(
            [0, 10, 40].map(|k| inverse.factor(k)),
            [1.0, 1.0 / 1.5, 1.0 / 3.0]
        );
        assert_eq!(Decay::Constant.factor(1_000_000), 1.0);
    }
}
