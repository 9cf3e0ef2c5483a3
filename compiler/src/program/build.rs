//! Building the loss program from a lowered model.
//!
//! Input: a checked model without errors and its lowering. Output: the
//! [`LossProgram`], or one diagnostic per construct that no back end can
//! train yet (E06xx), each on the construct's span, all of them together.

use super::*;
use crate::diagnostics::{Code, Diagnostic};
use crate::ir::Node;
use crate::ir::lower::{Lowered, Lowerer, derivative_sets};
use crate::model::{Enforcement, Net, SolutionKind, Symmetry, SymmetryMap};
use std::collections::BTreeSet;

/// Time slabs of causal weighting: enough to resolve the order of the
/// solution in time, few enough that each holds many points.
const CAUSAL_SLABS: usize = 32;

/// The loss program of `model`, or what keeps it from training.
pub fn build(model: &Model, lowered: &Lowered) -> Result<LossProgram, Vec<Diagnostic>> {
    let refused = untrainable(model, lowered);
    if !refused.is_empty() {
        return Err(refused);
    }
    let mut graph = lowered.graph.clone();
    let roots: Vec<ExprId> = lowered.residuals.iter().map(|r| r.expr).collect();
    let read = derivative_sets(&graph, &roots);
    let nets = model
        .nets
        .iter()
        .map(|net| NetPlan {
            name: net
                .outputs
                .iter()
                .map(|f| model.function(*f).name.as_str())
                .collect::<Vec<_>>()
                .join(", "),
            inputs: net.inputs.clone(),
            outputs: net.outputs.iter().map(|f| parts(model, *f).len()).sum(),
            depth: net.depth as usize,
            width: net.width as usize,
            activation: net.activation,
            embedding: Embedding {
                periods: net.inputs.iter().map(|c| period(model, net, *c)).collect(),
                fourier: net.fourier as usize,
                scale: net.fourier_scale,
            },
            jets: jets(net, &read),
        })
        .collect();
    let mut outputs = vec![];
    for (n, net) in model.nets.iter().enumerate() {
        let mut column = 0;
        for &function in &net.outputs {
            for &part in parts(model, function) {
                outputs.push(Output {
                    function,
                    part,
                    net: NetId(n as u32),
                    column,
                });
                column += 1;
            }
        }
    }
    let fields = field_values(model, lowered, &mut graph);
    let batches = batches(model, lowered);
    Ok(LossProgram {
        model: model.clone(),
        graph,
        nets,
        outputs,
        fields,
        scalars: model
            .learned
            .iter()
            .map(|l| Scalar {
                name: l.name.clone(),
                init: l.init,
            })
            .collect(),
        batches,
        init_seed: model.train.seed ^ INIT_SEED,
        sample_seed: model.train.seed ^ SAMPLE_SEED,
    })
}

/// The real parts of a function's value.
fn parts(model: &Model, f: FuncId) -> &'static [Part] {
    match model.function(f).complex {
        true => &[Part::Re, Part::Im],
        false => &[Part::Real],
    }
}

/// The value and the derivatives of a network's outputs that the residuals
/// read, lowest order first, each once.
fn jets(net: &Net, read: &[(FuncId, Vec<MultiIndex>)]) -> Vec<MultiIndex> {
    let value: MultiIndex = vec![0; net.inputs.len()].into();
    let mut all: Vec<MultiIndex> = vec![value.clone()];
    let mut seen = BTreeSet::from([value]);
    for (f, set) in read {
        if net.outputs.contains(f) {
            for d in set {
                if seen.insert(d.clone()) {
                    all.push(d.clone());
                }
            }
        }
    }
    all.sort_by_key(|d| {
        (
            d.iter().map(|&o| o as u32).sum::<u32>(),
            std::cmp::Reverse(d.clone()),
        )
    });
    all
}

/// Each field's value per part: the network's outputs, or the output
/// transform of its hard constraint; and its exact solution.
fn field_values(model: &Model, lowered: &Lowered, graph: &mut Graph) -> Vec<FieldValue> {
    let mut exact = Lowerer::new(model);
    exact.graph = std::mem::take(graph);
    let mut out = vec![];
    for (k, f) in model.functions.iter().enumerate() {
        let function = FuncId(k as u32);
        if f.domain.is_none() {
            continue;
        }
        let solution = exact_solution(&mut exact, function);
        let g = &mut exact.graph;
        let (parts, hard) = match lowered.hard.iter().find(|h| h.function == function) {
            Some(h) => (vec![(Part::Real, h.value)], Some(h.constraint)),
            None => (
                parts(model, function)
                    .iter()
                    .map(|&p| (p, g.field(function, p, vec![0; f.coords.len()].into())))
                    .collect(),
                None,
            ),
        };
        out.push(FieldValue {
            function,
            parts,
            hard,
            exact: solution,
        });
    }
    *graph = exact.graph;
    out
}

/// A field's `exact` solution per part, lowered; `None` without one, or
/// when it reads more than coordinates, parameters and numbers.
fn exact_solution(lowerer: &mut Lowerer, function: FuncId) -> Option<Vec<ExprId>> {
    let model = lowerer.model;
    let solution = model.solutions.iter().find(|s| s.function == function)?;
    let SolutionKind::Exact(e) = &solution.kind else {
        return None;
    };
    let value = lowerer.expr(e).ok()?;
    let g = &mut lowerer.graph;
    let roots = match model.function(function).complex {
        true => vec![value.re, value.im.unwrap_or_else(|| g.num(0.0))],
        false => vec![value.re],
    };
    let plain = g.reachable(&roots).iter().all(|&id| {
        !matches!(
            g.node(id),
            Node::Field { .. } | Node::Apply { .. } | Node::Learned(_) | Node::Column { .. }
        )
    });
    plain.then_some(roots)
}

/// The residuals lowering made of constraint `k`.
fn residuals_of(
    lowered: &Lowered,
    k: ConstraintId,
) -> impl Iterator<Item = &crate::ir::lower::Residual> {
    lowered.residuals.iter().filter(move |r| r.constraint == k)
}

/// One batch per constraint with residuals, in the model's order.
fn batches(model: &Model, lowered: &Lowered) -> Vec<Batch> {
    let time = model.coords.iter().position(|c| c.name == "t");
    let mut out = vec![];
    for (k, c) in model.constraints.iter().enumerate() {
        let k = ConstraintId(k as u32);
        let residuals: Vec<Residual> = residuals_of(lowered, k)
            .map(|r| Residual {
                part: r.part,
                expr: r.expr,
                relation: r.relation,
            })
            .collect();
        let Some(first) = residuals_of(lowered, k).next() else {
            // Built into a network (a hard constraint).
            continue;
        };
        let count = model
            .train
            .label_points
            .iter()
            .find(|(l, _)| *l == c.label)
            .map_or(model.train.points, |(_, n)| *n);
        // Causal weighting orders in time the residuals of every equation
        // that fills the domain's dimension with time running: over the
        // whole domain, an explicit box or a named region.
        let causal = time
            .map(|t| CoordId(t as u32))
            .filter(|t| model.train.causal > 0.0 && c.on.is_solid() && c.space.contains(t))
            .map(|time| Causal {
                time,
                eps: model.train.causal,
                slabs: CAUSAL_SLABS,
            });
        out.push(Batch {
            label: c.label.clone(),
            constraint: k,
            residuals,
            weight: first.weight,
            points: PointSet {
                place: c.on.clone(),
                count: count as usize,
            },
            causal,
        });
    }
    out
}

/// Whether training builds symmetry `s` into its network: a periodic one
/// (`u(x + L, ...) = u(x, ...)`, exactly) of a function whose network
/// computes it alone.
fn built_in(model: &Model, s: &Symmetry) -> bool {
    let alone = model.nets.iter().any(|n| n.outputs == [s.function]);
    matches!(s.map, SymmetryMap::Periodic { .. }) && s.sign == 1.0 && !s.soft && alone
}

/// The period of a network in its input `coord`, if a symmetry built into
/// it makes it periodic there.
fn period(model: &Model, net: &Net, coord: CoordId) -> Option<f64> {
    model.symmetries.iter().find_map(|s| match s.map {
        SymmetryMap::Periodic { coord: c, period }
            if c == coord && built_in(model, s) && net.outputs == [s.function] =>
        {
            Some(period)
        }
        _ => None,
    })
}

/// One diagnostic per construct no back end can train yet.
fn untrainable(model: &Model, lowered: &Lowered) -> Vec<Diagnostic> {
    let mut out = vec![];
    for (k, c) in model.constraints.iter().enumerate() {
        let k = ConstraintId(k as u32);
        if c.enforcement == Enforcement::Hard && !lowered.hard.iter().any(|h| h.constraint == k) {
            out.push(
                Diagnostic::error(
                    Code::HardNotBuiltIn,
                    format!("training cannot build `{}` into its network yet", c.label),
                )
                .label(c.span, "a hard constraint without an output transform")
                .help(
                    "hard constraints are built in when they give a real field's value from the \
                     coordinates on a slice, the boundary of a ball or the boundary of a box \
                     around the domain, one per field, or bound a real field's value by \
                     expressions of the coordinates (one lower and one upper bound per field, \
                     not with a value built in); drop `hard` to penalise it in the loss",
                ),
            );
        }
    }
    for s in model.symmetries.iter().filter(|s| !built_in(model, s)) {
        out.push(
            Diagnostic::error(
                Code::SymmetryNotBuiltIn,
                format!(
                    "training cannot build this symmetry of `{}` into its network yet",
                    model.function(s.function).name
                ),
            )
            .label(s.span, "not a periodicity of a field with its own network")
            .help(
                "periodicity `u(x + L, t) = u(x, t)` of a field with its own network is built \
                 in; other symmetries are not trained yet",
            ),
        );
    }
    for conservation in &model.conservation {
        out.push(
            Diagnostic::error(
                Code::ConservationNotTrained,
                "training does not support conservation laws yet",
            )
            .label(conservation.span, "a conservation law")
            .help("leave it out to train the rest of the model"),
        );
    }
    for p in &model.params {
        out.push(
            Diagnostic::error(
                Code::ParamNotTrained,
                format!(
                    "training does not support parameter families (`param {}`) yet",
                    p.name
                ),
            )
            .label(p.span, "a network input over a range")
            .help("train one member of the family: make it a `const`"),
        );
    }
    for (k, c) in model.constraints.iter().enumerate() {
        let k = ConstraintId(k as u32);
        let roots: Vec<ExprId> = residuals_of(lowered, k).map(|r| r.expr).collect();
        let applies = lowered
            .graph
            .reachable(&roots)
            .into_iter()
            .any(|id| matches!(lowered.graph.node(id), Node::Apply { .. }));
        if applies {
            out.push(
                Diagnostic::error(
                    Code::ApplyNotTrained,
                    format!("`{}` reads a field at other arguments, which training does not support yet", c.label),
                )
                .label(c.span, "a field at other arguments, such as `u(x + 1, t)`")
                .help("write the equation with the fields at the point itself"),
            );
        }
    }
    out
}
