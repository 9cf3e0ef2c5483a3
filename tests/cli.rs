//! The `physc` command line: exit status, output formats, several files.

use std::process::Command;

fn physc(args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_physc"))
        .args(args)
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .env("NO_COLOR", "1")
        .output()
        .expect("physc runs")
}

#[test]
fn check_of_a_clean_example_succeeds() {
    let out = physc(&["check", "examples/burgers.phy"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(String::from_utf8_lossy(&out.stderr).contains("examples/burgers.phy: ok"));
}

/// What training would refuse is reported by `check` too: a model that
/// checks clean trains.
#[test]
fn check_reports_what_training_refuses() {
    let out = physc(&["check", "tests/ui/untrainable_hard.phy"]);
    assert_eq!(out.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("E0601"), "{stderr}");
}

#[test]
fn check_fails_with_status_1_and_reports_every_file() {
    let out = physc(&[
        "check",
        "examples/heat.phy",
        "tests/ui/unknown_name.phy",
        "tests/ui/duplicate.phy",
    ]);
    assert_eq!(out.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("examples/heat.phy: ok"), "{stderr}");
    assert!(
        stderr.contains("E0101") && stderr.contains("E0102"),
        "{stderr}"
    );
    assert!(
        !stderr.contains("\u{1b}["),
        "no colour when not on a terminal"
    );
}

#[test]
fn json_output_has_the_documented_fields() {
    let out = physc(&["check", "--format", "json", "tests/ui/unknown_name.phy"]);
    assert_eq!(out.status.code(), Some(1));
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).expect("stdout is JSON");
    let first = &json.as_array().expect("an array")[0];
    for key in [
        "code", "severity", "message", "file", "line", "column", "offset", "length", "help",
    ] {
        assert!(first.get(key).is_some(), "missing {key} in {first}");
    }
    assert_eq!(first["code"], "E0101");
    assert_eq!(first["severity"], "error");
    assert_eq!(first["file"], "tests/ui/unknown_name.phy");
}

#[test]
fn json_of_a_clean_model_is_an_empty_array() {
    let out = physc(&["check", "--format", "json", "examples/kdv.phy"]);
    assert!(out.status.success());
    assert_eq!(
        serde_json::from_slice::<serde_json::Value>(&out.stdout).expect("JSON"),
        serde_json::json!([])
    );
}

#[test]
fn a_missing_file_is_status_2() {
    let out = physc(&["check", "examples/no_such_model.phy"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("cannot read"));
}

#[test]
fn ir_prints_the_ast_and_the_checked_model() {
    let ast = physc(&["ir", "examples/burgers.phy", "--stage", "ast"]);
    assert!(
        String::from_utf8_lossy(&ast.stdout)
            .contains("(constraint :label ic (= u (neg (sin (* pi x)))) :on (slice t 0))")
    );
    let checked = physc(&["ir", "examples/burgers.phy", "--stage", "checked"]);
    assert!(
        String::from_utf8_lossy(&checked.stdout)
            .contains("field u(x, t) on x in [-1, 1] x t in [0, 1]")
    );
}

/// `--stage program` prints the loss program; for a model training cannot
/// run yet, the diagnostics that say why, with status 1.
#[test]
fn ir_prints_the_loss_program() {
    let program = physc(&["ir", "examples/burgers.phy", "--stage", "program"]);
    assert!(program.status.success(), "{program:?}");
    let text = String::from_utf8_lossy(&program.stdout);
    assert!(
        text.contains("net 0 (u): x, t -> 1 output, 4 hidden layers of 20 tanh"),
        "{text}"
    );
    assert!(
        text.contains("batch 0 `pde`: 4000 points (hammersley) on (x, t) in [-1, 1] x [0, 1]"),
        "{text}"
    );
    let refused = physc(&[
        "ir",
        "tests/ui/untrainable_symmetry.phy",
        "--stage",
        "program",
    ]);
    assert_eq!(refused.status.code(), Some(1));
    let errors = String::from_utf8_lossy(&refused.stderr);
    assert!(errors.contains("E0602"), "{errors}");
}

/// `physc run` refuses what training does not support yet with the
/// diagnostics on the constructs, status 1, and writes nothing.
#[test]
fn run_reports_what_training_does_not_support() {
    let dir = std::env::temp_dir().join(format!("physc-cli-refused-{}", std::process::id()));
    let out = dir.join("refused.run");
    let run = physc(&[
        "run",
        "tests/ui/untrainable_symmetry.phy",
        "-o",
        out.to_str().expect("utf-8"),
    ]);
    assert_eq!(run.status.code(), Some(1));
    let errors = String::from_utf8_lossy(&run.stderr);
    assert!(
        errors.contains("E0602") && errors.contains("untrainable_symmetry.phy:6:1"),
        "{errors}"
    );
    assert!(!out.exists());
}

/// A small heat model written to a fresh directory.
/// The `summary.json` of a run directory.
fn summary(run: &std::path::Path) -> serde_json::Value {
    let text = std::fs::read_to_string(run.join("summary.json")).expect("summary.json");
    serde_json::from_str(&text).expect("JSON")
}

/// `physc eval MODEL --points POINTS -o OUT` with `extra` arguments.
fn eval(
    model: &str,
    points: &std::path::Path,
    out: &std::path::Path,
    extra: &[&str],
) -> std::process::Output {
    let mut args = vec![
        "eval",
        model,
        "--points",
        points.to_str().expect("utf-8"),
        "-o",
        out.to_str().expect("utf-8"),
    ];
    args.extend(extra);
    physc(&args)
}

fn heat_model(name: &str) -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!("physc-cli-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("a temporary directory");
    let model = dir.join("heat.phy");
    std::fs::write(
        &model,
        "const k = 0.1
field u(x in [0,1], t in [0,1])
pde: u_t = k*u_xx
ic:  u = sin(pi*x)              on t = 0
bc:  u = 0                      on x = 0 | x = 1
exact u = exp(-k*pi^2*t)*sin(pi*x)
net u = mlp(depth = 2, width = 16)
train { adam(lr = 1e-2, steps = 200); lbfgs(steps = 100); points = 300; log_every = 100 }
",
    )
    .expect("writes the model");
    model
}

/// A marched run from the command line: progress lines name the window,
/// the run directory holds one directory per window and the stitched
/// summary, and `physc eval` reads it.
#[test]
fn a_marched_run_trains_its_windows_in_turn() {
    let model = heat_model("march");
    let text = std::fs::read_to_string(&model).expect("the model");
    std::fs::write(
        &model,
        text.replace("log_every = 100 }", "log_every = 100; windows = 2 }"),
    )
    .expect("rewrites the model");
    let model = model.to_str().expect("utf-8 path");
    let trained = physc(&["run", model]);
    assert!(trained.status.success(), "{trained:?}");
    let progress = String::from_utf8_lossy(&trained.stderr);
    assert!(
        progress.contains("window 1/2: adam") && progress.contains("window 2/2: lbfgs"),
        "{progress}"
    );
    let run = std::path::Path::new(model).with_extension("run");
    let summary = summary(&run);
    let windows = summary["windows"].as_array().expect("the windows");
    assert_eq!(windows.len(), 2);
    assert_eq!(windows[1]["t"], serde_json::json!([0.5, 1.0]));
    assert!(summary["rel_l2"]["u"].as_f64().expect("an error figure") < 0.05);
    for file in [
        "history.csv",
        "u.csv",
        "window1/checkpoint.bin",
        "window2/u.png",
    ] {
        assert!(run.join(file).exists(), "{file}");
    }
    let dir = run.parent().expect("a directory");
    let points = dir.join("points.csv");
    std::fs::write(&points, "t,x\n0.25,0.5\n0.75,0.5\n").expect("writes the points");
    let out = dir.join("values.csv");
    let evaluated = eval(model, &points, &out, &[]);
    assert!(evaluated.status.success(), "{evaluated:?}");
    let _ = std::fs::remove_dir_all(dir);
}

#[test]
fn run_writes_the_run_directory_and_eval_reads_it() {
    let model = heat_model("run");
    let model = model.to_str().expect("utf-8 path");
    let trained = physc(&["run", model, "--quiet"]);
    assert!(trained.status.success(), "{trained:?}");
    let run = std::path::Path::new(model).with_extension("run");
    let summary = summary(&run);
    assert_eq!(summary["finished"], true);
    assert_eq!(summary["precision"], "float64");
    assert!(summary["rel_l2"]["u"].as_f64().expect("an error figure") < 0.05);
    for file in ["history.csv", "u.csv", "checkpoint.bin"] {
        assert!(run.join(file).exists(), "{file}");
    }

    let dir = run.parent().expect("a directory");
    let points = dir.join("points.csv");
    std::fs::write(&points, "t,x\n0,0.5\n1,0.5\n").expect("writes the points");
    let out = dir.join("values.csv");
    let evaluated = eval(model, &points, &out, &["--residuals"]);
    assert!(evaluated.status.success(), "{evaluated:?}");
    let text = std::fs::read_to_string(&out).expect("values.csv");
    let mut lines = text.lines();
    assert_eq!(lines.next(), Some("t,x,u,pde,ic,bc"));
    // u(0.5, 0) = 1 and u(0.5, 1) = exp(-0.1 pi^2) = 0.3727.
    for (line, want) in lines.zip([1.0, (-0.1 * std::f64::consts::PI.powi(2)).exp()]) {
        let u: f64 = line
            .split(',')
            .nth(2)
            .expect("u")
            .parse()
            .expect("a number");
        assert!((u - want).abs() < 0.05, "u = {u}, want {want}");
    }

    std::fs::write(&points, "x\n0.5\n").expect("writes the points");
    let missing = eval(model, &points, &out, &[]);
    assert_eq!(missing.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&missing.stderr);
    assert!(stderr.contains("lacks the column t"), "{stderr}");
    let _ = std::fs::remove_dir_all(dir);
}

#[test]
fn float32_training_is_reported_as_such() {
    let model = heat_model("f32");
    let model = model.to_str().expect("utf-8 path");
    let trained = physc(&["run", model, "--quiet", "--precision", "float32"]);
    assert!(trained.status.success(), "{trained:?}");
    let run = std::path::Path::new(model).with_extension("run");
    let trained = summary(&run);
    assert_eq!(trained["precision"], "float32");
    assert_eq!(trained["backend"], "jit");
    assert!(trained["rel_l2"]["u"].as_f64().expect("an error figure") < 0.05);
    // The optimiser's state is stored in float32: a resumed run goes on in
    // it unless told otherwise, and refuses another precision.
    let resumed = physc(&["run", model, "--quiet", "--resume"]);
    assert!(resumed.status.success(), "{resumed:?}");
    assert_eq!(summary(&run)["precision"], "float32");
    let other = physc(&[
        "run",
        model,
        "--quiet",
        "--resume",
        "--precision",
        "float64",
    ]);
    assert_eq!(other.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&other.stderr);
    assert!(
        stderr.contains("resume it with `--precision float32`"),
        "{stderr}"
    );
    let _ = std::fs::remove_dir_all(run.parent().expect("a directory"));
}

/// An L-BFGS stage that stops short of its steps (here where the float32
/// loss no longer falls) says so, and in float32 how to go on in float64.
#[test]
fn an_lbfgs_stage_that_ends_early_says_so() {
    let model = heat_model("ended-early");
    let text = std::fs::read_to_string(&model).expect("the model");
    let text = text.replace(
        "train { adam(lr = 1e-2, steps = 200); lbfgs(steps = 100); points = 300; log_every = 100 }",
        "net u = mlp(depth = 2, width = 8)\ntrain { adam(lr = 1e-2, steps = 200); lbfgs(steps = 3000); points = 64 }",
    )
    .replace("net u = mlp(depth = 2, width = 16)\n", "");
    std::fs::write(&model, text).expect("writes the model");
    let model = model.to_str().expect("utf-8 path");
    let trained = physc(&["run", model, "--quiet", "--precision", "float32"]);
    assert!(trained.status.success(), "{trained:?}");
    let run = std::path::Path::new(model).with_extension("run");
    let steps = summary(&run)["steps"].as_u64().expect("steps");
    assert!(steps < 3200, "{steps} steps");
    let stderr = String::from_utf8_lossy(&trained.stderr);
    let ended = format!(
        "lbfgs ended at step {steps}, {} steps before its budget",
        3200 - steps
    );
    assert!(stderr.contains(&ended), "{stderr}");
    assert!(
        stderr.contains("float64 goes on from these networks"),
        "{stderr}"
    );
    let _ = std::fs::remove_dir_all(run.parent().expect("a directory"));
}

#[test]
fn resuming_without_a_checkpoint_is_status_2() {
    let model = heat_model("resume");
    let resumed = physc(&["run", model.to_str().expect("utf-8"), "--resume"]);
    assert_eq!(resumed.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&resumed.stderr);
    assert!(stderr.contains("checkpoint.bin"), "{stderr}");

    // `--resume DIR` names the run directory.
    let elsewhere = model.with_file_name("elsewhere.run");
    let elsewhere = elsewhere.to_str().expect("utf-8");
    let resumed = physc(&["run", model.to_str().expect("utf-8"), "--resume", elsewhere]);
    assert_eq!(resumed.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&resumed.stderr);
    assert!(stderr.contains("elsewhere.run"), "{stderr}");
    let both = physc(&[
        "run",
        model.to_str().expect("utf-8"),
        "-o",
        "other.run",
        "--resume",
        elsewhere,
    ]);
    assert_eq!(both.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&both.stderr);
    assert!(stderr.contains("leave out `-o`"), "{stderr}");
    let _ = std::fs::remove_dir_all(model.parent().expect("a directory"));
}

/// A build without the `wgpu` feature says how to get the GPU back end.
#[cfg(not(feature = "wgpu"))]
#[test]
fn the_gpu_backend_needs_the_wgpu_feature() {
    let model = heat_model("no-wgpu");
    let run = physc(&["run", model.to_str().expect("utf-8"), "--backend", "wgpu"]);
    assert_eq!(run.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&run.stderr);
    assert!(stderr.contains("--features wgpu"), "{stderr}");
    let _ = std::fs::remove_dir_all(model.parent().expect("a directory"));
}

/// A hard constraint holds exactly: Laplace's equation on a ring, the
/// inner circle held at 1 by the output transform, the outer at 0 by the
/// loss. The trained field is 1 on the inner circle to rounding, and
/// close to the exact `log(r)/log(0.3)` everywhere.
#[test]
fn a_hard_constraint_holds_exactly() {
    let dir = std::env::temp_dir().join(format!("physc-cli-hard-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("a temporary directory");
    let model = dir.join("ring.phy");
    std::fs::write(
        &model,
        "region ring = disk((0,0), 1) - disk((0,0), 0.3)
field u((x, y) in ring)
pde:   lap(u) = 0
inner: hard u = 1   on boundary(disk((0,0), 0.3))
outer: u = 0        on boundary(disk((0,0), 1))
exact u = log(sqrt(x^2 + y^2))/log(0.3)
net u = mlp(depth = 3, width = 20, act = tanh)
train { adam(lr = 1e-2, steps = 300); lbfgs(steps = 300); points = 500; log_every = 100 }
",
    )
    .expect("writes the model");
    let model = model.to_str().expect("utf-8");
    let trained = physc(&["run", model, "--quiet"]);
    assert!(trained.status.success(), "{trained:?}");
    let run = dir.join("ring.run");
    let summary = summary(&run);
    // Measured 1.1e-2; the hard term is not a loss term.
    assert!(summary["rel_l2"]["u"].as_f64().expect("an error figure") < 3e-2);
    assert!(summary["loss"].get("inner").is_none(), "{summary}");

    let points = dir.join("circle.csv");
    let mut rows = String::from("x,y\n");
    for k in 0..12 {
        let a = k as f64 * std::f64::consts::PI / 6.0;
        rows.push_str(&format!("{},{}\n", 0.3 * a.cos(), 0.3 * a.sin()));
    }
    std::fs::write(&points, rows).expect("writes the points");
    let out = dir.join("values.csv");
    let evaluated = eval(model, &points, &out, &[]);
    assert!(evaluated.status.success(), "{evaluated:?}");
    let values = std::fs::read_to_string(&out).expect("values");
    for line in values.lines().skip(1) {
        let u: f64 = line
            .split(',')
            .nth(2)
            .expect("u")
            .parse()
            .expect("a number");
        assert!((u - 1.0).abs() < 1e-12, "u = {u} on the inner circle");
    }
    let _ = std::fs::remove_dir_all(dir);
}

/// A closed stdout (`physc check --format json ... | head`) ends physc
/// with its own status, not a panic.
#[test]
fn a_closed_stdout_is_not_a_panic() {
    use std::process::Stdio;
    let mut files: Vec<String> = vec![];
    for _ in 0..20 {
        for entry in
            std::fs::read_dir(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/ui")).expect("ui")
        {
            let path = entry.expect("an entry").path();
            if path.extension().is_some_and(|e| e == "phy") {
                files.push(path.to_string_lossy().into_owned());
            }
        }
    }
    let mut child = Command::new(env!("CARGO_BIN_EXE_physc"))
        .args(["check", "--format", "json"])
        .args(&files)
        .env("NO_COLOR", "1")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("physc starts");
    // Close the reading end before physc writes: its JSON runs to
    // hundreds of kilobytes, more than a pipe holds.
    drop(child.stdout.take());
    let out = child.wait_with_output().expect("physc ends");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!stderr.contains("panicked"), "{stderr}");
    assert_eq!(out.status.code(), Some(1), "{stderr}");
}

/// A model far beyond the machine's memory is refused before anything is
/// drawn, with the estimate and what the machine has.
#[test]
fn a_run_that_cannot_fit_in_memory_is_refused_with_the_estimate() {
    let dir = std::env::temp_dir().join(format!("physc-memory-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("a directory");
    let model = dir.join("huge.phy");
    std::fs::write(
        &model,
        "field u(x in [0,1], t in [0,1])
pde: u_t + u_xxx = 0
ic: u = sin(pi*x) on t = 0
net u = mlp(depth = 4, width = 4096)
train { points = 1000000 }
",
    )
    .expect("writes the model");
    let run = physc(&["run", model.to_str().expect("utf-8"), "--backend", "cpu"]);
    let _ = std::fs::remove_dir_all(&dir);
    assert_eq!(run.status.code(), Some(2), "{run:?}");
    let stderr = String::from_utf8_lossy(&run.stderr);
    assert!(
        stderr.contains("GiB available") && stderr.contains("this run needs about"),
        "{stderr}"
    );
}

/// Mounts a tmpfs of `size` at `dir` (or remounts it with `options`);
/// false where this user cannot mount.
#[cfg(unix)]
fn mount(dir: &std::path::Path, options: &str) -> bool {
    std::process::Command::new("mount")
        .args(["-t", "tmpfs", "-o", options, "tmpfs"])
        .arg(dir)
        .stderr(std::process::Stdio::null())
        .status()
        .is_ok_and(|s| s.success())
}

#[cfg(unix)]
fn unmount(dir: &std::path::Path) {
    let _ = std::process::Command::new("umount").arg(dir).status();
}

/// The bytes of a run directory's results.
fn results(run: &std::path::Path) -> Vec<Vec<u8>> {
    ["summary.json", "history.csv", "checkpoint.bin", "u.csv"]
        .iter()
        .map(|f| std::fs::read(run.join(f)).expect("written"))
        .collect()
}

/// On a small disk of its own (a tmpfs, where the tests may mount one), a
/// run directory whose disk is full, or read-only, gets a clear error, and
/// the results of the run before stay byte for byte.
#[cfg(unix)]
#[test]
fn a_full_or_read_only_disk_is_an_error_that_keeps_the_results() {
    let model = heat_model("disk");
    let dir = model.parent().expect("a directory").join("disk");
    std::fs::create_dir_all(&dir).expect("a mount point");
    if !mount(&dir, "size=4m") {
        eprintln!("skipped: this user cannot mount a tmpfs");
        return;
    }
    let run = dir.join("heat.run");
    let (model_s, run_s) = (model.to_str().expect("utf-8"), run.to_str().expect("utf-8"));
    let first = physc(&["run", model_s, "--quiet", "-o", run_s]);
    let before = first.status.success().then(|| results(&run));

    // Full: fill what is left, then train again into the same directory.
    let filler = dir.join("filler");
    let _ = std::fs::write(&filler, vec![0u8; 8 << 20]);
    let full = physc(&["run", model_s, "--quiet", "-o", run_s]);
    let after_full = results(&run);
    let leftovers: Vec<String> = std::fs::read_dir(&run)
        .expect("the run directory")
        .filter_map(|e| e.ok().map(|e| e.file_name().to_string_lossy().into_owned()))
        .filter(|name| name.contains(".tmp"))
        .collect();
    let _ = std::fs::remove_file(&filler);

    // Read-only.
    let read_only =
        mount(&dir, "remount,ro").then(|| physc(&["run", model_s, "--quiet", "-o", run_s]));
    let after_read_only = results(&run);
    unmount(&dir);
    let _ = std::fs::remove_dir_all(model.parent().expect("a directory"));

    assert!(first.status.success(), "{first:?}");
    let before = before.expect("results");
    assert_eq!(full.status.code(), Some(2), "{full:?}");
    let stderr = String::from_utf8_lossy(&full.stderr);
    assert!(stderr.contains("No space left on device"), "{stderr}");
    assert!(after_full == before, "a full disk changed the results");
    assert!(leftovers.is_empty(), "partial files left: {leftovers:?}");
    let read_only = read_only.expect("a read-only remount");
    assert_eq!(read_only.status.code(), Some(2), "{read_only:?}");
    let stderr = String::from_utf8_lossy(&read_only.stderr);
    assert!(
        stderr.contains("cannot write to") && stderr.contains("Read-only"),
        "{stderr}"
    );
    assert!(
        after_read_only == before,
        "a read-only disk changed the results"
    );
}

/// With `--sandbox`, a model reads data only under its own directory:
/// `..` and a symbolic link out of it are refused with E0501 saying where
/// the path leads; without it, both are read.
#[cfg(unix)]
#[test]
fn the_sandbox_keeps_data_paths_under_the_model() {
    let dir = std::env::temp_dir().join(format!("physc-sandbox-{}", std::process::id()));
    let models = dir.join("models");
    std::fs::create_dir_all(&models).expect("directories");
    std::fs::write(dir.join("secret.csv"), "x,t,u\n0,0,1\n").expect("writes");
    std::fs::write(models.join("inside.csv"), "x,t,u\n0,0,1\n").expect("writes");
    let _ = std::os::unix::fs::symlink(dir.join("secret.csv"), models.join("link.csv"));
    let model = |name: &str, file: &str| {
        let path = models.join(name);
        std::fs::write(
            &path,
            format!(
                "data obs = csv(\"{file}\")
field u(x in [0,1], t in [0,1])
pde: u_t = 0.1*u_xx
fit: u = obs.u on obs
"
            ),
        )
        .expect("writes");
        path.to_str().expect("utf-8").to_string()
    };
    let (up, link, inside) = (
        model("up.phy", "../secret.csv"),
        model("link.phy", "link.csv"),
        model("inside.phy", "inside.csv"),
    );
    let sandboxed = physc(&["check", "--sandbox", &up, &link, &inside]);
    let open = physc(&["check", &up, &link, &inside]);
    let _ = std::fs::remove_dir_all(&dir);
    assert_eq!(sandboxed.status.code(), Some(1), "{sandboxed:?}");
    let stderr = String::from_utf8_lossy(&sandboxed.stderr);
    assert_eq!(stderr.matches("E0501").count(), 2, "{stderr}");
    assert!(
        stderr.contains("--sandbox") && stderr.contains("secret.csv"),
        "{stderr}"
    );
    assert!(stderr.contains("inside.phy: ok"), "{stderr}");
    assert!(open.status.success(), "{open:?}");
}
