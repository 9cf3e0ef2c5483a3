//! A training run: train a loss program and write its run directory.
//!
//! Input: a loss program, the run directory and [`Options`].
//! Output: the directory's files ([`crate::report`]) and a checkpoint
//! ([`crate::checkpoint`]) every `checkpoint_every` steps, at the end, and
//! when the user interrupts; `resume` goes on from that checkpoint with the
//! same points and optimiser state, so an interrupted run loses nothing.
//! Errors are messages for the user.

use crate::backend::{Backend, Precision, device};
use crate::checkpoint::{self, Identity};
use crate::engine::Engine;
use crate::fields::relative_l2;
use crate::outputs::write_fields;
use crate::plot;
use crate::program::{Program, Trainable};
use crate::report::{Summary, summary_json, write_atomically, write_conserved, write_history};
use crate::stepper::OptimizerState;
use crate::train::{Observer, Progress, TrainState, restore_points, train};
use burn::module::Module;
use physc_compiler::model::ResampleBy;
use physc_compiler::program::LossProgram;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Instant;

/// How to run.
#[derive(Clone, Debug)]
pub struct Options {
    pub backend: Backend,
    pub precision: Precision,
    /// Go on from the run directory's checkpoint.
    pub resume: bool,
    /// Start from the networks of another run directory's checkpoint
    /// rather than from a random draw (a model with networks of the same
    /// shapes): `physc run --start-from DIR`.
    pub start_from: Option<PathBuf>,
}

impl Default for Options {
    fn default() -> Options {
        Options {
            backend: Backend::Cpu,
            precision: Precision::F64,
            resume: false,
            start_from: None,
        }
    }
}

/// Trains `model` (or goes on training it) and writes the run directory.
/// `interrupt` set by another thread (Ctrl-C) stops training after the
/// current step, with a checkpoint and every output written. A model with
/// `windows = n` trains its windows of time in turn ([`crate::march`]).
pub fn run(
    loss: &LossProgram,
    out: &Path,
    options: Options,
    progress: impl FnMut(&Progress),
    interrupt: &AtomicBool,
) -> Result<Summary, String> {
    match loss.model.train.windows > 1 {
        true => crate::march::run(loss, out, options, progress, interrupt),
        false => run_from(loss, out, options, None, progress, interrupt),
    }
}

/// [`run`] for one program, its networks starting from `start` where
/// given (and not resumed) rather than from their initial draw.
pub(crate) fn run_from(
    loss: &LossProgram,
    out: &Path,
    options: Options,
    start: Option<Trainable>,
    progress: impl FnMut(&Progress),
    interrupt: &AtomicBool,
) -> Result<Summary, String> {
    let model = &loss.model;
    let device = device(options.backend, model.train.seed, options.precision)?;
    crate::memory::check(loss, options.backend, options.precision)?;
    std::fs::create_dir_all(out).map_err(|e| format!("cannot create {}: {e}", out.display()))?;
    writable(out)?;
    let (mut program, trainable) = Program::new(loss, &device)?;
    let identity = Identity::new(loss.fingerprint());
    let mut notes = vec![];
    // Weights drawn now (not restored, not carried from a window before).
    let fresh = !options.resume && start.is_none();
    let (trainable, optimizer, state) = if options.resume {
        let loaded = checkpoint::load(out, &identity, trainable)?;
        notes.extend(loaded.note);
        let trained_in = &loaded.state.precision;
        if !trained_in.is_empty() && trained_in != options.precision.name() {
            return Err(format!(
                "{} trained in {trained_in}: resume it with `--precision {trained_in}`",
                out.display()
            ));
        }
        // The points are where the run left them: refinement's restored,
        // fresh draws replayed, points chosen by residual restored.
        crate::refine::restore(&mut program, &loaded.state);
        match model.train.resample_by {
            ResampleBy::Sampler => {
                for _ in 0..loaded.state.resamples {
                    program.resample()?;
                }
            }
            ResampleBy::Residual => restore_points(&mut program, &loaded.state),
        }
        (loaded.trainable, loaded.optimizer, loaded.state)
    } else {
        let state = TrainState {
            precision: options.precision.name().to_string(),
            ..TrainState::default()
        };
        (start.unwrap_or(trainable), None, state)
    };
    let mut engine = match options.backend {
        Backend::Jit => {
            Engine::jit(&program, &trainable, options.precision).unwrap_or_else(|why| {
                notes.push(format!(
                    "the JIT back end cannot compile this model yet ({why}); \
                 it trained on burn's CPU back end"
                ));
                Engine::Burn
            })
        }
        _ => Engine::Burn,
    };
    let trainable = match (fresh, &options.start_from) {
        (true, Some(dir)) => {
            let loaded = checkpoint::load_weights(dir, &identity, trainable)
                .map_err(|e| format!("cannot start from {}: {e}", dir.display()))?;
            notes.extend(loaded.note);
            notes.push(format!("started from the networks of {}", dir.display()));
            loaded.trainable
        }
        (true, None) => {
            let (fitted, note) = crate::init::least_squares(&program, &engine, trainable)?;
            notes.extend(note);
            fitted
        }
        (false, _) => trainable,
    };
    let mut observer = RunObserver {
        out,
        identity: &identity,
        progress,
        interrupt,
        start: Instant::now(),
        before: state.wall_seconds,
    };
    let (trained, mut state) = train(
        &mut program,
        &mut engine,
        trainable,
        &model.train,
        state,
        optimizer,
        &mut observer,
    )?;
    state.wall_seconds = observer.wall_seconds();
    notes.extend(state.ended_early.iter().cloned());
    // In float32 that is often the precision's limit, which float64 passes.
    if !state.ended_early.is_empty() && state.precision == "float32" {
        notes.push(format!(
            "in float32 that may be the precision's limit: float64 goes on from these networks (the model with only its `lbfgs` stage left in `train`, run with `--start-from {} --precision float64`)",
            out.display()
        ));
    }
    if let Some(refine) = &model.train.refine {
        notes.extend(crate::refine::note(refine, &state, &program));
    }
    // A run that gave up on divergence keeps its last good state.
    if state.finished || state.stopped.is_some() {
        checkpoint::save(out, &identity, &trained, None, &state)?;
    }
    if state.finished {
        // The checkpoint before a finished run's last holds an optimiser
        // state nothing will go on from (BFGS's is up to half a gigabyte).
        let _ = std::fs::remove_file(checkpoint::previous(out));
    }
    let summary = report(&program, &engine, &trained, &state, options, out, notes)
        .map_err(|e| format!("cannot write to {}: {e}", out.display()))?;
    Ok(summary)
}

/// An error now, before any training, when files cannot be written in
/// `out` (a read-only disk or directory), rather than at the first
/// checkpoint.
fn writable(out: &Path) -> Result<(), String> {
    let probe = out.join(".physc-write-test");
    std::fs::write(&probe, b"")
        .and_then(|()| std::fs::remove_file(&probe))
        .map_err(|e| format!("cannot write to {}: {e}", out.display()))
}

/// Checkpoints into the run directory and passes progress on.
struct RunObserver<'a, P> {
    out: &'a Path,
    identity: &'a Identity,
    progress: P,
    interrupt: &'a AtomicBool,
    start: Instant,
    /// Training seconds of earlier processes.
    before: f64,
}

impl<P> RunObserver<'_, P> {
    fn wall_seconds(&self) -> f64 {
        self.before + self.start.elapsed().as_secs_f64()
    }
}

impl<P: FnMut(&Progress)> Observer for RunObserver<'_, P> {
    fn logged(&mut self, progress: &Progress) {
        (self.progress)(progress)
    }

    fn checkpoint(
        &mut self,
        t: &Trainable,
        optimizer: OptimizerState,
        state: &TrainState,
    ) -> Result<(), String> {
        let mut state = state.clone();
        state.wall_seconds = self.wall_seconds();
        checkpoint::save(self.out, self.identity, t, Some(optimizer), &state)
    }

    fn interrupted(&self) -> bool {
        self.interrupt.load(Ordering::Relaxed)
    }
}

/// Evaluates the trained fields and writes the run directory's files.
fn report(
    program: &Program,
    engine: &Engine,
    trained: &Trainable,
    state: &TrainState,
    options: Options,
    out: &Path,
    notes: Vec<String>,
) -> std::io::Result<Summary> {
    let model = &program.loss.model;
    // Predictions record nothing for a reverse pass.
    let network = trained.valid();
    let (steps, total_loss, terms) =
        state
            .history
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
    let learned_error = model
        .learned
        .iter()
        .zip(&learned)
        .filter_map(|(l, (name, value))| {
            let exact = l.exact?;
            let scale = if exact == 0.0 { 1.0 } else { exact.abs() };
            Some((name.clone(), (value - exact).abs() / scale))
        })
        .collect();
    // The history first: it is the record of the run, whatever fails later.
    write_history(&out.join("history.csv"), &state.history)?;
    crate::fault::point("report");
    let mut rel_l2 = vec![];
    // Learned functions stated exactly, where the equations read them.
    for r in &program.loss.recovered {
        let points = &program.batches[r.batch.index()].points;
        let learned = program.values_at(&network, r.learned, points);
        let exact = program.values_at(&network, r.exact, points);
        let name = model.function(r.function).name.clone();
        rel_l2.push((name, relative_l2(&[learned], &[exact])));
    }
    let mut plots_failed = vec![];
    write_fields(
        model,
        out,
        &mut |id, points| engine.predict(program, trained, id, points),
        &|id, points| program.exact(&network, id, points),
        &mut rel_l2,
        &mut plots_failed,
    )?;
    let drifts = crate::conserve::drifts(program, &network);
    write_conserved(&out.join("conserved.csv"), &drifts)?;
    for d in &drifts {
        let title = format!("{} (drift {:.1e})", d.label, d.drift);
        if let Err(e) = plot::field(
            &out.join(format!("{}.png", d.label)),
            &title,
            &["t".to_string()],
            std::slice::from_ref(&d.times),
            &d.values,
        ) {
            plots_failed.push(format!("{}.png: {e}", d.label));
        }
    }
    let summary = Summary {
        steps: steps.max(state.step),
        wall_seconds: state.wall_seconds,
        total_loss,
        losses: state.history.labels.iter().cloned().zip(terms).collect(),
        learned,
        learned_error,
        rel_l2,
        balance: state
            .history
            .labels
            .iter()
            .cloned()
            .zip(state.balance.iter().copied())
            .collect(),
        precision: options.precision.name(),
        // What trained it: burn's CPU back end when the JIT fell back.
        backend: match (&engine, options.backend) {
            (Engine::Burn, Backend::Jit) => Backend::Cpu.name(),
            (_, backend) => backend.name(),
        },
        finished: state.finished,
        notes,
        events: state
            .history
            .events
            .iter()
            .map(|(row, text)| (state.history.rows[*row].0, text.clone()))
            .collect(),
        stopped: state.stopped.clone(),
        conserved: drifts.iter().map(|d| (d.label.clone(), d.drift)).collect(),
        windows: vec![],
    };
    write_atomically(&out.join("summary.json"), summary_json(&summary).as_bytes())?;
    if let Err(e) = plot::losses(&out.join("loss.png"), &state.history) {
        plots_failed.push(format!("loss.png: {e}"));
    }
    if let Err(e) = plot::scalars(&out.join("learned.png"), &state.history) {
        plots_failed.push(format!("learned.png: {e}"));
    }
    // Plots come last: a failed one leaves the data files written.
    match plots_failed.is_empty() {
        true => Ok(summary),
        false => Err(std::io::Error::other(plots_failed.join("; "))),
    }
}
