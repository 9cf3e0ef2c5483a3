//! Where training starts. Least-squares initialisation (`init =
//! least_squares`): the last layer fits the initial condition on both back
//! ends and leaves every other weight as drawn, the fit holds between its
//! points, a condition that is not linear in the field is refused, and
//! `physc run` fits before its first step. `--start-from DIR`: a run starts
//! from another model's trained networks, and networks of other shapes
//! are refused.

mod common;

use common::{heat, jit, run_dir, train_into};
use physc_compiler::check::DiskFiles;
use physc_compiler::program::sample::Point;
use physc_runtime::backend::{Precision, cpu_device};
use physc_runtime::engine::Engine;
use physc_runtime::flat;
use physc_runtime::init::least_squares;
use physc_runtime::program::{Program, Trainable};
use physc_runtime::run::Options;
use std::path::Path;

/// The program of `text` and its networks as drawn from the seed.
fn drawn(text: &str) -> (Program, Trainable) {
    let frontend = physc_compiler::check_source(text, Path::new("."), &DiskFiles);
    assert!(!frontend.has_errors(), "{:?}", frontend.checked.diagnostics);
    let loss = frontend.loss.expect("trainable");
    let device = cpu_device(0, Precision::F64).expect("a CPU device");
    Program::new(&loss, &device).expect("samples")
}

fn engines(program: &Program, t: &Trainable) -> Vec<(&'static str, Engine)> {
    let jit = Engine::jit(program, t, Precision::F64).expect("the JIT takes it");
    vec![("burn", Engine::Burn), ("jit", jit)]
}

/// The root mean square of u - sin(pi x) at `n` points of t = 0 between
/// the fit's points (a grid the sampler never draws).
fn initial_error(program: &Program, engine: &Engine, t: &Trainable, n: usize) -> f64 {
    let points: Vec<Point> = (0..n)
        .map(|i| Point {
            coords: vec![(i as f64 + 0.37) / n as f64, 0.0],
            row: None,
            normal: vec![],
        })
        .collect();
    let f = program.loss.model.nets[0].outputs[0];
    let u = &engine.predict(program, t, f, &points)[0];
    let squares: f64 = points
        .iter()
        .zip(u)
        .map(|(p, u)| (u - (std::f64::consts::PI * p.coords[0]).sin()).powi(2))
        .sum();
    (squares / n as f64).sqrt()
}

#[test]
fn the_last_layer_fits_the_initial_condition_and_nothing_else_moves() {
    let (program, drawn) = drawn(&heat(
        "net u = pirate_net(depth = 1, width = 16, fourier = 8, init = least_squares)",
    ));
    let last = flat::last_layer(&drawn, 0);
    let before = flat::parameters(&drawn);
    let mut fits = vec![];
    for (name, engine) in engines(&program, &drawn) {
        let drawn_error = initial_error(&program, &engine, &drawn, 97);
        let (fitted, note) = least_squares(&program, &engine, drawn.clone()).expect("fits");
        let note = note.expect("a note of the fit");
        assert!(note.contains("`ic`"), "{note}");
        let error = initial_error(&program, &engine, &fitted, 97);
        // A random draw is off by the initial value itself; 16 Fourier
        // features of x at scale 1 fit one sine period to about 1e-7.
        assert!(drawn_error > 0.1, "{name}: drawn {drawn_error:.1e}");
        assert!(error < 1e-5, "{name}: fitted {error:.1e}");
        let after = flat::parameters(&fitted);
        for (j, (a, b)) in before.iter().zip(&after).enumerate() {
            if !last.contains(&j) {
                assert_eq!(a, b, "{name}: parameter {j} moved");
            }
        }
        fits.push(after[last.clone()].to_vec());
    }
    for (a, b) in fits[0].iter().zip(&fits[1]) {
        assert!(
            (a - b).abs() < 1e-6 * (1.0 + a.abs()),
            "burn {a} against the JIT {b}"
        );
    }
}

#[test]
fn a_plain_network_fits_its_last_layer_too() {
    let (program, drawn) = drawn(&heat(
        "net u = mlp(depth = 2, width = 24, init = least_squares)",
    ));
    let (fitted, _) = least_squares(&program, &Engine::Burn, drawn.clone()).expect("fits");
    let before = initial_error(&program, &Engine::Burn, &drawn, 97);
    let after = initial_error(&program, &Engine::Burn, &fitted, 97);
    assert!(after < before / 100.0, "{before:.1e} to {after:.1e}");
}

/// A network shared by `u` and `v`, with an initial condition of `u`
/// only: `v`'s column of the last layer keeps its draw.
#[test]
fn an_output_no_condition_reads_keeps_its_draw() {
    let (program, drawn) = drawn(
        "field u(x in [0,1], t in [0,1])
field v(x in [0,1], t in [0,1])
pde: u_t = 0.1*u_xx
flux: v = u_x
ic: u = sin(pi*x) on t = 0
net u, v = mlp(depth = 2, width = 8, init = least_squares)",
    );
    let (fitted, _) = least_squares(&program, &Engine::Burn, drawn.clone()).expect("fits");
    let last = flat::last_layer(&drawn, 0);
    let (before, after) = (flat::parameters(&drawn), flat::parameters(&fitted));
    // Weight `[8, 2]` row major, then bias `[2]`: v's are the odd entries.
    let start = last.start;
    for j in last.clone().filter(|j| !(j - start).is_multiple_of(2)) {
        assert_eq!(before[j], after[j], "v's parameter {j}");
    }
    let mut u_column = last.filter(|j| (j - start).is_multiple_of(2));
    assert!(u_column.all(|j| before[j] != after[j]), "u's column fitted");
}

#[test]
fn a_condition_not_linear_in_the_field_is_refused() {
    let (program, drawn) = drawn(
        &heat("net u = mlp(depth = 2, width = 8, init = least_squares)")
            .replace("ic:  u = sin(pi*x) ", "ic:  u*u = sin(pi*x)^2"),
    );
    let refused = least_squares(&program, &Engine::Burn, drawn).err();
    let why = refused.expect("refused");
    assert!(why.contains("`ic` is not linear"), "{why}");
}

#[test]
fn a_run_fits_before_its_first_step() {
    let out = run_dir("init-run");
    let model = heat(
        "net u = pirate_net(depth = 1, width = 16, fourier = 8, init = least_squares)\n\
         train { adam(steps = 1) }",
    );
    let summary = train_into(&model, &out, jit(), None);
    assert!(
        summary
            .notes
            .iter()
            .any(|n| n.contains("fitted by least squares")),
        "{:?}",
        summary.notes
    );
    // One Adam step from the fit: u at t = 0 is still close to sin(pi x).
    let ic = summary.losses.iter().find(|(l, _)| l == "ic").expect("ic");
    assert!(ic.1 < 1e-4, "{:?}", summary.losses);
    std::fs::remove_dir_all(&out).ok();
}

#[test]
fn a_run_starts_from_the_networks_of_another() {
    let first = run_dir("start-first");
    let net = "net u = mlp(depth = 2, width = 16)\n";
    let trained = train_into(
        &heat(&format!(
            "{net}train {{ adam(steps = 300); bfgs(steps = 300) }}"
        )),
        &first,
        jit(),
        None,
    );
    assert!(trained.total_loss < 1e-4, "{}", trained.total_loss);
    // Another model (more points): its checkpoint could not be resumed,
    // but its networks can start the run.
    let other = heat(&format!("{net}train {{ adam(steps = 1); points = 1500 }}"));
    let second = run_dir("start-second");
    let started = Options {
        start_from: Some(first.clone()),
        ..jit()
    };
    let summary = train_into(&other, &second, started, None);
    assert!(summary.total_loss < 1e-3, "{}", summary.total_loss);
    assert!(
        summary
            .notes
            .iter()
            .any(|n| n.contains("started from the networks")),
        "{:?}",
        summary.notes
    );
    let fresh = train_into(&other, &second, jit(), None);
    assert!(fresh.total_loss > 1e-2, "{}", fresh.total_loss);
    // Other shapes are refused, with the reason.
    let wider = heat("net u = mlp(depth = 2, width = 24)\ntrain { adam(steps = 1) }");
    let frontend = physc_compiler::check_source(&wider, Path::new("."), &DiskFiles);
    let loss = frontend.loss.expect("trainable");
    let refused = physc_runtime::run::run(
        &loss,
        &second,
        Options {
            start_from: Some(first.clone()),
            ..jit()
        },
        |_| {},
        &std::sync::atomic::AtomicBool::new(false),
    );
    let why = refused.expect_err("refused");
    assert!(why.contains("do not have this model's shapes"), "{why}");
    for dir in [first, second] {
        std::fs::remove_dir_all(dir).ok();
    }
}
