//! pest errors to diagnostics that say what was expected in words.
//!
//! pest reports the rules and literal tokens it tried at the farthest
//! position; this module names each one as a user would ("an expression",
//! "`)`") and says what was found there instead.

use super::Rule;
use crate::diagnostics::{Code, Diagnostic};
use crate::source::{Span, floor_char_boundary};
use std::collections::BTreeSet;

/// Turns a pest error on one statement (starting at byte `base` of the file)
/// into a diagnostic.
pub(super) fn syntax_error(
    error: &pest::error::Error<Rule>,
    statement: &str,
    base: usize,
) -> Diagnostic {
    let at = match error.location {
        pest::error::InputLocation::Pos(p) => p,
        pest::error::InputLocation::Span((s, _)) => s,
    };
    let mut expected: BTreeSet<&'static str> = BTreeSet::new();
    if let pest::error::ErrorVariant::ParsingError { positives, .. } = &error.variant {
        expected.extend(positives.iter().filter_map(|r| rule_name(*r)));
    }
    let mut at = at;
    if let Some(attempts) = error.parse_attempts() {
        at = at.max(attempts.max_position);
        for token in attempts.expected_tokens() {
            expected.extend(token_name(&token.to_string()));
        }
    }
    let at = floor_char_boundary(statement, at.min(statement.len()));
    let (found, len) = found(statement, at);
    // After a value, `(` (a call) and `.` (a column) are possible but
    // rarely meant; "an operator" says what is missing.
    if expected.contains("an operator") {
        expected.remove("`(`");
        expected.remove("`.`");
    }
    let expected = expected.into_iter().collect::<Vec<_>>();
    let message = if expected.is_empty() {
        format!("unexpected {found}")
    } else {
        format!("expected {}, found {found}", one_of(&expected))
    };
    let help = help_for(statement, at, &expected);
    let span = Span::new(base + at, base + at + len);
    let mut diagnostic =
        Diagnostic::error(Code::Syntax, message).label(span, format!("unexpected {found}"));
    diagnostic.help = Some(help);
    diagnostic
}

/// Describes the token at `at` and gives its length in bytes.
fn found(statement: &str, at: usize) -> (String, usize) {
    let rest = &statement[at..];
    let Some(first) = rest.chars().next() else {
        return ("end of statement".to_string(), 0);
    };
    if first == '\n' {
        return ("end of line".to_string(), 0);
    }
    let word_len = if first.is_alphanumeric() || first == '_' || first == '.' {
        rest.find(|c: char| !(c.is_alphanumeric() || c == '_' || c == '.'))
            .unwrap_or(rest.len())
    } else {
        first.len_utf8()
    };
    (format!("`{}`", &rest[..word_len]), word_len)
}

fn one_of(items: &[&str]) -> String {
    match items {
        [] => String::new(),
        [one] => one.to_string(),
        [init @ .., last] => format!("{} or {last}", init.join(", ")),
    }
}

fn help_for(statement: &str, at: usize, expected: &[&str]) -> String {
    let before = statement[..at].trim_end();
    // `def exx = ...`: a def lists its parameters, even when it has none.
    let mut words = before.split_whitespace();
    if let (Some("def"), Some(name), None) = (words.next(), words.next(), words.next())
        && expected.contains(&"`(`")
    {
        return format!(
            "a `def` lists its parameters in parentheses, even none: `def {name}() = ...`, used as `{name}()`; a number is a `const`"
        );
    }
    let after_value = before.ends_with(|c: char| c.is_alphanumeric() || c == '_' || c == ')');
    if expected.contains(&"an operator") && after_value {
        return "write the operator between two values, as in `2*x` or `pi*x`".to_string();
    }
    if expected.contains(&"a relation such as `=` or `>=`") {
        return "a constraint is written `lhs = rhs`, optionally followed by `on REGION`"
            .to_string();
    }
    if expected.contains(&"`on`") && !before.is_empty() {
        return "a region comes after `on`, as in `on x = 0` or `on [0,1] x [0,1]`".to_string();
    }
    "see the language reference in the README for the form of each statement".to_string()
}

/// Words for the rules pest reports. Rules inside other rules map to `None`
/// when a more useful parent is always reported with them.
fn rule_name(rule: Rule) -> Option<&'static str> {
    Some(match rule {
        Rule::expr
        | Rule::number
        | Rule::call
        | Rule::member
        | Rule::name
        | Rule::group
        | Rule::sum => "an expression",
        Rule::ident
        | Rule::region_name
        | Rule::name_list
        | Rule::module_path
        | Rule::def_params => "a name",
        Rule::add | Rule::sub | Rule::mul | Rule::div | Rule::pow => "an operator",
        Rule::neg | Rule::pos => "an expression",
        Rule::relation => "a relation such as `=` or `>=`",
        Rule::on_clause | Rule::kw_on => "`on`",
        Rule::region | Rule::box_region | Rule::slice | Rule::shape | Rule::boundary => "a region",
        Rule::interval => "an interval `[a, b]`",
        Rule::list => "a list `[a, b, ...]`",
        Rule::region_op => "a set operator (`|`, `&` or `-`)",
        Rule::option => "an option `name = value`",
        Rule::spec => "a name such as `adam(...)`",
        Rule::string | Rule::string_text => "a quoted file name",
        Rule::source => "a data source such as `csv(\"file.csv\")`",
        Rule::kw_in => "`in`",
        Rule::coord_decl | Rule::coord_names => "a coordinate",
        Rule::field_type => "a field type (`real` or `complex`)",
        Rule::label => "a label",
        Rule::modifier | Rule::kw_hard | Rule::kw_soft | Rule::kw_ode | Rule::soft => {
            "`hard`, `soft` or `ode`"
        }
        Rule::net_args => "argument names",
        Rule::EOI => "end of statement",
        _ => return None,
    })
}

fn token_name(token: &str) -> Option<&'static str> {
    Some(match token {
        "(" => "`(`",
        ")" => "`)`",
        "[" => "`[`",
        "]" => "`]`",
        "{" => "`{`",
        "}" => "`}`",
        "," => "`,`",
        "=" => "`=`",
        ":" => "`:`",
        "." => "`.`",
        ";" => "`;`",
        "x" | "×" => "`x`",
        "+" | "-" | "*" | "/" | "^" => "an operator",
        _ => return None,
    })
}
