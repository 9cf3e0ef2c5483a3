//! `points(fb = pde)`: a constraint evaluated at another's points, at the
//! first draw and every resampling, with its own anchors joining them.

mod common;

use common::networks;
use physc_compiler::check::DiskFiles;
use std::path::Path;

#[test]
fn a_follower_takes_its_leaders_points_at_every_draw() {
    let text = "field u(x in [0,4], t in [0,1])
region strike = [0.5, 1.5] x [0, 1]
pde: u_t = u_xx
fit: u >= 0
bc:  u = 0 on x = 0 | x = 4
net u = mlp(depth = 1, width = 4)
train { adam(steps = 10); points(pde = 50, fit = pde, bc = 20); anchors(fit = sample(strike, 7)) }";
    let frontend = physc_compiler::check_source(text, Path::new("."), &DiskFiles);
    let diagnostics = &frontend.checked.diagnostics;
    assert!(diagnostics.is_empty(), "{diagnostics:?}");
    let loss = frontend.loss.as_ref().expect("trainable");
    let (mut program, _) = networks(loss);
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
