//! The dynamics `physc simulate` reads out of a model: the state, the rates,
//! Hamilton's structure and the energies, and the refusals.

use physc_compiler::check::DiskFiles;
use physc_compiler::ir::Node;
use physc_compiler::program::LossProgram;
use physc_compiler::program::dynamics::Dynamics;
use physc_compiler::program::interp::{Evaluator, Weights};
use physc_compiler::program::sample::Point;
use std::path::{Path, PathBuf};

fn examples() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../examples")
}

fn program(text: &str) -> LossProgram {
    let frontend = physc_compiler::check_source(text, &examples(), &DiskFiles);
    assert!(!frontend.has_errors(), "{text}");
    frontend.loss.expect("trainable")
}

fn example(name: &str) -> LossProgram {
    program(&std::fs::read_to_string(examples().join(name)).expect("the example"))
}

fn dynamics(p: &LossProgram) -> (LossProgram, Dynamics) {
    p.dynamics().expect("dynamics")
}

fn states(p: &LossProgram, d: &Dynamics) -> Vec<String> {
    d.states
        .iter()
        .map(|c| p.model.coord(*c).name.clone())
        .collect()
}

fn energies(d: &Dynamics) -> Vec<&str> {
    d.energies.iter().map(|(n, _)| n.as_str()).collect()
}

#[test]
fn a_hamiltonian_network_is_recognised() {
    let (p, d) = dynamics(&example("pendulum_hnn.phy"));
    assert_eq!(states(&p, &d), ["q", "p"]);
    let h = d.hamiltonian.as_ref().expect("Hamilton's equations");
    assert_eq!(p.model.function(h.function).name, "H");
    assert_eq!(h.pairs, [(0, 1)]);
    assert_eq!(energies(&d), ["H", "H_exact"]);
}

#[test]
fn fitted_derivatives_are_not_hamiltonian() {
    let (p, d) = dynamics(&example("pendulum_plain.phy"));
    assert_eq!(states(&p, &d), ["q", "p"]);
    assert!(d.hamiltonian.is_none());
    assert!(d.energies.is_empty());
}

#[test]
fn the_signs_decide_which_variable_is_the_momentum() {
    // dq/dt = -dH/dp and dp/dt = dH/dq are Hamilton's equations with p as
    // the position and q as its momentum.
    let text = "data traj = csv(\"pendulum.csv\")\nnet H(q, p)\n\
                traj.dq = -d(H, p) on traj\ntraj.dp = d(H, q) on traj\n";
    let (_, d) = dynamics(&program(text));
    assert_eq!(d.hamiltonian.expect("Hamiltonian").pairs, [(1, 0)]);
    // With both signs the same they are not.
    let text = "data traj = csv(\"pendulum.csv\")\nnet H(q, p)\n\
                traj.dq = d(H, p) on traj\ntraj.dp = d(H, q) on traj\n";
    let (_, d) = dynamics(&program(text));
    assert!(d.hamiltonian.is_none());
}

#[test]
fn a_lagrangian_gives_a_second_order_system_and_its_energy() {
    let (p, d) = dynamics(&example("pendulum_lnn.phy"));
    assert_eq!(states(&p, &d), ["q", "q_t"]);
    // The position's rate is the velocity itself.
    assert_eq!(p.graph.node(d.rates[0]), &Node::Coord(d.states[1]));
    assert_eq!(energies(&d), ["energy_L", "energy_L_exact"]);
    // The exact Lagrangian's energy, v dL/dv - L, is the pendulum's
    // v^2/2 + 1 - cos q: it reads no network, so no weights are needed.
    let weights = Weights {
        nets: vec![Default::default(); p.nets.len()],
        scalars: vec![],
    };
    let exact = Evaluator::new(&p, &weights, &[d.energies[1].1]);
    let (q, v) = (0.7, -0.3);
    let mut coords = vec![f64::NAN; p.model.coords.len()];
    coords[d.states[0].index()] = q;
    coords[d.states[1].index()] = v;
    let point = Point {
        coords,
        row: None,
        normal: vec![],
    };
    let e = exact.at(&point, &mut vec![])[0];
    let truth = v * v / 2.0 + 1.0 - f64::cos(q);
    assert!((e - truth).abs() < 1e-15, "{e} against {truth}");
}

#[test]
fn a_model_without_fitted_derivatives_has_no_dynamics() {
    let why = example("heat.phy").dynamics().unwrap_err();
    assert!(why.contains("states no dynamics"), "{why}");
}

#[test]
fn a_rate_must_read_only_the_state() {
    // `G` reads `dp`, a column no equation gives the rate of.
    let text = "data traj = csv(\"pendulum.csv\")\nnet F(q, p)\nnet G(q, p, dp)\n\
                traj.dq = F on traj\ntraj.dp = G on traj\n";
    let why = program(text).dynamics().unwrap_err();
    assert!(why.contains("`G`, a function of `dp`"), "{why}");
}

#[test]
fn one_rate_per_state() {
    let text = "data traj = csv(\"pendulum.csv\")\nnet F, G (q, p)\n\
                one: traj.dq = F on traj\ntwo: traj.dq = G on traj\n\
                traj.dp = G on traj\n";
    let why = program(text).dynamics().unwrap_err();
    assert!(why.contains("`one` and `two`"), "{why}");
}

#[test]
fn every_state_needs_a_rate() {
    let text = "data traj = csv(\"pendulum.csv\")\nnet F(q, p)\ntraj.dq = F on traj\n";
    let why = program(text).dynamics().unwrap_err();
    assert!(why.contains("`p`"), "{why}");
}
