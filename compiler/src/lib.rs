//! physc compiler: `.phy` source to a checked model.
//!
//! The passes run one way: [`syntax::parse`] (text to AST with spans), then
//! [`check::check`] (AST to [`model::Model`], names resolved and every
//! problem reported as a [`diagnostics::Diagnostic`]). The compiler does no
//! printing; data files are read through the [`check::Files`] trait so that
//! tests and editors can supply their own.

pub mod check;
pub mod diagnostics;
pub mod exact;
pub mod geometry;
pub mod ir;
pub mod jit;
pub mod model;
pub mod sample;
pub mod sobol;
pub mod source;
pub mod stdlib;
pub mod syntax;

use std::path::Path;

/// A source file taken through every front-end pass.
#[derive(Debug)]
pub struct Frontend {
    pub program: syntax::ast::Program,
    pub checked: check::Checked,
    /// The residuals in the IR, when the model checked without errors.
    pub lowered: Option<ir::lower::Lowered>,
}

impl Frontend {
    pub fn has_errors(&self) -> bool {
        self.checked.has_errors()
    }
}

/// Parses, checks and lowers `text`; data paths are relative to
/// `base_dir`. Diagnostics of every pass come together, sorted by position.
pub fn check_source(text: &str, base_dir: &Path, files: &dyn check::Files) -> Frontend {
    let (program, syntax_diagnostics) = syntax::parse(text);
    let mut checked = check::check(&program, base_dir, files);
    checked.diagnostics.extend(syntax_diagnostics);
    let mut lowered = None;
    if !checked.has_errors() {
        match ir::lower::lower(&checked.model) {
            Ok(l) => {
                checked.diagnostics.extend(exact::check(&checked.model, &l));
                lowered = Some(l);
            }
            Err(errors) => checked.diagnostics.extend(errors),
        }
    }
    diagnostics::sort(&mut checked.diagnostics);
    Frontend {
        program,
        checked,
        lowered,
    }
}
