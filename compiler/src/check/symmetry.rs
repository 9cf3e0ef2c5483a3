//! Symmetries: `symmetry u(g(x)) = rho(u(x))` to a [`Symmetry`], with `g`
//! affine in the coordinates and `rho(u) = ±u + c` (written on either
//! side).
//!
//! A hard symmetry is built into the field, so its map must be a
//! translation along one coordinate (periodicity) or an affine map of
//! finite order (reflections, exchanges, rotations by `2 pi / n`; the
//! coefficients may be constant expressions such as `sqrt(3)/2`). Once
//! domains are known, the hard symmetries of each field must generate a
//! finite group whose value maps are an action of it ([`group`]) and whose
//! maps keep the domain (checked on sampled points). `soft symmetry`
//! accepts any map and any `rho = a u + b`, and becomes a loss term
//! ([`Checker::penalties`]).

use super::expr::Scope;
use super::*;
use crate::model::group::{self, GroupError};

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
        // Each side is `a * (the field somewhere) + b`.
        let (Some((la, lb, l)), Some((ra, rb, r))) = (
            affine_in_field(&l, &self.model),
            affine_in_field(&r, &self.model),
        ) else {
            return bad(
                self,
                "each side is the field at some arguments, times a constant plus a constant",
                lhs.span.to(rhs.span),
            );
        };
        if la == 0.0 || ra == 0.0 {
            return bad(
                self,
                "a side multiplies the field by zero",
                lhs.span.to(rhs.span),
            );
        }
        // The transformed side is the application; the other is the field
        // itself: `u(g x) = sign * u(x) + offset`.
        let (image, identity, sign, offset) = match (&l, &r) {
            (Expr::Apply { .. }, Expr::Field { .. }) => (l, r, ra / la, (rb - lb) / la),
            (Expr::Field { .. }, Expr::Apply { .. }) => (r, l, la / ra, (lb - rb) / ra),
            _ => {
                return bad(
                    self,
                    "one side is the field at other arguments, the other the field itself",
                    lhs.span.to(rhs.span),
                );
            }
        };
        if !soft && sign.abs() != 1.0 {
            return bad(
                self,
                "the value map must be `u` or `-u`, plus a constant: `a*u` with |a| ≠ 1 repeated never returns",
                lhs.span.to(rhs.span),
            );
        }
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
        if let SymmetryMap::Periodic { .. } = map
            && !soft
            && sign == 1.0
            && offset != 0.0
        {
            return bad(
                self,
                "a shift that adds a constant to the field never returns: no finite group",
                lhs.span.to(rhs.span),
            );
        }
        self.model.symmetries.push(Symmetry {
            function,
            map,
            sign,
            offset,
            soft,
            span,
        });
    }
}

/// `sign * here + offset`, as the user writes it.
fn show_value_map(here: &str, sign: f64, offset: f64) -> String {
    let scaled = match sign {
        1.0 => here.to_string(),
        -1.0 => format!("-{here}"),
        a => format!("{a}*{here}"),
    };
    match offset {
        0.0 => scaled,
        b if b < 0.0 => format!("{scaled} - {}", -b),
        b => format!("{scaled} + {b}"),
    }
}

/// `e` as `a * core + b`, with `core` a field (here or elsewhere) and `a`,
/// `b` constants.
fn affine_in_field(e: &Expr, model: &Model) -> Option<(f64, f64, Expr)> {
    let constant = |e: &Expr| affine(e, &[], model).map(|(_, v)| v);
    match e {
        Expr::Field { .. } | Expr::Apply { .. } => Some((1.0, 0.0, e.clone())),
        Expr::Neg(inner) => {
            let (a, b, core) = affine_in_field(inner, model)?;
            Some((-a, -b, core))
        }
        Expr::Binary { op, lhs, rhs } => {
            let (l, r) = (constant(lhs), constant(rhs));
            match (op, l, r) {
                (BinOp::Add, Some(c), None) | (BinOp::Add, None, Some(c)) => {
                    let inner = if l.is_some() { rhs } else { lhs };
                    let (a, b, core) = affine_in_field(inner, model)?;
                    Some((a, b + c, core))
                }
                (BinOp::Sub, None, Some(c)) => {
                    let (a, b, core) = affine_in_field(lhs, model)?;
                    Some((a, b - c, core))
                }
                (BinOp::Sub, Some(c), None) => {
                    let (a, b, core) = affine_in_field(rhs, model)?;
                    Some((-a, c - b, core))
                }
                (BinOp::Mul, Some(c), None) | (BinOp::Mul, None, Some(c)) => {
                    let inner = if l.is_some() { rhs } else { lhs };
                    let (a, b, core) = affine_in_field(inner, model)?;
                    Some((a * c, b * c, core))
                }
                (BinOp::Div, None, Some(c)) if c != 0.0 => {
                    let (a, b, core) = affine_in_field(lhs, model)?;
                    Some((a / c, b / c, core))
                }
                _ => None,
            }
        }
        _ => None,
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
                BinOp::Pow if is_const(&a) && is_const(&b) => constant(a.1.powf(b.1)),
                _ => None,
            }
        }
        // A function of a constant, as in `sqrt(3)/2` or `cos(2*pi/3)`.
        Expr::Call { builtin, arg } => {
            let (coef, v) = affine(arg, coords, model)?;
            if coef.iter().any(|c| *c != 0.0) {
                return None;
            }
            let value = super::consts::apply_real(*builtin, v);
            value.is_finite().then(|| (vec![0.0; n], value))
        }
        _ => None,
    }
}

fn classify(coords: &[CoordId], args: &[Expr], model: &Model) -> Result<SymmetryMap, &'static str> {
    let forms: Option<Vec<Affine>> = args.iter().map(|a| affine(a, coords, model)).collect();
    let forms = forms.ok_or("the arguments must be affine in the coordinates")?;
    let images: Vec<Image> = forms
        .into_iter()
        .map(|(coef, shift)| Image { coef, shift })
        .collect();
    let n = coords.len();
    if images.iter().enumerate().all(|(k, i)| i.is_unmoved(k, 0.0)) {
        return Err("the map leaves every point where it is");
    }
    let linear_identity = images.iter().enumerate().all(|(k, i)| {
        Image {
            shift: 0.0,
            ..i.clone()
        }
        .is_unmoved(k, 0.0)
    });
    if linear_identity {
        let shifted: Vec<usize> = (0..n).filter(|&k| images[k].shift != 0.0).collect();
        return match shifted.as_slice() {
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
        power = group::compose(&images, &power);
        if group::is_identity(&power, &vec![None; n]) {
            return Ok(SymmetryMap::Finite { images, order });
        }
    }
    Err("the map is not of finite order")
}

impl Checker<'_> {
    /// Each field's hard symmetries together: a finite group, signs that
    /// are an action of it, maps that keep the domain.
    pub(super) fn symmetry_groups(&mut self) {
        let help = "a symmetry built in must be a finite group of maps of the domain onto \
                    itself; `soft symmetry` penalises any map at sampled points instead";
        'fields: for f in 0..self.model.functions.len() {
            let function = FuncId(f as u32);
            let generators = group::generators(&self.model, function);
            let Some(&(_, first)) = generators.first() else {
                continue;
            };
            let name = self.model.function(function).name.clone();
            for (g, span) in &generators {
                if let Some(why) = self.leaves_domain(function, g) {
                    self.report(
                        Diagnostic::error(
                            Code::BadSymmetry,
                            "cannot build in this symmetry: the map does not keep the domain",
                        )
                        .label(*span, why)
                        .help(help),
                    );
                    continue 'fields;
                }
            }
            let span = generators.iter().fold(first, |acc, (_, s)| acc.to(*s));
            match group::group_of(&self.model, function) {
                Some(Err(GroupError::TooLarge)) => self.report(
                    Diagnostic::error(
                        Code::BadSymmetry,
                        format!(
                            "the symmetries of `{name}` generate more than {} maps",
                            group::MAX_ORDER
                        ),
                    )
                    .label(span, "these maps, composed")
                    .help(help),
                ),
                Some(Err(GroupError::Inconsistent { first, second })) => {
                    let coords = &self.model.function(function).coords;
                    let map = self.show_map(coords, &first.images);
                    let names: Vec<&str> = coords
                        .iter()
                        .map(|c| self.model.coord(*c).name.as_str())
                        .collect();
                    let here = format!("{name}({})", names.join(", "));
                    let value = |e: &group::Element| show_value_map(&here, e.sign, e.offset);
                    self.report(
                        Diagnostic::error(
                            Code::BadSymmetry,
                            format!("the symmetries of `{name}` contradict each other"),
                        )
                        .label(
                            span,
                            format!(
                                "composed, they say both `{name}({map}) = {}` and `{name}({map}) = {}`",
                                value(&first),
                                value(&second)
                            ),
                        )
                        .help("a field cannot have both; check the signs and constants, or state one as `soft symmetry`"),
                    )
                }
                _ => {}
            }
        }
    }

    /// Why the map `g` takes points of `function`'s domain outside it:
    /// sampled points of the domain, mapped, must stay in it (along a
    /// periodic coordinate, anywhere: the field repeats).
    fn leaves_domain(&self, function: FuncId, g: &group::Element) -> Option<String> {
        let f = self.model.function(function);
        let domain = f.domain.as_ref()?;
        let periods = group::periods(&self.model, function);
        let ranges: Vec<(f64, f64)> = f
            .coords
            .iter()
            .map(|c| domain.range(*c))
            .collect::<Option<_>>()?;
        let inside = |p: &[f64]| {
            domain.factors.iter().all(|factor| match factor {
                Factor::Interval { coord, lo, hi } => {
                    let k = f
                        .coords
                        .iter()
                        .position(|c| c == coord)
                        .expect("a coordinate");
                    let slack = 1e-9 * (hi - lo).abs().max(1.0);
                    periods[k].is_some() || p[k] >= lo - slack && p[k] <= hi + slack
                }
                Factor::Set { coords, set, .. } => {
                    let q: Vec<f64> = coords
                        .iter()
                        .map(|c| p[f.coords.iter().position(|x| x == c).expect("a coordinate")])
                        .collect();
                    crate::program::geometry::contains(set, &q)
                }
            })
        };
        let mut rng = crate::program::geometry::Rng::new(0x5eed);
        for _ in 0..512 {
            let p: Vec<f64> = ranges.iter().map(|(lo, hi)| rng.range(*lo, *hi)).collect();
            if !inside(&p) {
                continue;
            }
            let image: Vec<f64> = g
                .images
                .iter()
                .map(|i| i.coef.iter().zip(&p).map(|(a, x)| a * x).sum::<f64>() + i.shift)
                .collect();
            if !inside(&image) {
                let show = |v: &[f64]| {
                    v.iter()
                        .map(|x| format!("{:.3}", x + 0.0))
                        .collect::<Vec<_>>()
                        .join(", ")
                };
                let names: Vec<&str> = f
                    .coords
                    .iter()
                    .map(|c| self.model.coord(*c).name.as_str())
                    .collect();
                return Some(format!(
                    "it takes ({}) = ({}) to ({}), outside the domain",
                    names.join(", "),
                    show(&p),
                    show(&image)
                ));
            }
        }
        None
    }

    /// A map as arguments, as the user writes them: `-x, y + 1`.
    fn show_map(&self, coords: &[CoordId], images: &[Image]) -> String {
        let p = crate::model::print::Printer { m: &self.model };
        images
            .iter()
            .map(|i| p.image(i, coords))
            .collect::<Vec<_>>()
            .join(", ")
    }
}

impl Checker<'_> {
    /// The loss terms of soft symmetries and conservation laws, as
    /// constraints over the whole domain, once every user label is known:
    /// `u(g x) - s u(x) = 0` at sampled points, and `d/dt Q = 0` at sampled
    /// times. Their labels (`soft_symmetry`, `conservation`, numbered when
    /// there are several) name them in reports and in `train { weights(...) }`.
    pub(super) fn penalties(&mut self) {
        let mut terms = vec![];
        for s in &self.model.symmetries {
            let SymmetryMap::Sampled { args } = &s.map else {
                continue;
            };
            let function = self.model.function(s.function);
            let zero = vec![0; function.coords.len()];
            let image = Expr::Apply {
                function: s.function,
                derivative: zero.clone(),
                args: args.clone(),
            };
            let here = Expr::Field {
                function: s.function,
                derivative: zero,
            };
            let scaled = match s.sign {
                1.0 => here,
                -1.0 => Expr::Neg(Box::new(here)),
                a => Expr::Binary {
                    op: BinOp::Mul,
                    lhs: Box::new(Expr::Number(a)),
                    rhs: Box::new(here),
                },
            };
            let here = match s.offset {
                0.0 => scaled,
                b => Expr::Binary {
                    op: BinOp::Add,
                    lhs: Box::new(scaled),
                    rhs: Box::new(Expr::Number(b)),
                },
            };
            terms.push((
                "soft_symmetry",
                image,
                here,
                function.coords.clone(),
                s.span,
            ));
        }
        for c in &self.model.conservation {
            let rate = Expr::Diff {
                expr: Box::new(c.quantity.clone()),
                coord: c.time,
                order: 1,
            };
            let mut space = vec![];
            for f in c.quantity.functions() {
                for &k in &self.model.function(f).coords {
                    if !space.contains(&k) {
                        space.push(k);
                    }
                }
            }
            terms.push(("conservation", rate, Expr::Number(0.0), space, c.span));
        }
        let mut conserved = 0;
        for (kind, lhs, rhs, space, span) in terms {
            let label = (1..)
                .map(|n| match n {
                    1 => kind.to_string(),
                    n => format!("{kind}{n}"),
                })
                .find(|l| !self.labels.contains_key(l))
                .expect("a free label");
            self.labels.insert(label.clone(), span);
            if kind == "conservation" {
                self.model.conservation[conserved].label = label.clone();
                conserved += 1;
            }
            self.model.constraints.push(Constraint {
                label,
                lhs,
                relation: Relation::Eq,
                rhs,
                on: Where::Domain,
                enforcement: Enforcement::Soft,
                space,
                fractional: false,
                span,
            });
        }
    }
}
