//! Anchor points: `anchors(LABEL = SET)` names a data set whose rows join a
//! constraint's points (DeepXDE's `anchors`), those in the domain only (in
//! its interior for a fractional equation); runtime/tests/anchors.rs checks
//! that every draw takes them.

use physc_compiler::check::DiskFiles;
use physc_compiler::program::BatchId;
use std::path::Path;

#[test]
fn anchors_are_the_rows_in_the_domain() {
    // 20 rows at x = -1, ..., 1; the domain keeps the 13 with x >= -0.3 (x =
    // 1 included), a fractional equation the 12 inside.
    let text = "data obs = csv(\"fractional_poisson_1d_inverse.csv\")
field u(x in [-0.3,1])
pde: u_xx = -1
bc:  u = 0 on x = -0.3 | x = 1
train { adam(steps = 10); points(pde = 7); anchors(pde = obs) }";
    let frontend = physc_compiler::check_source(text, Path::new("../examples/deepxde"), &DiskFiles);
    let loss = frontend.loss.as_ref().expect("trainable");
    let inside: Vec<f64> = (0..20)
        .map(|k| -1.0 + 2.0 * k as f64 / 19.0)
        .filter(|x| *x >= -0.3)
        .collect();
    assert_eq!(inside.len(), 13);
    let mut rng = loss.sampler();
    for _ in 0..2 {
        assert_eq!(loss.draw(BatchId(0), &mut rng).expect("draws").len(), 7);
        let anchors = loss.anchors(BatchId(0)).expect("anchors");
        assert_eq!(anchors.len(), inside.len());
        for (p, x) in anchors.iter().zip(&inside) {
            assert!(
                (p.coords[0] - x).abs() < 1e-15,
                "{} against {x}",
                p.coords[0]
            );
        }
    }
    // The boundary condition has none.
    assert!(loss.anchors(BatchId(1)).expect("none").is_empty());
}

#[test]
fn a_fractional_equation_takes_anchors_inside_the_domain_only() {
    let text = "data obs = csv(\"fractional_poisson_1d_inverse.csv\")
field u(x in [-0.3,1])
pde: rl_left(u, x, 1.5) = 1
bc:  hard u = 0 on x = -0.3 | x = 1
train { adam(steps = 10); points(pde = 7); anchors(pde = obs) }";
    let frontend = physc_compiler::check_source(text, Path::new("../examples/deepxde"), &DiskFiles);
    let loss = frontend.loss.as_ref().expect("trainable");
    let anchors = loss.anchors(BatchId(0)).expect("anchors");
    assert_eq!(anchors.len(), 12, "x = 1 is on the boundary");
    assert!(
        anchors
            .iter()
            .all(|p| p.coords[0] > -0.3 && p.coords[0] < 1.0)
    );
}

/// `sample(boundary(REGION), N)`: DeepXDE's boundary points, which join an
/// equation's residual points; in 1-D, two of them are the interval's ends.
#[test]
fn anchors_on_a_boundary_are_its_points() {
    let text = "region line = [-1,1]
field u(x in line)
pde:   u_xx = 2
left:  u = 0 on x = -1
right: u_x = 4 on x = 1
train { adam(steps = 10); points(pde = 16); anchors(pde = sample(boundary(line), 2)) }";
    let frontend = physc_compiler::check_source(text, Path::new("."), &DiskFiles);
    assert!(frontend.checked.diagnostics.is_empty());
    let loss = frontend.loss.as_ref().expect("trainable");
    let mut ends: Vec<f64> = loss
        .anchors(BatchId(0))
        .expect("anchors")
        .iter()
        .map(|p| p.coords[0])
        .collect();
    ends.sort_by(f64::total_cmp);
    assert_eq!(ends, [-1.0, 1.0]);
    let printed = physc_compiler::program::print::program(loss);
    assert!(
        printed.contains("2 anchors drawn in boundary(line)"),
        "{printed}"
    );
}
