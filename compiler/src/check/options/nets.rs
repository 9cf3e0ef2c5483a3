//! `net` statements: which fields share a network, and each network's
//! architecture and options, defaults filled in.

use super::*;

/// Default network when a field has no `net` statement.
const DEFAULT_DEPTH: u32 = 4;
const DEFAULT_WIDTH: u32 = 32;

impl Checker<'_> {
    pub(in crate::check) fn nets(&mut self, program: &ast::Program) {
        let mut owner: HashMap<FuncId, Span> = HashMap::new();
        for item in &program.items {
            let ItemKind::Net { names, args, spec } = &item.kind else {
                continue;
            };
            let mut outputs = vec![];
            for name in names {
                match self.names.get(&name.name) {
                    Some(Decl::Function(f)) => {
                        let f = *f;
                        if args.is_some() && self.model.function(f).kind == FunctionKind::Field {
                            self.report(
                                Diagnostic::error(
                                    Code::NetTarget,
                                    format!(
                                        "`{}` is a field; its network's inputs are its coordinates",
                                        name.name
                                    ),
                                )
                                .label(name.span, "a field")
                                .help(format!(
                                    "write `net {} = mlp(...)` without arguments",
                                    name.name
                                )),
                            );
                            continue;
                        }
                        if let Some(first) = owner.get(&f) {
                            self.report(
                                Diagnostic::error(
                                    Code::Duplicate,
                                    format!("`{}` has two networks", name.name),
                                )
                                .label(name.span, "second network")
                                .label(*first, "first network")
                                .help("give each field one `net` statement"),
                            );
                            continue;
                        }
                        owner.insert(f, name.span);
                        outputs.push(f);
                    }
                    Some(other) => {
                        let what = other.describe();
                        self.report(
                            Diagnostic::error(Code::NetTarget, format!("`{}` is {what}; a network computes a field", name.name))
                                .label(name.span, what)
                                .help("name a field, or declare a learned function with arguments: `net H(q, p)`"),
                        );
                    }
                    None => {
                        let fields = self.model.functions.iter().map(|f| f.name.as_str());
                        let help = names::did_you_mean(
                            &name.name,
                            fields,
                            &format!(
                                "declare `field {}(...)`, or give the network arguments: `net {}(a, b)`",
                                name.name, name.name
                            ),
                        );
                        self.report(
                            Diagnostic::error(
                                Code::UnknownName,
                                format!("network for unknown field `{}`", name.name),
                            )
                            .label(name.span, "not a field")
                            .help(help),
                        );
                    }
                }
            }
            let Some(&first) = outputs.first() else {
                continue;
            };
            let inputs = self.model.function(first).coords.clone();
            if let Some(odd) = outputs
                .iter()
                .find(|f| self.model.function(**f).coords != inputs)
            {
                let (a, b) = (
                    self.model.function(first).name.clone(),
                    self.model.function(*odd).name.clone(),
                );
                self.report(
                    Diagnostic::error(Code::NetTarget, format!("one network for `{a}` and `{b}`, which have different coordinates"))
                        .label(item.span, "shared network")
                        .help("a shared network has one set of inputs: give these fields separate `net` statements"),
                );
                continue;
            }
            let net = self.net(spec.as_ref(), outputs, inputs);
            self.model.nets.push(net);
        }
        for k in 0..self.model.functions.len() {
            let f = FuncId(k as u32);
            if !owner.contains_key(&f) {
                let inputs = self.model.function(f).coords.clone();
                let mut net = self.net(None, vec![f], inputs);
                net.declared = false;
                self.model.nets.push(net);
            }
        }
    }

    fn net(&mut self, spec: Option<&Spec>, outputs: Vec<FuncId>, inputs: Vec<CoordId>) -> Net {
        let mut net = Net {
            outputs,
            inputs,
            architecture: Architecture::Mlp,
            depth: DEFAULT_DEPTH,
            width: DEFAULT_WIDTH,
            activation: Activation::Tanh,
            factorized: false,
            fit_initial: false,
            fourier: 0,
            fourier_scales: vec![1.0],
            separate_scales: false,
            time_scales: vec![],
            features: vec![],
            declared: true,
        };
        let Some(spec) = spec else { return net };
        let Some(&(_, architecture)) = Architecture::ALL
            .iter()
            .find(|(name, _)| *name == spec.name.name)
        else {
            self.report(
                Diagnostic::error(
                    Code::UnknownChoice,
                    format!("unknown network `{}`", spec.name.name),
                )
                .label(spec.name.span, "not a network architecture")
                .help(names::did_you_mean(
                    &spec.name.name,
                    Architecture::ALL.iter().map(|(name, _)| *name),
                    "the architectures are `mlp(depth = 4, width = 32, act = tanh)`, and `modified_mlp(...)` and `pirate_net(...)` with the same options",
                )),
            );
            return net;
        };
        net.architecture = architecture;
        for opt in self.unique_options(spec, NET_OPTIONS) {
            match opt.name.name.as_str() {
                "depth" => net.depth = self.whole(opt, 1, 64).map_or(net.depth, |v| v as u32),
                "width" => net.width = self.whole(opt, 1, 4096).map_or(net.width, |v| v as u32),
                "fourier" => {
                    net.fourier = self.whole(opt, 0, 4096).map_or(net.fourier, |v| v as u32)
                }
                "scale" => {
                    if let Some(scales) = self.scales(opt) {
                        net.fourier_scales = scales;
                    }
                }
                "features" => {
                    if let Some(learned) = net
                        .outputs
                        .iter()
                        .find(|f| self.model.function(**f).kind != FunctionKind::Field)
                    {
                        let name = self.model.function(*learned).name.clone();
                        self.report(
                            Diagnostic::error(
                                Code::BadFeature,
                                format!("`{name}` is a learned function; features are for fields"),
                            )
                            .label(opt.name.span, "features of a learned function")
                            .help(format!(
                                "a learned function reads its arguments: pass the features \
                                 where it is read, as in `{name}(sin(q), cos(q))`"
                            )),
                        );
                    } else if let Some(features) = self.features(opt, &net.inputs) {
                        net.features = features;
                    }
                }
                "time_scale" => {
                    if let Some(scales) = self.scales(opt) {
                        net.time_scales = scales;
                        net.separate_scales = true;
                    }
                }
                "multiscale" => {
                    if let Some(form) = self.choice(opt, MULTISCALE_FORMS, "multi-scale form") {
                        net.separate_scales = form == 1;
                    }
                }
                "weights" => {
                    if let Some(form) = self.choice(opt, WEIGHT_FORMS, "weight form") {
                        net.factorized = form == 1;
                    }
                }
                "init" => {
                    if let Some(form) = self.choice(opt, INIT_FORMS, "initialisation") {
                        net.fit_initial = form == 1;
                        if net.fit_initial {
                            self.check_initial_conditions(opt, &net.outputs);
                        }
                    }
                }
                _ => {
                    let names: Vec<&str> = Activation::ALL.iter().map(|(n, _)| *n).collect();
                    if let Some(choice) = self.choice(opt, &names, "activation") {
                        net.activation = Activation::ALL[choice].1;
                    }
                }
            }
        }
        if net.separate_scales {
            self.check_separate_scales(spec, &net);
        }
        net
    }

    /// `init = least_squares` fits the last layer to the network's soft
    /// initial conditions, so it needs some.
    fn check_initial_conditions(&mut self, opt: &Opt, outputs: &[FuncId]) {
        if !crate::program::march::initial_conditions(&self.model, outputs).is_empty() {
            return;
        }
        let names: Vec<String> = outputs
            .iter()
            .map(|f| format!("`{}`", self.model.function(*f).name))
            .collect();
        self.report(
            Diagnostic::error(
                Code::NothingToFit,
                format!("no initial condition of {} to fit", names.join(" or ")),
            )
            .label(
                opt.name.span.to(opt.value.span),
                "fits the last layer to the initial conditions",
            )
            .help(
                "the last layer is fitted by least squares to the equations penalised at the \
                 start of `t`, as `ic: u = sin(pi*x) on t = 0`; leave out `init` to keep \
                 random weights",
            ),
        );
    }

    /// `multiscale = separate` passes each scale's Fourier features through
    /// the hidden layers of a plain MLP.
    fn check_separate_scales(&mut self, spec: &Spec, net: &Net) {
        let time = net
            .inputs
            .iter()
            .position(|c| self.model.coord(*c).name == "t");
        let problem = match (net.architecture, net.fourier) {
            (Architecture::Mlp, 0) => "it has no Fourier features (`fourier = m`)",
            (Architecture::Mlp, _) if net.time_scales.is_empty() => return,
            (Architecture::Mlp, _) if time.is_some() && net.inputs.len() > 1 => return,
            (Architecture::Mlp, _) => {
                "`time_scale` needs a time coordinate `t` and a coordinate of space"
            }
            (Architecture::Modified, _) => "a modified MLP's gates read one input",
            (Architecture::Pirate, _) => "a PirateNet's blocks return to one input",
        };
        let span = spec
            .options
            .iter()
            .find(|o| o.name.name == "multiscale" || o.name.name == "time_scale")
            .map_or(spec.name.span, |o| o.name.span.to(o.value.span));
        self.report(
            Diagnostic::error(
                Code::OptionRange,
                "separate Fourier scales need an `mlp` with Fourier features",
            )
            .label(span, problem)
            .help(
                "write `mlp(fourier = 50, scale = [1, 10], multiscale = separate)`: each scale's \
                 features go through the same hidden layers, joined before the last; with \
                 `time_scale = [1, 10]`, the features of `t` are paths of their own",
            ),
        );
    }
}
