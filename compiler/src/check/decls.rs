//! Declarations: names, library modules, constants, fields and domains.
//!
//! Every name is declared before any expression is resolved, so statements
//! may refer to names declared further down the file.

use super::*;
use crate::syntax::ast::ItemKind;

impl<'a> Checker<'a> {
    /// Brings in the prelude (`operators`) and every module named by `use`.
    pub(super) fn load_modules(
        &mut self,
        program: &ast::Program,
        modules: &'a [(String, ast::Program)],
    ) {
        let mut wanted = vec![(crate::stdlib::PRELUDE.to_string(), None)];
        for item in &program.items {
            if let ItemKind::Use { path } = &item.kind {
                let name = path
                    .iter()
                    .map(|p| p.name.as_str())
                    .collect::<Vec<_>>()
                    .join(".");
                wanted.push((
                    name,
                    Some(item.span.to(path.last().map_or(item.span, |p| p.span))),
                ));
            }
        }
        for (name, span) in wanted {
            if self.modules.contains(&name) {
                continue;
            }
            let Some((_, module)) = modules.iter().find(|(m, _)| *m == name) else {
                let span = span.expect("the prelude always exists");
                let help = names::did_you_mean(
                    &name,
                    modules.iter().map(|(m, _)| m.as_str()),
                    &format!(
                        "the modules are {}",
                        modules
                            .iter()
                            .map(|(m, _)| format!("`{m}`"))
                            .collect::<Vec<_>>()
                            .join(", ")
                    ),
                );
                self.report(
                    Diagnostic::error(Code::UnknownModule, format!("no module named `{name}`"))
                        .label(span, "not in the standard library")
                        .help(help),
                );
                continue;
            };
            for item in &module.items {
                if let ItemKind::Def {
                    name: def_name,
                    params,
                    body,
                } = &item.kind
                {
                    self.add_def(def_name, params, body, Some(name.clone()));
                }
            }
            self.modules.push(name);
        }
    }

    fn add_def(
        &mut self,
        name: &ast::Ident,
        params: &[ast::Ident],
        body: &'a ast::Expr,
        module: Option<String>,
    ) {
        let index = self.defs.len();
        self.defs.push(Def {
            name: name.name.clone(),
            params: params.iter().map(|p| p.name.clone()).collect(),
            body,
            span: name.span,
            module: module.clone(),
        });
        let mut seen = HashSet::new();
        for p in params {
            if !seen.insert(&p.name) {
                self.report(
                    Diagnostic::error(
                        Code::Duplicate,
                        format!("parameter `{}` appears twice", p.name),
                    )
                    .label(p.span, "repeated here")
                    .help("give each parameter its own name"),
                );
            }
        }
        match self.names.get_mut(&name.name) {
            Some(Decl::Def(overloads)) => {
                let same = overloads
                    .iter()
                    .position(|&o| self.defs[o].params.len() == params.len());
                match same {
                    Some(k) if self.defs[overloads[k]].module.is_some() => overloads[k] = index,
                    Some(_) => {
                        let first = self.decl_spans.get(&name.name).copied().unwrap_or_default();
                        self.report(
                            Diagnostic::error(
                                Code::Duplicate,
                                format!("`{}` is defined twice", name.name),
                            )
                            .label(name.span, "defined again here")
                            .label(first, "first defined here")
                            .help(
                                "rename one of them, or give them different numbers of arguments",
                            ),
                        );
                    }
                    None => overloads.push(index),
                }
            }
            Some(_) if module.is_none() => {
                self.define(name, Decl::Def(vec![index]));
            }
            Some(_) => {}
            None if module.is_none() => {
                self.define(name, Decl::Def(vec![index]));
            }
            None => {
                self.names.insert(name.name.clone(), Decl::Def(vec![index]));
            }
        }
    }

    /// Declares a user name, reporting a clash with a built-in or an earlier
    /// declaration. A library `def` of the same name is shadowed.
    pub(super) fn define(&mut self, name: &ast::Ident, decl: Decl) -> bool {
        let def = matches!(decl, Decl::Def(_));
        if names::is_reserved(&name.name) || (def && names::is_builtin_function(&name.name)) {
            self.report(
                Diagnostic::error(Code::Duplicate, format!("`{}` is built in", name.name))
                    .label(name.span, "cannot be redefined")
                    .help("choose another name"),
            );
            self.refused.insert(name.name.clone());
            return false;
        }
        let library = matches!(self.names.get(&name.name), Some(Decl::Def(o)) if o.iter().all(|&d| self.defs[d].module.is_some()));
        if let Some(previous) = self.names.get(&name.name).filter(|_| !library) {
            let first = self.decl_spans.get(&name.name).copied().unwrap_or_default();
            self.report(
                Diagnostic::error(Code::Duplicate, format!("`{}` is defined twice", name.name))
                    .label(name.span, "defined again here")
                    .label(
                        first,
                        format!("first defined here, as {}", previous.describe()),
                    )
                    .help("rename one of them"),
            );
            return false;
        }
        self.names.insert(name.name.clone(), decl);
        self.decl_spans.insert(name.name.clone(), name.span);
        true
    }

    /// Declares every name of the user's file.
    pub(super) fn declare(&mut self, program: &'a ast::Program) {
        for item in &program.items {
            match &item.kind {
                ItemKind::Const { name, value, .. } => {
                    if let ast::ExprKind::Name(word) = &value.kind
                        && is_choice_word(&word.name)
                    {
                        self.define(name, Decl::Word(word.name.clone()));
                        continue;
                    }
                    let id = ConstId(self.consts.len() as u32);
                    self.consts.push(ConstDecl {
                        value,
                        state: ConstState::Pending,
                    });
                    self.model.consts.push(Const {
                        name: name.name.clone(),
                        value: f64::NAN,
                        span: name.span,
                    });
                    self.define(name, Decl::Const(id));
                }
                ItemKind::Learn { name, .. } => {
                    let id = LearnId(self.model.learned.len() as u32);
                    self.model.learned.push(Learned {
                        name: name.name.clone(),
                        init: f64::NAN,
                        exact: None,
                        span: name.span,
                    });
                    self.define(name, Decl::Learn(id));
                }
                ItemKind::Param { name, .. } => {
                    let id = ParamId(self.model.params.len() as u32);
                    let coord = self.intern_coord(&name.name);
                    self.model.params.push(Param {
                        name: name.name.clone(),
                        lo: 0.0,
                        hi: 1.0,
                        coord,
                        span: name.span,
                    });
                    self.define(name, Decl::Param(id));
                }
                ItemKind::Field { names, coords, ty } => {
                    self.declare_fields(names, coords, ty.as_ref())
                }
                ItemKind::Region { name, region } => {
                    let index = self.regions.len();
                    self.regions.push(RegionDecl {
                        name: name.name.clone(),
                        region,
                        resolved: None,
                    });
                    self.define(name, Decl::Region(index));
                }
                ItemKind::Data { name, source } => {
                    if let Some(data) = self.load_data(name, source) {
                        let id = DataId(self.model.data.len() as u32);
                        self.model.data.push(data);
                        self.define(name, Decl::Data(id));
                    } else {
                        // Keep the name known so its uses are not reported again.
                        self.names
                            .entry(name.name.clone())
                            .or_insert(Decl::Data(DataId(u32::MAX)));
                    }
                }
                ItemKind::Def { name, params, body } => self.add_def(name, params, body, None),
                ItemKind::Net {
                    names,
                    args: Some(args),
                    ..
                } => {
                    for name in names {
                        if !matches!(self.names.get(&name.name), Some(Decl::Function(_))) {
                            let coords = self.coords_of(args);
                            self.add_function(name, FunctionKind::Learned, coords, false);
                        }
                    }
                }
                _ => {}
            }
        }
    }

    fn coords_of(&mut self, names: &[ast::Ident]) -> Vec<CoordId> {
        let mut coords = vec![];
        for n in names {
            if let Some(decl) = self.names.get(&n.name) {
                let what = decl.describe();
                let first = self.decl_spans.get(&n.name).copied().unwrap_or_default();
                self.report(
                    Diagnostic::error(
                        Code::Duplicate,
                        format!("`{}` is a coordinate and {what}", n.name),
                    )
                    .label(n.span, "used as a coordinate here")
                    .label(first, format!("declared as {what} here"))
                    .help("rename the coordinate or the declaration"),
                );
            }
            let id = self.intern_coord(&n.name);
            if coords.contains(&id) {
                self.report(
                    Diagnostic::error(
                        Code::Duplicate,
                        format!("coordinate `{}` appears twice", n.name),
                    )
                    .label(n.span, "repeated here")
                    .help("each coordinate appears once"),
                );
            } else {
                coords.push(id);
            }
        }
        coords
    }

    fn add_function(
        &mut self,
        name: &ast::Ident,
        kind: FunctionKind,
        coords: Vec<CoordId>,
        complex: bool,
    ) -> FuncId {
        let id = FuncId(self.model.functions.len() as u32);
        self.model.functions.push(Function {
            name: name.name.clone(),
            kind,
            coords,
            complex,
            domain: None,
            span: name.span,
        });
        self.define(name, Decl::Function(id));
        id
    }

    fn declare_fields(
        &mut self,
        names: &[ast::Ident],
        coords: &'a [ast::CoordDecl],
        ty: Option<&ast::Ident>,
    ) {
        let complex = match ty.map(|t| t.name.as_str()) {
            None | Some("real") => false,
            Some("complex") => true,
            Some(other) => {
                let t = ty.expect("matched Some");
                self.report(
                    Diagnostic::error(Code::UnknownType, format!("unknown field type `{other}`"))
                        .label(t.span, "not a field type")
                        .help(names::did_you_mean(
                            other,
                            ["real", "complex"],
                            "a field is `real` (the default) or `complex`",
                        )),
                );
                false
            }
        };
        let all: Vec<ast::Ident> = coords
            .iter()
            .flat_map(|c| c.names.iter().cloned())
            .collect();
        let ids = self.coords_of(&all);
        for name in names {
            let id = self.add_function(name, FunctionKind::Field, ids.clone(), complex);
            self.pending_domains.push((id, coords));
        }
    }

    /// Reports every `def` that calls itself, directly or through others.
    pub(super) fn check_recursion(&mut self) {
        let mut state = vec![0u8; self.defs.len()]; // 0 new, 1 on stack, 2 done
        for d in 0..self.defs.len() {
            if self.defs[d].module.is_none() {
                self.visit_def(d, &mut state, &mut vec![]);
            }
        }
    }

    fn visit_def(&mut self, d: usize, state: &mut [u8], path: &mut Vec<usize>) {
        if state[d] != 0 {
            return;
        }
        state[d] = 1;
        path.push(d);
        let mut calls = vec![];
        collect_calls(self.defs[d].body, &mut calls);
        for (callee, span) in calls {
            let Some(Decl::Def(overloads)) = self.names.get(&callee.name) else {
                continue;
            };
            for target in overloads.clone() {
                if state[target] == 1 {
                    let cycle: Vec<&str> = path
                        [path.iter().position(|&p| p == target).unwrap_or(0)..]
                        .iter()
                        .map(|&p| self.defs[p].name.as_str())
                        .collect();
                    let through = if cycle.len() > 1 {
                        format!(" through `{}`", cycle[1..].join("` -> `"))
                    } else {
                        String::new()
                    };
                    let name = self.defs[target].name.clone();
                    let def_span = self.defs[target].span;
                    self.report(
                        Diagnostic::error(Code::RecursiveDef, format!("`{name}` calls itself{through}"))
                            .label(span, "recursive call")
                            .label(def_span, format!("`{name}` defined here"))
                            .help("operators are expanded inline, so they cannot be recursive; write the expansion out"),
                    );
                    self.recursive.insert(target);
                } else {
                    self.visit_def(target, state, path);
                }
            }
        }
        path.pop();
        state[d] = 2;
    }

    /// Evaluates every constant, learned initial value and parameter range.
    pub(super) fn evaluate_consts(&mut self, program: &'a ast::Program) {
        for c in 0..self.consts.len() {
            self.eval_const(ConstId(c as u32));
        }
        let (mut learn, mut param) = (0, 0);
        for item in &program.items {
            match &item.kind {
                ItemKind::Learn { init, .. } => {
                    self.model.learned[learn].init = self
                        .real_constant(init, "an initial value")
                        .unwrap_or(f64::NAN);
                    learn += 1;
                }
                ItemKind::Param { range, .. } => {
                    if let Some((lo, hi)) = self.interval(range) {
                        (self.model.params[param].lo, self.model.params[param].hi) = (lo, hi);
                    }
                    param += 1;
                }
                _ => {}
            }
        }
    }

    /// The value of a constant, evaluated once; `None` if it has errors.
    pub(super) fn eval_const(&mut self, id: ConstId) -> Option<f64> {
        let decl = &self.consts[id.index()];
        match decl.state {
            ConstState::Done(v) => v,
            ConstState::Evaluating => {
                let c = &self.model.consts[id.index()];
                let diagnostic = Diagnostic::error(
                    Code::RecursiveDef,
                    format!("constant `{}` depends on itself", c.name),
                )
                .label(c.span, "defined in terms of itself")
                .help("give the constant a value that does not refer back to it");
                self.report(diagnostic);
                self.consts[id.index()].state = ConstState::Done(None);
                None
            }
            ConstState::Pending => {
                let value = decl.value;
                self.consts[id.index()].state = ConstState::Evaluating;
                let v = self.real_constant(value, "the value of a `const`");
                if self.consts[id.index()].state == ConstState::Evaluating {
                    self.consts[id.index()].state = ConstState::Done(v);
                }
                if let Some(v) = v {
                    self.model.consts[id.index()].value = v;
                }
                v
            }
        }
    }

    /// `[lo, hi]` as numbers, reporting an empty or reversed interval.
    pub(super) fn interval(&mut self, i: &ast::Interval) -> Option<(f64, f64)> {
        let lo = self.real_constant(&i.lo, "an interval bound");
        let hi = self.real_constant(&i.hi, "an interval bound");
        let (lo, hi) = (lo?, hi?);
        if lo >= hi {
            let what = if lo == hi { "empty" } else { "reversed" };
            self.report(
                Diagnostic::error(Code::BadInterval, format!("{what} interval [{lo}, {hi}]"))
                    .label(
                        i.span,
                        "the lower bound must be below the upper bound".to_string(),
                    )
                    .help(if lo > hi {
                        format!("write it as [{hi}, {lo}]")
                    } else {
                        "give the interval a width".to_string()
                    }),
            );
            return None;
        }
        Some((lo, hi))
    }
}

/// Every call in an expression, with its span.
fn collect_calls<'e>(e: &'e ast::Expr, out: &mut Vec<(&'e ast::Ident, Span)>) {
    match &e.kind {
        ast::ExprKind::Call { callee, args } => {
            out.push((callee, e.span));
            args.iter().for_each(|a| collect_calls(a, out));
        }
        ast::ExprKind::Tuple(items) => items.iter().for_each(|a| collect_calls(a, out)),
        ast::ExprKind::Neg(a) => collect_calls(a, out),
        ast::ExprKind::Binary { lhs, rhs, .. } => {
            collect_calls(lhs, out);
            collect_calls(rhs, out);
        }
        ast::ExprKind::Sum { over, body, .. } => {
            collect_calls(over, out);
            collect_calls(body, out);
        }
        _ => {}
    }
}

/// Whether `name` is a choice some option takes by name (an activation, a
/// sampler, a loss balancing, a learning-rate schedule), so that `const act
/// = tanh` names it rather than failing to be a number.
pub(super) fn is_choice_word(name: &str) -> bool {
    crate::model::Activation::ALL
        .iter()
        .any(|(n, _)| *n == name)
        || crate::model::Balance::ALL.iter().any(|(n, _)| *n == name)
        || crate::model::Decay::NAMES.contains(&name)
        || super::options::SAMPLERS.contains(&name)
}
