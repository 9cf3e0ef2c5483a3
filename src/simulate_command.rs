//! `physc simulate`: the learned dynamics of a trained model, integrated
//! from a given state.
//!
//! Parses `--initial q=1,p=0` and `--t 0..200`, shows progress on a
//! terminal, and prints the integrator and each energy's drift. Exit
//! status: 0 when written, 1 when the model has errors or states no
//! dynamics, 2 when files cannot be read or written or the integration
//! fails.

use crate::{Loaded, load, render_options};
use indicatif::{ProgressBar, ProgressStyle};
use physc_compiler::diagnostics;
use physc_runtime::simulate::{self, Method, Options};
use std::io::IsTerminal;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

/// `name=value,name=value`.
pub fn parse_initial(text: &str) -> Result<Vec<(String, f64)>, String> {
    text.split(',')
        .map(|pair| {
            let (name, value) = pair
                .split_once('=')
                .ok_or_else(|| format!("`{pair}` is not NAME=VALUE"))?;
            let value: f64 = value
                .trim()
                .parse()
                .map_err(|_| format!("`{}` is not a number", value.trim()))?;
            Ok((name.trim().to_string(), value))
        })
        .collect()
}

/// `START..END`.
pub fn parse_span(text: &str) -> Result<(f64, f64), String> {
    let (a, b) = text
        .split_once("..")
        .ok_or_else(|| format!("`{text}` is not START..END"))?;
    let number = |s: &str| {
        s.trim()
            .parse::<f64>()
            .map_err(|_| format!("`{}` is not a number", s.trim()))
    };
    Ok((number(a)?, number(b)?))
}

pub struct Request {
    pub run: Option<PathBuf>,
    pub initial: Vec<(String, f64)>,
    pub span: (f64, f64),
    pub dt: f64,
    pub method: Method,
    pub out: PathBuf,
}

pub fn simulate(path: &Path, request: Request) -> ExitCode {
    let loaded = match load(path) {
        Ok(loaded) => loaded,
        Err(status) => return status,
    };
    let Loaded {
        name,
        text,
        frontend,
    } = &loaded;
    if frontend.has_errors() {
        let found = &frontend.checked.diagnostics;
        err!(
            "{}",
            diagnostics::render(found, name, text, render_options())
        );
        return ExitCode::from(1);
    }
    let Some(loss) = frontend.loss.as_ref() else {
        let found = &frontend.untrainable;
        err!(
            "{}",
            diagnostics::render(found, name, text, render_options())
        );
        return ExitCode::from(1);
    };
    let learned = match loss.dynamics() {
        Ok(learned) => learned,
        Err(why) => {
            errln!("physc: {name}: {why}");
            return ExitCode::from(1);
        }
    };
    let run = crate::run_command::run_dir(path, request.run);
    let options = Options {
        initial: request.initial,
        start: request.span.0,
        end: request.span.1,
        dt: request.dt,
        method: request.method,
    };
    let bar = std::io::stderr().is_terminal().then(|| {
        let bar = ProgressBar::new(0);
        bar.set_style(
            ProgressStyle::with_template("{bar:30} {pos:>7}/{len} steps  ETA {eta}")
                .expect("a valid template"),
        );
        bar
    });
    let mut progress = |done: usize, total: usize| {
        if let Some(bar) = &bar
            && done.is_multiple_of(64)
        {
            bar.set_length(total as u64);
            bar.set_position(done as u64);
        }
    };
    let result = simulate::simulate(loss, &learned, &run, &options, &mut progress);
    if let Some(bar) = &bar {
        bar.finish_and_clear();
    }
    let trajectory = match result {
        Ok(t) => t,
        Err(why) => {
            errln!("physc: {why}");
            return ExitCode::from(2);
        }
    };
    let plots = match simulate::write(&trajectory, &request.out) {
        Ok(plots) => plots,
        Err(why) => {
            errln!("physc: {why}");
            return ExitCode::from(2);
        }
    };
    errln!(
        "{} steps of {} ({} evaluations of the learned rates)",
        trajectory.times.len() - 1,
        trajectory.method.name(),
        trajectory.evaluations
    );
    for (energy, drift) in trajectory.drifts() {
        errln!("{energy}: largest drift {drift:.3e} (relative to its initial value)");
    }
    let plots: Vec<String> = plots.iter().map(|p| p.display().to_string()).collect();
    errln!(
        "trajectory written to {}; plots {}",
        request.out.display(),
        plots.join(", ")
    );
    ExitCode::SUCCESS
}
