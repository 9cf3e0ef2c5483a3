//! One batch of the loss program, compiled: its residuals and their
//! adjoints as one cranelift kernel, where each kernel input comes from,
//! and the jets of each network pass it reads: a network at the points,
//! or at the arguments of a field read elsewhere (`u(-x, t)`: a pass of
//! its own, whose inputs the arguments give).
//!
//! Input: the loss program and a batch. Output: a [`Batch`] whose kernel
//! computes, per point, the residuals and their derivatives with respect
//! to every field jet and learned scalar they read ([`adjoint::gradient`]);
//! and, for a set of points, the [`Points`] the kernel reads there.

use super::Real;
use crate::causal::occupied_slabs;
use crate::net::JetPlan;
use physc_compiler::ir::adjoint;
use physc_compiler::ir::eval::{Interpreter, Leaf, leaf_of};
use physc_compiler::ir::{ExprId, Graph, Node};
use physc_compiler::jit::Kernel;
use physc_compiler::model::{CoordId, Relation};
use physc_compiler::program::sample::Point;
use physc_compiler::program::{BatchId, Causal, LossProgram, PointLeaves, point_leaf};

/// Where a kernel input comes from.
#[derive(Clone, Debug)]
pub(super) enum Slot {
    /// Entry `entry` of the jet of the batch's `net`-th network, `column`.
    Field {
        net: usize,
        entry: usize,
        column: usize,
    },
    Learned(usize),
    /// A coordinate, parameter or data column: one value per point.
    Point,
}

/// Where a network pass is evaluated: each input at the point itself, or
/// at an argument (the value of an expression of the point).
#[derive(Clone, Debug, PartialEq)]
pub(super) enum Arg {
    Own(CoordId),
    /// Output `k` of the batch's argument interpreter.
    At(usize),
}

/// One batch, compiled.
pub(super) struct Batch<T> {
    pub(super) weight: f64,
    pub(super) relations: Vec<Relation>,
    pub(super) causal: Option<Causal>,
    pub(super) kernel: Kernel,
    pub(super) slots: Vec<Slot>,
    /// The kernel input of each gradient column.
    pub(super) wrt: Vec<usize>,
    /// The network passes, each with the jets this batch reads of it.
    pub(super) nets: Vec<(usize, JetPlan)>,
    /// By pass: where it is evaluated.
    pub(super) sites: Vec<Vec<Arg>>,
    /// The arguments of fields read elsewhere, at a point.
    pub(super) args: Interpreter,
    /// Where the batch is evaluated now.
    pub(super) at: Points<T>,
}

/// A batch's points as its kernels read them: the count, each network's
/// inputs (`[n × inputs]`) and, for the training points, their input jets
/// through the network's fixed embeddings
/// ([`super::network::Network::embed_points`]), the values of each
/// `Slot::Point` input, and the causal time slabs.
#[derive(Default)]
pub(super) struct Points<T> {
    pub(super) n: usize,
    pub(super) coords: Vec<Vec<T>>,
    pub(super) embedded: Vec<Option<Vec<T>>>,
    pub(super) values: Vec<Vec<f64>>,
    pub(super) slabs: Option<Slabs>,
}

impl<T: Real> Points<T> {
    pub(super) fn new(loss: &LossProgram, batch: &Batch<T>, points: &[Point]) -> Points<T> {
        let elsewhere = batch
            .sites
            .iter()
            .flatten()
            .any(|a| matches!(a, Arg::At(_)));
        let mut scratch = vec![];
        let args: Vec<Vec<f64>> = match elsewhere {
            false => vec![],
            true => points
                .iter()
                .map(|point| {
                    let env = PointLeaves {
                        model: &loss.model,
                        point,
                    };
                    batch.args.eval(&env, &mut scratch)
                })
                .collect(),
        };
        Points {
            n: points.len(),
            coords: batch
                .sites
                .iter()
                .map(|site| {
                    let args = &args;
                    (0..points.len())
                        .flat_map(|p| {
                            site.iter().map(move |a| match a {
                                Arg::Own(c) => points[p].coords[c.index()],
                                Arg::At(k) => args[p][*k],
                            })
                        })
                        .map(T::of)
                        .collect()
                })
                .collect(),
            embedded: vec![],
            values: batch
                .slots
                .iter()
                .zip(batch.kernel.leaves())
                .map(|(slot, leaf)| match slot {
                    Slot::Point => points
                        .iter()
                        .map(|p| point_leaf(&loss.model, leaf, p).unwrap_or(f64::NAN))
                        .collect(),
                    _ => vec![],
                })
                .collect(),
            slabs: batch
                .causal
                .and_then(|c| occupied_slabs(points, c.time.index(), c.slabs))
                .map(|(of, counts)| Slabs { of, counts }),
        }
    }
}

/// The causal time slabs of a batch's points.
pub(super) struct Slabs {
    /// Each point's slab (among the occupied ones).
    pub(super) of: Vec<usize>,
    /// Points per occupied slab.
    pub(super) counts: Vec<usize>,
}

/// Compiles batch `b`: its residuals and their gradients with respect to
/// every field jet and learned scalar they read.
pub(super) fn compile<T: Real>(
    loss: &LossProgram,
    g: &mut Graph,
    b: BatchId,
) -> Result<Batch<T>, String> {
    let spec = loss.batch(b);
    let roots: Vec<ExprId> = spec.residuals.iter().map(|r| r.expr).collect();
    let relations = spec.residuals.iter().map(|r| r.relation).collect();
    build(loss, g, &roots, true, spec.weight, relations, spec.causal)
}

/// Compiles expressions to evaluate (a field's value, through its output
/// transform): a batch of equations `root = 0` without gradient columns,
/// whose residuals are the values.
pub(super) fn values<T: Real>(
    loss: &LossProgram,
    g: &mut Graph,
    roots: &[ExprId],
) -> Result<Batch<T>, String> {
    build(
        loss,
        g,
        roots,
        false,
        1.0,
        vec![Relation::Eq; roots.len()],
        None,
    )
}

/// Compiles residuals `roots` (with `relations`) and, where `gradient`,
/// their derivatives with respect to every field jet and learned scalar
/// they read.
pub(super) fn build<T: Real>(
    loss: &LossProgram,
    g: &mut Graph,
    roots: &[ExprId],
    gradient: bool,
    weight: f64,
    relations: Vec<Relation>,
    causal: Option<Causal>,
) -> Result<Batch<T>, String> {
    let wrt: Vec<ExprId> = match gradient {
        true => g
            .reachable(roots)
            .into_iter()
            .filter(|&id| {
                matches!(
                    g.node(id),
                    Node::Field { .. } | Node::Apply { .. } | Node::Learned(_)
                )
            })
            .collect(),
        false => vec![],
    };
    let mut all = roots.to_vec();
    for &root in roots {
        all.extend(adjoint::gradient(g, root, &wrt));
    }
    let kernel = Kernel::compile(g, &all)?;
    // Network passes: (network, where, derivatives read).
    let mut nets: Vec<(usize, Vec<Arg>, Vec<Vec<u8>>)> = vec![];
    let mut fields = vec![];
    // The argument expressions of fields read elsewhere, each once.
    let mut at: Vec<ExprId> = vec![];
    for leaf in kernel.leaves() {
        let node = match leaf {
            Leaf::Field {
                function,
                part,
                derivative,
            } => Node::Field {
                function: *function,
                part: *part,
                derivative: derivative.clone(),
            },
            Leaf::Apply(id) => g.node(*id).clone(),
            _ => continue,
        };
        let (Node::Field { derivative, .. } | Node::Apply { derivative, .. }) = &node else {
            unreachable!("a field node")
        };
        let (output, args) = loss.site(&node).ok_or("a field without a network")?;
        let net = output.net.index();
        let site: Vec<Arg> = loss.nets[net]
            .inputs
            .iter()
            .zip(args)
            .map(|(&c, arg)| match arg {
                Some(id) => {
                    let k = at.iter().position(|x| *x == id).unwrap_or_else(|| {
                        at.push(id);
                        at.len() - 1
                    });
                    Arg::At(k)
                }
                None => Arg::Own(c),
            })
            .collect();
        let k = match nets.iter().position(|(n, s, _)| *n == net && *s == site) {
            Some(k) => k,
            None => {
                nets.push((net, site, vec![]));
                nets.len() - 1
            }
        };
        nets[k].2.push(derivative.to_vec());
        fields.push((k, derivative.to_vec(), output.column));
    }
    let args = Interpreter::new(g, &at);
    let sites: Vec<Vec<Arg>> = nets.iter().map(|(_, s, _)| s.clone()).collect();
    let nets: Vec<(usize, JetPlan)> = nets
        .into_iter()
        .map(|(net, _, wanted)| (net, JetPlan::new(&wanted, loss.nets[net].inputs.len())))
        .collect();
    let mut fields = fields.into_iter();
    let slots: Vec<Slot> = kernel
        .leaves()
        .iter()
        .map(|leaf| match leaf {
            Leaf::Field { .. } | Leaf::Apply(_) => {
                let (net, derivative, column) = fields.next().expect("one per field leaf");
                let entry = nets[net].1.position(&derivative).expect("planned");
                Slot::Field { net, entry, column }
            }
            Leaf::Learned(l) => Slot::Learned(l.index()),
            _ => Slot::Point,
        })
        .collect();
    let wrt = wrt
        .iter()
        .map(|&id| {
            let leaf = match g.node(id) {
                Node::Apply { .. } => Leaf::Apply(id),
                node => leaf_of(node).expect("fields and scalars are leaves"),
            };
            kernel
                .leaves()
                .iter()
                .position(|l| *l == leaf)
                .expect("a residual's leaf is a kernel input")
        })
        .collect();
    Ok(Batch {
        weight,
        relations,
        causal,
        kernel,
        slots,
        wrt,
        nets,
        sites,
        args,
        at: Points::default(),
    })
}
