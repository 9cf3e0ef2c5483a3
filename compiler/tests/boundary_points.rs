//! Points drawn on a region's boundary: each side gets its share, and the
//! coordinate drawn beside them (time) spreads over its range on every
//! side, whichever sampler draws it. Hammersley's first coordinate is
//! evenly spaced in draw order, so boundary points drawn in order round the
//! boundary would pair its first side with the earliest times.

use physc_compiler::check::DiskFiles;
use physc_compiler::program::BatchId;
use std::path::Path;

#[test]
fn every_side_of_a_plate_sees_every_time() {
    for sampler in ["lhs", "sobol", "hammersley"] {
        for seed in 0..5 {
            let text = format!(
                "region plate = [0,1] x [0,1]
field u(t in [0,1], (x, y) in plate)
pde: u_t = u_xx + u_yy
bc:  u = 0 on boundary(plate)
train {{ adam(steps = 10); points(pde = 10, bc = 200); sampler = {sampler}; seed = {seed} }}"
            );
            let frontend = physc_compiler::check_source(&text, Path::new("."), &DiskFiles);
            assert!(frontend.checked.diagnostics.is_empty(), "{text}");
            let loss = frontend.loss.as_ref().expect("trainable");
            let mut rng = loss.sampler();
            let points = loss.draw(BatchId(1), &mut rng).expect("draws");
            assert_eq!(points.len(), 200);
            // Coordinates in declaration order: t, x, y.
            for (axis, side) in [(1, 0.0), (1, 1.0), (2, 0.0), (2, 1.0)] {
                let times: Vec<f64> = points
                    .iter()
                    .filter(|p| p.coords[axis] == side)
                    .map(|p| p.coords[0])
                    .collect();
                assert_eq!(
                    times.len(),
                    50,
                    "{sampler}, seed {seed}: side {axis} = {side}"
                );
                let early = times.iter().filter(|t| **t < 0.5).count();
                assert!(
                    (15..=35).contains(&early),
                    "{sampler}, seed {seed}: {early} of side {axis} = {side}'s 50 times before 0.5"
                );
            }
        }
    }
}

/// `boundary(line)` of an interval a field binds its coordinate to, in a
/// statement over time: the two ends, at every time.
#[test]
fn the_ends_of_a_named_interval_over_time() {
    let text = "region line = [0,4]
field u(x in line, t in [0,1])
pde: u_t = u_xx
bc:  u = 0 on boundary(line)
ic:  u = 1 on t = 0
train { adam(steps = 10); points(pde = 10, bc = 100, ic = 10); sampler = hammersley }";
    let frontend = physc_compiler::check_source(text, Path::new("."), &DiskFiles);
    assert!(
        frontend.checked.diagnostics.is_empty(),
        "{:?}",
        frontend.checked.diagnostics
    );
    let loss = frontend.loss.as_ref().expect("trainable");
    let mut rng = loss.sampler();
    let points = loss.draw(BatchId(1), &mut rng).expect("draws");
    assert_eq!(points.len(), 100);
    for end in [0.0, 4.0] {
        let times: Vec<f64> = points
            .iter()
            .filter(|p| p.coords[0] == end)
            .map(|p| p.coords[1])
            .collect();
        assert_eq!(times.len(), 50, "x = {end}");
        let early = times.iter().filter(|t| **t < 0.5).count();
        assert!(
            (15..=35).contains(&early),
            "{early} of x = {end}'s 50 times before 0.5"
        );
        assert!(times.iter().all(|t| (0.0..=1.0).contains(t)));
    }
}
