//! The `soap(...)` stage end to end: at the same budget it trains heat
//! closer than Adam, and an interrupted run resumes bit for bit (its
//! moments, factors and bases are in the checkpoint).

mod common;

use common::{DECAY, heat, resumes_where_it_stopped, trained_error};
use physc_runtime::backend::Backend;
use physc_runtime::run::Options;

fn error(stage: &str, name: &str) -> f64 {
    let model = heat(&format!(
        "net u = mlp(depth = 3, width = 20, act = tanh)
train {{ {stage}; points = 500 }}"
    ));
    trained_error(&model, name, Backend::Jit, |_| {})
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
