//! Bessel functions where training evaluates them, on burn's tensors:
//! the free-space scattering series DeepXDE compares its sound-hard
//! example with, written in the language as its script sums it (62 Hankel
//! terms with complex powers), against scipy's values at the rows of
//! `data/scattering_series.csv` (`reference/deepxde/helmholtz_sound_hard_abc_2d.py`).

mod common;

use physc_compiler::check::DiskFiles;
use physc_compiler::model::FuncId;
use physc_compiler::program::sample::Point;
use std::path::Path;

/// The scattered field of the plane wave exp(i k0 x) by a sound-hard disk
/// of radius R, as DeepXDE's `sound_hard_circle_deepxde` sums it (n from
/// -31 to 30), with exp(i n theta) as ((x + i y)/r)^n.
const SERIES: &str = "
const k0 = 2
const R = pi/4
region geom = [-pi, pi] x [-pi, pi] - disk((0,0), R)
field u((x, y) in geom): complex
pde: -lap(u) - k0^2*u = 0
const n_terms = 31   # DeepXDE: int(30 + (k0*R)^1.01)
# J_n'(k0 R) and H_n'(k0 R), each by its recurrence, as DeepXDE writes them
def dj(n) = besselj(n - 1, k0*R) - n/(k0*R)*besselj(n, k0*R)
def dh(n) = n/(k0*R)*hankel1(n, k0*R) - hankel1(n + 1, k0*R)
def r(x, y) = sqrt(x^2 + y^2)
reference u = sum(n in range(-n_terms, n_terms), -i^n*dj(n)/dh(n)*hankel1(n, k0*r(x, y))*((x + i*y)/r(x, y))^n)
net u = mlp(depth = 1, width = 4)
train { adam(steps = 1) }
";

#[test]
fn the_scattering_series_meets_scipy() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data");
    let frontend = physc_compiler::check_source(SERIES, &dir, &DiskFiles);
    let mut loss = frontend.loss.expect("the model trains");
    for batch in &mut loss.batches {
        batch.points.count = 8;
    }
    let (program, t) = common::networks(&loss);

    let csv = std::fs::read_to_string(dir.join("scattering_series.csv")).expect("scipy's values");
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
