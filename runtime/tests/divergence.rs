//! Divergence on purpose: a step whose loss overflows or jumps is undone,
//! the learning rate lowered, and the event recorded; a run that can never
//! have a finite loss stops with a clear reason and a complete directory.

mod common;

use common::{run_dir, train_into};
use physc_runtime::backend::Backend;
use physc_runtime::run::Options;

fn options(backend: Backend) -> Options {
    Options {
        backend,
        ..Options::default()
    }
}

/// A learned rate inside an exponential, trained with a learning rate of
/// 10: Adam's first step moves `a` by about 10 one way or the other,
/// `exp(8 a^2)` overflows the loss, and the step is undone until the
/// learning rate is small enough.
const EXPLODING: &str = "learn a = 0.1
field u(t in [0,1])
ode: u_t = -exp(8*a^2)*u
ic: u = 1 on t = 0
exact u = exp(-t)
net u = mlp(depth = 2, width = 8)
train { adam(lr = 10, steps = 200); points = 64; log_every = 10 }";

#[test]
fn a_diverging_step_is_undone_and_the_learning_rate_lowered() {
    for backend in [Backend::Jit, Backend::Cpu] {
        let out = run_dir(&format!("diverging-{}", backend.name()));
        let summary = train_into(EXPLODING, &out, options(backend), None);
        let history = std::fs::read_to_string(out.join("history.csv")).expect("history");
        let json = std::fs::read_to_string(out.join("summary.json")).expect("summary");
        let _ = std::fs::remove_dir_all(&out);
        assert!(summary.finished, "{:?}", summary.stopped);
        assert!(!summary.events.is_empty(), "no divergence was seen");
        assert!(summary.total_loss.is_finite(), "{}", summary.total_loss);
        let (step, what) = &summary.events[0];
        assert!(*step <= 10, "first divergence at step {step}");
        assert!(what.contains("learning rate now 1e-1"), "{what}");
        assert!(
            history
                .lines()
                .next()
                .expect("a header")
                .ends_with(",event")
        );
        assert!(
            history.contains("back to the parameters of step 0"),
            "{history}"
        );
        assert!(json.contains("\"events\""), "{json}");
    }
}

/// A residual that is never finite: training stops after the allowed
/// divergences in a row, says why, and the run directory is complete.
#[test]
fn a_run_that_always_diverges_stops_and_says_why() {
    let out = run_dir("always-diverging");
    let summary = train_into(
        "field u(x in [0,1])
pde: u_x = sqrt(-1 - x^2)
net u = mlp(depth = 1, width = 4, act = tanh)
train { adam(lr = 1e-2, steps = 50); log_every = 1 }",
        &out,
        options(Backend::Jit),
        None,
    );
    for file in ["summary.json", "history.csv", "u.csv", "checkpoint.bin"] {
        assert!(out.join(file).exists(), "{file} written");
    }
    let json = std::fs::read_to_string(out.join("summary.json")).expect("summary");
    let _ = std::fs::remove_dir_all(&out);
    assert!(!summary.finished);
    let why = summary.stopped.expect("a reason");
    assert!(why.contains("6 divergences in a row"), "{why}");
    assert!(json.contains("\"stopped\""), "{json}");
    assert_eq!(summary.events.len(), 6);
}
