//! One Adam step on Raissi's Burgers problem (8x20 tanh, 10,000 collocation
//! points, 150 initial and 150 boundary points): the loss with its reverse
//! pass, and the whole step. Reports medians in milliseconds. Run with
//! `cargo bench -p physc-runtime --bench adam_step`; `PHYSC_BENCH_STEPS`
//! sets the repetitions (default 30), `PHYSC_BENCH_PRECISION=float32` the
//! precision, `PHYSC_BENCH_BACKEND=jit` the JIT back end and `wgpu` the
//! GPU back end (a build with `--features wgpu`). Each step reads the loss back, as training does, so
//! a GPU's queue is drained inside the timing.

use burn::optim::AdamConfig;
use physc_compiler::check::DiskFiles;
use physc_runtime::backend::{Backend, Precision, device};
use physc_runtime::engine::Engine;
use physc_runtime::program::Program;
use std::time::Instant;

const MODEL: &str = "
const nu = 0.01
field u(x, t)
pde: u_t + u*u_x - nu/pi*u_xx = 0   on [-1,1] x [0,1]
ic:  u = -sin(pi*x)                 on t = 0
bc:  u = 0                          on x = -1 | x = 1
net u = mlp(depth = 8, width = 20, act = tanh)
train { adam(lr = 1e-3, steps = 1); points(pde = 10000, ic = 150, bc = 150) }
";

fn median(mut xs: Vec<f64>) -> f64 {
    xs.sort_by(f64::total_cmp);
    xs[xs.len() / 2]
}

fn time(reps: usize, mut f: impl FnMut()) -> f64 {
    f();
    median(
        (0..reps)
            .map(|_| {
                let start = Instant::now();
                f();
                start.elapsed().as_secs_f64() * 1e3
            })
            .collect(),
    )
}

fn main() {
    let reps: usize = std::env::var("PHYSC_BENCH_STEPS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(30);
    let frontend = physc_compiler::check_source(MODEL, std::path::Path::new("."), &DiskFiles);
    let model = &frontend.checked.model;
    let loss = frontend.loss.as_ref().expect("the model trains");
    // One precision per process: `PHYSC_BENCH_PRECISION=float32` for the other.
    let precision = match std::env::var("PHYSC_BENCH_PRECISION").as_deref() {
        Ok("float32") => Precision::F32,
        _ => Precision::F64,
    };
    let (backend, jit) = match std::env::var("PHYSC_BENCH_BACKEND").as_deref() {
        Ok("wgpu") => (Backend::Wgpu, false),
        Ok("jit") => (Backend::Jit, true),
        _ => (Backend::Cpu, false),
    };
    let device = device(backend, model.train.seed, precision).unwrap_or_else(|e| panic!("{e}"));
    let (program, mut trainable) = Program::new(loss, &device).expect("samples");
    let engine = match jit {
        true => Engine::jit(&program, &trainable, precision).unwrap_or_else(|e| panic!("{e}")),
        false => Engine::Burn,
    };
    let backward = time(reps, || {
        std::hint::black_box(engine.evaluate(&program, &trainable, &[]).total);
    });
    let mut adam = AdamConfig::new().init();
    let step = time(reps, || {
        let t = trainable.clone();
        let e = engine.evaluate(&program, &t, &[]);
        std::hint::black_box(e.total);
        trainable = adam.step(1e-3, t, e.gradients);
    });
    let name = if jit { "jit" } else { backend.name() };
    println!(
        "burgers 8x20 tanh, 10,300 points, {} on {name}, median of {reps}:",
        precision.name(),
    );
    println!("  loss + gradient     {backward:8.2} ms");
    println!("  Adam step           {step:8.2} ms");
    let flops = engine.matmul_flops();
    if flops > 0.0 {
        println!(
            "  matrix products     {:8.2} GFLOP per step, {:.1} GFLOP/s",
            flops / 1e9,
            flops / 1e6 / backward
        );
    }
}
