//! The JIT back end against the other evaluators of the loss program: on
//! every example that trains, at random weights and in float64, its loss
//! terms equal the reference interpreter's and its gradient equals burn's
//! reverse pass, to 1e-10 relative; its gradient matches central
//! differences of its own loss; float32 agrees to float32's precision.

mod common;

use common::{burn_gradient, close, networks, per_parameter, points, programs};
use physc_compiler::program::interp;
use physc_runtime::jit::{Jit, Real};
use physc_runtime::program::{Program, Trainable};

/// The examples the JIT back end compiles: all but those that compose
/// networks or integrate `ode` equations (which train on burn, saying
/// why).
fn jit_programs() -> Vec<(String, physc_compiler::program::LossProgram)> {
    programs()
        .0
        .into_iter()
        .filter(|(name, _)| refused_examples().iter().all(|(r, _)| r != name))
        .collect()
}

fn refused_examples() -> [(&'static str, &'static str); 2] {
    [
        ("burgers_hidden.phy", "arguments that read networks"),
        ("damped_pendulum_ode.phy", "integrates `ode` equations"),
    ]
}

#[test]
fn the_jit_refuses_composed_networks_and_ode_fits_and_nothing_else() {
    for (name, loss) in programs().0 {
        let weights = networks(&loss).1.weights();
        let result = Jit::<f64>::new(&loss, &weights);
        if let Some((_, reason)) = refused_examples().iter().find(|(r, _)| *r == name) {
            let why = result.err().unwrap_or_else(|| panic!("{name} compiles"));
            assert!(why.contains(reason), "{name}: {why}");
        } else {
            assert!(result.is_ok(), "{name}: {:?}", result.err());
        }
    }
}

/// The JIT program of `loss` at `t`'s weights and `program`'s points.
fn compiled<T: Real>(program: &Program, t: &Trainable) -> (Jit<T>, Vec<T>) {
    let weights = t.weights();
    let mut jit = Jit::<T>::new(&program.loss, &weights).expect("compiles");
    for (b, batch) in program.batches.iter().enumerate() {
        jit.set_points(&program.loss, b, &batch.points);
    }
    let params = jit.layout.flatten(&weights);
    (jit, params)
}

#[test]
fn jit_losses_equal_the_interpreter() {
    for (name, loss) in jit_programs() {
        let (program, t) = networks(&loss);
        let (jit, params) = compiled::<f64>(&program, &t);
        let expected = interp::losses(&loss, &t.weights(), &points(&program));
        for (b, got) in jit.losses(&params).into_iter().enumerate() {
            let label = &loss.batches[b].label;
            assert!(
                close(got, expected[b], 1e-10),
                "{name} `{label}`: jit {got:e}, interpreter {:e}",
                expected[b]
            );
        }
        // The reverse pass reports the same terms.
        let evaluation = jit.evaluate(&params, &[]);
        for (b, got) in evaluation.terms.iter().enumerate() {
            assert!(close(*got, expected[b], 1e-10), "{name} batch {b}: {got:e}");
        }
    }
}

#[test]
fn jit_gradient_equals_burn() {
    for (name, loss) in jit_programs() {
        let (program, t) = networks(&loss);
        let (jit, params) = compiled::<f64>(&program, &t);
        let flat: Vec<f64> = jit.evaluate(&params, &[]).gradient;
        let grads = jit.layout.gradients(&flat, &t);
        let got = per_parameter(&t, |p| grads.get(p.id), |p| grads.get(p.id));
        let want = burn_gradient(&program, &t, &[]);
        assert_eq!(got.len(), want.len(), "{name}: parameter count");
        let scale = want.iter().fold(0.0f64, |m, v| m.max(v.abs()));
        for (k, (g, w)) in got.iter().zip(&want).enumerate() {
            assert!(
                (g - w).abs() <= 1e-10 * scale,
                "{name} parameter {k}: jit {g:e}, burn {w:e} (largest {scale:e})"
            );
        }
    }
}

#[test]
fn jit_gradient_matches_its_own_differences_and_balancing_factors() {
    let (all, _) = programs();
    for (name, loss) in all
        .iter()
        .filter(|(n, _)| n == "burgers.phy" || n == "burgers_inverse.phy")
    {
        let (program, t) = networks(loss);
        let (jit, params) = compiled::<f64>(&program, &t);
        let factors: Vec<f64> = (0..loss.batches.len()).map(|b| 0.5 + b as f64).collect();
        let total =
            |p: &[f64]| -> f64 { jit.losses(p).iter().zip(&factors).map(|(l, f)| l * f).sum() };
        let gradient = jit.evaluate(&params, &factors).gradient;
        let scale = gradient.iter().fold(0.0f64, |m, v| m.max(v.abs()));
        let n = params.len();
        for k in [0, 1, n / 3, n / 2, n - 2, n - 1] {
            let h = 1e-6;
            let (mut up, mut down) = (params.clone(), params.clone());
            up[k] += h;
            down[k] -= h;
            let want = (total(&up) - total(&down)) / (2.0 * h);
            assert!(
                (gradient[k] - want).abs() <= 1e-6 * want.abs().max(1e-3 * scale),
                "{name} parameter {k}: jit {:e}, differences {want:e}",
                gradient[k]
            );
        }
    }
}

#[test]
fn float32_agrees_with_float64() {
    let (all, _) = programs();
    let (name, loss) = all
        .iter()
        .find(|(n, _)| n == "burgers.phy")
        .expect("burgers");
    let (program, t) = networks(loss);
    let (jit64, p64) = compiled::<f64>(&program, &t);
    let (jit32, p32) = compiled::<f32>(&program, &t);
    let (a, b) = (jit64.evaluate(&p64, &[]), jit32.evaluate(&p32, &[]));
    for (x, y) in a.terms.iter().zip(&b.terms) {
        assert!(close(*x, *y, 1e-4), "{name}: float64 {x:e}, float32 {y:e}");
    }
    let scale = a.gradient.iter().fold(0.0f64, |m, v| m.max(v.abs()));
    for (x, y) in a.gradient.iter().zip(&b.gradient) {
        assert!(
            (x - y).abs() <= 1e-4 * scale,
            "{name}: float64 {x:e}, float32 {y:e}"
        );
    }
}

/// Residuals at other points (the pools resampling by residual scores)
/// equal the interpreter's.
#[test]
fn jit_residuals_at_other_points_equal_the_interpreter() {
    for (name, loss) in jit_programs() {
        let (program, t) = networks(&loss);
        let (jit, params) = compiled::<f64>(&program, &t);
        let weights = t.weights();
        let mut rng = physc_compiler::program::geometry::Rng::new(5);
        for b in 0..loss.batches.len() {
            let id = physc_compiler::program::BatchId(b as u32);
            let pts = loss.draw_n(id, 30, &mut rng).expect("draws");
            let got = jit.residuals_at(&loss, b, &params, &pts);
            let want = interp::residuals(&loss, &weights, id, &pts);
            for (g, w) in got.iter().flatten().zip(want.iter().flatten()) {
                assert!(
                    close(*g, *w, 1e-10) || (g - w).abs() < 1e-13,
                    "{name} batch {b}: {g:e} vs {w:e}"
                );
            }
        }
    }
}

/// Field values (through the output transforms of hard constraints), as
/// the grids after a run and `physc eval` read them, equal the
/// interpreter's.
#[test]
fn jit_predictions_equal_the_interpreter() {
    for (name, loss) in jit_programs() {
        let (program, t) = networks(&loss);
        let (jit, params) = compiled::<f64>(&program, &t);
        let weights = t.weights();
        for field in &loss.fields {
            let pts = &program.batches[0].points;
            let got = jit
                .predict(&loss, field.function, &params, pts)
                .expect("a field with a network");
            let want = interp::field(&loss, &weights, field.function, pts);
            for (g, w) in got.iter().flatten().zip(want.iter().flatten()) {
                assert!(
                    close(*g, *w, 1e-10) || (g - w).abs() < 1e-13,
                    "{name}: {g:e} vs {w:e}"
                );
            }
        }
    }
}

/// The NTK trace of each batch (`balance = ntk`) is its weight times the
/// mean over points of `|∂r/∂θ|²`: against central differences of the
/// interpreter's residuals in every parameter, on a PirateNet (whose
/// block factors are parameters too) and a learned scalar.
#[test]
fn ntk_traces_equal_differences_of_the_interpreter() {
    let text = common::heat(
        "net u = pirate_net(depth = 1, width = 4, act = tanh, fourier = 2)
train { points = 12; weights(ic = 3) }",
    )
    .replace("k*u_xx", "k*u_xx + c*u")
    .replace("const k = 0.1", "const k = 0.1\nlearn c = 0.2");
    let frontend = physc_compiler::check_source(
        &text,
        std::path::Path::new("."),
        &physc_compiler::check::DiskFiles,
    );
    let loss = frontend.loss.expect("a loss program");
    let (program, t) = networks(&loss);
    let (jit, params) = compiled::<f64>(&program, &t);
    let got = jit.ntk_traces(&params);
    let weights = t.weights();
    let pts = points(&program);
    // Every parameter of the interpreter's weights, in turn.
    type Handle = Box<dyn Fn(&mut interp::Weights) -> &mut f64>;
    let mut handles: Vec<Handle> = vec![];
    for (n, net) in weights.nets.iter().enumerate() {
        for (l, layer) in net.layers.iter().chain(&net.gates).enumerate() {
            let dense = net.layers.len();
            for k in 0..layer.weight.len() + layer.bias.len() {
                handles.push(Box::new(move |w: &mut interp::Weights| {
                    let net = &mut w.nets[n];
                    let layer = match l < dense {
                        true => &mut net.layers[l],
                        false => &mut net.gates[l - dense],
                    };
                    let split = layer.weight.len();
                    match k < split {
                        true => &mut layer.weight[k],
                        false => &mut layer.bias[k - split],
                    }
                }));
            }
        }
        for k in 0..net.residual.len() {
            handles.push(Box::new(move |w: &mut interp::Weights| {
                &mut w.nets[n].residual[k]
            }));
        }
    }
    handles.push(Box::new(|w: &mut interp::Weights| &mut w.scalars[0]));
    for (b, batch) in loss.batches.iter().enumerate() {
        let id = physc_compiler::program::BatchId(b as u32);
        let residuals = |w: &interp::Weights| -> Vec<f64> {
            interp::residuals(&loss, w, id, &pts[b])
                .into_iter()
                .flatten()
                .collect()
        };
        let mut squares = vec![0.0; residuals(&weights).len()];
        for handle in &handles {
            let h = 1e-6;
            let (mut plus, mut minus) = (weights.clone(), weights.clone());
            *handle(&mut plus) += h;
            *handle(&mut minus) -= h;
            for ((s, p), m) in squares
                .iter_mut()
                .zip(residuals(&plus))
                .zip(residuals(&minus))
            {
                *s += ((p - m) / (2.0 * h)).powi(2);
            }
        }
        let want = batch.weight * squares.iter().sum::<f64>() / pts[b].len() as f64;
        assert!(
            close(got[b], want, 1e-6),
            "batch {b}: jit {:e}, differences {want:e}",
            got[b]
        );
    }
}
