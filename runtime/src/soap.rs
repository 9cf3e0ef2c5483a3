//! SOAP (Vyas et al., "SOAP: improving and stabilizing Shampoo using
//! Adam", 2024), the optimiser behind the "gradient alignment" results
//! for PINNs of Wang et al. (2025): Adam run in the eigenbasis of each
//! weight matrix's Shampoo preconditioner.
//!
//! Input: the flat parameters and gradient of [`crate::flat`] and their
//! [`Shape`]s. Output: the parameters after one step. For a weight `W`
//! (`a × b`) with gradient `G`, the factors `L ← β₂ L + (1 - β₂) G Gᵀ`
//! and `R ← β₂ R + (1 - β₂) Gᵀ G` are averaged, their eigenvectors `Q_L`,
//! `Q_R` are refreshed every `every` steps (a full eigendecomposition
//! the first time, then one step of subspace iteration, `Q ← qr(L Q)`,
//! as SOAP does), the first moment is kept in the weight's own basis and
//! the second in the rotated one, `G' = Q_Lᵀ G Q_R`, and the step is
//! `Q_L (M' / (√V' + ε)) Q_Rᵀ` with Adam's bias corrections. A side wider
//! than [`MAX_SIDE`] is left unrotated; vectors (biases, scales, block
//! factors, learned scalars) take plain Adam steps.
//!
//! The state is a flat vector ([`Soap::to_vec`]) for the checkpoint.

use crate::flat::Shape;

/// Sides above this are not rotated (their factor would cost `n²` memory
/// and `n³` per refresh).
pub const MAX_SIDE: usize = 512;

const EPSILON: f64 = 1e-8;

/// One parameter's state.
#[derive(Clone, Debug)]
struct Slot {
    shape: Shape,
    /// First moment (the parameter's own basis) and second (rotated).
    m: Vec<f64>,
    v: Vec<f64>,
    /// A matrix's factors and their eigenvectors (`n × n`, row major, the
    /// vectors in columns, by falling eigenvalue); empty where unrotated.
    left: Vec<f64>,
    right: Vec<f64>,
    q_left: Vec<f64>,
    q_right: Vec<f64>,
}

/// The optimiser's state.
#[derive(Clone, Debug)]
pub struct Soap {
    beta1: f64,
    beta2: f64,
    every: u64,
    step: u64,
    slots: Vec<Slot>,
}

impl Soap {
    pub fn new(shapes: &[Shape], beta1: f64, beta2: f64, every: u64) -> Soap {
        let slots = shapes
            .iter()
            .map(|&shape| {
                let (a, b) = sides(shape);
                let square = |n: usize| vec![0.0; if rotated(n) { n * n } else { 0 }];
                Slot {
                    shape,
                    m: vec![0.0; shape.count()],
                    v: vec![0.0; shape.count()],
                    left: square(a),
                    right: square(b),
                    q_left: square(a),
                    q_right: square(b),
                }
            })
            .collect();
        Soap {
            beta1,
            beta2,
            every: every.max(1),
            step: 0,
            slots,
        }
    }

    /// One step of rate `lr` from `x` along the gradient `g`.
    pub fn step(&mut self, lr: f64, x: &mut [f64], g: &[f64]) {
        self.step += 1;
        let (b1, b2) = (self.beta1, self.beta2);
        let correct1 = 1.0 - b1.powi(self.step as i32);
        let correct2 = 1.0 - b2.powi(self.step as i32);
        let refresh = (self.step - 1).is_multiple_of(self.every);
        let first = self.step == 1;
        let mut at = 0;
        for slot in &mut self.slots {
            let n = slot.shape.count();
            let (x, g) = (&mut x[at..at + n], &g[at..at + n]);
            at += n;
            for (m, g) in slot.m.iter_mut().zip(g) {
                *m = b1 * *m + (1.0 - b1) * g;
            }
            let Shape::Matrix(a, b) = slot.shape else {
                for ((x, m), (v, g)) in x.iter_mut().zip(&slot.m).zip(slot.v.iter_mut().zip(g)) {
                    *v = b2 * *v + (1.0 - b2) * g * g;
                    *x -= lr * (m / correct1) / ((*v / correct2).sqrt() + EPSILON);
                }
                continue;
            };
            if rotated(a) {
                accumulate(&mut slot.left, g, a, b, b2, false);
                if refresh {
                    slot.q_left = basis(&slot.left, &slot.q_left, a, first);
                }
            }
            if rotated(b) {
                accumulate(&mut slot.right, g, a, b, b2, true);
                if refresh {
                    slot.q_right = basis(&slot.right, &slot.q_right, b, first);
                }
            }
            let rotate = |w: &[f64]| project(w, &slot.q_left, &slot.q_right, a, b, false);
            let (g_rot, m_rot) = (rotate(g), rotate(&slot.m));
            let mut n_rot = vec![0.0; n];
            for k in 0..n {
                slot.v[k] = b2 * slot.v[k] + (1.0 - b2) * g_rot[k] * g_rot[k];
                n_rot[k] = (m_rot[k] / correct1) / ((slot.v[k] / correct2).sqrt() + EPSILON);
            }
            let update = project(&n_rot, &slot.q_left, &slot.q_right, a, b, true);
            for (x, u) in x.iter_mut().zip(update) {
                *x -= lr * u;
            }
        }
    }

    /// The state as numbers: the step, then per parameter its moments and
    /// (a matrix) its factors and bases.
    pub fn to_vec(&self) -> Vec<f64> {
        let mut out = vec![self.step as f64];
        for s in &self.slots {
            for part in [&s.m, &s.v, &s.left, &s.right, &s.q_left, &s.q_right] {
                out.extend_from_slice(part);
            }
        }
        out
    }

    /// The state [`Soap::to_vec`] wrote, for parameters of these shapes;
    /// `None` when the numbers do not fit them.
    pub fn from_vec(
        v: &[f64],
        shapes: &[Shape],
        beta1: f64,
        beta2: f64,
        every: u64,
    ) -> Option<Soap> {
        let mut soap = Soap::new(shapes, beta1, beta2, every);
        let (&step, mut rest) = v.split_first()?;
        soap.step = step as u64;
        for s in &mut soap.slots {
            for part in [
                &mut s.m,
                &mut s.v,
                &mut s.left,
                &mut s.right,
                &mut s.q_left,
                &mut s.q_right,
            ] {
                if rest.len() < part.len() {
                    return None;
                }
                let (head, tail) = rest.split_at(part.len());
                part.copy_from_slice(head);
                rest = tail;
            }
        }
        rest.is_empty().then_some(soap)
    }
}

/// A parameter's rows and columns (a vector: one column).
fn sides(shape: Shape) -> (usize, usize) {
    match shape {
        Shape::Matrix(a, b) => (a, b),
        Shape::Vector(n) => (n, 1),
    }
}

fn rotated(n: usize) -> bool {
    n <= MAX_SIDE
}

/// `f ← β f + (1 - β) G Gᵀ` (`a × a`), or `Gᵀ G` (`b × b`) when `right`.
fn accumulate(f: &mut [f64], g: &[f64], a: usize, b: usize, beta: f64, right: bool) {
    let n = if right { b } else { a };
    for i in 0..n {
        for j in 0..n {
            let dot: f64 = if right {
                (0..a).map(|r| g[r * b + i] * g[r * b + j]).sum()
            } else {
                (0..b).map(|c| g[i * b + c] * g[j * b + c]).sum()
            };
            f[i * n + j] = beta * f[i * n + j] + (1.0 - beta) * dot;
        }
    }
}

/// `Q_Lᵀ W Q_R`, or `Q_L W Q_Rᵀ` when `back`; an empty basis is the
/// identity.
fn project(w: &[f64], q_left: &[f64], q_right: &[f64], a: usize, b: usize, back: bool) -> Vec<f64> {
    let mut out = w.to_vec();
    if !q_left.is_empty() {
        // out = Q_L^T W (or Q_L W): rows mixed.
        let mut next = vec![0.0; a * b];
        for i in 0..a {
            for k in 0..a {
                let q = if back {
                    q_left[i * a + k]
                } else {
                    q_left[k * a + i]
                };
                if q != 0.0 {
                    for c in 0..b {
                        next[i * b + c] += q * out[k * b + c];
                    }
                }
            }
        }
        out = next;
    }
    if !q_right.is_empty() {
        // out = W Q_R (or W Q_R^T): columns mixed.
        let mut next = vec![0.0; a * b];
        for r in 0..a {
            for k in 0..b {
                let w = out[r * b + k];
                for j in 0..b {
                    let q = if back {
                        q_right[j * b + k]
                    } else {
                        q_right[k * b + j]
                    };
                    next[r * b + j] += w * q;
                }
            }
        }
        out = next;
    }
    out
}

/// The eigenvectors of the symmetric `f` (`n × n`): by Jacobi's method
/// the first time, then one step of subspace iteration from `q`.
fn basis(f: &[f64], q: &[f64], n: usize, first: bool) -> Vec<f64> {
    if first {
        return jacobi(f, n);
    }
    let mut fq = vec![0.0; n * n];
    for i in 0..n {
        for k in 0..n {
            let v = f[i * n + k];
            for j in 0..n {
                fq[i * n + j] += v * q[k * n + j];
            }
        }
    }
    orthonormal_columns(fq, q, n)
}

/// Gram-Schmidt (twice, for stability) on the columns of `m`; a column
/// that vanishes keeps the old basis's.
fn orthonormal_columns(mut m: Vec<f64>, old: &[f64], n: usize) -> Vec<f64> {
    for j in 0..n {
        for _ in 0..2 {
            for k in 0..j {
                let dot: f64 = (0..n).map(|i| m[i * n + j] * m[i * n + k]).sum();
                for i in 0..n {
                    m[i * n + j] -= dot * m[i * n + k];
                }
            }
        }
        let norm = (0..n).map(|i| m[i * n + j].powi(2)).sum::<f64>().sqrt();
        if norm > 1e-300 && norm.is_finite() {
            for i in 0..n {
                m[i * n + j] /= norm;
            }
        } else {
            for i in 0..n {
                m[i * n + j] = old[i * n + j];
            }
        }
    }
    m
}

/// Eigenvectors of the symmetric `f` by cyclic Jacobi rotations, in
/// columns by falling eigenvalue.
pub fn jacobi(f: &[f64], n: usize) -> Vec<f64> {
    let mut a = f.to_vec();
    let mut v = vec![0.0; n * n];
    for i in 0..n {
        v[i * n + i] = 1.0;
    }
    let norm: f64 = a.iter().map(|x| x * x).sum::<f64>().sqrt();
    for _sweep in 0..50 {
        let off: f64 = (0..n)
            .flat_map(|i| (0..n).filter(move |&j| j != i).map(move |j| (i, j)))
            .map(|(i, j)| a[i * n + j].powi(2))
            .sum::<f64>()
            .sqrt();
        if off <= 1e-14 * norm || norm == 0.0 {
            break;
        }
        for p in 0..n {
            for q in p + 1..n {
                let apq = a[p * n + q];
                if apq.abs() <= 1e-300 {
                    continue;
                }
                let theta = (a[q * n + q] - a[p * n + p]) / (2.0 * apq);
                let t = theta.signum() / (theta.abs() + (theta * theta + 1.0).sqrt());
                let t = if theta == 0.0 { 1.0 } else { t };
                let c = 1.0 / (t * t + 1.0).sqrt();
                let s = t * c;
                for k in 0..n {
                    let (akp, akq) = (a[k * n + p], a[k * n + q]);
                    a[k * n + p] = c * akp - s * akq;
                    a[k * n + q] = s * akp + c * akq;
                }
                for k in 0..n {
                    let (apk, aqk) = (a[p * n + k], a[q * n + k]);
                    a[p * n + k] = c * apk - s * aqk;
                    a[q * n + k] = s * apk + c * aqk;
                }
                for k in 0..n {
                    let (vkp, vkq) = (v[k * n + p], v[k * n + q]);
                    v[k * n + p] = c * vkp - s * vkq;
                    v[k * n + q] = s * vkp + c * vkq;
                }
            }
        }
    }
    let mut order: Vec<usize> = (0..n).collect();
    order.sort_by(|&i, &j| a[j * n + j].total_cmp(&a[i * n + i]));
    let mut out = vec![0.0; n * n];
    for (col, &k) in order.iter().enumerate() {
        for i in 0..n {
            out[i * n + col] = v[i * n + k];
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Jacobi's eigenvectors diagonalise a symmetric matrix, by falling
    /// eigenvalue.
    #[test]
    fn jacobi_diagonalises() {
        let n = 5;
        let mut rng = physc_compiler::program::geometry::Rng::new(3);
        let b: Vec<f64> = (0..n * n).map(|_| rng.normal()).collect();
        let mut f = vec![0.0; n * n];
        for i in 0..n {
            for j in 0..n {
                f[i * n + j] = (0..n).map(|k| b[i * n + k] * b[j * n + k]).sum();
            }
        }
        let q = jacobi(&f, n);
        let d = project(&f, &q, &q, n, n, false);
        for i in 0..n {
            for j in 0..n {
                if i != j {
                    assert!(d[i * n + j].abs() < 1e-10, "{i} {j}: {}", d[i * n + j]);
                }
            }
            if i > 0 {
                assert!(d[i * n + i] <= d[(i - 1) * n + i - 1]);
            }
        }
        // And projecting back undoes projecting.
        let back = project(&d, &q, &q, n, n, true);
        for (x, y) in back.iter().zip(&f) {
            assert!((x - y).abs() < 1e-10);
        }
    }

    /// With one side of size one and the other unrotated, SOAP is Adam.
    #[test]
    fn on_vectors_soap_is_adam() {
        let shapes = [Shape::Vector(3)];
        let mut soap = Soap::new(&shapes, 0.9, 0.999, 10);
        let mut x = vec![1.0, -2.0, 0.5];
        soap.step(0.1, &mut x, &[0.3, -0.1, 0.0]);
        // Adam's first step moves each coordinate by lr against its sign.
        assert!((x[0] - 0.9).abs() < 1e-6 && (x[1] + 1.9).abs() < 1e-6 && x[2] == 0.5);
    }
}
