//! Substitution of coordinates: an expression at other arguments.
//!
//! Input: an expression of the graph and, for some coordinates, the
//! expression that replaces them. Output: the expression with each such
//! coordinate replaced, and each function it reads at the point itself
//! (`Field`) read at the substituted arguments instead (`Apply`), so that
//! `e(x, t)` becomes `e(a(x, t), t)` as a whole. Arguments already at other
//! points (`Apply`) have their arguments substituted in turn.
//!
//! This is how a field read through an output transform is read at other
//! arguments (`u(x + L, t)` when `u` is symmetrised or bounded), and how an
//! integrand is evaluated at quadrature nodes.

use super::*;
use crate::model::CoordId;

/// Replaces coordinates in expressions of one graph, sharing work between
/// calls with the same replacements.
pub struct Substitution<'a> {
    replace: &'a HashMap<CoordId, ExprId>,
    function_coords: &'a [Vec<CoordId>],
    memo: HashMap<ExprId, ExprId>,
}

impl<'a> Substitution<'a> {
    /// `replace[c]` replaces coordinate `c`; `function_coords[f]` lists the
    /// coordinates of function `f` in order.
    pub fn new(
        replace: &'a HashMap<CoordId, ExprId>,
        function_coords: &'a [Vec<CoordId>],
    ) -> Substitution<'a> {
        Substitution {
            replace,
            function_coords,
            memo: HashMap::new(),
        }
    }

    /// `e` with the replacements made.
    pub fn apply(&mut self, g: &mut Graph, e: ExprId) -> ExprId {
        if let Some(&done) = self.memo.get(&e) {
            return done;
        }
        let out = match g.node(e).clone() {
            Node::Coord(c) => self.replace.get(&c).copied().unwrap_or(e),
            Node::Num(_) | Node::Learned(_) | Node::Normal(_) | Node::Column { .. } => e,
            Node::Field {
                function,
                part,
                derivative,
            } => {
                let coords = &self.function_coords[function.index()];
                if coords.iter().any(|c| self.replace.contains_key(c)) {
                    let args: Box<[ExprId]> = coords
                        .iter()
                        .map(|&c| self.replace.get(&c).copied().unwrap_or_else(|| g.coord(c)))
                        .collect();
                    g.apply(function, part, derivative, args)
                } else {
                    e
                }
            }
            Node::Apply {
                function,
                part,
                derivative,
                args,
            } => {
                let args: Box<[ExprId]> = args.iter().map(|&a| self.apply(g, a)).collect();
                g.apply(function, part, derivative, args)
            }
            _ => g
                .map_operands(e, &mut |g, x| self.apply(g, x))
                .expect("an operation"),
        };
        self.memo.insert(e, out);
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ir::diff::Differentiator;
    use crate::model::FuncId;

    /// Substituting `x -> -x` in `u_x * x` and differentiating along `x`
    /// agrees with differentiating first and substituting after, by the
    /// chain rule: `d/dx [u_x(-x) * (-x)] = -u_xx(-x) * (-x) - u_x(-x)`.
    #[test]
    fn substitution_commutes_with_the_chain_rule() {
        let (x, t) = (CoordId(0), CoordId(1));
        let coords = vec![vec![x, t]];
        let u = FuncId(0);
        let mut g = Graph::new();
        let ux = g.field(u, Part::Real, vec![1, 0].into());
        let xs = g.coord(x);
        let e = g.mul(&[ux, xs]);
        let minus_x = g.neg(xs);
        let replace = HashMap::from([(x, minus_x)]);
        let mut s = Substitution::new(&replace, &coords);
        let moved = s.apply(&mut g, e);
        let mut d = Differentiator::new(coords.clone());
        let derivative = d.diff_n(&mut g, moved, x, 1);
        let tc = g.coord(t);
        let args: Box<[ExprId]> = vec![minus_x, tc].into();
        let uxx = g.apply(u, Part::Real, vec![2, 0].into(), args.clone());
        let ux_moved = g.apply(u, Part::Real, vec![1, 0].into(), args);
        let first = g.mul(&[uxx, xs]);
        let expected = g.sub(first, ux_moved);
        assert_eq!(derivative, expected);
    }

    #[test]
    fn an_expression_without_the_coordinate_is_unchanged() {
        let (x, t) = (CoordId(0), CoordId(1));
        let coords = vec![vec![t]];
        let mut g = Graph::new();
        let v = g.field(FuncId(0), Part::Real, vec![1].into());
        let tc = g.coord(t);
        let e = g.add(&[v, tc]);
        let two = g.num(2.0);
        let replace = HashMap::from([(x, two)]);
        assert_eq!(Substitution::new(&replace, &coords).apply(&mut g, e), e);
    }
}
