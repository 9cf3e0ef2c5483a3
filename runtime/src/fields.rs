//! Trained fields evaluated at points, and their errors.
//!
//! Input: a model, its trained networks and points. Output: each field's
//! values (one vector per part: the real part, then the imaginary part of a
//! complex field) at a regular grid of its domain, at given points, or at
//! the rows of its `reference` data; its `exact` solution where it has one;
//! and the relative L2 error between the two. Evaluation runs without
//! autodiff: nothing is recorded for a reverse pass.

use crate::net::JetPlan;
use crate::program::Trainable;
use burn::module::Module;
use burn::tensor::{Device, Tensor, TensorData};
use physc_compiler::geometry::{self, Rng};
use physc_compiler::ir::eval::Leaf;
use physc_compiler::ir::lower::{Lowered, Lowerer};
use physc_compiler::jit::Kernel;
use physc_compiler::model::{Factor, FuncId, Model, SolutionKind};
use physc_compiler::sample::{Point, data_points};

/// Points at most this many evaluated in one tensor, to bound memory.
const CHUNK: usize = 65_536;

/// A field's values (per part) at `points`, from the trained networks
/// (through the output transform of a hard constraint).
pub fn predict(
    model: &Model,
    lowered: &Lowered,
    t: &Trainable,
    f: FuncId,
    points: &[Point],
    device: &Device,
) -> Vec<Vec<f64>> {
    let (n, net) = model
        .nets
        .iter()
        .enumerate()
        .find(|(_, n)| n.outputs.contains(&f))
        .expect("every field has a network");
    let network = t.nets[n].valid();
    let plain = device.clone().inner();
    let plan = JetPlan::new(&[], net.inputs.len());
    // Columns of this field among the network's outputs.
    let mut first = 0;
    for &g in net.outputs.iter().take_while(|&&g| g != f) {
        first += if model.function(g).complex { 2 } else { 1 };
    }
    let parts = if model.function(f).complex { 2 } else { 1 };
    let mut out = vec![Vec::with_capacity(points.len()); parts];
    for chunk in points.chunks(CHUNK) {
        let flat: Vec<f64> = chunk
            .iter()
            .flat_map(|p| net.inputs.iter().map(|c| p.coords[c.index()]))
            .collect();
        let x = Tensor::<2>::from_data(
            TensorData::new(flat, [chunk.len(), net.inputs.len()]),
            &plain,
        );
        let y = network.jets(x, net.activation, &plan)[0]
            .clone()
            .expect("a value");
        let width = y.dims()[1];
        let values: Vec<f64> = y
            .into_data()
            .convert::<f64>()
            .try_to_vec::<f64>()
            .expect("float data");
        for (p, column) in out.iter_mut().enumerate() {
            column.extend(values.iter().skip(first + p).step_by(width));
        }
    }
    if let Some(hard) = lowered.hard.iter().find(|h| h.function == f) {
        let kernel = Kernel::compile(&lowered.graph, &[hard.offset, hard.factor])
            .expect("a transform of coordinates compiles");
        let rows = kernel.eval_with(points.len(), |leaf, i| match leaf {
            Leaf::Coord(c) => points[i].coords[c.index()],
            _ => f64::NAN,
        });
        for (u, row) in out[0].iter_mut().zip(rows) {
            *u = row[0] + row[1] * *u;
        }
    }
    out
}

/// The exact solution (per part) at `points`, if the field has one.
pub fn exact_values(model: &Model, f: FuncId, points: &[Point]) -> Option<Vec<Vec<f64>>> {
    let solution = model.solutions.iter().find(|s| s.function == f)?;
    let SolutionKind::Exact(e) = &solution.kind else {
        return None;
    };
    let mut lowerer = Lowerer::new(model);
    let value = lowerer.expr(e).ok()?;
    let mut roots = vec![value.re];
    if model.function(f).complex {
        roots.push(value.im.unwrap_or_else(|| lowerer.graph.num(0.0)));
    }
    let kernel = Kernel::compile(&lowerer.graph, &roots).ok()?;
    let rows = kernel.eval_with(points.len(), |leaf, i| match leaf {
        Leaf::Coord(c) => points[i].coords[c.index()],
        Leaf::Param(p) => points[i].params[p.index()],
        _ => f64::NAN,
    });
    Some(
        (0..roots.len())
            .map(|r| rows.iter().map(|row| row[r]).collect())
            .collect(),
    )
}

/// The rows of the field's `reference` data as points, and its values there.
pub fn reference_values(model: &Model, f: FuncId) -> Option<(Vec<Point>, Vec<Vec<f64>>)> {
    let solution = model.solutions.iter().find(|s| s.function == f)?;
    let SolutionKind::Reference(d) = solution.kind else {
        return None;
    };
    let data = &model.data[d.index()];
    let function = model.function(f);
    let names = if function.complex {
        vec![
            format!("{}_re", function.name),
            format!("{}_im", function.name),
        ]
    } else {
        vec![function.name.clone()]
    };
    let values = names
        .iter()
        .map(|n| data.column(n).map(|c| data.values[c].clone()))
        .collect::<Option<Vec<_>>>()?;
    let points = data_points(model, d, &mut Rng::new(0));
    Some((points, values))
}

/// `||predicted - reference|| / ||reference||` over every part.
pub fn relative_l2(predicted: &[Vec<f64>], reference: &[Vec<f64>]) -> f64 {
    let (mut error, mut norm) = (0.0, 0.0);
    for (p, e) in predicted.iter().zip(reference) {
        for (a, b) in p.iter().zip(e) {
            error += (a - b).powi(2);
            norm += b * b;
        }
    }
    (error / norm).sqrt()
}

/// A regular grid over the field's domain with about `total` points: each
/// coordinate split evenly between its bounds (a set's bounding box), then
/// the points outside a set dropped. Parameters sit at their midpoints.
pub fn grid(model: &Model, f: FuncId, total: usize) -> Vec<Point> {
    let Some(domain) = &model.function(f).domain else {
        return vec![];
    };
    let mut axes: Vec<(usize, f64, f64)> = vec![];
    for factor in &domain.factors {
        match factor {
            Factor::Interval { coord, lo, hi } => axes.push((coord.index(), *lo, *hi)),
            Factor::Set { coords, set, .. } => {
                for (c, (lo, hi)) in coords.iter().zip(set.bounds().unwrap_or_default()) {
                    axes.push((c.index(), lo, hi));
                }
            }
        }
    }
    let per_axis = ((total as f64).powf(1.0 / axes.len().max(1) as f64).round() as usize).max(2);
    let params: Vec<f64> = model.params.iter().map(|p| 0.5 * (p.lo + p.hi)).collect();
    let count = per_axis.pow(axes.len() as u32);
    let mut points = Vec::with_capacity(count);
    for mut index in 0..count {
        let mut coords = vec![f64::NAN; model.coords.len()];
        // The last axis varies fastest.
        for &(c, lo, hi) in axes.iter().rev() {
            let k = index % per_axis;
            index /= per_axis;
            coords[c] = lo + (hi - lo) * k as f64 / (per_axis - 1) as f64;
        }
        let inside = domain.factors.iter().all(|factor| match factor {
            Factor::Interval { .. } => true,
            Factor::Set {
                coords: cs, set, ..
            } => {
                let p: Vec<f64> = cs.iter().map(|c| coords[c.index()]).collect();
                geometry::contains(set, &p)
            }
        });
        if inside {
            points.push(Point {
                coords,
                params: params.clone(),
                row: None,
            });
        }
    }
    points
}
