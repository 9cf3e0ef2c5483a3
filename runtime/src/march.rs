//! Time marching (`windows = n` in the `train` block): the range of `t`
//! split into windows trained in turn, as jaxpi does for long horizons.
//!
//! Input: a loss program with `windows > 1`, the run directory and
//! [`Options`]. Output: one run directory per window (`window1/`, ...,
//! each a whole run of that window's program: checkpoint, history, fields
//! and plots over the window) and, in the run directory itself, the
//! fields stitched from the windows' networks over the whole range, their
//! errors, and a `summary.json` with each window's steps, loss and error.
//! Window `k + 1` starts from window `k`'s trained networks, its initial
//! conditions held to window `k`'s values at their shared time
//! ([`physc_compiler::program::march`]).
//!
//! Invariants: a window is trained only after the one before it has
//! finished; `resume` goes on in the first window that has not, and the
//! windows before it are rebuilt from their checkpoints, so their carried
//! values are the ones the interrupted run used.

use crate::backend::device;
use crate::checkpoint::{self, Identity};
use crate::engine::Engine;
use crate::outputs::write_fields;
use crate::plot;
use crate::program::{Program, Trainable};
use crate::report::{Summary, summary_json, write_atomically, write_history};
use crate::run::{Options, run_from};
use crate::train::{History, Progress};
use burn::module::Module;
use burn::tensor::Device;
use physc_compiler::model::FuncId;
use physc_compiler::program::LossProgram;
use physc_compiler::program::march::{self, Carried};
use physc_compiler::program::sample::Point;
use std::path::{Path, PathBuf};
use std::sync::atomic::AtomicBool;

/// A trained window: its range of `t`, program, networks and history.
pub struct Window {
    pub range: (f64, f64),
    pub program: Program,
    pub trained: Trainable,
    pub history: History,
}

/// The run directory of window `k` (from 0) inside `out`.
pub fn directory(out: &Path, k: usize) -> PathBuf {
    out.join(format!("window{}", k + 1))
}

/// Trains the windows in turn and writes the stitched run directory.
pub fn run(
    loss: &LossProgram,
    out: &Path,
    options: Options,
    mut progress: impl FnMut(&Progress),
    interrupt: &AtomicBool,
) -> Result<Summary, String> {
    let model = &loss.model;
    let n = model.train.windows as usize;
    let device = device(options.backend, model.train.seed, options.precision)?;
    let first = checkpoint::path(&directory(out, 0));
    if options.resume && !first.exists() {
        return Err(format!(
            "cannot read {}: no checkpoint (the run has not written one yet)",
            first.display()
        ));
    }
    let mut windows: Vec<Window> = vec![];
    let mut summaries: Vec<Summary> = vec![];
    for k in 0..n {
        let program = window_program(loss, k, windows.last())?;
        let dir = directory(out, k);
        let resume = options.resume && checkpoint::path(&dir).exists();
        // A new window starts from the previous one's networks.
        let start = match resume {
            true => None,
            false => windows.last().map(|w| w.trained.clone()),
        };
        let stage = |p: &Progress| format!("window {}/{n}: {}", k + 1, p.stage);
        let summary = run_from(
            &program,
            &dir,
            Options {
                resume,
                ..options.clone()
            },
            start,
            |p: &Progress| {
                progress(&Progress {
                    stage: &stage(p),
                    ..*p
                })
            },
            interrupt,
        )?;
        if !summary.finished && summary.stopped.is_none() {
            // Interrupted: the window's checkpoint is where `--resume` goes on.
            let mut summary = summary;
            summary.notes.push(format!(
                "interrupted in window {} of {n}; `--resume` goes on from there",
                k + 1
            ));
            return Ok(summary);
        }
        windows.push(load(&program, &dir, &device)?);
        summaries.push(summary);
    }
    report(loss, out, &windows, &summaries)
        .map_err(|e| format!("cannot write to {}: {e}", out.display()))
}

/// Window `k`'s program: its initial conditions carried from the
/// previous window's networks (none for the first).
fn window_program(
    loss: &LossProgram,
    k: usize,
    previous: Option<&Window>,
) -> Result<LossProgram, String> {
    let mut carried = vec![];
    if let Some(previous) = previous {
        let network = previous.trained.valid();
        for b in march::initial_batches(loss) {
            let points = march::initial_points(loss, k, b)?;
            let values = loss
                .batch(b)
                .residuals
                .iter()
                .map(|r| previous.program.values_at(&network, r.expr, &points))
                .collect();
            carried.push(Carried {
                batch: b,
                points,
                values,
            });
        }
    }
    Ok(march::window(loss, k, &carried))
}

/// A finished window's networks from its checkpoint.
fn load(loss: &LossProgram, dir: &Path, device: &Device) -> Result<Window, String> {
    let (program, template) = Program::new(loss, device)?;
    let identity = Identity::new(loss.fingerprint());
    let loaded = checkpoint::load(dir, &identity, template)?;
    Ok(Window {
        range: march::range(&loss.model).ok_or("time marching needs an interval of `t`")?,
        program,
        trained: loaded.trainable,
        history: loaded.state.history,
    })
}

/// Every window of a finished run, rebuilt in turn from their
/// checkpoints, each with its window's program before any condition is
/// carried into it: the model's own residuals (for `physc eval`).
pub fn load_all(loss: &LossProgram, out: &Path, device: &Device) -> Result<Vec<Window>, String> {
    let mut windows: Vec<Window> = vec![];
    for k in 0..loss.model.train.windows as usize {
        let program = window_program(loss, k, windows.last())?;
        windows.push(load(&program, &directory(out, k), device)?);
    }
    for (k, w) in windows.iter_mut().enumerate() {
        w.program = Program::new(&march::window(loss, k, &[]), device)?.0;
    }
    Ok(windows)
}

/// A field's value at points, each from the window its time falls in.
pub fn predict(windows: &[Window], f: FuncId, points: &[Point]) -> Vec<Vec<f64>> {
    by_window(windows, points, |w, mine| {
        Engine::Burn.predict(&w.program, &w.trained, f, mine)
    })
}

/// Batch `b`'s residuals at points, each from the window its time falls
/// in (windows from [`load_all`]).
pub fn residuals(windows: &[Window], b: usize, points: &[Point]) -> Vec<Vec<f64>> {
    by_window(windows, points, |w, mine| {
        Engine::Burn.residuals_at(&w.program, &w.trained, b, mine)
    })
}

/// Columns of values at points, each point's from `eval` on the window
/// its time falls in.
fn by_window(
    windows: &[Window],
    points: &[Point],
    eval: impl Fn(&Window, &[Point]) -> Vec<Vec<f64>>,
) -> Vec<Vec<f64>> {
    let (Some(first), Some(last)) = (windows.first(), windows.last()) else {
        return vec![];
    };
    let t = march::time(&first.program.loss.model).map_or(0, |t| t.index());
    let whole = (first.range.0, last.range.1);
    let mut out: Vec<Vec<f64>> = vec![];
    for (k, w) in windows.iter().enumerate() {
        let rows: Vec<usize> = (0..points.len())
            .filter(|&i| march::window_of(whole, windows.len(), points[i].coords[t]) == k)
            .collect();
        let mine: Vec<Point> = rows.iter().map(|&i| points[i].clone()).collect();
        let values = eval(w, &mine);
        out.resize(values.len(), vec![f64::NAN; points.len()]);
        for (part, v) in out.iter_mut().zip(values) {
            for (&i, x) in rows.iter().zip(v) {
                part[i] = x;
            }
        }
    }
    out
}

/// The stitched fields, their errors, and the summary of every window.
fn report(
    loss: &LossProgram,
    out: &Path,
    windows: &[Window],
    summaries: &[Summary],
) -> std::io::Result<Summary> {
    let model = &loss.model;
    let mut rel_l2 = vec![];
    let mut plots_failed = vec![];
    let first = &windows[0];
    let network = first.trained.valid();
    write_fields(
        model,
        out,
        &mut |f, points| predict(windows, f, points),
        &|f, points| first.program.exact(&network, f, points),
        &mut rel_l2,
        &mut plots_failed,
    )?;
    let history = joined(windows);
    write_history(&out.join("history.csv"), &history)?;
    if let Err(e) = plot::losses(&out.join("loss.png"), &history) {
        plots_failed.push(format!("loss.png: {e}"));
    }
    let last = summaries.last().expect("a window");
    let summary = Summary {
        steps: summaries.iter().map(|s| s.steps).sum(),
        wall_seconds: summaries.iter().map(|s| s.wall_seconds).sum(),
        rel_l2,
        notes: summaries
            .iter()
            .enumerate()
            .flat_map(|(k, s)| {
                s.notes
                    .iter()
                    .map(move |n| format!("window {}: {n}", k + 1))
            })
            .collect(),
        events: vec![],
        stopped: summaries
            .iter()
            .enumerate()
            .find_map(|(k, s)| Some(format!("window {}: {}", k + 1, s.stopped.as_ref()?))),
        windows: windows
            .iter()
            .zip(summaries)
            .map(|(w, s)| (w.range, s.clone()))
            .collect(),
        ..last.clone()
    };
    write_atomically(&out.join("summary.json"), summary_json(&summary).as_bytes())?;
    match plots_failed.is_empty() {
        true => Ok(summary),
        false => Err(std::io::Error::other(plots_failed.join("; "))),
    }
}

/// The windows' histories one after another, steps counted from the
/// first window's start, each window's first row marked.
fn joined(windows: &[Window]) -> History {
    let mut out = History::default();
    let mut before = 0;
    for (k, w) in windows.iter().enumerate() {
        out.labels.clone_from(&w.history.labels);
        out.scalars.clone_from(&w.history.scalars);
        out.values.extend(w.history.values.iter().cloned());
        let first = out.rows.len();
        out.events.push((
            first,
            format!("window {} starts at t = {}", k + 1, w.range.0),
        ));
        out.events.extend(
            w.history
                .events
                .iter()
                .map(|(row, text)| (first + row, format!("window {}: {text}", k + 1))),
        );
        out.rows.extend(
            w.history
                .rows
                .iter()
                .map(|(step, total, terms)| (before + step, *total, terms.clone())),
        );
        before += w.history.rows.last().map_or(0, |r| r.0);
    }
    out
}
