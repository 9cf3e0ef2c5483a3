//! Multi-scale Fourier feature networks (`multiscale = separate`): each
//! scale's features through the hidden layers on their own. burn's and the
//! JIT's losses equal the reference interpreter's, the JIT's gradient
//! matches differences of its loss, and a run trains them. With
//! `time_scale`, paths of space times paths of time, the same.

mod common;

use common::{close, networks, points, run_dir, train_into};
use physc_compiler::check::DiskFiles;
use physc_compiler::program::LossProgram;
use physc_compiler::program::interp;
use physc_runtime::jit::Jit;
use physc_runtime::program::{Program, Trainable};
use std::path::Path;

/// Wang, Wang and Perdikaris's multi-scale Poisson problem, small.
const MULTISCALE: &str = "
field u(x in [0,1])
pde: u_xx + (2*pi)^2*sin(2*pi*x) + 0.1*(12*pi)^2*sin(12*pi*x) = 0
bc:  u = sin(2*pi*x) + 0.1*sin(12*pi*x)   on x = 0 | x = 1
exact u = sin(2*pi*x) + 0.1*sin(12*pi*x)
net u = mlp(depth = 2, width = 12, fourier = 5, scale = [0.2, 1.6],
  multiscale = separate)
train { adam(lr = 1e-3, steps = 200); points(pde = 64); log_every = 50 }
";

fn program() -> LossProgram {
    let frontend = physc_compiler::check_source(MULTISCALE, Path::new("."), &DiskFiles);
    assert!(!frontend.has_errors(), "{:?}", frontend.checked.diagnostics);
    frontend.loss.expect("trainable")
}

/// burn's loss terms equal the interpreter's at `t`'s weights.
fn burn_agrees(loss: &LossProgram, program: &Program, t: &Trainable) {
    let expected = interp::losses(loss, &t.weights(), &points(program));
    for (b, term) in program.losses(t).into_iter().enumerate() {
        let got = term.into_scalar::<f64>();
        assert!(
            close(got, expected[b], 1e-10),
            "batch {b}: burn {got:e}, interpreter {:e}",
            expected[b]
        );
    }
}

#[test]
fn burn_evaluates_separate_scales_as_the_interpreter() {
    let loss = program();
    assert!(loss.nets[0].embedding.separate);
    let (program, t) = networks(&loss);
    // Each path reads 5 sines and 5 cosines; the last layer both paths.
    assert_eq!(t.nets[0].weight(0).dims(), [10, 12]);
    assert_eq!(t.nets[0].weight(2).dims(), [24, 1]);
    burn_agrees(&loss, &program, &t);
}

/// The JIT's losses equal the interpreter's and its gradient matches
/// differences of its loss, at `loss`'s initial weights with random biases.
fn the_jit_agrees(loss: &LossProgram) {
    let (program, t) = networks(loss);
    let weights = t.weights();
    let mut jit = Jit::<f64>::new(loss, &weights).expect("compiles");
    for (b, batch) in program.batches.iter().enumerate() {
        jit.set_points(loss, b, &batch.points);
    }
    let params = jit.layout.flatten(&weights);
    let expected = interp::losses(loss, &weights, &points(&program));
    let losses = jit.losses(&params);
    for (b, got) in losses.iter().enumerate() {
        assert!(
            close(*got, expected[b], 1e-10),
            "batch {b}: jit {got:e}, interpreter {:e}",
            expected[b]
        );
    }
    let total = |p: &[f64]| -> f64 { jit.losses(p).iter().sum() };
    let gradient = jit.evaluate(&params, &[]).gradient;
    let scale = gradient.iter().fold(0.0f64, |m, v| m.max(v.abs()));
    let n = params.len();
    // The first layer's, the last layer's (every block's part) and biases.
    for k in [0, 7, n / 3, n / 2, n - 14, n - 3, n - 1] {
        let h = 1e-6;
        let (mut up, mut down) = (params.clone(), params.clone());
        up[k] += h;
        down[k] -= h;
        let want = (total(&up) - total(&down)) / (2.0 * h);
        assert!(
            (gradient[k] - want).abs() <= 1e-6 * want.abs().max(1e-3 * scale),
            "parameter {k}: jit {:e}, differences {want:e}",
            gradient[k]
        );
    }
}

#[test]
fn the_jit_evaluates_separate_scales_as_the_interpreter() {
    the_jit_agrees(&program());
}

#[test]
fn a_run_trains_separate_scales() {
    let out = run_dir("multiscale");
    let summary = train_into(MULTISCALE, &out, common::jit(), None);
    let history = std::fs::read_to_string(out.join("history.csv")).expect("a history");
    let totals: Vec<f64> = history
        .lines()
        .skip(1)
        .map(|l| {
            l.split(',')
                .nth(1)
                .expect("a total")
                .parse()
                .expect("a number")
        })
        .collect();
    assert!(summary.finished);
    assert!(
        totals.last() < totals.first(),
        "the loss does not fall: {totals:?}"
    );
    let _ = std::fs::remove_dir_all(&out);
}

/// A wave with paths of x at one scale and of t at two (`time_scale`).
const SPACE_TIME: &str = "
field u(x in [0,1], t in [0,1])
pde:  u_tt = 4*u_xx
bc:   u = 0 on x = 0 | x = 1
ic:   u = sin(pi*x) on t = 0
exact u = sin(pi*x)*cos(2*pi*t)
net u = mlp(depth = 2, width = 10, fourier = 4, scale = 0.5, time_scale = [0.3, 1])
train { adam(lr = 1e-3, steps = 100); points = 48 }
";

#[test]
fn space_times_time_paths_evaluate_as_the_interpreter_on_burn_and_the_jit() {
    let frontend = physc_compiler::check_source(SPACE_TIME, Path::new("."), &DiskFiles);
    assert!(!frontend.has_errors(), "{:?}", frontend.checked.diagnostics);
    let loss = frontend.loss.expect("trainable");
    assert_eq!(loss.nets[0].embedding.joined(), 2);
    let (program, t) = networks(&loss);
    // Three paths of 8 features; x's path times each of t's: 2 x 10 units.
    assert_eq!(t.nets[0].weight(0).dims(), [8, 10]);
    assert_eq!(t.nets[0].weight(2).dims(), [20, 1]);
    burn_agrees(&loss, &program, &t);
    the_jit_agrees(&loss);
}
