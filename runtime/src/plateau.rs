//! When a training stage has plateaued and stops early: the `train`
//! block's `patience` (in logged steps), or a first-order stage's own
//! (`adam(..., patience = 2000, min_delta = 1e-4)`, in steps).
//!
//! Input: the stage and the plan. Output: the rule [`crate::train`] applies
//! at each logged step to the stage's best total and the steps since.

use physc_compiler::model::{Optimizer, Train};

/// When a stage has plateaued: `patience` logged steps without the total
/// falling by `min_delta` (0: by a relative 1e-4); never when patience is
/// 0.
#[derive(Clone, Copy)]
pub struct Plateau {
    patience: u64,
    min_delta: f64,
}

impl Plateau {
    /// The stage's own early stopping (its patience in steps, counted in
    /// logged steps), or the `train` block's `patience`.
    pub fn of(stage: &Optimizer, plan: &Train) -> Plateau {
        match stage {
            Optimizer::Adam { stop: Some(s), .. } => Plateau {
                patience: s.patience.div_ceil(plan.log_every),
                min_delta: s.min_delta,
            },
            _ => Plateau {
                patience: plan.patience,
                min_delta: 0.0,
            },
        }
    }

    pub fn improved(self, loss: f64, best: f64) -> bool {
        match self.min_delta > 0.0 {
            true => loss < best - self.min_delta,
            false => loss < best * (1.0 - 1e-4),
        }
    }

    /// Whether `stale` logged steps without improvement end the stage.
    pub fn reached(self, stale: u64) -> bool {
        self.patience > 0 && stale >= self.patience
    }
}
