//! Adaptive refinement in a `train` block: `refine(pde = 1, until = 0.005,
//! rounds = 10)`, whose rounds are the stages written after it.
//!
//! Input: the `refine` spec and where it stands among the stages. Output:
//! the model's [`Refine`], or E0409 when it has nothing to repeat or names
//! a constraint without collocation points (on data, hard or an `ode`
//! fit), E0402 for values out of range, E0401 for unknown names.
//!
//! Invariant: a checked refinement names at least one constraint with
//! points of its own, and at least one stage follows it.

use super::*;

/// Options of `refine` besides the constraints' counts.
const REFINE_OPTIONS: &[&str] = &["until", "rounds"];
/// Rounds when `rounds` is not given.
const DEFAULT_ROUNDS: u64 = 10;

impl Checker<'_> {
    /// `refine(...)` standing before stage `first`.
    pub(super) fn refine(&mut self, spec: &Spec, first: usize) -> Option<Refine> {
        let mut known: Vec<&str> = REFINE_OPTIONS.to_vec();
        let labels: Vec<String> = self
            .model
            .constraints
            .iter()
            .map(|c| c.label.clone())
            .collect();
        known.extend(labels.iter().map(String::as_str));
        let mut refine = Refine {
            add: vec![],
            until: 0.0,
            rounds: DEFAULT_ROUNDS,
            first,
        };
        for opt in self.unique_options(spec, &known) {
            match opt.name.name.as_str() {
                "until" => refine.until = self.positive(opt).unwrap_or(refine.until),
                "rounds" => refine.rounds = self.whole(opt, 1, 10_000).unwrap_or(refine.rounds),
                label => {
                    let n = self.whole(opt, 1, 100_000);
                    if let (Some(n), true) = (n, self.has_points(opt)) {
                        refine.add.push((label.to_string(), n));
                    }
                }
            }
        }
        if refine.add.is_empty() && !spec.options.iter().any(|o| labels.contains(&o.name.name)) {
            self.report(
                Diagnostic::error(Code::BadRefine, "`refine` names no constraint to add points to")
                    .label(spec.span, "adds points nowhere")
                    .help("name each constraint and how many points a round adds to it, as in `refine(pde = 1, until = 0.005)`"),
            );
        }
        Some(refine)
    }

    /// Whether the constraint `opt` names is sampled at points of its own;
    /// else says why refinement cannot add to it.
    fn has_points(&mut self, opt: &Opt) -> bool {
        let Some(c) = self
            .model
            .constraints
            .iter()
            .find(|c| c.label == opt.name.name)
        else {
            return false;
        };
        let why = match (&c.on, &c.enforcement) {
            (Where::Data(_), _) | (_, Enforcement::Ode { .. }) => {
                "its points are the rows of a data set"
            }
            (_, Enforcement::Hard) => "it holds exactly, at no points",
            _ => return true,
        };
        self.report(
            Diagnostic::error(
                Code::BadRefine,
                format!("refinement cannot add points to `{}`: {why}", opt.name.name),
            )
            .label(opt.name.span, "no points to add to")
            .help("name constraints trained at collocation points (equations and conditions on the domain or a boundary)"),
        );
        false
    }

    /// A refinement with no stage after it to repeat, or a second one.
    pub(super) fn refine_repeats_something(&mut self, items: &[TrainItem], train: &Train) {
        let mut specs = items.iter().filter_map(|item| match item {
            TrainItem::Spec(spec) if spec.name.name == "refine" => Some(spec),
            _ => None,
        });
        let (Some(first), second) = (specs.next(), specs.next()) else {
            return;
        };
        if let Some(second) = second {
            self.report(
                Diagnostic::error(Code::Duplicate, "a second `refine` in one `train` block")
                    .label(second.span, "second refinement")
                    .label(first.span, "first refinement")
                    .help("one `refine(...)` repeats every stage after it; put the stages of a round after it"),
            );
        }
        if let Some(r) = &train.refine
            && r.first >= train.stages.len()
        {
            self.report(
                Diagnostic::error(Code::BadRefine, "`refine` repeats the stages after it, and none follows")
                    .label(first.span, "nothing to repeat")
                    .help("write the stages of a round after it, as in `refine(pde = 1); adam(steps = 10000); lbfgs(steps = 15000)`"),
            );
        }
    }
}
