//! Functions that vanish exactly on the boundary of a set: the `phi` of a
//! hard constraint `u = g + phi N` (Sukumar and Srivastava 2022).
//!
//! Input: a set ([`Set`]) in the coordinates it is bound to. Output: an IR
//! expression of the coordinates that is zero on the set's boundary and
//! nowhere else in the closure of any domain the boundary bounds, or
//! `None` where none is built (a union with a non-convex polygon).
//!
//! - A polygon's boundary: the approximate distance functions of its edges
//!   (each trimmed to its segment, [`segment`]) joined by R-equivalence,
//!   `1 / Σ 1/φ_i`, written `Π φ_i / Σ_i Π_{j≠i} φ_j` so that it is
//!   exactly 0 on an edge (not 1/∞) and close to the distance near one.
//! - A difference or intersection: the product of its operands' boundary
//!   functions. Where an operand's boundary leaves the result's boundary,
//!   it runs outside the result (a hole's rim outside the plate, the plate's
//!   edge inside the hole), so it pins nothing the domain holds.
//! - A union: its parts' boundaries run inside it, so the union needs an
//!   implicit function signed by side ([`signed`]: positive inside, zero on
//!   the boundary), joined by Rvachev's R-disjunction
//!   `a + b + sqrt(a^2 + b^2)`; intersections and differences inside it by
//!   the R-conjunction `a + b - sqrt(a^2 + b^2)`. Balls, boxes and convex
//!   polygons have one; a non-convex polygon in a union has none.
//!
//! The square roots make the functions lose a derivative at corners and,
//! for segments, on the segment itself (where they behave as `|f|`): the
//! value there is exact, derivatives read exactly at a corner are not.

use super::*;
use crate::model::{CoordId, Set};

/// `phi` for the boundary of `set`: zero on it. Balls and boxes that bound
/// the domain are built by the caller ([`super::hard`]).
pub fn boundary(g: &mut Graph, coords: &[CoordId], set: &Set) -> Option<ExprId> {
    match set {
        Set::Polygon(points) => Some(polygon(g, coords, points)),
        Set::Ball { .. } | Set::Box(_) => signed(g, coords, set),
        Set::Difference(a, b) | Set::Intersection(a, b) => {
            let a = boundary(g, coords, a)?;
            let b = boundary(g, coords, b)?;
            Some(g.mul(&[a, b]))
        }
        Set::Union(..) => signed(g, coords, set),
        Set::Boundary(_) => None,
    }
}

/// An implicit function of `set`: positive inside, zero on its boundary,
/// negative outside, and close to the signed distance near the boundary
/// away from corners.
pub fn signed(g: &mut Graph, coords: &[CoordId], set: &Set) -> Option<ExprId> {
    match set {
        Set::Ball { center, radius } => {
            let outside = ball(g, coords, center, *radius);
            Some(g.neg(outside))
        }
        Set::Box(sides) => {
            let mut faces = vec![];
            for (c, &(lo, hi)) in coords.iter().zip(sides) {
                faces.push(offset(g, *c, lo));
                let below = offset(g, *c, hi);
                faces.push(g.neg(below));
            }
            Some(conjunction(g, &faces))
        }
        Set::Polygon(points) => {
            let edges = convex_edges(points)?;
            let faces: Vec<ExprId> = edges
                .into_iter()
                .map(|(p, q)| {
                    let f = line(g, coords, p, q);
                    g.neg(f)
                })
                .collect();
            Some(conjunction(g, &faces))
        }
        Set::Union(a, b) => {
            let (a, b) = (signed(g, coords, a)?, signed(g, coords, b)?);
            Some(r_join(g, a, b, 1.0))
        }
        Set::Intersection(a, b) => {
            let (a, b) = (signed(g, coords, a)?, signed(g, coords, b)?);
            Some(r_join(g, a, b, -1.0))
        }
        Set::Difference(a, b) => {
            let a = signed(g, coords, a)?;
            let b = signed(g, coords, b)?;
            let outside_b = g.neg(b);
            Some(r_join(g, a, outside_b, -1.0))
        }
        Set::Boundary(_) => None,
    }
}

/// `(|x - c|^2 - r^2) / 2r`: zero on the sphere, the distance from it to
/// first order, negative inside.
pub fn ball(g: &mut Graph, coords: &[CoordId], center: &[f64], radius: f64) -> ExprId {
    let squares: Vec<ExprId> = coords
        .iter()
        .zip(center)
        .map(|(c, x0)| {
            let d = offset(g, *c, *x0);
            g.powi(d, 2.0)
        })
        .collect();
    let sum = g.add(&squares);
    let r2 = g.num(radius * radius);
    let excess = g.sub(sum, r2);
    let scale = g.num(1.0 / (2.0 * radius));
    g.mul(&[excess, scale])
}

/// `x_c - a`.
fn offset(g: &mut Graph, c: CoordId, a: f64) -> ExprId {
    let x = g.coord(c);
    let a = g.num(a);
    g.sub(x, a)
}

/// Rvachev's R-functions: `a + b + sign sqrt(a^2 + b^2)`, the disjunction
/// (`sign = 1`, a union) or the conjunction (`-1`, an intersection).
fn r_join(g: &mut Graph, a: ExprId, b: ExprId, sign: f64) -> ExprId {
    let a2 = g.powi(a, 2.0);
    let b2 = g.powi(b, 2.0);
    let sum = g.add(&[a2, b2]);
    let root = g.sqrt(sum);
    let sign = g.num(sign);
    let signed_root = g.mul(&[sign, root]);
    g.add(&[a, b, signed_root])
}

fn conjunction(g: &mut Graph, faces: &[ExprId]) -> ExprId {
    faces[1..]
        .iter()
        .fold(faces[0], |acc, &f| r_join(g, acc, f, -1.0))
}

/// The signed distance from the line through `p` and `q` (positive to
/// the right of the direction `p -> q`).
fn line(g: &mut Graph, coords: &[CoordId], p: (f64, f64), q: (f64, f64)) -> ExprId {
    let length = ((q.0 - p.0).powi(2) + (q.1 - p.1).powi(2)).sqrt();
    let dx = offset(g, coords[0], p.0);
    let dy = offset(g, coords[1], p.1);
    let a = g.num((q.1 - p.1) / length);
    let b = g.num(-(q.0 - p.0) / length);
    let ax = g.mul(&[a, dx]);
    let by = g.mul(&[b, dy]);
    g.add(&[ax, by])
}

/// The approximate distance function of the segment `p`-`q`: with `f` the
/// signed distance from its line and `t = ((L/2)^2 - |x - m|^2)/L` (`m` its
/// midpoint, `L` its length; positive over the segment),
/// `sqrt(f^2 + ((sqrt(t^2 + f^4) - t)/2)^2)`: zero on the segment only.
fn segment(g: &mut Graph, coords: &[CoordId], p: (f64, f64), q: (f64, f64)) -> ExprId {
    let length = ((q.0 - p.0).powi(2) + (q.1 - p.1).powi(2)).sqrt();
    let f = line(g, coords, p, q);
    let mx = offset(g, coords[0], (p.0 + q.0) / 2.0);
    let my = offset(g, coords[1], (p.1 + q.1) / 2.0);
    let mx2 = g.powi(mx, 2.0);
    let my2 = g.powi(my, 2.0);
    let half2 = g.num((length / 2.0).powi(2));
    let spread = g.add(&[mx2, my2]);
    let inside = g.sub(half2, spread);
    let scale = g.num(1.0 / length);
    let t = g.mul(&[inside, scale]);
    let t2 = g.powi(t, 2.0);
    let f2 = g.powi(f, 2.0);
    let f4 = g.powi(f, 4.0);
    let r = g.add(&[t2, f4]);
    let root = g.sqrt(r);
    let excess = g.sub(root, t);
    let half = g.num(0.5);
    let trim = g.mul(&[half, excess]);
    let trim2 = g.powi(trim, 2.0);
    let sum = g.add(&[f2, trim2]);
    g.sqrt(sum)
}

/// The R-equivalence of a polygon's edge distances, `Π φ_i / Σ_i Π_{j≠i} φ_j`.
fn polygon(g: &mut Graph, coords: &[CoordId], points: &[(f64, f64)]) -> ExprId {
    let n = points.len();
    let edges: Vec<ExprId> = (0..n)
        .map(|i| segment(g, coords, points[i], points[(i + 1) % n]))
        .collect();
    let all = g.mul(&edges);
    let others: Vec<ExprId> = (0..n)
        .map(|i| {
            let rest: Vec<ExprId> = (0..n).filter(|&j| j != i).map(|j| edges[j]).collect();
            g.mul(&rest)
        })
        .collect();
    let sum = g.add(&others);
    g.div(all, sum)
}

/// A polygon's edge, from one vertex to the next.
type Edge = ((f64, f64), (f64, f64));

/// A convex polygon's edges, each oriented counterclockwise (the inside to
/// its left, where [`line`] is negative); `None` for a polygon that is not
/// convex.
fn convex_edges(points: &[(f64, f64)]) -> Option<Vec<Edge>> {
    let n = points.len();
    let cross = |i: usize| {
        let (a, b, c) = (points[i], points[(i + 1) % n], points[(i + 2) % n]);
        (b.0 - a.0) * (c.1 - b.1) - (b.1 - a.1) * (c.0 - b.0)
    };
    let turns: Vec<f64> = (0..n).map(cross).collect();
    let counterclockwise = turns.iter().all(|&t| t >= 0.0);
    let clockwise = turns.iter().all(|&t| t <= 0.0);
    if !counterclockwise && !clockwise {
        return None;
    }
    Some(
        (0..n)
            .map(|i| {
                let (p, q) = (points[i], points[(i + 1) % n]);
                if counterclockwise { (p, q) } else { (q, p) }
            })
            .collect(),
    )
}
