//! Sample points of a constraint's region.
//!
//! Points are drawn (deterministically, from the given [`Rng`]) from the
//! product of the domains of the constraint's functions, the intervals by
//! the `train` block's sampler (Latin hypercube by default, Sobol' or
//! uniform) and the sets uniformly by rejection, then
//! restricted to its region: a slice fixes one coordinate, a set replaces
//! the coordinates it binds with points inside it (or on it, for a
//! boundary), a union splits the points between its parts, and a data set
//! gives its rows. Parameters are drawn across their ranges.

use crate::geometry::{Rng, sample_inside};
use crate::model::*;
use crate::sobol;

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

/// `n` points of the unit cube `[0, 1)^d` as the sampler says: Latin
/// hypercube (each coordinate stratified in `n` slices, the slices paired at
/// random), Sobol' (digitally shifted; Latin hypercube above its dimensions)
/// or independent uniform draws.
pub fn unit_points(sampler: Sampler, n: usize, d: usize, rng: &mut Rng) -> Vec<Vec<f64>> {
    match sampler {
        Sampler::Sobol if d <= sobol::MAX_DIMENSIONS => sobol::points(n, d, rng),
        Sampler::Uniform => (0..n)
            .map(|_| (0..d).map(|_| rng.unit()).collect())
            .collect(),
        Sampler::Lhs | Sampler::Sobol => {
            let mut out = vec![vec![0.0; d]; n];
            for k in 0..d {
                let mut slices: Vec<usize> = (0..n).collect();
                // Fisher-Yates.
                for i in (1..n).rev() {
                    slices.swap(i, (rng.next_u64() % (i as u64 + 1)) as usize);
                }
                for (row, slice) in out.iter_mut().zip(slices) {
                    row[k] = (slice as f64 + rng.unit()) / n as f64;
                }
            }
            out
        }
    }
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
    let intervals = factors
        .iter()
        .filter(|f| matches!(f, Factor::Interval { .. }))
        .count();
    let unit = unit_points(model.train.sampler, n, intervals, rng);
    let mut interval = 0;
    for factor in factors {
        match factor {
            Factor::Interval { coord, lo, hi } => {
                for (p, u) in points.iter_mut().zip(&unit) {
                    p.coords[coord.index()] = lo + (hi - lo) * u[interval];
                }
                interval += 1;
            }
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

#[cfg(test)]
mod tests {
    use super::*;

    /// Latin hypercube and Sobol' points put one point in each of n slices
    /// of every coordinate; uniform draws (almost surely) do not.
    #[test]
    fn stratified_samplers_fill_every_slice() {
        let n = 256;
        let filled = |pts: &[Vec<f64>], k: usize| {
            let mut seen = vec![false; n];
            for p in pts {
                assert!((0.0..1.0).contains(&p[k]));
                seen[(p[k] * n as f64) as usize] = true;
            }
            seen.iter().filter(|&&s| s).count()
        };
        let mut rng = Rng::new(5);
        for sampler in [Sampler::Lhs, Sampler::Sobol] {
            let pts = unit_points(sampler, n, 3, &mut rng);
            for k in 0..3 {
                assert_eq!(filled(&pts, k), n, "{sampler:?}, coordinate {k}");
            }
        }
        let pts = unit_points(Sampler::Uniform, n, 3, &mut rng);
        assert!(filled(&pts, 0) < n);
    }
}
