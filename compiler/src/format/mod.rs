//! `physc fmt`: one canonical layout for `.phy` files.
//!
//! Input: a source file. Output: the same file laid out canonically, or
//! the syntax errors that stop it from being formatted (a file that does not
//! parse is never touched). Only white space changes: tokens keep their
//! spelling and order, and no line break is added or removed inside a
//! statement, so the formatted file means exactly what the original did.
//!
//! The layout, as the examples write it:
//! - spacing within a line by [`space::Spacer`];
//! - a line inside brackets indented two spaces per open bracket, a
//!   continued expression four;
//! - in a block of one-line statements (consecutive lines, no blank or
//!   comment line between), equation labels padded so the equations start in
//!   one column, `on` clauses aligned, and trailing comments aligned;
//! - runs of blank lines reduced to one, none at the start or end, and the
//!   file ends with one line break.
//!
//! Formatting is idempotent: formatting the output again changes nothing.

pub mod lex;
mod space;

use crate::diagnostics::Diagnostic;
use lex::{Kind, Token};
use space::Spacer;

/// Spaces between an equation and its aligned `on` clause or comment.
const GAP: usize = 3;
/// Indentation of one open bracket.
const INDENT: usize = 2;
/// Indentation of a line that continues an expression outside brackets.
const CONTINUED: usize = 4;

/// Formats `text`, or returns its syntax errors.
pub fn format(text: &str) -> Result<String, Vec<Diagnostic>> {
    let (_, diagnostics) = crate::syntax::parse(text);
    let errors: Vec<Diagnostic> = diagnostics.into_iter().filter(|d| d.is_error()).collect();
    if !errors.is_empty() {
        return Err(errors);
    }
    Ok(layout(text))
}

/// One line of output before alignment.
#[derive(Debug, Default)]
struct Line {
    indent: usize,
    code: String,
    comment: Option<String>,
    /// A whole statement on one line, so it may be aligned with others.
    simple: bool,
    /// Length of `label:` at the start of `code`.
    label: Option<usize>,
    /// Byte offset of the `on` keyword in `code`.
    on: Option<usize>,
}

impl Line {
    fn is_blank(&self) -> bool {
        self.code.is_empty() && self.comment.is_none()
    }
}

fn layout(text: &str) -> String {
    let all = lex::tokens(text);
    let significant: Vec<Token> = all
        .iter()
        .copied()
        .filter(|t| !matches!(t.kind, Kind::Comment | Kind::Newline))
        .collect();
    let mut spacer = Spacer::default();
    let mut next = 0; // index into `significant`
    let mut lines = vec![];
    let mut continued = false;
    for physical in all.split(|t| t.kind == Kind::Newline) {
        let depth_before = spacer.depth();
        let mut line = Line {
            simple: depth_before == 0 && !continued,
            ..Line::default()
        };
        let leading_closers = physical.iter().take_while(|t| t.closes()).count();
        line.indent = if depth_before > 0 {
            INDENT * depth_before.saturating_sub(leading_closers)
        } else if continued {
            CONTINUED
        } else {
            0
        };
        let mut statements = 0;
        for token in physical {
            if token.kind == Kind::Comment {
                line.comment = Some(token.text.to_string());
                continue;
            }
            if line.code.is_empty() {
                statements += 1;
            }
            if spacer.space_before(token) && !line.code.is_empty() {
                line.code.push(' ');
            }
            if spacer.depth() == 0 {
                if token.is("on") {
                    line.on = Some(line.code.len());
                } else if token.is(":") && next > 0 {
                    let first = significant[next - 1];
                    let alone = line.code.len() == first.text.len();
                    if alone && first.kind == Kind::Word && !first.is_keyword() {
                        line.label = Some(line.code.len() + 1);
                    }
                }
            }
            line.code.push_str(token.text);
            spacer.push(&significant, next);
            next += 1;
            if token.is(";") && spacer.depth() == 0 {
                spacer.end_statement();
                statements += 1;
            }
        }
        // A blank or comment line leaves a statement as it was.
        if let Some(last) = physical.iter().rev().find(|t| t.kind != Kind::Comment) {
            continued = spacer.depth() > 0 || continues(last);
            if !continued {
                spacer.end_statement();
            }
        }
        line.simple &= !continued && statements == 1 && !line.code.is_empty();
        lines.push(line);
    }
    for block in lines.split_mut(|l| !l.simple) {
        align(block);
    }
    render(&lines)
}

/// Whether a line ending in `token` goes on to the next (the rule of
/// `syntax::split`).
fn continues(token: &Token) -> bool {
    token.kind == Kind::Punct
        && token
            .text
            .bytes()
            .last()
            .is_some_and(|b| b"+-*/^=,|&:\\<>".contains(&b))
}

/// Aligns labels, `on` clauses and comments across a block of one-line
/// statements.
fn align(block: &mut [Line]) {
    let width = |s: &str| s.chars().count();
    if let Some(widest) = block.iter().filter_map(|l| l.label).max() {
        for line in block.iter_mut() {
            if let Some(label) = line.label {
                let pad = widest - label;
                line.code.insert_str(label, &" ".repeat(pad));
                line.on = line.on.map(|on| on + pad);
            }
        }
    }
    // The column of `on`, or of the comment of a line without `on`.
    let key = |l: &Line| match l.on {
        Some(on) => Some(width(l.code[..on].trim_end())),
        None => l.comment.as_ref().map(|_| width(&l.code)),
    };
    let Some(column) = block.iter().filter_map(key).max().map(|k| k + GAP) else {
        return;
    };
    for line in block.iter_mut() {
        match line.on {
            Some(on) => {
                let (head, tail) = line.code.split_at(on);
                let head = head.trim_end();
                line.code = format!("{head}{}{tail}", " ".repeat(column - width(head)));
            }
            None if line.comment.is_some() => {
                let pad = column - width(&line.code);
                line.code.push_str(&" ".repeat(pad - GAP));
            }
            None => {}
        }
    }
    // Comments after an `on` clause line up among themselves.
    let after_on = block
        .iter()
        .filter(|l| l.on.is_some() && l.comment.is_some())
        .map(|l| width(&l.code))
        .max();
    if let Some(widest) = after_on {
        for line in block
            .iter_mut()
            .filter(|l| l.on.is_some() && l.comment.is_some())
        {
            let pad = widest - width(&line.code);
            line.code.push_str(&" ".repeat(pad));
        }
    }
}

fn render(lines: &[Line]) -> String {
    let mut out = String::new();
    let mut blank = false;
    for line in lines {
        if line.is_blank() {
            blank = !out.is_empty();
            continue;
        }
        if blank {
            out.push('\n');
            blank = false;
        }
        out.push_str(&" ".repeat(line.indent));
        out.push_str(&line.code);
        if let Some(comment) = &line.comment {
            if !line.code.is_empty() {
                out.push_str(&" ".repeat(GAP));
            }
            out.push_str(comment);
        }
        out.push('\n');
    }
    out
}

#[cfg(test)]
mod tests;
