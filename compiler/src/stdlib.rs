//! The standard library: `.phy` modules compiled into the binary.
//!
//! `operators` is loaded into every model (the prelude); the others are
//! brought in with `use NAME`. Modules hold only `def`s. Each is parsed once
//! per process; the tests check that every module parses cleanly and that
//! every `def` in it checks when called.

use crate::syntax::{self, ast::Program};
use std::sync::OnceLock;

/// The module loaded into every model.
pub const PRELUDE: &str = "operators";

/// Every module: name and source.
pub const MODULES: &[(&str, &str)] = &[
    ("operators", include_str!("../../stdlib/operators.phy")),
    ("equations", include_str!("../../stdlib/equations.phy")),
];

/// Every module, parsed.
pub fn parsed() -> &'static [(String, Program)] {
    static PARSED: OnceLock<Vec<(String, Program)>> = OnceLock::new();
    PARSED.get_or_init(|| {
        MODULES
            .iter()
            .map(|(name, text)| (name.to_string(), syntax::parse(text).0))
            .collect()
    })
}
