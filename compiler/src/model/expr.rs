//! Checked expressions: every name resolved to an id, `def`s inlined.

use super::{ConstId, CoordId, DataId, FuncId, LearnId};

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
    Erf,
    Conj,
    Re,
    Im,
    /// `besselj(n, x)`: the order is a whole number, part of the function.
    BesselJ(i32),
    /// `bessely(n, x)`.
    BesselY(i32),
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
        ("erf", Builtin::Erf),
        ("conj", Builtin::Conj),
        ("re", Builtin::Re),
        ("im", Builtin::Im),
    ];

    pub fn name(self) -> &'static str {
        match self {
            Builtin::BesselJ(_) => return "besselj",
            Builtin::BesselY(_) => return "bessely",
            _ => {}
        }
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
    /// A component of the outward unit normal at a boundary point (zero
    /// along coordinates the boundary does not bind, such as time).
    Normal(CoordId),
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

    /// The sum of the terms, left to right (0 for none).
    pub fn sum(terms: impl IntoIterator<Item = Expr>) -> Expr {
        terms
            .into_iter()
            .reduce(|sum, term| Expr::Binary {
                op: BinOp::Add,
                lhs: Box::new(sum),
                rhs: Box::new(term),
            })
            .unwrap_or(Expr::Number(0.0))
    }

    /// Rebuilds the tree bottom-up: `f` gets each node with its children
    /// already mapped.
    pub fn map(self, f: &mut impl FnMut(Expr) -> Expr) -> Expr {
        let mut child = |e: Box<Expr>| Box::new(e.map(f));
        let rebuilt = match self {
            Expr::Apply {
                function,
                derivative,
                args,
            } => Expr::Apply {
                function,
                derivative,
                args: args.into_iter().map(|a| a.map(f)).collect(),
            },
            Expr::Diff { expr, coord, order } => Expr::Diff {
                expr: child(expr),
                coord,
                order,
            },
            Expr::Integral { expr, over } => Expr::Integral {
                expr: child(expr),
                over,
            },
            Expr::Call { builtin, arg } => Expr::Call {
                builtin,
                arg: child(arg),
            },
            Expr::Neg(e) => Expr::Neg(child(e)),
            Expr::Binary { op, lhs, rhs } => Expr::Binary {
                op,
                lhs: child(lhs),
                rhs: child(rhs),
            },
            leaf => leaf,
        };
        f(rebuilt)
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
