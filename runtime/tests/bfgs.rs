//! The `bfgs(...)` stage end to end: self-scaled BFGS after Adam reaches
//! an order of magnitude lower error than L-BFGS on the same budget, both
//! back ends train through it, an interrupted run resumes bit for bit
//! (its inverse Hessian is in the checkpoint), and a model too large for
//! a dense matrix is refused with the reason before training starts.

mod common;

use common::{DECAY, heat, resumes_where_it_stopped, run_dir, train_into};
use physc_compiler::check::DiskFiles;
use physc_runtime::backend::Backend;
use physc_runtime::run::{Options, run};
use std::path::Path;
use std::sync::atomic::AtomicBool;

fn heat_after(stage: &str) -> String {
    heat(&format!(
        "net u = mlp(depth = 2, width = 16, act = tanh)
train {{ adam(lr = 1e-2, steps = 200); {stage}; points = 500 }}"
    ))
}

fn error(model: &str, name: &str, backend: Backend) -> f64 {
    common::trained_error(model, name, backend, |_| {})
}

/// Measured: 1.6e-4 with self-scaled BFGS, 5.8e-4 without the scaling,
/// 1.7e-3 with L-BFGS, after the same 200 Adam steps and 300 iterations.
#[test]
fn self_scaled_bfgs_reaches_heat_ten_times_closer_than_lbfgs() {
    let bfgs = error(&heat_after("bfgs(steps = 300)"), "bfgs-heat", Backend::Jit);
    assert!(bfgs < 4e-4, "self-scaled BFGS: {bfgs:e}");
    let lbfgs = error(
        &heat_after("lbfgs(steps = 300)"),
        "bfgs-heat-lbfgs",
        Backend::Jit,
    );
    assert!(
        bfgs * 4.0 < lbfgs,
        "self-scaled BFGS {bfgs:e}, L-BFGS {lbfgs:e}"
    );
}

#[test]
fn bfgs_trains_on_the_burn_back_end() {
    let bfgs = error(
        &heat_after("bfgs(steps = 300)"),
        "bfgs-heat-cpu",
        Backend::Cpu,
    );
    assert!(bfgs < 4e-4, "self-scaled BFGS on burn: {bfgs:e}");
}

#[test]
fn an_interrupted_bfgs_stage_resumes_where_it_stopped() {
    let model = DECAY.replace("lbfgs(steps = 40)", "bfgs(steps = 40)");
    assert_ne!(model, DECAY);
    resumes_where_it_stopped(&model, "bfgs", Options::default());
}

#[test]
fn a_network_too_large_for_a_dense_matrix_is_refused() {
    let model = heat(
        "net u = mlp(depth = 2, width = 128)
train { adam(steps = 300); bfgs(steps = 10); points = 50; checkpoint_every = 100 }",
    );
    let frontend = physc_compiler::check_source(&model, Path::new("."), &DiskFiles);
    let loss = frontend.loss.as_ref().expect("trainable");
    let out = run_dir("bfgs-large");
    let result = run(
        loss,
        &out,
        Options::default(),
        |_| {},
        &AtomicBool::new(false),
    );
    // Refused before the Adam stage ran.
    let checkpointed = out.join("checkpoint.bin").exists();
    let _ = std::fs::remove_dir_all(&out);
    assert!(!checkpointed, "Adam ran before the refusal");
    let Err(why) = result else {
        panic!("a model of 17025 parameters trained through bfgs")
    };
    assert!(
        why.contains("17025 parameters") && why.contains("lbfgs"),
        "{why}"
    );
}

/// New points during BFGS (`resample`), its inverse Hessian kept: on a
/// budget of 8 random (Latin hypercube) points per condition, fixed points
/// are fitted exactly and missed between (measured 1.7e-2); fresh points
/// every 40 iterations give 2.4e-3. (Hammersley's 8 points, evenly spread,
/// already reach 2.1e-3 fixed: too few gaps for resampling to fill.)
#[test]
fn bfgs_resamples_its_points_and_generalises() {
    let budget = |extra: &str| {
        heat(&format!(
            "net u = mlp(depth = 2, width = 16, act = tanh)
train {{ adam(lr = 1e-2, steps = 200); bfgs(steps = 400); points = 8; sampler = lhs{extra} }}"
        ))
    };
    let fixed = error(&budget(""), "bfgs-fixed", Backend::Jit);
    let resampled = error(&budget("; resample = 40"), "bfgs-resampled", Backend::Jit);
    assert!(resampled < 6e-3, "resampled: {resampled:e}");
    assert!(
        resampled * 3.0 < fixed,
        "resampled {resampled:e}, fixed {fixed:e}"
    );
}

/// Causal weights are held through each quasi-Newton call: with weights
/// that followed the residuals, the objective would not be the function
/// whose gradient BFGS sees, and its line search would stop the stage.
#[test]
fn bfgs_and_lbfgs_run_their_steps_with_causal_weights() {
    // Measured: 1.5e-4, 1.6e-3 and 2.1e-3.
    for (stage, backend, bound) in [
        ("bfgs(steps = 300)", Backend::Jit, 4e-4),
        ("bfgs(steps = 100)", Backend::Cpu, 4e-3),
        ("lbfgs(steps = 300)", Backend::Jit, 5e-3),
    ] {
        let model = heat(&format!(
            "net u = mlp(depth = 2, width = 16, act = tanh)
train {{ adam(lr = 1e-2, steps = 200); {stage}; points = 500; causal = 10 }}"
        ));
        let out = run_dir("bfgs-causal");
        let options = Options {
            backend,
            ..Options::default()
        };
        let summary = train_into(&model, &out, options, None);
        let _ = std::fs::remove_dir_all(&out);
        let steps: u64 = stage[stage.find('=').expect("steps") + 1..]
            .trim_end_matches(')')
            .trim()
            .parse()
            .expect("a count");
        let error = summary.rel_l2[0].1;
        eprintln!(
            "{stage} on {backend:?}: {} steps, error {error:.2e}",
            summary.steps
        );
        assert_eq!(
            summary.steps,
            200 + steps,
            "{stage} on {backend:?} stopped early"
        );
        assert!(error < bound, "{stage} on {backend:?}: {error:e}");
    }
}

/// BFGS's flat vector holds every trained value of every example's
/// networks (block factors and weight scales included), and writing it
/// back gives the same values.
#[test]
fn the_flat_parameters_are_every_parameter() {
    use burn::module::Module;
    use physc_runtime::flat;
    for (name, loss) in common::programs().0 {
        let (_, t) = common::networks(&loss);
        let x = flat::parameters(&t);
        assert_eq!(x.len(), t.num_params(), "{name}");
        let moved: Vec<f64> = x.iter().map(|v| v + 0.5).collect();
        assert_eq!(flat::parameters(&flat::assign(t, &moved)), moved, "{name}");
    }
}
