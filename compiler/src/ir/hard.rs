//! Hard constraints as output transforms.
//!
//! Input: a checked model's `hard u = g on S` constraints. Output: for each
//! one that can be built in, a [`Hard`] transform `u = g + phi N`, with `N`
//! the network's output and `phi` a smooth function of the coordinates that
//! vanishes on `S` and nowhere else in the domain, so that `u = g` holds on
//! `S` exactly whatever the network computes. Lowering then reads `u` (and
//! its derivatives, by symbolic differentiation) through the transform, and
//! the constraint leaves the loss.
//!
//! `phi` by place: `x - a` on a slice `x = a`; `(|x - c|^2 - r^2) / 2r` on
//! the boundary of a ball (the signed distance to first order); the product
//! of `(x - lo)(hi - x) / (hi - lo)` over the coordinates on the boundary of
//! a box whose faces bound the domain; products over unions. A constraint
//! elsewhere (polygons, set operations, a box inside the domain), on a
//! complex field, with a value that reads anything but coordinates, or a
//! second one on the same field has no transform: training refuses it.

use super::lower::{Cx, Lowerer};
use super::*;
use crate::model::{Domain, Enforcement, Expr, Model, Set, Where};

/// `function = offset + factor * network`, for the hard constraint
/// `constraint`.
#[derive(Clone, Debug)]
pub struct Hard {
    pub constraint: usize,
    pub function: FuncId,
    /// `g`: the constraint's value, over the whole domain.
    pub offset: ExprId,
    /// `phi`: zero exactly on the constraint's place.
    pub factor: ExprId,
    /// `g + phi N`, with `N` the network's output.
    pub value: ExprId,
}

/// The transforms of the model's hard constraints that can be built in,
/// lowered into `lowerer`'s graph (before any field reads through them).
pub fn transforms(lowerer: &mut Lowerer) -> Vec<Hard> {
    let model: &Model = lowerer.model;
    let mut out: Vec<Hard> = vec![];
    for (k, c) in model.constraints.iter().enumerate() {
        if c.enforcement != Enforcement::Hard {
            continue;
        }
        let Expr::Field { function, .. } = c.lhs else {
            continue;
        };
        let f = model.function(function);
        let (false, Some(domain)) = (f.complex, &f.domain) else {
            continue;
        };
        if out.iter().any(|h| h.function == function) {
            continue;
        }
        let offset = match lowerer.expr(&c.rhs) {
            Ok(Cx { re, im: None }) if reads_coordinates_only(&lowerer.graph, re) => re,
            _ => continue,
        };
        let g = &mut lowerer.graph;
        let Some(factor) = factor(g, &c.on, domain) else {
            continue;
        };
        let network = g.field(function, Part::Real, vec![0; f.coords.len()].into());
        let scaled = g.mul(&[factor, network]);
        let value = g.add(&[offset, scaled]);
        out.push(Hard {
            constraint: k,
            function,
            offset,
            factor,
            value,
        });
    }
    out
}

/// Whether `e` is a function of the coordinates alone.
fn reads_coordinates_only(g: &Graph, e: ExprId) -> bool {
    g.reachable(&[e]).iter().all(|&id| {
        matches!(
            g.node(id),
            Node::Num(_)
                | Node::Coord(_)
                | Node::Add(_)
                | Node::Mul(_)
                | Node::Pow(..)
                | Node::Call(..)
        )
    })
}

/// `phi` for a place: zero on it, and nowhere else in `domain`.
fn factor(g: &mut Graph, on: &Where, domain: &Domain) -> Option<ExprId> {
    match on {
        Where::Slice { coord, value } => {
            let x = g.coord(*coord);
            let a = g.num(*value);
            Some(g.sub(x, a))
        }
        Where::Set {
            coords,
            set: Set::Boundary(inner),
            ..
        } => boundary(g, coords, inner, domain),
        Where::Union(places) => {
            let factors = places
                .iter()
                .map(|p| factor(g, p, domain))
                .collect::<Option<Vec<_>>>()?;
            Some(g.mul(&factors))
        }
        _ => None,
    }
}

/// `phi` for the boundary of a ball, or of a box that bounds the domain.
fn boundary(g: &mut Graph, coords: &[CoordId], set: &Set, domain: &Domain) -> Option<ExprId> {
    match set {
        Set::Ball { center, radius } => {
            let squares: Vec<ExprId> = coords
                .iter()
                .zip(center)
                .map(|(c, x0)| {
                    let x = g.coord(*c);
                    let x0 = g.num(*x0);
                    let d = g.sub(x, x0);
                    g.powi(d, 2.0)
                })
                .collect();
            let sum = g.add(&squares);
            let r2 = g.num(radius * radius);
            let excess = g.sub(sum, r2);
            let scale = g.num(1.0 / (2.0 * radius));
            Some(g.mul(&[excess, scale]))
        }
        Set::Box(sides) => {
            let mut factors = vec![];
            for (c, &(lo, hi)) in coords.iter().zip(sides) {
                // A face inside the domain would pin the field on the
                // whole plane through it, not just on the face.
                let (dlo, dhi) = domain.range(*c)?;
                if lo > dlo || hi < dhi {
                    return None;
                }
                let x = g.coord(*c);
                let (l, h) = (g.num(lo), g.num(hi));
                let above = g.sub(x, l);
                let below = g.sub(h, x);
                let scale = g.num(1.0 / (hi - lo));
                factors.extend([above, below, scale]);
            }
            Some(g.mul(&factors))
        }
        _ => None,
    }
}
