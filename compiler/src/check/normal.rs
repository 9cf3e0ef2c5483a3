//! The outward normal derivative `d(u, n)`.
//!
//! Input: `d(e, n)` where `n` names no coordinate or local, in a constraint.
//! Output: `Σ_c n_c d(e, c)` over the coordinates `e` depends on,
//! with [`Expr::Normal`] leaves that every sample point of a boundary
//! carries (its outward unit normal, computed by the sampler). Once the
//! constraint's place is known, the components along coordinates its
//! boundary does not bind (time on `boundary(plate)`, every coordinate but
//! `x` on `x = 1`) are dropped with their terms, so no derivative is asked
//! of a network that the normal does not read.
//!
//! Invariant: a checked constraint reads `n_c` only where every part of its
//! place is a boundary set or a slice at an end of its coordinate's range.

use super::expr::Scope;
use super::*;
use crate::program::sample::end_side;

/// A constraint that reads the normal, and where the first `d(u, n)` is.
pub(super) struct NormalUse {
    pub constraint: usize,
    pub span: Span,
}

impl Checker<'_> {
    /// Whether `d(...)` with these arguments is a normal derivative: two
    /// arguments, the second the name `n` bound to nothing nearer.
    pub(super) fn is_normal_derivative(&self, args: &[ast::Expr], scope: &Scope) -> bool {
        matches!(args, [_, ast::Expr { kind: ast::ExprKind::Name(id), .. }]
            if id.name == "n" && scope.get("n").is_none() && self.coord_id("n").is_none())
    }

    /// `d(e, n)`: the sum over `e`'s coordinates of `n_c` times `d(e, c)`
    /// (0 for a constant).
    pub(super) fn normal_derivative(
        &mut self,
        e: &ast::Expr,
        operand: &ast::Expr,
        scope: &mut Scope,
    ) -> Expr {
        let span = self.call_site.as_ref().map_or(e.span, |(s, _)| *s);
        self.normal_spans.push(span);
        let target = self.expr(operand, scope);
        // The coordinates the operand depends on: its fields' and those
        // written in it (`d(sin(x)*y, n)`).
        let mut coords: Vec<CoordId> = vec![];
        for f in target.functions() {
            coords.extend(&self.model.function(f).coords);
        }
        target.visit(&mut |e| {
            if let Expr::Coord(c) = e {
                coords.push(*c);
            }
        });
        let mut seen = HashSet::new();
        coords.retain(|c| seen.insert(*c));
        let terms: Vec<Expr> = coords
            .into_iter()
            .map(|c| {
                let derivative = match &target {
                    Expr::Field {
                        function,
                        derivative,
                    } => {
                        let own = &self.model.function(*function).coords;
                        match own.iter().position(|x| *x == c) {
                            Some(p) => {
                                let mut derivative = derivative.clone();
                                derivative[p] += 1;
                                Expr::Field {
                                    function: *function,
                                    derivative,
                                }
                            }
                            None => Expr::Number(0.0),
                        }
                    }
                    other => Expr::Diff {
                        expr: Box::new(other.clone()),
                        coord: c,
                        order: 1,
                    },
                };
                Expr::Binary {
                    op: BinOp::Mul,
                    lhs: Box::new(Expr::Normal(c)),
                    rhs: Box::new(derivative),
                }
            })
            .collect();
        Expr::sum(terms)
    }

    /// After a statement: a new (non-`ode`) constraint that took `d(u, n)`
    /// is checked once domains are known; any other statement cannot take it.
    pub(super) fn claim_normals(&mut self, item: &ast::ItemKind, constraints: usize) {
        let Some(&span) = self.normal_spans.first() else {
            return;
        };
        match item {
            ast::ItemKind::Constraint(c) => {
                let checked = self.model.constraints.len() > constraints;
                let ode = matches!(c.modifier, Some((ast::Modifier::Ode, _)));
                if checked && !ode {
                    self.normal_uses.push(NormalUse {
                        constraint: constraints,
                        span,
                    });
                }
            }
            _ => self.report(
                Diagnostic::error(
                    Code::NormalOffBoundary,
                    "a normal derivative outside an equation",
                )
                .label(span, "the outward normal exists only at boundary points")
                .help("take `d(u, n)` in an equation `on boundary(R)` or on a slice at an end of a range"),
            ),
        }
    }

    /// Once domains are known: each constraint that reads the normal holds
    /// on boundaries only, and keeps the components its boundaries bind.
    pub(super) fn check_normals(&mut self) {
        for NormalUse { constraint, span } in std::mem::take(&mut self.normal_uses) {
            let c = &self.model.constraints[constraint];
            let mut functions = c.lhs.functions();
            functions.extend(c.rhs.functions());
            match self.normal_coords(&c.on, &functions) {
                Ok(bound) => {
                    let c = &mut self.model.constraints[constraint];
                    let lhs = std::mem::replace(&mut c.lhs, Expr::Number(0.0));
                    let rhs = std::mem::replace(&mut c.rhs, Expr::Number(0.0));
                    c.lhs = keep_components(lhs, &bound);
                    c.rhs = keep_components(rhs, &bound);
                }
                Err(why) => {
                    let label = c.label.clone();
                    self.report(
                        Diagnostic::error(
                            Code::NormalOffBoundary,
                            format!("`{label}` takes a normal derivative away from a boundary"),
                        )
                        .label(span, "the outward normal exists only on a boundary")
                        .help(format!(
                            "{why}; put it `on boundary(R)` for a region `R`, or on a slice \
                             at an end of a coordinate's range, such as `x = 1`"
                        )),
                    );
                }
            }
        }
    }

    /// The coordinates the boundaries of a place bind, or why it has none.
    fn normal_coords(&self, on: &Where, functions: &[FuncId]) -> Result<Vec<CoordId>, String> {
        match on {
            Where::Set {
                coords,
                set: Set::Boundary(_),
                ..
            } => Ok(coords.clone()),
            Where::Slice { coord, value } => {
                let name = &self.model.coord(*coord).name;
                let ends = functions.iter().find_map(|f| {
                    self.model
                        .function(*f)
                        .domain
                        .as_ref()
                        .and_then(|d| d.range(*coord))
                });
                match ends {
                    Some((lo, hi)) if end_side(*value, lo, hi).is_some() => Ok(vec![*coord]),
                    Some((lo, hi)) => Err(format!(
                        "`{name} = {value}` lies inside {name}'s range [{lo}, {hi}]"
                    )),
                    None => Err(format!("`{name}` has no range here")),
                }
            }
            Where::Union(parts) => {
                let mut out: Vec<CoordId> = vec![];
                for part in parts {
                    for c in self.normal_coords(part, functions)? {
                        if !out.contains(&c) {
                            out.push(c);
                        }
                    }
                }
                Ok(out)
            }
            Where::Domain => Err("it holds on the whole domain".to_string()),
            Where::Set { .. } => Err("it holds inside a region".to_string()),
            Where::Data(_) => Err("it holds on data rows".to_string()),
        }
    }
}

/// Drops the normal's components along coordinates outside `bound`, with
/// the terms they multiply.
fn keep_components(e: Expr, bound: &[CoordId]) -> Expr {
    let zero = |e: &Expr| matches!(e, Expr::Number(v) if *v == 0.0);
    e.map(&mut |e| match e {
        Expr::Normal(c) if !bound.contains(&c) => Expr::Number(0.0),
        Expr::Binary {
            op: BinOp::Mul,
            lhs,
            rhs,
        } if zero(&lhs) || zero(&rhs) => Expr::Number(0.0),
        Expr::Binary {
            op: BinOp::Add,
            lhs,
            rhs,
        } if zero(&lhs) => *rhs,
        Expr::Binary {
            op: BinOp::Add | BinOp::Sub,
            lhs,
            rhs,
        } if zero(&rhs) => *lhs,
        other => other,
    })
}
