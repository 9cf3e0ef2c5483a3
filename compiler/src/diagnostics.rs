//! Diagnostics: every problem physc finds in a model.
//!
//! Passes build [`Diagnostic`]s (a stable [`Code`], a message, labelled spans
//! and a help line) and never print them. The driver renders them once, with
//! the source attached, either graphically through miette ([`render`]) or as
//! JSON objects for editors ([`to_json`]). The first label is the primary
//! one: it gives the line and column reported in JSON.

use crate::source::{Span, line_column};
use miette::{GraphicalReportHandler, GraphicalTheme, LabeledSpan, NamedSource};
use std::fmt;

/// Whether a diagnostic stops the model from running.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Severity {
    Error,
    Warning,
}

macro_rules! codes {
    ($($name:ident = $code:literal, $title:literal;)*) => {
        /// Stable diagnostic codes. A code is never reused for another meaning.
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum Code { $($name),* }

        impl Code {
            pub const ALL: &'static [Code] = &[$(Code::$name),*];

            /// The code as written in output, e.g. `E0101`.
            pub fn as_str(self) -> &'static str {
                match self { $(Code::$name => $code),* }
            }

            /// One line saying what the code means.
            pub fn title(self) -> &'static str {
                match self { $(Code::$name => $title),* }
            }
        }
    };
}

codes! {
    Syntax = "E0001", "syntax error";
    Unclosed = "E0002", "unclosed or unmatched bracket";
    TooComplex = "E0003", "statement too long or nested too deeply";
    UnknownName = "E0101", "unknown name";
    Duplicate = "E0102", "name defined twice";
    WrongKind = "E0103", "name used as something it is not";
    UnknownModule = "E0104", "unknown module";
    RecursiveDef = "E0105", "recursive definition";
    Arity = "E0106", "wrong number of arguments";
    DerivativeOrder = "E0107", "derivative order not a positive whole number";
    NoSuchCoordinate = "E0201", "derivative or slice along a coordinate the field does not have";
    NoDomain = "E0202", "field without a domain";
    DimensionMismatch = "E0203", "region dimension does not match the coordinates";
    BadInterval = "E0204", "empty or reversed interval";
    SliceOutside = "E0205", "slice outside the domain";
    BadShape = "E0206", "malformed shape";
    NotConstant = "E0301", "value must be a constant";
    ComplexValue = "E0302", "complex value where a real one is required";
    NoField = "E0303", "equation constrains no field";
    BadHard = "E0304", "hard constraint must give a field's value";
    BadSymmetry = "E0305", "symmetry that cannot be built into the network";
    BadConserve = "E0306", "malformed conservation law";
    DuplicateSolution = "E0307", "exact solution or reference given twice";
    UnknownType = "E0308", "unknown field type";
    Unsupported = "E0309", "complex operation the compiler cannot write in real parts";
    IntegralInEquation = "E0310", "integral outside a conservation law";
    BadOde = "E0311", "`ode` fit that cannot be integrated";
    NormalOffBoundary = "E0312", "normal derivative away from a boundary";
    BadFractional = "E0313", "fractional operator the compiler cannot build";
    BadBessel = "E0314", "Bessel function of an order that is not whole or of a field";
    BadSearch = "E0315", "search space of a constant that is malformed or leaves out its value";
    UnknownOption = "E0401", "unknown option";
    OptionRange = "E0402", "option value out of range";
    UnknownChoice = "E0403", "unknown activation, optimizer or sampler";
    NetTarget = "E0404", "network for nothing";
    NoTime = "E0405", "causal weighting or time marching without a time coordinate";
    NeverResampled = "E0406", "resampling by residual that never resamples";
    BadFeature = "E0407", "input feature that is not a real function of the network's coordinates";
    NothingToFit = "E0408", "least-squares initialisation of a network without initial conditions";
    BadRefine = "E0409", "adaptive refinement with nothing to repeat or nowhere to add points";
    BadSharedPoints = "E0410", "points shared by constraints that hold in different places";
    DataFile = "E0501", "data file missing or unreadable";
    DataRow = "E0502", "malformed data row";
    DataColumn = "E0503", "data column missing";
    HardNotBuiltIn = "E0601", "hard constraint training cannot build in yet";
    SymmetryNotBuiltIn = "E0602", "symmetry training cannot build in yet";
    NotMarched = "E0603", "constraint time marching cannot carry from window to window";
    FeaturesMoved = "E0604", "field with input features read where training moves its arguments";
    Unconstrained = "W0001", "field constrained by no equation";
    Unused = "W0002", "declared but never used";
    ExactMismatch = "W0003", "exact solution does not satisfy an equation";
    PointsOnData = "W0004", "`points` for an equation on data with no more rows than that";
    RowsOutside = "W0005", "data rows outside the domain of the field they describe";
}

/// A labelled span. The message may be empty.
#[derive(Clone, Debug, PartialEq)]
pub struct Label {
    pub span: Span,
    pub message: String,
}

/// One problem in a model.
#[derive(Clone, Debug, PartialEq)]
pub struct Diagnostic {
    pub code: Code,
    pub severity: Severity,
    pub message: String,
    /// The first label is the primary one.
    pub labels: Vec<Label>,
    pub help: Option<String>,
}

impl Diagnostic {
    pub fn error(code: Code, message: impl Into<String>) -> Diagnostic {
        Diagnostic {
            code,
            severity: Severity::Error,
            message: message.into(),
            labels: vec![],
            help: None,
        }
    }

    pub fn warning(code: Code, message: impl Into<String>) -> Diagnostic {
        Diagnostic {
            code,
            severity: Severity::Warning,
            ..Diagnostic::error(code, message)
        }
    }

    pub fn label(mut self, span: Span, message: impl Into<String>) -> Diagnostic {
        self.labels.push(Label {
            span,
            message: message.into(),
        });
        self
    }

    pub fn help(mut self, help: impl Into<String>) -> Diagnostic {
        self.help = Some(help.into());
        self
    }

    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }

    /// The span of the primary label (start of file when there is none).
    pub fn primary_span(&self) -> Span {
        self.labels.first().map_or(Span::default(), |l| l.span)
    }
}

/// Sorts diagnostics by position, then code, so output is stable.
pub fn sort(diagnostics: &mut [Diagnostic]) {
    diagnostics.sort_by(|a, b| {
        (a.primary_span().start, a.code, &a.message).cmp(&(
            b.primary_span().start,
            b.code,
            &b.message,
        ))
    });
}

/// A diagnostic joined with its source, as miette wants it.
struct Report<'a> {
    diagnostic: &'a Diagnostic,
    source: NamedSource<String>,
}

impl fmt::Debug for Report<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.diagnostic.fmt(f)
    }
}

impl fmt::Display for Report<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.diagnostic.message)
    }
}

impl std::error::Error for Report<'_> {}

impl miette::Diagnostic for Report<'_> {
    fn code<'a>(&'a self) -> Option<Box<dyn fmt::Display + 'a>> {
        Some(Box::new(self.diagnostic.code.as_str()))
    }

    fn severity(&self) -> Option<miette::Severity> {
        Some(match self.diagnostic.severity {
            Severity::Error => miette::Severity::Error,
            Severity::Warning => miette::Severity::Warning,
        })
    }

    fn help<'a>(&'a self) -> Option<Box<dyn fmt::Display + 'a>> {
        self.diagnostic
            .help
            .as_ref()
            .map(|h| Box::new(h) as Box<dyn fmt::Display>)
    }

    fn source_code(&self) -> Option<&dyn miette::SourceCode> {
        Some(&self.source)
    }

    fn labels(&self) -> Option<Box<dyn Iterator<Item = LabeledSpan> + '_>> {
        let len = self.source.inner().len();
        let labels = self
            .diagnostic
            .labels
            .iter()
            .enumerate()
            .map(move |(i, label)| {
                // Clamp so that a span at end of file still renders.
                let start = label.span.start.min(len);
                let span = Span::new(start, label.span.end.clamp(start, len));
                let text = (!label.message.is_empty()).then(|| label.message.clone());
                if i == 0 {
                    LabeledSpan::new_primary_with_span(text, span)
                } else {
                    LabeledSpan::new_with_span(text, span)
                }
            });
        Some(Box::new(labels))
    }
}

/// How to render diagnostics for people.
#[derive(Clone, Copy, Debug)]
pub struct RenderOptions {
    pub color: bool,
    /// Line width; `None` uses miette's default (80).
    pub width: Option<usize>,
}

/// Renders diagnostics graphically, one after another.
pub fn render(
    diagnostics: &[Diagnostic],
    file: &str,
    text: &str,
    options: RenderOptions,
) -> String {
    let theme = if options.color {
        GraphicalTheme::unicode()
    } else {
        GraphicalTheme::unicode_nocolor()
    };
    let mut handler = GraphicalReportHandler::new_themed(theme).with_links(false);
    if let Some(width) = options.width {
        handler = handler.with_width(width);
    }
    let mut out = String::new();
    for diagnostic in diagnostics {
        let report = Report {
            diagnostic,
            source: NamedSource::new(file, text.to_string()),
        };
        // Writing into a String cannot fail.
        let _ = handler.render_report(&mut out, &report);
    }
    out
}

/// Diagnostics as JSON objects for editors and scripts: `code`, `severity`,
/// `message`, `file`, `line`, `column` (1-based), `offset`, `length`, `help`.
pub fn to_json(diagnostics: &[Diagnostic], file: &str, text: &str) -> Vec<serde_json::Value> {
    diagnostics
        .iter()
        .map(|d| {
            let span = d.primary_span();
            let (line, column) = line_column(text, span.start);
            serde_json::json!({
                "code": d.code.as_str(),
                "severity": match d.severity { Severity::Error => "error", Severity::Warning => "warning" },
                "message": d.message,
                "file": file,
                "line": line,
                "column": column,
                "offset": span.start,
                "length": span.len(),
                "help": d.help,
            })
        })
        .collect()
}
