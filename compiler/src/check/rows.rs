//! Data that training would use otherwise than the model says: rows of
//! observations or references outside the domain of the field they
//! describe.
//!
//! Input: the checked constraints on data and the references, with the
//! fields' domains known. Output: one W0005 warning per data set and field
//! with rows outside the domain (by the domain's bounding box, so a row is
//! never flagged wrongly), naming the first such row by its line in the
//! file.

use super::*;

impl Checker<'_> {
    pub(super) fn warn_rows_outside_domains(&mut self) {
        let mut checks: Vec<(DataId, FuncId, Span, &'static str)> = vec![];
        for c in &self.model.constraints {
            if let Where::Data(d) = c.on {
                let mut functions = c.lhs.functions();
                functions.extend(c.rhs.functions());
                for f in functions {
                    checks.push((
                        d,
                        f,
                        c.span,
                        "training fits them, outside the domain where the equations hold",
                    ));
                }
            }
        }
        for s in &self.model.solutions {
            if let SolutionKind::Reference(d) = s.kind {
                checks.push((
                    d,
                    s.function,
                    s.span,
                    "the error against the reference is measured there too",
                ));
            }
        }
        checks.sort_by_key(|(d, f, _, _)| (*d, *f));
        checks.dedup_by_key(|(d, f, _, _)| (*d, *f));
        for (d, f, span, consequence) in checks {
            if let Some(warning) = self.rows_outside(d, f, span, consequence) {
                self.report(warning);
            }
        }
    }

    fn rows_outside(
        &self,
        d: DataId,
        f: FuncId,
        span: Span,
        consequence: &str,
    ) -> Option<Diagnostic> {
        let data = &self.model.data[d.index()];
        let function = self.model.function(f);
        let domain = function.domain.as_ref()?;
        // The file's own name: the absolute path differs between machines.
        let file = data.path.file_name().map_or_else(
            || data.path.display().to_string(),
            |n| n.to_string_lossy().into_owned(),
        );
        // Each coordinate with a column and a range: (coordinate, name,
        // column, lo, hi).
        let ranges: Vec<(CoordId, &str, usize, f64, f64)> = function
            .coords
            .iter()
            .filter_map(|&c| {
                let name = self.model.coord(c).name.as_str();
                let (lo, hi) = domain.range(c)?;
                Some((c, name, data.column(name)?, lo, hi))
            })
            .collect();
        let outside = |row: usize| {
            ranges
                .iter()
                .find(|(c, _, column, _, _)| !domain.admits(*c, data.values[*column][row]))
                .map(|(_, name, column, lo, hi)| (name, column, lo, hi))
        };
        let rows: Vec<usize> = (0..data.rows()).filter(|&r| outside(r).is_some()).collect();
        let &first = rows.first()?;
        let (coord, column, lo, hi) = outside(first)?;
        let value = data.values[*column][first];
        Some(
            Diagnostic::warning(
                Code::RowsOutside,
                format!(
                    "{} of {} rows of {file} lie outside the domain of `{}`",
                    rows.len(),
                    data.rows(),
                    function.name
                ),
            )
            .label(span, consequence.to_string())
            .label(
                function.span,
                format!("{coord} ranges over [{lo}, {hi}] here"),
            )
            .help(format!(
                "the first is line {} of the file, with {coord} = {value}; check the data's units, or widen the domain",
                first + 2
            )),
        )
    }
}
