//! Bessel functions of the first and second kind, `J_n(x)` and `Y_n(x)`, of
//! whole order `n` and real argument `x`, to about 1e-13 relative to the
//! larger of the value and its envelope `sqrt(2 / (pi x))`.
//!
//! `J_0 ..= J_M` come from Miller's backward recurrence, started far enough
//! above both `n` and `x` that the start's error has died out, and normalised
//! by `J_0 + 2 (J_2 + J_4 + ...) = 1`. `Y_0` and `Y_1` are the Neumann series
//! in the same `J`s; higher orders follow by forward recurrence, which is
//! stable for `Y`. `J_{-n} = (-1)^n J_n` and likewise `Y`; `J_n(-x) =
//! (-1)^n J_n(x)`; `Y_n` is NaN for `x < 0` (its value is complex there) and
//! `-inf` at 0.

use std::f64::consts::PI;

const EULER_GAMMA: f64 = 0.577_215_664_901_532_9;

/// `J_n(x)`.
pub fn bessel_j(n: i32, x: f64) -> f64 {
    let sign = |odd: bool| if odd { -1.0 } else { 1.0 };
    let order = n.unsigned_abs() as usize;
    // J_{-n} = (-1)^n J_n and J_n(-x) = (-1)^n J_n(x).
    let flip = sign(n < 0 && order % 2 == 1) * sign(x < 0.0 && order % 2 == 1);
    let x = x.abs();
    if x.is_nan() {
        return f64::NAN;
    }
    if x == 0.0 {
        return if order == 0 { 1.0 } else { 0.0 };
    }
    if x.is_infinite() {
        return 0.0;
    }
    flip * first_kind(order, x)[order]
}

/// `Y_n(x)`.
pub fn bessel_y(n: i32, x: f64) -> f64 {
    let order = n.unsigned_abs() as usize;
    if x.is_nan() || x < 0.0 {
        return f64::NAN;
    }
    if x == 0.0 {
        return f64::NEG_INFINITY;
    }
    if x.is_infinite() {
        return 0.0;
    }
    let flip = if n < 0 && order % 2 == 1 { -1.0 } else { 1.0 };
    let j = first_kind(1, x);
    let log = (x / 2.0).ln() + EULER_GAMMA;
    // Y_0 = 2/pi (ln(x/2) + gamma) J_0 - 4/pi sum_k (-1)^k J_2k / k, and
    // Y_1 = -Y_0', with J_m' = (J_{m-1} - J_{m+1}) / 2.
    let (mut series0, mut series1) = (0.0, 0.0);
    for k in 1..j.len() / 2 {
        let sign = if k % 2 == 1 { -1.0 } else { 1.0 };
        series0 += sign * j[2 * k] / k as f64;
        let next = j.get(2 * k + 1).copied().unwrap_or(0.0);
        series1 += sign * (j[2 * k - 1] - next) / (2 * k) as f64;
    }
    let y0 = 2.0 / PI * log * j[0] - 4.0 / PI * series0;
    let y1 = 2.0 / PI * (log * j[1] - j[0] / x) + 4.0 / PI * series1;
    if order == 0 {
        return y0;
    }
    let (mut below, mut at) = (y0, y1);
    for k in 1..order {
        let above = 2.0 * k as f64 / x * at - below;
        (below, at) = (at, above);
    }
    flip * at
}

/// `J_0(x) ..= J_M(x)` for `x > 0` and some `M > order`.
fn first_kind(order: usize, x: f64) -> Vec<f64> {
    // J_{x + k}(x) falls off as exp(-(2/3) k^(3/2) sqrt(2/x)): a start
    // 20 x^(1/3) above the larger of n and x leaves less than 1e-16 of it.
    let top = (order as f64).max(x) + 30.0 + 20.0 * x.cbrt();
    let start = 2 * (top / 2.0).ceil() as usize;
    let mut j = vec![0.0; start + 2];
    j[start] = 1e-30;
    for k in (1..=start).rev() {
        j[k - 1] = 2.0 * k as f64 / x * j[k] - j[k + 1];
        if j[k - 1].abs() > 1e250 {
            // Rescale what is known so far; what underflows is below any
            // value the caller reads by more than the float range.
            for v in &mut j[k - 1..] {
                *v *= 1e-250;
            }
        }
    }
    let norm: f64 = j[0] + 2.0 * j[2..].iter().step_by(2).sum::<f64>();
    j.truncate(start + 1);
    j.iter_mut().for_each(|v| *v /= norm);
    j
}

#[cfg(test)]
mod tests {
    use super::{bessel_j, bessel_y};

    /// (n, x, J_n(x), Y_n(x)) from scipy.special.jv and yv.
    const SCIPY: &[(i32, f64, f64, f64)] = &[
        (0, 0.01, 0.9999750001562495, -3.0054556370836463),
        (0, 1.0, 0.7651976865579666, 0.088256964215677),
        (0, 2.404825557695773, 0.0, 0.5099243834484791),
        (0, 8.9, -0.06525324685124437, 0.2591557617217107),
        (0, 150.0, -0.0007740903753942912, -0.06514222150903738),
        (1, 0.01, 0.0049999375002604185, -63.67859628206066),
        (
            1,
            2.404825557695773,
            0.5191474972894667,
            0.10274668243825968,
        ),
        (1, 57.5, 0.01805724866618377, -0.10366696384862353),
        (1, 150.0, -0.06514516365772735, 0.0005569563495608329),
        (2, 0.5, 0.030604023458682638, -5.441370837174266),
        (2, 20.0, -0.16034135192299823, -0.079191758245636),
        (-3, 0.01, -2.083320312532557e-08, 5093021.841713738),
        (-3, 5.0, -0.364831230613667, -0.14626716269319276),
        (5, 1.0, 0.00024975773021123466, -260.40586662581234),
        (5, 8.9, -0.03125486731792509, 0.2910000555300411),
        (10, 0.5, 2.613177360822802e-13, -121963623349.56963),
        (10, 57.5, -0.054095793921468315, -0.09119266877461729),
        (31, 0.01, 5.663019099534588e-106, -1.8131779531305893e+103),
        (31, 8.9, 8.180912984545878e-15, -1310359412377.5881),
        (31, 57.5, -0.07243014435284886, -0.0888630059792267),
        (31, 150.0, -0.0657377548012203, -0.0040365535076747885),
    ];

    fn close(got: f64, want: f64, x: f64) -> bool {
        // Relative to the value, or to the envelope sqrt(2/(pi x)) near a zero.
        let envelope = (2.0 / (std::f64::consts::PI * x)).sqrt().min(1.0);
        (got - want).abs() <= 1e-13 * want.abs().max(envelope * 1e-1)
    }

    #[test]
    fn meets_scipy() {
        for &(n, x, j, y) in SCIPY {
            let (got_j, got_y) = (bessel_j(n, x), bessel_y(n, x));
            assert!(close(got_j, j, x), "J_{n}({x}) = {got_j:e}, not {j:e}");
            assert!(close(got_y, y, x), "Y_{n}({x}) = {got_y:e}, not {y:e}");
        }
    }

    /// J_{n+1} Y_n - J_n Y_{n+1} = 2 / (pi x), an identity neither
    /// recurrence is built on.
    #[test]
    fn meet_the_wronskian() {
        for n in [0, 1, 4, 12] {
            for x in [0.3, 1.7, 6.0, 23.0, 80.0] {
                let w = bessel_j(n + 1, x) * bessel_y(n, x) - bessel_j(n, x) * bessel_y(n + 1, x);
                let want = 2.0 / (std::f64::consts::PI * x);
                assert!(
                    (w - want).abs() < 1e-12 * want,
                    "n = {n}, x = {x}: {w} vs {want}"
                );
            }
        }
    }

    #[test]
    fn edges() {
        assert_eq!(bessel_j(0, 0.0), 1.0);
        assert_eq!(bessel_j(3, 0.0), 0.0);
        assert_eq!(bessel_y(1, 0.0), f64::NEG_INFINITY);
        assert!(bessel_y(0, -1.0).is_nan() && bessel_j(2, f64::NAN).is_nan());
        assert_eq!(bessel_j(3, -2.0), -bessel_j(3, 2.0));
        assert_eq!(bessel_j(2, -2.0), bessel_j(2, 2.0));
    }
}
