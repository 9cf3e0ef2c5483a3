//! The checked model: what a `.phy` file means, with every name resolved.
//!
//! Produced by [`crate::check`]; read by lowering and the runtime. Invariants:
//! every id indexes the table it names; every function's coordinates are
//! [`CoordId`]s of the global coordinate table; a derivative multi-index has
//! one entry per coordinate of its function; constants are evaluated; `def`
//! calls are inlined; regions are resolved to sets, slices or data sets.

mod expr;
pub mod group;
pub mod print;
mod train;
mod tune;

pub use expr::*;
pub use train::*;
pub use tune::*;

use crate::source::Span;
use std::path::PathBuf;

ids!(
    ConstId,
    LearnId,
    ParamId,
    CoordId,
    FuncId,
    DataId,
    NetId,
    ConstraintId
);

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
    /// The constants `physc tune` searches.
    pub tunables: Vec<Tunable>,
}

impl Model {
    pub fn coord(&self, id: CoordId) -> &Coord {
        &self.coords[id.index()]
    }

    pub fn function(&self, id: FuncId) -> &Function {
        &self.functions[id.index()]
    }

    /// The network that computes function `id`.
    pub fn net_of(&self, id: FuncId) -> Option<&Net> {
        self.nets.iter().find(|n| n.outputs.contains(&id))
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
    /// Its true value, where the model states one (`exact nu = 0.01/pi`):
    /// what a run measures the learned value against.
    pub exact: Option<f64>,
    pub span: Span,
}

/// A parameter of a family of problems: a coordinate every field has
/// after its own (so an extra input of every field's network), drawn across
/// `[lo, hi]` like any coordinate, which nothing differentiates along
/// unless the model says so.
#[derive(Clone, Debug)]
pub struct Param {
    pub name: String,
    pub lo: f64,
    pub hi: f64,
    pub coord: CoordId,
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

/// Relative slack for values written with few digits at a domain's edge
/// (`1.570796327` for pi/2).
pub const EDGE: f64 = 1e-9;

impl Domain {
    /// Whether `value` lies in the range of `coord` (any value when the
    /// domain gives the coordinate no range), to the slack [`EDGE`].
    pub fn admits(&self, coord: CoordId, value: f64) -> bool {
        self.range(coord).is_none_or(|(lo, hi)| {
            let slack = EDGE * (hi - lo).abs().max(1.0);
            (lo - slack..=hi + slack).contains(&value)
        })
    }

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

impl Where {
    /// Whether the place fills the dimension of the constraint's
    /// coordinates: the whole domain, or sets that are not boundaries.
    /// Slices, boundaries and data rows are thinner.
    pub fn is_solid(&self) -> bool {
        match self {
            Where::Domain => true,
            Where::Set { set, .. } => !matches!(set, Set::Boundary(_)),
            Where::Union(parts) => parts.iter().all(Where::is_solid),
            Where::Slice { .. } | Where::Data(_) => false,
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Relation {
    Eq,
    Ge,
    Le,
    Gt,
    Lt,
}

impl Relation {
    /// `=`, `>=`, `<=`, `>` or `<`.
    pub fn symbol(self) -> &'static str {
        match self {
            Relation::Eq => "=",
            Relation::Ge => ">=",
            Relation::Le => "<=",
            Relation::Gt => ">",
            Relation::Lt => "<",
        }
    }
}

/// How a constraint is enforced.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Enforcement {
    /// A penalty in the loss.
    Soft,
    /// Exactly, by an output transform of the network.
    Hard,
    /// `ode SET.q_t = E`: `E` is the time derivative of the state variable
    /// `state`, observed in `SET`'s column of the same name along the
    /// trajectories of `SET`, whose times are column `time`; the
    /// constraint's `lhs` is that column. Fitted by integrating the state
    /// from each trajectory's first row (a neural ODE).
    Ode { state: CoordId, time: usize },
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
    /// Whether it reads a fractional operator, a quadrature that exact
    /// solutions singular at the boundary meet only approximately
    /// ([`crate::exact::FRACTIONAL_TOLERANCE`]).
    pub fractional: bool,
    pub span: Span,
}

#[derive(Clone, Debug, PartialEq)]
pub enum SymmetryMap {
    /// `u(x + L, t) = u(x, t)`.
    Periodic { coord: CoordId, period: f64 },
    /// An affine map of finite order: each coordinate's image.
    Finite { images: Vec<Image>, order: u32 },
    /// Any map, penalised at sampled points (`soft symmetry`).
    Sampled { args: Vec<Expr> },
}

/// A coordinate's image under an affine map of a field's coordinates `x`:
/// `sum_k coef[k] * x[k] + shift`.
#[derive(Clone, Debug, PartialEq)]
pub struct Image {
    pub coef: Vec<f64>,
    pub shift: f64,
}

impl Image {
    /// Coordinate `k` of `n`, unmoved.
    pub fn unmoved(n: usize, k: usize) -> Image {
        let mut coef = vec![0.0; n];
        coef[k] = 1.0;
        Image { coef, shift: 0.0 }
    }

    /// Whether this is coordinate `k` unmoved, to `tolerance`.
    pub fn is_unmoved(&self, k: usize, tolerance: f64) -> bool {
        self.shift.abs() <= tolerance
            && self
                .coef
                .iter()
                .enumerate()
                .all(|(j, c)| (c - f64::from(u8::from(j == k))).abs() <= tolerance)
    }
}

#[derive(Clone, Debug)]
pub struct Symmetry {
    pub function: FuncId,
    pub map: SymmetryMap,
    /// `u(g x) = sign * u(x) + offset`.
    pub sign: f64,
    pub offset: f64,
    pub soft: bool,
    pub span: Span,
}

/// `conserve Q`: dQ/d(time) = 0.
#[derive(Clone, Debug)]
pub struct Conservation {
    /// The label of its loss term (`conservation`, numbered after the
    /// first).
    pub label: String,
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
    /// Whether the solution is claimed exact, so checked against the
    /// equations (W0003): `exact u = ...`, not `reference u = ...`.
    pub checked: bool,
    pub span: Span,
}
