//! The field files and plots of a run directory.
//!
//! Input: a model, how to evaluate its trained fields (and exact solutions)
//! at points, and the run directory. Output, per field with a domain:
//! `FIELD.csv` (the field, and its exact solution, on a grid of its
//! domain), `FIELD.png` (a curve, a heatmap, or for three coordinates
//! heatmaps of the slices through the middle of each axis, for three and
//! `t` those at the last time; one per family member shown), and where the model states an `exact` solution or a
//! `reference`: the relative L2 error, `FIELD_error.png` (the pointwise
//! error `|u - reference|` over the grid, or over the reference's own
//! points) and, for a field of one space coordinate and `t`,
//! `FIELD_slices.png` (the field against the reference at a quarter, half
//! and three quarters of the time range, as Raissi et al.'s figures show
//! Burgers). A complex field is shown by its modulus, its error as the
//! modulus of the difference.

use crate::fields::{family_members, grid, is_param, reference_values, relative_l2};
use crate::plot;
use crate::report::write_field;
use physc_compiler::model::{CoordId, FuncId, Model};
use physc_compiler::program::sample::Point;
use std::path::Path;

/// About this many grid points per field in `FIELD.csv`.
const GRID_POINTS: usize = 20_000;

/// Points along space in each time slice of `FIELD_slices.png`.
const SLICE_POINTS: usize = 201;

/// Values at points, one column per real part.
pub type Columns = Vec<Vec<f64>>;

/// The most members of a family whose errors are reported one by one
/// (a reference at a few parameter values, not a scattered cloud).
const MEMBERS_COMPARED: usize = 8;

/// Writes each field's files and plots, and adds the relative L2 error of
/// each field with an exact solution or a reference to `rel_l2`; plots
/// that fail are added to `plots_failed`.
pub fn write_fields(
    model: &Model,
    out: &Path,
    predict: &mut dyn FnMut(FuncId, &[Point]) -> Columns,
    exact: &dyn Fn(FuncId, &[Point]) -> Option<Columns>,
    rel_l2: &mut Vec<(String, f64)>,
    plots_failed: &mut Vec<String>,
) -> std::io::Result<()> {
    for (k, f) in model.functions.iter().enumerate() {
        let id = FuncId(k as u32);
        if f.domain.is_none() {
            continue;
        }
        let points = grid(model, id, GRID_POINTS);
        let predicted = predict(id, &points);
        let exact_on_grid = exact(id, &points);
        // The reference the field is compared with: the exact solution on
        // the grid, or the reference's rows inside the domain.
        let compared = match &exact_on_grid {
            Some(values) => Some((points.clone(), predicted.clone(), values.clone())),
            None => reference_values(model, id).map(|(at, reference)| {
                let rows: Vec<usize> = (0..at.len())
                    .filter(|&i| inside(model, id, &at[i]))
                    .collect();
                let at: Vec<Point> = rows.iter().map(|&i| at[i].clone()).collect();
                let reference = reference
                    .iter()
                    .map(|part| rows.iter().map(|&i| part[i]).collect())
                    .collect();
                let predicted = predict(id, &at);
                (at, predicted, reference)
            }),
        };
        write_field(
            model,
            id,
            &out.join(format!("{}.csv", f.name)),
            &points,
            &predicted,
            exact_on_grid.as_deref(),
        )?;
        let mut plotted = |file: String, result: Result<(), String>| {
            if let Err(e) = result {
                plots_failed.push(format!("{file}: {e}"));
            }
        };
        let title = match f.complex {
            true => format!("|{}|", f.name),
            false => f.name.clone(),
        };
        // One plot per member of a family shown on the grid.
        let values = shown(&predicted);
        for (member, rows) in family_members(model, id, &points) {
            let (file, title) = match member.is_empty() {
                true => (format!("{}.png", f.name), title.clone()),
                false => (
                    format!("{}_{}.png", f.name, member.join("_")),
                    format!("{title} at {}", member.join(", ")),
                ),
            };
            let result = field_plot(model, id, &out.join(&file), &title, &points, &rows, &values);
            plotted(file, result);
        }
        // No reference rows inside the domain (a window of time without
        // any): nothing to compare.
        let Some((at, predicted, reference)) = compared.filter(|c| !c.0.is_empty()) else {
            continue;
        };
        rel_l2.push((f.name.clone(), relative_l2(&predicted, &reference)));
        // A family compared at a few members: the error of each too.
        let members = family_members(model, id, &at);
        if (2..=MEMBERS_COMPARED).contains(&members.len()) {
            for (member, rows) in members {
                let pick = |columns: &Columns| -> Columns {
                    columns
                        .iter()
                        .map(|c| rows.iter().map(|&i| c[i]).collect())
                        .collect()
                };
                let error = relative_l2(&pick(&predicted), &pick(&reference));
                rel_l2.push((format!("{} at {}", f.name, member.join(", ")), error));
            }
        }
        if model.params.is_empty() {
            let against = match exact_on_grid.is_some() {
                true => "exact",
                false => "reference",
            };
            let error: Vec<f64> = shown(&difference(&predicted, &reference))
                .iter()
                .map(|e| e.abs())
                .collect();
            let file = format!("{}_error.png", f.name);
            let title = format!("|{} - {against}|", f.name);
            let rows: Vec<usize> = (0..at.len()).collect();
            let result = field_plot(model, id, &out.join(&file), &title, &at, &rows, &error);
            plotted(file, result);
            let compared = (against, &at[..], &reference);
            if let Some(result) = time_slices(model, id, out, predict, exact, compared) {
                plotted(format!("{}_slices.png", f.name), result);
            }
        }
    }
    Ok(())
}

/// A field's values at some of its points, plotted over its coordinates
/// other than parameters; a field of three space coordinates and `t` at
/// the last time among the points (the plot leaves out a coordinate that
/// does not vary).
fn field_plot(
    model: &Model,
    f: FuncId,
    path: &Path,
    title: &str,
    points: &[Point],
    rows: &[usize],
    values: &[f64],
) -> Result<(), String> {
    let written: Vec<CoordId> = model
        .function(f)
        .coords
        .iter()
        .copied()
        .filter(|c| !is_param(model, *c))
        .collect();
    let time = written.iter().find(|c| model.coord(**c).name == "t");
    let (rows, title) = match (written.len(), time) {
        (4, Some(t)) => {
            let at = |i: usize| points[i].coords[t.index()];
            let last = rows
                .iter()
                .map(|&i| at(i))
                .fold(f64::NEG_INFINITY, f64::max);
            let rows = rows.iter().copied().filter(|&i| at(i) == last).collect();
            (rows, format!("{title} at t = {last}"))
        }
        _ => (rows.to_vec(), title.to_string()),
    };
    let (axes, coords): (Vec<String>, Vec<Vec<f64>>) = written
        .iter()
        .map(|c| {
            let values = rows.iter().map(|&i| points[i].coords[c.index()]).collect();
            (model.coord(*c).name.clone(), values)
        })
        .unzip();
    let values: Vec<f64> = rows.iter().map(|&i| values[i]).collect();
    plot::field(path, &title, &axes, &coords, &values)
}

/// `FIELD_slices.png` for a field of one space coordinate and `t`: the
/// field and the reference at three times. With an exact solution both
/// are evaluated along space at those times; with a reference, at the
/// reference's own rows of its times nearest them. `None` for other
/// fields.
fn time_slices(
    model: &Model,
    f: FuncId,
    out: &Path,
    predict: &mut dyn FnMut(FuncId, &[Point]) -> Columns,
    exact: &dyn Fn(FuncId, &[Point]) -> Option<Columns>,
    (against, at, reference): (&str, &[Point], &Columns),
) -> Option<Result<(), String>> {
    let coords = &model.function(f).coords;
    let t = *coords.iter().find(|c| model.coord(**c).name == "t")?;
    let [x] = coords
        .iter()
        .filter(|c| **c != t)
        .copied()
        .collect::<Vec<_>>()[..]
    else {
        return None;
    };
    let domain = model.function(f).domain.as_ref()?;
    let (t0, t1) = domain.range(t)?;
    let (x0, x1) = domain.range(x)?;
    let template = at.first()?;
    let mut series = vec![];
    for fraction in [0.25, 0.5, 0.75] {
        let wanted = t0 + (t1 - t0) * fraction;
        // Exact solutions along a line of space; references at the rows of
        // their nearest time.
        let mut points: Vec<Point> = (0..SLICE_POINTS)
            .map(|i| {
                let mut p = template.clone();
                p.coords[x.index()] = x0 + (x1 - x0) * i as f64 / (SLICE_POINTS - 1) as f64;
                p.coords[t.index()] = wanted;
                p.row = None;
                p
            })
            .collect();
        let truth = match exact(f, &points) {
            Some(values) => shown(&values),
            None => {
                let time = at
                    .iter()
                    .map(|p| p.coords[t.index()])
                    .min_by(|a, b| (a - wanted).abs().total_cmp(&(b - wanted).abs()))?;
                let mut rows: Vec<usize> = (0..at.len())
                    .filter(|&i| at[i].coords[t.index()] == time)
                    .collect();
                rows.sort_by(|&i, &j| at[i].coords[x.index()].total_cmp(&at[j].coords[x.index()]));
                points = rows.iter().map(|&i| at[i].clone()).collect();
                let columns: Columns = reference
                    .iter()
                    .map(|part| rows.iter().map(|&i| part[i]).collect())
                    .collect();
                shown(&columns)
            }
        };
        let predicted = shown(&predict(f, &points));
        let line = |v: &[f64]| -> Vec<(f64, f64)> {
            points
                .iter()
                .map(|p| p.coords[x.index()])
                .zip(v.iter().copied())
                .collect()
        };
        let time = points[0].coords[t.index()];
        series.push((format!("t = {time:.3}"), line(&predicted), line(&truth)));
    }
    let name = &model.function(f).name;
    let shown = match model.function(f).complex {
        true => format!("|{name}|"),
        false => name.clone(),
    };
    let path = out.join(format!("{name}_slices.png"));
    let title = format!("{shown} (solid) and {against} (dashed)");
    let axes = (model.coord(x).name.as_str(), shown.as_str());
    Some(plot::compared(&path, &title, axes, &series))
}

/// `a - b`, part by part.
fn difference(a: &Columns, b: &Columns) -> Columns {
    a.iter()
        .zip(b)
        .map(|(p, q)| p.iter().zip(q).map(|(x, y)| x - y).collect())
        .collect()
}

/// A real field's values, or a complex one's modulus: what its plots show.
fn shown(parts: &Columns) -> Vec<f64> {
    match parts.as_slice() {
        [re, im] => re.iter().zip(im).map(|(a, b)| a.hypot(*b)).collect(),
        [values] => values.clone(),
        _ => vec![],
    }
}

/// Whether a point lies within the range of each coordinate of a field's
/// domain (a set's bounding box for its coordinates), to the slack of
/// values written with few digits: reference rows outside it (another
/// window of time) are left out.
fn inside(model: &Model, f: FuncId, p: &Point) -> bool {
    let function = model.function(f);
    let Some(domain) = &function.domain else {
        return true;
    };
    function.coords.iter().all(|&c| {
        let x = p.coords[c.index()];
        x.is_nan() || domain.admits(c, x)
    })
}
