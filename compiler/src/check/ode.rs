//! `ode` equations: neural ODE fits of observed trajectories.
//!
//! Input: `[label:] ode SET.q_t = E [on SET]`, where `SET` has columns `q`
//! and `t`. Output: a constraint whose `lhs` is the observed column
//! `SET.q`, whose `rhs` is the rate `E`, enforced as [`Enforcement::Ode`].
//! Once every statement is read, the `ode` equations on one data set form
//! one system, checked as a whole ([`Checker::ode_systems`]). Invariants of
//! a system that checks clean: one time column; one rate per state
//! variable; rates read the state, constants and learned scalars, never a
//! data column or a parameter; a trajectory of two rows or more.

use super::expr::Scope;
use super::*;

/// An `ode` equation that checked, awaiting the check of its system.
pub(super) struct OdeEquation {
    constraint: usize,
    data: DataId,
    state: CoordId,
    time: usize,
    lhs: Span,
    rhs: Span,
}

impl<'a> Checker<'a> {
    /// Checks `ode SET.q_t = E` and records it as a constraint.
    pub(super) fn ode_constraint(&mut self, c: &'a ast::Constraint, label: String, span: Span) {
        let errors = self.errors();
        let Some((data, state, time)) = self.observed_rate(&c.lhs) else {
            return;
        };
        let set = self.model.data[data.index()].name.clone();
        match &c.on {
            Some(ast::Region {
                kind: ast::RegionKind::Name(n),
                ..
            }) if n.name == set => {}
            None => {}
            Some(region) => self.report(
                Diagnostic::error(
                    Code::BadOde,
                    "an `ode` equation holds along its data's trajectories",
                )
                .label(region.span, format!("not `{set}`"))
                .help(format!("write `on {set}`, or leave out `on`")),
            ),
        }
        if c.relation != ast::Relation::Eq {
            self.report(
                Diagnostic::error(
                    Code::BadOde,
                    "an `ode` equation gives a rate: it is an equation",
                )
                .label(c.relation_span, "not `=`")
                .help(format!(
                    "write `ode {set}.{}_{} = ...`",
                    self.state_name(state),
                    self.column_name(data, time)
                )),
            );
        }
        let rhs = self.expr(&c.rhs, &mut Scope::default());
        let functions = rhs.functions();
        self.constrained.extend(functions.iter().copied());
        self.used_on_data.extend(functions.iter().copied());
        let mut unreadable = None;
        rhs.visit(&mut |e| match e {
            Expr::Column { .. } => unreadable = unreadable.or(Some("a data column")),
            Expr::Normal(_) => unreadable = unreadable.or(Some("the outward normal")),
            _ => {}
        });
        if let Some(what) = unreadable {
            self.report(
                Diagnostic::error(Code::BadOde, format!("this rate reads {what}"))
                    .label(
                        c.rhs.span,
                        format!("{what} has no value between observations"),
                    )
                    .help("an integrated rate reads the state, constants and learned scalars"),
            );
        }
        if self.errors() > errors {
            return;
        }
        let space = self.space(&[(&rhs, &c.rhs)], true);
        let column = self.model.data[data.index()]
            .column(&self.model.coord(state).name)
            .expect("found by observed_rate");
        self.odes.push(OdeEquation {
            constraint: self.model.constraints.len(),
            data,
            state,
            time,
            lhs: c.lhs.span,
            rhs: c.rhs.span,
        });
        self.model.constraints.push(Constraint {
            label,
            lhs: Expr::Column { data, column },
            relation: Relation::Eq,
            rhs,
            on: Where::Data(data),
            enforcement: Enforcement::Ode { state, time },
            space,
            fractional: false,
            span,
        });
    }

    /// `SET.q_t`: the data set, the state variable `q` (a coordinate) and
    /// the time column `t`; or `None`, reported.
    fn observed_rate(&mut self, lhs: &ast::Expr) -> Option<(DataId, CoordId, usize)> {
        let example = "an `ode` equation gives the time derivative of an observed column, as in `ode runs.q_t = f(q, p)`";
        let ast::ExprKind::Member { base, member } = &lhs.kind else {
            self.report(
                Diagnostic::error(
                    Code::BadOde,
                    "an `ode` equation starts with an observed rate",
                )
                .label(lhs.span, "not `SET.q_t`")
                .help(example),
            );
            return None;
        };
        let data = match self.names.get(&base.name) {
            Some(Decl::Data(DataId(u32::MAX))) => return None,
            Some(Decl::Data(d)) => *d,
            // Not a data set: reported as any other `name.column`.
            _ => {
                self.expr(lhs, &mut Scope::default());
                return None;
            }
        };
        self.used.insert(base.name.clone());
        let set = &self.model.data[data.index()];
        let split = member.name.match_indices('_').rev().find_map(|(i, _)| {
            let (state, time) = (&member.name[..i], &member.name[i + 1..]);
            Some((state.to_string(), set.column(state)?, set.column(time)?))
        });
        let Some((state, _, time)) = split else {
            let (name, columns) = (set.name.clone(), set.columns.join(", "));
            self.report(
                Diagnostic::error(
                    Code::BadOde,
                    format!("`{}` is not the rate of a column of `{name}`", member.name),
                )
                .label(member.span, "no columns `q` and `t` for `q_t` here")
                .help(format!(
                    "`{name}.q_t` is the time derivative of column `q` along column `t`; `{name}` has {columns}"
                )),
            );
            return None;
        };
        Some((data, self.intern_coord(&state), time))
    }

    fn state_name(&self, state: CoordId) -> String {
        self.model.coord(state).name.clone()
    }

    fn column_name(&self, data: DataId, column: usize) -> String {
        self.model.data[data.index()].columns[column].clone()
    }

    /// Checks each data set's `ode` equations as one system.
    pub(super) fn ode_systems(&mut self) {
        let equations = std::mem::take(&mut self.odes);
        let mut sets: Vec<DataId> = equations.iter().map(|e| e.data).collect();
        sets.dedup();
        for set in sets {
            let system: Vec<&OdeEquation> = equations.iter().filter(|e| e.data == set).collect();
            self.check_system(&system);
        }
    }

    fn check_system(&mut self, system: &[&OdeEquation]) {
        let first = system[0];
        let data = &self.model.data[first.data.index()];
        let (set, time) = (data.name.clone(), data.columns[first.time].clone());
        for e in &system[1..] {
            if e.time != first.time {
                let other = self.column_name(e.data, e.time);
                self.report(
                    Diagnostic::error(Code::BadOde, format!("two times in the `ode` system on `{set}`"))
                        .label(e.lhs, format!("a rate along `{other}`"))
                        .label(first.lhs, format!("a rate along `{time}`"))
                        .help("the equations on one data set are integrated together, along one time column"),
                );
            }
        }
        for (k, e) in system.iter().enumerate() {
            if let Some(earlier) = system[..k].iter().find(|x| x.state == e.state) {
                let name = self.state_name(e.state);
                self.report(
                    Diagnostic::error(
                        Code::BadOde,
                        format!("two `ode` equations give the rate of `{name}`"),
                    )
                    .label(e.lhs, "given again here")
                    .label(earlier.lhs, "first given here")
                    .help("each state variable has one rate"),
                );
            }
        }
        let mut states: Vec<CoordId> = vec![];
        for e in system {
            if !states.contains(&e.state) {
                states.push(e.state);
            }
        }
        for e in system {
            let space = self.model.constraints[e.constraint].space.clone();
            if let Some(c) = space.iter().find(|c| !states.contains(c)) {
                let name = self.model.coord(*c).name.clone();
                self.report(
                    Diagnostic::error(Code::BadOde, format!("`{name}` has no rate in the `ode` system on `{set}`"))
                        .label(e.rhs, format!("reads `{name}`"))
                        .help(format!(
                            "the state is integrated as a whole: add `ode {set}.{name}_{time} = ...`, or read only {}",
                            states.iter().map(|s| format!("`{}`", self.model.coord(*s).name)).collect::<Vec<_>>().join(", ")
                        )),
                );
            }
        }
        let times = &self.model.data[first.data.index()].values[first.time];
        let trajectories = times.windows(2).filter(|w| w[1] > w[0]).count();
        if trajectories == 0 {
            self.report(
                Diagnostic::error(Code::BadOde, format!("`{set}` holds no trajectory to integrate"))
                    .label(first.lhs, format!("`{time}` never increases from one row to the next"))
                    .help(format!(
                        "a trajectory is a run of rows whose `{time}` increases; a new one starts where it does not"
                    )),
            );
        }
    }
}
