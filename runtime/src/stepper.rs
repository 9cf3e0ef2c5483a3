//! A stage's optimiser and its state: Adam and L-BFGS from burn-optim,
//! which keep their state per parameter, and [`Bfgs`] and [`Soap`] over a
//! flat vector of the parameters ([`crate::flat`]).
//!
//! [`OptimizerState`] is what a checkpoint and the divergence guard keep:
//! burn's record, or BFGS's numbers.

use crate::bfgs::{self, Bfgs};
use crate::flat;
use crate::program::Trainable;
use crate::soap::Soap;
use burn::optim::{AdamConfig, LBFGS, LBFGSConfig, LineSearchFn, ModuleOptimizer, OptimizerRecord};
use physc_compiler::model::Optimizer;

/// An optimiser's state between steps.
#[derive(Debug)]
pub enum OptimizerState {
    /// Adam's or L-BFGS's record.
    Burn(OptimizerRecord),
    /// BFGS's ([`Bfgs::to_vec`]) or SOAP's ([`Soap::to_vec`]).
    Flat(Vec<f64>),
}

/// A stage's optimiser.
pub enum Stepper {
    Adam(ModuleOptimizer),
    /// L-BFGS and its iterations per call.
    Lbfgs(Box<LBFGS>, u64),
    /// BFGS and its iterations per call.
    Bfgs(Box<Bfgs>, u64),
    Soap(Box<Soap>),
}

impl Stepper {
    /// The optimiser of `stage` for the parameters of `t`, from a saved
    /// state where there is one of the same kind; `iterations` per call
    /// for the quasi-Newton stages.
    pub fn new(
        stage: &Optimizer,
        t: &Trainable,
        iterations: u64,
        state: Option<OptimizerState>,
    ) -> Result<Stepper, String> {
        let (record, numbers) = match state {
            Some(OptimizerState::Burn(r)) => (Some(r), None),
            Some(OptimizerState::Flat(v)) => (None, Some(v)),
            None => (None, None),
        };
        Ok(match *stage {
            Optimizer::Adam {
                beta1,
                beta2,
                soap: Some(every),
                ..
            } => {
                let shapes = flat::shapes(t);
                let saved = numbers.and_then(|v| Soap::from_vec(&v, &shapes, beta1, beta2, every));
                let soap = saved.unwrap_or_else(|| Soap::new(&shapes, beta1, beta2, every));
                Stepper::Soap(Box::new(soap))
            }
            Optimizer::Adam { beta1, beta2, .. } => {
                let adam = AdamConfig::new()
                    .with_beta_1(beta1 as f32)
                    .with_beta_2(beta2 as f32)
                    .with_epsilon(1e-8)
                    .init();
                Stepper::Adam(match record {
                    Some(r) => adam.load_record(r),
                    None => adam,
                })
            }
            Optimizer::Lbfgs {
                history, tolerance, ..
            } => {
                let lbfgs = LBFGSConfig::new()
                    .with_max_iter(iterations as usize)
                    .with_history_size(history as usize)
                    .with_tolerance_change(tolerance)
                    .with_line_search_fn(LineSearchFn::StrongWolfe)
                    .init();
                let lbfgs = match record {
                    Some(r) => lbfgs.load_record(r),
                    None => lbfgs,
                };
                Stepper::Lbfgs(Box::new(lbfgs), iterations)
            }
            Optimizer::Bfgs { self_scaled, .. } => {
                let n = flat::parameters(t).len();
                fits_bfgs(n)?;
                let saved = numbers.and_then(|v| Bfgs::from_vec(&v, n, self_scaled));
                let bfgs = saved.unwrap_or_else(|| Bfgs::new(n, self_scaled));
                Stepper::Bfgs(Box::new(bfgs), iterations)
            }
        })
    }

    /// What a checkpoint keeps.
    pub fn state(&self) -> OptimizerState {
        match self {
            Stepper::Adam(o) => OptimizerState::Burn(o.to_record()),
            Stepper::Lbfgs(o, _) => OptimizerState::Burn(o.to_record()),
            Stepper::Bfgs(o, _) => OptimizerState::Flat(o.to_vec()),
            Stepper::Soap(o) => OptimizerState::Flat(o.to_vec()),
        }
    }
}

/// Whether `bfgs`'s dense matrix fits a model of `n` parameters; the
/// reason when it does not. Checked before training starts, so a long
/// Adam stage is not spent first.
pub fn fits_bfgs(n: usize) -> Result<(), String> {
    if n <= bfgs::MAX_PARAMETERS {
        return Ok(());
    }
    Err(format!(
        "`bfgs` keeps an n x n matrix, and this model has {n} parameters ({:.1} GiB): it \
         takes at most {} ({} MiB); use `lbfgs(...)` or a smaller network",
        (n * n * 8) as f64 / (1u64 << 30) as f64,
        bfgs::MAX_PARAMETERS,
        (bfgs::MAX_PARAMETERS * bfgs::MAX_PARAMETERS * 8) >> 20,
    ))
}
