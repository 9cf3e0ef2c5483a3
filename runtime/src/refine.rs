//! Adaptive refinement between rounds of training (`refine(pde = 1, until
//! = 0.005)`): RAR, Lu, Meng, Mao and Karniadakis, "DeepXDE" (2021), as
//! DeepXDE's `Burgers_RAR` loops.
//!
//! Input: the trained parameters before a round and the constraints the
//! refinement names. For each, a pool of random candidates where its
//! points live (ten times its points, at least 100,000) and the residual
//! there. Output: whether refinement goes on; if it does, each named
//! batch gains the candidates of largest residual, kept through every
//! later draw, and the state records them (a resumed run restores them)
//! with the means measured.
//!
//! Invariant: the pools depend only on the seed, the round and the batch,
//! so a resumed run that restores the added points goes on identically.

use crate::adaptive;
use crate::engine::Engine;
use crate::program::{Program, Trainable};
use crate::train::TrainState;
use physc_compiler::model::Refine;
use physc_compiler::program::BatchId;
use physc_compiler::program::sample::Point;

/// Keeps refinement's pools apart from resampling's.
const REFINE_STREAM: u64 = 0x5eed_0f5a_2afe;

/// Measures every named constraint's mean |residual| before round
/// `round`; true when refinement goes on (the points are then added),
/// false when each mean is at most `until`. The history marks its last
/// row with the means.
pub fn round(
    program: &mut Program,
    engine: &Engine,
    t: &Trainable,
    refine: &Refine,
    round: u64,
    state: &mut TrainState,
) -> Result<bool, String> {
    let mut chosen = vec![];
    let mut means = vec![];
    for (label, count) in &refine.add {
        let Some(b) = program.batches.iter().position(|b| b.label == *label) else {
            return Err(format!("refinement names `{label}`, which has no points"));
        };
        let id = BatchId(b as u32);
        let spec = program.loss.batch(id);
        let relations: Vec<_> = spec.residuals.iter().map(|r| r.relation).collect();
        let mut rng = adaptive::rng(program.loss.sample_seed ^ REFINE_STREAM, round, b);
        let pool = program
            .loss
            .draw_n(id, adaptive::pool_size(spec.points.count), &mut rng)?;
        let scores = adaptive::scores(&engine.residuals_at(program, t, b, &pool), &relations);
        means.push(mean(&scores));
        chosen.push((b, adaptive::largest(pool, &scores, *count as usize)));
    }
    let ended = refine.until > 0.0 && means.iter().all(|&m| m <= refine.until);
    if let Some(row) = state.history.rows.len().checked_sub(1) {
        let shown: Vec<String> = means.iter().map(|m| format!("{m:.2e}")).collect();
        let what = if ended {
            "refinement ended"
        } else {
            "points added"
        };
        let text = format!(
            "round {} of refinement: mean |residual| {}; {what}",
            round + 1,
            shown.join(", ")
        );
        state.history.events.push((row, text));
    }
    state.refine_means.push(means);
    if ended {
        return Ok(false);
    }
    for (b, added) in chosen {
        program.refine(b, &added);
        let saved = added
            .iter()
            .map(|p| [&p.coords[..], &p.normal[..]].concat());
        match state.refined.iter_mut().find(|(k, _)| *k == b) {
            Some((_, points)) => points.extend(saved),
            None => state.refined.push((b, saved.collect())),
        }
    }
    Ok(true)
}

/// The mean score, infinite when any is not finite.
fn mean(scores: &[f64]) -> f64 {
    match scores.iter().all(|s| s.is_finite()) {
        true => scores.iter().sum::<f64>() / scores.len().max(1) as f64,
        false => f64::INFINITY,
    }
}

/// Puts back the points refinement added (on resume).
pub fn restore(program: &mut Program, state: &TrainState) {
    let n = program.loss.model.coords.len();
    for (b, saved) in &state.refined {
        let points: Vec<Point> = saved.iter().map(|values| point(values, n)).collect();
        program.refine(*b, &points);
    }
}

/// A point saved as its coordinates, then on a boundary its normal.
pub fn point(values: &[f64], coords: usize) -> Point {
    let n = coords.min(values.len());
    Point {
        coords: values[..n].to_vec(),
        row: None,
        normal: values[n..].to_vec(),
    }
}

/// What refinement did, for the run's notes: the rounds that added
/// points, the points each named constraint holds beyond its draws, its
/// mean |residual| before each round, and why refinement ended.
pub fn note(refine: &Refine, state: &TrainState, program: &Program) -> Option<String> {
    let measured = state.refine_means.len();
    if measured == 0 {
        return None;
    }
    let ended = refine.until > 0.0
        && state
            .refine_means
            .last()
            .is_some_and(|m| m.iter().all(|&v| v <= refine.until));
    let rounds = measured - usize::from(ended);
    let names: Vec<String> = refine
        .add
        .iter()
        .enumerate()
        .map(|(k, (label, _))| {
            let added = program
                .batches
                .iter()
                .position(|b| b.label == *label)
                .map_or(0, |b| program.refined(b).len());
            let means: Vec<String> = state
                .refine_means
                .iter()
                .map(|m| format!("{:.2e}", m[k]))
                .collect();
            format!("`{label}` + {added} (mean |residual| {})", means.join(", "))
        })
        .collect();
    let end = match ended {
        true => format!(
            "; below {} before round {}, so it ended",
            refine.until, measured
        ),
        false => String::new(),
    };
    Some(format!(
        "refinement: {rounds} round{} added {}{end}",
        if rounds == 1 { "" } else { "s" },
        names.join(", ")
    ))
}
