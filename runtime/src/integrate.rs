//! Integrators of autonomous ODE systems `dy/dt = f(y)`.
//!
//! Input: the right-hand side as a closure, a state and a step or an
//! interval. Output: the state after it, or why it could not be reached.
//! [`implicit_midpoint`] is symplectic (Hairer, Lubich, Wanner, Geometric
//! Numerical Integration, VI.3): on Hamilton's equations of any H, separable
//! or not, the energy error stays bounded by O(h^2) over exponentially long
//! times, and quadratic invariants are kept exactly. [`DormandPrince`] is the
//! 5(4) embedded Runge-Kutta pair with error control, for dynamics without
//! that structure.

/// A right-hand side: the rate at a state, or why it has none.
pub type Rhs<'a> = dyn FnMut(&[f64]) -> Result<Vec<f64>, String> + 'a;

/// Iterations of the midpoint equation before a step is given up: each
/// contracts the error by about `h L` for a Lipschitz constant `L`.
const MIDPOINT_ITERATIONS: usize = 100;

/// One step of the implicit midpoint rule `y1 = y0 + h f((y0 + y1) / 2)`,
/// solved by fixed-point iteration on the midpoint's rate to round-off.
pub fn implicit_midpoint(f: &mut Rhs, y: &[f64], h: f64) -> Result<Vec<f64>, String> {
    let mut k = f(y)?;
    let scale = y.iter().fold(1.0f64, |m, v| m.max(v.abs()));
    for _ in 0..MIDPOINT_ITERATIONS {
        let mid: Vec<f64> = y.iter().zip(&k).map(|(y, k)| y + 0.5 * h * k).collect();
        let next = f(&mid)?;
        let change = next
            .iter()
            .zip(&k)
            .fold(0.0f64, |m, (a, b)| m.max((a - b).abs()));
        k = next;
        if h.abs() * change <= 4.0 * f64::EPSILON * scale {
            return Ok(y.iter().zip(&k).map(|(y, k)| y + h * k).collect());
        }
    }
    Err(format!(
        "the implicit midpoint equation did not converge in {MIDPOINT_ITERATIONS} \
         iterations at step {h}: take a smaller --dt"
    ))
}

/// The Dormand-Prince 5(4) pair with a PI step-size controller (Hairer,
/// Norsett, Wanner, Solving ODEs I, II.4), advancing the fifth-order
/// solution; the step it ends on is kept for the next interval.
pub struct DormandPrince {
    /// Relative and absolute tolerance of the local error estimate.
    pub rtol: f64,
    pub atol: f64,
    /// The next step to try; 0 lets the first interval choose it.
    step: f64,
    /// The previous step's error norm, for the controller.
    previous_error: f64,
    /// Steps taken and rejected so far.
    pub accepted: usize,
    pub rejected: usize,
}

const A: [&[f64]; 7] = [
    &[],
    &[1.0 / 5.0],
    &[3.0 / 40.0, 9.0 / 40.0],
    &[44.0 / 45.0, -56.0 / 15.0, 32.0 / 9.0],
    &[
        19372.0 / 6561.0,
        -25360.0 / 2187.0,
        64448.0 / 6561.0,
        -212.0 / 729.0,
    ],
    &[
        9017.0 / 3168.0,
        -355.0 / 33.0,
        46732.0 / 5247.0,
        49.0 / 176.0,
        -5103.0 / 18656.0,
    ],
    &[
        35.0 / 384.0,
        0.0,
        500.0 / 1113.0,
        125.0 / 192.0,
        -2187.0 / 6784.0,
        11.0 / 84.0,
    ],
];
/// Fifth-order weights minus fourth-order ones: the local error estimate.
const E: [f64; 7] = [
    71.0 / 57600.0,
    0.0,
    -71.0 / 16695.0,
    71.0 / 1920.0,
    -17253.0 / 339200.0,
    22.0 / 525.0,
    -1.0 / 40.0,
];

/// Steps below this fraction of the interval mean the dynamics blow up.
const SMALLEST_STEP: f64 = 1e-14;

impl DormandPrince {
    pub fn new(rtol: f64, atol: f64) -> DormandPrince {
        DormandPrince {
            rtol,
            atol,
            step: 0.0,
            previous_error: 1e-4,
            accepted: 0,
            rejected: 0,
        }
    }

    /// The state at `t0 + span` from `y` at `t0`, in as many steps as the
    /// tolerances need (the last one shortened to land on the end).
    pub fn advance(&mut self, f: &mut Rhs, y: &[f64], span: f64) -> Result<Vec<f64>, String> {
        let mut y = y.to_vec();
        let mut done = 0.0;
        if self.step == 0.0 {
            self.step = span;
        }
        while done < span {
            let h = self.step.min(span - done);
            let (next, error) = self.try_step(f, &y, h)?;
            if error <= 1.0 {
                y = next;
                done = if span - done - h <= SMALLEST_STEP * span {
                    span
                } else {
                    done + h
                };
                self.accepted += 1;
                // PI control (beta = 0.04) with safety 0.9, growth in [0.2, 10].
                let factor = 0.9
                    * error.max(1e-10).powf(-0.2 + 0.75 * 0.04)
                    * self.previous_error.powf(0.04);
                self.previous_error = error.max(1e-4);
                // A step cut short to land on `span` does not limit the next.
                self.step = self.step.max(h) * factor.clamp(0.2, 10.0);
            } else {
                self.rejected += 1;
                self.step = h * (0.9 * error.powf(-0.2)).clamp(0.2, 1.0);
            }
            if self.step < SMALLEST_STEP * span.max(1.0) {
                return Err(format!(
                    "the step size fell below {:e}: the dynamics blow up near {y:?}",
                    self.step
                ));
            }
        }
        Ok(y)
    }

    /// One step of size `h`: the fifth-order state and the error norm
    /// relative to the tolerances (accepted at most 1).
    fn try_step(&self, f: &mut Rhs, y: &[f64], h: f64) -> Result<(Vec<f64>, f64), String> {
        let mut k: Vec<Vec<f64>> = Vec::with_capacity(7);
        for row in A {
            let at: Vec<f64> = (0..y.len())
                .map(|i| y[i] + h * row.iter().zip(&k).map(|(a, k)| a * k[i]).sum::<f64>())
                .collect();
            k.push(f(&at)?);
        }
        // The seventh stage is evaluated at the fifth-order solution.
        let next: Vec<f64> = (0..y.len())
            .map(|i| y[i] + h * A[6].iter().zip(&k).map(|(a, k)| a * k[i]).sum::<f64>())
            .collect();
        let mut sum = 0.0;
        for i in 0..y.len() {
            let e = h * E.iter().zip(&k).map(|(e, k)| e * k[i]).sum::<f64>();
            let scale = self.atol + self.rtol * y[i].abs().max(next[i].abs());
            sum += (e / scale).powi(2);
        }
        let error = (sum / y.len().max(1) as f64).sqrt();
        if !error.is_finite() || next.iter().any(|v| !v.is_finite()) {
            return Ok((next, f64::INFINITY));
        }
        Ok((next, error))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pendulum(y: &[f64]) -> Result<Vec<f64>, String> {
        Ok(vec![y[1], -y[0].sin()])
    }

    fn energy(y: &[f64]) -> f64 {
        y[1] * y[1] / 2.0 + 1.0 - y[0].cos()
    }

    #[test]
    fn midpoint_keeps_a_quadratic_energy_exactly() {
        let mut oscillator = |y: &[f64]| Ok(vec![y[1], -y[0]]);
        let mut y = vec![1.0, 0.0];
        for _ in 0..10_000 {
            y = implicit_midpoint(&mut oscillator, &y, 0.1).unwrap();
        }
        let e = (y[0] * y[0] + y[1] * y[1]) / 2.0;
        assert!((e - 0.5).abs() < 1e-12, "{e}");
    }

    #[test]
    fn midpoint_energy_error_is_bounded_and_second_order() {
        // Over 30 periods the pendulum's energy error does not grow, and it
        // falls fourfold when the step halves.
        let worst = |h: f64| {
            let mut y = vec![1.0, 0.0];
            let e0 = energy(&y);
            let steps = (200.0 / h) as usize;
            let (mut first, mut last) = (0.0f64, 0.0f64);
            for s in 0..steps {
                y = implicit_midpoint(&mut pendulum, &y, h).unwrap();
                let error = (energy(&y) - e0).abs();
                if s < steps / 10 {
                    first = first.max(error);
                } else if s >= steps - steps / 10 {
                    last = last.max(error);
                }
            }
            (first, last)
        };
        let (first, last) = worst(0.1);
        assert!(
            last < 1.5 * first,
            "energy error grows: {first} then {last}"
        );
        let (half, _) = worst(0.05);
        let ratio = first / half;
        assert!((3.5..4.5).contains(&ratio), "order: ratio {ratio}");
    }

    #[test]
    fn explicit_euler_would_drift() {
        // The same pendulum by explicit Euler gains energy steadily: what the
        // midpoint test above rules out.
        let mut y = vec![1.0, 0.0];
        let e0 = energy(&y);
        for _ in 0..2000 {
            let k = pendulum(&y).unwrap();
            y = vec![y[0] + 0.1 * k[0], y[1] + 0.1 * k[1]];
        }
        assert!(energy(&y) - e0 > 0.1);
    }

    #[test]
    fn dormand_prince_meets_its_tolerance_on_a_closed_form() {
        // y' = -2 t y has no t here, so integrate the autonomous system
        // (y, t)' = (-2 t y, 1): y = exp(-t^2).
        let mut f = |y: &[f64]| Ok(vec![-2.0 * y[1] * y[0], 1.0]);
        for tol in [1e-6, 1e-10] {
            let mut dp = DormandPrince::new(tol, tol);
            let mut y = vec![1.0, 0.0];
            for _ in 0..30 {
                y = dp.advance(&mut f, &y, 0.1).unwrap();
            }
            let error = (y[0] - (-9.0f64).exp()).abs();
            assert!(error < 10.0 * tol, "tol {tol}: error {error}");
            assert!((y[1] - 3.0).abs() < 1e-12);
        }
    }

    #[test]
    fn dormand_prince_is_fifth_order() {
        // With a fixed step, halving it divides the error by about 32.
        let mut fine = DormandPrince::new(1e-13, 1e-13);
        let reference = fine.advance(&mut pendulum, &[1.0, 0.0], 2.0).unwrap();
        let error = |h: f64| {
            let dp = DormandPrince::new(1.0, 1.0);
            let mut y = vec![1.0, 0.0];
            for _ in 0..(2.0 / h).round() as usize {
                y = dp.try_step(&mut pendulum, &y, h).unwrap().0;
            }
            (y[0] - reference[0]).abs()
        };
        let ratio = error(0.2) / error(0.1);
        assert!((20.0..45.0).contains(&ratio), "ratio {ratio}");
    }

    #[test]
    fn a_blow_up_is_an_error() {
        // y' = y^2 from 1 blows up at t = 1.
        let mut f = |y: &[f64]| Ok(vec![y[0] * y[0]]);
        let mut dp = DormandPrince::new(1e-8, 1e-8);
        assert!(dp.advance(&mut f, &[1.0], 2.0).is_err());
    }
}
