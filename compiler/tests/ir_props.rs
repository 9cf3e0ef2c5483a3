//! Properties of the symbolic IR on random expressions in two coordinates:
//! derivatives agree with central finite differences, the smart
//! constructors keep the value of the expression they simplify, and
//! interning the same expression twice adds nothing.

use physc_compiler::ir::diff::{Differentiator, Var};
use physc_compiler::ir::eval::{Env, Interpreter, Leaf};
use physc_compiler::ir::{ExprId, Func, Graph, Part};
use physc_compiler::jit::Kernel;
use physc_compiler::model::CoordId;
use physc_compiler::model::{DataId, FuncId, LearnId};
use proptest::prelude::*;

/// A random expression, kept inside the domains of its functions.
#[derive(Clone, Debug)]
enum E {
    X,
    Y,
    Num(f64),
    Add(Box<E>, Box<E>),
    Sub(Box<E>, Box<E>),
    Mul(Box<E>, Box<E>),
    /// `a / (1 + b^2)`
    Div(Box<E>, Box<E>),
    /// `a^n`, or `(1 + a^2)^n` for a negative or fractional `n`
    Pow(Box<E>, f64),
    Call(Func, Box<E>),
}

fn leaf() -> impl Strategy<Value = E> {
    prop_oneof![
        Just(E::X),
        Just(E::Y),
        (-3.0..3.0f64).prop_map(|v| E::Num((v * 4.0).round() / 4.0))
    ]
}

fn expr() -> impl Strategy<Value = E> {
    leaf().prop_recursive(5, 40, 2, |inner| {
        prop_oneof![
            (inner.clone(), inner.clone()).prop_map(|(a, b)| E::Add(Box::new(a), Box::new(b))),
            (inner.clone(), inner.clone()).prop_map(|(a, b)| E::Sub(Box::new(a), Box::new(b))),
            (inner.clone(), inner.clone()).prop_map(|(a, b)| E::Mul(Box::new(a), Box::new(b))),
            (inner.clone(), inner.clone()).prop_map(|(a, b)| E::Div(Box::new(a), Box::new(b))),
            (
                inner.clone(),
                prop::sample::select(vec![2.0, 3.0, -1.0, -2.0, 0.5, -0.5])
            )
                .prop_map(|(a, n)| E::Pow(Box::new(a), n)),
            (prop::sample::select(Func::ALL.to_vec()), inner)
                .prop_map(|(f, a)| E::Call(f, Box::new(a))),
        ]
    })
}

/// The argument given to `f` so that it stays in its domain and values stay
/// moderate: `tanh(a)` for asin/acos, `1 + a^2` for log, `tanh(a)` for the
/// fast-growing exp, sinh, cosh and tan.
fn wrap(f: Func) -> fn(f64) -> f64 {
    match f {
        Func::Asin | Func::Acos | Func::Exp | Func::Sinh | Func::Cosh | Func::Tan => {
            |a: f64| a.tanh()
        }
        Func::Log => |a: f64| 1.0 + a * a,
        _ => |a: f64| a,
    }
}

/// Plain float64 evaluation, no simplification.
fn value(e: &E, x: f64, y: f64) -> f64 {
    match e {
        E::X => x,
        E::Y => y,
        E::Num(v) => *v,
        E::Add(a, b) => value(a, x, y) + value(b, x, y),
        E::Sub(a, b) => value(a, x, y) - value(b, x, y),
        E::Mul(a, b) => value(a, x, y) * value(b, x, y),
        E::Div(a, b) => value(a, x, y) / (1.0 + value(b, x, y).powi(2)),
        E::Pow(a, n) if n.fract() == 0.0 && *n > 0.0 => value(a, x, y).powi(*n as i32),
        E::Pow(a, n) => (1.0 + value(a, x, y).powi(2)).powf(*n),
        E::Call(f, a) => f.apply(wrap(*f)(value(a, x, y))),
    }
}

/// The same expression through the smart constructors.
fn build(e: &E, g: &mut Graph) -> ExprId {
    match e {
        E::X => g.coord(CoordId(0)),
        E::Y => g.coord(CoordId(1)),
        E::Num(v) => g.num(*v),
        E::Add(a, b) => {
            let (a, b) = (build(a, g), build(b, g));
            g.add(&[a, b])
        }
        E::Sub(a, b) => {
            let (a, b) = (build(a, g), build(b, g));
            g.sub(a, b)
        }
        E::Mul(a, b) => {
            let (a, b) = (build(a, g), build(b, g));
            g.mul(&[a, b])
        }
        E::Div(a, b) => {
            let (a, b) = (build(a, g), build(b, g));
            let denominator = one_plus_square(g, b);
            g.div(a, denominator)
        }
        E::Pow(a, n) if n.fract() == 0.0 && *n > 0.0 => {
            let a = build(a, g);
            g.powi(a, *n)
        }
        E::Pow(a, n) => {
            let a = build(a, g);
            let base = one_plus_square(g, a);
            g.powi(base, *n)
        }
        E::Call(f, a) => {
            let a = build(a, g);
            let wrapped = match f {
                Func::Asin | Func::Acos | Func::Exp | Func::Sinh | Func::Cosh | Func::Tan => {
                    g.call(Func::Tanh, a)
                }
                Func::Log => one_plus_square(g, a),
                _ => a,
            };
            g.call(*f, wrapped)
        }
    }
}

fn one_plus_square(g: &mut Graph, a: ExprId) -> ExprId {
    let one = g.num(1.0);
    let a2 = g.powi(a, 2.0);
    g.add(&[one, a2])
}

struct Point(f64, f64);

impl Env for Point {
    fn leaf(&self, leaf: &Leaf) -> f64 {
        match leaf {
            Leaf::Coord(CoordId(0)) => self.0,
            Leaf::Coord(CoordId(1)) => self.1,
            other => panic!("unexpected leaf {other:?}"),
        }
    }
}

fn eval(g: &Graph, id: ExprId, x: f64, y: f64) -> f64 {
    Interpreter::new(g, &[id]).eval(&Point(x, y), &mut vec![])[0]
}

fn close(a: f64, b: f64, rel: f64, scale: f64) -> bool {
    (a - b).abs() <= rel * (scale + a.abs().max(b.abs())) || (a.is_nan() && b.is_nan())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 400, ..ProptestConfig::default() })]

    #[test]
    fn simplification_keeps_the_value(e in expr(), x in -1.0..1.0f64, y in -1.0..1.0f64) {
        let mut g = Graph::new();
        let id = build(&e, &mut g);
        let (simplified, plain) = (eval(&g, id, x, y), value(&e, x, y));
        prop_assume!(plain.is_finite() && plain.abs() < 1e6);
        // Terms that cancel (`y + (-1.75 - (-1.75 + y))`) leave rounding of
        // the size of the inputs (about 1), not of the result.
        prop_assert!(close(simplified, plain, 1e-9, 1.0), "{simplified} vs {plain} for {e:?}");
    }

    #[test]
    fn interning_is_idempotent(e in expr()) {
        let mut g = Graph::new();
        let first = build(&e, &mut g);
        let size = g.len();
        let second = build(&e, &mut g);
        prop_assert_eq!(first, second);
        prop_assert_eq!(size, g.len());
    }

    #[test]
    fn kernels_agree_with_the_interpreter(e in expr(), xs in prop::collection::vec((-1.0..1.0f64, -1.0..1.0f64), 1..40)) {
        let mut g = Graph::new();
        let id = build(&e, &mut g);
        let mut d = Differentiator::new(vec![]);
        let dx = d.diff(&mut g, id, Var::Coord(CoordId(0)));
        let roots = [id, dx];
        let kernel = Kernel::compile(&g, &roots).expect("compiles");
        let native = kernel.eval_with(xs.len(), |leaf, i| match leaf {
            Leaf::Coord(CoordId(0)) => xs[i].0,
            Leaf::Coord(CoordId(1)) => xs[i].1,
            other => panic!("unexpected leaf {other:?}"),
        });
        let interpreter = Interpreter::new(&g, &roots);
        for (i, &(x, y)) in xs.iter().enumerate() {
            let reference = interpreter.eval(&Point(x, y), &mut vec![]);
            for r in 0..roots.len() {
                prop_assert!(close(native[i][r], reference[r], 1e-12, 1e-300), "{} vs {} for {e:?}", native[i][r], reference[r]);
            }
        }
    }

    #[test]
    fn derivatives_agree_with_central_differences(e in expr(), x in -0.9..0.9f64, y in -0.9..0.9f64) {
        let mut g = Graph::new();
        let id = build(&e, &mut g);
        let mut d = Differentiator::new(vec![]);
        for (var, k) in [(Var::Coord(CoordId(0)), 0), (Var::Coord(CoordId(1)), 1)] {
            let derivative = d.diff(&mut g, id, var);
            let symbolic = eval(&g, derivative, x, y);
            let h = 1e-5;
            let at = |s: f64| if k == 0 { value(&e, x + s, y) } else { value(&e, x, y + s) };
            let (f0, fp, fm) = (at(0.0), at(h), at(-h));
            prop_assume!([f0, fp, fm, symbolic].iter().all(|v| v.is_finite() && v.abs() < 1e4));
            // Skip points where the function is not smooth (abs at 0).
            let second = (fp - 2.0 * f0 + fm) / (h * h);
            prop_assume!(second.abs() < 1e6);
            let numeric = (fp - fm) / (2.0 * h);
            prop_assert!(close(symbolic, numeric, 1e-5, 1.0 + f0.abs()), "d/d{k}: {symbolic} vs {numeric} for {e:?}");
        }
    }
}

#[test]
fn every_builtin_derivative_matches_central_differences() {
    for &f in Func::ALL {
        let points: &[f64] = match f {
            Func::Asin | Func::Acos => &[-0.7, 0.1, 0.6],
            Func::Log => &[0.2, 1.0, 7.5],
            // At the kink, the mean of the two sides (as central
            // differences see it), not 0/0.
            Func::Abs => &[-1.3, 0.0, 0.4],
            _ => &[-1.1, 0.0, 0.3, 1.4],
        };
        let mut g = Graph::new();
        let x = g.coord(CoordId(0));
        let fx = g.call(f, x);
        let d = Differentiator::new(vec![]).diff(&mut g, fx, Var::Coord(CoordId(0)));
        for &p in points {
            let h = 1e-6;
            let numeric = (f.apply(p + h) - f.apply(p - h)) / (2.0 * h);
            let symbolic = eval(&g, d, p, 0.0);
            assert!(
                (symbolic - numeric).abs() < 1e-8 * (1.0 + numeric.abs()),
                "{}'({p}): {symbolic} vs {numeric}",
                f.name()
            );
        }
    }
}

/// Every kind of node and leaf, through the kernel and the interpreter.
#[test]
fn kernels_handle_every_node_kind() {
    let mut g = Graph::new();
    let x = g.coord(CoordId(0));
    let u = g.field(FuncId(0), Part::Real, vec![1, 0].into());
    let h = g.field(FuncId(1), Part::Im, vec![0, 2].into());
    let k = g.learned(LearnId(0));
    let a = g.normal(CoordId(1));
    let column = g.column(DataId(0), 2);
    let mut roots: Vec<ExprId> = vec![x, u, h, k, a, column];
    let base = g.add(&[x, u]);
    for e in [2.0, 3.0, 7.0, -1.0, -2.0, 0.5, -0.5, 2.5, 0.0] {
        let one = g.num(1.0);
        let positive = g.powi(base, 2.0);
        let positive = g.add(&[positive, one]);
        roots.push(g.powi(positive, e));
    }
    let square = g.powi(base, 2.0);
    let one = g.num(1.0);
    let positive = g.add(&[square, one]);
    let symbolic_exponent = g.pow(positive, k);
    roots.push(symbolic_exponent);
    for &f in Func::ALL {
        let arg = match f {
            Func::Asin | Func::Acos => g.call(Func::Tanh, base),
            Func::Log => {
                let two = g.num(2.0);
                g.add(&[two, x])
            }
            _ => base,
        };
        roots.push(g.call(f, arg));
    }
    let product = g.mul(&[u, h, k, a, column]);
    roots.push(product);
    let kernel = Kernel::compile(&g, &roots).expect("compiles");
    let value = |leaf: &Leaf, i: usize| -> f64 {
        let i = i as f64;
        match leaf {
            Leaf::Coord(_) => 0.1 + 0.05 * i,
            Leaf::Field {
                function: FuncId(0),
                ..
            } => -0.3 + 0.02 * i,
            Leaf::Field { .. } => 0.7 - 0.01 * i,
            Leaf::Learned(_) => 1.3,
            Leaf::Column { .. } => 2.0 + i,
            Leaf::Normal(_) => 0.6,
            Leaf::Apply(_) => unreachable!("no field at other arguments here"),
        }
    };
    let native = kernel.eval_with(5, value);
    struct Values<'a>(&'a dyn Fn(&Leaf, usize) -> f64, usize);
    impl Env for Values<'_> {
        fn leaf(&self, leaf: &Leaf) -> f64 {
            (self.0)(leaf, self.1)
        }
    }
    let interpreter = Interpreter::new(&g, &roots);
    for (i, row) in native.iter().enumerate().take(5) {
        let reference = interpreter.eval(&Values(&value, i), &mut vec![]);
        for (r, (n, v)) in row.iter().zip(&reference).enumerate() {
            assert!(
                close(*n, *v, 1e-12, 1e-300),
                "root {r} at point {i}: {n} vs {v}"
            );
            assert!(n.is_finite(), "root {r} at point {i} is {n}");
        }
    }
}

/// A function at other arguments is a kernel input, like a field at the
/// point: the runtime gives its value (a network pass at the arguments).
#[test]
fn kernels_read_functions_at_other_arguments_as_inputs() {
    let mut g = Graph::new();
    let x = g.coord(CoordId(0));
    let twice = g.add(&[x, x]);
    let apply = g.apply(FuncId(0), Part::Real, vec![0].into(), vec![twice].into());
    let three = g.num(3.0);
    let root = g.mul(&[three, apply]);
    let kernel = Kernel::compile(&g, &[root]).expect("compiles");
    assert_eq!(
        kernel.leaves(),
        [Leaf::Coord(CoordId(0)), Leaf::Apply(apply)]
    );
    let rows = kernel.eval_with(2, |leaf, i| match leaf {
        Leaf::Apply(_) => 1.5 + i as f64,
        _ => 0.0,
    });
    assert_eq!(rows, [[4.5], [7.5]]);
}
