//! The network architectures beyond the plain MLP, trained end to end on
//! the heat equation by the JIT back end (the others are held to it by
//! `jit.rs`), each to an error that a network missing its defining part
//! does not reach.

mod common;

use common::{heat, trained_error};
use physc_runtime::backend::Backend;

fn error(net: &str, name: &str) -> f64 {
    let model = heat(&format!(
        "net u = {net}
train {{ adam(lr = 2e-3, steps = 500); bfgs(steps = 500) }}"
    ));
    trained_error(&model, name, Backend::Jit, |_| {})
}

/// A PirateNet starts as a linear function of its Fourier features (its
/// block factor is 0); training must open the block to fit the solution.
#[test]
fn a_pirate_net_learns_heat() {
    let e = error(
        "pirate_net(depth = 1, width = 16, act = tanh, fourier = 8, scale = 1, weights = factorized)",
        "pirate-heat",
    );
    // Measured: 1.2e-4.
    assert!(e < 5e-4, "PirateNet: {e:e}");
}

#[test]
fn a_modified_mlp_learns_heat() {
    let e = error(
        "modified_mlp(depth = 2, width = 16, act = tanh)",
        "modified-heat",
    );
    // Measured: 7.0e-6.
    assert!(e < 1e-4, "modified MLP: {e:e}");
}
