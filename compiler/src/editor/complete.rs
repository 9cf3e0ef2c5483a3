//! Completion: what may be written at a position.
//!
//! Input: an [`Analysis`] and a byte offset. Output: candidates for the
//! word being typed there, by context: the options of `mlp(...)`,
//! `adam(...)` or `lbfgs(...)`; equation labels in `points(...)` and
//! `weights(...)`; the groups and settings of `train { ... }`; a data set's
//! columns after `obs.`; elsewhere the names in scope, keywords, built-ins
//! and the standard library's operators.

use super::{Analysis, Origin, SymbolKind, Target};
use crate::check::names::{BUILTIN_VALUES, CONSTANT_FUNCTIONS, SHAPES, SPECIAL_FORMS};
use crate::check::options::{
    ADAM_OPTIONS, BFGS_OPTIONS, LBFGS_OPTIONS, NET_OPTIONS, SOAP_OPTIONS, TRAIN_GROUPS,
    TRAIN_SETTINGS,
};
use crate::format::lex::{self, KEYWORDS, Kind};
use crate::model::{Activation, Builtin};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CompletionKind {
    Keyword,
    Option,
    Symbol(SymbolKind),
    Column,
    Function,
    Value,
    Shape,
    Activation,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Completion {
    pub label: String,
    pub kind: CompletionKind,
    /// One line about it.
    pub detail: String,
}

pub(super) fn at(analysis: &Analysis, offset: usize) -> Vec<Completion> {
    let offset =
        crate::source::floor_char_boundary(&analysis.text, offset.min(analysis.text.len()));
    let before = &analysis.text[..offset];
    let tokens = lex::tokens(before);
    // The word being typed is not context.
    let mut context: Vec<lex::Token> = tokens
        .iter()
        .copied()
        .filter(|t| !matches!(t.kind, Kind::Comment | Kind::Newline))
        .collect();
    if context
        .last()
        .is_some_and(|t| t.kind == Kind::Word && t.span.end == offset)
    {
        context.pop();
    }
    if context.last().is_some_and(|t| t.is(".")) {
        return columns(analysis, &context);
    }
    // The innermost open bracket and the word before it.
    let mut open: Vec<Option<&str>> = vec![];
    for (i, token) in context.iter().enumerate() {
        if token.opens() {
            let word = i
                .checked_sub(1)
                .map(|j| context[j])
                .filter(|t| t.kind == Kind::Word);
            open.push(word.map(|w| w.text));
        } else if token.closes() {
            open.pop();
        }
    }
    let option_name = context
        .last()
        .is_none_or(|t| t.is("(") || t.is(",") || t.is("{") || t.is(";"));
    let options = |names: &[&str], detail: &str| -> Vec<Completion> {
        names
            .iter()
            .map(|n| Completion {
                label: n.to_string(),
                kind: CompletionKind::Option,
                detail: detail.to_string(),
            })
            .collect()
    };
    match open.last().copied().flatten() {
        Some("mlp" | "modified_mlp" | "pirate_net") if option_name => {
            return options(NET_OPTIONS, "network option");
        }
        Some("adam") if option_name => return options(ADAM_OPTIONS, "Adam option"),
        Some("soap") if option_name => return options(SOAP_OPTIONS, "SOAP option"),
        Some("lbfgs") if option_name => return options(LBFGS_OPTIONS, "L-BFGS option"),
        Some("bfgs") if option_name => return options(BFGS_OPTIONS, "BFGS option"),
        Some("points" | "weights" | "anchors" | "refine") if option_name => {
            let extra = match open.last().copied().flatten() {
                Some("refine") => options(&["until", "rounds"], "refinement option"),
                _ => vec![],
            };
            return extra
                .into_iter()
                .chain(
                    analysis
                        .index
                        .declared()
                        .filter(|s| s.kind == SymbolKind::Label)
                        .map(|s| Completion {
                            label: s.name.clone(),
                            kind: CompletionKind::Symbol(SymbolKind::Label),
                            detail: analysis.slice(s.statement).to_string(),
                        }),
                )
                .collect();
        }
        Some("train") if option_name => {
            let mut out = options(TRAIN_GROUPS, "training stage or group");
            out.extend(options(TRAIN_SETTINGS, "training setting"));
            return out;
        }
        _ => {}
    }
    if let [.., name, equals] = context.as_slice()
        && name.is("act")
        && equals.is("=")
    {
        return Activation::ALL
            .iter()
            .map(|(name, _)| Completion {
                label: name.to_string(),
                kind: CompletionKind::Activation,
                detail: "activation".into(),
            })
            .collect();
    }
    names(analysis, offset)
}

/// `obs.`: the columns of the data set.
fn columns(analysis: &Analysis, context: &[lex::Token]) -> Vec<Completion> {
    let Some(base) = context.len().checked_sub(2).map(|i| context[i]) else {
        return vec![];
    };
    let model = &analysis.frontend.checked.model;
    let Some(set) = model.data.iter().find(|d| d.name == base.text) else {
        return vec![];
    };
    set.columns
        .iter()
        .map(|c| Completion {
            label: c.clone(),
            kind: CompletionKind::Column,
            detail: format!("column of `{}`", set.name),
        })
        .collect()
}

/// Everything a name at `offset` may be.
fn names(analysis: &Analysis, offset: usize) -> Vec<Completion> {
    let mut out = vec![];
    let mut seen = std::collections::HashSet::new();
    let mut add = |out: &mut Vec<Completion>, label: &str, kind: CompletionKind, detail: String| {
        if seen.insert(label.to_string()) {
            out.push(Completion {
                label: label.to_string(),
                kind,
                detail,
            });
        }
    };
    // Locals whose statement holds the cursor.
    for occurrence in analysis.index.occurrences.iter().filter(|o| o.declaration) {
        let Target::Symbol(id) = occurrence.target else {
            continue;
        };
        let symbol = &analysis.index.symbols[id];
        let inside = symbol.statement.start <= offset && offset <= symbol.statement.end;
        if symbol.kind == SymbolKind::Local && inside {
            add(
                &mut out,
                &symbol.name,
                CompletionKind::Symbol(SymbolKind::Local),
                "local name".into(),
            );
        }
    }
    for symbol in analysis.index.symbols.iter() {
        if symbol.kind == SymbolKind::Local || symbol.kind == SymbolKind::Label {
            continue;
        }
        let detail = match symbol.origin {
            Origin::User => analysis.slice(symbol.statement).trim().to_string(),
            Origin::Stdlib(m) => format!(
                "{} (standard library `{}`)",
                symbol.kind.describe(),
                crate::stdlib::MODULES[m].0
            ),
        };
        add(
            &mut out,
            &symbol.name,
            CompletionKind::Symbol(symbol.kind),
            detail,
        );
    }
    // `ode` is a keyword only before an equation (a name elsewhere).
    for keyword in KEYWORDS.iter().chain(&["ode"]) {
        add(&mut out, keyword, CompletionKind::Keyword, "keyword".into());
    }
    for form in SPECIAL_FORMS.iter().chain(["sum"].iter()) {
        add(
            &mut out,
            form,
            CompletionKind::Function,
            super::hover::builtin(form),
        );
    }
    for (name, _) in Builtin::ALL {
        add(
            &mut out,
            name,
            CompletionKind::Function,
            format!("built-in function `{name}(x)`"),
        );
    }
    for name in CONSTANT_FUNCTIONS {
        add(
            &mut out,
            name,
            CompletionKind::Function,
            format!("built-in function `{name}(x)` of a constant"),
        );
    }
    for value in BUILTIN_VALUES {
        add(
            &mut out,
            value,
            CompletionKind::Value,
            super::hover::builtin(value),
        );
    }
    for (shape, form) in SHAPES {
        add(&mut out, shape, CompletionKind::Shape, form.to_string());
    }
    for extra in ["boundary", "mlp", "modified_mlp", "pirate_net", "csv"] {
        add(
            &mut out,
            extra,
            CompletionKind::Function,
            super::hover::builtin(extra),
        );
    }
    out
}
