//! The field files and plots of a run directory, from given field values:
//! errors against exact solutions and references, error maps, time slices
//! and the slices of fields of three coordinates.

mod common;

use common::run_dir;
use physc_compiler::check::DiskFiles;
use physc_compiler::model::Model;
use physc_compiler::program::sample::Point;
use physc_runtime::outputs::{Columns, write_fields};
use std::f64::consts::PI;
use std::path::Path;

fn model(text: &str, dir: &Path) -> Model {
    let frontend = physc_compiler::check_source(text, dir, &DiskFiles);
    assert!(!frontend.has_errors(), "{:?}", frontend.checked.diagnostics);
    frontend.loss.expect("trainable").model
}

/// The files written and the errors measured for a field whose values
/// are given.
fn written(
    model: &Model,
    out: &Path,
    field: impl Fn(&Point) -> f64,
    exact: Option<&dyn Fn(&Point) -> f64>,
) -> Vec<(String, f64)> {
    let _ = std::fs::create_dir_all(out);
    let mut rel_l2 = vec![];
    let mut failed = vec![];
    write_fields(
        model,
        out,
        &mut |_, points| vec![points.iter().map(&field).collect()],
        &|_, points| exact.map(|e| vec![points.iter().map(e).collect::<Vec<f64>>()] as Columns),
        &mut rel_l2,
        &mut failed,
    )
    .expect("writes");
    assert!(failed.is_empty(), "{failed:?}");
    rel_l2
}

fn non_empty(out: &Path, file: &str) -> bool {
    std::fs::metadata(out.join(file)).is_ok_and(|m| m.len() > 1000)
}

/// A field of space and time with an exact solution gets its error, the
/// error map and the time slices beside its own plot.
#[test]
fn a_field_against_its_exact_solution() {
    let out = run_dir("outputs-exact");
    let heat = model(
        &common::heat("net u = mlp(depth = 2, width = 8)"),
        Path::new("."),
    );
    let exact = |p: &Point| (-0.1 * PI * PI * p.coords[1]).exp() * (PI * p.coords[0]).sin();
    // 2% off everywhere: the relative error is 0.02.
    let rel_l2 = written(&heat, &out, |p| 1.02 * exact(p), Some(&exact));
    assert_eq!(rel_l2.len(), 1);
    assert!((rel_l2[0].1 - 0.02).abs() < 1e-12, "{rel_l2:?}");
    for file in ["u.png", "u_error.png", "u_slices.png"] {
        assert!(non_empty(&out, file), "{file}");
    }
    let _ = std::fs::remove_dir_all(&out);
}

/// Against a reference, only its rows inside the field's domain count (a
/// window of time holds some of them): values far off outside it leave
/// the error at zero. The slices are drawn at the reference's own times.
#[test]
fn a_reference_counts_its_rows_inside_the_domain() {
    let out = run_dir("outputs-reference");
    let _ = std::fs::create_dir_all(&out);
    let mut csv = String::from("x,t,u\n");
    for i in 0..=10 {
        for j in 0..=10 {
            let (x, t) = (i as f64 / 10.0, j as f64 / 10.0);
            csv.push_str(&format!("{x},{t},{}\n", x * (1.0 + t)));
        }
    }
    std::fs::write(out.join("reference.csv"), csv).expect("writes the reference");
    let text = "field u(x in [0,1], t in [0,0.5])
pde: u_t = u_xx
reference u = csv(\"reference.csv\")
net u = mlp(depth = 2, width = 8)";
    let windowed = model(text, &out);
    let field = |p: &Point| match p.coords[1] <= 0.5 {
        true => p.coords[0] * (1.0 + p.coords[1]),
        false => 100.0,
    };
    let rel_l2 = written(&windowed, &out, field, None);
    assert!(rel_l2[0].1 < 1e-12, "{rel_l2:?}");
    for file in ["u.png", "u_error.png", "u_slices.png"] {
        assert!(non_empty(&out, file), "{file}");
    }
    // Rows written with few digits at the domain's edge still count (here
    // the rows of t = 0.1 against an end of 0.1 - 1e-12).
    let edge = model(
        &text.replace("t in [0,0.5]", "t in [0.05,0.099999999999]"),
        &out,
    );
    let rel_l2 = written(&edge, &out, field, None);
    assert!(rel_l2[0].1 < 1e-12, "{rel_l2:?}");
    // A window of time between the reference's rows: nothing to compare.
    let between = model(&text.replace("t in [0,0.5]", "t in [0.01,0.05]"), &out);
    assert!(written(&between, &out, field, None).is_empty());
    let _ = std::fs::remove_dir_all(&out);
}

/// A reference along a centreline (Ghia et al.'s cavity profiles) gets
/// its error plotted along the line, the coordinate it holds fixed left
/// out.
#[test]
fn a_reference_along_a_line_is_plotted_along_it() {
    let out = run_dir("outputs-line");
    let _ = std::fs::create_dir_all(&out);
    let rows: String = (0..=16)
        .map(|i| format!("0.5,{},{}\n", i as f64 / 16.0, i as f64 / 8.0))
        .collect();
    std::fs::write(out.join("centre.csv"), format!("x,y,u\n{rows}")).expect("writes");
    let text = "field u(x in [0,1], y in [0,1])
pde: u_xx + u_yy = 0
reference u = csv(\"centre.csv\")
net u = mlp(depth = 2, width = 8)";
    let square = model(text, &out);
    let rel_l2 = written(&square, &out, |p| p.coords[1], None);
    // The field is half the reference everywhere.
    assert!((rel_l2[0].1 - 0.5).abs() < 1e-12, "{rel_l2:?}");
    assert!(non_empty(&out, "u_error.png"));
    let _ = std::fs::remove_dir_all(&out);
}

/// A field of three coordinates is plotted by its slices through the
/// middle of each axis; one of three space coordinates and time, so at its
/// last time.
#[test]
fn a_field_of_three_coordinates_is_plotted() {
    let out = run_dir("outputs-3d");
    let text = "field u(x in [0,1], y in [0,1], z in [0,1])
pde: u_xx + u_yy + u_zz = 0
net u = mlp(depth = 2, width = 8)";
    let solid = model(text, Path::new("."));
    written(
        &solid,
        &out,
        |p| p.coords[0] * p.coords[1] - p.coords[2],
        None,
    );
    assert!(non_empty(&out, "u.png"));
    // With time too: the slices at the last time.
    let _ = std::fs::remove_file(out.join("u.png"));
    let text = "field u(x in [0,1], y in [0,1], z in [0,1], t in [0,1])
pde: u_t = u_xx + u_yy + u_zz
net u = mlp(depth = 2, width = 8)";
    let evolving = model(text, Path::new("."));
    written(&evolving, &out, |p| p.coords[0] * p.coords[3], None);
    assert!(non_empty(&out, "u.png"));
    let _ = std::fs::remove_dir_all(&out);
}
