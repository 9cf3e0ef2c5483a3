//! A parameter family trains in one run: heat conduction for every
//! diffusivity `k` in [0.5, 2] (`examples/heat_family.phy` on a small
//! budget), on both CPU back ends, to its closed form across the family,
//! with the error of each member it is compared at.

mod common;

use common::trained_error;
use physc_runtime::backend::Backend;

fn model() -> String {
    let example = include_str!("../../examples/heat_family.phy");
    let body = &example[..example.find("train {").expect("a train block")];
    format!("{body}train {{ adam(lr = 3e-3, steps = 800); lbfgs(steps = 400); points = 400 }}")
}

#[test]
fn one_training_covers_the_family() {
    for backend in [Backend::Jit, Backend::Cpu] {
        let error = trained_error(&model(), "family", backend, |out| {
            // The grid shows the family at k = 0.5, 1.25 and 2, a plot each.
            // And the summary gives the error at each of them.
            let summary = std::fs::read_to_string(out.join("summary.json")).expect("a summary");
            for k in ["0.5", "1.25", "2"] {
                assert!(
                    out.join(format!("u_k={k}.png")).exists(),
                    "no plot at k = {k}"
                );
                assert!(summary.contains(&format!("\"u at k={k}\"")), "{summary}");
            }
        });
        // Over the grid, which holds the three members. Measured 2.2e-2
        // (JIT) and 2.4e-2 (burn); trained at k = 1.25 alone, 2.5.
        assert!(error < 5e-2, "{backend:?}: relative L2 error {error}");
    }
}
