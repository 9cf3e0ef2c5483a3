//! Dense layers on flat jets: `z = a W + b` for every row of a jet (the
//! bias on the value rows only), and the reverse pass's weight and bias
//! gradients, through the `gemm` crate's kernels.
//!
//! Input: a jet's value rows and derivative rows (row major, `c` points
//! per entry, as [`super::network`] lays them out) and the flat parameters
//! where [`Dense`] says the layer's weight and bias start. Output: the
//! pre-activation jet, or the gradient accumulated into a flat vector of
//! the same layout.

use super::Real;

/// A trained dense layer: where its weight (`[inputs × outputs]`, row
/// major) and bias start in the flat parameters.
#[derive(Clone, Debug)]
pub struct Dense {
    pub inputs: usize,
    pub outputs: usize,
    pub weight: usize,
    pub bias: usize,
}

/// Accumulates a dense layer's gradient from its output jet's adjoint
/// `z̄` (`rows` rows) and its input jet `(value, rest)`: `dW += aᵀ z̄`
/// over value and derivative rows, `db +=` the value rows of `z̄`.
pub(super) fn dense_backward<T: Real>(
    layer: &Dense,
    (value, rest): (&[T], &[T]),
    adjoint: &[T],
    c: usize,
    rows: usize,
    grad: &mut [T],
) {
    let (n_in, n_out) = (layer.inputs, layer.outputs);
    let dw = &mut grad[layer.weight..layer.weight + n_in * n_out];
    matmul(
        n_in,
        n_out,
        c,
        dw,
        true,
        value,
        true,
        &adjoint[..c * n_out],
        false,
    );
    if rows > c {
        let tail = &adjoint[c * n_out..rows * n_out];
        matmul(n_in, n_out, rows - c, dw, true, rest, true, tail, false);
    }
    let bias = &mut grad[layer.bias..layer.bias + n_out];
    for p in 0..c {
        for (g, v) in bias.iter_mut().zip(&adjoint[p * n_out..(p + 1) * n_out]) {
            *g += *v;
        }
    }
}

/// `z = a W` for every row of a jet, plus `bias` on its `c` value rows;
/// `value` and `rest` are the jet's value rows and derivative rows.
#[allow(clippy::too_many_arguments)]
pub(super) fn affine<T: Real>(
    value: &[T],
    rest: &[T],
    inputs: usize,
    outputs: usize,
    w: &[T],
    bias: &[T],
    c: usize,
    z: &mut [T],
) {
    for p in 0..c {
        z[p * outputs..(p + 1) * outputs].copy_from_slice(bias);
    }
    let (z_value, z_rest) = z.split_at_mut(c * outputs);
    matmul(c, outputs, inputs, z_value, true, value, false, w, false);
    let others = rest.len() / inputs.max(1);
    if others > 0 {
        matmul(
            others, outputs, inputs, z_rest, false, rest, false, w, false,
        );
    }
}

/// `c[m×n] (+)= a[m×k] b[k×n]`, row major; `a_t` reads `a` stored as its
/// transpose `[k×m]`, `b_t` reads `b` stored as `[n×k]`.
#[allow(clippy::too_many_arguments)]
pub(super) fn matmul<T: Real>(
    m: usize,
    n: usize,
    k: usize,
    c: &mut [T],
    accumulate: bool,
    a: &[T],
    a_t: bool,
    b: &[T],
    b_t: bool,
) {
    assert!(c.len() >= m * n && a.len() >= m * k && b.len() >= k * n);
    if m == 0 || n == 0 {
        return;
    }
    let (a_cs, a_rs) = if a_t {
        (m as isize, 1)
    } else {
        (1, k as isize)
    };
    let (b_cs, b_rs) = if b_t {
        (k as isize, 1)
    } else {
        (1, n as isize)
    };
    // SAFETY: the asserts above bound every index the strides reach.
    unsafe {
        gemm::gemm(
            m,
            n,
            k,
            c.as_mut_ptr(),
            1,
            n as isize,
            accumulate,
            a.as_ptr(),
            a_cs,
            a_rs,
            b.as_ptr(),
            b_cs,
            b_rs,
            T::of(1.0),
            T::of(1.0),
            false,
            false,
            false,
            gemm::Parallelism::None,
        )
    }
}
