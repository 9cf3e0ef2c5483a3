//! `physc fmt`: lays out model files canonically, in place or as a check.
//!
//! Input: model files. Output: each file rewritten with
//! [`physc_compiler::format::format`] (only when its layout changes, so an
//! already formatted file keeps its timestamp), or with `--check` a list of
//! the files that are not formatted. A file with syntax errors is reported
//! and left alone. The status is 0 when every file is (or now is)
//! formatted, 1 when `--check` finds one that is not or a file does not
//! parse, 2 when a file cannot be read or written.

use crate::render_options;
use physc_compiler::diagnostics;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

/// What became of one file.
enum Outcome {
    Unchanged,
    Formatted,
    /// `--check`: the layout would change.
    NotFormatted,
    /// Syntax errors, already reported.
    Unparsable,
    /// Cannot be read or written, already reported.
    Unreachable,
}

pub fn fmt(files: &[PathBuf], check: bool) -> ExitCode {
    let outcomes: Vec<Outcome> = files.iter().map(|path| one(path, check)).collect();
    let count = |wanted: fn(&Outcome) -> bool| outcomes.iter().filter(|o| wanted(o)).count();
    if count(|o| matches!(o, Outcome::Unreachable)) > 0 {
        return ExitCode::from(2);
    }
    let failed = count(|o| matches!(o, Outcome::Unparsable | Outcome::NotFormatted));
    if check {
        let unformatted = count(|o| matches!(o, Outcome::NotFormatted));
        if unformatted > 0 {
            errln!(
                "physc fmt: {unformatted} of {} file{} not formatted; run `physc fmt` on {}",
                files.len(),
                if files.len() == 1 { "" } else { "s" },
                if unformatted == 1 { "it" } else { "them" }
            );
        }
    }
    if failed > 0 {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    }
}

fn one(path: &Path, check: bool) -> Outcome {
    let text = match std::fs::read_to_string(path) {
        Ok(text) => text,
        Err(e) => {
            errln!("physc: cannot read {}: {e}", path.display());
            return Outcome::Unreachable;
        }
    };
    let formatted = match physc_compiler::format::format(&text) {
        Ok(formatted) => formatted,
        Err(errors) => {
            let name = path.display().to_string();
            err!(
                "{}",
                diagnostics::render(&errors, &name, &text, render_options())
            );
            errln!("{name}: not formatted: it has syntax errors");
            return Outcome::Unparsable;
        }
    };
    if formatted == text {
        return Outcome::Unchanged;
    }
    if check {
        outln!("{}", path.display());
        return Outcome::NotFormatted;
    }
    match write_atomically(path, &formatted) {
        Ok(()) => Outcome::Formatted,
        Err(e) => {
            errln!("physc: cannot write {}: {e}", path.display());
            Outcome::Unreachable
        }
    }
}

/// Replaces `path` as run directories' files are replaced (a temporary file
/// synced and renamed over it), so an interrupted `physc fmt` leaves the old
/// file or the new one, never half; the file keeps its permissions.
fn write_atomically(path: &Path, text: &str) -> std::io::Result<()> {
    let permissions = std::fs::metadata(path)?.permissions();
    physc_runtime::report::write_atomically(path, text.as_bytes())?;
    std::fs::set_permissions(path, permissions)
}
