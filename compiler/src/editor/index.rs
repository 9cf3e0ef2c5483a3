//! Every name of a file with its place: what each declaration declares and
//! what each use refers to.
//!
//! Input: a parsed program (and, through [`crate::stdlib`], the standard
//! library it can call). Output: an [`Index`] of symbols and of the
//! occurrences of names (declarations and uses, each with its byte span),
//! for go to definition, find references, hover, completion and outlines.
//! The rules are the checker's: a `def` parameter or `sum` variable hides a
//! declaration; `u_xt` names the field `u` and the coordinates `x` and `t`;
//! `obs.u` a column of the data set `obs`; an option of `points(...)` or
//! `weights(...)` an equation label. Resolution here never reports: names it
//! cannot place are left out (the checker reports them).

use crate::check::names::{BUILTIN_VALUES, CONSTANT_FUNCTIONS, SHAPES, SPECIAL_FORMS};
use crate::model::{Activation, Builtin};
use crate::source::Span;
use crate::syntax::ast::{self, ExprKind, ItemKind, RegionKind, TrainItem};
use std::collections::HashMap;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SymbolKind {
    Const,
    Learn,
    Param,
    Field,
    /// `net H(q, p)`: a learned function.
    Function,
    Coordinate,
    Region,
    Data,
    Def,
    /// An equation's label: `pde:`.
    Label,
    /// A `def` parameter or a `sum` variable.
    Local,
    /// A `net` statement (in outlines only: its names are fields or
    /// learned functions).
    Network,
}

impl SymbolKind {
    pub fn describe(self) -> &'static str {
        match self {
            SymbolKind::Const => "constant",
            SymbolKind::Learn => "learned scalar",
            SymbolKind::Param => "parameter",
            SymbolKind::Field => "field",
            SymbolKind::Function => "learned function",
            SymbolKind::Coordinate => "coordinate",
            SymbolKind::Region => "region",
            SymbolKind::Data => "data set",
            SymbolKind::Def => "operator",
            SymbolKind::Label => "equation",
            SymbolKind::Local => "local name",
            SymbolKind::Network => "network",
        }
    }
}

/// Where a symbol is declared: this file, or a standard library module.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Origin {
    User,
    /// Index into [`crate::stdlib::MODULES`].
    Stdlib(usize),
}

#[derive(Clone, Debug)]
pub struct Symbol {
    pub name: String,
    pub kind: SymbolKind,
    /// The declaring name.
    pub span: Span,
    /// The whole declaring statement.
    pub statement: Span,
    pub origin: Origin,
    /// A `def`'s parameter count.
    pub arity: usize,
}

/// What a name refers to.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Target {
    /// Index into [`Index::symbols`].
    Symbol(usize),
    /// `obs.u`: the data set's symbol and the column.
    Column { data: usize, column: String },
    /// A built-in function, value, shape, activation or option group.
    Builtin(String),
}

#[derive(Clone, Debug)]
pub struct Occurrence {
    pub span: Span,
    pub target: Target,
    /// The declaration itself, not a use.
    pub declaration: bool,
}

#[derive(Debug, Default)]
pub struct Index {
    pub symbols: Vec<Symbol>,
    /// In source order.
    pub occurrences: Vec<Occurrence>,
    globals: HashMap<String, usize>,
}

impl Index {
    pub fn build(program: &ast::Program) -> Index {
        let mut index = Index::default();
        index.declare_stdlib(program);
        for item in &program.items {
            index.declare(item);
        }
        for item in &program.items {
            index.uses(item);
        }
        index
            .occurrences
            .sort_by_key(|o| (o.span.start, o.span.end));
        index
    }

    /// The occurrence under byte `offset` (its end included, so that a
    /// cursor just after a name finds it).
    pub fn at(&self, offset: usize) -> Option<&Occurrence> {
        self.occurrences
            .iter()
            .find(|o| o.span.start <= offset && offset <= o.span.end)
    }

    /// Every occurrence of `target`, its declaration included.
    pub fn occurrences_of<'a>(
        &'a self,
        target: &'a Target,
    ) -> impl Iterator<Item = &'a Occurrence> {
        self.occurrences.iter().filter(move |o| o.target == *target)
    }

    /// The symbol a global name stands for.
    pub fn global(&self, name: &str) -> Option<&Symbol> {
        self.globals.get(name).map(|&s| &self.symbols[s])
    }

    /// The user's declarations (not the standard library's, not locals).
    pub fn declared(&self) -> impl Iterator<Item = &Symbol> {
        self.symbols
            .iter()
            .filter(|s| s.origin == Origin::User && s.kind != SymbolKind::Local)
    }

    fn symbol(
        &mut self,
        ident: &ast::Ident,
        kind: SymbolKind,
        statement: Span,
        origin: Origin,
    ) -> usize {
        self.symbols.push(Symbol {
            name: ident.name.clone(),
            kind,
            span: ident.span,
            statement,
            origin,
            arity: 0,
        });
        self.symbols.len() - 1
    }

    /// Declares a global name; the first declaration keeps the name.
    fn global_symbol(&mut self, ident: &ast::Ident, kind: SymbolKind, statement: Span) -> usize {
        let id = self.symbol(ident, kind, statement, Origin::User);
        self.globals.entry(ident.name.clone()).or_insert(id);
        self.occur(ident.span, Target::Symbol(id), true);
        id
    }

    fn occur(&mut self, span: Span, target: Target, declaration: bool) {
        self.occurrences.push(Occurrence {
            span,
            target,
            declaration,
        });
    }

    /// The prelude and every module the program `use`s.
    fn declare_stdlib(&mut self, program: &ast::Program) {
        let used: Vec<&str> = program
            .items
            .iter()
            .filter_map(|i| match &i.kind {
                ItemKind::Use { path } => path.first().map(|p| p.name.as_str()),
                _ => None,
            })
            .collect();
        for (m, (module, parsed)) in crate::stdlib::parsed().iter().enumerate() {
            if module != crate::stdlib::PRELUDE && !used.contains(&module.as_str()) {
                continue;
            }
            for item in &parsed.items {
                if let ItemKind::Def { name, params, .. } = &item.kind {
                    let id = self.symbol(name, SymbolKind::Def, item.span, Origin::Stdlib(m));
                    self.symbols[id].arity = params.len();
                    self.globals.entry(name.name.clone()).or_insert(id);
                }
            }
        }
    }

    fn declare(&mut self, item: &ast::Item) {
        let statement = item.span;
        match &item.kind {
            ItemKind::Const { name, .. } => {
                self.global_symbol(name, SymbolKind::Const, statement);
            }
            ItemKind::Learn { name, .. } => {
                self.global_symbol(name, SymbolKind::Learn, statement);
            }
            ItemKind::Param { name, .. } => {
                self.global_symbol(name, SymbolKind::Param, statement);
            }
            ItemKind::Region { name, .. } => {
                self.global_symbol(name, SymbolKind::Region, statement);
            }
            ItemKind::Data { name, .. } => {
                self.global_symbol(name, SymbolKind::Data, statement);
            }
            ItemKind::Def { name, params, .. } => {
                let id = self.global_symbol(name, SymbolKind::Def, statement);
                self.symbols[id].arity = params.len();
            }
            ItemKind::Field { names, coords, .. } => {
                for name in names {
                    self.global_symbol(name, SymbolKind::Field, statement);
                }
                for coord in coords.iter().flat_map(|c| &c.names) {
                    self.coordinate(coord, statement);
                }
            }
            ItemKind::Constraint(c) => {
                if let Some(label) = &c.label {
                    self.global_symbol(label, SymbolKind::Label, statement);
                }
            }
            _ => {}
        }
    }

    /// A coordinate is declared by the first field that names it; the
    /// others refer to that declaration.
    fn coordinate(&mut self, ident: &ast::Ident, statement: Span) {
        match self.globals.get(&ident.name) {
            Some(&id) if self.symbols[id].kind == SymbolKind::Coordinate => {
                self.occur(ident.span, Target::Symbol(id), false);
            }
            _ => {
                self.global_symbol(ident, SymbolKind::Coordinate, statement);
            }
        }
    }

    fn uses(&mut self, item: &ast::Item) {
        let mut scope = vec![];
        match &item.kind {
            ItemKind::Const { value, .. } => self.expr(value, &mut scope),
            ItemKind::Learn { init, .. } => self.expr(init, &mut scope),
            ItemKind::Param { range, .. } => self.interval(range, &mut scope),
            ItemKind::Field { coords, ty, .. } => {
                for region in coords.iter().filter_map(|c| c.domain.as_ref()) {
                    self.region(region, &mut scope);
                }
                if let Some(ty) = ty {
                    self.occur(ty.span, Target::Builtin(ty.name.clone()), false);
                }
            }
            ItemKind::Region { region, .. } => self.region(region, &mut scope),
            ItemKind::Data { source, .. } | ItemKind::Reference { source, .. } => {
                self.occur(
                    source.format.span,
                    Target::Builtin(source.format.name.clone()),
                    false,
                );
                if let ItemKind::Reference { field, .. } = &item.kind {
                    self.name(field, &scope);
                }
            }
            ItemKind::Def { params, body, .. } => {
                for param in params {
                    let id = self.symbol(param, SymbolKind::Local, item.span, Origin::User);
                    self.occur(param.span, Target::Symbol(id), true);
                    scope.push((param.name.clone(), id));
                }
                self.expr(body, &mut scope);
            }
            ItemKind::Use { .. } => {}
            ItemKind::Net { names, args, spec } => {
                self.net(item.span, names, args.as_deref(), spec.as_ref())
            }
            ItemKind::Train { items } => {
                for train_item in items {
                    match train_item {
                        TrainItem::Spec(spec) => self.spec(spec, true),
                        TrainItem::Opt(opt) => self.expr(&opt.value, &mut scope),
                    }
                }
            }
            ItemKind::Symmetry { lhs, rhs, on, .. } => {
                self.expr(lhs, &mut scope);
                self.expr(rhs, &mut scope);
                if let Some(on) = on {
                    self.region(on, &mut scope);
                }
            }
            ItemKind::Conserve { quantity, on } => {
                self.expr(quantity, &mut scope);
                if let Some(on) = on {
                    self.region(on, &mut scope);
                }
            }
            ItemKind::Exact { field, value, .. } => {
                self.name(field, &scope);
                self.expr(value, &mut scope);
            }
            ItemKind::Constraint(c) => {
                self.expr(&c.lhs, &mut scope);
                self.expr(&c.rhs, &mut scope);
                if let Some(on) = &c.on {
                    self.region(on, &mut scope);
                }
            }
        }
    }

    /// `net u = mlp(...)` refers to the field `u`; `net H(q, p)` declares a
    /// learned function and its coordinates.
    fn net(
        &mut self,
        statement: Span,
        names: &[ast::Ident],
        args: Option<&[ast::Ident]>,
        spec: Option<&ast::Spec>,
    ) {
        for name in names {
            match self.globals.get(&name.name) {
                Some(&id) if self.symbols[id].kind == SymbolKind::Field => {
                    self.occur(name.span, Target::Symbol(id), false);
                }
                _ => {
                    self.global_symbol(name, SymbolKind::Function, statement);
                }
            }
        }
        for arg in args.unwrap_or_default() {
            self.coordinate(arg, statement);
        }
        if let Some(spec) = spec {
            self.spec(spec, false);
        }
    }

    /// `mlp(act = tanh)`, `adam(lr = 1e-3)`, `points(pde = 100)`.
    fn spec(&mut self, spec: &ast::Spec, in_train: bool) {
        self.occur(
            spec.name.span,
            Target::Builtin(spec.name.name.clone()),
            false,
        );
        let labels = in_train && matches!(spec.name.name.as_str(), "points" | "weights");
        for opt in &spec.options {
            if labels
                && let Some(&id) = self.globals.get(&opt.name.name)
                && self.symbols[id].kind == SymbolKind::Label
            {
                self.occur(opt.name.span, Target::Symbol(id), false);
            }
            match &opt.value.kind {
                // `act = tanh` names an activation, not a value.
                ExprKind::Name(id) if Activation::ALL.iter().any(|(n, _)| *n == id.name) => {
                    self.occur(id.span, Target::Builtin(id.name.clone()), false);
                }
                _ => self.expr(&opt.value, &mut vec![]),
            }
        }
    }

    fn interval(&mut self, interval: &ast::Interval, scope: &mut Vec<(String, usize)>) {
        self.expr(&interval.lo, scope);
        self.expr(&interval.hi, scope);
    }

    fn region(&mut self, region: &ast::Region, scope: &mut Vec<(String, usize)>) {
        match &region.kind {
            RegionKind::Box(intervals) => {
                for interval in intervals {
                    self.interval(interval, scope);
                }
            }
            RegionKind::Slice { coord, value } => {
                self.name(coord, scope);
                self.expr(value, scope);
            }
            RegionKind::Shape { name, args } => {
                self.occur(name.span, Target::Builtin(name.name.clone()), false);
                for arg in args {
                    self.expr(arg, scope);
                }
            }
            RegionKind::Boundary(inner) => self.region(inner, scope),
            RegionKind::Name(name) => self.name(name, scope),
            RegionKind::Set { lhs, rhs, .. } => {
                self.region(lhs, scope);
                self.region(rhs, scope);
            }
        }
    }

    fn expr(&mut self, e: &ast::Expr, scope: &mut Vec<(String, usize)>) {
        match &e.kind {
            ExprKind::Number(_) => {}
            ExprKind::Name(id) => self.name(id, scope),
            ExprKind::Member { base, member } => {
                if let Some(&data) = self.globals.get(&base.name)
                    && self.symbols[data].kind == SymbolKind::Data
                {
                    self.occur(base.span, Target::Symbol(data), false);
                    let column = member.name.clone();
                    self.occur(member.span, Target::Column { data, column }, false);
                }
            }
            ExprKind::Call { callee, args } => {
                self.callee(callee, args.len(), scope);
                for arg in args {
                    self.expr(arg, scope);
                }
            }
            ExprKind::Tuple(items) => {
                for item in items {
                    self.expr(item, scope);
                }
            }
            ExprKind::Neg(inner) => self.expr(inner, scope),
            ExprKind::Binary { lhs, rhs, .. } => {
                self.expr(lhs, scope);
                self.expr(rhs, scope);
            }
            ExprKind::Sum { var, over, body } => {
                self.occur(e.span.sub(0, 3), Target::Builtin("sum".into()), false);
                self.expr(over, scope);
                let id = self.symbol(var, SymbolKind::Local, e.span, Origin::User);
                self.occur(var.span, Target::Symbol(id), true);
                scope.push((var.name.clone(), id));
                self.expr(body, scope);
                scope.pop();
            }
        }
    }

    /// A called name: an operator (the standard library's chosen by its
    /// number of parameters), a field or learned function, or a built-in.
    fn callee(&mut self, callee: &ast::Ident, arity: usize, scope: &[(String, usize)]) {
        let overload = self
            .symbols
            .iter()
            .position(|s| s.kind == SymbolKind::Def && s.name == callee.name && s.arity == arity);
        let target = overload
            .or_else(|| self.globals.get(&callee.name).copied())
            .map(Target::Symbol)
            .or_else(|| builtin(&callee.name).then(|| Target::Builtin(callee.name.clone())));
        match target {
            Some(target) => self.occur(callee.span, target, false),
            None => self.name(callee, scope),
        }
    }

    fn name(&mut self, id: &ast::Ident, scope: &[(String, usize)]) {
        if let Some(target) = self.resolve(&id.name, scope) {
            self.occur(id.span, target, false);
            return;
        }
        // `u_xt`: the function `u`, then one coordinate per letter.
        for (k, _) in id.name.match_indices('_') {
            let (base, suffix) = (&id.name[..k], &id.name[k + 1..]);
            let Some(Target::Symbol(f)) = self.resolve(base, scope) else {
                continue;
            };
            if suffix.is_empty()
                || !matches!(
                    self.symbols[f].kind,
                    SymbolKind::Field | SymbolKind::Function | SymbolKind::Local
                )
            {
                continue;
            }
            self.occur(id.span.sub(0, k), Target::Symbol(f), false);
            for (i, letter) in suffix.char_indices() {
                let mut buffer = [0; 4];
                if let Some(Target::Symbol(c)) =
                    self.resolve(letter.encode_utf8(&mut buffer), scope)
                {
                    self.occur(
                        id.span.sub(k + 1 + i, letter.len_utf8()),
                        Target::Symbol(c),
                        false,
                    );
                }
            }
            return;
        }
    }

    fn resolve(&self, name: &str, scope: &[(String, usize)]) -> Option<Target> {
        if let Some((_, id)) = scope.iter().rev().find(|(n, _)| n == name) {
            return Some(Target::Symbol(*id));
        }
        if let Some(&id) = self.globals.get(name) {
            return Some(Target::Symbol(id));
        }
        builtin(name).then(|| Target::Builtin(name.to_string()))
    }
}

/// Whether `name` is built into the language (a function, value, special
/// form, shape or activation).
pub fn builtin(name: &str) -> bool {
    SPECIAL_FORMS.contains(&name)
        || BUILTIN_VALUES.contains(&name)
        || Builtin::from_name(name).is_some()
        || CONSTANT_FUNCTIONS.contains(&name)
        || SHAPES.iter().any(|(s, _)| *s == name)
        || Activation::ALL.iter().any(|(a, _)| *a == name)
}
