//! `points(fb = pde)`: a constraint evaluated at another's points, at the
//! first draw and every resampling, with its own anchors joining them.

mod common;

use common::{burn_gradient, close, networks, per_parameter, points};
use physc_compiler::check::DiskFiles;
use physc_compiler::program::{LossProgram, interp};
use physc_runtime::jit::Jit;
use physc_runtime::program::Program;
use std::path::Path;

fn loss_program(text: &str) -> LossProgram {
    let frontend = physc_compiler::check_source(text, Path::new("."), &DiskFiles);
    let diagnostics = &frontend.checked.diagnostics;
    assert!(diagnostics.is_empty(), "{diagnostics:?}");
    frontend.loss.expect("trainable")
}

#[test]
fn a_follower_takes_its_leaders_points_at_every_draw() {
    let text = "field u(x in [0,4], t in [0,1])
region strike = [0.5, 1.5] x [0, 1]
pde: u_t = u_xx
fit: u >= 0
bc:  u = 0 on x = 0 | x = 4
net u = mlp(depth = 1, width = 4)
train { adam(steps = 10); points(pde = 50, fit = pde, bc = 20); anchors(fit = sample(strike, 7)) }";
    let loss = loss_program(text);
    let (mut program, _) = networks(&loss);
    let coords = |program: &physc_runtime::program::Program, b: usize| {
        let points = &program.batches[b].points;
        points.iter().map(|p| p.coords.clone()).collect::<Vec<_>>()
    };
    for draw in 0..3 {
        let (pde, fit) = (coords(&program, 0), coords(&program, 1));
        assert_eq!(pde.len(), 50);
        assert_eq!(fit.len(), 57, "the leader's 50 and its own 7 anchors");
        assert_eq!(fit[..50], pde[..], "draw {draw}");
        assert!(fit[50..].iter().all(|p| (0.5..=1.5).contains(&p[0])));
        let before = pde;
        program.resample().expect("resamples");
        assert_ne!(coords(&program, 0), before, "new points");
    }
    // A set chosen by residual (or restored on resume) for the leader.
    let chosen = program.batches[0].points[..5].to_vec();
    program.set_points(0, &chosen);
    program.share_points();
    assert_eq!(coords(&program, 1)[..5], coords(&program, 0)[..]);
}

/// The JIT evaluates batches at one set of points together (the networks
/// once for all): their terms equal the interpreter's and the gradient
/// of their balanced sum equals burn's, with causal weights too; where a
/// member's anchors make its points differ, each runs on its own.
#[test]
fn batches_at_one_set_of_points_evaluate_together_as_they_would_apart() {
    let model = |causal: &str, fit_anchors: usize| {
        format!(
            "field u(x in [0,4], t in [0,1])
region strike = [0.5, 1.5] x [0, 1]
pde: u_t = u_xx
fit: u >= 0.2
fb:  u*u_x + u_t = 0
bc:  u = 0 on x = 0 | x = 4
net u = mlp(depth = 2, width = 6)
train {{ adam(steps = 10); points(pde = 60, fit = pde, fb = pde, bc = 20){causal}
  anchors(pde = sample(strike, 7), fit = sample(strike, {fit_anchors}), fb = sample(strike, 7))
  weights(fit = 3, fb = 2) }}"
        )
    };
    for (causal, fit_anchors, grouped) in [("", 7, 3), ("; causal = 1", 7, 3), ("", 9, 0)] {
        let loss = loss_program(&model(causal, fit_anchors));
        let (program, _) = networks(&loss);
        let case = format!("causal {causal:?}, {fit_anchors} anchors for fit");
        evaluates_as_apart(&loss, &program, grouped, &case);
    }
}

/// Constraints on the rows of one data set run together too, but not
/// while their mini-batches take different rows.
#[test]
fn constraints_on_one_data_set_evaluate_together() {
    let dir = std::env::temp_dir().join(format!("physc-grouped-rows-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("a directory");
    let rows: Vec<String> = (0..40)
        .map(|i| {
            let (x, t) = (i as f64 / 40.0, (i * 7 % 40) as f64 / 40.0);
            format!("{x},{t},{},{}", (x + t).sin(), x * t)
        })
        .collect();
    let data = dir.join("obs.csv");
    std::fs::write(&data, format!("x,t,u,v\n{}\n", rows.join("\n"))).expect("written");
    let text = format!(
        "data obs = csv({data:?})
learn c = 0.5
field u, v (x in [0,1], t in [0,1])
pde: u_t = c*v_x
fu: u = obs.u on obs
fv: v = obs.v on obs
gu: u_x = obs.v on obs
net u, v = mlp(depth = 2, width = 6)
train {{ adam(steps = 10); points(pde = 30, fu = 16, fv = 16, gu = 16); weights(fv = 2) }}"
    );
    let loss = loss_program(&text);
    let (mut program, _) = networks(&loss);
    evaluates_as_apart(&loss, &program, 3, "every row");
    program.minibatch(0);
    evaluates_as_apart(&loss, &program, 0, "mini-batches");
    let _ = std::fs::remove_dir_all(&dir);
}

/// The JIT at `program`'s points runs `grouped` batches together, and its
/// terms and gradient (with balancing factors) are those of the
/// interpreter and burn.
fn evaluates_as_apart(loss: &LossProgram, program: &Program, grouped: usize, case: &str) {
    let t = networks(loss).1;
    let weights = t.weights();
    let mut jit = Jit::<f64>::new(loss, &weights).expect("compiles");
    for (b, batch) in program.batches.iter().enumerate() {
        jit.set_points(loss, b, &batch.points);
    }
    assert_eq!(jit.grouped(), grouped, "{case}");
    let params = jit.layout.flatten(&weights);
    let factors = [0.5, 1.5, 2.5, 1.0];
    let expected = interp::losses(loss, &weights, &points(program));
    let evaluation = jit.evaluate(&params, &factors);
    for (pass, losses) in [jit.losses(&params), evaluation.terms].iter().enumerate() {
        for (b, got) in losses.iter().enumerate() {
            let want = expected[b];
            assert!(
                close(*got, want, 1e-10),
                "{case}: pass {pass}, batch {b}: {got:e} vs {want:e}"
            );
        }
    }
    let grads = jit.layout.gradients(&evaluation.gradient, &t);
    let got = per_parameter(&t, |p| grads.get(p.id), |p| grads.get(p.id));
    let want = burn_gradient(program, &t, &factors);
    let scale = want.iter().fold(0.0f64, |m, v| m.max(v.abs()));
    for (k, (g, w)) in got.iter().zip(&want).enumerate() {
        assert!(
            (g - w).abs() <= 1e-10 * scale,
            "{case}: parameter {k}: jit {g:e}, burn {w:e}"
        );
    }
}
