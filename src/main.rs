//! `physc`: the command line.
//!
//! Reads model files, runs the compiler, renders diagnostics once (graphical
//! on stderr, coloured only on a terminal; or JSON on stdout) and sets the
//! exit status: 1 if any file has an error, 2 if a file cannot be read.

use clap::{Parser, Subcommand, ValueEnum};
use physc_compiler::check::{DiskFiles, SandboxedFiles};
use physc_compiler::diagnostics::{self, RenderOptions, Severity};
use std::io::IsTerminal;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

/// `print!`, `println!`, `eprint!` and `eprintln!` that a closed pipe
/// cannot turn into a panic (`physc check --format json ... | head`): what
/// cannot be written is dropped, and the command ends with its own status.
macro_rules! out {
    ($($arg:tt)*) => {{
        use std::io::Write as _;
        let _ = write!(std::io::stdout(), $($arg)*);
    }};
}
macro_rules! outln {
    ($($arg:tt)*) => {{
        use std::io::Write as _;
        let _ = writeln!(std::io::stdout(), $($arg)*);
    }};
}
macro_rules! err {
    ($($arg:tt)*) => {{
        use std::io::Write as _;
        let _ = write!(std::io::stderr(), $($arg)*);
    }};
}
macro_rules! errln {
    ($($arg:tt)*) => {{
        use std::io::Write as _;
        let _ = writeln!(std::io::stderr(), $($arg)*);
    }};
}

mod fmt_command;
mod lsp;
mod run_command;
mod simulate_command;
mod tune_command;

#[derive(Parser)]
#[command(
    name = "physc",
    version,
    about = "Compiler and runtime for .phy physics-informed models"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
    /// Let a model read data files only under its own directory (`..` and
    /// symbolic links resolved first): for running models from others.
    #[arg(long, global = true)]
    sandbox: bool,
}

/// `--sandbox`, set once from the command line: every model load reads
/// through it.
static SANDBOX: std::sync::OnceLock<bool> = std::sync::OnceLock::new();

#[derive(Subcommand)]
enum Command {
    /// Train a model and write its run directory.
    Run {
        file: PathBuf,
        /// The run directory (default: MODEL.run next to the model).
        #[arg(short, long)]
        out: Option<PathBuf>,
        /// Print nothing but errors.
        #[arg(long)]
        quiet: bool,
        /// Where to train: the CPU through code compiled for the model
        /// (jit), the CPU through burn's tensors (cpu), or a GPU through
        /// burn-wgpu (a build with `--features wgpu`).
        #[arg(long, value_enum, default_value_t = Backend::Jit)]
        backend: Backend,
        /// Float precision of training [default: float64 on the CPU,
        /// float32 on wgpu; a resumed run's, the one it was trained in].
        #[arg(long, value_enum)]
        precision: Option<Precision>,
        /// Go on from the checkpoint of a run directory (by default the
        /// one `-o` names, or MODEL.run).
        #[arg(long, value_name = "DIR", num_args = 0..=1)]
        resume: Option<Option<PathBuf>>,
        /// Start from the networks of another run directory (of a model
        /// whose networks have the same shapes, such as the same flow at
        /// a lower Reynolds number) rather than from a random draw.
        #[arg(long, value_name = "DIR", conflicts_with = "resume")]
        start_from: Option<PathBuf>,
    },
    /// Search the constants a model gives a space (`const lr = 1e-3 in
    /// log_uniform(1e-4, 5e-2)`): train the model at each point a Gaussian
    /// process picks, and write the best as MODEL.tuned.phy.
    Tune {
        file: PathBuf,
        /// Where each call's run goes (default: MODEL.tune next to the
        /// model), with the table `calls.csv`.
        #[arg(short, long)]
        out: Option<PathBuf>,
        /// How many trainings (the first at the values written).
        #[arg(long, default_value_t = 50, value_parser = clap::value_parser!(u32).range(1..=10_000))]
        calls: u32,
        /// What a call scores: its final loss, or its first field's
        /// relative L2 error against the model's exact solution or
        /// reference.
        #[arg(long, value_enum, default_value_t = tune_command::Objective::Loss)]
        minimize: tune_command::Objective,
        /// Go on from the table of an interrupted search.
        #[arg(long)]
        resume: bool,
        /// Where to train (as `physc run --backend`).
        #[arg(long, value_enum, default_value_t = Backend::Jit)]
        backend: Backend,
    },
    /// Evaluate a trained model at the points of a CSV file.
    Eval {
        file: PathBuf,
        /// The run directory of `physc run` (default: MODEL.run).
        #[arg(long)]
        run: Option<PathBuf>,
        /// A CSV whose header names the model's coordinates (and params).
        #[arg(long)]
        points: PathBuf,
        /// Where to write the rows with the fields' values.
        #[arg(short, long)]
        out: PathBuf,
        /// Also write each equation's residual.
        #[arg(long)]
        residuals: bool,
    },
    /// Integrate the dynamics a trained model learned (Hamilton's equations
    /// of a learned H, or any fitted time derivatives) from a given state.
    Simulate {
        file: PathBuf,
        /// The run directory of `physc run` (default: MODEL.run).
        #[arg(long)]
        run: Option<PathBuf>,
        /// The initial state, every state variable by name: `q=1,p=0`.
        #[arg(long, value_parser = simulate_command::parse_initial)]
        initial: std::vec::Vec<(String, f64)>,
        /// The time span, `START..END`.
        #[arg(long = "t", value_parser = simulate_command::parse_span, default_value = "0..100")]
        span: (f64, f64),
        /// The output step (also the implicit midpoint rule's step).
        #[arg(long, default_value_t = 0.01)]
        dt: f64,
        /// The integrator: implicit midpoint for Hamilton's equations and
        /// Dormand-Prince otherwise (auto), or one of them.
        #[arg(long, value_enum, default_value_t = Integrator::Auto)]
        method: Integrator,
        /// The trajectory's CSV; the plots are written beside it.
        #[arg(short, long, default_value = "trajectory.csv")]
        out: PathBuf,
    },
    /// Check models and report every problem, without training.
    Check {
        /// Model files.
        #[arg(required = true)]
        files: Vec<PathBuf>,
        /// Output format: graphical diagnostics, or a JSON array for editors.
        #[arg(long, value_enum, default_value_t = Format::Human)]
        format: Format,
    },
    /// Lay out model files canonically, in place.
    Fmt {
        /// Model files.
        #[arg(required = true)]
        files: Vec<PathBuf>,
        /// Change nothing: list the files whose layout would change, and
        /// fail if there are any (for CI).
        #[arg(long)]
        check: bool,
    },
    /// The Lie point symmetries of a model's equation, and whether its
    /// domain and conditions keep each.
    Symmetries {
        file: PathBuf,
        /// The highest degree, in the coordinates, of the generators'
        /// coefficients.
        #[arg(long, default_value_t = 2, value_parser = clap::value_parser!(u32).range(0..=4))]
        degree: u32,
    },
    /// Serve editors over the Language Server Protocol on stdin and stdout.
    Lsp,
    /// Print one stage of the compiler for a model.
    Ir {
        file: PathBuf,
        #[arg(long, value_enum, default_value_t = Stage::Checked)]
        stage: Stage,
    },
}

#[derive(Clone, Copy, ValueEnum)]
enum Backend {
    Jit,
    Cpu,
    Wgpu,
}

#[derive(Clone, Copy, ValueEnum)]
enum Integrator {
    Auto,
    Midpoint,
    Dopri,
}

#[derive(Clone, Copy, ValueEnum)]
enum Precision {
    Float32,
    Float64,
}

#[derive(Clone, Copy, ValueEnum)]
enum Format {
    Human,
    Json,
}

#[derive(Clone, Copy, ValueEnum)]
enum Stage {
    /// The syntax tree, one s-expression per statement.
    Ast,
    /// The checked model: names resolved, domains and defaults filled in.
    Checked,
    /// The IR under the residuals, node by node: what is shared.
    Ir,
    /// Each constraint as a residual `lhs - rhs`, complex ones split in parts.
    Residuals,
    /// The derivatives of each network's output that the residuals read.
    Derivatives,
    /// The native kernel of the residuals, in cranelift's text form.
    Clif,
    /// The loss program every back end evaluates: networks, fields,
    /// learned scalars and batches.
    Program,
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let _ = SANDBOX.set(cli.sandbox);
    match cli.command {
        Command::Run {
            file,
            out,
            quiet,
            backend,
            precision,
            resume,
            start_from,
        } => {
            use physc_runtime::backend;
            let backend = runtime_backend(backend);
            let (resume, out) = match resume {
                None => (false, out),
                Some(None) => (true, out),
                Some(Some(dir)) => {
                    if out.as_ref().is_some_and(|out| *out != dir) {
                        errln!("physc: `--resume DIR` names the run directory; leave out `-o`");
                        return ExitCode::from(2);
                    }
                    (true, Some(dir))
                }
            };
            // A resumed run goes on in the precision it was trained in.
            let trained_in = || {
                physc_runtime::checkpoint::trained_precision(&run_command::run_dir(
                    &file,
                    out.clone(),
                ))
            };
            let precision = match precision {
                Some(Precision::Float32) => backend::Precision::F32,
                Some(Precision::Float64) => backend::Precision::F64,
                None if resume => match trained_in().as_deref() {
                    Some("float32") => backend::Precision::F32,
                    Some("float64") => backend::Precision::F64,
                    _ => backend.default_precision(),
                },
                None => backend.default_precision(),
            };
            let options = physc_runtime::run::Options {
                backend,
                precision,
                resume,
                start_from,
            };
            run_command::run(&file, out, options, quiet)
        }
        Command::Tune {
            file,
            out,
            calls,
            minimize,
            resume,
            backend,
        } => {
            let backend = runtime_backend(backend);
            let options = physc_runtime::run::Options {
                backend,
                precision: backend.default_precision(),
                resume: false,
                start_from: None,
            };
            let settings = tune_command::Tune {
                calls: calls as usize,
                objective: minimize,
                out,
                resume,
                options,
            };
            tune_command::tune(&file, settings)
        }
        Command::Eval {
            file,
            run,
            points,
            out,
            residuals,
        } => run_command::eval(&file, run, &points, &out, residuals),
        Command::Simulate {
            file,
            run,
            initial,
            span,
            dt,
            method,
            out,
        } => {
            use physc_runtime::simulate::Method;
            let method = match method {
                Integrator::Auto => Method::Auto,
                Integrator::Midpoint => Method::Midpoint,
                Integrator::Dopri => Method::DormandPrince,
            };
            let request = simulate_command::Request {
                run,
                initial,
                span,
                dt,
                method,
                out,
            };
            simulate_command::simulate(&file, request)
        }
        Command::Check { files, format } => check(&files, format),
        Command::Fmt { files, check } => fmt_command::fmt(&files, check),
        Command::Symmetries { file, degree } => symmetries(&file, degree),
        Command::Lsp => lsp::serve(),
        Command::Ir { file, stage } => ir(&file, stage),
    }
}

/// The runtime's name for a back end.
fn runtime_backend(backend: Backend) -> physc_runtime::backend::Backend {
    use physc_runtime::backend;
    match backend {
        Backend::Cpu => backend::Backend::Cpu,
        Backend::Jit => backend::Backend::Jit,
        Backend::Wgpu => backend::Backend::Wgpu,
    }
}

/// A model file read and taken through the front end.
struct Loaded {
    name: String,
    text: String,
    frontend: physc_compiler::Frontend,
}

/// Reads and checks a model; an unreadable file is reported, status 2.
fn load(path: &Path) -> Result<Loaded, ExitCode> {
    let text = std::fs::read_to_string(path).map_err(|e| {
        errln!("physc: cannot read {}: {e}", path.display());
        ExitCode::from(2)
    })?;
    load_text(path, text)
}

/// Checks a model's text as if it were the file at `path` (its data paths
/// relative to the file's directory).
fn load_text(path: &Path, text: String) -> Result<Loaded, ExitCode> {
    let base_dir = path
        .parent()
        .map_or_else(|| PathBuf::from("."), Path::to_path_buf);
    let frontend = if SANDBOX.get().copied().unwrap_or(false) {
        let files = SandboxedFiles::new(&base_dir).map_err(|e| {
            errln!("physc: cannot open {}: {e}", base_dir.display());
            ExitCode::from(2)
        })?;
        physc_compiler::check_source(&text, &base_dir, &files)
    } else {
        physc_compiler::check_source(&text, &base_dir, &DiskFiles)
    };
    Ok(Loaded {
        name: path.display().to_string(),
        text,
        frontend,
    })
}

fn render_options() -> RenderOptions {
    let color = std::io::stderr().is_terminal() && std::env::var_os("NO_COLOR").is_none();
    RenderOptions { color, width: None }
}

fn check(files: &[PathBuf], format: Format) -> ExitCode {
    let mut status = ExitCode::SUCCESS;
    let mut json = vec![];
    let mut failed = false;
    for path in files {
        let loaded = match load(path) {
            Ok(loaded) => loaded,
            Err(unreadable) => {
                status = unreadable;
                continue;
            }
        };
        // What training would refuse is a problem of the model too.
        let mut found = loaded.frontend.checked.diagnostics.clone();
        found.extend(loaded.frontend.untrainable.iter().cloned());
        failed |= found.iter().any(|d| d.severity == Severity::Error);
        match format {
            Format::Json => json.extend(diagnostics::to_json(&found, &loaded.name, &loaded.text)),
            Format::Human => {
                err!(
                    "{}",
                    diagnostics::render(&found, &loaded.name, &loaded.text, render_options())
                );
                let errors = found
                    .iter()
                    .filter(|d| d.severity == Severity::Error)
                    .count();
                let warnings = found.len() - errors;
                errln!("{}: {}", loaded.name, summary(errors, warnings));
            }
        }
    }
    if let Format::Json = format {
        outln!(
            "{}",
            serde_json::to_string_pretty(&json).expect("diagnostics serialise")
        );
    }
    if failed && status == ExitCode::SUCCESS {
        status = ExitCode::from(1);
    }
    status
}

/// Renders a loaded model's errors, status 1; nothing when it has none.
fn refuse_errors(loaded: &Loaded) -> Result<(), ExitCode> {
    let frontend = &loaded.frontend;
    if !frontend.has_errors() {
        return Ok(());
    }
    err!(
        "{}",
        diagnostics::render(
            &frontend.checked.diagnostics,
            &loaded.name,
            &loaded.text,
            render_options()
        )
    );
    Err(ExitCode::from(1))
}

fn symmetries(path: &Path, degree: u32) -> ExitCode {
    let loaded = match load(path) {
        Ok(loaded) => loaded,
        Err(status) => return status,
    };
    let frontend = &loaded.frontend;
    if let Err(status) = refuse_errors(&loaded) {
        return status;
    }
    match physc_compiler::lie::symmetries(&frontend.checked.model, degree) {
        Ok(algebra) => {
            out!("{}", physc_compiler::lie::print(&algebra));
            ExitCode::SUCCESS
        }
        Err(why) => {
            errln!("physc: {}: {why}", loaded.name);
            ExitCode::from(1)
        }
    }
}

fn summary(errors: usize, warnings: usize) -> String {
    let plural = |n: usize, word: &str| format!("{n} {word}{}", if n == 1 { "" } else { "s" });
    match (errors, warnings) {
        (0, 0) => "ok".to_string(),
        _ => format!(
            "{}, {}",
            plural(errors, "error"),
            plural(warnings, "warning")
        ),
    }
}

fn ir(path: &Path, stage: Stage) -> ExitCode {
    let loaded = match load(path) {
        Ok(loaded) => loaded,
        Err(status) => return status,
    };
    let frontend = &loaded.frontend;
    if let Stage::Ast = stage {
        out!(
            "{}",
            physc_compiler::syntax::print::program(&frontend.program)
        );
        return ExitCode::SUCCESS;
    }
    if let Err(status) = refuse_errors(&loaded) {
        return status;
    }
    let model = &frontend.checked.model;
    let lowered = frontend
        .lowered
        .as_ref()
        .expect("a model without errors is lowered");
    use physc_compiler::ir::stages;
    let text = match stage {
        Stage::Ast => unreachable!("printed above"),
        Stage::Checked => physc_compiler::model::print::model(model),
        Stage::Ir => stages::nodes(model, lowered),
        Stage::Residuals => stages::residuals(model, lowered),
        Stage::Derivatives => stages::derivatives(model, lowered),
        Stage::Program => match &frontend.loss {
            Some(loss) => physc_compiler::program::print::program(loss),
            None => {
                err!(
                    "{}",
                    diagnostics::render(
                        &frontend.untrainable,
                        &loaded.name,
                        &loaded.text,
                        render_options()
                    )
                );
                return ExitCode::from(1);
            }
        },
        Stage::Clif => {
            let roots: Vec<_> = lowered.residuals.iter().map(|r| r.expr).collect();
            match physc_compiler::jit::Kernel::compile(&lowered.graph, &roots) {
                Ok(kernel) => stages::clif(model, lowered, &kernel),
                Err(message) => {
                    errln!("physc: {}: {message}", loaded.name);
                    return ExitCode::from(1);
                }
            }
        }
    };
    out!("{text}");
    ExitCode::SUCCESS
}
