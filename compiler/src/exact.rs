//! Exact solutions against the equations.
//!
//! For every constraint whose fields all have an `exact` solution, the
//! solutions are substituted into its residuals as the model writes them,
//! hard constraints included and no output transform applied (a hard
//! transform shapes the network, not the field). Each derivative of a field
//! becomes the symbolic derivative of its solution), the residuals are
//! compiled to a native kernel ([`crate::jit`]) and evaluated at points
//! sampled from the constraint's region (interior, boxes and their
//! boundaries, slices, data rows; parameters across their ranges). A
//! constraint fails when
//!
//! ```text
//! max over its points |residual|  >  TOLERANCE * scale
//! ```
//!
//! where `scale` is the largest sum of the absolute values of the
//! residual's terms over the constraint's points and the interior of its
//! domain. Measuring against the size of the terms (not of the residual)
//! makes round-off in large terms pass and a wrong term of any size fail;
//! taking it over the interior too gives a boundary condition such as
//! `u = 0 on x = 1` the size of `u`, not the size of its (zero) value there.
//! Constraints that read a learned scalar are skipped: its value is unknown
//! until training.

use crate::diagnostics::{Code, Diagnostic};
use crate::ir::diff::Differentiator;
use crate::ir::lower::Lowerer;
use crate::ir::{ExprId, Graph, Node, Part};
use crate::model::*;
use crate::program::geometry::Rng;
use crate::program::sample::{Point, points};
use std::collections::HashMap;

/// Relative tolerance of the check (see the module documentation).
pub const TOLERANCE: f64 = 1e-8;
/// The tolerance for constraints that read a fractional operator. Its
/// quadrature is exact for polynomials and spectrally accurate for smooth
/// fields, but closed-form solutions of fractional problems are mostly
/// singular in their derivatives at the boundary (`(1 - |x|^2)^(1 + a/2)`
/// on a disk), where it converges algebraically: within 1e-3 of the
/// terms at most points, about 1e-2 within 0.2% of the boundary. So a
/// fractional constraint fails when more than [`FRACTIONAL_SHARE`] of its
/// points miss by this much: a wrong solution, operator or order misses
/// nearly everywhere.
pub const FRACTIONAL_TOLERANCE: f64 = 1e-3;
/// The share of points a fractional constraint may miss by
/// [`FRACTIONAL_TOLERANCE`] (those next to the boundary).
pub const FRACTIONAL_SHARE: f64 = 0.1;
/// Points sampled per region part.
const POINTS: usize = 256;

/// Warnings for the constraints the exact solutions do not satisfy.
pub fn check(model: &Model) -> Vec<Diagnostic> {
    let exact: Vec<&Solution> = model
        .solutions
        .iter()
        .filter(|s| s.checked && matches!(s.kind, SolutionKind::Exact(_)))
        .collect();
    if exact.is_empty() {
        return vec![];
    }
    // No output transforms: the equations as written.
    let mut lowerer = Lowerer::new(model);
    // The real and imaginary parts of each solution.
    let mut parts: HashMap<(FuncId, Part), ExprId> = HashMap::new();
    for s in &exact {
        let SolutionKind::Exact(e) = &s.kind else {
            continue;
        };
        let Ok(value) = lowerer.expr(e) else { continue };
        let zero = lowerer.graph.num(0.0);
        if model.function(s.function).complex {
            parts.insert((s.function, Part::Re), value.re);
            parts.insert((s.function, Part::Im), value.im.unwrap_or(zero));
        } else {
            parts.insert((s.function, Part::Real), value.re);
        }
    }
    let mut warnings = vec![];
    for constraint in &model.constraints {
        let Ok(residuals) = lowerer.residual(&constraint.lhs, &constraint.rhs) else {
            continue;
        };
        // Each residual and, for its scale, each of its terms as written:
        // after substitution, terms may merge into one tiny round-off term.
        let substituted: Option<Vec<Substituted>> = residuals
            .iter()
            .map(|&(part, expr)| {
                let terms: Vec<ExprId> = match lowerer.graph.node(expr) {
                    Node::Add(ts) => ts.to_vec(),
                    _ => vec![expr],
                };
                let mut sub =
                    |e| substitute(&mut lowerer.graph, &mut lowerer.diff, e, &parts, model);
                let residual = sub(expr)?;
                let terms = terms
                    .into_iter()
                    .map(&mut sub)
                    .collect::<Option<Vec<_>>>()?;
                Some(Substituted {
                    part,
                    residual,
                    terms,
                })
            })
            .collect();
        let Some(substituted) = substituted.filter(|s| !reads_learned(&lowerer.graph, s)) else {
            continue;
        };
        if let Some(w) = check_constraint(model, constraint, &lowerer.graph, &substituted) {
            warnings.push(w);
        }
    }
    warnings
}

/// A residual with its solutions substituted, and its terms, substituted
/// one by one.
struct Substituted {
    part: Part,
    residual: ExprId,
    terms: Vec<ExprId>,
}

fn reads_learned(g: &Graph, residuals: &[Substituted]) -> bool {
    let roots: Vec<ExprId> = residuals
        .iter()
        .flat_map(|s| std::iter::once(s.residual).chain(s.terms.iter().copied()))
        .collect();
    g.reachable(&roots)
        .iter()
        .any(|&id| matches!(g.node(id), Node::Learned(_)))
}

/// The residual with every field replaced by its solution (`parts` maps each
/// function part to its solution's IR); `None` if some
/// field has none.
pub fn substitute(
    g: &mut Graph,
    d: &mut Differentiator,
    root: ExprId,
    parts: &HashMap<(FuncId, Part), ExprId>,
    model: &Model,
) -> Option<ExprId> {
    let mut missing = false;
    let mut memo = HashMap::new();
    let result = rebuild(g, root, &mut memo, &mut |g, node| match node {
        Node::Field {
            function,
            part,
            derivative,
        }
        | Node::Apply {
            function,
            part,
            derivative,
            ..
        } => {
            let Some(&solution) = parts.get(&(*function, *part)) else {
                missing = true;
                return Some(g.num(0.0));
            };
            let coords = &model.function(*function).coords;
            let mut value = solution;
            for (c, order) in coords.iter().zip(derivative.iter()) {
                value = d.diff_n(g, value, *c, *order as u32);
            }
            if let Node::Apply { args, .. } = node {
                // The solution at other arguments: its coordinates replaced.
                let replacement: HashMap<CoordId, ExprId> =
                    coords.iter().copied().zip(args.iter().copied()).collect();
                value = rebuild(g, value, &mut HashMap::new(), &mut |_, n| match n {
                    Node::Coord(c) => replacement.get(c).copied(),
                    _ => None,
                });
            }
            Some(value)
        }
        _ => None,
    });
    (!missing).then_some(result)
}

/// Rebuilds `id` through the smart constructors, replacing the nodes for
/// which `replace` returns a value.
pub fn rebuild(
    g: &mut Graph,
    id: ExprId,
    memo: &mut HashMap<ExprId, ExprId>,
    replace: &mut dyn FnMut(&mut Graph, &Node) -> Option<ExprId>,
) -> ExprId {
    if let Some(&r) = memo.get(&id) {
        return r;
    }
    let node = g.node(id).clone();
    let result = match replace(g, &node) {
        Some(r) => r,
        None => match node {
            Node::Add(xs) => {
                let xs: Vec<ExprId> = xs.iter().map(|&x| rebuild(g, x, memo, replace)).collect();
                g.add(&xs)
            }
            Node::Mul(xs) => {
                let xs: Vec<ExprId> = xs.iter().map(|&x| rebuild(g, x, memo, replace)).collect();
                g.mul(&xs)
            }
            Node::Pow(a, b) => {
                let (a, b) = (rebuild(g, a, memo, replace), rebuild(g, b, memo, replace));
                g.pow(a, b)
            }
            Node::Call(f, a) => {
                let a = rebuild(g, a, memo, replace);
                g.call(f, a)
            }
            Node::Apply {
                function,
                part,
                derivative,
                args,
            } => {
                let args: Vec<ExprId> =
                    args.iter().map(|&x| rebuild(g, x, memo, replace)).collect();
                g.apply(function, part, derivative, args.into())
            }
            _ => id,
        },
    };
    memo.insert(id, result);
    result
}

fn check_constraint(
    model: &Model,
    c: &Constraint,
    g: &Graph,
    residuals: &[Substituted],
) -> Option<Diagnostic> {
    let mut rng = Rng::new(0x5eed);
    // A region too thin to sample is reported where training samples it.
    let region = points(model, c, &c.on, POINTS, &mut rng).ok()?;
    let interior = if matches!(c.on, Where::Data(_)) {
        vec![]
    } else {
        points(model, c, &Where::Domain, POINTS, &mut rng).ok()?
    };
    // Roots: each residual, then the terms of each.
    let mut all_roots: Vec<ExprId> = residuals.iter().map(|s| s.residual).collect();
    let mut term_ranges = vec![];
    for s in residuals {
        term_ranges.push((all_roots.len(), s.terms.len()));
        all_roots.extend(&s.terms);
    }
    let kernel = crate::jit::Kernel::compile(g, &all_roots).ok()?;
    let values = evaluate(&kernel, model, &region);
    let interior_values = evaluate(&kernel, model, &interior);
    let scale_of = |values: &[Vec<f64>], (start, len): (usize, usize)| {
        values
            .iter()
            .map(|v| v[start..start + len].iter().map(|t| t.abs()).sum::<f64>())
            .filter(|s| s.is_finite())
            .fold(0.0, f64::max)
    };
    let at = |point: &Point| -> String {
        let coords = c.space.iter().map(|cid| {
            format!(
                "{} = {}",
                model.coord(*cid).name,
                short(point.coords[cid.index()])
            )
        });
        coords.collect::<Vec<_>>().join(", ")
    };
    for (k, Substituted { part, .. }) in residuals.iter().enumerate() {
        let part = match part {
            Part::Real => "",
            Part::Re => " (real part)",
            Part::Im => " (imaginary part)",
        };
        // A solution outside its own domain (`sqrt` or `log` of a negative
        // number, a division by zero) has no residual to compare; a few
        // singular points are left alone, most of the region is not.
        let undefined: Vec<&Point> = values
            .iter()
            .zip(&region)
            .filter(|(v, _)| !v[k].is_finite())
            .map(|(_, p)| p)
            .collect();
        if undefined.len() * 10 > region.len() {
            return Some(
                Diagnostic::warning(
                    Code::ExactMismatch,
                    format!("the exact solution gives `{}`{part} no value", c.label),
                )
                .label(c.span, format!("not a finite number at {}", at(undefined[0])))
                .help(format!(
                    "the `exact` solution or its derivatives are not finite at {} of the {} points checked here: look for `sqrt` or `log` of negative numbers and divisions by zero",
                    undefined.len(),
                    region.len()
                )),
            );
        }
        let scale =
            scale_of(&values, term_ranges[k]).max(scale_of(&interior_values, term_ranges[k]));
        let tolerance = match c.fractional {
            true => FRACTIONAL_TOLERANCE,
            false => TOLERANCE,
        };
        let limit = tolerance * scale;
        let violation = |r: f64| match c.relation {
            Relation::Eq => r.abs() > limit,
            Relation::Ge | Relation::Gt => r < -limit,
            Relation::Le | Relation::Lt => r > limit,
        };
        let worst = values
            .iter()
            .zip(&region)
            .filter(|(v, _)| v[k].is_finite())
            .max_by(|(a, _), (b, _)| a[k].abs().total_cmp(&b[k].abs()));
        let Some((v, point)) = worst.filter(|(v, _)| violation(v[k])) else {
            continue;
        };
        let missed = values.iter().filter(|v| violation(v[k])).count();
        if c.fractional && (missed as f64) <= FRACTIONAL_SHARE * values.len() as f64 {
            continue;
        }
        return Some(
            Diagnostic::warning(Code::ExactMismatch, format!("the exact solution does not satisfy `{}`{part}", c.label))
                .label(c.span, format!("residual {} at {}", short(v[k]), at(point)))
                .help(format!(
                    "check this equation and the `exact` solution: its terms reach {} in size over its points and the domain, and it is checked to {tolerance:e} of that{}",
                    short(scale),
                    match c.fractional {
                        true => " at 90% of them (fractional operators are integrated by quadrature, which meets a solution whose derivatives are singular at the boundary only approximately)",
                        false => "",
                    }
                )),
        );
    }
    None
}

/// The kernel's roots at each point.
fn evaluate(kernel: &crate::jit::Kernel, model: &Model, points: &[Point]) -> Vec<Vec<f64>> {
    use crate::ir::eval::Leaf;
    kernel.eval_with(points.len(), |leaf, i| {
        let p = &points[i];
        match leaf {
            Leaf::Coord(c) => p.coords[c.index()],
            Leaf::Normal(c) => p.normal_component(*c),
            Leaf::Column { data, column } => p.row.map_or(f64::NAN, |row| {
                model.data[data.index()].values[*column as usize][row]
            }),
            // Constraints with learned scalars are skipped; fields are substituted.
            Leaf::Learned(_) | Leaf::Field { .. } | Leaf::Apply(_) => f64::NAN,
        }
    })
}

fn short(v: f64) -> String {
    if v == 0.0 || (1e-3..1e4).contains(&v.abs()) {
        format!("{}", (v * 1e4).round() / 1e4)
    } else {
        format!("{v:.3e}")
    }
}
