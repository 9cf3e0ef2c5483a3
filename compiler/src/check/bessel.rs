//! Bessel and Hankel functions of whole order: `besselj(n, x)`,
//! `bessely(n, x)`, `hankel1(n, x) = J_n(x) + i Y_n(x)` and
//! `hankel2(n, x) = J_n(x) - i Y_n(x)`, for exact solutions and conditions
//! such as scattering by a cylinder.
//!
//! Input: the order, a whole constant (a `def`'s parameter or a summation
//! index bound to one included) of size at most [`MAX_ORDER`], and an
//! argument of coordinates, constants and data. Output: [`Builtin::BesselJ`]
//! and [`Builtin::BesselY`] calls, the order part of the function. An
//! argument that reads a field or a learned scalar is refused (E0314):
//! every back end evaluates these functions on the host, outside the
//! gradient of training.

use super::expr::{Scope, placeholder};
use super::*;

/// The largest order accepted: the recurrences hold far beyond it, but a
/// series of more terms than this is no longer a formula.
pub const MAX_ORDER: f64 = 1000.0;

impl Checker<'_> {
    /// `besselj`, `bessely`, `hankel1` or `hankel2`.
    pub(super) fn bessel(
        &mut self,
        e: &ast::Expr,
        callee: &ast::Ident,
        args: &[ast::Expr],
        scope: &mut Scope,
    ) -> Expr {
        if args.len() != 2 {
            self.report(self.arity_error(callee, e, &[2], args.len()));
            return placeholder();
        }
        let what = format!("the order of `{}`", callee.name);
        let errors = self.errors();
        let order = self.bound_constant(&args[0], scope, &what);
        let arg = self.expr(&args[1], scope);
        let Some(order) = order.filter(|_| self.errors() == errors) else {
            return placeholder();
        };
        if order.fract() != 0.0 || order.abs() > MAX_ORDER {
            self.report(
                Diagnostic::error(Code::BadBessel, format!("{what} must be a whole number"))
                    .label(args[0].span, format!("this is {order}"))
                    .help(format!(
                        "physc has Bessel functions of whole orders from -{MAX_ORDER} to {MAX_ORDER}"
                    )),
            );
            return placeholder();
        }
        if let Some(read) = unknown_read(self, &arg) {
            self.report(
                Diagnostic::error(
                    Code::BadBessel,
                    format!("`{}` of {read}", callee.name),
                )
                .label(args[1].span, format!("reads {read}"))
                .help("Bessel functions take coordinates, constants and data: write them in exact solutions and given values, not of what is trained"),
            );
            return placeholder();
        }
        let n = order as i32;
        let call = |builtin| Expr::Call {
            builtin,
            arg: Box::new(arg.clone()),
        };
        let (j, y) = (call(Builtin::BesselJ(n)), call(Builtin::BesselY(n)));
        let op = match callee.name.as_str() {
            "besselj" => return j,
            "bessely" => return y,
            "hankel1" => BinOp::Add,
            _ => BinOp::Sub,
        };
        let iy = Expr::Binary {
            op: BinOp::Mul,
            lhs: Box::new(Expr::Imag),
            rhs: Box::new(y),
        };
        Expr::Binary {
            op,
            lhs: Box::new(j),
            rhs: Box::new(iy),
        }
    }
}

/// The first field or learned scalar `e` reads, described.
fn unknown_read(checker: &Checker<'_>, e: &Expr) -> Option<String> {
    if let Some(f) = e.functions().first() {
        return Some(format!("the field `{}`", checker.model.function(*f).name));
    }
    let mut learned = None;
    e.visit(&mut |x| {
        if let Expr::Learned(l) = x {
            learned.get_or_insert(*l);
        }
    });
    learned.map(|l| {
        format!(
            "the learned scalar `{}`",
            checker.model.learned[l.index()].name
        )
    })
}
