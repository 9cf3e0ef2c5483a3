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

mod expand;

use super::expr::{Scope, placeholder};
use super::*;
use crate::check::consts;
use crate::syntax::ast::ExprKind;
use expand::*;

/// Nodes of the singular integral along each direction.
pub const NODES: usize = 16;
/// Directions on a disk.
pub const DISK_DIRECTIONS: usize = 8;
/// Polar and azimuthal directions in a ball (3-D).
pub const BALL_DIRECTIONS: (usize, usize) = (3, 6);
/// Nodes along each direction in a ball, fewer than [`NODES`]: 18
/// directions each read the field's second derivatives at every node.
pub const BALL_NODES: usize = 12;

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
            true => "write `frac_lap(u, alpha)`, the fractional Laplacian (-Δ)^(alpha/2) u".into(),
            false => format!(
                "write `{}(u, x, alpha)`: a field, a coordinate and the order",
                callee.name
            ),
        };
        let arity = if laplacian { 2 } else { 3 };
        if args.len() != arity {
            let diagnostic = self
                .arity_error(callee, e, &[arity], args.len())
                .help(usage);
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
        directional(
            &operand,
            &[coord],
            &direction,
            &alpha,
            riemann,
            NODES,
            functions,
        )
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
                    format!(
                        "the order of `{}` reads more than constants and learned scalars",
                        callee.name
                    ),
                )
                .label(arg.span, "not a constant or a learned scalar")
                .help(
                    "write a number, a `const`, or a `learn` scalar for an order found in training",
                ),
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
        let factors = function
            .domain
            .as_ref()
            .map(|d| d.factors.clone())
            .unwrap_or_default();
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
