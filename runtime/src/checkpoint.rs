//! Checkpoints: everything a run needs to go on exactly where it stopped.
//!
//! `checkpoint.bin` in the run directory holds, in order:
//!
//! ```text
//! PHYSC-CHECKPOINT 2\n
//! <length, 8 bytes LE> <who wrote it, JSON: physc version, model fingerprint>
//! <length, 8 bytes LE> <the training state, JSON>
//! <length, 8 bytes LE> <the networks and learned scalars, burnpack>
//! <length, 8 bytes LE> <the optimiser's state; empty before the first step>
//! <FNV-1a 64 of every byte after the first line, 8 bytes LE>
//! ```
//!
//! A new checkpoint is written beside the old one, synced, and renamed over
//! it; the old one stays as `checkpoint.prev.bin` (a hard link made before
//! the rename; removed when the run finishes), so a run killed at any
//! moment leaves a whole checkpoint. A
//! truncated or corrupted file fails its checksum and the previous one is
//! used, with a note saying what was found. A checkpoint of another model
//! or written by another physc is refused with a message saying which.
//!
//! The optimiser's state is burn's record (burnpack) for Adam and L-BFGS,
//! and for BFGS the bytes `FLAT` then its numbers (f64 LE).
//!
//! Parameters keep their ids through a save and load, so the optimiser's
//! per-parameter state (Adam's moments) finds its parameters again.

use crate::program::Trainable;
use crate::report::{replace, sync_directory};
use crate::stepper::OptimizerState;
use crate::train::TrainState;
use burn::module::Module;
use burn::optim::OptimizerRecord;
use burn::store::ModuleRecord;
use burn::tensor::Bytes;
use physc_compiler::program::fnv1a as checksum;
use serde::{Deserialize, Serialize};
use std::io::Write;
use std::path::{Path, PathBuf};

const MAGIC: &[u8] = b"PHYSC-CHECKPOINT 2\n";
/// The start of a flat optimiser state (BFGS).
const FLAT: &[u8] = b"FLAT";
/// The first line of every physc checkpoint, whatever its format.
const FAMILY: &[u8] = b"PHYSC-CHECKPOINT ";

/// The checkpoint file of a run directory.
pub fn path(run: &Path) -> PathBuf {
    run.join("checkpoint.bin")
}

/// The checkpoint before the last, kept until the last is whole on disk.
pub fn previous(run: &Path) -> PathBuf {
    run.join("checkpoint.prev.bin")
}

/// What a checkpoint belongs to: a resume or an evaluation goes on only
/// from one of the same model, written by the same physc.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Identity {
    pub physc: String,
    /// [`physc_compiler::program::LossProgram::fingerprint`] in hex.
    pub model: String,
}

impl Identity {
    pub fn new(fingerprint: u64) -> Identity {
        Identity {
            physc: env!("CARGO_PKG_VERSION").to_string(),
            model: format!("{fingerprint:016x}"),
        }
    }
}

/// Writes the checkpoint of `run`, keeping the one before it.
pub fn save(
    run: &Path,
    identity: &Identity,
    t: &Trainable,
    optimizer: Option<OptimizerState>,
    state: &TrainState,
) -> Result<(), String> {
    let header = serde_json::to_vec(identity).map_err(|e| e.to_string())?;
    let state = serde_json::to_vec(state).map_err(|e| e.to_string())?;
    let model = t
        .clone()
        .into_record()
        .into_bytes()
        .map_err(|e| e.to_string())?;
    let optimizer = match optimizer {
        Some(OptimizerState::Burn(o)) => o.into_bytes().map_err(|e| e.to_string())?.to_vec(),
        Some(OptimizerState::Flat(values)) => FLAT
            .iter()
            .copied()
            .chain(values.iter().flat_map(|v| v.to_le_bytes()))
            .collect(),
        None => vec![],
    };
    let mut body = vec![];
    for part in [&header[..], &state[..], &model[..], &optimizer[..]] {
        body.extend((part.len() as u64).to_le_bytes());
        body.extend(part);
    }
    let sum = checksum(&body).to_le_bytes();
    let (current, kept) = (path(run), previous(run));
    let failed = |e: std::io::Error| format!("cannot write {}: {e}", current.display());
    if current.exists() {
        // The link is made before the rename: there is always a whole
        // checkpoint under one of the two names.
        let _ = std::fs::remove_file(&kept);
        std::fs::hard_link(&current, &kept)
            .or_else(|_| std::fs::copy(&current, &kept).map(|_| ()))
            .map_err(failed)?;
        sync_directory(&kept).map_err(failed)?;
    }
    replace(&current, |tmp| {
        let mut file = std::fs::File::create(tmp)?;
        file.write_all(MAGIC)?;
        let (first, second) = body.split_at(body.len() / 2);
        file.write_all(first)?;
        file.flush()?;
        crate::fault::point("checkpoint");
        file.write_all(second)?;
        file.write_all(&sum)
    })
    .map_err(failed)
}

/// A loaded checkpoint: the parameters applied to `t`, the optimiser's
/// state (if a step was taken) and the training state; `note` says why the
/// previous checkpoint was used, if it was.
pub struct Loaded {
    pub trainable: Trainable,
    pub optimizer: Option<OptimizerState>,
    pub state: TrainState,
    pub note: Option<String>,
}

/// Reads the checkpoint of `run` into `t`, which must be of the model
/// `identity` names; the previous checkpoint when the last is damaged.
pub fn load(run: &Path, identity: &Identity, t: Trainable) -> Result<Loaded, String> {
    load_as(run, identity, Whose::SameModel, t)
}

/// The networks and learned scalars of `run`'s checkpoint in `t`, which
/// may be of another model with networks of the same shapes (`physc run
/// --start-from`: a curriculum, or a neighbouring problem); its training
/// and optimiser's state stay behind.
pub fn load_weights(run: &Path, identity: &Identity, t: Trainable) -> Result<Loaded, String> {
    load_as(run, identity, Whose::AnyModel, t)
}

/// The precision `run`'s checkpoint (or the one kept before it) was
/// trained in, `"float32"` or `"float64"`; `None` when neither can be read
/// (the load that follows says why).
pub fn trained_precision(run: &Path) -> Option<String> {
    let parts = read(&path(run)).or_else(|_| read(&previous(run))).ok()?;
    let state: TrainState = serde_json::from_slice(parts.get(1)?).ok()?;
    Some(state.precision).filter(|p| !p.is_empty())
}

/// Whether a checkpoint must be of the model being trained.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Whose {
    SameModel,
    AnyModel,
}

fn load_as(run: &Path, identity: &Identity, whose: Whose, t: Trainable) -> Result<Loaded, String> {
    let last = path(run);
    let open = |file: &Path, parts, t, note| apply(file, parts, identity, whose, t, note);
    match read(&last) {
        Ok(parts) => open(&last, parts, t, None),
        Err(Damage::Missing) if !previous(run).exists() => Err(format!(
            "cannot read {}: no checkpoint (the run has not written one yet)",
            last.display()
        )),
        Err(Damage::Foreign(why)) => Err(format!("{}: {why}", last.display())),
        Err(damage) => {
            let kept = previous(run);
            let note = format!(
                "{} {}; going on from {}",
                last.display(),
                damage.describe(),
                kept.display()
            );
            match read(&kept) {
                Ok(parts) => open(&kept, parts, t, Some(note)),
                Err(also) => Err(format!(
                    "{} {}, and {} {}",
                    last.display(),
                    damage.describe(),
                    kept.display(),
                    also.describe()
                )),
            }
        }
    }
}

/// Why a checkpoint file cannot be used.
#[derive(Debug)]
enum Damage {
    Missing,
    Unreadable(String),
    /// Cut short or changed since it was written.
    Damaged(String),
    /// A whole file, but not one this physc reads.
    Foreign(String),
}

impl Damage {
    fn describe(&self) -> String {
        match self {
            Damage::Missing => "is missing".to_string(),
            Damage::Unreadable(e) => format!("cannot be read ({e})"),
            Damage::Damaged(what) => format!("is damaged ({what})"),
            Damage::Foreign(what) => what.clone(),
        }
    }
}

/// The four parts of a checkpoint file, its checksum verified.
fn read(file: &Path) -> Result<Vec<Vec<u8>>, Damage> {
    let bytes = match std::fs::read(file) {
        Ok(bytes) => bytes,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Err(Damage::Missing),
        Err(e) => return Err(Damage::Unreadable(e.to_string())),
    };
    let Some(rest) = bytes.strip_prefix(MAGIC) else {
        return Err(match bytes.strip_prefix(FAMILY) {
            Some(_) => Damage::Foreign(
                "was written by an earlier physc in another checkpoint format; start the run anew"
                    .to_string(),
            ),
            None if bytes.len() < MAGIC.len() => {
                Damage::Damaged(format!("{} bytes, cut short", bytes.len()))
            }
            None => Damage::Foreign("is not a physc checkpoint".to_string()),
        });
    };
    let cut = || Damage::Damaged(format!("{} bytes, cut short", bytes.len()));
    let (body, sum) = rest
        .split_at_checked(rest.len().wrapping_sub(8))
        .ok_or_else(cut)?;
    if u64::from_le_bytes(sum.try_into().map_err(|_| cut())?) != checksum(body) {
        return Err(Damage::Damaged(
            "its checksum does not match: cut short or changed".to_string(),
        ));
    }
    let mut parts = vec![];
    let mut rest = body;
    for _ in 0..4 {
        let (length, tail) = rest.split_at_checked(8).ok_or_else(cut)?;
        let length = u64::from_le_bytes(length.try_into().expect("eight bytes")) as usize;
        let (part, tail) = tail.split_at_checked(length).ok_or_else(cut)?;
        parts.push(part.to_vec());
        rest = tail;
    }
    Ok(parts)
}

/// The parts of a whole checkpoint applied to `t`, after checking whose it is.
fn apply(
    file: &Path,
    parts: Vec<Vec<u8>>,
    identity: &Identity,
    whose: Whose,
    t: Trainable,
    note: Option<String>,
) -> Result<Loaded, String> {
    let unreadable = |what: &str| format!("{} has an unreadable {what}", file.display());
    let written: Identity = serde_json::from_slice(&parts[0]).map_err(|_| unreadable("header"))?;
    if written.physc != identity.physc {
        return Err(format!(
            "{} was written by physc {}; this is physc {}: start the run anew",
            file.display(),
            written.physc,
            identity.physc
        ));
    }
    if whose == Whose::SameModel && written.model != identity.model {
        return Err(format!(
            "{} belongs to another model (fingerprint {}, this model's is {}): the networks, \
             points or loss terms changed since it was written; start the run anew or train \
             into another directory",
            file.display(),
            written.model,
            identity.model
        ));
    }
    let state: TrainState =
        serde_json::from_slice(&parts[1]).map_err(|_| unreadable("training state"))?;
    // Parameters take the precision of `t` (a float32 run may be evaluated
    // in float64).
    let record = ModuleRecord::from_bytes(Bytes::from_bytes_vec(parts[2].clone()))
        .map_err(|e| format!("{}: {e}", file.display()))?
        .cast_to_module_dtype();
    let trainable = t.try_load_record(record).map_err(|e| match whose {
        Whose::SameModel => format!(
            "{} does not fit this model (was the model changed?): {e}",
            file.display()
        ),
        Whose::AnyModel => format!(
            "the networks of {} do not have this model's shapes (each `net` needs the same \
             architecture, inputs, outputs, depth, width, features and learned scalars): {e}",
            file.display()
        ),
    })?;
    let optimizer = match parts[3].strip_prefix(FLAT) {
        _ if parts[3].is_empty() => None,
        Some(numbers) => Some(OptimizerState::Flat(
            numbers
                .chunks_exact(8)
                .map(|b| f64::from_le_bytes(b.try_into().expect("8 bytes")))
                .collect(),
        )),
        None => Some(OptimizerState::Burn(
            OptimizerRecord::from_bytes(Bytes::from_bytes_vec(parts[3].clone()))
                .map_err(|e| format!("{}: {e}", file.display()))?,
        )),
    };
    Ok(Loaded {
        trainable,
        optimizer,
        state,
        note,
    })
}
