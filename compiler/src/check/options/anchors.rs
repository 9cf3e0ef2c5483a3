//! Anchor points of a constraint: `anchors(pde = obs)`, a data set's rows,
//! or `anchors(pde = sample(strike, 1000))`, points drawn once in a named
//! region (DeepXDE's `anchors = np.random.uniform(...)`) or on its boundary
//! (`sample(boundary(strike), 100)`: DeepXDE's boundary points, which join
//! every equation's residual points).
//!
//! Input: an `anchors` option. Output: the model's [`Anchors`], or E0103
//! for a value that is neither a data set nor `sample(REGION, N)` nor
//! `sample(boundary(REGION), N)`, E0503 for a data set without the
//! constraint's coordinates, and the region's own diagnostics for a region
//! that is not one of the constraint's.

use super::*;

/// Most anchor points drawn for one constraint.
const MAX_DRAWN: u64 = 10_000_000;

impl Checker<'_> {
    /// `anchors(LABEL = SET)`: a data set with a column for each coordinate
    /// of the labelled constraint, whose rows join its points; or
    /// `anchors(LABEL = sample(REGION, N))`.
    pub(super) fn anchors(&mut self, opt: &Opt) -> Option<Anchors> {
        if let ast::ExprKind::Call { callee, args } = &opt.value.kind
            && callee.name == "sample"
        {
            return self.drawn_anchors(opt, args);
        }
        let data = match &opt.value.kind {
            ast::ExprKind::Name(id) => match self.names.get(&id.name) {
                Some(Decl::Data(d)) => Some(*d),
                _ => None,
            },
            _ => None,
        };
        let Some(d) = data else {
            self.report(
                Diagnostic::error(
                    Code::WrongKind,
                    format!("anchors of `{}` must be a data set", opt.name.name),
                )
                .label(opt.value.span, "not a data set")
                .help("declare one with `data obs = csv(\"points.csv\")` and write `anchors(pde = obs)`, or draw them in a region: `anchors(pde = sample(strike, 1000))`"),
            );
            return None;
        };
        self.used.insert(self.model.data[d.index()].name.clone());
        let constraint = self
            .model
            .constraints
            .iter()
            .find(|c| c.label == opt.name.name)?;
        let missing = constraint.space.iter().find(|&&c| {
            let name = &self.model.coord(c).name;
            self.model.data[d.index()].column(name).is_none()
        });
        if let Some(&c) = missing {
            let (set, coord) = (&self.model.data[d.index()].name, &self.model.coord(c).name);
            self.report(
                Diagnostic::error(
                    Code::DataColumn,
                    format!("data set `{set}` has no column `{coord}` for the anchors of `{}`", opt.name.name),
                )
                .label(opt.value.span, format!("no column `{coord}`"))
                .help(format!(
                    "anchors are points of `{}`: the data set needs a column for each of its coordinates",
                    opt.name.name
                )),
            );
            return None;
        }
        Some(Anchors::Data(d))
    }

    /// `sample(REGION, N)`: `N` points drawn in a region of the labelled
    /// constraint's coordinates.
    fn drawn_anchors(&mut self, opt: &Opt, args: &[ast::Expr]) -> Option<Anchors> {
        let [region, count] = args else {
            self.report(
                Diagnostic::error(Code::WrongKind, "`sample` takes a region and a count")
                    .label(opt.value.span, format!("{} arguments", args.len()))
                    .help(
                        "write `sample(strike, 1000)` for 1000 points drawn in the region `strike`",
                    ),
            );
            return None;
        };
        let named = |e: &ast::Expr| match &e.kind {
            ast::ExprKind::Name(n) if matches!(self.names.get(&n.name), Some(Decl::Region(_))) => {
                Some(n.clone())
            }
            _ => None,
        };
        // A named region, or its boundary: `sample(line, 16)`,
        // `sample(boundary(line), 2)` (DeepXDE's boundary points, which
        // join an equation's residual points).
        let (name, kind) = match &region.kind {
            ast::ExprKind::Call { callee, args } if callee.name == "boundary" => {
                match args.as_slice() {
                    [inner] => match named(inner) {
                        Some(n) => (
                            format!("boundary({})", n.name),
                            ast::RegionKind::Boundary(Box::new(ast::Region {
                                kind: ast::RegionKind::Name(n),
                                span: inner.span,
                            })),
                        ),
                        None => return self.not_a_region(inner),
                    },
                    _ => return self.not_a_region(region),
                }
            }
            _ => match named(region) {
                Some(n) => (n.name.clone(), ast::RegionKind::Name(n)),
                None => return self.not_a_region(region),
            },
        };
        let count = self.whole(
            &Opt {
                name: opt.name.clone(),
                value: count.clone(),
            },
            1,
            MAX_DRAWN,
        )?;
        let constraint = self
            .model
            .constraints
            .iter()
            .find(|c| c.label == opt.name.name)?;
        let space = constraint.space.clone();
        let functions: Vec<FuncId> = constraint
            .lhs
            .functions()
            .into_iter()
            .chain(constraint.rhs.functions())
            .collect();
        let place = self.place(
            &ast::Region {
                kind,
                span: args[0].span,
            },
            &space,
            &functions,
        )?;
        Some(Anchors::Drawn {
            region: name,
            place,
            count,
        })
    }

    fn not_a_region(&mut self, e: &ast::Expr) -> Option<Anchors> {
        self.report(
            Diagnostic::error(Code::WrongKind, "anchors are sampled in a named region")
                .label(e.span, "not a region")
                .help("declare it, as in `region strike = [0.5, 1.5] x [0, 1]`, and write `sample(strike, 1000)` or, on its boundary, `sample(boundary(strike), 100)`"),
        );
        None
    }
}
