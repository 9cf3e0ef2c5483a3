//! `physc tune`: the search of a model's searched constants, end to end on
//! a model that trains in milliseconds.

use std::path::{Path, PathBuf};
use std::process::Command;

fn physc(args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_physc"))
        .args(args)
        .env("NO_COLOR", "1")
        .output()
        .expect("physc runs")
}

/// Exponential decay with its learning rate, width and activation
/// searched, in a fresh directory.
fn decay_model(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("physc-tune-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("a directory");
    let path = dir.join("decay.phy");
    std::fs::write(
        &path,
        "const lr = 1e-2 in log_uniform(1e-4, 5e-2)
const width = 8 in integer(2, 32)
const act = tanh in choice(sin, sigmoid, tanh)
field u(t in [0,1])
ode: u_t = -2*u
ic: u = 1 on t = 0
exact u = exp(-2*t)
net u = mlp(depth = 2, width = width, act = act)
train { adam(lr = lr, steps = 200); points = 64 }
",
    )
    .expect("written");
    path
}

fn tune(path: &Path, extra: &[&str]) -> std::process::Output {
    let mut args = vec!["tune", path.to_str().expect("a path")];
    args.extend(extra);
    let out = physc(&args);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    out
}

/// The rows of `calls.csv`, header first.
fn table(path: &Path) -> Vec<String> {
    let text =
        std::fs::read_to_string(path.with_extension("tune").join("calls.csv")).expect("the table");
    text.lines().map(str::to_string).collect()
}

/// Thirteen calls: the first at the written values, each in its space, a
/// row and a run directory per call, and the best call's model written
/// beside the model, checking clean, better than the first.
#[test]
fn a_search_tries_the_written_point_first_and_writes_the_best() {
    let path = decay_model("search");
    let out = tune(&path, &["--calls", "13", "--minimize", "error"]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    let rows = table(&path);
    assert_eq!(rows[0], "call,lr,width,act,score");
    assert_eq!(rows.len(), 14, "{rows:?}");
    assert!(rows[1].starts_with("1,0.01,8,tanh,"), "{}", rows[1]);
    let mut scores = vec![];
    for row in &rows[1..] {
        let cells: Vec<&str> = row.split(',').collect();
        let lr: f64 = cells[1].parse().expect("a number");
        let width: f64 = cells[2].parse().expect("a number");
        assert!((1e-4..=5e-2).contains(&lr), "{row}");
        assert!(
            width.fract() == 0.0 && (2.0..=32.0).contains(&width),
            "{row}"
        );
        assert!(["sin", "sigmoid", "tanh"].contains(&cells[3]), "{row}");
        scores.push(cells[4].parse::<f64>().expect("a score"));
    }
    let run = path.with_extension("tune").join("call-13");
    assert!(run.join("summary.json").exists() && run.join("model.phy").exists());
    let best = scores.iter().copied().fold(f64::INFINITY, f64::min);
    assert!(
        best < scores[0],
        "no better than the written point: {scores:?}"
    );
    let tuned = path.with_extension("tuned.phy");
    let check = physc(&["check", tuned.to_str().expect("a path")]);
    assert!(
        check.status.success(),
        "{}",
        String::from_utf8_lossy(&check.stderr)
    );
    assert!(stderr.contains(&format!("{best:.3e}")), "{stderr}");
    assert!(
        stderr.contains(&format!("(u error {:.2e})", scores[0])),
        "{stderr}"
    );
    let _ = std::fs::remove_dir_all(path.parent().expect("its directory"));
}

/// A search stopped after four calls and resumed to eleven makes the
/// table a search of eleven makes (the guided calls included).
#[test]
fn a_resumed_search_goes_on_as_it_would_have() {
    let whole = decay_model("whole");
    tune(&whole, &["--calls", "11"]);
    let parts = decay_model("parts");
    tune(&parts, &["--calls", "4"]);
    assert_eq!(table(&parts).len(), 5);
    let resumed = tune(&parts, &["--calls", "11", "--resume"]);
    let stderr = String::from_utf8_lossy(&resumed.stderr);
    assert!(
        stderr.starts_with("call  5/11"),
        "trained again from the start: {stderr}"
    );
    assert_eq!(table(&parts), table(&whole));
    for path in [whole, parts] {
        let _ = std::fs::remove_dir_all(path.parent().expect("its directory"));
    }
}

/// A back end the build lacks stops the search before its first call.
#[test]
fn a_missing_back_end_stops_the_search_at_once() {
    let path = decay_model("no-wgpu");
    let out = physc(&[
        "tune",
        path.to_str().expect("a path"),
        "--calls",
        "3",
        "--backend",
        "wgpu",
    ]);
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("--features wgpu"), "{stderr}");
    assert!(!stderr.contains("call  1/3"), "{stderr}");
    let _ = std::fs::remove_dir_all(path.parent().expect("its directory"));
}

#[test]
fn a_model_that_searches_nothing_is_refused() {
    let out = physc(&[
        "tune",
        concat!(env!("CARGO_MANIFEST_DIR"), "/examples/heat.phy"),
        "--calls",
        "2",
    ]);
    assert_eq!(out.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("searches nothing"), "{stderr}");
}
