//! `physc simulate` from the command line: what it writes, and its errors;
//! and `physc eval` of a learned function.

use std::path::{Path, PathBuf};
use std::process::Command;

fn physc(args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_physc"))
        .args(args)
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .env("NO_COLOR", "1")
        .output()
        .expect("physc runs")
}

fn stderr(out: &std::process::Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

/// A Hamiltonian network of the pendulum on a tiny budget, trained into
/// a fresh directory; the model's path.
fn trained_hnn(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("physc-simulate-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("a directory");
    let data = Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/pendulum.csv");
    let model = dir.join("hnn.phy");
    std::fs::write(
        &model,
        format!(
            "data traj = csv({data:?})\n\
             net H(q, p) = mlp(depth = 1, width = 8, act = tanh)\n\
             exact H = p^2/2 + (1 - cos(q))\n\
             traj.dq = d(H, p) on traj\n\
             traj.dp = -d(H, q) on traj\n\
             train {{ adam(lr = 1e-2, steps = 20) }}\n"
        ),
    )
    .expect("written");
    let out = physc(&["run", model.to_str().expect("a path"), "--quiet"]);
    assert!(out.status.success(), "{}", stderr(&out));
    model
}

#[test]
fn simulate_writes_the_trajectory_and_its_plots() {
    let model = trained_hnn("writes");
    let dir = model.parent().expect("a directory");
    let csv = dir.join("orbit.csv");
    let out = physc(&[
        "simulate",
        model.to_str().expect("a path"),
        "--initial",
        "q=1, p=0",
        "--t",
        "0..2",
        "--dt",
        "0.5",
        "-o",
        csv.to_str().expect("a path"),
    ]);
    assert!(out.status.success(), "{}", stderr(&out));
    let text = std::fs::read_to_string(&csv).expect("the trajectory");
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines[0], "t,q,p,H,H_exact");
    assert_eq!(lines.len(), 1 + 5, "{text}");
    assert!(lines[1].starts_with("0,1,0,"), "{text}");
    assert!(lines[5].starts_with("2,"), "{text}");
    for plot in ["orbit_states.png", "orbit_phase.png", "orbit_energy.png"] {
        assert!(dir.join(plot).exists(), "{plot} missing");
    }
    let said = stderr(&out);
    assert!(said.contains("4 steps of implicit midpoint"), "{said}");
    assert!(said.contains("H_exact: largest drift"), "{said}");
    let _ = std::fs::remove_dir_all(dir);
}

#[test]
fn simulate_names_what_is_wrong_with_the_request() {
    let model = trained_hnn("errors");
    let model = model.to_str().expect("a path");
    let cases: [(&[&str], &str); 5] = [
        (
            &["--initial", "q=1"],
            "--initial lacks p (the model's state is q, p)",
        ),
        (
            &["--initial", "q=1,p=0,r=2"],
            "`r` is not a state variable of the model (its state is q, p)",
        ),
        (
            &["--initial", "q=1,p=0", "--t", "5..1"],
            "the time span 5..1 is empty",
        ),
        (
            &["--initial", "q=1,p=0", "--dt", "0"],
            "--dt must be positive",
        ),
        (
            &["--initial", "q=1,p=0", "--run", "/nonexistent"],
            "no checkpoint",
        ),
    ];
    for (args, expected) in cases {
        let mut all = vec!["simulate", model];
        all.extend_from_slice(args);
        let out = physc(&all);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {}", stderr(&out));
        assert!(
            stderr(&out).contains(expected),
            "{args:?}: {}",
            stderr(&out)
        );
    }
    let out = physc(&["simulate", model, "--initial", "q=one"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("`one` is not a number"),
        "{}",
        stderr(&out)
    );
    let _ = std::fs::remove_dir_all(Path::new(model).parent().expect("a directory"));
}

#[test]
fn a_model_without_dynamics_is_status_1() {
    let out = physc(&["simulate", "examples/heat.phy", "--initial", "x=0"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr(&out).contains("the model states no dynamics"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn eval_values_a_learned_function_at_its_arguments() {
    let model = trained_hnn("eval");
    let dir = model.parent().expect("a directory");
    let points = dir.join("states.csv");
    std::fs::write(&points, "q,p\n0,0\n1,0.5\n").expect("written");
    let out = dir.join("values.csv");
    let model = model.to_str().expect("a path");
    let result = physc(&[
        "eval",
        model,
        "--points",
        points.to_str().expect("a path"),
        "-o",
        out.to_str().expect("a path"),
    ]);
    assert!(result.status.success(), "{}", stderr(&result));
    let text = std::fs::read_to_string(&out).expect("the values");
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines[0], "q,p,H");
    assert_eq!(lines.len(), 3);
    // Two states give two finite, different values of the learned H.
    let h: Vec<f64> = lines[1..]
        .iter()
        .map(|l| l.rsplit(',').next().expect("H").parse().expect("a number"))
        .collect();
    assert!(h.iter().all(|v| v.is_finite()) && h[0] != h[1], "{text}");
    // The same H as the simulation reports at that state (the interpreter's).
    let trajectory = dir.join("from_there.csv");
    let result = physc(&[
        "simulate",
        model,
        "--initial",
        "q=1,p=0.5",
        "--t",
        "0..0.1",
        "--dt",
        "0.1",
        "-o",
        trajectory.to_str().expect("a path"),
    ]);
    assert!(result.status.success(), "{}", stderr(&result));
    let first = std::fs::read_to_string(&trajectory).expect("the trajectory");
    let simulated: f64 = first
        .lines()
        .nth(1)
        .expect("t = 0")
        .split(',')
        .nth(3)
        .expect("H")
        .parse()
        .expect("a number");
    assert!(
        (simulated - h[1]).abs() < 1e-12,
        "eval {} against simulate {simulated}",
        h[1]
    );
    // Without its arguments' columns nothing can be valued.
    std::fs::write(&points, "x\n0\n").expect("written");
    let result = physc(&[
        "eval",
        model,
        "--points",
        points.to_str().expect("a path"),
        "-o",
        out.to_str().expect("a path"),
    ]);
    assert_eq!(result.status.code(), Some(2));
    assert!(
        stderr(&result).contains("lacks the columns q, p (its learned functions take q, p)"),
        "{}",
        stderr(&result)
    );
    let _ = std::fs::remove_dir_all(dir);
}
