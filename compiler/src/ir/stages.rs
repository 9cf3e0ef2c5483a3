//! The lowered model as text, one function per `physc ir` stage.

use super::lower::Lowered;
use super::print::Printer;
use super::*;
use crate::model::print::{Printer as ModelPrinter, num};
use crate::model::{Enforcement, Model, Where};

/// Each hard constraint built into its network, `label: hard u = g + phi
/// * u  (built in)` (the `u` on the right is the network's output), then
/// each residual: `label: expression REL 0  on PLACE`.
pub fn residuals(model: &Model, lowered: &Lowered) -> String {
    let p = Printer {
        g: &lowered.graph,
        m: model,
    };
    let places = ModelPrinter { m: model };
    let mut out = String::new();
    for h in &lowered.hard {
        out.push_str(&format!(
            "{}: hard {} = {}  (built in; {} on the right is the network)\n",
            model.constraints[h.constraint.index()].label,
            model.function(h.function).name,
            p.expr(h.value),
            model.function(h.function).name,
        ));
    }
    for r in &lowered.residuals {
        let part = r.part.suffix();
        let relation = r.relation.symbol();
        let hard = if r.enforcement == Enforcement::Hard {
            "hard "
        } else {
            ""
        };
        let weight = if r.weight == 1.0 {
            String::new()
        } else {
            format!("  weight {}", num(r.weight))
        };
        if let (Enforcement::Ode { state, time }, Where::Data(d)) = (r.enforcement, &r.on) {
            let data = &model.data[d.index()];
            out.push_str(&format!(
                "{}: ode d({}, {}) = {}  integrated through the trajectories of {}{weight}\n",
                r.label,
                model.coord(state).name,
                data.columns[time],
                p.expr(r.expr),
                data.name
            ));
            continue;
        }
        out.push_str(&format!(
            "{}{part}: {hard}{} {relation} 0  on {}{weight}\n",
            r.label,
            p.expr(r.expr),
            places.place(&r.on)
        ));
    }
    out
}

/// Per function, the derivatives its network must provide.
pub fn derivatives(model: &Model, lowered: &Lowered) -> String {
    let p = Printer {
        g: &lowered.graph,
        m: model,
    };
    let mut out = String::new();
    for (f, set) in &lowered.derivatives {
        let names: Vec<String> = set.iter().map(|d| p.function(*f, Part::Real, d)).collect();
        out.push_str(&format!(
            "{}: {}\n",
            model.function(*f).name,
            names.join(", ")
        ));
    }
    out
}

/// The kernel's inputs and outputs, then its function in cranelift's text.
pub fn clif(model: &Model, lowered: &Lowered, kernel: &crate::jit::Kernel) -> String {
    use super::eval::Leaf;
    let p = Printer {
        g: &lowered.graph,
        m: model,
    };
    let mut out = String::new();
    for (k, leaf) in kernel.leaves().iter().enumerate() {
        let name = match leaf {
            Leaf::Coord(c) => model.coord(*c).name.clone(),
            Leaf::Learned(l) => model.learned[l.index()].name.clone(),
            Leaf::Normal(c) => format!("n_{}", model.coord(*c).name),
            Leaf::Column { data, column } => {
                let d = &model.data[data.index()];
                format!("{}.{}", d.name, d.columns[*column as usize])
            }
            Leaf::Field {
                function,
                part,
                derivative,
            } => p.function(*function, *part, derivative),
            Leaf::Apply(id) => p.expr(*id),
        };
        out.push_str(&format!("; input {k}: {name}\n"));
    }
    for (k, r) in lowered.residuals.iter().enumerate() {
        let part = r.part.suffix();
        out.push_str(&format!("; output {k}: {}{part}\n", r.label));
    }
    out.push_str(kernel.clif());
    out
}

/// The DAG under the residuals, node by node, then which node each residual is.
pub fn nodes(model: &Model, lowered: &Lowered) -> String {
    let p = Printer {
        g: &lowered.graph,
        m: model,
    };
    let roots: Vec<ExprId> = lowered.residuals.iter().map(|r| r.expr).collect();
    let mut out = p.nodes(&roots);
    for r in &lowered.residuals {
        let part = r.part.suffix();
        out.push_str(&format!("{}{part} = %{}\n", r.label, r.expr.0));
    }
    out.push_str(&format!(
        "{} nodes\n",
        lowered.graph.reachable(&roots).len()
    ));
    out
}
