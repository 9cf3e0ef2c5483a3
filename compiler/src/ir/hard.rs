//! Hard constraints as output transforms.
//!
//! Input: a checked model's `hard u = g on S` constraints and its hard
//! bounds `hard u >= lo`, `hard u <= hi`. Output: for each one that can be
//! built in, a [`Hard`] transform: `u = g + phi N`, with `N` the network's
//! output and `phi` a smooth function of the coordinates that vanishes on
//! `S` and nowhere else in the domain, so that `u = g` holds on `S` exactly
//! whatever the network computes; for bounds, `u = lo + softplus(N)`,
//! `u = hi - softplus(-N)` or, with both, `u = lo + (hi - lo)(1 + tanh(N/2))/2`,
//! so that `u` never leaves them. Lowering then reads `u` (and its
//! derivatives, by symbolic differentiation) through the transform, and the
//! constraint leaves the loss.
//!
//! `softplus(N)` is written `log(1 + exp(N))`: exact, and finite while the
//! field stays within about 80 (float32) or 700 (float64) of its bound.
//!
//! `phi` by place: `x - a` on a slice `x = a`; `(|x - c|^2 - r^2) / 2r` on
//! the boundary of a ball (the signed distance to first order); the product
//! of `(x - lo)(hi - x) / (hi - lo)` over the coordinates on the boundary of
//! a box whose faces bound the domain; products over unions of places;
//! other boundaries (polygons, set operations, a box inside the domain) by
//! [`distance`]. Several values of one field share one transform by
//! transfinite interpolation ([`transforms`]). A constraint on a complex
//! field, with a value that reads anything but coordinates, or on a place
//! with no `phi` (the rim of a union with a non-convex polygon) has no
//! transform: training refuses it.

use super::distance;
use super::*;
use crate::model::{ConstraintId, Domain, Enforcement, Expr, Model, Relation, Set, Where};

/// The field `function` computed through an output transform of its
/// network that satisfies the hard constraint `constraint` exactly. Two
/// bounds of one field share one transform, one `Hard` each.
#[derive(Clone, Debug)]
pub struct Hard {
    pub constraint: ConstraintId,
    pub function: FuncId,
    /// `g + phi N` or a bounded transform of `N`, the network's output.
    pub value: ExprId,
}

/// Which side of a field a hard inequality bounds.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Side {
    Lower,
    Upper,
}

/// The side a hard constraint bounds: `hard u >= lo` or `hard u <= hi` on
/// the field's whole domain (see [`target`] for the field).
pub fn side(model: &Model, constraint: ConstraintId) -> Option<Side> {
    let c = &model.constraints[constraint.index()];
    if c.on != Where::Domain {
        return None;
    }
    match c.relation {
        Relation::Ge | Relation::Gt => Some(Side::Lower),
        Relation::Le | Relation::Lt => Some(Side::Upper),
        Relation::Eq => None,
    }
}

/// The value of `function` kept within `lower` and `upper` (bounds already
/// lowered into `g`, reading coordinates only), or `None`.
pub fn bounded(
    g: &mut Graph,
    model: &Model,
    function: FuncId,
    lower: Option<ExprId>,
    upper: Option<ExprId>,
) -> Option<ExprId> {
    if [lower, upper]
        .iter()
        .flatten()
        .any(|&b| !reads_coordinates_only(g, b))
    {
        return None;
    }
    let coords = model.function(function).coords.len();
    let network = g.field(function, Part::Real, vec![0; coords].into());
    let softplus = |g: &mut Graph, x: ExprId| {
        let e = g.call(Func::Exp, x);
        let one = g.num(1.0);
        let sum = g.add(&[one, e]);
        g.call(Func::Log, sum)
    };
    Some(match (lower, upper) {
        (Some(lo), Some(hi)) => {
            let half = g.num(0.5);
            let n = g.mul(&[half, network]);
            let t = g.call(Func::Tanh, n);
            let one = g.num(1.0);
            let rise = g.add(&[one, t]);
            let span = g.sub(hi, lo);
            let scaled = g.mul(&[half, span, rise]);
            g.add(&[lo, scaled])
        }
        (Some(lo), None) => {
            let above = softplus(g, network);
            g.add(&[lo, above])
        }
        (None, Some(hi)) => {
            let minus = g.neg(network);
            let below = softplus(g, minus);
            g.sub(hi, below)
        }
        (None, None) => return None,
    })
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

/// The transform of the hard constraints `parts` on the field `function`,
/// each `u = g_i` on a place with `phi_i`, and each value already lowered
/// into `g`: for one, [`transform`]; for several, transfinite
/// interpolation, `u = G + Π phi_i N` with
/// `G = Σ_i g_i Π_{j≠i} phi_j^2 / Σ_k Π_{j≠k} phi_j^2`, which is `g_i`
/// where `phi_i` vanishes (and 0 exactly where two places meet). One
/// [`Hard`] per constraint, sharing the value; when some place has no
/// `phi`, the first constraint's transform alone.
pub fn transforms(
    g: &mut Graph,
    model: &Model,
    function: FuncId,
    parts: &[(ConstraintId, ExprId)],
) -> Vec<Hard> {
    let first = |g: &mut Graph| {
        let (k, offset) = parts[0];
        transform(g, model, k, function, offset)
            .into_iter()
            .collect()
    };
    if parts.len() < 2 {
        return first(g);
    }
    let f = model.function(function);
    let Some(domain) = f.domain.as_ref() else {
        return vec![];
    };
    let mut factors = vec![];
    for &(k, offset) in parts {
        let c = &model.constraints[k.index()];
        if c.relation != Relation::Eq || !reads_coordinates_only(g, offset) {
            return first(g);
        }
        match factor(g, &c.on, domain) {
            Some(phi) => factors.push(phi),
            None => return first(g),
        }
    }
    let squares: Vec<ExprId> = factors.iter().map(|&phi| g.powi(phi, 2.0)).collect();
    let weights: Vec<ExprId> = (0..parts.len())
        .map(|i| {
            let others: Vec<ExprId> = (0..parts.len())
                .filter(|&j| j != i)
                .map(|j| squares[j])
                .collect();
            g.mul(&others)
        })
        .collect();
    // Where places meet every weight vanishes: a tiny floor keeps the
    // value finite there (0 at that point, unchanged 1e-15 away from it).
    let floor = g.num(1e-30);
    let mut terms = weights.clone();
    terms.push(floor);
    let total = g.add(&terms);
    let weighted: Vec<ExprId> = parts
        .iter()
        .zip(&weights)
        .map(|(&(_, offset), &w)| g.mul(&[offset, w]))
        .collect();
    let sum = g.add(&weighted);
    let interpolated = g.div(sum, total);
    let network = g.field(function, Part::Real, vec![0; f.coords.len()].into());
    let mut scaled = factors.clone();
    scaled.push(network);
    let scaled = g.mul(&scaled);
    let value = g.add(&[interpolated, scaled]);
    parts
        .iter()
        .map(|&(constraint, _)| Hard {
            constraint,
            function,
            value,
        })
        .collect()
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
    if c.relation != Relation::Eq || !reads_coordinates_only(g, offset) {
        return None;
    }
    let factor = factor(g, &c.on, f.domain.as_ref()?)?;
    let network = g.field(function, Part::Real, vec![0; f.coords.len()].into());
    let scaled = g.mul(&[factor, network]);
    let value = g.add(&[offset, scaled]);
    Some(Hard {
        constraint,
        function,
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

/// `phi` for the boundary of a ball, of a box that bounds the domain, or
/// of any other set ([`distance::boundary`]).
fn boundary(g: &mut Graph, coords: &[CoordId], set: &Set, domain: &Domain) -> Option<ExprId> {
    match set {
        Set::Ball { center, radius } => Some(distance::ball(g, coords, center, *radius)),
        Set::Box(sides) => {
            let mut factors = vec![];
            for (c, &(lo, hi)) in coords.iter().zip(sides) {
                // A face inside the domain would pin the field on the
                // whole plane through it, not just on the face: such a box
                // has the R-conjunction of its faces.
                let (dlo, dhi) = domain.range(*c)?;
                if lo > dlo || hi < dhi {
                    return distance::boundary(g, coords, set);
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
        other => distance::boundary(g, coords, other),
    }
}
