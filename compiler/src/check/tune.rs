//! Search spaces of constants: `const lr = 1e-3 in log_uniform(1e-4,
//! 5e-2)`, `const depth = 4 in integer(1, 10)`, `const act = sin in
//! choice(sin, sigmoid, tanh)`.
//!
//! Input: the `in` clauses of `const` statements, after the constants are
//! evaluated. Output: the model's [`Tunable`]s, or E0315 when a space is
//! not one of the four, is empty, or leaves out the constant's own value
//! (the search's first point).

use super::*;
use crate::model::{Space, Tunable, Value};
use crate::syntax::ast::ItemKind;

/// The spaces by name, as a help text lists them.
const SPACES: &str = "uniform(lo, hi), log_uniform(lo, hi), integer(lo, hi) or choice(a, b, ...)";

impl Checker<'_> {
    /// Every searched constant of the file.
    pub(super) fn tunables(&mut self, program: &ast::Program) {
        for item in &program.items {
            if let ItemKind::Const {
                name,
                value,
                space: Some(space),
            } = &item.kind
                && let Some(t) = self.tunable(name, value, space)
            {
                self.model.tunables.push(t);
            }
        }
    }

    fn tunable(
        &mut self,
        name: &ast::Ident,
        value: &ast::Expr,
        space: &ast::Expr,
    ) -> Option<Tunable> {
        let ast::ExprKind::Call { callee, args } = &space.kind else {
            self.bad_space(
                space.span,
                "not a search space",
                format!("write the space as {SPACES}"),
            );
            return None;
        };
        let default = match self.names.get(&name.name) {
            Some(Decl::Word(word)) => Value::Word(word.clone()),
            _ => Value::Number(self.const_value(&name.name)?),
        };
        let space = match callee.name.as_str() {
            "choice" => {
                if args.len() < 2 {
                    self.bad_space(
                        space.span,
                        "a choice of fewer than two values",
                        "list every value the search may take, as in `choice(sin, tanh)`".into(),
                    );
                    return None;
                }
                let values: Option<Vec<Value>> = args.iter().map(|a| self.space_value(a)).collect();
                Space::Choice(values?)
            }
            bounded @ ("uniform" | "log_uniform" | "integer") => {
                let [lo, hi] = args.as_slice() else {
                    self.bad_space(
                        space.span,
                        format!("`{bounded}` takes two bounds"),
                        format!("write `{bounded}(lo, hi)`"),
                    );
                    return None;
                };
                let (lo_v, hi_v) = (
                    self.real_constant(lo, "a bound of a search space"),
                    self.real_constant(hi, "a bound of a search space"),
                );
                let (lo_v, hi_v) = (lo_v?, hi_v?);
                if lo_v >= hi_v {
                    self.bad_space(
                        space.span,
                        format!("an empty search space: {lo_v} is not below {hi_v}"),
                        "give the lower bound first".into(),
                    );
                    return None;
                }
                match bounded {
                    "uniform" => Space::Uniform { lo: lo_v, hi: hi_v },
                    "log_uniform" if lo_v > 0.0 => Space::LogUniform { lo: lo_v, hi: hi_v },
                    "log_uniform" => {
                        self.bad_space(
                            lo.span,
                            "a log-uniform space must be positive",
                            "give a positive lower bound, or use `uniform`".into(),
                        );
                        return None;
                    }
                    _ if lo_v.fract() == 0.0 && hi_v.fract() == 0.0 => Space::Integer {
                        lo: lo_v as i64,
                        hi: hi_v as i64,
                    },
                    _ => {
                        self.bad_space(
                            space.span,
                            "an integer space with bounds that are not whole",
                            "give whole bounds, as in `integer(1, 10)`".into(),
                        );
                        return None;
                    }
                }
            }
            _ => {
                self.bad_space(
                    callee.span,
                    "not a search space",
                    format!("write the space as {SPACES}"),
                );
                return None;
            }
        };
        if !contains(&space, &default) {
            self.report(
                Diagnostic::error(
                    Code::BadSearch,
                    format!(
                        "`{}` = {} lies outside its search space {}",
                        name.name,
                        default.text(),
                        space.text()
                    ),
                )
                .label(value.span, "outside the space")
                .help("the written value is the search's first point: give one inside the space"),
            );
            return None;
        }
        Some(Tunable {
            name: name.name.clone(),
            space,
            default,
            value_span: value.span,
        })
    }

    /// A value of a `choice`: a number, or a named choice of an option.
    fn space_value(&mut self, e: &ast::Expr) -> Option<Value> {
        match &e.kind {
            ast::ExprKind::Name(id) if decls::is_choice_word(&id.name) => {
                Some(Value::Word(id.name.clone()))
            }
            _ => self
                .real_constant(e, "a value of a search space")
                .map(Value::Number),
        }
    }

    fn bad_space(&mut self, span: Span, message: impl Into<String>, help: String) {
        self.report(
            Diagnostic::error(Code::BadSearch, message.into())
                .label(span, "not searchable")
                .help(help),
        );
    }
}

/// Whether a constant's value lies in a space.
fn contains(space: &Space, value: &Value) -> bool {
    match (space, value) {
        (Space::Choice(values), v) => values.contains(v),
        (Space::Uniform { lo, hi } | Space::LogUniform { lo, hi }, Value::Number(v)) => {
            (*lo..=*hi).contains(v)
        }
        (Space::Integer { lo, hi }, Value::Number(v)) => {
            v.fract() == 0.0 && (*lo as f64..=*hi as f64).contains(v)
        }
        _ => false,
    }
}
