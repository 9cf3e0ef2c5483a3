//! Divergence: a step whose loss is not finite, or has jumped by more than
//! [`JUMP`] times the stage's best, is undone.
//!
//! Training keeps the last good state (the parameters and the optimiser's
//! state at the last logged step with a good loss). On a divergence it
//! goes back there, lowers Adam's learning rate by [`LR_FACTOR`] (for good:
//! the factor is part of the training state, so a resumed run keeps it) or
//! starts L-BFGS's history afresh, and records what it did in the history
//! and the summary. After [`MAX_FAILURES`] divergences with no good logged
//! step between them it stops, keeping the good state, and says why.
//!
//! A non-finite gradient shows as a non-finite loss one step later, and is
//! undone the same way.

use crate::program::Trainable;
use crate::stepper::OptimizerState;

/// How far above the stage's best logged loss a loss counts as diverged.
pub const JUMP: f64 = 1e4;
/// What each divergence multiplies Adam's learning rate by.
pub const LR_FACTOR: f64 = 0.1;
/// Divergences in a row after which training stops.
pub const MAX_FAILURES: u32 = 5;

/// The state training returns to.
pub struct Good {
    pub t: Trainable,
    pub optimizer: OptimizerState,
    pub step: u64,
}

/// Why a loss counts as diverged, if it does.
pub fn diverged(loss: f64, best: f64) -> Option<&'static str> {
    if !loss.is_finite() {
        Some("the loss is not finite")
    } else if best.is_finite() && loss > JUMP * best.max(f64::MIN_POSITIVE) {
        Some("the loss jumped by more than 10^4 times its best")
    } else {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn non_finite_and_jumping_losses_diverge() {
        assert!(diverged(f64::NAN, 1.0).is_some());
        assert!(diverged(f64::INFINITY, f64::INFINITY).is_some());
        assert!(diverged(2e4, 1.0).is_some());
        assert!(diverged(9e3, 1.0).is_none());
        // Before the stage has a best, only non-finite losses count.
        assert!(diverged(1e30, f64::INFINITY).is_none());
    }
}
