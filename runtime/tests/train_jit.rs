//! Training through the JIT back end end to end, on small budgets: the
//! same accuracy as the burn back end, and an interrupted run that resumes
//! bit for bit.

mod common;

use common::{DECAY, heat, jit, resumes_where_it_stopped, run_dir, train_into};

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

#[test]
fn an_interrupted_jit_run_resumes_where_it_stopped() {
    resumes_where_it_stopped(DECAY, "jit", jit());
}

/// Points chosen by residual depend on the network when they were chosen:
/// the checkpoint carries them, and the resumed run is still exact.
#[test]
fn a_run_resampled_by_residual_resumes_where_it_stopped() {
    let model = DECAY.replace("resample = 25", "resample = 25; resample_by = residual");
    resumes_where_it_stopped(&model, "jit-rar", jit());
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

/// A stage with its own early stopping ends once `patience` steps pass
/// without the loss falling by `min_delta` (here at once: no step falls by
/// 10), and the next stage runs.
#[test]
fn a_stage_stops_early_on_its_own_patience() {
    let out = run_dir("jit-patience");
    let model = DECAY.replace(
        "adam(lr = 1e-2, steps = 60)",
        "adam(lr = 1e-2, steps = 1000, patience = 100, min_delta = 10)",
    );
    let summary = train_into(&model, &out, jit(), None);
    let _ = std::fs::remove_dir_all(&out);
    assert!(summary.finished);
    assert!(
        (101..=140).contains(&summary.steps),
        "Adam stopped after 100 steps, then L-BFGS: {} steps",
        summary.steps
    );
}

/// A decay model whose last two stages are rounds of refinement (RAR).
fn refined_decay(refine: &str) -> String {
    DECAY.replace(
        "adam(lr = 1e-2, steps = 60); lbfgs(steps = 40)",
        &format!(
            "adam(lr = 1e-2, steps = 20); {refine}; adam(lr = 1e-2, steps = 20); lbfgs(steps = 10)"
        ),
    )
}

/// Refinement (RAR) grows a batch by the points of largest residual before
/// each round: the checkpoint carries the grown set, and the resumed run,
/// interrupted in a round and at a round's end, is exact.
#[test]
fn a_refined_run_resumes_where_it_stopped() {
    let model = refined_decay("refine(ode = 3, rounds = 3)");
    resumes_where_it_stopped(&model, "jit-refine", jit());
}

/// Refinement that finds the residual already below `until` ends training
/// before its first round, and says so.
#[test]
fn refinement_ends_when_the_residual_is_small() {
    let out = run_dir("jit-refine-until");
    let model = refined_decay("refine(ode = 3, until = 100, rounds = 3)");
    let summary = train_into(&model, &out, jit(), None);
    let _ = std::fs::remove_dir_all(&out);
    assert!(summary.finished);
    assert_eq!(summary.steps, 20);
    let note = summary
        .notes
        .iter()
        .find(|n| n.starts_with("refinement"))
        .unwrap_or_else(|| panic!("no note of the refinement: {:?}", summary.notes));
    assert!(note.contains("0 rounds added `ode` + 0"), "{note}");
    assert!(
        note.contains("below 100 before round 1, so it ended"),
        "{note}"
    );
    assert!(
        summary.events.iter().any(|(step, what)| *step == 20
            && what.starts_with("round 1 of refinement")
            && what.ends_with("refinement ended")),
        "{:?}",
        summary.events
    );
}

/// Three rounds of ten points each: the equation keeps its 500 points and
/// gains 30, the run says so, and heat still reaches its closed form.
#[test]
fn refinement_adds_points_and_says_so() {
    let out = run_dir("jit-heat-refine");
    let summary = train_into(
        &heat(
            "net u = mlp(depth = 3, width = 20, act = tanh)
train { adam(lr = 1e-2, steps = 200); refine(pde = 10, rounds = 3); adam(lr = 1e-2, steps = 100); lbfgs(steps = 150); points = 500 }",
        ),
        &out,
        jit(),
        None,
    );
    let _ = std::fs::remove_dir_all(&out);
    let note = summary
        .notes
        .iter()
        .find(|n| n.starts_with("refinement"))
        .unwrap_or_else(|| panic!("no note of the points added: {:?}", summary.notes));
    assert!(
        note.starts_with("refinement: 3 rounds added `pde` + 30"),
        "{note}"
    );
    let (_, error) = &summary.rel_l2[0];
    assert!(*error < 3e-3, "relative L2 error {error}");
}
