//! A neural ODE: the damped pendulum's example, on its trajectories cut to
//! t in [0, 3] and a small budget, learns a vector field whose integration
//! from a state it never saw follows the true trajectory. Only a loss
//! whose gradient flows back through every Runge-Kutta stage trains it:
//! the rates are never observed.

mod common;

use common::{grey_box, run_dir, train_into};
use physc_compiler::check::DiskFiles;
use physc_runtime::backend::Backend;
use physc_runtime::run::Options;
use physc_runtime::simulate::{Method, Options as Simulation, simulate};
use std::path::Path;

const EXAMPLES: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../examples");
const END: f64 = 3.0;

/// The rows of an example's data set with `t <= END`: `[t, q, p]`.
fn rows(file: &str) -> Vec<Vec<f64>> {
    let text = std::fs::read_to_string(format!("{EXAMPLES}/{file}")).expect("the data");
    text.lines()
        .skip(1)
        .map(|l| l.split(',').map(|v| v.parse().expect("a number")).collect())
        .filter(|r: &Vec<f64>| r[0] <= END + 1e-9)
        .collect()
}

/// The example on the shortened trajectories (written under `out`) with a
/// small budget.
fn shortened(out: &Path) -> String {
    std::fs::create_dir_all(out).expect("a run directory");
    let lines: Vec<String> = rows("damped_pendulum.csv")
        .iter()
        .map(|r| format!("{},{},{}", r[0], r[1], r[2]))
        .collect();
    let path = out.join("runs.csv");
    std::fs::write(&path, format!("t,q,p\n{}\n", lines.join("\n"))).expect("written");
    let text = std::fs::read_to_string(format!("{EXAMPLES}/damped_pendulum_ode.phy"))
        .expect("the example");
    let reduced = text
        .replace("csv(\"damped_pendulum.csv\")", &format!("csv({path:?})"))
        .replace(
            "adam(lr = 3e-3, steps = 1000); lbfgs(steps = 300)",
            "adam(lr = 1e-2, steps = 400); lbfgs(steps = 200)",
        );
    assert!(reduced.contains("steps = 200) }"), "the example changed");
    reduced
}

#[test]
fn a_neural_ode_predicts_a_trajectory_it_never_saw() {
    let out = run_dir("neural-ode");
    let text = shortened(&out);
    let clock = std::time::Instant::now();
    let options = Options {
        backend: Backend::Jit,
        ..Options::default()
    };
    let summary = train_into(&text, &out, options, None);
    eprintln!("trained in {:.1} s", clock.elapsed().as_secs_f64());
    assert!(
        summary.notes.iter().any(|n| n.contains("`ode`")),
        "an `ode` fit trains on burn, saying so: {:?}",
        summary.notes
    );
    let frontend = physc_compiler::check_source(&text, Path::new("."), &DiskFiles);
    let loss = frontend.loss.expect("trainable");
    // The first held-out trajectory: up to where `t` starts again.
    let mut held_out = rows("damped_pendulum_heldout.csv");
    let next = (1..held_out.len()).find(|&k| held_out[k][0] <= held_out[k - 1][0]);
    held_out.truncate(next.unwrap_or(held_out.len()));
    let options = Simulation {
        initial: vec![("q".into(), held_out[0][1]), ("p".into(), held_out[0][2])],
        start: 0.0,
        end: END,
        dt: 0.1,
        method: Method::Auto,
    };
    let learned = loss.dynamics().expect("an `ode` system is dynamics");
    let trajectory = simulate(&loss, &learned, &out, &options, &mut |_, _| {}).expect("integrates");
    let _ = std::fs::remove_dir_all(&out);
    assert_eq!(trajectory.states.len(), held_out.len());
    let (mut error, mut norm, mut still) = (0.0, 0.0, 0.0);
    for (state, row) in trajectory.states.iter().zip(&held_out) {
        for k in 0..2 {
            error += (state[k] - row[k + 1]).powi(2);
            still += (held_out[0][k + 1] - row[k + 1]).powi(2);
            norm += row[k + 1].powi(2);
        }
    }
    let (error, still) = ((error / norm).sqrt(), (still / norm).sqrt());
    eprintln!("held-out trajectory: relative L2 error {error:.2e} (standing still: {still:.2e})");
    assert!(error < 2e-2, "relative L2 error {error}");
}

/// The rate constant classical RK4 needs to reproduce `exp(-k t)` at
/// `t = h` in `steps` steps: the root of `R(-k' h / steps)^steps =
/// exp(-k h)`, `R(z) = 1 + z + z^2/2 + z^3/6 + z^4/24` (Newton's method).
fn rk4_rate(k: f64, h: f64, steps: i32) -> f64 {
    let r = |z: f64| 1.0 + z + z * z / 2.0 + z.powi(3) / 6.0 + z.powi(4) / 24.0;
    let dr = |z: f64| 1.0 + z + z * z / 2.0 + z.powi(3) / 6.0;
    let target = (-k * h).exp().powf(1.0 / steps as f64);
    let mut rate = k;
    for _ in 0..50 {
        let z = -rate * h / steps as f64;
        rate += (r(z) - target) / (dr(z) * h / steps as f64);
    }
    rate
}

/// A grey-box model, `ode runs.y_t = -k*y` with `learn k`, fitted to
/// samples of `exp(-t/2)` every 0.5: the learned `k` is the one for which
/// RK4 with `ode_steps` steps per interval reproduces the data, to 1e-7
/// (where the optimiser stops: the loss is 5e-16 there), 200 times finer
/// than RK4's bias with one step; so the loss integrates by exactly that
/// method and step.
#[test]
fn a_learned_rate_constant_is_the_one_rk4_needs() {
    let out = run_dir("grey-box");
    for steps in [1, 8] {
        let text = grey_box(
            &out,
            &format!("ode_steps = {steps}; adam(lr = 1e-2, steps = 300); lbfgs(steps = 100)"),
        );
        let summary = train_into(
            &text,
            &out.join(format!("run{steps}")),
            Options::default(),
            None,
        );
        let k = summary.learned.iter().find(|(n, _)| n == "k").expect("k").1;
        let expected = rk4_rate(0.5, 0.5, steps);
        eprintln!("{steps} steps: k = {k:.12}, RK4 needs {expected:.12}");
        assert!(
            (k - expected).abs() < 1e-7,
            "{steps} steps: k = {k}, RK4 needs {expected}"
        );
    }
    // One step per interval is biased by RK4's error, 2e-5 here.
    assert!((rk4_rate(0.5, 0.5, 1) - 0.5).abs() > 1e-5);
    let _ = std::fs::remove_dir_all(&out);
}
