//! Training through the JIT back end end to end, on small budgets: the
//! same accuracy as the burn back end, and an interrupted run that resumes
//! bit for bit.

mod common;

use common::{heat, run_dir, train_into};
use physc_runtime::backend::Backend;
use physc_runtime::run::Options;
use std::path::Path;

fn jit() -> Options {
    Options {
        backend: Backend::Jit,
        ..Options::default()
    }
}

/// The heat equation against its closed form, Adam then L-BFGS, as the
/// burn back end's test trains it.
#[test]
fn heat_reaches_its_closed_form_through_the_jit() {
    let out = run_dir("jit-heat");
    let summary = train_into(
        &heat(
            "net u = mlp(depth = 3, width = 20, act = tanh)
train { adam(lr = 1e-2, steps = 300); lbfgs(steps = 500); points = 500; log_every = 50 }",
        ),
        &out,
        jit(),
        None,
    );
    let _ = std::fs::remove_dir_all(&out);
    assert_eq!(summary.backend, "jit");
    assert!(summary.notes.is_empty(), "{:?}", summary.notes);
    let (_, error) = &summary.rel_l2[0];
    // An untrained network is at about 1.
    assert!(*error < 3e-3, "relative L2 error {error}");
}

/// Causal weighting, a learned scalar and gradient-norm balancing, each
/// through the JIT's loss and gradient.
#[test]
fn a_learned_scalar_is_recovered_with_causal_weights_and_balancing() {
    let out = run_dir("jit-scalar");
    let summary = train_into(
        "learn a = 0.5
field u(t in [0,1])
ode: u_t = -2*u
ic: u = 1 on t = 0
fit: u_t = -a*u
net u = mlp(depth = 2, width = 16)
train { adam(lr = 1e-2, steps = 400); lbfgs(steps = 30); points = 200; causal = 1; balance = gradnorm }",
        &out,
        jit(),
        None,
    );
    let _ = std::fs::remove_dir_all(&out);
    let (_, a) = &summary.learned[0];
    assert!((a - 2.0).abs() < 1e-2, "learned a = {a}");
}

const DECAY: &str = "field u(t in [0,1])
ode: u_t = -2*u
ic: u = 1 on t = 0
exact u = exp(-2*t)
net u = mlp(depth = 2, width = 8)
train { adam(lr = 1e-2, steps = 60); lbfgs(steps = 40); points = 64; log_every = 10; checkpoint_every = 10; resample = 25 }";

/// Interrupted in Adam and in L-BFGS and resumed, a run of `model` ends
/// exactly where the uninterrupted one does, resampled points included.
fn resumes_where_it_stopped(model: &str, name: &str) {
    let whole_dir = run_dir(&format!("{name}-whole"));
    let whole = train_into(model, &whole_dir, jit(), None);
    let parts_dir = run_dir(&format!("{name}-parts"));
    assert!(!train_into(model, &parts_dir, jit(), Some(30)).finished);
    let resume = Options {
        resume: true,
        ..jit()
    };
    assert!(!train_into(model, &parts_dir, resume, Some(80)).finished);
    let last = train_into(model, &parts_dir, resume, None);
    assert!(last.finished);
    let history = |dir: &Path| std::fs::read_to_string(dir.join("history.csv")).expect("history");
    assert_eq!(history(&parts_dir), history(&whole_dir));
    assert_eq!(last.total_loss, whole.total_loss);
    assert_eq!(last.rel_l2, whole.rel_l2);
    let _ = std::fs::remove_dir_all(&whole_dir);
    let _ = std::fs::remove_dir_all(&parts_dir);
}

#[test]
fn an_interrupted_jit_run_resumes_where_it_stopped() {
    resumes_where_it_stopped(DECAY, "jit");
}

/// Points chosen by residual depend on the network when they were chosen:
/// the checkpoint carries them, and the resumed run is still exact.
#[test]
fn a_run_resampled_by_residual_resumes_where_it_stopped() {
    let model = DECAY.replace("resample = 25", "resample = 25; resample_by = residual");
    resumes_where_it_stopped(&model, "jit-rar");
}

/// Heat with its points resampled by residual still reaches its closed form.
#[test]
fn heat_trains_with_points_resampled_by_residual() {
    let out = run_dir("jit-heat-rar");
    let summary = train_into(
        &heat(
            "net u = mlp(depth = 3, width = 20, act = tanh)
train { adam(lr = 1e-2, steps = 300); lbfgs(steps = 500); points = 500; resample = 100; resample_by = residual }",
        ),
        &out,
        jit(),
        None,
    );
    let _ = std::fs::remove_dir_all(&out);
    let (_, error) = &summary.rel_l2[0];
    assert!(*error < 3e-3, "relative L2 error {error}");
}
