//! CSV tables of numbers: the one reader behind data sets (`csv(...)` in a
//! model) and the points of `physc eval`.
//!
//! A table has a header of column names and rows of numbers separated by
//! commas. What spreadsheets write is read as meant: a byte-order mark
//! before the header, CRLF line ends, quoted names. Blank lines and lines
//! starting with `#` are skipped, cells are trimmed and header names lose
//! surrounding quotes. A row with the wrong number of cells, or a cell that
//! is not a finite number, is a problem reported with its line number
//! (1-based) and column; the good rows are kept.

/// A parsed table: column names, column-major values and the bad rows.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Table {
    pub columns: Vec<String>,
    /// One vector per column, each with one value per good row.
    pub values: Vec<Vec<f64>>,
    /// `(line, problem)` for each malformed row, in file order.
    pub problems: Vec<(usize, String)>,
}

impl Table {
    pub fn rows(&self) -> usize {
        self.values.first().map_or(0, Vec::len)
    }

    pub fn column(&self, name: &str) -> Option<usize> {
        self.columns.iter().position(|c| c == name)
    }

    /// The values of row `i`, in column order.
    pub fn row(&self, i: usize) -> Vec<f64> {
        self.values.iter().map(|c| c[i]).collect()
    }
}

/// Reads `text` as a table. An empty text gives a table with no columns.
pub fn parse(text: &str) -> Table {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let mut lines = text
        .lines()
        .enumerate()
        .filter(|(_, l)| !l.trim().is_empty() && !l.trim_start().starts_with('#'));
    let Some((_, header)) = lines.next() else {
        return Table::default();
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
        let parsed: Result<Vec<f64>, String> = cells
            .iter()
            .zip(&columns)
            .map(|(cell, column)| match cell.parse::<f64>() {
                Ok(v) if v.is_finite() => Ok(v),
                Ok(_) => Err(format!("`{cell}` in column `{column}` is not finite")),
                Err(_) => Err(format!("`{cell}` in column `{column}` is not a number")),
            })
            .collect();
        match parsed {
            Ok(row) => row
                .into_iter()
                .zip(values.iter_mut())
                .for_each(|(v, col)| col.push(v)),
            Err(problem) => problems.push((index + 1, problem)),
        }
    }
    Table {
        columns,
        values,
        problems,
    }
}

#[cfg(test)]
mod tests {
    use super::parse;

    #[test]
    fn reads_header_and_columns_and_reports_bad_rows_by_line() {
        let table = parse("# comment\nx, \"t\",u\n0,1,2\n\n3,4\n5,six,7\n8,9,10\n");
        assert_eq!(table.columns, ["x", "t", "u"]);
        assert_eq!(
            table.values,
            [vec![0.0, 8.0], vec![1.0, 9.0], vec![2.0, 10.0]]
        );
        assert_eq!(table.row(1), [8.0, 9.0, 10.0]);
        assert_eq!(
            table.problems,
            [
                (5, "expected 3 values, found 2".to_string()),
                (6, "`six` in column `t` is not a number".to_string())
            ]
        );
    }

    /// A spreadsheet's export: a byte-order mark, quoted names, CRLF line
    /// ends; and cells that parse but are not finite numbers.
    #[test]
    fn reads_what_spreadsheets_write_and_refuses_non_finite_cells() {
        let table = parse("\u{feff}\"x\",\"u\"\r\n0.5,1\r\n1,inf\r\nNaN,2\r\n");
        assert_eq!(table.columns, ["x", "u"]);
        assert_eq!(table.values, [vec![0.5], vec![1.0]]);
        assert_eq!(
            table.problems,
            [
                (3, "`inf` in column `u` is not finite".to_string()),
                (4, "`NaN` in column `x` is not finite".to_string())
            ]
        );
    }

    #[test]
    fn an_empty_text_has_no_columns() {
        assert_eq!(parse("\n# only a comment\n").columns.len(), 0);
    }
}
