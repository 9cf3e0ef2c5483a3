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
        let (columns, values, problems) = parse_csv(&text);
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

/// Header, column-major values and `(line, problem)` for each bad row.
fn parse_csv(text: &str) -> (Vec<String>, Vec<Vec<f64>>, Vec<(usize, String)>) {
    let mut lines = text
        .lines()
        .enumerate()
        .filter(|(_, l)| !l.trim().is_empty() && !l.trim_start().starts_with('#'));
    let Some((_, header)) = lines.next() else {
        return (vec![], vec![], vec![]);
    };
    let columns: Vec<String> = header
        .split(',')
        .map(|c| c.trim().trim_matches('"').to_string())
        .collect();
    let mut values = vec![vec![]; columns.len()];
    let mut problems = vec![];
    for (index, line) in lines {
        let cells: Vec<&str> = line.split(',').map(str::trim).collect();
        if cells.len() != columns.len() {
            problems.push((
                index + 1,
                format!("expected {} values, found {}", columns.len(), cells.len()),
            ));
            continue;
        }
        let parsed: Result<Vec<f64>, &str> = cells
            .iter()
            .map(|c| c.parse::<f64>().map_err(|_| *c))
            .collect();
        match parsed {
            Ok(row) => row
                .into_iter()
                .zip(values.iter_mut())
                .for_each(|(v, col)| col.push(v)),
            Err(cell) => problems.push((index + 1, format!("`{cell}` is not a number"))),
        }
    }
    (columns, values, problems)
}

#[cfg(test)]
mod tests {
    use super::parse_csv;

    #[test]
    fn reads_header_and_columns_and_reports_bad_rows_by_line() {
        let (columns, values, problems) =
            parse_csv("# comment\nx, t,u\n0,1,2\n\n3,4\n5,six,7\n8,9,10\n");
        assert_eq!(columns, ["x", "t", "u"]);
        assert_eq!(values, [vec![0.0, 8.0], vec![1.0, 9.0], vec![2.0, 10.0]]);
        assert_eq!(
            problems,
            [
                (5, "expected 3 values, found 2".to_string()),
                (6, "`six` is not a number".to_string())
            ]
        );
    }
}
