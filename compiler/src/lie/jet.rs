//! The jet space of one field, and its equations as polynomials on it.
//!
//! Input: a field's coordinates and the highest derivative order needed.
//! Output: the variables `x^1..x^n, u, u_J` (the field's own coordinates,
//! in its order, whatever other coordinates the model has; every multi-index `J` of
//! order 1 up to that order), total derivatives `D_i` on polynomials over
//! them, and the conversion of an IR expression into such a polynomial
//! (refused, with the reason, when it is not one: a function call, a
//! learned scalar, another field).

use super::poly::Poly;
use crate::ir::{ExprId, Graph, Node, Part};
use crate::model::{CoordId, FuncId};

pub struct Jet {
    /// The field's coordinates: variable `i` is `coords[i]`.
    pub coords: Vec<CoordId>,
    /// Number of coordinates.
    pub n: usize,
    /// The multi-index of each variable from `n + 1` on.
    pub indices: Vec<Vec<u8>>,
}

impl Jet {
    /// Every derivative of order 1 to `order` in the coordinates `coords`.
    pub fn new(coords: Vec<CoordId>, order: u8) -> Jet {
        let n = coords.len();
        let indices = super::monomials(n, u32::from(order))
            .into_iter()
            .skip(1)
            .collect();
        Jet { coords, n, indices }
    }

    pub fn vars(&self) -> usize {
        self.n + 1 + self.indices.len()
    }

    pub fn u(&self) -> usize {
        self.n
    }

    /// The variable of `u` differentiated by `index` (`u` for all zeros).
    pub fn var(&self, index: &[u8]) -> Option<usize> {
        if index.iter().all(|&o| o == 0) {
            return Some(self.n);
        }
        self.indices
            .iter()
            .position(|j| j == index)
            .map(|k| self.n + 1 + k)
    }

    /// The multi-index of a variable of `u` (`None` for a coordinate).
    pub fn index(&self, var: usize) -> Option<Vec<u8>> {
        match var {
            v if v < self.n => None,
            v if v == self.n => Some(vec![0; self.n]),
            v => Some(self.indices[v - self.n - 1].clone()),
        }
    }

    /// `D_i p`: the derivative along coordinate `i` with `u` and its
    /// derivatives depending on it. `None` when it would need a derivative
    /// of higher order than the jet has.
    pub fn total(&self, p: &Poly, i: usize) -> Option<Poly> {
        let mut out = p.diff(i);
        for v in self.n..self.vars() {
            if !p.has(v) {
                continue;
            }
            let mut raised = self.index(v)?;
            raised[i] += 1;
            let next = Poly::var(self.vars(), self.var(&raised)?);
            out = out.add(&next.mul(&p.diff(v)));
        }
        Some(out)
    }

    /// `D_J p`, as `D_{j1} D_{j2} ... p`.
    pub fn total_index(&self, p: &Poly, index: &[u8]) -> Option<Poly> {
        let mut out = p.clone();
        for (i, &order) in index.iter().enumerate() {
            for _ in 0..order {
                out = self.total(&out, i)?;
            }
        }
        Some(out)
    }

    /// The IR expression `e` as a polynomial in the jet of `field`.
    pub fn polynomial(&self, g: &Graph, e: ExprId, field: FuncId) -> Result<Poly, String> {
        let vars = self.vars();
        Ok(match g.node(e) {
            Node::Num(bits) => Poly::constant(vars, f64::from_bits(*bits)),
            Node::Coord(c) => {
                let i = self.coords.iter().position(|x| x == c);
                Poly::var(vars, i.ok_or("a coordinate the field does not have")?)
            }
            Node::Field {
                function,
                part: Part::Real,
                derivative,
            } if *function == field => {
                let var = self.var(derivative).ok_or("a derivative beyond the jet")?;
                Poly::var(vars, var)
            }
            Node::Add(terms) => {
                let mut sum = Poly::zero(vars);
                for &t in terms.iter() {
                    sum = sum.add(&self.polynomial(g, t, field)?);
                }
                sum
            }
            Node::Mul(factors) => {
                let mut product = Poly::constant(vars, 1.0);
                for &f in factors.iter() {
                    product = product.mul(&self.polynomial(g, f, field)?);
                }
                product
            }
            Node::Pow(base, exponent) => {
                let exponent = g
                    .as_num(*exponent)
                    .ok_or("a power with a variable exponent")?;
                let base = self.polynomial(g, *base, field)?;
                match base.as_number() {
                    Some(b) => Poly::constant(vars, b.powf(exponent)),
                    None if exponent >= 0.0 && exponent.fract() == 0.0 && exponent <= 16.0 => {
                        base.pow(exponent as u32)
                    }
                    None => return Err(format!("a power {exponent} of a variable")),
                }
            }
            Node::Call(f, _) => return Err(format!("the function `{}`", f.name())),
            Node::Learned(_) => return Err("a learned scalar".to_string()),
            Node::Column { .. } => return Err("a data column".to_string()),
            Node::Normal(_) => return Err("the outward normal".to_string()),
            Node::Field { .. } | Node::Apply { .. } => return Err("another field".to_string()),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn total_derivatives_follow_the_chain_rule() {
        // Coordinates x, t; D_x(u * u_x) = u_x^2 + u u_xx.
        let jet = Jet::new(vec![CoordId(0), CoordId(1)], 3);
        let vars = jet.vars();
        let u = Poly::var(vars, jet.u());
        let ux = Poly::var(vars, jet.var(&[1, 0]).unwrap());
        let uxx = Poly::var(vars, jet.var(&[2, 0]).unwrap());
        let x = Poly::var(vars, 0);
        let p = u.mul(&ux).add(&x.mul(&x));
        let expected = ux.mul(&ux).add(&u.mul(&uxx)).add(&x.scale(2.0));
        assert_eq!(jet.total(&p, 0).unwrap(), expected);
        assert_eq!(jet.indices.len(), 2 + 3 + 4);
        // Beyond the jet's order there is no derivative.
        let top = Poly::var(vars, jet.var(&[3, 0]).unwrap());
        assert!(jet.total(&top, 0).is_none());
    }
}
