//! Symmetries: `symmetry u(g(x)) = ±u(x)` to a [`Symmetry`].
//!
//! A hard symmetry must be built into the network, so its map must be a
//! translation along one coordinate (periodicity) or an affine map of finite
//! order whose linear part permutes coordinates up to sign (reflections,
//! rotations by quarter turns, swaps). `soft symmetry` accepts any map and
//! is penalised at sampled points.

use super::expr::Scope;
use super::*;

/// Largest group order searched for.
const MAX_ORDER: u32 = 24;

impl Checker<'_> {
    pub(super) fn symmetry(
        &mut self,
        soft: bool,
        lhs: &ast::Expr,
        rhs: &ast::Expr,
        on: Option<&ast::Region>,
        span: Span,
    ) {
        let errors = self.failures;
        let mut scope = Scope::default();
        let (l, r) = (self.expr(lhs, &mut scope), self.expr(rhs, &mut scope));
        if self.failures > errors {
            return;
        }
        let bad = |checker: &mut Self, why: &str, at: Span| {
            checker.report(
                Diagnostic::error(Code::BadSymmetry, format!("cannot build in this symmetry: {why}"))
                    .label(at, why.to_string())
                    .help("write `symmetry u(x + L, t) = u(x, t)` or `symmetry u(-x, y) = u(x, y)`; `soft symmetry` accepts any map"),
            );
        };
        if let Some(region) = on {
            bad(self, "a symmetry holds on the whole domain", region.span);
            return;
        }
        let (l_sign, l) = strip_sign(l);
        let (r_sign, r) = strip_sign(r);
        // The transformed side is the application; the other is the field itself.
        let (image, identity, sign) = match (&l, &r) {
            (Expr::Apply { .. }, Expr::Field { .. }) => (l.clone(), r.clone(), l_sign * r_sign),
            (Expr::Field { .. }, Expr::Apply { .. }) => (r.clone(), l.clone(), l_sign * r_sign),
            _ => {
                return bad(
                    self,
                    "each side is the field at some arguments",
                    lhs.span.to(rhs.span),
                );
            }
        };
        let (
            Expr::Apply {
                function,
                derivative,
                args,
            },
            Expr::Field {
                function: same,
                derivative: d2,
            },
        ) = (image, identity)
        else {
            unreachable!("matched above")
        };
        if function != same {
            return bad(
                self,
                "both sides must be the same field",
                lhs.span.to(rhs.span),
            );
        }
        if derivative.iter().chain(&d2).any(|&o| o != 0) {
            return bad(
                self,
                "a symmetry relates values, not derivatives",
                lhs.span.to(rhs.span),
            );
        }
        let map = if soft {
            SymmetryMap::Sampled { args }
        } else {
            let coords = self.model.function(function).coords.clone();
            match classify(&coords, &args, &self.model) {
                Ok(map) => map,
                Err(why) => return bad(self, why, lhs.span),
            }
        };
        self.model.symmetries.push(Symmetry {
            function,
            map,
            sign,
            soft,
            span,
        });
    }
}

fn strip_sign(e: Expr) -> (f64, Expr) {
    match e {
        Expr::Neg(inner) => {
            let (s, e) = strip_sign(*inner);
            (-s, e)
        }
        e => (1.0, e),
    }
}

/// An affine form: one coefficient per coordinate, plus a constant.
type Affine = (Vec<f64>, f64);

fn affine(e: &Expr, coords: &[CoordId], model: &Model) -> Option<Affine> {
    let n = coords.len();
    let constant = |v: f64| Some((vec![0.0; n], v));
    match e {
        Expr::Number(v) => constant(*v),
        Expr::Constant(c) => constant(c.value()),
        Expr::Const(c) => constant(model.consts[c.index()].value),
        Expr::Coord(c) => {
            let k = coords.iter().position(|x| x == c)?;
            let mut coef = vec![0.0; n];
            coef[k] = 1.0;
            Some((coef, 0.0))
        }
        Expr::Neg(a) => {
            let (c, k) = affine(a, coords, model)?;
            Some((c.iter().map(|v| -v).collect(), -k))
        }
        Expr::Binary { op, lhs, rhs } => {
            let (a, b) = (affine(lhs, coords, model)?, affine(rhs, coords, model)?);
            let is_const = |x: &Affine| x.0.iter().all(|v| *v == 0.0);
            match op {
                BinOp::Add => Some((
                    a.0.iter().zip(&b.0).map(|(x, y)| x + y).collect(),
                    a.1 + b.1,
                )),
                BinOp::Sub => Some((
                    a.0.iter().zip(&b.0).map(|(x, y)| x - y).collect(),
                    a.1 - b.1,
                )),
                BinOp::Mul if is_const(&a) => {
                    Some((b.0.iter().map(|v| v * a.1).collect(), b.1 * a.1))
                }
                BinOp::Mul if is_const(&b) => {
                    Some((a.0.iter().map(|v| v * b.1).collect(), a.1 * b.1))
                }
                BinOp::Div if is_const(&b) && b.1 != 0.0 => {
                    Some((a.0.iter().map(|v| v / b.1).collect(), a.1 / b.1))
                }
                _ => None,
            }
        }
        _ => None,
    }
}

fn classify(coords: &[CoordId], args: &[Expr], model: &Model) -> Result<SymmetryMap, &'static str> {
    let forms: Option<Vec<Affine>> = args.iter().map(|a| affine(a, coords, model)).collect();
    let forms = forms.ok_or("the arguments must be affine in the coordinates")?;
    let mut images = vec![];
    for (coef, shift) in &forms {
        let nonzero: Vec<usize> = (0..coef.len()).filter(|&k| coef[k] != 0.0).collect();
        match nonzero.as_slice() {
            [k] if coef[*k].abs() == 1.0 => images.push(Image {
                source: coords[*k],
                sign: coef[*k],
                shift: *shift,
            }),
            _ => return Err("each argument must be ± one coordinate plus a constant"),
        }
    }
    let mut sources: Vec<CoordId> = images.iter().map(|i| i.source).collect();
    sources.sort();
    sources.dedup();
    if sources.len() != coords.len() {
        return Err("the map must use each coordinate once");
    }
    let identity = |im: &[Image]| {
        im.iter()
            .zip(coords)
            .all(|(i, c)| i.source == *c && i.sign == 1.0 && i.shift == 0.0)
    };
    if identity(&images) {
        return Err("the map leaves every point where it is");
    }
    let translated: Vec<usize> = (0..images.len())
        .filter(|&k| images[k].shift != 0.0)
        .collect();
    let pure_translation = images
        .iter()
        .zip(coords)
        .all(|(i, c)| i.source == *c && i.sign == 1.0);
    if pure_translation {
        return match translated.as_slice() {
            [k] => Ok(SymmetryMap::Periodic {
                coord: coords[*k],
                period: images[*k].shift.abs(),
            }),
            _ => Err("a periodic symmetry shifts one coordinate"),
        };
    }
    // Compose the map with itself until it is the identity.
    let mut power = images.clone();
    for order in 2..=MAX_ORDER {
        power = compose(&images, &power, coords);
        if identity(&power) {
            return Ok(SymmetryMap::Finite { images, order });
        }
    }
    Err("the map is not of finite order")
}

/// `(f ∘ g)(x) = f(g(x))`, each map given as images of the coordinates.
fn compose(f: &[Image], g: &[Image], coords: &[CoordId]) -> Vec<Image> {
    f.iter()
        .map(|fi| {
            let k = coords
                .iter()
                .position(|c| *c == fi.source)
                .expect("images use the function's coordinates");
            let gi = &g[k];
            Image {
                source: gi.source,
                sign: fi.sign * gi.sign,
                shift: fi.sign * gi.shift + fi.shift,
            }
        })
        .collect()
}
