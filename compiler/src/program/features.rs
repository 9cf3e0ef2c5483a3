//! A network's input features and their derivatives: the input jet of a
//! network that reads `features = [...]` instead of its coordinates.
//!
//! Input: the features, real expressions of the network's input
//! coordinates and constants, lowered into the program's graph, and the
//! multi-indices its jets reach. Output: [`Features`], the derivative of
//! every feature by every such multi-index, differentiated symbolically
//! once when the program is built; and [`FeatureMap`], which evaluates
//! them at points for a back end.
//!
//! A back end feeds `∂^α φ(x)` to the first layer as the input jet where a
//! network without features takes `x`'s own (the unit vectors): the
//! network is then a function of its coordinates like any other, and a
//! jet costs one row per multi-index of the coordinates rather than one
//! per feature (seven features of `t` gave eight rows for `u_t` through
//! the chain rule; now two).
//!
//! Invariant: `derivatives` holds every multi-index below (componentwise)
//! one of the network's `jets`, the zero index first, each with one
//! expression per feature.

use super::taylor::below;
use super::*;
use crate::ir::diff::Differentiator;
use crate::ir::eval::{Interpreter, Leaf};
use crate::ir::lower::Lowerer;

/// The features of one network and their derivatives in its inputs.
#[derive(Clone, Debug, PartialEq)]
pub struct Features {
    /// How many features the network reads.
    pub count: usize,
    /// Each multi-index over the network's inputs that its jets reach,
    /// with `∂^α` of every feature.
    pub derivatives: Vec<(MultiIndex, Vec<ExprId>)>,
}

impl Features {
    /// The features of `exprs` over `inputs`, lowered into `lowerer`'s
    /// graph, differentiated to every multi-index below those of `jets`.
    pub(super) fn new(
        lowerer: &mut Lowerer,
        exprs: &[crate::model::Expr],
        inputs: &[CoordId],
        jets: &[MultiIndex],
    ) -> Features {
        let values: Vec<ExprId> = exprs
            .iter()
            .map(|e| lowerer.expr(e).expect("a checked feature is real").re)
            .collect();
        let mut diff = Differentiator::new(lowerer.function_coords.clone());
        let g = &mut lowerer.graph;
        let derivatives = below(jets, inputs.len())
            .into_iter()
            .map(MultiIndex::from)
            .map(|alpha| {
                let at = values
                    .iter()
                    .map(|&v| {
                        inputs
                            .iter()
                            .zip(alpha.iter())
                            .fold(v, |e, (&c, &order)| diff.diff_n(g, e, c, order as u32))
                    })
                    .collect();
                (alpha, at)
            })
            .collect();
        Features {
            count: exprs.len(),
            derivatives,
        }
    }
}

/// [`Features`] compiled for evaluation at points.
#[derive(Clone, Debug)]
pub struct FeatureMap {
    interp: Interpreter,
    indices: Vec<MultiIndex>,
    count: usize,
    /// The network's inputs, in the order of a point's values.
    inputs: Vec<CoordId>,
}

impl FeatureMap {
    /// The features of network `plan`, its expressions in `graph`; `None`
    /// when it reads its coordinates.
    pub fn new(graph: &Graph, plan: &NetPlan) -> Option<FeatureMap> {
        let features = plan.embedding.features.as_ref()?;
        let roots: Vec<ExprId> = (features.derivatives.iter())
            .flat_map(|(_, at)| at.iter().copied())
            .collect();
        Some(FeatureMap {
            interp: Interpreter::new(graph, &roots),
            indices: features
                .derivatives
                .iter()
                .map(|(a, _)| a.clone())
                .collect(),
            count: features.count,
            inputs: plan.inputs.clone(),
        })
    }

    /// How many features the network reads: the width of its input jet.
    pub fn count(&self) -> usize {
        self.count
    }

    /// The input jet at the `n` points `x` (`[n × inputs]`): for each
    /// point, for each multi-index of `wanted` in order, `∂^α` of every
    /// feature (`[n × wanted × count]`). Each of `wanted` must be one the
    /// program's jets reach.
    pub fn jets<A: AsRef<[u8]>>(&self, wanted: &[A], x: &[f64], n: usize) -> Vec<f64> {
        let at: Vec<usize> = wanted
            .iter()
            .map(|alpha| {
                (self.indices.iter())
                    .position(|i| **i == *alpha.as_ref())
                    .expect("the program's jets reach every derivative a back end asks for")
            })
            .collect();
        let d = self.inputs.len();
        let mut out = Vec::with_capacity(n * wanted.len() * self.count);
        let mut scratch = vec![];
        for p in 0..n {
            let env = Inputs {
                inputs: &self.inputs,
                x: &x[p * d..(p + 1) * d],
            };
            let values = self.interp.eval(&env, &mut scratch);
            for &k in &at {
                out.extend_from_slice(&values[k * self.count..(k + 1) * self.count]);
            }
        }
        out
    }
}

/// One point's inputs as the interpreter's leaves: a checked feature reads
/// nothing else.
struct Inputs<'a> {
    inputs: &'a [CoordId],
    x: &'a [f64],
}

impl crate::ir::eval::Env for Inputs<'_> {
    fn leaf(&self, leaf: &Leaf) -> f64 {
        let Leaf::Coord(c) = leaf else {
            return f64::NAN;
        };
        (self.inputs.iter().position(|i| i == c)).map_or(f64::NAN, |k| self.x[k])
    }
}
