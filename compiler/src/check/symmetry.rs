//! Symmetries: `symmetry u(g(x)) = ±u(x)` to a [`Symmetry`].
//!
//! A hard symmetry must be built into the network, so its map must be a
//! translation along one coordinate (periodicity) or an affine map of finite
//! order whose linear part permutes coordinates up to sign (reflections,
//! rotations by quarter turns, swaps). Once domains are known, the hard
//! symmetries of each field must generate a finite group with consistent
//! signs ([`group`]) whose maps keep the domain. `soft symmetry` accepts
//! any map and is penalised at sampled points.

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
        power = group::compose(&images, &power, coords);
        if identity(&power) {
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
                    let map = self.show_map(&first.images);
                    let coords = &self.model.function(function).coords;
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

    /// Why the map `g` takes points of `function`'s domain outside it, on
    /// the domain's bounding box; periodic coordinates wrap around.
    fn leaves_domain(&self, function: FuncId, g: &group::Element) -> Option<String> {
        let f = self.model.function(function);
        let domain = f.domain.as_ref()?;
        let periods = group::periods(&self.model, function);
        for ((image, &c), period) in g.images.iter().zip(&f.coords).zip(&periods) {
            if period.is_some() {
                continue;
            }
            let (Some((lo, hi)), Some((slo, shi))) = (domain.range(c), domain.range(image.source))
            else {
                continue;
            };
            let (a, b) = (
                image.sign * slo + image.shift,
                image.sign * shi + image.shift,
            );
            // `+ 0.0` turns a reflected `-0` into `0`.
            let (a, b) = (a.min(b) + 0.0, a.max(b) + 0.0);
            let scale = (hi - lo).abs().max(1.0);
            if (a - lo).abs() > 1e-9 * scale || (b - hi).abs() > 1e-9 * scale {
                let target = &self.model.coord(c).name;
                let source = &self.model.coord(image.source).name;
                return Some(format!(
                    "{source} in [{slo}, {shi}] goes to {target} in [{a}, {b}], but {target} ranges over [{lo}, {hi}]"
                ));
            }
        }
        None
    }

    /// A map as arguments, as the user writes them: `-x, y + 1`.
    fn show_map(&self, images: &[Image]) -> String {
        images
            .iter()
            .map(|i| {
                let name = &self.model.coord(i.source).name;
                let sign = if i.sign < 0.0 { "-" } else { "" };
                match i.shift {
                    0.0 => format!("{sign}{name}"),
                    s if s < 0.0 => format!("{sign}{name} - {}", -s),
                    s => format!("{sign}{name} + {s}"),
                }
            })
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
                span,
            });
        }
    }
}
