//! How a first-order stage runs over its steps: its learning-rate
//! schedule (`adam(lr = 1e-3, decay = 0.5, every = 1000, schedule =
//! step)`) and its early stopping (`patience = 2000, min_delta = 1e-4`).
//!
//! Input: the stage's options. Output: the model's [`Decay`] and
//! [`EarlyStop`]; E0402 for a part given without the option it shapes
//! (`every` without `decay`, `min_delta` without `patience`) or out of
//! range, E0403 for an unknown schedule.

use super::*;

impl Checker<'_> {
    /// A first-order stage's early stopping from `patience` and
    /// `min_delta`.
    pub(super) fn early_stop(&mut self, options: &[&Opt]) -> Option<EarlyStop> {
        let find = |name: &str| options.iter().copied().find(|o| o.name.name == name);
        let (patience, min_delta) = (find("patience"), find("min_delta"));
        let Some(patience) = patience else {
            if let Some(opt) = min_delta {
                self.report(
                    Diagnostic::error(Code::OptionRange, "`min_delta` without `patience`")
                        .label(opt.name.span, "measures an improvement nothing waits for")
                        .help("give the patience too, as in `adam(steps = 10000, patience = 2000, min_delta = 1e-4)`"),
                );
            }
            return None;
        };
        Some(EarlyStop {
            patience: self.whole(patience, 1, 100_000_000)?,
            min_delta: match min_delta {
                Some(opt) => self.positive(opt)?,
                None => 0.0,
            },
        })
    }

    /// Adam's learning-rate schedule from `decay`, `every` and `schedule`.
    pub(super) fn decay(&mut self, options: &[&Opt]) -> Decay {
        let find = |name: &str| options.iter().copied().find(|o| o.name.name == name);
        let (rate, every, schedule) = (find("decay"), find("every"), find("schedule"));
        let Some(rate) = rate else {
            if let Some(opt) = every.or(schedule) {
                self.report(
                    Diagnostic::error(
                        Code::OptionRange,
                        format!("`{}` without `decay`", opt.name.name),
                    )
                    .label(opt.name.span, "shapes a decay that is not there")
                    .help("give the rate too, as in `adam(lr = 1e-3, decay = 0.5, every = 1000)`"),
                );
            }
            return Decay::Constant;
        };
        let every = every.map_or(Some(1000), |o| self.whole(o, 1, 100_000_000));
        let kind = schedule.map_or(Some(0), |o| self.choice(o, Decay::NAMES, "schedule"));
        let (Some(every), Some(kind)) = (every, kind) else {
            return Decay::Constant;
        };
        if kind == 2 {
            return self
                .positive(rate)
                .map_or(Decay::Constant, |rate| Decay::InverseTime { rate, every });
        }
        let rate = match self.positive(rate) {
            Some(v) if v >= 1.0 => {
                self.out_of_range(rate, "a rate between 0 and 1 (the learning rate falls)", v);
                return Decay::Constant;
            }
            Some(v) => v,
            None => return Decay::Constant,
        };
        match kind {
            0 => Decay::Step { rate, every },
            _ => Decay::Exponential { rate, every },
        }
    }
}
