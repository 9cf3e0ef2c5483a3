//! `net` and `train` statements: option schemas, ranges and defaults.
//!
//! Every field gets a network: its own by default, or one shared with the
//! fields named in the same `net` statement ([`nets`]). Options are checked
//! against a schema: unknown names, values out of range and unknown choices
//! are reported with what is allowed.

use super::*;
use crate::syntax::ast::{ItemKind, Opt, Spec, TrainItem};

mod anchors;
mod features;
mod nets;
mod refine;
mod schedule;
mod shared;

pub(crate) const NET_OPTIONS: &[&str] = &[
    "depth",
    "width",
    "act",
    "fourier",
    "scale",
    "time_scale",
    "multiscale",
    "weights",
    "features",
    "init",
];
/// The values of a network's `multiscale` option: every Fourier scale in one
/// input, or each through the hidden layers on its own.
pub(crate) const MULTISCALE_FORMS: &[&str] = &["joined", "separate"];
/// The values of a network's `weights` option: plain, or factorized.
pub(crate) const WEIGHT_FORMS: &[&str] = &["plain", "factorized"];
/// The values of a network's `init` option: Glorot-normal draws, or the
/// last layer fitted to the initial conditions.
pub(crate) const INIT_FORMS: &[&str] = &["random", "least_squares"];
/// SOAP's options: Adam's, and last how often the eigenbasis is refreshed.
pub(crate) const SOAP_OPTIONS: &[&str] = &[
    "lr",
    "steps",
    "beta1",
    "beta2",
    "decay",
    "every",
    "schedule",
    "patience",
    "min_delta",
    "precondition",
];
/// Adam's options: SOAP's but the last.
pub(crate) const ADAM_OPTIONS: &[&str] = match SOAP_OPTIONS.split_last() {
    Some((_, adam)) => adam,
    None => &[],
};
/// SOAP's default steps between refreshes of its eigenbasis (its
/// authors' precondition frequency).
const SOAP_PRECONDITION: u64 = 10;
pub(crate) const LBFGS_OPTIONS: &[&str] = &["lr", "steps", "history", "tolerance"];
pub(crate) const BFGS_OPTIONS: &[&str] = &["steps", "scaling"];
/// The values of `bfgs`'s `scaling`: Al-Baali's self-scaling, or none.
pub(crate) const BFGS_SCALINGS: &[&str] = &["self", "none"];
pub(crate) const TRAIN_GROUPS: &[&str] = &[
    "adam", "soap", "lbfgs", "bfgs", "points", "weights", "anchors", "refine",
];
/// The values of `sampler`, in [`Sampler`]'s order.
pub(crate) const SAMPLERS: &[&str] = &["lhs", "sobol", "hammersley", "uniform"];
pub(crate) const TRAIN_SETTINGS: &[&str] = &[
    "seed",
    "sampler",
    "points",
    "resample",
    "resample_by",
    "balance",
    "causal",
    "windows",
    "ode_steps",
    "log_every",
    "checkpoint_every",
    "patience",
];

impl Checker<'_> {
    /// The options of a spec that are known, reporting unknown and repeated ones.
    fn unique_options<'s>(&mut self, spec: &'s Spec, known: &[&str]) -> Vec<&'s Opt> {
        let mut seen: HashMap<&str, Span> = HashMap::new();
        let mut out = vec![];
        for opt in &spec.options {
            let name = opt.name.name.as_str();
            if !known.contains(&name) {
                let help = names::did_you_mean(
                    name,
                    known.iter().copied(),
                    &format!("`{}` takes {}", spec.name.name, known.join(", ")),
                );
                self.report(
                    Diagnostic::error(
                        Code::UnknownOption,
                        format!("`{}` has no option `{name}`", spec.name.name),
                    )
                    .label(opt.name.span, "unknown option")
                    .help(help),
                );
            } else if let Some(first) = seen.get(name) {
                self.report(
                    Diagnostic::error(Code::Duplicate, format!("option `{name}` given twice"))
                        .label(opt.name.span, "given again here")
                        .label(*first, "first given here")
                        .help("give each option once"),
                );
            } else {
                seen.insert(name, opt.name.span);
                out.push(opt);
            }
        }
        out
    }

    fn out_of_range(&mut self, opt: &Opt, wanted: &str, value: f64) {
        self.report(
            Diagnostic::error(
                Code::OptionRange,
                format!("`{}` must be {wanted}, found {value}", opt.name.name),
            )
            .label(opt.value.span, "out of range")
            .help(format!("give `{}` {wanted}", opt.name.name)),
        );
    }

    /// A whole number in `lo..=hi`.
    fn whole(&mut self, opt: &Opt, lo: u64, hi: u64) -> Option<u64> {
        let v = self.real_constant(&opt.value, &format!("option `{}`", opt.name.name))?;
        if v.fract() != 0.0 || v < lo as f64 || v > hi as f64 {
            self.out_of_range(opt, &format!("a whole number from {lo} to {hi}"), v);
            return None;
        }
        Some(v as u64)
    }

    fn positive(&mut self, opt: &Opt) -> Option<f64> {
        let v = self.real_constant(&opt.value, &format!("option `{}`", opt.name.name))?;
        if v <= 0.0 {
            self.out_of_range(opt, "a positive number", v);
            return None;
        }
        Some(v)
    }

    /// One positive number, or a list of them (`[1, 10]`, at most 16).
    fn scales(&mut self, opt: &Opt) -> Option<Vec<f64>> {
        let ast::ExprKind::Tuple(items) = &opt.value.kind else {
            return self.positive(opt).map(|v| vec![v]);
        };
        if items.len() > 16 {
            self.out_of_range(opt, "at most 16 scales", items.len() as f64);
            return None;
        }
        let mut scales = vec![];
        for item in items {
            let item = Opt {
                name: opt.name.clone(),
                value: item.clone(),
            };
            scales.push(self.positive(&item)?);
        }
        Some(scales)
    }

    /// A number in `[lo, hi)`.
    fn fraction(&mut self, opt: &Opt, lo: f64, hi: f64) -> Option<f64> {
        let v = self.real_constant(&opt.value, &format!("option `{}`", opt.name.name))?;
        if !(lo..hi).contains(&v) {
            self.out_of_range(opt, &format!("at least {lo} and below {hi}"), v);
            return None;
        }
        Some(v)
    }

    /// The index of a named choice such as `tanh`, written or named by a
    /// constant (`const act = tanh`).
    fn choice(&mut self, opt: &Opt, choices: &[&str], what: &str) -> Option<usize> {
        let ast::ExprKind::Name(id) = &opt.value.kind else {
            self.report(
                Diagnostic::error(
                    Code::UnknownChoice,
                    format!("`{}` takes a name", opt.name.name),
                )
                .label(opt.value.span, format!("expected {}", choices.join(", ")))
                .help(format!("write one of {}", choices.join(", "))),
            );
            return None;
        };
        let named = match self.names.get(&id.name) {
            Some(Decl::Word(word)) => Some(word.clone()),
            _ => None,
        };
        if let Some(word) = named {
            self.used.insert(id.name.clone());
            if let Some(k) = choices.iter().position(|c| *c == word) {
                return Some(k);
            }
            self.report(
                Diagnostic::error(
                    Code::UnknownChoice,
                    format!("`{}` names `{word}`, not a {what}", id.name),
                )
                .label(id.span, format!("`{word}`"))
                .help(format!("the choices are {}", choices.join(", "))),
            );
            return None;
        }
        if let Some(k) = choices.iter().position(|c| *c == id.name) {
            return Some(k);
        }
        let help = names::did_you_mean(
            &id.name,
            choices.iter().copied(),
            &format!("the choices are {}", choices.join(", ")),
        );
        self.report(
            Diagnostic::error(Code::UnknownChoice, format!("unknown {what} `{}`", id.name))
                .label(id.span, format!("not a known {what}"))
                .help(help),
        );
        None
    }

    pub(super) fn train(&mut self, program: &ast::Program) {
        let mut blocks = program.items.iter().filter_map(|i| match &i.kind {
            ItemKind::Train { items } => Some((items, i.span)),
            _ => None,
        });
        let Some((items, first_span)) = blocks.next() else {
            return;
        };
        for (_, span) in blocks {
            self.report(
                Diagnostic::error(Code::Duplicate, "a second `train` block")
                    .label(span, "second block")
                    .label(first_span, "first block")
                    .help("put every stage and setting in one `train { ... }`"),
            );
        }
        let mut train = Train::default();
        let mut stages = vec![];
        for item in items {
            match item {
                TrainItem::Spec(spec) if spec.name.name == "refine" => {
                    if train.refine.is_none() {
                        train.refine = self.refine(spec, stages.len());
                    }
                }
                TrainItem::Spec(spec) => self.train_group(spec, &mut train, &mut stages),
                TrainItem::Opt(opt) => self.train_setting(opt, &mut train),
            }
        }
        match (stages.is_empty(), &mut train.refine) {
            (false, _) => train.stages = stages,
            // Nothing written to repeat: the default stages are not a round.
            (true, Some(r)) => r.first = train.stages.len(),
            (true, None) => {}
        }
        self.refine_repeats_something(items, &train);
        self.shared_chains(items, &mut train);
        if train.resample_by == ResampleBy::Residual
            && train.resample == 0
            && let Some(span) = setting_span(items, "resample_by")
        {
            self.report(
                    Diagnostic::error(
                        Code::NeverResampled,
                        "points are chosen by residual only when they are resampled, and `resample` is not set",
                    )
                    .label(span, "never takes effect")
                    .help("add `resample = K` to draw new points every K Adam or BFGS steps"),
                );
        }
        self.model.train = train;
    }

    fn train_group(&mut self, spec: &Spec, train: &mut Train, stages: &mut Vec<Optimizer>) {
        match spec.name.name.as_str() {
            name @ ("adam" | "soap") => {
                let (mut lr, mut steps, mut beta1, mut beta2) = (1e-3, 1000, 0.9, 0.999);
                let mut soap = (name == "soap").then_some(SOAP_PRECONDITION);
                let known = if soap.is_some() {
                    SOAP_OPTIONS
                } else {
                    ADAM_OPTIONS
                };
                let options = self.unique_options(spec, known);
                for opt in &options {
                    match opt.name.name.as_str() {
                        "lr" => lr = self.positive(opt).unwrap_or(lr),
                        "steps" => steps = self.whole(opt, 1, 100_000_000).unwrap_or(steps),
                        "beta1" => beta1 = self.fraction(opt, 0.0, 1.0).unwrap_or(beta1),
                        "beta2" => beta2 = self.fraction(opt, 0.0, 1.0).unwrap_or(beta2),
                        "precondition" => soap = self.whole(opt, 1, 1_000_000).or(soap),
                        _ => {}
                    }
                }
                let decay = self.decay(&options);
                let stop = self.early_stop(&options);
                stages.push(Optimizer::Adam {
                    lr,
                    steps,
                    beta1,
                    beta2,
                    decay,
                    soap,
                    stop,
                });
            }
            "lbfgs" => {
                let (mut lr, mut steps, mut history, mut tolerance) =
                    (1.0, 1000, 50, crate::model::LBFGS_TOLERANCE);
                for opt in self.unique_options(spec, LBFGS_OPTIONS) {
                    match opt.name.name.as_str() {
                        "lr" => lr = self.positive(opt).unwrap_or(lr),
                        "steps" => steps = self.whole(opt, 1, 100_000_000).unwrap_or(steps),
                        "history" => history = self.whole(opt, 1, 1000).unwrap_or(history),
                        _ => tolerance = self.positive(opt).unwrap_or(tolerance),
                    }
                }
                stages.push(Optimizer::Lbfgs {
                    lr,
                    steps,
                    history,
                    tolerance,
                });
            }
            "bfgs" => {
                let (mut steps, mut self_scaled) = (1000, true);
                for opt in self.unique_options(spec, BFGS_OPTIONS) {
                    match opt.name.name.as_str() {
                        "steps" => steps = self.whole(opt, 1, 100_000_000).unwrap_or(steps),
                        _ => {
                            if let Some(k) = self.choice(opt, BFGS_SCALINGS, "scaling") {
                                self_scaled = k == 0;
                            }
                        }
                    }
                }
                stages.push(Optimizer::Bfgs { steps, self_scaled });
            }
            "points" | "weights" | "anchors" => {
                // Every label given, also those of constraints that failed
                // to check (reported already), and the automatic `eqN`.
                let mut labels: Vec<String> = self
                    .model
                    .constraints
                    .iter()
                    .map(|c| c.label.clone())
                    .collect();
                let mut failed: Vec<(&String, &Span)> = self
                    .labels
                    .iter()
                    .filter(|(label, _)| !labels.contains(label))
                    .collect();
                failed.sort_by_key(|(_, span)| span.start);
                let failed: Vec<String> = failed.into_iter().map(|(l, _)| l.clone()).collect();
                labels.extend(failed);
                let known: Vec<&str> = labels.iter().map(String::as_str).collect();
                for opt in self.unique_options(spec, &known) {
                    if spec.name.name == "points" && self.names_a_label(opt) {
                        if let Some(leader) = self.shared_points(opt) {
                            train.shared_points.push((opt.name.name.clone(), leader));
                        }
                    } else if spec.name.name == "points" {
                        if let Some(n) = self.whole(opt, 1, 100_000_000)
                            && !self.warn_points_on_data(opt, n)
                        {
                            train.label_points.push((opt.name.name.clone(), n));
                        }
                    } else if spec.name.name == "anchors" {
                        if let Some(a) = self.anchors(opt) {
                            train.anchors.push((opt.name.name.clone(), a));
                        }
                    } else if let Some(w) = self.positive(opt) {
                        train.weights.push((opt.name.name.clone(), w));
                    }
                }
            }
            other => {
                let help = names::did_you_mean(
                    other,
                    TRAIN_GROUPS.iter().copied(),
                    "the optimizers are `adam(...)`, `soap(...)`, `lbfgs(...)` and `bfgs(...)`",
                );
                self.report(
                    Diagnostic::error(Code::UnknownChoice, format!("unknown optimizer `{other}`"))
                        .label(spec.name.span, "not an optimizer")
                        .help(help),
                );
            }
        }
    }

    /// `points(fit = n)` where `fit` is on data: mini-batches of `n` rows,
    /// unless the data set has no more than `n` rows, which are then all
    /// used at every step; says so and ignores the count.
    fn warn_points_on_data(&mut self, opt: &Opt, n: u64) -> bool {
        let on_data = self.model.constraints.iter().find_map(|c| match c.on {
            Where::Data(d) if c.label == opt.name.name => Some(d),
            _ => None,
        });
        let Some(d) = on_data else {
            return false;
        };
        let data = &self.model.data[d.index()];
        let (name, rows) = (data.name.clone(), data.rows());
        if n < rows as u64 {
            return false;
        }
        let label = &opt.name.name;
        self.report(
            Diagnostic::warning(
                Code::PointsOnData,
                format!(
                    "`points` asks `{label}` for {n} rows, and the data set `{name}` has {rows}"
                ),
            )
            .label(
                opt.name.span.to(opt.value.span),
                format!("ignored: all {rows} rows of `{name}` are used at every step"),
            )
            .help(format!(
                "a count below {rows} makes mini-batches of that many rows, a new one every Adam \
                 step; remove it to use every row (`weights({label} = ...)` weighs the data \
                 against the equations)"
            )),
        );
        true
    }

    fn train_setting(&mut self, opt: &Opt, train: &mut Train) {
        match opt.name.name.as_str() {
            "seed" => train.seed = self.whole(opt, 0, 1 << 53).unwrap_or(train.seed),
            "points" => train.points = self.whole(opt, 1, 100_000_000).unwrap_or(train.points),
            "resample" => {
                train.resample = self.whole(opt, 0, 100_000_000).unwrap_or(train.resample)
            }
            "ode_steps" => train.ode_steps = self.whole(opt, 1, 10_000).unwrap_or(train.ode_steps),
            "log_every" => {
                train.log_every = self.whole(opt, 1, 100_000_000).unwrap_or(train.log_every)
            }
            "checkpoint_every" => {
                train.checkpoint_every = self
                    .whole(opt, 1, 100_000_000)
                    .unwrap_or(train.checkpoint_every)
            }
            "patience" => {
                train.patience = self.whole(opt, 0, 100_000_000).unwrap_or(train.patience)
            }
            "causal" => {
                if let Some(v) = self.real_constant(&opt.value, "option `causal`") {
                    if v < 0.0 {
                        self.out_of_range(opt, "zero (off) or a positive tolerance", v);
                    } else if v > 0.0 && !self.model.coords.iter().any(|c| c.name == "t") {
                        self.report(
                            Diagnostic::error(
                                Code::NoTime,
                                "causal weighting orders the residual in time, and no field has a coordinate `t`",
                            )
                            .label(opt.name.span, "needs a time coordinate")
                            .help("name the time coordinate `t`, or leave out `causal`"),
                        );
                    } else {
                        train.causal = v;
                    }
                }
            }
            "windows" => {
                if let Some(n) = self.whole(opt, 1, 1000) {
                    match n > 1 && !self.model.coords.iter().any(|c| c.name == "t") {
                        true => self.report(
                            Diagnostic::error(
                                Code::NoTime,
                                "time marching splits the range of time, and no field has a coordinate `t`",
                            )
                            .label(opt.name.span, "needs a time coordinate")
                            .help("name the time coordinate `t`, or leave out `windows`"),
                        ),
                        false => train.windows = n,
                    }
                }
            }
            "sampler" => {
                let choices = [
                    Sampler::Lhs,
                    Sampler::Sobol,
                    Sampler::Hammersley,
                    Sampler::Uniform,
                ];
                if let Some(k) = self.choice(opt, SAMPLERS, "sampler") {
                    train.sampler = choices[k];
                }
            }
            "resample_by" => {
                let choices = [
                    ("sampler", ResampleBy::Sampler),
                    ("residual", ResampleBy::Residual),
                ];
                let names: Vec<&str> = choices.iter().map(|(n, _)| *n).collect();
                if let Some(k) = self.choice(opt, &names, "resampling") {
                    train.resample_by = choices[k].1;
                }
            }
            "balance" => {
                let names: Vec<&str> = Balance::ALL.iter().map(|(n, _)| *n).collect();
                if let Some(k) = self.choice(opt, &names, "loss balancing") {
                    train.balance = Balance::ALL[k].1;
                }
            }
            other => {
                let help = names::did_you_mean(
                    other,
                    TRAIN_SETTINGS.iter().copied(),
                    &format!("the settings are {}", TRAIN_SETTINGS.join(", ")),
                );
                self.report(
                    Diagnostic::error(
                        Code::UnknownOption,
                        format!("`train` has no setting `{other}`"),
                    )
                    .label(opt.name.span, "unknown setting")
                    .help(help),
                );
            }
        }
    }
}

/// Where the `train` block sets `name`, if it does.
fn setting_span(items: &[TrainItem], name: &str) -> Option<Span> {
    items.iter().find_map(|item| match item {
        TrainItem::Opt(opt) if opt.name.name == name => Some(opt.name.span),
        _ => None,
    })
}
