//! Diagnostics, one bad model each: `tests/ui/NAME.phy` starts with
//! `# expect: CODE...`, the exact set of codes it must produce. Each is
//! snapshotted as a person sees it (no colour, 80 columns) and as JSON.

mod common;

use std::collections::BTreeSet;

#[test]
fn ui() {
    insta::glob!("ui", "*.phy", |path| {
        let case = common::check(path);
        let expected: BTreeSet<&str> = case
            .text
            .lines()
            .next()
            .and_then(|l| l.strip_prefix("# expect:"))
            .unwrap_or_else(|| panic!("{} lacks `# expect: CODE`", case.name))
            .split_whitespace()
            .collect();
        let found: BTreeSet<&str> = case.codes().into_iter().collect();
        assert_eq!(found, expected, "{}:\n{}", case.name, case.rendered());
        insta::assert_snapshot!(format!(
            "----- RENDERED\n{}\n----- JSON\n{}",
            case.rendered().trim_end(),
            case.json()
        ));
    });
}

#[test]
fn every_code_has_a_ui_test() {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/ui");
    let mut covered = BTreeSet::new();
    for entry in std::fs::read_dir(dir).expect("tests/ui") {
        let text = std::fs::read_to_string(entry.expect("entry").path()).unwrap_or_default();
        if let Some(codes) = text
            .lines()
            .next()
            .and_then(|l| l.strip_prefix("# expect:"))
        {
            covered.extend(codes.split_whitespace().map(str::to_string));
        }
    }
    for code in physc_compiler::diagnostics::Code::ALL {
        assert!(
            covered.contains(code.as_str()),
            "no ui test produces {}",
            code.as_str()
        );
    }
}
