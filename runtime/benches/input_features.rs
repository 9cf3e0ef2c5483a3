//! The JIT back end's loss and gradient for a network that reads input
//! features (`features = [t, sin(t), ..., sin(6*t)]`, DeepXDE's
//! Lotka-Volterra) against the same network reading `t` itself, for a
//! first-order system and a second-order equation. The features are a
//! fixed embedding whose derivatives in `t` are the first layer's input
//! jet, so a featured network's jet has as many rows as a plain one's (2
//! for `u_t`, 3 for `u_tt`); read through the chain rule, it had one per
//! feature (8; 36 for second derivatives). Reports medians in milliseconds
//! and their ratio, measured in one run. Run with `cargo bench -p
//! physc-runtime --bench input_features`; `PHYSC_BENCH_STEPS` sets the
//! repetitions (default 10).

mod common;

use common::{evaluation_ms, median, repetitions};

const FEATURES: &str = "features = [t, sin(t), sin(2*t), sin(3*t), sin(4*t), sin(5*t), sin(6*t)]";

/// Lotka-Volterra's predator and prey on one 6 x 64 network.
fn system(features: &str) -> String {
    format!(
        "field r(t in [0, 1])
field p(t in [0, 1])
prey:     r_t = 2*r - 0.04*r*p
predator: p_t = 0.02*r*p - 1.06*p
r0: r = 0.5 on t = 0
p0: p = 0.075 on t = 0
net r, p = mlp(depth = 6, width = 64, act = tanh{features})
train {{ adam(steps = 1); points(prey = 3000, predator = prey) }}"
    )
}

/// An oscillator's second derivative through the same network.
fn oscillator(features: &str) -> String {
    format!(
        "field u(t in [0, 1])
pde: u_tt + 4*u = 0
u0: u = 1 on t = 0
v0: u_t = 0 on t = 0
net u = mlp(depth = 6, width = 64, act = tanh{features})
train {{ adam(steps = 1); points(pde = 3000) }}"
    )
}

fn main() {
    let reps = repetitions();
    let featured = format!(", {FEATURES}");
    println!("6x64 tanh at 3,000 points, float64 on jit, loss + gradient, median of 3 x {reps}:");
    for (name, model) in [
        ("first order (r_t, p_t)", system as fn(&str) -> String),
        ("second order (u_tt)", oscillator),
    ] {
        // Alternated, so that a busy neighbour slows both alike.
        let (mut plain, mut through) = (vec![], vec![]);
        for _ in 0..3 {
            plain.push(evaluation_ms(&model(""), reps));
            through.push(evaluation_ms(&model(&featured), reps));
        }
        let (plain, through) = (median(plain), median(through));
        println!("  {name}:");
        println!("    reading t                {plain:8.1} ms");
        println!("    reading 7 features of t  {through:8.1} ms");
        println!("    ratio                    {:8.2}", through / plain);
    }
}
