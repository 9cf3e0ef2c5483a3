//! The AST as s-expressions, one line per statement.
//!
//! Used by snapshots and `physc ir --stage ast`: every node shows, spans do
//! not (they would make each snapshot change with every edit of a comment).

use super::ast::*;
use std::fmt::Write;

pub fn program(program: &Program) -> String {
    let mut out = String::new();
    for item in &program.items {
        out.push_str(&self::item(item));
        out.push('\n');
    }
    out
}

pub fn item(item: &Item) -> String {
    match &item.kind {
        ItemKind::Const { name, value, space } => match space {
            None => format!("(const {} {})", name.name, expr(value)),
            Some(s) => format!("(const {} {} :in {})", name.name, expr(value), expr(s)),
        },
        ItemKind::Learn { name, init } => format!("(learn {} {})", name.name, expr(init)),
        ItemKind::Param { name, range } => format!("(param {} {})", name.name, interval(range)),
        ItemKind::Field { names, coords, ty } => {
            let coords: Vec<String> = coords
                .iter()
                .map(|c| {
                    let names = names_of(&c.names);
                    match &c.domain {
                        Some(r) => format!("(in {names} {})", region(r)),
                        None => names,
                    }
                })
                .collect();
            let ty = ty
                .as_ref()
                .map(|t| format!(" :type {}", t.name))
                .unwrap_or_default();
            format!("(field {} ({}){ty})", names_of(names), coords.join(" "))
        }
        ItemKind::Region { name, region: r } => format!("(region {} {})", name.name, region(r)),
        ItemKind::Data { name, source: s } => format!("(data {} {})", name.name, source(s)),
        ItemKind::Def { name, params, body } => {
            format!("(def {} ({}) {})", name.name, names_of(params), expr(body))
        }
        ItemKind::Use { path } => {
            format!(
                "(use {})",
                path.iter()
                    .map(|p| p.name.as_str())
                    .collect::<Vec<_>>()
                    .join(".")
            )
        }
        ItemKind::Net {
            names,
            args,
            spec: s,
        } => {
            let mut out = format!("(net {}", names_of(names));
            if let Some(args) = args {
                let _ = write!(out, " :args ({})", names_of(args));
            }
            if let Some(s) = s {
                let _ = write!(out, " {}", spec(s));
            }
            out + ")"
        }
        ItemKind::Train { items } => {
            let items: Vec<String> = items
                .iter()
                .map(|i| match i {
                    TrainItem::Spec(s) => spec(s),
                    TrainItem::Opt(o) => option(o),
                })
                .collect();
            format!("(train {})", items.join(" "))
        }
        ItemKind::Symmetry { soft, lhs, rhs, on } => {
            let kind = if *soft { "soft-symmetry" } else { "symmetry" };
            format!("({kind} {} {}{})", expr(lhs), expr(rhs), on_clause(on))
        }
        ItemKind::Conserve { quantity, on } => {
            format!("(conserve {}{})", expr(quantity), on_clause(on))
        }
        ItemKind::Exact {
            field,
            value,
            checked,
        } => format!(
            "({} {} {})",
            if *checked { "exact" } else { "reference" },
            field.name,
            expr(value)
        ),
        ItemKind::Reference { field, source: s } => {
            format!("(reference {} {})", field.name, source(s))
        }
        ItemKind::Constraint(c) => {
            let mut out = String::from("(constraint");
            if let Some(label) = &c.label {
                let _ = write!(out, " :label {}", label.name);
            }
            if let Some((m, _)) = c.modifier {
                out.push_str(match m {
                    Modifier::Hard => " :hard",
                    Modifier::Soft => " :soft",
                    Modifier::Ode => " :ode",
                });
            }
            let _ = write!(
                out,
                " ({} {} {}){})",
                c.relation.as_str(),
                expr(&c.lhs),
                expr(&c.rhs),
                on_clause(&c.on)
            );
            out
        }
    }
}

fn names_of(names: &[Ident]) -> String {
    names
        .iter()
        .map(|n| n.name.as_str())
        .collect::<Vec<_>>()
        .join(" ")
}

fn on_clause(on: &Option<Region>) -> String {
    on.as_ref()
        .map(|r| format!(" :on {}", region(r)))
        .unwrap_or_default()
}

fn source(s: &Source) -> String {
    format!("({} {:?})", s.format.name, s.path)
}

fn spec(s: &Spec) -> String {
    if s.options.is_empty() {
        return format!("({})", s.name.name);
    }
    let options: Vec<String> = s.options.iter().map(option).collect();
    format!("({} {})", s.name.name, options.join(" "))
}

fn option(o: &Opt) -> String {
    format!("(= {} {})", o.name.name, expr(&o.value))
}

fn interval(i: &Interval) -> String {
    format!("[{} {}]", expr(&i.lo), expr(&i.hi))
}

pub fn region(r: &Region) -> String {
    match &r.kind {
        RegionKind::Box(intervals) => {
            format!(
                "(box {})",
                intervals.iter().map(interval).collect::<Vec<_>>().join(" ")
            )
        }
        RegionKind::Slice { coord, value } => format!("(slice {} {})", coord.name, expr(value)),
        RegionKind::Shape { name, args } => {
            format!(
                "({} {})",
                name.name,
                args.iter().map(expr).collect::<Vec<_>>().join(" ")
            )
        }
        RegionKind::Boundary(inner) => format!("(boundary {})", region(inner)),
        RegionKind::Name(name) => name.name.clone(),
        RegionKind::Set { op, lhs, rhs } => {
            format!("({} {} {})", op.as_str(), region(lhs), region(rhs))
        }
    }
}

pub fn expr(e: &Expr) -> String {
    match &e.kind {
        ExprKind::Number(n) => format!("{n}"),
        ExprKind::Name(name) => name.name.clone(),
        ExprKind::Member { base, member } => format!("{}.{}", base.name, member.name),
        ExprKind::Call { callee, args } => {
            let args: Vec<String> = args.iter().map(expr).collect();
            if args.is_empty() {
                format!("({})", callee.name)
            } else {
                format!("({} {})", callee.name, args.join(" "))
            }
        }
        ExprKind::Tuple(items) => format!(
            "(tuple {})",
            items.iter().map(expr).collect::<Vec<_>>().join(" ")
        ),
        ExprKind::Neg(inner) => format!("(neg {})", expr(inner)),
        ExprKind::Binary { op, lhs, rhs } => {
            format!("({} {} {})", op.as_str(), expr(lhs), expr(rhs))
        }
        ExprKind::Sum { var, over, body } => {
            format!("(sum {} {} {})", var.name, expr(over), expr(body))
        }
    }
}
