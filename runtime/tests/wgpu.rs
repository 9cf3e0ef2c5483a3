//! The GPU back end (burn-wgpu) against the CPU back end: the same model,
//! seed and points in float32 give the same losses step by step. Built
//! only with the `wgpu` feature; it needs a Vulkan, Metal or DirectX
//! adapter, which Mesa's software Vulkan driver (lavapipe) provides on a
//! machine without a GPU.
#![cfg(feature = "wgpu")]

mod common;

use common::heat;
use physc_compiler::check::DiskFiles;
use physc_runtime::backend::{Backend, Precision};
use physc_runtime::run::{Options, run};
use std::path::Path;
use std::sync::atomic::AtomicBool;

/// The `net` and `train` statements of the heat model.
const TRAINING: &str = "net u = mlp(depth = 2, width = 16, act = tanh)
train { adam(lr = 3e-3, steps = 40); lbfgs(steps = 100); points = 400; log_every = 1 }";

/// Trains the heat model on `backend` in float32; the total loss of every logged
/// step, and the summary's relative error.
fn losses(backend: Backend) -> (Vec<f64>, f64) {
    let frontend = physc_compiler::check_source(&heat(TRAINING), Path::new("."), &DiskFiles);
    assert!(!frontend.has_errors(), "{:?}", frontend.checked.diagnostics);
    let out = std::env::temp_dir().join(format!(
        "physc-wgpu-{}-{}",
        backend.name(),
        std::process::id()
    ));
    let options = Options {
        backend,
        precision: Precision::F32,
        resume: false,
    };
    let loss = frontend.loss.as_ref().expect("trainable");
    let summary = run(loss, &out, options, |_| {}, &AtomicBool::new(false)).expect("trains");
    assert_eq!(summary.backend, backend.name());
    let history = std::fs::read_to_string(out.join("history.csv")).expect("history");
    let totals = history
        .lines()
        .skip(1)
        .map(|line| {
            line.split(',')
                .nth(1)
                .expect("a total")
                .parse()
                .expect("a number")
        })
        .collect();
    let _ = std::fs::remove_dir_all(&out);
    (totals, summary.rel_l2[0].1)
}

#[test]
fn wgpu_trains_as_the_cpu_does() {
    let (cpu, cpu_error) = losses(Backend::Cpu);
    let (gpu, gpu_error) = losses(Backend::Wgpu);
    assert_eq!(cpu.len(), gpu.len(), "the same steps logged");
    // Adam: float32 rounding differs between the kernels (sums in another
    // order), so the losses agree to a few ulps per step, not exactly.
    for (step, (c, g)) in cpu.iter().zip(&gpu).take(40).enumerate() {
        assert!(
            (c - g).abs() <= 1e-4 * c.abs(),
            "step {}: cpu {c:e}, wgpu {g:e}",
            step + 1
        );
    }
    // L-BFGS on top: both train, to about the same error.
    assert!(
        cpu_error < 0.1 && gpu_error < 0.1,
        "cpu {cpu_error}, wgpu {gpu_error}"
    );
    assert!(
        (cpu_error - gpu_error).abs() < 0.5 * cpu_error.max(gpu_error),
        "cpu {cpu_error}, wgpu {gpu_error}"
    );
}
