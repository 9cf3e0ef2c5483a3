//! The Lie point symmetries of a model's equation (`physc symmetries`).
//!
//! Input: a checked model with one field and one equation on its domain,
//! polynomial in the field, its derivatives and the coordinates. Output: a
//! basis of the generators `v = xi^i(x, u) d/dx^i + phi(x, u) d/du` whose
//! coefficients are polynomials of degree at most `degree` in the
//! coordinates and affine in `u`, under which the equation is invariant:
//! the prolongation of `v` applied to the equation vanishes on its
//! solutions (Olver, Applications of Lie Groups to Differential Equations,
//! theorem 2.31). For each generator, whether the domain and each condition
//! keep it.
//!
//! Method: the unknown coefficients of the ansatz enter the prolonged
//! equation linearly ([`poly`]); after the equation is solved for one of
//! its derivatives (`u_t` for heat, `u_tt` for waves) and substituted, the
//! other jet variables are independent, so every coefficient of every
//! monomial in them must vanish: a homogeneous linear system, whose null
//! space is the algebra (in the ansatz).

mod jet;
pub mod poly;
mod print;
mod solve;

pub use print::algebra as print;

use crate::ir::Part;
use crate::ir::lower::Lowerer;
use crate::model::{Factor, FuncId, Model, Relation, Set, Where};
use jet::Jet;
use poly::Poly;

/// One generator: `xi[i]` along coordinate `i` and `phi` along `u`, as
/// polynomials on the jet (in the coordinates and `u` only).
#[derive(Clone, Debug)]
pub struct Generator {
    pub xi: Vec<Poly>,
    pub phi: Poly,
    /// Whether it maps the domain into itself (`None`: not decided).
    pub keeps_domain: Option<bool>,
    /// For each condition, by label: kept, not kept, or not decided and why.
    pub conditions: Vec<(String, Kept)>,
}

#[derive(Clone, Debug, PartialEq)]
pub enum Kept {
    Yes,
    /// No, and why.
    No(String),
    /// Not decided, and why.
    Unknown(String),
}

/// The symmetries found for a model's equation.
pub struct Algebra {
    pub field: String,
    pub coords: Vec<String>,
    pub equation: String,
    pub degree: u32,
    pub generators: Vec<Generator>,
}

/// The setting of one field's analysis.
struct Setting<'m> {
    model: &'m Model,
    field: FuncId,
    jet: Jet,
    /// The ansatz: `xi` per coordinate, then `phi`, with unknowns.
    ansatz: Vec<Poly>,
    unknowns: usize,
}

/// The generators of the point symmetries of `model`'s equation.
pub fn symmetries(model: &Model, degree: u32) -> Result<Algebra, String> {
    let equations: Vec<_> = model
        .constraints
        .iter()
        .filter(|c| c.relation == Relation::Eq && is_interior(&c.on))
        .collect();
    let [equation] = equations.as_slice() else {
        return Err(format!(
            "`physc symmetries` analyses one equation on a field's domain; this model has {}",
            equations.len()
        ));
    };
    let mut functions = equation.lhs.functions();
    functions.extend(equation.rhs.functions());
    functions.dedup();
    let [field] = functions.as_slice() else {
        return Err("`physc symmetries` analyses an equation of one field".to_string());
    };
    let function = model.function(*field);
    if function.complex {
        return Err(format!(
            "`{}` is complex; the analysis is of real fields",
            function.name
        ));
    }
    let mut lowerer = Lowerer::new(model);
    let parts = lowerer.residual(&equation.lhs, &equation.rhs)?;
    let &[(Part::Real, root)] = parts.as_slice() else {
        return Err("the equation is complex".to_string());
    };
    let order = crate::ir::lower::derivative_sets(&lowerer.graph, &[root])
        .iter()
        .flat_map(|(_, set)| set.iter().map(|d| d.iter().sum::<u8>()))
        .max()
        .unwrap_or(0);
    if order == 0 {
        return Err("the equation has no derivative".to_string());
    }
    let coords: Vec<String> = function
        .coords
        .iter()
        .map(|c| model.coord(*c).name.clone())
        .collect();
    let jet = Jet::new(function.coords.clone(), order + 1);
    let delta = jet
        .polynomial(&lowerer.graph, root, *field)
        .map_err(|why| format!("the equation is not a polynomial in the field, its derivatives and the coordinates: it has {why}"))?;
    let setting = Setting::new(model, *field, jet, degree);
    let determining = setting.determining(&delta)?;
    let basis = solve::null_space(&determining, setting.unknowns);
    let mut generators: Vec<Generator> = basis
        .iter()
        .map(|values| setting.generator(values))
        .collect();
    for g in &mut generators {
        setting.judge(g, &mut lowerer);
    }
    Ok(Algebra {
        field: function.name.clone(),
        coords,
        equation: equation.label.clone(),
        degree,
        generators,
    })
}

/// Whether an equation on `place` holds inside the domain (the whole of it,
/// or a region given by a box or a shape), rather than on a boundary,
/// slice or data.
fn is_interior(place: &Where) -> bool {
    match place {
        Where::Domain => true,
        Where::Set { set, .. } => !matches!(set, Set::Boundary(_)),
        _ => false,
    }
}

impl<'m> Setting<'m> {
    fn new(model: &'m Model, field: FuncId, jet: Jet, degree: u32) -> Setting<'m> {
        let vars = jet.vars();
        let monomials = monomials(jet.n, degree);
        let mut ansatz = vec![];
        let mut unknowns = 0;
        for _component in 0..=jet.n {
            let mut p = Poly::zero(vars);
            for m in &monomials {
                for in_u in [0, 1] {
                    let mut monomial = vec![0; vars];
                    monomial[..jet.n].copy_from_slice(m);
                    monomial[jet.u()] = in_u;
                    p = p.add(&Poly::unknown(vars, monomial, unknowns));
                    unknowns += 1;
                }
            }
            ansatz.push(p);
        }
        Setting {
            model,
            field,
            jet,
            ansatz,
            unknowns,
        }
    }

    /// `pr v (delta)` for the generator `xi`, `phi` (with unknowns or not).
    fn prolonged(&self, delta: &Poly, xi: &[Poly], phi: &Poly) -> Result<Poly, String> {
        let jet = &self.jet;
        let too_high = || "the equation's order is beyond the jet".to_string();
        // The characteristic Q = phi - xi^i u_i.
        let mut q = phi.clone();
        for (i, x) in xi.iter().enumerate() {
            let mut unit = vec![0; jet.n];
            unit[i] = 1;
            let ui = Poly::var(jet.vars(), jet.var(&unit).ok_or_else(too_high)?);
            q = q.sub(&x.mul(&ui));
        }
        let mut out = Poly::zero(jet.vars());
        for (i, x) in xi.iter().enumerate() {
            out = out.add(&x.mul(&delta.diff(i)));
        }
        out = out.add(&phi.mul(&delta.diff(jet.u())));
        for v in jet.u() + 1..jet.vars() {
            if !delta.has(v) {
                continue;
            }
            let index = jet.index(v).expect("a derivative");
            // phi^J = D_J Q + xi^i u_{J+i}.
            let mut phi_j = jet.total_index(&q, &index).ok_or_else(too_high)?;
            for (i, x) in xi.iter().enumerate() {
                let mut raised = index.clone();
                raised[i] += 1;
                let u = Poly::var(jet.vars(), jet.var(&raised).ok_or_else(too_high)?);
                phi_j = phi_j.add(&x.mul(&u));
            }
            out = out.add(&phi_j.mul(&delta.diff(v)));
        }
        Ok(out)
    }

    /// The determining equations: one linear form in the unknowns per
    /// monomial of `pr v (delta)` on the solutions of `delta = 0`.
    fn determining(&self, delta: &Poly) -> Result<Vec<Vec<(usize, f64)>>, String> {
        let (xi, phi) = self.ansatz.split_at(self.jet.n);
        let prolonged = self.prolonged(delta, xi, &phi[0])?;
        let on_solutions = self.on_solutions(&prolonged, delta)?;
        Ok(on_solutions
            .terms
            .values()
            .map(|lin| lin.unknowns.iter().map(|(&k, &a)| (k, a)).collect())
            .collect())
    }

    /// `p` with the equation `delta = 0` solved for a derivative it holds
    /// linearly with a constant coefficient (one in `t` first, then the
    /// highest in the last coordinate) and substituted.
    fn on_solutions(&self, p: &Poly, delta: &Poly) -> Result<Poly, String> {
        let jet = &self.jet;
        let time = self
            .model
            .function(self.field)
            .coords
            .iter()
            .position(|c| self.model.coord(*c).name == "t")
            .unwrap_or(jet.n - 1);
        let mut best: Option<(usize, (bool, u8), f64)> = None;
        for v in jet.u() + 1..jet.vars() {
            let Some(c) = delta.diff(v).as_number().filter(|c| *c != 0.0) else {
                continue;
            };
            let index = jet.index(v).expect("a derivative");
            let only_time = index.iter().enumerate().all(|(i, &o)| i == time || o == 0);
            let rank = (only_time, index[time]);
            if best.is_none_or(|(_, r, _)| rank > r) {
                best = Some((v, rank, c));
            }
        }
        let (v, _, c) =
            best.ok_or("the equation holds no derivative linearly with a constant coefficient")?;
        // delta = c u_L + rest = 0: u_L = u_L - delta / c.
        let solved = Poly::var(jet.vars(), v).sub(&delta.scale(1.0 / c));
        Ok(p.substitute(v, &solved))
    }

    fn generator(&self, values: &[f64]) -> Generator {
        let mut parts: Vec<Poly> = self.ansatz.iter().map(|p| p.with_values(values)).collect();
        let phi = parts.pop().expect("phi");
        Generator {
            xi: parts,
            phi,
            keeps_domain: None,
            conditions: vec![],
        }
    }
}

/// Exponent vectors of every monomial of degree at most `degree` in `n`
/// variables, lowest degree first (also the multi-indices of derivatives).
fn monomials(n: usize, degree: u32) -> Vec<Vec<u8>> {
    let mut out = vec![vec![0u8; n]];
    let mut frontier = out.clone();
    for _ in 0..degree {
        let mut next: Vec<Vec<u8>> = vec![];
        for m in &frontier {
            for i in 0..n {
                let mut raised = m.clone();
                raised[i] += 1;
                if !next.contains(&raised) {
                    next.push(raised);
                }
            }
        }
        out.extend(next.iter().cloned());
        frontier = next;
    }
    out
}

mod judge;

#[cfg(test)]
mod tests;
