//! A program's points: drawing, resampling and sharing them, mini-batches,
//! anchors and refined points, and the input tensors a batch reads there.
//!
//! Input: the loss program's point sets and the points training chooses
//! (resampled by residual, restored on resume, refined). Output: each
//! [`Batch`]'s points, its anchors and refined points after its drawn
//! ones, and its [`Inputs`] on the device. Invariant: a batch at another's
//! points (`points(fb = pde)`) holds that batch's drawn points after every
//! change ([`Program::share_points`]).

use super::{Arg, Batch, Inputs, Program, Site};
use crate::causal;
use crate::net::{JetPlan, feature_jet};
use burn::tensor::{Device, Tensor, TensorData};
use physc_compiler::ir::ExprId;
use physc_compiler::ir::eval::{Interpreter, Leaf, leaf_of};
use physc_compiler::program::sample::Point;
use physc_compiler::program::{BatchId, PointLeaves, point_leaf};
use std::collections::HashMap;

impl Program {
    /// Takes step `step`'s rows in every batch with mini-batches; the
    /// batches changed.
    pub fn minibatch(&mut self, step: u64) -> Vec<usize> {
        let mut changed = vec![];
        for b in 0..self.batches.len() {
            let Some((m, whole)) = self.minibatches[b].as_mut() else {
                continue;
            };
            let pts = m.at(step);
            *whole = false;
            self.set_points(b, &pts);
            changed.push(b);
        }
        changed
    }

    /// Every row again in each batch with mini-batches (for quasi-Newton
    /// steps, whose line searches need one loss, and after training); the
    /// batches changed.
    pub fn all_rows(&mut self) -> Vec<usize> {
        let mut changed = vec![];
        for b in 0..self.batches.len() {
            let Some((m, whole)) = self.minibatches[b].as_mut() else {
                continue;
            };
            if !*whole {
                *whole = true;
                let pts = m.rows().to_vec();
                self.set_points(b, &pts);
                changed.push(b);
            }
        }
        changed
    }

    /// Draws new points for every batch not on data (whose points are its
    /// rows). The draws follow from the seed and the number of earlier
    /// resamplings, so a resumed run replays them.
    pub fn resample(&mut self) -> Result<(), String> {
        for b in 0..self.batches.len() {
            let id = self.batches[b].id;
            let points = &self.loss.batch(id).points;
            if !points.resampled() || points.same_as.is_some() {
                continue;
            }
            let pts = self.loss.draw(id, &mut self.sampler)?;
            self.batches[b] = self.batch(id, &pts);
        }
        self.share_points();
        Ok(())
    }

    /// Gives every batch that shares another's points (`points(fb = pde)`)
    /// that batch's drawn points; its own anchors and refined points join
    /// them. After every change of drawn points.
    pub fn share_points(&mut self) {
        for b in 0..self.batches.len() {
            let Some(leader) = self.loss.batch(self.batches[b].id).points.same_as else {
                continue;
            };
            let drawn = self.drawn(leader.index()).to_vec();
            self.set_points(b, &drawn);
        }
    }

    /// Batch `b`'s drawn points: without its anchors and refined points.
    fn drawn(&self, b: usize) -> &[Point] {
        let points = &self.batches[b].points;
        &points[..points.len() - self.anchors[b].len() - self.refined[b].len()]
    }

    /// Batch `b`'s points, replaced (resampling by residual, or restoring
    /// them on resume); its anchors join them.
    pub fn set_points(&mut self, b: usize, pts: &[Point]) {
        let id = self.batches[b].id;
        self.batches[b] = self.batch(id, pts);
    }

    /// Adds points to batch `b` that every later draw keeps (adaptive
    /// refinement).
    pub fn refine(&mut self, b: usize, added: &[Point]) {
        let drawn = self.drawn(b).to_vec();
        self.refined[b].extend_from_slice(added);
        self.set_points(b, &drawn);
    }

    /// The points refinement added to batch `b`.
    pub fn refined(&self, b: usize) -> &[Point] {
        &self.refined[b]
    }

    /// A batch at drawn points, its anchors and the points refinement
    /// added (every draw, first, resampled or chosen by residual, takes
    /// them; the points a checkpoint keeps are the drawn ones).
    pub(super) fn batch(&self, id: BatchId, drawn: &[Point]) -> Batch {
        let (anchors, refined) = (&self.anchors[id.index()], &self.refined[id.index()]);
        let pts = &[drawn, anchors, refined].concat();
        let b = self.loss.batch(id);
        let roots: Vec<ExprId> = b.residuals.iter().map(|r| r.expr).collect();
        let causal = b
            .causal
            .and_then(|c| causal::slab_means(pts, c.time.index(), c.slabs, &self.device));
        Batch {
            label: b.label.clone(),
            id,
            points: pts.to_vec(),
            inputs: self.inputs(&roots, pts, &self.plans, &self.device),
            causal,
        }
    }

    /// The inputs the DAG under `roots` reads at `pts`, on `device`, for
    /// networks evaluated by `plans`.
    pub(super) fn inputs(
        &self,
        roots: &[ExprId],
        pts: &[Point],
        plans: &[JetPlan],
        device: &Device,
    ) -> Inputs {
        let g = &self.loss.graph;
        let mut sites: Vec<Vec<Site>> = vec![vec![]; self.loss.nets.len()];
        let mut site_of = HashMap::new();
        let mut composed = HashMap::new();
        let mut own = HashMap::new();
        let mut leaves = HashMap::new();
        let column = |values: Vec<f64>| {
            let n = values.len();
            Tensor::<2>::from_data(TensorData::new(values, [n, 1]), device)
        };
        for id in g.reachable(roots) {
            let node = g.node(id);
            if self.loss.moves_with_weights(id) {
                let (net, site) = self.site(node).expect("an Apply node has a site");
                for arg in &site {
                    if let Arg::Own(c) = arg {
                        own.entry(*c).or_insert_with(|| {
                            column(pts.iter().map(|p| p.coords[c.index()]).collect())
                        });
                    }
                }
                composed.insert(id, (net, site));
            } else if let Some((net, site)) = self.site(node) {
                let known = &mut sites[net.index()];
                let s = known.iter().position(|x| *x == site).unwrap_or_else(|| {
                    known.push(site);
                    known.len() - 1
                });
                site_of.insert(id, s);
            } else if let Some(leaf) =
                leaf_of(node).filter(|l| !matches!(l, Leaf::Field { .. } | Leaf::Learned(_)))
            {
                let values: Vec<f64> = pts
                    .iter()
                    .map(|p| point_leaf(&self.loss.model, &leaf, p).expect("a point's leaf"))
                    .collect();
                leaves.insert(id, column(values));
            }
        }
        // The arguments of fields read elsewhere, at every point.
        let at: Vec<ExprId> = sites
            .iter()
            .flatten()
            .flatten()
            .filter_map(|a| match a {
                Arg::At(id) => Some(*id),
                Arg::Own(_) => None,
            })
            .collect();
        let interpreter = Interpreter::new(g, &at);
        let mut scratch = vec![];
        let values: Vec<Vec<f64>> = pts
            .iter()
            .map(|point| {
                let env = PointLeaves {
                    model: &self.loss.model,
                    point,
                };
                interpreter.eval(&env, &mut scratch)
            })
            .collect();
        let nets: Vec<Option<(Vec<Site>, Tensor<2>)>> = sites
            .into_iter()
            .map(|sites| {
                if sites.is_empty() {
                    return None;
                }
                let width = sites[0].len();
                let mut flat = Vec::with_capacity(sites.len() * pts.len() * width);
                for site in &sites {
                    for (p, point) in pts.iter().enumerate() {
                        flat.extend(site.iter().map(|a| match a {
                            Arg::Own(c) => point.coords[c.index()],
                            Arg::At(id) => {
                                values[p][at.iter().position(|x| x == id).expect("listed")]
                            }
                        }));
                    }
                }
                let rows = sites.len() * pts.len();
                let x = Tensor::<2>::from_data(TensorData::new(flat, [rows, width]), device);
                Some((sites, x))
            })
            .collect();
        let features = (nets.iter().zip(&self.features).zip(plans))
            .map(|((x, map), plan)| Some(feature_jet(map.as_ref()?, x.as_ref()?.1.clone(), plan)))
            .collect();
        Inputs {
            nets,
            features,
            site_of,
            composed,
            own,
            leaves,
            points: pts.len(),
        }
    }
}
