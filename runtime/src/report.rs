//! The files of a run directory, written atomically.
//!
//! `summary.json`: steps, wall seconds, the final total loss and each
//! labelled term, learned scalars (and the relative error of those with an
//! `exact` value), `rel_l2` per field with an `exact`
//! solution or a `reference`, the balancing factors, the backend and
//! precision, and whether training finished. `history.csv`: the losses at
//! each logged step (the total is the objective: balanced terms) and the
//! learned scalars' values there. `FIELD.csv`: the trained
//! field (and its exact solution) on a grid of its domain.

use crate::train::History;
use physc_compiler::model::{FuncId, Model};
use physc_compiler::program::sample::Point;
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
    /// Each learned scalar with an `exact` value: its relative error
    /// (absolute when the exact value is 0).
    pub learned_error: Vec<(String, f64)>,
    pub rel_l2: Vec<(String, f64)>,
    /// The loss terms' balancing factors (`balance = gradnorm`).
    pub balance: Vec<(String, f64)>,
    pub precision: &'static str,
    /// Where it trained: `cpu` or `wgpu`.
    pub backend: &'static str,
    /// False when training was interrupted (it can be resumed).
    pub finished: bool,
    /// What the run had to work around, such as a damaged checkpoint.
    pub notes: Vec<String>,
    /// Divergences undone: `(step, what was done)`.
    pub events: Vec<(u64, String)>,
    /// Why training gave up before its end, if it did.
    pub stopped: Option<String>,
    /// Each conserved quantity's drift over the time range, by label.
    pub conserved: Vec<(String, f64)>,
    /// Under time marching, each window's range of `t` and its own run's
    /// summary; empty otherwise.
    pub windows: Vec<((f64, f64), Summary)>,
}

pub fn write_field(
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

pub fn write_history(path: &Path, history: &History) -> std::io::Result<()> {
    let mut header = vec!["step".to_string(), "total".to_string()];
    header.extend(history.labels.iter().cloned());
    header.extend(history.scalars.iter().cloned());
    header.push("event".to_string());
    let mut text = header.join(",") + "\n";
    for (row, (step, total, terms)) in history.rows.iter().enumerate() {
        let mut cells: Vec<String> = vec![step.to_string(), format!("{total:e}")];
        cells.extend(terms.iter().map(|t| format!("{t:e}")));
        cells.extend((0..history.scalars.len()).map(|k| {
            history
                .scalar(row, k)
                .map_or(String::new(), |v| v.to_string())
        }));
        let event = history
            .events
            .iter()
            .find(|(r, _)| *r == row)
            .map_or(String::new(), |(_, text)| {
                format!("\"{}\"", text.replace('"', "'"))
            });
        cells.push(event);
        text.push_str(&cells.join(","));
        text.push('\n');
    }
    write_atomically(path, text.as_bytes())
}

pub fn summary_json(s: &Summary) -> String {
    let object = |pairs: &[(String, f64)]| -> serde_json::Value {
        serde_json::Value::Object(
            pairs
                .iter()
                .map(|(k, v)| (k.clone(), serde_json::json!(v)))
                .collect(),
        )
    };
    let mut json = serde_json::json!({
        "steps": s.steps,
        "wall_seconds": s.wall_seconds,
        "total_loss": s.total_loss,
        "loss": object(&s.losses),
        "learned": object(&s.learned),
        "learned_error": object(&s.learned_error),
        "rel_l2": object(&s.rel_l2),
        "balance": object(&s.balance),
        "finished": s.finished,
        "precision": s.precision,
        "backend": s.backend,
        "notes": s.notes,
        "events": s.events.iter().map(|(step, text)| serde_json::json!({"step": step, "what": text})).collect::<Vec<_>>(),
        "stopped": s.stopped,
        "conserved_drift": object(&s.conserved),
    });
    if !s.windows.is_empty() {
        json["windows"] = s
            .windows
            .iter()
            .map(|((from, to), w)| {
                serde_json::json!({
                    "t": [from, to],
                    "steps": w.steps,
                    "wall_seconds": w.wall_seconds,
                    "total_loss": w.total_loss,
                    "rel_l2": object(&w.rel_l2),
                })
            })
            .collect();
    }
    serde_json::to_string_pretty(&json).expect("serialises") + "\n"
}

/// Writes `bytes` to `path` through [`replace`].
pub fn write_atomically(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    replace(path, |tmp| {
        let mut file = std::fs::File::create(tmp)?;
        file.write_all(bytes)
    })
}

/// The one way a run directory's files are written: `write` fills a
/// temporary file beside `path`, which is synced and renamed over `path`,
/// and the directory is synced, so a reader (or a run killed at any
/// moment) sees the old file or the new one, whole, and the new one
/// survives a power cut once this returns.
pub fn replace(
    path: &Path,
    write: impl FnOnce(&Path) -> std::io::Result<()>,
) -> std::io::Result<()> {
    // `loss.png` is drawn as `loss.tmp.png`: plotters picks the image
    // format by the extension.
    let tmp = match path.extension() {
        Some(ext) => path.with_extension(format!("tmp.{}", ext.to_string_lossy())),
        None => path.with_extension("tmp"),
    };
    // A failed write (a full disk) leaves no partial file behind.
    let written = write(&tmp).and_then(|()| std::fs::File::open(&tmp)?.sync_all());
    if let Err(e) = written {
        let _ = std::fs::remove_file(&tmp);
        return Err(e);
    }
    std::fs::rename(&tmp, path)?;
    sync_directory(path)
}

/// Makes the entries of `path`'s directory (a rename) durable.
pub fn sync_directory(path: &Path) -> std::io::Result<()> {
    let dir = path.parent().filter(|d| !d.as_os_str().is_empty());
    std::fs::File::open(dir.unwrap_or(Path::new(".")))?.sync_all()
}

/// `conserved.csv`: each conserved quantity against time, one column per
/// label (the quantities of one model share their time range).
pub fn write_conserved(path: &Path, drifts: &[crate::conserve::Drift]) -> std::io::Result<()> {
    let Some(first) = drifts.first() else {
        return Ok(());
    };
    let mut text = String::from("t");
    for d in drifts {
        text.push(',');
        text.push_str(&d.label);
    }
    text.push('\n');
    for (k, t) in first.times.iter().enumerate() {
        text.push_str(&t.to_string());
        for d in drifts {
            text.push(',');
            text.push_str(&d.values[k].to_string());
        }
        text.push('\n');
    }
    write_atomically(path, text.as_bytes())
}
