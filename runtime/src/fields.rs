//! Where trained fields are compared: grids, references and errors.
//!
//! Input: a model and points. Output: a regular grid of a field's domain,
//! the rows of its `reference` data and the values there (one vector per
//! part: the real part, then the imaginary part of a complex field), and
//! the relative L2 error between predictions
//! ([`crate::program::Program::predict`]) and these or the exact solution
//! ([`crate::program::Program::exact`]).

use physc_compiler::model::{Factor, FuncId, Model, SolutionKind};
use physc_compiler::program::geometry::{self, Rng};
use physc_compiler::program::sample::{Point, data_points};

/// The rows of the field's `reference` data as points, and its values there.
pub fn reference_values(model: &Model, f: FuncId) -> Option<(Vec<Point>, Vec<Vec<f64>>)> {
    let solution = model.solutions.iter().find(|s| s.function == f)?;
    let SolutionKind::Reference(d) = solution.kind else {
        return None;
    };
    let data = &model.data[d.index()];
    let function = model.function(f);
    let names = if function.complex {
        vec![
            format!("{}_re", function.name),
            format!("{}_im", function.name),
        ]
    } else {
        vec![function.name.clone()]
    };
    let values = names
        .iter()
        .map(|n| data.column(n).map(|c| data.values[c].clone()))
        .collect::<Option<Vec<_>>>()?;
    let points = data_points(model, d, &mut Rng::new(0));
    Some((points, values))
}

/// `||predicted - reference|| / ||reference||` over every part.
pub fn relative_l2(predicted: &[Vec<f64>], reference: &[Vec<f64>]) -> f64 {
    let (mut error, mut norm) = (0.0, 0.0);
    for (p, e) in predicted.iter().zip(reference) {
        for (a, b) in p.iter().zip(e) {
            error += (a - b).powi(2);
            norm += b * b;
        }
    }
    (error / norm).sqrt()
}

/// A regular grid over the field's domain with about `total` points: each
/// coordinate split evenly between its bounds (a set's bounding box), then
/// the points outside a set dropped. Parameters sit at their midpoints.
pub fn grid(model: &Model, f: FuncId, total: usize) -> Vec<Point> {
    let Some(domain) = &model.function(f).domain else {
        return vec![];
    };
    let mut axes: Vec<(usize, f64, f64)> = vec![];
    for factor in &domain.factors {
        match factor {
            Factor::Interval { coord, lo, hi } => axes.push((coord.index(), *lo, *hi)),
            Factor::Set { coords, set, .. } => {
                for (c, (lo, hi)) in coords.iter().zip(set.bounds().unwrap_or_default()) {
                    axes.push((c.index(), lo, hi));
                }
            }
        }
    }
    let per_axis = ((total as f64).powf(1.0 / axes.len().max(1) as f64).round() as usize).max(2);
    let params: Vec<f64> = model.params.iter().map(|p| 0.5 * (p.lo + p.hi)).collect();
    let count = per_axis.pow(axes.len() as u32);
    let mut points = Vec::with_capacity(count);
    for mut index in 0..count {
        let mut coords = vec![f64::NAN; model.coords.len()];
        // The last axis varies fastest.
        for &(c, lo, hi) in axes.iter().rev() {
            let k = index % per_axis;
            index /= per_axis;
            coords[c] = lo + (hi - lo) * k as f64 / (per_axis - 1) as f64;
        }
        let inside = domain.factors.iter().all(|factor| match factor {
            Factor::Interval { .. } => true,
            Factor::Set {
                coords: cs, set, ..
            } => {
                let p: Vec<f64> = cs.iter().map(|c| coords[c.index()]).collect();
                geometry::contains(set, &p)
            }
        });
        if inside {
            points.push(Point {
                coords,
                params: params.clone(),
                row: None,
                normal: vec![],
            });
        }
    }
    points
}
