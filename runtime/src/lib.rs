//! physc runtime: checked models to trained networks.
//!
//! Training lands here: the compiler's loss program evaluated on burn
//! tensors, optimisers, checkpoints and run directories. The runtime never
//! parses and decides nothing about what a model means: Taylor-mode jets
//! ([`jets`], [`activation`]) through networks ([`net`]), the loss program
//! on tensors ([`program`], [`causal`]) or compiled to native code
//! ([`jit`]), who computes the gradient ([`engine`]), the optimiser
//! stages ([`train`], [`balance`], resampling by residual in
//! [`adaptive`], recovery from divergence in [`divergence`]), checkpoints ([`checkpoint`]), the devices they run on
//! ([`backend`]) and the memory they need ([`memory`]), the run directory ([`run`], time marching in [`march`], [`fields`], [`outputs`], [`report`],
//! [`plot`], the drift of conserved quantities in [`conserve`]) evaluation at given points ([`eval`]) and
//! the integration of learned dynamics ([`simulate`], [`integrate`]).

pub mod activation;
pub mod adaptive;
pub mod backend;
pub mod balance;
pub mod bfgs;
pub mod causal;
pub mod checkpoint;
pub mod conserve;
pub mod divergence;
pub mod engine;
pub mod eval;
pub mod fault;
pub mod fields;
pub mod flat;
pub mod init;
pub mod integrate;
pub mod jets;
pub mod jit;
pub mod march;
pub mod memory;
pub mod minibatch;
pub mod net;
pub mod outputs;
mod paths;
pub mod plateau;
pub mod plot;
pub mod program;
pub mod refine;
pub mod report;
pub mod run;
pub mod search;
pub mod simulate;
mod sines;
pub mod soap;
pub mod stepper;
pub mod train;
