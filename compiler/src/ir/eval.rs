//! The reference interpreter: IR roots evaluated in float64, one point at a
//! time.
//!
//! [`Interpreter::new`] flattens the nodes reachable from the roots into
//! instructions over value slots (arena order, so children come first);
//! [`Interpreter::eval`] runs them for one point, reading leaves from an
//! [`Env`]. It is the yardstick the native kernels are tested against.

use super::*;

/// A value the IR reads from outside: coordinates, scalars, data columns,
/// and network outputs and their derivatives.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Leaf {
    Coord(CoordId),
    Learned(LearnId),
    /// A component of the outward normal at a boundary point.
    Normal(CoordId),
    Column {
        data: DataId,
        column: u32,
    },
    Field {
        function: FuncId,
        part: Part,
        derivative: MultiIndex,
    },
    /// A function's output at other arguments: the graph's `Apply` node.
    /// Native kernels read it as an input the runtime computes; the
    /// interpreter evaluates it through [`Env::apply`] instead.
    Apply(ExprId),
}

/// Where leaf values come from at one point.
pub trait Env {
    fn leaf(&self, leaf: &Leaf) -> f64;
    /// A function's output at other arguments. Environments that have no
    /// networks return NaN.
    fn apply(&self, _function: FuncId, _part: Part, _derivative: &[u8], _args: &[f64]) -> f64 {
        f64::NAN
    }
}

#[derive(Clone, Debug)]
enum Instr {
    Num(f64),
    Leaf(usize),
    Apply {
        function: FuncId,
        part: Part,
        derivative: MultiIndex,
        args: Vec<usize>,
    },
    Add(Vec<usize>),
    Mul(Vec<usize>),
    Pow(usize, usize),
    Call(Func, usize),
}

/// A compiled evaluation order for a set of roots.
#[derive(Clone, Debug)]
pub struct Interpreter {
    instrs: Vec<Instr>,
    leaves: Vec<Leaf>,
    roots: Vec<usize>,
}

impl Interpreter {
    pub fn new(g: &Graph, roots: &[ExprId]) -> Interpreter {
        let order = g.reachable(roots);
        let slot: HashMap<ExprId, usize> =
            order.iter().enumerate().map(|(i, &id)| (id, i)).collect();
        let mut leaves = vec![];
        let instrs = order
            .iter()
            .map(|&id| {
                let s = |x: &ExprId| slot[x];
                match g.node(id) {
                    Node::Num(bits) => Instr::Num(f64::from_bits(*bits)),
                    Node::Add(xs) => Instr::Add(xs.iter().map(s).collect()),
                    Node::Mul(xs) => Instr::Mul(xs.iter().map(s).collect()),
                    Node::Pow(a, b) => Instr::Pow(s(a), s(b)),
                    Node::Call(f, a) => Instr::Call(*f, s(a)),
                    Node::Apply {
                        function,
                        part,
                        derivative,
                        args,
                    } => Instr::Apply {
                        function: *function,
                        part: *part,
                        derivative: derivative.clone(),
                        args: args.iter().map(s).collect(),
                    },
                    other => {
                        leaves.push(leaf_of(other).expect("every other node is a leaf"));
                        Instr::Leaf(leaves.len() - 1)
                    }
                }
            })
            .collect();
        Interpreter {
            instrs,
            leaves,
            roots: roots.iter().map(|r| slot[r]).collect(),
        }
    }

    /// The leaves the roots read, in the order `eval` asks for them.
    pub fn leaves(&self) -> &[Leaf] {
        &self.leaves
    }

    /// Evaluates the roots at one point; `scratch` is reused between calls.
    pub fn eval(&self, env: &dyn Env, scratch: &mut Vec<f64>) -> Vec<f64> {
        scratch.clear();
        for instr in &self.instrs {
            let v = match instr {
                Instr::Num(v) => *v,
                Instr::Leaf(k) => env.leaf(&self.leaves[*k]),
                Instr::Apply {
                    function,
                    part,
                    derivative,
                    args,
                } => {
                    let args: Vec<f64> = args.iter().map(|&a| scratch[a]).collect();
                    env.apply(*function, *part, derivative, &args)
                }
                Instr::Add(xs) => xs.iter().map(|&x| scratch[x]).sum(),
                Instr::Mul(xs) => xs.iter().map(|&x| scratch[x]).product(),
                Instr::Pow(a, b) => pow(scratch[*a], scratch[*b]),
                Instr::Call(f, a) => f.apply(scratch[*a]),
            };
            scratch.push(v);
        }
        self.roots.iter().map(|&r| scratch[r]).collect()
    }
}

/// `a^b` as [`Power`] says: whole exponents by repeated multiplication, so
/// that negative bases work.
pub fn pow(a: f64, b: f64) -> f64 {
    match Power::of(b) {
        Power::Whole(n) if n > 0 => a.powi(n),
        Power::Whole(n) => 1.0 / a.powi(-n),
        Power::Sqrt => a.sqrt(),
        Power::RecipSqrt => 1.0 / a.sqrt(),
        Power::Real(e) => a.powf(e),
    }
}

/// The leaf a node reads, if it is one.
pub fn leaf_of(node: &Node) -> Option<Leaf> {
    Some(match node {
        Node::Coord(c) => Leaf::Coord(*c),
        Node::Learned(l) => Leaf::Learned(*l),
        Node::Normal(c) => Leaf::Normal(*c),
        Node::Column { data, column } => Leaf::Column {
            data: *data,
            column: *column,
        },
        Node::Field {
            function,
            part,
            derivative,
        } => Leaf::Field {
            function: *function,
            part: *part,
            derivative: derivative.clone(),
        },
        _ => return None,
    })
}
