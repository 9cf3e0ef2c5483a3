//! The compiler's answers in the protocol's types.
//!
//! Input: diagnostics, completions, outline items and definition places in
//! byte offsets. Output: `lsp_types` values in UTF-16 positions (through
//! [`Lines`]). A diagnostic keeps everything the terminal shows: its code,
//! linked to the README's table of codes, its severity, the primary label's
//! message, the secondary labels as related information and the help text.

use super::position::Lines;
use super::uri;
use lsp_types as lsp;
use physc_compiler::diagnostics::{Diagnostic, Severity};
use physc_compiler::editor::{Completion, CompletionKind, OutlineItem, Place, SymbolKind};
use physc_compiler::source::Span;
use std::path::{Path, PathBuf};
use std::str::FromStr;

/// Where each code is explained: the README's table of diagnostics.
const CODES_URL: &str = concat!(env!("CARGO_PKG_REPOSITORY"), "#diagnostics");

pub fn diagnostic(d: &Diagnostic, uri: &lsp::Uri, lines: &Lines) -> lsp::Diagnostic {
    let primary = d.labels.first();
    let mut message = d.message.clone();
    if let Some(label) = primary.filter(|l| !l.message.is_empty()) {
        message = format!("{message}: {}", label.message);
    }
    if let Some(help) = &d.help {
        message = format!("{message}\nhelp: {help}");
    }
    let related: Vec<lsp::DiagnosticRelatedInformation> = d
        .labels
        .iter()
        .skip(1)
        .map(|label| lsp::DiagnosticRelatedInformation {
            location: lsp::Location::new(uri.clone(), lines.range(label.span)),
            message: if label.message.is_empty() {
                "here".to_string()
            } else {
                label.message.clone()
            },
        })
        .collect();
    lsp::Diagnostic {
        range: lines.range(d.primary_span()),
        severity: Some(match d.severity {
            Severity::Error => lsp::DiagnosticSeverity::ERROR,
            Severity::Warning => lsp::DiagnosticSeverity::WARNING,
        }),
        code: Some(lsp::NumberOrString::String(d.code.as_str().to_string())),
        code_description: lsp::Uri::from_str(CODES_URL)
            .ok()
            .map(|href| lsp::CodeDescription { href }),
        source: Some("physc".to_string()),
        message,
        related_information: (!related.is_empty()).then_some(related),
        tags: None,
        data: None,
    }
}

pub fn completion(c: Completion) -> lsp::CompletionItem {
    use lsp::CompletionItemKind as K;
    let kind = match c.kind {
        CompletionKind::Keyword => K::KEYWORD,
        CompletionKind::Option => K::PROPERTY,
        CompletionKind::Column => K::FIELD,
        CompletionKind::Function => K::FUNCTION,
        CompletionKind::Value => K::CONSTANT,
        CompletionKind::Shape => K::STRUCT,
        CompletionKind::Activation => K::ENUM_MEMBER,
        CompletionKind::Symbol(symbol) => match symbol {
            SymbolKind::Const => K::CONSTANT,
            SymbolKind::Def | SymbolKind::Network => K::FUNCTION,
            SymbolKind::Label => K::REFERENCE,
            SymbolKind::Region => K::STRUCT,
            SymbolKind::Data => K::FILE,
            _ => K::VARIABLE,
        },
    };
    lsp::CompletionItem {
        label: c.label,
        kind: Some(kind),
        detail: Some(c.detail),
        ..lsp::CompletionItem::default()
    }
}

#[allow(deprecated)] // `DocumentSymbol::deprecated` must be written out.
pub fn symbol(item: OutlineItem, lines: &Lines) -> lsp::DocumentSymbol {
    use lsp::SymbolKind as K;
    let kind = match item.kind {
        SymbolKind::Field => K::FIELD,
        SymbolKind::Const => K::CONSTANT,
        SymbolKind::Learn | SymbolKind::Param => K::VARIABLE,
        SymbolKind::Function | SymbolKind::Def => K::FUNCTION,
        SymbolKind::Coordinate | SymbolKind::Local => K::TYPE_PARAMETER,
        SymbolKind::Region => K::STRUCT,
        SymbolKind::Data => K::FILE,
        SymbolKind::Label => K::EVENT,
        SymbolKind::Network => K::CLASS,
    };
    lsp::DocumentSymbol {
        name: item.name,
        detail: Some(item.kind.describe().to_string()),
        kind,
        tags: None,
        deprecated: None,
        range: lines.range(item.span),
        selection_range: lines.range(item.selection),
        children: None,
    }
}

/// The location of a definition, writing a standard library module to
/// `stdlib_dir` so that an editor can open it.
pub fn place(
    place: Place,
    uri: &lsp::Uri,
    lines: &Lines,
    stdlib_dir: &Path,
) -> Option<lsp::Location> {
    match place {
        Place::Here(span) => Some(lsp::Location::new(uri.clone(), lines.range(span))),
        Place::Stdlib { module, span } => {
            let (name, text) = physc_compiler::stdlib::MODULES.get(module)?;
            let path = stdlib_file(stdlib_dir, name, text)?;
            let range = Lines::new(text).range(span);
            Some(lsp::Location::new(uri::from_path(&path)?, range))
        }
        Place::Column { path, column } => {
            let header = first_line(&path)?;
            let start = header_column(&header, &column)?;
            let lines = Lines::new(&header);
            let range = lines.range(Span::new(start, start + column.len()));
            Some(lsp::Location::new(uri::from_path(&path)?, range))
        }
    }
}

/// The module's text in `dir`, written once per physc version (the text
/// is compiled into the binary, so no file may exist yet).
fn stdlib_file(dir: &Path, name: &str, text: &str) -> Option<PathBuf> {
    let path = dir.join(format!("{name}.phy"));
    if std::fs::read_to_string(&path).ok().as_deref() != Some(text) {
        std::fs::create_dir_all(dir).ok()?;
        let partial = dir.join(format!("{name}.phy.{}", std::process::id()));
        std::fs::write(&partial, text).ok()?;
        std::fs::rename(&partial, &path).ok()?;
    }
    Some(path)
}

fn first_line(path: &Path) -> Option<String> {
    use std::io::BufRead;
    let file = std::fs::File::open(path).ok()?;
    let mut line = String::new();
    std::io::BufReader::new(file).read_line(&mut line).ok()?;
    Some(line.trim_end_matches(['\r', '\n']).to_string())
}

/// Byte offset of `column` in a CSV header line.
fn header_column(header: &str, column: &str) -> Option<usize> {
    let mut offset = 0;
    for cell in header.split(',') {
        let name = cell.trim().trim_matches('"');
        if name == column {
            return Some(offset + cell.find(name).unwrap_or(0));
        }
        offset += cell.len() + 1;
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_column_is_found_in_its_header() {
        assert_eq!(header_column("x,t,u", "u"), Some(4));
        assert_eq!(header_column("x, t , \"u\"", "u"), Some(8));
        assert_eq!(header_column("x,t", "u"), None);
    }
}
