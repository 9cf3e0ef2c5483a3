//! A training run: train a lowered model and write its run directory.
//!
//! The directory holds `summary.json` (final loss per term, steps, wall
//! seconds, learned scalars, and `rel_l2` per field with an `exact`
//! solution), `history.csv` (the losses at each logged step) and, per
//! field, `FIELD.csv`: the trained field (and its exact solution) at up to
//! 10,000 points of its domain. The relative L2 error is measured at 4,096
//! points drawn from the field's domain, apart from the training points.

use crate::net::JetPlan;
use crate::program::{Program, Trainable};
use crate::train::{History, Progress, train};
use burn::tensor::{Device, FloatDType, Tensor, TensorData};
use physc_compiler::geometry::Rng;
use physc_compiler::ir::eval::Leaf;
use physc_compiler::ir::lower::{Lowered, Lowerer};
use physc_compiler::jit::Kernel;
use physc_compiler::model::{FuncId, Model, SolutionKind};
use physc_compiler::sample::{Point, function_points};
use std::io::Write;
use std::path::Path;

/// What a run measured.
#[derive(Clone, Debug)]
pub struct Summary {
    pub steps: u64,
    pub wall_seconds: f64,
    pub total_loss: f64,
    pub losses: Vec<(String, f64)>,
    pub learned: Vec<(String, f64)>,
    pub rel_l2: Vec<(String, f64)>,
}

/// The CPU device in float64, with autodiff.
pub fn cpu_device(seed: u64) -> Device {
    let mut device = Device::flex();
    // The settings of a device can be set once per process; a second run in
    // the same process keeps the first run's (also float64).
    let _ = device.configure(FloatDType::F64);
    device.seed(seed);
    device.autodiff()
}

/// Trains `model` and writes the run directory `out`.
pub fn run(
    model: &Model,
    lowered: &Lowered,
    out: &Path,
    progress: impl FnMut(&Progress),
) -> std::io::Result<Summary> {
    let device = cpu_device(model.train.seed);
    let start = std::time::Instant::now();
    let (program, trainable) = Program::new(model, lowered, &device);
    let (trained, history) = train(&program, trainable, &model.train, progress);
    let wall_seconds = start.elapsed().as_secs_f64();
    let (steps, total_loss, terms) = history
        .rows
        .last()
        .cloned()
        .unwrap_or((0, f64::NAN, vec![]));
    let learned: Vec<(String, f64)> = model
        .learned
        .iter()
        .zip(&trained.scalars)
        .map(|(l, p)| (l.name.clone(), p.val().into_scalar::<f64>()))
        .collect();
    std::fs::create_dir_all(out)?;
    let mut rel_l2 = vec![];
    for (k, f) in model.functions.iter().enumerate() {
        let id = FuncId(k as u32);
        if f.domain.is_none() {
            continue;
        }
        let mut rng = Rng::new(0xfeed ^ k as u64);
        let points = function_points(model, &[id], 4096, &mut rng);
        let predicted = predict(model, &trained, id, &points, &device);
        let exact = exact_values(model, id, &points);
        if let Some(exact) = &exact {
            rel_l2.push((f.name.clone(), relative_l2(&predicted, exact)));
        }
        write_field(
            model,
            id,
            &out.join(format!("{}.csv", f.name)),
            &points,
            &predicted,
            exact.as_deref(),
        )?;
    }
    let summary = Summary {
        steps,
        wall_seconds,
        total_loss,
        losses: history.labels.iter().cloned().zip(terms).collect(),
        learned,
        rel_l2,
    };
    write_history(&out.join("history.csv"), &history)?;
    write_atomically(&out.join("summary.json"), summary_json(&summary).as_bytes())?;
    Ok(summary)
}

/// The trained function (both parts when complex) at `points`.
fn predict(
    model: &Model,
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
    let flat: Vec<f64> = points
        .iter()
        .flat_map(|p| net.inputs.iter().map(|c| p.coords[c.index()]))
        .collect();
    let x = Tensor::<2>::from_data(
        TensorData::new(flat, [points.len(), net.inputs.len()]),
        device,
    );
    let plan = JetPlan::new(&[], net.inputs.len());
    let out = t.nets[n].jets(x, net.activation, &plan)[0]
        .clone()
        .expect("a value");
    let width = out.dims()[1];
    let values: Vec<f64> = out
        .into_data()
        .convert::<f64>()
        .try_to_vec::<f64>()
        .expect("float data");
    let mut column = 0;
    for &g in &net.outputs {
        let parts = if model.function(g).complex { 2 } else { 1 };
        if g == f {
            return (0..parts)
                .map(|p| {
                    values
                        .iter()
                        .skip(column + p)
                        .step_by(width)
                        .copied()
                        .collect()
                })
                .collect();
        }
        column += parts;
    }
    unreachable!("the network outputs f")
}

/// The exact solution (both parts when complex) at `points`, if there is one.
fn exact_values(model: &Model, f: FuncId, points: &[Point]) -> Option<Vec<Vec<f64>>> {
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

/// `||predicted - exact|| / ||exact||`, over every part.
pub fn relative_l2(predicted: &[Vec<f64>], exact: &[Vec<f64>]) -> f64 {
    let (mut error, mut norm) = (0.0, 0.0);
    for (p, e) in predicted.iter().zip(exact) {
        for (a, b) in p.iter().zip(e) {
            error += (a - b).powi(2);
            norm += b * b;
        }
    }
    (error / norm).sqrt()
}

fn write_field(
    model: &Model,
    f: FuncId,
    path: &Path,
    points: &[Point],
    predicted: &[Vec<f64>],
    exact: Option<&[Vec<f64>]>,
) -> std::io::Result<()> {
    let function = model.function(f);
    let mut header: Vec<String> = function
        .coords
        .iter()
        .map(|c| model.coord(*c).name.clone())
        .collect();
    let parts: Vec<String> = if function.complex {
        vec![
            format!("{}_re", function.name),
            format!("{}_im", function.name),
        ]
    } else {
        vec![function.name.clone()]
    };
    header.extend(parts.iter().cloned());
    if exact.is_some() {
        header.extend(parts.iter().map(|p| format!("{p}_exact")));
    }
    let mut text = header.join(",") + "\n";
    for (i, p) in points.iter().enumerate() {
        let mut row: Vec<String> = function
            .coords
            .iter()
            .map(|c| p.coords[c.index()].to_string())
            .collect();
        row.extend(predicted.iter().map(|v| v[i].to_string()));
        if let Some(exact) = exact {
            row.extend(exact.iter().map(|v| v[i].to_string()));
        }
        text.push_str(&row.join(","));
        text.push('\n');
    }
    write_atomically(path, text.as_bytes())
}

fn write_history(path: &Path, history: &History) -> std::io::Result<()> {
    let mut text = format!("step,total,{}\n", history.labels.join(","));
    for (step, total, terms) in &history.rows {
        let terms: Vec<String> = terms.iter().map(|t| format!("{t:e}")).collect();
        text.push_str(&format!("{step},{total:e},{}\n", terms.join(",")));
    }
    write_atomically(path, text.as_bytes())
}

fn summary_json(s: &Summary) -> String {
    let object = |pairs: &[(String, f64)]| -> serde_json::Value {
        serde_json::Value::Object(
            pairs
                .iter()
                .map(|(k, v)| (k.clone(), serde_json::json!(v)))
                .collect(),
        )
    };
    let json = serde_json::json!({
        "steps": s.steps,
        "wall_seconds": s.wall_seconds,
        "total_loss": s.total_loss,
        "loss": object(&s.losses),
        "learned": object(&s.learned),
        "rel_l2": object(&s.rel_l2),
        "precision": "float64",
        "backend": "flex (CPU)",
    });
    serde_json::to_string_pretty(&json).expect("serialises") + "\n"
}

/// Writes to a temporary file, then renames it over `path`: a reader (or an
/// interrupted run) never sees half a file.
pub fn write_atomically(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let tmp = path.with_extension("tmp");
    let mut file = std::fs::File::create(&tmp)?;
    file.write_all(bytes)?;
    file.sync_all()?;
    std::fs::rename(&tmp, path)
}
