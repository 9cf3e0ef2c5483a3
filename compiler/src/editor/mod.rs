//! What an editor asks of a file: hover, definitions, references,
//! completion and an outline, in byte offsets of the source.
//!
//! Input: the text of one model (and the files it reads). Output: an
//! [`Analysis`] that answers questions about positions in it. Positions are
//! byte offsets; the language server converts them to the protocol's
//! UTF-16 lines and columns. Nothing here prints or talks to a client.

mod complete;
mod hover;
pub mod index;

pub use complete::{Completion, CompletionKind};
pub use index::{Index, Origin, Symbol, SymbolKind, Target};

use crate::Frontend;
use crate::check::Files;
use crate::source::Span;
use crate::syntax::ast::ItemKind;
use std::path::{Path, PathBuf};

/// One file taken through the front end, with its names indexed.
pub struct Analysis {
    pub text: String,
    pub frontend: Frontend,
    pub index: Index,
    base_dir: PathBuf,
}

/// Where a definition is.
#[derive(Clone, Debug, PartialEq)]
pub enum Place {
    /// In the analysed file.
    Here(Span),
    /// In a standard library module: its index in
    /// [`crate::stdlib::MODULES`], and the span in its text.
    Stdlib { module: usize, span: Span },
    /// A column of a data file: the file, and the column's name in its
    /// header line.
    Column { path: PathBuf, column: String },
}

/// An entry of the outline.
#[derive(Clone, Debug, PartialEq)]
pub struct OutlineItem {
    pub name: String,
    pub kind: SymbolKind,
    /// The declaring name.
    pub selection: Span,
    /// The whole statement.
    pub span: Span,
}

impl Analysis {
    /// Analyses `text`; data paths are relative to `base_dir`.
    pub fn new(text: String, base_dir: &Path, files: &dyn Files) -> Analysis {
        let frontend = crate::check_source(&text, base_dir, files);
        let index = Index::build(&frontend.program);
        Analysis {
            text,
            frontend,
            index,
            base_dir: base_dir.to_path_buf(),
        }
    }

    /// The source text of `span`.
    pub fn slice(&self, span: Span) -> &str {
        self.text.get(span.start..span.end).unwrap_or("")
    }

    /// Markdown describing the name under `offset`, and the name's span.
    pub fn hover(&self, offset: usize) -> Option<(Span, String)> {
        let occurrence = self.index.at(offset)?;
        let mut text = hover::describe(self, &occurrence.target);
        if let Some(expanded) = hover::expansion(self, occurrence) {
            text.push_str(&expanded);
        }
        Some((occurrence.span, text))
    }

    /// Where the name under `offset` is declared.
    pub fn definition(&self, offset: usize) -> Option<Place> {
        match &self.index.at(offset)?.target {
            Target::Symbol(id) => {
                let symbol = &self.index.symbols[*id];
                Some(match symbol.origin {
                    Origin::User => Place::Here(symbol.span),
                    Origin::Stdlib(module) => Place::Stdlib {
                        module,
                        span: symbol.span,
                    },
                })
            }
            Target::Column { data, column } => {
                let name = &self.index.symbols[*data].name;
                let set = self
                    .frontend
                    .checked
                    .model
                    .data
                    .iter()
                    .find(|d| d.name == *name)?;
                Some(Place::Column {
                    path: self.base_dir.join(&set.path),
                    column: column.clone(),
                })
            }
            Target::Builtin(_) => None,
        }
    }

    /// Every place in this file that names what the name under `offset`
    /// names, the declaration first when it is here.
    pub fn references(&self, offset: usize) -> Vec<Span> {
        let Some(occurrence) = self.index.at(offset) else {
            return vec![];
        };
        let mut spans: Vec<(bool, Span)> = self
            .index
            .occurrences_of(&occurrence.target)
            .map(|o| (!o.declaration, o.span))
            .collect();
        spans.sort_by_key(|(use_, span)| (*use_, span.start));
        spans.into_iter().map(|(_, span)| span).collect()
    }

    /// What may be written at `offset`.
    pub fn completions(&self, offset: usize) -> Vec<Completion> {
        complete::at(self, offset)
    }

    /// The file's declarations, in source order: fields, networks,
    /// equations by label, and every other named thing.
    pub fn outline(&self) -> Vec<OutlineItem> {
        let mut items: Vec<OutlineItem> = self
            .index
            .declared()
            .map(|s| OutlineItem {
                name: s.name.clone(),
                kind: s.kind,
                selection: s.span,
                span: s.statement,
            })
            .collect();
        for item in &self.frontend.program.items {
            if let ItemKind::Net { names, .. } = &item.kind {
                let (first, last) = (names.first(), names.last());
                let selection = first
                    .zip(last)
                    .map_or(item.span, |(a, b)| a.span.to(b.span));
                items.push(OutlineItem {
                    name: format!("net {}", self.slice(selection)),
                    kind: SymbolKind::Network,
                    selection,
                    span: item.span,
                });
            }
        }
        items.sort_by_key(|i| i.selection.start);
        items
    }
}

#[cfg(test)]
mod tests;
