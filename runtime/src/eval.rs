//! `physc eval`: a trained model at the user's points.
//!
//! Input: a model, its run directory (the checkpoint) and a CSV whose
//! header names the coordinates the model's fields take (and its `param`
//! scalars), or those of a learned function (`N(a, b, c)`). Output: the
//! same rows with one column per field or learned function it has the
//! columns for (a complex field `h` gives `h_re`, `h_im` and `h_abs`) and,
//! on request, one column per equation with its residual there (`LABEL`,
//! or `LABEL_re` and `LABEL_im` for a complex equation). Runs in float64
//! without autodiff. A marched run (`windows = n`) evaluates each point
//! with the networks of the window its time falls in.

use crate::backend::{Precision, cpu_device};
use crate::checkpoint;
use crate::engine::Engine;
use crate::program::{Program, Trainable};
use crate::report::write_atomically;
use physc_compiler::check::csv::{self, Table};
use physc_compiler::ir::Part;
use physc_compiler::model::{FuncId, Function, Model};
use physc_compiler::program::sample::Point;
use physc_compiler::program::{BatchId, FieldValue, LossProgram};
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
    let functions = evaluable(model, &table, input, residuals)?;
    let points = points(model, &table);
    let device = cpu_device(model.train.seed, Precision::F64)?.inner();
    let identity = checkpoint::Identity::new(loss.fingerprint());
    // Learned functions are evaluated as fields of their own arguments.
    let loss = &with_learned_values(loss);
    let trained = match model.train.windows > 1 {
        true => Trained::Windows(crate::march::load_all(loss, run, &device)?),
        false => {
            let (program, trainable) = Program::new(loss, &device)?;
            let trained = checkpoint::load(run, &identity, trainable)?.trainable;
            // The compiled kernels where the model compiles, burn's tensors otherwise.
            let engine = Engine::jit(&program, &trained, Precision::F64).unwrap_or(Engine::Burn);
            Trained::One(Box::new(program), trained, engine)
        }
    };
    let mut header = table.columns.clone();
    let mut columns: Vec<Vec<f64>> = vec![];
    for &id in functions.iter().filter(|&&id| loss.field(id).is_some()) {
        let f = model.function(id);
        let values = trained.predict(id, &points);
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
            // An `ode` equation has no pointwise residual: its loss is
            // the error after integration.
            if loss.ode_term(BatchId(b as u32)).is_some() {
                continue;
            }
            let parts = trained.residuals(b, &points);
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

/// A trained model: one program, or the windows of a marched run.
enum Trained {
    One(Box<Program>, Trainable, Engine),
    Windows(Vec<crate::march::Window>),
}

impl Trained {
    fn predict(&self, f: FuncId, points: &[Point]) -> Vec<Vec<f64>> {
        match self {
            Trained::One(program, t, engine) => engine.predict(program, t, f, points),
            Trained::Windows(windows) => crate::march::predict(windows, f, points),
        }
    }

    fn residuals(&self, b: usize, points: &[Point]) -> Vec<Vec<f64>> {
        match self {
            Trained::One(program, t, engine) => engine.residuals_at(program, t, b, points),
            Trained::Windows(windows) => crate::march::residuals(windows, b, points),
        }
    }
}

/// The functions whose coordinates (and the model's parameters) the table
/// has columns for: every field with a domain and every learned function
/// that can be evaluated. With `residuals`, every field with a domain must
/// be; otherwise at least one function.
pub fn evaluable(
    model: &Model,
    table: &Table,
    input: &Path,
    residuals: bool,
) -> Result<Vec<FuncId>, String> {
    let has_columns = |f: &Function| {
        f.coords
            .iter()
            .map(|c| model.coord(*c).name.as_str())
            .all(|n| table.column(n).is_some())
    };
    let ids = || (0..model.functions.len()).map(|k| FuncId(k as u32));
    let found: Vec<FuncId> = ids()
        .filter(|&id| has_columns(model.function(id)))
        .collect();
    let fields: Vec<FuncId> = ids()
        .filter(|&id| model.function(id).domain.is_some())
        .collect();
    let all_fields = fields.iter().all(|id| found.contains(id));
    if found.is_empty() || (residuals && !all_fields) {
        // Name what the fields take, or the learned functions in a model
        // without fields.
        let (group, what) = match fields.is_empty() {
            true => (ids().collect(), "its learned functions take"),
            false => (fields, "the model's fields take"),
        };
        let mut needed: Vec<&str> = vec![];
        for id in group {
            let f = model.function(id);
            let names = f.coords.iter().map(|c| model.coord(*c).name.as_str());
            for n in names {
                if !needed.contains(&n) {
                    needed.push(n);
                }
            }
        }
        let missing: Vec<&str> = needed
            .iter()
            .copied()
            .filter(|n| table.column(n).is_none())
            .collect();
        return Err(format!(
            "{} lacks the column{} {} ({what} {})",
            input.display(),
            if missing.len() > 1 { "s" } else { "" },
            missing.join(", "),
            needed.join(", ")
        ));
    }
    Ok(found)
}

/// The program with a value for every learned function (a function without
/// a domain): its network's output at its own arguments.
fn with_learned_values(loss: &LossProgram) -> LossProgram {
    let mut loss = loss.clone();
    for (k, f) in loss.model.functions.iter().enumerate() {
        let function = FuncId(k as u32);
        if f.domain.is_some() || f.complex || loss.output(function, Part::Real).is_none() {
            continue;
        }
        let value = loss
            .graph
            .field(function, Part::Real, vec![0; f.coords.len()].into());
        loss.fields.push(FieldValue {
            function,
            parts: vec![(Part::Real, value)],
            hard: None,
            exact: None,
        });
    }
    loss
}

/// The rows as points: each coordinate (a parameter's included) from the
/// column of its name (NaN where the table has none).
pub fn points(model: &Model, table: &Table) -> Vec<Point> {
    let column = |name: &str| table.column(name);
    let coords: Vec<Option<usize>> = model.coords.iter().map(|c| column(&c.name)).collect();
    (0..table.rows())
        .map(|i| Point {
            coords: coords
                .iter()
                .map(|c| c.map_or(f64::NAN, |c| table.values[c][i]))
                .collect(),
            row: None,
            normal: vec![],
        })
        .collect()
}
