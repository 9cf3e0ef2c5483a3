//! Domains: where each field lives.
//!
//! A field's domain is the product of its coordinates' declared ranges and
//! regions (`x in [0, 1]`, `(x, y) in plate`); coordinates declared without
//! one take their range from the boxes of the equations that constrain the
//! field. Slices are checked against the finished domains.

use super::*;

impl Checker<'_> {
    /// Builds the declared part of each field's domain; the rest is inferred
    /// from the equations later.
    pub(super) fn field_domains(&mut self) {
        // Every field is a family over the parameters: they follow its own
        // coordinates, each over its range.
        let params: Vec<Factor> = self
            .model
            .params
            .iter()
            .map(|p| Factor::Interval {
                coord: p.coord,
                lo: p.lo,
                hi: p.hi,
            })
            .collect();
        for f in &mut self.model.functions {
            if f.kind == FunctionKind::Field {
                f.coords.extend(self.model.params.iter().map(|p| p.coord));
            }
        }
        for (f, decls) in std::mem::take(&mut self.pending_domains) {
            let mut factors = vec![];
            let mut open = false;
            let mut k = 0;
            for decl in decls {
                let coords: Vec<CoordId> = self.model.functions[f.index()]
                    .coords
                    .get(k..k + decl.names.len())
                    .unwrap_or(&[])
                    .to_vec();
                k += decl.names.len();
                let Some(region) = &decl.domain else {
                    open = true;
                    continue;
                };
                if let Some(factor) = self.domain_factor(&coords, &decl.names, region) {
                    factors.push(factor);
                }
            }
            factors.extend(params.iter().cloned());
            if open {
                self.partial_domains.insert(f, factors);
            } else {
                self.model.functions[f.index()].domain = Some(Domain { factors });
            }
        }
    }

    /// `x in [a, b]` or `(x, y) in R` as a domain factor.
    fn domain_factor(
        &mut self,
        coords: &[CoordId],
        names: &[ast::Ident],
        region: &ast::Region,
    ) -> Option<Factor> {
        if let ast::RegionKind::Name(name) = &region.kind {
            let bindings = self.region_coords.entry(name.name.clone()).or_default();
            if !bindings.iter().any(|b| b == coords) {
                bindings.push(coords.to_vec());
            }
        }
        let set = self.set(region)?;
        if set.dim() != coords.len() {
            let names: Vec<&str> = names.iter().map(|n| n.name.as_str()).collect();
            self.report(
                Diagnostic::error(
                    Code::DimensionMismatch,
                    format!(
                        "a {}-dimensional region for {} coordinate{}",
                        set.dim(),
                        coords.len(),
                        if coords.len() == 1 { "" } else { "s" }
                    ),
                )
                .label(region.span, format!("{}-dimensional", set.dim()))
                .help(format!(
                    "give ({}) a region of dimension {}",
                    names.join(", "),
                    coords.len()
                )),
            );
            return None;
        }
        let name = match &region.kind {
            ast::RegionKind::Name(n) => Some(n.name.clone()),
            _ => None,
        };
        Some(match (&set, coords) {
            (Set::Box(b), [c]) => Factor::Interval {
                coord: *c,
                lo: b[0].0,
                hi: b[0].1,
            },
            _ => Factor::Set {
                coords: coords.to_vec(),
                set,
                name,
            },
        })
    }

    /// Fills open domains from the boxes of the equations that constrain the
    /// field; reports fields left without a domain.
    pub(super) fn infer_domains(&mut self) {
        let mut partial: Vec<(FuncId, Vec<Factor>)> = self.partial_domains.drain().collect();
        partial.sort_by_key(|(f, _)| *f);
        for (f, mut factors) in partial {
            let coords = self.model.functions[f.index()].coords.clone();
            let covered = |factors: &[Factor], c: CoordId| {
                factors.iter().any(|fa| match fa {
                    Factor::Interval { coord, .. } => *coord == c,
                    Factor::Set { coords, .. } => coords.contains(&c),
                })
            };
            let mut data_only = true;
            for constraint in &self.model.constraints {
                let uses = constraint.lhs.functions().contains(&f)
                    || constraint.rhs.functions().contains(&f);
                if !uses {
                    continue;
                }
                data_only &= matches!(constraint.on, Where::Data(_));
                let Where::Set {
                    coords: on,
                    set: Set::Box(b),
                    ..
                } = &constraint.on
                else {
                    continue;
                };
                for &c in &coords {
                    if let Some(k) = on.iter().position(|x| *x == c)
                        && !covered(&factors, c)
                    {
                        factors.push(Factor::Interval {
                            coord: c,
                            lo: b[k].0,
                            hi: b[k].1,
                        });
                    }
                }
            }
            if coords.iter().all(|&c| covered(&factors, c)) {
                // Keep the factors in coordinate order.
                factors.sort_by_key(|fa| match fa {
                    Factor::Interval { coord, .. } => coords.iter().position(|c| c == coord),
                    Factor::Set { coords: cs, .. } => coords.iter().position(|c| *c == cs[0]),
                });
                self.model.functions[f.index()].domain = Some(Domain { factors });
            } else if (!data_only || !self.used_on_data.contains(&f))
                && !self.failed_places.contains(&f)
            {
                let function = &self.model.functions[f.index()];
                let missing: Vec<&str> = coords
                    .iter()
                    .filter(|&&c| !covered(&factors, c))
                    .map(|c| self.model.coord(*c).name.as_str())
                    .collect();
                let example: Vec<String> = function
                    .coords
                    .iter()
                    .map(|c| format!("{} in [a, b]", self.model.coord(*c).name))
                    .collect();
                let diagnostic = Diagnostic::error(Code::NoDomain, format!("`{}` has no domain", function.name))
                    .label(function.span, format!("no range for {}", missing.join(", ")))
                    .help(format!(
                        "give its coordinates ranges, as in `field {}({})`, or state an equation `on` a box",
                        function.name,
                        example.join(", ")
                    ));
                self.report(diagnostic);
            }
        }
    }

    /// Reports slices that lie outside the domain of a field they constrain.
    pub(super) fn check_slices(&mut self) {
        for slice in std::mem::take(&mut self.slices) {
            for f in &slice.functions {
                let function = &self.model.functions[f.index()];
                let Some((lo, hi)) = function.domain.as_ref().and_then(|d| d.range(slice.coord))
                else {
                    continue;
                };
                let tolerance = 1e-12 * (hi - lo).abs().max(1.0);
                if slice.value < lo - tolerance || slice.value > hi + tolerance {
                    let coord = self.model.coord(slice.coord).name.clone();
                    let name = function.name.clone();
                    self.report(
                        Diagnostic::error(
                            Code::SliceOutside,
                            format!(
                                "`{coord} = {}` is outside the domain of `{name}`",
                                slice.value
                            ),
                        )
                        .label(slice.span, format!("{coord} ranges over [{lo}, {hi}]"))
                        .help(format!("use a value of {coord} between {lo} and {hi}")),
                    );
                    break;
                }
            }
        }
    }
}
