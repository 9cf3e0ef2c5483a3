//! `physc run`: check a model, train it, and report; `physc eval`: the
//! trained model at given points.
//!
//! Progress goes to stderr: a bar (step, loss, steps/s, ETA) on a terminal,
//! a plain line per logged step otherwise (the same, the ETA as the time
//! left), nothing with `--quiet`. Ctrl-C stops training after the current
//! step; the checkpoint and every output are written, and `--resume` goes
//! on from there. Exit status: 0 when trained, 1 when the model has errors
//! or uses what training does not support, 2 when files cannot be read or
//! written, 130 when interrupted.

use crate::{Loaded, load, render_options};
use indicatif::{ProgressBar, ProgressStyle};
use physc_compiler::diagnostics;
use physc_runtime::run::Options;
use physc_runtime::train::Progress;
use std::io::IsTerminal;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Instant;

/// A model's run directory: the one given, or MODEL.run beside it.
pub fn run_dir(model: &Path, given: Option<PathBuf>) -> PathBuf {
    given.unwrap_or_else(|| model.with_extension("run"))
}

/// Reads and checks a model that training supports; diagnostics are
/// shown (warnings unless `quiet`), and what training does not support
/// yet as errors.
fn trainable_model(path: &Path, quiet: bool) -> Result<Loaded, ExitCode> {
    let loaded = load(path)?;
    let Loaded {
        name,
        text,
        frontend,
    } = &loaded;
    let found = &frontend.checked.diagnostics;
    if frontend.has_errors() || (!quiet && !found.is_empty()) {
        err!(
            "{}",
            diagnostics::render(found, name, text, render_options())
        );
    }
    if frontend.has_errors() {
        return Err(ExitCode::from(1));
    }
    if frontend.loss.is_none() {
        err!(
            "{}",
            diagnostics::render(&frontend.untrainable, name, text, render_options())
        );
        return Err(ExitCode::from(1));
    }
    Ok(loaded)
}

/// Evaluates a trained model at the points of a CSV file.
pub fn eval(
    path: &Path,
    run: Option<PathBuf>,
    points: &Path,
    out: &Path,
    residuals: bool,
) -> ExitCode {
    let loaded = match trainable_model(path, true) {
        Ok(loaded) => loaded,
        Err(status) => return status,
    };
    let loss = loaded.frontend.loss.as_ref().expect("checked above");
    let run = run_dir(path, run);
    match physc_runtime::eval::eval(loss, &run, points, out, residuals) {
        Ok(rows) => {
            errln!("{rows} rows written to {}", out.display());
            ExitCode::SUCCESS
        }
        Err(error) => {
            errln!("physc: {error}");
            ExitCode::from(2)
        }
    }
}

/// Checks, trains and reports one model.
pub fn run(path: &Path, out: Option<PathBuf>, options: Options, quiet: bool) -> ExitCode {
    let loaded = match trainable_model(path, quiet) {
        Ok(loaded) => loaded,
        Err(status) => return status,
    };
    let loss = loaded.frontend.loss.as_ref().expect("checked above");
    let out = run_dir(path, out);
    let interrupt = Arc::new(AtomicBool::new(false));
    {
        let interrupt = interrupt.clone();
        // A second Ctrl-C while the checkpoint is written kills the process
        // as usual; the checkpoint is replaced atomically, so it stays whole.
        let _ = ctrlc::set_handler(move || {
            if interrupt.swap(true, Ordering::Relaxed) {
                std::process::exit(130);
            }
        });
    }
    let mut display = Display::new(quiet);
    let result = physc_runtime::run::run(loss, &out, options, |p| display.show(p), &interrupt);
    display.finish();
    match result {
        Ok(summary) => {
            for note in &summary.notes {
                errln!("physc: {note}");
            }
            if !quiet {
                for (field, error) in &summary.rel_l2 {
                    errln!("{field}: relative L2 error {error:.3e}");
                }
                for (name, value) in &summary.learned {
                    match summary.learned_error.iter().find(|(n, _)| n == name) {
                        Some((_, error)) => {
                            errln!(
                                "{name} = {value} ({:.2}% from its exact value)",
                                100.0 * error
                            )
                        }
                        None => errln!("{name} = {value}"),
                    }
                }
                errln!(
                    "{} steps in {:.1} s; results in {}",
                    summary.steps,
                    summary.wall_seconds,
                    out.display()
                );
            }
            if let Some(why) = &summary.stopped {
                errln!("physc: training diverged and stopped: {why}");
                ExitCode::FAILURE
            } else if summary.finished {
                ExitCode::SUCCESS
            } else {
                errln!(
                    "physc: interrupted at step {}; go on with `physc run {} --resume {}`",
                    summary.steps,
                    path.display(),
                    out.display()
                );
                ExitCode::from(130)
            }
        }
        Err(error) => {
            errln!("physc: {error}");
            ExitCode::from(2)
        }
    }
}

/// Where progress goes.
pub(crate) enum Display {
    Quiet,
    Bar(ProgressBar),
    Lines {
        start: Instant,
        first: Option<u64>,
        /// The step and time of the line before.
        last: (u64, Instant),
    },
}

impl Display {
    pub(crate) fn new(quiet: bool) -> Display {
        if quiet {
            Display::Quiet
        } else if std::io::stderr().is_terminal() {
            let bar = ProgressBar::new(0);
            bar.set_style(
                ProgressStyle::with_template(
                    "{bar:30} {pos:>6}/{len} {msg}  {per_sec:>10}  ETA {eta}",
                )
                .expect("a valid template"),
            );
            Display::Bar(bar)
        } else {
            Display::Lines {
                start: Instant::now(),
                first: None,
                last: (0, Instant::now()),
            }
        }
    }

    pub(crate) fn show(&mut self, p: &Progress) {
        match self {
            Display::Quiet => {}
            Display::Bar(bar) => {
                // A new window of a marched run counts its steps afresh.
                if p.step < bar.position() {
                    bar.reset();
                }
                bar.set_length(p.total_steps);
                bar.set_position(p.step);
                bar.set_message(format!("{:<5} loss {:.3e}", p.stage, p.loss));
            }
            Display::Lines { start, first, last } => {
                // The rate counts the steps of this process (not a resumed
                // run's), from the start of the window in a marched run.
                if p.step < last.0 {
                    (*start, *first) = (last.1, None);
                }
                *last = (p.step, Instant::now());
                let first = *first.get_or_insert(p.step.saturating_sub(1));
                let rate = (p.step - first) as f64 / start.elapsed().as_secs_f64().max(1e-9);
                let left = p.total_steps.saturating_sub(p.step) as f64 / rate;
                errln!(
                    "step {:>6}/{}  {:<5}  loss {:.3e}  ({rate:.1} steps/s, {} left)",
                    p.step,
                    p.total_steps,
                    p.stage,
                    p.loss,
                    duration(left)
                );
            }
        }
    }

    fn finish(&self) {
        if let Display::Bar(bar) = self {
            bar.finish();
        }
    }

    /// Takes a bar off the terminal (a search's call, whose line follows).
    pub(crate) fn clear(&self) {
        if let Display::Bar(bar) = self {
            bar.finish_and_clear();
        }
    }
}

/// A time left, as a log line says it: `40 s`, `12 min`, `5 h 07 min`
/// (`?` before a rate is known).
fn duration(seconds: f64) -> String {
    if !seconds.is_finite() {
        return "?".into();
    }
    let s = seconds.round() as u64;
    match s {
        0..60 => format!("{s} s"),
        60..3600 => format!("{} min", s / 60),
        _ => format!("{} h {:02} min", s / 3600, s % 3600 / 60),
    }
}

#[cfg(test)]
mod tests {
    use super::duration;

    #[test]
    fn times_left_read_as_a_person_says_them() {
        assert_eq!(duration(f64::INFINITY), "?");
        assert_eq!(duration(39.6), "40 s");
        assert_eq!(duration(12.0 * 60.0 + 59.0), "12 min");
        assert_eq!(duration(5.0 * 3600.0 + 7.0 * 60.0 + 3.0), "5 h 07 min");
    }
}
