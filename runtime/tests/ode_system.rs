//! A system of ODEs as fields of time alone: Lotka-Volterra trains as a
//! PINN to the RK4 integration of `reference/lotka_volterra.py` (converged
//! to 1e-12), on both CPU back ends.

mod common;

use common::{run_dir, train_into};
use physc_runtime::backend::Backend;
use physc_runtime::run::Options;

#[test]
fn lotka_volterra_reaches_its_integration() {
    let example = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../examples/lotka_volterra.phy"
    );
    let reference = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../examples/lotka_volterra_reference.csv"
    );
    let text = std::fs::read_to_string(example)
        .expect("the example")
        .replace(
            "\"lotka_volterra_reference.csv\"",
            &format!("{reference:?}"),
        )
        .replace(
            "train { adam(lr = 2e-3, steps = 3000); lbfgs(steps = 1000); points = 400 }",
            "train { adam(lr = 2e-3, steps = 1500); lbfgs(steps = 300); points = 200 }",
        );
    assert!(
        text.contains("steps = 1500"),
        "the example's budget changed"
    );
    for backend in [Backend::Jit, Backend::Cpu] {
        let out = run_dir(&format!("lotka-volterra-{backend:?}"));
        let options = Options {
            backend,
            ..Options::default()
        };
        let summary = train_into(&text, &out, options, None);
        let _ = std::fs::remove_dir_all(&out);
        for (field, error) in &summary.rel_l2 {
            eprintln!("{field} on {backend:?}: relative L2 error {error:.2e}");
            assert!(
                *error < 1e-3,
                "{field} on {backend:?}: relative L2 error {error}"
            );
        }
        assert_eq!(summary.rel_l2.len(), 2);
    }
}
