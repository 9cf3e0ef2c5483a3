//! Who computes the loss and its gradient for the optimisers: burn's
//! reverse pass over the loss program's tensors, or the JIT back end's
//! generated code ([`crate::jit`]).
//!
//! Either way the optimisers (burn-optim's Adam and L-BFGS) see the same
//! thing: the balanced total, each batch's term, and per-parameter
//! gradients of the burn module, so checkpoints, resumption and reports
//! do not depend on the engine.

use crate::backend::Precision;
use crate::jit::Jit;
use crate::program::{Program, Trainable};
use burn::module::{Module, ModuleVisitor, Param};
use burn::optim::GradientsParams;
use burn::tensor::Tensor;
use physc_compiler::model::FuncId;
use physc_compiler::program::BatchId;
use physc_compiler::program::sample::Point;

/// `$body` with `$jit` the JIT program and `$params` the parameters of
/// `$t` in its float type, whichever that is.
macro_rules! with_jit {
    ($compiled:expr, $t:expr, |$jit:ident, $params:ident| $body:expr) => {
        match $compiled {
            Compiled::F32($jit) => {
                let $params = $jit.layout.flatten(&$t.weights());
                $body
            }
            Compiled::F64($jit) => {
                let $params = $jit.layout.flatten(&$t.weights());
                $body
            }
        }
    };
}

/// The JIT program in the run's float type.
pub enum Compiled {
    F32(Jit<f32>),
    F64(Jit<f64>),
}

/// What evaluates the loss program during training.
pub enum Engine {
    Burn,
    Jit(Box<Compiled>),
}

/// One evaluation: the balanced total, each batch's term, the gradient.
pub struct Evaluation {
    pub total: f64,
    pub terms: Vec<f64>,
    pub gradients: GradientsParams,
}

impl Engine {
    /// The JIT engine for `program` at `t`'s weights, or why there is none.
    pub fn jit(program: &Program, t: &Trainable, precision: Precision) -> Result<Engine, String> {
        let weights = t.weights();
        let mut compiled = match precision {
            Precision::F32 => Compiled::F32(Jit::new(&program.loss, &weights)?),
            Precision::F64 => Compiled::F64(Jit::new(&program.loss, &weights)?),
        };
        set_points(&mut compiled, program);
        Ok(Engine::Jit(Box::new(compiled)))
    }

    /// The JIT's matrix-product flops per evaluation (0 for burn).
    pub fn matmul_flops(&self) -> f64 {
        match self {
            Engine::Burn => 0.0,
            Engine::Jit(compiled) => match &**compiled {
                Compiled::F32(jit) => jit.matmul_flops(),
                Compiled::F64(jit) => jit.matmul_flops(),
            },
        }
    }

    /// Takes the program's points anew (after a resampling).
    pub fn points_changed(&mut self, program: &Program) {
        if let Engine::Jit(compiled) = self {
            set_points(compiled, program);
        }
    }

    /// After the points of `batches` changed (mini-batches).
    pub fn batches_changed(&mut self, program: &Program, batches: &[usize]) {
        if let Engine::Jit(compiled) = self {
            for &b in batches {
                let points = &program.batches[b].points;
                match &mut **compiled {
                    Compiled::F32(jit) => jit.set_points(&program.loss, b, points),
                    Compiled::F64(jit) => jit.set_points(&program.loss, b, points),
                }
            }
        }
    }

    /// The total `Σ factors[b] · loss_b` (a missing factor is 1), the
    /// terms, and the total's gradient.
    pub fn evaluate(&self, program: &Program, t: &Trainable, factors: &[f64]) -> Evaluation {
        let factor = |k: usize| factors.get(k).copied().unwrap_or(1.0);
        match self {
            Engine::Burn => {
                let (objective, total, terms) = burn_objective(program, t, factors);
                Evaluation {
                    total,
                    terms,
                    gradients: complete(GradientsParams::from_grads(objective.backward(), t), t),
                }
            }
            Engine::Jit(compiled) => {
                let (terms, gradients) = with_jit!(&**compiled, t, |jit, params| {
                    let evaluation = jit.evaluate(&params, factors);
                    let gradients = jit.layout.gradients(&evaluation.gradient, t);
                    (evaluation.terms, gradients)
                });
                let total = terms.iter().enumerate().map(|(k, v)| factor(k) * v).sum();
                Evaluation {
                    total,
                    terms,
                    gradients,
                }
            }
        }
    }

    /// Batch `b`'s residuals at `points`, one vector per residual.
    pub fn residuals_at(
        &self,
        program: &Program,
        t: &Trainable,
        b: usize,
        points: &[Point],
    ) -> Vec<Vec<f64>> {
        match self {
            Engine::Burn => program.residuals_at(&t.valid(), BatchId(b as u32), points),
            Engine::Jit(compiled) => with_jit!(&**compiled, t, |jit, params| {
                jit.residuals_at(&program.loss, b, &params, points)
            }),
        }
    }

    /// A field's values at `points` (per part), through its output
    /// transform.
    pub fn predict(
        &self,
        program: &Program,
        t: &Trainable,
        f: FuncId,
        points: &[Point],
    ) -> Vec<Vec<f64>> {
        let jit = match self {
            Engine::Burn => None,
            Engine::Jit(compiled) => with_jit!(&**compiled, t, |jit, params| {
                jit.predict(&program.loss, f, &params, points)
            }),
        };
        jit.unwrap_or_else(|| program.predict(&t.valid(), f, points))
    }

    /// Each batch's NTK trace per point (for `balance = ntk`; see
    /// [`Jit::ntk_traces`]). The burn engine has no Jacobian rows of its
    /// own: it compiles the JIT program in float64 for the measurement,
    /// and says why where the JIT cannot take the model.
    pub fn ntk_traces(&self, program: &Program, t: &Trainable) -> Result<Vec<f64>, String> {
        match self {
            Engine::Burn => {
                let weights = t.weights();
                let mut jit = Jit::<f64>::new(&program.loss, &weights)
                    .map_err(|why| format!("`balance = ntk` measures through the JIT back end, which cannot take this model: {why}"))?;
                for (b, batch) in program.batches.iter().enumerate() {
                    jit.set_points(&program.loss, b, &batch.points);
                }
                Ok(jit.ntk_traces(&jit.layout.flatten(&weights)))
            }
            Engine::Jit(compiled) => Ok(with_jit!(&**compiled, t, |jit, params| {
                jit.ntk_traces(&params)
            })),
        }
    }

    /// Holds the causal weights of the next evaluation for the ones after
    /// it (`true`: a quasi-Newton call's objective stays one function), or
    /// lets them follow the residuals (`false`).
    pub fn hold_causal(&mut self, program: &mut Program, hold: bool) {
        match self {
            Engine::Burn => program.hold_causal(hold),
            Engine::Jit(compiled) => match &mut **compiled {
                Compiled::F32(jit) => jit.hold_causal(hold),
                Compiled::F64(jit) => jit.hold_causal(hold),
            },
        }
    }

    /// The norm of each batch's gradient on its own (for `balance =
    /// gradnorm`).
    pub fn gradient_norms(&self, program: &Program, t: &Trainable) -> Vec<f64> {
        match self {
            Engine::Burn => crate::balance::gradient_norms(program, t),
            Engine::Jit(compiled) => with_jit!(&**compiled, t, |jit, params| {
                jit.gradient_norms(&params)
            }),
        }
    }
}

fn set_points(compiled: &mut Compiled, program: &Program) {
    for (b, batch) in program.batches.iter().enumerate() {
        match compiled {
            Compiled::F32(jit) => jit.set_points(&program.loss, b, &batch.points),
            Compiled::F64(jit) => jit.set_points(&program.loss, b, &batch.points),
        }
    }
}

/// The objective for burn's reverse pass (the terms times their balancing
/// `factors`), its value, and the terms' values, read from the device at
/// once (on a GPU each read waits for the queue to drain).
fn burn_objective(program: &Program, t: &Trainable, factors: &[f64]) -> (Tensor<1>, f64, Vec<f64>) {
    let losses = program.losses(t);
    let detached = losses.iter().map(|l| l.clone().detach()).collect();
    let values: Vec<f64> = Tensor::cat(detached, 0)
        .into_data()
        .convert::<f64>()
        .try_into_vec()
        .expect("float data");
    let factor = |k: usize| factors.get(k).copied().unwrap_or(1.0);
    let objective = losses
        .into_iter()
        .enumerate()
        .map(|(k, l)| {
            if factors.is_empty() {
                l
            } else {
                l.mul_scalar(factor(k))
            }
        })
        .reduce(|a, b| a + b)
        .expect("at least one constraint");
    let value = values.iter().enumerate().map(|(k, v)| factor(k) * v).sum();
    (objective, value, values)
}

/// `grads` with a zero for every parameter the loss does not reach (the
/// output bias, when the loss reads only derivatives of a network):
/// L-BFGS lays parameters and gradients side by side in flat vectors.
fn complete(mut grads: GradientsParams, t: &Trainable) -> GradientsParams {
    struct Zeros<'a>(&'a mut GradientsParams);
    impl ModuleVisitor for Zeros<'_> {
        fn visit_float<const D: usize>(&mut self, param: &Param<Tensor<D>>) {
            if self.0.get::<D>(param.id).is_none() {
                self.0.register(param.id, param.val().inner().zeros_like());
            }
        }
    }
    t.visit(&mut Zeros(&mut grads));
    grads
}
