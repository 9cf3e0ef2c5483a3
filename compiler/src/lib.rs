//! physc compiler: `.phy` source to a checked model.
//!
//! The passes run one way: [`syntax::parse`] (text to AST with spans), then
//! [`check::check`] (AST to [`model::Model`], names resolved and every
//! problem reported as a [`diagnostics::Diagnostic`]), [`ir::lower`]
//! (the model to residuals in the symbolic IR), and [`program::build`]
//! (the IR to the loss program that every back end evaluates; the
//! cranelift kernels of [`jit`] compile its expressions). The compiler does no
//! printing; data files are read through the [`check::Files`] trait so that
//! tests and editors can supply their own.

/// Typed indices into the tables of a model or a program: a newtype per
/// table, so an id cannot index the wrong one.
macro_rules! ids {
    ($($name:ident),*) => {$(
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub struct $name(pub u32);
        impl $name {
            pub fn index(self) -> usize { self.0 as usize }
        }
    )*};
}

pub mod check;
pub mod diagnostics;
pub mod editor;
pub mod exact;
pub mod format;
pub mod ir;
pub mod jit;
pub mod lie;
pub mod model;
pub mod program;
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
    /// The loss program, when the model lowered and training supports
    /// everything it uses.
    pub loss: Option<program::LossProgram>,
    /// Why there is no loss program for a lowered model: what training
    /// does not support yet. Errors for `physc run`, not for `physc check`.
    pub untrainable: Vec<diagnostics::Diagnostic>,
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
    let (mut lowered, mut loss_program, mut untrainable) = (None, None, vec![]);
    if !checked.has_errors() {
        match ir::lower::lower(&checked.model) {
            Ok(l) => {
                checked.diagnostics.extend(exact::check(&checked.model));
                match program::build(&checked.model, &l) {
                    Ok(p) => loss_program = Some(p),
                    Err(refused) => untrainable = refused,
                }
                lowered = Some(l);
            }
            Err(errors) => checked.diagnostics.extend(errors),
        }
    }
    diagnostics::sort(&mut checked.diagnostics);
    diagnostics::sort(&mut untrainable);
    Frontend {
        program,
        checked,
        lowered,
        loss: loss_program,
        untrainable,
    }
}
