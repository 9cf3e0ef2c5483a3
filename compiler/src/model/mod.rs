//! The checked model: what a `.phy` file means, with every name resolved.
//!
//! Produced by [`crate::check`]; read by lowering and the runtime. Invariants:
//! every id indexes the table it names; every function's coordinates are
//! [`CoordId`]s of the global coordinate table; a derivative multi-index has
//! one entry per coordinate of its function; constants are evaluated; `def`
//! calls are inlined; regions are resolved to sets, slices or data sets.

pub mod print;

use crate::source::Span;
use std::path::PathBuf;

macro_rules! ids {
    ($($name:ident),*) => {$(
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub struct $name(pub u32);
        impl $name {
            pub fn index(self) -> usize { self.0 as usize }
        }
    )*};
}
ids!(ConstId, LearnId, ParamId, CoordId, FuncId, DataId, NetId);

#[derive(Clone, Debug, Default)]
pub struct Model {
    pub consts: Vec<Const>,
    pub learned: Vec<Learned>,
    pub params: Vec<Param>,
    pub coords: Vec<Coord>,
    pub functions: Vec<Function>,
    pub data: Vec<DataSet>,
    pub nets: Vec<Net>,
    pub constraints: Vec<Constraint>,
    pub symmetries: Vec<Symmetry>,
    pub conservation: Vec<Conservation>,
    pub solutions: Vec<Solution>,
    pub train: Train,
}

impl Model {
    pub fn coord(&self, id: CoordId) -> &Coord {
        &self.coords[id.index()]
    }

    pub fn function(&self, id: FuncId) -> &Function {
        &self.functions[id.index()]
    }
}

#[derive(Clone, Debug)]
pub struct Const {
    pub name: String,
    pub value: f64,
    pub span: Span,
}

/// A scalar unknown trained with the networks.
#[derive(Clone, Debug)]
pub struct Learned {
    pub name: String,
    pub init: f64,
    pub span: Span,
}

/// A parameter of a family of problems: an extra network input.
#[derive(Clone, Debug)]
pub struct Param {
    pub name: String,
    pub lo: f64,
    pub hi: f64,
    pub span: Span,
}

/// A coordinate name, shared by every function that has it.
#[derive(Clone, Debug)]
pub struct Coord {
    pub name: String,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FunctionKind {
    /// `field u(x, t)`: a solution of the equations.
    Field,
    /// `net H(q, p)`: a learned function known only through its equations.
    Learned,
}

/// A field or learned function: one network output (two when complex).
#[derive(Clone, Debug)]
pub struct Function {
    pub name: String,
    pub kind: FunctionKind,
    pub coords: Vec<CoordId>,
    pub complex: bool,
    /// Where the function lives; `None` when it is only ever evaluated on
    /// data points.
    pub domain: Option<Domain>,
    pub span: Span,
}

/// A product of factors covering each coordinate of a function once.
#[derive(Clone, Debug, PartialEq)]
pub struct Domain {
    pub factors: Vec<Factor>,
}

#[derive(Clone, Debug, PartialEq)]
pub enum Factor {
    Interval {
        coord: CoordId,
        lo: f64,
        hi: f64,
    },
    /// Several coordinates bound to a set: `(x, y) in plate`.
    Set {
        coords: Vec<CoordId>,
        set: Set,
        name: Option<String>,
    },
}

impl Domain {
    /// The range of one coordinate (the bounding interval for a set factor).
    pub fn range(&self, coord: CoordId) -> Option<(f64, f64)> {
        self.factors.iter().find_map(|f| match f {
            Factor::Interval { coord: c, lo, hi } if *c == coord => Some((*lo, *hi)),
            Factor::Set { coords, set, .. } => {
                let k = coords.iter().position(|c| *c == coord)?;
                set.bounds().map(|b| b[k])
            }
            _ => None,
        })
    }
}

/// A geometric set in the coordinates it is bound to.
#[derive(Clone, Debug, PartialEq)]
pub enum Set {
    Box(Vec<(f64, f64)>),
    /// A disk (2-D) or ball (any dimension).
    Ball {
        center: Vec<f64>,
        radius: f64,
    },
    Polygon(Vec<(f64, f64)>),
    Boundary(Box<Set>),
    Union(Box<Set>, Box<Set>),
    Intersection(Box<Set>, Box<Set>),
    Difference(Box<Set>, Box<Set>),
}

impl Set {
    pub fn dim(&self) -> usize {
        match self {
            Set::Box(b) => b.len(),
            Set::Ball { center, .. } => center.len(),
            Set::Polygon(_) => 2,
            Set::Boundary(s) => s.dim(),
            Set::Union(a, _) | Set::Intersection(a, _) | Set::Difference(a, _) => a.dim(),
        }
    }

    /// An axis-aligned box containing the set.
    pub fn bounds(&self) -> Option<Vec<(f64, f64)>> {
        Some(match self {
            Set::Box(b) => b.clone(),
            Set::Ball { center, radius } => {
                center.iter().map(|c| (c - radius, c + radius)).collect()
            }
            Set::Polygon(points) => {
                let fold = |f: fn(&(f64, f64)) -> f64| {
                    points
                        .iter()
                        .map(f)
                        .fold((f64::INFINITY, f64::NEG_INFINITY), |(lo, hi), v| {
                            (lo.min(v), hi.max(v))
                        })
                };
                vec![fold(|p| p.0), fold(|p| p.1)]
            }
            Set::Boundary(s) | Set::Difference(s, _) => s.bounds()?,
            Set::Union(a, b) => a
                .bounds()?
                .iter()
                .zip(b.bounds()?)
                .map(|(x, y)| (x.0.min(y.0), x.1.max(y.1)))
                .collect(),
            Set::Intersection(a, b) => a
                .bounds()?
                .iter()
                .zip(b.bounds()?)
                .map(|(x, y)| (x.0.max(y.0), x.1.min(y.1)))
                .collect(),
        })
    }
}

/// A named region or data set kept for printing.
#[derive(Clone, Debug)]
pub struct DataSet {
    pub name: String,
    pub path: PathBuf,
    pub columns: Vec<String>,
    /// Column-major values, one vector per column.
    pub values: Vec<Vec<f64>>,
    pub span: Span,
}

impl DataSet {
    pub fn rows(&self) -> usize {
        self.values.first().map_or(0, Vec::len)
    }

    pub fn column(&self, name: &str) -> Option<usize> {
        self.columns.iter().position(|c| c == name)
    }
}

/// Where a constraint holds.
#[derive(Clone, Debug, PartialEq)]
pub enum Where {
    /// The whole domain of the constraint's functions.
    Domain,
    /// A set over some of the coordinates (the others range over the domain).
    Set {
        coords: Vec<CoordId>,
        set: Set,
        name: Option<String>,
    },
    /// The points of the domain where a coordinate has a value.
    Slice {
        coord: CoordId,
        value: f64,
    },
    Union(Vec<Where>),
    /// The rows of a data set.
    Data(DataId),
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Relation {
    Eq,
    Ge,
    Le,
    Gt,
    Lt,
}

/// How a constraint is enforced.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Enforcement {
    /// A penalty in the loss.
    Soft,
    /// Exactly, by an output transform of the network.
    Hard,
}

#[derive(Clone, Debug)]
pub struct Constraint {
    /// The user's label, or one made from the constraint's position (`eq3`).
    pub label: String,
    pub lhs: Expr,
    pub relation: Relation,
    pub rhs: Expr,
    pub on: Where,
    pub enforcement: Enforcement,
    /// Coordinates the constraint's expressions range over.
    pub space: Vec<CoordId>,
    pub span: Span,
}

#[derive(Clone, Debug, PartialEq)]
pub enum SymmetryMap {
    /// `u(x + L, t) = u(x, t)`.
    Periodic { coord: CoordId, period: f64 },
    /// An affine map of finite order: each coordinate's image is
    /// `sign * source + shift`.
    Finite { images: Vec<Image>, order: u32 },
    /// Any map, penalised at sampled points (`soft symmetry`).
    Sampled { args: Vec<Expr> },
}

/// `coord -> sign * source + shift`.
#[derive(Clone, Debug, PartialEq)]
pub struct Image {
    pub source: CoordId,
    pub sign: f64,
    pub shift: f64,
}

#[derive(Clone, Debug)]
pub struct Symmetry {
    pub function: FuncId,
    pub map: SymmetryMap,
    /// `u(g x) = sign * u(x)`.
    pub sign: f64,
    pub soft: bool,
    pub span: Span,
}

/// `conserve Q`: dQ/d(time) = 0.
#[derive(Clone, Debug)]
pub struct Conservation {
    pub quantity: Expr,
    pub time: CoordId,
    pub span: Span,
}

#[derive(Clone, Debug)]
pub enum SolutionKind {
    Exact(Expr),
    Reference(DataId),
}

/// A known solution used to validate a model and measure its error.
#[derive(Clone, Debug)]
pub struct Solution {
    pub function: FuncId,
    pub kind: SolutionKind,
    pub span: Span,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Activation {
    Tanh,
    Sin,
    Gelu,
    Softplus,
    Swish,
}

impl Activation {
    pub const ALL: &[(&str, Activation)] = &[
        ("tanh", Activation::Tanh),
        ("sin", Activation::Sin),
        ("gelu", Activation::Gelu),
        ("softplus", Activation::Softplus),
        ("swish", Activation::Swish),
    ];

    pub fn name(self) -> &'static str {
        Activation::ALL
            .iter()
            .find(|(_, a)| *a == self)
            .map_or("?", |(n, _)| n)
    }
}

/// One neural network: an MLP from its inputs to its outputs.
#[derive(Clone, Debug)]
pub struct Net {
    pub outputs: Vec<FuncId>,
    pub inputs: Vec<CoordId>,
    pub depth: u32,
    pub width: u32,
    pub activation: Activation,
    /// Number of random Fourier features of the input (0: none).
    pub fourier: u32,
    pub fourier_scale: f64,
    /// Whether the user wrote a `net` statement (else defaults).
    pub declared: bool,
}

#[derive(Clone, Debug, PartialEq)]
pub enum Optimizer {
    Adam {
        lr: f64,
        steps: u64,
        beta1: f64,
        beta2: f64,
    },
    Lbfgs {
        lr: f64,
        steps: u64,
        history: u64,
        tolerance: f64,
    },
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Sampler {
    Lhs,
    Sobol,
    Uniform,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Balance {
    Fixed,
    GradNorm,
}

/// The `train` block with defaults filled in.
#[derive(Clone, Debug, PartialEq)]
pub struct Train {
    pub stages: Vec<Optimizer>,
    pub seed: u64,
    pub sampler: Sampler,
    /// Collocation points per constraint with no count of its own.
    pub points: u64,
    /// Per-label point counts.
    pub label_points: Vec<(String, u64)>,
    /// Per-label loss weights (1 where absent).
    pub weights: Vec<(String, f64)>,
    /// Resample collocation points every this many steps (0: never).
    pub resample: u64,
    pub balance: Balance,
    /// Causal weighting tolerance (0: off).
    pub causal: f64,
    pub log_every: u64,
    pub checkpoint_every: u64,
    /// Stop after this many logged steps without improvement (0: never).
    pub patience: u64,
}

impl Default for Train {
    fn default() -> Train {
        Train {
            stages: vec![
                Optimizer::Adam {
                    lr: 1e-3,
                    steps: 5000,
                    beta1: 0.9,
                    beta2: 0.999,
                },
                Optimizer::Lbfgs {
                    lr: 1.0,
                    steps: 2000,
                    history: 50,
                    tolerance: 1e-9,
                },
            ],
            seed: 0,
            sampler: Sampler::Lhs,
            points: 2000,
            label_points: vec![],
            weights: vec![],
            resample: 0,
            balance: Balance::Fixed,
            causal: 0.0,
            log_every: 100,
            checkpoint_every: 1000,
            patience: 0,
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Builtin {
    Sin,
    Cos,
    Tan,
    Asin,
    Acos,
    Atan,
    Exp,
    Log,
    Sqrt,
    Abs,
    Sinh,
    Cosh,
    Tanh,
    Sech,
    Conj,
    Re,
    Im,
}

impl Builtin {
    pub const ALL: &[(&str, Builtin)] = &[
        ("sin", Builtin::Sin),
        ("cos", Builtin::Cos),
        ("tan", Builtin::Tan),
        ("asin", Builtin::Asin),
        ("acos", Builtin::Acos),
        ("atan", Builtin::Atan),
        ("exp", Builtin::Exp),
        ("log", Builtin::Log),
        ("sqrt", Builtin::Sqrt),
        ("abs", Builtin::Abs),
        ("sinh", Builtin::Sinh),
        ("cosh", Builtin::Cosh),
        ("tanh", Builtin::Tanh),
        ("sech", Builtin::Sech),
        ("conj", Builtin::Conj),
        ("re", Builtin::Re),
        ("im", Builtin::Im),
    ];

    pub fn name(self) -> &'static str {
        Builtin::ALL
            .iter()
            .find(|(_, b)| *b == self)
            .map_or("?", |(n, _)| n)
    }

    pub fn from_name(name: &str) -> Option<Builtin> {
        Builtin::ALL
            .iter()
            .find(|(n, _)| *n == name)
            .map(|(_, b)| *b)
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Constant {
    Pi,
    E,
}

impl Constant {
    pub fn value(self) -> f64 {
        match self {
            Constant::Pi => std::f64::consts::PI,
            Constant::E => std::f64::consts::E,
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            Constant::Pi => "pi",
            Constant::E => "e",
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum BinOp {
    Add,
    Sub,
    Mul,
    Div,
    Pow,
}

/// A checked expression. Derivative multi-indices have one order per
/// coordinate of their function.
#[derive(Clone, Debug, PartialEq)]
pub enum Expr {
    Number(f64),
    /// `pi` or `e`, kept by name so models print as written.
    Constant(Constant),
    /// The imaginary unit `i`.
    Imag,
    Coord(CoordId),
    Const(ConstId),
    Learned(LearnId),
    Param(ParamId),
    /// A column of a data set.
    Column {
        data: DataId,
        column: usize,
    },
    /// A function (or a derivative of it) at the constraint's own point.
    Field {
        function: FuncId,
        derivative: Vec<u32>,
    },
    /// A function (or a derivative of it) at other arguments: `u(x + 10, t)`.
    Apply {
        function: FuncId,
        derivative: Vec<u32>,
        args: Vec<Expr>,
    },
    /// The derivative of an expression along a coordinate.
    Diff {
        expr: Box<Expr>,
        coord: CoordId,
        order: u32,
    },
    /// The integral of an expression over some coordinates of its domain.
    Integral {
        expr: Box<Expr>,
        over: Vec<CoordId>,
    },
    Call {
        builtin: Builtin,
        arg: Box<Expr>,
    },
    Neg(Box<Expr>),
    Binary {
        op: BinOp,
        lhs: Box<Expr>,
        rhs: Box<Expr>,
    },
}

impl Expr {
    /// Calls `f` on this expression and every sub-expression.
    pub fn visit(&self, f: &mut impl FnMut(&Expr)) {
        f(self);
        match self {
            Expr::Apply { args, .. } => args.iter().for_each(|a| a.visit(f)),
            Expr::Diff { expr, .. }
            | Expr::Integral { expr, .. }
            | Expr::Call { arg: expr, .. }
            | Expr::Neg(expr) => expr.visit(f),
            Expr::Binary { lhs, rhs, .. } => {
                lhs.visit(f);
                rhs.visit(f);
            }
            _ => {}
        }
    }

    /// The number of nodes in the tree.
    pub fn size(&self) -> usize {
        let mut n = 0;
        self.visit(&mut |_| n += 1);
        n
    }

    /// The functions this expression reads, in order of first appearance.
    pub fn functions(&self) -> Vec<FuncId> {
        let mut out = vec![];
        self.visit(&mut |e| {
            if let Expr::Field { function, .. } | Expr::Apply { function, .. } = e
                && !out.contains(function)
            {
                out.push(*function);
            }
        });
        out
    }
}
