//! Constant evaluation: an AST expression to a number, at check time.
//!
//! Used for `const` values, interval bounds, slice positions, shape
//! arguments and options. Values are complex (so `abs(2*i)` is allowed) and
//! the caller says whether a real is required. Anything that depends on a
//! coordinate, field or learned value is not a constant.

use super::names;
use super::{Checker, Decl};
use crate::diagnostics::{Code, Diagnostic};
use crate::model::Builtin;
use crate::syntax::ast::{BinOp, Expr, ExprKind};

#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Complex {
    pub re: f64,
    pub im: f64,
}

impl Complex {
    fn real(re: f64) -> Complex {
        Complex { re, im: 0.0 }
    }

    fn mul(self, o: Complex) -> Complex {
        Complex {
            re: self.re * o.re - self.im * o.im,
            im: self.re * o.im + self.im * o.re,
        }
    }

    fn div(self, o: Complex) -> Complex {
        let d = o.re * o.re + o.im * o.im;
        Complex {
            re: (self.re * o.re + self.im * o.im) / d,
            im: (self.im * o.re - self.re * o.im) / d,
        }
    }

    fn exp(self) -> Complex {
        let m = self.re.exp();
        Complex {
            re: m * self.im.cos(),
            im: m * self.im.sin(),
        }
    }

    fn ln(self) -> Complex {
        Complex {
            re: self.re.hypot(self.im).ln(),
            im: self.im.atan2(self.re),
        }
    }

    fn pow(self, o: Complex) -> Complex {
        if self.im == 0.0 && o.im == 0.0 && (self.re >= 0.0 || o.re.fract() == 0.0) {
            return Complex::real(self.re.powf(o.re));
        }
        if self.re == 0.0 && self.im == 0.0 {
            return Complex::real(0.0);
        }
        o.mul(self.ln()).exp()
    }
}

impl Checker<'_> {
    /// A number written as a constant expression, where a `def`'s
    /// parameter or a summation index may stand for one (`besselj(n, x)`
    /// inside `sum(n in range(...), ...)`): resolved in `scope` and folded,
    /// else evaluated as a constant, reporting why it is not one.
    pub(super) fn bound_constant(
        &mut self,
        e: &Expr,
        scope: &mut super::expr::Scope,
        what: &str,
    ) -> Option<f64> {
        let errors = self.errors();
        let value = self.expr(e, scope);
        if self.errors() > errors {
            return None;
        }
        match fold(&value, &self.model.consts) {
            Some(v) => Some(v),
            None => self.real_constant(e, what),
        }
    }

    /// Evaluates a constant that must be real; reports and returns `None`
    /// otherwise. `what` names the value in messages ("an interval bound").
    pub(super) fn real_constant(&mut self, e: &Expr, what: &str) -> Option<f64> {
        let value = self.constant(e, what)?;
        if value.im != 0.0 {
            self.report(
                Diagnostic::error(Code::ComplexValue, format!("{what} must be real"))
                    .label(
                        e.span,
                        format!("this is complex: {} + {}i", value.re, value.im),
                    )
                    .help("remove the imaginary part; complex values belong in complex fields"),
            );
            return None;
        }
        if !value.re.is_finite() {
            self.report(
                Diagnostic::error(Code::OptionRange, format!("{what} is not a finite number"))
                    .label(e.span, format!("this evaluates to {}", value.re))
                    .help("check for a division by zero or a logarithm of zero"),
            );
            return None;
        }
        Some(value.re)
    }

    /// Evaluates a constant, complex allowed.
    pub(super) fn constant(&mut self, e: &Expr, what: &str) -> Option<Complex> {
        Some(match &e.kind {
            ExprKind::Number(n) => Complex::real(*n),
            ExprKind::Name(id) => match id.name.as_str() {
                // A constant with errors was reported where it is defined.
                _ if matches!(self.names.get(&id.name), Some(Decl::Const(_))) => {
                    self.used.insert(id.name.clone());
                    Complex::real(self.const_value(&id.name)?)
                }
                "pi" => Complex::real(std::f64::consts::PI),
                "e" => Complex::real(std::f64::consts::E),
                "i" => Complex { re: 0.0, im: 1.0 },
                _ => {
                    let known =
                        self.names.contains_key(&id.name) || self.coord_id(&id.name).is_some();
                    let diagnostic = if let Some(Decl::Word(word)) = self.names.get(&id.name) {
                        Diagnostic::error(Code::NotConstant, format!("{what} must be a number"))
                            .label(id.span, format!("`{}` names `{word}`, not a number", id.name))
                            .help("use a named constant for an option that takes a name, as in `act = act`")
                    } else if known {
                        Diagnostic::error(Code::NotConstant, format!("{what} must be a constant"))
                            .label(id.span, format!("`{}` is not a constant", id.name))
                            .help(
                                "use numbers, `const` names, `pi`, `e` and built-in functions here",
                            )
                    } else {
                        let diagnostic = self.unknown_name(id, "declare it with `const`");
                        self.report_unknown(id, diagnostic);
                        return None;
                    };
                    self.report(diagnostic);
                    return None;
                }
            },
            ExprKind::Neg(inner) => {
                let v = self.constant(inner, what)?;
                Complex {
                    re: -v.re,
                    im: -v.im,
                }
            }
            ExprKind::Binary { op, lhs, rhs } => {
                let a = self.constant(lhs, what);
                let b = self.constant(rhs, what);
                let (a, b) = (a?, b?);
                match op {
                    BinOp::Add => Complex {
                        re: a.re + b.re,
                        im: a.im + b.im,
                    },
                    BinOp::Sub => Complex {
                        re: a.re - b.re,
                        im: a.im - b.im,
                    },
                    BinOp::Mul => a.mul(b),
                    BinOp::Div => a.div(b),
                    BinOp::Pow => a.pow(b),
                }
            }
            ExprKind::Call { callee, args } if callee.name == "gamma" && args.len() == 1 => {
                Complex::real(gamma(self.real_constant(&args[0], what)?))
            }
            ExprKind::Call { callee, args } => {
                let Some(builtin) = Builtin::from_name(&callee.name) else {
                    let diagnostic = if self.names.contains_key(&callee.name)
                        || names::is_builtin_function(&callee.name)
                    {
                        Diagnostic::error(Code::NotConstant, format!("{what} must be a constant"))
                            .label(
                                callee.span,
                                format!("`{}` cannot be evaluated before training", callee.name),
                            )
                            .help(
                                "use numbers, `const` names, `pi`, `e` and built-in functions here",
                            )
                    } else {
                        let diagnostic = self.unknown_name(
                            callee,
                            "built-in functions are sin, cos, exp, log, sqrt, ...",
                        );
                        self.report_unknown(callee, diagnostic);
                        return None;
                    };
                    self.report(diagnostic);
                    return None;
                };
                if args.len() != 1 {
                    self.report(self.arity_error(callee, e, &[1], args.len()));
                    return None;
                }
                let x = self.constant(&args[0], what)?;
                apply(builtin, x)
            }
            ExprKind::Member { base, .. } => {
                self.report(
                    Diagnostic::error(Code::NotConstant, format!("{what} must be a constant"))
                        .label(e.span, format!("`{}` is a data column", base.name))
                        .help("use numbers, `const` names, `pi`, `e` and built-in functions here"),
                );
                return None;
            }
            ExprKind::Tuple(_) | ExprKind::Sum { .. } => {
                self.report(
                    Diagnostic::error(Code::NotConstant, format!("{what} must be a single number"))
                        .label(e.span, "not a number")
                        .help("write one number or constant expression"),
                );
                return None;
            }
        })
    }
}

/// The value of a checked expression made of numbers and constants only
/// (a `def`'s parameter bound to one, as in `gamma(k + 1)`); `None` if it
/// reads anything else. `consts` are the model's constants.
pub(super) fn fold(e: &crate::model::Expr, consts: &[crate::model::Const]) -> Option<f64> {
    use crate::model::{BinOp, Constant, Expr};
    let fold = |e| fold(e, consts);
    Some(match e {
        Expr::Number(x) => *x,
        Expr::Const(c) => consts[c.index()].value,
        Expr::Constant(Constant::Pi) => std::f64::consts::PI,
        Expr::Constant(Constant::E) => std::f64::consts::E,
        Expr::Neg(a) => -fold(a)?,
        Expr::Call { builtin, arg } => apply_real(*builtin, fold(arg)?),
        Expr::Binary { op, lhs, rhs } => {
            let (a, b) = (fold(lhs)?, fold(rhs)?);
            match op {
                BinOp::Add => a + b,
                BinOp::Sub => a - b,
                BinOp::Mul => a * b,
                BinOp::Div => a / b,
                BinOp::Pow => a.powf(b),
            }
        }
        _ => return None,
    })
}

/// A built-in function of a real number (NaN outside its real domain).
pub(super) fn apply_real(f: Builtin, r: f64) -> f64 {
    match f {
        Builtin::Sin => r.sin(),
        Builtin::Cos => r.cos(),
        Builtin::Tan => r.tan(),
        Builtin::Asin => r.asin(),
        Builtin::Acos => r.acos(),
        Builtin::Atan => r.atan(),
        Builtin::Exp => r.exp(),
        Builtin::Log => r.ln(),
        Builtin::Sqrt => r.sqrt(),
        Builtin::Abs => r.abs(),
        Builtin::Sinh => r.sinh(),
        Builtin::Cosh => r.cosh(),
        Builtin::Tanh => r.tanh(),
        Builtin::Sech => 1.0 / r.cosh(),
        Builtin::Erf => crate::ir::erf(r),
        Builtin::BesselJ(n) => crate::ir::bessel::bessel_j(n, r),
        Builtin::BesselY(n) => crate::ir::bessel::bessel_y(n, r),
        Builtin::Conj | Builtin::Re => r,
        Builtin::Im => 0.0,
    }
}

fn apply(f: Builtin, x: Complex) -> Complex {
    if x.im == 0.0 {
        return Complex::real(apply_real(f, x.re));
    }
    match f {
        Builtin::Exp => x.exp(),
        Builtin::Log => x.ln(),
        Builtin::Sqrt => x.pow(Complex::real(0.5)),
        Builtin::Abs => Complex::real(x.re.hypot(x.im)),
        Builtin::Conj => Complex {
            re: x.re,
            im: -x.im,
        },
        Builtin::Re => Complex::real(x.re),
        Builtin::Im => Complex::real(x.im),
        Builtin::Cos => {
            let (a, b) = (
                Complex {
                    re: -x.im,
                    im: x.re,
                }
                .exp(),
                Complex {
                    re: x.im,
                    im: -x.re,
                }
                .exp(),
            );
            Complex {
                re: (a.re + b.re) / 2.0,
                im: (a.im + b.im) / 2.0,
            }
        }
        Builtin::Sin => {
            let (a, b) = (
                Complex {
                    re: -x.im,
                    im: x.re,
                }
                .exp(),
                Complex {
                    re: x.im,
                    im: -x.re,
                }
                .exp(),
            );
            Complex {
                re: (a.im - b.im) / 2.0,
                im: -(a.re - b.re) / 2.0,
            }
        }
        // Other functions of complex constants are not needed by any model.
        _ => Complex {
            re: f64::NAN,
            im: f64::NAN,
        },
    }
}

/// The Gamma function of a real number: Lanczos' approximation (g = 7,
/// nine terms, relative error near 1e-15) and the reflection formula
/// below 1/2; infinite at the poles 0, -1, -2, ...
pub fn gamma(x: f64) -> f64 {
    const G: f64 = 7.0;
    const C: [f64; 9] = [
        0.999_999_999_999_809_9,
        676.520_368_121_885_1,
        -1_259.139_216_722_402_8,
        771.323_428_777_653_1,
        -176.615_029_162_140_6,
        12.507_343_278_686_905,
        -0.138_571_095_265_720_12,
        9.984_369_578_019_572e-6,
        1.505_632_735_149_311_6e-7,
    ];
    if x <= 0.0 && x == x.floor() {
        return f64::INFINITY;
    }
    if x < 0.5 {
        let pi = std::f64::consts::PI;
        return pi / ((pi * x).sin() * gamma(1.0 - x));
    }
    let x = x - 1.0;
    let t = x + G + 0.5;
    let series = C[1..]
        .iter()
        .enumerate()
        .fold(C[0], |sum, (k, c)| sum + c / (x + k as f64 + 1.0));
    (2.0 * std::f64::consts::PI).sqrt() * t.powf(x + 0.5) * (-t).exp() * series
}

#[cfg(test)]
mod tests {
    use super::gamma;

    #[test]
    fn gamma_meets_its_closed_forms() {
        let sqrt_pi = std::f64::consts::PI.sqrt();
        let cases = [
            (1.0, 1.0),
            (5.0, 24.0),
            (0.5, sqrt_pi),
            (1.5, sqrt_pi / 2.0),
            (-0.5, -2.0 * sqrt_pi),
            (10.0, 362_880.0),
            (0.1, 9.513_507_698_668_732),
        ];
        for (x, want) in cases {
            let got = gamma(x);
            assert!(
                (got - want).abs() <= 1e-13 * want.abs(),
                "gamma({x}) = {got}, not {want}"
            );
        }
        assert!(gamma(-2.0).is_infinite() && gamma(0.0).is_infinite());
    }
}
