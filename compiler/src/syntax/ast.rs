//! The abstract syntax tree of a `.phy` file.
//!
//! Built by [`super::build`] from pest's parse tree; consumed by the checker.
//! Every node carries the [`Span`] of the text it came from. Names are not
//! resolved here: `u_xt` is a [`ExprKind::Name`] until the checker decides
//! whether it is a derivative.

use crate::source::Span;

#[derive(Clone, Debug, PartialEq)]
pub struct Ident {
    pub name: String,
    pub span: Span,
}

/// A parsed file: the statements that parsed, in source order.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Program {
    pub items: Vec<Item>,
    /// Whether every statement parsed (else some are missing from `items`).
    pub complete: bool,
    /// What can be read of each statement that did not parse.
    pub unparsed: Vec<Unparsed>,
}

/// The words of a statement that does not parse, read token by token, so
/// that checking the rest of the file does not report its label, the names
/// it declares or the domain it may give as missing.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Unparsed {
    pub span: Span,
    /// `bc:` at its start.
    pub label: Option<Ident>,
    /// The names after `const`, `learn`, `param`, `field`, `region`,
    /// `data` or `def` at its start.
    pub declares: Vec<Ident>,
    /// Whether it has an `on` clause, and so may give a domain.
    pub has_on: bool,
    /// Every name in it.
    pub names: Vec<String>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Item {
    pub kind: ItemKind,
    pub span: Span,
}

#[derive(Clone, Debug, PartialEq)]
pub enum ItemKind {
    Const {
        name: Ident,
        value: Expr,
        /// `in log_uniform(1e-4, 5e-2)`: where `physc tune` searches.
        space: Option<Expr>,
    },
    Learn {
        name: Ident,
        init: Expr,
    },
    Param {
        name: Ident,
        range: Interval,
    },
    Field {
        names: Vec<Ident>,
        coords: Vec<CoordDecl>,
        ty: Option<Ident>,
    },
    Region {
        name: Ident,
        region: Region,
    },
    Data {
        name: Ident,
        source: Source,
    },
    Def {
        name: Ident,
        params: Vec<Ident>,
        body: Expr,
    },
    Use {
        path: Vec<Ident>,
    },
    Net {
        names: Vec<Ident>,
        args: Option<Vec<Ident>>,
        spec: Option<Spec>,
    },
    Train {
        items: Vec<TrainItem>,
    },
    Symmetry {
        soft: bool,
        lhs: Expr,
        rhs: Expr,
        on: Option<Region>,
    },
    Conserve {
        quantity: Expr,
        on: Option<Region>,
    },
    /// `exact u = ...`, or with `checked` false `reference u = ...` of a
    /// formula: compared with like an exact solution, not checked against
    /// the equations (a free-space solution, an approximation).
    Exact {
        field: Ident,
        value: Expr,
        checked: bool,
    },
    Reference {
        field: Ident,
        source: Source,
    },
    Constraint(Constraint),
}

/// One or more coordinates, optionally bound to a region:
/// `x`, `x in [0, 1]`, `(x, y) in plate`.
#[derive(Clone, Debug, PartialEq)]
pub struct CoordDecl {
    pub names: Vec<Ident>,
    pub domain: Option<Region>,
}

/// `csv("file.csv")`.
#[derive(Clone, Debug, PartialEq)]
pub struct Source {
    pub format: Ident,
    pub path: String,
    pub path_span: Span,
}

/// A named call with keyword options: `mlp(depth = 8, act = tanh)`.
#[derive(Clone, Debug, PartialEq)]
pub struct Spec {
    pub name: Ident,
    pub options: Vec<Opt>,
    pub span: Span,
}

/// `name = value` inside a spec or a train block.
#[derive(Clone, Debug, PartialEq)]
pub struct Opt {
    pub name: Ident,
    pub value: Expr,
}

#[derive(Clone, Debug, PartialEq)]
pub enum TrainItem {
    /// An optimizer stage or a setting group: `adam(lr = 1e-3)`.
    Spec(Spec),
    /// A setting: `seed = 1`.
    Opt(Opt),
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
    pub fn as_str(self) -> &'static str {
        match self {
            Relation::Eq => "=",
            Relation::Ge => ">=",
            Relation::Le => "<=",
            Relation::Gt => ">",
            Relation::Lt => "<",
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Modifier {
    Hard,
    Soft,
    /// A time derivative of observed states, fitted by integrating
    /// through the observed trajectories (a neural ODE).
    Ode,
}

/// `[label:] [hard|soft|ode] lhs REL rhs [on region]`.
#[derive(Clone, Debug, PartialEq)]
pub struct Constraint {
    pub label: Option<Ident>,
    pub modifier: Option<(Modifier, Span)>,
    pub lhs: Expr,
    pub relation: Relation,
    pub relation_span: Span,
    pub rhs: Expr,
    pub on: Option<Region>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Interval {
    pub lo: Expr,
    pub hi: Expr,
    pub span: Span,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SetOp {
    Union,
    Intersection,
    Difference,
}

impl SetOp {
    pub fn as_str(self) -> &'static str {
        match self {
            SetOp::Union => "|",
            SetOp::Intersection => "&",
            SetOp::Difference => "-",
        }
    }
}

#[derive(Clone, Debug, PartialEq)]
pub struct Region {
    pub kind: RegionKind,
    pub span: Span,
}

#[derive(Clone, Debug, PartialEq)]
pub enum RegionKind {
    /// `[a,b] x [c,d]`: binds positionally to coordinates.
    Box(Vec<Interval>),
    /// `x = a`: the points of the domain where a coordinate has a value.
    Slice { coord: Ident, value: Expr },
    /// `disk((0,0), 0.3)`, `polygon(...)`, ...
    Shape { name: Ident, args: Vec<Expr> },
    /// `boundary(R)`.
    Boundary(Box<Region>),
    /// A named region or data set.
    Name(Ident),
    Set {
        op: SetOp,
        lhs: Box<Region>,
        rhs: Box<Region>,
    },
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum BinOp {
    Add,
    Sub,
    Mul,
    Div,
    Pow,
}

impl BinOp {
    pub fn as_str(self) -> &'static str {
        match self {
            BinOp::Add => "+",
            BinOp::Sub => "-",
            BinOp::Mul => "*",
            BinOp::Div => "/",
            BinOp::Pow => "^",
        }
    }
}

#[derive(Clone, Debug, PartialEq)]
pub struct Expr {
    pub kind: ExprKind,
    pub span: Span,
}

#[derive(Clone, Debug, PartialEq)]
pub enum ExprKind {
    Number(f64),
    /// Any identifier: constant, coordinate, field, derivative `u_xt`, ...
    Name(Ident),
    /// `obs.u`: a column of a data set.
    Member {
        base: Ident,
        member: Ident,
    },
    Call {
        callee: Ident,
        args: Vec<Expr>,
    },
    /// `(a, b)`: a point.
    Tuple(Vec<Expr>),
    Neg(Box<Expr>),
    Binary {
        op: BinOp,
        lhs: Box<Expr>,
        rhs: Box<Expr>,
    },
    /// `sum(c in space(f), body)`: one term per coordinate.
    Sum {
        var: Ident,
        over: Box<Expr>,
        body: Box<Expr>,
    },
}
