//! Hover text: what a name is, in Markdown.
//!
//! Input: an [`Analysis`] and the [`Target`] under the cursor. Output: the
//! declaration as written, then what the checker made of it: a field's
//! domain and network and the derivatives the equations read of it, a
//! constant's value, a data set's rows and columns, a standard operator's
//! documentation.

use super::index::Occurrence;
use super::{Analysis, Origin, SymbolKind, Target};
use crate::check::names::SHAPES;
use crate::check::options::{
    ADAM_OPTIONS, BFGS_OPTIONS, LBFGS_OPTIONS, NET_OPTIONS, SOAP_OPTIONS, TRAIN_SETTINGS,
};
use crate::model::print::{Printer, num};
use crate::model::{FuncId, Model};

/// For a call of a `def` in an equation: the equation as the checker
/// expanded it, so that the user sees what the operator became there.
pub(super) fn expansion(analysis: &Analysis, occurrence: &Occurrence) -> Option<String> {
    let Target::Symbol(id) = occurrence.target else {
        return None;
    };
    let symbol = &analysis.index.symbols[id];
    if symbol.kind != SymbolKind::Def || occurrence.declaration {
        return None;
    }
    let model = &analysis.frontend.checked.model;
    let at = occurrence.span.start;
    let c = model
        .constraints
        .iter()
        .find(|c| c.span.start <= at && at < c.span.end)?;
    let p = Printer { m: model };
    let relation = c.relation.symbol();
    Some(format!(
        "\n\nexpanded in `{}`:\n```phy\n{} {relation} {}\n```",
        c.label,
        p.expr(&c.lhs),
        p.expr(&c.rhs)
    ))
}

pub(super) fn describe(analysis: &Analysis, target: &Target) -> String {
    let model = &analysis.frontend.checked.model;
    match target {
        Target::Symbol(id) => {
            let symbol = &analysis.index.symbols[*id];
            let code = match symbol.origin {
                Origin::User => analysis.slice(symbol.statement).to_string(),
                Origin::Stdlib(m) => {
                    let text = crate::stdlib::MODULES[m].1;
                    text.get(symbol.statement.start..symbol.statement.end)
                        .unwrap_or("")
                        .to_string()
                }
            };
            let mut out = format!("```phy\n{}\n```\n", code.trim());
            let kind = symbol.kind.describe();
            let name = &symbol.name;
            let about = match symbol.kind {
                SymbolKind::Field | SymbolKind::Function => function(analysis, name),
                SymbolKind::Const => {
                    let searched = model
                        .tunables
                        .iter()
                        .find(|t| t.name == *name)
                        .map(|t| format!(", searched by `physc tune` in {}", t.space.text()));
                    let value = model
                        .consts
                        .iter()
                        .find(|c| c.name == *name)
                        .map(|c| num(c.value))
                        .or_else(|| {
                            let t = model.tunables.iter().find(|t| t.name == *name)?;
                            Some(t.default.text())
                        });
                    value
                        .map(|v| format!("constant `{name}` = {v}{}", searched.unwrap_or_default()))
                }
                SymbolKind::Learn => model.learned.iter().find(|l| l.name == *name).map(|l| {
                    format!(
                        "learned scalar `{name}`, trained with the networks from {}",
                        num(l.init)
                    )
                }),
                SymbolKind::Coordinate => Some(coordinate(model, name)),
                SymbolKind::Data => model.data.iter().find(|d| d.name == *name).map(|d| {
                    format!(
                        "data set `{name}`: {} rows; columns {}",
                        d.rows(),
                        d.columns
                            .iter()
                            .map(|c| format!("`{c}`"))
                            .collect::<Vec<_>>()
                            .join(", ")
                    )
                }),
                SymbolKind::Def => Some(match symbol.origin {
                    Origin::User => format!("operator `{name}`, expanded where it is called"),
                    Origin::Stdlib(m) => {
                        let (module, text) = crate::stdlib::MODULES[m];
                        let doc = doc_comment(text, symbol.statement.start);
                        format!(
                            "{doc}\n\noperator `{name}` from the standard library module `{module}`"
                        )
                    }
                }),
                _ => Some(format!("{kind} `{name}`")),
            };
            if let Some(about) = about {
                out.push('\n');
                out.push_str(&about);
            }
            out
        }
        Target::Column { data, column } => {
            let set_name = &analysis.index.symbols[*data].name;
            let rows = model
                .data
                .iter()
                .find(|d| d.name == *set_name)
                .map(|d| format!(" ({} rows)", d.rows()))
                .unwrap_or_default();
            format!("column `{column}` of the data set `{set_name}`{rows}")
        }
        Target::Builtin(name) => builtin(name),
    }
}

/// A field's or learned function's domain, network and the derivatives
/// the equations read of it.
fn function(analysis: &Analysis, name: &str) -> Option<String> {
    let model = &analysis.frontend.checked.model;
    let f = model.functions.iter().position(|f| f.name == name)?;
    let function = &model.functions[f];
    let printer = Printer { m: model };
    let mut lines = vec![];
    let kind = if function.complex { "complex " } else { "" };
    match &function.domain {
        Some(domain) => lines.push(format!(
            "{kind}field `{name}` on {}",
            printer.domain(domain)
        )),
        None => lines.push(format!("{kind}function `{name}`, evaluated on data points")),
    }
    let f = FuncId(f as u32);
    if let Some(net) = model.net_of(f) {
        let outputs: Vec<&str> = net
            .outputs
            .iter()
            .map(|o| model.function(*o).name.as_str())
            .collect();
        let inputs: Vec<String> = match net.features.is_empty() {
            true => (net.inputs.iter())
                .map(|c| model.coord(*c).name.clone())
                .collect(),
            false => net.features.iter().map(|e| printer.expr(e)).collect(),
        };
        let fourier = match net.fourier {
            0 => String::new(),
            n => format!(
                ", {n} Fourier features of scale {}",
                net.fourier_scales
                    .iter()
                    .map(|s| num(*s))
                    .collect::<Vec<_>>()
                    .join(" and ")
            ),
        };
        lines.push(format!(
            "network: {}(depth = {}, width = {}, act = {}{}{}){fourier}; inputs {}; outputs {}{}",
            net.architecture.name(),
            net.depth,
            net.width,
            net.activation.name(),
            if net.factorized {
                ", weights = factorized"
            } else {
                ""
            },
            if net.fit_initial {
                ", init = least_squares"
            } else {
                ""
            },
            inputs.join(", "),
            outputs.join(", "),
            if net.declared {
                ""
            } else {
                " (the default: no `net` statement)"
            }
        ));
    }
    if let Some(lowered) = &analysis.frontend.lowered {
        let derivatives = crate::ir::stages::derivatives(model, lowered);
        let prefix = format!("{name}: ");
        if let Some(line) = derivatives.lines().find_map(|l| l.strip_prefix(&prefix)) {
            lines.push(format!("the equations read: {line}"));
        }
    }
    Some(lines.join("\n\n"))
}

/// The coordinate's range in each field that has it.
fn coordinate(model: &Model, name: &str) -> String {
    let Some(c) = model.coords.iter().position(|c| c.name == name) else {
        return format!("coordinate `{name}`");
    };
    let printer = Printer { m: model };
    let mut ranges = vec![];
    for function in &model.functions {
        if !function.coords.iter().any(|id| id.index() == c) {
            continue;
        }
        let range = function
            .domain
            .as_ref()
            .and_then(|d| d.range(crate::model::CoordId(c as u32)))
            .map(|(lo, hi)| format!("[{}, {}]", num(lo), num(hi)))
            .unwrap_or_else(|| {
                function
                    .domain
                    .as_ref()
                    .map_or("data points".to_string(), |d| printer.domain(d))
            });
        ranges.push(format!("`{}`: {range}", function.name));
    }
    format!("coordinate `{name}`; {}", ranges.join(", "))
}

/// The comment lines just above byte `at` of `text`.
fn doc_comment(text: &str, at: usize) -> String {
    let mut lines: Vec<&str> = text[..at]
        .lines()
        .rev()
        .skip_while(|l| l.trim().is_empty())
        .take_while(|l| l.trim_start().starts_with('#'))
        .map(|l| l.trim_start().trim_start_matches('#').trim())
        .collect();
    lines.reverse();
    lines.join(" ")
}

/// What a built-in name is.
pub(super) fn builtin(name: &str) -> String {
    let list = |names: &[&str]| {
        names
            .iter()
            .map(|n| format!("`{n}`"))
            .collect::<Vec<_>>()
            .join(", ")
    };
    if let Some((_, form)) = SHAPES.iter().find(|(s, _)| *s == name) {
        return format!("shape `{form}`");
    }
    match name {
        "d" => "`d(f, x)`, `d(f, x, k)`, `d(f, x, y)`: the derivative of `f` along the coordinates (the `k`-th along `x`); `u_xt` is `d(u, x, t)`; `d(f, n)` is along the outward normal, on a boundary".to_string(),
        "integral" => "`integral(f, x, ...)`: the integral of `f` over the domain of the coordinates".to_string(),
        "rl_left" => "`rl_left(u, x, a)`: the left Riemann-Liouville derivative of order 0 < a < 2 along `x`, from the start of its interval (`u` zero before it)".to_string(),
        "rl_right" => "`rl_right(u, x, a)`: the right Riemann-Liouville derivative of order 0 < a < 2 along `x`, from the end of its interval (`u` zero after it)".to_string(),
        "caputo" => "`caputo(u, t, a)`: the Caputo derivative of order 0 < a < 2 along `t`, from the start of its interval".to_string(),
        "frac_lap" => "`frac_lap(u, a)`: the fractional Laplacian (-Δ)^(a/2) u over the space coordinates of `u` (an interval, a disk or a ball; `u` zero outside), 0 < a < 2".to_string(),
        "space" => "`space(f)`: the coordinates of `f` other than `t`, for `sum(c in space(f), ...)`".to_string(),
        "coords" => "`coords(f)`: every coordinate of `f`, for `sum(c in coords(f), ...)`".to_string(),
        "sum" => "`sum(c in space(f), body)`: one term of `body` per coordinate `c`; `sum(n in range(a, b), body)`: one per whole number a <= n < b".to_string(),
        "range" => "`range(a, b)`: the whole numbers a, a + 1, ..., b - 1 (`range(b)` from 0), for `sum(n in range(a, b), ...)`".to_string(),
        "besselj" => "`besselj(n, x)`: the Bessel function of the first kind J_n of whole order `n`, of coordinates, constants and data".to_string(),
        "bessely" => "`bessely(n, x)`: the Bessel function of the second kind Y_n of whole order `n` (NaN for x < 0), of coordinates, constants and data".to_string(),
        "hankel1" => "`hankel1(n, x)`: the Hankel function of the first kind, J_n(x) + i Y_n(x)".to_string(),
        "hankel2" => "`hankel2(n, x)`: the Hankel function of the second kind, J_n(x) - i Y_n(x)".to_string(),
        "gamma" => "`gamma(x)`: the Gamma function of a constant, evaluated before training (`gamma(n + 1) = n!`)".to_string(),
        "pi" => "the constant π = 3.14159…".to_string(),
        "e" => "the constant e = 2.71828…".to_string(),
        "i" => "the imaginary unit (fields declared `: complex`)".to_string(),
        "complex" => "field type: a complex field, two network outputs (real and imaginary parts)".to_string(),
        "csv" => "`csv(\"file.csv\")`: a CSV file with a header row naming its columns, relative to the model".to_string(),
        "boundary" => "`boundary(R)`: the boundary of the region `R`".to_string(),
        "mlp" => format!("a fully connected network; options {}", list(NET_OPTIONS)),
        "modified_mlp" => format!("the modified MLP (Wang, Teng and Perdikaris 2021): two encoders of the input gate every hidden layer; options {}", list(NET_OPTIONS)),
        "pirate_net" => format!("PirateNets (Wang, Sankaran and Perdikaris 2024): `depth` residual blocks of two gated layers, each mixed into the block's input by a trained `alpha` that starts at 0; use with `fourier`; options {}", list(NET_OPTIONS)),
        "adam" => format!("the Adam optimizer; options {}", list(ADAM_OPTIONS)),
        "soap" => format!("SOAP (Vyas et al. 2024): Adam in the eigenbasis of each weight matrix's Shampoo preconditioner, refreshed every `precondition` steps (default 10); options {}", list(SOAP_OPTIONS)),
        "lbfgs" => format!("L-BFGS with a strong Wolfe line search; options {}", list(LBFGS_OPTIONS)),
        "bfgs" => format!("dense BFGS with a strong Wolfe line search, self-scaled (Al-Baali) unless `scaling = none`; for networks of at most 8192 parameters; options {}", list(BFGS_OPTIONS)),
        "points" => "collocation points per equation label: `points(pde = 10000, bc = 200)`".to_string(),
        "weights" => "loss weights per equation label: `weights(bc = 10)`".to_string(),
        "log_uniform" | "integer" | "choice" => "a search space of a constant, as in `const lr = 1e-3 in log_uniform(1e-4, 5e-2)`: `physc tune` trains the model at the points a Gaussian process picks in it".to_string(),
        "uniform" => "`uniform(lo, hi)`: a search space of a constant (`const c = 0.5 in uniform(0, 1)`, searched by `physc tune`); as `sampler = uniform`, independent uniform points".to_string(),
        "refine" => "adaptive refinement (RAR): the stages after it are rounds, each begun by adding the points of largest residual to the named equations, until their mean |residual| is at most `until` or `rounds` have run: `refine(pde = 1, until = 0.005, rounds = 10)`".to_string(),
        "train" => format!("training stages and settings: `adam(...)`, `lbfgs(...)`, `bfgs(...)`, `points(...)`, `weights(...)`, `anchors(...)`, `refine(...)`, {}", list(TRAIN_SETTINGS)),
        _ if crate::model::Activation::ALL.iter().any(|(a, _)| *a == name) => {
            let builtin = crate::model::Builtin::from_name(name).is_some();
            format!("activation `{name}`{}", if builtin { ", also a built-in function" } else { "" })
        }
        _ if crate::model::Builtin::from_name(name).is_some() => format!("built-in function `{name}(x)`"),
        _ => format!("`{name}`"),
    }
}
