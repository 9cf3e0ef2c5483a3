//! Hard bounds built into the network: `hard u >= lo` and `hard u <= hi`
//! hold at every point whatever training does, and a field whose solution
//! lies within them trains through the transform to its closed form, on
//! both CPU back ends.

mod common;

use common::{run_dir, train_into};
use physc_runtime::backend::Backend;
use physc_runtime::run::Options;

fn options(backend: Backend) -> Options {
    Options {
        backend,
        ..Options::default()
    }
}

/// `u'' = 2`, `u(0) = u(1) = 0` is solved by `x^2 - x`, below zero inside:
/// the equations pull the field under the bound.
fn pulled_below(bound: &str) -> String {
    format!(
        "field u(x in [0,1])
pde: u_xx = 2
bc:  u = 0   on x = 0 | x = 1
{bound}
net u = mlp(depth = 2, width = 16)
train {{ adam(lr = 1e-2, steps = 200); points = 200 }}"
    )
}

/// The smallest value of `u` on the grid written after the run.
fn smallest(out: &std::path::Path) -> f64 {
    let text = std::fs::read_to_string(out.join("u.csv")).expect("u.csv");
    let mut lines = text.lines();
    let header: Vec<&str> = lines.next().expect("a header").split(',').collect();
    let column = header.iter().position(|c| *c == "u").expect("a u column");
    lines
        .map(|l| l.split(',').nth(column).unwrap().parse::<f64>().unwrap())
        .fold(f64::INFINITY, f64::min)
}

/// The smallest value of `u` after training `pulled_below(bound)`.
fn smallest_after(bound: &str, name: &str, backend: Backend) -> f64 {
    let out = run_dir(&format!("bound-{name}-{backend:?}"));
    train_into(&pulled_below(bound), &out, options(backend), None);
    let value = smallest(&out);
    let _ = std::fs::remove_dir_all(&out);
    value
}

#[test]
fn a_hard_bound_holds_where_the_equations_pull_below_it() {
    for backend in [Backend::Jit, Backend::Cpu] {
        let hard = smallest_after("positive: hard u >= 0", "hard", backend);
        assert!(hard >= 0.0, "{backend:?}: u = {hard} under its hard bound");
        // The same bound as a penalty is traded against the equations.
        let soft = smallest_after("positive: u >= 0", "soft", backend);
        assert!(
            soft < -1e-2,
            "{backend:?}: the penalised bound held too: {soft}"
        );
    }
}

/// `u' = -2u`, `u(0) = 1`: `exp(-2t)` lies within (0, 1.5), so the bounds
/// cost nothing, and the residual reads `u_t` through the transform.
#[test]
fn a_bounded_field_reaches_its_closed_form() {
    for (bounds, backend) in [
        ("lower: hard u >= 0", Backend::Jit),
        ("lower: hard u >= 0", Backend::Cpu),
        ("lower: hard u >= 0\nupper: hard u <= 1.5", Backend::Jit),
        ("upper: hard u <= 1.5", Backend::Cpu),
    ] {
        let out = run_dir(&format!("bound-decay-{backend:?}"));
        let summary = train_into(
            &format!(
                "field u(t in [0,1])
ode: u_t = -2*u
ic:  u = 1   on t = 0
{bounds}
exact u = exp(-2*t)
net u = mlp(depth = 2, width = 16)
train {{ adam(lr = 1e-2, steps = 300); lbfgs(steps = 200); points = 100 }}"
            ),
            &out,
            options(backend),
            None,
        );
        let _ = std::fs::remove_dir_all(&out);
        let (_, error) = &summary.rel_l2[0];
        eprintln!("{bounds} on {backend:?}: relative L2 error {error:.2e}");
        assert!(
            *error < 1e-3,
            "{bounds} on {backend:?}: relative L2 error {error}"
        );
        let terms: Vec<&str> = summary.losses.iter().map(|(l, _)| l.as_str()).collect();
        assert_eq!(terms, ["ode", "ic"], "built-in bounds leave the loss");
    }
}
