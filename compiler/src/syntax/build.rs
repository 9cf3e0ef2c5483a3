//! pest pairs to AST nodes.
//!
//! Input: the pairs of one statement, parsed on its own, and the statement's
//! byte offset in the file. Output: an [`Item`] whose spans are file offsets.
//! The grammar guarantees each pair's shape, so the only error here is an
//! expression nested deeper than [`MAX_DEPTH`] (later passes recurse on
//! expressions; this bound keeps them off the end of the stack).

use super::Rule;
use super::ast::*;
use crate::diagnostics::{Code, Diagnostic};
use crate::source::Span;
use pest::iterators::Pair;
use pest::pratt_parser::{Assoc, Op, PrattParser};
use std::sync::OnceLock;

type Pair_<'a> = Pair<'a, Rule>;

/// Deepest expression tree accepted.
pub const MAX_DEPTH: usize = 200;

struct Builder {
    base: usize,
}

pub(super) fn item(pair: Pair_, base: usize) -> Result<Item, Diagnostic> {
    Builder { base }.item(pair)
}

fn pratt() -> &'static PrattParser<Rule> {
    static PRATT: OnceLock<PrattParser<Rule>> = OnceLock::new();
    PRATT.get_or_init(|| {
        PrattParser::new()
            .op(Op::infix(Rule::add, Assoc::Left) | Op::infix(Rule::sub, Assoc::Left))
            .op(Op::infix(Rule::mul, Assoc::Left) | Op::infix(Rule::div, Assoc::Left))
            .op(Op::prefix(Rule::neg) | Op::prefix(Rule::pos))
            .op(Op::infix(Rule::pow, Assoc::Right))
    })
}

fn region_pratt() -> &'static PrattParser<Rule> {
    static PRATT: OnceLock<PrattParser<Rule>> = OnceLock::new();
    PRATT.get_or_init(|| PrattParser::new().op(Op::infix(Rule::region_op, Assoc::Left)))
}

/// An expression and the height of its tree.
type Built = Result<(Expr, usize), Diagnostic>;

impl Builder {
    fn span(&self, pair: &Pair_) -> Span {
        let s = pair.as_span();
        Span::new(self.base + s.start(), self.base + s.end())
    }

    fn ident(&self, pair: Pair_) -> Ident {
        debug_assert_eq!(pair.as_rule(), Rule::ident);
        Ident {
            name: pair.as_str().to_string(),
            span: self.span(&pair),
        }
    }

    fn idents(&self, pair: Pair_) -> Vec<Ident> {
        pair.into_inner().map(|p| self.ident(p)).collect()
    }

    fn item(&self, pair: Pair_) -> Result<Item, Diagnostic> {
        let span = self.span(&pair);
        let rule = pair.as_rule();
        let mut inner = pair.into_inner().filter(|p| !is_keyword(p.as_rule()));
        let mut next = || inner.next().expect("grammar guarantees this child");
        let kind = match rule {
            Rule::const_decl => ItemKind::Const {
                name: self.ident(next()),
                value: self.expr(next())?,
                space: inner.next().map(|p| self.expr(p)).transpose()?,
            },
            Rule::learn_decl => ItemKind::Learn {
                name: self.ident(next()),
                init: self.expr(next())?,
            },
            Rule::param_decl => ItemKind::Param {
                name: self.ident(next()),
                range: self.interval(next())?,
            },
            Rule::field_decl => {
                let names = self.idents(next());
                let mut coords = vec![];
                let mut ty = None;
                for p in inner {
                    match p.as_rule() {
                        Rule::coord_decl => coords.push(self.coord_decl(p)?),
                        _ => {
                            ty = Some(
                                self.ident(p.into_inner().next().expect("field_type has a name")),
                            )
                        }
                    }
                }
                ItemKind::Field { names, coords, ty }
            }
            Rule::region_decl => ItemKind::Region {
                name: self.ident(next()),
                region: self.region(next())?,
            },
            Rule::data_decl => ItemKind::Data {
                name: self.ident(next()),
                source: self.source(next()),
            },
            Rule::def_decl => {
                let name = self.ident(next());
                let mut params = vec![];
                let mut body = None;
                for p in inner {
                    match p.as_rule() {
                        Rule::def_params => params = self.idents(p),
                        _ => body = Some(self.expr(p)?),
                    }
                }
                ItemKind::Def {
                    name,
                    params,
                    body: body.expect("def has a body"),
                }
            }
            Rule::use_decl => ItemKind::Use {
                path: self.idents(next()),
            },
            Rule::net_decl => {
                let names = self.idents(next());
                let mut args = None;
                let mut spec = None;
                for p in inner {
                    match p.as_rule() {
                        Rule::net_args => {
                            args = Some(
                                p.into_inner()
                                    .next()
                                    .map(|ps| self.idents(ps))
                                    .unwrap_or_default(),
                            )
                        }
                        _ => spec = Some(self.spec(p)?),
                    }
                }
                ItemKind::Net { names, args, spec }
            }
            Rule::train_decl => {
                let items = inner
                    .map(|p| match p.as_rule() {
                        Rule::option => self.option(p).map(TrainItem::Opt),
                        _ => self.spec(p).map(TrainItem::Spec),
                    })
                    .collect::<Result<_, _>>()?;
                ItemKind::Train { items }
            }
            Rule::symmetry_decl => {
                let mut parts: Vec<Pair_> = inner.collect();
                let soft = parts.first().is_some_and(|p| p.as_rule() == Rule::soft);
                if soft {
                    parts.remove(0);
                }
                let mut parts = parts.into_iter();
                let lhs = self.expr(parts.next().expect("lhs"))?;
                let rhs = self.expr(parts.next().expect("rhs"))?;
                let on = parts.next().map(|p| self.on(p)).transpose()?;
                ItemKind::Symmetry { soft, lhs, rhs, on }
            }
            Rule::conserve_decl => {
                let quantity = self.expr(next())?;
                let on = inner.next().map(|p| self.on(p)).transpose()?;
                ItemKind::Conserve { quantity, on }
            }
            Rule::exact_decl => ItemKind::Exact {
                field: self.ident(next()),
                value: self.expr(next())?,
                checked: true,
            },
            Rule::reference_decl => {
                let field = self.ident(next());
                let value = next();
                match value.as_rule() {
                    Rule::source => ItemKind::Reference {
                        field,
                        source: self.source(value),
                    },
                    _ => ItemKind::Exact {
                        field,
                        value: self.expr(value)?,
                        checked: false,
                    },
                }
            }
            Rule::constraint => ItemKind::Constraint(self.constraint(inner.collect())?),
            other => unreachable!("not a statement: {other:?}"),
        };
        Ok(Item { kind, span })
    }

    fn constraint(&self, parts: Vec<Pair_>) -> Result<Constraint, Diagnostic> {
        let mut label = None;
        let mut modifier = None;
        let mut exprs = vec![];
        let mut relation = (Relation::Eq, Span::default());
        let mut on = None;
        for p in parts {
            match p.as_rule() {
                Rule::label => label = Some(self.ident(p.into_inner().next().expect("label name"))),
                Rule::modifier => {
                    // The keyword alone (`ode` looks ahead at the name after it).
                    let keyword = p.into_inner().next().expect("a modifier keyword");
                    let m = match keyword.as_rule() {
                        Rule::kw_hard => Modifier::Hard,
                        Rule::kw_ode => Modifier::Ode,
                        _ => Modifier::Soft,
                    };
                    modifier = Some((m, self.span(&keyword)));
                }
                Rule::relation => {
                    let r = match p.as_str() {
                        ">=" => Relation::Ge,
                        "<=" => Relation::Le,
                        ">" => Relation::Gt,
                        "<" => Relation::Lt,
                        _ => Relation::Eq,
                    };
                    relation = (r, self.span(&p));
                }
                Rule::on_clause => on = Some(self.on(p)?),
                _ => exprs.push(self.expr(p)?),
            }
        }
        let mut exprs = exprs.into_iter();
        let lhs = exprs.next().expect("lhs");
        let rhs = exprs.next().expect("rhs");
        Ok(Constraint {
            label,
            modifier,
            lhs,
            relation: relation.0,
            relation_span: relation.1,
            rhs,
            on,
        })
    }

    fn coord_decl(&self, pair: Pair_) -> Result<CoordDecl, Diagnostic> {
        let mut inner = pair.into_inner().filter(|p| p.as_rule() != Rule::kw_in);
        let names = self.idents(inner.next().expect("coord names"));
        let domain = inner.next().map(|p| self.region(p)).transpose()?;
        Ok(CoordDecl { names, domain })
    }

    fn source(&self, pair: Pair_) -> Source {
        let mut inner = pair.into_inner();
        let format = self.ident(inner.next().expect("source format"));
        let string = inner.next().expect("source path");
        let text = string.into_inner().next().expect("string text");
        Source {
            format,
            path: text.as_str().to_string(),
            path_span: self.span(&text),
        }
    }

    fn spec(&self, pair: Pair_) -> Result<Spec, Diagnostic> {
        let span = self.span(&pair);
        let mut inner = pair.into_inner();
        let name = self.ident(inner.next().expect("spec name"));
        let options = inner.map(|p| self.option(p)).collect::<Result<_, _>>()?;
        Ok(Spec {
            name,
            options,
            span,
        })
    }

    fn option(&self, pair: Pair_) -> Result<Opt, Diagnostic> {
        let mut inner = pair.into_inner();
        let name = self.ident(inner.next().expect("option name"));
        let value = inner.next().expect("option value");
        let value = match value.as_rule() {
            // A list is a tuple of values, as `(1, 10)` is.
            Rule::list => {
                let span = self.span(&value);
                let (items, depth) = self.args(value.into_inner())?;
                bounded(
                    Expr {
                        kind: ExprKind::Tuple(items),
                        span,
                    },
                    depth + 1,
                )?
                .0
            }
            _ => self.expr(value)?,
        };
        Ok(Opt { name, value })
    }

    fn on(&self, pair: Pair_) -> Result<Region, Diagnostic> {
        let region = pair
            .into_inner()
            .find(|p| p.as_rule() == Rule::region)
            .expect("on has a region");
        self.region(region)
    }

    fn interval(&self, pair: Pair_) -> Result<Interval, Diagnostic> {
        let span = self.span(&pair);
        let mut inner = pair.into_inner();
        let lo = self.expr(inner.next().expect("lo"))?;
        let hi = self.expr(inner.next().expect("hi"))?;
        Ok(Interval { lo, hi, span })
    }

    fn region(&self, pair: Pair_) -> Result<Region, Diagnostic> {
        region_pratt()
            .map_primary(|p| self.region_term(p))
            .map_infix(|lhs, op, rhs| {
                let (lhs, rhs) = (lhs?, rhs?);
                let op = match op.as_str() {
                    "|" => SetOp::Union,
                    "&" => SetOp::Intersection,
                    _ => SetOp::Difference,
                };
                let span = lhs.span.to(rhs.span);
                Ok(Region {
                    kind: RegionKind::Set {
                        op,
                        lhs: Box::new(lhs),
                        rhs: Box::new(rhs),
                    },
                    span,
                })
            })
            .parse(pair.into_inner())
    }

    fn region_term(&self, pair: Pair_) -> Result<Region, Diagnostic> {
        let span = self.span(&pair);
        let kind = match pair.as_rule() {
            Rule::region => return self.region(pair),
            Rule::box_region => RegionKind::Box(
                pair.into_inner()
                    .map(|p| self.interval(p))
                    .collect::<Result<_, _>>()?,
            ),
            Rule::boundary => RegionKind::Boundary(Box::new(
                self.region(pair.into_inner().next().expect("region"))?,
            )),
            Rule::slice => {
                let mut inner = pair.into_inner();
                let coord = self.ident(inner.next().expect("coordinate"));
                RegionKind::Slice {
                    coord,
                    value: self.expr(inner.next().expect("value"))?,
                }
            }
            Rule::shape => {
                let mut inner = pair.into_inner();
                let name = self.ident(inner.next().expect("shape name"));
                RegionKind::Shape {
                    name,
                    args: inner.map(|p| self.expr(p)).collect::<Result<_, _>>()?,
                }
            }
            Rule::region_name => {
                RegionKind::Name(self.ident(pair.into_inner().next().expect("name")))
            }
            other => unreachable!("not a region: {other:?}"),
        };
        Ok(Region { kind, span })
    }

    fn expr(&self, pair: Pair_) -> Result<Expr, Diagnostic> {
        self.expr_with_depth(pair).map(|(e, _)| e)
    }

    fn expr_with_depth(&self, pair: Pair_) -> Built {
        // The Pratt parser recurses once per prefix operator in a row and
        // once per `^` (right associative): bound both before it runs.
        let (mut prefixes, mut powers) = (0, 0);
        for p in pair.clone().into_inner() {
            match p.as_rule() {
                Rule::neg | Rule::pos => prefixes += 1,
                Rule::pow => powers += 1,
                Rule::add | Rule::sub | Rule::mul | Rule::div => {}
                _ => {
                    if prefixes > MAX_DEPTH || powers > MAX_DEPTH {
                        return bounded(
                            Expr {
                                kind: ExprKind::Number(0.0),
                                span: self.span(&pair),
                            },
                            MAX_DEPTH + 1,
                        );
                    }
                    prefixes = 0;
                }
            }
        }
        if powers > MAX_DEPTH {
            return bounded(
                Expr {
                    kind: ExprKind::Number(0.0),
                    span: self.span(&pair),
                },
                MAX_DEPTH + 1,
            );
        }
        pratt()
            .map_primary(|p| self.primary(p))
            .map_prefix(|op, e| {
                let (e, d) = e?;
                let span = self.span(&op).to(e.span);
                if op.as_rule() == Rule::pos {
                    return Ok((Expr { span, ..e }, d));
                }
                bounded(
                    Expr {
                        kind: ExprKind::Neg(Box::new(e)),
                        span,
                    },
                    d + 1,
                )
            })
            .map_infix(|lhs, op, rhs| {
                let ((lhs, dl), (rhs, dr)) = (lhs?, rhs?);
                let op = match op.as_rule() {
                    Rule::add => BinOp::Add,
                    Rule::sub => BinOp::Sub,
                    Rule::mul => BinOp::Mul,
                    Rule::div => BinOp::Div,
                    _ => BinOp::Pow,
                };
                let span = lhs.span.to(rhs.span);
                let kind = ExprKind::Binary {
                    op,
                    lhs: Box::new(lhs),
                    rhs: Box::new(rhs),
                };
                bounded(Expr { kind, span }, dl.max(dr) + 1)
            })
            .parse(pair.into_inner())
    }

    /// Builds each argument; returns them with the deepest one's height.
    fn args<'i>(
        &self,
        pairs: impl Iterator<Item = Pair<'i, Rule>>,
    ) -> Result<(Vec<Expr>, usize), Diagnostic> {
        let mut depth = 0;
        let mut args = vec![];
        for p in pairs {
            let (e, d) = self.expr_with_depth(p)?;
            depth = depth.max(d);
            args.push(e);
        }
        Ok((args, depth))
    }

    fn primary(&self, pair: Pair_) -> Built {
        let span = self.span(&pair);
        let (kind, depth) = match pair.as_rule() {
            // The grammar's number rule only matches valid float syntax.
            Rule::number => (
                ExprKind::Number(pair.as_str().parse().unwrap_or(f64::NAN)),
                0,
            ),
            Rule::name => (
                ExprKind::Name(self.ident(pair.into_inner().next().expect("ident"))),
                0,
            ),
            Rule::member => {
                let mut inner = pair.into_inner();
                let base = self.ident(inner.next().expect("base"));
                let member = self.ident(inner.next().expect("member"));
                (ExprKind::Member { base, member }, 0)
            }
            Rule::call => {
                let mut inner = pair.into_inner();
                let callee = self.ident(inner.next().expect("callee"));
                let (args, depth) = self.args(inner)?;
                (ExprKind::Call { callee, args }, depth)
            }
            Rule::sum => {
                let mut inner = pair.into_inner().filter(|p| p.as_rule() != Rule::kw_in);
                let var = self.ident(inner.next().expect("var"));
                let (mut parts, depth) = self.args(inner)?;
                let body = Box::new(parts.pop().expect("body"));
                let over = Box::new(parts.pop().expect("over"));
                (ExprKind::Sum { var, over, body }, depth)
            }
            Rule::group => {
                let (mut items, depth) = self.args(pair.into_inner())?;
                if items.len() == 1 {
                    let inner = items.pop().expect("one item");
                    return Ok((Expr { span, ..inner }, depth));
                }
                (ExprKind::Tuple(items), depth)
            }
            other => unreachable!("not a primary: {other:?}"),
        };
        bounded(Expr { kind, span }, depth + 1)
    }
}

/// Rejects an expression deeper than [`MAX_DEPTH`].
fn bounded(e: Expr, depth: usize) -> Built {
    if depth > MAX_DEPTH {
        return Err(Diagnostic::error(
            Code::TooComplex,
            format!("expression nested more than {MAX_DEPTH} deep"),
        )
        .label(e.span, "this expression is too deep")
        .help("give parts of the expression names with `def` or `const`"));
    }
    Ok((e, depth))
}

fn is_keyword(rule: Rule) -> bool {
    matches!(
        rule,
        Rule::kw_const
            | Rule::kw_learn
            | Rule::kw_param
            | Rule::kw_field
            | Rule::kw_region
            | Rule::kw_data
            | Rule::kw_def
            | Rule::kw_use
            | Rule::kw_net
            | Rule::kw_train
            | Rule::kw_symmetry
            | Rule::kw_conserve
            | Rule::kw_exact
            | Rule::kw_reference
            | Rule::kw_in
    )
}
