//! Lowering: the checked model to residuals in the IR.
//!
//! Each constraint becomes the residual `lhs - rhs` (an `ode` equation its
//! rate `rhs`, which the loss integrates; two residuals, real and
//! imaginary parts, when it involves complex values; a part that simplifies
//! to zero is dropped), with its label, region, relation, enforcement and
//! loss weight. Constants fold to numbers. Complex arithmetic is expanded
//! symbolically: a complex field `h` reads as `h.re + i h.im`, and `i`,
//! `abs`, `conj`, `re`, `im`, `exp`, `sin`, `cos`, `sinh`, `cosh`, `sech` and
//! whole powers of complex values are written out in real parts. For each
//! function, lowering also records the derivative multi-indices the
//! residuals read: what its network must provide.
//!
//! A hard constraint that can be built in ([`super::hard`]) is not a
//! residual: its field reads through the output transform everywhere, its
//! derivatives differentiated symbolically. Likewise a field whose
//! symmetries generate a finite group reads through its average over the
//! group ([`super::average`]); periodicities are built into the networks'
//! inputs by the loss program ([`crate::program`]). A field read at other
//! arguments through a transform reads the transform there
//! ([`super::subst`]). Integrals (of conserved quantities, whose loss terms
//! the checker made constraints) are Gauss-Legendre sums of the integrand
//! at the nodes ([`super::quadrature`]).

use super::average;
use super::diff::Differentiator;
use super::hard::{self, Hard};
use super::subst::Substitution;
use super::*;
use crate::diagnostics::{Code, Diagnostic};
use crate::model::{
    self, Builtin, ConstraintId, CoordId, Enforcement, Expr, Model, Relation, Where,
};
use std::collections::BTreeSet;

/// One residual of the loss program.
#[derive(Clone, Debug)]
pub struct Residual {
    pub label: String,
    /// `Real` for a real equation, `Re`/`Im` for the parts of a complex one.
    pub part: Part,
    pub expr: ExprId,
    pub relation: Relation,
    pub enforcement: Enforcement,
    pub on: Where,
    pub weight: f64,
    pub constraint: ConstraintId,
}

/// The lowered model.
#[derive(Clone, Debug)]
pub struct Lowered {
    pub graph: Graph,
    pub residuals: Vec<Residual>,
    /// For each function with a derivative in some residual: the sorted set
    /// of multi-indices the residuals read.
    pub derivatives: Vec<(FuncId, Vec<MultiIndex>)>,
    /// The hard constraints built in as output transforms.
    pub hard: Vec<Hard>,
    /// The fields averaged over their symmetry group, and their value.
    pub symmetrised: Vec<(FuncId, ExprId)>,
    /// Each real conserved quantity, by its loss term's label.
    pub conserved: Vec<(String, ExprId)>,
}

/// A complex value as real parts; `im` is `None` for a real value.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Cx {
    pub re: ExprId,
    pub im: Option<ExprId>,
}

/// Lowers a checked model (one without errors).
pub fn lower(model: &Model) -> Result<Lowered, Vec<Diagnostic>> {
    let mut lowerer = Lowerer::new(model);
    let hard = hard_transforms(&mut lowerer);
    lowerer.transforms = hard.iter().map(|h| (h.function, h.value)).collect();
    // Symmetries averaged into fields without a hard constraint built in.
    let mut symmetrised = vec![];
    for f in 0..model.functions.len() {
        let function = FuncId(f as u32);
        if lowerer.transforms.contains_key(&function) {
            continue;
        }
        if let Some(value) = average::averaged(&mut lowerer.graph, model, function) {
            lowerer.transforms.insert(function, value);
            symmetrised.push((function, value));
        }
    }
    let mut residuals = vec![];
    let mut errors = vec![];
    for (k, c) in model.constraints.iter().enumerate() {
        let k = ConstraintId(k as u32);
        if hard.iter().any(|h| h.constraint == k) {
            continue;
        }
        let lowered = match c.enforcement {
            // The rate alone: the state it gives is compared with the data
            // only after integration.
            Enforcement::Ode { .. } => lowerer.rate(&c.rhs),
            _ => lowerer.residual(&c.lhs, &c.rhs),
        };
        match lowered {
            Ok(parts) => {
                let weight = model
                    .train
                    .weights
                    .iter()
                    .find(|(l, _)| *l == c.label)
                    .map_or(1.0, |(_, w)| *w);
                for (part, expr) in parts {
                    residuals.push(Residual {
                        label: c.label.clone(),
                        part,
                        expr,
                        relation: c.relation,
                        enforcement: c.enforcement,
                        on: c.on.clone(),
                        weight,
                        constraint: k,
                    });
                }
            }
            Err(message) => errors.push(
                Diagnostic::error(
                    Code::Unsupported,
                    format!("cannot lower `{}`: {message}", c.label),
                )
                .label(c.span, message)
                .help("write the equation in real and imaginary parts"),
            ),
        }
    }
    if !errors.is_empty() {
        return Err(errors);
    }
    // Each conserved quantity itself, to report its drift.
    let mut conserved = vec![];
    for c in &model.conservation {
        if let Ok(Cx { re, im: None }) = lowerer.expr(&c.quantity) {
            conserved.push((c.label.clone(), re));
        }
    }
    let roots: Vec<ExprId> = residuals.iter().map(|r| r.expr).collect();
    let derivatives = derivative_sets(&lowerer.graph, &roots);
    Ok(Lowered {
        graph: lowerer.graph,
        residuals,
        derivatives,
        hard,
        symmetrised,
        conserved,
    })
}

/// The transforms of the model's hard constraints that can be built in
/// (per field, its values on places together, or else the first), lowered
/// into `lowerer`'s graph before any field reads through them.
fn hard_transforms(lowerer: &mut Lowerer) -> Vec<Hard> {
    let model = lowerer.model;
    let mut out: Vec<Hard> = vec![];
    // Per field, its first lower and first upper hard bound.
    type Bound = Option<(ConstraintId, ExprId)>;
    let mut bounds: BTreeMap<FuncId, (Bound, Bound)> = BTreeMap::new();
    // Per field, how many values on places it has, and those seen so far:
    // its transform is built at its last (at once for most fields, so the
    // graph grows in the model's order).
    let mut expected: BTreeMap<FuncId, usize> = BTreeMap::new();
    for (k, c) in model.constraints.iter().enumerate() {
        let k = ConstraintId(k as u32);
        if let Some(function) = hard::target(model, k).filter(|_| c.relation == Relation::Eq) {
            *expected.entry(function).or_default() += 1;
        }
    }
    let mut values: BTreeMap<FuncId, Vec<(ConstraintId, ExprId)>> = BTreeMap::new();
    for (k, c) in model.constraints.iter().enumerate() {
        let k = ConstraintId(k as u32);
        let Some(function) = hard::target(model, k) else {
            continue;
        };
        let Ok(Cx { re, im: None }) = lowerer.expr(&c.rhs) else {
            continue;
        };
        if c.relation != Relation::Eq {
            let sides = bounds.entry(function).or_default();
            match hard::side(model, k) {
                Some(hard::Side::Lower) if sides.0.is_none() => sides.0 = Some((k, re)),
                Some(hard::Side::Upper) if sides.1.is_none() => sides.1 = Some((k, re)),
                _ => {}
            }
            continue;
        }
        let parts = values.entry(function).or_default();
        parts.push((k, re));
        if parts.len() == expected[&function] {
            out.extend(hard::transforms(&mut lowerer.graph, model, function, parts));
        }
    }
    // A field with a value built in keeps its bounds in the loss (training
    // refuses them as hard).
    for (function, (lower, upper)) in bounds {
        if out.iter().any(|h| h.function == function) {
            continue;
        }
        let (lo, hi) = (lower.map(|b| b.1), upper.map(|b| b.1));
        if let Some(value) = hard::bounded(&mut lowerer.graph, model, function, lo, hi) {
            for (constraint, _) in [lower, upper].into_iter().flatten() {
                out.push(Hard {
                    constraint,
                    function,
                    value,
                });
            }
        }
    }
    out
}

/// The multi-indices each function is read at, from the nodes under `roots`.
pub fn derivative_sets(g: &Graph, roots: &[ExprId]) -> Vec<(FuncId, Vec<MultiIndex>)> {
    let mut sets: BTreeMap<FuncId, BTreeSet<MultiIndex>> = BTreeMap::new();
    for id in g.reachable(roots) {
        if let Node::Field {
            function,
            derivative,
            ..
        }
        | Node::Apply {
            function,
            derivative,
            ..
        } = g.node(id)
        {
            sets.entry(*function)
                .or_default()
                .insert(derivative.clone());
        }
    }
    // Lowest order first; within an order, earlier coordinates first.
    let graded = |d: &MultiIndex| {
        (
            d.iter().map(|&o| o as u32).sum::<u32>(),
            std::cmp::Reverse(d.clone()),
        )
    };
    sets.into_iter()
        .map(|(f, s)| {
            let mut s: Vec<MultiIndex> = s.into_iter().collect();
            s.sort_by_key(graded);
            (f, s)
        })
        .collect()
}

/// Builds IR for model expressions, sharing one graph.
pub struct Lowerer<'m> {
    pub model: &'m Model,
    pub graph: Graph,
    pub diff: Differentiator,
    /// Fields read through an output transform (a hard constraint's, or
    /// averaging over a symmetry group): their value.
    pub transforms: HashMap<FuncId, ExprId>,
    /// By [`FuncId`]: each function's coordinates, in order.
    pub function_coords: Vec<Vec<CoordId>>,
}

impl<'m> Lowerer<'m> {
    pub fn new(model: &'m Model) -> Lowerer<'m> {
        let coords: Vec<Vec<CoordId>> = model.functions.iter().map(|f| f.coords.clone()).collect();
        Lowerer {
            model,
            graph: Graph::new(),
            diff: Differentiator::new(coords.clone()),
            transforms: HashMap::new(),
            function_coords: coords,
        }
    }

    /// A derivative of a field read through an output transform, at the
    /// point itself; `None` for a field read directly.
    fn transformed(&mut self, function: FuncId, d: &[u8]) -> Option<ExprId> {
        let mut e = *self.transforms.get(&function)?;
        let coords = &self.model.function(function).coords;
        for (c, &order) in coords.iter().zip(d) {
            e = self.diff.diff_n(&mut self.graph, e, *c, order as u32);
        }
        Some(e)
    }

    /// `lhs - rhs` as one real residual, or the real and imaginary parts.
    pub fn residual(&mut self, lhs: &Expr, rhs: &Expr) -> Result<Vec<(Part, ExprId)>, String> {
        let (l, r) = (self.expr(lhs)?, self.expr(rhs)?);
        let g = &mut self.graph;
        let re = g.sub(l.re, r.re);
        let im = match (l.im, r.im) {
            (None, None) => None,
            (a, b) => {
                let zero = g.num(0.0);
                Some(g.sub(a.unwrap_or(zero), b.unwrap_or(zero)))
            }
        };
        Ok(match im {
            None => vec![(Part::Real, re)],
            Some(im) if g.as_num(im) == Some(0.0) => vec![(Part::Real, re)],
            Some(im) if g.as_num(re) == Some(0.0) => vec![(Part::Im, im)],
            Some(im) => vec![(Part::Re, re), (Part::Im, im)],
        })
    }

    /// The rate of an `ode` equation, which is real.
    pub fn rate(&mut self, rhs: &Expr) -> Result<Vec<(Part, ExprId)>, String> {
        match self.expr(rhs)? {
            Cx { re, im: None } => Ok(vec![(Part::Real, re)]),
            Cx { im: Some(_), .. } => Err("an integrated rate is real".into()),
        }
    }

    fn real(&mut self, re: ExprId) -> Cx {
        Cx { re, im: None }
    }

    /// A model expression as real and imaginary parts.
    pub fn expr(&mut self, e: &Expr) -> Result<Cx, String> {
        let m = self.model;
        Ok(match e {
            Expr::Number(v) => Cx {
                re: self.graph.num(*v),
                im: None,
            },
            Expr::Constant(c) => Cx {
                re: self.graph.num(c.value()),
                im: None,
            },
            Expr::Imag => Cx {
                re: self.graph.num(0.0),
                im: Some(self.graph.num(1.0)),
            },
            Expr::Coord(c) => Cx {
                re: self.graph.coord(*c),
                im: None,
            },
            Expr::Const(c) => Cx {
                re: self.graph.num(m.consts[c.index()].value),
                im: None,
            },
            Expr::Learned(l) => Cx {
                re: self.graph.learned(*l),
                im: None,
            },
            Expr::Normal(c) => Cx {
                re: self.graph.normal(*c),
                im: None,
            },
            Expr::Column { data, column } => Cx {
                re: self.graph.column(*data, *column as u32),
                im: None,
            },
            Expr::Field {
                function,
                derivative,
            } => {
                let d: MultiIndex = derivative.iter().map(|&o| o as u8).collect();
                if let Some(e) = self.transformed(*function, &d) {
                    return Ok(self.real(e));
                }
                if m.function(*function).complex {
                    let re = self.graph.field(*function, Part::Re, d.clone());
                    Cx {
                        re,
                        im: Some(self.graph.field(*function, Part::Im, d)),
                    }
                } else {
                    Cx {
                        re: self.graph.field(*function, Part::Real, d),
                        im: None,
                    }
                }
            }
            Expr::Apply {
                function,
                derivative,
                args,
            } => {
                let mut real_args = vec![];
                for a in args {
                    let a = self.expr(a)?;
                    if a.im.is_some() {
                        return Err(format!(
                            "`{}` applied to a complex argument",
                            m.function(*function).name
                        ));
                    }
                    real_args.push(a.re);
                }
                let d: MultiIndex = derivative.iter().map(|&o| o as u8).collect();
                if let Some(e) = self.transformed(*function, &d) {
                    // The transform, and the fields it reads, at the arguments.
                    let coords = &m.function(*function).coords;
                    let replace = coords.iter().copied().zip(real_args).collect();
                    let e = Substitution::new(&replace, &self.function_coords)
                        .apply(&mut self.graph, e);
                    return Ok(self.real(e));
                }
                let args: Box<[ExprId]> = real_args.into();
                if m.function(*function).complex {
                    let re = self
                        .graph
                        .apply(*function, Part::Re, d.clone(), args.clone());
                    Cx {
                        re,
                        im: Some(self.graph.apply(*function, Part::Im, d, args)),
                    }
                } else {
                    Cx {
                        re: self.graph.apply(*function, Part::Real, d, args),
                        im: None,
                    }
                }
            }
            Expr::Diff { expr, coord, order } => {
                let inner = self.expr(expr)?;
                let re = self.diff.diff_n(&mut self.graph, inner.re, *coord, *order);
                let im = inner
                    .im
                    .map(|im| self.diff.diff_n(&mut self.graph, im, *coord, *order));
                Cx { re, im }
            }
            Expr::Integral { expr, over } => {
                let inner = self.expr(expr)?;
                let re = self.integral(inner.re, over)?;
                let im = match inner.im {
                    Some(im) => Some(self.integral(im, over)?),
                    None => None,
                };
                Cx { re, im }
            }
            Expr::Neg(a) => {
                let a = self.expr(a)?;
                let re = self.graph.neg(a.re);
                Cx {
                    re,
                    im: a.im.map(|im| self.graph.neg(im)),
                }
            }
            Expr::Binary { op, lhs, rhs } => {
                let (a, b) = (self.expr(lhs)?, self.expr(rhs)?);
                match op {
                    model::BinOp::Add => self.add(a, b),
                    model::BinOp::Sub => {
                        let nb = self.negate(b);
                        self.add(a, nb)
                    }
                    model::BinOp::Mul => self.mul(a, b),
                    model::BinOp::Div => self.div(a, b),
                    model::BinOp::Pow => self.pow(a, b)?,
                }
            }
            Expr::Call { builtin, arg } => {
                let a = self.expr(arg)?;
                self.call(*builtin, a)?
            }
        })
    }

    fn negate(&mut self, a: Cx) -> Cx {
        let re = self.graph.neg(a.re);
        Cx {
            re,
            im: a.im.map(|im| self.graph.neg(im)),
        }
    }

    fn add(&mut self, a: Cx, b: Cx) -> Cx {
        let re = self.graph.add(&[a.re, b.re]);
        let im = match (a.im, b.im) {
            (None, None) => None,
            (Some(x), None) | (None, Some(x)) => Some(x),
            (Some(x), Some(y)) => Some(self.graph.add(&[x, y])),
        };
        Cx { re, im }
    }

    fn mul(&mut self, a: Cx, b: Cx) -> Cx {
        let g = &mut self.graph;
        match (a.im, b.im) {
            (None, None) => Cx {
                re: g.mul(&[a.re, b.re]),
                im: None,
            },
            (Some(ai), None) => Cx {
                re: g.mul(&[a.re, b.re]),
                im: Some(g.mul(&[ai, b.re])),
            },
            (None, Some(bi)) => Cx {
                re: g.mul(&[a.re, b.re]),
                im: Some(g.mul(&[a.re, bi])),
            },
            (Some(ai), Some(bi)) => {
                // (a + i b)(c + i d) = (ac - bd) + i (ad + bc)
                let ac = g.mul(&[a.re, b.re]);
                let bd = g.mul(&[ai, bi]);
                let ad = g.mul(&[a.re, bi]);
                let bc = g.mul(&[ai, b.re]);
                Cx {
                    re: g.sub(ac, bd),
                    im: Some(g.add(&[ad, bc])),
                }
            }
        }
    }

    fn div(&mut self, a: Cx, b: Cx) -> Cx {
        match b.im {
            None => {
                let inv = self.graph.powi(b.re, -1.0);
                self.mul(a, Cx { re: inv, im: None })
            }
            Some(bi) => {
                // a / b = a conj(b) / |b|^2
                let g = &mut self.graph;
                let re2 = g.powi(b.re, 2.0);
                let im2 = g.powi(bi, 2.0);
                let norm = g.add(&[re2, im2]);
                let inv = g.powi(norm, -1.0);
                let conj_im = g.neg(bi);
                let numerator = self.mul(
                    a,
                    Cx {
                        re: b.re,
                        im: Some(conj_im),
                    },
                );
                self.mul(numerator, Cx { re: inv, im: None })
            }
        }
    }

    fn pow(&mut self, a: Cx, b: Cx) -> Result<Cx, String> {
        if b.im.is_some() {
            return Err("a complex exponent".to_string());
        }
        if a.im.is_none() {
            return Ok(Cx {
                re: self.graph.pow(a.re, b.re),
                im: None,
            });
        }
        match self.graph.as_num(b.re) {
            // Repeated squaring; a negative power is the reciprocal.
            Some(n) if n.fract() == 0.0 && n.abs() <= 64.0 => {
                let one = Cx {
                    re: self.graph.num(1.0),
                    im: None,
                };
                let (mut result, mut square) = (one, a);
                let mut k = n.abs() as u32;
                while k > 0 {
                    if k & 1 == 1 {
                        result = self.mul(result, square);
                    }
                    k >>= 1;
                    if k > 0 {
                        square = self.mul(square, square);
                    }
                }
                Ok(if n < 0.0 {
                    self.div(one, result)
                } else {
                    result
                })
            }
            _ => Err(
                "a complex value to a power that is not a whole number from -64 to 64".to_string(),
            ),
        }
    }

    fn call(&mut self, builtin: Builtin, a: Cx) -> Result<Cx, String> {
        let Some(b) = a.im else {
            let g = &mut self.graph;
            let re = match builtin {
                Builtin::Re | Builtin::Conj => a.re,
                Builtin::Im => g.num(0.0),
                Builtin::Sqrt => g.sqrt(a.re),
                other => g.call(real_func(other), a.re),
            };
            return Ok(self.real(re));
        };
        let g = &mut self.graph;
        let x = a.re;
        Ok(match builtin {
            Builtin::Re => Cx { re: x, im: None },
            Builtin::Im => Cx { re: b, im: None },
            Builtin::Conj => Cx {
                re: x,
                im: Some(g.neg(b)),
            },
            Builtin::Abs => {
                let x2 = g.powi(x, 2.0);
                let b2 = g.powi(b, 2.0);
                let sum = g.add(&[x2, b2]);
                Cx {
                    re: g.sqrt(sum),
                    im: None,
                }
            }
            // e^(x + ib) = e^x (cos b + i sin b)
            Builtin::Exp => {
                let ex = g.call(Func::Exp, x);
                let (cb, sb) = (g.call(Func::Cos, b), g.call(Func::Sin, b));
                Cx {
                    re: g.mul(&[ex, cb]),
                    im: Some(g.mul(&[ex, sb])),
                }
            }
            // sin(x + ib) = sin x cosh b + i cos x sinh b
            // cos(x + ib) = cos x cosh b - i sin x sinh b
            // sinh(x + ib) = sinh x cos b + i cosh x sin b
            // cosh(x + ib) = cosh x cos b + i sinh x sin b
            Builtin::Sin | Builtin::Cos | Builtin::Sinh | Builtin::Cosh => self.trig(builtin, x, b),
            // sech z = 1 / cosh z
            Builtin::Sech => {
                let cosh = self.trig(Builtin::Cosh, x, b);
                let one = self.graph.num(1.0);
                self.div(Cx { re: one, im: None }, cosh)
            }
            other => return Err(format!("`{}` of a complex value", other.name())),
        })
    }

    fn trig(&mut self, builtin: Builtin, x: ExprId, b: ExprId) -> Cx {
        let g = &mut self.graph;
        let (sx, cx, shb, chb) = (
            g.call(Func::Sin, x),
            g.call(Func::Cos, x),
            g.call(Func::Sinh, b),
            g.call(Func::Cosh, b),
        );
        let (shx, chx, sb, cb) = (
            g.call(Func::Sinh, x),
            g.call(Func::Cosh, x),
            g.call(Func::Sin, b),
            g.call(Func::Cos, b),
        );
        let (re, im) = match builtin {
            Builtin::Sin => (g.mul(&[sx, chb]), g.mul(&[cx, shb])),
            Builtin::Cos => {
                let p = g.mul(&[sx, shb]);
                (g.mul(&[cx, chb]), g.neg(p))
            }
            Builtin::Sinh => (g.mul(&[shx, cb]), g.mul(&[chx, sb])),
            _ => (g.mul(&[chx, cb]), g.mul(&[shx, sb])),
        };
        Cx { re, im: Some(im) }
    }
}

fn real_func(b: Builtin) -> Func {
    match b {
        Builtin::Sin => Func::Sin,
        Builtin::Cos => Func::Cos,
        Builtin::Tan => Func::Tan,
        Builtin::Asin => Func::Asin,
        Builtin::Acos => Func::Acos,
        Builtin::Atan => Func::Atan,
        Builtin::Exp => Func::Exp,
        Builtin::Log => Func::Log,
        Builtin::Abs => Func::Abs,
        Builtin::Sinh => Func::Sinh,
        Builtin::Cosh => Func::Cosh,
        Builtin::Tanh => Func::Tanh,
        Builtin::Sech => Func::Sech,
        Builtin::Erf => Func::Erf,
        Builtin::BesselJ(n) => Func::BesselJ(n),
        Builtin::BesselY(n) => Func::BesselY(n),
        Builtin::Sqrt | Builtin::Conj | Builtin::Re | Builtin::Im => {
            unreachable!("handled by the caller")
        }
    }
}
