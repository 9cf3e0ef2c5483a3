//! `physc simulate`: integrating the dynamics a trained model learned.
//!
//! Input: a model's loss program, its run directory (the checkpoint) and
//! [`Options`]: the initial state, the time span and the output step.
//! Output: a [`Trajectory`] (the state and the energies the model defines
//! at every output time), written as a CSV with three PNG plots beside it:
//! the states against time, the phase portrait of the first two, and the
//! energies. Hamilton's equations are integrated by the implicit midpoint
//! rule (symplectic for any learned H, which is never separable), other
//! dynamics by Dormand-Prince with error control. The networks are
//! evaluated by the reference interpreter in float64.

use crate::backend::{Precision, cpu_device};
use crate::checkpoint;
use crate::integrate::{DormandPrince, Rhs, implicit_midpoint};
use crate::plot;
use crate::program::Program;
use crate::report::write_atomically;
use physc_compiler::program::LossProgram;
use physc_compiler::program::dynamics::Dynamics;
use physc_compiler::program::interp::Evaluator;
use physc_compiler::program::sample::Point;
use std::path::{Path, PathBuf};

/// Tolerances of Dormand-Prince: well below a network's own error, so the
/// trajectory is the learned dynamics' and not the integrator's.
const TOLERANCE: f64 = 1e-10;

/// Output rows above this are refused: a step too small for the span.
const MOST_ROWS: f64 = 1e7;

/// What to integrate: from `initial` (a value for every state variable, by
/// name) over `[start, end]`, written every `dt`.
#[derive(Clone, Debug)]
pub struct Options {
    pub initial: Vec<(String, f64)>,
    pub start: f64,
    pub end: f64,
    pub dt: f64,
    pub method: Method,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Method {
    /// The implicit midpoint rule for Hamilton's equations, Dormand-Prince
    /// for other dynamics.
    Auto,
    Midpoint,
    DormandPrince,
}

impl Method {
    pub fn name(self) -> &'static str {
        match self {
            Method::Auto => "auto",
            Method::Midpoint => "implicit midpoint",
            Method::DormandPrince => "Dormand-Prince 5(4)",
        }
    }
}

/// The states and energies at every output time.
#[derive(Clone, Debug)]
pub struct Trajectory {
    /// The state variables' names.
    pub names: Vec<String>,
    pub times: Vec<f64>,
    /// By output time: the state.
    pub states: Vec<Vec<f64>>,
    /// Each energy the model defines, by name, at every output time.
    pub energies: Vec<(String, Vec<f64>)>,
    /// The integrator used.
    pub method: Method,
    /// Evaluations of the rates.
    pub evaluations: usize,
}

impl Trajectory {
    /// Each energy's largest departure from its first value, relative to
    /// that value's magnitude (absolute where the first value is 0).
    pub fn drifts(&self) -> Vec<(String, f64)> {
        self.energies
            .iter()
            .map(|(name, e)| {
                let e0 = e.first().copied().unwrap_or(0.0);
                let worst = e.iter().fold(0.0f64, |m, v| m.max((v - e0).abs()));
                let scale = if e0 != 0.0 { e0.abs() } else { 1.0 };
                (name.clone(), worst / scale)
            })
            .collect()
    }
}

/// Integrates the learned dynamics of a trained run: `loss` is the model's
/// program (whose checkpoint `run` holds) and `learned` what
/// [`LossProgram::dynamics`] made of it; `progress` hears the output steps
/// done and their number.
pub fn simulate(
    loss: &LossProgram,
    learned: &(LossProgram, Dynamics),
    run: &Path,
    options: &Options,
    progress: &mut dyn FnMut(usize, usize),
) -> Result<Trajectory, String> {
    let (program, dynamics) = learned;
    let model = &program.model;
    let names: Vec<String> = dynamics
        .states
        .iter()
        .map(|c| model.coord(*c).name.clone())
        .collect();
    let initial = initial_state(&names, &options.initial)?;
    let steps = check_span(options)?;
    let method = match (options.method, &dynamics.hamiltonian) {
        (Method::Auto, Some(_)) => Method::Midpoint,
        (Method::Auto, None) => Method::DormandPrince,
        (Method::Midpoint, None) => {
            return Err(
                "the implicit midpoint rule is for Hamilton's equations, and these dynamics \
                 are not `d(H, p)` and `-d(H, q)` of one learned H: use --method dopri"
                    .into(),
            );
        }
        (m, _) => m,
    };
    let device = cpu_device(model.train.seed, Precision::F64)?.inner();
    let (_, trainable) = Program::new(loss, &device)?;
    let identity = checkpoint::Identity::new(loss.fingerprint());
    let weights = checkpoint::load(run, &identity, trainable)?
        .trainable
        .weights();
    let rates = Evaluator::new(program, &weights, &dynamics.rates);
    let energy_roots: Vec<_> = dynamics.energies.iter().map(|(_, e)| *e).collect();
    let energies = Evaluator::new(program, &weights, &energy_roots);
    let at = |state: &[f64]| point(model.coords.len(), dynamics, state);
    let mut scratch = vec![];
    let mut evaluations = 0;
    let mut f = |state: &[f64]| -> Result<Vec<f64>, String> {
        evaluations += 1;
        let rate = rates.at(&at(state), &mut scratch);
        if rate.iter().all(|v| v.is_finite()) {
            Ok(rate)
        } else {
            Err(format!("the learned rates are not finite at {state:?}"))
        }
    };
    let mut times = vec![options.start];
    let mut states = vec![initial.clone()];
    let mut y = initial;
    let mut solver = DormandPrince::new(TOLERANCE, TOLERANCE);
    for k in 1..=steps {
        let t = (options.start + k as f64 * options.dt).min(options.end);
        let h = t - times[k - 1];
        let rhs: &mut Rhs = &mut f;
        y = match method {
            Method::Midpoint => implicit_midpoint(rhs, &y, h),
            _ => solver.advance(rhs, &y, h),
        }
        .map_err(|e| format!("at t = {}: {e}", times[k - 1]))?;
        times.push(t);
        states.push(y.clone());
        progress(k, steps);
    }
    let mut scratch = vec![];
    let values: Vec<Vec<f64>> = states
        .iter()
        .map(|s| energies.at(&at(s), &mut scratch))
        .collect();
    let energies = dynamics
        .energies
        .iter()
        .enumerate()
        .map(|(k, (name, _))| (name.clone(), values.iter().map(|v| v[k]).collect()))
        .collect();
    Ok(Trajectory {
        names,
        times,
        states,
        energies,
        method,
        evaluations,
    })
}

/// The initial values in the state's order; every state variable must have
/// one and no other name may appear.
fn initial_state(names: &[String], given: &[(String, f64)]) -> Result<Vec<f64>, String> {
    let state = names.join(", ");
    if let Some((stray, _)) = given.iter().find(|(n, _)| !names.contains(n)) {
        return Err(format!(
            "`{stray}` is not a state variable of the model (its state is {state})"
        ));
    }
    let missing: Vec<&str> = names
        .iter()
        .filter(|n| !given.iter().any(|(g, _)| g == *n))
        .map(String::as_str)
        .collect();
    if !missing.is_empty() {
        return Err(format!(
            "--initial lacks {} (the model's state is {state})",
            missing.join(", ")
        ));
    }
    Ok(names
        .iter()
        .map(|n| given.iter().rev().find(|(g, _)| g == n).expect("checked").1)
        .collect())
}

/// The number of output steps, or why the span cannot be integrated.
fn check_span(o: &Options) -> Result<usize, String> {
    if !(o.start.is_finite() && o.end.is_finite() && o.end > o.start) {
        return Err(format!(
            "the time span {}..{} is empty: give --t START..END with END > START",
            o.start, o.end
        ));
    }
    if !(o.dt.is_finite() && o.dt > 0.0) {
        return Err(format!("--dt must be positive, not {}", o.dt));
    }
    let steps = ((o.end - o.start) / o.dt - 1e-9).ceil();
    if steps > MOST_ROWS {
        return Err(format!(
            "--dt {} over {}..{} would write {steps:e} rows: take a larger --dt",
            o.dt, o.start, o.end
        ));
    }
    Ok(steps as usize)
}

/// A point whose coordinates are the state (the model's other coordinates
/// are not read: [`Dynamics`] guarantees it).
fn point(coords: usize, dynamics: &Dynamics, state: &[f64]) -> Point {
    let mut values = vec![f64::NAN; coords];
    for (c, v) in dynamics.states.iter().zip(state) {
        values[c.index()] = *v;
    }
    Point {
        coords: values,
        row: None,
        normal: vec![],
    }
}

/// Writes the trajectory as CSV (`t`, the state, then each energy) and the
/// plots beside it: `STEM_states.png`, `STEM_phase.png` (with two or more
/// state variables) and `STEM_energy.png` (each energy's change from its
/// initial value, where the model defines one).
/// Returns the plots written.
pub fn write(trajectory: &Trajectory, csv: &Path) -> Result<Vec<PathBuf>, String> {
    let mut text = std::iter::once("t")
        .chain(trajectory.names.iter().map(String::as_str))
        .chain(trajectory.energies.iter().map(|(n, _)| n.as_str()))
        .collect::<Vec<_>>()
        .join(",");
    text.push('\n');
    for (k, t) in trajectory.times.iter().enumerate() {
        let row: Vec<String> = std::iter::once(*t)
            .chain(trajectory.states[k].iter().copied())
            .chain(trajectory.energies.iter().map(|(_, e)| e[k]))
            .map(|v| v.to_string())
            .collect();
        text.push_str(&row.join(","));
        text.push('\n');
    }
    write_atomically(csv, text.as_bytes())
        .map_err(|e| format!("cannot write {}: {e}", csv.display()))?;
    let stem = csv
        .file_stem()
        .and_then(|s| s.to_str())
        .unwrap_or("trajectory");
    let beside = |suffix: &str| csv.with_file_name(format!("{stem}_{suffix}.png"));
    let curve = |k: usize| -> Vec<(f64, f64)> {
        trajectory
            .times
            .iter()
            .zip(&trajectory.states)
            .map(|(t, s)| (*t, s[k]))
            .collect()
    };
    let mut written = vec![];
    let states: Vec<(String, Vec<(f64, f64)>)> = (0..trajectory.names.len())
        .map(|k| (trajectory.names[k].clone(), curve(k)))
        .collect();
    let path = beside("states");
    plot::curves(&path, "trajectory", ("t", "state"), &states)?;
    written.push(path);
    if trajectory.names.len() >= 2 {
        let phase: Vec<(f64, f64)> = trajectory.states.iter().map(|s| (s[0], s[1])).collect();
        let path = beside("phase");
        let axes = (trajectory.names[0].as_str(), trajectory.names[1].as_str());
        plot::curves(&path, "phase portrait", axes, &[("".into(), phase)])?;
        written.push(path);
    }
    if !trajectory.energies.is_empty() {
        let energies: Vec<(String, Vec<(f64, f64)>)> = trajectory
            .energies
            .iter()
            .map(|(name, e)| {
                // A learned H is known up to a constant: what it keeps is
                // its change.
                let e0 = e[0];
                let points = trajectory
                    .times
                    .iter()
                    .copied()
                    .zip(e.iter().map(|v| v - e0));
                (name.clone(), points.collect())
            })
            .collect();
        let path = beside("energy");
        plot::curves(&path, "energy drift", ("t", "E(t) - E(0)"), &energies)?;
        written.push(path);
    }
    Ok(written)
}
