use super::*;
use crate::check::DiskFiles;
use std::path::Path;

fn algebra(text: &str) -> Algebra {
    let frontend = crate::check_source(text, Path::new("."), &DiskFiles);
    assert!(!frontend.has_errors(), "{:?}", frontend.checked.diagnostics);
    symmetries(&frontend.checked.model, 2).expect("an algebra")
}

/// Each generator, substituted back: its prolongation applied to the
/// equation vanishes on the solutions (computed with the generator's
/// numbers, not the unknowns the solver saw).
fn verify(text: &str, a: &Algebra) {
    let frontend = crate::check_source(text, Path::new("."), &DiskFiles);
    let model = &frontend.checked.model;
    let c = model
        .constraints
        .iter()
        .find(|c| c.label == a.equation)
        .unwrap();
    let f = c.lhs.functions()[0];
    let mut lowerer = Lowerer::new(model);
    let root = lowerer.residual(&c.lhs, &c.rhs).unwrap()[0].1;
    let order = 4;
    let jet = Jet::new(model.function(f).coords.clone(), order);
    let delta = jet.polynomial(&lowerer.graph, root, f).unwrap();
    let setting = Setting::new(model, f, jet, 0);
    for (k, g) in a.generators.iter().enumerate() {
        // The generators live in a jet of another order: move them over.
        let xi: Vec<Poly> =
            g.xi.iter()
                .map(|p| lift(p, a.coords.len(), &setting.jet))
                .collect();
        let phi = lift(&g.phi, a.coords.len(), &setting.jet);
        let prolonged = setting.prolonged(&delta, &xi, &phi).unwrap();
        let rest = setting.on_solutions(&prolonged, &delta).unwrap();
        let worst = rest
            .terms
            .values()
            .map(|l| l.constant.abs())
            .fold(0.0, f64::max);
        assert!(worst < 1e-8, "X{} leaves {worst}", k + 1);
    }
}

/// A polynomial in the coordinates and `u` moved into `jet`.
fn lift(p: &Poly, n: usize, jet: &Jet) -> Poly {
    let mut out = Poly::zero(jet.vars());
    for (m, lin) in &p.terms {
        let mut moved = vec![0; jet.vars()];
        moved[..=n].copy_from_slice(&m[..=n]);
        out.terms.insert(moved, lin.clone());
    }
    out
}

const HEAT: &str = "field u(x in [0,1], t in [0,1])\npde: u_t = u_xx\n";
const BURGERS: &str = "field u(x in [-1,1], t in [0,1])\npde: u_t + u*u_x = 0.01*u_xx\n";
const KDV: &str = "field u(x in [-6,6], t in [0,2])\npde: u_t + 6*u*u_x + u_xxx = 0\n";
const WAVE: &str = "field u(x in [0,1], t in [0,1])\npde: u_tt = 4*u_xx\n";

#[test]
fn the_classical_algebras_are_found() {
    // Heat (Olver, example 2.41): translations in x and t, u-scaling,
    // the Galilean boost, scaling, the projective generator, and the
    // superposition of the solutions 1, x, x^2 + 2t in the ansatz.
    for (text, dimension) in [(HEAT, 6 + 3), (BURGERS, 5), (KDV, 4), (WAVE, 12)] {
        let a = algebra(text);
        assert_eq!(a.generators.len(), dimension, "{text}\n{}", print(&a));
        verify(text, &a);
    }
}

#[test]
fn a_wrong_generator_is_not_a_symmetry() {
    // x*dx alone (without 2t*dt) does not keep the heat equation.
    let frontend = crate::check_source(HEAT, Path::new("."), &DiskFiles);
    let model = &frontend.checked.model;
    let c = &model.constraints[0];
    let mut lowerer = Lowerer::new(model);
    let root = lowerer.residual(&c.lhs, &c.rhs).unwrap()[0].1;
    let jet = Jet::new(model.function(c.lhs.functions()[0]).coords.clone(), 3);
    let delta = jet
        .polynomial(&lowerer.graph, root, c.lhs.functions()[0])
        .unwrap();
    let vars = jet.vars();
    let setting = Setting::new(model, c.lhs.functions()[0], jet, 0);
    let x = Poly::var(vars, 0);
    let prolonged = setting
        .prolonged(&delta, &[x, Poly::zero(vars)], &Poly::zero(vars))
        .unwrap();
    assert!(!setting.on_solutions(&prolonged, &delta).unwrap().is_zero());
}

#[test]
fn conditions_and_the_domain_decide_what_is_kept() {
    // u = 0 on x = 0: translation in t keeps it; translation in x moves it.
    let text = "field u(x in [0,1], t in [0,1])\npde: u_t = u_xx\nbc: u = 0   on x = 0\n";
    let a = algebra(text);
    let printed = print(&a);
    assert!(printed.contains("X"), "{printed}");
    let dt = a
        .generators
        .iter()
        .find(|g| g.xi[0].is_zero() && g.phi.is_zero() && g.xi[1].as_number() == Some(1.0))
        .expect("d/dt");
    assert_eq!(dt.conditions, vec![("bc".to_string(), Kept::Yes)]);
    assert_eq!(dt.keeps_domain, Some(false), "t = 0 and t = 1 move");
    let dx = a
        .generators
        .iter()
        .find(|g| g.xi[1].is_zero() && g.phi.is_zero() && g.xi[0].as_number() == Some(1.0))
        .expect("d/dx");
    assert!(matches!(dx.conditions[0].1, Kept::No(_)));
}

#[test]
fn equations_that_are_not_polynomial_are_refused() {
    let frontend = crate::check_source(
        "field u(x in [0,1], t in [0,1])\npde: u_t = u_xx + sin(u)\n",
        Path::new("."),
        &DiskFiles,
    );
    let why = symmetries(&frontend.checked.model, 2)
        .err()
        .expect("refused");
    assert!(why.contains("`sin`"), "{why}");
}

#[test]
fn the_jet_is_in_the_fields_own_coordinates() {
    // `y`, declared first, is the model's coordinate 0; `t` is its 2 but
    // the field's 1, and the equation reads it explicitly.
    let alone = "field u(x in [0,1], t in [0,1])\npde: u_t = u_xx + t\n";
    let with_other = "field v(y in [0,1])\nfield u(x in [0,1], t in [0,1])\npde: u_t = u_xx + t\n";
    let (a, b) = (algebra(alone), algebra(with_other));
    assert_eq!(print(&a), print(&b));
    verify(with_other, &b);
}
