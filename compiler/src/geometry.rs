//! Points in regions: containment tests and deterministic sampling.
//!
//! A set's boundary is sampled on the boundaries of its primitives (box
//! faces, spheres, polygon edges), keeping the points that lie on the
//! boundary of the whole set: those with points of the set and points
//! outside it within a small distance (relative to the set's size).

use crate::model::Set;

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

/// Up to `n` points inside a set (rejection from its bounding box; fewer
/// when the set fills little of the box).
pub fn sample_inside(set: &Set, n: usize, rng: &mut Rng) -> Vec<Vec<f64>> {
    if let Set::Boundary(s) = set {
        return sample_boundary(s, n, rng);
    }
    let Some(bounds) = set.bounds() else {
        return vec![];
    };
    let mut out = vec![];
    for _ in 0..n * 50 {
        if out.len() == n {
            break;
        }
        let p: Vec<f64> = bounds.iter().map(|(lo, hi)| rng.range(*lo, *hi)).collect();
        if contains(set, &p) {
            out.push(p);
        }
    }
    out
}

/// Up to `n` points on the boundary of a set.
pub fn sample_boundary(set: &Set, n: usize, rng: &mut Rng) -> Vec<Vec<f64>> {
    let mut primitives = vec![];
    collect_primitives(set, &mut primitives);
    let mut out = vec![];
    for _ in 0..n * 50 {
        if out.len() == n || primitives.is_empty() {
            break;
        }
        let primitive = primitives[(rng.next_u64() % primitives.len() as u64) as usize];
        let p = on_primitive_boundary(primitive, rng);
        if on_boundary(set, &p) {
            out.push(p);
        }
    }
    out
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

fn on_primitive_boundary(set: &Set, rng: &mut Rng) -> Vec<f64> {
    match set {
        Set::Box(b) => {
            let mut p: Vec<f64> = b.iter().map(|(lo, hi)| rng.range(*lo, *hi)).collect();
            let k = (rng.next_u64() % b.len() as u64) as usize;
            p[k] = if rng.unit() < 0.5 { b[k].0 } else { b[k].1 };
            p
        }
        Set::Ball { center, radius } => {
            let direction: Vec<f64> = center.iter().map(|_| rng.normal()).collect();
            let norm = direction
                .iter()
                .map(|d| d * d)
                .sum::<f64>()
                .sqrt()
                .max(f64::MIN_POSITIVE);
            center
                .iter()
                .zip(&direction)
                .map(|(c, d)| c + radius * d / norm)
                .collect()
        }
        Set::Polygon(v) => {
            let i = (rng.next_u64() % v.len() as u64) as usize;
            let (a, b) = (v[i], v[(i + 1) % v.len()]);
            let t = rng.unit();
            vec![a.0 + t * (b.0 - a.0), a.1 + t * (b.1 - a.1)]
        }
        _ => unreachable!("only primitives are collected"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn plate() -> Set {
        Set::Difference(
            Box::new(Set::Box(vec![(-1.0, 1.0), (-1.0, 1.0)])),
            Box::new(Set::Ball {
                center: vec![0.0, 0.0],
                radius: 0.3,
            }),
        )
    }

    #[test]
    fn inside_points_avoid_the_hole() {
        let mut rng = Rng::new(1);
        let points = sample_inside(&plate(), 500, &mut rng);
        assert_eq!(points.len(), 500);
        assert!(
            points
                .iter()
                .all(|p| p[0].hypot(p[1]) >= 0.3 - 1e-12 && p[0].abs() <= 1.0 && p[1].abs() <= 1.0)
        );
    }

    #[test]
    fn boundary_points_lie_on_the_square_or_the_circle() {
        let mut rng = Rng::new(2);
        let points = sample_boundary(&plate(), 400, &mut rng);
        assert_eq!(points.len(), 400);
        let on_circle = |p: &Vec<f64>| (p[0].hypot(p[1]) - 0.3).abs() < 1e-12;
        let on_square =
            |p: &Vec<f64>| (p[0].abs() - 1.0).abs() < 1e-12 || (p[1].abs() - 1.0).abs() < 1e-12;
        assert!(points.iter().all(|p| on_circle(p) || on_square(p)));
        assert!(points.iter().any(on_circle) && points.iter().any(on_square));
    }

    #[test]
    fn the_lshape_boundary_excludes_the_removed_quadrant() {
        let lshape = Set::Difference(
            Box::new(Set::Box(vec![(-1.0, 1.0), (-1.0, 1.0)])),
            Box::new(Set::Box(vec![(0.0, 1.0), (0.0, 1.0)])),
        );
        let mut rng = Rng::new(3);
        for p in sample_boundary(&lshape, 300, &mut rng) {
            assert!(
                !(p[0] > 1e-9 && p[1] > 1e-9),
                "{p:?} is in the removed quadrant"
            );
        }
        let polygon = Set::Polygon(vec![(0.0, 0.0), (1.0, 0.0), (0.0, 1.0)]);
        assert!(contains(&polygon, &[0.2, 0.2]) && !contains(&polygon, &[0.6, 0.6]));
        assert!(contains(&polygon, &[0.5, 0.5]) && !interior(&polygon, &[0.5, 0.5]));
    }
}
