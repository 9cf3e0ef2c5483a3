//! Taylor-mode jets against float64 finite differences of the same network:
//! every derivative up to third order, mixed ones included, for each
//! activation.

use burn::tensor::{Device, FloatDType, Tensor, TensorData};
use physc_compiler::model::{Activation, Architecture};
use physc_compiler::program::geometry::Rng;
use physc_runtime::net::{Embedding, Hidden, JetPlan, Mlp};

fn device() -> Device {
    let mut device = Device::flex();
    // Settings can be set once per device; later calls in the same process fail harmlessly.
    let _ = device.configure(FloatDType::F64);
    device
}

fn values<const D: usize>(t: Tensor<D>) -> Vec<f64> {
    t.into_data()
        .convert::<f64>()
        .try_to_vec::<f64>()
        .expect("f64 data")
}

/// The network's value at one point.
fn value(net: &Mlp, activation: Activation, p: [f64; 2], device: &Device) -> f64 {
    let plan = JetPlan::new(&[], 2);
    let x = Tensor::<2>::from_data(TensorData::new(p.to_vec(), [1, 2]), device);
    values(
        net.jets(x, activation, &plan, None)[0]
            .clone()
            .expect("a value"),
    )[0]
}

/// ∂^α f at p by nested central differences (step h per order).
fn difference(f: &dyn Fn([f64; 2]) -> f64, p: [f64; 2], alpha: [u8; 2], h: f64) -> f64 {
    if let Some(k) = (0..2).find(|&k| alpha[k] > 0) {
        let mut lower = alpha;
        lower[k] -= 1;
        let (mut plus, mut minus) = (p, p);
        plus[k] += h;
        minus[k] -= h;
        (difference(f, plus, lower, h) - difference(f, minus, lower, h)) / (2.0 * h)
    } else {
        f(p)
    }
}

/// How the reference derivative is taken from the network's values.
#[derive(Clone, Copy)]
enum Differences {
    /// Nested central differences, step h.
    Central,
    /// Richardson's extrapolation of central differences with steps h and
    /// h/2: for networks whose high derivatives are large, where the h^2
    /// error of plain differences would exceed the tolerance.
    Richardson,
}

/// The network's jet entries `wanted` at `points` (one vector per
/// multi-index), each checked against finite differences of its value:
/// steps 1e-5, 1e-4, 1e-3 and relative tolerances 1e-8, 1e-6, 1e-4 by
/// order. `what` names the case in failures.
fn checked_jets(
    net: &Mlp,
    activation: Activation,
    wanted: &[Vec<u8>],
    points: &[[f64; 2]],
    differences: Differences,
    what: &str,
    device: &Device,
) -> Vec<Vec<f64>> {
    let plan = JetPlan::new(wanted, 2);
    let flat: Vec<f64> = points.iter().flatten().copied().collect();
    let x = Tensor::<2>::from_data(TensorData::new(flat, [points.len(), 2]), device);
    let jets = net.jets(x, activation, &plan, None);
    let f = |p: [f64; 2]| value(net, activation, p, device);
    wanted
        .iter()
        .map(|alpha| {
            let k = plan.position(alpha).expect("planned");
            let got = values(jets[k].clone().expect("non-zero"));
            let order = alpha.iter().map(|&o| o as usize).sum::<usize>();
            let h = [0.0, 1e-5, 1e-4, 1e-3][order];
            let alpha = [alpha[0], alpha[1]];
            for (i, p) in points.iter().enumerate() {
                let want = match differences {
                    Differences::Central => difference(&f, *p, alpha, h),
                    Differences::Richardson => {
                        (4.0 * difference(&f, *p, alpha, h / 2.0) - difference(&f, *p, alpha, h))
                            / 3.0
                    }
                };
                let tolerance = [0.0, 1e-8, 1e-6, 1e-4][order] * (1.0 + want.abs());
                assert!(
                    (got[i] - want).abs() < tolerance,
                    "{what} d{alpha:?} at {p:?}: jet {} vs differences {want}",
                    got[i]
                );
            }
            got
        })
        .collect()
}

#[test]
fn jets_match_finite_differences() {
    let device = device();
    let wanted: Vec<Vec<u8>> = vec![
        vec![1, 0],
        vec![0, 1],
        vec![2, 0],
        vec![1, 1],
        vec![0, 2],
        vec![3, 0],
        vec![2, 1],
        vec![0, 3],
    ];
    let points = [[0.3, -0.2], [-0.7, 0.5], [0.05, 0.9]];
    for activation in [
        Activation::Tanh,
        Activation::Sin,
        Activation::Softplus,
        Activation::Swish,
        Activation::Gelu,
        Activation::Sigmoid,
    ] {
        let net = Mlp::new(
            2,
            1,
            Hidden::mlp(3, 8),
            &Embedding::default(),
            &mut Rng::new(3),
            &device,
        );
        let what = format!("{activation:?}");
        checked_jets(
            &net,
            activation,
            &wanted,
            &points,
            Differences::Central,
            &what,
            &device,
        );
    }
}

#[test]
fn the_value_is_the_plain_forward_pass() {
    let device = device();
    let net = Mlp::new(
        2,
        3,
        Hidden::mlp(2, 5),
        &Embedding::default(),
        &mut Rng::new(5),
        &device,
    );
    let x = Tensor::<2>::from_data(TensorData::new(vec![0.1, 0.2, -0.3, 0.4], [2, 2]), &device);
    let plan = JetPlan::new(&[vec![1, 0]], 2);
    let jet = values(
        net.jets(x.clone(), Activation::Tanh, &plan, None)[0]
            .clone()
            .expect("value"),
    );
    let mut a = x;
    for layer in &net.layers[..net.layers.len() - 1] {
        a = layer.forward(a).tanh();
    }
    let plain = values(net.layers.last().expect("output layer").forward(a));
    assert_eq!(jet.len(), 6);
    for (j, p) in jet.iter().zip(&plain) {
        assert!((j - p).abs() < 1e-15, "{j} vs {p}");
    }
}

/// A loss built from every jet entry, for the gradient test.
fn jet_loss(net: &Mlp, activation: Activation, plan: &JetPlan, x: &Tensor<2>) -> Tensor<1> {
    net.jets(x.clone(), activation, plan, None)
        .into_iter()
        .flatten()
        .enumerate()
        .map(|(k, j)| j.powi_scalar(2).sum().mul_scalar(1.0 / (k + 1) as f64))
        .reduce(|a, b| a + b)
        .expect("entries")
}

/// The reverse pass through the jets gives the gradient of the loss with
/// respect to every layer's weights, against central differences in the
/// weights (the activations reattach their detached values, so this is
/// where a wrong slope would show).
#[test]
fn weight_gradients_match_finite_differences() {
    let device = device().autodiff();
    let plan = JetPlan::new(&[vec![1, 0], vec![0, 1], vec![2, 0], vec![1, 2]], 2);
    let x = Tensor::<2>::from_data(
        TensorData::new(vec![0.3, -0.2, -0.7, 0.5, 0.05, 0.9], [3, 2]),
        &device,
    );
    for activation in [
        Activation::Tanh,
        Activation::Sin,
        Activation::Softplus,
        Activation::Swish,
        Activation::Gelu,
        Activation::Sigmoid,
    ] {
        let net = Mlp::new(
            2,
            1,
            Hidden::mlp(2, 4),
            &Embedding::default(),
            &mut Rng::new(7),
            &device,
        );
        let grads = jet_loss(&net, activation, &plan, &x).backward();
        for layer in 0..net.layers.len() {
            let weight = net.layers[layer].weight.val();
            let gradient = values(weight.grad(&grads).expect("a gradient"));
            let [rows, cols] = weight.dims();
            let at = |k: usize, h: f64| {
                let mut w = values(weight.clone().detach());
                w[k] += h;
                let mut moved = net.clone();
                moved.layers[layer].weight = burn::module::Param::from_tensor(
                    Tensor::<2>::from_data(TensorData::new(w, [rows, cols]), &device),
                );
                values(
                    jet_loss(&moved, activation, &plan, &x)
                        .reshape([1, 1])
                        .detach(),
                )[0]
            };
            for k in [0, rows * cols / 2, rows * cols - 1] {
                let h = 1e-6;
                let want = (at(k, h) - at(k, -h)) / (2.0 * h);
                assert!(
                    (gradient[k] - want).abs() < 1e-6 * (1.0 + want.abs()),
                    "{activation:?} layer {layer} weight {k}: reverse {} vs differences {want}",
                    gradient[k]
                );
            }
        }
    }
}

/// A Fourier-feature embedding (two scales) is a fixed sine layer first:
/// its jets match finite differences too, to third order.
#[test]
fn jets_through_fourier_features_match_finite_differences() {
    let device = device();
    let wanted: Vec<Vec<u8>> = vec![vec![1, 0], vec![0, 1], vec![2, 0], vec![1, 1], vec![0, 3]];
    let net = Mlp::new(
        2,
        1,
        Hidden::mlp(2, 8),
        &Embedding {
            fourier: 3,
            scales: vec![0.2, 0.6],
            ..Embedding::default()
        },
        &mut Rng::new(9),
        &device,
    );
    // Three sines and three cosines at each of two scales.
    let fourier = net.fourier.as_ref().expect("a Fourier embedding");
    assert_eq!(fourier.weight.dims(), [2, 12]);
    let points = [[0.3, -0.2], [-0.7, 0.5]];
    checked_jets(
        &net,
        Activation::Tanh,
        &wanted,
        &points,
        Differences::Richardson,
        "fourier",
        &device,
    );
}

/// Each scale through the hidden layers on its own (`multiscale =
/// separate`): the first layer reads one scale's six features, the last
/// both paths' eight units; the jets match finite differences and equal
/// the interpreter's (tests/conformance.rs checks whole programs).
#[test]
fn jets_through_separate_fourier_scales_match_finite_differences() {
    let device = device();
    let wanted: Vec<Vec<u8>> = vec![vec![1, 0], vec![0, 1], vec![2, 0], vec![1, 1], vec![0, 3]];
    let embedding = Embedding {
        fourier: 3,
        scales: vec![0.2, 0.6],
        separate: true,
        ..Embedding::default()
    };
    let net = Mlp::new(
        2,
        1,
        Hidden::mlp(2, 8),
        &embedding,
        &mut Rng::new(9),
        &device,
    );
    assert_eq!(net.weight(0).dims(), [6, 8]);
    assert_eq!(net.weight(2).dims(), [16, 1]);
    let points = [[0.3, -0.2], [-0.7, 0.5]];
    checked_jets(
        &net,
        Activation::Tanh,
        &wanted,
        &points,
        Differences::Richardson,
        "separate scales",
        &device,
    );
}

/// Spatio-temporal scales (`time_scale`): a path of x's features at one
/// scale and paths of t's at two, each x path times each t path before
/// the last layer (Leibniz's rule in every jet entry).
#[test]
fn jets_through_space_times_time_paths_match_finite_differences() {
    let device = device();
    let wanted: Vec<Vec<u8>> = vec![vec![1, 0], vec![0, 1], vec![2, 0], vec![1, 1], vec![0, 2]];
    let embedding = Embedding {
        fourier: 3,
        scales: vec![0.3],
        separate: true,
        time_scales: vec![0.2, 0.6],
        time: Some(1),
        ..Embedding::default()
    };
    let net = Mlp::new(
        2,
        1,
        Hidden::mlp(2, 8),
        &embedding,
        &mut Rng::new(5),
        &device,
    );
    // Three paths of six features; two products of eight units.
    assert_eq!(net.weight(0).dims(), [6, 8]);
    assert_eq!(net.weight(2).dims(), [16, 1]);
    // x's features read no t, t's no x.
    let fourier = net.fourier.as_ref().expect("a Fourier embedding");
    let b = values(fourier.weight.clone());
    for column in 0..9 {
        let (x, t) = (b[column], b[18 + column]);
        assert!(
            (x == 0.0) == (column >= 3) && (t == 0.0) == (column < 3),
            "column {column}"
        );
    }
    let points = [[0.3, -0.2], [-0.7, 0.5]];
    checked_jets(
        &net,
        Activation::Tanh,
        &wanted,
        &points,
        Differences::Richardson,
        "space times time",
        &device,
    );
    // With x periodic, the embedding passes t first, then x's sine and
    // cosine: t's features read only the first embedded column.
    let periodic = Embedding {
        periods: vec![Some(2.0), None],
        ..embedding
    };
    let net = Mlp::new(
        2,
        1,
        Hidden::mlp(2, 8),
        &periodic,
        &mut Rng::new(5),
        &device,
    );
    let b = values(
        net.fourier
            .as_ref()
            .expect("a Fourier embedding")
            .weight
            .clone(),
    );
    for column in 0..9 {
        let (t, sine, cosine) = (b[column], b[18 + column], b[36 + column]);
        let of_space = column < 3;
        assert!((t == 0.0) == of_space, "column {column}");
        assert!(
            (sine != 0.0) == of_space && (cosine != 0.0) == of_space,
            "column {column}"
        );
    }
    checked_jets(
        &net,
        Activation::Tanh,
        &wanted,
        &points,
        Differences::Richardson,
        "periodic space times time",
        &device,
    );
}

/// A periodic input (period 2 in x, t passed through, with and without
/// Fourier features after it): the jets match finite differences to third order,
/// and value and derivatives repeat one period on.
#[test]
fn jets_through_a_periodic_embedding_match_and_repeat() {
    let device = device();
    let wanted: Vec<Vec<u8>> = vec![vec![1, 0], vec![0, 1], vec![2, 0], vec![1, 1], vec![3, 0]];
    for fourier in [0, 2] {
        let embedding = Embedding {
            periods: vec![Some(2.0), None],
            fourier,
            scales: vec![0.2],
            ..Embedding::default()
        };
        let net = Mlp::new(
            2,
            1,
            Hidden::mlp(2, 8),
            &embedding,
            &mut Rng::new(11),
            &device,
        );
        assert!(net.periodic.is_some());
        let points = [[0.3, -0.2], [-0.7, 0.5], [1.3, 0.5]];
        let what = format!("fourier {fourier},");
        let jets = checked_jets(
            &net,
            Activation::Tanh,
            &wanted,
            &points,
            Differences::Richardson,
            &what,
            &device,
        );
        for (alpha, got) in wanted.iter().zip(&jets) {
            // x = 1.3 is x = -0.7 one period on.
            assert!(
                (got[2] - got[1]).abs() < 1e-12 * (1.0 + got[1].abs()),
                "fourier {fourier}, d{alpha:?}: {} one period on from {}",
                got[2],
                got[1]
            );
        }
    }
}

/// A modified MLP with factorised weights: its gated jets match finite
/// differences to third order, and the gradients of a jet loss with
/// respect to the gates' weights and the weight scales match differences
/// of the loss.
#[test]
fn jets_through_a_gated_factorised_network_match_finite_differences() {
    let device = device().autodiff();
    let wanted: Vec<Vec<u8>> = vec![vec![1, 0], vec![0, 1], vec![2, 0], vec![1, 1], vec![0, 3]];
    let hidden = Hidden {
        architecture: Architecture::Modified,
        factorized: true,
        ..Hidden::mlp(3, 6)
    };
    let net = Mlp::new(
        2,
        1,
        hidden,
        &Embedding::default(),
        &mut Rng::new(13),
        &device,
    );
    assert_eq!((net.gates.len(), net.scales.len()), (2, 6));
    let points = [[0.3, -0.2], [-0.7, 0.5], [0.05, 0.9]];
    checked_jets(
        &net,
        Activation::Tanh,
        &wanted,
        &points,
        Differences::Richardson,
        "modified",
        &device,
    );
    let plan = JetPlan::new(&wanted, 2);
    let x = Tensor::<2>::from_data(TensorData::new(vec![0.3, -0.2, -0.7, 0.5], [2, 2]), &device);
    let grads = jet_loss(&net, Activation::Tanh, &plan, &x).backward();
    let loss_at = |moved: &Mlp| {
        values(
            jet_loss(moved, Activation::Tanh, &plan, &x)
                .reshape([1, 1])
                .detach(),
        )[0]
    };
    for gate in 0..2 {
        let weight = net.gates[gate].weight.val();
        let gradient = values(weight.grad(&grads).expect("a gradient"));
        let dims = weight.dims();
        for k in [0, dims[0] * dims[1] - 1] {
            let at = |h: f64| {
                let mut w = values(weight.clone().detach());
                w[k] += h;
                let mut moved = net.clone();
                moved.gates[gate].weight = burn::module::Param::from_tensor(
                    Tensor::<2>::from_data(TensorData::new(w, dims), &device),
                );
                loss_at(&moved)
            };
            let want = (at(1e-6) - at(-1e-6)) / 2e-6;
            assert!(
                (gradient[k] - want).abs() < 1e-6 * (1.0 + want.abs()),
                "gate {gate} weight {k}: reverse {} vs differences {want}",
                gradient[k]
            );
        }
    }
    for layer in [0, 3, 5] {
        let scale = net.scales[layer].val();
        let gradient = values(scale.grad(&grads).expect("a gradient"));
        let at = |h: f64| {
            let mut g = values(scale.clone().detach());
            g[0] += h;
            let mut moved = net.clone();
            let n = g.len();
            moved.scales[layer] = burn::module::Param::from_tensor(Tensor::<1>::from_data(
                TensorData::new(g, [n]),
                &device,
            ));
            loss_at(&moved)
        };
        let want = (at(1e-6) - at(-1e-6)) / 2e-6;
        assert!(
            (gradient[0] - want).abs() < 1e-6 * (1.0 + want.abs()),
            "scale of layer {layer}: reverse {} vs differences {want}",
            gradient[0]
        );
    }
}

/// A PirateNet on Fourier features, its block factors moved off their
/// initial zero (where a block's layers would not reach the output): its
/// jets match finite differences to third order, and the gradient of a jet
/// loss with respect to each factor matches differences of the loss.
#[test]
fn jets_through_a_pirate_net_match_finite_differences() {
    let device = device().autodiff();
    let wanted: Vec<Vec<u8>> = vec![vec![1, 0], vec![0, 1], vec![2, 0], vec![1, 1], vec![0, 3]];
    let hidden = Hidden {
        architecture: Architecture::Pirate,
        ..Hidden::mlp(2, 6)
    };
    let embedding = Embedding {
        fourier: 2,
        scales: vec![0.5],
        ..Embedding::default()
    };
    let mut net = Mlp::new(2, 1, hidden, &embedding, &mut Rng::new(17), &device);
    // Two blocks of three layers, back to the embedding's 4 values, then
    // the output layer.
    assert_eq!((net.layers.len(), net.gates.len()), (7, 2));
    assert_eq!(net.layers[2].weight.val().dims(), [6, 4]);
    let alpha = |v: f64| {
        burn::module::Param::from_tensor(Tensor::<1>::from_data(
            TensorData::new(vec![v], [1]),
            &device,
        ))
    };
    net.residual = vec![alpha(0.6), alpha(-0.3)];
    let points = [[0.3, -0.2], [-0.7, 0.5], [0.05, 0.9]];
    checked_jets(
        &net,
        Activation::Tanh,
        &wanted,
        &points,
        Differences::Richardson,
        "pirate",
        &device,
    );
    let plan = JetPlan::new(&wanted, 2);
    let x = Tensor::<2>::from_data(TensorData::new(vec![0.3, -0.2, -0.7, 0.5], [2, 2]), &device);
    let grads = jet_loss(&net, Activation::Tanh, &plan, &x).backward();
    for block in 0..2 {
        let gradient = values(net.residual[block].val().grad(&grads).expect("a gradient"));
        let at = |h: f64| {
            let mut moved = net.clone();
            let a = values(net.residual[block].val().detach())[0];
            moved.residual[block] = alpha(a + h);
            values(
                jet_loss(&moved, Activation::Tanh, &plan, &x)
                    .reshape([1, 1])
                    .detach(),
            )[0]
        };
        let want = (at(1e-6) - at(-1e-6)) / 2e-6;
        assert!(
            (gradient[0] - want).abs() < 1e-6 * (1.0 + want.abs()),
            "block {block} factor: reverse {} vs differences {want}",
            gradient[0]
        );
    }
}
