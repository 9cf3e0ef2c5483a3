//! Polynomials over the jet space whose coefficients are linear in unknown
//! constants: the algebra of Lie's determining equations.
//!
//! Input: sums and products built by [`super`]. Output: polynomials in a
//! fixed number of variables, each monomial's coefficient a [`Lin`], a
//! constant plus a combination of unknowns. Invariants: no stored
//! coefficient is zero; a product has at most one factor with unknowns, so
//! every polynomial stays linear in them.

use std::collections::BTreeMap;

/// Exponents, one per variable.
pub type Monomial = Vec<u8>;

/// `c + sum_k a_k * unknown_k`.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Lin {
    pub constant: f64,
    pub unknowns: BTreeMap<usize, f64>,
}

/// What counts as zero in a coefficient: the equations' numbers are of
/// order one, and their sums cancel to round-off.
pub const ZERO: f64 = 1e-12;

impl Lin {
    fn is_zero(&self) -> bool {
        self.constant.abs() <= ZERO && self.unknowns.values().all(|a| a.abs() <= ZERO)
    }

    fn add(&mut self, other: &Lin, scale: f64) {
        self.constant += scale * other.constant;
        for (&k, &a) in &other.unknowns {
            *self.unknowns.entry(k).or_default() += scale * a;
        }
        self.unknowns.retain(|_, a| a.abs() > ZERO);
    }

    fn times(&self, other: &Lin) -> Lin {
        let (number, lin) = if self.unknowns.is_empty() {
            (self.constant, other)
        } else {
            assert!(other.unknowns.is_empty(), "a product of two unknowns");
            (other.constant, self)
        };
        let mut out = Lin::default();
        out.add(lin, number);
        out
    }
}

#[derive(Clone, Debug, Default, PartialEq)]
pub struct Poly {
    pub vars: usize,
    pub terms: BTreeMap<Monomial, Lin>,
}

impl Poly {
    pub fn zero(vars: usize) -> Poly {
        Poly {
            vars,
            terms: BTreeMap::new(),
        }
    }

    pub fn constant(vars: usize, c: f64) -> Poly {
        Poly::zero(vars).plus_term(
            vec![0; vars],
            Lin {
                constant: c,
                ..Lin::default()
            },
        )
    }

    /// The variable `v`.
    pub fn var(vars: usize, v: usize) -> Poly {
        let mut monomial = vec![0; vars];
        monomial[v] = 1;
        Poly::zero(vars).plus_term(
            monomial,
            Lin {
                constant: 1.0,
                ..Lin::default()
            },
        )
    }

    /// `monomial` times the unknown `k`.
    pub fn unknown(vars: usize, monomial: Monomial, k: usize) -> Poly {
        let lin = Lin {
            constant: 0.0,
            unknowns: BTreeMap::from([(k, 1.0)]),
        };
        Poly::zero(vars).plus_term(monomial, lin)
    }

    fn plus_term(mut self, monomial: Monomial, lin: Lin) -> Poly {
        let entry = self.terms.entry(monomial.clone()).or_default();
        entry.add(&lin, 1.0);
        if entry.is_zero() {
            self.terms.remove(&monomial);
        }
        self
    }

    pub fn is_zero(&self) -> bool {
        self.terms.is_empty()
    }

    /// The number, if this polynomial is one.
    pub fn as_number(&self) -> Option<f64> {
        match self.terms.iter().next() {
            None => Some(0.0),
            Some((m, lin)) if self.terms.len() == 1 && m.iter().all(|&e| e == 0) => {
                lin.unknowns.is_empty().then_some(lin.constant)
            }
            _ => None,
        }
    }

    pub fn add(&self, other: &Poly) -> Poly {
        self.add_scaled(other, 1.0)
    }

    pub fn sub(&self, other: &Poly) -> Poly {
        self.add_scaled(other, -1.0)
    }

    pub fn add_scaled(&self, other: &Poly, scale: f64) -> Poly {
        let mut out = self.clone();
        for (m, lin) in &other.terms {
            let entry = out.terms.entry(m.clone()).or_default();
            entry.add(lin, scale);
            if entry.is_zero() {
                out.terms.remove(m);
            }
        }
        out
    }

    pub fn scale(&self, c: f64) -> Poly {
        Poly::zero(self.vars).add_scaled(self, c)
    }

    /// The product; at most one of the two may hold unknowns.
    pub fn mul(&self, other: &Poly) -> Poly {
        let mut out = Poly::zero(self.vars);
        for (a, x) in &self.terms {
            for (b, y) in &other.terms {
                let monomial: Monomial = a.iter().zip(b).map(|(i, j)| i + j).collect();
                out = out.plus_term(monomial, x.times(y));
            }
        }
        out
    }

    pub fn pow(&self, n: u32) -> Poly {
        (0..n).fold(Poly::constant(self.vars, 1.0), |acc, _| acc.mul(self))
    }

    /// The partial derivative along variable `v`.
    pub fn diff(&self, v: usize) -> Poly {
        let mut out = Poly::zero(self.vars);
        for (m, lin) in &self.terms {
            if m[v] == 0 {
                continue;
            }
            let mut lowered = m.clone();
            lowered[v] -= 1;
            let mut scaled = Lin::default();
            scaled.add(lin, f64::from(m[v]));
            out = out.plus_term(lowered, scaled);
        }
        out
    }

    /// This polynomial with variable `v` replaced by `by` (which holds no
    /// unknowns).
    pub fn substitute(&self, v: usize, by: &Poly) -> Poly {
        let mut out = Poly::zero(self.vars);
        for (m, lin) in &self.terms {
            let mut rest = m.clone();
            rest[v] = 0;
            let term = Poly::zero(self.vars).plus_term(rest, lin.clone());
            out = out.add(&term.mul(&by.pow(u32::from(m[v]))));
        }
        out
    }

    /// Whether any monomial has variable `v`.
    pub fn has(&self, v: usize) -> bool {
        self.terms.keys().any(|m| m[v] > 0)
    }

    /// The polynomial with every unknown given its value.
    pub fn with_values(&self, values: &[f64]) -> Poly {
        let mut out = Poly::zero(self.vars);
        for (m, lin) in &self.terms {
            let c = lin.constant
                + lin
                    .unknowns
                    .iter()
                    .map(|(&k, a)| a * values[k])
                    .sum::<f64>();
            out = out.plus_term(
                m.clone(),
                Lin {
                    constant: c,
                    ..Lin::default()
                },
            );
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn products_derivatives_and_substitution() {
        let (x, y) = (Poly::var(2, 0), Poly::var(2, 1));
        let p = x.mul(&x).mul(&y).add(&y.scale(3.0)); // x^2 y + 3y
        assert_eq!(p.diff(0), x.mul(&y).scale(2.0));
        assert_eq!(p.diff(1), x.mul(&x).add(&Poly::constant(2, 3.0)));
        // y = x + 1: x^3 + x^2 + 3x + 3.
        let q = p.substitute(1, &x.add(&Poly::constant(2, 1.0)));
        let expected = x
            .pow(3)
            .add(&x.pow(2))
            .add(&x.scale(3.0))
            .add(&Poly::constant(2, 3.0));
        assert_eq!(q, expected);
        assert!(p.sub(&p).is_zero());
        let a = Poly::unknown(2, vec![1, 0], 0); // a0 * x
        assert_eq!(a.mul(&y).with_values(&[2.0]), x.mul(&y).scale(2.0));
    }
}
