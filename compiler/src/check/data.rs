//! Data files: `csv("file.csv")` to a [`DataSet`].
//!
//! A CSV file has a header of column names and rows of numbers, separated by
//! commas; blank lines and lines starting with `#` are skipped. Paths are
//! relative to the model file. A missing or unreadable file, and each
//! malformed row (with its line number), is a diagnostic on the path.

use super::*;

/// Malformed rows reported one by one before the rest are summarised.
const ROWS_REPORTED: usize = 3;

impl Checker<'_> {
    pub(super) fn load_data(&mut self, name: &ast::Ident, source: &ast::Source) -> Option<DataSet> {
        if source.format.name != "csv" {
            self.report(
                Diagnostic::error(
                    Code::UnknownChoice,
                    format!("unknown data format `{}`", source.format.name),
                )
                .label(source.format.span, "not a data format")
                .help("data is read with `csv(\"file.csv\")`"),
            );
            return None;
        }
        let path = self.base_dir.join(&source.path);
        let text = match self.files.read(&path) {
            Ok(text) => text,
            Err(error) => {
                let reason = match error.kind() {
                    std::io::ErrorKind::NotFound => "no such file".to_string(),
                    std::io::ErrorKind::InvalidData => "not UTF-8 text".to_string(),
                    _ => error.to_string(),
                };
                self.report(
                    Diagnostic::error(Code::DataFile, format!("cannot read `{}`: {reason}", source.path))
                        .label(source.path_span, reason)
                        .help("paths are relative to the model file; check the name and that the file is readable"),
                );
                return None;
            }
        };
        let csv::Table {
            columns,
            values,
            problems,
        } = csv::parse(&text);
        let file = &source.path;
        if columns.is_empty() {
            self.report(
                Diagnostic::error(Code::DataRow, format!("`{file}` has no header row"))
                    .label(source.path_span, "empty file")
                    .help("the first line names the columns, as in `x,t,u`"),
            );
            return None;
        }
        for (line, problem) in problems.iter().take(ROWS_REPORTED) {
            self.report(
                Diagnostic::error(Code::DataRow, format!("`{file}` line {line}: {problem}"))
                    .label(source.path_span, format!("malformed row at line {line}"))
                    .help(format!(
                        "each row holds {} numbers: {}",
                        columns.len(),
                        columns.join(", ")
                    )),
            );
        }
        if problems.len() > ROWS_REPORTED {
            let (first, _) = problems[ROWS_REPORTED];
            self.report(
                Diagnostic::error(
                    Code::DataRow,
                    format!(
                        "`{file}`: {} more malformed rows, from line {first}",
                        problems.len() - ROWS_REPORTED
                    ),
                )
                .label(source.path_span, "more malformed rows")
                .help(format!(
                    "each row holds {} numbers: {}",
                    columns.len(),
                    columns.join(", ")
                )),
            );
        }
        if !problems.is_empty() {
            return None;
        }
        Some(DataSet {
            name: name.name.clone(),
            path,
            columns,
            values,
            span: name.span,
        })
    }
}
