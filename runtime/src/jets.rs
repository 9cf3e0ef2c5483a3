//! The combinatorics of Taylor-mode jets, independent of any tensor library.
//!
//! A network's jet holds, for each multi-index α in a set, the derivative
//! ∂^α of every activation with respect to the inputs. A linear layer maps
//! each entry linearly; an activation `a = σ(z)` follows the multivariate
//! Faà di Bruno formula
//!
//! ```text
//! ∂^α σ(z) = Σ over partitions π of the directions of α:  σ^(|π|)(z) · Π_{B ∈ π} ∂^B z
//! ```
//!
//! where the directions of α = (2, 1) are `[x, x, t]`. Partitions that give
//! the same product are merged with a coefficient, so ∂_xx σ = σ'' z_x² +
//! σ' z_xx. Every block `B` is a smaller multi-index, so a jet set must be
//! closed under taking sub-multi-indices ([`closure`]). A product of two
//! jets follows Leibniz's rule, `∂^α (f g) = Σ_{β ≤ α} C(α, β) ∂^β f
//! ∂^(α-β) g`. A [`JetPlan`] holds both, by position in its set.

use std::collections::{BTreeMap, BTreeSet};

/// Orders per input, in input order.
pub type MultiIndex = Vec<u8>;

/// The total order |α|.
pub fn order(alpha: &[u8]) -> u32 {
    alpha.iter().map(|&o| o as u32).sum()
}

/// `wanted` with every sub-multi-index added (the zero index included),
/// sorted by total order, then with earlier inputs first.
pub fn closure(wanted: &[MultiIndex], inputs: usize) -> Vec<MultiIndex> {
    let mut set: BTreeSet<MultiIndex> = BTreeSet::new();
    set.insert(vec![0; inputs]);
    for alpha in wanted {
        let mut stack = vec![alpha.clone()];
        while let Some(a) = stack.pop() {
            if set.insert(a.clone()) || a == *alpha {
                for k in 0..a.len() {
                    if a[k] > 0 {
                        let mut b = a.clone();
                        b[k] -= 1;
                        stack.push(b);
                    }
                }
            }
        }
    }
    let mut out: Vec<MultiIndex> = set.into_iter().collect();
    out.sort_by_key(|a| (order(a), std::cmp::Reverse(a.clone())));
    out
}

/// One term of ∂^α σ(z): `coefficient · σ^(derivative)(z) · Π z[blocks]`.
#[derive(Clone, Debug, PartialEq)]
pub struct Term {
    pub coefficient: f64,
    pub derivative: u32,
    /// Multi-indices of the factors `∂^B z`, sorted.
    pub blocks: Vec<MultiIndex>,
}

/// The terms of ∂^α σ(z), merged (empty for α = 0, which is σ(z) itself).
pub fn faa_di_bruno(alpha: &[u8]) -> Vec<Term> {
    let directions: Vec<usize> = alpha
        .iter()
        .enumerate()
        .flat_map(|(k, &o)| std::iter::repeat_n(k, o as usize))
        .collect();
    let mut merged: BTreeMap<Vec<MultiIndex>, f64> = BTreeMap::new();
    for partition in set_partitions(directions.len()) {
        let mut blocks: Vec<MultiIndex> = partition
            .iter()
            .map(|block| {
                let mut b = vec![0u8; alpha.len()];
                for &i in block {
                    b[directions[i]] += 1;
                }
                b
            })
            .collect();
        blocks.sort();
        *merged.entry(blocks).or_insert(0.0) += 1.0;
    }
    merged
        .into_iter()
        .map(|(blocks, coefficient)| Term {
            coefficient,
            derivative: blocks.len() as u32,
            blocks,
        })
        .collect()
}

/// Every partition of `{0, .., n-1}` into non-empty blocks (Bell(n) of them).
fn set_partitions(n: usize) -> Vec<Vec<Vec<usize>>> {
    let mut out = vec![];
    let mut current: Vec<Vec<usize>> = vec![];
    fn extend(i: usize, n: usize, current: &mut Vec<Vec<usize>>, out: &mut Vec<Vec<Vec<usize>>>) {
        if i == n {
            out.push(current.clone());
            return;
        }
        for b in 0..current.len() {
            current[b].push(i);
            extend(i + 1, n, current, out);
            current[b].pop();
        }
        current.push(vec![i]);
        extend(i + 1, n, current, out);
        current.pop();
    }
    if n > 0 {
        extend(0, n, &mut current, &mut out);
    }
    out
}

/// `C(α, β) = Π_k C(α_k, β_k)` for `β ≤ α`.
pub fn binomial(alpha: &[u8], beta: &[u8]) -> f64 {
    alpha
        .iter()
        .zip(beta)
        .map(|(&a, &b)| {
            (0..b)
                .map(|j| f64::from(a - j) / f64::from(j + 1))
                .product::<f64>()
        })
        .product()
}

/// A polynomial `Σ c_k x^k`, lowest degree first.
pub type Poly = Vec<f64>;

/// One Faà di Bruno term with its blocks as positions in the plan.
#[derive(Clone, Debug)]
pub(crate) struct PlannedTerm {
    pub(crate) coefficient: f64,
    pub(crate) derivative: u32,
    pub(crate) blocks: Vec<usize>,
}

/// Which derivatives to propagate: the requested multi-indices closed
/// under sub-multi-indices, with each one's Faà di Bruno terms.
#[derive(Clone, Debug)]
pub struct JetPlan {
    /// The multi-indices carried, the zero index first.
    pub indices: Vec<MultiIndex>,
    pub(crate) terms: Vec<Vec<PlannedTerm>>,
    /// Leibniz's rule for each multi-index α: `(C(α, β), β, α - β)` for
    /// every β ≤ α, as positions.
    pub(crate) products: Vec<Vec<(f64, usize, usize)>>,
    pub(crate) max_order: u32,
}

impl JetPlan {
    pub fn new(wanted: &[MultiIndex], inputs: usize) -> JetPlan {
        let indices = closure(wanted, inputs);
        let position = |b: &MultiIndex| {
            indices
                .iter()
                .position(|x| x == b)
                .expect("closed under sub-indices")
        };
        let terms = indices
            .iter()
            .map(|alpha| {
                faa_di_bruno(alpha)
                    .into_iter()
                    .map(
                        |Term {
                             coefficient,
                             derivative,
                             blocks,
                         }| PlannedTerm {
                            coefficient,
                            derivative,
                            blocks: blocks.iter().map(position).collect(),
                        },
                    )
                    .collect()
            })
            .collect();
        let products = indices
            .iter()
            .map(|alpha| {
                indices
                    .iter()
                    .enumerate()
                    .filter(|(_, beta)| beta.iter().zip(alpha).all(|(b, a)| b <= a))
                    .map(|(b, beta)| {
                        let rest: MultiIndex = alpha.iter().zip(beta).map(|(a, b)| a - b).collect();
                        (binomial(alpha, beta), b, position(&rest))
                    })
                    .collect()
            })
            .collect();
        let max_order = indices.iter().map(|a| order(a)).max().unwrap_or(0);
        JetPlan {
            indices,
            terms,
            products,
            max_order,
        }
    }

    /// Where a multi-index sits in [`JetPlan::indices`].
    pub fn position(&self, alpha: &[u8]) -> Option<usize> {
        self.indices.iter().position(|x| x == alpha)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn closure_adds_every_lower_derivative() {
        let set = closure(&[vec![2, 1]], 2);
        assert_eq!(
            set,
            [
                vec![0, 0],
                vec![1, 0],
                vec![0, 1],
                vec![2, 0],
                vec![1, 1],
                vec![2, 1]
            ]
        );
        assert_eq!(
            closure(&[vec![0, 3]], 2),
            [vec![0, 0], vec![0, 1], vec![0, 2], vec![0, 3]]
        );
    }

    #[test]
    fn faa_di_bruno_matches_the_chain_rule_by_hand() {
        // d/dx: σ' z_x
        assert_eq!(
            faa_di_bruno(&[1]),
            [Term {
                coefficient: 1.0,
                derivative: 1,
                blocks: vec![vec![1]]
            }]
        );
        // d2/dx2: σ'' z_x^2 + σ' z_xx
        let xx = faa_di_bruno(&[2]);
        assert!(xx.contains(&Term {
            coefficient: 1.0,
            derivative: 2,
            blocks: vec![vec![1], vec![1]]
        }));
        assert!(xx.contains(&Term {
            coefficient: 1.0,
            derivative: 1,
            blocks: vec![vec![2]]
        }));
        // d3/dx3: σ''' z_x^3 + 3 σ'' z_x z_xx + σ' z_xxx
        let xxx = faa_di_bruno(&[3]);
        assert_eq!(xxx.len(), 3);
        assert!(xxx.contains(&Term {
            coefficient: 3.0,
            derivative: 2,
            blocks: vec![vec![1], vec![2]]
        }));
        // Mixed: d2/dxdt = σ'' z_x z_t + σ' z_xt
        let xt = faa_di_bruno(&[1, 1]);
        assert!(xt.contains(&Term {
            coefficient: 1.0,
            derivative: 2,
            blocks: vec![vec![0, 1], vec![1, 0]]
        }));
        assert_eq!(set_partitions(4).len(), 15);
    }
}
