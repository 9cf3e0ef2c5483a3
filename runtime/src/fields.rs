//! Where trained fields are compared: grids, references and errors.
//!
//! Input: a model and points. Output: a regular grid of a field's domain,
//! the rows of its `reference` data and the values there (one vector per
//! part: the real part, then the imaginary part of a complex field), and
//! the relative L2 error between predictions
//! ([`crate::program::Program::predict`]) and these or the exact solution
//! ([`crate::program::Program::exact`]).

use physc_compiler::model::{CoordId, Factor, FuncId, Model, SolutionKind};
use physc_compiler::program::geometry;
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
    let points = data_points(model, d);
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

/// Values a parameter takes on a grid: its ends and its middle, the members
/// of the family shown.
pub const PARAM_VALUES: usize = 3;

/// A regular grid over the field's domain with about `total` points: each
/// coordinate split evenly between its bounds (a set's bounding box), then
/// the points outside a set dropped. A parameter takes [`PARAM_VALUES`]
/// values, its ends and middle, and the other coordinates share the rest.
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
    let is_param = |c: usize| model.params.iter().any(|p| p.coord.index() == c);
    let params = axes.iter().filter(|(c, _, _)| is_param(*c)).count();
    let written = (axes.len() - params).max(1) as f64;
    let share = total as f64 / PARAM_VALUES.pow(params as u32) as f64;
    let per_axis = (share.powf(1.0 / written).round() as usize).max(2);
    let steps: Vec<usize> = axes
        .iter()
        .map(|(c, _, _)| if is_param(*c) { PARAM_VALUES } else { per_axis })
        .collect();
    let count: usize = steps.iter().product();
    let mut points = Vec::with_capacity(count);
    for mut index in 0..count {
        let mut coords = vec![f64::NAN; model.coords.len()];
        // The last axis varies fastest.
        for (&(c, lo, hi), &n) in axes.iter().zip(&steps).rev() {
            let k = index % n;
            index /= n;
            coords[c] = lo + (hi - lo) * k as f64 / (n - 1) as f64;
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
                row: None,
                normal: vec![],
            });
        }
    }
    points
}

/// A value to three significant digits, as a person writes it: `0.00159`.
fn three_digits(v: f64) -> String {
    if v == 0.0 || !v.is_finite() {
        return format!("{v}");
    }
    let scale = 10f64.powi(2 - v.abs().log10().floor() as i32);
    physc_compiler::model::print::num((v * scale).round() / scale)
}

/// Whether a coordinate is a parameter of the model's families.
pub fn is_param(model: &Model, c: CoordId) -> bool {
    model.params.iter().any(|p| p.coord == c)
}

/// The grid's points grouped by family member: each group's parameter
/// values written `k=0.5` and its point indices, in grid order. A field
/// with no parameter is one group with no name.
pub fn family_members(
    model: &Model,
    f: FuncId,
    points: &[Point],
) -> Vec<(Vec<String>, Vec<usize>)> {
    let params: Vec<CoordId> = model
        .function(f)
        .coords
        .iter()
        .copied()
        .filter(|c| is_param(model, *c))
        .collect();
    let mut groups: Vec<(Vec<f64>, Vec<usize>)> = vec![];
    for (i, p) in points.iter().enumerate() {
        let key: Vec<f64> = params.iter().map(|c| p.coords[c.index()]).collect();
        match groups.iter_mut().find(|(k, _)| *k == key) {
            Some((_, rows)) => rows.push(i),
            None => groups.push((key, vec![i])),
        }
    }
    groups
        .into_iter()
        .map(|(key, rows)| {
            let names = params
                .iter()
                .zip(key)
                .map(|(c, v)| format!("{}={}", model.coord(*c).name, three_digits(v)));
            (names.collect(), rows)
        })
        .collect()
}
