//! The outward normal derivative `d(u, n)` on every kind of boundary,
//! through the exact-solution check: each model's closed-form solution
//! satisfies its normal conditions only with the normal pointing out of the
//! domain (into a hole on its rim), so the right model checks clean and the
//! one with the sign of the flux turned is flagged on that condition alone.

use physc_compiler::check::DiskFiles;
use physc_compiler::diagnostics::Code;
use std::path::Path;

/// The labels of the equations the exact-solution check flags; panics on
/// any other diagnostic.
fn flagged(text: &str) -> Vec<String> {
    let frontend = physc_compiler::check_source(text, Path::new("."), &DiskFiles);
    let mut labels = vec![];
    for d in &frontend.checked.diagnostics {
        assert_eq!(d.code, Code::ExactMismatch, "in\n{text}\n{d:#?}");
        let line = &text[d.labels[0].span.start..];
        labels.push(line[..line.find(':').expect("a label")].to_string());
    }
    labels
}

/// `model` with `FLUX` written as `right` checks clean, as `wrong` is
/// flagged on `flux` only.
fn check(model: &str, right: &str, wrong: &str) {
    let right = model.replace("FLUX", right);
    assert_eq!(flagged(&right), Vec::<String>::new(), "{right}");
    let wrong = model.replace("FLUX", wrong);
    assert_eq!(flagged(&wrong), ["flux"], "{wrong}");
}

/// Both circles of a ring as one boundary: outward on the outer circle,
/// towards the centre on the inner one (`u = r^2`, so `du/dn = ±2r`).
#[test]
fn the_boundary_of_a_ring() {
    check(
        "region ring = disk((0,0), 1) - disk((0,0), 0.5)
field u((x, y) in ring)
pde: lap(u) = 4
flux: d(u, n) = FLUX on boundary(ring)
exact u = x^2 + y^2",
        "8*sqrt(x^2 + y^2)*(sqrt(x^2 + y^2) - 0.75)",
        "2*sqrt(x^2 + y^2)",
    );
}

/// The rim of a hole written as the boundary of the disk cut out: the
/// normal points out of the domain, into the hole. A known function's
/// normal derivative may be written `d(g, n)` too.
#[test]
fn the_rim_of_a_hole() {
    let model = "region plate = [-1,1] x [-1,1] - disk((0.2,0), 0.3)
field u((x, y) in plate)
pde: lap(u) = 0
flux: d(u, n) = FLUX on boundary(disk((0.2,0), 0.3))
exact u = exp(x)*cos(y)";
    check(
        model,
        "-((x - 0.2)*exp(x)*cos(y) - y*exp(x)*sin(y))/0.3",
        "((x - 0.2)*exp(x)*cos(y) - y*exp(x)*sin(y))/0.3",
    );
    check(model, "d(exp(x)*cos(y), n)", "-d(exp(x)*cos(y), n)");
}

/// A polygon, its vertices listed either way round: every edge of the
/// square `|x| + |y| = 1` is at distance `1/sqrt(2)` from the centre.
#[test]
fn the_edges_of_a_polygon() {
    for vertices in [
        "(1,0), (0,1), (-1,0), (0,-1)",
        "(0,-1), (-1,0), (0,1), (1,0)",
    ] {
        check(
            &format!(
                "field u((x, y) in polygon({vertices}))
pde: lap(u) = 4
flux: d(u, n) = FLUX on boundary(polygon({vertices}))
exact u = x^2 + y^2"
            ),
            "sqrt(2)",
            "-sqrt(2)",
        );
    }
}

/// The faces of a cube.
#[test]
fn the_faces_of_a_cube() {
    check(
        "field u(x in [-1,1], y in [-1,1], z in [-1,1])
pde: d(u, x, 2) + d(u, y, 2) + d(u, z, 2) = 6
flux: d(u, n) = FLUX on boundary([-1,1] x [-1,1] x [-1,1])
exact u = x^2 + y^2 + z^2",
        "2",
        "-2",
    );
}

/// Slices at the ends of a range, alone and as a union, in a
/// time-dependent problem (no normal component along `t`).
#[test]
fn the_ends_of_an_interval() {
    let model = "field u(x in [0,1], t in [0,1])
pde: u_t = u_xx
flux: d(u, n) = FLUX
exact u = exp(x + t)";
    check(&model.replace("FLUX", "FLUX on x = 0"), "-exp(t)", "exp(t)");
    check(
        &model.replace("FLUX", "FLUX on x = 1"),
        "exp(1 + t)",
        "-exp(1 + t)",
    );
    check(
        &model.replace("FLUX", "FLUX on x = 0 | x = 1"),
        "(2*x - 1)*exp(x + t)",
        "exp(x + t)",
    );
}

/// The terms along coordinates a boundary does not bind are dropped
/// before the derivatives are planned: no network is asked for `u_t`.
#[test]
fn no_derivative_across_time() {
    let text = "region plate = [-1,1] x [-1,1]
field u((x, y) in plate, t in [0,1])
pde: u_t = lap(u)
bc: d(u, n) = 0 on boundary(plate)";
    let frontend = physc_compiler::check_source(text, Path::new("."), &DiskFiles);
    assert!(frontend.checked.diagnostics.is_empty());
    let printed = physc_compiler::model::print::model(&frontend.checked.model);
    assert!(printed.contains("n_x*u_x + n_y*u_y = 0"), "{printed}");
    assert!(
        !printed.contains("n_t") && !printed.contains("u_t*"),
        "{printed}"
    );
}
