//! Crash safety, by injecting the crashes: `physc run` killed with SIGKILL
//! at random moments (and aborted inside a checkpoint write and inside the
//! final report), then `physc run --resume`, ends with exactly the history
//! and losses of the run that was never interrupted.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::Instant;

const MODEL: &str = "field u(t in [0,1])
ode: u_t = -2*u
ic: u = 1 on t = 0
exact u = exp(-2*t)
net u = mlp(depth = 2, width = 8)
train { adam(lr = 1e-2, steps = 400); lbfgs(steps = 60); points = 64; log_every = 10; checkpoint_every = 20; resample = 50 }
";

fn physc(args: &[&str], crash_at: Option<&str>) -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_physc"));
    command
        .args(args)
        .env("NO_COLOR", "1")
        .stdout(Stdio::null())
        .stderr(Stdio::null());
    if let Some(point) = crash_at {
        command.env("PHYSC_CRASH_AT", point);
    }
    command
}

struct Scratch(PathBuf);

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// Resumes `run` until it finishes (or starts it afresh when it was killed
/// before its first checkpoint); returns its history and summary.
fn finish(model: &Path, run: &Path) -> (String, serde_json::Value) {
    let (model, dir) = (model.to_str().expect("utf-8"), run.to_str().expect("utf-8"));
    let resumed = physc(&["run", model, "--quiet", "--resume", dir], None)
        .status()
        .expect("physc runs");
    if !resumed.success() {
        // Only a run killed before its first checkpoint may start afresh:
        // any checkpoint on disk must be one to resume from.
        let written = ["checkpoint.bin", "checkpoint.prev.bin"]
            .iter()
            .any(|f| run.join(f).exists());
        assert!(!written, "{dir} has a checkpoint and did not resume");
        assert_eq!(resumed.code(), Some(2), "resume of {dir}");
        let fresh = physc(&["run", model, "--quiet", "-o", dir], None)
            .status()
            .expect("physc runs");
        assert!(fresh.success(), "fresh run of {dir}");
    }
    let history = std::fs::read_to_string(run.join("history.csv")).expect("history");
    let summary = std::fs::read_to_string(run.join("summary.json")).expect("summary");
    (history, serde_json::from_str(&summary).expect("JSON"))
}

#[test]
fn killed_runs_resume_to_the_uninterrupted_result() {
    let dir = Scratch(std::env::temp_dir().join(format!("physc-faults-{}", std::process::id())));
    std::fs::create_dir_all(&dir.0).expect("a scratch directory");
    let model = dir.0.join("decay.phy");
    std::fs::write(&model, MODEL).expect("writes the model");
    let whole = dir.0.join("whole");
    let start = Instant::now();
    let status = physc(
        &[
            "run",
            model.to_str().expect("utf-8"),
            "--quiet",
            "-o",
            whole.to_str().expect("utf-8"),
        ],
        None,
    )
    .status()
    .expect("physc runs");
    assert!(status.success());
    let duration = start.elapsed();
    let (history, summary) = finish(&model, &whole);
    assert_eq!(summary["finished"], true);

    // SIGKILL at 20 moments spread over the run (a fixed pseudo-random
    // sequence, so a failure repeats).
    let mut state: u64 = 0x5eed;
    for k in 0..20 {
        state = state
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        let at = duration.mul_f64(((state >> 11) as f64 / (1u64 << 53) as f64) * 1.1);
        let run = dir.0.join(format!("killed-{k}"));
        let mut child = physc(
            &[
                "run",
                model.to_str().expect("utf-8"),
                "--quiet",
                "-o",
                run.to_str().expect("utf-8"),
            ],
            None,
        )
        .spawn()
        .expect("physc starts");
        std::thread::sleep(at);
        let _ = child.kill();
        let _ = child.wait();
        let (h, s) = finish(&model, &run);
        assert_eq!(h, history, "killed after {at:?}");
        assert_eq!(
            s["total_loss"], summary["total_loss"],
            "killed after {at:?}"
        );
        assert_eq!(s["rel_l2"], summary["rel_l2"], "killed after {at:?}");
    }

    // Aborted half-way through a checkpoint's write, and between the
    // report's files.
    for point in ["checkpoint:1", "checkpoint:7", "checkpoint:24", "report:1"] {
        let run = dir.0.join(format!("crashed-{}", point.replace(':', "-")));
        let crashed = physc(
            &[
                "run",
                model.to_str().expect("utf-8"),
                "--quiet",
                "-o",
                run.to_str().expect("utf-8"),
            ],
            Some(point),
        )
        .status()
        .expect("physc runs");
        assert!(!crashed.success(), "{point}: the crash happened");
        let (h, s) = finish(&model, &run);
        assert_eq!(h, history, "crashed at {point}");
        assert_eq!(s["total_loss"], summary["total_loss"], "crashed at {point}");
    }
}
