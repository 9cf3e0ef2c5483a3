//! `physc eval`: a trained model at the user's points.
//!
//! Input: a model, its run directory (the checkpoint) and a CSV whose
//! header names the coordinates the model's fields take (and its `param`
//! scalars). Output: the same rows with one column per field (a complex
//! field `h` gives `h_re`, `h_im` and `h_abs`) and, on request, one column
//! per equation with its residual there (`LABEL`, or `LABEL_re` and
//! `LABEL_im` for a complex equation). Runs in float64 without autodiff.

use crate::backend::{Precision, cpu_device};
use crate::checkpoint;
use crate::engine::Engine;
use crate::program::Program;
use crate::report::write_atomically;
use physc_compiler::check::csv::{self, Table};
use physc_compiler::model::{FuncId, Model};
use physc_compiler::program::LossProgram;
use physc_compiler::program::sample::Point;
use std::path::Path;

/// Reads the CSV of points (the same rules as a model's data sets); a
/// malformed row is an error naming its line.
pub fn read_table(path: &Path) -> Result<Table, String> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| format!("cannot read {}: {e}", path.display()))?;
    let table = csv::parse(&text);
    if table.columns.is_empty() {
        return Err(format!("{} has no header row", path.display()));
    }
    if let Some((line, problem)) = table.problems.first() {
        return Err(format!("{}:{line}: {problem}", path.display()));
    }
    Ok(table)
}

/// Evaluates the run's fields (and residuals) at the points of `input` and
/// writes `output`; returns the number of rows.
pub fn eval(
    loss: &LossProgram,
    run: &Path,
    input: &Path,
    output: &Path,
    residuals: bool,
) -> Result<usize, String> {
    let model = &loss.model;
    let table = read_table(input)?;
    let points = points(model, &table, input)?;
    let device = cpu_device(model.train.seed, Precision::F64)?.inner();
    let (program, trainable) = Program::new(loss, &device)?;
    let identity = checkpoint::Identity::new(loss.fingerprint());
    let trained = checkpoint::load(run, &identity, trainable)?.trainable;
    // The compiled kernels where the model compiles, burn's tensors otherwise.
    let engine = Engine::jit(&program, &trained, Precision::F64).unwrap_or(Engine::Burn);
    let mut header = table.columns.clone();
    let mut columns: Vec<Vec<f64>> = vec![];
    for (k, f) in model.functions.iter().enumerate() {
        if f.domain.is_none() {
            continue;
        }
        let values = engine.predict(&program, &trained, FuncId(k as u32), &points);
        if f.complex {
            let abs = values[0]
                .iter()
                .zip(&values[1])
                .map(|(a, b)| a.hypot(*b))
                .collect();
            header.extend(["re", "im", "abs"].map(|p| format!("{}_{p}", f.name)));
            columns.extend(values);
            columns.push(abs);
        } else {
            header.push(f.name.clone());
            columns.extend(values);
        }
    }
    if residuals {
        for (b, batch) in loss.batches.iter().enumerate() {
            let parts = engine.residuals_at(&program, &trained, b, &points);
            for r in &batch.residuals {
                header.push(format!(
                    "{}{}",
                    batch.label,
                    r.part.suffix().replace('.', "_")
                ));
            }
            columns.extend(parts);
        }
    }
    let mut text = header.join(",") + "\n";
    for i in 0..table.rows() {
        let values: Vec<String> = table
            .row(i)
            .iter()
            .chain(columns.iter().map(|c| &c[i]))
            .map(|v| v.to_string())
            .collect();
        text.push_str(&values.join(","));
        text.push('\n');
    }
    write_atomically(output, text.as_bytes())
        .map_err(|e| format!("cannot write {}: {e}", output.display()))?;
    Ok(table.rows())
}

/// The rows as points: every coordinate a field takes, and every
/// parameter, must have its column.
pub fn points(model: &Model, table: &Table, input: &Path) -> Result<Vec<Point>, String> {
    let column = |name: &str| table.column(name);
    let mut needed: Vec<&str> = vec![];
    for f in model.functions.iter().filter(|f| f.domain.is_some()) {
        for c in &f.coords {
            let name = model.coord(*c).name.as_str();
            if !needed.contains(&name) {
                needed.push(name);
            }
        }
    }
    needed.extend(model.params.iter().map(|p| p.name.as_str()));
    let missing: Vec<&str> = needed
        .iter()
        .copied()
        .filter(|n| column(n).is_none())
        .collect();
    if !missing.is_empty() {
        return Err(format!(
            "{} lacks the column{} {} (the model's fields take {})",
            input.display(),
            if missing.len() > 1 { "s" } else { "" },
            missing.join(", "),
            needed.join(", ")
        ));
    }
    let coords: Vec<Option<usize>> = model.coords.iter().map(|c| column(&c.name)).collect();
    let params: Vec<usize> = model
        .params
        .iter()
        .map(|p| column(&p.name).expect("checked above"))
        .collect();
    Ok((0..table.rows())
        .map(|i| Point {
            coords: coords
                .iter()
                .map(|c| c.map_or(f64::NAN, |c| table.values[c][i]))
                .collect(),
            params: params.iter().map(|&p| table.values[p][i]).collect(),
            row: None,
        })
        .collect())
}
