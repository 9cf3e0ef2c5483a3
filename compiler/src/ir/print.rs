//! The IR as text: expressions as a person writes them, and the DAG as a
//! numbered node list that shows what is shared.
//!
//! A product prints its coefficient first and its negative powers as a
//! denominator (`-0.5*u_xx/x`); the parts of a complex field print as
//! `h_t.re` and `h_t.im`.

use super::*;
use crate::model::Model;
use crate::model::print::num;

pub struct Printer<'a> {
    pub g: &'a Graph,
    pub m: &'a Model,
}

impl Printer<'_> {
    /// `u_xt`, `d(T, r, theta)`, with `.re`/`.im` for complex parts.
    pub fn function(&self, function: FuncId, part: Part, derivative: &[u8]) -> String {
        let f = self.m.function(function);
        let mut letters = vec![];
        for (c, order) in f.coords.iter().zip(derivative) {
            for _ in 0..*order {
                letters.push(self.m.coord(*c).name.as_str());
            }
        }
        let base = if letters.is_empty() {
            f.name.clone()
        } else if letters.iter().all(|l| l.len() == 1) {
            format!("{}_{}", f.name, letters.concat())
        } else {
            format!("d({}, {})", f.name, letters.join(", "))
        };
        format!("{base}{}", part.suffix())
    }

    pub fn expr(&self, id: ExprId) -> String {
        self.prec(id, 0)
    }

    fn prec(&self, id: ExprId, min: u8) -> String {
        let g = self.g;
        let (p, text) = match g.node(id) {
            Node::Num(bits) => {
                let v = f64::from_bits(*bits);
                (if v < 0.0 { 2 } else { 9 }, num(v))
            }
            Node::Coord(c) => (9, self.m.coord(*c).name.clone()),
            Node::Learned(l) => (9, self.m.learned[l.index()].name.clone()),
            Node::Normal(c) => (9, format!("n_{}", self.m.coord(*c).name)),
            Node::Column { data, column } => {
                let d = &self.m.data[data.index()];
                (9, format!("{}.{}", d.name, d.columns[*column as usize]))
            }
            Node::Field {
                function,
                part,
                derivative,
            } => (9, self.function(*function, *part, derivative)),
            Node::Apply {
                function,
                part,
                derivative,
                args,
            } => {
                let args: Vec<String> = args.iter().map(|&a| self.expr(a)).collect();
                (
                    9,
                    format!(
                        "{}({})",
                        self.function(*function, *part, derivative),
                        args.join(", ")
                    ),
                )
            }
            Node::Add(terms) => {
                let mut out = String::new();
                for (i, &t) in terms.iter().enumerate() {
                    let (negative, text) = self.signed(t);
                    match (i, negative) {
                        (0, true) => out.push_str(&format!("-{text}")),
                        (0, false) => out.push_str(&text),
                        (_, true) => out.push_str(&format!(" - {text}")),
                        (_, false) => out.push_str(&format!(" + {text}")),
                    }
                }
                (1, out)
            }
            Node::Mul(_) => {
                let (negative, text) = self.signed(id);
                if negative {
                    (2, format!("-{text}"))
                } else {
                    (2, text)
                }
            }
            Node::Pow(a, b) => match g.as_num(*b) {
                Some(0.5) => (9, format!("sqrt({})", self.expr(*a))),
                Some(e) if e < 0.0 => (2, format!("1/{}", self.power(*a, -e))),
                _ => (4, format!("{}^{}", self.prec(*a, 5), self.prec(*b, 5))),
            },
            Node::Call(f, a) => (9, f.call_text(&self.expr(*a))),
        };
        if p < min { format!("({text})") } else { text }
    }

    /// `a^e` for a positive exponent (`sqrt(a)` for one half).
    fn power(&self, a: ExprId, e: f64) -> String {
        match e {
            1.0 => self.prec(a, 3),
            0.5 => format!("sqrt({})", self.expr(a)),
            _ => format!("{}^{}", self.prec(a, 5), num(e)),
        }
    }

    /// A term without its sign, and whether the sign is negative.
    fn signed(&self, id: ExprId) -> (bool, String) {
        let g = self.g;
        match g.node(id) {
            Node::Num(bits) if f64::from_bits(*bits) < 0.0 => (true, num(-f64::from_bits(*bits))),
            Node::Mul(factors) => {
                let mut coefficient = 1.0;
                let mut top = vec![];
                let mut bottom = vec![];
                for &f in factors.iter() {
                    match g.node(f) {
                        Node::Num(bits) => coefficient = f64::from_bits(*bits),
                        Node::Pow(a, b) if g.as_num(*b).is_some_and(|e| e < 0.0) => {
                            bottom.push(self.power(*a, -g.as_num(*b).expect("checked")))
                        }
                        _ => top.push(self.prec(f, 3)),
                    }
                }
                let negative = coefficient < 0.0;
                if coefficient.abs() != 1.0 || top.is_empty() {
                    top.insert(0, num(coefficient.abs()));
                }
                let mut text = top.join("*");
                match bottom.len() {
                    0 => {}
                    1 => text = format!("{text}/{}", bottom[0]),
                    _ => text = format!("{text}/({})", bottom.join("*")),
                }
                (negative, text)
            }
            _ => (false, self.prec(id, 2)),
        }
    }

    /// The nodes reachable from `roots`, one per line: `%7 = mul %2, %5`.
    pub fn nodes(&self, roots: &[ExprId]) -> String {
        let mut out = String::new();
        let list = |xs: &[ExprId]| {
            xs.iter()
                .map(|x| format!("%{}", x.0))
                .collect::<Vec<_>>()
                .join(", ")
        };
        for id in self.g.reachable(roots) {
            let text = match self.g.node(id) {
                Node::Num(bits) => format!("num {}", num(f64::from_bits(*bits))),
                Node::Add(xs) => format!("add {}", list(xs)),
                Node::Mul(xs) => format!("mul {}", list(xs)),
                Node::Pow(a, b) => format!("pow %{}, %{}", a.0, b.0),
                Node::Call(f @ (Func::BesselJ(n) | Func::BesselY(n)), a) => {
                    format!("{} {n}, %{}", f.name(), a.0)
                }
                Node::Call(f, a) => format!("{} %{}", f.name(), a.0),
                Node::Apply {
                    function,
                    part,
                    derivative,
                    args,
                } => {
                    format!(
                        "apply {} ({})",
                        self.function(*function, *part, derivative),
                        list(args)
                    )
                }
                Node::Field {
                    function,
                    part,
                    derivative,
                } => format!("field {}", self.function(*function, *part, derivative)),
                _ => format!("leaf {}", self.expr(id)),
            };
            out.push_str(&format!("%{} = {text}\n", id.0));
        }
        out
    }
}
