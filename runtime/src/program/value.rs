//! A node's value while the loss program is evaluated on burn tensors: a
//! number (kept on the host, so constants fold) or one value per point.

use burn::tensor::{Device, Tensor, TensorData};
use physc_compiler::ir::{Func, Power};

/// A node's value on a batch: a number, or one value per point `[N, 1]`.
// Values live for one evaluation; boxing the tensor would cost an
// allocation per node.
#[allow(clippy::large_enum_variant)]
#[derive(Clone, Debug)]
pub(super) enum Value {
    Scalar(f64),
    Tensor(Tensor<2>),
}
impl Value {
    /// The value at each of `n` points, `[n, 1]`.
    pub(super) fn column(&self, n: usize, device: &Device) -> Tensor<2> {
        match self {
            Value::Scalar(v) => Tensor::<2>::full([n, 1], *v, device),
            Value::Tensor(x) if x.dims()[0] == n => x.clone(),
            Value::Tensor(x) => x.clone().expand([n, 1]),
        }
    }

    pub(super) fn add(self, other: Value) -> Value {
        match (self, other) {
            (Value::Scalar(a), Value::Scalar(b)) => Value::Scalar(a + b),
            (Value::Tensor(a), Value::Scalar(b)) | (Value::Scalar(b), Value::Tensor(a)) => {
                Value::Tensor(a.add_scalar(b))
            }
            (Value::Tensor(a), Value::Tensor(b)) => Value::Tensor(a + b),
        }
    }

    pub(super) fn mul(self, other: Value) -> Value {
        match (self, other) {
            (Value::Scalar(a), Value::Scalar(b)) => Value::Scalar(a * b),
            (Value::Tensor(a), Value::Scalar(b)) | (Value::Scalar(b), Value::Tensor(a)) => {
                Value::Tensor(a.mul_scalar(b))
            }
            (Value::Tensor(a), Value::Tensor(b)) => Value::Tensor(a * b),
        }
    }

    pub(super) fn pow(self, exponent: Value) -> Value {
        match (self, exponent) {
            (Value::Scalar(a), Value::Scalar(e)) => {
                Value::Scalar(physc_compiler::ir::eval::pow(a, e))
            }
            // As the IR's `Power` says, like every other evaluator.
            (Value::Tensor(a), Value::Scalar(e)) => Value::Tensor(match Power::of(e) {
                Power::Whole(n) if n > 0 => a.powi_scalar(n),
                Power::Whole(n) => a.powi_scalar(-n).recip(),
                Power::Sqrt => a.sqrt(),
                Power::RecipSqrt => a.sqrt().recip(),
                Power::Real(e) => a.powf_scalar(e),
            }),
            (base, Value::Tensor(e)) => {
                let base = match base {
                    Value::Tensor(b) => b,
                    Value::Scalar(b) => e.zeros_like().add_scalar(b),
                };
                Value::Tensor(base.powf(e))
            }
        }
    }

    pub(super) fn call(self, f: Func) -> Value {
        let t = match self {
            Value::Scalar(s) => return Value::Scalar(f.apply(s)),
            Value::Tensor(t) => t,
        };
        Value::Tensor(match f {
            Func::Sin => t.sin(),
            Func::Cos => t.cos(),
            Func::Tan => t.tan(),
            Func::Asin => t.asin(),
            Func::Acos => t.acos(),
            Func::Atan => t.atan(),
            Func::Exp => t.exp(),
            Func::Log => t.log(),
            Func::Abs => t.abs(),
            Func::Sinh => t.sinh(),
            Func::Cosh => t.cosh(),
            Func::Tanh => t.tanh(),
            Func::Sech => t.cosh().recip(),
            Func::Erf => t.erf(),
            // The checker lets Bessel functions read coordinates, constants
            // and data only, so no gradient flows through them: they are
            // evaluated on the host.
            Func::BesselJ(_) | Func::BesselY(_) => {
                let (device, shape) = (t.device(), t.dims());
                let values: Vec<f64> = crate::net::values(t)
                    .into_iter()
                    .map(|x| f.apply(x))
                    .collect();
                Tensor::from_data(TensorData::new(values, shape), &device)
            }
        })
    }
}
