//! The symbolic IR: one hash-consed expression DAG in an arena.
//!
//! Nodes refer to their children by [`ExprId`], an index into the arena that
//! always points earlier: children come before parents, so one pass in
//! arena order evaluates any set of roots. Nodes are interned, so equal
//! expressions share one id, and they are built only through the smart
//! constructors of [`Graph`], which keep them canonical:
//!
//! - sums and products are flat, with operands sorted by id;
//! - like terms merge (`2x + 3x = 5x`), as do powers of one base
//!   (`x * x^2 = x^3`), and numbers fold (`x + 0 = x`, `x * 1 = x`,
//!   `x * 0 = 0`, `x^1 = x`, `2^3 = 8`);
//! - a product holds at most one number (its coefficient), a sum at most one
//!   number (its constant term);
//! - a number times a sum distributes (`2(x + y) = 2x + 2y`);
//! - `a - b` is `a + (-1)*b`, `a / b` is `a * b^-1`, `sqrt(a)` is `a^0.5`.
//!
//! The IR is real: complex fields are split into real and imaginary parts
//! ([`Part`]) when the model is lowered ([`lower`]).

pub mod adjoint;
pub mod average;
pub mod bessel;
pub mod diff;
pub mod distance;
pub mod eval;
pub mod hard;
pub mod lower;
pub mod print;
pub mod quadrature;
pub mod stages;
pub mod subst;

use crate::model::{CoordId, DataId, FuncId, LearnId};
use std::collections::{BTreeMap, HashMap};

/// An index into a [`Graph`]'s arena.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ExprId(pub u32);

impl ExprId {
    pub fn index(self) -> usize {
        self.0 as usize
    }
}

/// Which real output of a function a node reads.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Part {
    /// The value of a real function.
    Real,
    /// The real part of a complex function.
    Re,
    /// The imaginary part of a complex function.
    Im,
}

impl Part {
    /// `""`, `".re"` or `".im"`, as parts are written.
    pub fn suffix(self) -> &'static str {
        match self {
            Part::Real => "",
            Part::Re => ".re",
            Part::Im => ".im",
        }
    }
}

/// How many times a function is differentiated along each of its
/// coordinates, in the function's coordinate order.
pub type MultiIndex = Box<[u8]>;

/// Functions of one argument (`sqrt` is a power).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Func {
    Sin,
    Cos,
    Tan,
    Asin,
    Acos,
    Atan,
    Exp,
    Log,
    Abs,
    Sinh,
    Cosh,
    Tanh,
    Sech,
    Erf,
    /// `J_n`, the Bessel function of the first kind of whole order `n`.
    BesselJ(i32),
    /// `Y_n`, the Bessel function of the second kind of whole order `n`.
    BesselY(i32),
}

impl Func {
    pub const ALL: &[Func] = &[
        Func::Sin,
        Func::Cos,
        Func::Tan,
        Func::Asin,
        Func::Acos,
        Func::Atan,
        Func::Exp,
        Func::Log,
        Func::Abs,
        Func::Sinh,
        Func::Cosh,
        Func::Tanh,
        Func::Sech,
        Func::Erf,
    ];

    pub fn name(self) -> &'static str {
        match self {
            Func::Sin => "sin",
            Func::Cos => "cos",
            Func::Tan => "tan",
            Func::Asin => "asin",
            Func::Acos => "acos",
            Func::Atan => "atan",
            Func::Exp => "exp",
            Func::Log => "log",
            Func::Abs => "abs",
            Func::Sinh => "sinh",
            Func::Cosh => "cosh",
            Func::Tanh => "tanh",
            Func::Sech => "sech",
            Func::Erf => "erf",
            Func::BesselJ(_) => "besselj",
            Func::BesselY(_) => "bessely",
        }
    }

    /// The call as written, `sin(x)` or `besselj(2, x)`.
    pub fn call_text(self, arg: &str) -> String {
        match self {
            Func::BesselJ(n) | Func::BesselY(n) => format!("{}({n}, {arg})", self.name()),
            _ => format!("{}({arg})", self.name()),
        }
    }

    pub fn apply(self, x: f64) -> f64 {
        match self {
            Func::Sin => x.sin(),
            Func::Cos => x.cos(),
            Func::Tan => x.tan(),
            Func::Asin => x.asin(),
            Func::Acos => x.acos(),
            Func::Atan => x.atan(),
            Func::Exp => x.exp(),
            Func::Log => x.ln(),
            Func::Abs => x.abs(),
            Func::Sinh => x.sinh(),
            Func::Cosh => x.cosh(),
            Func::Tanh => x.tanh(),
            Func::Sech => 1.0 / x.cosh(),
            Func::Erf => erf(x),
            Func::BesselJ(n) => bessel::bessel_j(n, x),
            Func::BesselY(n) => bessel::bessel_y(n, x),
        }
    }
}

/// The error function to about 1e-14: its Maclaurin series below 2.5,
/// the continued fraction of `erfc` above.
pub fn erf(x: f64) -> f64 {
    let a = x.abs();
    let value = if a < 2.5 {
        let (mut term, mut sum, mut n) = (a, a, 0.0);
        while term.abs() > 1e-17 * sum.abs() {
            n += 1.0;
            term *= -a * a / n;
            sum += term / (2.0 * n + 1.0);
        }
        2.0 / std::f64::consts::PI.sqrt() * sum
    } else {
        // erfc(a) = exp(-a^2)/sqrt(pi) / (a + 1/2 / (a + 1 / (a + 3/2 / (a + ...))))
        let mut fraction = a;
        for k in (1..200).rev() {
            fraction = a + k as f64 / 2.0 / fraction;
        }
        1.0 - (-a * a).exp() / std::f64::consts::PI.sqrt() / fraction
    };
    value.copysign(x)
}

/// How `a^e` is computed for a number `e`. Every evaluator of the IR (the
/// interpreter, the cranelift kernels, the burn back end) follows it, so
/// they agree to rounding, negative bases with whole exponents included.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Power {
    /// `0 < |n| <= 64`: repeated multiplication, and the reciprocal of it
    /// for a negative `n`.
    Whole(i32),
    /// `e = 1/2`.
    Sqrt,
    /// `e = -1/2`: the reciprocal of the square root.
    RecipSqrt,
    /// Any other exponent: `powf`.
    Real(f64),
}

impl Power {
    pub fn of(e: f64) -> Power {
        match e {
            _ if e.fract() == 0.0 && e != 0.0 && e.abs() <= 64.0 => Power::Whole(e as i32),
            0.5 => Power::Sqrt,
            -0.5 => Power::RecipSqrt,
            _ => Power::Real(e),
        }
    }
}

/// A node of the DAG. Numbers are stored as bits so nodes can be hashed;
/// `-0.0` is stored as `0.0`.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum Node {
    Num(u64),
    Coord(CoordId),
    Learned(LearnId),
    /// A component of the outward unit normal at a boundary point.
    Normal(CoordId),
    Column {
        data: DataId,
        column: u32,
    },
    /// A function's output (or a derivative of it) at the point itself.
    Field {
        function: FuncId,
        part: Part,
        derivative: MultiIndex,
    },
    /// A function's output (or a derivative of it) at other arguments.
    Apply {
        function: FuncId,
        part: Part,
        derivative: MultiIndex,
        args: Box<[ExprId]>,
    },
    /// Two or more terms, sorted; at most one is a number.
    Add(Box<[ExprId]>),
    /// Two or more factors, sorted; at most one is a number.
    Mul(Box<[ExprId]>),
    Pow(ExprId, ExprId),
    Call(Func, ExprId),
}

/// `xs` without its `k`-th entry (a product's other factors).
pub(crate) fn without(xs: &[ExprId], k: usize) -> Vec<ExprId> {
    xs.iter()
        .enumerate()
        .filter(|(i, _)| *i != k)
        .map(|(_, &x)| x)
        .collect()
}

/// The arena of interned nodes.
#[derive(Clone, Debug, Default)]
pub struct Graph {
    nodes: Vec<Node>,
    ids: HashMap<Node, ExprId>,
}

impl Graph {
    pub fn new() -> Graph {
        Graph::default()
    }

    pub fn node(&self, id: ExprId) -> &Node {
        &self.nodes[id.index()]
    }

    pub fn len(&self) -> usize {
        self.nodes.len()
    }

    pub fn is_empty(&self) -> bool {
        self.nodes.is_empty()
    }

    /// Interns a node: equal nodes get one id. Children must already exist.
    fn intern(&mut self, node: Node) -> ExprId {
        if let Some(&id) = self.ids.get(&node) {
            return id;
        }
        let id = ExprId(self.nodes.len() as u32);
        self.nodes.push(node.clone());
        self.ids.insert(node, id);
        id
    }

    /// The number a node holds, if it is one.
    pub fn as_num(&self, id: ExprId) -> Option<f64> {
        match self.node(id) {
            Node::Num(bits) => Some(f64::from_bits(*bits)),
            _ => None,
        }
    }

    pub fn num(&mut self, v: f64) -> ExprId {
        let v = if v == 0.0 { 0.0 } else { v };
        self.intern(Node::Num(v.to_bits()))
    }

    pub fn coord(&mut self, c: CoordId) -> ExprId {
        self.intern(Node::Coord(c))
    }

    pub fn learned(&mut self, l: LearnId) -> ExprId {
        self.intern(Node::Learned(l))
    }

    pub fn normal(&mut self, c: CoordId) -> ExprId {
        self.intern(Node::Normal(c))
    }

    pub fn column(&mut self, data: DataId, column: u32) -> ExprId {
        self.intern(Node::Column { data, column })
    }

    pub fn field(&mut self, function: FuncId, part: Part, derivative: MultiIndex) -> ExprId {
        self.intern(Node::Field {
            function,
            part,
            derivative,
        })
    }

    pub fn apply(
        &mut self,
        function: FuncId,
        part: Part,
        derivative: MultiIndex,
        args: Box<[ExprId]>,
    ) -> ExprId {
        self.intern(Node::Apply {
            function,
            part,
            derivative,
            args,
        })
    }

    /// The numeric coefficient of a term and the rest of it: `3*x*y` is
    /// `(3, x*y)`, `x` is `(1, x)`.
    fn split_coefficient(&mut self, id: ExprId) -> (f64, ExprId) {
        if let Node::Mul(factors) = self.node(id) {
            let factors = factors.clone();
            // Operands are sorted by id, so the number may sit anywhere.
            if let Some(k) = factors.iter().position(|&f| self.as_num(f).is_some()) {
                let c = self.as_num(factors[k]).expect("found a number");
                let rest = without(&factors, k);
                let rest = if rest.len() == 1 {
                    rest[0]
                } else {
                    self.intern(Node::Mul(rest.into()))
                };
                return (c, rest);
            }
        }
        (1.0, id)
    }

    /// A sum, canonical.
    pub fn add(&mut self, terms: &[ExprId]) -> ExprId {
        let mut constant = 0.0;
        let mut coefficients: BTreeMap<ExprId, f64> = BTreeMap::new();
        let mut flat = Vec::with_capacity(terms.len());
        for &t in terms {
            match self.node(t) {
                Node::Add(inner) => flat.extend(inner.iter().copied()),
                _ => flat.push(t),
            }
        }
        for t in flat {
            if let Some(v) = self.as_num(t) {
                constant += v;
                continue;
            }
            let (c, rest) = self.split_coefficient(t);
            *coefficients.entry(rest).or_insert(0.0) += c;
        }
        let mut out: Vec<ExprId> = vec![];
        for (rest, c) in coefficients {
            if c != 0.0 {
                out.push(self.scaled(c, rest));
            }
        }
        if constant != 0.0 || constant.is_nan() {
            out.push(self.num(constant));
        }
        out.sort();
        match out.len() {
            0 => self.num(0.0),
            1 => out[0],
            _ => self.intern(Node::Add(out.into())),
        }
    }

    /// `c * rest` where `rest` holds no number.
    fn scaled(&mut self, c: f64, rest: ExprId) -> ExprId {
        if c == 1.0 {
            return rest;
        }
        let c = self.num(c);
        let mut factors = match self.node(rest) {
            Node::Mul(f) => f.to_vec(),
            _ => vec![rest],
        };
        factors.push(c);
        factors.sort();
        self.intern(Node::Mul(factors.into()))
    }

    /// A product, canonical.
    pub fn mul(&mut self, factors: &[ExprId]) -> ExprId {
        let mut coefficient = 1.0;
        let mut exponents: BTreeMap<ExprId, f64> = BTreeMap::new();
        let mut flat = Vec::with_capacity(factors.len());
        for &f in factors {
            match self.node(f) {
                Node::Mul(inner) => flat.extend(inner.iter().copied()),
                _ => flat.push(f),
            }
        }
        for f in flat {
            match self.node(f) {
                Node::Num(bits) => coefficient *= f64::from_bits(*bits),
                Node::Pow(base, exp) if self.as_num(*exp).is_some() => {
                    let (base, e) = (*base, self.as_num(*exp).expect("checked"));
                    *exponents.entry(base).or_insert(0.0) += e;
                }
                _ => *exponents.entry(f).or_insert(0.0) += 1.0,
            }
        }
        if coefficient == 0.0 {
            return self.num(0.0);
        }
        let mut out: Vec<ExprId> = vec![];
        for (base, e) in exponents {
            if e == 0.0 {
                continue;
            }
            let p = if e == 1.0 {
                base
            } else {
                let e = self.num(e);
                self.intern(Node::Pow(base, e))
            };
            out.push(p);
        }
        if out.is_empty() {
            return self.num(coefficient);
        }
        // A number times a sum distributes: 2 (x + y) = 2x + 2y.
        if let [single] = out[..]
            && coefficient != 1.0
            && let Node::Add(terms) = self.node(single).clone()
        {
            let c = self.num(coefficient);
            let scaled: Vec<ExprId> = terms.iter().map(|&t| self.mul(&[c, t])).collect();
            return self.add(&scaled);
        }
        if coefficient != 1.0 {
            out.push(self.num(coefficient));
        }
        out.sort();
        match out.len() {
            1 => out[0],
            _ => self.intern(Node::Mul(out.into())),
        }
    }

    /// `base ^ exponent`, canonical.
    pub fn pow(&mut self, base: ExprId, exponent: ExprId) -> ExprId {
        let Some(e) = self.as_num(exponent) else {
            return self.intern(Node::Pow(base, exponent));
        };
        if e == 0.0 {
            return self.num(1.0);
        }
        if e == 1.0 {
            return base;
        }
        let integer = e.fract() == 0.0;
        match self.node(base).clone() {
            Node::Num(bits) => {
                let b = f64::from_bits(bits);
                // A negative base to a fractional power stays symbolic.
                if b >= 0.0 || integer {
                    return self.num(b.powf(e));
                }
            }
            // (x^a)^n = x^(a n) for whole n; (x^a)^(1/2) is not x^(a/2) when x^a < 0.
            Node::Pow(inner, inner_exp) if integer && self.as_num(inner_exp).is_some() => {
                let product = self.as_num(inner_exp).expect("checked") * e;
                let product = self.num(product);
                return self.pow(inner, product);
            }
            Node::Mul(factors) if integer => {
                let powered: Vec<ExprId> = factors
                    .iter()
                    .map(|&f| {
                        let e = self.num(e);
                        self.pow(f, e)
                    })
                    .collect();
                return self.mul(&powered);
            }
            _ => {}
        }
        self.intern(Node::Pow(base, exponent))
    }

    pub fn neg(&mut self, a: ExprId) -> ExprId {
        let m = self.num(-1.0);
        self.mul(&[m, a])
    }

    pub fn sub(&mut self, a: ExprId, b: ExprId) -> ExprId {
        let nb = self.neg(b);
        self.add(&[a, nb])
    }

    pub fn div(&mut self, a: ExprId, b: ExprId) -> ExprId {
        let m = self.num(-1.0);
        let inv = self.pow(b, m);
        self.mul(&[a, inv])
    }

    pub fn powi(&mut self, base: ExprId, e: f64) -> ExprId {
        let e = self.num(e);
        self.pow(base, e)
    }

    pub fn sqrt(&mut self, a: ExprId) -> ExprId {
        self.powi(a, 0.5)
    }

    /// An operation (`Add`, `Mul`, `Pow`, `Call`) rebuilt from its operands
    /// mapped through `f`, simplified as it is built; `None` for leaves and
    /// function reads, whose rewriting is the caller's.
    pub fn map_operands(
        &mut self,
        e: ExprId,
        f: &mut dyn FnMut(&mut Graph, ExprId) -> ExprId,
    ) -> Option<ExprId> {
        Some(match self.node(e).clone() {
            Node::Add(terms) => {
                let terms: Vec<ExprId> = terms.iter().map(|&t| f(self, t)).collect();
                self.add(&terms)
            }
            Node::Mul(factors) => {
                let factors: Vec<ExprId> = factors.iter().map(|&t| f(self, t)).collect();
                self.mul(&factors)
            }
            Node::Pow(a, b) => {
                let (a, b) = (f(self, a), f(self, b));
                self.pow(a, b)
            }
            Node::Call(func, a) => {
                let a = f(self, a);
                self.call(func, a)
            }
            _ => return None,
        })
    }

    pub fn call(&mut self, f: Func, a: ExprId) -> ExprId {
        if let Some(v) = self.as_num(a) {
            let r = f.apply(v);
            // Fold only where the result is exact enough to keep: any finite value.
            if r.is_finite() {
                return self.num(r);
            }
        }
        self.intern(Node::Call(f, a))
    }

    /// The children of a node.
    pub fn children(&self, id: ExprId) -> Vec<ExprId> {
        match self.node(id) {
            Node::Apply { args, .. } => args.to_vec(),
            Node::Add(xs) | Node::Mul(xs) => xs.to_vec(),
            Node::Pow(a, b) => vec![*a, *b],
            Node::Call(_, a) => vec![*a],
            _ => vec![],
        }
    }

    /// Whether anything under `roots` reads a network or a learned scalar:
    /// a value that moves with the weights.
    pub fn reads_weights(&self, roots: &[ExprId]) -> bool {
        self.reachable(roots).into_iter().any(|a| {
            matches!(
                self.node(a),
                Node::Field { .. } | Node::Apply { .. } | Node::Learned(_)
            )
        })
    }

    /// Every node reachable from `roots`, in arena order (children first).
    pub fn reachable(&self, roots: &[ExprId]) -> Vec<ExprId> {
        let mut seen = vec![false; self.nodes.len()];
        let mut stack: Vec<ExprId> = roots.to_vec();
        while let Some(id) = stack.pop() {
            if std::mem::replace(&mut seen[id.index()], true) {
                continue;
            }
            stack.extend(self.children(id));
        }
        (0..self.nodes.len())
            .filter(|&i| seen[i])
            .map(|i| ExprId(i as u32))
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn constructors_fold_and_merge() {
        let mut g = Graph::new();
        let x = g.coord(CoordId(0));
        let y = g.coord(CoordId(1));
        let zero = g.num(0.0);
        let one = g.num(1.0);
        assert_eq!(g.add(&[x, zero]), x);
        assert_eq!(g.mul(&[x, one]), x);
        assert_eq!(g.mul(&[x, zero]), zero);
        assert_eq!(g.powi(x, 1.0), x);
        let two_x = g.add(&[x, x]);
        let three_x = g.add(&[two_x, x]);
        let three = g.num(3.0);
        assert_eq!(three_x, g.mul(&[three, x]));
        let x2 = g.mul(&[x, x]);
        assert_eq!(x2, g.powi(x, 2.0));
        let x3 = g.mul(&[x2, x]);
        assert_eq!(g.div(x3, x2), x);
        assert_eq!(g.sub(x, x), zero);
        // Operand order does not matter.
        assert_eq!(g.add(&[x, y]), g.add(&[y, x]));
        assert_eq!(g.mul(&[x, y, two_x]), g.mul(&[two_x, y, x]));
        let four = g.num(4.0);
        assert_eq!(g.powi(four, 0.5), g.num(2.0));
    }

    #[test]
    fn interning_is_idempotent() {
        let mut g = Graph::new();
        let x = g.coord(CoordId(0));
        let a = g.call(Func::Sin, x);
        let n = g.len();
        let b = g.call(Func::Sin, x);
        assert_eq!((a, n), (b, g.len()));
    }

    #[test]
    fn square_root_of_a_square_is_not_the_base() {
        let mut g = Graph::new();
        let x = g.coord(CoordId(0));
        let x2 = g.powi(x, 2.0);
        assert_ne!(g.sqrt(x2), x);
        let root = g.sqrt(x);
        assert_eq!(g.powi(root, 2.0), x);
    }
}
