//! physc runtime: checked models to trained networks.
//!
//! Training lands here: loss programs evaluated on burn tensors, sampling,
//! optimisers, checkpoints and run directories. The runtime reads the
//! compiler's model and never parses: Taylor-mode jets ([`jets`],
//! [`activation`]) through networks ([`net`]), the loss program
//! ([`program`], [`causal`]), the optimiser stages ([`train`],
//! [`balance`]), checkpoints ([`checkpoint`]), the devices they run on
//! ([`backend`]), the run directory ([`run`], [`fields`], [`report`],
//! [`plot`]) and evaluation at given points ([`eval`]).

pub mod activation;
pub mod backend;
pub mod balance;
pub mod causal;
pub mod checkpoint;
pub mod eval;
pub mod fields;
pub mod jets;
pub mod net;
pub mod plot;
pub mod program;
pub mod report;
pub mod run;
pub mod train;
