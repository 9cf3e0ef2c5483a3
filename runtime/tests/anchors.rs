//! Anchor points join every set of points a batch is evaluated at: the
//! first draw, each resampling, the points chosen by residual and those
//! restored on resume (all through `Program::set_points` or a draw).

mod common;

use common::networks;
use physc_compiler::check::DiskFiles;
use std::path::Path;

#[test]
fn anchors_join_every_draw_and_every_chosen_set() {
    // 20 rows at x = -1, ..., 1; the domain keeps the 13 with x >= -0.3.
    let text = "data obs = csv(\"fractional_poisson_1d_inverse.csv\")
field u(x in [-0.3,1])
pde: u_xx = -1
bc:  u = 0 on x = -0.3 | x = 1
net u = mlp(depth = 1, width = 4)
train { adam(steps = 10); points(pde = 7); anchors(pde = obs) }";
    let frontend = physc_compiler::check_source(text, Path::new("../examples/deepxde"), &DiskFiles);
    let loss = frontend.loss.as_ref().expect("trainable");
    let (mut program, _) = networks(loss);
    let anchored = |program: &physc_runtime::program::Program, drawn: usize| {
        let points = &program.batches[0].points;
        assert_eq!(points.len(), drawn + 13);
        let xs: Vec<f64> = points[drawn..].iter().map(|p| p.coords[0]).collect();
        assert!(xs.iter().all(|x| (-0.3..=1.0).contains(x)), "{xs:?}");
        assert!((xs[12] - 1.0).abs() < 1e-15, "the last row, x = 1");
    };
    anchored(&program, 7);
    program.resample().expect("resamples");
    anchored(&program, 7);
    // A set chosen by residual (or restored on resume) keeps them.
    let chosen = program.batches[0].points[..3].to_vec();
    program.set_points(0, &chosen);
    anchored(&program, 3);
    // The boundary condition has none.
    let count = loss.batch(physc_compiler::program::BatchId(1)).points.count;
    assert_eq!(program.batches[1].points.len(), count);
}

/// `anchors(LABEL = sample(REGION, N))`: `N` points drawn once in the
/// region, the same for every constraint that names them, kept through
/// resampling, and moved by the seed.
#[test]
fn anchors_sampled_in_a_region_are_shared_and_kept() {
    let model = |seed: u64| {
        format!(
            "field u(x in [0,4], t in [0,1])
region strike = [0.5, 1.5] x [0, 1]
pde: u_t = u_xx
fit: u >= 0
bc:  u = 0 on x = 0 | x = 4
net u = mlp(depth = 1, width = 4)
train {{ adam(steps = 10); points = 50; seed = {seed}; anchors(pde = sample(strike, 40), fit = sample(strike, 40)) }}"
        )
    };
    let anchors_of = |seed: u64| {
        let frontend = physc_compiler::check_source(&model(seed), Path::new("."), &DiskFiles);
        let diagnostics = &frontend.checked.diagnostics;
        assert!(diagnostics.is_empty(), "{diagnostics:?}");
        let loss = frontend.loss.as_ref().expect("trainable");
        let (mut program, _) = networks(loss);
        let tail = |program: &physc_runtime::program::Program, b: usize| {
            let points = &program.batches[b].points;
            assert_eq!(points.len(), 90);
            points[50..]
                .iter()
                .map(|p| p.coords.clone())
                .collect::<Vec<_>>()
        };
        let (pde, fit) = (tail(&program, 0), tail(&program, 1));
        assert_eq!(pde, fit, "one draw for both");
        assert!(
            pde.iter()
                .all(|p| (0.5..=1.5).contains(&p[0]) && (0.0..=1.0).contains(&p[1])),
            "{pde:?}"
        );
        program.resample().expect("resamples");
        assert_eq!(tail(&program, 0), pde, "kept through resampling");
        assert_eq!(program.batches[2].points.len(), 50, "the boundary has none");
        pde
    };
    assert_ne!(anchors_of(0), anchors_of(1), "the seed moves them");
}
