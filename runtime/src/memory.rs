//! How much memory a run needs, estimated before anything is drawn, so
//! that a model that cannot fit (`points(pde = 1000000000)`, a 4096-wide
//! network with third derivatives) is refused with the figures instead of
//! being killed by the kernel half-way.
//!
//! Input: the loss program, the back end and the precision. Output: an
//! estimate in bytes, split into the points (every back end keeps each
//! batch's points, and resampling by residual a pool ten times larger) and
//! the activations (burn keeps every layer's jets, derivatives and
//! products for its reverse pass; the JIT back end works on chunks of 64
//! points and needs little more than the points). It errs low: a refusal
//! means the run could not have fitted.

use crate::adaptive;
use crate::backend::{Backend, Precision};
use crate::net::JetPlan;
use physc_compiler::model::ResampleBy;
use physc_compiler::program::LossProgram;
use physc_compiler::program::sample::Point;

/// The estimate, by what needs it.
#[derive(Clone, Copy, Debug)]
pub struct Estimate {
    pub points: f64,
    pub activations: f64,
}

impl Estimate {
    pub fn total(&self) -> f64 {
        self.points + self.activations
    }
}

/// The memory a run of `loss` needs, about.
pub fn estimate(loss: &LossProgram, backend: Backend, precision: Precision) -> Estimate {
    let float = match precision {
        Precision::F32 => 4.0,
        Precision::F64 => 8.0,
    };
    let coords = loss.model.coords.len() as f64;
    // A point: its struct, its coordinates (a heap block each), and its
    // network inputs as the back end stores them.
    let per_point = std::mem::size_of::<Point>() as f64 + 16.0 + 8.0 * coords + float * coords;
    let mut points = 0.0;
    let mut activations: f64 = 0.0;
    for batch in &loss.batches {
        let n = batch.points.count as f64;
        points += n * per_point;
        let train = &loss.model.train;
        let refined = train
            .refine
            .as_ref()
            .is_some_and(|r| r.add.iter().any(|(label, _)| *label == batch.label));
        if refined || (train.resample_by == ResampleBy::Residual && batch.points.resampled()) {
            points += adaptive::pool_size(batch.points.count) as f64 * per_point;
        }
        if backend != Backend::Jit {
            // Burn evaluates each batch with every jet of its networks, and
            // keeps per hidden layer the jet before and after the
            // activation, the activation's derivatives and the products of
            // the chain rule: at least 3K + m + 2 arrays of n x width.
            let mut batch_bytes = 0.0;
            for net in &loss.nets {
                let plan = JetPlan::new(
                    &net.jets.iter().map(|d| d.to_vec()).collect::<Vec<_>>(),
                    net.inputs.len(),
                );
                let k = plan.indices.len() as f64;
                let arrays = 3.0 * k + plan.max_order as f64 + 2.0;
                batch_bytes += arrays * n * (net.width * net.depth) as f64 * float;
            }
            // The batches are evaluated one after another, but their
            // graphs live until the reverse pass.
            activations += batch_bytes;
        }
    }
    Estimate {
        points,
        activations,
    }
}

/// The memory the system can give a new allocation now (`MemAvailable`),
/// where the system says.
pub fn available() -> Option<f64> {
    let text = std::fs::read_to_string("/proc/meminfo").ok()?;
    let line = text.lines().find(|l| l.starts_with("MemAvailable:"))?;
    let kib: f64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kib * 1024.0)
}

/// An error when the estimate exceeds what the machine has available.
pub fn check(loss: &LossProgram, backend: Backend, precision: Precision) -> Result<(), String> {
    let Some(available) = available() else {
        return Ok(());
    };
    let e = estimate(loss, backend, precision);
    if e.total() <= available {
        return Ok(());
    }
    let gib = |b: f64| b / (1u64 << 30) as f64;
    Err(format!(
        "this run needs about {:.1} GiB ({:.1} GiB for its points, {:.1} GiB for the {} back end's activations) \
         and the machine has {:.1} GiB available: use fewer `points`, a narrower network{}",
        gib(e.total()),
        gib(e.points),
        gib(e.activations),
        backend.name(),
        gib(available),
        if backend == Backend::Jit {
            ""
        } else {
            ", or `--backend jit`"
        }
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use physc_compiler::check::DiskFiles;

    fn program(train: &str) -> LossProgram {
        let text = format!(
            "field u(x in [0,1], t in [0,1])\npde: u_t = 0.1*u_xx\nic: u = sin(pi*x) on t = 0\n{train}\n"
        );
        physc_compiler::check_source(&text, std::path::Path::new("."), &DiskFiles)
            .loss
            .expect("trains")
    }

    #[test]
    fn a_hundred_million_points_need_gigabytes() {
        let loss = program("train { points(pde = 100000000) }");
        let e = estimate(&loss, Backend::Jit, Precision::F64);
        assert!(e.points > 5e9, "{e:?}");
    }

    #[test]
    fn wide_networks_cost_burn_activations_and_not_the_jit() {
        let loss = program("net u = mlp(depth = 4, width = 4096)\ntrain { points = 20000 }");
        let burn = estimate(&loss, Backend::Cpu, Precision::F64);
        let jit = estimate(&loss, Backend::Jit, Precision::F64);
        // 20,000 points x 4 x 4096 x 8 bytes x (3*4 + 2 + 2) arrays, for each of 2 batches.
        assert!(burn.activations > 80e9, "{burn:?}");
        assert_eq!(jit.activations, 0.0);
    }
}
