//! Symmetries built in by averaging over their group.
//!
//! Input: a field whose hard symmetries generate a finite group `G` with
//! value maps `rho_g(u) = s_g u + c_g`, `s_g = ±1`
//! ([`crate::model::group`]). Output: its value as the average
//! `u(x) = (1/|G|) sum_g rho_g^-1(N(g x)) = (1/|G|) sum_g s_g (N(g x) - c_g)`
//! of its network `N`, in the IR: `N` at the point for the identity, at
//! the mapped arguments (`Apply`) for the others. Then `u(h x) =
//! rho_h(u(x))` for every `h` in `G`, whatever the weights (the `rho` are
//! affine, so they pass through the average), and the jets stay exact: the
//! residuals differentiate the average symbolically, by the chain rule
//! through each map.
//!
//! An antiperiodicity shifts by half the period the network is built
//! with, so it is averaged only when the field has its network to itself
//! (the network's inputs carry the period); a complex field is not
//! averaged.

use super::*;
use crate::model::group::{self, Element};
use crate::model::{FuncId, Model, SymmetryMap};

/// The averaged value of `function`, or `None` when its symmetries are not
/// built in by averaging.
pub fn averaged(g: &mut Graph, model: &Model, function: FuncId) -> Option<ExprId> {
    let f = model.function(function);
    let elements = group::group_of(model, function)?.ok()?;
    let antiperiodic = model.symmetries.iter().any(|s| {
        s.function == function
            && !s.soft
            && s.sign < 0.0
            && matches!(s.map, SymmetryMap::Periodic { .. })
    });
    let alone = model.nets.iter().any(|n| n.outputs == [function]);
    if f.complex || (antiperiodic && !alone) {
        return None;
    }
    let terms: Vec<ExprId> = elements
        .iter()
        .map(|e| {
            let value = at(g, function, &f.coords, e);
            let offset = g.num(-e.offset);
            let shifted = g.add(&[value, offset]);
            let sign = g.num(e.sign);
            g.mul(&[sign, shifted])
        })
        .collect();
    let sum = g.add(&terms);
    let mean = g.num(1.0 / elements.len() as f64);
    Some(g.mul(&[mean, sum]))
}

/// The network's output at the element's image of the point.
fn at(g: &mut Graph, function: FuncId, coords: &[crate::model::CoordId], e: &Element) -> ExprId {
    let identity = e
        .images
        .iter()
        .enumerate()
        .all(|(k, i)| i.is_unmoved(k, 0.0));
    let zero: MultiIndex = vec![0; coords.len()].into();
    if identity {
        return g.field(function, Part::Real, zero);
    }
    let args: Box<[ExprId]> = e
        .images
        .iter()
        .map(|i| {
            let mut terms: Vec<ExprId> = i
                .coef
                .iter()
                .zip(coords)
                .filter(|(a, _)| **a != 0.0)
                .map(|(&a, &c)| {
                    let (a, c) = (g.num(a), g.coord(c));
                    g.mul(&[a, c])
                })
                .collect();
            terms.push(g.num(i.shift));
            g.add(&terms)
        })
        .collect();
    g.apply(function, Part::Real, zero, args)
}
