//! Symmetries and conservation laws in training: a finite group or an
//! antiperiodicity built in holds to round-off whatever the weights, and
//! picks the solution of an equation that alone does not fix it; a soft
//! symmetry does the same approximately; a conservation law is trained and
//! its drift reported.

mod common;

use common::{networks, run_dir, train_into};
use physc_compiler::check::DiskFiles;
use physc_compiler::model::FuncId;
use physc_compiler::program::geometry::Rng;
use physc_compiler::program::sample::Point;
use physc_runtime::backend::Backend;
use physc_runtime::report::Summary;
use physc_runtime::run::Options;
use std::path::Path;

/// Trains `text` on `backend` and returns its summary; the JIT back end
/// compiles every model here (it does not fall back to burn).
fn trained(text: &str, name: &str, backend: Backend) -> Summary {
    let out = run_dir(&format!("symmetry-{name}-{backend:?}"));
    let options = Options {
        backend,
        ..Options::default()
    };
    let summary = train_into(text, &out, options, None);
    let _ = std::fs::remove_dir_all(&out);
    assert!(summary.notes.is_empty(), "{backend:?}: {:?}", summary.notes);
    summary
}

const BACKENDS: [Backend; 2] = [Backend::Jit, Backend::Cpu];

/// `max |u(g p) - (s u(p) + c)|` over random points `p` of `[-1, 1]^n`,
/// on networks at random weights: `map` gives `g p`, `rho` is `(s, c)`.
fn violation(text: &str, n: usize, map: fn(&[f64]) -> Vec<f64>, rho: (f64, f64)) -> f64 {
    let frontend = physc_compiler::check_source(text, Path::new("."), &DiskFiles);
    let loss = frontend.loss.expect("trainable");
    let (program, t) = networks(&loss);
    let mut rng = Rng::new(3);
    let here: Vec<Point> = (0..64)
        .map(|_| Point {
            coords: (0..n).map(|_| rng.range(-1.0, 1.0)).collect(),
            row: None,
            normal: vec![],
        })
        .collect();
    let there: Vec<Point> = here
        .iter()
        .map(|p| Point {
            coords: map(&p.coords),
            ..p.clone()
        })
        .collect();
    let u = FuncId(0);
    let (a, b) = (
        program.predict(&t, u, &here),
        program.predict(&t, u, &there),
    );
    a[0].iter()
        .zip(&b[0])
        .map(|(a, b)| (b - (rho.0 * a + rho.1)).abs())
        .fold(0.0, f64::max)
}

/// Built in, a symmetry holds to round-off at any weights; as a penalty,
/// only where training made it hold.
#[test]
fn symmetries_built_in_hold_to_round_off_at_any_weights() {
    let flip: fn(&[f64]) -> Vec<f64> = |p| vec![-p[0], p[1]];
    let shift: fn(&[f64]) -> Vec<f64> = |p| vec![p[0] + 1.0, p[1]];
    let turn: fn(&[f64]) -> Vec<f64> = |p| vec![-p[1], p[0]];
    let field = "field u(x in [-1,1], t in [-1,1])\npde: u_t = u_xx\n";
    let square = "field u(x in [-1,1], y in [-1,1])\npde: u_xx + u_yy = 1\n";
    let third: fn(&[f64]) -> Vec<f64> = |p| {
        let (c, s) = (-0.5, 3f64.sqrt() / 2.0);
        vec![c * p[0] - s * p[1], s * p[0] + c * p[1]]
    };
    let disk = "region plate = disk((0,0), 1)\nfield u((x, y) in plate)\npde: u_xx + u_yy = 1\n";
    type Case = (String, fn(&[f64]) -> Vec<f64>, (f64, f64), bool);
    let cases: [Case; 7] = [
        (
            format!("{disk}symmetry u(-x/2 - sqrt(3)/2*y, sqrt(3)/2*x - y/2) = u(x, y)"),
            third,
            (1.0, 0.0),
            true,
        ),
        (
            format!("{field}symmetry u(-x, t) = -u(x, t)"),
            flip,
            (-1.0, 0.0),
            true,
        ),
        (
            format!("{field}symmetry u(x + 1, t) = -u(x, t)"),
            shift,
            (-1.0, 0.0),
            true,
        ),
        (
            format!("{field}symmetry u(-x, t) = 1 - u(x, t)"),
            flip,
            (-1.0, 1.0),
            true,
        ),
        (
            format!("{square}symmetry u(-y, x) = u(x, y)\nsymmetry u(-x, y) = u(x, y)"),
            turn,
            (1.0, 0.0),
            true,
        ),
        (
            format!("{square}symmetry u(-y, x) = u(x, y)\nsymmetry u(-x, y) = u(x, y)"),
            flip,
            (1.0, 0.0),
            true,
        ),
        (
            format!("{field}soft symmetry u(-x, t) = -u(x, t)"),
            flip,
            (-1.0, 0.0),
            false,
        ),
    ];
    for (text, map, rho, exact) in cases {
        let broken = violation(&text, 2, map, rho);
        match exact {
            true => assert!(broken < 1e-12, "{text}: off by {broken:e}"),
            false => assert!(broken > 1e-3, "{text}: holds untrained ({broken:e})"),
        }
    }
}

/// `u'' = -pi^2 sin(pi x)` on [-1, 1] with `u(±1) = 0`, odd by
/// construction, trains to `sin(pi x)`.
#[test]
fn an_odd_field_built_in_trains() {
    for backend in BACKENDS {
        let summary = trained(
            "field u(x in [-1,1])
pde: u_xx = -pi^2*sin(pi*x)
bc:  u = 0   on x = -1 | x = 1
symmetry u(-x) = -u(x)
exact u = sin(pi*x)
net u = mlp(depth = 2, width = 16)
train { adam(lr = 1e-2, steps = 300); lbfgs(steps = 100); points = 100 }",
            "odd",
            backend,
        );
        let (_, error) = summary.rel_l2[0];
        eprintln!("odd on {backend:?}: relative L2 error {error:.2e}");
        assert!(error < 1e-3, "{backend:?}: relative L2 error {error}");
    }
}

/// The same equation on [0, 2] without boundary conditions has the
/// solutions `sin(pi x) + a x + b`; the antiperiodicity `u(x + 1) = -u(x)`
/// leaves only `sin(pi x)`. Built in, it holds to round-off; as a soft
/// symmetry, it is a loss term that picks the same solution, approximately
/// (a penalty traded against the equation on the same budget).
#[test]
fn an_antiperiodicity_picks_the_solution_built_in_or_soft() {
    for (symmetry, tolerance) in [
        ("symmetry u(x + 1) = -u(x)", 1e-3),
        ("soft symmetry u(x + 1) = -u(x)", 5e-2),
    ] {
        for backend in BACKENDS {
            let summary = trained(
                &format!(
                    "field u(x in [0,2])
pde: u_xx = -pi^2*sin(pi*x)
{symmetry}
exact u = sin(pi*x)
net u = mlp(depth = 2, width = 16)
train {{ adam(lr = 1e-2, steps = 300); lbfgs(steps = 100); points = 100 }}"
                ),
                "antiperiodic",
                backend,
            );
            let (_, error) = summary.rel_l2[0];
            eprintln!("{symmetry} on {backend:?}: relative L2 error {error:.2e}");
            assert!(error < tolerance, "{symmetry} on {backend:?}: {error}");
            let terms: Vec<&str> = summary.losses.iter().map(|(l, _)| l.as_str()).collect();
            match symmetry.starts_with("soft") {
                true => assert_eq!(terms, ["pde", "soft_symmetry"]),
                false => assert_eq!(terms, ["pde"], "built in, it leaves the loss"),
            }
        }
    }
}

/// Heat on [0, 1] with no boundary conditions: the flux through the ends
/// is free, so only the conservation law keeps the total heat. Trained
/// with it, the reported drift is small; with its loss term weighted away,
/// on the same budget, it is larger.
#[test]
fn a_conservation_law_trains_and_its_drift_is_reported() {
    for backend in BACKENDS {
        let drift = |weight: &str| {
            let summary = trained(
                &format!(
                    "field u(x in [0,1], t in [0,1])
pde: u_t = 0.1*u_xx
ic:  u = 1 + cos(pi*x)   on t = 0
conserve integral(u, x)
net u = mlp(depth = 2, width = 16)
train {{ adam(lr = 1e-2, steps = 300); points = 200; weights(conservation = {weight}) }}"
                ),
                "conserve",
                backend,
            );
            assert_eq!(summary.conserved[0].0, "conservation");
            summary.conserved[0].1
        };
        let (with, without) = (drift("1"), drift("1e-12"));
        eprintln!("conserved on {backend:?}: drift {with:.1e}, weighted away {without:.1e}");
        assert!(with < 5e-3, "{backend:?}: drift {with}");
        assert!(
            without > with,
            "{backend:?}: weighted away, {without} is not above {with}"
        );
    }
}
