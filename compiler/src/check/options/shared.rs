//! Points one constraint shares with another: `points(pde = 6000, fb =
//! pde)` evaluates `fb` at `pde`'s points, as DeepXDE evaluates all of an
//! equation's residuals at one set of points.
//!
//! Input: a `points` option whose value names a label. Output: the leader's
//! label, or E0410 when the two do not hold at the same place over the same
//! coordinates (or one is on data, hard, or itself follows another), since
//! a point of one would not be a point of the other.
//!
//! Invariant: a follower's leader has points of its own and leads only.

use super::*;

impl Checker<'_> {
    /// Whether a `points` option's value is a constraint's label.
    pub(super) fn names_a_label(&self, opt: &Opt) -> bool {
        matches!(&opt.value.kind, ast::ExprKind::Name(id)
            if self.model.constraints.iter().any(|c| c.label == id.name))
    }

    /// `points(FOLLOWER = LEADER)`: the leader's label when the two
    /// constraints can share points.
    pub(super) fn shared_points(&mut self, opt: &Opt) -> Option<String> {
        let ast::ExprKind::Name(leader) = &opt.value.kind else {
            return None;
        };
        let find = |label: &str| self.model.constraints.iter().find(|c| c.label == label);
        let (follower, lead) = (find(&opt.name.name)?, find(&leader.name)?);
        let own_points = |c: &Constraint| {
            !matches!(c.on, Where::Data(_)) && matches!(c.enforcement, Enforcement::Soft)
        };
        let why = if leader.name == opt.name.name {
            Some("a constraint cannot share its own points".to_string())
        } else if !own_points(follower) || !own_points(lead) {
            Some("points are shared only by constraints trained at collocation points (not on data, hard or `ode`)".to_string())
        } else if follower.on != lead.on || follower.space != lead.space {
            Some(format!(
                "`{}` and `{}` do not hold at the same place over the same coordinates",
                opt.name.name, leader.name
            ))
        } else if reads_normal(follower) && !reads_normal(lead) {
            Some(format!(
                "`{}` reads the outward normal, which the points of `{}` do not carry: let it draw them",
                opt.name.name, leader.name
            ))
        } else {
            None
        };
        if let Some(why) = why {
            self.report(
                Diagnostic::error(
                    Code::BadSharedPoints,
                    format!("`{}` cannot take the points of `{}`", opt.name.name, leader.name),
                )
                .label(opt.value.span, why)
                .help("share points between equations of one region, as in `points(pde = 6000, fb = pde)`, or give a count"),
            );
            return None;
        }
        Some(leader.name.clone())
    }
}

impl Checker<'_> {
    /// Drops, reporting it, every sharing whose leader follows another.
    pub(super) fn shared_chains(&mut self, items: &[TrainItem], train: &mut Train) {
        let followers: Vec<String> = train.shared_points.iter().map(|(f, _)| f.clone()).collect();
        let chained = |(_, leader): &(String, String)| followers.contains(leader);
        for (follower, leader) in train.shared_points.iter().filter(|s| chained(s)) {
            let span = items.iter().find_map(|item| match item {
                TrainItem::Spec(spec) if spec.name.name == "points" => spec
                    .options
                    .iter()
                    .find(|o| o.name.name == *follower)
                    .map(|o| o.value.span),
                _ => None,
            });
            if let Some(span) = span {
                self.report(
                    Diagnostic::error(
                        Code::BadSharedPoints,
                        format!("`{follower}` cannot take the points of `{leader}`"),
                    )
                    .label(span, format!("`{leader}` takes another's points itself"))
                    .help("name the constraint that draws the points"),
                );
            }
        }
        train.shared_points.retain(|s| !chained(s));
    }
}

/// Whether a constraint reads the outward normal (its boundary points then
/// carry it).
fn reads_normal(c: &Constraint) -> bool {
    let mut found = false;
    for side in [&c.lhs, &c.rhs] {
        side.visit(&mut |e| found |= matches!(e, Expr::Normal(_)));
    }
    found
}
