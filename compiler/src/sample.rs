//! Sample points of a constraint's region.
//!
//! Points are drawn uniformly (deterministically, from the given [`Rng`])
//! from the product of the domains of the constraint's functions, then
//! restricted to its region: a slice fixes one coordinate, a set replaces
//! the coordinates it binds with points inside it (or on it, for a
//! boundary), a union splits the points between its parts, and a data set
//! gives its rows. Parameters are drawn across their ranges.

use crate::geometry::{Rng, sample_inside};
use crate::model::*;

/// One sample point: a value per coordinate and parameter, and a data row.
#[derive(Clone, Debug)]
pub struct Point {
    pub coords: Vec<f64>,
    pub params: Vec<f64>,
    pub row: Option<usize>,
}

/// Sample points of a place, over the constraint's coordinates.
pub fn points(model: &Model, c: &Constraint, place: &Where, n: usize, rng: &mut Rng) -> Vec<Point> {
    match place {
        Where::Data(d) => data_points(model, *d, rng),
        Where::Domain => domain_points(model, c, n, rng),
        Where::Slice { coord, value } => {
            let mut ps = domain_points(model, c, n, rng);
            ps.iter_mut().for_each(|p| p.coords[coord.index()] = *value);
            ps
        }
        Where::Set { coords, set, .. } => {
            let mut ps = domain_points(model, c, n, rng);
            let inside = sample_inside(set, ps.len(), rng);
            ps.truncate(inside.len());
            for (p, q) in ps.iter_mut().zip(inside) {
                for (cid, v) in coords.iter().zip(q) {
                    p.coords[cid.index()] = v;
                }
            }
            ps
        }
        Where::Union(parts) => {
            // The points are split evenly between the parts.
            let each = n.div_ceil(parts.len().max(1));
            parts
                .iter()
                .flat_map(|p| points(model, c, p, each, rng))
                .collect()
        }
    }
}

/// One point per row of a data set, its coordinates from the columns named
/// after them (NaN where there is none).
pub fn data_points(model: &Model, d: DataId, rng: &mut Rng) -> Vec<Point> {
    let data = &model.data[d.index()];
    (0..data.rows())
        .map(|row| {
            let mut coords = vec![f64::NAN; model.coords.len()];
            for (k, coord) in model.coords.iter().enumerate() {
                if let Some(col) = data.column(&coord.name) {
                    coords[k] = data.values[col][row];
                }
            }
            Point {
                coords,
                params: param_values(model, rng),
                row: Some(row),
            }
        })
        .collect()
}

fn param_values(model: &Model, rng: &mut Rng) -> Vec<f64> {
    model.params.iter().map(|p| rng.range(p.lo, p.hi)).collect()
}

/// Points of the product of the domains of the constraint's functions.
pub fn domain_points(model: &Model, c: &Constraint, n: usize, rng: &mut Rng) -> Vec<Point> {
    let mut functions = c.lhs.functions();
    functions.extend(c.rhs.functions());
    function_points(model, &functions, n, rng)
}

/// Points of the product of the domains of some functions.
pub fn function_points(model: &Model, functions: &[FuncId], n: usize, rng: &mut Rng) -> Vec<Point> {
    let mut factors: Vec<&Factor> = vec![];
    for f in functions {
        for factor in model.function(*f).domain.iter().flat_map(|d| &d.factors) {
            if !factors.contains(&factor) {
                factors.push(factor);
            }
        }
    }
    let mut points: Vec<Point> = (0..n)
        .map(|_| Point {
            coords: vec![f64::NAN; model.coords.len()],
            params: param_values(model, rng),
            row: None,
        })
        .collect();
    for factor in factors {
        match factor {
            Factor::Interval { coord, lo, hi } => points
                .iter_mut()
                .for_each(|p| p.coords[coord.index()] = rng.range(*lo, *hi)),
            Factor::Set { coords, set, .. } => {
                let inside = sample_inside(set, n, rng);
                points.truncate(inside.len());
                for (p, q) in points.iter_mut().zip(inside) {
                    for (cid, v) in coords.iter().zip(q) {
                        p.coords[cid.index()] = v;
                    }
                }
            }
        }
    }
    points
}
