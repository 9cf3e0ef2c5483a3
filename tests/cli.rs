//! The `physc` command line: exit status, output formats, several files.

use std::process::Command;

fn physc(args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_physc"))
        .args(args)
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .env("NO_COLOR", "1")
        .output()
        .expect("physc runs")
}

#[test]
fn check_of_a_clean_example_succeeds() {
    let out = physc(&["check", "examples/burgers.phy"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(String::from_utf8_lossy(&out.stderr).contains("examples/burgers.phy: ok"));
}

#[test]
fn check_fails_with_status_1_and_reports_every_file() {
    let out = physc(&[
        "check",
        "examples/heat.phy",
        "tests/ui/unknown_name.phy",
        "tests/ui/duplicate.phy",
    ]);
    assert_eq!(out.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("examples/heat.phy: ok"), "{stderr}");
    assert!(
        stderr.contains("E0101") && stderr.contains("E0102"),
        "{stderr}"
    );
    assert!(
        !stderr.contains("\u{1b}["),
        "no colour when not on a terminal"
    );
}

#[test]
fn json_output_has_the_documented_fields() {
    let out = physc(&["check", "--format", "json", "tests/ui/unknown_name.phy"]);
    assert_eq!(out.status.code(), Some(1));
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).expect("stdout is JSON");
    let first = &json.as_array().expect("an array")[0];
    for key in [
        "code", "severity", "message", "file", "line", "column", "offset", "length", "help",
    ] {
        assert!(first.get(key).is_some(), "missing {key} in {first}");
    }
    assert_eq!(first["code"], "E0101");
    assert_eq!(first["severity"], "error");
    assert_eq!(first["file"], "tests/ui/unknown_name.phy");
}

#[test]
fn json_of_a_clean_model_is_an_empty_array() {
    let out = physc(&["check", "--format", "json", "examples/kdv.phy"]);
    assert!(out.status.success());
    assert_eq!(
        serde_json::from_slice::<serde_json::Value>(&out.stdout).expect("JSON"),
        serde_json::json!([])
    );
}

#[test]
fn a_missing_file_is_status_2() {
    let out = physc(&["check", "examples/no_such_model.phy"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("cannot read"));
}

#[test]
fn ir_prints_the_ast_and_the_checked_model() {
    let ast = physc(&["ir", "examples/burgers.phy", "--stage", "ast"]);
    assert!(
        String::from_utf8_lossy(&ast.stdout)
            .contains("(constraint :label ic (= u (neg (sin (* pi x)))) :on (slice t 0))")
    );
    let checked = physc(&["ir", "examples/burgers.phy", "--stage", "checked"]);
    assert!(
        String::from_utf8_lossy(&checked.stdout)
            .contains("field u(x, t) on x in [-1, 1] x t in [0, 1]")
    );
}
