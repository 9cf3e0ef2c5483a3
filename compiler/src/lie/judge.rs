//! Whether a generator keeps the model's domain and conditions.
//!
//! Input: a generator with numeric coefficients. Output: for a box domain,
//! whether the flow is tangent to every face (`xi^i` vanishes on `x^i = a`
//! and `x^i = b`); for each condition on slices or a box's boundary,
//! whether the flow is tangent to its place and the prolonged condition
//! vanishes on it where the condition and the equation hold. A condition
//! that is not polynomial, or on another place, is left undecided, saying
//! why.

use super::poly::Poly;
use super::*;
use crate::ir::lower::Lowerer;
use crate::model::CoordId;

/// Below this, a coefficient left by round-off is zero.
const ROUND_OFF: f64 = 1e-8;

impl Setting<'_> {
    pub(super) fn judge(&self, g: &mut Generator, lowerer: &mut Lowerer) {
        g.keeps_domain = self.keeps_domain(g);
        for c in &self.model.constraints {
            if is_interior(&c.on)
                || !c
                    .lhs
                    .functions()
                    .iter()
                    .chain(&c.rhs.functions())
                    .any(|f| *f == self.field)
            {
                continue;
            }
            let kept = self.keeps_condition(g, c, lowerer);
            g.conditions.push((c.label.clone(), kept));
        }
    }

    fn keeps_domain(&self, g: &Generator) -> Option<bool> {
        let domain = self.model.function(self.field).domain.as_ref()?;
        let mut faces = vec![];
        for factor in &domain.factors {
            match factor {
                Factor::Interval { coord, lo, hi } => {
                    faces.extend([(*coord, *lo), (*coord, *hi)]);
                }
                Factor::Set { .. } => return None,
            }
        }
        Some(faces.iter().all(|&(c, a)| self.tangent(g, c, a).is_ok()))
    }

    /// Whether the flow stays on the plane `coord = a`.
    fn tangent(&self, g: &Generator, coord: CoordId, a: f64) -> Result<(), String> {
        let name = &self.model.coord(coord).name;
        let i = self
            .own(coord)
            .ok_or_else(|| format!("`{name}` is not a coordinate of the field"))?;
        let on = g.xi[i].substitute(i, &Poly::constant(self.jet.vars(), a));
        if negligible(&on) {
            Ok(())
        } else {
            Err(format!("it moves {name} = {a}"))
        }
    }

    fn own(&self, coord: CoordId) -> Option<usize> {
        self.model
            .function(self.field)
            .coords
            .iter()
            .position(|c| *c == coord)
    }

    fn keeps_condition(
        &self,
        g: &Generator,
        c: &crate::model::Constraint,
        lowerer: &mut Lowerer,
    ) -> Kept {
        let Some(faces) = faces(&c.on) else {
            return Kept::Unknown("its place is not made of slices or a box's faces".to_string());
        };
        for &(coord, a) in &faces {
            if let Err(why) = self.tangent(g, coord, a) {
                return Kept::No(why);
            }
        }
        let residual = match lowerer.residual(&c.lhs, &c.rhs) {
            Ok(parts) if parts.len() == 1 => parts[0].1,
            _ => return Kept::Unknown("it is complex".to_string()),
        };
        let r = match self.jet.polynomial(&lowerer.graph, residual, self.field) {
            Ok(r) => r,
            Err(why) => return Kept::Unknown(format!("its value is not polynomial: it has {why}")),
        };
        let (xi, phi) = (&g.xi, &g.phi);
        let prolonged = match self.prolonged(&r, xi, phi) {
            Ok(p) => p,
            Err(why) => return Kept::Unknown(why),
        };
        for &(coord, a) in &faces {
            let Some(i) = self.own(coord) else {
                return Kept::Unknown("it is on another field's coordinate".to_string());
            };
            let at = Poly::constant(self.jet.vars(), a);
            let (p, r) = (prolonged.substitute(i, &at), r.substitute(i, &at));
            match self.on_condition(&p, &r) {
                Some(rest) if negligible(&rest) => {}
                Some(_) => return Kept::No("it changes the condition's value".to_string()),
                None => {
                    return Kept::Unknown(
                        "the condition cannot be solved for a derivative".to_string(),
                    );
                }
            }
        }
        Kept::Yes
    }

    /// `p` where the condition `r = 0` holds: solved for a variable it holds
    /// linearly with a constant coefficient.
    fn on_condition(&self, p: &Poly, r: &Poly) -> Option<Poly> {
        let vars = self.jet.vars();
        let v = (self.jet.u()..vars)
            .rev()
            .find(|&v| r.diff(v).as_number().is_some_and(|c| c != 0.0))?;
        let c = r.diff(v).as_number()?;
        let solved = Poly::var(vars, v).sub(&r.scale(1.0 / c));
        Some(p.substitute(v, &solved))
    }
}

/// The planes a place lies on: a slice, a union of slices, or the faces of
/// a box's boundary.
fn faces(place: &Where) -> Option<Vec<(CoordId, f64)>> {
    match place {
        Where::Slice { coord, value } => Some(vec![(*coord, *value)]),
        Where::Union(places) => {
            let mut all = vec![];
            for p in places {
                all.extend(faces(p)?);
            }
            Some(all)
        }
        Where::Set {
            coords,
            set: Set::Boundary(inner),
            ..
        } => match inner.as_ref() {
            Set::Box(sides) => Some(
                coords
                    .iter()
                    .zip(sides)
                    .flat_map(|(c, (lo, hi))| [(*c, *lo), (*c, *hi)])
                    .collect(),
            ),
            _ => None,
        },
        _ => None,
    }
}

fn negligible(p: &Poly) -> bool {
    p.terms
        .values()
        .all(|lin| lin.constant.abs() < ROUND_OFF && lin.unknowns.is_empty())
}
