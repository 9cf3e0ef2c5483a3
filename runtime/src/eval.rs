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
use crate::fields::predict;
use crate::program::Program;
use crate::report::write_atomically;
use physc_compiler::ir::lower::Lowered;
use physc_compiler::model::{FuncId, Model};
use physc_compiler::sample::Point;
use std::path::Path;

/// A CSV of numbers: its header and rows.
pub struct Table {
    pub header: Vec<String>,
    pub rows: Vec<Vec<f64>>,
}

/// Reads a CSV of numbers with a header line.
pub fn read_table(path: &Path) -> Result<Table, String> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| format!("cannot read {}: {e}", path.display()))?;
    let mut lines = text
        .lines()
        .enumerate()
        .filter(|(_, l)| !l.trim().is_empty());
    let (_, first) = lines
        .next()
        .ok_or_else(|| format!("{} is empty", path.display()))?;
    let header: Vec<String> = first.split(',').map(|h| h.trim().to_string()).collect();
    let mut rows = vec![];
    for (number, line) in lines {
        let row = line
            .split(',')
            .map(|v| v.trim().parse::<f64>())
            .collect::<Result<Vec<f64>, _>>()
            .map_err(|_| format!("{}:{}: not a row of numbers", path.display(), number + 1))?;
        if row.len() != header.len() {
            return Err(format!(
                "{}:{}: {} values under {} columns",
                path.display(),
                number + 1,
                row.len(),
                header.len()
            ));
        }
        rows.push(row);
    }
    Ok(Table { header, rows })
}

/// Evaluates the run's fields (and residuals) at the points of `input` and
/// writes `output`; returns the number of rows.
pub fn eval(
    model: &Model,
    lowered: &Lowered,
    run: &Path,
    input: &Path,
    output: &Path,
    residuals: bool,
) -> Result<usize, String> {
    let table = read_table(input)?;
    let points = points(model, &table, input)?;
    let device = cpu_device(model.train.seed, Precision::F64)?.inner();
    let (program, trainable) = Program::new(model, lowered, &device);
    let trained = checkpoint::load(run, trainable)?.trainable;
    let mut header = table.header.clone();
    let mut columns: Vec<Vec<f64>> = vec![];
    for (k, f) in model.functions.iter().enumerate() {
        if f.domain.is_none() {
            continue;
        }
        let values = predict(model, lowered, &trained, FuncId(k as u32), &points, &device);
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
        for (k, c) in model.constraints.iter().enumerate() {
            let parts = program.residuals_at(&trained, k, &points);
            match parts.len() {
                1 => header.push(c.label.clone()),
                _ => header.extend(["re", "im"].map(|p| format!("{}_{p}", c.label))),
            }
            columns.extend(parts);
        }
    }
    let mut text = header.join(",") + "\n";
    for (i, row) in table.rows.iter().enumerate() {
        let values: Vec<String> = row
            .iter()
            .chain(columns.iter().map(|c| &c[i]))
            .map(|v| v.to_string())
            .collect();
        text.push_str(&values.join(","));
        text.push('\n');
    }
    write_atomically(output, text.as_bytes())
        .map_err(|e| format!("cannot write {}: {e}", output.display()))?;
    Ok(table.rows.len())
}

/// The rows as points: every coordinate a field takes, and every
/// parameter, must have its column.
fn points(model: &Model, table: &Table, input: &Path) -> Result<Vec<Point>, String> {
    let column = |name: &str| table.header.iter().position(|h| h == name);
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
    Ok(table
        .rows
        .iter()
        .map(|row| Point {
            coords: coords
                .iter()
                .map(|c| c.map_or(f64::NAN, |c| row[c]))
                .collect(),
            params: params.iter().map(|&p| row[p]).collect(),
            row: None,
        })
        .collect())
}
