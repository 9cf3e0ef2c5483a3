//! Symbolic differentiation on the IR.
//!
//! `d(node)/d(var)` for a coordinate or a learned scalar, memoised per
//! (node, variable), built through the smart constructors so results come
//! out simplified. A field's derivative extends its multi-index; a function
//! at other arguments (`H(q(t), p(t))`) follows the chain rule through them.

use super::*;

/// What to differentiate with respect to.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Var {
    Coord(CoordId),
    Learned(LearnId),
}

/// A differentiator for one model: it knows each function's coordinates.
pub struct Differentiator {
    function_coords: Vec<Vec<CoordId>>,
    memo: HashMap<(ExprId, Var), ExprId>,
}

impl Differentiator {
    /// `function_coords[f]` lists the coordinates of function `f` in order.
    pub fn new(function_coords: Vec<Vec<CoordId>>) -> Differentiator {
        Differentiator {
            function_coords,
            memo: HashMap::new(),
        }
    }

    /// `d(e)/d(var)`.
    pub fn diff(&mut self, g: &mut Graph, e: ExprId, var: Var) -> ExprId {
        if let Some(&d) = self.memo.get(&(e, var)) {
            return d;
        }
        let d = self.compute(g, e, var);
        self.memo.insert((e, var), d);
        d
    }

    /// `d^n(e)/d(coord)^n`.
    pub fn diff_n(&mut self, g: &mut Graph, mut e: ExprId, coord: CoordId, n: u32) -> ExprId {
        for _ in 0..n {
            e = self.diff(g, e, Var::Coord(coord));
        }
        e
    }

    fn compute(&mut self, g: &mut Graph, e: ExprId, var: Var) -> ExprId {
        match g.node(e).clone() {
            Node::Num(_) | Node::Normal(_) | Node::Column { .. } => g.num(0.0),
            Node::Coord(c) => g.num(if var == Var::Coord(c) { 1.0 } else { 0.0 }),
            Node::Learned(l) => g.num(if var == Var::Learned(l) { 1.0 } else { 0.0 }),
            Node::Field {
                function,
                part,
                derivative,
            } => {
                let Var::Coord(c) = var else {
                    return g.num(0.0);
                };
                match self.function_coords[function.index()]
                    .iter()
                    .position(|x| *x == c)
                {
                    Some(k) => g.field(function, part, bumped(&derivative, k)),
                    None => g.num(0.0),
                }
            }
            Node::Apply {
                function,
                part,
                derivative,
                args,
            } => {
                let mut terms = vec![];
                for (k, &arg) in args.iter().enumerate() {
                    let inner = self.diff(g, arg, var);
                    if g.as_num(inner) == Some(0.0) {
                        continue;
                    }
                    let outer = g.apply(function, part, bumped(&derivative, k), args.clone());
                    terms.push(g.mul(&[outer, inner]));
                }
                g.add(&terms)
            }
            Node::Add(terms) => {
                let ds: Vec<ExprId> = terms.iter().map(|&t| self.diff(g, t, var)).collect();
                g.add(&ds)
            }
            Node::Mul(factors) => {
                let mut terms = vec![];
                for i in 0..factors.len() {
                    let di = self.diff(g, factors[i], var);
                    if g.as_num(di) == Some(0.0) {
                        continue;
                    }
                    let mut product = without(&factors, i);
                    product.push(di);
                    terms.push(g.mul(&product));
                }
                g.add(&terms)
            }
            Node::Pow(a, b) => {
                let da = self.diff(g, a, var);
                if let Some(n) = g.as_num(b) {
                    // d(a^n) = n a^(n-1) a'
                    let coefficient = g.num(n);
                    let lowered = g.powi(a, n - 1.0);
                    return g.mul(&[coefficient, lowered, da]);
                }
                // d(a^b) = a^b (b' log a + b a' / a)
                let db = self.diff(g, b, var);
                let log_a = g.call(Func::Log, a);
                let first = g.mul(&[db, log_a]);
                let ratio = g.div(da, a);
                let second = g.mul(&[b, ratio]);
                let sum = g.add(&[first, second]);
                g.mul(&[e, sum])
            }
            Node::Call(f, a) => {
                let da = self.diff(g, a, var);
                if g.as_num(da) == Some(0.0) {
                    return da;
                }
                let outer = derivative_of(g, f, a);
                g.mul(&[outer, da])
            }
        }
    }
}

/// The multi-index with one more derivative along coordinate `k`.
fn bumped(derivative: &[u8], k: usize) -> MultiIndex {
    let mut d = derivative.to_vec();
    d[k] += 1;
    d.into()
}

/// `f'(a)`.
pub(crate) fn derivative_of(g: &mut Graph, f: Func, a: ExprId) -> ExprId {
    match f {
        Func::Sin => g.call(Func::Cos, a),
        Func::Cos => {
            let s = g.call(Func::Sin, a);
            g.neg(s)
        }
        Func::Tan => {
            let t = g.call(Func::Tan, a);
            let t2 = g.powi(t, 2.0);
            let one = g.num(1.0);
            g.add(&[one, t2])
        }
        Func::Asin | Func::Acos => {
            let a2 = g.powi(a, 2.0);
            let one = g.num(1.0);
            let base = g.sub(one, a2);
            let r = g.powi(base, -0.5);
            if f == Func::Asin { r } else { g.neg(r) }
        }
        Func::Atan => {
            let a2 = g.powi(a, 2.0);
            let one = g.num(1.0);
            let base = g.add(&[one, a2]);
            g.powi(base, -1.0)
        }
        Func::Exp => g.call(Func::Exp, a),
        Func::Log => g.powi(a, -1.0),
        // The sign of a, written so that it stays an expression of a:
        // `a / (|a| + 1e-30)`, which is 0 at a kink (the mean of the two
        // sides) where `a / |a|` would be 0/0, and the sign to 1e-16
        // wherever |a| > 1e-14 (1e-30 is a normal float32 too).
        Func::Abs => {
            let m = g.call(Func::Abs, a);
            let tiny = g.num(1e-30);
            let m = g.add(&[m, tiny]);
            g.div(a, m)
        }
        Func::Sinh => g.call(Func::Cosh, a),
        Func::Cosh => g.call(Func::Sinh, a),
        Func::Tanh => {
            let t = g.call(Func::Tanh, a);
            let t2 = g.powi(t, 2.0);
            let one = g.num(1.0);
            g.sub(one, t2)
        }
        // 2/sqrt(pi) exp(-a^2)
        Func::Erf => {
            let a2 = g.powi(a, 2.0);
            let minus = g.neg(a2);
            let e = g.call(Func::Exp, minus);
            let c = g.num(2.0 / std::f64::consts::PI.sqrt());
            g.mul(&[c, e])
        }
        Func::Sech => {
            let s = g.call(Func::Sech, a);
            let t = g.call(Func::Tanh, a);
            let st = g.mul(&[s, t]);
            g.neg(st)
        }
        // C_n' = (C_{n-1} - C_{n+1}) / 2 for C = J and C = Y.
        Func::BesselJ(n) | Func::BesselY(n) => {
            let kind = |m| match f {
                Func::BesselJ(_) => Func::BesselJ(m),
                _ => Func::BesselY(m),
            };
            let below = g.call(kind(n - 1), a);
            let above = g.call(kind(n + 1), a);
            let difference = g.sub(below, above);
            let half = g.num(0.5);
            g.mul(&[half, difference])
        }
    }
}
