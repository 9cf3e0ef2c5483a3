//! One contract for every evaluator of the loss program: for every example
//! that trains (DeepXDE's suite in `examples/deepxde/` too), at random weights and in float64, the burn back end's loss
//! terms and the cranelift kernels' residuals equal the reference
//! interpreter's (`physc_compiler::program::interp`) to 1e-10 relative, and
//! burn's gradients with respect to weights, biases and learned scalars
//! match central differences of the interpreter's loss.

use burn::tensor::Tensor;
use physc_compiler::ir::eval::Leaf;
use physc_compiler::ir::{ExprId, Node};
use physc_compiler::jit::Kernel;
use physc_compiler::model::Where;
use physc_compiler::program::geometry::Rng;
use physc_compiler::program::interp::{self, Weights};
use physc_compiler::program::sample::Point;
use physc_compiler::program::{BatchId, FieldValue, LossProgram, point_leaf};

mod common;
use common::{close, networks, points, programs};

#[test]
fn every_example_but_the_refused_has_a_loss_program() {
    let (trainable, refused) = programs();
    assert!(trainable.len() >= 10, "{} examples train", trainable.len());
    assert!(refused.is_empty(), "{refused:?} do not train");
}

#[test]
fn burn_losses_equal_the_interpreter() {
    for (name, loss) in programs().0 {
        let (program, t) = networks(&loss);
        let weights = t.weights();
        let expected = interp::losses(&loss, &weights, &points(&program));
        for (b, term) in program.losses(&t).into_iter().enumerate() {
            let got = term.into_scalar::<f64>();
            let label = &loss.batches[b].label;
            assert!(
                close(got, expected[b], 1e-10),
                "{name} `{label}`: burn {got:e}, interpreter {:e}",
                expected[b]
            );
        }
    }
}

#[test]
fn cranelift_residuals_equal_the_interpreter() {
    for (name, loss) in programs().0 {
        let (program, t) = networks(&loss);
        let weights = t.weights();
        for (b, batch) in program.batches.iter().enumerate() {
            let id = BatchId(b as u32);
            let roots: Vec<ExprId> = loss.batch(id).residuals.iter().map(|r| r.expr).collect();
            // A field at other arguments (a symmetry averaged in, a
            // quadrature node) is a kernel input that a network pass of its
            // own gives; tests/jit.rs checks those kernels in the JIT
            // back end.
            let elsewhere = loss
                .graph
                .reachable(&roots)
                .into_iter()
                .any(|n| matches!(loss.graph.node(n), Node::Apply { .. }));
            if elsewhere {
                continue;
            }
            let kernel = Kernel::compile(&loss.graph, &roots).expect("compiles");
            let pts = &batch.points;
            let leaf = |l: &Leaf, i: usize| leaf_value(&loss, &weights, l, &pts[i]);
            let rows = kernel.eval_with(pts.len(), leaf);
            let expected = interp::residuals(&loss, &weights, id, pts);
            for (r, want) in expected.iter().enumerate() {
                for (i, w) in want.iter().enumerate() {
                    let got = rows[i][r];
                    // Residuals near zero are compared against their scale.
                    let scale = want.iter().fold(0.0f64, |m, v| m.max(v.abs()));
                    assert!(
                        (got - w).abs() <= 1e-10 * scale.max(1e-300) || got.is_nan() && w.is_nan(),
                        "{name} `{}` point {i}: cranelift {got:e}, interpreter {w:e}",
                        loss.batches[b].label
                    );
                }
            }
        }
    }
}

/// A leaf of the IR at a point, from the interpreter's jets.
fn leaf_value(loss: &LossProgram, weights: &Weights, leaf: &Leaf, p: &Point) -> f64 {
    match leaf {
        Leaf::Field {
            function,
            part,
            derivative,
        } => {
            let o = loss.output(*function, *part).expect("an output");
            let plan = loss.net(o.net);
            let x: Vec<f64> = plan.inputs.iter().map(|c| p.coords[c.index()]).collect();
            let jets = interp::jets_at(&loss.graph, plan, &weights.nets[o.net.index()], &x);
            let k = plan
                .jets
                .iter()
                .position(|d| d[..] == derivative[..])
                .expect("a jet the program lists");
            jets[o.column][k]
        }
        Leaf::Learned(l) => weights.scalars[l.index()],
        other => point_leaf(&loss.model, other, p).expect("a point's leaf"),
    }
}

/// What is checked, burn's gradient there, and how to move that weight.
type Check = (String, f64, Box<dyn Fn(&mut Weights, f64)>);

/// burn's reverse pass against central differences of the interpreter's
/// total loss, for a few entries of the first and last layers of each
/// network and every learned scalar.
#[test]
fn burn_gradients_match_differences_of_the_interpreter() {
    for (name, loss) in programs().0 {
        let (program, t) = networks(&loss);
        let weights = t.weights();
        let pts = points(&program);
        // Causal weights are constants of the reverse pass: held where burn took them.
        let total = |w: &Weights| {
            interp::losses_held(&loss, w, &weights, &pts)
                .iter()
                .sum::<f64>()
        };
        let grads = program
            .losses(&t)
            .into_iter()
            .reduce(|a, b| a + b)
            .expect("a batch")
            .backward();
        let values = |x: Tensor<2>| {
            x.into_data()
                .convert::<f64>()
                .try_to_vec::<f64>()
                .expect("floats")
        };
        let mut checks: Vec<Check> = vec![];
        for (n, net) in t.nets.iter().enumerate() {
            for l in [0, net.layers.len() - 1] {
                let weight = net.layers[l].weight.val();
                let columns = weight.dims()[1];
                let g = values(weight.grad(&grads).expect("a weight gradient"));
                // The interpreter's weight is the applied one, `V diag(s)`
                // where factorised, whose gradient is V's over `s`.
                let scale = net.scales.get(l).map(|s| values(s.val().unsqueeze::<2>()));
                for k in [0, g.len() / 2, g.len() - 1] {
                    let per = scale.as_ref().map_or(1.0, |s| s[k % columns]);
                    checks.push((
                        format!("net {n} layer {l} weight {k}"),
                        g[k] / per,
                        Box::new(move |w: &mut Weights, h| w.nets[n].layers[l].weight[k] += h),
                    ));
                }
                let bias = net.layers[l].bias.as_ref().expect("a bias").val();
                // No gradient: the loss does not read it (a learned function
                // known only through its derivatives has no use for the
                // output bias), and the differences must say 0.
                let g = bias
                    .grad(&grads)
                    .map_or(0.0, |g| values(g.unsqueeze::<2>())[0]);
                checks.push((
                    format!("net {n} layer {l} bias 0"),
                    g,
                    Box::new(move |w: &mut Weights, h| w.nets[n].layers[l].bias[0] += h),
                ));
            }
        }
        for (s, scalar) in t.scalars.iter().enumerate() {
            let g = values(
                scalar
                    .val()
                    .grad(&grads)
                    .expect("a scalar gradient")
                    .unsqueeze::<2>(),
            );
            checks.push((
                format!("learned scalar {s}"),
                g[0],
                Box::new(move |w: &mut Weights, h| w.scalars[s] += h),
            ));
        }
        let scale = checks.iter().fold(0.0f64, |m, (_, g, _)| m.max(g.abs()));
        for (what, got, moved) in &checks {
            let central = |h: f64| {
                let (mut up, mut down) = (weights.clone(), weights.clone());
                moved(&mut up, h);
                moved(&mut down, -h);
                (total(&up) - total(&down)) / (2.0 * h)
            };
            // Steps this long keep rounding below 1e-9 even where the loss
            // is 1e4 times the gradient (the plate's elasticity, whose
            // differences at h = 1e-5 are off by 5e-7 relative), and
            // Richardson's extrapolation of the two cancels their h² error.
            let want = (4.0 * central(5e-4) - central(1e-3)) / 3.0;
            assert!(
                (got - want).abs() <= 1e-6 * want.abs().max(1e-3 * scale),
                "{name} {what}: burn {got:e}, differences {want:e}"
            );
        }
    }
}

/// Predictions go through the program's field values: for the model with
/// a hard constraint, burn and the interpreter agree, and the constraint
/// holds to rounding on its circle.
#[test]
fn predictions_follow_the_field_values() {
    let (all, _) = programs();
    let on_set = |l: &LossProgram, f: &FieldValue| {
        f.hard
            .is_some_and(|h| matches!(l.model.constraints[h.index()].on, Where::Set { .. }))
    };
    let (name, loss) = all
        .iter()
        .find(|(_, l)| l.fields.iter().any(|f| on_set(l, f)))
        .expect("an example with a hard constraint on a set");
    let (program, t) = networks(loss);
    let weights = t.weights();
    let field = loss.fields.iter().find(|f| on_set(loss, f)).expect("found");
    let hole = &loss.model.constraints[field.hard.expect("hard").index()];
    let Where::Set { .. } = hole.on else {
        panic!("{name}: the hard constraint is on a set")
    };
    let c = hole;
    let mut rng = Rng::new(3);
    let pts = physc_compiler::program::sample::points(&loss.model, c, &c.on, 50, &mut rng)
        .expect("samples");
    let got = program.predict(&t, field.function, &pts);
    let want = interp::field(loss, &weights, field.function, &pts);
    for (g, w) in got[0].iter().zip(&want[0]) {
        assert!(close(*g, *w, 1e-10), "{name}: burn {g}, interpreter {w}");
        assert!((g - 1.0).abs() < 1e-12, "{name}: the hard value is {g}");
    }
}
