//! The search of `physc tune`: which values of a model's searched
//! constants to train next (Bayesian optimisation, as scikit-optimize's
//! `gp_minimize` with expected improvement, which DeepXDE's
//! hyperparameter example runs).
//!
//! Input: the constants' spaces, and the points tried so far with their
//! scores (lower is better). Output: the next point. The first call tries
//! the values the model is written with; the next [`RANDOM_CALLS`] draw
//! at random; after that, a Gaussian process ([`gp`]) fitted to the
//! logarithms of the scores picks the most promising of [`CANDIDATES`]
//! random points by expected improvement.
//!
//! Invariant: the point of call `k` depends only on the seed, `k` and the
//! calls before it, so a search resumed from its table goes on as it
//! would have.

pub mod gp;

use physc_compiler::model::{Space, Tunable, Value};
use physc_compiler::program::geometry::Rng;

/// Random calls after the first, before the Gaussian process guides the
/// search (scikit-optimize's default initial points, the first included).
pub const RANDOM_CALLS: usize = 9;
/// Random points scored by expected improvement at each guided call.
pub const CANDIDATES: usize = 10_000;
/// Expected improvement's margin, in decades of the score.
const XI: f64 = 0.01;

/// One value per searched constant, in the model's order.
pub type Point = Vec<Value>;

/// The point call `call` (from 0) trains, after `seen` (each point tried
/// and its score; `None` for a call that failed).
pub fn next_point(
    tunables: &[Tunable],
    seen: &[(Point, Option<f64>)],
    call: usize,
    seed: u64,
) -> Point {
    if call == 0 {
        return tunables.iter().map(|t| t.default.clone()).collect();
    }
    let mix = (call as u64).wrapping_mul(0x9e37_79b9_7f4a_7c15);
    let mut rng = Rng::new(seed ^ mix);
    let random =
        |rng: &mut Rng| -> Point { tunables.iter().map(|t| sample(&t.space, rng)).collect() };
    if call <= RANDOM_CALLS || seen.is_empty() {
        return random(&mut rng);
    }
    let x: Vec<Vec<f64>> = seen.iter().map(|(p, _)| encode(tunables, p)).collect();
    let y = surrogate_scores(seen);
    let model = gp::Gp::fit(&x, &y);
    let best = y.iter().copied().fold(f64::INFINITY, f64::min);
    (0..CANDIDATES)
        .map(|_| {
            let p = random(&mut rng);
            let (mean, sd) = model.predict(&encode(tunables, &p));
            (gp::expected_improvement(mean, sd, best, XI), p)
        })
        .max_by(|a, b| a.0.total_cmp(&b.0))
        .map(|(_, p)| p)
        .expect("candidates")
}

/// A value drawn uniformly from a space (log-uniformly for
/// `log_uniform`).
pub fn sample(space: &Space, rng: &mut Rng) -> Value {
    match space {
        Space::Uniform { lo, hi } => Value::Number(rng.range(*lo, *hi)),
        Space::LogUniform { lo, hi } => Value::Number(rng.range(lo.ln(), hi.ln()).exp()),
        Space::Integer { lo, hi } => {
            let span = (hi - lo + 1) as f64;
            Value::Number((*lo + (rng.unit() * span).floor().min(span - 1.0) as i64) as f64)
        }
        Space::Choice(values) => {
            let k = ((rng.unit() * values.len() as f64) as usize).min(values.len() - 1);
            values[k].clone()
        }
    }
}

/// A point in the unit cube: each number scaled into [0, 1] (a log-uniform
/// one by its logarithm), each choice as one coordinate per value, 1 for
/// the chosen one.
pub fn encode(tunables: &[Tunable], point: &Point) -> Vec<f64> {
    let mut out = vec![];
    for (t, v) in tunables.iter().zip(point) {
        match (&t.space, v) {
            (Space::Uniform { lo, hi }, Value::Number(v)) => out.push((v - lo) / (hi - lo)),
            (Space::LogUniform { lo, hi }, Value::Number(v)) => {
                out.push((v / lo).ln() / (hi / lo).ln())
            }
            (Space::Integer { lo, hi }, Value::Number(v)) => {
                out.push((v - *lo as f64) / (hi - lo) as f64)
            }
            (Space::Choice(values), v) => out.extend(values.iter().map(|c| f64::from(c == v))),
            _ => out.push(0.5),
        }
    }
    out
}

/// The scores the Gaussian process fits: their decimal logarithms (losses
/// and errors span decades); a failed call, or one whose score is not a
/// positive finite number, scores a decade worse than the worst other.
pub fn surrogate_scores(seen: &[(Point, Option<f64>)]) -> Vec<f64> {
    let logs: Vec<Option<f64>> = seen
        .iter()
        .map(|(_, s)| s.filter(|s| s.is_finite() && *s > 0.0).map(f64::log10))
        .collect();
    let worst = logs
        .iter()
        .flatten()
        .copied()
        .fold(f64::NEG_INFINITY, f64::max);
    let failed = if worst.is_finite() { worst + 1.0 } else { 0.0 };
    logs.into_iter().map(|l| l.unwrap_or(failed)).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use physc_compiler::source::Span;

    fn tunables() -> Vec<Tunable> {
        let tunable = |name: &str, space: Space, default: Value| Tunable {
            name: name.into(),
            space,
            default,
            value_span: Span::default(),
        };
        vec![
            tunable(
                "lr",
                Space::LogUniform { lo: 1e-4, hi: 5e-2 },
                Value::Number(1e-3),
            ),
            tunable(
                "depth",
                Space::Integer { lo: 1, hi: 10 },
                Value::Number(4.0),
            ),
            tunable(
                "act",
                Space::Choice(
                    ["sin", "sigmoid", "tanh"]
                        .map(|w| Value::Word(w.into()))
                        .to_vec(),
                ),
                Value::Word("sin".into()),
            ),
        ]
    }

    /// A made-up loss, least (1e-3) at lr = 10^-2.5, depth 6, tanh.
    fn loss(p: &Point) -> f64 {
        let [Value::Number(lr), Value::Number(depth), Value::Word(act)] = p.as_slice() else {
            panic!("{p:?}")
        };
        let bowl = (lr.log10() + 2.5).powi(2) + ((depth - 6.0) / 3.0).powi(2);
        1e-3 * 10f64.powf(bowl + if act == "tanh" { 0.0 } else { 0.5 })
    }

    /// The best loss of `calls` calls, guided after the random ones or
    /// (`guided` false) random throughout.
    fn best_of(calls: usize, seed: u64, guided: bool) -> f64 {
        let t = tunables();
        let mut seen: Vec<(Point, Option<f64>)> = vec![];
        for call in 0..calls {
            let p = match guided {
                true => next_point(&t, &seen, call, seed),
                false => next_point(&t, &[], call, seed),
            };
            for (space, v) in t.iter().map(|t| &t.space).zip(&p) {
                assert!(
                    encode(&t, &p).iter().all(|x| (0.0..=1.0).contains(x)),
                    "{space:?} {v:?}"
                );
            }
            let score = loss(&p);
            seen.push((p, Some(score)));
        }
        seen.iter()
            .filter_map(|(_, s)| *s)
            .fold(f64::INFINITY, f64::min)
    }

    /// Guided by the Gaussian process, 25 calls come within a factor 1.5
    /// of the least loss on every seed, and closer than 25 random calls on
    /// the whole.
    #[test]
    fn the_guided_search_beats_a_random_one() {
        let (mut guided, mut random) = (0.0, 0.0);
        for seed in 0..4 {
            let g = best_of(25, seed, true);
            assert!(g < 1.5e-3, "seed {seed}: best {g}");
            guided += g.log10();
            random += best_of(25, seed, false).log10();
        }
        assert!(guided < random, "guided {guided}, random {random}");
    }

    #[test]
    fn the_first_call_is_the_written_point_and_draws_stay_in_their_spaces() {
        let t = tunables();
        let first = next_point(&t, &[], 0, 7);
        assert_eq!(
            first,
            t.iter().map(|t| t.default.clone()).collect::<Point>()
        );
        let mut rng = Rng::new(3);
        for _ in 0..1000 {
            let Value::Number(d) = sample(&t[1].space, &mut rng) else {
                panic!("a number")
            };
            assert!(d.fract() == 0.0 && (1.0..=10.0).contains(&d), "{d}");
            let Value::Number(lr) = sample(&t[0].space, &mut rng) else {
                panic!("a number")
            };
            assert!((1e-4..=5e-2).contains(&lr), "{lr}");
        }
        let scores = surrogate_scores(&[(first.clone(), Some(100.0)), (first, None)]);
        assert_eq!(scores, [2.0, 3.0]);
    }
}
