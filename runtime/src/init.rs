//! Least-squares initialisation of last layers (`init = least_squares`;
//! jaxpi's physics-informed initialisation, Wang et al. 2024).
//!
//! Input: a program, its engine and freshly drawn parameters. Output: the
//! parameters with the last layer of each network that asks for it set to
//! the minimiser of its initial conditions' loss terms, every other weight
//! (and the weights of outputs no condition reads) as drawn; and a line for
//! the run's notes.
//!
//! With the other weights fixed, a network's outputs are affine in its last
//! layer, and so are the residuals of conditions affine in the fields (a
//! PirateNet starts as exactly that: its blocks pass the embedding through,
//! and the last layer reads it). The residuals' Jacobian is measured a
//! column at a time (one evaluation of the conditions per weight, on the
//! conditions' points), the normal equations are solved, and one more
//! evaluation checks the fit: a condition that is not affine in the layer
//! is reported, not fitted wrongly.

use crate::engine::Engine;
use crate::flat;
use crate::program::{Program, Trainable};
use physc_compiler::program::march;

/// Relative mismatch between the affine prediction and the evaluation
/// above which the conditions are taken as not affine in the layer (float32
/// evaluations agree to about 1e-6).
const AFFINE_TOLERANCE: f64 = 1e-4;

/// `t` with the last layers fitted, and what was done; `t` unchanged and no
/// note when no network asks.
pub fn least_squares(
    program: &Program,
    engine: &Engine,
    t: Trainable,
) -> Result<(Trainable, Option<String>), String> {
    let model = &program.loss.model;
    let nets: Vec<usize> = (0..model.nets.len())
        .filter(|&k| model.nets[k].fit_initial)
        .collect();
    if nets.is_empty() {
        return Ok((t, None));
    }
    let mut constraints = vec![];
    for &k in &nets {
        constraints.extend(march::initial_conditions(model, &model.nets[k].outputs));
    }
    let batches: Vec<usize> = (0..program.batches.len())
        .filter(|&b| constraints.contains(&program.loss.batches[b].constraint))
        .collect();
    let labels: Vec<&str> = batches
        .iter()
        .map(|&b| program.batches[b].label.as_str())
        .collect();
    let columns: Vec<usize> = nets.iter().flat_map(|&k| flat::last_layer(&t, k)).collect();
    let drawn = flat::parameters(&t);
    let mut base = drawn.clone();
    for &j in &columns {
        base[j] = 0.0;
    }
    // The weighted residuals, so that their squared norm is the conditions'
    // share of the loss.
    let rows = |x: &[f64]| -> Vec<f64> {
        let at = flat::assign(t.clone(), x);
        let mut out = vec![];
        for &b in &batches {
            let points = &program.batches[b].points;
            let scale = (program.loss.batches[b].weight / points.len().max(1) as f64).sqrt();
            for residual in engine.residuals_at(program, &at, b, points) {
                out.extend(residual.iter().map(|r| scale * r));
            }
        }
        out
    };
    let r0 = rows(&base);
    let jacobian: Vec<Vec<f64>> = columns
        .iter()
        .map(|&j| {
            let mut x = base.clone();
            x[j] = 1.0;
            rows(&x).iter().zip(&r0).map(|(r, r0)| r - r0).collect()
        })
        .collect();
    let theta = solve_normal_equations(&jacobian, &r0);
    let mut fitted = base;
    for ((&j, v), column) in columns.iter().zip(&theta).zip(&jacobian) {
        // An output no condition reads (`v` of a network shared with `u`)
        // keeps its draw.
        fitted[j] = match column.iter().all(|&c| c == 0.0) {
            true => drawn[j],
            false => *v,
        };
    }
    let after = rows(&fitted);
    let predicted: Vec<f64> = (0..r0.len())
        .map(|i| {
            r0[i]
                + jacobian
                    .iter()
                    .zip(&theta)
                    .map(|(c, v)| c[i] * v)
                    .sum::<f64>()
        })
        .collect();
    let scale = 1.0 + max_abs(&r0) + max_abs(&predicted);
    let mismatch = after
        .iter()
        .zip(&predicted)
        .map(|(a, p)| (a - p).abs())
        .fold(0.0, f64::max);
    // NaN (a draw that overflowed) counts as a mismatch.
    if mismatch.is_nan() || mismatch > AFFINE_TOLERANCE * scale {
        return Err(format!(
            "`init = least_squares`: {} not linear in the network's last layer (the fit \
             misses its prediction by {mismatch:.1e}); it fits conditions that are linear in \
             the field, as `u = sin(pi*x) on t = 0`",
            match labels.as_slice() {
                [one] => format!("`{one}` is"),
                _ => format!("the initial conditions ({}) are", labels.join(", ")),
            }
        ));
    }
    let before = rms(&rows(&drawn));
    let note = format!(
        "the last layer was fitted by least squares to {}: root mean square residual {:.1e} \
         at the random draw, {:.1e} fitted, with weights up to {:.1e}",
        labels
            .iter()
            .map(|l| format!("`{l}`"))
            .collect::<Vec<_>>()
            .join(", "),
        before,
        rms(&after),
        max_abs(&theta)
    );
    Ok((flat::assign(t, &fitted), Some(note)))
}

fn max_abs(v: &[f64]) -> f64 {
    v.iter().fold(0.0, |m, x| m.max(x.abs()))
}

/// The root mean square of weighted residuals (whose squares sum to the
/// loss terms): the square root of their sum.
fn rms(v: &[f64]) -> f64 {
    v.iter().map(|x| x * x).sum::<f64>().sqrt()
}

/// The `theta` minimising `|r0 + J theta|^2`, `J` given by columns: the
/// normal equations `(J^T J + lambda I) theta = -J^T r0` by Cholesky, with
/// a ridge `lambda` of 1e-12 of the largest diagonal entry, so that
/// columns the conditions do not see (or that repeat others) stay near 0
/// rather than blowing up.
fn solve_normal_equations(columns: &[Vec<f64>], r0: &[f64]) -> Vec<f64> {
    let m = columns.len();
    let dot = |a: &[f64], b: &[f64]| a.iter().zip(b).map(|(x, y)| x * y).sum::<f64>();
    let mut a = vec![vec![0.0; m]; m];
    for i in 0..m {
        for j in 0..=i {
            a[i][j] = dot(&columns[i], &columns[j]);
            a[j][i] = a[i][j];
        }
    }
    let ridge = 1e-12
        * (0..m)
            .map(|i| a[i][i])
            .fold(0.0, f64::max)
            .max(f64::MIN_POSITIVE);
    for (i, row) in a.iter_mut().enumerate() {
        row[i] += ridge;
    }
    let mut b: Vec<f64> = columns.iter().map(|c| -dot(c, r0)).collect();
    // Cholesky, A = L L^T, in place in the lower triangle.
    for j in 0..m {
        let d = a[j][j] - (0..j).map(|k| a[j][k] * a[j][k]).sum::<f64>();
        a[j][j] = d.max(ridge).sqrt();
        for i in j + 1..m {
            let s = a[i][j] - (0..j).map(|k| a[i][k] * a[j][k]).sum::<f64>();
            a[i][j] = s / a[j][j];
        }
    }
    for i in 0..m {
        b[i] = (b[i] - (0..i).map(|k| a[i][k] * b[k]).sum::<f64>()) / a[i][i];
    }
    for i in (0..m).rev() {
        b[i] = (b[i] - (i + 1..m).map(|k| a[k][i] * b[k]).sum::<f64>()) / a[i][i];
    }
    b
}

#[cfg(test)]
mod tests {
    use super::*;

    /// An overdetermined system with a known least-squares solution: the
    /// residual of the solution is orthogonal to every column.
    #[test]
    fn normal_equations_give_the_least_squares_solution() {
        let columns = vec![vec![1.0, 1.0, 1.0, 1.0], vec![0.0, 1.0, 2.0, 3.0]];
        let r0 = vec![-1.0, -2.9, -5.1, -7.0];
        let theta = solve_normal_equations(&columns, &r0);
        let r: Vec<f64> = (0..4)
            .map(|i| r0[i] + columns[0][i] * theta[0] + columns[1][i] * theta[1])
            .collect();
        for c in &columns {
            let along: f64 = c.iter().zip(&r).map(|(a, b)| a * b).sum();
            assert!(along.abs() < 1e-10, "{along}");
        }
        // The line through the points: intercept 0.97, slope 2.02.
        assert!((theta[0] - 0.97).abs() < 1e-10 && (theta[1] - 2.02).abs() < 1e-10);
    }
}
