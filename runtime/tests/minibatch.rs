//! Mini-batches of a data set (`points(fit = n)` below its rows): each
//! first-order step takes n rows, an epoch takes every row once, a
//! quasi-Newton stage and what follows training take them all; a run
//! resumed from a checkpoint sees the rows the whole run saw; and an
//! inverse problem trains on mini-batches on both back ends.

mod common;

use common::{resumes_where_it_stopped, run_dir, train_into};
use physc_compiler::check::DiskFiles;
use physc_runtime::backend::{Backend, Precision, cpu_device};
use physc_runtime::program::Program;
use physc_runtime::run::Options;
use std::collections::BTreeSet;
use std::path::Path;

/// `rows` observations of u = sin(pi x) on [-1, 1], written to `dir`, and
/// a model that learns the scale `c` of the source from them, `train`
/// its training block.
fn inverse(dir: &Path, rows: usize, train: &str) -> String {
    std::fs::create_dir_all(dir).expect("a directory");
    let lines: Vec<String> = (0..rows)
        .map(|i| {
            let x = -1.0 + 2.0 * (i as f64 + 0.5) / rows as f64;
            format!("{x},{}", (std::f64::consts::PI * x).sin())
        })
        .collect();
    let data = dir.join("obs.csv");
    std::fs::write(&data, format!("x,u\n{}\n", lines.join("\n"))).expect("written");
    format!(
        "data obs = csv({data:?})\n\
         learn c = 0.5\n\
         field u(x in [-1,1])\n\
         pde: -u_xx = c*pi^2*sin(pi*x)\n\
         bc:  u = 0 on x = -1 | x = 1\n\
         fit: u = obs.u on obs\n\
         exact c = 1\n\
         net u = mlp(depth = 2, width = 16)\n\
         train {{ {train} }}\n"
    )
}

#[test]
fn a_step_takes_its_rows_and_an_epoch_takes_every_row() {
    let dir = run_dir("minibatch-rows");
    let text = inverse(&dir, 100, "points(pde = 32, fit = 16)");
    let frontend = physc_compiler::check_source(&text, Path::new("."), &DiskFiles);
    assert!(!frontend.has_errors(), "{:?}", frontend.checked.diagnostics);
    let loss = frontend.loss.expect("trainable");
    let device = cpu_device(0, Precision::F64).expect("a CPU device");
    let (mut program, _) = Program::new(&loss, &device).expect("samples");
    let fit = loss
        .batches
        .iter()
        .position(|b| b.label == "fit")
        .expect("a fit batch");
    assert_eq!(program.batches[fit].points.len(), 100, "every row at first");
    // 100 rows in sixteens: six mini-batches an epoch.
    let mut seen = BTreeSet::new();
    for step in 0..6 {
        let changed = program.minibatch(step);
        assert_eq!(changed, vec![fit]);
        let rows: Vec<usize> = program.batches[fit]
            .points
            .iter()
            .map(|p| p.row.expect("a data row"))
            .collect();
        assert_eq!(rows.len(), 16);
        for row in rows {
            assert!(seen.insert(row), "row {row} twice in one epoch");
        }
    }
    assert_eq!(seen.len(), 96);
    assert_eq!(program.all_rows(), vec![fit]);
    assert_eq!(program.batches[fit].points.len(), 100);
    assert!(program.all_rows().is_empty(), "already whole");
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn a_resumed_run_takes_the_rows_the_whole_run_took() {
    let dir = run_dir("minibatch-resume-data");
    let text = inverse(
        &dir,
        200,
        "adam(lr = 1e-2, steps = 60); lbfgs(steps = 40); points(pde = 32, fit = 16); \
         log_every = 10; checkpoint_every = 10",
    );
    resumes_where_it_stopped(&text, "minibatch-resume", common::jit());
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn an_inverse_problem_trains_on_mini_batches() {
    let dir = run_dir("minibatch-inverse-data");
    let text = inverse(
        &dir,
        2000,
        "adam(lr = 1e-2, steps = 3000); points(pde = 64, fit = 32)",
    );
    for backend in [Backend::Jit, Backend::Cpu] {
        let out = run_dir(&format!("minibatch-inverse-{backend:?}"));
        let options = Options {
            backend,
            ..Options::default()
        };
        let summary = train_into(&text, &out, options, None);
        let c = summary.learned[0].1;
        eprintln!("mini-batches, {backend:?}: c = {c}");
        assert!((c - 1.0).abs() < 2e-2, "{backend:?}: c = {c}");
        let _ = std::fs::remove_dir_all(&out);
    }
    let _ = std::fs::remove_dir_all(&dir);
}
