//! Building the loss program from a lowered model.
//!
//! Input: a checked model without errors and its lowering. Output: the
//! [`LossProgram`], or one diagnostic per construct that no back end can
//! train yet (E06xx), each on the construct's span, all of them together.

use super::features::Features;
use super::*;
use crate::diagnostics::{Code, Diagnostic};
use crate::ir::Node;
use crate::ir::lower::{Lowered, Lowerer, derivative_sets};
use crate::ir::subst::Substitution;
use crate::model::{Enforcement, Net, SolutionKind, Symmetry, SymmetryMap, group};
use std::collections::BTreeSet;

/// Time slabs of causal weighting: enough to resolve the order of the
/// solution in time, few enough that each holds many points.
const CAUSAL_SLABS: usize = 32;

/// Times a conservation law is sampled at, unless `train { points(...) }`
/// says otherwise: each reads its fields at every quadrature node.
const CONSERVE_TIMES: u64 = 64;

/// The loss program of `model`, or what keeps it from training.
pub fn build(model: &Model, lowered: &Lowered) -> Result<LossProgram, Vec<Diagnostic>> {
    let refused = untrainable(model, lowered);
    if !refused.is_empty() {
        return Err(refused);
    }
    let graph = lowered.graph.clone();
    let roots: Vec<ExprId> = lowered.residuals.iter().map(|r| r.expr).collect();
    let read = derivative_sets(&graph, &roots);
    let mut lowerer = Lowerer::new(model);
    lowerer.graph = graph;
    let nets = model
        .nets
        .iter()
        .map(|net| {
            let jets = jets(net, &read);
            let features = (!net.features.is_empty())
                .then(|| Features::new(&mut lowerer, &net.features, &net.inputs, &jets));
            NetPlan {
                name: net
                    .outputs
                    .iter()
                    .map(|f| model.function(*f).name.as_str())
                    .collect::<Vec<_>>()
                    .join(", "),
                inputs: net.inputs.clone(),
                outputs: net.outputs.iter().map(|f| parts(model, *f).len()).sum(),
                architecture: net.architecture,
                depth: net.depth as usize,
                width: net.width as usize,
                activation: net.activation,
                factorized: net.factorized,
                embedding: Embedding {
                    periods: net
                        .inputs
                        .iter()
                        .map(|c| period(model, lowered, net, *c))
                        .collect(),
                    fourier: net.fourier as usize,
                    scales: net.fourier_scales.clone(),
                    separate: net.separate_scales && net.fourier > 0,
                    time_scales: net.time_scales.clone(),
                    time: time_input(model, net).filter(|_| !net.time_scales.is_empty()),
                    features,
                },
                jets,
            }
        })
        .collect();
    let mut graph = lowerer.graph;
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
    let recovered = recovered(model, &batches, &mut graph);
    let systems = ode::systems(model, &|k| {
        let b = batches.iter().position(|b| b.constraint.index() == k)?;
        Some((BatchId(b as u32), batches[b].residuals[0].expr))
    });
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
        systems,
        conserved: lowered
            .conserved
            .iter()
            .map(|(label, quantity)| Conserved {
                label: label.clone(),
                quantity: *quantity,
                time: model
                    .conservation
                    .iter()
                    .find(|c| c.label == *label)
                    .expect("lowered from a conservation law")
                    .time,
            })
            .collect(),
        recovered,
        init_seed: model.train.seed ^ INIT_SEED,
        sample_seed: model.train.seed ^ SAMPLE_SEED,
    })
}

/// Where `t` is among a network's first layer's inputs: a coordinate, or
/// a feature that is `t` itself.
fn time_input(model: &Model, net: &Net) -> Option<usize> {
    let is_t = |c: &CoordId| model.coord(*c).name == "t";
    match net.features.is_empty() {
        true => net.inputs.iter().position(is_t),
        false => {
            (net.features.iter()).position(|f| matches!(f, crate::model::Expr::Coord(c) if is_t(c)))
        }
    }
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
        let averaged = lowered.symmetrised.iter().find(|(f, _)| *f == function);
        let hard = lowered.hard.iter().find(|h| h.function == function);
        let (parts, hard) = match (hard, averaged) {
            (Some(h), _) => (vec![(Part::Real, h.value)], Some(h.constraint)),
            (None, Some(&(_, value))) => (vec![(Part::Real, value)], None),
            (None, None) => (
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

/// Each learned function with an `exact` form that some batch reads at
/// arguments: its value there (the first such read, undifferentiated) and
/// the exact form at the same arguments.
fn recovered(model: &Model, batches: &[Batch], graph: &mut Graph) -> Vec<Recovered> {
    let mut lowerer = Lowerer::new(model);
    lowerer.graph = std::mem::take(graph);
    let mut out = vec![];
    for s in &model.solutions {
        let SolutionKind::Exact(e) = &s.kind else {
            continue;
        };
        let f = model.function(s.function);
        if f.domain.is_some() || f.complex {
            continue;
        }
        let g = &lowerer.graph;
        let read = batches.iter().enumerate().find_map(|(b, batch)| {
            let roots: Vec<ExprId> = batch.residuals.iter().map(|r| r.expr).collect();
            g.reachable(&roots)
                .into_iter()
                .find_map(|id| match g.node(id) {
                    Node::Apply {
                        function,
                        derivative,
                        args,
                        ..
                    } if *function == s.function && derivative.iter().all(|&o| o == 0) => {
                        Some((BatchId(b as u32), id, args.clone()))
                    }
                    _ => None,
                })
        });
        let Some((batch, learned, args)) = read else {
            continue;
        };
        let Ok(exact) = lowerer.expr(e) else {
            continue;
        };
        let replace: std::collections::HashMap<CoordId, ExprId> =
            f.coords.iter().copied().zip(args.iter().copied()).collect();
        let coords = lowerer.function_coords.clone();
        let exact = Substitution::new(&replace, &coords).apply(&mut lowerer.graph, exact.re);
        out.push(Recovered {
            function: s.function,
            batch,
            learned,
            exact,
        });
    }
    *graph = lowerer.graph;
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
        // A conservation law's points are times, each costing an integral.
        let conserved = model.conservation.iter().any(|q| q.label == c.label);
        let default = match conserved {
            true => CONSERVE_TIMES,
            false => model.train.points,
        };
        let asked = model
            .train
            .label_points
            .iter()
            .find(|(l, _)| *l == c.label)
            .map(|(_, n)| *n);
        // A constraint at another's points draws as many as it does.
        let leader = model
            .train
            .shared_points
            .iter()
            .find(|(f, _)| *f == c.label)
            .map(|(_, l)| l.as_str());
        let asked = asked.or_else(|| {
            let leader = leader?;
            let found = model.train.label_points.iter().find(|(l, _)| l == leader);
            Some(found.map_or(default, |(_, n)| *n))
        });
        let count = asked.unwrap_or(default);
        // The checker keeps a count on data only below its rows.
        let minibatch = asked
            .filter(|_| matches!(c.on, Where::Data(_)))
            .map(|n| n as usize);
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
                anchors: model
                    .train
                    .anchors
                    .iter()
                    .find(|(l, _)| *l == c.label)
                    .map(|(_, a)| a.clone()),
                minibatch,
                same_as: None,
            },
            causal,
        });
    }
    for (follower, leader) in &model.train.shared_points {
        let at = |label: &str| out.iter().position(|b| b.label == label);
        if let (Some(f), Some(l)) = (at(follower), at(leader)) {
            out[f].points.same_as = Some(BatchId(l as u32));
        }
    }
    out
}

/// Whether training builds symmetry `s` into its field: a periodicity
/// (`u(x + L, ...) = u(x, ...)`) into the inputs of a network that computes
/// the field alone, any other hard symmetry by averaging over its group
/// (an antiperiodicity both ways).
fn built_in(model: &Model, lowered: &Lowered, s: &Symmetry) -> bool {
    // Periods are built into the coordinates, which features replace.
    let alone = (model.nets.iter()).any(|n| n.outputs == [s.function] && n.features.is_empty());
    let averaged = lowered.symmetrised.iter().any(|(f, _)| *f == s.function);
    match s.map {
        _ if s.soft => false,
        SymmetryMap::Periodic { .. } if s.sign > 0.0 => alone,
        SymmetryMap::Periodic { .. } => alone && averaged,
        SymmetryMap::Finite { .. } => averaged,
        SymmetryMap::Sampled { .. } => false,
    }
}

/// Why symmetry `s` is not built in.
fn not_built_in(model: &Model, lowered: &Lowered, s: &Symmetry) -> &'static str {
    let function = model.function(s.function);
    let featured = |n: &Net| n.outputs.contains(&s.function) && !n.features.is_empty();
    if lowered.hard.iter().any(|h| h.function == s.function) {
        "its field has a hard constraint built in"
    } else if model.nets.iter().any(featured) {
        "its field's network reads input features"
    } else if function.complex {
        "its field is complex"
    } else {
        "its field shares its network with other fields"
    }
}

/// The period of a network in its input `coord`, if a symmetry built into
/// it makes it periodic there: `L` for a periodicity, `2L` for an
/// antiperiodicity.
fn period(model: &Model, lowered: &Lowered, net: &Net, coord: CoordId) -> Option<f64> {
    let [function] = net.outputs[..] else {
        return None;
    };
    model
        .symmetries
        .iter()
        .any(|s| s.function == function && built_in(model, lowered, s))
        .then(|| group::periods(model, function))?
        .into_iter()
        .zip(&model.function(function).coords)
        .find_map(|(p, c)| if *c == coord { p } else { None })
}

/// One diagnostic per constraint that reads a field with input features at
/// arguments that read networks or learned scalars: features are computed
/// from the points, outside the differentiated program, so no gradient
/// would reach those arguments through them.
fn features_moved(model: &Model, lowered: &Lowered) -> Vec<Diagnostic> {
    let g = &lowered.graph;
    let featured = |f: &FuncId| model.net_of(*f).is_some_and(|n| !n.features.is_empty());
    let mut seen = BTreeSet::new();
    let mut out = vec![];
    for r in &lowered.residuals {
        let read = g
            .reachable(&[r.expr])
            .into_iter()
            .find_map(|id| match g.node(id) {
                Node::Apply { function, args, .. }
                    if featured(function) && g.reads_weights(args) =>
                {
                    Some(*function)
                }
                _ => None,
            });
        let (Some(f), true) = (read, seen.insert(r.constraint)) else {
            continue;
        };
        let name = &model.function(f).name;
        out.push(
            Diagnostic::error(
                Code::FeaturesMoved,
                format!("training cannot read `{name}` through its input features here"),
            )
            .label(
                model.constraints[r.constraint.index()].span,
                format!("reads `{name}` at arguments that training changes"),
            )
            .help(format!(
                "`{name}`'s features are computed from the points, so no gradient reaches \
                 arguments that read fields or learned scalars through them; drop `features` \
                 from `{name}`'s net, or read it at coordinates"
            )),
        );
    }
    out
}

/// One diagnostic per construct no back end can train yet.
fn untrainable(model: &Model, lowered: &Lowered) -> Vec<Diagnostic> {
    let mut out = march::refusals(model);
    for (k, c) in model.constraints.iter().enumerate() {
        let k = ConstraintId(k as u32);
        if c.enforcement == Enforcement::Hard && !lowered.hard.iter().any(|h| h.constraint == k) {
            // Another hard value of the same field, built in already.
            let first = lowered.hard.iter().find(|h| {
                c.lhs.functions().contains(&h.function)
                    && model.constraints[h.constraint.index()].relation == Relation::Eq
            });
            let help = match first {
                Some(h) if c.relation == Relation::Eq => format!(
                    "`{}` gives `{}` its value already, and the two are joined only where \
                     each place has a distance function (a slice, or the boundary of a ball, \
                     a box, a polygon or a set made of them, a union only of balls, boxes and \
                     convex polygons); drop `hard` here to penalise this one in the loss",
                    model.constraints[h.constraint.index()].label,
                    model.function(h.function).name
                ),
                _ => "hard constraints are built in when they give a real field's value from \
                      the coordinates on slices and boundaries of balls, boxes, polygons and \
                      sets made of them (a union only of balls, boxes and convex polygons), \
                      several per field, or bound a real field's value by expressions of the \
                      coordinates (one lower and one upper bound per field, not with a value \
                      built in); drop `hard` to penalise it in the loss"
                    .to_string(),
            };
            out.push(
                Diagnostic::error(
                    Code::HardNotBuiltIn,
                    format!("training cannot build `{}` into its network yet", c.label),
                )
                .label(c.span, "a hard constraint without an output transform")
                .help(help),
            );
        }
    }
    out.extend(features_moved(model, lowered));
    for s in model
        .symmetries
        .iter()
        .filter(|s| !s.soft && !built_in(model, lowered, s))
    {
        out.push(
            Diagnostic::error(
                Code::SymmetryNotBuiltIn,
                format!(
                    "training cannot build this symmetry of `{}` into its network yet",
                    model.function(s.function).name
                ),
            )
            .label(s.span, not_built_in(model, lowered, s))
            .help(
                "a periodicity or antiperiodicity is built into a field with its own network \
                 of its coordinates (with `features`, give periodic ones, as `cos(x), sin(x)`), \
                 a finite group into any real field without a hard constraint built in; \
                 `soft symmetry` penalises it instead",
            ),
        );
    }
    out
}
