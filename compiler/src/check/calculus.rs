//! Calculus forms: `d(...)`, `integral(...)`, `sum(c in space(u), ...)` and
//! `sum(n in range(a, b), ...)`.
//!
//! `d` of a field extends its derivative multi-index (so `d(u_x, x)` is
//! `u_xx`); `d` of any other expression becomes [`Expr::Diff`], left to the
//! symbolic differentiator. Coordinates are named, each optionally followed
//! by a count: `d(u, x, 2, t)` is `u_xxt`. `d(u, n)` is along the outward
//! normal ([`super::normal`]).

use super::expr::{Scope, placeholder};
use super::*;
use crate::syntax::ast::ExprKind;

/// The most terms a `sum` over a `range` writes out.
pub const MAX_RANGE: f64 = 1000.0;

/// A derivative's order along one coordinate, and where it is written.
type Order = (CoordId, u32, Span);

/// Gauss-Legendre nodes of an integral between limits: exact for
/// polynomials of degree 39, as DeepXDE's integro-differential examples.
pub(crate) const QUADRATURE_NODES: usize = 20;
impl Checker<'_> {
    /// The coordinates named by the arguments of `d` or `integral`, each
    /// optionally followed by a whole-number count: `x, 2, t` is x, x, t.
    fn coordinate_list(
        &mut self,
        args: &[ast::Expr],
        scope: &Scope,
    ) -> Option<Vec<(CoordId, u32, Span)>> {
        let mut out: Vec<(CoordId, u32, Span)> = vec![];
        let mut ok = true;
        for arg in args {
            // A count: a number, or a constant's name (`d(u, x, two)`).
            let count = match &arg.kind {
                ExprKind::Number(n) => Some(*n),
                ExprKind::Name(id)
                    if scope.get(&id.name).is_none()
                        && self.coord_id(&id.name).is_none()
                        && matches!(self.names.get(&id.name), Some(Decl::Const(_))) =>
                {
                    self.used.insert(id.name.clone());
                    let Some(value) = self.const_value(&id.name) else {
                        // The constant's own error is reported already.
                        self.failures += 1;
                        ok = false;
                        continue;
                    };
                    Some(value)
                }
                _ => None,
            };
            match (&arg.kind, count) {
                (_, Some(n)) => {
                    let Some(last) = out.last_mut() else {
                        self.report(
                            Diagnostic::error(
                                Code::DerivativeOrder,
                                "a count must follow a coordinate",
                            )
                            .label(arg.span, "no coordinate before this")
                            .help("write the coordinate first, as in `d(u, x, 2)`"),
                        );
                        ok = false;
                        continue;
                    };
                    if n.fract() != 0.0 || !(1.0..=16.0).contains(&n) {
                        self.report(
                            Diagnostic::error(
                                Code::DerivativeOrder,
                                format!("derivative order {n} is not a whole number from 1 to 16"),
                            )
                            .label(arg.span, "not a valid order")
                            .help(if n > 0.0 && n < 2.0 {
                                "write how many times to differentiate, as in `d(u, x, 2)`; a fractional derivative is `rl_left(u, x, alpha)`, `rl_right(u, x, alpha)` or `caputo(u, x, alpha)`"
                            } else {
                                "write how many times to differentiate, as in `d(u, x, 2)`"
                            }),
                        );
                        ok = false;
                        continue;
                    }
                    last.1 += n as u32 - 1;
                }
                (ExprKind::Name(id), None) => {
                    let coord = match scope.get(&id.name) {
                        Some(Expr::Coord(c)) => Some(*c),
                        Some(_) => None,
                        None => self.coord_id(&id.name),
                    };
                    match coord {
                        Some(c) => out.push((c, 1, arg.span)),
                        // A value that is not a constant, after a coordinate:
                        // meant as an order, which must be known now.
                        None if !out.is_empty()
                            && matches!(self.names.get(&id.name), Some(Decl::Learn(_))) =>
                        {
                            self.report(
                                Diagnostic::error(
                                    Code::DerivativeOrder,
                                    format!(
                                        "a derivative order must be a constant, and `{}` is learned",
                                        id.name
                                    ),
                                )
                                .label(arg.span, "not known before training")
                                .help("write a whole number, or a `const` with one, as in `d(u, x, 2)`"),
                            );
                            ok = false;
                        }
                        None => {
                            let coords = self.model.coords.iter().map(|c| c.name.as_str());
                            let help = names::did_you_mean(
                                &id.name,
                                coords,
                                "name one of the field's coordinates",
                            );
                            self.report(
                                Diagnostic::error(
                                    Code::NoSuchCoordinate,
                                    format!("`{}` is not a coordinate", id.name),
                                )
                                .label(arg.span, "expected a coordinate")
                                .help(help),
                            );
                            ok = false;
                        }
                    }
                }
                _ => {
                    self.report(
                        Diagnostic::error(Code::NoSuchCoordinate, "expected a coordinate name")
                            .label(arg.span, "not a coordinate")
                            .help("name a coordinate, as in `d(u, x)`"),
                    );
                    ok = false;
                }
            }
        }
        ok.then_some(out)
    }

    /// The operand and coordinates of `d` or `integral`: at least two
    /// arguments, the first an expression, the rest coordinates.
    fn operand_and_coordinates(
        &mut self,
        e: &ast::Expr,
        callee: &ast::Ident,
        args: &[ast::Expr],
        scope: &mut Scope,
        usage: &str,
    ) -> Option<(Expr, Vec<Order>)> {
        if args.len() < 2 {
            let diagnostic = self.arity_error(callee, e, &[2], args.len()).help(usage);
            self.report(diagnostic);
            return None;
        }
        let operand = self.expr(&args[0], scope);
        let coords = self.coordinate_list(&args[1..], scope)?;
        Some((operand, coords))
    }

    /// `d(u, x)`, `d(u, x, 2)`, `d(u, x, t)`, `d(u*v, x)`.
    pub(super) fn derivative(
        &mut self,
        e: &ast::Expr,
        callee: &ast::Ident,
        args: &[ast::Expr],
        scope: &mut Scope,
    ) -> Expr {
        if self.is_normal_derivative(args, scope) {
            return self.normal_derivative(e, &args[0], scope);
        }
        let usage =
            "write `d(u, x)`, `d(u, x, 2)`, `d(u, x, t)` or `d(u, n)` (along the outward normal)";
        let Some((target, coords)) = self.operand_and_coordinates(e, callee, args, scope, usage)
        else {
            return placeholder();
        };
        match target {
            Expr::Field {
                function,
                mut derivative,
            } => {
                let own = self.model.function(function).coords.clone();
                for (c, order, span) in coords {
                    match own.iter().position(|x| *x == c) {
                        Some(p) => derivative[p] += order,
                        None => {
                            let name = self.model.coord(c).name.clone();
                            self.report(self.no_such_coordinate(function, &name, span));
                            return placeholder();
                        }
                    }
                }
                Expr::Field {
                    function,
                    derivative,
                }
            }
            other => coords
                .into_iter()
                .fold(other, |acc, (coord, order, _)| Expr::Diff {
                    expr: Box::new(acc),
                    coord,
                    order,
                }),
        }
    }

    /// `integral(u, x, y)`: over coordinates of the fields in the integrand.
    /// `integral(f, s, a, b)`: over a variable between limits
    /// ([`Checker::definite_integral`]).
    pub(super) fn integral(
        &mut self,
        e: &ast::Expr,
        callee: &ast::Ident,
        args: &[ast::Expr],
        scope: &mut Scope,
    ) -> Expr {
        if self.has_limits(args, scope) {
            return self.definite_integral(e, callee, args, scope);
        }
        let usage = "write `integral(u, x)` or `integral(u, x, y)`, or with limits \
                     `integral(f(s), s, 0, x)`";
        if let Some(bound) = args.iter().skip(1).find(|a| {
            // A number or a constant is a bound; other names are
            // coordinates, or reported as not being one below.
            !matches!(&a.kind, ExprKind::Name(id)
                if scope.get(&id.name).is_some()
                    || !matches!(self.names.get(&id.name), Some(Decl::Const(_))))
        }) {
            self.report(
                Diagnostic::error(
                    Code::Arity,
                    "`integral` takes an integrand and coordinates only",
                )
                .label(bound.span, "not a coordinate")
                .help("`integral(u, x)` runs over the whole domain of `x`; between limits, name a new variable of integration: `integral(u(s, t), s, 0, x)`"),
            );
            return placeholder();
        }
        let Some((integrand, coords)) = self.operand_and_coordinates(e, callee, args, scope, usage)
        else {
            return placeholder();
        };
        let functions = integrand.functions();
        let mut over = vec![];
        for (c, _, span) in coords {
            if !functions
                .iter()
                .any(|f| self.model.function(*f).coords.contains(&c))
            {
                let name = self.model.coord(c).name.clone();
                let diagnostic = match functions.first() {
                    Some(&f) => self.no_such_coordinate(f, &name, span),
                    None => Diagnostic::error(Code::NoField, "the integrand contains no field")
                        .label(args[0].span, "no field here")
                        .help("integrate an expression of fields, as in `integral(u, x)`"),
                };
                self.report(diagnostic);
                return placeholder();
            }
            over.push(c);
        }
        Expr::Integral {
            expr: Box::new(integrand),
            over,
        }
    }

    /// Whether `integral(...)` has limits: four arguments, the second a
    /// name that is not a coordinate (a variable of integration; a
    /// coordinate would leave its fields written bare at the point, not at
    /// the variable).
    fn has_limits(&self, args: &[ast::Expr], scope: &Scope) -> bool {
        match args {
            [
                _,
                ast::Expr {
                    kind: ExprKind::Name(id),
                    ..
                },
                _,
                _,
            ] => match scope.get(&id.name) {
                Some(bound) => !matches!(bound, Expr::Coord(_)),
                None => self.coord_id(&id.name).is_none(),
            },
            _ => false,
        }
    }

    /// `integral(f, s, a, b)`: the integral of `f` over `s` from `a` to `b`,
    /// by Gauss-Legendre quadrature at [`QUADRATURE_NODES`] nodes. The
    /// integrand is checked once per node with `s` bound to the node
    /// `a + (b - a)(1 + ξ)/2`, so a field read at `s` (`y(s)`) becomes the
    /// field at that point, and the limits may be coordinates: a Volterra
    /// integral `integral(K(x, s)*y(s), s, 0, x)` is a sum of fields at
    /// other arguments, which every back end evaluates.
    fn definite_integral(
        &mut self,
        e: &ast::Expr,
        callee: &ast::Ident,
        args: &[ast::Expr],
        scope: &mut Scope,
    ) -> Expr {
        let [integrand, variable, lo, hi] = args else {
            let diagnostic = self
                .arity_error(callee, e, &[4], args.len())
                .help("write `integral(f(s), s, a, b)`");
            self.report(diagnostic);
            return placeholder();
        };
        let ExprKind::Name(variable) = &variable.kind else {
            unreachable!("has_limits checks the variable is a name")
        };
        let lo = self.expr(lo, scope);
        let hi = self.expr(hi, scope);
        let width = Expr::Binary {
            op: BinOp::Sub,
            lhs: Box::new(hi),
            rhs: Box::new(lo.clone()),
        };
        let (nodes, weights) = crate::ir::quadrature::gauss_legendre(QUADRATURE_NODES);
        let errors = self.errors();
        let mut terms = vec![];
        for (xi, w) in nodes.into_iter().zip(weights) {
            let at = Expr::Binary {
                op: BinOp::Add,
                lhs: Box::new(lo.clone()),
                rhs: Box::new(Expr::Binary {
                    op: BinOp::Mul,
                    lhs: Box::new(Expr::Number((1.0 + xi) / 2.0)),
                    rhs: Box::new(width.clone()),
                }),
            };
            scope.bindings.push((variable.name.clone(), at));
            let value = self.expr(integrand, scope);
            scope.bindings.pop();
            if self.errors() > errors {
                // Reported at the first node; the others would repeat it.
                return placeholder();
            }
            terms.push(Expr::Binary {
                op: BinOp::Mul,
                lhs: Box::new(Expr::Number(w / 2.0)),
                rhs: Box::new(value),
            });
        }
        Expr::Binary {
            op: BinOp::Mul,
            lhs: Box::new(width),
            rhs: Box::new(Expr::sum(terms)),
        }
    }

    /// `sum(c in space(u), body)`: one copy of `body` per coordinate, with
    /// `c` bound to it. `space` leaves out the time coordinate `t`.
    /// `sum(n in range(a, b), body)`: one copy per whole number `a <= n < b`
    /// (as Python's `range`; `range(b)` starts at 0), `n` bound to it.
    pub(super) fn sum(
        &mut self,
        var: &ast::Ident,
        over: &ast::Expr,
        body: &ast::Expr,
        scope: &mut Scope,
    ) -> Expr {
        let values: Vec<Expr> = match &over.kind {
            ExprKind::Call { callee, args } if callee.name == "range" => {
                match self.range(over, callee, args, scope) {
                    Some(numbers) => numbers.into_iter().map(Expr::Number).collect(),
                    None => return placeholder(),
                }
            }
            ExprKind::Call { callee, args }
                if matches!(callee.name.as_str(), "space" | "coords") && args.len() == 1 =>
            {
                match self.expr(&args[0], scope) {
                    Expr::Field { function, .. } => {
                        let all = self.model.function(function).coords.clone();
                        let spatial = callee.name == "space";
                        let param = |c: &CoordId| self.model.params.iter().any(|p| p.coord == *c);
                        all.into_iter()
                            .filter(|c| !param(c))
                            .filter(|c| !(spatial && self.model.coord(*c).name == "t"))
                            .map(Expr::Coord)
                            .collect()
                    }
                    _ => {
                        self.report(
                            Diagnostic::error(
                                Code::WrongKind,
                                format!("`{}` needs a field", callee.name),
                            )
                            .label(args[0].span, "not a field")
                            .help(format!("write `{}(u)` for a field `u`", callee.name)),
                        );
                        return placeholder();
                    }
                }
            }
            _ => {
                self.report(
                    Diagnostic::error(
                        Code::WrongKind,
                        "a sum ranges over the coordinates of a field or a range of numbers",
                    )
                    .label(over.span, "not a list of coordinates or numbers")
                    .help(
                        "write `sum(c in space(u), ...)` (all but t), `sum(c in coords(u), ...)` or `sum(n in range(a, b), ...)`",
                    ),
                );
                return placeholder();
            }
        };
        let mut terms = vec![];
        for value in values {
            scope.bindings.push((var.name.clone(), value));
            terms.push(self.expr(body, scope));
            scope.bindings.pop();
        }
        Expr::sum(terms)
    }

    /// The numbers of `range(b)` or `range(a, b)`: whole constants, at most
    /// [`MAX_RANGE`] of them.
    fn range(
        &mut self,
        over: &ast::Expr,
        callee: &ast::Ident,
        args: &[ast::Expr],
        scope: &mut Scope,
    ) -> Option<Vec<f64>> {
        if !matches!(args.len(), 1 | 2) {
            self.report(self.arity_error(callee, over, &[1, 2], args.len()));
            return None;
        }
        let mut bounds = vec![];
        for arg in args {
            let bound = self.bound_constant(arg, scope, "a bound of `range`")?;
            if bound.fract() != 0.0 {
                self.report(
                    Diagnostic::error(
                        Code::OptionRange,
                        "a bound of `range` must be a whole number",
                    )
                    .label(arg.span, format!("this is {bound}"))
                    .help("`range(a, b)` is the whole numbers a, a + 1, ..., b - 1"),
                );
                return None;
            }
            bounds.push(bound);
        }
        let (start, end) = match bounds[..] {
            [end] => (0.0, end),
            [start, end] => (start, end),
            _ => unreachable!("one or two bounds"),
        };
        if end - start > MAX_RANGE {
            self.report(
                Diagnostic::error(
                    Code::OptionRange,
                    format!("`range` of {} numbers", end - start),
                )
                .label(over.span, format!("more than {MAX_RANGE} terms"))
                .help("a sum is written out term by term; keep it to a series of at most a thousand terms"),
            );
            return None;
        }
        let count = (end - start).max(0.0) as usize;
        Some((0..count).map(|k| start + k as f64).collect())
    }
}
