//! The `soap(...)` stage end to end: at the same budget it trains heat
//! closer than Adam, and an interrupted run resumes bit for bit (its
//! moments, factors and bases are in the checkpoint).

mod common;

use common::{DECAY, heat, resumes_where_it_stopped, run_dir, train_into};
use physc_runtime::backend::Backend;
use physc_runtime::run::Options;

fn error(stage: &str, name: &str) -> f64 {
    let model = heat(&format!(
        "net u = mlp(depth = 3, width = 20, act = tanh)
train {{ {stage}; points = 500 }}"
    ));
    let out = run_dir(name);
    let options = Options {
        backend: Backend::Jit,
        ..Options::default()
    };
    let summary = train_into(&model, &out, options, None);
    let _ = std::fs::remove_dir_all(&out);
    let error = summary.rel_l2[0].1;
    eprintln!("{name}: relative L2 error {error:.2e}");
    error
}

#[test]
fn soap_trains_heat_closer_than_adam_in_as_many_steps() {
    let soap = error("soap(lr = 2e-3, steps = 1000)", "soap-heat");
    let adam = error("adam(lr = 2e-3, steps = 1000)", "soap-heat-adam");
    assert!(soap * 3.0 < adam, "SOAP {soap:e}, Adam {adam:e}");
}

#[test]
fn an_interrupted_soap_stage_resumes_where_it_stopped() {
    let model = DECAY.replace("adam(lr = 1e-2, steps = 60)", "soap(lr = 1e-2, steps = 60)");
    assert_ne!(model, DECAY);
    resumes_where_it_stopped(&model, "soap", Options::default());
}
