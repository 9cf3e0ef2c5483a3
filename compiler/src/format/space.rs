//! Where one space goes between two tokens.
//!
//! Input: the significant tokens of a file in order (no comments or line
//! breaks), fed one at a time. Output: for each token, whether a space
//! separates it from the one before. The canonical spelling, as the
//! examples write it: `+ -`, relations, `|`, `&` and `on` spaced; `* / ^`
//! tight (`nu/pi*u_xx`); a sign tight to its operand; a call's `(` tight to
//! its name; `, ` between arguments, but `[-1,1]` and `(0,0)` stay tight
//! when every element is a plain number.

use super::lex::{Kind, Token};

/// One open bracket.
#[derive(Clone, Copy, Debug)]
struct Group {
    /// Commas inside take no space: every element is a (signed) number.
    tight: bool,
}

#[derive(Default)]
pub struct Spacer<'a> {
    prev: Option<Token<'a>>,
    /// The previous token was a sign (`-x`), not a binary operator.
    prev_unary: bool,
    groups: Vec<Group>,
    /// The statement's first word, and whether a comma has been seen at
    /// depth 0 (`field u, v, p (x in ...)` keeps a space before `(`).
    first_word: Option<&'a str>,
    name_list: bool,
}

impl<'a> Spacer<'a> {
    /// Bracket depth after the tokens pushed so far.
    pub fn depth(&self) -> usize {
        self.groups.len()
    }

    /// Whether `next` is written with a space before it.
    pub fn space_before(&self, next: &Token<'a>) -> bool {
        let Some(prev) = self.prev else {
            return false;
        };
        let punct = |t: &Token, set: &[&str]| t.kind == Kind::Punct && set.contains(&t.text);
        if punct(next, &[",", ";", ":", ")", "]", "."]) || punct(&prev, &["(", "[", "."]) {
            return false;
        }
        if punct(next, &["}"]) || punct(&prev, &["{"]) {
            return true;
        }
        if self.prev_unary {
            return false;
        }
        if punct(&prev, &[","]) {
            return !self.groups.last().is_some_and(|g| g.tight);
        }
        if punct(&prev, &["*", "/", "^"]) || punct(next, &["*", "/", "^"]) {
            return false;
        }
        if punct(next, &["("]) {
            let call = prev.kind == Kind::Word && !prev.is_keyword();
            return !call
                || (self.first_word == Some("field") && self.name_list && self.depth() == 0);
        }
        true
    }

    /// Takes `token` (at index `at` of `tokens`, the significant tokens)
    /// as the new previous token.
    pub fn push(&mut self, tokens: &[Token<'a>], at: usize) {
        let token = tokens[at];
        self.prev_unary = token.kind == Kind::Punct
            && matches!(token.text, "-" | "+")
            && self
                .prev
                .is_none_or(|p| (p.kind == Kind::Punct && !p.closes()) || p.is_keyword());
        if self.first_word.is_none() && token.kind == Kind::Word {
            self.first_word = Some(token.text);
        }
        if token.is(",") && self.depth() == 0 {
            self.name_list = true;
        }
        if token.opens() {
            self.groups.push(Group {
                tight: self.tight(tokens, at),
            });
        } else if token.closes() {
            self.groups.pop();
        }
        self.prev = Some(token);
    }

    /// Forgets the statement that just ended.
    pub fn end_statement(&mut self) {
        *self = Spacer::default();
    }

    /// Whether the bracket opening at `at` holds two or more plain numbers
    /// and nothing else: `[-1,1]`, `(0,0)`. A call's arguments never are.
    fn tight(&self, tokens: &[Token<'a>], at: usize) -> bool {
        let open = tokens[at];
        let call = self
            .prev
            .is_some_and(|p| p.kind == Kind::Word && !p.is_keyword());
        if open.text == "{" || (open.text == "(" && call) {
            return false;
        }
        let mut elements = vec![vec![]];
        let mut depth = 0;
        for token in &tokens[at + 1..] {
            if token.opens() {
                depth += 1;
            } else if token.closes() {
                if depth == 0 {
                    break;
                }
                depth -= 1;
            }
            if depth == 0 && token.is(",") {
                elements.push(vec![]);
            } else if let Some(last) = elements.last_mut() {
                last.push(*token);
            }
        }
        let number = |e: &Vec<Token>| match e.as_slice() {
            [n] => n.kind == Kind::Number,
            [sign, n] => (sign.is("-") || sign.is("+")) && n.kind == Kind::Number,
            _ => false,
        };
        elements.len() >= 2 && elements.iter().all(number)
    }
}
