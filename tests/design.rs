//! The programs of the design document, exactly as written there, check
//! without errors. Their data files are the examples' (`examples/`).

mod common;

use std::path::Path;

#[test]
fn design_programs_check_clean() {
    let examples = Path::new(env!("CARGO_MANIFEST_DIR")).join("examples");
    insta::glob!("design", "*.phy", |path| {
        let case = common::check_in(path, &examples);
        assert!(
            !case.frontend.has_errors(),
            "{}:\n{}",
            case.name,
            case.rendered()
        );
        let warnings = case.rendered_check();
        insta::assert_snapshot!(if warnings.is_empty() {
            "(no diagnostics)".to_string()
        } else {
            warnings
        });
    });
}
