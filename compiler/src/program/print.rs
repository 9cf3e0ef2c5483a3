//! The loss program as text (`physc ir --stage program`): networks with
//! their embeddings and jets, where each field is computed, the learned
//! scalars, and each batch with its points, weight and residuals.

use super::*;
use crate::ir::print::Printer;
use crate::model::Sampler;
use crate::model::print::{Printer as ModelPrinter, num};

/// The whole program, one block per kind of thing.
pub fn program(p: &LossProgram) -> String {
    let m = &p.model;
    let ir = Printer { g: &p.graph, m };
    let places = ModelPrinter { m };
    let mut out = String::new();
    for (n, net) in p.nets.iter().enumerate() {
        let inputs: Vec<&str> = net
            .inputs
            .iter()
            .map(|c| m.coord(*c).name.as_str())
            .collect();
        let (hidden, kind) = match net.architecture {
            Architecture::Mlp => ("hidden layers", ""),
            Architecture::Modified => ("hidden layers", ", gated by two encoders (modified MLP)"),
            Architecture::Pirate => ("residual blocks", ", gated by two encoders (PirateNet)"),
        };
        out.push_str(&format!(
            "net {n} ({}): {} -> {} output{}, {} {hidden} of {} {}{kind}{}\n",
            net.name,
            inputs.join(", "),
            net.outputs,
            if net.outputs == 1 { "" } else { "s" },
            net.depth,
            net.width,
            net.activation.name(),
            if net.factorized {
                ", factorized weights"
            } else {
                ""
            },
        ));
        let periodic: Vec<String> = net
            .inputs
            .iter()
            .zip(&net.embedding.periods)
            .filter_map(|(c, period)| {
                Some(format!("{} period {}", m.coord(*c).name, num((*period)?)))
            })
            .collect();
        if !periodic.is_empty() {
            out.push_str(&format!("  periodic: {}\n", periodic.join(", ")));
        }
        if let Some(features) = &net.embedding.features {
            let (values, derivatives) = features.derivatives.split_first().expect("the value");
            let values: Vec<String> = values.1.iter().map(|&e| ir.expr(e)).collect();
            let orders: Vec<String> = derivatives
                .iter()
                .map(|(d, _)| jet_name(m, &net.inputs, d))
                .collect();
            out.push_str(&format!(
                "  features: {} ({})\n",
                values.join(", "),
                match orders.is_empty() {
                    true => "values alone".to_string(),
                    false => format!("with their derivatives {}", orders.join(", ")),
                }
            ));
        }
        if net.embedding.fourier > 0 {
            let scales: Vec<String> = net.embedding.scales.iter().map(|s| num(*s)).collect();
            out.push_str(&match scales.as_slice() {
                _ if !net.embedding.time_scales.is_empty() => format!(
                    "  fourier: {} features of the space coordinates at each of the scales {} \
                     and of t at each of {}, each through the hidden layers on its own, each \
                     space path times each time path joined before the last\n",
                    net.embedding.fourier,
                    scales.join(", "),
                    net.embedding
                        .time_scales
                        .iter()
                        .map(|s| num(*s))
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
                [one] => format!(
                    "  fourier: {} features, scale {one}\n",
                    net.embedding.fourier
                ),
                _ if net.embedding.separate => format!(
                    "  fourier: {} features at each of the scales {}, each scale through the \
                     hidden layers on its own, joined before the last\n",
                    net.embedding.fourier,
                    scales.join(", ")
                ),
                _ => format!(
                    "  fourier: {} features at each of the scales {}\n",
                    net.embedding.fourier,
                    scales.join(", ")
                ),
            });
        }
        let jets: Vec<String> = net
            .jets
            .iter()
            .map(|d| jet_name(m, &net.inputs, d))
            .collect();
        out.push_str(&format!("  jets: {}\n", jets.join(", ")));
    }
    for o in &p.outputs {
        out.push_str(&format!(
            "output {} = net {} column {}\n",
            ir.function(o.function, o.part, &[]),
            o.net.index(),
            o.column
        ));
    }
    for f in &p.fields {
        for (part, value) in &f.parts {
            let hard = f
                .hard
                .map(|c| format!("  (hard `{}` built in)", m.constraints[c.index()].label))
                .unwrap_or_default();
            out.push_str(&format!(
                "field {} = {}{hard}\n",
                ir.function(f.function, *part, &[]),
                ir.expr(*value)
            ));
        }
        for (k, e) in f.exact.iter().flatten().enumerate() {
            let part = f.parts.get(k).map_or(Part::Real, |(p, _)| *p);
            out.push_str(&format!(
                "exact {} = {}\n",
                ir.function(f.function, part, &[]),
                ir.expr(*e)
            ));
        }
    }
    for s in &p.scalars {
        out.push_str(&format!("learn {} from {}\n", s.name, num(s.init)));
    }
    let sampler = match m.train.sampler {
        Sampler::Lhs => "latin hypercube",
        Sampler::Sobol => "sobol",
        Sampler::Hammersley => "hammersley",
        Sampler::Uniform => "uniform",
    };
    for (k, b) in p.batches.iter().enumerate() {
        let points = match b.points.place {
            Where::Data(d) => {
                let data = &m.data[d.index()];
                match b.points.minibatch {
                    Some(n) => format!(
                        "the {} rows of {}, {n} a step (mini-batches for first-order steps)",
                        data.rows(),
                        data.name
                    ),
                    None => format!("the {} rows of {}", data.rows(), data.name),
                }
            }
            _ => format!(
                "{} points ({sampler}) on {}",
                b.points.count,
                places.place(&b.points.place)
            ),
        };
        let points = match b.points.same_as {
            Some(l) => format!("{points}, the points of `{}`", p.batches[l.index()].label),
            None => points,
        };
        let anchors = p.anchors(BatchId(k as u32)).map_or(0, |a| a.len());
        let points = match &b.points.anchors {
            Some(Anchors::Data(d)) => {
                format!(
                    "{points}, and {anchors} anchors from {}",
                    m.data[d.index()].name
                )
            }
            Some(Anchors::Drawn { region, .. }) => {
                format!("{points}, and {anchors} anchors drawn in {region}")
            }
            None => points,
        };
        let weight = match b.weight {
            1.0 => String::new(),
            w => format!(", weight {}", num(w)),
        };
        let causal = b
            .causal
            .map(|c| {
                format!(
                    ", causal in {} (eps {}, {} slabs)",
                    m.coord(c.time).name,
                    num(c.eps),
                    c.slabs
                )
            })
            .unwrap_or_default();
        if let Some((s, state)) = p.ode_term(BatchId(k as u32)) {
            let system = &p.systems[s];
            let data = &m.data[system.data.index()];
            let time = &data.columns[system.time];
            let runs = super::ode::trajectories(&data.values[system.time]).len();
            out.push_str(&format!(
                "batch {k} `{}`: the {runs} trajectories in {time} of {}, integrated by RK4 ({} step{} per interval){weight}\n",
                b.label,
                data.name,
                system.steps,
                if system.steps == 1 { "" } else { "s" },
            ));
            out.push_str(&format!(
                "  d({}, {time}) = {}\n",
                m.coord(system.states[state]).name,
                ir.expr(system.rates[state])
            ));
            continue;
        }
        out.push_str(&format!(
            "batch {k} `{}`: {points}{weight}{causal}\n",
            b.label
        ));
        for r in &b.residuals {
            let relation = r.relation.symbol();
            out.push_str(&format!(
                "  {}{}: {} {relation} 0\n",
                b.label,
                r.part.suffix(),
                ir.expr(r.expr)
            ));
        }
    }
    for r in &p.recovered {
        out.push_str(&format!(
            "error of {}: against {} at the points of `{}`\n",
            ir.expr(r.learned),
            ir.expr(r.exact),
            p.batch(r.batch).label
        ));
    }
    out.push_str(&format!(
        "seeds: weights {:#x}, points {:#x}\n",
        p.init_seed, p.sample_seed
    ));
    out
}

/// A derivative by its coordinates (`x`, `xt`, `d(r, theta)`), or `value`.
fn jet_name(m: &Model, inputs: &[CoordId], d: &[u8]) -> String {
    let mut names = vec![];
    for (c, order) in inputs.iter().zip(d) {
        for _ in 0..*order {
            names.push(m.coord(*c).name.as_str());
        }
    }
    match names.len() {
        0 => "value".to_string(),
        _ if names.iter().all(|n| n.len() == 1) => names.concat(),
        _ => format!("d({})", names.join(", ")),
    }
}
