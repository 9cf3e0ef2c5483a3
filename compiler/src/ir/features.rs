//! Fields read through their network's input features.
//!
//! Input: expressions of the lowered graph that read a featured field `u`
//! (one whose `net` has `features = [...]`) as if it were a network output
//! (`Field`, `Apply`), and the model's features. Output: the same
//! expressions with each such read replaced by the features' network `N`
//! (a [`FunctionKind::Features`] function) at the features: `∂^α u(x)`
//! becomes `∂^α [N(φ(x))]`, differentiated symbolically by the chain rule
//! through every feature, and a read at other arguments `a` the same with
//! `x` replaced by `a`. Every back end then evaluates `N` at the features
//! as it evaluates any function at other points, with the jets of `N` in
//! its own inputs.
//!
//! Invariant: the output reads no featured field, only their networks.

use super::diff::Differentiator;
use super::lower::Lowerer;
use super::subst::Substitution;
use super::*;
use crate::model::{CoordId, FuncId, FunctionKind};

/// The rewriting of one graph's reads of featured fields.
pub struct Routing {
    /// Per featured field and real part: `N(φ(x))` at the point itself.
    values: HashMap<(FuncId, Part), ExprId>,
    function_coords: Vec<Vec<CoordId>>,
    diff: Differentiator,
    memo: HashMap<ExprId, ExprId>,
}

impl Routing {
    /// The routing of `lowerer`'s model, its features lowered into its
    /// graph; `None` when no network has features.
    pub fn new(lowerer: &mut Lowerer) -> Option<Routing> {
        let model = lowerer.model;
        let mut values = HashMap::new();
        for (k, f) in model.functions.iter().enumerate() {
            let FunctionKind::Features { field } = f.kind else {
                continue;
            };
            let inner = FuncId(k as u32);
            let net = model
                .nets
                .iter()
                .find(|n| n.outputs.contains(&inner))
                .expect("a network computes each function of features");
            let args: Box<[ExprId]> = net
                .features
                .iter()
                .map(|e| lowerer.expr(e).expect("a checked feature is real").re)
                .collect();
            let zero: MultiIndex = vec![0; args.len()].into();
            let parts: &[Part] = match f.complex {
                true => &[Part::Re, Part::Im],
                false => &[Part::Real],
            };
            for &part in parts {
                let value = lowerer.graph.apply(inner, part, zero.clone(), args.clone());
                values.insert((field, part), value);
            }
        }
        if values.is_empty() {
            return None;
        }
        Some(Routing {
            values,
            function_coords: lowerer.function_coords.clone(),
            diff: Differentiator::new(lowerer.function_coords.clone()),
            memo: HashMap::new(),
        })
    }

    /// `e` with every read of a featured field through its features.
    pub fn route(&mut self, g: &mut Graph, e: ExprId) -> ExprId {
        if let Some(&done) = self.memo.get(&e) {
            return done;
        }
        let out = match g.node(e).clone() {
            Node::Num(_)
            | Node::Coord(_)
            | Node::Learned(_)
            | Node::Normal(_)
            | Node::Column { .. } => e,
            Node::Field {
                function,
                part,
                derivative,
            } => self.at_point(g, function, part, &derivative).unwrap_or(e),
            Node::Apply {
                function,
                part,
                derivative,
                args,
            } => {
                let args: Box<[ExprId]> = args.iter().map(|&a| self.route(g, a)).collect();
                match self.at_point(g, function, part, &derivative) {
                    Some(value) => {
                        let coords = &self.function_coords[function.index()];
                        let replace = coords.iter().copied().zip(args).collect();
                        Substitution::new(&replace, &self.function_coords).apply(g, value)
                    }
                    None => g.apply(function, part, derivative, args),
                }
            }
            _ => g
                .map_operands(e, &mut |g, x| self.route(g, x))
                .expect("an operation"),
        };
        self.memo.insert(e, out);
        out
    }

    /// `∂^derivative` of a featured field's part at the point itself;
    /// `None` for other functions.
    fn at_point(
        &mut self,
        g: &mut Graph,
        function: FuncId,
        part: Part,
        derivative: &[u8],
    ) -> Option<ExprId> {
        let mut value = *self.values.get(&(function, part))?;
        let coords = self.function_coords[function.index()].clone();
        for (c, &order) in coords.iter().zip(derivative) {
            value = self.diff.diff_n(g, value, *c, order as u32);
        }
        Some(value)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Activation, Architecture, Function, Model, Net};
    use crate::source::Span;

    /// `u(x)` read through `N(x^2)`: `u_xx = 4 x^2 N'' + 2 N'`, and `u` at
    /// `x + 1` is `N((x + 1)^2)`.
    #[test]
    fn reads_go_through_the_features_by_the_chain_rule() {
        let (x, phi) = (CoordId(0), CoordId(1));
        let (u, n) = (FuncId(0), FuncId(1));
        let mut model = Model::default();
        for name in ["x", "x^2"] {
            model.coords.push(crate::model::Coord { name: name.into() });
        }
        let function = |name: &str, kind, coords| Function {
            name: name.into(),
            kind,
            coords,
            complex: false,
            domain: None,
            span: Span::default(),
        };
        model
            .functions
            .push(function("u", FunctionKind::Field, vec![x]));
        model.functions.push(function(
            "u",
            FunctionKind::Features { field: u },
            vec![phi],
        ));
        let square = crate::model::Expr::Binary {
            op: crate::model::BinOp::Pow,
            lhs: Box::new(crate::model::Expr::Coord(x)),
            rhs: Box::new(crate::model::Expr::Number(2.0)),
        };
        model.nets.push(Net {
            outputs: vec![n],
            inputs: vec![phi],
            architecture: Architecture::Mlp,
            depth: 1,
            width: 1,
            activation: Activation::Tanh,
            factorized: false,
            fit_initial: false,
            fourier: 0,
            fourier_scales: vec![],
            separate_scales: false,
            time_scales: vec![],
            features: vec![square],
            declared: true,
        });
        let mut lowerer = Lowerer::new(&model);
        let mut routing = Routing::new(&mut lowerer).expect("features");
        let g = &mut lowerer.graph;
        let uxx = g.field(u, Part::Real, vec![2].into());
        let routed = routing.route(g, uxx);
        let xs = g.coord(x);
        let two = g.num(2.0);
        let x2 = g.pow(xs, two);
        let n1 = g.apply(n, Part::Real, vec![1].into(), vec![x2].into());
        let n2 = g.apply(n, Part::Real, vec![2].into(), vec![x2].into());
        let four = g.num(4.0);
        let first = g.mul(&[four, x2, n2]);
        let second = g.mul(&[two, n1]);
        assert_eq!(routed, g.add(&[first, second]));
        let one = g.num(1.0);
        let moved = g.add(&[xs, one]);
        let u_moved = g.apply(u, Part::Real, vec![0].into(), vec![moved].into());
        let routed = routing.route(g, u_moved);
        let moved_square = g.pow(moved, two);
        assert_eq!(
            routed,
            g.apply(n, Part::Real, vec![0].into(), vec![moved_square].into())
        );
    }
}
