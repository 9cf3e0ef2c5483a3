//! The dynamics a model learned, for `physc simulate`.
//!
//! Input: a loss program. Output: [`Dynamics`]: a state (coordinates of
//! the model's learned functions), the time derivative of each state
//! variable as an expression of the state, whether those are Hamilton's
//! equations of one learned function, and the energies worth watching
//! along a trajectory, all lowered into a copy of the program's graph.
//!
//! A model states its dynamics through the columns it fits (or integrates,
//! with `ode SET.q_t = E`): an equation
//! `SET.q_t = E on SET` or `SET.dq = E on SET` (either side) says that `E`
//! is the time derivative of the coordinate `q`; `SET.q_tt = E` says that
//! `E` is that of the coordinate `q_t`, and `q_t` that of `q` (a
//! second-order equation as a first-order system); `A * SET.q_tt = E` (a
//! mass times an acceleration) says the same of `E / A`. Invariants: one rate per state variable; every
//! coordinate a rate or an energy reads is a state variable; rates read
//! no data column and no parameter.

use super::LossProgram;
use crate::ir::lower::Lowerer;
use crate::ir::{ExprId, MultiIndex, Node, Part};
use crate::model::{
    BinOp, ConstraintId, CoordId, DataId, Enforcement, Expr, FuncId, Model, Relation, SolutionKind,
    Where,
};

/// The learned dynamics `d state / dt = rates(state)`.
#[derive(Clone, Debug)]
pub struct Dynamics {
    /// The state variables, in the order the model first states them.
    pub states: Vec<CoordId>,
    /// By state: its time derivative.
    pub rates: Vec<ExprId>,
    /// Where the rates are Hamilton's equations of one learned function.
    pub hamiltonian: Option<Hamiltonian>,
    /// Quantities to watch along a trajectory, by a name fit for a CSV
    /// header: the learned energy (a Hamiltonian's value `H`, or a
    /// Lagrangian's energy function `energy_L`) and, where the model
    /// states the function exactly, the true one (`H_exact`).
    pub energies: Vec<(String, ExprId)>,
}

/// `dq/dt = dH/dp` and `dp/dt = -dH/dq` for each pair.
#[derive(Clone, Debug)]
pub struct Hamiltonian {
    pub function: FuncId,
    /// Positions in the state of each conjugate pair `(q, p)`.
    pub pairs: Vec<(usize, usize)>,
}

/// One fitted column that is a time derivative of a coordinate.
struct Rate {
    /// The state variable it is the rate of.
    state: CoordId,
    /// For `q_tt`: `q`, whose rate is `state` itself.
    position: Option<CoordId>,
    value: Expr,
    constraint: ConstraintId,
}

impl LossProgram {
    /// The program with the dynamics' expressions added to its graph, and
    /// the dynamics; or why the model states none a simulation can use.
    pub fn dynamics(&self) -> Result<(LossProgram, Dynamics), String> {
        let model = &self.model;
        let found = fitted_rates(self);
        if found.is_empty() {
            return Err(
                "the model states no dynamics: fit the time derivatives of a learned \
                 function's arguments, as in `traj.q_t = d(H, p) on traj`"
                    .into(),
            );
        }
        let mut states: Vec<CoordId> = vec![];
        let mut given: Vec<Option<ConstraintId>> = vec![];
        let mut add = |c: CoordId, by: Option<ConstraintId>| -> Result<(), String> {
            match states.iter().position(|s| *s == c) {
                Some(k) => match (given[k], by) {
                    (Some(first), Some(second)) => Err(format!(
                        "two equations give the rate of `{}`: `{}` and `{}`",
                        model.coord(c).name,
                        model.constraints[first.index()].label,
                        model.constraints[second.index()].label
                    )),
                    (None, by) => {
                        given[k] = by;
                        Ok(())
                    }
                    (Some(_), None) => Ok(()),
                },
                None => {
                    states.push(c);
                    given.push(by);
                    Ok(())
                }
            }
        };
        for r in &found {
            if let Some(q) = r.position {
                add(q, None)?;
            }
            add(r.state, Some(r.constraint))?;
        }
        let mut lowerer = Lowerer::new(model);
        lowerer.graph = self.graph.clone();
        for f in &self.fields {
            if let [(_, value)] = f.parts[..]
                && !matches!(self.graph.node(value), Node::Field { .. })
            {
                lowerer.transforms.insert(f.function, value);
            }
        }
        let mut rates: Vec<Option<ExprId>> = vec![None; states.len()];
        for r in &found {
            let at = |c: CoordId| states.iter().position(|s| *s == c).expect("a state");
            let value = lowerer.expr(&r.value)?;
            if value.im.is_some() {
                return Err(format!(
                    "`{}` gives a complex rate",
                    model.constraints[r.constraint.index()].label
                ));
            }
            rates[at(r.state)] = Some(value.re);
            if let Some(q) = r.position {
                rates[at(q)] = Some(lowerer.graph.coord(r.state));
            }
        }
        let missing: Vec<&str> = states
            .iter()
            .zip(&rates)
            .filter(|(_, r)| r.is_none())
            .map(|(s, _)| model.coord(*s).name.as_str())
            .collect();
        if !missing.is_empty() {
            return Err(format!(
                "no equation gives the rate of `{}`",
                missing.join("`, `")
            ));
        }
        let rates: Vec<ExprId> = rates.into_iter().map(|r| r.expect("checked")).collect();
        let hamiltonian = hamiltonian(&mut lowerer, &states, &rates);
        let energies = energies(&mut lowerer, &states, &rates, hamiltonian.as_ref());
        let roots: Vec<ExprId> = rates
            .iter()
            .chain(energies.iter().map(|(_, e)| e))
            .copied()
            .collect();
        check_reads(self, &lowerer, &states, &roots)?;
        let mut program = self.clone();
        program.graph = lowerer.graph;
        Ok((
            program,
            Dynamics {
                states,
                rates,
                hamiltonian,
                energies,
            },
        ))
    }
}

/// The equations that fit a data column named as a coordinate's time
/// derivative, `q_t` (or `dq`) or `q_tt`, on that data set.
fn fitted_rates(program: &LossProgram) -> Vec<Rate> {
    let model = &program.model;
    let coord = |name: &str| {
        model
            .coords
            .iter()
            .position(|c| c.name == name)
            .map(|k| CoordId(k as u32))
    };
    let mut found = vec![];
    for (k, c) in model.constraints.iter().enumerate() {
        let Where::Data(set) = c.on else { continue };
        if let Enforcement::Ode { state, .. } = c.enforcement {
            found.push(Rate {
                state,
                position: None,
                value: c.rhs.clone(),
                constraint: ConstraintId(k as u32),
            });
            continue;
        }
        if c.relation != Relation::Eq {
            continue;
        }
        let Some((name, value)) = solved_for_column(model, set, &c.lhs, &c.rhs)
            .or_else(|| solved_for_column(model, set, &c.rhs, &c.lhs))
        else {
            continue;
        };
        let constraint = ConstraintId(k as u32);
        if let Some(base) = name.strip_suffix("_tt") {
            let (Some(q), Some(v)) = (coord(base), coord(&format!("{base}_t"))) else {
                continue;
            };
            found.push(Rate {
                state: v,
                position: Some(q),
                value,
                constraint,
            });
        } else if let Some(q) = name
            .strip_suffix("_t")
            .or_else(|| name.strip_prefix('d'))
            .and_then(coord)
        {
            found.push(Rate {
                state: q,
                position: None,
                value,
                constraint,
            });
        }
    }
    found
}

/// When `side` is a column of `set`, or a factor times one: its name and
/// `other` solved for it.
fn solved_for_column(
    model: &Model,
    set: DataId,
    side: &Expr,
    other: &Expr,
) -> Option<(String, Expr)> {
    let name = |e: &Expr| match e {
        Expr::Column { data, column } if *data == set => {
            Some(model.data[data.index()].columns[*column].clone())
        }
        _ => None,
    };
    if let Some(n) = name(side) {
        return Some((n, other.clone()));
    }
    let Expr::Binary {
        op: BinOp::Mul,
        lhs,
        rhs,
    } = side
    else {
        return None;
    };
    let (n, factor) = match (name(lhs), name(rhs)) {
        (Some(n), None) => (n, rhs),
        (None, Some(n)) => (n, lhs),
        _ => return None,
    };
    let solved = Expr::Binary {
        op: BinOp::Div,
        lhs: Box::new(other.clone()),
        rhs: factor.clone(),
    };
    Some((n, solved))
}

/// Whether `rate` is `sign * dH/d(coordinate)` of one function: its
/// function and coordinate.
fn gradient_of(
    lowerer: &mut Lowerer,
    rate: ExprId,
    sign: f64,
    states: &[CoordId],
) -> Option<(FuncId, CoordId)> {
    let g = &mut lowerer.graph;
    let field = match (sign > 0.0, g.node(rate).clone()) {
        (true, node @ Node::Field { .. }) => node,
        (false, Node::Mul(factors)) if factors.len() == 2 => {
            let minus = factors.iter().position(|f| g.as_num(*f) == Some(-1.0))?;
            g.node(factors[1 - minus]).clone()
        }
        _ => return None,
    };
    let Node::Field {
        function,
        part: Part::Real,
        derivative,
    } = field
    else {
        return None;
    };
    let coords = &lowerer.function_coords[function.index()];
    if derivative.iter().sum::<u8>() != 1 || !coords.iter().all(|c| states.contains(c)) {
        return None;
    }
    let k = derivative.iter().position(|&o| o == 1)?;
    Some((function, coords[k]))
}

/// Hamilton's equations: every state variable is in a pair `(q, p)` with
/// `dq/dt = dH/dp` and `dp/dt = -dH/dq` for one function `H`.
fn hamiltonian(lowerer: &mut Lowerer, states: &[CoordId], rates: &[ExprId]) -> Option<Hamiltonian> {
    let mut function = None;
    let mut pairs = vec![];
    for (q, &rate) in rates.iter().enumerate() {
        let Some((h, p)) = gradient_of(lowerer, rate, 1.0, states) else {
            continue;
        };
        let p = states.iter().position(|s| *s == p)?;
        let (h2, q2) = gradient_of(lowerer, rates[p], -1.0, states)?;
        if h2 != h || q2 != states[q] || *function.get_or_insert(h) != h {
            return None;
        }
        pairs.push((q, p));
    }
    (pairs.len() * 2 == states.len()).then(|| Hamiltonian {
        function: function.expect("a pair"),
        pairs,
    })
}

/// The energies along a trajectory: a Hamiltonian's value, or the energy
/// `sum v dL/dv - L` of a Lagrangian `L` (a function whose second
/// derivative in a velocity the accelerations read); each learned, and
/// exact where the model gives `exact H = ...` or `exact L = ...`.
fn energies(
    lowerer: &mut Lowerer,
    states: &[CoordId],
    rates: &[ExprId],
    hamiltonian: Option<&Hamiltonian>,
) -> Vec<(String, ExprId)> {
    let model = lowerer.model;
    let exact = |f: FuncId| {
        model
            .solutions
            .iter()
            .find(|s| s.function == f)
            .and_then(|s| match &s.kind {
                SolutionKind::Exact(e) => Some(e.clone()),
                SolutionKind::Reference(_) => None,
            })
    };
    let mut out = vec![];
    if let Some(h) = hamiltonian {
        let name = &model.function(h.function).name;
        let zero: MultiIndex = vec![0; lowerer.function_coords[h.function.index()].len()].into();
        out.push((
            name.clone(),
            lowerer.graph.field(h.function, Part::Real, zero),
        ));
        if let Some(e) = exact(h.function).and_then(|e| lowerer.expr(&e).ok()) {
            out.push((format!("{name}_exact"), e.re));
        }
        return out;
    }
    // Velocities: states whose own rate is another state's value.
    let velocities: Vec<CoordId> = rates
        .iter()
        .filter_map(|r| match lowerer.graph.node(*r) {
            Node::Coord(c) if states.contains(c) => Some(*c),
            _ => None,
        })
        .collect();
    let Some(lagrangian) = lagrangian(lowerer, rates, &velocities) else {
        return out;
    };
    let name = model.function(lagrangian).name.clone();
    let coords = lowerer.function_coords[lagrangian.index()].clone();
    let learned = {
        let g = &mut lowerer.graph;
        let mut terms = vec![];
        for v in &velocities {
            let k = coords.iter().position(|c| c == v).expect("read by L");
            let mut d = vec![0u8; coords.len()];
            d[k] = 1;
            let dl = g.field(lagrangian, Part::Real, d.into());
            let v = g.coord(*v);
            terms.push(g.mul(&[v, dl]));
        }
        let l = g.field(lagrangian, Part::Real, vec![0; coords.len()].into());
        terms.push(g.neg(l));
        g.add(&terms)
    };
    out.push((format!("energy_{name}"), learned));
    if let Some(l) = exact(lagrangian).and_then(|e| lowerer.expr(&e).ok()) {
        let mut terms = vec![];
        for v in &velocities {
            let dl = lowerer.diff.diff_n(&mut lowerer.graph, l.re, *v, 1);
            let v = lowerer.graph.coord(*v);
            terms.push(lowerer.graph.mul(&[v, dl]));
        }
        terms.push(lowerer.graph.neg(l.re));
        out.push((format!("energy_{name}_exact"), lowerer.graph.add(&terms)));
    }
    out
}

/// The function whose second derivative in a velocity the rates read.
fn lagrangian(lowerer: &Lowerer, rates: &[ExprId], velocities: &[CoordId]) -> Option<FuncId> {
    let g = &lowerer.graph;
    g.reachable(rates)
        .into_iter()
        .find_map(|id| match g.node(id) {
            Node::Field {
                function,
                derivative,
                ..
            } => {
                let coords = &lowerer.function_coords[function.index()];
                let hessian = velocities.iter().any(|v| {
                    coords
                        .iter()
                        .position(|c| c == v)
                        .is_some_and(|k| derivative[k] == 2)
                });
                hessian.then_some(*function)
            }
            _ => None,
        })
}

/// Refuses roots that read what a state does not give.
fn check_reads(
    program: &LossProgram,
    lowerer: &Lowerer,
    states: &[CoordId],
    roots: &[ExprId],
) -> Result<(), String> {
    let model = &program.model;
    let g = &lowerer.graph;
    for id in g.reachable(roots) {
        let problem = match g.node(id) {
            Node::Coord(c) if !states.contains(c) => format!(
                "the coordinate `{}`, which no equation gives the rate of",
                model.coord(*c).name
            ),
            Node::Field { function, .. } | Node::Apply { function, .. } => {
                let f = model.function(*function);
                match f.coords.iter().find(|c| !states.contains(c)) {
                    Some(c) => format!(
                        "`{}`, a function of `{}`, which no equation gives the rate of",
                        f.name,
                        model.coord(*c).name
                    ),
                    None => continue,
                }
            }
            Node::Column { data, column } => {
                let d = &model.data[data.index()];
                format!(
                    "the data column `{}.{}`",
                    d.name, d.columns[*column as usize]
                )
            }
            Node::Normal(_) => "the outward normal".to_string(),
            _ => continue,
        };
        return Err(format!(
            "the dynamics read {problem}: a simulation has only the state"
        ));
    }
    Ok(())
}
