//! Every example checks clean, and its stages are snapshot-tested: one
//! snapshot per example with the source, the AST, the checked model, the
//! residuals, the derivatives each network must provide, the IR and the
//! loss program.

mod common;

use physc_compiler::ir::stages;
use physc_compiler::{model, syntax};

#[test]
fn examples() {
    insta::glob!("../examples", "*.phy", |path| {
        insta::assert_snapshot!(stages(path));
    });
}

/// DeepXDE's example suite written in `.phy` (`examples/deepxde/`): each
/// checks clean, and its stages are snapshot-tested like the examples'.
#[test]
fn deepxde_examples() {
    let mut count = 0;
    insta::glob!("../examples/deepxde", "*.phy", |path| {
        count += 1;
        insta::assert_snapshot!(stages(path));
    });
    assert!(count >= 40, "only {count} DeepXDE examples");
}

/// The stages of an example that must check clean.
fn stages(path: &std::path::Path) -> String {
    let case = common::check(path);
    assert!(
        case.frontend.checked.diagnostics.is_empty(),
        "{} should check clean:\n{}",
        case.name,
        case.rendered()
    );
    let m = &case.frontend.checked.model;
    let lowered = case
        .frontend
        .lowered
        .as_ref()
        .expect("a clean model is lowered");
    // What training makes of it, or why it cannot train it yet.
    let program = match &case.frontend.loss {
        Some(loss) => physc_compiler::program::print::program(loss),
        None => physc_compiler::diagnostics::render(
            &case.frontend.untrainable,
            &case.name,
            &case.text,
            physc_compiler::diagnostics::RenderOptions {
                color: false,
                width: Some(80),
            },
        ),
    };
    format!(
        "----- SOURCE\n{}\n----- AST\n{}\n----- CHECKED\n{}\n----- RESIDUALS\n{}\n----- DERIVATIVES\n{}\n----- IR\n{}\n----- LOSS PROGRAM\n{}",
        case.text.trim_end(),
        syntax::print::program(&case.frontend.program).trim_end(),
        bounded(model::print::model(m)),
        bounded(stages::residuals(m, lowered)),
        stages::derivatives(m, lowered).trim_end(),
        bounded(stages::nodes(m, lowered)),
        bounded(program),
    )
}

/// A stage as printed; past [`STAGE`] characters, its lines cut to
/// [`LINE`] characters and the whole to [`STAGE`], with its length and a
/// hash (so a change anywhere still changes the snapshot). Operators
/// expanded at hundreds of points (a fractional Laplacian) print megabytes.
fn bounded(stage: String) -> String {
    const LINE: usize = 2_000;
    const STAGE: usize = 40_000;
    let stage = stage.trim_end();
    if stage.len() <= STAGE {
        return stage.to_string();
    }
    let mut out = String::new();
    for line in stage.lines() {
        let cut = (0..=LINE.min(line.len()))
            .rev()
            .find(|&k| line.is_char_boundary(k))
            .unwrap_or(0);
        out.push_str(&line[..cut]);
        if cut < line.len() {
            out.push_str(" ...");
        }
        out.push('\n');
        if out.len() > STAGE {
            out.push_str("...\n");
            break;
        }
    }
    let hash = stage.bytes().fold(0xcbf2_9ce4_8422_2325u64, |h, b| {
        (h ^ b as u64).wrapping_mul(0x100_0000_01b3)
    });
    out.push_str(&format!(
        "({} characters in all, FNV-1a {hash:016x})",
        stage.len()
    ));
    out
}

#[test]
fn there_are_at_least_twelve_examples() {
    let names: Vec<String> = std::fs::read_dir(concat!(env!("CARGO_MANIFEST_DIR"), "/examples"))
        .expect("examples/")
        .filter_map(|e| e.ok()?.file_name().into_string().ok())
        .filter(|n| n.ends_with(".phy"))
        .collect();
    for wanted in [
        "burgers",
        "heat",
        "schrodinger",
        "burgers_inverse",
        "kovasznay",
        "poisson_lshape",
        "poisson_plate",
        "symmetric",
        "pendulum_hnn",
        "allen_cahn",
        "kdv",
        "wave",
    ] {
        assert!(
            names.contains(&format!("{wanted}.phy")),
            "missing example {wanted}.phy"
        );
    }
}

/// The native kernel of one small example, as cranelift compiles it.
#[test]
fn clif_of_the_heat_example() {
    let case = common::check(std::path::Path::new(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/examples/heat.phy"
    )));
    let lowered = case.frontend.lowered.as_ref().expect("lowered");
    let roots: Vec<_> = lowered.residuals.iter().map(|r| r.expr).collect();
    let kernel = physc_compiler::jit::Kernel::compile(&lowered.graph, &roots).expect("compiles");
    insta::assert_snapshot!(stages::clif(&case.frontend.checked.model, lowered, &kernel));
}
