//! Points in regions: containment tests and deterministic sampling.
//!
//! A set's inside is sampled by rejection from its bounding box, whose
//! candidates are the run's sampler's points of the box. Its boundary is
//! sampled on the boundaries of its primitives (box faces, spheres,
//! polygon edges), each in proportion to its measure, keeping the points
//! that lie on the boundary of the whole set: those with points of the set
//! and points outside it within a small distance (relative to the set's
//! size). Either gives exactly the points asked for, or reports the region
//! as too thin to fill ([`TooThin`]).

use crate::model::{Sampler, Set};
use crate::program::sample::unit_points;

/// A small deterministic generator (SplitMix64): the same seed gives the
/// same points on every machine.
#[derive(Clone, Debug)]
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Rng {
        Rng(seed)
    }

    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    /// Uniform in `[0, 1)`.
    pub fn unit(&mut self) -> f64 {
        (self.next_u64() >> 11) as f64 / (1u64 << 53) as f64
    }

    pub fn range(&mut self, lo: f64, hi: f64) -> f64 {
        lo + (hi - lo) * self.unit()
    }

    /// The items in a random order (Fisher-Yates).
    pub fn shuffle<T>(&mut self, items: &mut [T]) {
        for i in (1..items.len()).rev() {
            items.swap(i, (self.next_u64() % (i as u64 + 1)) as usize);
        }
    }

    /// Standard normal (Box-Muller).
    pub fn normal(&mut self) -> f64 {
        let u = self.unit().max(f64::MIN_POSITIVE);
        (-2.0 * u.ln()).sqrt() * (2.0 * std::f64::consts::PI * self.unit()).cos()
    }
}

/// Probe distance for boundary tests, relative to the set's size.
fn probe_distance(set: &Set) -> f64 {
    let size = set.bounds().map_or(1.0, |b| {
        b.iter().map(|(lo, hi)| hi - lo).fold(0.0, f64::max)
    });
    1e-7 * size.max(1e-300)
}

/// Points around `p` at distance `eps`: along each axis and, in 2-D, the
/// diagonals.
fn probes(p: &[f64], eps: f64) -> Vec<Vec<f64>> {
    let mut out = vec![];
    for k in 0..p.len() {
        for sign in [-1.0, 1.0] {
            let mut q = p.to_vec();
            q[k] += sign * eps;
            out.push(q);
        }
    }
    if p.len() == 2 {
        let d = eps / std::f64::consts::SQRT_2;
        for (sx, sy) in [(1.0, 1.0), (1.0, -1.0), (-1.0, 1.0), (-1.0, -1.0)] {
            out.push(vec![p[0] + sx * d, p[1] + sy * d]);
        }
    }
    out
}

/// Exact membership in the closed primitives combined as written. Off the
/// boundaries, where probes land, it is what the set means.
fn member(set: &Set, p: &[f64]) -> bool {
    match set {
        Set::Box(b) => b.iter().zip(p).all(|((lo, hi), x)| x >= lo && x <= hi),
        Set::Ball { center, radius } => {
            center
                .iter()
                .zip(p)
                .map(|(c, x)| (x - c).powi(2))
                .sum::<f64>()
                <= radius * radius
        }
        Set::Polygon(vertices) => point_in_polygon(vertices, p[0], p[1]),
        Set::Boundary(s) => on_boundary(s, p),
        Set::Union(a, b) => member(a, p) || member(b, p),
        Set::Intersection(a, b) => member(a, p) && member(b, p),
        Set::Difference(a, b) => member(a, p) && !member(b, p),
    }
}

/// Some points near `p` are in the set and some are not.
fn on_boundary(set: &Set, p: &[f64]) -> bool {
    let around = probes(p, probe_distance(set));
    around.iter().any(|q| member(set, q)) && around.iter().any(|q| !member(set, q))
}

/// Whether `p` is in the closure of the set.
pub fn contains(set: &Set, p: &[f64]) -> bool {
    match set {
        Set::Boundary(s) => on_boundary(s, p),
        _ => {
            member(set, p)
                || probes(p, probe_distance(set))
                    .iter()
                    .any(|q| member(set, q))
        }
    }
}

/// Whether `p` is in the interior of the set.
pub fn interior(set: &Set, p: &[f64]) -> bool {
    match set {
        Set::Boundary(_) => false,
        _ => {
            member(set, p)
                && probes(p, probe_distance(set))
                    .iter()
                    .all(|q| member(set, q))
        }
    }
}

fn point_in_polygon(v: &[(f64, f64)], x: f64, y: f64) -> bool {
    let mut inside = false;
    for i in 0..v.len() {
        let (a, b) = (v[i], v[(i + 1) % v.len()]);
        if (a.1 > y) != (b.1 > y) && x < a.0 + (y - a.1) * (b.0 - a.0) / (b.1 - a.1) {
            inside = !inside;
        }
    }
    inside
}

/// Rejection sampling gives up when a region takes in fewer than one draw
/// in this many from its bounding box.
const LEAST_ACCEPTANCE: usize = 1_000;

/// A region that sampling could not fill.
#[derive(Clone, Debug, PartialEq)]
pub struct TooThin {
    pub found: usize,
    pub wanted: usize,
}

impl std::fmt::Display for TooThin {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "found {} of {} points: the region fills less than 1/{LEAST_ACCEPTANCE} of its \
             bounding box, or nothing of it",
            self.found, self.wanted
        )
    }
}

/// Exactly `n` points inside a set (on it, for a boundary), drawn by
/// rejection from its bounding box; an error when the set is too thin to
/// fill that way. The candidates are the `sampler`'s points of the box, so
/// the points inside keep its spread, as DeepXDE's do: a first draw of `n`
/// measures the share of the box the set fills, and the next, sized by
/// it, fills `n` with a little to spare, of which `n` are kept at random.
/// Only where that falls short do further draws of `n` make up the rest.
/// The points come in a random order (in the sampler's, a Hammersley
/// set's first coordinate rises, and would pair with the coordinates drawn
/// beside it).
pub fn sample_inside(
    set: &Set,
    n: usize,
    sampler: Sampler,
    rng: &mut Rng,
) -> Result<Vec<Vec<f64>>, TooThin> {
    if let Set::Boundary(s) = set {
        return sample_boundary(s, n, rng);
    }
    let bounds = set.bounds().unwrap_or_default();
    let inside = |m: usize, rng: &mut Rng| -> Vec<Vec<f64>> {
        let box_points = unit_points(sampler, m, bounds.len(), rng);
        (box_points.into_iter())
            .map(|u| (bounds.iter().zip(u)).map(|((lo, hi), u)| lo + (hi - lo) * u))
            .map(|p| p.collect::<Vec<f64>>())
            .filter(|p| contains(set, p))
            .collect()
    };
    let limit = LEAST_ACCEPTANCE * (n + 100);
    let round = n.max(1);
    let share = inside(round, rng).len() as f64 / round as f64;
    let mut drawn = round;
    let mut points = vec![];
    if share > 0.0 {
        let sized = ((1.02 * n as f64 / share).ceil() as usize + 8).min(limit);
        points = inside(sized, rng);
        drawn += sized;
    }
    while points.len() < n && drawn < limit {
        points.extend(inside(round, rng));
        drawn += round;
    }
    if points.len() < n {
        return Err(TooThin {
            found: points.len(),
            wanted: n,
        });
    }
    rng.shuffle(&mut points);
    points.truncate(n);
    Ok(points)
}

/// Exactly `n` points on the boundary of a set. Each primitive's boundary
/// (box faces, spheres, polygon edges) is drawn in proportion to its
/// measure, so the points spread evenly over the whole boundary; those off
/// the set's boundary are rejected.
pub fn sample_boundary(set: &Set, n: usize, rng: &mut Rng) -> Result<Vec<Vec<f64>>, TooThin> {
    let points = boundary_draws(set, n, rng, |_, normal| normal)?;
    Ok(points.into_iter().map(|(p, _)| p).collect())
}

/// A boundary point and the unit normal there.
pub type WithNormal = (Vec<f64>, Vec<f64>);

/// [`sample_boundary`] with a unit normal at each point: the primitive's
/// normal there, turned to point out of the `domain` where the point lies
/// on the domain's boundary (into the hole, on the rim of a hole), and out
/// of the set itself elsewhere (an interface inside the domain). At a
/// corner, where no normal exists, it is one of the faces'.
pub fn sample_boundary_normals(
    set: &Set,
    domain: Option<&Set>,
    n: usize,
    rng: &mut Rng,
) -> Result<Vec<WithNormal>, TooThin> {
    let eps = probe_distance(set);
    boundary_draws(set, n, rng, |p, normal| {
        let step = |sign: f64| -> Vec<f64> {
            p.iter()
                .zip(&normal)
                .map(|(x, n)| x + sign * eps * n)
                .collect()
        };
        let (ahead, behind) = (step(1.0), step(-1.0));
        let into = |s: &Set| member(s, &ahead) && !member(s, &behind);
        let out_of = |s: &Set| !member(s, &ahead) && member(s, &behind);
        let inward = match domain {
            Some(d) if into(d) || out_of(d) => into(d),
            _ => into(set),
        };
        match inward {
            true => normal.iter().map(|n| -n).collect(),
            false => normal,
        }
    })
}

/// Points on the boundary of a set with the normal of the primitive each
/// lies on, as `orient` turns it (given the point). The primitives (and a
/// box's faces) are chosen by systematic sampling, the k-th draw at
/// `(u + k) / n` of their measures laid end to end for one random `u`: each
/// gets its share of the `n` points to within one (both ends of an
/// interval for `n = 2`, as DeepXDE draws them), where independent choices
/// would leave some short. Where the draw falls within its primitive places
/// the point there, evenly spaced along a curve; a surface pairs it with
/// `{v + k phi}` (phi the golden ratio) as a second coordinate, the
/// Fibonacci lattice, whose points spread evenly over a square and (by
/// Archimedes' equal areas) a sphere. The points come in a random order: in draw
/// order they would follow the boundary round, and the coordinates drawn
/// beside them (a time evenly spaced by Hammersley's first coordinate)
/// would pair with where they lie on it.
fn boundary_draws(
    set: &Set,
    n: usize,
    rng: &mut Rng,
    mut orient: impl FnMut(&[f64], Vec<f64>) -> Vec<f64>,
) -> Result<Vec<WithNormal>, TooThin> {
    let mut primitives = vec![];
    collect_primitives(set, &mut primitives);
    let measures: Vec<f64> = primitives.iter().map(|p| boundary_measure(p)).collect();
    let (offset, twist, slots, mut k) = (rng.unit(), rng.unit(), n.max(1), 0usize);
    rejection(n, rng, |rng| {
        // Each further round of n (after rejections) at a new offset, so
        // that no point repeats.
        let round = offset + (k / slots) as f64 * GOLDEN;
        let share = (round + (k % slots) as f64 / slots as f64).fract();
        let across = (twist + k as f64 * GOLDEN).fract();
        k += 1;
        let (index, within) = pick_at(&measures, share)?;
        let primitive = primitives[index];
        let (p, normal) = on_primitive_boundary(primitive, [within, across], rng);
        if !on_boundary(set, &p) {
            return None;
        }
        let normal = orient(&p, normal);
        Some((p, normal))
    })
    .map(|mut points| {
        rng.shuffle(&mut points);
        points
    })
}

/// Draws until `n` candidates are accepted, or gives up when fewer than
/// one in [`LEAST_ACCEPTANCE`] is.
fn rejection<T>(
    n: usize,
    rng: &mut Rng,
    mut candidate: impl FnMut(&mut Rng) -> Option<T>,
) -> Result<Vec<T>, TooThin> {
    let mut out = Vec::with_capacity(n);
    let limit = LEAST_ACCEPTANCE * (n + 100);
    for _ in 0..limit {
        if out.len() == n {
            break;
        }
        out.extend(candidate(rng));
    }
    match out.len() == n {
        true => Ok(out),
        false => Err(TooThin {
            found: out.len(),
            wanted: n,
        }),
    }
}

/// The fractional part of the golden ratio: successive multiples spread
/// evenly over [0, 1).
const GOLDEN: f64 = 0.618_033_988_749_894_9;

/// The index at `share` (in [0, 1)) of the weights laid end to end, and
/// where in its own weight that falls (in [0, 1)); `None` when the weights
/// add up to nothing.
fn pick_at(weights: &[f64], share: f64) -> Option<(usize, f64)> {
    let total: f64 = weights.iter().sum();
    if total <= 0.0 || total.is_nan() {
        return None;
    }
    let mut target = share * total;
    for (k, w) in weights.iter().enumerate() {
        if target < *w {
            return Some((k, target / w));
        }
        target -= w;
    }
    weights.iter().rposition(|w| *w > 0.0).map(|k| (k, 0.0))
}

/// The measure of a primitive's boundary: the area of a box's faces, a
/// sphere's surface, a polygon's perimeter (a count of points in 1-D).
pub fn boundary_measure(set: &Set) -> f64 {
    match set {
        Set::Box(b) => (0..b.len()).map(|k| 2.0 * face_area(b, k)).sum(),
        Set::Ball { center, radius } => {
            sphere_area(center.len()) * radius.powi(center.len() as i32 - 1)
        }
        Set::Polygon(v) => (0..v.len()).map(|i| edge_length(v, i)).sum(),
        _ => 0.0,
    }
}

/// The volume of a set's bounding box (its length in 1-D).
pub fn bounding_volume(set: &Set) -> f64 {
    set.bounds()
        .map_or(0.0, |b| b.iter().map(|(lo, hi)| hi - lo).product())
}

/// The area of a box's face across axis `k`.
fn face_area(b: &[(f64, f64)], k: usize) -> f64 {
    b.iter()
        .enumerate()
        .filter(|(j, _)| *j != k)
        .map(|(_, (lo, hi))| hi - lo)
        .product()
}

fn edge_length(v: &[(f64, f64)], i: usize) -> f64 {
    let (a, b) = (v[i], v[(i + 1) % v.len()]);
    (b.0 - a.0).hypot(b.1 - a.1)
}

/// The area of the unit sphere in `d` dimensions, `2 pi^(d/2) / Gamma(d/2)`
/// (2 points in 1-D, a circumference of 2 pi in 2-D).
fn sphere_area(d: usize) -> f64 {
    use std::f64::consts::PI;
    // Gamma(d/2) from Gamma(1/2) = sqrt(pi), Gamma(1) = 1, Gamma(x+1) = x Gamma(x).
    let even = d.is_multiple_of(2);
    let mut gamma = if even { 1.0 } else { PI.sqrt() };
    let mut x = if even { 1.0 } else { 0.5 };
    while x < d as f64 / 2.0 {
        gamma *= x;
        x += 1.0;
    }
    2.0 * PI.powf(d as f64 / 2.0) / gamma
}

fn collect_primitives<'s>(set: &'s Set, out: &mut Vec<&'s Set>) {
    match set {
        Set::Box(_) | Set::Ball { .. } | Set::Polygon(_) => out.push(set),
        Set::Boundary(s) => collect_primitives(s, out),
        Set::Union(a, b) | Set::Intersection(a, b) | Set::Difference(a, b) => {
            collect_primitives(a, out);
            collect_primitives(b, out);
        }
    }
}

/// A point on a primitive's boundary and the primitive's unit normal there
/// (outward for boxes and balls, either way for polygon edges). `at` places
/// it: its first coordinate in [0, 1) runs over the whole boundary (a box's
/// faces laid end to end, a circle's angle, a sphere's height, a polygon's
/// edges), its second across a surface (a face's second side, a sphere's
/// longitude); further dimensions of a face are drawn at random.
fn on_primitive_boundary(set: &Set, at: [f64; 2], rng: &mut Rng) -> (Vec<f64>, Vec<f64>) {
    let [within, across] = at;
    match set {
        Set::Box(b) => {
            // Faces in pairs: the lower and the upper across each axis.
            let areas: Vec<f64> = (0..2 * b.len()).map(|f| face_area(b, f / 2)).collect();
            let (face, along) = pick_at(&areas, within).unwrap_or((0, 0.0));
            let (k, upper) = (face / 2, face % 2 == 1);
            let mut free = [along, across].into_iter();
            let p = (b.iter().enumerate())
                .map(|(axis, (lo, hi))| match axis == k {
                    true if upper => *hi,
                    true => *lo,
                    false => lo + (hi - lo) * free.next().unwrap_or_else(|| rng.unit()),
                })
                .collect();
            let mut normal = vec![0.0; b.len()];
            normal[k] = if upper { 1.0 } else { -1.0 };
            (p, normal)
        }
        Set::Ball { center, radius } if center.len() == 2 => {
            let angle = 2.0 * std::f64::consts::PI * within;
            let normal = vec![angle.cos(), angle.sin()];
            let p = vec![
                center[0] + radius * normal[0],
                center[1] + radius * normal[1],
            ];
            (p, normal)
        }
        // A sphere's height is uniform over its area (Archimedes).
        Set::Ball { center, radius } if center.len() == 3 => {
            let (height, angle) = (1.0 - 2.0 * within, 2.0 * std::f64::consts::PI * across);
            let ring = (1.0 - height * height).max(0.0).sqrt();
            let normal = vec![ring * angle.cos(), ring * angle.sin(), height];
            let p = center.iter().zip(&normal).map(|(c, d)| c + radius * d);
            (p.collect(), normal)
        }
        Set::Ball { center, radius } => {
            let direction: Vec<f64> = center.iter().map(|_| rng.normal()).collect();
            let norm = direction
                .iter()
                .map(|d| d * d)
                .sum::<f64>()
                .sqrt()
                .max(f64::MIN_POSITIVE);
            let normal: Vec<f64> = direction.iter().map(|d| d / norm).collect();
            let p = center.iter().zip(&normal).map(|(c, d)| c + radius * d);
            (p.collect(), normal)
        }
        Set::Polygon(v) => {
            let lengths: Vec<f64> = (0..v.len()).map(|i| edge_length(v, i)).collect();
            let (i, t) = pick_at(&lengths, within).unwrap_or((0, 0.0));
            let (a, b) = (v[i], v[(i + 1) % v.len()]);
            let length = (b.0 - a.0).hypot(b.1 - a.1).max(f64::MIN_POSITIVE);
            let normal = vec![(b.1 - a.1) / length, (a.0 - b.0) / length];
            (vec![a.0 + t * (b.0 - a.0), a.1 + t * (b.1 - a.1)], normal)
        }
        _ => unreachable!("only primitives are collected"),
    }
}

#[cfg(test)]
mod tests;
