//! Regions: AST regions to [`Set`]s (declarations, domains) and to
//! [`Where`] (the `on` clause of a statement).
//!
//! A set has a dimension; in an `on` clause it binds positionally to the
//! statement's coordinates, unless it is a named region that a field binds
//! to some of its coordinates (`field T((x, y) in plate, t ...)`). Slices
//! `x = a` and data sets can only be joined with `|`.

use super::*;
use crate::syntax::ast::{RegionKind, SetOp};

/// A slice to check against the domains once they are all known.
pub(super) struct SliceCheck {
    pub functions: Vec<FuncId>,
    pub coord: CoordId,
    pub value: f64,
    pub span: Span,
}

impl Checker<'_> {
    /// A region as a geometric set; `None` after reporting a problem.
    pub(super) fn set(&mut self, region: &ast::Region) -> Option<Set> {
        match &region.kind {
            RegionKind::Box(intervals) => {
                let bounds: Vec<Option<(f64, f64)>> =
                    intervals.iter().map(|i| self.interval(i)).collect();
                bounds.into_iter().collect::<Option<Vec<_>>>().map(Set::Box)
            }
            RegionKind::Shape { name, args } => self.shape(name, args, region.span),
            RegionKind::Boundary(inner) => Some(Set::Boundary(Box::new(self.set(inner)?))),
            RegionKind::Name(name) => self.named_set(name),
            RegionKind::Set { op, lhs, rhs } => {
                let (a, b) = (self.set(lhs), self.set(rhs));
                let (a, b) = (a?, b?);
                if a.dim() != b.dim() {
                    self.report(
                        Diagnostic::error(
                            Code::DimensionMismatch,
                            format!(
                                "`{}` of a {}-dimensional and a {}-dimensional region",
                                op.as_str(),
                                a.dim(),
                                b.dim()
                            ),
                        )
                        .label(rhs.span, format!("{}-dimensional", b.dim()))
                        .label(lhs.span, format!("{}-dimensional", a.dim()))
                        .help("combine regions of the same dimension"),
                    );
                    return None;
                }
                let (a, b) = (Box::new(a), Box::new(b));
                Some(match op {
                    SetOp::Union => Set::Union(a, b),
                    SetOp::Intersection => Set::Intersection(a, b),
                    SetOp::Difference => Set::Difference(a, b),
                })
            }
            RegionKind::Slice { coord, .. } => {
                self.report(
                    Diagnostic::error(
                        Code::WrongKind,
                        format!(
                            "the slice `{} = ...` cannot be part of a region",
                            coord.name
                        ),
                    )
                    .label(region.span, "a slice")
                    .help("slices belong in `on` clauses, joined with `|`: `on x = 0 | x = 1`"),
                );
                None
            }
        }
    }

    fn named_set(&mut self, name: &ast::Ident) -> Option<Set> {
        self.used.insert(name.name.clone());
        match self.names.get(&name.name) {
            Some(Decl::Region(index)) => {
                let index = *index;
                if let Some(resolved) = &self.regions[index].resolved {
                    return resolved.clone();
                }
                // Mark as failed while resolving, so a region defined in
                // terms of itself stops here.
                self.regions[index].resolved = Some(None);
                let region = self.regions[index].region;
                let set = self.set(region);
                self.regions[index].resolved = Some(set.clone());
                set
            }
            Some(other) => {
                let what = other.describe();
                self.report(
                    Diagnostic::error(
                        Code::WrongKind,
                        format!("`{}` is {what}, not a region", name.name),
                    )
                    .label(name.span, what.to_string())
                    .help("declare a region with `region NAME = ...`"),
                );
                None
            }
            None => {
                let mut diagnostic = self.unknown_name(name, "declare it with `region NAME = ...`");
                let regions = self.regions.iter().map(|r| r.name.as_str());
                if let Some(s) = names::suggest(&name.name, regions) {
                    diagnostic.help = Some(format!("did you mean `{s}`?"));
                }
                self.report_unknown(name, diagnostic);
                None
            }
        }
    }

    fn shape(&mut self, name: &ast::Ident, args: &[ast::Expr], span: Span) -> Option<Set> {
        let Some((_, form)) = names::SHAPES.iter().find(|(n, _)| *n == name.name) else {
            self.report(
                Diagnostic::error(Code::UnknownName, format!("unknown shape `{}`", name.name))
                    .label(name.span, "not a shape")
                    .help(names::did_you_mean(
                        &name.name,
                        names::SHAPES.iter().map(|(n, _)| *n),
                        "the shapes are disk, ball, rect and polygon",
                    )),
            );
            return None;
        };
        let bad = |checker: &mut Self, why: &str| {
            checker.report(
                Diagnostic::error(Code::BadShape, format!("malformed `{}`: {why}", name.name))
                    .label(span, why.to_string())
                    .help(format!("write it as `{form}`")),
            );
            None
        };
        let points: Vec<Option<Vec<f64>>> = args.iter().map(|a| self.point(a)).collect();
        match name.name.as_str() {
            "disk" | "ball" => {
                let [_, radius] = args else {
                    return bad(self, "expected a center and a radius");
                };
                let Some(Some(center)) = points.first().cloned() else {
                    return None;
                };
                let r = self.real_constant(radius, "a radius")?;
                if name.name == "disk" && center.len() != 2 {
                    return bad(self, "the center of a disk has two coordinates");
                }
                if r <= 0.0 {
                    return bad(self, "the radius must be positive");
                }
                Some(Set::Ball { center, radius: r })
            }
            "rect" => {
                let [Some(lo), Some(hi)] = points.as_slice() else {
                    return bad(self, "expected two corners");
                };
                if lo.len() != 2 || hi.len() != 2 {
                    return bad(self, "corners have two coordinates");
                }
                if lo[0] >= hi[0] || lo[1] >= hi[1] {
                    return bad(
                        self,
                        "the first corner must be below and left of the second",
                    );
                }
                Some(Set::Box(vec![(lo[0], hi[0]), (lo[1], hi[1])]))
            }
            _ => {
                let points: Option<Vec<Vec<f64>>> = points.into_iter().collect();
                let points = points?;
                if points.len() < 3 {
                    return bad(self, "a polygon needs at least three vertices");
                }
                if points.iter().any(|p| p.len() != 2) {
                    return bad(self, "vertices have two coordinates");
                }
                Some(Set::Polygon(points.iter().map(|p| (p[0], p[1])).collect()))
            }
        }
    }

    /// A point `(a, b, ...)` or a single number, as constants.
    fn point(&mut self, e: &ast::Expr) -> Option<Vec<f64>> {
        match &e.kind {
            ast::ExprKind::Tuple(items) => {
                let values: Vec<Option<f64>> = items
                    .iter()
                    .map(|i| self.real_constant(i, "a coordinate of a point"))
                    .collect();
                values.into_iter().collect()
            }
            _ => Some(vec![self.real_constant(e, "a shape argument")?]),
        }
    }

    /// The `on` clause of a statement over coordinates `space`, read by
    /// `functions`.
    pub(super) fn place(
        &mut self,
        region: &ast::Region,
        space: &[CoordId],
        functions: &[FuncId],
    ) -> Option<Where> {
        if let RegionKind::Name(n) = &region.kind
            && let Some(Decl::Data(d)) = self.names.get(&n.name)
        {
            self.used.insert(n.name.clone());
            return (d.0 != u32::MAX).then_some(Where::Data(*d));
        }
        let mut parts = vec![];
        self.union_parts(region, &mut parts);
        if parts.iter().all(|p| !is_slice_or_data(self, p)) {
            return self.place_set(region, space);
        }
        let mut places = vec![];
        for part in parts {
            match &part.kind {
                RegionKind::Slice { coord, value } => {
                    let coord_id = self.coord_id(&coord.name).filter(|c| space.contains(c));
                    let value = self.real_constant(value, "a slice position");
                    let Some(c) = coord_id else {
                        let names: Vec<&str> = space
                            .iter()
                            .map(|c| self.model.coord(*c).name.as_str())
                            .collect();
                        self.report(
                            Diagnostic::error(
                                Code::NoSuchCoordinate,
                                format!("`{}` is not a coordinate of this statement", coord.name),
                            )
                            .label(coord.span, "no such coordinate")
                            .help(names::did_you_mean(
                                &coord.name,
                                names.iter().copied(),
                                &format!("the coordinates are {}", names.join(", ")),
                            )),
                        );
                        continue;
                    };
                    let Some(value) = value else { continue };
                    let span = match &part.kind {
                        RegionKind::Slice { value, .. } => value.span,
                        _ => part.span,
                    };
                    self.slices.push(SliceCheck {
                        functions: functions.to_vec(),
                        coord: c,
                        value,
                        span,
                    });
                    places.push(Where::Slice { coord: c, value });
                }
                RegionKind::Name(n) if matches!(self.names.get(&n.name), Some(Decl::Data(_))) => {
                    self.report(
                        Diagnostic::error(Code::WrongKind, format!("data set `{}` joined with other regions", n.name))
                            .label(part.span, "a data set")
                            .help("a constraint on data holds on its rows alone: write it in its own statement"),
                    );
                }
                _ => places.extend(self.place_set(part, space)),
            }
        }
        match places.len() {
            0 => None,
            1 => places.pop(),
            _ => Some(Where::Union(places)),
        }
    }

    fn union_parts<'r>(&mut self, region: &'r ast::Region, out: &mut Vec<&'r ast::Region>) {
        match &region.kind {
            RegionKind::Set {
                op: SetOp::Union,
                lhs,
                rhs,
            } => {
                self.union_parts(lhs, out);
                self.union_parts(rhs, out);
            }
            RegionKind::Set { lhs, rhs, .. } => {
                let mut sliced = false;
                for side in [lhs, rhs] {
                    if matches!(side.kind, RegionKind::Slice { .. }) {
                        sliced = true;
                        self.report(
                            Diagnostic::error(
                                Code::WrongKind,
                                "a slice can only be joined with `|`",
                            )
                            .label(side.span, "a slice")
                            .help("write the slices as a union, as in `on x = 0 | x = 1`"),
                        );
                    }
                }
                if !sliced {
                    out.push(region)
                }
            }
            _ => out.push(region),
        }
    }

    /// A set in an `on` clause, bound to the statement's coordinates.
    fn place_set(&mut self, region: &ast::Region, space: &[CoordId]) -> Option<Where> {
        let name = match &region.kind {
            RegionKind::Name(n) => Some(n.name.clone()),
            _ => None,
        };
        let set = self.set(region)?;
        let coords = self
            .bound_coords(region, set.dim(), space)
            .unwrap_or_else(|| space.to_vec());
        if set.dim() != coords.len() {
            let names: Vec<&str> = coords
                .iter()
                .map(|c| self.model.coord(*c).name.as_str())
                .collect();
            self.report(
                Diagnostic::error(
                    Code::DimensionMismatch,
                    format!(
                        "a {}-dimensional region for a statement over {} coordinates ({})",
                        set.dim(),
                        coords.len(),
                        names.join(", ")
                    ),
                )
                .label(region.span, format!("{}-dimensional", set.dim()))
                .help(dimension_help(&set, &names)),
            );
            return None;
        }
        Some(Where::Set { coords, set, name })
    }

    /// The coordinates a set binds when they are not all the statement's:
    /// those a field binds a region named in it to (`boundary(dom)`, `dom -
    /// disk(...)` for `field c((x, y) in dom, t ...)`), else those of the
    /// one set factor of the model's fields that has its dimension.
    fn bound_coords(
        &self,
        region: &ast::Region,
        dim: usize,
        space: &[CoordId],
    ) -> Option<Vec<CoordId>> {
        let fits = |cs: &&Vec<CoordId>| cs.len() == dim && cs.iter().all(|c| space.contains(c));
        let mut names = vec![];
        region_names(region, &mut names);
        if let Some(cs) = names
            .iter()
            .filter_map(|n| self.region_coords.get(*n))
            .flatten()
            .find(fits)
        {
            return Some(cs.clone());
        }
        if dim == space.len() {
            return None;
        }
        let mut candidates: Vec<&Vec<CoordId>> = self
            .model
            .functions
            .iter()
            .flat_map(|f| f.domain.iter().flat_map(|d| &d.factors))
            .filter_map(|factor| match factor {
                Factor::Set { coords, .. } => Some(coords),
                Factor::Interval { .. } => None,
            })
            .filter(fits)
            .collect();
        candidates.sort();
        candidates.dedup();
        match candidates[..] {
            [one] => Some(one.clone()),
            _ => None,
        }
    }
}

/// The names of regions a region is made of.
fn region_names<'r>(region: &'r ast::Region, out: &mut Vec<&'r str>) {
    match &region.kind {
        RegionKind::Name(n) => out.push(&n.name),
        RegionKind::Boundary(inner) => region_names(inner, out),
        RegionKind::Set { lhs, rhs, .. } => {
            region_names(lhs, out);
            region_names(rhs, out);
        }
        RegionKind::Box(_) | RegionKind::Shape { .. } | RegionKind::Slice { .. } => {}
    }
}

fn is_slice_or_data(checker: &Checker, region: &ast::Region) -> bool {
    match &region.kind {
        RegionKind::Slice { .. } => true,
        RegionKind::Name(n) => matches!(checker.names.get(&n.name), Some(Decl::Data(_))),
        _ => false,
    }
}

/// How to write a region of the statement's dimension. The boundary of a
/// region in space, for a statement that also runs over time, gets its own
/// advice: a box with a time interval added would put the condition on the
/// first and last times too.
fn dimension_help(set: &Set, names: &[&str]) -> String {
    let spatial: Vec<&str> = names.iter().copied().filter(|n| *n != "t").collect();
    if let Set::Boundary(inner) = set
        && names.contains(&"t")
        && spatial.len() == set.dim()
    {
        let faces = match inner.as_ref() {
            Set::Box(intervals) => {
                let faces: Vec<String> = spatial
                    .iter()
                    .zip(intervals)
                    .flat_map(|(n, (a, b))| [format!("{n} = {a}"), format!("{n} = {b}")])
                    .collect();
                Some(faces.join(" | "))
            }
            _ => None,
        };
        let coords = match spatial[..] {
            [one] => one.to_string(),
            _ => format!("({})", spatial.join(", ")),
        };
        let mut help = format!(
            "to hold it on the boundary at every time, name the region and declare the field over it: `region R = ...`, `field u({coords} in R, t in [t0, t1])`, then `on boundary(R)`"
        );
        if let Some(faces) = faces {
            let sides = if spatial.len() == 1 { "ends" } else { "faces" };
            help.push_str(&format!("; or name its {sides}: `on {faces}`"));
        }
        return help;
    }
    format!(
        "give one interval per coordinate, in order: {}",
        names
            .iter()
            .map(|n| format!("[{n}0, {n}1]"))
            .collect::<Vec<_>>()
            .join(" x ")
    )
}
