//! What can be read of a statement that does not parse.
//!
//! Input: the file and the span of one statement the grammar refused.
//! Output: an [`Unparsed`]: its label, the names it declares, whether it
//! has an `on` clause, and every name in it, read from its tokens alone.
//! The checker uses these so that one syntax error is one diagnostic, not
//! a cascade of "unknown name", "no such option" and "no domain".

use super::ast::{Ident, Unparsed};
use crate::format::lex::{self, Kind, Token};
use crate::source::Span;

/// Keywords that declare the names after them.
const DECLARING: &[&str] = &["const", "learn", "param", "field", "region", "data", "def"];

pub(super) fn unparsed(text: &str, span: Span) -> Unparsed {
    let tokens: Vec<Token> = lex::tokens(&text[span.start..span.end])
        .into_iter()
        .filter(|t| !matches!(t.kind, Kind::Comment | Kind::Newline))
        .collect();
    let ident = |t: &Token| Ident {
        name: t.text.to_string(),
        span: Span::new(span.start + t.span.start, span.start + t.span.end),
    };
    let word = |i: usize| tokens.get(i).filter(|t| t.kind == Kind::Word);
    let mut unparsed = Unparsed {
        span,
        has_on: tokens
            .iter()
            .any(|t| t.kind == Kind::Word && t.text == "on"),
        names: tokens
            .iter()
            .filter(|t| t.kind == Kind::Word && !t.is_keyword())
            .map(|t| t.text.to_string())
            .collect(),
        ..Unparsed::default()
    };
    match word(0) {
        Some(first) if DECLARING.contains(&first.text) => {
            // `field u, v, p (...)`: names separated by commas.
            let mut i = 1;
            while let Some(name) = word(i).filter(|t| !t.is_keyword()) {
                unparsed.declares.push(ident(name));
                if !tokens.get(i + 1).is_some_and(|t| t.is(",")) {
                    break;
                }
                i += 2;
            }
        }
        Some(first) if !first.is_keyword() && tokens.get(1).is_some_and(|t| t.is(":")) => {
            unparsed.label = Some(ident(first));
        }
        _ => {}
    }
    unparsed
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(text: &str) -> Unparsed {
        unparsed(text, Span::new(0, text.len()))
    }

    #[test]
    fn labels_declarations_and_on_clauses_are_read_from_tokens() {
        let bc = read("bc_u: u = 0 on [0,1] x [0,,1]   # comment");
        assert_eq!(bc.label.map(|l| l.name), Some("bc_u".to_string()));
        assert!(bc.has_on);
        assert_eq!(bc.names, ["bc_u", "u", "x"]);
        let def = read("def exx = d(u, x, 2)");
        let declared: Vec<_> = def
            .declares
            .iter()
            .map(|i| (i.name.as_str(), i.span))
            .collect();
        assert_eq!(declared, [("exx", Span::new(4, 7))]);
        assert!(!def.has_on && def.label.is_none());
        let fields = read("field u, v, p (x, y");
        let declared: Vec<_> = fields.declares.iter().map(|i| i.name.as_str()).collect();
        assert_eq!(declared, ["u", "v", "p"]);
        assert_eq!(read("exact u = = 1").label, None);
    }
}
