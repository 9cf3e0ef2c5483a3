//! Expressions: AST expressions to checked [`Expr`]s.
//!
//! Resolves every name (locals, declarations, built-ins, coordinates, and
//! subscript derivatives such as `u_xt`), inlines `def` calls with their
//! arguments already resolved, expands `sum(c in space(f), ...)`, and turns
//! `d(...)` into derivative multi-indices when it differentiates a field, or
//! into [`Expr::Diff`] otherwise. A failed sub-expression becomes the
//! placeholder `0` after its diagnostic, so checking goes on.

use super::*;
use crate::syntax::ast::ExprKind;

/// Local names: `def` parameters and `sum` variables, innermost last.
#[derive(Default)]
pub(super) struct Scope {
    pub(super) bindings: Vec<(String, Expr)>,
}

impl Scope {
    pub(super) fn get(&self, name: &str) -> Option<&Expr> {
        self.bindings
            .iter()
            .rev()
            .find(|(n, _)| n == name)
            .map(|(_, e)| e)
    }
}

/// Most expression nodes one statement may expand to through `def`s.
const MAX_NODES: usize = 200_000;

/// Deepest nesting of `def` calls (recursion is reported separately; this
/// only bounds the work on pathological input).
const MAX_INLINE_DEPTH: usize = 64;

pub(super) fn placeholder() -> Expr {
    Expr::Number(0.0)
}

impl Checker<'_> {
    /// Resolves an expression. Each statement starts with a fresh node
    /// budget ([`Checker::start_statement`]); past it, the statement is
    /// reported once and the rest resolves to placeholders.
    pub(super) fn expr(&mut self, e: &ast::Expr, scope: &mut Scope) -> Expr {
        if !self.spend(1, e.span) {
            return placeholder();
        }
        match &e.kind {
            ExprKind::Number(n) => Expr::Number(*n),
            ExprKind::Name(id) => self.name(id, scope),
            ExprKind::Member { base, member } => self.member(base, member),
            ExprKind::Call { callee, args } => self.call(e, callee, args, scope),
            ExprKind::Tuple(_) => {
                self.report(
                    Diagnostic::error(Code::WrongKind, "a point `(a, b)` is not a value")
                        .label(e.span, "a point")
                        .help("points are arguments of shapes such as `disk((0, 0), 1)`"),
                );
                placeholder()
            }
            ExprKind::Neg(inner) => Expr::Neg(Box::new(self.expr(inner, scope))),
            ExprKind::Binary { op, lhs, rhs } => {
                let op = match op {
                    ast::BinOp::Add => BinOp::Add,
                    ast::BinOp::Sub => BinOp::Sub,
                    ast::BinOp::Mul => BinOp::Mul,
                    ast::BinOp::Div => BinOp::Div,
                    ast::BinOp::Pow => BinOp::Pow,
                };
                let lhs = Box::new(self.expr(lhs, scope));
                let rhs = Box::new(self.expr(rhs, scope));
                Expr::Binary { op, lhs, rhs }
            }
            ExprKind::Sum { var, over, body } => self.sum(var, over, body, scope),
        }
    }

    fn name(&mut self, id: &ast::Ident, scope: &Scope) -> Expr {
        if let Some(bound) = scope.get(&id.name) {
            let size = bound.size();
            return if self.spend(size, id.span) {
                bound.clone()
            } else {
                placeholder()
            };
        }
        self.used.insert(id.name.clone());
        if let Some(decl) = self.names.get(&id.name) {
            return match decl {
                Decl::Const(c) => Expr::Const(*c),
                Decl::Learn(l) => Expr::Learned(*l),
                Decl::Param(p) => Expr::Coord(self.model.params[p.index()].coord),
                Decl::Function(f) => self.field(*f),
                other => {
                    let (what, help) = match other {
                        Decl::Data(_) => (
                            "a data set",
                            format!("use one of its columns, as in `{}.u`", id.name),
                        ),
                        Decl::Region(_) => (
                            "a region",
                            format!("use it after `on`, as in `on {}`", id.name),
                        ),
                        Decl::Word(w) => (
                            "a named choice",
                            format!(
                                "use it for an option's choice, as in `act = {}` for `{w}`",
                                id.name
                            ),
                        ),
                        _ => ("an operator", format!("call it, as in `{}(u)`", id.name)),
                    };
                    self.report(
                        Diagnostic::error(
                            Code::WrongKind,
                            format!("`{}` is {what}, not a value", id.name),
                        )
                        .label(id.span, what)
                        .help(help),
                    );
                    placeholder()
                }
            };
        }
        match id.name.as_str() {
            "pi" => return Expr::Constant(Constant::Pi),
            "e" => return Expr::Constant(Constant::E),
            "i" => return Expr::Imag,
            _ => {}
        }
        if let Some(c) = self.coord_id(&id.name) {
            return Expr::Coord(c);
        }
        if let Some(derivative) = self.subscript_derivative(id, scope) {
            return derivative;
        }
        let diagnostic =
            self.unknown_name(id, "declare it with `const`, `learn`, `field` or `def`");
        self.report_unknown(id, diagnostic);
        placeholder()
    }

    /// Resets the node budget for a new statement.
    pub(super) fn start_statement(&mut self) {
        self.nodes = 0;
        self.over_budget = false;
    }

    /// Spends `n` nodes of the statement's budget; false (after reporting
    /// once) when it is exhausted.
    fn spend(&mut self, n: usize, span: Span) -> bool {
        self.nodes += n;
        if self.nodes <= MAX_NODES {
            return true;
        }
        if !self.over_budget {
            self.over_budget = true;
            self.report(
                Diagnostic::error(Code::TooComplex, format!("this statement expands to more than {MAX_NODES} terms"))
                    .label(span, "the expansion passes the limit here")
                    .help("operators (`def`) are expanded inline; nesting them doubles the size at each level"),
            );
        }
        false
    }

    fn field(&self, f: FuncId) -> Expr {
        Expr::Field {
            function: f,
            derivative: vec![0; self.model.function(f).coords.len()],
        }
    }

    /// `u_xt`: the function `u` differentiated along `x` then `t`. The split
    /// is tried at each `_` so that names such as `u_in_x` work.
    fn subscript_derivative(&mut self, id: &ast::Ident, scope: &Scope) -> Option<Expr> {
        for (k, _) in id.name.match_indices('_') {
            let (base, suffix) = (&id.name[..k], &id.name[k + 1..]);
            if suffix.is_empty() {
                continue;
            }
            let target = match scope.get(base) {
                Some(e @ Expr::Field { .. }) => e.clone(),
                Some(_) => continue,
                None => match self.names.get(base) {
                    Some(Decl::Function(f)) => self.field(*f),
                    _ => continue,
                },
            };
            self.used.insert(base.to_string());
            let Expr::Field {
                function,
                mut derivative,
            } = target
            else {
                unreachable!("matched a field")
            };
            let coords = self.model.function(function).coords.clone();
            for (i, letter) in suffix.char_indices() {
                let found = coords.iter().position(|c| {
                    self.model
                        .coord(*c)
                        .name
                        .chars()
                        .eq(std::iter::once(letter))
                });
                match found {
                    Some(p) => derivative[p] += 1,
                    None => {
                        let span = id.span.sub(k + 1 + i, letter.len_utf8());
                        self.report(self.no_such_coordinate(function, &letter.to_string(), span));
                        return Some(placeholder());
                    }
                }
            }
            return Some(Expr::Field {
                function,
                derivative,
            });
        }
        None
    }

    /// For `u_x(a, b)`, a derivative of a function called at arguments:
    /// how to write it (`d(u(a, b), x)`).
    fn derivative_call(&self, name: &str) -> Option<String> {
        name.match_indices('_').find_map(|(k, _)| {
            let (base, suffix) = (&name[..k], &name[k + 1..]);
            let Some(Decl::Function(f)) = self.names.get(base) else {
                return None;
            };
            let coords = &self.model.function(*f).coords;
            let names: Vec<&str> = coords
                .iter()
                .map(|c| self.model.coord(*c).name.as_str())
                .collect();
            let along: Option<Vec<String>> = suffix
                .chars()
                .map(|l| names.iter().any(|n| n.chars().eq([l])).then(|| l.to_string()))
                .collect();
            let along = along.filter(|a| !a.is_empty())?;
            Some(format!(
                "`{name}` is a derivative of `{base}`; at other arguments write the derivative of the call: `d({base}({}), {})`",
                names.join(", "),
                along.join(", ")
            ))
        })
    }

    pub(super) fn no_such_coordinate(&self, f: FuncId, coord: &str, span: Span) -> Diagnostic {
        let function = self.model.function(f);
        let names: Vec<&str> = function
            .coords
            .iter()
            .map(|c| self.model.coord(*c).name.as_str())
            .collect();
        Diagnostic::error(
            Code::NoSuchCoordinate,
            format!("`{}` has no coordinate `{coord}`", function.name),
        )
        .label(span, "not a coordinate of this field")
        .help(format!(
            "the coordinates of `{}` are {}",
            function.name,
            names.join(", ")
        ))
    }

    fn member(&mut self, base: &ast::Ident, member: &ast::Ident) -> Expr {
        self.used.insert(base.name.clone());
        match self.names.get(&base.name) {
            Some(Decl::Data(DataId(u32::MAX))) => placeholder(),
            Some(Decl::Data(d)) => {
                let d = *d;
                let data = &self.model.data[d.index()];
                if let Some(column) = data.column(&member.name) {
                    return Expr::Column { data: d, column };
                }
                let columns = data.columns.iter().map(String::as_str);
                let help = names::did_you_mean(
                    &member.name,
                    columns.clone(),
                    &format!("its columns are {}", data.columns.join(", ")),
                );
                self.report(
                    Diagnostic::error(
                        Code::DataColumn,
                        format!("data set `{}` has no column `{}`", base.name, member.name),
                    )
                    .label(member.span, "no such column")
                    .help(help),
                );
                placeholder()
            }
            Some(other) => {
                let what = other.describe();
                self.report(
                    Diagnostic::error(
                        Code::WrongKind,
                        format!("`{}` is {what}, not a data set", base.name),
                    )
                    .label(base.span, what)
                    .help("`name.column` reads a column of a data set declared with `data`"),
                );
                placeholder()
            }
            None => {
                let diagnostic =
                    self.unknown_name(base, "declare it with `data NAME = csv(\"file.csv\")`");
                self.report_unknown(base, diagnostic);
                placeholder()
            }
        }
    }

    fn call(
        &mut self,
        e: &ast::Expr,
        callee: &ast::Ident,
        args: &[ast::Expr],
        scope: &mut Scope,
    ) -> Expr {
        match callee.name.as_str() {
            "d" => return self.derivative(e, callee, args, scope),
            "integral" => return self.integral(e, callee, args, scope),
            "rl_left" | "rl_right" | "caputo" | "frac_lap" => {
                return self.fractional(e, callee, args, scope);
            }
            "besselj" | "bessely" | "hankel1" | "hankel2" => {
                return self.bessel(e, callee, args, scope);
            }
            "space" | "coords" | "range" => {
                let (list, example) = match callee.name.as_str() {
                    "range" => ("numbers", "sum(n in range(0, 10), x^n)".to_string()),
                    name => ("coordinates", format!("sum(c in {name}(u), d(u, c, 2))")),
                };
                self.report(
                    Diagnostic::error(
                        Code::WrongKind,
                        format!("`{}(...)` is a list of {list}, not a value", callee.name),
                    )
                    .label(e.span, "not a value")
                    .help(format!("use it in a sum: `{example}`")),
                );
                return placeholder();
            }
            _ => {}
        }
        if names::CONSTANT_FUNCTIONS.contains(&callee.name.as_str()) {
            if args.len() != 1 {
                self.report(self.arity_error(callee, e, &[1], args.len()));
                return placeholder();
            }
            // `gamma` of a `def`'s parameter bound to a number folds here;
            // anything else is reported below as the constant it is not.
            let errors = self.errors();
            let arg = self.expr(&args[0], scope);
            if self.errors() > errors {
                return placeholder();
            }
            if let Some(value) = consts::fold(&arg, &self.model.consts)
                .filter(|_| callee.name == "gamma")
                .map(consts::gamma)
                && value.is_finite()
            {
                return Expr::Number(value);
            }
            let what = format!("`{}(...)`", callee.name);
            return match self.real_constant(e, &what) {
                Some(v) => Expr::Number(v),
                None => placeholder(),
            };
        }
        if let Some(builtin) = Builtin::from_name(&callee.name) {
            if args.len() != 1 {
                self.report(self.arity_error(callee, e, &[1], args.len()));
                return placeholder();
            }
            return Expr::Call {
                builtin,
                arg: Box::new(self.expr(&args[0], scope)),
            };
        }
        self.used.insert(callee.name.clone());
        match self.names.get(&callee.name).cloned() {
            Some(Decl::Function(f)) => self.apply(e, callee, f, args, scope),
            Some(Decl::Def(overloads)) => self.inline(e, callee, &overloads, args, scope),
            Some(other) => {
                let what = other.describe();
                self.report(
                    Diagnostic::error(
                        Code::WrongKind,
                        format!("`{}` is {what}, not a function", callee.name),
                    )
                    .label(callee.span, what)
                    .help("only fields, operators (`def`) and built-in functions can be called"),
                );
                placeholder()
            }
            None => {
                let callables = self
                    .names
                    .iter()
                    .filter(|(_, d)| matches!(d, Decl::Function(_) | Decl::Def(_)))
                    .map(|(n, _)| n.as_str())
                    .chain(Builtin::ALL.iter().map(|(n, _)| *n))
                    .chain(names::SPECIAL_FORMS.iter().copied());
                let help = match self.derivative_call(&callee.name) {
                    Some(help) => help,
                    None => names::did_you_mean(
                        &callee.name,
                        callables,
                        "define it with `def`, or `use` the module that has it",
                    ),
                };
                self.report(
                    Diagnostic::error(
                        Code::UnknownName,
                        format!("unknown function `{}`", callee.name),
                    )
                    .label(callee.span, "not declared")
                    .help(help),
                );
                placeholder()
            }
        }
    }

    /// `u(a, b)`: a function at other arguments; `u(x, t)` is just `u`.
    fn apply(
        &mut self,
        e: &ast::Expr,
        callee: &ast::Ident,
        f: FuncId,
        args: &[ast::Expr],
        scope: &mut Scope,
    ) -> Expr {
        let coords = self.model.function(f).coords.clone();
        // A family member keeps its parameters: `u(x + 10, t)` of a field
        // over (x, t, nu) is at the same nu.
        let params: Vec<CoordId> = coords
            .iter()
            .copied()
            .filter(|c| self.model.params.iter().any(|p| p.coord == *c))
            .collect();
        let written = coords.len() - params.len();
        if args.len() != written && args.len() != coords.len() {
            self.report(self.arity_error(callee, e, &[written], args.len()));
            return placeholder();
        }
        let mut args: Vec<Expr> = args.iter().map(|a| self.expr(a, scope)).collect();
        if args.len() == written {
            args.extend(params.into_iter().map(Expr::Coord));
        }
        if args.iter().zip(&coords).all(|(a, c)| *a == Expr::Coord(*c)) {
            return self.field(f);
        }
        Expr::Apply {
            function: f,
            derivative: vec![0; coords.len()],
            args,
        }
    }

    fn inline(
        &mut self,
        e: &ast::Expr,
        callee: &ast::Ident,
        overloads: &[usize],
        args: &[ast::Expr],
        scope: &mut Scope,
    ) -> Expr {
        let Some(&d) = overloads
            .iter()
            .find(|&&d| self.defs[d].params.len() == args.len())
        else {
            let mut arities: Vec<usize> = overloads
                .iter()
                .map(|&d| self.defs[d].params.len())
                .collect();
            arities.sort();
            self.report(self.arity_error(callee, e, &arities, args.len()));
            return placeholder();
        };
        if self.recursive.contains(&d)
            || self.def_stack.contains(&d)
            || self.def_stack.len() >= MAX_INLINE_DEPTH
        {
            self.failures += 1;
            return placeholder();
        }
        let values: Vec<Expr> = args.iter().map(|a| self.expr(a, scope)).collect();
        let mut inner = Scope {
            bindings: self.defs[d].params.iter().cloned().zip(values).collect(),
        };
        let outermost = self.call_site.is_none() && self.defs[d].module.is_some();
        if outermost {
            self.call_site = Some((e.span, self.defs[d].name.clone()));
        }
        self.def_stack.push(d);
        let body = self.defs[d].body;
        let result = self.expr(body, &mut inner);
        self.def_stack.pop();
        if outermost {
            self.call_site = None;
        }
        result
    }
}
