//! `physc tune`: searches the constants a model declares with a space
//! (`const lr = 1e-3 in log_uniform(1e-4, 5e-2)`) by training the model at
//! each point the search picks ([`physc_runtime::search`]).
//!
//! Each call writes the point's values into the model's text, checks it,
//! trains it into `OUT/call-NN/` (its text saved there as `model.phy`) and
//! scores it: by the final total loss (`--minimize loss`, as DeepXDE's
//! hyperparameter example scores its runs) or by the first field's
//! relative L2 error (`--minimize error`). `OUT/calls.csv` gains a row
//! after every call, so an interruption loses only the call under way and
//! `--resume` goes on from the table. The best point's model is written
//! beside the model as `MODEL.tuned.phy`.

use crate::run_command::Display;
use crate::{load_text, render_options};
use physc_compiler::diagnostics;
use physc_compiler::model::{Tunable, Value};
use physc_runtime::run::Options;
use physc_runtime::search::{self, Point};
use std::fmt::Write as _;
use std::io::IsTerminal;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

/// What a call's score is.
#[derive(Clone, Copy, clap::ValueEnum)]
pub enum Objective {
    /// The final total loss.
    Loss,
    /// The first field's relative L2 error against its exact solution or
    /// reference.
    Error,
}

/// The settings of one search.
pub struct Tune {
    pub calls: usize,
    pub objective: Objective,
    pub out: Option<PathBuf>,
    pub resume: bool,
    pub options: Options,
}

/// Runs the search; status 0 when every call ran, 1 for a model with
/// errors or nothing to search, 2 for files that cannot be read or
/// written, 130 when interrupted.
pub fn tune(path: &Path, settings: Tune) -> ExitCode {
    match search(path, settings) {
        Ok(status) => status,
        Err((status, message)) => {
            if !message.is_empty() {
                errln!("physc: {message}");
            }
            status
        }
    }
}

type Failure = (ExitCode, String);

fn search(path: &Path, settings: Tune) -> Result<ExitCode, Failure> {
    let text = std::fs::read_to_string(path).map_err(|e| {
        (
            ExitCode::from(2),
            format!("cannot read {}: {e}", path.display()),
        )
    })?;
    let loaded = load_text(path, text.clone()).map_err(|status| (status, String::new()))?;
    let model = &loaded.frontend.checked.model;
    if loaded.frontend.has_errors() {
        let found = &loaded.frontend.checked.diagnostics;
        err!(
            "{}",
            diagnostics::render(found, &loaded.name, &text, render_options())
        );
        return Err((ExitCode::from(1), String::new()));
    }
    let tunables = model.tunables.clone();
    if tunables.is_empty() {
        return Err((
            ExitCode::from(1),
            format!(
                "{} searches nothing: give a constant a space, as in `const lr = 1e-3 in log_uniform(1e-4, 5e-2)`",
                path.display()
            ),
        ));
    }
    if matches!(settings.objective, Objective::Error) && model.solutions.is_empty() {
        return Err((
            ExitCode::from(1),
            "`--minimize error` needs an `exact` or `reference` solution to measure against".into(),
        ));
    }
    let seed = model.train.seed;
    // A back end this build or machine lacks would fail every call.
    let (backend, precision) = (settings.options.backend, settings.options.precision);
    physc_runtime::backend::device(backend, seed, precision).map_err(|e| (ExitCode::from(2), e))?;
    let out = settings
        .out
        .clone()
        .unwrap_or_else(|| path.with_extension("tune"));
    let table = out.join("calls.csv");
    let mut seen = match settings.resume {
        true => read_table(&table, &tunables).map_err(|e| (ExitCode::from(2), e))?,
        false => vec![],
    };
    std::fs::create_dir_all(&out).map_err(|e| {
        (
            ExitCode::from(2),
            format!("cannot create {}: {e}", out.display()),
        )
    })?;
    if !settings.resume {
        write_table(&table, &tunables, &[]).map_err(|e| (ExitCode::from(2), e))?;
    }
    let interrupt = Arc::new(AtomicBool::new(false));
    {
        let interrupt = interrupt.clone();
        let _ = ctrlc::set_handler(move || {
            if interrupt.swap(true, Ordering::Relaxed) {
                std::process::exit(130);
            }
        });
    }
    for call in seen.len()..settings.calls {
        let point = search::next_point(&tunables, &seen, call, seed);
        let values = describe(&tunables, &point);
        let started = std::time::Instant::now();
        let score = train_call(
            path,
            &text,
            &tunables,
            &point,
            &out.join(call_dir(call)),
            &settings,
            &interrupt,
        );
        let Outcome { score, error } = match score {
            Ok(outcome) => outcome,
            Err(Interrupted) => {
                errln!(
                    "physc: interrupted in call {}; go on with `physc tune {} --resume`",
                    call + 1,
                    path.display()
                );
                return Ok(ExitCode::from(130));
            }
        };
        seen.push((point, score));
        write_table(&table, &tunables, &seen).map_err(|e| (ExitCode::from(2), e))?;
        let (best, best_score) = best(&seen).expect("a call just ran");
        let error = error.map_or(String::new(), |(field, e)| {
            format!(" ({field} error {e:.2e})")
        });
        errln!(
            "call {:>2}/{}  {values}  {}{error}  ({:.0} s; best {:.3e}, call {})",
            call + 1,
            settings.calls,
            score.map_or("failed".to_string(), |s| format!("{s:.3e}")),
            started.elapsed().as_secs_f64(),
            best_score,
            best + 1
        );
    }
    let Some((best, score)) = best(&seen) else {
        return Err((ExitCode::FAILURE, "every call failed".into()));
    };
    let tuned = path.with_extension("tuned.phy");
    std::fs::write(&tuned, rewrite(&text, &tunables, &seen[best].0)).map_err(|e| {
        (
            ExitCode::from(2),
            format!("cannot write {}: {e}", tuned.display()),
        )
    })?;
    errln!(
        "best: call {} ({}), {score:.3e}; its model is {}",
        best + 1,
        describe(&tunables, &seen[best].0),
        tuned.display()
    );
    Ok(ExitCode::SUCCESS)
}

/// The user asked to stop.
struct Interrupted;

/// What a call gave: its score (`None` when the rewritten model does not
/// check or training fails) and, with an exact solution or a reference,
/// its first field's relative L2 error.
#[derive(Default)]
struct Outcome {
    score: Option<f64>,
    error: Option<(String, f64)>,
}

/// Trains one call.
fn train_call(
    path: &Path,
    text: &str,
    tunables: &[Tunable],
    point: &Point,
    dir: &Path,
    settings: &Tune,
    interrupt: &Arc<AtomicBool>,
) -> Result<Outcome, Interrupted> {
    let rewritten = rewrite(text, tunables, point);
    let _ = std::fs::create_dir_all(dir);
    let _ = std::fs::write(dir.join("model.phy"), &rewritten);
    // Checked where the model lives, so its data paths still resolve.
    let Ok(loaded) = load_text(path, rewritten) else {
        return Ok(Outcome::default());
    };
    let Some(loss) = loaded.frontend.loss.as_ref() else {
        let found = &loaded.frontend.checked.diagnostics;
        err!(
            "{}",
            diagnostics::render(found, &loaded.name, &loaded.text, render_options())
        );
        return Ok(Outcome::default());
    };
    // A bar on a terminal; elsewhere the line per call is enough.
    let mut display = Display::new(!std::io::stderr().is_terminal());
    let options = settings.options.clone();
    let result = physc_runtime::run::run(loss, dir, options, |p| display.show(p), interrupt);
    display.clear();
    match result {
        Ok(summary) if !summary.finished && summary.stopped.is_none() => Err(Interrupted),
        Ok(summary) if summary.stopped.is_some() => Ok(Outcome::default()),
        Ok(summary) => {
            let error = summary.rel_l2.first().cloned();
            let score = match settings.objective {
                Objective::Loss => Some(summary.total_loss),
                Objective::Error => error.as_ref().map(|(_, e)| *e),
            };
            Ok(Outcome { score, error })
        }
        Err(error) => {
            errln!("physc: {error}");
            Ok(Outcome::default())
        }
    }
}

/// The model's text with the point's values in place of the written ones.
pub fn rewrite(text: &str, tunables: &[Tunable], point: &Point) -> String {
    let mut spans: Vec<(usize, usize, String)> = tunables
        .iter()
        .zip(point)
        .map(|(t, v)| (t.value_span.start, t.value_span.end, v.text()))
        .collect();
    spans.sort_by_key(|s| std::cmp::Reverse(s.0));
    let mut out = text.to_string();
    for (start, end, value) in spans {
        out.replace_range(start..end, &value);
    }
    out
}

fn call_dir(call: usize) -> String {
    format!("call-{:02}", call + 1)
}

/// `lr = 0.001, depth = 4`.
fn describe(tunables: &[Tunable], point: &Point) -> String {
    let values: Vec<String> = tunables
        .iter()
        .zip(point)
        .map(|(t, v)| match v {
            Value::Number(x) if x.fract() != 0.0 => format!("{} = {x:.3e}", t.name),
            v => format!("{} = {}", t.name, v.text()),
        })
        .collect();
    values.join(", ")
}

/// The call of least score and its score.
fn best(seen: &[(Point, Option<f64>)]) -> Option<(usize, f64)> {
    seen.iter()
        .enumerate()
        .filter_map(|(k, (_, s))| s.filter(|s| s.is_finite()).map(|s| (k, s)))
        .min_by(|a, b| a.1.total_cmp(&b.1))
}

/// `call,NAME...,score`: one row per call, an empty score for a failed one.
fn write_table(
    table: &Path,
    tunables: &[Tunable],
    seen: &[(Point, Option<f64>)],
) -> Result<(), String> {
    let mut out = String::from("call");
    for t in tunables {
        let _ = write!(out, ",{}", t.name);
    }
    out.push_str(",score\n");
    for (k, (point, score)) in seen.iter().enumerate() {
        let _ = write!(out, "{}", k + 1);
        for v in point {
            let _ = write!(out, ",{}", v.text());
        }
        let _ = writeln!(
            out,
            ",{}",
            score.map_or(String::new(), |s| format!("{s:e}"))
        );
    }
    let temporary = table.with_extension("csv.tmp");
    std::fs::write(&temporary, out)
        .and_then(|()| std::fs::rename(&temporary, table))
        .map_err(|e| format!("cannot write {}: {e}", table.display()))
}

/// The calls of an earlier search of the same constants.
fn read_table(table: &Path, tunables: &[Tunable]) -> Result<Vec<(Point, Option<f64>)>, String> {
    let text = std::fs::read_to_string(table)
        .map_err(|e| format!("cannot resume from {}: {e}", table.display()))?;
    let mut lines = text.lines();
    let header: Vec<&str> = lines.next().unwrap_or("").split(',').collect();
    let names: Vec<&str> = tunables.iter().map(|t| t.name.as_str()).collect();
    if header.len() != names.len() + 2 || header[1..=names.len()] != names[..] {
        return Err(format!(
            "{} searched other constants ({}); start afresh without `--resume`",
            table.display(),
            header
                .get(1..header.len().saturating_sub(1))
                .unwrap_or(&[])
                .join(", ")
        ));
    }
    let mut seen = vec![];
    for (k, line) in lines.enumerate() {
        let cells: Vec<&str> = line.split(',').collect();
        if cells.len() != header.len() {
            return Err(format!(
                "{}: row {} has {} cells",
                table.display(),
                k + 2,
                cells.len()
            ));
        }
        let point = cells[1..=names.len()]
            .iter()
            .map(|c| {
                c.parse()
                    .map_or_else(|_| Value::Word(c.to_string()), Value::Number)
            })
            .collect();
        let score = cells[names.len() + 1].parse().ok();
        seen.push((point, score));
    }
    Ok(seen)
}
