//! Time marching (`windows = n`): windows trained in turn, each from the
//! previous one's end state, stitched into one solution.

mod common;

use common::{heat, jit, run_dir, train_into};
use physc_compiler::check::DiskFiles;
use physc_runtime::run::{Options, run};
use std::path::Path;
use std::sync::atomic::{AtomicBool, Ordering};

/// Heat over three windows of time. Each window after the first starts
/// from the previous window's state at their shared time (u has decayed to
/// 72% and 52% of its start there), so a window that restarted from the
/// model's own initial condition would be tens of percent off. The
/// stitched field, every window, and `physc eval` at times in each window
/// match the closed form.
#[test]
fn marching_carries_the_state_from_window_to_window() {
    let model = heat(
        "net u = mlp(depth = 3, width = 16, act = tanh)
train { adam(lr = 1e-3, steps = 300); bfgs(steps = 300); windows = 3; points = 500 }",
    );
    let out = run_dir("march-heat");
    let summary = train_into(&model, &out, jit(), None);
    let error = summary.rel_l2[0].1;
    eprintln!("marched heat: relative L2 error {error:.2e}");
    assert!(error < 2e-4, "stitched error {error:.2e}");
    assert_eq!(summary.windows.len(), 3);
    for ((from, to), w) in &summary.windows {
        assert!(
            w.rel_l2[0].1 < 1e-3,
            "window [{from}, {to}]: {:?}",
            w.rel_l2
        );
    }
    assert_eq!(summary.windows[1].0, (1.0 / 3.0, 2.0 / 3.0));
    assert_eq!(summary.steps, 3 * 600);
    // The windows' histories one after another, each window's start marked.
    let history = std::fs::read_to_string(out.join("history.csv")).expect("history");
    let last = history.lines().last().expect("a row");
    assert!(last.starts_with("1800,"), "{last}");
    for k in 1..=3 {
        assert!(history.contains(&format!("window {k} starts")), "{history}");
    }
    for file in [
        "u.csv",
        "u.png",
        "history.csv",
        "loss.png",
        "window3/checkpoint.bin",
    ] {
        assert!(out.join(file).exists(), "{file}");
    }
    // `physc eval` takes each point from its window's networks.
    let frontend = physc_compiler::check_source(&model, Path::new("."), &DiskFiles);
    let loss = frontend.loss.as_ref().expect("trainable");
    let points = out.join("points.csv");
    std::fs::write(&points, "x,t\n0.5,0.1\n0.5,0.5\n0.25,0.9\n").expect("writes points");
    let values = out.join("values.csv");
    physc_runtime::eval::eval(loss, &out, &points, &values, true).expect("evaluates");
    let text = std::fs::read_to_string(&values).expect("values");
    let exact = |x: f64, t: f64| {
        (-0.1 * std::f64::consts::PI.powi(2) * t).exp() * (std::f64::consts::PI * x).sin()
    };
    for (line, (x, t)) in text
        .lines()
        .skip(1)
        .zip([(0.5, 0.1), (0.5, 0.5), (0.25, 0.9)])
    {
        let u: f64 = line
            .split(',')
            .nth(2)
            .expect("u")
            .parse()
            .expect("a number");
        assert!(
            (u - exact(x, t)).abs() < 1e-3,
            "u({x}, {t}) = {u}, exact {}",
            exact(x, t)
        );
    }
    let _ = std::fs::remove_dir_all(&out);
}

/// An oscillator `u'' = -4u` from rest at 1, over two windows: the second
/// window's state at its start is the first window's value and velocity,
/// both carried (with the value alone, the second window's problem would
/// have a whole line of solutions).
#[test]
fn marching_carries_derivatives_too() {
    let model = "field u(t in [0,3])
ode:  u_tt = -4*u
ic:   u = 1     on t = 0
rest: u_t = 0   on t = 0
exact u = cos(2*t)
net u = mlp(depth = 2, width = 16, act = tanh)
train { adam(lr = 1e-2, steps = 500); bfgs(steps = 300); windows = 2; points = 200 }";
    let out = run_dir("march-oscillator");
    let summary = train_into(model, &out, jit(), None);
    let error = summary.rel_l2[0].1;
    eprintln!("marched oscillator: relative L2 error {error:.2e}");
    assert!(error < 1e-3, "stitched error {error:.2e}");
    let _ = std::fs::remove_dir_all(&out);
}

/// A marched run interrupted in its second window and resumed ends
/// exactly where the uninterrupted run ends: the first window is rebuilt
/// from its checkpoint, the second goes on from its own. Resuming where
/// no window has a checkpoint is an error.
#[test]
fn an_interrupted_march_resumes_where_it_stopped() {
    let model = common::DECAY.replace("resample = 25 }", "resample = 25; windows = 2 }");
    let whole_dir = run_dir("march-whole");
    let whole = train_into(&model, &whole_dir, Options::default(), None);
    let parts_dir = run_dir("march-parts");
    let frontend = physc_compiler::check_source(&model, Path::new("."), &DiskFiles);
    let loss = frontend.loss.as_ref().expect("trainable");
    let interrupt = AtomicBool::new(false);
    let stopped = run(
        loss,
        &parts_dir,
        Options::default(),
        |p| {
            if p.stage.starts_with("window 2/2") && p.step == 30 {
                interrupt.store(true, Ordering::Relaxed);
            }
        },
        &interrupt,
    )
    .expect("runs");
    assert!(!stopped.finished);
    assert!(
        stopped.notes.iter().any(|n| n.contains("window 2 of 2")),
        "{:?}",
        stopped.notes
    );
    let resume = Options {
        resume: true,
        ..Options::default()
    };
    let empty = run_dir("march-empty");
    let error =
        run(loss, &empty, resume.clone(), |_| {}, &interrupt).expect_err("nothing to resume");
    assert!(error.contains("no checkpoint"), "{error}");
    let resumed = train_into(&model, &parts_dir, resume, None);
    assert!(resumed.finished);
    let history = |dir: &Path| std::fs::read_to_string(dir.join("history.csv")).expect("history");
    assert_eq!(history(&parts_dir), history(&whole_dir));
    assert_eq!(resumed.total_loss, whole.total_loss);
    assert_eq!(resumed.rel_l2, whole.rel_l2);
    let _ = std::fs::remove_dir_all(&whole_dir);
    let _ = std::fs::remove_dir_all(&parts_dir);
}
