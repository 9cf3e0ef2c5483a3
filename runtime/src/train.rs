//! Training: the optimiser stages of the `train` block, in order.
//!
//! Adam and L-BFGS (strong-Wolfe line search) come from burn-optim,
//! self-scaled BFGS from [`crate::bfgs`] ([`Stepper`]). Each evaluation
//! runs the loss program once and takes one reverse pass, by the
//! [`Engine`] the run chose. A step is one Adam update or one (L-)BFGS
//! iteration; the quasi-Newton stages run in calls of up to 20 iterations
//! (as PyTorch's `max_iter`), so their steps are logged per call. Losses
//! are logged every `log_every` steps (and at a stage's last step) to the
//! [`History`] and the [`Observer`]; with `patience`, a stage stops after
//! that many logged steps without a new best total, and a quasi-Newton
//! stage stops when a call makes no progress.
//!
//! A constraint on a data set with `points(LABEL = n)` takes a new
//! mini-batch of `n` rows at every Adam or SOAP step ([`crate::minibatch`]);
//! quasi-Newton stages take every row.
//!
//! With `resample = K`, every constraint not on data gets new points every
//! K Adam or BFGS steps (fresh draws, or with `resample_by = residual`
//! draws that follow the residual); BFGS keeps its inverse Hessian
//! across them, as Urbán et al. (2024) do, since the losses on two draws
//! share their curvature. L-BFGS keeps the last points: its line search and
//! short history assume one loss.
//!
//! With `refine(...)`, the stages after it are rounds, each begun by
//! adding points where the residual is largest, until it is small enough
//! ([`refine`]).
//!
//! A step whose loss is not finite or jumps by orders of magnitude is
//! undone ([`divergence`]).
//!
//! The [`TrainState`] says where training is; with the parameters and the
//! optimiser's state it is a checkpoint, and [`train`] resumes from one.

use crate::adaptive;
use crate::balance;
use crate::divergence::{self, Good};
use crate::engine::Engine;
use crate::flat;
use crate::plateau::Plateau;
use crate::program::{Program, Trainable};
use crate::refine;
use crate::stepper::{OptimizerState, Stepper};
use physc_compiler::model::{Balance, Optimizer, ResampleBy, Train};
use physc_compiler::program::BatchId;
use physc_compiler::program::sample::Point;
use serde::{Deserialize, Serialize};

/// L-BFGS iterations per call at most.
const LBFGS_CALL: u64 = 20;
/// The relative decrease below which an L-BFGS call made no progress.
const STALLED: f64 = 1e-12;

/// Losses per logged step: the total and each constraint's term.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
pub struct History {
    pub labels: Vec<String>,
    /// `(step, total, terms)`.
    pub rows: Vec<(u64, f64, Vec<f64>)>,
    /// What training did at a row's step (a divergence undone): `(row,
    /// text)`.
    #[serde(default)]
    pub events: Vec<(usize, String)>,
    /// The learned scalars' names, and their values at each row.
    #[serde(default)]
    pub scalars: Vec<String>,
    #[serde(default)]
    pub values: Vec<Vec<f64>>,
}

impl History {
    /// Learned scalar `k` at row `row`; `None` for the rows of a run
    /// resumed from a checkpoint that kept no scalars (the first ones).
    pub fn scalar(&self, row: usize, k: usize) -> Option<f64> {
        let missing = self.rows.len().saturating_sub(self.values.len());
        self.values.get(row.checked_sub(missing)?)?.get(k).copied()
    }
}

/// Where training is.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
pub struct TrainState {
    /// Steps taken, over every stage.
    pub step: u64,
    /// The stage under way (its index in the `train` block).
    pub stage: usize,
    /// Steps taken in that stage.
    pub stage_step: u64,
    /// The stage's best logged total and logged steps since it improved.
    pub best: f64,
    pub stale: u64,
    pub history: History,
    /// Seconds spent training before this process.
    pub wall_seconds: f64,
    /// True once every stage has run (or stopped on its own).
    pub finished: bool,
    /// How many times the points were drawn anew (`resample = K`).
    pub resamples: u64,
    /// The float type the run trains in (`float32`, `float64`): a resumed
    /// run keeps it, as the optimiser's state is stored in it.
    #[serde(default)]
    pub precision: String,
    /// The loss terms' balancing factors (`balance = gradnorm`; empty
    /// until the first measurement, and with fixed weights).
    #[serde(default)]
    pub balance: Vec<f64>,
    /// How many times a divergence lowered Adam's learning rate (each time
    /// by [`divergence::LR_FACTOR`]).
    #[serde(default)]
    pub lr_lowered: u32,
    /// Divergences since the last good logged step.
    #[serde(default)]
    pub failures: u32,
    /// Why training gave up before its end, if it did.
    #[serde(default)]
    pub stopped: Option<String>,
    /// Quasi-Newton stages that ended before their steps, where they no
    /// longer lowered the loss: one line each, for the run's notes.
    #[serde(default)]
    pub ended_early: Vec<String>,
    /// With `resample_by = residual`, each resampled batch's points (their
    /// coordinates, then on a boundary the normal's components), which
    /// depend on the network when they were chosen: a resumed run restores
    /// them rather than drawing them again.
    #[serde(default)]
    pub points: Vec<(usize, Vec<Vec<f64>>)>,
    /// The points refinement added to each batch, saved as `points` are.
    #[serde(default)]
    pub refined: Vec<(usize, Vec<Vec<f64>>)>,
    /// Before each round of refinement, each named constraint's mean
    /// |residual|.
    #[serde(default)]
    pub refine_means: Vec<Vec<f64>>,
}

/// What a progress display gets at each logged step.
pub struct Progress<'a> {
    pub step: u64,
    pub total_steps: u64,
    pub stage: &'a str,
    pub loss: f64,
}

/// What training reports to, and asks, as it goes.
pub trait Observer {
    /// A logged step.
    fn logged(&mut self, progress: &Progress);
    /// A checkpoint is due (every `checkpoint_every` steps).
    fn checkpoint(
        &mut self,
        t: &Trainable,
        optimizer: OptimizerState,
        state: &TrainState,
    ) -> Result<(), String>;
    /// True when the user asked to stop: training ends after the current
    /// step, and the state says where.
    fn interrupted(&self) -> bool;
}

/// Measures the loss terms as `balance` asks and moves the factors (none
/// for fixed weights).
fn rebalance(
    balance: Balance,
    engine: &Engine,
    program: &Program,
    t: &Trainable,
    state: &mut TrainState,
) -> Result<(), String> {
    let measures = match balance {
        Balance::Fixed => return Ok(()),
        Balance::GradNorm => engine.gradient_norms(program, t),
        Balance::Ntk => engine.ntk_traces(program, t)?,
        Balance::Initial => {
            if state.balance.is_empty() {
                let terms = engine.evaluate(program, t, &[]).terms;
                state.balance = balance::initial(&terms);
            }
            return Ok(());
        }
    };
    balance::update(&measures, &mut state.balance);
    Ok(())
}

/// Runs the stages from `state` on; returns the trained parameters and the
/// final state (`finished` unless interrupted). Batches with mini-batches
/// hold every row again when it returns.
pub fn train(
    program: &mut Program,
    engine: &mut Engine,
    t: Trainable,
    plan: &Train,
    state: TrainState,
    optimizer: Option<OptimizerState>,
    observer: &mut dyn Observer,
) -> Result<(Trainable, TrainState), String> {
    let trained = stages(program, engine, t, plan, state, optimizer, observer);
    let changed = program.all_rows();
    engine.batches_changed(program, &changed);
    trained
}

fn stages(
    program: &mut Program,
    engine: &mut Engine,
    mut t: Trainable,
    plan: &Train,
    mut state: TrainState,
    mut optimizer: Option<OptimizerState>,
    observer: &mut dyn Observer,
) -> Result<(Trainable, TrainState), String> {
    let total = plan.total_steps();
    if plan
        .stages
        .iter()
        .any(|s| matches!(s, Optimizer::Bfgs { .. }))
    {
        crate::stepper::fits_bfgs(flat::parameters(&t).len())?;
    }
    if state.history.labels.is_empty() {
        state.history.labels = program.batches.iter().map(|b| b.label.clone()).collect();
        state.history.scalars = program
            .loss
            .model
            .learned
            .iter()
            .map(|l| l.name.clone())
            .collect();
    }
    while state.stage < plan.schedule_len() {
        if state.stage_step == 0
            && let (Some(r), Some(round)) = (&plan.refine, plan.round_starting(state.stage))
        {
            if !refine::round(program, engine, &t, r, round, &mut state)? {
                break;
            }
            engine.points_changed(program);
        }
        let stage = plan.scheduled(state.stage);
        let (name, steps) = (stage.name(), stage.steps());
        let call = LBFGS_CALL
            .min(steps.saturating_sub(state.stage_step))
            .max(1);
        let mut stepper = Stepper::new(stage, &t, call, optimizer.take())?;
        let rule = Plateau::of(stage, plan);
        if state.stage_step == 0 {
            state.best = f64::INFINITY;
            state.stale = 0;
        }
        // Quasi-Newton steps see every row: their line searches and
        // curvature pairs assume one loss.
        if !matches!(stage, Optimizer::Adam { .. }) {
            let changed = program.all_rows();
            engine.batches_changed(program, &changed);
        }
        // The state to return to, and the next one, which becomes good
        // once its own loss has been seen to be good.
        let mut good = Some(Good {
            t: t.clone(),
            optimizer: stepper.state(),
            step: state.step,
        });
        let mut pending: Option<Good> = None;
        while state.stage_step < steps {
            let (before, stage_before) = (state.step, state.stage_step);
            let (loss, terms, converged) = match (&mut stepper, stage) {
                (Stepper::Adam(_) | Stepper::Soap(_), Optimizer::Adam { lr, decay, .. }) => {
                    let changed = program.minibatch(state.step);
                    engine.batches_changed(program, &changed);
                    if state.stage_step.is_multiple_of(balance::EVERY) || state.balance.is_empty() {
                        rebalance(plan.balance, engine, program, &t, &mut state)?;
                    }
                    let e = engine.evaluate(program, &t, &state.balance);
                    let verdict = divergence::diverged(e.total, state.best);
                    promote(&mut good, &mut pending, verdict.is_none(), &mut state);
                    if let Some(why) = verdict {
                        state.stage_step += 1;
                        state.step = before + 1;
                        let g = good.take().expect("a good state from the stage's start");
                        if !undo(
                            &mut state, &g, why, e.total, e.terms, true, total, name, observer,
                        ) {
                            return Ok((g.t, state));
                        }
                        t = g.t.clone();
                        stepper = Stepper::new(stage, &t, call, Some(g.optimizer))?;
                        good = Some(Good {
                            optimizer: stepper.state(),
                            ..g
                        });
                        continue;
                    }
                    let scale = divergence::LR_FACTOR.powi(state.lr_lowered as i32)
                        * decay.factor(state.stage_step);
                    t = match &mut stepper {
                        Stepper::Adam(adam) => adam.step(*lr * scale, t, e.gradients),
                        Stepper::Soap(soap) => {
                            let mut x = flat::parameters(&t);
                            soap.step(*lr * scale, &mut x, &flat::gradient(&e.gradients, &t));
                            flat::assign(t, &x)
                        }
                        _ => unreachable!("a first-order stage"),
                    };
                    state.stage_step += 1;
                    (e.total, e.terms, false)
                }
                (Stepper::Lbfgs(lbfgs, iterations), Optimizer::Lbfgs { lr, .. }) => {
                    let remaining = steps - state.stage_step;
                    if remaining < *iterations {
                        // The stage's last call is shorter: same state, fewer iterations.
                        stepper = Stepper::new(
                            stage,
                            &t,
                            remaining,
                            Some(OptimizerState::Burn(lbfgs.to_record())),
                        )?;
                        continue;
                    }
                    if state.balance.is_empty() {
                        rebalance(plan.balance, engine, program, &t, &mut state)?;
                    }
                    let (mut terms, mut evaluations, mut start) = (vec![], 0, f64::NAN);
                    engine.hold_causal(program, true);
                    let (next, loss) = {
                        let (program, engine) = (&*program, &*engine);
                        let factors = &state.balance;
                        let closure = |m: Trainable| {
                            let e = engine.evaluate(program, &m, factors);
                            terms = e.terms;
                            if evaluations == 0 {
                                start = e.total;
                            }
                            evaluations += 1;
                            (e.total, e.gradients)
                        };
                        // The terms are those of the last evaluation, which
                        // the line search may not have kept: the total is
                        // exact, the split between terms can lag one
                        // evaluation.
                        lbfgs.step(*lr, t, closure)
                    };
                    engine.hold_causal(program, false);
                    state.stage_step += *iterations;
                    let verdict = divergence::diverged(loss, state.best);
                    promote(&mut good, &mut pending, verdict.is_none(), &mut state);
                    if let Some(why) = verdict {
                        state.step = before + (state.stage_step - stage_before);
                        let g = good.as_ref().expect("a good state from the stage's start");
                        if !undo(
                            &mut state, g, why, loss, terms, false, total, name, observer,
                        ) {
                            return Ok((g.t.clone(), state));
                        }
                        t = g.t.clone();
                        // The curvature pairs led it astray: a fresh history.
                        stepper = Stepper::new(stage, &t, call, None)?;
                        continue;
                    }
                    t = next;
                    // One evaluation: the gradient vanished, or the direction
                    // stopped descending, at the first iteration. Or a whole
                    // call without a lower loss: its line searches fail, at
                    // the limit of the float precision (where scipy's L-BFGS,
                    // DeepXDE's, stops too).
                    let lowered = start - loss > STALLED * start.abs();
                    (loss, terms, evaluations <= 1 || !lowered)
                }
                (Stepper::Bfgs(bfgs, iterations), Optimizer::Bfgs { .. }) => {
                    let iterations = (*iterations).min(steps - state.stage_step);
                    if state.balance.is_empty() {
                        rebalance(plan.balance, engine, program, &t, &mut state)?;
                    }
                    let mut terms = vec![];
                    engine.hold_causal(program, true);
                    let outcome = {
                        let (program, engine, factors) = (&*program, &*engine, &state.balance);
                        let mut objective = |x: &[f64]| {
                            let m = flat::assign(t.clone(), x);
                            let e = engine.evaluate(program, &m, factors);
                            terms = e.terms;
                            (e.total, flat::gradient(&e.gradients, &m))
                        };
                        bfgs.run(flat::parameters(&t), iterations, &mut objective)
                    };
                    engine.hold_causal(program, false);
                    state.stage_step += iterations;
                    let verdict = divergence::diverged(outcome.f, state.best);
                    promote(&mut good, &mut pending, verdict.is_none(), &mut state);
                    if let Some(why) = verdict {
                        state.step = before + (state.stage_step - stage_before);
                        let g = good.as_ref().expect("a good state from the stage's start");
                        if !undo(
                            &mut state, g, why, outcome.f, terms, false, total, name, observer,
                        ) {
                            return Ok((g.t.clone(), state));
                        }
                        t = g.t.clone();
                        stepper = Stepper::new(stage, &t, call, None)?;
                        continue;
                    }
                    t = flat::assign(t, &outcome.x);
                    (outcome.f, terms, outcome.converged)
                }
                _ => unreachable!("the stepper follows the stage"),
            };
            state.step = before + (state.stage_step - stage_before);
            let last = state.stage_step >= steps || converged;
            let logged =
                last || state.step / plan.log_every > before / plan.log_every || before == 0;
            let plateau = logged
                && log(
                    &mut state,
                    total,
                    name,
                    loss,
                    terms.clone(),
                    &t,
                    rule,
                    observer,
                );
            if logged {
                pending = Some(Good {
                    t: t.clone(),
                    optimizer: stepper.state(),
                    step: state.step,
                });
            }
            // Asked to stop (perhaps by the display of this very step): the
            // step is logged, so the history ends where training did.
            let interrupted = observer.interrupted();
            if interrupted && !logged {
                log(&mut state, total, name, loss, terms, &t, rule, observer);
            }
            // New points every `resample` steps, after the step that used the old.
            if plan.resample > 0
                && name != "lbfgs"
                && state.step / plan.resample > before / plan.resample
            {
                match plan.resample_by {
                    ResampleBy::Sampler => program.resample()?,
                    ResampleBy::Residual => resample_by_residual(program, engine, &t, &mut state)?,
                }
                engine.points_changed(program);
                state.resamples += 1;
            }
            let checkpoint_due = plan.checkpoint_every > 0
                && state.step / plan.checkpoint_every > before / plan.checkpoint_every;
            if checkpoint_due || interrupted {
                observer.checkpoint(&t, stepper.state(), &state)?;
            }
            if interrupted {
                return Ok((t, state));
            }
            if converged && state.stage_step < steps {
                let left = steps - state.stage_step;
                state.ended_early.push(ended_early(name, state.step, left));
            }
            if plateau || converged {
                break;
            }
        }
        state.stage += 1;
        state.stage_step = 0;
    }
    state.finished = true;
    Ok((t, state))
}

/// Why a quasi-Newton stage ended `left` steps early: it converged, or its
/// line searches met the float precision (scipy's L-BFGS stops there too).
fn ended_early(stage: &str, step: u64, left: u64) -> String {
    format!(
        "{stage} ended at step {step}, {left} steps before its budget: it no longer lowered the loss"
    )
}

/// After an evaluation: a pending state whose loss was good becomes the
/// good state (and the divergences in a row end); after a divergence it is
/// dropped.
fn promote(
    good: &mut Option<Good>,
    pending: &mut Option<Good>,
    fine: bool,
    state: &mut TrainState,
) {
    match (pending.take(), fine) {
        (Some(p), true) => {
            *good = Some(p);
            state.failures = 0;
        }
        _ => *pending = None,
    }
}

/// Records a divergence at the current step; false when training must
/// stop (too many divergences in a row), true when it goes on from the
/// good state. `adam` says whether the learning rate is lowered (L-BFGS
/// starts its history afresh instead).
#[allow(clippy::too_many_arguments)]
fn undo(
    state: &mut TrainState,
    good: &Good,
    why: &str,
    loss: f64,
    terms: Vec<f64>,
    adam: bool,
    total_steps: u64,
    stage: &str,
    observer: &mut dyn Observer,
) -> bool {
    state.failures += 1;
    let row = state.history.rows.len();
    record(state, (total_steps, stage), loss, terms, &good.t, observer);
    if state.failures > divergence::MAX_FAILURES {
        let text = format!(
            "{why} at step {}: {} divergences in a row, so training stopped with the parameters of step {}",
            state.step, state.failures, good.step
        );
        state.history.events.push((row, text.clone()));
        state.stopped = Some(text);
        return false;
    }
    let action = if adam {
        state.lr_lowered += 1;
        let scale = divergence::LR_FACTOR.powi(state.lr_lowered as i32);
        format!("learning rate now {scale:.0e} of the stage's")
    } else {
        format!(
            "{} history started afresh",
            if stage == "bfgs" { "BFGS" } else { "L-BFGS" }
        )
    };
    state.history.events.push((
        row,
        format!(
            "{why}; back to the parameters of step {}; {action}",
            good.step
        ),
    ));
    true
}

/// New points for every batch not on data, drawn from a pool by the
/// residual there ([`adaptive`]). Recorded in the state for resumption.
fn resample_by_residual(
    program: &mut Program,
    engine: &Engine,
    t: &Trainable,
    state: &mut TrainState,
) -> Result<(), String> {
    state.points.clear();
    for b in 0..program.batches.len() {
        let id = BatchId(b as u32);
        let spec = program.loss.batch(id);
        if !spec.points.resampled() || spec.points.same_as.is_some() {
            continue;
        }
        let (count, relations): (usize, Vec<_>) = (
            spec.points.count,
            spec.residuals.iter().map(|r| r.relation).collect(),
        );
        let mut rng = adaptive::rng(program.loss.sample_seed, state.resamples, b);
        let pool = program
            .loss
            .draw_n(id, adaptive::pool_size(count), &mut rng)?;
        let residuals = engine.residuals_at(program, t, b, &pool);
        let scores = adaptive::scores(&residuals, &relations);
        let chosen = adaptive::choose(pool, &scores, count, &mut rng);
        let saved = chosen
            .iter()
            .map(|p| [&p.coords[..], &p.normal[..]].concat());
        state.points.push((b, saved.collect()));
        program.set_points(b, &chosen);
    }
    program.share_points();
    Ok(())
}

/// Puts back the points a resampling by residual chose (on resume).
pub fn restore_points(program: &mut Program, state: &TrainState) {
    let n = program.loss.model.coords.len();
    for (b, saved) in &state.points {
        let points: Vec<Point> = saved.iter().map(|v| refine::point(v, n)).collect();
        program.set_points(*b, &points);
    }
    program.share_points();
}

/// Adds a row to the history and shows it.
fn record(
    state: &mut TrainState,
    (total_steps, stage): (u64, &str),
    loss: f64,
    terms: Vec<f64>,
    t: &Trainable,
    observer: &mut dyn Observer,
) {
    state.history.rows.push((state.step, loss, terms));
    let values = t.scalars.iter().map(|p| p.val().into_scalar::<f64>());
    state.history.values.push(values.collect());
    observer.logged(&Progress {
        step: state.step,
        total_steps,
        stage,
        loss,
    });
}

/// Records a logged step; true when the stage has plateaued.
#[allow(clippy::too_many_arguments)]
fn log(
    state: &mut TrainState,
    total_steps: u64,
    stage: &str,
    loss: f64,
    terms: Vec<f64>,
    t: &Trainable,
    plateau: Plateau,
    observer: &mut dyn Observer,
) -> bool {
    record(state, (total_steps, stage), loss, terms, t, observer);
    // The first logged step sets the stage's best.
    if state.best.is_infinite() || plateau.improved(loss, state.best) {
        state.best = state.best.min(loss);
        state.stale = 0;
        return false;
    }
    state.stale += 1;
    plateau.reached(state.stale)
}
