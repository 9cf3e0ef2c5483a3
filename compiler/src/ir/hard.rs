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

use super::*;
use crate::model::{ConstraintId, Domain, Enforcement, Expr, Model, Set, Where};

/// `function = offset + factor * network`, for the hard constraint
/// `constraint`.
#[derive(Clone, Debug)]
pub struct Hard {
    pub constraint: ConstraintId,
    pub function: FuncId,
    /// `g`: the constraint's value, over the whole domain.
    pub offset: ExprId,
    /// `phi`: zero exactly on the constraint's place.
    pub factor: ExprId,
    /// `g + phi N`, with `N` the network's output.
    pub value: ExprId,
}

/// The field a hard constraint `constraint` gives the value of, if it is
/// one that can have a transform: a real field's plain value, with a domain.
pub fn target(model: &Model, constraint: ConstraintId) -> Option<FuncId> {
    let c = &model.constraints[constraint.index()];
    let Expr::Field { function, .. } = c.lhs else {
        return None;
    };
    let f = model.function(function);
    let real_with_domain = c.enforcement == Enforcement::Hard && !f.complex && f.domain.is_some();
    real_with_domain.then_some(function)
}

/// The transform of hard constraint `constraint` on the field `function`
/// (see [`target`]), whose value `offset` is already lowered into `g`;
/// `None` when the value reads more than the coordinates or the place has
/// no `phi`.
pub fn transform(
    g: &mut Graph,
    model: &Model,
    constraint: ConstraintId,
    function: FuncId,
    offset: ExprId,
) -> Option<Hard> {
    let c = &model.constraints[constraint.index()];
    let f = model.function(function);
    if !reads_coordinates_only(g, offset) {
        return None;
    }
    let factor = factor(g, &c.on, f.domain.as_ref()?)?;
    let network = g.field(function, Part::Real, vec![0; f.coords.len()].into());
    let scaled = g.mul(&[factor, network]);
    let value = g.add(&[offset, scaled]);
    Some(Hard {
        constraint,
        function,
        offset,
        factor,
        value,
    })
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
