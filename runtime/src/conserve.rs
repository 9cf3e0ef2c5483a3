//! How far a trained run conserves what the model says it conserves.
//!
//! Input: the loss program's conserved quantities (integrals over space,
//! lowered by quadrature) and the trained networks. Output: each
//! quantity at evenly spaced times over the time range, and its drift:
//! the largest change from its initial value, relative to the largest
//! magnitude it takes (its initial value, unless that is near zero).
//! The run writes them to `conserved.csv` and `LABEL.png`, and the drift to
//! `summary.json`.

use crate::program::{Program, Trainable};
use physc_compiler::program::sample::Point;

/// Times a conserved quantity is evaluated at after a run.
const TIMES: usize = 101;

/// One conserved quantity over the time range.
#[derive(Clone, Debug, PartialEq)]
pub struct Drift {
    /// Its loss term's label.
    pub label: String,
    pub times: Vec<f64>,
    pub values: Vec<f64>,
    /// `max |Q(t) - Q(t0)| / max |Q(t)|`.
    pub drift: f64,
}

/// Every conserved quantity of the program, on the trained networks.
pub fn drifts(program: &Program, trained: &Trainable) -> Vec<Drift> {
    let model = &program.loss.model;
    program
        .loss
        .conserved
        .iter()
        .filter_map(|q| {
            let (lo, hi) = model
                .functions
                .iter()
                .find_map(|f| f.domain.as_ref()?.range(q.time))?;
            // Other coordinates at the middle of their ranges: the
            // quantity reads none but time once integrated.
            let middle: Vec<f64> = model
                .coords
                .iter()
                .enumerate()
                .map(|(c, _)| {
                    let c = physc_compiler::model::CoordId(c as u32);
                    model
                        .functions
                        .iter()
                        .find_map(|f| f.domain.as_ref()?.range(c))
                        .map_or(0.0, |(a, b)| 0.5 * (a + b))
                })
                .collect();
            let times: Vec<f64> = (0..TIMES)
                .map(|k| lo + (hi - lo) * k as f64 / (TIMES - 1) as f64)
                .collect();
            let points: Vec<Point> = times
                .iter()
                .map(|&t| {
                    let mut coords = middle.clone();
                    coords[q.time.index()] = t;
                    Point {
                        coords,
                        row: None,
                        normal: vec![],
                    }
                })
                .collect();
            let values = program.values_at(trained, q.quantity, &points);
            Some(Drift {
                label: q.label.clone(),
                drift: drift(&values),
                times,
                values,
            })
        })
        .collect()
}

/// `max |Q(t) - Q(t0)|` relative to `max |Q(t)|` (0 for a quantity that
/// is zero throughout).
pub fn drift(values: &[f64]) -> f64 {
    let Some(&first) = values.first() else {
        return 0.0;
    };
    let change = values.iter().map(|v| (v - first).abs()).fold(0.0, f64::max);
    let scale = values.iter().map(|v| v.abs()).fold(0.0, f64::max);
    if scale == 0.0 { 0.0 } else { change / scale }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn drift_is_the_largest_change_relative_to_the_largest_value() {
        assert_eq!(drift(&[2.0, 2.0, 2.0]), 0.0);
        assert_eq!(drift(&[2.0, 1.5, 2.5]), 0.2);
        assert_eq!(drift(&[0.0, 0.0]), 0.0);
        assert_eq!(drift(&[]), 0.0);
    }
}
