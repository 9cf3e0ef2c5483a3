//! `physc`: the command line.
//!
//! Reads model files, runs the compiler, renders diagnostics once (graphical
//! on stderr, coloured only on a terminal; or JSON on stdout) and sets the
//! exit status: 1 if any file has an error, 2 if a file cannot be read.

use clap::{Parser, Subcommand, ValueEnum};
use physc_compiler::check::DiskFiles;
use physc_compiler::diagnostics::{self, RenderOptions, Severity};
use std::io::IsTerminal;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

#[derive(Parser)]
#[command(
    name = "physc",
    version,
    about = "Compiler and runtime for .phy physics-informed models"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Train a model on the CPU and write its run directory.
    Run {
        file: PathBuf,
        /// The run directory (default: MODEL.run next to the model).
        #[arg(short, long)]
        out: Option<PathBuf>,
        /// Print nothing but errors.
        #[arg(long)]
        quiet: bool,
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
    /// Print one stage of the compiler for a model.
    Ir {
        file: PathBuf,
        #[arg(long, value_enum, default_value_t = Stage::Checked)]
        stage: Stage,
    },
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
}

fn main() -> ExitCode {
    match Cli::parse().command {
        Command::Run { file, out, quiet } => run(&file, out, quiet),
        Command::Check { files, format } => check(&files, format),
        Command::Ir { file, stage } => ir(&file, stage),
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
        eprintln!("physc: cannot read {}: {e}", path.display());
        ExitCode::from(2)
    })?;
    let base_dir = path
        .parent()
        .map_or_else(|| PathBuf::from("."), Path::to_path_buf);
    let frontend = physc_compiler::check_source(&text, &base_dir, &DiskFiles);
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
        let found = &loaded.frontend.checked.diagnostics;
        failed |= loaded.frontend.has_errors();
        match format {
            Format::Json => json.extend(diagnostics::to_json(found, &loaded.name, &loaded.text)),
            Format::Human => {
                eprint!(
                    "{}",
                    diagnostics::render(found, &loaded.name, &loaded.text, render_options())
                );
                let errors = found
                    .iter()
                    .filter(|d| d.severity == Severity::Error)
                    .count();
                let warnings = found.len() - errors;
                eprintln!("{}: {}", loaded.name, summary(errors, warnings));
            }
        }
    }
    if let Format::Json = format {
        println!(
            "{}",
            serde_json::to_string_pretty(&json).expect("diagnostics serialise")
        );
    }
    if failed && status == ExitCode::SUCCESS {
        status = ExitCode::from(1);
    }
    status
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

fn run(path: &Path, out: Option<PathBuf>, quiet: bool) -> ExitCode {
    let loaded = match load(path) {
        Ok(loaded) => loaded,
        Err(status) => return status,
    };
    let frontend = &loaded.frontend;
    let found = &frontend.checked.diagnostics;
    if frontend.has_errors() || !quiet {
        eprint!(
            "{}",
            diagnostics::render(found, &loaded.name, &loaded.text, render_options())
        );
    }
    if frontend.has_errors() {
        return ExitCode::from(1);
    }
    let model = &frontend.checked.model;
    let lowered = frontend
        .lowered
        .as_ref()
        .expect("a model without errors is lowered");
    let missing = physc_runtime::program::unsupported(model, lowered);
    if !missing.is_empty() {
        eprintln!(
            "physc: {} uses what training does not support yet: {}",
            loaded.name,
            missing.join(", ")
        );
        return ExitCode::from(1);
    }
    let out = out.unwrap_or_else(|| path.with_extension("run"));
    let start = std::time::Instant::now();
    let result = physc_runtime::run::run(model, lowered, &out, |p| {
        if !quiet {
            let rate = p.step as f64 / start.elapsed().as_secs_f64().max(1e-9);
            eprintln!(
                "step {:>6}/{}  {:<5}  loss {:.3e}  ({rate:.0} steps/s)",
                p.step, p.total_steps, p.stage, p.loss
            );
        }
    });
    match result {
        Ok(summary) => {
            if !quiet {
                for (field, error) in &summary.rel_l2 {
                    eprintln!("{field}: relative L2 error {error:.3e}");
                }
                for (name, value) in &summary.learned {
                    eprintln!("{name} = {value}");
                }
                eprintln!(
                    "{} steps in {:.1} s; results in {}",
                    summary.steps,
                    summary.wall_seconds,
                    out.display()
                );
            }
            ExitCode::SUCCESS
        }
        Err(error) => {
            eprintln!("physc: cannot write {}: {error}", out.display());
            ExitCode::from(2)
        }
    }
}

fn ir(path: &Path, stage: Stage) -> ExitCode {
    let loaded = match load(path) {
        Ok(loaded) => loaded,
        Err(status) => return status,
    };
    let frontend = &loaded.frontend;
    if let Stage::Ast = stage {
        print!(
            "{}",
            physc_compiler::syntax::print::program(&frontend.program)
        );
        return ExitCode::SUCCESS;
    }
    if frontend.has_errors() {
        eprint!(
            "{}",
            diagnostics::render(
                &frontend.checked.diagnostics,
                &loaded.name,
                &loaded.text,
                render_options()
            )
        );
        return ExitCode::from(1);
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
        Stage::Clif => {
            let roots: Vec<_> = lowered.residuals.iter().map(|r| r.expr).collect();
            match physc_compiler::jit::Kernel::compile(&lowered.graph, &roots) {
                Ok(kernel) => stages::clif(model, lowered, &kernel),
                Err(message) => {
                    eprintln!("physc: {}: {message}", loaded.name);
                    return ExitCode::from(1);
                }
            }
        }
    };
    print!("{text}");
    ExitCode::SUCCESS
}
