//! Learned dynamics, trained on a small budget and integrated by `physc
//! simulate` over about eight periods of the pendulum from q = 1 at rest:
//! the Hamiltonian and Lagrangian networks keep the true energy, the plain
//! network that fits the time derivatives directly lets it drift.

mod common;

use common::{run_dir, train_into};
use physc_compiler::check::DiskFiles;
use physc_runtime::run::Options;
use physc_runtime::simulate::{Method, Options as Simulation, Trajectory, simulate};
use std::path::Path;

/// The example with a smaller network and budget, fitted to every third
/// row of its data (written under `out`).
fn reduced(name: &str, out: &Path) -> String {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/../examples");
    let text = std::fs::read_to_string(format!("{dir}/{name}.phy")).expect("the example");
    let data = text
        .split("csv(\"")
        .nth(1)
        .and_then(|rest| rest.split('"').next())
        .expect("a data file");
    let rows = std::fs::read_to_string(format!("{dir}/{data}")).expect("the data");
    let thinned: Vec<&str> = rows
        .lines()
        .enumerate()
        .filter(|(k, _)| *k == 0 || k % 3 == 1)
        .map(|(_, line)| line)
        .collect();
    std::fs::create_dir_all(out).expect("a run directory");
    let path = out.join(data);
    std::fs::write(&path, thinned.join("\n")).expect("written");
    let reduced = text
        .replace(&format!("csv(\"{data}\")"), &format!("csv({path:?})"))
        .replace(
            "mlp(depth = 3, width = 64, act = tanh)",
            "mlp(depth = 2, width = 32, act = tanh)",
        )
        .replace(
            "adam(lr = 1e-3, steps = 3000); lbfgs(steps = 1000)",
            "adam(lr = 3e-3, steps = 1500)",
        );
    assert!(
        reduced.contains("width = 32") && reduced.contains("steps = 1500) }"),
        "{name} changed"
    );
    reduced
}

/// Trains the reduced example and integrates it from `initial` over
/// [0, 50].
fn trajectory(name: &str, initial: [(&str, f64); 2], method: Method) -> Trajectory {
    let out = run_dir(&format!("simulate-{name}"));
    let text = reduced(name, &out);
    let clock = std::time::Instant::now();
    train_into(&text, &out, Options::default(), None);
    eprintln!("{name}: trained in {:.1} s", clock.elapsed().as_secs_f64());
    let clock = std::time::Instant::now();
    let frontend = physc_compiler::check_source(&text, Path::new("."), &DiskFiles);
    let loss = frontend.loss.expect("trainable");
    let options = Simulation {
        initial: initial.iter().map(|(n, v)| (n.to_string(), *v)).collect(),
        start: 0.0,
        end: 50.0,
        dt: 0.05,
        method,
    };
    let learned = loss.dynamics().expect("dynamics");
    let trajectory = simulate(&loss, &learned, &out, &options, &mut |_, _| {}).expect("integrates");
    eprintln!(
        "{name}: simulated in {:.1} s",
        clock.elapsed().as_secs_f64()
    );
    let _ = std::fs::remove_dir_all(&out);
    trajectory
}

/// The largest change of the pendulum's true energy, relative.
fn true_drift(t: &Trajectory) -> f64 {
    let energy = |s: &[f64]| s[1] * s[1] / 2.0 + 1.0 - s[0].cos();
    let e0 = energy(&t.states[0]);
    t.states
        .iter()
        .map(|s| (energy(s) - e0).abs() / e0)
        .fold(0.0, f64::max)
}

fn drift_of(t: &Trajectory, name: &str) -> f64 {
    t.drifts()
        .into_iter()
        .find(|(n, _)| n == name)
        .unwrap_or_else(|| panic!("no energy {name}"))
        .1
}

#[test]
fn learned_dynamics_keep_or_lose_the_energy_as_their_structure_says() {
    let hnn = trajectory("pendulum_hnn", [("q", 1.0), ("p", 0.0)], Method::Auto);
    let lnn = trajectory("pendulum_lnn", [("q", 1.0), ("q_t", 0.0)], Method::Auto);
    let plain = trajectory("pendulum_plain", [("q", 1.0), ("p", 0.0)], Method::Auto);
    let (h, l, p) = (true_drift(&hnn), true_drift(&lnn), true_drift(&plain));
    eprintln!("true energy drift: HNN {h:.2e}, LNN {l:.2e}, plain {p:.2e}");
    eprintln!(
        "learned energy drift: HNN {:.2e}, LNN {:.2e}",
        drift_of(&hnn, "H"),
        drift_of(&lnn, "energy_L")
    );
    assert_eq!(hnn.method, Method::Midpoint);
    assert_eq!(lnn.method, Method::DormandPrince);
    // The energy the model reports is the pendulum's.
    assert!((drift_of(&hnn, "H_exact") - h).abs() < 1e-12);
    assert!((drift_of(&lnn, "energy_L_exact") - l).abs() < 1e-12);
    assert!(h < 0.02, "HNN: the true energy drifts by {h}");
    assert!(l < 0.02, "LNN: the true energy drifts by {l}");
    assert!(p > 2.0 * h.max(l), "plain {p} against HNN {h} and LNN {l}");
}
