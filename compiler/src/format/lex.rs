//! Tokens for the formatter and the editor services.
//!
//! Input: a whole source file. Output: every token with its byte span,
//! comments and line breaks included (the parser's grammar drops both, so it
//! cannot serve a formatter). Tokens are spelled exactly as written: `1e-3`
//! stays `1e-3`. The rules follow `grammar/phy.pest`: a number is digits
//! with an optional fraction and exponent, a string runs to its closing quote
//! or the end of the line, a comment from `#` to the end of the line.

use crate::source::Span;
use crate::syntax::split::line_end;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    /// A name: `u_xx`, `mlp`, and also keywords (see [`is_keyword`]).
    Word,
    Number,
    String,
    /// `# ...` up to (not including) the end of the line.
    Comment,
    Newline,
    /// An operator or bracket: `+`, `>=`, `(`, `,`, `×`, ...
    Punct,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Token<'a> {
    pub kind: Kind,
    pub text: &'a str,
    pub span: Span,
}

impl Token<'_> {
    pub fn is(&self, text: &str) -> bool {
        self.text == text && self.kind != Kind::String && self.kind != Kind::Comment
    }

    pub fn is_keyword(&self) -> bool {
        self.kind == Kind::Word && is_keyword(self.text)
    }

    /// Opening bracket.
    pub fn opens(&self) -> bool {
        self.kind == Kind::Punct && matches!(self.text, "(" | "[" | "{")
    }

    /// Closing bracket.
    pub fn closes(&self) -> bool {
        self.kind == Kind::Punct && matches!(self.text, ")" | "]" | "}")
    }
}

/// The language's keywords (the grammar's `kw_` rules).
pub const KEYWORDS: &[&str] = &[
    "const",
    "learn",
    "param",
    "field",
    "region",
    "data",
    "def",
    "use",
    "net",
    "train",
    "symmetry",
    "conserve",
    "exact",
    "reference",
    "on",
    "in",
    "hard",
    "soft",
];

pub fn is_keyword(word: &str) -> bool {
    KEYWORDS.contains(&word)
}

/// Operators of more than one character, longest first.
const MULTI: &[&str] = &[">=", "<=", "=="];

/// Every token of `text`, in order. Never fails: a character the language
/// does not know becomes a one-character [`Kind::Punct`].
pub fn tokens(text: &str) -> Vec<Token<'_>> {
    let bytes = text.as_bytes();
    let mut out = vec![];
    let mut i = 0;
    while i < bytes.len() {
        let c = bytes[i];
        let start = i;
        let kind = match c {
            b' ' | b'\t' | b'\r' => {
                i += 1;
                continue;
            }
            b'\n' => {
                i += 1;
                Kind::Newline
            }
            b'#' => {
                i = line_end(bytes, i);
                Kind::Comment
            }
            b'"' => {
                i += 1;
                while i < bytes.len() && bytes[i] != b'"' && bytes[i] != b'\n' {
                    i += 1;
                }
                if i < bytes.len() && bytes[i] == b'"' {
                    i += 1;
                }
                Kind::String
            }
            c if c.is_ascii_alphabetic() || c == b'_' => {
                while i < bytes.len() && (bytes[i].is_ascii_alphanumeric() || bytes[i] == b'_') {
                    i += 1;
                }
                Kind::Word
            }
            c if c.is_ascii_digit()
                || (c == b'.' && bytes.get(i + 1).is_some_and(u8::is_ascii_digit)) =>
            {
                i = number_end(bytes, i);
                Kind::Number
            }
            _ => {
                i += MULTI
                    .iter()
                    .find(|op| text[i..].starts_with(*op))
                    .map_or_else(
                        || text[i..].chars().next().map_or(1, char::len_utf8),
                        |op| op.len(),
                    );
                Kind::Punct
            }
        };
        let mut end = i;
        if kind == Kind::Comment {
            // Trailing spaces are not part of a comment.
            end = start + text[start..i].trim_end().len();
        }
        out.push(Token {
            kind,
            text: &text[start..end],
            span: Span::new(start, end),
        });
    }
    out
}

/// The end of the number starting at `i`, by the grammar's `number` rule.
fn number_end(bytes: &[u8], mut i: usize) -> usize {
    let digits = |mut i: usize| {
        while i < bytes.len() && bytes[i].is_ascii_digit() {
            i += 1;
        }
        i
    };
    i = digits(i);
    if i < bytes.len() && bytes[i] == b'.' {
        i = digits(i + 1);
    }
    if i < bytes.len() && (bytes[i] == b'e' || bytes[i] == b'E') {
        let mut j = i + 1;
        if j < bytes.len() && (bytes[j] == b'+' || bytes[j] == b'-') {
            j += 1;
        }
        if j < bytes.len() && bytes[j].is_ascii_digit() {
            i = digits(j);
        }
    }
    i
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kinds(text: &str) -> Vec<(Kind, &str)> {
        tokens(text).iter().map(|t| (t.kind, t.text)).collect()
    }

    #[test]
    fn numbers_keep_their_spelling() {
        assert_eq!(
            kinds("1e-3 .5 2. 3E+2 4e"),
            vec![
                (Kind::Number, "1e-3"),
                (Kind::Number, ".5"),
                (Kind::Number, "2."),
                (Kind::Number, "3E+2"),
                (Kind::Number, "4"),
                (Kind::Word, "e"),
            ]
        );
    }

    #[test]
    fn comments_strings_and_operators() {
        assert_eq!(
            kinds("a>=b # c  \n\"x#y\" obs.u ×"),
            vec![
                (Kind::Word, "a"),
                (Kind::Punct, ">="),
                (Kind::Word, "b"),
                (Kind::Comment, "# c"),
                (Kind::Newline, "\n"),
                (Kind::String, "\"x#y\""),
                (Kind::Word, "obs"),
                (Kind::Punct, "."),
                (Kind::Word, "u"),
                (Kind::Punct, "×"),
            ]
        );
    }
}
