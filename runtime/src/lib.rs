//! physc runtime: checked models to trained networks.
//!
//! Training lands here: loss programs evaluated on burn tensors, sampling,
//! optimisers, checkpoints and run directories. The runtime reads the
//! compiler's model and never parses.

pub use physc_compiler::model::Model;
