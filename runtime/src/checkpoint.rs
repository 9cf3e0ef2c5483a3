//! Checkpoints: everything a run needs to go on exactly where it stopped.
//!
//! One file, `checkpoint.bin` in the run directory, written atomically
//! (a temporary file renamed over the old one), so an interrupted write
//! leaves the previous checkpoint whole. It holds, in order:
//!
//! ```text
//! PHYSC-CHECKPOINT 1\n
//! <length of the state, 8 bytes LE> <the training state, JSON>
//! <length, 8 bytes LE> <the networks and learned scalars, burnpack>
//! <length, 8 bytes LE> <the optimiser's state, burnpack; empty before the first step>
//! ```
//!
//! Parameters keep their ids through a save and load, so the optimiser's
//! per-parameter state (Adam's moments) finds its parameters again.

use crate::program::Trainable;
use crate::report::write_atomically;
use crate::train::TrainState;
use burn::module::Module;
use burn::optim::OptimizerRecord;
use burn::store::ModuleRecord;
use burn::tensor::Bytes;
use std::path::Path;

const MAGIC: &[u8] = b"PHYSC-CHECKPOINT 1\n";

/// The checkpoint file of a run directory.
pub fn path(run: &Path) -> std::path::PathBuf {
    run.join("checkpoint.bin")
}

/// Writes the checkpoint of `run` atomically.
pub fn save(
    run: &Path,
    t: &Trainable,
    optimizer: Option<OptimizerRecord>,
    state: &TrainState,
) -> Result<(), String> {
    let state = serde_json::to_vec(state).map_err(|e| e.to_string())?;
    let model = t
        .clone()
        .into_record()
        .into_bytes()
        .map_err(|e| e.to_string())?;
    let optimizer = match optimizer {
        Some(o) => o.into_bytes().map_err(|e| e.to_string())?.to_vec(),
        None => vec![],
    };
    let mut bytes = MAGIC.to_vec();
    for part in [&state[..], &model[..], &optimizer[..]] {
        bytes.extend((part.len() as u64).to_le_bytes());
        bytes.extend(part);
    }
    write_atomically(&path(run), &bytes).map_err(|e| e.to_string())
}

/// A loaded checkpoint: the parameters applied to `t`, the optimiser's
/// state (if a step was taken) and the training state.
pub struct Loaded {
    pub trainable: Trainable,
    pub optimizer: Option<OptimizerRecord>,
    pub state: TrainState,
}

/// Reads the checkpoint of `run` into `t`, which must have the same shape
/// (the same model).
pub fn load(run: &Path, t: Trainable) -> Result<Loaded, String> {
    let file = path(run);
    let bytes = std::fs::read(&file).map_err(|e| format!("cannot read {}: {e}", file.display()))?;
    let corrupt = || format!("{} is not a physc checkpoint", file.display());
    let mut rest = bytes.strip_prefix(MAGIC).ok_or_else(corrupt)?;
    let mut parts = vec![];
    for _ in 0..3 {
        let (length, tail) = rest.split_at_checked(8).ok_or_else(corrupt)?;
        let length = u64::from_le_bytes(length.try_into().expect("eight bytes")) as usize;
        let (part, tail) = tail.split_at_checked(length).ok_or_else(corrupt)?;
        parts.push(part);
        rest = tail;
    }
    let state: TrainState = serde_json::from_slice(parts[0]).map_err(|_| corrupt())?;
    // Parameters take the precision of `t` (a float32 run may be evaluated
    // in float64).
    let record = ModuleRecord::from_bytes(Bytes::from_bytes_vec(parts[1].to_vec()))
        .map_err(|e| format!("{}: {e}", file.display()))?
        .cast_to_module_dtype();
    let trainable = t.try_load_record(record).map_err(|e| {
        format!(
            "{} does not fit this model (was the model changed?): {e}",
            file.display()
        )
    })?;
    let optimizer = if parts[2].is_empty() {
        None
    } else {
        Some(
            OptimizerRecord::from_bytes(Bytes::from_bytes_vec(parts[2].to_vec()))
                .map_err(|e| format!("{}: {e}", file.display()))?,
        )
    };
    Ok(Loaded {
        trainable,
        optimizer,
        state,
    })
}
