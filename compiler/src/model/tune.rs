//! Constants `physc tune` searches: `const lr = 1e-3 in
//! log_uniform(1e-4, 5e-2)`, `const act = sin in choice(sin, sigmoid,
//! tanh)`.
//!
//! A tunable constant is an ordinary constant of its written value for
//! every other command; the search rewrites that value in the model's text
//! ([`Tunable::value_span`]) and trains each rewritten model.

use crate::source::Span;

/// A searched constant.
#[derive(Clone, Debug, PartialEq)]
pub struct Tunable {
    pub name: String,
    pub space: Space,
    /// The written value, the search's first point.
    pub default: Value,
    /// Where the written value stands in the model's text.
    pub value_span: Span,
}

/// Where a constant is searched (as scikit-optimize's `Real`, `Integer`
/// and `Categorical`).
#[derive(Clone, Debug, PartialEq)]
pub enum Space {
    /// `uniform(lo, hi)`.
    Uniform { lo: f64, hi: f64 },
    /// `log_uniform(lo, hi)`: uniform in the logarithm, `0 < lo`.
    LogUniform { lo: f64, hi: f64 },
    /// `integer(lo, hi)`: the whole numbers from `lo` to `hi`.
    Integer { lo: i64, hi: i64 },
    /// `choice(a, b, ...)`: numbers, or names such as activations.
    Choice(Vec<Value>),
}

/// A constant's value: a number, or a name (`const act = tanh`).
#[derive(Clone, Debug, PartialEq)]
pub enum Value {
    Number(f64),
    Word(String),
}

impl Value {
    /// As it is written in a model.
    pub fn text(&self) -> String {
        match self {
            Value::Number(v) => format!("{v}"),
            Value::Word(w) => w.clone(),
        }
    }
}

impl Space {
    /// As it is written in a model.
    pub fn text(&self) -> String {
        match self {
            Space::Uniform { lo, hi } => format!("uniform({lo}, {hi})"),
            Space::LogUniform { lo, hi } => format!("log_uniform({lo}, {hi})"),
            Space::Integer { lo, hi } => format!("integer({lo}, {hi})"),
            Space::Choice(values) => {
                let values: Vec<String> = values.iter().map(Value::text).collect();
                format!("choice({})", values.join(", "))
            }
        }
    }
}
