//! What the JIT benchmarks share: one model's loss and gradient timed in
//! float64, and the median of repeated timings.

use physc_compiler::check::DiskFiles;
use physc_runtime::backend::{Backend, Precision, device};
use physc_runtime::engine::Engine;
use physc_runtime::program::Program;
use std::time::Instant;

pub fn median(mut xs: Vec<f64>) -> f64 {
    xs.sort_by(f64::total_cmp);
    xs[xs.len() / 2]
}

/// The median milliseconds of one loss and gradient of `text`'s model on
/// the JIT back end, in float64, over `reps` evaluations after a first.
pub fn evaluation_ms(text: &str, reps: usize) -> f64 {
    let frontend = physc_compiler::check_source(text, std::path::Path::new("."), &DiskFiles);
    let loss = frontend.loss.as_ref().expect("the model trains");
    let device = device(Backend::Jit, 0, Precision::F64).unwrap_or_else(|e| panic!("{e}"));
    let (program, trainable) = Program::new(loss, &device).expect("samples");
    let engine =
        Engine::jit(&program, &trainable, Precision::F64).unwrap_or_else(|e| panic!("{e}"));
    let once = || {
        let start = Instant::now();
        std::hint::black_box(engine.evaluate(&program, &trainable, &[]).total);
        start.elapsed().as_secs_f64() * 1e3
    };
    once();
    median((0..reps).map(|_| once()).collect())
}

/// Repetitions per timing: `PHYSC_BENCH_STEPS`, default 10.
pub fn repetitions() -> usize {
    std::env::var("PHYSC_BENCH_STEPS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(10)
}
