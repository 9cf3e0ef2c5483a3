//! Fractional operators against independent references: each operator is
//! checked from source, its expansion evaluated with closed-form fields
//! substituted for the network, against series (`sin`, `cos`) and the
//! closed forms of the fractional Laplacian on the disk and the ball.

use physc_compiler::check::{DiskFiles, gamma};
use physc_compiler::model::{BinOp, Builtin, Constant, Expr, Model};
use std::path::Path;

/// The left-hand side of the model's only equation, expanded.
fn operator(text: &str) -> Model {
    let frontend = physc_compiler::check_source(text, Path::new("."), &DiskFiles);
    assert!(
        !frontend.has_errors(),
        "{text}\n{:#?}",
        frontend.checked.diagnostics
    );
    frontend.checked.model
}

/// `e` at the point `at` (one value per coordinate), the field read
/// through `field(derivative, arguments)`.
fn eval(e: &Expr, at: &[f64], field: &dyn Fn(&[u32], &[f64]) -> f64) -> f64 {
    eval_learned(e, at, field, f64::NAN)
}

/// [`eval`] with every learned scalar at `learned`.
fn eval_learned(e: &Expr, at: &[f64], field: &dyn Fn(&[u32], &[f64]) -> f64, learned: f64) -> f64 {
    let go = |e: &Expr| eval_learned(e, at, field, learned);
    match e {
        Expr::Number(x) => *x,
        Expr::Learned(_) => learned,
        Expr::Constant(Constant::Pi) => std::f64::consts::PI,
        Expr::Constant(Constant::E) => std::f64::consts::E,
        Expr::Coord(c) => at[c.index()],
        Expr::Apply {
            derivative, args, ..
        } => {
            let args: Vec<f64> = args.iter().map(go).collect();
            field(derivative, &args)
        }
        Expr::Field { derivative, .. } => field(derivative, at),
        Expr::Neg(a) => -go(a),
        Expr::Call { builtin, arg } => match builtin {
            Builtin::Sqrt => go(arg).sqrt(),
            other => panic!("{other:?} in an expansion"),
        },
        Expr::Binary { op, lhs, rhs } => {
            let (a, b) = (go(lhs), go(rhs));
            match op {
                BinOp::Add => a + b,
                BinOp::Sub => a - b,
                BinOp::Mul => a * b,
                BinOp::Div => a / b,
                BinOp::Pow => a.powf(b),
            }
        }
        other => panic!("{other:?} in an expansion"),
    }
}

/// `Σ_k sign^k y^(2k + shift - alpha) / Γ(2k + shift + 1 - alpha)`: the
/// Riemann-Liouville derivative from 0 of `cos` (shift 0) or `sin`
/// (shift 1), term by term from their Taylor series.
fn series(y: f64, shift: i32, alpha: f64) -> f64 {
    (0..30)
        .map(|k| {
            let p = (2 * k + shift) as f64;
            (-1f64).powi(k) * y.powf(p - alpha) / gamma(p + 1.0 - alpha)
        })
        .sum()
}

/// `sin` and its derivatives, in one coordinate.
fn sine(d: &[u32], x: &[f64]) -> f64 {
    (x[0] + d[0] as f64 * std::f64::consts::FRAC_PI_2).sin()
}

fn cosine(d: &[u32], x: &[f64]) -> f64 {
    (x[0] + d[0] as f64 * std::f64::consts::FRAC_PI_2).cos()
}

#[test]
fn riemann_liouville_derivatives_of_the_sine_meet_its_series() {
    for alpha in [0.3, 0.7, 1.2, 1.5, 1.9] {
        let model = operator(&format!(
            "field u(x in [0,1])\nl: rl_left(u, x, {alpha}) = 0\nr: rl_right(u, x, {alpha}) = 0"
        ));
        for x in [0.05, 0.3, 0.5, 0.77, 0.98] {
            let left = eval(&model.constraints[0].lhs, &[x], &sine);
            let want = series(x, 1, alpha);
            assert!(
                (left - want).abs() < 1e-12 * want.abs().max(1.0),
                "rl_left, alpha = {alpha}, x = {x}: {left} against {want}"
            );
            // sin(x) = sin(1) cos(y) - cos(1) sin(y) with y = 1 - x.
            let y = 1.0 - x;
            let want = 1f64.sin() * series(y, 0, alpha) - 1f64.cos() * series(y, 1, alpha);
            let right = eval(&model.constraints[1].lhs, &[x], &sine);
            assert!(
                (right - want).abs() < 1e-12 * want.abs().max(1.0),
                "rl_right, alpha = {alpha}, x = {x}: {right} against {want}"
            );
        }
    }
}

/// The Caputo derivative leaves out the boundary values' terms: for
/// `cos`, the Riemann-Liouville derivative less `t^(-alpha) / Γ(1 - alpha)`.
#[test]
fn the_caputo_derivative_of_the_cosine_meets_its_series() {
    for alpha in [0.4, 0.9, 1.1, 1.6] {
        let model = operator(&format!(
            "field u(t in [0,2])\nc: caputo(u, t, {alpha}) = 0"
        ));
        for t in [0.1, 0.6, 1.3, 1.95] {
            let got = eval(&model.constraints[0].lhs, &[t], &cosine);
            let want = series(t, 0, alpha) - t.powf(-alpha) / gamma(1.0 - alpha);
            assert!(
                (got - want).abs() < 1e-11 * want.abs().max(1.0),
                "alpha = {alpha}, t = {t}: {got} against {want}"
            );
        }
    }
}

/// In 1-D, `(-Δ)^(α/2) = (D_left^α + D_right^α) / (2 cos(απ/2))`.
#[test]
fn the_fractional_laplacian_on_an_interval_is_both_derivatives_over_a_cosine() {
    for alpha in [0.5, 1.3, 1.8] {
        let model = operator(&format!(
            "field u(x in [0,1])\npde: frac_lap(u, {alpha}) = 0"
        ));
        for x in [0.1, 0.45, 0.9] {
            let y = 1.0 - x;
            let left = series(x, 1, alpha);
            let right = 1f64.sin() * series(y, 0, alpha) - 1f64.cos() * series(y, 1, alpha);
            let want = (left + right) / (2.0 * (alpha * std::f64::consts::FRAC_PI_2).cos());
            let got = eval(&model.constraints[0].lhs, &[x], &sine);
            assert!(
                (got - want).abs() < 1e-12 * want.abs().max(1.0),
                "alpha = {alpha}, x = {x}: {got} against {want}"
            );
        }
    }
}

/// `(1 - |x|^2)^p` and its first and second derivatives, `p = 1 + alpha/2`
/// (the fractional Laplacian's closed form on the unit ball).
fn bump(alpha: f64) -> impl Fn(&[u32], &[f64]) -> f64 {
    move |d: &[u32], x: &[f64]| {
        let p = 1.0 + alpha / 2.0;
        let f = (1.0 - x.iter().map(|x| x * x).sum::<f64>()).abs();
        let order: u32 = d.iter().sum();
        let (i, j) = {
            let mut axes = d.iter().enumerate().flat_map(|(k, &o)| vec![k; o as usize]);
            (axes.next(), axes.next())
        };
        match (order, i, j) {
            (0, _, _) => f.powf(p),
            (1, Some(i), _) => -2.0 * p * x[i] * f.powf(p - 1.0),
            (2, Some(i), Some(j)) => {
                let delta = if i == j { 1.0 } else { 0.0 };
                -2.0 * p * delta * f.powf(p - 1.0)
                    + 4.0 * p * (p - 1.0) * x[i] * x[j] * f.powf(p - 2.0)
            }
            _ => panic!("derivative {d:?}"),
        }
    }
}

/// `(-Δ)^(α/2) (1 - |x|^2)_+^(1 + α/2) = 2^α Γ(2 + α/2) Γ((d + α)/2) /
/// Γ(d/2) (1 - (1 + α/d)|x|^2)` in `d` dimensions. The bump's second
/// derivatives are singular at the boundary (as `(1 - |x|^2)^(α/2 - 1)`),
/// where the quadrature converges algebraically: measured, 2e-4 to 6e-4
/// of the largest value at α = 0.6, 6e-4 to 1.5e-3 at 1.8, 4.5e-3 to 1e-2
/// at 1.5 (the strongest singularity). A wrong constant, direction or
/// boundary term is off by the size of the value.
#[test]
fn the_fractional_laplacian_meets_its_closed_form_on_the_disk_and_the_ball() {
    let cases = [
        ("field u((x, y) in disk((0, 0), 1))", 2),
        ("field u((x, y, z) in ball((0, 0, 0), 1))", 3),
    ];
    for (field, d) in cases {
        for alpha in [0.6, 1.5, 1.8] {
            let model = operator(&format!("{field}\npde: frac_lap(u, {alpha}) = 0"));
            let df = d as f64;
            let scale = 2f64.powf(alpha) * gamma(2.0 + alpha / 2.0) * gamma((df + alpha) / 2.0)
                / gamma(df / 2.0);
            let points = [
                [0.0, 0.0, 0.0],
                [0.3, -0.2, 0.1],
                [-0.5, 0.4, 0.2],
                [0.1, 0.7, -0.3],
            ];
            for point in points {
                let x = &point[..d];
                let r2: f64 = x.iter().map(|x| x * x).sum();
                let want = scale * (1.0 - (1.0 + alpha / df) * r2);
                let got = eval(&model.constraints[0].lhs, x, &bump(alpha));
                assert!(
                    (got - want).abs() < 1.5e-2 * scale,
                    "d = {d}, alpha = {alpha}, x = {x:?}: {got} against {want}"
                );
            }
        }
    }
}

/// A learned order: the weights, exponents and Gamma functions are
/// expressions of it, equal to the constant order's expansion at its value
/// before training and wherever training takes it (on the same side of 1).
#[test]
fn a_learned_order_expands_as_the_constant_order_at_its_value() {
    let cases = [
        (
            "field u(x in [0,1])",
            "rl_left(u, x, alpha) + rl_right(u, x, alpha)",
            1,
            [1.5, 1.2, 1.8],
        ),
        (
            "field u(x in [0,1])",
            "caputo(u, x, alpha)",
            1,
            [0.4, 0.2, 0.7],
        ),
        (
            "field u((x, y) in disk((0, 0), 1))",
            "frac_lap(u, alpha)",
            2,
            [1.6, 1.3, 1.9],
        ),
    ];
    for (field, operator_text, d, [init, others @ ..]) in cases {
        let learned = operator(&format!(
            "{field}\nlearn alpha = {init}\npde: {operator_text} = 0"
        ));
        for alpha in std::iter::once(init).chain(others) {
            let constant = operator(&format!(
                "{field}\npde: {} = 0",
                operator_text.replace("alpha", &alpha.to_string())
            ));
            let point = &[0.3, -0.2][..d];
            let want = eval(&constant.constraints[0].lhs, point, &bump(alpha));
            let got = eval_learned(&learned.constraints[0].lhs, point, &bump(alpha), alpha);
            assert!(
                (got - want).abs() < 1e-11 * want.abs().max(1.0),
                "{operator_text}, alpha = {alpha}: {got} against {want}"
            );
        }
    }
}
