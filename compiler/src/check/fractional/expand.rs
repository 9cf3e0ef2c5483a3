//! The expansion of a fractional operator into reads of a field's
//! derivatives at the quadrature nodes (see the parent module for the
//! formula): the order, a direction's derivative, the directions over a
//! sphere, and expression builders that fold numbers.
//!
//! Input: the operand, its space coordinates, a direction (unit vector and
//! distance back to the boundary) and the order. Output: a checked
//! [`Expr`] of [`Expr::Apply`] reads, numbers where the order is a constant.

use std::collections::BTreeMap;

use super::super::*;
use super::BALL_DIRECTIONS;
use super::DISK_DIRECTIONS;
use crate::check::consts::gamma;
use crate::ir::quadrature::{gauss_legendre, singular_basis, singular_rule};

/// A field read with its derivative multi-index.
pub(super) struct Operand {
    pub(super) function: FuncId,
    pub(super) derivative: Vec<u32>,
}

/// A direction along which to differentiate: unit vector components on
/// the operator's space coordinates and the distance back to the boundary.
pub(super) struct Direction {
    pub(super) theta: Vec<f64>,
    pub(super) reach: Expr,
}

/// A fractional order: its value before training and, for a learned
/// order, the expression of learned scalars it is (so that the weights,
/// exponents and Gamma functions follow it during training). Its whole
/// part `m = ⌈α⌉` is fixed by the value before training: a learned order
/// must stay on the same side of 1.
pub(super) struct Order {
    pub(super) init: f64,
    pub(super) learned: Option<Expr>,
}

impl Order {
    /// `c + s α`: a number for a constant order.
    pub(super) fn affine(&self, c: f64, s: f64) -> Expr {
        match &self.learned {
            None => num(c + s * self.init),
            Some(alpha) => add(num(c), mul(num(s), alpha.clone())),
        }
    }

    /// `1/Γ(c + s α)`.
    pub(super) fn reciprocal_gamma(&self, c: f64, s: f64) -> Expr {
        match &self.learned {
            None => num(1.0 / gamma(c + s * self.init)),
            Some(_) => reciprocal_gamma(self.affine(c, s), c + s * self.init),
        }
    }

    /// [`singular_rule`] for the exponent `b = c - α`: its nodes, and its
    /// weights as numbers, or as expressions of a learned order.
    pub(super) fn singular_rule(&self, c: f64, n: usize) -> (Vec<f64>, Vec<Expr>) {
        if self.learned.is_none() {
            let (nodes, weights) = singular_rule(c - self.init, n);
            return (nodes, weights.into_iter().map(num).collect());
        }
        let (nodes, basis) = singular_basis(n);
        let b = self.affine(c, -1.0);
        let mut moments = vec![div(num(1.0), add(b.clone(), num(1.0)))];
        for k in 1..n {
            let k = k as f64;
            let ratio = div(sub(b.clone(), num(k - 1.0)), add(b.clone(), num(k + 1.0)));
            moments.push(mul(moments[moments.len() - 1].clone(), ratio));
        }
        let weights = basis
            .iter()
            .map(|row| {
                Expr::sum(
                    row.iter()
                        .zip(&moments)
                        .map(|(&c, m)| mul(num(c), m.clone())),
                )
            })
            .collect();
        (nodes, weights)
    }
}

/// `1/Γ(z)` for an expression `z` near `z0`: the entire function's Taylor
/// series at 0 (Abramowitz and Stegun 6.1.34, to 1e-15 for |z| <= 1/2)
/// after `1/Γ(z) = z/Γ(z + 1) = 1/((z - 1) Γ(z - 1))` moves `z0` within
/// 1/2 of 0.
fn reciprocal_gamma(z: Expr, z0: f64) -> Expr {
    const SERIES: [f64; 26] = [
        1.0,
        0.577_215_664_901_532_9,
        -0.655_878_071_520_253_8,
        -0.042_002_635_034_095_2,
        0.166_538_611_382_291_5,
        -0.042_197_734_555_544_3,
        -0.009_621_971_527_877_0,
        0.007_218_943_246_663_0,
        -0.001_165_167_591_859_1,
        -0.000_215_241_674_114_9,
        0.000_128_050_282_388_2,
        -0.000_020_134_854_780_7,
        -0.000_001_250_493_482_1,
        0.000_001_133_027_232_0,
        -0.000_000_205_633_841_7,
        0.000_000_006_116_095_0,
        0.000_000_005_002_007_5,
        -0.000_000_001_181_274_6,
        0.000_000_000_104_342_7,
        0.000_000_000_007_782_3,
        -0.000_000_000_003_696_8,
        0.000_000_000_000_510_0,
        -0.000_000_000_000_020_6,
        -0.000_000_000_000_005_4,
        0.000_000_000_000_001_4,
        0.000_000_000_000_000_1,
    ];
    let shift = z0.round();
    let near_zero = sub(z.clone(), num(shift));
    let mut series = num(SERIES[SERIES.len() - 1]);
    for &c in SERIES.iter().rev().skip(1) {
        series = add(num(c), mul(near_zero.clone(), series));
    }
    let mut value = mul(near_zero, series);
    if shift > 0.0 {
        for i in 1..=shift as i64 {
            value = div(value, sub(z.clone(), num(i as f64)));
        }
    } else {
        for i in 0..(-shift) as i64 {
            value = mul(value, add(z.clone(), num(i as f64)));
        }
    }
    value
}

/// `D_θ^α` of the operand at the constraint's point, by the formula of
/// the module's documentation; `riemann` adds the boundary values' terms
/// to the Caputo integral.
pub(super) fn directional(
    operand: &Operand,
    space: &[CoordId],
    direction: &Direction,
    alpha: &Order,
    riemann: bool,
    nodes: usize,
    functions: &[Function],
) -> Expr {
    let m = alpha.init.ceil() as u32;
    let mf = m as f64;
    let reach = &direction.reach;
    let (xi, w) = alpha.singular_rule(mf - 1.0, nodes);
    let integral = Expr::sum(xi.iter().zip(w).map(|(&xi, w)| {
        let at = mul(num(xi), reach.clone());
        mul(w, along(operand, space, direction, m, &at, functions))
    }));
    let scale = mul(
        alpha.reciprocal_gamma(mf, -1.0),
        pow(reach.clone(), alpha.affine(mf, -1.0)),
    );
    let mut terms = vec![mul(scale, integral)];
    if riemann {
        for k in 0..m {
            let value = along(operand, space, direction, k, reach, functions);
            let scale = mul(
                alpha.reciprocal_gamma(k as f64 + 1.0, -1.0),
                pow(reach.clone(), alpha.affine(k as f64, -1.0)),
            );
            terms.push(mul(scale, value));
        }
    }
    Expr::sum(terms)
}

/// `(θ·∇)^k` of the operand at the point `x - s θ`, as reads of its
/// derivatives there.
fn along(
    operand: &Operand,
    space: &[CoordId],
    direction: &Direction,
    k: u32,
    s: &Expr,
    functions: &[Function],
) -> Expr {
    let function = &functions[operand.function.index()];
    let position = |c: CoordId| function.coords.iter().position(|x| *x == c);
    // Every ordered choice of k coordinates, gathered by multi-index.
    let mut reads: BTreeMap<Vec<u32>, f64> = BTreeMap::new();
    reads.insert(operand.derivative.clone(), 1.0);
    for _ in 0..k {
        let mut next = BTreeMap::new();
        for (derivative, coefficient) in reads {
            for (&c, &theta) in space.iter().zip(&direction.theta) {
                if theta == 0.0 {
                    continue;
                }
                let Some(p) = position(c) else { continue };
                let mut d = derivative.clone();
                d[p] += 1;
                *next.entry(d).or_insert(0.0) += coefficient * theta;
            }
        }
        reads = next;
    }
    let args: Vec<Expr> = function
        .coords
        .iter()
        .map(|&c| match space.iter().position(|x| *x == c) {
            Some(i) if direction.theta[i] != 0.0 => {
                sub(Expr::Coord(c), mul(num(direction.theta[i]), s.clone()))
            }
            _ => Expr::Coord(c),
        })
        .collect();
    Expr::sum(reads.into_iter().map(|(derivative, coefficient)| {
        let read = Expr::Apply {
            function: operand.function,
            derivative,
            args: args.clone(),
        };
        mul(num(coefficient), read)
    }))
}

/// Unit directions and their quadrature weights over the unit circle
/// (`dims = 2`) or sphere (`dims = 3`).
pub(super) fn sphere_directions(dims: usize) -> (Vec<Vec<f64>>, Vec<f64>) {
    let tau = 2.0 * std::f64::consts::PI;
    if dims == 2 {
        let n = DISK_DIRECTIONS;
        let thetas = (0..n)
            .map(|k| {
                let phi = tau * (k as f64 + 0.5) / n as f64;
                vec![phi.cos(), phi.sin()]
            })
            .collect();
        return (thetas, vec![tau / n as f64; n]);
    }
    let (polar, azimuths) = BALL_DIRECTIONS;
    let (mu, w) = gauss_legendre(polar);
    let mut thetas = vec![];
    let mut weights = vec![];
    for (mu, w) in mu.iter().zip(&w) {
        let rho = (1.0 - mu * mu).sqrt();
        for k in 0..azimuths {
            let phi = tau * (k as f64 + 0.5) / azimuths as f64;
            thetas.push(vec![rho * phi.cos(), rho * phi.sin(), *mu]);
            weights.push(w * tau / azimuths as f64);
        }
    }
    (thetas, weights)
}

/// The distance from the point back along `-θ` to the sphere `|x - c| = r`
/// that contains it: the positive root `s` of `|x - c - sθ|^2 = r^2`,
/// `s = (x - c)·θ + sqrt(((x - c)·θ)^2 - |x - c|^2 + r^2)`.
pub(super) fn ball_reach(space: &[CoordId], center: &[f64], radius: f64, theta: &[f64]) -> Expr {
    let offset: Vec<Expr> = space
        .iter()
        .zip(center)
        .map(|(&c, &x0)| sub(Expr::Coord(c), num(x0)))
        .collect();
    let along = Expr::sum(
        offset
            .iter()
            .zip(theta)
            .map(|(d, &t)| mul(num(t), d.clone())),
    );
    let square = Expr::sum(offset.iter().map(|d| pow(d.clone(), num(2.0))));
    let discriminant = add(
        sub(pow(along.clone(), num(2.0)), square),
        num(radius * radius),
    );
    add(
        along,
        Expr::Call {
            builtin: Builtin::Sqrt,
            arg: Box::new(discriminant),
        },
    )
}

pub(super) fn num(x: f64) -> Expr {
    Expr::Number(x)
}

/// `lhs op rhs`, folded when both are numbers (a constant order's
/// weights and Gamma functions stay numbers).
fn binary(op: BinOp, lhs: Expr, rhs: Expr) -> Expr {
    if let (Expr::Number(a), Expr::Number(b)) = (&lhs, &rhs) {
        return num(match op {
            BinOp::Add => a + b,
            BinOp::Sub => a - b,
            BinOp::Mul => a * b,
            BinOp::Div => a / b,
            BinOp::Pow => a.powf(*b),
        });
    }
    Expr::Binary {
        op,
        lhs: Box::new(lhs),
        rhs: Box::new(rhs),
    }
}

pub(super) fn add(lhs: Expr, rhs: Expr) -> Expr {
    binary(BinOp::Add, lhs, rhs)
}

pub(super) fn sub(lhs: Expr, rhs: Expr) -> Expr {
    binary(BinOp::Sub, lhs, rhs)
}

pub(super) fn mul(lhs: Expr, rhs: Expr) -> Expr {
    binary(BinOp::Mul, lhs, rhs)
}

pub(super) fn div(lhs: Expr, rhs: Expr) -> Expr {
    binary(BinOp::Div, lhs, rhs)
}

pub(super) fn pow(lhs: Expr, rhs: Expr) -> Expr {
    binary(BinOp::Pow, lhs, rhs)
}
