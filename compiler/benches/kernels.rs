//! Native kernels against the reference interpreter.
//!
//! The Burgers residual `u_t + u u_x - (0.01/pi) u_xx` with the viscous
//! travelling wave `u = c - a tanh(a (x - c t) / (2 nu))` substituted (so
//! the residual is an expression of x and t alone), evaluated at 10^6
//! points by the cranelift kernel and by the interpreter, in one run.
//! Reports points per second (median of repeated runs), their ratio, and
//! the kernel's compile time. Run with `cargo bench -p physc-compiler`.

use physc_compiler::check::DiskFiles;
use physc_compiler::exact::substitute;
use physc_compiler::ir::eval::{Env, Interpreter, Leaf};
use physc_compiler::ir::lower::Lowerer;
use physc_compiler::ir::{ExprId, Graph, Part};
use physc_compiler::jit::Kernel;
use physc_compiler::model::{FuncId, SolutionKind};
use physc_compiler::program::geometry::Rng;
use std::collections::HashMap;
use std::time::Instant;

const MODEL: &str = "
const nu = 0.01/pi
const a = 0.8
const c = 0.2
field u(x in [-1,1], t in [0,1])
pde: u_t + u*u_x - nu*u_xx = 0
exact u = c - a*tanh(a*(x - c*t)/(2*nu))
";

const POINTS: usize = 1_000_000;

fn median(mut xs: Vec<f64>) -> f64 {
    xs.sort_by(f64::total_cmp);
    xs[xs.len() / 2]
}

/// The substituted residual and its graph.
fn residual() -> (Graph, ExprId) {
    let frontend = physc_compiler::check_source(MODEL, std::path::Path::new("."), &DiskFiles);
    assert!(
        frontend.checked.diagnostics.is_empty(),
        "{:?}",
        frontend.checked.diagnostics
    );
    let model = &frontend.checked.model;
    let lowered = frontend.lowered.as_ref().expect("lowered");
    let mut lowerer = Lowerer::new(model);
    lowerer.graph = lowered.graph.clone();
    let SolutionKind::Exact(solution) = &model.solutions[0].kind else {
        unreachable!("an exact solution")
    };
    let solution = lowerer.expr(solution).expect("real").re;
    let parts = HashMap::from([((FuncId(0), Part::Real), solution)]);
    let root = substitute(
        &mut lowerer.graph,
        &mut lowerer.diff,
        lowered.residuals[0].expr,
        &parts,
        model,
    )
    .expect("substituted");
    (lowerer.graph, root)
}

struct Point(f64, f64);

impl Env for Point {
    fn leaf(&self, leaf: &Leaf) -> f64 {
        match leaf {
            Leaf::Coord(c) if c.0 == 0 => self.0,
            _ => self.1,
        }
    }
}

fn main() {
    let (g, root) = residual();
    println!("residual: {} nodes", g.reachable(&[root]).len());
    let mut rng = Rng::new(7);
    let xs: Vec<f64> = (0..POINTS).map(|_| rng.range(-1.0, 1.0)).collect();
    let ts: Vec<f64> = (0..POINTS).map(|_| rng.range(0.0, 1.0)).collect();

    let compile: Vec<f64> = (0..9)
        .map(|_| {
            let start = Instant::now();
            let kernel = Kernel::compile(&g, &[root]).expect("compiles");
            drop(kernel);
            start.elapsed().as_secs_f64()
        })
        .collect();
    let kernel = Kernel::compile(&g, &[root]).expect("compiles");
    let inputs: Vec<&[f64]> = kernel
        .leaves()
        .iter()
        .map(|l| match l {
            Leaf::Coord(c) if c.0 == 0 => xs.as_slice(),
            _ => ts.as_slice(),
        })
        .collect();
    let mut out = vec![0.0; POINTS];
    let native: Vec<f64> = (0..7)
        .map(|_| {
            let start = Instant::now();
            kernel.run(&inputs, &mut [out.as_mut_slice()], POINTS);
            start.elapsed().as_secs_f64()
        })
        .collect();

    let interpreter = Interpreter::new(&g, &[root]);
    let mut scratch = vec![];
    let mut reference = vec![0.0; POINTS];
    let interpreted: Vec<f64> = (0..3)
        .map(|_| {
            let start = Instant::now();
            for i in 0..POINTS {
                reference[i] = interpreter.eval(&Point(xs[i], ts[i]), &mut scratch)[0];
            }
            start.elapsed().as_secs_f64()
        })
        .collect();
    let worst = out
        .iter()
        .zip(&reference)
        .map(|(a, b)| (a - b).abs() / (1.0 + b.abs()))
        .fold(0.0, f64::max);
    assert!(worst < 1e-12, "kernel and interpreter differ by {worst}");

    let (n, i) = (median(native), median(interpreted));
    println!(
        "kernel:      {:.3e} points/s  ({:.1} ms for {POINTS} points)",
        POINTS as f64 / n,
        n * 1e3
    );
    println!(
        "interpreter: {:.3e} points/s  ({:.1} ms)",
        POINTS as f64 / i,
        i * 1e3
    );
    println!("kernel / interpreter throughput: {:.1}x", i / n);
    println!(
        "kernel compile time: {:.2} ms (median of 9)",
        median(compile) * 1e3
    );
    println!("largest relative difference: {worst:.1e}");
}
