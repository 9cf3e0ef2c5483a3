//! What one pass of the JIT back end over a batch's points computes
//! ([`Mode`]), and how a residual's violation and its slope are read.
//!
//! Input: a residual's value at a point and its relation. Output: the
//! point's loss term and the adjoint seed its reverse pass starts from.

use physc_compiler::model::Relation;

/// What a pass over points computes.
pub(super) enum Mode {
    /// The residuals only.
    Forward,
    /// The loss and gradient, each residual's loss at a point scaled by
    /// `scales[i]` (one value for all points, or one per point) and its
    /// part of the gradient by `factors[i]`.
    Reverse {
        scales: Vec<Vec<f64>>,
        factors: Vec<f64>,
    },
    /// The gradient of residual `relation`'s violation alone (for one
    /// point at a time: a row of the Jacobian).
    Tangent { relation: usize },
}

impl Mode {
    /// Point `point`'s loss term from residual `i` with violation `v` and
    /// slope `slope`, and the residual's adjoint seed.
    pub(super) fn seed(&self, i: usize, point: usize, v: f64, slope: f64) -> (f64, f64) {
        match self {
            Mode::Forward => (0.0, 0.0),
            Mode::Reverse { scales, factors } => {
                let scale = &scales[i];
                let s = scale[if scale.len() == 1 { 0 } else { point }];
                (s * v * v, 2.0 * factors[i] * s * v * slope)
            }
            Mode::Tangent { relation } => (0.0, if i == *relation { slope } else { 0.0 }),
        }
    }
}

/// The violation of `r relation 0` and its slope in r: r itself for an
/// equation, the part on the wrong side for an inequality.
pub fn violation(relation: Relation, r: f64) -> (f64, f64) {
    match relation {
        Relation::Eq => (r, 1.0),
        Relation::Ge | Relation::Gt => {
            if r < 0.0 {
                (-r, -1.0)
            } else {
                (0.0, 0.0)
            }
        }
        Relation::Le | Relation::Lt => {
            if r > 0.0 {
                (r, 1.0)
            } else {
                (0.0, 0.0)
            }
        }
    }
}
