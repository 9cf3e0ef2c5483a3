//! Sample points of a constraint's region.
//!
//! Points are drawn (deterministically, from the given [`Rng`]) from the
//! product of the domains of the constraint's functions, the intervals by
//! the `train` block's sampler (Latin hypercube by default, Sobol' or
//! uniform) and the sets uniformly by rejection, then restricted to its
//! region: a slice fixes one coordinate, a box over interval coordinates
//! narrows their draw, another set replaces the coordinates it binds with
//! points inside it (or on it, for a boundary), a union splits the points
//! between its parts in proportion to their measures, and a data set gives
//! its rows. A parameter is drawn across its range as any coordinate. Every
//! region gets exactly the points asked for, or an error says it is too thin
//! to fill.

use crate::model::*;
use crate::program::geometry::{
    Rng, TooThin, boundary_measure, bounding_volume, sample_boundary_normals, sample_inside,
};
use crate::program::{hammersley, sobol};

/// One sample point: a value per coordinate (a parameter's included), a
/// data row, and on a boundary the outward unit normal.
#[derive(Clone, Debug)]
pub struct Point {
    pub coords: Vec<f64>,
    pub row: Option<usize>,
    /// One component per coordinate (zero along those the boundary does
    /// not bind); empty off boundaries.
    pub normal: Vec<f64>,
}

impl Point {
    /// The normal's component along a coordinate; NaN off boundaries.
    pub fn normal_component(&self, c: CoordId) -> f64 {
        self.normal.get(c.index()).copied().unwrap_or(f64::NAN)
    }
}

/// `n` sample points of a place, over the constraint's coordinates (a data
/// set gives all its rows); an error when a region is too thin to fill.
pub fn points(
    model: &Model,
    c: &Constraint,
    place: &Where,
    n: usize,
    rng: &mut Rng,
) -> Result<Vec<Point>, String> {
    let functions = constraint_functions(c);
    let too_thin = |e: TooThin| format!("cannot sample the points of `{}`: {e}", c.label);
    // Boundary points carry their normal only for a constraint that reads it.
    let mut normals = false;
    for side in [&c.lhs, &c.rhs] {
        side.visit(&mut |e| normals |= matches!(e, Expr::Normal(_)));
    }
    Ok(match place {
        Where::Data(d) => data_points(model, *d),
        Where::Domain => function_points(model, &functions, n, rng, &[]).map_err(too_thin)?,
        Where::Slice { coord, value } => {
            let mut ps = function_points(model, &functions, n, rng, &[]).map_err(too_thin)?;
            let normal = match normals {
                true => slice_normal(model, &functions, *coord, *value),
                false => vec![],
            };
            for p in &mut ps {
                p.coords[coord.index()] = *value;
                p.normal.clone_from(&normal);
            }
            ps
        }
        // A box over interval coordinates is drawn by the sampler, as the
        // domain is: a Latin hypercube stays stratified inside the box.
        Where::Set {
            coords,
            set: Set::Box(sides),
            ..
        } if coords.iter().all(|c| is_interval(model, &functions, *c)) => {
            let sides: Vec<(CoordId, f64, f64)> = coords
                .iter()
                .zip(sides)
                .map(|(c, (lo, hi))| (*c, *lo, *hi))
                .collect();
            function_points(model, &functions, n, rng, &sides).map_err(too_thin)?
        }
        Where::Set {
            coords,
            set: Set::Boundary(inner),
            ..
        } if normals => {
            let mut ps = function_points(model, &functions, n, rng, &[]).map_err(too_thin)?;
            let domain = domain_set(model, &functions, coords);
            let on = sample_boundary_normals(inner, domain.as_ref(), n, rng).map_err(too_thin)?;
            for (p, (q, normal)) in ps.iter_mut().zip(on) {
                p.normal = vec![0.0; model.coords.len()];
                for (k, cid) in coords.iter().enumerate() {
                    p.coords[cid.index()] = q[k];
                    p.normal[cid.index()] = normal[k];
                }
            }
            ps
        }
        Where::Set { coords, set, .. } => {
            let mut ps = function_points(model, &functions, n, rng, &[]).map_err(too_thin)?;
            let inside = sample_inside(set, n, model.train.sampler, rng).map_err(too_thin)?;
            for (p, q) in ps.iter_mut().zip(inside) {
                for (cid, v) in coords.iter().zip(q) {
                    p.coords[cid.index()] = v;
                }
            }
            ps
        }
        Where::Union(parts) => {
            let shares = split(n, &union_measures(model, c, parts));
            let mut out = Vec::with_capacity(n);
            for (part, count) in parts.iter().zip(shares) {
                out.extend(points(model, c, part, count, rng)?);
            }
            out
        }
    })
}

/// The functions' domain over some coordinates, as a set: the set they
/// are bound to, or the box of their intervals.
fn domain_set(model: &Model, functions: &[FuncId], coords: &[CoordId]) -> Option<Set> {
    let domain = functions
        .iter()
        .find_map(|f| model.function(*f).domain.as_ref())?;
    let bound = domain.factors.iter().find_map(|factor| match factor {
        Factor::Set { coords: c, set, .. } if c == coords => Some(set.clone()),
        _ => None,
    });
    bound.or_else(|| {
        let sides = coords.iter().map(|c| {
            domain.factors.iter().find_map(|factor| match factor {
                Factor::Interval { coord, lo, hi } if coord == c => Some((*lo, *hi)),
                _ => None,
            })
        });
        sides.collect::<Option<Vec<_>>>().map(Set::Box)
    })
}

/// The outward normal on a slice at an end of its coordinate's range
/// (empty on a slice inside it, which has no outside).
fn slice_normal(model: &Model, functions: &[FuncId], coord: CoordId, value: f64) -> Vec<f64> {
    let Some((lo, hi)) = range(model, functions, coord) else {
        return vec![];
    };
    let Some(side) = end_side(value, lo, hi) else {
        return vec![];
    };
    let mut normal = vec![0.0; model.coords.len()];
    normal[coord.index()] = side;
    normal
}

/// Which end of `[lo, hi]` a value is: -1 the lower, 1 the upper.
pub fn end_side(value: f64, lo: f64, hi: f64) -> Option<f64> {
    let tolerance = 1e-12 * (hi - lo).abs().max(1.0);
    match value {
        v if (v - lo).abs() <= tolerance => Some(-1.0),
        v if (v - hi).abs() <= tolerance => Some(1.0),
        _ => None,
    }
}

fn constraint_functions(c: &Constraint) -> Vec<FuncId> {
    let mut functions = c.lhs.functions();
    functions.extend(c.rhs.functions());
    functions
}

/// Whether `coord` is an interval factor of the functions' domains.
fn is_interval(model: &Model, functions: &[FuncId], coord: CoordId) -> bool {
    functions.iter().any(|f| {
        let factors = model.function(*f).domain.iter().flat_map(|d| &d.factors);
        factors
            .into_iter()
            .any(|factor| matches!(factor, Factor::Interval { coord: c, .. } if *c == coord))
    })
}

/// The range of a coordinate over the functions' domains.
fn range(model: &Model, functions: &[FuncId], coord: CoordId) -> Option<(f64, f64)> {
    functions
        .iter()
        .find_map(|f| model.function(*f).domain.as_ref()?.range(coord))
}

/// Each part's dimension and measure (length, area, volume: a set's by its
/// bounding box, a boundary's by its primitives), where it has one.
fn union_measures(model: &Model, c: &Constraint, parts: &[Where]) -> Vec<Option<(usize, f64)>> {
    let functions = constraint_functions(c);
    let extent = |skip: &[CoordId]| -> Option<f64> {
        c.space
            .iter()
            .filter(|k| !skip.contains(k))
            .map(|k| range(model, &functions, *k).map(|(lo, hi)| hi - lo))
            .product()
    };
    let full = c.space.len();
    parts
        .iter()
        .map(|part| match part {
            Where::Domain => Some((full, extent(&[])?)),
            Where::Slice { coord, .. } => Some((full.saturating_sub(1), extent(&[*coord])?)),
            Where::Set {
                coords,
                set: Set::Boundary(inner),
                ..
            } => Some((
                full.saturating_sub(1),
                extent(coords)? * composite_boundary(inner),
            )),
            Where::Set { coords, set, .. } => Some((full, extent(coords)? * bounding_volume(set))),
            Where::Union(_) | Where::Data(_) => None,
        })
        .collect()
}

/// The boundary measure of a set's primitives together.
fn composite_boundary(set: &Set) -> f64 {
    match set {
        Set::Union(a, b) | Set::Intersection(a, b) | Set::Difference(a, b) => {
            composite_boundary(a) + composite_boundary(b)
        }
        Set::Boundary(s) => composite_boundary(s),
        primitive => boundary_measure(primitive),
    }
}

/// `n` points shared between parts in proportion to their measures when
/// all have one of the same dimension, evenly otherwise. The shares add up
/// to `n`: the parts with the largest remainders round up.
fn split(n: usize, measures: &[Option<(usize, f64)>]) -> Vec<usize> {
    let dims: Vec<usize> = measures.iter().flatten().map(|(d, _)| *d).collect();
    let comparable = dims.len() == measures.len() && dims.windows(2).all(|w| w[0] == w[1]);
    let mut weights: Vec<f64> = match comparable {
        true => measures.iter().flatten().map(|(_, m)| *m).collect(),
        false => vec![1.0; measures.len()],
    };
    let total: f64 = weights.iter().sum();
    if !(total > 0.0 && total.is_finite()) {
        weights = vec![1.0; measures.len()];
    }
    let total: f64 = weights.iter().sum();
    let exact: Vec<f64> = weights.iter().map(|w| n as f64 * w / total).collect();
    let mut shares: Vec<usize> = exact.iter().map(|e| e.floor() as usize).collect();
    let mut order: Vec<usize> = (0..shares.len()).collect();
    order.sort_by(|&a, &b| {
        let (ra, rb) = (exact[a] - exact[a].floor(), exact[b] - exact[b].floor());
        rb.total_cmp(&ra).then(a.cmp(&b))
    });
    let missing = n.saturating_sub(shares.iter().sum());
    for &i in order.iter().take(missing) {
        shares[i] += 1;
    }
    shares
}

/// One point per row of a data set, its coordinates from the columns named
/// after them (NaN where there is none).
pub fn data_points(model: &Model, d: DataId) -> Vec<Point> {
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
                row: Some(row),
                normal: vec![],
            }
        })
        .collect()
}

/// `n` points of the unit cube `[0, 1)^d` as the sampler says: Latin
/// hypercube (each coordinate stratified in `n` slices, the slices paired at
/// random), Sobol' (digitally shifted), Hammersley (shifted modulo 1), each
/// of the last two a Latin hypercube above its dimensions, or independent
/// uniform draws.
pub fn unit_points(sampler: Sampler, n: usize, d: usize, rng: &mut Rng) -> Vec<Vec<f64>> {
    match sampler {
        Sampler::Sobol if d <= sobol::MAX_DIMENSIONS => sobol::points(n, d, rng),
        Sampler::Hammersley if d <= hammersley::MAX_DIMENSIONS => hammersley::points(n, d, rng),
        Sampler::Uniform => (0..n)
            .map(|_| (0..d).map(|_| rng.unit()).collect())
            .collect(),
        Sampler::Lhs | Sampler::Sobol | Sampler::Hammersley => {
            let mut out = vec![vec![0.0; d]; n];
            for k in 0..d {
                let mut slices: Vec<usize> = (0..n).collect();
                rng.shuffle(&mut slices);
                for (row, slice) in out.iter_mut().zip(slices) {
                    row[k] = (slice as f64 + rng.unit()) / n as f64;
                }
            }
            out
        }
    }
}

/// `n` points of the product of the domains of some functions: interval
/// coordinates by the sampler (`sides` narrows some of them to a box), set
/// factors by rejection.
pub fn function_points(
    model: &Model,
    functions: &[FuncId],
    n: usize,
    rng: &mut Rng,
    sides: &[(CoordId, f64, f64)],
) -> Result<Vec<Point>, TooThin> {
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
            row: None,
            normal: vec![],
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
                let (lo, hi) = sides
                    .iter()
                    .find(|(c, _, _)| c == coord)
                    .map_or((*lo, *hi), |(_, l, h)| (*l, *h));
                for (p, u) in points.iter_mut().zip(&unit) {
                    p.coords[coord.index()] = lo + (hi - lo) * u[interval];
                }
                interval += 1;
            }
            Factor::Set { coords, set, .. } => {
                let inside = sample_inside(set, n, model.train.sampler, rng)?;
                for (p, q) in points.iter_mut().zip(inside) {
                    for (cid, v) in coords.iter().zip(q) {
                        p.coords[cid.index()] = v;
                    }
                }
            }
        }
    }
    Ok(points)
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
        // Hammersley points are evenly spaced in their first coordinate.
        let pts = unit_points(Sampler::Hammersley, n, 3, &mut rng);
        let mut first: Vec<f64> = pts.iter().map(|p| p[0]).collect();
        first.sort_by(f64::total_cmp);
        for w in first.windows(2) {
            assert!((w[1] - w[0] - 1.0 / n as f64).abs() < 1e-12, "{w:?}");
        }
        let pts = unit_points(Sampler::Uniform, n, 3, &mut rng);
        assert!(filled(&pts, 0) < n);
    }

    fn model(source: &str) -> Model {
        let frontend =
            crate::check_source(source, std::path::Path::new("."), &crate::check::DiskFiles);
        assert!(!frontend.has_errors(), "{:?}", frontend.checked.diagnostics);
        frontend.checked.model
    }

    /// An equation on an explicit box is sampled as the domain is: a Latin
    /// hypercube fills every slice of the box in each coordinate.
    #[test]
    fn an_explicit_box_is_drawn_by_the_sampler() {
        let m = model(
            "field u(x in [-2, 2], t in [0, 1])
pde: u_t + u_x = 0   on [-1,1] x [0,1]
net u = mlp(depth = 1, width = 4, act = tanh)
train { adam(steps = 1) }",
        );
        let c = &m.constraints[0];
        let n = 200;
        let pts = points(&m, c, &c.on, n, &mut Rng::new(7)).expect("fills");
        assert_eq!(pts.len(), n);
        let mut slices = vec![false; n];
        for p in &pts {
            assert!((-1.0..=1.0).contains(&p.coords[0]));
            slices[((p.coords[0] + 1.0) / 2.0 * n as f64) as usize] = true;
        }
        assert!(slices.iter().all(|s| *s), "every slice of x holds a point");
    }

    /// Union parts get points by measure, and exactly as many as asked.
    #[test]
    fn unions_share_points_by_measure() {
        assert_eq!(split(10, &[Some((1, 1.0)), Some((1, 3.0))]), [3, 7]);
        assert_eq!(split(7, &[Some((1, 1.0)), Some((1, 1.0))]), [4, 3]);
        assert_eq!(split(5, &[Some((1, 1.0)), None]), [3, 2]);
        assert_eq!(split(4, &[Some((2, 1.0)), Some((1, 9.0))]), [2, 2]);
        let m = model(
            "field u(x in [0, 4], y in [0, 1])
lap: u_xx + u_yy = 0
bc: u = 0   on x = 0 | y = 0
net u = mlp(depth = 1, width = 4, act = tanh)
train { adam(steps = 1) }",
        );
        let c = &m.constraints[1];
        let pts = points(&m, c, &c.on, 101, &mut Rng::new(8)).expect("fills");
        assert_eq!(pts.len(), 101);
        let on_y0 = pts.iter().filter(|p| p.coords[1] == 0.0).count();
        // The face y = 0 is 4 long, x = 0 is 1 long.
        assert_eq!(on_y0, 81);
    }
}
