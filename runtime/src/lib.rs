//! physc runtime: checked models to trained networks.
//!
//! Training lands here: loss programs evaluated on burn tensors, sampling,
//! optimisers, checkpoints and run directories. The runtime reads the
//! compiler's model and never parses. So far: the combinatorics of
//! Taylor-mode jets ([`jets`]) and networks that carry them on burn tensors
//! ([`net`]).

pub mod activation;
pub mod checkpoint;
pub mod fields;
pub mod jets;
pub mod net;
pub mod program;
pub mod report;
pub mod run;
pub mod train;
