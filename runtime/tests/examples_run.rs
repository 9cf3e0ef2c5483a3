//! Every example, `examples/` and DeepXDE's suite in `examples/deepxde/`,
//! runs end to end as `physc run` runs it: two steps of each of its
//! stages at few points (and all its data), then every output a run writes (predictions,
//! plots, errors against its `exact` solutions and references, the
//! summary). What the snapshot and conformance tests cannot see: a
//! reference file that no longer fits its field, a plot that fails for a
//! kind of field, a stage that cannot start.

mod common;

use common::{programs_with_all_data, run_dir};
use physc_compiler::model::Optimizer;
use physc_runtime::run::{Options, run};
use std::sync::atomic::AtomicBool;

/// Steps of each stage: the second takes a step from a moved state.
const STEPS: u64 = 2;

#[test]
fn every_example_runs_end_to_end() {
    let (all, refused) = programs_with_all_data();
    let mut failures: Vec<String> = refused.iter().map(|n| format!("{n}: refused")).collect();
    for (name, mut loss) in all {
        let train = &mut loss.model.train;
        for stage in &mut train.stages {
            match stage {
                Optimizer::Adam { steps, .. }
                | Optimizer::Lbfgs { steps, .. }
                | Optimizer::Bfgs { steps, .. } => *steps = STEPS,
            }
        }
        if let Some(refine) = &mut train.refine {
            refine.rounds = refine.rounds.min(1);
        }
        let out = run_dir(&format!("example-{}", name.replace('/', "-")));
        let summary = match run(
            &loss,
            &out,
            Options::default(),
            |_| {},
            &AtomicBool::new(false),
        ) {
            Ok(summary) => summary,
            Err(why) => {
                failures.push(format!("{name}: {why}"));
                continue;
            }
        };
        let steps = STEPS * train_stages(&loss) * loss.model.train.windows.max(1);
        if summary.steps == 0 || summary.steps > steps {
            failures.push(format!("{name}: {} steps of {steps}", summary.steps));
        }
        for (field, error) in &summary.rel_l2 {
            if !error.is_finite() {
                failures.push(format!("{name}: {field}'s error is {error}"));
            }
        }
        let written = |ext: &str| {
            std::fs::read_dir(&out)
                .expect("a run directory")
                .filter_map(|e| e.ok())
                .any(|e| e.path().extension().is_some_and(|x| x == ext))
        };
        for ext in ["json", "csv", "png"] {
            if !written(ext) {
                failures.push(format!("{name}: no .{ext} written"));
            }
        }
        let _ = std::fs::remove_dir_all(&out);
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

fn train_stages(loss: &physc_compiler::program::LossProgram) -> u64 {
    let rounds = loss.model.train.refine.as_ref().map_or(1, |r| r.rounds + 1);
    loss.model.train.stages.len() as u64 * rounds
}
