//! Syntax: source text to [`ast::Program`].
//!
//! [`parse`] splits the file into statements ([`split`]), parses each with
//! the pest grammar `grammar/phy.pest`, and builds the AST ([`build`]).
//! A statement that does not parse is reported ([`errors`]) and left out;
//! the others are kept, so the checker still sees every good statement.

pub mod ast;
mod build;
mod errors;
pub mod print;
mod recover;
pub mod split;

use crate::diagnostics::Diagnostic;
use crate::source::Span;
use pest::Parser;

#[derive(pest_derive::Parser)]
#[grammar = "../grammar/phy.pest"]
pub(crate) struct PhyParser;

/// Parses a whole file. Never panics; problems become diagnostics.
pub fn parse(text: &str) -> (ast::Program, Vec<Diagnostic>) {
    pest::set_error_detail(true);
    let (statements, mut diagnostics) = split::split(text);
    let mut program = ast::Program::default();
    for span in statements {
        match parse_statement(text, span) {
            Ok(item) => program.items.push(item),
            Err(diagnostic) => {
                diagnostics.push(diagnostic);
                program.unparsed.push(recover::unparsed(text, span));
            }
        }
    }
    program.complete = diagnostics.is_empty();
    (program, diagnostics)
}

fn parse_statement(text: &str, span: Span) -> Result<ast::Item, Diagnostic> {
    let statement = &text[span.start..span.end];
    match PhyParser::parse(Rule::statement, statement) {
        Ok(mut pairs) => {
            let pair = pairs.next().expect("statement always yields one item");
            build::item(pair, span.start)
        }
        Err(error) => Err(errors::syntax_error(&error, statement, span.start)),
    }
}
