//! Byte offsets to and from the protocol's positions.
//!
//! Input: a document's text. Output: conversions between byte offsets (what
//! the compiler's spans hold) and LSP positions: a 0-based line and a column
//! in UTF-16 code units, the encoding every client understands. Invariants:
//! an offset always lands on a char boundary; a position past the end of its
//! line clamps to the line's end, and past the last line to the text's end,
//! as the protocol asks.

use lsp_types::{Position, Range};
use physc_compiler::source::{Span, floor_char_boundary};

/// Where each line of a text starts.
pub struct Lines<'a> {
    text: &'a str,
    /// Byte offset of the start of each line.
    starts: Vec<usize>,
}

impl<'a> Lines<'a> {
    pub fn new(text: &'a str) -> Lines<'a> {
        let starts = std::iter::once(0)
            .chain(text.match_indices('\n').map(|(i, _)| i + 1))
            .collect();
        Lines { text, starts }
    }

    pub fn position(&self, offset: usize) -> Position {
        let offset = floor_char_boundary(self.text, offset.min(self.text.len()));
        let line = self.starts.partition_point(|&s| s <= offset) - 1;
        let column: usize = self.text[self.starts[line]..offset]
            .chars()
            .map(char::len_utf16)
            .sum();
        Position::new(line as u32, column as u32)
    }

    pub fn range(&self, span: Span) -> Range {
        Range::new(self.position(span.start), self.position(span.end))
    }

    pub fn offset(&self, position: Position) -> usize {
        let Some(&start) = self.starts.get(position.line as usize) else {
            return self.text.len();
        };
        let line = &self.text[start..];
        let line = &line[..line.find('\n').unwrap_or(line.len())];
        let mut units = 0;
        for (i, c) in line.char_indices() {
            if units >= position.character as usize {
                return start + i;
            }
            units += c.len_utf16();
        }
        start + line.len()
    }

    /// The range of the whole text.
    pub fn all(&self) -> Range {
        Range::new(Position::new(0, 0), self.position(self.text.len()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn columns_count_utf16_code_units() {
        // `é` is 2 bytes and 1 unit; `𝜈` is 4 bytes and 2 units.
        let text = "# é 𝜈\nu = x\n";
        let lines = Lines::new(text);
        let u = text.find("u =").unwrap();
        assert_eq!(lines.position(u), Position::new(1, 0));
        let end_of_comment = text.find('\n').unwrap();
        assert_eq!(lines.position(end_of_comment), Position::new(0, 6));
        assert_eq!(lines.offset(Position::new(0, 6)), end_of_comment);
        let nu = text.find('𝜈').unwrap();
        assert_eq!(lines.position(nu), Position::new(0, 4));
        assert_eq!(lines.offset(Position::new(0, 4)), nu);
        for offset in 0..=text.len() {
            if text.is_char_boundary(offset) {
                assert_eq!(lines.offset(lines.position(offset)), offset);
            }
        }
    }

    #[test]
    fn positions_outside_the_text_clamp() {
        let text = "ab\ncd";
        let lines = Lines::new(text);
        assert_eq!(lines.offset(Position::new(0, 99)), 2);
        assert_eq!(lines.offset(Position::new(7, 0)), text.len());
        assert_eq!(lines.position(99), Position::new(1, 2));
        assert_eq!(
            lines.all(),
            Range::new(Position::new(0, 0), Position::new(1, 2))
        );
    }
}
