//! Training: the optimiser stages of the `train` block, in order.
//!
//! Adam and L-BFGS (strong-Wolfe line search) come from burn-optim. Each
//! step evaluates the loss program once and takes one reverse pass. Losses
//! are logged every `log_every` steps (and at the last step) to the
//! [`History`] and the progress callback; with `patience`, a stage stops
//! after that many logged steps without a new best total.

use crate::program::{Program, Trainable};
use burn::optim::{AdamConfig, GradientsParams, LBFGSConfig, LineSearchFn};
use burn::tensor::Tensor;
use physc_compiler::model::{Optimizer, Train};

/// Losses per logged step: the total and each constraint's term.
#[derive(Clone, Debug, Default)]
pub struct History {
    pub labels: Vec<String>,
    /// `(step, total, terms)`.
    pub rows: Vec<(u64, f64, Vec<f64>)>,
}

/// What a progress display gets at each logged step.
pub struct Progress<'a> {
    pub step: u64,
    pub total_steps: u64,
    pub stage: &'a str,
    pub loss: f64,
}

fn scalar(t: Tensor<1>) -> f64 {
    t.into_scalar::<f64>()
}

/// The sum of the terms and the terms' values.
fn evaluate(program: &Program, t: &Trainable) -> (Tensor<1>, Vec<f64>) {
    let losses = program.losses(t);
    let values = losses.iter().map(|l| scalar(l.clone().detach())).collect();
    let total = losses
        .into_iter()
        .reduce(|a, b| a + b)
        .expect("at least one constraint");
    (total, values)
}

/// Records logged steps and decides when a stage has plateaued.
struct Logger<'p, P> {
    history: History,
    plan: &'p Train,
    total_steps: u64,
    progress: P,
    best: f64,
    stale: u64,
}

impl<P: FnMut(&Progress)> Logger<'_, P> {
    /// Starts a stage: its own best loss and patience count.
    fn start_stage(&mut self) {
        self.best = f64::INFINITY;
        self.stale = 0;
    }

    /// Records `step` if it is logged (every `log_every`, the first and the
    /// stage's last); true when the stage should stop: `patience` logged
    /// steps without a better total (never when patience is 0).
    fn record(&mut self, step: u64, last: bool, loss: f64, terms: Vec<f64>, stage: &str) -> bool {
        if step % self.plan.log_every != 0 && !last && step != 1 {
            return false;
        }
        self.history.rows.push((step, loss, terms));
        (self.progress)(&Progress {
            step,
            total_steps: self.total_steps,
            stage,
            loss,
        });
        if loss < self.best * (1.0 - 1e-4) {
            self.best = loss;
            self.stale = 0;
            return false;
        }
        self.stale += 1;
        self.plan.patience > 0 && self.stale >= self.plan.patience
    }
}

/// Runs every stage; returns the trained parameters and the history.
pub fn train(
    program: &Program,
    mut t: Trainable,
    plan: &Train,
    progress: impl FnMut(&Progress),
) -> (Trainable, History) {
    let total_steps = plan
        .stages
        .iter()
        .map(|s| match s {
            Optimizer::Adam { steps, .. } | Optimizer::Lbfgs { steps, .. } => *steps,
        })
        .sum();
    let history = History {
        labels: program.batches.iter().map(|b| b.label.clone()).collect(),
        rows: vec![],
    };
    let mut logger = Logger {
        history,
        plan,
        total_steps,
        progress,
        best: f64::INFINITY,
        stale: 0,
    };
    let mut step = 0u64;
    for stage in &plan.stages {
        logger.start_stage();
        match *stage {
            Optimizer::Adam {
                lr,
                steps,
                beta1,
                beta2,
            } => {
                let mut adam = AdamConfig::new()
                    .with_beta_1(beta1 as f32)
                    .with_beta_2(beta2 as f32)
                    .with_epsilon(1e-8)
                    .init();
                for k in 0..steps {
                    let (total, terms) = evaluate(program, &t);
                    let loss = scalar(total.clone().detach());
                    let grads = GradientsParams::from_grads(total.backward(), &t);
                    t = adam.step(lr, t, grads);
                    step += 1;
                    if logger.record(step, k + 1 == steps, loss, terms, "adam") {
                        break;
                    }
                }
            }
            Optimizer::Lbfgs {
                lr,
                steps,
                history: size,
                tolerance,
            } => {
                let mut lbfgs = LBFGSConfig::new()
                    .with_history_size(size as usize)
                    .with_tolerance_change(tolerance)
                    .with_line_search_fn(LineSearchFn::StrongWolfe)
                    .init();
                for k in 0..steps {
                    let mut terms = vec![];
                    let closure = |m: Trainable| {
                        let (total, values) = evaluate(program, &m);
                        terms = values;
                        let loss = scalar(total.clone().detach());
                        (loss, GradientsParams::from_grads(total.backward(), &m))
                    };
                    let (next, loss) = lbfgs.step(lr, t, closure);
                    t = next;
                    step += 1;
                    if logger.record(step, k + 1 == steps, loss, terms, "lbfgs") {
                        break;
                    }
                }
            }
        }
    }
    (t, logger.history)
}
