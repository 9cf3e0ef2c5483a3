//! PNG plots of a run, drawn with plotters.
//!
//! `loss.png`: the total loss and each labelled term against the step, on
//! a log scale; `learned.png`: the learned scalars against the step. `field`: a field of one coordinate as a curve, of two as a
//! heatmap over its grid, of three as heatmaps of its middle slices; fields
//! of more coordinates are not plotted. `curves` draws a simulated
//! trajectory's states, phase portrait and energies; `compared`, fields
//! against their references. Text uses DejaVu Sans, compiled in (its
//! licence is `assets/DejaVuSans-LICENSE`), so plots need no fonts on the
//! machine.

use crate::train::History;
use plotters::prelude::*;
use plotters::style::{FontStyle, register_font};
use std::path::Path;
use std::sync::Once;

const SIZE: (u32, u32) = (900, 640);

fn fonts() {
    static REGISTER: Once = Once::new();
    REGISTER.call_once(|| {
        let font = include_bytes!("../assets/DejaVuSans.ttf");
        // The font is valid; a failure would only lose the text.
        let _ = register_font("sans-serif", FontStyle::Normal, font);
    });
}

fn failed(e: impl std::fmt::Display) -> String {
    format!("cannot draw a plot: {e}")
}

/// The losses of every logged step.
/// Nothing is drawn when no logged total is finite and positive (a run
/// that diverged from its first step): a log scale has nothing to show.
pub fn losses(path: &Path, history: &History) -> Result<(), String> {
    if !history
        .rows
        .iter()
        .any(|(_, total, _)| *total > 0.0 && total.is_finite())
    {
        return Ok(());
    }
    atomically(path, |tmp| draw_losses(tmp, history))
}

fn draw_losses(path: &Path, history: &History) -> Result<(), String> {
    fonts();
    let rows: Vec<&(u64, f64, Vec<f64>)> = history
        .rows
        .iter()
        .filter(|(_, total, _)| *total > 0.0 && total.is_finite())
        .collect();
    let (Some(first), Some(last)) = (rows.first(), rows.last()) else {
        return Ok(());
    };
    let positive = rows
        .iter()
        .flat_map(|(_, total, terms)| std::iter::once(*total).chain(terms.iter().copied()))
        .filter(|v| *v > 0.0 && v.is_finite());
    let (lo, hi) = positive.fold((f64::INFINITY, 0.0f64), |(lo, hi), v| {
        (lo.min(v), hi.max(v))
    });
    let root = BitMapBackend::new(path, SIZE).into_drawing_area();
    root.fill(&WHITE).map_err(failed)?;
    let mut chart = ChartBuilder::on(&root)
        .caption("loss", ("sans-serif", 24))
        .margin(16)
        .x_label_area_size(40)
        .y_label_area_size(70)
        .build_cartesian_2d(
            first.0..last.0.max(first.0 + 1),
            (lo * 0.8..hi * 1.25).log_scale(),
        )
        .map_err(failed)?;
    chart
        .configure_mesh()
        .x_desc("step")
        .y_label_formatter(&|v| format!("{v:.0e}"))
        .draw()
        .map_err(failed)?;
    let mut series: Vec<(String, Vec<(u64, f64)>)> = vec![(
        "total".into(),
        rows.iter().map(|(s, t, _)| (*s, *t)).collect(),
    )];
    for (k, label) in history.labels.iter().enumerate() {
        let points = rows
            .iter()
            .filter_map(|(s, _, terms)| terms.get(k).map(|v| (*s, *v)))
            .filter(|(_, v)| *v > 0.0)
            .collect();
        series.push((label.clone(), points));
    }
    for (k, (label, points)) in series.into_iter().enumerate() {
        let colour = Palette99::pick(k).to_rgba();
        chart
            .draw_series(LineSeries::new(points, colour.stroke_width(2)))
            .map_err(failed)?
            .label(label)
            .legend(move |(x, y)| PathElement::new([(x, y), (x + 20, y)], colour));
    }
    chart
        .configure_series_labels()
        .background_style(WHITE.mix(0.8))
        .border_style(BLACK)
        .draw()
        .map_err(failed)?;
    root.present().map_err(failed)
}

/// Curves through points in the order given (a trajectory, a phase
/// portrait), one per named series, on linear axes; an unnamed series gets
/// no legend.
pub fn curves(
    path: &Path,
    title: &str,
    axes: (&str, &str),
    series: &[(String, Vec<(f64, f64)>)],
) -> Result<(), String> {
    let lines: Vec<Line> = series
        .iter()
        .enumerate()
        .map(|(k, (label, points))| Line {
            label,
            points,
            colour: k,
            dashed: false,
        })
        .collect();
    draw_lines(path, title, axes, &lines)
}

/// The learned scalars against the step (`learned.png`); nothing when
/// the model learns none.
pub fn scalars(path: &Path, history: &History) -> Result<(), String> {
    let series: Vec<(String, Curve)> = history
        .scalars
        .iter()
        .enumerate()
        .map(|(k, name)| {
            let rows = history.rows.iter().enumerate();
            let points = rows.filter_map(|(row, r)| Some((r.0 as f64, history.scalar(row, k)?)));
            (name.clone(), points.collect())
        })
        .collect();
    match series.is_empty() {
        true => Ok(()),
        false => curves(path, "learned scalars", ("step", "value"), &series),
    }
}

/// Points of a curve, in order.
pub type Curve = Vec<(f64, f64)>;

/// Pairs of curves, each a prediction (solid, named) and its reference
/// (dashed, in the same colour).
pub fn compared(
    path: &Path,
    title: &str,
    axes: (&str, &str),
    pairs: &[(String, Curve, Curve)],
) -> Result<(), String> {
    let lines: Vec<Line> = pairs
        .iter()
        .enumerate()
        .flat_map(|(k, (label, predicted, reference))| {
            [(label.as_str(), predicted, false), ("", reference, true)].map(
                |(label, points, dashed)| Line {
                    label,
                    points,
                    colour: k,
                    dashed,
                },
            )
        })
        .collect();
    draw_lines(path, title, axes, &lines)
}

/// A curve of a plot.
struct Line<'a> {
    label: &'a str,
    points: &'a [(f64, f64)],
    colour: usize,
    dashed: bool,
}

fn draw_lines(path: &Path, title: &str, axes: (&str, &str), lines: &[Line]) -> Result<(), String> {
    let finite = |p: &&(f64, f64)| p.0.is_finite() && p.1.is_finite();
    if !lines.iter().flat_map(|l| l.points).any(|p| finite(&p)) {
        return Ok(());
    }
    atomically(path, |tmp| draw_curves(tmp, title, axes, lines))
}

fn draw_curves(path: &Path, title: &str, axes: (&str, &str), lines: &[Line]) -> Result<(), String> {
    fonts();
    let all = || {
        lines
            .iter()
            .flat_map(|l| l.points.iter())
            .filter(|p| p.0.is_finite() && p.1.is_finite())
    };
    let span = |v: &mut dyn Iterator<Item = f64>| {
        let (lo, hi) = v.fold((f64::INFINITY, f64::NEG_INFINITY), |(lo, hi), x| {
            (lo.min(x), hi.max(x))
        });
        let pad = if hi > lo {
            (hi - lo) * 0.05
        } else {
            lo.abs().max(1.0) * 1e-3
        };
        (lo - pad, hi + pad)
    };
    let (xlo, xhi) = span(&mut all().map(|p| p.0));
    let (ylo, yhi) = span(&mut all().map(|p| p.1));
    let root = BitMapBackend::new(path, SIZE).into_drawing_area();
    root.fill(&WHITE).map_err(failed)?;
    let mut chart = ChartBuilder::on(&root)
        .caption(title, ("sans-serif", 24))
        .margin(16)
        .x_label_area_size(40)
        .y_label_area_size(80)
        .build_cartesian_2d(xlo..xhi, ylo..yhi)
        .map_err(failed)?;
    // Enough decimals to tell apart ticks a twentieth of the range apart
    // (an energy or a conserved quantity kept to its fifth digit).
    let digits = (-((yhi - ylo) / 20.0).log10()).ceil().clamp(0.0, 12.0) as usize;
    chart
        .configure_mesh()
        .x_desc(axes.0)
        .y_desc(axes.1)
        .y_label_formatter(&|v| format!("{v:.digits$}"))
        .draw()
        .map_err(failed)?;
    let mut named = false;
    for line in lines {
        let colour = Palette99::pick(line.colour).to_rgba();
        let points = line
            .points
            .iter()
            .copied()
            .filter(|p| p.0.is_finite() && p.1.is_finite());
        let drawn = match line.dashed {
            true => chart.draw_series(DashedLineSeries::new(points, 8, 5, colour.stroke_width(2))),
            false => chart.draw_series(LineSeries::new(points, colour.stroke_width(2))),
        }
        .map_err(failed)?;
        if !line.label.is_empty() {
            named = true;
            drawn
                .label(line.label)
                .legend(move |(x, y)| PathElement::new([(x, y), (x + 20, y)], colour));
        }
    }
    if named {
        chart
            .configure_series_labels()
            .background_style(WHITE.mix(0.8))
            .border_style(BLACK)
            .draw()
            .map_err(failed)?;
    }
    root.present().map_err(failed)
}

/// A field's values at the points of its grid: `coords` holds one vector
/// per coordinate, `values` one value per point. One coordinate draws a
/// curve, two a heatmap, three the heatmaps of the slices through the
/// middle of each axis side by side (one colour scale); more, nothing.
pub fn field(
    path: &Path,
    name: &str,
    axes: &[String],
    coords: &[Vec<f64>],
    values: &[f64],
) -> Result<(), String> {
    // Coordinates that do not vary over the points (a reference along a
    // centreline) are left out: the plot has one dimension fewer.
    let (axes, coords): (Vec<String>, Vec<Vec<f64>>) = axes
        .iter()
        .cloned()
        .zip(coords.iter().cloned())
        .filter(|(_, c)| c.iter().any(|v| *v != c[0]))
        .unzip();
    if values.is_empty() || values.iter().any(|v| !v.is_finite()) || coords.len() > 3 {
        return Ok(());
    }
    match coords.as_slice() {
        [x] => {
            let mut line: Vec<(f64, f64)> = x.iter().copied().zip(values.iter().copied()).collect();
            line.sort_by(|a, b| a.0.total_cmp(&b.0));
            curves(path, name, (&axes[0], name), &[(String::new(), line)])
        }
        [x, y] => {
            let panel = Panel {
                caption: name.to_string(),
                axes: (&axes[0], &axes[1]),
                x: x.clone(),
                y: y.clone(),
                values: values.to_vec(),
            };
            atomically(path, |tmp| heatmaps(tmp, &[panel], SIZE))
        }
        [_, _, _] => {
            let panels: Vec<Panel> = (0..3)
                .map(|k| middle_slice(name, &axes, &coords, values, k))
                .collect();
            atomically(path, |tmp| heatmaps(tmp, &panels, (3 * 560 + 130, 560)))
        }
        _ => Ok(()),
    }
}

/// Draws into a temporary file renamed over `path`, as the run's other files
/// are written ([`crate::report::replace`]).
/// A panic inside plotters (a range it cannot lay out) is a failed plot,
/// not a failed run.
fn atomically(path: &Path, draw: impl FnOnce(&Path) -> Result<(), String>) -> Result<(), String> {
    crate::report::replace(path, |tmp| {
        let drawn = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| draw(tmp)))
            .unwrap_or_else(|_| Err("the plotting library gave up".to_string()));
        drawn.map_err(std::io::Error::other)
    })
    .map_err(failed)
}

/// One heatmap among several in a figure.
struct Panel<'a> {
    caption: String,
    axes: (&'a str, &'a str),
    x: Vec<f64>,
    y: Vec<f64>,
    values: Vec<f64>,
}

/// The slice of a field of three coordinates through the middle grid value
/// of coordinate `k`, over the other two.
fn middle_slice<'a>(
    name: &str,
    axes: &'a [String],
    coords: &[Vec<f64>],
    values: &[f64],
    k: usize,
) -> Panel<'a> {
    let mut levels = coords[k].clone();
    levels.sort_by(f64::total_cmp);
    levels.dedup();
    let middle = levels[levels.len() / 2];
    let rows: Vec<usize> = (0..values.len())
        .filter(|&i| coords[k][i] == middle)
        .collect();
    let [a, b] = [0, 1, 2]
        .into_iter()
        .filter(|&j| j != k)
        .collect::<Vec<_>>()[..]
    else {
        unreachable!("two other axes of three")
    };
    let pick = |v: &[f64]| rows.iter().map(|&i| v[i]).collect();
    Panel {
        caption: format!("{name} at {} = {middle:.3}", axes[k]),
        axes: (&axes[a], &axes[b]),
        x: pick(&coords[a]),
        y: pick(&coords[b]),
        values: pick(values),
    }
}

/// The range of values, widened when it is a single value.
fn range(v: &[f64]) -> (f64, f64) {
    let lo = v.iter().copied().fold(f64::INFINITY, f64::min);
    let hi = v.iter().copied().fold(f64::NEG_INFINITY, f64::max);
    if hi > lo {
        (lo, hi)
    } else {
        (lo - 0.5, lo + 0.5)
    }
}

/// Heatmaps over their grids side by side, on one colour scale with one
/// colour bar.
fn heatmaps(path: &Path, panels: &[Panel], size: (u32, u32)) -> Result<(), String> {
    fonts();
    let root = BitMapBackend::new(path, size).into_drawing_area();
    root.fill(&WHITE).map_err(failed)?;
    let all: Vec<f64> = panels
        .iter()
        .flat_map(|p| p.values.iter().copied())
        .collect();
    let (vlo, vhi) = range(&all);
    let (maps, legend) = root.split_horizontally(size.0 - 130);
    for (area, panel) in maps.split_evenly((1, panels.len())).iter().zip(panels) {
        let (xlo, xhi) = range(&panel.x);
        let (ylo, yhi) = range(&panel.y);
        let mut chart = ChartBuilder::on(area)
            .caption(&panel.caption, ("sans-serif", 24))
            .margin(16)
            .x_label_area_size(40)
            .y_label_area_size(60)
            .build_cartesian_2d(xlo..xhi, ylo..yhi)
            .map_err(failed)?;
        chart
            .configure_mesh()
            .x_desc(panel.axes.0)
            .y_desc(panel.axes.1)
            .disable_mesh()
            .draw()
            .map_err(failed)?;
        // Cells of the grid: each point's neighbourhood.
        let (dx, dy) = (spacing(&panel.x), spacing(&panel.y));
        let colour = |v: f64| viridis((v - vlo) / (vhi - vlo));
        let cells = panel.x.iter().zip(&panel.y).zip(&panel.values);
        chart
            .draw_series(cells.map(|((&a, &b), &v)| {
                Rectangle::new(
                    [(a - dx / 2.0, b - dy / 2.0), (a + dx / 2.0, b + dy / 2.0)],
                    colour(v).filled(),
                )
            }))
            .map_err(failed)?;
    }
    colour_bar(&legend, vlo, vhi)?;
    root.present().map_err(failed)
}

/// The smallest gap between distinct values of a grid coordinate.
fn spacing(v: &[f64]) -> f64 {
    let mut sorted: Vec<f64> = v.to_vec();
    sorted.sort_by(f64::total_cmp);
    sorted.dedup();
    sorted
        .windows(2)
        .map(|w| w[1] - w[0])
        .fold(f64::INFINITY, f64::min)
        .clamp(1e-12, 1e300)
}

fn colour_bar(
    area: &DrawingArea<BitMapBackend, plotters::coord::Shift>,
    lo: f64,
    hi: f64,
) -> Result<(), String> {
    let mut bar = ChartBuilder::on(area)
        .margin_top(60)
        .margin_bottom(56)
        .margin_right(10)
        .y_label_area_size(60)
        .build_cartesian_2d(0.0..1.0, lo..hi)
        .map_err(failed)?;
    bar.configure_mesh()
        .disable_x_axis()
        .disable_mesh()
        .y_label_style(("sans-serif", 14))
        .y_label_formatter(&|v| bar_label(*v, lo, hi))
        .draw()
        .map_err(failed)?;
    let steps = 100;
    bar.draw_series((0..steps).map(|k| {
        let a = lo + (hi - lo) * k as f64 / steps as f64;
        let b = lo + (hi - lo) * (k + 1) as f64 / steps as f64;
        Rectangle::new(
            [(0.0, a), (1.0, b)],
            viridis(k as f64 / steps as f64).filled(),
        )
    }))
    .map_err(failed)?;
    Ok(())
}

/// A colour bar's tick label, with the digits that tell apart ticks a
/// twentieth of the range apart; in scientific notation below 1e-4 or from
/// 1e5 on (an error map's 1e-6).
fn bar_label(v: f64, lo: f64, hi: f64) -> String {
    let largest = lo.abs().max(hi.abs());
    let span = (hi - lo).abs().max(largest * 1e-12).max(f64::MIN_POSITIVE);
    if largest > 0.0 && !(1e-4..1e5).contains(&largest) {
        let digits = ((largest / span * 20.0).log10().ceil()).clamp(1.0, 12.0) as usize;
        return format!("{v:.digits$e}");
    }
    let digits = (-(span / 20.0).log10()).ceil().clamp(0.0, 12.0) as usize;
    format!("{v:.digits$}")
}

/// The viridis colour map at `t` in [0, 1], from five of its colours.
fn viridis(t: f64) -> RGBColor {
    const ANCHORS: [(f64, f64, f64); 5] = [
        (68.0, 1.0, 84.0),
        (59.0, 82.0, 139.0),
        (33.0, 145.0, 140.0),
        (94.0, 201.0, 98.0),
        (253.0, 231.0, 37.0),
    ];
    let t = if t.is_finite() {
        t.clamp(0.0, 1.0)
    } else {
        0.0
    } * 4.0;
    let k = (t.floor() as usize).min(3);
    let f = t - k as f64;
    let (a, b) = (ANCHORS[k], ANCHORS[k + 1]);
    let mix = |p: f64, q: f64| (p + (q - p) * f).round() as u8;
    RGBColor(mix(a.0, b.0), mix(a.1, b.1), mix(a.2, b.2))
}

#[cfg(test)]
mod tests {
    use super::bar_label;

    #[test]
    fn colour_bar_labels_tell_ticks_apart() {
        // An error map up to 0.0165: ticks 0.002 apart.
        assert_eq!(bar_label(0.004, 0.0, 0.0165), "0.0040");
        assert_eq!(bar_label(0.0165, 0.0, 0.0165), "0.0165");
        // A field of order one.
        assert_eq!(bar_label(-0.5, -1.0, 1.0), "-0.5");
        // An error map up to 3e-6.
        assert_eq!(bar_label(2e-6, 0.0, 3e-6), "2.00e-6");
        // Large values keep their significant digits.
        assert_eq!(bar_label(250000.0, 0.0, 300000.0), "2.50e5");
        // A field that varies in its seventh digit.
        assert_eq!(bar_label(1.0000005, 1.0, 1.000001), "1.00000050");
    }
}
