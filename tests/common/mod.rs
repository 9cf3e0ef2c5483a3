//! Helpers shared by the end-to-end tests.

#![allow(dead_code)]

use physc_compiler::check::DiskFiles;
use physc_compiler::diagnostics::{self, Diagnostic, RenderOptions};
use std::path::Path;

/// A model read from disk and taken through the front end.
pub struct Case {
    pub name: String,
    pub text: String,
    pub frontend: physc_compiler::Frontend,
}

/// Checks `path` with data files relative to `base_dir`.
pub fn check_in(path: &Path, base_dir: &Path) -> Case {
    let text =
        std::fs::read_to_string(path).unwrap_or_else(|e| panic!("read {}: {e}", path.display()));
    let frontend = physc_compiler::check_source(&text, base_dir, &DiskFiles);
    let name = path
        .file_name()
        .expect("a file")
        .to_string_lossy()
        .into_owned();
    Case {
        name,
        text,
        frontend,
    }
}

/// Checks `path` with data files next to it.
pub fn check(path: &Path) -> Case {
    check_in(path, path.parent().expect("a parent directory"))
}

impl Case {
    /// Every diagnostic `physc run` shows: the checker's, then what
    /// training does not support yet.
    pub fn diagnostics(&self) -> Vec<Diagnostic> {
        let mut all = self.frontend.checked.diagnostics.clone();
        all.extend(self.frontend.untrainable.iter().cloned());
        all
    }

    /// Diagnostics as `physc run` shows them, without colour, 80 columns
    /// wide.
    pub fn rendered(&self) -> String {
        self.render(&self.diagnostics())
    }

    /// The checker's diagnostics alone, as `physc check` shows them.
    pub fn rendered_check(&self) -> String {
        self.render(&self.frontend.checked.diagnostics)
    }

    fn render(&self, found: &[Diagnostic]) -> String {
        let options = RenderOptions {
            color: false,
            width: Some(80),
        };
        diagnostics::render(found, &self.name, &self.text, options)
    }

    pub fn json(&self) -> String {
        let json = diagnostics::to_json(&self.diagnostics(), &self.name, &self.text);
        serde_json::to_string_pretty(&json).expect("serialises")
    }

    pub fn codes(&self) -> Vec<&'static str> {
        self.diagnostics().iter().map(|d| d.code.as_str()).collect()
    }
}
