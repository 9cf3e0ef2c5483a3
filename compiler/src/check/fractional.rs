//! Fractional operators: `rl_left(u, x, alpha)`, `rl_right(u, x, alpha)`,
//! `caputo(u, x, alpha)` and `frac_lap(u, alpha)`.
//!
//! Input: a field, a coordinate it ranges over an interval (for the
//! fractional Laplacian: its space, an interval, a disk or a ball) and a
//! constant order `0 < alpha < 2`, `alpha != 1`. Output: a sum of the
//! field's derivatives read at other points ([`Expr::Apply`]), which every
//! back end evaluates as it evaluates any field read.
//!
//! Each is built from the derivative along a unit vector θ, the field
//! taken as zero beyond the boundary (the fPINN convention). With `R` the
//! distance from `x` back to the boundary along `-θ` and `m = ⌈alpha⌉`:
//!
//! ```text
//! D_θ^α u(x) = R^(m-α)/Γ(m-α) ∫_0^1 ξ^(m-1-α) (θ·∇)^m u(x - Rξθ) dξ    Caputo
//!            + Σ_{k<m} R^(k-α)/Γ(k+1-α) (θ·∇)^k u(x - Rθ)            Riemann-Liouville adds
//! ```
//!
//! (the Riemann-Liouville derivative is the Caputo derivative plus the
//! boundary values' terms). The integral is by product integration on
//! [`NODES`] Gauss-Legendre nodes ([`singular_rule`]): exact for
//! polynomials below degree 16, spectrally accurate for smooth fields,
//! where the Grünwald-Letnikov sums of DeepXDE's fPINNs are first order.
//!
//! `rl_left` is θ = +1 along `x` (`R = x - a`), `rl_right` θ = -1
//! (`R = b - x`). `frac_lap(u, alpha)` is `(-Δ)^(α/2) u = C(α, d) ∫ D_θ^α u
//! dθ` over the unit sphere of the field's `d` space coordinates, with
//! `C = Γ((1-α)/2) Γ((d+α)/2) / (2 π^((d+1)/2))`: in 1-D the sum over
//! θ = ±1, on a disk [`DISK_DIRECTIONS`] equally spaced directions (the
//! trapezoidal rule, spectral for a periodic integrand), in a ball
//! Gauss-Legendre in the polar cosine times equally spaced azimuths.

use std::collections::BTreeMap;

use super::expr::{Scope, placeholder};
use super::*;
use crate::check::consts::{self, gamma};
use crate::ir::quadrature::{gauss_legendre, singular_basis, singular_rule};
use crate::syntax::ast::ExprKind;

/// Nodes of the singular integral along each direction.
pub const NODES: usize = 16;
/// Directions on a disk.
pub const DISK_DIRECTIONS: usize = 8;
/// Polar and azimuthal directions in a ball (3-D).
pub const BALL_DIRECTIONS: (usize, usize) = (3, 6);
/// Nodes along each direction in a ball, fewer than [`NODES`]: 18
/// directions each read the field's second derivatives at every node.
pub const BALL_NODES: usize = 12;

/// A field read with its derivative multi-index.
struct Operand {
    function: FuncId,
    derivative: Vec<u32>,
}

/// A direction along which to differentiate: unit vector components on
/// the operator's space coordinates and the distance back to the boundary.
struct Direction {
    theta: Vec<f64>,
    reach: Expr,
}

/// A fractional order: its value before training and, for a learned
/// order, the expression of learned scalars it is (so that the weights,
/// exponents and Gamma functions follow it during training). Its whole
/// part `m = ⌈α⌉` is fixed by the value before training: a learned order
/// must stay on the same side of 1.
struct Order {
    init: f64,
    learned: Option<Expr>,
}

impl Order {
    /// `c + s α`: a number for a constant order.
    fn affine(&self, c: f64, s: f64) -> Expr {
        match &self.learned {
            None => num(c + s * self.init),
            Some(alpha) => add(num(c), mul(num(s), alpha.clone())),
        }
    }

    /// `1/Γ(c + s α)`.
    fn reciprocal_gamma(&self, c: f64, s: f64) -> Expr {
        match &self.learned {
            None => num(1.0 / gamma(c + s * self.init)),
            Some(_) => reciprocal_gamma(self.affine(c, s), c + s * self.init),
        }
    }

    /// [`singular_rule`] for the exponent `b = c - α`: its nodes, and its
    /// weights as numbers, or as expressions of a learned order.
    fn singular_rule(&self, c: f64, n: usize) -> (Vec<f64>, Vec<Expr>) {
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
            .map(|row| Expr::sum(row.iter().zip(&moments).map(|(&c, m)| mul(num(c), m.clone()))))
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

impl Checker<'_> {
    /// `rl_left`, `rl_right`, `caputo` or `frac_lap`.
    pub(super) fn fractional(
        &mut self,
        e: &ast::Expr,
        callee: &ast::Ident,
        args: &[ast::Expr],
        scope: &mut Scope,
    ) -> Expr {
        self.fractional_reads += 1;
        let laplacian = callee.name == "frac_lap";
        let usage = match laplacian {
            true => "write `frac_lap(u, alpha)`, the fractional Laplacian (-Δ)^(alpha/2) u",
            false => "write `rl_left(u, x, alpha)`: a field, a coordinate and the order",
        };
        let arity = if laplacian { 2 } else { 3 };
        if args.len() != arity {
            let diagnostic = self.arity_error(callee, e, &[arity], args.len()).help(usage);
            self.report(diagnostic);
            return placeholder();
        }
        let Some(operand) = self.fractional_operand(&args[0], callee, scope) else {
            return placeholder();
        };
        let Some(alpha) = self.fractional_order(&args[arity - 1], callee, scope) else {
            return placeholder();
        };
        if laplacian {
            return self.fractional_laplacian(e, &operand, &alpha);
        }
        let Some((coord, lo, hi)) = self.fractional_interval(&args[1], &operand, callee, scope)
        else {
            return placeholder();
        };
        let x = Expr::Coord(coord);
        let (direction, riemann) = match callee.name.as_str() {
            "rl_right" => ((-1.0, sub(num(hi), x)), true),
            "rl_left" => ((1.0, sub(x, num(lo))), true),
            _ => ((1.0, sub(x, num(lo))), false),
        };
        let direction = Direction {
            theta: vec![direction.0],
            reach: direction.1,
        };
        let functions = &self.model.functions;
        directional(&operand, &[coord], &direction, &alpha, riemann, NODES, functions)
    }

    /// The operand: a field, or a derivative of one.
    fn fractional_operand(
        &mut self,
        arg: &ast::Expr,
        callee: &ast::Ident,
        scope: &mut Scope,
    ) -> Option<Operand> {
        let errors = self.errors();
        match self.expr(arg, scope) {
            Expr::Field {
                function,
                derivative,
            } => Some(Operand {
                function,
                derivative,
            }),
            // Reported where it failed.
            _ if self.errors() > errors => None,
            _ => {
                self.report(
                    Diagnostic::error(
                        Code::WrongKind,
                        format!("`{}` applies to a field", callee.name),
                    )
                    .label(arg.span, "not a field")
                    .help(format!(
                        "name a field (or a derivative of one, `u_x`) as the first argument of `{}`",
                        callee.name
                    )),
                );
                None
            }
        }
    }

    /// The order: a constant, or an expression of learned scalars, whose
    /// value (before training) lies strictly between 0 and 2, not 1.
    fn fractional_order(
        &mut self,
        arg: &ast::Expr,
        callee: &ast::Ident,
        scope: &mut Scope,
    ) -> Option<Order> {
        let errors = self.errors();
        let expr = self.expr(arg, scope);
        if self.errors() > errors {
            return None;
        }
        let learned = &self.model.learned;
        let before_training = expr.clone().map(&mut |e| match e {
            Expr::Learned(id) => Expr::Number(learned[id.index()].init),
            other => other,
        });
        let Some(alpha) = consts::fold(&before_training, &self.model.consts) else {
            self.report(
                Diagnostic::error(
                    Code::BadFractional,
                    format!("the order of `{}` reads more than constants and learned scalars", callee.name),
                )
                .label(arg.span, "not a constant or a learned scalar")
                .help("write a number, a `const`, or a `learn` scalar for an order found in training"),
            );
            return None;
        };
        if alpha > 0.0 && alpha < 2.0 && alpha != 1.0 {
            let learned = (consts::fold(&expr, &self.model.consts).is_none()).then_some(expr);
            return Some(Order {
                init: alpha,
                learned,
            });
        }
        self.report(
            Diagnostic::error(
                Code::BadFractional,
                format!("`{}` of order {alpha}", callee.name),
            )
            .label(arg.span, "the order must lie strictly between 0 and 2, and not be 1")
            .help(match alpha.fract() == 0.0 {
                true => "a whole order is an ordinary derivative: write `d(u, x)` or `d(u, x, 2)`",
                false => "for a higher order, apply the operator to a derivative: `caputo(u_tt, t, 0.5)` is the Caputo derivative of order 2.5",
            }),
        );
        None
    }

    /// The coordinate of `rl_left`, `rl_right` or `caputo`, which the
    /// field must range over an interval `[a, b]`.
    fn fractional_interval(
        &mut self,
        arg: &ast::Expr,
        operand: &Operand,
        callee: &ast::Ident,
        scope: &Scope,
    ) -> Option<(CoordId, f64, f64)> {
        let coord = match &arg.kind {
            ExprKind::Name(id) => match scope.get(&id.name) {
                Some(Expr::Coord(c)) => Some(*c),
                Some(_) => None,
                None => self.coord_id(&id.name),
            },
            _ => None,
        };
        let function = self.model.function(operand.function);
        let Some(coord) = coord.filter(|c| function.coords.contains(c)) else {
            let name = match &arg.kind {
                ExprKind::Name(id) => id.name.clone(),
                _ => "this".to_string(),
            };
            self.report(self.no_such_coordinate(operand.function, &name, arg.span));
            return None;
        };
        let interval = function.domain.as_ref().and_then(|d| {
            d.factors.iter().find_map(|f| match f {
                Factor::Interval { coord: c, lo, hi } if *c == coord => Some((*lo, *hi)),
                _ => None,
            })
        });
        match interval {
            Some((lo, hi)) => Some((coord, lo, hi)),
            None => {
                let name = self.model.coord(coord).name.clone();
                self.report(
                    Diagnostic::error(
                        Code::BadFractional,
                        format!("`{}` along `{name}`, which has no interval", callee.name),
                    )
                    .label(arg.span, format!("`{}` does not range over an interval", name))
                    .help(format!(
                        "declare `{name} in [a, b]` on the field; over a disk or ball, use `frac_lap(u, alpha)`"
                    )),
                );
                None
            }
        }
    }

    /// `frac_lap(u, alpha)` over the field's space coordinates.
    fn fractional_laplacian(&mut self, e: &ast::Expr, operand: &Operand, alpha: &Order) -> Expr {
        let function = self.model.function(operand.function);
        let params: Vec<CoordId> = self.model.params.iter().map(|p| p.coord).collect();
        let space: Vec<CoordId> = function
            .coords
            .iter()
            .copied()
            .filter(|c| !params.contains(c) && self.model.coord(*c).name != "t")
            .collect();
        let factors = function.domain.as_ref().map(|d| d.factors.clone()).unwrap_or_default();
        let shape = factors.iter().find_map(|f| match f {
            Factor::Interval { coord, lo, hi } if space == [*coord] => {
                Some(Shape::Interval(*lo, *hi))
            }
            Factor::Set {
                coords,
                set: Set::Ball { center, radius },
                ..
            } if *coords == space && (2..=3).contains(&coords.len()) => Some(Shape::Ball {
                center: center.clone(),
                radius: *radius,
            }),
            _ => None,
        });
        let Some(shape) = shape else {
            self.report(
                Diagnostic::error(
                    Code::BadFractional,
                    "`frac_lap` needs the field's space to be an interval, a disk or a ball",
                )
                .label(e.span, "the fractional Laplacian of this field's space")
                .help("declare the space coordinates in `[a, b]`, or together in a `disk(...)` or `ball(...)`"),
            );
            return placeholder();
        };
        let functions = &self.model.functions;
        // C(α, d) = Γ((1-α)/2) Γ((d+α)/2) / (2 π^((d+1)/2)).
        let d = space.len() as f64;
        let gammas = mul(
            alpha.reciprocal_gamma(0.5, -0.5),
            alpha.reciprocal_gamma(d / 2.0, 0.5),
        );
        let constant = div(
            num(1.0 / (2.0 * std::f64::consts::PI.powf((d + 1.0) / 2.0))),
            gammas,
        );
        let (directions, weights, nodes) = match shape {
            Shape::Interval(lo, hi) => {
                let x = Expr::Coord(space[0]);
                let left = Direction {
                    theta: vec![1.0],
                    reach: sub(x.clone(), num(lo)),
                };
                let right = Direction {
                    theta: vec![-1.0],
                    reach: sub(num(hi), x),
                };
                (vec![left, right], vec![1.0, 1.0], NODES)
            }
            Shape::Ball { center, radius } => {
                let (thetas, weights) = sphere_directions(center.len());
                let directions = thetas
                    .into_iter()
                    .map(|theta| Direction {
                        reach: ball_reach(&space, &center, radius, &theta),
                        theta,
                    })
                    .collect();
                let nodes = if center.len() == 2 { NODES } else { BALL_NODES };
                (directions, weights, nodes)
            }
        };
        let terms = directions.iter().zip(weights).map(|(direction, w)| {
            let derivative = directional(operand, &space, direction, alpha, true, nodes, functions);
            mul(mul(num(w), constant.clone()), derivative)
        });
        Expr::sum(terms)
    }
}

/// Where `frac_lap` integrates over directions.
enum Shape {
    Interval(f64, f64),
    Ball { center: Vec<f64>, radius: f64 },
}

/// `D_θ^α` of the operand at the constraint's point, by the formula of
/// the module's documentation; `riemann` adds the boundary values' terms
/// to the Caputo integral.
fn directional(
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
            Some(i) if direction.theta[i] != 0.0 => sub(
                Expr::Coord(c),
                mul(num(direction.theta[i]), s.clone()),
            ),
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
fn sphere_directions(dims: usize) -> (Vec<Vec<f64>>, Vec<f64>) {
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
fn ball_reach(space: &[CoordId], center: &[f64], radius: f64, theta: &[f64]) -> Expr {
    let offset: Vec<Expr> = space
        .iter()
        .zip(center)
        .map(|(&c, &x0)| sub(Expr::Coord(c), num(x0)))
        .collect();
    let along = Expr::sum(offset.iter().zip(theta).map(|(d, &t)| mul(num(t), d.clone())));
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

fn num(x: f64) -> Expr {
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

fn add(lhs: Expr, rhs: Expr) -> Expr {
    binary(BinOp::Add, lhs, rhs)
}

fn sub(lhs: Expr, rhs: Expr) -> Expr {
    binary(BinOp::Sub, lhs, rhs)
}

fn mul(lhs: Expr, rhs: Expr) -> Expr {
    binary(BinOp::Mul, lhs, rhs)
}

fn div(lhs: Expr, rhs: Expr) -> Expr {
    binary(BinOp::Div, lhs, rhs)
}

fn pow(lhs: Expr, rhs: Expr) -> Expr {
    binary(BinOp::Pow, lhs, rhs)
}
