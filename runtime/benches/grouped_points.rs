//! The JIT back end's loss and gradient when constraints share their
//! points (`points(exercise = pde, fb = pde)`: one kernel, the network's
//! jets once per point) against the same constraints at points of their
//! own (the work of evaluating each apart), on the American put (4x128
//! tanh, three constraints at 6,000 points, 3,000 boundary and initial
//! points). Reports medians in milliseconds and their ratio, measured in
//! one run. Run with `cargo bench -p physc-runtime --bench grouped_points`;
//! `PHYSC_BENCH_STEPS` sets the repetitions (default 10).

mod common;

use common::{evaluation_ms, median, repetitions};

fn model(points: &str) -> String {
    format!(
        "const K = 1.0
field V(S in [0, 4], tau in [0, 1])
def bs() = -d(V, tau) + 0.02*S^2*V_SS + 0.05*S*V_S - 0.05*V
def payoff() = relu(K - S)
pde:      bs() <= 0
exercise: V >= payoff()
fb:       sqrt((V - payoff())^2 + bs()^2 + 1e-8) - (V - payoff() - bs()) = 0
ic:       V = payoff()   on tau = 0
lb:       V = K          on S = 0
hb:       V = 0          on S = 4
net V = mlp(depth = 4, width = 128, act = tanh)
train {{ adam(steps = 1); points({points}, ic = 1500, lb = 750, hb = 750) }}"
    )
}

fn main() {
    let reps = repetitions();
    // Alternated, so that a busy neighbour slows both alike.
    let (mut apart, mut together) = (vec![], vec![]);
    for _ in 0..3 {
        apart.push(evaluation_ms(
            &model("pde = 6000, exercise = 6000, fb = 6000"),
            reps,
        ));
        together.push(evaluation_ms(
            &model("pde = 6000, exercise = pde, fb = pde"),
            reps,
        ));
    }
    let (apart, together) = (median(apart), median(together));
    println!("American put 4x128 tanh, float64 on jit, loss + gradient, median of 3 x {reps}:");
    println!("  constraints apart        {apart:8.1} ms");
    println!("  at one set of points     {together:8.1} ms");
    println!("  ratio                    {:8.2}", apart / together);
}
