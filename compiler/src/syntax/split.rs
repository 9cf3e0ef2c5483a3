//! Cuts a source file into statements.
//!
//! Input: the whole text. Output: the byte span of every statement, in order,
//! and diagnostics for unmatched brackets and oversized statements (whose
//! text is then left out, so the parser never sees them).
//!
//! A statement ends at a newline or `;`, unless a bracket is still open or
//! the line's last token is an operator, `=`, `,`, `:` or `\`. Comments run
//! from `#` to the end of the line; strings from `"` to `"` or end of line.
//! An unclosed bracket is reported and scanning resumes on the next line, so
//! one missing `)` costs one diagnostic, not the rest of the file.

use crate::diagnostics::{Code, Diagnostic};
use crate::source::Span;

/// Longest statement the parser accepts, in bytes.
pub const MAX_STATEMENT_LEN: usize = 16 * 1024;
/// Deepest bracket nesting the parser accepts.
pub const MAX_NESTING: usize = 48;

/// Splits `text` into statement spans.
pub fn split(text: &str) -> (Vec<Span>, Vec<Diagnostic>) {
    let mut splitter = Splitter {
        text,
        statements: vec![],
        diagnostics: vec![],
    };
    let mut pos = 0;
    while pos < text.len() {
        pos = splitter.statement(pos);
    }
    (splitter.statements, splitter.diagnostics)
}

struct Splitter<'a> {
    text: &'a str,
    statements: Vec<Span>,
    diagnostics: Vec<Diagnostic>,
}

impl Splitter<'_> {
    /// Scans one statement starting at `from`; returns where the next begins.
    fn statement(&mut self, from: usize) -> usize {
        let bytes = self.text.as_bytes();
        let mut open: Vec<(u8, usize)> = vec![];
        let mut start: Option<usize> = None;
        // End of the last significant (non-space, non-comment) character.
        let mut last_significant: Option<usize> = None;
        // Set once the statement has been reported; it is then not parsed.
        let mut reported = false;
        let mut i = from;
        while i < bytes.len() {
            let c = bytes[i];
            match c {
                b'#' => {
                    i = line_end(bytes, i);
                    continue;
                }
                b'"' => {
                    start.get_or_insert(i);
                    let mut j = i + 1;
                    while j < bytes.len() && bytes[j] != b'"' && bytes[j] != b'\n' {
                        j += 1;
                    }
                    i = if j < bytes.len() && bytes[j] == b'"' {
                        j + 1
                    } else {
                        j
                    };
                    last_significant = Some(i);
                    continue;
                }
                b'\n' | b';' if open.is_empty() => {
                    let continues = c == b'\n'
                        && last_significant.is_some_and(|end| is_continuation(bytes[end - 1]));
                    if !continues {
                        if let Some(s) = start {
                            self.finish(Span::new(s, last_significant.unwrap_or(i)), reported);
                        }
                        return i + 1;
                    }
                }
                b'(' | b'[' | b'{' => {
                    start.get_or_insert(i);
                    open.push((c, i));
                    if open.len() > MAX_NESTING && !reported {
                        reported = true;
                        self.diagnostics.push(
                            Diagnostic::error(
                                Code::TooComplex,
                                format!("brackets nested more than {MAX_NESTING} deep"),
                            )
                            .label(Span::new(i, i + 1), "this bracket is too deep")
                            .help("give parts of the expression names with `def` or `const`"),
                        );
                    }
                }
                b')' | b']' | b'}' => {
                    start.get_or_insert(i);
                    match open.last() {
                        Some(&(o, _)) if closes(o, c) => {
                            open.pop();
                        }
                        _ => {
                            self.unmatched(i, c, open.last().copied());
                            reported = true;
                        }
                    }
                }
                _ => {
                    if !c.is_ascii_whitespace() {
                        start.get_or_insert(i);
                    }
                }
            }
            if !c.is_ascii_whitespace() {
                last_significant = Some(i + 1);
            }
            i += 1;
        }
        if let Some(&(bracket, at)) = open.first() {
            // Report the outermost unclosed bracket, drop its line and go on
            // with the next one.
            self.diagnostics.push(
                Diagnostic::error(Code::Unclosed, format!("unclosed `{}`", bracket as char))
                    .label(Span::new(at, at + 1), "opened here and never closed")
                    .help(format!("add the matching `{}`", closer(bracket) as char)),
            );
            return line_end(bytes, at) + 1;
        }
        if let Some(s) = start {
            self.finish(
                Span::new(s, last_significant.unwrap_or(bytes.len())),
                reported,
            );
        }
        bytes.len()
    }

    fn finish(&mut self, span: Span, reported: bool) {
        if reported {
            return;
        }
        if span.len() > MAX_STATEMENT_LEN {
            self.diagnostics.push(
                Diagnostic::error(
                    Code::TooComplex,
                    format!("statement longer than {MAX_STATEMENT_LEN} bytes"),
                )
                .label(
                    Span::new(span.start, span.start + 1),
                    "this statement is too long",
                )
                .help("split it into smaller definitions with `def` or `const`"),
            );
            return;
        }
        self.statements.push(span);
    }

    fn unmatched(&mut self, at: usize, c: u8, open: Option<(u8, usize)>) {
        let mut diagnostic =
            Diagnostic::error(Code::Unclosed, format!("unmatched `{}`", c as char))
                .label(Span::new(at, at + 1), "no opening bracket matches this");
        diagnostic = match open {
            Some((o, o_at)) => diagnostic
                .label(
                    Span::new(o_at, o_at + 1),
                    format!("`{}` opened here", o as char),
                )
                .help(format!(
                    "close `{}` with `{}` first",
                    o as char,
                    closer(o) as char
                )),
            None => diagnostic.help("remove it, or add the opening bracket it closes"),
        };
        self.diagnostics.push(diagnostic);
    }
}

pub(crate) fn line_end(bytes: &[u8], from: usize) -> usize {
    bytes[from..]
        .iter()
        .position(|&b| b == b'\n')
        .map_or(bytes.len(), |p| from + p)
}

fn is_continuation(last: u8) -> bool {
    matches!(
        last,
        b'+' | b'-' | b'*' | b'/' | b'^' | b'=' | b',' | b'|' | b'&' | b':' | b'\\' | b'<' | b'>'
    )
}

fn closer(open: u8) -> u8 {
    match open {
        b'(' => b')',
        b'[' => b']',
        _ => b'}',
    }
}

fn closes(open: u8, close: u8) -> bool {
    closer(open) == close
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pieces(text: &str) -> Vec<&str> {
        let (spans, diagnostics) = split(text);
        assert!(diagnostics.is_empty(), "{diagnostics:?}");
        spans.iter().map(|s| &text[s.start..s.end]).collect()
    }

    #[test]
    fn one_statement_per_line() {
        assert_eq!(
            pieces("const a = 1\n\n  # note\nconst b = 2 # two\n"),
            ["const a = 1", "const b = 2"]
        );
    }

    #[test]
    fn open_brackets_and_trailing_operators_continue() {
        assert_eq!(
            pieces("train {\n adam()\n}\nu = a +\n  b\nc = 1; d = 2"),
            ["train {\n adam()\n}", "u = a +\n  b", "c = 1", "d = 2"]
        );
    }

    #[test]
    fn brackets_in_comments_and_strings_are_ignored() {
        assert_eq!(
            pieces("data d = csv(\"a(b.csv\") # )\nx = 1"),
            ["data d = csv(\"a(b.csv\")", "x = 1"]
        );
    }

    #[test]
    fn unclosed_bracket_costs_one_line() {
        let text = "u = sin(x\nconst a = 1\n";
        let (spans, diagnostics) = split(text);
        assert_eq!(diagnostics.len(), 1);
        assert_eq!(diagnostics[0].code, Code::Unclosed);
        assert_eq!(diagnostics[0].primary_span(), Span::new(7, 8));
        assert_eq!(
            spans
                .iter()
                .map(|s| &text[s.start..s.end])
                .collect::<Vec<_>>(),
            ["const a = 1"]
        );
    }
}
