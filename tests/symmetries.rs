//! `physc symmetries` on the examples whose equations have classical
//! symmetry algebras (Olver, Applications of Lie Groups to Differential
//! Equations): heat (translations, scaling, Galilean boost, projective,
//! u-scaling, and the superposition of the solutions the ansatz holds),
//! viscous Burgers (five), KdV (four) and the wave equation. The algebras
//! are verified symbolically in the compiler's unit tests; here the
//! command's output is snapshotted.

use std::process::Command;

fn symmetries(example: &str) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_physc"))
        .args(["symmetries", &format!("examples/{example}.phy")])
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .expect("physc runs")
}

#[test]
fn classical_algebras_of_the_examples() {
    for (example, generators) in [("heat", 9), ("burgers", 5), ("kdv", 4), ("wave", 12)] {
        let output = symmetries(example);
        assert!(output.status.success(), "{example}: {output:?}");
        let text = String::from_utf8(output.stdout).expect("UTF-8");
        assert!(
            text.contains(&format!("\n{generators} generators\n")),
            "{text}"
        );
        insta::assert_snapshot!(example, text);
    }
}

#[test]
fn a_system_is_refused_with_a_reason() {
    let output = symmetries("kovasznay");
    assert_eq!(output.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("one equation"), "{stderr}");
}
