//! Checking: AST to [`Model`].
//!
//! Input: the parsed user program and the standard library modules. Output:
//! a [`Checked`] model and every problem found, errors and warnings alike:
//! checking goes on past an error, so one run reports them all. A model
//! with errors is incomplete (its failed parts hold placeholders) and must
//! not be lowered.
//!
//! The phases, in order: declare every name ([`Checker::declare`]), build
//! fields' coordinates and domains, resolve constraints and the statements
//! that refer to fields, infer the domains left open from the equations'
//! boxes, check slices against domains, then networks, training and
//! warnings.

mod bessel;
mod calculus;
mod consts;
pub use consts::gamma;
pub mod csv;
mod data;
mod decls;
mod domains;
mod expr;
mod fractional;
pub(crate) mod names;
mod normal;
mod ode;
pub(crate) mod options;
mod region;
mod rows;
mod statements;
mod symmetry;
mod tune;

use crate::diagnostics::{self, Code, Diagnostic};
use crate::model::*;
use crate::source::Span;
use crate::syntax::ast;
use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};

/// Where the checker reads data files from.
pub trait Files {
    fn read(&self, path: &Path) -> std::io::Result<String>;
}

/// Reads files from disk.
pub struct DiskFiles;

impl Files for DiskFiles {
    fn read(&self, path: &Path) -> std::io::Result<String> {
        std::fs::read_to_string(path)
    }
}

/// The disk, but only under one directory (`--sandbox`, for running
/// models from others): a data path is resolved, `..` and symbolic links
/// included, and refused unless it lies under the root.
pub struct SandboxedFiles {
    root: PathBuf,
}

impl SandboxedFiles {
    /// Reads only under `root` (usually the model's directory).
    pub fn new(root: &Path) -> std::io::Result<SandboxedFiles> {
        let root = if root.as_os_str().is_empty() {
            Path::new(".")
        } else {
            root
        };
        Ok(SandboxedFiles {
            root: std::fs::canonicalize(root)?,
        })
    }
}

impl Files for SandboxedFiles {
    fn read(&self, path: &Path) -> std::io::Result<String> {
        let real = std::fs::canonicalize(path)?;
        if !real.starts_with(&self.root) {
            return Err(std::io::Error::new(
                std::io::ErrorKind::PermissionDenied,
                format!(
                    "it resolves to {}, outside {}, and `--sandbox` reads only under the model's directory",
                    real.display(),
                    self.root.display()
                ),
            ));
        }
        std::fs::read_to_string(real)
    }
}

/// The result of checking: the model and every diagnostic, sorted by position.
#[derive(Debug)]
pub struct Checked {
    pub model: Model,
    pub diagnostics: Vec<Diagnostic>,
}

impl Checked {
    pub fn has_errors(&self) -> bool {
        self.diagnostics.iter().any(Diagnostic::is_error)
    }
}

/// Checks a parsed program. Data paths are relative to `base_dir`.
pub fn check(program: &ast::Program, base_dir: &Path, files: &dyn Files) -> Checked {
    let mut checker = Checker::new(base_dir, files);
    checker.run(program, crate::stdlib::parsed());
    let mut diagnostics = checker.diagnostics;
    diagnostics.dedup();
    diagnostics::sort(&mut diagnostics);
    diagnostics.dedup();
    Checked {
        model: checker.model,
        diagnostics,
    }
}

/// What a declared name stands for.
#[derive(Clone, Debug)]
enum Decl {
    Const(ConstId),
    Learn(LearnId),
    Param(ParamId),
    Function(FuncId),
    Region(usize),
    Data(DataId),
    /// A `def`, overloaded by arity.
    Def(Vec<usize>),
    /// A constant that names a choice of an option: `const act = tanh`.
    Word(String),
}

impl Decl {
    fn describe(&self) -> &'static str {
        match self {
            Decl::Const(_) => "a constant",
            Decl::Learn(_) => "a learned scalar",
            Decl::Param(_) => "a parameter",
            Decl::Function(_) => "a field",
            Decl::Region(_) => "a region",
            Decl::Data(_) => "a data set",
            Decl::Def(_) => "an operator",
            Decl::Word(_) => "a named choice",
        }
    }
}

/// A `def`, from the user's file or a library module.
struct Def<'a> {
    name: String,
    params: Vec<String>,
    body: &'a ast::Expr,
    span: Span,
    /// The module it came from; `None` for the user's file.
    module: Option<String>,
}

/// A named region, resolved on first use.
struct RegionDecl<'a> {
    name: String,
    region: &'a ast::Region,
    resolved: Option<Option<Set>>,
}

/// A constant, evaluated on first use.
struct ConstDecl<'a> {
    value: &'a ast::Expr,
    state: ConstState,
}

#[derive(Clone, Copy, PartialEq)]
enum ConstState {
    Pending,
    Evaluating,
    Done(Option<f64>),
}

pub(crate) struct Checker<'a> {
    files: &'a dyn Files,
    base_dir: PathBuf,
    names: HashMap<String, Decl>,
    /// Where each user name was first declared.
    decl_spans: HashMap<String, Span>,
    consts: Vec<ConstDecl<'a>>,
    defs: Vec<Def<'a>>,
    regions: Vec<RegionDecl<'a>>,
    /// The coordinates fields bind each named region to: `(x, y) in plate`,
    /// `x in line` (one entry per distinct binding, in declaration order).
    region_coords: HashMap<String, Vec<Vec<CoordId>>>,
    /// The library modules brought in by `use`.
    modules: Vec<String>,
    model: Model,
    diagnostics: Vec<Diagnostic>,
    /// While inlining a library `def`, the call site its errors point at.
    call_site: Option<(Span, String)>,
    /// The defs being inlined, innermost last.
    def_stack: Vec<usize>,
    /// Names read by some expression (for unused-name warnings).
    used: HashSet<String>,
    /// Fields whose domain is still to be built, with their declarations.
    pending_domains: Vec<(FuncId, &'a [ast::CoordDecl])>,
    /// Declared domain factors of fields with some coordinates left open.
    partial_domains: HashMap<FuncId, Vec<Factor>>,
    /// Defs reported as recursive (never inlined).
    recursive: HashSet<usize>,
    /// Slices to check once domains are known.
    slices: Vec<region::SliceCheck>,
    /// Functions constrained on data rows.
    used_on_data: HashSet<FuncId>,
    /// Functions named by some constraint or conservation law, even one
    /// that failed to check (so a failure is not also reported as "unused").
    constrained: HashSet<FuncId>,
    /// Errors reported, plus placeholders left without a new report (a
    /// call of a recursive `def`, already reported at the `def`).
    failures: usize,
    /// Expression nodes built for the current statement, and whether it
    /// passed the budget.
    nodes: usize,
    over_budget: bool,
    /// Fractional operators expanded so far.
    fractional_reads: usize,
    /// Functions named by a constraint whose region failed to resolve.
    failed_places: HashSet<FuncId>,
    /// Labels of constraints, with where each was given (those of
    /// constraints that failed to check or parse included).
    labels: HashMap<String, Span>,
    /// Names whose declaration was refused or did not parse: their uses
    /// are not reported again as unknown.
    refused: HashSet<String>,
    /// `ode` equations, checked as systems once every statement is read.
    odes: Vec<ode::OdeEquation>,
    /// Where the current statement takes `d(u, n)`.
    normal_spans: Vec<Span>,
    /// Constraints that read the outward normal, checked once domains are
    /// known.
    normal_uses: Vec<normal::NormalUse>,
}

impl<'a> Checker<'a> {
    fn new(base_dir: &Path, files: &'a dyn Files) -> Checker<'a> {
        Checker {
            files,
            base_dir: base_dir.to_path_buf(),
            names: HashMap::new(),
            decl_spans: HashMap::new(),
            consts: vec![],
            defs: vec![],
            regions: vec![],
            region_coords: HashMap::new(),
            modules: vec![],
            model: Model::default(),
            diagnostics: vec![],
            call_site: None,
            def_stack: vec![],
            used: HashSet::new(),
            pending_domains: vec![],
            partial_domains: HashMap::new(),
            recursive: HashSet::new(),
            slices: vec![],
            used_on_data: HashSet::new(),
            constrained: HashSet::new(),
            failed_places: HashSet::new(),
            failures: 0,
            nodes: 0,
            over_budget: false,
            fractional_reads: 0,
            labels: HashMap::new(),
            refused: HashSet::new(),
            odes: vec![],
            normal_spans: vec![],
            normal_uses: vec![],
        }
    }

    fn run(&mut self, program: &'a ast::Program, modules: &'a [(String, ast::Program)]) {
        self.load_modules(program, modules);
        self.declare(program);
        self.unparsed(program);
        self.check_recursion();
        self.evaluate_consts(program);
        self.tunables(program);
        self.field_domains();
        self.statements(program);
        self.ode_systems();
        self.infer_domains();
        self.check_slices();
        self.check_normals();
        self.symmetry_groups();
        self.penalties();
        self.warn_rows_outside_domains();
        self.nets(program);
        self.train(program);
        // What nothing uses is only known when every statement was read and
        // checked; otherwise these warnings would echo the errors.
        if program.complete && self.failures == 0 {
            self.warn_unused(program);
        }
    }

    /// Records a diagnostic. Inside a library `def`, labels move to the call
    /// site: the user cannot edit the library, only the call.
    fn report(&mut self, mut diagnostic: Diagnostic) {
        self.failures += usize::from(diagnostic.is_error());
        if let Some((span, name)) = &self.call_site {
            diagnostic.message = format!(
                "{} (in `{name}` from the standard library)",
                diagnostic.message
            );
            let message = diagnostic
                .labels
                .first()
                .map(|l| l.message.clone())
                .unwrap_or_default();
            diagnostic.labels = vec![diagnostics::Label {
                span: *span,
                message,
            }];
        }
        self.diagnostics.push(diagnostic);
    }

    fn coord_id(&self, name: &str) -> Option<CoordId> {
        self.model
            .coords
            .iter()
            .position(|c| c.name == name)
            .map(|i| CoordId(i as u32))
    }

    fn intern_coord(&mut self, name: &str) -> CoordId {
        self.coord_id(name).unwrap_or_else(|| {
            self.model.coords.push(Coord {
                name: name.to_string(),
            });
            CoordId(self.model.coords.len() as u32 - 1)
        })
    }

    fn const_value(&mut self, name: &str) -> Option<f64> {
        match self.names.get(name) {
            Some(Decl::Const(id)) => self.eval_const(*id),
            _ => None,
        }
    }

    /// What the statements that did not parse would have given: their
    /// labels stand for `points(...)` and `weights(...)`, the names they
    /// declare are not unknown, and the fields named by one with an `on`
    /// clause are not reported without a domain.
    fn unparsed(&mut self, program: &ast::Program) {
        for unparsed in &program.unparsed {
            if let Some(label) = &unparsed.label {
                self.labels.entry(label.name.clone()).or_insert(label.span);
            }
            for name in &unparsed.declares {
                if !self.names.contains_key(&name.name) {
                    self.refused.insert(name.name.clone());
                }
            }
            if unparsed.has_on {
                for name in &unparsed.names {
                    // `u_xt` names the field `u`.
                    let field = name.split_once('_').map_or(name.as_str(), |(f, _)| f);
                    for name in [name.as_str(), field] {
                        if let Some(Decl::Function(f)) = self.names.get(name) {
                            self.failed_places.insert(*f);
                        }
                    }
                }
            }
        }
    }

    /// Reports an unknown name, unless its declaration was refused or did
    /// not parse: that is reported already, and one mistake is one error.
    fn report_unknown(&mut self, id: &ast::Ident, diagnostic: Diagnostic) {
        if self.refused.contains(&id.name) {
            self.failures += 1;
        } else {
            self.report(diagnostic);
        }
    }

    /// An "unknown name" diagnostic with a suggestion from every name in scope.
    fn unknown_name(&self, id: &ast::Ident, otherwise: &str) -> Diagnostic {
        let candidates = self
            .names
            .keys()
            .map(String::as_str)
            .chain(self.model.coords.iter().map(|c| c.name.as_str()))
            .chain(names::BUILTIN_VALUES.iter().copied())
            .chain(crate::model::Builtin::ALL.iter().map(|(n, _)| *n));
        Diagnostic::error(Code::UnknownName, format!("unknown name `{}`", id.name))
            .label(id.span, "not declared")
            .help(names::did_you_mean(&id.name, candidates, otherwise))
    }

    fn arity_error(
        &self,
        callee: &ast::Ident,
        call: &ast::Expr,
        expected: &[usize],
        found: usize,
    ) -> Diagnostic {
        let expected = match expected {
            [one] => format!("{one} argument{}", if *one == 1 { "" } else { "s" }),
            many => format!(
                "{} arguments",
                many.iter()
                    .map(|n| n.to_string())
                    .collect::<Vec<_>>()
                    .join(" or ")
            ),
        };
        Diagnostic::error(
            Code::Arity,
            format!("`{}` takes {expected}, found {found}", callee.name),
        )
        .label(call.span, format!("called with {found}"))
        .help(format!("call `{}` with {expected}", callee.name))
    }
}
