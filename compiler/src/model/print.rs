//! The checked model as text, for snapshots and `physc ir --stage checked`.
//!
//! Expressions print with the fewest parentheses that keep their meaning;
//! derivatives print as `u_xt` when every coordinate differentiated along
//! is one letter (which reads back as the same derivative), else as
//! `d(u, r, theta)`.

use super::*;
use std::fmt::Write;

pub fn model(m: &Model) -> String {
    let mut out = String::new();
    let p = Printer { m };
    for c in &m.consts {
        let _ = writeln!(out, "const {} = {}", c.name, num(c.value));
    }
    for t in &m.tunables {
        let _ = writeln!(
            out,
            "search {} from {} in {}",
            t.name,
            t.default.text(),
            t.space.text()
        );
    }
    for l in &m.learned {
        let _ = writeln!(out, "learn {} = {}", l.name, num(l.init));
        if let Some(exact) = l.exact {
            let _ = writeln!(out, "exact {} = {}", l.name, num(exact));
        }
    }
    for a in &m.params {
        let _ = writeln!(out, "param {} in [{}, {}]", a.name, a.lo, a.hi);
    }
    for d in &m.data {
        let _ = writeln!(
            out,
            "data {} = {:?}: {} rows of ({})",
            d.name,
            file_name(&d.path),
            d.rows(),
            d.columns.join(", ")
        );
    }
    for f in &m.functions {
        let ty = if f.complex { ": complex" } else { "" };
        let (name, args) = (&f.name, p.coords(&f.coords));
        let _ = match (&f.domain, f.kind) {
            (Some(d), FunctionKind::Field) => {
                writeln!(out, "field {name}({args}){ty} on {}", p.domain(d))
            }
            (Some(d), _) => writeln!(
                out,
                "learned function {name}({args}){ty} on {}",
                p.domain(d)
            ),
            (None, _) => writeln!(
                out,
                "learned function {name}({args}){ty} on data points only"
            ),
        };
    }
    for n in &m.nets {
        let outputs: Vec<&str> = n
            .outputs
            .iter()
            .map(|f| m.function(*f).name.as_str())
            .collect();
        let fourier = if n.fourier > 0 {
            let scales: Vec<String> = n.fourier_scales.iter().map(|s| s.to_string()).collect();
            let separate = match (n.separate_scales, &n.time_scales[..]) {
                (_, [_, ..]) => {
                    let t: Vec<String> = n.time_scales.iter().map(|s| s.to_string()).collect();
                    format!(", time_scale = {}", t.join(", "))
                }
                (true, []) => ", multiscale = separate".to_string(),
                (false, []) => String::new(),
            };
            format!(
                ", fourier = {} (scale {}){separate}",
                n.fourier,
                scales.join(", ")
            )
        } else {
            String::new()
        };
        let origin = if n.declared { "" } else { " (default)" };
        let factorized = if n.factorized {
            ", weights = factorized"
        } else {
            ""
        };
        let init = if n.fit_initial {
            ", init = least_squares"
        } else {
            ""
        };
        let features = match &n.features[..] {
            [] => String::new(),
            f => {
                let f: Vec<String> = f.iter().map(|e| p.expr(e)).collect();
                format!(", features = [{}]", f.join(", "))
            }
        };
        let _ = writeln!(
            out,
            "net ({}) -> ({}): {}(depth = {}, width = {}, act = {}{features}{fourier}{factorized}{init}){origin}",
            p.coords(&n.inputs),
            outputs.join(", "),
            n.architecture.name(),
            n.depth,
            n.width,
            n.activation.name()
        );
    }
    for c in &m.constraints {
        let (hard, lhs) = match c.enforcement {
            Enforcement::Hard => ("hard ", p.expr(&c.lhs)),
            Enforcement::Soft => ("", p.expr(&c.lhs)),
            Enforcement::Ode { time, .. } => {
                let Where::Data(d) = c.on else {
                    unreachable!("an `ode` equation is on data")
                };
                let time = &m.data[d.index()].columns[time];
                ("ode ", format!("d({}, {time})", p.expr(&c.lhs)))
            }
        };
        let relation = match c.relation {
            Relation::Eq => "=",
            Relation::Ge => ">=",
            Relation::Le => "<=",
            Relation::Gt => ">",
            Relation::Lt => "<",
        };
        let _ = writeln!(
            out,
            "{}: {hard}{lhs} {relation} {}  on {}  over ({})",
            c.label,
            p.expr(&c.rhs),
            p.place(&c.on),
            p.coords(&c.space)
        );
    }
    for s in &m.symmetries {
        let f = m.function(s.function);
        let soft = if s.soft { "soft " } else { "" };
        let value = match (s.sign, s.offset) {
            (1.0, 0.0) => f.name.clone(),
            (-1.0, 0.0) => format!("-{}", f.name),
            (a, 0.0) => format!("{a}*{}", f.name),
            (a, b) => {
                let scaled = match a {
                    1.0 => f.name.clone(),
                    -1.0 => format!("-{}", f.name),
                    a => format!("{a}*{}", f.name),
                };
                match b < 0.0 {
                    true => format!("{scaled} - {}", -b),
                    false => format!("{scaled} + {b}"),
                }
            }
        };
        let map = match &s.map {
            SymmetryMap::Periodic { coord, period } => {
                format!("periodic in {} with period {period}", m.coord(*coord).name)
            }
            SymmetryMap::Finite { images, order } => {
                let images: Vec<String> = images
                    .iter()
                    .zip(&f.coords)
                    .map(|(im, c)| format!("{} -> {}", m.coord(*c).name, p.image(im, &f.coords)))
                    .collect();
                format!("group of order {order}: {}", images.join(", "))
            }
            SymmetryMap::Sampled { args } => {
                format!(
                    "sampled: ({}) -> ({})",
                    p.coords(&f.coords),
                    args.iter()
                        .map(|a| p.expr(a))
                        .collect::<Vec<_>>()
                        .join(", ")
                )
            }
        };
        let _ = writeln!(out, "{soft}symmetry of {}: {map}, value {value}", f.name);
    }
    for c in &m.conservation {
        let _ = writeln!(
            out,
            "conserve {} in {}",
            p.expr(&c.quantity),
            m.coord(c.time).name
        );
    }
    for s in &m.solutions {
        let name = &m.function(s.function).name;
        let _ = match &s.kind {
            SolutionKind::Exact(e) => {
                let keyword = if s.checked { "exact" } else { "reference" };
                writeln!(out, "{keyword} {name} = {}", p.expr(e))
            }
            SolutionKind::Reference(d) => {
                writeln!(out, "reference {name} = data {}", m.data[d.index()].name)
            }
        };
    }
    out.push_str(&train(&m.train, &m.data));
    out
}

/// A number as a person writes it: `0.01`, `1e-9`, `25000`.
pub fn num(v: f64) -> String {
    let a = v.abs();
    if a != 0.0 && a.is_finite() && !(1e-4..1e7).contains(&a) {
        format!("{v:e}")
    } else {
        format!("{v}")
    }
}

fn file_name(path: &std::path::Path) -> String {
    path.file_name().map_or_else(
        || path.display().to_string(),
        |n| n.to_string_lossy().into_owned(),
    )
}

fn train(t: &Train, data: &[DataSet]) -> String {
    let mut stages: Vec<String> = t
        .stages
        .iter()
        .map(|s| match s {
            Optimizer::Adam {
                lr,
                steps,
                beta1,
                beta2,
                decay,
                soap,
                stop,
            } => {
                let decay = match decay {
                    Decay::Constant => String::new(),
                    Decay::Step { rate, every } => {
                        format!(", decay = {} every {every} (step)", num(*rate))
                    }
                    Decay::Exponential { rate, every } => {
                        format!(", decay = {} every {every} (exponential)", num(*rate))
                    }
                    Decay::InverseTime { rate, every } => {
                        format!(", decay = {} every {every} (inverse_time)", num(*rate))
                    }
                };
                let (name, precondition) = match soap {
                    None => ("adam", String::new()),
                    Some(n) => ("soap", format!(", precondition = {n}")),
                };
                let stop = match stop {
                    None => String::new(),
                    Some(s) if s.min_delta > 0.0 => {
                        format!(", patience = {}, min_delta = {}", s.patience, num(s.min_delta))
                    }
                    Some(s) => format!(", patience = {}", s.patience),
                };
                format!(
                    "{name}(lr = {}, steps = {steps}, beta1 = {beta1}, beta2 = {beta2}{decay}{precondition}{stop})",
                    num(*lr)
                )
            }
            Optimizer::Lbfgs {
                lr,
                steps,
                history,
                tolerance,
            } => {
                format!(
                    "lbfgs(lr = {}, steps = {steps}, history = {history}, tolerance = {})",
                    num(*lr),
                    num(*tolerance)
                )
            }
            Optimizer::Bfgs { steps, self_scaled } => format!(
                "bfgs(steps = {steps}, scaling = {})",
                if *self_scaled { "self" } else { "none" }
            ),
        })
        .collect();
    if let Some(r) = &t.refine {
        let add: Vec<String> = r.add.iter().map(|(l, n)| format!("{l} = {n}")).collect();
        let until = match r.until > 0.0 {
            true => format!(", until = {}", num(r.until)),
            false => String::new(),
        };
        stages.insert(
            r.first,
            format!("refine({}{until}, rounds = {})", add.join(", "), r.rounds),
        );
    }
    let mut out = format!("train: {}\n", stages.join("; "));
    let _ = writeln!(
        out,
        "  seed = {}, sampler = {}, points = {}, resample = {}, balance = {}, causal = {}",
        t.seed,
        format!("{:?}", t.sampler).to_lowercase(),
        t.points,
        t.resample,
        format!("{:?}", t.balance).to_lowercase(),
        num(t.causal)
    );
    match t.resample_by {
        ResampleBy::Sampler => {}
        ResampleBy::Residual => {
            let _ = writeln!(out, "  resample_by = residual");
        }
    }
    if t.windows != 1 {
        let _ = writeln!(out, "  windows = {}", t.windows);
    }
    if t.ode_steps != 1 {
        let _ = writeln!(out, "  ode_steps = {}", t.ode_steps);
    }
    let _ = writeln!(
        out,
        "  log_every = {}, checkpoint_every = {}, patience = {}",
        t.log_every, t.checkpoint_every, t.patience
    );
    if !t.label_points.is_empty() || !t.shared_points.is_empty() {
        let counts = t.label_points.iter().map(|(l, n)| format!("{l} = {n}"));
        let shared = t.shared_points.iter().map(|(f, l)| format!("{f} = {l}"));
        let items: Vec<String> = counts.chain(shared).collect();
        let _ = writeln!(out, "  points({})", items.join(", "));
    }
    if !t.anchors.is_empty() {
        let items: Vec<String> = t
            .anchors
            .iter()
            .map(|(l, a)| match a {
                Anchors::Data(d) => format!("{l} = {}", data[d.index()].name),
                Anchors::Drawn { region, count, .. } => format!("{l} = sample({region}, {count})"),
            })
            .collect();
        let _ = writeln!(out, "  anchors({})", items.join(", "));
    }
    if !t.weights.is_empty() {
        let items: Vec<String> = t
            .weights
            .iter()
            .map(|(l, w)| format!("{l} = {w}"))
            .collect();
        let _ = writeln!(out, "  weights({})", items.join(", "));
    }
    out
}

/// Prints parts of one model.
pub struct Printer<'a> {
    pub m: &'a Model,
}

impl Printer<'_> {
    fn coords(&self, coords: &[CoordId]) -> String {
        coords
            .iter()
            .map(|c| self.m.coord(*c).name.as_str())
            .collect::<Vec<_>>()
            .join(", ")
    }

    /// An affine image of coordinates `coords`, as `-y + 1` or
    /// `-0.5*x - 0.866*y`.
    pub fn image(&self, im: &Image, coords: &[CoordId]) -> String {
        let mut out = String::new();
        for (&a, c) in im.coef.iter().zip(coords) {
            if a == 0.0 {
                continue;
            }
            let name = &self.m.coord(*c).name;
            let magnitude = match a.abs() {
                1.0 => name.clone(),
                m => format!("{m}*{name}"),
            };
            out += &match (out.is_empty(), a < 0.0) {
                (true, false) => magnitude,
                (true, true) => format!("-{magnitude}"),
                (false, false) => format!(" + {magnitude}"),
                (false, true) => format!(" - {magnitude}"),
            };
        }
        match (out.is_empty(), im.shift) {
            (true, s) => format!("{s}"),
            (false, 0.0) => out,
            (false, s) if s < 0.0 => format!("{out} - {}", -s),
            (false, s) => format!("{out} + {s}"),
        }
    }

    pub fn domain(&self, d: &Domain) -> String {
        let factors: Vec<String> = d
            .factors
            .iter()
            .map(|f| match f {
                Factor::Interval { coord, lo, hi } => {
                    format!("{} in [{lo}, {hi}]", self.m.coord(*coord).name)
                }
                Factor::Set { coords, set, name } => {
                    let set = name.clone().unwrap_or_else(|| self.set(set));
                    format!("({}) in {set}", self.coords(coords))
                }
            })
            .collect();
        factors.join(" x ")
    }

    pub fn set(&self, s: &Set) -> String {
        match s {
            Set::Box(b) => b
                .iter()
                .map(|(lo, hi)| format!("[{lo}, {hi}]"))
                .collect::<Vec<_>>()
                .join(" x "),
            Set::Ball { center, radius } => {
                let c: Vec<String> = center.iter().map(|c| c.to_string()).collect();
                let name = if center.len() == 2 { "disk" } else { "ball" };
                format!("{name}(({}), {radius})", c.join(", "))
            }
            Set::Polygon(points) => {
                let ps: Vec<String> = points.iter().map(|(x, y)| format!("({x}, {y})")).collect();
                format!("polygon({})", ps.join(", "))
            }
            Set::Boundary(s) => format!("boundary({})", self.set(s)),
            Set::Union(a, b) => format!("({} | {})", self.set(a), self.set(b)),
            Set::Intersection(a, b) => format!("({} & {})", self.set(a), self.set(b)),
            Set::Difference(a, b) => format!("({} - {})", self.set(a), self.set(b)),
        }
    }

    pub fn place(&self, w: &Where) -> String {
        match w {
            Where::Domain => "the domain".to_string(),
            Where::Set { coords, set, name } => {
                let set = name.clone().unwrap_or_else(|| self.set(set));
                format!("({}) in {set}", self.coords(coords))
            }
            Where::Slice { coord, value } => format!("{} = {value}", self.m.coord(*coord).name),
            Where::Union(parts) => parts
                .iter()
                .map(|p| self.place(p))
                .collect::<Vec<_>>()
                .join(" | "),
            Where::Data(d) => format!("the rows of {}", self.m.data[d.index()].name),
        }
    }

    /// A derivative's name: `u_xt`, or `d(u, x, t)` when a coordinate name
    /// is longer than one letter.
    fn derivative(&self, function: FuncId, derivative: &[u32]) -> String {
        let f = self.m.function(function);
        let mut letters = vec![];
        for (c, order) in f.coords.iter().zip(derivative) {
            for _ in 0..*order {
                letters.push(self.m.coord(*c).name.as_str());
            }
        }
        if letters.is_empty() {
            f.name.clone()
        } else if letters.iter().all(|l| l.len() == 1) {
            format!("{}_{}", f.name, letters.concat())
        } else {
            format!("d({}, {})", f.name, letters.join(", "))
        }
    }

    pub fn expr(&self, e: &Expr) -> String {
        self.prec(e, 0)
    }

    /// Prints `e`, parenthesised if its precedence is below `min`.
    fn prec(&self, e: &Expr, min: u8) -> String {
        let (p, text) = match e {
            Expr::Number(n) if *n < 0.0 => (2, num(*n)),
            Expr::Number(n) => (9, num(*n)),
            Expr::Constant(c) => (9, c.name().to_string()),
            Expr::Imag => (9, "i".to_string()),
            Expr::Coord(c) => (9, self.m.coord(*c).name.clone()),
            Expr::Const(c) => (9, self.m.consts[c.index()].name.clone()),
            Expr::Learned(l) => (9, self.m.learned[l.index()].name.clone()),
            Expr::Normal(c) => (9, format!("n_{}", self.m.coord(*c).name)),
            Expr::Column { data, column } => {
                let d = &self.m.data[data.index()];
                (9, format!("{}.{}", d.name, d.columns[*column]))
            }
            Expr::Field {
                function,
                derivative,
            } => (9, self.derivative(*function, derivative)),
            Expr::Apply {
                function,
                derivative,
                args,
            } => {
                let args: Vec<String> = args.iter().map(|a| self.expr(a)).collect();
                (
                    9,
                    format!(
                        "{}({})",
                        self.derivative(*function, derivative),
                        args.join(", ")
                    ),
                )
            }
            Expr::Diff { expr, coord, order } => {
                let order = if *order == 1 {
                    String::new()
                } else {
                    format!(", {order}")
                };
                (
                    9,
                    format!(
                        "d({}, {}{order})",
                        self.expr(expr),
                        self.m.coord(*coord).name
                    ),
                )
            }
            Expr::Integral { expr, over } => (
                9,
                format!("integral({}, {})", self.expr(expr), self.coords(over)),
            ),
            Expr::Call {
                builtin: builtin @ (Builtin::BesselJ(n) | Builtin::BesselY(n)),
                arg,
            } => (9, format!("{}({n}, {})", builtin.name(), self.expr(arg))),
            Expr::Call { builtin, arg } => (9, format!("{}({})", builtin.name(), self.expr(arg))),
            Expr::Neg(inner) => (2, format!("-{}", self.prec(inner, 3))),
            Expr::Binary { op, lhs, rhs } => match op {
                BinOp::Add => (1, format!("{} + {}", self.prec(lhs, 1), self.prec(rhs, 2))),
                BinOp::Sub => (1, format!("{} - {}", self.prec(lhs, 1), self.prec(rhs, 2))),
                BinOp::Mul => (2, format!("{}*{}", self.prec(lhs, 2), self.prec(rhs, 3))),
                BinOp::Div => (2, format!("{}/{}", self.prec(lhs, 2), self.prec(rhs, 3))),
                BinOp::Pow => (4, format!("{}^{}", self.prec(lhs, 5), self.prec(rhs, 4))),
            },
        };
        if p < min { format!("({text})") } else { text }
    }
}
