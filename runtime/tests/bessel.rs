//! Bessel functions where training evaluates them, on burn's tensors:
//! DeepXDE's scattering series, written in the language
//! (`examples/deepxde/helmholtz_sound_hard_abc_2d.phy`: 62 Hankel terms
//! with complex powers), against scipy's values at the reference CSV's rows
//! (`reference/deepxde/helmholtz_sound_hard_abc_2d.py`).

mod common;

use physc_compiler::check::DiskFiles;
use physc_compiler::model::FuncId;
use physc_compiler::program::sample::Point;
use std::path::Path;

#[test]
fn the_scattering_series_meets_scipy() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../examples/deepxde");
    let text =
        std::fs::read_to_string(dir.join("helmholtz_sound_hard_abc_2d.phy")).expect("example");
    let frontend = physc_compiler::check_source(&text, &dir, &DiskFiles);
    let mut loss = frontend.loss.expect("the example trains");
    for batch in &mut loss.batches {
        batch.points.count = 8;
    }
    let (program, t) = common::networks(&loss);

    let csv = std::fs::read_to_string(dir.join("helmholtz_sound_hard_abc_2d_reference.csv"))
        .expect("the reference");
    let rows: Vec<Vec<f64>> = csv
        .lines()
        .filter(|l| !l.starts_with('#'))
        .skip(1)
        .map(|l| l.split(',').map(|v| v.parse().expect("a number")).collect())
        .collect();
    assert!(rows.len() > 4000, "{} rows", rows.len());
    let points: Vec<Point> = rows
        .iter()
        .map(|r| Point {
            coords: vec![r[0], r[1]],
            row: None,
            normal: vec![],
        })
        .collect();

    let series = program
        .exact(&t, FuncId(0), &points)
        .expect("the reference series");
    let largest = rows.iter().map(|r| r[2].hypot(r[3])).fold(0.0, f64::max);
    for (k, row) in rows.iter().enumerate() {
        let (re, im) = (series[0][k], series[1][k]);
        // scipy's values are written to 10 significant digits.
        let miss = (re - row[2]).hypot(im - row[3]);
        assert!(
            miss <= 1e-9 * largest,
            "at ({}, {}): {re} + {im}i, scipy {} + {}i",
            row[0],
            row[1],
            row[2],
            row[3]
        );
    }
}
