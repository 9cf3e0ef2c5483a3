//! Statements that constrain fields: equations and inequalities, exact
//! solutions and references, conservation laws (symmetries are in
//! [`super::symmetry`]), and the warnings about what nothing constrains.

use super::expr::Scope;
use super::*;
use crate::syntax::ast::ItemKind;

impl<'a> Checker<'a> {
    pub(super) fn statements(&mut self, program: &'a ast::Program) {
        for item in &program.items {
            self.start_statement();
            let constraints = self.model.constraints.len();
            self.normal_spans.clear();
            match &item.kind {
                ItemKind::Constraint(c) => self.constraint(c, item.span),
                ItemKind::Symmetry { soft, lhs, rhs, on } => {
                    self.symmetry(*soft, lhs, rhs, on.as_ref(), item.span)
                }
                ItemKind::Conserve { quantity, on } => {
                    self.conserve(quantity, on.as_ref(), item.span)
                }
                ItemKind::Exact {
                    field,
                    value,
                    checked,
                } => self.exact(field, value, *checked, item.span),
                ItemKind::Reference { field, source } => self.reference(field, source, item.span),
                _ => {}
            }
            self.claim_normals(&item.kind, constraints);
        }
    }

    pub(super) fn errors(&self) -> usize {
        self.failures
    }

    /// The coordinates a statement ranges over: those of the fields it reads
    /// at its own point (or at arguments that move with the coordinate), in
    /// order of appearance, then coordinates it names that no field has (an
    /// error unless the points come from data).
    pub(super) fn space(&mut self, sides: &[(&Expr, &ast::Expr)], on_data: bool) -> Vec<CoordId> {
        let mut space = vec![];
        for (e, _) in sides {
            e.visit(&mut |x| {
                let own = match x {
                    Expr::Field { function, .. } => self.model.function(*function).coords.clone(),
                    // A read elsewhere whose argument moves with its own
                    // coordinate (`u(x - s, y)`, a fractional operator's
                    // nodes) ranges over it too.
                    Expr::Apply { function, args, .. } => {
                        let coords = &self.model.function(*function).coords;
                        coords
                            .iter()
                            .zip(args)
                            .filter(|(c, a)| {
                                let mut moves = false;
                                a.visit(&mut |e| moves |= *e == Expr::Coord(**c));
                                moves
                            })
                            .map(|(c, _)| *c)
                            .collect()
                    }
                    _ => vec![],
                };
                for c in own {
                    if !space.contains(&c) {
                        space.push(c);
                    }
                }
            });
        }
        for (e, source) in sides {
            let mut stray = vec![];
            e.visit(&mut |x| {
                if let Expr::Coord(c) = x
                    && !space.contains(c)
                    && !stray.contains(c)
                {
                    stray.push(*c);
                }
            });
            for c in stray {
                if !on_data && !space.is_empty() {
                    let name = self.model.coord(c).name.clone();
                    let names: Vec<&str> = space
                        .iter()
                        .map(|c| self.model.coord(*c).name.as_str())
                        .collect();
                    let span = find_name(source, &name).unwrap_or(source.span);
                    self.report(
                        Diagnostic::error(
                            Code::NoSuchCoordinate,
                            format!("`{name}` is not a coordinate of the fields in this statement"),
                        )
                        .label(span, "not a coordinate here")
                        .help(format!("the coordinates here are {}", names.join(", "))),
                    );
                }
                space.push(c);
            }
        }
        space
    }

    fn constraint(&mut self, c: &'a ast::Constraint, span: Span) {
        // The label first: a constraint that fails below still has it.
        let label = self.label(c.label.as_ref());
        if matches!(c.modifier, Some((ast::Modifier::Ode, _))) {
            return self.ode_constraint(c, label, span);
        }
        let errors = self.errors();
        let fractional_reads = self.fractional_reads;
        let mut scope = Scope::default();
        let lhs = self.expr(&c.lhs, &mut scope);
        let rhs = self.expr(&c.rhs, &mut scope);
        let mut functions = lhs.functions();
        functions.extend(
            rhs.functions()
                .into_iter()
                .filter(|f| !lhs.functions().contains(f)),
        );
        self.constrained.extend(functions.iter().copied());
        if functions.is_empty() {
            if self.errors() == errors {
                self.report(
                    Diagnostic::error(Code::NoField, "this equation constrains no field")
                        .label(
                            c.lhs.span.to(c.rhs.span),
                            "no field or learned function here",
                        )
                        .help("an equation relates fields; a fixed value belongs in `const`"),
                );
            }
            return;
        }
        let mut integral = false;
        for side in [&lhs, &rhs] {
            side.visit(&mut |e| integral |= matches!(e, Expr::Integral { .. }));
        }
        if integral {
            // Written here, or inside a `def` called here.
            let integral = find_call(&c.lhs, "integral")
                .or_else(|| find_call(&c.rhs, "integral"))
                .unwrap_or(c.lhs.span.to(c.rhs.span));
            self.report(
                Diagnostic::error(Code::IntegralInEquation, "an integral in an equation")
                    .label(integral, "integrals are supported only in `conserve`")
                    .help("equations are trained pointwise; integrate between limits with a variable of integration (`integral(u(s, t), s, 0, 1)`, by quadrature at each point), write a conserved integral as `conserve integral(u, x)`, or give the antiderivative its own field (`U_x = u`)"),
            );
            return;
        }
        let on_data = matches!(&c.on, Some(ast::Region { kind: ast::RegionKind::Name(n), .. })
            if matches!(self.names.get(&n.name), Some(Decl::Data(_))));
        let space = self.space(&[(&lhs, &c.lhs), (&rhs, &c.rhs)], on_data);
        // Regions bind the coordinates the model writes; parameters range
        // over their intervals everywhere.
        let written: Vec<CoordId> = space
            .iter()
            .copied()
            .filter(|c| !self.model.params.iter().any(|p| p.coord == *c))
            .collect();
        let on = match &c.on {
            None => Where::Domain,
            Some(region) => match self.place(region, &written, &functions) {
                Some(place) => place,
                None => {
                    // The region was reported; a domain it would have given
                    // is not reported missing as well.
                    self.failed_places.extend(functions.iter().copied());
                    return;
                }
            },
        };
        if let Where::Data(d) = on {
            self.check_columns(d, &space, c.on.as_ref().map_or(span, |r| r.span));
            self.used_on_data.extend(functions.iter().copied());
        }
        let relation = match c.relation {
            ast::Relation::Eq => Relation::Eq,
            ast::Relation::Ge => Relation::Ge,
            ast::Relation::Le => Relation::Le,
            ast::Relation::Gt => Relation::Gt,
            ast::Relation::Lt => Relation::Lt,
        };
        if relation != Relation::Eq {
            let complex: Vec<&str> = functions
                .iter()
                .map(|f| self.model.function(*f))
                .filter(|f| f.complex)
                .map(|f| f.name.as_str())
                .collect();
            if let Some(name) = complex.first() {
                self.report(
                    Diagnostic::error(
                        Code::ComplexValue,
                        format!("an inequality on the complex field `{name}`"),
                    )
                    .label(c.relation_span, "complex values are not ordered")
                    .help(format!(
                        "compare a real quantity, such as `abs({name})` or `re({name})`"
                    )),
                );
            }
        }
        let enforcement = match c.modifier {
            Some((ast::Modifier::Hard, modifier_span)) => {
                self.check_hard(c, &lhs, relation, &on, modifier_span);
                Enforcement::Hard
            }
            _ => Enforcement::Soft,
        };
        self.model.constraints.push(Constraint {
            label,
            lhs,
            relation,
            rhs,
            on,
            enforcement,
            space,
            fractional: self.fractional_reads > fractional_reads,
            span,
        });
    }

    /// The user's label, or `eqN` from the constraint's position.
    fn label(&mut self, label: Option<&ast::Ident>) -> String {
        let Some(label) = label else {
            return format!("eq{}", self.model.constraints.len() + 1);
        };
        if let Some(first) = self.labels.get(&label.name) {
            self.report(
                Diagnostic::error(
                    Code::Duplicate,
                    format!("label `{}` is used twice", label.name),
                )
                .label(label.span, "used again here")
                .label(*first, "first used here")
                .help("labels name loss terms in reports and weights; give each its own"),
            );
        } else {
            self.labels.insert(label.name.clone(), label.span);
        }
        label.name.clone()
    }

    fn check_hard(
        &mut self,
        c: &ast::Constraint,
        lhs: &Expr,
        relation: Relation,
        on: &Where,
        span: Span,
    ) {
        let plain_value = |e: &Expr| matches!(e, Expr::Field { derivative, .. } if derivative.iter().all(|&o| o == 0));
        let why = match (lhs, relation, on) {
            // A bound on the whole domain: `hard u >= 0`.
            (_, r, Where::Domain) if r != Relation::Eq && plain_value(lhs) => None,
            (_, r, Where::Domain) if r != Relation::Eq => {
                Some("a hard bound is on a field's value: `hard u >= 0`")
            }
            (_, r, _) if r != Relation::Eq => {
                Some("a hard bound holds on the field's whole domain: leave out `on`")
            }
            (_, _, Where::Data(_)) => {
                Some("a hard constraint holds on a region, not on data points")
            }
            (_, _, Where::Domain) => Some("a hard constraint needs a region: add `on ...`"),
            _ if plain_value(lhs) => None,
            _ => Some("a hard constraint gives a field's value: `hard u = ...`"),
        };
        if let Some(why) = why {
            self.report(
                Diagnostic::error(Code::BadHard, "this constraint cannot be enforced exactly")
                    .label(c.lhs.span.to(c.rhs.span), why)
                    .label(span, "marked hard here")
                    .help("write `hard u = g on REGION` or a bound `hard u >= lo`, or drop `hard` to penalise the constraint instead"),
            );
        }
    }

    /// Every coordinate of a statement on data must be a column.
    fn check_columns(&mut self, d: DataId, space: &[CoordId], span: Span) {
        let data = &self.model.data[d.index()];
        let missing: Vec<String> = space
            .iter()
            .map(|c| self.model.coord(*c).name.clone())
            .filter(|n| data.column(n).is_none())
            .collect();
        if let Some(first) = missing.first() {
            let name = data.name.clone();
            let columns = data.columns.join(", ");
            self.report(
                Diagnostic::error(Code::DataColumn, format!("data set `{name}` has no column `{first}`"))
                    .label(span, format!("missing column{}: {}", if missing.len() > 1 { "s" } else { "" }, missing.join(", ")))
                    .help(format!("on data, each coordinate is read from a column of the same name; `{name}` has {columns}")),
            );
        }
    }

    fn conserve(&mut self, quantity: &ast::Expr, on: Option<&ast::Region>, span: Span) {
        let errors = self.errors();
        let q = self.expr(quantity, &mut Scope::default());
        self.constrained.extend(q.functions());
        if self.errors() > errors {
            return;
        }
        let mut integrated = vec![];
        q.visit(&mut |e| {
            if let Expr::Integral { over, .. } = e {
                integrated.extend(over.iter().copied());
            }
        });
        let functions = q.functions();
        if functions.is_empty() {
            self.report(
                Diagnostic::error(Code::NoField, "this conservation law involves no field")
                    .label(quantity.span, "no field here")
                    .help("conserve an integral of fields, as in `conserve integral(u, x, y)`"),
            );
            return;
        }
        if integrated.is_empty() {
            self.report(
                Diagnostic::error(Code::BadConserve, "a conserved quantity is an integral")
                    .label(quantity.span, "no integral here")
                    .help("write the quantity as an integral over space, as in `conserve integral(u, x, y)`"),
            );
            return;
        }
        let time = functions
            .iter()
            .flat_map(|f| self.model.function(*f).coords.clone())
            .find(|c| self.model.coord(*c).name == "t" && !integrated.contains(c));
        let Some(time) = time else {
            self.report(
                Diagnostic::error(
                    Code::BadConserve,
                    "a conserved quantity needs a time coordinate `t` to be constant in",
                )
                .label(quantity.span, "no `t` left after integrating")
                .help("conserve an integral over space of a field of (space, t)"),
            );
            return;
        };
        if let Some(region) = on {
            self.report(
                Diagnostic::error(
                    Code::BadConserve,
                    "a conservation law holds over the whole domain",
                )
                .label(region.span, "a region here")
                .help("remove `on ...`; the integral's coordinates say what is integrated"),
            );
        }
        self.model.conservation.push(Conservation {
            label: String::new(),
            quantity: q,
            time,
            span,
        });
    }

    /// The function named by `exact u = ...` or `reference u = ...`.
    fn solution_target(&mut self, field: &ast::Ident, span: Span) -> Option<FuncId> {
        self.used.insert(field.name.clone());
        let f = match self.names.get(&field.name) {
            Some(Decl::Function(f)) => *f,
            Some(other) => {
                let what = other.describe();
                self.report(
                    Diagnostic::error(
                        Code::WrongKind,
                        format!("`{}` is {what}, not a field", field.name),
                    )
                    .label(field.span, what)
                    .help("a solution is given for a field"),
                );
                return None;
            }
            None => {
                let fields = self.model.functions.iter().map(|f| f.name.as_str());
                let help =
                    names::did_you_mean(&field.name, fields, "declare the field with `field`");
                self.report(
                    Diagnostic::error(Code::UnknownName, format!("unknown field `{}`", field.name))
                        .label(field.span, "not declared")
                        .help(help),
                );
                return None;
            }
        };
        if let Some(first) = self.model.solutions.iter().find(|s| s.function == f) {
            let first = first.span;
            self.report(
                Diagnostic::error(
                    Code::DuplicateSolution,
                    format!("a second solution for `{}`", field.name),
                )
                .label(span, "given again here")
                .label(first, "first given here")
                .help("give one `exact` or `reference` per field"),
            );
            return None;
        }
        Some(f)
    }

    fn exact(&mut self, field: &ast::Ident, value: &ast::Expr, checked: bool, span: Span) {
        // A learned scalar's true value, a constant.
        if let Some(Decl::Learn(l)) = self.names.get(&field.name) {
            let l = *l;
            self.used.insert(field.name.clone());
            if let Some(v) = self.real_constant(value, "a learned scalar's exact value") {
                let learned = &mut self.model.learned[l.index()];
                if learned.exact.is_some() {
                    self.report(
                        Diagnostic::error(
                            Code::DuplicateSolution,
                            format!("a second exact value for `{}`", field.name),
                        )
                        .label(span, "given again here")
                        .help("give one `exact` per learned scalar"),
                    );
                } else {
                    learned.exact = Some(v);
                }
            }
            return;
        }
        let Some(f) = self.solution_target(field, span) else {
            return;
        };
        let errors = self.errors();
        let e = self.expr(value, &mut Scope::default());
        if self.errors() > errors {
            return;
        }
        if let Some(other) = e.functions().first() {
            let name = self.model.function(*other).name.clone();
            self.report(
                Diagnostic::error(
                    Code::WrongKind,
                    format!("an exact solution cannot depend on the field `{name}`"),
                )
                .label(find_name(value, &name).unwrap_or(value.span), "a field")
                .help("write the solution in the coordinates and constants alone"),
            );
            return;
        }
        let own = self.model.function(f).coords.clone();
        let mut stray = None;
        e.visit(&mut |x| {
            if let Expr::Coord(c) = x
                && !own.contains(c)
            {
                stray.get_or_insert(*c);
            }
        });
        if let Some(c) = stray {
            let name = self.model.coord(c).name.clone();
            let diagnostic =
                self.no_such_coordinate(f, &name, find_name(value, &name).unwrap_or(value.span));
            self.report(diagnostic);
            return;
        }
        self.model.solutions.push(Solution {
            function: f,
            kind: SolutionKind::Exact(e),
            checked,
            span,
        });
    }

    fn reference(&mut self, field: &ast::Ident, source: &ast::Source, span: Span) {
        let Some(f) = self.solution_target(field, span) else {
            return;
        };
        let name = ast::Ident {
            name: format!("reference {}", field.name),
            span: field.span,
        };
        let Some(data) = self.load_data(&name, source) else {
            return;
        };
        let function = self.model.function(f);
        let mut needed: Vec<String> = function
            .coords
            .iter()
            .map(|c| self.model.coord(*c).name.clone())
            .collect();
        if function.complex {
            needed.extend([
                format!("{}_re", function.name),
                format!("{}_im", function.name),
            ]);
        } else {
            needed.push(function.name.clone());
        }
        let missing: Vec<&String> = needed.iter().filter(|n| data.column(n).is_none()).collect();
        if !missing.is_empty() {
            let list: Vec<&str> = missing.iter().map(|s| s.as_str()).collect();
            self.report(
                Diagnostic::error(
                    Code::DataColumn,
                    format!(
                        "`{}` lacks column{} {}",
                        source.path,
                        if list.len() > 1 { "s" } else { "" },
                        list.join(", ")
                    ),
                )
                .label(source.path_span, "missing columns")
                .help(format!(
                    "a reference for `{}` has the columns {}",
                    field.name,
                    needed.join(", ")
                )),
            );
            return;
        }
        let id = DataId(self.model.data.len() as u32);
        self.model.data.push(data);
        self.model.solutions.push(Solution {
            function: f,
            kind: SolutionKind::Reference(id),
            checked: false,
            span,
        });
    }

    /// Warns about fields no equation constrains and declarations nothing uses.
    pub(super) fn warn_unused(&mut self, program: &ast::Program) {
        let constrained = &self.constrained;
        let mut warnings = vec![];
        for (k, f) in self.model.functions.iter().enumerate() {
            if !constrained.contains(&FuncId(k as u32)) {
                let what = match f.kind {
                    FunctionKind::Field => "field",
                    FunctionKind::Learned => "learned function",
                };
                warnings.push(
                    Diagnostic::warning(
                        Code::Unconstrained,
                        format!("no equation constrains the {what} `{}`", f.name),
                    )
                    .label(f.span, "never constrained")
                    .help("add an equation for it, or remove it: its network would learn nothing"),
                );
            }
        }
        for item in &program.items {
            let (name, what) = match &item.kind {
                ItemKind::Const { name, .. } => (name, "constant"),
                ItemKind::Learn { name, .. } => (name, "learned scalar"),
                ItemKind::Param { name, .. } => (name, "parameter"),
                ItemKind::Data { name, .. } => (name, "data set"),
                ItemKind::Region { name, .. } => (name, "region"),
                _ => continue,
            };
            if !self.used.contains(&name.name)
                && self.decl_spans.get(&name.name) == Some(&name.span)
            {
                warnings.push(
                    Diagnostic::warning(
                        Code::Unused,
                        format!("the {what} `{}` is never used", name.name),
                    )
                    .label(name.span, "declared here")
                    .help("use it or remove it"),
                );
            }
        }
        self.diagnostics.extend(warnings);
    }
}

/// The span of the first use of `name` in an AST expression.
/// The span of the first call of `callee` in `e`.
fn find_call(e: &ast::Expr, callee: &str) -> Option<Span> {
    use ast::ExprKind::*;
    match &e.kind {
        Call { callee: c, .. } if c.name == callee => Some(e.span),
        Call { args, .. } | Tuple(args) => args.iter().find_map(|a| find_call(a, callee)),
        Neg(a) => find_call(a, callee),
        Binary { lhs, rhs, .. } => find_call(lhs, callee).or_else(|| find_call(rhs, callee)),
        Sum { over, body, .. } => find_call(over, callee).or_else(|| find_call(body, callee)),
        _ => None,
    }
}

pub(super) fn find_name(e: &ast::Expr, name: &str) -> Option<Span> {
    use ast::ExprKind::*;
    match &e.kind {
        Name(id) if id.name == name => Some(id.span),
        Call { args, .. } | Tuple(args) => args.iter().find_map(|a| find_name(a, name)),
        Neg(a) => find_name(a, name),
        Binary { lhs, rhs, .. } => find_name(lhs, name).or_else(|| find_name(rhs, name)),
        Sum { over, body, .. } => find_name(over, name).or_else(|| find_name(body, name)),
        _ => None,
    }
}
