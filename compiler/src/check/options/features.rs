//! Input features of a network: `net u = mlp(features = [t, sin(t)])`.
//!
//! Input: a `features` option and the coordinates of the network's
//! fields. Output: the features as real expressions of those coordinates
//! and constants (E0407 for anything else). The network stays a function
//! of its coordinates: the features are its fixed input embedding
//! ([`crate::program::features`]).

use super::*;

/// Most features one network reads.
const MAX_FEATURES: usize = 256;

impl Checker<'_> {
    /// The features of `opt`, real expressions of `coords`; `None` after
    /// reporting what is wrong.
    pub(super) fn features(&mut self, opt: &Opt, coords: &[CoordId]) -> Option<Vec<Expr>> {
        let items: Vec<&ast::Expr> = match &opt.value.kind {
            ast::ExprKind::Tuple(items) => items.iter().collect(),
            _ => vec![&opt.value],
        };
        if items.len() > MAX_FEATURES {
            self.out_of_range(
                opt,
                &format!("at most {MAX_FEATURES} features"),
                items.len() as f64,
            );
            return None;
        }
        let mut out = vec![];
        let errors = self.errors();
        for item in items {
            self.start_statement();
            let before = self.errors();
            let e = self.expr(item, &mut expr::Scope::default());
            if self.errors() > before {
                continue;
            }
            if let Some(problem) = self.feature_problem(&e, coords) {
                let names: Vec<&str> = coords
                    .iter()
                    .map(|c| self.model.coord(*c).name.as_str())
                    .collect();
                self.report(
                    Diagnostic::error(
                        Code::BadFeature,
                        format!(
                            "an input feature must be a real function of {}",
                            names.join(", ")
                        ),
                    )
                    .label(item.span, problem)
                    .help(
                        "a feature is an expression of the network's coordinates and constants, \
                         such as `features = [t, sin(t), sin(2*t)]`; fields and learned scalars \
                         are outputs of training, not inputs",
                    ),
                );
                continue;
            }
            out.push(e);
        }
        (self.errors() == errors).then_some(out)
    }

    /// Why `e` cannot be a feature of a network over `coords`.
    fn feature_problem(&self, e: &Expr, coords: &[CoordId]) -> Option<String> {
        if let Some(f) = e.functions().first() {
            return Some(format!("reads `{}`", self.model.function(*f).name));
        }
        let mut problem = None;
        e.visit(&mut |x| match x {
            Expr::Learned(l) => {
                problem.get_or_insert(format!(
                    "reads the learned scalar `{}`",
                    self.model.learned[l.index()].name
                ));
            }
            Expr::Coord(c) if !coords.contains(c) => {
                problem.get_or_insert(format!(
                    "`{}` is not a coordinate of the network",
                    self.model.coord(*c).name
                ));
            }
            Expr::Imag => {
                problem.get_or_insert("complex".to_string());
            }
            _ => {}
        });
        problem
    }
}
