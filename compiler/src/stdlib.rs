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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::syntax::ast::ItemKind;

    #[test]
    fn every_module_parses_cleanly_and_holds_only_defs() {
        for (name, text) in MODULES {
            let (program, diagnostics) = syntax::parse(text);
            assert!(diagnostics.is_empty(), "{name}: {diagnostics:?}");
            assert!(
                program
                    .items
                    .iter()
                    .all(|i| matches!(i.kind, ItemKind::Def { .. })),
                "{name} holds a non-def"
            );
        }
    }

    /// Calls every `def` of every module on fields with all the coordinates a
    /// def may name (and coordinates for coordinate parameters), and
    /// requires a clean check.
    #[test]
    fn every_def_checks_when_called() {
        let fields = ["u", "v", "w", "p"];
        for (module, program) in parsed() {
            for item in &program.items {
                let ItemKind::Def { name, params, .. } = &item.kind else {
                    continue;
                };
                // The mechanics defs take a coordinate and a velocity
                // (`q`, `v`) beside a Lagrangian `L`: pass coordinates there.
                let mechanics = params.iter().any(|p| p.name == "L");
                let args = params
                    .iter()
                    .enumerate()
                    .map(|(k, p)| match p.name.as_str() {
                        "q" if mechanics => "x",
                        "v" if mechanics => "y",
                        _ => fields[k],
                    })
                    .collect::<Vec<_>>()
                    .join(", ");
                let text = format!(
                    "use {module}\nfield u, v, w, p (x in [0,1], y in [0,1], z in [0,1], t in [0,1]): complex\n\
                     {}({args}) = 0\nu = 0 on t = 0\nv = 0 on t = 0\nw = 0 on t = 0\np = 0 on t = 0\n",
                    name.name
                );
                let frontend =
                    crate::check_source(&text, std::path::Path::new("."), &crate::check::DiskFiles);
                assert!(
                    frontend.checked.diagnostics.is_empty(),
                    "{module}.{}({args}): {:?}",
                    name.name,
                    frontend.checked.diagnostics
                );
            }
        }
    }
}
