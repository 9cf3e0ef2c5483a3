//! What the runtime's tests share: a heat model, every example's loss
//! program with few points, networks at random weights, and a relative
//! comparison.

#![allow(dead_code)]

use burn::module::Param;
use burn::tensor::{Tensor, TensorData};
use physc_compiler::check::DiskFiles;
use physc_compiler::model::Anchors;
use physc_compiler::program::LossProgram;
use physc_compiler::program::geometry::Rng;
use physc_compiler::program::sample::Point;
use physc_runtime::backend::{Precision, cpu_device};
use physc_runtime::program::{Program, Trainable};
use physc_runtime::report::Summary;
use physc_runtime::run::{Options, run};
use std::path::{Path, PathBuf};
use std::sync::atomic::AtomicBool;

/// Collocation points per batch: enough to reach every kind of point.
const POINTS: usize = 40;

/// Every example's loss program (`examples/` and DeepXDE's suite in
/// `examples/deepxde/`, named `deepxde/FILE`), with few points (and data
/// rows); the names of those that do not train yet.
pub fn programs() -> (Vec<(String, LossProgram)>, Vec<String>) {
    examples(Some(POINTS))
}

/// The same with every data row: the rows a reference is compared at.
pub fn programs_with_all_data() -> (Vec<(String, LossProgram)>, Vec<String>) {
    examples(None)
}

fn examples(rows: Option<usize>) -> (Vec<(String, LossProgram)>, Vec<String>) {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../examples");
    let mut trainable = vec![];
    let mut refused = vec![];
    for (dir, prefix) in [(root.clone(), ""), (root.join("deepxde"), "deepxde/")] {
        let mut paths: Vec<_> = std::fs::read_dir(&dir)
            .expect("an examples directory")
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| p.extension().is_some_and(|x| x == "phy"))
            .collect();
        paths.sort();
        for path in paths {
            let text = std::fs::read_to_string(&path).expect("readable");
            let frontend = physc_compiler::check_source(&text, &dir, &DiskFiles);
            let file = path.file_name().expect("a name").to_string_lossy();
            let name = format!("{prefix}{file}");
            match frontend.loss {
                Some(mut loss) => {
                    for b in &mut loss.batches {
                        b.points.count = POINTS;
                        if let Some(Anchors::Drawn { count, .. }) = &mut b.points.anchors {
                            *count = (*count).min(POINTS as u64);
                        }
                    }
                    for data in &mut loss.model.data {
                        let rows = rows.unwrap_or(usize::MAX);
                        data.values.iter_mut().for_each(|c| c.truncate(rows));
                    }
                    trainable.push((name, loss));
                }
                None => refused.push(name),
            }
        }
    }
    (trainable, refused)
}

/// Networks with the program's initial weights and random biases and
/// PirateNet block factors (the initial ones are zero, which would hide a
/// bias in the wrong place, and a block's layers altogether).
pub fn networks(loss: &LossProgram) -> (Program, Trainable) {
    let device = cpu_device(0, Precision::F64).expect("a CPU device");
    let (program, mut t) = Program::new(loss, &device).expect("samples");
    let mut rng = Rng::new(17);
    for net in &mut t.nets {
        for layer in &mut net.layers {
            let bias = layer.bias.as_ref().expect("a bias").val();
            let n = bias.dims()[0];
            let values: Vec<f64> = (0..n).map(|_| 0.3 * rng.normal()).collect();
            layer.bias = Some(Param::from_tensor(Tensor::<1>::from_data(
                TensorData::new(values, [n]),
                &device,
            )));
        }
        for alpha in &mut net.residual {
            let value = vec![0.5 + 0.2 * rng.normal()];
            *alpha =
                Param::from_tensor(Tensor::<1>::from_data(TensorData::new(value, [1]), &device));
        }
    }
    (program, t)
}

pub fn points(program: &Program) -> Vec<Vec<Point>> {
    program.batches.iter().map(|b| b.points.clone()).collect()
}

pub fn close(a: f64, b: f64, tolerance: f64) -> bool {
    (a - b).abs() <= tolerance * a.abs().max(b.abs()).max(1e-300)
}

/// The heat equation on a rod with cold ends, with its closed form, then
/// `rest` (the `net` and `train` statements).
pub fn heat(rest: &str) -> String {
    format!(
        "const k = 0.1
field u(x in [0,1], t in [0,1])
pde: u_t = k*u_xx
ic:  u = sin(pi*x)              on t = 0
bc:  u = 0                      on x = 0 | x = 1
exact u = exp(-k*pi^2*t)*sin(pi*x)
{rest}
"
    )
}

/// Options to train through the JIT back end.
pub fn jit() -> Options {
    Options {
        backend: physc_runtime::backend::Backend::Jit,
        ..Options::default()
    }
}

pub fn run_dir(name: &str) -> PathBuf {
    std::env::temp_dir().join(format!("physc-train-{name}-{}", std::process::id()))
}

/// Trains `text` into `out`; `stop_at` interrupts after that logged step.
pub fn train_into(text: &str, out: &Path, options: Options, stop_at: Option<u64>) -> Summary {
    let frontend = physc_compiler::check_source(text, Path::new("."), &DiskFiles);
    assert!(!frontend.has_errors(), "{:?}", frontend.checked.diagnostics);
    let loss = frontend.loss.as_ref().expect("trainable");
    let interrupt = AtomicBool::new(false);
    run(
        loss,
        out,
        options,
        |p| {
            if Some(p.step) == stop_at {
                interrupt.store(true, std::sync::atomic::Ordering::Relaxed);
            }
        },
        &interrupt,
    )
    .expect("writes the run directory")
}

/// `u` of the run in `out` of `model` at `points` (rows of the coordinates
/// named in `header`), through `physc eval`.
pub fn u_at(model: &str, out: &Path, header: &str, points: &[Vec<f64>]) -> Vec<f64> {
    let input = out.join("points.csv");
    let rows: Vec<String> = points
        .iter()
        .map(|p| {
            p.iter()
                .map(|v| format!("{v:.17}"))
                .collect::<Vec<_>>()
                .join(",")
        })
        .collect();
    std::fs::write(&input, format!("{header}\n{}\n", rows.join("\n"))).expect("points.csv");
    let output = out.join("values.csv");
    let frontend = physc_compiler::check_source(model, Path::new("."), &DiskFiles);
    let loss = frontend.loss.as_ref().expect("trainable");
    physc_runtime::eval::eval(loss, out, &input, &output, false).expect("evaluates");
    let text = std::fs::read_to_string(&output).expect("values.csv");
    let mut lines = text.lines();
    let column = lines
        .next()
        .expect("a header")
        .split(',')
        .position(|c| c == "u")
        .expect("a u column");
    lines
        .map(|l| l.split(',').nth(column).unwrap().parse::<f64>().unwrap())
        .collect()
}

/// A small decay with checkpoints and resampling, for resumption.
pub const DECAY: &str = "field u(t in [0,1])
ode: u_t = -2*u
ic: u = 1 on t = 0
exact u = exp(-2*t)
net u = mlp(depth = 2, width = 8)
train { adam(lr = 1e-2, steps = 60); lbfgs(steps = 40); points = 64; log_every = 10; checkpoint_every = 10; resample = 25 }";

/// A run interrupted in Adam (at step 30) and again in L-BFGS (at 80),
/// resumed each time from its checkpoint, ends exactly where the
/// uninterrupted run ends: same parameters, optimiser state and points,
/// so the same losses, bit for bit.
pub fn resumes_where_it_stopped(model: &str, name: &str, options: Options) {
    let whole_dir = run_dir(&format!("{name}-whole"));
    let whole = train_into(model, &whole_dir, options.clone(), None);
    let parts_dir = run_dir(&format!("{name}-parts"));
    let first = train_into(model, &parts_dir, options.clone(), Some(30));
    assert!(!first.finished);
    assert_eq!(first.steps, 30);
    let resume = Options {
        resume: true,
        ..options
    };
    let second = train_into(model, &parts_dir, resume.clone(), Some(80));
    assert!(!second.finished);
    assert_eq!(second.steps, 80);
    let third = train_into(model, &parts_dir, resume, None);
    assert!(third.finished);
    let history = |dir: &Path| std::fs::read_to_string(dir.join("history.csv")).expect("history");
    assert_eq!(history(&parts_dir), history(&whole_dir));
    assert_eq!(third.steps, whole.steps);
    assert_eq!(third.total_loss, whole.total_loss);
    assert_eq!(third.rel_l2, whole.rel_l2);
    let _ = std::fs::remove_dir_all(&whole_dir);
    let _ = std::fs::remove_dir_all(&parts_dir);
}

/// A grey-box model fitted through an integrator: `ode runs.y_t = -k*y`
/// with `learn k = 0.3`, on samples of `exp(-t/2)` at t = 0, 0.5, ..., 2
/// (written to `out/decay.csv`), then `train { TRAIN }`.
pub fn grey_box(out: &Path, train: &str) -> String {
    std::fs::create_dir_all(out).expect("a directory");
    let rows: Vec<String> = (0..5)
        .map(|k| format!("{},{}", k as f64 * 0.5, (-0.25 * k as f64).exp()))
        .collect();
    let data = out.join("decay.csv");
    std::fs::write(&data, format!("t,y\n{}\n", rows.join("\n"))).expect("written");
    format!(
        "data runs = csv({data:?})\n\
         learn k = 0.3\n\
         rate: ode runs.y_t = -k*y\n\
         train {{ {train} }}\n"
    )
}

/// Trains `model` on `backend` into a scratch directory and returns the
/// relative L2 error of its first field, printed for the test's log;
/// `check` sees the run directory before it is removed.
pub fn trained_error(
    model: &str,
    name: &str,
    backend: physc_runtime::backend::Backend,
    check: impl FnOnce(&Path),
) -> f64 {
    let out = run_dir(&format!("{name}-{backend:?}"));
    let options = Options {
        backend,
        ..Options::default()
    };
    let summary = train_into(model, &out, options, None);
    check(&out);
    let _ = std::fs::remove_dir_all(&out);
    let error = summary.rel_l2[0].1;
    eprintln!("{name}, {backend:?}: relative L2 error {error:.2e}");
    error
}

/// burn's gradient of `Σ factors[b] · loss_b` (a missing factor is 1),
/// per parameter.
pub fn burn_gradient(program: &Program, t: &Trainable, factors: &[f64]) -> Vec<f64> {
    let grads = (program.losses(t).into_iter().enumerate())
        .map(|(b, loss)| loss * factors.get(b).copied().unwrap_or(1.0))
        .reduce(|a, b| a + b)
        .expect("a batch")
        .backward();
    per_parameter(t, |p| p.val().grad(&grads), |p| p.val().grad(&grads))
}

/// Every parameter's gradient as `matrix` and `vector` read it (zeros
/// where absent), flat: per network its dense layers' weights, biases and
/// scales and its block factors, then the learned scalars.
pub fn per_parameter(
    t: &Trainable,
    matrix: impl Fn(&Param<Tensor<2>>) -> Option<Tensor<2>>,
    vector: impl Fn(&Param<Tensor<1>>) -> Option<Tensor<1>>,
) -> Vec<f64> {
    let mut out = vec![];
    let mut push = |g: Option<Tensor<1>>, n: usize| {
        out.extend(g.map_or(vec![0.0; n], |g| {
            g.into_data().convert::<f64>().try_to_vec().expect("floats")
        }));
    };
    for net in &t.nets {
        for i in 0..net.dense_count() {
            let layer = net.dense(i);
            let dims = layer.weight.val().dims();
            push(
                matrix(&layer.weight).map(|g| g.flatten(0, 1)),
                dims[0] * dims[1],
            );
            push(vector(layer.bias.as_ref().expect("a bias")), dims[1]);
            if let Some(g) = net.scales.get(i) {
                push(vector(g), dims[1]);
            }
        }
        for alpha in &net.residual {
            push(vector(alpha), 1);
        }
    }
    for s in &t.scalars {
        push(vector(s), 1);
    }
    out
}
